//! The tables the benchmark prints: one row per scenario and gateway, the ratio of two gateways' figures, and
//! the mean of several rounds.

use std::time::Duration;

use crate::load::Figures;

/// The column titles.
pub fn header() {
    println!(
        "{:<34} {:>9} {:>9} {:>9} {:>15} {:>15} {:>9}",
        "", "req/s", "p50 ms", "p99 ms", "gateway CPU/req", "sandboxes CPU", "requests"
    );
}

/// A row of figures under `label`.
pub fn row(label: &str, figures: &Figures) {
    println!(
        "{label:<34} {:>9.0} {:>9.2} {:>9.2} {:>15} {:>15} {:>9}",
        figures.per_second,
        millis(figures.p50),
        millis(figures.p99),
        micros(figures.gateway_cpu),
        micros(figures.sandbox_cpu),
        figures.requests
    );
}

/// The ratio of each figure of `new` to `old`'s (above 1: `new` answers more, is slower or costs more).
pub fn ratio(label: &str, new: &Figures, old: &Figures) {
    let cpu = |new: Option<Duration>, old: Option<Duration>| match (new, old) {
        (Some(new), Some(old)) if !old.is_zero() => format!("{:.2}", new.as_secs_f64() / old.as_secs_f64()),
        _ => "-".into(),
    };
    println!(
        "{label:<34} {:>9.2} {:>9.2} {:>9.2} {:>15} {:>15}",
        new.per_second / old.per_second,
        millis(new.p50) / millis(old.p50),
        millis(new.p99) / millis(old.p99),
        cpu(new.gateway_cpu, old.gateway_cpu),
        cpu(new.sandbox_cpu, old.sandbox_cpu)
    );
}

/// The mean of each figure over rounds (requests summed); CPU only when every round has it.
pub fn mean(rounds: &[Figures]) -> Option<Figures> {
    let n = rounds.len() as f64;
    let average = |f: fn(&Figures) -> Duration| rounds.iter().map(|r| f(r).as_secs_f64()).sum::<f64>() / n;
    let average_cpu = |f: fn(&Figures) -> Option<Duration>| {
        let all: Option<Vec<Duration>> = rounds.iter().map(f).collect();
        all.map(|all| Duration::from_secs_f64(all.iter().map(Duration::as_secs_f64).sum::<f64>() / n))
    };
    (!rounds.is_empty()).then(|| Figures {
        requests: rounds.iter().map(|r| r.requests).sum(),
        per_second: rounds.iter().map(|r| r.per_second).sum::<f64>() / n,
        p50: Duration::from_secs_f64(average(|r| r.p50)),
        p99: Duration::from_secs_f64(average(|r| r.p99)),
        gateway_cpu: average_cpu(|r| r.gateway_cpu),
        sandbox_cpu: average_cpu(|r| r.sandbox_cpu),
    })
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn micros(cpu: Option<Duration>) -> String {
    cpu.map(|cpu| format!("{:.0} µs", cpu.as_secs_f64() * 1e6)).unwrap_or_else(|| "-".into())
}
