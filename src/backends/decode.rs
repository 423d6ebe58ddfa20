//! Decoding vendor JSON into wire types: errors name the JSON path that broke (`data.orders[3].totalAmount`) or,
//! for a body that is not JSON, the line and column.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::domain::BackendName;
use crate::error::{Error, Result, shorten};

/// Decodes a JSON body into `T` in one pass (a second, path-tracking pass runs only on failure), naming the JSON path that broke (`data.orders[3].totalAmount`) or,
/// for a body that is not JSON, the line and column. An empty body decodes as `null`.
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
/// `{at}.{path inside}` (`orders[3].priceSummary.total`).
pub fn decode_raw<T: DeserializeOwned>(
    backend: &BackendName,
    raw: &serde_json::value::RawValue,
    at: &str,
) -> Result<T> {
    decode_text(backend, raw.get(), at)
}

/// [`decode_raw`] for a payload's text (a list row found by [`crate::backends::rows`], checked here).
pub fn decode_text<T: DeserializeOwned>(backend: &BackendName, text: &str, at: &str) -> Result<T> {
    if let Ok(value) = serde_json::from_str(text) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| malformed(backend, at, e))?;
    deserializer.end().map_err(|e| invalid_json(backend, &e))?;
    Ok(value)
}

/// Reads a few top-level fields of one order's payload without decoding the rest: fields are read in the order
/// they come, unwanted ones skipped, and reading stops once each of `names` has been seen. A list row's key (its
/// id and date, which vendors put first) then costs a few bytes of a payload of several kilobytes. Each field
/// found is its value's JSON text, checked when [`key_field`] decodes it; a field that is absent is `None`; a
/// payload that is not an object is `Malformed` at `at` (formatted only then). The rest of the payload is not
/// checked here: it is when the row is decoded.
pub fn leading_fields<'a, const N: usize>(
    backend: &BackendName,
    raw: &'a [u8],
    at: impl fmt::Display,
    names: [&str; N],
) -> Result<[Option<&'a str>; N]> {
    // Fast path: the structural scan finds the values' spans; each is read (and checked) as JSON by `key_field`.
    if let Some(spans) = super::rows::object_fields(raw, names) {
        let mut found = [None; N];
        for (slot, span) in found.iter_mut().zip(spans) {
            match std::str::from_utf8(&raw[span]) {
                Ok(text) => *slot = Some(text),
                Err(_) => return leading_fields_parsed(backend, raw, at, names),
            }
        }
        return Ok(found);
    }
    leading_fields_parsed(backend, raw, at, names)
}

/// One field found by [`leading_fields`] (its JSON text), decoded as `T`: `None` when absent, `Malformed` at
/// `path` (formatted only then) when it is not a `T`.
pub fn key_field<T: DeserializeOwned>(
    backend: &BackendName,
    path: impl fmt::Display,
    raw: Option<&str>,
) -> Result<Option<T>> {
    raw.map(|raw| key_value(backend, &path, raw)).transpose()
}

/// [`key_field`] for a field that must be there (`Malformed` "missing" at `path` otherwise).
pub fn required_key_field<T: DeserializeOwned>(
    backend: &BackendName,
    path: impl fmt::Display,
    raw: Option<&str>,
) -> Result<T> {
    match raw {
        Some(raw) => key_value(backend, &path, raw),
        None => Err(Error::Malformed {
            backend: backend.to_string(),
            path: path.to_string(),
            message: "missing".into(),
        }),
    }
}

/// A key field that must be a JSON string, borrowed from the payload when it holds no escape (ids and dates
/// never do), so reading a row's key copies nothing; decoded by `serde_json` otherwise. `Malformed` at `path`
/// when it is not a string, or when it is missing (`None`).
pub fn required_key_str<'a>(
    backend: &BackendName,
    path: impl fmt::Display,
    raw: Option<&'a str>,
) -> Result<std::borrow::Cow<'a, str>> {
    let Some(raw) = raw else {
        return required_key_field(backend, path, None);
    };
    let plain = raw
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .filter(|inner| inner.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\'));
    match plain {
        Some(inner) => Ok(std::borrow::Cow::Borrowed(inner)),
        None => key_value::<String>(backend, &path, raw).map(std::borrow::Cow::Owned),
    }
}

/// [`required_key_str`] for a field that may be absent.
pub fn key_str<'a>(
    backend: &BackendName,
    path: impl fmt::Display,
    raw: Option<&'a str>,
) -> Result<Option<std::borrow::Cow<'a, str>>> {
    raw.map(|raw| required_key_str(backend, &path, Some(raw))).transpose()
}

fn key_value<T: DeserializeOwned>(backend: &BackendName, path: &dyn fmt::Display, raw: &str) -> Result<T> {
    serde_json::from_str(raw).map_err(|e| Error::Malformed {
        backend: backend.to_string(),
        path: path.to_string(),
        message: shorten(&e.to_string()),
    })
}

/// [`leading_fields`] read by `serde_json` (escaped keys, absent fields, and the errors of a broken payload).
fn leading_fields_parsed<'a, const N: usize>(
    backend: &BackendName,
    raw: &'a [u8],
    at: impl fmt::Display,
    names: [&str; N],
) -> Result<[Option<&'a str>; N]> {
    let mut found = [None; N];
    let mut deserializer = serde_json::Deserializer::from_slice(raw);
    let read = serde::Deserializer::deserialize_map(
        &mut deserializer,
        leading::Fields { names: &names, found: &mut found },
    );
    match read {
        Ok(()) => Ok(found.map(|value| value.map(serde_json::value::RawValue::get))),
        // The visitor stops after the last wanted field, which serde_json reports as trailing content.
        Err(_) if found.iter().all(Option::is_some) => {
            Ok(found.map(|value| value.map(serde_json::value::RawValue::get)))
        }
        Err(error) => Err(Error::Malformed {
            backend: backend.to_string(),
            path: match at.to_string() {
                at if at.is_empty() => "(root)".into(),
                at => at,
            },
            message: shorten(&error.to_string()),
        }),
    }
}

