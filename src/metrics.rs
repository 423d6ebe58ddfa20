//! Prometheus metrics with the `metrics` crate: one [`Metrics`] handle over a `PrometheusRecorder` of its own
//! (no global recorder), handed to the parts that record: the HTTP edge (GraphQL requests, requests in flight),
//! the engine (backend operations by backend, [`BackendOp`] and outcome), the engine's caches (lookups and
//! sizes) and the GraphQL layer (full orders an `orders` page loaded, by backend). `GET /metrics` renders it in the Prometheus text format.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use metrics::{Counter, Gauge, Histogram, Key, Label, Metadata, Recorder};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder};

/// GraphQL requests by operation and outcome (`ok`, `error`).
pub const GRAPHQL_REQUEST_SECONDS: &str = "ordergraph_graphql_request_duration_seconds";
/// Calls to backends by backend, operation ([`BackendOp`]) and outcome (`ok` or an error code).
pub const BACKEND_CALL_SECONDS: &str = "ordergraph_backend_call_duration_seconds";
/// Failed backend operations by backend, operation and code, a row of a page that does not decode included.
pub const BACKEND_ERRORS: &str = "ordergraph_backend_errors_total";
/// Cache lookups by cache (`order`, `list`) and result (`hit`, `miss`).
pub const CACHE_LOOKUPS: &str = "ordergraph_cache_lookups_total";
/// Entries held by each cache.
pub const CACHE_ENTRIES: &str = "ordergraph_cache_entries";
/// Full orders an `orders` page loaded, by backend (its list rows lacked a field the query reads): one
/// observation per page and backend.
pub const DETAIL_LOADS_PER_PAGE: &str = "ordergraph_detail_loads_per_page";
/// HTTP requests being served.
pub const IN_FLIGHT: &str = "ordergraph_http_requests_in_flight";
/// Always 1, labelled with the version.
pub const BUILD_INFO: &str = "ordergraph_build_info";

/// Most distinct GraphQL operation names kept as labels; beyond it (names come from clients) they count as
/// `other`, so a client cannot grow the series without bound.
pub const MAX_OPERATION_NAMES: usize = 200;

/// Buckets of [`DETAIL_LOADS_PER_PAGE`]: orders per page, up to the largest page (100).
const LOAD_BUCKETS: [f64; 8] = [0.0, 1.0, 5.0, 10.0, 20.0, 50.0, 75.0, 100.0];

/// Histogram buckets in seconds, cut at the request timeout (which is the last bucket).
const BUCKETS: [f64; 14] =
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// What a backend call does, the same words for every adapter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BackendOp {
    /// A page of orders (and the directory reads a page needs, such as Wix's tag names).
    List,
    /// One order by id.
    Get,
    /// Several orders by id in one call.
    GetMany,
    /// A change: status, cancel, tags, link.
    Mutate,
}

impl BackendOp {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            BackendOp::List => "list",
            BackendOp::Get => "get",
            BackendOp::GetMany => "get_many",
            BackendOp::Mutate => "mutate",
        }
    }
}

/// The process's metrics; cloning shares them.
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

struct Inner {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
    operations: Mutex<HashSet<String>>,
    in_flight: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new(crate::config::DEFAULT_REQUEST_TIMEOUT)
    }
}

/// Metadata for every metric (the recorder keeps none of it but the name).
static METADATA: Metadata<'static> = Metadata::new(module_path!(), metrics::Level::INFO, None);

impl Metrics {
    /// Metrics whose histogram buckets end at `request_timeout`, the longest a request or a call can take.
    pub fn new(request_timeout: Duration) -> Self {
        let timeout = request_timeout.as_secs_f64();
        let mut buckets: Vec<f64> = BUCKETS.iter().copied().filter(|b| *b < timeout).collect();
        buckets.push(timeout);
        let loads = Matcher::Full(DETAIL_LOADS_PER_PAGE.to_string());
        let recorder = match PrometheusBuilder::new()
            .set_buckets(&buckets)
            .and_then(|builder| builder.set_buckets_for_metric(loads, &LOAD_BUCKETS))
        {
            Ok(builder) => builder.build_recorder(),
            // Only an empty bucket list is refused, and neither is empty.
            Err(_) => PrometheusBuilder::new().build_recorder(),
        };
        let handle = recorder.handle();
        let in_flight = recorder.register_gauge(&Key::from_name(IN_FLIGHT), &METADATA);
        in_flight.set(0.0);
        let version = Label::new("version", env!("CARGO_PKG_VERSION"));
        recorder.register_gauge(&Key::from_parts(BUILD_INFO, vec![version]), &METADATA).set(1.0);
        Metrics { inner: Arc::new(Inner { recorder, handle, operations: Mutex::default(), in_flight }) }
    }

    fn histogram(&self, name: &'static str, labels: Vec<Label>) -> Histogram {
        self.inner.recorder.register_histogram(&Key::from_parts(name, labels), &METADATA)
    }

    fn counter(&self, name: &'static str, labels: Vec<Label>) -> Counter {
        self.inner.recorder.register_counter(&Key::from_parts(name, labels), &METADATA)
    }

    /// Records one GraphQL request: operation name (or `anonymous`) and outcome (`ok`, `error`).
    pub fn graphql_request(&self, operation: &str, outcome: &'static str, duration: Duration) {
        let operation = self.operation_label(operation);
        let labels = vec![Label::new("operation", operation), Label::new("outcome", outcome)];
        self.histogram(GRAPHQL_REQUEST_SECONDS, labels).record(duration.as_secs_f64());
    }

