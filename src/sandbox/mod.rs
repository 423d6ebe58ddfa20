//! Sandbox backends: one simulator per vendor, speaking that vendor's documented wire format over real HTTP.
//!
//! A sandbox is written from the vendor's documentation alone and imports nothing from `crate::backends`:
//! no wire types, no mapping, no constants. That independence is the point: when the adapter and the
//! sandbox disagree, one of them misread the docs, and the tests catch it.
//!
//! Every sandbox shares the harness in this module:
//! - [`SandboxOptions`]: how many deterministic orders to seed, the seed, the added latency.
//! - [`Control`]: fault knobs (latency, a share of 5xx answers, 429 with `Retry-After`, malformed JSON) and
//!   a log of every request served, so tests can assert on the native calls made.
//! - `GET /_sandbox/requests` and `POST /_sandbox/faults` expose the same over HTTP for users' own tests.
//! - Memoised reads ([`Control::set_memoise`], off by default): a read answered once is answered again from
//!   the bytes rendered the first time, until any write. Benchmarks use it so that they measure the gateway
//!   rather than the simulators' JSON rendering (on a shared 2-core machine the simulators' CPU competes with
//!   the gateway's, while a real vendor's does not). Latency, faults and the request log apply as usual.
//! - Test-only order admin ([`Sandbox::admin`], a [`SandboxAdmin`]), outside the vendor's API, to change a
//!   backend under a test (orders arriving or vanishing between two pages):
//!   [`delete`](SandboxAdmin::delete) removes an order as if it never existed (list, get, every filter);
//!   [`create_like`](SandboxAdmin::create_like) inserts a copy of an order with a fresh id in the vendor's
//!   id shape (VTEX `<digits>-01` with a new sequence, Wix UUID with a new `number`, Storeden
//!   `<shop>_<13 hex>` with a new `short_id`, VesuvioPay UUID with a new `orderNumber`, MerchantPro a new
//!   integer), placed at a given instant (in the vendor's own date format and precision), its later
//!   instants moved by the same amount, everything else copied, and answers the new id;
//!   [`native_ids_newest_first`](SandboxAdmin::native_ids_newest_first) lists every order (Wix's
//!   `INITIALIZED` ones too, which its search never shows). Each write empties the memoised reads; none is
//!   recorded in the request log. Over HTTP: `GET /_sandbox/orders` → `{"ids": [...]}` (newest first),
//!   `POST /_sandbox/orders/{id}/copy` `{"placedAt": "<RFC 3339>"}` → `{"id": "<new id>"}`,
//!   `POST /_sandbox/orders/{id}/delete` → 204; an unknown id is 404, a bad body 400.
//! - [`start`] binds a listener and serves a kind until the returned [`Sandbox`] is dropped or shut down.

mod admin;
mod control;
pub mod merchantpro;
pub mod seed;
pub mod storeden;
pub mod vesuviopay;
pub mod vtex;
pub mod wix;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::Method;
use axum::middleware;
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;

use admin::AdminStore;
pub use admin::SandboxAdmin;
pub use control::{Control, Fault, RecordedRequest};
use control::{fault_and_record, list_requests, set_faults};

/// The vendor a sandbox simulates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum SandboxKind {
    /// VTEX OMS.
    Vtex,
    /// Wix eCommerce Orders v1.
    Wix,
    /// Storeden Connect v1.1.
    Storeden,
    /// VesuvioPay Order Management.
    Vesuviopay,
    /// MerchantPro API v2.
    Merchantpro,
}

impl SandboxKind {
    /// Every kind, in a stable order.
    pub const ALL: [SandboxKind; 5] = [
        SandboxKind::Vtex,
        SandboxKind::Wix,
        SandboxKind::Storeden,
        SandboxKind::Vesuviopay,
        SandboxKind::Merchantpro,
    ];

