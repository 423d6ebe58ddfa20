//! The HTTP client every adapter uses: one [`Transport`] (HTTP/1.1 keep-alive connections, driven by the calling
//! task) per backend, with its auth headers (marked sensitive), a timeout on every call, bounded concurrency, a
//! tracing span and metrics per call, retries for reads only (the pure [`retry_delay`] policy), non-2xx answers
//! turned into typed errors through the vendor's own error-body parser, and JSON decoded with the failing path
//! named.

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
        super::decode::decode(&self.backend, value)
    }

    /// Decodes a body straight into a wire type (no intermediate `Value`), naming the JSON path that broke.
    /// An empty body decodes as `null`. Keep an order's payload as `Box<RawValue>` in the wire type and
    /// decode it with [`decode_raw`]: the text is then kept for [`crate::domain::NativeJson`] as it came.
    pub fn decode_bytes<T: DeserializeOwned>(&self, bytes: &[u8]) -> Result<T> {
        super::decode::decode_bytes(&self.backend, bytes)
    }
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
            max_response_bytes: crate::config::DEFAULT_MAX_RESPONSE_BYTES,
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
            max_response_bytes: crate::config::DEFAULT_MAX_RESPONSE_BYTES,
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
                max_response_bytes: crate::config::DEFAULT_MAX_RESPONSE_BYTES,
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
            max_response_bytes: crate::config::DEFAULT_MAX_RESPONSE_BYTES,
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
}
