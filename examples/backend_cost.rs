//! Cost of each adapter, one call at a time, with no added latency: a list page of 50 with every row decoded,
//! the same page with only the rows' keys read (what `orders` pays for the rows a merged page does not keep),
//! and a full order by id. The decoded figures are measured twice side by side, with the sandboxes rendering
//! every answer and with memoised reads (the sandbox answers from the bytes it rendered the first time), so the
//! difference is the simulator's rendering and what is left is loopback HTTP plus the adapter.
//!
//! Run: `cargo run --release --example backend_cost -- [--calls 200]`

use std::time::{Duration, Instant};

use ordergraph::backends::Registry;
use ordergraph::demo::start_sandboxes;
use ordergraph::domain::{ListRequest, OrderFilter};
use ordergraph::sandbox::{SandboxKind, SandboxOptions};

/// The allocator the `ordergraph` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn calls() -> usize {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    match raw.as_slice() {
        [flag, n] if flag == "--calls" => n.parse().unwrap_or(200),
        _ => 200,
    }
}

fn per_call(total: Duration, calls: usize) -> f64 {
    total.as_secs_f64() * 1e6 / calls as f64
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let calls = calls();
    let options = SandboxOptions { orders: 500, seed: 1, latency: Duration::ZERO };
    let stack = start_sandboxes(&SandboxKind::ALL, &options).await.expect("sandboxes");
    let registry = Registry::from_config(&stack.config).expect("registry");
    let request =
        ListRequest { filter: OrderFilter::default(), page_size: 50, continuation: None, summaries: false };
    println!("{calls} calls each, one at a time, no added latency; µs per call (rendered / memoised)");
    println!(
        "{:<12} {:>22} {:>16} {:>22} {:>8}",
        "backend", "list(50) decoded", "keys, memoised", "get_many(1)", "orders"
    );
    for backend in registry.iter() {
        let sandbox = stack
            .sandboxes
            .iter()
            .find(|s| s.kind.as_str() == backend.name().as_str())
            .expect("sandbox of the backend");
        let page = backend.list(&request).await.expect("list");
        let ids: Vec<_> =
            page.rows.iter().filter_map(|row| row.id().ok().map(|id| id.native.clone())).collect();
        let mut figures = Vec::new();
        for memoise in [false, true] {
            sandbox.control.set_memoise(memoise);
            let started = Instant::now();
            for _ in 0..calls {
                let page = backend.list(&request).await.expect("list");
                assert_eq!(page.orders().await.expect("decode").len(), ids.len());
            }
            let list = per_call(started.elapsed(), calls);
            let started = Instant::now();
            for i in 0..calls {
                let got = backend.get_many(std::slice::from_ref(&ids[i % ids.len()])).await.expect("get");
                assert_eq!(got.len(), 1);
            }
            figures.push((list, per_call(started.elapsed(), calls)));
        }
        let started = Instant::now();
        for _ in 0..calls {
            let page = backend.list(&request).await.expect("list");
            assert_eq!(page.rows.len(), ids.len());
        }
        let keys = per_call(started.elapsed(), calls);
        sandbox.control.set_memoise(false);
        println!(
            "{:<12} {:>10.0} / {:>9.0} {:>16.0} {:>10.0} / {:>9.0} {:>8}",
            backend.name().as_str(),
            figures[0].0,
            figures[1].0,
            keys,
            figures[0].1,
            figures[1].1,
            ids.len()
        );
    }
}
