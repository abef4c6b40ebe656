//! Recovery after a full outage: which node to bootstrap, then who joins in which order, by
//! IST or SST, from which donor.
//!
//! Rules, each with the upstream behaviour it follows or departs from:
//!
//! 1. **A node's position follows its data** ([`NodeReport::position`]). Galera starts from
//!    `grastate.dat`'s seqno whenever it is not -1, and takes the position the server passes
//!    (`--wsrep-start-position`, which `galera_recovery` and `mysqld_safe` fill from
//!    `mariadbd --wsrep-recover`, i.e. from InnoDB's wsrep XID) only when the saved seqno is
//!    -1 and the UUIDs match (`MariaDB/galera@release_26.4.20:galera/src/replicator_smm.cpp`
//!    `ReplicatorSMM()`: "use recovered seqno value" under `seqno == WSREP_SEQNO_UNDEFINED`;
//!    unchanged since `codership/galera@release_26.4.18` and, by its log strings, in the
//!    26.4.23 that Debian ships with MariaDB 10.11; MariaDB 11.x ships 26.4 too). The saved
//!    state is a cache galera rewrites at clean shutdown and on pause
//!    (`galera/src/saved_state.cpp` `SavedState::set`, `replicator_smm.cpp`
//!    `shift_to_CLOSED`, `pause`); the data is what InnoDB holds. So:
//!    - `grastate.dat` seqno -1 (a crash, or running): the recovered position.
//!    - both valid in one history and equal: that position.
//!    - both valid in one history and **different**: the recovered one, InnoDB's, and the
//!      saved seqno is stale (`mariadb-corporation/galera#499`). Started as it is, galera
//!      would announce the stale seqno: a node whose data is ahead would be joined (and its
//!      newest writes replaced) or bootstrapped from the wrong point. The plan tells the
//!      operator to write the recovered seqno into that node's `grastate.dat` first (or set
//!      it to -1 and start with `--wsrep-start-position`), and judges the node by its data.
//!    - both valid, different histories: the files contradict each other
//!      ([`NodePosition::Contradicted`]); the plan is refused naming them
//!      ([`Refusal::Contradiction`]) unless forced.
//!    - a recovered -1 (InnoDB holds no wsrep position) next to a valid saved seqno: the
//!      saved one, as galera and `mariadb-operator/mariadb-operator@v26.6.0:pkg/controller/
//!      galera/recovery_status.go` `bootstrapSource` (which ignores invalid seqnos) do.
//! 2. **No history, no candidate.** A node whose recovered position has the all-zero UUID, or
//!    whose `grastate.dat` has it with seqno -1 and no recovered position, never joined a
//!    cluster: it is *skipped* (mariadb-operator's `shouldSkipRecoverer` skips
//!    `00000000-…:-1`), never a bootstrap candidate whatever its `safe_to_bootstrap` says
//!    (a node started with seqno -1 presents the nil UUID to GCS and a bootstrap from it starts
//!    a new, empty history: `replicator_smm.cpp` `connect()`, "Setting GCS initial
//!    position"), and never a donor. It joins by SST. mariadb-operator departs here: it
//!    bootstraps the first pod whose `grastate.dat` says `safe_to_bootstrap: 1`, even with
//!    the nil UUID. Galera writes the flag set in a new, empty state
//!    (`codership/galera@release_26.4.18:galera/src/saved_state.cpp`
//!    `SavedState::SavedState`), so next to the nil UUID it is ignored, even when a
//!    recovered log gives the node a history.
//! 3. **`safe_to_bootstrap: 1` with a history wins at once.** Galera sets it only on a node
//!    that was alone in the last primary component (`replicator_smm.cpp`
//!    `safe_to_bootstrap_ = (view_info->memb_num == 1)`), so that node left last: it is
//!    chosen without waiting for silent peers, as mariadb-operator does (its `isComplete`
//!    returns at the first such pod). Unless a node of the same history reports a higher
//!    position: then the files contradict each other and the plan is refused
//!    ([`Refusal::SafeNodeBehind`]); mariadb-operator bootstraps the flagged pod anyway
//!    (test "partially recovered with different seqnos and safe to bootstrap").
//! 4. **Unknown positions block.** A node with a history but no position (`seqno: -1`, no
//!    recovered position, or a recovered seqno of -1) refuses the plan even when rule 3
//!    chose a node; a listed member that did not report refuses it unless rule 3 chose one;
//!    the refusal says
//!    "`run mariadbd --wsrep-recover on <node>`" ([`Refusal::MissingReports`]) unless forced;
//!    forced, such a node is skipped and joins by SST, and the plan says so.
//! 5. **Highest position, then the tie-break** ([`TieBreak`], default the lowest ordinal as
//!    the Percona operator: `percona/percona-xtradb-cluster-operator@b3b0b10a:
//!    pkg/controller/pxc/full_crash_recovery.go`, `seq > maxSeq`; mariadb-operator keeps the
//!    last pod with an equal seqno, `Compare(current) >= 0`, i.e. the highest ordinal).
//!    KubeDB's scripts (`kubedb/mariadb-init-docker@0.8.0:scripts/recover-seq-no.sh`) only
//!    report each pod's seqno (the text after the last `:` of the `Recovered position:`
//!    line) to its coordinator, which picks the pod; `after-crash-bootstrap.sh` then sets
//!    `safe_to_bootstrap: 1` and starts `--wsrep-new-cluster`. The coordinator's tie-break is
//!    not in those scripts.
//! 6. **Histories.** Nodes of different histories refuse the plan unless forced
//!    ([`Refusal::ConflictingUuids`]). A forced plan never means "whichever node says
//!    safe": it keeps one history, the one [`RecoveryOptions::history`] names, else the one
//!    the most data nodes share, then the one with the most writes (its highest seqno), then
//!    the one whose most advanced node comes first by the tie-break; rules 3 to 5 choose the
//!    bootstrap node among that history's nodes only, and the plan lists, per node of every
//!    other history, the writes it discards ([`RecoveryPlan::discarded`]).
//!
//! ```
//! use galera::files::SavedState;
//! use galera::recovery::{plan_recovery, NodeReport, RecoveryOptions};
//! let uuid = "f4714c73-e875-11f1-9d52-da7fbb3aae7b";
//! let node = |name: &str, seqno: i64| NodeReport::saved(name, SavedState { version: None, uuid: uuid.into(), seqno, safe_to_bootstrap: Some(false) });
//! let plan = plan_recovery(&[node("mariadb-0", 10), node("mariadb-1", 12), node("mariadb-2", 11)], &RecoveryOptions::default()).unwrap();
//! assert_eq!(plan.bootstrap, "mariadb-1");
//! assert_eq!(plan.joins.iter().map(|j| j.node.as_str()).collect::<Vec<_>>(), ["mariadb-2", "mariadb-0"]);
//! ```

