//! `/graphql` over HTTP, as the GraphQL-over-HTTP spec and the contract have it: JSON POSTs only (any other
//! content type is 415 before anything runs), single requests or batches up to `server.max_batch`; GETs run
//! queries only (405 otherwise, decided on the parsed operation); a request refused before execution
//! (parse, validation, variables) has no `data` and is 400 when the client accepts
//! `application/graphql-response+json`; `Idempotency-Key` replays a POST's first answer; `GET /graphql`
//! upgraded to a WebSocket speaks `graphql-transport-ws` (and the older `graphql-ws`).

use async_graphql::parser::types::DocumentOperations;
use std::time::Instant;

use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, receive_batch_json};
use async_graphql::{BatchRequest, Data, ServerError, Value};
use async_graphql_axum::rejection::GraphQLRejection;
use async_graphql_axum::{GraphQLProtocol, GraphQLRequest, GraphQLWebSocket};
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{RawQuery, State, WebSocketUpgrade};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::AppState;
use super::auth::{Caller, Refusal, request_id};
use super::numbers::restore_numbers;
use crate::domain::budget::with_call_budget;
use crate::engine::new_loader;
use crate::graphql::access::RequestId;
use crate::graphql::rules::{Forbidden, NotAQuery, QueriesOnly};
use crate::graphql::with_loader;

/// `POST /graphql`.
pub(super) async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let media = Media::accepted(&headers);
    let caller = match Caller::of(&state.keys, &headers) {
        Ok(caller) => caller,
        Err(refusal) => return refusal_response(&refusal, media),
    };
    if !is_json(&headers) {
        let message = "POST /graphql takes a JSON body: send Content-Type: application/json";
        return Answer::http_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, message).into_response(media);
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            return Answer::http_error(rejection.status(), &rejection.body_text()).into_response(media);
        }
    };
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::trim);
    match key {
        Some(key) if !key.is_empty() => {
            let hash: [u8; 32] = Sha256::digest(&body).into();
            let run = async {
                let answer = answer_post(&state, &body, &caller).await.remembered();
                (answer, !caller.release.0.load(std::sync::atomic::Ordering::Relaxed))
            };
            // Keys are per API key: two callers never share an answer.
            let scoped = format!("{}\n{key}", caller.access.label());
            match state.idempotency.run(&scoped, hash, run).await {
                Ok(remembered) => Answer::recalled(remembered).into_response(media),
                Err(error) => {
                    Answer::error(StatusCode::CONFLICT, "CONFLICT", &error.to_string()).into_response(media)
                }
            }
        }
        _ => answer_post(&state, &body, &caller).await.into_response(media),
    }
}

/// `GET /graphql`: a WebSocket upgrade, GraphiQL for a browser asking for no query, or a query.
pub(super) async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    websocket: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    protocol: Result<GraphQLProtocol, StatusCode>,
    RawQuery(parameters): RawQuery,
    request: Result<GraphQLRequest, GraphQLRejection>,
) -> Response {
    let media = Media::accepted(&headers);
    if let Ok(websocket) = websocket {
        return match protocol {
            Ok(protocol) => subscribe(&state, websocket, protocol, request_id(&headers)),
            Err(status) => {
                Answer::http_error(status, "unknown WebSocket subprotocol: use graphql-transport-ws")
                    .into_response(media)
            }
        };
    }
    let mut request = match request {
        Ok(request) => request.into_inner(),
        Err(GraphQLRejection(error)) => {
            return Answer::http_error(StatusCode::BAD_REQUEST, &error.to_string()).into_response(media);
        }
    };
    if request.operation_name.is_none() {
        request.operation_name = operation_name(parameters.as_deref().unwrap_or(""));
    }
    if request.query.is_empty() && !request.extensions.0.contains_key("persistedQuery") {
        let browser = headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
        if browser && state.config.graphiql {
            return super::graphiql::page(&state.config).into_response();
        }
        let message = "GET /graphql needs a `query` parameter";
        return Answer::http_error(StatusCode::BAD_REQUEST, message).into_response(media);
    }
    let caller = match Caller::of(&state.keys, &headers) {
        Ok(caller) => caller,
        Err(refusal) => return refusal_response(&refusal, media),
    };
    let execution = execute(&state, request.data(QueriesOnly), &caller);
    let response = with_call_budget(state.config.max_backend_calls, execution).await;
    Answer::single(response).into_response(media)
}

