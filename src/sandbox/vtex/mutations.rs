//! Writes: start-handling, cancel, invoice notification, invoice tracking number, tracking events,
//! interactions. Each applies VTEX's documented rule and answers VTEX's status code and body.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value, json};

use super::model::{Cancellation, CourierStatus, Order, Package, Ticks, ticks_of, vtex_date};
use super::{Bad, Shared, bad, bad_request, json_response, order_not_found, vtex_error};

/// Output invoices are accepted in these statuses (and re-posts or returns once `invoiced`).
const INVOICEABLE: &[&str] =
    &["ready-for-handling", "handling", "ready-for-invoicing", "waiting-seller-handling", "invoiced"];

fn now_ticks() -> Ticks {
    ticks_of(&Utc::now())
}

fn receipt() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// `{date, orderId, receipt}`, the success body of VTEX's order writes; `date` in Brasília time.
fn receipt_body(order_id: &str, date: Ticks, receipt: &str) -> Response {
    json_response(
        StatusCode::OK,
        &json!({"date": vtex_date(date, -3, false), "orderId": order_id, "receipt": receipt}),
    )
}

/// The request body as a JSON object; an empty body counts as `{}` when `allow_empty`.
fn body_object(body: &Bytes, allow_empty: bool) -> Result<Map<String, Value>, Bad> {
    if allow_empty && body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(bad("The request body is not a valid JSON object")),
    }
}

/// An optional string field: absent or null is `None`, another type is a 400.
fn opt_string(map: &Map<String, Value>, field: &str) -> Result<Option<String>, Bad> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad(&format!("The field {field} must be a string"))),
    }
}

/// A required non-empty string field.
fn req_string(map: &Map<String, Value>, field: &str) -> Result<String, Bad> {
    match opt_string(map, field)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(bad(&format!("The field {field} is required"))),
    }
}

/// Runs `f` on the order with this id (or sequence) under the write lock; 404 when there is none.
fn with_order(store: &Shared, key: &str, f: impl FnOnce(&mut Order) -> Response) -> Response {
    let mut store = store.write().unwrap_or_else(|poisoned| poisoned.into_inner());
    match store.find(key) {
        Some(index) => {
            let order = &mut store.orders[index];
            let response = f(order);
            order.row_cache = Default::default();
            response
        }
        None => order_not_found(),
    }
}

/// `POST …/start-handling`: 204 from `ready-for-handling` (→ `handling`), else 409 `OMS003`.
pub(super) async fn start_handling(State(store): State<Shared>, Path(order_id): Path<String>) -> Response {
    with_order(&store, &order_id, |order| {
        if order.status != "ready-for-handling" {
            return vtex_error(
                StatusCode::CONFLICT,
                "OMS003",
                "Order status should be ready-for-handling to perform this action",
            );
        }
        order.status = "handling".to_string();
        order.last_change = now_ticks();
        StatusCode::NO_CONTENT.into_response()
    })
}

/// `POST …/cancel {reason}`: 200 `{date, orderId, receipt}`; 400 once invoiced (or partially).
pub(super) async fn cancel(
    State(store): State<Shared>,
    Path(order_id): Path<String>,
    body: Bytes,
) -> Response {
    let map = match body_object(&body, true) {
        Ok(map) => map,
        Err(response) => return *response,
    };
    let reason = match opt_string(&map, "reason") {
        Ok(reason) => reason,
        Err(response) => return *response,
    };
    with_order(&store, &order_id, |order| {
        if let Some(done) = &order.cancellation {
            return receipt_body(&order.order_id, done.date, &done.receipt);
        }
        if !order.cancellable() {
            let why = if order.partially_invoiced() {
                "partially invoiced".to_string()
            } else {
                order.status.clone()
            };
            return vtex_error(
                StatusCode::BAD_REQUEST,
                "OMS012",
                &format!("Order {} cannot be canceled: status {why}", order.order_id),
            );
        }
        let now = now_ticks();
        let receipt = receipt();
        order.status = "canceled".to_string();
        order.last_change = now;
        order.cancellation =
            Some(Cancellation { reason, date: now, receipt: receipt.clone(), by_user: true });
        receipt_body(&order.order_id, now, &receipt)
    })
}

