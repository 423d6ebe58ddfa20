//! The adapter against the VesuvioPay sandbox over real loopback HTTP (the sandbox is written from the docs
//! independently, so the two readings check each other).

use std::collections::HashSet;
use std::time::Duration;

use rust_decimal::Decimal;

use ordergraph::backends::vesuviopay::VesuvioPayBackend;
use ordergraph::config::Secret;
use ordergraph::demo::backend_config;
use ordergraph::domain::{
    BackendName, Cancellation, FilterPushdown, FulfillmentStatus, Link, ListRequest, NativeOrderId, Order,
    OrderBackend, OrderFilter, OrderStatus, PaymentStatus, Shipment, StatusChange,
};
use ordergraph::error::Error;
use ordergraph::sandbox::{Sandbox, SandboxKind, SandboxOptions, start_local};

async fn setup(orders: usize) -> (Sandbox, VesuvioPayBackend) {
    let opts = SandboxOptions { orders, seed: 7, latency: Duration::ZERO };
    let sandbox = start_local(SandboxKind::Vesuviopay, opts).await.expect("sandbox starts");
    let backend =
        VesuvioPayBackend::new(BackendName::parse("ves").unwrap(), &backend_config(&sandbox)).unwrap();
    (sandbox, backend)
}

/// Lists to the end with `filter`; returns the orders and the first page's total.
async fn list_all(
    backend: &VesuvioPayBackend,
    filter: &OrderFilter,
    page_size: usize,
) -> (Vec<Order>, Option<u64>) {
    let mut all = Vec::new();
    let mut continuation = None;
    let mut total = None;
    for page_number in 0..1000 {
        let request = ListRequest {
            filter: filter.clone(),
            page_size,
            continuation: continuation.clone(),
            summaries: false,
        };
        let page = backend.list_decoded(&request).await.expect("list page");
        assert!(page.orders.len() <= page_size);
        if page_number == 0 {
            total = page.total;
        }
        // The same request gives the same page.
        let again = backend.list_decoded(&request).await.expect("list page again");
        assert_eq!(ids(&again.orders), ids(&page.orders));
        all.extend(page.orders);
        match page.next {
            Some(next) => continuation = Some(next),
            None => return (all, total),
        }
    }
    panic!("the list never ended");
}

fn ids(orders: &[Order]) -> Vec<String> {
    orders.iter().map(|o| o.id.native.to_string()).collect()
}

/// The same orders, each once, newest first (ties in any order).
fn assert_same_listing(got: &[Order], expected: &[Order], context: &str) {
    let mut got_ids = ids(got);
    got_ids.sort();
    let mut expected_ids = ids(expected);
    expected_ids.sort();
    assert_eq!(got_ids, expected_ids, "{context}");
    let unique: HashSet<_> = got.iter().map(|o| o.id.clone()).collect();
    assert_eq!(unique.len(), got.len(), "an order came twice: {context}");
    assert!(got.windows(2).all(|w| w[0].placed_at >= w[1].placed_at), "not newest first: {context}");
}

fn find(orders: &[Order], status: &str) -> Order {
    orders.iter().find(|o| o.status.native.eq_ignore_ascii_case(status)).cloned().unwrap_or_else(|| {
        panic!("the sandbox seeded no {status} order");
    })
}

// Listing past the 50-per-call limit reaches every order once, newest first, with the exact total.
#[tokio::test]
async fn lists_every_order_once_newest_first() {
    let (_sandbox, backend) = setup(130).await;
    for page_size in [7, 50] {
        let (all, total) = list_all(&backend, &OrderFilter::default(), page_size).await;
        assert_eq!(all.len(), 130, "page size {page_size}");
        assert_eq!(total, Some(130));
        assert_same_listing(&all, &all, &format!("page size {page_size}"));
        assert!(all.iter().all(|o| o.known.total && !o.known.is_full() && o.currency == "EUR"));
    }
}

// Get by internal and external id gives the full order; unknown ids are left out.
#[tokio::test]
async fn gets_by_either_id() {
    let (_sandbox, backend) = setup(40).await;
    let (rows, _) = list_all(&backend, &OrderFilter::default(), 50).await;
    let linked = rows.iter().find(|o| o.external_order_id.is_some()).expect("a linked order");
    let external = NativeOrderId::new(linked.external_order_id.clone().unwrap());
    let found =
        backend.get_many(&[linked.id.native.clone(), NativeOrderId::new("no-such-order")]).await.unwrap();
    assert_eq!(found.len(), 1);
    let full = &found[0];
    assert!(full.known.is_full());
    assert!(!full.line_items.is_empty());
    assert!(full.shipping_address.is_some());
    assert_eq!(full.totals.total, linked.totals.total);
    assert_eq!(full.status, linked.status);
    assert_eq!(
        full.customer.as_ref().and_then(|c| c.email.clone()),
        linked.customer.as_ref().and_then(|c| c.email.clone())
    );
    let line_sum: Decimal = full.line_items.iter().map(|l| l.total.amount).sum();
    assert_eq!(line_sum, full.totals.subtotal.amount, "items add up to the subtotal");
    let by_external = backend.get_many(&[external]).await.unwrap();
    assert_eq!(by_external.len(), 1);
    assert_eq!(by_external[0].id, full.id);
}

