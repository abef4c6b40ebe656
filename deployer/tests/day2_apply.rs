//! Day-2 apply against a fake hub: a dry run stores nothing, a refused OpsRequest stops with the
//! earlier steps applied, a failed one is reported with its conditions.

mod common;

use std::sync::Arc;
use std::time::Duration;

use deployer::day2::{Day2Options, Day2Step, Target, plan_day2};
use deployer::{ApplyOptions, Day2ApplyError, apply_day2};
use emulated_hub::FakeHub;
use kubedb_types::apps::v1::PlacementPolicy;
use kubedb_types::ops::v1alpha1::{MariaDBOpsRequest, OpsRequestPhase};
use kubeslice_types::controller::v1alpha1::SliceConfig;
use serde_json::json;

fn hub() -> FakeHub {
    let hub = FakeHub::new();
    hub.register::<SliceConfig>();
    hub.register::<PlacementPolicy>();
    hub.register::<MariaDBOpsRequest>();
    for ns in ["demo", "kubeslice-demo-distributed-mariadb"] {
        let namespace = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
        hub.apply("test", &namespace, false).expect("namespace");
    }
    hub
}

fn up_plan() -> deployer::day2::Day2Plan {
    let (env, current) = common::seed();
    let mut edge = env.hub.managed_clusters[0].clone();
    edge.metadata.name = Some("demo-edge".into());
    plan_day2(
        &current,
        &Target::AddClusters {
            clusters: vec![edge],
            replicas: 5,
        },
        &Day2Options::default(),
    )
    .expect("plans")
}

fn no_wait() -> ApplyOptions {
    ApplyOptions {
        wait: None,
        backoff: Duration::from_millis(1),
        ..ApplyOptions::default()
    }
}

#[tokio::test]
async fn dry_run_sends_every_step_and_stores_nothing() {
    let hub = hub();
    let before = hub.writes().len();
    let plan = up_plan();
    let options = ApplyOptions {
        dry_run: true,
        ..no_wait()
    };
    let report = apply_day2(&hub.client(), &plan, &options, None, |_| {})
        .await
        .expect("dry run");
    assert_eq!(report.applied.len(), 3);
    assert_eq!(hub.writes().len(), before, "{:?}", hub.writes());
    assert_eq!(hub.requests().iter().filter(|r| r.dry_run).count(), 3);
}

#[tokio::test]
async fn a_refused_ops_request_stops_with_the_earlier_steps_applied_and_it_not() {
    let hub = hub();
    hub.register_admission(
        "ops.kubedb.com/v1alpha1",
        "MariaDBOpsRequest",
        "refuse-all",
        Arc::new(|_| Err("scripted refusal".to_owned())),
    );
    let before = hub.writes().len();
    let plan = up_plan();
    let err = apply_day2(&hub.client(), &plan, &no_wait(), None, |_| {})
        .await
        .unwrap_err();
    let Day2ApplyError::Server { index, applied, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(*index, 3);
    assert_eq!(applied.len(), 2);
    assert!(err.to_string().contains("re-plan"), "{err}");
    let ops = hub.list("ops.kubedb.com/v1alpha1", "MariaDBOpsRequest", None);
    assert!(ops.is_empty(), "{ops:?}");
    // The two applied steps wrote exactly one object each.
    assert_eq!(hub.writes().len(), before + 2);
}

#[tokio::test]
async fn a_failed_ops_request_is_reported_with_its_conditions() {
    let hub = hub();
    let (_, current) = common::seed();
    let plan = plan_day2(&current, &Target::Replicas(5), &Day2Options::default()).expect("plans");
    assert!(matches!(
        plan.steps.last(),
        Some(Day2Step::Scale { to: 5, .. })
    ));
    // The operator's part, written by the test: the request fails.
    let operator = hub.clone();
    let mut changes = hub.subscribe();
    tokio::spawn(async move {
        while changes.recv().await.is_ok() {
            for o in operator.list("ops.kubedb.com/v1alpha1", "MariaDBOpsRequest", None) {
                if o.get("status").is_some() {
                    continue;
                }
                let mut status = json!({
                    "apiVersion": "ops.kubedb.com/v1alpha1", "kind": "MariaDBOpsRequest",
                    "metadata": {"name": o["metadata"]["name"], "namespace": o["metadata"]["namespace"]},
                    "status": {"phase": "Failed", "conditions": [{
                        "type": "HorizontalScaleUp", "status": "False", "reason": "PetSetNotReady",
                        "message": "scripted failure", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}
                });
                status["metadata"]["resourceVersion"] = o["metadata"]["resourceVersion"].clone();
                operator
                    .apply("kubedb-ops-manager", &status, true)
                    .expect("status");
            }
        }
    });
    let options = ApplyOptions {
        wait: Some(Duration::from_secs(10)),
        ..no_wait()
    };
    let err = apply_day2(&hub.client(), &plan, &options, None, |_| {})
        .await
        .unwrap_err();
    let Day2ApplyError::OpsFailed {
        phase,
        conditions,
        applied,
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(*phase, OpsRequestPhase::Failed);
    assert!(conditions[0].contains("PetSetNotReady"), "{conditions:?}");
    assert_eq!(applied.len(), plan.steps.len());
}
