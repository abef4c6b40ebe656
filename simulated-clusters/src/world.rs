//! Simulated controllers and spokes behind a [`FakeHub`]: the KubeSlice controller and
//! workers, the KubeDB operator with the PetSet controller, and one OCM work agent per
//! cluster whose pods are the nodes of a [`galera::sim::Cluster`].

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};

use galera::sim::{Cluster as Galera, Event, NodeSpec};
use galera::status::WsrepStatus;
use serde_json::{Value, json};
use tokio::sync::broadcast;

use deployer::{Environment, Plan, ROLE_LABEL};
use emulated_hub::{Change, FakeHub};

/// Field manager of the simulated KubeSlice controller and workers.
pub const KUBESLICE_MANAGER: &str = "kubeslice-controller";
/// Field manager of the simulated KubeDB operator and PetSet controller.
pub const KUBEDB_MANAGER: &str = "kubedb-provisioner";
/// Field manager of the simulated work agents.
pub const WORK_AGENT_MANAGER: &str = "work-agent";

/// One simulated spoke cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spoke {
    /// The managed cluster's name (its namespace on the hub).
    pub cluster: String,
    /// Whether its work agent returns JsonRaw feedback (`RawFeedbackJsonString`).
    pub raw_feedback: bool,
}

impl Spoke {
    /// The spokes of `env`'s managed clusters; `RawFeedbackJsonString` as their Klusterlet
    /// says (on when the input does not tell).
    pub fn of(env: &Environment) -> Vec<Spoke> {
        env.hub
            .managed_clusters
            .iter()
            .filter_map(|mc| mc.metadata.name.clone())
            .map(|cluster| Spoke {
                raw_feedback: env
                    .hub
                    .klusterlets
                    .get(&cluster)
                    .is_none_or(|k| k.raw_feedback_json_string()),
                cluster,
            })
            .collect()
    }
}

/// A pod of the database as the simulation runs it.
#[derive(Clone, Debug)]
struct Pod {
    ordinal: usize,
    name: String,
    cluster: String,
    ip: String,
}

struct Sim {
    hub: FakeHub,
    env: Environment,
    plan: Plan,
    spokes: BTreeMap<String, Spoke>,
    down: BTreeSet<String>,
    pods: Vec<Pod>,
    galera: Galera,
    /// Pods whose ManifestWork reached a live spoke.
    scheduled: BTreeSet<usize>,
    /// The last error a simulated controller met (it retries on the next change).
    last_error: Option<String>,
    /// Every pod was Ready once: from then on the operator reports Critical or NotReady
    /// instead of Provisioning.
    provisioned: bool,
    /// The MariaDB generation the operator last provisioned.
    provisioned_generation: Option<i64>,
}

/// The simulated controllers and spokes, reacting to the hub's changes on a background task
/// until dropped. Failure injection ([`World::kill`], [`World::partition`], ...) acts on the
/// Galera model and is reported through the hub as the real components would: pod feedback
/// in the ManifestWorks and the MariaDB phase.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use emulated_hub::FakeHub;
/// use simulated_clusters::{Spoke, World};
/// use deployer::{apply_plan, plan, wait_for_phase, ApplyOptions, Environment};
/// use kubedb_types::kubedb::v1::DatabasePhase;
/// let env = Environment::seed();
/// let plan = plan(&env).unwrap();
/// let hub = simulated_clusters::hub();
/// let world = World::start(&hub, &env, &plan, Spoke::of(&env));
/// apply_plan(&hub.client(), &plan, &ApplyOptions::default(), |_| {}).await.unwrap();
/// let wait = std::time::Duration::from_secs(10);
/// wait_for_phase(&hub.client(), "demo", "mariadb", DatabasePhase::Ready, wait, |_| {}).await.unwrap();
/// assert_eq!(world.wsrep("mariadb-1").unwrap().cluster_size, Some(3));
/// # });
/// ```
pub struct World {
    sim: Arc<Mutex<Sim>>,
    hub: FakeHub,
    processed: tokio::sync::watch::Receiver<u64>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for World {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sim = self.lock();
        f.debug_struct("World")
            .field("spokes", &sim.spokes.keys().collect::<Vec<_>>())
            .field("down", &sim.down)
            .finish()
    }
}

