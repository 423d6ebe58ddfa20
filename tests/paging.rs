//! The paging guarantee, per backend over loopback: while a client pages through `orders` with one filter, every
//! order that exists and matches during the whole walk comes exactly once, whatever is created, deleted or
//! moved out of the filter between pages (the sandboxes' admin creates and deletes; mutations move).

mod common;

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Duration, FixedOffset};
use common::{Stack, assert_no_errors, options, page_to_end, walk};
use ordergraph::sandbox::SandboxKind;
use serde_json::{Value, json};

const ALL: [SandboxKind; 5] = SandboxKind::ALL;

/// One page: `(global id, placedAt)` of each node, the end cursor, and whether more follow.
struct Page {
    nodes: Vec<(String, DateTime<FixedOffset>)>,
    end: Value,
    more: bool,
}

async fn page(stack: &Stack, first: i64, after: &Value, filter: &Value) -> Page {
    let query = "query($first: Int, $after: String, $filter: OrderFilter) {
        orders(first: $first, after: $after, filter: $filter) {
          nodes { id placedAt } pageInfo { hasNextPage endCursor } backendResults { backend ok code } } }";
    let response = stack.gql(query, json!({ "first": first, "after": after, "filter": filter })).await;
    assert_no_errors(&response);
    let connection = &response["data"]["orders"];
    for result in connection["backendResults"].as_array().expect("backendResults") {
        assert_eq!(result["ok"], json!(true), "{response:#}");
    }
    let nodes = connection["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| {
            let at =
                DateTime::parse_from_rfc3339(n["placedAt"].as_str().expect("placedAt")).expect("RFC 3339");
            (n["id"].as_str().expect("id").to_string(), at)
        })
        .collect();
    let more = connection["pageInfo"]["hasNextPage"].as_bool().expect("hasNextPage");
    Page { nodes, end: connection["pageInfo"]["endCursor"].clone(), more }
}

fn native(id: &str) -> &str {
    id.split_once(':').map_or(id, |(_, native)| native)
}

/// Asserts that `seen` holds every id of `stable` exactly once and nothing twice.
fn exactly_once(kind: SandboxKind, seen: &[String], stable: &HashSet<String>) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for id in seen {
        *counts.entry(id).or_default() += 1;
    }
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "{kind:?}: returned twice: {twice:?}");
    let missing: Vec<_> = stable.iter().filter(|id| !counts.contains_key(id.as_str())).collect();
    assert!(missing.is_empty(), "{kind:?}: never returned: {missing:?}");
}

// Between pages, the orders just returned are deleted (what shifts an offset or a page number up) and one
// ahead of the walk's position, and orders are created newer than everything and inside the part already returned (what
// shifts them down). Every order that existed throughout comes exactly once; a deleted one not yet reached
// never comes.
#[tokio::test]
async fn creating_and_deleting_between_pages_keeps_each_order_once() {
    let stack = Stack::start(&ALL, options(60)).await;
    for kind in ALL {
        let filter = json!({ "backends": [kind.as_str()] });
        let (baseline, _) = page_to_end(&stack, 100, filter.clone()).await;
        let admin = stack.sandbox(kind).admin();
        let mut deleted = HashSet::new();
        let mut seen: Vec<String> = Vec::new();
        let mut after = Value::Null;
        let mut pages = 0;
        loop {
            let got = page(&stack, 7, &after, &filter).await;
            seen.extend(got.nodes.iter().map(|(id, _)| id.clone()));
            pages += 1;
            if pages <= 4 && got.nodes.len() >= 3 {
                let (_, last_at) = got.nodes[got.nodes.len() - 1].clone();
                let (newest, newest_at) = got.nodes[0].clone();
                // The orders just returned go (what shifts an offset or a page number up).
                for (id, _) in &got.nodes[1..] {
                    assert!(admin.delete(native(id)), "{kind:?}: delete {id}");
                    deleted.insert(id.clone());
                }
                // One order ahead goes: never to be returned.
                let ahead = baseline.iter().rev().find(|id| !seen.contains(id) && !deleted.contains(*id));
                if let Some(ahead) = ahead {
                    assert!(admin.delete(native(ahead)), "{kind:?}: delete {ahead}");
                    deleted.insert(ahead.clone());
                }
                // New orders: newer than all, and between the newest returned and the position.
                let now = chrono::Utc::now().fixed_offset() + Duration::hours(1);
                let middle = last_at + (newest_at - last_at) / 2 + Duration::seconds(1);
                for at in [now, middle] {
                    admin.create_like(native(&newest), at).expect("a copy");
                }
            }
            if !got.more {
                break;
            }
            assert!(pages < 200, "{kind:?}: paging does not end");
            after = got.end;
        }
        let stable: HashSet<String> = baseline.iter().filter(|id| !deleted.contains(*id)).cloned().collect();
        let returned_then_deleted: HashSet<&String> = deleted.iter().filter(|id| seen.contains(id)).collect();
        let only_stable: Vec<String> = seen
            .iter()
            .filter(|id| baseline.contains(id) && !returned_then_deleted.contains(id))
            .cloned()
            .collect();
        exactly_once(kind, &only_stable, &stable);
        let unreturned_deleted: Vec<_> =
            deleted.iter().filter(|id| !returned_then_deleted.contains(id)).collect();
        for id in unreturned_deleted {
            assert!(!seen.contains(id), "{kind:?}: {id} was deleted before it was reached");
        }
        assert!(seen.iter().collect::<HashSet<_>>().len() == seen.len(), "{kind:?}: an order came twice");
    }
}

