//! The audit against mariadb-operator, the Percona operator, KubeDB's scripts and galera's
//! sources: each upstream behaviour as a test, citing where it is, and saying where we
//! depart from it and why.

use galera::files::{NodeFile, RecoveredPosition, SavedState};
use galera::health::{Verdict, assess};
use galera::recovery::{
    NodePosition, NodeReport, RecoveryOptions, Refusal, TieBreak, Transfer, plan_recovery,
};
use galera::status::WsrepStatus;

/// The UUID of mariadb-operator's recovery tests.
const MO: &str = "f7f695b6-5000-11ef-8b0d-87e9e0e7b347";
const NIL: &str = "00000000-0000-0000-0000-000000000000";

fn pod(i: usize) -> String {
    format!("mariadb-galera-{i}")
}

fn state(i: usize, uuid: &str, seqno: i64, safe: bool) -> NodeReport {
    NodeReport::saved(
        &pod(i),
        SavedState {
            version: Some("2.1".into()),
            uuid: uuid.into(),
            seqno,
            safe_to_bootstrap: Some(safe),
        },
    )
}

fn recovered(mut n: NodeReport, uuid: &str, seqno: i64) -> NodeReport {
    n.recovered = Some(RecoveredPosition {
        uuid: uuid.into(),
        seqno,
        gtid: None,
    });
    n
}

fn members(n: usize) -> RecoveryOptions {
    RecoveryOptions {
        members: (0..n).map(pod).collect(),
        ..RecoveryOptions::default()
    }
}

/// `mariadb-operator/mariadb-operator@v26.6.0:pkg/controller/galera/recovery_status_test.go`
/// `TestRecoveryStatusBootstrapSource` "safe to bootstrap": pod 1 says
/// `safe_to_bootstrap: 1`, pod 2 has not reported; upstream bootstraps pod 1 at once
/// (`isComplete` returns true at the first such pod). Galera sets the flag only on the node
/// that was alone in the last primary component
/// (`codership/galera@release_26.4.18:galera/src/replicator_smm.cpp`,
/// `safe_to_bootstrap_ = (view_info->memb_num == 1)`), so waiting for the silent peer adds
/// nothing.
#[test]
fn safe_to_bootstrap_with_a_silent_peer_bootstraps_at_once() {
    let nodes = [
        recovered(state(0, MO, 1, false), MO, 1),
        state(1, MO, 1, true),
    ];
    let plan = plan_recovery(&nodes, &members(3)).expect("no waiting for mariadb-galera-2");
    assert_eq!(plan.bootstrap, pod(1));
    assert!(
        plan.reason.contains("safe_to_bootstrap: 1"),
        "{}",
        plan.reason
    );
    // Without the flag, the silent member blocks (upstream: "incomplete recovery").
    let nodes = [state(0, MO, 1, false), state(1, MO, 1, false)];
    assert_eq!(
        plan_recovery(&nodes, &members(3)).unwrap_err(),
        Refusal::MissingReports(pod(2))
    );
}

/// Same file, "partially recovered with skipped Pods": pods reporting the nil UUID with -1
/// (in `grastate.dat` and recovered) are skipped (`shouldSkipRecoverer`); the flagged pod
/// with a history is chosen. They never donate and join by SST.
#[test]
fn nil_uuid_pods_are_skipped() {
    let nodes = [
        state(0, MO, 4, true),
        recovered(state(1, NIL, -1, false), NIL, -1),
        recovered(state(2, NIL, -1, false), NIL, -1),
    ];
    let plan = plan_recovery(&nodes, &members(3)).expect("plan");
    assert_eq!(plan.bootstrap, pod(0));
    let skipped: Vec<&str> = plan.skipped.iter().map(|s| s.node.as_str()).collect();
    assert_eq!(skipped, [pod(1), pod(2)]);
    assert!(
        plan.joins
            .iter()
            .all(|j| j.transfer == Transfer::Sst && j.donor.as_deref() == Some("mariadb-galera-0"))
    );
}

