//! What a verdict is made of: the [`Verdict`], the [`Finding`]s with the [`Evidence`] they rest
//! on, and the [`Health`] that carries them.

use std::fmt;

/// The overall verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every node Primary, connected, ready, Synced, one history, the expected size.
    Healthy,
    /// A primary component exists, but something is off.
    Degraded,
    /// More than one primary component.
    SplitBrain,
    /// No node is in a primary component.
    NoPrimary,
    /// No verdict: what one needs was not read ([`Health::findings`] say what).
    CannotJudge,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Healthy => "healthy",
            Verdict::Degraded => "degraded",
            Verdict::SplitBrain => "split-brain",
            Verdict::NoPrimary => "no-primary",
            Verdict::CannotJudge => "cannot judge",
        })
    }
}

/// One variable as read on one node: what a finding rests on.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Evidence {
    /// The node.
    pub node: String,
    /// The variable (`wsrep_cluster_status`).
    pub variable: String,
    /// Its value, as read.
    pub value: String,
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}={}", self.node, self.variable, self.value)
    }
}

/// One problem and its remedy.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// The node, or `None` for the cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do; `None` when nothing read calls for an action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remedy: Option<String>,
    /// The remedy restarts a node, transfers a state or bootstraps a component.
    pub changes_cluster: bool,
    /// The variables read that the finding and its remedy rest on.
    pub evidence: Vec<Evidence>,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            self.node.as_deref().unwrap_or("cluster"),
            self.message
        )?;
        if let Some(r) = &self.remedy {
            write!(f, " (remedy: {r})")?;
        }
        if !self.evidence.is_empty() {
            let e: Vec<String> = self.evidence.iter().map(ToString::to_string).collect();
            write!(f, " [evidence: {}]", e.join(", "))?;
        }
        Ok(())
    }
}

/// The verdict and findings.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Health {
    /// Verdict.
    pub verdict: Verdict,
    /// Findings: per node in node order, then the cluster's. With
    /// [`Verdict::CannotJudge`], what is missing (no remedies).
    pub findings: Vec<Finding>,
    /// The Primary components found, each as its members' names.
    pub components: Vec<Vec<String>>,
}

pub(super) fn ev(node: &str, variable: &str, value: impl ToString) -> Evidence {
    Evidence {
        node: node.to_owned(),
        variable: variable.to_owned(),
        value: value.to_string(),
    }
}

pub(super) fn cannot_judge(missing: Vec<(Option<String>, String)>) -> Health {
    Health {
        verdict: Verdict::CannotJudge,
        findings: missing
            .into_iter()
            .map(|(node, message)| Finding {
                node,
                message,
                remedy: None,
                changes_cluster: false,
                evidence: Vec::new(),
            })
            .collect(),
        components: Vec::new(),
    }
}
