use std::str::FromStr;

use pretty_assertions::assert_eq;
use rust_decimal::Decimal;
use serde_json::Value;

use super::*;
use crate::backends::decode::decode_bytes;
use crate::backends::util::RowAt;
use crate::backends::vtex::client::decode_order;
use crate::backends::vtex::fixtures::{GET_ORDER_EXAMPLE, LIST_EXAMPLE};
use crate::backends::vtex::wire::ListResponse;
use crate::domain::{FulfillmentStatus, OrderStatus, PaymentStatus};

fn backend() -> BackendName {
    BackendName::parse("shop-br").unwrap()
}

fn money(amount: &str) -> Money {
    Money::new(Decimal::from_str(amount).unwrap(), "BRL")
}

fn full(json: &str) -> Order {
    let (wire, native) = decode_order(&backend(), json.as_bytes()).unwrap().unwrap();
    order_from_full(&backend(), &wire, native).unwrap()
}

/// A list body decoded as the client decodes it: the envelope, its rows kept as their text.
fn listed(json: &str) -> ListResponse {
    decode_bytes(&backend(), json.as_bytes()).unwrap()
}

/// The page, its rows decoded, and each row's text as `native` (checked to be the row as sent).
fn rows(json: &str) -> (ListResponse, Vec<ListRow>, Vec<NativeJson>) {
    let mut response = listed(json);
    let found = response.list.take().unwrap_or_default();
    let at = |index| RowAt { array: "list", index };
    let decoded: Result<Vec<(ListRow, NativeJson)>> = found
        .iter()
        .enumerate()
        .map(|(index, raw)| crate::backends::rows::decode_row(&backend(), raw, at(index)))
        .collect();
    let (rows, natives): (Vec<_>, Vec<_>) = decoded.unwrap().into_iter().unzip();
    let value: Value = serde_json::from_str(json).unwrap();
    assert_eq!(
        natives.iter().map(|n| n.value().clone()).collect::<Vec<_>>(),
        value["list"].as_array().unwrap().clone()
    );
    (response, rows, natives)
}

// The documented "get order" example maps field by field: money exact from cents, dates with 6 and 7
// fractional digits exact, status axes, addresses with alpha-3 → alpha-2, customer, methods, externals.
#[test]
fn documented_get_example_maps_completely() {
    let order = full(GET_ORDER_EXAMPLE);
    assert_eq!(order.id.to_string(), "shop-br:1172452900788-01");
    assert_eq!(order.number.as_deref(), Some("502556"));
    assert_eq!(
        (order.status.order, order.status.payment, order.status.fulfillment),
        (OrderStatus::Processing, PaymentStatus::Paid, FulfillmentStatus::Unfulfilled)
    );
    assert_eq!(order.status.native, "handling");
    assert_eq!(order.status.label.as_deref(), Some("Preparando Entrega"));
    assert_eq!(order.placed_at.to_rfc3339(), "2024-02-04T20:09:43.899958+00:00");
    assert_eq!(order.placed_at.timestamp_subsec_nanos(), 899_958_000);
    let updated = order.updated_at.unwrap();
    assert_eq!(updated.to_rfc3339(), "2024-02-06T20:46:11.701074700+00:00");
    assert_eq!(order.currency, "BRL");
    assert_eq!(
        order.totals,
        OrderTotals {
            subtotal: money("0.99"),
            shipping: money("3.00"),
            tax: money("0.00"),
            discount: money("0.00"),
            total: money("11.60"),
        }
    );
    assert_eq!(order.totals.total.amount.to_string(), "11.60");
    assert_eq!(
        order.line_items,
        vec![LineItem {
            id: "94913BB553334977BFD669A24E678C69".into(),
            sku: Some("BIGBML".into()),
            name: "Bay Max L".into(),
            variant: None,
            product_id: Some("6".into()),
            variant_id: Some("18".into()),
            quantity: 1,
            unit_price: money("9.90"),
            total: money("9.90"),
            image_url: Some("https://luxstore.img.com.br/ids/155392-55-55/KOI.jpg?v=6359184022286".into()),
        }]
    );
    assert_eq!(
        order.customer,
        Some(Customer {
            id: Some("5660c55f-714d-4b14-88a7-b03e9bfbdd2y".into()),
            email: Some("rodrigo.smith@email.com".into()),
            phone: Some("+5561992227222".into()),
            first_name: Some("Rodrigo".into()),
            last_name: Some("Smith".into()),
            full_name: Some("Rodrigo Smith".into()),
        })
    );
    assert_eq!(
        order.shipping_address,
        Some(Address {
            full_name: Some("Rodrigo Smith".into()),
            line1: Some("Avenida Lúcio Costa, 126".into()),
            line2: Some("10, Barra da Tijuca".into()),
            city: Some("Rio de Janeiro".into()),
            region: Some("RJ".into()),
            postal_code: Some("22630-011".into()),
            country_code: Some("BR".into()),
            country: Some("BRA".into()),
            ..Address::default()
        })
    );
    // invoiceData.address is null: the card's billing address is used.
    assert_eq!(
        order.billing_address,
        Some(Address {
            line1: Some("Brigadeiro Faria Lima Avenue, 4440".into()),
            line2: Some("10th Floor, Itaim Bibi".into()),
            city: Some("São Paulo".into()),
            region: Some("SP".into()),
            postal_code: Some("04538132".into()),
            country_code: Some("BR".into()),
            country: Some("BRA".into()),
            ..Address::default()
        })
    );
    assert_eq!(order.shipping_method.as_deref(), Some("Normal"));
    assert_eq!(order.payment_method.as_deref(), Some("Visa"));
    // The only package is an `Input` (return) invoice; the marketplace's tracking hint remains.
    assert_eq!(
        order.tracking,
        vec![Tracking {
            carrier: Some("Amazon Label".into()),
            number: Some("701-1947797-1739404_DBA".into()),
            url: Some("https://storeName.vtexcommercestable.com.br/api/integration-amazon/logistic-program/dba/labels?orderId=d9xsHobRJCIWbbub0".into()),
        }]
    );
    assert_eq!(order.external_order_id.as_deref(), Some("1172452900788-01"));
    assert_eq!(order.external_platform.as_deref(), Some("luxstore"));
    assert_eq!(order.note, None);
    assert!(order.tags.is_empty());
    assert!(order.known.is_full());
    assert_eq!(order.native, serde_json::from_str::<Value>(GET_ORDER_EXAMPLE).unwrap());
}

