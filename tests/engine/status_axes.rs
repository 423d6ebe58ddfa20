//! The status axes follow one rule on every backend (README "Status axes"), in list rows and in full orders
//! alike, and every status filter selects exactly what the mapping says, whether the backend pushes it down
//! or the engine applies it.

use ordergraph::domain::{FulfillmentStatus, OrderStatus, PaymentStatus, Status};

use super::*;

/// The unified status of a node (`status { order payment fulfillment native }`).
fn status_of(node: &Value) -> Status {
    let axis = |name: &str| node["status"][name].clone();
    Status::new(
        serde_json::from_value::<OrderStatus>(axis("order")).unwrap(),
        serde_json::from_value::<PaymentStatus>(axis("payment")).unwrap(),
        serde_json::from_value::<FulfillmentStatus>(axis("fulfillment")).unwrap(),
        node["status"]["native"].as_str().unwrap(),
    )
}

fn api_name<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value).unwrap().as_str().unwrap().to_string()
}

// Every order of every backend, as a list row and as a full order, has axes that follow the rule, and both
// readings agree; the known breaches are gone: a cancelled Wix order with nothing fulfilled is fulfilment
// CANCELLED, Storeden AfterSale (8) is RETURNED on both axes.
#[tokio::test]
async fn every_order_follows_the_axis_rule() {
    let stack = Stack::start(&ALL, options(120)).await;
    let rows = walk(&stack, 100, Value::Null, "id status { order payment fulfillment native }").await;
    assert!(rows.len() > 500, "{} orders listed", rows.len()); // Wix search hides INITIALIZED orders
    for row in &rows {
        let status = status_of(row);
        assert_eq!(status.axis_rule_violation(), None, "{row}");
    }
    let wix_cancelled: Vec<&Value> = rows
        .iter()
        .filter(|n| n["id"].as_str().unwrap().starts_with("wix:") && n["status"]["order"] == "CANCELLED")
        .collect();
    assert!(!wix_cancelled.is_empty());
    for row in &wix_cancelled {
        if row["status"]["native"].as_str().unwrap().ends_with("/NOT_FULFILLED") {
            assert_eq!(row["status"]["fulfillment"], "CANCELLED", "{row}");
        }
    }
    let after_sale: Vec<&Value> = rows
        .iter()
        .filter(|n| n["id"].as_str().unwrap().starts_with("storeden:") && n["status"]["native"] == "8")
        .collect();
    assert!(!after_sale.is_empty());
    for row in after_sale {
        assert_eq!(
            (&row["status"]["order"], &row["status"]["fulfillment"]),
            (&json!("RETURNED"), &json!("RETURNED"))
        );
    }

    // The full orders say the same (a batch of `nodes` per backend).
    let ids: Vec<&str> = rows.iter().map(|n| n["id"].as_str().unwrap()).collect();
    for chunk in ids.chunks(100) {
        let response = stack
            .gql(
                "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Order { id status { order payment fulfillment native } } } }",
                json!({ "ids": chunk }),
            )
            .await;
        assert_no_errors(&response);
        for (full, id) in response["data"]["nodes"].as_array().unwrap().iter().zip(chunk) {
            let row = rows.iter().find(|n| n["id"] == *id).unwrap();
            assert_eq!(full["status"], row["status"], "{id}: the full order and its list row");
        }
    }
}

// For every value of every axis, the filter returns exactly the orders of the full listing that have that
// value, on every backend (pushed down natively, narrowed, or applied by the engine).
#[tokio::test]
async fn every_axis_value_filters_exactly() {
    let stack = Stack::start(&ALL, options(120)).await;
    let all = everything(&stack).await;
    let mut filters: Vec<(&str, String)> = Vec::new();
    filters.extend(OrderStatus::ALL.iter().map(|s| ("status", api_name(s))));
    filters.extend(PaymentStatus::ALL.iter().map(|s| ("paymentStatus", api_name(s))));
    filters.extend(FulfillmentStatus::ALL.iter().map(|s| ("fulfillmentStatus", api_name(s))));
    let axis = |field: &str| match field {
        "status" => "order",
        "paymentStatus" => "payment",
        _ => "fulfillment",
    };
    for (field, value) in &filters {
        let expected: Vec<&str> = all
            .iter()
            .filter(|n| n["status"][axis(field)] == value.as_str())
            .map(|n| n["id"].as_str().unwrap())
            .collect();
        let (got, _) = page_to_end(&stack, 50, json!({ field.to_string(): [value] })).await;
        assert_eq!(got, expected, "{field}: [{value}]");
    }
    // The demo's cancelled Wix orders are found by fulfilment CANCELLED.
    let (cancelled, _) =
        page_to_end(&stack, 50, json!({ "backends": ["wix"], "fulfillmentStatus": ["CANCELLED"] })).await;
    let wix_cancelled = all
        .iter()
        .filter(|n| n["id"].as_str().unwrap().starts_with("wix:") && n["status"]["order"] == "CANCELLED")
        .count();
    assert!(wix_cancelled > 0);
    assert_eq!(cancelled.len(), wix_cancelled);
}
