//! VTEX's single workflow `status` (payment and fulfilment folded into one string) on the three unified
//! axes, and which unified filters the list's `f_status` can express exactly.

use crate::domain::{FulfillmentStatus as F, OrderFilter, OrderStatus as O, PaymentStatus as P, Status};

/// Every documented API status value (help centre table and the list filter doc) on the three axes.
/// `null` (an incomplete order) is handled by [`status_of`]; undocumented values map to `UNKNOWN` ×3.
pub const STATUS_TABLE: &[(&str, O, P, F)] = &[
    ("order-created", O::Pending, P::Pending, F::Unfulfilled),
    ("order-accepted", O::Pending, P::Pending, F::Unfulfilled),
    ("on-order-completed", O::Pending, P::Pending, F::Unfulfilled),
    ("on-order-completed-ffm", O::Pending, P::Pending, F::Unfulfilled),
    ("waiting-for-authorization", O::Pending, P::Pending, F::Unfulfilled),
    ("waiting-for-sellers-confirmation", O::Pending, P::Pending, F::Unfulfilled),
    ("waiting-for-order-authorization", O::Pending, P::Pending, F::Unfulfilled),
    ("payment-pending", O::Pending, P::Pending, F::Unfulfilled),
    ("approve-payment", O::Pending, P::Pending, F::Unfulfilled),
    ("window-to-change-payment", O::Pending, P::Pending, F::Unfulfilled),
    ("waiting-ffmt-authorization", O::Pending, P::Pending, F::Unfulfilled),
    ("waiting-for-manual-authorization", O::Pending, P::Pending, F::Unfulfilled),
    ("waiting-for-mkt-authorization", O::Pending, P::Pending, F::Unfulfilled),
    ("waiting-for-fulfillment", O::Pending, P::Pending, F::Unfulfilled),
    ("payment-approved", O::Confirmed, P::Paid, F::Unfulfilled),
    ("window-to-change-seller", O::Confirmed, P::Paid, F::Unfulfilled),
    ("authorize-fulfillment", O::Confirmed, P::Paid, F::Unfulfilled),
    ("window-to-cancel", O::Confirmed, P::Paid, F::Unfulfilled),
    ("ready-for-handling", O::Confirmed, P::Paid, F::Unfulfilled),
    ("waiting-seller-handling", O::Confirmed, P::Paid, F::Unfulfilled),
    ("start-handling", O::Processing, P::Paid, F::Unfulfilled),
    ("handling", O::Processing, P::Paid, F::Unfulfilled),
    ("ready-for-invoicing", O::Processing, P::Paid, F::Unfulfilled),
    ("invoice", O::Processing, P::Paid, F::Unfulfilled),
    ("invoiced", O::Shipped, P::Paid, F::Fulfilled),
    ("invoice-after-cancellation-deny", O::Shipped, P::Paid, F::Fulfilled),
    ("request-cancel", O::Unknown, P::Unknown, F::Unfulfilled),
    ("cancellation-requested", O::Unknown, P::Unknown, F::Unfulfilled),
    ("waiting-for-seller-decision", O::Unknown, P::Unknown, F::Unfulfilled),
    ("cancel", O::Cancelled, P::Unknown, F::Cancelled),
    ("canceled", O::Cancelled, P::Voided, F::Cancelled),
    ("replaced", O::Cancelled, P::Unknown, F::Cancelled),
    ("order-create-error", O::Unknown, P::Unknown, F::Unfulfilled),
    ("order-creation-error", O::Unknown, P::Unknown, F::Unfulfilled),
];

/// The axes of an incomplete order (`status: null`).
const INCOMPLETE: (O, P, F) = (O::Pending, P::Pending, F::Unfulfilled);

/// The axes of an undocumented status value.
const UNDOCUMENTED: (O, P, F) = (O::Unknown, P::Unknown, F::Unknown);

/// The `f_status` values the list documents as filterable.
pub const FILTERABLE: &[&str] = &[
    "waiting-for-sellers-confirmation",
    "payment-pending",
    "payment-approved",
    "ready-for-handling",
    "handling",
    "invoiced",
    "canceled",
];

