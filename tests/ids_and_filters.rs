//! Ids and filters are checked before any backend call: an id whose native part has another shape than its
//! backend's is `INVALID_ID` for `order`, `node`, `nodes` (per id) and every mutation; an empty list in any
//! filter field selects no order and asks no backend. Counted through the sandboxes' request logs.

mod common;

use common::{Stack, assert_no_errors, errors, options};
use ordergraph::sandbox::SandboxKind;
use serde_json::{Value, json};

/// Ids of another shape than their backend's, per kind.
fn malformed(kind: SandboxKind) -> Vec<String> {
    let natives: &[&str] = match kind {
        // A sequence number, no suffix, a one-digit suffix.
        SandboxKind::Vtex => &["502556", "v502556llux", "1172452900788-1"],
        // Not UUIDs.
        SandboxKind::Wix => {
            &["x", "265c7d98a7c348c489cdbbdc00921eab", "265c7d98-a7c3-48c4-89cd-bbdc00921ezz"]
        }
        // No `_`, no digits before it, a dash after it.
        SandboxKind::Storeden => &["56695c3c0a3be", "ab_56695c3c0a3be", "132_566-95"],
        // Non-ASCII, a dot segment, too long.
        SandboxKind::Vesuviopay => &["bestellung-ü", "..", &"x".repeat(129)],
        // Letters.
        SandboxKind::Merchantpro => &["abc", "12a", "-1"],
    };
    natives.iter().map(|native| format!("{}:{native}", kind.as_str())).collect()
}

/// The words each backend's refusal uses for its shape.
fn shape_words(kind: SandboxKind) -> &'static str {
    match kind {
        SandboxKind::Vtex => "VTEX order ids are letters and digits followed by - and two digits",
        SandboxKind::Wix => "Wix order ids are UUIDs, e.g. wix:",
        SandboxKind::Storeden => "Storeden order ids are digits, _ and letters or digits, e.g. storeden:132_",
        SandboxKind::Vesuviopay => "VesuvioPay order ids are its UUIDs or an external order id",
        SandboxKind::Merchantpro => "MerchantPro order ids are digits, e.g. merchantpro:11089919",
    }
}

fn total_requests(stack: &Stack) -> usize {
    SandboxKind::ALL.iter().map(|kind| stack.sandbox(*kind).control.request_count()).sum()
}

fn reset(stack: &Stack) {
    for kind in SandboxKind::ALL {
        stack.sandbox(kind).control.reset_requests();
    }
}

