//! How a unified filter and page request become `GET /orders/list.json` parameters, and the continuation token.
//!
//! Storeden's list is `limit`/`skip` over a bare array with no total. The adapter sends what narrows the list
//! safely (a single `status` code, a `from`/`to` window one second wider than asked on each side, since the
//! docs do not say whether the bounds are inclusive) and applies the whole filter itself to what comes back,
//! exactly as [`OrderFilter::matches`] would. So pages may hold fewer orders than asked while more follow;
//! the continuation is a [`Window`](crate::backends::window::Window) read at a checked `skip` offset, and a
//! page shorter than `limit` is the last.

use chrono::{DateTime, FixedOffset};

use super::status;
use crate::domain::{FilterPushdown, OrderFilter, Status};

/// The largest `limit` used. Storeden documents the default (10) but no maximum; 100 is the common cap of
/// such APIs and what the adapter asks for at most.
pub(super) const MAX_LIMIT: usize = 100;

/// `to` for an open upper bound: 2100-01-01T00:00:00Z (`from`/`to` must be sent together).
pub(super) const FAR_FUTURE: i64 = 4_102_444_800;

/// The `nodes` asked for on every list call, so rows carry the e-mail the filter reads, a name, the short
/// number and the tags.
pub(super) const NODES: &str = "billing.email,billing.fullname,short_id,tags";

/// What to ask Storeden for one filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Plan {
    /// Nothing can match (an impossible status combination or an empty date range): no call.
    Nothing,
    /// Call with these parameters (besides `limit`, `skip`, `nodes`).
    Query {
        /// `status`, when the filter's statuses are exactly one documented code.
        status: Option<i64>,
        /// `from` and `to` (unix seconds), widened by a second on each side.
        window: Option<(i64, i64)>,
    },
}

impl Plan {
    /// The plan for a filter.
    pub fn for_filter(filter: &OrderFilter) -> Plan {
        let status = match status_codes(filter) {
            StatusCodes::Any => None,
            StatusCodes::None => return Plan::Nothing,
            StatusCodes::One(code) => Some(code),
            StatusCodes::Several => None,
        };
        if matches!((filter.placed_after, filter.placed_before), (Some(after), Some(before)) if after > before)
        {
            return Plan::Nothing;
        }
        let window = (filter.placed_after.is_some() || filter.placed_before.is_some()).then(|| {
            let from = filter.placed_after.map_or(0, |after| after.timestamp() - 1);
            let to = filter.placed_before.map_or(FAR_FUTURE, |before| before.timestamp() + 1);
            (from, to)
        });
        Plan::Query { status, window }
    }

    /// The query parameters: `limit`, `skip`, `nodes`, then the filter's.
    pub fn query(&self, limit: usize, skip: u64) -> Vec<(&'static str, String)> {
        let mut query =
            vec![("limit", limit.to_string()), ("skip", skip.to_string()), ("nodes", NODES.into())];
        if let Plan::Query { status, window } = self {
            if let Some(code) = status {
                query.push(("status", code.to_string()));
            }
            if let Some((from, to)) = window {
                query.push(("from", from.to_string()));
                query.push(("to", to.to_string()));
            }
        }
        query
    }
}

/// Which native codes the filter's status axes allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StatusCodes {
    /// The filter has no status axis.
    Any,
    /// No code can match.
    None,
    /// Exactly this documented code, and no undocumented one.
    One(i64),
    /// Several codes (or undocumented ones): filtered by the adapter after the call.
    Several,
}

fn status_codes(filter: &OrderFilter) -> StatusCodes {
    if filter.status.is_empty() && filter.payment_status.is_empty() && filter.fulfillment_status.is_empty() {
        return StatusCodes::Any;
    }
    let matching: Vec<i64> = status::DOCUMENTED
        .iter()
        .map(|(code, _)| *code)
        .filter(|code| status_matches(filter, &status::status(*code)))
        .collect();
    // An undocumented code reads as UNKNOWN on every axis; a filter that accepts that cannot be one code.
    let undocumented = status_matches(filter, &status::status(-1));
    match (matching.as_slice(), undocumented) {
        ([], false) => StatusCodes::None,
        ([code], false) => StatusCodes::One(*code),
        _ => StatusCodes::Several,
    }
}

/// Whether a status passes the filter's three status axes (as [`OrderFilter::matches`] tests them).
pub(super) fn status_matches(filter: &OrderFilter, status: &Status) -> bool {
    (filter.status.is_empty() || filter.status.contains(&status.order))
        && (filter.payment_status.is_empty() || filter.payment_status.contains(&status.payment))
        && (filter.fulfillment_status.is_empty() || filter.fulfillment_status.contains(&status.fulfillment))
}

