//! `[auth]` and `[[auth.keys]]`: who may call the API. Each key has a name (shown in logs, metrics and the audit
//! log; the key itself never is), the key or its SHA-256, scopes, optionally the backends it may see and a rate
//! limit. Checked here: names, exactly one of `key`/`key_sha256`, the hash's shape, duplicate keys, backends that
//! exist, the rate's shape; and, in [`Config::check_serveable`](super::Config::check_serveable), that anonymous
//! access is only on loopback or allowed in so many words.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::num::NonZeroU32;
use std::time::Duration;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::BackendConfig;
use super::problems::Problems;
use super::secret::Secret;
use crate::domain::BackendName;

/// Whether requests without a key are served on a non-loopback address when no key is configured, by default.
pub const DEFAULT_ALLOW_ANONYMOUS: bool = false;

/// `[auth]`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// With no `[[auth.keys]]`, serve anonymous requests (every scope) even when `server.listen` is not a
    /// loopback address (default false: then `serve` and `check-config` refuse the config).
    pub allow_anonymous: bool,
    /// `[[auth.keys]]`: the API keys. None: every request is anonymous.
    pub keys: Vec<ApiKeyConfig>,
}

/// What a key may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Queries.
    Read,
    /// Mutations.
    Write,
    /// Subscriptions.
    Events,
}

/// One `[[auth.keys]]` entry as written.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyConfig {
    /// `[a-z0-9-]+`, unique: how logs, metrics and the audit log name the key.
    pub name: String,
    /// The key itself (or give `key_sha256`).
    #[serde(default)]
    pub key: Option<Secret>,
    /// The key's SHA-256 as 64 hex digits, to keep only the hash in the file.
    #[serde(default)]
    pub key_sha256: Option<String>,
    /// What the key may do: `read`, `write`, `events`.
    pub scopes: Vec<Scope>,
    /// The only backends this key sees (default: all).
    #[serde(default)]
    pub backends: Option<Vec<String>>,
    /// Requests per second (`"50/s"`; also `/m`, `/h`), with a burst of the same size (default: none).
    #[serde(default)]
    pub rate_limit: Option<String>,
}

impl fmt::Debug for ApiKeyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKeyConfig")
            .field("name", &self.name)
            .field("scopes", &self.scopes)
            .field("backends", &self.backends)
            .field("rate_limit", &self.rate_limit)
            .finish_non_exhaustive()
    }
}

/// A validated key: what the server checks requests against.
#[derive(Clone, PartialEq)]
pub struct ApiKey {
    /// The key's name.
    pub name: String,
    /// SHA-256 of the key.
    pub sha256: [u8; 32],
    /// Its scopes.
    pub scopes: BTreeSet<Scope>,
    /// The backends it sees; `None`: all.
    pub backends: Option<BTreeSet<BackendName>>,
    /// At most this many requests per period, with a burst of the same size.
    pub rate_limit: Option<RateLimit>,
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("name", &self.name)
            .field("scopes", &self.scopes)
            .field("backends", &self.backends)
            .field("rate_limit", &self.rate_limit)
            .finish_non_exhaustive()
    }
}

/// `N` requests per `period`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests per period, and the burst.
    pub requests: NonZeroU32,
    /// The period.
    pub period: Duration,
}

