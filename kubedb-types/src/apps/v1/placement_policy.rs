//! The `PlacementPolicy` kind, including the legacy `spec.ocm` shape.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::monitoring::PrometheusServer;
use crate::release::{PolicyShape, Release};

/// Where the pods of a PetSet go: spread inside a cluster and, for distributed databases,
/// which OCM cluster runs which ordinal.
///
/// ```
/// use kubedb_types::apps::v1::PlacementPolicy;
/// let pp: PlacementPolicy = serde_json::from_value(serde_json::json!({
///     "apiVersion": "apps.k8s.appscode.com/v1", "kind": "PlacementPolicy",
///     "metadata": {"name": "distributed-mariadb"},
///     "spec": {"clusterSpreadConstraint": {
///         "distributionRules": [
///             {"clusterName": "demo-controller", "replicaIndices": [0, 2]},
///             {"clusterName": "demo-worker", "replicaIndices": [1]}],
///         "slice": {"projectNamespace": "kubeslice-demo-distributed-mariadb",
///                   "sliceName": "demo-slice"}}}
/// })).unwrap();
/// let csc = pp.spec.cluster_spread_constraint.unwrap();
/// assert_eq!(csc.distribution_rules[0].replica_indices, vec![0, 2]);
/// ```
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "apps.k8s.appscode.com",
    version = "v1",
    kind = "PlacementPolicy",
    plural = "placementpolicies",
    singular = "placementpolicy",
    derive = "PartialEq",
    derive = "Default",
    doc = "Pod placement rules for PetSets: zone and node spread, node affinity domains and the ordinal-to-cluster map of distributed databases."
)]
#[serde(rename_all = "camelCase")]
pub struct PlacementPolicySpec {
    /// Spread the pods over zones (`topology.kubernetes.io/zone`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone_spread_constraint: Option<SpreadConstraint>,
    /// Spread the pods over nodes (`kubernetes.io/hostname`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_spread_constraint: Option<SpreadConstraint>,
    /// Node affinity by topology domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<PlacementAffinity>,
    /// Which cluster runs which ordinal, and the KubeSlice slice connecting them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_spread_constraint: Option<ClusterSpreadConstraint>,
    /// The `spec.ocm` shape that KubeDB v2025.7.31 serves (petset v0.0.11), the shape the
    /// walkthrough writes. Newer releases' CRDs prune it: convert with
    /// [`PlacementPolicy::for_release`]. Not part of the generated CRD schema, which follows the
    /// newest release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub ocm: Option<LegacyOcmSpec>,
}

/// A topology spread constraint in policy form.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SpreadConstraint {
    /// Largest allowed difference in pod count between two domains (CRD default 1).
    pub max_skew: i32,
    /// What the scheduler does when the skew cannot be kept (CRD default `DoNotSchedule`).
    pub when_unsatisfiable: WhenUnsatisfiable,
}

/// Scheduler behaviour when a spread or affinity rule cannot be met.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum WhenUnsatisfiable {
    /// Leave the pod pending.
    #[default]
    DoNotSchedule,
    /// Schedule it anyway, preferring assignments that reduce the violation.
    ScheduleAnyway,
}

impl WhenUnsatisfiable {
    /// The upstream spelling (`DoNotSchedule`, `ScheduleAnyway`), as the scheduler's
    /// `whenUnsatisfiable` field takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            WhenUnsatisfiable::DoNotSchedule => "DoNotSchedule",
            WhenUnsatisfiable::ScheduleAnyway => "ScheduleAnyway",
        }
    }
}

/// Node affinity rules of a policy.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlacementAffinity {
    /// One rule per topology key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_affinity: Option<Vec<NodeAffinityRule>>,
}

/// Distribute pods over the domains of one node topology key.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NodeAffinityRule {
    /// Node label that defines the domains.
    pub topology_key: String,
    /// Domains in preference order.
    pub domains: Vec<TopologyDomain>,
    /// Hard (`DoNotSchedule`) or soft (`ScheduleAnyway`) (CRD default `DoNotSchedule`).
    pub when_unsatisfiable: WhenUnsatisfiable,
    /// Weight of a soft rule, 1 to 100 (CRD default 50).
    pub weight: i32,
}

