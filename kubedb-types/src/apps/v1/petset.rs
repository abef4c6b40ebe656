//! The `PetSet` kind: kubeops' StatefulSet with OCM distribution.

use k8s_openapi::api::apps::v1::{
    StatefulSetOrdinals, StatefulSetPersistentVolumeClaimRetentionPolicy, StatefulSetStatus,
    StatefulSetUpdateStrategy,
};
use k8s_openapi::api::core::v1::{
    LocalObjectReference, PersistentVolumeClaimSpec, PersistentVolumeClaimStatus, PodTemplateSpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The annotation the PetSet controller puts on each pod and PVC of a distributed set: the
/// cluster (and hub namespace of its ManifestWork) the ordinal is placed on
/// (`ManifestWorkClusterNameLabel`, `petset@v0.0.11:apis/apps/v1/constants.go`).
pub const CLUSTER_NAME_ANNOTATION: &str = "open-cluster-management.io/cluster-name";
/// The label the PetSet controller adds to its ManifestWorks: [`ROLE_POD`] or [`ROLE_PVC`]
/// (`ManifestWorkRoleLabel`, `petset@v0.0.11:apis/apps/v1/constants.go`).
pub const ROLE_LABEL: &str = "open-cluster-management.io/role";
/// [`ROLE_LABEL`] of a pod's ManifestWork (`RolePod`).
pub const ROLE_POD: &str = "pod";
/// [`ROLE_LABEL`] of a claim's ManifestWork (`RolePVC`).
pub const ROLE_PVC: &str = "pvc";

/// A StatefulSet-like workload whose pods may live on other clusters (as ManifestWorks)
/// when `distributed` is set and a PlacementPolicy maps ordinals to clusters.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "apps.k8s.appscode.com",
    version = "v1",
    kind = "PetSet",
    plural = "petsets",
    singular = "petset",
    namespaced,
    status = "StatefulSetStatus",
    derive = "PartialEq",
    derive = "Default",
    scale(
        spec_replicas_path = ".spec.replicas",
        status_replicas_path = ".status.replicas"
    ),
    doc = "A kubeops PetSet: ordered, stably named pods, optionally spread over OCM clusters."
)]
#[serde(rename_all = "camelCase")]
pub struct PetSetSpec {
    /// Desired number of pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// Selects the pods; must match the template labels.
    pub selector: LabelSelector,
    /// Pod template.
    pub template: PodTemplateSpec,
    /// PVC templates; each pod gets `<template>-<petset>-<ordinal>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_claim_templates: Option<Vec<PersistentVolumeClaimTemplate>>,
    /// Governing (headless) service.
    pub service_name: String,
    /// `OrderedReady` or `Parallel`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_management_policy: Option<String>,
    /// Rolling update settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_strategy: Option<StatefulSetUpdateStrategy>,
    /// Revisions kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i32>,
    /// Seconds a pod must be ready before it counts as available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ready_seconds: Option<i32>,
    /// What happens to PVCs on deletion and scale-down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_volume_claim_retention_policy:
        Option<StatefulSetPersistentVolumeClaimRetentionPolicy>,
    /// First ordinal; distributed placement requires 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordinals: Option<StatefulSetOrdinals>,
    /// PlacementPolicy applied to the pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_placement_policy: Option<LocalObjectReference>,
    /// Create pods on OCM clusters through ManifestWorks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distributed: Option<bool>,
}

/// A PVC template as a PetSet holds it: `apiVersion` and `kind` are optional here (unlike
/// a stored PersistentVolumeClaim), so a template written without them stays without them.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PersistentVolumeClaimTemplate {
    /// `v1`, when written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `PersistentVolumeClaim`, when written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name (the claim becomes `<name>-<petset>-<ordinal>`), labels and annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<ObjectMeta>,
    /// The claim spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<PersistentVolumeClaimSpec>,
    /// Status, as found in stored objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PersistentVolumeClaimStatus>,
}
