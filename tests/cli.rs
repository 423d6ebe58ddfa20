//! The `ordergraph` binary's config commands, run as a user runs them: `demo --print-config` writes only TOML to
//! stdout, `check-config` accepts that file and the example, and lists every problem of a bad one.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_ordergraph");

/// A running child process, killed when dropped so that a failed assertion never leaves a demo running.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).expect("write temp file");
    path
}

fn check_config(path: &PathBuf, env: &[(&str, &str)]) -> Output {
    Command::new(BIN)
        .args(["check-config", "--config"])
        .arg(path)
        .envs(env.iter().copied())
        .output()
        .expect("run check-config")
}

// `demo --print-config` prints only TOML on stdout (banners, sandbox list and logs on stderr), and check-config
// accepts the printed file as it is.
#[test]
fn demo_print_config_is_a_config_check_config_accepts() {
    let child = Command::new(BIN)
        .args(["demo", "--print-config", "--listen", "127.0.0.1:0", "--orders", "3"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the demo");
    let mut demo = Running(child);
    let stderr = demo.0.stderr.take().expect("stderr piped");
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    // The GraphiQL line comes after the config was printed and flushed: the demo is up.
    let mut stderr_lines = Vec::new();
    while !stderr_lines.iter().any(|l: &String| l.contains("GraphiQL at http://127.0.0.1:")) {
        match received.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => stderr_lines.push(line),
            Err(e) => panic!("the demo did not come up ({e}); stderr so far: {stderr_lines:#?}"),
        }
    }
    assert_eq!(stderr_lines.iter().filter(|l| l.starts_with("sandbox ")).count(), 5, "{stderr_lines:#?}");
    let mut stdout = demo.0.stdout.take().expect("stdout piped");
    drop(demo); // killed: stdout now ends where the demo stopped writing
    let mut printed = String::new();
    stdout.read_to_string(&mut printed).expect("read stdout");

    let table: toml::Table =
        toml::from_str(&printed).unwrap_or_else(|e| panic!("stdout is not TOML: {e}\n{printed}"));
    let backends = table.get("backends").and_then(toml::Value::as_table).expect("a [backends] table");
    assert_eq!(backends.len(), 5, "{printed}");
    let path = temp_file("demo.toml", &printed);
    let output = check_config(&path, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "check-config refused the demo config: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains(": ok (5 backends)"), "{stdout}");
}

// check-config exits non-zero and lists every problem of a bad file, each with its key path, on stderr.
#[test]
fn check_config_lists_every_problem() {
    let bad = r#"
[server]
max_depth = -1
port = 1
[backends.shop]
kind = "vtex"
base_url = "https://user:hunter2@shop.example"
timeout = "x"
foo = 1
app_key = "${NOT_SET_ANYWHERE}"
"#;
    let path = temp_file("bad.toml", bad);
    let output = check_config(&path, &[]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for line in [
        "backends.shop.app_key: environment variable NOT_SET_ANYWHERE is not set",
        "backends.shop.app_token: missing (kind vtex needs app_key, app_token)",
        "backends.shop.foo: unknown key `foo`",
        "backends.shop.timeout: invalid duration \"x\"",
        "server.max_depth: invalid value: integer `-1`, expected a non-negative integer",
        "server.port: unknown key `port`",
    ] {
        assert!(stderr.lines().any(|l| l.starts_with(line)), "{line:?} not in:\n{stderr}");
    }
    assert_eq!(stderr.lines().count(), 7, "a heading and six problems:\n{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

// The example config passes check-config once its ${VAR}s are set.
#[test]
fn check_config_accepts_the_example() {
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ordergraph.example.toml");
    let vars = [
        "VTEX_APP_KEY",
        "VTEX_APP_TOKEN",
        "WIX_API_KEY",
        "WIX_SITE_ID",
        "STOREDEN_KEY",
        "STOREDEN_EXCHANGE",
        "VESUVIOPAY_API_KEY",
        "MERCHANTPRO_API_KEY",
        "MERCHANTPRO_API_SECRET",
    ];
    let env: Vec<(&str, &str)> = vars.iter().map(|v| (*v, "set")).collect();
    let output = check_config(&example, &env);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains(": ok (5 backends)"));
    let missing = check_config(&example, &env[1..]);
    assert!(!missing.status.success());
    assert!(
        String::from_utf8_lossy(&missing.stderr)
            .contains("backends.shop-br.app_key: environment variable VTEX_APP_KEY is not set")
    );
}
