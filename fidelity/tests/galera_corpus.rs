//! The real-world cases of `../shared/cases/galera/` (their README gives each right answer
//! and why), read the way `galera-recover` and `galera-health` read them. Skipped, saying so,
//! when the shared cases are not there (`fidelity::shared`).

use std::path::{Path, PathBuf};

use galera::files::NodeFile;
use galera::health::{Verdict, assess};
use galera::recovery::{RecoveryOptions, Refusal, Transfer, node_name, plan_recovery, reports};
use galera::status::{ClusterStatus, LocalState, WsrepStatus};

fn case(name: &str) -> Option<PathBuf> {
    fidelity::cases(&format!("the real-world case galera/{name}"))
        .map(|d| d.join("galera").join(name))
}

/// Every file under `dir`, sorted, as `(relative path, text)`.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readable case") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .expect("under dir")
                    .display()
                    .to_string();
                out.push((rel, std::fs::read_to_string(&p).expect("text")));
            }
        }
    }
    out.sort();
    out
}

fn plan(dir: &Path) -> galera::recovery::RecoveryPlan {
    plan_with(dir, &RecoveryOptions::default()).unwrap_or_else(|r| panic!("refused: {r}"))
}

fn plan_with(
    dir: &Path,
    options: &RecoveryOptions,
) -> Result<galera::recovery::RecoveryPlan, galera::recovery::Refusal> {
    let read: Vec<_> = files(dir)
        .into_iter()
        .map(|(rel, text)| {
            let f = NodeFile::identify(&rel, &text).unwrap_or_else(|e| panic!("{e}"));
            (node_name(&rel), rel, f)
        })
        .collect();
    let nodes = reports(&read).expect("one file of each kind per node");
    plan_recovery(&nodes, options)
}

