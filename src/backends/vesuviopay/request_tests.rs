use chrono::{DateTime, FixedOffset};
use pretty_assertions::assert_eq;

use super::*;
use crate::backends::util::{decode_token, encode_token};
use crate::domain::{
    BackendName, Customer, FulfillmentStatus, NativeOrderId, OrderId, OrderStatus, PaymentStatus,
};

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

fn order(id: &str, placed: &str, status: &str) -> Order {
    let backend = BackendName::parse("ves").unwrap();
    let mut order = Order::new(
        OrderId::new(backend, NativeOrderId::new(id)),
        NativeStatus::parse(status).to_status(status),
        at(placed),
        "EUR",
    );
    order.customer = Some(Customer { email: Some(format!("{id}@example.com")), ..Customer::default() });
    order
}

fn ids(orders: &[Order]) -> Vec<&str> {
    orders.iter().map(|o| o.id.native.as_str()).collect()
}

/// The same orders, each once, newest first (orders sharing an instant may come in any order: the vendor
/// decides which of them fill a page).
fn assert_same_listing(got: &[Order], expected: &[Order], context: &str) {
    let mut got_ids = ids(got);
    got_ids.sort();
    let mut expected_ids = ids(expected);
    expected_ids.sort();
    assert_eq!(got_ids, expected_ids, "{context}");
    let unique: std::collections::HashSet<_> = ids(got).into_iter().collect();
    assert_eq!(unique.len(), got.len(), "an order came twice: {context}");
    assert!(got.windows(2).all(|w| w[0].placed_at >= w[1].placed_at), "not newest first: {context}");
}

/// The vendor as the adapter assumes it: the newest `limit` orders of the window, in any row order, with
/// `dateFrom`/`dateTo` inclusive or exclusive.
fn vendor(store: &[Order], query: &[(&str, String)], inclusive: bool) -> (Vec<Order>, bool) {
    let param = |name: &str| query.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
    let limit: usize = param("limit").unwrap().parse().unwrap();
    let from = param("dateFrom").map(|t| at(&t));
    let to = param("dateTo").map(|t| at(&t));
    let status = param("status");
    let mut rows: Vec<Order> = store
        .iter()
        .filter(|o| from.is_none_or(|f| if inclusive { o.placed_at >= f } else { o.placed_at > f }))
        .filter(|o| to.is_none_or(|t| if inclusive { o.placed_at <= t } else { o.placed_at < t }))
        .filter(|o| status.as_deref().is_none_or(|s| o.status.native.eq_ignore_ascii_case(s)))
        .cloned()
        .collect();
    // Newest first, ties in reverse id order (not the adapter's order), then shuffled by reversing the page.
    rows.sort_by(|a, b| b.placed_at.cmp(&a.placed_at).then(b.id.cmp(&a.id)));
    let more = rows.len() > limit;
    rows.truncate(limit);
    rows.reverse();
    (rows, more)
}

/// Lists everything through `consume` the way the adapter does, returning the pages.
fn list_all(store: &[Order], filter: &OrderFilter, page_size: usize, inclusive: bool) -> Vec<Vec<Order>> {
    let Plan::Query { status, .. } = plan(filter) else { return Vec::new() };
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..1000 {
        let cursor: Option<Cursor> = token.as_deref().map(|t| decode_token(t).unwrap());
        let Some(window) = window(filter, cursor.as_ref()) else { break };
        let mut limit = page_size;
        let consumed = loop {
            let (rows, more) = vendor(store, &query(limit, status.as_ref(), &window), inclusive);
            match consume(rows, more, filter, &window, cursor.as_ref(), page_size) {
                Some(c) => break c,
                None if limit < MAX_LIMIT => limit = MAX_LIMIT,
                None => panic!("stuck"),
            }
        };
        pages.push(consumed.orders);
        match consumed.next {
            Some(next) => token = Some(encode_token(&next)),
            None => return pages,
        }
    }
    panic!("did not finish");
}

fn store() -> Vec<Order> {
    let statuses = ["Pending", "Confirmed", "Shipped", "Cancelled", "refunded"];
    let mut store = Vec::new();
    for i in 0..37 {
        // Several orders share each second, some share a millisecond.
        let placed = format!("2025-10-08T10:{:02}:{:02}.{:03}Z", i / 10, (i % 10) / 3, (i % 3) / 2 * 500);
        store.push(order(&format!("o{i:02}"), &placed, statuses[i % statuses.len()]));
    }
    store
}

