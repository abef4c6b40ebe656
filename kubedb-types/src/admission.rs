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
//! ```
//! use kubedb_types::admission::{validate_placement_policy, Rule, SliceLookup};
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

use std::collections::BTreeMap;
use std::fmt;

use crate::apps::v1::{FailoverMode, FailoverScope, PetSet, PlacementPolicy, RuleRole};
use crate::kubedb::v1::{DeletionPolicy, MariaDB, MariaDBMode, StorageType};
use crate::ops::v1alpha1::{MariaDBOpsRequest, MariaDBOpsRequestType};
use crate::release::{Catalog, CatalogEntry, PolicyShape, Release};

/// Longest MariaDB name allowed when clustered (`MariaDBMaxClusterNameLength`).
pub const MAX_CLUSTER_NAME_LENGTH: usize = 32;
/// Smallest Galera cluster the webhook accepts (`MariaDBDefaultClusterSize`).
pub const MIN_GALERA_REPLICAS: i32 = 3;
/// Environment variables users may not set on MariaDB containers: the operator owns them.
pub const FORBIDDEN_ENV_VARS: [&str; 4] = [
    "MYSQL_ROOT_PASSWORD",
    "MYSQL_ALLOW_EMPTY_PASSWORD",
    "MYSQL_RANDOM_ROOT_PASSWORD",
    "MYSQL_ONETIME_PASSWORD",
];

/// Whether a finding makes the API server refuse the object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Severity {
    /// The release's webhook refuses the object.
    #[default]
    Refused,
    /// The webhook admits it; this crate warns because it is deliberately stricter (the
    /// violation's text says why).
    Warning,
}

/// One broken rule at one field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {rule}")]
pub struct Violation {
    /// Field path, for example `spec.clusterSpreadConstraint.distributionRules[1].replicaIndices`.
    pub path: String,
    /// The rule and its details.
    pub rule: Rule,
    /// Refused by the webhook, or only warned about here.
    pub severity: Severity,
    /// The webhook's own answer when it depends on more than this rule (the PlacementPolicy
    /// webhook reports its first out-of-place index, the slice webhook the project); see
    /// [`Violation::upstream_message`].
    pub answer: Option<String>,
}

impl Violation {
    fn new(path: impl Into<String>, rule: Rule) -> Self {
        let severity = rule.default_severity();
        Self {
            path: path.into(),
            rule,
            severity,
            answer: None,
        }
    }

    fn answering(mut self, answer: Option<String>) -> Self {
        self.answer = answer;
        self
    }

    fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// `true` when the webhook refuses the object for this violation.
    pub fn is_refusal(&self) -> bool {
        self.severity == Severity::Refused
    }

    /// The text the release's webhook answers with for this violation (what `kubectl` shows
    /// after `admission webhook "..." denied the request:`), where upstream has one; else the
    /// violation as displayed.
    pub fn upstream_message(&self) -> String {
        self.answer
            .clone()
            .or_else(|| self.rule.upstream_message())
            .unwrap_or_else(|| self.to_string())
    }
}

