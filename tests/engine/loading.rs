//! What a query loads and how its answer is laid out: DataLoader batching, the cache, summary listings, and
//! fields in the query's order.

use super::*;

// The same id asked many times in one request costs one backend call; a batch of MerchantPro ids costs one
// call (`ids=`), a batch of VesuvioPay ids one call each.
#[tokio::test]
async fn dataloader_batches_and_dedupes() {
    let stack = Stack::start_with(&[SandboxKind::Merchantpro, SandboxKind::Vesuviopay], options(30), |c| {
        c.cache.enabled = false;
    })
    .await;
    let list = stack.gql("{ orders(first: 60) { nodes { id } } }", json!({})).await;
    let ids: Vec<String> = list["data"]["orders"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().into())
        .collect();
    let vp: Vec<&String> = ids.iter().filter(|i| i.starts_with("vesuviopay:")).take(10).collect();
    let mp: Vec<&String> = ids.iter().filter(|i| i.starts_with("merchantpro:")).take(10).collect();

    let vp_control = &stack.sandbox(SandboxKind::Vesuviopay).control;
    vp_control.reset_requests();
    let same = stack
        .gql("query($id: ID!) { a: order(id: $id) { id lineItems { name } } b: order(id: $id) { id } c: node(id: $id) { id } }", json!({ "id": vp[0] }))
        .await;
    assert_no_errors(&same);
    assert_eq!(vp_control.request_count(), 1, "{:?}", vp_control.requests());

    let mp_control = &stack.sandbox(SandboxKind::Merchantpro).control;
    mp_control.reset_requests();
    vp_control.reset_requests();
    let batch: Vec<&String> = mp.iter().chain(vp.iter()).copied().collect();
    let response = stack
        .gql(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Order { lineItems { name } } } }",
            json!({ "ids": batch }),
        )
        .await;
    assert_no_errors(&response);
    let nodes = response["data"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 20);
    for (node, id) in nodes.iter().zip(&batch) {
        assert_eq!(node["id"].as_str(), Some(id.as_str()), "nodes keeps the order asked");
    }
    assert_eq!(mp_control.request_count(), 1, "{:?}", mp_control.requests());
    assert_eq!(vp_control.request_count(), 10);
}

// A second identical read is served from the cache; a mutation through ordergraph invalidates the order and
// its backend's list pages, so the next read shows the new state.
#[tokio::test]
async fn cache_hit_and_invalidation() {
    let stack = Stack::start(&[SandboxKind::Vesuviopay], options(20)).await;
    let control = &stack.sandbox(SandboxKind::Vesuviopay).control;
    let query = "{ orders(first: 10, filter: { status: [CONFIRMED, PENDING, PROCESSING] }) {
        nodes { id status { order } } backendResults { cached } } }";
    let first = stack.gql(query, json!({})).await;
    assert_no_errors(&first);
    assert_eq!(first["data"]["orders"]["backendResults"][0]["cached"], false);
    let before = control.request_count();
    let second = stack.gql(query, json!({})).await;
    assert_eq!(second["data"]["orders"]["backendResults"][0]["cached"], true);
    assert_eq!(control.request_count(), before, "served from the cache");

    let id = first["data"]["orders"]["nodes"][0]["id"].as_str().unwrap().to_string();
    let order_query = "query($id: ID!) { order(id: $id) { status { order native } lineItems { name } } }";
    let _ = stack.gql(order_query, json!({ "id": id })).await;
    let before = control.request_count();
    let cached = stack.gql(order_query, json!({ "id": id })).await;
    assert_no_errors(&cached);
    assert_eq!(control.request_count(), before, "order served from the cache");

    let cancel = stack
        .gql(
            "mutation($id: ID!) { cancelOrder(input: { id: $id, reason: \"customer asked\" }) {
                order { status { order } } userErrors { code message } } }",
            json!({ "id": id }),
        )
        .await;
    assert_no_errors(&cancel);
    assert_eq!(cancel["data"]["cancelOrder"]["userErrors"], json!([]), "{cancel}");
    assert_eq!(cancel["data"]["cancelOrder"]["order"]["status"]["order"], "CANCELLED");
    let after = stack.gql(order_query, json!({ "id": id })).await;
    assert_eq!(after["data"]["order"]["status"]["order"], "CANCELLED");
    let listed = stack.gql(query, json!({})).await;
    assert_eq!(listed["data"]["orders"]["backendResults"][0]["cached"], false, "list pages were invalidated");
    assert!(listed["data"]["orders"]["nodes"].as_array().unwrap().iter().all(|n| n["id"] != id.as_str()));
}

