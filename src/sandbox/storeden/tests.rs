//! Tests driving the full harness router (auth, fault layer, vendor routes) without a socket.

use std::collections::HashSet;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::super::{Control, SandboxKind, SandboxOptions};
use super::{data, wire};

fn app_with(orders: usize, seed: u64) -> (Router, Arc<Control>) {
    let opts = SandboxOptions { orders, seed, ..Default::default() };
    let control = Arc::new(Control::default());
    (super::super::router(SandboxKind::Storeden, &opts, control.clone()), control)
}

fn app(orders: usize) -> Router {
    app_with(orders, 1).0
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
    json: Value,
}

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    form: Option<&str>,
    creds: Option<(&str, &str)>,
) -> Reply {
    let mut builder = Request::builder().method(method).uri(format!("/v1.1{uri}"));
    if let Some((key, exchange)) = creds {
        builder = builder.header("key", key).header("exchange", exchange);
    }
    let body = match form {
        Some(form) => {
            builder = builder.header("content-type", "application/x-www-form-urlencoded");
            Body::from(form.to_string())
        }
        None => Body::empty(),
    };
    let response = app.clone().oneshot(builder.body(body).unwrap()).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply { status, headers, text, json }
}

async fn get(app: &Router, uri: &str) -> Reply {
    send(app, "GET", uri, None, Some(("sandbox", "sandbox"))).await
}

async fn write(app: &Router, method: &str, uri: &str, form: &str) -> Reply {
    send(app, method, uri, Some(form), Some(("sandbox", "sandbox"))).await
}

fn dec(v: &Value) -> Decimal {
    assert!(v.is_number(), "not a JSON number: {v}");
    v.to_string().parse().unwrap()
}

/// `2015-12-17T18:19:54+0100`: offset without a colon.
fn assert_compact_date(s: &str) {
    assert_eq!(s.len(), 24, "{s}");
    assert!(s[19..].starts_with('+') && !s[19..].contains(':'), "{s}");
    chrono::DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%z").unwrap();
}

fn assert_error(reply: &Reply, status: StatusCode) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(reply.json["ok"], json!(0), "{}", reply.text);
    assert!(reply.json["err"].is_string(), "{}", reply.text);
}

async fn first_ids(app: &Router, n: usize) -> Vec<String> {
    let list = get(app, &format!("/orders/list.json?limit={n}")).await;
    list.json.as_array().unwrap().iter().map(|r| r["orderID"].as_str().unwrap().to_string()).collect()
}

// Both `key` and `exchange` must equal "sandbox"; otherwise 401 with the {"ok":0,"err"} body.
#[tokio::test]
async fn auth_requires_both_headers() {
    let app = app(5);
    assert_error(&send(&app, "GET", "/orders/list.json", None, None).await, StatusCode::UNAUTHORIZED);
    let wrong = send(&app, "GET", "/orders/list.json", None, Some(("sandbox", "nope"))).await;
    assert_error(&wrong, StatusCode::UNAUTHORIZED);
    let put =
        send(&app, "PUT", "/orders/order.json", Some("orderID=x&status=1"), Some(("x", "sandbox"))).await;
    assert_error(&put, StatusCode::UNAUTHORIZED);
    assert_eq!(get(&app, "/orders/list.json").await.status, StatusCode::OK);
}

// The list is a bare array of 10 rows by default, newest first, with the documented keys and JSON types.
#[tokio::test]
async fn list_defaults_and_types() {
    let app = app(120);
    let reply = get(&app, "/orders/list.json").await;
    let rows = reply.json.as_array().unwrap();
    assert_eq!(rows.len(), 10);
    let mut previous: Option<chrono::DateTime<chrono::FixedOffset>> = None;
    for row in rows {
        let keys: Vec<&str> = row.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["orderID", "total", "orderDate", "status", "iso"]);
        assert!(row["orderID"].as_str().unwrap().starts_with("132_"));
        assert!(dec(&row["total"]) > Decimal::ZERO);
        assert!(row["status"].is_u64());
        let date = row["orderDate"].as_str().unwrap();
        assert_compact_date(date);
        assert_eq!(row["iso"]["orderDate"], row["orderDate"]);
        let parsed = chrono::DateTime::parse_from_str(date, "%Y-%m-%dT%H:%M:%S%z").unwrap();
        assert!(previous.is_none_or(|p| p > parsed), "not newest first");
        previous = Some(parsed);
    }
}

