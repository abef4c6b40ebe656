//! The KubeDB ops-manager's HorizontalScaling of a distributed MariaDB, as far as KubeDB's
//! guide describes it (`kubedb/docs@24d8d655:docs/guides/mariadb/distributed/opsrequest/
//! horizontal_scale.md`): a `MariaDBOpsRequest` of `type: HorizontalScaling` names the
//! database (`spec.databaseRef.name`) and the member count afterwards
//! (`spec.horizontalScaling.member`, at most the PlacementPolicy's indices); the operator
//! updates the MariaDB's `spec.replicas`, the PetSet creates the new pods where the policy puts
//! them or removes the highest-indexed ones, and the request ends `Successful`.
//!
//! What the guide leaves out, and what is done here instead (the ops-manager is not public):
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
//! - Other request types, and requests for another database, are left alone (no phase).

use std::collections::BTreeMap;

use emulated_hub::FakeHub;
use serde_json::{Value, json};

use crate::kubedb;

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

/// Whether `ops` is a HorizontalScaling request for the database `(ns, name)` that nobody
/// picked up yet; its `member` when so.
fn pending(ops: &Value, db: (&str, &str)) -> Option<Result<i64, String>> {
    let unstarted = ops["status"]["phase"].is_null() || ops["status"]["phase"] == "Pending";
    let ours = ops["metadata"]["namespace"] == db.0 && ops["spec"]["databaseRef"]["name"] == db.1;
    if !unstarted || !ours || ops["spec"]["type"] != "HorizontalScaling" {
        return None;
    }
    Some(
        ops["spec"]["horizontalScaling"]["member"]
            .as_i64()
            .ok_or_else(|| "spec.horizontalScaling.member is not set".to_owned()),
    )
}

/// Picks up a new HorizontalScaling request for the database `db`: `Progressing`, then the
/// PetSet's and the MariaDB's replicas set to `member` (both checked by the hub first); a
/// refusal ends it `Failed` with nothing written. Returns an error only when the ops-manager
/// cannot write the request's status.
pub(crate) fn start(hub: &FakeHub, db: (&str, &str), ops: &Value) -> Result<(), String> {
    let Some(member) = pending(ops, db) else {
        return Ok(());
    };
    let since = ops["metadata"]["creationTimestamp"].clone();
    let fail = |what: String| {
        publish(
            hub,
            ops,
            "Failed",
            vec![
                condition(
                    "Progressing",
                    false,
                    "OpsRequestFailed",
                    "stopped; see the HorizontalScaling condition",
                    &since,
                ),
                condition(
                    "HorizontalScaling",
                    false,
                    "HorizontalScalingFailed",
                    &what,
                    &since,
                ),
                condition(
                    "Failed",
                    true,
                    "HorizontalScalingFailed",
                    "nothing was changed; fix the cause, then create a new request",
                    &since,
                ),
            ],
        )
    };
    let member = match member {
        Ok(m) => m,
        Err(e) => return fail(e),
    };
    publish(
        hub,
        ops,
        "Progressing",
        vec![condition(
            "Progressing",
            true,
            "OpsRequestProgressingStarted",
            "HorizontalScaling started by the simulated ops-manager",
            &since,
        )],
    )?;
    let (ns, name) = db;
    let Some(stored) = hub.get("kubedb.com/v1", "MariaDB", Some(ns), name) else {
        return fail(format!("MariaDB {ns}/{name} not found"));
    };
    let mut scaled = stored.clone();
    scaled["spec"]["replicas"] = json!(member);
    let version = scaled["spec"]["version"]
        .as_str()
        .and_then(|v| hub.get("catalog.kubedb.com/v1alpha1", "MariaDBVersion", None, v));
    let petset = kubedb::petset_of(&scaled, version.as_ref());
    let db_patch = json!({"apiVersion": "kubedb.com/v1", "kind": "MariaDB",
        "metadata": {"name": name, "namespace": ns}, "spec": {"replicas": member}});
    // Everything the request writes is checked first, so a refusal changes nothing.
    if let Err(e) = hub.dry_run_apply(crate::KUBEDB_MANAGER, &petset) {
        return fail(format!(
            "PetSet {ns}/{name} to {member} replicas refused: {e}"
        ));
    }
    if let Err(e) = hub.dry_run_apply(OPS_MANAGER, &db_patch) {
        return fail(format!(
            "MariaDB {ns}/{name} to {member} replicas refused: {e}"
        ));
    }
    if let Err(e) = hub.apply(crate::KUBEDB_MANAGER, &petset, false) {
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
pub(crate) fn finish(
    hub: &FakeHub,
    db: (&str, &str),
    converged: impl Fn(usize) -> bool,
) -> Result<(), String> {
    if !hub.serves(OPS.0, OPS.1) {
        return Ok(());
    }
    for ops in hub.list(OPS.0, OPS.1, Some(db.0)) {
        let ours = ops["spec"]["databaseRef"]["name"] == db.1
            && ops["spec"]["type"] == "HorizontalScaling"
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
                    "HorizontalScaling",
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
