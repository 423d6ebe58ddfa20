//! Unit tests of the adapter's error mapping, mutation bodies and pre-checks, and list planning.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::client::{self, Mutation};
use super::fixtures::{ERROR_OMS003, ERROR_UNAUTHORIZED, GET_ORDER_EXAMPLE};
use super::*;
use crate::backends::decode::decode_bytes;
use crate::backends::http::{Failure, HttpClient, VendorError};
use crate::config::Secret;
use crate::domain::Shipment;

fn name() -> BackendName {
    BackendName::parse("shop-br").unwrap()
}

fn config() -> BackendConfig {
    BackendConfig {
        kind: BackendKind::Vtex,
        base_url: "http://127.0.0.1:9".into(),
        timeout: Duration::from_secs(1),
        currency: None,
        max_concurrency: 4,
        max_response_bytes: crate::config::DEFAULT_MAX_RESPONSE_BYTES,
        credentials: BTreeMap::from([
            ("app_key".to_string(), Secret::new("key")),
            ("app_token".to_string(), Secret::new("token")),
        ]),
    }
}

fn example() -> wire::VtexOrder {
    decode_bytes(&name(), GET_ORDER_EXAMPLE.as_bytes()).unwrap()
}

fn with(changes: Value) -> wire::VtexOrder {
    let mut value: Value = serde_json::from_str(GET_ORDER_EXAMPLE).unwrap();
    for (key, v) in changes.as_object().unwrap() {
        value[key] = v.clone();
    }
    decode_bytes(&name(), value.to_string().as_bytes()).unwrap()
}

fn failure(status: u16, body: &str) -> Failure {
    Failure { status, vendor: client::parse_error(body.as_bytes()).unwrap_or_default(), retry_after: None }
}

