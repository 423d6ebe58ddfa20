//! Id newtypes and the global order id `<backend>:<native>`.

use std::fmt;
use std::sync::Arc;

use crate::error::Error;

/// A configured backend's name: `[a-z0-9-]+`, unique; it prefixes every order id of that backend.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BackendName(Arc<str>);

impl BackendName {
    /// Validates a backend name.
    pub fn parse(name: &str) -> Result<Self, String> {
        if name.is_empty() {
            return Err("backend name is empty".into());
        }
        if let Some(bad) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(format!("backend name {name:?} has {bad:?}; only a-z, 0-9 and - are allowed"));
        }
        Ok(BackendName(Arc::from(name)))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl serde::Serialize for BackendName {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl serde::Serialize for NativeOrderId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl serde::Serialize for OrderId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for BackendName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An order id as the backend knows it (`1172452900788-01`, a GUID, `132_56695c3c0a3be`, `12345001`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NativeOrderId(Arc<str>);

impl NativeOrderId {
    /// Wraps a native id; it must be non-empty and printable without whitespace or control characters.
    pub fn parse(id: &str) -> Result<Self, String> {
        if id.is_empty() {
            return Err("the native part is empty".into());
        }
        if id.len() > 200 {
            return Err("the native part is longer than 200 characters".into());
        }
        // Printable ASCII (what ids nearly always are) is checked byte by byte; anything else by character.
        let printable_ascii = id.bytes().all(|b| b.is_ascii_graphic());
        if !printable_ascii && id.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("the native part contains whitespace or control characters".into());
        }
        Ok(NativeOrderId(Arc::from(id)))
    }

    /// Wraps an id that came from a backend payload (trusted shape, still non-empty).
    pub fn new(id: impl Into<Arc<str>>) -> Self {
        NativeOrderId(id.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NativeOrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The global id of an order: `<backend name>:<native id>`, e.g. `shop-br:1172452900788-01`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderId {
    /// The backend that owns the order.
    pub backend: BackendName,
    /// The order's id in that backend.
    pub native: NativeOrderId,
}

impl OrderId {
    /// Builds an id from its parts.
    pub fn new(backend: BackendName, native: NativeOrderId) -> Self {
        OrderId { backend, native }
    }

    /// Parses `<backend>:<native>` strictly: the backend part must be a valid name and the native part
    /// non-empty. Whether the backend is configured is checked by the registry ([`crate::backends::Registry`]).
    pub fn parse(id: &str) -> Result<Self, Error> {
        let invalid = |reason: String| Error::InvalidId { id: shorten_id(id), reason };
        let Some((backend, native)) = id.split_once(':') else {
            return Err(invalid("expected <backend>:<native id>".into()));
        };
        let backend = BackendName::parse(backend).map_err(invalid)?;
        let native = NativeOrderId::parse(native).map_err(invalid)?;
        Ok(OrderId { backend, native })
    }
}

/// The shape of one backend kind's native order ids, as its adapter states it
/// ([`OrderBackend::id_shape`](super::OrderBackend::id_shape)). An id of another shape cannot name one of its
/// orders: it is refused with `INVALID_ID`, in words that give the shape and an example, before any call.
#[derive(Clone, Copy, Debug)]
pub struct IdShape {
    /// The vendor's name as people write it (`MerchantPro`).
    pub vendor: &'static str,
    /// What its ids look like, completing "`<vendor>` order ids are …" (`digits`).
    pub shape: &'static str,
    /// Well-formed native ids, for the message (`11089919`).
    pub examples: &'static [&'static str],
    /// Whether a native id has the shape.
    pub accepts: fn(&str) -> bool,
}

impl IdShape {
    /// Any id [`NativeOrderId::parse`] accepts: for a backend that states no shape of its own.
    pub const ANY: IdShape = IdShape {
        vendor: "this backend's",
        shape: "non-empty, without whitespace",
        examples: &[],
        accepts: |_| true,
    };

    /// `INVALID_ID` naming the expected shape, with examples under the backend's name, when `id`'s native
    /// part does not have it; `given` is the id as the client wrote it.
    pub fn check(&self, id: &OrderId, given: &str) -> Result<(), Error> {
        if (self.accepts)(id.native.as_str()) {
            return Ok(());
        }
        let examples: Vec<String> = self.examples.iter().map(|e| format!("{}:{e}", id.backend)).collect();
        let examples = match examples.as_slice() {
            [] => String::new(),
            [one] => format!(", e.g. {one}"),
            [init @ .., last] => format!(", e.g. {} or {last}", init.join(", ")),
        };
        Err(Error::InvalidId {
            id: shorten_id(given),
            reason: format!("{} order ids are {}{examples}", self.vendor, self.shape),
        })
    }
}

/// Whether `id` is a UUID in its usual hyphenated form (`265c7d98-a7c3-48c4-89cd-bbdc00921eab`, any case).
pub fn is_hyphenated_uuid(id: &str) -> bool {
    id.len() == 36
        && id.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

fn shorten_id(id: &str) -> String {
    if id.chars().count() > 80 {
        format!("{}…", id.chars().take(80).collect::<String>())
    } else {
        id.to_string()
    }
}

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.backend, self.native)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A well-formed id splits at the first colon; the native part may itself contain colons.
    #[test]
    fn parses_backend_and_native() {
        let id = OrderId::parse("shop-br:1172452900788-01").unwrap();
        assert_eq!(id.backend.as_str(), "shop-br");
        assert_eq!(id.native.as_str(), "1172452900788-01");
        assert_eq!(id.to_string(), "shop-br:1172452900788-01");
        assert_eq!(OrderId::parse("a:b:c").unwrap().native.as_str(), "b:c");
    }

    // A native id of another shape is INVALID_ID in words that give the shape and examples under the
    // backend's own name; one of the shape passes.
    #[test]
    fn shapes_name_what_they_expect() {
        let digits = IdShape {
            vendor: "MerchantPro",
            shape: "digits",
            examples: &["11089919"],
            accepts: |id| id.bytes().all(|b| b.is_ascii_digit()),
        };
        assert!(digits.check(&OrderId::parse("mp:42").unwrap(), "mp:42").is_ok());
        let err = digits.check(&OrderId::parse("mp:abc").unwrap(), "mp:abc").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid order id \"mp:abc\": MerchantPro order ids are digits, e.g. mp:11089919"
        );
        let two = IdShape { examples: &["1", "2", "3"], ..digits };
        let err = two.check(&OrderId::parse("mp:x").unwrap(), "mp:x").unwrap_err();
        assert!(err.to_string().ends_with("e.g. mp:1, mp:2 or mp:3"), "{err}");
        assert!(IdShape::ANY.check(&OrderId::parse("mp:x").unwrap(), "mp:x").is_ok());
    }

    // Only the hyphenated 8-4-4-4-12 hex form is a UUID here.
    #[test]
    fn hyphenated_uuids() {
        assert!(is_hyphenated_uuid("265c7d98-a7c3-48c4-89cd-bbdc00921eab"));
        assert!(is_hyphenated_uuid("265C7D98-A7C3-48C4-89CD-BBDC00921EAB"));
        for bad in [
            "",
            "265c7d98a7c348c489cdbbdc00921eab",
            "{265c7d98-a7c3-48c4-89cd-bbdc00921eab}",
            "265c7d98-a7c3-48c4-89cd-bbdc00921eaz",
            "265c7d98-a7c3-48c4-89cd-bbdc00921eab0",
            "265c7d98-a7c3-48c4+89cd-bbdc00921eab",
        ] {
            assert!(!is_hyphenated_uuid(bad), "{bad}");
        }
    }

    // Malformed ids are INVALID_ID errors, never accepted.
    #[test]
    fn rejects_malformed_ids() {
        for bad in ["", "nocolon", ":123", "shop:", "Shop:1", "shop br:1", "shop:1 2", "sh_op:1"] {
            let err = OrderId::parse(bad).unwrap_err();
            assert!(matches!(err, Error::InvalidId { .. }), "{bad:?} gave {err:?}");
        }
    }
}
