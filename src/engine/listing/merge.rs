//! The merge of the backends' streams: each backend's fetched pages, their rows put in merge order as far as
//! the merge reaches, and the merge itself, newest first.

use std::sync::Arc;

use super::{BackendOutcome, BackendPosition};
use crate::domain::{BackendName, ListRow};
use crate::error::{Error, Result};

/// A page of one backend as fetched: its token, the (filtered) rows, the next token.
pub(super) struct FetchedPage {
    pub(super) token: Option<String>,
    pub(super) rows: Vec<Arc<ListRow>>,
    pub(super) next: Option<String>,
    /// The rows before this index are in merge order for good ([`FetchedPage::settle`]).
    pub(super) ordered: usize,
}

impl FetchedPage {
    pub(super) fn new(token: Option<String>, rows: Vec<Arc<ListRow>>, next: Option<String>) -> Self {
        FetchedPage { token, rows, next, ordered: 0 }
    }

    /// Makes row `index` a candidate head: the rows before it in merge order for good, its key read. A row
    /// newer than the one before it (a backend not keeping its newest-first order) has every key of the rest
    /// read and the rest sorted.
    pub(super) fn settle(&mut self, index: usize) -> Result<()> {
        while self.ordered < index && self.ordered < self.rows.len() {
            self.settle_run()?;
        }
        let Some(row) = self.rows.get(index) else { return Ok(()) };
        let placed_at = row.placed_at()?;
        if index == self.ordered && index > 0 && placed_at > self.rows[index - 1].placed_at()? {
            return self.sort_rest();
        }
        Ok(())
    }

    /// Puts the run of orders placed at the instant of row `ordered` in merge order (by id), reading the keys
    /// of the rows after it only as far as the run goes. Backends list newest first, so a page's keys are read
    /// only as far as the merge reaches; rows past its reach are never read, so their order is not checked.
    pub(super) fn settle_run(&mut self) -> Result<()> {
        let start = self.ordered;
        let Some(first) = self.rows.get(start) else { return Ok(()) };
        let instant = first.placed_at()?;
        let mut end = start + 1;
        while let Some(row) = self.rows.get(end) {
            let placed_at = row.placed_at()?;
            if placed_at > instant {
                return self.sort_rest();
            }
            if placed_at != instant {
                break;
            }
            end += 1;
        }
        // Every key of the run was read above.
        self.rows[start..end].sort_by(|a, b| a.sort_key().ok().cmp(&b.sort_key().ok()));
        self.ordered = end;
        Ok(())
    }

    /// Sorts the rows not yet in order, every key read first.
    pub(super) fn sort_rest(&mut self) -> Result<()> {
        let rest = &mut self.rows[self.ordered..];
        for row in rest.iter() {
            row.key()?;
        }
        rest.sort_by(|a, b| a.sort_key().ok().cmp(&b.sort_key().ok()));
        self.ordered = self.rows.len();
        Ok(())
    }
}

/// What one backend contributed: its pages from the cursor position on, or its error.
pub(super) struct BackendStream {
    pub(super) name: BackendName,
    pub(super) position: BackendPosition,
    pub(super) pages: Vec<FetchedPage>,
    /// Index of the page and of the order within it that comes next.
    pub(super) page: usize,
    pub(super) index: usize,
    pub(super) total: Option<u64>,
    pub(super) exact_total: bool,
    /// Stopped reading at the scan bound with more to read. Once its rows run out, the merged page takes no row
    /// older than `frontier`, the last row it read (kept or not), or none at all without one: its unread
    /// orders may be newer.
    pub(super) limited: bool,
    /// The last row read, filtered out or not.
    pub(super) frontier: Option<Arc<ListRow>>,
    pub(super) outcome: BackendOutcome,
}

impl BackendStream {
    pub(super) fn head(&self) -> Option<&Arc<ListRow>> {
        self.pages.get(self.page).and_then(|p| p.rows.get(self.index))
    }

    /// Makes the head a candidate: its key read, the rows before it in order.
    pub(super) fn settle_head(&mut self) -> Result<()> {
        match self.pages.get_mut(self.page) {
            Some(page) => page.settle(self.index),
            None => Ok(()),
        }
    }

    /// Puts the head in place once it is chosen: the orders placed at its instant ordered by id, so no row
    /// after it in the stream comes before it.
    pub(super) fn settle_head_run(&mut self) -> Result<()> {
        match self.pages.get_mut(self.page) {
            Some(page) if page.ordered <= self.index => page.settle_run(),
            _ => Ok(()),
        }
    }

    /// The backend failed (a call, or a row that did not decode): it contributes nothing to this page.
    pub(super) fn fail(&mut self, error: Error) {
        tracing::warn!(backend = %self.name, code = error.code(), %error, "backend failed during listing");
        self.pages.clear();
        self.outcome.error = Some(error);
        self.outcome.cached = false;
        self.exact_total = false;
    }

    pub(super) fn advance(&mut self) {
        self.index += 1;
        while let Some(page) = self.pages.get(self.page) {
            if self.index < page.rows.len() || self.page + 1 >= self.pages.len() {
                break;
            }
            self.page += 1;
            self.index = 0;
        }
    }
}

/// `(page, index)` of each stream's next row.
pub(super) type Positions = Box<[(usize, usize)]>;

/// Rows merged, each with the index of its stream and the streams' positions after it.
pub(super) type Merged = Vec<(usize, Arc<ListRow>, Positions)>;

/// Takes up to `first` rows from the streams, newest first, each with the index of its stream and the streams'
/// positions after it; a row whose key does not read fails with its stream's index.
pub(super) fn merge(
    streams: &mut [BackendStream],
    first: usize,
) -> std::result::Result<Merged, (usize, Error)> {
    let mut merged = Vec::with_capacity(first);
    while merged.len() < first {
        for (i, stream) in streams.iter_mut().enumerate() {
            stream.settle_head().map_err(|error| (i, error))?;
        }
        // Every head is settled, so its key is read.
        let next = streams
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.head().map(|row| (i, row)))
            .min_by(|(_, a), (_, b)| a.sort_key().ok().cmp(&b.sort_key().ok()))
            .map(|(i, _)| i);
        let Some(i) = next else { break };
        let beyond_a_frontier = streams.iter().any(|s| {
            s.limited
                && s.head().is_none()
                && s.outcome.error.is_none()
                && s.frontier.as_ref().is_none_or(|frontier| {
                    streams[i].head().is_none_or(|row| row.sort_key().ok() > frontier.sort_key().ok())
                })
        });
        if beyond_a_frontier {
            break;
        }
        streams[i].settle_head_run().map_err(|error| (i, error))?;
        let row = streams[i].head().cloned();
        streams[i].advance();
        if let Some(row) = row {
            let at: Positions = streams.iter().map(|s| (s.page, s.index)).collect();
            merged.push((i, row, at));
        }
    }
    Ok(merged)
}

impl BackendStream {
    pub(super) fn advance_past_empty(&mut self) {
        while let Some(page) = self.pages.get(self.page) {
            if self.index < page.rows.len() || self.page + 1 >= self.pages.len() {
                break;
            }
            self.page += 1;
            self.index = 0;
        }
    }
}
