//! The cluster finding when no node is Primary, and when `pc.bootstrap` is safe.

use std::collections::BTreeSet;

use crate::status::{WsrepStatus, on_off};

use super::findings::{Evidence, Finding, ev};

/// The cluster finding when no node is Primary: `pc.bootstrap` only when every expected
/// member was read, all of one history, and the most advanced one is connected.
pub(super) fn no_primary(nodes: &[(String, WsrepStatus)], expected: Option<u64>) -> Finding {
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
