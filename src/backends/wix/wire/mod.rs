//! Exact serde mirrors of the Wix eCommerce Orders v1, Fulfillments and Tags JSON (private to the adapter).
//!
//! Money is `{"amount":"85.00","formattedAmount":"$85.00"}`: a decimal string in major units (zero may be `"0"`);
//! `Decimal` deserializes it from a string or a number alike. Every field the vendor may omit is an `Option` or
//! defaults; enum-like strings keep unknown values in an `Other(String)` fallback.

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

pub use super::status::{FulfillmentStatus, OrderStatus, PaymentStatus};
pub use tags::{BulkUpdateResponse, CreateTagResponse, ListTagsResponse, Tag};

mod tags;

/// `metadata` of a search answer (its `count` is the size of this page, not a total, so it is not read).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchMetadata {
    /// Cursors to the neighbouring pages.
    #[serde(default)]
    pub cursors: Cursors,
    /// Whether a next page exists.
    pub has_next: Option<bool>,
}

/// `metadata.cursors`.
#[derive(Debug, Default, Deserialize)]
pub struct Cursors {
    /// Cursor of the next page.
    pub next: Option<String>,
}

/// `POST /ecom/v1/orders/search` answer, orders kept as their raw text: each is decoded on its own (naming
/// `orders[i]` on failure) and its text kept as `native`, without building a `serde_json::Value`.
#[derive(Debug, Deserialize)]
pub struct SearchResponse {
    /// The page's orders, raw.
    #[serde(default)]
    pub orders: Vec<Box<RawValue>>,
    /// Paging metadata.
    #[serde(default)]
    pub metadata: SearchMetadata,
}

/// What a search row's key reads: its id and creation date (serde skips the row's other fields).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowKey {
    /// GUID.
    pub id: String,
    /// ISO-8601 UTC with milliseconds.
    pub created_date: String,
}

/// `GET /ecom/v1/orders/{id}` answer.
#[derive(Debug, Deserialize)]
pub struct GetOrderResponse {
    /// The order, raw.
    pub order: Box<RawValue>,
}

/// A price: a decimal string in major units (`formattedAmount`, display text, is not read).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Price {
    /// `"85.00"`, `"0"`.
    pub amount: Decimal,
}

/// `order.priceSummary`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceSummary {
    /// Line items before shipping, tax and order discounts.
    pub subtotal: Option<Price>,
    /// Shipping.
    pub shipping: Option<Price>,
    /// Tax.
    pub tax: Option<Price>,
    /// Discounts (positive).
    pub discount: Option<Price>,
    /// Grand total.
    pub total: Option<Price>,
    /// Grand total under its beta-era name (the documented Get Order example has only this one; payloads may
    /// carry both).
    pub total_price: Option<Price>,
}

/// `{original, translated}` text.
#[derive(Debug, Default, Deserialize)]
pub struct Translatable {
    /// As entered.
    pub original: Option<String>,
    /// In the buyer's language.
    pub translated: Option<String>,
}

/// `lineItems[].catalogReference`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogReference {
    /// The catalog item (product) id.
    pub catalog_item_id: Option<String>,
    /// Catalog-specific options; Wix Stores puts `variantId` here (the rest is not read).
    pub options: Option<CatalogOptions>,
}

/// `lineItems[].catalogReference.options`: any object; only a string `variantId` is read.
#[derive(Debug, Default, Deserialize)]
pub struct CatalogOptions {
    /// The Wix Stores variant, as sent (any JSON type; only a string is used).
    #[serde(rename = "variantId", default)]
    pub variant_id: Option<Box<RawValue>>,
}

/// The text of a JSON string kept raw; `None` for any other JSON type (or a string that does not decode).
pub fn raw_string(raw: &RawValue) -> Option<String> {
    let text = raw.get();
    if text.starts_with('"') { serde_json::from_str(text).ok() } else { None }
}

/// The text of a JSON string or number kept raw (a number keeps its digits as sent); `None` for other types.
pub fn raw_string_or_number(raw: &RawValue) -> Option<String> {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'"') => serde_json::from_str(text).ok(),
        Some(b'-' | b'0'..=b'9') => Some(text.to_string()),
        _ => None,
    }
}

