//! The vesuviopay adapter (stub: to be written from the vendor documentation).

use async_trait::async_trait;

use crate::config::BackendConfig;
use crate::domain::{
    BackendKind, BackendName, Capabilities, ListPage, ListRequest, NativeOrderId, Order, OrderBackend,
};
use crate::error::{Error, Result};

/// A vesuviopay backend.
#[derive(Debug)]
pub struct VesuvioPayBackend {
    name: BackendName,
}

impl VesuvioPayBackend {
    /// Builds the adapter from its config.
    pub fn new(name: BackendName, config: &BackendConfig) -> Result<Self> {
        let _ = config;
        Ok(VesuvioPayBackend { name })
    }
}

#[async_trait]
impl OrderBackend for VesuvioPayBackend {
    fn name(&self) -> &BackendName {
        &self.name
    }

    fn kind(&self) -> BackendKind {
        BackendKind::Vesuviopay
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::default()
    }

    fn max_page_size(&self) -> usize {
        50
    }

    async fn list(&self, request: &ListRequest) -> Result<ListPage> {
        let _ = request;
        Err(Error::Internal("the vesuviopay adapter is not written yet".into()))
    }

    async fn get_many(&self, ids: &[NativeOrderId]) -> Result<Vec<Order>> {
        let _ = ids;
        Err(Error::Internal("the vesuviopay adapter is not written yet".into()))
    }
}