// CurrencyDecimalDigits scales the cents (here 3 digits), Discounts turn positive, an outbound package
// gives tracking, a missing unique id and priceDefinition fall back to the index and price × quantity.
#[test]
fn digits_discounts_packages_and_fallbacks() {
    let json = r#"{
      "orderId": "v1-01", "sequence": 77, "status": "invoiced", "value": 12345,
      "creationDate": "2024-01-01T10:00:00.1234567-03:00", "lastChange": null,
      "totals": [ {"id":"Items","value":13000}, {"id":"Discounts","value":-1750}, {"id":"Shipping","value":1095},
                  {"id":"Tax","value":0}, {"id":"CustomTax","value":5} ],
      "items": [ {"id": 5, "productId": 9, "name": "Tea", "quantity": 3, "price": 4500, "sellingPrice": 4000,
                  "unitMultiplier": 1.0} ],
      "storePreferencesData": {"currencyCode": "KWD", "currencyFormatInfo": {"CurrencyDecimalDigits": 3}},
      "packageAttachment": {"packages": [
        {"type":"Output","courier":"DHL","invoiceNumber":"NF-1","trackingNumber":"T1","trackingUrl":"https://t/1"},
        {"type":"Input","courier":"DHL","invoiceNumber":"NF-R","trackingNumber":"R1"} ]},
      "openTextField": {"value": "leave at the door"},
      "marketplaceOrderId": "", "marketplace": {"name": "mkt"}
    }"#;
    let order = full(json);
    let kwd = |a: &str| Money::new(Decimal::from_str(a).unwrap(), "KWD");
    assert_eq!(order.number.as_deref(), Some("77"));
    assert_eq!(order.totals.subtotal, kwd("13.000"));
    assert_eq!(order.totals.discount, kwd("1.750"));
    assert_eq!(order.totals.shipping, kwd("1.095"));
    assert_eq!(order.totals.total, kwd("12.345"));
    assert_eq!(order.placed_at.timestamp_subsec_nanos(), 123_456_700);
    assert_eq!(order.placed_at.offset().local_minus_utc(), -3 * 3600);
    assert_eq!(order.updated_at, None);
    let item = &order.line_items[0];
    assert_eq!(
        (item.id.as_str(), item.variant_id.as_deref(), item.product_id.as_deref()),
        ("0", Some("5"), Some("9"))
    );
    assert_eq!((item.unit_price.clone(), item.total.clone()), (kwd("4.000"), kwd("12.000")));
    assert_eq!(item.sku, None);
    assert_eq!(
        order.tracking,
        vec![Tracking {
            carrier: Some("DHL".into()),
            number: Some("T1".into()),
            url: Some("https://t/1".into()),
        }]
    );
    assert_eq!(order.note.as_deref(), Some("leave at the door"));
    assert_eq!((order.external_order_id, order.external_platform), (None, None));
    assert_eq!(order.customer, None);
}

