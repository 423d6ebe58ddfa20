//! Sandbox of Wix eCommerce Orders v1 (plus the Order Fulfillments and Tags APIs the gateway needs),
//! written from `reference/backends.md` §2 and `reference/api-docs/wix-ecommerce-orders.txt` alone.
//!
//! Routes (all under the site root, `BASE_PATH` is empty, like `https://www.wixapis.com`):
//! - `POST /ecom/v1/orders/search` `{"search":{"filter","sort","cursorPaging":{"limit","cursor"}}}` →
//!   `{"orders":[…],"metadata":{"count","cursors":{"next","prev"},"hasNext"}}`.
//! - `GET /ecom/v1/orders/{id}` → `{"order":{…}}` (INITIALIZED orders too).
//! - `POST /ecom/v1/orders/{id}/cancel` `{sendOrderCanceledEmail, customMessage, restockAllItems}` →
//!   `{"order":{…"status":"CANCELED"}}`.
//! - `POST /ecom/v1/bulk/orders/update-tags` `{orderIds, assignTags, unassignTags}` →
//!   `{"results":[{"itemMetadata":{id,originalIndex,success,error?}}],"bulkActionMetadata":{…}}`.
//! - `POST /ecom/v1/fulfillments/orders/{orderId}/create-fulfillment` →
//!   `{"orderWithFulfillments":{orderId,fulfillments},"fulfillmentId"}`;
//!   `GET /ecom/v1/fulfillments/orders/{orderId}` → `{"orderWithFulfillments":{…}}`.
//! - `GET /tags/v1/tags?fqdn=wix.ecom.v1.order` → `{"tags":[…]}`; `GET /tags/v1/tags/{tagId}` → `{"tag"}`;
//!   `POST /tags/v1/tags` `{"tag":{"name","fqdn"}}` → `{"tag":{…}}`.
//!
//! Auth: `Authorization: sandbox` (the raw key, no `Bearer`) and `wix-site-id: sandbox`, else 401
//! `{"message","details":{"applicationError":{"code":"UNAUTHENTICATED",…}}}`.
//!
//! Doc ambiguities and the choices made here:
//! - Search: limit 0–100 (default 100; beyond → 400 `validationError`, rule `MAX`/`MIN`). Offset paging
//!   (`search.paging`) is refused with 400: search orders only pages by cursor. Cursors are opaque
//!   (base64url of the query and an offset); with a cursor, the cursor's filter and sort win and the
//!   request's are ignored. `cursors.next` is absent on the last page, `cursors.prev` on the first.
//!   `status INITIALIZED` is always excluded, whatever the filter says.
//! - Filter fields outside the documented list (plus `tags.tags.tagIds`/`tags.privateTags.tagIds`,
//!   assumed filterable with `$hasSome`) answer 400; so do unknown operators. `number` compares
//!   numerically (string or number filter values), dates as instants (string or `{"$date":…}`),
//!   `buyerInfo.email` case-insensitively. Sort fields: the documented sortable ones; order default ASC.
//! - Money: `{"amount","formattedAmount"}`, amount with two decimals, zero written `"0"`, USD.
//! - Cancelling a CANCELED order: 428 `applicationError` `ORDER_ALREADY_CANCELED`. No refund is made.
//! - Update tags: 1–100 order ids; a tag id the Tags API does not know → 400 `applicationError`
//!   `TAG_NOT_FOUND` (nothing changes); an unknown order id is a per-item failure (`NOT_FOUND`).
//! - Create fulfillment: a line already fully fulfilled (or the whole order) → 409 `ALREADY_EXISTS`;
//!   more than the remaining quantity → 400; `quantity` omitted means the remaining quantity; a CANCELED
//!   order → 428 `ORDER_CANCELED`. `ups`, `fedex`, `usps`, `dhl`, `canadaPost` auto-fill `trackingLink`.
//! - Create tag (developer preview): `{"tag":{"name","fqdn"}}` → `{"tag"}`; a duplicate name → 409
//!   `ALREADY_EXISTS`; a 101st tag → 400 `TAG_LIMIT_EXCEEDED`; `fqdn` other than `wix.ecom.v1.order` → 400.
//! - Faults: 5xx with an empty body; 429 with `Retry-After: 1` and `applicationError RESOURCE_EXHAUSTED`.

