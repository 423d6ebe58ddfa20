//! [`Known`]: which parts of an [`Order`] its source filled in, one flag per field a query can ask for.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::{Address, Customer, LineItem, Money, Order, Tracking};
use crate::domain::NativeJson;

/// Declares [`Known`] with one flag per part, and what is derived from the list of parts (the constants for
/// everything and nothing, the set operations, the parts by name), so that a new part cannot be left out of
/// any of them.
macro_rules! parts {
    ($($(#[doc = $doc:literal])+ $part:ident($order:ident) => $get:expr,)+) => {
        /// Which parts of an [`Order`] are filled in from its source. An order from the backend's "get order"
        /// (or a list row that carries the whole order) knows everything ([`Known::FULL`]); an order built
        /// from a list row knows what the row carries, which each adapter declares once (its `ROW_KNOWN`).
        /// The core fields (id, number, status, placedAt, currency) are always known. The GraphQL layer
        /// answers a field from the row when its part is known, and loads the full order only otherwise.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
        pub struct Known {
            $($(#[doc = $doc])+ pub $part: bool,)+
        }

        impl Known {
            /// Everything is known: the order came from the backend's "get order", or its list row is the
            /// whole order.
            pub const FULL: Known = Known { $($part: true,)+ };

            /// Nothing beyond the core fields (id, number, status, placedAt, currency).
            pub const CORE: Known = Known { $($part: false,)+ };

            /// Every part known here or in `other`.
            pub const fn union(self, other: Known) -> Known {
                Known { $($part: self.$part || other.$part,)+ }
            }

            /// The parts known both here and in `other`.
            pub const fn intersection(self, other: Known) -> Known {
                Known { $($part: self.$part && other.$part,)+ }
            }

            /// The parts known here but not in `other`.
            pub const fn difference(self, other: Known) -> Known {
                Known { $($part: self.$part && !other.$part,)+ }
            }

            /// Whether every part known in `other` is known here.
            pub const fn contains(&self, other: Known) -> bool {
                true $(&& (self.$part || !other.$part))+
            }

            /// Every part by its field name, with whether it is known.
            pub fn parts(&self) -> impl Iterator<Item = (&'static str, bool)> {
                [$((stringify!($part), self.$part),)+].into_iter()
            }

            /// The names of the parts known here.
            pub fn names(&self) -> Vec<&'static str> {
                self.parts().filter(|(_, known)| *known).map(|(name, _)| name).collect()
            }

            /// The parts on which `a` and `b` hold the same value (for checks that a list row's known parts
            /// agree with the full order).
            pub fn agreeing(a: &Order, b: &Order) -> Known {
                Known { $($part: get::$part(a) == get::$part(b),)+ }
            }

            /// The parts of `order` that hold a value: a `Some`, a non-empty list, a payload that is not
            /// `null`. Amounts always hold one (zero when their source had none), so they count as filled.
            pub fn filled(order: &Order) -> Known {
                Known { $($part: get::$part(order).is_filled(),)+ }
            }
        }

        /// Each part of an order, by its [`Known`] name.
        mod get {
            use super::*;

            $(pub(super) fn $part($order: &Order) -> Part<'_> {
                $get
            })+
        }
    };
}

parts! {
    /// `updated_at` is known.
    updated_at(o) => Part::Date(o.updated_at),
    /// `totals.subtotal` is known.
    subtotal(o) => Part::Money(&o.totals.subtotal),
    /// `totals.shipping` is known.
    shipping(o) => Part::Money(&o.totals.shipping),
    /// `totals.tax` is known.
    tax(o) => Part::Money(&o.totals.tax),
    /// `totals.discount` is known.
    discount(o) => Part::Money(&o.totals.discount),
    /// `totals.total` is known.
    total(o) => Part::Money(&o.totals.total),
    /// `customer.id` is known.
    customer_id(o) => Part::customer(o, |c| c.id.as_deref()),
    /// `customer.email` is known.
    customer_email(o) => Part::customer(o, |c| c.email.as_deref()),
    /// `customer.phone` is known.
    customer_phone(o) => Part::customer(o, |c| c.phone.as_deref()),
    /// `customer.first_name` is known.
    customer_first_name(o) => Part::customer(o, |c| c.first_name.as_deref()),
    /// `customer.last_name` is known.
    customer_last_name(o) => Part::customer(o, |c| c.last_name.as_deref()),
    /// `customer.full_name` is known.
    customer_full_name(o) => Part::customer(o, |c| c.full_name.as_deref()),
    /// `line_items` is known.
    line_items(o) => Part::Lines(&o.line_items),
    /// `shipping_address` is known.
    shipping_address(o) => Part::Address(o.shipping_address.as_ref()),
    /// `billing_address` is known.
    billing_address(o) => Part::Address(o.billing_address.as_ref()),
    /// `shipping_method` is known.
    shipping_method(o) => Part::Text(o.shipping_method.as_deref()),
    /// `payment_method` is known.
    payment_method(o) => Part::Text(o.payment_method.as_deref()),
    /// `tracking` is known.
    tracking(o) => Part::Tracking(&o.tracking),
    /// `tags` is known.
    tags(o) => Part::Tags(&o.tags),
    /// `external_order_id` is known.
    external_order_id(o) => Part::Text(o.external_order_id.as_deref()),
    /// `external_platform` is known.
    external_platform(o) => Part::Text(o.external_platform.as_deref()),
    /// `note` is known.
    note(o) => Part::Text(o.note.as_deref()),
    /// `native` is the backend's full order payload (not a list row).
    native(o) => Part::Native(&o.native),
}

impl Known {
    /// All five amounts of `totals`.
    pub const TOTALS: Known =
        Known { subtotal: true, shipping: true, tax: true, discount: true, total: true, ..Known::CORE };

    /// Every field of `customer`. When all are known, so is whether there is a customer at all.
    pub const CUSTOMER: Known = Known {
        customer_id: true,
        customer_email: true,
        customer_phone: true,
        customer_first_name: true,
        customer_last_name: true,
        customer_full_name: true,
        ..Known::CORE
    };

    /// A list row's summary: the core fields, `totals.total` and `updated_at`. What a listing decodes when its
    /// query asks for nothing else, for backends whose rows cost far less to decode so.
    pub const SUMMARY: Known = Known { total: true, updated_at: true, ..Known::CORE };

    /// Whether every part is known.
    pub fn is_full(&self) -> bool {
        *self == Known::FULL
    }
}

/// One part of an order, borrowed, to compare or to test for a value.
#[derive(PartialEq)]
enum Part<'a> {
    Text(Option<&'a str>),
    Date(Option<DateTime<FixedOffset>>),
    Money(&'a Money),
    Lines(&'a [LineItem]),
    Tracking(&'a [Tracking]),
    Tags(&'a [String]),
    Address(Option<&'a Address>),
    Native(&'a NativeJson),
}

impl<'a> Part<'a> {
    fn customer(order: &'a Order, field: fn(&Customer) -> Option<&str>) -> Part<'a> {
        Part::Text(order.customer.as_ref().and_then(field))
    }

    fn is_filled(&self) -> bool {
        match self {
            Part::Text(text) => text.is_some(),
            Part::Date(date) => date.is_some(),
            Part::Money(_) => true,
            Part::Lines(lines) => !lines.is_empty(),
            Part::Tracking(tracking) => !tracking.is_empty(),
            Part::Tags(tags) => !tags.is_empty(),
            Part::Address(address) => address.is_some(),
            Part::Native(native) => !native.is_null(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        BackendName, FulfillmentStatus, NativeOrderId, OrderId, OrderStatus, PaymentStatus, Status,
    };

    fn order() -> Order {
        let id = OrderId::new(BackendName::parse("shop").expect("name"), NativeOrderId::new("1"));
        let status =
            Status::new(OrderStatus::Pending, PaymentStatus::Pending, FulfillmentStatus::Unfulfilled, "new");
        let placed_at = DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z").expect("date");
        Order::new(id, status, placed_at, "EUR")
    }

    // The groups and the set operations agree with the parts by name; FULL and CORE are all and nothing.
    #[test]
    fn sets_of_parts() {
        assert_eq!(Known::FULL.parts().count(), Known::FULL.names().len());
        assert!(Known::CORE.names().is_empty());
        assert_eq!(Known::TOTALS.names(), ["subtotal", "shipping", "tax", "discount", "total"]);
        assert_eq!(Known::CUSTOMER.names().len(), 6);
        assert!(Known::CUSTOMER.names().iter().all(|n| n.starts_with("customer_")));
        assert!(Known::FULL.contains(Known::TOTALS) && !Known::SUMMARY.contains(Known::TOTALS));
        assert!(Known::SUMMARY.contains(Known { total: true, ..Known::CORE }));
        assert_eq!(Known::TOTALS.union(Known::CUSTOMER).difference(Known::TOTALS), Known::CUSTOMER);
        assert_eq!(Known::TOTALS.intersection(Known::SUMMARY), Known { total: true, ..Known::CORE });
        assert!(Known::FULL.is_full() && !Known::FULL.difference(Known::SUMMARY).is_full());
    }

    // `filled` sees values, `agreeing` compares them part by part.
    #[test]
    fn filled_and_agreeing_parts() {
        let bare = order();
        assert_eq!(Known::filled(&bare), Known::TOTALS, "amounts always count as filled");
        let mut more = order();
        more.customer = Some(Customer { email: Some("a@b.c".into()), ..Customer::default() });
        more.tags = vec!["vip".into()];
        more.totals.total = Money::new(rust_decimal::Decimal::ONE, "EUR");
        assert_eq!(Known::filled(&more), Known { customer_email: true, tags: true, ..Known::TOTALS });
        let agreeing = Known::agreeing(&bare, &more);
        assert_eq!(
            Known::FULL.difference(agreeing),
            Known { customer_email: true, tags: true, total: true, ..Known::CORE }
        );
    }
}