// Money never goes through floats: a fractional cents amount is a decoding error, not a rounding.
#[test]
fn fractional_cents_are_rejected() {
    let text = r#"{"orderId":"x","creationDate":"2024-01-01T00:00:00Z","value":10.5}"#;
    let err = decode_order(&backend(), text.as_bytes()).unwrap_err();
    assert!(matches!(err, Error::Malformed { ref path, .. } if path == "value"), "{err:?}");
    let text = r#"{"orderId":"x","creationDate":"2024-01-01T00:00:00Z","value":"1160"}"#;
    assert_eq!(decode_order(&backend(), text.as_bytes()).unwrap().unwrap().0.value, Some(wire::Cents(1160)));
}

// A full order without its currency or with a bad date is a Malformed error naming the field.
#[test]
fn missing_essentials_are_malformed() {
    let no_currency = r#"{"orderId":"x","creationDate":"2024-01-01T00:00:00Z","value":1}"#;
    let (wire, native) = decode_order(&backend(), no_currency.as_bytes()).unwrap().unwrap();
    let err = order_from_full(&backend(), &wire, native).unwrap_err();
    assert!(matches!(err, Error::Malformed { ref path, .. } if path == "storePreferencesData.currencyCode"));
    let bad_date = r#"{"orderId":"x","creationDate":"yesterday","value":1,"storePreferencesData":{"currencyCode":"BRL"}}"#;
    let (wire, native) = decode_order(&backend(), bad_date.as_bytes()).unwrap().unwrap();
    let err = order_from_full(&backend(), &wire, native).unwrap_err();
    assert!(matches!(err, Error::Malformed { ref path, .. } if path == "creationDate"));
}

// The documented list example: summary orders with what the rows really have, marked accordingly.
#[test]
fn documented_list_example_maps_summaries() {
    let (response, list, natives) = rows(LIST_EXAMPLE);
    let paging = response.paging.unwrap();
    assert_eq!((paging.total, paging.pages), (Some(wire::Count(84)), Some(wire::Count(6))));
    assert_eq!(list.len(), 5);
    let orders: Vec<Order> = list
        .iter()
        .zip(natives.clone())
        .map(|(row, native)| order_from_row(&backend(), row, native, None).unwrap())
        .collect();

    let first = &orders[0];
    assert_eq!(first.id.to_string(), "shop-br:1306331686122-01");
    assert_eq!(first.number.as_deref(), Some("502559"));
    assert_eq!((first.status.order, first.status.native.as_str()), (OrderStatus::Shipped, "invoiced"));
    assert_eq!(first.status.label.as_deref(), Some("Faturado"));
    assert_eq!(first.placed_at.to_rfc3339(), "2019-02-04T10:29:11+00:00");
    assert_eq!(first.currency, "BRL");
    assert_eq!(first.totals.total, money("74.53"));
    assert_eq!(first.totals.subtotal, money("0"));
    assert_eq!(first.customer.as_ref().and_then(|c| c.full_name.as_deref()), Some("J C"));
    assert_eq!(first.customer.as_ref().and_then(|c| c.email.as_deref()), None);
    assert_eq!(first.payment_method.as_deref(), Some("Boleto Bancário"));
    assert_eq!(first.external_order_id, None);
    assert!(first.line_items.is_empty());
    assert_eq!(first.native, natives[0]);
    // Without a marketplace id the row also knows there is no platform.
    assert_eq!(first.known, Known { external_platform: true, ..ROW_KNOWN });

    assert_eq!(orders[1].totals.total, money("11.60"));
    assert_eq!(orders[1].status.order, OrderStatus::Processing);
    assert_eq!(orders[2].status.order, OrderStatus::Confirmed);

    // A marketplace row: its order id is known, the marketplace's name is not.
    let marketplace = &orders[3];
    assert_eq!(marketplace.external_order_id.as_deref(), Some("880102018018-01"));
    assert_eq!(marketplace.known, ROW_KNOWN, "{:?}", marketplace.known.names());
    assert!(!marketplace.known.external_platform);
    assert_eq!(
        (marketplace.status.order, marketplace.status.payment, marketplace.status.fulfillment),
        (OrderStatus::Cancelled, PaymentStatus::Voided, FulfillmentStatus::Cancelled)
    );
    assert_eq!(marketplace.payment_method, None);
    assert_eq!(orders[4].status.fulfillment, FulfillmentStatus::Fulfilled);
}

