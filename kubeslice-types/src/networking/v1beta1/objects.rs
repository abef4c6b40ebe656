//! ServiceExport, ServiceImport, SliceGateway and Slice.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, Time};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{AppPod, ExternalGatewayConfig, OverlayNetworkMode, SliceGatewayType};

/// Exports the pods selected in its namespace over a slice, as
/// `<name>.<namespace>.svc.slice.local` on every slice cluster.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "networking.kubeslice.io",
    version = "v1beta1",
    kind = "ServiceExport",
    plural = "serviceexports",
    singular = "serviceexport",
    shortname = "svcex",
    namespaced,
    status = "ServiceExportStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "Exports pods over a slice under slice.local DNS names.",
    printcolumn(name = "Slice", type_ = "string", json_path = ".spec.slice"),
    printcolumn(
        name = "Ingress",
        type_ = "boolean",
        json_path = ".spec.ingressEnabled"
    ),
    printcolumn(
        name = "ServicePort(s)",
        type_ = "string",
        json_path = ".status.servicePorts"
    ),
    printcolumn(name = "Port(s)", type_ = "string", json_path = ".status.exposedPorts"),
    printcolumn(
        name = "Endpoints",
        type_ = "integer",
        json_path = ".status.availableEndpoints"
    ),
    printcolumn(name = "Status", type_ = "string", json_path = ".status.exportStatus"),
    printcolumn(name = "Alias", type_ = "string", json_path = ".spec.aliases")
)]
#[serde(rename_all = "camelCase")]
pub struct ServiceExportSpec {
    /// Slice to export on.
    pub slice: String,
    /// Selects the pods to export.
    pub selector: LabelSelector,
    /// Expose through the slice ingress gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress_enabled: Option<bool>,
    /// Ports.
    pub ports: Vec<ServicePort>,
    /// Extra DNS names (full host names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<String>>,
}

/// A port of an exported service.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServicePort {
    /// Port name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Container port.
    pub container_port: i32,
    /// Protocol (TCP, UDP, SCTP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// Service port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_port: Option<i32>,
    /// Application protocol (CRD default `HTTP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_protocol: Option<ServiceProtocol>,
}

/// Application protocols.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum ServiceProtocol {
    /// HTTP.
    #[serde(rename = "HTTP")]
    Http,
    /// HTTPS.
    #[serde(rename = "HTTPS")]
    Https,
}

/// Export state.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceExportStatus {
    /// `<name>.<namespace>.svc.slice.local`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_name: Option<String>,
    /// `""`, `PENDING`, `READY` or `ERROR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_status: Option<String>,
    /// Exported pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pods: Option<Vec<ServicePod>>,
    /// Last sync with the controller (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sync: Option<i64>,
    /// Exposed ports, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposed_ports: Option<String>,
    /// Service ports, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_ports: Option<String>,
    /// Endpoints available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_endpoints: Option<i64>,
    /// Ingress gateway in use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress_gw_enabled: Option<bool>,
    /// The ingress gateway pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress_gw_pod: Option<IngressGwPod>,
    /// Aliases served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<String>>,
}

/// An exported pod.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServicePod {
    /// Pod name.
    pub name: String,
    /// Slice overlay IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nsm_ip: Option<String>,
    /// Pod IP.
    pub pod_ip: String,
    /// `<pod>.<cluster>.<svc>.<ns>.svc.slice.local`.
    pub dns_name: String,
}

/// The ingress gateway pod of an export.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IngressGwPod {
    /// Pod name.
    pub name: String,
    /// Slice overlay IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nsm_ip: Option<String>,
}

