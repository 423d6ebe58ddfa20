//! The edge's layers and extras over loopback: gzip and br, CORS preflights, Apollo automatic persisted
//! queries (POST and GET), the GraphiQL page with and without local assets, and GraphQL over WebSocket.

mod common;

use common::{Stack, errors, options};
use futures::{SinkExt, StreamExt};
use ordergraph::sandbox::SandboxKind;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const PAGE: &str =
    "{ orders(first: 50) { nodes { id number status { native } totals { total { amount } } } } }";

fn url(stack: &Stack) -> String {
    format!("{}/graphql", stack.url)
}

// A 50-order page is compressed with gzip or br as the client accepts (and not when it accepts neither);
// each decodes to the same answer.
#[tokio::test]
async fn responses_are_compressed() {
    let stack = Stack::start(&[SandboxKind::Vesuviopay], options(60)).await;
    let raw = reqwest::Client::builder().no_gzip().no_brotli().build().expect("client");
    let body = json!({ "query": PAGE });
    let plain = raw.post(url(&stack)).json(&body).send().await.expect("answer");
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.expect("body");
    let expected: Value = serde_json::from_slice(&plain).expect("JSON");
    assert_eq!(expected["data"]["orders"]["nodes"].as_array().map(Vec::len), Some(50));
    for encoding in ["gzip", "br"] {
        let response = raw
            .post(url(&stack))
            .header("accept-encoding", encoding)
            .json(&body)
            .send()
            .await
            .expect("answer");
        let header =
            response.headers().get("content-encoding").and_then(|v| v.to_str().ok()).map(str::to_string);
        assert_eq!(header.as_deref(), Some(encoding));
        let compressed = response.bytes().await.expect("body");
        assert!(
            compressed.len() * 3 < plain.len(),
            "{encoding}: {} of {} bytes",
            compressed.len(),
            plain.len()
        );
        // The same request through a client that decodes only this encoding.
        let builder = reqwest::Client::builder();
        let decoding = if encoding == "gzip" { builder.no_brotli() } else { builder.no_gzip() };
        let decoded: Value = decoding
            .build()
            .expect("client")
            .post(url(&stack))
            .json(&body)
            .send()
            .await
            .expect("answer")
            .json()
            .await
            .expect("JSON");
        assert_eq!(decoded, expected);
    }
}

// With [server.cors] allow_origins, a preflight from a listed origin is answered with that origin, GET and
// POST, the standard headers and the configured extra; an unlisted origin gets no CORS header; without the
// setting no CORS header is ever sent.
#[tokio::test]
async fn cors_preflights() {
    let stack = Stack::start_with(&[SandboxKind::Vesuviopay], options(1), |config| {
        config.server.cors.allow_origins = vec!["http://localhost:5173".into()];
        config.server.cors.allow_headers = vec!["x-trace".into()];
    })
    .await;
    let preflight = |stack: &Stack, origin: &str| {
        stack
            .http()
            .request(reqwest::Method::OPTIONS, url(stack))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type, x-api-key, x-trace")
            .send()
    };
    let header = |response: &reqwest::Response, name: &str| {
        response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
    };
    let allowed = preflight(&stack, "http://localhost:5173").await.expect("answer");
    assert!(matches!(allowed.status().as_u16(), 200 | 204), "{}", allowed.status());
    assert_eq!(header(&allowed, "access-control-allow-origin"), "http://localhost:5173");
    let methods = header(&allowed, "access-control-allow-methods");
    assert!(methods.contains("GET") && methods.contains("POST"), "{methods}");
    let headers = header(&allowed, "access-control-allow-headers");
    for name in ["content-type", "authorization", "x-api-key", "idempotency-key", "x-trace"] {
        assert!(headers.contains(name), "{name} in {headers}");
    }
    let refused = preflight(&stack, "https://evil.example").await.expect("answer");
    assert_eq!(header(&refused, "access-control-allow-origin"), "");
    let simple = stack
        .http()
        .post(url(&stack))
        .header("origin", "http://localhost:5173")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("answer");
    assert_eq!(header(&simple, "access-control-allow-origin"), "http://localhost:5173");
    assert_eq!(header(&simple, "access-control-expose-headers"), "x-request-id");
    let closed = Stack::start(&[SandboxKind::Vesuviopay], options(1)).await;
    let response = preflight(&closed, "http://localhost:5173").await.expect("answer");
    assert_eq!(header(&response, "access-control-allow-origin"), "");
}