/// A nil-UUID pod that says `safe_to_bootstrap: 1` is where we depart from upstream:
/// mariadb-operator's `bootstrapSource` returns the first pod whose state says
/// `SafeToBootstrap` before it looks at the UUID. A node started with the nil UUID and -1
/// starts a new, empty history (`replicator_smm.cpp` `connect()`), and SST from it would
/// wipe the nodes that hold the data (`../shared/cases/galera/recover-safe-nil-uuid`).
#[test]
fn a_nil_uuid_is_never_a_candidate_whatever_its_flag() {
    let nodes = [
        state(0, NIL, -1, true),
        state(1, MO, 3, false),
        state(2, MO, 2, false),
    ];
    let plan = plan_recovery(&nodes, &RecoveryOptions::default()).expect("plan");
    assert_eq!(plan.bootstrap, pod(1));
    assert!(
        plan.skipped[0]
            .reason
            .contains("safe_to_bootstrap: 1 is ignored")
    );
    // Nothing with a history at all: no plan, even forced.
    let forced = RecoveryOptions {
        force: true,
        ..RecoveryOptions::default()
    };
    assert_eq!(
        plan_recovery(&nodes[..1], &forced).unwrap_err(),
        Refusal::NoPosition
    );
}

/// A recovered -1 next to a valid saved seqno uses the saved one: galera reads the start
/// position only when `grastate.dat` says -1 (`replicator_smm.cpp` `ReplicatorSMM()`, "use
/// recovered seqno value" under `seqno == WSREP_SEQNO_UNDEFINED`); mariadb-operator ignores
/// invalid seqnos (`validSeqno`, `recovery_status.go`).
#[test]
fn recovered_minus_one_uses_the_saved_seqno() {
    let n = recovered(state(0, MO, 7, false), MO, -1);
    assert!(matches!(n.position(), NodePosition::Known { seqno: 7, .. }));
    let plan =
        plan_recovery(&[n, state(1, MO, 6, false)], &RecoveryOptions::default()).expect("plan");
    assert_eq!(plan.bootstrap, pod(0));
    // And a saved -1 uses the recovered one.
    let n = recovered(state(0, MO, -1, false), MO, 9);
    assert!(matches!(n.position(), NodePosition::Known { seqno: 9, .. }));
}

/// Ties: mariadb-operator keeps the last pod with an equal seqno (`Compare(current) >= 0`
/// in `bootstrapSource`; its test "fully recovered": all at seqno 1 → `mariadb-galera-2`);
/// the Percona operator keeps the first (`percona/percona-xtradb-cluster-operator@b3b0b10a:
/// pkg/controller/pxc/full_crash_recovery.go`, `seq > maxSeq`). Ours is selectable, lowest
/// by default; the order is the pod ordinal, not the order given.
#[test]
fn ties_follow_the_chosen_operator() {
    let nodes = [
        recovered(state(2, MO, 1, false), MO, 1),
        recovered(state(0, MO, 1, false), MO, 1),
        recovered(state(1, MO, 1, false), MO, 1),
    ];
    let high = RecoveryOptions {
        tie_break: TieBreak::HighestOrdinal,
        ..RecoveryOptions::default()
    };
    assert_eq!(plan_recovery(&nodes, &high).unwrap().bootstrap, pod(2));
    let low = plan_recovery(&nodes, &RecoveryOptions::default()).unwrap();
    assert_eq!(low.bootstrap, pod(0));
    assert!(low.reason.contains("tied with"), "{}", low.reason);
}

