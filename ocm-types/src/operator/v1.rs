//! `operator.open-cluster-management.io/v1`: Klusterlet and ClusterManager.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ResourceRequirements, Toleration};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{FeatureGate, feature_gate};

/// Spoke work-agent gate: return object-valued feedback as JSON strings (`JsonRaw`).
pub const RAW_FEEDBACK_JSON_STRING: &str = "RawFeedbackJsonString";
/// Hub work gate: enable ManifestWorkReplicaSet.
pub const MANIFEST_WORK_REPLICA_SET: &str = "ManifestWorkReplicaSet";

/// The agent of a managed cluster (usually named `klusterlet`).
///
/// ```
/// use ocm_types::operator::v1::Klusterlet;
/// let k: Klusterlet = serde_json::from_value(serde_json::json!({
///     "apiVersion": "operator.open-cluster-management.io/v1", "kind": "Klusterlet",
///     "metadata": {"name": "klusterlet"},
///     "spec": {"clusterName": "demo-worker", "workConfiguration": {
///         "featureGates": [{"feature": "RawFeedbackJsonString", "mode": "Enable"}]}}
/// })).unwrap();
/// assert!(k.raw_feedback_json_string());
/// ```
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "operator.open-cluster-management.io",
    version = "v1",
    kind = "Klusterlet",
    plural = "klusterlets",
    singular = "klusterlet",
    status = "OperatorStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "Configuration of the OCM agent on a managed cluster."
)]
#[serde(rename_all = "camelCase")]
pub struct KlusterletSpec {
    /// Agent namespace (`open-cluster-management-*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Registration agent image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_image_pull_spec: Option<String>,
    /// Work agent image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_image_pull_spec: Option<String>,
    /// Single agent image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_spec: Option<String>,
    /// The ManagedCluster name to register as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    /// API server URLs the hub may use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "externalServerURLs")]
    pub external_server_urls: Option<Vec<ServerUrl>>,
    /// Where the agent pods run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_placement: Option<NodePlacement>,
    /// Deploy mode (`Default`, `Hosted`, `Singleton`, `SingletonHosted`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy_option: Option<KlusterletDeployOption>,
    /// Registration agent settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_configuration: Option<RegistrationConfiguration>,
    /// Work agent settings (feature gates, QPS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_configuration: Option<WorkAgentConfiguration>,
    /// A host alias for the hub API server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hub_api_server_host_alias: Option<HubApiServerHostAlias>,
    /// Agent resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_requirement: Option<ResourceRequirement>,
    /// Agent priority class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_class_name: Option<String>,
}

impl Klusterlet {
    /// Whether the work agent's feature gate is on; gates not listed are off (every spoke
    /// work gate defaults to off).
    pub fn work_feature_gate(&self, feature: &str) -> bool {
        let gates = self
            .spec
            .work_configuration
            .as_ref()
            .and_then(|w| w.feature_gates.as_deref());
        feature_gate(gates, feature).unwrap_or(false)
    }

    /// `RawFeedbackJsonString` is enabled: object-valued feedback (the pod Ready condition)
    /// reaches the hub.
    pub fn raw_feedback_json_string(&self) -> bool {
        self.work_feature_gate(RAW_FEEDBACK_JSON_STRING)
    }
}

/// An API server URL.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerUrl {
    /// URL.
    pub url: String,
    /// CA bundle, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::common::optional_byte_string")]
    pub ca_bundle: Option<String>,
}

/// Node selection of operator pods.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NodePlacement {
    /// Node selector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<BTreeMap<String, String>>,
    /// Tolerations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerations: Option<Vec<Toleration>>,
}

/// Klusterlet deploy mode.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct KlusterletDeployOption {
    /// `Default`, `Hosted`, `Singleton` or `SingletonHosted` (free string in the CRD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}

