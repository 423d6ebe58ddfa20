//! Test-only administration of the Storeden store (see `crate::sandbox::admin`): ids `132_<13 hex>` (the
//! placement's seconds and microseconds), a fresh `short_id`, creation as the order's `orderDate`
//! (second precision with a `+0100`/`+0200` offset in lists, `{sec, usec}` on get).

use chrono::{DateTime, FixedOffset};

use super::Shared;
use super::wire;
use crate::sandbox::AdminStore;

/// The admin over one Storeden sandbox's store.
pub(super) struct Admin(pub(super) Shared);

impl AdminStore for Admin {
    fn delete(&self, native_id: &str) -> bool {
        let mut store = self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(index) = store.orders.iter().position(|o| o.order_id == native_id) else { return false };
        store.orders.remove(index);
        store.reindex();
        true
    }

    fn create_like(&self, template: &str, placed_at: DateTime<FixedOffset>) -> Option<String> {
        let mut store = self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut order = store.get(template)?.clone();
        let placed_ms = placed_at.timestamp_millis();
        let (instance, _) = order.order_id.split_once('_')?;
        let instance = instance.to_string();
        // The id encodes the placement down to the microsecond; bump it past any order placed the same ms.
        let mut micros = placed_ms * 1000;
        let id = loop {
            let id = format!(
                "{instance}_{:08x}{:05x}",
                micros.div_euclid(1_000_000),
                micros.rem_euclid(1_000_000)
            );
            if store.get(&id).is_none() {
                break id;
            }
            micros += 1;
        };
        let shift_sec = placed_ms.div_euclid(1000) - order.placed_sec();
        order.order_id = id.clone();
        order.short_id = store.orders.iter().map(|o| o.short_id).max().unwrap_or(1000) + 1;
        order.placed_ms = placed_ms;
        for event in &mut order.timeline {
            event.ts += shift_sec;
        }
        let sent = order.timeline.iter().rev().find(|e| e.status == 3).map(|e| e.ts);
        if let (Some(tracking), Some(sent)) = (&mut order.tracking, sent) {
            tracking.pickup_date = wire::local_date(sent);
        }
        // The store is newest first; the copy goes before any order placed at the same instant.
        let at = store.orders.iter().position(|o| o.placed_ms <= placed_ms).unwrap_or(store.orders.len());
        store.orders.insert(at, order);
        store.reindex();
        Some(id)
    }

    fn native_ids_newest_first(&self) -> Vec<String> {
        let store = self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        store.orders.iter().map(|o| o.order_id.clone()).collect()
    }
}
