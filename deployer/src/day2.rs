//! Day-2 planning (pure): from the database as it stands to a new size or layout, as an
//! ordered list of steps that each keep the database safe.
//!
//! The steps are the three writes KubeDB's distributed guide uses
//! (`kubedb/docs@v2026.7.10:docs/guides/mariadb/distributed/opsrequest/horizontal_scale.md`):
//! a SliceConfig update that joins a new cluster to the slice, a PlacementPolicy update
//! (the policy is the upper bound: it may list more indices than `spec.replicas`), and a
//! `MariaDBOpsRequest` of type `HorizontalScaling` (scaling down removes the highest indices,
//! as a PetSet does).
//!
//! The layout path comes from [`placement::plan::migrate`] (and [`placement::plan::scale`] /
//! [`placement::plan::distribute`] for the target), judged with Galera's quorum
//! ([`GaleraQuorum`]): every intermediate state survives every single-cluster loss that both
//! the start and the target survive, and none drops below [`MIN_MEMBERS`]. Consecutive
//! ordinal removals (or additions) are merged into one OpsRequest: the PetSet removes and adds
//! pods one ordinal at a time, through exactly the states `migrate` checked.
//!
//! ```
//! use deployer::{day2::{plan_day2, Current, Target, Day2Options}, plan, Environment};
//! let env = Environment::seed();
//! let p = plan(&env).unwrap();
//! let current = Current::from_plan(&p, &env).unwrap();
//! let err = plan_day2(&current, &Target::Replicas(2), &Day2Options::default()).unwrap_err();
//! assert!(err.to_string().contains("at least 3"));
//! ```

use std::collections::{BTreeMap, BTreeSet};

use galera::status::{ClusterStatus, LocalState, WsrepStatus};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kubedb_types::admission::{self, Lookup, Severity as AdmissionSeverity};
use kubedb_types::apps::v1::{LegacyDistributionRule, PlacementPolicy};
use kubedb_types::kubedb::v1::MariaDB;
use kubedb_types::ops::v1alpha1::MariaDBOpsRequest;
use kubedb_types::release::Release;
use kubeslice_types::controller::v1alpha1::SliceConfig;
use kubeslice_types::validation::{HubState, validate_slice_config_update};
use ocm_types::cluster::v1::ManagedCluster;
use placement::plan::{
    Candidate, DistributeOptions, Step, Votes, distribute, migrate, scale, survival_report,
    votes_of,
};
use placement::{Mapping, Policy};

use crate::environment::default_pod_request;
use crate::findings::{Finding, Severity};
use crate::plan::{Plan, PlanObject};
use crate::pod_table::{PodRow, Readiness};
use crate::preflight::{capacity_for, kubernetes_version, registration};
use crate::survival::GaleraQuorum;

/// The fewest Galera members a plan ever runs: below 3 the loss of one member leaves no
/// majority (`galera::quorum`), and KubeDB's OpsRequest webhook refuses a HorizontalScaling
/// `member` under 3 (`kubedb_types::admission::validate_mariadb_ops_request`).
pub const MIN_MEMBERS: u32 = 3;

/// The most members KubeDB's OpsRequest webhook accepts for HorizontalScaling (see
/// `kubedb_types::admission::validate_mariadb_ops_request`); the default of
/// [`Day2Options::max_members`].
pub const OPS_MAX_MEMBERS: u32 = 9;

/// The database as it stands on the hub.
#[derive(Clone, Debug)]
pub struct Current {
    /// The MariaDB (its `spec.replicas` is the running member count).
    pub mariadb: MariaDB,
    /// The PlacementPolicy it names (either shape; updates keep the shape).
    pub policy: PlacementPolicy,
    /// The SliceConfig the policy names.
    pub slice: SliceConfig,
    /// The pod table (`pod_table`); every row must be Ready.
    pub pods: Vec<PodRow>,
    /// `wsrep%` status per pod name, where readable; every one must be Synced in Primary.
    pub wsrep: BTreeMap<String, WsrepStatus>,
    /// The KubeDB release running on the hub.
    pub release: Release,
    /// The hub's ManagedClusters (`cluster.open-cluster-management.io/v1`): a cluster that a
    /// [`Target::PerCluster`] names and the policy lacks joins the slice and the policy when
    /// its ManagedCluster is here and passes the new-cluster checks (see [`plan_day2`]).
    pub managed_clusters: Vec<ManagedCluster>,
    /// Names of the MariaDBOpsRequests already in the database's namespace: the plan's
    /// requests take names none of them has (KubeDB's webhook refuses a changed spec on an
    /// existing request, and a request that is already final would end the wait at once).
    pub ops_requests: Vec<String>,
}

