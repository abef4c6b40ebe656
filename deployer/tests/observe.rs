//! The pod table decoded from the plan's own pod ManifestWorks with simulated feedback.

use deployer::{Environment, Readiness, Severity, plan, pod_table, render_pod_table};
use ocm_types::work::v1::ManifestWork;
use serde_json::json;

/// What a spoke's work agent writes back for the pod manifest (ordinal 0): phase and IP, and
/// the Ready condition only when RawFeedbackJsonString is on.
fn feedback(mw: &mut ManifestWork, raw_json: bool, ready: &str) {
    let pod = mw
        .spec
        .workload
        .as_ref()
        .and_then(|w| w.manifests.as_ref())
        .expect("manifests")[0]
        .clone();
    let mut values = vec![
        json!({"name": "PodPhase", "fieldValue": {"type": "String", "string": "Running"}}),
        json!({"name": "PodIP", "fieldValue": {"type": "String", "string": "10.1.1.7"}}),
    ];
    if raw_json {
        let cond =
            json!({"type": "Ready", "status": ready, "reason": "ContainersNotReady"}).to_string();
        values.push(
            json!({"name": "ReadyCondition", "fieldValue": {"type": "JsonRaw", "jsonRaw": cond}}),
        );
    }
    mw.status = Some(
        serde_json::from_value(json!({"resourceStatus": {"manifests": [{
            "resourceMeta": {"ordinal": 0, "kind": "Pod", "version": "v1", "name": pod.name(), "namespace": pod.namespace()},
            "conditions": [],
            "statusFeedback": {"values": values}}]}}))
        .expect("status"),
    );
}

fn pod_works() -> Vec<ManifestWork> {
    let plan = plan(&Environment::seed()).expect("seed plans");
    plan.spokes
        .iter()
        .flat_map(|s| s.works.iter().cloned())
        .filter(|w| {
            w.spec
                .workload
                .as_ref()
                .and_then(|wl| wl.manifests.as_ref())
                .is_some_and(|m| m.iter().any(|m| m.kind() == Some("Pod")))
        })
        .collect()
}

#[test]
fn a_cluster_without_raw_feedback_json_is_reported() {
    let mut works = pod_works();
    assert_eq!(works.len(), 3, "one pod work per ordinal");
    for w in &mut works {
        let on = w.metadata.namespace.as_deref() == Some("demo-controller");
        feedback(w, on, "True");
    }
    let (rows, findings) = pod_table(&works);
    let seen: Vec<(&str, &str, Readiness)> = rows
        .iter()
        .map(|r| (r.pod.as_str(), r.cluster.as_str(), r.ready.clone()))
        .collect();
    assert_eq!(
        seen,
        [
            ("mariadb-0", "demo-controller", Readiness::Ready),
            ("mariadb-1", "demo-worker", Readiness::Unknown),
            ("mariadb-2", "demo-controller", Readiness::Ready),
        ]
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].object, "Klusterlet/demo-worker");
    assert_eq!(findings[0].severity, Severity::Error);
    let table = render_pod_table(&rows);
    assert!(
        table.contains("mariadb-1      demo-worker        ?          Running    10.1.1.7"),
        "{table}"
    );
}

#[test]
fn not_ready_and_undecodable_feedback() {
    let mut works = pod_works();
    for w in &mut works {
        feedback(w, true, "False");
    }
    let (rows, findings) = pod_table(&works);
    assert!(
        rows.iter()
            .all(|r| r.ready == Readiness::NotReady("ContainersNotReady".into()))
    );
    assert!(findings.is_empty());

    // A ReadyCondition that is not JSON is named, not a panic.
    let mut bad = serde_json::to_value(&works[0]).expect("json");
    bad["status"]["resourceStatus"]["manifests"][0]["statusFeedback"]["values"][2]["fieldValue"]
        ["jsonRaw"] = json!("{not json");
    let bad: ManifestWork = serde_json::from_value(bad).expect("still a ManifestWork");
    let (rows, findings) = pod_table(&[bad]);
    assert_eq!(rows[0].ready, Readiness::Unknown);
    assert!(
        findings[0].message.contains("ReadyCondition"),
        "{}",
        findings[0]
    );
}
