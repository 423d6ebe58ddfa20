//! Every backend kind through the gateway: the read path end to end, with the sandboxes' request logs; and
//! VesuvioPay's tour of the API (orders, ids, nodes, errors, an unsupported mutation).

mod common;

use common::{Stack, assert_no_errors, errors, options, page_to_end};
use ordergraph::sandbox::{SandboxKind, SandboxOptions};
use rust_decimal::Decimal;
use serde_json::{Value, json};

// A VTEX store of 3,100 orders is listed to the end through the gateway, every order once, and no request
// asks for a page past VTEX's 30-page cap (none is refused).
#[tokio::test]
async fn vtex_beyond_the_30_page_cap() {
    let stack = Stack::start(&[SandboxKind::Vtex], options(3100)).await;
    let (ids, _) = page_to_end(&stack, 100, Value::Null).await;
    assert_eq!(ids.len(), 3100);
    assert_eq!(ids.iter().collect::<std::collections::HashSet<_>>().len(), 3100);
    let requests = stack.sandbox(SandboxKind::Vtex).control.requests();
    for request in &requests {
        assert_eq!(request.status, 200, "{request:?}");
        let query = request.query.clone().unwrap_or_default();
        let page: u32 = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("page="))
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        assert!(page <= 30, "asked for page {page}: {query}");
    }
}

// Wix INITIALIZED orders never appear in searches but are readable by id.
#[tokio::test]
async fn wix_initialized_orders_by_id() {
    let opts = options(60);
    let stack = Stack::start(&[SandboxKind::Wix], opts.clone()).await;
    let initialized = ordergraph::sandbox::wix::seeded_order_ids(&opts, "INITIALIZED");
    assert!(!initialized.is_empty());
    let (listed, _) = page_to_end(&stack, 50, Value::Null).await;
    for id in &initialized {
        let global = format!("wix:{id}");
        assert!(!listed.contains(&global), "search returned an INITIALIZED order");
        let response = stack
            .gql(
                "query($id: ID!) { order(id: $id) { id status { order native } lineItems { name } } }",
                json!({ "id": global }),
            )
            .await;
        assert_no_errors(&response);
        assert_eq!(response["data"]["order"]["status"]["order"], "PENDING");
        assert!(response["data"]["order"]["status"]["native"].as_str().unwrap().starts_with("INITIALIZED"));
        assert!(!response["data"]["order"]["lineItems"].as_array().unwrap().is_empty());
    }
}

fn amount(money: &Value) -> Decimal {
    money["amount"].as_str().unwrap().parse().unwrap()
}

// Every order of every sandbox is readable by id, with exact money: the lines and the totals add up to the
// cent in the order's currency, and the list row's total equals the full order's.
#[tokio::test]
async fn every_order_readable_with_exact_money() {
    let stack = Stack::start(&SandboxKind::ALL, SandboxOptions { orders: 30, ..options(30) }).await;
    let list = stack
        .gql("{ orders(first: 100, filter: {}) { nodes { id totals { total { amount } } } } }", json!({}))
        .await;
    assert_no_errors(&list);
    let (all, _) = page_to_end(&stack, 100, Value::Null).await;
    let query = "query($id: ID!) { order(id: $id) { id placedAt currencyCode
        totals { subtotal { amount currencyCode } shipping { amount } tax { amount } discount { amount } total { amount } }
        lineItems { quantity unitPrice { amount } total { amount } } } }";
    let listed_totals: std::collections::HashMap<String, Decimal> = list["data"]["orders"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap().to_string(), amount(&n["totals"]["total"])))
        .collect();
    for id in &all {
        let response = stack.gql(query, json!({ "id": id })).await;
        assert_no_errors(&response);
        let order = &response["data"]["order"];
        assert_eq!(order["id"], id.as_str());
        assert_eq!(order["totals"]["subtotal"]["currencyCode"], order["currencyCode"]);
        let t = &order["totals"];
        let total = amount(&t["total"]);
        assert_eq!(
            amount(&t["subtotal"]) + amount(&t["shipping"]) + amount(&t["tax"]) - amount(&t["discount"]),
            total,
            "{id}: {t}"
        );
        assert!(total >= Decimal::ZERO && total.scale() <= 4, "{id}: {total}");
        if let Some(listed) = listed_totals.get(id) {
            assert_eq!(*listed, total, "{id}: list row and full order disagree");
        }
        for line in order["lineItems"].as_array().unwrap() {
            assert!(line["quantity"].as_i64().unwrap() > 0);
            assert!(amount(&line["unitPrice"]) >= Decimal::ZERO);
        }
        let placed = chrono::DateTime::parse_from_rfc3339(order["placedAt"].as_str().unwrap()).unwrap();
        assert!(placed.timestamp() > 1_600_000_000, "{id}: {placed}");
    }
}

