//! Load benchmark: five sandboxes with a fixed added latency L, the gateway over them, and concurrent clients
//! over loopback. Prints requests/s, p50 and p99 for:
//! (a) `orders(first: 50)` across five backends, uncached;
//! (b) `order(id:)`, cached;
//! (c) `nodes` of 50 ids across backends, uncached;
//! (d) the same client calling one sandbox directly (VesuvioPay list of 50): the floor the gateway cannot beat;
//! (e) `orders(first: 50)` again, cached: the gateway's own cost of a page (merge, GraphQL, JSON), no decoding.
//!
//! The sandboxes memoise their reads ([`ordergraph::sandbox::Control::set_memoise`]): each answer is rendered
//! once and then served from its bytes, so the machine's two cores go to the gateway and the client rather
//! than to the simulators' JSON rendering (a real vendor renders on its own machines). Pass `--render 1` to
//! have them render every answer.
//!
//! Each backend allows `2 × clients` calls at once (`max_concurrency`), so the bound is not what is measured.
//!
//! The clients send with `reqwest`, each client task with a `reqwest::Client` of its own (its own connection
//! pool); `--reqwest 1` has all the tasks share one `reqwest::Client` instead.
//!
//! Each line also gives the CPU time per request of the whole process (client, gateway and sandboxes all run in
//! it), which moves less than requests/s when other tenants share the machine.
//!
//! With `--sweep 1`, (a) and (d) also run at 1, 2, 4, 8, 16 and 32 clients, side by side: where the gateway's
//! p50 leaves L + 5 ms shows how many concurrent clients the machine's cores carry within the latency targets.
//!
//! Run: `cargo run --release --example bench -- [--latency 20] [--clients 32] [--seconds 5] [--render 0|1]
//! [--only abcde] [--sweep 0|1] [--breakdown 0|1] [--bursts 0|1] [--jitter 0] [--reqwest 0|1]` (`--only` picks scenarios, e.g. `--only ad`).
//!
//! With `--bursts 1`, (a) and (d) also print whether their answers arrive in waves (see `print_bursts`);
//! `--jitter J` spreads every sandbox's latency evenly over L ± J ms, a diagnostic (the targets are for a fixed
//! L) of how much of the overhead comes from clients answered in step.
//!
//! Built with `RUSTFLAGS="--cfg tokio_unstable"` and `--features sched-metrics`, every scenario also prints the
//! runtime's scheduling per request (polls, wake-ups, and how long a woken task waits): see `support/sched.rs`.
//!
//! With `--breakdown 1`, (a) also asks for `backendResults { durationMs }` and prints where its time goes: the
//! slowest backend of each request as the engine timed it, the gateway's mean list call and mean GraphQL request
//! (from its `/metrics`), beside the client's latency.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ordergraph::backends::Registry;
use ordergraph::config::Config;
use ordergraph::demo::start_sandboxes;
use ordergraph::engine::Engine;
use ordergraph::sandbox::{SANDBOX_CREDENTIAL, SandboxKind, SandboxOptions};
use serde_json::{Value, json};
use tokio::net::TcpListener;

#[cfg(all(tokio_unstable, feature = "sched-metrics"))]
#[path = "support/sched.rs"]
mod sched;

/// The allocator the `ordergraph` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Args {
    latency_ms: u64,
    clients: usize,
    seconds: u64,
    render: bool,
    only: String,
    sweep: bool,
    breakdown: bool,
    bursts: bool,
    jitter_ms: u64,
    reqwest: bool,
}

fn args() -> Args {
    let mut args = Args {
        latency_ms: 20,
        clients: 32,
        seconds: 5,
        render: false,
        only: "abcde".into(),
        sweep: false,
        breakdown: false,
        bursts: false,
        jitter_ms: 0,
        reqwest: false,
    };
    let raw: Vec<String> = std::env::args().skip(1).collect();
    for pair in raw.chunks(2) {
        let value = pair.get(1).and_then(|v| v.parse::<u64>().ok());
        if pair[0] == "--only" {
            args.only = pair.get(1).cloned().unwrap_or_default();
            continue;
        }
        match (pair[0].as_str(), value) {
            ("--latency", Some(v)) => args.latency_ms = v,
            ("--clients", Some(v)) => args.clients = v as usize,
            ("--seconds", Some(v)) => args.seconds = v,
            ("--render", Some(v)) => args.render = v != 0,
            ("--sweep", Some(v)) => args.sweep = v != 0,
            ("--breakdown", Some(v)) => args.breakdown = v != 0,
            ("--bursts", Some(v)) => args.bursts = v != 0,
            ("--jitter", Some(v)) => args.jitter_ms = v,
            ("--reqwest", Some(v)) => args.reqwest = v != 0,
            _ => eprintln!("ignoring argument {:?}", pair[0]),
        }
    }
    args
}

