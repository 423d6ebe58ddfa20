//! Keys and their values: durations, defaults, CORS, GraphiQL assets, response caps, credentials, the example file.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use serde_aux::serde_introspection::serde_introspect;

use super::*;
use crate::domain::BackendKind;

fn no_env(_: &str) -> Option<String> {
    None
}

fn problems(text: &str) -> Vec<String> {
    match Config::parse(text, &no_env) {
        Err(Error::Config(problems)) => problems,
        other => panic!("expected config problems, got {other:?}"),
    }
}

const VESUVIO: &str =
    "[backends.v]\nkind = \"vesuviopay\"\nbase_url = \"http://v\"\napi_key = \"k\"\ncurrency = \"EUR\"\n";

// The documented duration forms parse to the right values; zero and unit-less numbers are refused.
#[test]
fn durations() {
    for (text, expected) in [
        ("250ms", Duration::from_millis(250)),
        ("10s", Duration::from_secs(10)),
        ("2m", Duration::from_secs(120)),
        ("1h", Duration::from_secs(3600)),
        ("1h 30m", Duration::from_secs(5400)),
    ] {
        assert_eq!(parse_duration(text), Ok(expected), "{text}");
    }
    assert!(parse_duration("0s").is_err_and(|e| e.contains("more than zero")));
    assert!(parse_duration("5").is_err_and(|e| e.contains("invalid duration \"5\"")));
    let text = format!(
        "[server]\nrequest_timeout = \"2m\"\n[cache]\norder_ttl = \"1h\"\n{VESUVIO}timeout = \"250ms\"\n"
    );
    let config = Config::parse(&text, &no_env).expect("valid durations");
    assert_eq!(config.server.request_timeout, Duration::from_secs(120));
    assert_eq!(config.cache.order_ttl, Duration::from_secs(3600));
    let backend = config.backends.values().next().expect("one backend");
    assert_eq!(backend.timeout, Duration::from_millis(250));
}

// An empty file is the defaults with no backend, which parses but is not serveable.
#[test]
fn empty_file_is_the_defaults() {
    let config = Config::parse("", &no_env).expect("empty config parses");
    assert_eq!(config.server, ServerConfig::default());
    assert_eq!(config.server.max_depth, DEFAULT_MAX_DEPTH);
    assert_eq!(config.cache, CacheConfig::default());
    assert!(config.backends.is_empty());
    let Err(Error::Config(problems)) = config.check_serveable() else { panic!("no backend must not serve") };
    assert_eq!(problems, ["backends: at least one backend is required"]);
}

// CORS origins and headers are read; an origin a browser would never send, or a bad header name, is refused.
#[test]
fn cors_origins_and_headers() {
    let good = format!(
        "[server.cors]\nallow_origins = [\"https://admin.example.com\", \"http://localhost:5173\"]\nallow_headers = [\"x-request-id\"]\n{VESUVIO}"
    );
    let config = Config::parse(&good, &no_env).expect("valid cors");
    assert_eq!(config.server.cors.allow_origins, ["https://admin.example.com", "http://localhost:5173"]);
    assert_eq!(config.server.cors.allow_headers, ["x-request-id"]);
    let bad = r#"
[server.cors]
allow_origins = ["https://a.example/", "https://a.example/admin", "a.example", "HTTPS://A.example", "https://a.example:443", "*"]
allow_headers = ["x ok", "fine"]
"#;
    let problems = problems(bad);
    assert_eq!(
        problems,
        [
            "server.cors.allow_headers[0]: \"x ok\" is not an HTTP header name",
            "server.cors.allow_origins[0]: \"https://a.example/\" is not how a browser sends this origin: write \"https://a.example\"",
            "server.cors.allow_origins[1]: \"https://a.example/admin\" is not an origin like \"https://admin.example.com\" (scheme://host[:port], no path)",
            "server.cors.allow_origins[2]: \"a.example\" is not an origin like \"https://admin.example.com\" (scheme://host[:port], no path)",
            "server.cors.allow_origins[3]: \"HTTPS://A.example\" is not how a browser sends this origin: write \"https://a.example\"",
            "server.cors.allow_origins[4]: \"https://a.example:443\" is not how a browser sends this origin: write \"https://a.example\"",
            "server.cors.allow_origins[5]: \"*\" is not an origin like \"https://admin.example.com\" (scheme://host[:port], no path)",
        ]
    );
}

// graphiql_assets is not checked by parse; check_serveable refuses a path that is not a directory; load takes a
// relative path from the config file's folder.
#[test]
fn graphiql_assets_is_checked_before_serving() {
    let text = format!("[server]\ngraphiql_assets = \"no/such/folder\"\n{VESUVIO}");
    let config = Config::parse(&text, &no_env).expect("parse does not look at the disk");
    assert_eq!(config.server.graphiql_assets, Some(PathBuf::from("no/such/folder")));
    let Err(Error::Config(problems)) = config.check_serveable() else {
        panic!("a missing folder must not serve")
    };
    assert_eq!(problems, ["server.graphiql_assets: no/such/folder is not a directory"]);

    let folder = std::env::temp_dir().join(format!("ordergraph-config-{}", std::process::id()));
    std::fs::create_dir_all(folder.join("assets")).expect("temp folder");
    let file = folder.join("ordergraph.toml");
    std::fs::write(&file, format!("[server]\ngraphiql_assets = \"assets\"\n{VESUVIO}"))
        .expect("write config");
    let loaded = Config::load(&file).expect("loads");
    assert_eq!(loaded.server.graphiql_assets, Some(folder.join("assets")));
    assert!(loaded.check_serveable().is_ok());
    std::fs::remove_dir_all(&folder).expect("clean up");
}

