//! The `PlacementPolicy` kind, including the legacy `spec.ocm` shape.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::monitoring::PrometheusServer;

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
    /// The legacy OCM shape (petset between 2025-08-01 and 2025-08-29), kept so old
    /// manifests such as the seed's parse and round-trip. The current CRD does not know this
    /// field and prunes it: convert with [`PlacementPolicy::converted`]. Not part of the
    /// generated CRD schema.
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

/// What a legacy-to-current conversion could not fill in by itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConversionGap {
    /// The legacy shape has no project namespace; the converted policy holds the given
    /// placeholder (derived from nothing) until the caller supplies the real one.
    ProjectNamespace,
    /// The legacy shape had no `sliceName`; the converted slice name is empty.
    SliceName,
    /// Both the legacy `spec.ocm` and a current `spec.clusterSpreadConstraint` are set; the
    /// current one was kept and the legacy one dropped.
    BothShapesSet,
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
                "spec.ocm: both spec.ocm and spec.clusterSpreadConstraint are set; spec.ocm was dropped",
            ),
        }
    }
}

/// The result of converting a legacy policy to the current shape.
#[derive(Clone, Debug, PartialEq)]
pub struct Conversion {
    /// The policy in the current shape (no `spec.ocm`).
    pub policy: PlacementPolicy,
    /// Fields the conversion could not fill or had to drop.
    pub gaps: Vec<ConversionGap>,
}

impl PlacementPolicy {
    /// `true` when the policy uses the legacy `spec.ocm` shape.
    pub fn is_legacy(&self) -> bool {
        self.spec.ocm.is_some()
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

    /// The distribution rules of either shape, as `(cluster, indices)` pairs in list order.
    pub fn distribution(&self) -> Vec<(&str, &[i32])> {
        if let Some(csc) = &self.spec.cluster_spread_constraint {
            return csc
                .distribution_rules
                .iter()
                .map(|r| (r.cluster_name.as_str(), r.replica_indices.as_slice()))
                .collect();
        }
        self.spec
            .ocm
            .iter()
            .flat_map(|ocm| ocm.distribution_rules.iter().flatten())
            .map(|r| {
                (
                    r.cluster_name.as_str(),
                    r.replicas.as_deref().unwrap_or_default(),
                )
            })
            .collect()
    }
}