use crate::files::{NIL_UUID, RecoveredPosition, SavedState, ViewState};

/// What one node reports after the outage.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct NodeReport {
    /// Node name (pod name).
    pub name: String,
    /// Its `grastate.dat`, if read (a data directory without one is a node that never
    /// joined: galera's defaults are the nil UUID and seqno -1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saved: Option<SavedState>,
    /// Its `--wsrep-recover` position, if run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovered: Option<RecoveredPosition>,
    /// Its `gvwstate.dat`, if read (present only when the node stopped while in a primary
    /// component); informational.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub view: Option<ViewState>,
    /// A garbd arbitrator: votes, holds no data, never donates.
    pub arbitrator: bool,
    /// `gmcast.segment`.
    pub segment: u32,
    /// `wsrep_local_cached_downto` of the node, when known (bounds IST).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cached_downto: Option<i64>,
}

/// Where a node stands, from what it reported.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum NodePosition {
    /// A position in a history.
    Known {
        /// History UUID.
        uuid: String,
        /// Last committed seqno (>= 0), as the data holds it.
        seqno: i64,
        /// Which file(s) it comes from, for the plan's reasons.
        evidence: String,
        /// `grastate.dat`'s seqno when it is valid but differs from the recovered position
        /// (a stale saved state, rule 1): the file must be corrected before the node starts.
        #[serde(skip_serializing_if = "Option::is_none")]
        stale_saved: Option<i64>,
    },
    /// A history but no position: `mariadbd --wsrep-recover` must be run on it.
    Unknown {
        /// What was read.
        evidence: String,
    },
    /// The node never joined a cluster (nil UUID): no data to keep.
    NeverJoined {
        /// What was read.
        evidence: String,
    },
    /// Its files contradict each other (`grastate.dat` and `--wsrep-recover` name different
    /// histories, both with a position): which data it holds is not known.
    Contradicted {
        /// What was read.
        evidence: String,
    },
}

