//! The Project webhook: [`validate_project`], following `ValidateProjectCreate` of
//! `kubeslice/kubeslice-controller@b7f871e5:service/project_webhook_validation.go`.

use super::rule::{Rule, Violation, v};
use crate::controller::v1alpha1::Project;

/// Default controller namespace.
pub const CONTROLLER_NAMESPACE: &str = "kubeslice-controller";

fn valid_service_account_name(name: &str) -> bool {
    let b = name.as_bytes();
    let edge = |c: u8| c.is_ascii_alphanumeric();
    (2..=64).contains(&b.len())
        && edge(b[0])
        && edge(b[b.len() - 1])
        && b[1..b.len() - 1]
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
}

/// The Project create webhook: created in `controller_namespace` (not checked when the object
/// names no namespace: that is decided when it is applied); the name has no `.` and at most 30
/// characters; every ServiceAccount name matches
/// `^[a-zA-Z0-9][a-zA-Z0-9\-\.]{0,62}[a-zA-Z0-9]$`.
pub fn validate_project(p: &Project, controller_namespace: &str) -> Vec<Violation> {
    let mut out = Vec::new();
    if p.metadata
        .namespace
        .as_deref()
        .is_some_and(|ns| ns != controller_namespace)
    {
        out.push(v(
            "metadata.namespace",
            Rule::ProjectNotInControllerNamespace {
                expected: controller_namespace.to_owned(),
            },
        ));
    }
    let name = p.metadata.name.as_deref().unwrap_or_default();
    if name.contains('.') || name.chars().count() > 30 {
        out.push(v("metadata.name", Rule::InvalidProjectName));
    }
    if let Some(sa) = &p.spec.service_account {
        for (field, list) in [("readOnly", &sa.read_only), ("readWrite", &sa.read_write)] {
            for (i, n) in list.iter().flatten().enumerate() {
                if !valid_service_account_name(n) {
                    out.push(v(
                        format!("spec.serviceAccount.{field}[{i}]"),
                        Rule::InvalidServiceAccountName { name: n.clone() },
                    ));
                }
            }
        }
    }
    out
}
