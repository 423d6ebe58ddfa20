//! The write endpoints: status update, cancel, link, create.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::model::{self, Address, Customer, Item, Order, Payment, Status, cents_of, iso, money};
use super::{Shared, Store, error, order_not_found, success, validation};

type Body = Map<String, Value>;

/// The request body as a JSON object, or the validation message to answer with.
fn parse_body(bytes: &Bytes) -> Result<Body, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("A non-empty request body is required".into());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err("The request body must be a JSON object".into()),
        Err(_) => Err("The request body is not valid JSON".into()),
    }
}

/// A string field: `Ok(None)` when absent or null, an error message when of another type.
fn opt_str(body: &Body, key: &str, errors: &mut Vec<String>) -> Option<String> {
    match body.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.push(format!("The {key} field must be a string"));
            None
        }
    }
}

/// A boolean field with its default.
fn opt_bool(body: &Body, key: &str, default: bool, errors: &mut Vec<String>) -> bool {
    match body.get(key) {
        None | Some(Value::Null) => default,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            errors.push(format!("The {key} field must be a boolean"));
            default
        }
    }
}

/// An object field.
fn opt_object(body: &Body, key: &str, errors: &mut Vec<String>) -> Option<Map<String, Value>> {
    match body.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Object(o)) => Some(o.clone()),
        Some(_) => {
            errors.push(format!("The {key} field must be an object"));
            None
        }
    }
}

/// A money field: a JSON number with at most two decimals.
fn opt_money(body: &Body, key: &str, label: &str, errors: &mut Vec<String>) -> Option<i64> {
    match body.get(key) {
        None | Some(Value::Null) => None,
        Some(value) => {
            let cents = cents_of(value);
            if cents.is_none() {
                errors.push(format!("{label} must be a decimal number with at most two decimal places"));
            }
            cents
        }
    }
}

/// The instant of a write: now, but never before the order's last update.
fn write_time(order: &Order) -> i64 {
    chrono::Utc::now().timestamp().max(order.updated_at + 1)
}

fn set_status(order: &mut Order, status: Status) {
    order.status = status;
    let lines = order.items.len();
    for (line, item) in order.items.iter_mut().enumerate() {
        item.item_status = status.for_line(line, lines);
    }
}

fn transition_error(from: Status, to: Status) -> Response {
    let message = format!("Cannot change status from {} to {}", from.as_str(), to.as_str());
    error(StatusCode::BAD_REQUEST, "INVALID_STATUS_TRANSITION", &message)
}

/// `PUT /api/v1/orders/{orderId}/status` with `{status, statusChangeReason?, metadata?}`.
pub(super) async fn update_status(
    State(shared): State<Shared>,
    Path(order_id): Path<String>,
    bytes: Bytes,
) -> Response {
    let body = match parse_body(&bytes) {
        Ok(body) => body,
        Err(message) => return validation(vec![message]),
    };
    let mut errors = Vec::new();
    let status = match body.get("status") {
        Some(Value::String(text)) => Status::parse(text).or_else(|| {
            errors.push(format!("The value '{text}' is not a valid order status"));
            None
        }),
        _ => {
            errors.push("Status is required".into());
            None
        }
    };
    let reason = opt_str(&body, "statusChangeReason", &mut errors);
    let metadata = opt_object(&body, "metadata", &mut errors);
    let Some(to) = status.filter(|_| errors.is_empty()) else { return validation(errors) };

    let mut store = shared.write();
    let Some(index) = store.find(&order_id) else { return order_not_found() };
    let order = &mut store.orders[index];
    let from = order.status;
    if !from.can_move_to(to) {
        return transition_error(from, to);
    }
    set_status(order, to);
    for (key, value) in metadata.unwrap_or_default() {
        order.metadata.insert(key, value);
    }
    if let Some(reason) = reason {
        order.metadata.insert("statusChangeReason".into(), Value::String(reason));
    }
    order.updated_at = write_time(order);
    let data = json!({
        "orderId": order.id,
        "externalOrderId": order.external_order_id,
        "previousStatus": from.as_str(),
        "status": to.as_str(),
        "updatedAt": iso(order.updated_at),
    });
    success(StatusCode::OK, Some("Order status updated successfully"), data)
}

