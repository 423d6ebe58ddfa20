//! VTEX's single workflow `status` (payment and fulfilment folded into one string) on the three unified
//! axes, refined for invoiced orders by how far their goods have arrived, and which unified filters the list's
//! `f_status` (or `f_invoicedDate`) can select.

use crate::domain::{
    FulfillmentStatus as F, OrderFilter, OrderStatus as O, PaymentStatus as P, Status, Transition,
};

/// Every documented API status value (help centre table and the list filter doc) on the three axes.
/// `null` (an incomplete order) is handled by [`status_of`]; undocumented values map to `UNKNOWN` ×3. The
/// order axis of the [`INVOICED`] values is refined by [`Delivery`].
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

/// The statuses of fully invoiced orders: everything shipped (VTEX has no shipped status; an order ships by
/// its invoice), and how much arrived is told by the packages' courier status ([`Delivery`]), not the status.
pub const INVOICED: &[&str] = &["invoiced", "invoice-after-cancellation-deny"];

/// Statuses VTEX marks transient (`*` in its status table): an order in one cannot be modified or cancelled.
const TRANSIENT: &[&str] = &["order-created", "cancel", "start-handling", "invoice"];

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

/// How far an invoiced order's goods have arrived: from the full order's outbound packages
/// (`packageAttachment.packages[].courierStatus.finished`, set by the tracking update with `isDelivered`), or
/// from a list row's `isAllDelivered` / `isAnyDelivered`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Nothing delivered yet: SHIPPED.
    Nothing,
    /// Some outbound packages delivered: PARTIALLY_DELIVERED.
    Some,
    /// Every outbound package delivered: DELIVERED.
    All,
}

impl Delivery {
    /// Every value.
    pub const ALL: [Delivery; 3] = [Delivery::Nothing, Delivery::Some, Delivery::All];

    /// From the outbound packages' `courierStatus.finished` flags.
    pub fn of_packages(finished: impl IntoIterator<Item = bool>) -> Delivery {
        let (mut any, mut all, mut count) = (false, true, 0);
        for done in finished {
            count += 1;
            any |= done;
            all &= done;
        }
        match (count, any, all) {
            (0, ..) | (_, false, _) => Delivery::Nothing,
            (_, true, true) => Delivery::All,
            (_, true, false) => Delivery::Some,
        }
    }

    /// From a list row's `isAllDelivered` and `isAnyDelivered`; `None` when they do not say (absent).
    pub fn of_row_flags(all: Option<bool>, any: Option<bool>) -> Option<Delivery> {
        match (all, any) {
            (Some(true), _) => Some(Delivery::All),
            (_, Some(true)) => Some(Delivery::Some),
            (_, Some(false)) => Some(Delivery::Nothing),
            _ => None,
        }
    }

    fn order_axis(self) -> O {
        match self {
            Delivery::Nothing => O::Shipped,
            Delivery::Some => O::PartiallyDelivered,
            Delivery::All => O::Delivered,
        }
    }
}

/// Whether an order with this native status needs its [`Delivery`] to read its order axis.
pub fn needs_delivery(native: Option<&str>) -> bool {
    native.is_some_and(|n| INVOICED.contains(&n))
}

fn base_axes(native: Option<&str>) -> (O, P, F) {
    match native {
        None => INCOMPLETE,
        Some(value) => STATUS_TABLE
            .iter()
            .find(|(v, ..)| *v == value)
            .map(|(_, o, p, f)| (*o, *p, *f))
            .unwrap_or(UNDOCUMENTED),
    }
}

/// The three axes of a native status: an invoiced order is SHIPPED, PARTIALLY_DELIVERED or DELIVERED as
/// `delivery` says (everything shipped: fulfilment FULFILLED either way).
pub fn axes(native: Option<&str>, delivery: Delivery) -> (O, P, F) {
    let (order, payment, fulfillment) = base_axes(native);
    if needs_delivery(native) {
        (delivery.order_axis(), payment, fulfillment)
    } else {
        (order, payment, fulfillment)
    }
}

