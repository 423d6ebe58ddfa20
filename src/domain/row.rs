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
use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::sync::OnceCell;

use super::ids::OrderId;
use super::order::Order;
use crate::error::{Error, Result};

/// Decodes a row's order; called at most once when it succeeds, again after a failure.
type Decode = Box<dyn Fn() -> BoxFuture<'static, Result<Order>> + Send + Sync>;

/// Decodes the rows of one list page on demand. The page's rows share it and each carries only its index, so
/// a row costs no allocation of its own for what decodes it (most rows of a page are never decoded).
pub trait PageDecoder: Send + Sync {
    /// Reads the key of row `index` (its id and when it was placed) without decoding the rest; called at most
    /// once per row when it succeeds, for rows made by [`ListRow::unkeyed`].
    fn key(&self, index: usize) -> Result<(OrderId, DateTime<FixedOffset>)> {
        Err(Error::Internal(format!("list row {index} has no key")))
    }

    /// Decodes row `index` of the page; called at most once per row when it succeeds.
    fn decode(&self, index: usize) -> BoxFuture<'static, Result<Order>>;

    /// Decodes only the summary of row `index` ([`Known::SUMMARY`](super::Known::SUMMARY): id, number,
    /// status, dates, currency and total), when the backend can do that for less than the whole order and
    /// without a call; `None` when it cannot (the full order serves then).
    fn summary(&self, _index: usize) -> Option<Result<Order>> {
        None
    }
}

/// Where a row's order comes from when it is not decoded yet.
enum Source {
    /// Already decoded.
    Ready,
    /// A closure of its own.
    Closure(Decode),
    /// Row `index` of a page's shared decoder.
    Page(Arc<dyn PageDecoder>, usize),
}

/// One row of a list page, newest first like the page.
pub struct ListRow {
    /// The id and when the order was placed, once read.
    key: OnceLock<(OrderId, DateTime<FixedOffset>)>,
    order: OnceCell<Arc<Order>>,
    /// The summary, or `None` when the backend decodes no less than the full order.
    summary: OnceCell<Option<Arc<Order>>>,
    source: Source,
}

impl ListRow {
    /// A row whose order is already decoded.
    pub fn ready(order: impl Into<Arc<Order>>) -> Self {
        let order = order.into();
        ListRow {
            key: OnceLock::from((order.id.clone(), order.placed_at)),
            order: OnceCell::new_with(Some(order)),
            summary: OnceCell::new(),
            source: Source::Ready,
        }
    }

    /// A row whose order `decode` builds on first use. `id` and `placed_at` must be what the decoded order
    /// says (a row whose order disagrees fails to decode, so the merge never orders by a wrong key).
    pub fn deferred(
        id: OrderId,
        placed_at: DateTime<FixedOffset>,
        decode: impl Fn() -> Result<Order> + Send + Sync + 'static,
    ) -> Self {
        Self::deferred_async(id, placed_at, move || futures::future::ready(decode()).boxed())
    }

    /// Like [`ListRow::deferred`], for a decode that needs a backend call (e.g. a tag directory).
    pub fn deferred_async(
        id: OrderId,
        placed_at: DateTime<FixedOffset>,
        decode: impl Fn() -> BoxFuture<'static, Result<Order>> + Send + Sync + 'static,
    ) -> Self {
        ListRow {
            key: OnceLock::from((id, placed_at)),
            order: OnceCell::new(),
            summary: OnceCell::new(),
            source: Source::Closure(Box::new(decode)),
        }
    }

    /// Row `index` of a page whose `decoder` builds its order on first use (the same contract as
    /// [`ListRow::deferred`] for `id` and `placed_at`).
    pub fn in_page(
        id: OrderId,
        placed_at: DateTime<FixedOffset>,
        decoder: Arc<dyn PageDecoder>,
        index: usize,
    ) -> Self {
        ListRow {
            key: OnceLock::from((id, placed_at)),
            order: OnceCell::new(),
            summary: OnceCell::new(),
            source: Source::Page(decoder, index),
        }
    }

    /// Row `index` of a page whose `decoder` reads its key when first asked ([`PageDecoder::key`]) and builds
    /// its order on first use: a row the merge never reaches costs nothing beyond its place in the page.
    pub fn unkeyed(decoder: Arc<dyn PageDecoder>, index: usize) -> Self {
        ListRow {
            key: OnceLock::new(),
            order: OnceCell::new(),
            summary: OnceCell::new(),
            source: Source::Page(decoder, index),
        }
    }

