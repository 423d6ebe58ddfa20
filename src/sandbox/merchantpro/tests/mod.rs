//! Tests of the MerchantPro sandbox, driven through the full harness router.

use std::collections::HashSet;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::super::{Control, SandboxKind, SandboxOptions, router};
use super::model::{PAYMENT_STATUSES, SHIPPING_STATUSES, store_time};

fn app(orders: usize, seed: u64) -> (Router, Arc<Control>) {
    let control = Arc::new(Control::default());
    let opts = SandboxOptions { orders, seed, latency: Duration::ZERO };
    (router(SandboxKind::Merchantpro, &opts, control.clone()), control)
}

fn basic(key: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{key}:{secret}")))
}

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    auth: Option<&str>,
    body: &str,
) -> (StatusCode, HeaderMap, String) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(auth) = auth {
        request = request.header(header::AUTHORIZATION, auth);
    }
    if !body.is_empty() {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    let response = app.clone().oneshot(request.body(Body::from(body.to_string())).unwrap()).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
}

async fn call(app: &Router, method: &str, uri: &str, body: &str) -> (StatusCode, Value) {
    let (status, _, text) = send(app, method, uri, Some(&basic("sandbox", "sandbox")), body).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn get(app: &Router, uri: &str) -> (StatusCode, Value) {
    call(app, "GET", uri, "").await
}

fn dec(v: &Value) -> Decimal {
    assert!(v.is_number(), "expected a JSON number, got {v}");
    Decimal::from_str(&v.to_string()).unwrap()
}

fn rows(body: &Value) -> &Vec<Value> {
    body["data"].as_array().unwrap()
}

/// The id digits of a row, whether emitted as int or string.
fn id_of(row: &Value) -> String {
    match &row["id"] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

// Missing, wrong or malformed Basic credentials get the 401 JSON body on every route; the right ones pass.
#[tokio::test]
async fn auth_required_everywhere() {
    let (app, _) = app(5, 1);
    let wrong = [
        None,
        Some(basic("sandbox", "nope")),
        Some(basic("nope", "sandbox")),
        Some("Bearer sandbox".to_string()),
        Some("Basic !!!not-base64".to_string()),
        Some(format!("Basic {}", STANDARD.encode("sandbox"))),
    ];
    for auth in &wrong {
        for (method, uri) in [
            ("GET", "/api/v2/orders"),
            ("GET", "/api/v2/orders/12345001"),
            ("PATCH", "/api/v2/orders/12345001/shipped"),
            ("GET", "/nowhere"),
        ] {
            let (status, headers, body) = send(&app, method, uri, auth.as_deref(), "").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {uri} with {auth:?}");
            assert_eq!(headers[header::WWW_AUTHENTICATE], "Basic realm=\"MerchantPro API\"");
            let body: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(body, json!({"error": {"code": 401, "message": "Unauthorized"}}));
        }
    }
    let (status, _, _) = send(&app, "GET", "/api/v2/orders", Some(&basic("sandbox", "sandbox")), "").await;
    assert_eq!(status, StatusCode::OK);
}

// limit above 100, zero or non-numeric, negative start, unknown sort or include are 400s with the error body.
#[tokio::test]
async fn paging_limits_are_enforced() {
    let (app, _) = app(20, 1);
    for query in
        ["limit=101", "limit=0", "limit=abc", "start=-1", "start=x", "sort=total_amount", "include=invoice"]
    {
        let (status, body) = get(&app, &format!("/api/v2/orders?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(body["error"]["code"], json!(400));
        assert!(body["error"]["message"].is_string());
    }
    let (status, body) = get(&app, "/api/v2/orders?limit=100&start=0").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rows(&body).len(), 20);
}

// Default page is 100 newest first; links.next walks start/limit to the end, where it is null.
#[tokio::test]
async fn paging_walks_links_to_a_null_next() {
    let (app, _) = app(250, 3);
    let (_, first) = get(&app, "/api/v2/orders").await;
    assert_eq!(first["meta"]["count"], json!({"total": 250, "current": 100, "start": 0, "limit": 100}));
    assert_eq!(first["meta"]["links"]["prev"], Value::Null);
    assert_eq!(first["meta"]["links"]["current"], json!("/api/v2/orders"));
    let dates: Vec<String> =
        rows(&first).iter().map(|r| r["date_created"].as_str().unwrap().to_string()).collect();
    let instants: Vec<i64> =
        dates.iter().map(|d| chrono::DateTime::parse_from_rfc3339(d).unwrap().timestamp()).collect();
    assert!(instants.windows(2).all(|w| w[0] > w[1]), "newest first");

    let mut uri = "/api/v2/orders?limit=100&include=line_items".to_string();
    let mut seen = HashSet::new();
    let mut pages = Vec::new();
    loop {
        let (status, page) = get(&app, &uri).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page["meta"]["links"]["current"], json!(uri));
        pages.push(page["meta"]["count"]["current"].as_u64().unwrap());
        seen.extend(rows(&page).iter().map(id_of));
        match &page["meta"]["links"]["next"] {
            Value::String(next) => uri = next.clone(),
            Value::Null => break,
            other => panic!("links.next must be a string or null, got {other}"),
        }
    }
    assert_eq!(pages, vec![100, 100, 50]);
    assert_eq!(seen.len(), 250);
    let (_, last) = get(&app, "/api/v2/orders?limit=100&start=200").await;
    assert_eq!(last["meta"]["links"]["prev"], json!("/api/v2/orders?limit=100&start=100"));
    assert_eq!(last["meta"]["links"]["next"], Value::Null);
    let (_, beyond) = get(&app, "/api/v2/orders?start=900").await;
    assert_eq!(beyond["meta"]["count"]["current"], json!(0));
    let (_, asc) = get(&app, "/api/v2/orders?sort=date_created&limit=1").await;
    let (_, last_desc) = get(&app, "/api/v2/orders?start=249&limit=1").await;
    assert_eq!(rows(&asc)[0]["id"], rows(&last_desc)[0]["id"]);
}

// List rows carry the documented JSON types; line_items appear only with include=line_items.
#[tokio::test]
async fn list_rows_have_documented_types() {
    let (app, _) = app(60, 5);
    let (_, plain) = get(&app, "/api/v2/orders?limit=60").await;
    assert!(rows(&plain).iter().all(|r| r.get("line_items").is_none()));
    let (_, full) = get(&app, "/api/v2/orders?limit=60&include=line_items").await;
    for (i, row) in rows(&full).iter().enumerate() {
        if i % 10 == 9 {
            assert!(row["id"].is_string(), "row {i} carries a string id");
        } else {
            assert!(row["id"].is_u64(), "row {i} carries an int id");
        }
        assert!(row["total_amount"].is_number());
        assert!(row["shipping_amount"].is_number() || row["id"] == json!(12345001));
        assert_eq!(row["currency"], json!("RON"));
        for key in ["date_created", "date_modified"] {
            let date = row[key].as_str().unwrap();
            assert_eq!(date.len(), 25, "{date}");
            assert!(date.ends_with("+02:00") || date.ends_with("+03:00"), "{date}");
        }
        assert!(row["date_shipped"].is_null() || row["date_shipped"].is_string());
        assert!(row["payment_status_text"].is_string() && row["shipping_status_text"].is_string());
        assert!(row["shipping_method_id"].is_u64());
        let country = row["billing_country_code"].as_str().unwrap();
        assert!(country.len() == 2 && country.chars().all(|c| c.is_ascii_uppercase()));
        match &row["tags"] {
            Value::Null => {}
            Value::Array(tags) => {
                assert!(!tags.is_empty() && tags.iter().all(|t| t["id"].is_u64() && t["name"].is_string()))
            }
            other => panic!("tags must be null or a list, got {other}"),
        }
        assert!(row["invoice"].is_null() || row["invoice"]["cancelled"].is_boolean());
        let lines = row["line_items"].as_array().unwrap();
        assert!(!lines.is_empty());
        for line in lines {
            assert!(line["quantity"].is_u64() && line["product_tax_percent"].is_u64());
            assert!(line["unit_price_net"].is_number() && line["line_subtotal_gross"].is_number());
        }
    }
    let shipped: Vec<&Value> =
        rows(&full).iter().filter(|r| r["shipping_status"] == json!("shipped")).collect();
    assert!(shipped.iter().any(|r| r["shipping_awb"].is_string() && r["date_shipped"].is_string()));
}

// The doc's example order 12345001 is served as documented: bare resource, 453.05 RON, two exact lines.
#[tokio::test]
async fn documented_example_order_is_served() {
    let (app, _) = app(3, 9);
    let (status, _, text) =
        send(&app, "GET", "/api/v2/orders/12345001", Some(&basic("sandbox", "sandbox")), "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("\"total_amount\":453.05"), "{text}");
    assert!(text.contains("\"unit_price_net\":98.34,\"unit_tax_amount\":18.69,\"unit_price_gross\":117.03"));
    assert!(
        text.contains(
            "\"line_subtotal_net\":196.68,\"line_tax_amount\":37.38,\"line_subtotal_gross\":234.06"
        )
    );
    let order: Value = serde_json::from_str(&text).unwrap();
    assert!(order.get("data").is_none());
    assert_eq!(order["id"], json!(12345001));
    assert_eq!(order["shipping_amount"], Value::Null);
    assert_eq!(order["tags"], Value::Null);
    assert_eq!(order["payment_method_code"], json!("cash_delivery"));
    assert_eq!(order["line_items"].as_array().unwrap().len(), 2);
    assert_eq!(order["invoice"]["cancelled"], json!(false));
}

// String-id orders are found by their digits in paths and ids=; unknown or non-numeric ids are 404s.
#[tokio::test]
async fn ids_in_both_types_and_unknown_ids() {
    let (app, _) = app(12, 2);
    let (_, list) = get(&app, "/api/v2/orders?limit=12").await;
    let string_id = rows(&list)[9]["id"].as_str().unwrap().to_string();
    let int_id = rows(&list)[1]["id"].as_u64().unwrap();
    let (status, order) = get(&app, &format!("/api/v2/orders/{string_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(order["id"], json!(string_id));
    let (_, both) = get(&app, &format!("/api/v2/orders?ids={int_id},{string_id}&id=")).await;
    assert_eq!(both["meta"]["count"]["total"], json!(2));
    let (_, one) = get(&app, &format!("/api/v2/orders?id={string_id}")).await;
    assert_eq!(one["meta"]["count"]["total"], json!(1));
    for missing in ["99", "abc", "-1"] {
        let (status, body) = get(&app, &format!("/api/v2/orders/{missing}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["code"], json!(404));
    }
    let (status, _) = get(&app, "/api/v2/orders?ids=1,abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

// fields= keeps id plus the named fields, on the list and on the single GET.
#[tokio::test]
async fn fields_restrict_the_resource() {
    let (app, _) = app(4, 1);
    let (_, list) = get(&app, "/api/v2/orders?fields=payment_status,total_amount").await;
    for row in rows(&list) {
        let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "payment_status", "total_amount"]);
    }
    let (_, one) = get(&app, "/api/v2/orders/12345001?fields=total_amount,line_items").await;
    let keys: Vec<&String> = one.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "total_amount", "line_items"]);
}

// Status, e-mail, tag and date filters select exactly; created_after is inclusive, created_before exclusive.
#[tokio::test]
async fn filters_select_exactly() {
    let (app, _) = app(200, 4);
    let (_, paid) = get(&app, "/api/v2/orders?payment_status=paid").await;
    assert!(rows(&paid).iter().all(|r| r["payment_status"] == json!("paid")) && !rows(&paid).is_empty());
    let (_, shipped) =
        get(&app, "/api/v2/orders?shipping_status=shipped&payment_method_code=cash_delivery").await;
    assert!(rows(&shipped).iter().all(|r| r["shipping_status"] == json!("shipped")));
    let (_, all) = get(&app, "/api/v2/orders?limit=100").await;
    let sample = &rows(&all)[42];
    let email = sample["customer_email"].as_str().unwrap().to_uppercase();
    let (_, by_email) = get(&app, &format!("/api/v2/orders?customer_email={email}")).await;
    assert!(rows(&by_email).iter().any(|r| r["id"] == sample["id"]));
    let (_, vip) = get(&app, "/api/v2/orders?tag_name=vip").await;
    assert!(!rows(&vip).is_empty());
    assert!(
        rows(&vip).iter().all(|r| r["tags"].as_array().unwrap().iter().any(|t| t["name"] == json!("vip")))
    );
    let (_, by_tag_id) = get(&app, "/api/v2/orders?tag_ids=1,999").await;
    assert_eq!(by_tag_id["meta"]["count"]["total"], vip["meta"]["count"]["total"]);

    let created = sample["date_created"].as_str().unwrap();
    let encoded = created.replace('+', "%2B");
    let (_, after) = get(&app, &format!("/api/v2/orders?created_after={encoded}")).await;
    assert_eq!(after["meta"]["count"]["total"], json!(43));
    let (_, before) = get(&app, &format!("/api/v2/orders?created_before={encoded}")).await;
    assert_eq!(before["meta"]["count"]["total"], json!(200 - 43));
    let day = &created[..10];
    let (_, same_day) = get(&app, &format!("/api/v2/orders?created_after={day}&created_before={day}")).await;
    assert_eq!(same_day["meta"]["count"]["total"], json!(0));
    let (status, _) = get(&app, "/api/v2/orders?created_after=yesterday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

// Every order's money adds up: gross = net + tax per unit and line, total = lines + shipping.
#[tokio::test]
async fn amounts_are_consistent() {
    let (app, _) = app(300, 8);
    let mut discounts = 0;
    for start in [0, 100, 200] {
        let (_, page) = get(&app, &format!("/api/v2/orders?include=line_items&start={start}")).await;
        for row in rows(&page) {
            let mut sum = Decimal::ZERO;
            for line in row["line_items"].as_array().unwrap() {
                let qty = Decimal::from(line["quantity"].as_u64().unwrap());
                let (net, tax, gross) = (
                    dec(&line["unit_price_net"]),
                    dec(&line["unit_tax_amount"]),
                    dec(&line["unit_price_gross"]),
                );
                assert_eq!(net + tax, gross);
                assert!(net.scale() <= 4);
                assert_eq!(dec(&line["line_subtotal_net"]), net * qty);
                assert_eq!(dec(&line["line_tax_amount"]), tax * qty);
                assert_eq!(dec(&line["line_subtotal_gross"]), gross * qty);
                if line["item_type"] == json!("discount") {
                    discounts += 1;
                    assert!(gross.is_sign_negative() && row["coupon_code"].is_string());
                }
                sum += gross * qty;
            }
            let shipping =
                if row["shipping_amount"].is_null() { Decimal::ZERO } else { dec(&row["shipping_amount"]) };
            assert_eq!(dec(&row["total_amount"]), sum + shipping, "order {}", row["id"]);
        }
    }
    assert!(discounts > 0);
}

// With 11 orders every payment status (both cancel spellings) and every shipping status appears;
// larger seeds only draw from the vocabulary.
#[tokio::test]
async fn status_vocabulary_is_covered() {
    let (app, _) = app(11, 6);
    let (_, body) = get(&app, "/api/v2/orders").await;
    let pay: HashSet<&str> = rows(&body).iter().map(|r| r["payment_status"].as_str().unwrap()).collect();
    let ship: HashSet<&str> = rows(&body).iter().map(|r| r["shipping_status"].as_str().unwrap()).collect();
    assert_eq!(pay, PAYMENT_STATUSES.iter().copied().collect());
    assert_eq!(ship, SHIPPING_STATUSES.iter().copied().collect());
    let (app, _) = super::tests::app(400, 6);
    for start in [0, 100, 200, 300] {
        let (_, page) = get(&app, &format!("/api/v2/orders?start={start}")).await;
        for row in rows(&page) {
            assert!(PAYMENT_STATUSES.contains(&row["payment_status"].as_str().unwrap()));
            assert!(SHIPPING_STATUSES.contains(&row["shipping_status"].as_str().unwrap()));
        }
    }
}

// The same seed gives byte-identical JSON; another seed gives other orders.
#[tokio::test]
async fn seeding_is_deterministic() {
    let auth = basic("sandbox", "sandbox");
    let uri = "/api/v2/orders?include=line_items";
    let (a, b, c) = (app(120, 42).0, app(120, 42).0, app(120, 43).0);
    let (_, _, text_a) = send(&a, "GET", uri, Some(&auth), "").await;
    let (_, _, text_b) = send(&b, "GET", uri, Some(&auth), "").await;
    let (_, _, text_c) = send(&c, "GET", uri, Some(&auth), "").await;
    assert_eq!(text_a, text_b);
    assert_ne!(text_a, text_c);
}

// Injected faults answer MerchantPro-style: 429 with Retry-After: 1, and a JSON 500.
#[tokio::test]
async fn fault_responses() {
    let (app, control) = app(3, 1);
    let auth = basic("sandbox", "sandbox");
    control.set_rate_limited(true);
    let (status, headers, body) = send(&app, "GET", "/api/v2/orders", Some(&auth), "").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers[header::RETRY_AFTER], "1");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"error": {"code": 429, "message": "Too many requests"}})
    );
    control.set_rate_limited(false);
    control.fail_next(1);
    let (status, _, body) = send(&app, "GET", "/api/v2/orders", Some(&auth), "").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["error"]["code"], json!(500));
    assert_eq!(send(&app, "GET", "/api/v2/orders", Some(&auth), "").await.0, StatusCode::OK);
}

// Dates are Bucharest store time: +02:00 in winter, +03:00 in summer, switching on the EU Sundays.
#[test]
fn store_time_follows_bucharest_dst() {
    assert_eq!(store_time(1_575_555_083), "2019-12-05T16:11:23+02:00");
    assert_eq!(store_time(1_588_662_294), "2020-05-05T10:04:54+03:00");
    // 2026-03-29 00:59:59Z is still winter; 01:00:00Z is summer.
    assert_eq!(store_time(1_774_745_999), "2026-03-29T02:59:59+02:00");
    assert_eq!(store_time(1_774_746_000), "2026-03-29T04:00:00+03:00");
}

mod mutations;
