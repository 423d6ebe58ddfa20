//! Sandbox of MerchantPro API v2 (orders), written from `reference/api-docs/merchantpro-orders.txt` and
//! `reference/backends.md` section 5 alone.
//!
//! # Routes (no base path: the documented paths hang off the store domain)
//! - `GET /api/v2/orders`: list. `start` (default 0, ≥ 0), `limit` (default 100, 1–100; above 100 → 400),
//!   `sort=date_created|date_created.desc` (default newest first), `include=line_items`, `fields=a,b`
//!   (`id` always kept), filters `id`, `ids` (comma list), `payment_status`, `payment_substatus_id`,
//!   `payment_method_code`, `payment_transaction_id`, `shipping_status`, `shipping_substatus_id`,
//!   `shipping_method_id`, `shipping_awb`, `customer_id`, `customer_email` (case-insensitive),
//!   `created_after`/`created_before`, `tag_name`, `tag_ids` (comma list, any of). Envelope
//!   `{"data":[…],"meta":{"count":{total,current,start,limit},"links":{prev,current,next}}}`; links are
//!   relative (`/api/v2/orders?…&start=N`) and `next` is `null` on the last page.
//! - `GET /api/v2/orders/{id}`: the order itself (no `data` wrapper), always with `line_items`; `fields=`.
//! - `PATCH /api/v2/orders/{id}`: partial JSON; answers 200 with the full updated order.
//! - `PATCH /api/v2/orders/{id}/{in_process|shipped|delivered|returned|cancelled|create_invoice}`: no body,
//!   answers `{"ok":true}`.
//!
//! Every route needs `Authorization: Basic base64("sandbox:sandbox")` (api_key:api_secret), else 401.
//!
//! # Doc ambiguities and the choices made
//! - Error bodies are undocumented: every error is `{"error":{"code":<HTTP status>,"message":"…"}}`; the 401
//!   also carries `WWW-Authenticate: Basic realm="MerchantPro API"`.
//! - `id` is `string` in the field table but an int in every example: ints, except every order at seed
//!   index ≡ 9 (mod 10) (the 10th, 20th, … newest), which carries `"id":"<digits>"`. Paths and `ids=` take
//!   the digits either way. Other ids (`parent_id`, `customer_id`, tag ids) are ints.
//! - `payment_status` `canceled` (table) vs `cancelled` (examples): seed orders carry both (seed index 6 and
//!   about half of the random cancellations `canceled`, seed index 10 and the rest `cancelled`); the
//!   `cancelled` handler writes `cancelled`, as the doc's post-cancel example shows. Filters match exactly.
//! - `created_after` is inclusive (`date_created >= t`), `created_before` exclusive (`< t`). Both take a
//!   date (`2019-01-01`, midnight store time) or a datetime (RFC 3339; without an offset, store time).
//! - Dates are store time, Europe/Bucharest: `+02:00` in winter, `+03:00` in summer, seconds precision.
//! - "List" fields: every field except `line_items`, which appears only with `include=line_items` (and
//!   always on the single-order GET). Unknown names in `fields=` are ignored; an unknown `include` is a 400.
//! - Money: JSON numbers whose text is the exact decimal, major units of RON. Unit net prices carry up to 4
//!   decimals and `gross = net + tax` exactly; `shipping_amount` is tax-inclusive with its
//!   `shipping_tax_amount` part; `total_amount = Σ line_subtotal_gross + shipping_amount`. Coupons
//!   (`coupon_code`) show up as an extra `line_items` row with `item_type:"discount"` and negative amounts.
//! - PATCH `tags` REPLACES the order's list (`[]` or `null` clears it to `null`); each entry is `{"name"}`
//!   (matched exactly, created with a new server id when unknown) or `{"id"}` of an existing tag.
//!   Writable: `tags`, `shipping_awb`, `channel_ref_id` (freely rewritable), `channel_name`, `customer_note`,
//!   `customer_notification`, `shipping_method_id`, `shipping_amount` (recomputes the 19 % shipping tax and
//!   the total). Other order fields are read-only (400); unknown fields are a 400.
//! - Processing rules (by `shipping_status`; re-applying the current status is a no-op `{"ok":true}`):
//!   `in_process` from awaiting|confirmed; `shipped` from awaiting|confirmed|in_process (sets
//!   `date_shipped`); `delivered` from shipped (sets `date_delivered`; cash-on-delivery `awaiting` payment
//!   becomes `paid`); `returned` from shipped|delivered; `cancelled` from awaiting|confirmed|in_process
//!   (payment → `cancelled` unless `refunded`). Anything else is a 400; an unknown handler is a 404.
//!   `create_invoice` refuses cancelled orders and orders holding a non-cancelled invoice.
//! - Mutation timestamps come from a logical clock starting an hour after the newest seeded date and
//!   advancing a minute per change, so runs are reproducible.
//! - Faults: 500 `{"error":{"code":500,"message":"Internal server error"}}`; 429 `{"error":{"code":429,
//!   "message":"Too many requests"}}` with `Retry-After: 1` (no other rate-limit header is documented).

