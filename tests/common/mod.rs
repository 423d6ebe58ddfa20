//! Stands the whole stack up for a test: sandboxes on `127.0.0.1:0`, the gateway over them on another port,
//! and a client that speaks GraphQL over real loopback HTTP.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use ordergraph::backends::Registry;
use ordergraph::config::Config;
use ordergraph::demo::{DemoStack, start_sandboxes};
use ordergraph::engine::Engine;
use ordergraph::sandbox::{Sandbox, SandboxKind, SandboxOptions};
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// Sandboxes plus the gateway over them.
pub struct Stack {
    /// The sandboxes and the config over them.
    pub demo: DemoStack,
    /// Base URL of the gateway, e.g. `http://127.0.0.1:40123`.
    pub url: String,
    client: reqwest::Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Stack {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Default options: 120 orders, seed 1, no latency.
pub fn options(orders: usize) -> SandboxOptions {
    SandboxOptions { orders, seed: 1, latency: Duration::ZERO }
}

impl Stack {
    /// Sandboxes of `kinds` with `opts`, and the gateway with the default config over them.
    pub async fn start(kinds: &[SandboxKind], opts: SandboxOptions) -> Stack {
        Stack::start_with(kinds, opts, |_| {}).await
    }

    /// As [`Stack::start`], letting the test adjust the config first.
    pub async fn start_with(
        kinds: &[SandboxKind],
        opts: SandboxOptions,
        tweak: impl FnOnce(&mut Config),
    ) -> Stack {
        let mut demo = start_sandboxes(kinds, &opts).await.expect("sandboxes start");
        tweak(&mut demo.config);
        let registry = Registry::from_config(&demo.config).expect("registry builds");
        let engine = Arc::new(Engine::new(registry, &demo.config));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let config = demo.config.clone();
        tokio::spawn(async move {
            let _ = ordergraph::server::run(listener, engine, &config, async {
                let _ = rx.await;
            })
            .await;
        });
        Stack { demo, url, client: reqwest::Client::new(), shutdown: Some(tx) }
    }

    /// The sandbox of a kind.
    pub fn sandbox(&self, kind: SandboxKind) -> &Sandbox {
        self.demo.sandbox(kind).expect("sandbox of that kind")
    }

    /// POSTs a GraphQL query; returns the whole JSON response (`data` and `errors`).
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.post_json(json!({ "query": query, "variables": variables })).await.1
    }

    /// POSTs any JSON to `/graphql`; returns the status and the JSON body.
    pub async fn post_json(&self, body: Value) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}/graphql", self.url))
            .json(&body)
            .send()
            .await
            .expect("gateway answers");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")))
    }

    /// A plain HTTP client to the gateway.
    pub fn http(&self) -> &reqwest::Client {
        &self.client
    }
}

/// The `errors` of a response, or an empty list.
pub fn errors(response: &Value) -> Vec<Value> {
    response["errors"].as_array().cloned().unwrap_or_default()
}

/// Panics with the response when it has errors.
pub fn assert_no_errors(response: &Value) {
    assert!(errors(response).is_empty(), "unexpected errors: {response:#}");
}

/// Every order of a listing, paging with `first` until the end; returns the ids in order and the page count.
pub async fn page_to_end(stack: &Stack, first: i64, filter: Value) -> (Vec<String>, usize) {
    let (nodes, pages) = walk_pages(stack, first, filter, "id").await;
    (nodes.iter().map(|n| n["id"].as_str().expect("id").to_string()).collect(), pages)
}

/// Every node of a listing with the Order fields of `selection`, paging with `first` until the end.
pub async fn walk(stack: &Stack, first: i64, filter: Value, selection: &str) -> Vec<Value> {
    walk_pages(stack, first, filter, selection).await.0
}

/// [`walk`], with the number of pages it took.
async fn walk_pages(stack: &Stack, first: i64, filter: Value, selection: &str) -> (Vec<Value>, usize) {
    let query = format!(
        "query($first: Int, $after: String, $filter: OrderFilter) {{
           orders(first: $first, after: $after, filter: $filter) {{
             nodes {{ {selection} }} pageInfo {{ hasNextPage endCursor }} }} }}"
    );
    let mut nodes = Vec::new();
    let mut after = Value::Null;
    let mut pages = 0;
    loop {
        let response = stack.gql(&query, json!({ "first": first, "after": after, "filter": filter })).await;
        assert_no_errors(&response);
        let connection = &response["data"]["orders"];
        nodes.extend(connection["nodes"].as_array().expect("nodes").iter().cloned());
        pages += 1;
        assert!(pages < 10_000, "paging does not end");
        if !connection["pageInfo"]["hasNextPage"].as_bool().expect("hasNextPage") {
            return (nodes, pages);
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
}

/// Log lines captured in memory, for tests that check what is (and is not) logged.
#[derive(Clone, Default)]
pub struct CapturedLog(Arc<std::sync::Mutex<Vec<u8>>>);

impl CapturedLog {
    /// A subscriber writing, without colours, every event `filter` lets through into this log.
    pub fn subscriber(&self, filter: &str) -> impl tracing::Subscriber + Send + Sync + 'static {
        let log = self.clone();
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(false)
            .with_writer(move || log.clone())
            .finish()
    }

    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

impl std::io::Write for CapturedLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
