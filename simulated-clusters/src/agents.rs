//! One OCM work agent per managed cluster: it runs the pods its ManifestWorks carry on the
//! world's [`PodRuntime`], each with an overlay IP, and reports `Applied`/`Available` and the
//! pod's `PodPhase`, `PodIP` and (with `RawFeedbackJsonString`) `ReadyCondition` feedback; a
//! claim work is reported applied. A cluster that is down neither starts pods nor reports
//! (its works keep their last feedback).

use std::collections::{BTreeMap, BTreeSet};

use kubedb_types::apps::v1::{ROLE_LABEL, ROLE_POD};
use serde_json::{Value, json};

use crate::petset;
use crate::pods::{PodRuntime, ScheduledPod, model_pod_ip};
use crate::writer::{PETSET, WORK, Writer};

/// Field manager of the simulated work agents.
pub const WORK_AGENT_MANAGER: &str = "work-agent";

/// A pod of the database as a work agent received it.
#[derive(Clone, Debug)]
pub(crate) struct Pod {
    pub(crate) ordinal: usize,
    pub(crate) name: String,
    pub(crate) cluster: String,
    pub(crate) ip: String,
    manifest: Value,
    /// The agent started it on its runtime.
    scheduled: bool,
}

/// The work agents of every spoke and the pods they run.
pub(crate) struct Agents {
    /// Spokes in the order given (a spoke's position picks its pods' overlay subnet).
    pub(crate) order: Vec<String>,
    /// Each spoke's agent: whether it returns JsonRaw feedback (`RawFeedbackJsonString`).
    raw_feedback: BTreeMap<String, bool>,
    /// The clusters that are down.
    pub(crate) down: BTreeSet<String>,
    /// Pods by ordinal, as the agents received them from their works.
    pub(crate) pods: BTreeMap<usize, Pod>,
    /// What runs in the pods.
    pub(crate) runtime: Box<dyn PodRuntime>,
}

impl Agents {
    /// Agents for `spokes` as `(cluster, raw feedback)` in the order given, every cluster up,
    /// no pod yet.
    pub(crate) fn new(
        spokes: impl IntoIterator<Item = (String, bool)>,
        runtime: Box<dyn PodRuntime>,
    ) -> Agents {
        let spokes: Vec<(String, bool)> = spokes.into_iter().collect();
        Agents {
            order: spokes.iter().map(|(cluster, _)| cluster.clone()).collect(),
            raw_feedback: spokes.into_iter().collect(),
            down: BTreeSet::new(),
            pods: BTreeMap::new(),
            runtime,
        }
    }

    /// A spoke's agent starts (or is replaced, keeping its position); a new one gets the next
    /// position.
    pub(crate) fn add(&mut self, cluster: String, raw_feedback: bool) {
        if !self.raw_feedback.contains_key(&cluster) {
            self.order.push(cluster.clone());
        }
        self.raw_feedback.insert(cluster, raw_feedback);
    }

    /// Whether `cluster` has an agent and is up.
    pub(crate) fn live(&self, cluster: &str) -> bool {
        self.raw_feedback.contains_key(cluster) && !self.down.contains(cluster)
    }

    /// The pod named `name`, if an agent received it.
    pub(crate) fn pod(&self, name: &str) -> Option<&Pod> {
        self.pods.values().find(|p| p.name == name)
    }

    /// The ordinals of the pods `cluster`'s agent received.
    pub(crate) fn ordinals_on(&self, cluster: &str) -> BTreeSet<usize> {
        self.pods
            .values()
            .filter(|p| p.cluster == cluster)
            .map(|p| p.ordinal)
            .collect()
    }

    /// Whether the operator sees ordinal `o` Ready: it runs Ready and its agent returns the
    /// JsonRaw feedback that says so.
    pub(crate) fn reports_ready(&self, o: usize) -> bool {
        self.pods.get(&o).is_some_and(|p| {
            self.runtime.state(o).ready && self.raw_feedback.get(&p.cluster) == Some(&true)
        })
    }

    /// Whether the pods are exactly ordinals `0..member`, each Ready in a Galera cluster of
    /// `member` nodes.
    pub(crate) fn converged(&self, member: usize) -> bool {
        self.pods.keys().copied().eq(0..member)
            && (0..member).all(|o| {
                let s = self.runtime.state(o);
                s.ready && s.wsrep.and_then(|w| w.cluster_size) == Some(member as u64)
            })
    }

