//! VTEX list rows without the index's delivery flags (`isAllDelivered` / `isAnyDelivered` are not in the OMS
//! list's documented row schema): the adapter reads an invoiced row's delivery from the full order, one `GET`
//! per invoiced row and none for the others, and lists exactly what it lists with the flags. The VTEX sandbox
//! is reached through a loopback proxy that drops the two flags from list rows.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, Method, StatusCode};
use serde_json::Value;

use ordergraph::backends::vtex::VtexBackend;
use ordergraph::config::{BackendConfig, Secret};
use ordergraph::domain::{
    BackendKind, BackendName, ListRequest, Order, OrderBackend, OrderFilter, OrderStatus,
};
use ordergraph::sandbox::{SANDBOX_CREDENTIAL, Sandbox, SandboxKind, SandboxOptions, start_local};

const LIST: &str = "/api/oms/pvt/orders";

/// Forwards every request to the sandbox at `State`; list answers lose their rows' delivery flags.
async fn forward(
    State(upstream): State<String>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let url = format!("{upstream}{}", uri.path_and_query().map_or("", |p| p.as_str()));
    let mut request = reqwest::Client::new().request(method, url).body(body.to_vec());
    for (name, value) in &headers {
        if name.as_str().starts_with("x-vtex") || name == "content-type" {
            request = request.header(name.as_str(), value.as_bytes());
        }
    }
    let answer = request.send().await.expect("the sandbox answers");
    let status = StatusCode::from_u16(answer.status().as_u16()).expect("a status");
    let text = answer.text().await.expect("a body");
    if uri.path() != LIST {
        return (status, text);
    }
    let mut page: Value = serde_json::from_str(&text).expect("a list page");
    for row in page["list"].as_array_mut().into_iter().flatten() {
        let row = row.as_object_mut().expect("a row");
        row.remove("isAllDelivered");
        row.remove("isAnyDelivered");
    }
    (status, page.to_string())
}

async fn proxy_to(sandbox: &Sandbox) -> String {
    let app = Router::new().fallback(forward).with_state(sandbox.base_url.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

fn backend(base_url: String) -> VtexBackend {
    let config = BackendConfig {
        kind: BackendKind::Vtex,
        base_url,
        timeout: Duration::from_secs(10),
        currency: None,
        max_concurrency: 4,
        max_response_bytes: ordergraph::config::DEFAULT_MAX_RESPONSE_BYTES,
        credentials: BTreeMap::from([
            ("app_key".to_string(), Secret::new(SANDBOX_CREDENTIAL)),
            ("app_token".to_string(), Secret::new(SANDBOX_CREDENTIAL)),
        ]),
    };
    VtexBackend::new(BackendName::parse("vtex").unwrap(), &config).unwrap()
}

/// Every page of a listing, decoded.
async fn list_all(backend: &VtexBackend, filter: &OrderFilter) -> Vec<Order> {
    let mut out = Vec::new();
    let mut continuation = None;
    loop {
        let request = ListRequest { filter: filter.clone(), page_size: 50, continuation, summaries: false };
        let page = backend.list_decoded(&request).await.expect("a page");
        out.extend(page.orders);
        match page.next {
            Some(next) => continuation = Some(next),
            None => return out,
        }
    }
}

/// `(id, order axis)` of each order.
fn statuses(orders: &[Order]) -> Vec<(String, OrderStatus)> {
    orders.iter().map(|o| (o.id.to_string(), o.status.order)).collect()
}

fn invoiced(orders: &[Order]) -> usize {
    orders
        .iter()
        .filter(|o| ["invoiced", "invoice-after-cancellation-deny"].contains(&o.status.native.as_str()))
        .count()
}

// Without the flags, every invoiced row costs one `GET` of its order and reads the same delivery as with
// them (SHIPPED, PARTIALLY_DELIVERED or DELIVERED); other rows cost nothing; `status: [DELIVERED]` finds the
// same orders either way.
#[tokio::test]
async fn rows_without_flags_read_delivery_from_the_full_order() {
    let options = SandboxOptions { orders: 120, seed: 3, latency: Duration::ZERO };
    let sandbox = start_local(SandboxKind::Vtex, options).await.expect("sandbox starts");
    let flagged = backend(sandbox.base_url.clone());
    let bare = backend(proxy_to(&sandbox).await);
    let gets = || sandbox.control.count_matching("GET", &format!("{LIST}/"));

    let with_flags = list_all(&flagged, &OrderFilter::default()).await;
    assert_eq!(gets(), 0, "the flags tell");
    assert!(with_flags.iter().any(|o| o.status.order == OrderStatus::Delivered));
    assert!(with_flags.iter().any(|o| o.status.order == OrderStatus::Shipped));

    let without = list_all(&bare, &OrderFilter::default()).await;
    assert_eq!(statuses(&without), statuses(&with_flags));
    assert_eq!(gets(), invoiced(&without), "one GET per invoiced row, none for the others");

    sandbox.control.reset_requests();
    let delivered = OrderFilter { status: vec![OrderStatus::Delivered], ..OrderFilter::default() };
    let expected: Vec<(String, OrderStatus)> =
        statuses(&with_flags).into_iter().filter(|(_, s)| *s == OrderStatus::Delivered).collect();
    assert_eq!(statuses(&list_all(&bare, &delivered).await), expected);
    // The list is narrowed to invoiced orders, each read once.
    let lists = sandbox.control.requests().into_iter().filter(|r| r.path == LIST).collect::<Vec<_>>();
    assert!(lists.iter().all(|r| r.query.as_deref().unwrap_or_default().contains("f_invoicedDate=")));
    assert_eq!(gets(), invoiced(&with_flags));
    assert_eq!(statuses(&list_all(&flagged, &delivered).await), expected);
}