fn expected(store: &[Order], filter: &OrderFilter) -> Vec<Order> {
    let mut all: Vec<Order> =
        store.iter().filter(|o| filter.matches(o, &FilterPushdown::default())).cloned().collect();
    all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    all
}

// Every page size, both bound semantics: every order once, newest first, ties across pages kept.
#[test]
fn lists_everything_once_newest_first() {
    let store = store();
    let filter = OrderFilter::default();
    for inclusive in [true, false] {
        for page_size in [1, 2, 3, 7, 50] {
            let pages = list_all(&store, &filter, page_size, inclusive);
            let all: Vec<Order> = pages.iter().flatten().cloned().collect();
            assert_same_listing(
                &all,
                &expected(&store, &filter),
                &format!("page size {page_size}, {inclusive}"),
            );
            assert!(pages.iter().all(|p| p.len() <= page_size));
        }
    }
}

// Filters applied by the adapter give exactly what `OrderFilter::matches` gives.
#[test]
fn filters_match_the_engine() {
    let store = store();
    let filters = [
        OrderFilter { status: vec![OrderStatus::Shipped], ..OrderFilter::default() },
        OrderFilter { status: vec![OrderStatus::Shipped, OrderStatus::Pending], ..OrderFilter::default() },
        OrderFilter { payment_status: vec![PaymentStatus::Paid], ..OrderFilter::default() },
        OrderFilter { fulfillment_status: vec![FulfillmentStatus::Unknown], ..OrderFilter::default() },
        OrderFilter {
            placed_after: Some(at("2025-10-08T10:01:01.500Z")),
            placed_before: Some(at("2025-10-08T10:02:02Z")),
            ..OrderFilter::default()
        },
        OrderFilter { customer_email: Some("O07@EXAMPLE.com".into()), ..OrderFilter::default() },
    ];
    for filter in &filters {
        for inclusive in [true, false] {
            for page_size in [1, 4, 50] {
                let all: Vec<Order> = list_all(&store, filter, page_size, inclusive).concat();
                let context = format!("{filter:?} {page_size} {inclusive}");
                assert_same_listing(&all, &expected(&store, filter), &context);
            }
        }
    }
}

// The plan: one status is sent natively and counts are exact; others are refined on the rows.
#[test]
fn plans() {
    let one = OrderFilter { status: vec![OrderStatus::Shipped], ..OrderFilter::default() };
    assert_eq!(plan(&one), Plan::Query { status: Some(NativeStatus::Shipped), exact: true });
    let paid_unfulfilled = OrderFilter {
        payment_status: vec![PaymentStatus::Pending],
        fulfillment_status: vec![FulfillmentStatus::Unfulfilled],
        ..OrderFilter::default()
    };
    assert_eq!(plan(&paid_unfulfilled), Plan::Query { status: Some(NativeStatus::Pending), exact: true });
    let two =
        OrderFilter { status: vec![OrderStatus::Shipped, OrderStatus::Delivered], ..OrderFilter::default() };
    assert_eq!(plan(&two), Plan::Query { status: None, exact: false });
    let unknown = OrderFilter { status: vec![OrderStatus::Unknown], ..OrderFilter::default() };
    assert_eq!(plan(&unknown), Plan::Query { status: None, exact: false });
    let returned = OrderFilter { status: vec![OrderStatus::Returned], ..OrderFilter::default() };
    assert_eq!(plan(&returned), Plan::Nothing);
    let tags = OrderFilter { tags: vec!["vip".into()], ..OrderFilter::default() };
    assert_eq!(plan(&tags), Plan::Nothing);
    assert_eq!(plan(&OrderFilter::default()), Plan::Query { status: None, exact: true });
    let dated = OrderFilter { placed_after: Some(at("2025-10-08T10:00:00Z")), ..OrderFilter::default() };
    assert_eq!(plan(&dated), Plan::Query { status: None, exact: false });
}

