//! Every problem at once, each with its key path; nothing secret in a message.

use super::*;

fn env(name: &str) -> Option<String> {
    (name == "PRESENT").then(|| "value".to_string())
}

fn problems(text: &str) -> Vec<String> {
    match Config::parse(text, &env) {
        Err(Error::Config(problems)) => problems,
        other => panic!("expected config problems, got {other:?}"),
    }
}

fn has(problems: &[String], prefix: &str) -> bool {
    problems.iter().any(|p| p.starts_with(prefix))
}

// Type errors, bad values and missing keys in every section are listed together: none hides another, and a
// type error in one backend does not hide another backend's.
#[test]
fn problems_in_several_sections_are_listed_together() {
    let text = r#"
[server]
max_depth = -1
max_aliases = "many"
listen = "nowhere"
[cache]
order_ttl = "soon"
enabled = "yes"
[backends.a]
kind = "vesuviopay"
base_url = "http://a"
api_key = "k"
currency = "EUR"
max_concurrency = "lots"
timeout = "x"
[backends.b]
kind = "storeden"
base_url = "http://b"
key = "k"
exchange = "e"
max_response_bytes = -5
"#;
    let problems = problems(text);
    let expected = [
        "server.max_depth: invalid value: integer `-1`, expected a non-negative integer",
        "server.max_aliases: invalid type: string \"many\", expected a non-negative integer",
        "server.listen: \"nowhere\" is not an address",
        "cache.order_ttl: invalid duration \"soon\"",
        "cache.enabled: invalid type: string \"yes\", expected a boolean",
        "backends.a.max_concurrency: invalid type: string \"lots\"",
        "backends.a.timeout: invalid duration \"x\"",
        "backends.b.max_response_bytes: invalid value: integer `-5`",
        "backends.b.currency: missing",
    ];
    for prefix in expected {
        assert!(has(&problems, prefix), "{prefix} not in {problems:#?}");
    }
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
}

// Unknown keys are reported at every level, each with its full path, and the message names the known keys.
#[test]
fn unknown_keys_at_every_level() {
    let text = r#"
colour = "blue"
[server]
port = 8080
[server.cors]
allow_methods = ["GET"]
[cache]
size = 10
[backends.a]
kind = "wix"
base_url = "http://a"
api_key = "k"
site_id = "s"
tiemout = "10s"
key = "storeden's, not wix's"
"#;
    let problems = problems(text);
    for path in ["colour", "server.port", "server.cors.allow_methods", "cache.size", "backends.a.tiemout"] {
        assert!(has(&problems, &format!("{path}: unknown key `")), "{path} not in {problems:#?}");
    }
    assert!(has(
        &problems,
        "backends.a.key: unknown key for kind wix (its credential keys: api_key, site_id)"
    ));
    assert_eq!(problems.len(), 6, "{problems:#?}");
    let port = problems.iter().find(|p| p.starts_with("server.port")).expect("server.port listed");
    assert!(port.contains("`listen`") && port.contains("`max_depth`"), "{port}");
}

// A section or a backend of the wrong shape is named; the other sections are still checked.
#[test]
fn sections_of_the_wrong_shape() {
    let text = "server = 3\n[backends]\na = 5\n[backends.b]\nkind = \"vtex\"\n[cache]\nlist_ttl = \"0s\"\n";
    let problems = problems(text);
    assert!(has(&problems, "server: invalid type: integer `3`, expected a table"), "{problems:#?}");
    assert!(has(&problems, "backends.a: invalid type: integer `5`, expected a table"), "{problems:#?}");
    assert!(has(&problems, "backends.b.base_url: missing"), "{problems:#?}");
    assert!(
        has(&problems, "backends.b.app_key: missing (kind vtex needs app_key, app_token)"),
        "{problems:#?}"
    );
    assert!(
        has(&problems, "cache.list_ttl: invalid duration \"0s\": must be more than zero"),
        "{problems:#?}"
    );
}

