//! A list body split into its rows without parsing them.
//!
//! A list page of 50 orders is hundreds of kilobytes of JSON, and a merged page keeps about a fifth of the rows
//! it fetches. [`decode_list`] finds the rows with a structural scan (64 bytes at a time with SSE2, see the
//! `scan` module; nothing decoded or allocated per value: about 3 GB/s, three to four times `serde_json`
//! skipping the same bodies), keeps each row as a slice of the body, and decodes only the rest of the body (the
//! envelope: paging, totals) as usual. A row's key fields are found by the same scan (`object_fields`, behind
//! `decode::leading_fields`).
//! A row is checked when it is decoded ([`decode_row`]): decoding validates it fully, so a broken row fails
//! then, naming its path, and a row never decoded is never shown.

use std::ops::Range;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use futures::FutureExt;
use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::decode;
use super::decode::decode_bytes;
use super::scan;
use crate::domain::{BackendName, ListRow, NativeJson, Order, OrderId, PageDecoder};
use crate::error::{Error, Result};

/// The bytes of a response body, shared by its rows.
pub type Body = axum::body::Bytes;

/// One row of a list body: a slice of the body it came in (not copied, not yet checked).
#[derive(Clone)]
pub struct RowText {
    body: Body,
    span: Range<usize>,
}

impl RowText {
    /// The row's bytes as they came.
    pub fn bytes(&self) -> &[u8] {
        &self.body[self.span.clone()]
    }
}

impl From<Box<RawValue>> for RowText {
    fn from(raw: Box<RawValue>) -> Self {
        let body = Body::from(raw.get().to_string());
        RowText { span: 0..body.len(), body }
    }
}

impl std::fmt::Debug for RowText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RowText({} bytes)", self.span.len())
    }
}

/// Decodes a list body: its rows are the array at `path` (keys of nested objects, e.g. `["data", "orders"]`; empty
/// for a body that is the array itself), kept unparsed; the rest decodes into `T` with that array empty. A body
/// the scan cannot split (not that shape, or not JSON) is decoded whole, which reports what is wrong precisely,
/// and `take` moves the rows out of `T` then.
pub fn decode_list<T: DeserializeOwned>(
    backend: &BackendName,
    body: &Body,
    path: &[&str],
    take: impl FnOnce(&mut T) -> Vec<Box<RawValue>>,
) -> Result<(T, Vec<RowText>)> {
    if let Some((spans, envelope)) = split(body, path) {
        let envelope: T = decode_bytes(backend, &envelope)?;
        let rows = spans.into_iter().map(|span| RowText { body: body.clone(), span }).collect();
        return Ok((envelope, rows));
    }
    let mut whole: T = decode_bytes(backend, body)?;
    let rows = take(&mut whole).into_iter().map(RowText::from).collect();
    Ok((whole, rows))
}

/// A row's key: the order's id and when it was placed.
type Key = (OrderId, DateTime<FixedOffset>);

/// What reads a row's key, for pages whose rows read theirs when first asked.
type NoKey = fn(&RowText, usize) -> Result<Key>;

/// What decodes a row's summary, for pages of backends that decode none cheaper than the order.
type NoSummary = fn(&RowText, usize) -> Result<Order>;

/// Builds a page's rows with their keys read now, for backends whose paging needs every row's key (VTEX,
/// VesuvioPay): `key` reads each (`None` leaves the row out), and `decode` builds a row's order when the
/// engine first needs it. The rows share one decoder holding the page's text, so a row costs no closure or
/// copy of the adapter's context of its own.
pub fn keyed_rows<K, D>(found: Vec<RowText>, mut key: K, decode: D) -> Result<Vec<ListRow>>
where
    K: FnMut(&RowText, usize) -> Result<Option<Key>>,
    D: Fn(&RowText, usize) -> BoxFuture<'static, Result<Order>> + Send + Sync + 'static,
{
    let page = Arc::new(LazyPage { rows: found, key: None::<NoKey>, decode, summary: None::<NoSummary> });
    let mut rows = Vec::with_capacity(page.rows.len());
    for (index, row) in page.rows.iter().enumerate() {
        if let Some((id, placed_at)) = key(row, index)? {
            rows.push(ListRow::in_page(id, placed_at, page.clone(), index));
        }
    }
    Ok(rows)
}

