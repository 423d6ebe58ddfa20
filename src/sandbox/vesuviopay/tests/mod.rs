//! Tests driving the full harness router (auth, paging, reads, every mutation rule, faults, seeding).

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use serde_json::{Value, json};
use tower::ServiceExt;

use super::model::{Status, cents_of, money};
use crate::sandbox::{Control, SandboxKind, SandboxOptions};

const EXAMPLE_ID: &str = "a3f2b1c0-1234-5678-90ab-cdef12345678";

fn app_with(orders: usize, seed: u64) -> (Router, Arc<Control>) {
    let control = Arc::new(Control::default());
    let opts = SandboxOptions { orders, seed, ..SandboxOptions::default() };
    (crate::sandbox::router(SandboxKind::Vesuviopay, &opts, control.clone()), control)
}

fn app() -> Router {
    app_with(120, 1).0
}

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, HeaderMap, String) {
    let mut builder = Request::builder().method(method).uri(uri);
    if let Some(key) = key {
        builder = builder.header("X-Api-Key", key);
    }
    let body = match body {
        Some(v) => {
            builder = builder.header("Content-Type", "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let response = app.clone().oneshot(builder.body(body).unwrap()).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
}

async fn call(app: &Router, method: &str, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
    let (status, _, text) = send(app, method, uri, Some("sandbox"), body).await;
    (status, serde_json::from_str(&text).unwrap())
}

async fn list(app: &Router, query: &str) -> Vec<Value> {
    let (status, body) = call(app, "GET", &format!("/api/v1/orders{query}"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"]["orders"].as_array().unwrap().clone()
}

/// The first listed order with this status.
async fn first_with(app: &Router, status: &str) -> Value {
    list(app, &format!("?status={status}&limit=1")).await.remove(0)
}

fn assert_money(value: &Value) {
    let text = value.as_number().unwrap_or_else(|| panic!("not a number: {value}")).to_string();
    let (_, frac) = text.split_once('.').unwrap_or_else(|| panic!("no decimals: {text}"));
    assert_eq!(frac.len(), 2, "{text}");
}

fn cents(value: &Value) -> i64 {
    cents_of(value).unwrap()
}

// Money renders with exactly two decimals and parses back; bad amounts are refused.
#[test]
fn money_round_trips() {
    assert_eq!(money(1000).to_string(), "10.00");
    assert_eq!(money(15997).to_string(), "159.97");
    assert_eq!(money(5).to_string(), "0.05");
    assert_eq!(cents_of(&serde_json::from_str("35").unwrap()), Some(3500));
    assert_eq!(cents_of(&serde_json::from_str("35.5").unwrap()), Some(3550));
    assert_eq!(cents_of(&serde_json::from_str("-1.25").unwrap()), Some(-125));
    assert_eq!(cents_of(&serde_json::from_str("35.001").unwrap()), None);
    assert_eq!(cents_of(&json!("35.00")), None);
}

// The transition table is exactly the documented one (plus: no move to the same status).
#[test]
fn transition_table_is_the_documented_one() {
    use Status::*;
    let allowed = |from: Status, to: Status| -> bool {
        if from == to {
            return false;
        }
        to == Cancelled
            || to == Refunded
            || matches!(
                (from, to),
                (Pending, Confirmed)
                    | (Confirmed, Processing)
                    | (Processing, Shipped)
                    | (Processing, PartiallyShipped)
                    | (Shipped, Delivered)
                    | (Shipped, PartiallyDelivered)
            )
    };
    for from in Status::ALL {
        for to in Status::ALL {
            assert_eq!(from.can_move_to(to), allowed(from, to), "{from:?} -> {to:?}");
        }
    }
    assert_eq!(Status::parse("partiallyshipped"), Some(PartiallyShipped));
    assert_eq!(Status::parse("PARTIALLY_SHIPPED"), None);
}

// Without the key, or with a wrong one, every path answers 401 with the documented body.
#[tokio::test]
async fn auth_is_required() {
    let app = app();
    for (key, uri) in [(None, "/api/v1/orders"), (Some("nope"), "/api/v1/orders"), (None, "/api/v1/nothing")]
    {
        let (status, _, text) = send(&app, "GET", uri, key, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["success"], json!(false));
        assert_eq!(body["errorCode"], json!("INVALID_API_KEY"));
        assert!(body["message"].is_string());
    }
    let (status, _, _) = send(&app, "GET", "/api/v1/orders", Some("sandbox"), None).await;
    assert_eq!(status, StatusCode::OK);
}

// limit outside 1–50 or not a number is 400 with the validation shape (errors as strings).
#[tokio::test]
async fn limit_out_of_range_is_400() {
    let app = app();
    for bad in ["0", "51", "-1", "abc", "", "2.5"] {
        let (status, body) = call(&app, "GET", &format!("/api/v1/orders?limit={bad}"), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "limit={bad}");
        assert_eq!(body["success"], json!(false));
        assert_eq!(body["message"], json!("Validation failed"));
        assert_eq!(body["errorCode"], json!("VALIDATION_ERROR"));
        assert!(body["errors"][0].is_string(), "{body}");
    }
    assert_eq!(list(&app, "?limit=1").await.len(), 1);
    assert_eq!(list(&app, "?limit=50").await.len(), 50);
}

// Default limit 50, newest first, totalCount counts all matches, hasMore; offset/page are ignored.
#[tokio::test]
async fn list_pages_without_offset() {
    let app = app();
    let (_, body) = call(&app, "GET", "/api/v1/orders", None).await;
    let data = &body["data"];
    assert_eq!(body["success"], json!(true));
    assert_eq!(data["orders"].as_array().unwrap().len(), 50);
    assert_eq!(data["totalCount"], json!(120));
    assert_eq!(data["hasMore"], json!(true));
    let placed: Vec<&str> =
        data["orders"].as_array().unwrap().iter().map(|o| o["placedAt"].as_str().unwrap()).collect();
    assert!(placed.windows(2).all(|w| w[0] > w[1]), "newest first");
    let ten = list(&app, "?limit=10").await;
    assert_eq!(ten, list(&app, "?limit=10&offset=10&page=2&cursor=x").await);
    // Paging by narrowing dateTo reaches the older orders.
    let oldest_shown = ten[9]["placedAt"].as_str().unwrap();
    let older = list(&app, &format!("?limit=5&dateTo={oldest_shown}")).await;
    assert_eq!(older[0]["id"], ten[9]["id"], "dateTo is inclusive");
    let (_, all) = call(&app, "GET", "/api/v1/orders?dateTo=2030-01-01", None).await;
    assert_eq!(all["data"]["totalCount"], json!(120));
    let (_, few) = call(&app, "GET", "/api/v1/orders?status=Pending", None).await;
    assert_eq!(few["data"]["hasMore"], json!(false));
}

// A list row has exactly the documented keys with the documented JSON types.
#[tokio::test]
async fn list_row_has_exact_types() {
    let app = app();
    let (_, _, text) = send(&app, "GET", "/api/v1/orders?dateTo=2025-10-09", Some("sandbox"), None).await;
    assert!(
        text.contains(r#""totalAmount":159.97,"subtotal":149.97,"taxTotal":10.00,"shippingTotal":0.00"#),
        "{text}"
    );
    for row in list(&app, "").await {
        let keys: Vec<&str> = row.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "id",
                "orderNumber",
                "externalOrderId",
                "status",
                "customerId",
                "customerEmail",
                "customerPhone",
                "totalAmount",
                "subtotal",
                "taxTotal",
                "shippingTotal",
                "discountTotal",
                "itemCount",
                "placedAt",
                "updatedAt"
            ]
        );
        for key in ["totalAmount", "subtotal", "taxTotal", "shippingTotal", "discountTotal"] {
            assert_money(&row[key]);
        }
        assert!(row["itemCount"].is_u64());
        assert!(row["orderNumber"].as_str().unwrap().starts_with("VES-"));
        assert!(row["externalOrderId"].is_string() || row["externalOrderId"].is_null());
        let placed = row["placedAt"].as_str().unwrap();
        assert_eq!(placed.len(), 20);
        assert!(placed.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(placed).is_ok());
        assert!(Status::parse(row["status"].as_str().unwrap()).is_some());
    }
}

// status compares case-insensitively, unknown values are 400, date bounds are inclusive.
#[tokio::test]
async fn list_filters() {
    let app = app();
    let shipped = list(&app, "?status=partiallyshipped").await;
    assert!(!shipped.is_empty());
    assert!(shipped.iter().all(|o| o["status"] == json!("PartiallyShipped")));
    let (status, body) = call(&app, "GET", "/api/v1/orders?status=PARTIALLY_SHIPPED", None).await;
    assert_eq!((status, body["errorCode"].clone()), (StatusCode::BAD_REQUEST, json!("VALIDATION_ERROR")));
    let (status, _) = call(&app, "GET", "/api/v1/orders?dateFrom=yesterday", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let one = &list(&app, "?limit=20").await[7];
    let at = one["placedAt"].as_str().unwrap();
    let exact = list(&app, &format!("?dateFrom={at}&dateTo={at}")).await;
    assert_eq!(exact.len(), 1);
    assert_eq!(exact[0]["id"], one["id"]);
    let millis = at.replace('Z', ".000Z");
    assert_eq!(list(&app, &format!("?dateFrom={millis}&dateTo={millis}")).await.len(), 1);
    let day = list(&app, "?dateFrom=2025-10-08&dateTo=2025-10-09").await;
    assert_eq!(day.len(), 1);
    assert_eq!(day[0]["orderNumber"], json!("VES-1001"));
}

// The documented example order is served by internal UUID and by external id, with its documented values.
#[tokio::test]
async fn example_order_by_either_id() {
    let app = app();
    let (status, _, by_uuid) =
        send(&app, "GET", &format!("/api/v1/orders/{EXAMPLE_ID}"), Some("sandbox"), None).await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, by_external) =
        send(&app, "GET", "/api/v1/orders/shopify_order_12345", Some("sandbox"), None).await;
    assert_eq!(by_uuid, by_external);
    assert!(by_uuid.contains(r#""unitPrice":29.99,"totalPrice":59.98"#), "{by_uuid}");
    assert!(by_uuid.contains(r#""totalAmount":159.97"#));
    assert!(by_uuid.contains(r#""placedAt":"2025-10-08T10:30:00Z","updatedAt":"2025-10-08T11:00:00Z""#));
    let data: Value = serde_json::from_str::<Value>(&by_uuid).unwrap()["data"].clone();
    assert_eq!(data["orderNumber"], json!("VES-1001"));
    assert_eq!(data["platformName"], json!("Shopify"));
    assert_eq!(data["customer"]["email"], json!("customer@example.com"));
    assert_eq!(data["billingAddress"].as_object().unwrap().get("address2"), None);
    assert_eq!(
        data["paymentMethod"],
        json!({"method":"credit_card","display":"Visa ending in 4242","last4":"4242","brand":"Visa"})
    );
    let (status, body) = call(&app, "GET", "/api/v1/orders/no-such-order", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"success":false,"message":"Order not found","errorCode":"ORDER_NOT_FOUND"}));
}

// Every seeded order's full JSON has the documented keys and types, and its amounts add up.
#[tokio::test]
async fn full_orders_have_exact_types_and_consistent_amounts() {
    let app = app();
    for row in list(&app, "?limit=30").await {
        let (_, body) =
            call(&app, "GET", &format!("/api/v1/orders/{}", row["id"].as_str().unwrap()), None).await;
        let o = &body["data"];
        let keys: Vec<&str> = o.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "id",
                "orderNumber",
                "externalOrderId",
                "platformName",
                "status",
                "customer",
                "items",
                "shippingAddress",
                "billingAddress",
                "totals",
                "paymentMethod",
                "placedAt",
                "updatedAt",
                "deliveryInstructions",
                "metadata"
            ]
        );
        let customer: Vec<&str> = o["customer"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(customer, ["id", "email", "phone", "firstName", "lastName"]);
        let ship: Vec<&str> = o["shippingAddress"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(ship.len(), 10);
        let t = &o["totals"];
        for key in ["subtotal", "shippingTotal", "taxTotal", "discountTotal", "totalAmount"] {
            assert_money(&t[key]);
            assert_eq!(t[key], row[key], "list and get agree");
        }
        let items = o["items"].as_array().unwrap();
        assert!((1..=4).contains(&items.len()));
        let mut skus: Vec<&str> = items.iter().map(|i| i["sku"].as_str().unwrap()).collect();
        skus.sort_unstable();
        skus.dedup();
        assert_eq!(skus.len(), items.len(), "no variant twice in one order");
        let mut sum = 0;
        for item in items {
            assert_money(&item["unitPrice"]);
            assert_money(&item["totalPrice"]);
            assert!(item["quantity"].is_u64());
            assert_eq!(
                cents(&item["unitPrice"]) * item["quantity"].as_i64().unwrap(),
                cents(&item["totalPrice"])
            );
            assert!(Status::parse(item["itemStatus"].as_str().unwrap()).is_some());
            sum += cents(&item["totalPrice"]);
        }
        assert_eq!(sum, cents(&t["subtotal"]));
        assert_eq!(
            cents(&t["subtotal"]) + cents(&t["shippingTotal"]) + cents(&t["taxTotal"])
                - cents(&t["discountTotal"]),
            cents(&t["totalAmount"])
        );
        let qty: i64 = items.iter().map(|i| i["quantity"].as_i64().unwrap()).sum();
        assert_eq!(row["itemCount"], json!(qty));
        if matches!(
            o["status"].as_str().unwrap(),
            "Shipped" | "Delivered" | "PartiallyShipped" | "PartiallyDelivered"
        ) {
            assert!(o["metadata"]["trackingNumber"].is_string() && o["metadata"]["carrier"].is_string());
        }
    }
}

// The first nine orders cycle through the whole vocabulary (also when only nine are seeded).
#[tokio::test]
async fn status_vocabulary_is_covered() {
    let app = app();
    let first: Vec<Value> = list(&app, "?limit=9").await.iter().map(|o| o["status"].clone()).collect();
    let all: Vec<Value> = Status::ALL.iter().map(|s| json!(s.as_str())).collect();
    assert_eq!(first, all);
    let (small, _) = app_with(9, 3);
    let statuses: Vec<Value> = list(&small, "").await.iter().map(|o| o["status"].clone()).collect();
    assert_eq!(statuses, all);
}

// Same seed gives byte-identical JSON; another seed gives other orders; 3,100 orders seed with unique ids.
#[tokio::test]
async fn seeding_is_deterministic() {
    let (a, _) = app_with(120, 42);
    let (b, _) = app_with(120, 42);
    let (c, _) = app_with(120, 43);
    let (_, _, la) = send(&a, "GET", "/api/v1/orders?limit=50", Some("sandbox"), None).await;
    let (_, _, lb) = send(&b, "GET", "/api/v1/orders?limit=50", Some("sandbox"), None).await;
    let (_, _, lc) = send(&c, "GET", "/api/v1/orders?limit=50", Some("sandbox"), None).await;
    assert_eq!(la, lb);
    assert_ne!(la, lc);
    let id = list(&a, "?limit=1").await[0]["id"].as_str().unwrap().to_string();
    let uri = format!("/api/v1/orders/{id}");
    assert_eq!(
        send(&a, "GET", &uri, Some("sandbox"), None).await.2,
        send(&b, "GET", &uri, Some("sandbox"), None).await.2
    );
    let big = super::data::orders(7, 3100);
    let mut ids: Vec<&str> = big.iter().map(|o| o.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 3100);
    let mut externals: Vec<&str> = big.iter().filter_map(|o| o.external_order_id.as_deref()).collect();
    let n = externals.len();
    externals.sort_unstable();
    externals.dedup();
    assert_eq!(externals.len(), n);
    assert_eq!(big[0].order_number, "VES-4100");
    assert_eq!(big[3099].order_number, "VES-1001");
}

mod mutations;
