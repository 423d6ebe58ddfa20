//! Calls to the Wix REST API over [`HttpClient`]: auth headers, paths, bodies, and Wix's error bodies.

use ::http::Method;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use super::wire;
use crate::backends::http::{Body, Failure, HttpClient, VendorError, retry_delay};
use crate::config::BackendConfig;
use crate::domain::{BackendName, NativeOrderId};
use crate::error::{Error, Result, shorten};

/// The FQDN of eCom orders in the Tags API.
pub const ORDER_FQDN: &str = "wix.ecom.v1.order";

/// The code the error parser gives request-validation errors (`details.validationError`).
pub const VALIDATION_CODE: &str = "INVALID_ARGUMENT";

/// Parses Wix's error bodies: `{"message","details":{"applicationError":{"code","description","data"}}}` or
/// `{"message","details":{"validationError":{"fieldViolations":[…]}}}`. 5xx answers have an empty body (`None`).
pub fn parse_error(body: &[u8]) -> Option<VendorError> {
    let parsed: wire::ErrorBody = serde_json::from_slice(body).ok()?;
    let message = parsed.message.filter(|m| !m.trim().is_empty());
    if let Some(app) = parsed.details.application_error {
        return Some(VendorError {
            code: app.code.filter(|c| !c.is_empty()),
            message: app.description.filter(|d| !d.trim().is_empty()).or(message),
        });
    }
    if let Some(validation) = parsed.details.validation_error {
        let described: Vec<String> = validation
            .field_violations
            .iter()
            .map(|v| match (&v.field, &v.description) {
                (Some(field), Some(description)) => format!("{field}: {description}"),
                (Some(field), None) => format!("{field} is invalid"),
                (None, Some(description)) => description.clone(),
                (None, None) => v.rule_name.clone().or_else(|| v.violated_rule.clone()).unwrap_or_default(),
            })
            .filter(|s| !s.is_empty())
            .collect();
        let text = if described.is_empty() { message } else { Some(described.join("; ")) };
        return Some(VendorError { code: Some(VALIDATION_CODE.into()), message: text });
    }
    message.map(|m| VendorError { code: None, message: Some(m) })
}

/// Percent-encodes one path segment (an order id) so no id can change the path.
pub fn path_segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// One Wix site's API.
#[derive(Clone, Debug)]
pub struct WixClient {
    http: HttpClient,
}

impl WixClient {
    /// A client sending `Authorization: <api_key>` (no `Bearer`) and `wix-site-id: <site_id>`.
    pub fn new(name: &BackendName, config: &BackendConfig) -> Result<Self> {
        let auth =
            [("authorization", config.credential("api_key")), ("wix-site-id", config.credential("site_id"))];
        Ok(WixClient { http: HttpClient::new(name, config, &auth, parse_error)? })
    }

    /// The backend's name, for errors.
    pub fn backend(&self) -> String {
        self.http.backend().to_string()
    }

