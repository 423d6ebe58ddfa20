//! End-to-end: the adapter over real loopback HTTP against the VTEX sandbox (written independently from the
//! same vendor docs).

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};

use super::*;
use crate::config::Secret;
use crate::domain::{FulfillmentStatus, PaymentStatus, Shipment};
use crate::sandbox::{SANDBOX_CREDENTIAL, Sandbox, SandboxKind, SandboxOptions, start_local};

async fn sandbox(orders: usize) -> Sandbox {
    let opts = SandboxOptions { orders, seed: 7, latency: Duration::ZERO };
    start_local(SandboxKind::Vtex, opts).await.expect("sandbox starts")
}

fn backend_for(sandbox: &Sandbox, token: &str) -> VtexBackend {
    let config = BackendConfig {
        kind: BackendKind::Vtex,
        base_url: sandbox.base_url.clone(),
        timeout: Duration::from_secs(10),
        currency: None,
        max_concurrency: 8,
        max_response_bytes: crate::config::DEFAULT_MAX_RESPONSE_BYTES,
        credentials: BTreeMap::from([
            ("app_key".to_string(), Secret::new(SANDBOX_CREDENTIAL)),
            ("app_token".to_string(), Secret::new(token)),
        ]),
    };
    VtexBackend::new(BackendName::parse("shop-br").unwrap(), &config).unwrap()
}

/// Follows `next` to the end; also returns the first page's total.
async fn list_all(
    backend: &VtexBackend,
    filter: &OrderFilter,
    page_size: usize,
) -> (Vec<Order>, Option<u64>) {
    let mut out = Vec::new();
    let mut continuation = None;
    let mut total = None;
    for round in 0..5_000 {
        let request = ListRequest { filter: filter.clone(), page_size, continuation, summaries: false };
        let page = backend.list_decoded(&request).await.expect("list page");
        if round == 0 {
            total = page.total;
        }
        out.extend(page.orders);
        match page.next {
            Some(next) => continuation = Some(next),
            None => return (out, total),
        }
    }
    panic!("the listing did not end");
}

fn ids(orders: &[Order]) -> Vec<String> {
    orders.iter().map(|o| o.id.native.to_string()).collect()
}

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

// Listing past the 30-page cap (400 orders at 5 per page = 80 pages) returns every order exactly once,
// newest first, the same as one listing at 100 per page, whose total is exact; never a page above 30.
#[tokio::test]
async fn lists_everything_newest_first_past_the_page_cap() {
    let sandbox = sandbox(400).await;
    let backend = backend_for(&sandbox, SANDBOX_CREDENTIAL);
    let (small, small_total) = list_all(&backend, &OrderFilter::default(), 5).await;
    let (large, large_total) = list_all(&backend, &OrderFilter::default(), 100).await;
    assert_eq!(small.len(), 400);
    assert_eq!(ids(&small), ids(&large));
    assert_eq!(small.iter().map(|o| o.id.clone()).collect::<HashSet<_>>().len(), 400, "an order came twice");
    assert!(small.windows(2).all(|w| w[0].placed_at >= w[1].placed_at), "not newest first");
    assert_eq!(large_total, Some(400));
    assert_eq!(small_total, None, "80 pages need a slide: paging.total is only the window's");
    let max_page = sandbox
        .control
        .requests()
        .iter()
        .filter_map(|r| r.query.as_deref())
        .flat_map(|q| q.split('&'))
        .filter_map(|kv| kv.strip_prefix("page="))
        .filter_map(|p| p.parse::<u32>().ok())
        .max();
    assert!(max_page.is_some_and(|p| p <= 30), "asked for page {max_page:?}");
    let slid = sandbox
        .control
        .requests()
        .iter()
        .filter_map(|r| r.query.clone())
        .any(|q| q.contains("f_creationDate"));
    assert!(slid, "80 pages were served without a window slide");
    // Re-asking the same page gives the same page.
    let request =
        ListRequest { filter: OrderFilter::default(), page_size: 7, continuation: None, summaries: false };
    let first = backend.list_decoded(&request).await.unwrap();
    let again = backend
        .list_decoded(&ListRequest { continuation: first.next.clone(), ..request.clone() })
        .await
        .unwrap();
    let again2 =
        backend.list_decoded(&ListRequest { continuation: first.next.clone(), ..request }).await.unwrap();
    assert_eq!(ids(&again.orders), ids(&again2.orders));
}

