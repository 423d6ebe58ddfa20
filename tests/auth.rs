//! Access control over loopback: API keys (401), scopes (403 before any backend call), per-key backends (the
//! others do not exist), rate limits (429 with Retry-After), idempotency keys per API key, and the audit record
//! of every mutation.

mod common;

use std::num::NonZeroU32;
use std::sync::OnceLock;
use std::time::Duration;

use common::{CapturedLog, Stack, errors, options};
use futures::{SinkExt, StreamExt};
use ordergraph::config::{ApiKey, RateLimit, Scope, key_digest};
use ordergraph::domain::BackendName;
use ordergraph::sandbox::SandboxKind;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

fn key(name: &str, scopes: &[Scope], backends: Option<&[&str]>, rate: Option<u32>) -> ApiKey {
    ApiKey {
        name: name.into(),
        sha256: key_digest(&format!("{name}-secret")),
        scopes: scopes.iter().copied().collect(),
        backends: backends.map(|names| names.iter().map(|n| BackendName::parse(n).unwrap()).collect()),
        rate_limit: rate
            .and_then(NonZeroU32::new)
            .map(|requests| RateLimit { requests, period: Duration::from_secs(60) }),
    }
}

async fn stack() -> Stack {
    Stack::start_with(&[SandboxKind::Vesuviopay, SandboxKind::Merchantpro], options(10), |config| {
        config.auth.keys = vec![
            key("reader", &[Scope::Read], Some(&["vesuviopay"]), None),
            key("writer", &[Scope::Read, Scope::Write], None, None),
            key("other-writer", &[Scope::Read, Scope::Write], None, None),
            key("limited", &[Scope::Read], None, Some(2)),
        ];
    })
    .await
}

/// POSTs `body` with `headers`; the status, the headers and the JSON body.
async fn post(
    stack: &Stack,
    headers: &[(&str, &str)],
    body: Value,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut request = stack.http().post(format!("{}/graphql", stack.url)).json(&body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.json().await.unwrap())
}

fn bearer(name: &str) -> String {
    format!("Bearer {name}-secret")
}

fn code(response: &Value) -> String {
    errors(response).first().and_then(|e| e["extensions"]["code"].as_str()).unwrap_or("").to_string()
}

const BACKENDS: &str = "{ backends { name } }";

// No key or an unknown one is 401 UNAUTHENTICATED with WWW-Authenticate; either header carries a known key.
#[tokio::test]
async fn keys_are_required() {
    let stack = stack().await;
    let body = json!({ "query": BACKENDS });
    for headers in [vec![], vec![("authorization", "Bearer nope")], vec![("x-api-key", "writer")]] {
        let (status, response_headers, response) = post(&stack, &headers, body.clone()).await;
        assert_eq!(status, 401, "{response}");
        assert_eq!(code(&response), "UNAUTHENTICATED");
        assert_eq!(response_headers["www-authenticate"], "Bearer");
        assert!(response.get("data").is_none());
    }
    let (status, _, response) = post(&stack, &[("x-api-key", "writer-secret")], body.clone()).await;
    assert_eq!((status, response["data"]["backends"].as_array().map(Vec::len)), (200, Some(2)));
    let (status, _, _) = post(&stack, &[("authorization", &bearer("writer"))], body).await;
    assert_eq!(status, 200);
    let get = stack.http().get(format!("{}/graphql?query=%7Bbackends%7Bname%7D%7D", stack.url)).send().await;
    assert_eq!(get.unwrap().status(), 401);
}