    /// `POST /ecom/v1/orders/search`. A read, so retried like GETs (the HTTP client retries only GETs itself).
    /// The answer's `orders` are kept as their JSON text.
    pub async fn search(&self, body: &Value) -> Result<wire::SearchResponse> {
        let mut attempt = 0;
        loop {
            let outcome = self
                .http
                .call("searchOrders", Method::POST, "/ecom/v1/orders/search", &[], Body::Json(body.clone()))
                .await;
            let error = match outcome {
                Ok(Ok(bytes)) => return self.http.decode_bytes(&bytes),
                Ok(Err(error)) => error,
                Err(failure) => self.http.failure_error(failure),
            };
            match retry_delay(attempt, &error, true) {
                Some(delay) => {
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                None => return Err(error),
            }
        }
    }

    /// `GET /ecom/v1/orders/{id}`: the order's raw text (decode it with [`crate::backends::decode::decode_raw`]
    /// at `order`); 404 is `NotFound`.
    pub async fn get_order(&self, id: &NativeOrderId) -> Result<Box<RawValue>> {
        let path = format!("/ecom/v1/orders/{}", path_segment(id.as_str()));
        let bytes = match self.http.call("getOrder", Method::GET, &path, &[], Body::Empty).await {
            Ok(result) => result?,
            Err(failure) => return Err(self.order_error(failure, id, Operation::Read)),
        };
        let answer: wire::GetOrderResponse = self.http.decode_bytes(&bytes)?;
        Ok(answer.order)
    }

    /// `GET /tags/v1/tags?fqdn=wix.ecom.v1.order`: every order tag (Wix allows at most 100 per FQDN).
    pub async fn list_tags(&self) -> Result<Vec<wire::Tag>> {
        let query = [("fqdn", ORDER_FQDN.to_string())];
        let outcome = self.http.call("listTags", Method::GET, "/tags/v1/tags", &query, Body::Empty).await;
        let bytes = outcome.map_err(|f| self.http.failure_error(f))??;
        // An empty body (or `null`) is no tags.
        let answer: Option<wire::ListTagsResponse> = self.http.decode_bytes(&bytes)?;
        Ok(answer.map(|a| a.tags).unwrap_or_default())
    }

    /// `POST /tags/v1/tags {"tag":{"name","fqdn"}}` (the documented Create Tag shape). `Ok(None)` on 409
    /// (a tag of that name appeared meanwhile).
    pub async fn create_tag(&self, name: &str) -> Result<Option<wire::Tag>> {
        let body = json!({ "tag": { "name": name, "fqdn": ORDER_FQDN } });
        match self.http.call("createTag", Method::POST, "/tags/v1/tags", &[], Body::Json(body)).await {
            Ok(result) => {
                let answer: wire::CreateTagResponse = self.http.decode_bytes(&result?)?;
                Ok(Some(answer.tag))
            }
            Err(failure) if failure.status == 409 => Ok(None),
            Err(failure) => Err(self.http.failure_error(failure)),
        }
    }

    /// `POST /ecom/v1/fulfillments/orders/{orderId}/create-fulfillment`.
    pub async fn create_fulfillment(&self, id: &NativeOrderId, body: Value) -> Result<()> {
        let path = format!("/ecom/v1/fulfillments/orders/{}/create-fulfillment", path_segment(id.as_str()));
        self.mutate("createFulfillment", &path, body, id, Operation::Fulfil).await
    }

    /// `POST /ecom/v1/orders/{id}/cancel`.
    pub async fn cancel(&self, id: &NativeOrderId, body: Value) -> Result<()> {
        let path = format!("/ecom/v1/orders/{}/cancel", path_segment(id.as_str()));
        self.mutate("cancelOrder", &path, body, id, Operation::Cancel).await
    }

    /// `POST /ecom/v1/bulk/orders/update-tags` for one order; a failed bulk item is an error too.
    pub async fn update_tags(&self, id: &NativeOrderId, body: Value) -> Result<()> {
        let outcome = self
            .http
            .call("updateOrderTags", Method::POST, "/ecom/v1/bulk/orders/update-tags", &[], Body::Json(body))
            .await;
        let bytes = match outcome {
            Ok(result) => result?,
            Err(failure) => return Err(self.order_error(failure, id, Operation::Tags)),
        };
        // An empty body (or `null`) is success.
        let Some(answer) = self.http.decode_bytes::<Option<wire::BulkUpdateResponse>>(&bytes)? else {
            return Ok(());
        };
        for result in answer.results {
            let item = result.item_metadata;
            if item.success == Some(false) {
                let error = item.error.unwrap_or_default();
                let failure = Failure {
                    status: if error.code.as_deref() == Some("NOT_FOUND") { 404 } else { 400 },
                    vendor: VendorError { code: error.code, message: error.description },
                    retry_after: None,
                };
                return Err(self.order_error(failure, id, Operation::Tags));
            }
        }
        Ok(())
    }

    async fn mutate(
        &self,
        operation: &str,
        path: &str,
        body: Value,
        id: &NativeOrderId,
        op: Operation,
    ) -> Result<()> {
        match self.http.call(operation, Method::POST, path, &[], Body::Json(body)).await {
            Ok(result) => result.map(|_| ()),
            Err(failure) => Err(self.order_error(failure, id, op)),
        }
    }

    /// What a non-2xx answer about one order means: 404 → `NotFound`; for fulfilment 409 (Already Exists) →
    /// already fulfilled; for fulfilment and cancel a business refusal (`applicationError` on 400, or 409/428 on
    /// cancel) → an invalid transition; for tags 409/428 → a conflict; the rest as usual.
    pub fn order_error(&self, failure: Failure, id: &NativeOrderId, op: Operation) -> Error {
        let backend = self.backend();
        let vendor_text = failure.vendor.message.as_deref().map(shorten);
        let business =
            failure.vendor.code.is_some() && failure.vendor.code.as_deref() != Some(VALIDATION_CODE);
        match failure.status {
            404 => Error::NotFound { backend, id: id.to_string() },
            400 if op == Operation::Read && failure.vendor.code.as_deref() == Some(VALIDATION_CODE) => {
                Error::NotFound { backend, id: id.to_string() }
            }
            409 if op == Operation::Fulfil => Error::InvalidStatusTransition {
                backend,
                message: format!("order {id} is already fulfilled"),
            },
            409 | 428 if op == Operation::Cancel => Error::InvalidStatusTransition {
                backend,
                message: vendor_text
                    .unwrap_or_else(|| format!("order {id} cannot change in its current state")),
            },
            409 | 428 if op == Operation::Tags => Error::Conflict {
                backend,
                message: vendor_text.unwrap_or_else(|| format!("the tags of order {id} changed meanwhile")),
            },
            400 if business && matches!(op, Operation::Fulfil | Operation::Cancel) => {
                Error::InvalidStatusTransition {
                    backend,
                    message: vendor_text
                        .unwrap_or_else(|| format!("order {id} cannot change in its current state")),
                }
            }
            _ => self.http.failure_error(failure),
        }
    }
}

/// Which kind of call failed (for [`WixClient::order_error`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// A read.
    Read,
    /// Create fulfillment.
    Fulfil,
    /// Cancel.
    Cancel,
    /// Bulk update tags.
    Tags,
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
