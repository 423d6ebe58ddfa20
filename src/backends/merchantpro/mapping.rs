//! MerchantPro order JSON → the domain [`Order`].
//!
//! Totals (all in the order's `currency`; MerchantPro prices include VAT and every row says its VAT part):
//! - `shipping` = `shipping_amount − shipping_tax_amount` (net: `shipping_amount` includes its VAT; the
//!   documented list example checks out only that way: 365.39 + 161.16 = 526.55, and 161.16 × 19/119 = 25.73);
//! - `subtotal` = Σ `line_subtotal_net` of the product rows (= Σ of the unified line totals);
//! - `tax` = Σ `line_tax_amount` of all rows (discount rows carry negative VAT) + `shipping_tax_amount`;
//! - `total` = `total_amount`;
//! - `discount` = `subtotal + shipping + tax − total` (not below zero): the net value of the discount rows
//!   when the order itemises them, and also any order-level reduction it does not itemise. So
//!   `total = subtotal + shipping + tax − discount` holds for every consistent payload; when `total_amount` is
//!   above the parts (an undocumented surcharge) discount is zero and the mismatch is logged.
//!
//! Empty strings, which MerchantPro sends for unset text (`"billing_address": ""`), become `None`.

use chrono::{DateTime, FixedOffset};
use futures::future::BoxFuture;
use rust_decimal::Decimal;
use serde_json::value::RawValue;

use super::status;
use super::wire::{Flex, Head, RowKey, WireLineItem, WireOrder, WireSummary};
use crate::backends::decode::decode_raw;
use crate::backends::rows::{self, RowFormat};
use crate::backends::util::{RowAt, require_datetime};
use crate::domain::{
    Address, BackendName, Customer, Known, LineItem, Money, NativeJson, NativeOrderId, Order, OrderId,
    OrderTotals, Tracking,
};
use crate::error::{Error, Result};

/// What a list row carries. Every listing asks `include=line_items` (but one that reads summaries only, whose
/// rows carry [`Known::SUMMARY`], see [`summary`]), and such a row is the whole order, as
/// `GET /api/v2/orders/{id}` gives it: no field needs another call. A row without `line_items` (not asked
/// for) lacks [`NEEDS_LINE_ITEMS`].
pub(super) const ROW_KNOWN: Known = Known::FULL;

/// What a row lacks when it came without `line_items`: the lines, the amounts computed from them (only the grand
/// total is in the row) and the full payload.
const NEEDS_LINE_ITEMS: Known = Known { line_items: true, native: true, total: false, ..Known::TOTALS };

/// An order's summary ([`Known::SUMMARY`]: id, status, dates, currency, total) from its head, read exactly as
/// [`order`] reads them.
pub(super) fn summary(backend: &BackendName, head: &Head<'_>) -> Result<Order> {
    let native_id = head.id.non_empty().ok_or_else(|| malformed(backend, "id", "the order id is empty"))?;
    let currency =
        text(head.currency).ok_or_else(|| malformed(backend, "currency", "the order has no currency"))?;
    let placed_text = text(head.date_created)
        .ok_or_else(|| malformed(backend, "date_created", "the order has no creation date"))?;
    let placed_at = require_datetime(backend, "date_created", &placed_text)?;
    let updated_at = optional_date(backend, "date_modified", head.date_modified)?;
    let total_amount =
        head.total_amount.ok_or_else(|| malformed(backend, "total_amount", "the order has no total"))?;
    let status = status::status(
        head.payment_status,
        head.shipping_status,
        head.payment_status_text,
        head.shipping_status_text,
    );
    let id = OrderId::new(backend.clone(), NativeOrderId::new(native_id.as_str()));
    let mut order = Order::new(id, status, placed_at, currency.clone());
    // MerchantPro has no separate order number: the admin and the customer e-mails show the id.
    order.number = Some(native_id);
    order.updated_at = updated_at;
    order.totals = OrderTotals::only_total(Money::new(total_amount, currency));
    order.known = Known::SUMMARY;
    Ok(order)
}

/// Builds the domain order from its wire form and the untouched payload it was decoded from (kept as text).
pub(super) fn order(backend: &BackendName, wire: WireOrder, native: NativeJson) -> Result<Order> {
    let mut order = summary(backend, &wire.head())?;
    let (currency, total_amount) = (order.currency.clone(), order.totals.total.amount);
    order.customer = customer(&wire);
    order.billing_address = billing_address(&wire);
    order.shipping_address = shipping_address(&wire);
    order.payment_method =
        text(wire.payment_method_name.as_deref()).or_else(|| text(wire.payment_method_code.as_deref()));
    order.shipping_method = text(wire.shipping_method_name.as_deref());
    order.tracking = tracking(&wire);
    order.tags = wire.tags.iter().flatten().filter_map(|t| text(t.name.as_deref())).collect();
    order.external_order_id = wire.channel_ref_id.as_ref().and_then(Flex::non_empty);
    order.external_platform = text(wire.channel_name.as_deref());
    order.note = text(wire.customer_note.as_deref());

    let mut known = ROW_KNOWN;
    match &wire.line_items {
        Some(rows) => {
            order.line_items = line_items(backend, rows, &currency)?;
            order.totals = totals(backend, &wire, rows, total_amount, &currency);
        }
        None => {
            // A row without `include=line_items`: only the grand total is known.
            order.totals = OrderTotals::only_total(Money::new(total_amount, currency.clone()));
            known = known.difference(NEEDS_LINE_ITEMS);
        }
    }
    order.known = known;
    order.native = native;
    Ok(order)
}

