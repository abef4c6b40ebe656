//! Simulated controllers and spokes behind a [`FakeHub`]: the KubeSlice controller and
//! workers, the KubeDB provisioner, the PetSet controller, and one OCM work agent per cluster
//! whose pods run on a [`PodRuntime`] (by default [`GaleraModel`]).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};

use galera::status::WsrepStatus;
use kubedb_types::apps::v1::{PlacementPolicy, ROLE_LABEL, ROLE_POD};
use kubedb_types::release::Release;
use serde_json::{Value, json};
use tokio::sync::broadcast;

use deployer::Environment;
use emulated_hub::{Change, FakeHub};

use crate::pods::{GaleraModel, PodRuntime, ScheduledPod};
use crate::{kubedb, petset};

/// Field manager of the simulated KubeSlice controller and workers.
pub const KUBESLICE_MANAGER: &str = "kubeslice-controller";
/// Field manager of the simulated KubeDB provisioner.
pub const KUBEDB_MANAGER: &str = "kubedb-provisioner";
/// Field manager of the simulated PetSet controller (kubeops' PetSet runs inside the KubeDB
/// operator's deployment and writes with its client).
pub const PETSET_MANAGER: &str = KUBEDB_MANAGER;
/// Field manager of the simulated work agents.
pub const WORK_AGENT_MANAGER: &str = "work-agent";

const WORK: (&str, &str) = ("work.open-cluster-management.io/v1", "ManifestWork");
const PETSET: (&str, &str) = ("apps.k8s.appscode.com/v1", "PetSet");
const POLICY: (&str, &str) = ("apps.k8s.appscode.com/v1", "PlacementPolicy");

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

/// A pod of the database as a work agent received it.
#[derive(Clone, Debug)]
struct Pod {
    ordinal: usize,
    name: String,
    cluster: String,
    ip: String,
    manifest: Value,
    /// The agent started it on its runtime.
    scheduled: bool,
}

struct Sim {
    hub: FakeHub,
    env: Environment,
    release: Release,
    /// Spokes in the order given (a spoke's position picks its pods' overlay subnet).
    order: Vec<String>,
    spokes: BTreeMap<String, Spoke>,
    down: BTreeSet<String>,
    /// Pods by ordinal, as the agents received them from their works.
    pods: BTreeMap<usize, Pod>,
    runtime: Box<dyn PodRuntime>,
    /// The last error a simulated controller met (it retries on the next change).
    last_error: Option<String>,
    /// Every pod was Ready once: from then on the operator reports Critical or NotReady
    /// instead of Provisioning.
    provisioned: bool,
    /// The MariaDB generation the operator last provisioned.
    provisioned_generation: Option<i64>,
}

