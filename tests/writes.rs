//! No write lost, none doubled: concurrent read-modify-write changes of one order are all kept, and an
//! `Idempotency-Key` is released when the backend never answered, so that the retry runs.

mod common;

use common::{Stack, options};
use ordergraph::sandbox::SandboxKind;
use serde_json::{Value, json};

async fn first_id(stack: &Stack, backend: &str) -> String {
    let query =
        format!(r#"{{ orders(first: 1, filter: {{ backends: ["{backend}"] }}) {{ nodes {{ id }} }} }}"#);
    let response = stack.gql(&query, json!({})).await;
    response["data"]["orders"]["nodes"][0]["id"].as_str().expect("an order").to_string()
}

fn add_tags(id: &str, tag: &str) -> Value {
    json!({ "query": format!(
        r#"mutation {{ addOrderTags(input: {{ id: "{id}", tags: ["{tag}"] }}) {{ applied order {{ tags }} userErrors {{ code message }} }} }}"#
    ) })
}

// Ten concurrent addOrderTags on one MerchantPro order (read the list, change it, write it back), each with its
// own tag: all ten succeed and all ten tags are on the order.
#[tokio::test]
async fn concurrent_tag_changes_are_all_kept() {
    let stack = Stack::start(&[SandboxKind::Merchantpro], options(3)).await;
    let id = first_id(&stack, "merchantpro").await;
    let changes = (0..10).map(|i| {
        let body = add_tags(&id, &format!("t{i}"));
        let stack = &stack;
        async move { stack.post_json(body).await }
    });
    for (status, response) in futures::future::join_all(changes).await {
        assert_eq!(status, 200);
        assert_eq!(response["data"]["addOrderTags"]["userErrors"], json!([]), "{response}");
        assert_eq!(response["data"]["addOrderTags"]["applied"], true);
    }
    let query = format!(r#"{{ order(id: "{id}") {{ tags }} }}"#);
    let tags = stack.gql(&query, json!({})).await["data"]["order"]["tags"].clone();
    for i in 0..10 {
        assert!(tags.as_array().unwrap().iter().any(|t| t == &json!(format!("t{i}"))), "t{i} lost: {tags}");
    }
}

// A change whose backend never answered (the reads before the write all failed) is not remembered under its
// Idempotency-Key: the retry with the same key runs, reaches the backend and succeeds, and a third try replays it.
#[tokio::test]
async fn a_failed_try_releases_its_idempotency_key() {
    let stack = Stack::start(&[SandboxKind::Merchantpro], options(3)).await;
    let id = first_id(&stack, "merchantpro").await;
    let control = &stack.sandbox(SandboxKind::Merchantpro).control;
    let send = || {
        stack
            .http()
            .post(format!("{}/graphql", stack.url))
            .header("idempotency-key", "retry-me")
            .json(&add_tags(&id, "again"))
            .send()
    };
    control.fail_next(3);
    let first: Value = send().await.unwrap().json().await.unwrap();
    assert_eq!(first["data"]["addOrderTags"]["applied"], false, "{first}");
    assert_eq!(first["data"]["addOrderTags"]["userErrors"][0]["code"], "BACKEND_UNAVAILABLE", "{first}");
    let patches = control.count_matching("PATCH", "/api/v2/orders");
    let second: Value = send().await.unwrap().json().await.unwrap();
    assert_eq!(second["data"]["addOrderTags"]["applied"], true, "{second}");
    assert!(control.count_matching("PATCH", "/api/v2/orders") > patches, "the retry reached the backend");
    let calls = control.request_count();
    let third: Value = send().await.unwrap().json().await.unwrap();
    assert_eq!(third, second);
    assert_eq!(control.request_count(), calls, "a remembered success is replayed");
}
