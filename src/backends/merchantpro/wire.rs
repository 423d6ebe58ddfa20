//! Exact serde mirrors of MerchantPro's order JSON (`merchantpro-orders.txt`, "Fields available" and the
//! example payloads). Private to the adapter.
//!
//! - Every field the vendor may omit or send as `null` is an `Option`; undocumented fields are ignored (the doc
//!   says so: "Any field returned that is not documented can be ignored"), and the whole payload is kept
//!   untouched as the order's `native` anyway.
//! - Ids (`id`, `customer_id`, `product_id`, …) are `int` in the examples and `string` in the field table:
//!   [`Flex`] accepts both.
//! - Money is JSON floats in the docs (`453.05`, `15`); [`Decimal`] reads them exactly (serde_json keeps the
//!   digits with `arbitrary_precision`), and also accepts strings.
//! - Everything is read straight from the body's bytes (no intermediate `serde_json::Value`): list rows stay
//!   raw text ([`RawValue`]) in the envelope and are decoded one by one, the text kept as the order's `native`.
//! - Status values keep an `Other(String)` fallback for values outside the documented vocabularies.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

/// The list envelope: `{"data":[…],"meta":{"count":{…},"links":{…}}}`. Rows stay raw JSON text here so that
/// each order's `native` is the vendor's own payload; each decodes into a [`WireOrder`] on first use.
#[derive(Debug, Deserialize)]
pub(super) struct ListEnvelope {
    /// The orders of this page, as the text the vendor sent.
    pub data: Vec<Box<RawValue>>,
    /// Counts and links.
    pub meta: ListMeta,
}

/// `meta` of a list answer.
#[derive(Debug, Deserialize)]
pub(super) struct ListMeta {
    /// `count`: `total` (all matching), `current` (this page), `start`, `limit`.
    pub count: ListCount,
    /// `links`: `prev`, `current`, `next` (null at the end).
    #[serde(default)]
    pub links: Option<ListLinks>,
}

/// `meta.count`.
#[derive(Debug, Deserialize)]
pub(super) struct ListCount {
    /// Orders matching the filters, across all pages.
    #[serde(default)]
    pub total: Option<u64>,
    /// Orders on this page.
    #[serde(default)]
    #[allow(dead_code)] // mirrored for completeness; the adapter counts `data` itself
    pub current: Option<u64>,
    /// Offset of this page.
    #[serde(default)]
    #[allow(dead_code)]
    pub start: Option<u64>,
    /// Page size in force.
    #[serde(default)]
    #[allow(dead_code)]
    pub limit: Option<u64>,
}

/// `meta.links`: relative URLs, `null` where there is no such page.
#[derive(Debug, Deserialize)]
pub(super) struct ListLinks {
    /// The next page, `null` on the last one.
    #[serde(default)]
    pub next: Option<String>,
}

/// One order (list row with `include=line_items`, or `GET /api/v2/orders/{id}`).
#[derive(Debug, Deserialize)]
pub(super) struct WireOrder {
    pub id: Flex,
    pub channel_name: Option<String>,
    /// "External order identifier".
    pub channel_ref_id: Option<Flex>,

    pub payment_status: Option<PaymentStatusValue>,
    pub payment_status_text: Option<String>,
    pub payment_method_code: Option<String>,
    pub payment_method_name: Option<String>,

    pub shipping_status: Option<ShippingStatusValue>,
    pub shipping_status_text: Option<String>,
    pub shipping_method_name: Option<String>,
    /// "Courier ID used for delivery" (a string per the table; accepted as a number too).
    pub shipping_carrier_id: Option<Flex>,
    /// "AWB code from the courier system".
    pub shipping_awb: Option<Flex>,
    /// Delivery cost, VAT included (see `mapping::totals`).
    pub shipping_amount: Option<Decimal>,
    /// The VAT part of `shipping_amount`.
    pub shipping_tax_amount: Option<Decimal>,
    pub total_amount: Option<Decimal>,
    pub currency: Option<String>,

    pub customer_id: Option<Flex>,
    pub customer_email: Option<String>,
    pub customer_note: Option<String>,

    pub date_created: Option<String>,
    pub date_modified: Option<String>,

    /// `[{id, name}]`, or `null` when the order has none.
    pub tags: Option<Vec<WireTag>>,

