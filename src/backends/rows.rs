//! A vendor's list page as [`ListRow`]s, one way for every adapter.
//!
//! The answer decodes with serde ([`decode_bytes`](super::decode::decode_bytes)) into the adapter's envelope,
//! whose rows are `Vec<Box<RawValue>>`: each row's text, checked to be JSON and kept for the order's `native`.
//! A [`RowFormat`] says how one row reads: its key (the order's id and creation date) from a small
//! `#[derive(Deserialize)]` struct of just those fields (found in the row's text by sonic-rs without walking the
//! rest, see `KeyFields`), its order, and its summary
//! where the vendor's rows have one cheaper than the order. [`list_rows`] makes the page's rows over it: a
//! row's key is read when the engine first asks (the merge reaches about one row in five), its order or
//! summary decoded on first use, at most once, and checked against its key ([`ListRow`]).

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use futures::FutureExt;
use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use serde_aux::serde_introspection::serde_introspect;
use serde_json::value::RawValue;
use sonic_rs::PointerTree;

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
    key_fields: KeyFields,
}

/// The top-level fields a row's key reads, found in the row's text by sonic-rs, which stops as soon as it has
/// them: decoding the whole row into the key struct walks every field of a row (a Wix row is about 6 KB) and
/// made key reads the largest part of a listing's JSON work. The names come from the key struct's own
/// `Deserialize` (`serde_introspect`), renames included, so there is no list to keep in step with it.
struct KeyFields {
    /// Each name as a JSON string, with its path.
    names: Vec<String>,
    tree: PointerTree,
}

impl KeyFields {
    fn of<K: DeserializeOwned>() -> Self {
        let mut tree = PointerTree::new();
        let mut names = Vec::new();
        for name in serde_introspect::<K>() {
            tree.add_path(&[*name]);
            names.push(serde_json::Value::from(*name).to_string());
        }
        KeyFields { names, tree }
    }

