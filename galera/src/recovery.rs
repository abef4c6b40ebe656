//! Recovery after a full outage: which node to bootstrap, then who joins in which order, by
//! IST or SST, from which donor.
//!
//! Rules: a node whose `grastate.dat` says `safe_to_bootstrap: 1` goes first (it was the last
//! to leave cleanly); otherwise the node with the highest seqno (from `--wsrep-recover`, else
//! `grastate.dat`); ties are broken by [`TieBreak`] (default: the lowest ordinal). The plan is
//! refused when nodes report different cluster UUIDs, or when a member that could hold newer
//! data has not reported, unless forced.
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

use crate::files::{NIL_UUID, RecoveredPosition, SavedState};

/// What one node reports after the outage.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeReport {
    /// Node name (pod name).
    pub name: String,
    /// Its `grastate.dat`, if read.
    pub saved: Option<SavedState>,
    /// Its `--wsrep-recover` position, if run.
    pub recovered: Option<RecoveredPosition>,
    /// A garbd arbitrator: votes, holds no data, never donates.
    pub arbitrator: bool,
    /// `gmcast.segment`.
    pub segment: u32,
    /// `wsrep_local_cached_downto` of the node, when known (bounds IST).
    pub cached_downto: Option<i64>,
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

    /// The history UUID, from the recovered position or the saved state (`None` if unknown
    /// or nil).
    pub fn uuid(&self) -> Option<&str> {
        self.recovered
            .as_ref()
            .map(|r| r.uuid.as_str())
            .or(self.saved.as_ref().map(|s| s.uuid.as_str()))
            .filter(|u| *u != NIL_UUID)
    }

    /// The last committed seqno: the recovered position, else a non-negative saved seqno.
    pub fn seqno(&self) -> Option<i64> {
        self.recovered
            .as_ref()
            .map(|r| r.seqno)
            .or(self.saved.as_ref().map(|s| s.seqno))
            .filter(|s| *s >= 0)
    }

    fn safe_to_bootstrap(&self) -> bool {
        self.saved.as_ref().and_then(|s| s.safe_to_bootstrap) == Some(true)
    }
}

/// How ties between equally advanced nodes are broken.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TieBreak {
    /// The node listed first (the lowest ordinal when listed in order).
    #[default]
    LowestOrdinal,
    /// The node listed last.
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
    /// Plan anyway despite conflicting UUIDs or missing members.
    pub force: bool,
    /// `wsrep_sst_donor`: preferred donors in order; a trailing comma (`fallback_any`) lets any
    /// other node donate when none of them can.
    pub donors: Vec<String>,
    /// `wsrep_sst_donor` ends with a comma.
    pub fallback_any: bool,
}

/// How a joiner receives the state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transfer {
    /// Incremental: only the missing write sets.
    Ist,
    /// Full snapshot.
    Sst,
}

/// One joiner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Join {
    /// Node.
    pub node: String,
    /// IST or SST.
    pub transfer: Transfer,
    /// Donor, `None` for an arbitrator (it needs no state).
    pub donor: Option<String>,
    /// Why.
    pub reason: String,
}

/// A recovery plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoveryPlan {
    /// The node to start with `--wsrep-new-cluster` (after setting `safe_to_bootstrap: 1`).
    pub bootstrap: String,
    /// Why that node.
    pub reason: String,
    /// Then these, in order.
    pub joins: Vec<Join>,
}

/// Why no node is chosen.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Nodes belong to different histories.
    #[error(
        "nodes report different cluster UUIDs ({0}): they are not one cluster; bootstrap each history separately or force"
    )]
    ConflictingUuids(String),
    /// Members that could hold newer data did not report.
    #[error(
        "no position from {0}: they may hold newer data; run mariadbd --wsrep-recover on them or force"
    )]
    MissingReports(String),
    /// No data-bearing node reported a position.
    #[error("no node reports a position: run mariadbd --wsrep-recover on every node")]
    NoPosition,
}

/// Chooses the bootstrap node and the join order (see the module docs).
pub fn plan_recovery(
    nodes: &[NodeReport],
    options: &RecoveryOptions,
) -> Result<RecoveryPlan, Refusal> {
    let data: Vec<(usize, &NodeReport)> = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| !n.arbitrator)
        .collect();
    let mut uuids: Vec<&str> = data.iter().filter_map(|(_, n)| n.uuid()).collect();
    uuids.sort_unstable();
    uuids.dedup();
    if uuids.len() > 1 && !options.force {
        return Err(Refusal::ConflictingUuids(uuids.join(", ")));
    }
    let missing: Vec<&str> = options
        .members
        .iter()
        .filter(|m| {
            !data
                .iter()
                .any(|(_, n)| &n.name == *m && (n.seqno().is_some() || n.safe_to_bootstrap()))
        })
        .map(String::as_str)
        .collect();
    if !missing.is_empty() && !options.force {
        return Err(Refusal::MissingReports(missing.join(", ")));
    }
    let order = |i: usize| match options.tie_break {
        TieBreak::LowestOrdinal => i as i64,
        TieBreak::HighestOrdinal => -(i as i64),
    };
    let (bootstrap, reason) = if let Some((_, n)) = data.iter().find(|(_, n)| n.safe_to_bootstrap())
    {
        (
            *n,
            "grastate.dat says safe_to_bootstrap: 1 (it left the cluster last, cleanly)".to_owned(),
        )
    } else {
        let best = data
            .iter()
            .filter(|(_, n)| n.seqno().is_some())
            .max_by_key(|(i, n)| (n.seqno(), -order(*i)))
            .ok_or(Refusal::NoPosition)?;
        (
            best.1,
            format!(
                "highest seqno {} (set safe_to_bootstrap: 1 in its grastate.dat first)",
                best.1.seqno().unwrap_or(-1)
            ),
        )
    };
    let history = bootstrap.uuid().map(str::to_owned);
    let mut joiners: Vec<(usize, &NodeReport)> = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.name != bootstrap.name)
        .collect();
    joiners.sort_by_key(|(i, n)| (n.arbitrator, std::cmp::Reverse(n.seqno()), order(*i)));
    let mut synced: Vec<&NodeReport> = vec![bootstrap];
    let mut joins = Vec::new();
    for (_, n) in joiners {
        if n.arbitrator {
            joins.push(Join {
                node: n.name.clone(),
                transfer: Transfer::Ist,
                donor: None,
                reason: "arbitrator: joins with a trivial state transfer".into(),
            });
            synced.push(n);
            continue;
        }
        let donor = choose_donor(&synced, n, options);
        let ist = n.uuid().is_some()
            && n.uuid().map(str::to_owned) == history
            && n.seqno().is_some_and(|s| {
                donor
                    .and_then(|d| d.cached_downto)
                    .is_none_or(|low| s + 1 >= low)
            });
        let (transfer, reason) = if ist {
            (
                Transfer::Ist,
                format!(
                    "same history, seqno {}: incremental transfer",
                    n.seqno().unwrap_or(-1)
                ),
            )
        } else {
            (
                Transfer::Sst,
                "no position in this history (or past the donor's cache): full snapshot".to_owned(),
            )
        };
        joins.push(Join {
            node: n.name.clone(),
            transfer,
            donor: donor.map(|d| d.name.clone()),
            reason,
        });
        synced.push(n);
    }
    Ok(RecoveryPlan {
        bootstrap: bootstrap.name.clone(),
        reason,
        joins,
    })
}

/// `wsrep_sst_donor` semantics over the nodes already synced: the listed donors in order,
/// then (with a trailing comma, or no list) any data node, same segment first. Arbitrators
/// never donate.
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
