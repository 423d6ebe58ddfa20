//! Reads: `GET /api/oms/pvt/orders` (list), `GET …/orders/{orderId}`, `GET …/orders/order-group/{group}`.

use std::cmp::{Ordering, Reverse};

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::DateTime;
use serde_json::{Value, json};

use super::model::{Order, Ticks, ticks_of};
use super::{Bad, Shared, bad, json_response, order_not_found, text_response};

const DEFAULT_PER_PAGE: usize = 15;
const MAX_PER_PAGE: usize = 100;
const MAX_PAGE: usize = 30;

/// The sort of the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SortField {
    CreationDate,
    OrderId,
    Items,
    TotalValue,
    Origin,
}

/// A parsed, validated list query.
#[derive(Debug)]
struct ListQuery {
    page: usize,
    per_page: usize,
    sort: SortField,
    descending: bool,
    statuses: Option<Vec<String>>,
    created: Option<(Option<Ticks>, Option<Ticks>)>,
    invoiced: Option<(Option<Ticks>, Option<Ticks>)>,
    authorized: Option<(Option<Ticks>, Option<Ticks>)>,
    q: Option<String>,
    payment_names: Option<Vec<String>>,
    sales_channel: Option<Vec<String>>,
    affiliate: Option<Vec<String>>,
    has_input_invoice: Option<bool>,
}

fn parse_query(raw: Option<&str>) -> Result<ListQuery, Bad> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|_| bad("Invalid query string"))?;
    let mut query = ListQuery {
        page: 1,
        per_page: DEFAULT_PER_PAGE,
        sort: SortField::CreationDate,
        descending: true,
        statuses: None,
        created: None,
        invoiced: None,
        authorized: None,
        q: None,
        payment_names: None,
        sales_channel: None,
        affiliate: None,
        has_input_invoice: None,
    };
    let list = |v: &str| -> Vec<String> {
        v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
    };
    for (key, value) in &pairs {
        match key.as_str() {
            "page" => {
                query.page = value.trim().parse().map_err(|_| bad("Invalid value for page"))?;
                if query.page == 0 {
                    return Err(bad("Invalid value for page"));
                }
            }
            "per_page" => {
                query.per_page = value.trim().parse().map_err(|_| bad("Invalid value for per_page"))?;
                if query.per_page == 0 || query.per_page > MAX_PER_PAGE {
                    return Err(bad("per_page must be between 1 and 100"));
                }
            }
            "orderBy" => (query.sort, query.descending) = parse_order_by(value)?,
            "f_status" => {
                let statuses = list(value)
                    .into_iter()
                    .map(|s| {
                        if s == "waiting-for-sellers-confirmation" {
                            "waiting-for-authorization".into()
                        } else {
                            s
                        }
                    })
                    .collect();
                query.statuses = Some(statuses);
            }
            "f_creationDate" => query.created = Some(parse_range(value, "creationDate")?),
            "f_invoicedDate" => query.invoiced = Some(parse_range(value, "invoicedDate")?),
            "f_authorizedDate" => query.authorized = Some(parse_range(value, "authorizedDate")?),
            "q" => {
                if value.contains('+') {
                    return Err(bad("The character + is not allowed in q"));
                }
                let q = value.trim().to_lowercase();
                query.q = (!q.is_empty()).then_some(q);
            }
            "f_paymentNames" => query.payment_names = Some(list(value)),
            "f_salesChannel" | "salesChannelId" => query.sales_channel = Some(list(value)),
            "f_affiliateId" => query.affiliate = Some(list(value)),
            "f_hasInputInvoice" => {
                query.has_input_invoice =
                    Some(value.parse().map_err(|_| bad("Invalid value for f_hasInputInvoice"))?)
            }
            _ => {}
        }
    }
    if query.page > MAX_PAGE {
        return Err(bad("Max page exceed ( 30 ), refine filter"));
    }
    Ok(query)
}

