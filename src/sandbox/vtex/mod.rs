//! Sandbox of the VTEX Orders API (OMS), written from `reference/backends.md` §1 and the vendor doc copy
//! `reference/api-docs/vtex-orders.txt` (index of `vtex/openapi-schemas`, "VTEX - Orders API.json").
//!
//! # Routes (all under the account root, [`BASE_PATH`] is empty)
//! - `GET  /api/oms/pvt/orders`: list. `page` (≥1, at most 30), `per_page` (1–100, default 15),
//!   `orderBy={creationDate|orderId|items|totalValue|origin},{asc|desc}` (default `creationDate,desc`),
//!   `f_status` (comma list), `f_creationDate` / `f_invoicedDate` / `f_authorizedDate`
//!   (`creationDate:[A TO B]`, inclusive, `*` for an open end), `q` (order id, sequence, email, document,
//!   name; a `+` is refused), `f_paymentNames`, `f_salesChannel`, `salesChannelId`, `f_affiliateId`,
//!   `f_hasInputInvoice`. Answer `{list, facets, paging{total,pages,currentPage,perPage}, stats,
//!   reportRecordsLimit}`; rows carry `items: null`, `totalValue` in cents, `marketPlaceOrderId`, and the
//!   index's `isAllDelivered` / `isAnyDelivered` (whether every / some `Output` package's `courierStatus` is
//!   `finished`; documented on VTEX's masked order list, which reads the same index).
//! - `GET  /api/oms/pvt/orders/{orderId}`: the full order, by order id, by `seq{sequence}` or by the bare
//!   sequence number.
//! - `GET  /api/oms/pvt/orders/order-group/{orderGroup}`: every order of a group, as an array.
//! - `POST /api/oms/pvt/orders/{orderId}/start-handling`: 204; only from `ready-for-handling`
//!   (→ `handling`), else 409 `OMS003`.
//! - `POST /api/oms/pvt/orders/{orderId}/cancel` `{reason}`: 200 `{date, orderId, receipt}` → `canceled`.
//! - `POST /api/oms/pvt/orders/{orderId}/invoice`: invoice notification, adds a package; 200
//!   `{date, orderId, receipt}`.
//! - `PATCH /api/oms/pvt/orders/{orderId}/invoice/{invoiceNumber}`: tracking number of an invoice.
//! - `PUT  /api/oms/pvt/orders/{orderId}/invoice/{invoiceNumber}/tracking`: tracking events, delivery.
//! - `POST /api/oms/pvt/orders/{orderId}/interactions` `{source, message}`: order log.
//!
//! Every route needs `X-VTEX-API-AppKey` and `X-VTEX-API-AppToken`, both equal to
//! [`SANDBOX_CREDENTIAL`]; otherwise 401 `{"error":{"code":"1","message":"Unauthorized access",
//! "exception":null}}`. Errors use the same envelope `{"error":{"code","message","exception":null}}`.
//! Money is integer cents everywhere except the input `invoiceValue`, a string of cents.
//!
//! # Doc ambiguities and the choices made here
//! - Statuses: the first seeded orders walk the 33 API values of §1.5, once each. The filter-doc value
//!   `waiting-for-sellers-confirmation` is accepted in `f_status` as an alias of `waiting-for-authorization`.
//!   Incomplete orders (`status: null`) are not seeded.
//! - Not-found body: `404 {"error":{"code":"OMS007","message":"Order Not Found"}}` (VTEX clients show it;
//!   the API reference shows no body). Page past 30: `400` with code `"1"` and "Max page exceed ( 30 ),
//!   refine filter". Other bad query values: 400 with code `"1"`.
//! - Cancel is refused with 400 (code `OMS012`) for `invoiced`, `invoice-after-cancellation-deny`,
//!   `replaced`, partially invoiced orders and the transient `*` statuses (`order-created`, `cancel`,
//!   `start-handling`, `invoice`). Cancelling an already `canceled` order (undocumented) answers 200 again
//!   with the first cancellation's date and receipt. `reason` may be absent; a body that is not JSON is 400.
//! - Invoice: `type` (`Output`|`Input`), `issuanceDate`, `invoiceNumber`, `invoiceValue` (a JSON *string* of
//!   digits, > 0; a JSON number is refused) and `items[{id, price, quantity}]` (ids are the order's SKU ids)
//!   are required, else 400. `Output` is accepted in `ready-for-handling`, `handling`, `ready-for-invoicing`,
//!   `waiting-seller-handling` and `invoiced`; `Input` (return) only once `invoiced`; otherwise 400. The order
//!   becomes `invoiced` once its `Output` invoices reach the order `value`; below that it stays where it
//!   was (partially invoiced). Re-posting an existing `invoiceNumber` changes nothing but the `receipt`.
//! - Tracking: `deliveredDate` is read as `yyyy-mm-dd hh:mm` (seconds and RFC 3339 also accepted); the
//!   package's `courierStatus` becomes `{status, finished: isDelivered, deliveredDate, data: events}`.
//!   `courierStatus` is `null` on packages that never had tracking events. Unknown invoice number: 404
//!   with code `OMS009`.
//! - Date-range filters compare at millisecond precision (what the bounds carry), both ends inclusive;
//!   a bound must be RFC 3339 (a `+` in an offset must be sent as `%2B`) or `*`.
//! - `items[].tax` is a per-unit tax in cents; totals: `Items` = Σ price×qty, `Discounts` = −Σ
//!   (price−sellingPrice)×qty, `Shipping` = Σ logisticsInfo price, `Tax` = Σ tax×qty, and `value` is their
//!   sum. `marketplaceOrderId` is `""` on get and `marketPlaceOrderId` `null` in the list for own orders.
//! - Dates: order dates in UTC `+00:00` with 7 fractional digits on `lastChange` and trailing zeros
//!   trimmed on `creationDate` (so 1–7 digits); mutation `date`s in `-03:00` with 7 digits.
//! - Not simulated: the 4-minute index lag, the 2-year window, the `VtexIdclientAutCookie` alternative,
//!   403 permissions, Feed/Hook, order modifications.

