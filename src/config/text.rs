//! Text inside config values: `${VAR}` expansion over the whole TOML tree, human durations, and URL userinfo
//! redaction for messages.

use std::time::Duration;

use super::problems::Problems;

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

/// Expands `${VAR}` in every string of `table`, at any depth, before anything reads it. A value that cannot be
/// expanded is a problem at its path and its key is removed, so that nothing else reports it again (as missing or
/// malformed) and no half-expanded text reaches the config.
pub(super) fn expand_tree(
    table: &mut toml::Table,
    prefix: &str,
    env: &dyn Fn(&str) -> Option<String>,
    problems: &mut Problems,
) {
    let mut failed = Vec::new();
    for (key, value) in table.iter_mut() {
        let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        if !expand_value(value, &path, env, problems) {
            failed.push(key.clone());
        }
    }
    for key in failed {
        table.remove(&key);
    }
}

/// Expands one value in place; false when some string in it could not be expanded.
fn expand_value(
    value: &mut toml::Value,
    path: &str,
    env: &dyn Fn(&str) -> Option<String>,
    problems: &mut Problems,
) -> bool {
    match value {
        toml::Value::String(raw) => match expand_env(raw, env) {
            Ok(expanded) => {
                *raw = expanded;
                true
            }
            Err(e) => {
                problems.push(path, e);
                false
            }
        },
        toml::Value::Table(table) => {
            expand_tree(table, path, env, problems);
            true
        }
        toml::Value::Array(items) => {
            let mut all = true;
            for (index, item) in items.iter_mut().enumerate() {
                all &= expand_value(item, &format!("{path}[{index}]"), env, problems);
            }
            all
        }
        _ => true,
    }
}

/// Parses a duration: `"250ms"`, `"10s"`, `"2m"`, `"1h"` (humantime's syntax, so `"1h 30m"` too). Zero is refused:
/// every duration in the config is a timeout or a time-to-live, and zero would make it useless.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    match humantime::parse_duration(text.trim()) {
        Ok(duration) if duration.is_zero() => {
            Err(format!("invalid duration {text:?}: must be more than zero"))
        }
        Ok(duration) => Ok(duration),
        Err(_) => Err(format!(
            "invalid duration {text:?}: expected a number and a unit, e.g. \"250ms\", \"10s\", \"2m\", \"1h\""
        )),
    }
}

/// serde for durations written as text (`#[serde(with = "duration")]`): [`parse_duration`] in, humantime's
/// format (`"30s"`, `"250ms"`, `"1m 30s"`) out.
pub(super) mod duration {
    use std::fmt;
    use std::time::Duration;

    use serde::{Deserializer, Serializer, de};

    /// Reads a duration string; a value of another type is refused naming what is expected.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        deserializer.deserialize_str(DurationVisitor)
    }

    /// Writes a duration as humantime text, which [`deserialize`] reads back exactly.
    pub fn serialize<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&humantime::format_duration(*duration))
    }

    struct DurationVisitor;

    impl de::Visitor<'_> for DurationVisitor {
        type Value = Duration;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a duration string like \"10s\"")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Duration, E> {
            super::parse_duration(text).map_err(E::custom)
        }
    }
}

/// `text` with the `user:password@` of every URL in it replaced by `***@`, for messages and `Debug` output.
pub fn redact_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(scheme_end) = rest.find("://") {
        let (head, tail) = rest.split_at(scheme_end + 3);
        out.push_str(head);
        // The authority ends where the path, query or fragment starts, or where the quoted URL ends.
        let end = tail
            .find(|c: char| matches!(c, '/' | '?' | '#' | '"' | '\'' | '`' | '\\') || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(at) => {
                out.push_str("***");
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}