/// A set of label values and how many pods they take.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TopologyDomain {
    /// Label values of this domain.
    pub values: Vec<String>,
    /// Pods this domain takes: `""` for the rest, an integer, or a CEL expression over the
    /// PetSet as `obj` (for example `obj.spec.replicas/2+1`).
    pub replicas: String,
}

/// The multi-cluster part of a policy.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterSpreadConstraint {
    /// Ordinal-to-cluster rules; the first rule listing an ordinal wins.
    pub distribution_rules: Vec<DistributionRule>,
    /// The KubeSlice slice that connects the clusters.
    pub slice: SliceRef,
    /// Data-centre failover policy (newer petset; not yet in the released CRD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failover_policy: Option<FailoverPolicy>,
}

/// One cluster and the ordinals it runs.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionRule {
    /// The OCM ManagedCluster (and hub namespace) name.
    pub cluster_name: String,
    /// PetSet ordinals placed on this cluster.
    pub replica_indices: Vec<i32>,
    /// Storage class for these ordinals' PVCs, overriding the template when non-empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class_name: Option<String>,
    /// Where this cluster's metrics go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring: Option<ClusterMonitoring>,
    /// The rule's role in a failover policy (newer petset; not yet in the released CRD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<RuleRole>,
}

/// Monitoring endpoint of one cluster.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterMonitoring {
    /// The cluster's Prometheus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<PrometheusServer>,
}

/// The KubeSlice SliceConfig a policy's clusters must belong to.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SliceRef {
    /// Project namespace of the SliceConfig, `kubeslice-<project>`.
    pub project_namespace: String,
    /// SliceConfig name.
    pub slice_name: String,
}

/// Role of a distribution rule in a failover policy.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum RuleRole {
    /// Runs data-bearing replicas (also what an empty role means).
    #[default]
    Member,
    /// Runs a vote-only arbiter and no replica indices.
    Arbiter,
    /// Runs witness replicas.
    Witness,
}

/// Data-centre failover policy.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FailoverPolicy {
    /// Two or three data centres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<FailoverMode>,
    /// What triggers a failover.
    pub trigger: FailoverTrigger,
}

/// Failover modes.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum FailoverMode {
    /// Two member data centres plus an arbiter or witness.
    #[serde(rename = "TwoDC")]
    TwoDc,
    /// Three or more member data centres.
    #[serde(rename = "ThreeDC")]
    ThreeDc,
}

/// Failover trigger.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FailoverTrigger {
    /// Scope of the trigger.
    pub scope: FailoverScope,
    /// Group name, required with `Group` scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// Failover trigger scopes.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum FailoverScope {
    /// Any failure fails over everything.
    Global,
    /// Only the named group fails over.
    Group,
}

/// The legacy `spec.ocm` shape.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyOcmSpec {
    /// Ordinal-to-cluster rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution_rules: Option<Vec<LegacyDistributionRule>>,
    /// SliceConfig name (the project namespace was not part of this shape).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_name: Option<String>,
}

/// A legacy distribution rule: `replicas` held what is now `replicaIndices`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyDistributionRule {
    /// Cluster name.
    pub cluster_name: String,
    /// Ordinals placed on the cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<Vec<i32>>,
}

/// What a conversion between the two policy shapes could not carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConversionGap {
    /// Going forward: the legacy shape has no project namespace and none was given; the
    /// converted `slice.projectNamespace` is empty until the caller supplies it.
    ProjectNamespace,
    /// Going forward: the legacy shape had no `sliceName`; the converted slice name is empty.
    SliceName,
    /// Both shapes are set; the target shape was kept and the other dropped.
    BothShapesSet,
    /// Going back: `slice.projectNamespace` has no place in the legacy shape and was dropped.
    ProjectNamespaceDropped {
        /// The namespace dropped.
        namespace: String,
    },
    /// Going back: a rule's `storageClassName` has no place in the legacy shape.
    StorageClassDropped {
        /// The rule's cluster.
        cluster: String,
        /// The class dropped.
        class: String,
    },
    /// Going back: a rule's `monitoring` has no place in the legacy shape.
    MonitoringDropped {
        /// The rule's cluster.
        cluster: String,
    },
    /// Going back: `failoverPolicy` and rule roles (unreleased petset) were dropped.
    FailoverDropped,
}

