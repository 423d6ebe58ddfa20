//! The harness every sandbox shares: the fault knobs, the memoised reads and the request log ([`Control`]),
//! the control endpoints (`GET /_sandbox/requests`, `POST /_sandbox/faults`), and the layer in front of the
//! vendor routes that applies them.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::{SandboxKind, seed};

/// A fault the harness injects instead of calling the vendor handler.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// A 5xx answer with the vendor's error body (or none, where the vendor sends none).
    ServerError,
    /// A 429 answer with the vendor's rate-limit headers (`Retry-After` or its variant).
    RateLimited,
    /// A 400 answer with the vendor's error body saying this message (a vendor echoing what it was sent).
    Echo(String),
}

/// One request the sandbox served, as it arrived.
#[derive(Clone, Debug, Serialize)]
pub struct RecordedRequest {
    /// HTTP method, upper case.
    pub method: String,
    /// Path without the query string (including any base path such as `/v1.1`).
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// Request body as text (lossy UTF-8); empty when there was none.
    pub body: String,
    /// HTTP status the sandbox answered with.
    pub status: u16,
}

/// Fault knobs and the request log of one running sandbox. Shared between the harness and tests.
#[derive(Debug, Default)]
pub struct Control {
    latency_ms: AtomicU64,
    jitter_us: AtomicU64,
    /// Draws of the jitter so far (the jitter is a fixed pseudo-random sequence).
    jitter_draws: AtomicU64,
    fail_permille: AtomicU32,
    fail_next: AtomicU32,
    rate_limited: AtomicBool,
    malformed: AtomicBool,
    echo_headers: AtomicBool,
    counter: AtomicU64,
    log: Mutex<Vec<RecordedRequest>>,
    memoise: AtomicBool,
    memo: Mutex<HashMap<u64, Memo>>,
    /// Bumped by every write: a read that started before a write must not memoise what it rendered.
    writes: AtomicU64,
}

/// A read's answer as rendered the first time, with the request it answered (to rule out hash collisions).
#[derive(Debug)]
struct Memo {
    request: MemoRequest,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// What makes two reads the same read: method, URI, headers (credentials) and body.
#[derive(Debug, PartialEq, Eq, Hash)]
struct MemoRequest {
    method: Method,
    uri: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Bytes,
}

impl MemoRequest {
    fn new(parts: &axum::http::request::Parts, body: &Bytes) -> Self {
        let mut headers: Vec<(String, Vec<u8>)> =
            parts.headers.iter().map(|(k, v)| (k.as_str().to_string(), v.as_bytes().to_vec())).collect();
        headers.sort();
        MemoRequest { method: parts.method.clone(), uri: parts.uri.to_string(), headers, body: body.clone() }
    }

    fn key(&self) -> u64 {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.hash(&mut hasher);
        hasher.finish()
    }
}

/// At most this many memoised answers; the memo is emptied when it would grow past it.
const MEMO_CAPACITY: usize = 4096;

impl Control {
    pub(super) fn new(latency: Duration) -> Self {
        let control = Control::default();
        control.set_latency(latency);
        control
    }

    /// Adds this latency before every answer.
    pub fn set_latency(&self, latency: Duration) {
        self.latency_ms.store(latency.as_millis() as u64, Ordering::Relaxed);
    }

    /// Spreads each answer's added latency evenly over `latency ± jitter` (a fixed pseudo-random sequence, never
    /// below zero), so that clients answered in step drift apart; zero (the default) keeps it exact.
    pub fn set_jitter(&self, jitter: Duration) {
        self.jitter_us.store(jitter.as_micros() as u64, Ordering::Relaxed);
    }

    /// The latency to add before the next answer.
    fn next_latency(&self) -> Duration {
        let latency = Duration::from_millis(self.latency_ms.load(Ordering::Relaxed));
        let jitter = self.jitter_us.load(Ordering::Relaxed);
        if jitter == 0 {
            return latency;
        }
        // splitmix64 of the draw's number: an even spread over 0..=2·jitter µs.
        let mut x = self.jitter_draws.fetch_add(1, Ordering::Relaxed).wrapping_add(0x9E37_79B9_7F4A_7C15);
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^= x >> 31;
        let offset = x % (2 * jitter + 1);
        (latency + Duration::from_micros(offset)).saturating_sub(Duration::from_micros(jitter))
    }

