//! A verdict on a set of nodes from their `wsrep%` status, with the checks of the
//! walkthrough's Step 8 and troubleshooting tips.
//!
//! Rules:
//!
//! - **Never judge what was not read.** Every node needs `wsrep_cluster_status` spelled as the
//!   server prints it (`Primary`, `non-Primary`, `Disconnected`:
//!   `MariaDB/server@10.3:sql/wsrep_mysqld.cc` `cluster_status_str`; `NULL`, empty or
//!   `primary` is not read as non-Primary), and a Primary node its `wsrep_cluster_size`, at
//!   least 1 (to tell its component); each node once (one name twice, or one
//!   `wsrep_gcomm_uuid` under two names, is one output given twice). Otherwise the verdict
//!   is [`Verdict::CannotJudge`], naming what is missing, with no remedy. A healthy verdict
//!   also needs `wsrep_ready` and `wsrep_local_state` on every node.
//! - **One component means they agree.** Primary nodes are one component only when what both
//!   report about it agrees: `wsrep_cluster_state_uuid`, `wsrep_cluster_size`,
//!   `wsrep_incoming_addresses` (every member of a view reports the same list:
//!   `codership/galera@release_26.4.18:galera/src/replicator_smm.cpp`
//!   `process_conf_change`/`establish_protocol_versions` fill it from the view) and
//!   `wsrep_cluster_conf_id`, except that a conf id of -1 (printed `18446744073709551615` by
//!   MariaDB's unsigned `SHOW_LONGLONG`) identifies nothing. More Primary nodes agreeing
//!   than their reported size also means more than one component.
//! - **One moment.** A node is in one component at a time (gcomm delivers one view at a
//!   time: `codership/galera@release_26.4.18:gcomm/src/pc_proto.cpp`), so Primary components
//!   that list a common incoming address, or more nodes than members listing one address
//!   set, are outputs captured at different moments: [`Verdict::CannotJudge`], capture again.
//! - Two or more Primary components is [`Verdict::SplitBrain`], naming the groups, whatever
//!   `--expect` says.
//! - **Slow or paused on purpose is not healthy without a word.** A member desynced on purpose
//!   (`wsrep_desync` ON, or `wsrep_desync_count` > 0 with no member joining) gets its own
//!   finding: `SET GLOBAL wsrep_desync=OFF` when the maintenance is over, not "wait for the
//!   state transfer" (there is none). Flow control above [`FLOW_CONTROL_PAUSED_LIMIT`] gets a
//!   finding naming the slow appliers ([`SLOW_APPLIER_QUEUE`], `wsrep_flow_control_sent`).
//!   Both make the verdict degraded, never no-primary.
//! - A remedy that changes the cluster (restart, SST, `pc.bootstrap`) is given only with the
//!   evidence that calls for it ([`Finding::evidence`]); `pc.bootstrap` only when no node is
//!   Primary and every expected member was read (galera applies it to the whole non-primary
//!   component of the node, `gcomm/src/pc_proto.cpp` `set_param` "pc.bootstrap"; done while
//!   another part is still primary it makes a second primary).
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

use std::collections::BTreeSet;
use std::fmt;

use crate::status::{ClusterStatus, LocalState, WsrepStatus, on_off};

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

fn ev(node: &str, variable: &str, value: impl ToString) -> Evidence {
    Evidence {
        node: node.to_owned(),
        variable: variable.to_owned(),
        value: value.to_string(),
    }
}

/// What identifies a node's component, as far as it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Key {
    uuid: Option<String>,
    size: Option<u64>,
    conf: Option<i64>,
    addresses: Option<Vec<Option<String>>>,
}

impl Key {
    fn of(s: &WsrepStatus) -> Key {
        Key {
            uuid: s.cluster_state_uuid.clone(),
            size: s.cluster_size,
            conf: s.cluster_conf_id.filter(|c| *c >= 0),
            addresses: s.incoming_addresses.clone().map(|mut a| {
                a.sort();
                a
            }),
        }
    }