/// The `operationName` parameter of a GET. async-graphql's query-string parser reads it as `operation_name`
/// only; the GraphQL-over-HTTP spec names it `operationName`.
fn operation_name(parameters: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Parameters {
        #[serde(rename = "operationName")]
        operation_name: Option<String>,
    }
    serde_urlencoded::from_str::<Parameters>(parameters).ok()?.operation_name.filter(|name| !name.is_empty())
}

/// Serves GraphQL over the upgraded connection; each connection gets its own DataLoader.
fn subscribe(
    state: &AppState,
    websocket: WebSocketUpgrade,
    protocol: GraphQLProtocol,
    request_id: String,
) -> Response {
    let schema = state.schema.clone();
    let engine = state.engine.clone();
    let keys = state.keys.clone();
    websocket
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            GraphQLWebSocket::new(stream, schema, protocol)
                .on_connection_init(move |payload| async move {
                    let access = keys.authenticate_payload(&payload).map_err(|refusal| {
                        let (_, code, message) = refusal.parts();
                        async_graphql::Error::new(format!("{code}: {message}"))
                    })?;
                    let mut data = Data::default();
                    data.insert(new_loader(engine));
                    data.insert(access);
                    data.insert(RequestId(request_id));
                    Ok(data)
                })
                .serve()
        })
        .into_response()
}

/// A POST's answer, its operations within one budget of backend calls (`server.max_backend_calls`).
async fn answer_post(state: &AppState, body: &Bytes, caller: &Caller) -> Answer {
    with_call_budget(state.config.max_backend_calls, answer_post_within(state, body, caller)).await
}

async fn answer_post_within(state: &AppState, body: &Bytes, caller: &Caller) -> Answer {
    let batch = match receive_batch_json(body.as_ref()).await {
        Ok(batch) => batch,
        Err(error) => {
            let message = format!("the body is not a GraphQL request: {error}");
            return Answer::http_error(StatusCode::BAD_REQUEST, &message);
        }
    };
    let requests = match &batch {
        BatchRequest::Single(request) => std::slice::from_ref(request),
        BatchRequest::Batch(requests) => requests.as_slice(),
    };
    if requests
        .iter()
        .any(|request| request.query.is_empty() && !request.extensions.0.contains_key("persistedQuery"))
    {
        return Answer::http_error(
            StatusCode::BAD_REQUEST,
            "the body is not a GraphQL request: it has no `query`",
        );
    }
    match batch {
        BatchRequest::Single(request) => Answer::single(execute(state, request, caller).await),
        BatchRequest::Batch(requests) => {
            let max = state.config.max_batch;
            if max == 0 {
                return Answer::http_error(StatusCode::BAD_REQUEST, "batched requests are disabled");
            }
            if requests.len() > max {
                let message = format!("at most {max} operations in one batch");
                return Answer::http_error(StatusCode::BAD_REQUEST, &message);
            }
            let responses =
                futures::future::join_all(requests.into_iter().map(|r| execute(state, r, caller))).await;
            Answer::batch(&responses)
        }
    }
}

/// Runs one request with its own DataLoader, and counts it.
async fn execute(
    state: &AppState,
    request: async_graphql::Request,
    caller: &Caller,
) -> async_graphql::Response {
    let started = Instant::now();
    let mut request = request
        .data(caller.access.clone())
        .data(RequestId(caller.request_id.clone()))
        .data(caller.release.clone());
    request.variables.values_mut().for_each(restore_numbers);
    request.extensions.0.values_mut().for_each(restore_numbers);
    state.documents.prepare(&mut request);
    let operation = operation_label(&mut request);
    let response = state.schema.execute(with_loader(request, &state.engine)).await;
    let outcome = if response.errors.is_empty() { "ok" } else { "error" };
    state.engine.metrics().graphql_request(&operation, outcome, started.elapsed());
    response
}

