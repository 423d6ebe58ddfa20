//! The HTTP client every adapter uses: one [`Transport`] (HTTP/1.1 keep-alive connections, driven by the calling
//! task) per backend, with its auth headers (marked sensitive), a timeout on every call, bounded concurrency, a
//! tracing span and metrics per call, retries for reads only (the pure [`retry_delay`] policy), non-2xx answers
//! turned into typed errors through the vendor's own error-body parser, and JSON decoded with the failing path
//! named.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ::http::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use ::http::{Method, StatusCode};
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::Semaphore;
use tracing::Instrument;

use super::transport::{Transport, TransportError, default_tls};
use crate::config::{BackendConfig, Secret};
use crate::domain::BackendName;
use crate::error::{Error, Result, shorten};

/// What a vendor's error body says, as far as the adapter's parser understood it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VendorError {
    /// The vendor's own error code (`OMS003`, `INVALID_STATUS_TRANSITION`, `NOT_FOUND`).
    pub code: Option<String>,
    /// The vendor's message.
    pub message: Option<String>,
}

/// Parses a vendor's error body (any status); `None` when the body is empty or not the vendor's shape.
pub type ErrorParser = fn(&[u8]) -> Option<VendorError>;

/// A request body.
#[derive(Clone, Debug)]
pub enum Body {
    /// No body.
    Empty,
    /// `application/json`.
    Json(Value),
    /// `application/x-www-form-urlencoded`, fields in order.
    Form(Vec<(String, String)>),
}

/// A non-2xx answer, before the adapter decides what it means.
#[derive(Clone, Debug)]
pub struct Failure {
    /// HTTP status.
    pub status: u16,
    /// The vendor's parsed error body.
    pub vendor: VendorError,
    /// `Retry-After` (or the vendor's variant), when sent.
    pub retry_after: Option<Duration>,
}

/// One backend's HTTP client.
#[derive(Clone, Debug)]
pub struct HttpClient {
    backend: BackendName,
    /// The base URL, parsed once: each call's URL is a copy with its path set, not a string parsed again.
    base_url: url::Url,
    /// Sent on every call: `Accept`, `User-Agent` and the auth headers (marked sensitive).
    headers: HeaderMap,
    transport: Arc<Transport>,
    timeout: Duration,
    permits: Arc<Semaphore>,
    parse_error: ErrorParser,
    retry_after_headers: &'static [&'static str],
}

