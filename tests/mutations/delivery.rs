//! VTEX delivery reads back: an order marked DELIVERED (tracking with `isDelivered`) is DELIVERED and
//! FULFILLED in the full order, in list rows and under `status: [DELIVERED]`, at the cost of the list calls
//! alone.

use super::*;

const NODE: &str = "id status { order payment fulfillment native }";

/// Every VTEX order of a listing with `filter`, paging by `first`, as `(id, node)`.
async fn listing(stack: &Stack, first: i64, filter: Value) -> Vec<Value> {
    walk(stack, first, filter, NODE).await
}

fn ids(nodes: &[Value]) -> Vec<&str> {
    nodes.iter().map(|n| n["id"].as_str().unwrap()).collect()
}

// DELIVERED on an invoiced VTEX order: the payload, `order(id:)` (whose native package says `finished` with a
// `deliveredDate`) and its list row read DELIVERED / FULFILLED; `status: [DELIVERED]` finds exactly the
// delivered orders of the whole listing, narrowed to invoiced orders (`f_invoicedDate`) and without reading
// any order beyond the list pages.
#[tokio::test]
async fn vtex_delivery_reads_back_everywhere() {
    let stack = Stack::start(&[SandboxKind::Vtex], options(120)).await;
    let kind = SandboxKind::Vtex;
    let filter = json!({ "backends": ["vtex"] });
    let before = listing(&stack, 100, filter.clone()).await;
    let shipped = before
        .iter()
        .find(|n| n["status"]["native"] == "invoiced" && n["status"]["order"] == "SHIPPED")
        .expect("an invoiced order not delivered yet")
        .clone();
    let id = shipped["id"].clone();

    let from = count(&stack, kind);
    let payload = mutate(
        &stack,
        "updateOrderStatus",
        "UpdateOrderStatusInput",
        json!({ "id": id, "status": "DELIVERED" }),
    )
    .await;
    let order = ok(&payload);
    assert_eq!(
        (&order["status"]["order"], &order["status"]["fulfillment"], &order["status"]["native"]),
        (&json!("DELIVERED"), &json!("FULFILLED"), &json!("invoiced"))
    );
    let calls = writes(&stack, kind, from);
    assert!(calls.iter().all(|r| r.method == "PUT" && r.path.ends_with("/tracking")), "{calls:?}");
    let body: Value = serde_json::from_str(&calls[0].body).unwrap();
    assert_eq!(body["isDelivered"], true);

    let full = stack
        .gql(
            "query($id: ID!) { order(id: $id) { status { order payment fulfillment } native } }",
            json!({ "id": id }),
        )
        .await;
    assert_no_errors(&full);
    let full = &full["data"]["order"];
    assert_eq!(
        full["status"],
        json!({ "order": "DELIVERED", "payment": "PAID", "fulfillment": "FULFILLED" })
    );
    let packages = full["native"]["packageAttachment"]["packages"].as_array().unwrap();
    let outbound: Vec<&Value> = packages.iter().filter(|p| p["type"] != "Input").collect();
    assert!(!outbound.is_empty());
    for package in outbound {
        assert_eq!(package["courierStatus"]["finished"], true, "{package:#}");
        assert!(package["courierStatus"]["deliveredDate"].is_string(), "{package:#}");
    }

    let after = listing(&stack, 100, filter.clone()).await;
    let row = after.iter().find(|n| n["id"] == id).expect("still listed");
    assert_eq!(
        (&row["status"]["order"], &row["status"]["fulfillment"]),
        (&json!("DELIVERED"), &json!("FULFILLED"))
    );

    let delivered: Vec<Value> =
        after.iter().filter(|n| n["status"]["order"] == "DELIVERED").cloned().collect();
    assert!(delivered.len() > 1, "the demo has delivered orders besides this one");
    stack.sandbox(kind).control.reset_requests();
    let found = listing(&stack, 20, json!({ "backends": ["vtex"], "status": ["DELIVERED"] })).await;
    assert_eq!(ids(&found), ids(&delivered));
    assert!(found.iter().all(|n| n["status"]["fulfillment"] == "FULFILLED"));
    let requests = stack.sandbox(kind).control.requests();
    assert!(!requests.is_empty());
    for request in &requests {
        assert_eq!((request.method.as_str(), request.path.as_str()), ("GET", "/api/oms/pvt/orders"));
        let query = request.query.as_deref().unwrap_or_default();
        assert!(query.contains("f_invoicedDate="), "narrowed to invoiced orders: {query}");
    }
    // Pages of 20 invoiced orders, and at most one more call per page of the listing (where one stopped).
    let invoiced = after.iter().filter(|n| n["status"]["fulfillment"] == "FULFILLED").count();
    let bound = invoiced.div_ceil(20) + found.len().div_ceil(20) + 1;
    assert!(requests.len() <= bound, "{} list calls for {invoiced} invoiced orders", requests.len());

    // SHIPPED no longer finds it; FULFILLED still does.
    let shipped_now = listing(&stack, 50, json!({ "backends": ["vtex"], "status": ["SHIPPED"] })).await;
    assert!(!ids(&shipped_now).contains(&id.as_str().unwrap()));
    let fulfilled =
        listing(&stack, 50, json!({ "backends": ["vtex"], "fulfillmentStatus": ["FULFILLED"] })).await;
    assert!(ids(&fulfilled).contains(&id.as_str().unwrap()));
}