    /// The key read from `row`'s key fields alone (a JSON object of just those), or `None` when they do not
    /// read that way (then the whole row is decoded, whose error names the JSON path).
    fn read<K: DeserializeOwned>(&self, row: &str) -> Option<K> {
        if self.names.is_empty() {
            return None;
        }
        let found = sonic_rs::get_many(row, &self.tree).ok()?;
        let mut object = String::with_capacity(128);
        for (name, value) in self.names.iter().zip(found) {
            if let Some(value) = value {
                object.push(if object.is_empty() { '{' } else { ',' });
                object.push_str(name);
                object.push(':');
                object.push_str(value.as_raw_str());
            }
        }
        if object.is_empty() {
            object.push('{');
        }
        object.push('}');
        serde_json::from_str(&object).ok()
    }
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
        let key = match self.key_fields.read(raw.get()) {
            Some(key) => key,
            None => decode_raw(self.format.backend(), raw, at)?,
        };
        self.format.key(key, at)
    }

    fn order(&self, index: usize) -> BoxFuture<'_, Result<Order>> {
        match self.row(index) {
            Ok((raw, at)) => self.format.order(raw, at),
            Err(error) => ready(Err(error)),
        }
    }

    fn text_len(&self, index: usize) -> usize {
        self.rows.get(index).map_or(0, |raw| raw.get().len())
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
    let page: Arc<dyn PageDecoder> = Arc::new(Page { format, rows, key_fields: KeyFields::of::<F::Key>() });
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

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;
    use serde::Deserialize;

    use super::*;
    use crate::backends::decode::decode_bytes;
    use crate::backends::util::require_datetime;
    use crate::domain::{FulfillmentStatus, NativeOrderId, OrderStatus, OrderTotals, PaymentStatus, Status};

    /// A row's key fields.
    #[derive(Deserialize)]
    struct Key {
        id: String,
        at: String,
    }

    /// A whole row; `skew` makes its order a second later than its key says.
    #[derive(Deserialize)]
    struct Row {
        id: String,
        at: String,
        total: Decimal,
        #[serde(default)]
        skew: bool,
    }

    #[derive(Deserialize)]
    struct Envelope {
        data: Page,
    }

    #[derive(Deserialize)]
    struct Page {
        orders: Vec<Box<RawValue>>,
    }

    struct Format {
        backend: BackendName,
    }

    impl RowFormat for Format {
        const ARRAY: &'static str = "data.orders";
        type Key = Key;

        fn backend(&self) -> &BackendName {
            &self.backend
        }

        fn key(&self, key: Key, at: RowAt) -> Result<RowKey> {
            let placed_at = require_datetime(&self.backend, format_args!("{at}.at"), &key.at)?;
            Ok((OrderId::new(self.backend.clone(), NativeOrderId::new(key.id.as_str())), placed_at))
        }

        fn order<'a>(&'a self, raw: &'a RawValue, at: RowAt) -> BoxFuture<'a, Result<Order>> {
            let order = decode_row::<Row>(&self.backend, raw, at).and_then(|(row, native)| {
                let (id, mut placed_at) = self.key(Key { id: row.id, at: row.at }, at)?;
                if row.skew {
                    placed_at += chrono::Duration::seconds(1);
                }
                let status = Status::new(
                    OrderStatus::Pending,
                    PaymentStatus::Pending,
                    FulfillmentStatus::Unfulfilled,
                    "new",
                );
                let mut order = Order::new(id, status, placed_at, "EUR");
                order.totals = OrderTotals::only_total(crate::domain::Money::new(row.total, "EUR"));
                order.native = native;
                Ok(order)
            });
            ready(order)
        }
    }

    fn listed(body: &str) -> Vec<ListRow> {
        let backend = BackendName::parse("shop").unwrap();
        let envelope: Envelope = decode_bytes(&backend, body.as_bytes()).unwrap();
        list_rows(Format { backend }, envelope.data.orders)
    }

    fn path(error: Error) -> String {
        match error {
            Error::Malformed { path, .. } => path,
            other => panic!("unexpected {other:?}"),
        }
    }

    const PAGE: &str = r#"{"data": {"orders": [
        {"id": "a", "at": "2026-01-02T03:04:05Z", "total": 1.50, "note": {"x": [1, "]"]}},
        {"id": "b", "at": "2026-01-02T03:04:04Z", "total": true},
        {"id": 3, "at": "2026-01-02T03:04:03Z", "total": 1},
        "x",
        {"id": "e", "at": "2026-01-02T03:04:01Z", "total": 1, "skew": true}
    ]}}"#;

    // A row reads its key from its key fields alone and its order from the whole row, kept as sent for
    // `native` (decimals exact); a bad row names its JSON path from the answer's root, in its key or in the
    // rest of the row; an order that disagrees with its key is malformed.
    #[tokio::test]
    async fn rows_read_their_key_and_order_naming_paths() {
        let rows = listed(PAGE);
        assert_eq!(rows.len(), 5);
        let (id, placed_at) = rows[0].key().unwrap();
        assert_eq!(
            (id.to_string(), placed_at.to_rfc3339()),
            ("shop:a".into(), "2026-01-02T03:04:05+00:00".into())
        );
        let order = rows[0].order().await.unwrap();
        assert_eq!(order.totals.total.amount.to_string(), "1.50");
        assert_eq!(
            order.native.text(),
            Some(r#"{"id": "a", "at": "2026-01-02T03:04:05Z", "total": 1.50, "note": {"x": [1, "]"]}}"#)
        );
        assert_eq!(rows[1].id().unwrap().to_string(), "shop:b", "a key reads whatever the rest holds");
        assert_eq!(path(rows[1].order().await.unwrap_err()), "data.orders[1].total");
        assert_eq!(path(rows[2].key().unwrap_err()), "data.orders[2].id");
        assert_eq!(path(rows[3].key().unwrap_err()), "data.orders[3]");
        rows[4].key().unwrap();
        assert!(matches!(rows[4].order().await, Err(Error::Malformed { .. })), "the key disagrees");
    }

    // A key's fields are found by name (the key struct's own, renames included) without reading the rest of the
    // row; a field of the wrong type or a row that is not an object is left to the whole-row decode.
    #[test]
    fn key_fields_are_read_alone() {
        let fields = KeyFields::of::<Key>();
        assert_eq!(fields.names, vec![r#""id""#.to_string(), r#""at""#.to_string()]);
        let key: Key = fields.read(r#"{"id": "a", "rest": [1, {"x": "]"}], "at": "t"}"#).unwrap();
        assert_eq!((key.id.as_str(), key.at.as_str()), ("a", "t"));
        assert!(fields.read::<Key>(r#"{"id": 3, "at": "t"}"#).is_none());
        assert!(fields.read::<Key>(r#""x""#).is_none());
    }

    // Without a cheaper summary a row's summary is its order, decoded once; `orders` decodes every row in
    // order and fails on the first that does not decode.
    #[tokio::test]
    async fn summaries_fall_back_to_the_order_and_orders_decode_all() {
        let rows = listed(PAGE);
        let summary = rows[0].summary().await.unwrap();
        assert!(Arc::ptr_eq(&summary, &rows[0].order().await.unwrap()));
        let backend = BackendName::parse("shop").unwrap();
        let envelope: Envelope = decode_bytes(&backend, PAGE.as_bytes()).unwrap();
        let format = Format { backend };
        let orders = orders(&format, &envelope.data.orders[..1]).await.unwrap();
        assert_eq!(orders[0].id.to_string(), "shop:a");
        assert_eq!(
            path(super::orders(&format, &envelope.data.orders).await.unwrap_err()),
            "data.orders[1].total"
        );
    }
}
