//! The transport over real loopback servers: plain and TLS, keep-alive, closed and refused connections.
//!
//! The servers are raw HTTP/1.1 written by hand over tokio's `TcpListener`, so each test decides the framing of
//! every answer and what happens to the socket after it, and can count the connections the transport opened.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::future::join_all;
use http::{Method, Request, StatusCode};
use http_body_util::Full;
use tokio::net::TcpListener;

use super::{Reply, Transport, TransportError, default_tls};

mod server;

use server::*;

/// The longest any one send may take before a test fails rather than hang.
const SEND_LIMIT: Duration = Duration::from_secs(5);
/// The transports' connect timeout, unless a test needs a shorter one.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// A transport to `url`'s origin keeping at most `max_idle` idle connections.
fn transport(url: &str, tls: Option<Arc<rustls::ClientConfig>>, max_idle: usize) -> Transport {
    let url = url::Url::parse(url).expect("a valid URL");
    Transport::new(&url, tls, CONNECT_TIMEOUT, max_idle).expect("a transport for the URL")
}

/// A GET of `target` (path and query).
fn get(target: &str) -> Request<Full<Bytes>> {
    Request::get(target).body(Full::new(Bytes::new())).expect("a valid GET request")
}

/// Sends `request`, failing the test if the send takes longer than [`SEND_LIMIT`].
async fn send(transport: &Transport, request: Request<Full<Bytes>>) -> Result<Reply, TransportError> {
    tokio::time::timeout(SEND_LIMIT, transport.send(request)).await.expect("the send finished in time")
}

/// Sends `request` and expects a reply.
async fn send_ok(transport: &Transport, request: Request<Full<Bytes>>) -> Reply {
    let target = request.uri().to_string();
    send(transport, request).await.unwrap_or_else(|error| panic!("send {target}: {error}"))
}

/// How many connections wait in the transport's pool.
fn idle_count(transport: &Transport) -> usize {
    transport.idle.lock().expect("the idle pool").len()
}

/// A body of `len` bytes in a repeating pattern, so a lost or reordered piece shows.
fn patterned(len: usize) -> Vec<u8> {
    (0..len).map(|i| b'a' + (i % 23) as u8).collect()
}

// ---- Keep-alive and framing ----

// Sequential sends share one connection, and status, headers, body, Host and target all travel exactly.
/// A connection idle for longer than the idle timeout is closed, not used: the next send opens another, and a
/// send within the timeout reuses its connection.
#[tokio::test]
async fn a_connection_idle_too_long_is_not_used() {
    let server = Server::start(|_| Answer::sized(200, b"ok")).await;
    let transport = transport(&server.http_url(), None, 4).with_idle_timeout(Duration::from_millis(100));
    send_ok(&transport, get("/a")).await;
    send_ok(&transport, get("/b")).await;
    assert_eq!(server.accepted(), 1, "a send within the idle timeout reuses the connection");
    tokio::time::sleep(Duration::from_millis(200)).await;
    send_ok(&transport, get("/c")).await;
    assert_eq!(server.accepted(), 2, "a connection idle too long is replaced");
    let conns: Vec<usize> = server.seen().iter().map(|seen| seen.conn).collect();
    assert_eq!(conns, [0, 0, 1]);
}

#[tokio::test]
async fn sequential_sends_reuse_one_connection() {
    let server = Server::start(|seen| {
        let status = [200, 201, 404][seen.index % 3];
        let body = format!("answer {} to {}", seen.index, seen.target);
        let head = response_head(
            status,
            &[("Content-Length", body.len().to_string()), ("X-Request", seen.index.to_string())],
        );
        Answer { parts: vec![[head, body.into_bytes()].concat()], then: Then::KeepOpen }
    })
    .await;
    let transport = transport(&server.http_url(), None, 4);

    for i in 0..20 {
        let target = format!("/v1/orders/{i}?page={i}&q=a%20b");
        let reply = send_ok(&transport, get(&target)).await;
        assert_eq!(reply.status, StatusCode::from_u16([200, 201, 404][i % 3]).expect("a status"));
        assert_eq!(reply.body, format!("answer {i} to {target}").as_bytes());
        assert_eq!(reply.headers.get("x-request").map(|v| v.as_bytes()), Some(i.to_string().as_bytes()));
    }

    assert_eq!(server.accepted(), 1, "all 20 sends on one connection");
    let seen = server.seen();
    assert_eq!(seen.len(), 20);
    let host = format!("127.0.0.1:{}", server.addr.port());
    for (i, request) in seen.iter().enumerate() {
        assert_eq!(request.method, "GET");
        assert_eq!(request.target, format!("/v1/orders/{i}?page={i}&q=a%20b"));
        assert_eq!(request.header("host"), Some(host.as_str()));
        assert_eq!(request.conn, 0);
    }
    assert_eq!(idle_count(&transport), 1);
}

