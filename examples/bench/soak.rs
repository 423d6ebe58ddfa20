//! `bench --soak SECONDS`: memory under a load built to fill every cache and store, against the budgets. The
//! gateway runs with `cache.max_bytes` = 8 MiB and `server.document_cache_bytes` = 8 MiB (the idempotency
//! store's 64 MiB is fixed), and 16 clients send, in turn: `order(id:)` over every order of the five sandboxes
//! (2,500 distinct ids), `orders(first: 100)` with a distinct `placedBefore` (a new list page each time),
//! a distinct 4 KB document, and a 50-order page under a distinct `Idempotency-Key`. Every 5 s it prints the
//! gateway's resident memory (`VmRSS`), which must level off under the budgets plus a fixed overhead.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

use super::load::graphql_body;
use super::procs::{self, BoxError, WorkDir, start_gateway_tweaked};

const CLIENTS: usize = 16;

/// Runs the soak for `seconds` against `binary`.
pub async fn soak(binary: &std::path::Path, seconds: u64, latency: u64) -> Result<(), BoxError> {
    let dir = WorkDir::create()?;
    let sandboxes = procs::start_sandboxes(latency)?;
    let tweak = |config: String| {
        config
            .replacen("[cache]\nenabled = true\n", "[cache]\nenabled = true\nmax_bytes = 8388608\n", 1)
            .replacen("\n\n[cache]", "\ndocument_cache_bytes = 8388608\n\n[cache]", 1)
    };
    let gateway =
        start_gateway_tweaked(binary, "soak", &dir.0, &sandboxes.urls, true, CLIENTS, &tweak).await?;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(60)).build()?;
    let ids = Arc::new(all_ids(&client, &gateway.url).await?);
    println!(
        "soak: {} s, {CLIENTS} clients, {} order ids; budgets: cache 8 MiB, documents 8 MiB, idempotency 64 MiB",
        seconds,
        ids.len()
    );
    println!("{:>6} {:>10} {:>10}", "s", "RSS MiB", "requests");
    let done = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for client_index in 0..CLIENTS {
        let (client, url, ids, done) = (client.clone(), gateway.url.clone(), ids.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            let mut i = client_index;
            while Instant::now() < deadline {
                let _ = send(&client, &url, &ids, i).await;
                done.fetch_add(1, Ordering::Relaxed);
                i += CLIENTS;
            }
        }));
    }
    let started = Instant::now();
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let rss =
            rss_kib(gateway.process.pid()).map_or("?".into(), |kib| format!("{:.1}", kib as f64 / 1024.0));
        println!("{:>6} {rss:>10} {:>10}", started.elapsed().as_secs(), done.load(Ordering::Relaxed));
    }
    for task in tasks {
        let _ = task.await;
    }
    Ok(())
}

/// Request `i` of the soak: one of four kinds in turn.
async fn send(client: &reqwest::Client, url: &str, ids: &[String], i: usize) -> Result<(), BoxError> {
    let mut request = client.post(url).header(CONTENT_TYPE, "application/json");
    let body = match i % 4 {
        0 => graphql_body(
            "query($id: ID!) { order(id: $id) { id number lineItems { name sku quantity } shippingAddress { city } } }",
            json!({ "id": ids[(i / 4) % ids.len()] }),
        ),
        1 => {
            let before = chrono::DateTime::from_timestamp(1_800_000_000 - (i as i64), 0).unwrap_or_default();
            let query = format!(
                r#"{{ orders(first: 100, filter: {{ placedBefore: "{}" }}) {{ nodes {{ id number }} }} }}"#,
                before.to_rfc3339()
            );
            graphql_body(&query, json!({}))
        }
        2 => graphql_body(
            &format!("query Soak{i} {{ backends {{ name }} }}\n# {}", "x".repeat(4096)),
            json!({}),
        ),
        _ => {
            request = request.header("idempotency-key", format!("soak-{i}"));
            graphql_body(
                "{ orders(first: 50) { nodes { id number status { order } totals { total { amount } } } } }",
                json!({}),
            )
        }
    };
    request.body(body).send().await?.bytes().await?;
    Ok(())
}

/// Every order id of the sandboxes, paging through `orders`.
async fn all_ids(client: &reqwest::Client, url: &str) -> Result<Vec<String>, BoxError> {
    let mut ids = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let query = "query($after: String) { orders(first: 100, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }";
        let body = graphql_body(query, json!({ "after": after }));
        let page: Value =
            client.post(url).header(CONTENT_TYPE, "application/json").body(body).send().await?.json().await?;
        let orders = &page["data"]["orders"];
        ids.extend(
            orders["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| n["id"].as_str().map(str::to_string)),
        );
        match orders["pageInfo"]["endCursor"].as_str() {
            Some(cursor) if orders["pageInfo"]["hasNextPage"] == true => after = Some(cursor.to_string()),
            _ => break,
        }
    }
    Ok(ids)
}

/// Resident memory of `pid` in KiB (`VmRSS` of `/proc/<pid>/status`).
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
