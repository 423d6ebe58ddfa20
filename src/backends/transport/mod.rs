//! The HTTP/1.1 transport under [`HttpClient`](super::http::HttpClient): one pool of keep-alive connections per
//! backend, each connection driven by the task that sends on it.
//!
//! A connection handed to its own task (what `reqwest` and hyper-util's pooled client do) costs every call
//! several trips through the runtime's run queue: the caller hands the request to the connection's task, which
//! writes it; when the answer arrives, that task reads the head and hands it back; the caller asks for the
//! body, which wakes the connection's task again to read it and hand it over. Under load each trip waits behind
//! every other queued task, and those waits add up on a request's critical path. Here the calling task polls
//! hyper's connection itself, alongside the answer it waits for, so the socket's readiness wakes the caller
//! directly and a call costs one wake-up when its answer arrives.
//!
//! Idle connections wait in the pool unpolled; one that the server closed meanwhile is noticed (and dropped)
//! when it is next taken, as is one idle for longer than [`IDLE_TIMEOUT`], and a request that such a connection refused before sending it is sent again on a
//! fresh one.

use std::fmt;
use std::future::{Future, poll_fn};
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::header::{HOST, HeaderMap, HeaderValue};
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::{Body as _, Incoming};
use hyper::client::conn::http1::{self, Connection, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

/// Why a call got no answer.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// No connection could be made (DNS, refused, TLS handshake, connect timeout).
    #[error("connection failed: {0}")]
    Connect(String),
    /// The connection failed while the request or its answer was in transit.
    #[error("the request failed in transit: {0}")]
    Transit(String),
}

/// A complete answer: status, headers and the whole body.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body, read to its end.
    pub body: Bytes,
}

/// The connections to one origin (`scheme://host:port`).
pub struct Transport {
    host: String,
    port: u16,
    /// The `Host` header: the host, and the port when it is not the scheme's default.
    authority: HeaderValue,
    tls: Option<TlsConnector>,
    connect_timeout: Duration,
    max_idle: usize,
    /// An idle connection older than this is closed rather than used (see [`Transport::with_idle_timeout`]).
    idle_timeout: Duration,
    idle: Mutex<Vec<Conn>>,
}

/// How long a connection may wait in the pool: under the idle timeouts of common servers and load balancers
/// (60 s and more), so that a connection they dropped without a word is not the one a call is written on.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls.is_some())
            .finish_non_exhaustive()
    }
}

type Driver = Connection<TokioIo<Stream>, Full<Bytes>>;

/// One keep-alive connection: the handle that sends requests, and the state machine that does its I/O.
struct Conn {
    send: SendRequest<Full<Bytes>>,
    driver: Driver,
    /// The driver finished (the connection closed or failed); it must not be polled again.
    done: bool,
    /// When it was last put back in the pool.
    idle_since: Instant,
}

impl Conn {
    /// Polls the connection's I/O once, unless it has finished.
    fn drive(&mut self, cx: &mut Context<'_>) {
        if !self.done && Pin::new(&mut self.driver).poll(cx).is_ready() {
            self.done = true;
        }
    }

    /// Whether an idle connection can take a request: it is still open and hyper is ready for the next one.
    fn ready(&mut self, cx: &mut Context<'_>) -> bool {
        for _ in 0..2 {
            self.drive(cx);
            if self.done || self.send.is_closed() {
                return false;
            }
            if let Poll::Ready(result) = self.send.poll_ready(cx) {
                return result.is_ok();
            }
        }
        false
    }
}

