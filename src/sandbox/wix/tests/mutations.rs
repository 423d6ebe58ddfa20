//! Tests of the Wix sandbox's write endpoints: cancel, tags, fulfillments.

use super::*;

// Cancel sets CANCELED and restocks on request; cancelling again is a 428 applicationError.
#[tokio::test]
async fn cancel_rules() {
    let app = app();
    let order = seeded(120, 7).into_iter().find(|o| o["status"] == "APPROVED").unwrap();
    let path = format!("/ecom/v1/orders/{}/cancel", order["id"].as_str().unwrap());
    let body = json!({"sendOrderCanceledEmail": false, "customMessage": "sorry", "restockAllItems": true});
    let (status, body) = call(&app, "POST", &path, Some(body)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["order"]["status"], "CANCELED");
    assert_eq!(body["order"]["paymentStatus"], order["paymentStatus"], "no refund");
    assert_eq!(body["order"]["lineItems"][0]["restockQuantity"], body["order"]["lineItems"][0]["quantity"]);
    let (status, body) = call(&app, "POST", &path, Some(json!({}))).await;
    assert_eq!(status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(body["details"]["applicationError"]["code"], "ORDER_ALREADY_CANCELED");
    let (status, _) = call(&app, "POST", "/ecom/v1/orders/nope/cancel", Some(json!({}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

// Bulk update-tags: assign wins over unassign, unassign removes, unknown tag ids refuse the call,
// unknown orders are per-item failures, and more than 100 order ids is a 400.
#[tokio::test]
async fn update_tags_rules() {
    let app = app();
    let (_, tags) = call(&app, "GET", "/tags/v1/tags?fqdn=wix.ecom.v1.order", None).await;
    let tag = |i: usize| tags["tags"][i]["id"].as_str().unwrap().to_string();
    let order = seeded(120, 7).into_iter().find(|o| o["status"] == "APPROVED").unwrap();
    let id = order["id"].as_str().unwrap();
    let body = json!({
        "orderIds": [id, "missing-order"],
        "assignTags": {"tags": {"tagIds": [tag(0), tag(1)]}},
        "unassignTags": {"tags": {"tagIds": [tag(1)]}},
    });
    let (status, body) = call(&app, "POST", "/ecom/v1/bulk/orders/update-tags", Some(body)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["results"][0]["itemMetadata"], json!({"id": id, "originalIndex": 0, "success": true}));
    assert_eq!(body["results"][1]["itemMetadata"]["success"], json!(false));
    assert_eq!(body["results"][1]["itemMetadata"]["error"]["code"], "NOT_FOUND");
    assert_eq!(
        body["bulkActionMetadata"],
        json!({"totalSuccesses": 1, "totalFailures": 1, "undetailedFailures": 0})
    );
    let (_, got) = call(&app, "GET", &format!("/ecom/v1/orders/{id}"), None).await;
    let ids = got["order"]["tags"]["tags"]["tagIds"].as_array().unwrap().clone();
    assert!(ids.contains(&json!(tag(0))) && ids.contains(&json!(tag(1))), "assign wins");
    let body = json!({"orderIds": [id], "unassignTags": {"tags": {"tagIds": [tag(0)]}}});
    call(&app, "POST", "/ecom/v1/bulk/orders/update-tags", Some(body)).await;
    let (_, got) = call(&app, "GET", &format!("/ecom/v1/orders/{id}"), None).await;
    assert!(!got["order"]["tags"]["tags"]["tagIds"].as_array().unwrap().contains(&json!(tag(0))));
    let body = json!({"orderIds": [id], "assignTags": {"tags": {"tagIds": ["no-such-tag"]}}});
    let (status, body) = call(&app, "POST", "/ecom/v1/bulk/orders/update-tags", Some(body)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["details"]["applicationError"]["code"], "TAG_NOT_FOUND");
    let many: Vec<String> = (0..101).map(|i| format!("id-{i}")).collect();
    let (status, _) =
        call(&app, "POST", "/ecom/v1/bulk/orders/update-tags", Some(json!({"orderIds": many}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

// The Tags API lists tag objects; create adds one; duplicates are 409, a missing fqdn is 400, 100 is the cap.
#[tokio::test]
async fn tags_api() {
    let app = app();
    let (status, body) = call(&app, "GET", "/tags/v1/tags?fqdn=wix.ecom.v1.order", None).await;
    assert_eq!(status, StatusCode::OK);
    let first = &body["tags"][0];
    for key in ["id", "revision", "createdDate", "updatedDate", "name", "fqdn"] {
        assert!(first[key].is_string(), "{key}");
    }
    let seeded_count = body["tags"].as_array().unwrap().len();
    let (status, _) = call(&app, "GET", "/tags/v1/tags", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let create = |name: String| json!({"tag": {"name": name, "fqdn": "wix.ecom.v1.order"}});
    let (status, body) = call(&app, "POST", "/tags/v1/tags", Some(create("returns".into()))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["tag"]["name"], "returns");
    let tag_id = body["tag"]["id"].as_str().unwrap().to_string();
    let (status, body) = call(&app, "GET", &format!("/tags/v1/tags/{tag_id}"), None).await;
    assert_eq!((status, body["tag"]["name"].clone()), (StatusCode::OK, json!("returns")));
    let (status, body) = call(&app, "POST", "/tags/v1/tags", Some(create("returns".into()))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["details"]["applicationError"]["code"], "ALREADY_EXISTS");
    for i in seeded_count + 1..100 {
        let (status, _) = call(&app, "POST", "/tags/v1/tags", Some(create(format!("t{i}")))).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, body) = call(&app, "POST", "/tags/v1/tags", Some(create("one-too-many".into()))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["details"]["applicationError"]["code"], "TAG_LIMIT_EXCEEDED");
}

// create-fulfillment ships lines (auto tracking link for known carriers), moves fulfillmentStatus to
// PARTIALLY_FULFILLED then FULFILLED, answers 409 once everything shipped, refuses canceled orders.
#[tokio::test]
async fn fulfillment_rules() {
    let app = app();
    let all = seeded(120, 7);
    let order = all
        .iter()
        .find(|o| {
            o["status"] == "APPROVED"
                && o["fulfillmentStatus"] == "NOT_FULFILLED"
                && o["lineItems"].as_array().unwrap().len() >= 2
        })
        .unwrap();
    let id = order["id"].as_str().unwrap();
    let path = format!("/ecom/v1/fulfillments/orders/{id}/create-fulfillment");
    let items = order["lineItems"].as_array().unwrap();
    let first = json!([{"id": items[0]["id"], "quantity": items[0]["quantity"]}]);
    let body = json!({"fulfillment": {"lineItems": first, "trackingInfo": {"trackingNumber": "1Z999", "shippingProvider": "ups"}}});
    let (status, body) = call(&app, "POST", &path, Some(body)).await;
    assert_eq!(status, StatusCode::OK);
    let fulfillment_id = body["fulfillmentId"].as_str().unwrap();
    assert_eq!(body["orderWithFulfillments"]["orderId"], id);
    let created = &body["orderWithFulfillments"]["fulfillments"][0];
    assert_eq!(created["id"], fulfillment_id);
    assert!(is_wix_time(created["createdDate"].as_str().unwrap()));
    assert!(created["trackingInfo"]["trackingLink"].as_str().unwrap().contains("1Z999"));
    let (_, got) = call(&app, "GET", &format!("/ecom/v1/orders/{id}"), None).await;
    assert_eq!(got["order"]["fulfillmentStatus"], "PARTIALLY_FULFILLED");
    let (status, _) = call(&app, "POST", &path, Some(json!({"fulfillment": {"lineItems": first}}))).await;
    assert_eq!(status, StatusCode::CONFLICT, "that line is already shipped");
    let rest: Vec<Value> =
        items[1..].iter().map(|i| json!({"id": i["id"], "quantity": i["quantity"]})).collect();
    let too_many = json!([{"id": items[1]["id"], "quantity": items[1]["quantity"].as_i64().unwrap() + 1}]);
    let (status, _) = call(&app, "POST", &path, Some(json!({"fulfillment": {"lineItems": too_many}}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = call(&app, "POST", &path, Some(json!({"fulfillment": {"lineItems": rest}}))).await;
    assert_eq!(status, StatusCode::OK);
    let (_, got) = call(&app, "GET", &format!("/ecom/v1/orders/{id}"), None).await;
    assert_eq!(got["order"]["fulfillmentStatus"], "FULFILLED");
    let (status, body) = call(&app, "POST", &path, Some(json!({"fulfillment": {"lineItems": first}}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["details"]["applicationError"]["code"], "ALREADY_EXISTS");
    let (status, body) = call(&app, "GET", &format!("/ecom/v1/fulfillments/orders/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["orderWithFulfillments"]["fulfillments"].as_array().unwrap().len(), 2);
    let canceled = all.iter().find(|o| o["status"] == "CANCELED").unwrap();
    let path =
        format!("/ecom/v1/fulfillments/orders/{}/create-fulfillment", canceled["id"].as_str().unwrap());
    let line = json!([{"id": canceled["lineItems"][0]["id"], "quantity": 1}]);
    let (status, _) = call(&app, "POST", &path, Some(json!({"fulfillment": {"lineItems": line}}))).await;
    assert_eq!(status, StatusCode::PRECONDITION_REQUIRED);
}
