//! The HTTP server: `/graphql` (POST and GET, batches, GraphiQL for browsers), `/`, `/healthz`, `/readyz`,
//! `/metrics`; request limits enforced before parsing; graceful shutdown; and the tokio runtime it runs on.

use std::sync::Arc;
use std::time::Instant;

use async_graphql::http::GraphiQLSource;
use async_graphql::{BatchRequest, BatchResponse};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Query as UrlQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;

use crate::config::{Config, ServerConfig};
use crate::engine::{Engine, IdempotencyStore};
use crate::graphql::{
    OrderGraphSchema, Prepared, QueryLimits, build_schema, build_validated_schema, keep_root_order,
    root_order, with_loader,
};

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// Full validation: a document's first requests.
    schema: OrderGraphSchema,
    /// A document that has passed full validation once (see [`build_validated_schema`]).
    validated_schema: OrderGraphSchema,
    queries: QueryLimits,
    engine: Arc<Engine>,
    limits: Arc<ServerConfig>,
    idempotency: IdempotencyStore,
}

/// The application router over `engine`.
pub fn app(engine: Arc<Engine>, limits: &ServerConfig) -> Router {
    let state = AppState {
        schema: build_schema(engine.clone(), limits),
        validated_schema: build_validated_schema(engine.clone(), limits),
        queries: QueryLimits::new(limits),
        engine,
        limits: Arc::new(limits.clone()),
        idempotency: IdempotencyStore::default(),
    };
    let mut router = Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/healthz", get(|| async { (StatusCode::OK, "ok") }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics));
    if limits.graphiql {
        router = router.route("/", get(graphiql));
    }
    router.with_state(state)
}

/// How many tasks a runtime worker polls between two looks for I/O and timer events; tokio's default is 61.
///
/// A gateway's request is a chain of short tasks woken by sockets (the client's request, one answer per backend,
/// the list calls, the response). With 61, an answer that has arrived can wait behind 61 other tasks' polls
/// before its task is even woken. With the benchmark's 32 clients, 7 took (a) from 656–731 to 777–828 req/s and
/// its p50 from 44–49 to 38–40 ms in four alternated pairs (session 5), one client unchanged; 1 to 15 all did
/// about as well. Cached scenarios ((b), (e)) showed no change beyond the machine's run-to-run noise.
///
/// Since the backend calls run in the request's task (session 8), a request is fewer but longer polls, and 4
/// does a little better than 7: (a)'s p50 24.1–24.5 ms against 24.9–25.3 ms in two rounds of 1, 2, 4 and 7
/// (1 and 2 as good as 4, 31 clearly worse at 27.4–29.5 ms); (b) and (e) unchanged within their noise.
pub const EVENT_INTERVAL: u32 = 4;

/// The multi-threaded tokio runtime the gateway runs on (one worker per core), tuned by [`EVENT_INTERVAL`]. The
/// binary and the benchmark both use it, so the benchmark measures what ships.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().event_interval(EVENT_INTERVAL).build()
}