/// `PUT /api/v1/orders/{orderId}/cancel` with `{cancellationReason|reason, refundAmount?, notifyCustomer?,
/// restockItems?}`.
pub(super) async fn cancel_order(
    State(shared): State<Shared>,
    Path(order_id): Path<String>,
    bytes: Bytes,
) -> Response {
    let body = match parse_body(&bytes) {
        Ok(body) => body,
        Err(message) => return validation(vec![message]),
    };
    let mut errors = Vec::new();
    let reason = opt_str(&body, "cancellationReason", &mut errors)
        .or_else(|| opt_str(&body, "reason", &mut errors))
        .filter(|r| !r.trim().is_empty());
    if reason.is_none() {
        errors.push("Cancellation reason is required".into());
    }
    let refund = opt_money(&body, "refundAmount", "Refund amount", &mut errors);
    opt_bool(&body, "notifyCustomer", true, &mut errors);
    opt_bool(&body, "restockItems", true, &mut errors);
    let Some(reason) = reason.filter(|_| errors.is_empty()) else { return validation(errors) };

    let mut store = shared.write();
    let Some(index) = store.find(&order_id) else { return order_not_found() };
    let Store { orders, rng, .. } = &mut *store;
    let order = &mut orders[index];
    if !order.status.can_move_to(Status::Cancelled) {
        return transition_error(order.status, Status::Cancelled);
    }
    if let Some(cents) = refund {
        if cents < 0 {
            return error(
                StatusCode::BAD_REQUEST,
                "INVALID_REFUND_AMOUNT",
                "Refund amount cannot be negative",
            );
        }
        if cents > order.total_amount {
            let total = money(order.total_amount);
            let message = format!("Refund amount cannot exceed the order total of {total}");
            return error(StatusCode::BAD_REQUEST, "INVALID_REFUND_AMOUNT", &message);
        }
    }
    let refund_id = refund.filter(|c| *c > 0).map(|_| format!("rf_{}", rng.hex(12)));
    set_status(order, Status::Cancelled);
    order.updated_at = write_time(order);
    order.metadata.insert("cancellationReason".into(), Value::String(reason));
    if let Some(id) = &refund_id {
        order.metadata.insert("refundId".into(), Value::String(id.clone()));
    }
    let data = json!({
        "orderId": order.id,
        "status": Status::Cancelled.as_str(),
        "refundAmount": refund.map_or(Value::Null, money),
        "refundId": refund_id,
        "cancelledAt": iso(order.updated_at),
    });
    success(StatusCode::OK, Some("Order cancelled successfully"), data)
}

/// `PUT /api/v1/orders/{orderId}/link` with `{externalOrderId, platformName?}`; internal UUID only.
pub(super) async fn link_order(
    State(shared): State<Shared>,
    Path(order_id): Path<String>,
    bytes: Bytes,
) -> Response {
    let body = match parse_body(&bytes) {
        Ok(body) => body,
        Err(message) => return validation(vec![message]),
    };
    let mut errors = Vec::new();
    let external = opt_str(&body, "externalOrderId", &mut errors).filter(|s| !s.trim().is_empty());
    if external.is_none() {
        errors.push("External order ID is required".into());
    }
    let platform = opt_str(&body, "platformName", &mut errors);
    let Some(external) = external.filter(|_| errors.is_empty()) else { return validation(errors) };

    let mut store = shared.write();
    let Some(index) = store.find_internal(&order_id) else { return order_not_found() };
    if store.orders[index].external_order_id.is_some() {
        let message = "Order is already linked to an external order";
        return error(StatusCode::BAD_REQUEST, "ORDER_ALREADY_LINKED", message);
    }
    if store.orders.iter().any(|o| o.external_order_id.as_deref() == Some(external.as_str())) {
        let message = "An order with this external ID already exists";
        return error(StatusCode::BAD_REQUEST, "EXTERNAL_ID_EXISTS", message);
    }
    let order = &mut store.orders[index];
    order.external_order_id = Some(external.clone());
    order.platform_name = platform.clone();
    order.updated_at = write_time(order);
    let data = json!({
        "orderId": order.id,
        "externalOrderId": external,
        "platformName": platform,
        "linkedAt": iso(order.updated_at),
    });
    success(StatusCode::OK, Some("Order linked to platform successfully"), data)
}