/// Tries to move an order out of status `from`: each status its backend can set, then a cancellation. Returns
/// whether one change was accepted and the order no longer reads `from`.
async fn move_out(stack: &Stack, id: &str, from: &str, targets: &[Value]) -> bool {
    let update = "mutation($id: ID!, $status: OrderStatus!) {
        updateOrderStatus(input: {id: $id, status: $status, shipment: {carrier: \"DHL\", trackingNumber: \"T1\",
          invoiceNumber: \"INV-1\"}}) { userErrors { code } } }";
    let cancel =
        "mutation($id: ID!) { cancelOrder(input: {id: $id, reason: \"test\"}) { userErrors { code } } }";
    let mut attempts: Vec<(&str, Value, &str)> = targets
        .iter()
        .filter(|t| t.as_str() != Some(from))
        .map(|t| (update, json!({ "id": id, "status": t }), "updateOrderStatus"))
        .collect();
    attempts.push((cancel, json!({ "id": id }), "cancelOrder"));
    for (query, variables, field) in attempts {
        let response = stack.gql(query, variables).await;
        let accepted = response["data"][field]["userErrors"].as_array().is_some_and(Vec::is_empty);
        if accepted {
            let read = stack
                .gql("query($id: ID!) { order(id: $id) { status { order } } }", json!({ "id": id }))
                .await;
            if read["data"]["order"]["status"]["order"].as_str() != Some(from) {
                return true;
            }
        }
    }
    false
}

// The case on every backend: paging a status filter while the orders just returned move to another
// status (leave the filter). Every order that kept the status throughout comes exactly once.
#[tokio::test]
async fn orders_leaving_the_filter_between_pages_shift_nothing() {
    let stack = Stack::start(&ALL, options(150)).await;
    let capabilities = stack.gql("{ backends { name capabilities { updateStatusTo } } }", Value::Null).await;
    assert_no_errors(&capabilities);
    for kind in ALL {
        let backend = capabilities["data"]["backends"]
            .as_array()
            .expect("backends")
            .iter()
            .find(|b| b["name"] == json!(kind.as_str()))
            .expect("the backend")
            .clone();
        let targets = backend["capabilities"]["updateStatusTo"].as_array().cloned().unwrap_or_default();
        // The most common status whose orders can leave it (one order is tried, and moved, to find out).
        let all = stack
            .gql(
                "query($f: OrderFilter) { orders(first: 100, filter: $f) { nodes { id status { order } } } }",
                json!({ "f": { "backends": [kind.as_str()] } }),
            )
            .await;
        assert_no_errors(&all);
        let mut by_status: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for node in all["data"]["orders"]["nodes"].as_array().expect("nodes") {
            let status = node["status"]["order"].as_str().expect("status").to_string();
            by_status.entry(status).or_default().push(node["id"].as_str().expect("id").to_string());
        }
        let mut candidates: Vec<(&String, &Vec<String>)> =
            by_status.iter().filter(|(_, ids)| ids.len() >= 10).collect();
        candidates.sort_by_key(|(_, ids)| std::cmp::Reverse(ids.len()));
        let mut chosen = None;
        for (status, ids) in candidates {
            if move_out(&stack, &ids[ids.len() - 1], status, &targets).await {
                chosen = Some(status.clone());
                break;
            }
        }
        let status = &chosen.unwrap_or_else(|| panic!("{kind:?}: no status with orders that can leave it"));
        let filter = json!({ "backends": [kind.as_str()], "status": [status] });
        let (baseline, _) = page_to_end(&stack, 100, filter.clone()).await;

        let mut moved = HashSet::new();
        let mut seen: Vec<String> = Vec::new();
        let mut after = Value::Null;
        let mut pages = 0;
        loop {
            let got = page(&stack, 8, &after, &filter).await;
            seen.extend(got.nodes.iter().map(|(id, _)| id.clone()));
            pages += 1;
            if pages <= 5 {
                for (id, _) in &got.nodes {
                    if move_out(&stack, id, status, &targets).await {
                        moved.insert(id.clone());
                    }
                }
            }
            if !got.more {
                break;
            }
            assert!(pages < 200, "{kind:?}: paging does not end");
            after = got.end;
        }
        assert!(moved.len() >= 4, "{kind:?}: only {} orders could leave {status}", moved.len());
        let stable: HashSet<String> = baseline.iter().filter(|id| !moved.contains(*id)).cloned().collect();
        let kept: Vec<String> = seen.iter().filter(|id| !moved.contains(*id)).cloned().collect();
        exactly_once(kind, &kept, &stable);
        assert_eq!(seen.iter().collect::<HashSet<_>>().len(), seen.len(), "{kind:?}: an order came twice");
    }
}

// A filter Wix cannot apply (the e-mail) reads at most `server.max_scan_pages` search pages (of 100, the most
// Wix serves) per `orders` page:
// past it Wix's result says SCAN_LIMIT and the page ends with `hasNextPage`; reading on with the cursor returns
// exactly the matching orders, newest first across pages, with no search page read twice.
#[tokio::test]
async fn filters_the_backend_cannot_apply_read_a_bounded_number_of_pages() {
    let stack = Stack::start_with(&ALL, options(260), |config| config.server.max_scan_pages = 1).await;
    let nodes = walk(&stack, 100, json!({ "backends": ["wix"] }), "id placedAt customer { email }").await;
    assert!(nodes.len() > 200, "a store of several search pages");
    // An e-mail first seen past the first two search pages (a filtered listing reads pages of 100).
    let email = nodes[200..]
        .iter()
        .filter_map(|n| n["customer"]["email"].as_str())
        .find(|e| nodes[..200].iter().all(|n| n["customer"]["email"].as_str() != Some(e)))
        .expect("an e-mail only on older orders")
        .to_string();
    let expected: Vec<String> = nodes
        .iter()
        .filter(|n| n["customer"]["email"].as_str().is_some_and(|e| e.eq_ignore_ascii_case(&email)))
        .map(|n| n["id"].as_str().expect("id").to_string())
        .collect();

    let wix = stack.sandbox(SandboxKind::Wix);
    wix.control.reset_requests();
    let query = "query($after: String, $email: String) {
        orders(first: 5, after: $after, filter: {backends: [\"wix\"], customerEmail: $email}) {
          nodes { id placedAt } pageInfo { hasNextPage endCursor } backendResults { backend ok code message } } }";
    let first = stack.gql(query, json!({ "after": null, "email": email })).await;
    assert_no_errors(&first);
    let result = &first["data"]["orders"]["backendResults"][0];
    assert_eq!(
        (result["ok"].clone(), result["code"].clone()),
        (json!(true), json!("SCAN_LIMIT")),
        "{first:#}"
    );
    assert!(result["message"].as_str().is_some_and(|m| m.contains("server.max_scan_pages")));
    assert_eq!(first["data"]["orders"]["pageInfo"]["hasNextPage"], json!(true));
    assert_eq!(wix.control.count_matching("POST", "/ecom/v1/orders/search"), 1, "one page read");

    let (mut got, mut after, mut requests) = (Vec::new(), Value::Null, 0);
    let mut bodies = HashSet::new();
    wix.control.reset_requests();
    loop {
        let response = stack.gql(query, json!({ "after": after, "email": email })).await;
        assert_no_errors(&response);
        requests += 1;
        let connection = &response["data"]["orders"];
        got.extend(
            connection["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .map(|n| n["id"].as_str().expect("id").to_string()),
        );
        if !connection["pageInfo"]["hasNextPage"].as_bool().expect("hasNextPage") {
            break;
        }
        assert!(requests < 100, "the walk does not end");
        after = connection["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(got, expected, "exactly the matching orders, newest first");
    for request in wix.control.requests().into_iter().filter(|r| r.path.ends_with("/orders/search")) {
        assert!(bodies.insert(request.body.clone()), "a search page was read twice: {}", request.body);
    }
    assert!(bodies.len() <= requests);
}

// Across all five backends, with each backend bounded to one list page per `orders` page, an e-mail filter walked
// with a small page returns exactly the matching orders, newest first across pages.
#[tokio::test]
async fn bounded_scans_across_backends_keep_order_and_completeness() {
    let stack = Stack::start_with(&ALL, options(60), |config| config.server.max_scan_pages = 1).await;
    let (all, _) = page_to_end(&stack, 100, Value::Null).await;
    let query =
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Order { id placedAt customer { email } } } }";
    let mut orders = Vec::new();
    for chunk in all.chunks(50) {
        let response = stack.gql(query, json!({ "ids": chunk })).await;
        assert_no_errors(&response);
        orders.extend(response["data"]["nodes"].as_array().expect("nodes").iter().cloned());
    }
    // The e-mail most orders share.
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for order in &orders {
        if let Some(email) = order["customer"]["email"].as_str() {
            *counts.entry(email.to_lowercase()).or_default() += 1;
        }
    }
    let (email, _) = counts.iter().max_by_key(|(_, n)| **n).expect("e-mails");
    let expected: Vec<String> = orders
        .iter()
        .filter(|o| o["customer"]["email"].as_str().is_some_and(|e| e.eq_ignore_ascii_case(email)))
        .map(|o| o["id"].as_str().expect("id").to_string())
        .collect();
    assert!(expected.len() >= 3, "{expected:?}");
    let (got, pages) = page_to_end(&stack, 2, json!({ "customerEmail": email })).await;
    assert_eq!(got, expected, "exactly the matching orders, newest first");
    assert!(pages > expected.len() / 2);
}
