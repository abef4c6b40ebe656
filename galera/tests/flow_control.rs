//! Flow control and desync findings from the review of issue 23 (F-7, F-11, F-12): who is
//! named as the slow applier, which readings are not readings, when a donor is desynced on
//! purpose.

use galera::health::{Verdict, assess};
use galera::status::WsrepStatus;

const U: &str = "f4714c73-e875-11f1-9d52-da7fbb3aae7b";

/// A member of a 3-node Primary component in `state`, with `extra` variables.
fn member(state: &str, desync: &str, extra: &[(&str, &str)]) -> WsrepStatus {
    let mut pairs = vec![
        ("wsrep_cluster_status", "Primary"),
        ("wsrep_cluster_size", "3"),
        ("wsrep_cluster_state_uuid", U),
        ("wsrep_connected", "ON"),
        ("wsrep_ready", "ON"),
        ("wsrep_local_state", state),
        ("wsrep_desync_count", desync),
    ];
    pairs.extend_from_slice(extra);
    WsrepStatus::from_pairs(pairs.iter().copied()).expect("a status")
}

fn named(list: Vec<(&str, WsrepStatus)>) -> Vec<(String, WsrepStatus)> {
    list.into_iter().map(|(n, s)| (n.to_owned(), s)).collect()
}

/// F-7: a member desynced on purpose sends no flow control (galera sends a stop only up to
/// `GCS_CONN_JOINED` unless `gcs.sync_donor`), so it is never named as what the others wait
/// for, even with the longest receive queue.
#[test]
fn a_desynced_member_is_not_the_slow_applier() {
    fn paused(queue: &'static str) -> [(&'static str, &'static str); 2] {
        [
            ("wsrep_flow_control_paused", "0.6"),
            ("wsrep_local_recv_queue_avg", queue),
        ]
    }
    let nodes = named(vec![
        ("node-0", member("4", "0", &paused("0.1"))),
        ("node-1", member("4", "0", &paused("0.2"))),
        ("node-2", member("2", "1", &paused("22.413793"))),
    ]);
    let h = assess(&nodes, Some(3));
    assert_eq!(h.verdict, Verdict::Degraded);
    let fc = h
        .findings
        .iter()
        .find(|f| f.message.contains("flow control"))
        .expect("a flow-control finding");
    assert!(!fc.message.contains("slow applier: node-2"), "{fc}");
    assert!(
        fc.message.contains(
            "no member read shows why (node-2 desynced: a desynced member sends no flow control)"
        ),
        "{fc}"
    );
}

/// F-11 (a): where `wsrep_flow_control_sent` was read, it decides; the receive queue speaks
/// only for members whose counter was not read.
#[test]
fn the_sent_counter_decides_where_read() {
    let nodes = named(vec![
        (
            "node-0",
            member(
                "4",
                "0",
                &[
                    ("wsrep_flow_control_paused", "0.87"),
                    ("wsrep_flow_control_sent", "0"),
                ],
            ),
        ),
        (
            "node-1",
            member(
                "4",
                "0",
                &[
                    ("wsrep_flow_control_paused", "0.87"),
                    ("wsrep_flow_control_sent", "57"),
                ],
            ),
        ),
        (
            "node-2",
            member(
                "4",
                "0",
                &[
                    ("wsrep_flow_control_paused", "0.87"),
                    ("wsrep_flow_control_sent", "0"),
                    ("wsrep_local_recv_queue_avg", "117.482"),
                ],
            ),
        ),
    ]);
    let h = assess(&nodes, Some(3));
    let fc = &h.findings[0];
    assert!(
        fc.message.contains("the slow applier: node-1 (sent 57"),
        "{fc}"
    );
    assert!(!fc.message.contains("node-2"), "{fc}");
    let remedy = fc.remedy.as_deref().unwrap_or_default();
    assert!(
        remedy.contains("find why node-1 applies slowly"),
        "{remedy}"
    );
}

/// F-11 (b): a paused fraction outside 0..1, or a negative or non-finite queue average, is
/// not a reading: the status is refused naming the variable.
#[test]
fn out_of_range_readings_are_refused() {
    for (variable, value) in [
        ("wsrep_flow_control_paused", "1.5"),
        ("wsrep_flow_control_paused", "-0.3"),
        ("wsrep_flow_control_paused", "NaN"),
        ("wsrep_local_recv_queue_avg", "-1"),
        ("wsrep_local_recv_queue_avg", "inf"),
    ] {
        let e = WsrepStatus::from_pairs([(variable, value)]).expect_err(value);
        assert_eq!(e.variable, variable);
        assert_eq!(e.value, value);
    }
    for (variable, value) in [
        ("wsrep_flow_control_paused", "1.000000"),
        ("wsrep_flow_control_paused", "0"),
        ("wsrep_local_recv_queue_avg", "0.000000"),
    ] {
        assert!(
            WsrepStatus::from_pairs([(variable, value)]).is_ok(),
            "{variable}={value}"
        );
    }
}

/// F-12: a member that is Joined has just received a state transfer and may not have told
/// its donor yet, so a desynced donor beside it is not called desynced on purpose.
#[test]
fn a_donor_beside_a_joined_member_is_not_desynced_on_purpose() {
    let nodes = named(vec![
        ("node-0", member("4", "0", &[])),
        ("node-1", member("3", "0", &[])),
        ("node-2", member("2", "1", &[])),
    ]);
    let h = assess(&nodes, Some(3));
    assert!(
        h.findings
            .iter()
            .all(|f| !f.message.contains("desynced on purpose")),
        "{:?}",
        h.findings
    );
}
