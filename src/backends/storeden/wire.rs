//! Exact serde mirrors of Storeden's order JSON (`developers.storeden.com/docs/orders`).
//!
//! Storeden is a PHP service over MongoDB, and its payloads show it: amounts are JSON floats, dates are either
//! strings with a colon-less offset (`+0100`) or Mongo's `{"sec", "usec"}` object, country and state are
//! numeric ids sent as strings, an empty PHP array is `[]` even where a map is meant, and ids may come as
//! numbers or strings. Every type here accepts both spellings where the shapes may differ, and every field
//! the documentation does not guarantee is an `Option`.

use std::fmt;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

/// What a list row's key reads: its id and date (serde skips the row's other fields).
#[derive(Debug, Deserialize)]
pub(super) struct RowKey {
    /// `orderID`.
    #[serde(rename = "orderID")]
    pub order_id: Text,
    /// `orderDate`, either shape.
    #[serde(rename = "orderDate", default)]
    pub order_date: Option<DateValue>,
    /// `{"orderDate": "…"}`, whose offset the date keeps.
    #[serde(default)]
    pub iso: Option<Iso>,
}

/// One row of `GET /orders/list.json`: the documented five fields plus the optional `nodes`.
#[derive(Clone, Debug, Deserialize)]
pub(super) struct ListRow {
    /// `orderID`, e.g. `132_5672eebab5aa6`.
    #[serde(rename = "orderID")]
    pub order_id: Text,
    /// Grand total, major units.
    #[serde(default)]
    pub total: Option<Decimal>,
    /// `"2015-12-17T18:19:54+0100"` in lists (either shape accepted).
    #[serde(rename = "orderDate", default)]
    pub order_date: Option<DateValue>,
    /// Status code 0–8.
    #[serde(default)]
    pub status: Option<Code>,
    /// `{"orderDate": "…"}`.
    #[serde(default)]
    pub iso: Option<Iso>,
    /// `billing.email` / `billing.fullname` nodes, when asked for and sent nested.
    #[serde(default)]
    pub billing: Option<PartyNodes>,
    /// `billing.email` node, when sent as a flat dotted key.
    #[serde(rename = "billing.email", default)]
    pub billing_email: Option<Text>,
    /// `billing.fullname` node, when sent as a flat dotted key.
    #[serde(rename = "billing.fullname", default)]
    pub billing_fullname: Option<Text>,
    /// `short_id` node.
    #[serde(default)]
    pub short_id: Option<Text>,
    /// `tags` node.
    #[serde(default)]
    pub tags: Option<Tags>,
}

/// The `billing` / `delivery` nodes of a list row (a subset of [`Party`]).
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct PartyNodes {
    /// E-mail.
    #[serde(default)]
    pub email: Option<Text>,
    /// Full name.
    #[serde(default)]
    pub fullname: Option<Text>,
}

/// `GET /orders/order.json?orderID=…`.
#[derive(Clone, Debug, Deserialize)]
pub(super) struct FullOrder {
    /// `orderID`.
    #[serde(rename = "orderID")]
    pub order_id: Text,
    /// Billing address and contact.
    #[serde(default)]
    pub billing: Option<Party>,
    /// Delivery address and contact.
    #[serde(default)]
    pub delivery: Option<Party>,
    /// Cart: items and the amounts that make up the total.
    #[serde(default)]
    pub cart: Option<Cart>,
    /// Grand total.
    #[serde(default)]
    pub total: Option<Decimal>,
    /// Customer id; `-1` for a guest.
    #[serde(rename = "userUID", default)]
    pub user_uid: Option<Text>,
    /// `{"sec", "usec"}` here (either shape accepted).
    #[serde(rename = "orderDate", default)]
    pub order_date: Option<DateValue>,
    /// Shipping method name.
    #[serde(default)]
    pub method: Option<Text>,
    /// Payment method name.
    #[serde(default)]
    pub payment: Option<Text>,
    /// Status code 0–8.
    #[serde(default)]
    pub status: Option<Code>,
    /// `{"orderDate": "…"}`.
    #[serde(default)]
    pub iso: Option<Iso>,
    /// Not in the documented example; read when present (same shapes as the list's `tags` node).
    #[serde(default)]
    pub tags: Option<Tags>,
    /// Not in the documented example; read when present (the list's `short_id` node).
    #[serde(default)]
    pub short_id: Option<Text>,
}

