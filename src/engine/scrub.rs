//! Configured secrets out of vendor text. A vendor may echo what it was sent (a request header in an error
//! message, a key in a payload that fails to decode); every error from a backend passes through
//! [`Scrubber::error`] before it reaches a GraphQL error, a log line or `/readyz`, which replaces every configured
//! credential (as sent: raw, and in a Basic authorization's base64; and a `base_url` password) by `***`.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::config::Config;
use crate::error::Error;

/// Secrets shorter than this are not looked for: replacing one or two characters everywhere would garble every
/// message without hiding anything worth hiding.
const MIN_SECRET_LEN: usize = 4;

/// What replaces a secret.
const MASK: &str = "***";

/// The configured secrets, longest first (so that a secret containing another is masked whole).
#[derive(Clone, Default)]
pub struct Scrubber {
    secrets: Arc<[String]>,
}

impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Scrubber({} secrets)", self.secrets.len())
    }
}

impl Scrubber {
    /// Every credential of every backend of `config`, in each form it is sent.
    pub fn new(config: &Config) -> Self {
        let mut secrets = Vec::new();
        for backend in config.backends.values() {
            let values: Vec<&str> = backend.credentials.values().map(|s| s.expose()).collect();
            secrets.extend(values.iter().map(|v| v.to_string()));
            for user in &values {
                for password in &values {
                    secrets.push(STANDARD.encode(format!("{user}:{password}")));
                }
            }
            if let Ok(url) = url::Url::parse(&backend.base_url)
                && let Some(password) = url.password()
            {
                secrets.push(password.to_string());
                secrets.push(STANDARD.encode(format!("{}:{password}", url.username())));
            }
        }
        secrets.retain(|s| s.len() >= MIN_SECRET_LEN);
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Scrubber { secrets: secrets.into() }
    }

    /// `text` with every secret masked.
    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in self.secrets.iter() {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), MASK);
            }
        }
        out
    }

    /// `error` with every secret masked in its text.
    pub fn error(&self, error: Error) -> Error {
        if self.secrets.is_empty() {
            return error;
        }
        error.map_text(|text| self.text(text))
    }
}
