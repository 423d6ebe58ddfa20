//! Tests of the MerchantPro sandbox's write endpoints: processing handlers, invoices, PATCH.

use super::*;

// Processing handlers answer {"ok":true} and follow the rules: no cancelling shipped orders, no shipping
// cancelled ones, delivered only after shipped; re-applying a status is a no-op; unknown ids/handlers 404.
#[tokio::test]
async fn processing_handlers_follow_the_rules() {
    let (app, control) = app(30, 7);
    let patch = |uri: String| {
        let app = app.clone();
        async move { call(&app, "PATCH", &uri, "").await }
    };
    let base = "/api/v2/orders/12345001";
    assert_eq!(patch(format!("{base}/delivered")).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(patch(format!("{base}/returned")).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(patch(format!("{base}/in_process")).await, (StatusCode::OK, json!({"ok": true})));
    assert_eq!(patch(format!("{base}/in_process")).await, (StatusCode::OK, json!({"ok": true})));
    assert_eq!(patch(format!("{base}/shipped")).await.1, json!({"ok": true}));
    let (_, order) = get(&app, base).await;
    assert_eq!(order["shipping_status"], json!("shipped"));
    assert!(order["date_shipped"].is_string());
    let (status, body) = patch(format!("{base}/cancelled")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], json!(400));
    assert_eq!(patch(format!("{base}/delivered")).await.0, StatusCode::OK);
    let (_, order) = get(&app, base).await;
    assert_eq!(
        (order["shipping_status"].clone(), order["payment_status"].clone()),
        (json!("delivered"), json!("paid"))
    );
    assert!(order["date_delivered"].is_string());
    assert_eq!(patch(format!("{base}/returned")).await.0, StatusCode::OK);
    assert_eq!(patch(format!("{base}/in_process")).await.0, StatusCode::BAD_REQUEST);

    let (_, waiting) = get(&app, "/api/v2/orders?shipping_status=awaiting&payment_status=temporary").await;
    let id = id_of(&rows(&waiting)[0]);
    assert_eq!(patch(format!("/api/v2/orders/{id}/cancelled")).await.0, StatusCode::OK);
    let (_, order) = get(&app, &format!("/api/v2/orders/{id}")).await;
    assert_eq!(
        (order["shipping_status"].clone(), order["payment_status"].clone()),
        (json!("cancelled"), json!("cancelled"))
    );
    assert_eq!(patch(format!("/api/v2/orders/{id}/shipped")).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(patch(format!("/api/v2/orders/{id}/cancelled")).await.0, StatusCode::OK);

    assert_eq!(patch(format!("{base}/archived")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(patch("/api/v2/orders/99999/shipped".to_string()).await.0, StatusCode::NOT_FOUND);
    assert_eq!(control.count_matching("PATCH", "/api/v2/orders/"), 14);
}

// create_invoice issues an invoice once; invoiced and cancelled orders are refused.
#[tokio::test]
async fn create_invoice_rules() {
    let (app, _) = app(30, 7);
    assert_eq!(
        call(&app, "PATCH", "/api/v2/orders/12345001/create_invoice", "").await.0,
        StatusCode::BAD_REQUEST
    );
    let (_, list) = get(&app, "/api/v2/orders?payment_status=temporary").await;
    let id = id_of(&rows(&list)[0]);
    assert!(rows(&list)[0]["invoice"].is_null());
    let uri = format!("/api/v2/orders/{id}/create_invoice");
    assert_eq!(call(&app, "PATCH", &uri, "").await, (StatusCode::OK, json!({"ok": true})));
    assert!(get(&app, &format!("/api/v2/orders/{id}")).await.1["invoice"]["url"].is_string());
    assert_eq!(call(&app, "PATCH", &uri, "").await.0, StatusCode::BAD_REQUEST);
    let (_, cancelled) = get(&app, "/api/v2/orders?payment_status=rejected").await;
    let uri = format!("/api/v2/orders/{}/create_invoice", id_of(&rows(&cancelled)[0]));
    assert_eq!(call(&app, "PATCH", &uri, "").await.0, StatusCode::BAD_REQUEST);
}

// PATCH tags replaces the list, assigns server ids to new names, reuses ids of known names, [] clears to null;
// shipping_awb and channel_ref_id are writable; read-only/unknown fields and bad JSON are 400s.
#[tokio::test]
async fn patch_updates_tags_and_fields() {
    let (app, _) = app(10, 1);
    let uri = "/api/v2/orders/12345001";
    let body = r#"{"tags":[{"name":"Excelent feedback"},{"name":"vip"},{"name":"vip"}]}"#;
    let (status, order) = call(&app, "PATCH", uri, body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(order["tags"], json!([{"id": 8, "name": "Excelent feedback"}, {"id": 1, "name": "vip"}]));
    assert!(order["line_items"].is_array() && order["total_amount"].is_number());
    let (_, found) = get(&app, "/api/v2/orders?tag_name=Excelent%20feedback").await;
    assert_eq!(found["meta"]["count"]["total"], json!(1));
    let (_, order) = call(&app, "PATCH", uri, r#"{"tags":[{"name":"vip"},{"id":8}]}"#).await;
    assert_eq!(order["tags"], json!([{"id": 1, "name": "vip"}, {"id": 8, "name": "Excelent feedback"}]));
    let (_, order) = call(&app, "PATCH", uri, r#"{"tags":[{"name":"gift"}]}"#).await;
    assert_eq!(order["tags"], json!([{"id": 2, "name": "gift"}]));
    let (_, order) = call(&app, "PATCH", uri, r#"{"tags":[]}"#).await;
    assert_eq!(order["tags"], Value::Null);

    let (status, order) = call(
        &app,
        "PATCH",
        uri,
        r#"{"shipping_awb":"2345678901","channel_ref_id":"EXT-77","shipping_amount":15}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, fetched) = get(&app, uri).await;
    assert_eq!(order, fetched);
    assert_eq!(
        (fetched["shipping_awb"].clone(), fetched["channel_ref_id"].clone()),
        (json!("2345678901"), json!("EXT-77"))
    );
    assert_eq!(fetched["shipping_tax_amount"].to_string(), "2.39");
    assert_eq!(fetched["total_amount"].to_string(), "468.05");

    for bad in [
        r#"{"total_amount":1}"#,
        r#"{"payment_status":"paid"}"#,
        r#"{"awb":"1"}"#,
        r#"{"tags":"vip"}"#,
        r#"{"tags":[{"name":""}]}"#,
        r#"{"tags":[{"id":777}]}"#,
        "not json",
        "[]",
        "",
    ] {
        let (status, body) = call(&app, "PATCH", uri, bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(body["error"]["code"], json!(400));
    }
    assert_eq!(call(&app, "PATCH", "/api/v2/orders/424242", r#"{"tags":[]}"#).await.0, StatusCode::NOT_FOUND);
}