/// Builds a page's rows whose keys are read when first asked: `key` reads one (the merge asks only for the
/// rows it reaches, about one in five), `decode` builds a row's order when the engine first needs it.
pub fn lazy_rows<K, D>(found: Vec<RowText>, key: K, decode: D) -> Vec<ListRow>
where
    K: Fn(&RowText, usize) -> Result<Key> + Send + Sync + 'static,
    D: Fn(&RowText, usize) -> BoxFuture<'static, Result<Order>> + Send + Sync + 'static,
{
    unkeyed(LazyPage { rows: found, key: Some(key), decode, summary: None::<NoSummary> })
}

/// [`lazy_rows`] for a backend that can also decode a row's summary ([`Known::SUMMARY`]) for less than the
/// whole order: `summary` does that when a listing's query asks for nothing more.
///
/// [`Known::SUMMARY`]: crate::domain::Known::SUMMARY
pub fn lazy_rows_with_summary<K, D, S>(found: Vec<RowText>, key: K, decode: D, summary: S) -> Vec<ListRow>
where
    K: Fn(&RowText, usize) -> Result<Key> + Send + Sync + 'static,
    D: Fn(&RowText, usize) -> BoxFuture<'static, Result<Order>> + Send + Sync + 'static,
    S: Fn(&RowText, usize) -> Result<Order> + Send + Sync + 'static,
{
    unkeyed(LazyPage { rows: found, key: Some(key), decode, summary: Some(summary) })
}

fn unkeyed<K, D, S>(page: LazyPage<K, D, S>) -> Vec<ListRow>
where
    LazyPage<K, D, S>: PageDecoder + 'static,
{
    let count = page.rows.len();
    let page: Arc<dyn PageDecoder> = Arc::new(page);
    (0..count).map(|index| ListRow::unkeyed(page.clone(), index)).collect()
}

/// [`lazy_rows`] for a decode that needs no backend call.
pub fn ready<T: Send + 'static>(value: T) -> BoxFuture<'static, T> {
    futures::future::ready(value).boxed()
}

/// A page's rows and how one's key, order and summary read.
struct LazyPage<K, D, S> {
    rows: Vec<RowText>,
    key: Option<K>,
    decode: D,
    summary: Option<S>,
}

impl<K, D, S> LazyPage<K, D, S> {
    fn row(&self, index: usize) -> Result<&RowText> {
        self.rows.get(index).ok_or_else(|| Error::Internal(format!("a list page has no row {index}")))
    }
}

impl<K, D, S> PageDecoder for LazyPage<K, D, S>
where
    K: Fn(&RowText, usize) -> Result<Key> + Send + Sync,
    D: Fn(&RowText, usize) -> BoxFuture<'static, Result<Order>> + Send + Sync,
    S: Fn(&RowText, usize) -> Result<Order> + Send + Sync,
{
    fn key(&self, index: usize) -> Result<Key> {
        let key = self.key.as_ref().ok_or_else(|| Error::Internal(format!("list row {index} has no key")))?;
        key(self.row(index)?, index)
    }

    fn decode(&self, index: usize) -> BoxFuture<'static, Result<Order>> {
        match self.row(index) {
            Ok(row) => (self.decode)(row, index),
            Err(error) => ready(Err(error)),
        }
    }

    fn summary(&self, index: usize) -> Option<Result<Order>> {
        let summary = self.summary.as_ref()?;
        Some(self.row(index).and_then(|row| summary(row, index)))
    }
}

/// Decodes one row into `T` (errors name the path as `{at}.{path inside}`) and keeps its text as the order's
/// `native` payload.
pub fn decode_row<T: DeserializeOwned>(
    backend: &BackendName,
    row: &RowText,
    at: &str,
) -> Result<(T, NativeJson)> {
    let text = row_str(backend, row, at)?;
    let value = decode::decode_text(backend, text, at)?;
    // Decoding read the whole text as one JSON value, so it is what `NativeJson` expects.
    Ok((value, NativeJson::from_json_text(text)))
}

