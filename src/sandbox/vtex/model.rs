//! The sandbox's own order model and its rendering into VTEX's wire JSON (list rows and full orders).

use std::collections::HashMap;

use std::sync::OnceLock;

use chrono::{DateTime, Datelike, TimeZone, Timelike};
use serde::Serialize;
use serde_json::{Value, json};

/// Every API status value of backends.md §1.5 with the Admin label used as `statusDescription`.
pub(super) const STATUSES: &[(&str, &str)] = &[
    ("order-created", "Order created"),
    ("order-accepted", "Order accepted"),
    ("on-order-completed", "Processing"),
    ("on-order-completed-ffm", "Processing fulfillment"),
    ("payment-pending", "Payment pending"),
    ("payment-approved", "Payment approved"),
    ("request-cancel", "Cancellation requested"),
    ("cancellation-requested", "Cancellation requested"),
    ("cancel", "Canceling"),
    ("canceled", "Canceled"),
    ("window-to-change-payment", "Window to change payment"),
    ("window-to-change-seller", "Window to change seller"),
    ("waiting-for-authorization", "Waiting for seller confirmation"),
    ("waiting-for-fulfillment", "Waiting for fulfillment"),
    ("waiting-ffmt-authorization", "Waiting for fulfillment authorization"),
    ("waiting-for-manual-authorization", "Waiting for manual authorization"),
    ("authorize-fulfillment", "Authorize fulfillment"),
    ("window-to-cancel", "Window to cancel"),
    ("ready-for-handling", "Ready for handling"),
    ("start-handling", "Starting handling"),
    ("handling", "Handling shipping"),
    ("ready-for-invoicing", "Ready for invoicing"),
    ("invoice", "Verifying invoice"),
    ("invoiced", "Invoiced"),
    ("waiting-for-mkt-authorization", "Waiting for marketplace authorization"),
    ("waiting-seller-handling", "Waiting for seller handling"),
    ("waiting-for-seller-decision", "Waiting for seller decision"),
    ("approve-payment", "Approve payment"),
    ("order-create-error", "Order creation error"),
    ("order-creation-error", "Order creation error"),
    ("invoice-after-cancellation-deny", "Invoiced after cancellation denied"),
    ("replaced", "Replaced"),
    ("waiting-for-order-authorization", "Waiting for order authorization"),
];

/// Statuses before payment approval: no `authorizedDate`.
pub(super) const UNPAID: &[&str] = &[
    "order-created",
    "order-accepted",
    "on-order-completed",
    "on-order-completed-ffm",
    "payment-pending",
    "window-to-change-payment",
    "approve-payment",
    "order-create-error",
    "order-creation-error",
    "waiting-for-order-authorization",
    "waiting-for-manual-authorization",
];

/// Statuses whose orders carry an `Output` invoice package.
pub(super) const INVOICED: &[&str] = &["invoice", "invoiced", "invoice-after-cancellation-deny"];

/// Statuses from which cancellation is refused (invoiced, replaced, and the transient `*` ones).
const NOT_CANCELLABLE: &[&str] = &[
    "invoiced",
    "invoice-after-cancellation-deny",
    "replaced",
    "order-created",
    "cancel",
    "start-handling",
    "invoice",
];

/// The Admin label of a status.
pub(super) fn status_description(status: &str) -> &'static str {
    STATUSES.iter().find(|(s, _)| *s == status).map_or("", |(_, d)| d)
}

/// An instant in .NET ticks (100 ns) since the Unix epoch, VTEX's 7-digit precision.
pub(super) type Ticks = i64;

/// Ticks of a `DateTime`.
pub(super) fn ticks_of<Tz: TimeZone>(dt: &DateTime<Tz>) -> Ticks {
    dt.timestamp() * 10_000_000 + i64::from(dt.timestamp_subsec_nanos() / 100)
}

