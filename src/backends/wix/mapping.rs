//! Wix wire → domain: money, addresses, line items, the summary and the whole order, and how a search
//! answer's rows read.

use std::fmt;
use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use rust_decimal::Decimal;
use serde_json::value::RawValue;

use super::client::WixClient;
use super::status::status;
use super::tags::TagCache;
use super::wire;
use crate::backends::decode;
use crate::backends::rows::{RowFormat, RowKey};
use crate::backends::util::{self, RowAt};
use crate::domain::{
    Address, BackendName, Customer, Known, LineItem, Money, NativeJson, NativeOrderId, Order, OrderId,
    OrderTotals,
};
use crate::error::{Error, Result};

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

fn join_name(first: &Option<String>, last: &Option<String>) -> Option<String> {
    let parts: Vec<String> = [non_empty(first), non_empty(last)].into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// An eCom `{address, contactDetails}` as a domain address; `None` when both are empty.
pub fn address(value: &wire::AddressWithContact) -> Option<Address> {
    let empty = wire::Address::default();
    let a = value.address.as_ref().unwrap_or(&empty);
    let no_contact = wire::ContactDetails::default();
    let c = value.contact_details.as_ref().unwrap_or(&no_contact);
    let line1 = non_empty(&a.address_line).or_else(|| {
        let street = a.street_address.as_ref()?;
        let parts: Vec<String> =
            [non_empty(&street.name), non_empty(&street.number)].into_iter().flatten().collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    });
    let result = Address {
        full_name: join_name(&c.first_name, &c.last_name),
        first_name: non_empty(&c.first_name),
        last_name: non_empty(&c.last_name),
        company: non_empty(&c.company),
        line1,
        line2: non_empty(&a.address_line2),
        city: non_empty(&a.city),
        region: non_empty(&a.subdivision),
        postal_code: non_empty(&a.postal_code),
        country_code: non_empty(&a.country),
        country: non_empty(&a.country_fullname),
        phone: non_empty(&c.phone),
        email: None,
    };
    (result != Address::default()).then_some(result)
}

/// The buyer: ids and e-mail from `buyerInfo`, name and phone from the billing contact (where the eCom order
/// keeps them); `None` when nothing is known.
pub fn customer(order: &wire::Order) -> Option<Customer> {
    let buyer = order.buyer_info.as_ref();
    let contact = order.billing_info.as_ref().and_then(|b| b.contact_details.as_ref());
    let first = contact.and_then(|c| non_empty(&c.first_name));
    let last = contact.and_then(|c| non_empty(&c.last_name));
    let result = Customer {
        id: buyer.and_then(|b| non_empty(&b.contact_id).or_else(|| non_empty(&b.member_id))),
        email: buyer.and_then(|b| non_empty(&b.email)),
        phone: contact.and_then(|c| non_empty(&c.phone)),
        full_name: join_name(&first, &last),
        first_name: first,
        last_name: last,
    };
    (result != Customer::default()).then_some(result)
}

/// A line's variant: its description lines as `Name: value`, joined by `, `.
fn variant(lines: &[wire::DescriptionLine]) -> Option<String> {
    let text = |t: &Option<wire::Translatable>| {
        t.as_ref().and_then(|t| non_empty(&t.original).or_else(|| non_empty(&t.translated)))
    };
    let parts: Vec<String> = lines
        .iter()
        .filter_map(|line| {
            let value = text(&line.plain_text)
                .or_else(|| text(&line.color_info))
                .or_else(|| non_empty(&line.color))?;
            Some(match text(&line.name) {
                Some(name) => format!("{name}: {value}"),
                None => value,
            })
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn money(price: Option<&wire::Price>, currency: &str) -> Money {
    Money::new(price.map(|p| p.amount).unwrap_or(Decimal::ZERO), currency)
}

/// One line item; `index` names the line when Wix sent no id.
pub fn line_item(item: &wire::LineItem, index: usize, currency: &str) -> LineItem {
    let unit_price = money(item.price.as_ref(), currency);
    let total = match &item.total_price_after_tax {
        Some(total) => Money::new(total.amount, currency),
        None => Money::new(unit_price.amount * Decimal::from(item.quantity), currency),
    };
    let reference = &item.catalog_reference;
    let variant_id = reference
        .options
        .as_ref()
        .and_then(|o| o.variant_id.as_deref())
        .and_then(wire::raw_string)
        .filter(|v| !v.is_empty());
    LineItem {
        id: non_empty(&item.id).unwrap_or_else(|| (index + 1).to_string()),
        sku: non_empty(&item.physical_properties.sku),
        name: non_empty(&item.product_name.original)
            .or_else(|| non_empty(&item.product_name.translated))
            .unwrap_or_default(),
        variant: variant(&item.description_lines),
        product_id: non_empty(&reference.catalog_item_id),
        variant_id,
        quantity: item.quantity,
        unit_price,
        total,
        image_url: non_empty(&item.image.url),
    }
}

/// The tag ids an order carries, public then private, without repeats.
pub fn tag_ids(order: &wire::Order) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    if let Some(tags) = &order.tags {
        for group in [&tags.tags, &tags.private_tags].into_iter().flatten() {
            for id in &group.tag_ids {
                if !id.is_empty() && !ids.contains(id) {
                    ids.push(id.clone());
                }
            }
        }
    }
    ids
}

/// The order number as text, from a string or a number (its digits as sent).
fn number(raw: Option<&RawValue>) -> Option<String> {
    raw.and_then(wire::raw_string_or_number).filter(|s| !s.is_empty())
}

/// How a search answer's rows (`orders[i]`) read, and a "get order" answer's order: the key from `id` and
/// `createdDate`, the summary from its fields alone, the order from the whole row with its tags' names
/// resolved (a call to the Tags API when the directory is stale), read exactly alike.
pub struct Rows {
    /// The backend.
    pub backend: BackendName,
    /// The site's API, for the tag directory.
    pub client: WixClient,
    /// The tag directory.
    pub tags: Arc<TagCache>,
}

impl Rows {
    /// The order whose text is `raw`, at `at` in its answer (`orders[3]`, `order`).
    pub async fn order_at(&self, raw: &RawValue, at: impl fmt::Display) -> Result<Order> {
        let wire: wire::Order = decode::decode_raw(&self.backend, raw, at)?;
        let tags = self.tags.names(&self.client, &tag_ids(&wire)).await?;
        order(&self.backend, &wire, NativeJson::from_raw(raw), tags)
    }
}

impl RowFormat for Rows {
    const ARRAY: &'static str = "orders";
    type Key = wire::RowKey;

    fn backend(&self) -> &BackendName {
        &self.backend
    }

    fn key(&self, key: wire::RowKey, at: RowAt) -> Result<RowKey> {
        if key.id.is_empty() {
            return Err(Error::Malformed {
                backend: self.backend.to_string(),
                path: format!("{at}.id"),
                message: "empty".into(),
            });
        }
        let placed_at =
            util::require_datetime(&self.backend, format_args!("{at}.createdDate"), &key.created_date)?;
        Ok((OrderId::new(self.backend.clone(), NativeOrderId::new(key.id.as_str())), placed_at))
    }

    fn order<'a>(&'a self, raw: &'a RawValue, at: RowAt) -> BoxFuture<'a, Result<Order>> {
        self.order_at(raw, at).boxed()
    }

    fn summary(&self, raw: &RawValue, at: RowAt) -> Option<Result<Order>> {
        let wire = decode::decode_raw::<wire::OrderSummary>(&self.backend, raw, at);
        Some(wire.and_then(|wire| summary(&self.backend, &wire.head())))
    }
}

/// What a list row carries: `POST /ecom/v1/orders/search` returns the same whole order object as
/// `GET /ecom/v1/orders/{id}`, so a row is the full order and no field needs another call. (A listing that reads
/// summaries only decodes less of the row: [`summary`].)
pub const ROW_KNOWN: Known = Known::FULL;

/// An order's summary ([`Known::SUMMARY`]) from its head: id, number, status, dates, currency and totals
/// (all of `priceSummary`, though only the total is claimed known), read exactly as [`order`] reads them.
pub fn summary(backend: &BackendName, head: &wire::Head<'_>) -> Result<Order> {
    if head.id.is_empty() {
        return Err(Error::Malformed {
            backend: backend.to_string(),
            path: "id".into(),
            message: "empty".into(),
        });
    }
    let currency = non_empty(head.currency).ok_or_else(|| Error::Malformed {
        backend: backend.to_string(),
        path: "currency".into(),
        message: "missing".into(),
    })?;
    let placed_at = util::require_datetime(backend, "createdDate", head.created_date)?;
    let updated_at = match head.updated_date {
        Some(text) => Some(util::require_datetime(backend, "updatedDate", text)?),
        None => None,
    };
    let id = OrderId::new(backend.clone(), NativeOrderId::new(head.id));
    let mut order = Order::new(id, status(head), placed_at, currency.clone());
    let summary = head.price_summary;
    order.totals = OrderTotals {
        subtotal: money(summary.and_then(|s| s.subtotal.as_ref()), &currency),
        shipping: money(summary.and_then(|s| s.shipping.as_ref()), &currency),
        tax: money(summary.and_then(|s| s.tax.as_ref()), &currency),
        discount: money(summary.and_then(|s| s.discount.as_ref()), &currency),
        total: money(summary.and_then(|s| s.total.as_ref().or(s.total_price.as_ref())), &currency),
    };
    order.number = number(head.number);
    order.updated_at = updated_at;
    order.known = Known::SUMMARY;
    Ok(order)
}

/// A full order from its wire form, its payload as received (kept as `native`, not parsed here) and its tags'
/// names (resolved by the caller through the Tags API). Search and Get both return the full order object, so
/// the order is [`ROW_KNOWN`]: whole.
pub fn order(
    backend: &BackendName,
    wire: &wire::Order,
    native: NativeJson,
    tags: Vec<String>,
) -> Result<Order> {
    let mut order = summary(backend, &wire.head())?;
    let currency = order.currency.clone();
    order.customer = customer(wire);
    order.line_items =
        wire.line_items.iter().enumerate().map(|(i, item)| line_item(item, i, &currency)).collect();
    order.billing_address = wire.billing_info.as_ref().and_then(address);
    order.shipping_address = wire
        .shipping_info
        .as_ref()
        .and_then(|s| s.logistics.as_ref())
        .and_then(|l| l.shipping_destination.as_ref())
        .and_then(address);
    order.shipping_method = wire.shipping_info.as_ref().and_then(|s| non_empty(&s.title));
    // Payment method and tracking live in the Order Transactions and Fulfillments APIs, not in the order.
    order.payment_method = None;
    order.tags = tags;
    order.external_order_id = wire.channel_info.as_ref().and_then(|c| non_empty(&c.external_order_id));
    order.external_platform = wire.channel_info.as_ref().and_then(|c| non_empty(&c.kind));
    order.note = non_empty(&wire.buyer_note);
    order.native = native;
    order.known = ROW_KNOWN;
    Ok(order)
}

#[cfg(test)]
#[path = "mapping_tests.rs"]
mod tests;
