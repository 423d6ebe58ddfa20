//! Cancel, bulk update-tags, the Order Fulfillments API and the Tags API.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::{
    ORDER_FQDN, Shared, Store, app_error, change_instant, iso_ms, not_found, parse_body, reply,
    validation_error,
};

/// At most this many tags per FQDN.
const MAX_TAGS: usize = 100;
/// At most this many orders per bulk call.
const MAX_BULK: usize = 100;

fn push_activity(order: &mut Value, activity: Value) {
    if let Some(list) = order["activities"].as_array_mut() {
        list.push(activity);
    }
}

/// `POST /ecom/v1/orders/{id}/cancel`: status → CANCELED, no refund; optional restock of every item.
pub(super) async fn cancel_order(
    State(store): State<Shared>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let body = match parse_body(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    for flag in ["sendOrderCanceledEmail", "restockAllItems"] {
        if body.get(flag).is_some_and(|v| !v.is_boolean() && !v.is_null()) {
            return validation_error(flag, "must be a boolean", "FORMAT", json!({}));
        }
    }
    if body.get("customMessage").is_some_and(|v| !v.is_string() && !v.is_null()) {
        return validation_error("customMessage", "must be a string", "FORMAT", json!({}));
    }
    let restock = body.get("restockAllItems").and_then(Value::as_bool).unwrap_or(false);
    let mut store = store.write().unwrap_or_else(|e| e.into_inner());
    let activity_id = store.mint_id();
    let Some(stored) = store.get_mut(&id) else { return not_found("Order", &id) };
    let order = &mut stored.order;
    if order["status"] == "CANCELED" {
        return app_error(
            StatusCode::PRECONDITION_REQUIRED,
            "ORDER_ALREADY_CANCELED",
            "Order is already canceled",
        );
    }
    let at = change_instant(order);
    order["status"] = json!("CANCELED");
    order["updatedDate"] = json!(iso_ms(at));
    if restock {
        for item in order["lineItems"].as_array_mut().into_iter().flatten() {
            item["restockQuantity"] = item["quantity"].clone();
        }
    }
    push_activity(order, json!({"id": activity_id, "createdDate": iso_ms(at), "type": "ORDER_CANCELED"}));
    reply(StatusCode::OK, json!({"order": order}))
}

/// The `tagIds` of `{"tags":{"tagIds"},"privateTags":{"tagIds"}}` at `field`; `None` on a bad shape.
fn tag_lists(body: &Map<String, Value>, field: &str) -> Result<[Vec<String>; 2], Response> {
    let bad = || {
        validation_error(field, "must be {tags:{tagIds:[…]}, privateTags:{tagIds:[…]}}", "FORMAT", json!({}))
    };
    let mut out = [Vec::new(), Vec::new()];
    let Some(value) = body.get(field).filter(|v| !v.is_null()) else { return Ok(out) };
    let object = value.as_object().ok_or_else(bad)?;
    for (slot, key) in ["tags", "privateTags"].into_iter().enumerate() {
        let Some(group) = object.get(key).filter(|v| !v.is_null()) else { continue };
        let ids = match group.get("tagIds") {
            None | Some(Value::Null) => continue,
            Some(Value::Array(ids)) => ids,
            Some(_) => return Err(bad()),
        };
        for id in ids {
            out[slot].push(id.as_str().ok_or_else(bad)?.to_string());
        }
    }
    Ok(out)
}

/// `POST /ecom/v1/bulk/orders/update-tags`: assign wins over unassign; unknown tag ids refuse the call.
pub(super) async fn update_tags(State(store): State<Shared>, body: Bytes) -> Response {
    let body = match parse_body(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let order_ids: Vec<String> = match body.get("orderIds") {
        Some(Value::Array(ids)) if ids.iter().all(Value::is_string) => {
            ids.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
        }
        None | Some(Value::Null) => {
            return validation_error("orderIds", "is required", "REQUIRED_FIELD", json!({}));
        }
        Some(_) => return validation_error("orderIds", "must be an array of strings", "FORMAT", json!({})),
    };
    if order_ids.is_empty() {
        return validation_error(
            "orderIds",
            "must contain at least 1 element",
            "MIN_SIZE",
            json!({"threshold": 1}),
        );
    }
    if order_ids.len() > MAX_BULK {
        return validation_error(
            "orderIds",
            "must contain at most 100 elements",
            "MAX_SIZE",
            json!({"threshold": MAX_BULK}),
        );
    }
    let assign = match tag_lists(&body, "assignTags") {
        Ok(lists) => lists,
        Err(response) => return response,
    };
    let unassign = match tag_lists(&body, "unassignTags") {
        Ok(lists) => lists,
        Err(response) => return response,
    };
    let mut store = store.write().unwrap_or_else(|e| e.into_inner());
    let known = |id: &str| store.tags.iter().any(|t| t["id"] == id);
    if let Some(unknown) = assign.iter().chain(unassign.iter()).flatten().find(|id| !known(id)) {
        return reply(
            StatusCode::BAD_REQUEST,
            json!({
                "message": format!("Tag {unknown} not found"),
                "details": {"applicationError": {
                    "code": "TAG_NOT_FOUND",
                    "description": format!("Tag {unknown} not found for fqdn {ORDER_FQDN}"),
                    "data": {"tagId": unknown},
                }},
            }),
        );
    }
    let mut results = Vec::with_capacity(order_ids.len());
    let mut successes = 0;
    for (index, id) in order_ids.iter().enumerate() {
        let Some(stored) = store.get_mut(id) else {
            results.push(json!({"itemMetadata": {
                "id": id,
                "originalIndex": index,
                "success": false,
                "error": {"code": "NOT_FOUND", "description": format!("Order with id {id} not found"), "data": {}},
            }}));
            continue;
        };
        let order = &mut stored.order;
        let mut changed = false;
        for (slot, key) in ["tags", "privateTags"].into_iter().enumerate() {
            let mut current: Vec<String> = order["tags"][key]["tagIds"]
                .as_array()
                .map(|ids| ids.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            let before = current.clone();
            current.retain(|t| !unassign[slot].contains(t) || assign[slot].contains(t));
            for tag in &assign[slot] {
                if !current.contains(tag) {
                    current.push(tag.clone());
                }
            }
            if current != before {
                changed = true;
                order["tags"][key] = json!({"tagIds": current});
            }
        }
        if changed {
            let at = change_instant(order);
            order["updatedDate"] = json!(iso_ms(at));
        }
        successes += 1;
        results.push(json!({"itemMetadata": {"id": id, "originalIndex": index, "success": true}}));
    }
    reply(
        StatusCode::OK,
        json!({
            "results": results,
            "bulkActionMetadata": {
                "totalSuccesses": successes,
                "totalFailures": order_ids.len() - successes,
                "undetailedFailures": 0,
            },
        }),
    )
}

fn with_fulfillments(order_id: &str, fulfillments: &[Value]) -> Value {
    json!({"orderId": order_id, "fulfillments": fulfillments})
}

/// `GET /ecom/v1/fulfillments/orders/{orderId}`.
pub(super) async fn list_fulfillments(State(store): State<Shared>, Path(order_id): Path<String>) -> Response {
    let store = store.read().unwrap_or_else(|e| e.into_inner());
    match store.get(&order_id) {
        Some(stored) => reply(
            StatusCode::OK,
            json!({"orderWithFulfillments": with_fulfillments(&order_id, &stored.fulfillments)}),
        ),
        None => not_found("Order", &order_id),
    }
}

/// Tracking link for the predefined providers that auto-fill it.
fn auto_link(provider: &str, number: &str) -> Option<String> {
    let link = match provider {
        "fedex" => format!("https://www.fedex.com/apps/fedextrack/?action=track&trackingnumber={number}"),
        "ups" => format!("https://www.ups.com/track?tracknum={number}"),
        "usps" => format!("https://tools.usps.com/go/TrackConfirmAction.action?tLabels={number}"),
        "dhl" => format!("https://www.logistics.dhl/global-en/home/tracking.html?tracking-id={number}"),
        "canadaPost" => {
            format!("https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={number}")
        }
        _ => return None,
    };
    Some(link)
}

/// How many of each line item the order's fulfillments already cover.
fn fulfilled_quantities(fulfillments: &[Value]) -> HashMap<String, i64> {
    let mut done = HashMap::new();
    for item in fulfillments.iter().filter_map(|f| f["lineItems"].as_array()).flatten() {
        if let Some(id) = item["id"].as_str() {
            *done.entry(id.to_string()).or_insert(0) += item["quantity"].as_i64().unwrap_or(0);
        }
    }
    done
}

/// `POST /ecom/v1/fulfillments/orders/{orderId}/create-fulfillment`.
pub(super) async fn create_fulfillment(
    State(store): State<Shared>,
    Path(order_id): Path<String>,
    body: Bytes,
) -> Response {
    let body = match parse_body(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let Some(fulfillment) = body.get("fulfillment").and_then(Value::as_object) else {
        return validation_error("fulfillment", "is required", "REQUIRED_FIELD", json!({}));
    };
    let Some(requested) = fulfillment.get("lineItems").and_then(Value::as_array).filter(|l| !l.is_empty())
    else {
        return validation_error(
            "fulfillment.lineItems",
            "must contain at least 1 element",
            "MIN_SIZE",
            json!({}),
        );
    };
    let tracking = match fulfillment.get("trackingInfo") {
        None | Some(Value::Null) => None,
        Some(Value::Object(info)) => Some(info.clone()),
        Some(_) => {
            return validation_error("fulfillment.trackingInfo", "must be an object", "FORMAT", json!({}));
        }
    };
    let mut store: std::sync::RwLockWriteGuard<'_, Store> = store.write().unwrap_or_else(|e| e.into_inner());
    let fulfillment_id = store.mint_id();
    let activity_ids = [store.mint_id(), store.mint_id()];
    let Some(stored) = store.get_mut(&order_id) else { return not_found("Order", &order_id) };
    if stored.order["status"] == "CANCELED" {
        return app_error(
            StatusCode::PRECONDITION_REQUIRED,
            "ORDER_CANCELED",
            "A canceled order cannot be fulfilled",
        );
    }
    let ordered: HashMap<String, i64> = stored.order["lineItems"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| Some((i["id"].as_str()?.to_string(), i["quantity"].as_i64()?)))
                .collect()
        })
        .unwrap_or_default();
    let mut done = fulfilled_quantities(&stored.fulfillments);
    if ordered.iter().all(|(id, q)| done.get(id).copied().unwrap_or(0) >= *q) {
        return app_error(
            StatusCode::CONFLICT,
            "ALREADY_EXISTS",
            "All line items of this order are already fulfilled",
        );
    }
    let mut items = Vec::with_capacity(requested.len());
    for (i, line) in requested.iter().enumerate() {
        let field = format!("fulfillment.lineItems[{i}]");
        let Some(id) = line.get("id").and_then(Value::as_str) else {
            return validation_error(&format!("{field}.id"), "is required", "REQUIRED_FIELD", json!({}));
        };
        let Some(&total) = ordered.get(id) else {
            return validation_error(
                &format!("{field}.id"),
                &format!("line item {id} is not in the order"),
                "OTHER",
                json!({}),
            );
        };
        let left = total - done.get(id).copied().unwrap_or(0);
        if left <= 0 {
            return app_error(
                StatusCode::CONFLICT,
                "ALREADY_EXISTS",
                &format!("Line item {id} is already fulfilled"),
            );
        }
        let quantity = match line.get("quantity") {
            None | Some(Value::Null) => left,
            Some(q) => match q.as_i64() {
                Some(q) if q >= 1 && q <= left => q,
                _ => {
                    return validation_error(
                        &format!("{field}.quantity"),
                        &format!("must be between 1 and {left}, the unfulfilled quantity"),
                        "OTHER",
                        json!({}),
                    );
                }
            },
        };
        *done.entry(id.to_string()).or_insert(0) += quantity;
        items.push(json!({"id": id, "quantity": quantity}));
    }
    let order = &mut stored.order;
    let at = change_instant(order);
    let mut created = json!({"id": fulfillment_id, "createdDate": iso_ms(at), "lineItems": items});
    if let Some(mut info) = tracking {
        let number = info.get("trackingNumber").and_then(Value::as_str).unwrap_or_default().to_string();
        let provider = info.get("shippingProvider").and_then(Value::as_str).unwrap_or_default().to_string();
        let missing_link = info.get("trackingLink").and_then(Value::as_str).is_none_or(str::is_empty);
        if let Some(link) = auto_link(&provider, &number).filter(|_| missing_link) {
            info.insert("trackingLink".into(), json!(link));
        }
        created["trackingInfo"] = Value::Object(info);
        push_activity(
            order,
            json!({"id": activity_ids[0], "createdDate": iso_ms(at), "type": "TRACKING_NUMBER_ADDED"}),
        );
    }
    let complete = ordered.iter().all(|(id, q)| done.get(id).copied().unwrap_or(0) >= *q);
    order["fulfillmentStatus"] = json!(if complete { "FULFILLED" } else { "PARTIALLY_FULFILLED" });
    order["updatedDate"] = json!(iso_ms(at));
    if complete {
        push_activity(
            order,
            json!({"id": activity_ids[1], "createdDate": iso_ms(at), "type": "ORDER_FULFILLED"}),
        );
    }
    stored.fulfillments.push(created);
    reply(
        StatusCode::OK,
        json!({
            "orderWithFulfillments": with_fulfillments(&order_id, &stored.fulfillments),
            "fulfillmentId": fulfillment_id,
        }),
    )
}

/// `GET /tags/v1/tags?fqdn=wix.ecom.v1.order`.
pub(super) async fn list_tags(
    State(store): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match query.get("fqdn").map(String::as_str) {
        None | Some("") => validation_error("fqdn", "is required", "REQUIRED_FIELD", json!({})),
        Some(ORDER_FQDN) => {
            let store = store.read().unwrap_or_else(|e| e.into_inner());
            reply(StatusCode::OK, json!({"tags": store.tags}))
        }
        Some(other) => unsupported_fqdn("fqdn", other),
    }
}

fn unsupported_fqdn(field: &str, fqdn: &str) -> Response {
    validation_error(
        field,
        &format!("unsupported fqdn '{fqdn}': only {ORDER_FQDN} is supported"),
        "OTHER",
        json!({}),
    )
}

/// `GET /tags/v1/tags/{tagId}`.
pub(super) async fn get_tag(State(store): State<Shared>, Path(tag_id): Path<String>) -> Response {
    let store = store.read().unwrap_or_else(|e| e.into_inner());
    match store.tags.iter().find(|t| t["id"] == tag_id.as_str()) {
        Some(tag) => reply(StatusCode::OK, json!({"tag": tag})),
        None => not_found("Tag", &tag_id),
    }
}

/// `POST /tags/v1/tags` `{"tag":{"name","fqdn"}}` (developer preview).
pub(super) async fn create_tag(State(store): State<Shared>, body: Bytes) -> Response {
    let body = match parse_body(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let Some(tag) = body.get("tag").and_then(Value::as_object) else {
        return validation_error("tag", "is required", "REQUIRED_FIELD", json!({}));
    };
    let name = match tag.get("name").and_then(Value::as_str).map(str::trim) {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => return validation_error("tag.name", "is required", "REQUIRED_FIELD", json!({})),
    };
    match tag.get("fqdn").and_then(Value::as_str) {
        Some(ORDER_FQDN) => {}
        None | Some("") => return validation_error("tag.fqdn", "is required", "REQUIRED_FIELD", json!({})),
        Some(other) => return unsupported_fqdn("tag.fqdn", other),
    }
    let mut store = store.write().unwrap_or_else(|e| e.into_inner());
    if store.tags.iter().any(|t| t["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(&name))) {
        return app_error(
            StatusCode::CONFLICT,
            "ALREADY_EXISTS",
            &format!("A tag named '{name}' already exists"),
        );
    }
    if store.tags.len() >= MAX_TAGS {
        return app_error(
            StatusCode::BAD_REQUEST,
            "TAG_LIMIT_EXCEEDED",
            &format!("An fqdn can have at most {MAX_TAGS} tags"),
        );
    }
    let id = store.mint_id();
    let last = store.tags.last().and_then(|t| t["createdDate"].as_str()).unwrap_or("");
    let at = change_instant(&json!({"updatedDate": last}));
    let created = json!({
        "id": id,
        "revision": "1",
        "createdDate": iso_ms(at),
        "updatedDate": iso_ms(at),
        "name": name,
        "fqdn": ORDER_FQDN,
    });
    store.tags.push(created.clone());
    reply(StatusCode::OK, json!({"tag": created}))
}
