//! Mutations: validate the input, check the owning backend's capabilities (`UNSUPPORTED`, no call, when it
//! cannot), check the vendor's documented transition rules against the order's current status (read through
//! the cache; `INVALID_STATUS_TRANSITION`, no call, when they refuse), call the backend once (never retried),
//! invalidate the cache, and re-read the order so the payload shows its new state. Also the store behind the
//! `Idempotency-Key` header. Messages use the API's words: unified statuses as the GraphQL enum spells them.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use rust_decimal::Decimal;

use super::Engine;
use crate::domain::{
    Cancellation, Link, Order, OrderBackend, OrderId, OrderStatus, StatusChange, Transition, api_list,
};
use crate::error::{Error, Result};
use crate::metrics::BackendOp;

/// Longest tag accepted.
pub const MAX_TAG_LEN: usize = 100;
/// Most tags in one call.
pub const MAX_TAGS: usize = 50;
/// Longest free text (reason, external id) accepted.
pub const MAX_TEXT_LEN: usize = 500;

impl Engine {
    /// `updateOrderStatus`. A target outside the backend's capabilities is `UNSUPPORTED`; a transition its
    /// documented rules refuse is `INVALID_STATUS_TRANSITION`; neither makes a call that changes anything.
    pub async fn update_status(&self, id: &str, change: StatusChange) -> Result<Applied> {
        let (id, backend) = self.resolve(id)?;
        if change.reason.as_deref().is_some_and(|r| r.chars().count() > MAX_TEXT_LEN) {
            return Err(Error::invalid_input(
                &["input", "reason"],
                format!("at most {MAX_TEXT_LEN} characters"),
            ));
        }
        let reachable = backend.capabilities().update_status_to;
        if !reachable.contains(&change.status) {
            if reachable.is_empty() {
                return Err(backend.unsupported("updateOrderStatus"));
            }
            let hint = if change.status == OrderStatus::Cancelled { "; use cancelOrder" } else { "" };
            return Err(backend.unsupported(&format!(
                "updateOrderStatus to {} (it can set {}{hint})",
                change.status,
                api_list(&reachable)
            )));
        }
        let transition = Transition::To(change.status);
        self.mutate(&id, &backend, Some(transition), backend.update_status(&id.native, &change)).await
    }

