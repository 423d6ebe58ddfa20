//! Storeden's wire formats: money as JSON floats in major units, dates with `+0100` offsets (no colon),
//! `{sec, usec}` epoch objects, and the JSON shapes of every response.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Weekday};
use serde_json::{Map, Number, Value, json};

use super::data::{Address, COURIERS, Event, Order, STATUSES, Tracking};

/// A JSON number written exactly as `text` (serde_json's `arbitrary_precision` keeps the digits).
fn number(text: &str) -> Value {
    text.parse::<Number>().map(Value::Number).unwrap_or_else(|_| Value::from(0))
}

/// Cents as Storeden prints amounts: `110`, `7.5`, `45.25` (a JSON number in major units).
pub(super) fn money(cents: i64) -> Value {
    let sign = if cents < 0 { "-" } else { "" };
    let (major, minor) = (cents.abs() / 100, cents.abs() % 100);
    let text = if minor == 0 {
        format!("{sign}{major}")
    } else if minor % 10 == 0 {
        format!("{sign}{major}.{}", minor / 10)
    } else {
        format!("{sign}{major}.{minor:02}")
    };
    number(&text)
}

/// A zero amount written `0.00`, as the documented `saleAmount` is.
fn zero_two_decimals() -> Value {
    number("0.00")
}

fn last_sunday(year: i32, month: u32) -> Option<NaiveDate> {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let mut day = first_next.pred_opt()?;
    while day.weekday() != Weekday::Sun {
        day = day.pred_opt()?;
    }
    Some(day)
}

/// The shop's (Europe/Rome-like) UTC offset at this unix second: +02:00 from the last Sunday of March
/// 01:00 UTC to the last Sunday of October 01:00 UTC, +01:00 otherwise.
pub(super) fn rome_offset(sec: i64) -> FixedOffset {
    // Both offsets are well within chrono's ±24 h range, so these constructors cannot fail.
    #[allow(clippy::unwrap_used)]
    let (winter, summer) = (FixedOffset::east_opt(3_600).unwrap(), FixedOffset::east_opt(7_200).unwrap());
    let Some(utc) = DateTime::from_timestamp(sec, 0) else { return winter };
    let bound = |month| {
        last_sunday(utc.year(), month).and_then(|d| d.and_hms_opt(1, 0, 0)).map(|t| t.and_utc().timestamp())
    };
    match (bound(3), bound(10)) {
        (Some(start), Some(end)) if sec >= start && sec < end => summer,
        _ => winter,
    }
}

fn local(sec: i64) -> Option<DateTime<FixedOffset>> {
    DateTime::from_timestamp(sec, 0).map(|utc| utc.with_timezone(&rome_offset(sec)))
}

/// `2015-12-17T18:19:54+0100`: the list's and `iso.orderDate`'s format (no colon in the offset).
pub(super) fn compact_date(sec: i64) -> String {
    local(sec).map(|d| d.format("%Y-%m-%dT%H:%M:%S%z").to_string()).unwrap_or_default()
}

/// `2018-07-25T16:06:59+02:00`: the timeline's `iso_date` format (colon in the offset).
pub(super) fn colon_date(sec: i64) -> String {
    local(sec).map(|d| d.format("%Y-%m-%dT%H:%M:%S%:z").to_string()).unwrap_or_default()
}