fn parse_issuance_date(s: &str) -> bool {
    DateTime::parse_from_rfc3339(s).is_ok()
        || NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
        || NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// A validated invoice notification.
struct InvoiceInput {
    kind: String,
    invoice_number: String,
    invoice_value: i64,
    issuance_date: String,
    items: Vec<(String, i64, i64)>,
    map: Map<String, Value>,
}

fn parse_invoice(body: &Bytes) -> Result<InvoiceInput, Bad> {
    let map = body_object(body, false)?;
    let kind = req_string(&map, "type")?;
    if kind != "Output" && kind != "Input" {
        return Err(bad("The field type must be Output or Input"));
    }
    let issuance_date = req_string(&map, "issuanceDate")?;
    if !parse_issuance_date(&issuance_date) {
        return Err(bad("The field issuanceDate is not a valid date"));
    }
    let invoice_number = req_string(&map, "invoiceNumber")?;
    let invoice_value = match map.get("invoiceValue") {
        Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse::<i64>().map_err(|_| bad("The field invoiceValue is out of range"))?
        }
        Some(Value::String(_)) | Some(Value::Number(_)) => {
            return Err(bad("The field invoiceValue must be a string of the value in cents"));
        }
        _ => return Err(bad("The field invoiceValue is required")),
    };
    if invoice_value <= 0 {
        return Err(bad("The field invoiceValue must be greater than zero"));
    }
    let Some(Value::Array(raw_items)) = map.get("items") else {
        return Err(bad("The field items is required"));
    };
    if raw_items.is_empty() {
        return Err(bad("The field items must have at least one item"));
    }
    let mut items = Vec::with_capacity(raw_items.len());
    for item in raw_items {
        let id = item.get("id").and_then(Value::as_str).filter(|s| !s.is_empty());
        let price = item.get("price").and_then(Value::as_i64);
        let quantity = item.get("quantity").and_then(Value::as_i64).filter(|q| *q > 0);
        match (id, price, quantity) {
            (Some(id), Some(price), Some(quantity)) if price >= 0 => {
                items.push((id.to_string(), price, quantity))
            }
            _ => return Err(bad("Each item needs id (string), price (integer cents) and quantity")),
        }
    }
    for key in [
        "invoiceKey",
        "invoiceUrl",
        "embeddedInvoice",
        "courier",
        "trackingNumber",
        "trackingUrl",
        "dispatchedDate",
    ] {
        opt_string(&map, key)?;
    }
    Ok(InvoiceInput { kind, invoice_number, invoice_value, issuance_date, items, map })
}

/// `POST …/invoice`: validates, adds a package, moves the order to `invoiced` once fully invoiced.
pub(super) async fn invoice(
    State(store): State<Shared>,
    Path(order_id): Path<String>,
    body: Bytes,
) -> Response {
    let input = match parse_invoice(&body) {
        Ok(input) => input,
        Err(response) => return *response,
    };
    with_order(&store, &order_id, |order| {
        let now = now_ticks();
        if order.packages.iter().any(|p| p.invoice_number == input.invoice_number) {
            return receipt_body(&order.order_id, now, &receipt());
        }
        let allowed = if input.kind == "Output" {
            INVOICEABLE.contains(&order.status.as_str())
        } else {
            order.status == "invoiced"
        };
        if !allowed {
            return bad_request(&format!(
                "Order {} in status {} does not accept an {} invoice",
                order.order_id, order.status, input.kind
            ));
        }
        let mut package_items = Vec::with_capacity(input.items.len());
        for (sku, price, quantity) in &input.items {
            match order.items.iter().position(|i| i.sku_id == *sku) {
                Some(index) => package_items.push((index, *quantity, *price)),
                None => return bad_request(&format!("Item {sku} is not in order {}", order.order_id)),
            }
        }
        let text = |key: &str| input.map.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
        order.packages.push(Package {
            kind: input.kind.clone(),
            invoice_number: input.invoice_number.clone(),
            invoice_value: input.invoice_value,
            invoice_key: input.map.get("invoiceKey").and_then(Value::as_str).map(str::to_string),
            invoice_url: input.map.get("invoiceUrl").and_then(Value::as_str).map(str::to_string),
            embedded_invoice: text("embeddedInvoice"),
            issuance_date: input.issuance_date.clone(),
            courier: text("courier"),
            tracking_number: text("trackingNumber"),
            tracking_url: text("trackingUrl"),
            dispatched_date: input.map.get("dispatchedDate").and_then(Value::as_str).map(str::to_string),
            items: package_items,
            courier_status: None,
            last_change: now,
        });
        if input.kind == "Output" && order.status != "invoiced" && order.invoiced_value() >= order.value() {
            order.status = "invoiced".to_string();
            order.invoiced = Some(now);
        }
        order.last_change = now;
        receipt_body(&order.order_id, now, &receipt())
    })
}

