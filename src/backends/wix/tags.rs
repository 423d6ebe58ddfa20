//! The order-tag id ↔ name map from the Tags API, cached with a short TTL.
//!
//! Orders carry tag ids; people use names. The map is read once per TTL and re-read when an order carries an id
//! the map does not know (at most once per [`UNKNOWN_REFRESH`], so an id of a deleted tag cannot make every read
//! call the Tags API). One refresh runs at a time: concurrent callers wait for it and reuse its answer.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::client::WixClient;
use crate::error::{Error, Result};

/// How long the map is trusted.
pub const TTL: Duration = Duration::from_secs(60);

/// The shortest interval between refreshes caused by an unknown id.
pub const UNKNOWN_REFRESH: Duration = Duration::from_secs(2);

#[derive(Debug, Default)]
struct Map {
    names: HashMap<String, String>,
    fetched_at: Option<Instant>,
}

impl Map {
    fn fresh(&self, within: Duration) -> bool {
        self.fetched_at.is_some_and(|at| at.elapsed() < within)
    }

    fn find_name(&self, name: &str) -> Option<String> {
        let exact = self.names.iter().find(|(_, n)| n.as_str() == name);
        let loose = || self.names.iter().find(|(_, n)| n.eq_ignore_ascii_case(name));
        exact.or_else(loose).map(|(id, _)| id.clone())
    }
}

/// The tag cache of one backend.
#[derive(Debug, Default)]
pub struct TagCache {
    map: Mutex<Map>,
}

impl TagCache {
    async fn refresh(map: &mut Map, client: &WixClient) -> Result<()> {
        let tags = client.list_tags().await?;
        map.names = tags.into_iter().map(|t| (t.id, t.name)).collect();
        map.fetched_at = Some(Instant::now());
        Ok(())
    }

    /// The names of `ids`, in order. An id still unknown after a refresh (a deleted tag) stays as its id, so no
    /// tag is silently lost. No call when `ids` is empty.
    pub async fn names(&self, client: &WixClient, ids: &[String]) -> Result<Vec<String>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut map = self.map.lock().await;
        let unknown = ids.iter().any(|id| !map.names.contains_key(id));
        if !map.fresh(TTL) || (unknown && !map.fresh(UNKNOWN_REFRESH)) {
            Self::refresh(&mut map, client).await?;
        }
        Ok(ids.iter().map(|id| map.names.get(id).cloned().unwrap_or_else(|| id.clone())).collect())
    }

    /// The ids of the tags named `names` (exact name first, else case-insensitive). With `create`, missing tags
    /// are created; without, missing names are left out. Always checks against a fresh map before creating.
    pub async fn ids(&self, client: &WixClient, names: &[String], create: bool) -> Result<Vec<String>> {
        let mut map = self.map.lock().await;
        let missing = names.iter().any(|n| map.find_name(n).is_none());
        if !map.fresh(TTL) || (missing && !map.fresh(UNKNOWN_REFRESH)) || (missing && create) {
            Self::refresh(&mut map, client).await?;
        }
        let mut ids = Vec::new();
        for name in names {
            let id = match map.find_name(name) {
                Some(id) => Some(id),
                None if create => match client.create_tag(name).await? {
                    Some(tag) => {
                        map.names.insert(tag.id.clone(), tag.name.clone());
                        Some(tag.id)
                    }
                    None => {
                        // 409: created meanwhile by someone else; read it back.
                        Self::refresh(&mut map, client).await?;
                        match map.find_name(name) {
                            Some(id) => Some(id),
                            None => {
                                return Err(Error::Conflict {
                                    backend: client.backend(),
                                    message: format!("the tag {name:?} could not be created or found"),
                                });
                            }
                        }
                    }
                },
                None => None,
            };
            if let Some(id) = id.filter(|id| !ids.contains(id)) {
                ids.push(id);
            }
        }
        Ok(ids)
    }
}
