//! The merged-pagination cursor: opaque, versioned, bound to the filter it was made for, recording where each
//! backend stands (the token of the page holding its next order, and how many of that page were already
//! returned).

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::OrderFilter;
use crate::error::{Error, Result};

/// The cursor format version; a cursor of another version is rejected.
const VERSION: u8 = 1;

/// Where one backend stands in a merged listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackendPosition {
    /// Token of the page holding the next order (`None`: the first page).
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// How many orders of that page (after filtering) were already returned.
    #[serde(rename = "k", default)]
    pub skip: usize,
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

    /// Encodes the state as an opaque cursor.
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    /// Decodes a cursor for `filter`: `BAD_USER_INPUT` when it does not decode, has another version, or was
    /// made for another filter.
    pub fn decode(cursor: &str, filter: &OrderFilter) -> Result<Self> {
        let bad = |why: &str| Error::BadUserInput(format!("invalid cursor: {why}"));
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(cursor.trim())
            .map_err(|_| bad("it is not a cursor returned by this API"))?;
        let state: CursorState =
            serde_json::from_slice(&bytes).map_err(|_| bad("it is not a cursor returned by this API"))?;
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
                skip: 3,
                page_size: 50,
                done: false,
                total: Some(7),
            },
        );
        let encoded = state.encode();
        assert_eq!(CursorState::decode(&encoded, &filter).unwrap(), state);
        let other = OrderFilter { status: vec![OrderStatus::Shipped], ..OrderFilter::default() };
        assert!(matches!(CursorState::decode(&encoded, &other), Err(Error::BadUserInput(_))));
        assert!(matches!(CursorState::decode("not-a-cursor!", &filter), Err(Error::BadUserInput(_))));
        assert!(matches!(CursorState::decode("eyJ2IjoyfQ", &filter), Err(Error::BadUserInput(_))));
    }
}
