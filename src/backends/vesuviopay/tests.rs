//! Request bodies, capabilities and construction (calls over HTTP are in `tests/adapters/vesuviopay.rs`).

use chrono::DateTime;
use pretty_assertions::assert_eq;
use rust_decimal::Decimal;
use serde_json::json;

use super::*;
use crate::domain::Shipment;

fn config(currency: Option<&str>) -> BackendConfig {
    let currency = currency.map(|c| format!("currency = \"{c}\"\n")).unwrap_or_default();
    let text = format!(
        "[backends.ves]\nkind = \"vesuviopay\"\nbase_url = \"http://127.0.0.1:9\"\n{currency}api_key = \"sk_x\"\n"
    );
    let parsed = crate::config::Config::parse(&text, &|_| None);
    match parsed {
        Ok(config) => config.backends.into_values().next().unwrap(),
        // Config validation refuses a missing currency itself; build the entry by hand to test `new`.
        Err(_) => {
            let mut config = crate::config::Config::parse(
                &text.replace("api_key", "currency = \"EUR\"\napi_key"),
                &|_| None,
            )
            .unwrap()
            .backends
            .into_values()
            .next()
            .unwrap();
            config.currency = None;
            config
        }
    }
}

// The adapter needs its currency; with one it builds and declares what VesuvioPay can do.
#[test]
fn construction_and_capabilities() {
    let name = BackendName::parse("ves").unwrap();
    let err = VesuvioPayBackend::new(name.clone(), &config(None)).unwrap_err();
    assert!(matches!(&err, Error::Config(lines) if lines[0].contains("backends.ves.currency")), "{err:?}");
    let backend = VesuvioPayBackend::new(name, &config(Some("EUR"))).unwrap();
    assert_eq!(backend.kind(), BackendKind::Vesuviopay);
    assert_eq!(backend.max_page_size(), 50);
    let capabilities = backend.capabilities();
    assert_eq!(
        capabilities.update_status_to,
        vec![
            OrderStatus::Pending,
            OrderStatus::Confirmed,
            OrderStatus::Processing,
            OrderStatus::Shipped,
            OrderStatus::PartiallyShipped,
            OrderStatus::Delivered,
            OrderStatus::PartiallyDelivered,
            OrderStatus::Refunded,
        ]
    );
    assert!(capabilities.cancel && capabilities.refund_on_cancel && capabilities.link);
    assert!(!capabilities.add_tags && !capabilities.remove_tags);
    let pushed = backend.pushdown();
    assert!(pushed.status && pushed.payment_status && pushed.fulfillment_status);
    assert!(pushed.placed_range && pushed.customer_email && pushed.tags);
    assert!(!format!("{backend:?}").contains("sk_x"), "the key leaks in Debug");
    // The transition table is checked before status changes, not before a cancel (any status may cancel).
    assert!(backend.checks_transition(Transition::To(OrderStatus::Pending)));
    assert!(!backend.checks_transition(Transition::Cancel));
    let delivered = crate::domain::Status::new(
        OrderStatus::Delivered,
        crate::domain::PaymentStatus::Paid,
        crate::domain::FulfillmentStatus::Fulfilled,
        "Delivered",
    );
    let why = backend.refusal(&delivered, Transition::To(OrderStatus::Pending)).expect("refused");
    assert!(why.contains("only to CANCELLED, REFUNDED"), "{why}");
    assert_eq!(backend.refusal(&delivered, Transition::To(OrderStatus::Refunded)), None);
}

// The status body: PascalCase status, the reason, and the shipment in `metadata`.
#[test]
fn status_bodies() {
    let change = StatusChange {
        status: OrderStatus::Shipped,
        reason: Some("Order dispatched via FedEx".into()),
        shipment: Some(Shipment {
            carrier: Some("FedEx".into()),
            tracking_number: Some("FDX123456789".into()),
            tracking_url: None,
            invoice_number: Some("  ".into()),
            shipped_at: Some(DateTime::parse_from_rfc3339("2025-10-09T08:00:00+02:00").unwrap()),
        }),
    };
    assert_eq!(
        status_body(&NativeStatus::Shipped, &change),
        json!({
            "status": "Shipped",
            "statusChangeReason": "Order dispatched via FedEx",
            "metadata": {"trackingNumber": "FDX123456789", "carrier": "FedEx",
                "shippedAt": "2025-10-09T08:00:00+02:00"}
        })
    );
    let bare = StatusChange { status: OrderStatus::PartiallyDelivered, reason: None, shipment: None };
    assert_eq!(
        status_body(&NativeStatus::PartiallyDelivered, &bare),
        json!({"status": "PartiallyDelivered"})
    );
}

// The cancel body: exact decimal refund, or null for none; both flags as given.
#[test]
fn cancel_bodies() {
    let mut cancellation = Cancellation {
        reason: "Customer requested cancellation".into(),
        refund_amount: Some(Decimal::new(69780, 3)),
        notify_customer: true,
        restock: false,
    };
    let body = cancel_body(&cancellation).unwrap();
    assert_eq!(
        body.to_string(),
        r#"{"cancellationReason":"Customer requested cancellation","refundAmount":69.78,"notifyCustomer":true,"restockItems":false}"#
    );
    cancellation.refund_amount = None;
    assert_eq!(cancel_body(&cancellation).unwrap()["refundAmount"], Value::Null);
    cancellation.refund_amount = Some(Decimal::new(1, 28));
    assert_eq!(
        cancel_body(&cancellation).unwrap()["refundAmount"].to_string(),
        "0.0000000000000000000000000001"
    );
}

// The documented cancel and link answers are successful envelopes.
#[test]
fn documented_mutation_answers() {
    for text in [fixtures::CANCEL_RESPONSE, fixtures::LINK_RESPONSE] {
        let value: Value = serde_json::from_str(text).unwrap();
        let envelope: wire::Envelope<Value> =
            crate::backends::decode::decode(&BackendName::parse("ves").unwrap(), &value).unwrap();
        assert_eq!(envelope.success, Some(true));
        assert!(envelope.message.is_some());
        assert!(envelope.data["orderId"].is_string());
    }
}

// A malformed continuation token is bad user input, before any call.
#[tokio::test]
async fn bad_token_is_bad_input() {
    let backend = VesuvioPayBackend::new(BackendName::parse("ves").unwrap(), &config(Some("EUR"))).unwrap();
    let request = ListRequest {
        filter: Default::default(),
        page_size: 10,
        continuation: Some("not a token".into()),
        summaries: false,
    };
    assert!(matches!(backend.list(&request).await.unwrap_err(), Error::BadUserInput(_)));
}

// A filter no VesuvioPay order can match answers an empty page with total 0 and no call (the base URL is dead).
#[tokio::test]
async fn impossible_filters_make_no_call() {
    let backend = VesuvioPayBackend::new(BackendName::parse("ves").unwrap(), &config(Some("EUR"))).unwrap();
    for filter in [
        crate::domain::OrderFilter { tags: vec!["vip".into()], ..Default::default() },
        crate::domain::OrderFilter {
            status: vec![OrderStatus::Returned, OrderStatus::Closed],
            ..Default::default()
        },
    ] {
        let page = backend
            .list_decoded(&ListRequest { filter, page_size: 10, continuation: None, summaries: false })
            .await
            .unwrap();
        assert!(page.orders.is_empty() && page.next.is_none());
        assert_eq!(page.total, Some(0));
    }
}
