//! VesuvioPay end to end: the gateway over the VesuvioPay sandbox, over real loopback HTTP.

mod common;

use common::{Stack, assert_no_errors, errors, options};
use ordergraph::sandbox::SandboxKind;
use serde_json::json;

const ORDERS: &str = "{ orders(first: 5) { nodes { id number placedAt status { order native }
    totals { total { amount currencyCode } } } } }";

// The first query of the README returns VesuvioPay orders, newest first, with exact money.
#[tokio::test]
async fn orders_newest_first() {
    let stack = Stack::start(&[SandboxKind::Vesuviopay], options(120)).await;
    let response = stack.gql(ORDERS, json!({})).await;
    assert_no_errors(&response);
    let nodes = response["data"]["orders"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 5);
    for node in nodes {
        assert!(node["id"].as_str().unwrap().starts_with("vesuviopay:"));
        assert!(node["number"].as_str().unwrap().starts_with("VES-"));
        assert_eq!(node["totals"]["total"]["currencyCode"], "EUR");
        let amount = node["totals"]["total"]["amount"].as_str().unwrap();
        assert!(amount.parse::<rust_decimal::Decimal>().is_ok(), "{amount}");
    }
    let times: Vec<chrono::DateTime<chrono::FixedOffset>> = nodes
        .iter()
        .map(|n| chrono::DateTime::parse_from_rfc3339(n["placedAt"].as_str().unwrap()).unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "not newest first: {times:?}");
}

// `order(id:)` by internal id returns line items and addresses; by external id returns the same order.
#[tokio::test]
async fn order_by_internal_and_external_id() {
    let stack = Stack::start(&[SandboxKind::Vesuviopay], options(60)).await;
    let list = stack.gql("{ orders(first: 50) { nodes { id externalOrderId } } }", json!({})).await;
    assert_no_errors(&list);
    let nodes = list["data"]["orders"]["nodes"].as_array().unwrap();
    let linked =
        nodes.iter().find(|n| n["externalOrderId"].is_string()).expect("an order with an external id");
    let id = linked["id"].as_str().unwrap();
    let query =
        "query($id: ID!) { order(id: $id) { id nativeId lineItems { name quantity unitPrice { amount } }
        shippingAddress { city countryCode } billingAddress { city } customer { email } } }";
    let by_internal = stack.gql(query, json!({ "id": id })).await;
    assert_no_errors(&by_internal);
    let order = &by_internal["data"]["order"];
    assert_eq!(order["id"], id);
    assert!(!order["lineItems"].as_array().unwrap().is_empty());
    assert!(order["shippingAddress"]["city"].is_string());
    assert_eq!(order["shippingAddress"]["countryCode"].as_str().map(str::len), Some(2));

    let external = format!("vesuviopay:{}", linked["externalOrderId"].as_str().unwrap());
    let by_external = stack.gql(query, json!({ "id": external })).await;
    assert_no_errors(&by_external);
    assert_eq!(by_external["data"]["order"]["nativeId"], order["nativeId"]);
}

// `node` and `backends` answer; a malformed or unknown-backend id is INVALID_ID-style BAD_USER_INPUT without a call.
#[tokio::test]
async fn node_backends_and_bad_ids() {
    let stack = Stack::start(&[SandboxKind::Vesuviopay], options(10)).await;
    let list = stack.gql("{ orders(first: 1) { nodes { id } } }", json!({})).await;
    let id = list["data"]["orders"]["nodes"][0]["id"].as_str().unwrap().to_string();
    let node = stack
        .gql("query($id: ID!) { node(id: $id) { id ... on Order { number } } }", json!({ "id": id }))
        .await;
    assert_no_errors(&node);
    assert_eq!(node["data"]["node"]["id"], id.as_str());

    let backends = stack
        .gql("{ backends { name kind capabilities { cancel link addTags updateStatusTo } } }", json!({}))
        .await;
    assert_no_errors(&backends);
    assert_eq!(backends["data"]["backends"][0]["name"], "vesuviopay");
    assert_eq!(backends["data"]["backends"][0]["kind"], "VESUVIOPAY");

    let before = stack.sandbox(SandboxKind::Vesuviopay).control.request_count();
    for bad in ["nocolon", "nosuch:123", "Vesuviopay:1", "vesuviopay:"] {
        let response = stack.gql("query($id: ID!) { order(id: $id) { id } }", json!({ "id": bad })).await;
        let errors = errors(&response);
        assert_eq!(errors.len(), 1, "{bad}: {response}");
        assert_eq!(errors[0]["extensions"]["code"], "BAD_USER_INPUT", "{bad}: {response}");
        assert!(errors[0]["message"].as_str().unwrap().contains("invalid order id"), "{response}");
    }
    assert_eq!(
        stack.sandbox(SandboxKind::Vesuviopay).control.request_count(),
        before,
        "a bad id reached the backend"
    );
}

