//! Tests of the merged listing.

use async_trait::async_trait;
use chrono::{DateTime, Duration as Days, FixedOffset};

use super::*;
use crate::backends::Registry;
use crate::config::Config;
use crate::domain::{
    BackendKind, Capabilities, FulfillmentStatus, ListPage, NativeOrderId, OrderId, OrderStatus,
    PaymentStatus, Status,
};

/// A backend serving fixed rows (one page): `bad` rows fail to decode. The engine's merge and decode
/// around a row that breaks is what is tested; adapters and HTTP are covered by the integration suites.
struct Rows {
    name: BackendName,
    rows: Vec<(u32, bool)>,
}

/// The page of a [`Rows`] backend.
struct RowsPage {
    name: BackendName,
    rows: Vec<(u32, bool)>,
}

impl crate::domain::PageDecoder for RowsPage {
    fn key(&self, index: usize) -> Result<(OrderId, DateTime<FixedOffset>)> {
        let (day, _) = self.rows[index];
        Ok((OrderId::new(self.name.clone(), NativeOrderId::new(day.to_string())), placed(day)))
    }
    fn order(&self, index: usize) -> futures::future::BoxFuture<'_, Result<Order>> {
        let order = match self.rows[index] {
            (_, true) => {
                Err(Error::Malformed { backend: "a".into(), path: "total".into(), message: "x".into() })
            }
            (day, false) => self.key(index).map(|(id, _)| Order::new(id, status(), placed(day), "EUR")),
        };
        Box::pin(futures::future::ready(order))
    }
}

fn placed(day: u32) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap() + Days::days(i64::from(day))
}

#[async_trait]
impl OrderBackend for Rows {
    fn name(&self) -> &BackendName {
        &self.name
    }
    fn kind(&self) -> BackendKind {
        BackendKind::Vtex
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities::default()
    }
    fn max_page_size(&self) -> usize {
        100
    }
    async fn list(&self, _: &ListRequest) -> Result<ListPage> {
        let page = Arc::new(RowsPage { name: self.name.clone(), rows: self.rows.clone() });
        let rows = (0..self.rows.len()).map(|i| ListRow::in_page(page.clone(), i)).collect();
        Ok(ListPage { rows, next: None, total: Some(self.rows.len() as u64) })
    }
    async fn get_many(&self, _: &[NativeOrderId]) -> Result<Vec<Order>> {
        Ok(Vec::new())
    }
}

fn engine(backends: Vec<Rows>) -> Engine {
    engine_of(backends.into_iter().map(|b| Arc::new(b) as Arc<dyn OrderBackend>).collect())
}

fn engine_of(backends: Vec<Arc<dyn OrderBackend>>) -> Engine {
    let mut registry = Registry::default();
    for backend in backends {
        registry.insert(backend);
    }
    Engine::new(registry, &Config::parse("", &|_| None).unwrap())
}

fn status() -> Status {
    Status::new(OrderStatus::Pending, PaymentStatus::Pending, FulfillmentStatus::Unfulfilled, "n")
}

