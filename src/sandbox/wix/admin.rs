//! Test-only administration of the Wix store (see `crate::sandbox::admin`): GUID ids, a fresh `number`,
//! creation as `createdDate` (ISO 8601 UTC, milliseconds, `Z`).

use chrono::{DateTime, FixedOffset};
use serde_json::Value;

use super::{Shared, Store, iso_ms, parse_iso_ms};
use crate::sandbox::AdminStore;

/// The admin over one Wix sandbox's store.
pub(super) struct Admin(pub(super) Shared);

impl Store {
    /// Rebuilds the id lookup after orders moved in the vector.
    fn reindex(&mut self) {
        self.by_id = self
            .orders
            .iter()
            .enumerate()
            .filter_map(|(i, stored)| stored.order["id"].as_str().map(|id| (id.to_string(), i)))
            .collect();
    }
}

fn created_ms(order: &Value) -> i64 {
    order["createdDate"].as_str().and_then(parse_iso_ms).unwrap_or(0)
}

/// Moves the ISO instant at `value` (if it is one) by `shift_ms`.
fn shift(value: &mut Value, shift_ms: i64) {
    if let Some(ms) = value.as_str().and_then(parse_iso_ms) {
        *value = Value::from(iso_ms(ms + shift_ms));
    }
}

/// Moves the `createdDate` of every object of the array at `value` by `shift_ms`.
fn shift_each(value: &mut Value, shift_ms: i64) {
    for entry in value.as_array_mut().into_iter().flatten() {
        shift(&mut entry["createdDate"], shift_ms);
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
        let mut copy = store.get(template)?.clone();
        let id = store.mint_id();
        let number = store
            .orders
            .iter()
            .filter_map(|stored| stored.order["number"].as_str().and_then(|n| n.parse::<u64>().ok()))
            .max()
            .unwrap_or(10_000)
            + 1;
        let created = placed_at.timestamp_millis();
        let shift_ms = created - created_ms(&copy.order);
        let order = &mut copy.order;
        order["id"] = Value::from(id.clone());
        order["number"] = Value::from(number.to_string());
        order["createdDate"] = Value::from(iso_ms(created));
        shift(&mut order["updatedDate"], shift_ms);
        shift_each(&mut order["activities"], shift_ms);
        for fulfillment in &mut copy.fulfillments {
            shift(&mut fulfillment["createdDate"], shift_ms);
        }
        // The store is newest first; the copy goes before any order created at the same instant.
        let at =
            store.orders.iter().position(|s| created_ms(&s.order) <= created).unwrap_or(store.orders.len());
        store.orders.insert(at, copy);
        store.reindex();
        Some(id)
    }

    fn native_ids_newest_first(&self) -> Vec<String> {
        let store = self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        store.orders.iter().filter_map(|stored| stored.order["id"].as_str().map(str::to_string)).collect()
    }
}