async fn start_gateway(config: &Config) -> String {
    let registry = Registry::from_config(config).expect("registry");
    let engine = Arc::new(Engine::new(registry, config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/graphql", listener.local_addr().expect("addr"));
    let config = config.clone();
    tokio::spawn(async move {
        let _ = ordergraph::server::run(listener, engine, &config, std::future::pending()).await;
    });
    url
}

/// CPU time this process has used (user + system), from `/proc/self/stat`; `None` where there is no procfs.
/// Everything of a scenario runs in this process (client, gateway, sandboxes), so CPU per request is the whole
/// machine's cost of one request: steadier than requests/s on a shared machine, whose other tenants take cores.
fn cpu_time() -> Option<Cpu> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which ends with the last `)`): utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    // The kernel reports clock ticks of 1/100 s (USER_HZ) on every mainstream Linux.
    Some(Cpu {
        total: Duration::from_millis((user + system) * 10),
        system: Duration::from_millis(system * 10),
    })
}

/// CPU time used: in all, and the part spent in the kernel (loopback TCP, scheduling).
#[derive(Clone, Copy)]
struct Cpu {
    total: Duration,
    system: Duration,
}

/// One scenario's result: sorted latencies, wall time, and CPU time used (when known).
struct Outcome {
    latencies: Vec<Duration>,
    /// Per answer that carried `backendResults`, its slowest backend's `durationMs` (`--breakdown 1`).
    slowest_backend_ms: Vec<u64>,
    /// When each answer arrived, from the scenario's start, sorted.
    completions: Vec<Duration>,
    elapsed: Duration,
    cpu: Option<Cpu>,
}

/// One scenario: `clients` tasks send `make(i)` requests for `seconds`.
async fn run<F>(clients: usize, seconds: u64, make: F) -> Outcome
where
    F: Fn(&reqwest::Client, usize) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let client = reqwest::Client::builder().pool_max_idle_per_host(clients * 2).build().expect("client");
    let shared = REQWEST.load(Ordering::Relaxed);
    let make = Arc::new(make);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let cpu_before = cpu_time();
    #[cfg(all(tokio_unstable, feature = "sched-metrics"))]
    let sched_before = sched::Sched::now();
    let mut tasks = Vec::new();
    for task in 0..clients {
        // Unless shared (`--reqwest 1`), each task has a client and connections of its own.
        let client = if shared { client.clone() } else { reqwest::Client::new() };
        let make = make.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut slowest = Vec::new();
            let mut completions = Vec::new();
            let mut i = task;
            while Instant::now() < deadline {
                let t = Instant::now();
                let request = make(&client, i);
                let response = request.send().await.expect("request");
                let (status, body) = (response.status(), response.bytes().await.expect("body"));
                assert!(status.is_success(), "HTTP {status}: {}", String::from_utf8_lossy(&body));
                // A vectorised search: a byte-by-byte one cost the client more than a sandbox's whole answer.
                assert!(
                    memchr::memmem::find(&body, b"\"errors\":").is_none(),
                    "{}",
                    String::from_utf8_lossy(&body)
                );
                latencies.push(t.elapsed());
                completions.push(started.elapsed());
                if memchr::memmem::find(&body, b"\"durationMs\":").is_some()
                    && let Ok(answer) = serde_json::from_slice::<Value>(&body)
                    && let Some(results) =
                        answer.pointer("/data/orders/backendResults").and_then(Value::as_array)
                {
                    slowest.push(results.iter().filter_map(|r| r["durationMs"].as_u64()).max().unwrap_or(0));
                }
                i += clients;
            }
            (latencies, slowest, completions)
        }));
    }
    let (mut all, mut slowest_backend_ms, mut completions) = (Vec::new(), Vec::new(), Vec::new());
    for task in tasks {
        let (latencies, slowest, done) = task.await.expect("task");
        all.extend(latencies);
        slowest_backend_ms.extend(slowest);
        completions.extend(done);
    }
    completions.sort();
    slowest_backend_ms.sort();
    let elapsed = started.elapsed();
    let cpu = cpu_time().zip(cpu_before).map(|(after, before)| Cpu {
        total: after.total.saturating_sub(before.total),
        system: after.system.saturating_sub(before.system),
    });
    all.sort();
    #[cfg(all(tokio_unstable, feature = "sched-metrics"))]
    sched::Sched::now().print_since(&sched_before, all.len());
    Outcome { latencies: all, slowest_backend_ms, completions, elapsed, cpu }
}

