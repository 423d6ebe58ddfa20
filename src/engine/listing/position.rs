//! Where each backend stands after an edge of a merged page: the cursor's [`BackendPosition`]s, computed from the
//! rows the merge took, and the rows of a re-read page that a position's [`Edge`] says were returned already.

use std::sync::Arc;

use super::super::cursor::{BackendPosition, CursorKey, CursorState, Edge};
use crate::domain::{BackendName, ListRow};
use crate::error::Result;

/// What cursors need of a page's streams: the state they continue and each stream's page tokens.
#[derive(Debug)]
pub(super) struct CursorBasis {
    pub(super) state: CursorState,
    pub(super) streams: Vec<StreamBasis>,
    pub(super) key: CursorKey,
}

impl CursorBasis {
    pub(super) fn encode(&self, at: &[(usize, usize)]) -> String {
        let mut next = self.state.clone();
        for (stream, (page, index)) in self.streams.iter().zip(at) {
            next.positions.insert(stream.name.to_string(), stream.position(*page, *index));
        }
        next.encode(&self.key)
    }
}

/// One backend's stream reduced to what a position needs.
#[derive(Debug)]
pub(super) struct StreamBasis {
    pub(super) name: BackendName,
    pub(super) page_size: usize,
    /// The exact total, when the backend counted exactly.
    pub(super) total: Option<u64>,
    /// Failed, or was already done before this page.
    pub(super) finished: bool,
    /// What the backend had returned before this page.
    pub(super) edge: Option<Edge>,
    /// `(token, the rows kept, next token)` of each page fetched.
    pub(super) pages: Vec<BasisPage>,
}

/// `(token, the rows kept, next token)` of a page fetched.
type BasisPage = (Option<String>, Vec<Arc<ListRow>>, Option<String>);

impl StreamBasis {
    /// Where this backend stands when its next order is `index` of page `page`.
    pub(super) fn position(&self, page: usize, index: usize) -> BackendPosition {
        let (size, total) = (self.page_size, self.total);
        let done = BackendPosition { token: None, edge: None, page_size: size, done: true, total };
        if self.finished {
            return done;
        }
        let token = match self.pages.get(page) {
            None => return done,
            Some((token, rows, _)) if index < rows.len() => token.clone(),
            Some((_, _, Some(next))) => Some(next.clone()),
            Some((_, _, None)) => return done,
        };
        BackendPosition { token, edge: self.edge_at(page, index), page_size: size, done: false, total }
    }

    /// The edge after the orders before `index` of page `page`: the last one returned, with the ids of every
    /// order returned at its instant (the previous edge's too, when it is the same instant).
    fn edge_at(&self, page: usize, index: usize) -> Option<Edge> {
        let returned = self.pages[..page]
            .iter()
            .flat_map(|(_, rows, _)| rows.iter())
            .chain(self.pages.get(page).map_or(&[][..], |(_, rows, _)| &rows[..index.min(rows.len())]))
            .filter_map(|row| row.read_key());
        let mut edge: Option<Edge> = None;
        for (id, placed_at) in returned {
            match &mut edge {
                Some(edge) if edge.at == placed_at => edge.ids.push(id.native.as_str().to_string()),
                _ => edge = Some(Edge { at: placed_at, ids: vec![id.native.as_str().to_string()] }),
            }
        }
        match (edge, &self.edge) {
            (None, before) => before.clone(),
            (Some(mut edge), Some(before)) if before.at == edge.at => {
                edge.ids.extend(
                    before.ids.iter().filter(|id| !edge.ids.contains(id)).cloned().collect::<Vec<_>>(),
                );
                Some(edge)
            }
            (edge, _) => edge,
        }
    }
}

/// The rows not returned yet: those `edge` does not cover. Lists run newest first, so keys are read only until
/// the first row placed before the edge.
pub(super) fn unreturned(rows: &[Arc<ListRow>], edge: Option<&Edge>) -> Result<Vec<Arc<ListRow>>> {
    let Some(edge) = edge else { return Ok(rows.to_vec()) };
    let mut kept = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let (id, placed_at) = row.key()?;
        if placed_at < edge.at {
            kept.extend(rows[i..].iter().cloned());
            break;
        }
        if !edge.covers(id.native.as_str(), placed_at) {
            kept.push(row.clone());
        }
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, FixedOffset};

    use super::*;
    use crate::domain::{
        FulfillmentStatus, NativeOrderId, Order, OrderId, OrderStatus, PaymentStatus, Status,
    };

    fn at(minute: u32) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(&format!("2026-01-01T10:{minute:02}:00Z")).expect("date")
    }

    fn row(id: &str, minute: u32) -> Arc<ListRow> {
        let status =
            Status::new(OrderStatus::Pending, PaymentStatus::Pending, FulfillmentStatus::Unfulfilled, "");
        let id = OrderId::new(BackendName::parse("shop").expect("name"), NativeOrderId::new(id));
        Arc::new(ListRow::ready(Order::new(id, status, at(minute), "EUR")))
    }

    fn basis(edge: Option<Edge>, pages: Vec<BasisPage>) -> StreamBasis {
        StreamBasis {
            name: BackendName::parse("shop").expect("name"),
            page_size: 20,
            total: None,
            finished: false,
            edge,
            pages,
        }
    }

    // The edge after an edge is the last order returned with every id returned at its instant, the previous
    // edge's ids too when the instant is the same; the token is the page holding the next order, or the next
    // page's once a page is used up; nothing returned keeps the previous edge.
    #[test]
    fn positions_record_what_was_returned() {
        let before = Edge { at: at(5), ids: vec!["p".into()] };
        let pages = vec![
            (None, vec![row("a", 9), row("b", 5), row("c", 5)], Some("t2".into())),
            (Some("t2".into()), vec![row("d", 4)], None),
        ];
        let stream = basis(Some(before.clone()), pages);
        let position = stream.position(0, 2);
        assert_eq!(position.token, None);
        assert_eq!(position.edge, Some(Edge { at: at(5), ids: vec!["b".into(), "p".into()] }));
        let position = stream.position(0, 3);
        assert_eq!(position.token.as_deref(), Some("t2"));
        assert_eq!(position.edge.expect("edge").ids, ["b", "c", "p"]);
        assert_eq!(stream.position(0, 0).edge, Some(before));
        assert!(stream.position(1, 1).done, "the last page used up");

        let rows = vec![row("x", 6), row("b", 5), row("e", 5), row("f", 3)];
        let edge = Edge { at: at(5), ids: vec!["b".into()] };
        let kept: Vec<_> = unreturned(&rows, Some(&edge))
            .expect("keys")
            .iter()
            .map(|r| r.id().expect("key").native.as_str().to_string())
            .collect();
        assert_eq!(kept, ["e", "f"]);
    }
}
