//! A verdict on a set of nodes from their `wsrep%` status, with the checks of the
//! walkthrough's Step 8 and troubleshooting tips.
//!
//! ```
//! use galera::health::{assess, Verdict};
//! use galera::status::WsrepStatus;
//! let node = |status: &str| WsrepStatus::from_pairs([
//!     ("wsrep_cluster_status", status), ("wsrep_cluster_size", "3"), ("wsrep_connected", "ON"),
//!     ("wsrep_ready", "ON"), ("wsrep_local_state", "4"), ("wsrep_cluster_state_uuid", "u"),
//! ]).unwrap();
//! let nodes = vec![("a".into(), node("Primary")), ("b".into(), node("Primary")), ("c".into(), node("Primary"))];
//! assert_eq!(assess(&nodes, Some(3)).verdict, Verdict::Healthy);
//! ```

use std::collections::BTreeMap;
use std::fmt;

use crate::status::{ClusterStatus, LocalState, WsrepStatus};

/// The overall verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Every node Primary, connected, ready, Synced, one history, the expected size.
    Healthy,
    /// A primary component exists, but something is off.
    Degraded,
    /// More than one primary component.
    SplitBrain,
    /// No node is in a primary component.
    NoPrimary,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Healthy => "healthy",
            Verdict::Degraded => "degraded",
            Verdict::SplitBrain => "split-brain",
            Verdict::NoPrimary => "no-primary",
        })
    }
}

/// One problem and its remedy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The node, or `None` for the cluster.
    pub node: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub remedy: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (remedy: {})",
            self.node.as_deref().unwrap_or("cluster"),
            self.message,
            self.remedy
        )
    }
}

/// The verdict and findings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Health {
    /// Verdict.
    pub verdict: Verdict,
    /// Findings, in node order.
    pub findings: Vec<Finding>,
}

/// Judges `nodes` (name, status) against the expected cluster size.
pub fn assess(nodes: &[(String, WsrepStatus)], expected: Option<u64>) -> Health {
    let mut findings = Vec::new();
    let mut f = |node: &str, message: String, remedy: &str| {
        findings.push(Finding {
            node: Some(node.to_owned()),
            message,
            remedy: remedy.to_owned(),
        })
    };
    for (name, s) in nodes {
        match &s.cluster_status {
            Some(ClusterStatus::Primary) => {}
            Some(other) => f(
                name,
                format!("wsrep_cluster_status is {other}"),
                "the node is cut off from the primary component: check the network between clusters (KubeSlice gateways), then restart it to rejoin",
            ),
            None => f(
                name,
                "wsrep_cluster_status is missing".into(),
                "check that wsrep is on (wsrep_on=ON) and the provider loaded",
            ),
        }
        if s.connected == Some(false) {
            f(
                name,
                "wsrep_connected is OFF".into(),
                "the node is not connected to any peer: check wsrep_cluster_address and the slice DNS names",
            );
        }
        if s.ready == Some(false) {
            f(
                name,
                "wsrep_ready is OFF: it refuses queries".into(),
                "wait for it to join, or check the state transfer in its log",
            );
        }
        match s.local_state {
            Some(LocalState::Synced) | None => {}
            Some(state) => f(
                name,
                format!(
                    "wsrep_local_state_comment is {} (not Synced)",
                    s.local_state_comment
                        .clone()
                        .unwrap_or_else(|| state.comment().into())
                ),
                "wait for the state transfer to finish; if it stays, check the donor and the SST method",
            ),
        }
        if let (Some(want), Some(size), true) = (expected, s.cluster_size, s.is_primary())
            && size != want
        {
            f(
                name,
                format!("wsrep_cluster_size is {size}, expected {want}"),
                "a member is missing: find the pods not in the component and restart them",
            );
        }
    }
    // Primary components: group Primary nodes by (history, conf id).
    let mut primaries: BTreeMap<(Option<&str>, Option<i64>), Vec<&str>> = BTreeMap::new();
    for (name, s) in nodes.iter().filter(|(_, s)| s.is_primary()) {
        primaries
            .entry((s.cluster_state_uuid.as_deref(), s.cluster_conf_id))
            .or_default()
            .push(name);
    }
    let mut uuids: Vec<&str> = nodes
        .iter()
        .filter_map(|(_, s)| s.cluster_state_uuid.as_deref())
        .collect();
    uuids.sort_unstable();
    uuids.dedup();
    if uuids.len() > 1 {
        findings.push(Finding {
            node: None,
            message: format!(
                "nodes report different wsrep_cluster_state_uuid: {}",
                uuids.join(", ")
            ),
            remedy: "the nodes are not one history: rejoin the odd ones with a full state transfer"
                .into(),
        });
    }
    let verdict = match primaries.len() {
        0 => {
            findings.push(Finding { node: None, message: "no node is in a primary component".into(), remedy: "the cluster lost quorum: if all nodes are up, run SET GLOBAL wsrep_provider_options='pc.bootstrap=YES' on the most advanced node; after a full outage, plan a recovery (galera-recover)".into() });
            Verdict::NoPrimary
        }
        1 if findings.is_empty() => Verdict::Healthy,
        1 => Verdict::Degraded,
        _ => {
            let groups: Vec<String> = primaries.values().map(|g| g.join("+")).collect();
            findings.push(Finding { node: None, message: format!("{} primary components: {}", primaries.len(), groups.join(" | ")), remedy: "split brain (pc.ignore_sb or pc.ignore_quorum in use?): stop the smaller side, keep the side with the newest writes, rejoin the others by SST".into() });
            Verdict::SplitBrain
        }
    };
    Health { verdict, findings }
}
