//! How a list request becomes `GET /api/v2/orders` parameters: paging (`start`/`limit` at the offset a
//! [`Window`](crate::backends::window::Window) continuation checks), sorting, and the filter plan (what the vendor can apply exactly, what it can only narrow, and what
//! the adapter finishes itself on the page rows).

use chrono::{DateTime, Duration, FixedOffset, Utc};

use super::status::{native_payment_values, native_shipping_values, shipping_superset_of};
use crate::domain::{FilterPushdown, FulfillmentStatus, Order, OrderFilter, PaymentStatus};

/// The vendor's page size limit ("The maximum number of records per page cannot exceed 100").
pub(super) const MAX_LIMIT: usize = 100;

/// The `fields=` of a summary listing: what a summary reads (`wire::WireSummary`), so the vendor leaves out
/// addresses, line items and the rest.
pub(super) const SUMMARY_FIELDS: &str = "id,payment_status,payment_status_text,shipping_status,shipping_status_text,total_amount,currency,\
     date_created,date_modified";

/// How far `created_after`/`created_before` are widened around the wanted instants. The doc only shows
/// dates (`2019-01-01`) and does not say whether datetimes are accepted, which time zone a date means, or
/// whether the bounds are inclusive; two days covers every offset (−12 h…+14 h) and both readings of the bounds.
const DATE_MARGIN_DAYS: i64 = 2;

/// The filter fields the adapter declares: each is applied exactly, natively where MerchantPro can express it
/// and otherwise by the adapter on the rows of the page (list rows are full orders).
pub(super) const PUSHDOWN: FilterPushdown = FilterPushdown {
    status: false,
    payment_status: true,
    fulfillment_status: true,
    placed_range: true,
    customer_email: true,
    // `tag_name` compares case-sensitively (the sandbox's reading; the doc does not say) while the filter is
    // case-insensitive, and `tag_ids` needs ids: the engine filters tags.
    tags: false,
};

/// What to send, and what is left for the adapter to check on the rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Plan {
    /// Filter parameters for `GET /api/v2/orders`.
    pub params: Vec<(&'static str, String)>,
    /// The declared filter fields, to re-check on every row (exactly [`OrderFilter::matches`]); `None` when the
    /// filter has none of them.
    pub check: Option<OrderFilter>,
    /// Whether the parameters select exactly the orders matching the declared fields, so `meta.count.total` is
    /// the exact total.
    pub exact: bool,
    /// Whether no order can match (e.g. `paymentStatus: [AUTHORIZED]`): answer empty without a call.
    pub nothing: bool,
}

/// Plans the filter.
pub(super) fn plan(filter: &OrderFilter) -> Plan {
    let mut params = Vec::new();
    let mut exact = true;
    let mut nothing = false;

    // Payment status: one native value per parameter (the doc shows no comma lists for it).
    if !filter.payment_status.is_empty() {
        let mut natives: Vec<&str> =
            filter.payment_status.iter().flat_map(|s| native_payment_values(*s).iter().copied()).collect();
        natives.sort_unstable();
        natives.dedup();
        let unknown = filter.payment_status.contains(&PaymentStatus::Unknown);
        match (natives.as_slice(), unknown) {
            ([one], false) => params.push(("payment_status", one.to_string())),
            ([], false) => nothing = true,
            _ => exact = false,
        }
    }

    // Shipping status, likewise, when the shipping value alone decides the fulfilment (a cancelled payment
    // makes an awaiting or confirmed order CANCELLED: those are checked on the rows).
    let mut shipping_param = false;
    if !filter.fulfillment_status.is_empty() {
        let mut natives: Vec<&str> = Vec::new();
        let mut decides = true;
        for wanted in &filter.fulfillment_status {
            let (values, alone) = native_shipping_values(*wanted);
            natives.extend(values);
            decides &= alone;
        }
        natives.sort_unstable();
        natives.dedup();
        let unknown = filter.fulfillment_status.contains(&FulfillmentStatus::Unknown);
        match (natives.as_slice(), unknown) {
            ([one], false) if decides => {
                params.push(("shipping_status", one.to_string()));
                shipping_param = true;
            }
            ([], false) => nothing = true,
            _ => exact = false,
        }
    }

    // The order status is the engine's to apply; a single status still narrows by its shipping status.
    let narrowed = match (shipping_param, filter.status.as_slice()) {
        (false, [one]) => shipping_superset_of(*one),
        _ => None,
    };
    if let Some(shipping) = narrowed {
        params.push(("shipping_status", shipping.to_string()));
        // The total then counts a narrower set than the declared fields select.
        exact = false;
    }

    // Dates: a widened range of whole days; the exact bounds are checked on the rows.
    if let Some(after) = filter.placed_after {
        params.push(("created_after", widened_date(after, -DATE_MARGIN_DAYS)));
        exact = false;
    }
    if let Some(before) = filter.placed_before {
        params.push(("created_before", widened_date(before, DATE_MARGIN_DAYS)));
        exact = false;
    }
    if filter.placed_after.zip(filter.placed_before).is_some_and(|(after, before)| after > before) {
        nothing = true;
    }

    // E-mail: the documented equality filter, taken as exact (see the module doc on case).
    if let Some(email) = &filter.customer_email {
        params.push(("customer_email", email.clone()));
    }

    let declared = OrderFilter {
        backends: None,
        status: Vec::new(),
        payment_status: filter.payment_status.clone(),
        fulfillment_status: filter.fulfillment_status.clone(),
        placed_after: filter.placed_after,
        placed_before: filter.placed_before,
        customer_email: filter.customer_email.clone(),
        tags: Vec::new(),
    };
    let check = (!declared.is_empty()).then_some(declared);
    Plan { params, check, exact, nothing }
}

impl Plan {
    /// Whether `order` matches the declared fields (the same test the engine would make).
    pub fn keeps(&self, order: &Order) -> bool {
        self.check.as_ref().is_none_or(|f| f.matches(order, &FilterPushdown::default()))
    }
}

/// The UTC calendar date `days` away from `instant`, as `YYYY-MM-DD`.
fn widened_date(instant: DateTime<FixedOffset>, days: i64) -> String {
    let shifted = instant.with_timezone(&Utc) + Duration::days(days);
    shifted.format("%Y-%m-%d").to_string()
}

/// The page size to ask for: the engine's, clamped to 1…[`MAX_LIMIT`].
pub(super) fn limit(page_size: usize) -> usize {
    page_size.clamp(1, MAX_LIMIT)
}

/// The paging and sorting parameters of a page starting at `start`, and what each row carries: whole orders
/// (`include=line_items`), or with `summaries` only the fields a summary reads (`fields=`, a fraction of the
/// bytes: no line items, addresses or customer).
pub(super) fn page_params(start: u64, page_size: usize, summaries: bool) -> Vec<(&'static str, String)> {
    let rows = if summaries {
        ("fields", SUMMARY_FIELDS.to_string())
    } else {
        ("include", "line_items".to_string())
    };
    vec![
        ("start", start.to_string()),
        ("limit", limit(page_size).to_string()),
        ("sort", "date_created.desc".to_string()),
        rows,
    ]
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
