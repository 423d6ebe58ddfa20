//! `[server.cors]`: which browser origins may call the API from another site.

/// `[server.cors]`. With no origin, no CORS header is ever sent (browsers then refuse cross-origin calls).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CorsConfig {
    /// Origins allowed to call the API, e.g. `"https://admin.example.com"`; `"*"` allows any. Empty: none.
    pub allow_origins: Vec<String>,
    /// Request headers allowed besides `content-type`, `authorization`, `x-api-key` and `idempotency-key`.
    pub allow_headers: Vec<String>,
}

/// Parses the `[server.cors]` table at `path`, recording every problem.
pub(super) fn parse(
    path: &str,
    value: &toml::Value,
    env: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<String>,
) -> CorsConfig {
    let mut cors = CorsConfig::default();
    let toml::Value::Table(table) = value else {
        problems.push(format!("{path}: expected a table"));
        return cors;
    };
    for (key, value) in table {
        let key_path = format!("{path}.{key}");
        let valid: fn(&str) -> Result<(), String> = match key.as_str() {
            "allow_origins" => valid_origin,
            "allow_headers" => valid_header,
            _ => {
                problems.push(super::unknown(&key_path, &["allow_origins", "allow_headers"]));
                continue;
            }
        };
        let toml::Value::Array(items) = value else {
            problems.push(format!("{key_path}: expected a list of strings"));
            continue;
        };
        let mut list = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let item_path = format!("{key_path}[{index}]");
            if let Some(text) = super::string_value(&item_path, item, env, problems) {
                match valid(&text) {
                    Ok(()) => list.push(text),
                    Err(problem) => problems.push(format!("{item_path}: {problem}")),
                }
            }
        }
        match key.as_str() {
            "allow_origins" => cors.allow_origins = list,
            _ => cors.allow_headers = list,
        }
    }
    cors
}

/// `"*"`, or `scheme://host[:port]` as browsers send it in `Origin` (no path, no trailing slash).
fn valid_origin(origin: &str) -> Result<(), String> {
    if origin == "*" {
        return Ok(());
    }
    let parsed = url::Url::parse(origin)
        .map_err(|_| format!("{origin:?} is not an origin like \"https://admin.example.com\""))?;
    let bare = matches!(parsed.scheme(), "http" | "https")
        && parsed.host().is_some()
        && parsed.path() == "/"
        && !origin.ends_with('/')
        && parsed.query().is_none();
    if bare { Ok(()) } else { Err(format!("{origin:?} is not an origin like \"https://admin.example.com\"")) }
}

/// A valid HTTP header name.
fn valid_header(name: &str) -> Result<(), String> {
    http::HeaderName::from_bytes(name.as_bytes())
        .map(|_| ())
        .map_err(|_| format!("{name:?} is not a header name"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> (CorsConfig, Vec<String>) {
        let value: toml::Value = toml::from_str(text).expect("toml");
        let mut problems = Vec::new();
        let cors = parse("server.cors", &value, &|_| None, &mut problems);
        (cors, problems)
    }

    // Origins and extra headers are read as given; anything that is not an origin or a header name is a
    // problem naming its index, and unknown keys are problems too.
    #[test]
    fn origins_and_headers_are_checked() {
        let (cors, problems) = parsed(
            "allow_origins = [\"https://admin.example.com\", \"http://localhost:5173\"]\nallow_headers = [\"x-trace\"]",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(cors.allow_origins, ["https://admin.example.com", "http://localhost:5173"]);
        assert_eq!(cors.allow_headers, ["x-trace"]);
        let (_, problems) = parsed(
            "allow_origins = [\"https://a.example/\", \"ftp://x\", 3]\nallow_headers = [\"bad header\"]\nmethods = []",
        );
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(problems.iter().any(|p| p.starts_with("server.cors.allow_origins[0]:")), "{problems:?}");
        assert!(problems.iter().any(|p| p.starts_with("server.cors.methods: unknown key")), "{problems:?}");
    }
}
