//! The `MariaDB` kind.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    EnvVar, LocalObjectReference, PersistentVolumeClaimSpec, ResourceRequirements, SecurityContext,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, Time};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::kmapi::{Condition, HealthCheckSpec, ObjectReference, TlsConfig};
use crate::common::monitoring::AgentSpec;
use crate::common::offshoot::{NamedServiceTemplateSpec, PodTemplateSpec, VolumeSource};

/// Desired state of a MariaDB database (standalone, Galera cluster or MariaDB replication).
///
/// ```
/// use kubedb_types::kubedb::v1::{MariaDB, DeletionPolicy};
/// let md: MariaDB = serde_json::from_value(serde_json::json!({
///     "apiVersion": "kubedb.com/v1", "kind": "MariaDB",
///     "metadata": {"name": "mariadb", "namespace": "demo"},
///     "spec": {"version": "11.5.2", "replicas": 3, "distributed": true,
///              "deletionPolicy": "WipeOut",
///              "podTemplate": {"spec": {"podPlacementPolicy": {"name": "distributed-mariadb"}}}}
/// })).unwrap();
/// assert_eq!(md.spec.deletion_policy, Some(DeletionPolicy::WipeOut));
/// assert_eq!(md.placement_policy_name(), Some("distributed-mariadb"));
/// ```
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "kubedb.com",
    version = "v1",
    kind = "MariaDB",
    plural = "mariadbs",
    singular = "mariadb",
    namespaced,
    shortname = "md",
    category = "datastore",
    category = "kubedb",
    category = "appscode",
    category = "all",
    status = "MariaDBStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "A MariaDB database managed by the KubeDB operator.",
    printcolumn(name = "Version", type_ = "string", json_path = ".spec.version"),
    printcolumn(name = "Status", type_ = "string", json_path = ".status.phase"),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct MariaDBSpec {
    /// Name of the cluster-scoped `MariaDBVersion` to run, for example `11.5.2`.
    pub version: String,
    /// Run the pods across several clusters (OCM + KubeSlice); needs a PlacementPolicy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distributed: Option<bool>,
    /// Autoscaling and recommendation switches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_ops: Option<AutoOpsSpec>,
    /// Number of database pods (upstream default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// Clustering mode; when absent and `replicas > 1` the operator picks `GaleraCluster`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology: Option<MariaDBTopology>,
    /// Whether data lives on PersistentVolumes (upstream default `Durable`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_type: Option<StorageType>,
    /// Claim template for each pod's data volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<PersistentVolumeClaimSpec>,
    /// Secret with the root credentials (default name `<db>-auth`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_secret: Option<SecretReference>,
    /// How a joining Galera node copies a full snapshot (CRD default `rsync`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "wsrepSSTMethod")]
    pub wsrep_sst_method: Option<WsrepSstMethod>,
    /// How the database is initialised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init: Option<InitSpec>,
    /// Monitoring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitor: Option<AgentSpec>,
    /// Deprecated custom configuration secret; use `configuration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_secret: Option<LocalObjectReference>,
    /// Custom configuration, from a secret and/or inline files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration: Option<ConfigurationSpec>,
    /// Template of the database pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_template: Option<PodTemplateSpec>,
    /// Templates of the services the operator creates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_templates: Option<Vec<NamedServiceTemplateSpec>>,
    /// Only accept TLS connections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "requireSSL")]
    pub require_ssl: Option<bool>,
    /// TLS configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsConfig>,
    /// Stop the database but keep its data and secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub halted: Option<bool>,
    /// What deleting the object deletes (defaulted to `Delete`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_policy: Option<DeletionPolicy>,
    /// Which namespaces may create schemas in this database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_schemas: Option<AllowedConsumers>,
    /// Health checking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_checker: Option<HealthCheckSpec>,
    /// Continuous archiving (point-in-time recovery) reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archiver: Option<Archiver>,
}

/// Clustering mode and its extras.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MariaDBTopology {
    /// The clustering mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<MariaDBMode>,
    /// MaxScale proxies (replication mode only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maxscale: Option<MaxScaleSpec>,
}

/// MariaDB clustering modes.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum MariaDBMode {
    /// Asynchronous primary/replica replication behind MaxScale.
    MariaDBReplication,
    /// Synchronous multi-primary Galera cluster.
    GaleraCluster,
}

/// MaxScale proxy settings.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MaxScaleSpec {
    /// Number of MaxScale pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// MaxScale pod template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_template: Option<PodTemplateSpec>,
    /// MaxScale storage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<PersistentVolumeClaimSpec>,
    /// MaxScale storage type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_type: Option<StorageType>,
    /// Serve the MaxScale GUI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "enableUI")]
    pub enable_ui: Option<bool>,
    /// Custom MaxScale configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_secret: Option<LocalObjectReference>,
}

