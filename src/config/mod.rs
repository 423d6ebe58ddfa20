//! Configuration: TOML with `${ENV}` expansion, human durations, several backends of one kind, unknown keys
//! rejected, and a `validate` that lists every problem with its key path. Secrets are redacted in `Debug`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use crate::domain::{BackendKind, BackendName};
use crate::error::Error;

mod cors;
pub use cors::CorsConfig;

/// Default listen address of `serve` and `demo`.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// Default time a request may take across all backends.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// Default per-call timeout of a backend.
pub const DEFAULT_BACKEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time-to-live of cached orders.
pub const DEFAULT_ORDER_TTL: Duration = Duration::from_secs(30);
/// Default time-to-live of cached list pages.
pub const DEFAULT_LIST_TTL: Duration = Duration::from_secs(5);
/// Default bound of the order cache.
pub const DEFAULT_MAX_ORDERS: u64 = 100_000;

/// A secret string: its `Debug` and `Display` print `***`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The whole configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// `[server]`.
    pub server: ServerConfig,
    /// `[cache]`.
    pub cache: CacheConfig,
    /// `[backends.<name>]`, by name.
    pub backends: BTreeMap<BackendName, BackendConfig>,
}

/// `[server]`: where to listen and the request limits.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerConfig {
    /// Address to listen on.
    pub listen: String,
    /// Deadline of a whole request across all backends.
    pub request_timeout: Duration,
    /// Maximum query depth.
    pub max_depth: usize,
    /// Maximum query complexity (fields weighted by list sizes).
    pub max_complexity: usize,
    /// Maximum number of aliased fields in one query.
    pub max_aliases: usize,
    /// Maximum directives on one field.
    pub max_directives: usize,
    /// Maximum operations in one batched JSON array; 0 disables batching.
    pub max_batch: usize,
    /// Maximum request body size in bytes (413 above it).
    pub max_body_bytes: usize,
    /// Whether introspection queries are answered.
    pub introspection: bool,
    /// Whether GraphiQL is served at `/` and `GET /graphql`.
    pub graphiql: bool,
    /// `[server.cors]`: which browser origins may call the API.
    pub cors: CorsConfig,
    /// A folder holding GraphiQL's assets (served under `/graphiql/assets/`); `None` loads them from a CDN.
    pub graphiql_assets: Option<std::path::PathBuf>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: DEFAULT_LISTEN.to_string(),
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            max_depth: 15,
            max_complexity: 5_000,
            max_aliases: 30,
            max_directives: 5,
            max_batch: 10,
            max_body_bytes: 1024 * 1024,
            introspection: true,
            graphiql: true,
            cors: CorsConfig::default(),
            graphiql_assets: None,
        }
    }
}

/// `[cache]`.
#[derive(Clone, Debug, PartialEq)]
pub struct CacheConfig {
    /// How long an order read by id stays cached.
    pub order_ttl: Duration,
    /// How long a list page stays cached.
    pub list_ttl: Duration,
    /// Bound of the order cache (entries).
    pub max_orders: u64,
    /// Whether to cache at all (off: every read goes to the backends; for measuring and debugging).
    pub enabled: bool,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            order_ttl: DEFAULT_ORDER_TTL,
            list_ttl: DEFAULT_LIST_TTL,
            max_orders: DEFAULT_MAX_ORDERS,
            enabled: true,
        }
    }
}

/// `[backends.<name>]`.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendConfig {
    /// The vendor API.
    pub kind: BackendKind,
    /// Root to which the vendor's documented paths are appended.
    pub base_url: String,
    /// Timeout of one call.
    pub timeout: Duration,
    /// Currency of the amounts, for backends whose payloads carry none (Storeden, VesuvioPay).
    pub currency: Option<String>,
    /// At most this many calls at once to this backend.
    pub max_concurrency: usize,
    /// Credentials by key (`app_key`, `api_key`, …), as the kind needs.
    pub credentials: BTreeMap<String, Secret>,
}

