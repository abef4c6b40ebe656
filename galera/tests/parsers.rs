//! Parsers on real output: a MariaDB 10.11 node gone non-Primary (captured on this machine),
//! state files and recovery logs.

use galera::files::{RecoveredPosition, SavedState, ViewState};
use galera::status::{ClusterStatus, LocalState, WsrepStatus};

#[test]
fn mariadb_10_11_non_primary_node() {
    let s = WsrepStatus::from_tsv(include_str!("fixtures/mariadb-10.11-non-primary.tsv"))
        .expect("parses");
    assert_eq!(s.cluster_status, Some(ClusterStatus::NonPrimary));
    assert_eq!(s.cluster_conf_id, Some(-1), "18446744073709551615 is -1");
    assert_eq!((s.cluster_size, s.cluster_weight), (Some(1), Some(0)));
    assert_eq!(s.local_state, Some(LocalState::Initialized));
    assert_eq!((s.ready, s.connected), (Some(false), Some(true)));
    assert_eq!(s.evs_repl_latency.map(|l| l.samples), Some(1));
    assert_eq!(s.provider_version.as_deref(), Some("4.23(rXXXX)"));
    assert!(
        s.other.contains_key("wsrep_provider_capabilities"),
        "unknown variables are kept"
    );
}

#[test]
fn both_number_spellings() {
    let s = WsrepStatus::from_pairs([
        ("wsrep_local_index", "18446744073709551615"),
        ("wsrep_flow_control_paused", "0.000000"),
        ("wsrep_local_recv_queue_avg", "0.00102407"),
    ])
    .unwrap();
    assert_eq!(s.local_index, Some(-1));
    assert_eq!(s.flow_control_paused, Some(0.0));
    let bad = WsrepStatus::from_pairs([("wsrep_cluster_size", "three")]).unwrap_err();
    assert_eq!(
        bad.to_string(),
        "wsrep_cluster_size = \"three\": a non-negative integer"
    );
}

#[test]
fn grastate_variants() {
    let uuid = "f4714c73-e875-11f1-9d52-da7fbb3aae7b";
    let clean = SavedState::parse("grastate.dat", &format!("# GALERA saved state\nversion: 2.1   \nuuid:    {uuid}   \nseqno:   42  \nsafe_to_bootstrap: 1  \n")).unwrap();
    assert_eq!((clean.seqno, clean.safe_to_bootstrap), (42, Some(true)));
    let old = SavedState::parse(
        "grastate.dat",
        &format!("version: 2.1\nuuid: {uuid}\nseqno: -1\n"),
    )
    .unwrap();
    assert_eq!(
        old.safe_to_bootstrap, None,
        "older files have no safe_to_bootstrap"
    );
    let e =
        SavedState::parse("n2/grastate.dat", &format!("uuid: {uuid}\nseqno: forty\n")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "n2/grastate.dat:2: seqno \"forty\" is not an integer"
    );
    let e =
        SavedState::parse("n2/grastate.dat", "# GALERA saved state\nversion: 2.1\n").unwrap_err();
    assert!(
        e.to_string().starts_with("n2/grastate.dat: no uuid line"),
        "{e}"
    );
}

#[test]
fn gvwstate_as_galera_writes_it() {
    let text = "my_uuid: f47106ad-e875-11f1-bec2-46107da7940b\n#vwbeg\nview_id: 3 f47106ad-e875-11f1-bec2-46107da7940b 5\nbootstrap: 0\nmember: f47106ad-e875-11f1-bec2-46107da7940b 0\nmember: f51a9a92-e875-11f1-932a-763e6ae84afc 0\n#vwend\n";
    let v = ViewState::parse("gvwstate.dat", text).unwrap();
    assert_eq!((v.view_id.type_, v.view_id.seq), (3, 5));
    assert_eq!(v.members.len(), 2);
    assert!(
        ViewState::parse("gvwstate.dat", "my_uuid: x\nview_id: 3 y\n")
            .unwrap_err()
            .to_string()
            .contains(":2: view_id needs")
    );
}

#[test]
fn recovered_position_with_and_without_gtid() {
    let log = "2026-11-25  2:13:24 0 [Note] InnoDB: Starting\n2026-11-25  2:13:25 0 [Note] WSREP: Recovered position: 220dcdcb-1629-11e4-add3-aec059ad3734:1122\n";
    let p = RecoveredPosition::from_log("mariadb-0.log", log).unwrap();
    assert_eq!((p.seqno, p.gtid), (1122, None));
    let log =
        "[Note] WSREP: Recovered position: 220dcdcb-1629-11e4-add3-aec059ad3734:17,0-1-17  \n";
    let p = RecoveredPosition::from_log("mariadb-1.log", log).unwrap();
    assert_eq!((p.seqno, p.gtid.as_deref()), (17, Some("0-1-17")));
    assert!(
        RecoveredPosition::from_log("x.log", "nothing here")
            .unwrap_err()
            .to_string()
            .contains("run mariadbd --wsrep-recover")
    );
}

