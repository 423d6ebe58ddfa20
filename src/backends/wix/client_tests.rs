use std::collections::BTreeMap;
use std::time::Duration;

use pretty_assertions::assert_eq;

use super::*;
use crate::config::Secret;
use crate::domain::BackendKind;

fn client() -> WixClient {
    let config = BackendConfig {
        kind: BackendKind::Wix,
        base_url: "http://127.0.0.1:1".into(),
        timeout: Duration::from_secs(1),
        currency: None,
        max_concurrency: 2,
        max_response_bytes: crate::config::DEFAULT_MAX_RESPONSE_BYTES,
        credentials: BTreeMap::from([
            ("api_key".to_string(), Secret::new("key")),
            ("site_id".to_string(), Secret::new("site")),
        ]),
    };
    WixClient::new(&BackendName::parse("wix").unwrap(), &config).unwrap()
}

fn failure(status: u16, body: &str) -> Failure {
    Failure { status, vendor: parse_error(body.as_bytes()).unwrap_or_default(), retry_after: None }
}

// Both documented error bodies parse; 5xx's empty body and foreign bodies give nothing.
#[test]
fn parses_every_documented_error_body() {
    let app = r#"{"message":"Order not found","details":{"applicationError":{"code":"NOT_FOUND","description":"Order 1 not found","data":{}}}}"#;
    assert_eq!(
        parse_error(app.as_bytes()),
        Some(VendorError { code: Some("NOT_FOUND".into()), message: Some("Order 1 not found".into()) })
    );
    let validation = r#"{"message":"INVALID_ARGUMENT","details":{"validationError":{"fieldViolations":[
        {"field":"fulfillment.lineItems","description":"must not be empty","violatedRule":"REQUIRED_FIELD","ruleName":"x","data":{}},
        {"field":"search.cursorPaging.limit","description":"must be at most 100","violatedRule":"MAX"}]}}}"#;
    assert_eq!(
        parse_error(validation.as_bytes()),
        Some(VendorError {
            code: Some(VALIDATION_CODE.into()),
            message: Some(
                "fulfillment.lineItems: must not be empty; search.cursorPaging.limit: must be at most 100"
                    .into()
            ),
        })
    );
    assert_eq!(
        parse_error(br#"{"message":"Something happened","details":{}}"#),
        Some(VendorError { code: None, message: Some("Something happened".into()) })
    );
    let only_message = r#"{"message":"m","details":{"applicationError":{"code":"ALREADY_EXISTS"}}}"#;
    assert_eq!(parse_error(only_message.as_bytes()).unwrap().message.as_deref(), Some("m"));
    assert_eq!(parse_error(b""), None);
    assert_eq!(parse_error(b"<html>502</html>"), None);
    assert_eq!(parse_error(b"{}"), None);
}

// Vendor codes map to the right errors per operation.
#[test]
fn maps_failures_to_errors() {
    let c = client();
    let id = NativeOrderId::new("o-1");
    let app = |code: &str| {
        format!(
            r#"{{"message":"x","details":{{"applicationError":{{"code":"{code}","description":"refused"}}}}}}"#
        )
    };
    let validation = r#"{"message":"bad","details":{"validationError":{"fieldViolations":[{"field":"id","description":"not a GUID"}]}}}"#;
    assert!(matches!(c.order_error(failure(404, ""), &id, Operation::Read), Error::NotFound { .. }));
    assert!(matches!(c.order_error(failure(400, validation), &id, Operation::Read), Error::NotFound { .. }));
    assert!(matches!(
        c.order_error(failure(404, &app("NOT_FOUND")), &id, Operation::Cancel),
        Error::NotFound { .. }
    ));
    match c.order_error(failure(409, &app("ALREADY_EXISTS")), &id, Operation::Fulfil) {
        Error::InvalidStatusTransition { message, .. } => assert!(message.contains("already fulfilled")),
        other => panic!("{other:?}"),
    }
    match c.order_error(failure(400, &app("ORDER_ALREADY_CANCELED")), &id, Operation::Cancel) {
        Error::InvalidStatusTransition { message, .. } => assert_eq!(message, "refused"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        c.order_error(failure(428, ""), &id, Operation::Cancel),
        Error::InvalidStatusTransition { .. }
    ));
    assert!(matches!(c.order_error(failure(409, ""), &id, Operation::Tags), Error::Conflict { .. }));
    match c.order_error(failure(400, validation), &id, Operation::Fulfil) {
        Error::Backend { status, native_code, message, .. } => {
            assert_eq!(
                (status, native_code.as_deref(), message.as_str()),
                (400, Some(VALIDATION_CODE), "id: not a GUID")
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(c.order_error(failure(401, ""), &id, Operation::Read), Error::Unauthenticated { .. }));
    assert!(matches!(c.order_error(failure(403, ""), &id, Operation::Cancel), Error::Forbidden { .. }));
    assert!(matches!(c.order_error(failure(429, ""), &id, Operation::Tags), Error::RateLimited { .. }));
    assert!(matches!(c.order_error(failure(503, ""), &id, Operation::Read), Error::Unavailable { .. }));
}

// Order ids are percent-encoded so they cannot change the path.
#[test]
fn encodes_path_segments() {
    assert_eq!(path_segment("265c7d98-a7c3-48c4-89cd-bbdc00921eab"), "265c7d98-a7c3-48c4-89cd-bbdc00921eab");
    assert_eq!(path_segment("a/../b?c#d"), "a%2F..%2Fb%3Fc%23d");
}
