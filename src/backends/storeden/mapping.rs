//! Storeden wire types → the unified order model.
//!
//! Totals of a full order: `subtotal` = Σ `price × count` over `cart.items`; `shipping` = `cart.shippingAmount`
//! **plus `cart.paymentAmount`** (the payment-method surcharge has no unified field of its own, and counting it
//! with shipping keeps `subtotal + shipping + tax − discount = total`); `tax` = 0 (Storeden sends no tax
//! amount; the documented example adds up without one); `discount` = `|cart.saleAmount|`; `total` = `total`
//! (else `cart.total`). Every part stays visible in `native`, as do the fields with no unified home
//! (`couponCode`, `transactionID`, the addresses' `vat`).

use chrono::{DateTime, FixedOffset, Timelike};
use futures::future::BoxFuture;
use rust_decimal::Decimal;
use serde_json::value::RawValue;

use super::status;
use super::wire::{self, DateValue, FullOrder, Items, ListRow, Party, TrackingInfo};
use crate::backends::rows::{self, RowFormat, RowKey};
use crate::backends::util::{self, RowAt};
use crate::domain::{
    Address, BackendName, Customer, Known, LineItem, Money, NativeJson, NativeOrderId, Order, OrderId,
    OrderTotals, Tracking,
};
use crate::error::{Error, Result};

/// The separator in a cart item's key `<productUID>#|#<optionKey>`.
const ITEM_KEY_SEPARATOR: &str = "#|#";

/// Storeden's numeric country ids that the documentation establishes (`"119"`, Italy, in the order example).
/// Any other id is kept as-is in `Address.country` with no ISO code: the id table is not published.
const COUNTRY_IDS: &[(&str, &str)] = &[("119", "IT")];

/// What the mapping needs besides the payload.
#[derive(Clone, Copy, Debug)]
pub(super) struct Context<'a> {
    /// The backend's name (the id prefix, and the name in errors).
    pub backend: &'a BackendName,
    /// The configured currency (Storeden payloads carry none).
    pub currency: &'a str,
}

impl Context<'_> {
    fn malformed(&self, path: &str, message: impl Into<String>) -> Error {
        Error::Malformed { backend: self.backend.to_string(), path: path.into(), message: message.into() }
    }

    fn money(&self, amount: Decimal) -> Money {
        Money::new(amount, self.currency)
    }

    fn order_id(&self, native: &wire::Text, path: &str) -> Result<OrderId> {
        let id = native.non_empty().ok_or_else(|| self.malformed(path, "the order id is empty"))?;
        let native = NativeOrderId::parse(&id).map_err(|reason| self.malformed(path, reason))?;
        Ok(OrderId::new(self.backend.clone(), native))
    }
}

/// What a list row carries (`GET /orders/list.json` with the `nodes` every list call asks for): `total`, and
/// from the nodes the billing e-mail and full name (the full order's customer e-mail and name) and the tags.
/// A row without `total` does not claim it; a row that did not honour `nodes` claims none of theirs
/// ([`summary_order`]). The other amounts, the phone, the customer id, addresses, methods and tracking need
/// `order.json`.
pub(super) const ROW_KNOWN: Known =
    Known { total: true, customer_email: true, customer_full_name: true, tags: true, ..Known::CORE };

/// The parts of [`ROW_KNOWN`] that come from the list's `nodes`.
const NODES_KNOWN: Known =
    Known { customer_email: true, customer_full_name: true, tags: true, ..Known::CORE };

/// How a `list.json` page's rows (`[i]`) read: the key from `orderID`, `orderDate` and `iso`, the summary
/// order from the whole row, read exactly alike.
pub(super) struct Rows {
    /// The backend.
    pub backend: BackendName,
    /// The configured currency (Storeden payloads carry none).
    pub currency: String,
}

impl Rows {
    fn context(&self) -> Context<'_> {
        Context { backend: &self.backend, currency: &self.currency }
    }
}

impl RowFormat for Rows {
    const ARRAY: &'static str = "";
    type Key = wire::RowKey;

    fn backend(&self) -> &BackendName {
        &self.backend
    }

    fn key(&self, key: wire::RowKey, _at: RowAt) -> Result<RowKey> {
        let ctx = self.context();
        let id = ctx.order_id(&key.order_id, "orderID")?;
        Ok((id, placed_at(ctx, key.order_date.as_ref(), key.iso.as_ref())?))
    }

    fn order<'a>(&'a self, raw: &'a RawValue, at: RowAt) -> BoxFuture<'a, Result<Order>> {
        let order = rows::decode_row(&self.backend, raw, at)
            .and_then(|(row, native)| summary_order(self.context(), &row, native));
        rows::ready(order)
    }
}

