//! Storeden's order endpoints over [`HttpClient`]: auth headers `key` and `exchange`, form-encoded writes,
//! the `{"ok": 0, "err": "…"}` error body, and vendor failures mapped to typed errors.

use reqwest::Method;
use serde_json::Value;

use super::wire::{FullOrder, OkBody, TagsResult, TrackingInfo};
use crate::backends::http::{Body, Failure, HttpClient, VendorError};
use crate::config::BackendConfig;
use crate::domain::{BackendName, NativeOrderId};
use crate::error::{Error, Result, shorten};

/// `GET /orders/list.json`.
pub(super) const LIST_PATH: &str = "/orders/list.json";
/// `GET` / `PUT /orders/order.json`.
pub(super) const ORDER_PATH: &str = "/orders/order.json";
/// `GET /orders/tracking.json`.
pub(super) const TRACKING_PATH: &str = "/orders/tracking.json";
/// `POST` / `DELETE /orders/tags.json`.
pub(super) const TAGS_PATH: &str = "/orders/tags.json";

/// Storeden's order API for one store.
#[derive(Clone, Debug)]
pub(super) struct Client {
    http: HttpClient,
}

impl Client {
    /// A client sending the `key` and `exchange` credentials as headers of the same names.
    pub fn new(name: &BackendName, config: &BackendConfig) -> Result<Self> {
        let auth = [("key", config.credential("key")), ("exchange", config.credential("exchange"))];
        Ok(Client { http: HttpClient::new(name, config, &auth, parse_error)? })
    }

    /// The underlying client (decoding helpers).
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    fn backend(&self) -> String {
        self.http.backend().to_string()
    }

    /// One page of `list.json` as raw rows (the caller decodes them and keeps each as `native`).
    pub async fn list(&self, query: &[(&str, String)]) -> Result<Vec<Value>> {
        let value = self.get(LIST_PATH, query, None).await?;
        match value {
            Value::Array(rows) => Ok(rows),
            other => Err(self.unexpected_body(&other, "(root)", "expected an array of orders")),
        }
    }

