//! The adapter against the Wix sandbox over real loopback HTTP.

use std::collections::HashSet;

use pretty_assertions::assert_eq;
use rust_decimal::Decimal;

use ordergraph::backends::wix::WixBackend;
use ordergraph::config::Secret;
use ordergraph::domain::{
    BackendName, Cancellation, FilterPushdown, FulfillmentStatus, Known, ListRequest, NativeOrderId, Order,
    OrderBackend, OrderFilter, OrderStatus, PaymentStatus, Shipment, StatusChange,
};
use ordergraph::error::Error;
use ordergraph::sandbox::{Sandbox, SandboxKind, SandboxOptions, start_local};
use serde_json::json;

async fn sandbox() -> Sandbox {
    start_local(SandboxKind::Wix, SandboxOptions::default()).await.unwrap()
}

fn adapter(sandbox: &Sandbox) -> WixBackend {
    let config = ordergraph::demo::backend_config(sandbox);
    WixBackend::new(BackendName::parse("wix").unwrap(), &config).unwrap()
}

async fn list_all(backend: &WixBackend, filter: &OrderFilter, page_size: usize) -> Vec<Order> {
    let mut orders = Vec::new();
    let mut continuation = None;
    for _ in 0..1000 {
        let page = backend
            .list_decoded(&ListRequest {
                filter: filter.clone(),
                page_size,
                continuation: continuation.clone(),
                summaries: false,
            })
            .await
            .unwrap();
        assert!(page.orders.len() <= page_size.min(100));
        assert_eq!(page.total, None);
        orders.extend(page.orders);
        match page.next {
            Some(next) => continuation = Some(next),
            None => return orders,
        }
    }
    panic!("the list did not end");
}

fn ids(orders: &[Order]) -> Vec<String> {
    orders.iter().map(|o| o.id.to_string()).collect()
}

// Listing to the end returns every order once, newest first, full, across pages; follow-up pages search the
// orders created at or before the last one served (no Wix cursor).
#[tokio::test]
async fn lists_to_the_end_newest_first() {
    let sandbox = sandbox().await;
    let backend = adapter(&sandbox);
    let orders = list_all(&backend, &OrderFilter::default(), 25).await;
    assert!(orders.len() > 25, "expected several pages, got {}", orders.len());
    let unique: HashSet<String> = ids(&orders).into_iter().collect();
    assert_eq!(unique.len(), orders.len(), "an order came twice");
    assert!(orders.windows(2).all(|w| w[0].placed_at >= w[1].placed_at), "not newest first");
    assert!(orders.iter().all(|o| o.known == Known::FULL && o.native.is_object()));
    assert!(
        orders.iter().all(|o| o.status.order != OrderStatus::Pending),
        "search returned INITIALIZED orders"
    );
    let searches: Vec<_> =
        sandbox.control.requests().into_iter().filter(|r| r.path.ends_with("/orders/search")).collect();
    assert!(searches.len() >= 2);
    assert!(searches[1..].iter().all(|r| r.body.contains("\"$lte\"") && !r.body.contains("\"cursor\"")));
    // The same request gives the same page.
    let again = list_all(&backend, &OrderFilter::default(), 25).await;
    assert_eq!(ids(&again), ids(&orders));
}

// Get by id returns the same full order as the list; unknown ids are left out.
#[tokio::test]
async fn gets_by_id() {
    let sandbox = sandbox().await;
    let backend = adapter(&sandbox);
    let listed = list_all(&backend, &OrderFilter::default(), 100).await;
    let wanted: Vec<NativeOrderId> = listed.iter().take(3).map(|o| o.id.native.clone()).collect();
    let mut asked = wanted.clone();
    asked.push(NativeOrderId::new("00000000-0000-0000-0000-00000000dead"));
    let initialized = ordergraph::sandbox::wix::seeded_order_ids(&SandboxOptions::default(), "INITIALIZED");
    let initialized =
        NativeOrderId::new(initialized.first().expect("the sandbox seeds INITIALIZED orders").as_str());
    asked.push(initialized.clone());
    asked.push(wanted[0].clone());
    sandbox.control.reset_requests();
    let mut got = backend.get_many(&asked).await.unwrap();
    got.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    assert_eq!(got.len(), 4, "the 3 listed orders and the INITIALIZED one, once each");
    let initialized = got.iter().position(|o| o.id.native == initialized).expect("INITIALIZED order got");
    let initialized = got.remove(initialized);
    assert_eq!(initialized.status.order, OrderStatus::Pending);
    for (got, listed) in got.iter().zip(listed.iter()) {
        assert_eq!(got, listed);
    }
    // One search for the batch; a get each for what search cannot return (INITIALIZED, unknown).
    assert_eq!(sandbox.control.count_matching("POST", "/ecom/v1/orders/search"), 1);
    assert_eq!(sandbox.control.count_matching("GET", "/ecom/v1/orders/"), 2);
}