// A key without `write` is refused a mutation with 403 FORBIDDEN and no backend call.
#[tokio::test]
async fn scopes_are_enforced_before_any_call() {
    let stack = stack().await;
    let vesuviopay = &stack.sandbox(SandboxKind::Vesuviopay).control;
    let mutation =
        r#"mutation { cancelOrder(input: { id: "vesuviopay:x", reason: "r" }) { userErrors { code } } }"#;
    vesuviopay.reset_requests();
    let (status, _, response) =
        post(&stack, &[("authorization", &bearer("reader"))], json!({ "query": mutation })).await;
    assert_eq!(status, 403, "{response}");
    assert_eq!(code(&response), "FORBIDDEN");
    assert!(errors(&response)[0]["message"].as_str().unwrap().contains("write scope"), "{response}");
    assert_eq!(vesuviopay.request_count(), 0, "a forbidden mutation reached the backend");
}

// Backends outside a key's list do not exist for it: not listed, not asked, ids naming them INVALID_ID (in
// words that name only the backends the key sees), and a filter naming one refused.
#[tokio::test]
async fn backends_outside_a_key_do_not_exist() {
    let stack = stack().await;
    let merchantpro = &stack.sandbox(SandboxKind::Merchantpro).control;
    merchantpro.reset_requests();
    let reader = bearer("reader");
    let headers = [("authorization", reader.as_str())];
    let query = "{ backends { name } orders(first: 30) { nodes { id } backendResults { backend } } }";
    let (_, _, response) = post(&stack, &headers, json!({ "query": query })).await;
    assert_eq!(response["data"]["backends"], json!([{ "name": "vesuviopay" }]), "{response}");
    let ids = response["data"]["orders"]["nodes"].as_array().unwrap();
    assert_eq!(ids.len(), 10);
    assert!(ids.iter().all(|n| n["id"].as_str().unwrap().starts_with("vesuviopay:")), "{response}");
    assert_eq!(response["data"]["orders"]["backendResults"], json!([{ "backend": "vesuviopay" }]));

    let (_, _, response) =
        post(&stack, &headers, json!({ "query": r#"{ order(id: "merchantpro:1") { id } }"# })).await;
    let message = errors(&response)[0]["message"].as_str().unwrap().to_string();
    assert!(message.contains("no backend named \"merchantpro\""), "{message}");
    assert!(message.contains("configured: vesuviopay)"), "other backends are named: {message}");
    let filtered = r#"{ orders(filter: { backends: ["merchantpro"] }) { nodes { id } } }"#;
    let (_, _, response) = post(&stack, &headers, json!({ "query": filtered })).await;
    assert_eq!(code(&response), "BAD_USER_INPUT", "{response}");
    let nodes = r#"{ nodes(ids: ["merchantpro:1"]) { id } }"#;
    let (_, _, response) = post(&stack, &headers, json!({ "query": nodes })).await;
    assert!(!errors(&response).is_empty(), "{response}");
    assert_eq!(merchantpro.request_count(), 0, "a hidden backend was called");
}

// Over its rate a key gets 429 RATE_LIMITED with Retry-After; other keys are not affected.
#[tokio::test]
async fn rate_limits_are_per_key() {
    let stack = stack().await;
    let limited = bearer("limited");
    let body = json!({ "query": BACKENDS });
    for _ in 0..2 {
        let (status, _, _) = post(&stack, &[("authorization", &limited)], body.clone()).await;
        assert_eq!(status, 200);
    }
    let (status, headers, response) = post(&stack, &[("authorization", &limited)], body.clone()).await;
    assert_eq!(status, 429, "{response}");
    assert_eq!(code(&response), "RATE_LIMITED");
    let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    let (status, _, _) = post(&stack, &[("authorization", &bearer("writer"))], body).await;
    assert_eq!(status, 200);
}

/// Log lines written by the test binary's subscriber (set once, for every test of this binary).
fn log() -> CapturedLog {
    static LOG: OnceLock<CapturedLog> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = CapturedLog::default();
        let _ = tracing::subscriber::set_global_default(log.subscriber("ordergraph::audit=info"));
        log
    })
    .clone()
}

// Idempotency keys are per API key: the same key and body from another API key runs again, from the same API
// key it replays. Every mutation leaves an audit record naming the key, the mutation, the order and the outcome.
#[tokio::test]
async fn idempotency_per_key_and_audit() {
    let log = log();
    let stack = stack().await;
    let merchantpro = &stack.sandbox(SandboxKind::Merchantpro).control;
    let writer = bearer("writer");
    let first = r#"{ orders(first: 1, filter: { backends: ["merchantpro"] }) { nodes { id } } }"#;
    let (_, _, response) = post(&stack, &[("authorization", &writer)], json!({ "query": first })).await;
    let id = response["data"]["orders"]["nodes"][0]["id"].as_str().unwrap().to_string();
    let mutation = format!(
        r#"mutation {{ addOrderTags(input: {{ id: "{id}", tags: ["vip"] }}) {{ userErrors {{ code }} }} }}"#
    );
    let body = json!({ "query": mutation });
    let patches = || merchantpro.count_matching("PATCH", "/api/v2/orders");
    let before = patches();
    let idempotent = [("authorization", writer.as_str()), ("idempotency-key", "k-1")];
    let (status, _, response) = post(&stack, &idempotent, body.clone()).await;
    assert_eq!(status, 200, "{response}");
    assert_eq!(response["data"]["addOrderTags"]["userErrors"], json!([]), "{response}");
    let once = patches();
    assert!(once > before, "the change was sent");
    let calls = merchantpro.request_count();
    let (_, _, replay) = post(&stack, &idempotent, body.clone()).await;
    assert_eq!(replay, response);
    assert_eq!(merchantpro.request_count(), calls, "the same API key and idempotency key replay");
    let other = bearer("other-writer");
    let (status, _, _) =
        post(&stack, &[("authorization", other.as_str()), ("idempotency-key", "k-1")], body).await;
    assert_eq!(status, 200);
    assert!(merchantpro.request_count() > calls, "another API key with the same idempotency key runs");

    let text = log.text();
    let records: Vec<&str> = text.lines().filter(|l| l.contains("ordergraph::audit")).collect();
    assert!(
        records.iter().any(|l| l.contains("key=\"writer\"")
            && l.contains("mutation=\"addOrderTags\"")
            && l.contains(&format!("order={id}"))
            && l.contains("outcome=\"ok\"")
            && l.contains("request_id=")),
        "{text}"
    );
    assert!(records.iter().any(|l| l.contains("key=\"other-writer\"")), "{text}");
    assert!(!text.contains("writer-secret"), "a key reached the log");
}

/// Opens `graphql-transport-ws` with `payload` in `connection_init`, then runs `query`; every message received.
async fn over_websocket(stack: &Stack, payload: Value, query: &str) -> Vec<Value> {
    let url = format!("{}/graphql", stack.url.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let send = |value: Value| Message::Text(value.to_string().into());
    socket.send(send(json!({ "type": "connection_init", "payload": payload }))).await.unwrap();
    let mut received = Vec::new();
    let reading = async {
        while let Some(Ok(message)) = socket.next().await {
            let Message::Text(text) = message else { continue };
            let value: Value = serde_json::from_str(&text).unwrap();
            if value["type"] == "connection_ack" {
                let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": query } });
                socket.send(send(subscribe)).await.unwrap();
            }
            let done = value["type"] == "complete";
            received.push(value);
            if done {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(5), reading).await;
    received
}

// Over WebSocket the key comes in connection_init: without it there is no connection_ack (and no answer); with it
// the connection is the key's (its backends only).
#[tokio::test]
async fn websocket_connections_need_a_key() {
    let stack = stack().await;
    let refused = over_websocket(&stack, json!({}), BACKENDS).await;
    assert!(refused.iter().all(|m| m["type"] != "connection_ack" && m["type"] != "next"), "{refused:?}");
    let accepted = over_websocket(&stack, json!({ "authorization": bearer("reader") }), BACKENDS).await;
    let next = accepted.iter().find(|m| m["type"] == "next").expect("an answer");
    assert_eq!(next["payload"]["data"]["backends"], json!([{ "name": "vesuviopay" }]), "{accepted:?}");
}
