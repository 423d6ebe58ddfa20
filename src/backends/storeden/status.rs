//! Storeden's status codes (`GET /orders/statuses.json`) on the three unified axes, and back.

use crate::domain::{FulfillmentStatus as F, OrderStatus as O, PaymentStatus as P, Status};

/// Every documented status code with its documented label (`statuses.json`, grouped there as opened 0–1,
/// processing 2–4, closed 5–7, aftersale 8).
pub(super) const DOCUMENTED: [(i64, &str); 9] = [
    (0, "Pending Payment"),
    (1, "Order Paid"),
    (2, "Preparation"),
    (3, "Sent"),
    (4, "Delivered"),
    (5, "Closed"),
    (6, "Archived/Deleted"),
    (7, "Aborted"),
    (8, "AfterSale"),
];

/// The code `cancelOrder` sets.
pub(super) const ABORTED: i64 = 7;

/// The documented label of a code.
pub(super) fn label(code: i64) -> Option<&'static str> {
    DOCUMENTED.iter().find(|(c, _)| *c == code).map(|(_, label)| *label)
}

/// The unified axes of a code; an undocumented code is UNKNOWN on all three (its number stays in `native`).
pub(super) fn axes(code: i64) -> (O, P, F) {
    match code {
        0 => (O::Pending, P::Pending, F::Unfulfilled),
        1 => (O::Confirmed, P::Paid, F::Unfulfilled),
        2 => (O::Processing, P::Paid, F::Unfulfilled),
        3 => (O::Shipped, P::Paid, F::Fulfilled),
        4 => (O::Delivered, P::Paid, F::Fulfilled),
        5 => (O::Closed, P::Paid, F::Fulfilled),
        6 => (O::Closed, P::Unknown, F::Unknown),
        7 => (O::Cancelled, P::Unknown, F::Cancelled),
        // After sale (returns, exchanges, claims after delivery): the goods are coming back.
        8 => (O::Returned, P::Paid, F::Returned),
        _ => (O::Unknown, P::Unknown, F::Unknown),
    }
}

/// The unified status of a code: the axes, `native` = the code as text, `label` = the documented label.
pub(super) fn status(code: i64) -> Status {
    let (order, payment, fulfillment) = axes(code);
    let status = Status::new(order, payment, fulfillment, code.to_string());
    match label(code) {
        Some(label) => status.with_label(label),
        None => status,
    }
}

/// The code `updateOrderStatus` sends for a unified status (codes 0–5 and 8; cancelling is `cancelOrder`).
pub(super) fn code_for(target: O) -> Option<i64> {
    match target {
        O::Pending => Some(0),
        O::Confirmed => Some(1),
        O::Processing => Some(2),
        O::Shipped => Some(3),
        O::Delivered => Some(4),
        O::Closed => Some(5),
        O::Returned => Some(8),
        _ => None,
    }
}

/// The statuses `updateOrderStatus` accepts, in code order.
pub(super) const UPDATE_TARGETS: [O; 7] =
    [O::Pending, O::Confirmed, O::Processing, O::Shipped, O::Delivered, O::Closed, O::Returned];

#[cfg(test)]
mod tests {
    use super::*;

    // The whole documented vocabulary maps as the module's table says, with native code and label kept, and
    // follows the axis rule.
    #[test]
    fn status_table() {
        let expected = [
            (0, O::Pending, P::Pending, F::Unfulfilled, "Pending Payment"),
            (1, O::Confirmed, P::Paid, F::Unfulfilled, "Order Paid"),
            (2, O::Processing, P::Paid, F::Unfulfilled, "Preparation"),
            (3, O::Shipped, P::Paid, F::Fulfilled, "Sent"),
            (4, O::Delivered, P::Paid, F::Fulfilled, "Delivered"),
            (5, O::Closed, P::Paid, F::Fulfilled, "Closed"),
            (6, O::Closed, P::Unknown, F::Unknown, "Archived/Deleted"),
            (7, O::Cancelled, P::Unknown, F::Cancelled, "Aborted"),
            (8, O::Returned, P::Paid, F::Returned, "AfterSale"),
        ];
        assert_eq!(expected.len(), DOCUMENTED.len());
        for (code, order, payment, fulfillment, label) in expected {
            let status = status(code);
            assert_eq!(
                (status.order, status.payment, status.fulfillment),
                (order, payment, fulfillment),
                "{code}"
            );
            assert_eq!(status.native, code.to_string());
            assert_eq!(status.label.as_deref(), Some(label));
            assert_eq!(status.axis_rule_violation(), None, "{code}");
        }
        assert_eq!(status(42).axis_rule_violation(), None);
    }

    // An undocumented code is UNKNOWN everywhere, keeps its number and has no label.
    #[test]
    fn undocumented_code_is_unknown() {
        let status = status(42);
        assert_eq!((status.order, status.payment, status.fulfillment), (O::Unknown, P::Unknown, F::Unknown));
        assert_eq!(status.native, "42");
        assert_eq!(status.label, None);
    }

    // Every update target round-trips: the code it sends reads back as the same unified status.
    #[test]
    fn update_targets_round_trip() {
        for target in UPDATE_TARGETS {
            let code = code_for(target).expect("a code");
            assert_eq!(axes(code).0, target, "{target:?}");
        }
        assert_eq!(axes(ABORTED).0, O::Cancelled);
        assert_eq!(code_for(O::Cancelled), None, "cancelling goes through cancelOrder");
        assert_eq!(code_for(O::Refunded), None);
    }
}