    pub billing_name: Option<String>,
    pub billing_company_name: Option<String>,
    pub billing_country_code: Option<String>,
    pub billing_country_name: Option<String>,
    pub billing_state: Option<String>,
    pub billing_city: Option<String>,
    pub billing_address: Option<String>,
    pub billing_postal_code: Option<Flex>,
    pub billing_phone: Option<Flex>,

    pub shipping_name: Option<String>,
    pub shipping_country_code: Option<String>,
    pub shipping_country_name: Option<String>,
    pub shipping_state: Option<String>,
    pub shipping_city: Option<String>,
    pub shipping_address: Option<String>,
    pub shipping_postal_code: Option<Flex>,
    pub shipping_phone: Option<Flex>,

    /// Absent unless the list asked `include=line_items` (the single get always has it).
    pub line_items: Option<Vec<WireLineItem>>,
}

/// What a list row's key reads: its id and creation date (serde skips the row's other fields).
#[derive(Debug, Deserialize)]
pub(super) struct RowKey {
    pub id: Flex,
    pub date_created: Option<String>,
}

/// One order as far as its summary reads it ([`Known::SUMMARY`]): addresses, line items and the rest are
/// skipped unread.
///
/// [`Known::SUMMARY`]: crate::domain::Known::SUMMARY
#[derive(Debug, Deserialize)]
pub(super) struct WireSummary {
    pub id: Flex,
    pub payment_status: Option<PaymentStatusValue>,
    pub payment_status_text: Option<String>,
    pub shipping_status: Option<ShippingStatusValue>,
    pub shipping_status_text: Option<String>,
    pub total_amount: Option<Decimal>,
    pub currency: Option<String>,
    pub date_created: Option<String>,
    pub date_modified: Option<String>,
}

/// The fields an order's summary is built from, borrowed from either decoded shape.
pub(super) struct Head<'a> {
    pub id: &'a Flex,
    pub payment_status: Option<&'a PaymentStatusValue>,
    pub payment_status_text: Option<&'a str>,
    pub shipping_status: Option<&'a ShippingStatusValue>,
    pub shipping_status_text: Option<&'a str>,
    pub total_amount: Option<Decimal>,
    pub currency: Option<&'a str>,
    pub date_created: Option<&'a str>,
    pub date_modified: Option<&'a str>,
}

/// `head()` for the decoded shapes that carry a summary's fields (under the same names in both).
macro_rules! heads {
    ($($shape:ty),*) => {$(
        impl $shape {
            /// The summary's fields.
            pub fn head(&self) -> Head<'_> {
                Head {
                    id: &self.id,
                    payment_status: self.payment_status.as_ref(),
                    payment_status_text: self.payment_status_text.as_deref(),
                    shipping_status: self.shipping_status.as_ref(),
                    shipping_status_text: self.shipping_status_text.as_deref(),
                    total_amount: self.total_amount,
                    currency: self.currency.as_deref(),
                    date_created: self.date_created.as_deref(),
                    date_modified: self.date_modified.as_deref(),
                }
            }
        }
    )*};
}

heads!(WireOrder, WireSummary);

/// One `line_items[]` row.
#[derive(Debug, Deserialize)]
pub(super) struct WireLineItem {
    /// `product` for goods; third parties saw other values for discount rows. Absent in the create example,
    /// where every row is a product.
    pub item_type: Option<String>,
    pub product_id: Option<Flex>,
    /// In the examples, not in the field table.
    pub variant_id: Option<Flex>,
    pub variant_name: Option<String>,
    pub product_sku: Option<Flex>,
    pub product_name: Option<String>,
    pub product_image_url: Option<String>,
    #[serde(default, deserialize_with = "quantity")]
    pub quantity: Option<i64>,
    pub unit_price_net: Option<Decimal>,
    #[allow(dead_code)] // mirrored; the unified line carries net amounts and the tax goes to the order total
    pub unit_tax_amount: Option<Decimal>,
    #[allow(dead_code)]
    pub unit_price_gross: Option<Decimal>,
    pub line_subtotal_net: Option<Decimal>,
    pub line_tax_amount: Option<Decimal>,
    pub line_subtotal_gross: Option<Decimal>,
}

/// One `tags[]` entry.
#[derive(Debug, Deserialize)]
pub(super) struct WireTag {
    #[allow(dead_code)] // ids are assigned by the vendor; tags are matched and written by name
    pub id: Option<Flex>,
    pub name: Option<String>,
}

