//! The checks KubeDB's and kubeops' admission webhooks make, as pure functions.
//!
//! Each function returns every [`Violation`] it finds (not only the first), and each
//! violation names the field path and the [`Rule`] it breaks. Rules that need other objects
//! from the hub (the referenced PlacementPolicy, the slice's clusters) take them as inputs,
//! so the checks run before anything reaches a cluster.
//!
//! ```
//! use kubedb_types::admission::{validate_placement_policy, Rule};
//! use kubedb_types::apps::v1::PlacementPolicy;
//! let pp: PlacementPolicy = serde_json::from_value(serde_json::json!({
//!     "apiVersion": "apps.k8s.appscode.com/v1", "kind": "PlacementPolicy",
//!     "metadata": {"name": "p"},
//!     "spec": {"clusterSpreadConstraint": {
//!         "distributionRules": [{"clusterName": "a", "replicaIndices": [0, 0, 3]}],
//!         "slice": {"projectNamespace": "kubeslice-p", "sliceName": "s"}}}
//! })).unwrap();
//! let rules: Vec<Rule> = validate_placement_policy(&pp).into_iter().map(|v| v.rule).collect();
//! assert!(rules.contains(&Rule::DuplicateIndex { index: 0, clusters: vec!["a".into(), "a".into()] }));
//! assert!(rules.contains(&Rule::MissingIndices { from: 1, to: 2 }));
//! ```

use std::collections::BTreeMap;
use std::fmt;

use crate::apps::v1::{FailoverMode, FailoverScope, PetSet, PlacementPolicy, RuleRole};
use crate::kubedb::v1::{DeletionPolicy, MariaDB, MariaDBMode, StorageType};

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

/// One broken rule at one field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {rule}")]
pub struct Violation {
    /// Field path, for example `spec.clusterSpreadConstraint.distributionRules[1].replicaIndices`.
    pub path: String,
    /// The rule and its details.
    pub rule: Rule,
}

impl Violation {
    fn new(path: impl Into<String>, rule: Rule) -> Self {
        Self {
            path: path.into(),
            rule,
        }
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
    /// Distributed mode needs a policy with `spec.clusterSpreadConstraint`.
    NoClusterSpreadConstraint {
        /// The policy's name.
        policy: String,
        /// The policy uses the legacy `spec.ocm` shape, which the current CRD prunes.
        legacy_shape: bool,
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
                "a Galera cluster needs at least {MIN_GALERA_REPLICAS} replicas, got {replicas}: use 3 or more (or 1 for a standalone server)"
            ),
            Rule::MaxScaleReplicasMissing => f.write_str(
                "MariaDBReplication mode needs spec.topology.maxscale.replicas greater than zero",
            ),
            Rule::PlacementPolicyNotFound { name } => write!(
                f,
                "PlacementPolicy {name:?} does not exist: create it before the database"
            ),
            Rule::NoClusterSpreadConstraint {
                policy,
                legacy_shape,
            } => {
                write!(
                    f,
                    "distributed mode needs PlacementPolicy {policy:?} to have spec.clusterSpreadConstraint"
                )?;
                if *legacy_shape {
                    f.write_str(
                        "; it uses the legacy spec.ocm shape, which the current CRD prunes: convert it",
                    )?;
                }
                Ok(())
            }
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
                "ordinals.start is {start}: distributed placement maps absolute ordinals and needs start 0"
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
        }
    }
}

/// What is known about PlacementPolicies on the hub when a MariaDB or PetSet is validated.
#[derive(Clone, Copy, Debug)]
pub enum PolicyLookup<'a> {
    /// Nothing is known: rules that need the policy are skipped.
    Unknown,
    /// The policy was looked up: `None` means it does not exist.
    Known(Option<&'a PlacementPolicy>),
}

