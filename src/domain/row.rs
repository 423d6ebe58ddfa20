//! [`ListRow`]: one row of a backend's list page. What the merge needs — the id and when the order was placed,
//! the row's key — is read when first asked (or when the page arrives, for backends whose paging needs every
//! key); the order itself is decoded on first use, at most once.
//!
//! A merged page of `first` orders asks every backend for about `first` rows, so most rows fetched are never
//! shown: reading the keys of, decoding and mapping only the rows a page reaches (and the rows an engine-side
//! filter must read) is most of what listing costs the gateway.

use std::cmp::Reverse;
use std::fmt;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, FixedOffset};
use futures::future::BoxFuture;
use tokio::sync::OnceCell;

use super::ids::OrderId;
use super::order::Order;
use crate::error::{Error, Result};

/// A row's key: the order's id and when it was placed.
type Key = (OrderId, DateTime<FixedOffset>);

/// The rows of one list page, read on demand by index. The page's rows share it and each carries only its
/// index, so a row costs no allocation of its own for what decodes it (most rows of a page are never decoded).
/// Adapters implement it once, in `backends::rows`.
pub trait PageDecoder: Send + Sync {
    /// Reads the key of row `index` (its id and when it was placed) without decoding the rest of its order.
    fn key(&self, index: usize) -> Result<Key>;

    /// Decodes the order of row `index`.
    fn order(&self, index: usize) -> BoxFuture<'_, Result<Order>>;

    /// Decodes only the summary of row `index` ([`Known::SUMMARY`](super::Known::SUMMARY): id, number,
    /// status, dates, currency and total), when the backend can do that for less than the whole order and
    /// without a call; `None` (the default) when it cannot (the full order serves then).
    fn summary(&self, index: usize) -> Option<Result<Order>> {
        let _ = index;
        None
    }

    /// Bytes of row `index`'s text as the backend sent it (for cache budgets).
    fn text_len(&self, index: usize) -> usize {
        let _ = index;
        0
    }
}

/// One row of a list page, newest first like the page.
pub struct ListRow {
    /// The id and when the order was placed, once read.
    key: OnceLock<Key>,
    order: OnceCell<Arc<Order>>,
    /// The summary, or `None` when the backend decodes no less than the full order.
    summary: OnceCell<Option<Arc<Order>>>,
    /// The page the row comes from and its index there; `None` for a row built from its order.
    page: Option<(Arc<dyn PageDecoder>, usize)>,
}

impl ListRow {
    /// A row whose order is already decoded.
    pub fn ready(order: impl Into<Arc<Order>>) -> Self {
        let order = order.into();
        ListRow {
            key: OnceLock::from((order.id.clone(), order.placed_at)),
            order: OnceCell::new_with(Some(order)),
            summary: OnceCell::new(),
            page: None,
        }
    }

    /// About how many bytes the row holds: its text, and what decoding it adds (an estimate for cache budgets).
    pub fn weight(&self) -> usize {
        let text = self.page.as_ref().map_or(0, |(page, index)| page.text_len(*index));
        let decoded = self.order.get().map_or(0, |order| order.weight())
            + self.summary.get().and_then(Option::as_ref).map_or(0, |order| order.weight());
        text + decoded + 128
    }

    /// Row `index` of `page`: its key read when first asked, its order decoded on first use, so a row the
    /// merge never reaches costs nothing beyond its place in the page.
    pub fn in_page(page: Arc<dyn PageDecoder>, index: usize) -> Self {
        ListRow {
            key: OnceLock::new(),
            order: OnceCell::new(),
            summary: OnceCell::new(),
            page: Some((page, index)),
        }
    }

    /// The row's key: the order's id and when it was placed, read now if it was not yet. A key that does not
    /// read is the backend's `Malformed` error (not kept: a later call reads again).
    pub fn key(&self) -> Result<(&OrderId, DateTime<FixedOffset>)> {
        if let Some((id, placed_at)) = self.key.get() {
            return Ok((id, *placed_at));
        }
        let (page, index) = self.source()?;
        let key = page.key(*index)?;
        let (id, placed_at) = self.key.get_or_init(|| key);
        Ok((id, *placed_at))
    }

    /// The key, if it has been read.
    pub fn read_key(&self) -> Option<(&OrderId, DateTime<FixedOffset>)> {
        self.key.get().map(|(id, placed_at)| (id, *placed_at))
    }

