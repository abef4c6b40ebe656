//! The pod seam: a runtime other than the Galera model behind the same controllers. A stub
//! whose pods report what the test says reaches the hub as pod feedback and the MariaDB
//! phase, and the runtime sees each pod with the cluster, overlay IP and manifest its work
//! carried.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use deployer::{ApplyOptions, Environment, apply_plan, plan, wait_for_phase};
use galera::status::{ClusterStatus, WsrepStatus};
use kubedb_types::kubedb::v1::DatabasePhase;
use simulated_clusters::{PodError, PodRuntime, PodState, ScheduledPod, Spoke, World};

/// What a start was given: ordinal, pod, cluster, overlay IP, bootstrap.
type Started = (usize, String, String, String, bool);

/// Every started pod is Ready with a one-line status; records what it was given.
#[derive(Clone, Default)]
struct Stub {
    seen: Arc<Mutex<Vec<Started>>>,
    running: BTreeSet<usize>,
}

impl PodRuntime for Stub {
    fn start(&mut self, pod: ScheduledPod<'_>, bootstrap: bool) -> Result<(), PodError> {
        assert_eq!(pod.manifest["kind"], "Pod");
        self.seen.lock().expect("lock").push((
            pod.ordinal,
            pod.name.to_owned(),
            pod.cluster.to_owned(),
            pod.ip.to_owned(),
            bootstrap,
        ));
        self.running.insert(pod.ordinal);
        Ok(())
    }
    fn stop(&mut self, ordinal: usize) {
        self.running.remove(&ordinal);
    }
    fn crash(&mut self, ordinals: &BTreeSet<usize>) {
        self.running.retain(|o| !ordinals.contains(o));
    }
    fn state(&self, ordinal: usize) -> PodState {
        let running = self.running.contains(&ordinal);
        PodState {
            running,
            ready: running,
            wsrep: running.then(|| WsrepStatus {
                cluster_status: Some(ClusterStatus::Primary),
                cluster_size: Some(self.running.len() as u64),
                ..WsrepStatus::default()
            }),
        }
    }
    fn partition(&mut self, _groups: &[BTreeSet<usize>]) {}
    fn heal(&mut self) {}
    fn pc_bootstrap(&mut self, _ordinal: usize) {}
}

#[tokio::test]
async fn another_runtime_runs_behind_the_same_controllers() {
    let env = Environment::seed();
    let hub = simulated_clusters::hub();
    simulated_clusters::serve_kubedb_release(&hub, env.kubedb.release);
    let stub = Stub::default();
    let seen = stub.seen.clone();
    let world = World::start_with(&hub, &env, Spoke::of(&env), stub);
    let plan = plan(&env).expect("plans");
    apply_plan(&hub.client(), &plan, &ApplyOptions::default(), |_| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let wait = Duration::from_secs(20);
    wait_for_phase(
        &hub.client(),
        "demo",
        "mariadb",
        DatabasePhase::Ready,
        wait,
        |_| {},
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    world.settled().await;
    let mut seen = seen.lock().expect("lock").clone();
    let bootstraps = seen.iter().filter(|s| s.4).count();
    assert_eq!(bootstraps, 1, "exactly the first pod bootstraps: {seen:?}");
    seen.sort();
    let placed: Vec<(usize, &str, &str, &str)> = seen
        .iter()
        .map(|(o, n, c, ip, _)| (*o, n.as_str(), c.as_str(), ip.as_str()))
        .collect();
    assert_eq!(
        placed,
        [
            (0, "mariadb-0", "demo-controller", "10.244.0.10"),
            (1, "mariadb-1", "demo-worker", "10.245.0.11"),
            (2, "mariadb-2", "demo-controller", "10.244.0.12"),
        ]
    );
    assert_eq!(
        world.wsrep("mariadb-2").and_then(|s| s.cluster_size),
        Some(3)
    );
    world.kill("demo-worker");
    world.settled().await;
    wait_for_phase(
        &hub.client(),
        "demo",
        "mariadb",
        DatabasePhase::Critical,
        wait,
        |_| {},
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

/// Pods that run at once but turn ready only when the test says: a real server finishing its
/// join after `start` returned.
#[derive(Clone, Default)]
struct Late {
    stub: Stub,
    ready: Arc<std::sync::atomic::AtomicBool>,
}

impl PodRuntime for Late {
    fn start(&mut self, pod: ScheduledPod<'_>, bootstrap: bool) -> Result<(), PodError> {
        self.stub.start(pod, bootstrap)
    }
    fn stop(&mut self, ordinal: usize) {
        self.stub.stop(ordinal);
    }
    fn crash(&mut self, ordinals: &BTreeSet<usize>) {
        self.stub.crash(ordinals);
    }
    fn state(&self, ordinal: usize) -> PodState {
        let mut state = self.stub.state(ordinal);
        state.ready &= self.ready.load(std::sync::atomic::Ordering::SeqCst);
        state
    }
    fn partition(&mut self, _groups: &[BTreeSet<usize>]) {}
    fn heal(&mut self) {}
    fn pc_bootstrap(&mut self, _ordinal: usize) {}
}

#[tokio::test]
async fn a_pod_that_turns_ready_later_reaches_the_hub_on_refresh() {
    let env = Environment::seed();
    let hub = simulated_clusters::hub_for(env.kubedb.release);
    let late = Late::default();
    let ready = late.ready.clone();
    let world = World::start_with(&hub, &env, Spoke::of(&env), late);
    let plan = plan(&env).expect("plans");
    apply_plan(&hub.client(), &plan, &ApplyOptions::default(), |_| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    world.settled().await;
    let phase = |hub: &emulated_hub::FakeHub| {
        hub.get("kubedb.com/v1", "MariaDB", Some("demo"), "mariadb")
            .and_then(|m| m["status"]["phase"].as_str().map(str::to_owned))
    };
    assert_eq!(phase(&hub).as_deref(), Some("Provisioning"));

    ready.store(true, std::sync::atomic::Ordering::SeqCst);
    world.settled().await;
    assert_eq!(
        phase(&hub).as_deref(),
        Some("Provisioning"),
        "nothing on the hub changed, so the world has not looked again"
    );
    world.refresh();
    wait_for_phase(
        &hub.client(),
        "demo",
        "mariadb",
        DatabasePhase::Ready,
        Duration::from_secs(20),
        |_| {},
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}
