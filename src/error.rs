//! The crate's one error type and its codes.
//!
//! Every failure carries enough context (backend name, HTTP status, the vendor's own code) for the logs, and
//! maps to one stable code that clients see: [`Error::code`] for GraphQL errors' `extensions.code`, and
//! [`Error::user_error_code`] for mutation payloads' `userErrors`. Messages are safe to show: they never
//! contain a credential, a backend's raw body or a stack trace.

use std::time::Duration;

/// Result with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong between a GraphQL request and a vendor API.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// An order id that is malformed or names no configured backend.
    #[error("invalid order id {id:?}: {reason}")]
    InvalidId {
        /// The id as given.
        id: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A request argument that cannot be served (page size, cursor, filter).
    #[error("{0}")]
    BadUserInput(String),
    /// Mutation input that fails validation before any backend call.
    #[error("{message}")]
    InvalidInput {
        /// Path of the offending input field, e.g. `["input", "reason"]`.
        field: Vec<String>,
        /// What is wrong.
        message: String,
    },
    /// The backend does not know this order.
    #[error("order {id} not found in backend {backend}")]
    NotFound {
        /// Backend name.
        backend: String,
        /// Native order id.
        id: String,
    },
    /// The owning backend cannot do this operation.
    #[error("backend {backend} ({kind}) does not support {operation}")]
    Unsupported {
        /// Backend name.
        backend: String,
        /// Backend kind.
        kind: String,
        /// What was asked, e.g. "addOrderTags".
        operation: String,
    },
    /// The order's current status does not allow the requested change.
    #[error("{message}")]
    InvalidStatusTransition {
        /// Backend name.
        backend: String,
        /// Explanation, e.g. "cannot change status from Delivered to Pending".
        message: String,
    },
    /// The request conflicts with the order's state (already linked elsewhere, idempotency key reuse).
    #[error("{message}")]
    Conflict {
        /// Backend name, or empty when the conflict is ordergraph's own.
        backend: String,
        /// Explanation.
        message: String,
    },
    /// The backend rejected the credentials.
    #[error("backend {backend} rejected the credentials (HTTP {status})")]
    Unauthenticated {
        /// Backend name.
        backend: String,
        /// HTTP status (401).
        status: u16,
    },
    /// The credentials lack a permission.
    #[error("backend {backend} refused access (HTTP {status})")]
    Forbidden {
        /// Backend name.
        backend: String,
        /// HTTP status (403).
        status: u16,
    },
    /// The backend asked us to slow down.
    #[error("backend {backend} is rate limiting requests")]
    RateLimited {
        /// Backend name.
        backend: String,
        /// How long it asked to wait, when it said.
        retry_after: Option<Duration>,
    },
    /// The backend did not answer in time.
    #[error("backend {backend} did not answer within {timeout:?}")]
    Timeout {
        /// Backend name.
        backend: String,
        /// The timeout that expired.
        timeout: Duration,
    },
    /// The backend could not be reached or answered 5xx.
    #[error("backend {backend} is unavailable: {message}")]
    Unavailable {
        /// Backend name.
        backend: String,
        /// HTTP status when there was an answer.
        status: Option<u16>,
        /// Safe description.
        message: String,
    },
    /// The backend answered with an error we do not map more precisely.
    #[error("backend {backend} answered HTTP {status}{}: {message}", native_code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Backend {
        /// Backend name.
        backend: String,
        /// HTTP status.
        status: u16,
        /// The vendor's own error code, when its body had one.
        native_code: Option<String>,
        /// The vendor's message, shortened.
        message: String,
    },
    /// The backend's payload did not have the documented shape.
    #[error("backend {backend} sent a malformed payload at {path}: {message}")]
    Malformed {
        /// Backend name.
        backend: String,
        /// JSON path that broke, e.g. `data.orders[3].totalAmount`.
        path: String,
        /// What was wrong there.
        message: String,
    },
    /// The query exceeds a configured limit (depth, complexity, aliases, …).
    #[error("{0}")]
    QueryTooComplex(String),
    /// A configuration problem (one line per problem, each with its key path).
    #[error("invalid configuration:\n{}", .0.join("\n"))]
    Config(Vec<String>),
    /// A bug or an unexpected state in ordergraph itself.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The codes of [`UserError`](crate::graphql) entries in mutation payloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum)]
#[graphql(name = "UserErrorCode")]
pub enum UserErrorCode {
    /// The order does not exist in its backend.
    NotFound,
    /// The id is malformed or names no configured backend.
    InvalidId,
    /// The input failed validation; `field` names the culprit.
    InvalidInput,
    /// The owning backend cannot do this; no call was made.
    Unsupported,
    /// The order's current status does not allow this change.
    InvalidStatusTransition,
    /// The request conflicts with the order's state or an earlier request.
    Conflict,
    /// The backend is rate limiting; retry later.
    RateLimited,
    /// The backend refused or failed the call.
    BackendError,
    /// The backend could not be reached in time.
    BackendUnavailable,
}

