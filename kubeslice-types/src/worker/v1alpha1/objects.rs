//! WorkerSliceConfig, WorkerSliceGateway, WorkerServiceImport and WorkerSliceGwRecycler.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{
    AppPod, ComponentStatus, DscpClass, ExternalGatewayConfig, GatewayProtocol, GatewayServiceType,
    OverlayNetworkMode, ServiceDiscoveryEndpoint, ServiceDiscoveryPort, SliceGatewayType,
};
use crate::controller::v1alpha1::HealthStatus;

/// The name of the WorkerSliceConfig the KubeSlice controller derives from slice `slice` for
/// cluster `cluster`: `<slice>-<cluster>`, in the project namespace
/// (`kubeslice/kubeslice-controller@b7f871e5:service/worker_slice_config_service.go`
/// `CreateMinimalWorkerSliceConfig`: `fmt.Sprintf("%s-%s", name, cluster)`).
///
/// ```
/// use kubeslice_types::worker::v1alpha1::worker_slice_config_name;
/// assert_eq!(worker_slice_config_name("demo-slice", "demo-worker"), "demo-slice-demo-worker");
/// ```
pub fn worker_slice_config_name(slice: &str, cluster: &str) -> String {
    format!("{slice}-{cluster}")
}

/// One cluster's share of a slice, named `<slice>-<cluster>` ([`worker_slice_config_name`]).
#[derive(
    CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema,
)]
#[kube(
    group = "worker.kubeslice.io",
    version = "v1alpha1",
    kind = "WorkerSliceConfig",
    plural = "workersliceconfigs",
    singular = "workersliceconfig",
    namespaced,
    status = "WorkerSliceConfigStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "One worker cluster's share of a slice."
)]
#[serde(rename_all = "camelCase")]
pub struct WorkerSliceConfigSpec {
    /// Slice name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_name: Option<String>,
    /// Slice subnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_subnet: Option<String>,
    /// Slice type (CRD default `Application`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_type: Option<String>,
    /// Gateways.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_provider: Option<WorkerSliceGatewayProvider>,
    /// IPAM type (CRD default `Local`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_ipam_type: Option<String>,
    /// QoS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qos_profile_details: Option<WorkerQosProfile>,
    /// Namespaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_isolation_profile: Option<WorkerNamespaceIsolationProfile>,
    /// Octet of this cluster in the slice subnet (legacy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipam_cluster_octet: Option<i64>,
    /// Index of this cluster in the slice (immutable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub octet: Option<i64>,
    /// This cluster's part of the slice subnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "clusterSubnetCIDR")]
    pub cluster_subnet_cidr: Option<String>,
    /// External gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_gateway_config: Option<ExternalGatewayConfig>,
    /// Overlay mode (CRD default `single-network`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overlay_network_deployment_mode: Option<OverlayNetworkMode>,
}

/// Gateway settings of a worker slice.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkerSliceGatewayProvider {
    /// VPN type (free string here; CRD default `OpenVPN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_type: Option<String>,
    /// CA type (CRD default `Local`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_ca_type: Option<String>,
    /// Service type (CRD default `NodePort`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_service_type: Option<GatewayServiceType>,
    /// Protocol (CRD default `UDP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_protocol: Option<GatewayProtocol>,
}

/// QoS of a worker slice (every field optional here).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkerQosProfile {
    /// Queue discipline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_type: Option<String>,
    /// Priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// Traffic control type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tc_type: Option<String>,
    /// Ceiling, kbit/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth_ceiling_kbps: Option<i64>,
    /// Guaranteed, kbit/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth_guaranteed_kbps: Option<i64>,
    /// DSCP class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dscp_class: Option<DscpClass>,
}

/// Namespaces of a worker slice, as plain lists.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkerNamespaceIsolationProfile {
    /// Isolation on (CRD default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isolation_enabled: Option<bool>,
    /// Onboarded namespaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_namespaces: Option<Vec<String>>,
    /// Allowed namespaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_namespaces: Option<Vec<String>>,
}

/// Status of a worker slice.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkerSliceConfigStatus {
    /// Pods connected to the slice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connected_app_pods: Option<Vec<AppPod>>,
    /// Namespaces onboarded on this cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onboarded_app_namespaces: Option<Vec<NamespaceName>>,
    /// Slice health on this cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_health: Option<SliceHealth>,
}

