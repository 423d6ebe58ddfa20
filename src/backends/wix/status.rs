//! Wix's three status enums (`status`, `paymentStatus`, `fulfillmentStatus`) and how they map to the unified
//! status: the table in the adapter's module doc.

use serde::Deserialize;

use super::wire;
use crate::domain::{self, Status};

/// Wix's `order.status`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub enum OrderStatus {
    /// Created, not yet approved or declined (never returned by search).
    Initialized,
    /// Online payment succeeded, or an offline order.
    Approved,
    /// Cancelled.
    Canceled,
    /// A value the docs do not list.
    Other(String),
}

impl From<String> for OrderStatus {
    fn from(value: String) -> Self {
        match value.as_str() {
            "INITIALIZED" => OrderStatus::Initialized,
            "APPROVED" => OrderStatus::Approved,
            "CANCELED" => OrderStatus::Canceled,
            _ => OrderStatus::Other(value),
        }
    }
}

/// Wix's `order.paymentStatus`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub enum PaymentStatus {
    /// `UNSPECIFIED`.
    Unspecified,
    /// `NOT_PAID`.
    NotPaid,
    /// `PAID`.
    Paid,
    /// `PARTIALLY_REFUNDED`.
    PartiallyRefunded,
    /// `FULLY_REFUNDED`.
    FullyRefunded,
    /// `PENDING`: received, not yet confirmed by the provider.
    Pending,
    /// `PARTIALLY_PAID`.
    PartiallyPaid,
    /// A value the docs do not list.
    Other(String),
}

impl From<String> for PaymentStatus {
    fn from(value: String) -> Self {
        match value.as_str() {
            "UNSPECIFIED" => PaymentStatus::Unspecified,
            "NOT_PAID" => PaymentStatus::NotPaid,
            "PAID" => PaymentStatus::Paid,
            "PARTIALLY_REFUNDED" => PaymentStatus::PartiallyRefunded,
            "FULLY_REFUNDED" => PaymentStatus::FullyRefunded,
            "PENDING" => PaymentStatus::Pending,
            "PARTIALLY_PAID" => PaymentStatus::PartiallyPaid,
            _ => PaymentStatus::Other(value),
        }
    }
}

/// Wix's `order.fulfillmentStatus` (read-only, driven by the Fulfillments API).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub enum FulfillmentStatus {
    /// `NOT_FULFILLED`.
    NotFulfilled,
    /// `PARTIALLY_FULFILLED`.
    PartiallyFulfilled,
    /// `FULFILLED`.
    Fulfilled,
    /// A value the docs do not list.
    Other(String),
}

impl From<String> for FulfillmentStatus {
    fn from(value: String) -> Self {
        match value.as_str() {
            "NOT_FULFILLED" => FulfillmentStatus::NotFulfilled,
            "PARTIALLY_FULFILLED" => FulfillmentStatus::PartiallyFulfilled,
            "FULFILLED" => FulfillmentStatus::Fulfilled,
            _ => FulfillmentStatus::Other(value),
        }
    }
}

/// The native spelling of an order status (for filters and `Status.native`).
pub fn order_status_native(status: &OrderStatus) -> &str {
    match status {
        OrderStatus::Initialized => "INITIALIZED",
        OrderStatus::Approved => "APPROVED",
        OrderStatus::Canceled => "CANCELED",
        OrderStatus::Other(s) => s,
    }
}

/// The native spelling of a payment status.
pub fn payment_status_native(status: &PaymentStatus) -> &str {
    match status {
        PaymentStatus::Unspecified => "UNSPECIFIED",
        PaymentStatus::NotPaid => "NOT_PAID",
        PaymentStatus::Paid => "PAID",
        PaymentStatus::PartiallyRefunded => "PARTIALLY_REFUNDED",
        PaymentStatus::FullyRefunded => "FULLY_REFUNDED",
        PaymentStatus::Pending => "PENDING",
        PaymentStatus::PartiallyPaid => "PARTIALLY_PAID",
        PaymentStatus::Other(s) => s,
    }
}

/// The native spelling of a fulfilment status.
pub fn fulfillment_status_native(status: &FulfillmentStatus) -> &str {
    match status {
        FulfillmentStatus::NotFulfilled => "NOT_FULFILLED",
        FulfillmentStatus::PartiallyFulfilled => "PARTIALLY_FULFILLED",
        FulfillmentStatus::Fulfilled => "FULFILLED",
        FulfillmentStatus::Other(s) => s,
    }
}

