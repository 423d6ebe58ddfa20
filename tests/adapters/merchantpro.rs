//! End to end over real loopback HTTP: the adapter against the MerchantPro sandbox (written independently from
//! the same vendor docs).

use std::collections::HashSet;

use serde_json::Value;

use ordergraph::backends::merchantpro::MerchantProBackend;
use ordergraph::config::Secret;
use ordergraph::demo::backend_config;
use ordergraph::domain::{
    BackendName, Cancellation, FilterPushdown, FulfillmentStatus, ListRequest, NativeOrderId, Order,
    OrderBackend, OrderFilter, OrderStatus, PaymentStatus, Shipment, StatusChange,
};
use ordergraph::error::Error;
use ordergraph::sandbox::{Sandbox, SandboxKind, SandboxOptions, start_local};
use serde_json::json;

async fn setup(orders: usize) -> (Sandbox, MerchantProBackend) {
    let options = SandboxOptions { orders, seed: 7, latency: std::time::Duration::ZERO };
    let sandbox = start_local(SandboxKind::Merchantpro, options).await.expect("sandbox starts");
    let backend = MerchantProBackend::new(BackendName::parse("mp").unwrap(), &backend_config(&sandbox))
        .expect("adapter");
    (sandbox, backend)
}

/// Every order matching `filter`, page after page, with the page totals seen.
async fn list_all(
    backend: &MerchantProBackend,
    filter: &OrderFilter,
    page_size: usize,
) -> (Vec<Order>, Option<u64>) {
    let mut orders = Vec::new();
    let mut continuation = None;
    let mut first_total = None;
    for page_number in 0.. {
        let page = backend
            .list_decoded(&ListRequest {
                filter: filter.clone(),
                page_size,
                continuation: continuation.clone(),
                summaries: false,
            })
            .await
            .unwrap_or_else(|e| panic!("page {page_number} of {filter:?}: {e}"));
        if page_number == 0 {
            first_total = page.total;
        }
        orders.extend(page.orders);
        match page.next {
            Some(next) => continuation = Some(next),
            None => break,
        }
        assert!(page_number < 1000, "paging does not end");
    }
    (orders, first_total)
}

fn ids(orders: &[Order]) -> Vec<String> {
    orders.iter().map(|o| o.id.native.to_string()).collect()
}

// Listing to the end gives every order once, newest first, full, and as many as meta.count.total says.
#[tokio::test]
async fn lists_to_the_end() {
    let (_sandbox, backend) = setup(130).await;
    let (orders, total) = list_all(&backend, &OrderFilter::default(), 40).await;
    assert_eq!(orders.len(), 130);
    assert_eq!(total, Some(130));
    let unique: HashSet<_> = ids(&orders).into_iter().collect();
    assert_eq!(unique.len(), orders.len(), "an order came twice");
    assert!(orders.windows(2).all(|w| w[0].placed_at >= w[1].placed_at), "not newest first");
    assert!(orders.iter().all(|o| o.known.is_full() && !o.line_items.is_empty()));
    for order in &orders {
        // The discount is the net of the non-product rows: the sandbox's total_amount is the gross rows plus
        // shipping_amount (VAT included), as in the documented examples.
        let rows = order.native["line_items"].as_array().unwrap();
        let adjustments: rust_decimal::Decimal = rows
            .iter()
            .filter(|r| r["item_type"].as_str().is_some_and(|t| t != "product"))
            .map(|r| r["line_subtotal_net"].to_string().parse::<rust_decimal::Decimal>().unwrap())
            .sum();
        assert_eq!(order.totals.discount.amount, -adjustments, "{}", order.id);
        let t = &order.totals;
        assert_eq!(
            t.subtotal.amount + t.shipping.amount + t.tax.amount - t.discount.amount,
            t.total.amount,
            "{}",
            order.id
        );
    }
    // The same request gives the same page; page size is clamped to 100; a foreign token is refused.
    let request =
        ListRequest { filter: OrderFilter::default(), page_size: 500, continuation: None, summaries: false };
    let (a, b) =
        (backend.list_decoded(&request).await.unwrap(), backend.list_decoded(&request).await.unwrap());
    assert_eq!(a.orders.len(), 100);
    assert_eq!(ids(&a.orders), ids(&b.orders));
    assert_eq!(a.next, b.next);
    let bad = ListRequest { continuation: Some("nope".into()), ..request };
    assert!(matches!(backend.list(&bad).await, Err(Error::BadUserInput(_))));
}

