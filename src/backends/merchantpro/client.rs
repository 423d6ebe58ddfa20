//! The calls MerchantPro's Orders API offers, over the shared [`HttpClient`] (timeouts, retries of reads,
//! tracing, metrics), with Basic auth and the vendor's answers turned into the crate's errors. Answers are
//! decoded straight from the body's bytes into wire types; list rows are kept as their JSON text.

use ::http::Method;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use super::wire::{ListEnvelope, OkAnswer};
use crate::backends::decode::decode_bytes;
use crate::backends::http::{Body, Failure, HttpClient, VendorError};
use crate::config::{BackendConfig, Secret};
use crate::domain::{BackendName, NativeOrderId};
use crate::error::{Error, Result, shorten};

/// Documented path of the orders resource.
const ORDERS: &str = "/api/v2/orders";

/// One MerchantPro store's API.
#[derive(Clone, Debug)]
pub(super) struct Client {
    http: HttpClient,
}

/// One page of `GET /api/v2/orders`: the raw rows and what `meta` says.
#[derive(Debug)]
pub(super) struct RawPage {
    /// The rows, untouched (their JSON text).
    pub rows: Vec<Box<RawValue>>,
    /// `meta.count.total`.
    pub total: Option<u64>,
    /// Whether `meta.links.next` is set.
    pub has_next: bool,
}

impl Client {
    /// A client sending `Authorization: Basic base64(api_key:api_secret)` on every call.
    pub fn new(name: &BackendName, config: &BackendConfig) -> Result<Self> {
        let authorization = basic_auth(&config.credential("api_key"), &config.credential("api_secret"));
        let http = HttpClient::new(name, config, &[("authorization", authorization)], parse_error)?;
        Ok(Client { http })
    }

    /// The backend name, for errors.
    fn backend(&self) -> String {
        self.http.backend().to_string()
    }