// A sandbox answering 401 (bad key) or 500 gives a clear error naming the backend, with no secret in it.
#[tokio::test]
async fn unauthorized_and_server_errors() {
    let stack = Stack::start_with(&[SandboxKind::Vesuviopay], options(10), |config| {
        for backend in config.backends.values_mut() {
            backend.credentials.insert("api_key".into(), ordergraph::config::Secret::new("sk_wrong_secret"));
        }
    })
    .await;
    let response = stack
        .gql("{ orders(first: 3) { nodes { id } backendResults { backend ok code } } }", json!({}))
        .await;
    let found = errors(&response);
    assert_eq!(found[0]["extensions"]["code"], "UNAUTHENTICATED", "{response}");
    assert_eq!(found[0]["extensions"]["backend"], "vesuviopay");
    assert_eq!(response["data"]["orders"]["backendResults"][0]["ok"], false);
    assert!(!response.to_string().contains("sk_wrong_secret"));

    let stack = Stack::start(&[SandboxKind::Vesuviopay], options(10)).await;
    stack.sandbox(SandboxKind::Vesuviopay).control.set_fail_rate(1.0);
    let response = stack
        .gql("{ orders(first: 3) { nodes { id } backendResults { backend ok code } } }", json!({}))
        .await;
    let errors = errors(&response);
    assert_eq!(errors[0]["extensions"]["code"], "BACKEND_UNAVAILABLE", "{response}");
    assert_eq!(errors[0]["extensions"]["backend"], "vesuviopay");
    assert_eq!(response["data"]["orders"]["nodes"].as_array().unwrap().len(), 0);
    assert_eq!(response["data"]["orders"]["backendResults"][0]["code"], "BACKEND_UNAVAILABLE");
}

// Every order is reachable past the 50-per-call limit, exactly once, newest first.
#[tokio::test]
async fn lists_every_order_past_the_limit() {
    let stack = Stack::start(&[SandboxKind::Vesuviopay], options(130)).await;
    let (ids, _) = common::page_to_end(&stack, 40, json!(null)).await;
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "an order came twice");
    assert_eq!(ids.len(), 130);
}

// Mutations the backend cannot do answer UNSUPPORTED without any backend call.
#[tokio::test]
async fn unsupported_mutation_makes_no_call() {
    let stack = Stack::start(&[SandboxKind::Vesuviopay], options(5)).await;
    let list = stack.gql("{ orders(first: 1) { nodes { id } } }", json!({})).await;
    let id = list["data"]["orders"]["nodes"][0]["id"].as_str().unwrap().to_string();
    let before = stack.sandbox(SandboxKind::Vesuviopay).control.request_count();
    let response = stack
        .gql(
            "mutation($id: ID!) { addOrderTags(input: { id: $id, tags: [\"vip\"] }) { order { id } userErrors { code message } } }",
            json!({ "id": id }),
        )
        .await;
    assert_no_errors(&response);
    assert_eq!(response["data"]["addOrderTags"]["userErrors"][0]["code"], "UNSUPPORTED");
    assert_eq!(stack.sandbox(SandboxKind::Vesuviopay).control.request_count(), before);
}