/// Serves `app` on `listener` until `shutdown` completes; in-flight requests finish first.
pub async fn run(
    listener: TcpListener,
    engine: Arc<Engine>,
    config: &Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = app(engine, &config.server);
    axum::serve(listener, router).with_graceful_shutdown(shutdown).await
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

fn graphiql_page() -> Html<String> {
    Html(GraphiQLSource::build().endpoint("/graphql").title("ordergraph").finish())
}

async fn graphiql() -> Html<String> {
    graphiql_page()
}

async fn graphql_get(
    State(state): State<AppState>,
    headers: HeaderMap,
    UrlQuery(params): UrlQuery<std::collections::HashMap<String, String>>,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html && !params.contains_key("query") && state.limits.graphiql {
        return graphiql_page().into_response();
    }
    let Some(query) = params.get("query") else {
        return error_response(
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            "GET /graphql needs a `query` parameter",
        );
    };
    let mut request = async_graphql::Request::new(query.clone());
    if let Some(name) = params.get("operationName") {
        request = request.operation_name(name.clone());
    }
    if let Some(vars) = params.get("variables") {
        match serde_json::from_str::<serde_json::Value>(vars) {
            Ok(v) => request = request.variables(async_graphql::Variables::from_json(v)),
            Err(_) => {
                return error_response(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", "`variables` is not JSON");
            }
        }
    }
    // Mutations over GET are refused (GraphQL over HTTP: GET must be safe).
    if query.trim_start().starts_with("mutation") {
        return error_response(StatusCode::METHOD_NOT_ALLOWED, "BAD_USER_INPUT", "mutations need POST");
    }
    let response = execute(&state, BatchRequest::Single(request)).await;
    json_response(&headers, response)
}

async fn graphql_post(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    // Read at most max_body_bytes + 1: anything larger is refused before parsing.
    let limit = state.limits.max_body_bytes;
    let bytes = match axum::body::to_bytes(body, limit.saturating_add(1)).await {
        Ok(b) if b.len() <= limit => b,
        _ => {
            return error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                "BAD_USER_INPUT",
                &format!("the request body is larger than {limit} bytes"),
            );
        }
    };
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_string);
    match key {
        Some(key) if !key.trim().is_empty() => {
            let hash: [u8; 32] = Sha256::digest(&bytes).into();
            let run = async {
                let response = handle_post(&state, &headers, &bytes).await;
                axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap_or_default()
            };
            match state.idempotency.run(key.trim(), hash, run).await {
                Ok(body) => json_bytes(&headers, StatusCode::OK, body),
                Err(error) => error_response(StatusCode::CONFLICT, "CONFLICT", &error.to_string()),
            }
        }
        _ => handle_post(&state, &headers, &bytes).await,
    }
}

async fn handle_post(state: &AppState, headers: &HeaderMap, bytes: &Bytes) -> Response {
    let batch: BatchRequest = match serde_json::from_slice(bytes) {
        Ok(b) => b,
        Err(e) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                &format!("the body is not a GraphQL request: {e}"),
            );
        }
    };
    if let BatchRequest::Batch(requests) = &batch {
        let max = state.limits.max_batch;
        if max == 0 {
            return error_response(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                "batched requests are disabled",
            );
        }
        if requests.len() > max {
            return error_response(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                &format!("at most {max} operations in one batch"),
            );
        }
    }
    let response = execute(state, batch).await;
    json_response(headers, response)
}

async fn execute(state: &AppState, batch: BatchRequest) -> BatchResponse {
    let requests: Vec<async_graphql::Request> = match batch {
        BatchRequest::Single(r) => vec![r],
        BatchRequest::Batch(rs) => rs,
    };
    let single = requests.len() == 1;
    let mut responses = Vec::with_capacity(requests.len());
    for mut request in requests {
        let started = Instant::now();
        request.variables.values_mut().for_each(restore_numbers);
        let operation = request.operation_name.clone().unwrap_or_else(|| "anonymous".into());
        let prepared = state.queries.prepare(&mut request).await;
        let order = match (&prepared, request.operation_name.clone()) {
            (Ok(_), name) => {
                request.parsed_query().map(|d| root_order(d, name.as_deref())).unwrap_or_default()
            }
            (Err(_), _) => Vec::new(),
        };
        let mut response = match prepared {
            Ok(Prepared::Validated) => {
                state.validated_schema.execute(with_loader(request, &state.engine)).await
            }
            Ok(prepared) => {
                let response = state.schema.execute(with_loader(request, &state.engine)).await;
                prepared.executed(&response);
                response
            }
            Err(error) => async_graphql::Response::from_errors(vec![error]),
        };
        keep_root_order(&mut response, &order);
        let outcome = if response.errors.is_empty() { "ok" } else { "error" };
        crate::metrics::global().graphql_request(&operation, outcome, started.elapsed());
        responses.push(response);
    }
    if single { BatchResponse::Single(responses.remove(0)) } else { BatchResponse::Batch(responses) }
}