/// Registration agent settings.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationConfiguration {
    /// Client certificate lifetime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_cert_expiration_seconds: Option<i32>,
    /// Registration feature gates (`ClusterClaim`, `AddonManagement`, `MultipleHubs`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_gates: Option<Vec<FeatureGate>>,
    /// Annotations put on the ManagedCluster (prefix `agent.open-cluster-management.io`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_annotations: Option<BTreeMap<String, String>>,
    /// Labels put on the ManagedCluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_labels: Option<BTreeMap<String, String>>,
    /// Spoke API QPS (CRD default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "kubeAPIQPS")]
    pub kube_api_qps: Option<i32>,
    /// Spoke API burst (CRD default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "kubeAPIBurst")]
    pub kube_api_burst: Option<i32>,
    /// Bootstrap kubeconfigs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bootstrap_kube_configs: Option<BootstrapKubeConfigs>,
    /// How the agent authenticates to the hub.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_driver: Option<RegistrationDriver>,
    /// How addons authenticate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_on_kube_client_registration_driver: Option<AddOnKubeClientRegistrationDriver>,
    /// Cluster claim limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_claim_configuration: Option<ClusterClaimConfiguration>,
}

/// Bootstrap kubeconfigs.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BootstrapKubeConfigs {
    /// `None` (default) or `LocalSecrets`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// Local secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_secrets_config: Option<LocalSecretsConfig>,
}

/// Bootstrap kubeconfig secrets.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocalSecretsConfig {
    /// Secrets, tried in order.
    pub kube_config_secrets: Vec<KubeConfigSecret>,
    /// Seconds before trying the next hub (CRD default 600, minimum 180).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hub_connection_timeout_seconds: Option<i32>,
}

/// A kubeconfig secret.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct KubeConfigSecret {
    /// Secret name.
    pub name: String,
}

/// Registration driver of the agent.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationDriver {
    /// `csr` (default), `awsirsa` or `grpc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_type: Option<String>,
    /// AWS IRSA settings (JSON name `awsIrsa` here, `awsirsa` in ClusterManager).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_irsa: Option<AwsIrsa>,
}

/// AWS IRSA ARNs.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AwsIrsa {
    /// Hub EKS cluster ARN.
    pub hub_cluster_arn: String,
    /// Managed EKS cluster ARN.
    pub managed_cluster_arn: String,
}

/// How addons get hub credentials.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddOnKubeClientRegistrationDriver {
    /// `csr` or `token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_type: Option<String>,
    /// Token settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenConfig>,
}

/// Token lifetime.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenConfig {
    /// Seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_seconds: Option<i64>,
}

/// Cluster claim limits.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterClaimConfiguration {
    /// Most custom claims (CRD default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_custom_cluster_claims: Option<i32>,
    /// Reserved claim suffixes (at most 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserved_cluster_claim_suffixes: Option<Vec<String>>,
}

/// Work agent settings.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkAgentConfiguration {
    /// Work agent gates (`RawFeedbackJsonString`, `ExecutorValidatingCaches`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_gates: Option<Vec<FeatureGate>>,
    /// Spoke API QPS (CRD default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "kubeAPIQPS")]
    pub kube_api_qps: Option<i32>,
    /// Spoke API burst (CRD default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "kubeAPIBurst")]
    pub kube_api_burst: Option<i32>,
    /// Hub API QPS (CRD default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "hubKubeAPIQPS")]
    pub hub_kube_api_qps: Option<i32>,
    /// Hub API burst (CRD default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "hubKubeAPIBurst")]
    pub hub_kube_api_burst: Option<i32>,
    /// Grace period before evicting applied objects of a gone work (Go duration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied_manifest_work_eviction_grace_period: Option<String>,
    /// Status sync interval (Go duration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_sync_interval: Option<String>,
}

/// A host alias for the hub API server.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct HubApiServerHostAlias {
    /// IPv4 address.
    pub ip: String,
    /// Host name.
    pub hostname: String,
}

/// Resources of operator-managed pods.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRequirement {
    /// `Default`, `BestEffort` or `ResourceRequirement` (CRD default `Default`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "type")]
    pub type_: Option<ResourceQosClass>,
    /// Requirements, with `ResourceRequirement`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_requirements: Option<ResourceRequirements>,
}

