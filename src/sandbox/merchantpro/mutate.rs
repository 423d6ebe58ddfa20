//! The MerchantPro mutations: `PATCH /api/v2/orders/{id}` (partial update) and the order processing
//! handlers `PATCH /api/v2/orders/{id}/{handler}`.

use std::str::FromStr;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::data::{SHIPPING_METHODS, Store, shipping_tax};
use super::model::{Invoice, Order, SHOP_URL};
use super::{ApiError, Shared, bad, error, parse_id, write};

/// Fields the partial update accepts.
const WRITABLE: &[&str] = &[
    "tags",
    "shipping_awb",
    "channel_ref_id",
    "channel_name",
    "customer_note",
    "customer_notification",
    "shipping_method_id",
    "shipping_amount",
];

/// One validated change of a partial update.
enum Change {
    Tags(Vec<TagRef>),
    Text(&'static str, Option<String>),
    ShippingMethod(u64),
    ShippingAmount(Option<Decimal>),
}

enum TagRef {
    Name(String),
    Id(u64),
}

fn not_found(id: &str) -> Response {
    error(StatusCode::NOT_FOUND, format!("Order {} not found", id.trim()))
}

fn index_of(store: &Store, id: &str) -> Option<usize> {
    parse_id(id).and_then(|id| store.by_id.get(&id).copied())
}

/// `PATCH /api/v2/orders/{id}`: validates every field first, then applies them all; 200 with the order.
pub(super) async fn patch_order(
    State(store): State<Shared>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let mut store = write(&store);
    let Some(index) = index_of(&store, &id) else { return not_found(&id) };
    let object = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(object)) => object,
        _ => return bad("The request body must be a JSON object").into_response(),
    };
    let known: Map<String, Value> = store.orders[index].to_json(true);
    let mut changes = Vec::new();
    for (key, value) in &object {
        if !WRITABLE.contains(&key.as_str()) {
            return if known.contains_key(key) {
                bad(format!("Field {key} cannot be modified")).into_response()
            } else {
                bad(format!("Unknown field: {key}")).into_response()
            };
        }
        match parse_change(&store, key, value) {
            Ok(change) => changes.push(change),
            Err(failure) => return failure.into_response(),
        }
    }
    let now = store.tick();
    let Store { orders, tags, .. } = &mut *store;
    let order = &mut orders[index];
    for change in changes {
        match change {
            Change::Tags(refs) => {
                let mut list: Vec<(u64, String)> = Vec::new();
                for tag in refs {
                    let id = match &tag {
                        TagRef::Name(name) => tags.id_for(name),
                        TagRef::Id(id) => *id,
                    };
                    let name = tags.name_of(id).unwrap_or_default().to_string();
                    if !list.iter().any(|(t, _)| *t == id) {
                        list.push((id, name));
                    }
                }
                order.tags = list;
            }
            Change::Text(field, value) => {
                let slot = match field {
                    "shipping_awb" => &mut order.shipping_awb,
                    "channel_ref_id" => &mut order.channel_ref_id,
                    "channel_name" => &mut order.channel_name,
                    "customer_note" => &mut order.customer_note,
                    _ => &mut order.customer_notification,
                };
                *slot = value;
            }
            Change::ShippingMethod(method) => {
                order.shipping_method_id = method;
                order.shipping_method_name =
                    SHIPPING_METHODS.iter().find(|m| m.0 == method).map(|m| m.1.to_string());
            }
            Change::ShippingAmount(amount) => {
                order.shipping_amount = amount;
                order.shipping_tax_amount = amount.map(shipping_tax);
            }
        }
    }
    order.modified = now;
    axum::Json(Value::Object(order.to_json(true))).into_response()
}

fn parse_change(store: &Store, key: &str, value: &Value) -> Result<Change, ApiError> {
    match key {
        "tags" => {
            let items = match value {
                Value::Null => return Ok(Change::Tags(Vec::new())),
                Value::Array(items) => items,
                _ => return Err(bad("tags must be a list of {\"name\": …} objects")),
            };
            items.iter().map(|item| parse_tag(store, item)).collect::<Result<Vec<_>, _>>().map(Change::Tags)
        }
        "shipping_method_id" => {
            let id = match value {
                Value::Number(n) => n.as_u64(),
                Value::String(s) => parse_id(s),
                _ => None,
            };
            id.map(Change::ShippingMethod).ok_or_else(|| bad("shipping_method_id must be an integer"))
        }
        "shipping_amount" => match value {
            Value::Null => Ok(Change::ShippingAmount(None)),
            Value::Number(n) => match Decimal::from_str(&n.to_string()) {
                Ok(d) if !d.is_sign_negative() => Ok(Change::ShippingAmount(Some(d))),
                _ => Err(bad("shipping_amount must be a non-negative number")),
            },
            _ => Err(bad("shipping_amount must be a number")),
        },
        _ => {
            let field = WRITABLE.iter().copied().find(|f| *f == key).unwrap_or("customer_notification");
            match value {
                Value::Null => Ok(Change::Text(field, None)),
                Value::String(s) if s.trim().is_empty() => Ok(Change::Text(field, None)),
                Value::String(s) => Ok(Change::Text(field, Some(s.trim().to_string()))),
                _ => Err(bad(format!("{key} must be a string"))),
            }
        }
    }
}

