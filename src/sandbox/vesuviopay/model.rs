//! The sandbox's order model and its rendering in VesuvioPay's wire format: camelCase keys, money as JSON
//! decimal numbers in major units with two decimals (`159.97`, `10.00`), dates as `2025-10-08T10:30:00Z`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Number, Value, json};

/// The documented order status vocabulary (PascalCase on the wire). Line items' `itemStatus` uses it too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Status {
    Pending,
    Confirmed,
    Processing,
    Shipped,
    PartiallyShipped,
    Delivered,
    PartiallyDelivered,
    Cancelled,
    Refunded,
}

impl Status {
    /// Every value, in the documented order.
    pub(super) const ALL: [Status; 9] = [
        Status::Pending,
        Status::Confirmed,
        Status::Processing,
        Status::Shipped,
        Status::PartiallyShipped,
        Status::Delivered,
        Status::PartiallyDelivered,
        Status::Cancelled,
        Status::Refunded,
    ];

    /// The wire value.
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "Pending",
            Status::Confirmed => "Confirmed",
            Status::Processing => "Processing",
            Status::Shipped => "Shipped",
            Status::PartiallyShipped => "PartiallyShipped",
            Status::Delivered => "Delivered",
            Status::PartiallyDelivered => "PartiallyDelivered",
            Status::Cancelled => "Cancelled",
            Status::Refunded => "Refunded",
        }
    }

    /// Parses a status, ignoring case (payloads use PascalCase, some vendor SDK examples lowercase).
    pub(super) fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The `itemStatus` of line `line` of `lines` in an order of this status: a partial status marks the
    /// first line as done and the others as one step behind (a single line keeps the partial value).
    pub(super) fn for_line(self, line: usize, lines: usize) -> Status {
        match (self, lines > 1, line == 0) {
            (Status::PartiallyShipped, true, true) => Status::Shipped,
            (Status::PartiallyShipped, true, false) => Status::Processing,
            (Status::PartiallyDelivered, true, true) => Status::Delivered,
            (Status::PartiallyDelivered, true, false) => Status::Shipped,
            (status, _, _) => status,
        }
    }

    /// The documented transition table: Pending → Confirmed|Cancelled; Confirmed → Processing|Cancelled;
    /// Processing → Shipped|PartiallyShipped|Cancelled; Shipped → Delivered|PartiallyDelivered; any →
    /// Cancelled|Refunded. A move to the status the order already has is refused (see the module doc).
    pub(super) fn can_move_to(self, to: Status) -> bool {
        use Status::*;
        if self == to {
            return false;
        }
        matches!(
            (self, to),
            (_, Cancelled | Refunded)
                | (Pending, Confirmed)
                | (Confirmed, Processing)
                | (Processing, Shipped | PartiallyShipped)
                | (Shipped, Delivered | PartiallyDelivered)
        )
    }
}

/// A customer as the get endpoint shows it.
#[derive(Clone, Debug)]
pub(super) struct Customer {
    pub id: String,
    pub email: String,
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

/// A postal address (shipping or billing).
#[derive(Clone, Debug, Default)]
pub(super) struct Address {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub city: Option<String>,
    pub province: Option<String>,
    pub country: Option<String>,
    pub country_iso_code: Option<String>,
    pub postal_code: Option<String>,
    pub phone: Option<String>,
}

/// One line item. Money in cents internally.
#[derive(Clone, Debug)]
pub(super) struct Item {
    pub id: String,
    pub product_variant_id: String,
    pub external_product_id: Option<String>,
    pub external_variant_id: Option<String>,
    pub product_title: String,
    pub variant_title: Option<String>,
    pub sku: Option<String>,
    pub quantity: i64,
    pub unit_price: i64,
    pub item_status: Status,
}

/// How the order was paid.
#[derive(Clone, Debug)]
pub(super) struct Payment {
    pub method: String,
    pub display: String,
    pub last4: Option<String>,
    pub brand: Option<String>,
}

/// One order. Money in cents, times in unix seconds.
#[derive(Clone, Debug)]
pub(super) struct Order {
    pub id: String,
    pub order_number: String,
    pub external_order_id: Option<String>,
    pub platform_name: Option<String>,
    pub status: Status,
    pub customer: Customer,
    pub items: Vec<Item>,
    pub shipping_address: Address,
    pub billing_address: Option<Address>,
    pub subtotal: i64,
    pub shipping_total: i64,
    pub tax_total: i64,
    pub discount_total: i64,
    pub total_amount: i64,
    pub payment: Option<Payment>,
    pub placed_at: i64,
    pub updated_at: i64,
    pub delivery_instructions: Option<String>,
    pub metadata: Map<String, Value>,
}

/// Money in cents as a JSON number with exactly two decimals in its text (`1000` → `10.00`).
pub(super) fn money(cents: i64) -> Value {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let text = format!("{sign}{}.{:02}", abs / 100, abs % 100);
    text.parse::<Number>().map(Value::Number).unwrap_or(Value::Null)
}

/// Reads a JSON number as cents: at most two decimals, no exponent. `None` for anything else.
pub(super) fn cents_of(value: &Value) -> Option<i64> {
    let Value::Number(n) = value else { return None };
    let text = n.to_string();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() || frac.len() > 2 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    let cents = whole.checked_mul(100)?.checked_add(frac)?;
    Some(if negative { -cents } else { cents })
}

/// Unix seconds as `2025-10-08T10:30:00Z`.
pub(super) fn iso(unix: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// Parses a `dateFrom`/`dateTo` value to unix seconds: RFC 3339 (`2025-10-01T00:00:00.000Z`, offsets
/// allowed), a datetime without offset (taken as UTC) or a bare date (midnight UTC).
pub(super) fn parse_datetime(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp());
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some(t.and_utc().timestamp());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp())
}

