//! The KubeDB ops-manager's HorizontalScaling of a distributed MariaDB, as far as KubeDB's
//! guide describes it (`kubedb/docs@24d8d655:docs/guides/mariadb/distributed/opsrequest/
//! horizontal_scale.md`): a `MariaDBOpsRequest` of `type: HorizontalScaling` names the
//! database (`spec.databaseRef.name`) and the member count afterwards
//! (`spec.horizontalScaling.member`, at most the PlacementPolicy's indices); the operator
//! updates the MariaDB's `spec.replicas`, the PetSet creates the new pods where the policy puts
//! them or removes the highest-indexed ones, and the request ends `Successful`.
//!
//! # One request at a time per database
//!
//! KubeDB runs at most one OpsRequest per database; the others wait. What is public about it:
//! - The phases (`kubedb/apimachinery@v0.57.0:apis/ops/v1alpha1/type.go`, the same at
//!   v2026.7.10's `@861df689`): `Pending` is the phase "of ops requests that are currently in
//!   queue", `Progressing` of the one running, and `Skipped` of one the operator will not run.
//! - KubeDB's OpsRequest concept pages (`kubedb/docs@v2025.7.31:docs/guides/mongodb/concepts/
//!   opsrequest.md`, "status.phase"; the same sentence for Kafka, PgBouncer, MSSQLServer, ...):
//!   the ops-manager skips a request only while it has not started and a newer request of the
//!   same `spec.type` exists. The MariaDB page (`docs/guides/mariadb/concepts/opsrequest/
//!   index.md`, both releases) lists only `Successful`, `Failed` and `Denied`.
//! - The ops-manager's skipper, published when it moved into apimachinery
//!   (`kubedb/apimachinery@832e8ff4:pkg/lib/skip.go`, "Move lib pkg from ops-manager",
//!   2025-11-04, first tag v0.60.0-rc.0; unchanged for HorizontalScaling at v2026.7.10's
//!   `@861df689:pkg/lib/skip.go`, which only exempts `Reconfigure`): a request that is not
//!   `Progressing` waits while any request for the same database is `Progressing`; otherwise
//!   the unstarted ones (phase `Pending` or none yet) are grouped by `spec.type`, each group
//!   ordered by `creationTimestamp` (equal timestamps: the greater name first), all but the
//!   last of each group get phase `Skipped` with a condition of type `Skipped` (status `True`,
//!   reason `Skipped`, a message naming the newest), and of the survivors the oldest runs.
//! - v2026.7.10 also serialises the step to `Progressing` per database
//!   (`kubedb/apimachinery@861df689:pkg/controller/opsrequest.go`,
//!   `UpdateOpsPhaseProgressing`, added in `@aa7ef777`, v0.60.1): a request goes
//!   `Progressing` only when no other request for the database is, else it is requeued.
//! - Neither release's MariaDBOpsRequest webhook refuses or queues a second request
//!   (`kubedb/apimachinery@v0.57.0` and `@861df689:pkg/webhooks/ops/v1alpha1/mariadb.go`), and
//!   neither says anything about a `member` equal to the current replicas.
//!
//! What could not be found: who writes `Pending` and whether a waiting request gets a condition
//! (the ops-manager's reconciler is not public; the public code writes only `Progressing` and
//! `Skipped`), and whether v2025.7.31's ops-manager ran exactly the skipper published three
//! months later (its docs describe the same rule). Here a waiting request gets phase `Pending`
//! and no condition; for v2025.7.31 the published skipper is assumed.
//!
//! So the simulated ops-manager, from what the hub stores (never from a plan), after every
//! change on the hub:
//! - ends the `Progressing` HorizontalScaling request once its members converged;
//! - while any request for the database (any type) is `Progressing`, writes `Pending` on the
//!   unstarted HorizontalScaling requests and leaves them alone;
//! - otherwise marks every unstarted HorizontalScaling request but the newest `Skipped` and
//!   starts the newest. Requests of other types are never started here, so they are left out
//!   of the queue rather than blocking it (upstream would run them in creation order); equal
//!   oldest timestamps across types, which upstream leaves to Go's map order, do not arise.
//! - A `member` equal to the current replicas runs like any other and ends `Successful`.
//!
//! What the guide leaves out of a run, and what is done here instead:
//! - The request goes `Progressing` when picked up; it ends `Successful` once every pod below
//!   `member` runs Ready and no other does, and every running member reports
//!   `wsrep_cluster_size == member`.
//! - Before writing anything, the PetSet with the new replicas and the MariaDB with the new
//!   `spec.replicas` are sent to the hub with `dryRun=All`; a refusal (the PetSet webhook when
//!   the policy does not cover `member` indices, `petset@v0.0.11:pkg/webhooks/apps/v1/
//!   petset.go`) ends the request `Failed` with a condition quoting it, and nothing is changed.
//!   Then the PetSet's replicas are written, then the MariaDB's `spec.replicas`.
//! - The guide shows only the phase column; the condition types written here
//!   (`Progressing`, `HorizontalScaling`, `Successful`, `Failed`) are ours.
//! - Requests for another database are left alone (no phase); so is `spec.apply`
//!   (`IfReady` would hold a request while the database is not Ready).