mod no_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn status_parser(text in ".{0,400}", pairs in proptest::collection::vec(("wsrep_[a-z_]{1,24}", ".{0,40}"), 0..20)) {
            let _ = WsrepStatus::from_tsv(&text);
            let _ = WsrepStatus::from_text(&text);
            let _ = galera::files::NodeFile::identify("f", &text);
            let _ = WsrepStatus::from_pairs(pairs);
        }

        #[test]
        fn file_parsers(text in "(.{0,60}\n){0,8}") {
            let _ = SavedState::parse("f", &text);
            let _ = ViewState::parse("f", &text);
            let _ = RecoveredPosition::from_log("f", &text);
            let _ = galera::status::provider_options(&text);
        }

        #[test]
        fn structured_grastate(uuid in "[0-9a-f:-]{0,40}", seqno in "-?[0-9]{0,25}", safe in "[0-9a-z]{0,3}") {
            let _ = SavedState::parse("f", &format!("uuid: {uuid}\nseqno: {seqno}\nsafe_to_bootstrap: {safe}\n"));
            let _ = RecoveredPosition::from_log("f", &format!("Recovered position: {uuid}:{seqno}"));
        }
    }
}

#[cfg(feature = "mysql")]
mod rows {
    use std::sync::Arc;

    use galera::status::{ClusterStatus, StatusVariable, WsrepStatus};
    use mysql_common::Value;
    use mysql_common::constants::ColumnType;
    use mysql_common::packets::Column;
    use mysql_common::prelude::FromRow;
    use mysql_common::row::new_row;

    fn columns(n: usize) -> Arc<[Column]> {
        ["Variable_name", "Value", "Extra"][..n]
            .iter()
            .map(|name| Column::new(ColumnType::MYSQL_TYPE_VAR_STRING).with_name(name.as_bytes()))
            .collect()
    }

    fn row(name: &str, value: Value) -> mysql_common::Row {
        new_row(
            vec![Value::Bytes(name.as_bytes().to_vec()), value],
            columns(2),
        )
    }

    #[test]
    fn rows_decode_like_the_client_output() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/mariadb-10.11-non-primary.tsv"
        ))
        .expect("fixture");
        let cli = WsrepStatus::from_tsv(&text).expect("tsv");
        let rows = text
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once('\t'))
            .map(|(k, v)| row(k, Value::Bytes(v.as_bytes().to_vec())));
        assert_eq!(WsrepStatus::from_rows(rows).expect("rows"), cli);
    }

    #[test]
    fn numeric_values_and_bad_rows() {
        let s = WsrepStatus::from_rows([
            row("wsrep_cluster_conf_id", Value::UInt(u64::MAX)),
            row("wsrep_cluster_size", Value::Int(3)),
            row("wsrep_cluster_status", Value::Bytes(b"Primary".to_vec())),
        ])
        .expect("rows");
        assert_eq!(s.cluster_conf_id, Some(-1));
        assert_eq!(s.cluster_size, Some(3));
        assert_eq!(s.cluster_status, Some(ClusterStatus::Primary));

        let three = new_row(vec![Value::NULL, Value::NULL, Value::NULL], columns(3));
        assert!(StatusVariable::from_row_opt(three.clone()).is_err());
        let err = WsrepStatus::from_rows([three]).expect_err("three columns");
        assert!(err.to_string().contains("Variable_name"), "{err}");
    }
}

// ---- Review of issue 13 (a new user's inputs), 10 and 11 ----

const RU: &str = "3c1f6a2e-5b7d-11f0-9a1b-0242ac120002";

