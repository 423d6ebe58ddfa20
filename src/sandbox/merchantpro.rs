//! Sandbox of merchantpro (stub: to be written from the vendor documentation).

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{Fault, SandboxOptions};

/// Path prefix under which the documented paths are served.
pub const BASE_PATH: &str = "";

/// The vendor routes, seeded from `opts`.
pub fn router(opts: &SandboxOptions) -> Router {
    let _ = opts;
    Router::new()
}

/// The vendor's answer to an injected fault.
pub fn fault_response(fault: Fault) -> Response {
    match fault {
        Fault::ServerError => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Fault::RateLimited => StatusCode::TOO_MANY_REQUESTS.into_response(),
    }
}
