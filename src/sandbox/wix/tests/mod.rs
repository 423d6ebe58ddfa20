//! Tests driving the full harness router (auth, fault layer, vendor routes) without a socket.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use serde_json::{Value, json};
use tower::ServiceExt;

use super::super::{Control, SandboxKind, SandboxOptions};

fn opts(orders: usize, seed: u64) -> SandboxOptions {
    SandboxOptions { orders, seed, ..SandboxOptions::default() }
}

fn app_with(orders: usize, seed: u64) -> (Router, Arc<Control>) {
    let control = Arc::new(Control::default());
    (super::super::router(SandboxKind::Wix, &opts(orders, seed), control.clone()), control)
}

fn app() -> Router {
    app_with(120, 7).0
}

async fn send(
    app: &Router,
    method: &str,
    path: &str,
    body: Option<Value>,
    auth: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Value) {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in auth {
        request = request.header(*name, *value);
    }
    let body = match body {
        Some(body) => Body::from(body.to_string()),
        None => Body::empty(),
    };
    let response = app
        .clone()
        .oneshot(request.header("content-type", "application/json").body(body).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let json = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap() };
    (status, headers, json)
}

const AUTH: &[(&str, &str)] = &[("authorization", "sandbox"), ("wix-site-id", "sandbox")];

async fn call(app: &Router, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let (status, _, json) = send(app, method, path, body, AUTH).await;
    (status, json)
}

async fn search(app: &Router, search: Value) -> (StatusCode, Value) {
    call(app, "POST", "/ecom/v1/orders/search", Some(json!({"search": search}))).await
}

/// All orders of a seed, INITIALIZED included, via the store the router is built from.
fn seeded(orders: usize, seed: u64) -> Vec<Value> {
    super::seeding::seed(&opts(orders, seed)).orders.into_iter().map(|s| s.order).collect()
}

fn cents(money: &Value) -> i64 {
    let amount = money["amount"].as_str().unwrap();
    let (whole, frac) = amount.split_once('.').unwrap_or((amount, "00"));
    assert_eq!(frac.len(), 2, "two decimals in {amount}");
    whole.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap()
}

fn is_wix_time(text: &str) -> bool {
    text.len() == 24
        && text.ends_with('Z')
        && text.as_bytes()[19] == b'.'
        && super::parse_iso_ms(text).is_some()
}

// Without both credential headers, or with a `Bearer` scheme, every route answers Wix's 401 body.
#[tokio::test]
async fn auth_is_required_and_exact() {
    let app = app();
    let cases: [&[(&str, &str)]; 4] = [
        &[],
        &[("authorization", "sandbox")],
        &[("authorization", "Bearer sandbox"), ("wix-site-id", "sandbox")],
        &[("authorization", "sandbox"), ("wix-site-id", "other")],
    ];
    for headers in cases {
        let (status, _, body) = send(&app, "POST", "/ecom/v1/orders/search", Some(json!({})), headers).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["details"]["applicationError"]["code"], "UNAUTHENTICATED");
        assert!(body["message"].is_string());
    }
    let (status, _, _) = send(&app, "GET", "/tags/v1/tags?fqdn=wix.ecom.v1.order", None, &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = search(&app, json!({})).await;
    assert_eq!(status, StatusCode::OK);
}

