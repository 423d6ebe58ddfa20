//! The sandboxes' test-only order admin (`Sandbox::admin()`, `/_sandbox/orders…`), checked through each
//! vendor's own API over loopback HTTP: a copy placed at an instant is listed first with that instant (in
//! the vendor's format and precision) and can be fetched by id; a deleted order is gone from the list and
//! its get answers the vendor's 404.

use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use ordergraph::sandbox::{SANDBOX_CREDENTIAL, Sandbox, SandboxKind, SandboxOptions, start_local};
use reqwest::{Client, RequestBuilder};
use serde_json::{Value, json};

const CRED: &str = SANDBOX_CREDENTIAL;

async fn sandbox(kind: SandboxKind) -> Sandbox {
    let opts = SandboxOptions { orders: 30, seed: 1, latency: Duration::ZERO };
    start_local(kind, opts).await.expect("sandbox starts")
}

/// The vendor's credentials on a request.
fn authed(kind: SandboxKind, request: RequestBuilder) -> RequestBuilder {
    match kind {
        SandboxKind::Vtex => request.header("X-VTEX-API-AppKey", CRED).header("X-VTEX-API-AppToken", CRED),
        SandboxKind::Wix => request.header("Authorization", CRED).header("wix-site-id", CRED),
        SandboxKind::Storeden => request.header("key", CRED).header("exchange", CRED),
        SandboxKind::Vesuviopay => request.header("X-Api-Key", CRED),
        SandboxKind::Merchantpro => request.basic_auth(CRED, Some(CRED)),
    }
}

async fn json_of(request: RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("sandbox answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// An id field that may be a JSON number (MerchantPro) or string.
fn id_text(value: &Value) -> String {
    value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string())
}

/// The first page of the vendor's list in its default (newest first) order: `(id, creation date text)`.
async fn first_page(client: &Client, sandbox: &Sandbox) -> Vec<(String, String)> {
    let base = &sandbox.base_url;
    let kind = sandbox.kind;
    let (status, body) = match kind {
        SandboxKind::Vtex => {
            json_of(authed(kind, client.get(format!("{base}/api/oms/pvt/orders?per_page=5")))).await
        }
        SandboxKind::Wix => {
            let search = json!({"search": {"cursorPaging": {"limit": 5}}});
            json_of(authed(kind, client.post(format!("{base}/ecom/v1/orders/search")).json(&search))).await
        }
        SandboxKind::Storeden => {
            json_of(authed(kind, client.get(format!("{base}/orders/list.json?limit=5")))).await
        }
        SandboxKind::Vesuviopay => {
            json_of(authed(kind, client.get(format!("{base}/api/v1/orders?limit=5")))).await
        }
        SandboxKind::Merchantpro => {
            json_of(authed(kind, client.get(format!("{base}/api/v2/orders?limit=5")))).await
        }
    };
    assert_eq!(status, 200, "{kind:?} list: {body}");
    let (rows, id, date) = match kind {
        SandboxKind::Vtex => (&body["list"], "orderId", "creationDate"),
        SandboxKind::Wix => (&body["orders"], "id", "createdDate"),
        SandboxKind::Storeden => (&body, "orderID", "orderDate"),
        SandboxKind::Vesuviopay => (&body["data"]["orders"], "id", "placedAt"),
        SandboxKind::Merchantpro => (&body["data"], "id", "date_created"),
    };
    rows.as_array()
        .expect("rows")
        .iter()
        .map(|row| (id_text(&row[id]), row[date].as_str().expect("date").to_string()))
        .collect()
}

/// The vendor's get of one order: its status and body.
async fn get(client: &Client, sandbox: &Sandbox, id: &str) -> (u16, Value) {
    let base = &sandbox.base_url;
    let url = match sandbox.kind {
        SandboxKind::Vtex => format!("{base}/api/oms/pvt/orders/{id}"),
        SandboxKind::Wix => format!("{base}/ecom/v1/orders/{id}"),
        SandboxKind::Storeden => format!("{base}/orders/order.json?orderID={id}"),
        SandboxKind::Vesuviopay => format!("{base}/api/v1/orders/{id}"),
        SandboxKind::Merchantpro => format!("{base}/api/v2/orders/{id}"),
    };
    json_of(authed(sandbox.kind, client.get(url))).await
}

/// The creation instant the vendor's get states, in milliseconds.
fn created_on_get(kind: SandboxKind, body: &Value) -> i64 {
    let text = |v: &Value| DateTime::parse_from_rfc3339(v.as_str().expect("date")).expect("RFC 3339");
    match kind {
        SandboxKind::Vtex => text(&body["creationDate"]).timestamp_millis(),
        SandboxKind::Wix => text(&body["order"]["createdDate"]).timestamp_millis(),
        SandboxKind::Storeden => {
            let date = &body["orderDate"];
            date["sec"].as_i64().expect("sec") * 1000 + date["usec"].as_i64().expect("usec") / 1000
        }
        SandboxKind::Vesuviopay => text(&body["data"]["placedAt"]).timestamp_millis(),
        SandboxKind::Merchantpro => text(&body["date_created"]).timestamp_millis(),
    }
}

/// A listed date text as an instant (Storeden writes `+0100`, without the colon).
fn listed_instant(kind: SandboxKind, text: &str) -> DateTime<FixedOffset> {
    match kind {
        SandboxKind::Storeden => DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%z"),
        _ => DateTime::parse_from_rfc3339(text),
    }
    .unwrap_or_else(|e| panic!("{kind:?} date {text}: {e}"))
}

/// Whether `id` has the vendor's native id shape.
fn has_vendor_shape(kind: SandboxKind, id: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
    let uuid = |s: &str| {
        let parts: Vec<&str> = s.split('-').collect();
        parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12] && parts.iter().all(|p| hex(p))
    };
    match kind {
        SandboxKind::Vtex => id.strip_suffix("-01").is_some_and(digits),
        SandboxKind::Wix | SandboxKind::Vesuviopay => uuid(id),
        SandboxKind::Storeden => {
            id.split_once('_').is_some_and(|(shop, tail)| digits(shop) && tail.len() == 13 && hex(tail))
        }
        SandboxKind::Merchantpro => digits(id),
    }
}