mod admin;
mod data;
mod model;
mod mutate;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use axum::Router;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde_json::{Map, Value, json};

use super::{AdminStore, Fault, SANDBOX_CREDENTIAL, SandboxOptions};
use data::Store;
use model::Order;

/// Path prefix under which the documented paths are served: none, they start at the store root.
pub const BASE_PATH: &str = "";

type Shared = Arc<RwLock<Store>>;

/// The MerchantPro routes over `opts.orders` deterministic orders seeded from `opts.seed`, and their admin.
pub(super) fn router(opts: &SandboxOptions) -> (Router, Arc<dyn AdminStore>) {
    let state: Shared = Arc::new(RwLock::new(data::seed_store(opts)));
    let admin = Arc::new(admin::Admin(state.clone()));
    let router = Router::new()
        .route("/api/v2/orders", get(list_orders))
        .route("/api/v2/orders/{id}", get(get_order).patch(mutate::patch_order))
        .route("/api/v2/orders/{id}/{handler}", patch(mutate::process_order))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "Resource not found") })
        .method_not_allowed_fallback(|| async { error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed") })
        .layer(middleware::from_fn(require_basic_auth))
        .with_state(state);
    (router, admin)
}

/// MerchantPro's answer to an injected fault: a JSON 500, or a 429 with `Retry-After: 1`.
pub fn fault_response(fault: Fault) -> Response {
    match fault {
        Fault::ServerError => error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"),
        Fault::Echo(message) => error(StatusCode::BAD_REQUEST, message),
        Fault::RateLimited => {
            let mut response = error(StatusCode::TOO_MANY_REQUESTS, "Too many requests");
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            response
        }
    }
}

/// The error body used for every non-2xx answer.
fn error(status: StatusCode, message: impl Into<String>) -> Response {
    let body = json!({"error": {"code": status.as_u16(), "message": message.into()}});
    (status, axum::Json(body)).into_response()
}

/// A failed request: its HTTP status and message, rendered with [`error`].
struct ApiError {
    status: StatusCode,
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error(self.status, self.message)
    }
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError { status: StatusCode::BAD_REQUEST, message: message.into() }
}

fn read(store: &Shared) -> RwLockReadGuard<'_, Store> {
    store.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn write(store: &Shared) -> RwLockWriteGuard<'_, Store> {
    store.write().unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn require_basic_auth(request: Request, next: Next) -> Response {
    if authorized(request.headers()) {
        return next.run(request).await;
    }
    let mut response = error(StatusCode::UNAUTHORIZED, "Unauthorized");
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"MerchantPro API\""));
    response
}

/// `Authorization: Basic base64(api_key:api_secret)` with both equal to the sandbox credential.
fn authorized(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else { return false };
    let Some((scheme, token)) = value.trim().split_once(' ') else { return false };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(decoded) = STANDARD.decode(token.trim()) else { return false };
    let Ok(text) = String::from_utf8(decoded) else { return false };
    text.split_once(':') == Some((SANDBOX_CREDENTIAL, SANDBOX_CREDENTIAL))
}

/// Query parameters, last one wins; a query that does not decode is a 400.
fn query_map(raw: Option<&str>) -> Result<HashMap<String, String>, ApiError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|_| bad("Malformed query string"))?;
    Ok(pairs.into_iter().collect())
}

/// The id in a path or an `ids=` entry: the digits of the id, whether the order emits it as int or string.
fn parse_id(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn find<'a>(store: &'a Store, id: &str) -> Option<&'a Order> {
    parse_id(id).and_then(|id| store.by_id.get(&id)).and_then(|i| store.orders.get(*i))
}