    /// `cancelOrder`. Cancelling an order that is already CANCELLED is `INVALID_STATUS_TRANSITION` on every
    /// backend, without a call (the order is read first, through the cache).
    pub async fn cancel(&self, id: &str, cancellation: Cancellation) -> Result<Applied> {
        let (id, backend) = self.resolve(id)?;
        let reason = cancellation.reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid_input(&["input", "reason"], "a reason is required"));
        }
        if reason.chars().count() > MAX_TEXT_LEN {
            return Err(Error::invalid_input(
                &["input", "reason"],
                format!("at most {MAX_TEXT_LEN} characters"),
            ));
        }
        if cancellation.refund_amount.is_some_and(|amount| amount < Decimal::ZERO) {
            return Err(Error::invalid_input(&["input", "refundAmount"], "must not be negative"));
        }
        let capabilities = backend.capabilities();
        if !capabilities.cancel {
            return Err(backend.unsupported("cancelOrder"));
        }
        if cancellation.refund_amount.is_some() && !capabilities.refund_on_cancel {
            return Err(backend.unsupported("cancelOrder with refundAmount"));
        }
        let cancellation = Cancellation { reason: reason.to_string(), ..cancellation };
        let call = backend.cancel(&id.native, &cancellation);
        self.mutate(&id, &backend, Some(Transition::Cancel), call).await
    }

    /// `linkOrder`.
    pub async fn link(&self, id: &str, link: Link) -> Result<Applied> {
        let (id, backend) = self.resolve(id)?;
        let external = link.external_order_id.trim();
        if external.is_empty() {
            return Err(Error::invalid_input(&["input", "externalOrderId"], "must not be empty"));
        }
        if external.chars().count() > MAX_TEXT_LEN {
            return Err(Error::invalid_input(
                &["input", "externalOrderId"],
                format!("at most {MAX_TEXT_LEN} characters"),
            ));
        }
        if !backend.capabilities().link {
            return Err(backend.unsupported("linkOrder"));
        }
        let link = Link { external_order_id: external.to_string(), platform: link.platform };
        self.mutate(&id, &backend, None, backend.link(&id.native, &link)).await
    }

    /// `addOrderTags` (`add = true`) and `removeOrderTags`.
    pub async fn change_tags(&self, id: &str, tags: Vec<String>, add: bool) -> Result<Applied> {
        let (id, backend) = self.resolve(id)?;
        let tags = validate_tags(tags)?;
        let capabilities = backend.capabilities();
        if add && !capabilities.add_tags {
            return Err(backend.unsupported("addOrderTags"));
        }
        if !add && !capabilities.remove_tags {
            return Err(backend.unsupported("removeOrderTags"));
        }
        let applied = if add {
            self.mutate(&id, &backend, None, backend.add_tags(&id.native, &tags)).await?
        } else {
            self.mutate(&id, &backend, None, backend.remove_tags(&id.native, &tags)).await?
        };
        match &applied.order {
            Some(order) if !tags_show_change(order, &tags, add) => Err(Error::Conflict {
                backend: id.backend.to_string(),
                message: format!(
                    "the order's tags after the change ({}) do not show it: another client changed them at the \
                     same time; retry",
                    order.tags.join(", ")
                ),
            }),
            _ => Ok(applied),
        }
    }

    /// Runs a backend mutation, then invalidates and re-reads the order. Mutations of one order run one at a
    /// time (a read-modify-write such as MerchantPro's tags would otherwise lose a concurrent change). With a
    /// `transition`, the rules are checked first, under the same lock ([`Engine::check_transition`]). A change
    /// the backend accepted is `Applied` even when the re-read then fails (the order is then unknown).
    async fn mutate<F>(
        &self,
        id: &OrderId,
        backend: &Arc<dyn OrderBackend>,
        transition: Option<Transition>,
        call: F,
    ) -> Result<Applied>
    where
        F: std::future::Future<Output = Result<()>>,
    {
        let lock = self.order_locks.get_with(id.clone(), || Arc::new(tokio::sync::Mutex::new(())));
        let _one_at_a_time = lock.lock().await;
        if let Some(transition) = transition {
            self.check_transition(id, backend, transition).await?;
        }
        let outcome = self.observed(backend.name(), BackendOp::Mutate, self.request_timeout, call).await;
        // Whatever happened, the order may have changed: forget what we knew.
        self.cache.invalidate(id).await;
        outcome?;
        match self.order(id).await {
            Ok(Some(order)) => Ok(Applied { order: Some(order) }),
            Ok(None) => {
                tracing::warn!(order = %id, "the change was applied, but the order is not found on re-reading it");
                Ok(Applied { order: None })
            }
            Err(error) => {
                tracing::warn!(order = %id, code = error.code(), %error, "the change was applied; re-reading failed");
                Ok(Applied { order: None })
            }
        }
    }

    /// Refuses `transition` when the order's current status does not allow it: a cancellation of an order
    /// already CANCELLED (every backend), or what the vendor's documented rules refuse
    /// ([`OrderBackend::refusal`]). Nothing is read when neither applies. The order is read through the cache;
    /// a refusal decided on a cached copy is confirmed on a fresh read first, so a stale cache never refuses a
    /// change the backend would make.
    async fn check_transition(
        &self,
        id: &OrderId,
        backend: &Arc<dyn OrderBackend>,
        transition: Transition,
    ) -> Result<()> {
        if transition != Transition::Cancel && !backend.checks_transition(transition) {
            return Ok(());
        }
        let cached = self.cache.order(id).await;
        let from_cache = cached.is_some();
        let current = match cached {
            Some(order) => order,
            None => self.current(id).await?,
        };
        let Some(mut why) = refusal(backend.as_ref(), &current, transition) else { return Ok(()) };
        if from_cache {
            self.cache.invalidate(id).await;
            let fresh = self.current(id).await?;
            match refusal(backend.as_ref(), &fresh, transition) {
                Some(fresh) => why = fresh,
                None => return Ok(()),
            }
        }
        Err(Error::InvalidStatusTransition { backend: id.backend.to_string(), message: why })
    }

    /// The order as the backend has it now (`NOT_FOUND` when it has none).
    async fn current(&self, id: &OrderId) -> Result<Arc<Order>> {
        self.order(id)
            .await?
            .ok_or_else(|| Error::NotFound { backend: id.backend.to_string(), id: id.native.to_string() })
    }
}