/// The operation's name for the metrics: `operationName`, else the name of the document's only operation, else
/// `anonymous`. The document is parsed already ([`Documents::prepare`](super::documents::Documents::prepare)).
fn operation_label(request: &mut async_graphql::Request) -> String {
    if let Some(name) = &request.operation_name {
        return name.clone();
    }
    if request.query.is_empty() {
        return "anonymous".into();
    }
    match request.parsed_query().map(|document| &document.operations) {
        Ok(DocumentOperations::Multiple(operations)) if operations.len() == 1 => {
            operations.keys().next().map_or_else(|| "anonymous".into(), |name| name.to_string())
        }
        _ => "anonymous".into(),
    }
}

/// Whether the request's body is declared JSON (`application/json`, with or without parameters).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// The media type of the answer, from the request's `Accept`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Media {
    /// `application/json`: the legacy type; request errors stay 200.
    Json,
    /// `application/graphql-response+json`: request errors are 400 and have no `data`.
    GraphqlResponse,
}

impl Media {
    /// `application/graphql-response+json` when the client accepts it at least as much as `application/json`;
    /// `application/json` otherwise (also for `*/*` or no `Accept`).
    fn accepted(headers: &HeaderMap) -> Media {
        let mut graphql_response = 0.0_f32;
        let mut json = 0.0_f32;
        for accept in headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok()) {
            for range in accept.split(',') {
                let mut parts = range.split(';');
                let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
                // The q-value only ranks the two types; it is not a quantity of anything.
                let quality = parts
                    .filter_map(|p| p.trim().strip_prefix("q="))
                    .find_map(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                match essence.as_str() {
                    "application/graphql-response+json" => graphql_response = graphql_response.max(quality),
                    "application/json" => json = json.max(quality),
                    _ => {}
                }
            }
        }
        if graphql_response > 0.0 && graphql_response >= json { Media::GraphqlResponse } else { Media::Json }
    }

    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Media::Json => "application/json",
            Media::GraphqlResponse => "application/graphql-response+json",
        })
    }
}

/// How an answer went, which with the media type decides its status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Executed (a batch always is): 200.
    Executed,
    /// Refused before execution (parse, validation, variables): 400 under `graphql-response+json`, else 200.
    Refused,
    /// A mutation or subscription over GET: 405.
    NotAQuery,
    /// Refused at the HTTP level (not a GraphQL request, batch limit, …) with this status.
    Http(StatusCode),
}

/// A `/graphql` answer: its JSON body and how it went.
struct Answer {
    outcome: Outcome,
    body: Bytes,
}

/// One response as it is written: an executed one with `data`, a refused one without.
#[derive(Serialize)]
#[serde(untagged)]
enum Written<'a> {
    Executed(&'a async_graphql::Response),
    Refused { errors: &'a [ServerError] },
}

impl<'a> Written<'a> {
    fn of(response: &'a async_graphql::Response) -> Self {
        if refused(response) {
            Written::Refused { errors: &response.errors }
        } else {
            Written::Executed(response)
        }
    }
}

/// Whether a response was refused before execution: no data and no error from a field (errors of fields
/// carry a path; a non-null root field's error nulls `data` but keeps its path).
fn refused(response: &async_graphql::Response) -> bool {
    response.data == Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| error.path.is_empty())
}

impl Answer {
    fn single(response: async_graphql::Response) -> Answer {
        let outcome = if !refused(&response) {
            Outcome::Executed
        } else if response.errors.iter().any(|error| error.source::<NotAQuery>().is_some()) {
            Outcome::NotAQuery
        } else if response.errors.iter().any(|error| error.source::<Forbidden>().is_some()) {
            Outcome::Http(StatusCode::FORBIDDEN)
        } else {
            Outcome::Refused
        };
        Answer { outcome, body: json(&Written::of(&response)) }
    }

    fn batch(responses: &[async_graphql::Response]) -> Answer {
        let written: Vec<Written<'_>> = responses.iter().map(Written::of).collect();
        Answer { outcome: Outcome::Executed, body: json(&written) }
    }

    fn error(status: StatusCode, code: &str, message: &str) -> Answer {
        let body =
            serde_json::json!({ "errors": [ { "message": message, "extensions": { "code": code } } ] });
        Answer { outcome: Outcome::Http(status), body: json(&body) }
    }

