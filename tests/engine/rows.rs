//! Fields from the list row: a page whose query reads only what its backend's list rows carry costs one call
//! per backend page; one that reads more loads each order's full order once, with the backend's bounded
//! concurrency, and `/metrics` counts those loads per page.

use ordergraph::domain::{Known, OrderFilter};

use super::*;

/// The `ordergraph_detail_loads_per_page` sum and count of `backend`, from `/metrics`.
async fn detail_loads(stack: &Stack, backend: &str) -> (f64, u64) {
    let text = stack.http().get(format!("{}/metrics", stack.url)).send().await.unwrap().text().await.unwrap();
    let value = |series: &str| {
        let prefix = format!("ordergraph_detail_loads_per_page_{series}{{backend=\"{backend}\"}} ");
        text.lines().find_map(|line| line.strip_prefix(prefix.as_str())).map(|v| v.parse::<f64>().unwrap())
    };
    (value("sum").unwrap_or(0.0), value("count").unwrap_or(0.0) as u64)
}

/// The nodes of an `orders` answer, checked to have no errors.
fn nodes(response: &Value) -> Vec<Value> {
    assert_no_errors(response);
    response["data"]["orders"]["nodes"].as_array().expect("nodes").clone()
}

// A VesuvioPay page of 50 that reads the customer's e-mail and the totals (all in the list row) costs exactly
// one list request and no `GET /api/v1/orders/{id}`; `/metrics` records the page with zero loads.
#[tokio::test]
async fn vesuviopay_row_fields_cost_one_list_call() {
    let stack = Stack::start_with(&[SandboxKind::Vesuviopay], options(60), |c| c.cache.enabled = false).await;
    let control = &stack.sandbox(SandboxKind::Vesuviopay).control;
    control.reset_requests();
    let query = "{ orders(first: 50) { nodes { id customer { email id phone } totals { subtotal { amount }
        shipping { amount } tax { amount } discount { amount } total { amount currencyCode } } externalOrderId
        updatedAt } } }";
    let nodes = nodes(&stack.gql(query, json!({})).await);
    assert_eq!(nodes.len(), 50);
    assert!(
        nodes.iter().all(|n| n["customer"]["email"].as_str().is_some_and(|e| e.contains('@'))),
        "{nodes:?}"
    );
    assert!(nodes.iter().all(|n| n["totals"]["total"]["amount"].is_string() && n["updatedAt"].is_string()));
    let requests = control.requests();
    assert_eq!(control.count_matching("GET", "/api/v1/orders/"), 0, "{requests:?}");
    assert_eq!(requests.iter().filter(|r| r.path == "/api/v1/orders").count(), 1, "{requests:?}");
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(detail_loads(&stack, "vesuviopay").await, (0.0, 1));
}

// A field the VesuvioPay row lacks (the customer's first name) loads each order of the page once, by id, never
// more than the backend's `max_concurrency` at a time (4 here: 50 calls answered 20 ms late take at least
// 13 × 20 ms); the page's 50 loads show in `/metrics`, and the answers are the full orders'.
#[tokio::test]
async fn vesuviopay_missing_fields_load_each_order_once_with_bounded_concurrency() {
    let stack = Stack::start_with(&[SandboxKind::Vesuviopay], options(60), |c| {
        c.cache.enabled = false;
        for backend in c.backends.values_mut() {
            backend.max_concurrency = 4;
        }
    })
    .await;
    let control = &stack.sandbox(SandboxKind::Vesuviopay).control;
    control.set_latency(Duration::from_millis(20));
    control.reset_requests();
    let query = "{ orders(first: 50) { nodes { id customer { firstName email } totals { total { amount } } }
        edges { node { customer { firstName } } } } }";
    let started = Instant::now();
    let nodes = nodes(&stack.gql(query, json!({})).await);
    let elapsed = started.elapsed();
    assert_eq!(nodes.len(), 50);
    let requests = control.requests();
    assert_eq!(requests.iter().filter(|r| r.path == "/api/v1/orders").count(), 1, "{requests:?}");
    let details: Vec<&str> =
        requests.iter().filter(|r| r.path.starts_with("/api/v1/orders/")).map(|r| r.path.as_str()).collect();
    assert_eq!(details.len(), 50, "one GET per order, `nodes` and `edges` sharing it");
    assert_eq!(details.iter().collect::<HashSet<_>>().len(), 50, "no order twice");
    assert!(elapsed >= Duration::from_millis(13 * 20), "at most 4 at once: {elapsed:?}");
    assert_eq!(detail_loads(&stack, "vesuviopay").await, (50.0, 1));

    control.set_latency(Duration::ZERO);
    for node in nodes.iter().take(5) {
        let full = stack
            .gql(
                "query($id: ID!) { order(id: $id) { customer { firstName email } } }",
                json!({ "id": node["id"] }),
            )
            .await;
        assert_no_errors(&full);
        assert_eq!(full["data"]["order"]["customer"], node["customer"], "{}", node["id"]);
        assert!(node["customer"]["firstName"].is_string(), "{node}");
    }
}

