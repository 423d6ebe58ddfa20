//! Tests of the VTEX sandbox, driving the full harness router (auth, faults, request log included).

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use serde_json::{Value, json};
use tower::ServiceExt;

use super::super::{Control, Fault, SandboxKind, SandboxOptions};
use super::model::STATUSES;

const LIST: &str = "/api/oms/pvt/orders";

fn app_with(orders: usize, seed: u64) -> (Router, Arc<Control>) {
    let control = Arc::new(Control::default());
    let opts = SandboxOptions { orders, seed, ..SandboxOptions::default() };
    (super::super::router(SandboxKind::Vtex, &opts, control.clone()), control)
}

fn app() -> Router {
    app_with(120, 1).0
}

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let mut request = Request::builder().method(method).uri(uri).header("Accept", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = match body {
        Some(value) => {
            request = request.header("Content-Type", "application/json");
            Body::from(value.to_string())
        }
        None => Body::empty(),
    };
    let response = app.clone().oneshot(request.body(body).unwrap()).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
}

const AUTH: &[(&str, &str)] = &[("X-VTEX-API-AppKey", "sandbox"), ("X-VTEX-API-AppToken", "sandbox")];

async fn call(app: &Router, method: &str, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
    let (status, _, text) = send(app, method, uri, body, AUTH).await;
    let value = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() };
    (status, value)
}

async fn get(app: &Router, uri: &str) -> Value {
    let (status, value) = call(app, "GET", uri, None).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {value}");
    value
}

/// The first order (newest first) whose status is `status`.
async fn order_in(app: &Router, status: &str) -> Value {
    let list = get(app, &format!("{LIST}?f_status={status}&per_page=1")).await;
    let id = list["list"][0]["orderId"].as_str().unwrap_or_else(|| panic!("no {status} order")).to_string();
    get(app, &format!("{LIST}/{id}")).await
}

fn is_vtex_date(s: &str) -> bool {
    // 2024-02-04T20:09:43.8999580+00:00, 0 to 7 fractional digits, offset with a colon.
    let (main, offset) = s.split_at(s.len() - 6);
    let offset_ok =
        offset.len() == 6 && (offset.starts_with('+') || offset.starts_with('-')) && &offset[3..4] == ":";
    let (secs, frac) = main.split_once('.').unwrap_or((main, ""));
    offset_ok
        && chrono::NaiveDateTime::parse_from_str(secs, "%Y-%m-%dT%H:%M:%S").is_ok()
        && frac.len() <= 7
        && frac.bytes().all(|b| b.is_ascii_digit())
}

fn error_code(body: &Value) -> &str {
    assert_eq!(body["error"]["exception"], Value::Null, "{body}");
    body["error"]["code"].as_str().unwrap()
}