/// `billing` / `delivery` of a full order.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct Party {
    /// Street line.
    #[serde(default)]
    pub addr1: Option<Text>,
    /// Complement.
    #[serde(default)]
    pub addr2: Option<Text>,
    /// City.
    #[serde(default)]
    pub city: Option<Text>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<Text>,
    /// Full name.
    #[serde(default)]
    pub fullname: Option<Text>,
    /// Storeden's numeric country id, as a string (`"119"`).
    #[serde(default)]
    pub country: Option<Text>,
    /// Phone.
    #[serde(default)]
    pub phone: Option<Text>,
    /// Storeden's numeric state id, as a string (`"13637"`).
    #[serde(default)]
    pub state: Option<Text>,
    /// Postal code.
    #[serde(default)]
    pub zip: Option<Text>,
}

/// `cart` of a full order.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct Cart {
    /// Grand total (mirrors the top-level `total`).
    #[serde(default)]
    pub total: Option<Decimal>,
    /// Items: a map keyed `<productUID>#|#<optionKey>` (`order.json`) or an array (`legacy_order.json`).
    #[serde(default)]
    pub items: Option<Items>,
    /// Discount granted.
    #[serde(rename = "saleAmount", default)]
    pub sale_amount: Option<Decimal>,
    /// Shipping cost.
    #[serde(rename = "shippingAmount", default)]
    pub shipping_amount: Option<Decimal>,
    /// Shipping method name.
    #[serde(rename = "shippingProfile", default)]
    pub shipping_profile: Option<Text>,
    /// Surcharge for the payment method.
    #[serde(rename = "paymentAmount", default)]
    pub payment_amount: Option<Decimal>,
    /// Payment method name.
    #[serde(rename = "paymentProfile", default)]
    pub payment_profile: Option<Text>,
}

/// One cart item.
#[derive(Clone, Debug, Deserialize)]
pub(super) struct Item {
    /// Quantity.
    pub count: Count,
    /// Unit price.
    pub price: Decimal,
    /// Variant options (`"xl_red"`).
    #[serde(default)]
    pub options: Option<Text>,
    /// Product title.
    #[serde(default)]
    pub title: Option<Text>,
    /// SKU; `""` when none.
    #[serde(default)]
    pub sku: Option<Text>,
    /// Product id (legacy array shape only).
    #[serde(default)]
    pub product_uid: Option<Text>,
}

/// `GET /orders/tracking.json?orderID=…`.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct TrackingInfo {
    /// Public tracking page.
    #[serde(default)]
    pub url: Option<Text>,
    /// Courier code (`"BRT"`).
    #[serde(default)]
    pub courier: Option<Text>,
    /// Tracking number.
    #[serde(default)]
    pub tracking: Option<Text>,
}

/// `{"orderDate": "2015-12-10T10:04:28+0100"}`.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct Iso {
    /// The order date (either shape accepted).
    #[serde(rename = "orderDate", default)]
    pub order_date: Option<DateValue>,
}

/// A Storeden date: a string (`"2015-12-17T18:19:54+0100"`) or Mongo's `{"sec": 1449745468, "usec": 65000}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub(super) enum DateValue {
    /// A date-time string.
    Text(String),
    /// Seconds and microseconds since the epoch.
    Epoch {
        /// Seconds.
        sec: Int,
        /// Microseconds.
        #[serde(default)]
        usec: Option<Int>,
    },
}

/// `{"ok": 1, "err": null}` (status update) and the undocumented error body mirrored on it.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct OkBody {
    /// `1` on success, `0` on failure (number, boolean or string accepted).
    #[serde(default)]
    pub ok: Option<serde_json::Value>,
    /// The error message, `null` on success.
    #[serde(default)]
    pub err: Option<serde_json::Value>,
}

