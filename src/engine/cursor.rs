//! The merged-pagination cursor: opaque, versioned, bound to the filter it was made for, recording where each
//! backend stands (the token of the page holding its next order, and the [`Edge`] of what it already returned:
//! never a count of rows, which an order leaving the filter between two pages would shift), and authenticated: an HMAC-SHA256 tag with the server's [`CursorKey`] comes first, so a cursor whose
//! content was changed (a page size of 1 to multiply the backend calls, a token of one's own) is refused.

use std::collections::BTreeMap;

use base64::Engine as _;
use chrono::{DateTime, FixedOffset};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::OrderFilter;
use crate::error::{Error, Result};

/// The cursor format version; a cursor of another version is rejected.
const VERSION: u8 = 2;

/// Bytes of the HMAC tag a cursor starts with (SHA-256's 32, truncated: forging one is still 2^128 work).
const TAG_LEN: usize = 16;

/// The key cursors are signed with (64 bytes, HMAC-SHA256's block size): from `server.cursor_secret` (cursors then survive a restart and are valid
/// across replicas sharing it) or random at start.
#[derive(Clone)]
pub struct CursorKey([u8; 64]);

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(***)")
    }
}

impl CursorKey {
    /// The key derived from a configured secret.
    pub fn from_secret(secret: &str) -> Self {
        CursorKey(sha2::Sha512::digest(secret.as_bytes()).into())
    }

    /// A random key (cursors die with the process).
    pub fn random() -> Self {
        let mut key = [0u8; 64];
        for part in key.chunks_mut(16) {
            part.copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        }
        CursorKey(key)
    }

    /// The MAC of `payload` (the key is HMAC-SHA256's block size, 64 bytes).
    fn mac(&self, payload: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as hmac::digest::KeyInit>::new(&self.0.into());
        mac.update(payload);
        mac
    }
}

/// What a backend already returned in a listing: every order placed after `at`, and the orders placed exactly at
/// `at` whose native ids are listed. Lists run newest first, so a row re-read from the page holding the next
/// order is skipped when it is at or above the edge, whatever changed in between.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    /// When the last order returned was placed.
    #[serde(rename = "a")]
    pub at: DateTime<FixedOffset>,
    /// Native ids of the orders placed exactly at `at` that were returned.
    #[serde(rename = "i")]
    pub ids: Vec<String>,
}

impl Edge {
    /// Whether an order placed at `placed_at` with native id `id` was already returned.
    pub fn covers(&self, id: &str, placed_at: DateTime<FixedOffset>) -> bool {
        placed_at > self.at || (placed_at == self.at && self.ids.iter().any(|seen| seen == id))
    }
}

/// Where one backend stands in a merged listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackendPosition {
    /// Token of the page holding the next order (`None`: the first page).
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// What was already returned (`None`: nothing yet).
    #[serde(rename = "e", default, skip_serializing_if = "Option::is_none")]
    pub edge: Option<Edge>,
    /// Page size used with this backend, so re-reading a page gives the same page.
    #[serde(rename = "z")]
    pub page_size: usize,
    /// No more orders (or the backend failed and is left out of this listing).
    #[serde(rename = "d", default)]
    pub done: bool,
    /// The backend's exact count of matching orders, learnt on the first page (`None`: it cannot count).
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

/// Where every backend stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CursorState {
    #[serde(rename = "v")]
    version: u8,
    /// Hash of the filter the listing was made for.
    #[serde(rename = "f")]
    filter: String,
    /// Position per backend name.
    #[serde(rename = "p")]
    pub positions: BTreeMap<String, BackendPosition>,
}

/// A stable fingerprint of a filter (including its backend selection).
pub fn filter_fingerprint(filter: &OrderFilter) -> String {
    let json = serde_json::to_vec(filter).unwrap_or_default();
    let digest = Sha256::digest(&json);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

impl CursorState {
    /// The state before the first page.
    pub fn new(filter: &OrderFilter) -> Self {
        CursorState { version: VERSION, filter: filter_fingerprint(filter), positions: BTreeMap::new() }
    }

    /// Encodes the state as an opaque cursor signed with `key`.
    pub fn encode(&self, key: &CursorKey) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        let tag = key.mac(&json).finalize().into_bytes();
        let mut bytes = Vec::with_capacity(TAG_LEN + json.len());
        bytes.extend_from_slice(&tag[..TAG_LEN]);
        bytes.extend_from_slice(&json);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Decodes a cursor for `filter`: `BAD_USER_INPUT` when it does not decode, is not signed with `key` (changed,
    /// or made by a server with another key), has another version, or was made for another filter.
    pub fn decode(cursor: &str, filter: &OrderFilter, key: &CursorKey) -> Result<Self> {
        let bad = |why: &str| Error::BadUserInput(format!("invalid cursor: {why}"));
        let not_ours = || bad("it is not a cursor returned by this API (or it was changed)");
        let bytes =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor.trim()).map_err(|_| not_ours())?;
        let (tag, json) = bytes.split_at_checked(TAG_LEN).ok_or_else(not_ours)?;
        key.mac(json).verify_truncated_left(tag).map_err(|_| not_ours())?;
        let state: CursorState = serde_json::from_slice(json).map_err(|_| not_ours())?;
        if state.version != VERSION {
            return Err(bad("it was made by another version of ordergraph"));
        }
        if state.filter != filter_fingerprint(filter) {
            return Err(bad("it was made for another filter; start again without `after`"));
        }
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OrderStatus;

    // A cursor round-trips, and is refused for another filter or when tampered with.
    #[test]
    fn round_trip_and_refusals() {
        let filter = OrderFilter::default();
        let mut state = CursorState::new(&filter);
        state.positions.insert(
            "shop".into(),
            BackendPosition {
                token: Some("abc".into()),
                edge: Some(Edge {
                    at: DateTime::parse_from_rfc3339("2026-01-02T03:04:05.123+01:00").unwrap(),
                    ids: vec!["7".into()],
                }),
                page_size: 50,
                done: false,
                total: Some(7),
            },
        );
        let key = CursorKey::from_secret("k");
        let encoded = state.encode(&key);
        assert_eq!(CursorState::decode(&encoded, &filter, &key).unwrap(), state);
        let other = OrderFilter { status: vec![OrderStatus::Shipped], ..OrderFilter::default() };
        let refused = |cursor: &str, filter: &OrderFilter, key: &CursorKey| {
            matches!(CursorState::decode(cursor, filter, key), Err(Error::BadUserInput(_)))
        };
        assert!(refused(&encoded, &other, &key));
        assert!(refused("not-a-cursor!", &filter, &key));
        assert!(refused("eyJ2IjoyfQ", &filter, &key));
        assert!(refused(&encoded, &filter, &CursorKey::random()), "another server's key");
        // The same content with a page size of 1: the tag no longer matches.
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let bytes = engine.decode(&encoded).unwrap();
        let forged = String::from_utf8(bytes[TAG_LEN..].to_vec()).unwrap().replace("\"z\":50", "\"z\":1");
        let mut tampered = bytes[..TAG_LEN].to_vec();
        tampered.extend_from_slice(forged.as_bytes());
        assert!(refused(&engine.encode(tampered), &filter, &key));
    }
}