/// [`decode_row`] without keeping the text, for a summary (which has no `native`): read from the bytes, so
/// only the strings `T` reads are checked to be UTF-8, not the fields it skips. `at` is formatted only for an
/// error.
pub fn decode_row_value<T: DeserializeOwned>(
    backend: &BackendName,
    row: &RowText,
    at: impl std::fmt::Display,
) -> Result<T> {
    match serde_json::from_slice(row.bytes()) {
        Ok(value) => Ok(value),
        // The error again, with its path named.
        Err(_) => decode::decode_text(backend, row_str(backend, row, &at.to_string())?, &at.to_string()),
    }
}

/// [`decode_row_value`] for a `T` that reads only the top-level fields `names` (all of them, as the payload
/// names them): the structural scan finds their values, which alone are decoded, so the rest of the row is
/// passed over at the scan's speed rather than parsed. A row lacking one of them (or naming one with an
/// escape) is decoded whole, which reads it the same way.
pub fn decode_picked<T: DeserializeOwned, const N: usize>(
    backend: &BackendName,
    row: &RowText,
    at: impl std::fmt::Display,
    names: [&str; N],
) -> Result<T> {
    let bytes = row.bytes();
    if let Some(spans) = object_fields(bytes, names) {
        let size = spans.iter().zip(names).map(|(span, name)| span.len() + name.len() + 4).sum::<usize>();
        let mut picked = Vec::with_capacity(size + 2);
        picked.push(b'{');
        for (span, name) in spans.into_iter().zip(names) {
            if picked.len() > 1 {
                picked.push(b',');
            }
            picked.push(b'"');
            picked.extend_from_slice(name.as_bytes());
            picked.extend_from_slice(b"\":");
            picked.extend_from_slice(&bytes[span]);
        }
        picked.push(b'}');
        if let Ok(value) = serde_json::from_slice(&picked) {
            return Ok(value);
        }
    }
    decode_row_value(backend, row, at)
}

fn row_str<'a>(backend: &BackendName, row: &'a RowText, at: &str) -> Result<&'a str> {
    std::str::from_utf8(row.bytes()).map_err(|e| Error::Malformed {
        backend: backend.to_string(),
        path: at.to_string(),
        message: format!("not UTF-8: {e}"),
    })
}

/// The spans of the rows of the array at `path`, and the body with that array emptied (`[]`). `None` when the
/// body does not hold such an array, or its structure is broken.
fn split(body: &[u8], path: &[&str]) -> Option<(Vec<Range<usize>>, Vec<u8>)> {
    let start = whitespace(body, 0);
    let (end, (array, rows)) = match path {
        [] if body.get(start) == Some(&b'[') => {
            let (end, rows) = self::array(body, start)?;
            (end, (start..end, rows))
        }
        [] => return None,
        _ => {
            let (end, found) = object_array(body, start, path)?;
            (end, found?)
        }
    };
    if whitespace(body, end) != body.len() {
        return None;
    }
    let mut envelope = Vec::with_capacity(body.len() - array.len() + 2);
    envelope.extend_from_slice(&body[..array.start]);
    envelope.extend_from_slice(b"[]");
    envelope.extend_from_slice(&body[array.end..]);
    Some((rows, envelope))
}

/// An array found: its span and its elements' spans.
type Found = (Range<usize>, Vec<Range<usize>>);

/// The object starting at `start` (`{`), looking for the array at `path` (non-empty) within it: the index just
/// past the object, and the array when found (the first occurrence of each key).
fn object_array(body: &[u8], start: usize, path: &[&str]) -> Option<(usize, Option<Found>)> {
    let (key_wanted, rest) = path.split_first()?;
    if *body.get(start)? != b'{' {
        return None;
    }
    let mut at = start + 1;
    let mut found = None;
    loop {
        let (key, value) = entry_key(body, at)?;
        let wanted = found.is_none() && key == key_wanted.as_bytes();
        let value_end = match body.get(value) {
            Some(b'[') if wanted && rest.is_empty() => {
                let (end, rows) = array(body, value)?;
                found = Some((value..end, rows));
                end
            }
            Some(b'{') if wanted && !rest.is_empty() => {
                let (end, inner) = object_array(body, value, rest)?;
                found = inner;
                end
            }
            _ => skip_value(body, value)?,
        };
        match entry_end(body, value_end)? {
            Next::Entry(next) => at = next,
            Next::End(end) => return Some((end, found)),
        }
    }
}

