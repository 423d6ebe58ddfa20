//! Test-only administration of the MerchantPro store (see `crate::sandbox::admin`): integer ids, creation
//! as `date_created` (store time, whole seconds).

use chrono::{DateTime, FixedOffset};

use super::Shared;
use super::data::Store;
use super::{read, write};
use crate::sandbox::AdminStore;

/// The admin over one MerchantPro sandbox's store.
pub(super) struct Admin(pub(super) Shared);

impl Store {
    /// Rebuilds the id lookup after orders moved in the vector.
    fn reindex(&mut self) {
        self.by_id = self.orders.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
    }
}

/// `native_id` as an order id: its digits.
fn parse(native_id: &str) -> Option<u64> {
    let id = native_id.trim();
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())).then(|| id.parse().ok()).flatten()
}

impl AdminStore for Admin {
    fn delete(&self, native_id: &str) -> bool {
        let mut store = write(&self.0);
        let Some(&index) = parse(native_id).and_then(|id| store.by_id.get(&id)) else { return false };
        store.orders.remove(index);
        store.reindex();
        true
    }

    fn create_like(&self, template: &str, placed_at: DateTime<FixedOffset>) -> Option<String> {
        let mut store = write(&self.0);
        let &index = store.by_id.get(&parse(template)?)?;
        let mut order = store.orders[index].clone();
        let created = placed_at.timestamp();
        let shift = created - order.created;
        order.id = store.orders.iter().map(|o| o.id).max().unwrap_or(10_000_000) + 1;
        order.created = created;
        order.modified += shift;
        order.shipped = order.shipped.map(|t| t + shift);
        order.delivered = order.delivered.map(|t| t + shift);
        // Mutations stamp `date_modified` from the store clock, which stays after every order's dates.
        store.clock = store.clock.max(order.modified.max(order.delivered.unwrap_or(0)) + 3600);
        let id = order.id;
        // Newest first; the list sorts stably by `date_created` and reverses, so an order placed in the same
        // second as others goes after them here to be listed before them.
        let at = store.orders.iter().position(|o| o.created < created).unwrap_or(store.orders.len());
        store.orders.insert(at, order);
        store.reindex();
        Some(id.to_string())
    }

    fn native_ids_newest_first(&self) -> Vec<String> {
        let store = read(&self.0);
        let mut orders: Vec<_> = store.orders.iter().collect();
        orders.sort_by_key(|o| o.created);
        orders.reverse();
        orders.into_iter().map(|o| o.id.to_string()).collect()
    }
}
