//! Prometheus metrics: request counts and latency histograms per GraphQL operation and per backend call,
//! cache hits and misses. A small hand-rolled registry (a few label sets, fixed buckets) rendered as the
//! Prometheus text format at `GET /metrics`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// Histogram bucket bounds, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum_micros: u64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, duration: Duration) {
        let secs = duration.as_secs_f64();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                self.counts[i] += 1;
            }
        }
        self.sum_micros += duration.as_micros() as u64;
        self.count += 1;
    }
}

/// Label values and their histogram. A short list scanned by `&str` comparison: the label sets are few, and
/// a hit costs no allocation (a map keyed by owned strings would allocate the key on every observation).
type Series<const N: usize> = Vec<([String; N], Histogram)>;

/// Most label sets kept per metric; beyond it (operation names come from clients) they count as `other`.
const MAX_SERIES: usize = 200;

fn observe<const N: usize>(series: &Mutex<Series<N>>, labels: [&str; N], duration: Duration) {
    let mut series = lock(series);
    let labels = if series.len() >= MAX_SERIES
        && !series.iter().any(|(l, _)| l.iter().zip(&labels).all(|(a, b)| a == b))
    {
        ["other"; N]
    } else {
        labels
    };
    match series.iter_mut().find(|(l, _)| l.iter().zip(labels.iter()).all(|(a, b)| a == b)) {
        Some((_, h)) => h.observe(duration),
        None => {
            let mut h = Histogram::default();
            h.observe(duration);
            series.push((labels.map(str::to_string), h));
        }
    }
}

/// The process's metrics.
#[derive(Default)]
pub struct Metrics {
    graphql: Mutex<Series<2>>,
    backend: Mutex<Series<3>>,
    cache: Mutex<BTreeMap<(String, String), u64>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The process-wide metrics.
pub fn global() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(Metrics::default)
}

impl Metrics {
    /// Records one GraphQL request: operation name (or `anonymous`) and outcome (`ok`, `error`).
    pub fn graphql_request(&self, operation: &str, outcome: &str, duration: Duration) {
        observe(&self.graphql, [operation, outcome], duration);
    }

    /// Records one backend call: backend name, operation (`list`, `get`, `cancel`, …), outcome (`ok` or an
    /// error code).
    pub fn backend_call(&self, backend: &str, operation: &str, outcome: &str, duration: Duration) {
        observe(&self.backend, [backend, operation, outcome], duration);
    }

    /// Counts a cache lookup in `cache` (`order`, `list`) that hit or missed.
    pub fn cache_lookup(&self, cache: &str, hit: bool) {
        *lock(&self.cache)
            .entry((cache.to_string(), if hit { "hit" } else { "miss" }.to_string()))
            .or_default() += 1;
    }

    /// The metrics in Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP ordergraph_graphql_request_duration_seconds GraphQL requests by operation and outcome.\n",
        );
        out.push_str("# TYPE ordergraph_graphql_request_duration_seconds histogram\n");
        let mut graphql = lock(&self.graphql).iter().map(|(l, h)| (l.clone(), h.clone())).collect::<Vec<_>>();
        graphql.sort_by(|a, b| a.0.cmp(&b.0));
        for ([op, outcome], h) in &graphql {
            let labels = format!("operation=\"{}\",outcome=\"{}\"", escape(op), escape(outcome));
            render_histogram(&mut out, "ordergraph_graphql_request_duration_seconds", &labels, h);
        }
        out.push_str("# HELP ordergraph_backend_call_duration_seconds Calls to backends by backend, operation and outcome.\n");
        out.push_str("# TYPE ordergraph_backend_call_duration_seconds histogram\n");
        let mut backend = lock(&self.backend).iter().map(|(l, h)| (l.clone(), h.clone())).collect::<Vec<_>>();
        backend.sort_by(|a, b| a.0.cmp(&b.0));
        for ([backend, op, outcome], h) in &backend {
            let labels = format!(
                "backend=\"{}\",operation=\"{}\",outcome=\"{}\"",
                escape(backend),
                escape(op),
                escape(outcome)
            );
            render_histogram(&mut out, "ordergraph_backend_call_duration_seconds", &labels, h);
        }
        out.push_str("# HELP ordergraph_cache_lookups_total Cache lookups by cache and result.\n");
        out.push_str("# TYPE ordergraph_cache_lookups_total counter\n");
        for ((cache, result), n) in lock(&self.cache).iter() {
            let _ =
                writeln!(out, "ordergraph_cache_lookups_total{{cache=\"{cache}\",result=\"{result}\"}} {n}");
        }
        out
    }
}

fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn render_histogram(out: &mut String, name: &str, labels: &str, h: &Histogram) {
    for (bound, count) in BUCKETS.iter().zip(h.counts.iter()) {
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {count}");
    }
    let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", h.count);
    let _ = writeln!(out, "{name}_sum{{{labels}}} {}", h.sum_micros as f64 / 1e6);
    let _ = writeln!(out, "{name}_count{{{labels}}} {}", h.count);
}

#[cfg(test)]
mod tests {
    use super::*;

    // Observations land in their label set; client-chosen operation names cannot grow the series without bound.
    #[test]
    fn series_are_bounded() {
        let metrics = Metrics::default();
        for i in 0..(MAX_SERIES + 50) {
            metrics.graphql_request(&format!("op{i}"), "ok", Duration::from_millis(3));
        }
        metrics.backend_call("shop", "list", "ok", Duration::from_millis(30));
        metrics.cache_lookup("order", true);
        let text = metrics.render();
        assert!(text.contains("operation=\"other\",outcome=\"other\""));
        assert!(text.contains("ordergraph_backend_call_duration_seconds_count{backend=\"shop\",operation=\"list\",outcome=\"ok\"} 1"));
        assert!(text.contains("ordergraph_cache_lookups_total{cache=\"order\",result=\"hit\"} 1"));
        assert_eq!(lock(&metrics.graphql).len(), MAX_SERIES + 1);
    }
}
