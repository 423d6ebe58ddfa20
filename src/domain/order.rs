//! The backend-agnostic order model.

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::Serialize;

use super::ids::OrderId;
use super::native::NativeJson;
use super::status::Status;

mod known;
pub use known::Known;

/// An amount of money: an exact decimal and its ISO 4217 currency. Never a float.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Money {
    /// The amount in major units (`159.97`).
    pub amount: Decimal,
    /// ISO 4217 code (`EUR`).
    pub currency: String,
}

impl Money {
    /// Money from an amount and a currency code.
    pub fn new(amount: Decimal, currency: impl Into<String>) -> Self {
        Money { amount, currency: currency.into() }
    }

    /// Zero in this currency.
    pub fn zero(currency: impl Into<String>) -> Self {
        Money { amount: Decimal::ZERO, currency: currency.into() }
    }

    /// Money from integer minor units and the currency's number of decimal digits (VTEX cents).
    pub fn from_minor(minor: i64, digits: u32, currency: impl Into<String>) -> Self {
        Money { amount: Decimal::new(minor, digits), currency: currency.into() }
    }

    /// The amount written with at least the currency's minor-unit digits (`"66.50"` rather than `"66.5"`,
    /// `"0.00"` rather than `"0"`), never dropping digits the backend sent (`"33.6134"` stays).
    pub fn display_amount(&self) -> Decimal {
        let digits = currency_digits(&self.currency);
        let mut amount = self.amount;
        if amount.scale() < digits {
            amount.rescale(digits);
        }
        amount
    }
}

/// The number of minor-unit digits of an ISO 4217 currency (2 unless the standard says otherwise).
pub fn currency_digits(code: &str) -> u32 {
    const ZERO: &[&str] = &[
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV",
        "XAF", "XOF", "XPF",
    ];
    const THREE: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];
    if ZERO.contains(&code) {
        0
    } else if THREE.contains(&code) {
        3
    } else {
        2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Amounts are shown with the currency's digits, and never lose the digits a backend sent.
    #[test]
    fn display_amounts() {
        let show = |amount: &str, currency: &str| {
            Money::new(amount.parse().unwrap(), currency).display_amount().to_string()
        };
        assert_eq!(show("66.5", "EUR"), "66.50");
        assert_eq!(show("0", "USD"), "0.00");
        assert_eq!(show("33.6134", "RON"), "33.6134");
        assert_eq!(show("1500", "JPY"), "1500");
        assert_eq!(show("1.5", "KWD"), "1.500");
    }
}

/// An order's totals. `discount` is a positive amount subtracted from the total.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrderTotals {
    /// Sum of line items before shipping, tax and order discounts.
    pub subtotal: Money,
    /// Shipping charged.
    pub shipping: Money,
    /// Tax charged (0 where prices include tax and the backend does not say).
    pub tax: Money,
    /// Discounts granted, as a positive amount.
    pub discount: Money,
    /// What the customer pays.
    pub total: Money,
}

impl OrderTotals {
    /// Totals where only the grand total is known; the parts are zero.
    pub fn only_total(total: Money) -> Self {
        let zero = Money::zero(total.currency.clone());
        OrderTotals {
            subtotal: zero.clone(),
            shipping: zero.clone(),
            tax: zero.clone(),
            discount: zero,
            total,
        }
    }
}

/// The buyer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Customer {
    /// The backend's customer id.
    pub id: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Full name as the backend gives it, or first and last joined.
    pub full_name: Option<String>,
}

/// One line of an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineItem {
    /// The line's id in the backend (or its position when the backend has none).
    pub id: String,
    /// Stock-keeping unit.
    pub sku: Option<String>,
    /// Product name.
    pub name: String,
    /// Variant description (size, colour).
    pub variant: Option<String>,
    /// The backend's product id.
    pub product_id: Option<String>,
    /// The backend's variant id.
    pub variant_id: Option<String>,
    /// Quantity ordered.
    pub quantity: i64,
    /// Price of one unit, as charged.
    pub unit_price: Money,
    /// Line total, as charged.
    pub total: Money,
    /// Picture of the product.
    pub image_url: Option<String>,
}

