//! `orders`: fan out to every selected backend at once, merge newest first (ties by id), page with a cursor
//! that records where each backend stands, and report per backend how it went.
//!
//! Backends are asked for about `first` rows each, so a merged page keeps about one row in five it fetched.
//! The merge orders rows by their keys alone ([`ListRow::sort_key`]), read only for the rows it reaches
//! (backends list newest first; the merge orders by id the orders of one instant as it reaches them); only the
//! rows the page keeps (and the rows an engine-side filter must read) are decoded, as summaries when the query
//! asks nothing more ([`Detail`]). A row whose key does not read or that does not decode fails its backend for
//! the page, as a failed call does, and the page is merged again without it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::join_all;

use super::Engine;
use super::cache::ListKey;
use super::cursor::{BackendPosition, CursorState};
use crate::domain::{BackendName, ListRequest, ListRow, Order, OrderBackend, OrderFilter};
use crate::error::{Error, Result};
use crate::metrics::BackendOp;
use merge::{BackendStream, FetchedPage, merge};
use position::{CursorBasis, StreamBasis, unreturned};

mod merge;
mod position;

/// The largest `first` a client may ask for.
pub const MAX_FIRST: usize = 100;
/// The smallest page asked of a backend (small `first`s still fetch this many, so later pages are cheap).
const MIN_BACKEND_PAGE: usize = 20;

/// How much of each order a page decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Whole orders.
    Full,
    /// At least [`Known::SUMMARY`](crate::domain::Known::SUMMARY) (id, number, status, dates, currency, total),
    /// for a query that asks nothing more: backends that can read a row's summary for less than the whole
    /// order do (Wix, MerchantPro: their rows are whole orders, line items included), and where the engine
    /// applies no filter of its own to a backend's rows, it asks for summaries only
    /// ([`ListRequest::summaries`]: MerchantPro then sends only their fields).
    Summary,
}

/// How one backend did for one `orders` page.
#[derive(Clone, Debug)]
pub struct BackendOutcome {
    /// The backend.
    pub backend: BackendName,
    /// Its error, if it failed.
    pub error: Option<Error>,
    /// Time spent on it.
    pub duration: Duration,
    /// Whether every page it needed came from the cache.
    pub cached: bool,
    /// Pages read when the engine-side filter stopped at `server.max_scan_pages` before filling the page
    /// (`hasNextPage` stays true; the cursor continues after them).
    pub scan_limit: Option<usize>,
}

/// One page of the merged listing.
#[derive(Clone, Debug)]
pub struct OrdersPage {
    /// The orders with the cursor after each, in merged order.
    pub edges: Vec<(Arc<Order>, EdgeCursor)>,
    /// Whether any backend has more.
    pub has_next_page: bool,
    /// Cursor after the last edge (or the cursor given, when the page is empty).
    pub end_cursor: Option<String>,
    /// Sum of the backends' totals, when every backend counted exactly.
    pub total_count: Option<u64>,
    /// One per backend asked.
    pub backends: Vec<BackendOutcome>,
}

/// The cursor after one edge, encoded only when asked for: most queries read `nodes` and at most `endCursor`,
/// and encoding a cursor per edge was a measurable share of a page's cost.
#[derive(Clone, Debug)]
pub struct EdgeCursor {
    basis: Arc<CursorBasis>,
    /// `(page, index)` of each stream's next order after this edge, in `basis.streams` order.
    at: Box<[(usize, usize)]>,
}

impl EdgeCursor {
    /// The opaque cursor string.
    pub fn encode(&self) -> String {
        self.basis.encode(&self.at)
    }
}

/// What one `orders` page asks of every backend.
struct Asked<'a> {
    filter: &'a OrderFilter,
    /// The filter, serialized (the list cache's key).
    filter_key: Arc<str>,
    detail: Detail,
}

