//! VesuvioPay's status vocabulary: parsing (case-insensitive), the unified three-axis mapping, and the
//! documented transition table.

use crate::domain::{FulfillmentStatus, OrderStatus, PaymentStatus, Status, api_list};

/// One of the nine documented order statuses, or a value the docs do not list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum NativeStatus {
    /// Order placed, awaiting confirmation.
    Pending,
    /// Payment confirmed.
    Confirmed,
    /// Order being prepared.
    Processing,
    /// Order shipped to customer.
    Shipped,
    /// Some items shipped.
    PartiallyShipped,
    /// Order delivered.
    Delivered,
    /// Some items delivered.
    PartiallyDelivered,
    /// Order cancelled.
    Cancelled,
    /// Order refunded.
    Refunded,
    /// An undocumented value, as sent.
    Other(String),
}

/// Every documented status, in the guide's order.
pub(super) const DOCUMENTED: [NativeStatus; 9] = [
    NativeStatus::Pending,
    NativeStatus::Confirmed,
    NativeStatus::Processing,
    NativeStatus::Shipped,
    NativeStatus::PartiallyShipped,
    NativeStatus::Delivered,
    NativeStatus::PartiallyDelivered,
    NativeStatus::Cancelled,
    NativeStatus::Refunded,
];

impl NativeStatus {
    /// Parses a status case-insensitively (`Shipped`, `shipped`, `SHIPPED`; also `partially_shipped`).
    pub(super) fn parse(text: &str) -> Self {
        let folded: String =
            text.trim().chars().filter(|c| *c != '_' && *c != '-' && *c != ' ').collect::<String>();
        DOCUMENTED
            .iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(&folded))
            .cloned()
            .unwrap_or_else(|| NativeStatus::Other(text.to_string()))
    }

    /// The PascalCase wire value (`PartiallyShipped`); an undocumented value as sent.
    pub(super) fn as_str(&self) -> &str {
        match self {
            NativeStatus::Pending => "Pending",
            NativeStatus::Confirmed => "Confirmed",
            NativeStatus::Processing => "Processing",
            NativeStatus::Shipped => "Shipped",
            NativeStatus::PartiallyShipped => "PartiallyShipped",
            NativeStatus::Delivered => "Delivered",
            NativeStatus::PartiallyDelivered => "PartiallyDelivered",
            NativeStatus::Cancelled => "Cancelled",
            NativeStatus::Refunded => "Refunded",
            NativeStatus::Other(text) => text,
        }
    }

    /// The native status for a unified order status: the nine map 1:1; `RETURNED`, `CLOSED` and `UNKNOWN`
    /// have no VesuvioPay value.
    pub(super) fn from_unified(status: OrderStatus) -> Option<Self> {
        DOCUMENTED.into_iter().find(|s| s.axes().0 == status)
    }

    /// The three unified axes. VesuvioPay has one status; payment and fulfilment are derived from it.
    pub(super) fn axes(&self) -> (OrderStatus, PaymentStatus, FulfillmentStatus) {
        use FulfillmentStatus as F;
        use OrderStatus as O;
        use PaymentStatus as P;
        match self {
            NativeStatus::Pending => (O::Pending, P::Pending, F::Unfulfilled),
            NativeStatus::Confirmed => (O::Confirmed, P::Paid, F::Unfulfilled),
            NativeStatus::Processing => (O::Processing, P::Paid, F::Unfulfilled),
            NativeStatus::Shipped => (O::Shipped, P::Paid, F::Fulfilled),
            NativeStatus::PartiallyShipped => (O::PartiallyShipped, P::Paid, F::PartiallyFulfilled),
            NativeStatus::Delivered => (O::Delivered, P::Paid, F::Fulfilled),
            // Reached only from Shipped: everything left the warehouse, some of it arrived.
            NativeStatus::PartiallyDelivered => (O::PartiallyDelivered, P::Paid, F::Fulfilled),
            // The order records no refund on cancel (only the cancel answer's refundId does): the payment is
            // void as far as the order says.
            NativeStatus::Cancelled => (O::Cancelled, P::Voided, F::Cancelled),
            // Refunded is reachable from any status, so whether goods went out is not known.
            NativeStatus::Refunded => (O::Refunded, P::Refunded, F::Unknown),
            NativeStatus::Other(_) => (O::Unknown, P::Unknown, F::Unknown),
        }
    }

    /// The unified status, keeping the value as sent in `native`.
    pub(super) fn to_status(&self, sent: &str) -> Status {
        let (order, payment, fulfillment) = self.axes();
        Status::new(order, payment, fulfillment, sent)
    }

    /// Whether the documented transition table allows `self → to`; `None` when `self` is undocumented (the
    /// backend decides).
    ///
    /// - Pending → Confirmed, Cancelled
    /// - Confirmed → Processing, Cancelled
    /// - Processing → Shipped, PartiallyShipped, Cancelled
    /// - Shipped → Delivered, PartiallyDelivered
    /// - any status → Cancelled, Refunded
    pub(super) fn allows(&self, to: &NativeStatus) -> Option<bool> {
        use NativeStatus as S;
        if matches!(self, S::Other(_)) {
            return None;
        }
        Some(matches!(
            (self, to),
            (_, S::Cancelled | S::Refunded)
                | (S::Pending, S::Confirmed)
                | (S::Confirmed, S::Processing)
                | (S::Processing, S::Shipped | S::PartiallyShipped)
                | (S::Shipped, S::Delivered | S::PartiallyDelivered)
        ))
    }
}

