//! What runs behind a pod: the seam between the simulated controllers (which decide where a
//! pod runs and report it through the hub) and the database process inside it.
//!
//! The work agents call a [`PodRuntime`] when a pod's ManifestWork reaches a live cluster
//! ([`PodRuntime::start`]), when the work is deleted ([`PodRuntime::stop`]) and whenever they
//! report feedback ([`PodRuntime::state`]); failure injection on the [`World`](crate::World)
//! (losing a cluster, cutting the slice network, `pc.bootstrap`) reaches the runtime through
//! the remaining methods. The controllers never look behind this trait, so a runtime that runs
//! real `mariadbd` processes (one per pod, each on its overlay IP, in network namespaces
//! joined as the slice joins the clusters) can replace [`GaleraModel`] without touching them.
//!
//! The trait is synchronous: the world calls it from its reaction loop while it holds its own
//! state, one call at a time. A runtime that must wait for processes does so inside the call
//! (bounded), or starts them and lets [`PodRuntime::state`] report them as not ready until
//! they are; the world reads the state again on every change it reacts to.

use std::collections::BTreeSet;

use galera::sim::{Cluster, Event, NodeSpec};
use galera::status::WsrepStatus;
use serde_json::Value;

/// One pod as the work agent received it.
#[derive(Clone, Copy, Debug)]
pub struct ScheduledPod<'a> {
    /// The PetSet ordinal (`apps.kubernetes.io/pod-index`, else the name's last `-` part).
    pub ordinal: usize,
    /// The pod's name (`<petset>-<ordinal>`).
    pub name: &'a str,
    /// The managed cluster the pod runs on.
    pub cluster: &'a str,
    /// The pod's slice overlay IP (what KubeSlice labels it with, `kubeslice.io/nsmIP`, and
    /// the init script reads as `wsrep_node_address`).
    pub ip: &'a str,
    /// The Pod manifest as the ManifestWork carries it.
    pub manifest: &'a Value,
    /// The set's `spec.replicas` as the hub stores the PetSet when the pod starts (its pods are
    /// `<set>-0` up to `<set>-<replicas - 1>`: the peers a Galera node lists); 0 when the
    /// PetSet is not found.
    pub replicas: usize,
}

/// The overlay IP the simulated slice gives a pod when no runtime chooses one:
/// `10.<244 + cluster_index>.0.<10 + ordinal>` (the cluster's position in the spokes' order,
/// capped at 11, picks the subnet; the ordinal the host part).
///
/// ```
/// assert_eq!(simulated_clusters::model_pod_ip(1, 2), "10.245.0.12");
/// ```
pub fn model_pod_ip(cluster_index: usize, ordinal: usize) -> String {
    format!("10.{}.0.{}", 244 + cluster_index.min(11), 10 + ordinal)
}

/// What a pod reports, as the work agent's status feedback carries it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PodState {
    /// The database process runs (the container is up).
    pub running: bool,
    /// The pod's `Ready` condition: the readiness probe passes (for Galera: `wsrep_ready=ON`).
    pub ready: bool,
    /// What `SHOW STATUS LIKE 'wsrep%'` shows on it, while it runs.
    pub wsrep: Option<WsrepStatus>,
}

/// Why a runtime could not do what it was asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("pod {pod}: {reason}")]
pub struct PodError {
    /// The pod (its ordinal).
    pub pod: usize,
    /// What went wrong.
    pub reason: String,
}

/// What runs behind the pods of one database. Ordinals identify pods; a runtime keeps what it
/// needs (processes, data directories) per ordinal across stops and starts, as a pod's PVC
/// keeps its data.
pub trait PodRuntime: Send + 'static {
    /// The overlay IP of a pod its cluster's agent receives for the first time (before
    /// [`PodRuntime::start`]; `cluster_index` is the cluster's position in the spokes' order).
    /// The default is the simulated slice's [`model_pod_ip`]; a runtime that places pods on a
    /// network of its own returns the address it gave the pod there.
    ///
    /// # Errors
    /// When the runtime cannot place the pod (the world then falls back to [`model_pod_ip`]
    /// and reports the error as its last error).
    fn pod_ip(
        &mut self,
        ordinal: usize,
        name: &str,
        cluster: &str,
        cluster_index: usize,
        manifest: &Value,
    ) -> Result<String, PodError> {
        let _ = (name, cluster, manifest);
        Ok(model_pod_ip(cluster_index, ordinal))
    }

    /// Starts the pod's database. `bootstrap` is true when no other pod of the database runs:
    /// it then forms a new cluster (`--wsrep-new-cluster`), else it joins its peers.
    ///
    /// # Errors
    /// When the pod cannot be started (already running, no resources).
    fn start(&mut self, pod: ScheduledPod<'_>, bootstrap: bool) -> Result<(), PodError>;

    /// Stops the pod gracefully (its ManifestWork was deleted: the spoke deletes the pod).
    fn stop(&mut self, ordinal: usize);

    /// Several pods lose power at the same moment (a whole cluster goes dark): no graceful
    /// leave, their peers see one membership change.
    fn crash(&mut self, ordinals: &BTreeSet<usize>);

    /// The pod's state now.
    fn state(&self, ordinal: usize) -> PodState;

    /// Cuts the network between groups of pods (pods in no group form one more group).
    fn partition(&mut self, groups: &[BTreeSet<usize>]);

    /// Reconnects every pod.
    fn heal(&mut self);

    /// `SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'` on a pod.
    fn pc_bootstrap(&mut self, ordinal: usize);
}