impl Transport {
    /// Connections to `url`'s origin (`http` or `https`), with `tls` for `https`.
    pub fn new(
        url: &url::Url,
        tls: Option<Arc<rustls::ClientConfig>>,
        connect_timeout: Duration,
        max_idle: usize,
    ) -> Result<Transport, String> {
        let host = url.host_str().ok_or("the URL has no host")?.to_string();
        let port = url.port_or_known_default().ok_or("the URL has no port")?;
        let tls = match url.scheme() {
            "http" => None,
            "https" => Some(TlsConnector::from(tls.ok_or("https needs a TLS configuration")?)),
            other => return Err(format!("the scheme {other:?} is not http or https")),
        };
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.clone(),
        };
        let authority = HeaderValue::from_str(&authority).map_err(|_| "the host is not a valid header")?;
        // `[::1]` in a URL; the socket address wants `::1`.
        let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
        Ok(Transport {
            host,
            port,
            authority,
            tls,
            connect_timeout,
            max_idle,
            idle_timeout: IDLE_TIMEOUT,
            idle: Mutex::new(Vec::new()),
        })
    }

    /// Closes idle connections older than `timeout` when they are next taken ([`IDLE_TIMEOUT`] by default).
    pub fn with_idle_timeout(mut self, timeout: Duration) -> Transport {
        self.idle_timeout = timeout;
        self
    }

    /// Sends `request` (whose URI holds only the path and query) and reads the whole answer. The caller bounds
    /// the call's time; a call dropped midway drops its connection.
    pub async fn send(&self, mut request: Request<Full<Bytes>>) -> Result<Reply, TransportError> {
        request.headers_mut().insert(HOST, self.authority.clone());
        let (mut conn, reused) = match self.checkout().await {
            Some(conn) => (conn, true),
            None => (self.connect().await?, false),
        };
        let response = match exchange(&mut conn, request).await {
            Ok(response) => response,
            // An idle connection the server closed as it was taken: the request was never sent.
            Err(Refused::Unsent(request)) if reused => {
                conn = self.connect().await?;
                exchange(&mut conn, *request).await.map_err(Refused::into_error)?
            }
            Err(refused) => return Err(refused.into_error()),
        };
        let (parts, body) = response.into_parts();
        let body = read_body(&mut conn, body).await?;
        self.checkin(conn).await;
        Ok(Reply { status: parts.status, headers: parts.headers, body })
    }

    /// An idle connection that is still open, the most recently used first.
    async fn checkout(&self) -> Option<Conn> {
        loop {
            let mut conn = self.idle.lock().ok()?.pop()?;
            if conn.idle_since.elapsed() <= self.idle_timeout
                && poll_fn(|cx| Poll::Ready(conn.ready(cx))).await
            {
                return Some(conn);
            }
        }
    }

    /// Puts a connection whose answer was read back in the pool, if it can take another request.
    async fn checkin(&self, mut conn: Conn) {
        if poll_fn(|cx| Poll::Ready(conn.ready(cx))).await
            && let Ok(mut idle) = self.idle.lock()
            && idle.len() < self.max_idle
        {
            conn.idle_since = Instant::now();
            idle.push(conn);
        }
    }

    async fn connect(&self) -> Result<Conn, TransportError> {
        let connect = async {
            let tcp = TcpStream::connect((self.host.as_str(), self.port))
                .await
                .map_err(|e| TransportError::Connect(e.kind().to_string()))?;
            let _ = tcp.set_nodelay(true);
            let stream = match &self.tls {
                None => Stream::Plain(tcp),
                Some(tls) => {
                    let name = rustls::pki_types::ServerName::try_from(self.host.clone())
                        .map_err(|_| TransportError::Connect("the host is not a valid TLS name".into()))?;
                    let stream = tls
                        .connect(name, tcp)
                        .await
                        .map_err(|e| TransportError::Connect(format!("TLS: {e}")))?;
                    Stream::Tls(Box::new(stream))
                }
            };
            let (send, driver) = http1::Builder::new()
                .handshake(TokioIo::new(stream))
                .await
                .map_err(|e| TransportError::Connect(e.to_string()))?;
            Ok(Conn { send, driver, done: false, idle_since: Instant::now() })
        };
        tokio::time::timeout(self.connect_timeout, connect)
            .await
            .map_err(|_| TransportError::Connect("timed out".into()))?
    }
}

/// Why an exchange got no answer head.
enum Refused {
    /// The connection refused the request before sending any of it (it had closed); here it is, to send again.
    Unsent(Box<Request<Full<Bytes>>>),
    /// It failed in transit.
    Failed(TransportError),
}

impl Refused {
    fn into_error(self) -> TransportError {
        match self {
            Refused::Unsent(_) => TransportError::Transit("the connection closed".into()),
            Refused::Failed(error) => error,
        }
    }
}

/// Sends `request` on `conn` and waits for the answer's head, polling the connection meanwhile.
async fn exchange(conn: &mut Conn, request: Request<Full<Bytes>>) -> Result<Response<Incoming>, Refused> {
    let mut response = std::pin::pin!(conn.send.try_send_request(request));
    poll_fn(|cx| {
        // Twice: the first poll of the answer may ask the connection for more, which only its next poll does.
        for _ in 0..2 {
            conn.drive(cx);
            if let Poll::Ready(result) = response.as_mut().poll(cx) {
                return Poll::Ready(result.map_err(|mut error| match error.take_message() {
                    Some(request) => Refused::Unsent(Box::new(request)),
                    None => Refused::Failed(TransportError::Transit(error.error().to_string())),
                }));
            }
        }
        Poll::Pending
    })
    .await
}

/// Reads `body` to its end, polling the connection that feeds it.
async fn read_body(conn: &mut Conn, mut body: Incoming) -> Result<Bytes, TransportError> {
    let mut first: Option<Bytes> = None;
    let mut rest = BytesMut::new();
    poll_fn(|cx| {
        let mut idle_rounds = 0;
        loop {
            conn.drive(cx);
            match Pin::new(&mut body).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => {
                    idle_rounds = 0;
                    let Ok(data) = frame.into_data() else { continue };
                    match &first {
                        None if rest.is_empty() => first = Some(data),
                        _ => {
                            if let Some(first) = first.take() {
                                rest.extend_from_slice(&first);
                            }
                            rest.extend_from_slice(&data);
                        }
                    }
                }
                Poll::Ready(Some(Err(error))) => {
                    return Poll::Ready(Err(TransportError::Transit(error.to_string())));
                }
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Pending => {
                    // Asking for the body may have told the connection to read on; give it one more poll.
                    idle_rounds += 1;
                    if idle_rounds >= 2 {
                        return Poll::Pending;
                    }
                }
            }
        }
    })
    .await?;
    Ok(match first {
        Some(first) => first,
        None => rest.freeze(),
    })
}

/// A connection's socket: plain TCP or TLS over it.
enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Plain(s) => s.is_write_vectored(),
            Stream::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// The TLS configuration for `https` backends: the Mozilla root certificates (`webpki-roots`), HTTP/1.1.
pub fn default_tls() -> Result<Arc<rustls::ClientConfig>, String> {
    let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    let mut config =
        rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests;
