//! Paging VesuvioPay's list, which has `limit` (1–50) but no offset or cursor: every page is the newest
//! `limit` orders of a date window, and the next page narrows the window's upper bound (`dateTo`) to the
//! oldest `placedAt` already returned.
//!
//! The continuation token is that bound plus the ids already returned *at exactly that instant*, so orders
//! sharing a `placedAt` across a page boundary are neither lost nor repeated. The docs do not say whether
//! `dateFrom`/`dateTo` are inclusive ("placed after/before this date"), so both bounds are sent one millisecond
//! wider than needed and the adapter trims the rows itself: inclusive or exclusive, nothing at a bound is
//! missed. Each page is sorted here, newest first (ties by id): the server's row order is not documented.

use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::status::{DOCUMENTED, NativeStatus};
use std::cmp::Reverse;

use crate::domain::{FilterPushdown, ListRow, Order, OrderFilter, OrderId};

/// The vendor's largest `limit`.
pub(super) const MAX_LIMIT: usize = 50;

/// Where the next page starts: nothing placed after `before` remains, nor the `seen` ids placed exactly at it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Cursor {
    /// The upper bound of the remaining window (inclusive): the oldest `placedAt` returned so far.
    #[serde(rename = "b")]
    pub before: DateTime<FixedOffset>,
    /// Ids already returned whose `placedAt` is exactly `before`.
    #[serde(rename = "s")]
    pub seen: Vec<String>,
}

/// How a filter turns into list calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Plan {
    /// No VesuvioPay order can match (a tag filter, or statuses VesuvioPay does not have): no call.
    Nothing,
    /// Call the list.
    Query {
        /// The one native status sent as `status=`, when the status filters select exactly one.
        status: Option<NativeStatus>,
        /// Whether the call selects exactly what the filter selects, so `totalCount` is the exact total.
        exact: bool,
    },
}

/// The statuses the filter's three status axes select, and the call to make.
pub(super) fn plan(filter: &OrderFilter) -> Plan {
    if !filter.tags.is_empty() {
        // VesuvioPay orders have no tags: a tag filter matches nothing.
        return Plan::Nothing;
    }
    // The same test `OrderFilter::matches` makes on the three status axes.
    let selects = |status: &NativeStatus| {
        let (order, payment, fulfillment) = status.axes();
        (filter.status.is_empty() || filter.status.contains(&order))
            && (filter.payment_status.is_empty() || filter.payment_status.contains(&payment))
            && (filter.fulfillment_status.is_empty() || filter.fulfillment_status.contains(&fulfillment))
    };
    let natives: Vec<NativeStatus> = DOCUMENTED.into_iter().filter(|s| selects(s)).collect();
    let undocumented = selects(&NativeStatus::Other(String::new()));
    let no_status_filter =
        filter.status.is_empty() && filter.payment_status.is_empty() && filter.fulfillment_status.is_empty();
    let status = match (natives.as_slice(), undocumented, no_status_filter) {
        (_, _, true) => None,
        ([], false, _) => return Plan::Nothing,
        ([one], false, _) => Some(one.clone()),
        _ => None,
    };
    let status_exact = no_status_filter || status.is_some();
    let exact = status_exact
        && filter.placed_after.is_none()
        && filter.placed_before.is_none()
        && filter.customer_email.is_none();
    Plan::Query { status, exact }
}

/// The placed-at window still to read, both bounds inclusive; `None` when it is empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Window {
    /// Oldest placedAt wanted (`placedAfter`).
    pub from: Option<DateTime<FixedOffset>>,
    /// Newest placedAt wanted (`placedBefore`, or the cursor's bound).
    pub to: Option<DateTime<FixedOffset>>,
}

/// The window for a filter and a cursor.
pub(super) fn window(filter: &OrderFilter, cursor: Option<&Cursor>) -> Option<Window> {
    let to = match (filter.placed_before, cursor.map(|c| c.before)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let from = filter.placed_after;
    if from.zip(to).is_some_and(|(from, to)| from > to) {
        return None;
    }
    Some(Window { from, to })
}

/// The list call's query: `limit`, `status`, and `dateFrom`/`dateTo` one millisecond outside the window.
pub(super) fn query(
    limit: usize,
    status: Option<&NativeStatus>,
    window: &Window,
) -> Vec<(&'static str, String)> {
    let mut query = vec![("limit", limit.clamp(1, MAX_LIMIT).to_string())];
    if let Some(status) = status {
        query.push(("status", status.as_str().to_string()));
    }
    if let Some(from) = window.from {
        query.push(("dateFrom", format_millis(floor_millis(from) - TimeDelta::milliseconds(1))));
    }
    if let Some(to) = window.to {
        query.push(("dateTo", format_millis(floor_millis(to) + TimeDelta::milliseconds(1))));
    }
    query
}

fn floor_millis(at: DateTime<FixedOffset>) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(at.timestamp_millis()).unwrap_or(at.to_utc())
}