/// Why the documented transition table refuses `from → to`, in the API's words (the unified statuses it
/// allows from there); `None` when it allows it, or when `from` is undocumented (VesuvioPay decides).
pub(super) fn refusal(from: &NativeStatus, to: &NativeStatus) -> Option<String> {
    if from.allows(to) != Some(false) {
        return None;
    }
    let targets: Vec<OrderStatus> =
        DOCUMENTED.iter().filter(|t| from.allows(t) == Some(true)).map(|t| t.axes().0).collect();
    Some(format!(
        "VesuvioPay's documented transitions lead from {:?} only to {}",
        from.as_str(),
        api_list(&targets)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use FulfillmentStatus as F;
    use OrderStatus as O;
    use PaymentStatus as P;

    // The status mapping table, every documented value (PascalCase as in payloads), each following the axis rule.
    #[test]
    fn mapping_table() {
        let table = [
            ("Pending", O::Pending, P::Pending, F::Unfulfilled),
            ("Confirmed", O::Confirmed, P::Paid, F::Unfulfilled),
            ("Processing", O::Processing, P::Paid, F::Unfulfilled),
            ("Shipped", O::Shipped, P::Paid, F::Fulfilled),
            ("PartiallyShipped", O::PartiallyShipped, P::Paid, F::PartiallyFulfilled),
            ("Delivered", O::Delivered, P::Paid, F::Fulfilled),
            ("PartiallyDelivered", O::PartiallyDelivered, P::Paid, F::Fulfilled),
            ("Cancelled", O::Cancelled, P::Voided, F::Cancelled),
            ("Refunded", O::Refunded, P::Refunded, F::Unknown),
        ];
        assert_eq!(table.len(), DOCUMENTED.len());
        for (native, order, payment, fulfillment) in table {
            let status = NativeStatus::parse(native);
            assert_eq!(status.as_str(), native);
            let unified = status.to_status(native);
            assert_eq!((unified.order, unified.payment, unified.fulfillment), (order, payment, fulfillment));
            assert_eq!(unified.native, native);
            assert_eq!(unified.axis_rule_violation(), None, "{native}");
            assert_eq!(NativeStatus::from_unified(order), Some(status));
        }
        assert_eq!(NativeStatus::parse("OnHold").to_status("OnHold").axis_rule_violation(), None);
    }

    // Lowercase, uppercase and snake_case spellings parse to the same status; the native text is kept.
    #[test]
    fn parses_case_insensitively() {
        assert_eq!(NativeStatus::parse("pending"), NativeStatus::Pending);
        assert_eq!(NativeStatus::parse("PARTIALLY_SHIPPED"), NativeStatus::PartiallyShipped);
        assert_eq!(NativeStatus::parse("partiallyDelivered"), NativeStatus::PartiallyDelivered);
        assert_eq!(NativeStatus::parse("confirmed").to_status("confirmed").native, "confirmed");
    }

    // An undocumented value is UNKNOWN on every axis and keeps its text.
    #[test]
    fn unknown_values_are_kept() {
        let status = NativeStatus::parse("OnHold");
        assert_eq!(status, NativeStatus::Other("OnHold".into()));
        let unified = status.to_status("OnHold");
        assert_eq!(
            (unified.order, unified.payment, unified.fulfillment),
            (O::Unknown, P::Unknown, F::Unknown)
        );
        assert_eq!(unified.native, "OnHold");
    }

    // Unified statuses without a VesuvioPay value have no native equivalent.
    #[test]
    fn unified_without_native() {
        for status in [O::Returned, O::Closed, O::Unknown] {
            assert_eq!(NativeStatus::from_unified(status), None);
        }
    }

    // The documented transition table, every pair.
    #[test]
    fn transition_table() {
        use NativeStatus as S;
        let allowed: &[(S, &[S])] = &[
            (S::Pending, &[S::Confirmed, S::Cancelled, S::Refunded]),
            (S::Confirmed, &[S::Processing, S::Cancelled, S::Refunded]),
            (S::Processing, &[S::Shipped, S::PartiallyShipped, S::Cancelled, S::Refunded]),
            (S::Shipped, &[S::Delivered, S::PartiallyDelivered, S::Cancelled, S::Refunded]),
            (S::PartiallyShipped, &[S::Cancelled, S::Refunded]),
            (S::Delivered, &[S::Cancelled, S::Refunded]),
            (S::PartiallyDelivered, &[S::Cancelled, S::Refunded]),
            (S::Cancelled, &[S::Cancelled, S::Refunded]),
            (S::Refunded, &[S::Cancelled, S::Refunded]),
        ];
        for (from, targets) in allowed {
            for to in DOCUMENTED.iter() {
                assert_eq!(from.allows(to), Some(targets.contains(to)), "{from:?} -> {to:?}");
            }
        }
        assert_eq!(S::Other("X".into()).allows(&S::Shipped), None);
        assert_eq!(
            refusal(&S::Delivered, &S::Pending).as_deref(),
            Some("VesuvioPay's documented transitions lead from \"Delivered\" only to CANCELLED, REFUNDED")
        );
        assert_eq!(refusal(&S::Shipped, &S::Delivered), None);
        assert_eq!(refusal(&S::Other("X".into()), &S::Pending), None);
    }
}
