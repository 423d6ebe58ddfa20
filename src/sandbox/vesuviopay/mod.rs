//! Sandbox of the VesuvioPay Order Management API, written from the vendor's Order Management Guide
//! (`reference/api-docs/vesuviopay-orders.txt`) and `reference/backends.md` section 4 alone.
//!
//! Routes (every one needs `X-Api-Key: sandbox`, else 401
//! `{"success":false,"message":…,"errorCode":"INVALID_API_KEY"}`):
//! - `GET /api/v1/orders?limit=&status=&dateFrom=&dateTo=`: newest first; `limit` 1–50 (default 50);
//!   `status` compared case-insensitively; `dateFrom`/`dateTo` ISO datetimes, both bounds **inclusive**.
//!   Answers `{"success":true,"data":{"orders":[…],"totalCount":<all matches>,"hasMore":<more than shown>}}`.
//! - `GET /api/v1/orders/{orderId}`: the full order, by internal UUID or external order id.
//! - `POST /api/v1/orders`: create from an external platform; 201; 409 `DUPLICATE_EXTERNAL_ORDER_ID`.
//! - `PUT /api/v1/orders/{orderId}/status`: the documented transition table (UUID or external id);
//!   400 `INVALID_STATUS_TRANSITION` "Cannot change status from X to Y".
//! - `PUT /api/v1/orders/{orderId}/cancel`: cancel with optional refund (UUID or external id).
//! - `PUT /api/v1/orders/{orderId}/link`: internal UUID only; write-once; unique per store.
//!
//! Money is a JSON number in major units whose text always has two decimals (`159.97`, `10.00`); dates are
//! `2025-10-08T10:30:00Z`. Unknown query parameters are ignored (there is no offset or cursor parameter).
//!
//! Doc ambiguities and the choices made here:
//! - Paging: no offset/cursor param is documented. `hasMore` is true when more orders match than `limit`;
//!   the only way to see older orders is to narrow `dateTo`. `offset`, `page`, `cursor` are ignored.
//! - Validation errors: the guide shows `errors` as an array of **strings**, the error page as
//!   `{field,message}` objects. This sandbox sends strings, plus `"errorCode":"VALIDATION_ERROR"`:
//!   `{"success":false,"message":"Validation failed","errorCode":"VALIDATION_ERROR","errors":["…"]}`.
//! - `limit` of 0, 51, negative, empty or non-numeric → that validation error. An unknown `status` value
//!   → validation error too (the vendor binds it to its enum). Unparseable dates → validation error.
//!   Dates may be RFC 3339 (any offset, fractions), a datetime without offset (UTC) or a bare date
//!   (midnight UTC).
//! - Cancel reason: `cancellationReason` (guide) and `reason` (API overview) are both accepted; one is
//!   required. `refundAmount` must be a JSON number (a string is a validation error) with at most two
//!   decimals; negative or above `totalAmount` → 400 `INVALID_REFUND_AMOUNT`. A positive refund returns
//!   a `refundId` (`rf_…`); null or 0 returns `refundId: null`. The order becomes `Cancelled`.
//! - Transitions: the table is applied literally ("any → Cancelled|Refunded" includes Delivered →
//!   Refunded and Cancelled → Refunded), except that moving to the status the order already has is
//!   refused with `INVALID_STATUS_TRANSITION` (so a second cancel is refused). Status values in
//!   request bodies are read case-insensitively and always written back in PascalCase.
//! - Status update success body is undocumented ("success envelope"); this sandbox answers
//!   `{"success":true,"message":"Order status updated successfully","data":{"orderId","externalOrderId",
//!   "previousStatus","status","updatedAt"}}`. `metadata` sent with it is merged into the order's
//!   `metadata` (that is where tracking shows up); `statusChangeReason` is stored as
//!   `metadata.statusChangeReason`.
//! - Create: default status `Pending` (guide; the reference says "confirmed"); duplicate external id is
//!   409 `DUPLICATE_EXTERNAL_ORDER_ID` (guide; the reference says `EXTERNAL_ORDER_ID_EXISTS`). No inventory
//!   check. Missing totals fields are computed from the lines.
//! - Link: the path must be the internal UUID (an external id there → 404 `ORDER_NOT_FOUND`); an order that
//!   already has an `externalOrderId` → 400 `ORDER_ALREADY_LINKED` (even with the same value); an
//!   `externalOrderId` used by another order → 400 `EXTERNAL_ID_EXISTS`.
//! - `itemCount` is the number of units (the documented example shows 3); `hasMore`/`totalCount` count
//!   every match. No currency appears anywhere (as documented).
//! - Rate limiting is "not currently implemented" at the vendor; only the injected fault answers 429, with
//!   the planned `X-RateLimit-*` headers and `errorCode: RATE_LIMIT_EXCEEDED`.