/// mariadb-operator's "partially recovered with different seqnos and safe to bootstrap":
/// pod 0 says `safe_to_bootstrap: 1` at seqno 4, pod 1 of the same history is at 8;
/// upstream bootstraps pod 0. The files contradict each other (the flag means pod 0 left
/// last), and joining pod 1 to a primary behind it aborts it ("Reversing history",
/// `codership/galera@release_26.4.18:gcs/src/gcs_group.cpp`): we refuse, and forced we take
/// the most advanced.
#[test]
fn a_flagged_node_behind_its_history_is_refused() {
    let nodes = [
        state(0, MO, 4, true),
        state(1, MO, 8, false),
        recovered(
            NodeReport {
                name: pod(2),
                ..NodeReport::default()
            },
            MO,
            6,
        ),
    ];
    let refusal = plan_recovery(&nodes, &RecoveryOptions::default()).unwrap_err();
    assert_eq!(
        refusal,
        Refusal::SafeNodeBehind {
            safe: pod(0),
            safe_seqno: 4,
            ahead: pod(1),
            ahead_seqno: 8
        }
    );
    let forced = RecoveryOptions {
        force: true,
        ..RecoveryOptions::default()
    };
    assert_eq!(plan_recovery(&nodes, &forced).unwrap().bootstrap, pod(1));
}

/// Every spelling of a recovered position: the server's (`MariaDB/server@02da00a9:
/// sql/wsrep_mysqld.cc`; real 10.11.3 line from the reference notes; 11.x at `[System]`;
/// MySQL-8-style `[MY-000000] [WSREP]` tags, which the Percona operator's entrypoint reads
/// by ` Recovered position:` alone, `percona/percona-xtradb-cluster-operator@0ad91b8e:
/// build/pxc-entrypoint.sh`), `mysqld_safe`'s and `galera_recovery.sh`'s
/// without the colon (`MariaDB/server@02da00a9:scripts/mysqld_safe.sh`
/// `wsrep_recover_position`, which also dates its lines `%y%m%d %H:%M:%S`), the start
/// option `galera_recovery.sh` prints for systemd, and the GTID suffix of mariadb-operator's
/// test (`mariadb-operator/mariadb-operator@v26.6.0:pkg/galera/recovery/recovery_test.go`).
#[test]
fn every_spelling_of_a_recovered_position() {
    let u = "15d9a0ef-02b1-11ee-9499-decd8e34642e";
    let cases = [
        format!("2023-06-04  8:24:23 0 [Note] WSREP: Recovered position: {u}:1"),
        format!("2024-11-02 10:01:02 0 [System] WSREP: Recovered position: {u}:1"),
        format!(
            "2021-05-05T09:15:53.617312Z 0 [Note] [MY-000000] [WSREP] Recovered position: {u}:1"
        ),
        format!("200306 11:20:27 mysqld_safe WSREP: Recovered position {u}:1"),
        format!("2020-03-06T11:20:27.201286Z mysqld_safe WSREP: Recovered position {u}:1"),
        format!("WSREP: Recovered position {u}:1"),
        format!("_WSREP_START_POSITION=--wsrep_start_position={u}:1"),
        format!("--wsrep-start-position={u}:1"),
        format!("[Note] WSREP: Position {u}:1 given at startup, skipping position recovery"),
        format!("2024-05-08 12:00:00 0 [Note] WSREP: Recovered position: {u}:1,201-2001-48431"),
    ];
    for line in &cases {
        for text in [
            format!("{line}\n"),
            format!("other line\r\n{line}\r\n"),
            line.to_owned(),
        ] {
            let p = RecoveredPosition::from_log("n.log", &text)
                .unwrap_or_else(|e| panic!("{line:?}: {e}"));
            assert_eq!((p.uuid.as_str(), p.seqno), (u, 1), "{line:?}");
        }
    }
    let p = RecoveredPosition::from_log("n.log", &cases[9]).unwrap();
    assert_eq!(p.gtid.as_deref(), Some("201-2001-48431"));
    // mariadb-operator's test "GTID first": `<uuid>:<gtid>,<seqno>`.
    let p = RecoveredPosition::parse(&format!("{u}:201-2001-48431,48451")).unwrap();
    assert_eq!(
        (p.seqno, p.gtid.as_deref()),
        (48451, Some("201-2001-48431"))
    );
    // The last line wins, as mariadb-operator's `Bootstrap.Unmarshal` keeps the last.
    let two = format!("{}\n{}\n", cases[0], cases[0].replace(":1", ":5"));
    assert_eq!(RecoveredPosition::from_log("n.log", &two).unwrap().seqno, 5);
    // Running the recovery is not a position.
    assert!(
        RecoveredPosition::from_log(
            "n.log",
            "mysqld_safe WSREP: Running position recovery with --log_error='/tmp/x'\n"
        )
        .is_err()
    );
}