use std::collections::BTreeMap;

use emulated_hub::FakeHub;
use serde_json::{Value, json};

use crate::kubedb;
use crate::provisioner::KUBEDB_MANAGER;

/// Field manager of the simulated KubeDB ops-manager.
pub const OPS_MANAGER: &str = "kubedb-ops-manager";

/// The kind the ops-manager watches.
pub(crate) const OPS: (&str, &str) = ("ops.kubedb.com/v1alpha1", "MariaDBOpsRequest");

fn condition(type_: &str, status: bool, reason: &str, message: &str, since: &Value) -> Value {
    json!({"type": type_, "status": if status { "True" } else { "False" }, "reason": reason,
        "message": message, "lastTransitionTime": since, "observedGeneration": 1})
}

fn publish(hub: &FakeHub, ops: &Value, phase: &str, conditions: Vec<Value>) -> Result<(), String> {
    let status = json!({"apiVersion": OPS.0, "kind": OPS.1,
        "metadata": {"name": ops["metadata"]["name"], "namespace": ops["metadata"]["namespace"]},
        "status": {"phase": phase, "observedGeneration": ops["metadata"]["generation"],
                   "conditions": conditions}});
    hub.apply(OPS_MANAGER, &status, true)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The `spec.type` the simulated ops-manager runs.
const HORIZONTAL_SCALING: &str = "HorizontalScaling";

/// One OpsRequest for a database, as the ops-manager's queue sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queued {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.creationTimestamp`, parsed (`None` when absent or not RFC 3339: sorted first).
    pub created: Option<k8s_openapi::jiff::Timestamp>,
    /// `spec.type`.
    pub type_: String,
    /// `status.phase` (`None` before the ops-manager wrote one).
    pub phase: Option<String>,
}

impl Queued {
    /// Reads a stored `MariaDBOpsRequest`.
    pub fn of(ops: &Value) -> Queued {
        let text = |v: &Value| v.as_str().map(str::to_owned);
        Queued {
            name: text(&ops["metadata"]["name"]).unwrap_or_default(),
            created: ops["metadata"]["creationTimestamp"]
                .as_str()
                .and_then(|t| t.parse().ok()),
            type_: text(&ops["spec"]["type"]).unwrap_or_default(),
            phase: text(&ops["status"]["phase"]).filter(|p| !p.is_empty()),
        }
    }

    /// Not started yet: phase `Pending` or none.
    pub fn unstarted(&self) -> bool {
        self.phase.as_deref().is_none_or(|p| p == "Pending")
    }
}

/// What the ops-manager does next with one database's requests ([`next_turn`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Turn {
    /// Requests that go (or stay) `Pending`.
    pub wait: Vec<String>,
    /// Requests that get `Skipped`, each with the newer request of its type that supersedes it.
    pub skip: Vec<(String, String)>,
    /// The request to start.
    pub start: Option<String>,
}