// Handlers bail out with a ready Wix error `Response`: large, but only ever on the error path.
#![allow(clippy::result_large_err)]

/// A JSON object built by moving values in (`json!` re-serializes every interpolated `Value`, which made
/// seeding thousands of orders slow in debug builds).
macro_rules! obj {
    ($($key:literal => $value:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut map = serde_json::Map::new();
        $( map.insert($key.to_string(), serde_json::Value::from($value)); )*
        serde_json::Value::Object(map)
    }};
}

mod admin;
mod mutations;
mod search;
mod seeding;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::{AdminStore, Fault, SANDBOX_CREDENTIAL, SandboxOptions};

/// Path prefix under which the documented paths are served (none: Wix paths hang off the API root).
pub const BASE_PATH: &str = "";

/// The FQDN of eCommerce orders in the Tags API.
const ORDER_FQDN: &str = "wix.ecom.v1.order";

/// One order as stored: its wire JSON plus the fulfillments the Fulfillments API serves.
#[derive(Clone, Debug)]
struct Stored {
    order: Value,
    fulfillments: Vec<Value>,
}

/// Everything the sandbox knows.
#[derive(Debug, Default)]
struct Store {
    /// Newest first, as seeded.
    orders: Vec<Stored>,
    by_id: HashMap<String, usize>,
    /// Tag objects of the `wix.ecom.v1.order` FQDN, oldest first.
    tags: Vec<Value>,
    /// Counter feeding ids minted after seeding (fulfillments, tags, activities).
    minted: u64,
}

impl Store {
    fn get(&self, id: &str) -> Option<&Stored> {
        self.by_id.get(id).and_then(|&i| self.orders.get(i))
    }

    fn get_mut(&mut self, id: &str) -> Option<&mut Stored> {
        let i = *self.by_id.get(id)?;
        self.orders.get_mut(i)
    }

    /// A fresh GUID, deterministic per store and call.
    fn mint_id(&mut self) -> String {
        self.minted += 1;
        super::seed::Rng::new(0x71C5_0000 ^ self.minted).uuid()
    }
}

type Shared = Arc<RwLock<Store>>;

/// The vendor routes, seeded from `opts`, and their admin.
pub(super) fn router(opts: &SandboxOptions) -> (Router, Arc<dyn AdminStore>) {
    let store: Shared = Arc::new(RwLock::new(seeding::seed(opts)));
    let admin = Arc::new(admin::Admin(store.clone()));
    let router = Router::new()
        .route("/ecom/v1/orders/search", post(search::search_orders))
        .route("/ecom/v1/orders/{id}", get(search::get_order))
        .route("/ecom/v1/orders/{id}/cancel", post(mutations::cancel_order))
        .route("/ecom/v1/bulk/orders/update-tags", post(mutations::update_tags))
        .route("/ecom/v1/fulfillments/orders/{order_id}", get(mutations::list_fulfillments))
        .route(
            "/ecom/v1/fulfillments/orders/{order_id}/create-fulfillment",
            post(mutations::create_fulfillment),
        )
        .route("/tags/v1/tags", get(mutations::list_tags).post(mutations::create_tag))
        .route("/tags/v1/tags/{tag_id}", get(mutations::get_tag))
        .layer(middleware::from_fn(authenticate))
        .with_state(store);
    (router, admin)
}