impl Current {
    /// The state a freshly applied walkthrough plan leaves on the hub (no pod rows and no
    /// wsrep status: nothing to refuse on health; the environment's ManagedClusters). To plan
    /// from what a hub actually stores, read it with `read_current` (feature `client`).
    pub fn from_plan(plan: &Plan, env: &crate::environment::Environment) -> Option<Current> {
        let mut mariadb = None;
        let mut policy = None;
        let mut slice = None;
        for step in &plan.steps {
            match &step.object {
                PlanObject::MariaDB(m) => mariadb = Some((**m).clone()),
                PlanObject::PlacementPolicy(p) => policy = Some(p.clone()),
                PlanObject::SliceConfig(s) => slice = Some(s.clone()),
                _ => {}
            }
        }
        Some(Current {
            mariadb: mariadb?,
            policy: policy?,
            slice: slice?,
            pods: Vec::new(),
            wsrep: BTreeMap::new(),
            release: env.kubedb.release,
            managed_clusters: env.hub.managed_clusters.clone(),
            ops_requests: Vec::new(),
        })
    }

    fn replicas(&self) -> u32 {
        self.mariadb
            .spec
            .replicas
            .and_then(|r| u32::try_from(r).ok())
            .unwrap_or(1)
    }

    fn name(&self) -> (&str, &str) {
        (
            self.mariadb
                .metadata
                .namespace
                .as_deref()
                .unwrap_or("default"),
            self.mariadb.metadata.name.as_deref().unwrap_or_default(),
        )
    }
}

/// Where to go.
#[derive(Clone, Debug)]
pub enum Target {
    /// This many members, new ones placed on the clusters already in the policy.
    Replicas(u32),
    /// Exactly these members per cluster (clusters not named get none). A cluster the policy
    /// does not have is added as [`Target::AddClusters`] adds one (slice join, then policy
    /// extended), its ManagedCluster taken from [`Current::managed_clusters`].
    PerCluster(BTreeMap<String, u32>),
    /// Join these clusters to the slice and the policy and spread `replicas` over all.
    AddClusters {
        /// The new clusters as the hub reports them (preflight's checks run on them).
        clusters: Vec<ManagedCluster>,
        /// Members afterwards.
        replicas: u32,
    },
    /// Move every member off this cluster, keeping the member count.
    Drain(String),
}

/// Options of [`plan_day2`].
#[derive(Clone, Debug)]
pub struct Day2Options {
    /// Most members an OpsRequest may ask for; `None` for no limit (for models and benchmarks
    /// beyond what upstream's webhook admits; KubeDB's OpsRequest webhook rules are then not
    /// applied to the requests). Default [`OPS_MAX_MEMBERS`].
    pub max_members: Option<u32>,
    /// Most members one cluster may run (placement capacity); default unbounded.
    pub capacity: u32,
    /// Name prefix of the OpsRequests (`<prefix>-<n>`, `n` counting on after the highest
    /// taken in [`Current::ops_requests`]); default `<db>-scale`.
    pub ops_prefix: Option<String>,
}

impl Default for Day2Options {
    fn default() -> Self {
        Day2Options {
            max_members: Some(OPS_MAX_MEMBERS),
            capacity: u32::MAX / 2,
            ops_prefix: None,
        }
    }
}

/// One step of a day-2 plan.
#[derive(Clone, Debug, PartialEq)]
pub enum Day2Step {
    /// Add `cluster` to the SliceConfig's `spec.clusters`.
    JoinSlice {
        /// The cluster joined.
        cluster: String,
        /// The SliceConfig after the step.
        slice: Box<SliceConfig>,
    },
    /// Apply this PlacementPolicy (indices appended or highest indices removed only).
    Policy(Box<PlacementPolicy>),
    /// Scale to `to` members.
    Scale {
        /// Members before.
        from: u32,
        /// Members after.
        to: u32,
        /// The request.
        ops: Box<MariaDBOpsRequest>,
    },
}

