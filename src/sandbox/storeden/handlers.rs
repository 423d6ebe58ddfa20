//! Request handlers: parameter parsing (query strings and form bodies, PHP style) and the documented rules.

use std::sync::{PoisonError, RwLockReadGuard, RwLockWriteGuard};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde_json::{Value, json};

use super::data::{COURIERS, Event, MAX_STATUS, Order, Store, Tracking};
use super::{Shared, error, wire};

/// Name/value pairs in arrival order.
type Pairs = Vec<(String, String)>;

/// The largest `limit` accepted by `list.json` (Storeden documents none).
const MAX_LIMIT: i64 = 500;

fn read(store: &Shared) -> RwLockReadGuard<'_, Store> {
    store.read().unwrap_or_else(PoisonError::into_inner)
}

fn write(store: &Shared) -> RwLockWriteGuard<'_, Store> {
    store.write().unwrap_or_else(PoisonError::into_inner)
}

/// A refused request: its status and the message of the `{"ok":0,"err"}` body.
pub(super) struct Refusal(StatusCode, String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        error(self.0, self.1)
    }
}

/// What a handler answers: the vendor's success body or a refusal.
type Answer = Result<Response, Refusal>;

fn bad_request(message: impl Into<String>) -> Refusal {
    Refusal(StatusCode::BAD_REQUEST, message.into())
}

fn not_found() -> Refusal {
    Refusal(StatusCode::NOT_FOUND, "Order not found".to_string())
}

fn query_pairs(query: Option<String>) -> Result<Pairs, Refusal> {
    serde_urlencoded::from_str(query.as_deref().unwrap_or(""))
        .map_err(|_| bad_request("malformed query string"))
}

/// A write's form body (`application/x-www-form-urlencoded`; a JSON body is refused).
fn form_pairs(headers: &HeaderMap, body: &Bytes) -> Result<Pairs, Refusal> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.is_empty() && !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(bad_request("request body must be application/x-www-form-urlencoded"));
    }
    serde_urlencoded::from_bytes(body).map_err(|_| bad_request("malformed form body"))
}

/// The last non-empty value of any of `names` (PHP keeps the last of repeated scalars).
fn value<'a>(pairs: &'a Pairs, names: &[&str]) -> Option<&'a str> {
    pairs.iter().rev().find(|(k, v)| names.contains(&k.as_str()) && !v.is_empty()).map(|(_, v)| v.as_str())
}

fn int_param(pairs: &Pairs, name: &str, min: i64, max: i64) -> Result<Option<i64>, Refusal> {
    let Some(raw) = pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.trim()) else {
        return Ok(None);
    };
    match raw.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
        _ => Err(bad_request(format!("{name} must be an integer between {min} and {max}"))),
    }
}

fn required_order_id(pairs: &Pairs) -> Result<&str, Refusal> {
    value(pairs, &["orderID"]).ok_or_else(|| bad_request("orderID is required"))
}

fn comma_list(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if !out.iter().any(|t| t == part) {
            out.push(part.to_string());
        }
    }
    out
}

/// The filters of `GET /orders/list.json`, parsed.
struct ListQuery {
    limit: usize,
    skip: usize,
    status: Option<u8>,
    since: Option<i64>,
    span: Option<(i64, i64)>,
    ids: Vec<String>,
    tags: Vec<String>,
    email: Option<String>,
    fullname: Option<String>,
    nodes: Vec<String>,
}