/// A slice service imported into a worker cluster.
#[derive(
    CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema,
)]
#[kube(
    group = "networking.kubeslice.io",
    version = "v1beta1",
    kind = "ServiceImport",
    plural = "serviceimports",
    singular = "serviceimport",
    shortname = "svcim",
    namespaced,
    status = "ServiceImportStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "A slice service imported into a worker cluster.",
    printcolumn(name = "Slice", type_ = "string", json_path = ".spec.slice"),
    printcolumn(name = "Port(s)", type_ = "string", json_path = ".status.exposedPorts"),
    printcolumn(
        name = "Endpoints",
        type_ = "integer",
        json_path = ".status.availableEndpoints"
    ),
    printcolumn(name = "Status", type_ = "string", json_path = ".status.importStatus"),
    printcolumn(name = "Alias", type_ = "string", json_path = ".spec.aliases")
)]
#[serde(rename_all = "camelCase")]
pub struct ServiceImportSpec {
    /// Slice.
    pub slice: String,
    /// `<svc>.<ns>.svc.slice.local`.
    pub dns_name: String,
    /// Ports.
    pub ports: Vec<ServicePort>,
    /// Extra DNS names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<String>>,
}

/// Import state.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceImportStatus {
    /// Import state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_status: Option<String>,
    /// Endpoints on every cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Vec<ServiceEndpoint>>,
    /// Last sync (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sync: Option<i64>,
    /// Last update (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_on: Option<i64>,
    /// Exposed ports, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposed_ports: Option<String>,
    /// Endpoints available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_endpoints: Option<i64>,
}

/// An endpoint of an imported service.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceEndpoint {
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Slice overlay IP.
    pub ip: String,
    /// Port.
    pub port: i32,
    /// Cluster.
    pub cluster_id: String,
    /// Per-pod DNS name.
    pub dns_name: String,
}

/// A slice gateway on a worker cluster.
#[derive(
    CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema,
)]
#[kube(
    group = "networking.kubeslice.io",
    version = "v1beta1",
    kind = "SliceGateway",
    plural = "slicegateways",
    singular = "slicegateway",
    shortname = "gw",
    shortname = "slicegw",
    namespaced,
    status = "SliceGatewayStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "A slice gateway on a worker cluster.",
    printcolumn(
        name = "Subnet",
        type_ = "string",
        json_path = ".status.config.sliceGatewaySubnet"
    ),
    printcolumn(
        name = "Remote Subnet",
        type_ = "string",
        json_path = ".status.config.sliceGatewayRemoteSubnet"
    ),
    printcolumn(
        name = "Remote Cluster",
        type_ = "string",
        json_path = ".status.config.sliceGatewayRemoteClusterId"
    ),
    printcolumn(
        name = "GW Status",
        type_ = "string",
        json_path = ".status.config.sliceGatewayStatus"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct SliceGatewaySpec {
    /// Site name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_name: Option<String>,
    /// Slice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_name: Option<String>,
}

/// Gateway state.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SliceGatewayStatus {
    /// Gateway configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<SliceGatewayConfig>,
    /// When the configuration changed (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_updated_on: Option<i64>,
    /// When the connection context changed (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_context_updated_on: Option<i64>,
    /// Gateway pod state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_status: Option<String>,
    /// Gateway pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_name: Option<String>,
    /// Gateway pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_names: Option<Vec<String>>,
    /// Gateway pod IPs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_ips: Option<Vec<String>>,
    /// Peer IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_ip: Option<String>,
    /// Per pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_pod_status: Option<Vec<GatewayPodStatus>>,
}

/// Gateway configuration, as the worker sees it.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SliceGatewayConfig {
    /// Gateway id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_id: Option<String>,
    /// Gateway name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_name: Option<String>,
    /// Gateway slice name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_name: Option<String>,
    /// Gateway slice site name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_site_name: Option<String>,
    /// Gateway type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_type: Option<SliceGatewayType>,
    /// Gateway host type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_host_type: Option<String>,
    /// Gateway connectivity type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_connectivity_type: Option<String>,
    /// Gateway protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_protocol: Option<String>,
    /// Gateway subnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_subnet: Option<String>,
    /// Gateway remote subnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_remote_subnet: Option<String>,
    /// Gateway remote cluster id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_remote_cluster_id: Option<String>,
    /// Gateway remote gateway id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_remote_gateway_id: Option<String>,
    /// Gateway remote node ips.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_remote_node_ips: Option<Vec<String>>,
    /// Gateway remote node ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_remote_node_ports: Option<Vec<i64>>,
    /// Gateway remote vpn ip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_remote_vpn_ip: Option<String>,
    /// Gateway local vpn ip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_local_vpn_ip: Option<String>,
    /// Gateway node ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_node_ports: Option<Vec<i64>>,
    /// Gateway server lb ips.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "sliceGatewayServerLBIps")]
    pub slice_gateway_server_lb_ips: Option<Vec<String>>,
    /// Gateway intermediate deployments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_intermediate_deployments: Option<Vec<String>>,
    /// Gateway status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_status: Option<String>,
}