// Every pushed-down filter gives exactly what the engine's own filtering of the full list gives.
#[tokio::test]
async fn pushed_filters_match_engine_filtering() {
    let sandbox = sandbox().await;
    let backend = adapter(&sandbox);
    let all = list_all(&backend, &OrderFilter::default(), 100).await;
    let middle = all[all.len() / 2].placed_at;
    let late = all[all.len() / 4].placed_at;
    let email = all.iter().find_map(|o| o.customer.as_ref()?.email.clone()).unwrap();
    let filters = [
        OrderFilter { payment_status: vec![PaymentStatus::Paid], ..Default::default() },
        OrderFilter {
            payment_status: vec![PaymentStatus::Pending, PaymentStatus::Unknown],
            ..Default::default()
        },
        OrderFilter { fulfillment_status: vec![FulfillmentStatus::Unfulfilled], ..Default::default() },
        OrderFilter { fulfillment_status: vec![FulfillmentStatus::Fulfilled], ..Default::default() },
        OrderFilter { placed_after: Some(middle), placed_before: Some(late), ..Default::default() },
        OrderFilter { status: vec![OrderStatus::Cancelled, OrderStatus::Shipped], ..Default::default() },
        OrderFilter { customer_email: Some(email.to_uppercase()), ..Default::default() },
        OrderFilter {
            payment_status: vec![PaymentStatus::Paid],
            placed_before: Some(middle),
            status: vec![OrderStatus::Confirmed],
            ..Default::default()
        },
    ];
    let pushed = backend.pushdown();
    let mut non_empty = 0;
    for filter in filters {
        let expected: Vec<String> = ids(&all
            .iter()
            .filter(|o| filter.matches(o, &FilterPushdown::default()))
            .cloned()
            .collect::<Vec<_>>());
        let listed = list_all(&backend, &filter, 30).await;
        let got: Vec<String> =
            ids(&listed.into_iter().filter(|o| filter.matches(o, &pushed)).collect::<Vec<_>>());
        non_empty += usize::from(!expected.is_empty());
        assert_eq!(got, expected, "{filter:?}");
    }
    assert!(non_empty >= 6, "the filters should select something");
}

// SHIPPED creates a fulfilment of every line with tracking; a second SHIPPED is an invalid transition.
#[tokio::test]
async fn ships_an_order() {
    let sandbox = sandbox().await;
    let backend = adapter(&sandbox);
    let all = list_all(&backend, &OrderFilter::default(), 100).await;
    let order = all
        .iter()
        .find(|o| {
            o.status.native.starts_with("APPROVED/") && o.status.fulfillment == FulfillmentStatus::Unfulfilled
        })
        .expect("an approved unfulfilled order");
    let id = order.id.native.clone();
    let shipment = Shipment {
        carrier: Some("ups".into()),
        tracking_number: Some("1Z999".into()),
        tracking_url: Some("https://ups.example/1Z999".into()),
        ..Default::default()
    };
    let change = StatusChange { status: OrderStatus::Shipped, reason: None, shipment: Some(shipment) };
    backend.update_status(&id, &change).await.unwrap();
    let after = backend.get_many(std::slice::from_ref(&id)).await.unwrap();
    assert_eq!(after[0].status.fulfillment, FulfillmentStatus::Fulfilled);
    assert_eq!(after[0].status.order, OrderStatus::Shipped);
    let sent =
        sandbox.control.requests().into_iter().find(|r| r.path.ends_with("/create-fulfillment")).unwrap();
    assert!(
        sent.body.contains("\"trackingNumber\":\"1Z999\"")
            && sent.body.contains("\"shippingProvider\":\"ups\"")
    );
    let again = backend.update_status(&id, &change).await.unwrap_err();
    assert!(matches!(again, Error::InvalidStatusTransition { .. }), "{again:?}");
    let missing_carrier = StatusChange {
        shipment: Some(Shipment { tracking_number: Some("1".into()), ..Default::default() }),
        ..change.clone()
    };
    let before = sandbox.control.request_count();
    let err = backend.update_status(&id, &missing_carrier).await.unwrap_err();
    assert_eq!(err.field(), Some(&["input".to_string(), "shipment".into(), "carrier".into()][..]));
    let other = StatusChange { status: OrderStatus::Processing, ..change };
    assert!(matches!(backend.update_status(&id, &other).await, Err(Error::Unsupported { .. })));
    assert_eq!(sandbox.control.request_count(), before, "a refused mutation made a call");
}

