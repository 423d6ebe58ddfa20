//! VesuvioPay calls over [`HttpClient`]: the `X-Api-Key` header, the error body parser, vendor error codes
//! mapped to typed errors, and the `{success, data}` envelope.

use ::http::Method;
use bytes::Bytes;
use serde_json::Value;
use serde_json::value::RawValue;

use super::wire;
use crate::backends::decode::{decode_bytes, decode_raw};
use crate::backends::http::{Body, Failure, HttpClient, VendorError};
use crate::config::BackendConfig;
use crate::domain::{BackendName, NativeJson, NativeOrderId};
use crate::error::{Error, Result, shorten};

/// The header of planned rate limiting's retry delay (seconds).
const RETRY_AFTER_HEADERS: &[&str] = &["x-ratelimit-retry-after"];

/// Codes that mean the order is not there.
const NOT_FOUND_CODES: &[&str] = &["ORDER_NOT_FOUND"];
/// Codes that mean the external id is taken or the order is already linked (the docs name them variously).
const CONFLICT_CODES: &[&str] = &[
    "ORDER_ALREADY_LINKED",
    "EXTERNAL_ID_EXISTS",
    "EXTERNAL_ORDER_ID_EXISTS",
    "DUPLICATE_EXTERNAL_ORDER_ID",
];
/// The refused-transition code.
const TRANSITION_CODE: &str = "INVALID_STATUS_TRANSITION";

/// One VesuvioPay store's API.
#[derive(Clone, Debug)]
pub(super) struct Client {
    http: HttpClient,
}

impl Client {
    /// A client sending the config's `api_key` as `X-Api-Key`.
    pub(super) fn new(name: &BackendName, config: &BackendConfig) -> Result<Self> {
        let auth = [("x-api-key", config.credential("api_key"))];
        let http =
            HttpClient::new(name, config, &auth, parse_error)?.with_retry_after_headers(RETRY_AFTER_HEADERS);
        Ok(Client { http })
    }

    /// The backend name.
    pub(super) fn backend(&self) -> &BackendName {
        self.http.backend()
    }

    /// `GET /api/v1/orders?…`: the page, its rows kept as their JSON text.
    pub(super) async fn list(&self, query: &[(&str, String)]) -> Result<wire::OrderList> {
        let bytes = self.send("listOrders", Method::GET, "/api/v1/orders", query, Body::Empty, None).await?;
        decode_list(self.backend(), &bytes)
    }

    /// `GET /api/v1/orders/{id}` (internal UUID or external id): the order and `data` as sent.
    pub(super) async fn get(&self, id: &NativeOrderId) -> Result<(wire::OrderDetail, NativeJson)> {
        let path = order_path(self.backend(), id, "")?;
        let bytes = self.send("getOrder", Method::GET, &path, &[], Body::Empty, Some(id)).await?;
        decode_detail(self.backend(), &bytes)
    }

    /// `PUT /api/v1/orders/{id}/{action}` with a JSON body; the answer's envelope is checked.
    pub(super) async fn put(
        &self,
        operation: &str,
        id: &NativeOrderId,
        action: &str,
        body: Value,
    ) -> Result<()> {
        let path = order_path(self.backend(), id, action)?;
        let bytes = self.send(operation, Method::PUT, &path, &[], Body::Json(body), Some(id)).await?;
        let value = self.http.parse_json(&bytes)?;
        if let Some(false) = value.get("success").and_then(Value::as_bool) {
            let message = value.get("message").and_then(Value::as_str).map(shorten);
            return Err(Error::Backend {
                backend: self.backend().to_string(),
                status: 200,
                native_code: value.get("errorCode").and_then(Value::as_str).map(str::to_string),
                message: message.unwrap_or_else(|| "the backend refused the request".into()),
            });
        }
        Ok(())
    }

    /// One call; the body of a 2xx answer as received.
    async fn send(
        &self,
        operation: &str,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Body,
        id: Option<&NativeOrderId>,
    ) -> Result<Bytes> {
        match self.http.call(operation, method, path, query, body).await {
            Ok(result) => result,
            Err(failure) => Err(self.failure_error(failure, id)),
        }
    }

