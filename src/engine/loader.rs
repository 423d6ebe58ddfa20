//! The per-request DataLoader: every lookup of an order by id in one GraphQL request goes through it, so the
//! same id costs one lookup and many ids of one backend are fetched together (one `get_many` per backend).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use dataloader::BatchFn;
use dataloader::cached::Loader;

use super::{Engine, Lookup};
use crate::domain::{BackendName, Order, OrderId};
use crate::metrics::Metrics;

/// Batches lookups into [`Engine::load_many`].
pub struct OrderBatcher {
    engine: Arc<Engine>,
}

impl BatchFn<OrderId, Lookup> for OrderBatcher {
    async fn load(&mut self, keys: &[OrderId]) -> HashMap<OrderId, Lookup> {
        self.engine.load_many(keys).await
    }
}

/// One request's order loader.
pub type OrderLoader = Loader<OrderId, Lookup, OrderBatcher>;

/// A fresh loader for one request.
pub fn new_loader(engine: Arc<Engine>) -> OrderLoader {
    Loader::new(OrderBatcher { engine }).with_max_batch_size(100).with_yield_count(20)
}

/// Loads one order through the request's loader.
pub async fn load(loader: &OrderLoader, id: OrderId) -> Lookup {
    match loader.try_load(id).await {
        Ok(result) => result,
        // The batch always answers every key; a missing key means not found.
        Err(_) => Ok(None),
    }
}

/// Primes the loader with full orders a list page brought, so later lookups in the request cost nothing.
pub async fn prime(loader: &OrderLoader, orders: &[Arc<Order>]) {
    let full = orders.iter().filter(|o| o.known.is_full()).map(|o| (o.id.clone(), Ok(Some(o.clone()))));
    loader.prime_many(full).await;
}

/// The full orders one `orders` page loaded, by backend: each order of the page whose list row lacks a field
/// the query reads is loaded once (through the request's loader, which batches the loads of one backend into one
/// `get_many`). Recorded into the metrics once per page, when the page has been answered (the value dropped):
/// one observation per backend the page asked, zero included ([`Metrics::detail_loads`]).
#[derive(Debug)]
pub struct PageLoads {
    metrics: Metrics,
    loads: Vec<(BackendName, AtomicUsize)>,
}

impl PageLoads {
    /// A count at zero for each of `backends`, recorded into `metrics` when dropped.
    pub fn new(metrics: Metrics, backends: impl IntoIterator<Item = BackendName>) -> Self {
        PageLoads { metrics, loads: backends.into_iter().map(|b| (b, AtomicUsize::new(0))).collect() }
    }

    /// Counts one full-order load for `backend` (a backend the page did not ask is not counted).
    pub fn count(&self, backend: &BackendName) {
        if let Some((_, loads)) = self.loads.iter().find(|(name, _)| name == backend) {
            loads.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The loads counted so far for `backend`.
    pub fn loads(&self, backend: &BackendName) -> usize {
        self.loads.iter().find(|(name, _)| name == backend).map_or(0, |(_, n)| n.load(Ordering::Relaxed))
    }
}

impl Drop for PageLoads {
    fn drop(&mut self) {
        for (backend, loads) in &self.loads {
            self.metrics.detail_loads(backend.as_str(), loads.load(Ordering::Relaxed));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Each backend of the page is observed once when the page is dropped, its zero included; a backend the page
    // did not ask is not counted.
    #[test]
    fn a_page_records_its_loads_once_per_backend() {
        let metrics = Metrics::default();
        let name = |n: &str| BackendName::parse(n).expect("name");
        let page = PageLoads::new(metrics.clone(), [name("ves"), name("wix")]);
        page.count(&name("ves"));
        page.count(&name("ves"));
        page.count(&name("other"));
        assert_eq!((page.loads(&name("ves")), page.loads(&name("wix"))), (2, 0));
        assert!(
            !metrics.render().contains(crate::metrics::DETAIL_LOADS_PER_PAGE),
            "nothing before the page ends"
        );
        drop(page);
        let text = metrics.render();
        assert!(text.contains(r#"ordergraph_detail_loads_per_page_sum{backend="ves"} 2"#), "{text}");
        assert!(text.contains(r#"ordergraph_detail_loads_per_page_count{backend="ves"} 1"#), "{text}");
        assert!(text.contains(r#"ordergraph_detail_loads_per_page_sum{backend="wix"} 0"#), "{text}");
        assert!(!text.contains(r#"backend="other""#), "{text}");
    }
}