/// Where database data lives.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum StorageType {
    /// PersistentVolumeClaims.
    Durable,
    /// `emptyDir`, lost with the pod.
    Ephemeral,
}

/// State snapshot transfer methods for Galera.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum WsrepSstMethod {
    /// rsync of the data directory (blocks the donor).
    Rsync,
    /// mariabackup (non-blocking).
    Mariabackup,
}

impl WsrepSstMethod {
    /// The value as written in `wsrep_sst_method`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rsync => "rsync",
            Self::Mariabackup => "mariabackup",
        }
    }
}

/// What deleting the database object deletes.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum DeletionPolicy {
    /// Delete pods and services, keep PVCs and secrets.
    Halt,
    /// Delete everything but the secrets.
    Delete,
    /// Delete everything, data and secrets included.
    WipeOut,
    /// Refuse deletion.
    DoNotTerminate,
}

/// A reference to the credentials secret.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecretReference {
    /// External secret store (for externally managed secrets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_store_name: Option<String>,
    /// API group of the referenced kind (core when empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_group: Option<String>,
    /// Kind of the referenced object (CRD default `Secret`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Secret name.
    pub name: String,
    /// Rotate credentials after this Go duration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotate_after: Option<String>,
    /// When the current credentials became active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_from: Option<Time>,
    /// The user manages the secret; the operator must not create it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub externally_managed: Option<bool>,
}

/// Custom configuration.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigurationSpec {
    /// Secret whose keys are configuration files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<String>,
    /// Inline configuration files, file name to content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inline: Option<BTreeMap<String, String>>,
}

/// Autoscaling and recommendation switches.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AutoOpsSpec {
    /// Turn automatic operations off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

/// Which namespaces may consume (create schemas in) the database.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AllowedConsumers {
    /// Namespaces allowed (CRD default `{from: Same}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespaces: Option<ConsumerNamespaces>,
    /// Label selector the consuming object must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
}

/// Namespaces allowed to consume the database.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsumerNamespaces {
    /// Which namespaces (CRD default `Same`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<FromNamespaces>,
    /// Namespace selector, with `from: Selector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
}

/// Namespace sets.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum FromNamespaces {
    /// Every namespace.
    All,
    /// Namespaces matching the selector.
    Selector,
    /// The database's own namespace.
    Same,
}

/// Reference to a continuous archiver.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Archiver {
    /// Pause archiving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause: Option<bool>,
    /// The archiver object.
    #[serde(rename = "ref")]
    pub ref_: ObjectReference,
}

/// How the database is initialised.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InitSpec {
    /// Set by the operator once initialisation ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initialized: Option<bool>,
    /// Wait for a restore before the database is marked ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_for_initial_restore: Option<bool>,
    /// Run scripts from a volume or a git repository (not supported for clusters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<ScriptSourceSpec>,
    /// Restore from an archiver backup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archiver: Option<ArchiverRecovery>,
}

/// Initialisation scripts: a path plus one volume source or a git repository.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScriptSourceSpec {
    /// Path of the script inside the volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script_path: Option<String>,
    /// The volume holding the scripts.
    #[serde(flatten)]
    pub volume_source: VolumeSource,
    /// Clone the scripts from git with git-sync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git: Option<GitRepo>,
}

/// A git-sync init container.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GitRepo {
    /// git-sync arguments.
    pub args: Vec<String>,
    /// Environment of the git-sync container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<Vec<EnvVar>>,
    /// Security context of the git-sync container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<SecurityContext>,
    /// Resources of the git-sync container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// Secret with git credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_secret: Option<LocalObjectReference>,
}

/// Point-in-time restore from an archiver.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ArchiverRecovery {
    /// Restore up to this instant.
    pub recovery_timestamp: Time,
    /// Secret that decrypts the backups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_secret: Option<ObjectReference>,
    /// Repository of the manifest backups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_repository: Option<ObjectReference>,
    /// Repository of the full backups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "fullDBRepository")]
    pub full_db_repository: Option<ObjectReference>,
    /// How replicas are seeded after the restore (defaulted to `none`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication_strategy: Option<ReplicationStrategy>,
    /// Which manifests to restore.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_options: Option<ManifestOptions>,
}

/// How replicas are seeded after a restore.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReplicationStrategy {
    /// Copy the restored files.
    Fscopy,
    /// Clone from the restored node.
    Clone,
    /// Let replication catch up.
    Sync,
    /// Nothing.
    None,
}