// Filters the adapter applies give what the engine's own filtering of the full list gives.
#[tokio::test]
async fn pushed_filters_equal_engine_filtering() {
    let (_sandbox, backend) = setup(120).await;
    let (all, _) = list_all(&backend, &OrderFilter::default(), 50).await;
    let middle = all[all.len() / 2].placed_at;
    let late = all[all.len() / 5].placed_at;
    let email = all[3].customer.as_ref().and_then(|c| c.email.clone()).unwrap().to_uppercase();
    let filters = [
        OrderFilter { status: vec![OrderStatus::Shipped], ..OrderFilter::default() },
        OrderFilter { status: vec![OrderStatus::Pending, OrderStatus::Delivered], ..OrderFilter::default() },
        OrderFilter { payment_status: vec![PaymentStatus::Paid], ..OrderFilter::default() },
        OrderFilter { fulfillment_status: vec![FulfillmentStatus::Cancelled], ..OrderFilter::default() },
        OrderFilter { placed_after: Some(middle), ..OrderFilter::default() },
        OrderFilter {
            placed_before: Some(middle),
            placed_after: Some(all[all.len() - 10].placed_at),
            ..OrderFilter::default()
        },
        OrderFilter {
            placed_after: Some(middle),
            placed_before: Some(late),
            status: vec![OrderStatus::Confirmed],
            ..OrderFilter::default()
        },
        OrderFilter { customer_email: Some(email), ..OrderFilter::default() },
        OrderFilter { tags: vec!["vip".into()], ..OrderFilter::default() },
    ];
    for filter in &filters {
        let expected: Vec<Order> =
            all.iter().filter(|o| filter.matches(o, &FilterPushdown::default())).cloned().collect();
        let (got, total) = list_all(&backend, filter, 9).await;
        assert_same_listing(&got, &expected, &format!("{filter:?}"));
        if let Some(total) = total {
            assert_eq!(total, expected.len() as u64, "total of {filter:?}");
        }
    }
}

// Status changes follow the transition table: allowed ones reach the sandbox with reason and shipment,
// refused ones never do.
#[tokio::test]
async fn updates_status_along_the_table() {
    let (sandbox, backend) = setup(60).await;
    let (all, _) = list_all(&backend, &OrderFilter::default(), 50).await;
    let pending = find(&all, "Pending");
    let confirm =
        StatusChange { status: OrderStatus::Confirmed, reason: Some("paid".into()), shipment: None };
    backend.update_status(&pending.id.native, &confirm).await.unwrap();
    let after = backend.get_many(std::slice::from_ref(&pending.id.native)).await.unwrap();
    assert_eq!(after[0].status.order, OrderStatus::Confirmed);

    let puts = sandbox.control.count_matching("PUT", "/api/v1/orders");
    let skip = StatusChange { status: OrderStatus::Delivered, reason: None, shipment: None };
    match backend.update_status(&pending.id.native, &skip).await.unwrap_err() {
        Error::InvalidStatusTransition { message, .. } => {
            assert!(
                message.ends_with("lead from \"Confirmed\" only to PROCESSING, CANCELLED, REFUNDED"),
                "{message}"
            )
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(sandbox.control.count_matching("PUT", "/api/v1/orders"), puts, "a refused change was sent");

    let processing = find(&all, "Processing");
    let ship = StatusChange {
        status: OrderStatus::Shipped,
        reason: Some("dispatched".into()),
        shipment: Some(Shipment {
            carrier: Some("FedEx".into()),
            tracking_number: Some("FDX123456789".into()),
            ..Shipment::default()
        }),
    };
    backend.update_status(&processing.id.native, &ship).await.unwrap();
    let sent = sandbox.control.requests().into_iter().rev().find(|r| r.method == "PUT").unwrap();
    assert!(sent.path.ends_with("/status"), "{}", sent.path);
    let body: serde_json::Value = serde_json::from_str(&sent.body).unwrap();
    assert_eq!(body["status"], "Shipped");
    assert_eq!(body["statusChangeReason"], "dispatched");
    assert_eq!(body["metadata"]["trackingNumber"], "FDX123456789");
    assert_eq!(body["metadata"]["carrier"], "FedEx");
    let shipped = backend.get_many(std::slice::from_ref(&processing.id.native)).await.unwrap();
    assert_eq!(shipped[0].status.order, OrderStatus::Shipped);

    let missing = backend.update_status(&NativeOrderId::new("no-such-order"), &confirm).await.unwrap_err();
    assert!(matches!(missing, Error::NotFound { .. }), "{missing:?}");
}

// Cancel sends the reason, an exact refund amount and the flags; the order ends Cancelled.
#[tokio::test]
async fn cancels_with_refund() {
    let (sandbox, backend) = setup(40).await;
    let (all, _) = list_all(&backend, &OrderFilter::default(), 50).await;
    let confirmed = find(&all, "Confirmed");
    let cancellation = Cancellation {
        reason: "Customer requested cancellation".into(),
        refund_amount: Some(Decimal::new(1250, 2)),
        notify_customer: false,
        restock: true,
    };
    backend.cancel(&confirmed.id.native, &cancellation).await.unwrap();
    let sent = sandbox.control.requests().into_iter().rev().find(|r| r.method == "PUT").unwrap();
    assert!(sent.path.ends_with("/cancel"), "{}", sent.path);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&sent.body).unwrap(),
        serde_json::json!({"cancellationReason": "Customer requested cancellation", "refundAmount": 12.5,
            "notifyCustomer": false, "restockItems": true})
    );
    let after = backend.get_many(std::slice::from_ref(&confirmed.id.native)).await.unwrap();
    assert_eq!(after[0].status.order, OrderStatus::Cancelled);
    assert_eq!(after[0].status.fulfillment, FulfillmentStatus::Cancelled);
}

