//! The query engine over all five sandboxes: merged paging, filters pushed down or applied, partial results,
//! DataLoader batching, and the cache — all over real loopback HTTP, counted through the sandboxes' logs.

#[path = "../common/mod.rs"]
mod common;
mod loading;
mod rows;
mod status_axes;

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use common::{Stack, assert_no_errors, errors, options, page_to_end, walk};
use ordergraph::sandbox::SandboxKind;
use serde_json::{Value, json};

const ALL: [SandboxKind; 5] = SandboxKind::ALL;

/// A filter and the local predicate it must agree with.
type Check = (Value, Box<dyn Fn(&Value) -> bool>);

/// Every order of the stack with what filters read, newest first, by a listing of pages of 100.
async fn everything(stack: &Stack) -> Vec<Value> {
    walk(stack, 100, Value::Null, "id placedAt status { order payment fulfillment } customer { email } tags")
        .await
}

fn placed(node: &Value) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(node["placedAt"].as_str().unwrap()).unwrap()
}

// Paging to the end with a small page size yields every order of every backend exactly once, newest first.
#[tokio::test]
async fn exhaustive_paging_across_five_backends() {
    let stack = Stack::start(&ALL, options(40)).await;
    let (ids, pages) = page_to_end(&stack, 7, Value::Null).await;
    let count_of = |ids: &[String]| {
        ids.iter().fold(BTreeMap::<String, usize>::new(), |mut m, id| {
            *m.entry(id.split(':').next().unwrap().to_string()).or_default() += 1;
            m
        })
    };
    // Wix search never returns INITIALIZED orders (readable by id only): count what its own API lists.
    let wix_listed = wix_search_count(&stack).await;
    assert!(wix_listed < 40, "the Wix seed has INITIALIZED orders");
    let counts = count_of(&ids);
    for (backend, n) in &counts {
        let expected = if backend == "wix" { wix_listed } else { 40 };
        assert_eq!(*n, expected, "{backend}: {counts:?}");
    }
    assert_eq!(counts.len(), 5);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len(), "no order twice");
    assert!(pages >= 200 / 7);
    let all = everything(&stack).await;
    let listed: Vec<&str> = all.iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(
        listed,
        ids.iter().map(String::as_str).collect::<Vec<_>>(),
        "page size does not change the order"
    );
    assert!(all.windows(2).all(|w| placed(&w[0]) >= placed(&w[1])), "newest first");
    let per_backend: BTreeMap<&str, usize> = listed.iter().fold(BTreeMap::new(), |mut m, id| {
        *m.entry(id.split(':').next().unwrap()).or_default() += 1;
        m
    });
    assert_eq!(per_backend.len(), 5, "{per_backend:?}");
}

/// How many orders the Wix sandbox's own search API lists, paging with its cursors.
async fn wix_search_count(stack: &Stack) -> usize {
    let url = format!("{}/ecom/v1/orders/search", stack.sandbox(SandboxKind::Wix).base_url);
    let client = reqwest::Client::new();
    let mut body = json!({ "search": { "cursorPaging": { "limit": 100 } } });
    let mut count = 0;
    loop {
        let page: Value = client
            .post(&url)
            .header("Authorization", "sandbox")
            .header("wix-site-id", "sandbox")
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        count += page["orders"].as_array().unwrap().len();
        match page["metadata"]["cursors"]["next"].as_str() {
            Some(next) if page["metadata"]["hasNext"] == true => {
                body = json!({ "search": { "cursorPaging": { "limit": 100, "cursor": next } } })
            }
            _ => return count,
        }
    }
}