// A listing decoded as summaries gives the same page, with the same values in every field a summary has; Wix
// and MerchantPro rows (whole orders, line items included) then carry only the summary.
#[tokio::test]
async fn summary_listing_agrees_with_the_full_one() {
    use ordergraph::backends::Registry;
    use ordergraph::domain::{Known, OrderFilter};
    use ordergraph::engine::{Detail, Engine};

    let stack = Stack::start_with(&ALL, options(30), |c| c.cache.enabled = false).await;
    let engine = Engine::new(Registry::from_config(&stack.demo.config).unwrap(), &stack.demo.config);
    let (mut after, mut compared, mut summarised) = (None::<String>, 0, 0);
    loop {
        let full =
            engine.orders_with(40, after.as_deref(), OrderFilter::default(), Detail::Full).await.unwrap();
        let summary =
            engine.orders_with(40, after.as_deref(), OrderFilter::default(), Detail::Summary).await.unwrap();
        assert!(full.backends.iter().chain(&summary.backends).all(|b| b.error.is_none()));
        assert_eq!(full.edges.len(), summary.edges.len());
        for ((full, _), (summary, _)) in full.edges.iter().zip(&summary.edges) {
            let head = |o: &ordergraph::domain::Order| {
                (
                    o.id.clone(),
                    o.number.clone(),
                    o.status.clone(),
                    o.placed_at,
                    o.updated_at,
                    o.currency.clone(),
                )
            };
            assert_eq!(head(full), head(summary));
            assert_eq!(full.totals.total, summary.totals.total, "{}", full.id);
            match full.id.backend.as_str() {
                "wix" | "merchantpro" => {
                    assert_eq!(summary.known, Known::SUMMARY, "{}", full.id);
                    assert!(full.known.line_items && !full.line_items.is_empty(), "{}", full.id);
                    assert!(summary.line_items.is_empty() && summary.native.is_null());
                    summarised += 1;
                }
                _ => assert_eq!(**full, **summary, "backends without a cheaper summary decode the same"),
            }
            compared += 1;
        }
        if !full.has_next_page {
            break;
        }
        after = full.end_cursor.clone();
    }
    assert!(compared > 100 && summarised > 40, "{compared} orders compared, {summarised} summaries");
}

// The GraphQL layer decodes summaries only when the query asks nothing more of an order, fragments included:
// a query that asks for line items through a fragment gets them from the listed rows, with no further call;
// one that asks for summaries only has MerchantPro send only their fields.
#[tokio::test]
async fn a_listing_query_decodes_what_its_fragments_ask() {
    let stack = Stack::start(&[SandboxKind::Wix, SandboxKind::Merchantpro], options(30)).await;
    let wix = &stack.sandbox(SandboxKind::Wix).control;
    let merchantpro = &stack.sandbox(SandboxKind::Merchantpro).control;
    let queries = [
        "{ orders(first: 20) { nodes { id number placedAt totals { total { amount } } } } }",
        "{ orders(first: 20) { nodes { ...Lines } } } fragment Lines on Order { id lineItems { name } }",
        "{ orders(first: 20) { edges { node { id ... on Order { totals { subtotal { amount } } } } } } }",
        "{ orders(first: 20) { nodes { id customer { email } } } }",
    ];
    let mut answers = Vec::new();
    for (n, query) in queries.iter().enumerate() {
        // Distinct page sizes keep the list cache from answering, so each query lists afresh.
        let query = query.replace("first: 20", &format!("first: {}", 20 + n));
        wix.reset_requests();
        merchantpro.reset_requests();
        let response = stack.gql(&query, json!({})).await;
        assert_no_errors(&response);
        assert_eq!(wix.count_matching("POST", "/ecom/v1/orders/search"), 1, "{query}: {:?}", wix.requests());
        assert_eq!(wix.count_matching("GET", "/ecom/v1/orders/"), 0, "{query}");
        assert_eq!(merchantpro.request_count(), 1, "{query}: {:?}", merchantpro.requests());
        // MerchantPro is asked for only a summary's fields when that is all the query reads, else for whole
        // orders.
        let asked = merchantpro.requests()[0].query.clone().unwrap_or_default();
        if n == 0 {
            assert!(asked.contains("fields=id%2Cpayment_status") && !asked.contains("include"), "{asked}");
        } else {
            assert!(asked.contains("include=line_items") && !asked.contains("fields="), "{query}: {asked}");
        }
        answers.push(response);
    }
    let summaries = answers[0]["data"]["orders"]["nodes"].as_array().unwrap();
    assert!(summaries.iter().all(|n| n["totals"]["total"]["amount"].is_string()), "{summaries:?}");
    let lines = answers[1]["data"]["orders"]["nodes"].as_array().unwrap();
    assert!(lines.iter().all(|n| !n["lineItems"].as_array().unwrap().is_empty()), "{lines:?}");
    let subtotals = answers[2]["data"]["orders"]["edges"].as_array().unwrap();
    assert!(subtotals.iter().any(|e| e["node"]["totals"]["subtotal"]["amount"] != "0"), "{subtotals:?}");
}

