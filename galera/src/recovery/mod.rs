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
//!    - a recovered position in one history, `grastate.dat` naming another (with a seqno or
//!      -1): the files contradict each other ([`NodePosition::Contradicted`]), and galera
//!      would ignore the start position anyway (it takes it only when the UUIDs match); the
//!      plan is refused naming them ([`Refusal::Contradiction`]) unless forced, and forced
//!      it lists the node's recovered writes among those it discards.
//!    - a recovered position and no `grastate.dat` with a history (none, or the all-zero
//!      UUID): the recovered one, and the plan says to write that position into the node's
//!      `grastate.dat` before it starts (a start position alone would be ignored).
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
//!    with the most nodes *with a known position* (a node of unknown position is not counted:
//!    the plan replaces its data), then the one with the most writes (its highest seqno); two
//!    histories alike on both refuse even a forced plan ([`Refusal::HistoryTie`]: which
//!    writes to keep is the operator's choice, `--history`). Rules 3 to 5 choose the
//!    bootstrap node among that history's nodes only, the bootstrap reason says why that
//!    history was kept, and the plan lists every node whose data it replaces and what that
//!    data is ([`RecoveryPlan::discarded`]): each node of another history with its writes,
//!    each node whose files contradict each other with its recovered writes, each node of
//!    unknown position (forced).
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
//!
//! Layout: `position` holds what a node reports and where it stands (rules 1, 2 and 4) and
//! gathers reports from files; `plan` holds the options, the plan and its refusals, and
//! [`plan_recovery`] with the donor choice.

mod plan;
mod position;

pub use plan::{
    DiscardReason, Discarded, Join, RecoveryOptions, RecoveryPlan, Refusal, Skipped, TieBreak,
    Transfer, plan_recovery,
};
pub use position::{DuplicateFile, NodePosition, NodeReport, node_name, ordinal, reports};