/// What the adapter declares: every field, since it applies each one itself after narrowing the call.
pub(super) const PUSHDOWN: FilterPushdown = FilterPushdown {
    status: true,
    payment_status: true,
    fulfillment_status: true,
    placed_range: true,
    customer_email: true,
    tags: true,
};

/// The filter the adapter applies locally: all of it (nothing counts as already applied).
pub(super) const NOTHING_APPLIED: FilterPushdown = FilterPushdown {
    status: false,
    payment_status: false,
    fulfillment_status: false,
    placed_range: false,
    customer_email: false,
    tags: false,
};

/// Whether `at` lies in the filter's inclusive range.
pub(super) fn in_range(filter: &OrderFilter, at: DateTime<FixedOffset>) -> bool {
    filter.placed_after.is_none_or(|after| at >= after)
        && filter.placed_before.is_none_or(|before| at <= before)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{FulfillmentStatus, OrderStatus, PaymentStatus};

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    // Statuses that are exactly one documented code are sent as `status`; impossible ones make no call;
    // several codes (or UNKNOWN) are filtered after the call.
    #[test]
    fn status_plans() {
        let plan = |filter: OrderFilter| Plan::for_filter(&filter);
        let with = |status: Vec<OrderStatus>| OrderFilter { status, ..Default::default() };
        assert_eq!(plan(OrderFilter::default()), Plan::Query { status: None, window: None });
        assert_eq!(plan(with(vec![OrderStatus::Shipped])), Plan::Query { status: Some(3), window: None });
        assert_eq!(plan(with(vec![OrderStatus::Returned])), Plan::Query { status: Some(8), window: None });
        // CLOSED is 5 Closed and 6 Archived/Deleted.
        assert_eq!(plan(with(vec![OrderStatus::Closed])), Plan::Query { status: None, window: None });
        assert_eq!(plan(with(vec![OrderStatus::Refunded])), Plan::Nothing);
        assert_eq!(plan(with(vec![OrderStatus::Unknown])), Plan::Query { status: None, window: None });
        let paid_unfulfilled = OrderFilter {
            payment_status: vec![PaymentStatus::Pending],
            fulfillment_status: vec![FulfillmentStatus::Unfulfilled],
            ..Default::default()
        };
        assert_eq!(plan(paid_unfulfilled), Plan::Query { status: Some(0), window: None });
        let impossible = OrderFilter {
            status: vec![OrderStatus::Shipped],
            fulfillment_status: vec![FulfillmentStatus::Unfulfilled],
            ..Default::default()
        };
        assert_eq!(plan(impossible), Plan::Nothing);
    }

    // The date window is a second wider on each side, open sides are 0 and the far future, and an inverted
    // range makes no call.
    #[test]
    fn date_windows() {
        let after = at("2015-12-10T12:04:28.500+01:00");
        let before = at("2015-12-17T18:19:54+01:00");
        let both =
            OrderFilter { placed_after: Some(after), placed_before: Some(before), ..Default::default() };
        assert_eq!(
            Plan::for_filter(&both),
            Plan::Query { status: None, window: Some((1449745467, 1450372795)) }
        );
        let open_end = OrderFilter { placed_after: Some(after), ..Default::default() };
        assert_eq!(
            Plan::for_filter(&open_end),
            Plan::Query { status: None, window: Some((1449745467, FAR_FUTURE)) }
        );
        let open_start = OrderFilter { placed_before: Some(before), ..Default::default() };
        assert_eq!(
            Plan::for_filter(&open_start),
            Plan::Query { status: None, window: Some((0, 1450372795)) }
        );
        let inverted =
            OrderFilter { placed_after: Some(before), placed_before: Some(after), ..Default::default() };
        assert_eq!(Plan::for_filter(&inverted), Plan::Nothing);
        assert!(in_range(&both, after) && in_range(&both, before));
        assert!(!in_range(&both, at("2015-12-10T12:04:28+01:00")));
    }

    // The query carries limit, skip, nodes, status, and from/to together.
    #[test]
    fn query_parameters() {
        let plan = Plan::Query { status: Some(3), window: Some((10, 20)) };
        let query = plan.query(50, 100);
        let pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            pairs,
            vec![
                ("limit", "50"),
                ("skip", "100"),
                ("nodes", NODES),
                ("status", "3"),
                ("from", "10"),
                ("to", "20")
            ]
        );
    }
}