/// Resource classes of operator pods.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum ResourceQosClass {
    /// The operator's defaults.
    #[default]
    Default,
    /// No requests or limits.
    BestEffort,
    /// `resourceRequirements`.
    ResourceRequirement,
}

/// Status of Klusterlet and ClusterManager.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperatorStatus {
    /// Generation observed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
    /// Generations of deployed objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generations: Option<Vec<GenerationStatus>>,
    /// Objects the operator manages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_resources: Option<Vec<RelatedResourceMeta>>,
}

/// Generation of a deployed object.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GenerationStatus {
    /// API group.
    pub group: String,
    /// Version.
    pub version: String,
    /// Plural resource.
    pub resource: String,
    /// Namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// Last generation.
    pub last_generation: i64,
}

/// An object the operator manages.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct RelatedResourceMeta {
    /// API group.
    pub group: String,
    /// Version.
    pub version: String,
    /// Plural resource.
    pub resource: String,
    /// Namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
}

/// The hub's OCM control plane (usually named `cluster-manager`).
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "operator.open-cluster-management.io",
    version = "v1",
    kind = "ClusterManager",
    plural = "clustermanagers",
    singular = "clustermanager",
    status = "OperatorStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "Configuration of the OCM hub control plane."
)]
#[serde(rename_all = "camelCase")]
pub struct ClusterManagerSpec {
    /// Registration image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_image_pull_spec: Option<String>,
    /// Work image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_image_pull_spec: Option<String>,
    /// Placement image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement_image_pull_spec: Option<String>,
    /// Addon manager image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_on_manager_image_pull_spec: Option<String>,
    /// Where hub pods run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_placement: Option<NodePlacement>,
    /// Deploy mode (CRD default `Default`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy_option: Option<ClusterManagerDeployOption>,
    /// Registration settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_configuration: Option<HubRegistrationConfiguration>,
    /// Work settings (CRD default `{workDriver: kube}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_configuration: Option<HubWorkConfiguration>,
    /// Addon manager settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_on_manager_configuration: Option<FeatureGatesConfiguration>,
    /// Placement settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement_configuration: Option<FeatureGatesConfiguration>,
    /// gRPC/HTTPS server settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_configuration: Option<ServerConfiguration>,
    /// Hub pod resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_requirement: Option<ResourceRequirement>,
}

impl ClusterManager {
    /// Whether the hub's work feature gate is on; gates not listed are off.
    pub fn work_feature_gate(&self, feature: &str) -> bool {
        let gates = self
            .spec
            .work_configuration
            .as_ref()
            .and_then(|w| w.feature_gates.as_deref());
        feature_gate(gates, feature).unwrap_or(false)
    }

    /// `ManifestWorkReplicaSet` is enabled on the hub.
    pub fn manifest_work_replica_set(&self) -> bool {
        self.work_feature_gate(MANIFEST_WORK_REPLICA_SET)
    }
}

/// Hub deploy mode.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct ClusterManagerDeployOption {
    /// `Default` or `Hosted` (CRD default `Default`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<InstallMode>,
    /// Default-mode webhooks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<DefaultClusterManagerConfiguration>,
    /// Hosted-mode webhooks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted: Option<HostedClusterManagerConfiguration>,
}

/// Hub install modes.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum InstallMode {
    /// On the hub itself.
    #[default]
    Default,
    /// On a hosting cluster.
    Hosted,
}

/// Webhooks in Default mode.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DefaultClusterManagerConfiguration {
    /// Registration webhook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_webhook_configuration: Option<DefaultWebhookConfiguration>,
    /// Work webhook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_webhook_configuration: Option<DefaultWebhookConfiguration>,
    /// Addon webhook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addon_webhook_configuration: Option<DefaultWebhookConfiguration>,
}

/// A webhook in Default mode.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DefaultWebhookConfiguration {
    /// Ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind_configuration: Option<BindConfiguration>,
}

