//! Test-only administration of the VTEX store (see `crate::sandbox::admin`): order ids `<digits><sequence>-01`,
//! a fresh sequence, creation at 100 ns ticks (`creationDate`, `orderFormId`).

use chrono::{DateTime, FixedOffset};

use super::Shared;
use super::model::{Store, Ticks, ticks_of};
use crate::sandbox::AdminStore;

/// The admin over one VTEX sandbox's store.
pub(super) struct Admin(pub(super) Shared);

impl Store {
    /// Rebuilds the id and sequence lookups after orders moved in the vector.
    fn reindex(&mut self) {
        self.by_id = self.orders.iter().enumerate().map(|(i, o)| (o.order_id.clone(), i)).collect();
        self.by_sequence = self.orders.iter().enumerate().map(|(i, o)| (o.sequence.clone(), i)).collect();
    }
}

impl AdminStore for Admin {
    fn delete(&self, native_id: &str) -> bool {
        let mut store = self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(&index) = store.by_id.get(native_id) else { return false };
        store.orders.remove(index);
        store.reindex();
        true
    }

    fn create_like(&self, template: &str, placed_at: DateTime<FixedOffset>) -> Option<String> {
        let mut store = self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        let &index = store.by_id.get(template)?;
        let mut order = store.orders[index].clone();
        let next_sequence =
            store.orders.iter().filter_map(|o| o.sequence.parse::<u64>().ok()).max().unwrap_or(500_000) + 1;
        let mut prefix = 1_000_000 + next_sequence * 7_919 % 999_999;
        while store.by_id.contains_key(&format!("{prefix}{next_sequence:06}-01")) {
            prefix += 1;
        }
        order.order_id = format!("{prefix}{next_sequence:06}-01");
        order.sequence = next_sequence.to_string();
        let created: Ticks = ticks_of(&placed_at);
        let shift = created - order.created;
        order.created = created;
        order.last_change += shift;
        order.authorized = order.authorized.map(|t| t + shift);
        order.invoiced = order.invoiced.map(|t| t + shift);
        for package in &mut order.packages {
            package.last_change += shift;
            if let Some(courier) = &mut package.courier_status {
                courier.delivered_date = courier.delivered_date.map(|t| t + shift);
            }
        }
        if let Some(cancellation) = &mut order.cancellation {
            cancellation.date += shift;
        }
        order.row_cache = Default::default();
        let id = order.order_id.clone();
        // The store is newest first; the copy goes before any order created at the same instant.
        let at = store.orders.iter().position(|o| o.created <= created).unwrap_or(store.orders.len());
        store.orders.insert(at, order);
        store.reindex();
        Some(id)
    }

    fn native_ids_newest_first(&self) -> Vec<String> {
        let store = self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        store.orders.iter().map(|o| o.order_id.clone()).collect()
    }
}
