//! The simulated world behind a [`FakeHub`]: [`World`] holds the state of its controllers and
//! spokes and dispatches every change on the hub to the controller that watches its kind: the
//! KubeSlice controller and workers ([`crate::kubeslice`]), the KubeDB provisioner
//! ([`crate::provisioner`]), the PetSet controller ([`crate::petset_controller`]), the
//! ops-manager ([`crate::ops`]), one OCM work agent per cluster ([`crate::agents`]) whose pods
//! run on a [`PodRuntime`] (by default [`GaleraModel`]), and the registration controller
//! ([`crate::registration`]). The controllers are told what they need; none of them knows the
//! world.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};

use galera::status::WsrepStatus;
use kubedb_types::apps::v1::{ROLE_LABEL, ROLE_POD};
use kubedb_types::release::Release;
use tokio::sync::broadcast;

use deployer::Environment;
use emulated_hub::{Change, FakeHub};

use crate::agents::Agents;
use crate::pods::{GaleraModel, PodRuntime};
use crate::provisioner::Provisioner;
use crate::writer::{PETSET, POLICY, WORK, Writer};
use crate::{kubeslice, ops, petset_controller, registration, seed};

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

/// The controllers' state, behind the world's lock.
struct Sim {
    /// The hub they write through and the last error any met.
    out: Writer,
    env: Environment,
    release: Release,
    agents: Agents,
    provisioner: Provisioner,
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
/// [`crate::harness::Deployed`] does the set-up below in one call.
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
            .field("spokes", &sim.agents.order)
            .field("down", &sim.agents.down)
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
        let db = &env.database;
        let sim = Sim {
            out: Writer::new(hub.clone()),
            env: env.clone(),
            release: env.kubedb.release,
            agents: Agents::new(
                spokes.into_iter().map(|s| (s.cluster, s.raw_feedback)),
                Box::new(runtime),
            ),
            provisioner: Provisioner::new(&db.namespace, &db.name),
        };
        seed::seed(hub, env);
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
        if !sim.agents.down.insert(cluster.to_owned()) {
            return;
        }
        let ordinals = sim.agents.ordinals_on(cluster);
        sim.agents.runtime.crash(&ordinals);
        sim.report_cluster(cluster);
        sim.report_all();
    }

    /// The cluster comes back: its pods start again and rejoin whoever they reach, and its
    /// agent catches up with the works it missed.
    pub fn revive(&self, cluster: &str) {
        let mut sim = self.lock();
        if !sim.agents.down.remove(cluster) {
            return;
        }
        sim.report_cluster(cluster);
        let Sim { out, agents, .. } = &mut *sim;
        agents.restart(out, cluster);
        sim.report_all();
    }

    /// Cuts the slice network between groups of clusters (clusters in no group form one more
    /// group); every agent still reaches the hub.
    pub fn partition(&self, groups: &[&[&str]]) {
        let mut sim = self.lock();
        let ordinals: Vec<BTreeSet<usize>> = groups
            .iter()
            .map(|g| {
                sim.agents
                    .pods
                    .values()
                    .filter(|p| g.contains(&p.cluster.as_str()))
                    .map(|p| p.ordinal)
                    .collect()
            })
            .collect();
        sim.agents.runtime.partition(&ordinals);
        sim.report_all();
    }

    /// Reconnects every cluster.
    pub fn heal(&self) {
        let mut sim = self.lock();
        sim.agents.runtime.heal();
        sim.report_all();
    }

    /// `SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'` on a pod, as an operator does
    /// to recover a non-primary survivor.
    pub fn pc_bootstrap(&self, pod: &str) {
        let mut sim = self.lock();
        if let Some(o) = sim.agents.pod(pod).map(|p| p.ordinal) {
            sim.agents.runtime.pc_bootstrap(o);
            sim.report_all();
        }
    }

    /// What `SHOW STATUS LIKE 'wsrep%'` would show on `pod` now (`None` while it is not
    /// running or no agent received it).
    pub fn wsrep(&self, pod: &str) -> Option<WsrepStatus> {
        let sim = self.lock();
        let p = sim.agents.pod(pod)?;
        sim.agents.runtime.state(p.ordinal).wsrep
    }

    /// Every running pod's `wsrep%` status in ordinal order, for [`galera::health::assess`].
    pub fn wsrep_all(&self) -> Vec<(String, WsrepStatus)> {
        let sim = self.lock();
        let agents = &sim.agents;
        agents
            .pods
            .values()
            .filter_map(|p| Some((p.name.clone(), agents.runtime.state(p.ordinal).wsrep?)))
            .collect()
    }

    /// The pods the agents run, as `(pod, cluster, overlay IP)` in ordinal order.
    pub fn pods(&self) -> Vec<(String, String, String)> {
        self.lock()
            .agents
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
        sim.agents.add(spoke.cluster, spoke.raw_feedback);
        registration::join(&sim.out.hub, mc);
    }

    /// The `wsrep%` status of the named pods that run (for `deployer::apply_day2`'s reader).
    pub fn wsrep_of(&self, pods: &[String]) -> BTreeMap<String, WsrepStatus> {
        ops::wsrep_of(self.wsrep_all(), pods)
    }

    /// The last error a simulated controller met, if any (they retry on the next change).
    pub fn last_error(&self) -> Option<String> {
        self.lock().out.last_error.clone()
    }
}

