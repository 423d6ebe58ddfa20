//! [`ListRow`]: one row of a backend's list page. What the merge needs — the id and when the order was placed —
//! is read when the page arrives; the order itself is decoded on first use, at most once.
//!
//! A merged page of `first` orders asks every backend for about `first` rows, so most rows fetched are never
//! shown: decoding and mapping only the rows a page keeps (and the rows an engine-side filter must read) is
//! most of what listing costs the gateway.

use std::cmp::Reverse;
use std::fmt;
use std::sync::Arc;

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
    /// Decodes row `index` of the page; called at most once per row when it succeeds.
    fn decode(&self, index: usize) -> BoxFuture<'static, Result<Order>>;
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
    id: OrderId,
    placed_at: DateTime<FixedOffset>,
    order: OnceCell<Arc<Order>>,
    source: Source,
}

impl ListRow {
    /// A row whose order is already decoded.
    pub fn ready(order: impl Into<Arc<Order>>) -> Self {
        let order = order.into();
        ListRow {
            id: order.id.clone(),
            placed_at: order.placed_at,
            order: OnceCell::new_with(Some(order)),
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
        ListRow { id, placed_at, order: OnceCell::new(), source: Source::Closure(Box::new(decode)) }
    }

    /// Row `index` of a page whose `decoder` builds its order on first use (the same contract as
    /// [`ListRow::deferred`] for `id` and `placed_at`).
    pub fn in_page(
        id: OrderId,
        placed_at: DateTime<FixedOffset>,
        decoder: Arc<dyn PageDecoder>,
        index: usize,
    ) -> Self {
        ListRow { id, placed_at, order: OnceCell::new(), source: Source::Page(decoder, index) }
    }

    /// The order's id.
    pub fn id(&self) -> &OrderId {
        &self.id
    }

    /// When the order was placed.
    pub fn placed_at(&self) -> DateTime<FixedOffset> {
        self.placed_at
    }

    /// The merge order: newest first, ties by id (the same key as [`Order::sort_key`]).
    pub fn sort_key(&self) -> (Reverse<i64>, Reverse<u32>, &OrderId) {
        (Reverse(self.placed_at.timestamp()), Reverse(self.placed_at.timestamp_subsec_nanos()), &self.id)
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
                    Source::Ready => {
                        return Err(Error::Internal(format!("list row {} has no order", self.id)));
                    }
                    Source::Closure(decode) => decode().await?,
                    Source::Page(decoder, index) => decoder.decode(*index).await?,
                };
                if order.id != self.id || order.placed_at != self.placed_at {
                    return Err(Error::Malformed {
                        backend: self.id.backend.to_string(),
                        path: "placedAt".into(),
                        message: format!(
                            "order {} decoded as {} placed at {}, listed as placed at {}",
                            self.id, order.id, order.placed_at, self.placed_at
                        ),
                    });
                }
                Ok(Arc::new(order))
            })
            .await
            .cloned()
    }
}

impl fmt::Debug for ListRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListRow")
            .field("id", &self.id)
            .field("placed_at", &self.placed_at)
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
        assert_eq!(ready.id(), &id("3"));
        assert!(ready.decoded().is_some());
    }
}