impl Day2Step {
    /// `Kind/namespace/name` and what it does, one line.
    pub fn describe(&self) -> String {
        match self {
            Day2Step::JoinSlice { cluster, slice } => format!(
                "SliceConfig/{}/{}: join {cluster}",
                slice.metadata.namespace.as_deref().unwrap_or_default(),
                slice.metadata.name.as_deref().unwrap_or_default()
            ),
            Day2Step::Policy(pp) => {
                let rules: Vec<String> = pp
                    .distribution()
                    .iter()
                    .map(|(c, i)| format!("{c}={i:?}"))
                    .collect();
                format!(
                    "PlacementPolicy/{}: {}",
                    pp.metadata.name.as_deref().unwrap_or_default(),
                    rules.join(" ")
                )
            }
            Day2Step::Scale { from, to, ops } => format!(
                "MariaDBOpsRequest/{}/{}: HorizontalScaling {from} -> {to} members",
                ops.metadata.namespace.as_deref().unwrap_or_default(),
                ops.metadata.name.as_deref().unwrap_or_default()
            ),
        }
    }
}

/// An ordered day-2 plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Day2Plan {
    /// The steps, in order.
    pub steps: Vec<Day2Step>,
    /// Members per cluster now.
    pub start: BTreeMap<String, u32>,
    /// Members per cluster afterwards.
    pub target: BTreeMap<String, u32>,
    /// Members per cluster after each ordinal added or removed, in order (the states the
    /// survival rule was checked on; an OpsRequest's PetSet passes through each of them).
    pub states: Vec<BTreeMap<String, u32>>,
}

/// Why no safe plan exists; nothing is to be applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Day2Error {
    /// The target has fewer than [`MIN_MEMBERS`].
    #[error(
        "target of {target} member{}: a Galera cluster needs at least {MIN_MEMBERS} members to survive the loss of one (and KubeDB refuses HorizontalScaling below 3); choose 3 or more", if *target == 1 { "" } else { "s" }
    )]
    TooFewMembers {
        /// Members asked for.
        target: u32,
    },
    /// The target has more members than KubeDB's OpsRequest webhook admits.
    #[error(
        "target of {target} members: KubeDB's MariaDBOpsRequest webhook admits at most {max} for HorizontalScaling; choose {max} or fewer"
    )]
    TooManyMembers {
        /// Members asked for.
        target: u32,
        /// The limit.
        max: u32,
    },
    /// The current state is not one to start from.
    #[error("{object}: {reason}; fix it before scaling")]
    Current {
        /// `Kind/namespace/name` of what is wrong.
        object: String,
        /// What.
        reason: String,
    },
    /// A new cluster fails the checks for joining: its name (a DNS-1123 label), preflight's
    /// registration and Kubernetes-version checks, and KubeSlice's SliceConfig update webhook
    /// rules on the slice with it (`maxClusters` among them).
    #[error("cluster {cluster} cannot join: {}", reasons.join("; "))]
    NewCluster {
        /// The cluster.
        cluster: String,
        /// Preflight's error findings.
        reasons: Vec<String>,
    },
    /// A cluster that gains pods has no allocatable room for all the target puts on it
    /// (preflight's capacity check on the cluster's ManagedCluster, with the MariaDB's own
    /// requests, else 500m CPU and 1Gi memory a pod).
    #[error("cluster {cluster} has no room for the {pods} pods the target puts on it: {}", reasons.join("; "))]
    NoRoom {
        /// The cluster.
        cluster: String,
        /// Pods the target puts on it.
        pods: u32,
        /// The capacity check's errors.
        reasons: Vec<String>,
    },
    /// A cluster named by the target is neither in the policy nor a ManagedCluster of the hub
    /// ([`Current::managed_clusters`]) nor added by the target.
    #[error(
        "cluster {0} is not in the PlacementPolicy, and the hub has no ManagedCluster {0}: name a cluster of the policy, or register it with OCM first (`clusteradm join` on the cluster, `clusteradm accept --clusters {0}` on the hub) to add it"
    )]
    UnknownCluster(String),
    /// No sequence of legal updates keeps the survival properties.
    #[error("no safe sequence: {0}")]
    Unsafe(String),
    /// KubeDB's OpsRequest webhook would refuse a request of the plan
    /// (`kubedb_types::admission::validate_mariadb_ops_request`).
    #[error("MariaDBOpsRequest refused by KubeDB's webhook: {0}")]
    OpsRefused(String),
    /// The webhook would refuse a policy update of the plan.
    #[error("PlacementPolicy update refused by KubeDB's webhook: {0}")]
    PolicyRefused(String),
}