/// Every documented `paymentStatus` value with its unified value (the payment axis depends on it alone).
pub const PAYMENT_TABLE: [(&str, domain::PaymentStatus); 7] = [
    ("UNSPECIFIED", domain::PaymentStatus::Unknown),
    ("NOT_PAID", domain::PaymentStatus::Pending),
    ("PENDING", domain::PaymentStatus::Pending),
    ("PAID", domain::PaymentStatus::Paid),
    ("PARTIALLY_PAID", domain::PaymentStatus::PartiallyPaid),
    ("PARTIALLY_REFUNDED", domain::PaymentStatus::PartiallyRefunded),
    ("FULLY_REFUNDED", domain::PaymentStatus::Refunded),
];

/// Every documented `fulfillmentStatus` value with its unified value (the fulfilment axis depends on it alone).
pub const FULFILLMENT_TABLE: [(&str, domain::FulfillmentStatus); 3] = [
    ("NOT_FULFILLED", domain::FulfillmentStatus::Unfulfilled),
    ("PARTIALLY_FULFILLED", domain::FulfillmentStatus::PartiallyFulfilled),
    ("FULFILLED", domain::FulfillmentStatus::Fulfilled),
];

/// The payment axis.
pub fn payment_axis(status: Option<&PaymentStatus>) -> domain::PaymentStatus {
    let native = status.map(payment_status_native).unwrap_or_default();
    PAYMENT_TABLE
        .iter()
        .find(|(n, _)| *n == native)
        .map(|(_, s)| *s)
        .unwrap_or(domain::PaymentStatus::Unknown)
}

/// The fulfilment axis: `fulfillmentStatus`, except that a CANCELED order with nothing fulfilled is
/// CANCELLED (the fulfilment will not happen; README "Status axes"). A cancelled order whose items were
/// fulfilled keeps FULFILLED or PARTIALLY_FULFILLED: the goods left.
pub fn fulfillment_axis(
    status: Option<&OrderStatus>,
    fulfillment: Option<&FulfillmentStatus>,
) -> domain::FulfillmentStatus {
    let native = fulfillment.map(fulfillment_status_native).unwrap_or_default();
    let unified = FULFILLMENT_TABLE
        .iter()
        .find(|(n, _)| *n == native)
        .map(|(_, s)| *s)
        .unwrap_or(domain::FulfillmentStatus::Unknown);
    match (status, unified) {
        (Some(OrderStatus::Canceled), domain::FulfillmentStatus::Unfulfilled) => {
            domain::FulfillmentStatus::Cancelled
        }
        _ => unified,
    }
}

/// The order axis: from `status`, refined for APPROVED orders by refunds and fulfilment.
pub fn order_axis(
    status: Option<&OrderStatus>,
    payment: Option<&PaymentStatus>,
    fulfillment: Option<&FulfillmentStatus>,
) -> domain::OrderStatus {
    match status {
        Some(OrderStatus::Initialized) => domain::OrderStatus::Pending,
        Some(OrderStatus::Canceled) => domain::OrderStatus::Cancelled,
        Some(OrderStatus::Approved) => {
            if payment == Some(&PaymentStatus::FullyRefunded) {
                domain::OrderStatus::Refunded
            } else {
                match fulfillment {
                    Some(FulfillmentStatus::Fulfilled) => domain::OrderStatus::Shipped,
                    Some(FulfillmentStatus::PartiallyFulfilled) => domain::OrderStatus::PartiallyShipped,
                    _ => domain::OrderStatus::Confirmed,
                }
            }
        }
        Some(OrderStatus::Other(_)) | None => domain::OrderStatus::Unknown,
    }
}

