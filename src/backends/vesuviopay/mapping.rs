//! VesuvioPay wire → domain: list rows (summaries) and full orders.
//!
//! VesuvioPay payloads carry no currency: every amount is in the backend's configured `currency`.

use futures::future::BoxFuture;
use rust_decimal::Decimal;
use serde_json::value::RawValue;

use super::status::NativeStatus;
use super::wire;
use crate::backends::rows::{self, RowFormat, RowKey};
use crate::backends::util::{RowAt, parse_datetime, require_datetime};
use crate::domain::{
    Address, BackendName, Customer, Known, LineItem, Money, NativeJson, NativeOrderId, Order, OrderId,
    OrderTotals, Tracking,
};
use crate::error::{Error, Result};

/// What a list row carries (`GET /api/v1/orders`, documented row fields): the five amounts, `updatedAt`, the
/// customer's id, e-mail and phone (not the names), the external order id (not the platform's name); tags too
/// (VesuvioPay has none). Items, addresses, methods, tracking, note and the full payload need the order itself.
/// A row without an amount or `updatedAt` does not claim it ([`order_from_row`]).
pub(super) const ROW_KNOWN: Known = Known {
    updated_at: true,
    customer_id: true,
    customer_email: true,
    customer_phone: true,
    external_order_id: true,
    tags: true,
    ..Known::TOTALS
};

/// How a list page's rows (`data.orders[i]`) read: the key from `id` and `placedAt`, the order from the whole
/// row, read exactly alike.
pub(super) struct Rows {
    /// The backend.
    pub backend: BackendName,
    /// The configured currency (payloads carry none).
    pub currency: String,
}

impl RowFormat for Rows {
    const ARRAY: &'static str = "data.orders";
    type Key = wire::RowKey;

    fn backend(&self) -> &BackendName {
        &self.backend
    }

    fn key(&self, key: wire::RowKey, at: RowAt) -> Result<RowKey> {
        let id = order_id(&self.backend, &key.id, format_args!("{at}.id"))?;
        let placed_at = require_datetime(&self.backend, format_args!("{at}.placedAt"), &key.placed_at)?;
        Ok((id, placed_at))
    }

    fn order<'a>(&'a self, raw: &'a RawValue, at: RowAt) -> BoxFuture<'a, Result<Order>> {
        let order = rows::decode_row(&self.backend, raw, at).and_then(|(row, native)| {
            order_from_row(&self.backend, &self.currency, &row, native, &at.to_string())
        });
        rows::ready(order)
    }
}

/// Builds an order from a list row (at `path`); `native` is the row as sent.
pub(super) fn order_from_row(
    backend: &BackendName,
    currency: &str,
    row: &wire::OrderRow,
    native: NativeJson,
    path: &str,
) -> Result<Order> {
    let id = order_id(backend, &row.id, path)?;
    let placed_at = require_datetime(backend, format_args!("{path}.placedAt"), &row.placed_at)?;
    let status = NativeStatus::parse(&row.status).to_status(&row.status);
    let mut order = Order::new(id, status, placed_at, currency);
    order.number = row.order_number.clone();
    order.updated_at = optional_datetime(backend, &format!("{path}.updatedAt"), row.updated_at.as_deref())?;
    let money = |amount: Option<Decimal>| Money::new(amount.unwrap_or_default(), currency);
    order.totals = OrderTotals {
        subtotal: money(row.subtotal),
        shipping: money(row.shipping_total),
        tax: money(row.tax_total),
        discount: money(row.discount_total),
        total: money(row.total_amount),
    };
    let contact = [&row.customer_id, &row.customer_email, &row.customer_phone];
    if contact.iter().any(|v| v.is_some()) {
        order.customer = Some(Customer {
            id: row.customer_id.clone(),
            email: row.customer_email.clone(),
            phone: row.customer_phone.clone(),
            ..Customer::default()
        });
    }
    order.external_order_id = non_empty(row.external_order_id.as_deref());
    order.native = native;
    // An amount or date the row leaves out is not claimed (a zero or `None` would be a wrong answer).
    order.known = ROW_KNOWN.difference(Known {
        subtotal: row.subtotal.is_none(),
        shipping: row.shipping_total.is_none(),
        tax: row.tax_total.is_none(),
        discount: row.discount_total.is_none(),
        total: row.total_amount.is_none(),
        updated_at: row.updated_at.is_none(),
        ..Known::CORE
    });
    Ok(order)
}