/// `lineItems[].descriptionLines[]`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescriptionLine {
    /// The option's name (`Weight`).
    pub name: Option<Translatable>,
    /// A plain-text value (`500g`).
    pub plain_text: Option<Translatable>,
    /// A colour value's name.
    pub color_info: Option<Translatable>,
    /// A colour value, older shape.
    pub color: Option<String>,
}

/// `lineItems[].image`.
#[derive(Debug, Default, Deserialize)]
pub struct Image {
    /// Picture URL.
    pub url: Option<String>,
}

/// `lineItems[].physicalProperties`.
#[derive(Debug, Default, Deserialize)]
pub struct PhysicalProperties {
    /// Stock-keeping unit.
    pub sku: Option<String>,
}

/// One `lineItems[]` entry.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineItem {
    /// Line GUID.
    pub id: Option<String>,
    /// Product name.
    #[serde(default)]
    pub product_name: Translatable,
    /// Catalog ids.
    #[serde(default)]
    pub catalog_reference: CatalogReference,
    /// Quantity.
    #[serde(default)]
    pub quantity: i64,
    /// Unit price.
    pub price: Option<Price>,
    /// Line total after tax.
    pub total_price_after_tax: Option<Price>,
    /// Options chosen (size, colour).
    #[serde(default)]
    pub description_lines: Vec<DescriptionLine>,
    /// Picture.
    #[serde(default)]
    pub image: Image,
    /// SKU and weight.
    #[serde(default)]
    pub physical_properties: PhysicalProperties,
}

/// `buyerInfo`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuyerInfo {
    /// Contact id.
    pub contact_id: Option<String>,
    /// Member id, when the buyer is a site member.
    pub member_id: Option<String>,
    /// E-mail (only here in eCom orders).
    pub email: Option<String>,
}

/// `streetAddress`.
#[derive(Debug, Default, Deserialize)]
pub struct StreetAddress {
    /// House number.
    pub number: Option<String>,
    /// Street name.
    pub name: Option<String>,
}

/// The eCom address object.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// Main line.
    pub address_line: Option<String>,
    /// Complement.
    pub address_line2: Option<String>,
    /// Street name and number, when given apart.
    pub street_address: Option<StreetAddress>,
    /// City.
    pub city: Option<String>,
    /// ISO 3166-2 subdivision (`US-NY`).
    pub subdivision: Option<String>,
    /// ISO 3166-1 alpha-2 country.
    pub country: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Country name.
    pub country_fullname: Option<String>,
}

/// `contactDetails`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactDetails {
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Company.
    pub company: Option<String>,
}

/// `{address, contactDetails}` as in `billingInfo` and `shippingDestination`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressWithContact {
    /// Postal address.
    pub address: Option<Address>,
    /// Recipient.
    pub contact_details: Option<ContactDetails>,
}

/// `shippingInfo.logistics`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Logistics {
    /// Where the goods go (absent for pickup).
    pub shipping_destination: Option<AddressWithContact>,
}

/// `shippingInfo`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingInfo {
    /// Shipping option title (`U.S Shipping`).
    pub title: Option<String>,
    /// Delivery details.
    pub logistics: Option<Logistics>,
}

/// `channelInfo`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelInfo {
    /// `WEB`, `POS`, `EBAY`, `AMAZON`, `OTHER_PLATFORM`, …
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The order's id on that channel.
    pub external_order_id: Option<String>,
}

/// `{tagIds}`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagIds {
    /// Tag GUIDs.
    #[serde(default)]
    pub tag_ids: Vec<String>,
}

/// `order.tags`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderTags {
    /// Public tags.
    pub tags: Option<TagIds>,
    /// Private tags.
    pub private_tags: Option<TagIds>,
}

/// The eCom order object, as far as the adapter reads it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// GUID.
    pub id: String,
    /// Number shown to people: a string in JSON (`"10108"`), a number in the schema; both accepted (kept raw,
    /// read with [`raw_string_or_number`]).
    pub number: Option<Box<RawValue>>,
    /// ISO-8601 UTC with milliseconds.
    pub created_date: String,
    /// Last change.
    pub updated_date: Option<String>,
    /// Lines.
    #[serde(default)]
    pub line_items: Vec<LineItem>,
    /// Buyer.
    pub buyer_info: Option<BuyerInfo>,
    /// Payment status.
    pub payment_status: Option<PaymentStatus>,
    /// Fulfilment status.
    pub fulfillment_status: Option<FulfillmentStatus>,
    /// Order status.
    pub status: Option<OrderStatus>,
    /// ISO 4217.
    pub currency: Option<String>,
    /// Totals.
    pub price_summary: Option<PriceSummary>,
    /// Billing address and contact.
    pub billing_info: Option<AddressWithContact>,
    /// Shipping.
    pub shipping_info: Option<ShippingInfo>,
    /// Buyer's note.
    pub buyer_note: Option<String>,
    /// Sales channel.
    pub channel_info: Option<ChannelInfo>,
    /// Tag ids.
    pub tags: Option<OrderTags>,
}

