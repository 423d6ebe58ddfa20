//! `[backends.<name>]`: the table as written ([`BackendEntry`]) and as the adapters use it ([`BackendConfig`]).

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::Deserialize;

use super::problems::Problems;
use super::secret::Secret;
use super::text::{duration, redact_userinfo};
use crate::domain::BackendKind;

/// Default per-call timeout of a backend.
pub const DEFAULT_BACKEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Default bound of concurrent calls to one backend.
pub const DEFAULT_MAX_CONCURRENCY: usize = 8;
/// Default cap on the size of one backend answer (16 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// One `[backends.<name>]` table as written in the file. The name (`[a-z0-9-]+`) prefixes every order id of the
/// backend. Credentials are accepted only for their kind (see [`credential_keys`]); every string may be `${VAR}`.
/// No `Debug`: `base_url` may hold a `user:password@` that only [`BackendConfig`]'s `Debug` redacts.
#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackendEntry {
    /// The vendor API: `vtex`, `wix`, `storeden`, `vesuviopay` or `merchantpro`. Required.
    pub kind: Option<String>,
    /// The http(s) root to which the vendor's documented paths are appended; a trailing `/` is dropped. Required.
    pub base_url: Option<String>,
    /// Timeout of one call to this backend (default `"10s"`).
    #[serde(with = "duration")]
    pub timeout: Duration,
    /// ISO 4217 code of the amounts, for kinds whose payloads carry none: required for `storeden` and
    /// `vesuviopay`, e.g. `"EUR"`.
    pub currency: Option<String>,
    /// At most this many calls at once to this backend, at least 1 (default 8).
    pub max_concurrency: usize,
    /// Largest backend answer read, in bytes; a larger one is an error, not a truncated page (default 16777216).
    pub max_response_bytes: usize,
    /// `vtex`: sent as `X-VTEX-API-AppKey`.
    pub app_key: Option<Secret>,
    /// `vtex`: sent as `X-VTEX-API-AppToken`.
    pub app_token: Option<Secret>,
    /// `wix` (sent as `Authorization`), `vesuviopay` (`X-Api-Key`), `merchantpro` (the Basic auth user).
    pub api_key: Option<Secret>,
    /// `wix`: sent as `wix-site-id`.
    pub site_id: Option<Secret>,
    /// `storeden`: sent as header `key`.
    pub key: Option<Secret>,
    /// `storeden`: sent as header `exchange`.
    pub exchange: Option<Secret>,
    /// `merchantpro`: the Basic auth password.
    pub api_secret: Option<Secret>,
}

impl Default for BackendEntry {
    fn default() -> Self {
        BackendEntry {
            kind: None,
            base_url: None,
            timeout: DEFAULT_BACKEND_TIMEOUT,
            currency: None,
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            app_key: None,
            app_token: None,
            api_key: None,
            site_id: None,
            key: None,
            exchange: None,
            api_secret: None,
        }
    }
}

/// `[backends.<name>]`, validated: what an adapter is built from.
#[derive(Clone, PartialEq)]
pub struct BackendConfig {
    /// The vendor API.
    pub kind: BackendKind,
    /// Root to which the vendor's documented paths are appended (no trailing `/`).
    pub base_url: String,
    /// Timeout of one call.
    pub timeout: Duration,
    /// Currency of the amounts, for backends whose payloads carry none (Storeden, VesuvioPay).
    pub currency: Option<String>,
    /// At most this many calls at once to this backend.
    pub max_concurrency: usize,
    /// Largest answer body read from this backend, in bytes.
    pub max_response_bytes: usize,
    /// Credentials by key (`app_key`, `api_key`, …), as the kind needs.
    pub credentials: BTreeMap<String, Secret>,
}

impl BackendConfig {
    /// A credential by key; the config was checked at load time for the kind's keys.
    pub fn credential(&self, key: &str) -> Secret {
        self.credentials.get(key).cloned().unwrap_or_default()
    }
}

impl fmt::Debug for BackendConfig {
    /// As derived, but a `user:password@` in `base_url` is redacted (the credentials print `***` already).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackendConfig")
            .field("kind", &self.kind)
            .field("base_url", &redact_userinfo(&self.base_url))
            .field("timeout", &self.timeout)
            .field("currency", &self.currency)
            .field("max_concurrency", &self.max_concurrency)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("credentials", &self.credentials)
            .finish()
    }
}