impl std::fmt::Display for ConversionGap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ProjectNamespace => f.write_str(
                "spec.clusterSpreadConstraint.slice.projectNamespace: the legacy spec.ocm shape has no project namespace; set it to the KubeSlice project namespace (kubeslice-<project>)",
            ),
            Self::SliceName => f.write_str(
                "spec.clusterSpreadConstraint.slice.sliceName: spec.ocm.sliceName was empty; set it to the SliceConfig name",
            ),
            Self::BothShapesSet => f.write_str(
                "spec: both spec.ocm and spec.clusterSpreadConstraint are set; the target release's shape was kept and the other dropped",
            ),
            Self::ProjectNamespaceDropped { namespace } => write!(
                f,
                "spec.clusterSpreadConstraint.slice.projectNamespace: {namespace:?} has no place in spec.ocm and was dropped"
            ),
            Self::StorageClassDropped { cluster, class } => write!(
                f,
                "spec.clusterSpreadConstraint.distributionRules[{cluster}].storageClassName: {class:?} has no place in spec.ocm and was dropped; set the class in the database's storage instead"
            ),
            Self::MonitoringDropped { cluster } => write!(
                f,
                "spec.clusterSpreadConstraint.distributionRules[{cluster}].monitoring: has no place in spec.ocm and was dropped"
            ),
            Self::FailoverDropped => f.write_str(
                "spec.clusterSpreadConstraint.failoverPolicy: no released CRD serves it; dropped",
            ),
        }
    }
}

/// The result of converting a policy to one shape.
#[derive(Clone, Debug, PartialEq)]
pub struct Conversion {
    /// The policy in the target shape (the other shape removed).
    pub policy: PlacementPolicy,
    /// What the conversion could not fill or had to drop; empty when nothing was lost.
    pub gaps: Vec<ConversionGap>,
}

impl PlacementPolicy {
    /// The KubeSlice slice the policy's clusters share, as `(project namespace, slice name)`:
    /// the current shape names both (`spec.clusterSpreadConstraint.slice`,
    /// `petset@05a56e31:apis/apps/v1/placementpolicy_types.go`), the older one only the name
    /// (`spec.ocm.sliceName`, `petset@v0.0.11`), its namespace then being the project's. Empty
    /// strings count as unset; `None` when neither shape names a slice.
    ///
    /// ```
    /// use kubedb_types::apps::v1::PlacementPolicy;
    /// let pp: PlacementPolicy = serde_json::from_value(serde_json::json!({
    ///     "apiVersion": "apps.k8s.appscode.com/v1", "kind": "PlacementPolicy",
    ///     "metadata": {"name": "p"}, "spec": {"ocm": {"sliceName": "demo-slice"}}})).unwrap();
    /// assert_eq!(pp.slice_ref(), Some((None, "demo-slice")));
    /// ```
    pub fn slice_ref(&self) -> Option<(Option<&str>, &str)> {
        if let Some(csc) = &self.spec.cluster_spread_constraint
            && !csc.slice.slice_name.is_empty()
        {
            let ns = Some(csc.slice.project_namespace.as_str()).filter(|n| !n.is_empty());
            return Some((ns, csc.slice.slice_name.as_str()));
        }
        self.spec
            .ocm
            .as_ref()
            .and_then(|o| o.slice_name.as_deref())
            .filter(|n| !n.is_empty())
            .map(|n| (None, n))
    }

    /// `true` when the policy uses the legacy `spec.ocm` shape.
    pub fn is_legacy(&self) -> bool {
        self.spec.ocm.is_some()
    }

    /// `true` when the policy has `shape`'s field (`spec.ocm` or
    /// `spec.clusterSpreadConstraint`), as the MariaDB webhook tests it.
    pub fn has_shape(&self, shape: PolicyShape) -> bool {
        match shape {
            PolicyShape::Ocm => self.spec.ocm.is_some(),
            PolicyShape::ClusterSpreadConstraint => self.spec.cluster_spread_constraint.is_some(),
        }
    }

