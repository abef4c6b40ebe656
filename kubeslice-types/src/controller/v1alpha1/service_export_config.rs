//! The `ServiceExportConfig` kind: a service exported from one cluster, as the hub sees it.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{ServiceDiscoveryEndpoint, ServiceDiscoveryPort};

/// A ServiceExport of one worker cluster, mirrored on the controller cluster as
/// `<svc>-<ns>-<cluster>`.
#[derive(
    CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema,
)]
#[kube(
    group = "controller.kubeslice.io",
    version = "v1alpha1",
    kind = "ServiceExportConfig",
    plural = "serviceexportconfigs",
    singular = "serviceexportconfig",
    namespaced,
    status = "ServiceExportConfigStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "A service exported over a slice from one worker cluster."
)]
#[serde(rename_all = "camelCase")]
pub struct ServiceExportConfigSpec {
    /// Service name.
    pub service_name: String,
    /// Service namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_namespace: Option<String>,
    /// Cluster the service runs on.
    pub source_cluster: String,
    /// Slice it is exported on.
    pub slice_name: String,
    /// Endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_discovery_endpoints: Option<Vec<ServiceDiscoveryEndpoint>>,
    /// Ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_discovery_ports: Option<Vec<ServiceDiscoveryPort>>,
    /// Extra DNS names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<String>>,
}

/// Status (empty upstream).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct ServiceExportConfigStatus {}
