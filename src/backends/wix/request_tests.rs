use pretty_assertions::assert_eq;
use serde_json::json;

use super::*;
use crate::backends::util;

fn filter() -> OrderFilter {
    OrderFilter::default()
}

fn at(text: &str) -> DateTime<FixedOffset> {
    util::parse_datetime(text).unwrap()
}

// No filter sends no native filter; the first page carries sort and limit, clamped to Wix's 100.
#[test]
fn first_page_body() {
    let native = native_filter(&filter()).unwrap();
    assert!(native.is_empty());
    assert_eq!(
        search_body(&native, 500, None),
        json!({"search": {"sort": [{"fieldName": "createdDate", "order": "DESC"}], "cursorPaging": {"limit": 100}}})
    );
    assert_eq!(search_body(&native, 0, None)["search"]["cursorPaging"]["limit"], json!(1));
}

// Follow-up pages send the cursor alone: Wix cursors encode filter and sort.
#[test]
fn next_page_body_has_only_the_cursor() {
    let native =
        native_filter(&OrderFilter { payment_status: vec![PaymentStatus::Paid], ..filter() }).unwrap();
    assert_eq!(
        search_body(&native, 20, Some("abc")),
        json!({"search": {"cursorPaging": {"limit": 20, "cursor": "abc"}}})
    );
}

// Payment and fulfilment statuses become `$in` of every native value mapping to a wanted value.
#[test]
fn statuses_push_down_exactly() {
    let native = native_filter(&OrderFilter {
        payment_status: vec![PaymentStatus::Pending, PaymentStatus::Refunded],
        fulfillment_status: vec![FulfillmentStatus::Fulfilled],
        ..filter()
    })
    .unwrap();
    assert_eq!(native["paymentStatus"], json!({"$in": ["NOT_PAID", "PENDING", "FULLY_REFUNDED"]}));
    assert_eq!(native["fulfillmentStatus"], json!({"$in": ["FULFILLED"]}));
}

// Wanting UNKNOWN (any undocumented value) becomes `$nin` of the documented values that map elsewhere.
#[test]
fn unknown_uses_nin() {
    let native = native_filter(&OrderFilter {
        payment_status: vec![PaymentStatus::Unknown, PaymentStatus::Paid],
        fulfillment_status: vec![FulfillmentStatus::Unknown],
        ..filter()
    })
    .unwrap();
    assert_eq!(
        native["paymentStatus"],
        json!({"$nin": ["NOT_PAID", "PENDING", "PARTIALLY_PAID", "PARTIALLY_REFUNDED", "FULLY_REFUNDED"]})
    );
    assert_eq!(
        native["fulfillmentStatus"],
        json!({"$nin": ["NOT_FULFILLED", "PARTIALLY_FULFILLED", "FULFILLED"]})
    );
}

// NOT_FULFILLED is UNFULFILLED unless the order is CANCELED (then CANCELLED): wanting one of the two asks for
// the order status too; wanting both or neither does not.
#[test]
fn cancelled_and_unfulfilled_split_not_fulfilled() {
    let fulfilment = |wanted: &[FulfillmentStatus]| {
        native_filter(&OrderFilter { fulfillment_status: wanted.to_vec(), ..filter() }).unwrap()
    };
    assert_eq!(
        fulfilment(&[FulfillmentStatus::Cancelled]),
        json!({"$or": [{"fulfillmentStatus": {"$in": ["NOT_FULFILLED"]}, "status": {"$eq": "CANCELED"}}]})
            .as_object()
            .unwrap()
            .clone()
    );
    assert_eq!(
        fulfilment(&[FulfillmentStatus::Unfulfilled, FulfillmentStatus::Fulfilled])["$or"],
        json!([
            {"fulfillmentStatus": {"$in": ["FULFILLED"]}},
            {"fulfillmentStatus": {"$in": ["NOT_FULFILLED"]}, "status": {"$ne": "CANCELED"}}
        ])
    );
    assert_eq!(
        fulfilment(&[FulfillmentStatus::Cancelled, FulfillmentStatus::Unknown])["$or"],
        json!([
            {"fulfillmentStatus": {"$nin": ["PARTIALLY_FULFILLED", "FULFILLED", "NOT_FULFILLED"]}},
            {"fulfillmentStatus": {"$in": ["NOT_FULFILLED"]}, "status": {"$eq": "CANCELED"}}
        ])
    );
    assert_eq!(
        fulfilment(&[FulfillmentStatus::Cancelled, FulfillmentStatus::Unfulfilled])["fulfillmentStatus"],
        json!({"$in": ["NOT_FULFILLED"]})
    );
    // An order status narrowing stays beside the `$or`.
    let both = native_filter(&OrderFilter {
        status: vec![OrderStatus::Cancelled],
        fulfillment_status: vec![FulfillmentStatus::Cancelled],
        ..filter()
    })
    .unwrap();
    assert_eq!(both["status"], json!({"$in": ["CANCELED"]}));
    assert!(both.contains_key("$or"));
}

