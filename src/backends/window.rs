//! Walking a vendor's list newest first by creation date and the ids already served, never by a bare offset.
//!
//! A continuation is a [`Window`]: every row placed after `before` was served, and so were the rows placed
//! exactly at `before` whose ids are in `seen`. Whatever changes between two pages (orders created, deleted, or
//! leaving the filter), the rows after the window are exactly the rows not served yet, so each order that exists
//! and matches throughout the walk is served once.
//!
//! Vendors reach the window in one of two ways:
//! - **by narrowing** (Wix, whose `createdDate` filter is exact to the millisecond): each page asks for orders
//!   placed at or before `before` and drops the served rows at its head. VTEX and VesuvioPay walk the same way
//!   with cursors of their own (VTEX's rounds to its filter's millisecond and pages inside one millisecond under
//!   the 30-page cap; VesuvioPay's sorts each page, whose row order its docs leave open);
//! - **by offset, checked** (MerchantPro, whose date filter takes whole days, and Storeden): each page asks the
//!   walk's own query from `offset`, the number of rows of that query placed after `before` when the last page
//!   was read. The row just before `offset` must still be placed after `before`; if it is not (rows before it
//!   were deleted or left the filter, shifting the rest up), the page is read again further up
//!   ([`Window::back_off`]), so a shift never skips a row. Rows at the head that were served are dropped.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::domain::{ListRow, OrderFilter};
use crate::error::Result;

/// How many times a checked offset backs off (one page each) before the walk reads its query from the top.
pub const MAX_BACK_OFFS: u32 = 3;

/// Where a walk stands: what was served, and where the next page starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// When the last row served was placed: every row placed after it was served.
    #[serde(rename = "b")]
    pub before: DateTime<FixedOffset>,
    /// Ids of the rows served that were placed exactly at `before`.
    #[serde(rename = "s", default, skip_serializing_if = "Vec::is_empty")]
    pub seen: Vec<String>,
    /// For vendors paged by offset: rows of the walk's query placed after `before` when the last page was read.
    #[serde(rename = "o", default, skip_serializing_if = "is_zero")]
    pub offset: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Window {
    /// Whether a row was served already.
    pub fn served(&self, id: &str, placed_at: DateTime<FixedOffset>) -> bool {
        placed_at > self.before || (placed_at == self.before && self.seen.iter().any(|seen| seen == id))
    }

    /// `filter` narrowed to the rows not placed after `before` (for vendors reached by narrowing).
    pub fn narrow(&self, filter: &OrderFilter) -> OrderFilter {
        let mut narrowed = filter.clone();
        narrowed.placed_before = Some(filter.placed_before.map_or(self.before, |b| b.min(self.before)));
        narrowed
    }

    /// The offset to read from (one row before the first unserved row, to check it), and whether that row
    /// must be checked.
    pub fn read_from(&self) -> (u64, bool) {
        match self.offset {
            0 => (0, false),
            n => (n - 1, true),
        }
    }

    /// Whether a page read from a checked offset starts where it should: its first row still placed after
    /// `before` (an empty page means the query shrank past the offset).
    pub fn checks(&self, rows: &[ListRow]) -> Result<bool> {
        match rows.first() {
            Some(row) => Ok(row.placed_at()? > self.before),
            None => Ok(false),
        }
    }

    /// The offset to read from after a failed check at `from`: one page further up, or the top after
    /// [`MAX_BACK_OFFS`] tries.
    pub fn back_off(from: u64, page: usize, tries: u32) -> u64 {
        if tries >= MAX_BACK_OFFS { 0 } else { from.saturating_sub(page as u64) }
    }
}

/// How many rows to ask for so that a page of `page_size` new rows fits beside the rows read again: the row
/// checked and the rows served at the window's instant (at most `max`).
pub fn room(window: Option<&Window>, page_size: usize, max: usize) -> usize {
    let again = window.map_or(0, |w| usize::from(w.offset > 0) + w.seen.len());
    (page_size + again).clamp(1, max)
}

/// Reads a page of a walk paged by checked offset: `read(from)` reads the walk's query from offset `from`
/// (answering its rows, newest first, and whatever else the vendor said), first from the window's offset and,
/// while the check fails, further up ([`Window::back_off`]). Returns the offset read from, the rows and the rest.
pub async fn read_checked<T, F, Fut>(
    window: Option<&Window>,
    page: usize,
    mut read: F,
) -> Result<(u64, Vec<ListRow>, T)>
where
    F: FnMut(u64) -> Fut,
    Fut: Future<Output = Result<(Vec<ListRow>, T)>>,
{
    let (mut from, mut check) = window.map_or((0, false), Window::read_from);
    let mut tries = 0;
    loop {
        let (rows, rest) = read(from).await?;
        match window {
            Some(window) if check && !window.checks(&rows)? => {
                tries += 1;
                from = Window::back_off(from, page, tries);
                check = from > 0;
            }
            _ => return Ok((from, rows, rest)),
        }
    }
}