// Each missing ${VAR} is named with the path of its key, arrays included, and is not reported again as missing.
#[test]
fn missing_env_vars_are_named_with_their_paths() {
    let text = r#"
[server]
listen = "${LISTEN}"
[server.cors]
allow_origins = ["https://a.example", "${ORIGIN}"]
[backends.a]
kind = "vesuviopay"
base_url = "http://${PRESENT}"
api_key = "${VESUVIO_KEY}"
currency = "${CURRENCY"
"#;
    let problems = problems(text);
    assert_eq!(
        problems,
        [
            "backends.a.api_key: environment variable VESUVIO_KEY is not set",
            "backends.a.currency: unterminated ${ in value",
            "server.cors.allow_origins[1]: environment variable ORIGIN is not set",
            "server.listen: environment variable LISTEN is not set",
        ]
    );
}

// A URL's user:password@ never shows in a problem, whichever key echoes it, nor in Debug output.
#[test]
fn url_credentials_are_redacted() {
    let text = r#"
[server]
max_depth = "https://bob:hunter2@deep.example"
[server.cors]
allow_origins = ["https://eve:hunter2@admin.example"]
[backends.a]
kind = "vesuviopay"
base_url = "ftp://alice:hunter2@files.example/root"
api_key = "k"
currency = "EUR"
"#;
    let problems = problems(text);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems.iter().all(|p| !p.contains("hunter2")), "{problems:#?}");
    assert!(has(&problems, "backends.a.base_url: \"ftp://***@files.example/root\" is not an http(s) URL"));
    let good = "[backends.a]\nkind = \"vesuviopay\"\nbase_url = \"https://alice:hunter2@api.example\"\napi_key = \"k\"\ncurrency = \"EUR\"\n";
    let config = Config::parse(good, &env).expect("a base_url with userinfo is allowed");
    let debug = format!("{config:?}");
    assert!(!debug.contains("hunter2") && debug.contains("https://***@api.example"), "{debug}");
}

// Secrets are never quoted: not in a wrong-type message, not in a TOML syntax error's position report.
#[test]
fn secrets_are_not_quoted_in_problems() {
    let text = "[backends.a]\nkind = \"vesuviopay\"\nbase_url = \"http://a\"\napi_key = 424242\ncurrency = \"EUR\"\n";
    let problems = problems(text);
    assert_eq!(problems, ["backends.a.api_key: expected a string (the value is a secret, not shown)"]);
    let syntax = self::problems("[backends.a]\nkind = \"vtex\"\napp_key = \"s3cret\n");
    assert_eq!(syntax.len(), 1, "{syntax:?}");
    assert!(syntax[0].starts_with("TOML syntax, line 3, column "), "{syntax:?}");
    assert!(!syntax[0].contains("s3cret"), "{syntax:?}");
}

// A bad backend name is listed with the other backends' problems, and its own table is still checked.
#[test]
fn bad_backend_name_does_not_hide_other_problems() {
    let text = "[backends.Shop]\nkind = \"vtex\"\nbase_url = \"http://a\"\napp_key = \"k\"\n[backends.ok]\nkind = \"wix\"\n";
    let problems = problems(text);
    assert!(has(&problems, "backends.Shop: backend name \"Shop\" has 'S'"), "{problems:#?}");
    assert!(has(&problems, "backends.Shop.app_token: missing"), "{problems:#?}");
    assert!(has(&problems, "backends.ok.base_url: missing"), "{problems:#?}");
    assert!(has(&problems, "backends.ok.api_key: missing"), "{problems:#?}");
    assert!(has(&problems, "backends.ok.site_id: missing"), "{problems:#?}");
    assert_eq!(problems.len(), 5, "{problems:#?}");
}

// Redaction replaces the userinfo of every URL in a text and leaves the rest, addresses without a scheme included.
#[test]
fn redact_userinfo_in_text() {
    let text = "\"https://a:b@x.example/p?q=1\" then http://x.example/u@v and `ftp://only-user@h` to bob@mail.example";
    assert_eq!(
        redact_userinfo(text),
        "\"https://***@x.example/p?q=1\" then http://x.example/u@v and `ftp://***@h` to bob@mail.example"
    );
}