fn parse_order_by(value: &str) -> Result<(SortField, bool), Bad> {
    let invalid = || bad("Invalid value for orderBy");
    let (field, direction) = value.split_once(',').ok_or_else(invalid)?;
    let field = match field.trim() {
        "creationDate" => SortField::CreationDate,
        "orderId" => SortField::OrderId,
        "items" => SortField::Items,
        "totalValue" => SortField::TotalValue,
        "origin" => SortField::Origin,
        _ => return Err(invalid()),
    };
    let descending = match direction.trim().to_ascii_lowercase().as_str() {
        "desc" => true,
        "asc" => false,
        _ => return Err(invalid()),
    };
    Ok((field, descending))
}

/// `creationDate:[2022-01-01T02:00:00.000Z TO 2022-01-02T01:59:59.999Z]`, `*` for an open end.
fn parse_range(value: &str, field: &str) -> Result<(Option<Ticks>, Option<Ticks>), Bad> {
    let invalid = || bad(&format!("Invalid date range, expected {field}:[from TO to]"));
    let inner = value
        .trim()
        .strip_prefix(field)
        .and_then(|s| s.strip_prefix(':'))
        .and_then(|s| s.trim().strip_prefix('['))
        .and_then(|s| s.strip_suffix(']'))
        .ok_or_else(invalid)?;
    let (from, to) = inner.split_once(" TO ").ok_or_else(invalid)?;
    let bound = |s: &str| -> Result<Option<Ticks>, Bad> {
        let s = s.trim();
        if s == "*" {
            return Ok(None);
        }
        DateTime::parse_from_rfc3339(s).map(|dt| Some(ticks_of(&dt))).map_err(|_| invalid())
    };
    Ok((bound(from)?, bound(to)?))
}

/// Inclusive range test at millisecond precision (the search index keeps milliseconds).
fn in_range(ticks: Option<Ticks>, range: &Option<(Option<Ticks>, Option<Ticks>)>) -> bool {
    let Some((from, to)) = range else { return true };
    let Some(ticks) = ticks else { return false };
    let ms = ticks.div_euclid(10_000);
    from.is_none_or(|f| ms >= f.div_euclid(10_000)) && to.is_none_or(|t| ms <= t.div_euclid(10_000))
}

fn matches(order: &Order, query: &ListQuery) -> bool {
    if let Some(statuses) = &query.statuses
        && !statuses.contains(&order.status)
    {
        return false;
    }
    if !in_range(Some(order.created), &query.created)
        || !in_range(order.invoiced, &query.invoiced)
        || !in_range(order.authorized, &query.authorized)
    {
        return false;
    }
    if let Some(q) = &query.q {
        let c = &order.customer;
        let hit = [&order.order_id, &order.sequence, &c.email, &c.document, &order.client_name()]
            .iter()
            .any(|field| field.to_lowercase().contains(q.as_str()));
        if !hit {
            return false;
        }
    }
    if let Some(names) = &query.payment_names
        && !names.iter().any(|n| n.eq_ignore_ascii_case(order.payment.system_name))
    {
        return false;
    }
    if let Some(channels) = &query.sales_channel
        && !channels.iter().any(|c| c == order.sales_channel)
    {
        return false;
    }
    if let Some(affiliates) = &query.affiliate
        && !affiliates.iter().any(|a| a == order.affiliate_id)
    {
        return false;
    }
    if let Some(wanted) = query.has_input_invoice {
        let has = order.packages.iter().any(|p| p.kind == "Input");
        if has != wanted {
            return false;
        }
    }
    true
}