// Full orders by id agree with their list rows; unknown ids are left out.
#[tokio::test]
async fn gets_full_orders_by_id() {
    let sandbox = sandbox(40).await;
    let backend = backend_for(&sandbox, SANDBOX_CREDENTIAL);
    let (rows, _) = list_all(&backend, &OrderFilter::default(), 100).await;
    let mut wanted: Vec<NativeOrderId> = rows.iter().take(10).map(|o| o.id.native.clone()).collect();
    wanted.push(NativeOrderId::new("does-not-exist-01"));
    let full = backend.get_many(&wanted).await.unwrap();
    assert_eq!(full.len(), 10);
    for order in &full {
        assert!(order.known.is_full());
        let row = rows.iter().find(|r| r.id == order.id).expect("listed");
        assert_eq!(
            (&row.status, row.placed_at, &row.number, &row.currency),
            (&order.status, order.placed_at, &order.number, &order.currency)
        );
        if row.known.total {
            assert_eq!(row.totals.total, order.totals.total, "{}", order.id);
        }
        assert!(!order.line_items.is_empty(), "{} has no items", order.id);
        let lines: rust_decimal::Decimal = order.line_items.iter().map(|l| l.total.amount).sum();
        assert!(lines >= rust_decimal::Decimal::ZERO);
        assert!(order.customer.as_ref().is_some_and(|c| c.email.is_some()));
    }
}

// Every filter the adapter declares gives the same orders as the engine's own filtering of the full listing.
#[tokio::test]
async fn pushed_down_filters_match_engine_filtering() {
    let sandbox = sandbox(300).await;
    let backend = backend_for(&sandbox, SANDBOX_CREDENTIAL);
    let (all, _) = list_all(&backend, &OrderFilter::default(), 100).await;
    let mid = all[all.len() / 2].placed_at;
    let late = all[all.len() / 5].placed_at;
    let filters = vec![
        OrderFilter { status: vec![OrderStatus::Processing], ..OrderFilter::default() },
        OrderFilter { status: vec![OrderStatus::Cancelled], ..OrderFilter::default() },
        OrderFilter { status: vec![OrderStatus::Pending, OrderStatus::Confirmed], ..OrderFilter::default() },
        OrderFilter { payment_status: vec![PaymentStatus::Voided], ..OrderFilter::default() },
        OrderFilter { fulfillment_status: vec![FulfillmentStatus::Fulfilled], ..OrderFilter::default() },
        OrderFilter { placed_after: Some(mid), ..OrderFilter::default() },
        OrderFilter { placed_before: Some(mid), ..OrderFilter::default() },
        OrderFilter { placed_after: Some(mid), placed_before: Some(late), ..OrderFilter::default() },
        OrderFilter {
            status: vec![OrderStatus::Shipped],
            placed_before: Some(late),
            ..OrderFilter::default()
        },
        OrderFilter { placed_after: Some(at("2999-01-01T00:00:00Z")), ..OrderFilter::default() },
    ];
    let none = FilterPushdown::default();
    let mut non_empty = 0;
    for filter in filters {
        let expected: Vec<String> =
            ids(&all.iter().filter(|o| filter.matches(o, &none)).cloned().collect::<Vec<_>>());
        non_empty += usize::from(!expected.is_empty());
        for page_size in [3, 100] {
            let (got, total) = list_all(&backend, &filter, page_size).await;
            assert_eq!(ids(&got), expected, "{filter:?} at {page_size}");
            if let Some(total) = total {
                assert_eq!(total as usize, expected.len(), "{filter:?} total");
            }
        }
    }
    assert!(non_empty >= 8, "the seed data leaves the filters vacuous");
    // The server really narrowed: exact f_status and the date window were sent.
    let queries: Vec<String> = sandbox.control.requests().into_iter().filter_map(|r| r.query).collect();
    assert!(queries.iter().any(|q| q.contains("f_status=canceled")), "no f_status sent");
    assert!(queries.iter().any(|q| q.contains("f_creationDate=creationDate")), "no f_creationDate sent");
}

// `q` only narrows for the e-mail filter (not declared): every order with that e-mail is in its answer.
#[tokio::test]
async fn email_narrowing_is_a_superset() {
    let sandbox = sandbox(60).await;
    let backend = backend_for(&sandbox, SANDBOX_CREDENTIAL);
    let (all, _) = list_all(&backend, &OrderFilter::default(), 100).await;
    let wanted: Vec<NativeOrderId> = all.iter().map(|o| o.id.native.clone()).collect();
    let full = backend.get_many(&wanted).await.unwrap();
    let email = full.iter().find_map(|o| o.customer.as_ref()?.email.clone()).expect("an e-mail");
    let filter = OrderFilter { customer_email: Some(email.to_uppercase()), ..OrderFilter::default() };
    let (narrowed, total) = list_all(&backend, &filter, 100).await;
    assert_eq!(total, None);
    let narrowed: HashSet<String> = ids(&narrowed).into_iter().collect();
    let none = FilterPushdown::default();
    let matching: Vec<&Order> = full.iter().filter(|o| filter.matches(o, &none)).collect();
    assert!(!matching.is_empty());
    for order in matching {
        assert!(narrowed.contains(order.id.native.as_str()), "{} lost by q", order.id);
    }
}

async fn first_with(backend: &VtexBackend, native: &str) -> Option<Order> {
    let (all, _) = list_all(backend, &OrderFilter::default(), 100).await;
    all.into_iter().find(|o| o.status.native == native)
}

async fn reload(backend: &VtexBackend, id: &NativeOrderId) -> Order {
    backend.get_many(std::slice::from_ref(id)).await.unwrap().pop().expect("order exists")
}

