//! The plan: which node to bootstrap and who joins in which order, by IST or SST, from which
//! donor (rules 3 to 6 of the module docs), or why none is chosen ([`Refusal`]).

use super::position::{NodePosition, NodeReport, ordinal};

/// How ties between equally advanced nodes are broken. The order is the pod ordinal
/// ([`ordinal`]), else the place in the list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TieBreak {
    /// The lowest ordinal (the Percona operator's choice).
    #[default]
    LowestOrdinal,
    /// The highest ordinal (mariadb-operator's choice).
    HighestOrdinal,
}

/// Options of [`plan_recovery`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecoveryOptions {
    /// Tie break.
    pub tie_break: TieBreak,
    /// Every member that could hold newer data; a member that did not report (or reports no
    /// position) refuses the plan unless `force`.
    pub members: Vec<String>,
    /// Plan anyway despite conflicting UUIDs, unknown positions or a contradicted
    /// `safe_to_bootstrap`; the chosen node is still never behind another of its history.
    pub force: bool,
    /// `wsrep_sst_donor`: preferred donors in order; a trailing comma (`fallback_any`) lets any
    /// other node donate when none of them can.
    pub donors: Vec<String>,
    /// `wsrep_sst_donor` ends with a comma.
    pub fallback_any: bool,
    /// The history to keep (a cluster state UUID) when the nodes report several: the plan
    /// bootstraps a node of it and replaces the others' data, listing what it discards
    /// ([`RecoveryPlan::discarded`]). Naming it is a choice: no `force` needed for that.
    pub history: Option<String>,
}

/// How a joiner receives the state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Transfer {
    /// Incremental: only the missing write sets.
    #[serde(rename = "IST")]
    Ist,
    /// Full snapshot.
    #[serde(rename = "SST")]
    Sst,
}

/// One joiner.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Join {
    /// Node.
    pub node: String,
    /// IST or SST.
    pub transfer: Transfer,
    /// Donor, `None` for an arbitrator (it needs no state).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub donor: Option<String>,
    /// Why, naming the evidence.
    pub reason: String,
}

/// A node passed over as a bootstrap candidate.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// Node.
    pub node: String,
    /// Why, naming the evidence.
    pub reason: String,
}

/// A recovery plan.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RecoveryPlan {
    /// The node to start with `--wsrep-new-cluster` (after setting `safe_to_bootstrap: 1`).
    pub bootstrap: String,
    /// Why that node, naming the evidence.
    pub reason: String,
    /// Nodes that cannot be bootstrapped from (never joined, or forced past an unknown
    /// position); they join by SST.
    pub skipped: Vec<Skipped>,
    /// Then these, in order.
    pub joins: Vec<Join>,
    /// The data the plan replaces: each node of a history other than the one kept, each node
    /// whose files contradict each other, each node of unknown position, with what it holds
    /// (empty unless forced or a history was named).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub discarded: Vec<Discarded>,
}

/// A node whose data a plan replaces with a full snapshot (SST), shown before anything runs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Discarded {
    /// Node.
    pub node: String,
    /// Why its data goes.
    pub why: DiscardReason,
    /// The history (cluster state UUID) its data is in, as far as its files tell: for files
    /// that contradict each other, the one InnoDB recovered; `None` when no file names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<String>,
    /// Its last committed seqno there, i.e. the writes of that history it holds; `None`
    /// when its position is not known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seqno: Option<i64>,
}

/// Why a plan replaces a node's data ([`Discarded::why`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiscardReason {
    /// Its data is of a history other than the one kept (forced, or `--history`).
    OtherHistory,
    /// Its `grastate.dat` and its `--wsrep-recover` log name different histories (forced).
    ContradictedFiles,
    /// Its position is not known, so it may hold writes the bootstrap node lacks (forced).
    UnknownPosition,
}

