//! Mapping tests on the documented example payloads (see `fixtures.rs`).

use rust_decimal::Decimal;
use serde_json::Value;

use super::*;
use crate::backends::decode::{decode_bytes, decode_raw};
use crate::backends::storeden::fixtures::{LIST_EXAMPLE, ORDER_EXAMPLE, TRACKING_EXAMPLE};
use crate::domain::{FulfillmentStatus, OrderStatus, PaymentStatus};

fn backend() -> BackendName {
    BackendName::parse("shop-it").unwrap()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

/// The value as JSON text, decoded the way the adapter does (straight from the text).
fn raw(value: &Value) -> Box<serde_json::value::RawValue> {
    serde_json::value::RawValue::from_string(value.to_string()).unwrap()
}

fn full(value: &Value) -> Result<Order> {
    let name = backend();
    let ctx = Context { backend: &name, currency: "EUR" };
    let raw = raw(value);
    let wire: FullOrder = decode_raw(&name, &raw, "")?;
    full_order(ctx, &wire, NativeJson::from_raw(&raw))
}

fn summary(value: &Value) -> Result<Order> {
    let name = backend();
    let ctx = Context { backend: &name, currency: "EUR" };
    let raw = raw(value);
    let row: ListRow = decode_raw(&name, &raw, "")?;
    summary_order(ctx, &row, NativeJson::from_raw(&raw))
}

// The documented order maps field by field: ids, status axes, exact money, the epoch date with the iso
// offset, customer, both addresses, the keyed line item, methods; `native` is the payload untouched.
#[test]
fn documented_order() {
    let native = json(ORDER_EXAMPLE);
    let order = full(&native).unwrap();
    assert_eq!(order.id.to_string(), "shop-it:132_56695c3c0a3be");
    assert_eq!(order.number, None);
    assert_eq!(
        (order.status.order, order.status.payment, order.status.fulfillment),
        (OrderStatus::Delivered, PaymentStatus::Paid, FulfillmentStatus::Fulfilled)
    );
    assert_eq!((order.status.native.as_str(), order.status.label.as_deref()), ("4", Some("Delivered")));
    // The instant is `orderDate` {sec, usec} to the second, as lists give it; the offset is the one
    // `iso.orderDate` carries.
    assert_eq!(order.placed_at.to_rfc3339(), "2015-12-10T12:04:28+01:00");
    assert_eq!(order.placed_at.timestamp(), 1449745468);
    assert_eq!(order.updated_at, None);
    assert_eq!(order.currency, "EUR");
    let t = &order.totals;
    assert_eq!(t.subtotal.amount.to_string(), "110");
    assert_eq!(t.shipping.amount.to_string(), "7.5");
    assert_eq!(t.tax.amount, Decimal::ZERO);
    assert_eq!(t.discount.amount.to_string(), "0.00");
    assert_eq!(t.total.amount.to_string(), "117.5");
    assert_eq!(t.subtotal.amount + t.shipping.amount + t.tax.amount - t.discount.amount, t.total.amount);
    assert!([&t.subtotal, &t.shipping, &t.tax, &t.discount, &t.total].iter().all(|m| m.currency == "EUR"));

    let customer = order.customer.as_ref().unwrap();
    assert_eq!(customer.id, None, "userUID -1 is a guest");
    assert_eq!(customer.email.as_deref(), Some("no-reply@storeden.com"));
    assert_eq!(customer.phone.as_deref(), Some("+1/xxxxxxxxxxx"));
    assert_eq!(customer.full_name.as_deref(), Some("Times Square"));
    assert_eq!((customer.first_name.as_deref(), customer.last_name.as_deref()), (None, None));

    let expected_address = Address {
        full_name: Some("Times Square".into()),
        first_name: None,
        last_name: None,
        company: None,
        line1: Some("Times Square".into()),
        line2: None,
        city: Some("New York".into()),
        region: Some("13637".into()),
        postal_code: Some("NY 10036".into()),
        country_code: Some("IT".into()),
        country: Some("119".into()),
        phone: Some("+1/xxxxxxxxxxx".into()),
        email: Some("no-reply@storeden.com".into()),
    };
    assert_eq!(order.billing_address.as_ref(), Some(&expected_address));
    assert_eq!(order.shipping_address.as_ref(), Some(&expected_address));

    assert_eq!(order.line_items.len(), 1);
    let line = &order.line_items[0];
    assert_eq!(line.id, "105251#|#xl_red");
    assert_eq!(line.product_id.as_deref(), Some("105251"));
    assert_eq!(line.variant_id.as_deref(), Some("xl_red"));
    assert_eq!(line.variant.as_deref(), Some("xl_red"));
    assert_eq!(line.name, "Product with size XL and color RED");
    assert_eq!(line.sku, None, "an empty sku is no sku");
    assert_eq!(line.quantity, 1);
    assert_eq!(line.unit_price, Money::new(dec("110"), "EUR"));
    assert_eq!(line.total, Money::new(dec("110"), "EUR"));
    assert_eq!(line.image_url, None);

    assert_eq!(order.shipping_method.as_deref(), Some("Corriere Espresso Standard"));
    assert_eq!(order.payment_method.as_deref(), Some("credit-card"));
    assert!(order.tracking.is_empty());
    assert!(order.tags.is_empty());
    assert_eq!((order.external_order_id.as_deref(), order.note.as_deref()), (None, None));
    assert_eq!(order.native, native);
    // Everything is known except tags, which `order.json` does not document (filled from the list).
    assert_eq!(order.known, Known { tags: false, ..Known::FULL });
}

// `legacy_order.json` sends items as an array: lines get their position as id and `product_uid`.
#[test]
fn legacy_item_array() {
    let mut native = json(ORDER_EXAMPLE);
    native["cart"]["items"] = json(
        r#"[{"count": 1, "price": 110, "options": "xl_red", "title": "Product with size XL and color RED",
             "sku": "", "product_uid": 105251,
             "product_endpoint": "https://connect.storeden.com/v1.1/products/product.json?uid=105251"}]"#,
    );
    let order = full(&native).unwrap();
    let line = &order.line_items[0];
    assert_eq!(
        (line.id.as_str(), line.product_id.as_deref(), line.variant_id.as_deref()),
        ("0", Some("105251"), None)
    );
    assert_eq!(order.totals.subtotal.amount, dec("110"));
}

