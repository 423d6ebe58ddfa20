//! The bodies of the mutation calls (invoice, tracking, cancel), serialized as VTEX documents them.

use serde::Serialize;

/// `POST …/invoice` body (invoice notification).
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceRequest {
    /// `Output` (a sale).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// When the invoice was issued (RFC 3339).
    pub issuance_date: String,
    /// Invoice number.
    pub invoice_number: String,
    /// Invoiced amount in cents, as a string.
    pub invoice_value: String,
    /// Items invoiced.
    pub items: Vec<InvoiceItem>,
    /// Carrier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub courier: Option<String>,
    /// Tracking number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    /// Tracking page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_url: Option<String>,
    /// When the goods left (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispatched_date: Option<String>,
}

/// One invoiced item.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct InvoiceItem {
    /// SKU id.
    pub id: String,
    /// Unit price in cents.
    pub price: i64,
    /// Quantity.
    pub quantity: i64,
}

/// `PUT …/invoice/{invoiceNumber}/tracking` body.
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TrackingRequest {
    /// Delivered.
    pub is_delivered: bool,
    /// `yyyy-mm-dd hh:mm`.
    pub delivered_date: Option<String>,
    /// Tracking events (none sent).
    pub events: Vec<serde_json::Value>,
}

/// `POST …/cancel` body.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct CancelRequest {
    /// Why.
    pub reason: String,
}
