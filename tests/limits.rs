//! Request limits: each rejected request gets a clear error, and the server keeps serving.

mod common;

use common::{Stack, errors, options};
use ordergraph::sandbox::SandboxKind;
use serde_json::{Value, json};

async fn stack() -> Stack {
    Stack::start_with(&[SandboxKind::Vesuviopay], options(5), |config| {
        config.server.max_depth = 6;
        config.server.max_complexity = 12;
        config.server.max_aliases = 3;
        config.server.max_directives = 2;
        config.server.max_batch = 2;
        config.server.max_body_bytes = 4096;
    })
    .await
}

async fn still_serving(stack: &Stack) {
    let response = stack.gql("{ backends { name } }", json!({})).await;
    assert_eq!(response["data"]["backends"][0]["name"], "vesuviopay", "{response}");
}

fn code(response: &serde_json::Value) -> String {
    errors(response).first().and_then(|e| e["extensions"]["code"].as_str()).unwrap_or("").to_string()
}

// A query deeper than max_depth is QUERY_TOO_COMPLEX.
#[tokio::test]
async fn depth_limit() {
    let stack = stack().await;
    let deep = "{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }";
    let response = stack.gql(deep, json!({})).await;
    assert_eq!(code(&response), "QUERY_TOO_COMPLEX", "{response}");
    still_serving(&stack).await;
}

// A query more complex than max_complexity is QUERY_TOO_COMPLEX.
#[tokio::test]
async fn complexity_limit() {
    let stack = stack().await;
    let wide = "{ __schema { types { name kind description fields { name description args { name } type { name } } \
                interfaces { name } enumValues { name description } inputFields { name } possibleTypes { name } } } }";
    let response = stack.gql(wide, json!({})).await;
    assert_eq!(code(&response), "QUERY_TOO_COMPLEX", "{response}");
    still_serving(&stack).await;
}

// More aliases than max_aliases is QUERY_TOO_COMPLEX, counted through fragments too.
#[tokio::test]
async fn alias_limit() {
    let stack = stack().await;
    let aliased = "{ a: backends { name } b: backends { name } ...F } fragment F on Query { c: backends { name } d: backends { name } }";
    let response = stack.gql(aliased, json!({})).await;
    assert_eq!(code(&response), "QUERY_TOO_COMPLEX", "{response}");
    // A fragment spread twice counts twice: two aliases in it, spread twice, are four.
    let spread = "{ ...F ...F } fragment F on Query { c: backends { name } d: backends { name } }";
    let response = stack.gql(spread, json!({})).await;
    assert_eq!(code(&response), "QUERY_TOO_COMPLEX", "{response}");
    let ok = stack.gql("{ a: backends { name } b: backends { name } }", json!({})).await;
    assert!(errors(&ok).is_empty(), "{ok}");
    assert_eq!(ok["data"]["a"][0]["name"], "vesuviopay");
}

// More directives on one field than max_directives is refused.
#[tokio::test]
async fn directive_limit() {
    let stack = stack().await;
    let query = "{ backends @include(if: true) @skip(if: false) @include(if: true) { name } }";
    let response = stack.gql(query, json!({})).await;
    assert!(!errors(&response).is_empty(), "{response}");
    assert!(response["data"].is_null(), "{response}");
    still_serving(&stack).await;
}

// A batch larger than max_batch is BAD_USER_INPUT; a batch within it answers an array.
#[tokio::test]
async fn batch_limit() {
    let stack = stack().await;
    let one = json!({ "query": "{ backends { name } }" });
    let (status, body) = stack.post_json(json!([one, one, one])).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{body}");
    let (status, body) = stack.post_json(json!([one, one])).await;
    assert_eq!(status, 200);
    assert_eq!(body.as_array().map(Vec::len), Some(2), "{body}");
}

// A body over max_body_bytes is 413 before parsing; the server keeps serving.
#[tokio::test]
async fn body_limit() {
    let stack = stack().await;
    let big = format!("{{ backends {{ name }} }} # {}", "x".repeat(10_000));
    let (status, body) = stack.post_json(json!({ "query": big })).await;
    assert_eq!(status, 413);
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    still_serving(&stack).await;
}

// Introspection can be turned off.
#[tokio::test]
async fn introspection_off() {
    let stack =
        Stack::start_with(&[SandboxKind::Vesuviopay], options(1), |c| c.server.introspection = false).await;
    let response = stack.gql("{ __schema { queryType { name } } }", json!({})).await;
    assert!(!errors(&response).is_empty(), "{response}");
    still_serving(&stack).await;
}

// `first` above 100 and a cursor that does not decode are BAD_USER_INPUT.
#[tokio::test]
async fn paging_arguments() {
    let stack = stack().await;
    let response = stack.gql("{ orders(first: 101) { nodes { id } } }", json!({})).await;
    assert_eq!(code(&response), "BAD_USER_INPUT", "{response}");
    let response = stack.gql("{ orders(first: 1, after: \"garbage\") { nodes { id } } }", json!({})).await;
    assert_eq!(code(&response), "BAD_USER_INPUT", "{response}");
}