// Apollo's automatic persisted queries: a hash-only request for an unknown hash answers
// PersistedQueryNotFound (code PERSISTED_QUERY_NOT_FOUND); the retry with the query runs and is remembered,
// so the hash alone then works, over POST and GET.
#[tokio::test]
async fn persisted_queries() {
    let stack = Stack::start(&[SandboxKind::Vesuviopay], options(1)).await;
    let query = "{ backends { name } }";
    let hash = format!("{:x}", Sha256::digest(query.as_bytes()));
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let (status, unknown) = stack.post_json(json!({ "extensions": extensions })).await;
    assert_eq!(status, 200, "{unknown}");
    assert_eq!(errors(&unknown)[0]["message"], "PersistedQueryNotFound", "{unknown}");
    assert_eq!(errors(&unknown)[0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND", "{unknown}");
    let (_, retry) = stack.post_json(json!({ "query": query, "extensions": extensions })).await;
    assert_eq!(retry["data"]["backends"][0]["name"], "vesuviopay", "{retry}");
    let (_, by_hash) = stack.post_json(json!({ "extensions": extensions })).await;
    assert_eq!(by_hash["data"], retry["data"], "{by_hash}");
    let get = stack
        .http()
        .get(url(&stack))
        .query(&[("extensions", extensions.to_string())])
        .send()
        .await
        .expect("answer");
    let by_get: Value = get.json().await.expect("JSON");
    assert_eq!(by_get["data"], retry["data"], "{by_get}");
    // A hash never registered is still unknown over GET.
    let other = json!({ "persistedQuery": { "version": 1, "sha256Hash": "0".repeat(64) } });
    let get = stack.http().get(url(&stack)).query(&[("extensions", other.to_string())]).send().await;
    let unknown: Value = get.expect("answer").json().await.expect("JSON");
    assert_eq!(errors(&unknown)[0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND", "{unknown}");
}

// GraphiQL is served at / and to a browser's GET /graphql; from the CDN by default, with the plain message
// naming the assets and server.graphiql_assets for when they cannot load; with server.graphiql_assets the
// page loads the folder's files, which are served under /graphiql/assets/.
#[tokio::test]
async fn graphiql_page_and_assets() {
    let stack = Stack::start(&[SandboxKind::Vesuviopay], options(1)).await;
    let get = |stack: &Stack, path: &str| {
        stack.http().get(format!("{}{path}", stack.url)).header("accept", "text/html").send()
    };
    for path in ["/", "/graphql"] {
        let response = get(&stack, path).await.expect("answer");
        assert!(response.headers()["content-type"].to_str().unwrap_or("").starts_with("text/html"));
        let page = response.text().await.expect("page");
        assert!(page.contains("https://unpkg.com/graphiql@"), "{path}");
        assert!(page.contains("GraphiQL cannot start: its assets did not load"));
        assert!(page.contains("server.graphiql_assets"));
    }
    let dir = std::env::temp_dir().join(format!("ordergraph-graphiql-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("graphiql.min.js"), "window.GraphiQL = {};").expect("file");
    let local = Stack::start_with(&[SandboxKind::Vesuviopay], options(1), |config| {
        config.server.graphiql_assets = Some(dir.clone());
    })
    .await;
    let page = get(&local, "/").await.expect("answer").text().await.expect("page");
    assert!(page.contains("src=\"/graphiql/assets/graphiql.min.js\""));
    assert!(!page.contains("unpkg.com"));
    let asset = get(&local, "/graphiql/assets/graphiql.min.js").await.expect("answer");
    assert_eq!(asset.status(), 200);
    assert_eq!(asset.text().await.expect("asset"), "window.GraphiQL = {};");
    let missing = get(&local, "/graphiql/assets/react.production.min.js").await.expect("answer");
    assert_eq!(missing.status(), 404);
    let _ = std::fs::remove_dir_all(&dir);
}

// GET /graphql upgrades to a WebSocket speaking graphql-transport-ws: a query sent as a subscribe message
// answers `next` with its data, then `complete`.
#[tokio::test]
async fn graphql_over_websocket() {
    let stack = Stack::start(&[SandboxKind::Vesuviopay], options(1)).await;
    let mut request = url(&stack).replace("http://", "ws://").into_client_request().expect("request");
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().expect("header"));
    let (mut socket, response) = tokio_tungstenite::connect_async(request).await.expect("upgrade");
    assert_eq!(response.headers()["sec-websocket-protocol"], "graphql-transport-ws");
    let send = |value: Value| Message::Text(value.to_string().into());
    socket.send(send(json!({ "type": "connection_init" }))).await.expect("init");
    let mut received = Vec::new();
    let subscribe =
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ backends { name } }" } });
    let mut subscribed = false;
    while let Some(Ok(message)) = socket.next().await {
        let Message::Text(text) = message else { continue };
        let value: Value = serde_json::from_str(&text).expect("JSON");
        if value["type"] == "connection_ack" && !subscribed {
            socket.send(send(subscribe.clone())).await.expect("subscribe");
            subscribed = true;
        }
        let done = value["type"] == "complete";
        received.push(value);
        if done {
            break;
        }
    }
    let next = received.iter().find(|m| m["type"] == "next").expect("a next message");
    assert_eq!(next["payload"]["data"]["backends"][0]["name"], "vesuviopay", "{received:?}");
}