/// An order from a list row: id, status, date, `totals.total`, and whatever `nodes` the row carries (billing
/// e-mail and name, `short_id`, tags). `known` is [`ROW_KNOWN`] less what the row lacks: the total when it has
/// none, the nodes' parts when it did not honour `nodes`.
pub(super) fn summary_order(ctx: Context<'_>, row: &ListRow, native: NativeJson) -> Result<Order> {
    let id = ctx.order_id(&row.order_id, "orderID")?;
    let code = row.status.ok_or_else(|| ctx.malformed("status", "missing"))?;
    let placed_at = placed_at(ctx, row.order_date.as_ref(), row.iso.as_ref())?;
    let mut order = Order::new(id, status::status(code.0), placed_at, ctx.currency);
    order.number = row.short_id.as_ref().and_then(wire::Text::non_empty);
    let mut known = ROW_KNOWN;
    match row.total {
        Some(total) => order.totals = OrderTotals::only_total(ctx.money(total)),
        None => known.total = false,
    }
    let email = row
        .billing
        .as_ref()
        .and_then(|b| b.email.as_ref())
        .or(row.billing_email.as_ref())
        .and_then(wire::Text::non_empty);
    let full_name = row
        .billing
        .as_ref()
        .and_then(|b| b.fullname.as_ref())
        .or(row.billing_fullname.as_ref())
        .and_then(wire::Text::non_empty);
    // Storeden answers `nodes` with the asked fields; a row carrying none of them did not honour the request,
    // so its lack of `tags` says nothing. A row that did honour it and has no `tags` has none.
    let honoured_nodes =
        email.is_some() || full_name.is_some() || order.number.is_some() || row.tags.is_some();
    if email.is_some() || full_name.is_some() {
        order.customer = Some(Customer { email, full_name, ..Customer::default() });
    }
    if honoured_nodes {
        order.tags = row.tags.as_ref().map(|t| t.0.clone()).unwrap_or_default();
    } else {
        known = known.difference(NODES_KNOWN);
    }
    order.native = native;
    order.known = known;
    Ok(order)
}

/// The row's billing e-mail as the list's `nodes` gave it, when it did.
pub(super) fn row_email(order: &Order) -> Option<&str> {
    order.customer.as_ref().and_then(|c| c.email.as_deref())
}

/// A full order from `GET /orders/order.json`. Tracking is added by [`apply_tracking`]; the number and tags
/// come from the payload when it has them, otherwise from the list's `short_id` and `tags` nodes (the caller
/// sets them; [`Order::known`] `.tags` is `false` until then).
pub(super) fn full_order(ctx: Context<'_>, wire: &FullOrder, native: NativeJson) -> Result<Order> {
    let id = ctx.order_id(&wire.order_id, "orderID")?;
    let code = wire.status.ok_or_else(|| ctx.malformed("status", "missing"))?;
    let placed_at = placed_at(ctx, wire.order_date.as_ref(), wire.iso.as_ref())?;
    let mut order = Order::new(id, status::status(code.0), placed_at, ctx.currency);
    order.number = wire.short_id.as_ref().and_then(wire::Text::non_empty);

    let no_cart = wire::Cart::default();
    let cart = wire.cart.as_ref().unwrap_or(&no_cart);
    order.line_items = line_items(ctx, cart.items.as_ref())?;
    let subtotal: Decimal = order.line_items.iter().map(|l| l.total.amount).sum();
    let shipping = cart.shipping_amount.unwrap_or_default() + cart.payment_amount.unwrap_or_default();
    let discount = cart.sale_amount.unwrap_or_default().abs();
    let total = wire.total.or(cart.total).ok_or_else(|| ctx.malformed("total", "missing"))?;
    order.totals = OrderTotals {
        subtotal: ctx.money(subtotal),
        shipping: ctx.money(shipping),
        tax: ctx.money(Decimal::ZERO),
        discount: ctx.money(discount),
        total: ctx.money(total),
    };

    let billing = wire.billing.as_ref();
    order.customer = billing.map(|b| Customer {
        id: wire.user_uid.as_ref().and_then(customer_id),
        email: text(&b.email),
        phone: text(&b.phone),
        first_name: None,
        last_name: None,
        full_name: text(&b.fullname),
    });
    order.billing_address = billing.map(address);
    order.shipping_address = wire.delivery.as_ref().map(address);
    order.shipping_method = text(&wire.method).or_else(|| text(&cart.shipping_profile));
    order.payment_method = text(&wire.payment).or_else(|| text(&cart.payment_profile));
    let mut known = Known::FULL;
    match &wire.tags {
        Some(tags) => order.tags = tags.0.clone(),
        None => known.tags = false,
    }
    order.native = native;
    order.known = known;
    Ok(order)
}

