//! The order filter, and how the engine applies what a backend could not.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::ids::BackendName;
use super::order::Order;
use super::status::{FulfillmentStatus, OrderStatus, PaymentStatus};

/// What `orders(filter:)` selects. Every present field must match (AND); list fields match any element (OR).
///
/// An empty list matches no order, whichever field it is in (like SQL's `IN ()`): the filter then selects
/// nothing, which is said one way, `backends: Some([])` (no backend is asked, the page is empty), by
/// [`OrderFilter::selecting_nothing`] when the filter is built. In the other list fields an empty list
/// therefore means "not filtered on".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OrderFilter {
    /// Only these backends (by name); `None` means all, `Some([])` none (the filter selects nothing).
    pub backends: Option<Vec<BackendName>>,
    /// Any of these order statuses; empty: not filtered on.
    pub status: Vec<OrderStatus>,
    /// Any of these payment statuses; empty: not filtered on.
    pub payment_status: Vec<PaymentStatus>,
    /// Any of these fulfilment statuses; empty: not filtered on.
    pub fulfillment_status: Vec<FulfillmentStatus>,
    /// Placed at or after this instant.
    pub placed_after: Option<DateTime<FixedOffset>>,
    /// Placed at or before this instant.
    pub placed_before: Option<DateTime<FixedOffset>>,
    /// The customer's e-mail, compared case-insensitively.
    pub customer_email: Option<String>,
    /// Orders carrying any of these tags (case-insensitive); empty: not filtered on.
    pub tags: Vec<String>,
}

/// Which filter fields a backend applies itself, exactly as [`OrderFilter::matches`] would. The engine skips
/// those and applies the others to what the backend returns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FilterPushdown {
    /// `status`.
    pub status: bool,
    /// `payment_status`.
    pub payment_status: bool,
    /// `fulfillment_status`.
    pub fulfillment_status: bool,
    /// `placed_after` and `placed_before`.
    pub placed_range: bool,
    /// `customer_email`.
    pub customer_email: bool,
    /// `tags`.
    pub tags: bool,
}

impl OrderFilter {
    /// This filter, selecting no order (`backends: Some([])`): what a filter with an empty list means. The
    /// other fields are kept, so that the filter stays itself (a cursor made for another is still refused).
    pub fn selecting_nothing(self) -> OrderFilter {
        OrderFilter { backends: Some(Vec::new()), ..self }
    }

    /// Whether the filter selects no order (it names no backend).
    pub fn selects_nothing(&self) -> bool {
        self.backends.as_ref().is_some_and(Vec::is_empty)
    }

    /// Whether the filter selects nothing beyond backends (every order matches).
    pub fn is_empty(&self) -> bool {
        self.status.is_empty()
            && self.payment_status.is_empty()
            && self.fulfillment_status.is_empty()
            && self.placed_after.is_none()
            && self.placed_before.is_none()
            && self.customer_email.is_none()
            && self.tags.is_empty()
    }

    /// Whether the engine must read the customer to apply this filter (not pushed down).
    pub fn needs_customer(&self, pushed: &FilterPushdown) -> bool {
        self.customer_email.is_some() && !pushed.customer_email
    }

    /// Whether the engine must read tags to apply this filter (not pushed down).
    pub fn needs_tags(&self, pushed: &FilterPushdown) -> bool {
        !self.tags.is_empty() && !pushed.tags
    }

    /// Whether `order` matches the fields of this filter that the backend did not apply itself.
    pub fn matches(&self, order: &Order, pushed: &FilterPushdown) -> bool {
        if !pushed.status && !self.status.is_empty() && !self.status.contains(&order.status.order) {
            return false;
        }
        if !pushed.payment_status
            && !self.payment_status.is_empty()
            && !self.payment_status.contains(&order.status.payment)
        {
            return false;
        }
        if !pushed.fulfillment_status
            && !self.fulfillment_status.is_empty()
            && !self.fulfillment_status.contains(&order.status.fulfillment)
        {
            return false;
        }
        if !pushed.placed_range {
            if self.placed_after.is_some_and(|after| order.placed_at < after) {
                return false;
            }
            if self.placed_before.is_some_and(|before| order.placed_at > before) {
                return false;
            }
        }
        if self.needs_customer(pushed) {
            let wanted = self.customer_email.as_deref().unwrap_or_default();
            let email = order.customer.as_ref().and_then(|c| c.email.as_deref());
            if !email.is_some_and(|email| email.eq_ignore_ascii_case(wanted)) {
                return false;
            }
        }
        if self.needs_tags(pushed)
            && !order.tags.iter().any(|tag| self.tags.iter().any(|wanted| wanted.eq_ignore_ascii_case(tag)))
        {
            return false;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A filter selecting nothing keeps its other fields; only an empty `backends` list selects nothing.
    #[test]
    fn selecting_nothing() {
        let filter = OrderFilter { status: vec![OrderStatus::Shipped], ..OrderFilter::default() };
        assert!(!filter.selects_nothing());
        assert!(!OrderFilter::default().selects_nothing());
        let nothing = filter.clone().selecting_nothing();
        assert!(nothing.selects_nothing());
        assert_eq!(nothing.status, filter.status);
        assert_ne!(nothing, filter);
    }
}