/// The admission rules, with the values that broke them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// `spec.replicas` must be at least 1.
    ReplicasBelowOne {
        /// The value given.
        replicas: i32,
    },
    /// `deletionPolicy: Halt` needs durable storage.
    HaltWithEphemeralStorage,
    /// `halted: true` cannot be combined with `deletionPolicy: DoNotTerminate`.
    HaltWithDoNotTerminate,
    /// A clustered MariaDB's name is limited to [`MAX_CLUSTER_NAME_LENGTH`] characters.
    ClusterNameTooLong {
        /// Length of the name.
        length: usize,
    },
    /// Init scripts are not supported for clusters.
    InitScriptOnCluster,
    /// A forbidden environment variable is set on a container.
    ForbiddenEnvVar {
        /// The variable.
        name: String,
    },
    /// A Galera cluster needs at least [`MIN_GALERA_REPLICAS`] members.
    GaleraTooSmall {
        /// Replicas asked for.
        replicas: i32,
    },
    /// MariaDB replication mode needs MaxScale replicas.
    MaxScaleReplicasMissing,
    /// The referenced PlacementPolicy does not exist.
    PlacementPolicyNotFound {
        /// Its name.
        name: String,
    },
    /// Distributed mode needs a policy with the release's multi-cluster shape.
    PolicyShapeMissing {
        /// The policy's name.
        policy: String,
        /// The shape the release's webhook requires.
        shape: PolicyShape,
        /// The policy has the other release's shape instead (which this release's CRD prunes).
        other_shape: bool,
    },
    /// The MariaDBVersion named by `spec.version` does not exist on the hub.
    VersionNotFound {
        /// The name.
        name: String,
    },
    /// The MariaDBVersion is deprecated (a warning: see [`validate_mariadb`]).
    VersionDeprecated {
        /// The name.
        name: String,
    },
    /// Durable storage needs `spec.storage`.
    DurableStorageMissing,
    /// `spec.storage.resources.requests.storage` is missing.
    StorageRequestMissing,
    /// The storage request is zero or negative.
    StorageRequestNotPositive {
        /// The quantity given.
        quantity: String,
    },
    /// The storage class does not exist on the hub.
    StorageClassNotFound {
        /// The class.
        name: String,
    },
    /// `requireSSL` on a server older than 10.5.2.
    RequireSslUnsupported {
        /// The server version of the MariaDBVersion.
        version: String,
    },
    /// The SliceConfig a policy names does not exist.
    SliceConfigNotFound {
        /// The SliceConfig.
        slice: String,
        /// Its project namespace.
        project_namespace: String,
    },
    /// A distributed PetSet names no PlacementPolicy.
    PetSetPolicyMissing {
        /// `namespace/name` of the PetSet.
        petset: String,
    },
    /// A distributed PetSet's policy has no distribution rules in the release's shape.
    PetSetNoClusterSpec {
        /// The policy.
        policy: String,
    },
    /// A distributed PetSet's policy lists fewer indices than its replicas.
    PetSetPolicyTooSmall {
        /// The policy.
        policy: String,
        /// PetSet replicas.
        replicas: i32,
        /// Indices the policy lists.
        total: usize,
    },
    /// Ordinals below the PetSet's replicas that its policy does not map.
    PetSetIndexNotCovered {
        /// The policy.
        policy: String,
        /// The unmapped ordinals.
        indices: Vec<i32>,
    },
    /// A policy update the release's webhook does not check, because the old or the new
    /// policy lacks the release's shape (a warning).
    UpdateNotChecked {
        /// The shape the webhook needs on both sides.
        shape: PolicyShape,
    },
    /// An index is negative.
    NegativeIndex {
        /// The index.
        index: i32,
    },
    /// An index is listed more than once (the clusters that list it, in list order).
    DuplicateIndex {
        /// The index.
        index: i32,
        /// Every cluster that lists it, once per listing.
        clusters: Vec<String>,
    },
    /// A run of indices below the highest one is listed by no rule.
    MissingIndices {
        /// First missing index.
        from: i32,
        /// Last missing index (inclusive).
        to: i32,
    },
    /// A policy update moved an existing index to another cluster.
    IndexMoved {
        /// The index.
        index: i32,
        /// Cluster before.
        from: String,
        /// Cluster after.
        to: String,
    },
    /// A cluster of the policy is not in the slice's cluster list.
    ClusterNotInSlice {
        /// The cluster.
        cluster: String,
        /// The SliceConfig.
        slice: String,
    },
    /// A PetSet or MariaDB ordinal below `replicas` is not mapped by the policy.
    ReplicaIndexNotCovered {
        /// Every unmapped ordinal below `replicas`.
        indices: Vec<i32>,
    },
    /// Distributed placement needs absolute ordinals: `spec.ordinals.start` must be 0 (pods
    /// are placed by index relative to the start, PVCs by absolute ordinal).
    OrdinalsStartNotZero {
        /// The start given.
        start: i32,
    },
    /// A Member or Witness rule must list replica indices.
    RoleNeedsIndices {
        /// The rule's role.
        role: RuleRole,
    },
    /// An Arbiter rule must not list replica indices.
    ArbiterWithIndices,
    /// A failover policy needs at least two Member rules.
    TooFewMembers {
        /// Member rules present.
        members: usize,
        /// Member rules needed.
        needed: usize,
    },
    /// `TwoDC` needs exactly two Member rules.
    TwoDcMemberCount {
        /// Member rules present.
        members: usize,
    },
    /// `TwoDC` needs an Arbiter or Witness rule.
    TwoDcNeedsTieBreaker,
    /// `Group` scope needs a group name.
    GroupScopeNeedsGroup,
    /// A field that may not change after creation changed.
    Immutable,
    /// The release's OpsRequest webhook does not know this `spec.type`.
    OpsTypeNotSupported {
        /// The type given.
        given: MariaDBOpsRequestType,
        /// The types the release accepts, in its order.
        supported: Vec<MariaDBOpsRequestType>,
    },
    /// The MariaDB an OpsRequest names does not exist in its namespace.
    OpsDatabaseNotFound {
        /// `namespace/name` of the MariaDB looked for.
        database: String,
    },
    /// The field carrying the parameters of the OpsRequest's type is absent.
    OpsFieldMissing {
        /// The OpsRequest's type.
        type_: MariaDBOpsRequestType,
        /// The absent field, for example `spec.horizontalScaling.member`.
        field: &'static str,
    },
    /// Horizontal scaling of a MariaDB that is not a cluster.
    OpsNotACluster {
        /// `namespace/name` of the MariaDB.
        database: String,
    },
    /// `horizontalScaling.member` outside the range the webhook accepts.
    OpsMemberOutOfRange {
        /// The member count asked for.
        member: i32,
    },
    /// Ordinals a scale-up would create that the database's PlacementPolicy does not map (a
    /// warning: the OpsRequest webhook admits it, the PetSet webhook then refuses the ops
    /// manager's PetSet update).
    OpsMemberNotPlaced {
        /// The PlacementPolicy.
        policy: String,
        /// Ordinals below `member` the policy does not map.
        indices: Vec<i32>,
    },
    /// A Reconfigure request names no change.
    OpsReconfigureNothing,
    /// A Reconfigure request names more than one change (v2025.7.31).
    OpsReconfigureMoreThanOne,
    /// A ReconfigureTLS request names no change.
    OpsTlsNothing,
    /// A ReconfigureTLS request names more than one change.
    OpsTlsMoreThanOne,
    /// A VolumeExpansion request names both the database and MaxScale.
    OpsVolumeExpansionBoth,
    /// A VolumeExpansion request for volumes the MariaDB does not declare (no `storage`,
    /// or no `storage` request in it).
    OpsStorageNotConfigured {
        /// `MariaDB` or `MaxScale`.
        node_type: &'static str,
    },
    /// A VolumeExpansion request that does not grow the volumes.
    OpsVolumeNotLarger {
        /// `MariaDB` or `MaxScale`.
        node_type: &'static str,
        /// The size the MariaDB declares now.
        current: String,
        /// The size asked for.
        desired: String,
    },
    /// A MaxScale volume expansion for a MariaDB that is not in replication mode.
    OpsNotReplication,
    /// The MariaDBVersion an UpdateVersion request targets does not exist.
    OpsTargetVersionNotFound {
        /// The name.
        name: String,
    },
    /// The MariaDBVersion an UpdateVersion request targets is deprecated (v2025.7.31).
    OpsTargetVersionDeprecated {
        /// The name.
        name: String,
    },
    /// A StorageMigration request without `spec.timeout`.
    OpsMigrationNeedsTimeout,
    /// A StorageMigration of a MariaDB whose `spec.storage.storageClassName` is unset.
    OpsMigrationNoStorageClass,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::ReplicasBelowOne { replicas } => {
                write!(f, "replicas {replicas} is invalid: it must be at least 1")
            }
            Rule::HaltWithEphemeralStorage => f.write_str(
                "deletionPolicy Halt cannot be used with Ephemeral storage: use Durable storage or another policy",
            ),
            Rule::HaltWithDoNotTerminate => f.write_str(
                "cannot halt a database whose deletionPolicy is DoNotTerminate: change the policy first",
            ),
            Rule::ClusterNameTooLong { length } => write!(
                f,
                "a clustered MariaDB name may have at most {MAX_CLUSTER_NAME_LENGTH} characters, this one has {length}"
            ),
            Rule::InitScriptOnCluster => f.write_str(
                "init scripts are not supported for clusters: initialise from a backup instead",
            ),
            Rule::ForbiddenEnvVar { name } => write!(
                f,
                "environment variable {name} is managed by KubeDB and may not be set: remove it"
            ),
            Rule::GaleraTooSmall { replicas } => write!(
                f,
                "a clustered MariaDB (Galera or replication) needs at least {MIN_GALERA_REPLICAS} replicas, got {replicas}: use 3 or more, or 1 without a topology for a standalone server"
            ),
            Rule::MaxScaleReplicasMissing => f.write_str(
                "MariaDBReplication mode needs spec.topology.maxscale.replicas greater than zero",
            ),
            Rule::PlacementPolicyNotFound { name } => write!(
                f,
                "PlacementPolicy {name:?} does not exist: create it before the database"
            ),
            Rule::PolicyShapeMissing {
                policy,
                shape,
                other_shape,
            } => {
                write!(
                    f,
                    "distributed mode needs PlacementPolicy {policy:?} to have spec.{}",
                    shape.field()
                )?;
                if *other_shape {
                    write!(
                        f,
                        "; it has spec.{} instead, which this release's CRD prunes: convert it to this release's shape",
                        other(*shape).field()
                    )?;
                }
                Ok(())
            }
            Rule::VersionNotFound { name } => write!(
                f,
                "MariaDBVersion {name:?} does not exist on the hub: pick a version of the release's catalog (kubectl get mariadbversions)"
            ),
            Rule::VersionDeprecated { name } => write!(
                f,
                "MariaDBVersion {name:?} is deprecated: the webhook admits it (it checks deprecation only in strict mode) but the default catalog omits it; pick a supported version"
            ),
            Rule::DurableStorageMissing => f.write_str(
                "Durable storage needs spec.storage with a storage request: add spec.storage.resources.requests.storage",
            ),
            Rule::StorageRequestMissing => f.write_str(
                "Durable storage needs a storage request: set spec.storage.resources.requests.storage",
            ),
            Rule::StorageRequestNotPositive { quantity } => write!(
                f,
                "storage request {quantity:?} must be greater than zero"
            ),
            Rule::StorageClassNotFound { name } => write!(
                f,
                "StorageClass {name:?} does not exist on the hub: create it or name an existing class"
            ),
            Rule::RequireSslUnsupported { version } => write!(
                f,
                "requireSSL needs MariaDB 10.5.2 or later, this version is {version}: pick a newer MariaDBVersion or drop requireSSL"
            ),
            Rule::SliceConfigNotFound {
                slice,
                project_namespace,
            } => write!(
                f,
                "SliceConfig {slice:?} does not exist in {project_namespace:?}: create the slice before the policy"
            ),
            Rule::PetSetPolicyMissing { petset } => write!(
                f,
                "distributed PetSet {petset} names no PlacementPolicy: set spec.podPlacementPolicy"
            ),
            Rule::PetSetNoClusterSpec { policy } => write!(
                f,
                "PlacementPolicy {policy:?} has no distribution rules in this release's shape"
            ),
            Rule::PetSetPolicyTooSmall {
                policy,
                replicas,
                total,
            } => write!(
                f,
                "PlacementPolicy {policy:?} lists {total} indices for {replicas} replicas: list one index per replica"
            ),
            Rule::PetSetIndexNotCovered { policy, indices } => write!(
                f,
                "PlacementPolicy {policy:?} does not map ordinals {indices:?}: every ordinal below replicas must be mapped to a cluster"
            ),
            Rule::UpdateNotChecked { shape } => write!(
                f,
                "the release's webhook checks a policy update only when both the old and the new policy have spec.{}; this one is admitted unchecked, so check the indices yourself",
                shape.field()
            ),
            Rule::NegativeIndex { index } => {
                write!(f, "replica index {index} is negative: indices start at 0")
            }
            Rule::DuplicateIndex { index, clusters } => write!(
                f,
                "replica index {index} is listed {} times ({}): indices must be a contiguous block starting from 0, each once",
                clusters.len(),
                clusters.join(", ")
            ),
            Rule::MissingIndices { from, to } if from == to => write!(
                f,
                "replica index {from} is missing: indices must be a contiguous block starting from 0"
            ),
            Rule::MissingIndices { from, to } => write!(
                f,
                "replica indices {from} to {to} are missing: indices must be a contiguous block starting from 0"
            ),
            Rule::IndexMoved { index, from, to } => write!(
                f,
                "cannot modify existing replica assignments: replica {index} moved from cluster {from:?} to {to:?}; only append or remove the highest indices"
            ),
            Rule::ClusterNotInSlice { cluster, slice } => write!(
                f,
                "cluster {cluster:?} is not onboarded to slice {slice:?}: add it to the SliceConfig's spec.clusters"
            ),
            Rule::ReplicaIndexNotCovered { indices } => write!(
                f,
                "missing replica index {indices:?}: every ordinal below replicas must be mapped to a cluster"
            ),
            Rule::OrdinalsStartNotZero { start } => write!(
                f,
                "ordinals.start is {start}: the webhook admits it, but the PetSet controller places pods by index relative to the start and claims volumes by absolute ordinal, so pods can land on clusters the policy did not choose; use start 0"
            ),
            Rule::RoleNeedsIndices { role } => {
                write!(f, "a {role:?} rule must list replicaIndices")
            }
            Rule::ArbiterWithIndices => f.write_str("an Arbiter rule must not list replicaIndices"),
            Rule::TooFewMembers { members, needed } => write!(
                f,
                "a failover policy needs at least {needed} Member rules, found {members}"
            ),
            Rule::TwoDcMemberCount { members } => {
                write!(f, "TwoDC needs exactly 2 Member rules, found {members}")
            }
            Rule::TwoDcNeedsTieBreaker => {
                f.write_str("TwoDC needs at least one Arbiter or Witness rule")
            }
            Rule::GroupScopeNeedsGroup => f.write_str("trigger scope Group needs a group name"),
            Rule::Immutable => f.write_str("this field cannot change after creation"),
            Rule::OpsTypeNotSupported { given, supported } => write!(
                f,
                "OpsRequest type {given} is not supported by this release's webhook: use one of {}",
                supported.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
            ),
            Rule::OpsDatabaseNotFound { database } => write!(
                f,
                "MariaDB {database} does not exist: an OpsRequest names a MariaDB in its own namespace"
            ),
            Rule::OpsFieldMissing { type_, field } => {
                write!(f, "a {type_} OpsRequest needs {field}")
            }
            Rule::OpsNotACluster { database } => write!(
                f,
                "MariaDB {database} is not a cluster: horizontal scaling applies only to clusters"
            ),
            Rule::OpsMemberOutOfRange { member } => write!(
                f,
                "member {member} is outside 3..=9, the Galera sizes the webhook accepts"
            ),
            Rule::OpsMemberNotPlaced { policy, indices } => write!(
                f,
                "PlacementPolicy {policy:?} does not map ordinals {indices:?}: the OpsRequest webhook admits the request, but the PetSet webhook then refuses the new replica count and the request fails; extend the policy first"
            ),
            Rule::OpsReconfigureNothing => f.write_str(
                "a Reconfigure OpsRequest needs one of configSecret, applyConfig or removeCustomConfig",
            ),
            Rule::OpsReconfigureMoreThanOne => f.write_str(
                "a Reconfigure OpsRequest may set only one of configSecret, applyConfig and removeCustomConfig in this release",
            ),
            Rule::OpsTlsNothing => f.write_str(
                "a ReconfigureTLS OpsRequest needs one of remove, rotateCertificates, or a new issuerRef/certificates/requireSSL",
            ),
            Rule::OpsTlsMoreThanOne => f.write_str(
                "a ReconfigureTLS OpsRequest may ask for only one of remove, rotateCertificates, and a new issuerRef/certificates/requireSSL",
            ),
            Rule::OpsVolumeExpansionBoth => f.write_str(
                "a VolumeExpansion OpsRequest may expand the database or MaxScale, not both: use two requests",
            ),
            Rule::OpsStorageNotConfigured { node_type } => write!(
                f,
                "the MariaDB declares no {node_type} storage request to expand"
            ),
            Rule::OpsVolumeNotLarger {
                node_type,
                current,
                desired,
            } => write!(
                f,
                "the {node_type} volumes are {current} already: a VolumeExpansion to {desired} must ask for more than that"
            ),
            Rule::OpsNotReplication => f.write_str(
                "MaxScale volumes exist only in MariaDBReplication mode: the MariaDB is not in it",
            ),
            Rule::OpsTargetVersionNotFound { name } => write!(
                f,
                "target MariaDBVersion {name:?} does not exist on the hub"
            ),
            Rule::OpsTargetVersionDeprecated { name } => {
                write!(f, "target MariaDBVersion {name:?} is deprecated")
            }
            Rule::OpsMigrationNeedsTimeout => f.write_str(
                "a StorageMigration OpsRequest needs spec.timeout, sized to the database",
            ),
            Rule::OpsMigrationNoStorageClass => f.write_str(
                "the MariaDB has no spec.storage.storageClassName to migrate from",
            ),
        }
    }
}

