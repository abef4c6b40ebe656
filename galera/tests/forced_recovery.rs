//! Recovery plans that would start a node from the wrong position or replace data without
//! saying so: the cases of the review of issue 23 (F-1 to F-5, F-9), each as the reviewer
//! built it from `grastate.dat` files and `--wsrep-recover` logs.

use galera::files::{RecoveredPosition, SavedState};
use galera::recovery::{
    DiscardReason, NodeReport, RecoveryOptions, Refusal, Transfer, plan_recovery,
};

const U: &str = "6b1f0c2e-8d4a-11f0-9c31-0242ac110002";
const V: &str = "9e7d3a10-8d52-11f0-8a07-0242ac110003";

/// A `grastate.dat` (`safe_to_bootstrap` as given), optionally with a recovered position.
fn node(
    name: &str,
    uuid: &str,
    seqno: i64,
    safe: bool,
    recovered: Option<(&str, i64)>,
) -> NodeReport {
    let mut n = NodeReport::saved(
        name,
        SavedState {
            version: Some("2.1".into()),
            uuid: uuid.into(),
            seqno,
            safe_to_bootstrap: Some(safe),
        },
    );
    n.recovered = recovered.map(|(uuid, seqno)| RecoveredPosition {
        uuid: uuid.into(),
        seqno,
        gtid: None,
    });
    n
}

fn forced() -> RecoveryOptions {
    RecoveryOptions {
        force: true,
        ..RecoveryOptions::default()
    }
}

/// F-1: a stale `grastate.dat` that also says `safe_to_bootstrap: 1`. Galera starts from the
/// saved seqno when it is not -1, so the bootstrap must be told to correct the file first,
/// as when the flag is not set.
#[test]
fn a_flagged_stale_saved_state_is_corrected_before_the_bootstrap() {
    let nodes = [
        node("node-0", U, 1200, true, Some((U, 1500))),
        node("node-1", U, -1, false, Some((U, 1450))),
        node("node-2", U, -1, false, Some((U, 1449))),
    ];
    let plan = plan_recovery(&nodes, &RecoveryOptions::default()).expect("a plan");
    assert_eq!(plan.bootstrap, "node-0");
    assert!(
        plan.reason.contains("safe_to_bootstrap: 1"),
        "{}",
        plan.reason
    );
    assert!(
        plan.reason
            .contains("correct its stale grastate.dat: seqno: 1500 (it says 1200"),
        "{}",
        plan.reason
    );
}

/// F-2: `grastate.dat` of history V with seqno -1 next to a recovered position in U. Galera
/// takes the start position only in grastate.dat's own history, so the position is not the
/// node's to start from: the files contradict each other and the plan is refused.
#[test]
fn a_saved_state_of_another_history_without_seqno_is_a_contradiction() {
    let nodes = [
        node("node-0", V, -1, false, Some((U, 2000))),
        node("node-1", U, -1, false, Some((U, 1500))),
        node("node-2", U, -1, false, Some((U, 1499))),
    ];
    let refusal = plan_recovery(&nodes, &RecoveryOptions::default()).unwrap_err();
    assert!(
        matches!(&refusal, Refusal::Contradiction(n) if n.starts_with("node-0 (grastate.dat names history")),
        "{refusal}"
    );
}

/// F-3: forced past a contradicted node whose InnoDB is ahead of the node chosen, its writes
/// are listed among those discarded (text and JSON).
#[test]
fn a_forced_plan_lists_a_contradicted_node_it_replaces() {
    let nodes = [
        node("node-0", V, 3, false, Some((U, 5000))),
        node("node-1", U, 4000, false, None),
        node("node-2", U, 4000, false, None),
    ];
    let plan = plan_recovery(&nodes, &forced()).expect("forced");
    assert_eq!(plan.bootstrap, "node-1");
    assert_eq!(plan.discarded.len(), 1, "{plan:?}");
    let d = &plan.discarded[0];
    assert_eq!(
        (d.node.as_str(), d.why, d.history.as_deref(), d.seqno),
        (
            "node-0",
            DiscardReason::ContradictedFiles,
            Some(U),
            Some(5000)
        )
    );
    let json = serde_json::to_value(&plan).expect("json");
    assert_eq!(json["discarded"][0]["why"], "contradicted_files");
    let join = plan
        .joins
        .iter()
        .find(|j| j.node == "node-0")
        .expect("joins");
    assert_eq!(join.transfer, Transfer::Sst);
}

