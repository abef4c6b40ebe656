//! `cargo run --example fake_hub`: deploy the walkthrough on the in-process hub with simulated
//! clusters (`simulated_clusters`), lose a cluster, and read Galera's view of it.

use std::time::Duration;

use deployer::{ApplyOptions, Environment, apply_plan, plan, wait_for_phase};
use kubedb_types::kubedb::v1::DatabasePhase;
use simulated_clusters::{Spoke, World};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let env = Environment::seed();
    let hub = simulated_clusters::hub_for(env.kubedb.release);
    let world = World::start(&hub, &env, Spoke::of(&env));
    let plan = plan(&env).expect("plans");
    apply_plan(&hub.client(), &plan, &ApplyOptions::default(), |_| {})
        .await
        .expect("applied");
    let ready = Duration::from_secs(30);
    wait_for_phase(
        &hub.client(),
        "demo",
        "mariadb",
        DatabasePhase::Ready,
        ready,
        |_| {},
    )
    .await
    .expect("Ready");
    world.kill("demo-worker");
    for (pod, status) in world.wsrep_all() {
        println!(
            "{pod}: wsrep_cluster_status={} wsrep_cluster_size={}",
            status.cluster_status.map_or("-".into(), |s| s.to_string()),
            status.cluster_size.map_or("-".into(), |n| n.to_string())
        );
    }
}