/// Plans the way from `current` to `target`.
///
/// `current` may come from a hub (`read_current`, feature `client`) or from a plan
/// ([`Current::from_plan`]); the steps are server-side apply configurations either way (the
/// metadata the API server sets is dropped from the objects read).
///
/// Errors ([`Day2Error`]): a target under 3 or over the OpsRequest limit; pods not Ready, a
/// pod table that does not match the replicas, or members not Synced in Primary; a new
/// cluster that cannot join (name not a DNS-1123 label, preflight's registration or version
/// errors, KubeSlice's SliceConfig update rules such as `maxClusters`, no allocatable room for
/// the pods the target puts on it); a cluster neither in
/// the policy nor on the hub; or no sequence keeping the survival properties.
pub fn plan_day2(
    current: &Current,
    target: &Target,
    options: &Day2Options,
) -> Result<Day2Plan, Day2Error> {
    healthy(current)?;
    let (ns, db) = current.name();
    let policy_id = format!(
        "PlacementPolicy/{}",
        current.policy.metadata.name.as_deref().unwrap_or_default()
    );
    if current.policy.spec.cluster_spread_constraint.is_none() && current.policy.spec.ocm.is_none()
    {
        return Err(Day2Error::Current {
            object: policy_id.clone(),
            reason: "has neither spec.clusterSpreadConstraint nor spec.ocm".into(),
        });
    }
    let policy = Policy::from_placement_policy(&current.policy);
    let replicas = current.replicas();
    let rule = GaleraQuorum::default();
    let opts = DistributeOptions::default();
    let start_votes = votes_of(&policy, replicas).map_err(|e| Day2Error::Current {
        object: policy_id.clone(),
        reason: e.to_string(),
    })?;
    let start = start_votes.data.clone();
    let mut known: BTreeSet<String> = policy.rules.iter().map(|r| r.cluster.clone()).collect();
    let cap = options.capacity;
    // A drain's second choice of target, tried when its first cannot be reached safely.
    let mut drain_fallback: Option<BTreeMap<String, u32>> = None;
    let target_map: BTreeMap<String, u32> = match target {
        Target::Replicas(n) => {
            check_count(*n, options)?;
            let candidates: Vec<Candidate> = known.iter().map(|c| Candidate::new(c, cap)).collect();
            let trimmed = trim(&policy, replicas);
            scaled(&trimmed, *n, &candidates, &opts, &rule)?
        }
        Target::PerCluster(map) => {
            for c in map.iter().filter(|(_, n)| **n > 0).map(|(c, _)| c) {
                if known.contains(c) {
                    continue;
                }
                let mc = current
                    .managed_clusters
                    .iter()
                    .find(|mc| mc.metadata.name.as_deref() == Some(c.as_str()))
                    .ok_or_else(|| Day2Error::UnknownCluster(c.clone()))?;
                can_join(mc, c)?;
                known.insert(c.clone());
            }
            let map: BTreeMap<String, u32> = map
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(c, n)| (c.clone(), *n))
                .collect();
            // A sum past u32 is more than any limit (and must not wrap to a small count).
            let total = map
                .values()
                .try_fold(0u32, |a, n| a.checked_add(*n))
                .unwrap_or(u32::MAX);
            check_count(total, options)?;
            map
        }
        Target::AddClusters {
            clusters,
            replicas: n,
        } => {
            check_count(*n, options)?;
            for mc in clusters {
                let name = mc.metadata.name.clone().unwrap_or_default();
                can_join(mc, &name)?;
                known.insert(name);
            }
            let candidates: Vec<Candidate> = known.iter().map(|c| Candidate::new(c, cap)).collect();
            // The best layout of `n` over all clusters, reached by legal steps below.
            distribute(&candidates, *n, &opts, &rule)
                .map_err(|e| Day2Error::Unsafe(e.to_string()))?
                .votes
                .data
        }
        Target::Drain(cluster) => {
            if !known.contains(cluster) {
                return Err(Day2Error::UnknownCluster(cluster.clone()));
            }
            if known.len() < 2 {
                return Err(Day2Error::Unsafe(format!(
                    "{cluster} is the only cluster of the policy: draining it leaves no cluster for the members; add one with Target::AddClusters first"
                )));
            }
            let candidates: Vec<Candidate> = known
                .iter()
                .filter(|c| *c != cluster)
                .map(|c| Candidate::new(c, cap))
                .collect();
            let spread = distribute(&candidates, replicas, &opts, &rule)
                .map_err(|e| Day2Error::Unsafe(e.to_string()))?
                .votes
                .data;
            // First choice: every other cluster keeps its members and the drained cluster's
            // go, one at a time, to the cluster with the fewest (ordinals cannot move, so a
            // target that takes members from a cluster that keeps running forces the set to
            // shrink below them first). The best spread from scratch is the fallback.
            let mut fill: BTreeMap<String, u32> = start
                .iter()
                .filter(|(c, _)| *c != cluster)
                .map(|(c, n)| (c.clone(), *n))
                .collect();
            for c in known.iter().filter(|c| *c != cluster) {
                fill.entry(c.clone()).or_insert(0);
            }
            for _ in 0..start.get(cluster).copied().unwrap_or(0) {
                if let Some(n) = fill.values_mut().min() {
                    *n += 1;
                }
            }
            fill.retain(|_, n| *n > 0);
            if fill != spread {
                drain_fallback = Some(spread);
            }
            fill
        }
    };
    let candidates: Vec<Candidate> = known.iter().map(|c| Candidate::new(c, cap)).collect();
    let (target_map, path) = match legal_path(&policy, replicas, &target_map, &candidates, &rule) {
        Ok(path) => (target_map, path),
        Err(first) => match drain_fallback {
            Some(spread) => {
                let path = legal_path(&policy, replicas, &spread, &candidates, &rule)
                    .map_err(|_| first)?;
                (spread, path)
            }
            None => return Err(first),
        },
    };
    // A cluster that gains pods must hold all the target puts on it (preflight's capacity
    // check, with the MariaDB's own requests): a new cluster, or one the policy keeps.
    let added: Vec<&ManagedCluster> = match target {
        Target::AddClusters { clusters, .. } => clusters.iter().collect(),
        _ => Vec::new(),
    };
    for (cluster, n) in target_map
        .iter()
        .filter(|(c, n)| **n > start.get(*c).copied().unwrap_or(0))
    {
        let Some(mc) = added
            .iter()
            .copied()
            .chain(current.managed_clusters.iter())
            .find(|mc| mc.metadata.name.as_deref() == Some(cluster.as_str()))
        else {
            continue;
        };
        let reasons: Vec<String> = capacity_for(mc, cluster, *n as usize, |r| {
            pod_request(&current.mariadb, r)
        })
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.to_string())
        .collect();
        if !reasons.is_empty() {
            return Err(Day2Error::NoRoom {
                cluster: cluster.clone(),
                pods: *n,
                reasons,
            });
        }
    }
    // Clusters the target uses that the slice does not have yet.
    let mut slice = current.slice.clone();
    apply_config(&mut slice.metadata);
    slice.status = None;
    let mut steps = Vec::new();
    for cluster in target_map.keys() {
        if target_map[cluster] > 0 && !slice.spec.clusters().contains(cluster) {
            if !known.contains(cluster) {
                return Err(Day2Error::UnknownCluster(cluster.clone()));
            }
            let before = slice.clone();
            slice
                .spec
                .clusters
                .get_or_insert_with(Vec::new)
                .push(cluster.clone());
            // KubeSlice's SliceConfig update webhook on the join (the rules that need the
            // controller's Cluster objects are skipped: preflight's checks stand for them).
            let reasons: Vec<String> =
                validate_slice_config_update(&before, &slice, &HubState::default())
                    .iter()
                    .map(ToString::to_string)
                    .collect();
            if !reasons.is_empty() {
                return Err(Day2Error::NewCluster {
                    cluster: cluster.clone(),
                    reasons,
                });
            }
            steps.push(Day2Step::JoinSlice {
                cluster: cluster.clone(),
                slice: Box::new(slice.clone()),
            });
        }
    }

    // Merge runs of the same direction: policy and OpsRequest per run.
    let slice_clusters: Vec<String> = slice.spec.clusters().to_vec();
    let mut last_pp = current.policy.clone();
    apply_config(&mut last_pp.metadata);
    let mut members = replicas;
    let mut states = Vec::new();
    let prefix = options
        .ops_prefix
        .clone()
        .unwrap_or_else(|| format!("{db}-scale"));
    // Continue after the highest `<prefix>-<n>` on the hub; skip any name taken.
    let mut ops_n = current
        .ops_requests
        .iter()
        .filter_map(|n| n.strip_prefix(&format!("{prefix}-"))?.parse::<u32>().ok())
        .max()
        .map_or(0u64, u64::from);
    // Without an upper bound the plan is a model beyond what KubeDB admits: its OpsRequest
    // webhook (which refuses more than 9 members) is not consulted then.
    let upstream_limits = options.max_members.is_some();
    let mut i = 0;
    while i < path.len() {
        let down = path[i].replicas < members;
        let mut j = i;
        while j + 1 < path.len() && (path[j + 1].replicas < path[j].replicas) == down {
            j += 1;
        }
        let run_end = &path[j];
        for step in &path[i..=j] {
            states.push(
                votes_of(&step.policy, step.replicas)
                    .map(|v| v.data)
                    .unwrap_or_default(),
            );
        }
        let mut scale_step = |to: u32,
                              members: &mut u32,
                              policy_then: &PlacementPolicy|
         -> Result<Day2Step, Day2Error> {
            ops_n += 1;
            while current.ops_requests.contains(&format!("{prefix}-{ops_n}")) {
                ops_n += 1;
            }
            let ops = MariaDBOpsRequest::horizontal_scaling(
                &format!("{prefix}-{ops_n}"),
                ns,
                db,
                to as i32,
            );
            // KubeDB's OpsRequest webhook on the request, with the database and the policy
            // it will have been given by then (the preceding Policy step).
            let inputs = admission::OpsRequestInputs {
                database: Lookup::Known(Some(&current.mariadb)),
                catalog: None,
                policy: Lookup::Known(Some(policy_then)),
            };
            let refused: Vec<String> =
                admission::validate_mariadb_ops_request(&ops, current.release, &inputs)
                    .into_iter()
                    .filter(|v| v.severity == AdmissionSeverity::Refused)
                    .map(|v| v.to_string())
                    .collect();
            if !refused.is_empty() && upstream_limits {
                return Err(Day2Error::OpsRefused(refused.join("; ")));
            }
            let from = std::mem::replace(members, to);
            Ok(Day2Step::Scale {
                from,
                to,
                ops: Box::new(ops),
            })
        };
        let policy_step =
            |pol: &Policy, last: &mut PlacementPolicy| -> Result<Day2Step, Day2Error> {
                let mut pp = last.clone();
                write_rules(&mut pp, pol);
                let refused: Vec<String> = admission::validate_placement_policy_update(
                    last,
                    &pp,
                    current.release,
                    Lookup::Known(Some(slice_clusters.as_slice())),
                )
                .into_iter()
                .filter(|v| v.severity == AdmissionSeverity::Refused)
                .map(|v| v.to_string())
                .collect();
                if !refused.is_empty() {
                    return Err(Day2Error::PolicyRefused(refused.join("; ")));
                }
                *last = pp.clone();
                Ok(Day2Step::Policy(Box::new(pp)))
            };
        if down {
            // Scale down first (highest ordinals go), then drop their indices from the
            // policy so that other clusters can take those ordinals.
            steps.push(scale_step(run_end.replicas, &mut members, &last_pp)?);
            if Policy::from_placement_policy(&last_pp) != run_end.policy {
                steps.push(policy_step(&run_end.policy, &mut last_pp)?);
            }
        } else {
            if Policy::from_placement_policy(&last_pp) != run_end.policy {
                steps.push(policy_step(&run_end.policy, &mut last_pp)?);
            }
            if run_end.replicas != members {
                steps.push(scale_step(run_end.replicas, &mut members, &last_pp)?);
            }
        }
        i = j + 1;
    }
    if let Some(min) = states.iter().map(|s| s.values().sum::<u32>()).min()
        && min < MIN_MEMBERS
    {
        return Err(Day2Error::Unsafe(format!(
            "the only legal path passes through {min} members (ordinals cannot move between clusters); fewer than {MIN_MEMBERS}"
        )));
    }
    Ok(Day2Plan {
        steps,
        start,
        target: target_map,
        states,
    })
}

