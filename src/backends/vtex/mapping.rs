//! VTEX wire → domain: full orders (from "get order") and summary orders (from list rows).

use futures::future::BoxFuture;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::value::RawValue;

use super::client::VtexClient;
use super::countries;
use super::status::{Delivery, needs_delivery, status_of};
use super::wire::{self, ListRow, VtexAddress, VtexOrder};
use crate::backends::rows::{self, RowFormat, RowKey};
use crate::backends::util::{RowAt, require_datetime};
use crate::domain::{
    Address, BackendName, Customer, Known, LineItem, Money, NativeJson, NativeOrderId, Order, OrderId,
    OrderTotals, Tracking,
};
use crate::error::{Error, Result};

/// Decimal digits of the cents amounts when `CurrencyDecimalDigits` is absent (the documented default).
pub const DEFAULT_DECIMAL_DIGITS: u32 = 2;

/// Most decimal digits accepted from `CurrencyDecimalDigits`.
const MAX_DECIMAL_DIGITS: u32 = 10;

/// Currencies whose ISO 4217 minor unit is not 2 (0, 3 or 4 digits). A list row carries cents but not the
/// store's `CurrencyDecimalDigits`, so its total is only trusted for 2-digit currencies.
const NOT_TWO_DIGIT_CURRENCIES: &[&str] = &[
    "BHD", "BIF", "CLF", "CLP", "DJF", "GNF", "IQD", "ISK", "JOD", "JPY", "KMF", "KRW", "KWD", "LYD", "OMR",
    "PYG", "RWF", "TND", "UGX", "UYI", "UYW", "VND", "VUV", "XAF", "XOF", "XPF",
];

fn malformed(backend: &BackendName, path: impl Into<String>, message: impl Into<String>) -> Error {
    Error::Malformed { backend: backend.to_string(), path: path.into(), message: message.into() }
}

