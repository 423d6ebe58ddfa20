//! Sandbox of Storeden Connect API v1.1, written from `reference/api-docs/storeden-orders.txt` and
//! `reference/backends.md` §3 alone.
//!
//! Routes (under [`BASE_PATH`] `/v1.1`; every one needs headers `key` and `exchange`, both `sandbox`):
//! - `GET /orders/list.json`: `limit` (default 10, 1–500), `skip` (≥ 0), `status` (0–8), `since` (unix ts,
//!   order date strictly greater), `from` + `to` (unix ts, inclusive, only together), `orderID[]` (repeatable;
//!   `orderID[n]` and plain `orderID` too), `tags` (comma list, any of them), `billing.email` (exact,
//!   case-insensitive), `billing.fullname` (case-insensitive substring), `nodes` (comma list of
//!   `billing.fullname,billing.email,delivery.email,delivery.fullname,short_id,tags`). A bare array,
//!   newest first, with no total: paging ends on a short (or empty) page.
//! - `GET /orders/order.json?orderID=`: the full order (`cart.items` a map keyed `uid#|#options`,
//!   `orderDate` as `{sec, usec}`); `GET /orders/legacy_order.json?orderID=`: the same with items as an array.
//! - `PUT /orders/order.json` (form): `orderID`, `status` 0–8; with status 3 only: `courier` (a code of
//!   `couriers.json`), `tracking`, `tracking_url`, `pickup_date` (`yyyy-mm-dd`, mandatory when courier and
//!   tracking are both set) → `{"ok":1,"err":null}`.
//! - `POST` / `DELETE /orders/tags.json` (form): `orderID`, `tags` (comma list) → `{"orderID","nAdded"}` /
//!   `{"orderID","nRemoved"}`, counting only tags actually added or removed.
//! - `GET /orders/statuses.json`, `GET /orders/couriers.json`, `GET /orders/tracking.json?orderID=`,
//!   `GET /orders/timeline.json?orderID=`.
//!
//! Ambiguities of the docs and how this sandbox resolves them:
//! - Error bodies are undocumented: every error is `{"ok":0,"err":"<message>"}` (mirroring the documented
//!   success `{"ok":1,"err":null}`) with 400 (bad or missing parameter), 401 (credentials), 404 (unknown
//!   order). The 401 body is `{"ok":0,"err":"Unauthorized"}`.
//! - The maximum `limit` is undocumented: 500; `limit` < 1 or > 500, `skip` < 0, a non-integer, `status`
//!   outside 0–8, only one of `from`/`to`, or an unknown `nodes` name are 400.
//! - PHP turns `.` in query names into `_`, so `billing_email` / `billing_fullname` are accepted too.
//!   Unknown query parameters are ignored.
//! - Amounts are JSON numbers in major units printed as the docs print them: `110`, `7.5`, `45.25`; a zero
//!   `saleAmount` is `0.00` and a zero `paymentAmount` is `0`, as in the documented example. Prices include
//!   VAT (no tax field exists). `total` = items − `saleAmount` + `shippingAmount` + `paymentAmount` (a 3.50
//!   cash-on-delivery surcharge on some orders); `cart.total` equals `total`. No currency is sent (EUR shop).
//! - Dates use a Europe/Rome-like offset (+0100 / +0200 by EU DST rules). The documented example's `iso`
//!   in the detail disagrees with its own `sec` by two hours; here all dates of an order agree.
//! - Full orders also carry `tags` (array of strings, possibly empty): undocumented in the detail but
//!   listable via `nodes=tags`. `short_id` (node only) is an integer sequence, oldest order 1001.
//! - Countries and states are numeric-id strings. Only Italy = `"119"` is documented; this sandbox uses
//!   DE `"91"`, FR `"84"`, RO `"189"` and made-up state ids (Milano = the documented `"13637"`). The docs have
//!   no countries endpoint, so none is served.
//! - No transition table is documented: any status 0–8 may follow any other. Courier/tracking fields with a
//!   status other than 3 are 400. Empty form values count as absent. Write bodies must be form-encoded
//!   (a JSON `Content-Type` is 400); query-string parameters on writes are ignored.
//! - `tracking.json` of an order without tracking answers 200 with all four fields `""`.
//! - Not served: order create (beta) and delete (needs an `authorization_code`), the "updated orders" API
//!   (path undocumented).
//! - Rate limits: Storeden answers **509** "Limit Exceeded" past 100,000 requests a day and **429** with
//!   `X-Storeden-Limit: <left>/<quota>` on throttled APIs; an injected [`Fault::RateLimited`] answers the
//!   429 form with `X-Storeden-Limit: 0/5` and `Retry-After: 1`.

mod admin;
mod data;
mod handlers;
#[cfg(test)]
mod tests;
mod wire;

use std::sync::{Arc, RwLock};

use axum::Json;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use super::{AdminStore, Fault, SANDBOX_CREDENTIAL, SandboxOptions};

/// Path prefix under which the documented paths are served.
pub const BASE_PATH: &str = "/v1.1";

/// The store shared by the handlers.
type Shared = Arc<RwLock<data::Store>>;

/// The Storeden routes over `opts.orders` deterministic orders seeded from `opts.seed`, and their admin.
pub(super) fn router(opts: &SandboxOptions) -> (Router, Arc<dyn AdminStore>) {
    let store: Shared = Arc::new(RwLock::new(data::Store::seeded(opts.orders, opts.seed)));
    let admin = Arc::new(admin::Admin(store.clone()));
    let router = Router::new()
        .route("/orders/list.json", get(handlers::list))
        .route("/orders/order.json", get(handlers::order).put(handlers::update_status))
        .route("/orders/legacy_order.json", get(handlers::legacy_order))
        .route("/orders/tags.json", axum::routing::post(handlers::add_tags).delete(handlers::remove_tags))
        .route("/orders/statuses.json", get(handlers::statuses))
        .route("/orders/couriers.json", get(handlers::couriers))
        .route("/orders/tracking.json", get(handlers::tracking))
        .route("/orders/timeline.json", get(handlers::timeline))
        .route_layer(middleware::from_fn(auth))
        .with_state(store);
    (router, admin)
}

/// Storeden's answer to an injected fault: 500 `{"ok":0,"err":…}`, or 429 with `Retry-After: 1` and
/// `X-Storeden-Limit: 0/5`. (Storeden's daily quota answers 509 "Limit Exceeded"; the harness's
/// rate-limit fault stands for the throttled 429 form.)
pub fn fault_response(fault: Fault) -> Response {
    match fault {
        Fault::ServerError => error(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error"),
        Fault::Echo(message) => error(StatusCode::BAD_REQUEST, &message),
        Fault::RateLimited => {
            let mut response = error(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests");
            let headers = response.headers_mut();
            headers.insert("retry-after", HeaderValue::from_static("1"));
            headers.insert("x-storeden-limit", HeaderValue::from_static("0/5"));
            response
        }
    }
}

/// The sandbox's error body (Storeden documents none): `{"ok":0,"err":"<message>"}`.
fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "ok": 0, "err": message.into() }))).into_response()
}

/// Both credential headers must be present and equal the sandbox credential.
async fn auth(request: Request, next: Next) -> Response {
    let ok = ["key", "exchange"]
        .iter()
        .all(|name| request.headers().get(*name).and_then(|v| v.to_str().ok()) == Some(SANDBOX_CREDENTIAL));
    if ok { next.run(request).await } else { error(StatusCode::UNAUTHORIZED, "Unauthorized") }
}
