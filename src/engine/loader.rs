//! The per-request DataLoader: every lookup of an order by id in one GraphQL request goes through it, so the
//! same id costs one lookup and many ids of one backend are fetched together (one `get_many` per backend).

use std::collections::HashMap;
use std::sync::Arc;

use dataloader::BatchFn;
use dataloader::cached::Loader;

use super::{Engine, Lookup};
use crate::domain::{Order, OrderId};

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
