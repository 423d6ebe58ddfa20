//! The unified status: three axes (order, payment, fulfilment) plus the backend's own value, and the rule
//! that ties the axes together (README "Status axes"), which every adapter's table follows.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where the order stands overall.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    /// Placed, not yet confirmed (awaiting payment or approval).
    Pending,
    /// Confirmed (paid or approved), not yet being prepared.
    Confirmed,
    /// Being prepared for shipping.
    Processing,
    /// Handed to the carrier.
    Shipped,
    /// Some items handed to the carrier.
    PartiallyShipped,
    /// Delivered to the customer.
    Delivered,
    /// Some items delivered.
    PartiallyDelivered,
    /// Cancelled.
    Cancelled,
    /// Refunded in full.
    Refunded,
    /// Returned by the customer.
    Returned,
    /// Closed or archived after completion.
    Closed,
    /// The backend's value has no unified equivalent (see `native`).
    Unknown,
}

/// Where the money stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentStatus {
    /// Not paid yet.
    Pending,
    /// Authorised, not captured.
    Authorized,
    /// Paid in full.
    Paid,
    /// Paid in part.
    PartiallyPaid,
    /// Refunded in part.
    PartiallyRefunded,
    /// Refunded in full.
    Refunded,
    /// The payment failed or was rejected.
    Failed,
    /// The payment was voided or cancelled before capture.
    Voided,
    /// Not known from the backend's value.
    Unknown,
}

/// Where the goods stand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FulfillmentStatus {
    /// Nothing shipped yet.
    Unfulfilled,
    /// Some items shipped.
    PartiallyFulfilled,
    /// Everything shipped (or delivered).
    Fulfilled,
    /// Goods came back.
    Returned,
    /// Fulfilment was cancelled.
    Cancelled,
    /// Not known from the backend's value.
    Unknown,
}

/// The API's spelling of each value (the GraphQL enum's, e.g. `PARTIALLY_SHIPPED`), for messages.
macro_rules! api_names {
    ($name:ident { $($value:ident => $text:literal,)* }) => {
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$value,)*];

            /// The value as the API spells it (`PARTIALLY_SHIPPED`), never the Rust name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$value => $text,)*
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

api_names!(OrderStatus {
    Pending => "PENDING",
    Confirmed => "CONFIRMED",
    Processing => "PROCESSING",
    Shipped => "SHIPPED",
    PartiallyShipped => "PARTIALLY_SHIPPED",
    Delivered => "DELIVERED",
    PartiallyDelivered => "PARTIALLY_DELIVERED",
    Cancelled => "CANCELLED",
    Refunded => "REFUNDED",
    Returned => "RETURNED",
    Closed => "CLOSED",
    Unknown => "UNKNOWN",
});

api_names!(PaymentStatus {
    Pending => "PENDING",
    Authorized => "AUTHORIZED",
    Paid => "PAID",
    PartiallyPaid => "PARTIALLY_PAID",
    PartiallyRefunded => "PARTIALLY_REFUNDED",
    Refunded => "REFUNDED",
    Failed => "FAILED",
    Voided => "VOIDED",
    Unknown => "UNKNOWN",
});

api_names!(FulfillmentStatus {
    Unfulfilled => "UNFULFILLED",
    PartiallyFulfilled => "PARTIALLY_FULFILLED",
    Fulfilled => "FULFILLED",
    Returned => "RETURNED",
    Cancelled => "CANCELLED",
    Unknown => "UNKNOWN",
});

/// A list of values as the API spells them: `PROCESSING, SHIPPED`.
pub fn api_list<T: fmt::Display>(values: &[T]) -> String {
    values.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// An order's status on the three unified axes, with the backend's own value kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// Overall order status.
    pub order: OrderStatus,
    /// Payment status.
    pub payment: PaymentStatus,
    /// Fulfilment status.
    pub fulfillment: FulfillmentStatus,
    /// The backend's own value(s), e.g. `ready-for-handling`, `3`, `paid/in_process`.
    pub native: String,
    /// The backend's human label, where it has one.
    pub label: Option<String>,
}

impl Status {
    /// A status from its three axes and the native value, without a label.
    pub fn new(
        order: OrderStatus,
        payment: PaymentStatus,
        fulfillment: FulfillmentStatus,
        native: impl Into<String>,
    ) -> Self {
        Status { order, payment, fulfillment, native: native.into(), label: None }
    }

