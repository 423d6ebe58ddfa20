use chrono::DateTime;
use pretty_assertions::assert_eq;

use super::*;
use crate::domain::OrderStatus;

fn params(plan: &Plan) -> Vec<(&str, &str)> {
    plan.params.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

// Page size is clamped to the documented maximum of 100 (and at least 1); newest first with line items, or
// with only a summary's fields.
#[test]
fn page_parameters() {
    assert_eq!(limit(0), 1);
    assert_eq!(limit(20), 20);
    assert_eq!(limit(500), 100);
    let summaries = page_params(0, 50, true);
    assert_eq!(
        summaries[3],
        (
            "fields",
            "id,payment_status,payment_status_text,shipping_status,shipping_status_text,total_amount,currency,\
             date_created,date_modified"
                .to_string()
        )
    );
    assert!(!summaries.iter().any(|(name, _)| *name == "include"));
    let p = page_params(200, 1000, false);
    assert_eq!(
        p,
        vec![
            ("start", "200".to_string()),
            ("limit", "100".to_string()),
            ("sort", "date_created.desc".to_string()),
            ("include", "line_items".to_string()),
        ]
    );
}

// An empty filter sends nothing, checks nothing and the vendor's total is exact.
#[test]
fn empty_filter() {
    let plan = plan(&OrderFilter::default());
    assert!(plan.params.is_empty() && plan.check.is_none() && plan.exact && !plan.nothing);
}

// Status values with exactly one native value are sent; others are checked on the rows; none-matching is empty.
#[test]
fn status_pushdown() {
    let f = |payment: Vec<PaymentStatus>, fulfillment: Vec<FulfillmentStatus>| OrderFilter {
        payment_status: payment,
        fulfillment_status: fulfillment,
        ..OrderFilter::default()
    };
    let p = plan(&f(vec![PaymentStatus::Paid], vec![FulfillmentStatus::Returned]));
    assert_eq!(params(&p), vec![("payment_status", "paid"), ("shipping_status", "returned")]);
    assert!(p.exact && !p.nothing && p.check.is_some());

    // Paid or Refunded → two native values: not expressible as one parameter.
    let p = plan(&f(vec![PaymentStatus::Paid, PaymentStatus::Refunded], vec![]));
    assert!(params(&p).is_empty() && !p.exact);
    // Voided is canceled or cancelled (both spellings are documented).
    let p = plan(&f(vec![PaymentStatus::Voided], vec![]));
    assert!(params(&p).is_empty() && !p.exact);
    // Paid plus a value no native produces is still just "paid".
    let p = plan(&f(vec![PaymentStatus::Paid, PaymentStatus::Authorized], vec![]));
    assert_eq!(params(&p), vec![("payment_status", "paid")]);
    // UNKNOWN matches undocumented values: never pushed.
    let p = plan(&f(vec![PaymentStatus::Paid, PaymentStatus::Unknown], vec![]));
    assert!(params(&p).is_empty() && !p.exact && !p.nothing);
    // Nothing can be AUTHORIZED or PARTIALLY_FULFILLED.
    assert!(plan(&f(vec![PaymentStatus::Authorized], vec![])).nothing);
    assert!(plan(&f(vec![], vec![FulfillmentStatus::PartiallyFulfilled])).nothing);
    // Fulfilled is shipped or delivered.
    let p = plan(&f(vec![], vec![FulfillmentStatus::Fulfilled]));
    assert!(params(&p).is_empty() && !p.exact);
    // Cancelled is shipping "cancelled", or "awaiting"/"confirmed" with a cancelled payment: checked on rows.
    let p = plan(&f(vec![], vec![FulfillmentStatus::Cancelled]));
    assert!(params(&p).is_empty() && !p.exact && !p.nothing && p.check.is_some());
    // Unfulfilled depends on the payment too (the same shipping values are CANCELLED with a cancelled payment).
    let p = plan(&f(vec![], vec![FulfillmentStatus::Unfulfilled]));
    assert!(params(&p).is_empty() && !p.exact);
}

// A single order status narrows by shipping status (a superset the engine filters further); total not exact.
#[test]
fn order_status_narrows() {
    let p = plan(&OrderFilter { status: vec![OrderStatus::Shipped], ..OrderFilter::default() });
    assert_eq!(params(&p), vec![("shipping_status", "shipped")]);
    assert!(!p.exact && p.check.is_none());
    let p = plan(&OrderFilter { status: vec![OrderStatus::Confirmed], ..OrderFilter::default() });
    assert!(params(&p).is_empty() && p.exact);
    // A pushed fulfilment status keeps the shipping parameter.
    let p = plan(&OrderFilter {
        status: vec![OrderStatus::Shipped],
        fulfillment_status: vec![FulfillmentStatus::Returned],
        ..OrderFilter::default()
    });
    assert_eq!(params(&p), vec![("shipping_status", "returned")]);
}

// The date range is widened to whole UTC days two days out and re-checked exactly on the rows.
#[test]
fn date_range_is_widened() {
    let after = DateTime::parse_from_rfc3339("2020-03-25T01:30:00+02:00").unwrap();
    let before = DateTime::parse_from_rfc3339("2020-03-26T23:59:59-05:00").unwrap();
    let p = plan(&OrderFilter {
        placed_after: Some(after),
        placed_before: Some(before),
        ..OrderFilter::default()
    });
    assert_eq!(params(&p), vec![("created_after", "2020-03-22"), ("created_before", "2020-03-29")]);
    assert!(!p.exact && !p.nothing);
    let p = plan(&OrderFilter {
        placed_after: Some(before),
        placed_before: Some(after),
        ..OrderFilter::default()
    });
    assert!(p.nothing);
}

// The e-mail is sent as given; tags are not declared, so neither sent nor checked (the engine filters them).
#[test]
fn email_and_tags() {
    let p = plan(&OrderFilter {
        customer_email: Some("John.Smith@Example.com".into()),
        tags: vec!["VIP".into()],
        ..OrderFilter::default()
    });
    assert_eq!(params(&p), vec![("customer_email", "John.Smith@Example.com")]);
    assert!(p.exact);
    const { assert!(!PUSHDOWN.tags) };
    let p = plan(&OrderFilter { tags: vec!["VIP".into(), "B2B".into()], ..OrderFilter::default() });
    assert!(params(&p).is_empty() && p.check.is_none());
}

// The row check is exactly OrderFilter::matches on the declared fields, and ignores the order status.
#[test]
fn row_check_matches_the_engine() {
    let order = super::super::mapping::tests_support::example_order();
    let keep = |filter: OrderFilter| plan(&filter).keeps(&order);
    assert!(keep(OrderFilter::default()));
    assert!(keep(OrderFilter {
        customer_email: Some("DFDFDDDDF@exemple.com".into()),
        ..OrderFilter::default()
    }));
    assert!(!keep(OrderFilter {
        customer_email: Some("other@exemple.com".into()),
        ..OrderFilter::default()
    }));
    assert!(keep(OrderFilter { payment_status: vec![PaymentStatus::Pending], ..OrderFilter::default() }));
    assert!(!keep(OrderFilter { payment_status: vec![PaymentStatus::Paid], ..OrderFilter::default() }));
    assert!(keep(OrderFilter { status: vec![OrderStatus::Shipped], ..OrderFilter::default() }));
    let placed = order.placed_at;
    assert!(keep(OrderFilter {
        placed_after: Some(placed),
        placed_before: Some(placed),
        ..OrderFilter::default()
    }));
    assert!(!keep(OrderFilter {
        placed_after: Some(placed + chrono::Duration::seconds(1)),
        ..OrderFilter::default()
    }));
    // Tags are the engine's: the row check leaves them alone.
    assert!(keep(OrderFilter { tags: vec!["VIP".into()], ..OrderFilter::default() }));
}
