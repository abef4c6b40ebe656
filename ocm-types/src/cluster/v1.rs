//! `cluster.open-cluster-management.io/v1`: ManagedCluster.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{condition_true, find_condition};

/// Condition type: the hub admin accepted the cluster.
pub const CONDITION_HUB_ACCEPTED: &str = "HubAcceptedManagedCluster";
/// Condition type: the hub denied the cluster.
pub const CONDITION_HUB_DENIED: &str = "HubDeniedManagedCluster";
/// Condition type: the klusterlet joined.
pub const CONDITION_JOINED: &str = "ManagedClusterJoined";
/// Condition type: the cluster's lease is being updated and its API server is reachable.
pub const CONDITION_AVAILABLE: &str = "ManagedClusterConditionAvailable";
/// Condition type: the cluster's clock is in sync with the hub's.
pub const CONDITION_CLOCK_SYNCED: &str = "ManagedClusterConditionClockSynced";
/// Taint OCM puts on clusters that are not available.
pub const TAINT_UNAVAILABLE: &str = "cluster.open-cluster-management.io/unavailable";
/// Taint OCM puts on clusters whose lease stopped.
pub const TAINT_UNREACHABLE: &str = "cluster.open-cluster-management.io/unreachable";

/// A cluster registered with the hub. Its name is also the hub namespace of its
/// ManifestWorks.
///
/// ```
/// use ocm_types::cluster::v1::ManagedCluster;
/// let mc: ManagedCluster = serde_json::from_value(serde_json::json!({
///     "apiVersion": "cluster.open-cluster-management.io/v1", "kind": "ManagedCluster",
///     "metadata": {"name": "demo-worker"},
///     "spec": {"hubAcceptsClient": true},
///     "status": {"version": {"kubernetes": "v1.30.2"},
///                "conditions": [{"type": "ManagedClusterJoined", "status": "True", "reason": "Joined",
///                                "message": "", "lastTransitionTime": "2025-01-01T00:00:00Z"}]}
/// })).unwrap();
/// assert!(mc.is_joined());
/// assert!(!mc.is_available());
/// assert_eq!(mc.kubernetes_version(), Some((1, 30)));
/// ```
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "cluster.open-cluster-management.io",
    version = "v1",
    kind = "ManagedCluster",
    plural = "managedclusters",
    singular = "managedcluster",
    shortname = "mcl",
    shortname = "mcls",
    status = "ManagedClusterStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "A cluster managed by the OCM hub.",
    printcolumn(
        name = "Hub Accepted",
        type_ = "boolean",
        json_path = ".spec.hubAcceptsClient"
    ),
    printcolumn(
        name = "Managed Cluster URLs",
        type_ = "string",
        json_path = ".spec.managedClusterClientConfigs[*].url"
    ),
    printcolumn(
        name = "Joined",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"ManagedClusterJoined\")].status"
    ),
    printcolumn(
        name = "Available",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"ManagedClusterConditionAvailable\")].status"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct ManagedClusterSpec {
    /// API server endpoints of the cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_cluster_client_configs: Option<Vec<ClientConfig>>,
    /// The hub accepts the cluster's agent (needs `managedclusters/accept` RBAC to set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hub_accepts_client: Option<bool>,
    /// Lease renewal period in seconds (CRD default 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_duration_seconds: Option<i32>,
    /// Taints that keep placements away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taints: Option<Vec<Taint>>,
}

/// An endpoint of a managed cluster's API server.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClientConfig {
    /// `https://` URL.
    pub url: String,
    /// CA bundle, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::common::optional_byte_string")]
    pub ca_bundle: Option<String>,
}

/// An OCM taint (not the core one: other effects).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Taint {
    /// Key.
    pub key: String,
    /// Value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Effect on placements.
    pub effect: TaintEffect,
    /// When it was added; set by the hub (Go sends `null` when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_added: Option<Time>,
}

/// Taint effects.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum TaintEffect {
    /// Placements never select the cluster.
    #[default]
    NoSelect,
    /// Placements avoid it.
    PreferNoSelect,
    /// Existing decisions stay; new ones avoid it.
    NoSelectIfNew,
}

/// What the hub knows of a managed cluster.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ManagedClusterStatus {
    /// Conditions (`ManagedClusterJoined`, `ManagedClusterConditionAvailable`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
    /// Total resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<BTreeMap<String, Quantity>>,
    /// Resources available for scheduling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocatable: Option<BTreeMap<String, Quantity>>,
    /// Versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<ManagedClusterVersion>,
    /// Cluster claims reported by the agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_claims: Option<Vec<ClusterClaim>>,
    /// Namespaces managed for cluster sets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_namespaces: Option<Vec<ClusterSetManagedNamespace>>,
}

/// Versions of a managed cluster.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct ManagedClusterVersion {
    /// Kubernetes version, for example `v1.30.2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes: Option<String>,
}

/// A name/value claim about a cluster.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct ClusterClaim {
    /// Claim name, for example `platform.open-cluster-management.io`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Claim value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// A namespace managed on the cluster for a cluster set.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterSetManagedNamespace {
    /// Namespace.
    pub name: String,
    /// Cluster set.
    pub cluster_set: String,
    /// Conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
}

impl ManagedCluster {
    fn conditions(&self) -> Option<&[Condition]> {
        self.status.as_ref()?.conditions.as_deref()
    }

    /// The condition of a type, if reported.
    pub fn condition(&self, type_: &str) -> Option<&Condition> {
        find_condition(self.conditions(), type_)
    }

    /// `spec.hubAcceptsClient` is set and the hub reports it accepted the cluster.
    pub fn is_hub_accepted(&self) -> bool {
        self.spec.hub_accepts_client == Some(true)
            && condition_true(self.conditions(), CONDITION_HUB_ACCEPTED)
    }

    /// The klusterlet joined.
    pub fn is_joined(&self) -> bool {
        condition_true(self.conditions(), CONDITION_JOINED)
    }

    /// The cluster is available (lease updated, API server reachable).
    pub fn is_available(&self) -> bool {
        condition_true(self.conditions(), CONDITION_AVAILABLE)
    }

    /// Kubernetes `(major, minor)` from `status.version.kubernetes` (`v1.30.2`, `1.30`,
    /// `v1.29.3+k3s1`, ...).
    pub fn kubernetes_version(&self) -> Option<(u32, u32)> {
        let v = self
            .status
            .as_ref()?
            .version
            .as_ref()?
            .kubernetes
            .as_deref()?;
        let mut parts = v.trim_start_matches('v').split(['.', '-', '+']);
        let major = parts.next()?.parse().ok()?;
        let minor: String = parts
            .next()?
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        Some((major, minor.parse().ok()?))
    }

    /// `status.capacity[resource]`.
    pub fn capacity(&self, resource: &str) -> Option<&Quantity> {
        self.status.as_ref()?.capacity.as_ref()?.get(resource)
    }

    /// `status.allocatable[resource]`.
    pub fn allocatable(&self, resource: &str) -> Option<&Quantity> {
        self.status.as_ref()?.allocatable.as_ref()?.get(resource)
    }

    /// The value of a cluster claim.
    pub fn cluster_claim(&self, name: &str) -> Option<&str> {
        self.status
            .as_ref()?
            .cluster_claims
            .as_ref()?
            .iter()
            .find(|c| c.name.as_deref() == Some(name))?
            .value
            .as_deref()
    }
}