/// Formats ticks as VTEX does: `2024-02-04T20:09:43.8999580+00:00`; `trim` drops trailing zeros of the
/// fraction (`.899958`), as VTEX does on some fields, so the digit count varies from 0 to 7.
pub(super) fn vtex_date(ticks: Ticks, offset_hours: i32, trim: bool) -> String {
    let local = ticks + i64::from(offset_hours) * 3600 * 10_000_000;
    let secs = local.div_euclid(10_000_000);
    let frac = local.rem_euclid(10_000_000);
    let dt = DateTime::from_timestamp(secs, 0).unwrap_or_default().naive_utc();
    let mut fraction = format!("{frac:07}");
    if trim {
        while fraction.ends_with('0') {
            fraction.pop();
        }
    }
    let dot = if fraction.is_empty() { "" } else { "." };
    let sign = if offset_hours < 0 { '-' } else { '+' };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{dot}{fraction}{sign}{:02}:00",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        offset_hours.abs()
    )
}

/// The buyer.
#[derive(Clone, Debug)]
pub(super) struct Customer {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub document: String,
    pub corporate_name: Option<String>,
    pub user_profile_id: String,
}

/// The delivery address.
#[derive(Clone, Debug)]
pub(super) struct Address {
    pub address_id: String,
    pub receiver_name: String,
    pub postal_code: String,
    pub city: String,
    pub state: String,
    pub country_iso3: String,
    pub street: String,
    pub number: String,
    pub neighborhood: String,
    pub complement: Option<String>,
    pub geo: [f64; 2],
}

/// One line item; every amount in cents.
#[derive(Clone, Debug)]
pub(super) struct Item {
    pub unique_id: String,
    pub sku_id: String,
    pub product_id: String,
    pub ref_id: String,
    pub name: String,
    pub sku_name: String,
    pub image_url: String,
    pub quantity: i64,
    pub price: i64,
    pub list_price: i64,
    pub selling_price: i64,
    /// Tax per unit.
    pub tax: i64,
    /// Shipping price of this line (logisticsInfo price).
    pub shipping: i64,
}

/// The payment of the order.
#[derive(Clone, Debug)]
pub(super) struct Payment {
    pub transaction_id: String,
    pub payment_id: String,
    pub system: &'static str,
    pub system_name: &'static str,
    pub group: &'static str,
    pub installments: i64,
    pub tid: String,
}

/// The courier status of a package, set by the tracking update.
#[derive(Clone, Debug)]
pub(super) struct CourierStatus {
    pub status: String,
    pub finished: bool,
    pub delivered_date: Option<Ticks>,
    pub data: Vec<Value>,
}

/// A row of the list, in VTEX's field order and names (`marketPlaceOrderId`, PascalCase dates).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListRow<'a> {
    order_id: &'a str,
    creation_date: String,
    client_name: String,
    items: (),
    total_value: i64,
    payment_names: &'a str,
    status: &'a str,
    status_description: &'a str,
    market_place_order_id: Option<&'a str>,
    sequence: &'a str,
    sales_channel: &'a str,
    affiliate_id: &'a str,
    origin: &'a str,
    workflow_in_error_state: bool,
    workflow_in_retry: bool,
    last_message_unread: (),
    #[serde(rename = "ShippingEstimatedDate")]
    shipping_estimated_date: Option<String>,
    #[serde(rename = "ShippingEstimatedDateMax")]
    shipping_estimated_date_max: (),
    #[serde(rename = "ShippingEstimatedDateMin")]
    shipping_estimated_date_min: (),
    order_is_complete: bool,
    list_id: (),
    list_type: (),
    authorized_date: Option<String>,
    call_center_operator_name: (),
    total_items: i64,
    currency_code: &'a str,
    hostname: &'a str,
    invoice_output: Option<Vec<&'a str>>,
    invoice_input: Option<Vec<&'a str>>,
    last_change: String,
    is_all_delivered: bool,
    is_any_delivered: bool,
    gift_card_providers: (),
    order_form_id: String,
    payment_approved_date: Option<String>,
    ready_for_handling_date: (),
    delivery_dates: (),
}

