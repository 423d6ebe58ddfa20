//! How many backend calls one client request may make ([`CallBudget`]): the server runs each HTTP request (a
//! batch and all its aliases together) inside [`with_call_budget`], and every backend call takes one from it
//! ([`take_call`]); past the budget the call is not made and fails with `QUERY_TOO_COMPLEX`. Calls made
//! outside a budget's scope (tests driving the engine directly, `/readyz`) are not counted.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, Result};

/// The calls left to one request.
#[derive(Debug)]
pub struct CallBudget {
    max: usize,
    used: AtomicUsize,
}

tokio::task_local! {
    static BUDGET: Arc<CallBudget>;
}

/// Runs `work` (one HTTP request's execution) with at most `max` backend calls.
pub async fn with_call_budget<F: Future>(max: usize, work: F) -> F::Output {
    BUDGET.scope(Arc::new(CallBudget { max, used: AtomicUsize::new(0) }), work).await
}

/// Takes one call from the current request's budget; `QUERY_TOO_COMPLEX` when it is spent.
pub fn take_call() -> Result<()> {
    BUDGET
        .try_with(|budget| {
            let used = budget.used.fetch_add(1, Ordering::Relaxed);
            if used < budget.max {
                Ok(())
            } else {
                Err(Error::QueryTooComplex(format!(
                    "this request needs more than {} backend calls (server.max_backend_calls); ask for fewer \
                     orders, aliases or operations at once",
                    budget.max
                )))
            }
        })
        .unwrap_or(Ok(()))
}

/// Backend calls taken so far by the current request (0 outside one).
pub fn calls_taken() -> usize {
    BUDGET.try_with(|budget| budget.used.load(Ordering::Relaxed)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_budget_counts_its_calls() {
        assert!(take_call().is_ok(), "no budget outside a request");
        with_call_budget(2, async {
            assert!(take_call().is_ok() && take_call().is_ok());
            assert!(matches!(take_call(), Err(Error::QueryTooComplex(_))));
            assert_eq!(calls_taken(), 3);
        })
        .await;
    }
}