/// One gateway pod.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GatewayPodStatus {
    /// Pod name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_name: Option<String>,
    /// Pod IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "podIP")]
    pub pod_ip: Option<String>,
    /// Local slice overlay IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "localNsmIP")]
    pub local_nsm_ip: Option<String>,
    /// Peer pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_pod_name: Option<String>,
    /// Remote port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_port: Option<i32>,
    /// Route removed flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_removed: Option<i32>,
    /// Pod creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "podCreationTS")]
    pub pod_creation_ts: Option<Time>,
    /// Original pod creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "originalPodCreationTS")]
    pub original_pod_creation_ts: Option<Time>,
    /// Tunnel state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tunnel_status: Option<TunnelStatus>,
}

/// Tunnel state (capitalised keys upstream).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct TunnelStatus {
    /// Interface name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intf_name: Option<String>,
    /// Local IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "LocalIP")]
    pub local_ip: Option<String>,
    /// Remote IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "RemoteIP")]
    pub remote_ip: Option<String>,
    /// Latency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<i64>,
    /// Transmit rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_rate: Option<i64>,
    /// Receive rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rx_rate: Option<i64>,
    /// Packet loss.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packet_loss: Option<i64>,
    /// Status code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i32>,
    /// Tunnel state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tunnel_state: Option<String>,
}

/// The slice as a worker cluster runs it; the spec is empty, everything is in the status.
#[derive(
    CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema,
)]
#[kube(
    group = "networking.kubeslice.io",
    version = "v1beta1",
    kind = "Slice",
    plural = "slices",
    singular = "slice",
    namespaced,
    status = "SliceStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "A slice as one worker cluster runs it."
)]
pub struct SliceSpec {}

/// The slice on a worker.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SliceStatus {
    /// Slice configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_config: Option<SliceStatusConfig>,
    /// The slice DNS server (kubeslice-dns) ClusterIP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "dnsIP")]
    pub dns_ip: Option<String>,
    /// Connected app pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_pods: Option<Vec<AppPod>>,
    /// When the app pods changed (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_pods_updated_on: Option<i64>,
    /// Onboarded namespaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_namespaces: Option<Vec<String>>,
    /// Allowed namespaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_namespaces: Option<Vec<String>>,
    /// Network policies installed (CRD default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_policies_installed: Option<bool>,
}

/// Slice configuration as a worker holds it.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SliceStatusConfig {
    /// Slice id.
    pub slice_id: String,
    /// Display name.
    pub slice_display_name: String,
    /// Slice type.
    pub slice_type: String,
    /// Slice subnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_subnet: Option<String>,
    /// This cluster's subnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "clusterSubnetCIDR")]
    pub cluster_subnet_cidr: Option<String>,
    /// IPAM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_ipam: Option<SliceIpam>,
    /// QoS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qos_profile_details: Option<SliceStatusQos>,
    /// Namespaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_isolation_profile:
        Option<crate::worker::v1alpha1::WorkerNamespaceIsolationProfile>,
    /// External gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_gateway_config: Option<ExternalGatewayConfig>,
    /// Gateway service type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_service_type: Option<String>,
    /// Gateway protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_protocol: Option<String>,
    /// Overlay mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_overlay_network_deployment_mode: Option<OverlayNetworkMode>,
}

/// IPAM of a slice on a worker.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SliceIpam {
    /// IPAM type.
    pub slice_ipam_type: String,
    /// Cluster octet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipam_cluster_octet: Option<i64>,
}

/// QoS of a slice on a worker (DSCP class as a free string here).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SliceStatusQos {
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
    pub dscp_class: Option<String>,
}
