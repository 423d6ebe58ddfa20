//! A vendor's list page as [`ListRow`]s, one way for every adapter.
//!
//! The answer decodes with serde ([`decode_bytes`](super::decode::decode_bytes)) into the adapter's envelope,
//! whose rows are `Vec<Box<RawValue>>`: each row's text, checked to be JSON and kept for the order's `native`.
//! A [`RowFormat`] says how one row reads: its key (the order's id and creation date) from a small
//! `#[derive(Deserialize)]` struct of just those fields (serde skips the rest), its order, and its summary
//! where the vendor's rows have one cheaper than the order. [`list_rows`] makes the page's rows over it: a
//! row's key is read when the engine first asks (the merge reaches about one row in five), its order or
//! summary decoded on first use, at most once, and checked against its key ([`ListRow`]).

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use futures::FutureExt;
use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::decode::decode_raw;
use super::util::RowAt;
use crate::domain::{BackendName, ListRow, NativeJson, Order, OrderId, PageDecoder};
use crate::error::{Error, Result};

/// A row's key: the order's id and when it was placed.
pub type RowKey = (OrderId, DateTime<FixedOffset>);

/// How the rows of one adapter's list pages read. An adapter implements it once, on what its rows need to
/// map (its name, a configured currency, a tag directory); a page shares one value among its rows.
pub trait RowFormat: Send + Sync + 'static {
    /// Where the rows sit in the answer, for error paths (`data.orders`; empty for a bare array).
    const ARRAY: &'static str;

    /// A row's key fields as the vendor sends them: a `#[derive(Deserialize)]` struct of only its id and
    /// creation date.
    type Key: DeserializeOwned;

    /// The backend, for errors.
    fn backend(&self) -> &BackendName;

    /// The row's key from its key fields, read exactly as [`RowFormat::order`] reads them.
    fn key(&self, key: Self::Key, at: RowAt) -> Result<RowKey>;

    /// The row's order from its text (the order's `native` payload; [`decode_row`] decodes it).
    fn order<'a>(&'a self, raw: &'a RawValue, at: RowAt) -> BoxFuture<'a, Result<Order>>;

    /// The row's summary ([`Known::SUMMARY`](crate::domain::Known::SUMMARY)), decoding fewer fields than the
    /// order; `None` (the default) when the vendor's rows decode no cheaper than whole.
    fn summary(&self, raw: &RawValue, at: RowAt) -> Option<Result<Order>> {
        let _ = (raw, at);
        None
    }
}

/// A page's rows, each decoded on demand by `format`.
struct Page<F> {
    format: F,
    rows: Vec<Box<RawValue>>,
}

impl<F: RowFormat> Page<F> {
    fn row(&self, index: usize) -> Result<(&RawValue, RowAt)> {
        let raw =
            self.rows.get(index).ok_or_else(|| Error::Internal(format!("a list page has no row {index}")))?;
        Ok((raw, RowAt { array: F::ARRAY, index }))
    }
}

impl<F: RowFormat> PageDecoder for Page<F> {
    fn key(&self, index: usize) -> Result<RowKey> {
        let (raw, at) = self.row(index)?;
        let key = decode_raw(self.format.backend(), raw, at)?;
        self.format.key(key, at)
    }

    fn order(&self, index: usize) -> BoxFuture<'_, Result<Order>> {
        match self.row(index) {
            Ok((raw, at)) => self.format.order(raw, at),
            Err(error) => ready(Err(error)),
        }
    }

    fn summary(&self, index: usize) -> Option<Result<Order>> {
        match self.row(index) {
            Ok((raw, at)) => self.format.summary(raw, at),
            Err(error) => Some(Err(error)),
        }
    }
}

/// The rows of a page as [`ListRow`]s, newest first as the vendor sent them, each read by `format` on demand.
pub fn list_rows<F: RowFormat>(format: F, rows: Vec<Box<RawValue>>) -> Vec<ListRow> {
    let count = rows.len();
    let page: Arc<dyn PageDecoder> = Arc::new(Page { format, rows });
    (0..count).map(|index| ListRow::in_page(page.clone(), index)).collect()
}

/// Every row's order, decoded now, in the page's order (for a call that needs them all, such as a lookup by
/// ids); the first row that fails fails the call.
pub async fn orders<F: RowFormat>(format: &F, rows: &[Box<RawValue>]) -> Result<Vec<Order>> {
    let mut orders = Vec::with_capacity(rows.len());
    for (index, raw) in rows.iter().enumerate() {
        orders.push(format.order(raw, RowAt { array: F::ARRAY, index }).await?);
    }
    Ok(orders)
}

/// Row `at` decoded as `T` (a failure names the path as `{at}.{path inside}`, e.g. `data[3].total_amount`),
/// with its text as the order's `native` payload.
pub fn decode_row<T: DeserializeOwned>(
    backend: &BackendName,
    raw: &RawValue,
    at: RowAt,
) -> Result<(T, NativeJson)> {
    Ok((decode_raw(backend, raw, at)?, NativeJson::from_raw(raw)))
}

/// A [`RowFormat::order`] that needs no call.
pub fn ready<'a, T: Send + 'a>(value: T) -> BoxFuture<'a, T> {
    futures::future::ready(value).boxed()
}