/// The credential keys of each kind, in the order the contract lists them.
pub fn credential_keys(kind: BackendKind) -> &'static [&'static str] {
    match kind {
        BackendKind::Vtex => &["app_key", "app_token"],
        BackendKind::Wix => &["api_key", "site_id"],
        BackendKind::Storeden => &["key", "exchange"],
        BackendKind::Vesuviopay => &["api_key"],
        BackendKind::Merchantpro => &["api_key", "api_secret"],
    }
}

/// Whether a kind needs `currency` in its config (its payloads carry none).
pub fn needs_currency(kind: BackendKind) -> bool {
    matches!(kind, BackendKind::Storeden | BackendKind::Vesuviopay)
}

const KINDS: &str = "one of vtex, wix, storeden, vesuviopay, merchantpro";

impl BackendEntry {
    /// Every credential key a table may hold, with its value.
    fn credentials(&self) -> [(&'static str, Option<&Secret>); 7] {
        [
            ("app_key", self.app_key.as_ref()),
            ("app_token", self.app_token.as_ref()),
            ("api_key", self.api_key.as_ref()),
            ("site_id", self.site_id.as_ref()),
            ("key", self.key.as_ref()),
            ("exchange", self.exchange.as_ref()),
            ("api_secret", self.api_secret.as_ref()),
        ]
    }

    /// Checks what serde's types cannot (kind, URL, currency, bounds, the kind's credentials), recording each
    /// problem under `path` (`backends.<name>`). `None` when the kind or the URL is unusable.
    pub(super) fn validate(self, path: &str, problems: &mut Problems) -> Option<BackendConfig> {
        let kind = match &self.kind {
            None => {
                problems.push(format!("{path}.kind"), format!("missing ({KINDS})"));
                None
            }
            Some(text) => {
                let kind = BackendKind::parse(text);
                if kind.is_none() {
                    problems.push(format!("{path}.kind"), format!("unknown kind {text:?} ({KINDS})"));
                }
                kind
            }
        };
        let base_url = match &self.base_url {
            None => {
                problems.push(format!("{path}.base_url"), "missing");
                None
            }
            Some(text) => match url::Url::parse(text) {
                Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                    Some(text.trim_end_matches('/').to_string())
                }
                _ => {
                    problems.push(format!("{path}.base_url"), format!("{text:?} is not an http(s) URL"));
                    None
                }
            },
        };
        if let Some(currency) = &self.currency
            && !(currency.len() == 3 && currency.chars().all(|c| c.is_ascii_uppercase()))
        {
            problems.push(
                format!("{path}.currency"),
                format!("{currency:?} is not an ISO 4217 code like \"EUR\""),
            );
        }
        if self.max_concurrency == 0 {
            problems.push(format!("{path}.max_concurrency"), "must be at least 1");
        }
        if self.max_response_bytes == 0 {
            problems.push(format!("{path}.max_response_bytes"), "must be at least 1");
        }
        let kind = kind?;
        let mut credentials = BTreeMap::new();
        for (key, value) in self.credentials() {
            let key_path = format!("{path}.{key}");
            let wanted = credential_keys(kind);
            match (wanted.contains(&key), value) {
                (true, Some(secret)) if secret.expose().is_empty() => {
                    problems.push(key_path, "must not be empty")
                }
                (true, Some(secret)) => {
                    credentials.insert(key.to_string(), secret.clone());
                }
                (true, None) => {
                    problems.push(key_path, format!("missing (kind {kind} needs {})", wanted.join(", ")));
                }
                (false, Some(_)) => problems.push(
                    key_path,
                    format!("unknown key for kind {kind} (its credential keys: {})", wanted.join(", ")),
                ),
                (false, None) => {}
            }
        }
        if needs_currency(kind) && self.currency.is_none() {
            problems.push(
                format!("{path}.currency"),
                format!("missing (kind {kind} sends no currency; set e.g. \"EUR\")"),
            );
        }
        Some(BackendConfig {
            kind,
            base_url: base_url?,
            timeout: self.timeout,
            currency: self.currency,
            max_concurrency: self.max_concurrency,
            max_response_bytes: self.max_response_bytes,
            credentials,
        })
    }
}