    /// Answers this share of requests (0.0–1.0) with the vendor's 5xx.
    pub fn set_fail_rate(&self, rate: f32) {
        let permille = (rate.clamp(0.0, 1.0) * 1000.0).round() as u32;
        self.fail_permille.store(permille, Ordering::Relaxed);
    }

    /// Answers the next `n` requests with the vendor's 5xx.
    pub fn fail_next(&self, n: u32) {
        self.fail_next.store(n, Ordering::Relaxed);
    }

    /// While on, answers every request with 429 and the vendor's retry header.
    pub fn set_rate_limited(&self, on: bool) {
        self.rate_limited.store(on, Ordering::Relaxed);
    }

    /// While on, answers every request with 200 and a body that is not valid JSON.
    pub fn set_malformed(&self, on: bool) {
        self.malformed.store(on, Ordering::Relaxed);
    }

    /// While on, answers every request with 400 and the vendor's error body quoting the request's headers,
    /// credentials included (a vendor that echoes what it was sent).
    pub fn set_echo_headers(&self, on: bool) {
        self.echo_headers.store(on, Ordering::Relaxed);
    }

    /// Turns every fault off and sets latency and jitter to zero; the request log is kept.
    pub fn clear_faults(&self) {
        self.set_latency(Duration::ZERO);
        self.set_jitter(Duration::ZERO);
        self.set_fail_rate(0.0);
        self.fail_next(0);
        self.set_rate_limited(false);
        self.set_malformed(false);
        self.set_echo_headers(false);
    }

    /// While on, a read (every GET; Wix's POST search) is answered from the bytes of its first answer until
    /// the next write. Off by default; turning it on or off empties the memo.
    pub fn set_memoise(&self, on: bool) {
        self.memoise.store(on, Ordering::Relaxed);
        self.lock_memo().clear();
    }

    fn lock_memo(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Memo>> {
        self.memo.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Marks a write (before and after it): reads started before it are not memoised, and the memo is emptied.
    pub(super) fn note_write(&self) {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.lock_memo().clear();
    }

    /// The memoised answer to `request`, if any.
    fn memoised(&self, request: &MemoRequest) -> Option<Response> {
        let memo = self.lock_memo();
        let hit = memo.get(&request.key()).filter(|m| m.request == *request)?;
        let mut response = Response::new(Body::from(hit.body.clone()));
        *response.status_mut() = hit.status;
        *response.headers_mut() = hit.headers.clone();
        Some(response)
    }

    /// Keeps a successful answer to `request` and returns it, rebuilt from the kept bytes.
    async fn memoise(&self, request: MemoRequest, response: Response, writes_before: u64) -> Response {
        let (parts, body) = response.into_parts();
        let Ok(body) = axum::body::to_bytes(body, 64 * 1024 * 1024).await else {
            return (StatusCode::INTERNAL_SERVER_ERROR, "sandbox: unreadable answer").into_response();
        };
        if parts.status.is_success() {
            let mut memo = self.lock_memo();
            if self.writes.load(Ordering::SeqCst) != writes_before {
                // A write ran while this read rendered: the answer may predate it.
                return Response::from_parts(parts, Body::from(body));
            }
            if memo.len() >= MEMO_CAPACITY {
                memo.clear();
            }
            let memo_entry =
                Memo { request, status: parts.status, headers: parts.headers.clone(), body: body.clone() };
            memo.insert(memo_entry.request.key(), memo_entry);
        }
        Response::from_parts(parts, Body::from(body))
    }

    /// How many requests this sandbox has served (control endpoints excluded).
    pub fn request_count(&self) -> usize {
        self.lock_log().len()
    }

    /// Every request served so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock_log().clone()
    }

    /// How many requests had this method and a path starting with `path_prefix`.
    pub fn count_matching(&self, method: &str, path_prefix: &str) -> usize {
        self.lock_log()
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path.starts_with(path_prefix))
            .count()
    }

    /// Forgets the request log.
    pub fn reset_requests(&self) {
        self.lock_log().clear();
    }

