use std::time::Duration;

use super::*;
use crate::domain::BackendKind;

fn env(name: &str) -> Option<String> {
    match name {
        "VTEX_APP_KEY" => Some("key-from-env".into()),
        "VTEX_APP_TOKEN" => Some("token-from-env".into()),
        _ => None,
    }
}

fn problems(text: &str) -> Vec<String> {
    match Config::parse(text, &env) {
        Err(Error::Config(problems)) => problems,
        other => panic!("expected config problems, got {other:?}"),
    }
}

const GOOD: &str = r#"
[server]
listen = "127.0.0.1:9090"
request_timeout = "2s"

[cache]
order_ttl = "30s"
list_ttl = "250ms"
max_orders = 500

[backends.shop-br]
kind = "vtex"
base_url = "https://myshop.vtexcommercestable.com.br/"
timeout = "10s"
app_key = "${VTEX_APP_KEY}"
app_token = "${VTEX_APP_TOKEN}"

[backends.shop-br-2]
kind = "vtex"
base_url = "https://other.vtexcommercestable.com.br"
app_key = "k"
app_token = "t"

[backends.vesuvio]
kind = "vesuviopay"
base_url = "https://api.vesuviopay.com"
api_key = "sk_live"
currency = "EUR"
"#;

// A full config parses: env expansion, durations, two backends of one kind, defaults, trailing slash trimmed.
#[test]
fn parses_a_good_config() {
    let config = Config::parse(GOOD, &env).unwrap();
    assert_eq!(config.server.listen, "127.0.0.1:9090");
    assert_eq!(config.server.request_timeout, Duration::from_secs(2));
    assert_eq!(config.cache.list_ttl, Duration::from_millis(250));
    assert_eq!(config.cache.max_orders, 500);
    assert_eq!(config.backends.len(), 3);
    let shop = &config.backends[&BackendName::parse("shop-br").unwrap()];
    assert_eq!(shop.kind, BackendKind::Vtex);
    assert_eq!(shop.base_url, "https://myshop.vtexcommercestable.com.br");
    assert_eq!(shop.credential("app_key").expose(), "key-from-env");
    let second = &config.backends[&BackendName::parse("shop-br-2").unwrap()];
    assert_eq!(second.timeout, DEFAULT_BACKEND_TIMEOUT);
}

// Secrets never show in Debug output.
#[test]
fn secrets_are_redacted_in_debug() {
    let config = Config::parse(GOOD, &env).unwrap();
    let debug = format!("{config:?}");
    assert!(!debug.contains("key-from-env"), "{debug}");
    assert!(!debug.contains("sk_live"), "{debug}");
    assert!(debug.contains("***"));
}

// Unknown keys are errors, with their key path, at every level, and all are listed at once.
#[test]
fn unknown_keys_are_listed_with_paths() {
    let text = r#"
colour = "blue"
[server]
listen = "127.0.0.1:1"
port = 8080
[backends.a]
kind = "vesuviopay"
base_url = "http://x"
api_key = "k"
currency = "EUR"
app_token = "wrong kind"
"#;
    let problems = problems(text);
    assert!(problems.iter().any(|p| p.starts_with("colour: unknown key")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("server.port: unknown key")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("backends.a.app_token: unknown key")), "{problems:?}");
    assert_eq!(problems.len(), 3, "{problems:?}");
}

// A missing environment variable is an error naming it.
#[test]
fn missing_env_var_is_named() {
    let text = r#"
[backends.a]
kind = "vesuviopay"
base_url = "http://x"
api_key = "${VESUVIO_KEY}"
currency = "EUR"
"#;
    let problems = problems(text);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("backends.a.api_key") && problems[0].contains("VESUVIO_KEY"),
        "{problems:?}"
    );
}

// Bad durations name the key and say what is expected (humantime reads "30 seconds", not "half a minute").
#[test]
fn bad_durations_are_reported() {
    let text = "[cache]\norder_ttl = \"half a minute\"\nlist_ttl = \"0s\"\n[server]\nrequest_timeout = 5\n";
    let problems = problems(text);
    assert!(problems.iter().any(|p| p.starts_with("cache.order_ttl: invalid duration")), "{problems:?}");
    assert!(
        problems.iter().any(|p| p.starts_with("cache.list_ttl:") && p.contains("more than zero")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("server.request_timeout:") && p.contains("expected a duration string")),
        "{problems:?}"
    );
}

// Backend names must be [a-z0-9-]+; a duplicate name is refused by TOML itself.
#[test]
fn malformed_and_duplicate_backend_names() {
    let text = "[backends.Shop_BR]\nkind = \"vesuviopay\"\nbase_url = \"http://x\"\napi_key = \"k\"\ncurrency = \"EUR\"\n";
    let problems = problems(text);
    assert!(problems.iter().any(|p| p.starts_with("backends.Shop_BR:")), "{problems:?}");
    let duplicate = "[backends.a]\nkind = \"vtex\"\n[backends.a]\nkind = \"wix\"\n";
    let problems = self::problems(duplicate);
    assert!(problems[0].to_lowercase().contains("duplicate"), "{problems:?}");
}

// Each kind's credentials and currency are required; an unknown kind is named.
#[test]
fn kind_requirements() {
    let text = r#"
[backends.s]
kind = "storeden"
base_url = "https://connect.storeden.com/v1.1"
key = "k"
[backends.w]
kind = "woocommerce"
base_url = "ftp://x"
"#;
    let problems = problems(text);
    assert!(problems.iter().any(|p| p.starts_with("backends.s.exchange: missing")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("backends.s.currency: missing")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("backends.w.kind: unknown kind")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("backends.w.base_url:")), "{problems:?}");
}

// The example config in the repository is valid and documents every kind.
#[test]
fn example_config_is_valid() {
    let text = include_str!("../../ordergraph.example.toml");
    let env = |_: &str| Some("from-env".to_string());
    let config = Config::parse(text, &env).unwrap();
    let kinds: std::collections::BTreeSet<_> = config.backends.values().map(|b| b.kind.as_str()).collect();
    assert_eq!(kinds.len(), 5);
}