/// Webhooks in Hosted mode.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostedClusterManagerConfiguration {
    /// Registration webhook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_webhook_configuration: Option<HostedWebhookConfiguration>,
    /// Work webhook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_webhook_configuration: Option<HostedWebhookConfiguration>,
}

/// A webhook in Hosted mode.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostedWebhookConfiguration {
    /// Address the hub reaches the webhook at.
    pub address: String,
    /// Port (CRD default 443).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// Ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind_configuration: Option<BindConfiguration>,
}

/// Webhook ports.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BindConfiguration {
    /// Serving port (CRD default 9443).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// Health probe port (CRD default 8000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_probe_port: Option<i32>,
    /// Metrics port (CRD default 8080).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics_port: Option<i32>,
    /// Use the host network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_network: Option<bool>,
}

/// Hub registration settings.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HubRegistrationConfiguration {
    /// Users whose clusters are accepted automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_approve_users: Option<Vec<String>>,
    /// Registration gates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_gates: Option<Vec<FeatureGate>>,
    /// Accepted registration drivers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_drivers: Option<Vec<RegistrationDriverHub>>,
    /// Cluster importer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub importer_configuration: Option<ImporterConfiguration>,
}

/// A registration driver the hub accepts.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationDriverHub {
    /// `csr` (default), `awsirsa` or `grpc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_type: Option<String>,
    /// CSR settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csr: Option<AutoApproved>,
    /// AWS IRSA settings (JSON name `awsirsa`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub awsirsa: Option<AwsIrsaHub>,
    /// gRPC settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grpc: Option<AutoApproved>,
}

/// Identities approved automatically.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AutoApproved {
    /// Identities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_approved_identities: Option<Vec<String>>,
}

/// AWS IRSA on the hub.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AwsIrsaHub {
    /// Hub EKS cluster ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hub_cluster_arn: Option<String>,
    /// Identities approved automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_approved_identities: Option<Vec<String>>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

/// Cluster importer settings.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct ImporterConfiguration {
    /// Renderers (`render-auto`, `render-from-config-secret`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renderers: Option<Vec<String>>,
}

/// Hub work settings.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HubWorkConfiguration {
    /// Work gates (`ManifestWorkReplicaSet`, `CleanUpCompletedManifestWork`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_gates: Option<Vec<FeatureGate>>,
    /// `kube` (default), `mqtt` or `grpc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_driver: Option<WorkDriver>,
}

/// Work drivers.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum WorkDriver {
    /// The hub API server.
    #[default]
    Kube,
    /// MQTT.
    Mqtt,
    /// gRPC.
    Grpc,
}

/// Feature gates only.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeatureGatesConfiguration {
    /// Gates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_gates: Option<Vec<FeatureGate>>,
}

/// The hub's gRPC/HTTPS server.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerConfiguration {
    /// Server image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_spec: Option<String>,
    /// Server gates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_gates: Option<Vec<FeatureGate>>,
    /// How endpoints are exposed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints_exposure: Option<Vec<EndpointExposure>>,
}

/// An exposed endpoint.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct EndpointExposure {
    /// `grpc` (default) or `https`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// `agentToHub` or `consumer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<String>,
    /// gRPC endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grpc: Option<Endpoint>,
    /// HTTPS endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub https: Option<Endpoint>,
}

/// How one endpoint is reached.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    /// `hostname` (default), `loadBalancer` or `route`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// By host name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<HostnameConfig>,
    /// Through a load balancer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer: Option<HostConfig>,
    /// Through an OpenShift route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<HostConfig>,
}

/// A required host and its CA.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostnameConfig {
    /// Host.
    pub host: String,
    /// CA bundle, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::common::optional_byte_string")]
    pub ca_bundle: Option<String>,
}

/// An optional host and its CA.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostConfig {
    /// Host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// CA bundle, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::common::optional_byte_string")]
    pub ca_bundle: Option<String>,
}