/// Why `transition` is refused for `order`, in the API's words; `None` when it is allowed.
fn refusal(backend: &dyn OrderBackend, order: &Order, transition: Transition) -> Option<String> {
    let status = &order.status;
    let now =
        format!("order {} is {} ({} status {:?})", order.id, status.order, backend.kind(), status.native);
    if transition == Transition::Cancel && status.order == OrderStatus::Cancelled {
        return Some(format!("{now}: it is already cancelled"));
    }
    let why = backend.refusal(status, transition)?;
    Some(match transition {
        Transition::To(target) => format!("{now} and cannot be set to {target}: {why}"),
        Transition::Cancel => format!("{now} and cannot be cancelled: {why}"),
    })
}

/// A change the backend accepted, and the order as re-read afterwards (`None` when that failed).
#[derive(Clone, Debug)]
pub struct Applied {
    /// The order after the change.
    pub order: Option<Arc<Order>>,
}

/// Whether `order`'s tags show the change: every tag added is there, or every tag removed is gone (compared
/// without case, as the validation deduplicates). A change that does not show was overwritten by another client
/// outside the gateway between the backend's read and its write.
fn tags_show_change(order: &Order, tags: &[String], add: bool) -> bool {
    tags.iter().all(|tag| order.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) == add)
}

/// Trims tags, drops duplicates, and refuses empty or over-long ones.
fn validate_tags(tags: Vec<String>) -> Result<Vec<String>> {
    if tags.is_empty() {
        return Err(Error::invalid_input(&["input", "tags"], "at least one tag is required"));
    }
    if tags.len() > MAX_TAGS {
        return Err(Error::invalid_input(&["input", "tags"], format!("at most {MAX_TAGS} tags at once")));
    }
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for (i, tag) in tags.iter().enumerate() {
        let tag = tag.trim();
        let field = ["input".to_string(), "tags".to_string(), i.to_string()];
        if tag.is_empty() {
            return Err(Error::InvalidInput {
                field: field.to_vec(),
                message: "a tag must not be empty".into(),
            });
        }
        if tag.chars().count() > MAX_TAG_LEN {
            return Err(Error::InvalidInput {
                field: field.to_vec(),
                message: format!("a tag has at most {MAX_TAG_LEN} characters"),
            });
        }
        if tag.contains(',') {
            return Err(Error::InvalidInput {
                field: field.to_vec(),
                message: "a tag must not contain a comma".into(),
            });
        }
        if !out.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            out.push(tag.to_string());
        }
    }
    Ok(out)
}

/// What an `Idempotency-Key` remembers: the request body's hash and the first answer.
#[derive(Clone, Debug)]
pub struct Remembered {
    /// SHA-256 of the request body.
    pub body_hash: [u8; 32],
    /// The first answer's body.
    pub response: Bytes,
}

/// Keys of `Idempotency-Key` requests with their first answers, kept 24 h within a byte budget (each entry
/// weighs its key and answer; the least used go first when the budget is reached).
#[derive(Clone)]
pub struct IdempotencyStore {
    entries: moka::future::Cache<String, Arc<Remembered>>,
}

