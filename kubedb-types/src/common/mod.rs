//! Types shared by several KubeDB kinds.
//!
//! Upstream keeps these in the kmodules libraries (`offshoot-api`, `client-go/api/v1`,
//! `monitoring-agent-api`); they are grouped here by the same split.

pub mod kmapi;
pub mod monitoring;
pub mod offshoot;
pub mod quantity;

/// Schema of a free-form JSON value: any object, kept as is by the API server.
pub(crate) fn free_form(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "x-kubernetes-preserve-unknown-fields": true })
}
