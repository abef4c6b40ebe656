//! The objects on the controller cluster that some rules read ([`HubState`]), and the rule
//! every namespaced kind shares: the object lives in a project namespace.

use k8s_openapi::api::core::v1::Namespace;

use super::rule::{Rule, Violation, v};
use crate::controller::v1alpha1::{Cluster, SliceQoSConfig};

/// Label the controller puts on project namespaces (`Project-<namespace>`).
pub const PROJECT_NAMESPACE_LABEL: &str = "kubeslice-controller-resource-name";

/// Objects on the controller cluster that some rules need. `None` skips those rules.
#[derive(Clone, Copy, Debug, Default)]
pub struct HubState<'a> {
    /// Namespaces: the project-namespace rule needs the object's namespace and its labels.
    pub namespaces: Option<&'a [Namespace]>,
    /// Registered Cluster objects: registration, health, node IP, network, CNI overlap and
    /// namespace-ownership rules need them.
    pub clusters: Option<&'a [Cluster]>,
    /// SliceQoSConfigs: the named-profile rule needs them.
    pub qos_profiles: Option<&'a [SliceQoSConfig]>,
}

/// `true` when `namespace` is a project namespace (exists and is labelled
/// `kubeslice-controller-resource-name: Project-<namespace>`).
pub fn is_project_namespace(namespaces: &[Namespace], namespace: &str) -> bool {
    namespaces.iter().any(|ns| {
        ns.metadata.name.as_deref() == Some(namespace)
            && ns
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(PROJECT_NAMESPACE_LABEL))
                .is_some_and(|v| *v == format!("Project-{namespace}"))
    })
}

/// The project-namespace rule (`validateProjectNamespace` and its siblings in each kind's
/// webhook): skipped when the namespaces are not known.
pub(super) fn project_namespace_rule(
    namespace: &str,
    hub: &HubState<'_>,
    out: &mut Vec<Violation>,
) {
    if let Some(namespaces) = hub.namespaces
        && !is_project_namespace(namespaces, namespace)
    {
        out.push(v(
            "metadata.namespace",
            Rule::NotProjectNamespace {
                namespace: namespace.to_owned(),
            },
        ));
    }
}
