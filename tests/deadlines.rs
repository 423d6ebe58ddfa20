//! Real deadlines: `server.request_timeout` bounds a whole HTTP request (a batch's operations run together
//! within it, and a request that outlives the engine's own deadlines is cut with 504), and
//! `server.shutdown_timeout` bounds a graceful shutdown.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Stack, errors, options};
use ordergraph::backends::Registry;
use ordergraph::demo::start_sandboxes;
use ordergraph::engine::Engine;
use ordergraph::sandbox::SandboxKind;
use serde_json::{Value, json};
use tokio::net::TcpListener;

fn codes(response: &Value) -> Vec<String> {
    let all = match response.as_array() {
        Some(batch) => batch.iter().flat_map(errors).collect::<Vec<_>>(),
        None => errors(response),
    };
    all.iter().filter_map(|e| e["extensions"]["code"].as_str().map(str::to_string)).collect()
}

// Ten list queries in one batch against a backend that answers after 3 s, with request_timeout = 1 s: the
// operations run together, each reports the backend's timeout, and the whole answer comes within the deadline.
#[tokio::test]
async fn a_batch_shares_one_deadline() {
    let stack = Stack::start_with(&[SandboxKind::Vesuviopay], options(5), |config| {
        config.server.request_timeout = Duration::from_secs(1);
    })
    .await;
    stack.sandbox(SandboxKind::Vesuviopay).control.set_latency(Duration::from_secs(3));
    let batch: Vec<Value> = (0..10)
        .map(|i| json!({ "query": format!("{{ orders(first: {i}) {{ nodes {{ id }} }} }}") }))
        .collect();
    let started = Instant::now();
    let (status, response) = stack.post_json(Value::Array(batch)).await;
    let elapsed = started.elapsed();
    assert_eq!(status, 200);
    assert!(elapsed < Duration::from_millis(1800), "the batch took {elapsed:?}");
    assert_eq!(codes(&response).iter().filter(|c| *c == "BACKEND_TIMEOUT").count(), 10, "{response}");
}

// A request whose calls follow one another (a page, then each order in full) outlives the engine's per-call
// deadlines; the request deadline cuts it with 504 BACKEND_TIMEOUT, or it answers in time with what it has.
#[tokio::test]
async fn a_request_is_cut_at_its_deadline() {
    let stack = Stack::start_with(&[SandboxKind::Vesuviopay], options(5), |config| {
        config.server.request_timeout = Duration::from_secs(1);
    })
    .await;
    stack.sandbox(SandboxKind::Vesuviopay).control.set_latency(Duration::from_millis(800));
    let started = Instant::now();
    let (status, response) =
        stack.post_json(json!({ "query": "{ orders(first: 3) { nodes { id lineItems { name } } } }" })).await;
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_millis(1900), "the request took {elapsed:?}");
    assert!(matches!(status, 200 | 504), "{status}: {response}");
    assert!(codes(&response).contains(&"BACKEND_TIMEOUT".to_string()), "{status}: {response}");
}

// After the shutdown signal, requests in flight have shutdown_timeout to finish; then `run` returns without
// them, and the port no longer accepts requests.
#[tokio::test]
async fn shutdown_is_bounded() {
    let mut demo = start_sandboxes(&[SandboxKind::Vesuviopay], &options(5)).await.unwrap();
    demo.config.server.request_timeout = Duration::from_secs(30);
    demo.config.server.shutdown_timeout = Duration::from_millis(500);
    demo.sandbox(SandboxKind::Vesuviopay).unwrap().control.set_latency(Duration::from_secs(10));
    let registry = Registry::from_config(&demo.config).unwrap();
    let engine = Arc::new(Engine::new(registry, &demo.config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/graphql", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let config = demo.config.clone();
    let server = tokio::spawn(async move {
        ordergraph::server::run(listener, engine, &config, async {
            let _ = stopped.await;
        })
        .await
    });
    let client = reqwest::Client::new();
    let slow = client.post(&url).json(&json!({ "query": "{ orders(first: 1) { nodes { id } } }" })).send();
    let in_flight = tokio::spawn(slow);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let _ = stop.send(());
    server.await.unwrap().unwrap();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(450) && took < Duration::from_millis(1500),
        "shutdown took {took:?}"
    );
    let after = client.post(&url).json(&json!({ "query": "{ backends { name } }" })).send().await;
    assert!(after.is_err(), "a request after shutdown was served");
    in_flight.abort();
}