impl Rule {
    fn default_severity(&self) -> Severity {
        match self {
            Rule::VersionDeprecated { .. }
            | Rule::OrdinalsStartNotZero { .. }
            | Rule::UpdateNotChecked { .. }
            | Rule::OpsMemberNotPlaced { .. } => Severity::Warning,
            _ => Severity::Refused,
        }
    }

    /// The text of the webhook's error for this rule, where upstream has one. Sources:
    /// `kubedb/apimachinery@v0.57.0:pkg/webhooks/kubedb/v1/mariadb.go` and
    /// `pkg/validator/validate.go`; `kubeops/petset@v0.0.11` and `@05a56e31`:
    /// `pkg/webhooks/apps/v1/{petset,placementPolicy}.go`; not-found errors are the API
    /// server's own (`<plural>.<group> "<name>" not found`).
    pub fn upstream_message(&self) -> Option<String> {
        Some(match self {
            Rule::ReplicasBelowOne { replicas } => format!(
                "spec.replicas \"{replicas}\" invalid. Value must be greater than zero"
            ),
            Rule::HaltWithEphemeralStorage => {
                "'spec.deletionPolicy: Halt' can not be used for 'Ephemeral' storage".into()
            }
            Rule::HaltWithDoNotTerminate => {
                "Can't halt, since termination policy is 'DoNotTerminate'".into()
            }
            Rule::ClusterNameTooLong { .. } => return None,
            Rule::InitScriptOnCluster => "`.spec.init.scriptSource` is not supported for cluster. For MariaDB cluster initialization see https://stash.run/docs/latest/addons/mariadb/guides/5.7/clusterd/".into(),
            Rule::GaleraTooSmall { replicas } if *replicas == 1 => format!(
                "'spec.replicas' \"{replicas}\" invalid. Value must be greater than or equal to {MIN_GALERA_REPLICAS} for topology mode or topology should be nil for standalone mode"
            ),
            Rule::GaleraTooSmall { replicas } => format!(
                "'spec.replicas' \"{replicas}\" invalid. Value must be {MIN_GALERA_REPLICAS} for mariadb cluster"
            ),
            Rule::PlacementPolicyNotFound { name } => {
                format!("placementpolicies.apps.k8s.appscode.com \"{name}\" not found")
            }
            Rule::PolicyShapeMissing { policy, shape, .. } => format!(
                "'spec.{}' is required in {policy} for distributed mariadb",
                shape.field()
            ),
            Rule::VersionNotFound { name } => format!(
                "failed to get MariaDBVersion: {name}: mariadbversions.catalog.kubedb.com \"{name}\" not found"
            ),
            Rule::DurableStorageMissing => "spec.storage is missing for durable storage type".into(),
            Rule::StorageRequestMissing => "missing ResourceStorage request".into(),
            Rule::StorageRequestNotPositive { .. } => "invalid ResourceStorage request".into(),
            Rule::StorageClassNotFound { name } => {
                format!("spec.storage.storageClassName \"{name}\" not found")
            }
            Rule::RequireSslUnsupported { .. } => {
                "requireSSL is not supported for the MariaDDB Versions lower than 10.5.2".into()
            }
            Rule::NegativeIndex { index } => format!(
                "invalid replica set: indices must be a contiguous block starting from 0. Found {index}, expected 0"
            ),
            Rule::IndexMoved { index, from, to } => format!(
                "cannot modify existing replica assignments. Replica {index} was moved from cluster {from:?} to {to:?}"
            ),
            Rule::SliceConfigNotFound {
                slice,
                project_namespace,
            } => format!(
                "failed to get SliceConfig '{slice}' in project namespace '{project_namespace}': sliceconfigs.controller.kubeslice.io \"{slice}\" not found"
            ),
            Rule::PetSetPolicyMissing { petset } => {
                let (ns, name) = petset.split_once('/').unwrap_or(("", petset));
                format!("no PodPlacementPolicy defined for Distributed PetSet {ns:?}/{name:?}")
            }
            Rule::PetSetNoClusterSpec { policy } => format!(
                "expected an OCM cluster spec for distributed petset in the apps.k8s.appscode.com/PlacementPolicy: {policy}, but got none"
            ),
            Rule::PetSetPolicyTooSmall {
                policy,
                replicas,
                total,
            } => format!(
                "expected at least {replicas} replicas in the placementPolicy {policy}, but got totalReplicas = {total}"
            ),
            Rule::PetSetIndexNotCovered { policy, indices } => format!(
                "missing replica index [{}] at placementpolicy: {policy}",
                indices
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            _ => return None,
        })
    }
}

/// What is known about one object on the hub when a rule needs it.
#[derive(Debug)]
pub enum Lookup<'a, T: ?Sized> {
    /// Nothing is known: rules that need the object are skipped.
    Unknown,
    /// The object was looked up: `None` means it does not exist.
    Known(Option<&'a T>),
}

impl<T: ?Sized> Clone for Lookup<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized> Copy for Lookup<'_, T> {}

// Written out: a derive would require `T: Default`, which `[String]` is not.
#[allow(clippy::derivable_impls)]
impl<T: ?Sized> Default for Lookup<'_, T> {
    fn default() -> Self {
        Lookup::Unknown
    }
}

/// The PlacementPolicy a MariaDB or PetSet references, as found on the hub.
pub type PolicyLookup<'a> = Lookup<'a, PlacementPolicy>;
/// The MariaDBVersion a MariaDB names, as found on the hub (its catalog entry).
pub type VersionLookup<'a> = Lookup<'a, CatalogEntry>;
/// The clusters onboarded to the SliceConfig a PlacementPolicy names (`spec.clusters`).
pub type SliceLookup<'a> = Lookup<'a, [String]>;

/// What the MariaDB webhooks read from the hub besides the object itself. The default knows
/// nothing, so every rule that needs the hub is skipped.
#[derive(Clone, Copy, Debug, Default)]
pub struct MariaDBInputs<'a> {
    /// The PlacementPolicy named by `spec.podTemplate.spec.podPlacementPolicy`.
    pub policy: PolicyLookup<'a>,
    /// The MariaDBVersion named by `spec.version` (from the hub, or the release's catalog).
    pub version: VersionLookup<'a>,
    /// The StorageClass names on the hub, when known.
    pub storage_classes: Option<&'a [String]>,
}

/// Oldest server version that supports `requireSSL` (`apimachinery@v0.57.0:
/// pkg/webhooks/kubedb/v1/mariadb.go`, unchanged at 861df6898a80).
pub const REQUIRE_SSL_MIN_VERSION: (u64, u64, u64) = (10, 5, 2);

/// `major.minor.patch` of a version string such as `10.5.23` or `11.5.2-jammy`; missing parts
/// are 0. `None` when it does not start with a number.
fn semver(v: &str) -> Option<(u64, u64, u64)> {
    let core = v.trim_start_matches('v');
    let core = core.split(['-', '+']).next().unwrap_or_default();
    let mut parts = core.split('.').map(|p| p.parse::<u64>());
    let major = parts.next()?.ok()?;
    let minor = parts.next().map(|p| p.ok()).unwrap_or(Some(0))?;
    let patch = parts.next().map(|p| p.ok()).unwrap_or(Some(0))?;
    Some((major, minor, patch))
}

/// `true` when a durable MariaDB's storage request is present and positive.
fn storage_request(md: &MariaDB) -> Option<Rule> {
    let Some(storage) = &md.spec.storage else {
        return Some(Rule::DurableStorageMissing);
    };
    let request = storage
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("storage"));
    match request {
        None => Some(Rule::StorageRequestMissing),
        Some(q) if !quantity_positive(&q.0) => Some(Rule::StorageRequestNotPositive {
            quantity: q.0.clone(),
        }),
        Some(_) => None,
    }
}

/// `true` when a quantity string is greater than zero (its number part, any suffix).
fn quantity_positive(q: &str) -> bool {
    let number: String = q
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '+' | '-'))
        .collect();
    number.parse::<f64>().is_ok_and(|n| n > 0.0)
}