/// Leaves only what a server-side apply configuration may carry: the objects read from a hub
/// come with the fields the API server sets (`resourceVersion`, which would make every step
/// after the first on the same object a `409 Conflict`; `managedFields`, which an apply
/// request must not set; `uid`, `generation`, `creationTimestamp`).
fn apply_config(meta: &mut ObjectMeta) {
    meta.resource_version = None;
    meta.managed_fields = None;
    meta.uid = None;
    meta.generation = None;
    meta.creation_timestamp = None;
    meta.self_link = None;
}

/// Writes `policy`'s rules into whichever shape `pp` has (both when both are set).
fn write_rules(pp: &mut PlacementPolicy, policy: &Policy) {
    if let Some(csc) = pp.spec.cluster_spread_constraint.as_mut() {
        csc.distribution_rules = policy.to_distribution_rules();
    }
    if let Some(ocm) = pp.spec.ocm.as_mut() {
        ocm.distribution_rules = Some(
            policy
                .rules
                .iter()
                .map(|r| LegacyDistributionRule {
                    cluster_name: r.cluster.clone(),
                    replicas: Some(r.indices.clone()),
                })
                .collect(),
        );
    }
}

/// The legal path from the first `replicas` ordinals of `policy` to `target`:
/// [`migrate`] directly, or, when a cluster losing members holds an ordinal below the target
/// count (ordinals cannot move, so the PetSet must first shrink below it), in two runs of
/// `migrate`: down to the longest prefix the target keeps, then up to the target. The prefix
/// must hold at least [`MIN_MEMBERS`] and survive every single-cluster loss that both the
/// start and the target survive; then each run keeps them too (each run's own invariant is a
/// superset).
fn legal_path(
    policy: &Policy,
    replicas: u32,
    target: &BTreeMap<String, u32>,
    candidates: &[Candidate],
    rule: &GaleraQuorum,
) -> Result<Vec<Step>, Day2Error> {
    let opts = DistributeOptions::default();
    let direct = match migrate(policy, replicas, target, candidates, &opts, rule) {
        Ok(path) => return Ok(path),
        Err(e) => e,
    };
    let assigned = Mapping::build(policy)
        .assign(replicas)
        .map_err(|e| Day2Error::Unsafe(e.to_string()))?
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    let mut prefix: BTreeMap<String, u32> = BTreeMap::new();
    for c in &assigned {
        let have = prefix.get(c).copied().unwrap_or(0);
        if have >= target.get(c).copied().unwrap_or(0) {
            break;
        }
        prefix.insert(c.clone(), have + 1);
    }
    let k: u32 = prefix.values().sum();
    if k < MIN_MEMBERS {
        return Err(Day2Error::Unsafe(format!(
            "{direct}; the way through keeps only ordinals 0..{k} ({k} members), fewer than {MIN_MEMBERS}"
        )));
    }
    let mut start = BTreeMap::new();
    for c in &assigned {
        *start.entry(c.clone()).or_insert(0u32) += 1;
    }
    let survived = |data: &BTreeMap<String, u32>| -> BTreeSet<String> {
        let votes = Votes {
            data: data
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(c, n)| (c.clone(), *n))
                .collect(),
            arbiters: BTreeMap::new(),
        };
        survival_report(&votes, &BTreeMap::new(), &[], rule)
            .survived()
            .map(|f| f.to_string())
            .collect()
    };
    // Shrink to the prefix one ordinal at a time, keeping what the start and the final
    // target both survive (not what the prefix happens to survive too: the growth after it
    // is judged by `migrate` against the target).
    let (s, t) = (survived(&start), survived(target));
    let mut path = Vec::new();
    let mut rules = policy.rules.clone();
    let mut state = start.clone();
    for n in (k as usize..assigned.len()).rev() {
        let c = &assigned[n];
        if let Some(v) = state.get_mut(c) {
            *v -= 1;
        }
        let now = survived(&state);
        if let Some(lost) = s.intersection(&t).find(|f| !now.contains(*f)) {
            return Err(Day2Error::Unsafe(format!(
                "{direct}; shrinking to the {k} members the target keeps would no longer survive losing {lost} once ordinal {n} on {c} is removed"
            )));
        }
        for rule in &mut rules {
            rule.indices.retain(|&i| (i as usize) < n);
        }
        path.push(Step {
            policy: Policy {
                rules: rules.clone(),
            },
            replicas: n as u32,
        });
    }
    let mid = path
        .last()
        .map_or_else(|| policy.clone(), |s| s.policy.clone());
    path.extend(
        migrate(&mid, k, target, candidates, &opts, rule)
            .map_err(|e| Day2Error::Unsafe(e.to_string()))?,
    );
    Ok(path)
}

