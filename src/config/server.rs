//! `[server]`, `[server.cors]` and `[cache]`: the structs the TOML deserializes into, their defaults, and the
//! checks serde's types cannot express.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::problems::Problems;
use super::secret::Secret;
use super::text::duration;

/// Default listen address of `serve` and `demo`.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// Default time a request may take across all backends.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// Default time a graceful shutdown waits for requests in flight.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);
/// Default budget of the answers the `Idempotency-Key` store keeps (64 MiB).
pub const DEFAULT_IDEMPOTENCY_BYTES: u64 = 64 * 1024 * 1024;
/// Default maximum of backend calls one HTTP request may cause.
pub const DEFAULT_MAX_BACKEND_CALLS: usize = 100;
/// Default maximum of list pages an engine-side filter reads per backend for one `orders` page.
pub const DEFAULT_MAX_SCAN_PAGES: usize = 10;
/// Default maximum query depth.
pub const DEFAULT_MAX_DEPTH: usize = 15;
/// Default maximum query complexity.
pub const DEFAULT_MAX_COMPLEXITY: usize = 5_000;
/// Default maximum number of aliased fields in one query.
pub const DEFAULT_MAX_ALIASES: usize = 30;
/// Default maximum number of directives on one field.
pub const DEFAULT_MAX_DIRECTIVES: usize = 5;
/// Default maximum number of operations in one batch.
pub const DEFAULT_MAX_BATCH: usize = 10;
/// Default maximum request body size (1 MiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
/// Default budget of the parsed-document cache (32 MiB, estimated).
pub const DEFAULT_DOCUMENT_CACHE_BYTES: u64 = 32 * 1024 * 1024;
/// Whether introspection is answered by default.
pub const DEFAULT_INTROSPECTION: bool = true;
/// Whether GraphiQL is served by default.
pub const DEFAULT_GRAPHIQL: bool = true;
/// Default time-to-live of cached orders.
pub const DEFAULT_ORDER_TTL: Duration = Duration::from_secs(30);
/// Default time-to-live of cached list pages.
pub const DEFAULT_LIST_TTL: Duration = Duration::from_secs(5);
/// Default bound of the order cache.
pub const DEFAULT_MAX_ORDERS: u64 = 100_000;
/// Default byte budget of the order and list caches together (256 MiB, estimated).
pub const DEFAULT_CACHE_MAX_BYTES: u64 = 256 * 1024 * 1024;
/// Whether caching is on by default.
pub const DEFAULT_CACHE_ENABLED: bool = true;

/// `[server]`: where to listen, the request limits and what the HTTP edge offers.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on, `IP:PORT` (default `"127.0.0.1:8080"`).
    pub listen: String,
    /// Deadline of a whole request across all backends (default `"15s"`).
    #[serde(with = "duration")]
    pub request_timeout: Duration,
    /// How long a graceful shutdown (SIGTERM, Ctrl-C) waits for requests in flight before cutting them
    /// (default `"10s"`).
    #[serde(with = "duration")]
    pub shutdown_timeout: Duration,
    /// Most backend calls one HTTP request may cause, across a batch and its aliases (default 100); past it the
    /// request's further calls are not made and fail with `QUERY_TOO_COMPLEX`.
    pub max_backend_calls: usize,
    /// Most list pages one `orders` page reads from one backend while a filter the backend cannot apply
    /// leaves it short (default 10); past it that backend's `BackendResult` says `SCAN_LIMIT` and `hasNextPage`
    /// stays true, so the client continues with the cursor instead of the gateway reading the whole store.
    pub max_scan_pages: usize,
    /// Maximum query depth (default 15).
    pub max_depth: usize,
    /// Maximum query complexity, fields weighted by list sizes (default 5000).
    pub max_complexity: usize,
    /// Maximum number of aliased fields in one query (default 30).
    pub max_aliases: usize,
    /// Maximum directives on one field (default 5).
    pub max_directives: usize,
    /// Maximum operations in one batched JSON array; 0 disables batching (default 10).
    pub max_batch: usize,
    /// Maximum request body size in bytes, 413 above it (default 1048576).
    pub max_body_bytes: usize,
    /// Bytes of parsed GraphQL documents kept so that a repeated query is not parsed again, estimated from
    /// their text (default 33554432, 32 MiB).
    pub document_cache_bytes: u64,
    /// Bytes of first answers the `Idempotency-Key` store keeps (keys live 24 h; the least used go first past
    /// this; default 67108864, 64 MiB).
    pub idempotency_bytes: u64,
    /// Whether introspection queries are answered (default true).
    pub introspection: bool,
    /// Whether GraphiQL is served at `/` and `GET /graphql` (default true).
    pub graphiql: bool,
    /// A folder to serve GraphiQL's assets from instead of their default source (default: none). Relative to the
    /// config file's folder when read with [`Config::load`](super::Config::load); `check-config` and `serve`
    /// refuse a path that is not a directory ([`Config::check_serveable`](super::Config::check_serveable)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graphiql_assets: Option<PathBuf>,
    /// `[server.cors]`: which browser origins may call the API.
    pub cors: CorsConfig,
    /// The secret `orders` cursors are signed with (default: a random one at each start, so cursors die with the
    /// process; set one to keep them across restarts and replicas).
    #[serde(skip_serializing)]
    pub cursor_secret: Option<Secret>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: DEFAULT_LISTEN.to_string(),
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            max_backend_calls: DEFAULT_MAX_BACKEND_CALLS,
            max_scan_pages: DEFAULT_MAX_SCAN_PAGES,
            max_depth: DEFAULT_MAX_DEPTH,
            max_complexity: DEFAULT_MAX_COMPLEXITY,
            max_aliases: DEFAULT_MAX_ALIASES,
            max_directives: DEFAULT_MAX_DIRECTIVES,
            max_batch: DEFAULT_MAX_BATCH,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            document_cache_bytes: DEFAULT_DOCUMENT_CACHE_BYTES,
            idempotency_bytes: DEFAULT_IDEMPOTENCY_BYTES,
            introspection: DEFAULT_INTROSPECTION,
            graphiql: DEFAULT_GRAPHIQL,
            graphiql_assets: None,
            cors: CorsConfig::default(),
            cursor_secret: None,
        }
    }
}

