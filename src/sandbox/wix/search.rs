//! `POST /ecom/v1/orders/search` (Mongo-style filter, sort, cursor paging) and `GET /ecom/v1/orders/{id}`.

use std::cmp::Ordering;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::{Shared, not_found, parse_body, parse_iso_ms, reply, validation_error};

/// Largest and default `cursorPaging.limit`.
const MAX_LIMIT: i64 = 100;

/// Documented filter fields (plus the tag id lists, see the module doc).
const FILTER_FIELDS: &[&str] = &[
    "id",
    "number",
    "status",
    "archived",
    "createdDate",
    "updatedDate",
    "paymentStatus",
    "fulfillmentStatus",
    "buyerInfo.email",
    "buyerInfo.contactId",
    "buyerInfo.memberId",
    "lineItems.productName.original",
    "lineItems.catalogReference.appId",
    "lineItems.catalogReference.catalogItemId",
    "priceSummary.total.amount",
    "shippingInfo.title",
    "shippingInfo.region.name",
    "shippingInfo.logistics.deliveryTime",
    "channelInfo.type",
    "seenByAHuman",
    "tags.tags.tagIds",
    "tags.privateTags.tagIds",
];

/// Documented sortable fields.
const SORT_FIELDS: &[&str] = &[
    "number",
    "status",
    "createdDate",
    "updatedDate",
    "buyerInfo.email",
    "paymentStatus",
    "fulfillmentStatus",
];

/// `GET /ecom/v1/orders/{id}`: any order, INITIALIZED included.
pub(super) async fn get_order(State(store): State<Shared>, Path(id): Path<String>) -> Response {
    let store = store.read().unwrap_or_else(|e| e.into_inner());
    match store.get(&id) {
        Some(stored) => reply(StatusCode::OK, json!({"order": stored.order})),
        None => not_found("Order", &id),
    }
}

/// `POST /ecom/v1/orders/search`.
pub(super) async fn search_orders(State(store): State<Shared>, body: Bytes) -> Response {
    let body = match parse_body(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let search = match body.get("search") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(search)) => search.clone(),
        Some(_) => return validation_error("search", "must be an object", "FORMAT", json!({})),
    };
    if search.contains_key("paging") {
        return validation_error(
            "search.paging",
            "search orders supports only cursorPaging",
            "OTHER",
            json!({}),
        );
    }
    let paging = match search.get("cursorPaging") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(paging)) => paging.clone(),
        Some(_) => return validation_error("search.cursorPaging", "must be an object", "FORMAT", json!({})),
    };
    let limit = match paging.get("limit") {
        None | Some(Value::Null) => MAX_LIMIT,
        Some(value) => match as_int(value) {
            Some(n) if n > MAX_LIMIT => {
                return validation_error(
                    "search.cursorPaging.limit",
                    "must be less than or equal to 100",
                    "MAX",
                    json!({"threshold": MAX_LIMIT}),
                );
            }
            Some(n) if n < 0 => {
                return validation_error(
                    "search.cursorPaging.limit",
                    "must be greater than or equal to 0",
                    "MIN",
                    json!({"threshold": 0}),
                );
            }
            Some(n) => n,
            None => {
                return validation_error(
                    "search.cursorPaging.limit",
                    "must be an integer",
                    "FORMAT",
                    json!({}),
                );
            }
        },
    };
    // A cursor carries the query it continues; otherwise the request's filter and sort apply.
    let (filter, sort, offset) = match paging.get("cursor") {
        Some(Value::String(cursor)) if !cursor.is_empty() => match decode_cursor(cursor) {
            Some(state) => state,
            None => {
                return validation_error("search.cursorPaging.cursor", "invalid cursor", "FORMAT", json!({}));
            }
        },
        None | Some(Value::Null) | Some(Value::String(_)) => {
            let filter = search.get("filter").cloned().unwrap_or(Value::Null);
            let sort = search.get("sort").cloned().unwrap_or(Value::Null);
            (filter, sort, 0)
        }
        Some(_) => {
            return validation_error("search.cursorPaging.cursor", "must be a string", "FORMAT", json!({}));
        }
    };
    let keys = match parse_sort(&sort) {
        Ok(keys) => keys,
        Err(response) => return response,
    };
    let filter_map = match &filter {
        Value::Null => Map::new(),
        Value::Object(map) => map.clone(),
        _ => return validation_error("search.filter", "must be an object", "FORMAT", json!({})),
    };

    // Validate the whole filter once, against an empty order, so errors never depend on the data.
    if let Err(response) = matches(&json!({}), &filter_map, "search.filter") {
        return response;
    }
    let store = store.read().unwrap_or_else(|e| e.into_inner());
    let mut hits: Vec<&Value> = Vec::new();
    for stored in &store.orders {
        if stored.order["status"] == "INITIALIZED" {
            continue;
        }
        match matches(&stored.order, &filter_map, "search.filter") {
            Ok(true) => hits.push(&stored.order),
            Ok(false) => {}
            Err(response) => return response,
        }
    }
    hits.sort_by(|a, b| compare(a, b, &keys));
    let start = (offset as usize).min(hits.len());
    let end = (start + limit as usize).min(hits.len());
    let page: Vec<Value> = hits[start..end].iter().map(|o| (*o).clone()).collect();
    let has_next = end < hits.len();
    let mut cursors = Map::new();
    if has_next {
        cursors.insert("next".into(), json!(encode_cursor(&filter, &sort, end as i64)));
    }
    if start > 0 {
        cursors.insert("prev".into(), json!(encode_cursor(&filter, &sort, (start as i64 - limit).max(0))));
    }
    reply(
        StatusCode::OK,
        json!({
            "orders": page,
            "metadata": {"count": end - start, "cursors": cursors, "hasNext": has_next},
        }),
    )
}

