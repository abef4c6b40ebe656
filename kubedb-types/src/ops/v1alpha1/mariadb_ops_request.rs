//! The `MariaDBOpsRequest` kind: one day-2 operation (scaling, version update, reconfiguration,
//! restart, TLS, volume expansion, credential rotation, storage migration) on a MariaDB.
//!
//! Modelled from `kubedb/apimachinery@v0.57.0` and `@861df6898a80` (the apimachinery of KubeDB
//! v2025.7.31 and v2026.7.10): `apis/ops/v1alpha1/mariadb_ops_types.go` and `type.go`. The two
//! releases' CRDs differ; the type is their union, so an object of either release reads and
//! writes back unchanged:
//!
//! | field | v2025.7.31 | v2026.7.10 |
//! |---|---|---|
//! | `spec.type: Upgrade` | in the CRD enum (the webhook refuses it) | absent |
//! | `spec.type: StorageMigration`, `spec.migration` | absent | served |
//! | `spec.maxRetries` | absent | served (CRD default 1) |
//! | `spec.configuration.restart` | absent | served (CRD default `auto`) |
//! | `spec.verticalScaling.mode` | absent | served (CRD default `Restart`) |
//! | `spec.authentication.secretRef` | `{name}` | `{apiGroup, kind, name}`, `kind` required |

use std::collections::BTreeMap;

use crate::common::quantity::ResourceQuantity;
use k8s_openapi::api::core::v1::{LocalObjectReference, ResourceRequirements};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::kmapi::{Condition, TlsConfig, TypedObjectReference};