impl std::fmt::Display for Discarded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let history = self.history.as_deref().unwrap_or("unknown");
        match (self.why, self.seqno) {
            (DiscardReason::OtherHistory, Some(n)) => {
                write!(f, "{}: {n} writes of history {history}", self.node)
            }
            (DiscardReason::OtherHistory, None) => write!(
                f,
                "{}: its writes of history {history} (position unknown)",
                self.node
            ),
            (DiscardReason::ContradictedFiles, Some(n)) => write!(
                f,
                "{}: {n} writes of history {history} by InnoDB's recovered position (its files contradict each other)",
                self.node
            ),
            (DiscardReason::ContradictedFiles, None) => write!(
                f,
                "{}: its data (its files contradict each other; history {history})",
                self.node
            ),
            (DiscardReason::UnknownPosition, _) => write!(
                f,
                "{}: its writes of history {history} (position unknown: it may hold writes the bootstrap node lacks)",
                self.node
            ),
        }
    }
}

/// Why no node is chosen.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize)]
pub enum Refusal {
    /// Nodes belong to different histories.
    #[error(
        "nodes report different cluster UUIDs ({0}): they are not one cluster; bootstrap each history separately, name the history to keep (--history), or force (it keeps the history most nodes share and lists the writes it discards)"
    )]
    ConflictingUuids(String),
    /// The history named to keep is none of the nodes'.
    #[error("no node reports history {history}: the nodes report {reported}")]
    UnknownHistory {
        /// The history named.
        history: String,
        /// The histories the nodes report.
        reported: String,
    },
    /// A node's files contradict each other.
    #[error(
        "the files of {0} contradict each other: which data it holds is not known; check which files are that node's (run `mariadbd --wsrep-recover` on it again), or force to replace its data"
    )]
    Contradiction(String),
    /// Members that could hold newer data have no known position.
    #[error(
        "no position from {0}: they may hold newer data; run `mariadbd --wsrep-recover` on {0} and pass its log, or force"
    )]
    MissingReports(String),
    /// The node that says `safe_to_bootstrap: 1` is behind another node of its history.
    #[error(
        "{safe} says safe_to_bootstrap: 1 at seqno {safe_seqno}, but {ahead} of the same history is at seqno {ahead_seqno}: the files contradict each other; check both (run `mariadbd --wsrep-recover` on {safe}), or force to bootstrap the most advanced"
    )]
    SafeNodeBehind {
        /// The flagged node.
        safe: String,
        /// Its seqno.
        safe_seqno: i64,
        /// The most advanced node of the same history.
        ahead: String,
        /// Its seqno.
        ahead_seqno: i64,
    },
    /// No data-bearing node has a known position.
    #[error("no node reports a position: run `mariadbd --wsrep-recover` on every node")]
    NoPosition,
    /// No node of the history to keep has a known position, while nodes of others do.
    #[error(
        "no node of history {0} reports a position: run `mariadbd --wsrep-recover` on its nodes and pass their logs, or keep another history"
    )]
    NoPositionInHistory(String),
    /// Forced over several histories, two lead alike (as many nodes with a known position,
    /// as many writes): which to keep is the operator's choice.
    #[error(
        "histories tie ({0}): forcing cannot choose which writes to keep; name the history to keep with --history"
    )]
    HistoryTie(String),
}

