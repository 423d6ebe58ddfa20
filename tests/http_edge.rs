//! GraphQL over HTTP as the contract has it, over loopback: JSON-only POSTs, GET for queries only, request
//! errors as 400 without `data` under `application/graphql-response+json`, failed fields as null with their
//! path, root fields in the query's order, batches and body limits, request ids.

mod common;

use std::time::Duration;

use common::{Stack, errors, options};
use ordergraph::sandbox::SandboxKind;
use serde_json::{Value, json};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

async fn stack() -> Stack {
    Stack::start_with(&[SandboxKind::Vesuviopay], options(5), |config| {
        config.server.max_batch = 2;
        config.server.max_body_bytes = 4096;
    })
    .await
}

fn url(stack: &Stack) -> String {
    format!("{}/graphql", stack.url)
}

fn calls(stack: &Stack) -> usize {
    stack.sandbox(SandboxKind::Vesuviopay).control.request_count()
}

async fn first_order_id(stack: &Stack) -> String {
    let response = stack.gql("{ orders(first: 1) { nodes { id } } }", json!({})).await;
    response["data"]["orders"]["nodes"][0]["id"].as_str().expect("an order id").to_string()
}

/// Status, content type and JSON body of a response.
async fn read(response: reqwest::Response) -> (u16, String, Value) {
    let status = response.status().as_u16();
    let content_type =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let text = response.text().await.expect("body");
    (status, content_type, serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")))
}

fn code(body: &Value) -> String {
    errors(body).first().and_then(|e| e["extensions"]["code"].as_str()).unwrap_or("").to_string()
}

// A POST whose content type is not JSON (text/plain, a form, multipart, none) is 415 and runs nothing: the
// same mutation sent as JSON does reach the backend.
#[tokio::test]
async fn non_json_posts_are_415_and_run_nothing() {
    let stack = stack().await;
    let id = first_order_id(&stack).await;
    let mutation = json!({
        "query": "mutation($id: ID!) { updateOrderStatus(input: { id: $id, status: CONFIRMED }) { userErrors { code } } }",
        "variables": { "id": id }
    })
    .to_string();
    let before = calls(&stack);
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let mut request = stack.http().post(url(&stack)).body(mutation.clone());
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let (status, _, body) = read(request.send().await.expect("answer")).await;
        assert_eq!(status, 415, "{content_type:?}: {body}");
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    }
    assert_eq!(calls(&stack), before, "no backend call for a refused POST");
    let sent = stack
        .http()
        .post(url(&stack))
        .header("content-type", "application/json; charset=utf-8")
        .body(mutation)
        .send()
        .await
        .expect("answer");
    let (status, _, body) = read(sent).await;
    assert_eq!(status, 200, "{body}");
    assert!(calls(&stack) > before, "the JSON POST reaches the backend: {body}");
}

// GET runs only queries, decided on the parsed operation: a mutation after a comment, or selected among
// several operations, is 405 with `Allow: POST` and no backend call; the query of the same document runs.
#[tokio::test]
async fn get_runs_queries_only() {
    let stack = stack().await;
    let id = first_order_id(&stack).await;
    let mutation = format!(
        "mutation M {{ updateOrderStatus(input: {{ id: \"{id}\", status: CONFIRMED }}) {{ userErrors {{ code }} }} }}"
    );
    let commented = format!("#x\n{mutation}");
    let two = format!("query Q {{ backends {{ name }} }}\n{mutation}");
    let before = calls(&stack);
    for (query, operation) in [(commented.as_str(), None), (two.as_str(), Some("M"))] {
        let mut params = vec![("query", query)];
        params.extend(operation.map(|name| ("operationName", name)));
        for accept in ["application/json", GRAPHQL_RESPONSE] {
            let response = stack
                .http()
                .get(url(&stack))
                .header("accept", accept)
                .query(&params)
                .send()
                .await
                .expect("answer");
            let allow = response.headers().get("allow").and_then(|v| v.to_str().ok()).map(str::to_string);
            let (status, _, body) = read(response).await;
            assert_eq!(status, 405, "{query}: {body}");
            assert_eq!(allow.as_deref(), Some("POST"));
            assert!(errors(&body)[0]["message"].as_str().unwrap_or("").contains("POST"), "{body}");
        }
    }
    assert_eq!(calls(&stack), before, "no backend call for a mutation over GET");
    let params = [("query", two.as_str()), ("operationName", "Q")];
    let (status, _, body) =
        read(stack.http().get(url(&stack)).query(&params).send().await.expect("answer")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["backends"][0]["name"], "vesuviopay", "{body}");
}

// Under application/graphql-response+json, a parse error, a validation error and variables that do not
// coerce are 400 with no `data` entry and that content type; under application/json (or no Accept) they are
// 200 with application/json. A body that is not a GraphQL request is 400 either way.
#[tokio::test]
async fn request_errors_follow_the_accepted_media_type() {
    let stack = stack().await;
    let requests = [
        json!({ "query": "{ backends { name }" }),
        json!({ "query": "{ backends { colour } }" }),
        json!({ "query": "query($id: ID!) { order(id: $id) { id } }", "variables": { "id": null } }),
        json!({ "query": "query($id: ID!) { order(id: $id) { id } }", "variables": {} }),
        json!({ "query": "query($n: Int) { orders(first: $n) { nodes { id } } }", "variables": { "n": "two" } }),
    ];
    for request in &requests {
        let post = |accept: Option<&str>| {
            let mut post = stack.http().post(url(&stack)).json(request);
            if let Some(accept) = accept {
                post = post.header("accept", accept);
            }
            post.send()
        };
        let (status, content_type, body) = read(
            post(Some("application/graphql-response+json, application/json;q=0.9")).await.expect("answer"),
        )
        .await;
        assert_eq!(status, 400, "{request}: {body}");
        assert_eq!(content_type, GRAPHQL_RESPONSE);
        assert!(body.get("data").is_none(), "no data entry: {body}");
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        for accept in [Some("application/json"), None] {
            let (status, content_type, body) = read(post(accept).await.expect("answer")).await;
            assert_eq!(status, 200, "{request}: {body}");
            assert_eq!(content_type, "application/json");
            assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        }
    }
    for body in ["{ \"not a JSON", "{\"notquery\": \"{ __typename }\"}", "{\"query\": 3}", ""] {
        for accept in ["application/json", GRAPHQL_RESPONSE] {
            let sent = stack
                .http()
                .post(url(&stack))
                .header("content-type", "application/json")
                .header("accept", accept)
                .body(body)
                .send()
                .await
                .expect("answer");
            let (status, _, answer) = read(sent).await;
            assert_eq!(status, 400, "{body:?}: {answer}");
            assert_eq!(code(&answer), "BAD_USER_INPUT", "{answer}");
        }
    }
}

