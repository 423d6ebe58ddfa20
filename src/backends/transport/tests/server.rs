//! A raw HTTP/1.1 server on loopback for the transport's tests, plain or TLS: each test decides the framing of
//! every answer and what happens to the socket after it, and counts the connections the transport opened.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::pki_types::PrivatePkcs8KeyDer;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

/// The server's pause between the parts of an answer, so the client reads them separately.
const PART_PAUSE: Duration = Duration::from_millis(5);

/// One request as the server read it off the wire.
#[derive(Debug, Clone)]
pub(super) struct Seen {
    /// Its place among all the requests the server read, from 0.
    pub(super) index: usize,
    /// The connection it came on, numbered from 0 in the order the server accepted them.
    pub(super) conn: usize,
    pub(super) method: String,
    /// The request target exactly as sent (path and query).
    pub(super) target: String,
    /// Header names lower-cased, values trimmed, in the order sent.
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
}

impl Seen {
    /// The first value of the header `name` (lower case).
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// What the server does with a connection once it has written an answer.
#[derive(Debug, Clone, Copy)]
pub(super) enum Then {
    /// Reads the next request.
    KeepOpen,
    /// Shuts the socket down and drops it.
    Close,
    /// Waits this long, then shuts the socket down (an idle timeout on the server's side).
    CloseAfter(Duration),
    /// Holds the socket open, reading and writing nothing more.
    Stall,
}

/// An answer: bytes written in parts, with a pause between parts, then what becomes of the connection.
pub(super) struct Answer {
    pub(super) parts: Vec<Vec<u8>>,
    pub(super) then: Then,
}

impl Answer {
    /// `status` and `body` framed by Content-Length, on a connection that stays open.
    pub(super) fn sized(status: u16, body: &[u8]) -> Answer {
        let head = response_head(status, &[("Content-Length", body.len().to_string())]);
        Answer { parts: vec![[head, body.to_vec()].concat()], then: Then::KeepOpen }
    }

    /// No answer at all: the server reads the request and closes the connection.
    pub(super) fn hang_up() -> Answer {
        Answer { parts: Vec::new(), then: Then::Close }
    }
}

/// A response head: the status line, `headers` and the blank line.
pub(super) fn response_head(status: u16, headers: &[(&str, String)]) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status} Test\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// What the server's tasks share: how to answer, and what they saw.
pub(super) struct State {
    pub(super) answer: Box<dyn Fn(&Seen) -> Answer + Send + Sync>,
    pub(super) accepted: AtomicUsize,
    pub(super) seen: Mutex<Vec<Seen>>,
}

/// A raw HTTP/1.1 server on `127.0.0.1:0`, plain or TLS. Dropping it stops it and all its connections.
pub(super) struct Server {
    pub(super) addr: SocketAddr,
    pub(super) state: Arc<State>,
    pub(super) task: JoinHandle<()>,
}

impl Server {
    /// A plain server answering each request with `answer`.
    pub(super) async fn start(answer: impl Fn(&Seen) -> Answer + Send + Sync + 'static) -> Server {
        Server::launch(Box::new(answer), None).await
    }

    /// A TLS server (handshakes with `acceptor`) answering each request with `answer`.
    pub(super) async fn start_tls(
        acceptor: TlsAcceptor,
        answer: impl Fn(&Seen) -> Answer + Send + Sync + 'static,
    ) -> Server {
        Server::launch(Box::new(answer), Some(acceptor)).await
    }

    pub(super) async fn launch(
        answer: Box<dyn Fn(&Seen) -> Answer + Send + Sync>,
        tls: Option<TlsAcceptor>,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
        let addr = listener.local_addr().expect("the listener's address");
        let state = Arc::new(State { answer, accepted: AtomicUsize::new(0), seen: Mutex::new(Vec::new()) });
        let task = tokio::spawn(accept_loop(listener, tls, state.clone()));
        Server { addr, state, task }
    }

    /// How many connections the server has accepted.
    pub(super) fn accepted(&self) -> usize {
        self.state.accepted.load(Ordering::SeqCst)
    }