    /// What a non-2xx answer means: VesuvioPay's codes first, then the generic HTTP meaning.
    pub(super) fn failure_error(&self, failure: Failure, id: Option<&NativeOrderId>) -> Error {
        failure_error(&self.http, failure, id)
    }
}

fn failure_error(http: &HttpClient, failure: Failure, id: Option<&NativeOrderId>) -> Error {
    let backend = http.backend().to_string();
    let code = failure.vendor.code.as_deref().unwrap_or_default();
    let is = |codes: &[&str]| codes.iter().any(|c| c.eq_ignore_ascii_case(code));
    let message = || failure.vendor.message.as_deref().map(shorten);
    if let Some(id) = id {
        // A 404 from VesuvioPay itself (its error body) means the order is unknown; a 404 without the
        // vendor's body (a wrong base_url, a proxy) stays a backend error.
        let vendor_404 = failure.status == 404 && (is(NOT_FOUND_CODES) || failure.vendor.message.is_some());
        if vendor_404 || is(NOT_FOUND_CODES) {
            return Error::NotFound { backend, id: id.to_string() };
        }
    }
    if code.eq_ignore_ascii_case(TRANSITION_CODE) {
        return Error::InvalidStatusTransition {
            backend,
            message: message().unwrap_or_else(|| "the backend refused the status change".into()),
        };
    }
    if is(CONFLICT_CODES) || failure.status == 409 {
        return Error::Conflict {
            backend,
            message: message().unwrap_or_else(|| "the request conflicts with the order's state".into()),
        };
    }
    http.failure_error(failure)
}

/// Decodes a list answer straight from its bytes; the rows stay JSON text.
pub(super) fn decode_list(backend: &BackendName, bytes: &[u8]) -> Result<wire::OrderList> {
    let envelope: wire::Envelope<wire::OrderList> = decode_bytes(backend, bytes)?;
    Ok(checked(backend, envelope)?.data)
}

/// Decodes a get answer straight from its bytes: the order (errors name `data.…`) and `data`'s text.
pub(super) fn decode_detail(backend: &BackendName, bytes: &[u8]) -> Result<(wire::OrderDetail, NativeJson)> {
    let envelope: wire::Envelope<Box<RawValue>> = decode_bytes(backend, bytes)?;
    let raw = checked(backend, envelope)?.data;
    let detail = decode_raw(backend, &raw, "data")?;
    Ok((detail, NativeJson::from_raw(&raw)))
}

/// A 2xx envelope with `success: false` is a refusal.
fn checked<T>(backend: &BackendName, envelope: wire::Envelope<T>) -> Result<wire::Envelope<T>> {
    if envelope.success == Some(false) {
        return Err(Error::Backend {
            backend: backend.to_string(),
            status: 200,
            native_code: None,
            message: envelope.message.as_deref().map(shorten).unwrap_or_else(|| "success: false".into()),
        });
    }
    Ok(envelope)
}

