//! Collecting every config problem at once, each with its key path.
//!
//! serde stops at the first error. [`deserialize_reporting`] therefore runs the derive through
//! `serde_path_to_error`, records the error at its path, removes the offending key from the tree and runs again,
//! until the rest deserializes: so every unknown key (`deny_unknown_fields`) and every ill-typed value is listed,
//! whatever section it is in, and the keys removed fall back to their defaults for the checks that follow.

use serde::de::DeserializeOwned;
use serde_path_to_error::{Path, Segment};

use super::text::redact_userinfo;
use crate::error::Error;

/// The problems found so far, one per key path (the first found wins, so a key that failed to expand is not
/// reported again as missing).
#[derive(Debug, Default)]
pub(super) struct Problems {
    found: Vec<(String, String)>,
}

impl Problems {
    /// Records a problem at `path` (e.g. `backends.shop.timeout`), unless that path already has one.
    pub(super) fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        let path = path.into();
        if !self.found.iter().any(|(p, _)| *p == path) {
            self.found.push((path, message.into()));
        }
    }

    /// `value` when nothing was found; otherwise every problem as `path: message`, sorted by path (so that a
    /// section's problems stand together), with URL credentials redacted.
    pub(super) fn into_result<T>(mut self, value: T) -> Result<T, Error> {
        if self.found.is_empty() {
            return Ok(value);
        }
        self.found.sort_by(|a, b| a.0.cmp(&b.0));
        let lines = self
            .found
            .into_iter()
            .map(|(path, message)| redact_userinfo(&format!("{path}: {message}")))
            .collect();
        Err(Error::Config(lines))
    }
}

/// Deserializes `value` as `T`, recording every error (with its path) in `problems` rather than stopping at the
/// first: each error's key is removed and the rest deserialized again. `None` only when an error names no key
/// that could be removed (the root itself has the wrong shape).
pub(super) fn deserialize_reporting<T: DeserializeOwned>(
    mut value: toml::Value,
    problems: &mut Problems,
) -> Option<T> {
    loop {
        match serde_path_to_error::deserialize::<_, T>(value.clone()) {
            Ok(parsed) => return Some(parsed),
            Err(error) => {
                let path = error.path().clone();
                problems.push(key_path(&path), plain(&error.into_inner().to_string()));
                // Each round removes one key, so this ends.
                if !remove_key(&mut value, &path) {
                    return None;
                }
            }
        }
    }
}

/// A serde path as the config names it: `backends.shop.timeout`, `server.cors.allow_origins[0]`.
fn key_path(path: &Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Enum { variant } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(variant);
            }
            Segment::Unknown => out.push_str(".?"),
        }
    }
    out
}

/// Removes the innermost table key on `path` (an array element's error removes the whole array); false when the
/// path holds no key.
fn remove_key(value: &mut toml::Value, path: &Path) -> bool {
    let segments: Vec<&Segment> = path.iter().collect();
    let Some(last_key) = segments.iter().rposition(|s| matches!(s, Segment::Map { .. })) else {
        return false;
    };
    let mut parent = value;
    for segment in &segments[..last_key] {
        let next = match segment {
            Segment::Map { key } => parent.as_table_mut().and_then(|t| t.get_mut(key.as_str())),
            Segment::Seq { index } => parent.as_array_mut().and_then(|a| a.get_mut(*index)),
            Segment::Enum { .. } | Segment::Unknown => None,
        };
        let Some(next) = next else { return false };
        parent = next;
    }
    match (segments[last_key], parent.as_table_mut()) {
        (Segment::Map { key }, Some(table)) => table.remove(key.as_str()).is_some(),
        _ => false,
    }
}

/// serde's message in the config's words: its first line (the path is given separately), "key" for "field",
/// "table" for "struct" or "map", "non-negative integer" for the unsigned types.
fn plain(message: &str) -> String {
    let first = message.lines().next().unwrap_or_default().trim();
    let mut plain = first
        .replace("unknown field", "unknown key")
        .replace("expected a map", "expected a table")
        .replace("expected a sequence", "expected an array");
    for unsigned in ["usize", "u64", "u32", "u16", "u8"] {
        plain = plain.replace(&format!("expected {unsigned}"), "expected a non-negative integer");
    }
    if let Some(at) = plain.find("expected struct ") {
        plain.truncate(at);
        plain.push_str("expected a table");
    }
    plain
}