// A summary listing whose filter the engine applies to MerchantPro's rows (tags: not pushed down) still asks
// for whole orders, and finds what the full listing finds; with a filter MerchantPro applies itself
// (payment status) it asks for summaries only.
#[tokio::test]
async fn summaries_are_asked_for_only_where_the_engine_filters_nothing() {
    use ordergraph::backends::Registry;
    use ordergraph::domain::{OrderFilter, PaymentStatus};
    use ordergraph::engine::{Detail, Engine};

    let stack =
        Stack::start_with(&[SandboxKind::Merchantpro], options(40), |c| c.cache.enabled = false).await;
    let merchantpro = &stack.sandbox(SandboxKind::Merchantpro).control;
    let engine = Engine::new(Registry::from_config(&stack.demo.config).unwrap(), &stack.demo.config);
    let all = engine.orders(100, None, OrderFilter::default()).await.unwrap();
    let tag = all.edges.iter().find_map(|(o, _)| o.tags.first().cloned()).expect("a tagged order");
    let filters = [
        (OrderFilter { tags: vec![tag.to_uppercase()], ..Default::default() }, "include=line_items"),
        (OrderFilter { payment_status: vec![PaymentStatus::Paid], ..Default::default() }, "fields="),
    ];
    for (filter, asked) in filters {
        let ids = |page: &ordergraph::engine::OrdersPage| {
            page.edges.iter().map(|(o, _)| o.id.to_string()).collect::<Vec<_>>()
        };
        let full = engine.orders_with(100, None, filter.clone(), Detail::Full).await.unwrap();
        merchantpro.reset_requests();
        let summary = engine.orders_with(100, None, filter.clone(), Detail::Summary).await.unwrap();
        let requests = merchantpro.requests();
        assert_eq!(requests.len(), 1, "{requests:?}");
        let query = requests[0].query.clone().unwrap_or_default();
        assert!(query.contains(asked), "{filter:?}: {query}");
        assert!(!full.edges.is_empty() && full.edges.len() < all.edges.len(), "{filter:?}");
        assert_eq!(ids(&full), ids(&summary), "{filter:?}");
        assert!(summary.backends.iter().all(|b| b.error.is_none()));
    }
}

// The root fields come back in the query's order too, fragments spread in place, though they resolve
// concurrently and the first finishes last (its sandbox answers 40 ms late); the other operation of the document
// is not the one run.
#[tokio::test]
async fn root_fields_keep_the_query_order() {
    let stack = Stack::start_with(&[SandboxKind::Vtex], options(5), |c| c.cache.enabled = false).await;
    stack.sandbox(SandboxKind::Vtex).control.set_latency(Duration::from_millis(40));
    let query = "query Other { backends { name } } \
                 query Slow { first: orders(first: 2) { totalCount } ...More __typename last: backends { kind } } \
                 fragment More on Query { ... on Query { middle: backends { name } } }";
    let (status, response) =
        stack.post_json(json!({ "query": query, "operationName": "Slow", "variables": {} })).await;
    assert_eq!(status, 200);
    assert_no_errors(&response);
    let keys: Vec<&str> = response["data"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["first", "middle", "__typename", "last"], "{response}");
}

// An order's fields come back in the order the query asks for them, also when one of them loads the full order
// first (a VTEX list row has only the grand total; `subtotal` loads the order) and another does not.
#[tokio::test]
async fn fields_keep_the_query_order_when_some_load() {
    let stack = Stack::start(&[SandboxKind::Vtex], options(10)).await;
    let query =
        "{ orders(first: 3) { nodes { id totals { subtotal { amount } total { amount } } number } } }";
    let response = stack.gql(query, json!({})).await;
    assert_no_errors(&response);
    let nodes = response["data"]["orders"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 3);
    for node in nodes {
        let keys: Vec<&str> = node.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["id", "totals", "number"], "{node}");
        let totals: Vec<&str> = node["totals"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(totals, ["subtotal", "total"], "{node}");
    }
}
