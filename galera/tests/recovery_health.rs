//! Recovery planning and health verdicts.

use galera::files::{RecoveredPosition, SavedState};
use galera::health::{Verdict, assess};
use galera::recovery::{NodeReport, RecoveryOptions, Refusal, TieBreak, Transfer, plan_recovery};
use galera::status::WsrepStatus;

const U: &str = "f4714c73-e875-11f1-9d52-da7fbb3aae7b";

fn node(name: &str, uuid: &str, seqno: i64, safe: bool) -> NodeReport {
    NodeReport::saved(
        name,
        SavedState {
            version: Some("2.1".into()),
            uuid: uuid.into(),
            seqno,
            safe_to_bootstrap: Some(safe),
        },
    )
}

/// `safe_to_bootstrap: 1` wins once the node's position is known. Until this issue the
/// flagged node was chosen with `seqno: -1` and no recovered position; galera starts such a
/// node with the nil UUID (`codership/galera@release_26.4.18:galera/src/replicator_smm.cpp`
/// `connect()`: `seqno < 0 ? WSREP_UUID_UNDEFINED`), so its position must be recovered first.
#[test]
fn safe_to_bootstrap_first() {
    let unknown = [
        node("a", U, 10, false),
        node("b", U, -1, true),
        node("c", U, 12, false),
    ];
    let refusal = plan_recovery(&unknown, &RecoveryOptions::default()).unwrap_err();
    assert_eq!(refusal, Refusal::MissingReports("b".into()));
    assert!(
        refusal
            .to_string()
            .contains("run `mariadbd --wsrep-recover` on b"),
        "{refusal}"
    );
    let mut recovered = unknown.clone();
    recovered[1].recovered = Some(RecoveredPosition {
        uuid: U.into(),
        seqno: 12,
        gtid: None,
    });
    let plan = plan_recovery(&recovered, &RecoveryOptions::default()).unwrap();
    assert_eq!(plan.bootstrap, "b");
    assert!(plan.reason.contains("safe_to_bootstrap"));
}

#[test]
fn highest_seqno_then_tie_break() {
    let nodes = [
        node("a", U, 12, false),
        node("b", U, 12, false),
        node("c", U, 3, false),
    ];
    assert_eq!(
        plan_recovery(&nodes, &RecoveryOptions::default())
            .unwrap()
            .bootstrap,
        "a"
    );
    let high = RecoveryOptions {
        tie_break: TieBreak::HighestOrdinal,
        ..RecoveryOptions::default()
    };
    assert_eq!(plan_recovery(&nodes, &high).unwrap().bootstrap, "b");
    // A recovered position beats a crashed grastate.dat (-1).
    let mut crashed = node("c", U, -1, false);
    crashed.recovered = Some(RecoveredPosition {
        uuid: U.into(),
        seqno: 40,
        gtid: None,
    });
    assert_eq!(
        plan_recovery(
            &[node("a", U, 12, false), crashed],
            &RecoveryOptions::default()
        )
        .unwrap()
        .bootstrap,
        "c"
    );
}

#[test]
fn refusals() {
    let other = "00000000-1111-2222-3333-444444444444";
    let conflict = plan_recovery(
        &[node("a", U, 1, false), node("b", other, 2, false)],
        &RecoveryOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(conflict, Refusal::ConflictingUuids(_)));
    let missing = RecoveryOptions {
        members: vec!["a".into(), "b".into(), "c".into()],
        ..RecoveryOptions::default()
    };
    let err =
        plan_recovery(&[node("a", U, 1, false), node("b", U, -1, false)], &missing).unwrap_err();
    assert_eq!(err, Refusal::MissingReports("b, c".into()));
    let forced = RecoveryOptions {
        force: true,
        ..missing
    };
    assert_eq!(
        plan_recovery(&[node("a", U, 1, false), node("b", U, -1, false)], &forced)
            .unwrap()
            .bootstrap,
        "a"
    );
    assert_eq!(
        plan_recovery(&[node("a", U, -1, false)], &RecoveryOptions::default()).unwrap_err(),
        Refusal::NoPosition
    );
}