    /// `cluster` comes back: its agent starts again the pods it had scheduled.
    pub(crate) fn restart(&mut self, out: &Writer, cluster: &str) {
        let pods: Vec<Pod> = self
            .pods
            .values()
            .filter(|p| p.cluster == cluster && p.scheduled)
            .cloned()
            .collect();
        for p in pods {
            self.start(out, &p, false);
        }
    }

    fn start(&mut self, out: &Writer, pod: &Pod, bootstrap: bool) {
        // The set's size as stored: the PetSet named by the pod's name in its namespace.
        let replicas = pod
            .name
            .rsplit_once('-')
            .and_then(|(set, _)| {
                let ns = pod.manifest["metadata"]["namespace"].as_str();
                out.hub.get(PETSET.0, PETSET.1, ns, set)
            })
            .and_then(|s| s["spec"]["replicas"].as_u64())
            .map_or(0, |r| usize::try_from(r).unwrap_or(usize::MAX));
        let spec = ScheduledPod {
            ordinal: pod.ordinal,
            name: &pod.name,
            cluster: &pod.cluster,
            ip: &pod.ip,
            manifest: &pod.manifest,
            replicas,
        };
        if let Err(e) = self.runtime.start(spec, bootstrap) {
            tracing::debug!(error = %e, "pod runtime refused a start");
        }
    }

    /// The pods a work carries, as `(ordinal, name, manifest)`.
    fn pods_of(work: &Value) -> Vec<(usize, String, Value)> {
        work["spec"]["workload"]["manifests"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| m["kind"] == "Pod")
            .filter_map(|m| {
                let name = m["metadata"]["name"].as_str()?;
                let ordinal = m["metadata"]["labels"][petset::POD_INDEX_LABEL]
                    .as_str()
                    .and_then(|i| i.parse().ok())
                    .or_else(|| petset::ordinal_of(name))?;
                Some((usize::try_from(ordinal).ok()?, name.to_owned(), m.clone()))
            })
            .collect()
    }

    /// A live agent applies a pod work: a pod it has not run yet gets its overlay IP and
    /// starts (bootstrapping when no other pod of the database runs). Returns whether one
    /// started.
    fn receive(&mut self, out: &mut Writer, work: &Value) -> bool {
        let cluster = work["metadata"]["namespace"].as_str().unwrap_or_default();
        if !self.live(cluster) {
            return false;
        }
        let mut started = false;
        for (ordinal, name, manifest) in Self::pods_of(work) {
            let known = self
                .pods
                .get(&ordinal)
                .is_some_and(|p| p.cluster == cluster && p.name == name);
            if !known {
                // The overlay subnet of the spoke's position; the host part from the ordinal.
                let ci = self.order.iter().position(|c| c == cluster).unwrap_or(0);
                let ip = match self.runtime.pod_ip(ordinal, &name, cluster, ci, &manifest) {
                    Ok(ip) => ip,
                    Err(e) => {
                        out.fail(format!("pod {name} on {cluster}: {e}"));
                        model_pod_ip(ci, ordinal)
                    }
                };
                let pod = Pod {
                    ordinal,
                    name,
                    cluster: cluster.to_owned(),
                    ip,
                    manifest,
                    scheduled: false,
                };
                self.pods.insert(ordinal, pod);
            }
            if let Some(pod) = self.pods.get(&ordinal).filter(|p| !p.scheduled).cloned() {
                let anyone = self.pods.keys().any(|&o| self.runtime.state(o).running);
                self.start(out, &pod, !anyone);
                if let Some(p) = self.pods.get_mut(&ordinal) {
                    p.scheduled = true;
                }
                started = true;
            }
        }
        started
    }

    /// A pod work was deleted: its agent deletes the pod.
    pub(crate) fn removed(&mut self, work: &Value) {
        let cluster = work["metadata"]["namespace"].as_str().unwrap_or_default();
        for (ordinal, name, _) in Self::pods_of(work) {
            if self
                .pods
                .get(&ordinal)
                .is_some_and(|p| p.cluster == cluster && p.name == name)
            {
                self.runtime.stop(ordinal);
                self.pods.remove(&ordinal);
            }
        }
    }