impl ListQuery {
    fn parse(pairs: &Pairs) -> Result<ListQuery, Refusal> {
        let limit = int_param(pairs, "limit", 1, MAX_LIMIT)?.unwrap_or(10) as usize;
        let skip = int_param(pairs, "skip", 0, i64::MAX)?.unwrap_or(0) as usize;
        let status = int_param(pairs, "status", 0, MAX_STATUS)?.map(|s| s as u8);
        let since = int_param(pairs, "since", i64::MIN, i64::MAX)?;
        let from = int_param(pairs, "from", i64::MIN, i64::MAX)?;
        let to = int_param(pairs, "to", i64::MIN, i64::MAX)?;
        let span = match (from, to) {
            (Some(from), Some(to)) => Some((from, to)),
            (None, None) => None,
            _ => return Err(bad_request("from and to must be used together")),
        };
        let ids = pairs
            .iter()
            .filter(|(k, v)| {
                !v.is_empty() && (k == "orderID" || (k.starts_with("orderID[") && k.ends_with(']')))
            })
            .map(|(_, v)| v.clone())
            .collect();
        let tags = value(pairs, &["tags"]).map(comma_list).unwrap_or_default();
        let email = value(pairs, &["billing.email", "billing_email"]).map(str::to_lowercase);
        let fullname = value(pairs, &["billing.fullname", "billing_fullname"]).map(str::to_lowercase);
        let nodes = value(pairs, &["nodes"]).map(comma_list).unwrap_or_default();
        if let Some(unknown) = nodes.iter().find(|n| !wire::NODES.contains(&n.as_str())) {
            return Err(bad_request(format!("unknown node {unknown}")));
        }
        Ok(ListQuery { limit, skip, status, since, span, ids, tags, email, fullname, nodes })
    }

    fn matches(&self, order: &Order) -> bool {
        let sec = order.placed_sec();
        self.status.is_none_or(|s| order.status == s)
            && self.since.is_none_or(|since| sec > since)
            && self.span.is_none_or(|(from, to)| from <= sec && sec <= to)
            && (self.ids.is_empty() || self.ids.contains(&order.order_id))
            && (self.tags.is_empty() || self.tags.iter().any(|t| order.tags.contains(t)))
            && self.email.as_ref().is_none_or(|e| order.billing.email.to_lowercase() == *e)
            && self
                .fullname
                .as_ref()
                .is_none_or(|f| order.billing.fullname.to_lowercase().contains(f.as_str()))
    }
}

/// `GET /orders/list.json`: a bare array, newest first.
pub(super) async fn list(State(store): State<Shared>, RawQuery(query): RawQuery) -> Answer {
    let pairs = query_pairs(query)?;
    let q = ListQuery::parse(&pairs)?;
    let store = read(&store);
    let rows: Vec<Value> = store
        .orders
        .iter()
        .filter(|o| q.matches(o))
        .skip(q.skip)
        .take(q.limit)
        .map(|o| wire::list_row(o, &q.nodes))
        .collect();
    Ok(Json(Value::Array(rows)).into_response())
}

/// Runs `render` on the order named by the query's `orderID`.
fn with_order(store: &Shared, query: Option<String>, render: impl FnOnce(&Order) -> Value) -> Answer {
    let pairs = query_pairs(query)?;
    let id = required_order_id(&pairs)?;
    match read(store).get(id) {
        Some(order) => Ok(Json(render(order)).into_response()),
        None => Err(not_found()),
    }
}

/// `GET /orders/order.json?orderID=`.
pub(super) async fn order(State(store): State<Shared>, RawQuery(query): RawQuery) -> Answer {
    with_order(&store, query, |o| wire::full_order(o, false))
}

/// `GET /orders/legacy_order.json?orderID=`.
pub(super) async fn legacy_order(State(store): State<Shared>, RawQuery(query): RawQuery) -> Answer {
    with_order(&store, query, |o| wire::full_order(o, true))
}

/// `GET /orders/tracking.json?orderID=`.
pub(super) async fn tracking(State(store): State<Shared>, RawQuery(query): RawQuery) -> Answer {
    with_order(&store, query, |o| wire::tracking(o.tracking.as_ref()))
}

/// `GET /orders/timeline.json?orderID=`.
pub(super) async fn timeline(State(store): State<Shared>, RawQuery(query): RawQuery) -> Answer {
    with_order(&store, query, |o| wire::timeline(&o.timeline))
}

/// `GET /orders/statuses.json`.
pub(super) async fn statuses() -> Response {
    Json(wire::statuses()).into_response()
}

/// `GET /orders/couriers.json`.
pub(super) async fn couriers() -> Response {
    Json(wire::couriers()).into_response()
}

