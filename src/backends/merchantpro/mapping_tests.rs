use pretty_assertions::assert_eq;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::*;
use crate::backends::decode::{decode_bytes, decode_raw};
use crate::backends::merchantpro::fixtures::{
    LIST_AWAITING, LIST_WITH_LINE_ITEMS, ORDER_12345001, PATCHED_12345001,
};
use crate::backends::merchantpro::wire::ListEnvelope;
use crate::domain::{FulfillmentStatus, OrderStatus, PaymentStatus};

fn backend() -> BackendName {
    BackendName::parse("mp").unwrap()
}

fn map_value(native: Value) -> Result<Order> {
    let raw = serde_json::value::to_raw_value(&native).unwrap();
    let wire: WireOrder = decode_raw(&backend(), &raw, "")?;
    order(&backend(), wire, NativeJson::from_raw(&raw))
}

fn map(json: &str) -> Order {
    let raw: Box<serde_json::value::RawValue> = serde_json::from_str(json).unwrap();
    let wire: WireOrder = decode_raw(&backend(), &raw, "").unwrap();
    order(&backend(), wire, NativeJson::from_raw(&raw)).unwrap()
}

fn first_row(envelope: &str) -> Value {
    let envelope: ListEnvelope = decode_bytes(&backend(), envelope.as_bytes()).unwrap();
    serde_json::from_str(envelope.data[0].get()).unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn ron(s: &str) -> Money {
    Money::new(dec(s), "RON")
}

// The documented "Extract all fields" order 12345001 maps every field, money exact, dates with their offset.
#[test]
fn example_order_12345001() {
    let order = map(ORDER_12345001);
    assert_eq!(order.id.to_string(), "mp:12345001");
    assert_eq!(order.number.as_deref(), Some("12345001"));
    assert_eq!(order.status.order, OrderStatus::Pending);
    assert_eq!(order.status.payment, PaymentStatus::Pending);
    assert_eq!(order.status.fulfillment, FulfillmentStatus::Unfulfilled);
    assert_eq!(order.status.native, "awaiting/awaiting");
    assert_eq!(order.status.label.as_deref(), Some("Plata in asteptare / Comanda in asteptare"));
    assert_eq!(order.placed_at.to_rfc3339(), "2020-03-25T07:42:28+02:00");
    assert_eq!(order.updated_at.map(|d| d.to_rfc3339()).as_deref(), Some("2020-03-25T07:42:28+02:00"));
    assert_eq!(order.currency, "RON");
    assert_eq!(
        order.totals,
        OrderTotals {
            subtotal: ron("380.71"),
            shipping: ron("0"),
            tax: ron("72.34"),
            discount: ron("0"),
            total: ron("453.05"),
        }
    );
    assert_eq!(
        order.line_items,
        vec![
            LineItem {
                id: "1".into(),
                sku: None,
                name: "Giuseppe Zanotti Women's Swarovski Sandal".into(),
                variant: None,
                product_id: Some("259".into()),
                variant_id: None,
                quantity: 1,
                unit_price: ron("184.03"),
                total: ron("184.03"),
                image_url: Some(
                    "https://s.cdnmpro.com/272414248/p/l/7/giuseppe-zanotti-women-s-swarovski-sandal~27.jpg"
                        .into()
                ),
            },
            LineItem {
                id: "2".into(),
                sku: None,
                name: "Women's Nunaked Dress Sandal".into(),
                variant: None,
                product_id: Some("260".into()),
                variant_id: None,
                quantity: 2,
                unit_price: ron("98.34"),
                total: ron("196.68"),
                image_url: Some(
                    "https://s.cdnmpro.com/272414248/p/l/9/women-s-nunaked-dress-sandal~29.jpg".into()
                ),
            },
        ]
    );
    let sum: Decimal = order.line_items.iter().map(|l| l.total.amount).sum();
    assert_eq!(sum, order.totals.subtotal.amount);
    assert_eq!(
        order.customer,
        Some(Customer {
            id: Some("2".into()),
            email: Some("dfdfddddf@exemple.com".into()),
            phone: None,
            first_name: None,
            last_name: None,
            full_name: Some("John Smith".into()),
        })
    );
    let address = Address {
        full_name: Some("John Smith".into()),
        city: Some("bacau".into()),
        region: Some("Bacau".into()),
        country_code: Some("RO".into()),
        country: Some("România".into()),
        ..Address::default()
    };
    assert_eq!(order.billing_address, Some(address.clone()));
    assert_eq!(order.shipping_address, Some(address));
    assert_eq!(order.payment_method.as_deref(), Some("Plata in sistem ramburs"));
    assert_eq!(order.shipping_method, None);
    assert!(order.tracking.is_empty());
    assert!(order.tags.is_empty());
    assert_eq!((order.external_order_id, order.external_platform, order.note), (None, None, None));
    assert_eq!(order.native, serde_json::from_str::<Value>(ORDER_12345001).unwrap());
    assert_eq!(order.native["invoice"]["url"].as_str().map(|u| u.ends_with("/52527708")), Some(true));
    assert_eq!(order.known, Known::FULL);
}

// The documented list row with `include=line_items`: shipping_amount includes its VAT and the parts add up.
#[test]
fn example_list_row_with_line_items() {
    let row = first_row(LIST_WITH_LINE_ITEMS);
    let order = map_value(row.clone()).unwrap();
    assert_eq!(order.id.native.as_str(), "64098294");
    assert_eq!(order.totals.subtotal, ron("307.05"));
    assert_eq!(order.totals.shipping, ron("135.43"));
    assert_eq!(order.totals.tax, ron("84.07"));
    assert_eq!(order.totals.discount, ron("0"));
    assert_eq!(order.totals.total, ron("526.55"));
    let t = &order.totals;
    assert_eq!(t.subtotal.amount + t.shipping.amount + t.tax.amount - t.discount.amount, t.total.amount);
    let line = &order.line_items[0];
    assert_eq!(line.sku.as_deref(), Some("3484"));
    assert_eq!(line.variant.as_deref(), Some("Culoare: alb"));
    assert_eq!(line.product_id.as_deref(), Some("1958"));
    assert_eq!(line.unit_price, ron("307.05"));
    assert_eq!(order.shipping_method.as_deref(), Some("Speedy"));
    assert_eq!(order.customer.as_ref().and_then(|c| c.phone.as_deref()), Some("0722654983"));
    assert_eq!(
        order.shipping_address.as_ref().and_then(|a| a.line1.as_deref()),
        Some("str Rose Hill, nr. 45")
    );
    assert_eq!(order.billing_address.as_ref().and_then(|a| a.postal_code.as_deref()), Some("1221421"));
    assert_eq!(order.placed_at.to_rfc3339(), "2020-03-26T15:47:08+02:00");
    assert_eq!(order.native, row);
    assert_eq!(order.known, Known::FULL);
}

// A row listed with `include=line_items` is the whole order: it knows everything the declaration says, and every
// part the documented row has is filled from it (it has no tracking, tags, external link or note).
#[test]
fn declared_row_parts_are_filled() {
    let order = map_value(first_row(LIST_WITH_LINE_ITEMS)).unwrap();
    assert_eq!(order.known, ROW_KNOWN);
    let unfilled = ROW_KNOWN.difference(Known::filled(&order)).names();
    let empty_in_the_example = [
        "customer_first_name",
        "customer_last_name",
        "tracking",
        "tags",
        "external_order_id",
        "external_platform",
        "note",
    ];
    assert!(unfilled.iter().all(|part| empty_in_the_example.contains(part)), "{unfilled:?}");
    assert!(unfilled.len() < 8 && !unfilled.contains(&"line_items") && !unfilled.contains(&"customer_email"));
}

// A row without line items (no `include`) knows only the grand total.
#[test]
fn example_list_row_without_line_items() {
    let order = map_value(first_row(LIST_AWAITING)).unwrap();
    assert_eq!(order.id.native.as_str(), "11089919");
    assert_eq!(order.totals, OrderTotals::only_total(ron("30.23")));
    assert_eq!(order.known, ROW_KNOWN.difference(NEEDS_LINE_ITEMS));
    assert!(!order.known.line_items && !order.known.subtotal && !order.known.native);
    assert!(order.known.total && order.known.customer_email && order.known.tags);
    assert_eq!(order.customer.and_then(|c| c.email).as_deref(), Some("john.smith@yahoo.com"));
}

// The documented PATCH answer: cancelled on both fields, tags as names, shipping with zero VAT.
#[test]
fn example_patched_order() {
    let order = map(PATCHED_12345001);
    assert_eq!(order.status.order, OrderStatus::Cancelled);
    assert_eq!(order.status.payment, PaymentStatus::Voided);
    assert_eq!(order.status.fulfillment, FulfillmentStatus::Cancelled);
    assert_eq!(order.status.native, "cancelled/cancelled");
    assert_eq!(order.tags, vec!["Feedback excelent".to_string()]);
    assert_eq!(order.totals.subtotal, ron("13379.85"));
    assert_eq!(order.totals.shipping, ron("15"));
    assert_eq!(order.totals.tax, ron("0"));
    assert_eq!(order.totals.total, ron("13394.85"));
    assert_eq!(order.line_items[0].quantity, 15);
    assert_eq!(order.line_items[0].unit_price, ron("891.99"));
    assert_eq!(order.updated_at.map(|d| d.to_rfc3339()).as_deref(), Some("2020-05-02T10:50:12+03:00"));
}

// A discount row (negative amounts, another item_type) is not a line item: it lowers tax and feeds discount.
#[test]
fn discount_rows_feed_the_discount() {
    let mut native: Value = serde_json::from_str(ORDER_12345001).unwrap();
    native["line_items"].as_array_mut().unwrap().push(json!({
        "item_type": "discount", "product_name": "Cupon -10%", "quantity": 1,
        "unit_price_net": -38.07, "unit_tax_amount": -7.23, "unit_price_gross": -45.30,
        "line_subtotal_net": -38.07, "line_tax_amount": -7.23, "line_subtotal_gross": -45.30
    }));
    native["total_amount"] = json!(407.75);
    let order = map_value(native).unwrap();
    assert_eq!(order.line_items.len(), 2);
    assert_eq!(order.totals.subtotal, ron("380.71"));
    assert_eq!(order.totals.tax, ron("65.11"));
    assert_eq!(order.totals.discount, ron("38.07"));
    assert_eq!(order.totals.total, ron("407.75"));
}

// An order-level reduction that is not itemised shows as discount, so the parts still add up to the total.
#[test]
fn unitemised_reduction_is_discount() {
    let mut native: Value = serde_json::from_str(ORDER_12345001).unwrap();
    native["total_amount"] = json!(400);
    let order = map_value(native).unwrap();
    assert_eq!(order.totals.discount, ron("53.05"));
}

// Ids and codes come as numbers or strings; AWB, courier, channel and note are mapped; tags by name.
#[test]
fn strings_for_ids_and_the_optional_fields() {
    let mut native: Value = serde_json::from_str(ORDER_12345001).unwrap();
    native["id"] = json!("42209911");
    native["customer_id"] = json!("77");
    native["shipping_awb"] = json!("12312345675");
    native["shipping_carrier_id"] = json!(4);
    native["channel_name"] = json!("eMAG");
    native["channel_ref_id"] = json!(987654);
    native["customer_note"] = json!("Sunati inainte");
    native["tags"] = json!([{"id": 1, "name": "VIP"}, {"id": "2", "name": "B2B"}]);
    native["line_items"][0]["product_sku"] = json!(3484);
    native["line_items"][0]["quantity"] = json!("1");
    let order = map_value(native).unwrap();
    assert_eq!(order.id.native.as_str(), "42209911");
    assert_eq!(order.customer.and_then(|c| c.id).as_deref(), Some("77"));
    assert_eq!(
        order.tracking,
        vec![Tracking { carrier: Some("4".into()), number: Some("12312345675".into()), url: None }]
    );
    assert_eq!(order.external_order_id.as_deref(), Some("987654"));
    assert_eq!(order.external_platform.as_deref(), Some("eMAG"));
    assert_eq!(order.note.as_deref(), Some("Sunati inainte"));
    assert_eq!(order.tags, vec!["VIP".to_string(), "B2B".to_string()]);
    assert_eq!(order.line_items[0].sku.as_deref(), Some("3484"));
}

// Without a courier id the tracking carrier is the shipping method (named after the courier).
#[test]
fn tracking_carrier_falls_back_to_the_method() {
    let mut native = first_row(LIST_WITH_LINE_ITEMS);
    native["shipping_awb"] = json!("AWB1");
    let order = map_value(native).unwrap();
    assert_eq!(order.tracking[0].carrier.as_deref(), Some("Speedy"));
}

// Broken payloads are Malformed errors naming the field, never panics.
#[test]
fn malformed_payloads_name_the_field() {
    let cases: [(&str, Value, &str); 5] = [
        ("total_amount", json!("lots"), "total_amount"),
        ("date_created", json!("yesterday"), "date_created"),
        ("currency", Value::Null, "currency"),
        ("id", json!(true), "id"),
        ("tags", json!("VIP"), "tags"),
    ];
    for (field, value, path) in cases {
        let mut native: Value = serde_json::from_str(ORDER_12345001).unwrap();
        native[field] = value;
        match map_value(native) {
            Err(Error::Malformed { path: p, .. }) => assert_eq!(p, path, "{field}"),
            other => panic!("{field}: {other:?}"),
        }
    }
    let mut native: Value = serde_json::from_str(ORDER_12345001).unwrap();
    native["line_items"][1]["quantity"] = json!(1.5);
    match map_value(native) {
        Err(Error::Malformed { path, .. }) => assert_eq!(path, "line_items[1].quantity"),
        other => panic!("{other:?}"),
    }
}

// A summary read from the documented payloads has exactly the full order's id, number, status, dates,
// currency and total, and claims no more.
#[test]
fn summaries_agree_with_the_documented_orders() {
    let list_row = serde_json::to_string(&first_row(LIST_WITH_LINE_ITEMS)).unwrap();
    for text in [ORDER_12345001, PATCHED_12345001, list_row.as_str()] {
        let full = map(text);
        let wire: super::super::wire::WireSummary = serde_json::from_str(text).unwrap();
        // A row sent with only the fields a summary listing asks for (`fields=`) reads the same.
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let asked: serde_json::Map<_, _> = super::super::request::SUMMARY_FIELDS
            .split(',')
            .map(|field| (field.to_string(), value[field].clone()))
            .collect();
        let sent: super::super::wire::WireSummary = serde_json::from_value(asked.into()).unwrap();
        assert_eq!(format!("{sent:?}"), format!("{wire:?}"));
        let summary = summary(&backend(), &wire.head()).unwrap();
        assert_eq!(summary.known, Known::SUMMARY);
        assert_eq!(
            (&summary.id, &summary.number, &summary.status, summary.placed_at, summary.updated_at),
            (&full.id, &full.number, &full.status, full.placed_at, full.updated_at)
        );
        assert_eq!((&summary.currency, &summary.totals.total), (&full.currency, &full.totals.total));
        assert!(summary.line_items.is_empty() && summary.customer.is_none() && summary.native.is_null());
    }
}