// Cancel moves the order to CANCELLED; a refund on cancel is unsupported without a call.
#[tokio::test]
async fn cancels_an_order() {
    let sandbox = sandbox().await;
    let backend = adapter(&sandbox);
    let all = list_all(&backend, &OrderFilter::default(), 100).await;
    let order = all.iter().find(|o| o.status.native.starts_with("APPROVED/")).expect("an approved order");
    let id = order.id.native.clone();
    let mut cancellation = Cancellation {
        reason: "out of stock".into(),
        refund_amount: None,
        notify_customer: false,
        restock: true,
    };
    cancellation.refund_amount = Some(Decimal::ONE);
    let before = sandbox.control.request_count();
    assert!(matches!(backend.cancel(&id, &cancellation).await, Err(Error::Unsupported { .. })));
    assert_eq!(sandbox.control.request_count(), before);
    cancellation.refund_amount = None;
    backend.cancel(&id, &cancellation).await.unwrap();
    let sent = sandbox.control.requests().into_iter().find(|r| r.path.ends_with("/cancel")).unwrap();
    let body: serde_json::Value = serde_json::from_str(&sent.body).unwrap();
    assert_eq!(
        body,
        json!({"sendOrderCanceledEmail": false, "customMessage": "out of stock", "restockAllItems": true})
    );
    let after = backend.get_many(std::slice::from_ref(&id)).await.unwrap();
    assert_eq!(after[0].status.order, OrderStatus::Cancelled);
    let missing =
        backend.cancel(&NativeOrderId::new("00000000-0000-0000-0000-00000000dead"), &cancellation).await;
    assert!(matches!(missing, Err(Error::NotFound { .. })), "{missing:?}");
}

// Tags are added by name (created when missing), shown by name, and removed; removing an unknown name is a
// no-op without an update call.
#[tokio::test]
async fn adds_and_removes_tags() {
    let sandbox = sandbox().await;
    let backend = adapter(&sandbox);
    let all = list_all(&backend, &OrderFilter::default(), 100).await;
    let id = all[0].id.native.clone();
    backend.add_tags(&id, &["e2e-first".into(), "e2e-second".into()]).await.unwrap();
    let tagged = backend.get_many(std::slice::from_ref(&id)).await.unwrap();
    assert!(tagged[0].tags.contains(&"e2e-first".to_string()), "{:?}", tagged[0].tags);
    assert!(tagged[0].tags.contains(&"e2e-second".to_string()));
    backend.remove_tags(&id, &["E2E-FIRST".into()]).await.unwrap();
    let after = backend.get_many(std::slice::from_ref(&id)).await.unwrap();
    assert!(!after[0].tags.contains(&"e2e-first".to_string()), "{:?}", after[0].tags);
    assert!(after[0].tags.contains(&"e2e-second".to_string()));
    let updates = sandbox.control.count_matching("POST", "/ecom/v1/bulk/orders/update-tags");
    backend.remove_tags(&id, &["no-such-tag-anywhere".into()]).await.unwrap();
    assert_eq!(sandbox.control.count_matching("POST", "/ecom/v1/bulk/orders/update-tags"), updates);
    let tag_filter = OrderFilter { tags: vec!["E2E-second".into()], ..Default::default() };
    let listed = list_all(&backend, &tag_filter, 100).await;
    let matching: Vec<_> =
        listed.into_iter().filter(|o| tag_filter.matches(o, &backend.pushdown())).collect();
    assert_eq!(ids(&matching), vec![format!("wix:{id}")]);
}

// Bad credentials are the sandbox's 401: UNAUTHENTICATED, with no credential in the message.
#[tokio::test]
async fn bad_credentials_are_unauthenticated() {
    let sandbox = sandbox().await;
    let mut config = ordergraph::demo::backend_config(&sandbox);
    config.credentials.insert("api_key".into(), Secret::new("wrong-key"));
    let backend = WixBackend::new(BackendName::parse("wix").unwrap(), &config).unwrap();
    let err = backend
        .list(&ListRequest {
            filter: OrderFilter::default(),
            page_size: 5,
            continuation: None,
            summaries: false,
        })
        .await;
    let err = err.unwrap_err();
    assert!(matches!(err, Error::Unauthenticated { .. }), "{err:?}");
    assert!(!err.to_string().contains("wrong-key"));
    let err = backend.get_many(&[NativeOrderId::new("x")]).await.unwrap_err();
    assert!(matches!(err, Error::Unauthenticated { .. }), "{err:?}");
}

// A transient 5xx on search is retried (search is a read); malformed JSON is a BACKEND_ERROR.
#[tokio::test]
async fn retries_search_and_reports_malformed_json() {
    let sandbox = sandbox().await;
    let backend = adapter(&sandbox);
    let request =
        ListRequest { filter: OrderFilter::default(), page_size: 5, continuation: None, summaries: false };
    sandbox.control.fail_next(1);
    assert_eq!(backend.list_decoded(&request).await.unwrap().orders.len(), 5);
    sandbox.control.clear_faults();
    sandbox.control.set_malformed(true);
    let err = backend.list(&request).await.unwrap_err();
    assert!(matches!(err, Error::Malformed { .. }), "{err:?}");
    sandbox.control.set_malformed(false);
    sandbox.control.set_rate_limited(true);
    let err = backend.list(&request).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
}