// A backend sending malformed JSON gives a BACKEND_ERROR naming it and where the JSON broke; a rate-limited
// one gives RATE_LIMITED; the other backends' orders still come back; `/metrics` counts both as errors of
// their `list` operation and the others' calls as ok.
#[tokio::test]
async fn malformed_and_rate_limited_backends() {
    let stack = Stack::start_with(&SandboxKind::ALL, options(10), |c| c.cache.enabled = false).await;
    stack.sandbox(SandboxKind::Merchantpro).control.set_malformed(true);
    stack.sandbox(SandboxKind::Storeden).control.set_rate_limited(true);
    let response = stack
        .gql("{ orders(first: 50) { nodes { id } backendResults { backend ok code message } } }", json!({}))
        .await;
    let errs = errors(&response);
    let by_backend =
        |name: &str| errs.iter().find(|e| e["extensions"]["backend"] == name).cloned().unwrap_or_default();
    let mp = by_backend("merchantpro");
    assert_eq!(mp["extensions"]["code"], "BACKEND_ERROR", "{response}");
    assert!(mp["message"].as_str().unwrap().contains("merchantpro"), "{mp}");
    assert!(mp["message"].as_str().unwrap().contains("line 1 column"), "{mp}");
    assert_eq!(by_backend("storeden")["extensions"]["code"], "RATE_LIMITED", "{response}");
    let nodes = response["data"]["orders"]["nodes"].as_array().unwrap();
    let backends: std::collections::BTreeSet<&str> =
        nodes.iter().map(|n| n["id"].as_str().unwrap().split(':').next().unwrap()).collect();
    assert_eq!(backends.into_iter().collect::<Vec<_>>(), ["vesuviopay", "vtex", "wix"]);
    assert!(!response.to_string().contains("{\"data\": [ {"), "no raw body in errors");
    let metrics =
        stack.http().get(format!("{}/metrics", stack.url)).send().await.unwrap().text().await.unwrap();
    for line in [
        r#"ordergraph_backend_errors_total{backend="merchantpro",operation="list",code="BACKEND_ERROR"} 1"#,
        r#"ordergraph_backend_errors_total{backend="storeden",operation="list",code="RATE_LIMITED"} 1"#,
        r#"ordergraph_backend_call_duration_seconds_count{backend="vtex",operation="list",outcome="ok"}"#,
        r#"ordergraph_backend_call_duration_seconds_count{backend="merchantpro",operation="list",outcome="BACKEND_ERROR"} 1"#,
    ] {
        assert!(metrics.contains(line), "{line} missing from:\n{metrics}");
    }
}

// VTEX and Wix failures through the gateway: bad credentials are UNAUTHENTICATED, an empty Wix 5xx is
// BACKEND_UNAVAILABLE, malformed VTEX JSON is BACKEND_ERROR; each names its backend and carries no secret.
#[tokio::test]
async fn vtex_and_wix_failures_are_clear() {
    let stack = Stack::start_with(&[SandboxKind::Vtex, SandboxKind::Wix], options(10), |c| {
        c.cache.enabled = false;
        for backend in c.backends.values_mut() {
            for secret in backend.credentials.values_mut() {
                *secret = ordergraph::config::Secret::new("not-the-key-123");
            }
        }
    })
    .await;
    let query = "{ orders(first: 5) { nodes { id } backendResults { backend ok code } } }";
    let response = stack.gql(query, json!({})).await;
    let errs = errors(&response);
    assert_eq!(errs.len(), 2, "{response}");
    for e in &errs {
        assert_eq!(e["extensions"]["code"], "UNAUTHENTICATED", "{response}");
    }
    assert!(!response.to_string().contains("not-the-key-123"));

    let stack =
        Stack::start_with(&[SandboxKind::Vtex, SandboxKind::Wix], options(10), |c| c.cache.enabled = false)
            .await;
    stack.sandbox(SandboxKind::Wix).control.set_fail_rate(1.0);
    stack.sandbox(SandboxKind::Vtex).control.set_malformed(true);
    let response = stack.gql(query, json!({})).await;
    let errs = errors(&response);
    let code_of = |b: &str| {
        errs.iter().find(|e| e["extensions"]["backend"] == b).map(|e| e["extensions"]["code"].clone())
    };
    assert_eq!(code_of("wix"), Some(json!("BACKEND_UNAVAILABLE")), "{response}");
    assert_eq!(code_of("vtex"), Some(json!("BACKEND_ERROR")), "{response}");
    let order = stack.gql("{ order(id: \"vtex:1-01\") { id } }", json!({})).await;
    assert_eq!(errors(&order)[0]["extensions"]["backend"], "vtex", "{order}");
}