// The payment surcharge is counted in shipping and the sale amount is the discount, so the parts add up;
// float prices multiply exactly; an empty PHP map (`[]`) is no items.
#[test]
fn surcharge_discount_and_exact_amounts() {
    let mut native = json(ORDER_EXAMPLE);
    native["cart"]["items"] = json(
        r##"{"7#|#": {"count": 3, "price": 33.3, "options": "", "title": "Socks", "sku": "S-1"},
             "8#|#m": {"count": "2", "price": 0.1, "options": "m", "title": "Pin", "sku": "P-1"}}"##,
    );
    native["cart"]["paymentAmount"] = json("2.5");
    native["cart"]["saleAmount"] = json("10.05");
    native["total"] = json("100.05");
    let order = full(&native).unwrap();
    let t = &order.totals;
    assert_eq!(t.subtotal.amount.to_string(), "100.1");
    assert_eq!(t.shipping.amount.to_string(), "10.0");
    assert_eq!(t.discount.amount.to_string(), "10.05");
    assert_eq!(t.subtotal.amount + t.shipping.amount + t.tax.amount - t.discount.amount, t.total.amount);
    assert_eq!(order.line_items[0].total.amount.to_string(), "99.9");
    assert_eq!(
        (order.line_items[0].product_id.as_deref(), order.line_items[0].variant_id.as_deref()),
        (Some("7"), None)
    );
    assert_eq!(order.line_items[1].quantity, 2);
    assert_eq!(order.line_items[1].sku.as_deref(), Some("P-1"));

    native["cart"]["items"] = json("[]");
    assert!(full(&native).unwrap().line_items.is_empty());
}