/// The simulated controllers and spokes, reacting to the hub's changes on a background task
/// until dropped. They read only what the hub stores: the KubeDB provisioner builds the
/// PetSet from the stored MariaDB, the PetSet controller builds each ordinal's pod and claim
/// ManifestWorks from the stored PetSet and PlacementPolicy, and the agents start the pods
/// their works carry. Failure injection ([`World::kill`], [`World::partition`], ...) acts on
/// the pods' runtime and is reported through the hub as the real components would: pod
/// feedback in the ManifestWorks and the MariaDB phase.
///
/// A world runs one database, the environment's: another MariaDB on the hub is not
/// provisioned, and [`World::last_error`] says so. Serve the environment's release on the hub
/// ([`crate::hub_for`]): with the newest release's shapes a v2025.7.31 policy loses `spec.ocm`.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use simulated_clusters::{Spoke, World};
/// use deployer::{apply_plan, plan, wait_for_phase, ApplyOptions, Environment};
/// use kubedb_types::kubedb::v1::DatabasePhase;
/// let env = Environment::seed();
/// // The release's CRDs: the PetSet controller reads the policy shape the release serves.
/// let hub = simulated_clusters::hub_for(env.kubedb.release);
/// let world = World::start(&hub, &env, Spoke::of(&env));
/// let plan = plan(&env).unwrap();
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
            .field("spokes", &sim.order)
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
    /// Seeds the hub with what exists before the walkthrough's Step 3 (see the crate doc)
    /// and starts reacting to its changes, with [`GaleraModel`] pods. The components act for
    /// the KubeDB release the environment names (`kubedb.release`): its PetSet controller
    /// reads that release's PlacementPolicy shape. Call it inside a Tokio runtime: the
    /// components run on a task spawned there, aborted when the world is dropped.
    pub fn start(hub: &FakeHub, env: &Environment, spokes: Vec<Spoke>) -> World {
        World::start_with(hub, env, spokes, GaleraModel::new())
    }

    /// [`World::start`] with another [`PodRuntime`] behind the pods.
    pub fn start_with(
        hub: &FakeHub,
        env: &Environment,
        spokes: Vec<Spoke>,
        runtime: impl PodRuntime,
    ) -> World {
        let sim = Sim {
            hub: hub.clone(),
            env: env.clone(),
            release: env.kubedb.release,
            order: spokes.iter().map(|s| s.cluster.clone()).collect(),
            spokes: spokes.into_iter().map(|s| (s.cluster.clone(), s)).collect(),
            down: BTreeSet::new(),
            pods: BTreeMap::new(),
            runtime: Box::new(runtime),
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

    /// Reads every pod's state from the runtime again and reports what changed: the live
    /// agents' pod feedback and the MariaDB phase. The world reads pod states when the hub
    /// changes; a runtime whose pods change on their own (a real server that finishes joining,
    /// or notices a partition, seconds after the event) needs this called, once or on a
    /// timer, for the hub to see it. The model's pods change only on events, so it never
    /// needs it.
    pub fn refresh(&self) {
        self.lock().report_all();
    }

    fn lock(&self) -> MutexGuard<'_, Sim> {
        self.sim
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The whole cluster goes dark: its pods stop at the same moment, its work agent stops
    /// reporting (its ManifestWorks keep their last feedback) and its ManagedCluster turns
    /// `Unknown`. Pods elsewhere report what the survivors become.
    pub fn kill(&self, cluster: &str) {
        let mut sim = self.lock();
        if !sim.down.insert(cluster.to_owned()) {
            return;
        }
        let ordinals: BTreeSet<usize> = sim
            .pods
            .values()
            .filter(|p| p.cluster == cluster)
            .map(|p| p.ordinal)
            .collect();
        sim.runtime.crash(&ordinals);
        sim.report_cluster(cluster);
        sim.report_all();
    }

    /// The cluster comes back: its pods start again and rejoin whoever they reach, and its
    /// agent catches up with the works it missed.
    pub fn revive(&self, cluster: &str) {
        let mut sim = self.lock();
        if !sim.down.remove(cluster) {
            return;
        }
        sim.report_cluster(cluster);
        let pods: Vec<Pod> = sim
            .pods
            .values()
            .filter(|p| p.cluster == cluster && p.scheduled)
            .cloned()
            .collect();
        for p in pods {
            sim.start(&p, false);
        }
        sim.report_all();
    }

    /// Cuts the slice network between groups of clusters (clusters in no group form one more
    /// group); every agent still reaches the hub.
    pub fn partition(&self, groups: &[&[&str]]) {
        let mut sim = self.lock();
        let ordinals: Vec<BTreeSet<usize>> = groups
            .iter()
            .map(|g| {
                sim.pods
                    .values()
                    .filter(|p| g.contains(&p.cluster.as_str()))
                    .map(|p| p.ordinal)
                    .collect()
            })
            .collect();
        sim.runtime.partition(&ordinals);
        sim.report_all();
    }

    /// Reconnects every cluster.
    pub fn heal(&self) {
        let mut sim = self.lock();
        sim.runtime.heal();
        sim.report_all();
    }

    /// `SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'` on a pod, as an operator does
    /// to recover a non-primary survivor.
    pub fn pc_bootstrap(&self, pod: &str) {
        let mut sim = self.lock();
        if let Some(o) = sim.pod(pod).map(|p| p.ordinal) {
            sim.runtime.pc_bootstrap(o);
            sim.report_all();
        }
    }

    /// What `SHOW STATUS LIKE 'wsrep%'` would show on `pod` now (`None` while it is not
    /// running or no agent received it).
    pub fn wsrep(&self, pod: &str) -> Option<WsrepStatus> {
        let sim = self.lock();
        let p = sim.pod(pod)?;
        sim.runtime.state(p.ordinal).wsrep
    }

    /// Every running pod's `wsrep%` status in ordinal order, for [`galera::health::assess`].
    pub fn wsrep_all(&self) -> Vec<(String, WsrepStatus)> {
        let sim = self.lock();
        sim.pods
            .values()
            .filter_map(|p| Some((p.name.clone(), sim.runtime.state(p.ordinal).wsrep?)))
            .collect()
    }

    /// The pods the agents run, as `(pod, cluster, overlay IP)` in ordinal order.
    pub fn pods(&self) -> Vec<(String, String, String)> {
        self.lock()
            .pods
            .values()
            .map(|p| (p.name.clone(), p.cluster.clone(), p.ip.clone()))
            .collect()
    }

    /// A cluster joins the hub while the world runs: `mc` is seeded as [`World::start`] seeds
    /// the environment's (its namespace, the accepted ManagedCluster and its status) and
    /// `spoke`'s work agent starts (its pods get the overlay subnet of the next position).
    pub fn add_spoke(&self, spoke: Spoke, mc: &ocm_types::cluster::v1::ManagedCluster) {
        let mut sim = self.lock();
        if !sim.spokes.contains_key(&spoke.cluster) {
            sim.order.push(spoke.cluster.clone());
        }
        sim.spokes.insert(spoke.cluster.clone(), spoke);
        sim.seed_cluster(mc);
    }

    /// The `wsrep%` status of the named pods that run (for `deployer::apply_day2`'s reader).
    pub fn wsrep_of(&self, pods: &[String]) -> BTreeMap<String, WsrepStatus> {
        crate::ops::wsrep_of(self.wsrep_all(), pods)
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

    fn fail(&mut self, what: String) {
        tracing::warn!(%what, "simulated controller error");
        self.last_error = Some(what);
    }

    fn pod(&self, name: &str) -> Option<&Pod> {
        self.pods.values().find(|p| p.name == name)
    }

    fn start(&mut self, pod: &Pod, bootstrap: bool) {
        // The set's size as stored: the PetSet named by the pod's name in its namespace.
        let replicas = pod
            .name
            .rsplit_once('-')
            .and_then(|(set, _)| {
                let ns = pod.manifest["metadata"]["namespace"].as_str();
                self.hub.get(PETSET.0, PETSET.1, ns, set)
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

    /// The hub before Step 3: the KubeSlice controller's and KubeDB's namespaces (their
    /// charts create them), the hub's StorageClasses (`kubedb.storageClasses`, else one
    /// `standard` class), managed clusters joined and accepted, their namespaces, and the
    /// environment's MariaDBVersion when it gives one.
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
            self.seed_cluster(mc);
        }
        self.seed_version();
    }

    /// A managed cluster joined and accepted, as `clusteradm` leaves it: its namespace, the
    /// ManagedCluster (labels and annotations) and its status as the environment gives it.
    fn seed_cluster(&self, mc: &ocm_types::cluster::v1::ManagedCluster) {
        let Some(name) = mc.metadata.name.as_deref() else {
            return;
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

    fn seed_version(&self) {
        // The MariaDBVersion the environment names, as KubeDB's catalog chart installs it
        // (the release catalog's TSV has no coordinator image, so no others are seeded).
        if let Some(version) = &self.env.database.mariadb_version {
            let mut v = serde_json::to_value(version).unwrap_or_default();
            if let Some(m) = v["metadata"].as_object_mut() {
                m.retain(|k, _| matches!(k.as_str(), "name" | "labels" | "annotations"));
            }
            if self
                .hub
                .serves("catalog.kubedb.com/v1alpha1", "MariaDBVersion")
                && let Err(e) = self.hub.apply("helm", &v, false)
            {
                tracing::warn!(error = %e, "seeding the fake hub");
            }
        }
    }

    fn react(&mut self, change: &Change) {
        let o = &change.object;
        let name = o["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let ns = o["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let kind = (change.api_version.as_str(), change.object_kind.as_str());
        if change.kind == "DELETED" {
            if kind == WORK && o["metadata"]["labels"][ROLE_LABEL] == ROLE_POD {
                self.removed(o);
                self.reconcile_all();
                self.run_ops();
            } else if kind == crate::ops::OPS {
                // A deleted request no longer holds the database's queue.
                self.run_ops();
            }
            return;
        }
        match kind {
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
            // The world runs the environment's one database; another MariaDB on the hub is
            // left alone, and said so, rather than mixed into the same pods.
            ("kubedb.com/v1", "MariaDB")
                if (ns.as_str(), name.as_str())
                    != (
                        self.env.database.namespace.as_str(),
                        self.env.database.name.as_str(),
                    ) =>
            {
                let what = format!(
                    "MariaDB {ns}/{name}: not provisioned: the simulated world runs one database, the environment's ({}/{}); use a hub per database",
                    self.env.database.namespace, self.env.database.name
                );
                tracing::warn!(%what, "simulated KubeDB operator");
                self.last_error = Some(what);
            }
            ("kubedb.com/v1", "MariaDB")
                if o["metadata"]["generation"].as_i64() != self.provisioned_generation =>
            {
                self.provisioned_generation = o["metadata"]["generation"].as_i64();
                self.provision(&ns, &name, o);
            }
            PETSET => self.reconcile(o),
            POLICY => self.reconcile_all(),
            WORK if self.spokes.contains_key(&ns) && !self.down.contains(&ns) => {
                self.agent(o);
            }
            _ => {}
        }
        self.run_ops();
    }

    /// The ops-manager's pass ([`crate::ops`]): it ends the HorizontalScaling request whose
    /// member count is reached, then queues, skips or starts the database's requests.
    fn run_ops(&mut self) {
        let db = &self.env.database;
        let (ns, name) = (db.namespace.clone(), db.name.clone());
        let replicas = self
            .hub
            .get(PETSET.0, PETSET.1, Some(&ns), &name)
            .and_then(|s| s["spec"]["replicas"].as_u64());
        let converged = |member: usize| {
            replicas == Some(member as u64)
                && self.pods.keys().copied().eq(0..member)
                && (0..member).all(|o| {
                    let s = self.runtime.state(o);
                    s.ready && s.wsrep.and_then(|w| w.cluster_size) == Some(member as u64)
                })
        };
        if let Err(e) = crate::ops::reconcile(&self.hub, (&ns, &name), converged) {
            self.fail(format!("MariaDBOpsRequest: {e}"));
        }
    }

    /// The KubeDB provisioner: the auth secret, the phase and the PetSet, built from the
    /// MariaDB as stored and the MariaDBVersion it names (when the hub has it).
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
        let version = db["spec"]["version"].as_str().and_then(|v| {
            self.hub
                .get("catalog.kubedb.com/v1alpha1", "MariaDBVersion", None, v)
        });
        // The PetSet webhook then checks the policy's coverage of its ordinals, and a
        // refusal stops provisioning.
        let petset = kubedb::petset_of(db, version.as_ref());
        if let Err(e) = self.hub.apply(KUBEDB_MANAGER, &petset, false) {
            self.fail(format!("PetSet {ns}/{name}: {e}"));
        }
    }

    fn reconcile_all(&mut self) {
        for set in self.hub.list(PETSET.0, PETSET.1, None) {
            self.reconcile(&set);
        }
    }

    /// The PetSet controller's sync of a distributed set (`petset@v0.0.11:pkg/controller/
    /// petset/pet_set_control.go`, `updatePetSet`): the pods are the Pod manifests of the
    /// ManifestWorks its selector matches, in any cluster namespace (`ListPodsManifestWork`);
    /// every missing ordinal below `spec.replicas` gets its claims' works (unless a work of
    /// that name exists in the cluster the policy names now, `GetClaimFromManifestWork`) and
    /// then its pod's work, in the cluster the stored PlacementPolicy maps it to (an unmapped
    /// ordinal is an error and gets nothing); ordinals at or above `spec.replicas` are
    /// condemned and their pod works deleted, highest first; claim works are never deleted.
    /// A pod whose ordinal the policy now maps elsewhere stays where it runs: PetSet moves it
    /// only when it recreates it (after its work is deleted). Pods are created and deleted in
    /// one pass (as with `podManagementPolicy: Parallel`; under `OrderedReady` PetSet waits for
    /// each to be Ready before the next); template changes do not roll pods.
    fn reconcile(&mut self, set: &Value) {
        if set["spec"]["distributed"].as_bool() != Some(true) {
            return;
        }
        let set_ns = set["metadata"]["namespace"].as_str().unwrap_or_default();
        let set_name = set["metadata"]["name"].as_str().unwrap_or_default();
        let what = format!("PetSet {set_ns}/{set_name}");
        let selector = set["spec"]["selector"]["matchLabels"].clone();
        let selected = |w: &Value| {
            selector
                .as_object()
                .is_some_and(|m| m.iter().all(|(k, v)| w["metadata"]["labels"][k] == *v))
        };
        let works: Vec<Value> = self
            .hub
            .list(WORK.0, WORK.1, None)
            .into_iter()
            .filter(|w| selected(w))
            .collect();
        let mut existing: BTreeMap<i32, (String, String)> = BTreeMap::new();
        for w in &works {
            for m in w["spec"]["workload"]["manifests"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let pod = m["metadata"]["name"].as_str().unwrap_or_default();
                if m["kind"] == "Pod"
                    && let Some(o) = pod
                        .strip_prefix(set_name)
                        .and_then(|rest| rest.strip_prefix('-'))
                        .and_then(|o| o.parse::<i32>().ok())
                {
                    let ns = w["metadata"]["namespace"].as_str().unwrap_or_default();
                    let work = w["metadata"]["name"].as_str().unwrap_or_default();
                    existing.insert(o, (ns.to_owned(), work.to_owned()));
                }
            }
        }
        let replicas = set["spec"]["replicas"]
            .as_i64()
            .unwrap_or(1)
            .clamp(0, i64::from(i32::MAX)) as i32;
        let policy_name = set["spec"]["podPlacementPolicy"]["name"]
            .as_str()
            .unwrap_or_default();
        let policy: Option<PlacementPolicy> = self
            .hub
            .get(POLICY.0, POLICY.1, None, policy_name)
            .and_then(|p| serde_json::from_value(p).ok());
        let missing: Vec<i32> = (0..replicas)
            .filter(|o| !existing.contains_key(o))
            .collect();
        if !missing.is_empty() {
            let Some(policy) = policy else {
                self.fail(format!("{what}: placementpolicy {policy_name:?} not found"));
                return;
            };
            let mapping = petset::mapping(&policy, self.release);
            for o in missing {
                let cluster = match mapping.cluster(o) {
                    Ok(c) => c.to_owned(),
                    Err(_) => {
                        self.fail(format!(
                            "{what}: {} annotation is empty for pod {set_name}-{o}",
                            kubedb_types::apps::v1::CLUSTER_NAME_ANNOTATION
                        ));
                        continue;
                    }
                };
                let templates: Vec<Value> = set["spec"]["volumeClaimTemplates"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                for t in &templates {
                    let claim =
                        petset::claim(set, t, o, &cluster, mapping.storage_class(o), self.release);
                    let claim_name = claim["metadata"]["name"].as_str().unwrap_or_default();
                    if self
                        .hub
                        .get(WORK.0, WORK.1, Some(&cluster), claim_name)
                        .is_none()
                    {
                        let work = petset::claim_work(&claim, &cluster, self.release);
                        self.apply_work(&work);
                    }
                }
                let pod = petset::pod(set, &policy, o, &cluster, self.release);
                let work = petset::pod_work(&pod, &cluster, self.release);
                self.apply_work(&work);
            }
        }
        let condemned: Vec<(String, String)> = existing
            .range(replicas..)
            .rev()
            .map(|(_, w)| w.clone())
            .collect();
        for (ns, work) in condemned {
            self.hub.delete(WORK.0, WORK.1, Some(&ns), &work);
        }
    }

    fn apply_work(&mut self, work: &ocm_types::work::v1::ManifestWork) {
        match serde_json::to_value(work) {
            Ok(w) => self.apply(PETSET_MANAGER, &w, false),
            Err(e) => self.fail(format!("ManifestWork: {e}")),
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
    fn receive(&mut self, work: &Value) -> bool {
        let cluster = work["metadata"]["namespace"].as_str().unwrap_or_default();
        if !self.spokes.contains_key(cluster) || self.down.contains(cluster) {
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
                        self.fail(format!("pod {name} on {cluster}: {e}"));
                        crate::pods::model_pod_ip(ci, ordinal)
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
                self.start(&pod, !anyone);
                if let Some(p) = self.pods.get_mut(&ordinal) {
                    p.scheduled = true;
                }
                started = true;
            }
        }
        started
    }

    /// A pod work was deleted: its agent deletes the pod.
    fn removed(&mut self, work: &Value) {
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
        self.report_all();
    }

    /// A work agent got a ManifestWork: pods it carries start, then every live agent reports
    /// (a claim work is reported applied and bound).
    fn agent(&mut self, work: &Value) {
        let carries_pods = !Self::pods_of(work).is_empty();
        if self.receive(work) {
            self.report_all();
        } else if work["metadata"]["labels"][ROLE_LABEL] != ROLE_POD || !carries_pods {
            self.report_work(work);
        } else if work["status"].is_null() {
            self.report_all();
        }
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

    /// Every live agent applies and reports its pod works; then the operator judges the
    /// database: Ready when every ordinal below the PetSet's replicas runs Ready (seen through
    /// its JsonRaw feedback), else Provisioning until that happened once, then Critical while
    /// some pod is Ready and NotReady when none is.
    fn report_all(&mut self) {
        let works: Vec<Value> = self
            .hub
            .list(WORK.0, WORK.1, None)
            .into_iter()
            .filter(|w| w["metadata"]["labels"][ROLE_LABEL] == ROLE_POD)
            .collect();
        for w in &works {
            self.receive(w);
        }
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
        let replicas = self
            .hub
            .get(PETSET.0, PETSET.1, Some(&ns), &name)
            .and_then(|s| s["spec"]["replicas"].as_u64())
            .unwrap_or(0) as usize;
        // The operator sees a pod Ready only through its JsonRaw feedback.
        let ready = |s: &Sim, o: usize| {
            s.pods.get(&o).is_some_and(|p| {
                s.runtime.state(o).ready && s.spokes.get(&p.cluster).is_some_and(|k| k.raw_feedback)
            })
        };
        let all = replicas > 0 && (0..replicas).all(|o| ready(self, o));
        let some = (0..replicas).any(|o| ready(self, o));
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