// `native` is the backend's payload as sent: numbers keep their digits (not `{"$serde_json::private::Number"}`
// maps, not floats), for every kind; a MerchantPro order's `native` equals the sandbox's own answer.
#[tokio::test]
async fn native_payloads_are_json_as_sent() {
    let stack = Stack::start(&SandboxKind::ALL, options(20)).await;
    let listing = stack.gql("{ orders(first: 100) { nodes { id } } }", Value::Null).await;
    assert_no_errors(&listing);
    let mut kinds_seen = std::collections::HashSet::new();
    for node in listing["data"]["orders"]["nodes"].as_array().unwrap() {
        let id = node["id"].as_str().unwrap();
        let kind = id.split(':').next().unwrap().to_string();
        if !kinds_seen.insert(kind) {
            continue;
        }
        // The body as text: parsing it back with `arbitrary_precision` would turn the private maps into numbers.
        let text = stack
            .http()
            .post(format!("{}/graphql", stack.url))
            .json(&json!({ "query": "query($id: ID!) { order(id: $id) { native } }", "variables": { "id": id } }))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!text.contains("$serde_json"), "{id}: {text:.300}");
        assert!(!text.contains("\"errors\""), "{id}: {text:.300}");
        assert!(text.starts_with("{\"data\":{\"order\":{\"native\":{"), "{id}: {text:.300}");
    }
    assert_eq!(kinds_seen.len(), 5);

    let sandbox = stack.sandbox(SandboxKind::Merchantpro);
    let raw: Value = stack
        .http()
        .get(format!("{}/api/v2/orders/12345001", sandbox.base_url))
        .basic_auth("sandbox", Some("sandbox"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let response = stack.gql("{ order(id: \"merchantpro:12345001\") { native } }", Value::Null).await;
    assert_no_errors(&response);
    let native = &response["data"]["order"]["native"];
    assert_eq!(native["total_amount"], raw["total_amount"]);
    assert!(native["total_amount"].is_number(), "{}", native["total_amount"]);
    assert_eq!(native["id"], raw["id"]);
}

// A list row read lazily (only its key, the order decoded on first use) is the same order the adapter maps when
// a filter makes it decode every row at once; a row whose key disagrees with its order would fail to decode.
// A filter matching every order (placed after 2000) takes each adapter's eager path.
#[tokio::test]
async fn lazy_rows_decode_to_what_the_eager_path_maps() {
    use ordergraph::backends::Registry;
    use ordergraph::demo::start_sandboxes;
    use ordergraph::domain::{ListRequest, OrderFilter};

    let stack = start_sandboxes(&SandboxKind::ALL, &options(40)).await.expect("sandboxes");
    let registry = Registry::from_config(&stack.config).expect("registry");
    let since = chrono::DateTime::parse_from_rfc3339("2000-01-01T00:00:00Z").unwrap();
    let everything = OrderFilter { placed_after: Some(since), ..OrderFilter::default() };
    for backend in registry.iter() {
        let request =
            |filter: OrderFilter| ListRequest { filter, page_size: 30, continuation: None, summaries: false };
        let page = backend.list(&request(OrderFilter::default())).await.expect("list");
        let keys: Vec<_> =
            page.rows.iter().map(|r| r.key().map(|(id, at)| (id.clone(), at)).expect("key reads")).collect();
        let mut lazy = page.decode_all().await.expect("every row decodes").orders;
        let mut eager = backend.list_decoded(&request(everything.clone())).await.unwrap().orders;
        // Pages are newest first; orders of one instant may come in any order (the engine orders them).
        assert!(lazy.windows(2).all(|w| w[0].placed_at >= w[1].placed_at), "{}", backend.name().as_str());
        lazy.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        eager.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let mut keys = keys;
        keys.sort_by(|a, b| (std::cmp::Reverse(a.1), &a.0).cmp(&(std::cmp::Reverse(b.1), &b.0)));
        assert_eq!(lazy.len(), 30, "{}", backend.name().as_str());
        assert_eq!(lazy, eager, "{}", backend.name().as_str());
        let from_orders: Vec<_> = lazy.iter().map(|o| (o.id.clone(), o.placed_at)).collect();
        assert_eq!(keys, from_orders, "{}", backend.name().as_str());
    }
}

// VesuvioPay through the gateway: the README's first queries, ids, errors and an unsupported mutation.

const ORDERS: &str = "{ orders(first: 5) { nodes { id number placedAt status { order native }
    totals { total { amount currencyCode } } } } }";

// The first query of the README returns VesuvioPay orders, newest first, with exact money.
#[tokio::test]
async fn vesuviopay_orders_newest_first() {
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
async fn vesuviopay_order_by_internal_and_external_id() {
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

// `node` and `backends` answer; a malformed or unknown-backend id is INVALID_ID without a call.
#[tokio::test]
async fn vesuviopay_node_backends_and_bad_ids() {
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
        assert_eq!(errors[0]["extensions"]["code"], "INVALID_ID", "{bad}: {response}");
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
async fn vesuviopay_unauthorized_and_server_errors() {
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
async fn vesuviopay_lists_every_order_past_the_limit() {
    let stack = Stack::start(&[SandboxKind::Vesuviopay], options(130)).await;
    let (ids, _) = page_to_end(&stack, 40, json!(null)).await;
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "an order came twice");
    assert_eq!(ids.len(), 130);
}

// Mutations the backend cannot do answer UNSUPPORTED without any backend call.
#[tokio::test]
async fn vesuviopay_unsupported_mutation_makes_no_call() {
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