impl NodeReport {
    /// A report with a saved state only.
    pub fn saved(name: &str, saved: SavedState) -> NodeReport {
        NodeReport {
            name: name.to_owned(),
            saved: Some(saved),
            ..NodeReport::default()
        }
    }

    /// Where the node stands (module docs, rules 1, 2 and 4).
    pub fn position(&self) -> NodePosition {
        let valid = |uuid: &str, seqno: i64| uuid != NIL_UUID && seqno >= 0;
        let saved = self
            .saved
            .as_ref()
            .filter(|s| valid(&s.uuid, s.seqno))
            .map(|s| (s.uuid.as_str(), s.seqno));
        let recovered = self
            .recovered
            .as_ref()
            .filter(|r| valid(&r.uuid, r.seqno))
            .map(|r| (r.uuid.as_str(), r.seqno));
        let known = |uuid: &str, seqno: i64, evidence: String| NodePosition::Known {
            uuid: uuid.to_owned(),
            seqno,
            evidence,
            stale_saved: None,
        };
        match (saved, recovered) {
            (Some((su, ss)), Some((ru, rs))) if su != ru => NodePosition::Contradicted {
                evidence: format!(
                    "grastate.dat says {su}:{ss} but --wsrep-recover says {ru}:{rs}: two histories"
                ),
            },
            (Some((su, ss)), Some((_, rs))) if ss != rs => NodePosition::Known {
                uuid: su.to_owned(),
                seqno: rs,
                evidence: format!(
                    "recovered position {rs} from InnoDB; grastate.dat's seqno {ss} is stale"
                ),
                stale_saved: Some(ss),
            },
            (Some((su, ss)), _) => known(
                su,
                ss,
                match &self.recovered {
                    Some(r) if (r.uuid.as_str(), r.seqno) != (su, ss) => format!(
                        "grastate.dat seqno {ss}; --wsrep-recover says {}:{}, but galera starts from grastate.dat's seqno when it is not -1",
                        r.uuid, r.seqno
                    ),
                    _ => format!("grastate.dat seqno {ss}"),
                },
            ),
            (None, Some((ru, rs))) => known(
                ru,
                rs,
                match &self.saved {
                    // Galera starts from the recovered position when grastate.dat says -1
                    // (rule 1), but a grastate.dat of another history means the files
                    // disagree: say so.
                    Some(s) if s.uuid != NIL_UUID && s.uuid != ru => format!(
                        "recovered position {rs}; but grastate.dat names another history ({}:{}): check that the log is this node's",
                        s.uuid, s.seqno
                    ),
                    _ => format!("recovered position {rs}"),
                },
            ),
            (None, None) => match (&self.recovered, &self.saved) {
                (Some(r), _) if r.uuid == NIL_UUID => NodePosition::NeverJoined {
                    evidence: format!("recovered position {}:{}", r.uuid, r.seqno),
                },
                (Some(r), _) => NodePosition::Unknown {
                    evidence: format!("recovered position {}:{}", r.uuid, r.seqno),
                },
                (None, Some(s)) if s.uuid == NIL_UUID => NodePosition::NeverJoined {
                    evidence: format!("grastate.dat uuid {} seqno {}", s.uuid, s.seqno),
                },
                (None, Some(s)) => NodePosition::Unknown {
                    evidence: format!("grastate.dat seqno {} and no recovered position", s.seqno),
                },
                (None, None) if self.view.is_some() => NodePosition::Unknown {
                    evidence: "only a gvwstate.dat: it was in a primary component, its position was not read".to_owned(),
                },
                (None, None) => NodePosition::NeverJoined {
                    evidence: "no grastate.dat and no recovered position".to_owned(),
                },
            },
        }
    }

