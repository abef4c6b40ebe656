//! What a check returns: a [`Violation`] names the field path, the [`Rule`] it breaks (with the
//! values that broke it, its text and the webhook's own answer) and its [`Severity`]; the
//! [`Lookup`]s say what a check knows about the objects it reads from the hub.

use std::fmt;

use super::common::{MAX_CLUSTER_NAME_LENGTH, MIN_GALERA_REPLICAS, other};
use crate::apps::v1::{PlacementPolicy, RuleRole};
use crate::ops::v1alpha1::MariaDBOpsRequestType;
use crate::release::{CatalogEntry, PolicyShape};

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
    pub(super) fn new(path: impl Into<String>, rule: Rule) -> Self {
        let severity = rule.default_severity();
        Self {
            path: path.into(),
            rule,
            severity,
            answer: None,
        }
    }

    pub(super) fn answering(mut self, answer: Option<String>) -> Self {
        self.answer = answer;
        self
    }

    pub(super) fn warning(mut self) -> Self {
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
    ///
    /// [`validate_mariadb`]: crate::validation::validate_mariadb
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
    /// An UpdateVersion target judged without the current MariaDBVersion's
    /// `spec.updateConstraints`, which the release's ops webhook checks and this crate's
    /// catalog data does not carry (a warning: see
    /// [`Release::ops_webhook_checks_update_constraints`](crate::release::Release::ops_webhook_checks_update_constraints)).
    OpsUpdateConstraintsNotChecked {
        /// `namespace/name` of the MariaDB.
        database: String,
        /// The MariaDB's `spec.version` (the MariaDBVersion whose constraints apply), when the
        /// MariaDB is known.
        from: Option<String>,
        /// The target MariaDBVersion.
        target: String,
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
            Rule::OpsUpdateConstraintsNotChecked {
                database,
                from,
                target,
            } => {
                let (ns, name) = database.split_once('/').unwrap_or(("", database));
                let version = match from {
                    Some(v) => v.clone(),
                    None => format!(
                        "\"$(kubectl get mariadb -n {ns} {name} -o jsonpath='{{.spec.version}}')\""
                    ),
                };
                write!(
                    f,
                    "not checked: the ops webhook's updateConstraints rule, which refuses a target the current MariaDBVersion's spec.updateConstraints does not allow (`upgrade from version {} to {target} is not supported`); the catalog data here carries no updateConstraints, so check that `kubectl get mariadbversion {version} -o jsonpath='{{.spec.updateConstraints}}'` allows {target} (within an allowlist range, not in the denylist)",
                    from.as_deref().unwrap_or("<its version>")
                )
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
            | Rule::OpsMemberNotPlaced { .. }
            | Rule::OpsUpdateConstraintsNotChecked { .. } => Severity::Warning,
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