/// What a node whose `grastate.dat` holds no seqno (a crash) needs to keep its position: the
/// server does not read the position back from its storage engine when it starts, so started
/// plainly it begins from an undefined one (bootstrapped: a new history and a reset cache;
/// joining: a full SST). `mysqld_safe` and the systemd unit's `galera_recovery` pass the
/// recovered position with `--wsrep-start-position`; KubeDB's `after-crash-bootstrap.sh` and
/// `join-cluster.sh` (`kubedb/mariadb-init-docker@0.8.0:scripts/`) do not. Seen on MariaDB
/// 10.11.19 + Galera 26.4.23 by the lab's failover drills.
fn start_position(node: &NodeReport, uuid: &str, seqno: i64) -> String {
    // Galera takes --wsrep-start-position only when grastate.dat names the same history
    // (`codership/galera@release_26.4.23:galera/src/replicator_smm.cpp`
    // `ReplicatorSMM::ReplicatorSMM`); a missing file reads as the nil UUID.
    if node.saved.as_ref().is_none_or(|s| s.uuid != uuid) {
        return format!(
            "; and before it starts, write its grastate.dat with uuid: {uuid} and seqno: {seqno} (it {}: galera takes a start position only in grastate.dat's own history, so started as it is the server begins from an undefined position)",
            if node.saved.is_some() {
                "names no history"
            } else {
                "has none"
            }
        );
    }
    let saved = node.saved.as_ref().map_or(-1, |s| s.seqno);
    if saved >= 0 && saved != seqno {
        return format!(
            "; and before it starts, correct its stale grastate.dat: seqno: {seqno} (it says {saved}; InnoDB recovered {seqno}), or seqno: -1 and start it with --wsrep-start-position={uuid}:{seqno}: started as it is, galera announces seqno {saved}"
        );
    }
    if saved >= 0 {
        return String::new();
    }
    format!(
        "; start it with --wsrep-start-position={uuid}:{seqno} (its grastate.dat holds no seqno: without it the server starts from an undefined position)"
    )
}