#[test]
fn joins_ist_sst_and_donors() {
    let mut arb = NodeReport {
        name: "garbd".into(),
        arbitrator: true,
        ..NodeReport::default()
    };
    arb.segment = 1;
    let mut far = node("d", U, 8, false);
    far.segment = 1;
    let fresh = NodeReport {
        name: "e".into(),
        ..NodeReport::default()
    };
    let nodes = [
        node("a", U, 10, false),
        node("b", U, 9, false),
        arb,
        far,
        fresh,
    ];
    let plan = plan_recovery(&nodes, &RecoveryOptions::default()).unwrap();
    assert_eq!(plan.bootstrap, "a");
    let order: Vec<(&str, Transfer, Option<&str>)> = plan
        .joins
        .iter()
        .map(|j| (j.node.as_str(), j.transfer, j.donor.as_deref()))
        .collect();
    // d (segment 1) prefers a donor in its segment: only b and a are synced by then, both segment 0.
    assert_eq!(
        order,
        [
            ("b", Transfer::Ist, Some("a")),
            ("d", Transfer::Ist, Some("a")),
            ("e", Transfer::Sst, Some("a")),
            ("garbd", Transfer::Ist, None)
        ]
    );
    let listed = RecoveryOptions {
        donors: vec!["b".into()],
        ..RecoveryOptions::default()
    };
    let plan = plan_recovery(&nodes, &listed).unwrap();
    assert_eq!(
        plan.joins[1].donor.as_deref(),
        Some("b"),
        "wsrep_sst_donor=b"
    );
    assert_eq!(
        plan.joins[0].donor, None,
        "b itself has no listed donor and no trailing comma"
    );
}

fn status(pairs: &[(&str, &str)]) -> WsrepStatus {
    WsrepStatus::from_pairs(pairs.iter().copied()).unwrap()
}

fn healthy(uuid: &str, conf: &str, size: &str) -> WsrepStatus {
    status(&[
        ("wsrep_cluster_status", "Primary"),
        ("wsrep_cluster_size", size),
        ("wsrep_connected", "ON"),
        ("wsrep_ready", "ON"),
        ("wsrep_local_state", "4"),
        ("wsrep_local_state_comment", "Synced"),
        ("wsrep_cluster_state_uuid", uuid),
        ("wsrep_cluster_conf_id", conf),
    ])
}

#[test]
fn verdicts() {
    let nodes = |v: Vec<WsrepStatus>| {
        v.into_iter()
            .enumerate()
            .map(|(i, s)| (format!("mariadb-{i}"), s))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        assess(&nodes(vec![healthy(U, "3", "3"); 3]), Some(3)).verdict,
        Verdict::Healthy
    );
    let lost = nodes(vec![healthy(U, "4", "2"), healthy(U, "4", "2")]);
    let h = assess(&lost, Some(3));
    assert_eq!(h.verdict, Verdict::Degraded);
    assert!(
        h.findings[0]
            .message
            .contains("wsrep_cluster_size is 2, expected 3")
    );
    let non_prim = status(&[
        ("wsrep_cluster_status", "non-Primary"),
        ("wsrep_ready", "OFF"),
        ("wsrep_connected", "ON"),
        ("wsrep_local_state", "0"),
    ]);
    let h = assess(&nodes(vec![non_prim.clone()]), Some(3));
    assert_eq!(h.verdict, Verdict::NoPrimary);
    // One of three members read: the other two may be a primary component elsewhere, and
    // pc.bootstrap here would then make a second one (galera applies it to this node's
    // non-primary component whatever the rest does). Until this issue the remedy was given.
    assert!(
        h.findings.iter().all(|f| !f
            .remedy
            .as_deref()
            .unwrap_or("")
            .contains("pc.bootstrap=YES")),
        "{:?}",
        h.findings
    );
    let all = |seqnos: [&str; 3]| {
        nodes(
            seqnos
                .iter()
                .map(|c| {
                    let mut s = non_prim.clone();
                    s.last_committed = c.parse().ok();
                    s
                })
                .collect(),
        )
    };
    let h = assess(&all(["7", "9", "9"]), Some(3));
    assert_eq!(h.verdict, Verdict::NoPrimary);
    let f = h.findings.last().unwrap();
    assert!(
        f.remedy
            .as_deref()
            .unwrap()
            .contains("pc.bootstrap=YES' on mariadb-1 only"),
        "{f}"
    );
    assert!(f.changes_cluster && f.evidence.len() >= 7, "{f}");
    let split = nodes(vec![
        healthy(U, "5", "2"),
        healthy(U, "5", "2"),
        healthy(U, "7", "2"),
        healthy(U, "7", "2"),
    ]);
    assert_eq!(assess(&split, Some(4)).verdict, Verdict::SplitBrain);
}

