//! Field errors as GraphQL specifies them: a field whose resolver fails is `null` with its error in
//! `errors`; a failed non-null field makes its parent `null` instead, up to the nearest nullable field (or
//! `data` itself). async-graphql 7 drops a failed field from its parent object instead (its containers
//! record the error and leave the key out), so a client such as Apollo's finds requested fields missing.
//!
//! [`Nulls::settle`] runs around every field and list item (the extension's `resolve` hook): a failure is
//! recorded here and answered with `null`, so async-graphql never sees it; a non-null failure marks its
//! parent's path (a failed list item marks its list), which the parent's own `settle` finds when it
//! completes (children always complete before their parent). [`Nulls::finish`] adds the recorded errors to the response and nulls `data` when a
//! non-null root field failed.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::{
    PathSegment, QueryPathNode, QueryPathSegment, Response, ServerError, ServerResult, Value,
};

/// One request's field failures.
#[derive(Default)]
pub struct Nulls {
    /// How many entries `state.failed_children` holds: a field completing while it is 0 has nothing to check.
    pending: AtomicUsize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    errors: Vec<ServerError>,
    /// Paths (dotted, as `QueryPathNode` displays them) of fields and list items one of whose non-null
    /// fields failed: they fail in their turn.
    failed_children: HashSet<String>,
    /// Paths of list fields one of whose items failed. async-graphql gives a list item the wrong type (it
    /// resolves the items by reference, and `&Option<T>` claims to be non-null), so the list field, which has
    /// its declared type, decides: with nullable items the item stays `null`, otherwise the list fails.
    failed_items: HashSet<String>,
    /// A non-null root field failed: `data` is `null`.
    data_null: bool,
}

impl Nulls {
    /// The value a field or list item at `path` answers, given how its resolution went and its declared type
    /// (`return_type`, ending in `!` when non-null; meaningful for fields only).
    pub fn settle(
        &self,
        result: ServerResult<Option<Value>>,
        return_type: &str,
        path: &QueryPathNode<'_>,
    ) -> ServerResult<Option<Value>> {
        let (value, error) = match result {
            Ok(value) if self.pending.load(Ordering::Acquire) == 0 => return Ok(value),
            Ok(value) => (value, None),
            Err(error) => (None, Some(error)),
        };
        let item = matches!(path.segment, QueryPathSegment::Index(_));
        let mut state = self.lock();
        if error.is_none() {
            let key = path.to_string();
            let child_failed = state.failed_children.remove(&key);
            let item_failed = state.failed_items.remove(&key);
            let removed = usize::from(child_failed) + usize::from(item_failed);
            if removed > 0 {
                self.pending.fetch_sub(removed, Ordering::AcqRel);
            }
            let items_nullable = !item && !element_type(return_type).ends_with('!');
            if !child_failed && (!item_failed || items_nullable) {
                return Ok(value);
            }
        }
        if let Some(mut error) = error {
            if error.path.is_empty() {
                error.path = segments(path);
            }
            state.errors.push(error);
        }
        let mark = |set: &mut HashSet<String>, key: String| {
            if set.insert(key) {
                self.pending.fetch_add(1, Ordering::AcqRel);
            }
        };
        match path.parent {
            Some(list) if item => mark(&mut state.failed_items, list.to_string()),
            _ if !return_type.ends_with('!') => {}
            Some(parent) => mark(&mut state.failed_children, parent.to_string()),
            None => state.data_null = true,
        }
        // Null here; a non-null field's parent (or list) answers null in its turn, so it is never seen.
        Ok(Some(Value::Null))
    }

    /// Adds the recorded errors to `response`, and nulls its `data` when a non-null root field failed.
    pub fn finish(&self, response: &mut Response) {
        let mut state = self.lock();
        response.errors.append(&mut state.errors);
        if state.data_null {
            response.data = Value::Null;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The type of a list type's items: `[Order!]!` gives `Order!`.
fn element_type(list: &str) -> &str {
    let list = list.strip_suffix('!').unwrap_or(list);
    list.strip_prefix('[').and_then(|inner| inner.strip_suffix(']')).unwrap_or(list)
}

/// A path as an error carries it.
fn segments(path: &QueryPathNode<'_>) -> Vec<PathSegment> {
    let mut segments = Vec::new();
    let mut node = Some(path);
    while let Some(current) = node {
        segments.push(match current.segment {
            QueryPathSegment::Name(name) => PathSegment::Field(name.to_string()),
            QueryPathSegment::Index(index) => PathSegment::Index(index),
        });
        node = current.parent;
    }
    segments.reverse();
    segments
}