fn check_count(n: u32, options: &Day2Options) -> Result<(), Day2Error> {
    if n < MIN_MEMBERS {
        return Err(Day2Error::TooFewMembers { target: n });
    }
    match options.max_members {
        Some(max) if n > max => Err(Day2Error::TooManyMembers { target: n, max }),
        _ => Ok(()),
    }
}

/// The policy cut to the ordinals that run (the policy may list more).
fn trim(policy: &Policy, replicas: u32) -> Policy {
    let mut p = policy.clone();
    for r in &mut p.rules {
        r.indices.retain(|&i| (i as u32) < replicas);
    }
    p.rules.retain(|r| !r.indices.is_empty());
    p
}

fn scaled(
    trimmed: &Policy,
    n: u32,
    candidates: &[Candidate],
    opts: &DistributeOptions,
    rule: &GaleraQuorum,
) -> Result<BTreeMap<String, u32>, Day2Error> {
    let plan =
        scale(trimmed, n, candidates, opts, rule).map_err(|e| Day2Error::Unsafe(e.to_string()))?;
    let Votes { data, .. } = plan.votes;
    Ok(data)
}

/// The checks a cluster passes before it joins: its name is a DNS-1123 label (OCM names the
/// cluster's namespace on the hub after it, where its ManifestWorks live:
/// `open-cluster-management-io/open-cluster-management-io.github.io:content/concepts/managedcluster.md`;
/// a namespace name is a DNS-1123 label, `kubernetes/apimachinery@v0.34.0:pkg/api/validation/generic.go`
/// `ValidateNamespaceName`), and preflight's registration and Kubernetes-version errors.
/// What each pod of `db` requests: the `mariadb` container's `resources.requests` in
/// `spec.podTemplate`, else the defaults preflight assumes.
fn pod_request(db: &MariaDB, resource: &str) -> Option<Quantity> {
    db.spec
        .pod_template
        .as_ref()
        .and_then(|t| t.spec.as_ref())
        .and_then(|s| s.containers.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.name == "mariadb"))
        .and_then(|c| {
            c.resources
                .as_ref()?
                .requests
                .as_ref()?
                .get(resource)
                .cloned()
        })
        .or_else(|| default_pod_request(resource))
}

