//! The Search Orders request: the filter pushed down and the body of a page.
//!
//! Listings do not follow Wix's cursors: the docs do not say what a cursor does when orders before it are
//! deleted or leave the filter. Every page is a new search of the orders created at or before the last one
//! served (`createdDate` keeps milliseconds, so that window is exact), with the ones already served at that
//! instant dropped ([`Window`](crate::backends::window::Window)). A search with a cursor carries no filter or
//! sort (Wix's paging docs: passing them with a cursor is an "invalid cursor" error); the body builder keeps
//! that form for callers that page by cursor.

use chrono::{DateTime, Duration, FixedOffset, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use super::status::{FULFILLMENT_TABLE, PAYMENT_TABLE};
use crate::domain::{FilterPushdown, FulfillmentStatus, OrderFilter, OrderStatus, PaymentStatus};

/// Largest `cursorPaging.limit` Wix accepts.
pub const MAX_LIMIT: usize = 100;

/// What the adapter applies exactly: payment and fulfilment statuses (the payment a function of one native
/// field, the fulfilment of `fulfillmentStatus` and, for NOT_FULFILLED, whether the order is CANCELED) and
/// the placed-at range. Not the order status (it depends on three fields; only narrowed), not the e-mail (Wix
/// compares strings case-sensitively, the filter does not), not tags (no documented tag filter).
pub const PUSHDOWN: FilterPushdown = FilterPushdown {
    status: false,
    payment_status: true,
    fulfillment_status: true,
    placed_range: true,
    customer_email: false,
    tags: false,
};

/// The native filter for a request, or `None` when no order can match (no call is needed).
pub fn native_filter(filter: &OrderFilter) -> Option<Map<String, Value>> {
    let mut native = Map::new();
    if let Some(statuses) = order_status_superset(&filter.status) {
        if statuses.is_empty() {
            return None;
        }
        native.insert("status".into(), json!({ "$in": statuses }));
    }
    if !filter.payment_status.is_empty() {
        native.insert(
            "paymentStatus".into(),
            exact_set(&PAYMENT_TABLE, &filter.payment_status, PaymentStatus::Unknown)?,
        );
    }
    if !filter.fulfillment_status.is_empty() {
        let (field, condition) = fulfillment_condition(&filter.fulfillment_status)?;
        native.insert(field.into(), condition);
    }
    let mut range = Map::new();
    if let Some(after) = filter.placed_after {
        range.insert("$gte".into(), Value::String(wix_time(ceil_to_millis(after))));
    }
    if let Some(before) = filter.placed_before {
        range.insert("$lte".into(), Value::String(wix_time(floor_to_millis(before))));
    }
    if !range.is_empty() {
        native.insert("createdDate".into(), Value::Object(range));
    }
    Some(native)
}

/// A condition selecting exactly the orders whose field maps into `wanted`: `$in` of the native values that do,
/// or, when `Unknown` is wanted (any undocumented value), `$nin` of the documented values that do not. `None`
/// when nothing can match; `Some(Null)` is never returned.
fn exact_set<T: Copy + PartialEq>(table: &[(&str, T)], wanted: &[T], unknown: T) -> Option<Value> {
    if wanted.contains(&unknown) {
        let excluded: Vec<&str> =
            table.iter().filter(|(_, u)| !wanted.contains(u)).map(|(n, _)| *n).collect();
        Some(json!({ "$nin": excluded }))
    } else {
        let included: Vec<&str> = table.iter().filter(|(_, u)| wanted.contains(u)).map(|(n, _)| *n).collect();
        (!included.is_empty()).then(|| json!({ "$in": included }))
    }
}

/// The condition selecting exactly the orders whose fulfilment axis is one of `wanted` (see
/// `status::fulfillment_axis`): NOT_FULFILLED is UNFULFILLED for an order not CANCELED and CANCELLED for a
/// CANCELED one. Wanting both or neither of those, `fulfillmentStatus` alone decides (`$in`, or `$nin` when
/// UNKNOWN is wanted); wanting one of them, its NOT_FULFILLED orders also need the order status: an `$or` of
/// the other values and NOT_FULFILLED with `status` `$eq`/`$ne` CANCELED. `None` when nothing can match.
fn fulfillment_condition(wanted: &[FulfillmentStatus]) -> Option<(&'static str, Value)> {
    const NOT_FULFILLED: &str = "NOT_FULFILLED";
    let unfulfilled = wanted.contains(&FulfillmentStatus::Unfulfilled);
    let cancelled = wanted.contains(&FulfillmentStatus::Cancelled);
    if unfulfilled == cancelled {
        // NOT_FULFILLED is wanted whatever the order status (both) or not at all (neither).
        let condition = exact_set(&FULFILLMENT_TABLE, wanted, FulfillmentStatus::Unknown)?;
        return Some(("fulfillmentStatus", condition));
    }
    let others: Vec<(&str, FulfillmentStatus)> =
        FULFILLMENT_TABLE.iter().copied().filter(|(native, _)| *native != NOT_FULFILLED).collect();
    let mut clauses: Vec<Value> = Vec::new();
    if wanted.contains(&FulfillmentStatus::Unknown) {
        // Any value but the documented ones not wanted (NOT_FULFILLED included: the clause below has it).
        let mut excluded: Vec<&str> =
            others.iter().filter(|(_, u)| !wanted.contains(u)).map(|(n, _)| *n).collect();
        excluded.push(NOT_FULFILLED);
        clauses.push(json!({ "fulfillmentStatus": { "$nin": excluded } }));
    } else {
        let included: Vec<&str> =
            others.iter().filter(|(_, u)| wanted.contains(u)).map(|(n, _)| *n).collect();
        if !included.is_empty() {
            clauses.push(json!({ "fulfillmentStatus": { "$in": included } }));
        }
    }
    let status = if cancelled { json!({ "$eq": "CANCELED" }) } else { json!({ "$ne": "CANCELED" }) };
    clauses.push(json!({ "fulfillmentStatus": { "$in": [NOT_FULFILLED] }, "status": status }));
    Some(("$or", Value::Array(clauses)))
}

/// Native `status` values that can produce one of `wanted` (a superset; the engine filters exactly). `None`
/// means no narrowing (nothing asked, or `Unknown` asked: any undocumented value could be it). INITIALIZED is
/// left out: Search never returns it.
fn order_status_superset(wanted: &[OrderStatus]) -> Option<Vec<&'static str>> {
    if wanted.is_empty() || wanted.contains(&OrderStatus::Unknown) {
        return None;
    }
    let mut natives = Vec::new();
    for status in wanted {
        let native = match status {
            OrderStatus::Cancelled => "CANCELED",
            OrderStatus::Confirmed
            | OrderStatus::Shipped
            | OrderStatus::PartiallyShipped
            | OrderStatus::Refunded => "APPROVED",
            _ => continue,
        };
        if !natives.contains(&native) {
            natives.push(native);
        }
    }
    Some(natives)
}

