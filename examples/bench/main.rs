//! Load benchmark of the gateway, in three kinds of process, as it runs in production: the five sandboxes in
//! one process (this executable again, `bench sandboxes`), the gateway in another (the real `ordergraph`
//! binary, `serve --config FILE`, with a generated config), and the load from this one. For each scenario it
//! prints requests/s, p50, p99, and the CPU time per request of the gateway process (and of the sandboxes):
//! (a) `orders(first: 50)` over five backends, uncached;
//! (b) `order(id:)` over 100 ids across backends, cached;
//! (c) `nodes` of 50 ids across backends, uncached;
//! (d) the same client calling one sandbox directly (a VesuvioPay list of 50): the floor the gateway cannot beat;
//! (e) a VesuvioPay page of 50 reading e-mails and totals, uncached (its list rows carry them: one list call).
//!
//! Every sandbox waits L ms before answering (`--latency`) and memoises its reads
//! ([`ordergraph::sandbox::Control::set_memoise`]): each answer is rendered once and then served from its bytes,
//! so the machine's cores go to the gateway and the client rather than to the simulators (a real vendor renders
//! on its own machines). Each gateway build runs as two processes over the same sandboxes: one with
//! `[cache] enabled = false` for (a) and (c), one with the cache on (`order_ttl = "1h"`) for (b), whose warm-up
//! fills the cache. Each backend allows `2 × clients` calls at once, so that the bound is not what is measured.
//!
//! CPU time comes from `/proc/<pid>/stat` (user + system, all threads), read when the measured window opens and
//! when it closes: it moves less than requests/s when other tenants share the machine.
//!
//! Run: `cargo run --release --example bench -- [--latency 20] [--clients 32] [--seconds 5] [--only abcde]
//! [--gateway PATH] [--compare PATH] [--rounds N]`. The gateway is this build's `ordergraph` binary (built first,
//! with the same profile, next to `target/<profile>/examples/`), or the one at `--gateway`. With `--compare
//! OLD`, each scenario runs on both gateways side by side, `--rounds` times (2 by default), the first to go
//! alternating from round to round; each round prints its table and the ratio new/old of every figure, and the
//! last table is the mean over the rounds.

mod load;
mod procs;
mod report;
mod soak;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use clap::{Args, Parser, Subcommand};
use ordergraph::demo::start_sandboxes;
use ordergraph::sandbox::{SANDBOX_CREDENTIAL, SandboxKind, SandboxOptions};
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

use load::{Figures, Load, MakeRequest, graphql_body, measure};
use procs::{BoxError, Gateway, WorkDir, start_gateway};

/// The allocator the `ordergraph` binary uses: the load client and the sandboxes cost less CPU with it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Load benchmark: sandboxes, gateway and load in separate processes.
#[derive(Parser)]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    role: Option<Role>,
    #[command(flatten)]
    options: Options,
}

#[derive(Subcommand)]
enum Role {
    /// The sandboxes process: starts the five sandboxes (500 orders each, memoised), prints their base URLs as
    /// one JSON line, and serves until its stdin closes.
    #[command(hide = true)]
    Sandboxes {
        /// Milliseconds each sandbox waits before answering.
        #[arg(long)]
        latency: u64,
    },
}

