//! No configured secret leaks: a vendor that echoes the request's headers (credentials included) in its error
//! messages reaches neither a GraphQL error, nor `/readyz`, nor a log line.

mod common;

use base64::Engine as _;
use common::{CapturedLog, Stack, options};
use ordergraph::config::Secret;
use ordergraph::sandbox::SandboxKind;
use serde_json::json;

const SECRET: &str = "s3cr3t-VALUE-4711";

// Every backend's every credential is the secret; every sandbox echoes the headers it gets. Queries, a lookup, a
// mutation and /readyz all fail with the vendors' words, and the secret (raw or as Basic auth's base64) is in
// none of the answers and none of the log lines, while the echo itself does come through (masked).
#[tokio::test]
async fn echoed_secrets_are_masked_everywhere() {
    let log = CapturedLog::default();
    let _guard = tracing::subscriber::set_default(log.subscriber("debug"));
    let stack = Stack::start_with(&SandboxKind::ALL, options(3), |config| {
        for backend in config.backends.values_mut() {
            for value in backend.credentials.values_mut() {
                *value = Secret::new(SECRET);
            }
        }
    })
    .await;
    for kind in SandboxKind::ALL {
        stack.sandbox(kind).control.set_echo_headers(true);
    }
    let mut answers = Vec::new();
    answers.push(stack.gql("{ orders(first: 5) { nodes { id } } }", json!({})).await.to_string());
    for id in [
        "vtex:1-01",
        "wix:00000000-0000-0000-0000-0000000000ff",
        "storeden:1_a",
        "vesuviopay:x",
        "merchantpro:1",
    ] {
        let query = format!(r#"{{ order(id: "{id}") {{ id }} }}"#);
        answers.push(stack.gql(&query, json!({})).await.to_string());
    }
    let cancel = r#"mutation { cancelOrder(input: { id: "vesuviopay:x", reason: "r" }) { userErrors { code message } } }"#;
    answers.push(stack.gql(cancel, json!({})).await.to_string());
    let readyz = stack.http().get(format!("{}/readyz", stack.url)).send().await.unwrap();
    answers.push(readyz.text().await.unwrap());
    let all = answers.join("\n");
    let logged = log.text();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{SECRET}:{SECRET}"));
    for text in [&all, &logged] {
        assert!(!text.contains(SECRET) && !text.contains(&basic), "a secret leaked:\n{text}");
    }
    assert!(
        all.contains("headers:") && all.contains("***"),
        "the vendors' echoes come through, masked:\n{all}"
    );
    assert!(logged.contains("***"), "the log carries the masked echoes:\n{logged}");
}