impl BackendConfig {
    /// A credential by key; the registry checked at load time that the kind's keys are present.
    pub fn credential(&self, key: &str) -> Secret {
        self.credentials.get(key).cloned().unwrap_or_default()
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

const SERVER_KEYS: &[&str] = &[
    "listen",
    "request_timeout",
    "max_depth",
    "max_complexity",
    "max_aliases",
    "max_directives",
    "max_batch",
    "max_body_bytes",
    "introspection",
    "graphiql",
    "cors",
    "graphiql_assets",
];
const CACHE_KEYS: &[&str] = &["order_ttl", "list_ttl", "max_orders", "enabled"];
const BACKEND_KEYS: &[&str] = &["kind", "base_url", "timeout", "currency", "max_concurrency"];

impl Config {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Config(vec![format!("{}: cannot read: {e}", path.display())]))?;
        Config::parse(&text, &|name| std::env::var(name).ok())
    }

    /// Parses and validates config text; `env` resolves `${VAR}`. Lists every problem found.
    pub fn parse(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, Error> {
        let table: toml::Table =
            toml::from_str(text).map_err(|e| Error::Config(vec![one_line(&e.to_string())]))?;
        let mut problems = Vec::new();
        let mut config = Config {
            server: ServerConfig::default(),
            cache: CacheConfig::default(),
            backends: BTreeMap::new(),
        };
        for (key, value) in &table {
            match (key.as_str(), value) {
                ("server", toml::Value::Table(t)) => parse_server(t, env, &mut config.server, &mut problems),
                ("cache", toml::Value::Table(t)) => parse_cache(t, env, &mut config.cache, &mut problems),
                ("backends", toml::Value::Table(t)) => {
                    for (name, value) in t {
                        let path = format!("backends.{name}");
                        let backend_name = match BackendName::parse(name) {
                            Ok(n) => Some(n),
                            Err(e) => {
                                problems.push(format!("{path}: {e}"));
                                None
                            }
                        };
                        let toml::Value::Table(bt) = value else {
                            problems.push(format!("{path}: expected a table"));
                            continue;
                        };
                        if let (Some(b), Some(n)) =
                            (parse_backend(&path, bt, env, &mut problems), backend_name)
                        {
                            config.backends.insert(n, b);
                        }
                    }
                }
                ("server" | "cache" | "backends", _) => problems.push(format!("{key}: expected a table")),
                _ => problems.push(format!("{key}: unknown key")),
            }
        }
        if problems.is_empty() { Ok(config) } else { Err(Error::Config(problems)) }
    }

    /// Problems that make the config unusable for `serve` (no backend at all).
    pub fn check_serveable(&self) -> Result<(), Error> {
        if self.backends.is_empty() {
            return Err(Error::Config(vec!["backends: at least one backend is required".into()]));
        }
        Ok(())
    }
}

fn one_line(message: &str) -> String {
    message.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

/// A TOML value as a string, with `${VAR}` expanded; records a problem and returns `None` when it cannot.
fn string_value(
    path: &str,
    value: &toml::Value,
    env: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<String>,
) -> Option<String> {
    let toml::Value::String(raw) = value else {
        problems.push(format!("{path}: expected a string"));
        return None;
    };
    match expand_env(raw, env) {
        Ok(s) => Some(s),
        Err(e) => {
            problems.push(format!("{path}: {e}"));
            None
        }
    }
}

/// Expands every `${VAR}` in `raw`. A missing variable is an error naming it.
pub fn expand_env(raw: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err("unterminated ${ in value".into());
        };
        let name = &after[..end];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("invalid environment variable name {name:?}"));
        }
        match env(name) {
            Some(value) => out.push_str(&value),
            None => return Err(format!("environment variable {name} is not set")),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Parses `"250ms"`, `"10s"`, `"2m"`, `"1h"`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 =
        number.parse().map_err(|_| format!("invalid duration {text:?}: expected e.g. \"250ms\", \"10s\""))?;
    let duration = match unit {
        "ms" => Duration::from_millis(n),
        "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n * 60),
        "h" => Duration::from_secs(n * 3600),
        _ => return Err(format!("invalid duration {text:?}: the unit must be ms, s, m or h")),
    };
    if duration.is_zero() {
        return Err(format!("invalid duration {text:?}: must be more than zero"));
    }
    Ok(duration)
}