/// `2016-01-18`: the shop-local calendar day, as `pickup_date` is written.
pub(super) fn local_date(sec: i64) -> String {
    local(sec).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// The nodes a list row may carry on request (`nodes=`).
pub(super) const NODES: &[&str] =
    &["billing.fullname", "billing.email", "delivery.email", "delivery.fullname", "short_id", "tags"];

/// A row of `GET /orders/list.json`, plus the requested `nodes` (dotted names become nested objects).
pub(super) fn list_row(order: &Order, nodes: &[String]) -> Value {
    let date = compact_date(order.placed_sec());
    let mut row = Map::new();
    row.insert("orderID".into(), json!(order.order_id));
    row.insert("total".into(), money(order.total_cents()));
    row.insert("orderDate".into(), json!(date));
    row.insert("status".into(), json!(order.status));
    row.insert("iso".into(), json!({ "orderDate": date }));
    for node in nodes {
        let (value, path): (Value, Vec<&str>) = match node.as_str() {
            "billing.fullname" => (json!(order.billing.fullname), vec!["billing", "fullname"]),
            "billing.email" => (json!(order.billing.email), vec!["billing", "email"]),
            "delivery.email" => (json!(order.delivery.email), vec!["delivery", "email"]),
            "delivery.fullname" => (json!(order.delivery.fullname), vec!["delivery", "fullname"]),
            "short_id" => (json!(order.short_id), vec!["short_id"]),
            "tags" => (json!(order.tags), vec!["tags"]),
            _ => continue,
        };
        if let [parent, child] = path[..] {
            let entry = row.entry(parent).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = entry {
                inner.insert(child.to_string(), value);
            }
        } else {
            row.insert(path[0].to_string(), value);
        }
    }
    Value::Object(row)
}

fn address(a: &Address) -> Value {
    json!({
        "addr1": a.addr1,
        "addr2": a.addr2,
        "city": a.city,
        "email": a.email,
        "fullname": a.fullname,
        "country": a.country,
        "phone": a.phone,
        "principal": 1,
        "state": a.state,
        "userUID": a.user_uid,
        "vat": a.vat,
        "zip": a.zip,
    })
}

/// `GET /orders/order.json` (items as a map keyed `uid#|#options`) or, with `legacy`,
/// `GET /orders/legacy_order.json` (items as an array with `product_uid` and `product_endpoint`).
pub(super) fn full_order(order: &Order, legacy: bool) -> Value {
    let items = if legacy {
        Value::Array(
            order
                .items
                .iter()
                .map(|i| {
                    json!({
                        "count": i.count,
                        "price": money(i.price_cents),
                        "options": i.options,
                        "title": i.title,
                        "sku": i.sku,
                        "product_uid": i.product_uid,
                        "product_endpoint":
                            format!("https://connect.storeden.com/v1.1/products/product.json?uid={}", i.product_uid),
                    })
                })
                .collect(),
        )
    } else {
        let mut map = Map::new();
        for i in &order.items {
            map.insert(
                i.key(),
                json!({
                    "count": i.count,
                    "price": money(i.price_cents),
                    "options": i.options,
                    "title": i.title,
                    "sku": i.sku,
                }),
            );
        }
        Value::Object(map)
    };
    let total = money(order.total_cents());
    let sale = if order.sale_cents == 0 { zero_two_decimals() } else { money(order.sale_cents) };
    json!({
        "orderID": order.order_id,
        "billing": address(&order.billing),
        "delivery": address(&order.delivery),
        "cart": {
            "total": total,
            "items": items,
            "couponCode": order.coupon_code,
            "saleAmount": sale,
            "shippingAmount": money(order.shipping_cents),
            "shippingProfile": order.shipping_profile,
            "paymentAmount": money(order.payment_cents),
            "paymentProfile": order.payment_profile,
            "checkouted": true,
            "userUID": order.user_uid,
        },
        "total": total,
        "userUID": order.user_uid,
        "orderDate": { "sec": order.placed_sec(), "usec": order.placed_ms.rem_euclid(1000) * 1000 },
        "method": order.shipping_profile,
        "payment": order.payment_profile,
        "status": order.status,
        "transactionID": order.transaction_id,
        "iso": { "orderDate": compact_date(order.placed_sec()) },
        "tags": order.tags,
    })
}

/// `GET /orders/tracking.json`: empty strings when the order has no tracking yet.
pub(super) fn tracking(t: Option<&Tracking>) -> Value {
    let empty = Tracking::default();
    let t = t.unwrap_or(&empty);
    json!({ "url": t.url, "courier": t.courier, "tracking": t.tracking, "pickup_date": t.pickup_date })
}

/// `GET /orders/timeline.json`: status changes, oldest first.
pub(super) fn timeline(events: &[Event]) -> Value {
    Value::Array(
        events
            .iter()
            .map(|e| json!({ "status": e.status, "ip": e.ip, "ts": e.ts, "iso_date": colon_date(e.ts) }))
            .collect(),
    )
}

/// `GET /orders/statuses.json`: codes grouped by phase, codes as string keys.
pub(super) fn statuses() -> Value {
    let mut groups = Map::new();
    for (code, group, label) in STATUSES {
        let entry = groups.entry(*group).or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(inner) = entry {
            inner.insert(code.to_string(), json!(label));
        }
    }
    Value::Object(groups)
}

/// `GET /orders/couriers.json`: a map from code to `{code, name, country}`.
pub(super) fn couriers() -> Value {
    let mut map = Map::new();
    for (code, name, country, _) in COURIERS {
        map.insert((*code).to_string(), json!({ "code": code, "name": name, "country": country }));
    }
    Value::Object(map)
}