/// Files are read as what they are, by name or content, and anything else is named.
#[test]
fn node_files_are_identified() {
    let grastate = "# GALERA saved state\r\nversion: 2.1\r\nuuid:    15d9a0ef-02b1-11ee-9499-decd8e34642e\r\nseqno:   -1\r\nsafe_to_bootstrap: 0\r\n";
    assert!(matches!(
        NodeFile::identify("x", grastate),
        Ok(NodeFile::SavedState(SavedState { seqno: -1, .. }))
    ));
    let gvw = "my_uuid: f47106ad-e875-11f1-bec2-46107da7940b\n#vwbeg\nview_id: 3 f47106ad-e875-11f1-bec2-46107da7940b 5\nbootstrap: 0\nmember: f47106ad-e875-11f1-bec2-46107da7940b 0\n#vwend\n";
    let Ok(NodeFile::ViewState(view)) = NodeFile::identify("n0/gvwstate.dat", gvw) else {
        panic!("a gvwstate.dat")
    };
    // A node known only by its gvwstate.dat was in a primary component: its position is
    // unknown, not absent.
    let only_view = NodeReport {
        name: "n0".into(),
        view: Some(view),
        ..NodeReport::default()
    };
    assert!(matches!(only_view.position(), NodePosition::Unknown { .. }));
    for (text, found) in [
        ("", "an empty file"),
        ("wsrep_cluster_status\tPrimary\n", "SHOW STATUS"),
        (
            "apiVersion: v1\nkind: Pod\n",
            "first line \"apiVersion: v1\"",
        ),
    ] {
        let e = NodeFile::identify("f", text).unwrap_err();
        assert!(e.to_string().contains(found), "{e}");
        assert!(e.to_string().contains("expected a grastate.dat"), "{e}");
    }
    // A grastate.dat by name but broken: the field and line.
    let e = NodeFile::identify("n/grastate.dat", "uuid: nope\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "n/grastate.dat:1: uuid \"nope\" is not a UUID"
    );
}

/// `wsrep_cluster_conf_id` of -1 is printed unsigned by MariaDB's `SHOW_LONGLONG` (the
/// reference notes, §2.4: a MariaDB 10.3 non-Primary dump shows 18446744073709551615): it
/// identifies no component, so two Primary nodes both showing it are not one component by
/// that alone.
#[test]
fn conf_id_minus_one_identifies_nothing() {
    let node = |size: &str, addrs: &str| {
        WsrepStatus::from_pairs([
            ("wsrep_cluster_status", "Primary"),
            ("wsrep_cluster_conf_id", "18446744073709551615"),
            ("wsrep_cluster_size", size),
            ("wsrep_incoming_addresses", addrs),
            ("wsrep_ready", "ON"),
            ("wsrep_local_state", "4"),
        ])
        .unwrap()
    };
    let h = assess(
        &[
            ("a".into(), node("1", "10.0.0.1:3306")),
            ("b".into(), node("1", "10.0.0.2:3306")),
        ],
        None,
    );
    assert_eq!(h.verdict, Verdict::SplitBrain);
    assert_eq!(h.components, [vec!["a"], vec!["b"]]);
}

