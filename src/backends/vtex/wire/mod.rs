//! Exact serde mirrors of the VTEX OMS JSON this adapter reads and writes (private to the adapter).
//!
//! Only the fields the mapping reads are mirrored; the whole payload is kept untouched as `Order.native`.
//! Every field is optional (VTEX sends `null` for many of them and omits others), amounts are integer cents
//! (accepted as JSON integers, integral decimals such as `1160.0`, or strings of digits), and the list uses
//! `marketPlaceOrderId` (capital P) where the order uses `marketplaceOrderId`.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

pub use bodies::{CancelRequest, InvoiceItem, InvoiceRequest, TrackingRequest};

mod bodies;

/// Integer minor units ("cents"). VTEX documents integers; an integral decimal or a digit string is accepted
/// too, anything fractional is a decoding error (never silently rounded).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cents(pub i64);

impl<'de> Deserialize<'de> for Cents {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = <Decimal as Deserialize>::deserialize(deserializer)?;
        integral(value).map(Cents).ok_or_else(|| {
            serde::de::Error::custom(format!("expected an integer amount in cents, got {value}"))
        })
    }
}

/// A count (quantity, decimal digits) sent as an integer, an integral decimal (`1.0`) or a digit string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Count(pub i64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = <Decimal as Deserialize>::deserialize(deserializer)?;
        integral(value)
            .map(Count)
            .ok_or_else(|| serde::de::Error::custom(format!("expected an integer, got {value}")))
    }
}

fn integral(value: Decimal) -> Option<i64> {
    use rust_decimal::prelude::ToPrimitive as _;
    if value.fract().is_zero() { value.to_i64() } else { None }
}

/// A string VTEX documents as a string but that may arrive as a number (`sequence`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(s) => Ok(Text(s)),
            serde_json::Value::Number(n) => Ok(Text(n.to_string())),
            other => Err(serde::de::Error::custom(format!("expected a string or a number, got {other}"))),
        }
    }
}

// ---------------------------------------------------------------------------------------------- list

/// `GET /api/oms/pvt/orders` answer.
#[derive(Debug, Deserialize)]
pub struct ListResponse {
    /// The rows of this page, each kept as its JSON text (decoded into a [`ListRow`] on first use; the text
    /// becomes the order's `native`).
    #[serde(default)]
    pub list: Option<Vec<Box<RawValue>>>,
    /// Page counters (of the current query window only).
    #[serde(default)]
    pub paging: Option<Paging>,
}

/// `paging` of a list answer (`currentPage` and `perPage` echo the request and are not read).
#[derive(Debug, Deserialize)]
pub struct Paging {
    /// Orders matching the query (this `f_creationDate` window).
    #[serde(default)]
    pub total: Option<Count>,
    /// Pages at `perPage`.
    #[serde(default)]
    pub pages: Option<Count>,
}

/// What a list row's key reads: its id and creation date (serde skips the row's other fields).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowKey {
    /// Order id.
    pub order_id: String,
    /// Creation date, ISO 8601.
    pub creation_date: String,
}

/// One summary row of the list (`items` is always `null` there).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListRow {
    /// Order id (`v502556llux-01`).
    pub order_id: String,
    /// Creation date, ISO 8601 with up to 7 fractional digits.
    pub creation_date: String,
    /// Buyer's name.
    #[serde(default)]
    pub client_name: Option<String>,
    /// Order value in cents.
    #[serde(default)]
    pub total_value: Option<Cents>,
    /// Payment system names, comma separated.
    #[serde(default)]
    pub payment_names: Option<String>,
    /// API status; `null` for incomplete orders.
    #[serde(default)]
    pub status: Option<String>,
    /// Admin label of the status.
    #[serde(default)]
    pub status_description: Option<String>,
    /// Marketplace's order id (note the capital P, unlike the order).
    #[serde(default, rename = "marketPlaceOrderId")]
    pub market_place_order_id: Option<String>,
    /// Sequence number.
    #[serde(default)]
    pub sequence: Option<Text>,
    /// ISO 4217 currency.
    #[serde(default)]
    pub currency_code: Option<String>,
    /// Every item delivered: the list index's flag. VTEX's OpenAPI documents it on the rows of its masked
    /// order list (`/api/orders/extendsearch/orders`, same index); the OMS list sends it too, but its schema
    /// does not promise it, so a row without it has its delivery read from the full order.
    #[serde(default)]
    pub is_all_delivered: Option<bool>,
    /// Some item delivered (see `is_all_delivered`).
    #[serde(default)]
    pub is_any_delivered: Option<bool>,
}