/// Sorts `hits` (newest first on entry, the store's order) by the requested field; ties newest first.
fn sort(hits: &mut Vec<&Order>, sort: SortField, descending: bool) {
    let directed = |ordering: Ordering| if descending { ordering.reverse() } else { ordering };
    let signed = |key: i64| if descending { -key } else { key };
    match sort {
        SortField::CreationDate if descending => {}
        SortField::CreationDate => hits.reverse(),
        SortField::OrderId => {
            hits.sort_by(|a, b| directed(a.order_id.cmp(&b.order_id)).then(b.created.cmp(&a.created)))
        }
        SortField::Origin => {
            hits.sort_by(|a, b| directed(a.origin.cmp(b.origin)).then(b.created.cmp(&a.created)))
        }
        SortField::Items => hits.sort_by_cached_key(|o| (signed(o.total_items()), Reverse(o.created))),
        SortField::TotalValue => hits.sort_by_cached_key(|o| (signed(o.value()), Reverse(o.created))),
    }
}

/// `GET /api/oms/pvt/orders`.
pub(super) async fn list_orders(State(store): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    let query = match parse_query(raw.as_deref()) {
        Ok(query) => query,
        Err(response) => return *response,
    };
    let store = store.read().unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut hits: Vec<&Order> = store.orders.iter().filter(|o| matches(o, &query)).collect();
    sort(&mut hits, query.sort, query.descending);
    let total = hits.len();
    let pages = total.div_ceil(query.per_page);
    let start = (query.page - 1) * query.per_page;
    let rows: Vec<&str> = hits.iter().skip(start).take(query.per_page).map(|o| o.list_row_text()).collect();
    let values: Vec<i64> = hits.iter().map(|o| o.value()).collect();
    let items: Vec<i64> = hits.iter().map(|o| o.total_items()).collect();
    let rest = json!({
        "facets": [],
        "paging": {"total": total, "pages": pages, "currentPage": query.page, "perPage": query.per_page},
        "stats": {"stats": {"totalValue": stat(&values), "totalItems": stat(&items)}},
        "reportRecordsLimit": 50000,
    })
    .to_string();
    // `{"list":[rows…],` + the rest of the object, keys in VTEX's order.
    let body = format!("{{\"list\":[{}],{}", rows.join(","), &rest[1..]);
    text_response(body)
}

/// VTEX's stats block of one numeric field.
fn stat(values: &[i64]) -> Value {
    let count = values.len() as f64;
    let sum: i64 = values.iter().sum();
    let sum_sq: f64 = values.iter().map(|v| (*v as f64) * (*v as f64)).sum();
    let mean = if values.is_empty() { 0.0 } else { sum as f64 / count };
    let variance = if values.is_empty() { 0.0 } else { (sum_sq / count - mean * mean).max(0.0) };
    json!({
        "Count": values.len(),
        "Max": values.iter().max().copied().unwrap_or(0) as f64,
        "Mean": (mean * 100.0).round() / 100.0,
        "Min": values.iter().min().copied().unwrap_or(0) as f64,
        "Missing": 0,
        "StdDev": (variance.sqrt() * 100.0).round() / 100.0,
        "Sum": sum as f64,
        "SumOfSquares": sum_sq,
        "Facets": {},
    })
}

/// `GET /api/oms/pvt/orders/{orderId}`: by order id, `seq{sequence}` or bare sequence.
pub(super) async fn get_order(State(store): State<Shared>, Path(order_id): Path<String>) -> Response {
    let store = store.read().unwrap_or_else(|poisoned| poisoned.into_inner());
    match store.find(&order_id) {
        Some(index) => json_response(StatusCode::OK, &store.orders[index].full_json()),
        None => order_not_found(),
    }
}

/// `GET /api/oms/pvt/orders/order-group/{orderGroup}`: the orders of a group, as an array.
pub(super) async fn get_order_group(State(store): State<Shared>, Path(group): Path<String>) -> Response {
    let store = store.read().unwrap_or_else(|poisoned| poisoned.into_inner());
    let orders: Vec<Value> =
        store.orders.iter().filter(|o| o.group() == group).map(|o| o.full_json()).collect();
    if orders.is_empty() {
        return order_not_found();
    }
    json_response(StatusCode::OK, &Value::Array(orders))
}