    /// A live work agent got a ManifestWork: pods it carries start, and a work that is no pod
    /// work (a claim work) or carries no pod is reported. Returns whether every live agent
    /// must report now ([`Agents::report_pods`]): a pod started, or a pod work has no status
    /// yet.
    pub(crate) fn received(&mut self, out: &mut Writer, work: &Value) -> bool {
        let carries_pods = !Self::pods_of(work).is_empty();
        if self.receive(out, work) {
            true
        } else if work["metadata"]["labels"][ROLE_LABEL] != ROLE_POD || !carries_pods {
            self.report_work(out, work);
            false
        } else {
            work["status"].is_null()
        }
    }

    /// Every live agent applies and reports its pod works.
    pub(crate) fn report_pods(&mut self, out: &mut Writer) {
        let works: Vec<Value> = out
            .hub
            .list(WORK.0, WORK.1, None)
            .into_iter()
            .filter(|w| w["metadata"]["labels"][ROLE_LABEL] == ROLE_POD)
            .collect();
        for w in &works {
            self.receive(out, w);
        }
        for w in &works {
            self.report_work(out, w);
        }
    }

    /// Status of one work as its (live) agent reports it.
    fn report_work(&mut self, out: &mut Writer, work: &Value) {
        let cluster = work["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let Some(&raw_feedback) = self.raw_feedback.get(&cluster) else {
            return;
        };
        if self.down.contains(&cluster) {
            return;
        }
        let since = work["metadata"]["creationTimestamp"].clone();
        let generation = work["metadata"]["generation"].as_i64().unwrap_or(1);
        let cond = |t: &str, reason: &str| {
            json!({"type": t, "status": "True", "reason": reason, "message": format!("{t} by the simulated work agent"),
                   "lastTransitionTime": since, "observedGeneration": generation})
        };
        let mut manifests = Vec::new();
        for (i, m) in work["spec"]["workload"]["manifests"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let kind = m["kind"].as_str().unwrap_or_default();
            let (group, version) = match m["apiVersion"]
                .as_str()
                .unwrap_or_default()
                .rsplit_once('/')
            {
                Some((g, v)) => (g.to_owned(), v.to_owned()),
                None => (
                    String::new(),
                    m["apiVersion"].as_str().unwrap_or_default().to_owned(),
                ),
            };
            let mut entry = json!({
                "resourceMeta": {"ordinal": i, "group": group, "version": version, "kind": kind,
                    "resource": format!("{}s", kind.to_lowercase()),
                    "name": m["metadata"]["name"], "namespace": m["metadata"]["namespace"]},
                "conditions": [cond("Applied", "AppliedManifestComplete"), cond("Available", "ResourceAvailable")]});
            let pod = self.pods.values().find(|p| {
                m["kind"] == "Pod"
                    && m["metadata"]["name"] == p.name.as_str()
                    && p.cluster == cluster
            });
            if let Some(pod) = pod {
                let state = self.runtime.state(pod.ordinal);
                let (running, ready) = (state.running, state.ready);
                let phase = if pod.scheduled { "Running" } else { "Pending" };
                let mut values = vec![
                    json!({"name": "PodPhase", "fieldValue": {"type": "String", "string": phase}}),
                    json!({"name": "PodIP", "fieldValue": {"type": "String", "string": pod.ip}}),
                ];
                if raw_feedback {
                    let condition = json!([{"type": "Ready", "status": if ready { "True" } else { "False" },
                        "reason": if ready { Value::Null } else if running { json!("GaleraNotPrimary") } else { json!("ContainersNotReady") },
                        "lastTransitionTime": since}]);
                    values.push(json!({"name": "ReadyCondition",
                        "fieldValue": {"type": "JsonRaw", "jsonRaw": condition.to_string()}}));
                }
                entry["statusFeedback"] = json!({"values": values});
                entry["conditions"]
                    .as_array_mut()
                    .into_iter()
                    .for_each(|c| c.push(cond("StatusFeedbackSynced", "StatusFeedbackSynced")));
            }
            manifests.push(entry);
        }
        let status = json!({"apiVersion": "work.open-cluster-management.io/v1", "kind": "ManifestWork",
            "metadata": {"name": work["metadata"]["name"], "namespace": cluster},
            "status": {"conditions": [cond("Applied", "AppliedManifestWorkComplete"), cond("Available", "ResourcesAvailable")],
                       "resourceStatus": {"manifests": manifests}}});
        out.apply(WORK_AGENT_MANAGER, &status, true);
    }
}
