//! Backend adapters, one folder per vendor, and the [`Registry`] that builds them from config and routes by
//! backend name.
//!
//! Each adapter folder has the same parts: `mod.rs` (what the vendor is, its quirks, the `OrderBackend`
//! impl), `client.rs` (calls over [`http::HttpClient`]), `ids.rs` (the shape of its native order ids),
//! `wire.rs` (private exact mirrors of the vendor's
//! JSON), `mapping.rs` (wire → domain, tested on the vendor's documented example payloads, and how a list
//! page's rows read), `status.rs` (the status tables) and `request.rs` (filter and page → the list call's
//! parameters, and the continuation token).
//!
//! Shared by the adapters: [`http`] (the HTTP client), [`decode`] (serde decoding whose errors name the JSON
//! path) and [`rows`] (a list page's rows, kept as their JSON text: each reads its key, its id and creation
//! date, when the engine first asks, and decodes its order when the engine first needs it, through the
//! adapter's [`rows::RowFormat`]).

pub mod decode;
#[doc(hidden)]
pub mod fuzzing;
pub mod http;
pub mod merchantpro;
pub mod rows;
pub mod storeden;
pub mod util;
pub mod vesuviopay;
pub mod vtex;
pub mod window;
pub mod wix;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::config::Config;
use crate::domain::{BackendKind, BackendName, OrderBackend, OrderId};
use crate::error::{Error, Result};

/// The configured backends, by name.
#[derive(Clone, Default)]
pub struct Registry {
    backends: BTreeMap<BackendName, Arc<dyn OrderBackend>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.backends.iter().map(|(n, b)| (n.as_str(), b.kind()))).finish()
    }
}

impl Registry {
    /// Builds one adapter per configured backend.
    pub fn from_config(config: &Config) -> Result<Self> {
        let mut registry = Registry::default();
        for (name, backend) in &config.backends {
            let adapter: Arc<dyn OrderBackend> = match backend.kind {
                BackendKind::Vtex => Arc::new(vtex::VtexBackend::new(name.clone(), backend)?),
                BackendKind::Wix => Arc::new(wix::WixBackend::new(name.clone(), backend)?),
                BackendKind::Storeden => Arc::new(storeden::StoredenBackend::new(name.clone(), backend)?),
                BackendKind::Vesuviopay => {
                    Arc::new(vesuviopay::VesuvioPayBackend::new(name.clone(), backend)?)
                }
                BackendKind::Merchantpro => {
                    Arc::new(merchantpro::MerchantProBackend::new(name.clone(), backend)?)
                }
            };
            registry.backends.insert(name.clone(), adapter);
        }
        Ok(registry)
    }

    /// Adds an adapter (for tests and embedding).
    pub fn insert(&mut self, backend: Arc<dyn OrderBackend>) {
        self.backends.insert(backend.name().clone(), backend);
    }

    /// A backend by name.
    pub fn get(&self, name: &BackendName) -> Option<&Arc<dyn OrderBackend>> {
        self.backends.get(name)
    }

    /// Every backend, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn OrderBackend>> {
        self.backends.values()
    }

    /// How many backends are configured.
    pub fn len(&self) -> usize {
        self.backends.len()
    }

    /// Whether none is configured.
    pub fn is_empty(&self) -> bool {
        self.backends.is_empty()
    }

    /// Parses a global order id and finds its backend: `INVALID_ID` for a malformed id, an unknown backend or
    /// a native id of another shape than the backend's ([`OrderBackend::id_shape`]), before any backend call.
    pub fn resolve(&self, id: &str) -> Result<(OrderId, Arc<dyn OrderBackend>)> {
        let parsed = OrderId::parse(id)?;
        match self.backends.get(&parsed.backend) {
            Some(backend) => {
                backend.id_shape().check(&parsed, id)?;
                Ok((parsed, backend.clone()))
            }
            None => Err(Error::InvalidId {
                id: id.chars().take(80).collect(),
                reason: format!(
                    "no backend named {:?} (configured: {})",
                    parsed.backend.as_str(),
                    self.backends.keys().map(BackendName::as_str).collect::<Vec<_>>().join(", ")
                ),
            }),
        }
    }
}