impl Default for IdempotencyStore {
    fn default() -> Self {
        IdempotencyStore::new(Duration::from_secs(24 * 3600), crate::config::DEFAULT_IDEMPOTENCY_BYTES)
    }
}

impl IdempotencyStore {
    /// A store keeping keys for `ttl`, their answers within `max_bytes`.
    pub fn new(ttl: Duration, max_bytes: u64) -> Self {
        let weigh = |key: &String, value: &Arc<Remembered>| {
            u32::try_from(key.len() + value.response.len() + 64).unwrap_or(u32::MAX)
        };
        IdempotencyStore {
            entries: moka::future::Cache::builder()
                .time_to_live(ttl)
                .max_capacity(max_bytes)
                .weigher(weigh)
                .build(),
        }
    }

    /// Runs `execute` once per key: a repeat with the same body gets the first answer without running it
    /// again (concurrent repeats wait for the first); the same key with another body is `CONFLICT`. `execute`
    /// gives the answer and whether to remember it: an answer without a backend's word on the change (the
    /// backend unreachable, timed out, rate limiting) is not remembered, and the key is free for a retry.
    pub async fn run<F>(&self, key: &str, body_hash: [u8; 32], execute: F) -> Result<Bytes>
    where
        F: std::future::Future<Output = (Bytes, bool)>,
    {
        let mut released = None;
        let entry = self
            .entries
            .entry(key.to_string())
            .or_optionally_insert_with(async {
                let (response, keep) = execute.await;
                if keep {
                    Some(Arc::new(Remembered { body_hash, response }))
                } else {
                    released = Some(response);
                    None
                }
            })
            .await;
        let Some(entry) = entry else {
            return released.ok_or_else(|| Error::Internal("an idempotent request gave no answer".into()));
        };
        let remembered = entry.into_value();
        if remembered.body_hash != body_hash {
            return Err(Error::Conflict {
                backend: String::new(),
                message: "this Idempotency-Key was already used with another request body".into(),
            });
        }
        Ok(remembered.response.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Tags are trimmed and deduplicated; empty, over-long and comma tags are INVALID_INPUT with the field.
    #[test]
    fn tag_validation() {
        assert_eq!(
            validate_tags(vec![" vip ".into(), "VIP".into(), "gift".into()]).unwrap(),
            vec!["vip", "gift"]
        );
        let err = validate_tags(vec!["ok".into(), "  ".into()]).unwrap_err();
        assert_eq!(err.field().unwrap(), ["input", "tags", "1"]);
        assert!(validate_tags(vec!["x".repeat(101)]).is_err());
        assert!(validate_tags(vec!["a,b".into()]).is_err());
        assert!(validate_tags(vec![]).is_err());
    }

    // The same key and body runs once; another body with the key is a conflict; an answer without the backend's
    // word is not remembered.
    #[tokio::test]
    async fn idempotency_runs_once() {
        let store = IdempotencyStore::default();
        let runs = std::sync::atomic::AtomicUsize::new(0);
        let run = |keep: bool| {
            let runs = &runs;
            async move {
                let n = runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                (Bytes::from(format!("answer {n}")), keep)
            }
        };
        assert_eq!(store.run("k", [1; 32], run(true)).await.unwrap(), "answer 0");
        assert_eq!(store.run("k", [1; 32], run(true)).await.unwrap(), "answer 0");
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert!(matches!(store.run("k", [2; 32], run(true)).await, Err(Error::Conflict { .. })));
        // An answer not to be remembered leaves the key free: the retry runs, and is remembered.
        assert_eq!(store.run("r", [1; 32], run(false)).await.unwrap(), "answer 1");
        assert_eq!(store.run("r", [1; 32], run(true)).await.unwrap(), "answer 2");
        assert_eq!(store.run("r", [1; 32], run(true)).await.unwrap(), "answer 2");
    }
}
