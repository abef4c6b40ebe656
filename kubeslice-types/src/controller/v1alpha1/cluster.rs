//! The `Cluster` kind: a worker cluster registered in a project.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A worker cluster registered with the KubeSlice controller, in a project namespace. Its
/// name is the name slices use (and, with OCM, the ManagedCluster name).
#[derive(
    CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema,
)]
#[kube(
    group = "controller.kubeslice.io",
    version = "v1alpha1",
    kind = "Cluster",
    plural = "clusters",
    singular = "cluster",
    namespaced,
    status = "ClusterStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "A worker cluster registered in a KubeSlice project."
)]
#[serde(rename_all = "camelCase")]
pub struct ClusterSpec {
    /// Deprecated single gateway node IP; use `nodeIPs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "nodeIP")]
    pub node_ip: Option<String>,
    /// Gateway node IPs (else taken from the worker's report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "nodeIPs")]
    pub node_ips: Option<Vec<String>>,
    /// Network interface the gateway uses (for example `enp1s0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_interface: Option<String>,
    /// Telemetry, location and monitoring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_property: Option<ClusterProperty>,
    /// Evict pods from namespaces removed from a slice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_auto_eviction: Option<bool>,
    /// Requeue the registration when it fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requeue_on_failure: Option<bool>,
}

/// Cluster properties.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterProperty {
    /// Telemetry endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telemetry: Option<Telemetry>,
    /// Where the cluster is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo_location: Option<GeoLocation>,
    /// Dashboards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring: Option<Monitoring>,
}

/// Telemetry endpoint.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Telemetry {
    /// Telemetry on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Provider, for example `prometheus`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telemetry_provider: Option<String>,
    /// Endpoint URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
}

/// Geographic location; latitude and longitude are decimal strings.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GeoLocation {
    /// Cloud provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_provider: Option<String>,
    /// Cloud region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_region: Option<String>,
    /// Latitude, -90 to 90.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<String>,
    /// Longitude, -180 to 180.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<String>,
}

/// Monitoring links.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Monitoring {
    /// Grafana dashboards base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "grafanaDashboardBaseURL")]
    pub grafana_dashboard_base_url: Option<String>,
    /// Kubernetes dashboard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes_dashboard: Option<KubernetesDashboard>,
}

/// Kubernetes dashboard access.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KubernetesDashboard {
    /// Dashboard on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Access token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// Ingress prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress_prefix: Option<String>,
    /// Endpoint URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
}

impl Cluster {
    /// `true` when `status.registrationStatus` is `Registered`: the registration is complete
    /// and slices may onboard the cluster (the SliceConfig webhook's test,
    /// `kubeslice/kubeslice-controller@b7f871e5:service/slice_config_webhook_validation.go`
    /// `validateClustersOnCreate`).
    ///
    /// ```
    /// use kubeslice_types::controller::v1alpha1::Cluster;
    /// let c: Cluster = serde_json::from_value(serde_json::json!({
    ///     "apiVersion": "controller.kubeslice.io/v1alpha1", "kind": "Cluster",
    ///     "metadata": {"name": "a", "namespace": "kubeslice-p"}, "spec": {},
    ///     "status": {"registrationStatus": "InProgress"}})).unwrap();
    /// assert!(!c.is_registered());
    /// ```
    pub fn is_registered(&self) -> bool {
        self.status.as_ref().and_then(|s| s.registration_status)
            == Some(RegistrationStatus::Registered)
    }
}

/// What the controller knows of a registered cluster.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterStatus {
    /// Secret holding the worker's credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<String>,
    /// Pod CIDRs of the cluster's CNI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cni_subnet: Option<Vec<String>>,
    /// Namespaces and the slice each belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespaces: Option<Vec<NamespaceSlice>>,
    /// Health reported by the worker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_health: Option<ClusterHealth>,
    /// Gateway node IPs reported by the worker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "nodeIPs")]
    pub node_ips: Option<Vec<String>>,
    /// Registration progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_status: Option<RegistrationStatus>,
    /// Deregistration running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_deregister_in_progress: Option<bool>,
    /// The worker has a network (CRD default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_present: Option<bool>,
    /// vCPU restriction state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "vCPURestriction")]
    pub vcpu_restriction: Option<ComputeRestriction>,
    /// GPU restriction state (the JSON key is capitalised upstream).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "GPURestriction")]
    pub gpu_restriction: Option<ComputeRestriction>,
}

/// A namespace and its slice.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceSlice {
    /// Namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The slice that owns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_name: Option<String>,
}

/// Health of a cluster.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterHealth {
    /// Overall health.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_health_status: Option<HealthStatus>,
    /// Per component.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_statuses: Option<Vec<ComponentStatus>>,
    /// When it was reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<Time>,
}

/// Overall health values.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum HealthStatus {
    /// Healthy.
    Normal,
    /// Degraded.
    Warning,
}

/// Health of one component.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ComponentStatus {
    /// Component name.
    pub component: String,
    /// Its health.
    pub component_health_status: ComponentHealthStatus,
}

/// Component health values.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum ComponentHealthStatus {
    /// Healthy.
    Normal,
    /// Degraded.
    Warning,
    /// Failed.
    Error,
}

/// Registration progress values.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum RegistrationStatus {
    /// Waiting for the worker.
    Pending,
    /// The worker is registering.
    InProgress,
    /// Registration failed.
    Failed,
    /// Registered: slices may use the cluster.
    Registered,
    /// Being deregistered.
    DeregisterInProgress,
    /// Deregistration failed.
    DeregisterFailed,
    /// Deregistered.
    Deregistered,
}

/// A compute restriction flag.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ComputeRestriction {
    /// Restrictions enforced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforce_restrictions: Option<bool>,
    /// When it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated_timestamp: Option<Time>,
}
