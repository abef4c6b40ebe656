//! How the hub refuses a request ([`HubError`], rendered as a Kubernetes `Status`), and what its
//! schemas pruned ([`Pruned`]).

use kube::core::response::reason;
use structural_schema::Violation;

use crate::resources::ResourceDef;

/// Why the hub refused a request; rendered as a Kubernetes `Status`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code} {reason}: {message}")]
pub struct HubError {
    /// HTTP status code.
    pub code: u16,
    /// `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `BadRequest`, ...
    pub reason: &'static str,
    /// What went wrong.
    pub message: String,
    /// Per-field causes (`Invalid` answers).
    pub causes: Vec<Violation>,
}

impl HubError {
    pub(crate) fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        HubError {
            code,
            reason,
            message: message.into(),
            causes: Vec::new(),
        }
    }

    /// `404 NotFound` for the object `name` of `def`, worded as the API server words it
    /// (`plural.group "name" not found`).
    pub(crate) fn not_found(def: &ResourceDef, name: &str) -> Self {
        let what = if def.group.is_empty() {
            def.plural.clone()
        } else {
            format!("{}.{}", def.plural, def.group)
        };
        HubError::new(
            404,
            reason::NOT_FOUND,
            format!("{what} \"{name}\" not found"),
        )
    }
}

/// Fields the hub pruned from an object because its schema does not declare them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pruned {
    /// `Kind/namespace/name`.
    pub object: String,
    /// The pruned paths (`spec.ocm`).
    pub paths: Vec<String>,
}
