//! What the hub knows about the database's pods: the PetSet controller's pod ManifestWorks
//! decoded into a `kubectl get pods`-like table across clusters, as `PetSet` reads them. Pure:
//! the watch that feeds it is [`watch_pods`](crate::watch_pods).

use std::fmt::Write as _;

use k8s_openapi::api::core::v1::PodCondition;
use kube::core::Selector;
use ocm_types::work::v1::{FeedbackError, FieldValue, ManifestWork};

use crate::findings::{Finding, Severity, object_id, raw_feedback_gate_off};
use crate::plan::{ROLE_LABEL, offshoot_labels};

/// Whether a pod is Ready, from its `ReadyCondition` feedback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Readiness {
    /// `PodPhase` is `Running` and the Ready condition is `True`.
    Ready,
    /// The condition is present and says no (with its reason), or the pod is not Running.
    NotReady(String),
    /// No `ReadyCondition` value came back.
    Unknown,
}

/// One pod as the hub sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodRow {
    /// The cluster (the work's namespace on the hub).
    pub cluster: String,
    /// The pod's namespace on the spoke.
    pub namespace: String,
    /// Pod name.
    pub pod: String,
    /// `PodPhase` feedback.
    pub phase: Option<String>,
    /// `PodIP` feedback.
    pub ip: Option<String>,
    /// From `PodPhase` and `ReadyCondition`.
    pub ready: Readiness,
}

fn string(mw: &ManifestWork, ordinal: i32, name: &str) -> Option<String> {
    match mw.feedback(ordinal, name).ok()? {
        FieldValue {
            string: Some(s), ..
        } => Some(s.clone()),
        _ => None,
    }
}

/// Every Pod manifest of `works` with its feedback, and findings: a cluster whose pods report
/// a phase but never the JsonRaw `ReadyCondition` has `RawFeedbackJsonString` off; a value
/// that does not decode is named.
///
/// ```
/// use deployer::{pod_table, Readiness};
/// use ocm_types::work::v1::ManifestWork;
/// let mw: ManifestWork = serde_json::from_value(serde_json::json!({
///   "apiVersion": "work.open-cluster-management.io/v1", "kind": "ManifestWork",
///   "metadata": {"name": "mariadb-1", "namespace": "demo-worker"},
///   "spec": {"workload": {"manifests": [{"apiVersion": "v1", "kind": "Pod",
///     "metadata": {"name": "mariadb-1", "namespace": "demo"}}]}},
///   "status": {"resourceStatus": {"manifests": [{
///     "resourceMeta": {"ordinal": 0, "kind": "Pod", "name": "mariadb-1", "namespace": "demo"},
///     "conditions": [],
///     "statusFeedback": {"values": [
///       {"name": "PodPhase", "fieldValue": {"type": "String", "string": "Running"}}]}}]}}
/// })).unwrap();
/// let (rows, findings) = pod_table(&[mw]);
/// assert_eq!(rows[0].ready, Readiness::Unknown);
/// assert!(findings[0].message.contains("RawFeedbackJsonString"));
/// ```
pub fn pod_table(works: &[ManifestWork]) -> (Vec<PodRow>, Vec<Finding>) {
    let mut rows = Vec::new();
    let mut findings = Vec::new();
    let mut gate_off: Vec<String> = Vec::new();
    for mw in works {
        let cluster = mw.metadata.namespace.clone().unwrap_or_default();
        let manifests = mw
            .spec
            .workload
            .as_ref()
            .and_then(|w| w.manifests.as_deref())
            .unwrap_or_default();
        for (i, m) in manifests.iter().enumerate() {
            if m.kind() != Some("Pod") {
                continue;
            }
            let Ok(ordinal) = i32::try_from(i) else {
                continue;
            };
            let phase = string(mw, ordinal, "PodPhase");
            let ready = match mw.decode_feedback::<PodCondition>(ordinal, "ReadyCondition") {
                Ok(c)
                    if c.type_ == "Ready"
                        && c.status == "True"
                        && phase.as_deref() == Some("Running") =>
                {
                    Readiness::Ready
                }
                Ok(c) => {
                    Readiness::NotReady(c.reason.unwrap_or_else(|| format!("Ready={}", c.status)))
                }
                Err(FeedbackError::Missing { .. })
                | Err(FeedbackError::NoManifestStatus { .. }) => {
                    if phase.is_some() && !gate_off.contains(&cluster) {
                        gate_off.push(cluster.clone());
                    }
                    Readiness::Unknown
                }
                Err(e) => {
                    findings.push(Finding::new(
                        Severity::Warning,
                        object_id(
                            "ManifestWork",
                            Some(&cluster),
                            mw.metadata.name.as_deref().unwrap_or("?"),
                        ),
                        e.to_string(),
                        "check the work agent's version and the feedback rules of the work",
                    ));
                    Readiness::Unknown
                }
            };
            rows.push(PodRow {
                cluster: cluster.clone(),
                namespace: m.namespace().unwrap_or_default().to_owned(),
                pod: m.name().unwrap_or_default().to_owned(),
                ip: string(mw, ordinal, "PodIP"),
                phase,
                ready,
            });
        }
    }
    for cluster in gate_off {
        findings.push(raw_feedback_gate_off(
            &cluster,
            "pods on this cluster report a phase but no ReadyCondition: RawFeedbackJsonString is not enabled, so they never become Ready on the hub",
        ));
    }
    rows.sort_by(|a, b| (&a.pod, &a.cluster).cmp(&(&b.pod, &b.cluster)));
    (rows, findings)
}

