//! The MerchantPro order as the sandbox keeps it, and its rendering to the documented JSON shape
//! (flattened `billing_*`/`shipping_*` addresses, floats in major units, `+02:00`/`+03:00` store-time dates).

use std::collections::HashMap;

use chrono::{Datelike, Duration, FixedOffset, NaiveDate, Offset, TimeZone, Utc};
use rust_decimal::Decimal;
use serde_json::{Map, Number, Value, json};

#[cfg(test)]
/// Payment statuses of the field table, plus the doc examples' `cancelled` spelling.
pub(super) const PAYMENT_STATUSES: &[&str] =
    &["temporary", "awaiting", "paid", "failed", "canceled", "refunded", "rejected", "cancelled"];
#[cfg(test)]
/// Delivery statuses of the field table.
pub(super) const SHIPPING_STATUSES: &[&str] =
    &["awaiting", "confirmed", "in_process", "shipped", "delivered", "returned", "cancelled"];

/// Romanian labels, as the store (ro_RO) shows them in `payment_status_text`.
fn payment_status_text(status: &str) -> &'static str {
    match status {
        "temporary" => "Plata temporara",
        "awaiting" => "Plata in asteptare",
        "paid" => "Plata confirmata",
        "failed" => "Plata esuata",
        "canceled" | "cancelled" => "Plata anulata",
        "refunded" => "Plata rambursata",
        "rejected" => "Plata respinsa",
        _ => "",
    }
}

/// Romanian labels for `shipping_status_text`.
fn shipping_status_text(status: &str) -> &'static str {
    match status {
        "awaiting" => "Comanda in asteptare",
        "confirmed" => "Comanda confirmata",
        "in_process" => "Comanda in procesare",
        "shipped" => "Comanda expediata",
        "delivered" => "Comanda livrata",
        "returned" => "Comanda returnata",
        "cancelled" => "Comanda anulata",
        _ => "",
    }
}