// A POST arrives with its method, Content-Type, Content-Length and the exact body bytes.
#[tokio::test]
async fn post_sends_method_length_and_body() {
    let server = Server::start(|_| Answer::sized(201, br#"{"ok":true}"#)).await;
    let transport = transport(&server.http_url(), None, 4);
    let json = r#"{"order":{"id":"A-1","total":"12.50"},"note":"caffè ☕"}"#;
    let request = Request::builder()
        .method(Method::POST)
        .uri("/orders?dry_run=false")
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(json)))
        .expect("a valid POST request");

    let reply = send_ok(&transport, request).await;

    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.body, &br#"{"ok":true}"#[..]);
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].target, "/orders?dry_run=false");
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    assert_eq!(seen[0].header("content-length"), Some(json.len().to_string().as_str()));
    assert_eq!(seen[0].header("transfer-encoding"), None);
    assert_eq!(seen[0].body, json.as_bytes());
}

// A chunked answer arriving in several reads is joined whole, and its end is found (the connection is reused).
#[tokio::test]
async fn chunked_answer_is_read_whole() {
    let chunks = [b"first,".to_vec(), patterned(20_000), b"".to_vec(), b",last".to_vec()];
    let server = Server::start({
        let chunks = chunks.clone();
        move |_| {
            let mut parts = vec![response_head(200, &[("Transfer-Encoding", "chunked".to_string())])];
            for chunk in chunks.iter().filter(|c| !c.is_empty()) {
                parts.push(
                    [format!("{:x}\r\n", chunk.len()).into_bytes(), chunk.clone(), b"\r\n".to_vec()].concat(),
                );
            }
            parts.push(b"0\r\n\r\n".to_vec());
            Answer { parts, then: Then::KeepOpen }
        }
    })
    .await;
    let transport = transport(&server.http_url(), None, 4);
    let whole = chunks.concat();

    for _ in 0..2 {
        let reply = send_ok(&transport, get("/chunked")).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body.len(), whole.len());
        assert!(reply.body == whole, "the chunks joined in order");
    }
    assert_eq!(server.accepted(), 1, "the chunked answer's end was found, so its connection was reused");
}

// An answer framed by the connection's end is read whole, and that connection is not used again.
#[tokio::test]
async fn close_delimited_answer_is_read_whole_and_not_reused() {
    let body = patterned(100_000);
    let server = Server::start({
        let body = body.clone();
        move |seen| {
            if seen.index > 0 {
                return Answer::sized(200, b"second");
            }
            let mut parts = vec![response_head(200, &[("Connection", "close".to_string())])];
            parts.extend(body.chunks(30_000).map(<[u8]>::to_vec));
            Answer { parts, then: Then::Close }
        }
    })
    .await;
    let transport = transport(&server.http_url(), None, 4);

    let first = send_ok(&transport, get("/until-eof")).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body.len(), body.len());
    assert!(first.body == body, "the body up to the connection's end");
    assert_eq!(idle_count(&transport), 0, "a closed connection is not pooled");

    let second = send_ok(&transport, get("/next")).await;
    assert_eq!(second.body, &b"second"[..]);
    assert_eq!(server.accepted(), 2);
    assert_eq!(server.seen()[1].conn, 1, "the second request came on a new connection");
}

// ---- Connections the server closes ----

// A server that closes every connection after one answer costs no failed send: one connection per send.
#[tokio::test]
async fn server_closing_after_each_answer_costs_no_failures() {
    let server = Server::start(|seen| Answer {
        parts: Answer::sized(200, seen.target.as_bytes()).parts,
        then: Then::Close,
    })
    .await;
    let transport = transport(&server.http_url(), None, 4);

    for i in 0..10 {
        if i % 2 == 1 {
            // Half the sends come after the close has surely arrived, half straight after the answer.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let target = format!("/once/{i}");
        let reply = send_ok(&transport, get(&target)).await;
        assert_eq!(reply.body, target.as_bytes());
    }

    assert_eq!(server.accepted(), 10);
    let conns: Vec<usize> = server.seen().iter().map(|seen| seen.conn).collect();
    assert_eq!(conns, (0..10).collect::<Vec<_>>(), "each request on its own connection");
}

// A pooled connection that the server closes while it waits idle is noticed when taken and replaced.
#[tokio::test]
async fn idle_connection_closed_in_the_pool_is_replaced() {
    let server = Server::start(|seen| Answer {
        parts: Answer::sized(200, seen.target.as_bytes()).parts,
        then: Then::CloseAfter(Duration::from_millis(30)),
    })
    .await;
    let transport = transport(&server.http_url(), None, 4);

    let first = send_ok(&transport, get("/first")).await;
    assert_eq!(first.body, &b"/first"[..]);
    assert_eq!(idle_count(&transport), 1, "still open when the answer was read, so pooled");

    tokio::time::sleep(Duration::from_millis(150)).await;
    let second = send_ok(&transport, get("/second")).await;

    assert_eq!(second.body, &b"/second"[..]);
    assert_eq!(server.accepted(), 2);
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "the request went once, on the new connection");
    assert_eq!(seen[1].conn, 1);
}

