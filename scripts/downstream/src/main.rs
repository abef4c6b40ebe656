//! What an embedder does with the published crates: judge manifests for the release they run,
//! then deploy the walkthrough on the fake hub with simulated clusters and wait for it.

use std::time::Duration;

use deployer::{ApplyOptions, Environment, apply_plan, plan, wait_for_phase};
use distributed_galera::check::{Checker, Summary, parse_yaml};
use kubedb_types::kubedb::v1::DatabasePhase;
use kubedb_types::release::Release;
use simulated_clusters::{Spoke, World};

#[tokio::main]
async fn main() {
    let release = Release::WALKTHROUGH;
    let checker = Checker::for_release(release);
    let mut docs = Vec::new();
    for (name, text) in distributed_galera::seed::MANIFESTS {
        docs.extend(parse_yaml(std::path::Path::new(name), text).expect("the seed parses"));
    }
    let summary = Summary::of(&checker.check(&docs));
    assert_eq!(summary.lossy + summary.invalid, 0, "{summary}");
    println!("downstream: {} ({summary})", checker.judged_against());

    let env = Environment::seed();
    let hub = simulated_clusters::hub_for(release);
    let _world = World::start(&hub, &env, Spoke::of(&env));
    let plan = plan(&env).expect("the walkthrough plans");
    apply_plan(&hub.client(), &plan, &ApplyOptions::default(), |_| {})
        .await
        .expect("applied");
    let md = wait_for_phase(
        &hub.client(),
        "demo",
        "mariadb",
        DatabasePhase::Ready,
        Duration::from_secs(60),
        |_| {},
    )
    .await
    .expect("Ready");
    println!(
        "downstream: the walkthrough's MariaDB is {:?} on the fake hub with {} steps applied",
        md.status.and_then(|s| s.phase),
        plan.steps.len()
    );
}