/// `fields=a,b`: the named fields (and `id`), in the resource's own order.
fn restrict(mut row: Map<String, Value>, fields: Option<&HashSet<String>>) -> Value {
    if let Some(fields) = fields {
        row.retain(|key, _| key == "id" || fields.contains(key));
    }
    Value::Object(row)
}

fn parse_fields(params: &HashMap<String, String>) -> Option<HashSet<String>> {
    let raw = params.get("fields")?;
    let set: HashSet<String> =
        raw.split(',').map(str::trim).filter(|f| !f.is_empty()).map(String::from).collect();
    if set.is_empty() { None } else { Some(set) }
}

async fn get_order(State(store): State<Shared>, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Response {
    let params = match query_map(raw.as_deref()) {
        Ok(params) => params,
        Err(failure) => return failure.into_response(),
    };
    let store = read(&store);
    match find(&store, &id) {
        Some(order) => {
            axum::Json(restrict(order.to_json(true), parse_fields(&params).as_ref())).into_response()
        }
        None => error(StatusCode::NOT_FOUND, format!("Order {} not found", id.trim())),
    }
}

async fn list_orders(State(store): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    match list(&store, raw.as_deref()) {
        Ok(body) => axum::Json(body).into_response(),
        Err(failure) => failure.into_response(),
    }
}

fn list(store: &Shared, raw: Option<&str>) -> Result<Value, ApiError> {
    let params = query_map(raw)?;
    let non_empty = |key: &str| params.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
    let start = match non_empty("start") {
        None => 0,
        Some(s) => s.parse::<u64>().map_err(|_| bad("start must be a non-negative integer"))?,
    };
    let limit = match non_empty("limit").map(str::parse::<u64>) {
        None => 100,
        Some(Ok(n)) if (1..=100).contains(&n) => n,
        Some(Ok(n)) if n > 100 => {
            return Err(bad("The maximum number of records per page cannot exceed 100"));
        }
        Some(_) => return Err(bad("limit must be an integer between 1 and 100")),
    };
    let descending = match non_empty("sort") {
        None | Some("date_created.desc") => true,
        Some("date_created") => false,
        Some(other) => return Err(bad(format!("Invalid sort value: {other}"))),
    };
    let mut with_lines = false;
    for name in non_empty("include").unwrap_or("").split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if name != "line_items" {
            return Err(bad(format!("Invalid include value: {name}")));
        }
        with_lines = true;
    }
    let fields = parse_fields(&params);
    let filter = Filter::parse(&params)?;

    let store = read(store);
    let mut matched: Vec<&Order> = store.orders.iter().filter(|o| filter.matches(o)).collect();
    matched.sort_by_key(|o| o.created);
    if descending {
        matched.reverse();
    }
    let total = matched.len() as u64;
    let data: Vec<Value> = matched
        .iter()
        .skip(start as usize)
        .take(limit as usize)
        .map(|o| restrict(o.to_json(with_lines), fields.as_ref()))
        .collect();
    let current = match raw.filter(|q| !q.is_empty()) {
        Some(q) => format!("/api/v2/orders?{q}"),
        None => "/api/v2/orders".to_string(),
    };
    let next = (start + limit < total).then(|| link_with_start(raw, start + limit));
    let prev = (start > 0).then(|| link_with_start(raw, start.saturating_sub(limit)));
    Ok(json!({
        "data": data,
        "meta": {
            "count": {"total": total, "current": data.len(), "start": start, "limit": limit},
            "links": {"prev": prev, "current": current, "next": next},
        },
    }))
}

/// The request's own query with `start` replaced, keeping the caller's encoding of the other params.
fn link_with_start(raw: Option<&str>, start: u64) -> String {
    let mut parts: Vec<&str> = raw
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && p.split('=').next() != Some("start"))
        .collect();
    let start = format!("start={start}");
    parts.push(&start);
    format!("/api/v2/orders?{}", parts.join("&"))
}

