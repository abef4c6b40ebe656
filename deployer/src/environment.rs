//! What the deployer is given: the hub, the KubeSlice setup and the database request.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use kubedb_types::catalog::v1alpha1::MariaDBVersion;
use kubedb_types::kubedb::v1::{DeletionPolicy, WsrepSstMethod};
use kubedb_types::release::Release;
use kubeslice_types::controller::v1alpha1::{Cluster, SliceConfigSpec};
use ocm_types::cluster::v1::ManagedCluster;
use ocm_types::operator::v1::{ClusterManager, Klusterlet};
use serde::{Deserialize, Serialize};

/// The environment and the request, as one YAML document (see [`Environment::seed`]).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Environment {
    /// The OCM hub.
    pub hub: Hub,
    /// The KubeSlice setup.
    pub kubeslice: KubeSlice,
    /// The KubeDB installation on the hub (default: the newest supported release).
    #[serde(default)]
    pub kubedb: KubeDb,
    /// The database to deploy.
    pub database: DatabaseRequest,
}

/// The KubeDB installation the hub runs.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KubeDb {
    /// The KubeDB release (the chart version given to `helm upgrade -i kubedb ...
    /// --version`): it decides the PlacementPolicy shape and the webhook rules. An unsupported
    /// name is an error listing the supported ones.
    #[serde(default = "newest")]
    pub release: Release,
    /// The StorageClass names on the hub (`kubectl get storageclass -o name`), when known: the
    /// MariaDB webhook refuses a storage class that does not exist there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_classes: Option<Vec<String>>,
}

fn newest() -> Release {
    Release::NEWEST
}

impl Default for KubeDb {
    fn default() -> Self {
        KubeDb {
            release: Release::NEWEST,
            storage_classes: None,
        }
    }
}

/// The OCM hub and what it reports.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Hub {
    /// The hub's kube context / cluster name (also a spoke in the walkthrough).
    pub name: String,
    /// The ManagedCluster objects, as read from the hub.
    #[serde(default)]
    pub managed_clusters: Vec<ManagedCluster>,
    /// The hub's ClusterManager, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_manager: Option<ClusterManager>,
    /// Each spoke's Klusterlet, by cluster name, when known.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub klusterlets: BTreeMap<String, Klusterlet>,
}

/// The KubeSlice setup.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KubeSlice {
    /// Cluster running the KubeSlice controller.
    pub controller_cluster: String,
    /// Controller namespace (default `kubeslice-controller`).
    #[serde(default = "default_controller_namespace")]
    pub controller_namespace: String,
    /// Project name; the project namespace is `kubeslice-<project>`.
    pub project: String,
    /// Users given read-write ServiceAccounts.
    #[serde(default)]
    pub read_write_users: Vec<String>,
    /// SliceConfig name.
    pub slice: String,
    /// Namespace of the KubeDB operator, onboarded so the hub reaches the pods.
    #[serde(default = "default_operator_namespace")]
    pub operator_namespace: String,
    /// Gateway network interface of each cluster (`ip route get 8.8.8.8`).
    #[serde(default)]
    pub network_interfaces: BTreeMap<String, String>,
    /// The slice spec to use as is; when absent the walkthrough's slice is generated with the
    /// placement clusters and the application and operator namespaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice_config: Option<SliceConfigSpec>,
    /// Cluster objects as the KubeSlice controller holds them (with status), when known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub registered_clusters: Vec<Cluster>,
}

fn default_controller_namespace() -> String {
    "kubeslice-controller".into()
}

fn default_operator_namespace() -> String {
    "kubedb".into()
}