/// Validates a MariaDB as the KubeDB webhooks of `release` do on create, after the mutating
/// webhook's defaults ([`MariaDB::with_defaults`]). Rules follow
/// `kubedb/apimachinery@<release.apimachinery()>:pkg/webhooks/kubedb/v1/mariadb.go`
/// (`Default`, `ValidateMariaDB`) and `pkg/validator/validate.go` (`ValidateStorage`):
///
/// - the MariaDBVersion must exist (the mutating webhook reads it first); a deprecated one is a
///   [`Severity::Warning`]: the webhook checks deprecation only with `StrictValidation`, which
///   the operator never sets;
/// - `replicas >= 1`; with a topology (every `replicas > 1` gets one by default) `replicas`
///   must be at least 3, unless `init.archiver` is set and not yet initialised;
/// - clustered: name at most 32 characters; `init.script` refused by v2025.7.31 only;
/// - forbidden environment variables; Halt with DoNotTerminate or with Ephemeral storage;
/// - Durable storage needs `spec.storage` with a positive `storage` request, and its storage
///   class must exist on the hub;
/// - `requireSSL` needs server version 10.5.2 or later (read from the catalog);
/// - MariaDBReplication needs `spec.topology.maxscale` (the webhook reads it without a nil
///   check; the defaults set its replicas to 1);
/// - distributed: the PlacementPolicy must exist and have the release's multi-cluster shape
///   (`spec.ocm` for v2025.7.31, `spec.clusterSpreadConstraint` after).
///
/// Ordinal coverage is not a MariaDB rule: the PetSet webhook checks it when the operator
/// creates the PetSet ([`validate_petset`]). The webhook stops at the first error; this returns
/// every violation, in the webhook's order.
pub fn validate_mariadb(md: &MariaDB, release: Release, hub: &MariaDBInputs<'_>) -> Vec<Violation> {
    let original = md;
    let md = md.with_defaults();
    let spec = &md.spec;
    let mut out = Vec::new();
    if spec.halted == Some(true) && spec.deletion_policy == Some(DeletionPolicy::DoNotTerminate) {
        out.push(Violation::new("spec.halted", Rule::HaltWithDoNotTerminate));
    }
    match hub.version {
        Lookup::Known(None) => out.push(Violation::new(
            "spec.version",
            Rule::VersionNotFound {
                name: spec.version.clone(),
            },
        )),
        Lookup::Known(Some(v)) if v.deprecated => out.push(Violation::new(
            "spec.version",
            Rule::VersionDeprecated {
                name: spec.version.clone(),
            },
        )),
        _ => {}
    }
    let replicas = md.replicas();
    if replicas < 1 {
        out.push(Violation::new(
            "spec.replicas",
            Rule::ReplicasBelowOne { replicas },
        ));
    }
    let restoring = spec
        .init
        .as_ref()
        .is_some_and(|i| i.archiver.is_some() && i.initialized != Some(true));
    if spec.topology.is_some() && (1..MIN_GALERA_REPLICAS).contains(&replicas) && !restoring {
        out.push(Violation::new(
            "spec.replicas",
            Rule::GaleraTooSmall { replicas },
        ));
    }
    if replicas > 1 {
        let length = md.offshoot_name().chars().count();
        if length > MAX_CLUSTER_NAME_LENGTH {
            out.push(Violation::new(
                "metadata.name",
                Rule::ClusterNameTooLong { length },
            ));
        }
        if release.refuses_init_script_on_cluster()
            && spec.init.as_ref().is_some_and(|i| i.script.is_some())
        {
            out.push(Violation::new(
                "spec.init.script",
                Rule::InitScriptOnCluster,
            ));
        }
    }
    if let Some(containers) = original
        .spec
        .pod_template
        .as_ref()
        .and_then(|t| t.spec.as_ref())
        .and_then(|s| s.containers.as_ref())
    {
        for (ci, container) in containers.iter().enumerate() {
            for (ei, env) in container.env.iter().flatten().enumerate() {
                if FORBIDDEN_ENV_VARS.contains(&env.name.as_str()) {
                    out.push(Violation::new(
                        format!("spec.podTemplate.spec.containers[{ci}].env[{ei}].name"),
                        Rule::ForbiddenEnvVar {
                            name: env.name.clone(),
                        },
                    ));
                }
            }
        }
    }
    if spec.storage_type == Some(StorageType::Durable) {
        if let Some(class) = spec
            .storage
            .as_ref()
            .and_then(|s| s.storage_class_name.as_ref())
            && let Some(classes) = hub.storage_classes
            && !classes.contains(class)
        {
            out.push(Violation::new(
                "spec.storage.storageClassName",
                Rule::StorageClassNotFound {
                    name: class.clone(),
                },
            ));
        }
        if let Some(rule) = storage_request(&md) {
            let path = if spec.storage.is_none() {
                "spec.storage"
            } else {
                "spec.storage.resources.requests.storage"
            };
            out.push(Violation::new(path, rule));
        }
    }
    if spec.storage_type == Some(StorageType::Ephemeral)
        && spec.deletion_policy == Some(DeletionPolicy::Halt)
    {
        out.push(Violation::new(
            "spec.deletionPolicy",
            Rule::HaltWithEphemeralStorage,
        ));
    }
    if spec.require_ssl == Some(true)
        && let Lookup::Known(Some(v)) = hub.version
        && let Some(found) = semver(&v.version)
        && found < REQUIRE_SSL_MIN_VERSION
    {
        out.push(Violation::new(
            "spec.requireSSL",
            Rule::RequireSslUnsupported {
                version: v.version.clone(),
            },
        ));
    }
    if replicas > 1
        && md.mode() == Some(MariaDBMode::MariaDBReplication)
        && spec
            .topology
            .as_ref()
            .and_then(|t| t.maxscale.as_ref())
            .is_none()
    {
        out.push(Violation::new(
            "spec.topology.maxscale",
            Rule::MaxScaleReplicasMissing,
        ));
    }
    if md.is_distributed() {
        let path = "spec.podTemplate.spec.podPlacementPolicy";
        // The webhook refuses a distributed MariaDB without a policy reference, but a real API
        // server never shows it one: the CRD defaults `podPlacementPolicy` to `{name:
        // default}` (both releases' `kubedb.com_mariadbs.yaml`), and the API server applies CRD
        // defaults again after the mutating webhook, whose `SetDefaults` always fills
        // `podTemplate.spec`. So an absent reference is the policy `default`.
        let name = md.placement_policy_name().unwrap_or("default");
        if let Lookup::Known(found) = hub.policy {
            match found {
                None => out.push(Violation::new(
                    path,
                    Rule::PlacementPolicyNotFound {
                        name: name.to_owned(),
                    },
                )),
                Some(pp) if !pp.has_shape(release.policy_shape()) => out.push(Violation::new(
                    path,
                    Rule::PolicyShapeMissing {
                        policy: name.to_owned(),
                        shape: release.policy_shape(),
                        other_shape: pp.has_shape(other(release.policy_shape())),
                    },
                )),
                Some(_) => {}
            }
        }
    }
    out
}

fn other(shape: PolicyShape) -> PolicyShape {
    match shape {
        PolicyShape::Ocm => PolicyShape::ClusterSpreadConstraint,
        PolicyShape::ClusterSpreadConstraint => PolicyShape::Ocm,
    }
}

/// Validates an update of a MariaDB as `validateUpdate` does (the same in both releases,
/// `apimachinery@v0.57.0:pkg/webhooks/kubedb/v1/mariadb.go`): `spec.storageType` never
/// changes, and `spec.init` is frozen once the database is initialised. Everything else,
/// `spec.podTemplate.spec.nodeSelector` included, may change.
pub fn validate_mariadb_update(old: &MariaDB, new: &MariaDB) -> Vec<Violation> {
    let (old, new) = (old.with_defaults(), new.with_defaults());
    let mut out = Vec::new();
    if old.spec.storage_type != new.spec.storage_type {
        out.push(Violation::new("spec.storageType", Rule::Immutable));
    }
    let initialized = old
        .spec
        .init
        .as_ref()
        .is_some_and(|i| i.initialized == Some(true));
    if initialized && old.spec.init != new.spec.init {
        out.push(Violation::new("spec.init", Rule::Immutable));
    }
    out
}

/// The path of rule `i`'s index list in `shape`.
fn indices_path(shape: PolicyShape, rule: usize) -> String {
    match shape {
        PolicyShape::ClusterSpreadConstraint => {
            format!("spec.clusterSpreadConstraint.distributionRules[{rule}].replicaIndices")
        }
        PolicyShape::Ocm => format!("spec.ocm.distributionRules[{rule}].replicas"),
    }
}

/// A policy's distribution rules as `(cluster, indices)` pairs in list order: the view the
/// index rules work on, whichever shape the policy uses.
pub type Distribution<'a> = [(&'a str, &'a [i32])];