/// `PATCH …/invoice/{invoiceNumber}`: sets the tracking number, URL, courier, dispatch date.
pub(super) async fn patch_invoice(
    State(store): State<Shared>,
    Path((order_id, invoice_number)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let map = match body_object(&body, false) {
        Ok(map) => map,
        Err(response) => return *response,
    };
    let fields = (|| {
        Ok::<_, Bad>((
            req_string(&map, "trackingNumber")?,
            opt_string(&map, "trackingUrl")?,
            opt_string(&map, "courier")?,
            opt_string(&map, "dispatchedDate")?,
        ))
    })();
    let (tracking_number, tracking_url, courier, dispatched) = match fields {
        Ok(fields) => fields,
        Err(response) => return *response,
    };
    with_order(&store, &order_id, |order| {
        let now = now_ticks();
        let Some(package) = order.packages.iter_mut().find(|p| p.invoice_number == invoice_number) else {
            return invoice_not_found(&invoice_number);
        };
        package.tracking_number = tracking_number;
        if let Some(url) = tracking_url {
            package.tracking_url = url;
        }
        if let Some(courier) = courier {
            package.courier = courier;
        }
        if dispatched.is_some() {
            package.dispatched_date = dispatched;
        }
        package.last_change = now;
        order.last_change = now;
        receipt_body(&order.order_id, now, &receipt())
    })
}

fn invoice_not_found(invoice_number: &str) -> Response {
    vtex_error(StatusCode::NOT_FOUND, "OMS009", &format!("Invoice {invoice_number} not found"))
}

/// `yyyy-mm-dd hh:mm` as documented (seconds and RFC 3339 also accepted); naive times are read as UTC.
fn parse_delivered_date(s: &str) -> Option<Ticks> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(ticks_of(&dt));
    }
    ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(s.trim(), format).ok())
        .map(|naive| ticks_of(&naive.and_utc()))
}

/// `PUT …/invoice/{invoiceNumber}/tracking {isDelivered, deliveredDate, events}`: the package's
/// `courierStatus`; the order status stays `invoiced`.
pub(super) async fn put_tracking(
    State(store): State<Shared>,
    Path((order_id, invoice_number)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let map = match body_object(&body, false) {
        Ok(map) => map,
        Err(response) => return *response,
    };
    let Some(is_delivered) = map.get("isDelivered").and_then(Value::as_bool) else {
        return bad_request("The field isDelivered is required and must be a boolean");
    };
    let delivered_date = match map.get("deliveredDate") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => match parse_delivered_date(s) {
            Some(ticks) => Some(ticks),
            None => return bad_request("The field deliveredDate must be yyyy-mm-dd hh:mm"),
        },
        Some(_) => return bad_request("The field deliveredDate must be a string"),
    };
    let events = match map.get("events") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(events)) if events.iter().all(Value::is_object) => events.clone(),
        Some(_) => {
            return bad_request("The field events must be an array of {city, state, description, date}");
        }
    };
    with_order(&store, &order_id, |order| {
        let now = now_ticks();
        let Some(package) = order.packages.iter_mut().find(|p| p.invoice_number == invoice_number) else {
            return invoice_not_found(&invoice_number);
        };
        let mut data = package.courier_status.take().map(|c| c.data).unwrap_or_default();
        data.extend(events);
        package.courier_status = Some(CourierStatus {
            status: if is_delivered { "delivered" } else { "in transit" }.to_string(),
            finished: is_delivered,
            delivered_date: if is_delivered { Some(delivered_date.unwrap_or(now)) } else { None },
            data,
        });
        package.last_change = now;
        order.last_change = now;
        receipt_body(&order.order_id, now, &receipt())
    })
}

/// `POST …/interactions {source, message}`: appends to the order log.
pub(super) async fn interactions(
    State(store): State<Shared>,
    Path(order_id): Path<String>,
    body: Bytes,
) -> Response {
    let map = match body_object(&body, false) {
        Ok(map) => map,
        Err(response) => return *response,
    };
    let (source, message) = match (req_string(&map, "source"), req_string(&map, "message")) {
        (Ok(source), Ok(message)) => (source, message),
        (Err(response), _) | (_, Err(response)) => return *response,
    };
    with_order(&store, &order_id, |order| {
        let now = now_ticks();
        order
            .interactions
            .push(json!({"source": source, "message": message, "date": vtex_date(now, 0, false)}));
        receipt_body(&order.order_id, now, &receipt())
    })
}
