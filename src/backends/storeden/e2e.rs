//! End to end over real loopback HTTP: the adapter against the Storeden sandbox (written independently from
//! the same documentation).

use std::collections::HashSet;
use std::time::Duration;

use chrono::Duration as Span;
use rust_decimal::Decimal;

use super::*;
use crate::config::Secret;
use crate::demo::backend_config;
use crate::domain::{FulfillmentStatus, OrderFilter, PaymentStatus, Shipment};
use crate::sandbox::{Sandbox, SandboxKind, SandboxOptions, start_local};

async fn sandbox(orders: usize) -> (Sandbox, StoredenBackend) {
    let options = SandboxOptions { orders, seed: 7, latency: Duration::ZERO };
    let sandbox = start_local(SandboxKind::Storeden, options).await.expect("the sandbox starts");
    let backend = StoredenBackend::new(BackendName::parse("sd").unwrap(), &backend_config(&sandbox)).unwrap();
    (sandbox, backend)
}

/// Every page of a filter, following the tokens; also returns how many pages it took.
async fn list_all(backend: &StoredenBackend, filter: &OrderFilter, page_size: usize) -> (Vec<Order>, usize) {
    let mut orders = Vec::new();
    let mut continuation = None;
    let mut pages = 0;
    loop {
        let request = ListRequest { filter: filter.clone(), page_size, continuation, summaries: false };
        let page = backend.list_decoded(&request).await.expect("a page");
        pages += 1;
        // No total, except the exact zero of a filter nothing can match.
        assert!(
            page.total.is_none() || page.total == Some(0) && page.orders.is_empty() && page.next.is_none()
        );
        orders.extend(page.orders);
        match page.next {
            Some(next) => continuation = Some(next),
            None => return (orders, pages),
        }
        assert!(pages < 1000, "paging does not end");
    }
}

fn ids(orders: &[Order]) -> Vec<String> {
    orders.iter().map(|o| o.id.to_string()).collect()
}

// Listing to the end returns every order once, newest first across pages, the same page for the same
// token, and a clamped page size.
#[tokio::test]
async fn lists_every_order_once_newest_first() {
    let (_sandbox, backend) = sandbox(130).await;
    let (orders, pages) = list_all(&backend, &OrderFilter::default(), 25).await;
    assert_eq!(orders.len(), 130);
    assert_eq!(pages, 6);
    let unique: HashSet<_> = ids(&orders).into_iter().collect();
    assert_eq!(unique.len(), 130, "no order twice");
    assert!(orders.windows(2).all(|w| w[0].sort_key() <= w[1].sort_key()), "newest first");
    assert!(orders.iter().all(|o| o.known.total && o.known.tags && !o.known.is_full()));

    let request =
        ListRequest { filter: OrderFilter::default(), page_size: 10, continuation: None, summaries: false };
    let first = backend.list_decoded(&request).await.unwrap();
    let again = backend
        .list_decoded(&ListRequest { continuation: first.next.clone(), ..request.clone() })
        .await
        .unwrap();
    let twice = backend
        .list_decoded(&ListRequest { continuation: first.next.clone(), ..request.clone() })
        .await
        .unwrap();
    assert_eq!(ids(&again.orders), ids(&twice.orders), "same token, same page");
    assert_eq!(ids(&again.orders), ids(&orders[10..20]));

    let big = backend.list_decoded(&ListRequest { page_size: 1000, ..request.clone() }).await.unwrap();
    assert_eq!(big.orders.len(), 100, "clamped to the maximum");
    let bad = backend.list(&ListRequest { continuation: Some("garbage".into()), ..request }).await;
    assert!(matches!(bad, Err(Error::BadUserInput(_))));
}

