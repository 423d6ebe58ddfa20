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

impl SharedPage {
    /// About how many bytes the page holds, counting what decoding its rows may add later.
    pub fn weight(&self) -> usize {
        256 + 2 * self.rows.iter().map(|row| row.weight()).sum::<usize>()
    }
}

/// A weight for moka (a `u32`; larger entries weigh the most it can hold).
fn weight(bytes: usize) -> u32 {
    u32::try_from(bytes).unwrap_or(u32::MAX)
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
    /// Builds the caches from `[cache]`; lookups are counted in `metrics`. Both weigh their entries in
    /// (estimated) bytes within `cache.max_bytes`: three quarters for orders, a quarter for list pages. An
    /// order weighs at least its share of the budget over `cache.max_orders`, so that bound holds too.
    pub fn new(config: &CacheConfig, metrics: Metrics) -> Self {
        let order_budget = config.max_bytes / 4 * 3;
        let min_order_weight = usize::try_from(order_budget / config.max_orders.max(1)).unwrap_or(usize::MAX);
        Cache {
            enabled: config.enabled,
            metrics,
            orders: MokaCache::builder()
                .max_capacity(order_budget)
                .weigher(move |_, order: &Arc<Order>| weight(order.weight().max(min_order_weight)))
                .time_to_live(config.order_ttl)
                .support_invalidation_closures()
                .build(),
            lists: MokaCache::builder()
                .max_capacity(config.max_bytes - order_budget)
                .weigher(|_, page: &Arc<SharedPage>| weight(page.weight()))
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::domain::{FulfillmentStatus, NativeJson, NativeOrderId, OrderStatus, PaymentStatus, Status};

    fn order(n: usize, native_bytes: usize) -> Arc<Order> {
        let id =
            OrderId::new(BackendName::parse("shop").unwrap(), NativeOrderId::new(n.to_string().as_str()));
        let status =
            Status::new(OrderStatus::Pending, PaymentStatus::Pending, FulfillmentStatus::Unfulfilled, "new");
        let placed_at = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap();
        let mut order = Order::new(id, status, placed_at, "EUR");
        order.native = NativeJson::from_json_text(&format!("\"{}\"", "x".repeat(native_bytes)));
        Arc::new(order)
    }

    // Orders are bounded by bytes (big ones evict others) and by count (small ones stop at max_orders).
    #[tokio::test]
    async fn orders_are_bounded_by_bytes_and_count() {
        let config = CacheConfig {
            max_bytes: 4 << 20,
            max_orders: 1_000,
            order_ttl: Duration::from_secs(60),
            ..CacheConfig::default()
        };
        let cache = Cache::new(&config, Metrics::new(Duration::from_secs(1)));
        for n in 0..100 {
            cache.put_order(order(n, 256 * 1024)).await;
        }
        cache.orders.run_pending_tasks().await;
        let big = cache.orders.weighted_size();
        assert!(big <= 3 << 20, "{big} bytes held");
        assert!(cache.orders.entry_count() <= 12, "{} big orders held", cache.orders.entry_count());
        for n in 100..5_000 {
            cache.put_order(order(n, 10)).await;
        }
        cache.orders.run_pending_tasks().await;
        assert!(cache.orders.entry_count() <= 1_000, "{} small orders held", cache.orders.entry_count());
    }
}