#[derive(Args)]
struct Options {
    /// Milliseconds each sandbox waits before answering (L).
    #[arg(long, default_value_t = 20)]
    latency: u64,
    /// Concurrent clients.
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// Measured seconds per scenario (after a 1 s warm-up).
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Scenarios to run, e.g. `ad`.
    #[arg(long, default_value = "abcde")]
    only: String,
    /// The `ordergraph` binary to measure (default: this build's, built first).
    #[arg(long)]
    gateway: Option<PathBuf>,
    /// Another `ordergraph` binary to measure side by side with the first (e.g. an older commit's).
    #[arg(long)]
    compare: Option<PathBuf>,
    /// Rounds (default: 2 with `--compare`, else 1).
    #[arg(long)]
    rounds: Option<usize>,
    /// Instead of the scenarios, a soak of this many seconds: memory against the budgets (see `soak.rs`).
    #[arg(long)]
    soak: Option<u64>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("bench: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = match cli.role {
        Some(Role::Sandboxes { latency }) => runtime.block_on(serve_sandboxes(latency)),
        // On Ctrl-C the benchmark is dropped, and with it every child process.
        None => runtime.block_on(async {
            tokio::select! {
                outcome = bench(cli.options) => outcome,
                _ = tokio::signal::ctrl_c() => Err("interrupted".into()),
            }
        }),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bench: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The sandboxes process: see [`Role::Sandboxes`].
async fn serve_sandboxes(latency: u64) -> Result<(), BoxError> {
    let options = SandboxOptions { orders: 500, seed: 1, latency: Duration::from_millis(latency) };
    let stack = start_sandboxes(&SandboxKind::ALL, &options).await?;
    let mut urls = serde_json::Map::new();
    for sandbox in &stack.sandboxes {
        sandbox.control.set_memoise(true);
        urls.insert(sandbox.kind.as_str().into(), sandbox.base_url.clone().into());
    }
    println!("{}", Value::Object(urls));
    // The benchmark holds the other end of stdin: its end, however it comes, is this process's end.
    tokio::task::spawn_blocking(|| std::io::copy(&mut std::io::stdin(), &mut std::io::sink())).await??;
    Ok(())
}

/// The scenarios: letter, title, and whether a gateway serves it (else the sandbox directly).
const SCENARIOS: [(char, &str); 5] = [
    ('a', "(a) orders(first: 50), uncached"),
    ('b', "(b) order(id:), cached"),
    ('c', "(c) nodes of 50 ids, uncached"),
    ('d', "(d) VesuvioPay list of 50, direct"),
    ('e', "(e) VesuvioPay page of 50 with e-mails and totals, uncached"),
];

const ORDERS_QUERY: &str = "{ orders(first: 50) { nodes { id number placedAt \
                            status { order payment fulfillment native } totals { total { amount currencyCode } } } } }";
const ORDER_QUERY: &str = "query($id: ID!) { order(id: $id) { id number status { order } \
                           totals { total { amount } } lineItems { name quantity } } }";
const ROW_FIELDS_QUERY: &str = "{ orders(first: 50, filter: {backends: [\"vesuviopay\"]}) { nodes { id number \
                                customer { email } totals { subtotal { amount } total { amount currencyCode } } } } }";
const NODES_QUERY: &str =
    "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Order { number status { order } } } }";

/// One gateway binary under test and its processes (an uncached and a cached one, as the scenarios need).
struct Build {
    /// `new` (`--gateway`, or this build) or `old` (`--compare`).
    label: &'static str,
    binary: PathBuf,
    uncached: Option<Gateway>,
    cached: Option<Gateway>,
}

impl Build {
    /// The gateway process that serves scenario `letter`.
    fn gateway(&self, letter: char) -> Option<&Gateway> {
        if letter == 'b' { self.cached.as_ref() } else { self.uncached.as_ref() }
    }
}

async fn bench(options: Options) -> Result<(), BoxError> {
    if let Some(seconds) = options.soak {
        let binary = match &options.gateway {
            Some(path) => path.clone(),
            None => this_build()?,
        };
        return soak::soak(&binary, seconds, options.latency).await;
    }
    let selected: Vec<(char, &str)> =
        SCENARIOS.iter().copied().filter(|(letter, _)| options.only.contains(*letter)).collect();
    if selected.is_empty() {
        return Err(format!("--only {:?} picks no scenario (letters a to e)", options.only).into());
    }
    let needs = |letters: &str| selected.iter().any(|(letter, _)| letters.contains(*letter));
    let rounds = options.rounds.unwrap_or(if options.compare.is_some() { 2 } else { 1 }).max(1);
    let new = match &options.gateway {
        Some(path) => path.clone(),
        None => this_build()?,
    };
    let mut binaries = vec![("new", new)];
    if let Some(old) = &options.compare {
        binaries.push(("old", old.clone()));
    }

    // Declared first, dropped last: the processes go before their folder.
    let dir = WorkDir::create()?;
    let sandboxes = procs::start_sandboxes(options.latency)?;
    let mut builds = Vec::new();
    for (label, binary) in binaries {
        let mut build = Build { label, binary, uncached: None, cached: None };
        if needs("ac") {
            build.uncached = Some(
                start_gateway(
                    &build.binary,
                    &format!("{label}-uncached"),
                    &dir.0,
                    &sandboxes.urls,
                    false,
                    options.clients,
                )
                .await?,
            );
        }
        if needs("b") {
            build.cached = Some(
                start_gateway(
                    &build.binary,
                    &format!("{label}-cached"),
                    &dir.0,
                    &sandboxes.urls,
                    true,
                    options.clients,
                )
                .await?,
            );
        }
        builds.push(build);
    }

    let client = reqwest::Client::builder().timeout(Duration::from_secs(60)).build()?;
    let ids = match builds.first().and_then(|b| b.uncached.as_ref().or(b.cached.as_ref())) {
        Some(gateway) if needs("bc") => order_ids(&client, &gateway.url).await?,
        _ => Vec::new(),
    };
    let direct = format!(
        "{}/api/v1/orders?limit=50",
        sandboxes.urls.get("vesuviopay").ok_or("the sandboxes process started no vesuviopay sandbox")?
    );
    let (ticks_per_second, ticks_source) = procs::clock_ticks();
    let load = Load {
        clients: options.clients,
        warm_up: Duration::from_secs(1),
        window: Duration::from_secs(options.seconds),
        ticks_per_second,
    };

    println!(
        "ordergraph bench: 5 sandboxes in one process (memoised reads, L = {} ms), {} concurrent clients, \
         1 s warm-up + {} s per scenario, {rounds} round(s)",
        options.latency, options.clients, options.seconds
    );
    println!(
        "CPU per request from /proc/<pid>/stat at {ticks_per_second} ticks/s ({ticks_source}): the gateway process, \
         and the sandboxes process (pid {})",
        sandboxes.process.pid()
    );
    for build in &builds {
        println!("{:<4}= {}", build.label, build.binary.display());
    }

    let mut figures: Vec<(char, &str, Figures)> = Vec::new();
    for round in 0..rounds {
        println!("\nround {} of {rounds}", round + 1);
        report::header();
        let mut order: Vec<&Build> = builds.iter().collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for (letter, title) in &selected {
            println!("{title}");
            if *letter == 'd' {
                let make = get(direct.clone());
                let outcome = measure(&client, make, false, load, None, sandboxes.process.pid()).await?;
                report::row("  direct", &outcome);
                figures.push(('d', "direct", outcome));
                continue;
            }
            let mut this_round = Vec::new();
            for build in &order {
                let gateway = build.gateway(*letter).ok_or("no gateway for the scenario")?;
                let make = scenario_request(*letter, &gateway.url, &ids)?;
                let pid = Some(gateway.process.pid());
                let outcome = measure(&client, make, true, load, pid, sandboxes.process.pid()).await?;
                report::row(&format!("  {}", build.label), &outcome);
                figures.push((*letter, build.label, outcome));
                this_round.push((build.label, outcome));
            }
            print_ratio(&this_round);
        }
    }

    if rounds > 1 {
        println!("\nmean of {rounds} rounds");
        report::header();
        for (letter, title) in &selected {
            println!("{title}");
            let mut means = Vec::new();
            let labels: &[&str] = if *letter == 'd' { &["direct"] } else { &["new", "old"] };
            for label in labels {
                let of_label: Vec<Figures> =
                    figures.iter().filter(|f| f.0 == *letter && f.1 == *label).map(|f| f.2).collect();
                if let Some(mean) = report::mean(&of_label) {
                    report::row(&format!("  {label}"), &mean);
                    means.push((*label, mean));
                }
            }
            print_ratio(&means);
        }
    }
    Ok(())
}

/// The ratio new/old of a scenario's figures, when both gateways ran it.
fn print_ratio(figures: &[(&str, Figures)]) {
    let find = |label: &str| figures.iter().find(|f| f.0 == label).map(|f| f.1);
    if let (Some(new), Some(old)) = (find("new"), find("old")) {
        report::ratio("  new/old", &new, &old);
    }
}

/// The requests of gateway scenario `letter` against `url`: (a) one page of orders; (b) `order(id:)` over every
/// id in turn; (c) `nodes` of the first 50 ids; (e) a VesuvioPay page reading fields its list rows carry.
fn scenario_request(letter: char, url: &str, ids: &[String]) -> Result<MakeRequest, BoxError> {
    let bodies = match letter {
        'a' => vec![graphql_body(ORDERS_QUERY, json!({}))],
        'b' => ids.iter().map(|id| graphql_body(ORDER_QUERY, json!({ "id": id }))).collect(),
        'c' => vec![graphql_body(NODES_QUERY, json!({ "ids": ids.iter().take(50).collect::<Vec<_>>() }))],
        'e' => vec![graphql_body(ROW_FIELDS_QUERY, json!({}))],
        _ => Vec::new(),
    };
    if bodies.is_empty() {
        return Err(format!("scenario {letter} has no request").into());
    }
    Ok(post(url.to_string(), bodies))
}

/// POSTs of JSON `bodies` to `url`, the `i`-th request sending body `i mod n`.
fn post(url: String, bodies: Vec<Bytes>) -> MakeRequest {
    Arc::new(move |client, i| {
        client.post(&url).header(CONTENT_TYPE, "application/json").body(bodies[i % bodies.len()].clone())
    })
}

/// GETs of `url` with the sandbox credential, as a VesuvioPay client sends them.
fn get(url: String) -> MakeRequest {
    Arc::new(move |client, _| client.get(&url).header("X-Api-Key", SANDBOX_CREDENTIAL))
}

/// Ids of 100 orders across every backend (the first page of 100 of the merged list), for (b) and (c).
async fn order_ids(client: &reqwest::Client, url: &str) -> Result<Vec<String>, BoxError> {
    let body = graphql_body("{ orders(first: 100) { nodes { id } } }", json!({}));
    let response = client.post(url).header(CONTENT_TYPE, "application/json").body(body).send().await?;
    let listing: Value = response.json().await?;
    let ids: Vec<String> = listing
        .pointer("/data/orders/nodes")
        .and_then(Value::as_array)
        .map(|nodes| nodes.iter().filter_map(|n| n["id"].as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    if ids.len() < 50 {
        return Err(format!("need 50 order ids, the gateway listed {}: {listing}", ids.len()).into());
    }
    Ok(ids)
}

/// This build's `ordergraph` binary, built now with this executable's profile (`cargo run --example` builds
/// no binary, and a stale one would measure other code): `target/<profile>/ordergraph`, next to the folder of
/// this executable (`target/<profile>/examples/`).
fn this_build() -> Result<PathBuf, BoxError> {
    let exe = std::env::current_exe()?;
    let profile_dir =
        exe.parent().and_then(Path::parent).ok_or("this executable is not in target/<profile>/")?;
    let binary = profile_dir.join(format!("ordergraph{}", std::env::consts::EXE_SUFFIX));
    let profile = match profile_dir.file_name().and_then(|name| name.to_str()) {
        Some("debug") => "dev".to_string(),
        Some(name) => name.to_string(),
        None => return Err("this executable is not in target/<profile>/".into()),
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    eprintln!("bench: building the ordergraph binary (profile {profile})");
    let mut build = Command::new(cargo);
    build
        .args(["build", "--quiet", "--bin", "ordergraph", "--profile", &profile, "--manifest-path"])
        .arg(&manifest);
    // Without the variables `cargo run` sets for this executable: some build scripts (ring's) track
    // `CARGO_MANIFEST_DIR`, and seeing it change would rebuild half the dependencies on every run.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let set_by_cargo_run =
            ["CARGO_MANIFEST_", "CARGO_PKG_", "CARGO_CRATE_NAME", "CARGO_BIN_NAME", "CARGO_PRIMARY_"];
        if set_by_cargo_run.iter().any(|prefix| name.starts_with(prefix)) {
            build.env_remove(name.as_ref());
        }
    }
    let built = build.status();
    match built {
        Ok(status) if status.success() => Ok(binary),
        _ if binary.exists() => {
            eprintln!("bench: could not build it; measuring {} as it is", binary.display());
            Ok(binary)
        }
        _ => Err(format!("could not build {}; pass --gateway PATH", binary.display()).into()),
    }
}