/// The unified status of a native `status` (`None` = `null`, an incomplete order) with its Admin label.
pub fn status_of(native: Option<&str>, label: Option<&str>, delivery: Delivery) -> Status {
    let (order, payment, fulfillment) = axes(native, delivery);
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
    /// Only invoiced orders can match, and not all of them (their delivery decides), or not all through
    /// `f_status` (`invoice-after-cancellation-deny` is no documented `f_status` value): `f_invoicedDate` over
    /// all time narrows the list to orders with an invoice date, and the rows are checked here.
    Invoiced,
    /// Not expressible with the documented filters: read all and filter the rows.
    Local,
}

/// The list plan for a filter: `f_status` only when the documented filterable values select exactly the
/// matching orders (every delivery of an invoiced value matching, no undocumented or `null` status matching);
/// `f_invoicedDate` when only invoiced orders can match.
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
    let mut natives: Vec<&'static str> = Vec::new();
    let mut exact = true;
    for (native, ..) in STATUS_TABLE {
        let matching = Delivery::ALL.iter().filter(|d| admits(axes(Some(native), **d))).count();
        if matching > 0 {
            natives.push(native);
            exact &= matching == Delivery::ALL.len() && FILTERABLE.contains(native);
        }
    }
    if natives.is_empty() {
        StatusPlan::Nothing
    } else if exact {
        StatusPlan::Exact(natives)
    } else if natives.iter().all(|n| INVOICED.contains(n)) {
        StatusPlan::Invoiced
    } else {
        StatusPlan::Local
    }
}