// Filters give the same orders whether a backend pushes them down or the engine applies them.
#[tokio::test]
async fn filters_match_a_local_evaluation() {
    let stack = Stack::start(&ALL, options(40)).await;
    let all = everything(&stack).await;
    let middle = placed(&all[all.len() / 2]);
    let late = placed(&all[all.len() / 5]);
    let email = all.iter().find_map(|n| n["customer"]["email"].as_str()).unwrap().to_string();
    let tag = all.iter().find_map(|n| n["tags"].as_array().and_then(|t| t.first()).and_then(Value::as_str));
    let mut filters: Vec<Check> = vec![
        (json!({ "status": ["DELIVERED"] }), Box::new(|n: &Value| n["status"]["order"] == "DELIVERED")),
        (
            json!({ "status": ["CANCELLED", "PENDING"] }),
            Box::new(|n: &Value| n["status"]["order"] == "CANCELLED" || n["status"]["order"] == "PENDING"),
        ),
        (json!({ "paymentStatus": ["PAID"] }), Box::new(|n: &Value| n["status"]["payment"] == "PAID")),
        (
            json!({ "fulfillmentStatus": ["UNFULFILLED"] }),
            Box::new(|n: &Value| n["status"]["fulfillment"] == "UNFULFILLED"),
        ),
        (
            json!({ "placedAfter": middle.to_rfc3339(), "placedBefore": late.to_rfc3339() }),
            Box::new(move |n: &Value| placed(n) >= middle && placed(n) <= late),
        ),
        (
            json!({ "customerEmail": email.to_uppercase() }),
            Box::new(move |n: &Value| {
                n["customer"]["email"].as_str().is_some_and(|e| e.eq_ignore_ascii_case(&email))
            }),
        ),
        (
            json!({ "backends": ["wix", "merchantpro"], "status": ["DELIVERED", "SHIPPED"] }),
            Box::new(|n: &Value| {
                let id = n["id"].as_str().unwrap();
                (id.starts_with("wix:") || id.starts_with("merchantpro:"))
                    && (n["status"]["order"] == "DELIVERED" || n["status"]["order"] == "SHIPPED")
            }),
        ),
    ];
    if let Some(tag) = tag {
        let tag = tag.to_string();
        filters.push((
            json!({ "tags": [tag.clone()] }),
            Box::new(move |n: &Value| {
                n["tags"].as_array().unwrap().iter().any(|t| t.as_str().unwrap().eq_ignore_ascii_case(&tag))
            }),
        ));
    }
    for (filter, keep) in &filters {
        let expected: Vec<&str> = all.iter().filter(|n| keep(n)).map(|n| n["id"].as_str().unwrap()).collect();
        let (got, _) = page_to_end(&stack, 9, filter.clone()).await;
        assert_eq!(got, expected, "filter {filter}");
    }
}

// A backend failing mid-paging is reported (ok: false, code, backend) while the others keep coming, and the
// cursor continues with the backends that answered.
#[tokio::test]
async fn backend_down_during_paging() {
    // No cache: page 2 must really ask the backends again.
    let stack = Stack::start_with(&ALL, options(30), |c| c.cache.enabled = false).await;
    let query = "query($after: String) { orders(first: 20, after: $after) {
        nodes { id } pageInfo { hasNextPage endCursor } backendResults { backend ok code } } }";
    let first = stack.gql(query, json!({ "after": null })).await;
    assert_no_errors(&first);
    stack.sandbox(SandboxKind::Wix).control.set_fail_rate(1.0);
    let cursor = first["data"]["orders"]["pageInfo"]["endCursor"].clone();
    let second = stack.gql(query, json!({ "after": cursor })).await;
    let errs = errors(&second);
    assert_eq!(errs.len(), 1, "{second}");
    assert_eq!(errs[0]["extensions"]["backend"], "wix");
    assert_eq!(errs[0]["extensions"]["code"], "BACKEND_UNAVAILABLE");
    let results = second["data"]["orders"]["backendResults"].as_array().unwrap();
    let wix = results.iter().find(|r| r["backend"] == "wix").unwrap();
    assert_eq!(wix["ok"], false);
    assert_eq!(wix["code"], "BACKEND_UNAVAILABLE");
    let nodes = second["data"]["orders"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 20);
    assert!(nodes.iter().all(|n| !n["id"].as_str().unwrap().starts_with("wix:")));
    // Continue to the end: no error any more (wix is left out), no order twice.
    let mut seen: HashSet<String> = HashSet::new();
    for n in first["data"]["orders"]["nodes"].as_array().unwrap().iter().chain(nodes) {
        assert!(seen.insert(n["id"].as_str().unwrap().to_string()));
    }
    let mut after = second["data"]["orders"]["pageInfo"]["endCursor"].clone();
    loop {
        let page = stack.gql(query, json!({ "after": after })).await;
        assert_no_errors(&page);
        for n in page["data"]["orders"]["nodes"].as_array().unwrap() {
            assert!(seen.insert(n["id"].as_str().unwrap().to_string()), "repeated {n}");
        }
        if !page["data"]["orders"]["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = page["data"]["orders"]["pageInfo"]["endCursor"].clone();
    }
    let non_wix = seen.iter().filter(|id| !id.starts_with("wix:")).count();
    assert_eq!(non_wix, 4 * 30, "every order of the backends that answered");
}

