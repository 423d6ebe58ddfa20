//! Test-only administration of the VesuvioPay store (see `crate::sandbox::admin`): UUID ids, a fresh
//! `orderNumber` (`VES-<n>`), creation as `placedAt` (whole seconds, `Z`). A copied `externalOrderId` gets a
//! `-<n>` suffix, as external ids are unique per store.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use serde_json::Value;

use super::Shared;
use crate::sandbox::AdminStore;

/// The admin over one VesuvioPay sandbox's store.
pub(super) struct Admin(pub(super) Shared);

impl AdminStore for Admin {
    fn delete(&self, native_id: &str) -> bool {
        let mut store = self.0.write();
        let Some(index) = store.find_internal(native_id) else { return false };
        store.orders.remove(index);
        true
    }

    fn create_like(&self, template: &str, placed_at: DateTime<FixedOffset>) -> Option<String> {
        let mut store = self.0.write();
        let index = store.find_internal(template)?;
        let mut order = store.orders[index].clone();
        let placed = placed_at.timestamp();
        let shift = placed - order.placed_at;
        let number = store.next_number;
        store.next_number += 1;
        order.id = store.rng.uuid();
        order.order_number = format!("VES-{number}");
        if let Some(external) = &mut order.external_order_id {
            external.push_str(&format!("-{number}"));
        }
        order.placed_at = placed;
        order.updated_at += shift;
        if let Some(Value::String(eta)) = order.metadata.get_mut("estimatedDelivery")
            && let Ok(day) = NaiveDate::parse_from_str(eta, "%Y-%m-%d")
        {
            let moved = day + Duration::days(shift.div_euclid(86_400));
            *eta = moved.format("%Y-%m-%d").to_string();
        }
        let id = order.id.clone();
        // Newest first; the copy goes before any order placed at the same second.
        let at = store.orders.iter().position(|o| o.placed_at <= placed).unwrap_or(store.orders.len());
        store.orders.insert(at, order);
        Some(id)
    }

    fn native_ids_newest_first(&self) -> Vec<String> {
        self.0.read().orders.iter().map(|o| o.id.clone()).collect()
    }
}
