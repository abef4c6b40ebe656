//! The checks KubeDB's and kubeops' admission webhooks make, as pure functions.
//!
//! Each function returns every [`Violation`] it finds (not only the first), and each
//! violation names the field path and the [`Rule`] it breaks. Rules that need other objects
//! from the hub (the referenced PlacementPolicy, the slice's clusters) take them as inputs,
//! so the checks run before anything reaches a cluster.
//!
//! Rules are per [`Release`]: each function takes the release whose webhooks it reproduces
//! and cites the upstream source at that release's version. Where this crate is deliberately
//! stricter than upstream, the finding is a [`Severity::Warning`] that says why, never a
//! refusal; [`Violation::upstream_message`] gives the text the release's webhook answers with.
//!
//! One module per kind, in the order a deployment meets them: the MariaDB webhook
//! (`mariadb`), kubeops' PlacementPolicy and PetSet webhooks (`placement_policy`, `petset`)
//! and the ops manager's MariaDBOpsRequest webhook (`ops_request`); `violation` holds what
//! they all return and read ([`Violation`], [`Rule`], [`Severity`], [`Lookup`]) and `common`
//! the limits several of them share. Every item is re-exported here, at its public path.
//!
//! [`Release`]: crate::release::Release
//!
//! ```
//! use kubedb_types::validation::{validate_placement_policy, Rule, SliceLookup};
//! use kubedb_types::apps::v1::PlacementPolicy;
//! use kubedb_types::release::Release;
//! let pp: PlacementPolicy = serde_json::from_value(serde_json::json!({
//!     "apiVersion": "apps.k8s.appscode.com/v1", "kind": "PlacementPolicy",
//!     "metadata": {"name": "p"},
//!     "spec": {"clusterSpreadConstraint": {
//!         "distributionRules": [{"clusterName": "a", "replicaIndices": [0, 0, 3]}],
//!         "slice": {"projectNamespace": "kubeslice-p", "sliceName": "s"}}}
//! })).unwrap();
//! let rules: Vec<Rule> = validate_placement_policy(&pp, Release::NEWEST, SliceLookup::Unknown)
//!     .into_iter().map(|v| v.rule).collect();
//! assert!(rules.contains(&Rule::DuplicateIndex { index: 0, clusters: vec!["a".into(), "a".into()] }));
//! assert!(rules.contains(&Rule::MissingIndices { from: 1, to: 2 }));
//! ```

mod common;
mod mariadb;
mod ops_request;
mod petset;
mod placement_policy;
mod violation;

pub use common::{
    MAX_CLUSTER_NAME_LENGTH, MAX_GALERA_MEMBERS, MIN_GALERA_REPLICAS, REQUIRE_SSL_MIN_VERSION,
};
pub use mariadb::{FORBIDDEN_ENV_VARS, MariaDBInputs, validate_mariadb, validate_mariadb_update};
pub use ops_request::{
    OpsRequestInputs, ops_rules_reading_database, validate_mariadb_ops_request,
    validate_mariadb_ops_request_update,
};
pub use petset::{uncovered_indices, validate_petset};
pub use placement_policy::{
    Distribution, index_violations, moved_indices, validate_failover_policy,
    validate_placement_policy, validate_placement_policy_slice, validate_placement_policy_update,
};
pub use violation::{Lookup, PolicyLookup, Rule, Severity, SliceLookup, VersionLookup, Violation};
