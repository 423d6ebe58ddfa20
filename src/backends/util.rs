//! Small helpers several adapters share: date parsing for every documented format, bounded concurrent
//! lookups for vendors without a batch endpoint, and continuation tokens.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use futures::stream::{self, StreamExt};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::domain::{BackendName, NativeOrderId, Order};
use crate::error::{Error, Result};

/// Parses the date-times backends send: RFC 3339 with any number of fractional digits (VTEX sends up to 7),
/// offsets with or without a colon (`+0100`, Storeden), `Z`, and offset-less values (taken as UTC).
pub fn parse_datetime(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    if let Some(dt) = plain_rfc3339(text.as_bytes()) {
        return Some(dt);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt);
    }
    // A basic offset (`+0100`) after the seconds: with the colon put in, it is RFC 3339, which parses far faster
    // than the format strings below (Storeden sends every date so).
    if let Some((head, offset)) = text.split_at_checked(text.len().saturating_sub(5))
        && head.ends_with(|c: char| c.is_ascii_digit())
        && offset.starts_with(['+', '-'])
        && offset[1..].bytes().all(|b| b.is_ascii_digit())
        && let Some(dt) = with_offset_colon(head, offset)
    {
        return Some(dt);
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%.f%:z"] {
        if let Ok(dt) = DateTime::parse_from_str(text, format) {
            return Some(dt);
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Some(Utc.from_utc_datetime(&naive).fixed_offset());
        }
    }
    None
}