// Every documented error-body variant parses: OMS003, the 401 code "1", an exception string, and the bare
// `Message` form; anything else gives nothing.
#[test]
fn parses_error_bodies() {
    let vendor = client::parse_error(ERROR_OMS003.as_bytes()).unwrap();
    assert_eq!(vendor.code.as_deref(), Some("OMS003"));
    assert_eq!(
        vendor.message.as_deref(),
        Some("Order status should be ready-for-handling to perform this action")
    );
    let vendor = client::parse_error(ERROR_UNAUTHORIZED.as_bytes()).unwrap();
    assert_eq!((vendor.code.as_deref(), vendor.message.as_deref()), (Some("1"), Some("Unauthorized access")));
    let with_exception = br#"{"error":{"code":1,"message":"boom","exception":"System.Exception: x"}}"#;
    assert_eq!(client::parse_error(with_exception).unwrap().code.as_deref(), Some("1"));
    assert_eq!(
        client::parse_error(br#"{"Message":"An error has occurred."}"#),
        Some(VendorError { code: None, message: Some("An error has occurred.".into()) })
    );
    assert_eq!(client::parse_error(b""), None);
    assert_eq!(client::parse_error(b"<html>502</html>"), None);
    assert_eq!(client::parse_error(br#"{"error":{}}"#), None);
}

// Mutation refusals map to typed errors; the rest goes through the shared status mapping.
#[test]
fn maps_mutation_failures() {
    let http = HttpClient::new(&name(), &config(), &[], client::parse_error).unwrap();
    let id = NativeOrderId::new("v1-01");
    let map = |mutation, status, body: &str| {
        client::mutation_error(&http, "shop-br", mutation, &id, failure(status, body))
    };
    let err = map(Mutation::StartHandling, 409, ERROR_OMS003);
    assert!(
        matches!(&err, Error::InvalidStatusTransition { message, .. } if message.contains("ready-for-handling"))
    );
    assert!(matches!(map(Mutation::Invoice, 409, ERROR_OMS003), Error::InvalidStatusTransition { .. }));
    assert!(matches!(map(Mutation::Invoice, 409, "{}"), Error::Conflict { .. }));
    let err = map(Mutation::Cancel, 400, r#"{"error":{"code":"OMS007","message":"Order already invoiced"}}"#);
    assert!(
        matches!(&err, Error::InvalidStatusTransition { message, .. } if message.contains("already invoiced"))
    );
    assert!(matches!(map(Mutation::Cancel, 400, ""), Error::InvalidStatusTransition { .. }));
    assert!(matches!(
        map(Mutation::Invoice, 400, r#"{"error":{"code":"X","message":"bad"}}"#),
        Error::Backend { status: 400, .. }
    ));
    assert!(matches!(map(Mutation::Tracking, 404, ""), Error::NotFound { .. }));
    assert!(matches!(map(Mutation::Cancel, 401, ERROR_UNAUTHORIZED), Error::Unauthenticated { .. }));
    assert!(matches!(map(Mutation::Cancel, 403, ""), Error::Forbidden { .. }));
    assert!(matches!(map(Mutation::Cancel, 429, ""), Error::RateLimited { .. }));
    assert!(matches!(map(Mutation::StartHandling, 500, ""), Error::Unavailable { .. }));
}

// Path segments are percent-encoded, unreserved characters kept.
#[test]
fn encodes_path_segments() {
    assert_eq!(client::segment("1172452900788-01"), "1172452900788-01");
    assert_eq!(client::segment("NF 1/2?#"), "NF%201%2F2%3F%23");
    assert_eq!(client::segment("ç"), "%C3%A7");
}

// SHIPPED needs an invoice number, checked before any call.
#[test]
fn shipped_requires_invoice_number() {
    for shipment in [
        None,
        Some(Shipment::default()),
        Some(Shipment { invoice_number: Some("  ".into()), ..Shipment::default() }),
    ] {
        let err = mutations::required_invoice_number(shipment.as_ref()).unwrap_err();
        assert_eq!(err.field(), Some(&["input".to_string(), "shipment".into(), "invoiceNumber".into()][..]));
        assert_eq!(err.user_error_code(), crate::error::UserErrorCode::InvalidInput);
    }
    let ok = Shipment { invoice_number: Some(" NF-9 ".into()), ..Shipment::default() };
    assert_eq!(mutations::required_invoice_number(Some(&ok)).unwrap(), "NF-9");
}

// The invoice notification built from the documented order: Output, value as a string of cents, every
// item at its unit price, carrier and tracking, the shipment date as issuance and dispatch date.
#[test]
fn invoice_body_from_documented_order() {
    let shipped: DateTime<chrono::FixedOffset> =
        DateTime::parse_from_rfc3339("2024-02-08T09:30:00-03:00").unwrap();
    let shipment = Shipment {
        carrier: Some("Correios".into()),
        tracking_number: Some("BR123".into()),
        tracking_url: Some("https://track/BR123".into()),
        invoice_number: Some("NF-9".into()),
        shipped_at: Some(shipped),
    };
    let now = Utc.with_ymd_and_hms(2024, 2, 9, 12, 0, 0).unwrap();
    let request =
        mutations::invoice_request(&name(), &example(), "NF-9".into(), Some(&shipment), now).unwrap();
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({
            "type": "Output",
            "issuanceDate": "2024-02-08T09:30:00-03:00",
            "invoiceNumber": "NF-9",
            "invoiceValue": "1160",
            "items": [{"id": "18", "price": 990, "quantity": 1}],
            "courier": "Correios",
            "trackingNumber": "BR123",
            "trackingUrl": "https://track/BR123",
            "dispatchedDate": "2024-02-08T09:30:00-03:00"
        })
    );
    let bare = Shipment { invoice_number: Some("NF-9".into()), ..Shipment::default() };
    let request = mutations::invoice_request(&name(), &example(), "NF-9".into(), Some(&bare), now).unwrap();
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"type": "Output", "issuanceDate": "2024-02-09T12:00:00Z", "invoiceNumber": "NF-9",
               "invoiceValue": "1160", "items": [{"id": "18", "price": 990, "quantity": 1}]})
    );
}

// DELIVERED reports on every outbound invoice not delivered yet (the last one again when all are); without an
// outbound invoice it is an invalid transition. The body is `{isDelivered, deliveredDate "yyyy-mm-dd hh:mm",
// events: []}`.
#[test]
fn delivered_reports_on_undelivered_output_invoices() {
    // The documented order has only an Input (return) package.
    let err = mutations::delivery_invoices(&name(), &example()).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidStatusTransition { message, .. } if message.contains("not invoiced yet"))
    );
    let order = with(json!({"packageAttachment": {"packages": [
        {"type": "Output", "invoiceNumber": "NF-1", "courierStatus": {"finished": true}},
        {"type": "Input", "invoiceNumber": "R-1"},
        {"invoiceNumber": "NF-2", "courierStatus": null},
        {"type": "Output", "invoiceNumber": "NF-3", "courierStatus": {"finished": false}}]}}));
    assert_eq!(mutations::delivery_invoices(&name(), &order).unwrap(), vec!["NF-2", "NF-3"]);
    let delivered = with(json!({"packageAttachment": {"packages": [
        {"type": "Output", "invoiceNumber": "NF-1", "courierStatus": {"finished": true}},
        {"type": "Output", "invoiceNumber": "NF-2", "courierStatus": {"finished": true}}]}}));
    assert_eq!(mutations::delivery_invoices(&name(), &delivered).unwrap(), vec!["NF-2"]);
    let now = Utc.with_ymd_and_hms(2024, 3, 1, 8, 5, 59).unwrap();
    assert_eq!(
        serde_json::to_value(mutations::delivered_request(now)).unwrap(),
        json!({"isDelivered": true, "deliveredDate": "2024-03-01 08:05", "events": []})
    );
}

