//! Findings (preflight's and the pod table's) and how they name objects.

use std::fmt;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The deployment would fail: no plan is produced.
    Error,
    /// The deployment may work but something is off.
    Warning,
    /// Worth knowing.
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// One preflight finding: what, about which object, and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Severity.
    pub severity: Severity,
    /// The object, as [`object_id`] writes it: `Kind/name` or `Kind/namespace/name`.
    pub object: String,
    /// What was found.
    pub message: String,
    /// What to do about it.
    pub remedy: String,
}

impl Finding {
    pub(crate) fn new(
        severity: Severity,
        object: impl Into<String>,
        message: impl Into<String>,
        remedy: impl Into<String>,
    ) -> Self {
        Finding {
            severity,
            object: object.into(),
            message: message.into(),
            remedy: remedy.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<7} {}: {}", self.severity, self.object, self.message)?;
        if !self.remedy.is_empty() {
            write!(f, "\n        remedy: {}", self.remedy)?;
        }
        Ok(())
    }
}

/// How the deployer names an object everywhere (findings, progress, wait conditions, plan
/// steps): `Kind/namespace/name`, or `Kind/name` for a cluster-scoped object; the one rule
/// lives in `ocm-types` ([`ocm_types::common::object_id`]).
pub use ocm_types::common::object_id;

/// The error for a spoke whose work agent does not return JsonRaw status feedback
/// (`RawFeedbackJsonString` off): `message` says how it was found out (from the Klusterlet in
/// preflight, or from pod feedback with a phase but no Ready condition). The gate is the one
/// [`ocm_types::operator::v1::Klusterlet::raw_feedback_json_string`] reads.
pub(crate) fn raw_feedback_gate_off(cluster: &str, message: &str) -> Finding {
    Finding::new(
        Severity::Error,
        object_id("Klusterlet", None, cluster),
        message,
        "add workConfiguration.featureGates [{feature: RawFeedbackJsonString, mode: Enable}] to the klusterlet (or join with --feature-gates=RawFeedbackJsonString=true)",
    )
}