/// The vendor's precision of the listed creation date, in milliseconds.
fn list_precision_ms(kind: SandboxKind) -> i64 {
    match kind {
        SandboxKind::Vtex | SandboxKind::Wix => 1,
        _ => 1000,
    }
}

// For each kind: a copy placed after every order is listed first with that instant, in the vendor's id
// shape, and fetchable by id with the same instant; the template is still there, unchanged in place.
#[tokio::test]
async fn a_copy_is_listed_first_with_its_instant_and_fetchable() {
    let client = Client::new();
    let placed_at = DateTime::parse_from_rfc3339("2031-03-04T05:06:07.250+01:00").expect("instant");
    for kind in SandboxKind::ALL {
        let sandbox = sandbox(kind).await;
        let before = first_page(&client, &sandbox).await;
        let template = before[1].0.clone();
        let copy = sandbox.admin().create_like(&template, placed_at).expect("template exists");
        assert!(has_vendor_shape(kind, &copy), "{kind:?}: {copy}");
        assert_ne!(copy, template);
        assert_eq!(sandbox.admin().native_ids_newest_first()[0], copy, "{kind:?}");

        let after = first_page(&client, &sandbox).await;
        assert_eq!(after[0].0, copy, "{kind:?}: the copy is listed first");
        let precision = list_precision_ms(kind);
        let listed = listed_instant(kind, &after[0].1).timestamp_millis();
        assert_eq!(listed, placed_at.timestamp_millis() / precision * precision, "{kind:?}: {}", after[0].1);
        let previous: Vec<&String> = before.iter().map(|(id, _)| id).collect();
        let shifted: Vec<&String> = after[1..].iter().map(|(id, _)| id).collect();
        assert_eq!(shifted, previous[..after.len() - 1], "{kind:?}: the others follow in place");

        let (status, body) = get(&client, &sandbox, &copy).await;
        assert_eq!(status, 200, "{kind:?}: {body}");
        let precision = if kind == SandboxKind::Storeden { 1 } else { precision };
        assert_eq!(
            created_on_get(kind, &body),
            placed_at.timestamp_millis() / precision * precision,
            "{kind:?}"
        );
        let (status, _) = get(&client, &sandbox, &template).await;
        assert_eq!(status, 200, "{kind:?}: the template stays");
        assert!(sandbox.admin().create_like("no-such-order", placed_at).is_none(), "{kind:?}");
    }
}

