use super::*;

/// A fake list endpoint: rows `(id, nanos)` inside `[lower, upper]` (ms bounds, inclusive), newest first
/// (ties by id, as a stable index would), one page of it, and the window's page count.
fn serve(data: &[(String, i64)], upper_ms: Option<i64>, page: u32, per_page: u32) -> (Vec<Seen>, u32) {
    assert!((1..=MAX_PAGES).contains(&page), "asked for page {page}");
    let mut window: Vec<&(String, i64)> =
        data.iter().filter(|(_, at)| upper_ms.is_none_or(|u| *at <= u * NANOS_PER_MS)).collect();
    window.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let pages = (window.len() as u32).div_ceil(per_page);
    let start = ((page - 1) * per_page) as usize;
    let rows = window
        .iter()
        .skip(start)
        .take(per_page as usize)
        .map(|(id, at)| Seen { id: id.clone(), nanos: *at })
        .collect();
    (rows, pages)
}

/// Lists everything through cursors as the adapter does; returns the ids in the order emitted.
fn list_all(data: &[(String, i64)], per_page: usize) -> Result<Vec<String>, Stuck> {
    let mut cursor = Cursor::start(per_page);
    let mut out = Vec::new();
    for _ in 0..10_000 {
        let (rows, pages) = serve(data, window_upper(None, &cursor), cursor.page, cursor.per_page);
        out.extend(rows.iter().filter(|r| !cursor.skip.contains(&r.id)).map(|r| r.id.clone()));
        match advance(&cursor, &rows, Some(pages))? {
            Some(next) => {
                // The token round-trips.
                let token = crate::backends::util::encode_token(&next);
                cursor = crate::backends::util::decode_token(&token).expect("token decodes");
                assert!(cursor.is_valid());
            }
            None => return Ok(out),
        }
    }
    panic!("the listing did not end");
}

fn expected(data: &[(String, i64)]) -> Vec<String> {
    let mut sorted: Vec<_> = data.to_vec();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    sorted.into_iter().map(|(id, _)| id).collect()
}

// Far more orders than 30 pages hold, many sharing instants (also within one millisecond, sub-ms apart):
// every order comes exactly once, newest first, and no page above 30 is ever asked for.
#[test]
fn slides_windows_without_loss_or_repeat() {
    let mut data = Vec::new();
    for i in 0..1000i64 {
        // Groups of up to 4 orders at one instant; groups 0.25 ms apart, so milliseconds hold several.
        let at = 1_700_000_000_000_000_000 - (i / 4) * 250_000 + (i % 2) * 100;
        data.push((format!("o{i:04}"), at));
    }
    for per_page in [1, 3, 7, 10, 100] {
        let got = list_all(&data, per_page).expect("no window gets stuck");
        assert_eq!(got, expected(&data), "per_page {per_page}");
    }
}

// Every page slides: the next is page 1 of a window ending at the last row's millisecond, that row skipped.
#[test]
fn every_page_slides() {
    let data: Vec<_> =
        (0..25i64).map(|i| (format!("o{i:02}"), 1_000_000_000_000 - i * 1_000_000_000)).collect();
    let cursor = Cursor::start(10);
    let (rows, pages) = serve(&data, None, 1, 10);
    let next = advance(&cursor, &rows, Some(pages)).unwrap().unwrap();
    assert_eq!((next.page, next.upper_ms, next.skip.clone()), (1, Some(991_000), vec!["o09".to_string()]));
    assert_eq!(list_all(&data, 10).unwrap(), expected(&data));
}

// A window's last page that is full but the last of the window ends the listing (the window's lower
// bound is the listing's).
#[test]
fn exact_multiple_ends_without_extra_call() {
    let data: Vec<_> = (0..20i64).map(|i| (format!("o{i:02}"), 5_000_000_000 - i * 1_000_000)).collect();
    let (rows, pages) = serve(&data, None, 2, 10);
    let cursor = Cursor { page: 2, ..Cursor::start(10) };
    assert_eq!(advance(&cursor, &rows, Some(pages)), Ok(None));
    // Without a page count, a full page means "maybe more".
    assert!(advance(&cursor, &rows, None).unwrap().is_some());
}

// More orders in one millisecond than a 30-page window holds cannot be paged: reported, not looped.
#[test]
fn too_many_at_one_instant_is_reported() {
    let data: Vec<_> = (0..31).map(|i| (format!("o{i:02}"), 42_000_000)).collect();
    assert_eq!(list_all(&data, 1), Err(Stuck));
}

// Page 30 slides to a window ending at the last row's instant rounded up to the millisecond.
#[test]
fn slide_bound_and_skip_set() {
    let cursor = Cursor { page: 30, ..Cursor::start(2) };
    let rows =
        vec![Seen { id: "a".into(), nanos: 7_000_400_000 }, Seen { id: "b".into(), nanos: 7_000_200_000 }];
    let next = advance(&cursor, &rows, Some(40)).unwrap().unwrap();
    assert_eq!(next.page, 1);
    assert_eq!(next.upper_ms, Some(7001));
    assert_eq!(next.skip, vec!["a".to_string(), "b".to_string()]);
}

// The filter value has the documented shape, millisecond precision, inclusive bounds.
#[test]
fn creation_date_filter_shape() {
    assert_eq!(creation_date_filter(None, None), None);
    assert_eq!(
        creation_date_filter(Some(1_640_995_200_000), Some(1_641_081_599_999)).as_deref(),
        Some("creationDate:[2022-01-01T00:00:00.000Z TO 2022-01-01T23:59:59.999Z]")
    );
    assert_eq!(
        creation_date_filter(None, Some(1_000)).as_deref(),
        Some("creationDate:[1970-01-01T00:00:00.000Z TO 1970-01-01T00:00:01.000Z]")
    );
    assert_eq!(
        creation_date_filter(Some(0), None).as_deref(),
        Some("creationDate:[1970-01-01T00:00:00.000Z TO 9999-12-31T23:59:59.999Z]")
    );
    let at = DateTime::parse_from_rfc3339("2024-02-04T20:09:43.8999580+00:00").unwrap();
    assert_eq!((floor_ms(&at), ceil_ms(&at)), (1_707_077_383_899, 1_707_077_383_900));
    let exact = DateTime::parse_from_rfc3339("2024-02-04T20:09:43.899+00:00").unwrap();
    assert_eq!(ceil_ms(&exact), floor_ms(&exact));
}

// Tokens that do not decode or carry impossible values are refused.
#[test]
fn bad_cursors_are_refused() {
    assert!(crate::backends::util::decode_token::<Cursor>("not-a-token").is_err());
    assert!(!Cursor { page: 31, ..Cursor::start(10) }.is_valid());
    assert!(!Cursor { page: 0, ..Cursor::start(10) }.is_valid());
    assert!(!Cursor { per_page: 101, ..Cursor::start(10) }.is_valid());
    assert_eq!(Cursor::start(500).per_page, 100);
    assert_eq!(Cursor::start(0).per_page, 1);
}