    /// The same status with a human label.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// How these axes break the rule that ties them together, if they do (every adapter's status table is
    /// checked against it; README "Status axes"):
    /// - fulfilment follows the order: PENDING, CONFIRMED and PROCESSING have nothing shipped (UNFULFILLED);
    ///   PARTIALLY_SHIPPED is PARTIALLY_FULFILLED; SHIPPED and DELIVERED are FULFILLED; PARTIALLY_DELIVERED is
    ///   FULFILLED or PARTIALLY_FULFILLED (what shipped); RETURNED is RETURNED; CANCELLED is CANCELLED unless
    ///   the backend records goods shipped before the cancellation (then FULFILLED or PARTIALLY_FULFILLED);
    ///   REFUNDED, CLOSED and UNKNOWN say nothing about the goods, so their fulfilment is what the backend says;
    ///   UNKNOWN fulfilment is allowed with any order status whose backend value does not say.
    /// - fulfilment CANCELLED only for a CANCELLED order; fulfilment RETURNED only for a RETURNED order (or one
    ///   whose order status says nothing about the goods: REFUNDED, CLOSED, UNKNOWN).
    /// - the order is REFUNDED only when the payment is REFUNDED; a REFUNDED payment makes the order REFUNDED
    ///   unless it is CANCELLED or RETURNED (which say more) or the backend's order status is not known.
    pub fn axis_rule_violation(&self) -> Option<String> {
        use FulfillmentStatus as F;
        use OrderStatus as O;
        let allowed: &[F] = match self.order {
            O::Pending | O::Confirmed | O::Processing => &[F::Unfulfilled, F::Unknown],
            O::PartiallyShipped => &[F::PartiallyFulfilled, F::Unknown],
            O::Shipped | O::Delivered => &[F::Fulfilled, F::Unknown],
            O::PartiallyDelivered => &[F::Fulfilled, F::PartiallyFulfilled, F::Unknown],
            O::Returned => &[F::Returned, F::Unknown],
            O::Cancelled => &[F::Cancelled, F::PartiallyFulfilled, F::Fulfilled, F::Unknown],
            O::Refunded | O::Closed | O::Unknown => {
                &[F::Unfulfilled, F::PartiallyFulfilled, F::Fulfilled, F::Returned, F::Unknown]
            }
        };
        if !allowed.contains(&self.fulfillment) {
            return Some(format!(
                "order {} with fulfilment {} (allowed: {})",
                self.order,
                self.fulfillment,
                api_list(allowed)
            ));
        }
        let refunded = self.payment == PaymentStatus::Refunded;
        match self.order {
            O::Refunded if !refunded => Some(format!("order REFUNDED with payment {}", self.payment)),
            O::Refunded | O::Cancelled | O::Returned | O::Unknown => None,
            _ if refunded => Some(format!("payment REFUNDED with order {}", self.order)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The API names are the GraphQL enum values (SCREAMING_SNAKE_CASE, as serde spells them too).
    #[test]
    fn api_names_match_serde() {
        for status in OrderStatus::ALL {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        for status in PaymentStatus::ALL {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        for status in FulfillmentStatus::ALL {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        assert_eq!(OrderStatus::PartiallyShipped.to_string(), "PARTIALLY_SHIPPED");
        assert_eq!(api_list(&[OrderStatus::Processing, OrderStatus::Shipped]), "PROCESSING, SHIPPED");
    }

    // The rule: what each order status allows on the fulfilment axis, and REFUNDED with the payment.
    #[test]
    fn axis_rule() {
        use FulfillmentStatus as F;
        use OrderStatus as O;
        use PaymentStatus as P;
        let check = |o, p, f| Status::new(o, p, f, "x").axis_rule_violation();
        assert_eq!(check(O::Cancelled, P::Voided, F::Cancelled), None);
        assert_eq!(check(O::Cancelled, P::Refunded, F::Fulfilled), None, "shipped, then cancelled");
        assert!(check(O::Cancelled, P::Voided, F::Unfulfilled).is_some(), "a cancelled order ships nothing");
        assert!(check(O::Returned, P::Paid, F::Fulfilled).is_some());
        assert_eq!(check(O::Returned, P::Refunded, F::Returned), None);
        assert!(check(O::Shipped, P::Paid, F::Unfulfilled).is_some());
        assert!(check(O::Confirmed, P::Paid, F::Cancelled).is_some());
        assert!(
            check(O::Refunded, P::Refunded, F::Cancelled).is_some(),
            "CANCELLED only for a cancelled order"
        );
        assert_eq!(check(O::Refunded, P::Refunded, F::Unfulfilled), None);
        assert!(check(O::Refunded, P::Paid, F::Unfulfilled).is_some());
        assert!(check(O::Shipped, P::Refunded, F::Fulfilled).is_some());
        assert_eq!(check(O::Unknown, P::Unknown, F::Unknown), None);
        assert_eq!(check(O::Delivered, P::Paid, F::Fulfilled), None);
        assert_eq!(check(O::PartiallyDelivered, P::Paid, F::Fulfilled), None);
    }
}