// cursorPaging.limit above 100 or below 0 is a 400 validationError; offset paging is refused.
#[tokio::test]
async fn paging_limits_are_enforced() {
    let app = app();
    let (status, body) = search(&app, json!({"cursorPaging": {"limit": 101}})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let violation = &body["details"]["validationError"]["fieldViolations"][0];
    assert_eq!(violation["field"], "search.cursorPaging.limit");
    assert_eq!(violation["violatedRule"], "MAX");
    let (status, _) = search(&app, json!({"cursorPaging": {"limit": -1}})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = search(&app, json!({"paging": {"limit": 10, "offset": 0}})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = search(&app, json!({"cursorPaging": {"limit": 100}})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["orders"].as_array().unwrap().len(), 100);
    let (status, _) = search(&app, json!({"cursorPaging": {"cursor": "not-a-cursor"}})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

// The default search: 100 orders, newest first, never INITIALIZED, with Wix's exact JSON types.
#[tokio::test]
async fn default_search_shape_and_types() {
    let app = app();
    let (status, body) = call(&app, "POST", "/ecom/v1/orders/search", Some(json!({}))).await;
    assert_eq!(status, StatusCode::OK);
    let orders = body["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 100);
    assert_eq!(body["metadata"]["count"], json!(100));
    assert_eq!(body["metadata"]["hasNext"], json!(true));
    assert!(body["metadata"]["cursors"]["next"].is_string());
    assert!(body["metadata"]["cursors"].get("prev").is_none());
    let times: Vec<i64> =
        orders.iter().map(|o| super::parse_iso_ms(o["createdDate"].as_str().unwrap()).unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] > w[1]), "newest first");
    for order in orders {
        assert_ne!(order["status"], "INITIALIZED");
        assert!(order["id"].as_str().unwrap().len() == 36);
        assert!(order["number"].as_str().unwrap().parse::<u64>().is_ok(), "number is a string");
        assert!(is_wix_time(order["createdDate"].as_str().unwrap()));
        assert!(is_wix_time(order["updatedDate"].as_str().unwrap()));
        assert_eq!(order["currency"], "USD");
        assert!(order["buyerInfo"]["email"].is_string() && order["buyerInfo"]["contactId"].is_string());
        for key in ["subtotal", "shipping", "tax", "discount", "total"] {
            let price = &order["priceSummary"][key];
            assert!(
                price["amount"].is_string() && price["formattedAmount"].as_str().unwrap().starts_with('$')
            );
        }
        for item in order["lineItems"].as_array().unwrap() {
            assert!(item["quantity"].is_u64());
            assert!(item["productName"]["original"].is_string());
            assert!(item["physicalProperties"]["sku"].is_string());
            assert!(item["price"]["amount"].is_string() && item["totalPriceAfterTax"]["amount"].is_string());
            assert!(item["image"]["url"].is_string());
        }
        assert!(
            order["tags"]["tags"]["tagIds"].is_array() && order["tags"]["privateTags"]["tagIds"].is_array()
        );
        assert!(order["shippingInfo"]["logistics"]["shippingDestination"]["address"]["city"].is_string());
        assert!(order["billingInfo"]["contactDetails"]["firstName"].is_string());
    }
    let zero = orders.iter().find(|o| o["priceSummary"]["discount"]["amount"] == "0").unwrap();
    assert_eq!(zero["priceSummary"]["discount"]["formattedAmount"], "$0.00");
    assert!(orders.iter().any(|o| o["channelInfo"]["externalOrderId"].is_string()));
    assert!(orders.iter().any(|o| !o["tags"]["tags"]["tagIds"].as_array().unwrap().is_empty()));
}

// Following cursors visits every non-INITIALIZED order exactly once, and the last page has no next cursor.
#[tokio::test]
async fn cursor_paging_walks_everything() {
    let app = app();
    let expected = seeded(120, 7).iter().filter(|o| o["status"] != "INITIALIZED").count();
    let (_, mut body) = search(&app, json!({"cursorPaging": {"limit": 30}})).await;
    let mut ids = Vec::new();
    loop {
        ids.extend(body["orders"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_string()));
        if body["metadata"]["hasNext"] == json!(false) {
            assert!(body["metadata"]["cursors"].get("next").is_none());
            break;
        }
        let cursor = body["metadata"]["cursors"]["next"].clone();
        body = search(&app, json!({"cursorPaging": {"limit": 30, "cursor": cursor}})).await.1;
        assert!(body["metadata"]["cursors"]["prev"].is_string());
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), expected);
    assert_eq!(unique.len(), expected);
}

// GET returns {"order"} for any id, INITIALIZED included; an unknown id is a 404 applicationError.
#[tokio::test]
async fn get_order_and_not_found() {
    let app = app();
    let initialized = seeded(120, 7).into_iter().find(|o| o["status"] == "INITIALIZED").unwrap();
    let id = initialized["id"].as_str().unwrap();
    let (status, body) = call(&app, "GET", &format!("/ecom/v1/orders/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["order"], initialized);
    let (status, body) = search(&app, json!({"filter": {"id": id}})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["orders"], json!([]), "search never returns INITIALIZED");
    let (status, body) =
        call(&app, "GET", "/ecom/v1/orders/00000000-0000-4000-8000-000000000000", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["details"]["applicationError"]["code"], "NOT_FOUND");
}

// The first nine orders cover every documented status, paymentStatus and fulfillmentStatus value.
#[tokio::test]
async fn status_vocabulary_is_covered() {
    let orders = seeded(9, 3);
    let seen =
        |key: &str| -> Vec<String> { orders.iter().map(|o| o[key].as_str().unwrap().to_string()).collect() };
    for value in ["INITIALIZED", "APPROVED", "CANCELED"] {
        assert!(seen("status").contains(&value.to_string()), "{value}");
    }
    for value in ["NOT_PAID", "PAID", "PARTIALLY_REFUNDED", "FULLY_REFUNDED", "PENDING", "PARTIALLY_PAID"] {
        assert!(seen("paymentStatus").contains(&value.to_string()), "{value}");
    }
    for value in ["NOT_FULFILLED", "FULFILLED", "PARTIALLY_FULFILLED"] {
        assert!(seen("fulfillmentStatus").contains(&value.to_string()), "{value}");
    }
}

// Money adds up: lines sum to the subtotal and subtotal + shipping + tax - discount = total.
#[tokio::test]
async fn amounts_are_consistent() {
    for order in seeded(400, 11) {
        let summary = &order["priceSummary"];
        let items = order["lineItems"].as_array().unwrap();
        let lines: i64 = items.iter().map(|i| cents(&i["price"]) * i["quantity"].as_i64().unwrap()).sum();
        let line_discounts: i64 = items.iter().map(|i| cents(&i["totalDiscount"])).sum();
        let after_tax: i64 = items.iter().map(|i| cents(&i["totalPriceAfterTax"])).sum();
        assert_eq!(lines, cents(&summary["subtotal"]));
        assert_eq!(line_discounts, cents(&summary["discount"]));
        let total = cents(&summary["subtotal"]) + cents(&summary["shipping"]) + cents(&summary["tax"])
            - cents(&summary["discount"]);
        assert_eq!(total, cents(&summary["total"]));
        assert_eq!(after_tax + cents(&summary["shipping"]), total);
    }
}

// Mongo-style filters ($eq, $in, $gte, $or, plain values, case-insensitive email) and sorting work;
// unknown fields and operators are 400.
#[tokio::test]
async fn filters_and_sort() {
    let app = app();
    let all = seeded(120, 7);
    let visible: Vec<&Value> = all.iter().filter(|o| o["status"] != "INITIALIZED").collect();
    let count = |pred: &dyn Fn(&Value) -> bool| visible.iter().filter(|o| pred(o)).count();
    let ids = |body: &Value| body["orders"].as_array().unwrap().len();

    let (_, body) = search(&app, json!({"filter": {"status": "CANCELED"}})).await;
    assert_eq!(ids(&body), count(&|o| o["status"] == "CANCELED"));
    let (_, body) = search(&app, json!({"filter": {"paymentStatus": {"$in": ["PAID", "PENDING"]}}})).await;
    assert_eq!(ids(&body), count(&|o| o["paymentStatus"] == "PAID" || o["paymentStatus"] == "PENDING"));
    let pivot = visible[40]["createdDate"].as_str().unwrap().to_string();
    let (_, body) = search(&app, json!({"filter": {"createdDate": {"$gte": pivot}}})).await;
    assert_eq!(ids(&body), 41);
    let (_, body) = search(
        &app,
        json!({"filter": {"$or": [{"status": "CANCELED"}, {"fulfillmentStatus": "FULFILLED"}]}}),
    )
    .await;
    assert_eq!(ids(&body), count(&|o| o["status"] == "CANCELED" || o["fulfillmentStatus"] == "FULFILLED"));
    let email = visible[3]["buyerInfo"]["email"].as_str().unwrap().to_uppercase();
    let (_, body) = search(&app, json!({"filter": {"buyerInfo.email": {"$eq": email}}})).await;
    assert!(ids(&body) >= 1);
    let (_, body) = search(&app, json!({"filter": {"status": {"$eq": "INITIALIZED"}}})).await;
    assert_eq!(ids(&body), 0);
    let (_, body) = search(
        &app,
        json!({"filter": {"number": {"$gt": "10110"}}, "sort": [{"fieldName": "number", "order": "ASC"}]}),
    )
    .await;
    let numbers: Vec<u64> = body["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["number"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(!numbers.is_empty() && numbers.iter().all(|n| *n > 10110));
    assert!(numbers.windows(2).all(|w| w[0] < w[1]));
    let (status, body) = search(&app, json!({"filter": {"channelInfo.externalOrderId": "x"}})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["details"]["validationError"]["fieldViolations"].is_array());
    let (status, _) = search(&app, json!({"filter": {"status": {"$regex": "A"}}})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = search(&app, json!({"sort": [{"fieldName": "lineItems", "order": "ASC"}]})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

// Seeded shipped orders carry fulfillments with tracking numbers and links.
#[tokio::test]
async fn shipped_orders_have_tracking() {
    let app = app();
    let shipped = seeded(120, 7).into_iter().find(|o| o["fulfillmentStatus"] == "FULFILLED").unwrap();
    let (_, body) =
        call(&app, "GET", &format!("/ecom/v1/fulfillments/orders/{}", shipped["id"].as_str().unwrap()), None)
            .await;
    let tracking = &body["orderWithFulfillments"]["fulfillments"][0]["trackingInfo"];
    assert!(tracking["trackingNumber"].is_string() && tracking["trackingLink"].is_string());
    assert!(tracking["shippingProvider"].is_string());
}

// Injected faults: 5xx with an empty body; 429 with Retry-After: 1 and RESOURCE_EXHAUSTED.
#[tokio::test]
async fn fault_responses() {
    let (app, control) = app_with(10, 1);
    control.fail_next(1);
    let (status, _, body) = send(&app, "POST", "/ecom/v1/orders/search", Some(json!({})), AUTH).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body, Value::Null, "empty body");
    control.set_rate_limited(true);
    let (status, headers, body) = send(&app, "POST", "/ecom/v1/orders/search", Some(json!({})), AUTH).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(body["details"]["applicationError"]["code"], "RESOURCE_EXHAUSTED");
    control.set_rate_limited(false);
    assert_eq!(send(&app, "POST", "/ecom/v1/orders/search", Some(json!({})), AUTH).await.0, StatusCode::OK);
    assert_eq!(control.count_matching("POST", "/ecom/v1/orders/search"), 3);
}

// The same seed gives byte-identical answers; another seed gives different orders.
#[tokio::test]
async fn seeding_is_deterministic() {
    let (a, b, c) = (app_with(50, 42).0, app_with(50, 42).0, app_with(50, 43).0);
    let (_, ra) = search(&a, json!({})).await;
    let (_, rb) = search(&b, json!({})).await;
    let (_, rc) = search(&c, json!({})).await;
    assert_eq!(ra.to_string(), rb.to_string());
    assert_ne!(ra["orders"][0]["id"], rc["orders"][0]["id"]);
}

// A large seed pages to its end in full 100-order pages, the last one without a next cursor.
#[tokio::test]
async fn large_seed_pages_to_the_end() {
    let (app, _) = app_with(1000, 5);
    let visible = seeded(1000, 5).iter().filter(|o| o["status"] != "INITIALIZED").count();
    let (mut pages, mut seen) = (0, 0);
    let mut body = search(&app, json!({})).await.1;
    loop {
        pages += 1;
        seen += body["orders"].as_array().unwrap().len();
        let Some(cursor) = body["metadata"]["cursors"]["next"].as_str().map(str::to_string) else { break };
        body = search(&app, json!({"cursorPaging": {"cursor": cursor}})).await.1;
    }
    assert_eq!(seen, visible);
    assert_eq!(pages, visible.div_ceil(100));
}

mod mutations;