    fn http_error(status: StatusCode, message: &str) -> Answer {
        Answer::error(status, "BAD_USER_INPUT", message)
    }

    /// The answer as the idempotency store keeps it: the status's two bytes (0 for an executed answer, 1 for
    /// a refused one), then the body.
    fn remembered(self) -> Bytes {
        let status = match self.outcome {
            Outcome::Executed => 0,
            Outcome::Refused => 1,
            Outcome::NotAQuery => StatusCode::METHOD_NOT_ALLOWED.as_u16(),
            Outcome::Http(status) => status.as_u16(),
        };
        let mut bytes = Vec::with_capacity(self.body.len() + 2);
        bytes.extend_from_slice(&status.to_be_bytes());
        bytes.extend_from_slice(&self.body);
        bytes.into()
    }

    /// The inverse of [`Answer::remembered`].
    fn recalled(mut bytes: Bytes) -> Answer {
        if bytes.len() < 2 {
            return Answer::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "an empty answer was remembered",
            );
        }
        let status = u16::from_be_bytes([bytes[0], bytes[1]]);
        let body = bytes.split_off(2);
        let outcome = match status {
            0 => Outcome::Executed,
            1 => Outcome::Refused,
            405 => Outcome::NotAQuery,
            status => Outcome::Http(StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST)),
        };
        Answer { outcome, body }
    }

    fn into_response(self, media: Media) -> Response {
        let status = match (self.outcome, media) {
            (Outcome::Executed, _) | (Outcome::Refused, Media::Json) => StatusCode::OK,
            (Outcome::Refused, Media::GraphqlResponse) => StatusCode::BAD_REQUEST,
            (Outcome::NotAQuery, _) => StatusCode::METHOD_NOT_ALLOWED,
            (Outcome::Http(status), _) => status,
        };
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = status;
        response.headers_mut().insert(header::CONTENT_TYPE, media.content_type());
        if self.outcome == Outcome::NotAQuery {
            response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        response
    }
}

/// Serialises a body; serde_json cannot fail on these values (string keys, no non-finite floats).
/// The answer to a request refused before anything runs (401 or 429, with their headers).
fn refusal_response(refusal: &Refusal, media: Media) -> Response {
    let (status, code, message) = refusal.parts();
    let mut response = Answer::error(status, code, &message).into_response(media);
    refusal.add_headers(response.headers_mut());
    response
}

fn json<T: Serialize>(value: &T) -> Bytes {
    serde_json::to_vec(value).unwrap_or_default().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The answer's media type follows Accept: graphql-response+json when preferred or equal, JSON otherwise.
    #[test]
    fn media_type_follows_accept() {
        let media = |accept: Option<&str>| {
            let mut headers = HeaderMap::new();
            if let Some(accept) = accept {
                headers.insert(header::ACCEPT, HeaderValue::from_str(accept).expect("header"));
            }
            Media::accepted(&headers)
        };
        assert_eq!(media(None), Media::Json);
        assert_eq!(media(Some("*/*")), Media::Json);
        assert_eq!(media(Some("application/json")), Media::Json);
        assert_eq!(media(Some("application/graphql-response+json")), Media::GraphqlResponse);
        assert_eq!(
            media(Some("application/graphql-response+json, application/json;q=0.9")),
            Media::GraphqlResponse
        );
        assert_eq!(media(Some("application/json, application/graphql-response+json;q=0.5")), Media::Json);
        assert_eq!(media(Some("application/graphql-response+json;q=0")), Media::Json);
    }

    // What the idempotency store keeps comes back with the same outcome and body.
    #[test]
    fn remembered_answers_come_back_whole() {
        for outcome in [Outcome::Executed, Outcome::Refused, Outcome::Http(StatusCode::BAD_REQUEST)] {
            let answer = Answer { outcome, body: Bytes::from_static(b"{\"data\":{}}") };
            let recalled = Answer::recalled(answer.remembered());
            assert_eq!(recalled.outcome, outcome);
            assert_eq!(recalled.body, Bytes::from_static(b"{\"data\":{}}"));
        }
    }
}