    fn lock_log(&self) -> std::sync::MutexGuard<'_, Vec<RecordedRequest>> {
        // A poisoned log only means a handler panicked mid-push; the data is still usable.
        self.log.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Decides, for the next request, which fault (if any) to inject.
    fn next_fault(&self) -> Option<InjectedFault> {
        if self.rate_limited.load(Ordering::Relaxed) {
            return Some(InjectedFault::Vendor(Fault::RateLimited));
        }
        let pending = self.fail_next.load(Ordering::Relaxed);
        if pending > 0
            && self
                .fail_next
                .compare_exchange(pending, pending - 1, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            return Some(InjectedFault::Vendor(Fault::ServerError));
        }
        let permille = self.fail_permille.load(Ordering::Relaxed);
        if permille > 0 {
            let n = self.counter.fetch_add(1, Ordering::Relaxed);
            let roll = seed::Rng::new(n ^ 0x5EED).below(1000) as u32;
            if roll < permille {
                return Some(InjectedFault::Vendor(Fault::ServerError));
            }
        }
        if self.malformed.load(Ordering::Relaxed) {
            return Some(InjectedFault::Malformed);
        }
        None
    }
}

enum InjectedFault {
    Vendor(Fault),
    Malformed,
}

/// Knobs as set over HTTP by `POST /_sandbox/faults`; absent fields are left as they are.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FaultsBody {
    latency_ms: Option<u64>,
    fail_rate: Option<f32>,
    fail_next: Option<u32>,
    rate_limited: Option<bool>,
    malformed: Option<bool>,
    echo_headers: Option<bool>,
    memoise: Option<bool>,
    reset_requests: Option<bool>,
}

pub(super) async fn list_requests(State(control): State<Arc<Control>>) -> Response {
    axum::Json(control.requests()).into_response()
}

pub(super) async fn set_faults(State(control): State<Arc<Control>>, body: Bytes) -> Response {
    let parsed: FaultsBody = match serde_json::from_slice(&body) {
        Ok(parsed) => parsed,
        Err(error) => return (StatusCode::BAD_REQUEST, error.to_string()).into_response(),
    };
    if let Some(ms) = parsed.latency_ms {
        control.set_latency(Duration::from_millis(ms));
    }
    if let Some(rate) = parsed.fail_rate {
        control.set_fail_rate(rate);
    }
    if let Some(n) = parsed.fail_next {
        control.fail_next(n);
    }
    if let Some(on) = parsed.rate_limited {
        control.set_rate_limited(on);
    }
    if let Some(on) = parsed.malformed {
        control.set_malformed(on);
    }
    if let Some(on) = parsed.echo_headers {
        control.set_echo_headers(on);
    }
    if let Some(on) = parsed.memoise {
        control.set_memoise(on);
    }
    if parsed.reset_requests == Some(true) {
        control.reset_requests();
    }
    StatusCode::NO_CONTENT.into_response()
}