// Out-of-range or malformed paging and filter values are 400 with the error body.
#[tokio::test]
async fn list_bad_params_are_400() {
    let app = app(5);
    for query in [
        "limit=0",
        "limit=501",
        "limit=abc",
        "limit=-1",
        "skip=-1",
        "status=9",
        "status=x",
        "since=yesterday",
        "from=1700000000",
        "to=1700000000",
        "nodes=billing.fullname,password",
    ] {
        assert_error(&get(&app, &format!("/orders/list.json?{query}")).await, StatusCode::BAD_REQUEST);
    }
    assert_eq!(get(&app, "/orders/list.json?limit=500").await.status, StatusCode::OK);
}

// skip/limit walk the orders without overlap, and paging ends on a short then empty page.
#[tokio::test]
async fn paging_ends_on_short_page() {
    let app = app(25);
    let mut seen = Vec::new();
    for (skip, expected) in [(0, 10), (10, 10), (20, 5), (30, 0)] {
        let page = get(&app, &format!("/orders/list.json?limit=10&skip={skip}")).await;
        let rows = page.json.as_array().unwrap();
        assert_eq!(rows.len(), expected, "skip {skip}");
        seen.extend(rows.iter().map(|r| r["orderID"].as_str().unwrap().to_string()));
    }
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 25);
    assert_eq!(seen, first_ids(&app, 500).await);
}

// status, since (strict), from+to (inclusive), orderID[], tags, billing.email and nodes filter and shape rows.
#[tokio::test]
async fn list_filters_and_nodes() {
    let app = app(120);
    let all =
        get(&app, "/orders/list.json?limit=500&nodes=billing.email,billing.fullname,short_id,tags").await;
    let all = all.json.as_array().unwrap().clone();
    assert_eq!(all.len(), 120);
    let sec = |row: &Value| {
        chrono::DateTime::parse_from_str(row["orderDate"].as_str().unwrap(), "%Y-%m-%dT%H:%M:%S%z")
            .unwrap()
            .timestamp()
    };
    let fours = get(&app, "/orders/list.json?limit=500&status=4").await;
    let fours = fours.json.as_array().unwrap();
    assert!(!fours.is_empty() && fours.iter().all(|r| r["status"] == json!(4)));
    let since = get(&app, &format!("/orders/list.json?since={}", sec(&all[4]))).await;
    assert_eq!(since.json.as_array().unwrap().len(), 4);
    let span = get(&app, &format!("/orders/list.json?from={}&to={}", sec(&all[4]), sec(&all[2]))).await;
    let span_ids: Vec<&Value> = span.json.as_array().unwrap().iter().map(|r| &r["orderID"]).collect();
    assert_eq!(span_ids, vec![&all[2]["orderID"], &all[3]["orderID"], &all[4]["orderID"]]);
    let (a, b) = (all[7]["orderID"].as_str().unwrap(), all[50]["orderID"].as_str().unwrap());
    let by_id = get(&app, &format!("/orders/list.json?orderID%5B%5D={a}&orderID%5B%5D={b}")).await;
    assert_eq!(by_id.json.as_array().unwrap().len(), 2);
    let vip = get(&app, "/orders/list.json?limit=500&tags=vip,b2b&nodes=tags").await;
    let vip = vip.json.as_array().unwrap();
    assert!(!vip.is_empty());
    assert!(vip.iter().all(|r| r["tags"].as_array().unwrap().iter().any(|t| t == "vip" || t == "b2b")));
    let email = all[9]["billing"]["email"].as_str().unwrap();
    let by_email =
        get(&app, &format!("/orders/list.json?limit=500&billing.email={}", email.to_uppercase())).await;
    assert!(by_email.json.as_array().unwrap().iter().any(|r| r["orderID"] == all[9]["orderID"]));
    assert!(all[0]["billing"]["fullname"].is_string());
    assert_eq!(all[0]["short_id"], json!(1120));
    assert_eq!(all[119]["short_id"], json!(1001));
}

