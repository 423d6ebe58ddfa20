//! The cross-request cache (moka): full orders by id and list pages, with single-flight misses
//! (`try_get_with`: concurrent misses for one key make one backend call), errors never cached, and
//! invalidation of an order and its backend's list pages after a mutation.

use std::sync::Arc;

use moka::future::Cache as MokaCache;

use crate::config::CacheConfig;
use crate::domain::{BackendName, ListPage, ListRow, Order, OrderId};
use crate::error::Error;
use crate::metrics::Metrics;

/// Key of a cached list page.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ListKey {
    /// Backend.
    pub backend: BackendName,
    /// The filter, serialized.
    pub filter: Arc<str>,
    /// Page size asked.
    pub page_size: usize,
    /// Continuation token of the page.
    pub token: Option<String>,
    /// Whether the page was asked for summaries only ([`ListRequest::summaries`](crate::domain::ListRequest)):
    /// its rows may not decode to full orders, so it serves only summary listings.
    pub summaries: bool,
}

/// A backend's list page as the engine keeps it: rows shared, so serving a page from the cache or handing
/// its rows on never copies them, and a row decoded once stays decoded for every later reader of the page.
#[derive(Debug)]
pub struct SharedPage {
    /// The rows, newest first.
    pub rows: Vec<Arc<ListRow>>,
    /// Token for the next page.
    pub next: Option<String>,
    /// Exact count, when the backend says.
    pub total: Option<u64>,
}

impl From<ListPage> for SharedPage {
    fn from(page: ListPage) -> Self {
        SharedPage { rows: page.rows.into_iter().map(Arc::new).collect(), next: page.next, total: page.total }
    }
}

/// Orders and list pages.
#[derive(Clone)]
pub struct Cache {
    enabled: bool,
    metrics: Metrics,
    orders: MokaCache<OrderId, Arc<Order>>,
    lists: MokaCache<ListKey, Arc<SharedPage>>,
}

impl Cache {
    /// Builds the caches from `[cache]`; lookups are counted in `metrics`.
    pub fn new(config: &CacheConfig, metrics: Metrics) -> Self {
        Cache {
            enabled: config.enabled,
            metrics,
            orders: MokaCache::builder()
                .max_capacity(config.max_orders)
                .time_to_live(config.order_ttl)
                .support_invalidation_closures()
                .build(),
            lists: MokaCache::builder()
                .max_capacity((config.max_orders / 50).max(100))
                .time_to_live(config.list_ttl)
                .support_invalidation_closures()
                .build(),
        }
    }

    /// A cached full order.
    pub async fn order(&self, id: &OrderId) -> Option<Arc<Order>> {
        if !self.enabled {
            return None;
        }
        let hit = self.orders.get(id).await;
        self.metrics.cache_lookup("order", hit.is_some());
        hit
    }

    /// Caches a full order (partial orders are never cached here).
    pub async fn put_order(&self, order: Arc<Order>) {
        if self.enabled && order.known.is_full() {
            self.orders.insert(order.id.clone(), order).await;
        }
    }

    /// One full order through the cache: concurrent misses share one `fetch`; errors (including
    /// `NotFound`) are not cached.
    pub async fn order_or_fetch<F>(&self, id: &OrderId, fetch: F) -> Result<Arc<Order>, Error>
    where
        F: std::future::Future<Output = Result<Arc<Order>, Error>>,
    {
        if !self.enabled {
            return fetch.await;
        }
        let entry = self
            .orders
            .entry(id.clone())
            .or_try_insert_with(fetch)
            .await
            .map_err(|e: Arc<Error>| (*e).clone())?;
        self.metrics.cache_lookup("order", !entry.is_fresh());
        Ok(entry.into_value())
    }

    /// A list page through the cache: concurrent misses share one `fetch`; errors are not cached. Returns the
    /// page and whether it came from the cache.
    pub async fn list_page<F>(&self, key: ListKey, fetch: F) -> Result<(Arc<SharedPage>, bool), Error>
    where
        F: std::future::Future<Output = Result<ListPage, Error>>,
    {
        if !self.enabled {
            return Ok((Arc::new(SharedPage::from(fetch.await?)), false));
        }
        let entry = self
            .lists
            .entry(key)
            .or_try_insert_with(async { fetch.await.map(|page| Arc::new(SharedPage::from(page))) })
            .await
            .map_err(|e: Arc<Error>| (*e).clone())?;
        let cached = !entry.is_fresh();
        self.metrics.cache_lookup("list", cached);
        Ok((entry.into_value(), cached))
    }

    /// Records how many entries each cache holds (after moka's pending bookkeeping, so the counts are current).
    pub async fn record_sizes(&self) {
        self.orders.run_pending_tasks().await;
        self.lists.run_pending_tasks().await;
        self.metrics.cache_entries("order", self.orders.entry_count());
        self.metrics.cache_entries("list", self.lists.entry_count());
    }

    /// Forgets every list page of a backend (one of its rows did not decode: the page is not kept).
    pub fn forget_lists(&self, backend: &BackendName) {
        let backend = backend.clone();
        // Only fails when closures are not supported, which the builder enabled.
        let _ = self.lists.invalidate_entries_if(move |key, _| key.backend == backend);
    }

    /// Forgets an order and every list page of its backend.
    pub async fn invalidate(&self, id: &OrderId) {
        self.orders.invalidate(id).await;
        self.forget_lists(&id.backend);
    }
}