fn report(name: &str, outcome: &Outcome) -> Duration {
    let latencies = &outcome.latencies;
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    let p50 = pct(0.50);
    let cpu = match outcome.cpu {
        Some(cpu) => format!(
            "{:>6.2} ms CPU/req ({:>2.0} % kernel)",
            cpu.total.as_secs_f64() * 1e3 / latencies.len() as f64,
            100.0 * cpu.system.as_secs_f64() / cpu.total.as_secs_f64().max(1e-9)
        ),
        None => String::new(),
    };
    println!(
        "{name:<44} {:>9.0} req/s   p50 {:>7.2} ms   p99 {:>7.2} ms   {cpu}   ({} requests)",
        latencies.len() as f64 / outcome.elapsed.as_secs_f64(),
        p50.as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        latencies.len()
    );
    p50
}

/// Whether answers arrive in waves (`--bursts 1`): answers counted per millisecond (after the first second),
/// their variance against their mean (equal for arrivals independent of each other, as in a Poisson stream),
/// and the autocorrelation of those counts at some lags. Clients that move in step, each waiting for the others'
/// work, show a variance well above the mean and a positive autocorrelation near the latency.
fn print_bursts(outcome: &Outcome) {
    let skip = Duration::from_secs(1);
    let Some(last) = outcome.completions.last().filter(|last| **last > skip + Duration::from_millis(100))
    else {
        return;
    };
    let mut counts = vec![0f64; (last.as_millis() - skip.as_millis()) as usize + 1];
    for done in outcome.completions.iter().filter(|d| **d >= skip) {
        counts[(done.as_millis() - skip.as_millis()) as usize] += 1.0;
    }
    let n = counts.len() as f64;
    let mean = counts.iter().sum::<f64>() / n;
    let variance = counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / n;
    let lags: Vec<String> = [1usize, 2, 5, 10, 15, 20, 25, 30, 35, 40, 50]
        .into_iter()
        .filter(|lag| *lag < counts.len())
        .map(|lag| {
            let pairs = counts.len() - lag;
            let covariance =
                (0..pairs).map(|i| (counts[i] - mean) * (counts[i + lag] - mean)).sum::<f64>() / pairs as f64;
            format!("{lag} ms {:+.2}", covariance / variance.max(1e-9))
        })
        .collect();
    println!(
        "    answers per ms: mean {mean:.2}, variance {variance:.2}; autocorrelation at {}",
        lags.join(", ")
    );
}

