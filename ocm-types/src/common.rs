//! Schema helpers and small types shared by the OCM kinds.

use schemars::{Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// Schema of an embedded Kubernetes object: any object with `apiVersion`, `kind` and
/// `metadata`, unknown fields kept.
pub(crate) fn embedded_resource(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "x-kubernetes-embedded-resource": true,
        "x-kubernetes-preserve-unknown-fields": true
    })
}

/// Schema of an optional base64 string.
pub(crate) fn optional_byte_string(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "format": "byte", "nullable": true})
}

/// A feature gate switch, as the operator CRDs carry them.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeatureGate {
    /// The feature, for example `RawFeedbackJsonString`.
    pub feature: String,
    /// `Enable` or `Disable` (CRD default `Disable`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<FeatureGateMode>,
}

/// Feature gate modes.
#[derive(
    Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, schemars::JsonSchema,
)]
pub enum FeatureGateMode {
    /// On.
    Enable,
    /// Off (the default).
    #[default]
    Disable,
}

/// `Some(true/false)` when `gates` lists `feature` (the last entry wins), `None` when it does
/// not, so the component's own default applies.
pub fn feature_gate(gates: Option<&[FeatureGate]>, feature: &str) -> Option<bool> {
    gates?
        .iter()
        .rev()
        .find(|g| g.feature == feature)
        .map(|g| g.mode.unwrap_or_default() == FeatureGateMode::Enable)
}

/// The condition of `type_` in a condition list, if present.
pub fn find_condition<'a>(
    conditions: Option<&'a [k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition]>,
    type_: &str,
) -> Option<&'a k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition> {
    conditions?.iter().find(|c| c.type_ == type_)
}

/// `true` when the condition of `type_` is present with status `True`.
pub fn condition_true(
    conditions: Option<&[k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition]>,
    type_: &str,
) -> bool {
    find_condition(conditions, type_).is_some_and(|c| c.status == "True")
}

/// How this workspace names an object in messages: `Kind/namespace/name`, or `Kind/name` for
/// a cluster-scoped object (an empty namespace counts as none). The form the work agent's
/// manifest conditions are read back in (`work::v1::ManifestWork::manifest_status`), and
/// the one the deployer's findings, progress and waits use.
///
/// ```
/// use ocm_types::common::object_id;
/// assert_eq!(object_id("MariaDB", Some("demo"), "mariadb"), "MariaDB/demo/mariadb");
/// assert_eq!(object_id("PlacementPolicy", None, "p"), "PlacementPolicy/p");
/// assert_eq!(object_id("Namespace", Some(""), "demo"), "Namespace/demo");
/// ```
pub fn object_id(kind: &str, namespace: Option<&str>, name: &str) -> String {
    match namespace.filter(|n| !n.is_empty()) {
        Some(ns) => format!("{kind}/{ns}/{name}"),
        None => format!("{kind}/{name}"),
    }
}
