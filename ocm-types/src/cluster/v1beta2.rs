//! `cluster.open-cluster-management.io/v1beta2`: ManagedClusterSet and ManagedClusterSetBinding.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, LabelSelector};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A set of managed clusters, chosen by the exclusive cluster-set label or a label selector.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "cluster.open-cluster-management.io",
    version = "v1beta2",
    kind = "ManagedClusterSet",
    plural = "managedclustersets",
    singular = "managedclusterset",
    shortname = "mclset",
    shortname = "mclsets",
    status = "ManagedClusterSetStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "A set of managed clusters.",
    printcolumn(
        name = "Empty",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"ClusterSetEmpty\")].status"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct ManagedClusterSetSpec {
    /// How members are chosen (CRD default: the exclusive cluster-set label).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_selector: Option<ManagedClusterSelector>,
    /// Namespaces created on every member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_namespaces: Option<Vec<ManagedNamespaceConfig>>,
}

/// Member selection of a cluster set.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ManagedClusterSelector {
    /// Selection mode (CRD default `ExclusiveClusterSetLabel`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector_type: Option<SelectorType>,
    /// Label selector, with `LabelSelector` mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_selector: Option<LabelSelector>,
}

/// Cluster set selection modes.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum SelectorType {
    /// Clusters labelled `cluster.open-cluster-management.io/clusterset=<set>`.
    #[default]
    ExclusiveClusterSetLabel,
    /// Clusters matching a label selector.
    LabelSelector,
}

/// A namespace to manage on member clusters.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct ManagedNamespaceConfig {
    /// Namespace name.
    pub name: String,
}

/// Status of a cluster set.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct ManagedClusterSetStatus {
    /// Conditions (`ClusterSetEmpty`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
}

/// Makes a cluster set usable by Placements in a namespace. Its name must equal
/// `spec.clusterSet`.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "cluster.open-cluster-management.io",
    version = "v1beta2",
    kind = "ManagedClusterSetBinding",
    plural = "managedclustersetbindings",
    singular = "managedclustersetbinding",
    shortname = "mclsetbinding",
    shortname = "mclsetbindings",
    namespaced,
    status = "ManagedClusterSetBindingStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "Binds a cluster set to a namespace."
)]
#[serde(rename_all = "camelCase")]
pub struct ManagedClusterSetBindingSpec {
    /// The cluster set (must equal the binding's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_set: Option<String>,
}

/// Status of a binding.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct ManagedClusterSetBindingStatus {
    /// Conditions (`Bound`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
}