// The HTTP surface: health, readiness, metrics, GraphiQL.
#[tokio::test]
async fn http_surface() {
    let stack = stack().await;
    let get = |path: &str| stack.http().get(format!("{}{path}", stack.url));
    assert_eq!(get("/healthz").send().await.unwrap().status(), 200);
    let html = get("/").send().await.unwrap().text().await.unwrap();
    assert!(html.to_lowercase().contains("graphiql"));
    let html = get("/graphql").header("accept", "text/html").send().await.unwrap().text().await.unwrap();
    assert!(html.to_lowercase().contains("graphiql"));
    let json: serde_json::Value =
        get("/graphql?query=%7Bbackends%7Bname%7D%7D").send().await.unwrap().json().await.unwrap();
    assert_eq!(json["data"]["backends"][0]["name"], "vesuviopay");
    let _ = stack.gql("query Named { orders(first: 2) { nodes { id } } }", json!({})).await;
    let id = stack.gql("{ orders(first: 1) { nodes { id } } }", json!({})).await["data"]["orders"]["nodes"]
        [0]["id"]
        .clone();
    let _ = stack.gql("query($id: ID!) { order(id: $id) { number } }", json!({ "id": id })).await;
    let metrics = get("/metrics").send().await.unwrap().text().await.unwrap();
    for line in [
        r#"ordergraph_graphql_request_duration_seconds_count{operation="Named",outcome="ok"} 1"#,
        r#"ordergraph_backend_call_duration_seconds_count{backend="vesuviopay",operation="list",outcome="ok"}"#,
        r#"ordergraph_cache_lookups_total{cache="list",result="miss"}"#,
        r#"ordergraph_cache_entries{cache="list"}"#,
        r#"ordergraph_cache_entries{cache="documents"} 4"#,
        r#"ordergraph_build_info{version=""#,
        "ordergraph_http_requests_in_flight 1",
        r#"le="15""#,
    ] {
        assert!(metrics.contains(line), "{line} missing from:\n{metrics}");
    }
    assert!(
        !metrics.contains(r#"ordergraph_cache_entries{cache="order"} 0"#),
        "the order read is cached: {metrics}"
    );
}

// The same document answers the same every time, concurrently or not, and its variables are checked on every
// request: values of the wrong type and a missing required variable are refused before anything runs.
#[tokio::test]
async fn variables_are_checked_on_every_request() {
    let stack = stack().await;
    let query =
        "query($first: Int, $id: ID!) { orders(first: $first) { nodes { id } } order(id: $id) { id } }";
    let first = stack.gql("{ orders(first: 1) { nodes { id } } }", json!({})).await;
    let id = first["data"]["orders"]["nodes"][0]["id"].clone();
    assert!(id.is_string(), "{first}");
    let answers: Vec<serde_json::Value> =
        futures::future::join_all((0..3).map(|_| stack.gql(query, json!({ "first": 2, "id": id })))).await;
    let again = stack.gql(query, json!({ "first": 2, "id": id })).await;
    for answer in answers.iter().chain([&again]) {
        assert!(errors(answer).is_empty(), "{answer}");
        assert_eq!(answer["data"], answers[0]["data"]);
    }
    assert_eq!(again["data"]["order"]["id"], id, "{again}");
    // Values of the wrong type, and a required variable left out, are refused before anything runs.
    for bad in [
        json!({ "first": "two", "id": id }),
        json!({ "first": 2, "id": 7.5 }),
        json!({ "first": 2, "id": [id] }),
    ] {
        let response = stack.gql(query, bad.clone()).await;
        assert_eq!(code(&response), "BAD_USER_INPUT", "{bad}: {response}");
        assert!(response["data"].is_null(), "{bad}: {response}");
    }
    let response = stack.gql(query, json!({ "first": 2 })).await;
    assert_eq!(code(&response), "BAD_USER_INPUT", "{response}");
    assert!(response.get("data").is_none_or(Value::is_null), "refused before execution: {response}");
    // A document that fails validation fails the same way every time.
    let unknown = "{ orders(first: 1) { nodes { id colour } } }";
    let refusals: Vec<serde_json::Value> =
        futures::future::join_all((0..2).map(|_| stack.gql(unknown, json!({})))).await;
    for response in refusals {
        assert_eq!(code(&response), "BAD_USER_INPUT", "{response}");
        assert!(errors(&response)[0]["message"].as_str().unwrap_or("").contains("colour"), "{response}");
    }
    still_serving(&stack).await;
}

// Floats in a request's variables reach the schema as numbers (serde_json's arbitrary precision must not show
// through): a float where an Int is declared is refused naming the number, over POST and GET alike.
#[tokio::test]
async fn float_variables_arrive_as_numbers() {
    let stack = stack().await;
    let by_variable =
        "query($d: DateTime) { orders(first: 1, filter: { placedAfter: $d }) { nodes { id } } }";
    let in_object = "query($f: OrderFilter) { orders(first: 1, filter: $f) { nodes { id } } }";
    let answers = [
        stack.gql(by_variable, json!({ "d": 7.5 })).await,
        stack.gql(in_object, json!({ "f": { "placedAfter": 7.5 } })).await,
        stack
            .http()
            .get(format!("{}/graphql", stack.url))
            .query(&[("query", by_variable), ("variables", r#"{"d": 7.5}"#)])
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap(),
    ];
    for response in answers {
        assert_eq!(code(&response), "BAD_USER_INPUT", "{response}");
        let message = errors(&response)[0]["message"].as_str().unwrap_or("").to_string();
        assert!(message.contains("found 7.5"), "{response}");
        assert!(!message.contains("serde_json"), "{response}");
    }
    still_serving(&stack).await;
}