/// What serde_json (built with `arbitrary_precision`, which the adapters need for exact money) hands another
/// crate's deserializer for a number: a map with this one key and the number's text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Turns the maps serde_json leaves for numbers in a request's variables back into numbers, so that a float
/// reaches the schema (and its error messages) as `7.5`.
fn restore_numbers(value: &mut async_graphql::Value) {
    match value {
        async_graphql::Value::Object(map) => {
            let number = match map.get(NUMBER_TOKEN) {
                Some(async_graphql::Value::String(text)) if map.len() == 1 => {
                    text.parse::<serde_json::Number>().ok()
                }
                _ => None,
            };
            match number {
                Some(number) => *value = async_graphql::Value::Number(number),
                None => map.values_mut().for_each(restore_numbers),
            }
        }
        async_graphql::Value::List(items) => items.iter_mut().for_each(restore_numbers),
        _ => {}
    }
}

fn json_response(headers: &HeaderMap, response: BatchResponse) -> Response {
    let mut response = response;
    add_codes(&mut response);
    let body = serde_json::to_vec(&response).unwrap_or_default();
    json_bytes(headers, StatusCode::OK, Bytes::from(body))
}

/// Gives every error without a code one: async-graphql's own validation and limit errors.
fn add_codes(response: &mut BatchResponse) {
    let fix = |r: &mut async_graphql::Response| {
        for error in &mut r.errors {
            let has_code = error.extensions.as_ref().is_some_and(|e| e.get("code").is_some());
            if !has_code {
                let lower = error.message.to_lowercase();
                let code = if lower.contains("too complex")
                    || lower.contains("too deep")
                    || lower.contains("nested too deep")
                    || lower.contains("directives")
                {
                    "QUERY_TOO_COMPLEX"
                } else {
                    "BAD_USER_INPUT"
                };
                error.extensions.get_or_insert_with(Default::default).set("code", code);
            }
        }
    };
    match response {
        BatchResponse::Single(r) => fix(r),
        BatchResponse::Batch(rs) => rs.iter_mut().for_each(fix),
    }
}

fn json_bytes(headers: &HeaderMap, status: StatusCode, body: Bytes) -> Response {
    let graphql_response = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/graphql-response+json"));
    let content_type =
        if graphql_response { "application/graphql-response+json" } else { "application/json" };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn error_response(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "errors": [ { "message": message, "extensions": { "code": code } } ] });
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

async fn readyz(State(state): State<AppState>) -> Response {
    let results = state.engine.readiness().await;
    let any_ok = results.iter().any(|(_, r)| r.is_ok());
    let backends: serde_json::Map<String, serde_json::Value> = results
        .into_iter()
        .map(|(name, result)| {
            let value = match result {
                Ok(()) => json!({ "ok": true }),
                Err(e) => json!({ "ok": false, "code": e.code(), "message": e.to_string() }),
            };
            (name.to_string(), value)
        })
        .collect();
    let status = if any_ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, axum::Json(json!({ "ready": any_ok, "backends": backends }))).into_response()
}

async fn metrics() -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], crate::metrics::global().render()).into_response()
}

#[cfg(test)]
mod tests {
    use super::restore_numbers;

    // Numbers at any depth of the variables (objects, lists) come back as numbers, exactly as sent; anything
    // else is left alone.
    #[test]
    fn numbers_in_variables_are_restored_at_any_depth() {
        let sent = r#"{"a": 7.5, "b": [1, 2.25, {"c": 1e400}], "d": {"e": "7.5", "f": null}}"#;
        let variables: async_graphql::Variables = serde_json::from_str(sent).unwrap();
        let mut value = variables.into_value();
        restore_numbers(&mut value);
        assert_eq!(value.to_string(), r#"{a: 7.5, b: [1, 2.25, {c: 1e+400}], d: {e: "7.5", f: null}}"#);
    }
}
