//! `cargo run --example fake_hub`: the walkthrough deployed on the in-process hub with
//! simulated clusters (`simulated_clusters::harness::Deployed`), a cluster lost, and Galera's
//! view of it.

use kubedb_types::release::Release;
use simulated_clusters::harness::Deployed;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let deployed = Deployed::walkthrough(Release::WALKTHROUGH)
        .await
        .expect("the walkthrough reaches Ready");
    println!("{} steps applied", deployed.report.applied.len());
    deployed.world.kill("demo-worker");
    for (pod, status) in deployed.world.wsrep_all() {
        println!(
            "{pod}: wsrep_cluster_status={} wsrep_cluster_size={}",
            status.cluster_status.map_or("-".into(), |s| s.to_string()),
            status.cluster_size.map_or("-".into(), |n| n.to_string())
        );
    }
}
