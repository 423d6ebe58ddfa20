//! The VTEX OMS calls, over the shared [`HttpClient`]: auth headers, the error-body parser, and what each
//! non-2xx answer means for each call.

use ::http::Method;
use serde_json::Value;
use serde_json::value::RawValue;

use super::wire::{self, CancelRequest, InvoiceRequest, ListResponse, TrackingRequest, VtexOrder};
use crate::backends::decode::{decode_bytes, decode_raw};
use crate::backends::http::{Body, Failure, HttpClient, VendorError};
use crate::config::BackendConfig;
use crate::domain::{BackendName, NativeJson, NativeOrderId};
use crate::error::{Error, Result, shorten};

/// Base path of the orders API.
const ORDERS: &str = "/api/oms/pvt/orders";

/// The OMS code of "the order's status does not allow this action".
pub const OMS_STATUS_CODE: &str = "OMS003";

/// Parses the documented error body `{"error":{"code","message","exception"}}`; also the bare
/// `{"Message": …}` / `{"message": …}` some VTEX gateways answer with.
pub fn parse_error(body: &[u8]) -> Option<VendorError> {
    if let Ok(body) = serde_json::from_slice::<wire::ErrorBody>(body) {
        let code = body.error.code.map(|c| c.0).filter(|c| !c.trim().is_empty());
        let message = body.error.message.filter(|m| !m.trim().is_empty());
        return (code.is_some() || message.is_some()).then_some(VendorError { code, message });
    }
    let value: Value = serde_json::from_slice(body).ok()?;
    let message = ["Message", "message"].iter().find_map(|k| value.get(*k)?.as_str()).map(str::to_string)?;
    Some(VendorError { code: None, message: Some(message) })
}