// get_many is one batch call, gives the same orders as the list, and leaves unknown ids out.
#[tokio::test]
async fn gets_by_id_in_one_call() {
    let (sandbox, backend) = setup(30).await;
    let (listed, _) = list_all(&backend, &OrderFilter::default(), 100).await;
    let mut wanted: Vec<NativeOrderId> = listed.iter().step_by(4).map(|o| o.id.native.clone()).collect();
    wanted.push(NativeOrderId::new("999999999"));
    wanted.push(NativeOrderId::new("1,2"));
    let before = sandbox.control.request_count();
    let got = backend.get_many(&wanted).await.unwrap();
    assert_eq!(sandbox.control.request_count() - before, 1, "one batch call");
    assert_eq!(got.len(), wanted.len() - 2);
    for order in &got {
        let from_list = listed.iter().find(|o| o.id == order.id).unwrap();
        assert_eq!(order, from_list);
    }
    assert!(backend.get_many(&[]).await.unwrap().is_empty());
}

// Every filter the adapter applies gives what the engine would have kept from the unfiltered list.
#[tokio::test]
async fn pushed_filters_match_engine_filtering() {
    let (_sandbox, backend) = setup(150).await;
    let (all, _) = list_all(&backend, &OrderFilter::default(), 100).await;
    let email = all.iter().find_map(|o| o.customer.as_ref()?.email.clone()).expect("an e-mail");
    let tags: Vec<String> = all.iter().flat_map(|o| o.tags.clone()).collect();
    let placed: Vec<_> = all.iter().map(|o| o.placed_at).collect();
    let mut filters = vec![
        OrderFilter { payment_status: vec![PaymentStatus::Paid], ..Default::default() },
        OrderFilter { payment_status: vec![PaymentStatus::Pending], ..Default::default() },
        OrderFilter {
            payment_status: vec![PaymentStatus::Voided, PaymentStatus::Refunded],
            ..Default::default()
        },
        OrderFilter { payment_status: vec![PaymentStatus::Authorized], ..Default::default() },
        OrderFilter { fulfillment_status: vec![FulfillmentStatus::Returned], ..Default::default() },
        OrderFilter { fulfillment_status: vec![FulfillmentStatus::Cancelled], ..Default::default() },
        OrderFilter { fulfillment_status: vec![FulfillmentStatus::Unfulfilled], ..Default::default() },
        OrderFilter {
            payment_status: vec![PaymentStatus::Paid],
            fulfillment_status: vec![FulfillmentStatus::Fulfilled],
            ..Default::default()
        },
        OrderFilter { status: vec![OrderStatus::Shipped], ..Default::default() },
        OrderFilter { status: vec![OrderStatus::Pending], ..Default::default() },
        OrderFilter { placed_after: Some(placed[placed.len() / 2]), ..Default::default() },
        OrderFilter { placed_before: Some(placed[placed.len() / 3]), ..Default::default() },
        OrderFilter { placed_after: Some(placed[40]), placed_before: Some(placed[10]), ..Default::default() },
        OrderFilter { customer_email: Some(email.clone()), ..Default::default() },
        OrderFilter { customer_email: Some(email.to_uppercase()), ..Default::default() },
    ];
    if let Some(tag) = tags.first() {
        filters.push(OrderFilter { tags: vec![tag.clone()], ..Default::default() });
        filters.push(OrderFilter { tags: vec![tag.to_uppercase()], ..Default::default() });
    }
    if let Some(other) = tags.iter().find(|t| Some(*t) != tags.first()) {
        filters.push(OrderFilter { tags: vec![tags[0].clone(), other.clone()], ..Default::default() });
    }
    let none = FilterPushdown::default();
    let pushdown = backend.pushdown();
    for filter in filters {
        let expected: Vec<String> =
            ids(&all.iter().filter(|o| filter.matches(o, &none)).cloned().collect::<Vec<_>>());
        let (pushed, total) = list_all(&backend, &filter, 25).await;
        // What the engine still applies: the fields not declared (the order status).
        let kept: Vec<Order> = pushed.into_iter().filter(|o| filter.matches(o, &pushdown)).collect();
        assert_eq!(ids(&kept), expected, "{filter:?}");
        // A total counts what the adapter applied; the engine uses it only when nothing is left for it.
        let fully_pushed = filter.status.is_empty() && filter.tags.is_empty();
        if let (Some(total), true) = (total, fully_pushed) {
            assert_eq!(total as usize, expected.len(), "total of {filter:?}");
        }
    }
    // An exactly expressed filter has the vendor's total.
    let paid = OrderFilter { payment_status: vec![PaymentStatus::Paid], ..Default::default() };
    let (orders, total) = list_all(&backend, &paid, 25).await;
    assert_eq!(total, Some(orders.len() as u64));
    assert!(!orders.is_empty());
}

