//! The `SliceConfig` kind: a slice and the namespaces it connects.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{
    Cipher, DscpClass, ExternalGatewayConfig, GatewayProtocol, GatewayServiceType,
    OverlayNetworkMode, SliceGatewayType,
};

/// CRD default of `maxClusters`.
pub const DEFAULT_MAX_CLUSTERS: i64 = 16;
/// CRD default of `rotationInterval` (days).
pub const DEFAULT_ROTATION_INTERVAL: i64 = 30;

/// A slice: an overlay network across registered clusters, onboarding namespaces that then
/// exist on every slice cluster and reach each other by `*.svc.slice.local` names.
///
/// Fields the CRD defaults stay `None` when absent, so objects round-trip as written; the
/// accessors ([`SliceConfigSpec::max_clusters`], ...) and [`SliceConfig::with_defaults`]
/// give the values the API server would store.
#[derive(
    CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema,
)]
#[kube(
    group = "controller.kubeslice.io",
    version = "v1alpha1",
    kind = "SliceConfig",
    plural = "sliceconfigs",
    singular = "sliceconfig",
    namespaced,
    status = "SliceConfigStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "A KubeSlice slice: its subnet, gateways, QoS and onboarded namespaces."
)]
#[serde(rename_all = "camelCase")]
pub struct SliceConfigSpec {
    /// Overlay deployment mode (CRD default `single-network`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overlay_network_deployment_mode: Option<OverlayNetworkMode>,
    /// Slice subnet, a private `/16` with `.0.0` (for example `10.1.0.0/16`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_subnet: Option<String>,
    /// Slice type (CRD default `Application`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_type: Option<String>,
    /// Gateways between clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_provider: Option<SliceGatewayProvider>,
    /// IP address management (CRD default `Local`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_ipam_type: Option<String>,
    /// Registered clusters (Cluster objects of the same namespace) in the slice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<Vec<String>>,
    /// A SliceQoSConfig of the namespace; exclusive with `qosProfileDetails`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard_qos_profile_name: Option<String>,
    /// Inline QoS; exclusive with `standardQosProfileName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qos_profile_details: Option<QosProfileDetails>,
    /// Onboarded and allowed namespaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_isolation_profile: Option<NamespaceIsolationProfile>,
    /// External gateways.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_gateway_config: Option<Vec<ExternalGatewayConfig>>,
    /// Most clusters the slice may ever have, 2 to 32 (CRD default 16); sets the per-cluster
    /// subnet size and is immutable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_clusters: Option<i64>,
    /// VPN key rotation interval in days, 30 to 90 (CRD default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_interval: Option<i64>,
    /// Renew the VPN keys now (a timestamp in the past triggers it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew_before: Option<Time>,
    /// VPN settings (the mutating webhook sets `AES-256-CBC` when networked and unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpn_config: Option<VpnConfiguration>,
}

impl SliceConfigSpec {
    /// `overlayNetworkDeploymentMode` after defaulting.
    pub fn mode(&self) -> OverlayNetworkMode {
        self.overlay_network_deployment_mode.unwrap_or_default()
    }

    /// `maxClusters` after defaulting.
    pub fn max_clusters(&self) -> i64 {
        self.max_clusters.unwrap_or(DEFAULT_MAX_CLUSTERS)
    }

    /// `rotationInterval` after defaulting.
    pub fn rotation_interval(&self) -> i64 {
        self.rotation_interval.unwrap_or(DEFAULT_ROTATION_INTERVAL)
    }

    /// `spec.clusters`, empty when absent.
    pub fn clusters(&self) -> &[String] {
        self.clusters.as_deref().unwrap_or_default()
    }

    /// The application namespaces the slice onboards on `cluster` (listed for it or for
    /// `*`), which the KubeSlice worker creates there when missing; none when `cluster` is
    /// not in the slice.
    ///
    /// ```
    /// use kubeslice_types::controller::v1alpha1::SliceConfigSpec;
    /// let spec: SliceConfigSpec = serde_json::from_value(serde_json::json!({
    ///     "clusters": ["a", "b"],
    ///     "namespaceIsolationProfile": {"applicationNamespaces": [
    ///         {"namespace": "demo", "clusters": ["*"]}, {"namespace": "only-b", "clusters": ["b"]}]}
    /// })).unwrap();
    /// assert_eq!(spec.application_namespaces_on("a"), ["demo"]);
    /// assert_eq!(spec.application_namespaces_on("b"), ["demo", "only-b"]);
    /// assert!(spec.application_namespaces_on("c").is_empty());
    /// ```
    pub fn application_namespaces_on(&self, cluster: &str) -> Vec<&str> {
        if !self.clusters().iter().any(|c| c == cluster) {
            return Vec::new();
        }
        self.namespace_isolation_profile
            .iter()
            .flat_map(|p| p.application_namespaces.iter().flatten())
            .filter(|s| {
                s.clusters
                    .iter()
                    .flatten()
                    .any(|c| c == "*" || c == cluster)
            })
            .filter_map(|s| s.namespace.as_deref())
            .collect()
    }
}