// Cancellation is refused before any call for invoiced, partially invoiced, cancelled and incomplete
// orders; allowed otherwise.
#[test]
fn cancel_prechecks() {
    let refused = |order: &wire::VtexOrder| mutations::check_can_cancel(&name(), order).unwrap_err();
    let cases = [
        (with(json!({"status": "invoiced"})), "is invoiced"),
        (with(json!({"status": "canceled"})), "already cancelled"),
        (with(json!({"status": null})), "incomplete"),
        (
            with(
                json!({"status": "handling", "packageAttachment": {"packages": [{"type": "Output", "invoiceNumber": "1"}]}}),
            ),
            "partially invoiced",
        ),
    ];
    for (order, text) in &cases {
        let err = refused(order);
        assert!(
            matches!(&err, Error::InvalidStatusTransition { message, .. } if message.contains(text)),
            "{err:?}"
        );
    }
    assert!(mutations::check_can_cancel(&name(), &example()).is_ok());
    assert!(mutations::check_can_invoice(&name(), &example()).is_ok());
    assert!(mutations::check_can_invoice(&name(), &with(json!({"status": "canceled"}))).is_err());
}

// Capabilities and pushdown are what the contract's routing table says.
#[test]
fn declares_capabilities() {
    let backend = VtexBackend::new(name(), &config()).unwrap();
    let caps = backend.capabilities();
    assert_eq!(
        caps.update_status_to,
        vec![OrderStatus::Processing, OrderStatus::Shipped, OrderStatus::Delivered]
    );
    assert!(caps.cancel && !caps.refund_on_cancel && !caps.add_tags && !caps.remove_tags && !caps.link);
    assert_eq!(backend.max_page_size(), 100);
    let pushed = backend.pushdown();
    assert!(pushed.status && pushed.placed_range && pushed.tags && !pushed.customer_email);
}

// Filters that can match nothing answer an empty page without a call (the base URL is unreachable), and
// an undecodable cursor is bad user input.
#[tokio::test]
async fn impossible_filters_make_no_call() {
    let backend = VtexBackend::new(name(), &config()).unwrap();
    let request =
        |filter: OrderFilter| ListRequest { filter, page_size: 10, continuation: None, summaries: false };
    for filter in [
        OrderFilter { tags: vec!["vip".into()], ..OrderFilter::default() },
        OrderFilter { status: vec![OrderStatus::Returned], ..OrderFilter::default() },
        OrderFilter {
            placed_after: Some(DateTime::parse_from_rfc3339("2024-02-02T00:00:00Z").unwrap()),
            placed_before: Some(DateTime::parse_from_rfc3339("2024-02-01T00:00:00Z").unwrap()),
            ..OrderFilter::default()
        },
    ] {
        let page = backend.list_decoded(&request(filter)).await.unwrap();
        assert!(page.orders.is_empty() && page.next.is_none());
        assert_eq!(page.total, Some(0));
    }
    let bad = ListRequest {
        filter: OrderFilter::default(),
        page_size: 10,
        continuation: Some("zzz".into()),
        summaries: false,
    };
    assert!(matches!(backend.list(&bad).await, Err(Error::BadUserInput(_))));
    let out_of_range = util::encode_token(&Cursor { page: 31, ..Cursor::start(10) });
    let bad = ListRequest { continuation: Some(out_of_range), ..bad };
    assert!(matches!(backend.list(&bad).await, Err(Error::BadUserInput(_))));
}

// The status plan's parameter: `f_status` for exact natives, `f_invoicedDate` over all time (the documented
// range form) when only invoiced orders can match, nothing otherwise; the paging parameters stay as they are.
#[test]
fn status_plans_become_list_parameters() {
    let cursor = request::Cursor::start(20);
    let params = |plan: &status::StatusPlan| {
        request::list_query(&cursor, plan, None, None)
            .into_iter()
            .filter(|(key, _)| key.starts_with("f_"))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        params(&status::StatusPlan::Exact(vec!["canceled", "invoiced"])),
        vec![("f_status", "canceled,invoiced".to_string())]
    );
    assert_eq!(
        params(&status::StatusPlan::Invoiced),
        vec![(
            "f_invoicedDate",
            "invoicedDate:[1970-01-01T00:00:00.000Z TO 9999-12-31T23:59:59.999Z]".to_string()
        )]
    );
    assert!(params(&status::StatusPlan::Local).is_empty());
    let delivered = OrderFilter { status: vec![OrderStatus::Delivered], ..OrderFilter::default() };
    assert_eq!(status::plan(&delivered), status::StatusPlan::Invoiced);
    let paging: Vec<&str> = request::list_query(&cursor, &status::StatusPlan::Invoiced, None, None)
        .iter()
        .map(|(k, _)| *k)
        .collect();
    assert_eq!(paging, vec!["page", "per_page", "orderBy", "f_invoicedDate"]);
}