    /// `order.json` for one id: the decoded order and its JSON, or `None` when Storeden does not know it.
    pub async fn order(&self, id: &NativeOrderId) -> Result<Option<(FullOrder, Value)>> {
        let query = [("orderID", id.to_string())];
        let value = match self.get(ORDER_PATH, &query, Some(id)).await {
            Ok(value) => value,
            Err(Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        if is_not_an_order(&value) {
            // A 2xx without an order (`null`, `[]`, `{}` or `{"ok":0,…}`): the id is unknown.
            return Ok(None);
        }
        let order: FullOrder = self.http.decode(&value)?;
        Ok(Some((order, value)))
    }

    /// `tracking.json` for one id; `None` when there is none (404 or an empty answer).
    pub async fn tracking(&self, id: &NativeOrderId) -> Result<Option<TrackingInfo>> {
        let query = [("orderID", id.to_string())];
        let value = match self.get(TRACKING_PATH, &query, Some(id)).await {
            Ok(value) => value,
            Err(Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        match value {
            Value::Object(ref fields) if !fields.contains_key("ok") => Ok(Some(self.http.decode(&value)?)),
            _ => Ok(None),
        }
    }

    /// `PUT /orders/order.json` with the form fields; success is `{"ok":1,"err":null}`.
    pub async fn update_status(&self, id: &NativeOrderId, form: Vec<(String, String)>) -> Result<()> {
        let value = self.write("update_status", Method::PUT, ORDER_PATH, id, form).await?;
        let body: OkBody = self.http.decode(&value)?;
        match body.ok.as_ref().map(truthy) {
            Some(false) => Err(self.refused(200, body.err.as_ref())),
            _ => Ok(()),
        }
    }

    /// `POST` (add) or `DELETE` (remove) `/orders/tags.json`; success is `{"orderID", "nAdded"|"nRemoved"}`.
    pub async fn change_tags(&self, id: &NativeOrderId, tags: &[String], add: bool) -> Result<()> {
        let (operation, method) =
            if add { ("add_tags", Method::POST) } else { ("remove_tags", Method::DELETE) };
        let form = vec![("orderID".to_string(), id.to_string()), ("tags".to_string(), tags.join(","))];
        let value = self.write(operation, method, TAGS_PATH, id, form).await?;
        let refusal =
            self.http.decode::<OkBody>(&value).ok().filter(|b| b.ok.as_ref().map(truthy) == Some(false));
        if let Some(body) = refusal {
            return Err(self.refused(200, body.err.as_ref()));
        }
        let result: TagsResult = self.http.decode(&value)?;
        let count = if add { result.n_added } else { result.n_removed };
        tracing::debug!(
            backend = %self.http.backend(),
            order = %id,
            changed = count.map(|c| c.0),
            echoed = result.order_id.map(|o| o.0).as_deref(),
            operation,
            "tags changed"
        );
        Ok(())
    }

    async fn get(&self, path: &str, query: &[(&str, String)], id: Option<&NativeOrderId>) -> Result<Value> {
        let operation = match path {
            LIST_PATH => "list",
            ORDER_PATH => "get",
            TRACKING_PATH => "tracking",
            _ => "read",
        };
        let bytes = match self.http.call(operation, Method::GET, path, query, Body::Empty).await {
            Ok(result) => result?,
            Err(failure) => return Err(self.failure(failure, id)),
        };
        self.http.parse_json(&bytes)
    }

    async fn write(
        &self,
        operation: &str,
        method: Method,
        path: &str,
        id: &NativeOrderId,
        form: Vec<(String, String)>,
    ) -> Result<Value> {
        let bytes = match self.http.call(operation, method, path, &[], Body::Form(form)).await {
            Ok(result) => result?,
            Err(failure) => return Err(self.failure(failure, Some(id))),
        };
        self.http.parse_json(&bytes)
    }

    /// A non-2xx answer: 404 about an order is `NotFound`, 409 a `Conflict`; the rest as [`HttpClient`] maps
    /// them (401, 403, 429 and Storeden's 509 "Limit Exceeded", 5xx, other 4xx with the vendor's message).
    fn failure(&self, failure: Failure, id: Option<&NativeOrderId>) -> Error {
        match (failure.status, id) {
            (404, Some(id)) => Error::NotFound { backend: self.backend(), id: id.to_string() },
            (409, _) => Error::Conflict {
                backend: self.backend(),
                message: failure
                    .vendor
                    .message
                    .as_deref()
                    .map(shorten)
                    .unwrap_or_else(|| "the order's state does not allow this change".into()),
            },
            _ => self.http.failure_error(failure),
        }
    }

    /// A 2xx answer saying `ok: 0`.
    fn refused(&self, status: u16, err: Option<&Value>) -> Error {
        Error::Backend {
            backend: self.backend(),
            status,
            native_code: None,
            message: err
                .and_then(message_of)
                .map(|m| shorten(&m))
                .unwrap_or_else(|| "Storeden refused the request".into()),
        }
    }

    fn unexpected_body(&self, value: &Value, path: &str, expected: &str) -> Error {
        if let Some(vendor) = value.as_object().and_then(|_| vendor_error(value)) {
            return Error::Backend {
                backend: self.backend(),
                status: 200,
                native_code: vendor.code,
                message: vendor.message.unwrap_or_else(|| "Storeden refused the request".into()),
            };
        }
        Error::Malformed { backend: self.backend(), path: path.into(), message: expected.into() }
    }
}

/// Parses Storeden's error body. It is not documented; the success body of writes is `{"ok":1,"err":null}`,
/// so the error body is read as its mirror `{"ok":0,"err":"…"}`, with `err` a string or an object carrying a
/// message, and `{"error": "…"}` / `{"message": "…"}` accepted as fallbacks. Anything else is `None`.
pub(super) fn parse_error(body: &[u8]) -> Option<VendorError> {
    let value: Value = serde_json::from_slice(body).ok()?;
    vendor_error(&value)
}

fn vendor_error(value: &Value) -> Option<VendorError> {
    let object = value.as_object()?;
    let message = ["err", "error", "message", "msg"]
        .iter()
        .find_map(|key| object.get(*key).and_then(message_of))
        .map(|m| shorten(&m));
    let code =
        object.get("code").or_else(|| object.get("err").and_then(|e| e.get("code"))).and_then(|c| match c {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
    (message.is_some() || code.is_some()).then_some(VendorError { code, message })
}

fn message_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Object(fields) => {
            ["message", "msg", "err", "error"].iter().find_map(|key| fields.get(*key).and_then(message_of))
        }
        _ => None,
    }
}

/// `ok` as a boolean: `1`, `true`, `"1"`, `"true"` are true; `0`, `false`, `"0"`, `"false"`, `null` false.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !matches!(s.trim(), "" | "0" | "false"),
        _ => false,
    }
}

/// A 2xx `order.json` answer that carries no order.
fn is_not_an_order(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => !fields.contains_key("orderID"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The documented-by-analogy error body and its fallbacks parse; foreign bodies do not.
    #[test]
    fn parses_error_bodies() {
        type Parsed<'a> = Option<(Option<&'a str>, Option<&'a str>)>;
        let cases: &[(&str, Parsed)] = &[
            (r#"{"ok":0,"err":"Order not found"}"#, Some((None, Some("Order not found")))),
            (r#"{"ok":0,"err":{"message":"bad status","code":12}}"#, Some((Some("12"), Some("bad status")))),
            (r#"{"error":"Unauthorized"}"#, Some((None, Some("Unauthorized")))),
            (r#"{"message":"Limit Exceeded"}"#, Some((None, Some("Limit Exceeded")))),
            (r#"{"ok":0,"err":null}"#, None),
            (r#"{"ok":1,"err":null}"#, None),
            (r#"<html>Bad gateway</html>"#, None),
            ("", None),
            (r#"[1,2]"#, None),
        ];
        for (body, expected) in cases {
            let parsed = parse_error(body.as_bytes());
            let got = parsed.as_ref().map(|v| (v.code.as_deref(), v.message.as_deref()));
            assert_eq!(got, *expected, "{body}");
        }
    }

    // A long vendor message is shortened, so no whole body ends up in an error.
    #[test]
    fn long_messages_are_shortened() {
        let body = format!(r#"{{"ok":0,"err":"{}"}}"#, "x".repeat(5000));
        let message = parse_error(body.as_bytes()).and_then(|v| v.message).unwrap();
        assert!(message.chars().count() <= 201);
    }

    // `ok` is read in every spelling PHP might send.
    #[test]
    fn ok_flag_spellings() {
        for yes in [serde_json::json!(1), serde_json::json!(true), serde_json::json!("1")] {
            assert!(truthy(&yes), "{yes}");
        }
        for no in [serde_json::json!(0), serde_json::json!(false), serde_json::json!("0"), Value::Null] {
            assert!(!truthy(&no), "{no}");
        }
    }

    // 2xx answers without an order mean an unknown id; an order object does not.
    #[test]
    fn empty_answers_are_not_orders() {
        for value in [Value::Null, serde_json::json!([]), serde_json::json!({}), serde_json::json!({"ok":0})]
        {
            assert!(is_not_an_order(&value), "{value}");
        }
        assert!(!is_not_an_order(&serde_json::json!({"orderID":"1_a"})));
    }
}