/// The index rules of the kubeops create webhook over a distribution: the union of all
/// indices is exactly `0..N`, each once. Returns every violation as `(rule position, rule)`:
/// each negative index, each duplicate (with every cluster listing it, in list order) and each
/// run of missing indices below the highest one. Runs in time linear in the number of indices
/// (plus a sort of the indices that lie beyond the count, which only invalid input has).
///
/// ```
/// use kubedb_types::admission::{index_violations, Rule};
/// let d = [("a", &[0, 2][..]), ("b", &[2, 5][..])];
/// let v: Vec<Rule> = index_violations(&d).into_iter().map(|(_, r)| r).collect();
/// assert_eq!(v, vec![
///     Rule::DuplicateIndex { index: 2, clusters: vec!["a".into(), "b".into()] },
///     Rule::MissingIndices { from: 1, to: 1 },
///     Rule::MissingIndices { from: 3, to: 4 },
/// ]);
/// ```
pub fn index_violations(rules: &Distribution<'_>) -> Vec<(usize, Rule)> {
    let mut out = Vec::new();
    let total: usize = rules.iter().map(|(_, idx)| idx.len()).sum();
    // Listings per index below `total`; indices at or beyond it cannot all fit and are
    // handled sparsely so that a huge index cannot make us allocate.
    let mut count = vec![0u32; total];
    let mut beyond: Vec<(i32, usize)> = Vec::new();
    for (ri, (_, indices)) in rules.iter().enumerate() {
        for &index in *indices {
            match usize::try_from(index) {
                Err(_) => out.push((ri, Rule::NegativeIndex { index })),
                Ok(i) if i < total => count[i] += 1,
                Ok(_) => beyond.push((index, ri)),
            }
        }
    }
    beyond.sort_unstable();
    // Duplicated indices, then every listing of them in one more pass.
    let mut listings: BTreeMap<i32, Vec<usize>> = count
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 1)
        .map(|(i, _)| (i as i32, Vec::new()))
        .chain(
            beyond
                .chunk_by(|a, b| a.0 == b.0)
                .filter(|group| group.len() > 1)
                .map(|group| (group[0].0, Vec::new())),
        )
        .collect();
    if !listings.is_empty() {
        for (ri, (_, indices)) in rules.iter().enumerate() {
            for index in *indices {
                if let Some(list) = listings.get_mut(index) {
                    list.push(ri);
                }
            }
        }
    }
    for (index, list) in listings {
        let clusters = list.iter().map(|&ri| rules[ri].0.to_owned()).collect();
        out.push((list[1], Rule::DuplicateIndex { index, clusters }));
    }
    let highest = beyond
        .last()
        .map(|(i, _)| *i)
        .or_else(|| count.iter().rposition(|&n| n > 0).map(|i| i as i32));
    let Some(highest) = highest else {
        return out;
    };
    let mut present = count
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(i, _)| i as i32)
        .chain(beyond.iter().map(|(i, _)| *i))
        .peekable();
    let mut next = 0i32;
    while next <= highest {
        match present.next() {
            Some(p) if p < next => continue,
            Some(p) => {
                if p > next {
                    out.push((
                        rules.len(),
                        Rule::MissingIndices {
                            from: next,
                            to: p - 1,
                        },
                    ));
                }
                next = p.saturating_add(1);
                if p == i32::MAX {
                    break;
                }
            }
            None => break,
        }
    }
    out
}

/// Validates a new PlacementPolicy as the PlacementPolicy webhook of `release` does on create
/// (`kubeops/petset@<release.petset()>:pkg/webhooks/apps/v1/placementPolicy.go`,
/// `validateCreatePlacementPolicy`): when the policy has the release's shape with distribution
/// rules, the union of the indices must be exactly `0..N` ([`index_violations`]); a policy
/// without that shape is admitted unchecked (the webhook returns early). From petset
/// de81da92 on (v2026.7.10) the webhook also reads the SliceConfig the policy names and
/// refuses clusters it does not onboard (`validateSliceClusters`); `slice` is that
/// SliceConfig's `spec.clusters` as found on the hub.
///
/// `failoverPolicy` and rule roles are served by neither release's CRD (they are pruned), so
/// [`validate_failover_policy`] is not run here.
pub fn validate_placement_policy(
    pp: &PlacementPolicy,
    release: Release,
    slice: SliceLookup<'_>,
) -> Vec<Violation> {
    let shape = release.policy_shape();
    let mut out = index_rules(pp, shape);
    if release.policy_webhook_checks_slice() {
        out.extend(slice_rules(pp, slice));
    }
    out
}

/// The index rules on the policy's `shape`, or nothing when it lacks that shape.
fn index_rules(pp: &PlacementPolicy, shape: PolicyShape) -> Vec<Violation> {
    if !pp.has_distribution(shape) {
        return Vec::new();
    }
    let distribution = pp.distribution_of(shape);
    let rules_path = format!("spec.{}.distributionRules", shape.field());
    let answer = contiguity_answer(&distribution);
    index_violations(&distribution)
        .into_iter()
        .map(|(ri, rule)| {
            let path = if ri < distribution.len() {
                indices_path(shape, ri)
            } else {
                rules_path.clone()
            };
            Violation::new(path, rule).answering(answer.clone())
        })
        .collect()
}

/// The PlacementPolicy webhook's one error for a distribution that is not exactly `0..N`: it
/// sorts every index and reports the first position whose index differs
/// (`validateCreatePlacementPolicy`, `petset@v0.0.11` and `@05a56e31:pkg/webhooks/apps/v1/
/// placementPolicy.go`).
fn contiguity_answer(rules: &Distribution<'_>) -> Option<String> {
    let mut all: Vec<i32> = rules.iter().flat_map(|(_, i)| i.iter().copied()).collect();
    all.sort_unstable();
    all.iter().zip(0..).find(|(found, expected)| **found != *expected).map(|(found, expected)| {
        format!(
            "invalid replica set: indices must be a contiguous block starting from 0. Found {found}, expected {expected}"
        )
    })
}

/// Validates a PlacementPolicy update as the webhook of `release` does
/// (`validateUpdatePlacementPolicy`): only when both the old and the new policy have the
/// release's shape, the new policy must pass the create rules and no index below
/// `min(old, new)` may move to another cluster. An update from or to a policy without the
/// shape is admitted unchecked: here the create rules then run on the new policy as warnings,
/// with [`Rule::UpdateNotChecked`]. The slice check of v2026.7.10 runs on every update.
pub fn validate_placement_policy_update(
    old: &PlacementPolicy,
    new: &PlacementPolicy,
    release: Release,
    slice: SliceLookup<'_>,
) -> Vec<Violation> {
    let shape = release.policy_shape();
    let mut out = Vec::new();
    if old.has_shape(shape) && new.has_shape(shape) {
        out.extend(index_rules(new, shape));
        out.extend(
            moved_indices(&old.distribution_of(shape), &new.distribution_of(shape))
                .into_iter()
                .map(|(ri, rule)| Violation::new(indices_path(shape, ri), rule)),
        );
    } else {
        let unchecked = index_rules(new, shape);
        if !unchecked.is_empty() || old.has_shape(shape) != new.has_shape(shape) {
            out.push(Violation::new(
                format!("spec.{}", shape.field()),
                Rule::UpdateNotChecked { shape },
            ));
        }
        out.extend(unchecked.into_iter().map(Violation::warning));
    }
    if release.policy_webhook_checks_slice() {
        out.extend(slice_rules(new, slice));
    }
    out
}

/// The kubeops update rule over two distributions: for every index below the smaller of the
/// two contiguous prefixes, the cluster must not change. Returns `(rule position in new,
/// IndexMoved)` for each moved index, in index order.
pub fn moved_indices(old: &Distribution<'_>, new: &Distribution<'_>) -> Vec<(usize, Rule)> {
    let (old_map, new_map) = (index_map(old), index_map(new));
    old_map
        .iter()
        .zip(&new_map)
        .enumerate()
        .filter(|(_, (from, to))| from.1 != to.1)
        .map(|(index, (from, to))| {
            (
                to.0,
                Rule::IndexMoved {
                    index: index as i32,
                    from: from.1.to_owned(),
                    to: to.1.to_owned(),
                },
            )
        })
        .collect()
}

/// Index to `(rule position, cluster)`, the last listing winning as in the webhook's
/// `buildReplicaClusterMap`, for the contiguous prefix `0..N` of a distribution.
fn index_map<'a>(rules: &Distribution<'a>) -> Vec<(usize, &'a str)> {
    let total: usize = rules.iter().map(|(_, idx)| idx.len()).sum();
    let mut map: Vec<Option<(usize, &str)>> = vec![None; total];
    for (ri, (cluster, indices)) in rules.iter().enumerate() {
        for &i in *indices {
            if let Some(slot) = usize::try_from(i).ok().and_then(|i| map.get_mut(i)) {
                *slot = Some((ri, *cluster));
            }
        }
    }
    map.into_iter().map_while(|x| x).collect()
}

/// Ordinals in `0..replicas` that no rule maps (the PetSet webhook's `missing replica index`).
///
/// ```
/// let d = [("a", &[0, 2][..])];
/// assert_eq!(kubedb_types::admission::uncovered_indices(&d, 4), vec![1, 3]);
/// ```
pub fn uncovered_indices(rules: &Distribution<'_>, replicas: i32) -> Vec<i32> {
    let n = usize::try_from(replicas).unwrap_or(0);
    let mut covered = vec![false; n];
    for (_, indices) in rules {
        for &i in *indices {
            if let Some(slot) = usize::try_from(i).ok().and_then(|i| covered.get_mut(i)) {
                *slot = true;
            }
        }
    }
    covered
        .iter()
        .enumerate()
        .filter(|(_, c)| !**c)
        .map(|(i, _)| i as i32)
        .collect()
}

/// The slice rule of `validateSliceClusters` (`petset@05a56e31:pkg/webhooks/apps/v1/
/// placementPolicy.go`): with `spec.clusterSpreadConstraint`, the SliceConfig it names must
/// exist and onboard every cluster of its rules. `slice` is that SliceConfig's
/// `spec.clusters`; unknown skips the rule.
fn slice_rules(pp: &PlacementPolicy, slice: SliceLookup<'_>) -> Vec<Violation> {
    let Some(csc) = &pp.spec.cluster_spread_constraint else {
        return Vec::new();
    };
    let clusters = match slice {
        Lookup::Unknown => return Vec::new(),
        Lookup::Known(None) => {
            return vec![Violation::new(
                "spec.clusterSpreadConstraint.slice",
                Rule::SliceConfigNotFound {
                    slice: csc.slice.slice_name.clone(),
                    project_namespace: csc.slice.project_namespace.clone(),
                },
            )];
        }
        Lookup::Known(Some(clusters)) => clusters,
    };
    validate_placement_policy_slice(pp, clusters)
        .into_iter()
        .map(|v| {
            let answer = match &v.rule {
                Rule::ClusterNotInSlice { cluster, slice } => Some(format!(
                    "cluster '{cluster}' specified in PlacementPolicy is not onboarded to slice '{slice}' in project '{}'",
                    csc.slice.project_namespace
                )),
                _ => None,
            };
            v.answering(answer)
        })
        .collect()
}

