//! What the caller of a request may do ([`Access`], request data set by the server from the API key): which
//! operations (scopes) and which backends. A backend outside a key's list does not exist for it: not in
//! `backends`, never asked by `orders`, and an id naming it is `INVALID_ID`, in the same words as a backend that
//! is not configured at all, naming only the backends the key sees.

use std::collections::BTreeSet;
use std::sync::Arc;

use async_graphql::Context;

use crate::config::Scope;
use crate::domain::{BackendName, OrderFilter, OrderId};
use crate::engine::Engine;
use crate::error::{Error, Result};

/// The request's id (`x-request-id`), request data for the audit log.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// Set by a mutation that failed before its backend answered (unreachable, timed out, rate limited): the
/// request's `Idempotency-Key` is then released rather than remembered, so that a retry runs again.
#[derive(Clone, Debug, Default)]
pub struct ReleaseKey(pub Arc<std::sync::atomic::AtomicBool>);

/// The caller of one request: its key's name (none when anonymous), scopes and visible backends.
#[derive(Clone, Debug)]
pub struct Access {
    /// The API key's name; `None` for an anonymous request.
    pub key: Option<String>,
    /// What it may run.
    pub scopes: BTreeSet<Scope>,
    /// The backends it sees; `None`: all.
    pub backends: Option<Arc<BTreeSet<BackendName>>>,
}

impl Access {
    /// An anonymous caller: every scope, every backend.
    pub fn anonymous() -> Self {
        Access {
            key: None,
            scopes: [Scope::Read, Scope::Write, Scope::Events].into_iter().collect(),
            backends: None,
        }
    }

    /// The key's name, or `anonymous`.
    pub fn label(&self) -> &str {
        self.key.as_deref().unwrap_or("anonymous")
    }

    /// Whether it may run operations needing `scope`.
    pub fn may(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }

    /// Whether `backend` exists for it.
    pub fn sees(&self, backend: &BackendName) -> bool {
        self.backends.as_ref().is_none_or(|set| set.contains(backend))
    }

    /// The access of the request `ctx` belongs to (anonymous when the server set none, as in tests that build
    /// the schema alone).
    pub fn of(ctx: &Context<'_>) -> Access {
        ctx.data_opt::<Access>().cloned().unwrap_or_else(Access::anonymous)
    }

    /// `id` parsed, when its backend exists for this caller (and is configured) and its native part has that
    /// backend's shape; `INVALID_ID` otherwise, naming only the backends it sees. No backend call.
    pub fn resolve(&self, engine: &Engine, id: &str) -> Result<OrderId> {
        let parsed = OrderId::parse(id)?;
        if !self.sees(&parsed.backend) || engine.registry().get(&parsed.backend).is_none() {
            let seen: Vec<&str> =
                engine.registry().iter().map(|b| b.name().as_str()).filter(|n| self.sees_name(n)).collect();
            return Err(Error::InvalidId {
                id: id.chars().take(80).collect(),
                reason: format!(
                    "no backend named {:?} (configured: {})",
                    parsed.backend.as_str(),
                    seen.join(", ")
                ),
            });
        }
        engine.resolve(id).map(|(id, _)| id)
    }

    /// `filter` narrowed to the backends this caller sees: all of them when it names none; a named backend it
    /// does not see is refused as one that is not configured.
    pub fn narrow(&self, mut filter: OrderFilter) -> Result<OrderFilter> {
        let Some(visible) = &self.backends else { return Ok(filter) };
        match &filter.backends {
            Some(names) => {
                if let Some(hidden) = names.iter().find(|name| !visible.contains(*name)) {
                    return Err(Error::BadUserInput(format!(
                        "filter.backends: no backend named {:?}",
                        hidden.as_str()
                    )));
                }
            }
            None => filter.backends = Some(visible.iter().cloned().collect()),
        }
        Ok(filter)
    }

    fn sees_name(&self, name: &str) -> bool {
        self.backends.as_ref().is_none_or(|set| set.iter().any(|b| b.as_str() == name))
    }
}