// A lookup returns the full order (consistent with its list row, totals adding up, tags known); unknown
// ids are left out.
#[tokio::test]
async fn gets_full_orders_and_skips_unknown_ids() {
    let (sandbox, backend) = sandbox(40).await;
    let (rows, _) = list_all(&backend, &OrderFilter::default(), 100).await;
    sandbox.control.reset_requests();
    let wanted: Vec<NativeOrderId> = rows.iter().take(12).map(|o| o.id.native.clone()).collect();
    let mut asked = wanted.clone();
    asked.push(NativeOrderId::new("132_doesnotexist"));
    let found = backend.get_many(&asked).await.unwrap();
    assert_eq!(found.len(), 12);
    for order in &found {
        let row = rows.iter().find(|r| r.id == order.id).expect("a listed order");
        assert!(order.known.is_full(), "{:?}", order.known);
        assert_eq!(order.totals.total, row.totals.total);
        assert_eq!(order.status, row.status);
        assert_eq!(order.tags, row.tags);
        assert_eq!(order.placed_at.timestamp(), row.placed_at.timestamp());
        assert!(!order.line_items.is_empty());
        let t = &order.totals;
        assert_eq!(t.subtotal.amount + t.shipping.amount + t.tax.amount - t.discount.amount, t.total.amount);
        assert_eq!(order.customer.as_ref().and_then(|c| c.email.as_deref()), mapping::row_email(row));
    }
    // The tags of the whole batch come from one list call (made alongside the order lookups).
    let requests = sandbox.control.requests();
    let tag_lookups = requests.iter().filter(|r| r.path.ends_with("/orders/list.json")).collect::<Vec<_>>();
    assert_eq!(tag_lookups.len(), 1, "{tag_lookups:?}");
    assert_eq!(tag_lookups[0].query.as_deref().unwrap_or_default().matches("orderID").count(), 13);
    assert_eq!(requests.iter().filter(|r| r.path.ends_with("/orders/order.json")).count(), 13);
    assert!(backend.get_many(&[NativeOrderId::new("132_nope")]).await.unwrap().is_empty());
}

// Every filter the adapter declares gives exactly what the engine would keep from the unfiltered list.
#[tokio::test]
async fn filters_match_engine_filtering() {
    let (_sandbox, backend) = sandbox(120).await;
    let (all, _) = list_all(&backend, &OrderFilter::default(), 100).await;
    let email = all.iter().find_map(|o| mapping::row_email(o)).expect("rows carry e-mails").to_uppercase();
    let tag = all.iter().find_map(|o| o.tags.first().cloned()).expect("some order has tags").to_uppercase();
    let newest = all[10].placed_at;
    let oldest = all[60].placed_at;
    let filters = vec![
        OrderFilter { status: vec![OrderStatus::Shipped], ..Default::default() },
        OrderFilter { status: vec![OrderStatus::Closed, OrderStatus::Pending], ..Default::default() },
        OrderFilter { status: vec![OrderStatus::Refunded], ..Default::default() },
        OrderFilter { payment_status: vec![PaymentStatus::Paid], ..Default::default() },
        OrderFilter { fulfillment_status: vec![FulfillmentStatus::Cancelled], ..Default::default() },
        OrderFilter { placed_after: Some(oldest), placed_before: Some(newest), ..Default::default() },
        OrderFilter { placed_after: Some(oldest + Span::milliseconds(1)), ..Default::default() },
        OrderFilter { placed_before: Some(newest - Span::milliseconds(1)), ..Default::default() },
        OrderFilter { customer_email: Some(email), ..Default::default() },
        OrderFilter { tags: vec![tag, "no-such-tag".into()], ..Default::default() },
        OrderFilter {
            status: vec![OrderStatus::Delivered, OrderStatus::Returned],
            placed_after: Some(oldest),
            ..Default::default()
        },
    ];
    for filter in filters {
        let expected: Vec<String> = all
            .iter()
            .filter(|o| filter.matches(o, &request::NOTHING_APPLIED))
            .map(|o| o.id.to_string())
            .collect();
        let (got, _) = list_all(&backend, &filter, 20).await;
        assert_eq!(ids(&got), expected, "{filter:?}");
        assert!(
            filter.tags.is_empty() && filter.customer_email.is_none() || !expected.is_empty(),
            "the e-mail and tag cases select something: {filter:?}"
        );
    }
}

// A single-code status and a date range are sent to Storeden: fewer rows come back than without them.
#[tokio::test]
async fn narrowing_happens_at_the_vendor() {
    let (sandbox, backend) = sandbox(120).await;
    let before = sandbox.control.request_count();
    let filter = OrderFilter { status: vec![OrderStatus::Shipped], ..Default::default() };
    let (shipped, pages) = list_all(&backend, &filter, 100).await;
    assert_eq!(pages, 1, "one call holds every shipped order");
    assert_eq!(sandbox.control.request_count() - before, 1);
    assert!(!shipped.is_empty() && shipped.iter().all(|o| o.status.native == "3"));
}