/// Checks that every cluster of the policy is onboarded to its slice; `slice_clusters` is the
/// referenced SliceConfig's `spec.clusters`. Works on either shape (preflight uses it for the
/// legacy shape too, where no webhook checks it).
pub fn validate_placement_policy_slice(
    pp: &PlacementPolicy,
    slice_clusters: &[String],
) -> Vec<Violation> {
    let slice = pp
        .spec
        .cluster_spread_constraint
        .as_ref()
        .map(|c| c.slice.slice_name.clone())
        .or_else(|| pp.spec.ocm.as_ref().and_then(|o| o.slice_name.clone()))
        .unwrap_or_default();
    let shape = if pp.spec.cluster_spread_constraint.is_some() {
        PolicyShape::ClusterSpreadConstraint
    } else {
        PolicyShape::Ocm
    };
    pp.distribution_of(shape)
        .into_iter()
        .enumerate()
        .filter(|(_, (cluster, _))| !slice_clusters.iter().any(|c| c == cluster))
        .map(|(ri, (cluster, _))| {
            Violation::new(
                format!("spec.{}.distributionRules[{ri}].clusterName", shape.field()),
                Rule::ClusterNotInSlice {
                    cluster: cluster.to_owned(),
                    slice: slice.clone(),
                },
            )
        })
        .collect()
}

/// The failover-policy rules of the newer petset (`ClusterSpreadConstraint.Validate`), checked
/// only when `failoverPolicy` is set.
pub fn validate_failover_policy(pp: &PlacementPolicy) -> Vec<Violation> {
    let Some(csc) = &pp.spec.cluster_spread_constraint else {
        return Vec::new();
    };
    let Some(failover) = &csc.failover_policy else {
        return Vec::new();
    };
    let base = "spec.clusterSpreadConstraint";
    let mut out = Vec::new();
    let mut members = 0;
    let mut tie_breakers = 0;
    for (ri, rule) in csc.distribution_rules.iter().enumerate() {
        let role = rule.role.unwrap_or_default();
        let path = format!("{base}.distributionRules[{ri}].replicaIndices");
        match role {
            RuleRole::Arbiter => {
                tie_breakers += 1;
                if !rule.replica_indices.is_empty() {
                    out.push(Violation::new(path, Rule::ArbiterWithIndices));
                }
            }
            RuleRole::Member | RuleRole::Witness => {
                if role == RuleRole::Member {
                    members += 1;
                } else {
                    tie_breakers += 1;
                }
                if rule.replica_indices.is_empty() {
                    out.push(Violation::new(path, Rule::RoleNeedsIndices { role }));
                }
            }
        }
    }
    let rules_path = format!("{base}.distributionRules");
    if members < 2 {
        out.push(Violation::new(
            &rules_path,
            Rule::TooFewMembers { members, needed: 2 },
        ));
    }
    if failover.trigger.scope == FailoverScope::Group
        && failover.trigger.group.as_deref().unwrap_or("").is_empty()
    {
        out.push(Violation::new(
            format!("{base}.failoverPolicy.trigger.group"),
            Rule::GroupScopeNeedsGroup,
        ));
    }
    match failover.mode {
        Some(FailoverMode::TwoDc) => {
            if members != 2 {
                out.push(Violation::new(
                    &rules_path,
                    Rule::TwoDcMemberCount { members },
                ));
            }
            if tie_breakers == 0 {
                out.push(Violation::new(&rules_path, Rule::TwoDcNeedsTieBreaker));
            }
        }
        Some(FailoverMode::ThreeDc) if members < 3 => {
            out.push(Violation::new(
                &rules_path,
                Rule::TooFewMembers { members, needed: 3 },
            ));
        }
        _ => {}
    }
    out
}

/// Validates a distributed PetSet against its policy, as the PetSet webhook of `release` does
/// on create and update (`kubeops/petset@<release.petset()>:pkg/webhooks/apps/v1/petset.go`,
/// `validatePlacementPolicy`): when `distributed` and `replicas` are set, the PetSet must name
/// a policy, the policy must exist and have distribution rules in the release's shape, list at
/// least `replicas` indices and map every ordinal below `replicas`. This is where ordinal
/// coverage is checked: KubeDB creates the PetSet after admitting the MariaDB.
///
/// `spec.ordinals.start` other than 0 is a warning: the webhook does not check it, but the
/// PetSet controller places pods by index relative to the start and claims by absolute ordinal.
pub fn validate_petset(ps: &PetSet, release: Release, policy: PolicyLookup<'_>) -> Vec<Violation> {
    let spec = &ps.spec;
    let (Some(true), Some(replicas)) = (spec.distributed, spec.replicas) else {
        return Vec::new();
    };
    let path = "spec.podPlacementPolicy";
    let mut out = Vec::new();
    let start = spec.ordinals.as_ref().and_then(|o| o.start).unwrap_or(0);
    if start != 0 {
        out.push(Violation::new(
            "spec.ordinals.start",
            Rule::OrdinalsStartNotZero { start },
        ));
    }
    let Some(name) = spec.pod_placement_policy.as_ref().map(|r| r.name.as_str()) else {
        let petset = format!(
            "{}/{}",
            ps.metadata.namespace.as_deref().unwrap_or_default(),
            ps.metadata.name.as_deref().unwrap_or_default()
        );
        out.push(Violation::new(path, Rule::PetSetPolicyMissing { petset }));
        return out;
    };
    let shape = release.policy_shape();
    match policy {
        Lookup::Unknown => {}
        Lookup::Known(None) => out.push(Violation::new(
            path,
            Rule::PlacementPolicyNotFound {
                name: name.to_owned(),
            },
        )),
        Lookup::Known(Some(pp)) if !pp.has_distribution(shape) => out.push(Violation::new(
            path,
            Rule::PetSetNoClusterSpec {
                policy: name.to_owned(),
            },
        )),
        Lookup::Known(Some(pp)) => {
            let distribution = pp.distribution_of(shape);
            let total: usize = distribution.iter().map(|(_, i)| i.len()).sum();
            if total < usize::try_from(replicas).unwrap_or(0) {
                out.push(Violation::new(
                    "spec.replicas",
                    Rule::PetSetPolicyTooSmall {
                        policy: name.to_owned(),
                        replicas,
                        total,
                    },
                ));
            } else {
                let indices = uncovered_indices(&distribution, replicas);
                if !indices.is_empty() {
                    out.push(Violation::new(
                        "spec.replicas",
                        Rule::PetSetIndexNotCovered {
                            policy: name.to_owned(),
                            indices,
                        },
                    ));
                }
            }
        }
    }
    out
}

/// What the MariaDBOpsRequest webhook reads from the hub besides the request. The default knows
/// nothing, so every rule that needs the hub is skipped.
#[derive(Clone, Copy, Debug, Default)]
pub struct OpsRequestInputs<'a> {
    /// The MariaDB `spec.databaseRef` names, in the request's namespace, as stored on the hub.
    /// It is judged after [`MariaDB::with_defaults`] (the hub stores the mutating webhook's
    /// defaults), so a manifest as written may be passed too.
    pub database: Lookup<'a, MariaDB>,
    /// The MariaDBVersion objects on the hub (the release's catalog, or what the hub has),
    /// when known.
    pub catalog: Option<&'a Catalog>,
    /// The PlacementPolicy the MariaDB names, for the distributed scale-up warning.
    pub policy: PolicyLookup<'a>,
}

/// The rules of the ops webhook of `release` for `type_` that read the MariaDB the request
/// names, as lines for a caller that does not have it (a manifest checked without its
/// database): what was not checked. Empty for types the release does not serve and, in
/// v2025.7.31, for VerticalScaling and Reconfigure, which never read it
/// (`apimachinery@v0.57.0` and `@861df6898a80:pkg/webhooks/ops/v1alpha1/mariadb.go`).
///
/// ```
/// use kubedb_types::admission::ops_rules_reading_database;
/// use kubedb_types::ops::v1alpha1::MariaDBOpsRequestType;
/// use kubedb_types::release::Release;
/// let rules = ops_rules_reading_database(MariaDBOpsRequestType::VolumeExpansion, Release::NEWEST);
/// assert!(rules.iter().any(|r| r.contains("greater than")));
/// assert!(ops_rules_reading_database(MariaDBOpsRequestType::Reconfigure, Release::WALKTHROUGH).is_empty());
/// ```
pub fn ops_rules_reading_database(
    type_: MariaDBOpsRequestType,
    release: Release,
) -> Vec<&'static str> {
    use MariaDBOpsRequestType as T;
    if !type_.served_by(release) {
        return Vec::new();
    }
    let older = release == Release::V2025_7_31;
    let exists = "the MariaDB exists";
    let own: &[&'static str] = match type_ {
        T::HorizontalScaling if older => &["it is a cluster (spec.replicas > 1)"],
        T::HorizontalScaling => &["it is a cluster (spec.topology set)"],
        T::UpdateVersion if !older => &[
            "the target is among the MariaDBVersions it can be updated to (its version's updateConstraints)",
        ],
        T::ReconfigureTls => &["requireSSL needs its version to be 10.5.2 or later"],
        T::VolumeExpansion => &[
            "the new size is greater than its current storage request",
            "MaxScale volumes need its MariaDBReplication topology",
        ],
        T::RotateAuth => &["a new auth secret keeps its username"],
        T::StorageMigration => &["it names a storage class to migrate from"],
        _ => &[],
    };
    let reads = !older || !matches!(type_, T::VerticalScaling | T::Reconfigure);
    let mut rules = Vec::new();
    if reads {
        rules.push(exists);
    }
    rules.extend_from_slice(own);
    if type_ == T::HorizontalScaling {
        rules.push("its PlacementPolicy maps the new members (a warning of this crate)");
    }
    rules
}

/// The webhook's path for the parameters of `type_`: where `validateCreateOrUpdate` reports
/// every error of that type.
fn ops_field(type_: MariaDBOpsRequestType) -> &'static str {
    use MariaDBOpsRequestType::*;
    match type_ {
        Restart => "spec.restart",
        VerticalScaling => "spec.verticalScaling",
        HorizontalScaling => "spec.horizontalScaling",
        Reconfigure => "spec.configuration",
        UpdateVersion | Upgrade => "spec.updateVersion",
        ReconfigureTls => "spec.tls",
        VolumeExpansion => "spec.volumeExpansion",
        RotateAuth => "spec.authentication",
        StorageMigration => "spec.migration",
    }
}