/// What `status.native` says for an incomplete order.
pub const NULL_NATIVE: &str = "null";

fn axes(native: Option<&str>) -> (O, P, F) {
    match native {
        None => INCOMPLETE,
        Some(value) => STATUS_TABLE
            .iter()
            .find(|(v, ..)| *v == value)
            .map(|(_, o, p, f)| (*o, *p, *f))
            .unwrap_or(UNDOCUMENTED),
    }
}

/// The unified status of a native `status` (`None` = `null`, an incomplete order) with its Admin label.
pub fn status_of(native: Option<&str>, label: Option<&str>) -> Status {
    let (order, payment, fulfillment) = axes(native);
    let status = Status::new(order, payment, fulfillment, native.unwrap_or(NULL_NATIVE));
    match label.map(str::trim).filter(|l| !l.is_empty()) {
        Some(label) => status.with_label(label),
        None if native.is_none() => status.with_label("Incomplete order"),
        None => status,
    }
}

/// How the list can narrow by the filter's three status axes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusPlan {
    /// No status axis is filtered.
    Any,
    /// No native value can match: the answer is empty without a call.
    Nothing,
    /// `f_status` with exactly these values selects the matching orders.
    Exact(Vec<&'static str>),
    /// Not expressible with the documented `f_status` values: read all and filter the rows.
    Local,
}

