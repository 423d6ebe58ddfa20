//! `schema.graphql` must equal what the code generates (`ordergraph schema`).
//! Run `UPDATE_SCHEMA=1 cargo test --test schema` to rewrite it after changing the schema.

use std::path::Path;

// The committed SDL matches the code; UPDATE_SCHEMA=1 rewrites it.
#[test]
fn schema_graphql_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let generated = ordergraph::graphql::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).expect("write schema.graphql");
    }
    let committed = std::fs::read_to_string(&path).expect("schema.graphql exists");
    assert!(
        committed == generated,
        "schema.graphql is out of date: run `UPDATE_SCHEMA=1 cargo test --test schema` and commit it"
    );
}

// The contract's names exist in the schema.
#[test]
fn contract_names_exist() {
    let sdl = ordergraph::graphql::sdl();
    for name in [
        "interface Node",
        "type Order implements Node",
        "orders(",
        "nodes(ids: [ID!]!): [Node]!",
        "backends: [Backend!]!",
        "input OrderFilter",
        "type OrderConnection",
        "backendResults: [BackendResult!]!",
        "updateOrderStatus(input: UpdateOrderStatusInput!): OrderPayload!",
        "cancelOrder(input: CancelOrderInput!): OrderPayload!",
        "linkOrder(input: LinkOrderInput!): OrderPayload!",
        "addOrderTags(input: OrderTagsInput!): OrderPayload!",
        "removeOrderTags(input: OrderTagsInput!): OrderPayload!",
        "scalar Decimal",
        "scalar DateTime",
        "scalar JSON",
        "enum UserErrorCode",
    ] {
        assert!(sdl.contains(name), "schema lacks {name:?}");
    }
}
