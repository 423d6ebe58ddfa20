//! The engine: between the GraphQL layer and the adapters. It fans `orders` out to every backend at once and
//! merges the pages ([`listing`]), looks orders up by id through the cache and per-request DataLoaders
//! ([`loader`]), and routes mutations to the owning backend ([`mutations`]).

pub mod cache;
pub mod cursor;
pub mod listing;
pub mod loader;
pub mod mutations;
pub mod scrub;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::future::join_all;

use crate::backends::Registry;
use crate::config::Config;
use crate::domain::{BackendName, NativeOrderId, Order, OrderBackend, OrderId};
use crate::error::{Error, Result};
use crate::metrics::{BackendOp, Metrics};
use cache::Cache;

pub use listing::{BackendOutcome, Detail, EdgeCursor, MAX_FIRST, OrdersPage};
pub use loader::{OrderLoader, new_loader};
pub use mutations::IdempotencyStore;

/// The result of looking one order up: found, not found (`None`), or the backend failed.
pub type Lookup = Result<Option<Arc<Order>>>;

/// Most orders with a mutation lock kept at once; a lock is dropped after five idle minutes, or the least used
/// first when this many are held (a change started then could run beside one already running on that order).
const MAX_ORDER_LOCKS: u64 = 10_000;

/// The engine: the registry of backends, the cache, the request deadline.
pub struct Engine {
    registry: Registry,
    cache: Cache,
    request_timeout: Duration,
    /// `server.max_scan_pages` (at least 1).
    max_scan_pages: usize,
    metrics: Metrics,
    scrubber: scrub::Scrubber,
    /// One lock per order being changed, so that mutations of one order run one at a time.
    order_locks: moka::sync::Cache<OrderId, Arc<tokio::sync::Mutex<()>>>,
    cursor_key: cursor::CursorKey,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("registry", &self.registry)
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}

impl Engine {
    /// An engine over `registry` with the config's cache and deadline, and metrics of its own.
    pub fn new(registry: Registry, config: &Config) -> Self {
        let metrics = Metrics::new(config.server.request_timeout);
        Engine {
            registry,
            cache: Cache::new(&config.cache, metrics.clone()),
            request_timeout: config.server.request_timeout,
            max_scan_pages: config.server.max_scan_pages.max(1),
            metrics,
            scrubber: scrub::Scrubber::new(config),
            cursor_key: match &config.server.cursor_secret {
                Some(secret) => cursor::CursorKey::from_secret(secret.expose()),
                None => cursor::CursorKey::random(),
            },
            order_locks: moka::sync::Cache::builder()
                .max_capacity(MAX_ORDER_LOCKS)
                .time_to_idle(Duration::from_secs(300))
                .build(),
        }
    }

    /// The metrics the engine, its cache and the HTTP edge record into.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The metrics rendered in the Prometheus text format, with the caches' current sizes.
    pub async fn render_metrics(&self) -> String {
        self.cache.record_sizes().await;
        self.metrics.render()
    }

    /// Runs one backend operation within `timeout`, recording its duration and outcome (`ok` or the error's
    /// code, a payload that does not decode included) under `op`.
    async fn observed<T>(
        &self,
        backend: &BackendName,
        op: BackendOp,
        timeout: Duration,
        call: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        let started = std::time::Instant::now();
        let result = match tokio::time::timeout(timeout, call).await {
            Ok(result) => result.map_err(|error| self.scrubber.error(error)),
            Err(_) => Err(Error::Timeout { backend: backend.to_string(), timeout }),
        };
        let outcome = match &result {
            Ok(_) => "ok",
            Err(error) => {
                self.metrics.backend_error(backend.as_str(), op, error.code());
                error.code()
            }
        };
        self.metrics.backend_call(backend.as_str(), op, outcome, started.elapsed());
        result
    }

    /// Masks configured secrets in an error that carries vendor text.
    pub fn scrub(&self, error: Error) -> Error {
        self.scrubber.error(error)
    }

    /// The configured backends.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Parses a global id and checks its backend exists and its native part has that backend's shape
    /// (`INVALID_ID` otherwise; no backend call).
    pub fn resolve(&self, id: &str) -> Result<(OrderId, Arc<dyn OrderBackend>)> {
        self.registry.resolve(id)
    }