/// A postal address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Address {
    /// Recipient's full name.
    pub full_name: Option<String>,
    /// Recipient's given name.
    pub first_name: Option<String>,
    /// Recipient's family name.
    pub last_name: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// Street and number.
    pub line1: Option<String>,
    /// Complement (apartment, floor).
    pub line2: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State, province or region.
    pub region: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country_code: Option<String>,
    /// Country name as the backend gives it.
    pub country: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
}

/// A shipment's tracking.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tracking {
    /// Carrier name or code.
    pub carrier: Option<String>,
    /// Tracking number.
    pub number: Option<String>,
    /// Tracking page.
    pub url: Option<String>,
}

/// An order, in the unified model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Order {
    /// Global id `<backend>:<native>`.
    pub id: OrderId,
    /// The number people see (VES-1001, VTEX sequence, Wix number).
    pub number: Option<String>,
    /// Status on the three axes plus the native value.
    pub status: Status,
    /// When the order was placed, with the backend's offset.
    pub placed_at: DateTime<FixedOffset>,
    /// When the order last changed.
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// ISO 4217 currency of the order's amounts.
    pub currency: String,
    /// Totals.
    pub totals: OrderTotals,
    /// The buyer.
    pub customer: Option<Customer>,
    /// Lines.
    pub line_items: Vec<LineItem>,
    /// Where the goods go.
    pub shipping_address: Option<Address>,
    /// Where the invoice goes.
    pub billing_address: Option<Address>,
    /// Shipping method name.
    pub shipping_method: Option<String>,
    /// Payment method name.
    pub payment_method: Option<String>,
    /// Shipments' tracking.
    pub tracking: Vec<Tracking>,
    /// Tags (names, not ids).
    pub tags: Vec<String>,
    /// The id of this order on an external platform.
    pub external_order_id: Option<String>,
    /// The external platform's name.
    pub external_platform: Option<String>,
    /// Buyer's or merchant's note.
    pub note: Option<String>,
    /// The backend's own payload, untouched (kept as text, parsed when read).
    pub native: NativeJson,
    /// Which parts are filled in.
    pub known: Known,
}

impl Order {
    /// About how many bytes the order holds in memory (an estimate for cache budgets): its backend payload's
    /// text, and the decoded fields, weighed by its line items.
    pub fn weight(&self) -> usize {
        let native = self.native.text().map_or(0, str::len);
        native + 1024 + 256 * self.line_items.len()
    }

    /// A minimal order with only the core fields; adapters fill in the rest.
    pub fn new(
        id: OrderId,
        status: Status,
        placed_at: DateTime<FixedOffset>,
        currency: impl Into<String>,
    ) -> Self {
        let currency = currency.into();
        Order {
            id,
            number: None,
            status,
            placed_at,
            updated_at: None,
            totals: OrderTotals::only_total(Money::zero(currency.clone())),
            currency,
            customer: None,
            line_items: Vec::new(),
            shipping_address: None,
            billing_address: None,
            shipping_method: None,
            payment_method: None,
            tracking: Vec::new(),
            tags: Vec::new(),
            external_order_id: None,
            external_platform: None,
            note: None,
            native: NativeJson::null(),
            known: Known::CORE,
        }
    }

    /// The merge order of `orders`: newest first, ties broken by id. `a.sort_key() < b.sort_key()` means `a`
    /// comes first.
    pub fn sort_key(&self) -> (std::cmp::Reverse<i64>, std::cmp::Reverse<u32>, &OrderId) {
        use std::cmp::Reverse;
        (Reverse(self.placed_at.timestamp()), Reverse(self.placed_at.timestamp_subsec_nanos()), &self.id)
    }
}
