//! The load: concurrent clients sending one kind of request back to back for a warm-up and then a measured
//! window, and what that window gives: requests/s, p50, p99 and the CPU time the watched processes used.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::{Client, RequestBuilder, StatusCode};

use crate::procs::{BoxError, cpu_ticks};

/// Builds the `i`-th request of a scenario (`i` picks among its variants, e.g. the id of an `order(id:)`).
pub type MakeRequest = Arc<dyn Fn(&Client, usize) -> RequestBuilder + Send + Sync>;

/// How long and how hard to load.
#[derive(Clone, Copy)]
pub struct Load {
    /// Clients, each sending its next request when its last is answered.
    pub clients: usize,
    /// Unmeasured time first (connections, caches, the allocator's pools).
    pub warm_up: Duration,
    /// The measured window.
    pub window: Duration,
    /// Clock ticks per second of `/proc/<pid>/stat`.
    pub ticks_per_second: u64,
}

/// What one scenario's window gave.
#[derive(Clone, Copy)]
pub struct Figures {
    /// Requests answered within the window.
    pub requests: usize,
    /// Requests answered per second of the window.
    pub per_second: f64,
    /// Median latency, from sending to the last byte of the answer.
    pub p50: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
    /// CPU time per request of the gateway process, when a gateway served the scenario.
    pub gateway_cpu: Option<Duration>,
    /// CPU time per request of the sandboxes process.
    pub sandbox_cpu: Option<Duration>,
}

/// A POST of a GraphQL query with its variables, as a request builder's body (serialised once).
pub fn graphql_body(query: &str, variables: serde_json::Value) -> Bytes {
    Bytes::from(serde_json::json!({ "query": query, "variables": variables }).to_string())
}

/// Sends `make`'s requests from `load.clients` clients for the warm-up and the window. Counts the requests
/// answered within the window, their latencies, and the CPU time the gateway (`gateway`, a pid) and the
/// sandboxes (`sandboxes`) used in it. Every answer must be a 2xx, and with `graphql` must carry no `"errors"`:
/// the first that is not ends the scenario with an error quoting it.
pub async fn measure(
    client: &Client,
    make: MakeRequest,
    graphql: bool,
    load: Load,
    gateway: Option<u32>,
    sandboxes: u32,
) -> Result<Figures, BoxError> {
    // One request first, so that a broken scenario fails now rather than after its window.
    send(client, &make, 0, graphql).await?;
    let started = Instant::now();
    let measured_from = started + load.warm_up;
    let end = measured_from + load.window;
    let tasks: Vec<_> = (0..load.clients)
        .map(|k| {
            let (client, make) = (client.clone(), make.clone());
            tokio::spawn(async move {
                let mut answered = Vec::new();
                let mut i = k;
                while Instant::now() < end {
                    let sent = Instant::now();
                    send(&client, &make, i, graphql).await?;
                    let done = Instant::now();
                    answered.push((done, done - sent));
                    i += load.clients;
                }
                Ok::<_, String>(answered)
            })
        })
        .collect();
    let cpu = |pid: Option<u32>| pid.and_then(cpu_ticks);
    tokio::time::sleep_until(measured_from.into()).await;
    let before = (cpu(gateway), cpu(Some(sandboxes)));
    tokio::time::sleep_until(end.into()).await;
    let after = (cpu(gateway), cpu(Some(sandboxes)));
    let mut latencies = Vec::new();
    for task in tasks {
        let answered = task.await??;
        latencies.extend(
            answered.into_iter().filter(|(done, _)| (measured_from..end).contains(done)).map(|a| a.1),
        );
    }
    if latencies.is_empty() {
        return Err("no request was answered within the window".into());
    }
    latencies.sort();
    let requests = latencies.len();
    let percentile = |p: f64| latencies[((requests as f64 * p) as usize).min(requests - 1)];
    let per_request = |before: Option<u64>, after: Option<u64>| {
        let ticks = after?.checked_sub(before?)?;
        Some(Duration::from_secs_f64(ticks as f64 / load.ticks_per_second as f64 / requests as f64))
    };
    Ok(Figures {
        requests,
        per_second: requests as f64 / load.window.as_secs_f64(),
        p50: percentile(0.50),
        p99: percentile(0.99),
        gateway_cpu: per_request(before.0, after.0),
        sandbox_cpu: per_request(before.1, after.1),
    })
}

/// Sends request `i` and reads its answer whole; an error quotes what was wrong with it.
async fn send(client: &Client, make: &MakeRequest, i: usize, graphql: bool) -> Result<(), String> {
    let response = make(client, i).send().await.map_err(|e| format!("request failed: {e}"))?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| format!("answer cut short: {e}"))?;
    // A vectorised search: a byte-by-byte one costs the client more than a sandbox's whole answer.
    let failed =
        status != StatusCode::OK || (graphql && memchr::memmem::find(&body, b"\"errors\"").is_some());
    if failed {
        let text = String::from_utf8_lossy(&body[..body.len().min(600)]).into_owned();
        return Err(format!("HTTP {status}: {text}"));
    }
    Ok(())
}