/// `{"orderID": "…", "nAdded": 1}` / `{"orderID": "…", "nRemoved": 1}`.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct TagsResult {
    /// The order.
    #[serde(rename = "orderID", default)]
    pub order_id: Option<Text>,
    /// Tags added.
    #[serde(rename = "nAdded", default)]
    pub n_added: Option<Int>,
    /// Tags removed.
    #[serde(rename = "nRemoved", default)]
    pub n_removed: Option<Int>,
}

/// A status code: documented as an int, accepted as a numeric string too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Code(pub i64);

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Int::deserialize(deserializer).map(|i| Code(i.0))
    }
}

/// An integer sent as a JSON number or a numeric string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Int(pub i64);

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        let parsed = match &value {
            serde_json::Value::Number(n) => n.as_i64().or_else(|| n.to_string().parse().ok()),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        parsed.map(Int).ok_or_else(|| de::Error::custom(format!("expected an integer, got {value}")))
    }
}

/// A quantity: an integer (number or numeric string); a float with no fraction (`1.0`) is accepted too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Count(pub i64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = <Decimal as Deserialize>::deserialize(deserializer)?;
        if value.fract().is_zero() {
            i64::try_from(value).map(Count).map_err(de::Error::custom)
        } else {
            Err(de::Error::custom(format!("expected a whole quantity, got {value}")))
        }
    }
}

/// A text field: a string, or a number / boolean rendered as text (ids such as `userUID` and
/// `product_uid` are numbers in the examples, `country` and `state` are numeric strings).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Text(pub String);

impl Text {
    /// The text, or `None` when it is empty or blank (Storeden sends `""` for "none").
    pub fn non_empty(&self) -> Option<String> {
        let trimmed = self.0.trim();
        (!trimmed.is_empty()).then(|| self.0.clone())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(s) => Ok(Text(s)),
            serde_json::Value::Number(n) => Ok(Text(n.to_string())),
            serde_json::Value::Bool(b) => Ok(Text(b.to_string())),
            other => Err(de::Error::custom(format!("expected a string, got {}", kind_of(&other)))),
        }
    }
}

/// Tags: a JSON array of names, or one comma-separated string (the shape Storeden takes them in).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Tags(pub Vec<String>);

impl<'de> Deserialize<'de> for Tags {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let names = match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::Null => Vec::new(),
            serde_json::Value::String(s) => s.split(',').map(str::to_string).collect(),
            serde_json::Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    serde_json::Value::String(s) => Ok(s),
                    serde_json::Value::Number(n) => Ok(n.to_string()),
                    other => Err(de::Error::custom(format!("expected a tag name, got {}", kind_of(&other)))),
                })
                .collect::<Result<_, _>>()?,
            other => {
                return Err(de::Error::custom(format!("expected tags, got {}", kind_of(&other))));
            }
        };
        Ok(Tags(names.into_iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect()))
    }
}

/// Cart items: `order.json` sends a map keyed `<productUID>#|#<optionKey>`, `legacy_order.json` an array, and
/// PHP encodes an empty map as `[]`. The map's document order is kept.
#[derive(Clone, Debug)]
pub(super) enum Items {
    /// `{"105251#|#xl_red": {…}}`, in document order.
    Keyed(Vec<(String, Item)>),
    /// `[{…, "product_uid": 105251}]`.
    Listed(Vec<Item>),
}

impl<'de> Deserialize<'de> for Items {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ItemsVisitor;

        impl<'de> Visitor<'de> for ItemsVisitor {
            type Value = Items;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map or an array of cart items")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Items, A::Error> {
                let mut items = Vec::new();
                while let Some((key, item)) = map.next_entry::<String, Item>()? {
                    items.push((key, item));
                }
                Ok(Items::Keyed(items))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Items, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Item>()? {
                    items.push(item);
                }
                Ok(Items::Listed(items))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Items, E> {
                Ok(Items::Listed(Vec::new()))
            }
        }

        deserializer.deserialize_any(ItemsVisitor)
    }
}

fn kind_of(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