/// The MariaDB to deploy.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DatabaseRequest {
    /// MariaDB object name (and pod name prefix).
    pub name: String,
    /// Namespace, the same on every cluster.
    pub namespace: String,
    /// MariaDBVersion name.
    pub version: String,
    /// Galera members.
    pub replicas: u32,
    /// Data volume size per pod.
    pub storage: Quantity,
    /// Storage class for every pod (per-cluster overrides go in `placement`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
    /// Deletion policy.
    #[serde(default = "default_deletion_policy")]
    pub deletion_policy: DeletionPolicy,
    /// SST method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wsrep_sst_method: Option<WsrepSstMethod>,
    /// PlacementPolicy name.
    pub placement_policy: String,
    /// Which cluster runs which ordinals, or `auto` to let the planner choose.
    pub placement: PlacementRequest,
    /// CPU and memory each pod requests, for the capacity check (default 500m / 1Gi).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_resources: Option<BTreeMap<String, Quantity>>,
    /// The MariaDBVersion, when known (its images go into the preview).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mariadb_version: Option<MariaDBVersion>,
}

fn default_deletion_policy() -> DeletionPolicy {
    DeletionPolicy::Delete
}

/// Placement of the ordinals.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(untagged)]
pub enum PlacementRequest {
    /// `auto`: the planner spreads the replicas over the managed clusters.
    Auto(Auto),
    /// Explicit rules, in order.
    Explicit(Vec<ClusterOrdinals>),
}

/// The keyword `auto`.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Auto {
    /// Let the planner choose.
    Auto,
}

/// Ordinals placed on one cluster.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterOrdinals {
    /// ManagedCluster name.
    pub cluster: String,
    /// Ordinals.
    pub ordinals: Vec<i32>,
    /// Storage class for these ordinals' volumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
}

/// Why an environment could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EnvironmentError {
    /// Not YAML, or not the expected shape.
    #[error("{source_name}: {message}")]
    Invalid {
        /// Where it came from.
        source_name: String,
        /// What is wrong, with the field path or line.
        message: String,
    },
}

impl Environment {
    /// The walkthrough's environment as YAML (what [`Environment::seed`] reads): the shape a
    /// user copies to describe their own hub, spokes, slice and database.
    pub const SEED_YAML: &str = include_str!("seed-environment.yaml");

    /// The walkthrough's environment (see the crate docs).
    pub fn seed() -> Environment {
        // The embedded document is part of the crate and covered by tests.
        Environment::from_yaml("seed-environment.yaml", Self::SEED_YAML)
            .unwrap_or_else(|e| unreachable!("{e}"))
    }

    /// Reads an environment from YAML; errors name the field path (or the line) and what is
    /// wrong.
    pub fn from_yaml(source_name: &str, text: &str) -> Result<Environment, EnvironmentError> {
        let value: serde_json::Value =
            serde_saphyr::from_str(text).map_err(|e| EnvironmentError::Invalid {
                source_name: source_name.to_owned(),
                message: format!(
                    "malformed YAML: {}",
                    e.to_string().lines().next().unwrap_or_default()
                ),
            })?;
        Environment::from_value(source_name, value)
    }

    /// Reads an environment from JSON.
    pub fn from_value(
        source_name: &str,
        value: serde_json::Value,
    ) -> Result<Environment, EnvironmentError> {
        serde_path_to_error::deserialize(value).map_err(|e| EnvironmentError::Invalid {
            source_name: source_name.to_owned(),
            message: format!("{}: {}", e.path(), e.inner()),
        })
    }

    /// The per-pod CPU and memory request used by the capacity check.
    pub fn pod_request(&self, resource: &str) -> Option<Quantity> {
        if let Some(q) = self
            .database
            .pod_resources
            .as_ref()
            .and_then(|r| r.get(resource))
        {
            return Some(q.clone());
        }
        default_pod_request(resource)
    }
}

/// The per-pod request the capacity check assumes when the database sets none: 500m CPU and
/// 1Gi memory.
pub(crate) fn default_pod_request(resource: &str) -> Option<Quantity> {
    match resource {
        "cpu" => Some(Quantity("500m".into())),
        "memory" => Some(Quantity("1Gi".into())),
        _ => None,
    }
}
