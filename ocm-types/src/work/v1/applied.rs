//! The AppliedManifestWork kind (on managed clusters).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What the work agent applied for one ManifestWork, kept on the managed cluster as
/// `<hubHash>-<work>`.
#[derive(
    CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema,
)]
#[kube(
    group = "work.open-cluster-management.io",
    version = "v1",
    kind = "AppliedManifestWork",
    plural = "appliedmanifestworks",
    singular = "appliedmanifestwork",
    status = "AppliedManifestWorkStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "Objects a work agent applied for one ManifestWork."
)]
#[serde(rename_all = "camelCase")]
pub struct AppliedManifestWorkSpec {
    /// Hash of the hub's API server URL.
    pub hub_hash: String,
    /// The agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "agentID")]
    pub agent_id: Option<String>,
    /// The ManifestWork's name.
    pub manifest_work_name: String,
}

/// Applied objects.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppliedManifestWorkStatus {
    /// The objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied_resources: Option<Vec<AppliedManifestResourceMeta>>,
    /// When eviction of the objects began.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eviction_start_time: Option<Time>,
}

/// An applied object.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct AppliedManifestResourceMeta {
    /// API group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Plural resource.
    pub resource: String,
    /// Name.
    pub name: String,
    /// Namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Version.
    pub version: String,
    /// UID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
}
