//! kmodules `monitoring-agent-api` types: how a database is scraped by Prometheus.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{EnvVar, ResourceRequirements, SecurityContext};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kmapi::ObjectReference;

/// Which monitoring agent scrapes the database, and how.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgentSpec {
    /// The agent type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentType>,
    /// Prometheus settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<PrometheusSpec>,
}

/// Monitoring agent types.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum AgentType {
    /// Prometheus Operator (a ServiceMonitor is created).
    #[serde(rename = "prometheus.io/operator")]
    PrometheusOperator,
    /// Plain Prometheus.
    #[serde(rename = "prometheus.io")]
    Prometheus,
    /// Prometheus with built-in scrape annotations.
    #[serde(rename = "prometheus.io/builtin")]
    PrometheusBuiltin,
}

/// Prometheus exporter sidecar and ServiceMonitor settings.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusSpec {
    /// The exporter sidecar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exporter: Option<PrometheusExporterSpec>,
    /// The ServiceMonitor (Prometheus Operator only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_monitor: Option<ServiceMonitorSpec>,
}

/// The metrics exporter sidecar container.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusExporterSpec {
    /// Metrics port (upstream default 56790).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// Extra exporter arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<String>>,
    /// Extra exporter environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<Vec<EnvVar>>,
    /// Exporter resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// Exporter security context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<SecurityContext>,
}

/// ServiceMonitor settings.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceMonitorSpec {
    /// Labels that select the Prometheus instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Scrape interval, as a Prometheus duration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// Per-endpoint relabelling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Vec<ServiceMonitorEndpoint>>,
    /// Pod labels copied onto the scraped series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_target_labels: Option<Vec<String>>,
    /// Service labels copied onto the scraped series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_labels: Option<Vec<String>>,
}

/// Relabelling for one scraped port.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceMonitorEndpoint {
    /// Port name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// Relabelling applied before scraping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relabelings: Option<Vec<RelabelConfig>>,
    /// Relabelling applied to scraped samples.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_relabelings: Option<Vec<RelabelConfig>>,
}

/// One Prometheus relabelling step.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RelabelConfig {
    /// Source labels whose values are joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_labels: Option<Vec<String>>,
    /// Separator for the joined values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub separator: Option<String>,
    /// Label the result is written to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_label: Option<String>,
    /// Regular expression matched against the joined value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// Modulus for `hashmod`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modulus: Option<i64>,
    /// Replacement value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// Action (upstream default `replace`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<RelabelAction>,
}

/// Prometheus relabelling actions, in both spellings Prometheus accepts.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum RelabelAction {
    /// The action spelled `replace`.
    #[serde(rename = "replace")]
    ReplaceLower,
    /// The action spelled `Replace`.
    Replace,
    /// The action spelled `keep`.
    #[serde(rename = "keep")]
    KeepLower,
    /// The action spelled `Keep`.
    Keep,
    /// The action spelled `drop`.
    #[serde(rename = "drop")]
    DropLower,
    /// The action spelled `Drop`.
    Drop,
    /// The action spelled `hashmod`.
    #[serde(rename = "hashmod")]
    HashModLower,
    /// The action spelled `HashMod`.
    HashMod,
    /// The action spelled `labelmap`.
    #[serde(rename = "labelmap")]
    LabelMapLower,
    /// The action spelled `LabelMap`.
    LabelMap,
    /// The action spelled `labeldrop`.
    #[serde(rename = "labeldrop")]
    LabelDropLower,
    /// The action spelled `LabelDrop`.
    LabelDrop,
    /// The action spelled `labelkeep`.
    #[serde(rename = "labelkeep")]
    LabelKeepLower,
    /// The action spelled `LabelKeep`.
    LabelKeep,
    /// The action spelled `lowercase`.
    #[serde(rename = "lowercase")]
    LowercaseLower,
    /// The action spelled `Lowercase`.
    Lowercase,
    /// The action spelled `uppercase`.
    #[serde(rename = "uppercase")]
    UppercaseLower,
    /// The action spelled `Uppercase`.
    Uppercase,
    /// The action spelled `keepequal`.
    #[serde(rename = "keepequal")]
    KeepEqualLower,
    /// The action spelled `KeepEqual`.
    KeepEqual,
    /// The action spelled `dropequal`.
    #[serde(rename = "dropequal")]
    DropEqualLower,
    /// The action spelled `DropEqual`.
    DropEqual,
}

/// Where a Prometheus server is and how to reach it (used by PlacementPolicy monitoring).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusServer {
    /// AppBinding describing the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_binding_ref: Option<ObjectReference>,
    /// Server URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// PEM CA bundle, base64 encoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_bundle: Option<String>,
    /// TLS server name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_name: Option<String>,
    /// Skip TLS verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "insecureSkipTLSVerify")]
    pub insecure_skip_tls_verify: Option<bool>,
    /// Secret with basic-auth or token credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_secret: Option<ObjectReference>,
    /// Secret with a client certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_secret: Option<ObjectReference>,
}
