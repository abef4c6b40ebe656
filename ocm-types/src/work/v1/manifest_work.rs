//! The ManifestWork kind.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kube::{CustomResource, Resource};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::feedback::StatusFeedbackResult;

/// Kubernetes objects the work agent of one managed cluster applies, created in the cluster's
/// namespace on the hub.
///
/// ```
/// use ocm_types::work::v1::{Manifest, ManifestWork, ManifestWorkSpec, ManifestsTemplate};
/// use k8s_openapi::api::core::v1::ConfigMap;
/// let cm = ConfigMap {
///     metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta { name: Some("cm".into()), namespace: Some("demo".into()), ..Default::default() },
///     ..Default::default()
/// };
/// let manifest = Manifest::from_resource(&cm).unwrap();
/// assert_eq!(manifest.api_version(), Some("v1"));
/// assert_eq!(manifest.kind(), Some("ConfigMap"));
/// let mw = ManifestWork::new("cm", ManifestWorkSpec {
///     workload: Some(ManifestsTemplate { manifests: Some(vec![manifest]) }),
///     ..Default::default()
/// });
/// assert!(ocm_types::validation::validate_manifest_work(&mw.spec).is_empty());
/// ```
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "work.open-cluster-management.io",
    version = "v1",
    kind = "ManifestWork",
    plural = "manifestworks",
    singular = "manifestwork",
    namespaced,
    status = "ManifestWorkStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "Resources to apply on one managed cluster, with status feedback."
)]
#[serde(rename_all = "camelCase")]
pub struct ManifestWorkSpec {
    /// The objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<ManifestsTemplate>,
    /// What deleting the work does to the applied objects (absent: delete them all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_option: Option<DeleteOption>,
    /// Per-object feedback rules, update strategies and condition rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_configs: Option<Vec<ManifestConfigOption>>,
    /// Identity the agent applies as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executor: Option<ManifestWorkExecutor>,
}

/// The objects of a work.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct ManifestsTemplate {
    /// Objects, each with `apiVersion`, `kind` and `metadata`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifests: Option<Vec<Manifest>>,
}

/// One embedded Kubernetes object (Go `runtime.RawExtension`, inlined).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(transparent)]
pub struct Manifest(
    #[schemars(schema_with = "crate::common::embedded_resource")] pub serde_json::Value,
);

impl Manifest {
    /// A manifest from any typed resource, with `apiVersion` and `kind` filled in.
    pub fn from_resource<K>(resource: &K) -> Result<Manifest, serde_json::Error>
    where
        K: Resource<DynamicType = ()> + Serialize,
    {
        let mut value = serde_json::to_value(resource)?;
        if let Some(obj) = value.as_object_mut() {
            obj.insert("apiVersion".into(), K::api_version(&()).into_owned().into());
            obj.insert("kind".into(), K::kind(&()).into_owned().into());
        }
        Ok(Manifest(value))
    }

    fn str_at(&self, path: &[&str]) -> Option<&str> {
        path.iter().try_fold(&self.0, |v, k| v.get(k))?.as_str()
    }

    /// `apiVersion`.
    pub fn api_version(&self) -> Option<&str> {
        self.str_at(&["apiVersion"])
    }

    /// `kind`.
    pub fn kind(&self) -> Option<&str> {
        self.str_at(&["kind"])
    }

    /// `metadata.name`.
    pub fn name(&self) -> Option<&str> {
        self.str_at(&["metadata", "name"])
    }

    /// `metadata.namespace`.
    pub fn namespace(&self) -> Option<&str> {
        self.str_at(&["metadata", "namespace"])
    }

    /// The object as a typed resource.
    pub fn to_resource<K: serde::de::DeserializeOwned>(&self) -> Result<K, serde_json::Error> {
        serde_json::from_value(self.0.clone())
    }
}

/// Deletion behaviour.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeleteOption {
    /// CRD default `Foreground`; an empty string is rejected, so leave it unset instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagation_policy: Option<PropagationPolicy>,
    /// Objects kept when the policy is `SelectivelyOrphan` (JSON name is plural).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selectively_orphans: Option<SelectivelyOrphan>,
    /// Delete the work this long after it completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_seconds_after_finished: Option<i64>,
}

/// Deletion propagation policies.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum PropagationPolicy {
    /// Delete the applied objects (the default).
    #[default]
    Foreground,
    /// Keep them.
    Orphan,
    /// Keep the listed ones.
    SelectivelyOrphan,
}

/// Objects kept on deletion.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SelectivelyOrphan {
    /// The objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orphaning_rules: Option<Vec<ResourceIdentifier>>,
}