/// `[server.cors]`: CORS for browser clients on other origins. Both lists are empty by default (no CORS).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct CorsConfig {
    /// Origins allowed to call the API, each exactly as a browser sends it: `scheme://host[:port]`, no path and
    /// no trailing slash (e.g. `"https://admin.example.com"`, `"http://localhost:5173"`).
    pub allow_origins: Vec<String>,
    /// Request headers allowed besides `content-type`, `authorization`, `x-api-key` and `idempotency-key`.
    pub allow_headers: Vec<String>,
}

/// `[cache]`: how long orders and list pages are kept.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheConfig {
    /// How long an order read by id stays cached (default `"30s"`).
    #[serde(with = "duration")]
    pub order_ttl: Duration,
    /// How long a page of a backend's order list stays cached (default `"5s"`).
    #[serde(with = "duration")]
    pub list_ttl: Duration,
    /// Bound of the order cache, in entries (default 100000).
    pub max_orders: u64,
    /// Bytes the order and list caches may hold together, estimated from what the backends sent (default
    /// 268435456, 256 MiB): three quarters for orders, a quarter for list pages.
    pub max_bytes: u64,
    /// Whether to cache at all; off, every read goes to the backends, for measuring and debugging (default true).
    pub enabled: bool,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            order_ttl: DEFAULT_ORDER_TTL,
            list_ttl: DEFAULT_LIST_TTL,
            max_orders: DEFAULT_MAX_ORDERS,
            max_bytes: DEFAULT_CACHE_MAX_BYTES,
            enabled: DEFAULT_CACHE_ENABLED,
        }
    }
}

impl ServerConfig {
    /// What serde's types cannot say: the listen address and the CORS lists.
    pub(super) fn validate(&self, problems: &mut Problems) {
        if self.max_scan_pages == 0 {
            problems.push("server.max_scan_pages", "must be at least 1");
        }
        if self.listen.parse::<std::net::SocketAddr>().is_err() {
            problems
                .push("server.listen", format!("{:?} is not an address like 127.0.0.1:8080", self.listen));
        }
        for (index, origin) in self.cors.allow_origins.iter().enumerate() {
            if let Err(message) = check_origin(origin) {
                problems.push(format!("server.cors.allow_origins[{index}]"), message);
            }
        }
        for (index, header) in self.cors.allow_headers.iter().enumerate() {
            if http::HeaderName::from_bytes(header.as_bytes()).is_err() {
                problems.push(
                    format!("server.cors.allow_headers[{index}]"),
                    format!("{header:?} is not an HTTP header name"),
                );
            }
        }
    }
}

/// An origin must be what a browser sends in `Origin`, or it would never match: `scheme://host[:port]` in
/// canonical form (lower case, no default port, no path, no trailing slash).
fn check_origin(origin: &str) -> Result<(), String> {
    let expected = || {
        format!(
            "{origin:?} is not an origin like \"https://admin.example.com\" (scheme://host[:port], no path)"
        )
    };
    let url = url::Url::parse(origin).map_err(|_| expected())?;
    let bare = url.host_str().is_some()
        && url.username().is_empty()
        && url.password().is_none()
        && matches!(url.path(), "" | "/")
        && url.query().is_none()
        && url.fragment().is_none();
    if !bare {
        return Err(expected());
    }
    let canonical = url.as_str().trim_end_matches('/');
    if canonical != origin {
        return Err(format!("{origin:?} is not how a browser sends this origin: write {canonical:?}"));
    }
    Ok(())
}