/// Only the tags of an order (`GET /api/v2/orders/{id}` before a tag change, and the PATCH answer after it).
#[derive(Debug, Deserialize)]
pub(super) struct WireTags {
    /// `[{id, name}]`, or `null` / absent when the order has none.
    pub tags: Option<Vec<WireTag>>,
}

/// The answer of a processing handler (`PATCH …/in_process` etc.): `{"ok":true}`.
#[derive(Debug, Deserialize)]
pub(super) struct OkAnswer {
    #[serde(default)]
    pub ok: Option<bool>,
}

/// An id or code the vendor sends as a JSON number in one place and a string in another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Flex(pub String);

impl Flex {
    /// The value as text, `None` when empty (the vendor sends `""` for "not set").
    pub fn non_empty(&self) -> Option<String> {
        let trimmed = self.0.trim();
        (!trimmed.is_empty()).then(|| trimmed.to_string())
    }
}

impl fmt::Display for Flex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Flex {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FlexVisitor)
    }
}

/// Accepts a string or a number, keeping a number's digits as sent.
struct FlexVisitor;

impl<'de> Visitor<'de> for FlexVisitor {
    type Value = Flex;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Flex, E> {
        Ok(Flex(value.to_string()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Flex, E> {
        Ok(Flex(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Flex, E> {
        Ok(Flex(value.to_string()))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Flex, E> {
        Ok(Flex(value.to_string()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Flex, E> {
        serde_json::Number::from_f64(value)
            .map(|n| Flex(n.to_string()))
            .ok_or_else(|| E::invalid_value(de::Unexpected::Float(value), &self))
    }

    /// With serde_json's `arbitrary_precision`, a number reaches a visitor as a one-entry map from
    /// [`NUMBER_TOKEN`] to its digits; any other map is a JSON object, refused.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Flex, A::Error> {
        match map.next_key::<String>()? {
            Some(key) if key == NUMBER_TOKEN => Ok(Flex(map.next_value::<String>()?)),
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

/// The key under which serde_json (feature `arbitrary_precision`) hands a number's digits to a visitor, as its
/// own `Value` and `Number` read them. Reading the key ourselves (rather than through `Number`) keeps the
/// error of a JSON object at the field (`id`, not `id.a`). Every numeric id in the tests goes through here.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// `quantity`: an integer (`1`, `15`); also accepted as `"2"` or `2.0`, refused when fractional.
fn quantity<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    let Some(value) = Option::<Decimal>::deserialize(deserializer)? else {
        return Ok(None);
    };
    if !value.fract().is_zero() {
        return Err(serde::de::Error::custom(format!("quantity {value} is not a whole number")));
    }
    i64::try_from(value)
        .map(Some)
        .map_err(|_| serde::de::Error::custom(format!("quantity {value} is out of range")))
}

/// `payment_status` ("Possible values: temporary, awaiting, paid, failed, canceled, refunded, rejected"; one
/// example spells `cancelled`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub(super) enum PaymentStatusValue {
    Temporary,
    Awaiting,
    Paid,
    Failed,
    /// The field table's spelling.
    Canceled,
    /// The spelling of the documented examples (`"payment_status": "cancelled"`).
    Cancelled,
    Refunded,
    Rejected,
    /// Anything else, kept as sent.
    Other(String),
}

impl From<String> for PaymentStatusValue {
    fn from(value: String) -> Self {
        match value.as_str() {
            "temporary" => Self::Temporary,
            "awaiting" => Self::Awaiting,
            "paid" => Self::Paid,
            "failed" => Self::Failed,
            "canceled" => Self::Canceled,
            "cancelled" => Self::Cancelled,
            "refunded" => Self::Refunded,
            "rejected" => Self::Rejected,
            _ => Self::Other(value),
        }
    }
}

impl PaymentStatusValue {
    /// Every documented value (both spellings of cancelled).
    #[cfg(test)]
    pub const DOCUMENTED: [&'static str; 8] =
        ["temporary", "awaiting", "paid", "failed", "canceled", "cancelled", "refunded", "rejected"];

    /// The wire spelling.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Temporary => "temporary",
            Self::Awaiting => "awaiting",
            Self::Paid => "paid",
            Self::Failed => "failed",
            Self::Canceled => "canceled",
            Self::Cancelled => "cancelled",
            Self::Refunded => "refunded",
            Self::Rejected => "rejected",
            Self::Other(s) => s,
        }
    }
}

/// `shipping_status` ("Possible values: awaiting, confirmed, in_process, shipped, delivered, returned,
/// cancelled").
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub(super) enum ShippingStatusValue {
    Awaiting,
    Confirmed,
    InProcess,
    Shipped,
    Delivered,
    Returned,
    Cancelled,
    /// Anything else (a third party saw `temporary`), kept as sent.
    Other(String),
}

impl From<String> for ShippingStatusValue {
    fn from(value: String) -> Self {
        match value.as_str() {
            "awaiting" => Self::Awaiting,
            "confirmed" => Self::Confirmed,
            "in_process" => Self::InProcess,
            "shipped" => Self::Shipped,
            "delivered" => Self::Delivered,
            "returned" => Self::Returned,
            "cancelled" => Self::Cancelled,
            _ => Self::Other(value),
        }
    }
}

impl ShippingStatusValue {
    /// Every documented value.
    #[cfg(test)]
    pub const DOCUMENTED: [&'static str; 7] =
        ["awaiting", "confirmed", "in_process", "shipped", "delivered", "returned", "cancelled"];

    /// The wire spelling.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Awaiting => "awaiting",
            Self::Confirmed => "confirmed",
            Self::InProcess => "in_process",
            Self::Shipped => "shipped",
            Self::Delivered => "delivered",
            Self::Returned => "returned",
            Self::Cancelled => "cancelled",
            Self::Other(s) => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::decode::decode_bytes;
    use crate::domain::BackendName;
    use crate::error::Error;

    #[derive(Debug, Deserialize)]
    struct Row {
        id: Flex,
        #[serde(default)]
        code: Option<Flex>,
        #[serde(default)]
        amount: Option<Decimal>,
        #[serde(default, deserialize_with = "quantity")]
        quantity: Option<i64>,
    }

    fn row(text: &str) -> Result<Row, String> {
        let backend = BackendName::parse("mp").unwrap();
        decode_bytes::<Row>(&backend, text.as_bytes()).map_err(|e| match e {
            Error::Malformed { path, .. } => path,
            other => format!("{other:?}"),
        })
    }

    // Ids and codes as numbers (digits kept as sent, however many) or strings; null is absent; anything else
    // is refused naming the field.
    #[test]
    fn flex_from_the_bytes() {
        assert_eq!(row(r#"{"id": 11089919}"#).unwrap().id, Flex("11089919".into()));
        assert_eq!(row(r#"{"id": "42209911"}"#).unwrap().id, Flex("42209911".into()));
        assert_eq!(row(r#"{"id": -3}"#).unwrap().id, Flex("-3".into()));
        assert_eq!(
            row(r#"{"id": 123456789012345678901234567890}"#).unwrap().id.0,
            "123456789012345678901234567890"
        );
        assert_eq!(row(r#"{"id": 1.50}"#).unwrap().id.0, "1.50");
        assert_eq!(row(r#"{"id": 1, "code": null}"#).unwrap().code, None);
        assert_eq!(row(r#"{"id": 1, "code": 3484}"#).unwrap().code, Some(Flex("3484".into())));
        for bad in
            [r#"{"id": true}"#, r#"{"id": {}}"#, r#"{"id": {"a": 1}}"#, r#"{"id": [1]}"#, r#"{"id": null}"#]
        {
            assert_eq!(row(bad).unwrap_err(), "id", "{bad}");
        }
    }

    // Money as numbers or strings, exact; quantities whole, as numbers or strings.
    #[test]
    fn decimals_and_quantities_from_the_bytes() {
        let r = row(r#"{"id": 1, "amount": 33748.3334, "quantity": 2.0}"#).unwrap();
        assert_eq!(r.amount.map(|a| a.to_string()).as_deref(), Some("33748.3334"));
        assert_eq!(r.quantity, Some(2));
        let r = row(r#"{"id": 1, "amount": "453.05", "quantity": "15"}"#).unwrap();
        assert_eq!(r.amount.map(|a| a.to_string()).as_deref(), Some("453.05"));
        assert_eq!(r.quantity, Some(15));
        let r = row(r#"{"id": 1, "amount": null, "quantity": null}"#).unwrap();
        assert_eq!((r.amount, r.quantity), (None, None));
        assert_eq!(row(r#"{"id": 1, "quantity": 1.5}"#).unwrap_err(), "quantity");
        assert_eq!(row(r#"{"id": 1, "amount": "lots"}"#).unwrap_err(), "amount");
    }
}