/// Reads the create body's `items`, pushing a message per problem.
fn parse_items(body: &Body, rng: &mut crate::sandbox::seed::Rng, errors: &mut Vec<String>) -> Vec<Item> {
    let list = match body.get("items") {
        Some(Value::Array(list)) if !list.is_empty() => list,
        _ => {
            errors.push("At least one order item is required".into());
            return Vec::new();
        }
    };
    let mut items = Vec::new();
    for (n, value) in list.iter().enumerate() {
        let Some(item) = value.as_object() else {
            errors.push(format!("Item {}: must be an object", n + 1));
            continue;
        };
        let mut text = |key: &str, label: &str, required: bool| {
            let value = item.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
            if required && value.is_none() {
                errors.push(format!("Item {}: {label} is required", n + 1));
            }
            value
        };
        let product = text("externalProductId", "external product ID", true);
        let variant = text("externalVariantId", "external variant ID", true);
        let title = text("productTitle", "product title", false);
        let variant_title = text("variantTitle", "variant title", false);
        let sku = text("sku", "SKU", false);
        let quantity = item.get("quantity").and_then(Value::as_i64).filter(|q| *q >= 1);
        if quantity.is_none() {
            errors.push(format!("Item {}: quantity must be a whole number of at least 1", n + 1));
        }
        let unit_price = item.get("unitPrice").and_then(cents_of).filter(|c| *c >= 0);
        if unit_price.is_none() {
            errors.push(format!("Item {}: unit price must be a non-negative decimal number", n + 1));
        }
        if let (Some(product), Some(quantity), Some(unit_price)) = (product, quantity, unit_price) {
            items.push(Item {
                id: rng.uuid(),
                product_variant_id: rng.uuid(),
                product_title: title.unwrap_or_else(|| format!("Product {product}")),
                external_product_id: Some(product),
                external_variant_id: variant,
                variant_title,
                sku,
                quantity,
                unit_price,
                item_status: Status::Pending,
            });
        }
    }
    items
}