/// Wix times: UTC, milliseconds, `Z`.
fn wix_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Wix keeps milliseconds, so `created >= t` is exactly `created >= ceil_ms(t)`.
fn ceil_to_millis(t: DateTime<FixedOffset>) -> DateTime<Utc> {
    let floor = floor_to_millis(t);
    if floor < t.with_timezone(&Utc) { floor + Duration::milliseconds(1) } else { floor }
}

/// And `created <= t` is exactly `created <= floor_ms(t)`.
fn floor_to_millis(t: DateTime<FixedOffset>) -> DateTime<Utc> {
    let t = t.with_timezone(&Utc);
    let extra = t.timestamp_subsec_nanos() % 1_000_000;
    t - Duration::nanoseconds(i64::from(extra))
}

/// The Search Orders body: filter and sort on the first page, the cursor alone afterwards.
pub fn search_body(native: &Map<String, Value>, limit: usize, cursor: Option<&str>) -> Value {
    let limit = limit.clamp(1, MAX_LIMIT);
    match cursor {
        Some(cursor) => json!({ "search": { "cursorPaging": { "limit": limit, "cursor": cursor } } }),
        None => {
            let mut search = Map::new();
            if !native.is_empty() {
                search.insert("filter".into(), Value::Object(native.clone()));
            }
            search.insert("sort".into(), json!([{ "fieldName": "createdDate", "order": "DESC" }]));
            search.insert("cursorPaging".into(), json!({ "limit": limit }));
            json!({ "search": search })
        }
    }
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
