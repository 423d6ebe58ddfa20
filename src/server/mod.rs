//! The HTTP server: `/graphql` (`graphql`: POST and GET, batches, the WebSocket endpoint), GraphiQL at `/`
//! (`graphiql`), `/healthz`, `/readyz`, `/metrics`; tower-http layers for request ids, tracing, CORS,
//! compression and the body limit; graceful shutdown; and the tokio runtime it runs on.

mod auth;
mod documents;
mod graphiql;
mod graphql;
mod numbers;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::{Config, CorsConfig, ServerConfig};
use crate::engine::{Engine, IdempotencyStore};
use crate::graphql::{OrderGraphSchema, build_schema};
use documents::Documents;

pub use graphiql::{ASSETS as GRAPHIQL_ASSETS, GRAPHIQL_VERSION, REACT_VERSION};

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    schema: OrderGraphSchema,
    engine: Arc<Engine>,
    config: Arc<ServerConfig>,
    idempotency: IdempotencyStore,
    documents: Documents,
    keys: auth::Keys,
}

/// The header carrying a request's id: kept when the client sends one, a UUID otherwise; echoed back.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request headers a cross-origin caller may always send (`server.cors.allow_headers` adds to them).
pub const CORS_HEADERS: [&str; 4] = ["content-type", "authorization", "x-api-key", "idempotency-key"];

/// The application router over `engine`, with the limits and settings of `[server]` and the keys of `[auth]`.
pub fn app(engine: Arc<Engine>, config: &Config) -> Router {
    let keys = auth::Keys::new(&config.auth);
    let config = &config.server;
    let state = AppState {
        schema: build_schema(engine.clone(), config),
        engine,
        config: Arc::new(config.clone()),
        idempotency: IdempotencyStore::new(IDEMPOTENCY_TTL, config.idempotency_bytes),
        documents: Documents::new(config.document_cache_bytes),
        keys,
    };
    let mut router = Router::new()
        .route(
            "/graphql",
            get(graphql::get).post(graphql::post).layer(TimeoutLayer::with_status_code(
                StatusCode::GATEWAY_TIMEOUT,
                config.request_timeout + DEADLINE_GRACE,
            )),
        )
        .route("/healthz", get(|| async { (StatusCode::OK, "ok") }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics));
    if config.graphiql {
        router = router.route("/", get(graphiql_page));
        if let Some(dir) = &config.graphiql_assets {
            router = router.nest_service(graphiql::ASSETS_PATH, ServeDir::new(dir));
        }
    }
    let router =
        router.layer(axum::middleware::from_fn_with_state(state.clone(), count_in_flight)).with_state(state);
    let layers = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            let id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("http", method = %request.method(), path = %request.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .option_layer(cors(&config.cors))
        .layer(compression())
        .layer(axum::middleware::map_response(json_layer_errors))
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes));
    router.layer(layers)
}

/// Smallest answer worth compressing: below about one packet, compressing saves no round trip and costs the
/// encoder's set-up (brotli zeroes its tables for every answer).
const COMPRESS_ABOVE_BYTES: u16 = 1400;

/// Compression of answers the client accepts compressed (gzip, br), at each encoder's fastest level: a
/// 50-order page still shrinks about fourfold (10 KB to 2.5 KB), for a fraction of the default levels' CPU.
fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .quality(CompressionLevel::Fastest)
        .compress_when(DefaultPredicate::new().and(SizeAbove::new(COMPRESS_ABOVE_BYTES)))
}

/// The CORS layer of `[server.cors]`: none without origins (no CORS header is ever sent); otherwise
/// preflights from the listed origins are answered for GET and POST with the [`CORS_HEADERS`] and the
/// configured extra headers, and `x-request-id` is readable by the caller.
fn cors(config: &CorsConfig) -> Option<CorsLayer> {
    if config.allow_origins.is_empty() {
        return None;
    }
    let origins = if config.allow_origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(config.allow_origins.iter().filter_map(|origin| HeaderValue::from_str(origin).ok()))
    };
    let headers = CORS_HEADERS
        .iter()
        .map(|name| name.to_string())
        .chain(config.allow_headers.iter().map(|name| name.to_ascii_lowercase()))
        .filter_map(|name| HeaderName::from_bytes(name.as_bytes()).ok());
    Some(
        CorsLayer::new()
            .allow_origin(origins)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers(headers.collect::<Vec<_>>())
            .expose_headers([REQUEST_ID])
            .max_age(std::time::Duration::from_secs(600)),
    )
}