/// Whether a `line_items[]` row is goods (`item_type` "product", or absent as in the create example) rather
/// than an adjustment such as a discount row.
pub(super) fn is_product(row: &WireLineItem) -> bool {
    row.item_type.as_deref().is_none_or(|t| t.eq_ignore_ascii_case("product"))
}

fn line_items(backend: &BackendName, rows: &[WireLineItem], currency: &str) -> Result<Vec<LineItem>> {
    let mut items = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        if !is_product(row) {
            continue;
        }
        let path = |field: &str| format!("line_items[{index}].{field}");
        let quantity = row.quantity.ok_or_else(|| malformed(backend, &path("quantity"), "missing"))?;
        let unit_price =
            row.unit_price_net.ok_or_else(|| malformed(backend, &path("unit_price_net"), "missing"))?;
        let total = line_net(row).ok_or_else(|| malformed(backend, &path("line_subtotal_net"), "missing"))?;
        let sku = row.product_sku.as_ref().and_then(Flex::non_empty);
        items.push(LineItem {
            // The rows have no id of their own: their position in `line_items`, from 1.
            id: (index + 1).to_string(),
            name: text(row.product_name.as_deref()).or_else(|| sku.clone()).unwrap_or_default(),
            sku,
            variant: text(row.variant_name.as_deref()),
            product_id: row.product_id.as_ref().and_then(Flex::non_empty),
            variant_id: row.variant_id.as_ref().and_then(Flex::non_empty),
            quantity,
            unit_price: Money::new(unit_price, currency),
            total: Money::new(total, currency),
            image_url: text(row.product_image_url.as_deref()),
        });
    }
    Ok(items)
}

/// A row's net amount: `line_subtotal_net`, or gross minus tax when only those are sent.
fn line_net(row: &WireLineItem) -> Option<Decimal> {
    row.line_subtotal_net.or_else(|| Some(row.line_subtotal_gross? - row.line_tax_amount.unwrap_or_default()))
}

/// The totals, per the formula in the module doc.
fn totals(
    backend: &BackendName,
    wire: &WireOrder,
    rows: &[WireLineItem],
    total: Decimal,
    currency: &str,
) -> OrderTotals {
    let shipping_tax = wire.shipping_tax_amount.unwrap_or_default();
    let shipping = wire.shipping_amount.unwrap_or_default() - shipping_tax;
    let subtotal: Decimal = rows.iter().filter(|r| is_product(r)).filter_map(line_net).sum();
    let tax: Decimal = rows.iter().filter_map(|r| r.line_tax_amount).sum::<Decimal>() + shipping_tax;
    let remainder = subtotal + shipping + tax - total;
    if remainder < Decimal::ZERO {
        tracing::debug!(backend = %backend, order = %wire.id, %remainder, "total_amount exceeds its parts");
    }
    let money = |amount: Decimal| Money::new(amount, currency);
    OrderTotals {
        subtotal: money(subtotal),
        shipping: money(shipping),
        tax: money(tax),
        discount: money(remainder.max(Decimal::ZERO)),
        total: money(total),
    }
}

fn customer(wire: &WireOrder) -> Option<Customer> {
    let customer = Customer {
        id: wire.customer_id.as_ref().and_then(Flex::non_empty),
        email: text(wire.customer_email.as_deref()),
        phone: wire.billing_phone.as_ref().and_then(Flex::non_empty),
        first_name: None,
        last_name: None,
        full_name: text(wire.billing_name.as_deref()),
    };
    (customer != Customer::default()).then_some(customer)
}

fn billing_address(wire: &WireOrder) -> Option<Address> {
    non_empty_address(Address {
        full_name: text(wire.billing_name.as_deref()),
        company: text(wire.billing_company_name.as_deref()),
        line1: text(wire.billing_address.as_deref()),
        city: text(wire.billing_city.as_deref()),
        region: text(wire.billing_state.as_deref()),
        postal_code: wire.billing_postal_code.as_ref().and_then(Flex::non_empty),
        country_code: text(wire.billing_country_code.as_deref()).map(|c| c.to_ascii_uppercase()),
        country: text(wire.billing_country_name.as_deref()),
        phone: wire.billing_phone.as_ref().and_then(Flex::non_empty),
        ..Address::default()
    })
}