impl SliceConfig {
    /// A copy with the CRD defaults and the mutating webhook's `vpnConfig` applied, as the
    /// API server stores the object. The original is left as written.
    pub fn with_defaults(&self) -> SliceConfig {
        let mut sc = self.clone();
        let s = &mut sc.spec;
        let mode = *s.overlay_network_deployment_mode.get_or_insert_default();
        s.slice_type.get_or_insert_with(|| "Application".into());
        s.slice_ipam_type.get_or_insert_with(|| "Local".into());
        s.max_clusters.get_or_insert(DEFAULT_MAX_CLUSTERS);
        s.rotation_interval.get_or_insert(DEFAULT_ROTATION_INTERVAL);
        if let Some(p) = s.slice_gateway_provider.as_mut() {
            p.slice_gateway_type.get_or_insert_default();
            p.slice_ca_type.get_or_insert_with(|| "Local".into());
            for t in p.slice_gateway_service_type.iter_mut().flatten() {
                t.type_.get_or_insert_default();
                t.protocol.get_or_insert_default();
            }
        }
        if let Some(q) = s.qos_profile_details.as_mut() {
            q.queue_type.get_or_insert_with(|| "HTB".into());
            q.tc_type.get_or_insert_with(|| "BANDWIDTH_CONTROL".into());
        }
        if let Some(n) = s.namespace_isolation_profile.as_mut() {
            n.isolation_enabled.get_or_insert(false);
        }
        if mode == OverlayNetworkMode::NoNetwork {
            s.vpn_config = None;
        } else {
            s.vpn_config
                .get_or_insert_with(VpnConfiguration::default)
                .cipher
                .get_or_insert_default();
        }
        sc
    }
}

/// Gateways of a slice.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SliceGatewayProvider {
    /// VPN type (CRD default `OpenVPN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_type: Option<SliceGatewayType>,
    /// Certificate authority (CRD default `Local`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_ca_type: Option<String>,
    /// Per-cluster gateway service type and protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_gateway_service_type: Option<Vec<SliceGatewayServiceType>>,
}

/// How one cluster's gateway is exposed.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SliceGatewayServiceType {
    /// Cluster name, or `*`.
    pub cluster: String,
    /// Service type (CRD default `NodePort`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "type")]
    pub type_: Option<GatewayServiceType>,
    /// Protocol (CRD default `UDP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<GatewayProtocol>,
}

/// Inline QoS of a slice.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct QosProfileDetails {
    /// Queue discipline (CRD default `HTB`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_type: Option<String>,
    /// Priority (0 to 3 in the docs).
    pub priority: i64,
    /// Traffic control type (CRD default `BANDWIDTH_CONTROL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tc_type: Option<String>,
    /// Bandwidth ceiling, kbit/s.
    pub bandwidth_ceiling_kbps: i64,
    /// Guaranteed bandwidth, kbit/s; at most the ceiling.
    pub bandwidth_guaranteed_kbps: i64,
    /// DSCP class.
    pub dscp_class: DscpClass,
}

/// Namespaces of a slice.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceIsolationProfile {
    /// Isolate onboarded namespaces with network policies (CRD default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isolation_enabled: Option<bool>,
    /// Namespaces onboarded to the slice, per cluster (`*` for all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_namespaces: Option<Vec<SliceNamespaceSelection>>,
    /// Namespaces allowed to talk to onboarded ones when isolated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_namespaces: Option<Vec<SliceNamespaceSelection>>,
}

/// A namespace on some clusters.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SliceNamespaceSelection {
    /// Namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Clusters, or `["*"]` for every slice cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<Vec<String>>,
}

/// VPN settings.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct VpnConfiguration {
    /// Cipher (CRD default `AES-256-CBC`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cipher: Option<Cipher>,
}

/// Slice status.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SliceConfigStatus {
    /// Events raised for the slice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubeslice_events: Option<Vec<KubesliceEvent>>,
}

/// An event about a slice.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KubesliceEvent {
    /// Event type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// Action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Components involved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub components: Option<Vec<String>>,
    /// Identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// Reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Event name.
    pub event: String,
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Time>,
    /// Raised as a Kubernetes event (CRD default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_event_raised: Option<bool>,
}
