//! API keys at the edge: who is calling (`Authorization: Bearer <key>` or `X-Api-Key: <key>`; over WebSocket,
//! `connection_init`'s `{"authorization": "Bearer <key>"}`), compared by SHA-256 in constant time with every
//! configured key; a missing or unknown key is 401 `UNAUTHENTICATED`; a key over its rate (governor, a burst of
//! the same size) is 429 `RATE_LIMITED` with `Retry-After`. With no key configured every request is anonymous.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use subtle::ConstantTimeEq;

use crate::config::{ApiKey, Auth, key_digest};
use crate::graphql::access::{Access, ReleaseKey};

/// Why a request is refused before anything runs.
#[derive(Debug)]
pub enum Refusal {
    /// No key, or not a configured one: 401.
    Unauthenticated(&'static str),
    /// Over the key's rate: 429, retry after this long.
    RateLimited(Duration),
}

impl Refusal {
    /// The HTTP status, the `extensions.code` and the message.
    pub fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            Refusal::Unauthenticated(message) => {
                (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message.to_string())
            }
            Refusal::RateLimited(wait) => (
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMITED",
                format!("over this key's rate limit: retry in {} s", retry_after_secs(*wait)),
            ),
        }
    }
}

impl Refusal {
    /// `WWW-Authenticate` on a 401, `Retry-After` on a 429.
    pub fn add_headers(&self, headers: &mut HeaderMap) {
        match self {
            Refusal::Unauthenticated(_) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Refusal::RateLimited(wait) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs(*wait)));
            }
        }
    }
}

/// Whole seconds to wait, at least one (the `Retry-After` value).
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// Who sent a request, and its id, as the handlers pass them to execution.
pub struct Caller {
    /// What the caller may do.
    pub access: Access,
    /// The request's `x-request-id`.
    pub request_id: String,
    /// Set when a mutation failed before its backend answered: the idempotency key is then released.
    pub release: ReleaseKey,
}

impl Caller {
    /// The caller of a request with `headers`, or why it is refused.
    pub fn of(keys: &Keys, headers: &HeaderMap) -> Result<Caller, Refusal> {
        Ok(Caller {
            access: keys.authenticate(headers)?,
            request_id: request_id(headers),
            release: ReleaseKey::default(),
        })
    }
}

/// The request's `x-request-id` (set by the request-id layer when the client sent none).
pub fn request_id(headers: &HeaderMap) -> String {
    headers.get(super::REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

struct Entry {
    key: ApiKey,
    access: Access,
    limiter: Option<DefaultDirectRateLimiter>,
}

/// The configured keys, each with its rate limiter.
#[derive(Clone)]
pub struct Keys {
    entries: Arc<[Entry]>,
}

impl Keys {
    /// The keys of `[auth]`.
    pub fn new(auth: &Auth) -> Self {
        let entries = auth
            .keys
            .iter()
            .map(|key| Entry {
                access: Access {
                    key: Some(key.name.clone()),
                    scopes: key.scopes.clone(),
                    backends: key.backends.clone().map(Arc::new),
                },
                limiter: key.rate_limit.map(|rate| RateLimiter::direct(quota(rate.requests, rate.period))),
                key: key.clone(),
            })
            .collect();
        Keys { entries }
    }

    /// The caller of a request with `headers`, counted against its key's rate.
    pub fn authenticate(&self, headers: &HeaderMap) -> Result<Access, Refusal> {
        if self.entries.is_empty() {
            return Ok(Access::anonymous());
        }
        let presented = bearer(headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()))
            .or_else(|| headers.get("x-api-key").and_then(|v| v.to_str().ok()).map(str::trim));
        self.check(presented)
    }

    /// The caller of a WebSocket connection whose `connection_init` payload is `payload`.
    pub fn authenticate_payload(&self, payload: &serde_json::Value) -> Result<Access, Refusal> {
        if self.entries.is_empty() {
            return Ok(Access::anonymous());
        }
        let field = |name: &str| payload.get(name).and_then(serde_json::Value::as_str);
        let presented = bearer(field("authorization").or_else(|| field("Authorization")))
            .or_else(|| field("x-api-key").map(str::trim));
        self.check(presented)
    }

    fn check(&self, presented: Option<&str>) -> Result<Access, Refusal> {
        let Some(presented) = presented.filter(|key| !key.is_empty()) else {
            return Err(Refusal::Unauthenticated(
                "an API key is required: send Authorization: Bearer <key> or X-Api-Key: <key>",
            ));
        };
        let digest = key_digest(presented);
        // Every configured key is compared, in constant time, whichever matches.
        let mut found = None;
        for (index, entry) in self.entries.iter().enumerate() {
            if bool::from(entry.key.sha256.ct_eq(&digest)) {
                found = Some(index);
            }
        }
        let entry = found
            .and_then(|index| self.entries.get(index))
            .ok_or(Refusal::Unauthenticated("unknown API key"))?;
        if let Some(limiter) = &entry.limiter
            && let Err(not_until) = limiter.check()
        {
            return Err(Refusal::RateLimited(not_until.wait_time_from(DefaultClock::default().now())));
        }
        Ok(entry.access.clone())
    }
}

fn bearer(value: Option<&str>) -> Option<&str> {
    let value = value?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// `requests` per `period`, with a burst of `requests`.
fn quota(requests: NonZeroU32, period: Duration) -> Quota {
    let per_request = period / requests.get();
    Quota::with_period(per_request.max(Duration::from_nanos(1)))
        .unwrap_or_else(|| Quota::per_second(requests))
        .allow_burst(requests)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{RateLimit, Scope};

    fn keys(rate: Option<u32>) -> Keys {
        let key = ApiKey {
            name: "bff".into(),
            sha256: key_digest("s3cret"),
            scopes: [Scope::Read].into_iter().collect(),
            backends: None,
            rate_limit: rate
                .and_then(NonZeroU32::new)
                .map(|requests| RateLimit { requests, period: Duration::from_secs(1) }),
        };
        Keys::new(&Auth { allow_anonymous: false, keys: vec![key] })
    }

    fn headers(name: &str, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
        headers
    }

    // Either header carries the key; a missing, unknown or malformed one is refused; over the rate the
    // refusal says how long to wait; with no keys every request is anonymous.
    #[test]
    fn keys_are_checked_and_counted() {
        let keys = keys(Some(2));
        assert_eq!(keys.authenticate(&headers("authorization", "Bearer s3cret")).unwrap().label(), "bff");
        assert!(keys.authenticate(&headers("x-api-key", "s3cret")).is_ok());
        match keys.authenticate(&headers("x-api-key", "s3cret")) {
            Err(Refusal::RateLimited(wait)) => assert!(wait <= Duration::from_secs(1)),
            other => panic!("unexpected {other:?}"),
        }
        let fresh = self::keys(None);
        for refused in
            [headers("authorization", "Bearer nope"), headers("authorization", "s3cret"), HeaderMap::new()]
        {
            assert!(matches!(fresh.authenticate(&refused), Err(Refusal::Unauthenticated(_))));
        }
        let payload = serde_json::json!({"authorization": "Bearer s3cret"});
        assert!(fresh.authenticate_payload(&payload).is_ok());
        let open = Keys::new(&Auth::default());
        assert_eq!(open.authenticate(&HeaderMap::new()).unwrap().label(), "anonymous");
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
    }
}