    /// `operation` when it is known or there is room for it, else `other`.
    fn operation_label(&self, operation: &str) -> String {
        let mut seen = self.inner.operations.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.contains(operation) {
            return operation.to_string();
        }
        if seen.len() < MAX_OPERATION_NAMES {
            seen.insert(operation.to_string());
            return operation.to_string();
        }
        "other".to_string()
    }

    /// Records one backend call: backend name, what it did, outcome (`ok` or an error code such as
    /// `BACKEND_ERROR` for a payload that does not decode).
    pub fn backend_call(&self, backend: &str, op: BackendOp, outcome: &'static str, duration: Duration) {
        let labels = vec![
            Label::new("backend", backend.to_string()),
            Label::new("operation", op.as_str()),
            Label::new("outcome", outcome),
        ];
        self.histogram(BACKEND_CALL_SECONDS, labels).record(duration.as_secs_f64());
    }

    /// Counts a failed backend operation: the call failed, or what it answered (a page's row, say) does not
    /// decode.
    pub fn backend_error(&self, backend: &str, op: BackendOp, code: &'static str) {
        let labels = vec![
            Label::new("backend", backend.to_string()),
            Label::new("operation", op.as_str()),
            Label::new("code", code),
        ];
        self.counter(BACKEND_ERRORS, labels).increment(1);
    }

    /// Records how many full orders one `orders` page loaded from `backend` (orders whose list row lacked a
    /// field the query reads; each is a backend call unless the order cache holds it).
    pub fn detail_loads(&self, backend: &str, loads: usize) {
        let labels = vec![Label::new("backend", backend.to_string())];
        self.histogram(DETAIL_LOADS_PER_PAGE, labels).record(loads as f64);
    }

    /// Counts a lookup in `cache` (`order`, `list`) that hit or missed.
    pub fn cache_lookup(&self, cache: &'static str, hit: bool) {
        let labels = vec![Label::new("cache", cache), Label::new("result", if hit { "hit" } else { "miss" })];
        self.counter(CACHE_LOOKUPS, labels).increment(1);
    }

    /// Sets how many entries `cache` holds.
    pub fn cache_entries(&self, cache: &'static str, entries: u64) {
        let gauge = self
            .inner
            .recorder
            .register_gauge(&Key::from_parts(CACHE_ENTRIES, vec![Label::new("cache", cache)]), &METADATA);
        gauge.set(entries as f64);
    }

    /// Counts a request in flight until the guard is dropped.
    pub fn request_started(&self) -> InFlight {
        self.inner.in_flight.increment(1.0);
        InFlight { gauge: self.inner.in_flight.clone() }
    }

    /// The metrics in the Prometheus text format.
    pub fn render(&self) -> String {
        self.inner.handle.render()
    }
}

/// A request in flight ([`Metrics::request_started`]); dropping it ends the count.
#[derive(Debug)]
pub struct InFlight {
    gauge: Gauge,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.gauge.decrement(1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Each kind of observation is rendered with its labels; the buckets end at the request timeout.
    #[test]
    fn renders_what_was_recorded() {
        let metrics = Metrics::new(Duration::from_secs(15));
        metrics.graphql_request("Orders", "ok", Duration::from_millis(3));
        metrics.backend_call("shop", BackendOp::List, "ok", Duration::from_millis(30));
        metrics.backend_call("shop", BackendOp::Get, "BACKEND_ERROR", Duration::from_millis(2));
        metrics.backend_error("shop", BackendOp::List, "BACKEND_ERROR");
        metrics.cache_lookup("order", true);
        metrics.cache_entries("order", 7);
        metrics.detail_loads("shop", 3);
        let text = metrics.render();
        assert!(text.contains(r#"ordergraph_build_info{version=""#), "{text}");
        assert!(
            text.contains(r#"ordergraph_backend_call_duration_seconds_count{backend="shop",operation="list",outcome="ok"} 1"#),
            "{text}"
        );
        assert!(text.contains(r#"outcome="BACKEND_ERROR""#), "{text}");
        assert!(
            text.contains(
                r#"ordergraph_backend_errors_total{backend="shop",operation="list",code="BACKEND_ERROR"} 1"#
            ),
            "{text}"
        );
        assert!(text.contains(r#"ordergraph_cache_lookups_total{cache="order",result="hit"} 1"#), "{text}");
        assert!(text.contains(r#"ordergraph_cache_entries{cache="order"} 7"#), "{text}");
        assert!(text.contains(r#"le="15""#), "the last bucket is the timeout: {text}");
        let loads = r#"ordergraph_detail_loads_per_page_bucket{backend="shop",le="5"} 1"#;
        assert!(text.contains(loads), "loads have buckets of their own: {text}");
        assert!(!text.contains(r#"ordergraph_detail_loads_per_page_bucket{backend="shop",le="0.001"}"#));
        assert!(!text.contains(r#"le="30""#), "no bucket beyond the timeout: {text}");
    }

    // Client-chosen operation names cannot grow the series without bound; the in-flight gauge follows guards.
    #[test]
    fn operation_names_are_bounded_and_in_flight_counts() {
        let metrics = Metrics::default();
        for i in 0..(MAX_OPERATION_NAMES + 50) {
            metrics.graphql_request(&format!("op{i}"), "ok", Duration::from_millis(1));
        }
        let text = metrics.render();
        assert!(text.contains(r#"operation="other""#), "{text}");
        assert!(!text.contains(&format!(r#"operation="op{}""#, MAX_OPERATION_NAMES + 10)));
        let guard = metrics.request_started();
        assert!(metrics.render().contains("ordergraph_http_requests_in_flight 1"));
        drop(guard);
        assert!(metrics.render().contains("ordergraph_http_requests_in_flight 0"));
    }
}
