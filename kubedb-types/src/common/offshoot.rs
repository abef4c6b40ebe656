//! kmodules `offshoot-api` types: the pod and service templates a database spec carries.
//!
//! They resemble the core Kubernetes templates but are not the same: the pod spec has no
//! `affinity` or topology spread (those come from a [`PlacementPolicy`]) and gains
//! `podPlacementPolicy`; the metadata carries only labels and annotations.
//!
//! [`PlacementPolicy`]: crate::apps::v1::PlacementPolicy

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Labels and annotations only: the metadata of an offshoot template.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateMeta {
    /// Labels added to the generated object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Annotations added to the generated object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}

/// Template for the database pods and their controller (the PetSet).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodTemplateSpec {
    /// Labels and annotations of the pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<TemplateMeta>,
    /// Labels and annotations of the controller (PetSet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<TemplateMeta>,
    /// The pod spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<PodSpec>,
}

/// The offshoot pod spec: a core pod spec without scheduling affinity, plus
/// `podPlacementPolicy`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodSpec {
    /// Pod volumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volumes: Option<Vec<core::Volume>>,
    /// Init containers, merged with the operator's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init_containers: Option<Vec<core::Container>>,
    /// Containers, merged with the operator's by name (`mariadb`, `md-coordinator`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub containers: Option<Vec<core::Container>>,
    /// Ephemeral debug containers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral_containers: Option<Vec<core::EphemeralContainer>>,
    /// Pod restart policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<String>,
    /// Grace period on termination, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_grace_period_seconds: Option<i64>,
    /// Deadline for the pod, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_deadline_seconds: Option<i64>,
    /// DNS policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_policy: Option<String>,
    /// Node selector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<BTreeMap<String, String>>,
    /// Service account (upstream default: the database name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
    /// Whether the service account token is mounted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automount_service_account_token: Option<bool>,
    /// Pin the pod to a node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_name: Option<String>,
    /// Use the host network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_network: Option<bool>,
    /// Use the host PID namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "hostPID")]
    pub host_pid: Option<bool>,
    /// Use the host IPC namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "hostIPC")]
    pub host_ipc: Option<bool>,
    /// Share one process namespace among containers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_process_namespace: Option<bool>,
    /// Pod security context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<core::PodSecurityContext>,
    /// Image pull secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_secrets: Option<Vec<core::LocalObjectReference>>,
    /// Scheduler name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduler_name: Option<String>,
    /// Tolerations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerations: Option<Vec<core::Toleration>>,
    /// Extra `/etc/hosts` entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_aliases: Option<Vec<core::HostAlias>>,
    /// Priority class name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_class_name: Option<String>,
    /// Priority value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    /// DNS configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_config: Option<core::PodDNSConfig>,
    /// Readiness gates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness_gates: Option<Vec<core::PodReadinessGate>>,
    /// Runtime class name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_class_name: Option<String>,
    /// Whether service environment variables are injected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_service_links: Option<bool>,
    /// Preemption policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preemption_policy: Option<String>,
    /// Pod overhead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overhead: Option<BTreeMap<String, Quantity>>,
    /// Use the FQDN as hostname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "setHostnameAsFQDN")]
    pub set_hostname_as_fqdn: Option<bool>,
    /// Operating system of the pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<core::PodOS>,
    /// Use the host user namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_users: Option<bool>,
    /// The PlacementPolicy that places the pods (CRD default `{name: default}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_placement_policy: Option<core::LocalObjectReference>,
}

/// Service template of a database, selected by alias.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NamedServiceTemplateSpec {
    /// Which service this template shapes.
    pub alias: ServiceAlias,
    /// Labels and annotations of the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<TemplateMeta>,
    /// Service spec overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<ServiceSpec>,
}

/// The services a KubeDB database exposes.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ServiceAlias {
    /// The primary (read-write) service.
    Primary,
    /// The standby (read-only) service.
    Standby,
    /// The metrics service.
    Stats,
}

