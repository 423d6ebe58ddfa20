//! Configuration: TOML deserialized into serde structs with `deny_unknown_fields`, `${ENV}` expansion, human
//! durations, several backends of one kind, and every problem listed at once with its key path. Secrets are
//! redacted in `Debug`, and URL credentials (`user:password@`) in every message.
//!
//! Reading a file goes: TOML syntax → `${VAR}` expanded over the whole tree (a missing variable is a problem at
//! its key) → serde derives, re-run past each error so that all are found (`problems.rs`) → the checks types cannot
//! express (addresses, URLs, the kind's credentials). The structs' doc comments are the reference of every key;
//! `ordergraph.example.toml` shows them all with their defaults.

mod auth;
mod backend;
mod problems;
mod secret;
mod server;
mod text;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

pub use auth::{
    ApiKey, ApiKeyConfig, Auth, AuthConfig, DEFAULT_ALLOW_ANONYMOUS, RateLimit, Scope, key_digest,
};
pub use backend::{
    BackendConfig, BackendEntry, DEFAULT_BACKEND_TIMEOUT, DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_RESPONSE_BYTES, credential_keys, needs_currency,
};
pub use secret::Secret;
pub use server::{
    CacheConfig, CorsConfig, DEFAULT_CACHE_ENABLED, DEFAULT_CACHE_MAX_BYTES, DEFAULT_DOCUMENT_CACHE_BYTES,
    DEFAULT_GRAPHIQL, DEFAULT_IDEMPOTENCY_BYTES, DEFAULT_INTROSPECTION, DEFAULT_LIST_TTL, DEFAULT_LISTEN,
    DEFAULT_MAX_ALIASES, DEFAULT_MAX_BACKEND_CALLS, DEFAULT_MAX_BATCH, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_COMPLEXITY, DEFAULT_MAX_DEPTH, DEFAULT_MAX_DIRECTIVES, DEFAULT_MAX_ORDERS, DEFAULT_ORDER_TTL,
    DEFAULT_REQUEST_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT, ServerConfig,
};
pub use text::{expand_env, parse_duration, redact_userinfo};

use crate::domain::BackendName;
use crate::error::Error;
use problems::{Problems, deserialize_reporting};

/// The whole configuration, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// `[server]`.
    pub server: ServerConfig,
    /// `[cache]`.
    pub cache: CacheConfig,
    /// `[backends.<name>]`, by name.
    pub backends: BTreeMap<BackendName, BackendConfig>,
    /// `[auth]`: the API keys.
    pub auth: Auth,
}

/// The file as written: the four sections, every one optional.
#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ConfigFile {
    /// `[server]`.
    server: ServerConfig,
    /// `[cache]`.
    cache: CacheConfig,
    /// `[backends.<name>]`, by name as written (validated into [`BackendName`]s afterwards, so that one bad
    /// name does not hide the other backends' problems).
    backends: BTreeMap<String, BackendEntry>,
    /// `[auth]`.
    auth: AuthConfig,
}

impl Config {
    /// Reads and validates a config file. A relative `server.graphiql_assets` is taken from the file's folder.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Config(vec![format!("{}: cannot read: {e}", path.display())]))?;
        let mut config = Config::parse(&text, &|name| std::env::var(name).ok())?;
        if let (Some(assets), Some(folder)) = (&config.server.graphiql_assets, path.parent())
            && assets.is_relative()
        {
            config.server.graphiql_assets = Some(folder.join(assets));
        }
        Ok(config)
    }

    /// Parses and validates config text; `env` resolves `${VAR}`. Lists every problem found.
    pub fn parse(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, Error> {
        let mut table: toml::Table =
            toml::from_str(text).map_err(|e| Error::Config(vec![syntax_error(text, &e)]))?;
        let mut problems = Problems::default();
        text::expand_tree(&mut table, "", env, &mut problems);
        let file: ConfigFile =
            deserialize_reporting(toml::Value::Table(table), &mut problems).unwrap_or_default();
        file.server.validate(&mut problems);
        let mut backends = BTreeMap::new();
        for (name, entry) in file.backends {
            let path = format!("backends.{name}");
            let name = BackendName::parse(&name).map_err(|e| problems.push(&path, e)).ok();
            if let (Some(name), Some(backend)) = (name, entry.validate(&path, &mut problems)) {
                backends.insert(name, backend);
            }
        }
        let keys = file.auth.validate(&backends, &mut problems);
        let auth = Auth { allow_anonymous: file.auth.allow_anonymous, keys };
        problems.into_result(Config { server: file.server, cache: file.cache, backends, auth })
    }

    /// Problems that make the config unusable for `serve` and that parsing alone does not see: no backend at all,
    /// a `server.graphiql_assets` that is not a directory, anonymous access on an address that is not loopback.
    pub fn check_serveable(&self) -> Result<(), Error> {
        let mut problems = Vec::new();
        if self.backends.is_empty() {
            problems.push("backends: at least one backend is required".to_string());
        }
        if let Some(assets) = &self.server.graphiql_assets
            && !assets.is_dir()
        {
            problems.push(format!("server.graphiql_assets: {} is not a directory", assets.display()));
        }
        problems.extend(self.auth.anonymous_problem(&self.server.listen));
        if problems.is_empty() { Ok(()) } else { Err(Error::Config(problems)) }
    }
}

/// A TOML syntax error as one line with its position. toml's own rendering quotes the offending line, which may
/// hold a secret, so only the message and the position are kept.
fn syntax_error(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim();
    match error.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("TOML syntax, line {line}, column {column}: {message}")
        }
        None => format!("TOML syntax: {message}"),
    }
}

#[cfg(test)]
mod keys_tests;
#[cfg(test)]
mod problems_tests;
#[cfg(test)]
mod tests;