// For each kind: a deleted order leaves the list (the next one moves up) and its get answers 404; deleting
// it again answers false.
#[tokio::test]
async fn a_deleted_order_is_gone_from_list_and_get() {
    let client = Client::new();
    for kind in SandboxKind::ALL {
        let sandbox = sandbox(kind).await;
        let before = first_page(&client, &sandbox).await;
        let victim = before[2].0.clone();
        assert_eq!(get(&client, &sandbox, &victim).await.0, 200, "{kind:?}");
        assert!(sandbox.admin().delete(&victim), "{kind:?}");
        let after = first_page(&client, &sandbox).await;
        assert!(after.iter().all(|(id, _)| *id != victim), "{kind:?}");
        assert_eq!(after[2].0, before[3].0, "{kind:?}: the next order moves up");
        let (status, body) = get(&client, &sandbox, &victim).await;
        assert_eq!(status, 404, "{kind:?}: {body}");
        assert!(!sandbox.admin().native_ids_newest_first().contains(&victim), "{kind:?}");
        assert!(!sandbox.admin().delete(&victim), "{kind:?}: already gone");
    }
}

// Over HTTP: `GET /_sandbox/orders` lists ids newest first, `POST …/{id}/copy` answers the new id, `POST
// …/{id}/delete` 204 then 404; bad bodies are 400. None of it enters the request log, and memoised reads
// are dropped by each write.
#[tokio::test]
async fn the_admin_over_http_and_memoised_reads() {
    let client = Client::new();
    let sandbox = sandbox(SandboxKind::Vesuviopay).await;
    let root = format!("http://{}", sandbox.addr);
    sandbox.control.set_memoise(true);
    let listed = first_page(&client, &sandbox).await;
    let (status, ids) = json_of(client.get(format!("{root}/_sandbox/orders"))).await;
    assert_eq!(status, 200);
    let ids: Vec<String> = ids["ids"].as_array().expect("ids").iter().map(id_text).collect();
    assert_eq!(ids.len(), 30);
    assert_eq!(ids[..listed.len()], listed.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>()[..]);

    let copy_url = format!("{root}/_sandbox/orders/{}/copy", ids[0]);
    let (status, copied) =
        json_of(client.post(&copy_url).json(&json!({"placedAt": "2031-01-01T00:00:00Z"}))).await;
    assert_eq!(status, 200, "{copied}");
    let copy = copied["id"].as_str().expect("id").to_string();
    assert_eq!(first_page(&client, &sandbox).await[0].0, copy, "the copy shows although reads are memoised");
    let since = format!("{}/api/v1/orders?dateFrom=2030-12-31T00:00:00Z", sandbox.base_url);
    let (_, filtered) = json_of(authed(SandboxKind::Vesuviopay, client.get(since))).await;
    assert_eq!(filtered["data"]["orders"].as_array().map(Vec::len), Some(1), "{filtered}");
    assert_eq!(filtered["data"]["orders"][0]["id"], copy, "the vendor's date filter sees the new instant");
    let (status, _) = json_of(client.post(&copy_url).json(&json!({"placedAt": "yesterday"}))).await;
    assert_eq!(status, 400);
    let (status, _) = json_of(
        client
            .post(format!("{root}/_sandbox/orders/nope/copy"))
            .json(&json!({"placedAt": "2031-01-01T00:00:00Z"})),
    )
    .await;
    assert_eq!(status, 404);

    let delete_url = format!("{root}/_sandbox/orders/{copy}/delete");
    assert_eq!(client.post(&delete_url).send().await.expect("answer").status().as_u16(), 204);
    assert_eq!(
        first_page(&client, &sandbox).await[0].0,
        ids[0],
        "the deletion shows although reads are memoised"
    );
    assert_eq!(client.post(&delete_url).send().await.expect("answer").status().as_u16(), 404);
    assert_eq!(sandbox.control.count_matching("POST", "/_sandbox"), 0, "admin calls are not logged");
    assert_eq!(sandbox.control.count_matching("GET", "/api/v1/orders"), 4);
}