// A field whose resolver fails is null with an error carrying its path, its siblings answered; a failed
// non-null root field nulls `data` and keeps its path.
#[tokio::test]
async fn failed_fields_are_null_with_their_path() {
    let stack = stack().await;
    let response = stack.gql("{ a: order(id: \"bogus:1\") { id } b: backends { name } }", json!({})).await;
    let data = response["data"].as_object().expect("data");
    assert_eq!(data.keys().collect::<Vec<_>>(), ["a", "b"], "{response}");
    assert!(data["a"].is_null(), "{response}");
    assert_eq!(data["b"][0]["name"], "vesuviopay");
    assert_eq!(errors(&response)[0]["path"], json!(["a"]), "{response}");
    assert_eq!(code(&response), "INVALID_ID", "{response}");
    let ids: Vec<String> = (0..101).map(|i| format!("vesuviopay:{i}")).collect();
    let response = stack
        .gql("query($ids: [ID!]!) { b: backends { name } n: nodes(ids: $ids) { id } }", json!({ "ids": ids }))
        .await;
    assert!(response.get("data").is_some_and(Value::is_null), "{response}");
    assert_eq!(errors(&response)[0]["path"], json!(["n"]), "{response}");
}

// Root fields come back in the query's order even when the first waits on a slow backend and the second
// answers at once (async-graphql writes root fields as they finish).
#[tokio::test]
async fn root_fields_keep_the_query_order() {
    let stack = stack().await;
    let id = first_order_id(&stack).await;
    stack.sandbox(SandboxKind::Vesuviopay).control.set_latency(Duration::from_millis(200));
    let response = stack
        .gql("query($id: ID!) { slow: order(id: $id) { id } fast: backends { name } }", json!({ "id": id }))
        .await;
    let keys: Vec<&String> = response["data"].as_object().expect("data").keys().collect();
    assert_eq!(keys, ["slow", "fast"], "{response}");
    assert_eq!(response["data"]["slow"]["id"], json!(id));
}

// Batches: within max_batch an array of answers in order, one refused element without `data`; above it 400;
// with max_batch = 0 any array is 400.
#[tokio::test]
async fn batches_are_bounded() {
    let stack = stack().await;
    let ok = json!({ "query": "{ backends { name } }" });
    let refused = json!({ "query": "{ backends { colour } }" });
    let (status, body) = stack.post_json(json!([ok, refused])).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body[0]["data"]["backends"][0]["name"], "vesuviopay", "{body}");
    assert!(body[1].get("data").is_none() && !errors(&body[1]).is_empty(), "{body}");
    let (status, body) = stack.post_json(json!([ok, ok, ok])).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    let unbatched =
        Stack::start_with(&[SandboxKind::Vesuviopay], options(1), |config| config.server.max_batch = 0).await;
    let (status, body) = unbatched.post_json(json!([ok])).await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = unbatched.post_json(ok.clone()).await;
    assert_eq!(status, 200);
}

// A body over max_body_bytes is 413 with a JSON error, whether its length is announced or streamed.
#[tokio::test]
async fn bodies_over_the_limit_are_413() {
    let stack = stack().await;
    let big = json!({ "query": format!("{{ backends {{ name }} }} # {}", "x".repeat(10_000)) }).to_string();
    let announced =
        stack.http().post(url(&stack)).header("content-type", "application/json").body(big.clone());
    let chunks: Vec<Result<String, std::io::Error>> =
        big.as_bytes().chunks(1000).map(|c| Ok(String::from_utf8_lossy(c).into_owned())).collect();
    let streamed = stack
        .http()
        .post(url(&stack))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)));
    for request in [announced, streamed] {
        let (status, _, body) = read(request.send().await.expect("answer")).await;
        assert_eq!(status, 413, "{body}");
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    }
}

// Every response carries an x-request-id: the client's own when it sends one, a fresh UUID otherwise.
#[tokio::test]
async fn request_ids_are_echoed_or_generated() {
    let stack = stack().await;
    let id_of = |response: &reqwest::Response| {
        response.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_string)
    };
    let mine =
        stack.http().get(format!("{}/healthz", stack.url)).header("x-request-id", "abc-123").send().await;
    assert_eq!(id_of(&mine.expect("answer")).as_deref(), Some("abc-123"));
    let mut seen = Vec::new();
    for _ in 0..2 {
        let response =
            stack.http().post(url(&stack)).json(&json!({ "query": "{ __typename }" })).send().await;
        let id = id_of(&response.expect("answer")).expect("an id");
        assert_eq!(id.len(), 36, "a UUID: {id}");
        assert!(!seen.contains(&id), "fresh ids");
        seen.push(id);
    }
}