impl Drop for World {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl World {
    /// Seeds the hub with what exists before the walkthrough's Step 3 (the managed clusters
    /// with their namespaces) and starts reacting to its changes. `plan` tells the PetSet
    /// controller which ManifestWorks to create once the MariaDB appears. Call it inside a
    /// Tokio runtime: the components run on a task spawned there, aborted when the world is
    /// dropped.
    pub fn start(hub: &FakeHub, env: &Environment, plan: &Plan, spokes: Vec<Spoke>) -> World {
        let pods: Vec<Pod> = plan
            .placement
            .iter()
            .map(|p| {
                let ci = spokes
                    .iter()
                    .position(|s| s.cluster == p.cluster)
                    .unwrap_or(spokes.len());
                Pod {
                    ordinal: usize::try_from(p.ordinal).unwrap_or_default(),
                    name: p.pod.clone(),
                    cluster: p.cluster.clone(),
                    ip: format!("10.{}.0.{}", 244 + ci.min(11), 10 + p.ordinal),
                }
            })
            .collect();
        let size = pods.iter().map(|p| p.ordinal + 1).max().unwrap_or(0);
        let sim = Sim {
            hub: hub.clone(),
            env: env.clone(),
            plan: plan.clone(),
            spokes: spokes.into_iter().map(|s| (s.cluster.clone(), s)).collect(),
            down: BTreeSet::new(),
            pods,
            galera: Galera::new(vec![NodeSpec::default(); size]),
            scheduled: BTreeSet::new(),
            last_error: None,
            provisioned: false,
            provisioned_generation: None,
        };
        sim.seed();
        let sim = Arc::new(Mutex::new(sim));
        let mut rx = hub.subscribe();
        let shared = sim.clone();
        let (done, processed) = tokio::sync::watch::channel(hub.resource_version());
        let task = tokio::spawn(async move {
            loop {
                match rx.recv().await {
                    Ok(change) => {
                        let mut s = shared
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner);
                        s.react(&change);
                        drop(s);
                        done.send_replace(change.resource_version);
                    }
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(missed = n, "simulated world lagged behind the hub");
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                }
                tokio::task::yield_now().await;
            }
        });
        World {
            sim,
            hub: hub.clone(),
            processed,
            task,
        }
    }