/// Validates a MariaDBOpsRequest as the ops webhook of `release` does on create
/// (`kubedb/apimachinery@<release.apimachinery()>:pkg/webhooks/ops/v1alpha1/mariadb.go`,
/// `validateCreateOrUpdate`; the webhook is registered for `mariadbopsrequests` by
/// `kubedb/installer@<release>:charts/kubedb-webhook-server/templates/ops-manager/
/// validating-webhook.yaml`). Paths are the webhook's (`spec.<field of the type>`), and each
/// violation carries the webhook's own text ([`Violation::upstream_message`]).
///
/// Both releases:
/// - `spec.type` must be one of the release's types ([`MariaDBOpsRequestType::supported`];
///   `Upgrade`, still in the v2025.7.31 CRD, is refused by both);
/// - HorizontalScaling: `horizontalScaling` present; the MariaDB a cluster (v0.57.0
///   `IsCluster`: `replicas > 1`; 861df6898a80: `spec.topology` set); `member` present (the
///   webhook dereferences it without a check) and in `3..=9` (`member <= 2 || member > 9` is
///   refused);
/// - VerticalScaling: `verticalScaling` present;
/// - VolumeExpansion: `volumeExpansion` with `mariadb` or `maxscale`, not both;
/// - Reconfigure: `configuration` with `configSecret`, `applyConfig` or `removeCustomConfig`;
/// - ReconfigureTLS: `tls` present; exactly one of `remove`, `rotateCertificates`, and a new
///   `issuerRef`/`certificates`/`requireSSL`; `requireSSL` needs the database's version to be
///   10.5.2 or later.
///
/// v2025.7.31 (`apimachinery@v0.57.0`) only:
/// - the MariaDB must exist for Restart (`spec.restart`), HorizontalScaling, UpdateVersion,
///   ReconfigureTLS, VolumeExpansion and RotateAuth; VerticalScaling and Reconfigure do not
///   read it;
/// - Reconfigure: at most one of the three changes;
/// - UpdateVersion: `updateVersion` present; the target MariaDBVersion must exist and not be
///   deprecated;
/// - RotateAuth: a `secretRef` needs a non-empty name.
///
/// v2026.7.10 (`apimachinery@861df6898a80`) only:
/// - the MariaDB must exist for every type (`spec.databaseRef`), checked before anything else
///   but the type, and nothing else is checked when it does not;
/// - UpdateVersion: `updateVersion` present; the target must be among the MariaDBVersions
///   (`IsUpgradable`, `pkg/webhooks/ops/v1alpha1/shared.go`; its allow/deny constraints from
///   the current version's `updateConstraints` are not modelled);
/// - StorageMigration: `migration` and `timeout` present, and the MariaDB must name a storage
///   class.
///
/// VolumeExpansion sizes against the MariaDB, in each release's way ([`volume_sizes`]).
///
/// Not modelled (they need objects this function is not given): the Secrets of RotateAuth,
/// the StorageClasses of StorageMigration, and v2026.7.10's `updateConstraints` of the current
/// MariaDBVersion (the catalog data carries no constraints; an empty allowlist admits any
/// target, which is what is judged). [`ops_rules_reading_database`] lists, per type and
/// release, the rules that need the MariaDB, for callers that do not have it.
///
/// Where the guide is silent (`kubedb/docs@dd66a58b:docs/guides/mariadb/distributed/
/// opsrequest/horizontal_scale.md`): neither release's OpsRequest webhook reads the
/// PlacementPolicy or the slice. A scale-up past the ordinals the policy maps is admitted;
/// the PetSet webhook (which checks coverage on update too, [`validate_petset`]) then refuses
/// the ops manager's new replica count and the request fails. That is reported here as a
/// [`Severity::Warning`] ([`Rule::OpsMemberNotPlaced`]) when the database is distributed and
/// its policy is known. A policy edit while a request runs is judged by the PlacementPolicy
/// webhook alone ([`validate_placement_policy_update`]): no OpsRequest rule sees it.
///
/// The webhook stops at its first error; this returns every violation, in the webhook's
/// order (except where upstream returns before reading further, as for an unknown type).
///
/// ```
/// use kubedb_types::admission::{validate_mariadb_ops_request, OpsRequestInputs, Rule};
/// use kubedb_types::ops::v1alpha1::MariaDBOpsRequest;
/// use kubedb_types::release::Release;
/// let ops = MariaDBOpsRequest::horizontal_scaling("scale", "demo", "mariadb", 2);
/// let v = validate_mariadb_ops_request(&ops, Release::WALKTHROUGH, &OpsRequestInputs::default());
/// assert_eq!(v[0].rule, Rule::OpsMemberOutOfRange { member: 2 });
/// assert_eq!(v[0].upstream_message(), "Group size can not be less than 3 or greater than 9, range: [3,9]");
/// ```
pub fn validate_mariadb_ops_request(
    ops: &MariaDBOpsRequest,
    release: Release,
    hub: &OpsRequestInputs<'_>,
) -> Vec<Violation> {
    use MariaDBOpsRequestType as T;
    let spec = &ops.spec;
    let type_ = spec.type_;
    let namespace = ops.metadata.namespace.as_deref().unwrap_or_default();
    let db_name = spec.database_ref.name.as_str();
    let database = format!("{namespace}/{db_name}");
    let older = release == Release::V2025_7_31;
    let mut out = Vec::new();
    if !type_.served_by(release) {
        out.push(
            Violation::new(
                "spec.type",
                Rule::OpsTypeNotSupported {
                    given: type_,
                    supported: T::supported(release).to_vec(),
                },
            )
            .answering(Some(format!(
                "defined OpsRequestType {type_} is not supported, supported types for MariaDB are {}",
                T::supported(release)
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        );
        return out;
    }
    let field = ops_field(type_);
    let missing = |field: &'static str, answer: Option<&str>| {
        Violation::new(field_path(field), Rule::OpsFieldMissing { type_, field })
            .answering(answer.map(str::to_owned))
    };
    // The MariaDB as the hub stores it (defaults applied); `None` when unknown, `Some(None)`
    // when known not to exist.
    let db: Option<Option<MariaDB>> = match hub.database {
        Lookup::Unknown => None,
        Lookup::Known(found) => Some(found.map(MariaDB::with_defaults)),
    };
    let not_found = Violation::new(
        field,
        Rule::OpsDatabaseNotFound {
            database: database.clone(),
        },
    );
    let invalid_ref = format!("spec.databaseRef {database}, is invalid or not found");
    if !older {
        if let Some(None) = db {
            out.push(
                Violation {
                    path: "spec.databaseRef".into(),
                    ..not_found
                }
                .answering(Some(invalid_ref)),
            );
            return out;
        }
    } else if matches!(db, Some(None)) && !matches!(type_, T::VerticalScaling | T::Reconfigure) {
        let answer = if type_ == T::Restart {
            invalid_ref
        } else {
            format!(
                "failed to get mariadb: {database}: mariadbs.kubedb.com \"{db_name}\" not found"
            )
        };
        out.push(not_found.answering(Some(answer)));
    }
    let md = db.as_ref().and_then(Option::as_ref);
    match type_ {
        T::HorizontalScaling => {
            let Some(hs) = &spec.horizontal_scaling else {
                out.push(missing(
                    "spec.horizontalScaling",
                    Some("`spec.Scale.HorizontalScaling` field is nil"),
                ));
                return out;
            };
            if let Some(md) = md {
                let cluster = if older {
                    md.spec.replicas.unwrap_or(0) > 1
                } else {
                    md.spec.topology.is_some()
                };
                if !cluster {
                    out.push(Violation::new(field, Rule::OpsNotACluster { database }).answering(
                        Some("OpsRequest haven't pointed to a MariaDB Cluster, Horizontal scaling applicable only for MariaDB Cluster".into()),
                    ));
                }
            }
            match hs.member {
                None => out.push(missing("spec.horizontalScaling.member", None)),
                Some(member) if !(3..=9).contains(&member) => out.push(
                    Violation::new(field, Rule::OpsMemberOutOfRange { member }).answering(Some(
                        "Group size can not be less than 3 or greater than 9, range: [3,9]".into(),
                    )),
                ),
                Some(member) => {
                    if let (Some(md), Lookup::Known(Some(pp))) = (md, hub.policy)
                        && md.is_distributed()
                        && pp.has_distribution(release.policy_shape())
                    {
                        let indices =
                            uncovered_indices(&pp.distribution_of(release.policy_shape()), member);
                        if !indices.is_empty() {
                            out.push(Violation::new(
                                "spec.horizontalScaling.member",
                                Rule::OpsMemberNotPlaced {
                                    policy: pp.metadata.name.clone().unwrap_or_default(),
                                    indices,
                                },
                            ));
                        }
                    }
                }
            }
        }
        T::VerticalScaling => {
            if spec.vertical_scaling.is_none() {
                out.push(missing(
                    "spec.verticalScaling",
                    Some("`spec.Scale.Vertical` field is empty"),
                ));
            }
        }
        T::VolumeExpansion => match &spec.volume_expansion {
            Some(ve) if ve.mariadb.is_some() && ve.maxscale.is_some() => out.push(
                Violation::new(field, Rule::OpsVolumeExpansionBoth).answering(Some(
                    "Volume expansion for both server at a time is not allowed".into(),
                )),
            ),
            Some(ve) if ve.mariadb.is_some() || ve.maxscale.is_some() => {
                if let Some(md) = md {
                    out.extend(volume_sizes(field, md, ve, ops.phase(), older));
                }
            }
            _ => out.push(missing(
                "spec.volumeExpansion.mariadb",
                Some("`.Spec.VolumeExpansion` field is nil"),
            )),
        },
        T::Reconfigure => {
            let nil = if older {
                "`.Spec.Configuration` field is nil/not assigned properly"
            } else {
                "`.Spec.Configuration` field is nil"
            };
            let Some(c) = &spec.configuration else {
                out.push(missing("spec.configuration", Some(nil)));
                return out;
            };
            let remove = c.remove_custom_config == Some(true);
            let applies = c.apply_config.as_ref().is_some_and(|m| !m.is_empty());
            if !remove && !applies && c.config_secret.is_none() {
                let answer = if older {
                    nil
                } else {
                    "at least one of `RemoveCustomConfig`, `ConfigSecret`, or `ApplyConfig` must be specified"
                };
                out.push(
                    Violation::new(field, Rule::OpsReconfigureNothing)
                        .answering(Some(answer.into())),
                );
            } else if older
                && usize::from(remove)
                    + usize::from(c.apply_config.is_some())
                    + usize::from(c.config_secret.is_some())
                    > 1
            {
                out.push(Violation::new(field, Rule::OpsReconfigureMoreThanOne).answering(Some(
                    "more than 1 field have assigned to reconfigure your database but at a time you you are allowed to run one operation(`RemoveCustomConfig`, `ApplyConfig` or `ConfigSecret`) to reconfigure".into(),
                )));
            }
        }
        T::UpdateVersion => {
            let Some(uv) = &spec.update_version else {
                out.push(missing(
                    "spec.updateVersion",
                    Some(if older {
                        "spec.Upgrade is nil"
                    } else {
                        "spec.updateVersion nil not supported in UpdateVersion type"
                    }),
                ));
                return out;
            };
            let target = uv.target_version.clone().unwrap_or_default();
            // v0.57.0 reads the target after the database; 861df6898a80 lists the versions
            // only once the database is known.
            let read = older || md.is_some();
            if let (true, Some(catalog)) = (read, hub.catalog) {
                match catalog.get(&target) {
                    None => {
                        let answer = match (older, md) {
                            (true, _) => format!(
                                "failed to get mariadbVersion: {target}: mariadbversions.catalog.kubedb.com \"{target}\" not found"
                            ),
                            (false, Some(md)) => format!(
                                "upgrade from version {} to {target} is not supported",
                                md.spec.version
                            ),
                            (false, None) => String::new(),
                        };
                        out.push(
                            Violation::new(field, Rule::OpsTargetVersionNotFound { name: target })
                                .answering(Some(answer)),
                        );
                    }
                    Some(v) if older && v.deprecated => out.push(
                        Violation::new(
                            field,
                            Rule::OpsTargetVersionDeprecated {
                                name: target.clone(),
                            },
                        )
                        .answering(Some(format!(
                            "mariadb target version {namespace}/{target} is deprecated. Skipped processing"
                        ))),
                    ),
                    Some(_) => {}
                }
            }
        }
        T::ReconfigureTls => {
            let Some(tls) = &spec.tls else {
                out.push(missing("spec.tls", Some("TLS Spec is empty")));
                return out;
            };
            if tls.require_ssl == Some(true)
                && let (Some(md), Some(catalog)) = (md, hub.catalog)
                && let Some(entry) = catalog.get(&md.spec.version)
                && semver(&entry.version).is_some_and(|v| v < REQUIRE_SSL_MIN_VERSION)
            {
                out.push(Violation::new(
                    field,
                    Rule::RequireSslUnsupported {
                        version: entry.version.clone(),
                    },
                ));
            }
            let changes = usize::from(tls.remove == Some(true))
                + usize::from(tls.rotate_certificates == Some(true))
                + usize::from(
                    tls.config.issuer_ref.is_some()
                        || tls.config.certificates.is_some()
                        || tls.require_ssl.is_some(),
                );
            if changes == 0 {
                out.push(
                    Violation::new(field, Rule::OpsTlsNothing).answering(Some(
                        if older {
                            "No of incomplete reconfiguration is provided in TLS Spec."
                        } else {
                            "no of incomplete reconfiguration is provided in TLS spec"
                        }
                        .into(),
                    )),
                );
            } else if changes > 1 {
                out.push(Violation::new(field, Rule::OpsTlsMoreThanOne).answering(Some(
                    "more than 1 field have assigned to reconfigureTLS to your database but at a time you you are allowed to run one operation".into(),
                )));
            }
        }
        T::RotateAuth => {
            if older
                && let Some(secret) = spec
                    .authentication
                    .as_ref()
                    .and_then(|a| a.secret_ref.as_ref())
                && secret.name.is_empty()
            {
                out.push(missing(
                    "spec.authentication.secretRef.name",
                    Some("spec.authentication.secretRef.name can not be empty"),
                ));
            }
        }
        T::StorageMigration => {
            if spec.migration.is_none() {
                out.push(missing(
                    "spec.migration",
                    Some("spec.migration is required for StorageMigration type"),
                ));
                return out;
            }
            if spec.timeout.is_none() {
                out.push(Violation::new(field, Rule::OpsMigrationNeedsTimeout).answering(Some(
                    "spec.timeout is required for Storage Migration ops request, adjust timeout according to the size of your database".into(),
                )));
            }
            if let Some(md) = md
                && md
                    .spec
                    .storage
                    .as_ref()
                    .and_then(|s| s.storage_class_name.as_ref())
                    .is_none()
            {
                out.push(
                    Violation::new(field, Rule::OpsMigrationNoStorageClass).answering(Some(
                        "db.Spec.Storage.StorageClassName can't be nil in the database yaml".into(),
                    )),
                );
            }
        }
        T::Restart | T::Upgrade => {}
    }
    out
}

/// The size rules of a VolumeExpansion against the MariaDB it names (`md`, defaults applied).
///
/// - `apimachinery@v0.57.0:pkg/webhooks/ops/v1alpha1/mariadb.go`
///   (`validateMariaDBVolumeExpansionOpsRequest`): the current size is
///   `spec.storage.resources.requests.storage` (MaxScale: the topology's); the request must
///   ask for more, on every create and update. Without `spec.storage` the webhook
///   dereferences nil and answers HTTP 500 (refused); without the `storage` request it wraps a
///   nil error and admits the request without comparing (upstream's bug: admitted here too).
/// - `apimachinery@861df6898a80:pkg/webhooks/ops/util.go` (`ValidateStorageExpansion`):
///   `storage not configured for <node>`, `failed to parse current <node> storage size`, and
///   the comparison only while the request's phase is empty or `Pending`.
/// - MaxScale volumes need the MariaDBReplication topology (`Topology is not mariadb
///   replication`).
fn volume_sizes(
    field: &str,
    md: &MariaDB,
    ve: &crate::ops::v1alpha1::VolumeExpansionSpec,
    phase: Option<crate::ops::v1alpha1::OpsRequestPhase>,
    older: bool,
) -> Vec<Violation> {
    use crate::kubedb::v1::MariaDBMode;
    use crate::ops::v1alpha1::OpsRequestPhase;
    let mut out = Vec::new();
    let (node_type, desired, storage) = match (&ve.mariadb, &ve.maxscale) {
        (Some(q), _) => ("MariaDB", q.to_quantity(), md.spec.storage.as_ref()),
        (None, Some(q)) => {
            if md.mode() != Some(MariaDBMode::MariaDBReplication) {
                out.push(
                    Violation::new(field, Rule::OpsNotReplication)
                        .answering(Some("Topology is not mariadb replication".into())),
                );
                return out;
            }
            let storage = md
                .spec
                .topology
                .as_ref()
                .and_then(|t| t.maxscale.as_ref())
                .and_then(|m| m.storage.as_ref());
            ("MaxScale", q.to_quantity(), storage)
        }
        (None, None) => return out,
    };
    let not_configured = Violation::new(field, Rule::OpsStorageNotConfigured { node_type });
    let Some(storage) = storage else {
        out.push(not_configured.answering(Some(if older {
            "the webhook dereferences the missing storage and answers HTTP 500 (panic)".to_owned()
        } else {
            format!("storage not configured for {node_type}")
        })));
        return out;
    };
    let current = storage
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("storage"));
    let Some(current) = current else {
        if !older {
            out.push(not_configured.answering(Some(format!(
                "failed to parse current {node_type} storage size"
            ))));
        }
        return out;
    };
    let compares = older || matches!(phase, None | Some(OpsRequestPhase::Pending));
    if compares
        && crate::common::quantity::compare(current, &desired)
            .is_some_and(|o| o != std::cmp::Ordering::Less)
    {
        let answer = if older {
            format!(
                "Desired storage size must be greater than current storage. Current storage: {}",
                current.0
            )
        } else {
            format!(
                "desired {node_type} storage size must be greater than current storage. Current storage: {}",
                current.0
            )
        };
        out.push(
            Violation::new(
                field,
                Rule::OpsVolumeNotLarger {
                    node_type,
                    current: current.0.clone(),
                    desired: desired.0.clone(),
                },
            )
            .answering(Some(answer)),
        );
    }
    out
}

/// The webhook reports a missing parameter at the type's field (`spec.horizontalScaling` for
/// `spec.horizontalScaling.member`): the first two segments of `field`.
fn field_path(field: &str) -> String {
    field.splitn(3, '.').take(2).collect::<Vec<_>>().join(".")
}

/// Validates an update of a MariaDBOpsRequest as the ops webhook of `release` does
/// (`ValidateUpdate`, `apimachinery@v0.57.0` and `@861df6898a80:pkg/webhooks/ops/v1alpha1/
/// mariadb.go`): the spec may not change at all (`validateMariaDBOpsRequest`: a strategic
/// merge patch from the old object with `spec` as a precondition, kmodules
/// `client-go/meta/preconditions.go`), and when it did not, the create rules run again on the
/// new object ([`validate_mariadb_ops_request`]). The ops manager's status updates leave the
/// spec as it is, so they pass (v2026.7.10 registers the webhook for
/// `mariadbopsrequests/status` as well).
pub fn validate_mariadb_ops_request_update(
    old: &MariaDBOpsRequest,
    new: &MariaDBOpsRequest,
    release: Release,
    hub: &OpsRequestInputs<'_>,
) -> Vec<Violation> {
    if old.spec != new.spec {
        return vec![Violation::new("spec", Rule::Immutable)];
    }
    validate_mariadb_ops_request(new, release, hub)
}
