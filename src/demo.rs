//! `ordergraph demo`: one sandbox of every kind on loopback, and the config that points the gateway at them.
//! Tests use the same functions to stand the whole stack up on ports the OS picks.

use std::collections::BTreeMap;

use crate::config::{
    BackendConfig, CacheConfig, Config, DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_RESPONSE_BYTES, Secret,
    ServerConfig, credential_keys, needs_currency,
};
use crate::domain::{BackendKind, BackendName};
use crate::error::{Error, Result};
use crate::sandbox::{SANDBOX_CREDENTIAL, Sandbox, SandboxKind, SandboxOptions, start_local};

/// The sandboxes of a demo and the config over them.
#[derive(Debug)]
pub struct DemoStack {
    /// One running sandbox per kind, in [`SandboxKind::ALL`] order.
    pub sandboxes: Vec<Sandbox>,
    /// A config whose backends are the sandboxes, named after their kind.
    pub config: Config,
}

impl DemoStack {
    /// The sandbox of a kind.
    pub fn sandbox(&self, kind: SandboxKind) -> Option<&Sandbox> {
        self.sandboxes.iter().find(|s| s.kind == kind)
    }
}

/// The backend kind a sandbox kind simulates.
pub fn backend_kind(kind: SandboxKind) -> BackendKind {
    match kind {
        SandboxKind::Vtex => BackendKind::Vtex,
        SandboxKind::Wix => BackendKind::Wix,
        SandboxKind::Storeden => BackendKind::Storeden,
        SandboxKind::Vesuviopay => BackendKind::Vesuviopay,
        SandboxKind::Merchantpro => BackendKind::Merchantpro,
    }
}

/// The config entry of a backend over a running sandbox, with the sandbox credentials.
pub fn backend_config(sandbox: &Sandbox) -> BackendConfig {
    let kind = backend_kind(sandbox.kind);
    BackendConfig {
        kind,
        base_url: sandbox.base_url.clone(),
        timeout: crate::config::DEFAULT_BACKEND_TIMEOUT,
        currency: needs_currency(kind).then(|| "EUR".to_string()),
        max_concurrency: DEFAULT_MAX_CONCURRENCY,
        max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        credentials: credential_keys(kind)
            .iter()
            .map(|k| (k.to_string(), Secret::new(SANDBOX_CREDENTIAL)))
            .collect(),
    }
}

/// Starts a sandbox of each of `kinds` on `127.0.0.1:0`, and a config over them.
pub async fn start_sandboxes(kinds: &[SandboxKind], options: &SandboxOptions) -> Result<DemoStack> {
    let mut sandboxes = Vec::with_capacity(kinds.len());
    let mut backends = BTreeMap::new();
    for kind in kinds {
        let sandbox = start_local(*kind, options.clone())
            .await
            .map_err(|e| Error::Internal(format!("cannot start the {} sandbox: {e}", kind.as_str())))?;
        let name = BackendName::parse(kind.as_str()).map_err(Error::Internal)?;
        backends.insert(name, backend_config(&sandbox));
        sandboxes.push(sandbox);
    }
    let config =
        Config { server: Default::default(), cache: Default::default(), backends, auth: Default::default() };
    Ok(DemoStack { sandboxes, config })
}

/// The config as TOML, credentials included (they are the public sandbox value), for `demo --print-config`:
/// every `[server]` and `[cache]` key, and each backend's keys, so that `check-config` and `serve --config` read
/// back the same config.
pub fn config_toml(config: &Config) -> Result<String> {
    #[derive(serde::Serialize)]
    struct File<'a> {
        server: &'a ServerConfig,
        cache: &'a CacheConfig,
        backends: BTreeMap<&'a str, PrintedBackend<'a>>,
    }
    let backends =
        config.backends.iter().map(|(name, backend)| (name.as_str(), PrintedBackend::new(backend))).collect();
    let file = File { server: &config.server, cache: &config.cache, backends };
    toml::to_string(&file).map_err(|e| Error::Internal(format!("cannot write the demo config as TOML: {e}")))
}

/// A `[backends.<name>]` table as printed, keys in the example's order. Its own type because [`Secret`] is
/// deliberately not serializable: the sandbox credentials are exposed here, and only here.
#[derive(serde::Serialize)]
struct PrintedBackend<'a> {
    kind: &'static str,
    base_url: &'a str,
    timeout: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    currency: Option<&'a str>,
    max_concurrency: usize,
    max_response_bytes: usize,
    #[serde(flatten)]
    credentials: BTreeMap<&'a str, &'a str>,
}

impl<'a> PrintedBackend<'a> {
    fn new(backend: &'a BackendConfig) -> Self {
        PrintedBackend {
            kind: backend.kind.as_str(),
            base_url: &backend.base_url,
            timeout: humantime::format_duration(backend.timeout).to_string(),
            currency: backend.currency.as_deref(),
            max_concurrency: backend.max_concurrency,
            max_response_bytes: backend.max_response_bytes,
            credentials: backend
                .credentials
                .iter()
                .map(|(key, secret)| (key.as_str(), secret.expose()))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The printed demo config parses back into the same config (so it can be used with `serve --config`).
    #[tokio::test]
    async fn printed_config_round_trips() {
        let stack = start_sandboxes(&[SandboxKind::Vesuviopay, SandboxKind::Storeden], &Default::default())
            .await
            .unwrap();
        let text = config_toml(&stack.config).unwrap();
        assert!(text.contains("order_ttl = \"30s\""), "{text}");
        let parsed = Config::parse(&text, &|_| None).unwrap();
        assert_eq!(parsed, stack.config);
    }
}