/// The rows of a page not served yet (lists are newest first: keys are read only down to `before`).
pub fn unserved(window: Option<&Window>, rows: Vec<ListRow>) -> Result<Vec<ListRow>> {
    let Some(window) = window else { return Ok(rows) };
    let mut kept = Vec::with_capacity(rows.len());
    let mut rest = rows.into_iter();
    for row in rest.by_ref() {
        let (id, placed_at) = row.key()?;
        if placed_at < window.before {
            kept.push(row);
            break;
        }
        if !window.served(id.native.as_str(), placed_at) {
            kept.push(row);
        }
    }
    kept.extend(rest);
    Ok(kept)
}

/// The window after serving every row of a page (`rows`, newest first, as the vendor sent them, unserved or
/// not, kept by a filter or not) read from offset `from` of the walk's query (`None` for a walk by narrowing,
/// which keeps no offset); `None` when the page is empty and there was no window. The window never moves back
/// up: rows above the previous window leave it where it was.
pub fn after(previous: Option<&Window>, rows: &[ListRow], from: Option<u64>) -> Result<Option<Window>> {
    let Some(last) = rows.last() else { return Ok(previous.cloned()) };
    let mut before = last.placed_at()?;
    let mut seen = Vec::new();
    if let Some(previous) = previous
        && previous.before <= before
    {
        before = previous.before;
        seen = previous.seen.clone();
    }
    // Rows are newest first: the rows placed at `before` are at the end, and every row above them is newer. Only
    // their keys are read (most rows of a page are never decoded, and their keys need not be read either).
    let mut at_before = 0;
    for row in rows.iter().rev() {
        let (id, placed_at) = row.key()?;
        if placed_at != before {
            break;
        }
        at_before += 1;
        if !seen.iter().any(|s| s == id.native.as_str()) {
            seen.push(id.native.as_str().to_string());
        }
    }
    let newer = (rows.len() - at_before) as u64;
    Ok(Some(Window { before, seen, offset: from.map_or(0, |from| from + newer) }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        BackendName, FulfillmentStatus, NativeOrderId, Order, OrderId, OrderStatus, PaymentStatus, Status,
    };

    fn row(id: &str, minute: u32) -> ListRow {
        let at = DateTime::parse_from_rfc3339(&format!("2026-01-01T10:{minute:02}:00+01:00")).expect("date");
        let status =
            Status::new(OrderStatus::Pending, PaymentStatus::Pending, FulfillmentStatus::Unfulfilled, "");
        let id = OrderId::new(BackendName::parse("shop").expect("name"), NativeOrderId::new(id));
        ListRow::ready(Order::new(id, status, at, "EUR"))
    }

    fn ids(rows: &[ListRow]) -> Vec<String> {
        rows.iter().map(|r| r.id().expect("key").native.as_str().to_string()).collect()
    }

    // Served rows are dropped wherever they sit among the rows of their instant; the window moves down to the
    // last row with every id of its instant, counts the newer rows as the next offset, and never moves up.
    #[test]
    fn serves_each_row_once() {
        let page = vec![row("a", 9), row("b", 8), row("c", 8), row("d", 7)];
        let window = after(None, &page, Some(10)).expect("keys").expect("a window");
        assert_eq!(
            (window.before, window.seen.clone(), window.offset),
            (page[3].placed_at().unwrap(), vec!["d".to_string()], 13)
        );
        let again = vec![row("x", 7), row("d", 7), row("e", 7), row("f", 6)];
        assert_eq!(ids(&unserved(Some(&window), again).expect("keys")), ["x", "e", "f"]);
        let tied =
            after(Some(&window), &[row("d", 7), row("x", 7)], Some(12)).expect("keys").expect("a window");
        assert_eq!(tied.seen, ["d", "x"]);
        assert_eq!(tied.offset, 12);
        let above = after(Some(&window), &[row("n", 9)], Some(0)).expect("keys").expect("a window");
        assert_eq!((above.before, above.offset), (window.before, 1));
        assert_eq!(after(None, &page, None).expect("keys").map(|w| w.offset), Some(0));
        assert_eq!(after(Some(&window), &[], Some(0)).expect("keys"), Some(window));
    }

    // A checked offset reads one row early and wants it above the window; the back-off climbs a page at a time,
    // then to the top.
    #[test]
    fn offsets_are_checked() {
        let window = Window { before: row("a", 5).placed_at().unwrap(), seen: vec!["a".into()], offset: 40 };
        assert_eq!(window.read_from(), (39, true));
        assert!(window.checks(&[row("z", 6), row("a", 5)]).expect("keys"));
        assert!(!window.checks(&[row("a", 5)]).expect("keys"));
        assert!(!window.checks(&[]).expect("keys"));
        assert_eq!(Window::back_off(39, 20, 1), 19);
        assert_eq!(Window::back_off(39, 20, MAX_BACK_OFFS), 0);
        let top = Window { offset: 0, ..window };
        assert_eq!(top.read_from(), (0, false));
    }
}