// Without both app-key headers equal to "sandbox", every route answers 401 with VTEX's body.
#[tokio::test]
async fn auth_is_required() {
    let app = app();
    let expected = json!({"error": {"code": "1", "message": "Unauthorized access", "exception": null}});
    for headers in [
        &[][..],
        &[("X-VTEX-API-AppKey", "sandbox")][..],
        &[("X-VTEX-API-AppKey", "sandbox"), ("X-VTEX-API-AppToken", "wrong")][..],
    ] {
        let (status, _, body) = send(&app, "GET", LIST, None, headers).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), expected);
    }
    let (status, _, _) = send(&app, "POST", &format!("{LIST}/x-01/start-handling"), None, &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

// per_page defaults to 15 and caps at 100, page caps at 30: beyond either, 400 with VTEX's envelope.
#[tokio::test]
async fn paging_limits() {
    let (app, _) = app_with(250, 3);
    let first = get(&app, LIST).await;
    assert_eq!(first["paging"], json!({"total": 250, "pages": 17, "currentPage": 1, "perPage": 15}));
    assert_eq!(first["list"].as_array().unwrap().len(), 15);
    let full = get(&app, &format!("{LIST}?page=3&per_page=100")).await;
    assert_eq!(full["list"].as_array().unwrap().len(), 50);
    let empty = get(&app, &format!("{LIST}?page=30&per_page=100")).await;
    assert_eq!(empty["list"], json!([]));
    for query in
        ["per_page=101", "per_page=0", "page=0", "page=abc", "orderBy=creationDate", "orderBy=foo,asc"]
    {
        let (status, body) = call(&app, "GET", &format!("{LIST}?{query}"), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(error_code(&body), "1");
    }
    let (status, body) = call(&app, "GET", &format!("{LIST}?page=31"), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"].as_str().unwrap().contains("Max page exceed"));
}

// List rows carry VTEX's exact field names and JSON types, newest first by default.
#[tokio::test]
async fn list_rows_have_vtex_types() {
    let app = app();
    let body = get(&app, &format!("{LIST}?per_page=100")).await;
    assert_eq!(body["facets"], json!([]));
    assert!(body["stats"]["stats"]["totalValue"]["Count"].is_u64());
    let rows = body["list"].as_array().unwrap();
    assert_eq!(rows.len(), 100);
    for row in rows {
        assert!(row["items"].is_null());
        assert!(row["totalValue"].is_i64());
        assert!(row["totalItems"].is_i64());
        assert_eq!(row["currencyCode"], "BRL");
        assert!(row.as_object().unwrap().contains_key("marketPlaceOrderId"));
        assert!(row["statusDescription"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(row["sequence"].is_string());
        assert!(is_vtex_date(row["creationDate"].as_str().unwrap()), "{}", row["creationDate"]);
        let id = row["orderId"].as_str().unwrap();
        assert!(
            id.len() == 16 && id.ends_with("-01") && id[..13].bytes().all(|b| b.is_ascii_digit()),
            "{id}"
        );
    }
    let dates: Vec<chrono::DateTime<chrono::FixedOffset>> = rows
        .iter()
        .map(|r| chrono::DateTime::parse_from_rfc3339(r["creationDate"].as_str().unwrap()).unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] > w[1]));
    assert!(rows.iter().any(|r| r["marketPlaceOrderId"].is_string()));
    assert!(rows.iter().any(|r| r["marketPlaceOrderId"].is_null()));
    let asc = get(&app, &format!("{LIST}?orderBy=creationDate,asc&per_page=100")).await;
    let last = &asc["list"][19];
    assert_eq!(
        last["orderId"],
        get(&app, &format!("{LIST}?per_page=100&page=2")).await["list"][0]["orderId"]
    );
}

// f_status takes a comma list, f_creationDate is an inclusive range, q searches email and id.
#[tokio::test]
async fn list_filters() {
    let app = app();
    let both = get(&app, &format!("{LIST}?f_status=invoiced,canceled&per_page=100")).await;
    let rows = both["list"].as_array().unwrap();
    assert!(rows.iter().all(|r| r["status"] == "invoiced" || r["status"] == "canceled"));
    assert!(rows.iter().any(|r| r["status"] == "canceled") && rows.iter().any(|r| r["status"] == "invoiced"));
    let alias = get(&app, &format!("{LIST}?f_status=waiting-for-sellers-confirmation")).await;
    assert!(alias["list"].as_array().unwrap().iter().all(|r| r["status"] == "waiting-for-authorization"));
    assert!(alias["paging"]["total"].as_u64().unwrap() >= 1);

    let all = get(&app, &format!("{LIST}?per_page=100")).await;
    let newest = all["list"][2]["creationDate"].as_str().unwrap().to_string();
    let oldest = all["list"][5]["creationDate"].as_str().unwrap().to_string();
    let range = format!("creationDate:[{oldest} TO {newest}]").replace('+', "%2B").replace(' ', "%20");
    let window = get(&app, &format!("{LIST}?f_creationDate={range}")).await;
    assert_eq!(window["paging"]["total"], 4, "inclusive at both ends");
    assert_eq!(window["list"][0]["orderId"], all["list"][2]["orderId"]);
    let (status, _) = call(&app, "GET", &format!("{LIST}?f_creationDate=2024-01-01"), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let order = get(&app, &format!("{LIST}/{}", all["list"][7]["orderId"].as_str().unwrap())).await;
    let email = order["clientProfileData"]["email"].as_str().unwrap();
    let found = get(&app, &format!("{LIST}?q={email}")).await;
    assert!(found["list"].as_array().unwrap().iter().any(|r| r["orderId"] == order["orderId"]));
    let by_id = get(&app, &format!("{LIST}?q={}", order["orderId"].as_str().unwrap())).await;
    assert_eq!(by_id["paging"]["total"], 1);
    let (status, _) = call(&app, "GET", &format!("{LIST}?q=a%2Bb"), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

// Get returns the full order with cents everywhere, totals adding up, by id, seq{n} or bare sequence.
#[tokio::test]
async fn get_order_has_vtex_types() {
    let app = app();
    let order = order_in(&app, "invoiced").await;
    let id = order["orderId"].as_str().unwrap();
    let totals: i64 = order["totals"].as_array().unwrap().iter().map(|t| t["value"].as_i64().unwrap()).sum();
    assert_eq!(totals, order["value"].as_i64().unwrap());
    let ids: Vec<&str> =
        order["totals"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["Items", "Discounts", "Shipping", "Tax"]);
    for item in order["items"].as_array().unwrap() {
        for field in ["price", "listPrice", "sellingPrice", "quantity", "tax"] {
            assert!(item[field].is_i64(), "{field}");
        }
        assert!(item["id"].is_string() && item["productId"].is_string());
    }
    assert_eq!(order["storePreferencesData"]["currencyCode"], "BRL");
    assert_eq!(order["storePreferencesData"]["currencyFormatInfo"]["CurrencyDecimalDigits"], 2);
    assert_eq!(order["shippingData"]["address"]["country"].as_str().unwrap().len(), 3);
    assert!(order["shippingData"]["logisticsInfo"][0]["price"].is_i64());
    assert!(order["paymentData"]["transactions"][0]["payments"][0]["value"].is_i64());
    let package = &order["packageAttachment"]["packages"][0];
    assert!(package["invoiceValue"].is_i64() && package["invoiceNumber"].is_string());
    assert!(package.as_object().unwrap().contains_key("courierStatus"));
    assert!(order["marketplaceOrderId"].is_string() && order["sequence"].is_string());
    assert!(is_vtex_date(order["creationDate"].as_str().unwrap()));
    assert!(is_vtex_date(order["lastChange"].as_str().unwrap()));
    assert_eq!(order["lastChange"].as_str().unwrap().split_once('.').unwrap().1.len(), 13);
    let seq = order["sequence"].as_str().unwrap();
    assert_eq!(get(&app, &format!("{LIST}/seq{seq}")).await["orderId"], id);
    assert_eq!(get(&app, &format!("{LIST}/{seq}")).await["orderId"], id);
    let group = get(&app, &format!("{LIST}/order-group/{}", order["orderGroup"].as_str().unwrap())).await;
    assert_eq!(group[0]["orderId"], id);
    let (status, body) = call(&app, "GET", &format!("{LIST}/0000000000000-01"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "OMS007");
}

// start-handling answers 204 from ready-for-handling (→ handling), else 409 OMS003.
#[tokio::test]
async fn start_handling_rule() {
    let app = app();
    let order = order_in(&app, "ready-for-handling").await;
    let id = order["orderId"].as_str().unwrap();
    let uri = format!("{LIST}/{id}/start-handling");
    let (status, body) = call(&app, "POST", &uri, None).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    assert_eq!(get(&app, &format!("{LIST}/{id}")).await["status"], "handling");
    let (status, body) = call(&app, "POST", &uri, None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        json!({"error": {"code": "OMS003", "message": "Order status should be ready-for-handling to perform this action", "exception": null}})
    );
    let (status, _) = call(&app, "POST", &format!("{LIST}/nope-01/start-handling"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

// cancel answers {date, orderId, receipt} and cancels; an invoiced order is refused with 400.
#[tokio::test]
async fn cancel_rule() {
    let app = app();
    let order = order_in(&app, "handling").await;
    let id = order["orderId"].as_str().unwrap();
    let (status, body) =
        call(&app, "POST", &format!("{LIST}/{id}/cancel"), Some(json!({"reason": "Out of stock"}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["orderId"], id);
    assert!(body["receipt"].is_string() && is_vtex_date(body["date"].as_str().unwrap()));
    assert!(body["date"].as_str().unwrap().ends_with("-03:00"));
    let after = get(&app, &format!("{LIST}/{id}")).await;
    assert_eq!(after["status"], "canceled");
    assert_eq!(after["cancelReason"], "Out of stock");
    let invoiced = order_in(&app, "invoiced").await;
    let (status, body) = call(
        &app,
        "POST",
        &format!("{LIST}/{}/cancel", invoiced["orderId"].as_str().unwrap()),
        Some(json!({"reason": "x"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "OMS012");
}

fn invoice_body(order: &Value, number: &str) -> Value {
    let items: Vec<Value> = order["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!({"id": i["id"], "price": i["sellingPrice"], "quantity": i["quantity"]}))
        .collect();
    json!({
        "type": "Output",
        "issuanceDate": "2026-11-02T10:00:00-03:00",
        "invoiceNumber": number,
        "invoiceValue": order["value"].as_i64().unwrap().to_string(),
        "items": items,
        "courier": "Correios",
        "trackingNumber": "",
        "trackingUrl": "",
    })
}

// invoice validates its required fields, moves handling → invoiced with a package, and a re-post of the
// same invoiceNumber only regenerates the receipt.
#[tokio::test]
async fn invoice_rule() {
    let app = app();
    let order = order_in(&app, "handling").await;
    let id = order["orderId"].as_str().unwrap();
    let uri = format!("{LIST}/{id}/invoice");
    let good = invoice_body(&order, "NF-1001");
    for (field, value) in [
        ("invoiceNumber", Value::Null),
        ("invoiceValue", json!(order["value"].as_i64().unwrap())),
        ("invoiceValue", json!("0")),
        ("invoiceValue", json!("12.50")),
        ("type", json!("Sale")),
        ("issuanceDate", json!("yesterday")),
        ("items", json!([])),
        ("items", json!([{"id": "nope", "price": 100, "quantity": 1}])),
    ] {
        let mut bad = good.clone();
        bad[field] = value;
        let (status, body) = call(&app, "POST", &uri, Some(bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {body}");
    }
    let (status, first) = call(&app, "POST", &uri, Some(good.clone())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["orderId"], id);
    let after = get(&app, &format!("{LIST}/{id}")).await;
    assert_eq!(after["status"], "invoiced");
    let packages = after["packageAttachment"]["packages"].as_array().unwrap();
    assert_eq!(packages.len(), 1);
    assert_eq!(packages[0]["invoiceValue"], order["value"]);
    assert_eq!(packages[0]["type"], "Output");
    let (status, second) = call(&app, "POST", &uri, Some(good)).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(first["receipt"], second["receipt"]);
    assert_eq!(
        get(&app, &format!("{LIST}/{id}")).await["packageAttachment"]["packages"].as_array().unwrap().len(),
        1
    );
    let canceled = order_in(&app, "canceled").await;
    let (status, _) = call(
        &app,
        "POST",
        &format!("{LIST}/{}/invoice", canceled["orderId"].as_str().unwrap()),
        Some(invoice_body(&canceled, "NF-2")),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

// PATCH …/invoice/{n} sets tracking; PUT …/tracking with isDelivered finishes courierStatus, status stays invoiced.
#[tokio::test]
async fn tracking_rules() {
    let app = app();
    let order = order_in(&app, "handling").await;
    let id = order["orderId"].as_str().unwrap();
    call(&app, "POST", &format!("{LIST}/{id}/invoice"), Some(invoice_body(&order, "NF-77"))).await;
    let patch = json!({"trackingNumber": "BR123BR", "trackingUrl": "https://t.example/BR123BR", "courier": "Correios", "dispatchedDate": null});
    let (status, body) =
        call(&app, "PATCH", &format!("{LIST}/{id}/invoice/NF-77"), Some(patch.clone())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = call(&app, "PATCH", &format!("{LIST}/{id}/invoice/NF-00"), Some(patch)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let package = &get(&app, &format!("{LIST}/{id}")).await["packageAttachment"]["packages"][0];
    assert_eq!(package["trackingNumber"], "BR123BR");
    assert_eq!(package["courierStatus"], Value::Null);

    let tracking = format!("{LIST}/{id}/invoice/NF-77/tracking");
    let (status, _) = call(&app, "PUT", &tracking, Some(json!({"deliveredDate": null}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) =
        call(&app, "PUT", &tracking, Some(json!({"isDelivered": true, "deliveredDate": "tomorrow"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let events =
        json!([{"city": "Rio de Janeiro", "state": "RJ", "description": "Entregue", "date": "2026-11-03"}]);
    let (status, _) = call(
        &app,
        "PUT",
        &tracking,
        Some(json!({"isDelivered": true, "deliveredDate": "2026-11-03 14:30", "events": events})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let after = get(&app, &format!("{LIST}/{id}")).await;
    assert_eq!(after["status"], "invoiced");
    let courier = &after["packageAttachment"]["packages"][0]["courierStatus"];
    assert_eq!(courier["finished"], true);
    assert!(courier["deliveredDate"].as_str().unwrap().starts_with("2026-11-03T14:30:00"));
    assert_eq!(courier["data"][0]["description"], "Entregue");
}

// interactions need source and message.
#[tokio::test]
async fn interactions_rule() {
    let app = app();
    let id = get(&app, LIST).await["list"][0]["orderId"].as_str().unwrap().to_string();
    let uri = format!("{LIST}/{id}/interactions");
    let (status, body) =
        call(&app, "POST", &uri, Some(json!({"source": "ordergraph", "message": "linked"}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["orderId"], id.as_str());
    let (status, _) = call(&app, "POST", &uri, Some(json!({"source": "ordergraph"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

// The first orders walk the whole status vocabulary of §1.5, each value once.
#[tokio::test]
async fn status_vocabulary_is_covered() {
    let (app, _) = app_with(STATUSES.len(), 9);
    let body = get(&app, &format!("{LIST}?per_page=100")).await;
    let mut seen: Vec<&str> =
        body["list"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    seen.sort_unstable();
    let mut all: Vec<&str> = STATUSES.iter().map(|(s, _)| *s).collect();
    all.sort_unstable();
    assert_eq!(seen, all);
}

// The same seed gives the same JSON; another seed gives other orders.
#[tokio::test]
async fn seeding_is_deterministic() {
    let a = get(&app_with(60, 42).0, &format!("{LIST}?per_page=100")).await;
    let b = get(&app_with(60, 42).0, &format!("{LIST}?per_page=100")).await;
    let c = get(&app_with(60, 43).0, &format!("{LIST}?per_page=100")).await;
    assert_eq!(a, b);
    assert_ne!(a["list"][0]["orderId"], c["list"][0]["orderId"]);
    let id = a["list"][10]["orderId"].as_str().unwrap();
    assert_eq!(
        get(&app_with(60, 42).0, &format!("{LIST}/{id}")).await,
        get(&app_with(60, 42).0, &format!("{LIST}/{id}")).await
    );
}

// 3,100 orders seed and list quickly; past 3,000 a client must slice by f_creationDate.
#[tokio::test]
async fn large_store_is_fast() {
    let started = std::time::Instant::now();
    let (app, _) = app_with(3100, 5);
    let body = get(&app, &format!("{LIST}?per_page=100&page=30")).await;
    assert_eq!(body["paging"]["total"], 3100);
    assert_eq!(body["list"].as_array().unwrap().len(), 100);
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
}

// Injected faults answer VTEX's 500 envelope, and 429 with Retry-After.
#[tokio::test]
async fn fault_responses() {
    let (app, control) = app_with(10, 1);
    control.fail_next(1);
    let (status, _, body) = send(&app, "GET", LIST, None, AUTH).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(error_code(&serde_json::from_str(&body).unwrap()), "1");
    control.set_rate_limited(true);
    let (status, headers, _) = send(&app, "GET", LIST, None, AUTH).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(super::fault_response(Fault::RateLimited).status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(control.count_matching("GET", LIST), 2);
}

// A partial Output invoice keeps the order in handling and blocks cancellation (400); an Input
// (return) invoice is only accepted once invoiced.
#[tokio::test]
async fn partial_invoice_blocks_cancel() {
    let app = app();
    let order = order_in(&app, "handling").await;
    let id = order["orderId"].as_str().unwrap();
    let mut partial = invoice_body(&order, "NF-P1");
    partial["invoiceValue"] = json!("100");
    let mut input = invoice_body(&order, "NF-R1");
    input["type"] = json!("Input");
    let (status, _) = call(&app, "POST", &format!("{LIST}/{id}/invoice"), Some(input.clone())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = call(&app, "POST", &format!("{LIST}/{id}/invoice"), Some(partial)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(get(&app, &format!("{LIST}/{id}")).await["status"], "handling");
    let (status, body) =
        call(&app, "POST", &format!("{LIST}/{id}/cancel"), Some(json!({"reason": "x"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "OMS012");
    let mut rest = invoice_body(&order, "NF-P2");
    rest["invoiceValue"] = json!((order["value"].as_i64().unwrap() - 100).to_string());
    call(&app, "POST", &format!("{LIST}/{id}/invoice"), Some(rest)).await;
    assert_eq!(get(&app, &format!("{LIST}/{id}")).await["status"], "invoiced");
    let (status, _) = call(&app, "POST", &format!("{LIST}/{id}/invoice"), Some(input)).await;
    assert_eq!(status, StatusCode::OK);
    let list = get(&app, &format!("{LIST}?f_hasInputInvoice=true")).await;
    assert_eq!(list["list"][0]["orderId"], id);
}