/// The spans of the values of top-level keys `names` of the object `row` (the first occurrence of each counts).
/// One pass of the structural scan ([`scan`]) over the row's start: brackets keep the depth, and each string
/// opening at the top level is compared with the names and counts when a `:` follows it; blocks that hold only
/// deeper content are passed over by counting their brackets. Reading stops once every name is found. `None`
/// when a key is not found by its raw bytes (absent, or an escaped key) or the object does not scan: read it
/// with `serde_json` then.
pub(crate) fn object_fields<const N: usize>(row: &[u8], names: [&str; N]) -> Option<[Range<usize>; N]> {
    let open = whitespace(row, 0);
    if *row.get(open)? != b'{' {
        return None;
    }
    let mut found: [Option<Range<usize>>; N] = std::array::from_fn(|_| None);
    let mut missing = N;
    // Brackets opened and not closed before the current position; the row's own `{` makes it 1.
    let mut depth = 0u32;
    for block in scan::Blocks::new(row, open) {
        let closes = block.close.count_ones();
        if closes + 1 < depth {
            // The depth stays above 1 throughout this block: no top-level key starts in it.
            depth = depth + block.open.count_ones() - closes;
            continue;
        }
        let starts = block.quote & block.string;
        let mut marks = block.open | block.close | starts;
        while marks != 0 {
            let bit = marks & marks.wrapping_neg();
            marks &= marks - 1;
            if block.open & bit != 0 {
                depth += 1;
            } else if block.close & bit != 0 {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    // The object ended without every name.
                    return None;
                }
            } else if depth == 1 {
                let quote = block.start + bit.trailing_zeros() as usize;
                let Some((index, value)) = wanted_key(row, quote, &names, &found) else { continue };
                found[index] = Some(value..skip_value(row, value)?);
                missing -= 1;
                if missing == 0 {
                    let mut spans = found.into_iter();
                    return Some(std::array::from_fn(|_| spans.next().flatten().unwrap_or_default()));
                }
            }
        }
    }
    None
}

/// When the string opening at `quote` is one of `names` not yet found, followed by `:`: its index and where
/// its value starts.
fn wanted_key<const N: usize>(
    row: &[u8],
    quote: usize,
    names: &[&str; N],
    found: &[Option<Range<usize>>; N],
) -> Option<(usize, usize)> {
    let text = row.get(quote + 1..)?;
    // The closing quote first: a cheap test that rules out most strings.
    let index = names.iter().zip(found).position(|(name, found)| {
        found.is_none() && text.get(name.len()) == Some(&b'"') && text.starts_with(name.as_bytes())
    })?;
    let colon = whitespace(row, quote + names[index].len() + 2);
    (row.get(colon) == Some(&b':')).then(|| (index, whitespace(row, colon + 1)))
}

/// What follows an object's entry.
enum Next {
    /// Another entry, starting here.
    Entry(usize),
    /// The end of the object, just past its `}`.
    End(usize),
}

/// The entry at `at`: its key's raw bytes (escapes left as they are) and where its value starts.
fn entry_key(body: &[u8], at: usize) -> Option<(&[u8], usize)> {
    let start = whitespace(body, at);
    let end = skip_string(body, start)?;
    let colon = whitespace(body, end);
    (*body.get(colon)? == b':').then(|| (&body[start + 1..end - 1], whitespace(body, colon + 1)))
}

/// What follows an entry whose value ends at `at`: a `,` and another entry, or the closing `}`.
fn entry_end(body: &[u8], at: usize) -> Option<Next> {
    let at = whitespace(body, at);
    match *body.get(at)? {
        b',' => Some(Next::Entry(at + 1)),
        b'}' => Some(Next::End(at + 1)),
        _ => None,
    }
}

