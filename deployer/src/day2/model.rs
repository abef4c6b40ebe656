//! The day-2 model: the database as it stands ([`Current`]), what to reach ([`Target`],
//! [`Day2Options`]), the steps ([`Day2Step`], [`Day2Plan`]) and why a plan is refused
//! ([`Day2Error`]).

use std::collections::BTreeMap;

use galera::status::WsrepStatus;
use kubedb_types::apps::v1::PlacementPolicy;
use kubedb_types::kubedb::v1::MariaDB;
use kubedb_types::ops::v1alpha1::MariaDBOpsRequest;
use kubedb_types::release::Release;
use kubeslice_types::controller::v1alpha1::SliceConfig;
use ocm_types::cluster::v1::ManagedCluster;

use crate::findings::object_id;
use crate::plan::{Plan, PlanObject};
use crate::pod_table::PodRow;

/// The fewest Galera members a plan ever runs: below 3 the loss of one member leaves no
/// majority (`galera::quorum`), and KubeDB's OpsRequest webhook refuses a HorizontalScaling
/// `member` under 3 (`kubedb_types::validation::validate_mariadb_ops_request`).
pub const MIN_MEMBERS: u32 = 3;

/// The most members KubeDB's OpsRequest webhook accepts for HorizontalScaling (see
/// `kubedb_types::validation::validate_mariadb_ops_request`); the default of
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
    /// its ManagedCluster is here and passes the new-cluster checks (see [`plan_day2`](super::plan_day2)).
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

    pub(super) fn replicas(&self) -> u32 {
        self.mariadb
            .spec
            .replicas
            .and_then(|r| u32::try_from(r).ok())
            .unwrap_or(1)
    }

    pub(super) fn name(&self) -> (&str, &str) {
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

/// Options of [`plan_day2`](super::plan_day2).
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
                "{}: join {cluster}",
                object_id(
                    "SliceConfig",
                    slice.metadata.namespace.as_deref(),
                    slice.metadata.name.as_deref().unwrap_or_default()
                )
            ),
            Day2Step::Policy(pp) => {
                let rules: Vec<String> = pp
                    .distribution()
                    .iter()
                    .map(|(c, i)| format!("{c}={i:?}"))
                    .collect();
                format!(
                    "{}: {}",
                    object_id(
                        "PlacementPolicy",
                        None,
                        pp.metadata.name.as_deref().unwrap_or_default()
                    ),
                    rules.join(" ")
                )
            }
            Day2Step::Scale { from, to, ops } => format!(
                "{}: HorizontalScaling {from} -> {to} members",
                object_id(
                    "MariaDBOpsRequest",
                    ops.metadata.namespace.as_deref(),
                    ops.metadata.name.as_deref().unwrap_or_default()
                )
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
    /// (`kubedb_types::validation::validate_mariadb_ops_request`).
    #[error("MariaDBOpsRequest refused by KubeDB's webhook: {0}")]
    OpsRefused(String),
    /// The webhook would refuse a policy update of the plan.
    #[error("PlacementPolicy update refused by KubeDB's webhook: {0}")]
    PolicyRefused(String),
}