/// The ops-manager's queue for one database (see the module docs): `requests` are every
/// OpsRequest for it. While one is `Progressing`, every unstarted one waits. Otherwise, per
/// `spec.type`, the unstarted ones ordered by `creationTimestamp` (equal timestamps: the
/// greater name first, as `kubedb/apimachinery@832e8ff4:pkg/lib/skip.go` sorts them) are
/// all `Skipped` but the last, and the oldest of those lasts starts (equal timestamps: the
/// smaller name; upstream leaves that tie to Go's map order); the other lasts wait.
///
/// ```
/// use simulated_clusters::ops::{Queued, next_turn};
/// let at = |s: &str, name: &str, phase: Option<&str>| Queued {
///     name: name.into(),
///     created: Some(s.parse().unwrap()),
///     type_: "HorizontalScaling".into(),
///     phase: phase.map(Into::into),
/// };
/// // One runs: the newcomer waits.
/// let turn = next_turn(&[
///     at("2026-01-01T00:00:00Z", "a", Some("Progressing")),
///     at("2026-01-01T00:00:01Z", "b", None),
/// ]);
/// assert_eq!(turn.wait, ["b"]);
/// assert_eq!(turn.start, None);
/// // It ended: of two queued requests of one type the newer runs, the older is skipped.
/// let turn = next_turn(&[
///     at("2026-01-01T00:00:00Z", "a", Some("Successful")),
///     at("2026-01-01T00:00:01Z", "b", Some("Pending")),
///     at("2026-01-01T00:00:02Z", "c", Some("Pending")),
/// ]);
/// assert_eq!(turn.skip, [("b".to_owned(), "c".to_owned())]);
/// assert_eq!(turn.start.as_deref(), Some("c"));
/// ```
pub fn next_turn(requests: &[Queued]) -> Turn {
    let unstarted = requests.iter().filter(|r| r.unstarted());
    if requests
        .iter()
        .any(|r| r.phase.as_deref() == Some("Progressing"))
    {
        return Turn {
            wait: unstarted.map(|r| r.name.clone()).collect(),
            ..Turn::default()
        };
    }
    let mut by_type: BTreeMap<&str, Vec<&Queued>> = BTreeMap::new();
    for r in unstarted {
        by_type.entry(r.type_.as_str()).or_default().push(r);
    }
    let mut turn = Turn::default();
    let mut lasts = Vec::new();
    for group in by_type.values_mut() {
        group.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| b.name.cmp(&a.name)));
        let Some((last, older)) = group.split_last() else {
            continue;
        };
        turn.skip
            .extend(older.iter().map(|r| (r.name.clone(), last.name.clone())));
        lasts.push(*last);
    }
    lasts.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.name.cmp(&b.name)));
    let mut lasts = lasts.into_iter();
    turn.start = lasts.next().map(|r| r.name.clone());
    turn.wait = lasts.map(|r| r.name.clone()).collect();
    turn
}