/// `POST /api/v1/orders`: create an order from an external platform.
pub(super) async fn create_order(State(shared): State<Shared>, bytes: Bytes) -> Response {
    let body = match parse_body(&bytes) {
        Ok(body) => body,
        Err(message) => return validation(vec![message]),
    };
    let mut store = shared.write();
    let mut errors = Vec::new();
    let external = opt_str(&body, "externalOrderId", &mut errors).filter(|s| !s.trim().is_empty());
    if external.is_none() {
        errors.push("External order ID is required".into());
    }
    let email = opt_str(&body, "customerEmail", &mut errors).filter(|s| !s.trim().is_empty());
    match &email {
        None => errors.push("Customer email is required".into()),
        Some(e) if !e.contains('@') => errors.push("Customer email is not a valid email address".into()),
        Some(_) => {}
    }
    let mut items = parse_items(&body, &mut store.rng, &mut errors);
    let shipping = body.get("shippingAddress").and_then(model::address_from);
    if shipping.is_none() {
        errors.push("Shipping address is required".into());
    }
    let totals = opt_object(&body, "totals", &mut errors).unwrap_or_default();
    if !body.get("totals").is_some_and(Value::is_object) {
        errors.push("Order totals are required".into());
    }
    let mut total = |key: &str| opt_money(&totals, key, &format!("totals.{key}"), &mut errors);
    let (subtotal, shipping_total, tax_total, discount_total, total_amount) = (
        total("subtotal"),
        total("shippingTotal"),
        total("taxTotal"),
        total("discountTotal"),
        total("totalAmount"),
    );
    let status = match opt_str(&body, "status", &mut errors) {
        None => Some(Status::Pending),
        Some(text) => Status::parse(&text).or_else(|| {
            errors.push(format!("The value '{text}' is not a valid order status"));
            None
        }),
    };
    let platform = opt_str(&body, "platformName", &mut errors);
    let phone = opt_str(&body, "customerPhone", &mut errors);
    let instructions = opt_str(&body, "deliveryInstructions", &mut errors);
    let billing =
        opt_object(&body, "billingAddress", &mut errors).and_then(|o| model::address_from(&Value::Object(o)));
    let payment = opt_object(&body, "paymentMethod", &mut errors).map(|p| {
        let field = |key: &str| p.get(key).and_then(Value::as_str).map(str::to_string);
        Payment {
            method: field("method").unwrap_or_else(|| "unknown".into()),
            display: field("display").unwrap_or_else(|| "Unknown".into()),
            last4: field("last4"),
            brand: field("brand"),
        }
    });
    let metadata = opt_object(&body, "metadata", &mut errors).unwrap_or_default();
    let (Some(external), Some(email), Some(shipping), Some(status)) = (external, email, shipping, status)
    else {
        return validation(errors);
    };
    if !errors.is_empty() {
        return validation(errors);
    }
    if store.orders.iter().any(|o| o.external_order_id.as_deref() == Some(external.as_str())) {
        let message = "An order with this external ID already exists";
        return error(StatusCode::CONFLICT, "DUPLICATE_EXTERNAL_ORDER_ID", message);
    }
    let lines = items.len();
    for (line, item) in items.iter_mut().enumerate() {
        item.item_status = status.for_line(line, lines);
    }
    let subtotal = subtotal.unwrap_or_else(|| items.iter().map(|i| i.unit_price * i.quantity).sum());
    let (shipping_total, tax_total, discount_total) =
        (shipping_total.unwrap_or(0), tax_total.unwrap_or(0), discount_total.unwrap_or(0));
    let total_amount = total_amount.unwrap_or(subtotal + shipping_total + tax_total - discount_total);
    let names = billing.as_ref().unwrap_or(&shipping).clone();
    let customer_id = store
        .orders
        .iter()
        .find(|o| o.customer.email.eq_ignore_ascii_case(&email))
        .map(|o| o.customer.id.clone());
    let now = chrono::Utc::now().timestamp();
    let Address { first_name, last_name, .. } = names;
    let order = Order {
        id: store.rng.uuid(),
        order_number: format!("VES-{}", store.next_number),
        external_order_id: Some(external),
        platform_name: platform,
        status,
        customer: Customer {
            id: customer_id.unwrap_or_else(|| store.rng.uuid()),
            email,
            phone,
            first_name,
            last_name,
        },
        items,
        shipping_address: shipping,
        billing_address: billing,
        subtotal,
        shipping_total,
        tax_total,
        discount_total,
        total_amount,
        payment,
        placed_at: now,
        updated_at: now,
        delivery_instructions: instructions,
        metadata,
    };
    store.next_number += 1;
    let data = json!({
        "id": order.id,
        "orderNumber": order.order_number,
        "externalOrderId": order.external_order_id,
        "status": order.status.as_str(),
        "createdAt": iso(now),
    });
    store.orders.insert(0, order);
    store.orders.sort_by_key(|o| std::cmp::Reverse(o.placed_at));
    success(StatusCode::CREATED, None, data)
}