    /// Resolves once the simulated components have reacted to every change on the hub
    /// (theirs included): nothing more happens until someone writes.
    pub async fn settled(&self) {
        let mut processed = self.processed.clone();
        loop {
            let now = self.hub.resource_version();
            if processed.wait_for(|rv| *rv >= now).await.is_err() {
                return;
            }
            if self.hub.resource_version() == now {
                return;
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, Sim> {
        self.sim
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The whole cluster goes dark: its pods' Galera nodes stop at the same moment, its work
    /// agent stops reporting (its ManifestWorks keep their last feedback) and its
    /// ManagedCluster turns `Unknown`. Pods elsewhere report what the survivors become.
    pub fn kill(&self, cluster: &str) {
        let mut sim = self.lock();
        if !sim.down.insert(cluster.to_owned()) {
            return;
        }
        let nodes: BTreeSet<usize> = sim
            .pods
            .iter()
            .filter(|p| p.cluster == cluster && sim.galera.is_running(p.ordinal))
            .map(|p| p.ordinal)
            .collect();
        sim.step(Event::Outage(nodes));
        sim.report_cluster(cluster);
        sim.report_all();
    }

    /// The cluster comes back: its pods start again and rejoin whoever they reach.
    pub fn revive(&self, cluster: &str) {
        let mut sim = self.lock();
        if !sim.down.remove(cluster) {
            return;
        }
        sim.report_cluster(cluster);
        let ordinals: Vec<usize> = sim
            .pods
            .iter()
            .filter(|p| p.cluster == cluster && sim.scheduled.contains(&p.ordinal))
            .map(|p| p.ordinal)
            .collect();
        for o in ordinals {
            sim.step(Event::Start(o));
        }
        sim.report_all();
    }

    /// Cuts the slice network between groups of clusters (clusters in no group form one more
    /// group); every agent still reaches the hub.
    pub fn partition(&self, groups: &[&[&str]]) {
        let mut sim = self.lock();
        let nodes: Vec<BTreeSet<usize>> = groups
            .iter()
            .map(|g| {
                sim.pods
                    .iter()
                    .filter(|p| g.contains(&p.cluster.as_str()))
                    .map(|p| p.ordinal)
                    .collect()
            })
            .collect();
        sim.step(Event::Partition(nodes));
        sim.report_all();
    }

    /// Reconnects every cluster.
    pub fn heal(&self) {
        let mut sim = self.lock();
        sim.step(Event::Heal);
        sim.report_all();
    }

    /// `SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'` on a pod, as an operator does
    /// to recover a non-primary survivor.
    pub fn pc_bootstrap(&self, pod: &str) {
        let mut sim = self.lock();
        if let Some(o) = sim.pods.iter().find(|p| p.name == pod).map(|p| p.ordinal) {
            sim.step(Event::PcBootstrap(o));
            sim.report_all();
        }
    }

    /// What `SHOW STATUS LIKE 'wsrep%'` would show on `pod` now (`None` while it is not
    /// running).
    pub fn wsrep(&self, pod: &str) -> Option<WsrepStatus> {
        let sim = self.lock();
        let p = sim.pods.iter().find(|p| p.name == pod)?;
        sim.wsrep_of(p.ordinal)
    }

    /// Every running pod's `wsrep%` status, for [`galera::health::assess`].
    pub fn wsrep_all(&self) -> Vec<(String, WsrepStatus)> {
        let sim = self.lock();
        sim.pods
            .iter()
            .filter_map(|p| Some((p.name.clone(), sim.wsrep_of(p.ordinal)?)))
            .collect()
    }

    /// The last error a simulated controller met, if any (they retry on the next change).
    pub fn last_error(&self) -> Option<String> {
        self.lock().last_error.clone()
    }
}

impl Sim {
    fn apply(&mut self, manager: &str, config: &Value, status: bool) {
        if let Err(e) = self.hub.apply(manager, config, status) {
            let what = format!(
                "{} {}: {e}",
                config["kind"].as_str().unwrap_or("?"),
                config["metadata"]["name"].as_str().unwrap_or("?")
            );
            tracing::warn!(%what, "simulated controller write refused");
            self.last_error = Some(what);
        }
    }

    fn step(&mut self, event: Event) {
        if let Err(e) = self.galera.step(event.clone()) {
            tracing::debug!(?event, error = %e, "galera model refused an event");
        }
    }

    /// The hub before Step 3: the KubeSlice controller's and KubeDB's namespaces (their
    /// charts create them), the hub's StorageClasses (`kubedb.storageClasses`, else one
    /// `standard` class), managed clusters joined and accepted, their namespaces.
    fn seed(&self) {
        let ks = &self.env.kubeslice;
        for name in [&ks.controller_namespace, &ks.operator_namespace] {
            let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
            if let Err(e) = self.hub.apply("helm", &ns, false) {
                tracing::warn!(error = %e, "seeding the fake hub");
            }
        }
        // The hub's storage classes: those the environment lists, else one default class.
        let classes = self
            .env
            .kubedb
            .storage_classes
            .clone()
            .unwrap_or_else(|| vec!["standard".to_owned()]);
        for class in classes {
            let sc = json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                "metadata": {"name": class}, "provisioner": "kubernetes.io/no-provisioner"});
            if let Err(e) = self.hub.apply("helm", &sc, false) {
                tracing::warn!(error = %e, "seeding the fake hub");
            }
        }
        for mc in &self.env.hub.managed_clusters {
            let Some(name) = mc.metadata.name.as_deref() else {
                continue;
            };
            let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
            let mut cluster = serde_json::to_value(mc).unwrap_or_default();
            if let Some(m) = cluster["metadata"].as_object_mut() {
                m.retain(|k, _| matches!(k.as_str(), "name" | "labels" | "annotations"));
            }
            let status = cluster.as_object_mut().and_then(|m| m.remove("status"));
            for (config, status) in [(ns, false), (cluster.clone(), false)] {
                if let Err(e) = self.hub.apply("clusteradm", &config, status) {
                    tracing::warn!(error = %e, "seeding the fake hub");
                }
            }
            if let Some(status) = status {
                let config = json!({"apiVersion": cluster["apiVersion"], "kind": "ManagedCluster",
                    "metadata": {"name": name}, "status": status});
                if let Err(e) = self.hub.apply("registration-controller", &config, true) {
                    tracing::warn!(error = %e, "seeding the fake hub");
                }
            }
        }
    }

    fn react(&mut self, change: &Change) {
        if change.kind == "DELETED" {
            return;
        }
        let o = &change.object;
        let name = o["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let ns = o["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        match (change.api_version.as_str(), change.object_kind.as_str()) {
            ("controller.kubeslice.io/v1alpha1", "Project") => {
                self.apply(
                    KUBESLICE_MANAGER,
                    &json!({"apiVersion": "v1", "kind": "Namespace",
                        "metadata": {"name": deployer::project_namespace(&name),
                                     "labels": {"kubeslice-project": name}}}),
                    false,
                );
            }
            ("controller.kubeslice.io/v1alpha1", "Cluster") => {
                let healthy = !self.down.contains(&name);
                self.apply(
                    KUBESLICE_MANAGER,
                    &json!({"apiVersion": change.api_version, "kind": "Cluster",
                        "metadata": {"name": name, "namespace": ns},
                        "status": {"registrationStatus": "Registered", "networkPresent": true,
                                   "clusterHealth": {"clusterHealthStatus": if healthy { "Normal" } else { "Warning" }}}}),
                    true,
                );
            }
            ("controller.kubeslice.io/v1alpha1", "SliceConfig") => {
                let clusters: Vec<String> = o["spec"]["clusters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|c| c.as_str().map(str::to_owned))
                    .collect();
                // The hub's own KubeSlice worker onboards (creates) the application
                // namespaces there.
                let spec: Option<kubeslice_types::controller::v1alpha1::SliceConfigSpec> =
                    serde_json::from_value(o["spec"].clone()).ok();
                let hub_name = self.env.hub.name.clone();
                let onboarded: Vec<String> = spec
                    .as_ref()
                    .map(|s| s.application_namespaces_on(&hub_name))
                    .unwrap_or_default()
                    .into_iter()
                    .map(str::to_owned)
                    .collect();
                for namespace in onboarded {
                    self.apply(
                        "kubeslice-worker",
                        &json!({"apiVersion": "v1", "kind": "Namespace",
                            "metadata": {"name": namespace, "labels": {"kubeslice.io/slice": name}}}),
                        false,
                    );
                }
                for cluster in clusters {
                    let worker_name = deployer::worker_slice_config_name(&name, &cluster);
                    let worker = json!({"apiVersion": "worker.kubeslice.io/v1alpha1", "kind": "WorkerSliceConfig",
                        "metadata": {"name": worker_name, "namespace": ns,
                            "labels": {"worker-cluster": cluster, "original-slice-name": name}},
                        "spec": {"sliceName": name, "sliceSubnet": o["spec"]["sliceSubnet"]}});
                    self.apply(KUBESLICE_MANAGER, &worker, false);
                    let mut status = worker.clone();
                    if let Some(m) = status.as_object_mut() {
                        m.remove("spec");
                    }
                    status["metadata"] = json!({"name": worker_name, "namespace": ns});
                    status["status"] = json!({"sliceHealth": {"sliceHealthStatus": "Normal"}});
                    self.apply("kubeslice-worker", &status, true);
                }
            }
            // Only a new generation (a spec change) needs provisioning; status writes do not.
            ("kubedb.com/v1", "MariaDB")
                if o["metadata"]["generation"].as_i64() != self.provisioned_generation =>
            {
                self.provisioned_generation = o["metadata"]["generation"].as_i64();
                self.provision(&ns, &name, o);
            }
            ("work.open-cluster-management.io/v1", "ManifestWork")
                if self.spokes.contains_key(&ns) && !self.down.contains(&ns) =>
            {
                self.agent(o);
            }
            _ => {}
        }
    }

    /// The KubeDB operator and PetSet controller: the auth secret, the phase and the works.
    fn provision(&mut self, ns: &str, name: &str, db: &Value) {
        if db["status"]["phase"].is_null() {
            self.publish_phase(ns, name, "Provisioning");
        }
        self.apply(
            KUBEDB_MANAGER,
            &json!({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/basic-auth",
                "metadata": {"name": format!("{name}-auth"), "namespace": ns},
                "stringData": {"username": "root", "password": "simulated"}}),
            false,
        );
        // KubeDB creates the PetSet from the MariaDB as stored; the PetSet webhook then checks
        // the policy's coverage of its ordinals, and a refusal stops provisioning.
        let petset = petset_of(ns, name, db);
        if let Err(e) = self.hub.apply(KUBEDB_MANAGER, &petset, false) {
            let what = format!("PetSet {ns}/{name}: {e}");
            tracing::warn!(%what, "simulated KubeDB operator could not create the PetSet");
            self.last_error = Some(what);
            return;
        }
        let works: Vec<Value> = self
            .plan
            .spokes
            .iter()
            .flat_map(|s| &s.works)
            .filter_map(|w| serde_json::to_value(w).ok())
            .collect();
        for w in works {
            self.apply(KUBEDB_MANAGER, &w, false);
        }
    }

    fn publish_phase(&mut self, ns: &str, name: &str, phase: &str) {
        self.apply(
            KUBEDB_MANAGER,
            &json!({"apiVersion": "kubedb.com/v1", "kind": "MariaDB",
                "metadata": {"name": name, "namespace": ns},
                "status": {"phase": phase}}),
            true,
        );
    }

    /// A work agent got a ManifestWork: pods it carries start (the first one bootstraps the
    /// Galera cluster), then every live agent reports.
    fn agent(&mut self, work: &Value) {
        let role = work["metadata"]["labels"][ROLE_LABEL].as_str();
        let pod_names: Vec<String> = work["spec"]["workload"]["manifests"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| m["kind"] == "Pod")
            .filter_map(|m| m["metadata"]["name"].as_str().map(str::to_owned))
            .collect();
        let mut started = false;
        for pod in &pod_names {
            let Some(o) = self.pods.iter().find(|p| &p.name == pod).map(|p| p.ordinal) else {
                continue;
            };
            if self.scheduled.insert(o) {
                let anyone = (0..self.pods.len()).any(|n| self.galera.is_running(n));
                self.step(if anyone {
                    Event::Start(o)
                } else {
                    Event::Bootstrap(o)
                });
                started = true;
            }
        }
        if started {
            self.report_all();
        } else if role != Some("pod") || pod_names.is_empty() {
            // A PVC work: applied and bound.
            self.report_work(work);
        } else if work["status"].is_null() {
            self.report_all();
        }
    }

    fn wsrep_of(&self, ordinal: usize) -> Option<WsrepStatus> {
        let p = self.galera.predict(ordinal)?;
        let on = |b: bool| if b { "ON" } else { "OFF" };
        let rows = [
            ("wsrep_cluster_status", p.cluster_status.to_string()),
            ("wsrep_cluster_size", p.size.to_string()),
            ("wsrep_cluster_weight", p.weight.to_string()),
            ("wsrep_local_state", p.local_state.code().to_string()),
            (
                "wsrep_local_state_comment",
                p.local_state.comment().to_owned(),
            ),
            ("wsrep_ready", on(p.ready).to_owned()),
            ("wsrep_connected", on(p.connected).to_owned()),
            ("wsrep_cluster_conf_id", p.conf_id.to_string()),
        ];
        WsrepStatus::from_pairs(rows).ok()
    }

    /// Status of one work as its (live) agent reports it.
    fn report_work(&mut self, work: &Value) {
        let cluster = work["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let Some(spoke) = self.spokes.get(&cluster).cloned() else {
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
            let pod = self
                .pods
                .iter()
                .find(|p| m["kind"] == "Pod" && m["metadata"]["name"] == p.name.as_str());
            if let Some(pod) = pod {
                let running = self.galera.is_running(pod.ordinal);
                let ready = self.galera.predict(pod.ordinal).is_some_and(|p| p.ready);
                let phase = if self.scheduled.contains(&pod.ordinal) {
                    "Running"
                } else {
                    "Pending"
                };
                let mut values = vec![
                    json!({"name": "PodPhase", "fieldValue": {"type": "String", "string": phase}}),
                    json!({"name": "PodIP", "fieldValue": {"type": "String", "string": pod.ip}}),
                ];
                if spoke.raw_feedback {
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
        self.apply(WORK_AGENT_MANAGER, &status, true);
    }

    /// Every live agent reports its pod works; then the operator judges the database.
    fn report_all(&mut self) {
        let works: Vec<Value> = self
            .hub
            .list("work.open-cluster-management.io/v1", "ManifestWork", None)
            .into_iter()
            .filter(|w| w["metadata"]["labels"][ROLE_LABEL] == "pod")
            .collect();
        for w in &works {
            self.report_work(w);
        }
        let db = &self.env.database;
        let (ns, name) = (db.namespace.clone(), db.name.clone());
        if self
            .hub
            .get("kubedb.com/v1", "MariaDB", Some(&ns), &name)
            .is_none()
        {
            return;
        }
        // The operator sees a pod Ready only through its JsonRaw feedback.
        let ready = |s: &Sim, p: &Pod| {
            s.galera.predict(p.ordinal).is_some_and(|p| p.ready)
                && s.spokes.get(&p.cluster).is_some_and(|k| k.raw_feedback)
        };
        let all = self.pods.iter().all(|p| ready(self, p));
        let some = self.pods.iter().any(|p| ready(self, p));
        self.provisioned |= all;
        let phase = if all {
            "Ready"
        } else if !self.provisioned {
            "Provisioning"
        } else if some {
            "Critical"
        } else {
            "NotReady"
        };
        self.publish_phase(&ns, &name, phase);
    }

    /// The ManagedCluster's availability as the registration controller sees it.
    fn report_cluster(&mut self, cluster: &str) {
        let available = if self.down.contains(cluster) {
            "Unknown"
        } else {
            "True"
        };
        let Some(mut mc) = self.hub.get(
            "cluster.open-cluster-management.io/v1",
            "ManagedCluster",
            None,
            cluster,
        ) else {
            return;
        };
        let mut conditions: Vec<Value> = mc["status"]["conditions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        conditions.retain(|c| c["type"] != "ManagedClusterConditionAvailable");
        conditions.push(json!({"type": "ManagedClusterConditionAvailable", "status": available,
            "reason": if available == "True" { "ManagedClusterAvailable" } else { "ManagedClusterLeaseUpdateStopped" },
            "message": "reported by the simulated registration controller",
            "lastTransitionTime": mc["metadata"]["creationTimestamp"]}));
        mc["status"]["conditions"] = Value::Array(conditions);
        let config = json!({"apiVersion": mc["apiVersion"], "kind": "ManagedCluster",
            "metadata": {"name": cluster}, "status": mc["status"].take()});
        self.apply("registration-controller", &config, true);
    }
}

/// The PetSet KubeDB's operator creates for a distributed MariaDB, from the object as the hub
/// stores it: the database's name and namespace, `replicas`, `distributed`, the governing
/// service `<db>-pods` and the referenced PlacementPolicy, which are the fields the PetSet
/// webhook reads (`petset@v0.0.11:pkg/webhooks/apps/v1/petset.go`). The operator's own
/// source is not public; the rest of the PetSet is left out.
fn petset_of(ns: &str, name: &str, db: &Value) -> Value {
    let labels = json!({"app.kubernetes.io/name": "mariadbs.kubedb.com",
        "app.kubernetes.io/instance": name, "app.kubernetes.io/managed-by": "kubedb.com"});
    let policy = db["spec"]["podTemplate"]["spec"]["podPlacementPolicy"]["name"]
        .as_str()
        .unwrap_or("default");
    json!({"apiVersion": "apps.k8s.appscode.com/v1", "kind": "PetSet",
    "metadata": {"name": name, "namespace": ns, "labels": labels},
    "spec": {
        "replicas": db["spec"]["replicas"].as_i64().unwrap_or(1),
        "distributed": db["spec"]["distributed"].as_bool().unwrap_or(false),
        "serviceName": format!("{name}-pods"),
        "podPlacementPolicy": {"name": policy},
        "selector": {"matchLabels": labels},
        "template": {"metadata": {"labels": labels},
            "spec": {"containers": [{"name": "mariadb"}]}}
    }})
}