fn can_join(mc: &ManagedCluster, name: &str) -> Result<(), Day2Error> {
    let mut reasons = Vec::new();
    if let Some(why) = not_a_dns1123_label(name) {
        reasons.push(format!(
            "{name:?} is not a valid cluster name: {why} (OCM names the cluster's hub namespace after it)"
        ));
    }
    let mut findings: Vec<Finding> = registration(mc, name);
    findings.extend(kubernetes_version(mc, name));
    reasons.extend(
        findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.to_string()),
    );
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(Day2Error::NewCluster {
            cluster: name.to_owned(),
            reasons,
        })
    }
}

/// Why `name` is not a DNS-1123 label (at most 63 characters, lowercase letters, digits and
/// `-`, starting and ending with a letter or digit: `kubernetes/apimachinery@v0.34.0:
/// pkg/util/validation/validation.go` `IsDNS1123Label`), or `None`.
fn not_a_dns1123_label(name: &str) -> Option<&'static str> {
    let b = name.as_bytes();
    let edge = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if b.is_empty() || b.len() > 63 {
        Some("a DNS-1123 label has 1 to 63 characters")
    } else if !b.iter().all(|c| edge(c) || *c == b'-') {
        Some("a DNS-1123 label has only lowercase letters, digits and '-'")
    } else if !b.first().is_some_and(edge) || !b.last().is_some_and(edge) {
        Some("a DNS-1123 label starts and ends with a lowercase letter or a digit")
    } else {
        None
    }
}

