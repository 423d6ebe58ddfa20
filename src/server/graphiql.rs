//! The GraphiQL page (`GET /`, and `GET /graphql` from a browser). No crate on crates.io ships GraphiQL's
//! browser bundles, so the page loads them from a CDN by default, or from `/graphiql/assets/` when
//! `server.graphiql_assets` names a folder holding them ([`ASSETS`]; fill it from npm, see below). When an
//! asset cannot load (offline, a folder without it), the page says which ones and how to fix it instead of
//! staying on "Loading…".
//!
//! Filling the folder (versions as [`GRAPHIQL_VERSION`] and [`REACT_VERSION`]):
//! ```text
//! cd DIR
//! npm pack graphiql@4.1.2 react@18.3.1 react-dom@18.3.1
//! tar xzf graphiql-4.1.2.tgz --strip-components=1 package/graphiql.min.js package/graphiql.min.css
//! tar xzf react-18.3.1.tgz --strip-components=2 package/umd/react.production.min.js
//! tar xzf react-dom-18.3.1.tgz --strip-components=2 package/umd/react-dom.production.min.js
//! rm *.tgz
//! ```

use axum::response::Html;

use crate::config::ServerConfig;

/// The GraphiQL release the page runs: 4.x is the last line with a browser (UMD) bundle.
pub const GRAPHIQL_VERSION: &str = "4.1.2";
/// The React release the page runs (GraphiQL 4's UMD bundle needs React 18's).
pub const REACT_VERSION: &str = "18.3.1";
/// Where `server.graphiql_assets` is served.
pub const ASSETS_PATH: &str = "/graphiql/assets";
/// The files the page loads, as `server.graphiql_assets` must hold them.
pub const ASSETS: [&str; 4] =
    ["react.production.min.js", "react-dom.production.min.js", "graphiql.min.js", "graphiql.min.css"];

/// The page for `config`: assets from `server.graphiql_assets` when set, else from the CDN.
pub fn page(config: &ServerConfig) -> Html<String> {
    let local = config.graphiql_assets.is_some();
    let url = |file: &str| -> String {
        if local {
            return format!("{ASSETS_PATH}/{file}");
        }
        match file {
            "react.production.min.js" => format!("https://unpkg.com/react@{REACT_VERSION}/umd/{file}"),
            "react-dom.production.min.js" => {
                format!("https://unpkg.com/react-dom@{REACT_VERSION}/umd/{file}")
            }
            _ => format!("https://unpkg.com/graphiql@{GRAPHIQL_VERSION}/{file}"),
        }
    };
    let hint = if local {
        format!(
            "They are served from {ASSETS_PATH}/, the folder set as server.graphiql_assets: check that it holds \
             {}.",
            ASSETS.join(", ")
        )
    } else {
        format!(
            "They come from a CDN (unpkg.com), which this browser cannot reach. Without internet access, set \
             server.graphiql_assets = \"DIR\" to a folder holding {} (GraphiQL {GRAPHIQL_VERSION}, React \
             {REACT_VERSION}; the README shows how to fill it with npm pack).",
            ASSETS.join(", ")
        )
    };
    Html(
        TEMPLATE
            .replace("{{react}}", &url(ASSETS[0]))
            .replace("{{react_dom}}", &url(ASSETS[1]))
            .replace("{{graphiql_js}}", &url(ASSETS[2]))
            .replace("{{graphiql_css}}", &url(ASSETS[3]))
            .replace("{{hint}}", &hint),
    )
}

/// The page. Scripts load in order and block parsing, so when the last script runs each asset has loaded or
/// failed (`onerror`); the check also looks for the globals the bundles define, and the stylesheet is checked
/// once the page has loaded.
const TEMPLATE: &str = r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="robots" content="noindex">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>ordergraph GraphiQL</title>
    <style>
      body { height: 100%; margin: 0; width: 100%; overflow: hidden; }
      #graphiql { height: 100vh; }
      #assets-missing { font: 16px/1.5 system-ui, sans-serif; max-width: 46em; margin: 3em auto; padding: 1em 1.5em;
        border: 2px solid #c0392b; border-radius: 6px; background: #fdf2f0; color: #222; }
      #assets-missing h1 { font-size: 1.25em; margin-top: 0; color: #c0392b; }
      #assets-missing code { background: #fff; padding: 0 0.25em; }
    </style>
    <script>
      var missingAssets = [];
      function assetFailed(name) { if (missingAssets.indexOf(name) < 0) missingAssets.push(name); }
      function showMissingAssets() {
        var box = document.createElement('div');
        box.id = 'assets-missing';
        var title = document.createElement('h1');
        title.textContent = 'GraphiQL cannot start: its assets did not load';
        var list = document.createElement('p');
        list.textContent = 'Missing: ' + missingAssets.join(', ') + '.';
        var hint = document.createElement('p');
        hint.textContent = '{{hint}}';
        var api = document.createElement('p');
        api.textContent = 'The GraphQL API itself works: POST queries to /graphql.';
        box.appendChild(title); box.appendChild(list); box.appendChild(hint); box.appendChild(api);
        var root = document.getElementById('graphiql');
        root.replaceChildren(box);
        root.style.height = 'auto';
        document.body.style.overflow = 'auto';
      }
    </script>
    <link rel="stylesheet" href="{{graphiql_css}}" onerror="assetFailed('graphiql.min.css')">
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="{{react}}" onerror="assetFailed('react.production.min.js')"></script>
    <script src="{{react_dom}}" onerror="assetFailed('react-dom.production.min.js')"></script>
    <script src="{{graphiql_js}}" onerror="assetFailed('graphiql.min.js')"></script>
    <script>
      (function () {
        if (typeof React === 'undefined') assetFailed('react.production.min.js');
        if (typeof ReactDOM === 'undefined') assetFailed('react-dom.production.min.js');
        if (typeof GraphiQL === 'undefined') assetFailed('graphiql.min.js');
        if (missingAssets.length > 0) { showMissingAssets(); return; }
        var fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', window.location.href).toString() });
        ReactDOM.createRoot(document.getElementById('graphiql')).render(
          React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true })
        );
        window.addEventListener('load', function () { if (missingAssets.length > 0) showMissingAssets(); });
      })();
    </script>
  </body>
</html>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    // Without a folder the page loads pinned CDN assets; with one, the local copies; either way it carries
    // the message naming the assets and the setting.
    #[test]
    fn page_points_at_its_assets() {
        let mut config = ServerConfig::default();
        let cdn = page(&config).0;
        assert!(cdn.contains("https://unpkg.com/graphiql@4.1.2/graphiql.min.js"));
        assert!(cdn.contains("https://unpkg.com/react@18.3.1/umd/react.production.min.js"));
        assert!(cdn.contains("server.graphiql_assets"));
        config.graphiql_assets = Some("/srv/graphiql".into());
        let local = page(&config).0;
        assert!(local.contains("src=\"/graphiql/assets/react-dom.production.min.js\""));
        assert!(local.contains("href=\"/graphiql/assets/graphiql.min.css\""));
        assert!(!local.contains("unpkg.com"));
        assert!(local.contains("GraphiQL cannot start: its assets did not load"));
    }
}