/// Adds what `GET /orders/tracking.json` says; empty strings (no shipment yet) add nothing.
pub(super) fn apply_tracking(order: &mut Order, info: &TrackingInfo) {
    let tracking =
        Tracking { carrier: text(&info.courier), number: text(&info.tracking), url: text(&info.url) };
    if tracking != Tracking::default() {
        order.tracking = vec![tracking];
    }
}

/// When the order was placed, to the second: `orderDate` in either shape (`{sec, usec}` in `order.json`, a
/// `+0100` string in lists), else `iso.orderDate`. Lists (and `iso.orderDate`, in both payloads) give whole
/// seconds, so an epoch's `usec` is dropped, and an epoch instant takes the offset of `iso.orderDate` when that
/// is a string: the same order reads the same instant in a list and in a lookup (`native` keeps the `usec`).
pub(super) fn placed_at(
    ctx: Context<'_>,
    order_date: Option<&DateValue>,
    iso: Option<&wire::Iso>,
) -> Result<DateTime<FixedOffset>> {
    let iso_date = iso.and_then(|i| i.order_date.as_ref());
    let offset = match iso_date {
        Some(DateValue::Text(text)) => util::parse_datetime(text).map(|dt| *dt.offset()),
        _ => None,
    };
    let (value, path) = match (order_date, iso_date) {
        (Some(value), _) => (value, "orderDate"),
        (None, Some(value)) => (value, "iso.orderDate"),
        (None, None) => return Err(ctx.malformed("orderDate", "missing")),
    };
    let instant = match value {
        DateValue::Text(text) => {
            let at = util::require_datetime(ctx.backend, path, text)?;
            return Ok(at.with_nanosecond(0).unwrap_or(at));
        }
        DateValue::Epoch { sec, usec } => util::from_unix(sec.0, 0)
            .filter(|_| usec.is_none_or(|u| (0..1_000_000).contains(&u.0)))
            .ok_or_else(|| ctx.malformed(path, format!("{}.{:?} is not a valid instant", sec.0, usec)))?,
    };
    Ok(match offset {
        Some(offset) => instant.with_timezone(&offset),
        None => instant,
    })
}

fn line_items(ctx: Context<'_>, items: Option<&Items>) -> Result<Vec<LineItem>> {
    let line =
        |id: String, product_id: Option<String>, variant_id: Option<String>, item: &wire::Item| LineItem {
            id,
            sku: text(&item.sku),
            name: text(&item.title).unwrap_or_default(),
            variant: text(&item.options),
            product_id,
            variant_id,
            quantity: item.count.0,
            unit_price: ctx.money(item.price),
            total: ctx.money(item.price * Decimal::from(item.count.0)),
            image_url: None,
        };
    Ok(match items {
        None => Vec::new(),
        Some(Items::Keyed(items)) => items
            .iter()
            .map(|(key, item)| {
                let (product, option) = match key.split_once(ITEM_KEY_SEPARATOR) {
                    Some((product, option)) => (product, option),
                    None => (key.as_str(), ""),
                };
                let product_id = (!product.trim().is_empty()).then(|| product.to_string());
                let variant_id = (!option.trim().is_empty()).then(|| option.to_string());
                line(key.clone(), product_id, variant_id, item)
            })
            .collect(),
        Some(Items::Listed(items)) => items
            .iter()
            .enumerate()
            .map(|(index, item)| line(index.to_string(), text(&item.product_uid), None, item))
            .collect(),
    })
}

fn address(party: &Party) -> Address {
    let country = text(&party.country);
    Address {
        full_name: text(&party.fullname),
        first_name: None,
        last_name: None,
        company: None,
        line1: text(&party.addr1),
        line2: text(&party.addr2),
        city: text(&party.city),
        region: text(&party.state),
        postal_code: text(&party.zip),
        country_code: country.as_deref().and_then(country_code).map(str::to_string),
        country,
        phone: text(&party.phone),
        email: text(&party.email),
    }
}

/// The ISO code of a documented Storeden country id.
pub(super) fn country_code(id: &str) -> Option<&'static str> {
    COUNTRY_IDS.iter().find(|(known, _)| *known == id.trim()).map(|(_, iso)| *iso)
}

/// `userUID` as a customer id; `-1` (a guest checkout) and `0` are no customer.
fn customer_id(uid: &wire::Text) -> Option<String> {
    let id = uid.non_empty()?;
    match id.trim().parse::<i64>() {
        Ok(n) if n <= 0 => None,
        _ => Some(id),
    }
}

fn text(value: &Option<wire::Text>) -> Option<String> {
    value.as_ref().and_then(wire::Text::non_empty)
}

#[cfg(test)]
#[path = "mapping_tests.rs"]
mod tests;