// ---- Concurrency and the pool's bound ----

// Concurrent sends each get their own answer; the pool keeps at most `max_idle` and reuses them after.
#[tokio::test]
async fn concurrent_sends_get_their_own_answers_and_the_pool_is_bounded() {
    const MAX_IDLE: usize = 4;
    let server = Server::start(|seen| Answer::sized(200, seen.target.as_bytes())).await;
    let transport = transport(&server.http_url(), None, MAX_IDLE);
    let burst = |round: usize| {
        let transport = &transport;
        join_all((0..16).map(move |i| async move {
            let target = format!("/echo/{round}/{i}");
            (target.clone(), send_ok(transport, get(&target)).await)
        }))
    };

    for (target, reply) in burst(0).await {
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body, target.as_bytes());
    }
    let after_first = server.accepted();
    assert!((1..=16).contains(&after_first), "{after_first} connections for 16 sends");
    assert_eq!(idle_count(&transport), MAX_IDLE, "the pool keeps max_idle connections");

    for (target, reply) in burst(1).await {
        assert_eq!(reply.body, target.as_bytes());
    }
    let opened = server.accepted() - after_first;
    assert!(opened <= 16 - MAX_IDLE, "the second burst opened {opened}, though {MAX_IDLE} were idle");
    assert_eq!(idle_count(&transport), MAX_IDLE);

    let before = server.accepted();
    for i in 0..8 {
        let target = format!("/echo/sequential/{i}");
        assert_eq!(send_ok(&transport, get(&target)).await.body, target.as_bytes());
    }
    assert_eq!(server.accepted(), before, "sequential sends reuse the pooled connections");
    assert_eq!(server.seen().len(), 40);
}

// ---- Failures ----

// A send dropped while the body stalls leaves nothing behind: the next send gets its answer on a new connection.
#[tokio::test]
async fn stalled_body_times_out_and_the_next_send_uses_a_fresh_connection() {
    let server = Server::start(|seen| {
        if seen.index > 0 {
            return Answer::sized(200, b"recovered");
        }
        let head = response_head(200, &[("Content-Length", "100".to_string())]);
        Answer { parts: vec![[head, b"only part".to_vec()].concat()], then: Then::Stall }
    })
    .await;
    let transport = transport(&server.http_url(), None, 4);

    let stalled = tokio::time::timeout(Duration::from_millis(200), transport.send(get("/slow"))).await;
    assert!(stalled.is_err(), "the stalled body hit the caller's timeout: {stalled:?}");
    assert_eq!(idle_count(&transport), 0, "the abandoned connection is not pooled");

    let reply = send_ok(&transport, get("/after")).await;
    assert_eq!(reply.body, &b"recovered"[..]);
    assert_eq!(server.accepted(), 2);
    assert_eq!(server.seen()[1].conn, 1, "the next send came on a new connection");
}

// A port with nothing listening is a connect error.
#[tokio::test]
async fn nothing_listening_is_a_connect_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let addr = listener.local_addr().expect("the listener's address");
    drop(listener);
    let transport = transport(&format!("http://{addr}/"), None, 4);

    let error = send(&transport, get("/")).await.expect_err("nobody listens");

    assert!(matches!(error, TransportError::Connect(_)), "{error:?}");
}

// A TLS handshake the server never answers is bounded by the connect timeout.
#[tokio::test]
async fn silent_tls_handshake_hits_the_connect_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let port = listener.local_addr().expect("the listener's address").port();
    // Accepts and holds the connection, saying nothing.
    let silent = tokio::spawn(async move {
        let held = listener.accept().await;
        std::future::pending::<()>().await;
        drop(held);
    });
    let (_, client) = localhost_tls();
    let url = url::Url::parse(&format!("https://localhost:{port}/")).expect("a valid URL");
    let transport = Transport::new(&url, Some(client), Duration::from_millis(200), 4).expect("a transport");

    let error = send(&transport, get("/")).await.expect_err("the handshake never finishes");

    assert!(matches!(&error, TransportError::Connect(message) if message == "timed out"), "{error:?}");
    silent.abort();
}

