//! The plain GraphQL views of domain values an order is made of: status, money, line items, addresses,
//! tracking. (An order and the parts of it that may need the full order, customer and totals, are in
//! [`super::types`].)

use async_graphql::Object;

use super::enums::{FulfillmentStatus, OrderStatus, PaymentStatus};
use super::scalars::DecimalScalar;
use crate::domain::{Address, LineItem, Money, Status, Tracking};

/// An order's status on the three unified axes, with the backend's own value kept.
#[Object(serial)]
impl Status {
    /// Where the order stands overall.
    async fn order(&self) -> OrderStatus {
        self.order.into()
    }

    /// Where the money stands.
    async fn payment(&self) -> PaymentStatus {
        self.payment.into()
    }

    /// Where the goods stand.
    async fn fulfillment(&self) -> FulfillmentStatus {
        self.fulfillment.into()
    }

    /// The backend's own value(s), e.g. `ready-for-handling`, `3`, `paid/in_process`.
    async fn native(&self) -> &str {
        &self.native
    }

    /// The backend's own human label, where it has one.
    async fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }
}

/// An amount of money: an exact decimal and its currency.
#[Object(serial)]
impl Money {
    /// The amount, as a decimal string in major units with at least the currency's minor digits (`"159.97"`).
    async fn amount(&self) -> DecimalScalar {
        DecimalScalar(self.display_amount())
    }

    /// ISO 4217 currency code.
    async fn currency_code(&self) -> &str {
        &self.currency
    }
}

/// One line of an order.
#[Object(serial)]
impl LineItem {
    /// The line's id in the backend.
    async fn id(&self) -> &str {
        &self.id
    }

    /// Stock-keeping unit.
    async fn sku(&self) -> Option<&str> {
        self.sku.as_deref()
    }

    /// Product name.
    async fn name(&self) -> &str {
        &self.name
    }

    /// Variant description (size, colour).
    async fn variant(&self) -> Option<&str> {
        self.variant.as_deref()
    }

    /// The backend's product id.
    async fn product_id(&self) -> Option<&str> {
        self.product_id.as_deref()
    }

    /// The backend's variant id.
    async fn variant_id(&self) -> Option<&str> {
        self.variant_id.as_deref()
    }

    /// Quantity ordered.
    async fn quantity(&self) -> i64 {
        self.quantity
    }

    /// Price of one unit.
    async fn unit_price(&self) -> &Money {
        &self.unit_price
    }

    /// Line total.
    async fn total(&self) -> &Money {
        &self.total
    }

    /// Picture of the product.
    async fn image_url(&self) -> Option<&str> {
        self.image_url.as_deref()
    }
}

/// A postal address.
#[Object(serial)]
impl Address {
    /// Recipient's full name.
    async fn full_name(&self) -> Option<&str> {
        self.full_name.as_deref()
    }

    /// Recipient's given name.
    async fn first_name(&self) -> Option<&str> {
        self.first_name.as_deref()
    }

    /// Recipient's family name.
    async fn last_name(&self) -> Option<&str> {
        self.last_name.as_deref()
    }

    /// Company.
    async fn company(&self) -> Option<&str> {
        self.company.as_deref()
    }

    /// Street and number.
    async fn line1(&self) -> Option<&str> {
        self.line1.as_deref()
    }

    /// Complement (apartment, floor).
    async fn line2(&self) -> Option<&str> {
        self.line2.as_deref()
    }

    /// City.
    async fn city(&self) -> Option<&str> {
        self.city.as_deref()
    }

    /// State, province or region.
    async fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Postal code.
    async fn postal_code(&self) -> Option<&str> {
        self.postal_code.as_deref()
    }

    /// ISO 3166-1 alpha-2 country code.
    async fn country_code(&self) -> Option<&str> {
        self.country_code.as_deref()
    }

    /// Country name, as the backend gives it.
    async fn country(&self) -> Option<&str> {
        self.country.as_deref()
    }

    /// Phone number.
    async fn phone(&self) -> Option<&str> {
        self.phone.as_deref()
    }

    /// E-mail address.
    async fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }
}

/// A shipment's tracking.
#[Object(serial)]
impl Tracking {
    /// Carrier name or code.
    async fn carrier(&self) -> Option<&str> {
        self.carrier.as_deref()
    }

    /// Tracking number.
    async fn number(&self) -> Option<&str> {
        self.number.as_deref()
    }

    /// Tracking page.
    async fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }
}