/// Gives the body limit's 413 and the request deadline's 504 a GraphQL error body, as every other refusal of
/// `/graphql` has.
async fn json_layer_errors<B>(response: axum::http::Response<B>) -> Response
where
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let (message, code) = match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            ("the request body is larger than server.max_body_bytes", "BAD_USER_INPUT")
        }
        StatusCode::GATEWAY_TIMEOUT => {
            ("the request did not finish within server.request_timeout", "BACKEND_TIMEOUT")
        }
        _ => return response.map(axum::body::Body::new),
    };
    let body = json!({ "errors": [ { "message": message, "extensions": { "code": code } } ] });
    (response.status(), [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

/// How long an `Idempotency-Key` is remembered.
const IDEMPOTENCY_TTL: Duration = Duration::from_secs(24 * 3600);

/// What the whole-request deadline adds to `server.request_timeout`: the engine's own deadlines (which answer
/// with what the other backends gave) fire first; this one only cuts a request that outlives them.
const DEADLINE_GRACE: Duration = Duration::from_millis(500);

/// How many tasks a runtime worker polls between two looks for I/O and timer events; tokio's default is 61.
///
/// A gateway's request is a chain of short tasks woken by sockets (the client's request, one answer per backend,
/// the list calls, the response). With 61, an answer that has arrived can wait behind 61 other tasks' polls
/// before its task is even woken. With the benchmark's 32 clients, 7 took (a) from 656–731 to 777–828 req/s and
/// its p50 from 44–49 to 38–40 ms in four alternated pairs, one client unchanged; 1 to 15 all did about as
/// well. Cached scenarios ((b), (e)) showed no change beyond the machine's run-to-run noise.
///
/// Since the backend calls run in the request's task, a request is fewer but longer polls, and 4 does a little
/// better than 7: (a)'s p50 24.1–24.5 ms against 24.9–25.3 ms in two rounds of 1, 2, 4 and 7 (1 and 2 as good
/// as 4, 31 clearly worse at 27.4–29.5 ms); (b) and (e) unchanged within their noise.
pub const EVENT_INTERVAL: u32 = 4;

/// The multi-threaded tokio runtime the gateway runs on (one worker per core), tuned by [`EVENT_INTERVAL`]. The
/// binary and the benchmark both use it, so the benchmark measures what ships.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().event_interval(EVENT_INTERVAL).build()
}

/// Serves `app` on `listener` until `shutdown` completes; requests in flight then have
/// `server.shutdown_timeout` to finish, after which `run` returns without them (the process exits and cuts them).
pub async fn run(
    listener: TcpListener,
    engine: Arc<Engine>,
    config: &Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = app(engine, config);
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(listener, router).with_graceful_shutdown(async move {
        shutdown.await;
        let _ = stopping.send(());
    });
    let limit = config.server.shutdown_timeout;
    let cut = async move {
        if stopped.await.is_ok() {
            tokio::time::sleep(limit).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        served = server => served,
        () = cut => {
            tracing::warn!(?limit, "server.shutdown_timeout passed: requests still in flight are cut");
            Ok(())
        }
    }
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

async fn graphiql_page(State(state): State<AppState>) -> Response {
    graphiql::page(&state.config).into_response()
}

async fn readyz(State(state): State<AppState>) -> Response {
    let results = state.engine.readiness().await;
    let any_ok = results.iter().any(|(_, r)| r.is_ok());
    let backends: serde_json::Map<String, serde_json::Value> = results
        .into_iter()
        .map(|(name, result)| {
            let value = match result {
                Ok(()) => json!({ "ok": true }),
                Err(e) => {
                    tracing::warn!(backend = %name, code = e.code(), error = %e, "backend not ready");
                    json!({ "ok": false, "code": e.code() })
                }
            };
            (name.to_string(), value)
        })
        .collect();
    let status = if any_ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, axum::Json(json!({ "ready": any_ok, "backends": backends }))).into_response()
}

async fn metrics(State(state): State<AppState>) -> Response {
    state.engine.metrics().cache_entries("documents", state.documents.entries());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.engine.render_metrics().await)
        .into_response()
}

/// Counts the request in `ordergraph_http_requests_in_flight` until its response is ready.
async fn count_in_flight(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let _in_flight = state.engine.metrics().request_started();
    next.run(request).await
}
