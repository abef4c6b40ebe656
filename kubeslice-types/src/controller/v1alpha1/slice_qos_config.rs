//! The `SliceQoSConfig` kind: a named QoS profile.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::DscpClass;

/// A QoS profile slices refer to by `standardQosProfileName`.
#[derive(
    CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema,
)]
#[kube(
    group = "controller.kubeslice.io",
    version = "v1alpha1",
    kind = "SliceQoSConfig",
    plural = "sliceqosconfigs",
    singular = "sliceqosconfig",
    namespaced,
    status = "SliceQoSConfigStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "A named QoS profile for slices."
)]
#[serde(rename_all = "camelCase")]
pub struct SliceQoSConfigSpec {
    /// Queue discipline (only `HTB`).
    pub queue_type: QueueType,
    /// Priority.
    pub priority: i64,
    /// Traffic control type (only `BANDWIDTH_CONTROL`).
    pub tc_type: TcType,
    /// Bandwidth ceiling, kbit/s.
    pub bandwidth_ceiling_kbps: i64,
    /// Guaranteed bandwidth, kbit/s; at most the ceiling.
    pub bandwidth_guaranteed_kbps: i64,
    /// DSCP class.
    pub dscp_class: DscpClass,
}

/// Queue disciplines.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum QueueType {
    /// Hierarchical token bucket.
    #[default]
    #[serde(rename = "HTB")]
    Htb,
}

/// Traffic control types.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum TcType {
    /// Bandwidth control.
    #[default]
    #[serde(rename = "BANDWIDTH_CONTROL")]
    BandwidthControl,
}

/// Status (empty upstream).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct SliceQoSConfigStatus {}
