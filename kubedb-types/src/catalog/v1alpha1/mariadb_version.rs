//! The `MariaDBVersion` kind: images and capabilities of one MariaDB release.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The images and settings KubeDB uses for one MariaDB version.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "catalog.kubedb.com",
    version = "v1alpha1",
    kind = "MariaDBVersion",
    plural = "mariadbversions",
    singular = "mariadbversion",
    shortname = "mdversion",
    category = "catalog",
    category = "kubedb",
    category = "appscode",
    derive = "PartialEq",
    derive = "Default",
    doc = "A MariaDB release in the KubeDB catalog: the images of the database and its sidecars.",
    printcolumn(name = "Version", type_ = "string", json_path = ".spec.version"),
    printcolumn(name = "DB_IMAGE", type_ = "string", json_path = ".spec.db.image"),
    printcolumn(name = "Deprecated", type_ = "boolean", json_path = ".spec.deprecated"),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct MariaDBVersionSpec {
    /// The MariaDB version, for example `11.5.2`.
    pub version: String,
    /// Database image.
    pub db: ImageRef,
    /// Coordinator sidecar image.
    pub coordinator: ImageRef,
    /// Init container image.
    pub init_container: ImageRef,
    /// Metrics exporter image.
    pub exporter: ImageRef,
    /// MaxScale image and its security context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maxscale: Option<MaxScaleImage>,
    /// Pod security policy name (legacy, still required by the CRD).
    pub pod_security_policies: PodSecurityPolicies,
    /// Default security context of the database container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<RunAsUser>,
    /// Stash backup addon tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stash: Option<StashSpec>,
    /// KubeStash archiver addon and WAL-G image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archiver: Option<ArchiverSpec>,
    /// Versions this one may be updated to or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_constraints: Option<UpdateConstraints>,
    /// git-sync image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_syncer: Option<ImageRef>,
    /// UI charts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ui: Option<Vec<ChartInfo>>,
    /// Courier (status reporter and CLI) images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub courier: Option<CourierSpec>,
    /// The version is deprecated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<bool>,
    /// The version is past end of life.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of_life: Option<bool>,
}

/// A container image reference.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct ImageRef {
    /// The image.
    pub image: String,
}

/// MaxScale image.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MaxScaleImage {
    /// The image.
    pub image: String,
    /// Its security context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<RunAsUser>,
}

/// A security context that only sets the user.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunAsUser {
    /// User id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_user: Option<i64>,
}

/// Pod security policy names.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodSecurityPolicies {
    /// Policy of the database pods.
    pub database_policy_name: String,
}

/// Stash addon.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct StashSpec {
    /// Backup and restore tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addon: Option<StashAddon>,
}

/// Stash backup and restore tasks.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StashAddon {
    /// Backup task.
    pub backup_task: StashTask,
    /// Restore task.
    pub restore_task: StashTask,
}

/// A Stash task and its parameters.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct StashTask {
    /// Task name.
    pub name: String,
    /// Task parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Vec<Param>>,
}

/// A name/value parameter.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct Param {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// KubeStash archiver support.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct ArchiverSpec {
    /// WAL-G image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walg: Option<ImageRef>,
    /// KubeStash addon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addon: Option<KubeStashAddon>,
}

/// KubeStash addon name and tasks.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct KubeStashAddon {
    /// Addon name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<AddonName>,
    /// Addon tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks: Option<KubeStashTasks>,
}

/// KubeStash addon names.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AddonName {
    /// `mongodb-addon`.
    MongodbAddon,
    /// `postgres-addon`.
    PostgresAddon,
    /// `mysql-addon`.
    MysqlAddon,
    /// `mariadb-addon`.
    MariadbAddon,
    /// `mssqlserver-addon`.
    MssqlserverAddon,
    /// `clickhouse-addon`.
    ClickhouseAddon,
}

/// KubeStash tasks by purpose.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KubeStashTasks {
    /// Full backup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_backup: Option<TaskRef>,
    /// Restore of a full backup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_backup_restore: Option<TaskRef>,
    /// Restore of incremental backups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inc_backup_restore: Option<TaskRef>,
    /// Manifest backup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_backup: Option<TaskRef>,
    /// Manifest restore.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_restore: Option<TaskRef>,
    /// Volume snapshot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_snapshot: Option<TaskRef>,
}

/// A task by name.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct TaskRef {
    /// Task name.
    pub name: String,
}

/// Update allow and deny lists.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct UpdateConstraints {
    /// Versions (or ranges) that may be updated to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowlist: Option<Vec<String>>,
    /// Versions (or ranges) that may not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denylist: Option<Vec<String>>,
}

/// A UI chart.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct ChartInfo {
    /// Chart name.
    pub name: String,
    /// Chart version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Chart values (free-form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::common::free_form")]
    pub values: Option<serde_json::Value>,
    /// Disable this chart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable: Option<bool>,
}

/// Courier images.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CourierSpec {
    /// CLI image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli: Option<ImageRef>,
    /// Status reporter image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reporter: Option<ImageRef>,
}