fn duration_value(
    path: &str,
    value: &toml::Value,
    env: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<String>,
) -> Option<Duration> {
    let text = string_value(path, value, env, problems)?;
    parse_duration(&text).map_err(|e| problems.push(format!("{path}: {e}"))).ok()
}

fn int_value(path: &str, value: &toml::Value, problems: &mut Vec<String>) -> Option<u64> {
    match value {
        toml::Value::Integer(i) if *i >= 0 => Some(*i as u64),
        _ => {
            problems.push(format!("{path}: expected a non-negative integer"));
            None
        }
    }
}

fn bool_value(path: &str, value: &toml::Value, problems: &mut Vec<String>) -> Option<bool> {
    match value {
        toml::Value::Boolean(b) => Some(*b),
        _ => {
            problems.push(format!("{path}: expected true or false"));
            None
        }
    }
}

fn parse_server(
    table: &toml::Table,
    env: &dyn Fn(&str) -> Option<String>,
    server: &mut ServerConfig,
    problems: &mut Vec<String>,
) {
    for (key, value) in table {
        let path = format!("server.{key}");
        let as_usize = |problems: &mut Vec<String>| int_value(&path, value, problems).map(|n| n as usize);
        match key.as_str() {
            "listen" => {
                if let Some(s) = string_value(&path, value, env, problems) {
                    if s.parse::<std::net::SocketAddr>().is_err() {
                        problems.push(format!("{path}: {s:?} is not an address like 127.0.0.1:8080"));
                    }
                    server.listen = s;
                }
            }
            "request_timeout" => {
                if let Some(d) = duration_value(&path, value, env, problems) {
                    server.request_timeout = d;
                }
            }
            "max_depth" => server.max_depth = as_usize(problems).unwrap_or(server.max_depth),
            "max_complexity" => server.max_complexity = as_usize(problems).unwrap_or(server.max_complexity),
            "max_aliases" => server.max_aliases = as_usize(problems).unwrap_or(server.max_aliases),
            "max_directives" => server.max_directives = as_usize(problems).unwrap_or(server.max_directives),
            "max_batch" => server.max_batch = as_usize(problems).unwrap_or(server.max_batch),
            "max_body_bytes" => server.max_body_bytes = as_usize(problems).unwrap_or(server.max_body_bytes),
            "introspection" => server.introspection = bool_value(&path, value, problems).unwrap_or(true),
            "graphiql" => server.graphiql = bool_value(&path, value, problems).unwrap_or(true),
            "cors" => server.cors = cors::parse(&path, value, env, problems),
            "graphiql_assets" => {
                server.graphiql_assets = string_value(&path, value, env, problems).map(Into::into)
            }
            _ => problems.push(unknown(&path, SERVER_KEYS)),
        }
    }
}

fn parse_cache(
    table: &toml::Table,
    env: &dyn Fn(&str) -> Option<String>,
    cache: &mut CacheConfig,
    problems: &mut Vec<String>,
) {
    for (key, value) in table {
        let path = format!("cache.{key}");
        match key.as_str() {
            "order_ttl" => {
                cache.order_ttl = duration_value(&path, value, env, problems).unwrap_or(cache.order_ttl)
            }
            "list_ttl" => {
                cache.list_ttl = duration_value(&path, value, env, problems).unwrap_or(cache.list_ttl)
            }
            "max_orders" => cache.max_orders = int_value(&path, value, problems).unwrap_or(cache.max_orders),
            "enabled" => cache.enabled = bool_value(&path, value, problems).unwrap_or(true),
            _ => problems.push(unknown(&path, CACHE_KEYS)),
        }
    }
}

