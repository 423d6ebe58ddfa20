//! The backend's own payload of an order, kept as the JSON text it arrived in and parsed only when read.
//!
//! Building a `serde_json::Value` of every order of every list page cost more than everything else the gateway
//! does with a page (a map per object, a string per key, all of it freed again); most payloads are never
//! asked for. So an adapter keeps the payload's text ([`NativeJson::from_raw`], one copy of the bytes) and the
//! value is parsed on first read ([`NativeJson::value`]).

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use serde::{Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

/// A backend's own JSON payload: its text as received, parsed on first read. `null` when there is none.
#[derive(Default)]
pub struct NativeJson {
    /// The payload's text, exactly as the backend sent it; `None` when built from a value.
    text: Option<Arc<str>>,
    /// The parsed value (filled on first read when built from text).
    parsed: OnceLock<Value>,
}

impl NativeJson {
    /// No payload (`null`).
    pub fn null() -> Self {
        NativeJson::default()
    }

    /// The payload whose text is `raw` (already checked to be JSON by the parser that produced it).
    pub fn from_raw(raw: &RawValue) -> Self {
        NativeJson { text: Some(Arc::from(raw.get())), parsed: OnceLock::new() }
    }

    /// The payload whose text is `text`, which a JSON parser has just read as one complete value (e.g. decoding
    /// a list row into its wire type).
    pub fn from_json_text(text: &str) -> Self {
        NativeJson { text: Some(Arc::from(text)), parsed: OnceLock::new() }
    }

    /// The payload as a JSON value, parsed now if it was not yet.
    pub fn value(&self) -> &Value {
        self.parsed.get_or_init(|| match &self.text {
            // The text came out of a JSON parser as one complete value, so this does not fail; if it ever
            // did, `null` is the honest answer rather than a panic.
            Some(text) => serde_json::from_str(text).unwrap_or(Value::Null),
            None => Value::Null,
        })
    }

    /// The payload's text as the backend sent it, when it was kept as text.
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// Whether there is no payload (or the payload is JSON `null`).
    pub fn is_null(&self) -> bool {
        match &self.text {
            Some(text) => text.trim() == "null",
            None => self.value().is_null(),
        }
    }
}

impl From<Value> for NativeJson {
    fn from(value: Value) -> Self {
        NativeJson { text: None, parsed: OnceLock::from(value) }
    }
}

impl Clone for NativeJson {
    fn clone(&self) -> Self {
        match &self.text {
            // Sharing the text is cheaper than copying a parsed value; the clone parses again if read.
            Some(text) => NativeJson { text: Some(text.clone()), parsed: OnceLock::new() },
            None => NativeJson { text: None, parsed: self.parsed.clone() },
        }
    }
}

impl fmt::Debug for NativeJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.text {
            Some(text) => write!(f, "NativeJson({text})"),
            None => write!(f, "NativeJson({})", self.value()),
        }
    }
}

impl PartialEq for NativeJson {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value()
    }
}

impl PartialEq<Value> for NativeJson {
    fn eq(&self, other: &Value) -> bool {
        self.value() == other
    }
}

/// Reads go to the parsed value (`native["lines"][0]`, `native.as_object()`), parsing it on first use.
impl Deref for NativeJson {
    type Target = Value;

    fn deref(&self) -> &Value {
        self.value()
    }
}

impl Serialize for NativeJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.text.as_deref().map(serde_json::from_str::<&RawValue>) {
            Some(Ok(raw)) => raw.serialize(serializer),
            _ => self.value().serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_string()).unwrap()
    }

    #[test]
    fn text_is_kept_and_parsed_on_read() {
        let native = NativeJson::from_raw(&raw(r#"{"total": 12.50, "lines": [{"sku": "A"}]}"#));
        assert_eq!(native.text(), Some(r#"{"total": 12.50, "lines": [{"sku": "A"}]}"#));
        assert_eq!(native["total"].to_string(), "12.50", "numbers keep their digits");
        assert_eq!(native["lines"][0]["sku"], "A");
        assert!(!native.is_null());
        assert_eq!(serde_json::to_string(&native).unwrap(), r#"{"total": 12.50, "lines": [{"sku": "A"}]}"#);
    }

    #[test]
    fn values_compare_by_content() {
        let text = NativeJson::from_raw(&raw(r#"{"a": 1}"#));
        let value = NativeJson::from(serde_json::json!({ "a": 1 }));
        assert_eq!(text, value);
        assert_eq!(text.clone(), serde_json::json!({ "a": 1 }));
        assert_ne!(text, NativeJson::null());
    }

    #[test]
    fn null_is_null() {
        assert!(NativeJson::null().is_null());
        assert!(NativeJson::from_raw(&raw("null")).is_null());
        assert!(NativeJson::from(Value::Null).is_null());
        assert_eq!(serde_json::to_string(&NativeJson::null()).unwrap(), "null");
    }
}