    /// `true` when the policy has `shape` with a distribution-rule list (possibly empty), as
    /// the PetSet and PlacementPolicy webhooks test it.
    pub fn has_distribution(&self, shape: PolicyShape) -> bool {
        match shape {
            PolicyShape::Ocm => self
                .spec
                .ocm
                .as_ref()
                .is_some_and(|o| o.distribution_rules.is_some()),
            PolicyShape::ClusterSpreadConstraint => self.spec.cluster_spread_constraint.is_some(),
        }
    }

    /// The policy in `release`'s shape: [`PlacementPolicy::converted`] for the current shape,
    /// [`PlacementPolicy::to_legacy`] for `spec.ocm`.
    pub fn for_release(&self, release: Release, project_namespace: Option<&str>) -> Conversion {
        match release.policy_shape() {
            PolicyShape::ClusterSpreadConstraint => self.converted(project_namespace),
            PolicyShape::Ocm => self.to_legacy(),
        }
    }

    /// The policy in the current API shape.
    ///
    /// A legacy `spec.ocm` becomes `spec.clusterSpreadConstraint`: `replicas` become
    /// `replicaIndices` and `sliceName` moves into `slice`. `project_namespace` fills the field
    /// the legacy shape lacks; when it is `None` the field is left empty and the gap reported.
    ///
    /// ```
    /// use kubedb_types::apps::v1::{ConversionGap, PlacementPolicy};
    /// let legacy: PlacementPolicy = serde_json::from_value(serde_json::json!({
    ///     "apiVersion": "apps.k8s.appscode.com/v1", "kind": "PlacementPolicy",
    ///     "metadata": {"name": "distributed-mariadb"},
    ///     "spec": {"ocm": {"sliceName": "demo-slice", "distributionRules": [
    ///         {"clusterName": "demo-controller", "replicas": [0, 2]},
    ///         {"clusterName": "demo-worker", "replicas": [1]}]}}
    /// })).unwrap();
    /// let conv = legacy.converted(None);
    /// assert_eq!(conv.gaps, vec![ConversionGap::ProjectNamespace]);
    /// let csc = conv.policy.spec.cluster_spread_constraint.unwrap();
    /// assert_eq!(csc.slice.slice_name, "demo-slice");
    /// assert_eq!(csc.distribution_rules[1].replica_indices, vec![1]);
    /// ```
    pub fn converted(&self, project_namespace: Option<&str>) -> Conversion {
        let mut policy = self.clone();
        let mut gaps = Vec::new();
        let Some(legacy) = policy.spec.ocm.take() else {
            return Conversion { policy, gaps };
        };
        if policy.spec.cluster_spread_constraint.is_some() {
            gaps.push(ConversionGap::BothShapesSet);
            return Conversion { policy, gaps };
        }
        let slice_name = legacy.slice_name.unwrap_or_default();
        if slice_name.is_empty() {
            gaps.push(ConversionGap::SliceName);
        }
        let project_namespace = match project_namespace {
            Some(ns) if !ns.is_empty() => ns.to_owned(),
            _ => {
                gaps.push(ConversionGap::ProjectNamespace);
                String::new()
            }
        };
        let distribution_rules = legacy
            .distribution_rules
            .unwrap_or_default()
            .into_iter()
            .map(|rule| DistributionRule {
                cluster_name: rule.cluster_name,
                replica_indices: rule.replicas.unwrap_or_default(),
                ..DistributionRule::default()
            })
            .collect();
        policy.spec.cluster_spread_constraint = Some(ClusterSpreadConstraint {
            distribution_rules,
            slice: SliceRef {
                project_namespace,
                slice_name,
            },
            failover_policy: None,
        });
        Conversion { policy, gaps }
    }