/// Identifies an applied object by resource (plural), not kind.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceIdentifier {
    /// API group, `""` for core.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Plural resource, for example `pods`.
    pub resource: String,
    /// Name.
    pub name: String,
    /// Namespace, `""` for cluster-scoped objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// Options for one object of the work.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ManifestConfigOption {
    /// The object.
    pub resource_identifier: ResourceIdentifier,
    /// Status feedback to collect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback_rules: Option<Vec<FeedbackRule>>,
    /// Poll (default) or watch for feedback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback_scrape_type: Option<FeedbackScrapeType>,
    /// How the object is updated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_strategy: Option<UpdateStrategy>,
    /// Extra conditions computed from the object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition_rules: Option<Vec<ConditionRule>>,
}

/// A feedback rule.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackRule {
    /// Rule type.
    #[serde(rename = "type")]
    pub type_: FeedbackType,
    /// Paths, with `JSONPaths`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_paths: Option<Vec<JsonPath>>,
}

/// Feedback rule types.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum FeedbackType {
    /// The agent's built-in paths for Deployments, DaemonSets, Jobs and Pods.
    #[default]
    WellKnownStatus,
    /// The listed JSONPaths.
    #[serde(rename = "JSONPaths")]
    JsonPaths,
}

/// A named JSONPath evaluated on the whole applied object.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct JsonPath {
    /// Feedback name.
    pub name: String,
    /// Path, for example `.status.conditions[?(@.type=='Ready')]`.
    pub path: String,
    /// Only for objects of this version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// Feedback collection modes.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum FeedbackScrapeType {
    /// Periodically (the default).
    #[default]
    Poll,
    /// On change.
    Watch,
}

/// How an object is updated.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateStrategy {
    /// Strategy (CRD default `Update`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "type")]
    pub type_: Option<UpdateStrategyType>,
    /// Server-side apply options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_side_apply: Option<ServerSideApplyConfig>,
}

/// Update strategies.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum UpdateStrategyType {
    /// Replace (the default).
    #[default]
    Update,
    /// Create, never update.
    CreateOnly,
    /// Server-side apply.
    ServerSideApply,
    /// Only read (for feedback).
    ReadOnly,
}

/// Server-side apply options.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerSideApplyConfig {
    /// Take over conflicting fields (Go always sends it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<bool>,
    /// Field manager, starting with `work-agent` (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_manager: Option<String>,
    /// Fields the agent leaves alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_fields: Option<Vec<IgnoreField>>,
}

/// Fields to leave alone on the spoke.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IgnoreField {
    /// When (CRD default `OnSpokePresent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<IgnoreFieldsCondition>,
    /// JSONPaths, for example `$.metadata.labels`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_paths: Option<Vec<String>>,
    /// JSON pointers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_pointers: Option<Vec<String>>,
    /// jq path expressions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jq_path_expressions: Option<Vec<String>>,
}

/// When ignored fields are ignored.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum IgnoreFieldsCondition {
    /// Whenever the field exists on the spoke (the default).
    #[default]
    OnSpokePresent,
    /// Only after the spoke changed it.
    OnSpokeChange,
}

/// A condition computed from the applied object.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConditionRule {
    /// Condition type, for example `Complete`.
    pub condition: String,
    /// Rule type.
    #[serde(rename = "type")]
    pub type_: ConditionRuleType,
    /// CEL expressions over `object`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cel_expressions: Option<Vec<String>>,
    /// Message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// CEL message expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_expression: Option<String>,
}

/// Condition rule types.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum ConditionRuleType {
    /// Built-in rules (`Complete` for Jobs and Pods).
    #[default]
    WellKnownConditions,
    /// CEL expressions.
    #[serde(rename = "CEL")]
    Cel,
}

/// The identity the agent applies as.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct ManifestWorkExecutor {
    /// The subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<ManifestWorkExecutorSubject>,
}

/// An executor subject.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ManifestWorkExecutorSubject {
    /// Subject type (only `ServiceAccount`).
    #[serde(rename = "type")]
    pub type_: ExecutorSubjectType,
    /// The service account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account: Option<ManifestWorkSubjectServiceAccount>,
}

/// Executor subject types.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum ExecutorSubjectType {
    /// A service account on the managed cluster.
    #[default]
    ServiceAccount,
}

/// A service account on the managed cluster.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct ManifestWorkSubjectServiceAccount {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
}

/// State of a work.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ManifestWorkStatus {
    /// Work conditions (`Applied`, `Available`, `Progressing`, `Degraded`, `Complete`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
    /// Per-object state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_status: Option<ManifestResourceStatus>,
}

/// Per-object state.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct ManifestResourceStatus {
    /// One entry per manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifests: Option<Vec<ManifestCondition>>,
}

/// State of one manifest.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ManifestCondition {
    /// Which manifest.
    pub resource_meta: ManifestResourceMeta,
    /// Collected feedback (Go field `StatusFeedbacks`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_feedback: Option<StatusFeedbackResult>,
    /// Conditions (`Applied`, `Available`, `StatusFeedbackSynced`, ...).
    pub conditions: Vec<Condition>,
}

/// Identity of a manifest in the status.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct ManifestResourceMeta {
    /// Position of the manifest in `spec.workload.manifests`.
    pub ordinal: i32,
    /// API group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Plural resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}
