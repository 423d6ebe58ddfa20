//! The bodies and the pre-checks of VTEX's status changes, built from the full order (pure functions).

use chrono::{DateTime, SecondsFormat, Utc};

use super::wire::{InvoiceItem, InvoiceRequest, Package, TrackingRequest, VtexOrder};
use crate::domain::{BackendName, Shipment};
use crate::error::{Error, Result};

/// Field path of the invoice number in `updateOrderStatus`.
pub const INVOICE_NUMBER_FIELD: &[&str] = &["input", "shipment", "invoiceNumber"];

/// Statuses in which VTEX is cancelling or has cancelled the order.
const CANCELLED: &[&str] = &["cancel", "canceled", "replaced"];

/// Statuses of invoiced orders.
const INVOICED: &[&str] = &["invoiced", "invoice-after-cancellation-deny"];

fn is_output(package: &Package) -> bool {
    // `Input` invoices are returns; a package without a type is taken as a sale.
    !package.kind.as_deref().is_some_and(|k| k.eq_ignore_ascii_case("Input"))
}

fn output_invoices(order: &VtexOrder) -> impl Iterator<Item = &str> {
    order
        .package_attachment
        .iter()
        .flat_map(|p| p.packages.iter().flatten())
        .filter(|p| is_output(p))
        .filter_map(|p| p.invoice_number.as_deref().map(str::trim).filter(|n| !n.is_empty()))
}

/// The invoice number SHIPPED needs, validated before any call.
pub fn required_invoice_number(shipment: Option<&Shipment>) -> Result<String> {
    shipment
        .and_then(|s| s.invoice_number.as_deref())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .ok_or_else(|| {
            Error::invalid_input(
                INVOICE_NUMBER_FIELD,
                "VTEX ships an order by registering its invoice: shipment.invoiceNumber is required",
            )
        })
}

fn refused(backend: &BackendName, message: String) -> Error {
    Error::InvalidStatusTransition { backend: backend.to_string(), message }
}

/// Why an invoice (SHIPPED) cannot be sent for this order, if it cannot.
pub fn check_can_invoice(backend: &BackendName, order: &VtexOrder) -> Result<()> {
    match order.status.as_deref() {
        None => {
            Err(refused(backend, format!("order {} is incomplete and cannot be invoiced", order.order_id)))
        }
        Some(s) if CANCELLED.contains(&s) => Err(refused(
            backend,
            format!("order {} is cancelled ({s}) and cannot be shipped", order.order_id),
        )),
        _ => Ok(()),
    }
}

/// Why VTEX would refuse to cancel this order, checked before the call: invoiced or partially invoiced
/// orders, orders already cancelled, incomplete orders.
pub fn check_can_cancel(backend: &BackendName, order: &VtexOrder) -> Result<()> {
    let id = &order.order_id;
    match order.status.as_deref() {
        None => {
            Err(refused(backend, format!("order {id} is incomplete; VTEX cancels incomplete orders itself")))
        }
        Some(s) if CANCELLED.contains(&s) => {
            Err(refused(backend, format!("order {id} is already cancelled ({s})")))
        }
        Some(s) if INVOICED.contains(&s) => Err(refused(
            backend,
            format!(
                "order {id} is invoiced; VTEX does not cancel invoiced orders (register a return instead)"
            ),
        )),
        _ if output_invoices(order).next().is_some() => Err(refused(
            backend,
            format!("order {id} is partially invoiced; VTEX does not cancel it (register a return instead)"),
        )),
        _ => Ok(()),
    }
}

/// The outbound invoices DELIVERED reports tracking on: each one whose package is not delivered yet (so that
/// every package, and the order, reads delivered), or the last one when all are (marking it again changes
/// nothing). An order without an outbound invoice is not shipped yet.
pub fn delivery_invoices(backend: &BackendName, order: &VtexOrder) -> Result<Vec<String>> {
    let outbound: Vec<(&str, bool)> = order
        .package_attachment
        .iter()
        .flat_map(|p| p.packages.iter().flatten())
        .filter(|p| is_output(p))
        .filter_map(|p| {
            let number = p.invoice_number.as_deref().map(str::trim).filter(|n| !n.is_empty())?;
            Some((number, p.courier_status.as_ref().and_then(|c| c.finished).unwrap_or(false)))
        })
        .collect();
    let pending: Vec<String> =
        outbound.iter().filter(|(_, delivered)| !delivered).map(|(n, _)| n.to_string()).collect();
    if !pending.is_empty() {
        return Ok(pending);
    }
    match outbound.last() {
        Some((last, _)) => Ok(vec![last.to_string()]),
        None => Err(refused(
            backend,
            format!(
                "order {} is not invoiced yet: set it to SHIPPED with an invoice number before DELIVERED",
                order.order_id
            ),
        )),
    }
}

/// The invoice notification for shipping the whole order: every item at its charged unit price, the order
/// value as the invoiced amount (a string of cents), and the shipment's carrier and tracking.
pub fn invoice_request(
    backend: &BackendName,
    order: &VtexOrder,
    invoice_number: String,
    shipment: Option<&Shipment>,
    now: DateTime<Utc>,
) -> Result<InvoiceRequest> {
    let malformed = |path: String, message: &str| Error::Malformed {
        backend: backend.to_string(),
        path,
        message: message.to_string(),
    };
    let value = order.value.ok_or_else(|| malformed("value".into(), "missing"))?.0;
    let items = order
        .items
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, item)| {
            Ok(InvoiceItem {
                id: item
                    .id
                    .as_ref()
                    .map(|t| t.0.trim().to_string())
                    .filter(|id| !id.is_empty())
                    .ok_or_else(|| malformed(format!("items[{i}].id"), "missing"))?,
                price: item
                    .selling_price
                    .or(item.price)
                    .ok_or_else(|| malformed(format!("items[{i}].sellingPrice"), "missing"))?
                    .0,
                quantity: item
                    .quantity
                    .ok_or_else(|| malformed(format!("items[{i}].quantity"), "missing"))?
                    .0,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let text = |v: Option<&String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let shipped_at = shipment.and_then(|s| s.shipped_at);
    Ok(InvoiceRequest {
        kind: "Output",
        issuance_date: shipped_at
            .map(|at| at.to_rfc3339_opts(SecondsFormat::AutoSi, true))
            .unwrap_or_else(|| now.to_rfc3339_opts(SecondsFormat::Secs, true)),
        invoice_number,
        invoice_value: value.to_string(),
        items,
        courier: text(shipment.and_then(|s| s.carrier.as_ref())),
        tracking_number: text(shipment.and_then(|s| s.tracking_number.as_ref())),
        tracking_url: text(shipment.and_then(|s| s.tracking_url.as_ref())),
        dispatched_date: shipped_at.map(|at| at.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
    })
}

/// The tracking update marking the order delivered now (`deliveredDate` as `yyyy-mm-dd hh:mm`, UTC).
pub fn delivered_request(now: DateTime<Utc>) -> TrackingRequest {
    TrackingRequest {
        is_delivered: true,
        delivered_date: Some(now.format("%Y-%m-%d %H:%M").to_string()),
        events: Vec::new(),
    }
}