/// Chooses the bootstrap node and the join order (see the module docs).
pub fn plan_recovery(
    nodes: &[NodeReport],
    options: &RecoveryOptions,
) -> Result<RecoveryPlan, Refusal> {
    let order = |i: usize| -> i64 {
        let o = ordinal(&nodes[i].name).map_or(i as i64, |o| o.min(i64::MAX as u64) as i64);
        match options.tie_break {
            TieBreak::LowestOrdinal => o,
            TieBreak::HighestOrdinal => -o,
        }
    };
    let positions: Vec<NodePosition> = nodes.iter().map(NodeReport::position).collect();
    let data: Vec<usize> = (0..nodes.len()).filter(|&i| !nodes[i].arbitrator).collect();
    let known = |i: usize| match &positions[i] {
        NodePosition::Known { uuid, seqno, .. } => Some((uuid.as_str(), *seqno)),
        _ => None,
    };

    let mut uuids: Vec<&str> = data.iter().filter_map(|&i| nodes[i].uuid()).collect();
    uuids.sort_unstable();
    uuids.dedup();
    // A history's weight: its nodes with a known position, then its writes (the highest
    // seqno). A node of unknown position is not counted: the plan would replace its data.
    let weight = |u: &str| -> (usize, Option<i64>) {
        let seqnos: Vec<i64> = data
            .iter()
            .filter_map(|&i| known(i).filter(|k| k.0 == u).map(|k| k.1))
            .collect();
        (seqnos.len(), seqnos.iter().copied().max())
    };
    let describe = |u: &str| {
        let (count, writes) = weight(u);
        match writes {
            Some(w) => format!("{u}: {count} nodes with a position, up to seqno {w}"),
            None => format!("{u}: no node with a position"),
        }
    };
    // Rule 6: the history kept.
    let mut chose_history = String::new();
    let kept_history: Option<&str> = match options.history.as_deref() {
        Some(h) => match uuids.iter().find(|u| u.eq_ignore_ascii_case(h)) {
            Some(&u) => Some(u),
            None => {
                return Err(Refusal::UnknownHistory {
                    history: h.to_owned(),
                    reported: uuids.join(", "),
                });
            }
        },
        None if uuids.len() > 1 && !options.force => {
            return Err(Refusal::ConflictingUuids(uuids.join(", ")));
        }
        None if uuids.len() > 1 => {
            let mut ranked = uuids.clone();
            ranked.sort_by_key(|&u| std::cmp::Reverse(weight(u)));
            let best = weight(ranked[0]);
            if best.0 == 0 {
                return Err(Refusal::NoPosition);
            }
            let tied: Vec<String> = ranked
                .iter()
                .filter(|&&u| weight(u) == best)
                .map(|&u| describe(u))
                .collect();
            if tied.len() > 1 {
                return Err(Refusal::HistoryTie(tied.join("; ")));
            }
            let others: Vec<String> = ranked[1..].iter().map(|&u| describe(u)).collect();
            chose_history = format!(
                "forced to keep the history with the most nodes with a position, then the most writes ({}) over {}; ",
                describe(ranked[0]),
                others.join("; ")
            );
            Some(ranked[0])
        }
        None => None,
    };
    let contradicted: Vec<String> = data
        .iter()
        .filter_map(|&i| match &positions[i] {
            NodePosition::Contradicted { evidence } => {
                Some(format!("{} ({evidence})", nodes[i].name))
            }
            _ => None,
        })
        .collect();
    let kept = |i: usize| kept_history.is_none() || nodes[i].uuid() == kept_history;
    if let Some(h) = kept_history
        && !data.iter().any(|&i| known(i).is_some_and(|k| k.0 == h))
        && data.iter().any(|&i| known(i).is_some())
    {
        return Err(Refusal::NoPositionInHistory(h.to_owned()));
    }
    let data: Vec<usize> = data
        .into_iter()
        .filter(|&i| kept(i) || matches!(positions[i], NodePosition::Contradicted { .. }))
        .collect();
    // Every node whose data a full snapshot replaces and may hold writes the kept history
    // lacks: another history's, a contradicted one's, one of unknown position (forced).
    let discarded: Vec<Discarded> = (0..nodes.len())
        .filter(|&i| !nodes[i].arbitrator)
        .filter_map(|i| {
            let n = &nodes[i];
            let (why, history, seqno) = match &positions[i] {
                NodePosition::NeverJoined { .. } => return None,
                NodePosition::Unknown { .. } if n.uuid().is_none() => {
                    (DiscardReason::UnknownPosition, None, None)
                }
                NodePosition::Contradicted { .. } => {
                    let recovered = n.recovered.as_ref().filter(|r| r.seqno >= 0);
                    (
                        DiscardReason::ContradictedFiles,
                        recovered
                            .map(|r| r.uuid.clone())
                            .or_else(|| n.saved.as_ref().map(|s| s.uuid.clone())),
                        recovered.map(|r| r.seqno),
                    )
                }
                _ if !kept(i) => (
                    DiscardReason::OtherHistory,
                    n.uuid().map(str::to_owned),
                    known(i).map(|k| k.1),
                ),
                NodePosition::Unknown { .. } => (
                    DiscardReason::UnknownPosition,
                    n.uuid().map(str::to_owned),
                    None,
                ),
                _ => return None,
            };
            Some(Discarded {
                node: n.name.clone(),
                why,
                history,
                seqno,
            })
        })
        .collect();
    if !contradicted.is_empty() && !options.force {
        return Err(Refusal::Contradiction(contradicted.join("; ")));
    }

    // Rule 3: safe_to_bootstrap on a node with a history.
    let mut chosen: Option<(usize, String)> = None;
    let mut safe = data
        .iter()
        .copied()
        .filter(|&i| nodes[i].safe_to_bootstrap() && known(i).is_some())
        .collect::<Vec<_>>();
    safe.sort_by_key(|&i| order(i));
    if let Some(&s) = safe.first() {
        let (uuid, seqno) = known(s).unwrap_or_default();
        let ahead = data
            .iter()
            .copied()
            .filter(|&i| known(i).is_some_and(|(u, q)| u == uuid && q > seqno))
            .max_by_key(|&i| (known(i).map(|k| k.1), -order(i)));
        match ahead {
            None => {
                let evidence = match &positions[s] {
                    NodePosition::Known { evidence, .. } => evidence.clone(),
                    _ => String::new(),
                };
                chosen = Some((
                    s,
                    format!(
                        "grastate.dat says safe_to_bootstrap: 1 ({evidence}): galera sets it only on the last node to leave the primary component; no node of its history is further ahead{}",
                        start_position(&nodes[s], uuid, seqno)
                    ),
                ));
            }
            Some(a) if !options.force => {
                return Err(Refusal::SafeNodeBehind {
                    safe: nodes[s].name.clone(),
                    safe_seqno: seqno,
                    ahead: nodes[a].name.clone(),
                    ahead_seqno: known(a).map_or(-1, |k| k.1),
                });
            }
            Some(_) => {}
        }
    }

    // Rule 4: unknown positions block; so do silent members, unless the flag chose a node.
    {
        let mut blocking: Vec<&str> = options
            .members
            .iter()
            .filter(|m| chosen.is_none() && !data.iter().any(|&i| &nodes[i].name == *m))
            .map(String::as_str)
            .collect();
        for &i in &data {
            if matches!(positions[i], NodePosition::Unknown { .. }) {
                blocking.push(&nodes[i].name);
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        blocking.retain(|n| seen.insert(*n));
        // Members in the order given, then the others in input order.
        let rank = |n: &str| {
            options
                .members
                .iter()
                .position(|m| m == n)
                .unwrap_or(usize::MAX)
        };
        blocking.sort_by_key(|n| rank(n));
        if chosen.is_none() && !data.iter().any(|&i| known(i).is_some()) {
            return Err(Refusal::NoPosition);
        }
        if !blocking.is_empty() && !options.force {
            return Err(Refusal::MissingReports(blocking.join(", ")));
        }
    }

    // Rule 5: the highest position.
    let (b, reason) = match chosen {
        Some(c) => c,
        None => {
            let best = data
                .iter()
                .copied()
                .filter(|&i| known(i).is_some())
                .max_by_key(|&i| (known(i).map(|k| k.1), -order(i)))
                .ok_or(Refusal::NoPosition)?;
            let (uuid, seqno) = known(best).unwrap_or_default();
            let ties: Vec<&str> = data
                .iter()
                .copied()
                .filter(|&i| i != best && known(i) == Some((uuid, seqno)))
                .map(|i| nodes[i].name.as_str())
                .collect();
            let tie = if ties.is_empty() {
                String::new()
            } else {
                format!(
                    ", tied with {} and chosen by the {} ordinal",
                    ties.join(", "),
                    match options.tie_break {
                        TieBreak::LowestOrdinal => "lowest",
                        TieBreak::HighestOrdinal => "highest",
                    }
                )
            };
            let evidence = match &positions[best] {
                NodePosition::Known { evidence, .. } => evidence.clone(),
                _ => String::new(),
            };
            (
                best,
                format!(
                    "highest seqno {seqno} in history {uuid} ({evidence}){tie}; set safe_to_bootstrap: 1 in its grastate.dat first{}",
                    start_position(&nodes[best], uuid, seqno)
                ),
            )
        }
    };
    let bootstrap = &nodes[b];
    let history = known(b).map(|k| k.0.to_owned());

    let mut skipped = Vec::new();
    for &i in &data {
        if i == b {
            continue;
        }
        let reason = match &positions[i] {
            NodePosition::NeverJoined { evidence } => {
                let flag = if nodes[i].flagged() {
                    "; its safe_to_bootstrap: 1 is ignored"
                } else {
                    ""
                };
                format!("never joined a cluster ({evidence}){flag}: no data to keep")
            }
            NodePosition::Unknown { evidence } => format!(
                "position unknown ({evidence}){}: its data will be replaced by a full snapshot",
                if options.force { "; forced" } else { "" }
            ),
            NodePosition::Contradicted { evidence } => format!(
                "its files contradict each other ({evidence}); forced: its data will be replaced by a full snapshot"
            ),
            NodePosition::Known { .. } => continue,
        };
        skipped.push(Skipped {
            node: nodes[i].name.clone(),
            reason,
        });
    }

    // Listed members that did not report: past the refusal only when forced or when the
    // flag chose the node.
    for m in &options.members {
        if nodes.iter().any(|n| &n.name == m) {
            continue;
        }
        skipped.push(Skipped {
            node: m.clone(),
            reason: if options.force {
                "did not report; forced: if it holds data of another position, its data will be replaced by a full snapshot (SST) when it joins".to_owned()
            } else {
                "did not report: start it after the bootstrap node; it joins by IST or SST as its state allows".to_owned()
            },
        });
    }

    let mut joiners: Vec<usize> = (0..nodes.len()).filter(|&i| i != b).collect();
    joiners.sort_by_key(|&i| {
        (
            nodes[i].arbitrator,
            std::cmp::Reverse(known(i).map(|k| k.1)),
            order(i),
        )
    });
    // Only nodes with a known position in the bootstrap's history donate.
    let mut synced: Vec<&NodeReport> = vec![bootstrap];
    let mut joins = Vec::new();
    for i in joiners {
        let n = &nodes[i];
        if n.arbitrator {
            joins.push(Join {
                node: n.name.clone(),
                transfer: Transfer::Ist,
                donor: None,
                reason: "arbitrator: joins with a trivial state transfer".into(),
            });
            continue;
        }
        let donor = choose_donor(&synced, n, options);
        let (transfer, reason) = match &positions[i] {
            NodePosition::Known { uuid, seqno, .. } if Some(uuid) == history.as_ref() => {
                let seqno = *seqno;
                let low = donor.and_then(|d| d.cached_downto);
                if low.is_none_or(|low| seqno + 1 >= low) {
                    synced.push(n);
                    (
                        Transfer::Ist,
                        format!(
                            "same history at seqno {seqno}: incremental transfer{}",
                            start_position(n, uuid, seqno)
                        ),
                    )
                } else {
                    synced.push(n);
                    (
                        Transfer::Sst,
                        format!(
                            "same history at seqno {seqno}, before the donor's cache (wsrep_local_cached_downto {}): full snapshot",
                            low.unwrap_or_default()
                        ),
                    )
                }
            }
            NodePosition::Known { uuid, seqno, .. } => (
                Transfer::Sst,
                format!(
                    "another history ({uuid}:{seqno}); {}: its {seqno} writes of that history are discarded, a full snapshot replaces them",
                    if options.history.is_some() {
                        "not the history kept"
                    } else {
                        "forced"
                    }
                ),
            ),
            NodePosition::Contradicted { evidence } => (
                Transfer::Sst,
                format!(
                    "its files contradict each other ({evidence}); forced: its data will be replaced by a full snapshot"
                ),
            ),
            NodePosition::NeverJoined { evidence } => (
                Transfer::Sst,
                format!("never joined ({evidence}): full snapshot"),
            ),
            NodePosition::Unknown { evidence } => (
                Transfer::Sst,
                format!(
                    "position unknown ({evidence}){}: its data will be replaced by a full snapshot",
                    if options.force { "; forced" } else { "" }
                ),
            ),
        };
        joins.push(Join {
            node: n.name.clone(),
            transfer,
            donor: donor.map(|d| d.name.clone()),
            reason,
        });
    }
    Ok(RecoveryPlan {
        bootstrap: bootstrap.name.clone(),
        reason: format!("{chose_history}{reason}"),
        skipped,
        joins,
        discarded,
    })
}

/// `wsrep_sst_donor` semantics over the nodes already synced: the listed donors in order,
/// then (with a trailing comma, or no list) any data node, same segment first. Arbitrators
/// and nodes without a position in the bootstrap's history never donate.
fn choose_donor<'a>(
    synced: &[&'a NodeReport],
    joiner: &NodeReport,
    options: &RecoveryOptions,
) -> Option<&'a NodeReport> {
    let eligible = |n: &&&'a NodeReport| !n.arbitrator;
    for wanted in &options.donors {
        if let Some(d) = synced.iter().filter(eligible).find(|n| &n.name == wanted) {
            return Some(d);
        }
    }
    if !options.donors.is_empty() && !options.fallback_any {
        return None;
    }
    synced
        .iter()
        .filter(eligible)
        .min_by_key(|n| n.segment != joiner.segment)
        .copied()
}