// Link is write-once on the internal id: set once, same id again is a no-call success, another is CONFLICT.
#[tokio::test]
async fn links_once() {
    let (sandbox, backend) = setup(60).await;
    let (all, _) = list_all(&backend, &OrderFilter::default(), 50).await;
    let linked = all.iter().find(|o| o.external_order_id.is_some()).expect("a linked order");
    let other = Link { external_order_id: "shopify_order_99999".into(), platform: Some("Shopify".into()) };
    let err = backend.link(&linked.id.native, &other).await.unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err:?}");

    let Some(unlinked) = all.iter().find(|o| o.external_order_id.is_none()) else {
        panic!("the sandbox seeded no unlinked order");
    };
    backend.link(&unlinked.id.native, &other).await.unwrap();
    let after = backend.get_many(std::slice::from_ref(&unlinked.id.native)).await.unwrap();
    assert_eq!(after[0].external_order_id.as_deref(), Some("shopify_order_99999"));
    assert_eq!(after[0].external_platform.as_deref(), Some("Shopify"));
    let puts = sandbox.control.count_matching("PUT", "/api/v1/orders");
    // By the external id now, same link: success without a call.
    backend.link(&NativeOrderId::new("shopify_order_99999"), &other).await.unwrap();
    assert_eq!(sandbox.control.count_matching("PUT", "/api/v1/orders"), puts);
    let again = Link { external_order_id: "woo_1".into(), platform: None };
    assert!(matches!(backend.link(&unlinked.id.native, &again).await.unwrap_err(), Error::Conflict { .. }));
}

// Bad credentials are the sandbox's 401 → UNAUTHENTICATED; 429 → RATE_LIMITED.
#[tokio::test]
async fn auth_and_rate_limit_errors() {
    let (sandbox, _) = setup(5).await;
    let mut config = backend_config(&sandbox);
    config.credentials.insert("api_key".into(), Secret::new("sk_wrong"));
    let backend = VesuvioPayBackend::new(BackendName::parse("ves").unwrap(), &config).unwrap();
    let request =
        ListRequest { filter: OrderFilter::default(), page_size: 5, continuation: None, summaries: false };
    let err = backend.list(&request).await.unwrap_err();
    assert!(matches!(err, Error::Unauthenticated { status: 401, .. }), "{err:?}");
    assert!(!err.to_string().contains("sk_wrong"));

    let backend =
        VesuvioPayBackend::new(BackendName::parse("ves").unwrap(), &backend_config(&sandbox)).unwrap();
    sandbox.control.set_rate_limited(true);
    let err = backend.list(&request).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    sandbox.control.clear_faults();
    assert!(backend.list(&request).await.is_ok());
}