/// Percent-encodes one path segment (ids and invoice numbers may hold `/`, `?`, `#`, spaces).
pub fn segment(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Which mutation failed, for mapping its refusals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mutation {
    /// `POST …/start-handling`.
    StartHandling,
    /// `POST …/invoice`.
    Invoice,
    /// `PUT …/invoice/{n}/tracking`.
    Tracking,
    /// `POST …/cancel`.
    Cancel,
}

/// The VTEX OMS client of one backend.
#[derive(Clone, Debug)]
pub struct VtexClient {
    http: HttpClient,
}

impl VtexClient {
    /// A client sending `X-VTEX-API-AppKey` / `X-VTEX-API-AppToken` from the `app_key` / `app_token`
    /// credentials.
    pub fn new(name: &BackendName, config: &BackendConfig) -> Result<Self> {
        let auth = [
            ("x-vtex-api-appkey", config.credential("app_key")),
            ("x-vtex-api-apptoken", config.credential("app_token")),
        ];
        Ok(VtexClient { http: HttpClient::new(name, config, &auth, parse_error)? })
    }

    fn backend(&self) -> String {
        self.http.backend().to_string()
    }

    /// One list page, its rows kept as their JSON text.
    pub async fn list(&self, query: &[(&str, String)]) -> Result<ListResponse> {
        let bytes = self
            .http
            .call("list_orders", Method::GET, ORDERS, query, Body::Empty)
            .await
            .map_err(|failure| self.http.failure_error(failure))??;
        decode_bytes(self.http.backend(), &bytes)
    }

    /// A full order and its JSON text as received; `None` when VTEX does not know the id.
    pub async fn get(&self, id: &NativeOrderId) -> Result<Option<(VtexOrder, NativeJson)>> {
        let path = format!("{ORDERS}/{}", segment(id.as_str()));
        let bytes = match self.http.call("get_order", Method::GET, &path, &[], Body::Empty).await {
            Ok(result) => result?,
            Err(failure) if failure.status == 404 => return Ok(None),
            Err(failure) => return Err(self.http.failure_error(failure)),
        };
        decode_order(self.http.backend(), &bytes)
    }

    /// `POST …/start-handling` (204 on success).
    pub async fn start_handling(&self, id: &NativeOrderId) -> Result<()> {
        let path = format!("{ORDERS}/{}/start-handling", segment(id.as_str()));
        self.mutate(Mutation::StartHandling, id, Method::POST, &path, Body::Empty).await
    }

    /// `POST …/invoice`.
    pub async fn invoice(&self, id: &NativeOrderId, request: &InvoiceRequest) -> Result<()> {
        let path = format!("{ORDERS}/{}/invoice", segment(id.as_str()));
        self.mutate(Mutation::Invoice, id, Method::POST, &path, json(request)?).await
    }

    /// `PUT …/invoice/{invoiceNumber}/tracking`.
    pub async fn tracking(&self, id: &NativeOrderId, invoice: &str, request: &TrackingRequest) -> Result<()> {
        let path = format!("{ORDERS}/{}/invoice/{}/tracking", segment(id.as_str()), segment(invoice));
        self.mutate(Mutation::Tracking, id, Method::PUT, &path, json(request)?).await
    }

    /// `POST …/cancel`.
    pub async fn cancel(&self, id: &NativeOrderId, request: &CancelRequest) -> Result<()> {
        let path = format!("{ORDERS}/{}/cancel", segment(id.as_str()));
        self.mutate(Mutation::Cancel, id, Method::POST, &path, json(request)?).await
    }

    async fn mutate(
        &self,
        mutation: Mutation,
        id: &NativeOrderId,
        method: Method,
        path: &str,
        body: Body,
    ) -> Result<()> {
        let operation = match mutation {
            Mutation::StartHandling => "start_handling",
            Mutation::Invoice => "invoice",
            Mutation::Tracking => "tracking",
            Mutation::Cancel => "cancel",
        };
        match self.http.call(operation, method, path, &[], body).await {
            Ok(result) => result.map(|_| ()),
            Err(failure) => Err(mutation_error(&self.http, &self.backend(), mutation, id, failure)),
        }
    }
}

/// Decodes a "get order" body straight from its bytes: the order and its text, or `None` for an empty or
/// `null` body. Errors name the path from the root (`items[0].price`).
pub fn decode_order(backend: &BackendName, bytes: &[u8]) -> Result<Option<(VtexOrder, NativeJson)>> {
    let Some(raw) = decode_bytes::<Option<Box<RawValue>>>(backend, bytes)? else {
        return Ok(None);
    };
    let order = decode_raw(backend, &raw, "")?;
    Ok(Some((order, NativeJson::from_raw(&raw))))
}

fn json<T: serde::Serialize>(body: &T) -> Result<Body> {
    serde_json::to_value(body)
        .map(Body::Json)
        .map_err(|e| Error::Internal(format!("cannot encode a VTEX request body: {e}")))
}

/// What a mutation's non-2xx answer means: 404 → `NotFound`; 409 `OMS003` (and, for cancel, the 400 VTEX
/// answers for invoiced orders) → `InvalidStatusTransition`; other 409 → `Conflict`; the rest generic.
pub fn mutation_error(
    http: &HttpClient,
    backend: &str,
    mutation: Mutation,
    id: &NativeOrderId,
    failure: Failure,
) -> Error {
    let vendor_message = failure.vendor.message.as_deref().map(shorten);
    let is_oms003 = failure.vendor.code.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(OMS_STATUS_CODE));
    match failure.status {
        404 => Error::NotFound { backend: backend.to_string(), id: id.to_string() },
        409 if is_oms003 || mutation == Mutation::StartHandling => Error::InvalidStatusTransition {
            backend: backend.to_string(),
            message: vendor_message.unwrap_or_else(|| match mutation {
                Mutation::StartHandling => "VTEX starts handling only orders in ready-for-handling".into(),
                _ => "the order's status does not allow this change".into(),
            }),
        },
        409 => Error::Conflict {
            backend: backend.to_string(),
            message: vendor_message.unwrap_or_else(|| "the order changed meanwhile".into()),
        },
        400 if mutation == Mutation::Cancel => Error::InvalidStatusTransition {
            backend: backend.to_string(),
            message: match vendor_message {
                Some(m) => format!("VTEX refused to cancel the order: {m}"),
                None => {
                    "VTEX refused to cancel the order (invoiced, partially invoiced or incomplete orders \
                         cannot be cancelled)"
                        .into()
                }
            },
        },
        400 if is_oms003 => Error::InvalidStatusTransition {
            backend: backend.to_string(),
            message: vendor_message.unwrap_or_else(|| "the order's status does not allow this change".into()),
        },
        _ => http.failure_error(failure),
    }
}
