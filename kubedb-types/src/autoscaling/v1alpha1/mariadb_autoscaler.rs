//! The `MariaDBAutoscaler` kind: compute and storage autoscaling of a MariaDB through
//! OpsRequests the autoscaler creates.
//!
//! Modelled from `kubedb/apimachinery@v0.57.0` and `@861df6898a80`
//! (`apis/autoscaling/v1alpha1/mariadb_types.go`, `type.go`, `vpa_types.go`,
//! `vpa_checkpoints.go`). The releases' CRDs differ only in
//! `spec.opsRequestOptions.maxRetries` (v2026.7.10); the type carries it as an option.
//!
//! The autoscaler webhook of both releases only defaults `opsRequestOptions` (apply `IfReady`,
//! maxRetries 1) and refuses a missing `databaseRef`, which the CRD already requires
//! (`apimachinery@<version>:pkg/webhooks/autoscaling/v1alpha1/mariadb.go`), so this crate has
//! no admission rules of its own for it.

use std::collections::BTreeMap;

use crate::common::quantity::ResourceQuantity;
use k8s_openapi::api::core::v1::LocalObjectReference;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::kmapi::Condition;
use crate::ops::v1alpha1::{ApplyOption, VolumeExpansionMode};

/// What to autoscale and within which bounds.
///
/// ```
/// use kubedb_types::autoscaling::v1alpha1::MariaDBAutoscaler;
/// let a: MariaDBAutoscaler = serde_json::from_value(serde_json::json!({
///     "apiVersion": "autoscaling.kubedb.com/v1alpha1", "kind": "MariaDBAutoscaler",
///     "metadata": {"name": "md-as-st", "namespace": "demo"},
///     "spec": {"databaseRef": {"name": "sample-mariadb"},
///              "storage": {"mariadb": {"trigger": "On", "usageThreshold": 20,
///                                      "scalingThreshold": 20, "expansionMode": "Online"}}}
/// })).unwrap();
/// assert!(a.spec.storage.unwrap().mariadb.unwrap().is_on());
/// ```
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "autoscaling.kubedb.com",
    version = "v1alpha1",
    kind = "MariaDBAutoscaler",
    plural = "mariadbautoscalers",
    singular = "mariadbautoscaler",
    namespaced,
    shortname = "mdscaler",
    category = "autoscaler",
    category = "kubedb",
    category = "appscode",
    status = "AutoscalerStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "Compute and storage autoscaling of a MariaDB database."
)]
#[serde(rename_all = "camelCase")]
pub struct MariaDBAutoscalerSpec {
    /// The MariaDB, in the autoscaler's namespace.
    pub database_ref: LocalObjectReference,
    /// Options of the OpsRequests the autoscaler creates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ops_request_options: Option<AutoscalerOpsRequestOptions>,
    /// CPU and memory autoscaling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compute: Option<ComputeSpec>,
    /// Volume autoscaling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<StorageSpec>,
}

/// Options of the OpsRequests the autoscaler creates.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AutoscalerOpsRequestOptions {
    /// Time limit of each step, as a Go duration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// Whether to run only against a Ready database (CRD default `IfReady`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply: Option<ApplyOption>,
    /// Attempts per OpsRequest (v2026.7.10 only, CRD default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<i32>,
    /// Readiness criteria (no fields for MariaDB: an empty object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness_criteria: Option<ReadinessCriteria>,
}

/// Readiness criteria of a MariaDB: none.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct ReadinessCriteria {}

/// CPU and memory autoscaling.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ComputeSpec {
    /// Scale to the node sizes of a NodeTopology object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_topology: Option<NodeTopology>,
    /// The database container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mariadb: Option<ComputeAutoscalerSpec>,
}

/// Scaling to the node pool's sizes.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NodeTopology {
    /// Name of the NodeTopology object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Percent difference from the node size that triggers a scale-up (CRD default 15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_up_diff_percentage: Option<i32>,
    /// Percent difference that triggers a scale-down (CRD default 25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_down_diff_percentage: Option<i32>,
}

/// Compute autoscaling of one container.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ComputeAutoscalerSpec {
    /// `On` enables it; anything else (upstream default `Off`) leaves it off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<String>,
    /// Lowest resources recommended, resource name to quantity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_allowed: Option<BTreeMap<String, ResourceQuantity>>,
    /// Highest resources recommended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_allowed: Option<BTreeMap<String, ResourceQuantity>>,
    /// Resources scaled (`cpu`, `memory`; both when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controlled_resources: Option<Vec<String>>,
    /// Whether limits follow requests (upstream default `RequestsAndLimits`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_controlled_values: Option<ContainerControlledValues>,
    /// Smallest difference, in percent, worth an OpsRequest (upstream default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_diff_percentage: Option<i32>,
    /// Youngest pod age, as a Go duration, at which an in-range pod may still be resized
    /// (upstream default `15m`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_life_time_threshold: Option<String>,
    /// Scaling of in-memory storage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_memory_storage: Option<InMemoryStorage>,
}