/// The shape nearly every row's date has, `2026-11-01T12:00:00.695Z`, `…+02:00` or `…+0200` (`T`, seconds
/// below 60, up to 9 fractional digits, `Z` or an offset under a day), read by hand: chrono's RFC 3339 parser
/// was a measurable share of reading a list page's keys. Anything else is `None` and goes to chrono, which
/// gives the same instant for everything this accepts (checked by a test against chrono on random texts).
fn plain_rfc3339(text: &[u8]) -> Option<DateTime<FixedOffset>> {
    fn digits(text: &[u8], at: usize, len: usize) -> Option<u32> {
        text.get(at..at + len)?
            .iter()
            .try_fold(0u32, |n, b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
    }
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if text.len() < 20 || separators.iter().any(|(at, c)| text[*at] != *c) {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(
        i32::try_from(digits(text, 0, 4)?).ok()?,
        digits(text, 5, 2)?,
        digits(text, 8, 2)?,
    )?;
    let (hour, minute, second) = (digits(text, 11, 2)?, digits(text, 14, 2)?, digits(text, 17, 2)?);
    if second > 59 {
        return None;
    }
    let mut at = 19;
    let mut nanos = 0;
    if text[at] == b'.' {
        let count = text[at + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if !(1..=9).contains(&count) {
            return None;
        }
        nanos = digits(text, at + 1, count)? * 10u32.pow(9 - count as u32);
        at += 1 + count;
    }
    let offset = match text.get(at..)? {
        b"Z" => 0,
        // `±HH:MM`, or `±HHMM` (Storeden), which `parse_datetime` reads as the same offset.
        [sign @ (b'+' | b'-'), _, _, rest @ ..] if matches!(rest, [b':', _, _] | [_, _]) => {
            let minutes_at = if rest.len() == 3 { at + 4 } else { at + 3 };
            let (hours, minutes) = (digits(text, at + 1, 2)?, digits(text, minutes_at, 2)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = i32::try_from(hours * 3600 + minutes * 60).ok()?;
            if *sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    let time = chrono::NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    let offset = FixedOffset::east_opt(offset)?;
    offset.from_local_datetime(&date.and_time(time)).single()
}

/// `head` (a date-time up to its seconds or fraction) with a basic offset (`+0100`) as RFC 3339 (`+01:00`),
/// assembled on the stack.
fn with_offset_colon(head: &str, offset: &str) -> Option<DateTime<FixedOffset>> {
    let mut buffer = [0u8; 48];
    let (hours, minutes) = offset.split_at_checked(3)?;
    let total = head.len() + offset.len() + 1;
    let out = buffer.get_mut(..total)?;
    let (start, rest) = out.split_at_mut(head.len());
    start.copy_from_slice(head.as_bytes());
    let (hour_part, rest) = rest.split_at_mut(hours.len());
    hour_part.copy_from_slice(hours.as_bytes());
    let (colon, minute_part) = rest.split_at_mut(1);
    colon[0] = b':';
    minute_part.copy_from_slice(minutes.as_bytes());
    DateTime::parse_from_rfc3339(std::str::from_utf8(out).ok()?).ok()
}

/// Where a list row sits in a vendor's answer, for error paths (`orders[3]`, or `[3]` for a bare array):
/// formatted only when an error names it.
#[derive(Clone, Copy, Debug)]
pub struct RowAt {
    /// The field holding the rows (empty for a bare array).
    pub array: &'static str,
    /// The row's index.
    pub index: usize,
}

impl fmt::Display for RowAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.array, self.index)
    }
}

/// [`parse_datetime`], or a `Malformed` error naming `path`.
pub fn require_datetime(
    backend: &BackendName,
    path: impl fmt::Display,
    text: &str,
) -> Result<DateTime<FixedOffset>> {
    parse_datetime(text).ok_or_else(|| Error::Malformed {
        backend: backend.to_string(),
        path: path.to_string(),
        message: format!("{:?} is not a date-time", crate::error::shorten(text)),
    })
}

/// A unix time in seconds plus microseconds (Storeden's `{sec, usec}`), as UTC.
pub fn from_unix(sec: i64, usec: i64) -> Option<DateTime<FixedOffset>> {
    let nanos = u32::try_from(usec.checked_mul(1000)?).ok()?;
    Utc.timestamp_opt(sec, nanos).single().map(|dt| dt.fixed_offset())
}

/// Fetches every id with `fetch_one`, at most `concurrency` at a time; ids the backend does not know
/// (`NotFound`) are left out, any other error fails the batch.
pub async fn fetch_each<F, Fut>(ids: &[NativeOrderId], concurrency: usize, fetch_one: F) -> Result<Vec<Order>>
where
    F: Fn(NativeOrderId) -> Fut,
    Fut: std::future::Future<Output = Result<Order>>,
{
    let results: Vec<Result<Order>> = stream::iter(ids.iter().cloned().map(&fetch_one))
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let mut orders = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(order) => orders.push(order),
            Err(Error::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(orders)
}

/// Encodes an adapter's continuation state as an opaque token (URL-safe base64 of JSON).
pub fn encode_token<T: Serialize>(state: &T) -> String {
    use base64::Engine as _;
    let json = serde_json::to_vec(state).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

/// Decodes a token made by [`encode_token`]; a token that does not decode is bad user input.
pub fn decode_token<T: DeserializeOwned>(token: &str) -> Result<T> {
    use base64::Engine as _;
    let bad = || Error::BadUserInput("the cursor is not valid for this backend".into());
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token).map_err(|_| bad())?;
    serde_json::from_slice(&bytes).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every documented date shape parses to the same instant it denotes.
    #[test]
    fn parses_every_documented_shape() {
        let cases = [
            ("2024-02-04T20:09:43.8999580+00:00", 1707077383),
            ("2024-02-04T20:09:43.899958+00:00", 1707077383),
            ("2015-12-17T18:19:54+0100", 1450372794),
            ("2025-10-08T10:30:00Z", 1759919400),
            ("2019-12-05T16:11:23+02:00", 1575555083),
            ("2026-01-01T00:00:00.123Z", 1767225600),
            ("2026-01-01 00:00:00", 1767225600),
        ];
        for (text, unix) in cases {
            let dt = parse_datetime(text).unwrap_or_else(|| panic!("{text} did not parse"));
            assert_eq!(dt.timestamp(), unix, "{text}");
        }
        assert_eq!(parse_datetime("2015-12-17T18:19:54+0100").unwrap().offset().local_minus_utc(), 3600);
        assert_eq!(
            parse_datetime("2015-12-17 18:19:54.250-0230").unwrap().to_rfc3339(),
            "2015-12-17T18:19:54.250-02:30"
        );
        // A basic offset after a long fraction (longer than the stack buffer holds) still parses, by format.
        let long = "2015-12-17T18:19:54.123456789012345678901234567890+0100";
        assert_eq!(parse_datetime(long).unwrap().timestamp(), 1450372794);
        assert_eq!(parse_datetime("2015-12-17T18:19:54.5-0000").unwrap().timestamp_subsec_millis(), 500);
        assert!(parse_datetime("2015-12-17T18:19:54+01000").is_none());
        assert!(parse_datetime("yesterday").is_none());
    }

    // The hand-read shape agrees with chrono's RFC 3339 parser wherever it answers, and answers for the shapes
    // backends send; texts near it (a wrong digit, separator, range or length) go to chrono or fail alike.
    #[test]
    fn plain_rfc3339_agrees_with_chrono() {
        // A xorshift generator: the same cases on every run.
        let mut rng = 0x5eed_da7e_u64;
        let pick = |rng: &mut u64, items: &[&str]| {
            *rng ^= *rng << 13;
            *rng ^= *rng >> 7;
            *rng ^= *rng << 17;
            items[(*rng % items.len() as u64) as usize].to_string()
        };
        let mut answered = 0;
        for _ in 0..20_000 {
            let year = pick(&mut rng, &["2026", "1999", "0000", "9999", "20x6", "226"]);
            let month = pick(&mut rng, &["01", "02", "12", "13", "00", "1"]);
            let day = pick(&mut rng, &["01", "28", "29", "30", "31", "32", "00"]);
            let time = pick(
                &mut rng,
                &["00:00:00", "23:59:59", "12:30:45", "24:00:00", "12:60:00", "12:00:60", "1:00:00"],
            );
            let fraction = pick(
                &mut rng,
                &["", ".5", ".695", ".899958", ".8999580", ".123456789", ".1234567891", ".", ".x"],
            );
            let offset = pick(
                &mut rng,
                &[
                    "Z", "z", "+00:00", "-00:00", "+02:00", "-02:30", "+23:59", "+24:00", "+01:60", "+0100",
                    "-0230", "+2400", "", "+1:00",
                ],
            );
            let separator = pick(&mut rng, &["T", "T", "T", " ", "t"]);
            let text = format!("{year}-{month}-{day}{separator}{time}{fraction}{offset}");
            let fast = plain_rfc3339(text.as_bytes());
            // Chrono reads a basic offset (`+0100`) once its colon is put in.
            let reference = match offset.len() {
                5 => format!("{}:{}", &text[..text.len() - 2], &text[text.len() - 2..]),
                _ => text.clone(),
            };
            if let Some(fast) = fast {
                answered += 1;
                let slow = DateTime::parse_from_rfc3339(&reference)
                    .unwrap_or_else(|e| panic!("{text}: chrono says {e}"));
                assert_eq!((fast, fast.offset()), (slow, slow.offset()), "{text}");
            }
            // Chrono accepts it in the plain shape: the fast path must have answered.
            let plain = separator == "T"
                && (offset == "Z" || (offset.len() == 6 && &offset[3..4] == ":") || offset.len() == 5)
                && !time.ends_with(":60")
                && fraction != "."
                && fraction.len() <= 10;
            if plain && DateTime::parse_from_rfc3339(&reference).is_ok() {
                assert!(fast.is_some(), "{text} went to chrono");
            }
        }
        assert!(answered > 200, "only {answered} texts took the fast path");
        for text in [
            "2026-11-01T12:00:00.695Z",
            "2019-12-05T16:11:23+02:00",
            "2024-02-04T20:09:43.8999580+00:00",
            "2015-12-17T18:19:54+0100",
        ] {
            assert!(plain_rfc3339(text.as_bytes()).is_some(), "{text}");
        }
    }

    #[test]
    fn row_paths_name_the_array_and_index() {
        assert_eq!(RowAt { array: "orders", index: 3 }.to_string(), "orders[3]");
        assert_eq!(RowAt { array: "", index: 0 }.to_string(), "[0]");
    }

    // Storeden's {sec, usec} keeps the microseconds.
    #[test]
    fn unix_with_micros() {
        let dt = from_unix(1449745468, 65000).unwrap();
        assert_eq!(dt.timestamp(), 1449745468);
        assert_eq!(dt.timestamp_subsec_micros(), 65000);
    }
}