mod admin;
mod data;
mod model;
mod mutations;

use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use serde_json::{Value, json};

use self::model::{Order, Status};
use super::seed::Rng;
use super::{AdminStore, Fault, SANDBOX_CREDENTIAL, SandboxOptions};

/// Path prefix under which the documented paths are served: none, `base_url` is the API host and the
/// documented paths (`/api/v1/orders…`) follow it.
pub const BASE_PATH: &str = "";

/// Largest `limit` the list endpoint accepts (and its default).
const MAX_LIMIT: i64 = 50;

/// The sandbox's data: orders newest first, and a generator for ids it hands out later.
struct Store {
    orders: Vec<Order>,
    rng: Rng,
    next_number: usize,
}

impl Store {
    /// Index of the order whose internal id, or else external order id, is `key`.
    fn find(&self, key: &str) -> Option<usize> {
        self.find_internal(key)
            .or_else(|| self.orders.iter().position(|o| o.external_order_id.as_deref() == Some(key)))
    }

    /// Index of the order whose internal id is `key`.
    fn find_internal(&self, key: &str) -> Option<usize> {
        self.orders.iter().position(|o| o.id == key)
    }
}

#[derive(Clone)]
struct Shared(Arc<RwLock<Store>>);

impl Shared {
    fn read(&self) -> RwLockReadGuard<'_, Store> {
        // A poisoned lock only means a handler panicked; the data is still usable.
        self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Store> {
        self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The vendor routes, seeded with `opts.orders` deterministic orders from `opts.seed`, and their admin.
pub(super) fn router(opts: &SandboxOptions) -> (Router, Arc<dyn AdminStore>) {
    let orders = data::orders(opts.seed, opts.orders);
    let store = Store {
        next_number: 1001 + orders.len(),
        orders,
        rng: Rng::new(opts.seed ^ data::SEED_SALT ^ 0xFFFF_0000),
    };
    let shared = Shared(Arc::new(RwLock::new(store)));
    let admin = Arc::new(admin::Admin(shared.clone()));
    let router = Router::new()
        .route("/api/v1/orders", get(list_orders).post(mutations::create_order))
        .route("/api/v1/orders/{order_id}", get(get_order))
        .route("/api/v1/orders/{order_id}/status", put(mutations::update_status))
        .route("/api/v1/orders/{order_id}/cancel", put(mutations::cancel_order))
        .route("/api/v1/orders/{order_id}/link", put(mutations::link_order))
        .fallback(not_found_route)
        .with_state(shared)
        .layer(middleware::from_fn(require_api_key));
    (router, admin)
}

/// The vendor's answer to an injected fault: 500 with its documented error body, or 429 with
/// `Retry-After`, the planned `X-RateLimit-*` headers and `errorCode: RATE_LIMIT_EXCEEDED`.
pub fn fault_response(fault: Fault) -> Response {
    match fault {
        Fault::ServerError => {
            error(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "Internal server error")
        }
        Fault::Echo(message) => error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", &message),
        Fault::RateLimited => {
            let mut response = error(
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMIT_EXCEEDED",
                "Rate limit exceeded. Please retry after 1 seconds.",
            );
            let reset = chrono::Utc::now().timestamp() + 1;
            let headers = response.headers_mut();
            headers.insert("Retry-After", HeaderValue::from_static("1"));
            headers.insert("X-RateLimit-Retry-After", HeaderValue::from_static("1"));
            headers.insert("X-RateLimit-Limit", HeaderValue::from_static("100"));
            headers.insert("X-RateLimit-Remaining", HeaderValue::from_static("0"));
            if let Ok(value) = HeaderValue::from_str(&reset.to_string()) {
                headers.insert("X-RateLimit-Reset", value);
            }
            response
        }
    }
}

/// `{"success":false,"message":…,"errorCode":…}` with `status`.
fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({"success": false, "message": message, "errorCode": code}))).into_response()
}