fn opt(value: &Option<String>) -> Value {
    value.as_ref().map_or(Value::Null, |s| Value::String(s.clone()))
}

impl Order {
    /// Number of units over all lines (the documented example: 3 units → `itemCount: 3`).
    pub(super) fn item_count(&self) -> i64 {
        self.items.iter().map(|i| i.quantity).sum()
    }

    /// The list row (`data.orders[]`).
    pub(super) fn summary_json(&self) -> Value {
        json!({
            "id": self.id,
            "orderNumber": self.order_number,
            "externalOrderId": opt(&self.external_order_id),
            "status": self.status.as_str(),
            "customerId": self.customer.id,
            "customerEmail": self.customer.email,
            "customerPhone": opt(&self.customer.phone),
            "totalAmount": money(self.total_amount),
            "subtotal": money(self.subtotal),
            "taxTotal": money(self.tax_total),
            "shippingTotal": money(self.shipping_total),
            "discountTotal": money(self.discount_total),
            "itemCount": self.item_count(),
            "placedAt": iso(self.placed_at),
            "updatedAt": iso(self.updated_at),
        })
    }

    /// The full order (`data` of the get endpoint).
    pub(super) fn detail_json(&self) -> Value {
        let items: Vec<Value> = self
            .items
            .iter()
            .map(|i| {
                json!({
                    "id": i.id,
                    "productVariantId": i.product_variant_id,
                    "externalProductId": opt(&i.external_product_id),
                    "externalVariantId": opt(&i.external_variant_id),
                    "productTitle": i.product_title,
                    "variantTitle": opt(&i.variant_title),
                    "sku": opt(&i.sku),
                    "quantity": i.quantity,
                    "unitPrice": money(i.unit_price),
                    "totalPrice": money(i.unit_price * i.quantity),
                    "itemStatus": i.item_status.as_str(),
                })
            })
            .collect();
        let payment = self.payment.as_ref().map_or(Value::Null, |p| {
            json!({"method": p.method, "display": p.display, "last4": opt(&p.last4), "brand": opt(&p.brand)})
        });
        json!({
            "id": self.id,
            "orderNumber": self.order_number,
            "externalOrderId": opt(&self.external_order_id),
            "platformName": opt(&self.platform_name),
            "status": self.status.as_str(),
            "customer": {
                "id": self.customer.id,
                "email": self.customer.email,
                "phone": opt(&self.customer.phone),
                "firstName": opt(&self.customer.first_name),
                "lastName": opt(&self.customer.last_name),
            },
            "items": items,
            "shippingAddress": address_json(&self.shipping_address, true),
            "billingAddress": self.billing_address.as_ref().map_or(Value::Null, |a| address_json(a, false)),
            "totals": {
                "subtotal": money(self.subtotal),
                "shippingTotal": money(self.shipping_total),
                "taxTotal": money(self.tax_total),
                "discountTotal": money(self.discount_total),
                "totalAmount": money(self.total_amount),
            },
            "paymentMethod": payment,
            "placedAt": iso(self.placed_at),
            "updatedAt": iso(self.updated_at),
            "deliveryInstructions": opt(&self.delivery_instructions),
            "metadata": Value::Object(self.metadata.clone()),
        })
    }
}

/// An address. The shipping address carries every documented key (`address2`/`phone` null when
/// unknown); the billing address, like the documented example, leaves out `address2` and `phone` when
/// it has none.
fn address_json(a: &Address, shipping: bool) -> Value {
    let mut out = Map::new();
    let mut put = |key: &str, value: &Option<String>, always: bool| {
        if always || value.is_some() {
            out.insert(key.to_string(), opt(value));
        }
    };
    put("firstName", &a.first_name, true);
    put("lastName", &a.last_name, true);
    put("address1", &a.address1, true);
    put("address2", &a.address2, shipping);
    put("city", &a.city, true);
    put("province", &a.province, true);
    put("country", &a.country, true);
    put("countryIsoCode", &a.country_iso_code, true);
    put("postalCode", &a.postal_code, true);
    put("phone", &a.phone, shipping);
    Value::Object(out)
}

/// Reads an address object from a request body; `None` when it is not an object.
pub(super) fn address_from(value: &Value) -> Option<Address> {
    let object = value.as_object()?;
    let field = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_string);
    Some(Address {
        first_name: field("firstName"),
        last_name: field("lastName"),
        address1: field("address1"),
        address2: field("address2"),
        city: field("city"),
        province: field("province"),
        country: field("country"),
        country_iso_code: field("countryIsoCode"),
        postal_code: field("postalCode"),
        phone: field("phone"),
    })
}
