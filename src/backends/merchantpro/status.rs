//! MerchantPro's two status fields (`payment_status` × `shipping_status`) on the unified axes, and the reverse
//! direction used to push status filters down (unified value → the native values that produce it).
//!
//! The table itself is in the module doc of [`super`] (it goes into the README).

use crate::domain::{FulfillmentStatus, OrderStatus, PaymentStatus, Status};

use super::wire::{PaymentStatusValue as P, ShippingStatusValue as S};

/// The payment axis of a `payment_status` value.
pub(super) fn payment_axis(payment: Option<&P>) -> PaymentStatus {
    match payment {
        Some(P::Temporary | P::Awaiting) => PaymentStatus::Pending,
        Some(P::Paid) => PaymentStatus::Paid,
        Some(P::Failed | P::Rejected) => PaymentStatus::Failed,
        Some(P::Canceled | P::Cancelled) => PaymentStatus::Voided,
        Some(P::Refunded) => PaymentStatus::Refunded,
        Some(P::Other(_)) | None => PaymentStatus::Unknown,
    }
}

/// The fulfilment axis: the `shipping_status`, except that an order the order axis calls CANCELLED with
/// nothing shipped (a cancelled payment while shipping is `awaiting` or `confirmed`) is CANCELLED too.
pub(super) fn fulfillment_axis(payment: Option<&P>, shipping: Option<&S>) -> FulfillmentStatus {
    match (payment, shipping) {
        (Some(P::Canceled | P::Cancelled), Some(S::Awaiting | S::Confirmed)) => FulfillmentStatus::Cancelled,
        (_, Some(S::Awaiting | S::Confirmed | S::InProcess)) => FulfillmentStatus::Unfulfilled,
        (_, Some(S::Shipped | S::Delivered)) => FulfillmentStatus::Fulfilled,
        (_, Some(S::Returned)) => FulfillmentStatus::Returned,
        (_, Some(S::Cancelled)) => FulfillmentStatus::Cancelled,
        (_, Some(S::Other(_)) | None) => FulfillmentStatus::Unknown,
    }
}

/// The order axis: the shipping status decides, except that a cancelled or refunded payment wins over a
/// not-yet-shipped order, and a refund wins over shipped/delivered (the money went back).
pub(super) fn order_axis(payment: Option<&P>, shipping: Option<&S>) -> OrderStatus {
    match (payment, shipping) {
        (_, Some(S::Cancelled)) => OrderStatus::Cancelled,
        (_, Some(S::Returned)) => OrderStatus::Returned,
        (Some(P::Refunded), _) => OrderStatus::Refunded,
        (_, Some(S::Delivered)) => OrderStatus::Delivered,
        (_, Some(S::Shipped)) => OrderStatus::Shipped,
        (_, Some(S::InProcess)) => OrderStatus::Processing,
        (Some(P::Canceled | P::Cancelled), Some(S::Awaiting | S::Confirmed)) => OrderStatus::Cancelled,
        (_, Some(S::Confirmed)) => OrderStatus::Confirmed,
        (Some(P::Paid), Some(S::Awaiting)) => OrderStatus::Confirmed,
        (Some(P::Temporary | P::Awaiting | P::Failed | P::Rejected), Some(S::Awaiting)) => {
            OrderStatus::Pending
        }
        _ => OrderStatus::Unknown,
    }
}

/// The unified status of an order: three axes, `native` as `payment/shipping` (e.g. `paid/in_process`), and
/// the label from the `*_text` fields (`Plata in asteptare / Comanda in asteptare`).
pub(super) fn status(
    payment: Option<&P>,
    shipping: Option<&S>,
    payment_text: Option<&str>,
    shipping_text: Option<&str>,
) -> Status {
    let native = format!(
        "{}/{}",
        payment.map(P::as_str).unwrap_or_default(),
        shipping.map(S::as_str).unwrap_or_default()
    );
    let status = Status::new(
        order_axis(payment, shipping),
        payment_axis(payment),
        fulfillment_axis(payment, shipping),
        native,
    );
    let texts: Vec<&str> = [payment_text, shipping_text]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    if texts.is_empty() { status } else { status.with_label(texts.join(" / ")) }
}

/// The native `payment_status` values whose payment axis is `wanted` (empty when none produces it).
/// `Unknown` is produced by undocumented values, which cannot be named: callers must not push it down.
pub(super) fn native_payment_values(wanted: PaymentStatus) -> &'static [&'static str] {
    match wanted {
        PaymentStatus::Pending => &["temporary", "awaiting"],
        PaymentStatus::Paid => &["paid"],
        PaymentStatus::Failed => &["failed", "rejected"],
        PaymentStatus::Voided => &["canceled", "cancelled"],
        PaymentStatus::Refunded => &["refunded"],
        PaymentStatus::Authorized
        | PaymentStatus::PartiallyPaid
        | PaymentStatus::PartiallyRefunded
        | PaymentStatus::Unknown => &[],
    }
}