/// Every pod Ready, as many pods as members (when the pod table is known), and every
/// readable member Synced in a Primary component.
fn healthy(current: &Current) -> Result<(), Day2Error> {
    let replicas = current.replicas() as usize;
    if !current.pods.is_empty() && current.pods.len() != replicas {
        let (ns, db) = current.name();
        return Err(Day2Error::Current {
            object: format!("MariaDB/{ns}/{db}"),
            reason: format!(
                "the hub has {} pod ManifestWorks for {replicas} replicas (the PetSet controller has not caught up, or a scale is under way); wait until the pod table matches",
                current.pods.len()
            ),
        });
    }
    for row in &current.pods {
        if row.ready != Readiness::Ready {
            return Err(Day2Error::Current {
                object: format!("Pod/{}/{}", row.namespace, row.pod),
                reason: format!("is not Ready (on {})", row.cluster),
            });
        }
    }
    for (pod, s) in &current.wsrep {
        if !member_synced(s) {
            return Err(Day2Error::Current {
                object: format!("Pod/{pod}"),
                reason: format!(
                    "is not Synced in a Primary component (wsrep_cluster_status={:?}, wsrep_local_state={:?})",
                    s.cluster_status, s.local_state
                ),
            });
        }
    }
    Ok(())
}

/// Synced (`wsrep_local_state=4`) in a Primary component.
pub fn member_synced(s: &WsrepStatus) -> bool {
    s.cluster_status == Some(ClusterStatus::Primary) && s.local_state == Some(LocalState::Synced)
}