    /// The lowercase name used on the command line and in config (`vtex`, `wix`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            SandboxKind::Vtex => "vtex",
            SandboxKind::Wix => "wix",
            SandboxKind::Storeden => "storeden",
            SandboxKind::Vesuviopay => "vesuviopay",
            SandboxKind::Merchantpro => "merchantpro",
        }
    }

    /// The path prefix under which the vendor's documented paths are served (Storeden's `/v1.1`).
    pub fn base_path(self) -> &'static str {
        match self {
            SandboxKind::Vtex => vtex::BASE_PATH,
            SandboxKind::Wix => wix::BASE_PATH,
            SandboxKind::Storeden => storeden::BASE_PATH,
            SandboxKind::Vesuviopay => vesuviopay::BASE_PATH,
            SandboxKind::Merchantpro => merchantpro::BASE_PATH,
        }
    }

    /// Whether a request only reads: every GET, and the POST searches of vendors that search by POST.
    fn is_read(self, method: &Method, path: &str) -> bool {
        method == Method::GET
            || (self == SandboxKind::Wix && method == Method::POST && path.ends_with("/orders/search"))
    }

    /// The vendor routes, and the admin of the store behind them.
    fn vendor_router(self, opts: &SandboxOptions) -> (Router, Arc<dyn AdminStore>) {
        match self {
            SandboxKind::Vtex => vtex::router(opts),
            SandboxKind::Wix => wix::router(opts),
            SandboxKind::Storeden => storeden::router(opts),
            SandboxKind::Vesuviopay => vesuviopay::router(opts),
            SandboxKind::Merchantpro => merchantpro::router(opts),
        }
    }

    /// The vendor's own answer to an injected fault (its 5xx body, its 429 headers).
    fn fault_response(self, fault: Fault) -> Response {
        match self {
            SandboxKind::Vtex => vtex::fault_response(fault),
            SandboxKind::Wix => wix::fault_response(fault),
            SandboxKind::Storeden => storeden::fault_response(fault),
            SandboxKind::Vesuviopay => vesuviopay::fault_response(fault),
            SandboxKind::Merchantpro => merchantpro::fault_response(fault),
        }
    }
}

/// The credential value every sandbox accepts for each of its kind's credential keys, and only that.
pub const SANDBOX_CREDENTIAL: &str = "sandbox";

/// How a sandbox is seeded and how slowly it answers.
#[derive(Clone, Debug)]
pub struct SandboxOptions {
    /// How many deterministic orders to seed.
    pub orders: usize,
    /// Seed of the deterministic generator: the same seed gives the same orders.
    pub seed: u64,
    /// Latency added before every answer.
    pub latency: Duration,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions { orders: 120, seed: 1, latency: Duration::ZERO }
    }
}

/// A running sandbox: its base URL (what goes in `base_url` of a config) and its control.
#[derive(Debug)]
pub struct Sandbox {
    /// The kind simulated.
    pub kind: SandboxKind,
    /// Socket address it listens on.
    pub addr: SocketAddr,
    /// Base URL to configure a backend with, e.g. `http://127.0.0.1:40123` (plus `/v1.1` for Storeden).
    pub base_url: String,
    /// Fault knobs and request log.
    pub control: Arc<Control>,
    admin: SandboxAdmin,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Sandbox {
    /// The test-only administration of this sandbox's orders: delete, copy at an instant, list ids.
    pub fn admin(&self) -> &SandboxAdmin {
        &self.admin
    }

    /// Stops serving. Dropping the sandbox does the same.
    pub fn shutdown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The full router of one sandbox: the vendor routes under their base path, the fault layer, the control
/// endpoints. Exposed so tests can drive it without a socket; [`start`] serves it.
pub fn router(kind: SandboxKind, opts: &SandboxOptions, control: Arc<Control>) -> Router {
    router_with_admin(kind, opts, control).0
}

/// As [`router`], with the test-only administration of the orders it serves.
pub fn router_with_admin(
    kind: SandboxKind,
    opts: &SandboxOptions,
    control: Arc<Control>,
) -> (Router, SandboxAdmin) {
    let (vendor, store) = kind.vendor_router(opts);
    let admin = SandboxAdmin::new(store, control.clone());
    let vendor =
        if kind.base_path().is_empty() { vendor } else { Router::new().nest(kind.base_path(), vendor) };
    let faulted = vendor.layer(middleware::from_fn_with_state((kind, control.clone()), fault_and_record));
    let orders = Router::new()
        .route("/_sandbox/orders", get(admin::list_ids))
        .route("/_sandbox/orders/{id}/delete", post(admin::delete))
        .route("/_sandbox/orders/{id}/copy", post(admin::copy))
        .with_state(admin.clone());
    let router = Router::new()
        .route("/_sandbox/requests", get(list_requests))
        .route("/_sandbox/faults", post(set_faults))
        .with_state(control)
        .merge(orders)
        .merge(faulted);
    (router, admin)
}

/// Serves `kind` on `listener` in a background task.
pub async fn start(
    kind: SandboxKind,
    opts: SandboxOptions,
    listener: TcpListener,
) -> std::io::Result<Sandbox> {
    let addr = listener.local_addr()?;
    let control = Arc::new(Control::new(opts.latency));
    let (app, admin) = router_with_admin(kind, &opts, control.clone());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let served = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = rx.await;
        });
        if let Err(error) = served.await {
            tracing::error!(%error, "sandbox server stopped");
        }
    });
    Ok(Sandbox {
        kind,
        addr,
        base_url: format!("http://{addr}{}", kind.base_path()),
        control,
        admin,
        shutdown: Some(tx),
    })
}

/// Binds `127.0.0.1:0` and serves `kind` there: the way tests start a sandbox.
pub async fn start_local(kind: SandboxKind, opts: SandboxOptions) -> std::io::Result<Sandbox> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    start(kind, opts, listener).await
}
