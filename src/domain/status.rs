//! The unified status: three axes (order, payment, fulfilment) plus the backend's own value.

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
}
