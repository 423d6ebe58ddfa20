//! The runtime's scheduling per request, for diagnosis only. Built when the benchmark is compiled with
//! `RUSTFLAGS="--cfg tokio_unstable"` and `--features sched-metrics` (tokio's `schedule-latency`):
//!
//! ```sh
//! RUSTFLAGS="--cfg tokio_unstable" cargo run --release --features sched-metrics --example bench -- --only ad
//! ```
//!
//! Each scenario then also prints, per request: task polls, wake-ups scheduled on a worker, tasks spawned, I/O
//! readiness events, worker busy time, and how long a woken task waited before a worker polled it (the
//! schedule latency: its mean and percentiles). A request's latency under load is roughly the number of
//! run-queue trips on its critical path times that wait.

use std::time::Duration;

use tokio::runtime::{Handle, HistogramConfiguration, Runtime};

/// The gateway's runtime ([`ordergraph::server::runtime`]'s settings) with the schedule-latency histogram on.
pub fn runtime() -> std::io::Result<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .event_interval(ordergraph::server::EVENT_INTERVAL)
        .enable_metrics_schedule_latency_histogram()
        .metrics_schedule_latency_histogram_configuration(HistogramConfiguration::linear(
            Duration::from_micros(50),
            200,
        ))
        .build()
}

/// The runtime's counters at one instant.
pub struct Sched {
    polls: u64,
    local: u64,
    spawned: u64,
    io: u64,
    busy: Duration,
    latency: Vec<u64>,
}

impl Sched {
    /// The counters now, summed over the workers.
    pub fn now() -> Sched {
        let m = Handle::current().metrics();
        let workers = 0..m.num_workers();
        let sum = |f: &dyn Fn(usize) -> u64| workers.clone().map(f).sum::<u64>();
        Sched {
            polls: sum(&|w| m.worker_poll_count(w)),
            local: sum(&|w| m.worker_local_schedule_count(w)),
            spawned: m.spawned_tasks_count(),
            io: m.io_driver_ready_count(),
            busy: workers.clone().map(|w| m.worker_total_busy_duration(w)).sum(),
            latency: (0..m.schedule_latency_histogram_num_buckets())
                .map(|b| sum(&|w| m.schedule_latency_histogram_bucket_count(w, b)))
                .collect(),
        }
    }

    /// Prints what happened since `before`, per request of the `requests` answered.
    pub fn print_since(&self, before: &Sched, requests: usize) {
        let m = Handle::current().metrics();
        let n = requests.max(1) as f64;
        let per = |now: u64, then: u64| now.saturating_sub(then) as f64 / n;
        let counts: Vec<u64> =
            self.latency.iter().zip(&before.latency).map(|(now, then)| now.saturating_sub(*then)).collect();
        let total: u64 = counts.iter().sum();
        // A bucket's midpoint stands for its samples; the last bucket (open-ended) counts at its start + 50 µs.
        let mean = counts
            .iter()
            .enumerate()
            .map(|(b, c)| {
                let range = m.schedule_latency_histogram_bucket_range(b);
                let end = range.end.min(range.start + Duration::from_micros(100));
                *c as f64 * (range.start + end).as_secs_f64() / 2.0
            })
            .sum::<f64>()
            / total.max(1) as f64;
        let percentile = |p: f64| {
            let mut seen = 0;
            for (b, c) in counts.iter().enumerate() {
                seen += c;
                if seen as f64 >= p * total as f64 {
                    return format!("{:?}", m.schedule_latency_histogram_bucket_range(b).end);
                }
            }
            "-".into()
        };
        println!(
            "    scheduling per request: {:.1} polls, {:.1} wake-ups, {:.1} spawned, {:.1} I/O events, {:.2} ms busy; \
             a woken task waited {:.0} µs mean, p50 < {}, p90 < {}, p99 < {}",
            per(self.polls, before.polls),
            per(self.local, before.local),
            per(self.spawned, before.spawned),
            per(self.io, before.io),
            self.busy.saturating_sub(before.busy).as_secs_f64() * 1e3 / n,
            mean * 1e6,
            percentile(0.5),
            percentile(0.9),
            percentile(0.99)
        );
    }
}