// Each mutation changes the order as Storeden reports it afterwards; bad input and unknown ids are typed
// errors.
#[tokio::test]
async fn mutations_take_effect() {
    let (_sandbox, backend) = sandbox(30).await;
    let filter = OrderFilter { status: vec![OrderStatus::Confirmed], ..Default::default() };
    let (confirmed, _) = list_all(&backend, &filter, 100).await;
    let id = confirmed.first().expect("a confirmed order").id.native.clone();
    let get = |id: NativeOrderId| {
        let backend = &backend;
        async move { backend.get_many(&[id]).await.unwrap().pop().expect("the order") }
    };

    let processing = StatusChange { status: OrderStatus::Processing, reason: None, shipment: None };
    backend.update_status(&id, &processing).await.unwrap();
    assert_eq!(get(id.clone()).await.status.native, "2");

    let shipment = Shipment {
        carrier: Some("BRT".into()),
        tracking_number: Some("1234567876543".into()),
        tracking_url: Some("https://tracking.example/1234567876543".into()),
        ..Shipment::default()
    };
    let shipped = StatusChange { status: OrderStatus::Shipped, reason: None, shipment: Some(shipment) };
    backend.update_status(&id, &shipped).await.unwrap();
    let order = get(id.clone()).await;
    assert_eq!((order.status.order, order.status.native.as_str()), (OrderStatus::Shipped, "3"));
    assert_eq!(order.tracking.len(), 1);
    assert_eq!(order.tracking[0].carrier.as_deref(), Some("BRT"));
    assert_eq!(order.tracking[0].number.as_deref(), Some("1234567876543"));
    assert_eq!(order.tracking[0].url.as_deref(), Some("https://tracking.example/1234567876543"));

    for (target, code) in
        [(OrderStatus::Delivered, "4"), (OrderStatus::Returned, "8"), (OrderStatus::Closed, "5")]
    {
        let change = StatusChange { status: target, reason: Some("test".into()), shipment: None };
        backend.update_status(&id, &change).await.unwrap();
        let order = get(id.clone()).await;
        assert_eq!((order.status.order, order.status.native.as_str()), (target, code));
    }

    backend.add_tags(&id, &["vip".into(), "e2e-tag".into()]).await.unwrap();
    backend.add_tags(&id, &["vip".into()]).await.unwrap();
    let tags = get(id.clone()).await.tags;
    assert!(tags.contains(&"vip".to_string()) && tags.contains(&"e2e-tag".to_string()), "{tags:?}");
    backend.remove_tags(&id, &["vip".into()]).await.unwrap();
    let tags = get(id.clone()).await.tags;
    assert!(!tags.contains(&"vip".to_string()) && tags.contains(&"e2e-tag".to_string()), "{tags:?}");
    let tagged = OrderFilter { tags: vec!["E2E-TAG".into()], ..Default::default() };
    assert_eq!(ids(&list_all(&backend, &tagged, 50).await.0), vec![get(id.clone()).await.id.to_string()]);

    let cancel = Cancellation {
        reason: "customer asked".into(),
        refund_amount: None,
        notify_customer: true,
        restock: true,
    };
    backend.cancel(&id, &cancel).await.unwrap();
    let order = get(id.clone()).await;
    assert_eq!((order.status.order, order.status.native.as_str()), (OrderStatus::Cancelled, "7"));

    let unknown = NativeOrderId::new("132_doesnotexist");
    assert!(matches!(backend.update_status(&unknown, &processing).await, Err(Error::NotFound { .. })));
    assert!(matches!(backend.cancel(&unknown, &cancel).await, Err(Error::NotFound { .. })));
    assert!(matches!(backend.add_tags(&unknown, &["x".into()]).await, Err(Error::NotFound { .. })));
    let refund = Cancellation { refund_amount: Some(Decimal::ONE), ..cancel };
    assert!(matches!(backend.cancel(&id, &refund).await, Err(Error::Unsupported { .. })));
    let misplaced = StatusChange { shipment: Some(Shipment::default()), ..processing };
    assert!(matches!(backend.update_status(&id, &misplaced).await, Err(Error::InvalidInput { .. })));
}

// Wrong credentials are the sandbox's 401, typed as Unauthenticated, on reads and writes alike.
#[tokio::test]
async fn bad_credentials_are_unauthenticated() {
    let (sandbox, _) = sandbox(5).await;
    let mut config = backend_config(&sandbox);
    config.credentials.insert("exchange".into(), Secret::new("wrong"));
    let backend = StoredenBackend::new(BackendName::parse("sd").unwrap(), &config).unwrap();
    let request =
        ListRequest { filter: OrderFilter::default(), page_size: 5, continuation: None, summaries: false };
    assert!(matches!(backend.list(&request).await, Err(Error::Unauthenticated { status: 401, .. })));
    assert!(matches!(
        backend.get_many(&[NativeOrderId::new("132_x")]).await,
        Err(Error::Unauthenticated { .. })
    ));
    assert!(matches!(backend.ping().await, Err(Error::Unauthenticated { .. })));
    let change = StatusChange { status: OrderStatus::Confirmed, reason: None, shipment: None };
    assert!(matches!(
        backend.update_status(&NativeOrderId::new("132_x"), &change).await,
        Err(Error::Unauthenticated { .. })
    ));
}