    /// The order's id ([`ListRow::key`]).
    pub fn id(&self) -> Result<&OrderId> {
        self.key().map(|(id, _)| id)
    }

    /// When the order was placed ([`ListRow::key`]).
    pub fn placed_at(&self) -> Result<DateTime<FixedOffset>> {
        self.key().map(|(_, placed_at)| placed_at)
    }

    /// The merge order: newest first, ties by id (the same key as [`Order::sort_key`]).
    pub fn sort_key(&self) -> Result<(Reverse<i64>, Reverse<u32>, &OrderId)> {
        let (id, placed_at) = self.key()?;
        Ok((Reverse(placed_at.timestamp()), Reverse(placed_at.timestamp_subsec_nanos()), id))
    }

    /// The order, if it has been decoded.
    pub fn decoded(&self) -> Option<&Arc<Order>> {
        self.order.get()
    }

    /// The order, decoded now if it was not yet. A payload that does not decode is the backend's `Malformed`
    /// error (not kept: a later call decodes again).
    pub async fn order(&self) -> Result<Arc<Order>> {
        self.order
            .get_or_try_init(|| async {
                let (page, index) = self.source()?;
                let order = page.order(*index).await?;
                self.checked(order)
            })
            .await
            .cloned()
    }

    /// At least the order's summary ([`Known::SUMMARY`](super::Known::SUMMARY)): the full order when it is
    /// decoded already or the backend cannot decode less, else the summary, decoded now if it was not yet.
    pub async fn summary(&self) -> Result<Arc<Order>> {
        if let Some(order) = self.order.get() {
            return Ok(order.clone());
        }
        let Some((page, index)) = &self.page else {
            return self.order().await;
        };
        let summary = self
            .summary
            .get_or_try_init(|| async {
                match page.summary(*index) {
                    Some(summary) => self.checked(summary?).map(Some),
                    None => Ok(None),
                }
            })
            .await?;
        match summary {
            Some(summary) => Ok(summary.clone()),
            None => self.order().await,
        }
    }

    fn source(&self) -> Result<&(Arc<dyn PageDecoder>, usize)> {
        self.page.as_ref().ok_or_else(|| Error::Internal("a list row without its page".into()))
    }

    /// `order`, when it has the row's key (a row whose order disagrees fails to decode, so the merge never
    /// orders by a wrong key). A row whose key was not read yet takes the order's: reading it would check
    /// nothing the order does not say.
    fn checked(&self, order: Order) -> Result<Arc<Order>> {
        let (id, placed_at) = self.key.get_or_init(|| (order.id.clone(), order.placed_at));
        if order.id != *id || order.placed_at != *placed_at {
            return Err(Error::Malformed {
                backend: id.backend.to_string(),
                path: "placedAt".into(),
                message: format!(
                    "order {id} decoded as {} placed at {}, listed as placed at {placed_at}",
                    order.id, order.placed_at
                ),
            });
        }
        Ok(Arc::new(order))
    }
}