/// Why VTEX's documented rules refuse `transition` for an order in `current`, in the API's words: start-handling
/// only from `ready-for-handling` (409 OMS003 otherwise); no invoice for an incomplete or cancelled order;
/// delivery only on an invoiced order (tracking is per invoice); no cancellation once invoiced, of an incomplete
/// order, or in a transient status.
pub fn refusal(current: &Status, transition: Transition) -> Option<String> {
    let native = current.native.as_str();
    let incomplete = native == NULL_NATIVE;
    let invoiced = INVOICED.contains(&native);
    let why = match transition {
        Transition::To(O::Processing) if native != "ready-for-handling" => {
            "VTEX starts handling only orders in \"ready-for-handling\"".to_string()
        }
        Transition::To(O::Shipped) if incomplete => "VTEX does not invoice incomplete orders".to_string(),
        Transition::To(O::Shipped) if current.order == O::Cancelled => {
            "VTEX does not invoice a cancelled order".to_string()
        }
        Transition::To(O::Delivered) if !invoiced => {
            "VTEX records a delivery on the order's invoice: set it to SHIPPED (with shipment.invoiceNumber) \
             first"
                .to_string()
        }
        Transition::Cancel if incomplete => "VTEX cancels incomplete orders itself".to_string(),
        Transition::Cancel if invoiced => {
            "VTEX does not cancel invoiced orders (register a return instead)".to_string()
        }
        Transition::Cancel if TRANSIENT.contains(&native) => {
            format!("{native:?} is a transient status in which VTEX cancels nothing; retry later")
        }
        _ => return None,
    };
    Some(why)
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
    // `waiting-for-sellers-confirmation` and `null`) and delivery, checked against an independent expectation,
    // and every row against the axis rule.
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
            for delivery in Delivery::ALL {
                let status = status_of(*native, Some("Label"), delivery);
                // Only invoiced orders read their delivery: SHIPPED, PARTIALLY_DELIVERED, DELIVERED.
                let o = match (*o, delivery) {
                    (O::Shipped, Delivery::Some) => O::PartiallyDelivered,
                    (O::Shipped, Delivery::All) => O::Delivered,
                    (o, _) => o,
                };
                assert_eq!((status.order, status.payment, status.fulfillment), (o, *p, *f), "{native:?}");
                assert_eq!(status.native, native.unwrap_or("null"));
                assert_eq!(status.label.as_deref(), Some("Label"));
                assert_eq!(status.axis_rule_violation(), None, "{native:?} {delivery:?}");
            }
        }
        // Every table row is covered by the expectation above (no value mapped without a test).
        for (value, ..) in STATUS_TABLE {
            assert!(expected.iter().any(|(n, ..)| *n == Some(*value)), "{value} untested");
        }
        assert_eq!(status_of(None, None, Delivery::Nothing).label.as_deref(), Some("Incomplete order"));
        assert_eq!(status_of(Some("handling"), Some("  "), Delivery::All).label, None);
    }

    // Delivery from the packages' courier status and from the list row's flags.
    #[test]
    fn delivery_reads() {
        assert_eq!(Delivery::of_packages([]), Delivery::Nothing);
        assert_eq!(Delivery::of_packages([false, false]), Delivery::Nothing);
        assert_eq!(Delivery::of_packages([true, false]), Delivery::Some);
        assert_eq!(Delivery::of_packages([true, true]), Delivery::All);
        assert_eq!(Delivery::of_row_flags(Some(true), Some(true)), Some(Delivery::All));
        assert_eq!(Delivery::of_row_flags(Some(false), Some(true)), Some(Delivery::Some));
        assert_eq!(Delivery::of_row_flags(Some(false), Some(false)), Some(Delivery::Nothing));
        assert_eq!(Delivery::of_row_flags(None, Some(false)), Some(Delivery::Nothing));
        assert_eq!(Delivery::of_row_flags(Some(false), None), None, "some may be delivered");
        assert_eq!(Delivery::of_row_flags(None, None), None);
    }

    // f_status is used only when the documented filterable values select exactly the matching orders;
    // f_invoicedDate when only invoiced orders can match.
    #[test]
    fn status_plans() {
        assert_eq!(plan(&OrderFilter::default()), StatusPlan::Any);
        assert_eq!(plan(&filter(&[], &[P::Voided], &[])), StatusPlan::Exact(vec!["canceled"]));
        assert_eq!(plan(&filter(&[O::Cancelled], &[P::Voided], &[])), StatusPlan::Exact(vec!["canceled"]));
        assert_eq!(
            plan(&filter(&[O::Processing], &[], &[])),
            StatusPlan::Local,
            "start-handling, ready-for-invoicing and invoice are no f_status values"
        );
        // CANCELLED also covers `cancel` and `replaced`, which f_status cannot ask for.
        assert_eq!(plan(&filter(&[O::Cancelled], &[], &[])), StatusPlan::Local);
        // PENDING covers `null` (incomplete orders).
        assert_eq!(plan(&filter(&[O::Pending], &[], &[])), StatusPlan::Local);
        // UNKNOWN covers undocumented values.
        assert_eq!(plan(&filter(&[O::Unknown], &[], &[])), StatusPlan::Local);
        assert_eq!(plan(&filter(&[O::Returned], &[], &[])), StatusPlan::Nothing);
        assert_eq!(plan(&filter(&[O::Shipped], &[P::Refunded], &[])), StatusPlan::Nothing);
        // Shipped, delivered or both: only invoiced orders, whose delivery decides.
        for status in [&[O::Delivered][..], &[O::Shipped], &[O::PartiallyDelivered, O::Delivered]] {
            assert_eq!(plan(&filter(status, &[], &[])), StatusPlan::Invoiced, "{status:?}");
        }
        assert_eq!(plan(&filter(&[], &[], &[F::Fulfilled])), StatusPlan::Invoiced);
        assert_eq!(plan(&filter(&[O::Delivered, O::Processing], &[], &[])), StatusPlan::Local);
    }

    // The documented rules, each refusal and each allowed case.
    #[test]
    fn transition_rules() {
        let at = |native: Option<&str>| status_of(native, None, Delivery::Nothing);
        let refused = |native: Option<&str>, transition| refusal(&at(native), transition).is_some();
        let to = Transition::To;
        assert!(!refused(Some("ready-for-handling"), to(O::Processing)));
        assert!(refused(Some("handling"), to(O::Processing)));
        assert!(refused(Some("payment-approved"), to(O::Processing)));
        assert!(!refused(Some("handling"), to(O::Shipped)));
        assert!(refused(None, to(O::Shipped)));
        assert!(refused(Some("canceled"), to(O::Shipped)));
        assert!(!refused(Some("invoiced"), to(O::Delivered)));
        assert!(!refused(Some("invoice-after-cancellation-deny"), to(O::Delivered)));
        assert!(refused(Some("handling"), to(O::Delivered)));
        assert!(!refused(Some("ready-for-handling"), Transition::Cancel));
        assert!(refused(Some("invoiced"), Transition::Cancel));
        assert!(refused(None, Transition::Cancel));
        assert!(refused(Some("start-handling"), Transition::Cancel));
        let message = refusal(&at(Some("handling")), to(O::Processing)).unwrap();
        assert_eq!(message, "VTEX starts handling only orders in \"ready-for-handling\"");
    }
}