/// F-4: the forced history choice counts nodes with a known position only: one node's 10
/// writes of U (two more U nodes of unknown position) lose to two V nodes at 5000 and 4999.
#[test]
fn a_forced_history_choice_counts_known_positions_only() {
    let nodes = [
        node("n-0", U, 10, false, None),
        node("n-1", U, -1, false, None),
        node("n-2", U, -1, false, None),
        node("n-3", V, 5000, false, None),
        node("n-4", V, 4999, false, None),
    ];
    let plan = plan_recovery(&nodes, &forced()).expect("forced");
    assert_eq!(plan.bootstrap, "n-3", "{plan:?}");
    assert!(
        plan.reason.starts_with(&format!(
            "forced to keep the history with the most nodes with a position, then the most writes ({V}: 2 nodes with a position, up to seqno 5000) over {U}: 1 nodes with a position, up to seqno 10; "
        )),
        "{}",
        plan.reason
    );
    let listed: Vec<String> = plan.discarded.iter().map(ToString::to_string).collect();
    assert_eq!(
        listed,
        [
            format!("n-0: 10 writes of history {U}"),
            format!("n-1: its writes of history {U} (position unknown)"),
            format!("n-2: its writes of history {U} (position unknown)"),
        ]
    );
}

/// F-5: two histories exactly alike (as many nodes with a position, as many writes): forcing
/// cannot choose which writes to keep; `--history` can.
#[test]
fn an_exact_tie_between_histories_asks_for_the_history() {
    let nodes = [
        node("n-0", U, 100, false, None),
        node("n-1", U, 100, false, None),
        node("n-2", V, 100, false, None),
        node("n-3", V, 100, false, None),
    ];
    let refusal = plan_recovery(&nodes, &forced()).unwrap_err();
    assert!(matches!(refusal, Refusal::HistoryTie(_)), "{refusal}");
    assert!(refusal.to_string().contains("--history"), "{refusal}");
    let named = RecoveryOptions {
        history: Some(V.to_uppercase()),
        ..RecoveryOptions::default()
    };
    let plan = plan_recovery(&nodes, &named).expect("named, in either case");
    assert_eq!(plan.bootstrap, "n-2");
    assert_eq!(plan.discarded.len(), 2);
}

/// F-9: forced, the history kept is one whose nodes report positions, so the refusal "no node
/// reports a position" is never said while some do; naming a history none of whose nodes has
/// a position is refused as such.
#[test]
fn no_false_no_position_refusal() {
    let nodes = [
        node("n-0", U, -1, false, None),
        node("n-1", U, -1, false, None),
        node("n-2", U, -1, false, None),
        node("n-3", V, 5000, false, None),
        node("n-4", V, 4999, false, None),
    ];
    let plan = plan_recovery(&nodes, &forced()).expect("forced");
    assert_eq!(plan.bootstrap, "n-3");
    let named = RecoveryOptions {
        history: Some(U.into()),
        force: true,
        ..RecoveryOptions::default()
    };
    assert_eq!(
        plan_recovery(&nodes, &named),
        Err(Refusal::NoPositionInHistory(U.into()))
    );
}

/// A recovered position with no `grastate.dat` of that history (the file is gone): galera
/// would ignore `--wsrep-start-position`, so the plan says to write the file.
#[test]
fn a_missing_saved_state_is_written_before_the_start() {
    let mut lone = NodeReport {
        name: "n-0".into(),
        ..NodeReport::default()
    };
    lone.recovered = Some(RecoveredPosition {
        uuid: U.into(),
        seqno: 42,
        gtid: None,
    });
    let plan = plan_recovery(&[lone], &RecoveryOptions::default()).expect("a plan");
    assert!(
        plan.reason.contains(&format!(
            "write its grastate.dat with uuid: {U} and seqno: 42 (it has none"
        )),
        "{}",
        plan.reason
    );
}