impl Engine {
    /// One page of the merged listing. `BAD_USER_INPUT` for a `first` out of range or a bad cursor; backend
    /// failures do not fail the page (they show in [`OrdersPage::backends`]).
    pub async fn orders(&self, first: i32, after: Option<&str>, filter: OrderFilter) -> Result<OrdersPage> {
        self.orders_with(first, after, filter, Detail::Full).await
    }

    /// [`Engine::orders`], decoding as much of each order as `detail` says (the page is the same either way).
    pub async fn orders_with(
        &self,
        first: i32,
        after: Option<&str>,
        filter: OrderFilter,
        detail: Detail,
    ) -> Result<OrdersPage> {
        let first = usize::try_from(first)
            .ok()
            .filter(|n| *n <= MAX_FIRST)
            .ok_or_else(|| Error::BadUserInput(format!("`first` must be between 0 and {MAX_FIRST}")))?;
        let selected = self.select_backends(&filter)?;
        let state = match after {
            Some(cursor) => CursorState::decode(cursor, &filter, &self.cursor_key)?,
            None => CursorState::new(&filter),
        };
        let filter_key: Arc<str> = Arc::from(serde_json::to_string(&filter).unwrap_or_default());
        let deadline = Instant::now() + self.request_timeout;

        let streams = join_all(selected.iter().map(|backend| {
            let position = state.positions.get(backend.name().as_str()).cloned().unwrap_or(BackendPosition {
                token: None,
                edge: None,
                // A filter the engine applies reads rows it does not keep: the largest pages cost the fewest calls.
                page_size: if engine_filters(&filter, &backend.pushdown()) {
                    backend.max_page_size().max(1)
                } else {
                    backend.max_page_size().min(first.max(MIN_BACKEND_PAGE)).max(1)
                },
                done: false,
                total: None,
            });
            let asked = Asked { filter: &filter, filter_key: filter_key.clone(), detail };
            self.fetch_stream(backend.clone(), position, asked, first, deadline)
        }))
        .await;
        let mut streams: Vec<BackendStream> = streams;

        // Merge by the rows' keys, then decode the rows the page keeps. A row that does not decode fails its
        // backend for this page (like a failed call) and the merge runs again without it.
        let starts: Vec<(usize, usize)> = streams.iter().map(|s| (s.page, s.index)).collect();
        let merged = loop {
            for (stream, (page, index)) in streams.iter_mut().zip(&starts) {
                (stream.page, stream.index) = (*page, *index);
            }
            let rows = match merge(&mut streams, first) {
                Ok(rows) => rows,
                Err((stream, error)) => {
                    self.cache.forget_lists(&streams[stream].name);
                    self.metrics.backend_error(streams[stream].name.as_str(), BackendOp::List, error.code());
                    streams[stream].fail(self.scrub(error));
                    continue;
                }
            };
            let fresh: Vec<bool> = rows.iter().map(|(_, row, _)| row.decoded().is_none()).collect();
            let decoded = join_all(rows.iter().map(|(_, row, _)| async move {
                match detail {
                    Detail::Full => row.order().await,
                    Detail::Summary => row.summary().await,
                }
            }))
            .await;
            let mut merged = Vec::with_capacity(rows.len());
            let mut failed = false;
            for (((stream, _, at), fresh), result) in rows.into_iter().zip(fresh).zip(decoded) {
                match result {
                    Ok(order) => {
                        if fresh {
                            self.cache.put_order(order.clone()).await;
                        }
                        merged.push((order, at));
                    }
                    Err(error) => {
                        failed = true;
                        if streams[stream].outcome.error.is_none() {
                            self.cache.forget_lists(&streams[stream].name);
                            self.metrics.backend_error(
                                streams[stream].name.as_str(),
                                BackendOp::List,
                                error.code(),
                            );
                            streams[stream].fail(self.scrub(error));
                        }
                    }
                }
            }
            if !failed {
                break merged;
            }
        };
        let total_count = streams
            .iter()
            .try_fold(0u64, |sum, s| if s.exact_total { s.total.map(|t| sum + t) } else { None });
        let now: Vec<(usize, usize)> = streams.iter().map(|s| (s.page, s.index)).collect();
        let mut backends = Vec::with_capacity(streams.len());
        let mut bases = Vec::with_capacity(streams.len());
        for stream in streams {
            bases.push(StreamBasis {
                name: stream.name,
                page_size: stream.position.page_size,
                total: if stream.exact_total { stream.total } else { None },
                finished: stream.outcome.error.is_some() || stream.position.done,
                edge: stream.position.edge.clone(),
                pages: stream.pages.into_iter().map(|p| (p.token, p.rows, p.next)).collect(),
            });
            backends.push(stream.outcome);
        }
        let basis = Arc::new(CursorBasis { state, streams: bases, key: self.cursor_key.clone() });
        let has_next_page =
            basis.streams.iter().zip(&now).any(|(s, (page, index))| !s.position(*page, *index).done);
        let edges: Vec<(Arc<Order>, EdgeCursor)> =
            merged.into_iter().map(|(order, at)| (order, EdgeCursor { basis: basis.clone(), at })).collect();
        // A page without orders that has more (a backend stopped at the scan bound) still moves the walk on.
        let end_cursor = match edges.last() {
            Some((_, cursor)) => Some(cursor.encode()),
            None if has_next_page => Some(basis.encode(&now)),
            None => after.map(str::to_string),
        };
        Ok(OrdersPage { edges, has_next_page, end_cursor, total_count, backends })
    }