// Both date shapes are read in both places; without an iso string the epoch instant is in UTC.
#[test]
fn date_shapes() {
    let mut native = json(ORDER_EXAMPLE);
    native["orderDate"] = json(r#""2015-12-10T12:04:28+0100""#);
    assert_eq!(full(&native).unwrap().placed_at.to_rfc3339(), "2015-12-10T12:04:28+01:00");
    native.as_object_mut().unwrap().remove("orderDate");
    native["iso"]["orderDate"] = json(r#"{"sec": 1449745468, "usec": 0}"#);
    assert_eq!(full(&native).unwrap().placed_at.to_rfc3339(), "2015-12-10T11:04:28+00:00");
    native["iso"]["orderDate"] = json(r#""not a date""#);
    match full(&native) {
        Err(Error::Malformed { path, .. }) => assert_eq!(path, "iso.orderDate"),
        other => panic!("unexpected {other:?}"),
    }
    native.as_object_mut().unwrap().remove("iso");
    assert!(matches!(full(&native), Err(Error::Malformed { .. })));
}

// Tags in the payload (array or comma string), a real customer id, an undocumented country id (kept raw,
// no ISO code), numeric ids, and a numeric-string status are all read.
#[test]
fn optional_and_lenient_fields() {
    let mut native = json(ORDER_EXAMPLE);
    native["tags"] = json(r#"["vip", "gift"]"#);
    native["userUID"] = json("62123");
    native["billing"]["country"] = json(r#""42""#);
    native["status"] = json(r#""7""#);
    native["short_id"] = json("1030");
    let order = full(&native).unwrap();
    assert_eq!(order.tags, vec!["vip", "gift"]);
    assert!(order.known.is_full());
    assert_eq!(order.customer.as_ref().unwrap().id.as_deref(), Some("62123"));
    let billing = order.billing_address.as_ref().unwrap();
    assert_eq!((billing.country.as_deref(), billing.country_code.as_deref()), (Some("42"), None));
    assert_eq!(order.status.order, OrderStatus::Cancelled);
    assert_eq!(order.number.as_deref(), Some("1030"));
    native["tags"] = json(r#""a, b,,""#);
    assert_eq!(full(&native).unwrap().tags, vec!["a", "b"]);
}

// A payload without a status or with a wrongly typed amount is a Malformed error naming the path.
#[test]
fn malformed_payloads_name_the_path() {
    let mut native = json(ORDER_EXAMPLE);
    native.as_object_mut().unwrap().remove("status");
    assert!(matches!(full(&native), Err(Error::Malformed { path, .. }) if path == "status"));
    let mut native = json(ORDER_EXAMPLE);
    native["cart"]["shippingAmount"] = json("true");
    assert!(matches!(full(&native), Err(Error::Malformed { path, .. }) if path == "cart.shippingAmount"));
    let mut native = json(ORDER_EXAMPLE);
    native["cart"]["items"]["105251#|#xl_red"]["count"] = json("1.5");
    assert!(matches!(full(&native), Err(Error::Malformed { .. })));
}

// The documented list rows (without the `nodes` every list call asks for) become summary orders: id, status, date
// with its offset, exact total known, nothing else claimed.
#[test]
fn documented_list_rows() {
    let rows = json(LIST_EXAMPLE);
    let first = summary(&rows[0]).unwrap();
    assert_eq!(first.id.native.as_str(), "132_5672eebab5aa6");
    assert_eq!((first.status.order, first.status.native.as_str()), (OrderStatus::Shipped, "3"));
    assert_eq!(first.status.label.as_deref(), Some("Sent"));
    assert_eq!(first.placed_at.to_rfc3339(), "2015-12-17T18:19:54+01:00");
    assert_eq!(first.totals.total, Money::new(dec("45.25"), "EUR"));
    assert_eq!(first.totals.subtotal.amount, Decimal::ZERO);
    assert_eq!(first.known, Known { total: true, ..Known::CORE });
    assert_eq!(first.native, rows[0]);
    assert_eq!(first.customer, None);

    let second = summary(&rows[1]).unwrap();
    assert_eq!(second.id.native.as_str(), "132_56695c3c0a3be");
    assert_eq!(second.totals.total.amount.to_string(), "117.5");
    assert_eq!(second.status.order, OrderStatus::Delivered);
    // The same order read in full has the same instant and offset.
    let full_order = full(&json(ORDER_EXAMPLE)).unwrap();
    assert_eq!(second.placed_at.to_rfc3339(), full_order.placed_at.to_rfc3339());
    assert!(first.sort_key() < second.sort_key(), "the documented list is newest first");
}

// Rows carrying the asked `nodes` (nested or as dotted keys) fill e-mail, name, number and tags; a row
// that honoured `nodes` but has no `tags` has none.
#[test]
fn list_rows_with_nodes() {
    let nested = json(
        r#"{"orderID":"132_1","total":10,"orderDate":"2026-11-01T13:00:00+0100","status":0,
            "iso":{"orderDate":"2026-11-01T13:00:00+0100"},
            "billing":{"email":"Ann@Example.com","fullname":"Ann B"},"short_id":1030,"tags":["gift","b2b"]}"#,
    );
    let order = summary(&nested).unwrap();
    assert_eq!(row_email(&order), Some("Ann@Example.com"));
    assert_eq!(order.customer.as_ref().unwrap().full_name.as_deref(), Some("Ann B"));
    assert_eq!(order.number.as_deref(), Some("1030"));
    assert_eq!(order.tags, vec!["gift", "b2b"]);
    assert_eq!(order.known, ROW_KNOWN, "{:?}", order.known.names());
    // Every part the declaration says a row carries is filled from a row that has it.
    assert!(
        Known::filled(&order).contains(ROW_KNOWN),
        "{:?}",
        ROW_KNOWN.difference(Known::filled(&order)).names()
    );

    let flat = json(
        r#"{"orderID":"132_2","total":10,"orderDate":"2026-11-01T13:00:00+0100","status":"1",
            "billing.email":"x@example.com","billing.fullname":"X"}"#,
    );
    let order = summary(&flat).unwrap();
    assert_eq!(row_email(&order), Some("x@example.com"));
    assert!(order.known.tags && order.tags.is_empty());
    assert_eq!(order.status.order, OrderStatus::Confirmed);
}

// A row with an empty id or no date is malformed.
#[test]
fn malformed_rows() {
    let rows = json(LIST_EXAMPLE);
    let mut row = rows[0].clone();
    row["orderID"] = json(r#""""#);
    assert!(matches!(summary(&row), Err(Error::Malformed { path, .. }) if path == "orderID"));
    let mut row = rows[0].clone();
    row.as_object_mut().unwrap().remove("orderDate");
    row.as_object_mut().unwrap().remove("iso");
    assert!(matches!(summary(&row), Err(Error::Malformed { path, .. }) if path == "orderDate"));
}

// The documented tracking answer becomes one tracking entry; the empty answer of an unshipped order none.
#[test]
fn tracking_answers() {
    let name = backend();
    let mut order = full(&json(ORDER_EXAMPLE)).unwrap();
    let info: TrackingInfo = decode_bytes(&name, TRACKING_EXAMPLE.as_bytes()).unwrap();
    apply_tracking(&mut order, &info);
    assert_eq!(
        order.tracking,
        vec![Tracking {
            carrier: Some("BRT".into()),
            number: Some("1234567876543".into()),
            url: Some("https://tracking.qapla.it/47026906299f3cfbd12e3d0a94bb9458".into()),
        }]
    );
    let mut order = full(&json(ORDER_EXAMPLE)).unwrap();
    let empty: TrackingInfo =
        decode_bytes(&name, br#"{"url":"","courier":"","tracking":"","pickup_date":""}"#).unwrap();
    apply_tracking(&mut order, &empty);
    assert!(order.tracking.is_empty());
}

// Only the documented country id gets an ISO code.
#[test]
fn country_ids() {
    assert_eq!(country_code("119"), Some("IT"));
    assert_eq!(country_code(" 119 "), Some("IT"));
    assert_eq!(country_code("120"), None);
    assert_eq!(country_code("IT"), None);
}

// The documented list rows read their keys and orders alike, each keeping its text as `native`; a bad field
// names its place in the bare array, in the key or in the rest of the row.
#[tokio::test]
async fn list_rows_read_keys_and_orders_naming_paths() {
    let format = || Rows { backend: backend(), currency: "EUR".into() };
    let documented = super::super::client::decode_list(&backend(), LIST_EXAMPLE.as_bytes()).unwrap();
    let rows = crate::backends::rows::list_rows(format(), documented);
    let value = json(LIST_EXAMPLE);
    for (index, row) in rows.iter().enumerate() {
        let (id, placed_at) = row.key().map(|(id, at)| (id.clone(), at)).unwrap();
        let order = row.order().await.unwrap();
        assert_eq!((order.id.clone(), order.placed_at), (id, placed_at));
        assert_eq!(*order.native.value(), value[index]);
    }
    let bad = br#"[{"orderID":"1_a","total":"x","orderDate":"2015-12-17T18:19:54+0100","status":1},
        {"orderID":null}, {"orderID":"3_c","orderDate":{"sec":"soon"}}]"#;
    let rows = crate::backends::rows::list_rows(
        format(),
        super::super::client::decode_list(&backend(), bad).unwrap(),
    );
    let path = |error: Error| match error {
        Error::Malformed { path, .. } => path,
        other => panic!("unexpected {other:?}"),
    };
    assert_eq!(rows[0].id().unwrap().to_string(), "shop-it:1_a");
    assert_eq!(path(rows[0].order().await.unwrap_err()), "[0].total");
    assert_eq!(path(rows[1].key().unwrap_err()), "[1].orderID");
    assert!(path(rows[2].key().unwrap_err()).starts_with("[2].orderDate"));
}