/// Desired operation of a MariaDBOpsRequest. The operation runs once; the webhook refuses any
/// later change to the spec (`validation::validate_mariadb_ops_request_update`).
///
/// ```
/// use kubedb_types::ops::v1alpha1::{MariaDBOpsRequest, MariaDBOpsRequestType};
/// let ops: MariaDBOpsRequest = serde_json::from_value(serde_json::json!({
///     "apiVersion": "ops.kubedb.com/v1alpha1", "kind": "MariaDBOpsRequest",
///     "metadata": {"name": "mdops-scale-horizontal-up", "namespace": "demo"},
///     "spec": {"type": "HorizontalScaling", "databaseRef": {"name": "mariadb"},
///              "horizontalScaling": {"member": 5}}
/// })).unwrap();
/// assert_eq!(ops.spec.type_, MariaDBOpsRequestType::HorizontalScaling);
/// assert_eq!(ops.spec.database_ref.name, "mariadb");
/// assert_eq!(ops.target_members(), Some(5));
/// ```
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[kube(
    group = "ops.kubedb.com",
    version = "v1alpha1",
    kind = "MariaDBOpsRequest",
    plural = "mariadbopsrequests",
    singular = "mariadbopsrequest",
    namespaced,
    shortname = "mariaops",
    category = "ops",
    category = "kubedb",
    category = "appscode",
    status = "OpsRequestStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "A day-2 operation on a MariaDB database, carried out once by the KubeDB ops manager.",
    printcolumn(name = "Type", type_ = "string", json_path = ".spec.type"),
    printcolumn(name = "Status", type_ = "string", json_path = ".status.phase"),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct MariaDBOpsRequestSpec {
    /// The MariaDB, in the OpsRequest's namespace.
    pub database_ref: LocalObjectReference,
    /// The operation; the field of the same name carries its parameters.
    #[serde(rename = "type")]
    pub type_: MariaDBOpsRequestType,
    /// Parameters of `UpdateVersion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_version: Option<UpdateVersionSpec>,
    /// Parameters of `HorizontalScaling`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizontal_scaling: Option<HorizontalScalingSpec>,
    /// Parameters of `VerticalScaling`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vertical_scaling: Option<VerticalScalingSpec>,
    /// Parameters of `VolumeExpansion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_expansion: Option<VolumeExpansionSpec>,
    /// Parameters of `Reconfigure`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration: Option<ReconfigurationSpec>,
    /// Parameters of `ReconfigureTLS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<OpsTlsSpec>,
    /// Parameters of `RotateAuth`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication: Option<AuthSpec>,
    /// Parameters of `Restart` (none: an empty object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart: Option<RestartSpec>,
    /// Parameters of `StorageMigration` (v2026.7.10 only; pruned by v2025.7.31).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migration: Option<MigrationSpec>,
    /// Time limit of each step, as a Go duration (`5m`); a step that overruns fails the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// Whether to run only against a Ready database (CRD default `IfReady`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply: Option<ApplyOption>,
    /// Attempts before the request fails (v2026.7.10 only, CRD default 1; pruned by v2025.7.31).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<i32>,
}

/// The value a `spec`-less object is read with: a `Restart` of no database. The API server
/// accepts an OpsRequest without `spec` (the CRD does not require it at the root); such an
/// object is refused by the webhook, which this default does not model.
impl Default for MariaDBOpsRequestSpec {
    fn default() -> Self {
        MariaDBOpsRequestSpec {
            database_ref: LocalObjectReference::default(),
            type_: MariaDBOpsRequestType::Restart,
            update_version: None,
            horizontal_scaling: None,
            vertical_scaling: None,
            volume_expansion: None,
            configuration: None,
            tls: None,
            authentication: None,
            restart: None,
            migration: None,
            timeout: None,
            apply: None,
            max_retries: None,
        }
    }
}

/// The operations, spelled as in `spec.type`. The enum is the union of both releases' CRDs;
/// [`MariaDBOpsRequestType::served_by`] says which release's webhook accepts each.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum MariaDBOpsRequestType {
    /// Old name of `UpdateVersion`: still in the v2025.7.31 CRD's enum, but neither release's
    /// webhook lists it, so it is refused.
    Upgrade,
    /// Move to another MariaDBVersion (`spec.updateVersion.targetVersion`).
    UpdateVersion,
    /// Change the number of Galera members (`spec.horizontalScaling.member`).
    HorizontalScaling,
    /// Change CPU/memory (`spec.verticalScaling`).
    VerticalScaling,
    /// Grow the data volumes (`spec.volumeExpansion`).
    VolumeExpansion,
    /// Restart every pod, one at a time.
    Restart,
    /// Change the server configuration (`spec.configuration`).
    Reconfigure,
    /// Add, rotate, change or remove TLS (`spec.tls`).
    #[serde(rename = "ReconfigureTLS")]
    ReconfigureTls,
    /// Rotate the credentials (`spec.authentication`).
    RotateAuth,
    /// Move the data volumes to another StorageClass (`spec.migration`, v2026.7.10 only).
    StorageMigration,
}

impl MariaDBOpsRequestType {
    /// The spelling in `spec.type`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upgrade => "Upgrade",
            Self::UpdateVersion => "UpdateVersion",
            Self::HorizontalScaling => "HorizontalScaling",
            Self::VerticalScaling => "VerticalScaling",
            Self::VolumeExpansion => "VolumeExpansion",
            Self::Restart => "Restart",
            Self::Reconfigure => "Reconfigure",
            Self::ReconfigureTls => "ReconfigureTLS",
            Self::RotateAuth => "RotateAuth",
            Self::StorageMigration => "StorageMigration",
        }
    }

    /// The types the webhook of `release` accepts, in its order
    /// (`MariaDBOpsRequestTypeNames`, `apis/ops/v1alpha1/mariadb_ops_types_enum.go` at
    /// `apimachinery@v0.57.0` and `@861df6898a80`).
    pub fn supported(release: crate::release::Release) -> &'static [MariaDBOpsRequestType] {
        use MariaDBOpsRequestType::*;
        const OLD: [MariaDBOpsRequestType; 8] = [
            UpdateVersion,
            HorizontalScaling,
            VerticalScaling,
            VolumeExpansion,
            Restart,
            Reconfigure,
            ReconfigureTls,
            RotateAuth,
        ];
        const NEW: [MariaDBOpsRequestType; 9] = [
            UpdateVersion,
            HorizontalScaling,
            VerticalScaling,
            VolumeExpansion,
            Restart,
            Reconfigure,
            ReconfigureTls,
            RotateAuth,
            StorageMigration,
        ];
        match release {
            crate::release::Release::V2025_7_31 => &OLD,
            crate::release::Release::V2026_7_10 => &NEW,
        }
    }

    /// `true` when the webhook of `release` accepts this type.
    pub fn served_by(self, release: crate::release::Release) -> bool {
        Self::supported(release).contains(&self)
    }
}