    /// The row's key: the order's id and when it was placed, read now if it was not yet. A key that does not
    /// read is the backend's `Malformed` error (not kept: a later call reads again).
    pub fn key(&self) -> Result<(&OrderId, DateTime<FixedOffset>)> {
        if let Some((id, placed_at)) = self.key.get() {
            return Ok((id, *placed_at));
        }
        let Source::Page(decoder, index) = &self.source else {
            return Err(Error::Internal("a list row without a key".into()));
        };
        let key = decoder.key(*index)?;
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
                let order = match &self.source {
                    Source::Ready => return Err(Error::Internal("a list row without its order".into())),
                    Source::Closure(decode) => decode().await?,
                    Source::Page(decoder, index) => decoder.decode(*index).await?,
                };
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
        let Source::Page(decoder, index) = &self.source else {
            return self.order().await;
        };
        let summary = self
            .summary
            .get_or_try_init(|| async {
                match decoder.summary(*index) {
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

    /// `order`, when it has the row's key (a row whose order disagrees fails to decode, so the merge never
    /// orders by a wrong key).
    fn checked(&self, order: Order) -> Result<Arc<Order>> {
        let (id, placed_at) = self.key()?;
        if order.id != *id || order.placed_at != placed_at {
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

    #[tokio::test]
    async fn decodes_once_and_checks_its_keys() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let row = ListRow::deferred(id("1"), at("2026-01-02T03:04:05Z"), move || {
            counted.fetch_add(1, Ordering::SeqCst);
            Ok(order("1", at("2026-01-02T04:04:05+01:00")))
        });
        assert!(row.decoded().is_none());
        let first = row.order().await.expect("decodes");
        let second = row.order().await.expect("decodes");
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(row.decoded().is_some());

        let wrong = ListRow::deferred(id("2"), at("2026-01-02T03:04:05Z"), || {
            Ok(order("2", at("2026-01-02T03:04:06Z")))
        });
        let error = wrong.order().await.expect_err("the key disagrees");
        assert!(matches!(error, Error::Malformed { .. }), "{error:?}");
    }

    /// A page of one row placed at `at`, counting its decodes; `summary` says whether it decodes summaries
    /// (and `wrong` makes them disagree with the row's key).
    struct Page {
        full: AtomicUsize,
        summaries: AtomicUsize,
        summary: bool,
        wrong: bool,
    }

    impl PageDecoder for Page {
        fn decode(&self, _index: usize) -> BoxFuture<'static, Result<Order>> {
            self.full.fetch_add(1, Ordering::SeqCst);
            futures::future::ready(Ok(order("1", at("2026-01-02T03:04:05Z")))).boxed()
        }

        fn summary(&self, _index: usize) -> Option<Result<Order>> {
            self.summaries.fetch_add(1, Ordering::SeqCst);
            let mut summary = order(if self.wrong { "2" } else { "1" }, at("2026-01-02T03:04:05Z"));
            summary.known = crate::domain::Known::SUMMARY;
            self.summary.then_some(Ok(summary))
        }
    }

    fn page(summary: bool, wrong: bool) -> Arc<Page> {
        Arc::new(Page { full: AtomicUsize::new(0), summaries: AtomicUsize::new(0), summary, wrong })
    }

    #[tokio::test]
    async fn summaries_decode_once_and_give_way_to_the_full_order() {
        let decoder = page(true, false);
        let row = ListRow::in_page(id("1"), at("2026-01-02T03:04:05Z"), decoder.clone(), 0);
        let first = row.summary().await.expect("summary");
        assert_eq!(first.known, crate::domain::Known::SUMMARY);
        assert!(Arc::ptr_eq(&first, &row.summary().await.expect("summary")));
        assert_eq!((decoder.summaries.load(Ordering::SeqCst), decoder.full.load(Ordering::SeqCst)), (1, 0));
        assert!(row.decoded().is_none(), "a summary is not the order");
        let full = row.order().await.expect("order");
        assert!(Arc::ptr_eq(&full, &row.summary().await.expect("the full order serves")));
        assert_eq!(decoder.full.load(Ordering::SeqCst), 1);

        // A backend without a cheaper summary decodes the whole order, once.
        let decoder = page(false, false);
        let row = ListRow::in_page(id("1"), at("2026-01-02T03:04:05Z"), decoder.clone(), 0);
        let summary = row.summary().await.expect("the full order");
        assert!(Arc::ptr_eq(&summary, &row.order().await.expect("order")));
        assert_eq!(decoder.full.load(Ordering::SeqCst), 1);

        // A summary whose key disagrees with the row's fails like a full order would.
        let row = ListRow::in_page(id("1"), at("2026-01-02T03:04:05Z"), page(true, true), 0);
        assert!(matches!(row.summary().await, Err(Error::Malformed { .. })));
    }

    #[tokio::test]
    async fn a_failed_decode_is_not_kept() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let row = ListRow::deferred(id("1"), at("2026-01-02T03:04:05Z"), move || {
            counted.fetch_add(1, Ordering::SeqCst);
            Err(Error::Internal("boom".into()))
        });
        assert!(row.order().await.is_err());
        assert!(row.order().await.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        let ready = ListRow::ready(order("3", at("2026-01-02T03:04:05Z")));
        assert_eq!(ready.id().expect("a ready row has its key"), &id("3"));
        assert!(ready.decoded().is_some());
    }
}