    /// The backends a filter selects; an unknown name is bad user input.
    fn select_backends(&self, filter: &OrderFilter) -> Result<Vec<Arc<dyn OrderBackend>>> {
        match &filter.backends {
            None => Ok(self.registry.iter().cloned().collect()),
            Some(names) => names
                .iter()
                .map(|name| {
                    self.registry.get(name).cloned().ok_or_else(|| {
                        Error::BadUserInput(format!("filter.backends: no backend named {:?}", name.as_str()))
                    })
                })
                .collect(),
        }
    }

    /// Reads one backend from `position` until `want` orders are buffered or it has no more, within the
    /// deadline.
    async fn fetch_stream(
        &self,
        backend: Arc<dyn OrderBackend>,
        position: BackendPosition,
        asked: Asked<'_>,
        want: usize,
        deadline: Instant,
    ) -> BackendStream {
        let Asked { filter, filter_key, detail } = asked;
        let started = Instant::now();
        let name = backend.name().clone();
        let mut stream = BackendStream {
            name: name.clone(),
            position: position.clone(),
            pages: Vec::new(),
            page: 0,
            index: 0,
            total: position.total,
            exact_total: position.total.is_some(),
            limited: false,
            frontier: None,
            outcome: BackendOutcome {
                backend: name.clone(),
                error: None,
                duration: Duration::ZERO,
                cached: true,
                scan_limit: None,
            },
        };
        if position.done {
            stream.outcome.cached = false;
            stream.outcome.duration = started.elapsed();
            return stream;
        }
        let engine_filters = engine_filters(filter, &backend.pushdown());
        // Rows the engine filters are read in full here; otherwise only the page's kept rows are read, and no
        // further than `detail` says.
        let summaries = detail == Detail::Summary && !engine_filters;
        let work = async {
            let mut token = position.token.clone();
            let mut buffered = 0usize;
            let mut first_page = true;
            let mut scanned = 0usize;
            loop {
                let key = ListKey {
                    backend: name.clone(),
                    filter: filter_key.clone(),
                    page_size: position.page_size,
                    token: token.clone(),
                    summaries,
                };
                let request = ListRequest {
                    filter: filter.clone(),
                    page_size: position.page_size,
                    continuation: token.clone(),
                    summaries,
                };
                // The call runs in the request's task rather than on a task of its own: a spawned call cost each
                // answer one more trip through the run queue, and under load that trip's wait showed in every
                // request's latency.
                let list =
                    self.observed(&name, BackendOp::List, self.request_timeout, backend.list(&request));
                let (page, cached) = self.cache.list_page(key, list).await?;
                stream.outcome.cached &= cached;
                if first_page && position.token.is_none() {
                    stream.total = page.total;
                }
                if let Some(last) = page.rows.last() {
                    stream.frontier = Some(last.clone());
                }
                let rows = unreturned(&page.rows, position.edge.as_ref())?;
                let rows =
                    if engine_filters { self.apply_filter(&backend, filter, &rows).await? } else { rows };
                buffered += rows.len();
                scanned += 1;
                let next = page.next.clone();
                stream.pages.push(FetchedPage::new(token.clone(), rows, next.clone()));
                first_page = false;
                if buffered >= want || next.is_none() {
                    return Ok::<(), Error>(());
                }
                if scanned >= self.max_scan_pages {
                    // Past the bound the page ends here; the cursor continues after the pages read.
                    stream.limited = true;
                    stream.outcome.scan_limit = Some(scanned);
                    return Ok(());
                }
                token = next;
            }
        };
        let remaining = deadline.saturating_duration_since(Instant::now());
        let result = match tokio::time::timeout(remaining, work).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout { backend: name.to_string(), timeout: self.request_timeout }),
        };
        if position.token.is_none() && position.edge.is_none() && position.total.is_none() {
            stream.exact_total = !engine_filters && stream.total.is_some();
        }
        if let Err(error) = result {
            stream.fail(self.scrub(error));
        }
        // A first page left empty (every row already returned or filtered out) moves on to the next.
        stream.advance_past_empty();
        stream.outcome.duration = started.elapsed();
        stream
    }

    /// Applies the filter fields the backend did not push down, decoding every row and loading full orders
    /// first when the list rows lack what a filter reads (customer e-mail, tags). A row that does not decode
    /// fails the backend's page.
    async fn apply_filter(
        &self,
        backend: &Arc<dyn OrderBackend>,
        filter: &OrderFilter,
        rows: &[Arc<ListRow>],
    ) -> Result<Vec<Arc<ListRow>>> {
        let mut orders = Vec::with_capacity(rows.len());
        for row in rows {
            orders.push(row.order().await?);
        }
        let pushed = backend.pushdown();
        let needs_full = orders.iter().any(|o| {
            (filter.needs_customer(&pushed) && !o.known.customer_email)
                || (filter.needs_tags(&pushed) && !o.known.tags)
        });
        let full: HashMap<_, Arc<Order>> = if needs_full {
            let ids: Vec<_> = orders.iter().filter(|o| !o.known.is_full()).map(|o| o.id.clone()).collect();
            let mut loaded = HashMap::new();
            for (id, lookup) in self.load_many(&ids).await {
                if let Some(order) = lookup? {
                    loaded.insert(id, order);
                }
            }
            loaded
        } else {
            HashMap::new()
        };
        let mut out = Vec::with_capacity(orders.len());
        for (row, order) in rows.iter().zip(&orders) {
            match full.get(&order.id) {
                Some(full) if filter.matches(full, &pushed) => {
                    out.push(Arc::new(ListRow::ready(full.clone())))
                }
                Some(_) => {}
                None if filter.matches(order, &pushed) => out.push(row.clone()),
                None => {}
            }
        }
        Ok(out)
    }
}

/// Whether the engine applies part of `filter` itself to a backend that applies `pushed`.
fn engine_filters(filter: &OrderFilter, pushed: &crate::domain::FilterPushdown) -> bool {
    !filter.is_empty() && !filter_fully_pushed(filter, pushed)
}

fn filter_fully_pushed(filter: &OrderFilter, pushed: &crate::domain::FilterPushdown) -> bool {
    (filter.status.is_empty() || pushed.status)
        && (filter.payment_status.is_empty() || pushed.payment_status)
        && (filter.fulfillment_status.is_empty() || pushed.fulfillment_status)
        && ((filter.placed_after.is_none() && filter.placed_before.is_none()) || pushed.placed_range)
        && (filter.customer_email.is_none() || pushed.customer_email)
        && (filter.tags.is_empty() || pushed.tags)
}

#[cfg(test)]
mod tests;
