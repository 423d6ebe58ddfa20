//! The HTTP client every adapter uses: one [`reqwest::Client`] per backend (pooled keep-alive connections,
//! HTTP/2 where the vendor offers it, gzip and brotli, rustls with the platform's and webpki's roots, the
//! standard proxy variables), with its auth headers (marked sensitive), connect and call timeouts, redirects
//! reported rather than followed, answers bounded in size while they are read (`max_response_bytes`), bounded
//! concurrency, a tracing span and metrics per call, retries for reads only (the pure [`retry_delay`] policy),
//! and non-2xx answers turned into typed errors through the vendor's own error-body parser.

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

use crate::config::{BackendConfig, Secret};
use crate::domain::BackendName;
use crate::error::{Error, Result, shorten};

mod read;

/// How long an idle connection is kept: under the idle timeouts of common servers and load balancers (60 s and
/// more), so that a connection they dropped without a word is not the one a call is written on.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest a connection (TCP and TLS) may take to open, when the call's timeout is longer.
pub const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The `User-Agent` of every call.
const USER_AGENT: &str = concat!("ordergraph/", env!("CARGO_PKG_VERSION"));

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
#[derive(Clone)]
pub struct HttpClient {
    backend: BackendName,
    /// The base URL, parsed once: each call's URL is a copy with its path set, not a string parsed again.
    base_url: url::Url,
    /// Sends every call with `Accept`, `User-Agent` and the auth headers (marked sensitive), and keeps the
    /// backend's connections.
    client: reqwest::Client,
    timeout: Duration,
    max_response_bytes: usize,
    permits: Arc<Semaphore>,
    parse_error: ErrorParser,
    retry_after_headers: &'static [&'static str],
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut base_url = self.base_url.clone();
        let _ = base_url.set_password(None);
        f.debug_struct("HttpClient")
            .field("backend", &self.backend)
            .field("base_url", &base_url.as_str())
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
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
        let not_http = || Error::Config(vec![format!("backends.{backend}.base_url: not an http(s) URL")]);
        let base_url = url::Url::parse(config.base_url.trim_end_matches('/'))
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
            .ok_or_else(not_http)?;
        let client = reqwest::Client::builder()
            .use_rustls_tls()
            .default_headers(headers)
            .user_agent(USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.timeout.min(MAX_CONNECT_TIMEOUT))
            .timeout(config.timeout)
            .pool_max_idle_per_host(config.max_concurrency)
            .pool_idle_timeout(IDLE_TIMEOUT)
            .tcp_nodelay(true)
            .build()
            .map_err(|e| {
                Error::Internal(format!("backends.{backend}: cannot set up the HTTP client: {e}"))
            })?;
        Ok(HttpClient {
            backend: backend.clone(),
            base_url,
            client,
            timeout: config.timeout,
            max_response_bytes: config.max_response_bytes,
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
    /// transport errors. GETs are retried on transient failures; other methods never. Each call (not each
    /// retry) takes one from the request's budget ([`crate::domain::budget`]).
    pub async fn call(
        &self,
        operation: &str,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Body,
    ) -> std::result::Result<Result<Bytes>, Failure> {
        if let Err(spent) = crate::domain::budget::take_call() {
            return Ok(Err(spent));
        }
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
            let request = match self.request(method, path, query, body) {
                Ok(request) => request,
                Err(e) => return Ok(Err(e)),
            };
            let mut response = match self.client.execute(request).await {
                Ok(response) => response,
                Err(e) => return Ok(Err(self.transport_error(e))),
            };
            let status = response.status();
            tracing::Span::current().record("status", status.as_u16());
            let retry_after = self.retry_after(response.headers());
            let redirect = status.is_redirection().then(|| redirect_message(response.headers()));
            let bytes = match read::read_bounded(&mut response, self.max_response_bytes).await {
                Ok(bytes) => bytes,
                Err(read::ReadError::TooLarge) => return Ok(Err(self.too_large(status))),
                Err(read::ReadError::Transport(e)) => return Ok(Err(self.transport_error(e))),
            };
            if status.is_success() {
                Ok(Ok(bytes))
            } else {
                let mut vendor = (self.parse_error)(&bytes).unwrap_or_default();
                if vendor.message.is_none() {
                    vendor.message = redirect;
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
        span.in_scope(|| {
            tracing::debug!(outcome = label, duration_us = elapsed.as_micros() as u64, "backend call done")
        });
        outcome
    }

    /// The request for a call: the base URL and `path` with `query` appended form-encoded, and `body` encoded
    /// with its content type. The client adds its own headers when it sends it.
    fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: &Body,
    ) -> Result<reqwest::Request> {
        let mut url = self.url(path);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let request = self.client.request(method, url);
        let request = match body {
            Body::Empty => request,
            Body::Json(value) => request.json(value),
            Body::Form(fields) => request.form(fields),
        };
        request
            .build()
            .map_err(|e| Error::Internal(format!("cannot encode the request: {}", e.without_url())))
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

    /// A call that got no complete answer: a timeout once the connection was made, otherwise unavailable.
    /// The message is one of a few fixed phrases: reqwest's own text names the URL, which may carry
    /// credentials; the cause goes to the debug log without it.
    fn transport_error(&self, error: reqwest::Error) -> Error {
        let backend = self.backend.to_string();
        let error = error.without_url();
        tracing::debug!(backend, error = ?error, "transport error");
        if error.is_timeout() && !error.is_connect() {
            return Error::Timeout { backend, timeout: self.timeout };
        }
        let message = if error.is_connect() && error.is_timeout() {
            "connection timed out"
        } else if error.is_connect() {
            "connection failed"
        } else if error.is_body() || error.is_decode() {
            "the answer could not be read"
        } else {
            "the request failed in transit"
        };
        Error::Unavailable { backend, status: None, message: message.into() }
    }

    /// An answer longer than `max_response_bytes` (counted after decompression).
    fn too_large(&self, status: StatusCode) -> Error {
        Error::Backend {
            backend: self.backend.to_string(),
            status: status.as_u16(),
            native_code: None,
            message: format!(
                "the answer is larger than {} bytes (backends.{}.max_response_bytes)",
                self.max_response_bytes, self.backend
            ),
        }
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
    /// decode it with [`decode_raw`](super::decode::decode_raw): the text is then kept for [`crate::domain::NativeJson`] as it came.
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
mod tests;