// A fresh connection closed without an answer is a transit error, and the request is not sent again.
#[tokio::test]
async fn hang_up_on_a_fresh_connection_is_a_transit_error() {
    let server = Server::start(|_| Answer::hang_up()).await;
    let transport = transport(&server.http_url(), None, 4);

    let error = send(&transport, get("/hang-up")).await.expect_err("no answer");

    assert!(matches!(error, TransportError::Transit(_)), "{error:?}");
    assert_eq!(server.accepted(), 1, "no retry on another connection");
    assert_eq!(server.seen().len(), 1);
}

// A reused connection closed after the request went out is a transit error; the request is not sent twice.
#[tokio::test]
async fn hang_up_after_a_sent_request_is_not_retried() {
    let server = Server::start(|seen| match seen.index {
        0 => Answer::sized(200, b"first"),
        _ => Answer::hang_up(),
    })
    .await;
    let transport = transport(&server.http_url(), None, 4);
    assert_eq!(send_ok(&transport, get("/first")).await.body, &b"first"[..]);

    let request = Request::post("/orders").body(Full::new(Bytes::from_static(b"{}"))).expect("a POST");
    let error = send(&transport, request).await.expect_err("no answer");

    assert!(matches!(error, TransportError::Transit(_)), "{error:?}");
    assert_eq!(server.accepted(), 1);
    assert_eq!(server.seen().len(), 2, "the POST was sent once");
}

// ---- TLS and origins ----

// Over TLS with a trusted certificate the answers arrive, on one kept-alive connection.
#[tokio::test]
async fn tls_with_a_trusted_certificate_gets_the_answer() {
    let (acceptor, client) = localhost_tls();
    let server = Server::start_tls(acceptor, |seen| Answer::sized(200, seen.target.as_bytes())).await;
    let port = server.addr.port();
    let transport = transport(&format!("https://localhost:{port}/"), Some(client), 4);

    for target in ["/secure?a=1", "/secure?a=2"] {
        let reply = send_ok(&transport, get(target)).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body, target.as_bytes());
    }

    assert_eq!(server.accepted(), 1);
    let host = format!("localhost:{port}");
    assert!(server.seen().iter().all(|seen| seen.header("host") == Some(host.as_str())));
}

// The default TLS configuration (Mozilla roots) refuses a self-signed certificate, as a connect error.
#[tokio::test]
async fn default_tls_rejects_an_unknown_certificate() {
    let (acceptor, _) = localhost_tls();
    let server = Server::start_tls(acceptor, |_| Answer::sized(200, b"unreachable")).await;
    let tls = default_tls().expect("the default TLS configuration");
    let transport = transport(&format!("https://localhost:{}/", server.addr.port()), Some(tls), 4);

    let error = send(&transport, get("/")).await.expect_err("an untrusted certificate");

    assert!(matches!(&error, TransportError::Connect(message) if message.contains("TLS")), "{error:?}");
    assert!(server.seen().is_empty(), "no request crossed the failed handshake");
}

// Only http and https URLs make a transport, https only with a TLS configuration; Host omits default ports.
#[test]
fn new_checks_the_scheme_and_sets_the_host_header() {
    let new = |url: &str, tls: Option<Arc<rustls::ClientConfig>>| {
        Transport::new(&url::Url::parse(url).expect("a valid URL"), tls, CONNECT_TIMEOUT, 4)
    };
    let tls = default_tls().expect("the default TLS configuration");

    assert!(new("ftp://example.com/", None).is_err());
    assert!(new("https://example.com/", None).is_err(), "https without a TLS configuration");

    let cases = [
        ("http://example.com/api", "example.com", 80, "example.com"),
        ("http://example.com:8080/", "example.com", 8080, "example.com:8080"),
        ("https://example.com:443/", "example.com", 443, "example.com"),
        ("https://example.com:8443/", "example.com", 8443, "example.com:8443"),
        ("http://[::1]:9000/", "::1", 9000, "[::1]:9000"),
    ];
    for (url, host, port, authority) in cases {
        let transport = new(url, Some(tls.clone())).expect("a transport");
        assert_eq!((transport.host.as_str(), transport.port), (host, port), "{url}");
        assert_eq!(transport.authority, authority, "{url}");
    }
}