    /// `GET /api/v2/orders` with `params` (paging, sorting, filters, include).
    pub async fn list(&self, operation: &str, params: &[(&'static str, String)]) -> Result<RawPage> {
        let bytes = self
            .http
            .call(operation, Method::GET, ORDERS, params, Body::Empty)
            .await
            .map_err(|failure| self.http.failure_error(failure))??;
        raw_page(self.http.backend(), &bytes)
    }

    /// `GET /api/v2/orders?ids=…&include=line_items&limit=100`: the rows of the ids the store knows (at most
    /// 100 ids). A 404 means none of them.
    pub async fn list_by_ids(&self, ids: &[&str]) -> Result<Vec<Box<RawValue>>> {
        let params = [
            ("ids", ids.join(",")),
            ("include", "line_items".to_string()),
            ("limit", ids.len().clamp(1, 100).to_string()),
        ];
        let answer = self.http.call("get_orders", Method::GET, ORDERS, &params, Body::Empty).await;
        let bytes = match answer {
            Ok(result) => result?,
            Err(Failure { status: 404, .. }) => return Ok(Vec::new()),
            Err(failure) => return Err(self.http.failure_error(failure)),
        };
        Ok(raw_page(self.http.backend(), &bytes)?.rows)
    }

    /// `GET /api/v2/orders/{id}`, decoded as `T` from the body; `NotFound` for a 404.
    pub async fn get<T: DeserializeOwned>(&self, id: &NativeOrderId, fields: Option<&str>) -> Result<T> {
        let path = order_path(id, None).ok_or_else(|| self.not_found(id))?;
        let params: Vec<(&str, String)> = fields.map(|f| ("fields", f.to_string())).into_iter().collect();
        match self.http.call("get_order", Method::GET, &path, &params, Body::Empty).await {
            Ok(result) => decode_bytes(self.http.backend(), &result?),
            Err(Failure { status: 404, .. }) => Err(self.not_found(id)),
            Err(failure) => Err(self.http.failure_error(failure)),
        }
    }

    /// `PATCH /api/v2/orders/{id}/{handler}` with no body (`in_process`, `shipped`, `delivered`, `returned`,
    /// `cancelled`), answered `{"ok":true}`. A refusal (400/409/422, or `ok: false`) is an invalid transition.
    pub async fn process(&self, id: &NativeOrderId, handler: &str) -> Result<()> {
        let path = order_path(id, Some(handler)).ok_or_else(|| self.not_found(id))?;
        let operation = format!("process_{handler}");
        let refused = |detail: Option<String>| Error::InvalidStatusTransition {
            backend: self.backend(),
            message: format!(
                "MerchantPro refused to set order {id} to {handler}{}",
                detail.map(|d| format!(": {d}")).unwrap_or_default()
            ),
        };
        let bytes = match self.http.call(&operation, Method::PATCH, &path, &[], Body::Empty).await {
            Ok(result) => result?,
            Err(Failure { status: 404, .. }) => return Err(self.not_found(id)),
            Err(Failure { status: 400 | 409 | 422, vendor, .. }) => {
                return Err(refused(vendor_text(&vendor)));
            }
            Err(failure) => return Err(self.http.failure_error(failure)),
        };
        let value = self.http.parse_json(&bytes)?;
        if handler_confirmed(self.http.backend(), &value)? { Ok(()) } else { Err(refused(None)) }
    }

    /// `PATCH /api/v2/orders/{id}` with a partial order; the answer (the updated order) decoded as `T` from the
    /// body. A 409 is a conflict; a 400/422 is the input `field` refused.
    pub async fn patch<T: DeserializeOwned>(
        &self,
        id: &NativeOrderId,
        body: Value,
        field: &[&str],
    ) -> Result<T> {
        let path = order_path(id, None).ok_or_else(|| self.not_found(id))?;
        let refused = |vendor: &VendorError| {
            vendor_text(vendor).unwrap_or_else(|| "MerchantPro refused the change".to_string())
        };
        match self.http.call("update_order", Method::PATCH, &path, &[], Body::Json(body)).await {
            Ok(result) => decode_bytes(self.http.backend(), &result?),
            Err(Failure { status: 404, .. }) => Err(self.not_found(id)),
            Err(Failure { status: 409, vendor, .. }) => {
                Err(Error::Conflict { backend: self.backend(), message: refused(&vendor) })
            }
            Err(Failure { status: 400 | 422, vendor, .. }) => {
                Err(Error::invalid_input(field, refused(&vendor)))
            }
            Err(failure) => Err(self.http.failure_error(failure)),
        }
    }

    /// `NotFound` for `id`.
    pub fn not_found(&self, id: &NativeOrderId) -> Error {
        Error::NotFound { backend: self.backend(), id: id.to_string() }
    }

    /// The name the HTTP client reports errors under.
    pub fn backend_name(&self) -> &BackendName {
        self.http.backend()
    }
}

/// Reads the list envelope from the body, keeping each row's text.
pub(super) fn raw_page(backend: &BackendName, body: &[u8]) -> Result<RawPage> {
    let envelope: ListEnvelope = decode_bytes(backend, body)?;
    Ok(RawPage {
        rows: envelope.data,
        total: envelope.meta.count.total,
        has_next: envelope.meta.links.and_then(|l| l.next).is_some_and(|n| !n.trim().is_empty()),
    })
}

/// Whether a handler's answer confirms the change: `{"ok":true}`, or an empty body; `ok: false` refuses.
fn handler_confirmed(backend: &BackendName, value: &Value) -> Result<bool> {
    if value.is_null() {
        return Ok(true);
    }
    let answer: OkAnswer = crate::backends::decode::decode(backend, value)?;
    Ok(answer.ok != Some(false))
}

/// Builds the PATCH body that sets the tag list (names only: the vendor assigns ids).
pub(super) fn tags_body(names: &[String]) -> Value {
    json!({ "tags": names.iter().map(|n| json!({ "name": n })).collect::<Vec<_>>() })
}

/// `Basic base64(key:secret)`, as a secret header value.
pub(super) fn basic_auth(key: &Secret, secret: &Secret) -> Secret {
    use base64::Engine as _;
    let encoded =
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", key.expose(), secret.expose()));
    Secret::new(format!("Basic {encoded}"))
}

/// Whether `id` can be a MerchantPro order id: ids are numbers (the field table says string), so an id with
/// anything but letters, digits, `-` and `_` cannot name an order and never reaches a URL or the `ids` list.
pub(super) fn is_wire_id(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn order_path(id: &NativeOrderId, handler: Option<&str>) -> Option<String> {
    let id = id.as_str();
    if !is_wire_id(id) {
        return None;
    }
    Some(match handler {
        Some(handler) => format!("{ORDERS}/{id}/{handler}"),
        None => format!("{ORDERS}/{id}"),
    })
}

/// The vendor's message, shortened, with its code when it has one.
fn vendor_text(vendor: &VendorError) -> Option<String> {
    let message = vendor.message.as_deref().map(shorten)?;
    Some(match &vendor.code {
        Some(code) => format!("{message} ({code})"),
        None => message,
    })
}

/// Parses an error body. The Orders page does not document it; these shapes are accepted:
/// `{"error":{"code","message"}}`, `{"error":"message"}`, `{"code","message"}` and `{"errors":[…]}` (strings
/// or `{code,message}` objects; the first one). Codes may be numbers or strings. `None` when nothing is there.
pub(super) fn parse_error(body: &[u8]) -> Option<VendorError> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object()?;
    let parsed = match (object.get("error"), object.get("errors")) {
        (Some(Value::Object(error)), _) => from_object(error),
        (Some(Value::String(message)), _) => {
            VendorError { code: object.get("code").and_then(scalar_text), message: Some(message.clone()) }
        }
        (_, Some(Value::Array(errors))) => match errors.first() {
            Some(Value::String(message)) => VendorError { code: None, message: Some(message.clone()) },
            Some(Value::Object(error)) => from_object(error),
            _ => from_object(object),
        },
        _ => from_object(object),
    };
    (parsed != VendorError::default()).then_some(parsed)
}

fn from_object(object: &serde_json::Map<String, Value>) -> VendorError {
    VendorError {
        code: object.get("code").and_then(scalar_text),
        message: object.get("message").and_then(scalar_text),
    }
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::merchantpro::fixtures::{
        HANDLER_OK, LIST_AWAITING, LIST_IDS_FIELDS, LIST_WITH_LINE_ITEMS,
    };

    fn vendor(code: Option<&str>, message: &str) -> Option<VendorError> {
        Some(VendorError { code: code.map(str::to_string), message: Some(message.to_string()) })
    }

    // Every accepted error-body shape gives its code and message; anything else gives None.
    #[test]
    fn error_bodies() {
        let cases = [
            (r#"{"error":{"code":404,"message":"Order not found"}}"#, vendor(Some("404"), "Order not found")),
            (r#"{"error":{"code":"invalid_status","message":"No"}}"#, vendor(Some("invalid_status"), "No")),
            (r#"{"message":"Invalid credentials"}"#, vendor(None, "Invalid credentials")),
            (r#"{"code":"E1","message":"Bad"}"#, vendor(Some("E1"), "Bad")),
            (r#"{"error":"Too many requests"}"#, vendor(None, "Too many requests")),
            (r#"{"errors":["limit must be at most 100"]}"#, vendor(None, "limit must be at most 100")),
            (r#"{"errors":[{"code":3,"message":"x"}]}"#, vendor(Some("3"), "x")),
        ];
        for (body, expected) in cases {
            assert_eq!(parse_error(body.as_bytes()), expected, "{body}");
        }
        for nothing in ["", "<html>502</html>", "[]", "{}", r#"{"ok":false}"#, "null"] {
            assert_eq!(parse_error(nothing.as_bytes()), None, "{nothing:?}");
        }
    }

    // The auth header is Basic base64(key:secret) and its Debug never shows the secret.
    #[test]
    fn basic_auth_header() {
        let header = basic_auth(&Secret::new("key"), &Secret::new("secret"));
        assert_eq!(header.expose(), "Basic a2V5OnNlY3JldA==");
        assert_eq!(format!("{header:?}"), "\"***\"");
    }

    // Only plain ids reach a URL; anything that could change the path or the ids list is refused.
    #[test]
    fn wire_ids() {
        for good in ["12345001", "42209911", "abc-1_2"] {
            assert!(is_wire_id(good), "{good}");
        }
        for bad in ["", "1,2", "1/cancelled", "1?x=2", "../1", "1#", "ü"] {
            assert!(!is_wire_id(bad), "{bad}");
        }
        let id = NativeOrderId::new("12345001");
        assert_eq!(
            order_path(&id, Some("in_process")).as_deref(),
            Some("/api/v2/orders/12345001/in_process")
        );
        assert_eq!(order_path(&NativeOrderId::new("1/x"), None), None);
    }

    // The documented list envelopes: total and the end of paging read from meta.
    #[test]
    fn list_envelopes() {
        let backend = BackendName::parse("mp").unwrap();
        for (fixture, rows) in [(LIST_IDS_FIELDS, 3), (LIST_AWAITING, 1), (LIST_WITH_LINE_ITEMS, 1)] {
            let page = raw_page(&backend, fixture.as_bytes()).unwrap();
            assert_eq!(page.rows.len(), rows);
            assert_eq!(page.total, Some(rows as u64));
            assert!(!page.has_next);
        }
        let more = json!({"data": [], "meta": {"count": {"total": 250}, "links": {"next": "/api/v2/orders?start=100"}}});
        let page = raw_page(&backend, &serde_json::to_vec(&more).unwrap()).unwrap();
        assert!(page.has_next && page.total == Some(250));
        let broken = json!({"data": {}, "meta": {"count": {}}});
        let broken = serde_json::to_vec(&broken).unwrap();
        assert!(matches!(raw_page(&backend, &broken), Err(Error::Malformed { path, .. }) if path == "data"));
    }

    // The documented handler answer confirms; `ok: false` refuses; an empty body is taken as done.
    #[test]
    fn handler_answers() {
        let backend = BackendName::parse("mp").unwrap();
        assert!(handler_confirmed(&backend, &serde_json::from_str(HANDLER_OK).unwrap()).unwrap());
        assert!(!handler_confirmed(&backend, &json!({"ok": false})).unwrap());
        assert!(handler_confirmed(&backend, &Value::Null).unwrap());
    }

    // The tags body carries names only, in order.
    #[test]
    fn tags_body_names_only() {
        assert_eq!(
            tags_body(&["VIP".into(), "Excelent feedback".into()]),
            json!({"tags":[{"name":"VIP"},{"name":"Excelent feedback"}]})
        );
    }
}