/// One invoice package.
#[derive(Clone, Debug)]
pub(super) struct Package {
    pub kind: String,
    pub invoice_number: String,
    pub invoice_value: i64,
    pub invoice_key: Option<String>,
    pub invoice_url: Option<String>,
    pub embedded_invoice: String,
    pub issuance_date: String,
    pub courier: String,
    pub tracking_number: String,
    pub tracking_url: String,
    pub dispatched_date: Option<String>,
    /// `(itemIndex, quantity, unit price in cents)`.
    pub items: Vec<(usize, i64, i64)>,
    pub courier_status: Option<CourierStatus>,
    pub last_change: Ticks,
}

/// A cancellation that happened.
#[derive(Clone, Debug)]
pub(super) struct Cancellation {
    pub reason: Option<String>,
    pub date: Ticks,
    pub receipt: String,
    pub by_user: bool,
}

/// One order of the sandbox.
#[derive(Clone, Debug)]
pub(super) struct Order {
    pub order_id: String,
    pub sequence: String,
    pub status: String,
    pub created: Ticks,
    pub last_change: Ticks,
    pub authorized: Option<Ticks>,
    pub invoiced: Option<Ticks>,
    pub customer: Customer,
    pub address: Address,
    pub items: Vec<Item>,
    pub carrier: &'static str,
    pub sla: &'static str,
    pub estimate_days: i64,
    pub payment: Payment,
    pub packages: Vec<Package>,
    pub marketplace_order_id: Option<String>,
    pub affiliate_id: &'static str,
    pub sales_channel: &'static str,
    pub origin: &'static str,
    pub cancellation: Option<Cancellation>,
    pub interactions: Vec<Value>,
    /// The serialized list row, built on first use and dropped by every write.
    pub row_cache: OnceLock<String>,
}

/// All orders, newest first, with lookups by order id and sequence.
#[derive(Debug, Default)]
pub(super) struct Store {
    pub orders: Vec<Order>,
    pub by_id: HashMap<String, usize>,
    pub by_sequence: HashMap<String, usize>,
}

impl Store {
    /// The index of an order by id, `seq{sequence}` or bare sequence.
    pub fn find(&self, key: &str) -> Option<usize> {
        if let Some(&i) = self.by_id.get(key) {
            return Some(i);
        }
        let seq = key.strip_prefix("seq").unwrap_or(key);
        self.by_sequence.get(seq).copied()
    }
}

impl Order {
    /// The order group: the order id without its `-NN` suffix.
    pub fn group(&self) -> &str {
        self.order_id.rsplit_once('-').map_or(&self.order_id, |(g, _)| g)
    }
    pub fn items_total(&self) -> i64 {
        self.items.iter().map(|i| i.price * i.quantity).sum()
    }
    /// Negative, as VTEX shows it.
    pub fn discounts_total(&self) -> i64 {
        -self.items.iter().map(|i| (i.price - i.selling_price) * i.quantity).sum::<i64>()
    }
    pub fn shipping_total(&self) -> i64 {
        self.items.iter().map(|i| i.shipping).sum()
    }
    pub fn tax_total(&self) -> i64 {
        self.items.iter().map(|i| i.tax * i.quantity).sum()
    }
    /// Total value in cents.
    pub fn value(&self) -> i64 {
        self.items_total() + self.discounts_total() + self.shipping_total() + self.tax_total()
    }
    pub fn total_items(&self) -> i64 {
        self.items.iter().map(|i| i.quantity).sum()
    }
    pub fn client_name(&self) -> String {
        format!("{} {}", self.customer.first_name, self.customer.last_name)
    }
    /// Sum of the `Output` invoices.
    pub fn invoiced_value(&self) -> i64 {
        self.packages.iter().filter(|p| p.kind == "Output").map(|p| p.invoice_value).sum()
    }
    /// Has an `Output` invoice but not for the whole value.
    pub fn partially_invoiced(&self) -> bool {
        let invoiced = self.invoiced_value();
        invoiced > 0 && invoiced < self.value()
    }
    pub fn cancellable(&self) -> bool {
        !NOT_CANCELLABLE.contains(&self.status.as_str()) && !self.partially_invoiced()
    }
    fn shipping_estimate_date(&self) -> Ticks {
        self.authorized.unwrap_or(self.created) + self.estimate_days * 86_400 * 10_000_000
    }