// A wanted value no native value produces means no order can match: no call at all.
#[test]
fn impossible_filters_skip_the_call() {
    assert!(
        native_filter(&OrderFilter { payment_status: vec![PaymentStatus::Failed], ..filter() }).is_none()
    );
    assert!(
        native_filter(&OrderFilter { fulfillment_status: vec![FulfillmentStatus::Returned], ..filter() })
            .is_none()
    );
    assert!(native_filter(&OrderFilter { status: vec![OrderStatus::Delivered], ..filter() }).is_none());
    // PENDING is INITIALIZED, which Search never returns.
    assert!(native_filter(&OrderFilter { status: vec![OrderStatus::Pending], ..filter() }).is_none());
}

// The order status only narrows (a superset): APPROVED covers CONFIRMED, SHIPPED, PARTIALLY_SHIPPED, REFUNDED.
#[test]
fn order_status_narrows_to_a_superset() {
    let native = native_filter(&OrderFilter {
        status: vec![OrderStatus::Shipped, OrderStatus::Cancelled, OrderStatus::Refunded],
        ..filter()
    })
    .unwrap();
    assert_eq!(native["status"], json!({"$in": ["APPROVED", "CANCELED"]}));
    let unknown = native_filter(&OrderFilter { status: vec![OrderStatus::Unknown], ..filter() }).unwrap();
    assert!(!unknown.contains_key("status"));
    let declared = PUSHDOWN;
    assert_eq!(
        declared,
        FilterPushdown {
            status: false,
            payment_status: true,
            fulfillment_status: true,
            placed_range: true,
            customer_email: false,
            tags: false
        }
    );
}

// The date range is inclusive and rounded to Wix's milliseconds in the direction that keeps it exact.
#[test]
fn date_range_is_exact_at_millisecond_precision() {
    let native = native_filter(&OrderFilter {
        placed_after: Some(at("2024-03-01T10:00:00.0001+02:00")),
        placed_before: Some(at("2024-03-31T23:59:59.9999Z")),
        ..filter()
    })
    .unwrap();
    assert_eq!(
        native["createdDate"],
        json!({"$gte": "2024-03-01T08:00:00.001Z", "$lte": "2024-03-31T23:59:59.999Z"})
    );
    let whole =
        native_filter(&OrderFilter { placed_after: Some(at("2024-03-01T00:00:00Z")), ..filter() }).unwrap();
    assert_eq!(whole["createdDate"], json!({"$gte": "2024-03-01T00:00:00.000Z"}));
}

// The e-mail and tags are never sent (the engine filters them).
#[test]
fn email_and_tags_are_not_sent() {
    let native = native_filter(&OrderFilter {
        customer_email: Some("Jane@Example.com".into()),
        tags: vec!["VIP".into()],
        ..filter()
    })
    .unwrap();
    assert!(native.is_empty());
}
