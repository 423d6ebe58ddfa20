//! The client over loopback servers (axum on `127.0.0.1:0`): what a call sends, redirects, the answer size
//! bound, compression, timeouts, refused connections and connection reuse; and the pure parts (URLs, retries).

use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body as AxumBody;
use axum::extract::Request;
use axum::response::Response;
use axum::serve::ListenerExt as _;
use futures::StreamExt as _;

use super::*;

/// What the server saw of one request.
#[derive(Clone, Debug)]
struct Seen {
    method: Method,
    /// Path and query, as sent.
    target: String,
    headers: HeaderMap,
    body: Bytes,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A loopback server answering every request with `answer`, recording what it saw and counting the
/// connections it accepted.
struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    accepted: Arc<AtomicUsize>,
}

impl Server {
    async fn start(answer: impl Fn(&Seen) -> Response + Clone + Send + Sync + 'static) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("the listener's address"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let accepted = Arc::new(AtomicUsize::new(0));
        let handler = {
            let seen = seen.clone();
            move |request: Request| {
                let (seen, answer) = (seen.clone(), answer.clone());
                async move {
                    let (parts, body) = request.into_parts();
                    let body = axum::body::to_bytes(body, usize::MAX).await.expect("the request body");
                    let target = parts.uri.path_and_query().map(|pq| pq.to_string()).unwrap_or_default();
                    let request = Seen { method: parts.method, target, headers: parts.headers, body };
                    seen.lock().expect("the seen list").push(request.clone());
                    answer(&request)
                }
            }
        };
        let counter = accepted.clone();
        let listener = listener.tap_io(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        tokio::spawn(async move { axum::serve(listener, axum::Router::new().fallback(handler)).await });
        Server { url, seen, accepted }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("the seen list").clone()
    }

    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

/// An answer with `status`, `headers` and `body`.
fn answer(status: u16, headers: &[(&str, &str)], body: AxumBody) -> Response {
    let mut response = Response::builder().status(status);
    for (name, value) in headers {
        response = response.header(*name, *value);
    }
    response.body(body).expect("a valid response")
}

/// A body sent as `chunks` without a `Content-Length` (chunked), that then never ends when `stall`.
fn streamed(chunks: Vec<Vec<u8>>, stall: bool) -> AxumBody {
    let sent = futures::stream::iter(chunks.into_iter().map(|c| Ok::<_, std::io::Error>(Bytes::from(c))));
    if stall {
        AxumBody::from_stream(sent.chain(futures::stream::pending()))
    } else {
        AxumBody::from_stream(sent)
    }
}

fn config(base_url: &str) -> BackendConfig {
    BackendConfig {
        kind: crate::domain::BackendKind::Storeden,
        base_url: base_url.into(),
        timeout: Duration::from_secs(5),
        currency: None,
        max_concurrency: 2,
        max_response_bytes: crate::config::DEFAULT_MAX_RESPONSE_BYTES,
        credentials: Default::default(),
    }
}

fn client(config: &BackendConfig) -> HttpClient {
    HttpClient::new(&BackendName::parse("shop").expect("a backend name"), config, &[], |_| None)
        .expect("a client")
}

/// A client whose answers may be at most `limit` bytes.
fn bounded(url: &str, limit: usize) -> HttpClient {
    client(&BackendConfig { max_response_bytes: limit, ..config(url) })
}

/// Whether `error` is the answer-too-large error naming the config key.
fn is_too_large(error: &Error) -> bool {
    matches!(error, Error::Backend { message, .. }
        if message.contains("larger than 1000 bytes") && message.contains("backends.shop.max_response_bytes"))
}

// A call's request: the base path joined to the call's path, the query form-encoded, the auth headers sent (and
// marked sensitive, so no `Debug` shows them), `Accept`, `User-Agent`, compression offered, and JSON and form
// bodies with their content types.
#[tokio::test]
async fn requests_carry_the_path_query_body_and_hidden_credentials() {
    let server = Server::start(|_| answer(200, &[], AxumBody::from("{}"))).await;
    let config = config(&format!("{}/api/v1.1/", server.url));
    let auth = [("key", Secret::new("s3cr3t-key"))];
    let client = HttpClient::new(&BackendName::parse("shop").expect("a name"), &config, &auth, |_| None)
        .expect("a client");
    assert!(!format!("{client:?}").contains("s3cr3t"), "{client:?}");
    let inner = format!("{:?}", client.client);
    assert!(!inner.contains("s3cr3t") && inner.contains("Sensitive"), "{inner}");

    let query = [("status", "paid & shipped".to_string()), ("limit", "50".to_string())];
    client.get_json("list", "/orders/orders.json", &query).await.expect("the GET");
    let json = Body::Json(serde_json::json!({ "status": 3 }));
    client.json("mutate", Method::PUT, "/orders/1", &[], json).await.expect("the PUT");
    let form = Body::Form(vec![("note".into(), "a b&c".into())]);
    client.json("mutate", Method::POST, "/orders/1", &[], form).await.expect("the POST");

    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    let get = &seen[0];
    assert_eq!(
        (&get.method, get.target.as_str()),
        (&Method::GET, "/api/v1.1/orders/orders.json?status=paid+%26+shipped&limit=50")
    );
    assert_eq!(get.header("key"), Some("s3cr3t-key"));
    assert_eq!(get.header("accept"), Some("application/json"));
    assert_eq!(get.header("user-agent"), Some(USER_AGENT));
    assert!(USER_AGENT.starts_with("ordergraph/"));
    let encodings = get.header("accept-encoding").unwrap_or_default();
    assert!(encodings.contains("gzip") && encodings.contains("br"), "{encodings}");
    assert_eq!(get.header("content-type"), None);
    assert!(get.body.is_empty());

    let put = &seen[1];
    assert_eq!((&put.method, put.target.as_str()), (&Method::PUT, "/api/v1.1/orders/1"));
    assert_eq!(put.header("content-type"), Some("application/json"));
    assert_eq!(put.body, r#"{"status":3}"#);
    assert_eq!(put.header("key"), Some("s3cr3t-key"));

    let post = &seen[2];
    assert_eq!((&post.method, post.target.as_str()), (&Method::POST, "/api/v1.1/orders/1"));
    assert_eq!(post.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(post.body, "note=a+b%26c");
}

// A redirect is not followed: the call fails with a message naming where the backend points, and the backend
// is asked once (a 3xx is not retried, and the Location is not visited).
#[tokio::test]
async fn a_redirect_is_reported_not_followed() {
    let server = Server::start(|_| answer(301, &[("location", "/v2/orders")], AxumBody::empty())).await;
    let error = client(&config(&server.url)).get_json("list", "/orders", &[]).await.expect_err("a 301");
    match &error {
        Error::Backend { status: 301, message, .. } => {
            assert!(message.contains("redirected to /v2/orders"), "{message}");
            assert!(message.contains("set base_url"), "{message}");
        }
        other => panic!("expected a 301 backend error, got {other:?}"),
    }
    assert_eq!(error.code(), "BACKEND_ERROR");
    let seen = server.seen();
    assert_eq!(seen.iter().map(|s| s.target.as_str()).collect::<Vec<_>>(), ["/orders"]);
}

// An answer over `max_response_bytes` fails the call with BACKEND_ERROR, whether its Content-Length says so
// (refused before the body, which here never ends) or it is chunked (refused once the bound is passed, also
// before the body's end); an answer of exactly the bound is accepted, either way.
#[tokio::test]
async fn answers_over_max_response_bytes_are_refused_while_read() {
    let server = Server::start(|seen| match seen.target.as_str() {
        "/declared-big" => answer(200, &[("content-length", "5000")], streamed(vec![vec![b' '; 10]], true)),
        "/chunked-big" => answer(200, &[], streamed(vec![vec![b' '; 600], vec![b' '; 600]], true)),
        "/declared-fit" => answer(200, &[], AxumBody::from(format!("[{}]", " ".repeat(998)))),
        _ => answer(200, &[], streamed(vec![b"[".to_vec(), vec![b' '; 998], b"]".to_vec()], false)),
    })
    .await;
    let client = bounded(&server.url, 1000);
    for path in ["/declared-big", "/chunked-big"] {
        let started = Instant::now();
        let error = client.get_json("list", path, &[]).await.expect_err("too large");
        assert!(is_too_large(&error), "{path}: {error:?}");
        assert_eq!(error.code(), "BACKEND_ERROR");
        assert!(started.elapsed() < Duration::from_secs(2), "{path} refused before the call's timeout");
    }
    for path in ["/declared-fit", "/chunked-fit"] {
        let value = client.get_json("list", path, &[]).await.expect("an answer of exactly the bound");
        assert_eq!(value, serde_json::json!([]), "{path}");
    }
    assert_eq!(server.seen().len(), 4, "a too-large answer is not retried");
}

// A gzip-compressed answer is decoded, and the size bound counts its decompressed bytes.
#[tokio::test]
async fn gzip_answers_are_decoded_and_bounded_by_their_decompressed_size() {
    let gzip = |text: &str| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(text.as_bytes()).expect("compress");
        encoder.finish().expect("compress")
    };
    let small = gzip(r#"{"orders":[{"id":1}]}"#);
    let big = gzip(&format!("[{}]", " ".repeat(5000)));
    assert!(big.len() < 1000, "compressed, the big answer is under the bound");
    let server = Server::start(move |seen| {
        let body = if seen.target == "/small" { small.clone() } else { big.clone() };
        answer(200, &[("content-encoding", "gzip")], AxumBody::from(body))
    })
    .await;
    let client = bounded(&server.url, 1000);
    let value = client.get_json("list", "/small", &[]).await.expect("a decoded answer");
    assert_eq!(value, serde_json::json!({ "orders": [{ "id": 1 }] }));
    let error = client.get_json("list", "/big", &[]).await.expect_err("too large decompressed");
    assert!(is_too_large(&error), "{error:?}");
}

// A call whose answer does not finish within the backend's timeout (here the body stalls after its head) fails
// with BACKEND_TIMEOUT, and is not retried.
#[tokio::test]
async fn a_stalled_answer_times_out() {
    let server = Server::start(|_| answer(200, &[], streamed(vec![b"[".to_vec()], true))).await;
    let client = client(&BackendConfig { timeout: Duration::from_millis(150), ..config(&server.url) });
    let started = Instant::now();
    let error = client.get_json("list", "/slow", &[]).await.expect_err("a timeout");
    assert!(
        matches!(&error, Error::Timeout { timeout, .. } if *timeout == Duration::from_millis(150)),
        "{error:?}"
    );
    assert_eq!(error.code(), "BACKEND_TIMEOUT");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.seen().len(), 1);
}

// A port with nothing listening gives BACKEND_UNAVAILABLE with a fixed message that names neither the URL nor
// the credentials in it.
#[tokio::test]
async fn a_refused_connection_is_unavailable_with_a_safe_message() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let addr = listener.local_addr().expect("the listener's address");
    drop(listener);
    let client = client(&config(&format!("http://user:hunter2@{addr}/api")));
    let error =
        client.json("mutate", Method::POST, "/orders", &[], Body::Empty).await.expect_err("nothing listens");
    match &error {
        Error::Unavailable { status: None, message, .. } => assert_eq!(message, "connection failed"),
        other => panic!("expected unavailable, got {other:?}"),
    }
    assert_eq!(error.code(), "BACKEND_UNAVAILABLE");
    assert!(!format!("{error:?}").contains("hunter2") && !format!("{client:?}").contains("hunter2"));
}

// Sequential calls reuse one pooled connection.
#[tokio::test]
async fn sequential_calls_reuse_a_connection() {
    let server = Server::start(|seen| answer(200, &[], AxumBody::from(format!("\"{}\"", seen.target)))).await;
    let client = client(&config(&server.url));
    for i in 0..5 {
        let path = format!("/orders/{i}");
        assert_eq!(client.get_json("get", &path, &[]).await.expect("an answer"), Value::String(path));
    }
    assert_eq!(server.accepted(), 1, "five calls on one connection");
}

// A call's URL is the base URL (its path kept) followed by the call's path, as parsing the two joined would
// give; a path's `?` or `#` is part of the path, never a query or fragment. A base URL that is not http(s) is
// a config error.
#[test]
fn call_urls_extend_the_base_path() {
    let cases = [
        ("http://127.0.0.1:9/v1.1", "/orders/orders.json", "http://127.0.0.1:9/v1.1/orders/orders.json"),
        ("http://127.0.0.1:9/v1.1/", "/orders/orders.json", "http://127.0.0.1:9/v1.1/orders/orders.json"),
        ("https://shop.example", "/api/v2/orders/17", "https://shop.example/api/v2/orders/17"),
        ("https://shop.example/", "/api/oms/pvt/orders/1-01", "https://shop.example/api/oms/pvt/orders/1-01"),
        ("http://h", "/a b/%41", "http://h/a%20b/%41"),
    ];
    for (base, path, want) in cases {
        let url = client(&config(base)).url(path);
        assert_eq!(url.as_str(), want);
        assert_eq!(url, url::Url::parse(&format!("{}{path}", base.trim_end_matches('/'))).expect("a URL"));
    }
    let odd = client(&config("http://h/base")).url("/x?y=1#z");
    assert_eq!((odd.path(), odd.query(), odd.fragment()), ("/base/x%3Fy=1%23z", None, None));
    for bad in ["not a url", "ftp://shop.example/", "mailto:orders@shop.example"] {
        let made = HttpClient::new(&BackendName::parse("shop").expect("a name"), &config(bad), &[], |_| None);
        assert!(matches!(made, Err(Error::Config(_))), "{bad}");
    }
}

// The retry table: reads retry 5xx twice with backoff, 429 once when short, never timeouts or 4xx; mutations
// never retry.
#[test]
fn retry_policy_table() {
    let unavailable = Error::Unavailable { backend: "b".into(), status: Some(503), message: "x".into() };
    let short = Error::RateLimited { backend: "b".into(), retry_after: Some(Duration::from_millis(200)) };
    let long = Error::RateLimited { backend: "b".into(), retry_after: Some(Duration::from_secs(30)) };
    let timeout = Error::Timeout { backend: "b".into(), timeout: Duration::from_secs(1) };
    let bad = Error::Backend { backend: "b".into(), status: 400, native_code: None, message: "x".into() };
    let cases: &[(u32, &Error, bool, Option<Duration>)] = &[
        (0, &unavailable, true, Some(Duration::from_millis(50))),
        (1, &unavailable, true, Some(Duration::from_millis(150))),
        (2, &unavailable, true, None),
        (0, &unavailable, false, None),
        (0, &short, true, Some(Duration::from_millis(200))),
        (1, &short, true, None),
        (0, &long, true, None),
        (0, &timeout, true, None),
        (0, &bad, true, None),
    ];
    for (attempt, error, retryable, expected) in cases {
        assert_eq!(retry_delay(*attempt, error, *retryable), *expected, "{attempt} {error:?} {retryable}");
    }
}
