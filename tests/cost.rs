//! Cost bounded before work starts: a document whose fragments fan out (each spreading the next twice, 2^30
//! expansions) is refused quickly with QUERY_TOO_COMPLEX while the server keeps answering; one HTTP request
//! causes at most `server.max_backend_calls` backend calls; errors quote little of a document.

mod common;

use std::time::{Duration, Instant};

use common::{Stack, errors, options};
use ordergraph::sandbox::SandboxKind;
use serde_json::json;

fn fan_out(levels: usize, leaf: &str) -> String {
    let mut document = String::from("{ ...F0 }\n");
    for level in 0..levels {
        document
            .push_str(&format!("fragment F{level} on Query {{ ...F{next} ...F{next} }}\n", next = level + 1));
    }
    document.push_str(&format!("fragment F{levels} on Query {{ {leaf} }}\n"));
    document
}

#[tokio::test]
async fn fragment_fan_out_is_refused_fast() {
    let stack = Stack::start(&[SandboxKind::Vesuviopay], options(1)).await;
    for leaf in ["__typename", "backends { name }", "nope"] {
        let document = fan_out(30, leaf);
        let health = async {
            let started = Instant::now();
            let response = stack.http().get(format!("{}/healthz", stack.url)).send().await.unwrap();
            (response.status().as_u16(), started.elapsed())
        };
        let started = Instant::now();
        let ((_, response), (health_status, health_time)) =
            tokio::join!(stack.post_json(json!({ "query": document })), health);
        let elapsed = started.elapsed();
        assert!(elapsed < Duration::from_millis(100), "{leaf}: answered in {elapsed:?}");
        assert_eq!(health_status, 200);
        assert!(health_time < Duration::from_millis(100), "/healthz waited {health_time:?}");
        let code = errors(&response)[0]["extensions"]["code"].as_str().unwrap_or("").to_string();
        assert!(matches!(code.as_str(), "QUERY_TOO_COMPLEX" | "BAD_USER_INPUT"), "{leaf}: {response}");
        assert!(response.to_string().len() < 2_000, "the answer quotes the document: {response}");
    }
}

// Errors about a document quote at most a short excerpt of it, however long it is.
#[tokio::test]
async fn errors_quote_little_of_a_document() {
    let stack = Stack::start(&[SandboxKind::Vesuviopay], options(1)).await;
    let long_name = "x".repeat(200_000);
    for document in
        [format!("{{ {long_name}"), format!("{{ {long_name} }}"), format!("{{ backends(\"{long_name}\") }}")]
    {
        let (_, response) = stack.post_json(json!({ "query": document })).await;
        let text = response.to_string();
        assert!(!errors(&response).is_empty(), "{text:.300}");
        assert!(text.len() < 2_000, "{} bytes: {text:.300}", text.len());
    }
}

// A batch of 10 operations × 30 aliased `orders` with distinct filters would make 300 list calls: the request
// makes at most max_backend_calls (100) and the rest fail with QUERY_TOO_COMPLEX; the next request has its own
// budget.
#[tokio::test]
async fn backend_calls_are_capped_per_request() {
    let stack = Stack::start(&[SandboxKind::Vesuviopay], options(5)).await;
    let control = &stack.sandbox(SandboxKind::Vesuviopay).control;
    let operation = |op: usize| {
        let aliases: String = (0..30)
            .map(|a| format!(r#"a{a}: orders(first: 1, filter: {{ customerEmail: "x{op}-{a}@example.com" }}) {{ nodes {{ id }} }} "#))
            .collect();
        json!({ "query": format!("{{ {aliases} }}") })
    };
    control.reset_requests();
    let (status, response) =
        stack.post_json(serde_json::Value::Array((0..10).map(operation).collect())).await;
    assert_eq!(status, 200);
    let calls = control.request_count();
    assert!((90..=100).contains(&calls), "{calls} backend calls");
    let codes: Vec<String> = response
        .as_array()
        .unwrap()
        .iter()
        .flat_map(errors)
        .filter_map(|e| e["extensions"]["code"].as_str().map(str::to_string))
        .collect();
    assert!(codes.iter().any(|c| c == "QUERY_TOO_COMPLEX"), "{codes:?}");
    control.reset_requests();
    let fresh = stack.gql("{ orders(first: 2) { nodes { id } } }", json!({})).await;
    assert!(errors(&fresh).is_empty(), "{fresh}");
    assert_eq!(control.request_count(), 1);
}

// Cursors are signed: one whose content was changed (a page size of 1, to turn one page into many calls) is
// refused with BAD_USER_INPUT before any backend call; the cursor as given still pages on.
#[tokio::test]
async fn forged_cursors_are_refused() {
    use base64::Engine as _;
    let stack = Stack::start(&[SandboxKind::Vesuviopay], options(20)).await;
    let control = &stack.sandbox(SandboxKind::Vesuviopay).control;
    let first = stack.gql("{ orders(first: 5) { pageInfo { endCursor } } }", json!({})).await;
    let cursor = first["data"]["orders"]["pageInfo"]["endCursor"].as_str().unwrap().to_string();
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let bytes = engine.decode(&cursor).unwrap();
    // A cursor is a 16-byte tag, then the position as JSON; the JSON is changed, the tag kept.
    let (tag, json) = bytes.split_at(16);
    let json = String::from_utf8(json.to_vec()).unwrap();
    assert!(json.contains("\"z\":"), "{json}");
    let forged_json = json.replacen("\"z\":", "\"z\":1,\"x\":", 1);
    let forged = engine.encode([tag, forged_json.as_bytes()].concat());
    let page = |after: &str| format!(r#"{{ orders(first: 5, after: "{after}") {{ nodes {{ id }} }} }}"#);
    control.reset_requests();
    let refused = stack.gql(&page(&forged), json!({})).await;
    assert_eq!(errors(&refused)[0]["extensions"]["code"], "BAD_USER_INPUT", "{refused}");
    assert_eq!(control.request_count(), 0, "a forged cursor reached the backend");
    let next = stack.gql(&page(&cursor), json!({})).await;
    assert_eq!(next["data"]["orders"]["nodes"].as_array().map(Vec::len), Some(5), "{next}");
}
