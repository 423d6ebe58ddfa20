//! A document whose fragments fan out (each spreading the next twice, 2^30 expansions) is refused quickly with
//! QUERY_TOO_COMPLEX, and the server keeps answering other requests meanwhile.

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