// MerchantPro and Wix list rows are whole orders (MerchantPro's asked with `include=line_items`, Wix's search
// returns the order object): line items, the customer and the addresses come from the page, with no call by id
// and no load.
#[tokio::test]
async fn merchantpro_and_wix_rows_are_whole_orders() {
    let stack = Stack::start_with(&[SandboxKind::Merchantpro, SandboxKind::Wix], options(60), |c| {
        c.cache.enabled = false
    })
    .await;
    let merchantpro = &stack.sandbox(SandboxKind::Merchantpro).control;
    let wix = &stack.sandbox(SandboxKind::Wix).control;
    merchantpro.reset_requests();
    wix.reset_requests();
    let query = "{ orders(first: 50) { nodes { id lineItems { sku quantity } customer { email firstName }
        shippingAddress { city } totals { subtotal { amount } } native } } }";
    let nodes = nodes(&stack.gql(query, json!({})).await);
    assert_eq!(nodes.len(), 50);
    for kind in ["merchantpro", "wix"] {
        let of_kind: Vec<&Value> =
            nodes.iter().filter(|n| n["id"].as_str().unwrap().starts_with(kind)).collect();
        assert!(of_kind.len() > 10, "{kind}: {}", of_kind.len());
        assert!(of_kind.iter().all(|n| !n["lineItems"].as_array().unwrap().is_empty()), "{kind}");
        assert!(of_kind.iter().all(|n| n["native"].is_object()), "{kind}");
    }
    let mp_requests = merchantpro.requests();
    assert_eq!(mp_requests.len(), 1, "{mp_requests:?}");
    assert!(mp_requests[0].query.as_deref().unwrap_or_default().contains("include=line_items"));
    assert_eq!(merchantpro.count_matching("GET", "/api/v2/orders/"), 0);
    assert_eq!(wix.count_matching("POST", "/ecom/v1/orders/search"), 1, "{:?}", wix.requests());
    assert_eq!(wix.count_matching("GET", "/ecom/v1/orders/"), 0, "{:?}", wix.requests());
    assert_eq!(detail_loads(&stack, "merchantpro").await, (0.0, 1));
    assert_eq!(detail_loads(&stack, "wix").await, (0.0, 1));
}

// What each adapter declares its list rows carry is what its full order says, for every order of the first
// pages of every sandbox: a field answered from the row is the field `order(id:)` answers.
#[tokio::test]
async fn known_row_fields_agree_with_the_full_orders() {
    use ordergraph::backends::Registry;
    use ordergraph::engine::{Detail, Engine};

    let stack = Stack::start_with(&ALL, options(40), |c| c.cache.enabled = false).await;
    let engine = Engine::new(Registry::from_config(&stack.demo.config).unwrap(), &stack.demo.config);
    let page = engine.orders_with(100, None, OrderFilter::default(), Detail::Full).await.unwrap();
    assert!(page.backends.iter().all(|b| b.error.is_none()), "{:?}", page.backends);
    let mut compared: BTreeMap<String, (usize, Known)> = BTreeMap::new();
    for (row, _) in &page.edges {
        let full = engine.order(&row.id).await.unwrap().expect("the listed order reads by id");
        let agreeing = Known::agreeing(row, &full);
        let differing = row.known.difference(agreeing);
        assert_eq!(differing, Known::CORE, "{}: {:?} differ from the full order", row.id, differing.names());
        let entry = compared.entry(row.id.backend.to_string()).or_insert((0, Known::FULL));
        entry.0 += 1;
        entry.1 = entry.1.intersection(row.known);
    }
    assert_eq!(compared.len(), 5, "{compared:?}");
    assert!(compared.values().all(|(n, _)| *n >= 10), "{compared:?}");
    // The rows that are not whole orders still answered from themselves what they declare.
    let least = |backend: &str| compared[backend].1;
    assert!(least("vesuviopay").contains(Known {
        customer_email: true,
        total: true,
        subtotal: true,
        ..Known::CORE
    }));
    assert!(least("vtex").contains(Known { customer_full_name: true, total: true, ..Known::CORE }));
    assert!(least("storeden").contains(Known {
        customer_email: true,
        tags: true,
        total: true,
        ..Known::CORE
    }));
    assert!(least("wix").is_full() && least("merchantpro").is_full());
}