// --------------------------------------------------------------------------------------------- order

/// `GET /api/oms/pvt/orders/{orderId}` answer (the fields the mapping reads).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VtexOrder {
    /// Order id.
    pub order_id: String,
    /// Sequence number (a string in the docs).
    #[serde(default)]
    pub sequence: Option<Text>,
    /// Marketplace's order id.
    #[serde(default)]
    pub marketplace_order_id: Option<String>,
    /// API status; `null` for incomplete orders.
    #[serde(default)]
    pub status: Option<String>,
    /// Admin label of the status (deprecated by VTEX, may be missing).
    #[serde(default)]
    pub status_description: Option<String>,
    /// Order total in cents.
    #[serde(default)]
    pub value: Option<Cents>,
    /// Creation date.
    pub creation_date: String,
    /// Last change.
    #[serde(default)]
    pub last_change: Option<String>,
    /// Totals by id: `Items`, `Discounts` (negative), `Shipping`, `Tax`.
    #[serde(default)]
    pub totals: Option<Vec<Total>>,
    /// Line items.
    #[serde(default)]
    pub items: Option<Vec<Item>>,
    /// The buyer.
    #[serde(default)]
    pub client_profile_data: Option<ClientProfile>,
    /// Shipping address and per-item logistics.
    #[serde(default)]
    pub shipping_data: Option<ShippingData>,
    /// Payments.
    #[serde(default)]
    pub payment_data: Option<PaymentData>,
    /// Invoices (packages).
    #[serde(default)]
    pub package_attachment: Option<PackageAttachment>,
    /// Currency and its decimal digits.
    #[serde(default)]
    pub store_preferences_data: Option<StorePreferences>,
    /// The marketplace the order came from.
    #[serde(default)]
    pub marketplace: Option<Marketplace>,
    /// Invoice data (its `address` is the invoicing address).
    #[serde(default)]
    pub invoice_data: Option<InvoiceData>,
    /// Free text attached to the order.
    #[serde(default)]
    pub open_text_field: Option<OpenTextField>,
}

/// One entry of `totals`.
#[derive(Debug, Deserialize)]
pub struct Total {
    /// `Items`, `Discounts`, `Shipping`, `Tax` (others are kept in `native` only).
    pub id: String,
    /// Value in cents.
    #[serde(default)]
    pub value: Option<Cents>,
}

/// One line item.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    /// Line id.
    #[serde(default)]
    pub unique_id: Option<String>,
    /// SKU id.
    #[serde(default)]
    pub id: Option<Text>,
    /// Product id.
    #[serde(default)]
    pub product_id: Option<Text>,
    /// Reference code of the SKU.
    #[serde(default)]
    pub ref_id: Option<String>,
    /// Product name.
    #[serde(default)]
    pub name: Option<String>,
    /// Quantity.
    #[serde(default)]
    pub quantity: Option<Count>,
    /// Unit price in cents.
    #[serde(default)]
    pub price: Option<Cents>,
    /// Unit selling price in cents (after item discounts): what was charged.
    #[serde(default)]
    pub selling_price: Option<Cents>,
    /// Units per quantity (weight-sold items); a decimal.
    #[serde(default)]
    pub unit_multiplier: Option<Decimal>,
    /// Picture.
    #[serde(default)]
    pub image_url: Option<String>,
    /// Price breakdown; the docs' schema says `priceDefinitions`, the example `priceDefinition`.
    #[serde(default, alias = "priceDefinitions")]
    pub price_definition: Option<PriceDefinition>,
}

/// `priceDefinition` of an item.
#[derive(Debug, Deserialize)]
pub struct PriceDefinition {
    /// Total of all units in cents.
    #[serde(default)]
    pub total: Option<Cents>,
}

/// `clientProfileData`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientProfile {
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Given name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Family name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// Company name (corporate buyers).
    #[serde(default)]
    pub corporate_name: Option<String>,
    /// Trade name (corporate buyers).
    #[serde(default)]
    pub trade_name: Option<String>,
    /// The buyer's profile id.
    #[serde(default)]
    pub user_profile_id: Option<String>,
}

/// `shippingData`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingData {
    /// Delivery address.
    #[serde(default)]
    pub address: Option<VtexAddress>,
    /// Per-item logistics, with the chosen SLA.
    #[serde(default)]
    pub logistics_info: Option<Vec<LogisticsInfo>>,
    /// Tracking given by a marketplace (labels).
    #[serde(default)]
    pub tracking_hints: Option<Vec<TrackingHint>>,
}