/// `PUT /orders/order.json`: sets the status; with status 3, courier and tracking details.
pub(super) async fn update_status(State(store): State<Shared>, headers: HeaderMap, body: Bytes) -> Answer {
    let pairs = form_pairs(&headers, &body)?;
    let id = required_order_id(&pairs)?;
    let status = match int_param(&pairs, "status", 0, MAX_STATUS) {
        Ok(Some(status)) => status as u8,
        Ok(None) => return Err(bad_request("status is required")),
        Err(refusal) => return Err(refusal),
    };
    let courier = value(&pairs, &["courier"]);
    let number = value(&pairs, &["tracking"]);
    let url = value(&pairs, &["tracking_url"]);
    let pickup = value(&pairs, &["pickup_date"]);
    let shipping_fields = courier.is_some() || number.is_some() || url.is_some() || pickup.is_some();
    if shipping_fields && status != 3 {
        return Err(bad_request(
            "courier, tracking, tracking_url and pickup_date are accepted only with status 3",
        ));
    }
    if let Some(code) = courier.filter(|code| !COURIERS.iter().any(|c| c.0 == *code)) {
        return Err(bad_request(format!("courier {code} is not supported (see couriers.json)")));
    }
    if courier.is_some() && number.is_some() && pickup.is_none() {
        return Err(bad_request("pickup_date is mandatory when courier and tracking are set"));
    }
    if pickup.is_some_and(|date| date.len() != 10 || NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err()) {
        return Err(bad_request("pickup_date must be yyyy-mm-dd"));
    }
    let mut store = write(&store);
    let Some(order) = store.get_mut(id) else { return Err(not_found()) };
    if order.status != status {
        order.status = status;
        order.timeline.push(Event {
            status,
            ip: "127.0.0.1".to_string(),
            ts: chrono::Utc::now().timestamp(),
        });
    }
    if shipping_fields {
        let t = order.tracking.get_or_insert_with(Tracking::default);
        let set = |field: &mut String, v: Option<&str>| {
            if let Some(v) = v {
                *field = v.to_string();
            }
        };
        set(&mut t.courier, courier);
        set(&mut t.tracking, number);
        set(&mut t.url, url);
        set(&mut t.pickup_date, pickup);
    }
    Ok(Json(json!({ "ok": 1, "err": null })).into_response())
}

/// Shared part of the tag writes: parses `orderID` and `tags`, applies `change` and returns its count.
fn change_tags(
    store: &Shared,
    headers: &HeaderMap,
    body: &Bytes,
    count_name: &str,
    change: impl Fn(&mut Vec<String>, &str) -> bool,
) -> Answer {
    let pairs = form_pairs(headers, body)?;
    let id = required_order_id(&pairs)?;
    let tags = value(&pairs, &["tags"]).map(comma_list).unwrap_or_default();
    if tags.is_empty() {
        return Err(bad_request("tags is required"));
    }
    let mut store = write(store);
    let Some(order) = store.get_mut(id) else { return Err(not_found()) };
    let changed = tags.iter().filter(|tag| change(&mut order.tags, tag)).count();
    Ok(Json(json!({ "orderID": order.order_id, count_name: changed })).into_response())
}

/// `POST /orders/tags.json`: `nAdded` counts only tags the order did not carry.
pub(super) async fn add_tags(State(store): State<Shared>, headers: HeaderMap, body: Bytes) -> Answer {
    change_tags(&store, &headers, &body, "nAdded", |tags, tag| {
        let new = !tags.iter().any(|t| t == tag);
        if new {
            tags.push(tag.to_string());
        }
        new
    })
}

/// `DELETE /orders/tags.json`: `nRemoved` counts only tags the order carried.
pub(super) async fn remove_tags(State(store): State<Shared>, headers: HeaderMap, body: Bytes) -> Answer {
    change_tags(&store, &headers, &body, "nRemoved", |tags, tag| {
        let before = tags.len();
        tags.retain(|t| t != tag);
        tags.len() != before
    })
}