mod admin;
mod full;
mod list;
mod model;
mod mutations;
mod seeding;
#[cfg(test)]
mod tests;

use std::sync::{Arc, RwLock};

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use serde_json::{Value, json};

use super::{AdminStore, Fault, SANDBOX_CREDENTIAL, SandboxOptions};

/// Path prefix under which the documented paths are served: VTEX paths hang off the account root.
pub const BASE_PATH: &str = "";

/// Shared state of one VTEX sandbox: the seeded orders, mutated by the write routes.
type Shared = Arc<RwLock<model::Store>>;

/// The VTEX OMS routes, seeded with `opts.orders` deterministic orders from `opts.seed`, and their admin.
pub(super) fn router(opts: &SandboxOptions) -> (Router, Arc<dyn AdminStore>) {
    let store: Shared = Arc::new(RwLock::new(seeding::seed_store(opts.orders, opts.seed)));
    let admin = Arc::new(admin::Admin(store.clone()));
    let router = Router::new()
        .route("/api/oms/pvt/orders", get(list::list_orders))
        .route("/api/oms/pvt/orders/order-group/{group}", get(list::get_order_group))
        .route("/api/oms/pvt/orders/{order_id}", get(list::get_order))
        .route("/api/oms/pvt/orders/{order_id}/start-handling", post(mutations::start_handling))
        .route("/api/oms/pvt/orders/{order_id}/cancel", post(mutations::cancel))
        .route("/api/oms/pvt/orders/{order_id}/invoice", post(mutations::invoice))
        .route("/api/oms/pvt/orders/{order_id}/invoice/{invoice_number}", patch(mutations::patch_invoice))
        .route(
            "/api/oms/pvt/orders/{order_id}/invoice/{invoice_number}/tracking",
            put(mutations::put_tracking),
        )
        .route("/api/oms/pvt/orders/{order_id}/interactions", post(mutations::interactions))
        .with_state(store)
        .layer(middleware::from_fn(require_app_key));
    (router, admin)
}

/// The vendor's answer to an injected fault: a 500 or a 429 with `Retry-After`, in VTEX's error envelope.
pub fn fault_response(fault: Fault) -> Response {
    match fault {
        Fault::ServerError => vtex_error(StatusCode::INTERNAL_SERVER_ERROR, "1", "Internal Server Error"),
        Fault::Echo(message) => vtex_error(StatusCode::BAD_REQUEST, "1", &message),
        Fault::RateLimited => {
            let mut response = vtex_error(StatusCode::TOO_MANY_REQUESTS, "429", "Too Many Requests");
            let headers = response.headers_mut();
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            headers.insert("X-RateLimit-Remaining", HeaderValue::from_static("0"));
            headers.insert("X-RateLimit-Reset", HeaderValue::from_static("1"));
            response
        }
    }
}

/// Rejects a request without both VTEX app-key headers equal to the sandbox credential.
async fn require_app_key(request: Request, next: Next) -> Response {
    if !has_credentials(request.headers()) {
        return vtex_error(StatusCode::UNAUTHORIZED, "1", "Unauthorized access");
    }
    next.run(request).await
}

fn has_credentials(headers: &HeaderMap) -> bool {
    ["X-VTEX-API-AppKey", "X-VTEX-API-AppToken"]
        .iter()
        .all(|name| headers.get(*name).and_then(|v| v.to_str().ok()) == Some(SANDBOX_CREDENTIAL))
}

/// A JSON answer with VTEX's content type.
fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    response
}

/// A 200 answer whose body is already serialized JSON.
fn text_response(body: String) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    response
}

/// VTEX's error envelope: `{"error":{"code","message","exception":null}}`.
fn vtex_error(status: StatusCode, code: &str, message: &str) -> Response {
    json_response(status, &json!({"error": {"code": code, "message": message, "exception": null}}))
}

/// 400 with VTEX's envelope and code `"1"`.
fn bad_request(message: &str) -> Response {
    vtex_error(StatusCode::BAD_REQUEST, "1", message)
}

/// A VTEX error answer carried in a `Result` (boxed: a `Response` is large).
type Bad = Box<Response>;

/// [`bad_request`], boxed for a `Result`.
fn bad(message: &str) -> Bad {
    Box::new(bad_request(message))
}

/// 404 for an order id or sequence that does not exist.
fn order_not_found() -> Response {
    vtex_error(StatusCode::NOT_FOUND, "OMS007", "Order Not Found")
}
