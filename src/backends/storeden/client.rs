//! Storeden's order endpoints over [`HttpClient`]: auth headers `key` and `exchange`, form-encoded writes,
//! the `{"ok": 0, "err": "…"}` error body, and vendor failures mapped to typed errors.

use std::fmt;

use ::http::Method;
use bytes::Bytes;
use serde::de::{DeserializeSeed, Deserializer as _, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::wire::{FullOrder, OkBody, TagsResult, TrackingInfo};
use crate::backends::decode::{decode_bytes, decode_raw};
use crate::backends::http::{Body, Failure, HttpClient, VendorError};
use crate::config::BackendConfig;
use crate::domain::{BackendName, NativeJson, NativeOrderId};
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

    fn backend(&self) -> String {
        self.http.backend().to_string()
    }

    /// One page of `list.json`, each row kept as its JSON text.
    pub async fn list(&self, query: &[(&str, String)]) -> Result<Vec<Box<RawValue>>> {
        let bytes = self.get(LIST_PATH, query, None).await?;
        decode_list(self.http.backend(), &bytes)
    }

    /// `order.json` for one id: the decoded order and its JSON text, or `None` when Storeden does not know it.
    pub async fn order(&self, id: &NativeOrderId) -> Result<Option<(FullOrder, NativeJson)>> {
        let query = [("orderID", id.to_string())];
        let bytes = match self.get(ORDER_PATH, &query, Some(id)).await {
            Ok(bytes) => bytes,
            Err(Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        decode_order(self.http.backend(), &bytes)
    }

    /// `tracking.json` for one id; `None` when there is none (404 or an empty answer).
    pub async fn tracking(&self, id: &NativeOrderId) -> Result<Option<TrackingInfo>> {
        let query = [("orderID", id.to_string())];
        let bytes = match self.get(TRACKING_PATH, &query, Some(id)).await {
            Ok(bytes) => bytes,
            Err(Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        decode_tracking(self.http.backend(), &bytes)
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

    /// A GET; the body of a 2xx answer as received.
    async fn get(&self, path: &str, query: &[(&str, String)], id: Option<&NativeOrderId>) -> Result<Bytes> {
        let operation = match path {
            LIST_PATH => "list",
            ORDER_PATH => "get",
            TRACKING_PATH => "tracking",
            _ => "read",
        };
        match self.http.call(operation, Method::GET, path, query, Body::Empty).await {
            Ok(result) => result,
            Err(failure) => Err(self.failure(failure, id)),
        }
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

/// Decodes a `list.json` body: a bare array of orders, each kept as its JSON text. Anything else is Storeden's
/// error body (a small object, read as a value) or not an answer at all.
pub(super) fn decode_list(backend: &BackendName, bytes: &[u8]) -> Result<Vec<Box<RawValue>>> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return decode_bytes(backend, bytes);
    }
    let value: Value = decode_bytes(backend, bytes)?;
    if let Some(vendor) = value.as_object().and_then(|_| vendor_error(&value)) {
        return Err(Error::Backend {
            backend: backend.to_string(),
            status: 200,
            native_code: vendor.code,
            message: vendor.message.unwrap_or_else(|| "Storeden refused the request".into()),
        });
    }
    Err(Error::Malformed {
        backend: backend.to_string(),
        path: "(root)".into(),
        message: "expected an array of orders".into(),
    })
}

/// Decodes an `order.json` body: the order and its text, or `None` for a 2xx that carries no order (`null`,
/// an empty body, `[]`, or an object without `orderID` such as `{}` or `{"ok":0,…}`).
pub(super) fn decode_order(backend: &BackendName, bytes: &[u8]) -> Result<Option<(FullOrder, NativeJson)>> {
    let Some(raw) = decode_bytes::<Option<Box<RawValue>>>(backend, bytes)? else {
        return Ok(None);
    };
    // An order always decodes (`orderID` is required), so the shape is looked at only when decoding failed.
    match decode_raw::<FullOrder>(backend, &raw, "") {
        Ok(order) => Ok(Some((order, NativeJson::from_raw(&raw)))),
        Err(_) if carries_no_order(&raw) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Decodes a `tracking.json` body; `None` unless it is an object without `ok` (an empty or error answer).
pub(super) fn decode_tracking(backend: &BackendName, bytes: &[u8]) -> Result<Option<TrackingInfo>> {
    let raw: Box<RawValue> = decode_bytes(backend, bytes)?;
    if !raw.get().starts_with('{') || has_key(&raw, "ok") {
        return Ok(None);
    }
    decode_raw(backend, &raw, "").map(Some)
}

/// A 2xx `order.json` answer that carries no order: `[]`, or an object without `orderID`.
fn carries_no_order(raw: &RawValue) -> bool {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'[') => text[1..].trim_start().starts_with(']'),
        Some(b'{') => !has_key(raw, "orderID"),
        _ => false,
    }
}

/// Whether `raw` is an object with a top-level `key` (whatever its value, `null` included).
fn has_key(raw: &RawValue, key: &str) -> bool {
    serde_json::Deserializer::from_str(raw.get()).deserialize_map(HasKey(key)).unwrap_or(false)
}

/// Scans an object's keys for one name without building anything.
struct HasKey<'k>(&'k str);

impl<'de> Visitor<'de> for HasKey<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<bool, A::Error> {
        let mut found = false;
        while let Some(matches) = map.next_key_seed(KeyIs(self.0))? {
            found |= matches;
            map.next_value::<IgnoredAny>()?;
        }
        Ok(found)
    }
}

/// A map key compared with a name, not kept.
struct KeyIs<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> std::result::Result<bool, E> {
        Ok(key == self.0)
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

    // 2xx answers without an order mean an unknown id; an order object does not, even a broken one.
    #[test]
    fn empty_answers_are_not_orders() {
        let backend = BackendName::parse("shop-it").unwrap();
        for body in ["", " null ", "[]", " [ ] ", "{}", r#"{"ok":0}"#, r#"{"ok":0,"err":"Order not found"}"#]
        {
            assert!(decode_order(&backend, body.as_bytes()).unwrap().is_none(), "{body}");
        }
        let documented = super::super::fixtures::ORDER_EXAMPLE;
        let (_, native) = decode_order(&backend, documented.as_bytes()).unwrap().unwrap();
        assert_eq!(native, serde_json::from_str::<Value>(documented).unwrap());
        let (order, native) = decode_order(&backend, br#"{"orderID":"1_a"}"#).unwrap().unwrap();
        assert_eq!((order.order_id.0.as_str(), native.text()), ("1_a", Some(r#"{"orderID":"1_a"}"#)));
        let path = |body: &[u8]| match decode_order(&backend, body).unwrap_err() {
            Error::Malformed { path, .. } => path,
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(path(br#"{"orderID":null}"#), "orderID");
        assert_eq!(path(br#"{"orderID":"1_a","cart":{"shippingAmount":true}}"#), "cart.shippingAmount");
        assert_eq!(path(br#""an order""#), "(root)");
        assert!(path(b"{\"orderID\":").starts_with("line 1 column"));
    }

    // `list.json` is a bare array of rows kept as text; an object is Storeden's refusal or malformed.
    #[test]
    fn list_bodies() {
        let backend = BackendName::parse("shop-it").unwrap();
        let list = |text: &[u8]| decode_list(&backend, text);
        let rows = list(br#" [{"orderID":"1_a","status":0}, {"orderID":2}] "#).unwrap();
        assert_eq!(
            rows.iter().map(|row| row.get()).collect::<Vec<_>>(),
            [r#"{"orderID":"1_a","status":0}"#, r#"{"orderID":2}"#]
        );
        match list(br#"{"ok":0,"err":"Limit Exceeded"}"#).unwrap_err() {
            Error::Backend { status: 200, message, .. } => assert_eq!(message, "Limit Exceeded"),
            other => panic!("unexpected {other:?}"),
        }
        for body in ["", "{}", r#"{"data":[]}"#, "3"] {
            match list(body.as_bytes()).unwrap_err() {
                Error::Malformed { path, .. } => assert_eq!(path, "(root)", "{body}"),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    // `tracking.json`: an object without `ok` is tracking; anything else is none.
    #[test]
    fn tracking_bodies() {
        let backend = BackendName::parse("shop-it").unwrap();
        let info =
            decode_tracking(&backend, br#" {"url":"u","courier":"BRT","tracking":123}"#).unwrap().unwrap();
        assert_eq!(info.tracking.map(|t| t.0).as_deref(), Some("123"));
        for body in ["", "null", "[]", r#"{"ok":0,"err":"none"}"#, r#"{"url":"u","ok":null}"#] {
            assert!(decode_tracking(&backend, body.as_bytes()).unwrap().is_none(), "{body}");
        }
        match decode_tracking(&backend, br#"{"url":[1]}"#).unwrap_err() {
            Error::Malformed { path, .. } => assert_eq!(path, "url"),
            other => panic!("unexpected {other:?}"),
        }
    }
}