/// The unified status with the native triple `STATUS/PAYMENT/FULFILLMENT` (`-` for an absent part).
pub fn status(order: &wire::Head<'_>) -> Status {
    let part = |s: Option<&str>| s.filter(|s| !s.is_empty()).unwrap_or("-").to_string();
    let native = format!(
        "{}/{}/{}",
        part(order.status.map(order_status_native)),
        part(order.payment_status.map(payment_status_native)),
        part(order.fulfillment_status.map(fulfillment_status_native)),
    );
    Status::new(
        order_axis(order.status, order.payment_status, order.fulfillment_status),
        payment_axis(order.payment_status),
        fulfillment_axis(order.status, order.fulfillment_status),
        native,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every documented combination of the three native enums maps to the table in the module doc, and every
    // combination follows the axis rule.
    #[test]
    fn status_table_covers_every_documented_value() {
        use super::{FulfillmentStatus as F, OrderStatus as S, PaymentStatus as P};
        use domain::FulfillmentStatus as UF;
        let payments = [
            (P::Unspecified, domain::PaymentStatus::Unknown),
            (P::NotPaid, domain::PaymentStatus::Pending),
            (P::Pending, domain::PaymentStatus::Pending),
            (P::Paid, domain::PaymentStatus::Paid),
            (P::PartiallyPaid, domain::PaymentStatus::PartiallyPaid),
            (P::PartiallyRefunded, domain::PaymentStatus::PartiallyRefunded),
            (P::FullyRefunded, domain::PaymentStatus::Refunded),
            (P::Other("DECLINED".into()), domain::PaymentStatus::Unknown),
        ];
        let fulfillments = [
            (F::NotFulfilled, UF::Unfulfilled),
            (F::PartiallyFulfilled, UF::PartiallyFulfilled),
            (F::Fulfilled, UF::Fulfilled),
            (F::Other("CANCELED".into()), UF::Unknown),
        ];
        for (payment, unified_payment) in &payments {
            assert_eq!(payment_axis(Some(payment)), *unified_payment, "{payment:?}");
            for (fulfillment, unified_fulfillment) in &fulfillments {
                let approved = if *payment == P::FullyRefunded {
                    domain::OrderStatus::Refunded
                } else {
                    match fulfillment {
                        F::Fulfilled => domain::OrderStatus::Shipped,
                        F::PartiallyFulfilled => domain::OrderStatus::PartiallyShipped,
                        _ => domain::OrderStatus::Confirmed,
                    }
                };
                // A cancelled order with nothing fulfilled: fulfilment CANCELLED.
                let cancelled =
                    if *fulfillment == F::NotFulfilled { UF::Cancelled } else { *unified_fulfillment };
                let cases = [
                    (S::Initialized, domain::OrderStatus::Pending, *unified_fulfillment),
                    (S::Approved, approved, *unified_fulfillment),
                    (S::Canceled, domain::OrderStatus::Cancelled, cancelled),
                    (S::Other("REJECTED".into()), domain::OrderStatus::Unknown, *unified_fulfillment),
                ];
                for (order_status, expected, expected_fulfillment) in cases {
                    let unified = Status::new(
                        order_axis(Some(&order_status), Some(payment), Some(fulfillment)),
                        payment_axis(Some(payment)),
                        fulfillment_axis(Some(&order_status), Some(fulfillment)),
                        format!("{order_status:?}/{payment:?}/{fulfillment:?}"),
                    );
                    assert_eq!(
                        (unified.order, unified.payment, unified.fulfillment),
                        (expected, *unified_payment, expected_fulfillment),
                        "{order_status:?} {payment:?} {fulfillment:?}"
                    );
                    // An INITIALIZED order (not yet approved) with something fulfilled, paid or refunded is not
                    // a state Wix documents; the rest follow the rule.
                    let unpaid = matches!(payment, P::NotPaid | P::Pending | P::Unspecified);
                    if order_status != S::Initialized || (*fulfillment == F::NotFulfilled && unpaid) {
                        assert_eq!(unified.axis_rule_violation(), None, "{}", unified.native);
                    }
                }
            }
        }
        assert_eq!(payment_axis(None), domain::PaymentStatus::Unknown);
        assert_eq!(fulfillment_axis(None, None), UF::Unknown);
        assert_eq!(fulfillment_axis(Some(&S::Canceled), None), UF::Unknown, "absent: not known");
        assert_eq!(order_axis(None, None, None), domain::OrderStatus::Unknown);
        assert_eq!(order_axis(Some(&S::Approved), None, None), domain::OrderStatus::Confirmed);
    }

    // Native strings parse into the wire enums and back unchanged, unknown ones included.
    #[test]
    fn native_spellings_round_trip() {
        for text in ["INITIALIZED", "APPROVED", "CANCELED", "PENDING_REVIEW"] {
            assert_eq!(order_status_native(&OrderStatus::from(text.to_string())), text);
        }
        for (text, _) in PAYMENT_TABLE {
            assert_eq!(payment_status_native(&PaymentStatus::from(text.to_string())), text);
        }
        for (text, _) in FULFILLMENT_TABLE {
            assert_eq!(fulfillment_status_native(&FulfillmentStatus::from(text.to_string())), text);
        }
        assert_eq!(payment_status_native(&PaymentStatus::from("DECLINED".to_string())), "DECLINED");
    }
}