fn unknown(path: &str, known: &[&str]) -> String {
    format!("{path}: unknown key (known keys: {})", known.join(", "))
}

fn parse_backend(
    path: &str,
    table: &toml::Table,
    env: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<String>,
) -> Option<BackendConfig> {
    let before = problems.len();
    let kind = match table.get("kind") {
        None => {
            problems
                .push(format!("{path}.kind: missing (one of vtex, wix, storeden, vesuviopay, merchantpro)"));
            None
        }
        Some(v) => string_value(&format!("{path}.kind"), v, env, problems).and_then(|k| {
            let parsed = BackendKind::parse(&k);
            if parsed.is_none() {
                problems.push(format!(
                    "{path}.kind: unknown kind {k:?} (one of vtex, wix, storeden, vesuviopay, merchantpro)"
                ));
            }
            parsed
        }),
    };
    let mut base_url = None;
    let mut timeout = DEFAULT_BACKEND_TIMEOUT;
    let mut currency = None;
    let mut max_concurrency = 8;
    let mut credentials = BTreeMap::new();
    let cred_keys = kind.map(credential_keys).unwrap_or(&[]);
    for (key, value) in table {
        let key_path = format!("{path}.{key}");
        match key.as_str() {
            "kind" => {}
            "base_url" => {
                if let Some(url) = string_value(&key_path, value, env, problems) {
                    match url::Url::parse(&url) {
                        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
                            base_url = Some(url.trim_end_matches('/').to_string())
                        }
                        _ => problems.push(format!("{key_path}: {url:?} is not an http(s) URL")),
                    }
                }
            }
            "timeout" => timeout = duration_value(&key_path, value, env, problems).unwrap_or(timeout),
            "max_concurrency" => match int_value(&key_path, value, problems) {
                Some(0) => problems.push(format!("{key_path}: must be at least 1")),
                Some(n) => max_concurrency = n as usize,
                None => {}
            },
            "currency" => {
                if let Some(c) = string_value(&key_path, value, env, problems) {
                    if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_uppercase()) {
                        currency = Some(c);
                    } else {
                        problems.push(format!("{key_path}: {c:?} is not an ISO 4217 code like \"EUR\""));
                    }
                }
            }
            k if cred_keys.contains(&k) => {
                if let Some(s) = string_value(&key_path, value, env, problems) {
                    if s.is_empty() {
                        problems.push(format!("{key_path}: must not be empty"));
                    }
                    credentials.insert(k.to_string(), Secret::new(s));
                }
            }
            _ if kind.is_none() => {
                // The kind is unknown, so credential keys cannot be judged; only flag keys no kind has.
                let any_kind = BackendKind::ALL.iter().any(|k| credential_keys(*k).contains(&key.as_str()));
                if !any_kind {
                    problems.push(format!("{key_path}: unknown key"));
                }
            }
            _ => {
                let mut known: Vec<&str> = BACKEND_KEYS.to_vec();
                known.extend_from_slice(cred_keys);
                problems.push(unknown(&key_path, &known));
            }
        }
    }
    if let Some(kind) = kind {
        for key in credential_keys(kind) {
            if !table.contains_key(*key) {
                problems.push(format!(
                    "{path}.{key}: missing (kind {kind} needs {})",
                    credential_keys(kind).join(", ")
                ));
            }
        }
        if needs_currency(kind) && !table.contains_key("currency") {
            problems
                .push(format!("{path}.currency: missing (kind {kind} sends no currency; set e.g. \"EUR\")"));
        }
    }
    if !table.contains_key("base_url") {
        problems.push(format!("{path}.base_url: missing"));
    }
    if problems.len() > before {
        return None;
    }
    Some(BackendConfig { kind: kind?, base_url: base_url?, timeout, currency, max_concurrency, credentials })
}

#[cfg(test)]
mod tests;