fn shipping_address(wire: &WireOrder) -> Option<Address> {
    non_empty_address(Address {
        full_name: text(wire.shipping_name.as_deref()),
        line1: text(wire.shipping_address.as_deref()),
        city: text(wire.shipping_city.as_deref()),
        region: text(wire.shipping_state.as_deref()),
        postal_code: wire.shipping_postal_code.as_ref().and_then(Flex::non_empty),
        country_code: text(wire.shipping_country_code.as_deref()).map(|c| c.to_ascii_uppercase()),
        country: text(wire.shipping_country_name.as_deref()),
        phone: wire.shipping_phone.as_ref().and_then(Flex::non_empty),
        ..Address::default()
    })
}

fn non_empty_address(address: Address) -> Option<Address> {
    (address != Address::default()).then_some(address)
}

/// The AWB, with the courier id as carrier (the shipping method name when no courier id is set: in
/// MerchantPro the method is named after the courier, e.g. "Speedy").
fn tracking(wire: &WireOrder) -> Vec<Tracking> {
    let Some(number) = wire.shipping_awb.as_ref().and_then(Flex::non_empty) else {
        return Vec::new();
    };
    let carrier = wire
        .shipping_carrier_id
        .as_ref()
        .and_then(Flex::non_empty)
        .or_else(|| text(wire.shipping_method_name.as_deref()));
    vec![Tracking { carrier, number: Some(number), url: None }]
}

fn optional_date(
    backend: &BackendName,
    path: &str,
    value: Option<&str>,
) -> Result<Option<DateTime<FixedOffset>>> {
    text(value).map(|t| require_datetime(backend, path, &t)).transpose()
}

/// How a list's rows (`data[i]`) read: the key from `id` and `date_created`, the order (or, for rows asked
/// with `fields=`, its summary) from the row, read exactly alike.
pub(super) struct Rows {
    /// The backend.
    pub backend: BackendName,
    /// The rows hold only a summary's fields (`fields=`): their order is that summary.
    pub summaries: bool,
}

impl Rows {
    /// The full order of row `at`.
    fn full(&self, raw: &RawValue, at: RowAt) -> Result<Order> {
        let (wire, native) = rows::decode_row::<WireOrder>(&self.backend, raw, at)?;
        order(&self.backend, wire, native).map_err(|error| at_row(error, at))
    }

    /// The summary of row `at`, decoding only the fields it reads.
    fn head(&self, raw: &RawValue, at: RowAt) -> Result<Order> {
        let wire: WireSummary = decode_raw(&self.backend, raw, at)?;
        summary(&self.backend, &wire.head()).map_err(|error| at_row(error, at))
    }
}

impl RowFormat for Rows {
    const ARRAY: &'static str = "data";
    type Key = RowKey;

    fn backend(&self) -> &BackendName {
        &self.backend
    }

    fn key(&self, key: RowKey, at: RowAt) -> Result<rows::RowKey> {
        let backend = &self.backend;
        let read = || {
            let id = key.id.non_empty().ok_or_else(|| malformed(backend, "id", "the order id is empty"))?;
            let placed_text = text(key.date_created.as_deref())
                .ok_or_else(|| malformed(backend, "date_created", "the order has no creation date"))?;
            let placed_at = require_datetime(backend, "date_created", &placed_text)?;
            Ok((OrderId::new(backend.clone(), NativeOrderId::new(id.as_str())), placed_at))
        };
        read().map_err(|error| at_row(error, at))
    }

    fn order<'a>(&'a self, raw: &'a RawValue, at: RowAt) -> BoxFuture<'a, Result<Order>> {
        rows::ready(if self.summaries { self.head(raw, at) } else { self.full(raw, at) })
    }

    fn summary(&self, raw: &RawValue, at: RowAt) -> Option<Result<Order>> {
        Some(self.head(raw, at))
    }
}

/// A mapping error of row `at`, its path named from the list's root (`data[3].date_created`).
pub(super) fn at_row(error: Error, at: RowAt) -> Error {
    match error {
        Error::Malformed { backend, path, message } => {
            Error::Malformed { backend, path: format!("{at}.{path}"), message }
        }
        other => other,
    }
}

/// Trimmed text, `None` when absent or blank.
fn text(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

fn malformed(backend: &BackendName, path: &str, message: &str) -> Error {
    Error::Malformed { backend: backend.to_string(), path: path.to_string(), message: message.to_string() }
}

#[cfg(test)]
#[path = "mapping_tests.rs"]
mod tests;

/// The documented example order, mapped, for other modules' tests.
#[cfg(test)]
pub(super) mod tests_support {
    use super::*;

    /// Order 12345001 of "Extract all fields", as backend `mp`.
    pub fn example_order() -> Order {
        let backend = BackendName::parse("mp").unwrap();
        let native: Box<serde_json::value::RawValue> =
            serde_json::from_str(super::super::fixtures::ORDER_12345001).unwrap();
        let wire: WireOrder = crate::backends::decode::decode_raw(&backend, &native, "").unwrap();
        order(&backend, wire, NativeJson::from_raw(&native)).unwrap()
    }
}
