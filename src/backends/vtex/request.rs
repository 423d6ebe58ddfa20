//! Paging by sliding the `f_creationDate` window.
//!
//! The list serves at most 30 pages of at most 100 rows per query, and a page number shifts when an order
//! before it is deleted or leaves the filter. So every continuation is page 1 of a new window: it ends at the
//! creation instant `T` of the last row seen (rounded up to the millisecond the filter syntax carries), and
//! the rows already returned inside `[T, upper']` are remembered by id and skipped, so orders sharing that
//! instant are neither lost nor repeated, and whatever changes between pages, each order is served once.

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::status::StatusPlan;
use crate::domain::OrderFilter;

/// Largest `per_page` the list serves.
pub const MAX_PER_PAGE: usize = 100;
/// Pages the list serves per query (the documented hard cap).
pub const MAX_PAGES: u32 = 30;
/// Lower bound of a window whose filter has none.
const FAR_PAST_MS: i64 = 0;
/// Upper bound of a window whose filter has none (9999-12-31T23:59:59.999Z).
const FAR_FUTURE_MS: i64 = 253_402_300_799_999;

const NANOS_PER_MS: i64 = 1_000_000;

/// The continuation state, encoded with `util::encode_token`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// Rows per page (fixed for the whole listing).
    #[serde(rename = "n")]
    pub per_page: u32,
    /// The page of the current window to ask for (1‥=30).
    #[serde(rename = "p")]
    pub page: u32,
    /// Upper bound of the current window in Unix milliseconds; `None` = the filter's own bound.
    #[serde(rename = "u", default, skip_serializing_if = "Option::is_none")]
    pub upper_ms: Option<i64>,
    /// Ids already returned that the current window serves again (orders at its upper instant).
    #[serde(rename = "s", default, skip_serializing_if = "Vec::is_empty")]
    pub skip: Vec<String>,
    /// Rows returned in the current window at the last row's millisecond: `(id, creation in Unix nanos)`.
    #[serde(rename = "r", default, skip_serializing_if = "Vec::is_empty")]
    pub recent: Vec<(String, i64)>,
}

impl Cursor {
    /// The first page of a listing.
    pub fn start(page_size: usize) -> Self {
        let per_page = page_size.clamp(1, MAX_PER_PAGE) as u32;
        Cursor { per_page, page: 1, upper_ms: None, skip: Vec::new(), recent: Vec::new() }
    }

    /// Whether a decoded cursor is one this adapter could have made.
    pub fn is_valid(&self) -> bool {
        (1..=MAX_PER_PAGE as u32).contains(&self.per_page) && (1..=MAX_PAGES).contains(&self.page)
    }
}

/// One row as paging sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    /// Order id.
    pub id: String,
    /// Creation instant in Unix nanoseconds.
    pub nanos: i64,
}

/// Unix nanoseconds of an instant (`None` outside 1677‥2262).
pub fn nanos(at: &DateTime<FixedOffset>) -> Option<i64> {
    at.timestamp_nanos_opt()
}

/// The millisecond at or before an instant.
pub fn floor_ms(at: &DateTime<FixedOffset>) -> i64 {
    at.timestamp_millis()
}

/// The millisecond at or after an instant.
pub fn ceil_ms(at: &DateTime<FixedOffset>) -> i64 {
    let floor = at.timestamp_millis();
    if at.timestamp_subsec_nanos().is_multiple_of(1_000_000) { floor } else { floor + 1 }
}

fn ceil_ms_of_nanos(nanos: i64) -> i64 {
    nanos.div_euclid(NANOS_PER_MS) + i64::from(nanos.rem_euclid(NANOS_PER_MS) != 0)
}