/// Builds a full order from `GET /api/v1/orders/{id}`; `native` is `data` as sent.
///
/// Amounts the payload leaves out (`totals` parts) are zero; the guide always sends them.
pub(super) fn order_from_detail(
    backend: &BackendName,
    currency: &str,
    detail: &wire::OrderDetail,
    native: NativeJson,
) -> Result<Order> {
    let id = order_id(backend, &detail.id, "data.id")?;
    let placed_at = require_datetime(backend, "data.placedAt", &detail.placed_at)?;
    let status = NativeStatus::parse(&detail.status).to_status(&detail.status);
    let mut order = Order::new(id, status, placed_at, currency);
    let money = |amount: Decimal| Money::new(amount, currency);
    order.number = detail.order_number.clone();
    order.updated_at = optional_datetime(backend, "data.updatedAt", detail.updated_at.as_deref())?;
    if let Some(totals) = &detail.totals {
        order.totals = OrderTotals {
            subtotal: money(totals.subtotal.unwrap_or_default()),
            shipping: money(totals.shipping_total.unwrap_or_default()),
            tax: money(totals.tax_total.unwrap_or_default()),
            discount: money(totals.discount_total.unwrap_or_default()),
            total: money(totals.total_amount),
        };
    }
    order.customer = detail.customer.as_ref().map(|c| Customer {
        id: c.id.clone(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        full_name: join_name(c.first_name.as_deref(), c.last_name.as_deref()),
    });
    order.line_items = detail
        .items
        .iter()
        .flatten()
        .map(|item| LineItem {
            id: item.id.clone(),
            sku: item.sku.clone(),
            name: item.product_title.clone().or_else(|| item.sku.clone()).unwrap_or_default(),
            variant: item.variant_title.clone(),
            product_id: item.external_product_id.clone(),
            variant_id: item.product_variant_id.clone().or_else(|| item.external_variant_id.clone()),
            quantity: item.quantity,
            unit_price: money(item.unit_price),
            total: money(item.total_price),
            image_url: None,
        })
        .collect();
    order.shipping_address = detail.shipping_address.as_ref().map(address);
    order.billing_address = detail.billing_address.as_ref().map(address);
    order.payment_method =
        detail.payment_method.as_ref().and_then(|p| p.display.clone().or_else(|| p.method.clone()));
    order.tracking = detail.metadata.as_ref().and_then(tracking).into_iter().collect();
    order.external_order_id = non_empty(detail.external_order_id.as_deref());
    order.external_platform = non_empty(detail.platform_name.as_deref());
    order.note = non_empty(detail.delivery_instructions.as_deref());
    order.native = native;
    order.known = Known::FULL;
    Ok(order)
}

/// Tracking from the order's `metadata` (where `PUT …/status` puts `trackingNumber` and `carrier`).
fn tracking(metadata: &wire::Metadata) -> Option<Tracking> {
    let text = |field: &wire::LooseText| non_empty(field.0.as_deref());
    let tracking = Tracking {
        carrier: text(&metadata.carrier),
        number: text(&metadata.tracking_number),
        url: text(&metadata.tracking_url),
    };
    (tracking.carrier.is_some() || tracking.number.is_some() || tracking.url.is_some()).then_some(tracking)
}

fn address(a: &wire::WireAddress) -> Address {
    Address {
        full_name: join_name(a.first_name.as_deref(), a.last_name.as_deref()),
        first_name: a.first_name.clone(),
        last_name: a.last_name.clone(),
        company: None,
        line1: a.address1.clone(),
        line2: a.address2.clone(),
        city: a.city.clone(),
        region: a.province.clone(),
        postal_code: a.postal_code.clone(),
        country_code: a.country_iso_code.clone(),
        country: a.country.clone(),
        phone: a.phone.clone(),
        email: None,
    }
}

fn order_id(backend: &BackendName, id: &str, path: impl std::fmt::Display) -> Result<OrderId> {
    let native = NativeOrderId::parse(id).map_err(|reason| Error::Malformed {
        backend: backend.to_string(),
        path: path.to_string(),
        message: reason,
    })?;
    Ok(OrderId::new(backend.clone(), native))
}

fn optional_datetime(
    backend: &BackendName,
    path: &str,
    text: Option<&str>,
) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => parse_datetime(text).map(Some).ok_or_else(|| Error::Malformed {
            backend: backend.to_string(),
            path: path.to_string(),
            message: format!("{:?} is not a date-time", crate::error::shorten(text)),
        }),
    }
}

fn join_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    let parts: Vec<&str> =
        [first, last].into_iter().flatten().map(str::trim).filter(|s| !s.is_empty()).collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn non_empty(text: Option<&str>) -> Option<String> {
    text.filter(|s| !s.trim().is_empty()).map(str::to_string)
}

#[cfg(test)]
#[path = "mapping_tests.rs"]
mod tests;