/// The simulated pods' `wsrep%` status, as the day-2 planner and the runner read a real
/// cluster's (`deployer::WsrepReader`): pods not running are left out.
impl deployer::WsrepReader for World {
    fn read<'a>(
        &'a self,
        pods: &'a [deployer::PodRow],
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = BTreeMap<String, WsrepStatus>> + Send + 'a>,
    > {
        let names: Vec<String> = pods.iter().map(|r| r.pod.clone()).collect();
        let status = self.wsrep_of(&names);
        Box::pin(async move { status })
    }
}

impl Sim {
    /// One change on the hub, dispatched to the controllers that watch its kind; then the
    /// ops-manager's pass.
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
                self.agents.removed(o);
                self.report_all();
                petset_controller::reconcile_all(&mut self.out, self.release);
                self.run_ops();
            } else if kind == ops::OPS {
                // A deleted request no longer holds the database's queue.
                self.run_ops();
            }
            return;
        }
        match kind {
            ("controller.kubeslice.io/v1alpha1", "Project") => {
                kubeslice::project(&mut self.out, &name);
            }
            ("controller.kubeslice.io/v1alpha1", "Cluster") => {
                kubeslice::cluster(
                    &mut self.out,
                    &change.api_version,
                    (&ns, &name),
                    &self.agents.down,
                );
            }
            ("controller.kubeslice.io/v1alpha1", "SliceConfig") => {
                kubeslice::slice_config(&mut self.out, o, &self.env.hub.name);
            }
            ("kubedb.com/v1", "MariaDB") => {
                self.provisioner.mariadb(&mut self.out, (&ns, &name), o);
            }
            PETSET => petset_controller::reconcile(&mut self.out, o, self.release),
            POLICY => petset_controller::reconcile_all(&mut self.out, self.release),
            WORK if self.agents.live(&ns) => {
                // Every live agent reports when a pod started or a pod work has no status yet.
                let report_all = self.agents.received(&mut self.out, o);
                if report_all {
                    self.report_all();
                }
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
            .out
            .hub
            .get(PETSET.0, PETSET.1, Some(&ns), &name)
            .and_then(|s| s["spec"]["replicas"].as_u64());
        let agents = &self.agents;
        let converged = |member: usize| replicas == Some(member as u64) && agents.converged(member);
        if let Err(e) = ops::reconcile(&self.out.hub, (&ns, &name), converged) {
            self.out.fail(format!("MariaDBOpsRequest: {e}"));
        }
    }

    /// Every live agent applies and reports its pod works; then the operator judges the
    /// database ([`Provisioner::judge`]) by the Ready feedback it sees.
    fn report_all(&mut self) {
        self.agents.report_pods(&mut self.out);
        let agents = &self.agents;
        self.provisioner
            .judge(&mut self.out, |o| agents.reports_ready(o));
    }

    /// The ManagedCluster's availability as the registration controller sees it.
    fn report_cluster(&mut self, cluster: &str) {
        let up = !self.agents.down.contains(cluster);
        registration::report(&mut self.out, cluster, up);
    }
}
