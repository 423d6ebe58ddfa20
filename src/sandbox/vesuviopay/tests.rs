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

// The first nine orders cycle through the whole vocabulary; 120 orders cover every status.
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

// Status updates follow the table, accept either id, merge tracking metadata; bad moves are 400.
#[tokio::test]
async fn status_update_rules() {
    let app = app();
    let pending = first_with(&app, "Pending").await;
    let id = pending["id"].as_str().unwrap();
    let uri = format!("/api/v1/orders/{id}/status");
    let (status, body) = call(&app, "PUT", &uri, Some(json!({"status": "Shipped"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"success":false,"message":"Cannot change status from Pending to Shipped","errorCode":"INVALID_STATUS_TRANSITION"})
    );
    for next in ["Confirmed", "processing"] {
        let (status, body) =
            call(&app, "PUT", &uri, Some(json!({"status": next, "statusChangeReason": "ok"}))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["success"], json!(true));
    }
    let shipment = json!({"status": "Shipped", "statusChangeReason": "Order dispatched via FedEx",
        "metadata": {"trackingNumber": "FDX123456789", "carrier": "FedEx", "estimatedDelivery": "2025-10-12"}});
    let (status, body) = call(&app, "PUT", &uri, Some(shipment)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["previousStatus"], json!("Processing"));
    assert_eq!(body["data"]["status"], json!("Shipped"));
    let (_, order) = call(&app, "GET", &format!("/api/v1/orders/{id}"), None).await;
    assert_eq!(order["data"]["status"], json!("Shipped"));
    assert_eq!(order["data"]["metadata"]["trackingNumber"], json!("FDX123456789"));
    assert!(order["data"]["items"].as_array().unwrap().iter().all(|i| i["itemStatus"] == json!("Shipped")));
    assert!(order["data"]["updatedAt"].as_str().unwrap() > order["data"]["placedAt"].as_str().unwrap());
    let (status, body) = call(&app, "PUT", &uri, Some(json!({"status": "Pending"}))).await;
    assert_eq!(
        (status, body["message"].clone()),
        (StatusCode::BAD_REQUEST, json!("Cannot change status from Shipped to Pending"))
    );
    // By external id; Delivered → Refunded is allowed ("any → Refunded").
    let delivered = list(&app, "?status=Delivered").await;
    let linked = delivered.iter().find(|o| o["externalOrderId"].is_string()).unwrap();
    let ext_uri = format!("/api/v1/orders/{}/status", linked["externalOrderId"].as_str().unwrap());
    let (status, _) = call(&app, "PUT", &ext_uri, Some(json!({"status": "Refunded"}))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = call(&app, "PUT", &ext_uri, Some(json!({"status": "Refunded"}))).await;
    assert_eq!(
        (status, body["errorCode"].clone()),
        (StatusCode::BAD_REQUEST, json!("INVALID_STATUS_TRANSITION"))
    );
    for bad in [json!({"status": "Teleported"}), json!({}), json!({"status": "Shipped", "metadata": "x"})] {
        let (status, body) = call(&app, "PUT", &uri, Some(bad)).await;
        assert_eq!((status, body["errorCode"].clone()), (StatusCode::BAD_REQUEST, json!("VALIDATION_ERROR")));
    }
    let (status, _) =
        call(&app, "PUT", "/api/v1/orders/missing/status", Some(json!({"status": "Cancelled"}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

// Cancel: refund checks, both reason names, refundId only with a refund, and no second cancel.
#[tokio::test]
async fn cancel_rules() {
    let app = app();
    let uri = "/api/v1/orders/shopify_order_12345/cancel";
    let over = json!({"cancellationReason": "x", "refundAmount": 159.98});
    let (status, body) = call(&app, "PUT", uri, Some(over)).await;
    assert_eq!(
        (status, body["errorCode"].clone()),
        (StatusCode::BAD_REQUEST, json!("INVALID_REFUND_AMOUNT"))
    );
    let (status, body) =
        call(&app, "PUT", uri, Some(json!({"cancellationReason": "x", "refundAmount": -1}))).await;
    assert_eq!(
        (status, body["errorCode"].clone()),
        (StatusCode::BAD_REQUEST, json!("INVALID_REFUND_AMOUNT"))
    );
    for bad in [
        json!({"refundAmount": null}),
        json!({"reason": "x", "refundAmount": "10.00"}),
        json!({"reason": "x", "refundAmount": 1.005}),
    ] {
        let (status, body) = call(&app, "PUT", uri, Some(bad)).await;
        assert_eq!((status, body["errorCode"].clone()), (StatusCode::BAD_REQUEST, json!("VALIDATION_ERROR")));
    }
    let (status, _, text) =
        send(&app, "PUT", "/api/v1/orders/missing/cancel", Some("sandbox"), Some(json!({"reason": "x"})))
            .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{text}");
    let full = json!({"cancellationReason": "Customer requested cancellation", "refundAmount": 159.97,
        "notifyCustomer": true, "restockItems": true});
    let (status, _, text) = send(&app, "PUT", uri, Some("sandbox"), Some(full)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains(r#""refundAmount":159.97,"refundId":"rf_"#), "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["message"], json!("Order cancelled successfully"));
    assert_eq!(body["data"]["orderId"], json!(EXAMPLE_ID));
    assert_eq!(body["data"]["status"], json!("Cancelled"));
    assert!(body["data"]["cancelledAt"].as_str().unwrap().ends_with('Z'));
    let (status, body) = call(&app, "PUT", uri, Some(json!({"reason": "again"}))).await;
    assert_eq!(
        body,
        json!({"success":false,"message":"Cannot change status from Cancelled to Cancelled","errorCode":"INVALID_STATUS_TRANSITION"})
    );
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // `reason` (the overview's name) and a null refund: cancelled, no refundId.
    let confirmed = first_with(&app, "Confirmed").await;
    let uri = format!("/api/v1/orders/{}/cancel", confirmed["id"].as_str().unwrap());
    let (status, body) =
        call(&app, "PUT", &uri, Some(json!({"reason": "Duplicate order", "refundAmount": null}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (body["data"]["refundAmount"].clone(), body["data"]["refundId"].clone()),
        (Value::Null, Value::Null)
    );
    let (_, order) =
        call(&app, "GET", &format!("/api/v1/orders/{}", confirmed["id"].as_str().unwrap()), None).await;
    assert_eq!(order["data"]["status"], json!("Cancelled"));
    assert_eq!(order["data"]["metadata"]["cancellationReason"], json!("Duplicate order"));
}

// Link: internal UUID only, write-once, unique per store; the new external id then finds the order.
#[tokio::test]
async fn link_rules() {
    let app = app();
    let rows = list(&app, "").await;
    let unlinked: Vec<&Value> = rows.iter().filter(|o| o["externalOrderId"].is_null()).collect();
    let linked = rows.iter().find(|o| o["externalOrderId"].is_string()).unwrap();
    let body = json!({"externalOrderId": "shopify_order_99999", "platformName": "Shopify"});
    let by_external = format!("/api/v1/orders/{}/link", linked["externalOrderId"].as_str().unwrap());
    let (status, reply) = call(&app, "PUT", &by_external, Some(body.clone())).await;
    assert_eq!((status, reply["errorCode"].clone()), (StatusCode::NOT_FOUND, json!("ORDER_NOT_FOUND")));
    let id = unlinked[0]["id"].as_str().unwrap();
    let (status, reply) =
        call(&app, "PUT", &format!("/api/v1/orders/{id}/link"), Some(json!({"platformName": "x"}))).await;
    assert_eq!((status, reply["errorCode"].clone()), (StatusCode::BAD_REQUEST, json!("VALIDATION_ERROR")));
    let (status, reply) = call(&app, "PUT", &format!("/api/v1/orders/{id}/link"), Some(body.clone())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["message"], json!("Order linked to platform successfully"));
    let data = reply["data"].as_object().unwrap();
    assert_eq!(
        data.keys().map(String::as_str).collect::<Vec<_>>(),
        ["orderId", "externalOrderId", "platformName", "linkedAt"]
    );
    assert_eq!(data["orderId"], json!(id));
    let (status, reply) = call(&app, "PUT", &format!("/api/v1/orders/{id}/link"), Some(body.clone())).await;
    assert_eq!(
        (status, reply["errorCode"].clone()),
        (StatusCode::BAD_REQUEST, json!("ORDER_ALREADY_LINKED"))
    );
    let other = unlinked[1]["id"].as_str().unwrap();
    let (status, reply) = call(&app, "PUT", &format!("/api/v1/orders/{other}/link"), Some(body)).await;
    assert_eq!((status, reply["errorCode"].clone()), (StatusCode::BAD_REQUEST, json!("EXTERNAL_ID_EXISTS")));
    let (status, order) = call(&app, "GET", "/api/v1/orders/shopify_order_99999", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (order["data"]["id"].clone(), order["data"]["platformName"].clone()),
        (json!(id), json!("Shopify"))
    );
}

// Create: the documented example body gives 201 and a new newest order; duplicates 409; missing fields 400.
#[tokio::test]
async fn create_rules() {
    let app = app();
    let order = json!({
        "externalOrderId": "shopify_order_67890", "platformName": "Shopify",
        "customerEmail": "customer@example.com", "customerPhone": "+1234567890",
        "items": [{"externalProductId": "shopify_12345", "externalVariantId": "shopify_variant_001", "quantity": 2, "unitPrice": 29.99}],
        "shippingAddress": {"firstName": "Jane", "lastName": "Smith", "address1": "456 Oak Ave", "city": "Los Angeles",
            "province": "CA", "country": "United States", "countryIsoCode": "US", "postalCode": "90001", "phone": "+1987654321"},
        "totals": {"subtotal": 59.98, "shippingTotal": 5.00, "taxTotal": 4.80, "discountTotal": 0.00, "totalAmount": 69.78},
        "paymentMethod": {"method": "credit_card", "display": "Visa ending in 1234"},
        "status": "Confirmed", "deliveryInstructions": "Ring doorbell",
        "metadata": {"platformOrderNumber": "SHOP-1234", "paymentId": "pi_abc123xyz"}
    });
    let (status, body) = call(&app, "POST", "/api/v1/orders", Some(order.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["orderNumber"], json!("VES-1121"));
    assert_eq!(body["data"]["status"], json!("Confirmed"));
    let keys: Vec<&str> = body["data"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["id", "orderNumber", "externalOrderId", "status", "createdAt"]);
    let (_, _, text) = send(&app, "GET", "/api/v1/orders/shopify_order_67890", Some("sandbox"), None).await;
    assert!(text.contains(r#""shippingTotal":5.00,"taxTotal":4.80"#), "{text}");
    assert_eq!(list(&app, "?limit=1").await[0]["externalOrderId"], json!("shopify_order_67890"));
    let (status, body) = call(&app, "POST", "/api/v1/orders", Some(order.clone())).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["errorCode"], json!("DUPLICATE_EXTERNAL_ORDER_ID"));
    let mut bare = order.clone();
    bare["externalOrderId"] = json!("shopify_order_1");
    bare.as_object_mut().unwrap().remove("status");
    let (_, body) = call(&app, "POST", "/api/v1/orders", Some(bare)).await;
    assert_eq!(body["data"]["status"], json!("Pending"));
    let (status, body) =
        call(&app, "POST", "/api/v1/orders", Some(json!({"externalOrderId": "x", "items": []}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let errors = body["errors"].as_array().unwrap();
    assert!(errors.contains(&json!("Customer email is required")));
    assert!(errors.contains(&json!("At least one order item is required")));
}

// Injected faults answer with the vendor's 500 body and its 429 with both retry headers.
#[tokio::test]
async fn fault_responses() {
    let (app, control) = app_with(20, 1);
    control.fail_next(1);
    let (status, _, text) = send(&app, "GET", "/api/v1/orders", Some("sandbox"), None).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body, json!({"success":false,"message":"Internal server error","errorCode":"INTERNAL_ERROR"}));
    control.set_rate_limited(true);
    let (status, headers, text) = send(&app, "GET", "/api/v1/orders", Some("sandbox"), None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers["Retry-After"], "1");
    assert_eq!(headers["X-RateLimit-Retry-After"], "1");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (body["success"].clone(), body["errorCode"].clone()),
        (json!(false), json!("RATE_LIMIT_EXCEEDED"))
    );
    control.clear_faults();
    let (status, _, _) = send(&app, "GET", "/api/v1/orders", Some("sandbox"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(control.count_matching("GET", "/api/v1/orders"), 3);
}