/// A trimmed, non-empty string.
fn text(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// Non-empty parts joined with `sep`; `None` when all are empty.
fn join(parts: &[Option<&str>], sep: &str) -> Option<String> {
    let parts: Vec<&str> = parts.iter().filter_map(|p| p.map(str::trim)).filter(|p| !p.is_empty()).collect();
    (!parts.is_empty()).then(|| parts.join(sep))
}

/// Distinct non-empty values in first-seen order, joined with `, `.
fn distinct<'a>(values: impl Iterator<Item = Option<&'a str>>) -> Option<String> {
    let mut seen: Vec<&str> = Vec::new();
    for value in values.flatten().map(str::trim).filter(|v| !v.is_empty()) {
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    (!seen.is_empty()).then(|| seen.join(", "))
}

fn order_id(backend: &BackendName, native: &str, path: impl std::fmt::Display) -> Result<OrderId> {
    let native =
        NativeOrderId::parse(native).map_err(|reason| malformed(backend, path.to_string(), reason))?;
    Ok(OrderId::new(backend.clone(), native))
}

/// What a list row carries (`GET /api/oms/pvt/orders`, documented row fields): `totalValue` (the grand total,
/// trusted only for 2-digit currencies, see [`order_from_row`]), `clientName` (the customer's full name, as
/// the full order joins first and last name), `marketPlaceOrderId` (the external order id; when there is none,
/// there is no platform either), and tags (VTEX has none). Everything else (`paymentNames` included, which may
/// name inactive payments) needs the full order.
pub const ROW_KNOWN: Known =
    Known { total: true, customer_full_name: true, external_order_id: true, tags: true, ..Known::CORE };

/// How a list page's rows (`list[i]`) read: the key from `orderId` and `creationDate`, the summary order from
/// the whole row, read exactly alike. An invoiced row whose `isAllDelivered` / `isAnyDelivered` do not say
/// how far its goods arrived is read from the full order (`GET …/orders/{id}`, one call for that row, made when
/// the row is first decoded), so that a delivered order never lists as SHIPPED.
pub struct Rows {
    /// The backend.
    pub backend: BackendName,
    /// The configured `currency`, for rows without `currencyCode`.
    pub currency: Option<String>,
    /// The client that reads full orders; `None` reads rows alone (fuzzing), an undecided row as SHIPPED.
    pub client: Option<VtexClient>,
}

impl RowFormat for Rows {
    const ARRAY: &'static str = "list";
    type Key = wire::RowKey;

    fn backend(&self) -> &BackendName {
        &self.backend
    }

    fn key(&self, key: wire::RowKey, at: RowAt) -> Result<RowKey> {
        let id = order_id(&self.backend, &key.order_id, format_args!("{at}.orderId"))?;
        let placed_at =
            require_datetime(&self.backend, format_args!("{at}.creationDate"), &key.creation_date)?;
        Ok((id, placed_at))
    }

    fn order<'a>(&'a self, raw: &'a RawValue, at: RowAt) -> BoxFuture<'a, Result<Order>> {
        Box::pin(async move {
            let (row, native) = rows::decode_row::<ListRow>(&self.backend, raw, at)?;
            let order = order_from_row(&self.backend, &row, native, self.currency.as_deref())?;
            match &self.client {
                Some(client) if row_delivery(&row).is_none() => resolve_delivery(client, &row, order).await,
                _ => Ok(order),
            }
        })
    }
}

/// How far a row's goods arrived, when its status needs it and its flags say; `None` when the row alone
/// cannot tell (an invoiced row without `isAllDelivered` / `isAnyDelivered`).
fn row_delivery(row: &ListRow) -> Option<Delivery> {
    if needs_delivery(row.status.as_deref()) {
        Delivery::of_row_flags(row.is_all_delivered, row.is_any_delivered)
    } else {
        Some(Delivery::Nothing)
    }
}

/// An invoiced row whose delivery the row does not tell, read from the full order: the full order itself when
/// it is the row's order (same id and creation instant), else the row with the delivery the packages show.
async fn resolve_delivery(client: &VtexClient, row: &ListRow, order: Order) -> Result<Order> {
    let Some((wire, native)) = client.get(&order.id.native).await? else { return Ok(order) };
    let full = order_from_full(&order.id.backend, &wire, native)?;
    if full.id == order.id && full.placed_at == order.placed_at {
        return Ok(full);
    }
    let status = status_of(row.status.as_deref(), row.status_description.as_deref(), delivery(&wire));
    Ok(Order { status, ..order })
}

/// How far a full order's goods arrived: its outbound packages' `courierStatus.finished`.
pub fn delivery(wire: &VtexOrder) -> Delivery {
    let packages = wire.package_attachment.iter().flat_map(|p| p.packages.iter().flatten());
    Delivery::of_packages(
        packages
            .filter(|p| is_outbound(p))
            .map(|p| p.courier_status.as_ref().and_then(|c| c.finished).unwrap_or(false)),
    )
}

/// Whether a package is a sale (`Output`) rather than a return (`Input`); one without a type is a sale.
pub fn is_outbound(package: &wire::Package) -> bool {
    !package.kind.as_deref().is_some_and(|k| k.eq_ignore_ascii_case("Input"))
}

/// A summary order from a list row: id, number, status, placedAt, currency, and what the row really has.
/// `fallback_currency` (the backend's configured `currency`) is used only when the row has no `currencyCode`.
pub fn order_from_row(
    backend: &BackendName,
    row: &ListRow,
    native: NativeJson,
    fallback_currency: Option<&str>,
) -> Result<Order> {
    let id = order_id(backend, &row.order_id, "list[].orderId")?;
    let placed_at = require_datetime(backend, "list[].creationDate", &row.creation_date)?;
    let currency = text(row.currency_code.as_deref())
        .or_else(|| text(fallback_currency))
        .ok_or_else(|| malformed(backend, "list[].currencyCode", "missing, and no `currency` configured"))?;
    // An invoiced row whose flags do not tell its delivery reads SHIPPED here ([`Rows`] resolves it).
    let delivery = row_delivery(row).unwrap_or(Delivery::Nothing);
    let status = status_of(row.status.as_deref(), row.status_description.as_deref(), delivery);
    let mut order = Order::new(id, status, placed_at, currency.clone());
    order.number = row.sequence.as_ref().and_then(|s| text(Some(&s.0)));
    let mut known = ROW_KNOWN;
    // The row's cents are only unambiguous for 2-digit currencies (its decimal digits are not in the row).
    match row.total_value {
        Some(cents) if !NOT_TWO_DIGIT_CURRENCIES.contains(&currency.to_ascii_uppercase().as_str()) => {
            order.totals =
                OrderTotals::only_total(Money::from_minor(cents.0, DEFAULT_DECIMAL_DIGITS, currency.clone()));
        }
        _ => known.total = false,
    }
    // Only the name: e-mail, phone and the profile id come with the full order.
    order.customer = text(row.client_name.as_deref())
        .map(|name| Customer { full_name: Some(name), ..Customer::default() });
    known.customer_full_name = order.customer.is_some();
    // `paymentNames` alone is not claimed: the full order names the active payments only.
    order.payment_method = text(row.payment_names.as_deref());
    match text(row.market_place_order_id.as_deref()) {
        // The marketplace's name (externalPlatform) is not in the row.
        Some(external) => order.external_order_id = Some(external),
        None => known.external_platform = true,
    }
    order.native = native;
    order.known = known;
    Ok(order)
}

/// A full order from "get order"; `native` is the payload as received.
pub fn order_from_full(backend: &BackendName, wire: &VtexOrder, native: NativeJson) -> Result<Order> {
    let id = order_id(backend, &wire.order_id, "orderId")?;
    let placed_at = require_datetime(backend, "creationDate", &wire.creation_date)?;
    let prefs = wire.store_preferences_data.as_ref();
    let currency = text(prefs.and_then(|p| p.currency_code.as_deref()))
        .ok_or_else(|| malformed(backend, "storePreferencesData.currencyCode", "missing"))?;
    let digits =
        match prefs.and_then(|p| p.currency_format_info.as_ref()).and_then(|f| f.currency_decimal_digits) {
            None => DEFAULT_DECIMAL_DIGITS,
            Some(wire::Count(d)) => {
                u32::try_from(d).ok().filter(|d| *d <= MAX_DECIMAL_DIGITS).ok_or_else(|| {
                    malformed(
                        backend,
                        "storePreferencesData.currencyFormatInfo.CurrencyDecimalDigits",
                        format!("{d} is not a number of decimal digits"),
                    )
                })?
            }
        };
    let money = |cents: i64| Money::from_minor(cents, digits, currency.clone());

    let status = status_of(wire.status.as_deref(), wire.status_description.as_deref(), delivery(wire));
    let mut order = Order::new(id, status, placed_at, currency.clone());
    order.number = wire.sequence.as_ref().and_then(|s| text(Some(&s.0)));
    order.updated_at = match wire.last_change.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => Some(require_datetime(backend, "lastChange", text)?),
        None => None,
    };

    let total_of = |id: &str| {
        wire.totals
            .iter()
            .flatten()
            .filter(|t| t.id.eq_ignore_ascii_case(id))
            .filter_map(|t| t.value)
            .map(|c| c.0)
            .sum::<i64>()
    };
    let value = wire.value.ok_or_else(|| malformed(backend, "value", "missing"))?.0;
    order.totals = OrderTotals {
        subtotal: money(total_of("Items")),
        shipping: money(total_of("Shipping")),
        tax: money(total_of("Tax")),
        // VTEX sends discounts as a negative total; the unified model wants a positive amount.
        discount: money(total_of("Discounts").abs()),
        total: money(value),
    };

    order.line_items = wire
        .items
        .iter()
        .flatten()
        .enumerate()
        .map(|(index, item)| line_item(backend, index, item, digits, &currency))
        .collect::<Result<_>>()?;

    order.customer = wire.client_profile_data.as_ref().map(|c| Customer {
        id: text(c.user_profile_id.as_deref()),
        email: text(c.email.as_deref()),
        phone: text(c.phone.as_deref()),
        first_name: text(c.first_name.as_deref()),
        last_name: text(c.last_name.as_deref()),
        full_name: join(&[c.first_name.as_deref(), c.last_name.as_deref()], " ")
            .or_else(|| text(c.corporate_name.as_deref()))
            .or_else(|| text(c.trade_name.as_deref())),
    });

    let shipping = wire.shipping_data.as_ref();
    order.shipping_address = shipping.and_then(|s| s.address.as_ref()).map(address);
    let payments = || {
        wire.payment_data
            .iter()
            .flat_map(|p| p.transactions.iter().flatten())
            .filter(|t| t.is_active != Some(false))
            .flat_map(|t| t.payments.iter().flatten())
    };
    // The invoicing address first, else the first payment's billing address.
    order.billing_address = wire
        .invoice_data
        .as_ref()
        .and_then(|i| i.address.as_ref())
        .or_else(|| payments().find_map(|p| p.billing_address.as_ref()))
        .map(address);
    order.shipping_method = distinct(
        shipping.iter().flat_map(|s| s.logistics_info.iter().flatten()).map(|l| l.selected_sla.as_deref()),
    );
    order.payment_method = distinct(payments().map(|p| p.payment_system_name.as_deref()));
    order.tracking = tracking(wire);

    if let Some(external) = text(wire.marketplace_order_id.as_deref()) {
        order.external_order_id = Some(external);
        order.external_platform = text(wire.marketplace.as_ref().and_then(|m| m.name.as_deref()));
    }
    order.note = text(wire.open_text_field.as_ref().and_then(|f| f.value.as_deref()));
    order.native = native;
    order.known = Known::FULL;
    Ok(order)
}

