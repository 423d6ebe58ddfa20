//! One order, one answer: every field of an order reads the same whichever query read it — a row of `orders`
//! (completed by the full order where the row lacks a part), a row's summary (a listing asking no more),
//! `order(id:)`, `nodes(ids:)` (a batched lookup,
//! which some adapters serve by another vendor call than a single lookup), from the cache or fresh from the
//! backend. Checked over loopback for the first page of every backend of a demo-like stack.

mod common;

use std::collections::BTreeSet;

use common::{Stack, assert_no_errors, options};
use ordergraph::sandbox::SandboxKind;
use serde_json::{Value, json};

/// The selection of every field of `type_name`, nested objects included, built from the schema itself so
/// that a field added later is compared too. `Order.native` is left out: a list row's `native` is the row the
/// list sent and a full order's is the vendor's "get order" payload, which legitimately differ (the list
/// row carries fewer fields); every unified field must agree.
fn selection(schema: &Value, type_name: &str) -> String {
    let types = schema["data"]["__schema"]["types"].as_array().expect("types");
    let find = |name: &str| types.iter().find(|t| t["name"] == name).expect("type in schema");
    fn named(mut ty: &Value) -> &Value {
        while ty["ofType"].is_object() {
            ty = &ty["ofType"];
        }
        ty
    }
    let ty = find(type_name);
    let mut fields = Vec::new();
    for field in ty["fields"].as_array().expect("fields") {
        let name = field["name"].as_str().expect("name");
        if type_name == "Order" && name == "native" {
            continue;
        }
        assert!(field["args"].as_array().is_none_or(Vec::is_empty), "{type_name}.{name} takes arguments");
        let inner = named(&field["type"]);
        match inner["kind"].as_str() {
            Some("OBJECT") => fields
                .push(format!("{name} {{ {} }}", selection(schema, inner["name"].as_str().expect("name")))),
            Some("SCALAR" | "ENUM") => fields.push(name.to_string()),
            other => panic!("{type_name}.{name} is a {other:?}; teach this test to select it"),
        }
    }
    fields.join(" ")
}

/// What a list row's summary holds: a listing asking only these decodes no more.
const SUMMARY: &str =
    "id backend { name } nativeId number status { order payment fulfillment native label } placedAt
    updatedAt currencyCode totals { total { amount currencyCode } }";

/// `value` with only the fields `shape` has, at every depth.
fn project(value: &Value, shape: &Value) -> Value {
    match (value, shape) {
        (Value::Object(fields), Value::Object(wanted)) => Value::Object(
            wanted
                .iter()
                .map(|(name, inner)| (name.clone(), project(fields.get(name).unwrap_or(&Value::Null), inner)))
                .collect(),
        ),
        _ => value.clone(),
    }
}

/// The fields of `a` and `b` that differ, as `path: a != b`.
fn differences(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for key in keys {
                differences(
                    &format!("{path}.{key}"),
                    x.get(key).unwrap_or(&Value::Null),
                    y.get(key).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (a, b)) in x.iter().zip(y).enumerate() {
                differences(&format!("{path}[{i}]"), a, b, out);
            }
        }
        _ if a != b => out.push(format!("{path}: {a} != {b}")),
        _ => {}
    }
}

/// Reads the first page of each backend through `orders` (whole and as summaries), then each of its orders
/// through `order(id:)` and all of them through `nodes(ids:)`, and lists every field that differs.
async fn compare(stack: &Stack, order: &str, label: &str) -> Vec<String> {
    let mut found = Vec::new();
    for kind in SandboxKind::ALL {
        let backend = kind.as_str();
        let list = stack
            .gql(
                &format!("query($b: [String!]) {{ orders(first: 20, filter: {{ backends: $b }}) {{ nodes {{ {order} }} }} }}"),
                json!({ "b": [backend] }),
            )
            .await;
        assert_no_errors(&list);
        let rows = list["data"]["orders"]["nodes"].as_array().expect("nodes").clone();
        assert!(rows.len() >= 10, "{backend}: a first page of orders: {list}");
        // A listing that asks only what a row's summary holds decodes summaries (MerchantPro then asks the
        // vendor for those fields only): the same values.
        let summaries = stack
            .gql(
                &format!("query($b: [String!]) {{ orders(first: 20, filter: {{ backends: $b }}) {{ nodes {{ {SUMMARY} }} }} }}"),
                json!({ "b": [backend] }),
            )
            .await;
        assert_no_errors(&summaries);
        let summaries = summaries["data"]["orders"]["nodes"].as_array().expect("nodes").clone();
        assert_eq!(summaries.len(), rows.len(), "{backend}");
        for (summary, row) in summaries.iter().zip(&rows) {
            let id = row["id"].as_str().unwrap_or_default();
            differences(&format!("{label} {id} summary→orders"), summary, &project(row, summary), &mut found);
        }
        let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().expect("id")).collect();
        for (row, id) in rows.iter().zip(&ids) {
            let one = stack
                .gql(&format!("query($id: ID!) {{ order(id: $id) {{ {order} }} }}"), json!({ "id": id }))
                .await;
            assert_no_errors(&one);
            differences(&format!("{label} {id} orders→order(id:)"), row, &one["data"]["order"], &mut found);
        }
        let many = stack
            .gql(
                &format!("query($ids: [ID!]!) {{ nodes(ids: $ids) {{ ... on Order {{ {order} }} }} }}"),
                json!({ "ids": ids }),
            )
            .await;
        assert_no_errors(&many);
        let nodes = many["data"]["nodes"].as_array().expect("nodes");
        for ((row, node), id) in rows.iter().zip(nodes).zip(&ids) {
            differences(&format!("{label} {id} orders→nodes(ids:)"), row, node, &mut found);
        }
    }
    found
}

// Every field of every order of each backend's first page (all but `native`) is the same in `orders`,
// `order(id:)` and `nodes(ids:)`: with the cache off (each lookup is a fresh vendor call) and on (lookups
// served from what the listing cached).
#[tokio::test]
async fn every_field_reads_the_same_in_lists_and_lookups() {
    let fresh =
        Stack::start_with(&SandboxKind::ALL, options(120), |config| config.cache.enabled = false).await;
    let schema = fresh.gql("{ __schema { types { name kind fields { name args { name } type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }", json!({})).await;
    let order = selection(&schema, "Order");
    for field in ["number", "placedAt", "updatedAt", "customer { ", "lineItems { ", "tracking { ", "tags"] {
        assert!(order.contains(field), "the selection has {field}: {order}");
    }
    let mut found = compare(&fresh, &order, "no cache:").await;
    drop(fresh);
    let cached = Stack::start(&SandboxKind::ALL, options(120)).await;
    found.extend(compare(&cached, &order, "cache:").await);
    assert!(found.is_empty(), "{} fields differ:\n{}", found.len(), found.join("\n"));
}