impl fmt::Debug for ListRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListRow")
            .field("key", &self.key.get())
            .field("decoded", &self.order.initialized())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures::FutureExt;

    use super::*;
    use crate::domain::{BackendName, FulfillmentStatus, NativeOrderId, OrderStatus, PaymentStatus, Status};

    fn id(native: &str) -> OrderId {
        OrderId::new(BackendName::parse("shop").expect("name"), NativeOrderId::new(native))
    }

    fn order(native: &str, placed_at: DateTime<FixedOffset>) -> Order {
        let status =
            Status::new(OrderStatus::Pending, PaymentStatus::Pending, FulfillmentStatus::Unfulfilled, "new");
        Order::new(id(native), status, placed_at, "EUR")
    }

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).expect("date")
    }

    /// A page of one row listed as order "1" placed at `LISTED`, counting its reads: its order decodes as
    /// `decodes_as` (an error when `None`), its summary as `summary_as` (none when `None`).
    struct Page {
        decodes_as: Option<&'static str>,
        summary_as: Option<&'static str>,
        keys: AtomicUsize,
        full: AtomicUsize,
        summaries: AtomicUsize,
    }

    const LISTED: &str = "2026-01-02T03:04:05Z";

    impl PageDecoder for Page {
        fn key(&self, _index: usize) -> Result<Key> {
            self.keys.fetch_add(1, Ordering::SeqCst);
            Ok((id("1"), at(LISTED)))
        }

        fn order(&self, _index: usize) -> BoxFuture<'_, Result<Order>> {
            self.full.fetch_add(1, Ordering::SeqCst);
            let decoded = match self.decodes_as {
                Some(native) => Ok(order(native, at("2026-01-02T04:04:05+01:00"))),
                None => Err(Error::Internal("boom".into())),
            };
            futures::future::ready(decoded).boxed()
        }

        fn summary(&self, _index: usize) -> Option<Result<Order>> {
            self.summaries.fetch_add(1, Ordering::SeqCst);
            let mut summary = order(self.summary_as?, at(LISTED));
            summary.known = crate::domain::Known::SUMMARY;
            Some(Ok(summary))
        }
    }

    fn page(decodes_as: Option<&'static str>, summary_as: Option<&'static str>) -> Arc<Page> {
        let zero = || AtomicUsize::new(0);
        Arc::new(Page { decodes_as, summary_as, keys: zero(), full: zero(), summaries: zero() })
    }

    fn count(counter: &AtomicUsize) -> usize {
        counter.load(Ordering::SeqCst)
    }

    // A row's key is read once; its order decodes once (the same instant in another offset agrees), and an
    // order that disagrees with the key read is malformed.
    #[tokio::test]
    async fn decodes_once_and_checks_its_keys() {
        let decoder = page(Some("1"), None);
        let row = ListRow::in_page(decoder.clone(), 0);
        assert!(row.read_key().is_none());
        assert_eq!(row.id().expect("key"), &id("1"));
        assert_eq!(row.placed_at().expect("key"), at(LISTED));
        assert!(row.decoded().is_none());
        let first = row.order().await.expect("decodes");
        let second = row.order().await.expect("decodes");
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!((count(&decoder.keys), count(&decoder.full)), (1, 1));
        assert!(row.decoded().is_some());

        let wrong = ListRow::in_page(page(Some("2"), None), 0);
        wrong.key().expect("key");
        let error = wrong.order().await.expect_err("the key disagrees");
        assert!(matches!(error, Error::Malformed { .. }), "{error:?}");
    }

    // A row decoded before its key is read takes the order's key without reading it.
    #[tokio::test]
    async fn an_order_decoded_first_gives_the_key() {
        let decoder = page(Some("2"), None);
        let row = ListRow::in_page(decoder.clone(), 0);
        row.order().await.expect("decodes");
        assert_eq!(row.id().expect("the order's key"), &id("2"));
        assert_eq!(count(&decoder.keys), 0);
    }

    // A summary decodes once, is not the order, and gives way to the full order once that is decoded; a
    // backend without a cheaper summary decodes the whole order; a summary that disagrees fails.
    #[tokio::test]
    async fn summaries_decode_once_and_give_way_to_the_full_order() {
        let decoder = page(Some("1"), Some("1"));
        let row = ListRow::in_page(decoder.clone(), 0);
        row.key().expect("key");
        let first = row.summary().await.expect("summary");
        assert_eq!(first.known, crate::domain::Known::SUMMARY);
        assert!(Arc::ptr_eq(&first, &row.summary().await.expect("summary")));
        assert_eq!((count(&decoder.summaries), count(&decoder.full)), (1, 0));
        assert!(row.decoded().is_none(), "a summary is not the order");
        let full = row.order().await.expect("order");
        assert!(Arc::ptr_eq(&full, &row.summary().await.expect("the full order serves")));
        assert_eq!(count(&decoder.full), 1);

        let decoder = page(Some("1"), None);
        let row = ListRow::in_page(decoder.clone(), 0);
        let summary = row.summary().await.expect("the full order");
        assert!(Arc::ptr_eq(&summary, &row.order().await.expect("order")));
        assert_eq!(count(&decoder.full), 1);

        let row = ListRow::in_page(page(Some("1"), Some("2")), 0);
        row.key().expect("key");
        assert!(matches!(row.summary().await, Err(Error::Malformed { .. })));
    }

    // A failed decode is not kept: the next call decodes again. A row built from its order has its key.
    #[tokio::test]
    async fn a_failed_decode_is_not_kept() {
        let decoder = page(None, None);
        let row = ListRow::in_page(decoder.clone(), 0);
        assert!(row.order().await.is_err());
        assert!(row.order().await.is_err());
        assert_eq!(count(&decoder.full), 2);
        let ready = ListRow::ready(order("3", at(LISTED)));
        assert_eq!(ready.id().expect("a ready row has its key"), &id("3"));
        assert!(ready.decoded().is_some());
    }
}