    /// The requests read so far, in order.
    pub(super) fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().expect("the request log").clone()
    }

    /// `http://127.0.0.1:<port>/`.
    pub(super) fn http_url(&self) -> String {
        format!("http://{}/", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Accepts connections and serves each on its own task. The tasks live in a `JoinSet` owned here, so aborting
/// this loop ends them too.
pub(super) async fn accept_loop(listener: TcpListener, tls: Option<TlsAcceptor>, state: Arc<State>) {
    let mut connections = JoinSet::new();
    while let Ok((tcp, _)) = listener.accept().await {
        let conn = state.accepted.fetch_add(1, Ordering::SeqCst);
        let (tls, state) = (tls.clone(), state.clone());
        connections.spawn(async move {
            match tls {
                None => serve_connection(tcp, conn, &state).await,
                Some(tls) => {
                    if let Ok(stream) = tls.accept(tcp).await {
                        serve_connection(stream, conn, &state).await;
                    }
                }
            }
        });
        while connections.try_join_next().is_some() {}
    }
}

/// Reads requests off one connection and writes each its answer, until the client or the answer ends it. A
/// request is logged before its answer is written, so a client holding a reply can look it up.
pub(super) async fn serve_connection<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    conn: usize,
    state: &State,
) {
    let mut buffer = Vec::new();
    while let Some(mut request) = read_request(&mut stream, &mut buffer).await {
        let answer = {
            let mut seen = state.seen.lock().expect("the request log");
            request.index = seen.len();
            request.conn = conn;
            let answer = (state.answer)(&request);
            seen.push(request);
            answer
        };
        for (i, part) in answer.parts.iter().enumerate() {
            if i > 0 {
                tokio::time::sleep(PART_PAUSE).await;
            }
            if stream.write_all(part).await.is_err() || stream.flush().await.is_err() {
                return;
            }
        }
        match answer.then {
            Then::KeepOpen => {}
            Then::Close => {
                let _ = stream.shutdown().await;
                return;
            }
            Then::CloseAfter(delay) => {
                tokio::time::sleep(delay).await;
                let _ = stream.shutdown().await;
                return;
            }
            Then::Stall => std::future::pending::<()>().await,
        }
    }
}

/// Reads one request: the head up to the blank line, then a body of Content-Length bytes (the only framing
/// these servers read). Bytes past the request stay in `buffer` for the next one. `None` when the client
/// closed the connection or sent something that is not HTTP.
pub(super) async fn read_request<S: AsyncRead + Unpin>(stream: &mut S, buffer: &mut Vec<u8>) -> Option<Seen> {
    let head_end = loop {
        if let Some(at) = memchr::memmem::find(buffer, b"\r\n\r\n") {
            break at;
        }
        read_more(stream, buffer).await?;
    };
    let head = String::from_utf8(buffer.drain(..head_end + 4).take(head_end).collect()).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let target = request_line.next()?.to_string();
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_ascii_lowercase(), value.trim().to_string()))
        })
        .collect::<Option<Vec<_>>>()?;
    let length = match headers.iter().find(|(name, _)| name == "content-length") {
        Some((_, value)) => value.parse().ok()?,
        None => 0,
    };
    while buffer.len() < length {
        read_more(stream, buffer).await?;
    }
    let body = buffer.drain(..length).collect();
    Some(Seen { index: 0, conn: 0, method, target, headers, body })
}

/// Appends what the stream has next to `buffer`; `None` at its end or on an error.
pub(super) async fn read_more<S: AsyncRead + Unpin>(stream: &mut S, buffer: &mut Vec<u8>) -> Option<()> {
    let mut chunk = [0u8; 16 * 1024];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => None,
        Ok(n) => {
            buffer.extend_from_slice(&chunk[..n]);
            Some(())
        }
    }
}

/// A self-signed certificate for `localhost`: a TLS acceptor serving it, and a client configuration that
/// trusts it (and nothing else).
pub(super) fn localhost_tls() -> (TlsAcceptor, Arc<rustls::ClientConfig>) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("a self-signed certificate");
    let cert = certified.cert.der().clone();
    let key = PrivatePkcs8KeyDer::from(certified.signing_key.serialize_der());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("the server's protocol versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert.clone()], key.into())
        .expect("the server's certificate and key");
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert).expect("trust the self-signed certificate");
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("the client's protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    (TlsAcceptor::from(Arc::new(server)), Arc::new(client))
}

// ---- The client side ----