fn as_int(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn encode_cursor(filter: &Value, sort: &Value, offset: i64) -> String {
    let state = json!({"f": filter, "s": sort, "o": offset});
    URL_SAFE_NO_PAD.encode(state.to_string())
}

fn decode_cursor(cursor: &str) -> Option<(Value, Value, i64)> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let state: Value = serde_json::from_slice(&bytes).ok()?;
    let offset = state.get("o")?.as_i64().filter(|o| *o >= 0)?;
    Some((state.get("f")?.clone(), state.get("s")?.clone(), offset))
}

/// `[{"fieldName","order"}]` → `(field, descending)`; createdDate DESC when empty.
fn parse_sort(sort: &Value) -> Result<Vec<(String, bool)>, Response> {
    let list = match sort {
        Value::Null => return Ok(vec![("createdDate".into(), true)]),
        Value::Array(list) => list,
        _ => return Err(validation_error("search.sort", "must be an array", "FORMAT", json!({}))),
    };
    let mut keys = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let field = entry.get("fieldName").and_then(Value::as_str).unwrap_or_default();
        if !SORT_FIELDS.contains(&field) {
            let path = format!("search.sort[{i}].fieldName");
            return Err(validation_error(
                &path,
                &format!("sorting by '{field}' is not supported"),
                "OTHER",
                json!({}),
            ));
        }
        let descending = match entry.get("order").and_then(Value::as_str) {
            None | Some("ASC") => false,
            Some("DESC") => true,
            Some(other) => {
                let path = format!("search.sort[{i}].order");
                return Err(validation_error(
                    &path,
                    &format!("unknown sort order '{other}'"),
                    "FORMAT",
                    json!({}),
                ));
            }
        };
        keys.push((field.to_string(), descending));
    }
    if keys.is_empty() {
        keys.push(("createdDate".into(), true));
    }
    Ok(keys)
}

fn compare(a: &Value, b: &Value, keys: &[(String, bool)]) -> Ordering {
    for (field, descending) in keys {
        let ka = field_values(a, field).first().map(|v| normalize(field, v));
        let kb = field_values(b, field).first().map(|v| normalize(field, v));
        let ord = match (ka, kb) {
            (Some(Some(x)), Some(Some(y))) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
            (Some(Some(_)), _) => Ordering::Greater,
            (_, Some(Some(_))) => Ordering::Less,
            _ => Ordering::Equal,
        };
        let ord = if *descending { ord.reverse() } else { ord };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    // Ties: newest first, then id.
    let ta = a["createdDate"].as_str().unwrap_or_default();
    let tb = b["createdDate"].as_str().unwrap_or_default();
    tb.cmp(ta).then_with(|| a["id"].as_str().cmp(&b["id"].as_str()))
}

/// Every value at a dotted path, flattening arrays on the way (`lineItems.productName.original`).
fn field_values<'a>(order: &'a Value, path: &str) -> Vec<&'a Value> {
    let mut current = vec![order];
    for part in path.split('.') {
        let mut next = Vec::new();
        for value in current {
            match value {
                Value::Array(items) => next.extend(items.iter().filter_map(|i| i.get(part))),
                other => next.extend(other.get(part)),
            }
        }
        current = next;
    }
    current
        .into_iter()
        .flat_map(|v| if let Value::Array(items) = v { items.iter().collect() } else { vec![v] })
        .collect()
}

/// A comparable form of a value for `field`: instants, decimals, booleans or (case-folded) strings.
#[derive(Debug, PartialEq, PartialOrd)]
enum Key {
    Bool(bool),
    Num(Decimal),
    Time(i64),
    Text(String),
}