/// Manifests restored along with the data.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ManifestOptions {
    /// Restore the archiver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archiver: Option<bool>,
    /// The archiver to restore.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archiver_ref: Option<ObjectReference>,
    /// Restore the init script.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init_script: Option<bool>,
}

/// Observed state of a MariaDB database.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MariaDBStatus {
    /// Summary phase, derived from the conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<DatabasePhase>,
    /// The generation the operator last acted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
    /// State of the credentials secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_secret: Option<AuthSecretStatus>,
}

/// Status of the credentials secret.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthSecretStatus {
    /// When the credentials were last rotated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update_timestamp: Option<Time>,
}

/// Database phases.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum DatabasePhase {
    /// Being created.
    Provisioning,
    /// Restoring data.
    DataRestoring,
    /// Every replica ready.
    Ready,
    /// Accepting connections with some replicas down.
    Critical,
    /// Not accepting connections.
    NotReady,
    /// Halted.
    Halted,
    /// Health checks paused.
    Unknown,
}

/// Names KubeDB derives from a MariaDB object.
impl MariaDB {
    /// The object name (the "offshoot" name every child object is based on).
    pub fn offshoot_name(&self) -> &str {
        self.metadata.name.as_deref().unwrap_or_default()
    }

    /// Name of the governing (headless) service: `<db>-pods`.
    pub fn governing_service_name(&self) -> String {
        format!("{}-pods", self.offshoot_name())
    }

    /// Default name of the credentials secret: `<db>-auth`.
    pub fn default_auth_secret_name(&self) -> String {
        format!("{}-auth", self.offshoot_name())
    }

    /// Name of the referenced PlacementPolicy, if any.
    pub fn placement_policy_name(&self) -> Option<&str> {
        self.spec
            .pod_template
            .as_ref()?
            .spec
            .as_ref()?
            .pod_placement_policy
            .as_ref()
            .map(|r| r.name.as_str())
    }

    /// `true` when `spec.distributed` is set.
    pub fn is_distributed(&self) -> bool {
        self.spec.distributed.unwrap_or(false)
    }

    /// The replica count after defaulting (1 when unset).
    pub fn replicas(&self) -> i32 {
        self.spec.replicas.unwrap_or(1)
    }

    /// The clustering mode after defaulting: the explicit mode, else `GaleraCluster`
    /// when more than one replica is asked for, else standalone (`None`).
    pub fn mode(&self) -> Option<MariaDBMode> {
        match self.spec.topology.as_ref().and_then(|t| t.mode) {
            Some(mode) => Some(mode),
            None if self.spec.topology.is_some() || self.replicas() > 1 => {
                Some(MariaDBMode::GaleraCluster)
            }
            None => None,
        }
    }

    /// The primary service DNS name: `<db>.<ns>.svc.slice.local` in distributed mode,
    /// `<db>.<ns>.svc` otherwise.
    pub fn primary_service_dns(&self) -> String {
        let ns = self.metadata.namespace.as_deref().unwrap_or("default");
        if self.is_distributed() {
            format!("{}.{ns}.svc.slice.local", self.offshoot_name())
        } else {
            format!("{}.{ns}.svc", self.offshoot_name())
        }
    }

    /// A copy with the defaults the KubeDB webhook applies before validating:
    /// `replicas` 1, `storageType` Durable, `deletionPolicy` Delete (Halt when `halted`),
    /// `topology.mode` GaleraCluster when clustered, `wsrepSSTMethod` rsync for Galera.
    pub fn with_defaults(&self) -> MariaDB {
        let mut md = self.clone();
        let spec = &mut md.spec;
        spec.replicas.get_or_insert(1);
        spec.storage_type.get_or_insert(StorageType::Durable);
        if spec.halted == Some(true) && spec.deletion_policy != Some(DeletionPolicy::DoNotTerminate)
        {
            spec.deletion_policy = Some(DeletionPolicy::Halt);
        }
        spec.deletion_policy.get_or_insert(DeletionPolicy::Delete);
        if spec.topology.is_none() && spec.replicas.unwrap_or(1) > 1 {
            spec.topology = Some(MariaDBTopology::default());
        }
        if let Some(topology) = spec.topology.as_mut() {
            topology.mode.get_or_insert(MariaDBMode::GaleraCluster);
        }
        // `apimachinery@v0.57.0:pkg/webhooks/kubedb/v1/mariadb.go` (`Default`): rsync for any
        // cluster whose method is unset, whatever its mode.
        if spec.replicas.unwrap_or(1) > 1 {
            spec.wsrep_sst_method.get_or_insert(WsrepSstMethod::Rsync);
        }
        md
    }
}
