//! Exact serde mirrors of VesuvioPay's Order Management JSON (the Order Management Guide's payloads).
//!
//! Every field the guide shows is here. Fields the guide always shows but a real server could leave out are
//! `Option`, so one missing optional part never fails a whole page; `id`, `status` and `placedAt` are required
//! (without them there is no order to show). Money is `Decimal` straight from the JSON number (serde_json's
//! `arbitrary_precision` keeps it exact; a decimal string is accepted too). Statuses stay strings here and are
//! parsed case-insensitively by [`super::mapping::NativeStatus`] (payloads use PascalCase, some SDK examples
//! lowercase).

use rust_decimal::Decimal;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

/// `{"success": true, "data": …, "message"?: …}`, the envelope of every successful answer.
#[derive(Debug, Deserialize)]
pub(super) struct Envelope<T> {
    /// `true` on success. A 2xx with `false` is treated as a refusal.
    #[serde(default)]
    pub success: Option<bool>,
    /// Some answers (cancel, link) carry a human message.
    #[serde(default)]
    pub message: Option<String>,
    /// The payload.
    pub data: T,
}

/// `data` of `GET /api/v1/orders`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct OrderList {
    /// The rows, in the server's order (not documented; the adapter sorts), each kept as its JSON text and
    /// decoded into an [`OrderRow`] by the adapter (the text becomes the order's `native`).
    pub orders: Vec<Box<RawValue>>,
    /// How many orders match the query (status and date window), across all pages.
    #[serde(default)]
    pub total_count: Option<u64>,
    /// Whether more orders match than were returned.
    #[serde(default)]
    pub has_more: Option<bool>,
}

/// What a list row's key reads: its id and when it was placed (serde skips the row's other fields).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RowKey {
    /// Internal UUID.
    pub id: String,
    /// ISO 8601.
    pub placed_at: String,
}

/// One row of the list: a summary with totals and contact, no items, addresses or payment method.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct OrderRow {
    /// Internal UUID.
    pub id: String,
    /// `VES-1001`.
    #[serde(default)]
    pub order_number: Option<String>,
    /// The linked platform's order id.
    #[serde(default)]
    pub external_order_id: Option<String>,
    /// PascalCase status (`Confirmed`).
    pub status: String,
    /// The customer's UUID.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// The customer's e-mail.
    #[serde(default)]
    pub customer_email: Option<String>,
    /// The customer's phone.
    #[serde(default)]
    pub customer_phone: Option<String>,
    /// Grand total.
    #[serde(default)]
    pub total_amount: Option<Decimal>,
    /// Items before shipping, tax and discounts.
    #[serde(default)]
    pub subtotal: Option<Decimal>,
    /// Tax.
    #[serde(default)]
    pub tax_total: Option<Decimal>,
    /// Shipping.
    #[serde(default)]
    pub shipping_total: Option<Decimal>,
    /// Discounts, positive.
    #[serde(default)]
    pub discount_total: Option<Decimal>,
    /// Number of items (kept in `native`; the unified model counts line items itself).
    #[serde(default)]
    #[allow(dead_code)]
    pub item_count: Option<i64>,
    /// `2025-10-08T10:30:00Z`.
    pub placed_at: String,
    /// Last change.
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// `data` of `GET /api/v1/orders/{orderId}`: the full order.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct OrderDetail {
    /// Internal UUID.
    pub id: String,
    /// `VES-1001`.
    #[serde(default)]
    pub order_number: Option<String>,
    /// The linked platform's order id (`null` until linked, for checkout orders).
    #[serde(default)]
    pub external_order_id: Option<String>,
    /// The linked platform (`Shopify`).
    #[serde(default)]
    pub platform_name: Option<String>,
    /// PascalCase status.
    pub status: String,
    /// The buyer.
    #[serde(default)]
    pub customer: Option<WireCustomer>,
    /// Lines.
    #[serde(default)]
    pub items: Option<Vec<Item>>,
    /// Delivery address.
    #[serde(default)]
    pub shipping_address: Option<WireAddress>,
    /// Billing address.
    #[serde(default)]
    pub billing_address: Option<WireAddress>,
    /// Totals.
    #[serde(default)]
    pub totals: Option<Totals>,
    /// How the customer paid.
    #[serde(default)]
    pub payment_method: Option<PaymentMethod>,
    /// `2025-10-08T10:30:00Z`.
    pub placed_at: String,
    /// Last change.
    #[serde(default)]
    pub updated_at: Option<String>,
    /// "Leave at door".
    #[serde(default)]
    pub delivery_instructions: Option<String>,
    /// Free-form; status changes may carry `trackingNumber` and `carrier` here.
    #[serde(default)]
    pub metadata: Option<Metadata>,
}

/// The parts of the free-form `metadata` object the adapter reads; everything else stays in `native`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Metadata {
    /// Tracking number (a string; any other JSON type is ignored).
    #[serde(default)]
    pub tracking_number: LooseText,
    /// Carrier (a string; any other JSON type is ignored).
    #[serde(default)]
    pub carrier: LooseText,
    /// Tracking page (a string; any other JSON type is ignored).
    #[serde(default)]
    pub tracking_url: LooseText,
}

