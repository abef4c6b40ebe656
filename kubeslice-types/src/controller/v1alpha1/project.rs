//! The `Project` kind.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A KubeSlice project: the tenant that owns clusters and slices. Created in the controller
/// namespace; the controller then creates the project namespace `kubeslice-<project>` and a
/// ServiceAccount per listed user.
///
/// ```
/// use kubeslice_types::controller::v1alpha1::Project;
/// let p: Project = serde_json::from_value(serde_json::json!({
///     "apiVersion": "controller.kubeslice.io/v1alpha1", "kind": "Project",
///     "metadata": {"name": "demo-distributed-mariadb", "namespace": "kubeslice-controller"},
///     "spec": {"serviceAccount": {"readWrite": ["admin"]}}
/// })).unwrap();
/// assert_eq!(p.project_namespace(), "kubeslice-demo-distributed-mariadb");
/// ```
#[derive(
    CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema,
)]
#[kube(
    group = "controller.kubeslice.io",
    version = "v1alpha1",
    kind = "Project",
    plural = "projects",
    singular = "project",
    namespaced,
    status = "ProjectStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "A KubeSlice project: a tenant with its own namespace, clusters and slices."
)]
#[serde(rename_all = "camelCase")]
pub struct ProjectSpec {
    /// Users who get ServiceAccounts in the project namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account: Option<ServiceAccountsSpec>,
    /// Keep a default no-network slice `<project>-default-slice`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_slice_creation: Option<bool>,
}

/// Users of a project.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountsSpec {
    /// Read-only users (`<prefix>-ro-<name>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<Vec<String>>,
    /// Read-write users (`<prefix>-rw-<name>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_write: Option<Vec<String>>,
}

/// Project status (empty upstream).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct ProjectStatus {}

/// Prefix of project namespaces (Helm `projectnsPrefix: kubeslice`).
pub const PROJECT_NAMESPACE_PREFIX: &str = "kubeslice-";

/// The namespace the KubeSlice controller creates for the project `project`:
/// `kubeslice-<project>`: the controller's `--project-namespace-prefix` (the Helm chart's
/// `projectnsPrefix: kubeslice`, `kubeslice/kubeslice@a8dbc1f7:charts/kubeslice-controller/
/// values.yaml`; the binary's own default is `kubeslice-controller-project-`) followed by the
/// project's name.
///
/// ```
/// assert_eq!(kubeslice_types::controller::v1alpha1::project_namespace("demo"), "kubeslice-demo");
/// ```
pub fn project_namespace(project: &str) -> String {
    format!("{PROJECT_NAMESPACE_PREFIX}{project}")
}

impl Project {
    /// The namespace the controller creates for the project ([`project_namespace`]).
    pub fn project_namespace(&self) -> String {
        project_namespace(self.metadata.name.as_deref().unwrap_or_default())
    }

    /// The project's default slice, `<name>-default-slice`.
    pub fn default_slice_name(&self) -> String {
        format!(
            "{}-default-slice",
            self.metadata.name.as_deref().unwrap_or_default()
        )
    }
}