fn statuses(dir: &Path) -> Vec<(String, WsrepStatus)> {
    files(dir)
        .into_iter()
        .map(|(rel, text)| {
            let s = WsrepStatus::from_text(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
            (node_name(&rel), s)
        })
        .collect()
}

/// "bootstrap `mariadb-2`; the others join it": `mariadb-1`'s `safe_to_bootstrap: 1` sits
/// on the all-zero UUID and seqno -1.
#[test]
fn recover_safe_nil_uuid() {
    let Some(dir) = case("recover-safe-nil-uuid") else {
        return;
    };
    let p = plan(&dir);
    assert_eq!(p.bootstrap, "mariadb-2", "{p:?}");
    let mut joined: Vec<&str> = p.joins.iter().map(|j| j.node.as_str()).collect();
    joined.sort_unstable();
    assert_eq!(joined, ["mariadb-0", "mariadb-1"]);
    assert!(
        p.joins
            .iter()
            .all(|j| j.donor.as_deref() == Some("mariadb-2"))
    );
    assert!(p.skipped.iter().any(|s| s.node == "mariadb-1"));
}

/// "bootstrap `database-1` (seqno 10171, tie with `database-2` broken by the lowest
/// ordinal); `database-2` and `database-0` join by IST": `mysqld_safe`'s spelling.
#[test]
fn recover_mysqld_safe_log() {
    let Some(dir) = case("recover-mysqld-safe-log") else {
        return;
    };
    let p = plan(&dir);
    assert_eq!(p.bootstrap, "database-1");
    assert!(p.reason.contains("10171"), "{}", p.reason);
    let joins: Vec<(&str, Transfer)> = p
        .joins
        .iter()
        .map(|j| (j.node.as_str(), j.transfer))
        .collect();
    assert_eq!(
        joins,
        [("database-2", Transfer::Ist), ("database-0", Transfer::Ist)]
    );
}

/// "`split-brain`: `{mariadb-0, mariadb-2}` and `{mariadb-1}` are two Primary components",
/// with or without an expected size.
#[test]
fn health_split_confid_quirk() {
    let Some(dir) = case("health-split-confid-quirk") else {
        return;
    };
    let nodes = statuses(&dir);
    for expect in [None, Some(3)] {
        let h = assess(&nodes, expect);
        assert_eq!(h.verdict, Verdict::SplitBrain, "{:?}", h.findings);
        assert_eq!(
            h.components,
            [vec!["mariadb-0", "mariadb-2"], vec!["mariadb-1"]]
        );
        let f = h.findings.last().expect("the split finding");
        assert!(
            f.message.contains("{mariadb-0, mariadb-2}") && f.message.contains("{mariadb-1}"),
            "{f}"
        );
    }
}

/// "read it (a Synced Primary member of a 3-node cluster)".
#[test]
fn health_boxed_table() {
    let Some(dir) = case("health-boxed-table") else {
        return;
    };
    let nodes = statuses(&dir);
    let s = &nodes[0].1;
    assert_eq!(s.cluster_status, Some(ClusterStatus::Primary));
    assert_eq!(
        (s.cluster_size, s.local_state),
        (Some(3), Some(LocalState::Synced))
    );
    assert_eq!(s.incoming_addresses.as_ref().map(Vec::len), Some(3));
    let h = assess(&nodes, Some(3));
    assert_eq!(h.verdict, Verdict::Healthy, "{:?}", h.findings);
    assert!(h.findings.iter().all(|f| f.remedy.is_none()));
}

/// "`node-0` holds the newest data: bootstrap it (after clearing its stale `grastate.dat`
/// seqno so galera starts from the recovered position 1500), the others join it": its
/// `grastate.dat` says 1200, InnoDB recovers 1500; nobody's newest writes are thrown away.
#[test]
fn recover_stale_grastate() {
    let Some(dir) = case("recover-stale-grastate") else {
        return;
    };
    let p = plan(&dir);
    assert_eq!(p.bootstrap, "node-0", "{p:?}");
    assert!(p.reason.contains("1500"), "{}", p.reason);
    assert!(
        p.reason.contains("grastate.dat") && p.reason.contains("seqno: 1500"),
        "the plan says which file to correct: {}",
        p.reason
    );
    let joins: Vec<(&str, Transfer, Option<&str>)> = p
        .joins
        .iter()
        .map(|j| (j.node.as_str(), j.transfer, j.donor.as_deref()))
        .collect();
    assert_eq!(
        joins,
        [
            ("node-1", Transfer::Ist, Some("node-0")),
            ("node-2", Transfer::Ist, Some("node-0"))
        ]
    );
}

/// "without `--force`: refuse (two histories). With `--force`: keep history A (two nodes,
/// 2310 writes): bootstrap `galera-2`; never `galera-0`", and say what it discards.
#[test]
fn recover_two_safe_two_histories() {
    let Some(dir) = case("recover-two-safe-two-histories") else {
        return;
    };
    let refused = plan_with(&dir, &RecoveryOptions::default()).expect_err("two histories");
    assert!(matches!(refused, Refusal::ConflictingUuids(_)), "{refused}");
    let forced = RecoveryOptions {
        force: true,
        ..RecoveryOptions::default()
    };
    let p = plan_with(&dir, &forced).expect("a forced plan");
    assert_eq!(p.bootstrap, "galera-2", "{p:?}");
    assert_eq!(p.discarded.len(), 1, "{:?}", p.discarded);
    assert_eq!(p.discarded[0].node, "galera-0");
    assert_eq!(p.discarded[0].seqno, Some(3));
    let galera0 = p
        .joins
        .iter()
        .find(|j| j.node == "galera-0")
        .expect("joins");
    assert_eq!(galera0.transfer, Transfer::Sst);
    assert!(galera0.reason.contains("3 writes"), "{}", galera0.reason);
}

/// "degraded (or healthy with a note) naming a manual desync on `node-2`: `SET GLOBAL
/// wsrep_desync=OFF` when the backup or maintenance is over".
#[test]
fn health_desync_backup() {
    let Some(dir) = case("health-desync-backup") else {
        return;
    };
    let h = assess(&statuses(&dir), Some(3));
    assert_eq!(h.verdict, Verdict::Degraded, "{:?}", h.findings);
    let f = h
        .findings
        .iter()
        .find(|f| f.node.as_deref() == Some("node-2"))
        .expect("a finding on node-2");
    assert!(f.message.contains("desynced on purpose"), "{f}");
    let remedy = f.remedy.as_deref().unwrap_or_default();
    assert!(remedy.contains("SET GLOBAL wsrep_desync=OFF"), "{remedy}");
    assert!(!remedy.contains("wait for the state transfer"), "{remedy}");
    assert!(!f.changes_cluster);
}

/// "a finding: replication was paused by flow control 87% of the time; `node-2` is the slow
/// applier (receive queue 117.5 on average)".
#[test]
fn health_flow_control() {
    let Some(dir) = case("health-flow-control") else {
        return;
    };
    let h = assess(&statuses(&dir), Some(3));
    assert_eq!(h.verdict, Verdict::Degraded, "{:?}", h.findings);
    let f = h
        .findings
        .iter()
        .find(|f| f.message.contains("flow control"))
        .expect("a flow-control finding");
    assert!(f.message.contains("87%"), "{f}");
    assert!(f.message.contains("node-2"), "{f}");
    assert!(!f.message.contains("node-0 ("), "{f}");
}

/// Every handed case has its test here (or in the checker's corpus): a new case folder
/// without an answer checked fails.
#[test]
fn every_galera_case_is_answered() {
    let Some(cases) = fidelity::cases("galera_corpus::every_galera_case_is_answered") else {
        return;
    };
    let answered = [
        "health-boxed-table",
        "health-desync-backup",
        "health-flow-control",
        "health-split-confid-quirk",
        "recover-mysqld-safe-log",
        "recover-safe-nil-uuid",
        "recover-stale-grastate",
        "recover-two-safe-two-histories",
    ];
    let mut found: Vec<String> = std::fs::read_dir(cases.join("galera"))
        .expect("cases/galera")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    assert_eq!(
        found, answered,
        "a case without a test, or a test without its case"
    );
}