// Every part the declaration says a row carries is filled from the documented rows (a row without a marketplace
// id has no external id; VTEX has no tags), and nothing else is claimed.
#[test]
fn declared_row_parts_are_filled() {
    let (_, list, natives) = rows(LIST_EXAMPLE);
    for (row, native) in list.iter().zip(natives) {
        let order = order_from_row(&backend(), row, native, None).unwrap();
        assert!(ROW_KNOWN.contains(order.known.difference(Known { external_platform: true, ..Known::CORE })));
        let unfilled = order.known.difference(Known::filled(&order)).names();
        let expected: &[&str] = match order.external_order_id {
            Some(_) => &["tags"],
            None => &["tags", "external_order_id", "external_platform"],
        };
        assert_eq!(unfilled, expected, "{}", order.id);
    }
}

// An invoiced order whose outbound packages' courier status is finished is DELIVERED (PARTIALLY_DELIVERED when
// only some are; an `Input` return does not count), fulfilment FULFILLED either way; a list row reads the same
// from `isAllDelivered` / `isAnyDelivered`, and a row without them reads SHIPPED until resolved.
#[test]
fn delivery_reads_back_in_full_orders_and_rows() {
    let order = |packages: &str, status: &str| {
        full(&format!(
            r#"{{"orderId": "v1-01", "status": "{status}", "value": 100,
              "creationDate": "2024-01-01T10:00:00Z", "storePreferencesData": {{"currencyCode": "BRL"}},
              "packageAttachment": {{"packages": [{packages}]}}}}"#
        ))
    };
    let delivered = r#"{"type":"Output","invoiceNumber":"NF-1",
        "courierStatus":{"status":"delivered","finished":true,"deliveredDate":"2024-01-03T10:00:00Z","data":[]}}"#;
    let moving = r#"{"type":"Output","invoiceNumber":"NF-2","courierStatus":{"status":"in transit","finished":false}}"#;
    let untracked = r#"{"type":"Output","invoiceNumber":"NF-3","courierStatus":null}"#;
    let returned = r#"{"type":"Input","invoiceNumber":"R-1","courierStatus":{"finished":false}}"#;
    let axes = |o: &Order| (o.status.order, o.status.payment, o.status.fulfillment);
    let fulfilled = |status| (status, PaymentStatus::Paid, FulfillmentStatus::Fulfilled);
    assert_eq!(axes(&order(delivered, "invoiced")), fulfilled(OrderStatus::Delivered));
    assert_eq!(
        axes(&order(&format!("{delivered},{returned}"), "invoice-after-cancellation-deny")),
        fulfilled(OrderStatus::Delivered)
    );
    assert_eq!(
        axes(&order(&format!("{delivered},{moving}"), "invoiced")),
        fulfilled(OrderStatus::PartiallyDelivered)
    );
    assert_eq!(axes(&order(&format!("{moving},{untracked}"), "invoiced")), fulfilled(OrderStatus::Shipped));
    assert_eq!(axes(&order("", "invoiced")), fulfilled(OrderStatus::Shipped));
    // Not invoiced: the status decides, whatever a package says.
    assert_eq!(order(delivered, "handling").status.order, OrderStatus::Processing);

    let row = |flags: &str, status: &str| {
        let json = format!(
            r#"{{"list":[{{"orderId":"a-01","creationDate":"2024-01-01T00:00:00Z","currencyCode":"BRL",
            "status":"{status}"{flags}}}]}}"#
        );
        let (_, list, natives) = rows(&json);
        order_from_row(&backend(), &list[0], natives[0].clone(), None).unwrap().status.order
    };
    assert_eq!(row(r#","isAllDelivered":true,"isAnyDelivered":true"#, "invoiced"), OrderStatus::Delivered);
    assert_eq!(
        row(r#","isAllDelivered":false,"isAnyDelivered":true"#, "invoiced"),
        OrderStatus::PartiallyDelivered
    );
    assert_eq!(row(r#","isAllDelivered":false,"isAnyDelivered":false"#, "invoiced"), OrderStatus::Shipped);
    assert_eq!(row("", "invoiced"), OrderStatus::Shipped, "unresolved without a client");
    assert_eq!(row(r#","isAllDelivered":true"#, "canceled"), OrderStatus::Cancelled);
}

// A row's cents are trusted only for 2-digit currencies; a row without currency uses the configured one.
#[test]
fn row_currency_rules() {
    let row = |currency: &str| {
        format!(
            r#"{{"list":[{{"orderId":"a-01","creationDate":"2024-01-01T00:00:00.1234567+00:00","totalValue":500,
            "status":null,"sequence":12{currency}}}],"paging":{{"total":1,"pages":1,"currentPage":1,"perPage":15}}}}"#
        )
    };
    let (_, list, natives) = rows(&row(r#","currencyCode":"JPY""#));
    let order = order_from_row(&backend(), &list[0], natives[0].clone(), None).unwrap();
    assert!(!order.known.total);
    assert_eq!(order.status.native, "null");
    assert_eq!(order.status.order, OrderStatus::Pending);
    assert_eq!(order.number.as_deref(), Some("12"));

    let (_, list, natives) = rows(&row(""));
    let err = order_from_row(&backend(), &list[0], natives[0].clone(), None).unwrap_err();
    assert!(matches!(err, Error::Malformed { ref path, .. } if path == "list[].currencyCode"));
    let order = order_from_row(&backend(), &list[0], natives[0].clone(), Some("EUR")).unwrap();
    assert_eq!(order.totals.total, Money::new(Decimal::from_str("5.00").unwrap(), "EUR"));
    assert!(order.known.total);
}

// Bodies decode straight from bytes: an empty or `null` "get order" body is no order, a bad field names its
// path from the root, and a bad row names `list[i]`, in its key or in the rest of the row.
#[tokio::test]
async fn decodes_bodies_from_bytes() {
    assert!(decode_order(&backend(), b"").unwrap().is_none());
    assert!(decode_order(&backend(), b" null ").unwrap().is_none());
    let path = |err: Error| match err {
        Error::Malformed { path, .. } => path,
        other => panic!("unexpected {other:?}"),
    };
    let bad_item = r#"{"orderId":"x","creationDate":"2024-01-01T00:00:00Z","items":[{"price":1.5}]}"#;
    assert_eq!(path(decode_order(&backend(), bad_item.as_bytes()).unwrap_err()), "items[0].price");
    assert_eq!(path(decode_order(&backend(), b"\"x\"").unwrap_err()), "(root)");
    assert!(path(decode_order(&backend(), b"{\"orderId\":").unwrap_err()).starts_with("line 1 column"));
    let page = r#"{"list":[{"orderId":"a","creationDate":"2024-01-01T00:00:00Z"},
        {"orderId":"b","creationDate":"2024-01-01T00:00:00Z","totalValue":true}],"paging":null}"#;
    let format = || Rows { backend: backend(), currency: None, client: None };
    let found = crate::backends::rows::list_rows(format(), listed(page).list.unwrap());
    assert_eq!(found[1].id().unwrap().to_string(), "shop-br:b");
    assert_eq!(path(found[1].order().await.unwrap_err()), "list[1].totalValue");
    assert!(listed(r#"{"list":null}"#).list.is_none());
    let page = r#"{"list":[{"orderId":"a","creationDate":"soon"},{"orderId":7,"creationDate":"x"}]}"#;
    let found = crate::backends::rows::list_rows(format(), listed(page).list.unwrap());
    assert_eq!(path(found[0].key().unwrap_err()), "list[0].creationDate");
    assert_eq!(path(found[1].key().unwrap_err()), "list[1].orderId");
}
