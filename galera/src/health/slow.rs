//! Slow or paused on purpose: a member desynced on purpose, and flow control with the slow
//! appliers that drive it. Both make a verdict degraded, never no-primary.

use crate::status::{LocalState, WsrepStatus};

use super::findings::{Evidence, Finding, ev};

/// `wsrep_flow_control_paused` above which replication counts as stalled: a tenth of the time,
/// the default critical value of the Nagios plugin `check_galera_cluster`
/// (`fridim/nagios-plugin-check_galera_cluster@de68a60:check_galera_cluster`, version 1.1.5:
/// `fcp=0.1`, "Sets critical value of wsrep_flow_control_paused (default is 0.1)"). Galera's
/// monitoring guide gives no number, only that it "should stay as close to 0.0 as possible"
/// (`codership/documentation@49dffcc:galeracluster/source/documentation/monitoring-cluster.rst`,
/// "Checking the Replication Health"); the mysqld-exporter mixin has no flow-control alert
/// (`prometheus/mysqld_exporter@v0.20.0:mysqld-mixin/alerts/galera.yaml`).
pub const FLOW_CONTROL_PAUSED_LIMIT: f64 = 0.1;

/// `wsrep_local_recv_queue_avg` above which a member counts as a slow applier: more than one
/// write-set waiting on average. Galera's guide: a value "higher than 0.0 means that the node
/// cannot apply write-sets as fast as it receives them, which can lead to replication
/// throttling" (same file); flow control starts when the queue reaches `gcs.fc_limit` (16 by
/// default, `MariaDB/galera@release_26.4.20:gcs/src/gcs_params.cpp`).
pub const SLOW_APPLIER_QUEUE: f64 = 1.0;

/// A member desynced on purpose: `wsrep_desync` read ON, or `wsrep_desync_count` above 0 while
/// no member of the component is joining (a donor's desync ends with its joiner's state
/// transfer; a manual one does not; a `Joined` member counts as joining) and every member of
/// its component was read (an unread member could be the joiner). Galera's status reference: the count is "the number of
/// operations in progress that require the node to temporarily desync from the cluster"
/// (`codership/documentation@49dffcc:galeracluster/source/documentation/galera-status-variables.rst`).
pub(super) fn desynced_on_purpose(s: &WsrepStatus, nodes: &[(String, WsrepStatus)]) -> bool {
    if s.other
        .get("wsrep_desync")
        .is_some_and(|v| v == "ON" || v == "1")
    {
        return true;
    }
    // A member that is Joined has just received a state transfer and may not have told its
    // donor yet: the donor's desync may still be that transfer's.
    let joining = nodes
        .iter()
        .any(|(_, t)| matches!(t.local_state, Some(LocalState::Joiner | LocalState::Joined)));
    let all_read = s.cluster_size.is_some_and(|n| n <= nodes.len() as u64);
    s.desync_count.is_some_and(|n| n > 0) && !joining && all_read
}

/// Flow control stalling the cluster: members that read `wsrep_flow_control_paused` above
/// [`FLOW_CONTROL_PAUSED_LIMIT`], naming the slow appliers that drive it: per member, those
/// that sent flow-control pauses (`wsrep_flow_control_sent` > 0) where it was read, else
/// those whose receive queue averages above [`SLOW_APPLIER_QUEUE`]. A member in the Donor/
/// Desynced state is never one: galera sends a flow-control stop only while
/// `conn->state <= conn->max_fc_state`, and `max_fc_state` is `GCS_CONN_JOINED`, before
/// `GCS_CONN_DONOR`, unless `gcs.sync_donor` is set
/// (`codership/galera@release_26.4.23:gcs/src/gcs.cpp` `gcs_fc_stop_begin`, `gcs_conn::gcs_conn`).
pub(super) fn flow_control(nodes: &[(String, WsrepStatus)]) -> Option<Finding> {
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
    let donors: Vec<&str> = nodes
        .iter()
        .filter(|(_, s)| s.local_state == Some(LocalState::Donor))
        .map(|(n, _)| n.as_str())
        .collect();
    let candidates = nodes.iter().filter(|(n, _)| !donors.contains(&n.as_str()));
    let sent_read = |s: &WsrepStatus| -> Option<u64> {
        s.other.get("wsrep_flow_control_sent")?.trim().parse().ok()
    };
    let sent: Vec<(&str, u64)> = candidates
        .clone()
        .filter_map(|(n, s)| Some((n.as_str(), sent_read(s)?)))
        .filter(|(_, v)| *v > 0)
        .collect();
    let mut queued: Vec<(&str, f64)> = candidates
        .filter(|(_, s)| sent_read(s).is_none())
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
        slow.push(format!("{n} (receive queue {q} on average)"));
    }
    let desynced = if donors.is_empty() {
        String::new()
    } else {
        format!(
            " ({} desynced: a desynced member sends no flow control)",
            donors.join(", ")
        )
    };
    let who = if slow.is_empty() {
        format!(
            "no member read shows why{desynced} (read wsrep_flow_control_sent and wsrep_local_recv_queue_avg on every member)"
        )
    } else {
        format!("the slow applier: {}{desynced}", slow.join(", "))
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

/// The finding on a member desynced on purpose ([`desynced_on_purpose`]): it falls behind
/// without holding the cluster back, and `SET GLOBAL wsrep_desync=OFF` ends it once the
/// maintenance is over (no state transfer to wait for, no restart).
pub(super) fn desynced(name: &str, s: &WsrepStatus) -> Finding {
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
    Finding {
        node: Some(name.to_owned()),
        message: format!(
            "wsrep_local_state_comment is {comment} with wsrep_desync_count {} and no member joining: desynced on purpose (SET GLOBAL wsrep_desync=ON, a backup holding it, or a rolling schema upgrade); it applies write-sets without holding the cluster back and falls behind",
            s.desync_count.unwrap_or_default()
        ),
        remedy: Some(
            "when the backup or maintenance is over, run SET GLOBAL wsrep_desync=OFF on this node (or end the backup or DDL holding it); it then catches up by itself, no restart"
                .to_owned(),
        ),
        changes_cluster: false,
        evidence: e,
    }
}
