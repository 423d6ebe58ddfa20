//! Decoding vendor JSON into wire types: errors name the JSON path that broke (`data.orders[3].totalAmount`) or,
//! for a body that is not JSON, the line and column.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::domain::BackendName;
use crate::error::{Error, Result, shorten};

/// Decodes a JSON body into `T` in one pass (a second, path-tracking pass runs only on failure), naming the
/// JSON path that broke (`data.orders[3].totalAmount`) or, for a body that is not JSON, the line and column. An
/// empty body decodes as `null`.
pub fn decode_bytes<T: DeserializeOwned>(backend: &BackendName, bytes: &[u8]) -> Result<T> {
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"null" } else { bytes };
    // Tracking the path costs a string per key; decode plainly first and again with the path only on failure.
    if let Ok(value) = serde_json::from_slice(bytes) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| malformed(backend, "", e))?;
    deserializer.end().map_err(|e| invalid_json(backend, &e))?;
    Ok(value)
}

fn invalid_json(backend: &BackendName, error: &serde_json::Error) -> Error {
    Error::Malformed {
        backend: backend.to_string(),
        path: format!("line {} column {}", error.line(), error.column()),
        message: "invalid JSON".into(),
    }
}

/// Decodes one order's payload, kept as raw text by an envelope, into `T`; a failure names the path as
/// `{at}.{path inside}` (`orders[3].priceSummary.total`). `at` is formatted only then.
pub fn decode_raw<T: DeserializeOwned>(
    backend: &BackendName,
    raw: &serde_json::value::RawValue,
    at: impl fmt::Display,
) -> Result<T> {
    decode_text(backend, raw.get(), at)
}

/// [`decode_raw`] for a payload's text.
pub fn decode_text<T: DeserializeOwned>(
    backend: &BackendName,
    text: &str,
    at: impl fmt::Display,
) -> Result<T> {
    // As `decode_bytes`: the path is tracked only on failure.
    if let Ok(value) = serde_json::from_str(text) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| malformed(backend, &at.to_string(), e))?;
    deserializer.end().map_err(|e| invalid_json(backend, &e))?;
    Ok(value)
}

fn malformed(backend: &BackendName, at: &str, error: serde_path_to_error::Error<serde_json::Error>) -> Error {
    let inner_path = error.path().to_string();
    let inner = error.into_inner();
    if inner.is_syntax() || inner.is_eof() {
        return invalid_json(backend, &inner);
    }
    let path = match (at, inner_path.as_str()) {
        ("", ".") => "(root)".to_string(),
        ("", inner) => inner.to_string(),
        (at, ".") => at.to_string(),
        (at, inner) if inner.starts_with('[') => format!("{at}{inner}"),
        (at, inner) => format!("{at}.{inner}"),
    };
    Error::Malformed { backend: backend.to_string(), path, message: shorten(&inner.to_string()) }
}

/// Decodes `value` into `T`, naming the JSON path that broke.
pub fn decode<T: DeserializeOwned>(backend: &BackendName, value: &Value) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        Error::Malformed {
            backend: backend.to_string(),
            path: if path == "." { "(root)".into() } else { path },
            message: shorten(&e.into_inner().to_string()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // A bad payload names the JSON path that broke.
    #[test]
    fn decode_names_the_path() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Row {
            total: rust_decimal::Decimal,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Page {
            rows: Vec<Row>,
        }
        let backend = BackendName::parse("b").unwrap();
        let value: Value = serde_json::from_str(r#"{"rows":[{"total":1.5},{"total":true}]}"#).unwrap();
        let err = decode::<Page>(&backend, &value).unwrap_err();
        match err {
            Error::Malformed { path, .. } => assert_eq!(path, "rows[1].total"),
            other => panic!("unexpected {other:?}"),
        }
    }

    // A page's rows stay raw text; a row decodes on its own naming its path from the page's root, and a body
    // that is not JSON names the line and column.
    #[test]
    fn decode_bytes_names_the_path_and_keeps_raw_payloads() {
        #[derive(serde::Deserialize, Debug)]
        struct Row {
            total: rust_decimal::Decimal,
        }
        #[derive(serde::Deserialize, Debug)]
        struct Page {
            rows: Vec<Box<serde_json::value::RawValue>>,
        }
        let backend = BackendName::parse("b").unwrap();
        let page: Page = decode_bytes(&backend, br#"{"rows":[{"total": 1.50},{"total":true}]}"#).unwrap();
        assert_eq!(page.rows[0].get(), r#"{"total": 1.50}"#);
        let row: Row = decode_raw(&backend, &page.rows[0], "rows[0]").unwrap();
        assert_eq!(row.total.to_string(), "1.50");
        match decode_raw::<Row>(&backend, &page.rows[1], "rows[1]").unwrap_err() {
            Error::Malformed { path, .. } => assert_eq!(path, "rows[1].total"),
            other => panic!("unexpected {other:?}"),
        }
        let raw = serde_json::value::RawValue::from_string(r#"[1, "a"]"#.into()).unwrap();
        match decode_raw::<Vec<u32>>(&backend, &raw, "rows[2]").unwrap_err() {
            Error::Malformed { path, .. } => assert_eq!(path, "rows[2][1]"),
            other => panic!("unexpected {other:?}"),
        }
        match decode_bytes::<Vec<Row>>(&backend, br#"[{"total": 1}, {"total": "x"}]"#).unwrap_err() {
            Error::Malformed { path, .. } => assert_eq!(path, "[1].total"),
            other => panic!("unexpected {other:?}"),
        }
        match decode_bytes::<Page>(&backend, b"{\"rows\": [").unwrap_err() {
            Error::Malformed { path, message, .. } => {
                assert!(path.starts_with("line 1 column"), "{path}");
                assert_eq!(message, "invalid JSON");
            }
            other => panic!("unexpected {other:?}"),
        }
        match decode_bytes::<Page>(&backend, b"{\"rows\": []} trailing").unwrap_err() {
            Error::Malformed { message, .. } => assert_eq!(message, "invalid JSON"),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(decode_bytes::<Option<Page>>(&backend, b"  ").unwrap().map(|p| p.rows.len()), None);
    }

    // JSON numbers become exact decimals, never through f64: 0.1 + 0.2 is exactly 0.3.
    #[test]
    fn decimals_are_exact() {
        let backend = BackendName::parse("b").unwrap();
        let value: Value = serde_json::from_str(r#"[0.1, 0.2, 33748.3334, 1e2]"#).unwrap();
        let numbers: Vec<rust_decimal::Decimal> = decode(&backend, &value).unwrap();
        assert_eq!((numbers[0] + numbers[1]).to_string(), "0.3");
        assert_eq!(numbers[2].to_string(), "33748.3334");
        assert_eq!(numbers[3], rust_decimal::Decimal::from(100));
    }
}
