//! Wix wire → domain: the status table, money, addresses, line items, the whole order.

use std::fmt;

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde_json::value::RawValue;

use super::wire;
use crate::backends::decode;
use crate::backends::util;
use crate::domain::{
    Address, BackendName, Customer, FulfillmentStatus, Known, LineItem, Money, NativeJson, NativeOrderId,
    Order, OrderId, OrderStatus, OrderTotals, PaymentStatus, Status,
};
use crate::error::{Error, Result};

/// The native spelling of an order status (for filters and `Status.native`).
pub fn order_status_native(status: &wire::OrderStatus) -> &str {
    match status {
        wire::OrderStatus::Initialized => "INITIALIZED",
        wire::OrderStatus::Approved => "APPROVED",
        wire::OrderStatus::Canceled => "CANCELED",
        wire::OrderStatus::Other(s) => s,
    }
}

/// The native spelling of a payment status.
pub fn payment_status_native(status: &wire::PaymentStatus) -> &str {
    match status {
        wire::PaymentStatus::Unspecified => "UNSPECIFIED",
        wire::PaymentStatus::NotPaid => "NOT_PAID",
        wire::PaymentStatus::Paid => "PAID",
        wire::PaymentStatus::PartiallyRefunded => "PARTIALLY_REFUNDED",
        wire::PaymentStatus::FullyRefunded => "FULLY_REFUNDED",
        wire::PaymentStatus::Pending => "PENDING",
        wire::PaymentStatus::PartiallyPaid => "PARTIALLY_PAID",
        wire::PaymentStatus::Other(s) => s,
    }
}

/// The native spelling of a fulfilment status.
pub fn fulfillment_status_native(status: &wire::FulfillmentStatus) -> &str {
    match status {
        wire::FulfillmentStatus::NotFulfilled => "NOT_FULFILLED",
        wire::FulfillmentStatus::PartiallyFulfilled => "PARTIALLY_FULFILLED",
        wire::FulfillmentStatus::Fulfilled => "FULFILLED",
        wire::FulfillmentStatus::Other(s) => s,
    }
}

/// Every documented `paymentStatus` value with its unified value (the payment axis depends on it alone).
pub const PAYMENT_TABLE: [(&str, PaymentStatus); 7] = [
    ("UNSPECIFIED", PaymentStatus::Unknown),
    ("NOT_PAID", PaymentStatus::Pending),
    ("PENDING", PaymentStatus::Pending),
    ("PAID", PaymentStatus::Paid),
    ("PARTIALLY_PAID", PaymentStatus::PartiallyPaid),
    ("PARTIALLY_REFUNDED", PaymentStatus::PartiallyRefunded),
    ("FULLY_REFUNDED", PaymentStatus::Refunded),
];

/// Every documented `fulfillmentStatus` value with its unified value (the fulfilment axis depends on it alone).
pub const FULFILLMENT_TABLE: [(&str, FulfillmentStatus); 3] = [
    ("NOT_FULFILLED", FulfillmentStatus::Unfulfilled),
    ("PARTIALLY_FULFILLED", FulfillmentStatus::PartiallyFulfilled),
    ("FULFILLED", FulfillmentStatus::Fulfilled),
];

/// The payment axis.
pub fn payment_axis(status: Option<&wire::PaymentStatus>) -> PaymentStatus {
    let native = status.map(payment_status_native).unwrap_or_default();
    PAYMENT_TABLE.iter().find(|(n, _)| *n == native).map(|(_, s)| *s).unwrap_or(PaymentStatus::Unknown)
}

/// The fulfilment axis.
pub fn fulfillment_axis(status: Option<&wire::FulfillmentStatus>) -> FulfillmentStatus {
    let native = status.map(fulfillment_status_native).unwrap_or_default();
    FULFILLMENT_TABLE
        .iter()
        .find(|(n, _)| *n == native)
        .map(|(_, s)| *s)
        .unwrap_or(FulfillmentStatus::Unknown)
}

/// The order axis: from `status`, refined for APPROVED orders by refunds and fulfilment.
pub fn order_axis(
    status: Option<&wire::OrderStatus>,
    payment: Option<&wire::PaymentStatus>,
    fulfillment: Option<&wire::FulfillmentStatus>,
) -> OrderStatus {
    match status {
        Some(wire::OrderStatus::Initialized) => OrderStatus::Pending,
        Some(wire::OrderStatus::Canceled) => OrderStatus::Cancelled,
        Some(wire::OrderStatus::Approved) => {
            if payment == Some(&wire::PaymentStatus::FullyRefunded) {
                OrderStatus::Refunded
            } else {
                match fulfillment {
                    Some(wire::FulfillmentStatus::Fulfilled) => OrderStatus::Shipped,
                    Some(wire::FulfillmentStatus::PartiallyFulfilled) => OrderStatus::PartiallyShipped,
                    _ => OrderStatus::Confirmed,
                }
            }
        }
        Some(wire::OrderStatus::Other(_)) | None => OrderStatus::Unknown,
    }
}

/// The unified status with the native triple `STATUS/PAYMENT/FULFILLMENT` (`-` for an absent part).
pub fn status(order: &wire::Head<'_>) -> Status {
    let part = |s: Option<&str>| s.filter(|s| !s.is_empty()).unwrap_or("-").to_string();
    let native = format!(
        "{}/{}/{}",
        part(order.status.map(order_status_native)),
        part(order.payment_status.map(payment_status_native)),
        part(order.fulfillment_status.map(fulfillment_status_native)),
    );
    Status::new(
        order_axis(order.status, order.payment_status, order.fulfillment_status),
        payment_axis(order.payment_status),
        fulfillment_axis(order.fulfillment_status),
        native,
    )
}

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

/// A list row's key from its raw `id` and `createdDate` (row `at`), read exactly as [`order`] reads them.
pub fn row_key(
    backend: &BackendName,
    at: impl fmt::Display,
    id: Option<&str>,
    created: Option<&str>,
) -> Result<(NativeOrderId, DateTime<FixedOffset>)> {
    let id = decode::required_key_str(backend, format_args!("{at}.id"), id)?;
    if id.is_empty() {
        return Err(Error::Malformed {
            backend: backend.to_string(),
            path: "id".into(),
            message: "empty".into(),
        });
    }
    let placed_at = util::require_datetime(
        backend,
        "createdDate",
        &decode::required_key_str(backend, format_args!("{at}.createdDate"), created)?,
    )?;
    Ok((NativeOrderId::new(&*id), placed_at))
}

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
/// the order is `Known::FULL`.
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
    order.known = Known::FULL;
    Ok(order)
}

#[cfg(test)]
#[path = "mapping_tests.rs"]
mod tests;