/// A backend whose rows read their keys when first asked, as the adapters' do: `(day, id, key reads)`
/// rows in the order given (ties and disorder as a vendor may send them), counting the keys read.
struct Unkeyed {
    name: BackendName,
    rows: Vec<(u32, &'static str, bool)>,
    reads: Arc<std::sync::Mutex<Vec<usize>>>,
}

struct UnkeyedPage {
    name: BackendName,
    rows: Vec<(u32, &'static str, bool)>,
    reads: Arc<std::sync::Mutex<Vec<usize>>>,
}

impl crate::domain::PageDecoder for UnkeyedPage {
    fn key(&self, index: usize) -> Result<(OrderId, DateTime<FixedOffset>)> {
        self.reads.lock().unwrap().push(index);
        match self.rows.get(index) {
            Some(&(day, id, true)) => {
                Ok((OrderId::new(self.name.clone(), NativeOrderId::new(id)), placed(day)))
            }
            _ => Err(Error::Malformed {
                backend: "u".into(),
                path: format!("[{index}].id"),
                message: "x".into(),
            }),
        }
    }
    fn order(&self, index: usize) -> futures::future::BoxFuture<'_, Result<Order>> {
        let order = self.key(index).map(|(id, at)| Order::new(id, status(), at, "EUR"));
        Box::pin(futures::future::ready(order))
    }
}

#[async_trait]
impl OrderBackend for Unkeyed {
    fn name(&self) -> &BackendName {
        &self.name
    }
    fn kind(&self) -> BackendKind {
        BackendKind::Wix
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities::default()
    }
    fn max_page_size(&self) -> usize {
        100
    }
    async fn list(&self, _: &ListRequest) -> Result<ListPage> {
        let page: Arc<dyn crate::domain::PageDecoder> = Arc::new(UnkeyedPage {
            name: self.name.clone(),
            rows: self.rows.clone(),
            reads: self.reads.clone(),
        });
        let rows = (0..self.rows.len()).map(|i| ListRow::in_page(page.clone(), i)).collect();
        Ok(ListPage { rows, next: None, total: None })
    }
    async fn get_many(&self, _: &[NativeOrderId]) -> Result<Vec<Order>> {
        Ok(Vec::new())
    }
}

fn unkeyed(
    name: &str,
    rows: Vec<(u32, &'static str, bool)>,
) -> (Arc<dyn OrderBackend>, Arc<std::sync::Mutex<Vec<usize>>>) {
    let reads = Arc::new(std::sync::Mutex::new(Vec::new()));
    let backend = Unkeyed { name: BackendName::parse(name).unwrap(), rows, reads: reads.clone() };
    (Arc::new(backend), reads)
}

fn sorted_reads(reads: &std::sync::Mutex<Vec<usize>>) -> Vec<usize> {
    let mut read = reads.lock().unwrap().clone();
    read.sort();
    read.dedup();
    read
}

// Orders of one instant come out by id whatever order the backend sent them in, and a page reads the keys
// of the rows the merge reaches (plus the one after each run of an instant), no others; paging on gives
// every order once, in order.
#[tokio::test]
async fn ties_are_ordered_by_id_and_only_reached_keys_are_read() {
    let rows = vec![
        (9, "x", true),
        (5, "c", true),
        (5, "a", true),
        (5, "b", true),
        (3, "z", true),
        (2, "y", true),
        (1, "w", true),
    ];
    let (a, reads) = unkeyed("a", rows);
    let (b, _) = unkeyed("b", vec![(6, "m", true), (4, "n", true)]);
    let engine = engine_of(vec![a, b]);
    let page = engine.orders(4, None, OrderFilter::default()).await.unwrap();
    assert_eq!(ids(&page), ["a:x", "b:m", "a:a", "a:b"]);
    assert_eq!(sorted_reads(&reads), [0, 1, 2, 3, 4], "rows 5 and 6 are never reached");
    let mut all = ids(&page);
    let mut after = page.end_cursor.clone();
    while let Some(cursor) = after.take() {
        let next = engine.orders(2, Some(&cursor), OrderFilter::default()).await.unwrap();
        all.extend(ids(&next));
        if next.has_next_page {
            after = next.end_cursor.clone();
        }
    }
    assert_eq!(all, ["a:x", "b:m", "a:a", "a:b", "a:c", "b:n", "a:z", "a:y", "a:w"]);
}

// A backend that breaks its own newest-first order has the rest of its page sorted once that is noticed.
#[tokio::test]
async fn a_page_out_of_order_is_sorted_once_noticed() {
    let (a, _) = unkeyed("a", vec![(5, "e", true), (7, "g", true), (6, "f", true), (1, "d", true)]);
    let engine = engine_of(vec![a]);
    let page = engine.orders(4, None, OrderFilter::default()).await.unwrap();
    assert_eq!(ids(&page), ["a:g", "a:f", "a:e", "a:d"]);
}

// A row whose key does not read fails its backend for the page once the merge reaches it, like a row that
// does not decode; one past the merge's reach fails nothing.
#[tokio::test]
async fn a_key_that_does_not_read_fails_its_backend_when_reached() {
    let (a, _) = unkeyed("a", vec![(9, "x", true), (7, "broken", false), (1, "w", true)]);
    let (b, _) = unkeyed("b", vec![(8, "m", true), (6, "n", true), (5, "o", true)]);
    let engine = engine_of(vec![a, b]);
    let page = engine.orders(3, None, OrderFilter::default()).await.unwrap();
    assert_eq!(ids(&page), ["b:m", "b:n", "b:o"]);
    let a = page.backends.iter().find(|b| b.backend.as_str() == "a").unwrap();
    assert!(matches!(&a.error, Some(Error::Malformed { path, .. }) if path == "[1].id"), "{a:?}");

    let (a, _) = unkeyed("a", vec![(9, "x", true), (7, "v", true), (1, "broken", false)]);
    let (b, _) = unkeyed("b", vec![(8, "m", true)]);
    let page = engine_of(vec![a, b]).orders(2, None, OrderFilter::default()).await.unwrap();
    assert_eq!(ids(&page), ["a:x", "b:m"]);
    assert!(page.backends.iter().all(|b| b.error.is_none()));
}

fn ids(page: &OrdersPage) -> Vec<String> {
    page.edges.iter().map(|(order, _)| order.id.to_string()).collect()
}

// A row that does not decode fails its backend for the page, like a failed call: the page is merged again
// from the other backends, the cursor marks that backend done, and rows never shown are never decoded.
#[tokio::test]
async fn a_row_that_does_not_decode_fails_only_its_backend() {
    let name = |n: &str| BackendName::parse(n).unwrap();
    let engine = engine(vec![
        Rows { name: name("a"), rows: vec![(9, false), (7, true), (1, true)] },
        Rows { name: name("b"), rows: vec![(8, false), (6, false), (5, false)] },
    ]);
    let page = engine.orders(3, None, OrderFilter::default()).await.unwrap();
    assert_eq!(ids(&page), ["b:8", "b:6", "b:5"]);
    let a = page.backends.iter().find(|b| b.backend.as_str() == "a").unwrap();
    assert!(matches!(a.error, Some(Error::Malformed { .. })), "{a:?}");
    assert!(page.backends.iter().any(|b| b.backend.as_str() == "b" && b.error.is_none()));
    assert_eq!(page.total_count, None);
    let next = engine.orders(3, page.end_cursor.as_deref(), OrderFilter::default()).await.unwrap();
    assert!(next.edges.is_empty() && !next.has_next_page, "{:?}", ids(&next));

    // The broken row is past the page: nothing fails, and only the rows shown were decoded.
    let page = engine.orders(2, None, OrderFilter::default()).await.unwrap();
    assert_eq!(ids(&page), ["a:9", "b:8"]);
    assert!(page.backends.iter().all(|b| b.error.is_none()));
    assert_eq!(page.total_count, Some(6));
}