// The full order has the documented shapes and types, and every order's amounts add up.
#[tokio::test]
async fn order_detail_types_and_totals() {
    let app = app(120);
    for id in first_ids(&app, 500).await {
        let o = get(&app, &format!("/orders/order.json?orderID={id}")).await.json;
        assert_eq!(o["orderID"], json!(id));
        for side in ["billing", "delivery"] {
            let a = &o[side];
            for field in ["addr1", "addr2", "city", "email", "fullname", "phone", "vat", "zip"] {
                assert!(a[field].is_string(), "{side}.{field}");
            }
            assert!(a["country"].as_str().unwrap().parse::<u32>().is_ok());
            assert!(a["state"].as_str().unwrap().parse::<u32>().is_ok());
            assert_eq!(a["principal"], json!(1));
            assert!(a["userUID"].is_i64());
            assert!(a["phone"].as_str().unwrap().contains('/'));
        }
        let cart = &o["cart"];
        let items = cart["items"].as_object().unwrap();
        assert!(!items.is_empty() && items.len() <= 4);
        let mut sum = Decimal::ZERO;
        for (key, item) in items {
            assert!(key.contains("#|#"), "{key}");
            assert_eq!(key.split("#|#").nth(1).unwrap(), item["options"].as_str().unwrap());
            assert!(item["count"].is_u64() && item["title"].is_string() && item["sku"].is_string());
            sum += dec(&item["price"]) * Decimal::from(item["count"].as_u64().unwrap());
        }
        let total =
            sum - dec(&cart["saleAmount"]) + dec(&cart["shippingAmount"]) + dec(&cart["paymentAmount"]);
        assert_eq!(total, dec(&o["total"]), "{id}");
        assert_eq!(dec(&cart["total"]), dec(&o["total"]));
        assert_eq!(cart["checkouted"], json!(true));
        assert!(o["orderDate"]["sec"].is_i64() && o["orderDate"]["usec"].is_u64());
        assert_compact_date(o["iso"]["orderDate"].as_str().unwrap());
        let iso =
            chrono::DateTime::parse_from_str(o["iso"]["orderDate"].as_str().unwrap(), "%Y-%m-%dT%H:%M:%S%z");
        assert_eq!(iso.unwrap().timestamp(), o["orderDate"]["sec"].as_i64().unwrap());
        assert!(o["status"].is_u64() && o["transactionID"].is_string() && o["tags"].is_array());
        assert_eq!(o["method"], cart["shippingProfile"]);
        assert_eq!(o["payment"], cart["paymentProfile"]);
    }
}

// Amounts print like the docs (110, 7.5, 45.25) and a zero saleAmount is written 0.00.
#[tokio::test]
async fn money_is_printed_as_documented() {
    assert_eq!(wire::money(11000).to_string(), "110");
    assert_eq!(wire::money(750).to_string(), "7.5");
    assert_eq!(wire::money(4525).to_string(), "45.25");
    assert_eq!(wire::money(5).to_string(), "0.05");
    let app = app(40);
    let mut saw_zero_sale = false;
    for id in first_ids(&app, 40).await {
        let o = get(&app, &format!("/orders/order.json?orderID={id}")).await;
        if o.json["cart"]["couponCode"] == json!("") {
            assert!(o.text.contains("\"saleAmount\":0.00"), "{}", o.text);
            saw_zero_sale = true;
        }
    }
    assert!(saw_zero_sale);
}