/// The default runtime: every pod is a node of a [`galera::sim::Cluster`], the pure model of
/// Galera's membership; [`PodState::wsrep`] is the model's prediction
/// ([`galera::sim::Prediction::to_status`]) and a pod is ready when the model says
/// `wsrep_ready=ON`. Nodes are created as ordinals appear (the model is rebuilt by replaying
/// its events, which gives the same state: it is deterministic and stopped nodes take no part
/// in it).
#[derive(Clone, Debug, Default)]
pub struct GaleraModel {
    cluster: Option<Cluster>,
    events: Vec<Event>,
    nodes: usize,
}

impl GaleraModel {
    /// A model with no nodes yet.
    pub fn new() -> GaleraModel {
        GaleraModel::default()
    }

    fn ensure(&mut self, ordinal: usize) {
        if ordinal < self.nodes && self.cluster.is_some() {
            return;
        }
        let nodes = (ordinal + 1).max(self.nodes);
        let mut cluster = Cluster::new(vec![NodeSpec::default(); nodes]);
        for event in &self.events {
            // The events were accepted by the smaller model: they are accepted again.
            if let Err(e) = cluster.step(event.clone()) {
                tracing::warn!(?event, error = %e, "replaying the galera model");
            }
        }
        self.cluster = Some(cluster);
        self.nodes = nodes;
    }

    fn step(&mut self, event: Event) -> Result<(), galera::sim::SimError> {
        let cluster = match self.cluster.as_mut() {
            Some(c) => c,
            None => return Ok(()),
        };
        match cluster.step(event.clone()) {
            Ok(()) => {
                self.events.push(event);
                Ok(())
            }
            Err(e) => {
                tracing::debug!(?event, error = %e, "galera model refused an event");
                Err(e)
            }
        }
    }

    fn running(&self, ordinal: usize) -> bool {
        self.cluster
            .as_ref()
            .is_some_and(|c| ordinal < self.nodes && c.is_running(ordinal))
    }
}

impl PodRuntime for GaleraModel {
    fn start(&mut self, pod: ScheduledPod<'_>, bootstrap: bool) -> Result<(), PodError> {
        self.ensure(pod.ordinal);
        let event = if bootstrap {
            Event::Bootstrap(pod.ordinal)
        } else {
            Event::Start(pod.ordinal)
        };
        self.step(event).map_err(|e| PodError {
            pod: pod.ordinal,
            reason: e.to_string(),
        })
    }

    fn stop(&mut self, ordinal: usize) {
        if self.running(ordinal) {
            let _ = self.step(Event::Leave(ordinal));
        }
    }

    fn crash(&mut self, ordinals: &BTreeSet<usize>) {
        let running: BTreeSet<usize> = ordinals
            .iter()
            .copied()
            .filter(|&o| self.running(o))
            .collect();
        if !running.is_empty() {
            let _ = self.step(Event::Outage(running));
        }
    }

    fn state(&self, ordinal: usize) -> PodState {
        let prediction = self
            .cluster
            .as_ref()
            .filter(|_| ordinal < self.nodes)
            .and_then(|c| c.predict(ordinal));
        PodState {
            running: self.running(ordinal),
            ready: prediction.as_ref().is_some_and(|p| p.ready),
            wsrep: prediction.map(|p| p.to_status()),
        }
    }

    fn partition(&mut self, groups: &[BTreeSet<usize>]) {
        if let Some(max) = groups.iter().flatten().max() {
            self.ensure(*max);
        }
        let _ = self.step(Event::Partition(groups.to_vec()));
    }

    fn heal(&mut self) {
        let _ = self.step(Event::Heal);
    }

    fn pc_bootstrap(&mut self, ordinal: usize) {
        if self.running(ordinal) {
            let _ = self.step(Event::PcBootstrap(ordinal));
        }
    }
}
