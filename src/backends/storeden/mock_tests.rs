//! The adapter against a scripted Storeden that serves exactly the documented example payloads: list rows
//! without `nodes` (so e-mail and tag filters must be decided on full orders), `order.json` without tags (so
//! they come from the list's `tags` node), the documented tracking answer, and error answers the sandbox does
//! not give (a 2xx `ok: 0`, 409, 509).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Value, json};

use super::fixtures::{LIST_EXAMPLE, ORDER_EXAMPLE, TRACKING_EXAMPLE};
use super::*;
use crate::config::Secret;
use crate::domain::{Known, OrderFilter};

type Calls = Arc<Mutex<Vec<String>>>;

const SHIPPED_ID: &str = "132_5672eebab5aa6";
const DELIVERED_ID: &str = "132_56695c3c0a3be";

fn pairs(query: &Option<String>) -> Vec<(String, String)> {
    serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).unwrap_or_default()
}

/// The documented order, and a second one made from it for the other documented list row.
fn order_json(id: &str) -> Option<Value> {
    let mut order: Value = serde_json::from_str(ORDER_EXAMPLE).ok()?;
    match id {
        DELIVERED_ID => Some(order),
        SHIPPED_ID => {
            order["orderID"] = json!(SHIPPED_ID);
            order["status"] = json!(3);
            order["total"] = serde_json::from_str("45.25").ok()?;
            order["cart"]["items"]["105251#|#xl_red"]["price"] = serde_json::from_str("37.75").ok()?;
            order["orderDate"] = json!({"sec": 1450372794, "usec": 0});
            order["iso"]["orderDate"] = json!("2015-12-17T18:19:54+0100");
            order["billing"]["email"] = json!("other@example.com");
            Some(order)
        }
        _ => None,
    }
}

async fn list(State(calls): State<Calls>, RawQuery(query): RawQuery) -> (StatusCode, String) {
    calls.lock().unwrap().push(format!("list?{}", query.clone().unwrap_or_default()));
    let params = pairs(&query);
    let ids: Vec<&str> = params.iter().filter(|(k, _)| k == "orderID[]").map(|(_, v)| v.as_str()).collect();
    if !ids.is_empty() {
        // Asked by id with `nodes`: these rows carry them.
        let rows: Vec<Value> = ids
            .iter()
            .map(|id| {
                let tags = if *id == SHIPPED_ID { json!(["gift"]) } else { json!([]) };
                json!({"orderID": id, "total": 1, "orderDate": "2015-12-17T18:19:54+0100", "status": 3,
                       "billing": {"email": "x@example.com"}, "tags": tags})
            })
            .collect();
        return (StatusCode::OK, Value::Array(rows).to_string());
    }
    let skip = params.iter().find(|(k, _)| k == "skip").map_or("0", |(_, v)| v.as_str());
    let body = if skip == "0" { LIST_EXAMPLE.to_string() } else { "[]".to_string() };
    (StatusCode::OK, body)
}