// A backend slower than the request deadline is BACKEND_TIMEOUT; the page still comes back in time.
#[tokio::test]
async fn backend_timeout_is_partial() {
    let stack =
        Stack::start_with(&ALL, options(10), |c| c.server.request_timeout = Duration::from_millis(700)).await;
    stack.sandbox(SandboxKind::Storeden).control.set_latency(Duration::from_secs(3));
    let started = Instant::now();
    let response = stack
        .gql("{ orders(first: 30) { nodes { id } backendResults { backend ok code } } }", json!({}))
        .await;
    assert!(started.elapsed() < Duration::from_millis(2500), "took {:?}", started.elapsed());
    let errs = errors(&response);
    assert_eq!(errs.len(), 1, "{response}");
    assert_eq!(errs[0]["extensions"]["code"], "BACKEND_TIMEOUT");
    assert_eq!(errs[0]["extensions"]["backend"], "storeden");
    assert_eq!(response["data"]["orders"]["nodes"].as_array().unwrap().len(), 30);
}

// A cursor made for one filter is refused for another.
#[tokio::test]
async fn cursor_from_another_filter() {
    let stack = Stack::start(&[SandboxKind::Merchantpro, SandboxKind::Vesuviopay], options(20)).await;
    let page = stack.gql("{ orders(first: 3) { pageInfo { endCursor } } }", json!({})).await;
    let cursor = page["data"]["orders"]["pageInfo"]["endCursor"].clone();
    let response = stack
        .gql(
            "query($after: String) { orders(first: 3, after: $after, filter: { status: [SHIPPED] }) { nodes { id } } }",
            json!({ "after": cursor }),
        )
        .await;
    assert_eq!(errors(&response)[0]["extensions"]["code"], "BAD_USER_INPUT", "{response}");
}

// totalCount is the sum of the backends' exact counts where all can count, else null.
#[tokio::test]
async fn total_count() {
    let stack = Stack::start(&[SandboxKind::Merchantpro, SandboxKind::Vesuviopay], options(25)).await;
    let response = stack.gql("{ orders(first: 5) { totalCount pageInfo { endCursor } } }", json!({})).await;
    assert_eq!(response["data"]["orders"]["totalCount"], 50, "{response}");
    let cursor = response["data"]["orders"]["pageInfo"]["endCursor"].clone();
    let next = stack
        .gql("query($a: String) { orders(first: 5, after: $a) { totalCount } }", json!({ "a": cursor }))
        .await;
    assert_eq!(next["data"]["orders"]["totalCount"], 50, "the count stays on later pages: {next}");
    let stack = Stack::start(&[SandboxKind::Storeden], options(25)).await;
    let response = stack.gql("{ orders(first: 5) { totalCount } }", json!({})).await;
    assert_eq!(response["data"]["orders"]["totalCount"], Value::Null, "Storeden lists carry no total");
}
