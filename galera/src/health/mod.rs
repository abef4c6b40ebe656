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
//!
//! Layout: `findings` holds the verdict's types, `components` what identifies a Primary
//! node's component, `slow` the desync and flow-control findings, `no_primary` the finding
//! (and the `pc.bootstrap` rule) when no node is Primary; this file holds [`assess`].

mod components;
mod findings;
mod no_primary;
mod slow;

use std::collections::BTreeSet;

use crate::status::{ClusterStatus, LocalState, WsrepStatus, on_off};

use components::{Key, component_evidence};
use findings::{cannot_judge, ev};
use no_primary::no_primary;
use slow::{desynced, desynced_on_purpose, flow_control};

pub use findings::{Evidence, Finding, Health, Verdict};
pub use slow::{FLOW_CONTROL_PAUSED_LIMIT, SLOW_APPLIER_QUEUE};

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
                let d = desynced(name, s);
                f(
                    d.message,
                    d.remedy.as_deref(),
                    d.changes_cluster,
                    d.evidence,
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