/// A free-form field read only when it is a string: any other JSON value (number, object, `null`, …) is
/// skipped and reads as `None`, so a metadata field of an unexpected type never fails an order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct LooseText(pub Option<String>);

impl<'de> Deserialize<'de> for LooseText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LooseVisitor;

        impl<'de> Visitor<'de> for LooseVisitor {
            type Value = LooseText;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<LooseText, E> {
                Ok(LooseText(Some(v.to_string())))
            }

            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<LooseText, E> {
                Ok(LooseText(Some(v)))
            }

            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<LooseText, E> {
                Ok(LooseText(None))
            }

            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<LooseText, E> {
                Ok(LooseText(None))
            }

            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<LooseText, E> {
                Ok(LooseText(None))
            }

            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<LooseText, E> {
                Ok(LooseText(None))
            }

            fn visit_unit<E: serde::de::Error>(self) -> Result<LooseText, E> {
                Ok(LooseText(None))
            }

            fn visit_none<E: serde::de::Error>(self) -> Result<LooseText, E> {
                Ok(LooseText(None))
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<LooseText, D::Error> {
                LooseText::deserialize(d)
            }

            // Objects, and numbers under `arbitrary_precision` (which arrive as a one-entry map).
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LooseText, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LooseText(None))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LooseText, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LooseText(None))
            }
        }

        deserializer.deserialize_any(LooseVisitor)
    }
}

/// `customer` of the full order.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireCustomer {
    /// UUID.
    #[serde(default)]
    pub id: Option<String>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// Given name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Family name.
    #[serde(default)]
    pub last_name: Option<String>,
}

/// One line of `items`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Item {
    /// Line UUID.
    pub id: String,
    /// VesuvioPay's own variant UUID.
    #[serde(default)]
    pub product_variant_id: Option<String>,
    /// The platform's product id.
    #[serde(default)]
    pub external_product_id: Option<String>,
    /// The platform's variant id.
    #[serde(default)]
    pub external_variant_id: Option<String>,
    /// "Premium T-Shirt".
    #[serde(default)]
    pub product_title: Option<String>,
    /// "Small / Red".
    #[serde(default)]
    pub variant_title: Option<String>,
    /// SKU.
    #[serde(default)]
    pub sku: Option<String>,
    /// Quantity.
    pub quantity: i64,
    /// Price of one unit.
    pub unit_price: Decimal,
    /// Line total.
    pub total_price: Decimal,
    /// Same vocabulary as the order status (kept in `native`).
    #[serde(default)]
    #[allow(dead_code)]
    pub item_status: Option<String>,
}

/// `shippingAddress` / `billingAddress`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireAddress {
    /// Given name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Family name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Street.
    #[serde(default)]
    pub address1: Option<String>,
    /// Complement.
    #[serde(default)]
    pub address2: Option<String>,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// State or province.
    #[serde(default)]
    pub province: Option<String>,
    /// Country name.
    #[serde(default)]
    pub country: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[serde(default)]
    pub country_iso_code: Option<String>,
    /// Postal code.
    #[serde(default)]
    pub postal_code: Option<String>,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
}

/// `totals` of the full order.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Totals {
    /// Items.
    #[serde(default)]
    pub subtotal: Option<Decimal>,
    /// Shipping.
    #[serde(default)]
    pub shipping_total: Option<Decimal>,
    /// Tax.
    #[serde(default)]
    pub tax_total: Option<Decimal>,
    /// Discounts, positive.
    #[serde(default)]
    pub discount_total: Option<Decimal>,
    /// Grand total.
    pub total_amount: Decimal,
}

/// `paymentMethod` of the full order.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PaymentMethod {
    /// `credit_card`.
    #[serde(default)]
    pub method: Option<String>,
    /// "Visa ending in 4242".
    #[serde(default)]
    pub display: Option<String>,
    /// Last four digits (kept in `native`).
    #[serde(default)]
    #[allow(dead_code)]
    pub last4: Option<String>,
    /// Card brand (kept in `native`).
    #[serde(default)]
    #[allow(dead_code)]
    pub brand: Option<String>,
}

/// The error body: `{"success": false, "message", "errorCode", "errors"?}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ErrorBody {
    /// `false`.
    #[serde(default)]
    #[allow(dead_code)]
    pub success: Option<bool>,
    /// "Order not found".
    #[serde(default)]
    pub message: Option<String>,
    /// `ORDER_NOT_FOUND`, `INVALID_STATUS_TRANSITION`, …
    #[serde(default)]
    pub error_code: Option<String>,
    /// Validation details: strings (the guide) or `{field, message}` objects (the error reference).
    #[serde(default)]
    pub errors: Option<Vec<ValidationError>>,
}

/// One entry of `errors`, in either documented shape.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum ValidationError {
    /// `"Customer email is required"`.
    Text(String),
    /// `{"field": "customerEmail", "message": "is required"}`.
    Field {
        /// The offending field.
        #[serde(default)]
        field: Option<String>,
        /// What is wrong.
        #[serde(default)]
        message: Option<String>,
    },
    /// Anything else (kept out of messages).
    Other(#[allow(dead_code)] serde_json::Value),
}