/// A namespace.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct NamespaceName {
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Slice health on one cluster.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SliceHealth {
    /// Overall.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_health_status: Option<HealthStatus>,
    /// Per component.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_statuses: Option<Vec<ComponentStatus>>,
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<Time>,
}

/// One end of a gateway pair, `<slice>-<local>-<remote>`.
#[derive(
    CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema,
)]
#[kube(
    group = "worker.kubeslice.io",
    version = "v1alpha1",
    kind = "WorkerSliceGateway",
    plural = "workerslicegateways",
    singular = "workerslicegateway",
    namespaced,
    status = "WorkerSliceGatewayStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "One end of a slice gateway pair between two clusters."
)]
#[serde(rename_all = "camelCase")]
pub struct WorkerSliceGatewaySpec {
    /// Slice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_name: Option<String>,
    /// VPN type (CRD default `OpenVPN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_type: Option<SliceGatewayType>,
    /// Client or server end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_host_type: Option<GatewayHostType>,
    /// Exposure (CRD default `NodePort`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_connectivity_type: Option<GatewayServiceType>,
    /// Protocol (CRD default `UDP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_protocol: Option<GatewayProtocol>,
    /// VPN credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_credentials: Option<GatewayCredentials>,
    /// This end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_gateway_config: Option<GatewayEndpoint>,
    /// The other end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_gateway_config: Option<GatewayEndpoint>,
    /// Pair number (immutable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_number: Option<i64>,
}

/// Which end of a gateway pair.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum GatewayHostType {
    /// Dials out.
    Client,
    /// Listens.
    Server,
}

/// VPN credentials.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GatewayCredentials {
    /// Secret holding them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<String>,
}

/// Addresses of one gateway end.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GatewayEndpoint {
    /// Deprecated single node IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_ip: Option<String>,
    /// Node IPs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_ips: Option<Vec<String>>,
    /// Load balancer IPs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer_ips: Option<Vec<String>>,
    /// Node port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_port: Option<i64>,
    /// Node ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_ports: Option<Vec<i64>>,
    /// Gateway name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_name: Option<String>,
    /// Cluster name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    /// VPN address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpn_ip: Option<String>,
    /// Gateway subnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_subnet: Option<String>,
}

/// Status of a gateway end.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkerSliceGatewayStatus {
    /// Pair number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_number: Option<i64>,
    /// Insertion index of the cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_insertion_index: Option<i64>,
}

/// A service imported into one cluster, `<svc>-<ns>-<slice>-<cluster>`.
#[derive(
    CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema,
)]
#[kube(
    group = "worker.kubeslice.io",
    version = "v1alpha1",
    kind = "WorkerServiceImport",
    plural = "workerserviceimports",
    singular = "workerserviceimport",
    namespaced,
    status = "WorkerServiceImportStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "A slice service imported into one worker cluster."
)]
#[serde(rename_all = "camelCase")]
pub struct WorkerServiceImportSpec {
    /// Service name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// Service namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_namespace: Option<String>,
    /// Clusters exporting it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_clusters: Option<Vec<String>>,
    /// Slice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_name: Option<String>,
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
pub struct WorkerServiceImportStatus {}

/// A request to recycle a gateway pair.
#[derive(
    CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema,
)]
#[kube(
    group = "worker.kubeslice.io",
    version = "v1alpha1",
    kind = "WorkerSliceGwRecycler",
    plural = "workerslicegwrecyclers",
    singular = "workerslicegwrecycler",
    namespaced,
    status = "WorkerSliceGwRecyclerStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "A request to recycle a slice gateway pair."
)]
#[serde(rename_all = "camelCase")]
pub struct WorkerSliceGwRecyclerSpec {
    /// Server gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gw_server: Option<String>,
    /// Client gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gw_client: Option<String>,
    /// The pod pair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gw_pair: Option<GwPair>,
    /// State.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// Slice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_name: Option<String>,
    /// Server redundancy number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_redundancy_number: Option<i64>,
    /// Client redundancy number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_redundancy_number: Option<i64>,
}

/// A gateway pod pair.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GwPair {
    /// Server pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_id: Option<String>,
    /// Client pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

/// Recycler status.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkerSliceGwRecyclerStatus {
    /// Client side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<RecycledClient>,
    /// Servers to recycle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub servers_to_recycle: Option<Vec<String>>,
    /// Servers recycled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recycled_servers: Option<Vec<String>>,
}

/// Client side of a recycle.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecycledClient {
    /// Recycled client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recycled_client: Option<String>,
    /// Response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
}