fn normalize(field: &str, value: &Value) -> Option<Key> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => return Some(Key::Bool(*b)),
        Value::Object(map) => return map.get("$date").and_then(|d| normalize(field, d)),
        _ => return None,
    };
    match field {
        "createdDate" | "updatedDate" => parse_iso_ms(&text).map(Key::Time),
        "number" | "priceSummary.total.amount" => text.parse::<Decimal>().ok().map(Key::Num),
        "buyerInfo.email" => Some(Key::Text(text.to_lowercase())),
        "archived" | "seenByAHuman" => None,
        _ => Some(Key::Text(text)),
    }
}

fn bad_value(path: &str, field: &str) -> Response {
    validation_error(path, &format!("invalid value for field '{field}'"), "FORMAT", json!({}))
}

/// Evaluates a Mongo-style filter; unknown fields, operators or bad values are Wix's 400.
fn matches(order: &Value, filter: &Map<String, Value>, path: &str) -> Result<bool, Response> {
    let mut all = true;
    for (key, condition) in filter {
        let here = format!("{path}.{key}");
        let ok = match key.as_str() {
            "$and" | "$or" => {
                let list = condition
                    .as_array()
                    .ok_or_else(|| validation_error(&here, "must be an array", "FORMAT", json!({})))?;
                let mut results = Vec::with_capacity(list.len());
                for sub in list {
                    let sub = sub
                        .as_object()
                        .ok_or_else(|| validation_error(&here, "must hold objects", "FORMAT", json!({})))?;
                    results.push(matches(order, sub, &here)?);
                }
                if key == "$and" { results.iter().all(|r| *r) } else { results.iter().any(|r| *r) }
            }
            "$not" => {
                let sub = condition
                    .as_object()
                    .ok_or_else(|| validation_error(&here, "must be an object", "FORMAT", json!({})))?;
                !matches(order, sub, &here)?
            }
            op if op.starts_with('$') => {
                return Err(validation_error(&here, &format!("unknown operator '{op}'"), "OTHER", json!({})));
            }
            field if FILTER_FIELDS.contains(&field) => field_matches(order, field, condition, &here)?,
            field => {
                return Err(validation_error(
                    &here,
                    &format!("filtering by '{field}' is not supported"),
                    "OTHER",
                    json!({}),
                ));
            }
        };
        all &= ok;
    }
    Ok(all)
}

fn field_matches(order: &Value, field: &str, condition: &Value, path: &str) -> Result<bool, Response> {
    let operators: Vec<(&str, &Value)> = match condition {
        Value::Object(map) if map.keys().all(|k| k.starts_with('$')) && !map.contains_key("$date") => {
            map.iter().map(|(k, v)| (k.as_str(), v)).collect()
        }
        plain => vec![("$eq", plain)],
    };
    let actual: Vec<Key> =
        field_values(order, field).into_iter().filter_map(|v| normalize(field, v)).collect();
    let one = |value: &Value| -> Result<Key, Response> {
        normalize(field, value).ok_or_else(|| bad_value(path, field))
    };
    let many = |value: &Value| -> Result<Vec<Key>, Response> {
        value.as_array().ok_or_else(|| bad_value(path, field))?.iter().map(one).collect()
    };
    let mut all = true;
    for (op, value) in operators {
        let ok = match op {
            "$eq" => {
                let want = one(value)?;
                actual.contains(&want)
            }
            "$ne" => {
                let want = one(value)?;
                !actual.contains(&want)
            }
            "$in" | "$hasSome" => {
                let want = many(value)?;
                actual.iter().any(|a| want.contains(a))
            }
            "$nin" => {
                let want = many(value)?;
                !actual.iter().any(|a| want.contains(a))
            }
            "$hasAll" => {
                let want = many(value)?;
                want.iter().all(|w| actual.contains(w))
            }
            "$exists" => value.as_bool().ok_or_else(|| bad_value(path, field))? != actual.is_empty(),
            "$startsWith" => {
                let prefix = value.as_str().ok_or_else(|| bad_value(path, field))?.to_lowercase();
                actual.iter().any(|a| matches!(a, Key::Text(t) if t.to_lowercase().starts_with(&prefix)))
            }
            "$gt" | "$gte" | "$lt" | "$lte" => {
                let bound = one(value)?;
                actual.iter().any(|a| match a.partial_cmp(&bound) {
                    Some(Ordering::Greater) => op == "$gt" || op == "$gte",
                    Some(Ordering::Equal) => op == "$gte" || op == "$lte",
                    Some(Ordering::Less) => op == "$lt" || op == "$lte",
                    None => false,
                })
            }
            other => {
                return Err(validation_error(
                    path,
                    &format!("unknown operator '{other}'"),
                    "OTHER",
                    json!({}),
                ));
            }
        };
        all &= ok;
    }
    Ok(all)
}