/// The visitor behind [`leading_fields`].
mod leading {
    use std::fmt;

    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
    use serde_json::value::RawValue;

    pub(super) struct Fields<'n, 'a, const N: usize> {
        pub names: &'n [&'n str; N],
        pub found: &'n mut [Option<&'a RawValue>; N],
    }

    impl<'de: 'a, 'a, const N: usize> Visitor<'de> for Fields<'_, 'a, N> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut missing = N;
            while missing > 0 {
                let Some(index) = map.next_key_seed(KeyIndex(self.names))? else { return Ok(()) };
                match index {
                    Some(i) if self.found[i].is_none() => {
                        self.found[i] = Some(map.next_value::<&'de RawValue>()?);
                        missing -= 1;
                    }
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(())
        }
    }

    /// A key, as its index in the wanted names (no allocation for keys without escapes).
    struct KeyIndex<'n, const N: usize>(&'n [&'n str; N]);

    impl<'de, const N: usize> DeserializeSeed<'de> for KeyIndex<'_, N> {
        type Value = Option<usize>;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
            deserializer.deserialize_str(self)
        }
    }

    impl<'de, const N: usize> Visitor<'de> for KeyIndex<'_, N> {
        type Value = Option<usize>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a key")
        }

        fn visit_str<E>(self, key: &str) -> Result<Option<usize>, E> {
            Ok(self.0.iter().position(|name| *name == key))
        }
    }
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

    #[test]
    fn leading_fields_stop_once_found_and_report_what_is_absent() {
        use serde_json::value::RawValue;
        let backend = BackendName::parse("b").unwrap();
        let raw = |text: &str| RawValue::from_string(text.to_string()).unwrap();
        // Found early: the rest (even broken) is not read.
        let row = raw(r#"{"id": "a\"1", "skip": {"x": [1, 2]}, "date": "2026-01-01", "rest": [1, 2, 3]}"#);
        let [id, date] = leading_fields(&backend, row.get().as_bytes(), "orders[0]", ["id", "date"]).unwrap();
        assert_eq!(serde_json::from_str::<String>(id.unwrap()).unwrap(), "a\"1");
        assert_eq!(date.unwrap(), r#""2026-01-01""#);
        // In any order; an escaped key still matches; the first of a repeated key wins; absent is None.
        let row = raw(r#"{"d\u0061te": 5, "id": 7, "id": 8}"#);
        let [id, date, tags] =
            leading_fields(&backend, row.get().as_bytes(), "orders[1]", ["id", "date", "tags"]).unwrap();
        assert_eq!((id.unwrap(), date.unwrap(), tags.is_none()), ("7", "5", true));
        for bad in ["[1, 2]", r#""text""#, "null"] {
            match leading_fields(&backend, raw(bad).get().as_bytes(), "orders[2]", ["id"]) {
                Err(Error::Malformed { path, .. }) => assert_eq!(path, "orders[2]"),
                other => panic!("{bad}: unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn key_fields_are_checked_when_decoded_and_name_their_path() {
        let backend = BackendName::parse("b").unwrap();
        // The scan finds the spans without checking them: a broken value is reported by `key_field`.
        let row = br#"{"id": "a\q", "date": tru, "n": 5}"#;
        let [id, date, n] = leading_fields(&backend, row, "orders[0]", ["id", "date", "n"]).unwrap();
        let at = crate::backends::util::RowAt { array: "orders", index: 0 };
        for (field, raw) in [("id", id), ("date", date)] {
            match key_field::<String>(&backend, format_args!("{at}.{field}"), raw) {
                Err(Error::Malformed { path, .. }) => assert_eq!(path, format!("orders[0].{field}")),
                other => panic!("{field}: unexpected {other:?}"),
            }
        }
        assert_eq!(required_key_field::<u32>(&backend, "n", n).unwrap(), 5);
        match required_key_field::<u32>(&backend, format_args!("{at}.absent"), None) {
            Err(Error::Malformed { path, message, .. }) => {
                assert_eq!((path.as_str(), message.as_str()), ("orders[0].absent", "missing"))
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(key_field::<u32>(&backend, "x", None).unwrap(), None);
    }

    #[test]
    fn key_strings_are_borrowed_unless_escaped() {
        use std::borrow::Cow;
        let backend = BackendName::parse("b").unwrap();
        let read = |raw| required_key_str(&backend, "orders[0].id", raw);
        assert!(matches!(read(Some(r#""a-1""#)).unwrap(), Cow::Borrowed("a-1")));
        assert!(matches!(read(Some(r#""""#)).unwrap(), Cow::Borrowed("")));
        // Escapes are decoded; a raw control character is refused as serde_json refuses it.
        assert!(matches!(read(Some(r#""a\"b\u0041""#)).unwrap(), Cow::Owned(ref s) if s == "a\"bA"));
        for raw in [r#"12"#, "\"a\tb\"", r#""open"#, "null"] {
            match read(Some(raw)) {
                Err(Error::Malformed { path, .. }) => assert_eq!(path, "orders[0].id", "{raw}"),
                other => panic!("{raw}: unexpected {other:?}"),
            }
        }
        assert!(matches!(read(None), Err(Error::Malformed { message, .. }) if message == "missing"));
        assert_eq!(key_str(&backend, "x", None).unwrap(), None);
    }

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