/// Ids of the seeded orders in `status` (e.g. `INITIALIZED`), newest first. For tests: Wix's search never
/// returns INITIALIZED orders, so a client can reach them only by an id it already knows.
pub fn seeded_order_ids(opts: &SandboxOptions, status: &str) -> Vec<String> {
    seeding::seed(opts)
        .orders
        .iter()
        .filter(|stored| stored.order["status"] == status)
        .filter_map(|stored| stored.order["id"].as_str().map(str::to_string))
        .collect()
}

/// The vendor's answer to an injected fault: system errors carry no body; 429 is "resource exhausted".
pub fn fault_response(fault: Fault) -> Response {
    match fault {
        Fault::ServerError => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Fault::Echo(message) => app_error(StatusCode::BAD_REQUEST, "INVALID_ARGUMENT", &message),
        Fault::RateLimited => {
            let mut response = app_error(
                StatusCode::TOO_MANY_REQUESTS,
                "RESOURCE_EXHAUSTED",
                "Resource exhausted: rate limit of 200 requests per minute exceeded",
            );
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            response
        }
    }
}

/// API-key auth: `Authorization: <key>` (no scheme) and `wix-site-id`, both equal to the sandbox credential.
async fn authenticate(request: Request, next: Next) -> Response {
    let headers = request.headers();
    let ok =
        |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).is_some_and(|v| v == SANDBOX_CREDENTIAL);
    let authenticated = ok(header::AUTHORIZATION.as_str()) && ok("wix-site-id");
    if authenticated {
        next.run(request).await
    } else {
        app_error(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", "Request is not authenticated")
    }
}

/// JSON answer with the given status.
fn reply(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// Wix `applicationError` body.
fn app_error(status: StatusCode, code: &str, description: &str) -> Response {
    reply(
        status,
        json!({
            "message": description,
            "details": {"applicationError": {"code": code, "description": description, "data": {}}}
        }),
    )
}

/// Wix 400 `validationError` body with one field violation.
fn validation_error(field: &str, description: &str, rule: &str, data: Value) -> Response {
    reply(
        StatusCode::BAD_REQUEST,
        json!({
            "message": format!("{field}: {description}"),
            "details": {"validationError": {"fieldViolations": [{
                "field": field,
                "description": description,
                "violatedRule": rule,
                "data": data,
            }]}}
        }),
    )
}

fn not_found(what: &str, id: &str) -> Response {
    app_error(StatusCode::NOT_FOUND, "NOT_FOUND", &format!("{what} with id {id} not found"))
}

/// Parses a request body as a JSON object; an empty body is `{}`; anything else is Wix's 400.
fn parse_body(bytes: &[u8]) -> Result<serde_json::Map<String, Value>, Response> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(validation_error("", "request body must be a JSON object", "FORMAT", json!({}))),
        Err(error) => Err(validation_error("", &format!("malformed JSON: {error}"), "FORMAT", json!({}))),
    }
}

/// Wix timestamps: ISO-8601 UTC with milliseconds and `Z`.
fn iso_ms(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_iso_ms(text: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.timestamp_millis())
}

/// The instant of a change: now, but never before the order's last update (seeds sit in the future).
fn change_instant(order: &Value) -> i64 {
    let last = order["updatedDate"].as_str().and_then(parse_iso_ms).unwrap_or(0);
    Utc::now().timestamp_millis().max(last + 1000)
}

/// Wix price object from integer cents: `{"amount":"85.00","formattedAmount":"$85.00"}`, zero as `"0"`.
fn money(cents: i64) -> Value {
    let sign = if cents < 0 { "-" } else { "" };
    let (whole, frac) = (cents.abs() / 100, cents.abs() % 100);
    let amount = if cents == 0 { "0".to_string() } else { format!("{sign}{whole}.{frac:02}") };
    let digits = whole.to_string();
    let mut grouped = String::with_capacity(digits.len() + 4);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    obj! {"amount" => amount, "formattedAmount" => format!("{sign}${grouped}.{frac:02}")}
}