/// Which resource values are autoscaled.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum ContainerControlledValues {
    /// Requests, with limits kept in proportion.
    RequestsAndLimits,
    /// Requests only.
    RequestsOnly,
}

/// Scaling of in-memory storage.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InMemoryStorage {
    /// Memory use, in percent, above which storage grows (upstream default 70).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_threshold_percentage: Option<i32>,
    /// Growth, in percent (upstream default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling_factor_percentage: Option<i32>,
}

/// Volume autoscaling.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct StorageSpec {
    /// The database volumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mariadb: Option<StorageAutoscalerSpec>,
}

/// Volume autoscaling of one component.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StorageAutoscalerSpec {
    /// `On` enables it; anything else leaves it off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<String>,
    /// Volume use, in percent, above which the volume grows (upstream default 80).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_threshold: Option<i32>,
    /// Growth, in percent (upstream default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling_threshold: Option<i32>,
    /// Growth by size band (`appliesUpto: 500GB, threshold: 30pc`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling_rules: Option<Vec<StorageScalingRule>>,
    /// Largest size a volume may grow to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper_bound: Option<ResourceQuantity>,
    /// Whether the pods keep running while volumes grow.
    pub expansion_mode: VolumeExpansionMode,
}

impl StorageAutoscalerSpec {
    /// `true` when `trigger` is `On`.
    pub fn is_on(&self) -> bool {
        self.trigger.as_deref() == Some("On")
    }
}

/// Growth for volumes up to a size.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StorageScalingRule {
    /// Upper size of the band (`500GB`; empty for the last band).
    pub applies_upto: String,
    /// Growth in the band: a percentage (`30pc`, `30%`) or a size (`50GB`).
    pub threshold: String,
}

/// Observed state of an autoscaler.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AutoscalerStatus {
    /// Phase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<AutoscalerPhase>,
    /// The generation last acted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
    /// The recommender's state per VPA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpas: Option<Vec<VpaStatus>>,
    /// The recommender's usage histograms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoints: Option<Vec<Checkpoint>>,
}

/// Phases of an autoscaler.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum AutoscalerPhase {
    /// Working.
    InProgress,
    /// Up to date.
    Current,
    /// Being deleted.
    Terminating,
    /// Failed.
    Failed,
}

/// The recommender's state for one VPA (as the Kubernetes VPA status).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VpaStatus {
    /// Name of the VPA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpa_name: Option<String>,
    /// The latest recommendation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<RecommendedPodResources>,
    /// Conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<VpaCondition>>,
}

/// A recommendation per container.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecommendedPodResources {
    /// One entry per container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_recommendations: Option<Vec<RecommendedContainerResources>>,
}

/// The recommendation for one container; maps are resource name to quantity.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecommendedContainerResources {
    /// The container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
    /// Recommended resources.
    pub target: BTreeMap<String, ResourceQuantity>,
    /// Lowest resources still fine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lower_bound: Option<BTreeMap<String, ResourceQuantity>>,
    /// Highest resources still useful.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper_bound: Option<BTreeMap<String, ResourceQuantity>>,
    /// The target before min/max bounds were applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncapped_target: Option<BTreeMap<String, ResourceQuantity>>,
}

/// A VPA condition (no `observedGeneration` or `severity`, optional transition time).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VpaCondition {
    /// Condition type.
    #[serde(rename = "type")]
    pub type_: String,
    /// `True`, `False` or `Unknown`.
    pub status: String,
    /// When the status last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    /// Machine-readable reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Human-readable detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The recommender's saved histograms for one container. The time fields are `nullable` in the
/// CRD (Go writes a zero time as `null`); `null` reads as absent.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Checkpoint {
    /// Which VPA and container.
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub ref_: Option<CheckpointReference>,
    /// When the checkpoint was last written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update_time: Option<Time>,
    /// Format version of the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// CPU use histogram.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_histogram: Option<HistogramCheckpoint>,
    /// Memory use histogram.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_histogram: Option<HistogramCheckpoint>,
    /// First sample's time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_sample_start: Option<Time>,
    /// Last sample's time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sample_start: Option<Time>,
    /// Samples in the histograms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_samples_count: Option<i64>,
}

/// Which VPA and container a checkpoint belongs to.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckpointReference {
    /// The VPA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpa_object_name: Option<String>,
    /// The container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
}

/// A saved usage histogram.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistogramCheckpoint {
    /// Reference time of the samples.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_timestamp: Option<Time>,
    /// Bucket weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket_weights: Option<Vec<BucketWeight>>,
    /// Sum of the samples the weights are relative to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_weight: Option<f64>,
}

/// One histogram bucket.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct BucketWeight {
    /// Bucket index.
    pub index: i64,
    /// Bucket weight.
    pub weight: u32,
}