/// Review of issue 13, 5: galera writes `safe_to_bootstrap: 1` into a new, empty state
/// (`codership/galera@release_26.4.18:galera/src/saved_state.cpp` `SavedState::SavedState`:
/// `uuid_(WSREP_UUID_UNDEFINED)`, `seqno_(WSREP_SEQNO_UNDEFINED)`, `safe_to_bootstrap_(true)`),
/// so the flag next to the nil UUID says nothing, even when the node's recovered log gives it
/// a history: the most advanced node is bootstrapped, not the flagged one, and the plan
/// does not claim galera chose it.
#[test]
fn the_flag_of_a_nil_uuid_grastate_is_ignored_even_with_a_recovered_history() {
    let behind = [
        recovered(state(0, NIL, -1, true), MO, 500),
        state(1, MO, 700, false),
    ];
    let plan = plan_recovery(&behind, &RecoveryOptions::default()).expect("no refusal");
    assert_eq!(plan.bootstrap, pod(1));
    assert!(plan.reason.contains("highest seqno 700"), "{}", plan.reason);
    let ahead = [
        recovered(state(0, NIL, -1, true), MO, 9999),
        state(1, MO, 700, false),
    ];
    let plan = plan_recovery(&ahead, &RecoveryOptions::default()).expect("plan");
    assert_eq!(plan.bootstrap, pod(0));
    assert!(
        plan.reason.contains("highest seqno 9999"),
        "{}",
        plan.reason
    );
    assert!(!plan.reason.contains("galera sets it"), "{}", plan.reason);
}

/// Review of issue 13, 3: the flagged node with a history is chosen at once (as
/// mariadb-operator's `isComplete`), but a reported node whose position is unknown
/// (`seqno: -1` without a recovered position, or a recovered `<uuid>:-1`) is never sent to
/// SST without --force: galera would start it from the nil UUID
/// (`codership/galera@release_26.4.18:galera/src/replicator_smm.cpp` `connect()`), and only
/// `--wsrep-recover` reads its position. The word "forced" appears only when forced.
#[test]
fn an_unknown_position_blocks_even_when_the_flag_chose() {
    for e1 in [
        state(1, MO, -1, false),
        recovered(state(1, MO, -1, false), MO, -1),
    ] {
        let nodes = [state(0, MO, 300, true), e1];
        let refusal = plan_recovery(&nodes, &RecoveryOptions::default()).unwrap_err();
        assert_eq!(refusal, Refusal::MissingReports(pod(1)));
        assert!(
            refusal
                .to_string()
                .contains("run `mariadbd --wsrep-recover` on mariadb-galera-1"),
            "{refusal}"
        );
        let forced = RecoveryOptions {
            force: true,
            ..RecoveryOptions::default()
        };
        let plan = plan_recovery(&nodes, &forced).expect("forced");
        assert_eq!(plan.bootstrap, pod(0));
        assert!(
            plan.reason.contains("safe_to_bootstrap: 1"),
            "{}",
            plan.reason
        );
        assert!(plan.joins[0].reason.contains("forced"), "{:?}", plan.joins);
    }
}

/// Review of issue 13, 7: forced past a listed member that did not report, the plan still
/// names it and says its data may be replaced by SST.
#[test]
fn a_forced_plan_names_the_member_that_did_not_report() {
    let options = RecoveryOptions {
        force: true,
        members: vec![pod(2), pod(10), pod(3)],
        ..RecoveryOptions::default()
    };
    let nodes = [state(10, MO, 8, false), state(2, MO, 9, false)];
    let plan = plan_recovery(&nodes, &options).expect("forced");
    assert_eq!(plan.bootstrap, pod(2));
    let s = plan
        .skipped
        .iter()
        .find(|s| s.node == pod(3))
        .expect("mariadb-galera-3 is named");
    assert!(s.reason.contains("full snapshot (SST)"), "{}", s.reason);
}
