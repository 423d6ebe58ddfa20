//! Every cell of the contract's mutation routing table, through GraphQL over loopback: the native call made
//! (method, path, body), the state after it, the unsupported cells making no call, transition errors and their
//! codes, VTEX's delivery read back, and the Idempotency-Key.

mod codes;
#[path = "../common/mod.rs"]
mod common;
mod delivery;
mod routing;

use common::{Stack, assert_no_errors, options, walk};
use ordergraph::sandbox::{RecordedRequest, SandboxKind};
use serde_json::{Value, json};

const ORDER_FIELDS: &str =
    "id nativeId status { order payment fulfillment native } tags tracking { carrier number url }
    externalOrderId externalPlatform lineItems { id quantity }";

/// The first order of `backend` whose listing node satisfies `pick`.
async fn find(stack: &Stack, backend: &str, pick: impl Fn(&Value) -> bool) -> Value {
    let query = format!(
        "query($after: String, $b: [String!]) {{ orders(first: 100, after: $after, filter: {{ backends: $b }}) {{
            nodes {{ {ORDER_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }} }}"
    );
    let mut after = Value::Null;
    loop {
        let response = stack.gql(&query, json!({ "after": after, "b": [backend] })).await;
        assert_no_errors(&response);
        let connection = &response["data"]["orders"];
        if let Some(found) = connection["nodes"].as_array().unwrap().iter().find(|n| pick(n)) {
            return found.clone();
        }
        assert!(connection["pageInfo"]["hasNextPage"].as_bool().unwrap(), "no {backend} order matches");
        after = connection["pageInfo"]["endCursor"].clone();
    }
}

/// Runs a mutation with `input`; returns its payload (`order`, `userErrors`).
async fn mutate(stack: &Stack, name: &str, input_type: &str, input: Value) -> Value {
    let query = format!(
        "mutation($input: {input_type}!) {{ {name}(input: $input) {{ order {{ {ORDER_FIELDS} }} userErrors {{ code field message }} }} }}"
    );
    let response = stack.gql(&query, json!({ "input": input })).await;
    assert_no_errors(&response);
    response["data"][name].clone()
}

fn ok(payload: &Value) -> &Value {
    assert_eq!(payload["userErrors"], json!([]), "{payload:#}");
    &payload["order"]
}

fn user_error(payload: &Value) -> &str {
    payload["userErrors"][0]["code"].as_str().unwrap_or_else(|| panic!("no userError: {payload:#}"))
}

/// The non-GET requests a sandbox received since `from`.
fn writes(stack: &Stack, kind: SandboxKind, from: usize) -> Vec<RecordedRequest> {
    stack.sandbox(kind).control.requests().into_iter().skip(from).filter(|r| r.method != "GET").collect()
}

fn count(stack: &Stack, kind: SandboxKind) -> usize {
    stack.sandbox(kind).control.request_count()
}

// An Idempotency-Key replays the first answer without a second backend call; another body with the key is a
// conflict; and mutations are never retried on a 5xx.
#[tokio::test]
async fn idempotency_and_no_retries() {
    let stack = Stack::start(&[SandboxKind::Vesuviopay, SandboxKind::Merchantpro], options(30)).await;
    let kind = SandboxKind::Vesuviopay;
    let pending = find(&stack, "vesuviopay", |n| n["status"]["native"] == "Pending").await;
    let body = json!({
        "query": "mutation($id: ID!) { updateOrderStatus(input: { id: $id, status: CONFIRMED }) { order { status { native } } userErrors { code } } }",
        "variables": { "id": pending["id"] }
    });
    let post = |body: &Value, key: &str| {
        stack.http().post(format!("{}/graphql", stack.url)).header("Idempotency-Key", key).json(body).send()
    };
    let from = count(&stack, kind);
    let first: Value = post(&body, "key-1").await.unwrap().json().await.unwrap();
    let puts = writes(&stack, kind, from).len();
    assert_eq!(puts, 1);
    let second: Value = post(&body, "key-1").await.unwrap().json().await.unwrap();
    assert_eq!(first, second, "the first answer is replayed");
    assert_eq!(writes(&stack, kind, from).len(), 1, "no second backend call");
    let mut other = body.clone();
    other["variables"]["id"] = json!("vesuviopay:another");
    let conflict = post(&other, "key-1").await.unwrap();
    assert_eq!(conflict.status(), 409);
    let conflict: Value = conflict.json().await.unwrap();
    assert_eq!(conflict["errors"][0]["extensions"]["code"], "CONFLICT");

    // A 5xx on the write itself is reported, not retried (MerchantPro's in_process makes no read first).
    let mp = SandboxKind::Merchantpro;
    let awaiting = find(&stack, "merchantpro", |n| {
        n["status"]["native"].as_str().is_some_and(|s| s.ends_with("/awaiting"))
    })
    .await;
    stack.sandbox(mp).control.fail_next(1);
    let from = count(&stack, mp);
    let failed = mutate(
        &stack,
        "updateOrderStatus",
        "UpdateOrderStatusInput",
        json!({ "id": awaiting["id"], "status": "PROCESSING" }),
    )
    .await;
    assert_eq!(user_error(&failed), "BACKEND_UNAVAILABLE");
    let patches: Vec<_> = writes(&stack, mp, from).into_iter().filter(|r| r.method == "PATCH").collect();
    assert_eq!(patches.len(), 1, "a mutation is never retried: {patches:?}");
}
