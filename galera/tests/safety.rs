//! Safety as properties, over `galera::sim` schedules and random status files and node
//! reports: split-brain is called exactly when there are two Primary components,
//! `pc.bootstrap` is never advised while a node reports Primary, a cluster-changing remedy
//! always names evidence that was read, and the recovery planner never bootstraps a node
//! behind another of its history, nor one without history while one with history exists.

use std::collections::{BTreeMap, BTreeSet};

use galera::health::{Verdict, assess};
use galera::quorum::Settings;
use galera::recovery::{NodeReport, RecoveryOptions, TieBreak, plan_recovery};
use galera::sim::{Cluster, Event, NodeSpec};
use galera::status::{WsrepStatus, on_off};
use galera::strategies::{node_report, risky_schedule, status_variables};
use proptest::prelude::*;

fn formed(specs: Vec<NodeSpec>) -> Cluster {
    let n = specs.len();
    let mut c = Cluster::new(specs);
    c.step(Event::Bootstrap(0)).expect("node 0 is stopped");
    for i in 1..n {
        c.step(Event::Start(i)).expect("node is stopped");
    }
    c
}

/// What each running node would show, as a real server prints it: the model's prediction,
/// plus the history UUID, the incoming addresses of the node's component and its position.
fn observed(c: &Cluster, addresses: bool) -> Vec<(String, WsrepStatus)> {
    let comps = c.components();
    (0..c.specs().len())
        .filter_map(|i| {
            let p = c.predict(i)?;
            let comp = comps.iter().find(|(m, _)| m.contains(&i))?;
            let mut pairs = vec![
                (
                    "wsrep_cluster_status".to_owned(),
                    p.cluster_status.to_string(),
                ),
                ("wsrep_cluster_size".to_owned(), p.size.to_string()),
                (
                    "wsrep_cluster_conf_id".to_owned(),
                    (p.conf_id as u64).to_string(),
                ),
                (
                    "wsrep_local_state".to_owned(),
                    p.local_state.code().to_string(),
                ),
                ("wsrep_ready".to_owned(), on_off(p.ready).to_owned()),
                ("wsrep_connected".to_owned(), on_off(p.connected).to_owned()),
            ];
            if let Some(h) = c.history(i) {
                pairs.push((
                    "wsrep_cluster_state_uuid".to_owned(),
                    format!("{h:08x}-0000-11f0-8000-000000000000"),
                ));
            }
            if let Some(s) = c.seqno(i) {
                pairs.push(("wsrep_last_committed".to_owned(), s.to_string()));
            }
            if addresses {
                let a: Vec<String> = comp.0.iter().map(|m| format!("10.0.0.{m}:3306")).collect();
                pairs.push(("wsrep_incoming_addresses".to_owned(), a.join(",")));
            }
            Some((
                format!("n{i}"),
                WsrepStatus::from_pairs(pairs).expect("valid"),
            ))
        })
        .collect()
}

fn advises_pc_bootstrap(h: &galera::health::Health) -> bool {
    h.findings.iter().any(|f| {
        f.remedy
            .as_deref()
            .is_some_and(|r| r.contains("pc.bootstrap=YES"))
    })
}

