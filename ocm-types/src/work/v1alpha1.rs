//! `work.open-cluster-management.io/v1alpha1`: ManifestWorkReplicaSet.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::cluster::v1alpha1::RolloutStrategy;
use crate::work::v1::ManifestWorkSpec;

/// Fans a ManifestWork template out to every cluster a Placement selects (hub feature gate
/// `ManifestWorkReplicaSet`).
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "work.open-cluster-management.io",
    version = "v1alpha1",
    kind = "ManifestWorkReplicaSet",
    plural = "manifestworkreplicasets",
    singular = "manifestworkreplicaset",
    shortname = "mwrs",
    namespaced,
    status = "ManifestWorkReplicaSetStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "A ManifestWork template rolled out to the clusters of Placements.",
    printcolumn(
        name = "Placement",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"PlacementVerified\")].reason"
    ),
    printcolumn(
        name = "Found",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"PlacementVerified\")].status"
    ),
    printcolumn(
        name = "ManifestWorks",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"ManifestworkApplied\")].reason"
    ),
    printcolumn(
        name = "Applied",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"ManifestworkApplied\")].status"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct ManifestWorkReplicaSetSpec {
    /// The work created on each selected cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_work_template: Option<ManifestWorkSpec>,
    /// Placements in the same namespace (at least one).
    pub placement_refs: Vec<LocalPlacementReference>,
    /// How deletion cascades (CRD default `Background`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cascade_deletion_policy: Option<CascadeDeletionPolicy>,
}

/// A Placement and its rollout.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocalPlacementReference {
    /// Placement name.
    pub name: String,
    /// Rollout (CRD default `{type: All}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout_strategy: Option<RolloutStrategy>,
}

/// Deletion cascade policies.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum CascadeDeletionPolicy {
    /// Delete the works in the background (the default).
    #[default]
    Background,
    /// Wait for the works to go.
    Foreground,
}

/// Rollout state.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ManifestWorkReplicaSetStatus {
    /// Conditions (`PlacementVerified`, `PlacementRolledOut`, `ManifestworkApplied`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
    /// Totals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<ManifestWorkReplicaSetSummary>,
    /// Per placement (Go field `PlacementsSummary`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement_summary: Option<Vec<PlacementSummary>>,
}

/// Counts of works.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ManifestWorkReplicaSetSummary {
    /// Works created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    /// Works progressing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progressing: Option<i64>,
    /// Works available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available: Option<i64>,
    /// Works degraded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub degraded: Option<i64>,
    /// Works applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied: Option<i64>,
    /// Works wanted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_total: Option<i64>,
    /// Works updated to the template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<i64>,
}

/// State per placement.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlacementSummary {
    /// Placement name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Groups done, as `done/total`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_decision_groups: Option<String>,
    /// Counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<ManifestWorkReplicaSetSummary>,
}