/// `/api/v1/orders/{id}` or `/api/v1/orders/{id}/{action}`, the id percent-encoded as one path segment.
fn order_path(backend: &BackendName, id: &NativeOrderId, action: &str) -> Result<String> {
    let id = id.as_str();
    if id == "." || id == ".." {
        return Err(Error::NotFound { backend: backend.to_string(), id: id.to_string() });
    }
    let mut path = format!("/api/v1/orders/{}", encode_segment(id));
    if !action.is_empty() {
        path.push('/');
        path.push_str(action);
    }
    Ok(path)
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Parses `{"success": false, "message", "errorCode", "errors"?}`; `errors` (strings or `{field, message}`)
/// are appended to the message. `None` when the body is not that shape.
pub(super) fn parse_error(body: &[u8]) -> Option<VendorError> {
    let parsed: wire::ErrorBody = serde_json::from_slice(body).ok()?;
    if parsed.message.is_none() && parsed.error_code.is_none() && parsed.errors.is_none() {
        return None;
    }
    let details: Vec<String> = parsed
        .errors
        .iter()
        .flatten()
        .filter_map(|e| match e {
            wire::ValidationError::Text(text) => Some(text.clone()),
            wire::ValidationError::Field { field: Some(field), message: Some(message) } => {
                Some(format!("{field}: {message}"))
            }
            wire::ValidationError::Field { field: None, message: Some(message) } => Some(message.clone()),
            wire::ValidationError::Field { field: Some(field), message: None } => {
                Some(format!("{field}: invalid"))
            }
            _ => None,
        })
        .collect();
    let message = match (parsed.message, details.is_empty()) {
        (Some(message), true) => Some(message),
        (Some(message), false) => Some(format!("{message}: {}", details.join("; "))),
        (None, false) => Some(details.join("; ")),
        (None, true) => None,
    };
    Some(VendorError { code: parsed.error_code, message })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::fixtures;
    use super::*;

    // Every documented error body: the code and the message, validation details in both shapes.
    #[test]
    fn parses_every_documented_error_body() {
        let strings = parse_error(fixtures::VALIDATION_ERROR_STRINGS.as_bytes()).unwrap();
        assert_eq!(strings.code, None);
        assert_eq!(
            strings.message.as_deref(),
            Some("Validation failed: Customer email is required; At least one order item is required")
        );
        let objects = parse_error(fixtures::VALIDATION_ERROR_OBJECTS.as_bytes()).unwrap();
        assert_eq!(objects.code.as_deref(), Some("VALIDATION_ERROR"));
        assert_eq!(
            objects.message.as_deref(),
            Some(
                "Validation failed: customerEmail: Customer email is required; items: At least one order item is \
                 required"
            )
        );
        let not_found = parse_error(fixtures::NOT_FOUND.as_bytes()).unwrap();
        assert_eq!(not_found.code.as_deref(), Some("ORDER_NOT_FOUND"));
        assert_eq!(not_found.message.as_deref(), Some("Order not found"));
        let transition = parse_error(fixtures::INVALID_TRANSITION.as_bytes()).unwrap();
        assert_eq!(transition.code.as_deref(), Some("INVALID_STATUS_TRANSITION"));
        assert_eq!(parse_error(b""), None);
        assert_eq!(parse_error(b"<html>502</html>"), None);
        assert_eq!(parse_error(b"{}"), None);
        assert_eq!(parse_error(br#"{"errors":[42]}"#).unwrap().message, None);
    }

    fn client() -> Client {
        let config = crate::config::Config::parse(
            r#"
[backends.ves]
kind = "vesuviopay"
base_url = "http://127.0.0.1:9"
currency = "EUR"
api_key = "sk_test"
"#,
            &|_| None,
        )
        .unwrap();
        let name = BackendName::parse("ves").unwrap();
        Client::new(&name, &config.backends[&name]).unwrap()
    }

    fn failure(status: u16, body: &str, retry_after: Option<Duration>) -> Failure {
        Failure { status, vendor: parse_error(body.as_bytes()).unwrap_or_default(), retry_after }
    }

    // Vendor codes map to typed errors; the rest follows the HTTP status.
    #[test]
    fn maps_vendor_codes() {
        let client = client();
        let id = NativeOrderId::new("abc");
        let e = client.failure_error(failure(404, fixtures::NOT_FOUND, None), Some(&id));
        assert!(matches!(e, Error::NotFound { ref id, .. } if id == "abc"), "{e:?}");
        let e = client.failure_error(failure(404, "", None), Some(&id));
        assert!(matches!(e, Error::Backend { status: 404, .. }), "{e:?}");
        let e = client.failure_error(failure(400, fixtures::INVALID_TRANSITION, None), Some(&id));
        assert!(
            matches!(e, Error::InvalidStatusTransition { ref message, .. }
                if message == "Cannot change status from Delivered to Pending"),
            "{e:?}"
        );
        for body in [
            r#"{"success":false,"message":"Order already linked","errorCode":"ORDER_ALREADY_LINKED"}"#,
            r#"{"success":false,"message":"taken","errorCode":"EXTERNAL_ID_EXISTS"}"#,
            fixtures::DUPLICATE,
        ] {
            let e = client.failure_error(failure(400, body, None), Some(&id));
            assert!(matches!(e, Error::Conflict { .. }), "{e:?}");
        }
        let e = client.failure_error(failure(401, r#"{"errorCode":"INVALID_API_KEY"}"#, None), None);
        assert!(matches!(e, Error::Unauthenticated { status: 401, .. }), "{e:?}");
        let e = client.failure_error(failure(403, r#"{"errorCode":"NO_STORE_ACCESS"}"#, None), None);
        assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
        let wait = Some(Duration::from_secs(7));
        let e = client.failure_error(failure(429, r#"{"errorCode":"RATE_LIMIT_EXCEEDED"}"#, wait), None);
        assert!(matches!(e, Error::RateLimited { retry_after: Some(w), .. } if w == Duration::from_secs(7)));
        let e = client.failure_error(failure(503, "", None), None);
        assert!(matches!(e, Error::Unavailable { status: Some(503), .. }), "{e:?}");
        let e = client.failure_error(failure(400, fixtures::VALIDATION_ERROR_OBJECTS, None), Some(&id));
        assert!(matches!(e, Error::Backend { status: 400, .. }), "{e:?}");
        assert!(!e.to_string().contains('{'), "no raw body in {e}");
    }

    // Bodies decode straight from bytes: errors name the JSON path under `data`, a `success: false` envelope
    // is a refusal, and a body that is not JSON names the line and column.
    #[test]
    fn decodes_bodies_from_bytes() {
        let backend = BackendName::parse("ves").unwrap();
        let malformed_path = |e: Error| match e {
            Error::Malformed { path, .. } => path,
            other => panic!("unexpected {other:?}"),
        };
        let bad_total =
            br#"{"success":true,"data":{"id":"x","status":"Pending","placedAt":"2025-10-08T10:30:00Z",
            "totals":{"totalAmount":"abc"}}}"#;
        assert_eq!(
            malformed_path(decode_detail(&backend, bad_total).unwrap_err()),
            "data.totals.totalAmount"
        );
        assert_eq!(
            malformed_path(decode_detail(&backend, br#"{"success":true,"data":null}"#).unwrap_err()),
            "data"
        );
        assert_eq!(malformed_path(decode_detail(&backend, br#"{"success":true}"#).unwrap_err()), "(root)");
        let list = |text: &[u8]| decode_list(&backend, text);
        assert!(malformed_path(list(b"<html>").unwrap_err()).starts_with("line 1 column"));
        let refused = br#"{"success":false,"message":"nope","data":{"orders":[]}}"#;
        match list(refused).unwrap_err() {
            Error::Backend { status: 200, message, .. } => assert_eq!(message, "nope"),
            other => panic!("unexpected {other:?}"),
        }
        let page = list(br#"{"data":{"orders":[{"id":"x"}, 7]}}"#).unwrap();
        assert_eq!((page.orders.len(), page.total_count, page.has_more), (2, None, None));
        assert_eq!(page.orders[1].get(), "7");
    }

    // Ids are one percent-encoded path segment; dot segments never reach the server.
    #[test]
    fn order_paths() {
        let backend = BackendName::parse("ves").unwrap();
        let path = |id: &str, action: &str| order_path(&backend, &NativeOrderId::new(id), action);
        assert_eq!(path("a3f2-b1", "").unwrap(), "/api/v1/orders/a3f2-b1");
        assert_eq!(path("shopify/1?x#y%", "status").unwrap(), "/api/v1/orders/shopify%2F1%3Fx%23y%25/status");
        assert!(matches!(path("..", "").unwrap_err(), Error::NotFound { .. }));
    }
}
