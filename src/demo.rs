//! `ordergraph demo`: one sandbox of every kind on loopback, and the config that points the gateway at them.
//! Tests use the same functions to stand the whole stack up on ports the OS picks.

use std::collections::BTreeMap;

use crate::config::{BackendConfig, Config, Secret, credential_keys, needs_currency};
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
        max_concurrency: 8,
        max_response_bytes: crate::config::DEFAULT_MAX_RESPONSE_BYTES,
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
    let config = Config { server: Default::default(), cache: Default::default(), backends };
    Ok(DemoStack { sandboxes, config })
}

/// The config as TOML, credentials included (they are the public sandbox value), for `demo --print-config`.
pub fn config_toml(config: &Config) -> String {
    let mut out = String::new();
    out.push_str(&format!("[server]\nlisten = \"{}\"\n\n", config.server.listen));
    out.push_str(&format!(
        "[cache]\norder_ttl = \"{}\"\nlist_ttl = \"{}\"\nmax_orders = {}\nenabled = {}\n",
        duration(config.cache.order_ttl),
        duration(config.cache.list_ttl),
        config.cache.max_orders,
        config.cache.enabled
    ));
    for (name, backend) in &config.backends {
        out.push_str(&format!("\n[backends.{name}]\nkind = \"{}\"\n", backend.kind));
        out.push_str(&format!("base_url = \"{}\"\n", backend.base_url));
        out.push_str(&format!("timeout = \"{}\"\n", duration(backend.timeout)));
        if let Some(currency) = &backend.currency {
            out.push_str(&format!("currency = \"{currency}\"\n"));
        }
        for key in credential_keys(backend.kind) {
            out.push_str(&format!("{key} = \"{}\"\n", backend.credential(key).expose()));
        }
    }
    out
}

/// A duration as config text: `"30s"` when whole seconds, else `"250ms"`.
fn duration(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) { format!("{}s", ms / 1000) } else { format!("{ms}ms") }
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
        let text = config_toml(&stack.config);
        assert!(text.contains("order_ttl = \"30s\""), "{text}");
        let parsed = Config::parse(&text, &|_| None).unwrap();
        assert_eq!(parsed, stack.config);
    }
}