// The query: limit clamped, bounds one millisecond outside the inclusive window, in toISOString() shape.
#[test]
fn query_bounds() {
    let window =
        Window { from: Some(at("2025-10-08T10:30:00Z")), to: Some(at("2025-10-08T12:30:00.0004+02:00")) };
    let query = query(80, Some(&NativeStatus::PartiallyShipped), &window);
    let expected: Vec<(&str, String)> = vec![
        ("limit", "50".into()),
        ("status", "PartiallyShipped".into()),
        ("dateFrom", "2025-10-08T10:29:59.999Z".into()),
        ("dateTo", "2025-10-08T10:30:00.001Z".into()),
    ];
    assert_eq!(query, expected);
    let empty = OrderFilter {
        placed_after: Some(at("2025-10-09T00:00:00Z")),
        placed_before: Some(at("2025-10-08T00:00:00Z")),
        ..OrderFilter::default()
    };
    assert_eq!(super::window(&empty, None), None);
}

// The token round-trips; a cursor narrows the window and skips what was returned at its instant.
#[test]
fn cursor_tokens() {
    let cursor =
        Cursor { before: at("2025-10-08T10:30:00.123456789+02:00"), seen: vec!["a".into(), "b".into()] };
    let token = encode_token(&cursor);
    assert_eq!(decode_token::<Cursor>(&token).unwrap(), cursor);
    assert!(matches!(decode_token::<Cursor>("garbage!"), Err(crate::error::Error::BadUserInput(_))));
    assert!(decode_token::<Cursor>(&encode_token(&serde_json::json!({"b": 1}))).is_err());

    let window = Window { from: None, to: Some(cursor.before) };
    let rows = vec![
        order("a", "2025-10-08T10:30:00.123456789+02:00", "Pending"),
        order("c", "2025-10-08T10:30:00.123456789+02:00", "Pending"),
        order("z", "2025-10-08T10:30:00.2+02:00", "Pending"),
        order("d", "2025-10-08T10:29:00+02:00", "Pending"),
    ];
    let page = consume(rows, true, &OrderFilter::default(), &window, Some(&cursor), 1).unwrap();
    assert_eq!(ids(&page.orders), vec!["c"]);
    let next = page.next.unwrap();
    assert_eq!(next.before, cursor.before);
    assert_eq!(next.seen, vec!["a", "b", "c"]);
}

// A page of nothing new while the vendor has more is reported (no endless loop); an empty end is the end.
#[test]
fn no_progress_is_detected() {
    let before = at("2025-10-08T10:30:00Z");
    let cursor = Cursor { before, seen: vec!["a".into()] };
    let window = Window { from: None, to: Some(before) };
    let rows = vec![order("a", "2025-10-08T10:30:00Z", "Pending")];
    assert!(consume(rows.clone(), true, &OrderFilter::default(), &window, Some(&cursor), 1).is_none());
    let end = consume(rows, false, &OrderFilter::default(), &window, Some(&cursor), 1).unwrap();
    assert!(end.orders.is_empty() && end.next.is_none());
}

// More than 50 orders at one instant cannot be paged past: the adapter says so instead of looping.
#[test]
fn too_many_ties_are_stuck() {
    let store: Vec<Order> =
        (0..60).map(|i| order(&format!("t{i:02}"), "2025-10-08T10:30:00Z", "Pending")).collect();
    let result = std::panic::catch_unwind(|| list_all(&store, &OrderFilter::default(), 50, true));
    assert!(result.is_err());
    // 50 or fewer ties page fine even one by one.
    let store: Vec<Order> = store.into_iter().take(50).collect();
    let all = list_all(&store, &OrderFilter::default(), 1, false).concat();
    assert_eq!(all.len(), 50);
}

// A vendor page that repeats an order gives it once, at its first place.
#[test]
fn a_repeated_order_is_taken_once() {
    let rows = vec![
        order("a", "2026-01-03T00:00:00Z", "paid"),
        order("b", "2026-01-02T00:00:00Z", "paid"),
        order("a", "2026-01-03T00:00:00Z", "paid"),
        order("c", "2026-01-01T00:00:00Z", "paid"),
    ];
    let window = Window { from: None, to: None };
    let consumed = consume(rows, false, &OrderFilter::default(), &window, None, 10).expect("progress");
    assert_eq!(ids(&consumed.orders), ["a", "b", "c"]);
}