/// Where (a)'s time goes (`--breakdown 1`): per request, its slowest backend as the engine timed it (call and
/// splitting the body), against the client's latency; and from the gateway's `/metrics`, the mean list call
/// (request sent to body read) and the mean GraphQL request.
async fn print_breakdown(client: &reqwest::Client, graphql_url: &str, outcome: &Outcome) {
    let pct = |values: &[u64], p: f64| {
        values
            .get(((values.len() as f64 * p) as usize).min(values.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0)
    };
    let slowest = &outcome.slowest_backend_ms;
    let client_ms: Vec<u64> = outcome.latencies.iter().map(|l| l.as_millis() as u64).collect();
    println!(
        "    breakdown: slowest backend per request p50 {} ms p90 {} ms; client p50 {} ms p90 {} ms",
        pct(slowest, 0.5),
        pct(slowest, 0.9),
        pct(&client_ms, 0.5),
        pct(&client_ms, 0.9)
    );
    let metrics_url = graphql_url.replace("/graphql", "/metrics");
    let Ok(text) = client.get(&metrics_url).send().await.and_then(|r| r.error_for_status()) else { return };
    let Ok(text) = text.text().await else { return };
    let mut sums: Vec<(String, f64, f64)> = Vec::new();
    for line in text.lines() {
        let Some((series, value)) = line.rsplit_once(' ') else { continue };
        let Ok(value) = value.parse::<f64>() else { continue };
        for name in
            ["ordergraph_backend_call_duration_seconds", "ordergraph_graphql_request_duration_seconds"]
        {
            if let Some(labels) = series.strip_prefix(&format!("{name}_sum")) {
                sums.push((format!("{name}{labels}"), value, 0.0));
            } else if let Some(labels) = series.strip_prefix(&format!("{name}_count"))
                && let Some(entry) = sums.iter_mut().find(|(key, ..)| *key == format!("{name}{labels}"))
            {
                entry.2 = value;
            }
        }
    }
    for (series, sum, count) in sums.iter().filter(|(_, _, count)| *count >= 10.0) {
        let short = series.replace("ordergraph_", "").replace("_duration_seconds", "");
        println!("    {short}: mean {:.2} ms over {count}", sum / count * 1e3);
    }
}

/// Whether the client tasks share one `reqwest::Client` (`--reqwest 1`) rather than each having its own.
static REQWEST: AtomicBool = AtomicBool::new(false);

fn gql(client: &reqwest::Client, url: &str, query: &str, variables: Value) -> reqwest::RequestBuilder {
    client.post(url).json(&json!({ "query": query, "variables": variables }))
}

fn main() {
    // The gateway's own runtime settings (`server::runtime`), so that the benchmark measures what ships.
    #[cfg(not(all(tokio_unstable, feature = "sched-metrics")))]
    let runtime = ordergraph::server::runtime();
    #[cfg(all(tokio_unstable, feature = "sched-metrics"))]
    let runtime = sched::runtime();
    runtime.expect("runtime").block_on(bench());
}

async fn bench() {
    let args = args();
    REQWEST.store(args.reqwest, Ordering::Relaxed);
    let latency = Duration::from_millis(args.latency_ms);
    let options = SandboxOptions { orders: 500, seed: 1, latency };
    let stack = start_sandboxes(&SandboxKind::ALL, &options).await.expect("sandboxes");
    for sandbox in &stack.sandboxes {
        sandbox.control.set_memoise(!args.render);
        sandbox.control.set_jitter(Duration::from_millis(args.jitter_ms));
    }

    // Each of the 32 clients' `orders` needs one call to every backend at once; the default per-backend bound
    // (`max_concurrency = 8`) would queue them behind each other and measure the bound, not the gateway.
    let mut config = stack.config.clone();
    for backend in config.backends.values_mut() {
        backend.max_concurrency = backend.max_concurrency.max(2 * args.clients);
    }
    let stack_config = config;
    let mut uncached = stack_config.clone();
    uncached.cache.enabled = false;
    let uncached_url = start_gateway(&uncached).await;
    let cached_url = start_gateway(&stack_config).await;

    // Ids across every backend, for (b) and (c).
    let client = reqwest::Client::new();
    let listing: Value = gql(&client, &cached_url, "{ orders(first: 100) { nodes { id } } }", json!({}))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let ids: Vec<String> = listing["data"]["orders"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["id"].as_str().map(str::to_string))
        .collect();
    assert!(ids.len() >= 50, "need 50 ids, got {}: {listing}", ids.len());
    let ids = Arc::new(ids);

    println!(
        "ordergraph bench: 5 sandboxes ({}), added latency L = {} ms{}, {} concurrent {} clients, {} s per scenario",
        if args.render { "rendering every answer" } else { "memoised reads" },
        args.latency_ms,
        if args.jitter_ms > 0 { format!(" ± {} ms", args.jitter_ms) } else { String::new() },
        args.clients,
        if args.reqwest { "shared-reqwest" } else { "per-task-reqwest" },
        args.seconds
    );
    let orders_query = "{ orders(first: 50) { nodes { id number placedAt status { order payment fulfillment native } \
                        totals { total { amount currencyCode } } } } }";
    let breakdown_query = "{ orders(first: 50) { nodes { id number placedAt status { order payment fulfillment native } \
                           totals { total { amount currencyCode } } } backendResults { durationMs } } }";
    let only = |scenario: char| args.only.contains(scenario);
    let mut a = None;
    if only('a') {
        let url = uncached_url.clone();
        let query = if args.breakdown { breakdown_query } else { orders_query };
        let outcome = run(args.clients, args.seconds, move |c, _| gql(c, &url, query, json!({}))).await;
        a = Some(report("(a) orders(first: 50), 5 backends, uncached", &outcome));
        if args.bursts {
            print_bursts(&outcome);
        }
        if args.breakdown {
            print_breakdown(&client, &uncached_url, &outcome).await;
        }
    }

    if only('b') {
        let order_query = "query($id: ID!) { order(id: $id) { id number status { order } totals { total { amount } } \
                           lineItems { name quantity } } }";
        let url = cached_url.clone();
        let warm_ids = ids.clone();
        for id in warm_ids.iter() {
            let _ = gql(&client, &url, order_query, json!({ "id": id })).send().await;
        }
        report(
            "(b) order(id:), cached",
            &run(args.clients, args.seconds, move |c, i| {
                gql(c, &url, order_query, json!({ "id": warm_ids[i % warm_ids.len()] }))
            })
            .await,
        );
    }

    if only('c') {
        let nodes_query =
            "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Order { number status { order } } } }";
        let url = uncached_url.clone();
        let batch: Vec<String> = ids.iter().take(50).cloned().collect();
        report(
            "(c) nodes(50 ids across backends), uncached",
            &run(args.clients, args.seconds, move |c, _| gql(c, &url, nodes_query, json!({ "ids": batch })))
                .await,
        );
    }

    let mut d = None;
    if only('d') {
        let direct = format!(
            "{}/api/v1/orders?limit=50",
            stack.sandbox(SandboxKind::Vesuviopay).expect("vesuviopay sandbox").base_url
        );
        let outcome = run(args.clients, args.seconds, move |c, _| {
            c.get(&direct).header("X-Api-Key", SANDBOX_CREDENTIAL)
        })
        .await;
        d = Some(report("(d) one sandbox directly (VesuvioPay, 50)", &outcome));
        if args.bursts {
            print_bursts(&outcome);
        }
    }

    if only('e') {
        let url = cached_url.clone();
        report(
            "(e) orders(first: 50), 5 backends, cached",
            &run(args.clients, args.seconds, move |c, _| gql(c, &url, orders_query, json!({}))).await,
        );
    }

    if args.sweep {
        println!("sweep: (a) uncached orders(first: 50) and (d) one sandbox directly, by concurrent clients");
        let direct = format!(
            "{}/api/v1/orders?limit=50",
            stack.sandbox(SandboxKind::Vesuviopay).expect("vesuviopay sandbox").base_url
        );
        for clients in [1, 2, 4, 8, 16, 32] {
            let url = uncached_url.clone();
            let a = report(
                &format!("(a) {clients:>2} clients"),
                &run(clients, args.seconds, move |c, _| gql(c, &url, orders_query, json!({}))).await,
            );
            let direct = direct.clone();
            let d = report(
                &format!("(d) {clients:>2} clients"),
                &run(clients, args.seconds, move |c, _| {
                    c.get(&direct).header("X-Api-Key", SANDBOX_CREDENTIAL)
                })
                .await,
            );
            println!(
                "    {clients:>2} clients: overhead p50(a) - p50(d) {:.2} ms, p50(a) {} L + 5 ms",
                (a.as_secs_f64() - d.as_secs_f64()) * 1e3,
                if a <= latency + Duration::from_millis(5) { "within" } else { "above" }
            );
        }
    }

    if let (Some(a), Some(d)) = (a, d) {
        println!(
            "gateway overhead, p50(a) - p50(d): {:.2} ms (target < 5 ms); p50(a) vs L + 5 ms = {} ms",
            (a.as_secs_f64() - d.as_secs_f64()) * 1e3,
            args.latency_ms + 5
        );
    }
}