impl std::fmt::Display for MariaDBOpsRequestType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether the ops manager waits for the database to be Ready before it starts.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum ApplyOption {
    /// Start only when the database is Ready (the default).
    IfReady,
    /// Start whatever the database's state (for repairs).
    Always,
}

/// Parameters of `UpdateVersion`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateVersionSpec {
    /// Name of the MariaDBVersion to move to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_version: Option<String>,
}

/// Parameters of `HorizontalScaling`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HorizontalScalingSpec {
    /// Scale the MaxScale proxies instead of the database (replication topology).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maxscale: Option<bool>,
    /// The number of members after scaling (the MariaDB's new `spec.replicas`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<i32>,
    /// Weight of the members (unused by the Galera topology).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_weight: Option<i32>,
}

/// Parameters of `VerticalScaling`: new resources per component.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerticalScalingSpec {
    /// The database container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mariadb: Option<PodResources>,
    /// The MaxScale proxies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maxscale: Option<PodResources>,
    /// The metrics exporter sidecar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exporter: Option<ContainerResources>,
    /// The coordinator sidecar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinator: Option<ContainerResources>,
    /// How the change is made (v2026.7.10 only, CRD default `Restart`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<VerticalScalingMode>,
}

/// How vertical scaling is carried out.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum VerticalScalingMode {
    /// Patch the pod template and restart the pods.
    Restart,
    /// Resize the running pods (the `pods/resize` subresource), restarting only when that is
    /// not possible.
    InPlace,
}

/// New resources of one pod's main container, and optionally where it should run.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodResources {
    /// How nodes are chosen for the resized pods (kmodules `NodeSelectionPolicy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_selection_policy: Option<String>,
    /// A node label the pods must run on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology: Option<NodeLabel>,
    /// The new requests and limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
}

/// A node label, as `key=value`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct NodeLabel {
    /// Label key.
    pub key: String,
    /// Label value.
    pub value: String,
}

/// New resources of a sidecar container.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct ContainerResources {
    /// The new requests and limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
}

/// Parameters of `VolumeExpansion`: the new size of one component's volumes.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VolumeExpansionSpec {
    /// New size of each database volume (must exceed the current one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mariadb: Option<ResourceQuantity>,
    /// New size of each MaxScale volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maxscale: Option<ResourceQuantity>,
    /// Whether the pods keep running while the volumes grow.
    pub mode: VolumeExpansionMode,
}

/// How volumes are expanded.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum VolumeExpansionMode {
    /// The volumes grow while the pods run (the StorageClass must allow it).
    Online,
    /// The pods are stopped while the volumes grow.
    Offline,
}

/// Parameters of `Reconfigure`: exactly one way to change the configuration.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReconfigurationSpec {
    /// Secret whose keys are configuration files, merged over the defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_secret: Option<LocalObjectReference>,
    /// Inline configuration, file name to content, merged over the secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_config: Option<BTreeMap<String, String>>,
    /// Drop every earlier custom configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_custom_config: Option<bool>,
    /// Whether the pods restart (v2026.7.10 only, CRD default `auto`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart: Option<ReconfigureRestart>,
}

/// Whether a reconfiguration restarts the database.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum ReconfigureRestart {
    /// The ops manager decides from the changed settings.
    #[serde(rename = "auto")]
    Auto,
    /// Always restart.
    #[serde(rename = "true")]
    True,
    /// Never restart.
    #[serde(rename = "false")]
    False,
}

/// Parameters of `ReconfigureTLS`: a new TLS configuration, a rotation, or a removal.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OpsTlsSpec {
    /// New issuer and certificates.
    #[serde(flatten)]
    pub config: TlsConfig,
    /// Issue new certificates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotate_certificates: Option<bool>,
    /// Turn TLS off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove: Option<bool>,
    /// Accept only TLS connections (MariaDB 10.5.2 or later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "requireSSL")]
    pub require_ssl: Option<bool>,
}