/// Validates a MariaDB as the KubeDB webhook does after defaulting.
///
/// `policy` is the PlacementPolicy named by `spec.podTemplate.spec.podPlacementPolicy`
/// (CRD default `default`), used by the distributed-mode rules.
pub fn validate_mariadb(md: &MariaDB, policy: PolicyLookup<'_>) -> Vec<Violation> {
    let md = md.with_defaults();
    let spec = &md.spec;
    let mut out = Vec::new();
    let replicas = md.replicas();
    if replicas < 1 {
        out.push(Violation::new(
            "spec.replicas",
            Rule::ReplicasBelowOne { replicas },
        ));
    }
    if spec.halted == Some(true) && spec.deletion_policy == Some(DeletionPolicy::DoNotTerminate) {
        out.push(Violation::new("spec.halted", Rule::HaltWithDoNotTerminate));
    }
    if spec.storage_type == Some(StorageType::Ephemeral)
        && spec.deletion_policy == Some(DeletionPolicy::Halt)
    {
        out.push(Violation::new(
            "spec.deletionPolicy",
            Rule::HaltWithEphemeralStorage,
        ));
    }
    if let Some(containers) = spec
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
    if let Some(mode) = md.mode() {
        let length = md.offshoot_name().chars().count();
        if length > MAX_CLUSTER_NAME_LENGTH {
            out.push(Violation::new(
                "metadata.name",
                Rule::ClusterNameTooLong { length },
            ));
        }
        if spec.init.as_ref().is_some_and(|i| i.script.is_some()) {
            out.push(Violation::new(
                "spec.init.script",
                Rule::InitScriptOnCluster,
            ));
        }
        match mode {
            MariaDBMode::GaleraCluster if replicas < MIN_GALERA_REPLICAS => {
                out.push(Violation::new(
                    "spec.replicas",
                    Rule::GaleraTooSmall { replicas },
                ));
            }
            MariaDBMode::MariaDBReplication => {
                let maxscale = spec
                    .topology
                    .as_ref()
                    .and_then(|t| t.maxscale.as_ref())
                    .and_then(|m| m.replicas);
                if maxscale.unwrap_or(0) < 1 {
                    out.push(Violation::new(
                        "spec.topology.maxscale.replicas",
                        Rule::MaxScaleReplicasMissing,
                    ));
                }
            }
            MariaDBMode::GaleraCluster => {}
        }
    }
    if md.is_distributed() {
        let path = "spec.podTemplate.spec.podPlacementPolicy";
        let name = md.placement_policy_name().unwrap_or("default");
        if let PolicyLookup::Known(found) = policy {
            match found {
                None => out.push(Violation::new(
                    path,
                    Rule::PlacementPolicyNotFound {
                        name: name.to_owned(),
                    },
                )),
                Some(pp) if pp.spec.cluster_spread_constraint.is_none() => {
                    out.push(Violation::new(
                        path,
                        Rule::NoClusterSpreadConstraint {
                            policy: name.to_owned(),
                            legacy_shape: pp.is_legacy(),
                        },
                    ))
                }
                Some(pp) => out.extend(uncovered_ordinals(pp, replicas, "spec.replicas")),
            }
        }
    }
    out
}