/// The array starting at `at` (`[`): the index just past it and its elements' spans.
fn array(body: &[u8], start: usize) -> Option<(usize, Vec<Range<usize>>)> {
    let mut rows = Vec::new();
    let mut at = whitespace(body, start + 1);
    if body.get(at) == Some(&b']') {
        return Some((at + 1, rows));
    }
    loop {
        let end = skip_value(body, at)?;
        rows.push(at..end);
        at = whitespace(body, end);
        match *body.get(at)? {
            b',' => at = whitespace(body, at + 1),
            b']' => return Some((at + 1, rows)),
            _ => return None,
        }
    }
}

fn whitespace(body: &[u8], mut at: usize) -> usize {
    while matches!(body.get(at), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        at += 1;
    }
    at
}

/// The index just past the value starting at `at`: a string, an object or array (brackets counted outside
/// strings, 64 bytes at a time: [`scan`]), or a scalar (up to the next delimiter).
fn skip_value(body: &[u8], mut at: usize) -> Option<usize> {
    match *body.get(at)? {
        b'"' => skip_string(body, at),
        b'{' | b'[' => scan::container_end(body, at),
        _ => {
            let start = at;
            while !matches!(body.get(at), None | Some(b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')) {
                at += 1;
            }
            (at > start).then_some(at)
        }
    }
}

/// The index just past the string whose opening quote is at `at`.
fn skip_string(body: &[u8], mut at: usize) -> Option<usize> {
    const ONES: u64 = u64::MAX / 255;
    if *body.get(at)? != b'"' {
        return None;
    }
    at += 1;
    loop {
        // Eight bytes at a time: a byte equal to `"` or `\` makes its lane of `x ^ c` zero, which the
        // subtraction borrows through, setting that lane's top bit.
        while let Some(chunk) = body.get(at..at + 8) {
            let chars = u64::from_le_bytes(chunk.try_into().ok()?);
            let quote = chars ^ (ONES * u64::from(b'"'));
            let backslash = chars ^ (ONES * u64::from(b'\\'));
            let hits = ((quote.wrapping_sub(ONES) & !quote) | (backslash.wrapping_sub(ONES) & !backslash))
                & (ONES << 7);
            if hits != 0 {
                at += hits.trailing_zeros() as usize / 8;
                break;
            }
            at += 8;
        }
        match *body.get(at)? {
            b'"' => return Some(at + 1),
            b'\\' => at += 2,
            _ => at += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of<'a>(body: &'a str, path: &[&str]) -> Option<(Vec<&'a str>, String)> {
        let (spans, envelope) = split(body.as_bytes(), path)?;
        Some((spans.into_iter().map(|s| &body[s]).collect(), String::from_utf8(envelope).unwrap()))
    }

    // A summary reads only what it decodes: bytes that are not UTF-8 in a field it skips do not matter, in a
    // field it reads they fail naming the row; the full decode checks the whole row.
    #[test]
    fn summaries_check_what_they_read() {
        #[derive(serde::Deserialize, Debug)]
        struct Head {
            id: String,
        }
        let backend = BackendName::parse("b").unwrap();
        let row = |bytes: &[u8]| RowText { body: Body::copy_from_slice(bytes), span: 0..bytes.len() };
        let at = crate::backends::util::RowAt { array: "data", index: 2 };
        let skipped = row(b"{\"id\": \"a\", \"note\": \"\xff\"}");
        assert_eq!(decode_row_value::<Head>(&backend, &skipped, at).unwrap().id, "a");
        assert!(matches!(decode_row::<Head>(&backend, &skipped, "data[2]"), Err(Error::Malformed { .. })));
        let read = row(b"{\"id\": \"\xff\"}");
        match decode_row_value::<Head>(&backend, &read, at) {
            Err(Error::Malformed { path, .. }) => assert_eq!(path, "data[2]"),
            other => panic!("unexpected {other:?}"),
        }
        let broken = row(br#"{"id": 5}"#);
        match decode_row_value::<Head>(&backend, &broken, at) {
            Err(Error::Malformed { path, .. }) => assert_eq!(path, "data[2].id"),
            other => panic!("unexpected {other:?}"),
        }
    }

    // Picking reads only the named fields (what lies between is passed over by the scan, unparsed); a row
    // lacking one is decoded whole, with the same result or error.
    #[test]
    fn picked_fields_decode_alone() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Picked {
            id: String,
            n: Option<u32>,
        }
        let backend = BackendName::parse("b").unwrap();
        let row = |text: &str| RowText { body: Body::copy_from_slice(text.as_bytes()), span: 0..text.len() };
        let picked = |text| decode_picked::<Picked, 2>(&backend, &row(text), "[0]", ["id", "n"]);
        let between = r#"{"id": "a", "junk": [1, 2 3, {"n": 9}], "n": 5}"#;
        assert_eq!(picked(between).unwrap(), Picked { id: "a".into(), n: Some(5) });
        assert!(
            decode_row_value::<Picked>(&backend, &row(between), "[0]").is_err(),
            "the whole row is not JSON"
        );
        assert_eq!(picked(r#"{"n": 5, "id": "b"}"#).unwrap(), Picked { id: "b".into(), n: Some(5) });
        assert_eq!(picked(r#"{"id": "c"}"#).unwrap(), Picked { id: "c".into(), n: None });
        assert_eq!(picked(r#"{"\u0069d": "d", "n": 1}"#).unwrap(), Picked { id: "d".into(), n: Some(1) });
        match picked(r#"{"id": 7, "n": 1}"#) {
            Err(Error::Malformed { path, .. }) => assert_eq!(path, "[0].id"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn splits_rows_and_keeps_the_rest() {
        let body = r#" { "meta": {"a": [1, {"b": "]}\"{"}]}, "orders" : [ {"id": "x\\\"}", "n": [1, 2]} , {"id": 2}, "s", 3.5e1,
            {"long": "0123456789abcdef\"0123456789abcdef", "é": "ü"} ], "next": null } "#;
        let (rows, envelope) = rows_of(body, &["orders"]).unwrap();
        assert_eq!(
            rows,
            [
                r#"{"id": "x\\\"}", "n": [1, 2]}"#,
                r#"{"id": 2}"#,
                r#""s""#,
                "3.5e1",
                r#"{"long": "0123456789abcdef\"0123456789abcdef", "é": "ü"}"#
            ]
        );
        let envelope: serde_json::Value = serde_json::from_str(&envelope).unwrap();
        assert_eq!(
            envelope,
            serde_json::json!({"meta": {"a": [1, {"b": "]}\"{"}]}, "orders": [], "next": null})
        );
        assert_eq!(rows_of(r#"{"orders": []}"#, &["orders"]).unwrap().0, Vec::<&str>::new());
        // Nested, after a sibling of the same name at the top; a bare array.
        let body = r#"{"orders": {"x": 1}, "data": {"total": 2, "orders": [{"a": 1}, {}]}, "success": true}"#;
        let (rows, envelope) = rows_of(body, &["data", "orders"]).unwrap();
        assert_eq!(
            (rows, envelope.as_str()),
            (
                vec![r#"{"a": 1}"#, "{}"],
                r#"{"orders": {"x": 1}, "data": {"total": 2, "orders": []}, "success": true}"#
            )
        );
        let (rows, envelope) = rows_of(" [1, {\"a\": [2]}] ", &[]).unwrap();
        assert_eq!((rows, envelope.as_str()), (vec!["1", r#"{"a": [2]}"#], " [] "));
        assert!(rows_of(r#"{"data": {"orders": 1}}"#, &["data", "orders"]).is_none());
        assert!(rows_of(r#"{"ok": 0}"#, &[]).is_none());
        // The first `orders` key is the rows; a later one is part of the envelope.
        let (rows, envelope) = rows_of(r#"{"orders": [1], "orders": [2]}"#, &["orders"]).unwrap();
        assert_eq!((rows, envelope.as_str()), (vec!["1"], r#"{"orders": [], "orders": [2]}"#));
    }

    #[test]
    fn finds_leading_fields_and_stops() {
        let row = br#" {"id": "a\"1", "skip": {"x": ["}"]}, "date": 5, "rest": [1, "#;
        let spans = object_fields(row, ["date", "id"]).unwrap();
        assert_eq!((&row[spans[0].clone()], &row[spans[1].clone()]), (&b"5"[..], &br#""a\"1""#[..]));
        let row = br#"{"a": 1, "id": 7}"#;
        assert_eq!(&row[object_fields(row, ["id"]).unwrap()[0].clone()], b"7");
        let row = br#"{"id": 7, "id": 8, "date": 1}"#;
        assert_eq!(&row[object_fields(row, ["id"]).unwrap()[0].clone()], b"7");
        // Found nested, inside a string, as a value, or as part of a longer key first: only the top-level key
        // counts, however far into the row.
        let row = format!(
            r#"{{"x": {{"id": 1, "pad": "{}"}}, "s": "\"id\": 2", "t": "id", "order_id": 4, "id" : [5, {{"id": 6}}]}}"#,
            "-".repeat(80)
        );
        let row = row.as_bytes();
        assert_eq!(&row[object_fields(row, ["id"]).unwrap()[0].clone()], br#"[5, {"id": 6}]"#);
        assert!(object_fields(br#"{"a": {"id": 1}} "id": 2"#, ["id"]).is_none());
        // Absent, escaped, or not an object: left to serde_json.
        for row in [&br#"{"id": 7}"#[..], br#"{"d\u0061te": 1, "id": 7}"#, b"[1]", br#"{"id" 7}"#] {
            assert!(object_fields(row, ["id", "date"]).is_none(), "{}", String::from_utf8_lossy(row));
        }
    }

    /// A random JSON value: strings full of quotes, backslashes and brackets, nested objects and arrays whose
    /// keys are the names looked for too.
    fn random_value(rng: &mut scan::Rng, depth: usize, out: &mut String) {
        const KEYS: [&str; 5] = ["id", "date", "idx", "d", "x"];
        match rng.below(if depth > 3 { 3 } else { 6 }) {
            0 | 1 => {
                out.push('"');
                for _ in 0..rng.below(40) {
                    out.push_str(
                        ["\\\"", "\\\\", "{", "]", "id", ":", "a", "é", " ", "\\u0041"][rng.below(10)],
                    );
                }
                out.push('"');
            }
            2 => out.push_str(["1", "-2.5e3", "true", "null"][rng.below(4)]),
            3 | 4 => {
                out.push('{');
                for i in 0..rng.below(5) {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&format!("\"{}\": ", KEYS[rng.below(KEYS.len())]));
                    random_value(rng, depth + 1, out);
                }
                out.push('}');
            }
            _ => {
                out.push('[');
                for i in 0..rng.below(5) {
                    if i > 0 {
                        out.push_str(" , ");
                    }
                    random_value(rng, depth + 1, out);
                }
                out.push(']');
            }
        }
    }

    #[test]
    fn leading_fields_agree_with_serde_json_on_random_rows() {
        let mut rng = scan::Rng(0x2545_f491_4f6c_dd1d);
        let mut checked = 0;
        for _ in 0..3000 {
            // Distinct top-level keys in a random order; "id" and "date" each present or not.
            let mut keys = vec!["x", "idx", "d", "id", "date", "more"];
            keys.retain(|_| rng.below(4) != 0);
            for i in (1..keys.len()).rev() {
                keys.swap(i, rng.below(i + 1));
            }
            let mut row = String::from(" {");
            for (i, key) in keys.iter().enumerate() {
                row.push_str(if i > 0 { ",\n  " } else { "" });
                row.push_str(&format!("\"{key}\" : "));
                random_value(&mut rng, 0, &mut row);
            }
            row.push('}');
            let reference: std::collections::HashMap<String, Box<RawValue>> =
                serde_json::from_str(&row).unwrap();
            let expected = ["id", "date"].map(|name| reference.get(name).map(|raw| raw.get().to_string()));
            let spans = object_fields(row.as_bytes(), ["id", "date"]);
            match expected {
                [Some(id), Some(date)] => {
                    let spans = spans.unwrap_or_else(|| panic!("not found in {row}"));
                    assert_eq!(
                        [&row[spans[0].clone()], &row[spans[1].clone()]],
                        [id.as_str(), date.as_str()],
                        "{row}"
                    );
                    checked += 1;
                }
                _ => assert!(spans.is_none(), "{row}"),
            }
        }
        assert!(checked > 300, "{checked}");
    }

    #[test]
    fn splits_random_bodies_as_serde_json_reads_them() {
        #[derive(serde::Deserialize)]
        struct Page {
            orders: Vec<Box<RawValue>>,
        }
        let mut rng = scan::Rng(0x1234_5678_9abc_def1);
        for _ in 0..500 {
            let mut body = String::from("{\"meta\": ");
            random_value(&mut rng, 0, &mut body);
            body.push_str(", \"orders\": [");
            for i in 0..rng.below(12) {
                body.push_str(if i > 0 { ", " } else { "" });
                random_value(&mut rng, 0, &mut body);
            }
            body.push_str("]}");
            let page: Page = serde_json::from_str(&body).unwrap();
            let (rows, _) = rows_of(&body, &["orders"]).unwrap_or_else(|| panic!("did not split {body}"));
            assert_eq!(rows, page.orders.iter().map(|raw| raw.get()).collect::<Vec<_>>(), "{body}");
        }
    }

    #[test]
    fn refuses_what_it_cannot_split() {
        for body in [
            r#"{"orders": {"a": 1}}"#,
            r#"{"other": []}"#,
            r#"{"orders": [1, 2}"#,
            r#"{"orders": [1, 2]"#,
            r#"{"orders": ["abc]}"#,
            r#"{"orders": []} trailing"#,
            r#"{"orders": [1 2]}"#,
            r#"{"orders": [1,]}"#,
            r#"{"orders" []}"#,
            r#"[{"orders": []}]"#,
            "",
            "{}",
        ] {
            assert!(split(body.as_bytes(), &["orders"]).is_none(), "{body}");
        }
    }

    #[test]
    fn decodes_lists_and_rows_whichever_way_they_split() {
        #[derive(serde::Deserialize, Debug)]
        struct Page {
            orders: Vec<Box<RawValue>>,
            next: Option<String>,
        }
        #[derive(serde::Deserialize, Debug)]
        struct Row {
            total: rust_decimal::Decimal,
        }
        let backend = BackendName::parse("b").unwrap();
        // An escaped key does not split (the scan compares raw bytes): the whole body decodes instead.
        for text in [
            r#"{"orders": [{"total": 1.50}, {"total": true}], "next": "n"}"#,
            r#"{"\u006frders": [{"total": 1.50}, {"total": true}], "next": "n"}"#,
        ] {
            let body = Body::from(text.to_string());
            let (page, rows) =
                decode_list(&backend, &body, &["orders"], |p: &mut Page| std::mem::take(&mut p.orders))
                    .unwrap();
            assert!(page.orders.is_empty() && page.next.as_deref() == Some("n"));
            let (row, native) = decode_row::<Row>(&backend, &rows[0], "orders[0]").unwrap();
            assert_eq!((row.total.to_string(), native.text()), ("1.50".into(), Some(r#"{"total": 1.50}"#)));
            match decode_row::<Row>(&backend, &rows[1], "orders[1]").unwrap_err() {
                Error::Malformed { path, .. } => assert_eq!(path, "orders[1].total"),
                other => panic!("unexpected {other:?}"),
            }
        }
        let broken = Body::from(r#"{"orders": [{"total": 1}"#.to_string());
        match decode_list(&backend, &broken, &["orders"], |p: &mut Page| std::mem::take(&mut p.orders))
            .unwrap_err()
        {
            Error::Malformed { path, message, .. } => {
                assert!(path.starts_with("line 1") && message == "invalid JSON")
            }
            other => panic!("unexpected {other:?}"),
        }
        let body = Body::from(&b"{\"total\": \"\xff\"}"[..]);
        let row = RowText { span: 0..body.len(), body };
        assert!(matches!(decode_row::<Row>(&backend, &row, "orders[0]"), Err(Error::Malformed { .. })));
    }
}
