//! The benchmark's child processes: the sandboxes (this executable again, `bench sandboxes`) and the gateways
//! (an `ordergraph` binary, `serve --config FILE`), each killed when its [`Process`] is dropped; and the CPU
//! time a process has used, read from `/proc/<pid>/stat`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ordergraph::sandbox::SANDBOX_CREDENTIAL;

/// A boxed error with a message: the benchmark reports it and exits (killing its children on the way).
pub type BoxError = Box<dyn std::error::Error>;

/// A running child process, killed (and reaped) when dropped: however the benchmark ends, nothing is left behind.
pub struct Process {
    child: Child,
    /// Where its stdout and stderr go, quoted when it fails.
    log: Option<PathBuf>,
}

impl Process {
    /// Its process id, for `/proc/<pid>/stat`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// An error naming `what` went wrong, with the end of the process's log.
    fn failure(&self, what: &str) -> BoxError {
        let log = self.log.as_ref().and_then(|log| std::fs::read_to_string(log).ok()).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        let tail = match lines.len() {
            0 => String::new(),
            n => format!("; its log ends with:\n{}", lines[n.saturating_sub(20)..].join("\n")),
        };
        format!("{what}{tail}").into()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A folder for the gateways' config files and logs, removed when dropped.
pub struct WorkDir(pub PathBuf);

impl WorkDir {
    /// `ordergraph-bench-<pid>` under the system's temporary folder.
    pub fn create() -> Result<WorkDir, BoxError> {
        let dir = std::env::temp_dir().join(format!("ordergraph-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(WorkDir(dir))
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The sandboxes process and the base URL of each sandbox, by kind (`vtex`, `wix`, …).
pub struct Sandboxes {
    /// The process serving all five.
    pub process: Process,
    /// Base URL by kind, as a config's `base_url` takes it.
    pub urls: BTreeMap<String, String>,
}

/// Starts this executable as `bench sandboxes --latency L` and reads the JSON line of base URLs it prints.
/// Its stdin is a pipe it reads until the end: when this process ends, however it ends, the sandboxes end too.
pub fn start_sandboxes(latency_ms: u64) -> Result<Sandboxes, BoxError> {
    let mut child = Command::new(std::env::current_exe()?)
        .args(["sandboxes", "--latency", &latency_ms.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("the sandboxes process has no stdout")?;
    let process = Process { child, log: None };
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let urls: BTreeMap<String, String> = serde_json::from_str(&line)
        .map_err(|e| process.failure(&format!("the sandboxes printed {line:?}, not their URLs: {e}")))?;
    Ok(Sandboxes { process, urls })
}

/// A gateway process: the binary, `serve --config` over the sandboxes, answering at `url`.
pub struct Gateway {
    /// The process (killed when dropped).
    pub process: Process,
    /// Its GraphQL endpoint, `http://127.0.0.1:<port>/graphql`.
    pub url: String,
}

/// Starts `binary serve --config FILE` over the sandboxes, with the cache on or off, and waits until its
/// `/healthz` answers 200. The config and the process's output go to `dir/<name>.toml` and `dir/<name>.log`.
pub async fn start_gateway(
    binary: &Path,
    name: &str,
    dir: &Path,
    sandboxes: &BTreeMap<String, String>,
    cached: bool,
    clients: usize,
) -> Result<Gateway, BoxError> {
    start_gateway_tweaked(binary, name, dir, sandboxes, cached, clients, &|config| config).await
}

/// [`start_gateway`] with its config text passed through `tweak` first (the soak sets its budgets so).
pub async fn start_gateway_tweaked(
    binary: &Path,
    name: &str,
    dir: &Path,
    sandboxes: &BTreeMap<String, String>,
    cached: bool,
    clients: usize,
    tweak: &dyn Fn(String) -> String,
) -> Result<Gateway, BoxError> {
    let port = free_port()?;
    let config = dir.join(format!("{name}.toml"));
    std::fs::write(&config, tweak(config_toml(port, sandboxes, cached, clients)))?;
    let log = dir.join(format!("{name}.log"));
    let child = Command::new(binary)
        .arg("serve")
        .arg("--config")
        .arg(&config)
        // Its own default log filter, whatever this shell has set.
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(File::create(&log)?)
        .stderr(File::create(&log)?)
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let mut process = Process { child, log: Some(log) };
    let health = format!("http://127.0.0.1:{port}/healthz");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = process.child.try_wait()? {
            return Err(process.failure(&format!("gateway {name} ({}) exited: {status}", binary.display())));
        }
        if let Ok(response) = client.get(&health).send().await
            && response.status().is_success()
        {
            break;
        }
        if Instant::now() > deadline {
            return Err(process.failure(&format!("gateway {name} did not answer {health} within 30 s")));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(Gateway { process, url: format!("http://127.0.0.1:{port}/graphql") })
}

/// A port nobody listens on now: bound on `127.0.0.1:0`, read, released. (The gateway may find it taken in
/// the instant between; it then exits and the benchmark says so.)
fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The gateway's config: the keys that both today's binary and older ones accept (`[server] listen`,
/// `[cache] enabled` and `order_ttl`, and per backend `kind`, `base_url`, `timeout`, `max_concurrency`,
/// `currency` and the credential keys of its kind). Each backend allows `2 × clients` calls at once, so that
/// the bound is not what is measured; a cached gateway keeps orders for an hour, so that none expires during a
/// run.
pub fn config_toml(port: u16, sandboxes: &BTreeMap<String, String>, cached: bool, clients: usize) -> String {
    let mut out = format!("[server]\nlisten = \"127.0.0.1:{port}\"\n\n[cache]\nenabled = {cached}\n");
    if cached {
        out.push_str("order_ttl = \"1h\"\n");
    }
    for (kind, base_url) in sandboxes {
        out.push_str(&format!(
            "\n[backends.{kind}]\nkind = \"{kind}\"\nbase_url = \"{base_url}\"\ntimeout = \"10s\"\n\
             max_concurrency = {}\n",
            2 * clients
        ));
        if matches!(kind.as_str(), "storeden" | "vesuviopay") {
            out.push_str("currency = \"EUR\"\n");
        }
        for key in credential_keys(kind) {
            out.push_str(&format!("{key} = \"{SANDBOX_CREDENTIAL}\"\n"));
        }
    }
    out
}

/// The credential keys of a backend kind, as the configs of every version name them.
fn credential_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "vtex" => &["app_key", "app_token"],
        "wix" => &["api_key", "site_id"],
        "storeden" => &["key", "exchange"],
        "vesuviopay" => &["api_key"],
        "merchantpro" => &["api_key", "api_secret"],
        _ => &[],
    }
}

/// Clock ticks per second of `/proc/<pid>/stat`'s times: `getconf CLK_TCK`, or 100 (Linux's `USER_HZ` on every
/// mainstream architecture) when that cannot be run.
pub fn clock_ticks() -> (u64, &'static str) {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .filter(|ticks| *ticks > 0)
        .map(|ticks| (ticks, "getconf CLK_TCK"))
        .unwrap_or((100, "assumed"))
}

/// CPU time a process has used so far (user + system, all its threads), in clock ticks; `None` where there is
/// no procfs or the process is gone.
pub fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name (which ends at the last `)`): utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    Some(user + system)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The generated config names every backend with its kind, bound, currency where needed and credentials.
    #[test]
    fn config_has_every_backend_key() {
        let sandboxes = BTreeMap::from([
            ("storeden".to_string(), "http://127.0.0.1:1/v1.1".to_string()),
            ("vtex".to_string(), "http://127.0.0.1:2".to_string()),
        ]);
        let text = config_toml(8080, &sandboxes, false, 32);
        assert!(text.contains("listen = \"127.0.0.1:8080\"\n\n[cache]\nenabled = false\n"), "{text}");
        assert!(
            text.contains("[backends.storeden]\nkind = \"storeden\"\nbase_url = \"http://127.0.0.1:1/v1.1\"")
        );
        assert!(
            text.contains(
                "max_concurrency = 64\ncurrency = \"EUR\"\nkey = \"sandbox\"\nexchange = \"sandbox\""
            )
        );
        assert!(text.contains("app_token = \"sandbox\""), "{text}");
        assert!(!text.contains("order_ttl"), "{text}");
    }

    // This process's own CPU time can be read, and it does not go backwards.
    #[test]
    fn reads_own_cpu_time() {
        let before = cpu_ticks(std::process::id()).expect("procfs");
        let after = cpu_ticks(std::process::id()).expect("procfs");
        assert!(after >= before);
    }
}