/// `2022-01-01T02:00:00.000Z`, the documented filter form.
fn format_ms(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map(|dt| dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_else(|| "9999-12-31T23:59:59.999Z".into())
}

/// The `f_creationDate` value for a window, `None` when it is unbounded.
pub fn creation_date_filter(lower_ms: Option<i64>, upper_ms: Option<i64>) -> Option<String> {
    if lower_ms.is_none() && upper_ms.is_none() {
        return None;
    }
    let lower = format_ms(lower_ms.unwrap_or(FAR_PAST_MS));
    let upper = format_ms(upper_ms.unwrap_or(FAR_FUTURE_MS));
    Some(format!("creationDate:[{lower} TO {upper}]"))
}

/// The window's upper bound: the tighter of the filter's and the cursor's.
pub fn window_upper(filter_upper_ms: Option<i64>, cursor: &Cursor) -> Option<i64> {
    match (filter_upper_ms, cursor.upper_ms) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// More than a whole 30-page window of orders share one millisecond: no window can get past them.
#[derive(Debug, PartialEq, Eq)]
pub struct Stuck;

/// The cursor after a page of `rows` (every row the page served, in order, skipped ones included), given
/// how many pages the window has when the answer said; `Ok(None)` when the listing is complete.
pub fn advance(cursor: &Cursor, rows: &[Seen], window_pages: Option<u32>) -> Result<Option<Cursor>, Stuck> {
    let Some(last) = rows.last() else { return Ok(None) };
    let full = rows.len() >= cursor.per_page as usize;
    let more = full && window_pages.is_none_or(|pages| cursor.page < pages);
    if !more {
        return Ok(None);
    }
    // Rows at the last row's millisecond: what a slide to that instant would serve again.
    let bucket_start = last.nanos.div_euclid(NANOS_PER_MS) * NANOS_PER_MS;
    let mut recent: Vec<(String, i64)> = Vec::new();
    // Only rows inside the bucket are copied (the loop below keeps no other).
    // Rows the window ending at the last row's millisecond (rounded up) serves again.
    let bucket = bucket_start..=ceil_ms_of_nanos(last.nanos) * NANOS_PER_MS;
    let in_bucket = rows.iter().filter(|r| bucket.contains(&r.nanos)).map(|r| (r.id.clone(), r.nanos));
    let all = cursor.recent.iter().cloned().chain(in_bucket);
    for (id, at) in all {
        if bucket.contains(&at) && !recent.iter().any(|(seen, _)| *seen == id) {
            recent.push((id, at));
        }
    }
    // Every page slides the window: the next ends at the last row's instant, never at a page number, which an
    // order deleted or leaving the filter between two pages would shift.
    let upper = ceil_ms_of_nanos(last.nanos);
    if cursor.upper_ms == Some(upper) {
        // The whole page lies in the window's last millisecond, so sliding would serve it again: page on inside
        // that millisecond (the one place page numbers remain), up to the cap.
        if cursor.page < MAX_PAGES {
            return Ok(Some(Cursor { page: cursor.page + 1, recent, ..cursor.clone() }));
        }
        return Err(Stuck);
    }
    let skip: Vec<String> = recent.into_iter().map(|(id, _)| id).collect();
    Ok(Some(Cursor { per_page: cursor.per_page, page: 1, upper_ms: Some(upper), skip, recent: Vec::new() }))
}

/// Whether `q` (full text over id, e-mail, document and name) can narrow to a customer's e-mail: the
/// docs forbid `+`; anything with spaces would not be one term.
pub fn email_query(filter: &OrderFilter) -> Option<String> {
    let email = filter.customer_email.as_deref()?.trim();
    (!email.is_empty() && !email.contains('+') && !email.chars().any(char::is_whitespace))
        .then(|| email.to_string())
}

/// The list call's parameters for one page of `cursor`'s window, newest first: `f_status` when the status
/// filter is exactly some natives (or `f_invoicedDate` over all time when only invoiced orders can match),
/// `f_creationDate` for the window, `q` for an e-mail.
pub fn list_query(
    cursor: &Cursor,
    plan: &StatusPlan,
    window: Option<String>,
    email: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut query = vec![
        ("page", cursor.page.to_string()),
        ("per_page", cursor.per_page.to_string()),
        ("orderBy", "creationDate,desc".into()),
    ];
    match plan {
        StatusPlan::Exact(natives) => query.push(("f_status", natives.join(","))),
        // Every order with an invoice date: the invoiced ones, whose rows are then checked.
        StatusPlan::Invoiced => query.push((
            "f_invoicedDate",
            format!("invoicedDate:[{} TO {}]", format_ms(FAR_PAST_MS), format_ms(FAR_FUTURE_MS)),
        )),
        StatusPlan::Any | StatusPlan::Nothing | StatusPlan::Local => {}
    }
    if let Some(window) = window {
        query.push(("f_creationDate", window));
    }
    if let Some(email) = email {
        query.push(("q", email.to_string()));
    }
    query
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