    /// The serialized list row of `GET /api/oms/pvt/orders`, cached until the next write.
    pub fn list_row_text(&self) -> &str {
        self.row_cache.get_or_init(|| serde_json::to_string(&self.list_row()).unwrap_or_default())
    }

    /// The list row (a typed struct: much cheaper than a `json!` tree for 100 rows a page).
    fn list_row(&self) -> ListRow<'_> {
        let delivered: Vec<bool> = self
            .packages
            .iter()
            .filter(|p| p.kind == "Output")
            .map(|p| p.courier_status.as_ref().is_some_and(|c| c.finished))
            .collect();
        ListRow {
            order_id: &self.order_id,
            creation_date: vtex_date(self.created, 0, true),
            client_name: self.client_name(),
            items: (),
            total_value: self.value(),
            payment_names: self.payment.system_name,
            status: &self.status,
            status_description: status_description(&self.status),
            market_place_order_id: self.marketplace_order_id.as_deref(),
            sequence: &self.sequence,
            sales_channel: self.sales_channel,
            affiliate_id: self.affiliate_id,
            origin: self.origin,
            workflow_in_error_state: self.status.ends_with("error"),
            workflow_in_retry: false,
            last_message_unread: (),
            shipping_estimated_date: self
                .authorized
                .map(|_| vtex_date(self.shipping_estimate_date(), 0, true)),
            shipping_estimated_date_max: (),
            shipping_estimated_date_min: (),
            order_is_complete: true,
            list_id: (),
            list_type: (),
            authorized_date: self.authorized.map(|t| vtex_date(t, 0, true)),
            call_center_operator_name: (),
            total_items: self.total_items(),
            currency_code: "BRL",
            hostname: "sandboxstore",
            invoice_output: self.invoice_numbers("Output"),
            invoice_input: self.invoice_numbers("Input"),
            last_change: vtex_date(self.last_change, 0, false),
            is_all_delivered: !delivered.is_empty() && delivered.iter().all(|d| *d),
            is_any_delivered: delivered.iter().any(|d| *d),
            gift_card_providers: (),
            order_form_id: format!("{:032x}", self.created),
            payment_approved_date: self.authorized.map(|t| vtex_date(t, 0, true)),
            ready_for_handling_date: (),
            delivery_dates: (),
        }
    }

    fn invoice_numbers(&self, kind: &str) -> Option<Vec<&str>> {
        let numbers: Vec<&str> =
            self.packages.iter().filter(|p| p.kind == kind).map(|p| p.invoice_number.as_str()).collect();
        (!numbers.is_empty()).then_some(numbers)
    }
}

impl Package {
    /// `packageAttachment.packages[]` entry.
    pub fn to_json(&self) -> Value {
        let courier_status = self.courier_status.as_ref().map(|c| {
            json!({
                "status": c.status,
                "finished": c.finished,
                "deliveredDate": c.delivered_date.map(|t| vtex_date(t, 0, false)),
                "data": c.data,
            })
        });
        let items: Vec<Value> = self
            .items
            .iter()
            .map(|(index, quantity, price)| {
                json!({"itemIndex": index, "quantity": quantity, "price": price,
                       "description": null, "unitMultiplier": 1.0})
            })
            .collect();
        json!({
            "items": items,
            "courier": self.courier,
            "invoiceNumber": self.invoice_number,
            "invoiceValue": self.invoice_value,
            "invoiceUrl": self.invoice_url,
            "issuanceDate": self.issuance_date,
            "trackingNumber": self.tracking_number,
            "invoiceKey": self.invoice_key,
            "trackingUrl": self.tracking_url,
            "embeddedInvoice": self.embedded_invoice,
            "type": self.kind,
            "courierStatus": courier_status,
            "cfop": null,
            "restitutions": {},
            "volumes": 1,
            "EnableInferItems": false,
            "dispatchedDate": self.dispatched_date,
            "lastChange": vtex_date(self.last_change, 0, false),
        })
    }
}