// `merchantpro:abc` is INVALID_ID in words that give the expected shape, and MerchantPro is never asked
// (it used to answer "Invalid value for ids: abc").
#[tokio::test]
async fn a_malformed_merchantpro_id_is_refused_in_words() {
    let stack = Stack::start(&[SandboxKind::Merchantpro], options(5)).await;
    let response = stack.gql(r#"{ order(id: "merchantpro:abc") { id } }"#, json!({})).await;
    let errors = errors(&response);
    assert_eq!(errors.len(), 1, "{response}");
    assert_eq!(errors[0]["extensions"]["code"], "INVALID_ID", "{response}");
    assert_eq!(
        errors[0]["message"],
        "invalid order id \"merchantpro:abc\": MerchantPro order ids are digits, e.g. merchantpro:11089919"
    );
    assert!(response["data"]["order"].is_null(), "{response}");
    assert_eq!(stack.sandbox(SandboxKind::Merchantpro).control.request_count(), 0);
}

// For every backend, each malformed id is INVALID_ID through `order` and `node` (extensions.code) and through
// every mutation (userErrors), naming the shape; no sandbox is asked anything.
#[tokio::test]
async fn malformed_ids_are_invalid_id_everywhere_without_a_call() {
    let stack = Stack::start(&SandboxKind::ALL, options(5)).await;
    reset(&stack);
    let mutations = [
        ("updateOrderStatus", "UpdateOrderStatusInput", json!({ "status": "PROCESSING" })),
        ("cancelOrder", "CancelOrderInput", json!({ "reason": "asked" })),
        ("linkOrder", "LinkOrderInput", json!({ "externalOrderId": "shopify_order_1" })),
        ("addOrderTags", "OrderTagsInput", json!({ "tags": ["vip"] })),
        ("removeOrderTags", "OrderTagsInput", json!({ "tags": ["vip"] })),
    ];
    for kind in SandboxKind::ALL {
        for id in malformed(kind) {
            for query in
                ["query($id: ID!) { order(id: $id) { id } }", "query($id: ID!) { node(id: $id) { id } }"]
            {
                let response = stack.gql(query, json!({ "id": id })).await;
                let errors = errors(&response);
                assert_eq!(errors.len(), 1, "{id}: {response}");
                assert_eq!(errors[0]["extensions"]["code"], "INVALID_ID", "{id}: {response}");
                let message = errors[0]["message"].as_str().unwrap();
                assert!(message.contains(shape_words(kind)), "{id}: {message}");
            }
            for (name, input_type, input) in &mutations {
                let mut input = input.clone();
                input["id"] = json!(id);
                let query = format!(
                    "mutation($input: {input_type}!) {{ {name}(input: $input) {{ order {{ id }} userErrors {{ code message }} }} }}"
                );
                let response = stack.gql(&query, json!({ "input": input })).await;
                assert_no_errors(&response);
                let payload = &response["data"][name];
                assert_eq!(payload["userErrors"][0]["code"], "INVALID_ID", "{name} {id}: {response}");
                let message = payload["userErrors"][0]["message"].as_str().unwrap();
                assert!(message.contains(shape_words(kind)), "{name} {id}: {message}");
                assert!(payload["order"].is_null(), "{response}");
            }
        }
    }
    assert_eq!(total_requests(&stack), 0, "a malformed id reached a backend");
    // Other bad input keeps its own code.
    let response = stack.gql("{ orders(first: 1000) { nodes { id } } }", json!({})).await;
    assert_eq!(errors(&response)[0]["extensions"]["code"], "BAD_USER_INPUT", "{response}");
}

// In `nodes`, a malformed id (or one of an unknown backend) is null with its own INVALID_ID error at its index;
// the other ids answer, at the cost of exactly the calls they make alone.
#[tokio::test]
async fn nodes_answers_the_good_ids_beside_malformed_ones() {
    let stack = Stack::start_with(&SandboxKind::ALL, options(5), |config| config.cache.enabled = false).await;
    let listing = stack.gql("{ orders(first: 25) { nodes { id } } }", json!({})).await;
    assert_no_errors(&listing);
    let mut good: Vec<String> = Vec::new();
    for kind in SandboxKind::ALL {
        let prefix = format!("{}:", kind.as_str());
        let id = listing["data"]["orders"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|n| n["id"].as_str())
            .find(|id| id.starts_with(&prefix))
            .unwrap_or_else(|| panic!("a {prefix} order in {listing}"));
        good.push(id.to_string());
    }
    let query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }";
    reset(&stack);
    let alone = stack.gql(query, json!({ "ids": good })).await;
    assert_no_errors(&alone);
    let calls_alone = total_requests(&stack);
    assert!(calls_alone >= good.len(), "each good id costs a call");

    // good, bad, good, bad, …, then an unknown backend.
    let mut mixed: Vec<String> = Vec::new();
    for (kind, id) in SandboxKind::ALL.into_iter().zip(&good) {
        mixed.push(id.clone());
        mixed.push(malformed(kind)[0].clone());
    }
    mixed.push("nosuch:1".to_string());
    reset(&stack);
    let response = stack.gql(query, json!({ "ids": mixed })).await;
    assert_eq!(total_requests(&stack), calls_alone, "the malformed ids made calls");
    let nodes = response["data"]["nodes"].as_array().unwrap_or_else(|| panic!("nodes: {response}"));
    assert_eq!(nodes.len(), mixed.len());
    let errors = errors(&response);
    assert_eq!(errors.len(), SandboxKind::ALL.len() + 1, "{response:#}");
    for (index, (node, id)) in nodes.iter().zip(&mixed).enumerate() {
        if index % 2 == 0 && index < mixed.len() - 1 {
            assert_eq!(node["id"], json!(id), "{response}");
        } else {
            assert!(node.is_null(), "{id}: {response}");
            let error = errors
                .iter()
                .find(|e| e["path"] == json!(["nodes", index]))
                .unwrap_or_else(|| panic!("no error at nodes.{index}: {response:#}"));
            assert_eq!(error["extensions"]["code"], "INVALID_ID", "{error}");
        }
    }
}

// An empty list in any list field of the filter selects no order, the same way for each: an empty page,
// hasNextPage false, totalCount 0, no backend asked (a list of only blank tags too). A named backend that does
// not exist is still refused. A non-empty list does ask the backends (the counters count).
#[tokio::test]
async fn an_empty_filter_list_selects_nothing_without_a_call() {
    let stack = Stack::start(&SandboxKind::ALL, options(5)).await;
    let query = "query($filter: OrderFilter) { orders(first: 10, filter: $filter) {
        nodes { id } totalCount pageInfo { hasNextPage endCursor } backendResults { backend } } }";
    let empty_page = json!({
        "nodes": [], "totalCount": 0, "pageInfo": { "hasNextPage": false, "endCursor": null }, "backendResults": []
    });
    for filter in [
        json!({ "backends": [] }),
        json!({ "status": [] }),
        json!({ "paymentStatus": [] }),
        json!({ "fulfillmentStatus": [] }),
        json!({ "tags": [] }),
        json!({ "tags": ["", "  "] }),
        json!({ "status": [], "backends": ["vtex", "wix"] }),
        json!({ "status": ["SHIPPED"], "tags": [], "customerEmail": "a@b.c" }),
    ] {
        reset(&stack);
        let response = stack.gql(query, json!({ "filter": filter })).await;
        assert_no_errors(&response);
        assert_eq!(response["data"]["orders"], empty_page, "{filter}: {response}");
        assert_eq!(total_requests(&stack), 0, "{filter} asked a backend");
    }
    let response =
        stack.gql(query, json!({ "filter": { "status": [], "backends": ["vtex", "nosuch"] } })).await;
    assert_eq!(errors(&response)[0]["extensions"]["code"], "BAD_USER_INPUT", "{response}");
    assert!(errors(&response)[0]["message"].as_str().unwrap().contains("nosuch"), "{response}");

    reset(&stack);
    let response = stack.gql(query, json!({ "filter": { "status": ["SHIPPED"] } })).await;
    assert_no_errors(&response);
    assert_eq!(response["data"]["orders"]["backendResults"].as_array().map(Vec::len), Some(5));
    assert!(total_requests(&stack) >= 5, "a real filter asks every backend");
    let unfiltered: Value = stack.gql(query, json!({ "filter": null })).await;
    assert_no_errors(&unfiltered);
    assert_eq!(unfiltered["data"]["orders"]["nodes"].as_array().map(Vec::len), Some(10));
}
