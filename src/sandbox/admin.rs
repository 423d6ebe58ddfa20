//! Test-only administration of a sandbox's orders, outside the vendor's API: delete an order as if it never
//! existed, insert a copy of an order placed at a given instant, list every order id newest first. Tests use
//! it to change a backend between two pages of a listing (new orders arriving, orders vanishing); it is
//! served over HTTP as `/_sandbox/orders…` (see the module doc of [`crate::sandbox`]).
//!
//! Each kind implements [`AdminStore`] over its own store (`src/sandbox/<kind>/admin.rs`); [`SandboxAdmin`]
//! wraps it and empties the memoised reads around every write.

use std::fmt;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use serde_json::json;

use super::Control;

/// What each sandbox implements over its own store, in its own id shapes and date formats.
pub(super) trait AdminStore: Send + Sync {
    /// Removes the order with this native id from every read (list, get, each filter); false if none.
    fn delete(&self, native_id: &str) -> bool;

    /// Inserts a copy of the order `template` with a fresh native id in the vendor's shape, created at
    /// `placed_at` (every date field that states creation, in the vendor's format and precision); the copy's
    /// later instants (updates, payment, shipping) move by the same amount, everything else is copied.
    /// Returns the new native id, or `None` when `template` does not exist.
    fn create_like(&self, template: &str, placed_at: DateTime<FixedOffset>) -> Option<String>;

    /// Every order's native id, newest first, as the vendor's list sorts by default.
    fn native_ids_newest_first(&self) -> Vec<String>;
}

/// The test-only administration of one running sandbox's orders: [`Sandbox::admin`](super::Sandbox::admin).
///
/// Every write empties the sandbox's memoised reads. None of these calls is recorded in the request log.
#[derive(Clone)]
pub struct SandboxAdmin {
    store: Arc<dyn AdminStore>,
    control: Arc<Control>,
}

impl fmt::Debug for SandboxAdmin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxAdmin").finish_non_exhaustive()
    }
}

impl SandboxAdmin {
    pub(super) fn new(store: Arc<dyn AdminStore>, control: Arc<Control>) -> Self {
        SandboxAdmin { store, control }
    }

    /// Removes the order with this native id as if it had never existed: it leaves the list (under every
    /// filter) and its get answers the vendor's 404. Returns false when there was no such order.
    pub fn delete(&self, native_id: &str) -> bool {
        self.control.note_write();
        let deleted = self.store.delete(native_id);
        self.control.note_write();
        deleted
    }

    /// Inserts a copy of the order `template_native_id` with a fresh native id in the vendor's id shape and
    /// `placed_at` as its creation instant (in the vendor's own date format and precision); the copy's later
    /// instants (last change, payment, invoice, …) move by the same amount so its history keeps its shape,
    /// everything else is the template's. Returns the new native id, or `None` if the template does not exist.
    pub fn create_like(&self, template_native_id: &str, placed_at: DateTime<FixedOffset>) -> Option<String> {
        self.control.note_write();
        let created = self.store.create_like(template_native_id, placed_at);
        self.control.note_write();
        created
    }

    /// Every order's native id, newest first (the vendor list's default order).
    pub fn native_ids_newest_first(&self) -> Vec<String> {
        self.store.native_ids_newest_first()
    }
}

/// The body of `POST /_sandbox/orders/{id}/copy`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CopyBody {
    placed_at: DateTime<FixedOffset>,
}

fn not_found(id: &str) -> Response {
    (StatusCode::NOT_FOUND, Json(json!({ "error": format!("no order {id}") }))).into_response()
}

/// `GET /_sandbox/orders`: `{"ids": [...]}`, newest first.
pub(super) async fn list_ids(State(admin): State<SandboxAdmin>) -> Response {
    Json(json!({ "ids": admin.native_ids_newest_first() })).into_response()
}

/// `POST /_sandbox/orders/{id}/delete`: 204, or 404 when there is no such order.
pub(super) async fn delete(State(admin): State<SandboxAdmin>, Path(id): Path<String>) -> Response {
    if admin.delete(&id) { StatusCode::NO_CONTENT.into_response() } else { not_found(&id) }
}

/// `POST /_sandbox/orders/{id}/copy` `{"placedAt": RFC 3339}`: 200 `{"id": new id}`; 400 for a bad body,
/// 404 when there is no such order.
pub(super) async fn copy(State(admin): State<SandboxAdmin>, Path(id): Path<String>, body: Bytes) -> Response {
    let parsed: CopyBody = match serde_json::from_slice(&body) {
        Ok(parsed) => parsed,
        Err(error) => {
            return (StatusCode::BAD_REQUEST, Json(json!({ "error": error.to_string() }))).into_response();
        }
    };
    match admin.create_like(&id, parsed.placed_at) {
        Some(new_id) => Json(json!({ "id": new_id })).into_response(),
        None => not_found(&id),
    }
}