// The legacy detail carries items as an array with product_uid and product_endpoint.
#[tokio::test]
async fn legacy_order_items_array() {
    let app = app(5);
    let id = &first_ids(&app, 1).await[0];
    let o = get(&app, &format!("/orders/legacy_order.json?orderID={id}")).await.json;
    let items = o["cart"]["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i["product_uid"].is_u64() && i["product_endpoint"].is_string()));
}

// A read without orderID is 400; an unknown orderID is 404, on every per-order GET.
#[tokio::test]
async fn per_order_reads_need_a_known_id() {
    let app = app(5);
    for path in ["order.json", "legacy_order.json", "tracking.json", "timeline.json"] {
        assert_error(&get(&app, &format!("/orders/{path}")).await, StatusCode::BAD_REQUEST);
        assert_error(&get(&app, &format!("/orders/{path}?orderID=132_nope")).await, StatusCode::NOT_FOUND);
    }
}

// statuses.json is exactly the documented grouping, in the documented order.
#[tokio::test]
async fn statuses_exactly_as_documented() {
    let reply = get(&app(1), "/orders/statuses.json").await;
    assert_eq!(
        reply.text,
        r#"{"opened":{"0":"Pending Payment","1":"Order Paid"},"processing":{"2":"Preparation","3":"Sent","4":"Delivered"},"closed":{"5":"Closed","6":"Archived/Deleted","7":"Aborted"},"aftersale":{"8":"AfterSale"}}"#
    );
}

// The first nine orders walk statuses 0–8, so the whole vocabulary is seeded.
#[tokio::test]
async fn seed_covers_every_status() {
    let app = app(120);
    let rows = get(&app, "/orders/list.json?limit=9").await.json;
    let statuses: Vec<u64> = rows.as_array().unwrap().iter().map(|r| r["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, (0..=8).collect::<Vec<u64>>());
}

// PUT order.json sets the status, answers {"ok":1,"err":null} and appends to the timeline.
#[tokio::test]
async fn update_status_succeeds() {
    let app = app(10);
    let id = &first_ids(&app, 2).await[1];
    let reply = write(&app, "PUT", "/orders/order.json", &format!("orderID={id}&status=2")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text, r#"{"ok":1,"err":null}"#);
    let row = get(&app, &format!("/orders/list.json?orderID%5B%5D={id}")).await.json;
    assert_eq!(row[0]["status"], json!(2));
    let timeline = get(&app, &format!("/orders/timeline.json?orderID={id}")).await.json;
    assert_eq!(timeline.as_array().unwrap().last().unwrap()["status"], json!(2));
    let cancel = write(&app, "PUT", "/orders/order.json", &format!("orderID={id}&status=7")).await;
    assert_eq!(cancel.json["ok"], json!(1));
}

// The documented status-3 rules: known courier, pickup_date mandatory with courier+tracking, yyyy-mm-dd.
#[tokio::test]
async fn update_status_refusals() {
    let app = app(10);
    let id = &first_ids(&app, 3).await[2];
    let cases = [
        format!("orderID={id}"),
        format!("orderID={id}&status=9"),
        format!("orderID={id}&status=sent"),
        "status=3".to_string(),
        format!("orderID={id}&status=3&courier=PONYEXPRESS"),
        format!("orderID={id}&status=3&courier=BRT&tracking=123"),
        format!("orderID={id}&status=3&courier=BRT&tracking=123&pickup_date=18-01-2026"),
        format!("orderID={id}&status=2&courier=BRT"),
    ];
    for form in &cases {
        assert_error(&write(&app, "PUT", "/orders/order.json", form).await, StatusCode::BAD_REQUEST);
    }
    let unknown = write(&app, "PUT", "/orders/order.json", "orderID=132_nope&status=1").await;
    assert_error(&unknown, StatusCode::NOT_FOUND);
    let empty = send(&app, "PUT", "/orders/order.json", None, Some(("sandbox", "sandbox"))).await;
    assert_error(&empty, StatusCode::BAD_REQUEST);
    // Nothing changed: the order is still in status 2.
    let row = get(&app, &format!("/orders/list.json?orderID%5B%5D={id}")).await.json;
    assert_eq!(row[0]["status"], json!(2));
}

// Status 3 with courier, tracking, pickup_date and tracking_url is stored and shown by tracking.json.
#[tokio::test]
async fn update_to_sent_records_tracking() {
    let app = app(10);
    let id = &first_ids(&app, 2).await[1];
    let form = format!(
        "orderID={id}&status=3&courier=GLS&tracking=XY123&pickup_date=2026-11-02&tracking_url=https%3A%2F%2Ft.example%2FXY123"
    );
    assert_eq!(write(&app, "PUT", "/orders/order.json", &form).await.json, json!({"ok":1,"err":null}));
    let t = get(&app, &format!("/orders/tracking.json?orderID={id}")).await.json;
    assert_eq!(
        t,
        json!({"url":"https://t.example/XY123","courier":"GLS","tracking":"XY123","pickup_date":"2026-11-02"})
    );
    let only_number =
        write(&app, "PUT", "/orders/order.json", &format!("orderID={id}&status=3&tracking=N1")).await;
    assert_eq!(only_number.status, StatusCode::OK);
}

// A JSON body is refused: writes must be application/x-www-form-urlencoded.
#[tokio::test]
async fn writes_must_be_form_encoded() {
    let app = app(3);
    let id = &first_ids(&app, 1).await[0];
    let request = Request::builder()
        .method("PUT")
        .uri("/v1.1/orders/order.json")
        .header("key", "sandbox")
        .header("exchange", "sandbox")
        .header("content-type", "application/json")
        .body(Body::from(format!(r#"{{"orderID":"{id}","status":1}}"#)))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

// Tag writes count only real changes (nAdded / nRemoved) and need orderID and tags.
#[tokio::test]
async fn tags_add_and_remove_count_changes() {
    let app = app(10);
    let id = &first_ids(&app, 1).await[0];
    let added =
        write(&app, "POST", "/orders/tags.json", &format!("orderID={id}&tags=gift-wrap,%20b2c")).await;
    assert_eq!(added.text, format!(r#"{{"orderID":"{id}","nAdded":2}}"#));
    let again = write(&app, "POST", "/orders/tags.json", &format!("orderID={id}&tags=gift-wrap,late")).await;
    assert_eq!(again.json["nAdded"], json!(1));
    let removed =
        write(&app, "DELETE", "/orders/tags.json", &format!("orderID={id}&tags=gift-wrap,absent")).await;
    assert_eq!(removed.text, format!(r#"{{"orderID":"{id}","nRemoved":1}}"#));
    let order = get(&app, &format!("/orders/order.json?orderID={id}")).await.json;
    let tags = order["tags"].as_array().unwrap();
    assert!(
        tags.contains(&json!("b2c")) && tags.contains(&json!("late")) && !tags.contains(&json!("gift-wrap"))
    );
    let filtered = get(&app, "/orders/list.json?tags=late").await.json;
    assert_eq!(filtered.as_array().unwrap().len(), 1);
    assert_error(
        &write(&app, "POST", "/orders/tags.json", &format!("orderID={id}&tags=")).await,
        StatusCode::BAD_REQUEST,
    );
    assert_error(&write(&app, "DELETE", "/orders/tags.json", "tags=a").await, StatusCode::BAD_REQUEST);
    assert_error(
        &write(&app, "POST", "/orders/tags.json", "orderID=132_nope&tags=a").await,
        StatusCode::NOT_FOUND,
    );
}

// Sent orders carry tracking with a listed courier; unshipped ones answer empty strings; timelines agree.
#[tokio::test]
async fn tracking_timeline_and_couriers() {
    let app = app(12);
    let couriers = get(&app, "/orders/couriers.json").await.json;
    assert_eq!(couriers["TNT"], json!({"code":"TNT","name":"TNT","country":"global"}));
    let ids = first_ids(&app, 9).await;
    let sent = get(&app, &format!("/orders/tracking.json?orderID={}", ids[3])).await.json;
    assert!(couriers.get(sent["courier"].as_str().unwrap()).is_some());
    assert_eq!(sent["pickup_date"].as_str().unwrap().len(), 10);
    assert!(sent["url"].as_str().unwrap().contains(sent["tracking"].as_str().unwrap()));
    let pending = get(&app, &format!("/orders/tracking.json?orderID={}", ids[0])).await.json;
    assert_eq!(pending, json!({"url":"","courier":"","tracking":"","pickup_date":""}));
    for (status, id) in ids.iter().enumerate() {
        let timeline = get(&app, &format!("/orders/timeline.json?orderID={id}")).await.json;
        let events = timeline.as_array().unwrap();
        assert_eq!(events.last().unwrap()["status"], json!(status));
        for e in events {
            assert!(e["ip"].is_string() && e["ts"].is_i64());
            let iso = chrono::DateTime::parse_from_rfc3339(e["iso_date"].as_str().unwrap()).unwrap();
            assert_eq!(iso.timestamp(), e["ts"].as_i64().unwrap());
        }
    }
}

// The same seed gives byte-identical JSON; another seed gives other orders.
#[tokio::test]
async fn seeding_is_deterministic() {
    let (a, b, c) = (app_with(60, 42).0, app_with(60, 42).0, app_with(60, 43).0);
    let list_a = get(&a, "/orders/list.json?limit=500&nodes=tags,short_id").await.text;
    assert_eq!(list_a, get(&b, "/orders/list.json?limit=500&nodes=tags,short_id").await.text);
    assert_ne!(list_a, get(&c, "/orders/list.json?limit=500&nodes=tags,short_id").await.text);
    let id = &first_ids(&a, 5).await[4];
    let uri = format!("/orders/order.json?orderID={id}");
    assert_eq!(get(&a, &uri).await.text, get(&b, &uri).await.text);
}

// Injected faults: 429 with Retry-After and X-Storeden-Limit; 500 with the {"ok":0} body.
#[tokio::test]
async fn fault_responses() {
    let (app, control) = app_with(3, 1);
    control.set_rate_limited(true);
    let limited = get(&app, "/orders/list.json").await;
    assert_error(&limited, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.headers["retry-after"], "1");
    assert_eq!(limited.headers["x-storeden-limit"], "0/5");
    control.set_rate_limited(false);
    control.fail_next(1);
    assert_error(&get(&app, "/orders/list.json").await, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(get(&app, "/orders/list.json").await.status, StatusCode::OK);
    assert_eq!(control.count_matching("GET", "/v1.1/orders/list.json"), 3);
}

// Offsets follow EU summer time (+0200 between the last Sundays of March and October, 01:00 UTC).
#[test]
fn rome_offsets() {
    let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp();
    assert_eq!(wire::compact_date(at("2026-07-01T12:00:00Z")), "2026-07-01T14:00:00+0200");
    assert_eq!(wire::compact_date(at("2026-11-01T12:00:00Z")), "2026-11-01T13:00:00+0100");
    assert!(wire::compact_date(at("2026-03-29T00:59:59Z")).ends_with("+0100"));
    assert!(wire::compact_date(at("2026-03-29T01:00:00Z")).ends_with("+0200"));
    assert!(wire::compact_date(at("2026-10-25T00:59:59Z")).ends_with("+0200"));
    assert!(wire::compact_date(at("2026-10-25T01:00:00Z")).ends_with("+0100"));
    assert_eq!(wire::colon_date(at("2018-07-25T14:06:59Z")), "2018-07-25T16:06:59+02:00");
}

// Seeding 3,100 orders is fast, ids are unique, and both offsets occur over the year.
#[test]
fn large_seed_is_fast_and_unique() {
    let started = std::time::Instant::now();
    let store = data::Store::seeded(3_100, 9);
    assert!(started.elapsed().as_secs_f64() < 2.0);
    let ids: HashSet<&str> = store.orders.iter().map(|o| o.order_id.as_str()).collect();
    assert_eq!(ids.len(), 3_100);
    let dates: Vec<String> = store.orders.iter().map(|o| wire::compact_date(o.placed_sec())).collect();
    assert!(dates.iter().any(|d| d.ends_with("+0200")) && dates.iter().any(|d| d.ends_with("+0100")));
}
