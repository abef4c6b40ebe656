//! The `VpnKeyRotation` kind: VPN certificate rotation of a slice.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// VPN key rotation state of one slice (named like the slice).
#[derive(
    CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema,
)]
#[kube(
    group = "controller.kubeslice.io",
    version = "v1alpha1",
    kind = "VpnKeyRotation",
    plural = "vpnkeyrotations",
    singular = "vpnkeyrotation",
    namespaced,
    status = "VpnKeyRotationStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "VPN certificate rotation of a slice."
)]
#[serde(rename_all = "camelCase")]
pub struct VpnKeyRotationSpec {
    /// The slice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_name: Option<String>,
    /// Gateways per cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_gateway_mapping: Option<BTreeMap<String, Vec<String>>>,
    /// When the current certificates were made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_creation_time: Option<Time>,
    /// When they expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_expiry_time: Option<Time>,
    /// Rotation interval in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_interval: Option<i64>,
    /// Slice clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<Vec<String>>,
    /// Rotations so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_count: Option<i64>,
}

/// Rotation status per gateway.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VpnKeyRotationStatus {
    /// Current state per gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_rotation_state: Option<BTreeMap<String, RotationState>>,
    /// History per gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_history: Option<BTreeMap<String, Vec<RotationState>>>,
}

/// A gateway's rotation state.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RotationState {
    /// State, `Complete` when done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// When it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated_timestamp: Option<Time>,
}
