use ordergraph::demo::start_sandboxes;
use ordergraph::sandbox::{SandboxKind, SandboxOptions};
use serde::de::IgnoredAny;
use std::time::{Duration, Instant};
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let options = SandboxOptions { orders: 500, seed: 1, latency: Duration::ZERO };
    let stack = start_sandboxes(&SandboxKind::ALL, &options).await.unwrap();
    let c = reqwest::Client::new();
    let s = |k| stack.sandbox(k).unwrap().base_url.clone();
    let bodies = vec![
        (
            "vtex",
            c.get(format!("{}/api/oms/pvt/orders?per_page=30", s(SandboxKind::Vtex)))
                .header("X-VTEX-API-AppKey", "sandbox")
                .header("X-VTEX-API-AppToken", "sandbox"),
        ),
        (
            "wix",
            c.post(format!("{}/ecom/v1/orders/search", s(SandboxKind::Wix)))
                .header("Authorization", "sandbox")
                .header("wix-site-id", "sandbox")
                .body(r#"{"search":{"cursorPaging":{"limit":50}}}"#)
                .header("content-type", "application/json"),
        ),
        (
            "storeden",
            c.get(format!(
                "{}/orders/list.json?limit=50&skip=0&nodes=billing.email,billing.fullname,short_id,tags",
                s(SandboxKind::Storeden)
            ))
            .header("key", "sandbox")
            .header("exchange", "sandbox"),
        ),
        (
            "vesuviopay",
            c.get(format!("{}/api/v1/orders?limit=50", s(SandboxKind::Vesuviopay)))
                .header("X-Api-Key", "sandbox"),
        ),
        (
            "merchantpro",
            c.get(format!("{}/api/v2/orders?limit=50&include=line_items", s(SandboxKind::Merchantpro)))
                .basic_auth("sandbox", Some("sandbox")),
        ),
    ];
    for (name, rb) in bodies {
        let r = rb.send().await.unwrap();
        let st = r.status();
        let body = r.bytes().await.unwrap();
        std::fs::write(format!("/tmp/body_{name}.json"), &body).unwrap();
        let n = 300;
        let t = Instant::now();
        for _ in 0..n {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            std::hint::black_box(v);
        }
        let value = t.elapsed().as_secs_f64() * 1e6 / n as f64;
        let t = Instant::now();
        for _ in 0..n {
            let v: IgnoredAny = serde_json::from_slice(&body).unwrap();
            std::hint::black_box(v);
        }
        let skip = t.elapsed().as_secs_f64() * 1e6 / n as f64;
        let t = Instant::now();
        for _ in 0..n {
            let v: &serde_json::value::RawValue = serde_json::from_slice(&body).unwrap();
            std::hint::black_box(v);
        }
        let raw = t.elapsed().as_secs_f64() * 1e6 / n as f64;
        println!(
            "{name:<12} {st} {:>8} bytes  Value {value:>7.0} µs  IgnoredAny {skip:>7.0} µs  RawValue {raw:>7.0} µs",
            body.len()
        );
    }
}