/// `2025-10-08T10:30:00.000Z`, the shape of JavaScript's `toISOString()` the guide uses.
fn format_millis(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// What paging reads of a row: its id, when it was placed, and whether it matches the filter.
pub(super) trait PagedRow {
    /// The order's id.
    fn row_id(&self) -> &OrderId;
    /// When it was placed.
    fn row_placed_at(&self) -> DateTime<FixedOffset>;
    /// Newest first, ties by id.
    fn row_sort_key(&self) -> (Reverse<i64>, Reverse<u32>, &OrderId);
    /// Whether it matches `filter` (the fields the vendor did not apply).
    fn row_matches(&self, filter: &OrderFilter) -> bool;
}

impl PagedRow for Order {
    fn row_id(&self) -> &OrderId {
        &self.id
    }
    fn row_placed_at(&self) -> DateTime<FixedOffset> {
        self.placed_at
    }
    fn row_sort_key(&self) -> (Reverse<i64>, Reverse<u32>, &OrderId) {
        self.sort_key()
    }
    fn row_matches(&self, filter: &OrderFilter) -> bool {
        filter.matches(self, &FilterPushdown::default())
    }
}

/// A list row with its key, read when the page arrives (paging reads every row's).
pub(super) struct KeyedRow {
    id: OrderId,
    placed_at: DateTime<FixedOffset>,
    /// The row.
    pub row: ListRow,
}

impl KeyedRow {
    /// The row with its key read.
    pub fn new(row: ListRow) -> crate::error::Result<Self> {
        let (id, placed_at) = row.key()?;
        Ok(KeyedRow { id: id.clone(), placed_at, row })
    }
}

impl PagedRow for KeyedRow {
    fn row_id(&self) -> &OrderId {
        &self.id
    }
    fn row_placed_at(&self) -> DateTime<FixedOffset> {
        self.placed_at
    }
    fn row_sort_key(&self) -> (Reverse<i64>, Reverse<u32>, &OrderId) {
        (Reverse(self.placed_at.timestamp()), Reverse(self.placed_at.timestamp_subsec_nanos()), &self.id)
    }
    /// A listing with a filter decodes its rows up front (`VesuvioPayBackend::list_call`); without one, every
    /// row matches undecoded.
    fn row_matches(&self, filter: &OrderFilter) -> bool {
        filter.is_empty() || self.row.decoded().is_some_and(|order| order.row_matches(filter))
    }
}

/// What one vendor page gives.
#[derive(Debug)]
pub(super) struct Consumed<R> {
    /// The orders matching the filter, newest first.
    pub orders: Vec<R>,
    /// Where to continue; `None` when the window is exhausted.
    pub next: Option<Cursor>,
}

/// Takes one vendor page (`rows`, with `has_more` as the vendor said): drops rows outside the window or
/// already returned, sorts newest first, takes `page_size` of them, keeps those matching `filter`, and says
/// where to continue. `None` when the page makes no progress although the vendor has more (more than a page
/// of orders share one instant): the caller retries with a larger limit or gives up.
pub(super) fn consume<R: PagedRow>(
    rows: Vec<R>,
    has_more: bool,
    filter: &OrderFilter,
    window: &Window,
    cursor: Option<&Cursor>,
    page_size: usize,
) -> Option<Consumed<R>> {
    let seen_before = |order: &R| {
        cursor.is_some_and(|c| {
            order.row_placed_at() == c.before && c.seen.iter().any(|s| s == order.row_id().native.as_str())
        })
    };
    let mut fresh: Vec<R> = Vec::with_capacity(rows.len());
    // Ids taken so far (a set: comparing each row with every earlier one was a measurable cost of a page).
    let mut taken: std::collections::HashSet<OrderId> = std::collections::HashSet::with_capacity(rows.len());
    for order in rows {
        let placed_at = order.row_placed_at();
        let in_window =
            window.from.is_none_or(|from| placed_at >= from) && window.to.is_none_or(|to| placed_at <= to);
        if in_window && !seen_before(&order) && taken.insert(order.row_id().clone()) {
            fresh.push(order);
        }
    }
    fresh.sort_by(|a, b| a.row_sort_key().cmp(&b.row_sort_key()));
    let available = fresh.len();
    fresh.truncate(page_size.max(1));
    let more = has_more || fresh.len() < available;
    let Some(oldest) = fresh.last().map(PagedRow::row_placed_at) else {
        return if has_more { None } else { Some(Consumed { orders: Vec::new(), next: None }) };
    };
    let next = more.then(|| {
        let mut seen: Vec<String> = match cursor {
            Some(c) if c.before == oldest => c.seen.clone(),
            _ => Vec::new(),
        };
        seen.extend(
            fresh.iter().filter(|o| o.row_placed_at() == oldest).map(|o| o.row_id().native.to_string()),
        );
        Cursor { before: oldest, seen }
    });
    let orders = fresh.into_iter().filter(|o| o.row_matches(filter)).collect();
    Some(Consumed { orders, next })
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