    /// Full orders by id, through the cache; one `get_many` per backend for the misses (a single miss goes
    /// through the cache's single-flight so concurrent requests share it). Unknown ids map to `Ok(None)`; a
    /// failing backend fails only its own ids.
    pub async fn load_many(&self, ids: &[OrderId]) -> HashMap<OrderId, Lookup> {
        let mut by_backend: HashMap<BackendName, Vec<OrderId>> = HashMap::new();
        for id in ids {
            let group = by_backend.entry(id.backend.clone()).or_default();
            if !group.contains(id) {
                group.push(id.clone());
            }
        }
        let groups =
            join_all(by_backend.into_iter().map(|(name, ids)| self.load_from_backend(name, ids))).await;
        groups.into_iter().flatten().collect()
    }

    async fn load_from_backend(&self, name: BackendName, ids: Vec<OrderId>) -> Vec<(OrderId, Lookup)> {
        let Some(backend) = self.registry.get(&name).cloned() else {
            return ids
                .into_iter()
                .map(|id| {
                    let error =
                        Error::InvalidId { id: id.to_string(), reason: format!("no backend named {name:?}") };
                    (id, Err(error))
                })
                .collect();
        };
        let mut out = Vec::with_capacity(ids.len());
        let mut misses = Vec::new();
        for id in ids {
            match self.cache.order(&id).await {
                Some(order) => out.push((id, Ok(Some(order)))),
                None => misses.push(id),
            }
        }
        match misses.len() {
            0 => {}
            1 => {
                let id = misses.remove(0);
                let fetch = async {
                    let found = self.fetch(&backend, std::slice::from_ref(&id.native)).await?;
                    found.into_iter().next().map(Arc::new).ok_or_else(|| Error::NotFound {
                        backend: name.to_string(),
                        id: id.native.to_string(),
                    })
                };
                let result = match self.cache.order_or_fetch(&id, fetch).await {
                    Ok(order) => Ok(Some(order)),
                    Err(Error::NotFound { .. }) => Ok(None),
                    Err(e) => Err(e),
                };
                out.push((id, result));
            }
            _ => {
                let natives: Vec<NativeOrderId> = misses.iter().map(|id| id.native.clone()).collect();
                match self.fetch(&backend, &natives).await {
                    Ok(found) => {
                        let found: Vec<Arc<Order>> = found.into_iter().map(Arc::new).collect();
                        for id in misses {
                            let hit = found.iter().find(|o| answers(o, &id.native)).cloned();
                            if let Some(order) = &hit {
                                self.cache.put_order(order.clone()).await;
                            }
                            out.push((id, Ok(hit)));
                        }
                    }
                    Err(e) => out.extend(misses.into_iter().map(|id| (id, Err(e.clone())))),
                }
            }
        }
        out
    }

    /// `get_many` within the request deadline (`get` for one id, `get_many` for more in the metrics).
    async fn fetch(&self, backend: &Arc<dyn OrderBackend>, ids: &[NativeOrderId]) -> Result<Vec<Order>> {
        let op = if ids.len() == 1 { BackendOp::Get } else { BackendOp::GetMany };
        self.observed(backend.name(), op, self.request_timeout, backend.get_many(ids)).await
    }

    /// One order by id, through the cache (no DataLoader: for callers outside a GraphQL request).
    pub async fn order(&self, id: &OrderId) -> Lookup {
        self.load_many(std::slice::from_ref(id)).await.remove(id).unwrap_or(Ok(None))
    }

    /// Whether each backend answers, for `/readyz`.
    pub async fn readiness(&self) -> Vec<(BackendName, Result<()>)> {
        join_all(self.registry.iter().map(|backend| async move {
            let result = match tokio::time::timeout(self.request_timeout, backend.ping()).await {
                Ok(r) => r,
                Err(_) => {
                    Err(Error::Timeout { backend: backend.name().to_string(), timeout: self.request_timeout })
                }
            };
            (backend.name().clone(), result.map_err(|error| self.scrubber.error(error)))
        }))
        .await
    }
}

/// Whether `order` is the answer to a lookup by `native` (its own id, or its external id where the backend
/// looks orders up by either).
fn answers(order: &Order, native: &NativeOrderId) -> bool {
    order.id.native == *native || order.external_order_id.as_deref() == Some(native.as_str())
}