/// Validates an update of a MariaDB: `spec.storageType` and
/// `spec.podTemplate.spec.nodeSelector` never change, and `spec.init` is frozen once the
/// database is initialised.
pub fn validate_mariadb_update(old: &MariaDB, new: &MariaDB) -> Vec<Violation> {
    let (old, new) = (old.with_defaults(), new.with_defaults());
    let mut out = Vec::new();
    if old.spec.storage_type != new.spec.storage_type {
        out.push(Violation::new("spec.storageType", Rule::Immutable));
    }
    let node_selector = |md: &MariaDB| {
        md.spec
            .pod_template
            .as_ref()
            .and_then(|t| t.spec.as_ref())
            .and_then(|s| s.node_selector.clone())
    };
    if node_selector(&old) != node_selector(&new) {
        out.push(Violation::new(
            "spec.podTemplate.spec.nodeSelector",
            Rule::Immutable,
        ));
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

/// The path of rule `i`'s index list, in whichever shape the policy uses.
fn indices_path(pp: &PlacementPolicy, rule: usize) -> String {
    if pp.spec.cluster_spread_constraint.is_some() {
        format!("spec.clusterSpreadConstraint.distributionRules[{rule}].replicaIndices")
    } else {
        format!("spec.ocm.distributionRules[{rule}].replicas")
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

/// Validates a new PlacementPolicy as the kubeops webhook does on create, with
/// [`index_violations`]; policies in the legacy `spec.ocm` shape are checked on that shape.
/// Failover rules are checked too (see [`validate_failover_policy`]).
pub fn validate_placement_policy(pp: &PlacementPolicy) -> Vec<Violation> {
    let distribution = pp.distribution();
    let rules_path = if pp.spec.cluster_spread_constraint.is_some() {
        "spec.clusterSpreadConstraint.distributionRules"
    } else {
        "spec.ocm.distributionRules"
    };
    let mut out: Vec<Violation> = index_violations(&distribution)
        .into_iter()
        .map(|(ri, rule)| {
            let path = if ri < distribution.len() {
                indices_path(pp, ri)
            } else {
                rules_path.to_owned()
            };
            Violation::new(path, rule)
        })
        .collect();
    out.extend(validate_failover_policy(pp));
    out
}

/// Validates a PlacementPolicy update: the new policy must be valid, and no index below
/// `min(old, new)` may move to another cluster (indices may only be appended or the highest
/// removed).
pub fn validate_placement_policy_update(
    old: &PlacementPolicy,
    new: &PlacementPolicy,
) -> Vec<Violation> {
    let mut out = validate_placement_policy(new);
    let new_rules = new.distribution();
    out.extend(
        moved_indices(&old.distribution(), &new_rules)
            .into_iter()
            .map(|(ri, rule)| Violation::new(indices_path(new, ri), rule)),
    );
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

/// Checks that every cluster of the policy is onboarded to its slice; `slice_clusters` is the
/// referenced SliceConfig's `spec.clusters`.
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
    pp.distribution()
        .into_iter()
        .enumerate()
        .filter(|(_, (cluster, _))| !slice_clusters.iter().any(|c| c == cluster))
        .map(|(ri, (cluster, _))| {
            let path = if pp.spec.cluster_spread_constraint.is_some() {
                format!("spec.clusterSpreadConstraint.distributionRules[{ri}].clusterName")
            } else {
                format!("spec.ocm.distributionRules[{ri}].clusterName")
            };
            Violation::new(
                path,
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

/// A violation at `path` when ordinals below `replicas` are not mapped by the policy.
fn uncovered_ordinals(pp: &PlacementPolicy, replicas: i32, path: &str) -> Option<Violation> {
    let indices = uncovered_indices(&pp.distribution(), replicas);
    (!indices.is_empty()).then(|| Violation::new(path, Rule::ReplicaIndexNotCovered { indices }))
}

/// Validates a distributed PetSet against its policy, as the PetSet webhook does: when
/// `distributed` and `replicas` are set, the policy must exist, have distribution rules, and
/// map every ordinal below `replicas`.
pub fn validate_petset(ps: &PetSet, policy: PolicyLookup<'_>) -> Vec<Violation> {
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
        out.push(Violation::new(
            path,
            Rule::PlacementPolicyNotFound {
                name: String::new(),
            },
        ));
        return out;
    };
    out.extend(petset_policy_rules(path, name, replicas, policy));
    out
}

fn petset_policy_rules(
    path: &str,
    name: &str,
    replicas: i32,
    policy: PolicyLookup<'_>,
) -> Vec<Violation> {
    match policy {
        PolicyLookup::Unknown => Vec::new(),
        PolicyLookup::Known(None) => vec![Violation::new(
            path,
            Rule::PlacementPolicyNotFound {
                name: name.to_owned(),
            },
        )],
        PolicyLookup::Known(Some(pp)) if pp.spec.cluster_spread_constraint.is_none() => {
            vec![Violation::new(
                path,
                Rule::NoClusterSpreadConstraint {
                    policy: name.to_owned(),
                    legacy_shape: pp.is_legacy(),
                },
            )]
        }
        PolicyLookup::Known(Some(pp)) => uncovered_ordinals(pp, replicas, "spec.replicas")
            .into_iter()
            .collect(),
    }
}
