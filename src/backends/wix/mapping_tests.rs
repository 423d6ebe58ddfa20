use std::str::FromStr;

use pretty_assertions::assert_eq;
use rust_decimal::Decimal;
use serde_json::Value;
use serde_json::value::RawValue;

use super::*;
use crate::backends::wix::fixtures;
use crate::domain::{FulfillmentStatus, OrderStatus, PaymentStatus, Status};

fn backend() -> BackendName {
    BackendName::parse("wix").unwrap()
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// An order's text decoded as the adapter does: straight from the text, kept raw as `native`.
fn raw(text: &str) -> Box<RawValue> {
    RawValue::from_string(text.to_string()).unwrap()
}

fn decode(raw: &RawValue) -> wire::Order {
    crate::backends::decode::decode_raw(&backend(), raw, "order").unwrap()
}

fn map_raw(raw: &RawValue, tags: Vec<String>) -> Order {
    order(&backend(), &decode(raw), NativeJson::from_raw(raw), tags).unwrap()
}

fn map(text: &str, tags: Vec<String>) -> Order {
    map_raw(&raw(text), tags)
}

/// The order of the documented Get Order answer, through the answer's envelope like the adapter reads it.
fn get_order_example() -> Box<RawValue> {
    let answer: wire::GetOrderResponse =
        crate::backends::decode::decode_bytes(&backend(), fixtures::GET_ORDER.as_bytes()).unwrap();
    answer.order
}

// The documented Get Order example maps every field: ids, dates, status axes, exact money, buyer, lines,
// both addresses, shipping method, channel, and `native` untouched.
#[test]
fn documented_get_order_example() {
    let raw = get_order_example();
    let order = map_raw(&raw, Vec::new());
    assert_eq!(order.id.to_string(), "wix:265c7d98-a7c3-48c4-89cd-bbdc00921eab");
    assert_eq!(order.number.as_deref(), Some("10108"));
    assert_eq!(order.placed_at, util::parse_datetime("2021-05-25T13:51:01.718Z").unwrap());
    assert_eq!(order.placed_at.timestamp_subsec_millis(), 718);
    assert_eq!(order.updated_at, util::parse_datetime("2021-05-25T13:55:55.130Z"));
    assert_eq!(
        order.status,
        Status::new(
            OrderStatus::Shipped,
            PaymentStatus::Paid,
            FulfillmentStatus::Fulfilled,
            "APPROVED/PAID/FULFILLED"
        )
    );
    assert_eq!(order.currency, "USD");
    assert_eq!(order.totals.subtotal, Money::new(dec("216.25"), "USD"));
    assert_eq!(order.totals.shipping, Money::new(dec("2.0"), "USD"));
    assert_eq!(order.totals.tax, Money::new(dec("8.22"), "USD"));
    assert_eq!(order.totals.discount, Money::new(dec("10.81"), "USD"));
    assert_eq!(order.totals.total, Money::new(dec("215.66"), "USD"));
    assert_eq!(order.totals.total.amount.to_string(), "215.66");
    assert_eq!(
        order.customer,
        Some(Customer {
            id: Some("f61f30cd-7474-47b7-95a2-339c0fcacbd3".into()),
            email: Some("janedoe@gmail.com".into()),
            phone: Some("+1234567890".into()),
            first_name: Some("Jane".into()),
            last_name: Some("Doe".into()),
            full_name: Some("Jane Doe".into()),
        })
    );
    assert_eq!(order.line_items.len(), 2);
    assert_eq!(
        order.line_items[0],
        LineItem {
            id: "00000000-0000-0000-0000-000000000001".into(),
            sku: None,
            name: "Indonesian Blend".into(),
            variant: Some(
                "Weight: 250g, Ground for: Stovetop, What would you like written on the custom label?: Hope you enjoy \
                 the coffee! :)"
                    .into()
            ),
            product_id: Some("5376f9ec-b92e-efa9-e4a1-f4f480aa0d3a".into()),
            variant_id: Some("00000000-0000-0020-0005-ad9cdc10d3b8".into()),
            quantity: 2,
            unit_price: Money::new(dec("35.0"), "USD"),
            total: Money::new(dec("69.16"), "USD"),
            image_url: Some(
                "https://static.wixstatic.com/media/nsplsh_316b6449475f3235386255~mv2_d_2977_3951_s_4_2.jpg/v1/fit/\
                 w_2977,h_3951,q_90/file.jpg"
                    .into()
            ),
        }
    );
    let second = &order.line_items[1];
    assert_eq!(
        (second.quantity, second.unit_price.amount, second.total.amount),
        (3, dec("48.75"), dec("144.50"))
    );
    assert_eq!(second.total.amount.to_string(), "144.50");
    assert_eq!(second.variant_id.as_deref(), Some("00000000-0000-0040-0005-a316f7c67df7"));
    let expected_address = Address {
        full_name: Some("Jane Doe".into()),
        first_name: Some("Jane".into()),
        last_name: Some("Doe".into()),
        company: None,
        line1: Some("235 West 23rd Street".into()),
        line2: Some("3rd floor".into()),
        city: Some("New York".into()),
        region: Some("US-NY".into()),
        postal_code: Some("10011".into()),
        country_code: Some("US".into()),
        country: Some("United States".into()),
        phone: Some("+1234567890".into()),
        email: None,
    };
    assert_eq!(order.billing_address, Some(expected_address.clone()));
    assert_eq!(order.shipping_address, Some(expected_address));
    assert_eq!(order.shipping_method.as_deref(), Some("U.S Shipping"));
    assert_eq!(order.payment_method, None);
    assert!(order.tracking.is_empty());
    assert!(order.tags.is_empty());
    assert_eq!(order.external_order_id, None);
    assert_eq!(order.external_platform.as_deref(), Some("WEB"));
    assert_eq!(order.note, None);
    let expected: Value = serde_json::from_str::<Value>(fixtures::GET_ORDER).unwrap()["order"].clone();
    assert_eq!(order.native, expected);
    assert_eq!(order.native.text(), Some(raw.get()), "native is the payload's text as sent");
    assert_eq!(order.known, Known::FULL);
}

// A current-schema order: `total`, "85.00"/"0" prices, colour lines, SKU, tags (public + private, deduplicated),
// external channel id, buyer note, street address, pickup (no shipping address), partial statuses.
#[test]
fn current_schema_order() {
    let wire = decode(&raw(fixtures::CURRENT_ORDER));
    assert_eq!(tag_ids(&wire), vec!["tag-vip", "tag-gone", "tag-internal"]);
    let order = map(fixtures::CURRENT_ORDER, vec!["VIP".into(), "tag-gone".into(), "Internal".into()]);
    assert_eq!(order.number.as_deref(), Some("10126"));
    assert_eq!(
        order.status,
        Status::new(
            OrderStatus::PartiallyShipped,
            PaymentStatus::PartiallyRefunded,
            FulfillmentStatus::PartiallyFulfilled,
            "APPROVED/PARTIALLY_REFUNDED/PARTIALLY_FULFILLED"
        )
    );
    assert_eq!(order.totals.subtotal.amount.to_string(), "85.00");
    assert_eq!(order.totals.shipping, Money::zero("EUR"));
    assert_eq!(order.totals.tax.amount, dec("14.75"));
    assert_eq!(order.totals.total, Money::new(dec("85.00"), "EUR"));
    let line = &order.line_items[0];
    assert_eq!(line.sku.as_deref(), Some("SHOE-42-BLK"));
    assert_eq!(line.name, "Shoe");
    assert_eq!(line.variant.as_deref(), Some("Color: Black, Size: 42"));
    assert_eq!(line.unit_price.amount.to_string(), "85.00");
    assert_eq!(line.total, Money::new(dec("85.00"), "EUR"));
    let customer = order.customer.clone().unwrap();
    assert_eq!(customer.id.as_deref(), Some("0b1ad3e4-1f8a-4d5c-9c8e-2a7e6f1d3b2c"));
    assert_eq!(customer.email.as_deref(), Some("Jane.Doe@Example.com"));
    assert_eq!(customer.phone, None);
    let billing = order.billing_address.clone().unwrap();
    assert_eq!(billing.line1.as_deref(), Some("Invalidenstraße 12"));
    assert_eq!(billing.company.as_deref(), Some("Doe GmbH"));
    assert_eq!((billing.country_code.as_deref(), billing.country.as_deref()), (Some("DE"), None));
    assert_eq!(order.shipping_address, None);
    assert_eq!(order.shipping_method.as_deref(), Some("Pickup in store"));
    assert_eq!(order.tags, vec!["VIP", "tag-gone", "Internal"]);
    assert_eq!(order.external_order_id.as_deref(), Some("EB-7781"));
    assert_eq!(order.external_platform.as_deref(), Some("EBAY"));
    assert_eq!(order.note.as_deref(), Some("Please gift wrap"));
}

// A minimal order (only the required fields) maps with zero totals, no customer and a native with gaps.
#[test]
fn minimal_order_and_number_as_json_number() {
    let order = map(
        r#"{"id":"a1","number":10001,"createdDate":"2024-01-02T03:04:05.006Z","currency":"ILS","status":"CANCELED"}"#,
        Vec::new(),
    );
    assert_eq!(order.number.as_deref(), Some("10001"));
    assert_eq!(order.status.native, "CANCELED/-/-");
    assert_eq!(order.status.order, OrderStatus::Cancelled);
    assert_eq!(order.totals.total, Money::zero("ILS"));
    assert_eq!(order.customer, None);
    assert_eq!(order.billing_address, None);
    assert!(order.line_items.is_empty());
}

// Bad payloads are Malformed errors naming the field, never panics.
#[test]
fn malformed_orders_are_errors() {
    let cases = [
        (r#"{"id":"a","createdDate":"yesterday","currency":"USD"}"#, "createdDate"),
        (r#"{"id":"a","createdDate":"2024-01-02T03:04:05Z"}"#, "currency"),
        (r#"{"id":"","createdDate":"2024-01-02T03:04:05Z","currency":"USD"}"#, "id"),
    ];
    for (json, path) in cases {
        let raw = raw(json);
        match order(&backend(), &decode(&raw), NativeJson::from_raw(&raw), Vec::new()) {
            Err(Error::Malformed { path: p, .. }) => assert_eq!(p, path),
            other => panic!("{json}: {other:?}"),
        }
    }
    let text = r#"{"id":"a","createdDate":"2024-01-02T03:04:05Z","currency":"USD","priceSummary":{"total":{"amount":"abc"}}}"#;
    let value: Value = serde_json::from_str(text).unwrap();
    match crate::backends::decode::decode::<wire::Order>(&backend(), &value) {
        Err(Error::Malformed { path, .. }) => assert_eq!(path, "priceSummary.total.amount"),
        other => panic!("{other:?}"),
    }
    match crate::backends::decode::decode_raw::<wire::Order>(&backend(), &raw(text), "orders[3]") {
        Err(Error::Malformed { path, .. }) => assert_eq!(path, "orders[3].priceSummary.total.amount"),
        other => panic!("{other:?}"),
    }
}

// Decoded straight from the text (no `Value` in between), every shape the Value-based decoding accepted still
// maps the same: the number as a string or a JSON number (digits as sent) and anything else as absent, money as
// decimal strings or JSON numbers (exact), `variantId` of any type (only a string is used), `options` with
// nested objects, nulls for optional parts.
#[test]
fn variants_decode_straight_from_text() {
    let order_with = |number: &str, amount: &str, variant: &str| {
        format!(
            r#"{{"id":"a1","number":{number},"createdDate":"2024-01-02T03:04:05.006Z","currency":"USD",
            "priceSummary":{{"total":{{"amount":{amount}}},"tax":null}},"buyerInfo":null,"tags":{{"tags":null}},
            "lineItems":[{{"id":"l1","quantity":2,"price":{{"amount":{amount}}},
              "catalogReference":{{"options":{{"variantId":{variant},"customTextFields":{{"a":[1,{{"b":2.50}}]}}}}}}}}]}}"#
        )
    };
    let cases: &[(&str, Option<&str>)] = &[
        (r#""10108""#, Some("10108")),
        ("10108", Some("10108")),
        ("1.0e4", Some("1.0e4")),
        (r#""""#, None),
        ("null", None),
        ("true", None),
        (r#"{"n":1}"#, None),
        ("[1]", None),
    ];
    for (number, expected) in cases {
        let order = map(&order_with(number, r#""85.10""#, r#""v-1""#), Vec::new());
        assert_eq!(order.number.as_deref(), *expected, "number {number}");
    }
    for amount in [r#""85.10""#, "85.10", "8.51e1"] {
        let order = map(&order_with(r#""1""#, amount, r#""v-1""#), Vec::new());
        assert_eq!(order.totals.total.amount, dec("85.10"), "amount {amount}");
        assert_eq!(order.line_items[0].total.amount, dec("170.20"), "amount {amount}");
    }
    let variants: &[(&str, Option<&str>)] = &[
        (r#""v-1""#, Some("v-1")),
        (r#""v\"2""#, Some("v\"2")),
        (r#""""#, None),
        ("12", None),
        ("null", None),
        (r#"{"id":"v"}"#, None),
    ];
    for (variant, expected) in variants {
        let order = map(&order_with("1", "1", variant), Vec::new());
        assert_eq!(order.line_items[0].variant_id.as_deref(), *expected, "variantId {variant}");
    }
    // A non-decimal amount still names its path, under the caller's prefix.
    let bad = raw(&order_with("1", "true", "1"));
    match crate::backends::decode::decode_raw::<wire::Order>(&backend(), &bad, "orders[3]") {
        Err(Error::Malformed { path, .. }) => assert_eq!(path, "orders[3].priceSummary.total.amount"),
        other => panic!("{other:?}"),
    }
}

// A summary read from the documented payloads has exactly the full order's id, number, status, dates,
// currency and totals, and claims no more.
#[test]
fn summaries_agree_with_the_documented_orders() {
    let current: Box<RawValue> = serde_json::from_str(fixtures::CURRENT_ORDER).unwrap();
    for raw in [get_order_example(), current] {
        let full = map_raw(&raw, Vec::new());
        let wire: wire::OrderSummary =
            crate::backends::decode::decode_raw(&backend(), &raw, "order").unwrap();
        let summary = summary(&backend(), &wire.head()).unwrap();
        assert_eq!(summary.known, Known::SUMMARY);
        assert_eq!(
            (&summary.id, &summary.number, &summary.status, summary.placed_at, summary.updated_at),
            (&full.id, &full.number, &full.status, full.placed_at, full.updated_at)
        );
        assert_eq!((&summary.currency, &summary.totals), (&full.currency, &full.totals));
        assert!(summary.line_items.is_empty() && summary.customer.is_none() && summary.native.is_null());
    }
}

// A search row is the whole order (Search and Get return the same object): the documented order, as a row of a
// search answer, knows what the declaration says, and every part it has is filled from it (the order object
// has no payment method or tracking; the example has no tags, external id or note).
#[test]
fn declared_row_parts_are_filled() {
    let page = format!(r#"{{"orders":[{}],"metadata":{{"hasNext":false}}}}"#, get_order_example().get());
    let answer: wire::SearchResponse =
        crate::backends::decode::decode_bytes(&backend(), page.as_bytes()).unwrap();
    let order = map_raw(&answer.orders[0], Vec::new());
    assert_eq!(order.known, ROW_KNOWN);
    let unfilled = ROW_KNOWN.difference(Known::filled(&order)).names();
    assert_eq!(unfilled, ["payment_method", "tracking", "tags", "external_order_id", "note"]);
}