/// Review 10: two outputs pasted into one file are not merged last-wins; a grastate.dat with
/// two seqno lines is not read as its last one.
#[test]
fn conflicting_values_in_one_file_are_errors() {
    let two = "wsrep_cluster_status\tnon-Primary\nwsrep_cluster_size\t1\nwsrep_cluster_status\tPrimary\nwsrep_cluster_size\t1\n";
    let e = WsrepStatus::from_text(two).expect_err("two outputs in one file");
    assert_eq!(e.variable, "wsrep_cluster_status");
    assert!(
        e.to_string().contains("given twice with different values"),
        "{e}"
    );
    // The same output twice holds no contradiction.
    let same = "wsrep_cluster_size\t3\nwsrep_cluster_size\t3\n";
    assert_eq!(
        WsrepStatus::from_text(same)
            .expect("same value")
            .cluster_size,
        Some(3)
    );

    let g = format!(
        "# GALERA saved state\nversion: 2.1\nuuid:    {RU}\nseqno:   12\nseqno:   40\nsafe_to_bootstrap: 0\n"
    );
    let e = SavedState::parse("x/grastate.dat", &g).expect_err("two seqno lines");
    assert_eq!(e.line, 5);
    assert!(
        e.to_string()
            .starts_with("x/grastate.dat:5: seqno is given twice (first on line 4)"),
        "{e}"
    );
}

/// Review 10, then review of issue 23 (F-2): grastate.dat `<U>:-1` with a log giving another
/// history: the files contradict each other (galera takes a start position only in
/// grastate.dat's own history), and the plan is refused naming the node.
#[test]
fn a_log_of_another_history_than_grastate_is_reported() {
    use galera::recovery::{NodePosition, NodeReport, RecoveryOptions, Refusal, plan_recovery};
    let other = "9d2e7b10-1111-11f0-8888-0242ac120099";
    let mut x0 = NodeReport::saved(
        "x-0",
        SavedState {
            version: None,
            uuid: RU.into(),
            seqno: -1,
            safe_to_bootstrap: Some(false),
        },
    );
    x0.recovered = Some(RecoveredPosition {
        uuid: other.into(),
        seqno: 9999,
        gtid: None,
    });
    let NodePosition::Contradicted { evidence } = x0.position() else {
        panic!("{:?}", x0.position())
    };
    assert!(
        evidence.contains(&format!("grastate.dat names history {RU}:-1")),
        "{evidence}"
    );
    assert_eq!(x0.uuid(), None);
    let x1 = NodeReport::saved(
        "x-1",
        SavedState {
            version: None,
            uuid: RU.into(),
            seqno: 50,
            safe_to_bootstrap: Some(false),
        },
    );
    assert!(matches!(
        plan_recovery(&[x0.clone(), x1.clone()], &RecoveryOptions::default()),
        Err(Refusal::Contradiction(n)) if n.starts_with("x-0 ")
    ));
    // Forced, its recovered writes are listed among those discarded.
    let plan = plan_recovery(
        &[x0, x1],
        &RecoveryOptions {
            force: true,
            ..RecoveryOptions::default()
        },
    )
    .expect("forced");
    assert_eq!(plan.bootstrap, "x-1");
    assert_eq!(plan.discarded.len(), 1, "{plan:?}");
    assert_eq!(
        plan.discarded[0].to_string(),
        format!(
            "x-0: 9999 writes of history {other} by InnoDB's recovered position (its files contradict each other)"
        )
    );
}

/// Review 11: a seqno below -1 is an error; a file-wide error carries no `:0`; a failed
/// recovery is named; a Docker json-file log line holds a position.
#[test]
fn odd_values_and_log_shapes() {
    let g = format!("uuid: {RU}\nseqno: -5\n");
    let e = SavedState::parse("grastate.dat", &g).expect_err("-5");
    assert!(e.to_string().starts_with("grastate.dat:2: seqno -5"), "{e}");

    let e = SavedState::parse("g.dat", &format!("uuid: {RU}\n")).expect_err("no seqno");
    assert!(e.to_string().starts_with("g.dat: no seqno line"), "{e}");

    let failed = "2024-05-01 10:00:00 0 [ERROR] WSREP: Failed to recover position: \n2024-05-01 10:00:00 0 [ERROR] Aborting\n";
    let e = RecoveredPosition::from_log("failed.log", failed).expect_err("no position");
    assert!(
        e.to_string()
            .starts_with("failed.log:1: the recovery failed"),
        "{e}"
    );

    let docker = format!(
        "{{\"log\":\"2024-05-01 10:00:01 0 [Note] WSREP: Recovered position: {RU}:1000\\n\",\"stream\":\"stderr\",\"time\":\"2024-05-01T10:00:01Z\"}}\n"
    );
    let p = RecoveredPosition::from_log("docker.json", &docker).expect("a position");
    assert_eq!((p.uuid.as_str(), p.seqno, p.gtid), (RU, 1000, None));
    let gtid = format!("{{\"log\":\"WSREP: Recovered position: {RU}:1000,0-1-990\\n\"}}\n");
    let p = RecoveredPosition::from_log("docker.json", &gtid).expect("a position");
    assert_eq!((p.seqno, p.gtid.as_deref()), (1000, Some("0-1-990")));
}
