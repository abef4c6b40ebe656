//! Failure drills on the walkthrough's layout.

use deployer::{Environment, drill, plan};
use galera::recovery::Refusal;
use galera::status::ClusterStatus;

fn seed() -> deployer::Plan {
    plan(&Environment::seed()).expect("the seed plans")
}

#[test]
fn losing_demo_worker_keeps_a_primary_of_two() {
    let d = drill(&seed(), &["demo-worker"]).expect("known cluster");
    assert!(d.primary && d.recovery.is_none());
    let alive: Vec<(&str, usize)> = d
        .pods
        .iter()
        .filter_map(|p| p.status.as_ref().map(|s| (p.pod.as_str(), s.size)))
        .collect();
    assert_eq!(alive, [("mariadb-0", 2), ("mariadb-2", 2)]);
}

#[test]
fn losing_demo_controller_leaves_no_primary_and_a_forced_recovery() {
    let d = drill(&seed(), &["demo-controller"]).expect("known cluster");
    assert!(!d.primary);
    let survivor = d.pods.iter().find(|p| p.pod == "mariadb-1").expect("pod");
    let status = survivor.status.as_ref().expect("running");
    assert_eq!(
        (status.cluster_status.clone(), status.size, status.ready),
        (ClusterStatus::NonPrimary, 1, false)
    );
    let r = d.recovery.expect("a survivor to recover");
    assert_eq!(
        r.refusal,
        Some(Refusal::MissingReports("mariadb-0, mariadb-2".to_owned()))
    );
    assert_eq!(r.plan.bootstrap, "mariadb-1");
    let after = r.after.iter().find(|p| p.pod == "mariadb-1").expect("pod");
    let after = after.status.as_ref().expect("running");
    assert_eq!(
        (after.cluster_status.clone(), after.size),
        (ClusterStatus::Primary, 1)
    );
}

#[test]
fn losing_everything_leaves_nothing_to_recover_and_unknown_clusters_are_named() {
    let d = drill(&seed(), &["demo-controller", "demo-worker"]).expect("known clusters");
    assert!(!d.primary && d.recovery.is_none());
    assert!(d.pods.iter().all(|p| p.status.is_none()));
    let err = drill(&seed(), &["demo-edge"]).expect_err("not in the plan");
    assert_eq!(err.name, "demo-edge");
    assert!(
        err.to_string().contains("demo-controller, demo-worker"),
        "{err}"
    );
}