/// The 400 validation body: `errors` as an array of strings (the guide's shape).
fn validation(errors: Vec<String>) -> Response {
    let body = json!({
        "success": false,
        "message": "Validation failed",
        "errorCode": "VALIDATION_ERROR",
        "errors": errors,
    });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

fn order_not_found() -> Response {
    error(StatusCode::NOT_FOUND, "ORDER_NOT_FOUND", "Order not found")
}

/// `{"success":true,"data":…}`, with a `message` when given.
fn success(status: StatusCode, message: Option<&str>, data: Value) -> Response {
    let body = match message {
        Some(message) => json!({"success": true, "message": message, "data": data}),
        None => json!({"success": true, "data": data}),
    };
    (status, Json(body)).into_response()
}

async fn require_api_key(request: Request, next: Next) -> Response {
    let key = request.headers().get("X-Api-Key").and_then(|v| v.to_str().ok());
    match key {
        Some(key) if key == SANDBOX_CREDENTIAL => next.run(request).await,
        Some(_) => error(StatusCode::UNAUTHORIZED, "INVALID_API_KEY", "Invalid API key"),
        None => error(StatusCode::UNAUTHORIZED, "INVALID_API_KEY", "API key is required"),
    }
}

async fn not_found_route() -> Response {
    error(StatusCode::NOT_FOUND, "NOT_FOUND", "The requested resource was not found")
}

/// The list filters, validated.
struct ListQuery {
    limit: usize,
    status: Option<Status>,
    date_from: Option<i64>,
    date_to: Option<i64>,
}

fn parse_list_query(raw: Option<&str>) -> Result<ListQuery, Vec<String>> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
        .map_err(|_| vec!["The query string is not valid".to_string()])?;
    let value = |name: &str| pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let mut errors = Vec::new();
    let mut query = ListQuery { limit: MAX_LIMIT as usize, status: None, date_from: None, date_to: None };
    if let Some(text) = value("limit") {
        match text.trim().parse::<i64>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => query.limit = n as usize,
            Ok(_) => errors.push(format!("Limit must be between 1 and {MAX_LIMIT}")),
            Err(_) => errors.push(format!("The value '{text}' is not valid for limit")),
        }
    }
    if let Some(text) = value("status") {
        match Status::parse(text) {
            Some(status) => query.status = Some(status),
            None if text.trim().is_empty() => {}
            None => errors.push(format!("The value '{text}' is not a valid order status")),
        }
    }
    for (name, slot) in [("dateFrom", &mut query.date_from), ("dateTo", &mut query.date_to)] {
        if let Some(text) = value(name) {
            match model::parse_datetime(text) {
                Some(t) => *slot = Some(t),
                None => errors.push(format!("The value '{text}' is not a valid date for {name}")),
            }
        }
    }
    if errors.is_empty() { Ok(query) } else { Err(errors) }
}

async fn list_orders(State(shared): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    let query = match parse_list_query(raw.as_deref()) {
        Ok(query) => query,
        Err(errors) => return validation(errors),
    };
    let store = shared.read();
    let matching = store.orders.iter().filter(|o| {
        query.status.is_none_or(|s| o.status == s)
            && query.date_from.is_none_or(|t| o.placed_at >= t)
            && query.date_to.is_none_or(|t| o.placed_at <= t)
    });
    let mut total = 0usize;
    let mut rows = Vec::with_capacity(query.limit);
    for order in matching {
        if rows.len() < query.limit {
            rows.push(order.summary_json());
        }
        total += 1;
    }
    let has_more = total > rows.len();
    success(StatusCode::OK, None, json!({"orders": rows, "totalCount": total, "hasMore": has_more}))
}

async fn get_order(State(shared): State<Shared>, Path(order_id): Path<String>) -> Response {
    let store = shared.read();
    match store.find(&order_id) {
        Some(index) => success(StatusCode::OK, None, store.orders[index].detail_json()),
        None => order_not_found(),
    }
}

#[cfg(test)]
mod tests;
