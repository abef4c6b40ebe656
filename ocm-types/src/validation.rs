//! Checks OCM's webhooks make that the CRD schemas do not express.
//!
//! ```
//! use ocm_types::validation::{validate_manifest_work, Rule};
//! use ocm_types::work::v1::ManifestWorkSpec;
//! let v = validate_manifest_work(&ManifestWorkSpec::default());
//! assert_eq!(v[0].rule, Rule::NoManifests);
//! ```

use std::collections::BTreeSet;
use std::fmt;

use crate::cluster::v1beta2::ManagedClusterSetBinding;
use crate::work::v1::{ExecutorSubjectType, ManifestWorkSpec};

/// Largest total size of a work's manifests the webhook accepts (`--manifestLimit`, 500 KiB).
pub const MANIFEST_LIMIT_BYTES: usize = 500 * 1024;

/// One broken rule at one field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {rule}")]
pub struct Violation {
    /// Field path.
    pub path: String,
    /// The rule.
    pub rule: Rule,
}

/// OCM webhook rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// `workload.manifests` is empty.
    NoManifests,
    /// The manifests exceed [`MANIFEST_LIMIT_BYTES`].
    TooLarge {
        /// Their size in bytes.
        bytes: usize,
    },
    /// A manifest is not an object with `apiVersion` and `kind`.
    NotAnObject {
        /// What is missing.
        missing: &'static str,
    },
    /// A manifest has no `metadata.name`.
    NoName,
    /// A manifest uses `metadata.generateName`.
    GenerateName,
    /// Two manifests have the same apiVersion, kind, namespace and name.
    Duplicate {
        /// `apiVersion/kind namespace/name`.
        key: String,
    },
    /// A `ServiceAccount` executor without a service account.
    ExecutorWithoutServiceAccount,
    /// A binding's name differs from its cluster set.
    BindingNameMismatch {
        /// The binding's name.
        name: String,
        /// `spec.clusterSet`.
        cluster_set: String,
    },
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::NoManifests => f.write_str("a ManifestWork needs at least one manifest"),
            Rule::TooLarge { bytes } => write!(
                f,
                "the manifests take {bytes} bytes, more than the {MANIFEST_LIMIT_BYTES} the hub accepts: split the work"
            ),
            Rule::NotAnObject { missing } => write!(
                f,
                "each manifest must be an object with apiVersion and kind ({missing} missing)"
            ),
            Rule::NoName => f.write_str("each manifest needs metadata.name"),
            Rule::GenerateName => {
                f.write_str("metadata.generateName is not allowed in manifests: set metadata.name")
            }
            Rule::Duplicate { key } => write!(f, "{key} is listed twice"),
            Rule::ExecutorWithoutServiceAccount => {
                f.write_str("executor subject type ServiceAccount needs serviceAccount")
            }
            Rule::BindingNameMismatch { name, cluster_set } => write!(
                f,
                "the binding must be named after its cluster set: {name:?} != {cluster_set:?}"
            ),
        }
    }
}

/// The work webhook's rules for a ManifestWork (or a ManifestWorkReplicaSet template):
/// manifests present, at most 500 KiB in all, each an object with `apiVersion`, `kind` and
/// `metadata.name` but no `generateName`, none repeated; a `ServiceAccount` executor names its
/// service account.
pub fn validate_manifest_work(spec: &ManifestWorkSpec) -> Vec<Violation> {
    let mut out = Vec::new();
    let v = |path: String, rule| Violation { path, rule };
    let manifests = spec
        .workload
        .as_ref()
        .and_then(|w| w.manifests.as_deref())
        .unwrap_or_default();
    if manifests.is_empty() {
        out.push(v("spec.workload.manifests".into(), Rule::NoManifests));
    }
    let bytes: usize = manifests
        .iter()
        .map(|m| serde_json::to_vec(&m.0).map(|b| b.len()).unwrap_or(0))
        .sum();
    if bytes > MANIFEST_LIMIT_BYTES {
        out.push(v(
            "spec.workload.manifests".into(),
            Rule::TooLarge { bytes },
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, m) in manifests.iter().enumerate() {
        let path = format!("spec.workload.manifests[{i}]");
        for (field, value) in [("apiVersion", m.api_version()), ("kind", m.kind())] {
            if value.is_none_or(str::is_empty) {
                out.push(v(path.clone(), Rule::NotAnObject { missing: field }));
            }
        }
        if m.0
            .pointer("/metadata/generateName")
            .is_some_and(|g| !g.is_null())
        {
            out.push(v(
                format!("{path}.metadata.generateName"),
                Rule::GenerateName,
            ));
        }
        match m.name().filter(|n| !n.is_empty()) {
            None => out.push(v(format!("{path}.metadata.name"), Rule::NoName)),
            Some(name) => {
                let key = format!(
                    "{}/{} {}/{name}",
                    m.api_version().unwrap_or_default(),
                    m.kind().unwrap_or_default(),
                    m.namespace().unwrap_or_default()
                );
                if !seen.insert(key.clone()) {
                    out.push(v(path, Rule::Duplicate { key }));
                }
            }
        }
    }
    if let Some(subject) = spec.executor.as_ref().and_then(|e| e.subject.as_ref())
        && subject.type_ == ExecutorSubjectType::ServiceAccount
        && subject.service_account.is_none()
    {
        out.push(v(
            "spec.executor.subject.serviceAccount".into(),
            Rule::ExecutorWithoutServiceAccount,
        ));
    }
    out
}

/// The registration webhook's rule for a ManagedClusterSetBinding: its name equals
/// `spec.clusterSet`.
pub fn validate_cluster_set_binding(binding: &ManagedClusterSetBinding) -> Vec<Violation> {
    let name = binding.metadata.name.clone().unwrap_or_default();
    let set = binding.spec.cluster_set.clone().unwrap_or_default();
    if name == set {
        Vec::new()
    } else {
        vec![Violation {
            path: "spec.clusterSet".into(),
            rule: Rule::BindingNameMismatch {
                name,
                cluster_set: set,
            },
        }]
    }
}