fn line_item(
    backend: &BackendName,
    index: usize,
    item: &wire::Item,
    digits: u32,
    currency: &str,
) -> Result<LineItem> {
    let path = |field: &str| format!("items[{index}].{field}");
    let quantity = item.quantity.ok_or_else(|| malformed(backend, path("quantity"), "missing"))?.0;
    let unit = item
        .selling_price
        .or(item.price)
        .ok_or_else(|| malformed(backend, path("sellingPrice"), "missing (and no price)"))?
        .0;
    let total = match item.price_definition.as_ref().and_then(|p| p.total) {
        Some(total) => total.0,
        None => {
            let multiplier = item.unit_multiplier.unwrap_or(Decimal::ONE);
            let exact = Decimal::from(unit)
                .checked_mul(Decimal::from(quantity))
                .and_then(|d| d.checked_mul(multiplier))
                .ok_or_else(|| malformed(backend, path("quantity"), "line total overflows"))?;
            use rust_decimal::prelude::ToPrimitive as _;
            exact
                .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
                .to_i64()
                .ok_or_else(|| malformed(backend, path("quantity"), "line total overflows"))?
        }
    };
    let sku_id = item.id.as_ref().and_then(|t| text(Some(&t.0)));
    Ok(LineItem {
        id: text(item.unique_id.as_deref()).unwrap_or_else(|| index.to_string()),
        sku: text(item.ref_id.as_deref()),
        name: text(item.name.as_deref()).or_else(|| sku_id.clone()).unwrap_or_default(),
        variant: None,
        product_id: item.product_id.as_ref().and_then(|t| text(Some(&t.0))),
        variant_id: sku_id,
        quantity,
        unit_price: Money::from_minor(unit, digits, currency),
        total: Money::from_minor(total, digits, currency),
        image_url: text(item.image_url.as_deref()),
    })
}

