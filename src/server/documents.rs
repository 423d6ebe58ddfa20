//! Parsed GraphQL documents kept by their text, so that a client sending the same query again (as every client
//! does) is not parsed again: parsing is the largest part of a cached answer's cost. Bounded by bytes: each
//! document weighs its text times [`WEIGHT_PER_BYTE`] (what a parsed document holds per byte of text, about),
//! and the cache holds at most its budget.

use std::sync::Arc;

use async_graphql::Request;
use async_graphql::parser::types::ExecutableDocument;
use moka::sync::Cache;

/// The parsed document's estimated size per byte of its text.
pub const WEIGHT_PER_BYTE: u64 = 16;

/// Parsed documents by their text.
#[derive(Clone)]
pub struct Documents {
    cache: Cache<Arc<str>, Arc<ExecutableDocument>>,
}

impl Documents {
    /// A cache of at most `budget_bytes` (estimated) of parsed documents.
    pub fn new(budget_bytes: u64) -> Self {
        let cache = Cache::builder()
            .max_capacity(budget_bytes)
            .weigher(|text: &Arc<str>, _| {
                u32::try_from((text.len() as u64).saturating_mul(WEIGHT_PER_BYTE)).unwrap_or(u32::MAX)
            })
            .build();
        Documents { cache }
    }

    /// Gives `request` its parsed document: the kept one for the same text, or parsed now and kept when it
    /// parses. A request without a query (an Apollo persisted-query hash) is left to its extension, and a
    /// document that does not parse is left for execution to report.
    pub fn prepare(&self, request: &mut Request) {
        if request.query.is_empty() {
            return;
        }
        if let Some(document) = self.cache.get(request.query.as_str()) {
            request.set_parsed_query((*document).clone());
            return;
        }
        if let Ok(document) = request.parsed_query() {
            let document = Arc::new(document.clone());
            self.cache.insert(Arc::from(request.query.as_str()), document);
        }
    }

    /// Documents held.
    pub fn entries(&self) -> u64 {
        self.cache.run_pending_tasks();
        self.cache.entry_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The same text parses once and is kept; a second request gets the same document; a document that does
    // not parse is not kept; the budget bounds what is kept.
    #[test]
    fn documents_are_kept_by_text_within_the_budget() {
        let documents = Documents::new(1 << 20);
        let mut first = Request::new("{ a: backends { name } }");
        documents.prepare(&mut first);
        assert_eq!(documents.entries(), 1);
        let mut second = Request::new("{ a: backends { name } }");
        documents.prepare(&mut second);
        assert_eq!(documents.entries(), 1);
        let parsed = second.parsed_query().map(|d| d.operations.iter().count());
        assert_eq!(parsed.ok(), Some(1));
        documents.prepare(&mut Request::new("{ broken"));
        assert_eq!(documents.entries(), 1);

        let small = Documents::new(WEIGHT_PER_BYTE * 100);
        small.prepare(&mut Request::new(format!("{{ backends {{ name }} }} # {}", "x".repeat(200))));
        assert_eq!(small.entries(), 0, "a document over the budget is not kept");
    }
}