/// The rows as a table, like `kubectl get pods -o wide` run on every cluster.
pub fn render_pod_table(rows: &[PodRow]) -> String {
    let mut out = format!(
        "{:<14} {:<18} {:<10} {:<10} {}\n",
        "NAME", "CLUSTER", "READY", "STATUS", "IP"
    );
    for r in rows {
        let ready = match &r.ready {
            Readiness::Ready => "1/1".to_owned(),
            Readiness::NotReady(_) => "0/1".to_owned(),
            Readiness::Unknown => "?".to_owned(),
        };
        let _ = writeln!(
            out,
            "{:<14} {:<18} {:<10} {:<10} {}",
            r.pod,
            r.cluster,
            ready,
            r.phase.as_deref().unwrap_or("<none>"),
            r.ip.as_deref().unwrap_or("<none>")
        );
    }
    out
}

/// The label selector of a database's pod ManifestWorks on the hub: KubeDB's selector labels
/// and the `pod` role PetSet gives them.
#[cfg_attr(not(feature = "client"), allow(dead_code))]
pub(crate) fn pod_work_selector(namespace: &str, name: &str) -> Selector {
    let mut labels = offshoot_labels(name, namespace);
    labels.insert(ROLE_LABEL.to_owned(), "pod".to_owned());
    labels.into_iter().collect()
}

/// A condition on the pod table for [`watch_pods`](crate::watch_pods): exactly `expected`
/// rows of as many distinct pods, all [`Readiness::Ready`] (after a scale-down, the removed
/// pods must be gone too; a pod reported by two works counts once and fails the count).
pub fn pods_ready(expected: usize) -> impl Fn(&[PodRow], &[Finding]) -> bool {
    move |rows, _| {
        let pods: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.pod.as_str()).collect();
        rows.len() == expected
            && pods.len() == expected
            && rows.iter().all(|r| r.ready == Readiness::Ready)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pod: &str, ready: Readiness) -> PodRow {
        PodRow {
            cluster: "demo-controller".into(),
            namespace: "demo".into(),
            pod: pod.into(),
            phase: Some("Running".into()),
            ip: None,
            ready,
        }
    }

    #[test]
    fn pods_ready_wants_exactly_that_many_pods_all_ready() {
        let five: Vec<PodRow> = (0..5)
            .map(|i| row(&format!("mariadb-{i}"), Readiness::Ready))
            .collect();
        // After a scale-down to 3, five Ready pods are not done yet.
        assert!(!pods_ready(3)(&five, &[]));
        assert!(pods_ready(5)(&five, &[]));
        let mut three = five[..3].to_vec();
        assert!(pods_ready(3)(&three, &[]));
        three[1].ready = Readiness::Unknown;
        assert!(!pods_ready(3)(&three, &[]));
        // mariadb-0 reported twice (a stale work on another cluster) is not a third pod.
        let twice = vec![five[0].clone(), five[1].clone(), five[0].clone()];
        assert!(!pods_ready(3)(&twice, &[]));
        assert!(!pods_ready(2)(&three, &[]));
    }

    #[test]
    fn the_pod_work_selector_is_kubedbs_selector_labels_and_the_pod_role() {
        assert_eq!(
            pod_work_selector("demo", "mariadb").to_string(),
            "app.kubernetes.io/instance=mariadb,app.kubernetes.io/managed-by=kubedb.com,\
             app.kubernetes.io/name=mariadbs.kubedb.com,app.kubernetes.io/namespace=demo,\
             open-cluster-management.io/role=pod"
        );
    }
}