    /// The history UUID: of a known position, else a non-nil one the node reported
    /// (recovered first, as galera's start position); `None` when its files name two
    /// histories with a position each ([`NodePosition::Contradicted`]) or none.
    pub fn uuid(&self) -> Option<&str> {
        let valid = |u: &str, s: i64| u != NIL_UUID && s >= 0;
        let saved = self.saved.as_ref().filter(|s| valid(&s.uuid, s.seqno));
        let recovered = self.recovered.as_ref().filter(|r| valid(&r.uuid, r.seqno));
        match (saved, recovered) {
            (Some(s), Some(r)) if s.uuid != r.uuid => None,
            (Some(s), _) => Some(&s.uuid),
            (None, Some(r)) => Some(&r.uuid),
            (None, None) => [
                self.recovered.as_ref().map(|r| r.uuid.as_str()),
                self.saved.as_ref().map(|s| s.uuid.as_str()),
            ]
            .into_iter()
            .flatten()
            .find(|u| *u != NIL_UUID),
        }
    }

    /// The last committed seqno of a known position ([`NodeReport::position`]).
    pub fn seqno(&self) -> Option<i64> {
        match self.position() {
            NodePosition::Known { seqno, .. } => Some(seqno),
            _ => None,
        }
    }

    /// `safe_to_bootstrap: 1` in a `grastate.dat` that has a history. Galera writes the flag
    /// set in a new, empty state (`codership/galera@release_26.4.18:galera/src/saved_state.cpp`
    /// `SavedState::SavedState`: `uuid_(WSREP_UUID_UNDEFINED)`, `safe_to_bootstrap_(true)`),
    /// so next to the all-zero UUID it says nothing about who left last.
    fn safe_to_bootstrap(&self) -> bool {
        self.saved
            .as_ref()
            .is_some_and(|s| s.uuid != NIL_UUID && s.safe_to_bootstrap == Some(true))
    }

    /// The flag as written, whatever the UUID.
    fn flagged(&self) -> bool {
        self.saved.as_ref().and_then(|s| s.safe_to_bootstrap) == Some(true)
    }
}

/// The ordinal of a pod name (`mariadb-2` → 2): its trailing digits.
pub fn ordinal(name: &str) -> Option<u64> {
    let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    name[name.len() - digits..].parse().ok()
}

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
    /// The writes the plan throws away: each node of a history other than the one kept, with
    /// its position there (empty unless forced or a history was named).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub discarded: Vec<Discarded>,
}

/// A node whose data a plan replaces because it is of another history.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Discarded {
    /// Node.
    pub node: String,
    /// Its history (cluster state UUID).
    pub history: String,
    /// Its last committed seqno there, i.e. the writes of that history it holds; `None`
    /// when its position is not known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seqno: Option<i64>,
}