/// One `line_items[]` row. Gross and line amounts are derived, so `gross = net + tax` always holds.
#[derive(Clone, Debug)]
pub(super) struct LineItem {
    pub item_type: &'static str,
    pub product_id: Option<u64>,
    pub variant_id: Option<u64>,
    /// `(option name, option value, option id)`, rendered as `variant_name` and `variant_options`.
    pub variant: Option<(String, String, u64)>,
    pub family_sku: Option<String>,
    pub product_sku: Option<String>,
    pub product_ean: Option<String>,
    pub product_name: String,
    pub product_url: Option<String>,
    pub product_image_url: Option<String>,
    pub tax_percent: u32,
    pub category: Option<(u64, &'static str)>,
    pub manufacturer: (u64, Option<&'static str>),
    pub quantity: u32,
    pub unit_net: Decimal,
    pub unit_tax: Decimal,
}

impl LineItem {
    pub fn line_gross(&self) -> Decimal {
        (self.unit_net + self.unit_tax) * Decimal::from(self.quantity)
    }
}

/// `invoice` object; `null` until one is issued.
#[derive(Clone, Debug)]
pub(super) struct Invoice {
    pub prefix: &'static str,
    pub number: String,
    pub cancelled: bool,
    pub url: String,
}

/// A flattened address block (`billing_*` or `shipping_*`).
#[derive(Clone, Debug, Default)]
pub(super) struct Address {
    pub name: String,
    pub country_code: String,
    pub country_name: String,
    pub state: String,
    pub city: String,
    pub address: String,
    pub postal_code: String,
    pub phone: String,
}

/// Billing extras for company customers.
#[derive(Clone, Debug)]
pub(super) struct Company {
    pub name: String,
    pub number: String,
    pub vat: String,
    pub bank_name: String,
    pub bank_account: String,
}

/// One order as stored. Dates are unix seconds, rendered in store time (Europe/Bucharest).
#[derive(Clone, Debug)]
pub(super) struct Order {
    pub id: u64,
    /// When set, `id` is emitted as a JSON string (the field table's type) instead of an int (the examples').
    pub id_as_string: bool,
    pub parent_id: Option<u64>,
    pub channel_name: Option<String>,
    pub channel_ref_id: Option<String>,
    pub payment_status: &'static str,
    pub payment_method_code: &'static str,
    pub payment_method_name: &'static str,
    pub payment_transaction_id: Option<String>,
    pub shipping_status: &'static str,
    pub shipping_method_id: u64,
    pub shipping_method_name: Option<String>,
    pub pickup: Option<(u64, String)>,
    pub delivery_time: Option<&'static str>,
    pub shipping_carrier_id: Option<String>,
    pub shipping_awb: Option<String>,
    pub shipping_amount: Option<Decimal>,
    pub shipping_tax_amount: Option<Decimal>,
    pub original_currency: Option<(&'static str, Decimal)>,
    pub coupon_code: Option<String>,
    pub customer_id: Option<u64>,
    pub customer_email: String,
    pub customer_ip_address: String,
    pub customer_ip_country: String,
    pub customer_device: &'static str,
    pub customer_lang: Option<&'static str>,
    pub customer_note: Option<String>,
    pub customer_notification: Option<String>,
    pub created: i64,
    pub modified: i64,
    pub shipped: Option<i64>,
    pub delivered: Option<i64>,
    pub created_by: &'static str,
    pub internal_notes: Vec<(u64, String)>,
    /// `(tag id, tag name)`, in the order they were set.
    pub tags: Vec<(u64, String)>,
    pub billing_type: &'static str,
    pub company: Option<Company>,
    pub billing: Address,
    pub shipping: Address,
    pub lines: Vec<LineItem>,
    pub invoice: Option<Invoice>,
    pub url_hash: String,
}

/// Base of the shop's public links (`info_url`, `proforma_url`, invoice and product URLs).
pub(super) const SHOP_URL: &str = "https://magazin.example.ro";

impl Order {
    /// `total_amount`: line gross subtotals (discount rows are negative) plus the tax-inclusive shipping.
    pub fn total(&self) -> Decimal {
        self.lines.iter().map(LineItem::line_gross).sum::<Decimal>()
            + self.shipping_amount.unwrap_or_default()
    }

    /// The order as the API renders it; `line_items` only when asked for.
    pub fn to_json(&self, with_lines: bool) -> Map<String, Value> {
        let mut m = Map::new();
        let id = if self.id_as_string { json!(self.id.to_string()) } else { json!(self.id) };
        m.insert("id".into(), id);
        m.insert("parent_id".into(), json!(self.parent_id));
        m.insert("return_source_id".into(), Value::Null);
        m.insert("rma_orders".into(), Value::Null);
        m.insert("channel_name".into(), json!(self.channel_name));
        m.insert("channel_ref_id".into(), json!(self.channel_ref_id));
        m.insert("payment_status".into(), json!(self.payment_status));
        m.insert("payment_status_text".into(), json!(payment_status_text(self.payment_status)));
        m.insert("payment_substatus_id".into(), Value::Null);
        m.insert("payment_substatus_text".into(), Value::Null);
        m.insert("payment_method_code".into(), json!(self.payment_method_code));
        m.insert("payment_method_name".into(), json!(self.payment_method_name));
        m.insert("payment_transaction_id".into(), json!(self.payment_transaction_id));
        m.insert("shipping_status".into(), json!(self.shipping_status));
        m.insert("shipping_status_text".into(), json!(shipping_status_text(self.shipping_status)));
        m.insert("shipping_substatus_id".into(), Value::Null);
        m.insert("shipping_substatus_text".into(), Value::Null);
        m.insert("shipping_method_id".into(), json!(self.shipping_method_id));
        m.insert("shipping_method_name".into(), json!(self.shipping_method_name));
        let delivery = match (&self.delivery_time, &self.pickup) {
            (None, None) => Value::Null,
            (time, pickup) => json!({
                "delivery_time": time,
                "pickup_address": pickup.as_ref().map(|(id, name)| json!({"id": id, "name": name})),
            }),
        };
        m.insert("shipping_delivery_info".into(), delivery);
        m.insert("shipping_carrier_id".into(), json!(self.shipping_carrier_id));
        m.insert("shipping_awb".into(), json!(self.shipping_awb));
        m.insert("shipping_amount".into(), opt_money(self.shipping_amount));
        m.insert("shipping_tax_amount".into(), opt_money(self.shipping_tax_amount));
        m.insert("total_amount".into(), money(self.total()));
        m.insert("currency".into(), json!("RON"));
        m.insert("original_currency".into(), json!(self.original_currency.map(|(c, _)| c)));
        m.insert("currency_rate".into(), opt_money(self.original_currency.map(|(_, r)| r)));
        m.insert("coupon_code".into(), json!(self.coupon_code));
        m.insert("customer_id".into(), json!(self.customer_id));
        m.insert("customer_email".into(), json!(self.customer_email));
        m.insert("customer_ip_address".into(), json!(self.customer_ip_address));
        m.insert("customer_ip_country".into(), json!(self.customer_ip_country));
        m.insert("customer_device".into(), json!(self.customer_device));
        m.insert("customer_lang".into(), json!(self.customer_lang));
        m.insert("customer_note".into(), json!(self.customer_note));
        m.insert("customer_notification".into(), json!(self.customer_notification));
        m.insert("date_created".into(), json!(store_time(self.created)));
        m.insert("date_modified".into(), json!(store_time(self.modified)));
        m.insert("date_shipped".into(), json!(self.shipped.map(store_time)));
        m.insert("date_delivered".into(), json!(self.delivered.map(store_time)));
        m.insert("created_by".into(), json!(self.created_by));
        m.insert("meta_fields".into(), Value::Null);
        let notes: Vec<Value> =
            self.internal_notes.iter().map(|(id, text)| json!({"id": id, "text": text})).collect();
        m.insert("internal_notes".into(), if notes.is_empty() { Value::Null } else { Value::Array(notes) });
        let tags: Vec<Value> = self.tags.iter().map(|(id, name)| json!({"id": id, "name": name})).collect();
        m.insert("tags".into(), if tags.is_empty() { Value::Null } else { Value::Array(tags) });
        m.insert("billing_type".into(), json!(self.billing_type));
        m.insert("billing_name".into(), json!(self.billing.name));
        m.insert("billing_identity_number".into(), Value::Null);
        let c = self.company.as_ref();
        m.insert("billing_company_name".into(), json!(c.map(|c| &c.name)));
        m.insert("billing_company_number".into(), json!(c.map(|c| &c.number)));
        m.insert("billing_company_vat".into(), json!(c.map(|c| &c.vat)));
        m.insert("billing_company_bank_name".into(), json!(c.map(|c| &c.bank_name)));
        m.insert("billing_company_bank_account".into(), json!(c.map(|c| &c.bank_account)));
        address(&mut m, "billing", &self.billing);
        address(&mut m, "shipping", &self.shipping);
        if with_lines {
            m.insert("line_items".into(), Value::Array(self.lines.iter().map(line_json).collect()));
        }
        let invoice = self.invoice.as_ref().map(|i| {
            json!({"prefix": i.prefix, "number": i.number, "app": "billing", "cancelled": i.cancelled, "url": i.url})
        });
        m.insert("invoice".into(), json!(invoice));
        m.insert("info_url".into(), json!(format!("{SHOP_URL}/comanda/info/{}/{}", self.url_hash, self.id)));
        m.insert(
            "proforma_url".into(),
            json!(format!("{SHOP_URL}/comanda/proforma/{}/{}", self.url_hash, self.id)),
        );
        m
    }
}

fn address(m: &mut Map<String, Value>, prefix: &str, a: &Address) {
    if prefix == "shipping" {
        m.insert("shipping_name".into(), json!(a.name));
    }
    m.insert(format!("{prefix}_country_code"), json!(a.country_code));
    m.insert(format!("{prefix}_country_name"), json!(a.country_name));
    m.insert(format!("{prefix}_state"), json!(a.state));
    m.insert(format!("{prefix}_city"), json!(a.city));
    m.insert(format!("{prefix}_address"), json!(a.address));
    m.insert(format!("{prefix}_postal_code"), json!(a.postal_code));
    m.insert(format!("{prefix}_phone"), json!(a.phone));
}

fn line_json(l: &LineItem) -> Value {
    let qty = Decimal::from(l.quantity);
    let mut m = Map::new();
    m.insert("item_type".into(), json!(l.item_type));
    m.insert("product_id".into(), json!(l.product_id));
    m.insert("variant_id".into(), json!(l.variant_id));
    let (variant_name, options) = match &l.variant {
        Some((name, value, id)) => {
            (json!(format!("{name}: {value}")), json!([{"id": id, "name": name, "value": value}]))
        }
        None => (Value::Null, Value::Null),
    };
    m.insert("variant_name".into(), variant_name);
    m.insert("variant_options".into(), options);
    m.insert("family_sku".into(), json!(l.family_sku));
    m.insert("product_sku".into(), json!(l.product_sku));
    m.insert("product_ean".into(), json!(l.product_ean));
    m.insert("product_name".into(), json!(l.product_name));
    m.insert("product_url".into(), json!(l.product_url));
    m.insert("product_image_url".into(), json!(l.product_image_url));
    m.insert("product_tax_name".into(), json!("TVA"));
    m.insert("product_tax_percent".into(), json!(l.tax_percent));
    m.insert("category_id".into(), json!(l.category.map(|c| c.0)));
    m.insert("category_name".into(), json!(l.category.map(|c| c.1)));
    m.insert("manufacturer_id".into(), json!(l.manufacturer.0));
    m.insert("manufacturer_name".into(), json!(l.manufacturer.1));
    m.insert("quantity".into(), json!(l.quantity));
    m.insert("unit_price_net".into(), money(l.unit_net));
    m.insert("unit_tax_amount".into(), money(l.unit_tax));
    m.insert("unit_price_gross".into(), money(l.unit_net + l.unit_tax));
    m.insert("line_subtotal_net".into(), money(l.unit_net * qty));
    m.insert("line_tax_amount".into(), money(l.unit_tax * qty));
    m.insert("line_subtotal_gross".into(), money(l.line_gross()));
    m.insert("meta_fields".into(), Value::Null);
    Value::Object(m)
}

/// A money amount as a JSON number whose text is the exact decimal (`109`, `91.6`, `33.6134`).
pub(super) fn money(d: Decimal) -> Value {
    let text = if d.is_zero() { "0".to_string() } else { d.normalize().to_string() };
    text.parse::<Number>().map(Value::Number).unwrap_or(Value::Null)
}

fn opt_money(d: Option<Decimal>) -> Value {
    d.map(money).unwrap_or(Value::Null)
}

/// Europe/Bucharest offset in seconds at a UTC instant: EEST (+03:00) from the last Sunday of March 01:00 UTC
/// to the last Sunday of October 01:00 UTC, EET (+02:00) otherwise.
pub(super) fn bucharest_offset(utc_secs: i64) -> i32 {
    let Some(t) = Utc.timestamp_opt(utc_secs, 0).single() else { return 7200 };
    let switch = |month: u32| -> i64 {
        let Some(first_next) = NaiveDate::from_ymd_opt(t.year(), month + 1, 1) else { return 0 };
        let last = first_next - Duration::days(1);
        let sunday = last - Duration::days(i64::from(last.weekday().num_days_from_sunday()));
        sunday.and_hms_opt(1, 0, 0).map(|dt| dt.and_utc().timestamp()).unwrap_or(0)
    };
    if utc_secs >= switch(3) && utc_secs < switch(10) { 10800 } else { 7200 }
}

/// `2019-12-05T16:11:23+02:00`: seconds precision, store-time offset with a colon.
pub(super) fn store_time(utc_secs: i64) -> String {
    let offset = FixedOffset::east_opt(bucharest_offset(utc_secs)).unwrap_or_else(|| Utc.fix());
    match offset.timestamp_opt(utc_secs, 0).single() {
        Some(t) => t.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        None => String::new(),
    }
}

/// The tag registry: server-assigned ids, matched by exact (case-sensitive) name.
#[derive(Debug, Default)]
pub(super) struct TagRegistry {
    by_name: HashMap<String, u64>,
    names: HashMap<u64, String>,
    next_id: u64,
}

impl TagRegistry {
    /// The id of `name`, creating the tag when it does not exist yet.
    pub fn id_for(&mut self, name: &str) -> u64 {
        if let Some(id) = self.by_name.get(name) {
            return *id;
        }
        self.next_id += 1;
        self.by_name.insert(name.to_string(), self.next_id);
        self.names.insert(self.next_id, name.to_string());
        self.next_id
    }

    /// The name of an existing tag id.
    pub fn name_of(&self, id: u64) -> Option<&str> {
        self.names.get(&id).map(String::as_str)
    }
}