/// Input that lacks what a verdict needs gets no verdict and no remedy.
#[test]
fn cannot_judge_what_was_not_read() {
    let named = |v: Vec<WsrepStatus>| {
        v.into_iter()
            .enumerate()
            .map(|(i, s)| (format!("mariadb-{i}"), s))
            .collect::<Vec<_>>()
    };
    let cases = [
        (Vec::new(), "no node's status was read"),
        (
            named(vec![healthy(U, "3", "3"), status(&[("wsrep_ready", "ON")])]),
            "mariadb-1: wsrep_cluster_status is missing",
        ),
        (
            named(vec![WsrepStatus::default()]),
            "mariadb-0: no wsrep variable was read",
        ),
        (
            named(vec![status(&[("wsrep_cluster_status", "Primary")])]),
            "mariadb-0: wsrep_cluster_size is missing",
        ),
        (
            named(vec![status(&[
                ("wsrep_cluster_status", "Primary"),
                ("wsrep_cluster_size", "3"),
            ])]),
            "wsrep_ready is missing",
        ),
    ];
    for (nodes, missing) in cases {
        let h = assess(&nodes, Some(3));
        assert_eq!(h.verdict, Verdict::CannotJudge, "{missing}");
        let all: Vec<String> = h.findings.iter().map(ToString::to_string).collect();
        assert!(all.iter().any(|f| f.contains(missing)), "{all:?}");
        assert!(h.findings.iter().all(|f| f.remedy.is_none()), "{all:?}");
    }
}

/// The client's layouts as people paste them: the vertical `\G` form after a prompt, and
/// tab-separated rows without the header, CRLF or not.
#[test]
fn status_layouts() {
    let vertical = "MariaDB [(none)]> SHOW STATUS LIKE 'wsrep_cluster%'\\G\r\n*************************** 1. row ***************************\r\nVariable_name: wsrep_cluster_conf_id\r\n        Value: 18446744073709551615\r\n*************************** 2. row ***************************\r\nVariable_name: wsrep_cluster_status\r\n        Value: non-Primary\r\n*************************** 3. row ***************************\r\nVariable_name: wsrep_evs_delayed\r\n        Value: \r\n3 rows in set (0.001 sec)\r\n";
    let s = WsrepStatus::from_text(vertical).unwrap();
    assert_eq!(s.cluster_conf_id, Some(-1));
    assert_eq!(
        s.cluster_status,
        Some(galera::status::ClusterStatus::NonPrimary)
    );
    assert_eq!(
        s.other.get("wsrep_evs_delayed").map(String::as_str),
        Some("")
    );
    for text in [
        "wsrep_cluster_size\t3\nwsrep_cluster_state_uuid\tu\n",
        "wsrep_cluster_size\t3\r\nwsrep_cluster_state_uuid\tu\r\n",
        "wsrep_cluster_size   3\nwsrep_cluster_state_uuid   u\n",
    ] {
        let s = WsrepStatus::from_text(text).unwrap();
        assert_eq!(
            (s.cluster_size, s.cluster_state_uuid.as_deref()),
            (Some(3), Some("u")),
            "{text:?}"
        );
    }
}