/// The ops-manager's pass over the database `db`'s requests after a change on the hub: ends
/// the `Progressing` HorizontalScaling requests whose `member` count `converged` says is
/// reached, then takes the queue's [`next_turn`] over the requests it runs (HorizontalScaling;
/// any type counts as running): `Pending`, `Skipped`, and [`start`] of the next. Returns an
/// error only when it cannot write a request's status.
pub(crate) fn reconcile(
    hub: &FakeHub,
    db: (&str, &str),
    converged: impl Fn(usize) -> bool,
) -> Result<(), String> {
    if !hub.serves(OPS.0, OPS.1) {
        return Ok(());
    }
    finish(hub, db, converged)?;
    let stored: Vec<Value> = hub
        .list(OPS.0, OPS.1, Some(db.0))
        .into_iter()
        .filter(|o| o["spec"]["databaseRef"]["name"] == db.1)
        .collect();
    let queue: Vec<Queued> = stored
        .iter()
        .map(Queued::of)
        .filter(|q| q.type_ == HORIZONTAL_SCALING || !q.unstarted())
        .collect();
    let turn = next_turn(&queue);
    let find = |name: &str| stored.iter().find(|o| o["metadata"]["name"] == name);
    for name in &turn.wait {
        if let Some(ops) = find(name).filter(|o| o["status"]["phase"] != "Pending") {
            publish(hub, ops, "Pending", Vec::new())?;
        }
    }
    for (name, newest) in &turn.skip {
        if let Some(ops) = find(name) {
            let since = ops["metadata"]["creationTimestamp"].clone();
            let why = format!(
                "not run: {}/{newest} is a newer {} of type {HORIZONTAL_SCALING} for the same database",
                db.0, OPS.1
            );
            let skipped = condition("Skipped", true, "Skipped", &why, &since);
            publish(hub, ops, "Skipped", vec![skipped])?;
        }
    }
    if let Some(ops) = turn.start.as_deref().and_then(find) {
        start(hub, db, ops)?;
    }
    Ok(())
}

/// The condition type of a HorizontalScaling request's stage, as KubeDB's MariaDB docs list
/// them (`kubedb/docs@v2025.7.31:docs/guides/mariadb/concepts/opsrequest/index.md`,
/// `status.conditions`: `ScaleUpCluster`, `ScaleDownCluster`, besides `Progressing`,
/// `Successful` and `Failed`); the reasons are the simulation's own (the ops-manager that
/// writes them is closed source).
fn stage(member: i64, replicas: i64) -> &'static str {
    if member >= replicas {
        "ScaleUpCluster"
    } else {
        "ScaleDownCluster"
    }
}

/// The stage condition a request already carries (written when it started).
fn stage_of(ops: &Value) -> &'static str {
    let has = |t: &str| {
        ops["status"]["conditions"]
            .as_array()
            .is_some_and(|cs| cs.iter().any(|c| c["type"] == t))
    };
    if has("ScaleDownCluster") {
        "ScaleDownCluster"
    } else {
        "ScaleUpCluster"
    }
}

/// Starts a HorizontalScaling request for the database `db`: `Progressing` with its stage
/// condition (`ScaleUpCluster` or `ScaleDownCluster`), then the PetSet's and the MariaDB's
/// replicas set to `member` (both checked by the hub first); a refusal ends it `Failed` with
/// nothing written. Returns an error only when the ops-manager cannot write the request's
/// status.
fn start(hub: &FakeHub, db: (&str, &str), ops: &Value) -> Result<(), String> {
    let member = ops["spec"]["horizontalScaling"]["member"]
        .as_i64()
        .ok_or_else(|| "spec.horizontalScaling.member is not set".to_owned());
    let since = ops["metadata"]["creationTimestamp"].clone();
    let fail = |stage: Option<&str>, what: String| {
        let mut conditions = vec![condition(
            "Progressing",
            false,
            "OpsRequestFailed",
            &format!("stopped: {what}"),
            &since,
        )];
        if let Some(stage) = stage {
            conditions.push(condition(
                stage,
                false,
                "HorizontalScalingFailed",
                &what,
                &since,
            ));
        }
        conditions.push(condition(
            "Failed",
            true,
            "HorizontalScalingFailed",
            "nothing was changed; fix the cause, then create a new request",
            &since,
        ));
        publish(hub, ops, "Failed", conditions)
    };
    let member = match member {
        Ok(m) => m,
        Err(e) => return fail(None, e),
    };
    let (ns, name) = db;
    let Some(stored) = hub.get("kubedb.com/v1", "MariaDB", Some(ns), name) else {
        return fail(None, format!("MariaDB {ns}/{name} not found"));
    };
    let replicas = stored["spec"]["replicas"].as_i64().unwrap_or(1);
    let stage = stage(member, replicas);
    publish(
        hub,
        ops,
        "Progressing",
        vec![
            condition(
                "Progressing",
                true,
                "OpsRequestProgressingStarted",
                "HorizontalScaling started by the simulated ops-manager",
                &since,
            ),
            condition(
                stage,
                false,
                "HorizontalScalingStarted",
                &format!("scaling from {replicas} to {member} members"),
                &since,
            ),
        ],
    )?;
    let fail = |what: String| fail(Some(stage), what);
    let mut scaled = stored.clone();
    scaled["spec"]["replicas"] = json!(member);
    let version = scaled["spec"]["version"]
        .as_str()
        .and_then(|v| hub.get("catalog.kubedb.com/v1alpha1", "MariaDBVersion", None, v));
    let petset = kubedb::petset_of(&scaled, version.as_ref());
    let db_patch = json!({"apiVersion": "kubedb.com/v1", "kind": "MariaDB",
        "metadata": {"name": name, "namespace": ns}, "spec": {"replicas": member}});
    // Everything the request writes is checked first, so a refusal changes nothing.
    if let Err(e) = hub.dry_run_apply(KUBEDB_MANAGER, &petset) {
        return fail(format!(
            "PetSet {ns}/{name} to {member} replicas refused: {e}"
        ));
    }
    if let Err(e) = hub.dry_run_apply(OPS_MANAGER, &db_patch) {
        return fail(format!(
            "MariaDB {ns}/{name} to {member} replicas refused: {e}"
        ));
    }
    if let Err(e) = hub.apply(KUBEDB_MANAGER, &petset, false) {
        return fail(format!(
            "PetSet {ns}/{name} to {member} replicas refused: {e}"
        ));
    }
    if let Err(e) = hub.apply(OPS_MANAGER, &db_patch, false) {
        return fail(format!(
            "MariaDB {ns}/{name} to {member} replicas refused: {e}"
        ));
    }
    Ok(())
}