fn address(a: &VtexAddress) -> Address {
    let country = text(a.country.as_deref());
    Address {
        full_name: text(a.receiver_name.as_deref()),
        line1: join(&[a.street.as_deref(), a.number.as_deref()], ", "),
        line2: join(&[a.complement.as_deref(), a.neighborhood.as_deref()], ", "),
        city: text(a.city.as_deref()),
        region: text(a.state.as_deref()),
        postal_code: text(a.postal_code.as_deref()),
        country_code: country.as_deref().and_then(countries::alpha2).map(str::to_string),
        country,
        ..Address::default()
    }
}

/// Outbound packages' tracking (`Input` packages are returns), then the marketplace's tracking hints.
fn tracking(wire: &VtexOrder) -> Vec<Tracking> {
    let mut out: Vec<Tracking> = Vec::new();
    let packages = wire.package_attachment.iter().flat_map(|p| p.packages.iter().flatten());
    for package in packages.filter(|p| is_outbound(p)) {
        let entry = Tracking {
            carrier: text(package.courier.as_deref()),
            number: text(package.tracking_number.as_deref()),
            url: text(package.tracking_url.as_deref()),
        };
        if entry != Tracking::default() && !out.contains(&entry) {
            out.push(entry);
        }
    }
    let hints = wire.shipping_data.iter().flat_map(|s| s.tracking_hints.iter().flatten());
    for hint in hints {
        let entry = Tracking {
            carrier: text(hint.courier_name.as_deref()),
            number: text(hint.tracking_id.as_deref()),
            url: text(hint.tracking_url.as_deref()),
        };
        let duplicate = out.iter().any(|t| t.number.is_some() && t.number == entry.number);
        if entry != Tracking::default() && !duplicate {
            out.push(entry);
        }
    }
    out
}

#[cfg(test)]
#[path = "mapping_tests.rs"]
mod tests;
