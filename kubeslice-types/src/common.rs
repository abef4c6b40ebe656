//! Values shared by several KubeSlice kinds, with the exact upstream spellings.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// VPN used between slice gateways.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum SliceGatewayType {
    /// OpenVPN (the CRD default).
    #[default]
    #[serde(rename = "OpenVPN")]
    OpenVpn,
    /// WireGuard, spelled `Wireguard` upstream.
    Wireguard,
}

/// How a gateway is exposed.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum GatewayServiceType {
    /// A NodePort service (the default).
    #[default]
    NodePort,
    /// A LoadBalancer service.
    LoadBalancer,
}

/// Transport of the gateway tunnel.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum GatewayProtocol {
    /// TCP.
    #[serde(rename = "TCP")]
    Tcp,
    /// UDP (the default).
    #[default]
    #[serde(rename = "UDP")]
    Udp,
}

/// VPN cipher.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum Cipher {
    /// AES-256-CBC (the default).
    #[default]
    #[serde(rename = "AES-256-CBC")]
    Aes256Cbc,
    /// AES-128-CBC.
    #[serde(rename = "AES-128-CBC")]
    Aes128Cbc,
}

/// DiffServ class of slice traffic.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum DscpClass {
    /// Best effort.
    #[default]
    Default,
    /// Assured forwarding class 1, drop precedence 1.
    AF11,
    /// Assured forwarding class 1, drop precedence 2.
    AF12,
    /// Assured forwarding class 1, drop precedence 3.
    AF13,
    /// Assured forwarding class 2, drop precedence 1.
    AF21,
    /// Assured forwarding class 2, drop precedence 2.
    AF22,
    /// Assured forwarding class 2, drop precedence 3.
    AF23,
    /// Assured forwarding class 3, drop precedence 1.
    AF31,
    /// Assured forwarding class 3, drop precedence 2.
    AF32,
    /// Assured forwarding class 3, drop precedence 3.
    AF33,
    /// Assured forwarding class 4, drop precedence 1.
    AF41,
    /// Assured forwarding class 4, drop precedence 2.
    AF42,
    /// Assured forwarding class 4, drop precedence 3.
    AF43,
    /// Expedited forwarding.
    EF,
}

/// How the slice overlay network is deployed.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OverlayNetworkMode {
    /// One overlay network across clusters (the default).
    #[default]
    SingleNetwork,
    /// One network per cluster, joined by ingress/egress gateways.
    MultiNetwork,
    /// No overlay network: namespace sameness only.
    NoNetwork,
}

/// External gateway implementation.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExternalGatewayType {
    /// None.
    None,
    /// Istio gateways.
    Istio,
    /// Envoy gateways.
    Envoy,
}

/// A switch.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct Enabled {
    /// On.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// VPC service access switches.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct VpcServiceAccess {
    /// Ingress from the VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<Enabled>,
    /// Egress to the VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress: Option<Enabled>,
}

/// External (ingress/egress) gateways of a slice; in a SliceConfig each entry names its
/// clusters, in worker objects there is one entry without clusters.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExternalGatewayConfig {
    /// Ingress gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<Enabled>,
    /// Egress gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress: Option<Enabled>,
    /// North-south ingress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ns_ingress: Option<Enabled>,
    /// Gateway implementation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_type: Option<ExternalGatewayType>,
    /// Clusters (`*` for all) this entry applies to (SliceConfig only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<Vec<String>>,
    /// VPC service access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_service_access: Option<VpcServiceAccess>,
}

/// Health of one component (worker objects).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ComponentStatus {
    /// Component name.
    pub component: String,
    /// Its health.
    pub component_health_status: crate::controller::v1alpha1::ComponentHealthStatus,
}

/// A port of a service exported over a slice.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceDiscoveryPort {
    /// Port name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Container port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// Protocol (TCP, UDP, SCTP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// Service port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_port: Option<i32>,
    /// Application protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_protocol: Option<String>,
}

/// One endpoint of a service exported over a slice.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceDiscoveryEndpoint {
    /// Pod name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_name: Option<String>,
    /// Worker cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// The pod's slice overlay (NSM) IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nsm_ip: Option<String>,
    /// The pod's slice DNS name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_name: Option<String>,
    /// Port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
}

/// An app pod connected to a slice.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppPod {
    /// Pod name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_name: Option<String>,
    /// Pod namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_namespace: Option<String>,
    /// Pod IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_ip: Option<String>,
    /// Slice overlay IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nsm_ip: Option<String>,
    /// NSM interface.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nsm_interface: Option<String>,
    /// NSM peer IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nsm_peer_ip: Option<String>,
}