/// The part of a core service spec a template may set.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceSpec {
    /// Service type (`ClusterIP`, `NodePort`, `LoadBalancer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// Ports; matched with the operator's ports by `port`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<Vec<ServicePort>>,
    /// Cluster IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "clusterIP")]
    pub cluster_ip: Option<String>,
    /// External IPs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "externalIPs")]
    pub external_ips: Option<Vec<String>>,
    /// Load balancer IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "loadBalancerIP")]
    pub load_balancer_ip: Option<String>,
    /// Client CIDRs allowed through the load balancer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer_source_ranges: Option<Vec<String>>,
    /// External traffic policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_traffic_policy: Option<String>,
    /// Health check node port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check_node_port: Option<i32>,
    /// Session affinity settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_affinity_config: Option<core::SessionAffinityConfig>,
}

/// A port of a service template.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServicePort {
    /// Port name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Service port.
    pub port: i32,
    /// Node port, for `NodePort` and `LoadBalancer` services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_port: Option<i32>,
}

/// Any one core volume source, without a volume name (used for init scripts).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VolumeSource {
    /// An AWSElasticBlockStore volume (`AWSElasticBlockStoreVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_elastic_block_store: Option<core::AWSElasticBlockStoreVolumeSource>,
    /// An AzureDisk volume (`AzureDiskVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azure_disk: Option<core::AzureDiskVolumeSource>,
    /// An AzureFile volume (`AzureFileVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azure_file: Option<core::AzureFileVolumeSource>,
    /// A CephFS volume (`CephFSVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cephfs: Option<core::CephFSVolumeSource>,
    /// A Cinder volume (`CinderVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cinder: Option<core::CinderVolumeSource>,
    /// A ConfigMap volume (`ConfigMapVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map: Option<core::ConfigMapVolumeSource>,
    /// A CSI volume (`CSIVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csi: Option<core::CSIVolumeSource>,
    /// A DownwardAPI volume (`DownwardAPIVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "downwardAPI")]
    pub downward_api: Option<core::DownwardAPIVolumeSource>,
    /// An EmptyDir volume (`EmptyDirVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub empty_dir: Option<core::EmptyDirVolumeSource>,
    /// An Ephemeral volume (`EphemeralVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral: Option<core::EphemeralVolumeSource>,
    /// A FC volume (`FCVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fc: Option<core::FCVolumeSource>,
    /// A Flex volume (`FlexVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flex_volume: Option<core::FlexVolumeSource>,
    /// A Flocker volume (`FlockerVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flocker: Option<core::FlockerVolumeSource>,
    /// A GCEPersistentDisk volume (`GCEPersistentDiskVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gce_persistent_disk: Option<core::GCEPersistentDiskVolumeSource>,
    /// A GitRepo volume (`GitRepoVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_repo: Option<core::GitRepoVolumeSource>,
    /// A Glusterfs volume (`GlusterfsVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub glusterfs: Option<core::GlusterfsVolumeSource>,
    /// A HostPath volume (`HostPathVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_path: Option<core::HostPathVolumeSource>,
    /// An Image volume (`ImageVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<core::ImageVolumeSource>,
    /// An ISCSI volume (`ISCSIVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iscsi: Option<core::ISCSIVolumeSource>,
    /// A NFS volume (`NFSVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nfs: Option<core::NFSVolumeSource>,
    /// A PersistentVolumeClaim volume (`PersistentVolumeClaimVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_volume_claim: Option<core::PersistentVolumeClaimVolumeSource>,
    /// A PhotonPersistentDisk volume (`PhotonPersistentDiskVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photon_persistent_disk: Option<core::PhotonPersistentDiskVolumeSource>,
    /// A Portworx volume (`PortworxVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portworx_volume: Option<core::PortworxVolumeSource>,
    /// A Projected volume (`ProjectedVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub projected: Option<core::ProjectedVolumeSource>,
    /// A Quobyte volume (`QuobyteVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quobyte: Option<core::QuobyteVolumeSource>,
    /// A RBD volume (`RBDVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rbd: Option<core::RBDVolumeSource>,
    /// A ScaleIO volume (`ScaleIOVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "scaleIO")]
    pub scale_io: Option<core::ScaleIOVolumeSource>,
    /// A Secret volume (`SecretVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<core::SecretVolumeSource>,
    /// A StorageOS volume (`StorageOSVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storageos: Option<core::StorageOSVolumeSource>,
    /// A VsphereVirtualDisk volume (`VsphereVirtualDiskVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vsphere_volume: Option<core::VsphereVirtualDiskVolumeSource>,
}