// The status handlers, the AWB, cancel and tags change the order as the sandbox shows it afterwards.
#[tokio::test]
async fn mutations_change_the_order() {
    let (sandbox, backend) = setup(60).await;
    let (all, _) = list_all(&backend, &OrderFilter::default(), 100).await;
    let awaiting: Vec<&Order> = all.iter().filter(|o| o.status.native.ends_with("/awaiting")).collect();
    assert!(awaiting.len() >= 2, "the seed has orders awaiting shipment");
    let reload = |id: NativeOrderId| {
        let backend = &backend;
        async move { backend.get_many(&[id]).await.unwrap().pop().expect("order still there") }
    };

    let id = awaiting[0].id.native.clone();
    let change = |status| StatusChange { status, reason: None, shipment: None };
    backend.update_status(&id, &change(OrderStatus::Processing)).await.unwrap();
    assert_eq!(reload(id.clone()).await.status.order, OrderStatus::Processing);
    let shipment = Shipment { tracking_number: Some("AWB-E2E-1".into()), ..Shipment::default() };
    let shipped = StatusChange { status: OrderStatus::Shipped, reason: None, shipment: Some(shipment) };
    sandbox.control.reset_requests();
    backend.update_status(&id, &shipped).await.unwrap();
    // The AWB is written first, then the handler, with no body.
    let calls: Vec<(String, String, String)> =
        sandbox.control.requests().into_iter().map(|r| (r.method, r.path, r.body)).collect();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!((calls[0].0.as_str(), calls[0].1.clone()), ("PATCH", format!("/api/v2/orders/{id}")));
    assert_eq!(serde_json::from_str::<Value>(&calls[0].2).unwrap(), json!({"shipping_awb": "AWB-E2E-1"}));
    assert_eq!((calls[1].0.as_str(), calls[1].1.clone()), ("PATCH", format!("/api/v2/orders/{id}/shipped")));
    assert!(calls[1].2.is_empty());
    let order = reload(id.clone()).await;
    assert_eq!(order.status.fulfillment, FulfillmentStatus::Fulfilled);
    assert_eq!(order.tracking.first().and_then(|t| t.number.as_deref()), Some("AWB-E2E-1"));
    backend.update_status(&id, &change(OrderStatus::Delivered)).await.unwrap();
    assert!(reload(id.clone()).await.status.native.ends_with("/delivered"));
    backend.update_status(&id, &change(OrderStatus::Returned)).await.unwrap();
    assert_eq!(reload(id.clone()).await.status.order, OrderStatus::Returned);

    let other = awaiting[1].id.native.clone();
    let cancellation =
        Cancellation { reason: "test".into(), refund_amount: None, notify_customer: true, restock: true };
    backend.cancel(&other, &cancellation).await.unwrap();
    assert_eq!(reload(other.clone()).await.status.order, OrderStatus::Cancelled);

    // Tags: added by name, others survive a removal, case-insensitively.
    let before = reload(other.clone()).await.tags;
    backend.add_tags(&other, &["E2E".into(), "Second".into()]).await.unwrap();
    let write = sandbox.control.requests().into_iter().last().unwrap();
    let mut expected: Vec<Value> = before.iter().map(|t| json!({ "name": t })).collect();
    expected.extend([json!({"name": "E2E"}), json!({"name": "Second"})]);
    assert_eq!(serde_json::from_str::<Value>(&write.body).unwrap(), json!({ "tags": expected }));
    // Adding a tag the order has (in another case) writes nothing.
    let count = sandbox.control.request_count();
    backend.add_tags(&other, &["e2e".into()]).await.unwrap();
    assert_eq!(sandbox.control.request_count(), count + 1, "only the read");
    let tagged = reload(other.clone()).await.tags;
    assert!(tagged.contains(&"E2E".to_string()) && tagged.contains(&"Second".to_string()), "{tagged:?}");
    assert!(before.iter().all(|t| tagged.contains(t)), "{before:?} → {tagged:?}");
    backend.remove_tags(&other, &["e2e".into()]).await.unwrap();
    let after = reload(other.clone()).await.tags;
    assert!(!after.contains(&"E2E".to_string()) && after.contains(&"Second".to_string()), "{after:?}");

    // Unknown orders are NOT_FOUND, without a call for ids that cannot be MerchantPro ids.
    let unknown = NativeOrderId::new("999999999");
    assert!(matches!(backend.cancel(&unknown, &cancellation).await, Err(Error::NotFound { .. })));
    assert!(matches!(backend.add_tags(&unknown, &["x".into()]).await, Err(Error::NotFound { .. })));
    let odd = NativeOrderId::new("1/cancelled");
    assert!(matches!(
        backend.update_status(&odd, &change(OrderStatus::Processing)).await,
        Err(Error::NotFound { .. })
    ));
}