/// Parameters of `RotateAuth`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthSpec {
    /// Secret with the new credentials; the ops manager generates a password when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<AuthSecretReference>,
}

/// The secret with new credentials. v2025.7.31 serves only `name`; v2026.7.10 serves a typed
/// reference whose `kind` is required (CRD default `Secret`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthSecretReference {
    /// API group of the referenced kind (v2026.7.10; CRD default `""`, the core group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_group: Option<String>,
    /// Kind of the referenced object (v2026.7.10; CRD default `Secret`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Secret name, in the OpsRequest's namespace.
    pub name: String,
}

/// Parameters of `Restart`: none.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct RestartSpec {}

/// Parameters of `StorageMigration` (v2026.7.10).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MigrationSpec {
    /// Migrate the MaxScale volumes instead of the database's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maxscale: Option<bool>,
    /// The StorageClass to move the volumes to.
    pub storage_class_name: String,
    /// Reclaim policy set on the old PersistentVolumes (`Retain` keeps them); the PV's own
    /// when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "oldPVReclaimPolicy")]
    pub old_pv_reclaim_policy: Option<String>,
}

/// Observed state of an OpsRequest.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OpsRequestStatus {
    /// Where the request is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<OpsRequestPhase>,
    /// The generation the ops manager last acted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// One condition per step, with the reason of a failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
    /// Backups paused while the request runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused_backups: Option<Vec<TypedObjectReference>>,
}

/// Phases of an OpsRequest.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum OpsRequestPhase {
    /// Queued behind another request for the same database.
    Pending,
    /// Running.
    Progressing,
    /// Done.
    Successful,
    /// Waiting for an approval.
    WaitingForApproval,
    /// Stopped with an error (see the conditions).
    Failed,
    /// Approved, not started yet.
    Approved,
    /// Refused by an approver.
    Denied,
    /// Not run (superseded or not applicable).
    Skipped,
}

impl OpsRequestPhase {
    /// `true` for the phases after which nothing more happens: `Successful`, `Failed`,
    /// `Skipped` and `Denied`.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Successful | Self::Failed | Self::Skipped | Self::Denied
        )
    }
}

impl MariaDBOpsRequest {
    /// A `HorizontalScaling` request for `database` in `namespace` to `member` members, as the
    /// KubeDB guide writes one (`kubedb/docs@dd66a58b:docs/guides/mariadb/distributed/
    /// opsrequest/horizontal_scale.md`).
    ///
    /// ```
    /// use kubedb_types::ops::v1alpha1::MariaDBOpsRequest;
    /// let ops = MariaDBOpsRequest::horizontal_scaling("scale-to-5", "demo", "mariadb", 5);
    /// let json = serde_json::to_value(&ops).unwrap();
    /// assert_eq!(json["spec"]["horizontalScaling"], serde_json::json!({"member": 5}));
    /// assert_eq!(json["spec"]["type"], "HorizontalScaling");
    /// ```
    pub fn horizontal_scaling(name: &str, namespace: &str, database: &str, member: i32) -> Self {
        let mut ops = MariaDBOpsRequest::new(
            name,
            MariaDBOpsRequestSpec {
                database_ref: LocalObjectReference {
                    name: database.to_owned(),
                },
                type_: MariaDBOpsRequestType::HorizontalScaling,
                horizontal_scaling: Some(HorizontalScalingSpec {
                    member: Some(member),
                    ..Default::default()
                }),
                ..Default::default()
            },
        );
        ops.metadata.namespace = Some(namespace.to_owned());
        ops
    }

    /// The member count a `HorizontalScaling` request asks for; `None` for other types or when
    /// `member` is unset.
    pub fn target_members(&self) -> Option<i32> {
        match self.spec.type_ {
            MariaDBOpsRequestType::HorizontalScaling => {
                self.spec.horizontal_scaling.as_ref()?.member
            }
            _ => None,
        }
    }

    /// The phase, when the ops manager has reported one.
    pub fn phase(&self) -> Option<OpsRequestPhase> {
        self.status.as_ref()?.phase
    }
}