/// The SHA-256 of a key, as compared with the configured ones.
pub fn key_digest(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

impl AuthConfig {
    /// Validates the keys against the configured backends; problems go to `problems` with their key paths.
    pub(super) fn validate(
        &self,
        backends: &BTreeMap<BackendName, BackendConfig>,
        problems: &mut Problems,
    ) -> Vec<ApiKey> {
        let mut keys = Vec::new();
        let mut names = BTreeSet::new();
        let mut digests = BTreeMap::new();
        for (index, entry) in self.keys.iter().enumerate() {
            let path = format!("auth.keys[{index}]");
            if BackendName::parse(&entry.name).is_err() {
                problems
                    .push(format!("{path}.name"), format!("{:?} is not a name of [a-z0-9-]+", entry.name));
            } else if !names.insert(entry.name.clone()) {
                problems.push(format!("{path}.name"), format!("{:?} names two keys", entry.name));
            }
            let digest = match (&entry.key, &entry.key_sha256) {
                (Some(key), None) if key.expose().trim().is_empty() => {
                    problems.push(format!("{path}.key"), "is empty");
                    None
                }
                (Some(key), None) => Some(key_digest(key.expose())),
                (None, Some(hex)) => match parse_hex_digest(hex) {
                    Some(digest) => Some(digest),
                    None => {
                        problems.push(format!("{path}.key_sha256"), "is not 64 hexadecimal digits");
                        None
                    }
                },
                _ => {
                    problems.push(path.clone(), "give exactly one of key and key_sha256");
                    None
                }
            };
            if let Some(digest) = digest
                && let Some(other) = digests.insert(digest, entry.name.clone())
            {
                problems.push(path.clone(), format!("the same key as {other:?}"));
            }
            if entry.scopes.is_empty() {
                problems.push(format!("{path}.scopes"), "at least one of read, write, events");
            }
            let allowed = entry.backends.as_ref().map(|list| {
                let mut set = BTreeSet::new();
                for (i, name) in list.iter().enumerate() {
                    match BackendName::parse(name) {
                        Ok(name) if backends.contains_key(&name) => {
                            set.insert(name);
                        }
                        _ => problems
                            .push(format!("{path}.backends[{i}]"), format!("no backend named {name:?}")),
                    }
                }
                set
            });
            let rate_limit = entry.rate_limit.as_deref().and_then(|text| match parse_rate(text) {
                Some(rate) => Some(rate),
                None => {
                    problems
                        .push(format!("{path}.rate_limit"), format!("{text:?} is not a rate like \"50/s\""));
                    None
                }
            });
            if let Some(sha256) = digest {
                keys.push(ApiKey {
                    name: entry.name.clone(),
                    sha256,
                    scopes: entry.scopes.iter().copied().collect(),
                    backends: allowed,
                    rate_limit,
                });
            }
        }
        keys
    }
}

fn parse_hex_digest(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.trim();
    if hex.len() != 64 {
        return None;
    }
    let mut digest = [0u8; 32];
    for (byte, pair) in digest.iter_mut().zip(hex.as_bytes().chunks(2)) {
        *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(digest)
}

/// `"50/s"`, `"600/m"`, `"10000/h"`.
fn parse_rate(text: &str) -> Option<RateLimit> {
    let (count, unit) = text.trim().split_once('/')?;
    let requests = count.trim().parse::<NonZeroU32>().ok()?;
    let period = match unit.trim() {
        "s" => Duration::from_secs(1),
        "m" => Duration::from_secs(60),
        "h" => Duration::from_secs(3600),
        _ => return None,
    };
    Some(RateLimit { requests, period })
}

/// The validated `[auth]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Auth {
    /// `auth.allow_anonymous`.
    pub allow_anonymous: bool,
    /// The keys; none: every request is anonymous with every scope.
    pub keys: Vec<ApiKey>,
}

impl Auth {
    /// Why anonymous access may not be served on `listen`, if it may not: no keys, a listen address that is not
    /// loopback, and no `allow_anonymous`.
    pub fn anonymous_problem(&self, listen: &str) -> Option<String> {
        let loopback = listen.parse::<std::net::SocketAddr>().is_ok_and(|address| address.ip().is_loopback());
        (self.keys.is_empty() && !self.allow_anonymous && !loopback).then(|| {
            format!(
                "auth: no [[auth.keys]], so every request would be anonymous with every scope, and server.listen \
                 {listen:?} is not a loopback address: add keys, or set auth.allow_anonymous = true"
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::Config;
    use crate::error::Error;

    const BACKEND: &str = "[backends.shop]\nkind = \"vesuviopay\"\nbase_url = \"http://127.0.0.1:1\"\n\
                           api_key = \"k\"\ncurrency = \"EUR\"\n";

    fn parse(auth: &str) -> Result<Config, Error> {
        Config::parse(&format!("{BACKEND}{auth}"), &|name| (name == "BFF_KEY").then(|| "s3cret".to_string()))
    }

    fn problems(auth: &str) -> Vec<String> {
        match parse(auth) {
            Err(Error::Config(problems)) => problems,
            other => panic!("expected problems, got {other:?}"),
        }
    }

    // Keys read with their scopes, backends and rates; the key itself never shows in Debug.
    #[test]
    fn keys_read_and_stay_secret() {
        let config = parse(
            "[[auth.keys]]\nname = \"bff\"\nkey = \"${BFF_KEY}\"\nscopes = [\"read\", \"write\"]\n\
             backends = [\"shop\"]\nrate_limit = \"50/s\"\n\
             [[auth.keys]]\nname = \"ops\"\nscopes = [\"events\"]\nrate_limit = \"600/m\"\n\
             key_sha256 = \"2BB80D537B1DA3E38BD30361AA855686BDE0EACD7162FEF6A25FE97BF527A25B\"\n",
        )
        .unwrap();
        let [bff, ops] = &config.auth.keys[..] else { panic!("two keys") };
        assert_eq!(bff.sha256, super::key_digest("s3cret"));
        assert_eq!(bff.backends.as_ref().map(|b| b.len()), Some(1));
        assert_eq!(bff.rate_limit.map(|r| r.requests.get()), Some(50));
        assert_eq!(ops.sha256, super::key_digest("secret"));
        assert_eq!(ops.rate_limit.map(|r| r.period.as_secs()), Some(60));
        assert!(!format!("{config:?}").contains("s3cret"));
    }

    // Every problem of every key is listed at once, with its path.
    #[test]
    fn key_problems_are_all_listed() {
        let found = problems(
            "[[auth.keys]]\nname = \"Bad Name\"\nkey = \"a\"\nkey_sha256 = \"00\"\nscopes = []\n\
             [[auth.keys]]\nname = \"x\"\nkey_sha256 = \"zz\"\nscopes = [\"read\"]\nbackends = [\"nope\"]\n\
             rate_limit = \"fast\"\n\
             [[auth.keys]]\nname = \"x\"\nkey = \"${BFF_KEY}\"\nscopes = [\"read\"]\n\
             [[auth.keys]]\nname = \"y\"\nkey = \"s3cret\"\nscopes = [\"read\"]\n",
        );
        let text = found.join("\n");
        for expected in [
            "auth.keys[0].name",
            "auth.keys[0]: give exactly one of key and key_sha256",
            "auth.keys[0].scopes",
            "auth.keys[1].key_sha256",
            "auth.keys[1].backends[0]",
            "auth.keys[1].rate_limit",
            "auth.keys[2].name",
            "auth.keys[3]: the same key as \"x\"",
        ] {
            assert!(text.contains(expected), "{expected} missing from:\n{text}");
        }
        assert!(!text.contains("s3cret"), "{text}");
        let unknown = problems("[[auth.keys]]\nname = \"y\"\nkey = \"k\"\nscopes = [\"admin\"]\n").join("\n");
        assert!(unknown.contains("auth.keys[0].scopes[0]") && unknown.contains("read"), "{unknown}");
    }

    // Anonymous access (no keys) is refused on an address that is not loopback unless allowed in so many words.
    #[test]
    fn anonymous_only_on_loopback_or_when_allowed() {
        let wide = "[server]\nlisten = \"0.0.0.0:8080\"\n";
        let config = Config::parse(&format!("{wide}{BACKEND}"), &|_| None).unwrap();
        let Err(Error::Config(found)) = config.check_serveable() else { panic!("refused") };
        assert!(found.iter().any(|p| p.contains("auth.allow_anonymous")), "{found:?}");
        let allowed = Config::parse(&format!("{wide}{BACKEND}[auth]\nallow_anonymous = true\n"), &|_| None);
        allowed.unwrap().check_serveable().unwrap();
        parse("").unwrap().check_serveable().unwrap();
    }
}