/// The native `shipping_status` values an order with fulfilment `wanted` can have (empty when none produces
/// it), and whether that value alone decides (`false` when the payment status matters too: `awaiting` and
/// `confirmed` are CANCELLED with a cancelled payment, UNFULFILLED otherwise).
pub(super) fn native_shipping_values(wanted: FulfillmentStatus) -> (&'static [&'static str], bool) {
    match wanted {
        FulfillmentStatus::Unfulfilled => (&["awaiting", "confirmed", "in_process"], false),
        FulfillmentStatus::Fulfilled => (&["shipped", "delivered"], true),
        FulfillmentStatus::Returned => (&["returned"], true),
        FulfillmentStatus::Cancelled => (&["awaiting", "confirmed", "cancelled"], false),
        FulfillmentStatus::PartiallyFulfilled | FulfillmentStatus::Unknown => (&[], true),
    }
}

/// The native `shipping_status` values every order with order status `wanted` has (a superset filter), when
/// that is a single value; used to narrow a status filter the engine still applies.
pub(super) fn shipping_superset_of(wanted: OrderStatus) -> Option<&'static str> {
    match wanted {
        // Pending needs shipping "awaiting"; Processing "in_process"; Shipped "shipped"; Delivered "delivered";
        // Returned "returned" (see `order_axis`).
        OrderStatus::Pending => Some("awaiting"),
        OrderStatus::Processing => Some("in_process"),
        OrderStatus::Shipped => Some("shipped"),
        OrderStatus::Delivered => Some("delivered"),
        OrderStatus::Returned => Some("returned"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> P {
        P::from(s.to_string())
    }
    fn s(v: &str) -> S {
        S::from(v.to_string())
    }

    /// The order axis for every documented (payment, shipping) pair: rows are shipping values, columns the
    /// payment values in `P::DOCUMENTED` order (temporary, awaiting, paid, failed, canceled, cancelled,
    /// refunded, rejected).
    const ORDER_TABLE: [(&str, [OrderStatus; 8]); 7] = {
        use OrderStatus::*;
        [
            ("awaiting", [Pending, Pending, Confirmed, Pending, Cancelled, Cancelled, Refunded, Pending]),
            (
                "confirmed",
                [Confirmed, Confirmed, Confirmed, Confirmed, Cancelled, Cancelled, Refunded, Confirmed],
            ),
            (
                "in_process",
                [
                    Processing, Processing, Processing, Processing, Processing, Processing, Refunded,
                    Processing,
                ],
            ),
            ("shipped", [Shipped, Shipped, Shipped, Shipped, Shipped, Shipped, Refunded, Shipped]),
            (
                "delivered",
                [Delivered, Delivered, Delivered, Delivered, Delivered, Delivered, Refunded, Delivered],
            ),
            ("returned", [Returned; 8]),
            ("cancelled", [Cancelled; 8]),
        ]
    };

    /// The fulfilment axis for every documented pair, laid out like [`ORDER_TABLE`]: the shipping status, but
    /// CANCELLED where the order is cancelled with nothing shipped.
    const FULFILLMENT_TABLE: [(&str, [FulfillmentStatus; 8]); 7] = {
        use FulfillmentStatus::*;
        [
            (
                "awaiting",
                [
                    Unfulfilled,
                    Unfulfilled,
                    Unfulfilled,
                    Unfulfilled,
                    Cancelled,
                    Cancelled,
                    Unfulfilled,
                    Unfulfilled,
                ],
            ),
            (
                "confirmed",
                [
                    Unfulfilled,
                    Unfulfilled,
                    Unfulfilled,
                    Unfulfilled,
                    Cancelled,
                    Cancelled,
                    Unfulfilled,
                    Unfulfilled,
                ],
            ),
            ("in_process", [Unfulfilled; 8]),
            ("shipped", [Fulfilled; 8]),
            ("delivered", [Fulfilled; 8]),
            ("returned", [Returned; 8]),
            ("cancelled", [Cancelled; 8]),
        ]
    };

    // Every documented pair maps as the table in the module doc says, on all three axes, with its native value,
    // and follows the axis rule.
    #[test]
    fn status_table_covers_every_documented_value() {
        let payment_axis_expected = [
            PaymentStatus::Pending,
            PaymentStatus::Pending,
            PaymentStatus::Paid,
            PaymentStatus::Failed,
            PaymentStatus::Voided,
            PaymentStatus::Voided,
            PaymentStatus::Refunded,
            PaymentStatus::Failed,
        ];
        assert_eq!(ORDER_TABLE.len(), S::DOCUMENTED.len());
        assert_eq!(FULFILLMENT_TABLE.len(), S::DOCUMENTED.len());
        for (row, (shipping, orders)) in ORDER_TABLE.iter().enumerate() {
            assert_eq!(*shipping, S::DOCUMENTED[row]);
            assert_eq!(FULFILLMENT_TABLE[row].0, *shipping);
            for (col, payment) in P::DOCUMENTED.iter().enumerate() {
                let st = status(Some(&p(payment)), Some(&s(shipping)), None, None);
                assert_eq!(st.order, orders[col], "{payment}/{shipping}");
                assert_eq!(st.payment, payment_axis_expected[col], "{payment}");
                assert_eq!(st.fulfillment, FULFILLMENT_TABLE[row].1[col], "{payment}/{shipping}");
                assert_eq!(st.native, format!("{payment}/{shipping}"));
                assert_eq!(st.axis_rule_violation(), None, "{payment}/{shipping}");
                assert!(!matches!(p(payment), P::Other(_)) && !matches!(s(shipping), S::Other(_)));
            }
        }
    }

    // Undocumented or missing values are UNKNOWN on their axis and keep the raw value in `native`.
    #[test]
    fn unknown_values_are_kept() {
        let st = status(Some(&p("on_hold")), Some(&s("temporary")), None, None);
        assert_eq!(st.payment, PaymentStatus::Unknown);
        assert_eq!(st.fulfillment, FulfillmentStatus::Unknown);
        assert_eq!(st.order, OrderStatus::Unknown);
        assert_eq!(st.native, "on_hold/temporary");
        let st = status(None, Some(&s("shipped")), None, Some("Expediata"));
        assert_eq!((st.order, st.payment), (OrderStatus::Shipped, PaymentStatus::Unknown));
        assert_eq!(st.native, "/shipped");
        assert_eq!(st.label.as_deref(), Some("Expediata"));
        let st = status(Some(&p("paid")), Some(&s("on_hold")), None, None);
        assert_eq!(st.order, OrderStatus::Unknown);
    }

    // The label joins both texts; blank texts are left out.
    #[test]
    fn label_from_texts() {
        let st = status(
            Some(&p("awaiting")),
            Some(&s("awaiting")),
            Some("Plata in asteptare"),
            Some("Comanda in asteptare"),
        );
        assert_eq!(st.label.as_deref(), Some("Plata in asteptare / Comanda in asteptare"));
        let st = status(Some(&p("awaiting")), Some(&s("awaiting")), Some(" "), None);
        assert_eq!(st.label, None);
    }

    // The reverse maps are exactly the inverse of the forward axes over the documented values.
    #[test]
    fn reverse_maps_invert_the_axes() {
        use PaymentStatus as PS;
        for wanted in [
            PS::Pending,
            PS::Authorized,
            PS::Paid,
            PS::PartiallyPaid,
            PS::PartiallyRefunded,
            PS::Refunded,
            PS::Failed,
            PS::Voided,
        ] {
            let expected: Vec<&str> =
                P::DOCUMENTED.iter().copied().filter(|v| payment_axis(Some(&p(v))) == wanted).collect();
            assert_eq!(native_payment_values(wanted), expected.as_slice(), "{wanted:?}");
        }
        use FulfillmentStatus as FS;
        for wanted in [FS::Unfulfilled, FS::PartiallyFulfilled, FS::Fulfilled, FS::Returned, FS::Cancelled] {
            // The shipping values some payment gives `wanted` with, and whether every payment does.
            let with = |v: &str| {
                P::DOCUMENTED
                    .iter()
                    .filter(|pay| fulfillment_axis(Some(&p(pay)), Some(&s(v))) == wanted)
                    .count()
            };
            let expected: Vec<&str> = S::DOCUMENTED.iter().copied().filter(|v| with(v) > 0).collect();
            let decides = expected.iter().all(|v| with(v) == P::DOCUMENTED.len());
            assert_eq!(native_shipping_values(wanted), (expected.as_slice(), decides), "{wanted:?}");
        }
    }

    // A status superset really contains every documented pair with that order status.
    #[test]
    fn shipping_superset_is_a_superset() {
        for (shipping, orders) in ORDER_TABLE {
            for wanted in orders {
                if let Some(superset) = shipping_superset_of(wanted) {
                    assert_eq!(superset, shipping, "{wanted:?}");
                }
            }
        }
    }
}