impl Error {
    /// The error with `f` applied to every text it carries (messages, paths, ids, names), e.g. to mask secrets
    /// that a vendor echoed.
    pub fn map_text(self, f: impl Fn(&str) -> String) -> Error {
        match self {
            Error::InvalidId { id, reason } => Error::InvalidId { id: f(&id), reason: f(&reason) },
            Error::BadUserInput(message) => Error::BadUserInput(f(&message)),
            Error::InvalidInput { field, message } => Error::InvalidInput { field, message: f(&message) },
            Error::NotFound { backend, id } => Error::NotFound { backend, id: f(&id) },
            Error::InvalidStatusTransition { backend, message } => {
                Error::InvalidStatusTransition { backend, message: f(&message) }
            }
            Error::Conflict { backend, message } => Error::Conflict { backend, message: f(&message) },
            Error::Unavailable { backend, status, message } => {
                Error::Unavailable { backend, status, message: f(&message) }
            }
            Error::Backend { backend, status, native_code, message } => Error::Backend {
                backend,
                status,
                native_code: native_code.map(|code| f(&code)),
                message: f(&message),
            },
            Error::Malformed { backend, path, message } => {
                Error::Malformed { backend, path: f(&path), message: f(&message) }
            }
            Error::QueryTooComplex(message) => Error::QueryTooComplex(f(&message)),
            Error::Config(problems) => Error::Config(problems.iter().map(|p| f(p)).collect()),
            Error::Internal(message) => Error::Internal(f(&message)),
            other @ (Error::Unsupported { .. }
            | Error::Unauthenticated { .. }
            | Error::Forbidden { .. }
            | Error::RateLimited { .. }
            | Error::Timeout { .. }) => other,
        }
    }

    /// The code clients see in `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidId { .. } => "INVALID_ID",
            Error::BadUserInput(_) | Error::InvalidInput { .. } => "BAD_USER_INPUT",
            Error::NotFound { .. } => "NOT_FOUND",
            Error::Unsupported { .. } | Error::InvalidStatusTransition { .. } | Error::Conflict { .. } => {
                "BAD_USER_INPUT"
            }
            Error::Unauthenticated { .. } => "UNAUTHENTICATED",
            Error::Forbidden { .. } => "FORBIDDEN",
            Error::RateLimited { .. } => "RATE_LIMITED",
            Error::Timeout { .. } => "BACKEND_TIMEOUT",
            Error::Unavailable { .. } => "BACKEND_UNAVAILABLE",
            Error::Backend { .. } | Error::Malformed { .. } => "BACKEND_ERROR",
            Error::QueryTooComplex(_) => "QUERY_TOO_COMPLEX",
            Error::Config(_) | Error::Internal(_) => "INTERNAL",
        }
    }

    /// The code of this error as a mutation `userErrors` entry.
    pub fn user_error_code(&self) -> UserErrorCode {
        match self {
            Error::NotFound { .. } => UserErrorCode::NotFound,
            Error::InvalidId { .. } => UserErrorCode::InvalidId,
            Error::InvalidInput { .. } | Error::BadUserInput(_) => UserErrorCode::InvalidInput,
            Error::Unsupported { .. } => UserErrorCode::Unsupported,
            Error::InvalidStatusTransition { .. } => UserErrorCode::InvalidStatusTransition,
            Error::Conflict { .. } => UserErrorCode::Conflict,
            Error::RateLimited { .. } => UserErrorCode::RateLimited,
            Error::Timeout { .. } | Error::Unavailable { .. } => UserErrorCode::BackendUnavailable,
            Error::Unauthenticated { .. }
            | Error::Forbidden { .. }
            | Error::Backend { .. }
            | Error::Malformed { .. }
            | Error::QueryTooComplex(_)
            | Error::Config(_)
            | Error::Internal(_) => UserErrorCode::BackendError,
        }
    }

    /// The backend the error came from, when it came from one.
    pub fn backend(&self) -> Option<&str> {
        match self {
            Error::NotFound { backend, .. }
            | Error::Unsupported { backend, .. }
            | Error::InvalidStatusTransition { backend, .. }
            | Error::Unauthenticated { backend, .. }
            | Error::Forbidden { backend, .. }
            | Error::RateLimited { backend, .. }
            | Error::Timeout { backend, .. }
            | Error::Unavailable { backend, .. }
            | Error::Backend { backend, .. }
            | Error::Malformed { backend, .. } => Some(backend),
            Error::Conflict { backend, .. } if !backend.is_empty() => Some(backend),
            _ => None,
        }
    }

    /// The HTTP status the backend answered with, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Unauthenticated { status, .. }
            | Error::Forbidden { status, .. }
            | Error::Backend { status, .. } => Some(*status),
            Error::Unavailable { status, .. } => *status,
            Error::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// The input field path of a validation error.
    pub fn field(&self) -> Option<&[String]> {
        match self {
            Error::InvalidInput { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Shorthand for [`Error::InvalidInput`] on one input field.
    pub fn invalid_input(field: &[&str], message: impl Into<String>) -> Self {
        Error::InvalidInput { field: field.iter().map(|s| s.to_string()).collect(), message: message.into() }
    }

    /// Whether a read that failed this way may be retried.
    pub fn is_transient(&self) -> bool {
        matches!(self, Error::Unavailable { .. } | Error::Timeout { .. } | Error::RateLimited { .. })
    }

    /// Converts to a GraphQL error with `extensions { code, backend, httpStatus }`; the one place it happens.
    pub fn to_graphql(&self) -> async_graphql::Error {
        use async_graphql::ErrorExtensions as _;
        let mut error = async_graphql::Error::new(self.to_string());
        let code = self.code();
        let backend = self.backend().map(str::to_string);
        let status = self.http_status();
        error = error.extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(backend) = &backend {
                ext.set("backend", backend.as_str());
            }
            if let Some(status) = status {
                ext.set("httpStatus", status);
            }
        });
        error
    }
}

impl async_graphql::ErrorExtensions for Error {
    fn extend(&self) -> async_graphql::Error {
        self.to_graphql()
    }
}

/// Shortens a vendor-provided message so that no error carries a whole body.
pub fn shorten(message: &str) -> String {
    const MAX: usize = 200;
    let trimmed = message.trim();
    if trimmed.chars().count() <= MAX {
        trimmed.to_string()
    } else {
        let cut: String = trimmed.chars().take(MAX).collect();
        format!("{cut}…")
    }
}