/// The model's own `pc.ignore_sb` split: two halves of 2 in a 4-node cluster both stay
/// Primary (`gcomm/src/pc_proto.cpp` `handle_trans`, exact half kept with `ignore_sb`).
#[test]
fn ignore_sb_two_plus_two_is_split_brain() {
    let spec = NodeSpec {
        settings: Settings {
            ignore_sb: true,
            ignore_quorum: false,
        },
        ..NodeSpec::default()
    };
    let mut c = formed(vec![spec; 4]);
    c.step(Event::Partition(vec![
        BTreeSet::from([0, 1]),
        BTreeSet::from([2, 3]),
    ]))
    .expect("partition");
    assert_eq!(c.components().iter().filter(|(_, p)| *p).count(), 2);
    for addresses in [true, false] {
        let h = assess(&observed(&c, addresses), Some(4));
        assert_eq!(
            h.verdict,
            Verdict::SplitBrain,
            "addresses {addresses}: {:?}",
            h.findings
        );
    }
    let h = assess(&observed(&c, true), None);
    assert_eq!(h.components, [vec!["n0", "n1"], vec!["n2", "n3"]]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    /// `health::assess` says split-brain exactly when the simulated cluster has two or more
    /// Primary components, after every step of schedules with the ignore options and
    /// operator bootstraps; and never advises pc.bootstrap while a node is Primary.
    #[test]
    fn split_brain_exactly_when_the_model_has_two_primaries((specs, events) in risky_schedule(1..=6, 30)) {
        let n = specs.len();
        let mut c = formed(specs);
        for e in events {
            let _ = c.step(e.clone());
            let nodes = observed(&c, true);
            if nodes.is_empty() {
                continue;
            }
            // A component is Primary when a node in it says so: with `pc.ignore_quorum` set on
            // some of its nodes only, those go on as Primary while the others do not (galera
            // decides per node), and such a node is a Primary component to an observer.
            let primaries = c
                .components()
                .into_iter()
                .filter(|(members, _)| {
                    members.iter().any(|&m| {
                        c.predict(m)
                            .is_some_and(|p| p.cluster_status == galera::status::ClusterStatus::Primary)
                    })
                })
                .count();
            let h = assess(&nodes, Some(n as u64));
            prop_assert_eq!(h.verdict == Verdict::SplitBrain, primaries >= 2,
                "after {:?}: model {:?}, verdict {}, {:?}", e, c.components(), h.verdict, h.findings);
            if nodes.iter().any(|(_, s)| s.is_primary()) {
                prop_assert!(!advises_pc_bootstrap(&h), "{:?}", h.findings);
            }
        }
    }
}

/// The pairs as one of the client's layouts.
fn render(pairs: &[(String, String)], layout: u8, crlf: bool) -> String {
    let mut out = String::new();
    match layout {
        0 => {
            let w = pairs
                .iter()
                .map(|(k, _)| k.len())
                .max()
                .unwrap_or(0)
                .max(13);
            let v = pairs.iter().map(|(_, v)| v.len()).max().unwrap_or(0).max(5);
            let border = format!("+{}+{}+\n", "-".repeat(w + 2), "-".repeat(v + 2));
            out.push_str("MariaDB [(none)]> SHOW STATUS LIKE 'wsrep%';\n");
            out.push_str(&border);
            out.push_str(&format!("| {:w$} | {:v$} |\n", "Variable_name", "Value"));
            out.push_str(&border);
            for (k, val) in pairs {
                out.push_str(&format!("| {k:w$} | {val:v$} |\n"));
            }
            out.push_str(&border);
            out.push_str(&format!("{} rows in set (0.001 sec)\n", pairs.len()));
        }
        1 => {
            for (i, (k, v)) in pairs.iter().enumerate() {
                out.push_str(&format!(
                    "*************************** {}. row ***************************\n",
                    i + 1
                ));
                out.push_str(&format!("Variable_name: {k}\n        Value: {v}\n"));
            }
        }
        2 => {
            out.push_str("Variable_name\tValue\n");
            for (k, v) in pairs {
                out.push_str(&format!("{k}\t{v}\n"));
            }
        }
        _ => {
            for (k, v) in pairs {
                out.push_str(&format!("{k}\t{v}\n"));
            }
        }
    }
    if crlf { out.replace('\n', "\r\n") } else { out }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Over random status files in every layout: the text reads as the pairs it holds;
    /// pc.bootstrap is never advised while any node reports Primary; a remedy that changes
    /// the cluster always names evidence, and every piece of evidence is a variable that was
    /// in that node's file; "cannot judge" carries no remedy, and is the answer exactly when
    /// a node lacks wsrep_cluster_status (or a Primary one its size).
    #[test]
    fn never_advise_without_evidence(
        files in proptest::collection::vec((status_variables(), 0u8..4, any::<bool>()), 1..5),
        expect in proptest::option::of(1u64..5),
    ) {
        let mut nodes = Vec::new();
        let mut read: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (i, (pairs, layout, crlf)) in files.iter().enumerate() {
            let name = format!("n{i}");
            let text = render(pairs, *layout, *crlf);
            let s = WsrepStatus::from_text(&text).expect("valid values");
            prop_assert_eq!(&s, &WsrepStatus::from_pairs(pairs.clone()).expect("valid"), "layout {} of {:?}", layout, text);
            read.insert(name.clone(), pairs.iter().map(|(k, _)| k.clone()).collect());
            nodes.push((name, s));
        }
        let h = assess(&nodes, expect);
        let any_primary = files.iter().any(|(p, _, _)| p.iter().any(|(k, v)| k == "wsrep_cluster_status" && v == "Primary"));
        if any_primary {
            prop_assert!(!advises_pc_bootstrap(&h), "{:?}", h.findings);
        }
        // What a verdict needs, written from the rules: every node's status one of the
        // server's three spellings (`MariaDB/server@10.3:sql/wsrep_mysqld.cc`
        // `cluster_status_str`), a Primary node's size read and at least 1, and each node
        // once (no two with one wsrep_gcomm_uuid).
        const VALID: [&str; 3] = ["Primary", "non-Primary", "Disconnected"];
        let value = |p: &[(String, String)], k: &str| p.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
        let lacking = files.iter().any(|(p, _, _)| {
            let status = value(p, "wsrep_cluster_status");
            let primary = status.as_deref() == Some("Primary");
            let size = value(p, "wsrep_cluster_size");
            !status.as_deref().is_some_and(|s| VALID.contains(&s))
                || (primary && size.as_deref().is_none_or(|n| n == "0"))
        });
        let gcomm: Vec<String> = files.iter().filter_map(|(p, _, _)| value(p, "wsrep_gcomm_uuid")).collect();
        let twice = gcomm.iter().enumerate().any(|(i, u)| gcomm[i + 1..].contains(u));
        if lacking || twice {
            prop_assert_eq!(h.verdict, Verdict::CannotJudge);
        }
        // No remedy that changes the cluster unless every status it rests on was read as a
        // valid value.
        for f in h.findings.iter().filter(|f| f.changes_cluster) {
            for e in f.evidence.iter().filter(|e| e.variable == "wsrep_cluster_status") {
                prop_assert!(VALID.contains(&e.value.as_str()), "{} rests on {}", f, e);
            }
        }
        if h.verdict == Verdict::CannotJudge {
            prop_assert!(h.findings.iter().all(|f| f.remedy.is_none() && !f.changes_cluster));
        }
        for f in &h.findings {
            if f.changes_cluster {
                prop_assert!(!f.evidence.is_empty(), "{}", f);
            }
            for e in &f.evidence {
                prop_assert!(read[&e.node].contains(&e.variable), "{} was not read: {}", e, f);
            }
        }
    }
}

const NIL: &str = "00000000-0000-0000-0000-000000000000";

/// Where a node's data stands, written here from the rule itself: InnoDB's recovered position
/// when it has one (not nil, not -1), unless `grastate.dat` names another history (then nobody
/// knows, and galera would ignore the recovered position); else `grastate.dat`'s when it has
/// one. The saved state is a cache galera rewrites at clean shutdown; the data is what InnoDB
/// holds.
fn galera_position(n: &NodeReport) -> Option<(&str, i64)> {
    let ok = |u: &str, s: i64| u != NIL && s >= 0;
    let saved = n.saved.as_ref().filter(|s| ok(&s.uuid, s.seqno));
    let recovered = n.recovered.as_ref().filter(|r| ok(&r.uuid, r.seqno));
    if contradicted(n) {
        return None;
    }
    match (saved, recovered) {
        (_, Some(r)) => Some((r.uuid.as_str(), r.seqno)),
        (Some(s), None) => Some((s.uuid.as_str(), s.seqno)),
        (None, None) => None,
    }
}

/// Whether the node has a history: a position; else the recovered history when recovered (a
/// recovered nil UUID is InnoDB that never committed a write-set: a node that never joined),
/// else `grastate.dat`'s.
fn has_history(n: &NodeReport) -> bool {
    if galera_position(n).is_some() {
        return true;
    }
    match (&n.recovered, &n.saved) {
        (Some(r), _) => r.uuid != NIL,
        (None, Some(s)) => s.uuid != NIL,
        (None, None) => false,
    }
}

/// A recovered position in one history next to a `grastate.dat` naming another.
fn contradicted(n: &NodeReport) -> bool {
    matches!((&n.saved, &n.recovered), (Some(s), Some(r))
        if s.uuid != NIL && r.uuid != NIL && r.seqno >= 0 && s.uuid != r.uuid)
}

/// The history a node belongs to: its position's; none when its files name two histories
/// (which one its data is in is not known); else any history UUID its files name
/// (recovered first, as galera's start position would).
fn history_of(n: &NodeReport) -> Option<&str> {
    if contradicted(n) || !has_history(n) {
        return None;
    }
    galera_position(n).map(|(u, _)| u).or_else(|| {
        [
            n.recovered.as_ref().map(|r| r.uuid.as_str()),
            n.saved.as_ref().map(|s| s.uuid.as_str()),
        ]
        .into_iter()
        .flatten()
        .find(|u| *u != NIL)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Whatever the options, a chosen node has a history, is not behind another node of that
    /// history, and every donor has a position in it.
    #[test]
    fn the_planner_never_bootstraps_a_node_behind(
        mut nodes in proptest::collection::vec(node_report(), 1..6),
        force in any::<bool>(),
        high in any::<bool>(),
        members in proptest::collection::btree_set(0usize..7, 0..4),
    ) {
        for (i, n) in nodes.iter_mut().enumerate() {
            n.name = format!("mariadb-{i}");
        }
        let options = RecoveryOptions {
            force,
            tie_break: if high { TieBreak::HighestOrdinal } else { TieBreak::LowestOrdinal },
            members: members.iter().map(|m| format!("mariadb-{m}")).collect(),
            ..RecoveryOptions::default()
        };
        let Ok(plan) = plan_recovery(&nodes, &options) else { return Ok(()) };
        let b = nodes.iter().find(|n| n.name == plan.bootstrap).expect("a listed node");
        // Unforced, no reported data node with a history is left without a position (it
        // would be sent to SST), and nothing says "forced".
        if !force {
            for n in nodes.iter().filter(|n| !n.arbitrator) {
                prop_assert!(!has_history(n) || galera_position(n).is_some(), "{} has a history but no position: {plan:?}", n.name);
            }
            let reasons = plan.joins.iter().map(|j| &j.reason).chain(plan.skipped.iter().map(|s| &s.reason));
            for r in reasons.chain([&plan.reason]) {
                prop_assert!(!r.contains("forced"), "{r}");
            }
        }
        // A flag is a reason only in a grastate.dat with a history.
        if plan.reason.contains("says safe_to_bootstrap: 1") {
            prop_assert!(b.saved.as_ref().is_some_and(|s| s.uuid != NIL && s.safe_to_bootstrap == Some(true)), "{plan:?}");
        }
        prop_assert!(!b.arbitrator);
        let Some((uuid, seqno)) = galera_position(b) else {
            return Err(TestCaseError::fail(format!("{} has no history: {plan:?}", b.name)));
        };
        // Galera starts from grastate.dat's seqno unless it is -1, and takes a start position
        // only in grastate.dat's own history: whenever the file would start the node
        // elsewhere than its data, the plan says how to correct it before the start.
        match &b.saved {
            Some(s) if s.uuid == uuid && s.seqno >= 0 && s.seqno != seqno => prop_assert!(
                plan.reason.contains("correct its stale grastate.dat"), "{plan:?}"),
            Some(s) if s.uuid == uuid && s.seqno < 0 => prop_assert!(
                plan.reason.contains(&format!("--wsrep-start-position={uuid}:{seqno}")), "{plan:?}"),
            Some(s) if s.uuid == uuid => {}
            _ => prop_assert!(plan.reason.contains("write its grastate.dat"), "{plan:?}"),
        }
        for n in nodes.iter().filter(|n| !n.arbitrator) {
            if let Some((u, s)) = galera_position(n) {
                prop_assert!(u != uuid || s <= seqno, "{} at {s} is ahead of {} at {seqno}: {plan:?}", n.name, b.name);
            }
        }
        for j in &plan.joins {
            if let Some(d) = &j.donor {
                let d = nodes.iter().find(|n| &n.name == d).expect("a listed donor");
                prop_assert!(galera_position(d).is_some_and(|(u, _)| u == uuid), "donor {} has no position in {uuid}", d.name);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// A forced plan over several histories keeps one that no other history beats both in
    /// nodes and in writes: it never keeps a smaller history that is also behind.
    #[test]
    fn a_forced_plan_never_keeps_a_smaller_history_that_is_behind(
        mut nodes in proptest::collection::vec(node_report(), 2..7),
        high in any::<bool>(),
    ) {
        for (i, n) in nodes.iter_mut().enumerate() {
            n.name = format!("mariadb-{i}");
        }
        let options = RecoveryOptions {
            force: true,
            tie_break: if high { TieBreak::HighestOrdinal } else { TieBreak::LowestOrdinal },
            ..RecoveryOptions::default()
        };
        let Ok(plan) = plan_recovery(&nodes, &options) else { return Ok(()) };
        let b = nodes.iter().find(|n| n.name == plan.bootstrap).expect("a listed node");
        let Some((kept, _)) = galera_position(b) else {
            return Err(TestCaseError::fail(format!("{} has no position: {plan:?}", b.name)));
        };
        // Per history: its nodes with a known position, its writes.
        let mut histories: BTreeMap<&str, (usize, i64)> = BTreeMap::new();
        for n in nodes.iter().filter(|n| !n.arbitrator) {
            if let Some(h) = history_of(n) {
                let e = histories.entry(h).or_insert((0, -1));
                if let Some((u, s)) = galera_position(n) && u == h {
                    e.0 += 1;
                    e.1 = e.1.max(s);
                }
            }
        }
        let (kept_nodes, kept_writes) = histories[kept];
        for (h, (count, writes)) in &histories {
            prop_assert!(
                !(*count >= kept_nodes && *writes >= kept_writes) || *h == kept,
                "kept {kept} ({kept_nodes} nodes with a position, {kept_writes} writes) while {h} has {count} and {writes}: {plan:?}"
            );
        }
        // Every node of another history is listed with what it discards.
        for n in nodes.iter().filter(|n| !n.arbitrator) {
            if let Some(h) = history_of(n) && h != kept {
                prop_assert!(plan.discarded.iter().any(|d| d.node == n.name && d.history.as_deref() == Some(h)), "{} of {h} not listed: {plan:?}", n.name);
            }
            // So is every node whose data is replaced while it may hold writes: files that
            // contradict each other, or a history but no position.
            if n.name != plan.bootstrap && (contradicted(n) || (has_history(n) && galera_position(n).is_none())) {
                prop_assert!(plan.discarded.iter().any(|d| d.node == n.name), "{} is replaced but not listed: {plan:?}", n.name);
            }
        }
    }
}
