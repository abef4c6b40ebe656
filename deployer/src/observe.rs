//! What the hub knows about the database's pods: the PetSet controller's pod ManifestWorks
//! decoded into a `kubectl get pods`-like table across clusters, as `PetSet` reads them.

use std::fmt::Write as _;

use k8s_openapi::api::core::v1::PodCondition;
use ocm_types::work::v1::{FieldValue, ManifestWork};

use crate::{Finding, Severity};

/// What to do when a spoke's work agent does not return JsonRaw feedback.
pub(crate) const RAW_FEEDBACK_REMEDY: &str = "add workConfiguration.featureGates [{feature: RawFeedbackJsonString, mode: Enable}] to the klusterlet (or join with --feature-gates=RawFeedbackJsonString=true)";

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
                Err(ocm_types::work::v1::FeedbackError::Missing { .. })
                | Err(ocm_types::work::v1::FeedbackError::NoManifestStatus { .. }) => {
                    if phase.is_some() && !gate_off.contains(&cluster) {
                        gate_off.push(cluster.clone());
                    }
                    Readiness::Unknown
                }
                Err(e) => {
                    findings.push(Finding::new(
                        Severity::Warning,
                        format!(
                            "ManifestWork/{cluster}/{}",
                            mw.metadata.name.as_deref().unwrap_or("?")
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
        findings.push(Finding::new(
            Severity::Error,
            format!("Klusterlet/{cluster}"),
            "pods on this cluster report a phase but no ReadyCondition: RawFeedbackJsonString is not enabled, so they never become Ready on the hub",
            RAW_FEEDBACK_REMEDY,
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

/// The label selector of a database's pod ManifestWorks on the hub.
fn pod_work_selector(namespace: &str, name: &str) -> String {
    let mut terms: Vec<String> = crate::plan::offshoot_labels(name, namespace)
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    terms.push(format!("{}=pod", crate::ROLE_LABEL));
    terms.join(",")
}

/// Watches the hub's pod ManifestWorks of the MariaDB `namespace/name` (list then watch,
/// resumed after dropped watches) and hands the decoded pod table to `seen` after every
/// change, until `seen` returns true or `timeout` passes. Returns the last table, and whether
/// `seen` was satisfied.
pub async fn watch_pods(
    client: &kube::Client,
    namespace: &str,
    name: &str,
    timeout: std::time::Duration,
    mut seen: impl FnMut(&[PodRow], &[Finding]) -> bool,
) -> ((Vec<PodRow>, Vec<Finding>), bool) {
    use futures::StreamExt;
    use kube::runtime::{WatchStreamExt, watcher};

    let api: kube::Api<ManifestWork> = kube::Api::all(client.clone());
    let config = watcher::Config::default().labels(&pod_work_selector(namespace, name));
    let mut works: std::collections::BTreeMap<(String, String), ManifestWork> =
        std::collections::BTreeMap::new();
    let mut last = (Vec::new(), Vec::new());
    let watch = async {
        let stream = watcher(api, config).default_backoff();
        let mut stream = std::pin::pin!(stream);
        while let Some(event) = stream.next().await {
            let key = |w: &ManifestWork| {
                (
                    w.metadata.namespace.clone().unwrap_or_default(),
                    w.metadata.name.clone().unwrap_or_default(),
                )
            };
            match event {
                Ok(watcher::Event::Apply(w) | watcher::Event::InitApply(w)) => {
                    works.insert(key(&w), w);
                }
                Ok(watcher::Event::Delete(w)) => {
                    works.remove(&key(&w));
                }
                Ok(watcher::Event::Init) => works.clear(),
                Ok(watcher::Event::InitDone) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "pod ManifestWork watch error; retrying");
                    continue;
                }
            }
            let all: Vec<ManifestWork> = works.values().cloned().collect();
            last = pod_table(&all);
            if seen(&last.0, &last.1) {
                return true;
            }
        }
        false
    };
    let done = tokio::time::timeout(timeout, watch).await.unwrap_or(false);
    (last, done)
}