impl HttpClient {
    /// A client for `backend` sending `auth` headers (values are secrets) on every call.
    pub fn new(
        backend: &BackendName,
        config: &BackendConfig,
        auth: &[(&'static str, Secret)],
        parse_error: ErrorParser,
    ) -> Result<Self> {
        let mut headers = HeaderMap::new();
        headers.insert(::http::header::ACCEPT, HeaderValue::from_static("application/json"));
        for (name, secret) in auth {
            let mut value = HeaderValue::from_str(secret.expose()).map_err(|_| {
                Error::Config(vec![format!(
                    "backends.{backend}: a credential contains characters not allowed in a header"
                )])
            })?;
            value.set_sensitive(true);
            headers.insert(HeaderName::from_static(name), value);
        }
        headers.insert(
            ::http::header::USER_AGENT,
            HeaderValue::from_static(concat!("ordergraph/", env!("CARGO_PKG_VERSION"))),
        );
        let not_http = || Error::Config(vec![format!("backends.{backend}.base_url: not an http(s) URL")]);
        let base_url = url::Url::parse(config.base_url.trim_end_matches('/'))
            .ok()
            .filter(|url| !url.cannot_be_a_base())
            .ok_or_else(not_http)?;
        let tls = match base_url.scheme() {
            "https" => Some(default_tls().map_err(|e| Error::Internal(format!("cannot set up TLS: {e}")))?),
            _ => None,
        };
        let transport = Transport::new(
            &base_url,
            tls,
            config.timeout.min(Duration::from_secs(5)),
            config.max_concurrency.max(8),
        )
        .map_err(|e| Error::Config(vec![format!("backends.{backend}.base_url: {e}")]))?;
        Ok(HttpClient {
            backend: backend.clone(),
            base_url,
            headers,
            transport: Arc::new(transport),
            timeout: config.timeout,
            permits: Arc::new(Semaphore::new(config.max_concurrency)),
            parse_error,
            retry_after_headers: &[],
        })
    }

    /// Also reads these headers (e.g. VesuvioPay's `X-RateLimit-Retry-After`) as retry delays in seconds.
    pub fn with_retry_after_headers(mut self, headers: &'static [&'static str]) -> Self {
        self.retry_after_headers = headers;
        self
    }

    /// The backend this client talks to.
    pub fn backend(&self) -> &BackendName {
        &self.backend
    }

    /// GET `path` with `query`, decoded as JSON. Retried per [`retry_delay`].
    pub async fn get_json(&self, operation: &str, path: &str, query: &[(&str, String)]) -> Result<Value> {
        self.json(operation, Method::GET, path, query, Body::Empty).await
    }

    /// Any call whose answer is JSON (an empty 2xx body gives `Value::Null`). Only GETs are retried.
    pub async fn json(
        &self,
        operation: &str,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Body,
    ) -> Result<Value> {
        let bytes =
            self.call(operation, method, path, query, body).await.map_err(|f| self.failure_error(f))??;
        self.parse_json(&bytes)
    }

    /// Sends a call; `Ok(Err(failure))` for a non-2xx answer the adapter may interpret itself, `Err` for
    /// transport errors. GETs are retried on transient failures; other methods never.
    pub async fn call(
        &self,
        operation: &str,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Body,
    ) -> std::result::Result<Result<Bytes>, Failure> {
        let retryable = method == Method::GET;
        let mut attempt = 0;
        loop {
            let result = self.call_once(operation, method.clone(), path, query, &body).await;
            let as_error = match &result {
                Ok(Ok(_)) => return result,
                Ok(Err(e)) => e.clone(),
                Err(f) => self.failure_error(f.clone()),
            };
            match retry_delay(attempt, &as_error, retryable) {
                Some(delay) => {
                    tracing::debug!(backend = %self.backend, operation, attempt, ?delay, "retrying read");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                None => return result,
            }
        }
    }

    async fn call_once(
        &self,
        operation: &str,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: &Body,
    ) -> std::result::Result<Result<Bytes>, Failure> {
        let mut url = self.url(path);
        let span = tracing::info_span!(
            "backend_call",
            backend = %self.backend,
            operation,
            method = %method,
            path,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let outcome = async {
            let _permit = self.permits.acquire().await.map_err(|_| Error::Internal("client closed".into()));
            let request = match self.request(method, &mut url, query, body) {
                Ok(request) => request,
                Err(e) => return Ok(Err(e)),
            };
            let reply = match tokio::time::timeout(self.timeout, self.transport.send(request)).await {
                Ok(Ok(reply)) => reply,
                Ok(Err(e)) => return Ok(Err(self.transport_error(&e))),
                Err(_) => {
                    return Ok(Err(Error::Timeout {
                        backend: self.backend.to_string(),
                        timeout: self.timeout,
                    }));
                }
            };
            let status = reply.status;
            tracing::Span::current().record("status", status.as_u16());
            let retry_after = self.retry_after(&reply.headers);
            let bytes = reply.body;
            if status.is_success() {
                Ok(Ok(bytes))
            } else {
                let mut vendor = (self.parse_error)(&bytes).unwrap_or_default();
                if status.is_redirection() && vendor.message.is_none() {
                    vendor.message = Some(redirect_message(&reply.headers));
                }
                Err(Failure { status: status.as_u16(), vendor, retry_after })
            }
        }
        .instrument(span.clone())
        .await;
        let elapsed = started.elapsed();
        span.record("duration_ms", elapsed.as_millis() as u64);
        let label = match &outcome {
            Ok(Ok(_)) => "ok",
            Ok(Err(e)) => e.code(),
            Err(f) => self.failure_error(f.clone()).code(),
        };
        crate::metrics::global().backend_call(self.backend.as_str(), operation, label, elapsed);
        span.in_scope(|| {
            tracing::debug!(outcome = label, duration_us = elapsed.as_micros() as u64, "backend call done")
        });
        outcome
    }

    /// The request for a call: `url` with `query` appended, the client's headers, and `body` encoded.
    fn request(
        &self,
        method: Method,
        url: &mut url::Url,
        query: &[(&str, String)],
        body: &Body,
    ) -> Result<::http::Request<http_body_util::Full<Bytes>>> {
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let target = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        };
        let internal = |e: String| Error::Internal(format!("cannot encode the request: {e}"));
        let (bytes, content_type) = match body {
            Body::Empty => (Bytes::new(), None),
            Body::Json(v) => {
                (serde_json::to_vec(v).map_err(|e| internal(e.to_string()))?.into(), Some("application/json"))
            }
            Body::Form(fields) => (
                serde_urlencoded::to_string(fields).map_err(|e| internal(e.to_string()))?.into(),
                Some("application/x-www-form-urlencoded"),
            ),
        };
        let mut request = ::http::Request::new(http_body_util::Full::new(bytes));
        *request.method_mut() = method;
        *request.uri_mut() = target.parse().map_err(|e: ::http::uri::InvalidUri| internal(e.to_string()))?;
        *request.headers_mut() = self.headers.clone();
        if let Some(content_type) = content_type {
            request
                .headers_mut()
                .insert(::http::header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
        Ok(request)
    }

    /// The base URL followed by `path` (which starts with `/`).
    fn url(&self, path: &str) -> url::Url {
        let mut url = self.base_url.clone();
        let joined = [url.path().trim_end_matches('/'), path].concat();
        url.set_path(&joined);
        url
    }

    fn retry_after(&self, headers: &HeaderMap) -> Option<Duration> {
        std::iter::once(RETRY_AFTER.as_str())
            .chain(self.retry_after_headers.iter().copied())
            .filter_map(|name| headers.get(name)?.to_str().ok()?.trim().parse::<f64>().ok())
            .find(|secs| secs.is_finite() && *secs >= 0.0)
            .map(|secs| Duration::from_millis((secs * 1000.0) as u64))
    }

    fn transport_error(&self, error: &TransportError) -> Error {
        let backend = self.backend.to_string();
        tracing::debug!(backend, %error, "transport error");
        let message = match error {
            TransportError::Connect(_) => "connection failed",
            TransportError::Transit(_) => "the request failed in transit",
        };
        Error::Unavailable { backend, status: None, message: message.into() }
    }

    /// The generic meaning of a non-2xx answer; adapters match on [`Failure`] first for vendor specifics.
    pub fn failure_error(&self, failure: Failure) -> Error {
        let backend = self.backend.to_string();
        let message = failure.vendor.message.as_deref().map(shorten);
        match StatusCode::from_u16(failure.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR) {
            StatusCode::UNAUTHORIZED => Error::Unauthenticated { backend, status: failure.status },
            StatusCode::FORBIDDEN => Error::Forbidden { backend, status: failure.status },
            StatusCode::TOO_MANY_REQUESTS => Error::RateLimited { backend, retry_after: failure.retry_after },
            s if s.as_u16() == 509 => Error::RateLimited { backend, retry_after: failure.retry_after },
            s if s.is_server_error() => Error::Unavailable {
                backend,
                status: Some(failure.status),
                message: message.unwrap_or_else(|| format!("HTTP {}", failure.status)),
            },
            _ => Error::Backend {
                backend,
                status: failure.status,
                native_code: failure.vendor.code,
                message: message.unwrap_or_else(|| "the backend refused the request".into()),
            },
        }
    }

    /// Parses a body as JSON (`Value::Null` for an empty body); a syntax error names the backend.
    pub fn parse_json(&self, bytes: &[u8]) -> Result<Value> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(bytes).map_err(|e| Error::Malformed {
            backend: self.backend.to_string(),
            path: format!("line {} column {}", e.line(), e.column()),
            message: "invalid JSON".into(),
        })
    }

    /// Decodes a JSON value into a wire type, naming the JSON path that broke (`data.orders[3].totalAmount`).
    pub fn decode<T: DeserializeOwned>(&self, value: &Value) -> Result<T> {
        decode(&self.backend, value)
    }

    /// Decodes a body straight into a wire type (no intermediate `Value`), naming the JSON path that broke.
    /// An empty body decodes as `null`. Keep an order's payload as `Box<RawValue>` in the wire type and
    /// decode it with [`decode_raw`]: the text is then kept for [`crate::domain::NativeJson`] as it came.
    pub fn decode_bytes<T: DeserializeOwned>(&self, bytes: &[u8]) -> Result<T> {
        decode_bytes(&self.backend, bytes)
    }
}

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

/// What a redirect means for the operator: ordergraph does not follow redirects (a vendor API does not move
/// without notice, and credentials must not follow a redirect to another host), so `base_url` is to be fixed.
fn redirect_message(headers: &HeaderMap) -> String {
    match headers.get(::http::header::LOCATION).and_then(|v| v.to_str().ok()) {
        Some(to) => {
            format!("redirected to {to}; ordergraph does not follow redirects: set base_url to that address")
        }
        None => "redirected; ordergraph does not follow redirects: check base_url".into(),
    }
}

/// The retry policy, a pure function: how long to wait before retry number `attempt + 1` of a call that
/// failed with `error`, or `None` to give up. Only reads are retried (mutations never: a retried cancel could
/// cancel twice); at most two retries; 5xx and connection failures back off 50 ms then 150 ms; a 429 is
/// retried once when the backend asks for at most a second; timeouts are not retried (the deadline is spent).
pub fn retry_delay(attempt: u32, error: &Error, retryable: bool) -> Option<Duration> {
    if !retryable || attempt >= 2 {
        return None;
    }
    match error {
        Error::Unavailable { .. } => Some(Duration::from_millis(50 * 3u64.pow(attempt))),
        Error::RateLimited { retry_after: Some(wait), .. }
            if attempt == 0 && *wait <= Duration::from_secs(1) =>
        {
            Some(*wait)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unavailable() -> Error {
        Error::Unavailable { backend: "b".into(), status: Some(503), message: "x".into() }
    }

    /// The request a call sends: the query appended form-encoded to the base path, the auth headers marked
    /// sensitive (so neither the client's nor the request's `Debug` shows them), and a JSON or form body with its
    /// content type.
    #[test]
    fn requests_carry_the_query_body_and_hidden_credentials() {
        let config = crate::config::BackendConfig {
            kind: crate::domain::BackendKind::Storeden,
            base_url: "https://shop.example/api/v1.1/".into(),
            timeout: Duration::from_secs(1),
            currency: None,
            max_concurrency: 1,
            credentials: Default::default(),
        };
        let secret = Secret::new("s3cr3t-key");
        let client =
            HttpClient::new(&BackendName::parse("shop").unwrap(), &config, &[("key", secret)], |_| None)
                .unwrap();
        assert!(!format!("{client:?}").contains("s3cr3t"), "{client:?}");

        let mut url = client.url("/orders/orders.json");
        let query = [("status", "paid & shipped".to_string()), ("limit", "50".to_string())];
        let request = client.request(Method::GET, &mut url, &query, &Body::Empty).unwrap();
        assert_eq!(request.uri(), "/api/v1.1/orders/orders.json?status=paid+%26+shipped&limit=50");
        assert_eq!(request.headers()["key"], "s3cr3t-key");
        assert!(request.headers()["key"].is_sensitive());
        assert_eq!(request.headers()["accept"], "application/json");
        assert!(request.headers()["user-agent"].to_str().unwrap().starts_with("ordergraph/"));
        assert!(request.headers().get("content-type").is_none());
        assert!(!format!("{request:?}").contains("s3cr3t"));

        let mut url = client.url("/orders/1");
        let json = Body::Json(serde_json::json!({ "status": 3 }));
        let request = client.request(Method::PUT, &mut url, &[], &json).unwrap();
        assert_eq!(
            (request.method(), request.uri().to_string()),
            (&Method::PUT, "/api/v1.1/orders/1".into())
        );
        assert_eq!(request.headers()["content-type"], "application/json");
        assert_eq!(
            hyper::body::Body::size_hint(request.body()).exact(),
            Some(r#"{"status":3}"#.len() as u64)
        );

        let mut url = client.url("/orders/1");
        let form = Body::Form(vec![("note".into(), "a b&c".into())]);
        let request = client.request(Method::POST, &mut url, &[], &form).unwrap();
        assert_eq!(request.headers()["content-type"], "application/x-www-form-urlencoded");
        assert_eq!(hyper::body::Body::size_hint(request.body()).exact(), Some("note=a+b%26c".len() as u64));
    }

    /// A redirect is not followed: the call fails with a message naming where the backend points, and the
    /// backend is asked once (a 3xx is not retried).
    #[tokio::test]
    async fn a_redirect_is_reported_not_followed() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let mut asked = 0;
            while let Ok(Ok((mut socket, _))) =
                tokio::time::timeout(Duration::from_millis(300), listener.accept()).await
            {
                let mut buf = [0u8; 4096];
                while let Ok(n) = socket.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    asked += 1;
                    let answer = "HTTP/1.1 301 Moved Permanently\r\nLocation: https://api.example/v2/orders\r\n\
                                  Content-Length: 0\r\n\r\n";
                    socket.write_all(answer.as_bytes()).await.unwrap();
                }
            }
            asked
        });
        let config = crate::config::BackendConfig {
            kind: crate::domain::BackendKind::Storeden,
            base_url: format!("http://{addr}"),
            timeout: Duration::from_secs(2),
            currency: None,
            max_concurrency: 1,
            credentials: Default::default(),
        };
        let client = HttpClient::new(&BackendName::parse("shop").unwrap(), &config, &[], |_| None).unwrap();
        let error = client.get_json("list", "/orders", &[]).await.unwrap_err();
        match &error {
            Error::Backend { status: 301, message, .. } => {
                assert!(message.contains("redirected to https://api.example/v2/orders"), "{message}");
                assert!(message.contains("set base_url"), "{message}");
            }
            other => panic!("expected a 301 backend error, got {other:?}"),
        }
        // Dropping the client closes its idle connection, which ends the server's read loop.
        drop(client);
        assert_eq!(server.await.unwrap(), 1);
    }

    // The retry table: reads retry 5xx twice with backoff, 429 once when short, never timeouts or 4xx;
    // mutations never retry.
    // A call's URL is the base URL (its path kept) followed by the call's path, as parsing the two joined
    // would give; a path's `?` or `#` is part of the path, never a query or fragment.
    #[test]
    fn call_urls_extend_the_base_path() {
        let client = |base: &str| {
            let config = crate::config::BackendConfig {
                kind: crate::domain::BackendKind::Storeden,
                base_url: base.into(),
                timeout: Duration::from_secs(1),
                currency: None,
                max_concurrency: 1,
                credentials: Default::default(),
            };
            HttpClient::new(&BackendName::parse("shop").unwrap(), &config, &[], |_| None).unwrap()
        };
        let cases = [
            ("http://127.0.0.1:9/v1.1", "/orders/orders.json", "http://127.0.0.1:9/v1.1/orders/orders.json"),
            ("http://127.0.0.1:9/v1.1/", "/orders/orders.json", "http://127.0.0.1:9/v1.1/orders/orders.json"),
            ("https://shop.example", "/api/v2/orders/17", "https://shop.example/api/v2/orders/17"),
            (
                "https://shop.example/",
                "/api/oms/pvt/orders/1-01",
                "https://shop.example/api/oms/pvt/orders/1-01",
            ),
            ("http://h", "/a b/%41", "http://h/a%20b/%41"),
        ];
        for (base, path, want) in cases {
            let url = client(base).url(path);
            assert_eq!(url.as_str(), want);
            assert_eq!(url, url::Url::parse(&format!("{}{path}", base.trim_end_matches('/'))).unwrap());
        }
        let odd = client("http://h/base").url("/x?y=1#z");
        assert_eq!((odd.path(), odd.query(), odd.fragment()), ("/base/x%3Fy=1%23z", None, None));
        let config = crate::config::BackendConfig {
            kind: crate::domain::BackendKind::Storeden,
            base_url: "not a url".into(),
            timeout: Duration::from_secs(1),
            currency: None,
            max_concurrency: 1,
            credentials: Default::default(),
        };
        assert!(matches!(
            HttpClient::new(&BackendName::parse("shop").unwrap(), &config, &[], |_| None),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn retry_policy_table() {
        let short = Error::RateLimited { backend: "b".into(), retry_after: Some(Duration::from_millis(200)) };
        let long = Error::RateLimited { backend: "b".into(), retry_after: Some(Duration::from_secs(30)) };
        let timeout = Error::Timeout { backend: "b".into(), timeout: Duration::from_secs(1) };
        let bad = Error::Backend { backend: "b".into(), status: 400, native_code: None, message: "x".into() };
        let cases: &[(u32, &Error, bool, Option<Duration>)] = &[
            (0, &unavailable(), true, Some(Duration::from_millis(50))),
            (1, &unavailable(), true, Some(Duration::from_millis(150))),
            (2, &unavailable(), true, None),
            (0, &unavailable(), false, None),
            (0, &short, true, Some(Duration::from_millis(200))),
            (1, &short, true, None),
            (0, &long, true, None),
            (0, &timeout, true, None),
            (0, &bad, true, None),
        ];
        for (attempt, error, retryable, expected) in cases {
            assert_eq!(
                retry_delay(*attempt, error, *retryable),
                *expected,
                "{attempt} {error:?} {retryable}"
            );
        }
    }

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