/// The list filters of the doc's "Filter results" table.
#[derive(Default)]
struct Filter {
    ids: Option<HashSet<u64>>,
    exact: Vec<(&'static str, String)>,
    numeric: Vec<(&'static str, u64)>,
    customer_email: Option<String>,
    after: Option<i64>,
    before: Option<i64>,
    tag_name: Option<String>,
    tag_ids: Option<HashSet<u64>>,
}

impl Filter {
    fn parse(params: &HashMap<String, String>) -> Result<Filter, ApiError> {
        let get = |key: &str| params.get(key).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let id_list = |key: &str| -> Result<Option<HashSet<u64>>, ApiError> {
            let Some(raw) = get(key) else { return Ok(None) };
            raw.split(',')
                .filter(|s| !s.trim().is_empty())
                .map(|s| parse_id(s).ok_or_else(|| bad(format!("Invalid value for {key}: {}", s.trim()))))
                .collect::<Result<HashSet<u64>, ApiError>>()
                .map(Some)
        };
        let mut filter = Filter { ids: id_list("ids")?, tag_ids: id_list("tag_ids")?, ..Filter::default() };
        if let Some(single) = id_list("id")? {
            filter.ids = Some(match filter.ids.take() {
                Some(ids) => ids.intersection(&single).copied().collect(),
                None => single,
            });
        }
        for key in [
            "payment_status",
            "payment_method_code",
            "payment_transaction_id",
            "shipping_status",
            "shipping_awb",
        ] {
            if let Some(value) = get(key) {
                filter.exact.push((key, value));
            }
        }
        for key in ["payment_substatus_id", "shipping_substatus_id", "shipping_method_id", "customer_id"] {
            if let Some(value) = get(key) {
                let n = parse_id(&value).ok_or_else(|| bad(format!("Invalid value for {key}: {value}")))?;
                filter.numeric.push((key, n));
            }
        }
        filter.customer_email = get("customer_email").map(|e| e.to_lowercase());
        filter.tag_name = get("tag_name");
        for (key, slot) in [("created_after", &mut filter.after), ("created_before", &mut filter.before)] {
            if let Some(value) = get(key) {
                *slot = Some(parse_instant(&value).ok_or_else(|| {
                    bad(format!("Invalid date for {key}: {value} (expected ISO 8601, e.g. 2019-01-01)"))
                })?);
            }
        }
        Ok(filter)
    }

    fn matches(&self, o: &Order) -> bool {
        if self.ids.as_ref().is_some_and(|ids| !ids.contains(&o.id)) {
            return false;
        }
        let text_ok = self.exact.iter().all(|(key, want)| {
            let have = match *key {
                "payment_status" => Some(o.payment_status),
                "payment_method_code" => Some(o.payment_method_code),
                "payment_transaction_id" => o.payment_transaction_id.as_deref(),
                "shipping_status" => Some(o.shipping_status),
                _ => o.shipping_awb.as_deref(),
            };
            have == Some(want.as_str())
        });
        let numbers_ok = self.numeric.iter().all(|(key, want)| match *key {
            "shipping_method_id" => o.shipping_method_id == *want,
            "customer_id" => o.customer_id == Some(*want),
            _ => false, // no seeded order carries a payment or shipping substatus
        });
        text_ok
            && numbers_ok
            && self.customer_email.as_ref().is_none_or(|e| o.customer_email.to_lowercase() == *e)
            && self.after.is_none_or(|t| o.created >= t)
            && self.before.is_none_or(|t| o.created < t)
            && self.tag_name.as_ref().is_none_or(|name| o.tags.iter().any(|(_, n)| n == name))
            && self.tag_ids.as_ref().is_none_or(|ids| o.tags.iter().any(|(id, _)| ids.contains(id)))
    }
}

/// A filter date: `YYYY-MM-DD` (midnight store time), RFC 3339, or a datetime without offset (store time).
/// A `+` that the query string turned into a space is read back as `+`.
fn parse_instant(text: &str) -> Option<i64> {
    let text = text.trim().replace(' ', "+");
    if let Ok(t) = DateTime::parse_from_rfc3339(&text) {
        return Some(t.timestamp());
    }
    if let Ok(t) = DateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S%z") {
        return Some(t.timestamp());
    }
    let naive = match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        Ok(date) => date.and_hms_opt(0, 0, 0)?,
        Err(_) => NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S").ok()?,
    };
    let wall = naive.and_utc().timestamp();
    Some(wall - i64::from(model::bucharest_offset(wall - 7200)))
}