/// The eCom order object as far as its summary reads it ([`Known::SUMMARY`]): the rest (line items,
/// addresses, buyer, …) is skipped unread, which makes a list row's summary a third of the cost of the order.
///
/// [`Known::SUMMARY`]: crate::domain::Known::SUMMARY
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderSummary {
    /// GUID.
    pub id: String,
    /// As in [`Order::number`].
    pub number: Option<Box<RawValue>>,
    /// ISO-8601 UTC with milliseconds.
    pub created_date: String,
    /// Last change.
    pub updated_date: Option<String>,
    /// Payment status.
    pub payment_status: Option<PaymentStatus>,
    /// Fulfilment status.
    pub fulfillment_status: Option<FulfillmentStatus>,
    /// Order status.
    pub status: Option<OrderStatus>,
    /// ISO 4217.
    pub currency: Option<String>,
    /// Totals.
    pub price_summary: Option<PriceSummary>,
}

/// The fields an order's summary is built from, borrowed from either decoded shape.
pub struct Head<'a> {
    /// GUID.
    pub id: &'a str,
    /// Number shown to people, raw.
    pub number: Option<&'a RawValue>,
    /// Creation date-time.
    pub created_date: &'a str,
    /// Last change.
    pub updated_date: Option<&'a str>,
    /// Payment status.
    pub payment_status: Option<&'a PaymentStatus>,
    /// Fulfilment status.
    pub fulfillment_status: Option<&'a FulfillmentStatus>,
    /// Order status.
    pub status: Option<&'a OrderStatus>,
    /// ISO 4217.
    pub currency: &'a Option<String>,
    /// Totals.
    pub price_summary: Option<&'a PriceSummary>,
}

/// `head()` for the decoded shapes that carry a summary's fields (under the same names in both).
macro_rules! heads {
    ($($shape:ty),*) => {$(
        impl $shape {
            /// The summary's fields.
            pub fn head(&self) -> Head<'_> {
                Head {
                    id: &self.id,
                    number: self.number.as_deref(),
                    created_date: &self.created_date,
                    updated_date: self.updated_date.as_deref(),
                    payment_status: self.payment_status.as_ref(),
                    fulfillment_status: self.fulfillment_status.as_ref(),
                    status: self.status.as_ref(),
                    currency: &self.currency,
                    price_summary: self.price_summary.as_ref(),
                }
            }
        }
    )*};
}

heads!(Order, OrderSummary);

/// `details.applicationError` (also a bulk item's `error`).
#[derive(Debug, Default, Deserialize)]
pub struct ApplicationError {
    /// `NOT_FOUND`, `ALREADY_EXISTS`, …
    pub code: Option<String>,
    /// Human text.
    pub description: Option<String>,
}

/// One `details.validationError.fieldViolations[]` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldViolation {
    /// The offending field.
    pub field: Option<String>,
    /// What is wrong.
    pub description: Option<String>,
    /// Generic rule (`REQUIRED_FIELD`, `MAX`, …).
    pub violated_rule: Option<String>,
    /// Specific rule name.
    pub rule_name: Option<String>,
}

/// `details.validationError`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidationError {
    /// Violations.
    #[serde(default)]
    pub field_violations: Vec<FieldViolation>,
}

/// `details` of an error body.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetails {
    /// A business-rule refusal.
    pub application_error: Option<ApplicationError>,
    /// A request-validation refusal.
    pub validation_error: Option<ValidationError>,
}

/// A Wix error body: `{"message","details":{…}}` (5xx answers have an empty body).
#[derive(Debug, Default, Deserialize)]
pub struct ErrorBody {
    /// Summary.
    pub message: Option<String>,
    /// Structured details.
    #[serde(default)]
    pub details: ErrorDetails,
}