/// Ends every `Progressing` HorizontalScaling request for `db` whose `member` count
/// `converged` says is reached: `Successful`, with the conditions of each stage.
fn finish(
    hub: &FakeHub,
    db: (&str, &str),
    converged: impl Fn(usize) -> bool,
) -> Result<(), String> {
    for ops in hub.list(OPS.0, OPS.1, Some(db.0)) {
        let ours = ops["spec"]["databaseRef"]["name"] == db.1
            && ops["spec"]["type"] == HORIZONTAL_SCALING
            && ops["status"]["phase"] == "Progressing";
        let Some(member) = ops["spec"]["horizontalScaling"]["member"]
            .as_u64()
            .and_then(|m| usize::try_from(m).ok())
        else {
            continue;
        };
        if !ours || !converged(member) {
            continue;
        }
        let since = ops["metadata"]["creationTimestamp"].clone();
        let done = format!("{member} members Ready, wsrep_cluster_size={member} on each");
        publish(
            hub,
            &ops,
            "Successful",
            vec![
                condition(
                    "Progressing",
                    true,
                    "OpsRequestProgressingStarted",
                    "HorizontalScaling started by the simulated ops-manager",
                    &since,
                ),
                condition(
                    stage_of(&ops),
                    true,
                    "HorizontalScaledSuccessfully",
                    &done,
                    &since,
                ),
                condition(
                    "Successful",
                    true,
                    "OpsRequestSuccessful",
                    "HorizontalScaling succeeded",
                    &since,
                ),
            ],
        )?;
    }
    Ok(())
}

/// The `wsrep%` status of the named pods, as a day-2 apply reads it (pods not running are
/// left out).
pub(crate) fn wsrep_of(
    all: Vec<(String, galera::status::WsrepStatus)>,
    pods: &[String],
) -> BTreeMap<String, galera::status::WsrepStatus> {
    all.into_iter().filter(|(p, _)| pods.contains(p)).collect()
}

#[cfg(test)]
mod tests {
    //! The queue rule against cases written out by hand from the published skipper
    //! (`kubedb/apimachinery@832e8ff4:pkg/lib/skip.go`).

    use super::{Queued, Turn, next_turn};