fn parse_tag(store: &Store, item: &Value) -> Result<TagRef, ApiError> {
    let Value::Object(tag) = item else { return Err(bad("Each tag must be an object with a name")) };
    if let Some(name) = tag.get("name") {
        return match name.as_str().map(str::trim) {
            Some(name) if !name.is_empty() => Ok(TagRef::Name(name.to_string())),
            _ => Err(bad("Tag name must be a non-empty string")),
        };
    }
    let id = match tag.get("id") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => parse_id(s),
        _ => None,
    };
    match id {
        Some(id) if store.tags.name_of(id).is_some() => Ok(TagRef::Id(id)),
        Some(id) => Err(bad(format!("Unknown tag id: {id}"))),
        None => Err(bad("Each tag must have a name")),
    }
}

/// `PATCH /api/v2/orders/{id}/{handler}`: the order processing handlers; `{"ok":true}` on success.
pub(super) async fn process_order(
    State(store): State<Shared>,
    Path((id, handler)): Path<(String, String)>,
) -> Response {
    let mut store = write(&store);
    let Some(index) = index_of(&store, &id) else { return not_found(&id) };
    let now = store.clock + 60;
    match apply_handler(&mut store.orders[index], &handler, now) {
        Ok(changed) => {
            if changed {
                store.clock = now;
            }
            axum::Json(json!({"ok": true})).into_response()
        }
        Err(failure) => failure.into_response(),
    }
}

/// Applies one handler; `Ok(false)` when the order already is in the target state.
fn apply_handler(order: &mut Order, handler: &str, now: i64) -> Result<bool, ApiError> {
    let allowed: &[&str] = match handler {
        "in_process" => &["awaiting", "confirmed"],
        "shipped" => &["awaiting", "confirmed", "in_process"],
        "delivered" => &["shipped"],
        "returned" => &["shipped", "delivered"],
        "cancelled" => &["awaiting", "confirmed", "in_process"],
        "create_invoice" => return create_invoice(order, now),
        _ => {
            let message = format!("Unknown order processing handler: {handler}");
            return Err(ApiError { status: StatusCode::NOT_FOUND, message });
        }
    };
    let from = order.shipping_status;
    if from == handler {
        return Ok(false);
    }
    let Some(target) = allowed.contains(&from).then(|| static_status(handler)).flatten() else {
        return Err(bad(format!(
            "Order {} cannot change delivery status from {from} to {handler}",
            order.id
        )));
    };
    order.shipping_status = target;
    match target {
        "shipped" => {
            order.shipped = Some(now);
            if order.shipping_carrier_id.is_none() {
                order.shipping_carrier_id = SHIPPING_METHODS
                    .iter()
                    .find(|m| m.0 == order.shipping_method_id)
                    .and_then(|m| m.2)
                    .map(str::to_string);
            }
        }
        "delivered" => {
            order.delivered = Some(now);
            if order.payment_method_code == "cash_delivery" && order.payment_status == "awaiting" {
                order.payment_status = "paid";
            }
        }
        "cancelled" if order.payment_status != "refunded" => order.payment_status = "cancelled",
        _ => {}
    }
    order.modified = now;
    Ok(true)
}

fn static_status(name: &str) -> Option<&'static str> {
    ["in_process", "shipped", "delivered", "returned", "cancelled"].into_iter().find(|s| *s == name)
}

fn create_invoice(order: &mut Order, now: i64) -> Result<bool, ApiError> {
    if order.shipping_status == "cancelled" {
        return Err(bad(format!("Order {} is cancelled and cannot be invoiced", order.id)));
    }
    if order.invoice.as_ref().is_some_and(|invoice| !invoice.cancelled) {
        return Err(bad(format!("Order {} already has an invoice", order.id)));
    }
    order.invoice = Some(Invoice {
        prefix: "MPS",
        number: format!("{:07}", 500_000 + order.id % 100_000),
        cancelled: false,
        url: format!("{SHOP_URL}/comanda/invoice/{}/{}", order.url_hash, order.id),
    });
    order.modified = now;
    Ok(true)
}