/// The `f_status` plan for a filter: exact only when every native value matching the three axes is one of
/// the documented filterable values (and no undocumented or `null` status could match).
pub fn plan(filter: &OrderFilter) -> StatusPlan {
    if filter.status.is_empty() && filter.payment_status.is_empty() && filter.fulfillment_status.is_empty() {
        return StatusPlan::Any;
    }
    let admits = |(o, p, f): (O, P, F)| {
        (filter.status.is_empty() || filter.status.contains(&o))
            && (filter.payment_status.is_empty() || filter.payment_status.contains(&p))
            && (filter.fulfillment_status.is_empty() || filter.fulfillment_status.contains(&f))
    };
    if admits(UNDOCUMENTED) || admits(INCOMPLETE) {
        // An undocumented value or `null` could match; neither can be asked for.
        return StatusPlan::Local;
    }
    let natives: Vec<&'static str> =
        STATUS_TABLE.iter().filter(|(_, o, p, f)| admits((*o, *p, *f))).map(|(v, ..)| *v).collect();
    if natives.is_empty() {
        StatusPlan::Nothing
    } else if natives.iter().all(|v| FILTERABLE.contains(v)) {
        StatusPlan::Exact(natives)
    } else {
        StatusPlan::Local
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(status: &[O], payment: &[P], fulfillment: &[F]) -> OrderFilter {
        OrderFilter {
            status: status.to_vec(),
            payment_status: payment.to_vec(),
            fulfillment_status: fulfillment.to_vec(),
            ..OrderFilter::default()
        }
    }

    // The whole mapping table, one row per documented native value (section 1.5 plus the filter doc's
    // `waiting-for-sellers-confirmation` and `null`), checked against an independent expectation.
    #[test]
    fn every_documented_status_maps() {
        use F::*;
        let expected: &[(Option<&str>, O, P, F)] = &[
            (None, O::Pending, P::Pending, Unfulfilled),
            (Some("order-created"), O::Pending, P::Pending, Unfulfilled),
            (Some("order-accepted"), O::Pending, P::Pending, Unfulfilled),
            (Some("on-order-completed"), O::Pending, P::Pending, Unfulfilled),
            (Some("on-order-completed-ffm"), O::Pending, P::Pending, Unfulfilled),
            (Some("payment-pending"), O::Pending, P::Pending, Unfulfilled),
            (Some("payment-approved"), O::Confirmed, P::Paid, Unfulfilled),
            (Some("request-cancel"), O::Unknown, P::Unknown, Unfulfilled),
            (Some("cancellation-requested"), O::Unknown, P::Unknown, Unfulfilled),
            (Some("cancel"), O::Cancelled, P::Unknown, Cancelled),
            (Some("canceled"), O::Cancelled, P::Voided, Cancelled),
            (Some("window-to-change-payment"), O::Pending, P::Pending, Unfulfilled),
            (Some("window-to-change-seller"), O::Confirmed, P::Paid, Unfulfilled),
            (Some("waiting-for-authorization"), O::Pending, P::Pending, Unfulfilled),
            (Some("waiting-for-sellers-confirmation"), O::Pending, P::Pending, Unfulfilled),
            (Some("waiting-for-fulfillment"), O::Pending, P::Pending, Unfulfilled),
            (Some("waiting-ffmt-authorization"), O::Pending, P::Pending, Unfulfilled),
            (Some("waiting-for-manual-authorization"), O::Pending, P::Pending, Unfulfilled),
            (Some("authorize-fulfillment"), O::Confirmed, P::Paid, Unfulfilled),
            (Some("window-to-cancel"), O::Confirmed, P::Paid, Unfulfilled),
            (Some("ready-for-handling"), O::Confirmed, P::Paid, Unfulfilled),
            (Some("start-handling"), O::Processing, P::Paid, Unfulfilled),
            (Some("handling"), O::Processing, P::Paid, Unfulfilled),
            (Some("ready-for-invoicing"), O::Processing, P::Paid, Unfulfilled),
            (Some("invoice"), O::Processing, P::Paid, Unfulfilled),
            (Some("invoiced"), O::Shipped, P::Paid, Fulfilled),
            (Some("waiting-for-mkt-authorization"), O::Pending, P::Pending, Unfulfilled),
            (Some("waiting-seller-handling"), O::Confirmed, P::Paid, Unfulfilled),
            (Some("waiting-for-seller-decision"), O::Unknown, P::Unknown, Unfulfilled),
            (Some("approve-payment"), O::Pending, P::Pending, Unfulfilled),
            (Some("order-create-error"), O::Unknown, P::Unknown, Unfulfilled),
            (Some("order-creation-error"), O::Unknown, P::Unknown, Unfulfilled),
            (Some("invoice-after-cancellation-deny"), O::Shipped, P::Paid, Fulfilled),
            (Some("replaced"), O::Cancelled, P::Unknown, Cancelled),
            (Some("waiting-for-order-authorization"), O::Pending, P::Pending, Unfulfilled),
            (Some("something-new"), O::Unknown, P::Unknown, F::Unknown),
        ];
        for (native, o, p, f) in expected {
            let status = status_of(*native, Some("Label"));
            assert_eq!((status.order, status.payment, status.fulfillment), (*o, *p, *f), "{native:?}");
            assert_eq!(status.native, native.unwrap_or("null"));
            assert_eq!(status.label.as_deref(), Some("Label"));
        }
        // Every table row is covered by the expectation above (no value mapped without a test).
        for (value, ..) in STATUS_TABLE {
            assert!(expected.iter().any(|(n, ..)| *n == Some(*value)), "{value} untested");
        }
        assert_eq!(status_of(None, None).label.as_deref(), Some("Incomplete order"));
        assert_eq!(status_of(Some("handling"), Some("  ")).label, None);
    }

    // f_status is used only when the documented filterable values select exactly the matching orders.
    #[test]
    fn status_plans() {
        assert_eq!(plan(&OrderFilter::default()), StatusPlan::Any);
        assert_eq!(plan(&filter(&[], &[P::Voided], &[])), StatusPlan::Exact(vec!["canceled"]));
        assert_eq!(plan(&filter(&[O::Cancelled], &[P::Voided], &[])), StatusPlan::Exact(vec!["canceled"]));
        // CANCELLED also covers `cancel` and `replaced`, which f_status cannot ask for.
        assert_eq!(plan(&filter(&[O::Cancelled], &[], &[])), StatusPlan::Local);
        // PENDING covers `null` (incomplete orders).
        assert_eq!(plan(&filter(&[O::Pending], &[], &[])), StatusPlan::Local);
        // UNKNOWN covers undocumented values.
        assert_eq!(plan(&filter(&[O::Unknown], &[], &[])), StatusPlan::Local);
        assert_eq!(plan(&filter(&[O::Returned], &[], &[])), StatusPlan::Nothing);
        assert_eq!(plan(&filter(&[O::Shipped], &[P::Refunded], &[])), StatusPlan::Nothing);
    }
}