// A status change the sandbox refuses comes back as INVALID_STATUS_TRANSITION, not a generic backend error.
#[tokio::test]
async fn refused_transitions_are_typed() {
    let (_sandbox, backend) = setup(40).await;
    let (all, _) = list_all(&backend, &OrderFilter::default(), 100).await;
    let id = all
        .iter()
        .find(|o| o.status.native.ends_with("/awaiting"))
        .expect("an awaiting order")
        .id
        .native
        .clone();
    let cancellation =
        Cancellation { reason: "test".into(), refund_amount: None, notify_customer: true, restock: true };
    backend.cancel(&id, &cancellation).await.unwrap();
    let change = StatusChange { status: OrderStatus::Delivered, reason: None, shipment: None };
    let error = backend.update_status(&id, &change).await.unwrap_err();
    assert!(matches!(error, Error::InvalidStatusTransition { .. }), "{error:?}");
}

// The sandbox's 429 and malformed bodies come back typed.
#[tokio::test]
async fn faults_are_typed() {
    let (sandbox, backend) = setup(5).await;
    sandbox.control.set_rate_limited(true);
    let error = backend.ping().await.unwrap_err();
    assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");
    sandbox.control.clear_faults();
    sandbox.control.set_malformed(true);
    let error = backend.ping().await.unwrap_err();
    assert!(matches!(error, Error::Malformed { .. }), "{error:?}");
    sandbox.control.clear_faults();
    backend.ping().await.unwrap();
}

// Wrong credentials are the sandbox's 401, typed as UNAUTHENTICATED, with no secret in the message.
#[tokio::test]
async fn bad_credentials_are_unauthenticated() {
    let (sandbox, _) = setup(5).await;
    let mut config = backend_config(&sandbox);
    config.credentials.insert("api_secret".into(), Secret::new("wrong-secret"));
    let backend = MerchantProBackend::new(BackendName::parse("mp").unwrap(), &config).unwrap();
    let error = backend.ping().await.unwrap_err();
    assert!(matches!(error, Error::Unauthenticated { status: 401, .. }), "{error:?}");
    assert!(!error.to_string().contains("wrong-secret"));
}