// The mutation flow: start handling, ship by invoice, deliver by tracking; the refusals are typed, and
// the ones checked locally make no call.
#[tokio::test]
async fn mutations_change_the_order() {
    let sandbox = sandbox(200).await;
    let backend = backend_for(&sandbox, SANDBOX_CREDENTIAL);
    let order = first_with(&backend, "ready-for-handling").await.expect("a ready-for-handling order");
    let id = order.id.native.clone();
    let change = |status, shipment| StatusChange { status, reason: None, shipment };

    // DELIVERED before any invoice: refused.
    let err = backend.update_status(&id, &change(OrderStatus::Delivered, None)).await.unwrap_err();
    assert!(matches!(err, Error::InvalidStatusTransition { .. }), "{err:?}");

    backend.update_status(&id, &change(OrderStatus::Processing, None)).await.unwrap();
    assert_eq!(reload(&backend, &id).await.status.native, "handling");
    // Again: VTEX answers 409 OMS003.
    let err = backend.update_status(&id, &change(OrderStatus::Processing, None)).await.unwrap_err();
    assert!(matches!(err, Error::InvalidStatusTransition { .. }), "{err:?}");

    // SHIPPED without an invoice number: no call at all.
    let before = sandbox.control.request_count();
    let err = backend
        .update_status(&id, &change(OrderStatus::Shipped, Some(Shipment::default())))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(sandbox.control.request_count(), before);

    let shipment = Shipment {
        carrier: Some("Correios".into()),
        tracking_number: Some("BR123456".into()),
        tracking_url: Some("https://track.example/BR123456".into()),
        invoice_number: Some("NF-2024-1".into()),
        shipped_at: Some(at("2026-01-10T09:00:00-03:00")),
    };
    backend.update_status(&id, &change(OrderStatus::Shipped, Some(shipment))).await.unwrap();
    let shipped = reload(&backend, &id).await;
    assert_eq!(shipped.status.native, "invoiced");
    assert_eq!(shipped.status.order, OrderStatus::Shipped);
    assert!(
        shipped.tracking.iter().any(|t| t.number.as_deref() == Some("BR123456")),
        "{:?}",
        shipped.tracking
    );

    backend.update_status(&id, &change(OrderStatus::Delivered, None)).await.unwrap();
    let delivered = reload(&backend, &id).await;
    assert_eq!(delivered.status.native, "invoiced", "the API status stays invoiced");
    let sent = sandbox.control.requests();
    let tracking = sent.iter().rev().find(|r| r.method == "PUT").expect("tracking call");
    assert!(tracking.path.ends_with("/invoice/NF-2024-1/tracking"), "{}", tracking.path);
    assert!(tracking.body.contains("\"isDelivered\":true"), "{}", tracking.body);

    // Cancelling the invoiced order: refused locally, no cancel call.
    let cancellation = Cancellation {
        reason: "customer asked".into(),
        refund_amount: None,
        notify_customer: true,
        restock: true,
    };
    let err = backend.cancel(&id, &cancellation).await.unwrap_err();
    assert!(matches!(err, Error::InvalidStatusTransition { .. }), "{err:?}");
    assert_eq!(sandbox.control.count_matching("POST", &format!("/api/oms/pvt/orders/{id}/cancel")), 0);
}

// Cancelling a cancellable order makes it cancelled.
#[tokio::test]
async fn cancel_cancels() {
    let sandbox = sandbox(200).await;
    let backend = backend_for(&sandbox, SANDBOX_CREDENTIAL);
    let order = first_with(&backend, "ready-for-handling").await.expect("a ready-for-handling order");
    let id = order.id.native.clone();
    let cancellation = Cancellation {
        reason: "out of stock".into(),
        refund_amount: None,
        notify_customer: true,
        restock: true,
    };
    backend.cancel(&id, &cancellation).await.unwrap();
    let cancelled = reload(&backend, &id).await;
    assert_eq!(cancelled.status.order, OrderStatus::Cancelled, "{:?}", cancelled.status);
    let call =
        sandbox.control.requests().into_iter().find(|r| r.path.ends_with("/cancel")).expect("cancel call");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&call.body).unwrap(),
        serde_json::json!({"reason": "out of stock"})
    );
    // Unknown order: NotFound.
    let err = backend.cancel(&NativeOrderId::new("nope-01"), &cancellation).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

// Bad credentials: the sandbox's 401 becomes Unauthenticated, with no secret in the message.
#[tokio::test]
async fn bad_credentials_are_unauthenticated() {
    let sandbox = sandbox(5).await;
    let backend = backend_for(&sandbox, "wrong-token");
    let err = backend
        .list(&ListRequest {
            filter: OrderFilter::default(),
            page_size: 10,
            continuation: None,
            summaries: false,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthenticated { status: 401, .. }), "{err:?}");
    assert!(!err.to_string().contains("wrong-token"));
    let err = backend.get_many(&[NativeOrderId::new("x-01")]).await.unwrap_err();
    assert!(matches!(err, Error::Unauthenticated { .. }), "{err:?}");
}