/// The harness layer: latency, fault injection, memoised reads, and the request log.
pub(super) async fn fault_and_record(
    State((kind, control)): State<(SandboxKind, Arc<Control>)>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 16 * 1024 * 1024).await.unwrap_or_default();
    let mut recorded = RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        body: String::from_utf8_lossy(&bytes).into_owned(),
        status: 0,
    };
    let latency = control.next_latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let fault = match control.next_fault() {
        None if control.echo_headers.load(Ordering::Relaxed) => {
            let sent: Vec<String> = parts
                .headers
                .iter()
                .map(|(name, value)| format!("{name}={}", value.to_str().unwrap_or("?")))
                .collect();
            Some(InjectedFault::Vendor(Fault::Echo(format!("bad request; headers: {}", sent.join(", ")))))
        }
        other => other,
    };
    let response = match fault {
        Some(InjectedFault::Vendor(fault)) => kind.fault_response(fault),
        Some(InjectedFault::Malformed) => {
            let mut response = Response::new(Body::from("{\"data\": [ {\"id\": 1, \"total\": 12.5,"));
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        None if !control.memoise.load(Ordering::Relaxed) => {
            next.run(Request::from_parts(parts, Body::from(bytes))).await
        }
        None if kind.is_read(&parts.method, parts.uri.path()) => {
            let key = MemoRequest::new(&parts, &bytes);
            match control.memoised(&key) {
                Some(response) => response,
                None => {
                    let writes_before = control.writes.load(Ordering::SeqCst);
                    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
                    control.memoise(key, response, writes_before).await
                }
            }
        }
        None => {
            // A write: whatever was memoised may be stale now.
            control.note_write();
            let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
            control.note_write();
            response
        }
    };
    recorded.status = response.status().as_u16();
    control.lock_log().push(recorded);
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::{SANDBOX_CREDENTIAL, SandboxOptions, start_local};

    async fn get(client: &reqwest::Client, url: &str) -> Bytes {
        client.get(url).header("X-Api-Key", SANDBOX_CREDENTIAL).send().await.unwrap().bytes().await.unwrap()
    }

    // Jitter spreads the latency evenly over latency ± jitter, never below zero; none keeps it exact.
    #[test]
    fn jitter_spreads_the_latency_evenly() {
        let control = Control::new(Duration::from_millis(20));
        assert_eq!(control.next_latency(), Duration::from_millis(20));
        control.set_jitter(Duration::from_millis(4));
        let draws: Vec<Duration> = (0..20_000).map(|_| control.next_latency()).collect();
        assert!(draws.iter().all(|d| (Duration::from_millis(16)..=Duration::from_millis(24)).contains(d)));
        let mean = draws.iter().sum::<Duration>() / draws.len() as u32;
        assert!(mean.abs_diff(Duration::from_millis(20)) < Duration::from_micros(100), "{mean:?}");
        let low = draws.iter().filter(|d| **d < Duration::from_millis(18)).count();
        assert!((4_500..5_500).contains(&low), "a quarter below 18 ms: {low}");
        control.set_latency(Duration::from_millis(1));
        assert!((0..1000).all(|_| control.next_latency() <= Duration::from_millis(5)));
        control.clear_faults();
        assert_eq!(control.next_latency(), Duration::ZERO);
    }

    // Memoised reads repeat the first answer (still logged, credentials part of the key) until a write, and
    // faults still apply to them.
    #[tokio::test]
    async fn memoised_reads_repeat_the_first_answer_until_a_write() {
        let sandbox = start_local(SandboxKind::Vesuviopay, SandboxOptions::default()).await.unwrap();
        let client = reqwest::Client::new();
        let list = format!("{}/api/v1/orders?limit=5", sandbox.base_url);
        let fresh = get(&client, &list).await;
        sandbox.control.set_memoise(true);
        let first = get(&client, &list).await;
        let second = get(&client, &list).await;
        assert_eq!(first, fresh, "a memoised answer is the answer the sandbox renders");
        assert_eq!(second, first);
        assert_eq!(sandbox.control.request_count(), 3, "memoised reads are still logged");
        let unauthorised = client.get(&list).send().await.unwrap();
        assert_eq!(unauthorised.status(), StatusCode::UNAUTHORIZED, "credentials are part of the key");

        let listed: serde_json::Value = serde_json::from_slice(&first).unwrap();
        let id = listed["data"]["orders"][0]["id"].as_str().unwrap().to_string();
        let linked = client
            .put(format!("{}/api/v1/orders/{id}/link", sandbox.base_url))
            .header("X-Api-Key", SANDBOX_CREDENTIAL)
            .json(&serde_json::json!({ "externalOrderId": "EXT-1", "platformName": "shop" }))
            .send()
            .await
            .unwrap();
        assert!(linked.status().is_success(), "{}", linked.status());
        let after = get(&client, &list).await;
        let after: serde_json::Value = serde_json::from_slice(&after).unwrap();
        assert_eq!(after["data"]["orders"][0]["externalOrderId"], "EXT-1", "a write empties the memo");

        sandbox.control.set_latency(Duration::ZERO);
        sandbox.control.fail_next(1);
        let failed = client.get(&list).header("X-Api-Key", SANDBOX_CREDENTIAL).send().await.unwrap();
        assert!(failed.status().is_server_error(), "faults still apply to memoised reads");
    }
}