    fn agrees(&self, other: &Key) -> bool {
        fn same<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
            match (a, b) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
        }
        same(&self.uuid, &other.uuid)
            && same(&self.size, &other.size)
            && same(&self.conf, &other.conf)
            && same(&self.addresses, &other.addresses)
    }
}

/// What a node reports about its component, as evidence.
fn component_evidence(name: &str, s: &WsrepStatus) -> Vec<Evidence> {
    let mut e = vec![ev(name, "wsrep_cluster_status", "Primary")];
    if let Some(n) = s.cluster_size {
        e.push(ev(name, "wsrep_cluster_size", n));
    }
    if let Some(u) = &s.cluster_state_uuid {
        e.push(ev(name, "wsrep_cluster_state_uuid", u));
    }
    if let Some(a) = &s.incoming_addresses {
        let a: Vec<&str> = a.iter().map(|x| x.as_deref().unwrap_or("")).collect();
        e.push(ev(name, "wsrep_incoming_addresses", a.join(",")));
    }
    if let Some(c) = s.cluster_conf_id {
        e.push(ev(name, "wsrep_cluster_conf_id", c));
    }
    e
}

fn cannot_judge(missing: Vec<(Option<String>, String)>) -> Health {
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

/// Judges `nodes` (name, status) against the expected cluster size (see the module docs).
pub fn assess(nodes: &[(String, WsrepStatus)], expected: Option<u64>) -> Health {
    // What a verdict needs.
    let mut missing = Vec::new();
    if nodes.is_empty() {
        missing.push((None, "no node's status was read".to_owned()));
    }
    for (name, s) in nodes {
        let node = Some(name.clone());
        if !s.read_any() {
            missing.push((
                node,
                "no wsrep variable was read (expected the output of SHOW STATUS LIKE 'wsrep%')"
                    .to_owned(),
            ));
        } else if s.cluster_status.is_none() {
            missing.push((node, "wsrep_cluster_status is missing".to_owned()));
        } else if let Some(ClusterStatus::Other(v)) = &s.cluster_status {
            let shown = if v.is_empty() { "empty" } else { v.as_str() };
            missing.push((
                node,
                format!(
                    "wsrep_cluster_status is {shown}: not a status the server reports (Primary, non-Primary or Disconnected, spelled so); read it again"
                ),
            ));
        } else if s.is_primary() && s.cluster_size.is_none() {
            missing.push((
                node,
                "wsrep_cluster_size is missing (needed to tell which component a Primary node is in)"
                    .to_owned(),
            ));
        } else if s.is_primary() && s.cluster_size == Some(0) {
            missing.push((
                node,
                "wsrep_cluster_size is 0, but a Primary component has at least one member; read it again"
                    .to_owned(),
            ));
        }
    }
    // Each node once: the same name twice, or the same gcomm identity under two names, is
    // one node's output given twice, and would count twice towards --expect.
    let mut repeated = BTreeSet::new();
    for (a, (name, s)) in nodes.iter().enumerate() {
        for (other, t) in &nodes[a + 1..] {
            if other == name {
                if !repeated.insert(name.as_str()) {
                    continue;
                }
                missing.push((
                    Some(name.clone()),
                    "this node is given more than once: give each node's status once (NAME=PATH names them)".to_owned(),
                ));
            } else if let (Some(u), Some(v)) = (&s.gcomm_uuid, &t.gcomm_uuid)
                && u == v
                && repeated.insert(other.as_str())
            {
                missing.push((
                    Some(other.clone()),
                    format!(
                        "reports the same wsrep_gcomm_uuid {u} as {name}: one node's status given twice; give each node's status once"
                    ),
                ));
            }
        }
    }
    if !missing.is_empty() {
        return cannot_judge(missing);
    }

    // Primary components: nodes agreeing on what they report.
    let primary: Vec<usize> = (0..nodes.len())
        .filter(|&i| nodes[i].1.is_primary())
        .collect();
    let keys: Vec<Key> = nodes.iter().map(|(_, s)| Key::of(s)).collect();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &i in &primary {
        let joined: Vec<usize> = (0..groups.len())
            .filter(|&g| groups[g].iter().any(|&j| keys[i].agrees(&keys[j])))
            .collect();
        let mut merged = vec![i];
        for &g in joined.iter().rev() {
            merged.extend(groups.remove(g));
        }
        merged.sort_unstable();
        groups.push(merged);
    }
    groups.sort();
    for g in &groups {
        for (a, &i) in g.iter().enumerate() {
            for &j in &g[a + 1..] {
                if !keys[i].agrees(&keys[j]) {
                    return cannot_judge(vec![(
                        None,
                        format!(
                            "{} and {} report different components, and what {} report does not say which of them the others are in: read wsrep_cluster_state_uuid, wsrep_cluster_size and wsrep_incoming_addresses on every node",
                            nodes[i].0,
                            nodes[j].0,
                            g.iter()
                                .filter(|&&k| k != i && k != j)
                                .map(|&k| nodes[k].0.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )]);
                }
            }
        }
    }
    // More agreeing members than the size they report: more components than can be named.
    let overfull: Vec<(usize, u64)> = groups
        .iter()
        .enumerate()
        .filter_map(|(g, m)| {
            let size = m.iter().find_map(|&i| nodes[i].1.cluster_size)?;
            (size > 0 && m.len() as u64 > size).then(|| (g, m.len().div_ceil(size as usize) as u64))
        })
        .collect();
    let names = |g: &[usize]| -> String {
        let n: Vec<&str> = g.iter().map(|&i| nodes[i].0.as_str()).collect();
        format!("{{{}}}", n.join(", "))
    };
    // A node is in one component at a time, and every member of a view reports the same
    // incoming addresses: Primary components that list a common member, or more nodes
    // listing one set of addresses than it has members, are outputs captured at different
    // moments (or one output given twice), not a split brain.
    let listed = |g: &[usize]| -> BTreeSet<&str> {
        g.iter()
            .filter_map(|&i| nodes[i].1.incoming_addresses.as_ref())
            .flatten()
            .filter_map(|a| a.as_deref())
            .collect()
    };
    for (a, ga) in groups.iter().enumerate() {
        for gb in &groups[a + 1..] {
            let common: Vec<&str> = listed(ga).intersection(&listed(gb)).copied().collect();
            if !common.is_empty() {
                return cannot_judge(vec![(
                    None,
                    format!(
                        "inconsistent snapshots: {} and {} report different Primary components that both list {}; a node is in one component at a time, so the outputs were captured at different moments: capture every node's status again, at the same time",
                        names(ga),
                        names(gb),
                        common.join(", ")
                    ),
                )]);
            }
        }
    }
    for (g, _) in &overfull {
        let m = &groups[*g];
        if m.iter().all(|&i| {
            nodes[i]
                .1
                .incoming_addresses
                .as_ref()
                .is_some_and(|a| !a.is_empty())
        }) {
            return cannot_judge(vec![(
                None,
                format!(
                    "inconsistent snapshots: {} Primary nodes ({}) report one component of {} members with the same incoming addresses: capture every node's status again, at the same time, once per node",
                    m.len(),
                    names(m),
                    m.iter()
                        .find_map(|&i| nodes[i].1.cluster_size)
                        .unwrap_or_default()
                ),
            )]);
        }
    }
    let count: u64 = groups.len() as u64 + overfull.iter().map(|(_, k)| k - 1).sum::<u64>();

    let mut findings = Vec::new();
    let primary_exists = count >= 1;
    let mut unread_for_healthy = Vec::new();

    for (name, s) in nodes {
        let mut f =
            |message: String, remedy: Option<&str>, changes: bool, evidence: Vec<Evidence>| {
                findings.push(Finding {
                    node: Some(name.clone()),
                    message,
                    remedy: remedy.map(str::to_owned),
                    changes_cluster: changes,
                    evidence,
                })
            };
        let status = s
            .cluster_status
            .clone()
            .unwrap_or(ClusterStatus::Other(String::new()));
        if !s.is_primary() {
            let e = vec![ev(name, "wsrep_cluster_status", &status)];
            if count == 1 {
                let g = &groups[0];
                let mut e = e;
                e.push(ev(&nodes[g[0]].0, "wsrep_cluster_status", "Primary"));
                f(
                    format!(
                        "wsrep_cluster_status is {status} while {} is a Primary component",
                        names(g)
                    ),
                    Some(
                        "the node is cut off from the primary component: check the network between clusters (KubeSlice gateways), then restart it so it rejoins",
                    ),
                    true,
                    e,
                );
            } else {
                f(format!("wsrep_cluster_status is {status}"), None, false, e);
            }
        }
        if s.connected == Some(false) {
            f(
                "wsrep_connected is OFF".into(),
                Some(
                    "the node is not connected to any peer: check wsrep_cluster_address and the slice DNS names",
                ),
                false,
                vec![ev(name, "wsrep_connected", on_off(false))],
            );
        }
        if s.ready == Some(false) {
            f(
                "wsrep_ready is OFF: it refuses queries".into(),
                primary_exists
                    .then_some("wait for it to join, or check the state transfer in its log"),
                false,
                vec![ev(name, "wsrep_ready", on_off(false))],
            );
        }
        match s.local_state {
            Some(LocalState::Synced) | None => {}
            Some(LocalState::Donor) if desynced_on_purpose(s, nodes) => {
                let comment = s
                    .local_state_comment
                    .clone()
                    .unwrap_or_else(|| LocalState::Donor.comment().into());
                let mut e = vec![ev(name, "wsrep_local_state", LocalState::Donor.code())];
                if let Some(n) = s.desync_count {
                    e.push(ev(name, "wsrep_desync_count", n));
                }
                if let Some(v) = s.other.get("wsrep_desync") {
                    e.push(ev(name, "wsrep_desync", v));
                }
                f(
                    format!(
                        "wsrep_local_state_comment is {comment} with wsrep_desync_count {} and no member joining: desynced on purpose (SET GLOBAL wsrep_desync=ON, a backup holding it, or a rolling schema upgrade); it applies write-sets without holding the cluster back and falls behind",
                        s.desync_count.unwrap_or_default()
                    ),
                    Some(
                        "when the backup or maintenance is over, run SET GLOBAL wsrep_desync=OFF on this node (or end the backup or DDL holding it); it then catches up by itself, no restart",
                    ),
                    false,
                    e,
                );
            }
            Some(state) => {
                let comment = s
                    .local_state_comment
                    .clone()
                    .unwrap_or_else(|| state.comment().into());
                let joining = nodes
                    .iter()
                    .any(|(_, t)| t.local_state == Some(LocalState::Joiner));
                let mut e = vec![ev(name, "wsrep_local_state", state.code())];
                // A donor with nobody joining among the members read: a joiner may be among
                // those not read, or the desync is deliberate; the status read cannot say.
                let remedy = if state == LocalState::Donor
                    && !joining
                    && let Some(n) = s.desync_count.filter(|n| *n > 0)
                {
                    e.push(ev(name, "wsrep_desync_count", n));
                    "no member read is joining: read every member's status (a joiner reports wsrep_local_state 1); if none is, it was desynced on purpose: SET GLOBAL wsrep_desync=OFF when the backup or maintenance is over"
                } else {
                    "wait for the state transfer to finish; if it stays, check the donor and the SST method"
                };
                f(
                    format!("wsrep_local_state_comment is {comment} (not Synced)"),
                    (s.is_primary()).then_some(remedy),
                    false,
                    e,
                );
            }
        }
        if let (Some(want), Some(size), true) = (expected, s.cluster_size, s.is_primary())
            && size != want
        {
            if size < want {
                f(
                    format!("wsrep_cluster_size is {size}, expected {want}"),
                    Some(
                        "a member is missing from the component: find the nodes not in it and restart them",
                    ),
                    true,
                    vec![ev(name, "wsrep_cluster_size", size)],
                );
            } else {
                f(
                    format!(
                        "wsrep_cluster_size is {size}, expected {want}: the component has more members than expected"
                    ),
                    Some(
                        "check --expect, and whether a node joined that should not have (wsrep_incoming_addresses lists the members)",
                    ),
                    false,
                    vec![ev(name, "wsrep_cluster_size", size)],
                );
            }
        }
        for (missing, var) in [
            (s.ready.is_none(), "wsrep_ready"),
            (s.local_state.is_none(), "wsrep_local_state"),
        ] {
            if missing {
                unread_for_healthy.push(format!("{name}: {var} is missing"));
            }
        }
    }

    if let Some(finding) = flow_control(nodes) {
        findings.push(finding);
    }

    // Histories.
    if count == 1 {
        let g = &groups[0];
        // The member of the primary component that reported the history: the evidence
        // names the node that was read, not the component's first member.
        if let Some((reporter, uuid)) = g
            .iter()
            .find_map(|&i| Some((i, nodes[i].1.cluster_state_uuid.clone()?)))
        {
            let odd: Vec<usize> = (0..nodes.len())
                .filter(|&i| {
                    nodes[i]
                        .1
                        .cluster_state_uuid
                        .as_ref()
                        .is_some_and(|u| *u != uuid)
                })
                .collect();
            if !odd.is_empty() {
                let mut e = vec![ev(&nodes[reporter].0, "wsrep_cluster_state_uuid", &uuid)];
                e.extend(odd.iter().map(|&i| {
                    ev(
                        &nodes[i].0,
                        "wsrep_cluster_state_uuid",
                        nodes[i].1.cluster_state_uuid.as_deref().unwrap_or(""),
                    )
                }));
                findings.push(Finding {
                    node: None,
                    message: format!(
                        "{} report another history than the primary component ({uuid})",
                        names(&odd)
                    ),
                    remedy: Some(format!(
                        "they are not part of its history: restart {} so they rejoin with a full state transfer (SST)",
                        names(&odd)
                    )),
                    changes_cluster: true,
                    evidence: e,
                });
            }
        }
    }

    let verdict = if count >= 2 {
        let mut evidence = Vec::new();
        let mut parts = Vec::new();
        for (k, g) in groups.iter().enumerate() {
            for &i in g {
                evidence.extend(component_evidence(&nodes[i].0, &nodes[i].1));
            }
            let last: Vec<String> = g
                .iter()
                .filter_map(|&i| {
                    let c = nodes[i].1.last_committed?;
                    evidence.push(ev(&nodes[i].0, "wsrep_last_committed", c));
                    Some(format!("{} {c}", nodes[i].0))
                })
                .collect();
            let size = g.iter().find_map(|&i| nodes[i].1.cluster_size).unwrap_or(0);
            let mut part = format!("{} (size {size}", names(g));
            if !last.is_empty() {
                part.push_str(&format!(", wsrep_last_committed {}", last.join(", ")));
            }
            part.push(')');
            if let Some((_, n)) = overfull.iter().find(|(o, _)| *o == k) {
                part.push_str(&format!(
                    ": {} Primary nodes in components of {size}, so at least {n} components; wsrep_incoming_addresses would tell them apart",
                    g.len()
                ));
            }
            parts.push(part);
        }
        findings.push(Finding {
            node: None,
            message: format!("{count} Primary components: {}", parts.join(" and ")),
            remedy: Some("split brain (pc.ignore_sb, pc.ignore_quorum or a pc.bootstrap while another part was primary): stop writes to all but one component; keep the one whose data you keep (compare wsrep_last_committed and the application's last writes), stop the nodes of the others and restart them so they rejoin it with a full state transfer (SST)".into()),
            changes_cluster: true,
            evidence,
        });
        Verdict::SplitBrain
    } else if count == 0 {
        findings.push(no_primary(nodes, expected));
        Verdict::NoPrimary
    } else if findings.iter().any(|f| !f.evidence.is_empty()) {
        Verdict::Degraded
    } else if !unread_for_healthy.is_empty() {
        return cannot_judge(
            unread_for_healthy
                .into_iter()
                .map(|m| (None, format!("cannot call the cluster healthy: {m}")))
                .collect(),
        );
    } else {
        Verdict::Healthy
    };
    Health {
        verdict,
        findings,
        components: groups
            .iter()
            .map(|g| g.iter().map(|&i| nodes[i].0.clone()).collect())
            .collect(),
    }
}

/// `wsrep_flow_control_paused` above which replication counts as stalled: a tenth of the time.
/// Galera's monitoring guide gives no number, only that it "should stay as close to 0.0 as
/// possible" and that 0.25 over a minute is 15 seconds paused
/// (`codership/documentation@49dffcc:galeracluster/source/documentation/monitoring-cluster.rst`,
/// "Checking the Replication Health"); the mysqld-exporter mixin has no flow-control alert
/// (`prometheus/mysqld_exporter@v0.20.0:mysqld-mixin/alerts/galera.yaml`). 0.1 is the value
/// common monitoring setups use.
pub const FLOW_CONTROL_PAUSED_LIMIT: f64 = 0.1;

/// `wsrep_local_recv_queue_avg` above which a member counts as a slow applier: more than one
/// write-set waiting on average. Galera's guide: a value "higher than 0.0 means that the node
/// cannot apply write-sets as fast as it receives them, which can lead to replication
/// throttling" (same file); flow control starts when the queue reaches `gcs.fc_limit` (16 by
/// default, `MariaDB/galera@release_26.4.20:gcs/src/gcs_params.cpp`).
pub const SLOW_APPLIER_QUEUE: f64 = 1.0;

/// A member desynced on purpose: `wsrep_desync` read ON, or `wsrep_desync_count` above 0 while
/// no member of the component is joining (a donor's desync ends with its joiner's state
/// transfer; a manual one does not) and every member of its component was read (an unread
/// member could be the joiner). Galera's status reference: the count is "the number of
/// operations in progress that require the node to temporarily desync from the cluster"
/// (`codership/documentation@49dffcc:galeracluster/source/documentation/galera-status-variables.rst`).
fn desynced_on_purpose(s: &WsrepStatus, nodes: &[(String, WsrepStatus)]) -> bool {
    if s.other
        .get("wsrep_desync")
        .is_some_and(|v| v == "ON" || v == "1")
    {
        return true;
    }
    let joining = nodes
        .iter()
        .any(|(_, t)| t.local_state == Some(LocalState::Joiner));
    let all_read = s.cluster_size.is_some_and(|n| n <= nodes.len() as u64);
    s.desync_count.is_some_and(|n| n > 0) && !joining && all_read
}

/// Flow control stalling the cluster: members that read `wsrep_flow_control_paused` above
/// [`FLOW_CONTROL_PAUSED_LIMIT`], naming the slow appliers that drive it (those that sent
/// flow-control pauses, `wsrep_flow_control_sent` > 0, where read; else those whose receive
/// queue averages above [`SLOW_APPLIER_QUEUE`]).
fn flow_control(nodes: &[(String, WsrepStatus)]) -> Option<Finding> {
    let paused: Vec<(&str, f64)> = nodes
        .iter()
        .filter_map(|(n, s)| Some((n.as_str(), s.flow_control_paused?)))
        .filter(|(_, p)| *p > FLOW_CONTROL_PAUSED_LIMIT)
        .collect();
    let worst = paused.iter().map(|(_, p)| *p).fold(0.0_f64, f64::max);
    if paused.is_empty() {
        return None;
    }
    let mut evidence: Vec<Evidence> = paused
        .iter()
        .map(|(n, p)| ev(n, "wsrep_flow_control_paused", p))
        .collect();
    let sent: Vec<(&str, u64)> = nodes
        .iter()
        .filter_map(|(n, s)| {
            let v = s
                .other
                .get("wsrep_flow_control_sent")?
                .parse::<u64>()
                .ok()?;
            Some((n.as_str(), v))
        })
        .filter(|(_, v)| *v > 0)
        .collect();
    let mut queued: Vec<(&str, f64)> = nodes
        .iter()
        .filter_map(|(n, s)| Some((n.as_str(), s.local_recv_queue_avg?)))
        .filter(|(_, q)| *q > SLOW_APPLIER_QUEUE)
        .collect();
    queued.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut slow: Vec<String> = Vec::new();
    for (n, v) in &sent {
        evidence.push(ev(n, "wsrep_flow_control_sent", v));
        slow.push(format!("{n} (sent {v} flow-control pauses)"));
    }
    for (n, q) in &queued {
        evidence.push(ev(n, "wsrep_local_recv_queue_avg", q));
        if !sent.iter().any(|(m, _)| m == n) {
            slow.push(format!("{n} (receive queue {q} on average)"));
        }
    }
    let who = if slow.is_empty() {
        "no member read shows why (read wsrep_flow_control_sent and wsrep_local_recv_queue_avg on every member)".to_owned()
    } else {
        format!("the slow applier: {}", slow.join(", "))
    };
    let remedy = if slow.is_empty() {
        "find the member that applies slowly (the one sending flow-control pauses), then raise its wsrep_slave_threads or fix what slows it (disk, CPU, long transactions)".to_owned()
    } else {
        let names: Vec<&str> = sent
            .iter()
            .map(|(n, _)| *n)
            .chain(queued.iter().map(|(n, _)| *n))
            .collect();
        let mut unique = Vec::new();
        for n in names {
            if !unique.contains(&n) {
                unique.push(n);
            }
        }
        format!(
            "find why {} applies slowly (disk, CPU, long transactions, too few wsrep_slave_threads) and fix it, or take it out of the cluster while it cannot keep up; the others wait for it",
            unique.join(", ")
        )
    };
    Some(Finding {
        node: None,
        message: format!(
            "replication was paused by flow control {:.0}% of the time (wsrep_flow_control_paused {worst:.3}, above {FLOW_CONTROL_PAUSED_LIMIT}): writes stall; {who}",
            worst * 100.0
        ),
        remedy: Some(remedy),
        changes_cluster: false,
        evidence,
    })
}

/// The cluster finding when no node is Primary: `pc.bootstrap` only when every expected
/// member was read, all of one history, and the most advanced one is connected.
fn no_primary(nodes: &[(String, WsrepStatus)], expected: Option<u64>) -> Finding {
    let mut evidence: Vec<Evidence> = nodes
        .iter()
        .map(|(n, s)| {
            ev(
                n,
                "wsrep_cluster_status",
                s.cluster_status
                    .as_ref()
                    .map_or(String::new(), ToString::to_string),
            )
        })
        .collect();
    let message = "no node is in a primary component".to_owned();
    // Every member: as many as expected, and as many as any node says its component has.
    let largest = nodes
        .iter()
        .filter_map(|(n, s)| Some((n, s.cluster_size?)))
        .max_by_key(|(_, size)| *size);
    if let Some((n, size)) = largest
        && size > nodes.len() as u64
    {
        evidence.push(ev(n, "wsrep_cluster_size", size));
        return Finding {
            node: None,
            message: message.clone(),
            remedy: Some(format!(
                "{n} reports a component of {size} members but {} were read{}: read the status of every member; pc.bootstrap is safe only when no member anywhere is Primary",
                nodes.len(),
                expected.map_or(String::new(), |e| format!(" (--expect {e})"))
            )),
            changes_cluster: false,
            evidence,
        };
    }
    let all_read = expected.is_some_and(|e| nodes.len() as u64 >= e);
    let unsure = |remedy: String, evidence: Vec<Evidence>| Finding {
        node: None,
        message: message.clone(),
        remedy: Some(remedy),
        changes_cluster: false,
        evidence,
    };
    if !all_read {
        return unsure(
            format!(
                "read the status of every member ({} read{}): pc.bootstrap is safe only when no member anywhere is Primary; after a full outage, plan a recovery (galera-recover)",
                nodes.len(),
                expected.map_or(", pass --expect N".to_owned(), |e| format!(" of {e}"))
            ),
            evidence,
        );
    }
    let histories: BTreeSet<&str> = nodes
        .iter()
        .filter_map(|(_, s)| s.cluster_state_uuid.as_deref())
        .collect();
    let unread: Vec<&str> = nodes
        .iter()
        .filter(|(_, s)| s.last_committed.is_none() || s.connected.is_none())
        .map(|(n, _)| n.as_str())
        .collect();
    if histories.len() > 1 || !unread.is_empty() {
        let why = if histories.len() > 1 {
            "the nodes report different histories".to_owned()
        } else {
            format!(
                "wsrep_last_committed or wsrep_connected was not read on {}",
                unread.join(", ")
            )
        };
        return unsure(
            format!(
                "{why}, so the most advanced node is not known: plan a recovery (galera-recover) instead of pc.bootstrap"
            ),
            evidence,
        );
    }
    // The first node (in input order) with the highest position.
    let Some(seqno) = nodes.iter().filter_map(|(_, x)| x.last_committed).max() else {
        return unsure("no node was read".into(), evidence);
    };
    let Some((first, s)) = nodes.iter().find(|(_, x)| x.last_committed == Some(seqno)) else {
        return unsure("no node was read".into(), evidence);
    };
    let first = first.clone();
    evidence.extend(
        nodes
            .iter()
            .filter_map(|(n, x)| Some(ev(n, "wsrep_last_committed", x.last_committed?))),
    );
    if s.connected != Some(true) {
        evidence.push(ev(&first, "wsrep_connected", on_off(false)));
        return unsure(
            format!(
                "the most advanced node, {first}, is not connected, so pc.bootstrap cannot run there: plan a recovery (galera-recover)"
            ),
            evidence,
        );
    }
    evidence.push(ev(&first, "wsrep_connected", on_off(true)));
    Finding {
        node: None,
        message,
        remedy: Some(format!(
            "every expected member was read and none is Primary: run SET GLOBAL wsrep_provider_options='pc.bootstrap=YES' on {first} only (the most advanced: wsrep_last_committed {seqno}); the nodes of its component become primary with it and the others rejoin it"
        )),
        changes_cluster: true,
        evidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by `tests/safety.rs` (random, once): a Primary member that reported no
    /// `wsrep_cluster_state_uuid` was named as the reader of the other member's.
    #[test]
    fn the_history_evidence_names_the_node_that_reported_it() {
        let status = |pairs: &[(&str, &str)]| {
            WsrepStatus::from_pairs(pairs.iter().copied()).expect("valid pairs")
        };
        let nodes = vec![
            (
                "n0".to_owned(),
                status(&[
                    ("wsrep_cluster_status", "non-Primary"),
                    (
                        "wsrep_cluster_state_uuid",
                        "4d2a7b3f-5b7d-11f0-9a1b-0242ac120002",
                    ),
                ]),
            ),
            (
                "n1".to_owned(),
                status(&[
                    ("wsrep_cluster_status", "Primary"),
                    ("wsrep_cluster_size", "3"),
                ]),
            ),
            (
                "n2".to_owned(),
                status(&[
                    ("wsrep_cluster_status", "Primary"),
                    ("wsrep_cluster_size", "3"),
                    (
                        "wsrep_cluster_state_uuid",
                        "3c1f6a2e-5b7d-11f0-9a1b-0242ac120002",
                    ),
                ]),
            ),
        ];
        let h = assess(&nodes, None);
        let f = h
            .findings
            .iter()
            .find(|f| f.to_string().contains("another history"))
            .expect("the other history is reported");
        let primary: Vec<&str> = f
            .evidence
            .iter()
            .filter(|e| e.value.starts_with("3c1f6a2e"))
            .map(|e| e.node.as_str())
            .collect();
        assert_eq!(primary, ["n2"], "{f}");
    }
}