    fn q(name: &str, at: &str, type_: &str, phase: Option<&str>) -> Queued {
        Queued {
            name: name.into(),
            created: Some(at.parse().expect("RFC 3339")),
            type_: type_.into(),
            phase: phase.map(Into::into),
        }
    }

    const HS: &str = "HorizontalScaling";

    #[test]
    fn any_running_request_of_the_database_holds_every_unstarted_one() {
        let turn = next_turn(&[
            q(
                "restart",
                "2026-01-01T00:00:00Z",
                "Restart",
                Some("Progressing"),
            ),
            q("up", "2026-01-01T00:00:05Z", HS, None),
            q("down", "2026-01-01T00:00:09Z", HS, Some("Pending")),
            q("old", "2025-12-01T00:00:00Z", HS, Some("Successful")),
        ]);
        assert_eq!(
            turn,
            Turn {
                wait: vec!["up".into(), "down".into()],
                ..Turn::default()
            }
        );
    }

    #[test]
    fn final_requests_do_not_count() {
        let turn = next_turn(&[
            q("a", "2026-01-01T00:00:00Z", HS, Some("Successful")),
            q("b", "2026-01-01T00:00:01Z", HS, Some("Failed")),
            q("c", "2026-01-01T00:00:02Z", HS, Some("Skipped")),
            q("d", "2026-01-01T00:00:03Z", HS, Some("Denied")),
        ]);
        assert_eq!(turn, Turn::default());
    }

    #[test]
    fn equal_timestamps_make_the_smaller_name_the_newest() {
        // skip.go sorts equal timestamps by the greater name first; the last one runs.
        let turn = next_turn(&[
            q("scale-b", "2026-01-01T00:00:00Z", HS, Some("Pending")),
            q("scale-a", "2026-01-01T00:00:00Z", HS, Some("Pending")),
            q("scale-c", "2026-01-01T00:00:00Z", HS, None),
        ]);
        assert_eq!(turn.start.as_deref(), Some("scale-a"));
        assert_eq!(
            turn.skip,
            [
                ("scale-c".to_owned(), "scale-a".to_owned()),
                ("scale-b".to_owned(), "scale-a".to_owned())
            ]
        );
        assert!(turn.wait.is_empty());
    }

    #[test]
    fn of_several_types_the_oldest_survivor_runs_first() {
        let turn = next_turn(&[
            q("hs-1", "2026-01-01T00:00:01Z", HS, Some("Pending")),
            q(
                "vs-1",
                "2026-01-01T00:00:02Z",
                "VerticalScaling",
                Some("Pending"),
            ),
            q("hs-2", "2026-01-01T00:00:03Z", HS, Some("Pending")),
            q("vs-2", "2026-01-01T00:00:04Z", "VerticalScaling", None),
            q("uv", "2026-01-01T00:00:05Z", "UpdateVersion", None),
        ]);
        // hs-1 and vs-1 are superseded; of hs-2, vs-2 and uv, hs-2 is the oldest.
        assert_eq!(turn.start.as_deref(), Some("hs-2"));
        assert_eq!(
            turn.skip,
            [
                ("hs-1".to_owned(), "hs-2".to_owned()),
                ("vs-1".to_owned(), "vs-2".to_owned())
            ]
        );
        assert_eq!(turn.wait, ["vs-2", "uv"]);
    }

    #[test]
    fn a_request_read_from_the_hub() {
        let stored = serde_json::json!({
            "metadata": {"name": "scale", "creationTimestamp": "2026-11-30T05:00:00Z"},
            "spec": {"type": "HorizontalScaling", "horizontalScaling": {"member": 5}},
            "status": {"phase": ""}});
        let read = Queued::of(&stored);
        assert_eq!(read, q("scale", "2026-11-30T05:00:00Z", HS, None));
        assert!(read.unstarted());
        let unparsed = Queued::of(&serde_json::json!({"metadata": {"name": "x",
            "creationTimestamp": "yesterday"}, "status": {"phase": "Progressing"}}));
        assert_eq!(unparsed.created, None);
        assert!(!unparsed.unstarted());
    }
}
