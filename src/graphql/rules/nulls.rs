//! Field errors as GraphQL specifies them: a field whose resolver fails is `null` with its error in
//! `errors`; a failed non-null field makes its parent `null` instead, up to the nearest nullable field (or
//! `data` itself). async-graphql 7 drops a failed field from its parent object instead (its containers
//! record the error and leave the key out), so a client such as Apollo's finds requested fields missing.
//!
//! [`Nulls::settle`] runs around every field and list item (the extension's `resolve` hook): a failure is
//! recorded here and answered with `null`, so async-graphql never sees it; a non-null failure marks its
//! parent's path, which the parent's own `settle` finds when it completes (children always complete before
//! their parent). [`Nulls::finish`] adds the recorded errors to the response and nulls `data` when a
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
    /// Paths (dotted, as `QueryPathNode` displays them) of fields or list items one of whose non-null
    /// children failed.
    failed_children: HashSet<String>,
    /// A non-null root field failed: `data` is `null`.
    data_null: bool,
}

impl Nulls {
    /// The value a field (or list item) at `path` answers, given how its resolution went and whether its type
    /// is nullable (`return_type` without a trailing `!`).
    pub fn settle(
        &self,
        result: ServerResult<Option<Value>>,
        return_type: &str,
        path: &QueryPathNode<'_>,
    ) -> ServerResult<Option<Value>> {
        let error = match result {
            Ok(value) if self.pending.load(Ordering::Acquire) == 0 => return Ok(value),
            Ok(value) => {
                let mut state = self.lock();
                if !state.failed_children.remove(&path.to_string()) {
                    return Ok(value);
                }
                self.pending.fetch_sub(1, Ordering::AcqRel);
                None
            }
            Err(error) => Some(error),
        };
        let mut state = self.lock();
        if let Some(mut error) = error {
            if error.path.is_empty() {
                error.path = segments(path);
            }
            state.errors.push(error);
        }
        if !return_type.ends_with('!') {
            return Ok(Some(Value::Null));
        }
        match path.parent {
            Some(parent) => {
                if state.failed_children.insert(parent.to_string()) {
                    self.pending.fetch_add(1, Ordering::AcqRel);
                }
            }
            None => state.data_null = true,
        }
        // The parent answers null in its turn, so this value is never seen.
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