async fn order(State(calls): State<Calls>, RawQuery(query): RawQuery) -> (StatusCode, String) {
    let id = pairs(&query).into_iter().find(|(k, _)| k == "orderID").map(|(_, v)| v).unwrap_or_default();
    calls.lock().unwrap().push(format!("order {id}"));
    match order_json(&id) {
        Some(order) => (StatusCode::OK, order.to_string()),
        None => (StatusCode::NOT_FOUND, r#"{"ok":0,"err":"Order not found"}"#.into()),
    }
}

async fn tracking(State(calls): State<Calls>) -> (StatusCode, String) {
    calls.lock().unwrap().push("tracking".into());
    (StatusCode::OK, TRACKING_EXAMPLE.into())
}

async fn refuse_status(State(calls): State<Calls>) -> (StatusCode, String) {
    calls.lock().unwrap().push("put".into());
    (StatusCode::OK, r#"{"ok":0,"err":"status not allowed"}"#.into())
}

async fn conflict(State(calls): State<Calls>) -> (StatusCode, String) {
    calls.lock().unwrap().push("post tags".into());
    (StatusCode::CONFLICT, r#"{"ok":0,"err":"order is locked"}"#.into())
}

async fn limit_exceeded(State(calls): State<Calls>) -> (StatusCode, String) {
    calls.lock().unwrap().push("delete tags".into());
    (StatusCode::from_u16(509).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), "Limit Exceeded".into())
}

async fn mock() -> (StoredenBackend, Calls) {
    let calls: Calls = Arc::default();
    let app = Router::new()
        .route("/v1.1/orders/list.json", get(list))
        .route("/v1.1/orders/order.json", get(order).put(refuse_status))
        .route("/v1.1/orders/tracking.json", get(tracking))
        .route("/v1.1/orders/tags.json", axum::routing::post(conflict).delete(limit_exceeded))
        .with_state(calls.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let config = BackendConfig {
        kind: BackendKind::Storeden,
        base_url: format!("http://{addr}/v1.1"),
        timeout: Duration::from_secs(5),
        currency: Some("EUR".into()),
        max_concurrency: 4,
        max_response_bytes: crate::config::DEFAULT_MAX_RESPONSE_BYTES,
        credentials: [("key", "k"), ("exchange", "e")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), Secret::new(v)))
            .collect(),
    };
    (StoredenBackend::new(BackendName::parse("mock").unwrap(), &config).unwrap(), calls)
}

fn taken(calls: &Calls) -> Vec<String> {
    std::mem::take(&mut *calls.lock().unwrap())
}

// The documented list (no nodes) gives summaries that claim neither customer nor tags, in one call, and a
// short page ends the listing.
#[tokio::test]
async fn documented_list_without_nodes() {
    let (backend, calls) = mock().await;
    let request =
        ListRequest { filter: OrderFilter::default(), page_size: 20, continuation: None, summaries: false };
    let page = backend.list_decoded(&request).await.unwrap();
    let ids: Vec<&str> = page.orders.iter().map(|o| o.id.native.as_str()).collect();
    assert_eq!(ids, vec![SHIPPED_ID, DELIVERED_ID]);
    assert!(page.orders.iter().all(|o| o.known == Known { total: true, ..Known::CORE }));
    assert_eq!(page.next, None);
    let calls = taken(&calls);
    assert_eq!(calls.len(), 1);
    assert!(calls[0].contains("limit=20") && calls[0].contains("skip=0") && calls[0].contains("nodes="));
}

// Without nodes, an e-mail filter is decided on the full orders (case-insensitively), which come back
// complete: tracking from tracking.json and tags from the list's node by orderID[].
#[tokio::test]
async fn email_filter_falls_back_to_full_orders() {
    let (backend, calls) = mock().await;
    let filter = OrderFilter { customer_email: Some("NO-REPLY@storeden.com".into()), ..Default::default() };
    let page = backend
        .list_decoded(&ListRequest { filter, page_size: 20, continuation: None, summaries: false })
        .await
        .unwrap();
    assert_eq!(page.orders.len(), 1);
    let order = &page.orders[0];
    assert_eq!(order.id.native.as_str(), DELIVERED_ID);
    assert!(order.known.is_full());
    assert_eq!(order.tracking[0].carrier.as_deref(), Some("BRT"));
    let calls = taken(&calls);
    assert_eq!(calls.iter().filter(|c| c.starts_with("order ")).count(), 2, "{calls:?}");
    assert!(calls.iter().any(|c| c.contains("orderID%5B%5D=132_56695c3c0a3be")), "{calls:?}");
}

// Without nodes, a tag filter is decided on full orders whose tags come from the list by id.
#[tokio::test]
async fn tag_filter_falls_back_to_full_orders() {
    let (backend, _calls) = mock().await;
    let filter = OrderFilter { tags: vec!["GIFT".into()], ..Default::default() };
    let page = backend
        .list_decoded(&ListRequest { filter, page_size: 20, continuation: None, summaries: false })
        .await
        .unwrap();
    let ids: Vec<&str> = page.orders.iter().map(|o| o.id.native.as_str()).collect();
    assert_eq!(ids, vec![SHIPPED_ID]);
    assert_eq!(page.orders[0].tags, vec!["gift"]);
    assert_eq!(page.orders[0].totals.total.amount.to_string(), "45.25");
}

// A lookup of the documented order is complete; a 404 id is left out.
#[tokio::test]
async fn documented_lookup() {
    let (backend, calls) = mock().await;
    let orders =
        backend.get_many(&[NativeOrderId::new(DELIVERED_ID), NativeOrderId::new("132_x")]).await.unwrap();
    assert_eq!(orders.len(), 1);
    assert!(orders[0].known.is_full());
    assert_eq!(orders[0].totals.total.amount.to_string(), "117.5");
    assert_eq!(orders[0].tracking[0].number.as_deref(), Some("1234567876543"));
    let calls = taken(&calls);
    assert_eq!(calls.iter().filter(|c| c.starts_with("list?")).count(), 1, "one tag call for the batch");
}

// A 2xx `ok: 0` is a refusal with Storeden's message; 409 is a Conflict; 509 "Limit Exceeded" is
// RateLimited; none is retried.
#[tokio::test]
async fn mutation_failures_are_typed() {
    let (backend, calls) = mock().await;
    let id = NativeOrderId::new(DELIVERED_ID);
    let change = StatusChange { status: OrderStatus::Confirmed, reason: None, shipment: None };
    match backend.update_status(&id, &change).await {
        Err(Error::Backend { status: 200, message, .. }) => assert_eq!(message, "status not allowed"),
        other => panic!("unexpected {other:?}"),
    }
    match backend.add_tags(&id, &["a".into()]).await {
        Err(Error::Conflict { message, .. }) => assert_eq!(message, "order is locked"),
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(backend.remove_tags(&id, &["a".into()]).await, Err(Error::RateLimited { .. })));
    assert_eq!(taken(&calls), vec!["put", "post tags", "delete tags"]);
}
