//! The `ordergraph` command: parses the command line, loads config, starts tracing, and calls the library.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use ordergraph::backends::Registry;
use ordergraph::config::Config;
use ordergraph::engine::Engine;
use ordergraph::sandbox::{SandboxKind, SandboxOptions};
use ordergraph::{demo, graphql, sandbox, server};
use tokio::net::TcpListener;

/// mimalloc rather than the system allocator: decoding and rendering orders is allocation-heavy, and glibc's
/// malloc and free were over a third of the gateway's instructions.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One GraphQL API over VTEX, Wix eCommerce, Storeden, VesuvioPay and MerchantPro orders.
#[derive(Parser)]
#[command(name = "ordergraph", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a sandbox of every backend kind and the gateway over them; print the GraphiQL URL.
    Demo {
        /// Gateway listen address.
        #[arg(long, default_value = ordergraph::config::DEFAULT_LISTEN)]
        listen: String,
        /// Orders seeded in each sandbox.
        #[arg(long, default_value_t = 120)]
        orders: usize,
        /// Milliseconds each sandbox waits before answering.
        #[arg(long, default_value_t = 0)]
        latency: u64,
        /// Print the TOML config the demo runs with to stdout (usable with `serve --config`); everything else the
        /// demo prints goes to stderr.
        #[arg(long)]
        print_config: bool,
    },
    /// Serve the gateway over the backends of a config file.
    Serve {
        /// Config file; defaults to $ORDERGRAPH_CONFIG, then ./ordergraph.toml.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Run one sandbox backend alone and print its base URL.
    Sandbox {
        /// Which vendor to simulate.
        #[arg(long, value_enum)]
        kind: SandboxKind,
        /// Listen address.
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: String,
        /// Orders to seed.
        #[arg(long, default_value_t = 120)]
        orders: usize,
        /// Milliseconds to wait before each answer.
        #[arg(long, default_value_t = 0)]
        latency: u64,
        /// Seed of the deterministic data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Validate a config file; list every problem.
    CheckConfig {
        /// Config file; defaults to $ORDERGRAPH_CONFIG, then ./ordergraph.toml.
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

fn config_path(given: Option<PathBuf>) -> PathBuf {
    given
        .or_else(|| std::env::var_os("ORDERGRAPH_CONFIG").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("ordergraph.toml"))
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,ordergraph=info"));
    // Logs go to stderr: stdout carries only a command's output (the SDL, the demo's config).
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match ordergraph::server::runtime() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), Box<dyn std::error::Error>> {
    match command {
        Command::Schema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::CheckConfig { config } => {
            let path = config_path(config);
            let config = Config::load(&path)?;
            config.check_serveable()?;
            println!("{}: ok ({} backends)", path.display(), config.backends.len());
            Ok(())
        }
        Command::Serve { config } => {
            init_tracing();
            let config = Config::load(&config_path(config))?;
            config.check_serveable()?;
            serve(config).await
        }
        Command::Sandbox { kind, listen, orders, latency, seed } => {
            init_tracing();
            let options = SandboxOptions { orders, seed, latency: Duration::from_millis(latency) };
            let listener = TcpListener::bind(&listen).await?;
            let sandbox = sandbox::start(kind, options, listener).await?;
            println!("{} sandbox: {}", kind.as_str(), sandbox.base_url);
            println!("credentials: the value \"{}\" for every credential key", sandbox::SANDBOX_CREDENTIAL);
            server::shutdown_signal().await;
            Ok(())
        }
        Command::Demo { listen, orders, latency, print_config } => {
            init_tracing();
            let options = SandboxOptions { orders, seed: 1, latency: Duration::from_millis(latency) };
            let mut stack = demo::start_sandboxes(&SandboxKind::ALL, &options).await?;
            stack.config.server.listen = listen;
            if print_config {
                // Only TOML on stdout, so that `demo --print-config > demo.toml` writes a usable file.
                print!("# ordergraph demo config\n{}", demo::config_toml(&stack.config)?);
                std::io::Write::flush(&mut std::io::stdout())?;
            }
            for sandbox in &stack.sandboxes {
                eprintln!("sandbox {:<12} {}", sandbox.kind.as_str(), sandbox.base_url);
            }
            serve(stack.config.clone()).await
        }
    }
}

async fn serve(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let registry = Registry::from_config(&config)?;
    let engine = Arc::new(Engine::new(registry, &config));
    let listener = TcpListener::bind(&config.server.listen).await?;
    let addr = listener.local_addr()?;
    eprintln!("ordergraph: GraphiQL at http://{addr}/  (GraphQL endpoint http://{addr}/graphql)");
    server::run(listener, engine, &config, server::shutdown_signal()).await?;
    Ok(())
}