/// An address (`shippingData.address`, a payment's `billingAddress`, `invoiceData.address`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VtexAddress {
    /// Recipient.
    #[serde(default)]
    pub receiver_name: Option<String>,
    /// Postal code.
    #[serde(default)]
    pub postal_code: Option<String>,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// State.
    #[serde(default)]
    pub state: Option<String>,
    /// ISO 3166 alpha-3 country.
    #[serde(default)]
    pub country: Option<String>,
    /// Street.
    #[serde(default)]
    pub street: Option<String>,
    /// House number.
    #[serde(default)]
    pub number: Option<String>,
    /// Neighbourhood.
    #[serde(default)]
    pub neighborhood: Option<String>,
    /// Complement (apartment, floor).
    #[serde(default)]
    pub complement: Option<String>,
}

/// One entry of `logisticsInfo`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogisticsInfo {
    /// The SLA (shipping method) chosen.
    #[serde(default)]
    pub selected_sla: Option<String>,
}

/// One entry of `trackingHints`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackingHint {
    /// Tracking number.
    #[serde(default)]
    pub tracking_id: Option<String>,
    /// Carrier.
    #[serde(default)]
    pub courier_name: Option<String>,
    /// Tracking page.
    #[serde(default)]
    pub tracking_url: Option<String>,
}

/// `paymentData`.
#[derive(Debug, Deserialize)]
pub struct PaymentData {
    /// Transactions.
    #[serde(default)]
    pub transactions: Option<Vec<Transaction>>,
}

/// One transaction.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transaction {
    /// Whether the transaction is active.
    #[serde(default)]
    pub is_active: Option<bool>,
    /// Its payments.
    #[serde(default)]
    pub payments: Option<Vec<Payment>>,
}

/// One payment.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    /// Payment system name (`Visa`, `Pix`, `Boleto Bancário`).
    #[serde(default)]
    pub payment_system_name: Option<String>,
    /// The card's billing address.
    #[serde(default)]
    pub billing_address: Option<VtexAddress>,
}

/// `packageAttachment`.
#[derive(Debug, Deserialize)]
pub struct PackageAttachment {
    /// Packages (one per invoice).
    #[serde(default)]
    pub packages: Option<Vec<Package>>,
}

/// One package (invoice).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Package {
    /// Carrier.
    #[serde(default)]
    pub courier: Option<String>,
    /// Invoice number.
    #[serde(default)]
    pub invoice_number: Option<String>,
    /// Tracking number.
    #[serde(default)]
    pub tracking_number: Option<String>,
    /// Tracking page.
    #[serde(default)]
    pub tracking_url: Option<String>,
    /// `Output` (sale) or `Input` (return).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// The carrier's progress, set by the tracking update; `null` before any.
    #[serde(default)]
    pub courier_status: Option<CourierStatus>,
}

/// `courierStatus` of a package.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CourierStatus {
    /// `true` once the package is delivered (the tracking update's `isDelivered`; `deliveredDate` says when).
    #[serde(default)]
    pub finished: Option<bool>,
}

/// `storePreferencesData`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorePreferences {
    /// ISO 4217 currency.
    #[serde(default)]
    pub currency_code: Option<String>,
    /// Formatting, with the decimal digits of amounts.
    #[serde(default)]
    pub currency_format_info: Option<CurrencyFormatInfo>,
}

/// `currencyFormatInfo` (PascalCase on the wire).
#[derive(Debug, Deserialize)]
pub struct CurrencyFormatInfo {
    /// Decimal digits of the cents amounts.
    #[serde(default, rename = "CurrencyDecimalDigits")]
    pub currency_decimal_digits: Option<Count>,
}

/// `marketplace`.
#[derive(Debug, Deserialize)]
pub struct Marketplace {
    /// The marketplace's name.
    #[serde(default)]
    pub name: Option<String>,
}

/// `invoiceData`.
#[derive(Debug, Deserialize)]
pub struct InvoiceData {
    /// Invoicing address.
    #[serde(default)]
    pub address: Option<VtexAddress>,
}

/// `openTextField`.
#[derive(Debug, Deserialize)]
pub struct OpenTextField {
    /// The text.
    #[serde(default)]
    pub value: Option<String>,
}

// ------------------------------------------------------------------------------------------- errors

/// The documented error body: `{"error":{"code","message","exception"}}`.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The inner error object.
#[derive(Debug, Deserialize)]
pub struct ErrorDetail {
    /// OMS code (`OMS003`, `1`); a string in the docs, accepted as a number too.
    #[serde(default)]
    pub code: Option<Text>,
    /// Message.
    #[serde(default)]
    pub message: Option<String>,
}