// max_response_bytes defaults to 16 MiB, can be set, and zero is refused like a zero max_concurrency.
#[test]
fn max_response_bytes() {
    let config = Config::parse(VESUVIO, &no_env).expect("valid");
    let backend = config.backends.values().next().expect("one backend");
    assert_eq!(backend.max_response_bytes, 16 * 1024 * 1024);
    assert_eq!(backend.max_concurrency, DEFAULT_MAX_CONCURRENCY);
    let set = Config::parse(&format!("{VESUVIO}max_response_bytes = 1024\n"), &no_env).expect("valid");
    assert_eq!(set.backends.values().next().map(|b| b.max_response_bytes), Some(1024));
    let problems = problems(&format!("{VESUVIO}max_response_bytes = 0\nmax_concurrency = 0\n"));
    assert_eq!(
        problems,
        [
            "backends.v.max_concurrency: must be at least 1",
            "backends.v.max_response_bytes: must be at least 1"
        ]
    );
}

// Each kind's credential keys are read as secrets and returned by credential(); an empty one is refused.
#[test]
fn credentials_by_kind() {
    let text = r#"
[backends.a]
kind = "vtex"
base_url = "http://a"
app_key = "ak"
app_token = "at"
[backends.b]
kind = "wix"
base_url = "http://b"
api_key = "wk"
site_id = "ws"
[backends.c]
kind = "storeden"
base_url = "http://c"
key = "sk"
exchange = "se"
currency = "EUR"
[backends.d]
kind = "merchantpro"
base_url = "http://d"
api_key = "mk"
api_secret = "ms"
"#;
    let config = Config::parse(text, &no_env).expect("valid");
    let exposed: Vec<String> = config
        .backends
        .values()
        .flat_map(|b| credential_keys(b.kind).iter().map(|k| b.credential(k).expose().to_string()))
        .collect();
    assert_eq!(exposed, ["ak", "at", "wk", "ws", "sk", "se", "mk", "ms"]);
    assert!(config.backends.values().all(|b| b.credentials.len() == credential_keys(b.kind).len()));
    let problems = problems(
        "[backends.a]\nkind = \"vesuviopay\"\nbase_url = \"http://a\"\napi_key = \"\"\ncurrency = \"eur\"\n",
    );
    assert_eq!(
        problems,
        [
            "backends.a.api_key: must not be empty",
            "backends.a.currency: \"eur\" is not an ISO 4217 code like \"EUR\""
        ]
    );
}

/// The keys written in the example under `[header]` (commented-out ones included), up to the next header.
fn example_keys(example: &str, header: &str) -> BTreeSet<String> {
    let start =
        example.find(&format!("\n{header}\n")).unwrap_or_else(|| panic!("{header} missing in the example"));
    let block = &example[start + header.len() + 2..];
    let end = block.find("\n[").unwrap_or(block.len());
    block[..end]
        .lines()
        .filter_map(|line| line.trim_start_matches('#').trim().split_once('='))
        .map(|(key, _)| key.trim().to_string())
        .filter(|key| !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .collect()
}

// The example config parses, shows the true defaults, and names every key of every section and every kind.
#[test]
fn example_config_shows_every_key_with_its_default() {
    let example = include_str!("../../ordergraph.example.toml");
    let config = Config::parse(example, &|_| Some("from-env".into())).expect("the example parses");
    assert_eq!(config.server, ServerConfig::default(), "the example's [server] must be the defaults");
    assert_eq!(config.cache, CacheConfig::default(), "the example's [cache] must be the defaults");
    let first = &config.backends[&BackendName::parse("shop-br").expect("name")];
    assert_eq!(first.timeout, DEFAULT_BACKEND_TIMEOUT);
    assert_eq!(first.max_concurrency, DEFAULT_MAX_CONCURRENCY);
    assert_eq!(first.max_response_bytes, DEFAULT_MAX_RESPONSE_BYTES);

    let server: BTreeSet<String> = serde_introspect::<ServerConfig>().iter().map(|k| k.to_string()).collect();
    let mut shown = example_keys(example, "[server]");
    shown.insert("cors".into());
    assert_eq!(shown, server);
    let cors: BTreeSet<String> = serde_introspect::<CorsConfig>().iter().map(|k| k.to_string()).collect();
    assert_eq!(example_keys(example, "[server.cors]"), cors);
    let cache: BTreeSet<String> = serde_introspect::<CacheConfig>().iter().map(|k| k.to_string()).collect();
    assert_eq!(example_keys(example, "[cache]"), cache);
    let backend: BTreeSet<String> =
        serde_introspect::<BackendEntry>().iter().map(|k| k.to_string()).collect();
    let shown: BTreeSet<String> = config
        .backends
        .keys()
        .flat_map(|name| example_keys(example, &format!("[backends.{name}]")))
        .collect();
    assert_eq!(shown, backend);
    let kinds: BTreeSet<&str> = config.backends.values().map(|b| b.kind.as_str()).collect();
    assert_eq!(kinds.len(), BackendKind::ALL.len());
}