impl std::fmt::Display for Discarded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.seqno {
            Some(n) => write!(f, "{}: {n} writes of history {}", self.node, self.history),
            None => write!(
                f,
                "{}: its writes of history {} (position unknown)",
                self.node, self.history
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
}

/// What a node whose `grastate.dat` holds no seqno (a crash) needs to keep its position: the
/// server does not read the position back from its storage engine when it starts, so started
/// plainly it begins from an undefined one (bootstrapped: a new history and a reset cache;
/// joining: a full SST). `mysqld_safe` and the systemd unit's `galera_recovery` pass the
/// recovered position with `--wsrep-start-position`; KubeDB's `after-crash-bootstrap.sh` and
/// `join-cluster.sh` (`kubedb/mariadb-init-docker@0.8.0:scripts/`) do not. Seen on MariaDB
/// 10.11.19 + Galera 26.4.23 by the lab's failover drills.
fn start_position(node: &NodeReport, uuid: &str, seqno: i64) -> String {
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
    // Rule 6: the history kept.
    let kept_history: Option<&str> = match options.history.as_deref() {
        Some(h) if uuids.contains(&h) => Some(h),
        Some(h) => {
            return Err(Refusal::UnknownHistory {
                history: h.to_owned(),
                reported: uuids.join(", "),
            });
        }
        None if uuids.len() > 1 && !options.force => {
            return Err(Refusal::ConflictingUuids(uuids.join(", ")));
        }
        None if uuids.len() > 1 => uuids.iter().copied().max_by_key(|&u| {
            let members: Vec<usize> = data
                .iter()
                .copied()
                .filter(|&i| nodes[i].uuid() == Some(u))
                .collect();
            let writes = members.iter().filter_map(|&i| known(i).map(|k| k.1)).max();
            let first = members.iter().map(|&i| std::cmp::Reverse(order(i))).max();
            (members.len(), writes, first)
        }),
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
    let data: Vec<usize> = data.into_iter().filter(|&i| kept(i)).collect();
    let discarded: Vec<Discarded> = (0..nodes.len())
        .filter(|&i| !nodes[i].arbitrator && !kept(i))
        .filter_map(|i| {
            Some(Discarded {
                node: nodes[i].name.clone(),
                history: nodes[i].uuid()?.to_owned(),
                seqno: known(i).map(|k| k.1),
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
                        "grastate.dat says safe_to_bootstrap: 1 ({evidence}): galera sets it only on the last node to leave the primary component; no node of its history is further ahead"
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
        reason,
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

/// The node a file or data directory belongs to, from its path: a `grastate.dat` or
/// `gvwstate.dat` names its directory (`mariadb-0/grastate.dat` → `mariadb-0`), a directory
/// names itself (`mariadb-2/` → `mariadb-2`), another file its name without the extension
/// (`database-1.log` → `database-1`); `-` (standard input) is `stdin`.
///
/// ```
/// use galera::recovery::node_name;
/// assert_eq!(node_name("cases/mariadb-0/grastate.dat"), "mariadb-0");
/// assert_eq!(node_name("logs/database-1.log"), "database-1");
/// assert_eq!(node_name("mariadb-2/"), "mariadb-2");
/// ```
pub fn node_name(path: &str) -> String {
    if path == "-" {
        return "stdin".to_owned();
    }
    let parts: Vec<&str> = path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    match parts.as_slice() {
        [.., dir, file] if *file == "grastate.dat" || *file == "gvwstate.dat" => (*dir).to_owned(),
        [.., last] => match last.rsplit_once('.') {
            Some((stem, _)) if !stem.is_empty() && !path.ends_with('/') => stem.to_owned(),
            _ => (*last).to_owned(),
        },
        [] => path.to_owned(),
    }
}

/// Two files of one kind for one node.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("{first} and {second} are both a {kind} of node {node}: name each node with NAME=PATH")]
pub struct DuplicateFile {
    /// The node.
    pub node: String,
    /// `grastate.dat`, `gvwstate.dat` or `recovered position`.
    pub kind: &'static str,
    /// The first file.
    pub first: String,
    /// The second file.
    pub second: String,
}

/// One report per node from `(node, file, contents)` triples, in the order nodes first
/// appear: a node's `grastate.dat`, `gvwstate.dat` and recovery log go into one report.
pub fn reports(
    files: &[(String, String, crate::files::NodeFile)],
) -> Result<Vec<NodeReport>, DuplicateFile> {
    use crate::files::NodeFile;
    let mut out: Vec<(NodeReport, [Option<&str>; 3])> = Vec::new();
    for (node, file, contents) in files {
        let at = match out.iter().position(|(r, _)| &r.name == node) {
            Some(at) => at,
            None => {
                out.push((
                    NodeReport {
                        name: node.clone(),
                        ..NodeReport::default()
                    },
                    [None; 3],
                ));
                out.len() - 1
            }
        };
        let (report, seen) = &mut out[at];
        let (slot, kind) = match contents {
            NodeFile::SavedState(s) => {
                report.saved = Some(s.clone());
                (0, "grastate.dat")
            }
            NodeFile::ViewState(v) => {
                report.view = Some(v.clone());
                (1, "gvwstate.dat")
            }
            NodeFile::Recovered(p) => {
                report.recovered = Some(p.clone());
                (2, "recovered position")
            }
        };
        if let Some(first) = seen[slot] {
            return Err(DuplicateFile {
                node: node.clone(),
                kind,
                first: first.to_owned(),
                second: file.clone(),
            });
        }
        seen[slot] = Some(file);
    }
    Ok(out.into_iter().map(|(r, _)| r).collect())
}