    /// The policy in the legacy `spec.ocm` shape that KubeDB v2025.7.31 serves
    /// (`kubeops/petset@v0.0.11:apis/apps/v1/placementpolicy_types.go`): `replicaIndices`
    /// become `replicas`, `slice.sliceName` becomes `sliceName`. What that shape cannot hold
    /// (the project namespace, per-cluster storage classes and monitoring, failover) is
    /// dropped and reported, one gap each.
    ///
    /// ```
    /// use kubedb_types::apps::v1::{ConversionGap, PlacementPolicy};
    /// let current: PlacementPolicy = serde_json::from_value(serde_json::json!({
    ///     "apiVersion": "apps.k8s.appscode.com/v1", "kind": "PlacementPolicy",
    ///     "metadata": {"name": "p"},
    ///     "spec": {"clusterSpreadConstraint": {
    ///         "distributionRules": [{"clusterName": "a", "replicaIndices": [0], "storageClassName": "fast"}],
    ///         "slice": {"projectNamespace": "kubeslice-x", "sliceName": "s"}}}
    /// })).unwrap();
    /// let conv = current.to_legacy();
    /// assert_eq!(conv.policy.distribution(), vec![("a", &[0][..])]);
    /// assert!(conv.gaps.contains(&ConversionGap::StorageClassDropped { cluster: "a".into(), class: "fast".into() }));
    /// ```
    pub fn to_legacy(&self) -> Conversion {
        let mut policy = self.clone();
        let mut gaps = Vec::new();
        let Some(csc) = policy.spec.cluster_spread_constraint.take() else {
            return Conversion { policy, gaps };
        };
        if policy.spec.ocm.is_some() {
            gaps.push(ConversionGap::BothShapesSet);
            return Conversion { policy, gaps };
        }
        if !csc.slice.project_namespace.is_empty() {
            gaps.push(ConversionGap::ProjectNamespaceDropped {
                namespace: csc.slice.project_namespace.clone(),
            });
        }
        if csc.failover_policy.is_some() || csc.distribution_rules.iter().any(|r| r.role.is_some())
        {
            gaps.push(ConversionGap::FailoverDropped);
        }
        let mut rules = Vec::with_capacity(csc.distribution_rules.len());
        for rule in csc.distribution_rules {
            if let Some(class) = rule.storage_class_name.filter(|c| !c.is_empty()) {
                gaps.push(ConversionGap::StorageClassDropped {
                    cluster: rule.cluster_name.clone(),
                    class,
                });
            }
            if rule.monitoring.is_some() {
                gaps.push(ConversionGap::MonitoringDropped {
                    cluster: rule.cluster_name.clone(),
                });
            }
            rules.push(LegacyDistributionRule {
                cluster_name: rule.cluster_name,
                replicas: Some(rule.replica_indices),
            });
        }
        policy.spec.ocm = Some(LegacyOcmSpec {
            distribution_rules: Some(rules),
            slice_name: Some(csc.slice.slice_name).filter(|s| !s.is_empty()),
        });
        Conversion { policy, gaps }
    }

    /// The distribution rules of `shape`, as `(cluster, indices)` pairs in list order (empty
    /// when the policy lacks that shape).
    pub fn distribution_of(&self, shape: PolicyShape) -> Vec<(&str, &[i32])> {
        match shape {
            PolicyShape::ClusterSpreadConstraint => self
                .spec
                .cluster_spread_constraint
                .iter()
                .flat_map(|csc| &csc.distribution_rules)
                .map(|r| (r.cluster_name.as_str(), r.replica_indices.as_slice()))
                .collect(),
            PolicyShape::Ocm => self
                .spec
                .ocm
                .iter()
                .flat_map(|ocm| ocm.distribution_rules.iter().flatten())
                .map(|r| {
                    (
                        r.cluster_name.as_str(),
                        r.replicas.as_deref().unwrap_or_default(),
                    )
                })
                .collect(),
        }
    }

    /// The distribution rules of whichever shape the policy has (the current one first), as
    /// `(cluster, indices)` pairs in list order.
    pub fn distribution(&self) -> Vec<(&str, &[i32])> {
        if self.spec.cluster_spread_constraint.is_some() {
            self.distribution_of(PolicyShape::ClusterSpreadConstraint)
        } else {
            self.distribution_of(PolicyShape::Ocm)
        }
    }
}
