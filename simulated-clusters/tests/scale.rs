//! Day-2 scaling behind the fake hub: `deployer::apply_day2` against the simulated KubeDB
//! ops-manager, PetSet controller and Galera model. The oracles are the hub's stored objects,
//! the ManifestWork deletions the hub records and the Galera model's own `wsrep%` status, with
//! the expected layouts written out by hand from KubeDB's guide (new ordinals go where the
//! policy lists them; scaling down removes the highest ordinals).

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use deployer::day2::{Current, Day2Options, Day2Plan, Day2Step, Target, plan_day2};
use deployer::{ApplyOptions, Day2ApplyError, Environment, PodRow, apply_day2};
use emulated_hub::FakeHub;
use galera::status::WsrepStatus;
use kubedb_types::ops::v1alpha1::OpsRequestPhase;
use kubedb_types::release::Release;
use simulated_clusters::harness::Deployed;
use simulated_clusters::{Spoke, World};

mod common;

const WAIT: Duration = Duration::from_secs(20);
const OPS: (&str, &str) = ("ops.kubedb.com/v1alpha1", "MariaDBOpsRequest");

/// The walkthrough deployed and Ready on a fresh hub, and the state to plan from.
async fn deployed() -> (FakeHub, World, Environment, Current) {
    let Deployed {
        hub,
        world,
        env,
        plan,
        ..
    } = Deployed::walkthrough(Release::WALKTHROUGH)
        .await
        .unwrap_or_else(|e| panic!("the walkthrough applies and is Ready: {e}"));
    let current = Current::from_plan(&plan, &env).expect("the plan has the objects");
    (hub, world, env, current)
}

/// The scale-up to 5 over three clusters, `demo-edge` added to the hub first.
fn add_edge(world: &World, env: &Environment, current: &Current) -> Day2Plan {
    let mut edge = env.hub.managed_clusters[0].clone();
    edge.metadata.name = Some("demo-edge".into());
    world.add_spoke(
        Spoke {
            cluster: "demo-edge".into(),
            raw_feedback: true,
        },
        &edge,
    );
    let target = Target::AddClusters {
        clusters: vec![edge],
        replicas: 5,
    };
    plan_day2(current, &target, &Day2Options::default()).expect("plans")
}

async fn apply(hub: &FakeHub, world: &World, plan: &Day2Plan) -> Result<(), Day2ApplyError> {
    let reader =
        |rows: Vec<PodRow>| -> Pin<Box<dyn Future<Output = BTreeMap<String, WsrepStatus>> + Send>> {
            let pods: Vec<String> = rows.into_iter().map(|r| r.pod).collect();
            let status = world.wsrep_of(&pods);
            Box::pin(async move { status })
        };
    let options = ApplyOptions {
        wait: Some(WAIT),
        ..ApplyOptions::default()
    };
    // Boxed: the apply's future is large for a test thread's stack in debug builds.
    Box::pin(apply_day2(
        &hub.client(),
        plan,
        &options,
        Some(&reader),
        |_| {},
    ))
    .await
    .map(|_| ())
}

fn replicas(hub: &FakeHub, api_version: &str, kind: &str) -> Option<i64> {
    hub.get(api_version, kind, Some("demo"), "mariadb")?["spec"]["replicas"].as_i64()
}

/// `(pod, cluster)` of every pod ManifestWork on the hub, sorted.
fn pod_works(hub: &FakeHub) -> Vec<(String, String)> {
    let mut works: Vec<(String, String)> = hub
        .list("work.open-cluster-management.io/v1", "ManifestWork", None)
        .iter()
        .flat_map(|w| {
            let ns = w["metadata"]["namespace"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            w["spec"]["workload"]["manifests"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|m| m["kind"] == "Pod")
                .map(move |m| {
                    (
                        m["metadata"]["name"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                        ns.clone(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    works.sort();
    works
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[tokio::test]
async fn scaling_onto_demo_edge_converges_to_five_synced_members() {
    let (hub, world, env, current) = Box::pin(deployed()).await;
    let galera_before = world.wsrep_all().len();
    assert_eq!(galera_before, 3);
    let day2 = add_edge(&world, &env, &current);
    Box::pin(apply(&hub, &world, &day2))
        .await
        .expect("the scale applies");
    world.settled().await;

    // The OpsRequest ended Successful, with a Successful condition.
    let ops = hub.list(OPS.0, OPS.1, Some("demo"));
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0]["status"]["phase"], "Successful", "{:#}", ops[0]);
    assert!(
        ops[0]["status"]["conditions"]
            .as_array()
            .is_some_and(|cs| cs
                .iter()
                .any(|c| c["type"] == "Successful" && c["status"] == "True")),
        "{:#}",
        ops[0]
    );
    // The ops-manager set the MariaDB's replicas, the PetSet followed.
    assert_eq!(replicas(&hub, "kubedb.com/v1", "MariaDB"), Some(5));
    assert_eq!(
        replicas(&hub, "apps.k8s.appscode.com/v1", "PetSet"),
        Some(5)
    );
    // The new ordinals run where the policy appended them.
    assert_eq!(
        pod_works(&hub),
        pairs(&[
            ("mariadb-0", "demo-controller"),
            ("mariadb-1", "demo-worker"),
            ("mariadb-2", "demo-controller"),
            ("mariadb-3", "demo-edge"),
            ("mariadb-4", "demo-edge"),
        ])
    );
    // The Galera model grew: five members, each seeing a Primary component of 5.
    let wsrep = world.wsrep_all();
    assert_eq!(wsrep.len(), 5);
    for (pod, s) in &wsrep {
        assert_eq!(s.cluster_size, Some(5), "{pod}: {s:?}");
        assert_eq!(s.ready, Some(true), "{pod}: {s:?}");
    }
    assert_eq!(world.last_error(), None);
}

#[tokio::test]
async fn scaling_down_removes_the_highest_indices_first() {
    let (hub, world, env, mut current) = Box::pin(deployed()).await;
    let up = add_edge(&world, &env, &current);
    Box::pin(apply(&hub, &world, &up))
        .await
        .expect("the scale-up applies");
    world.settled().await;
    // Stand at 5 members with the slice and policy the scale-up wrote.
    for s in &up.steps {
        match s {
            Day2Step::JoinSlice { slice, .. } => current.slice = (**slice).clone(),
            Day2Step::Policy(pp) => current.policy = (**pp).clone(),
            Day2Step::Scale { to, .. } => current.mariadb.spec.replicas = Some(*to as i32),
        }
    }
    let options = Day2Options {
        ops_prefix: Some("mariadb-down".into()),
        ..Day2Options::default()
    };
    let down = plan_day2(&current, &Target::Replicas(3), &options).expect("plans");
    let mut feed = hub.subscribe();
    Box::pin(apply(&hub, &world, &down))
        .await
        .expect("the scale-down applies");
    world.settled().await;

    // Pod works deleted, in the order the hub recorded: mariadb-4 before mariadb-3.
    let mut deleted = Vec::new();
    while let Ok(change) = feed.try_recv() {
        if change.kind == "DELETED" && change.object_kind == "ManifestWork" {
            deleted.push(
                change.object["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
    }
    let order: Vec<&String> = deleted
        .iter()
        .filter(|n| n.contains("mariadb-3") || n.contains("mariadb-4"))
        .collect();
    assert_eq!(order.len(), 2, "{deleted:?}");
    assert!(order[0].contains("mariadb-4"), "{deleted:?}");
    assert_eq!(
        pod_works(&hub),
        pairs(&[
            ("mariadb-0", "demo-controller"),
            ("mariadb-1", "demo-worker"),
            ("mariadb-2", "demo-controller"),
        ])
    );
    let wsrep = world.wsrep_all();
    assert_eq!(wsrep.len(), 3);
    assert!(
        wsrep.iter().all(|(_, s)| s.cluster_size == Some(3)),
        "{wsrep:?}"
    );
    assert_eq!(replicas(&hub, "kubedb.com/v1", "MariaDB"), Some(3));
    let ops = hub
        .get(OPS.0, OPS.1, Some("demo"), "mariadb-down-1")
        .expect("the scale-down request");
    assert_eq!(ops["status"]["phase"], "Successful", "{ops:#}");
    // The stage conditions KubeDB's MariaDB docs list: ScaleUpCluster, ScaleDownCluster.
    let stage = |ops: &serde_json::Value, t: &str| {
        ops["status"]["conditions"]
            .as_array()
            .is_some_and(|cs| cs.iter().any(|c| c["type"] == t && c["status"] == "True"))
    };
    assert!(
        stage(&ops, "ScaleDownCluster") && !stage(&ops, "ScaleUpCluster"),
        "{ops:#}"
    );
    let up_ops = hub
        .get(OPS.0, OPS.1, Some("demo"), "mariadb-scale-1")
        .expect("the scale-up request");
    assert!(stage(&up_ops, "ScaleUpCluster"), "{up_ops:#}");
}

#[tokio::test]
async fn a_refused_petset_stops_the_request_with_nothing_half_applied() {
    let (hub, world, env, current) = Box::pin(deployed()).await;
    let full = add_edge(&world, &env, &current);
    // Only the OpsRequest: the policy still covers ordinals 0..2, so the PetSet webhook
    // refuses 5 replicas.
    let scale_only = Day2Plan {
        steps: full
            .steps
            .iter()
            .filter(|s| matches!(s, Day2Step::Scale { .. }))
            .cloned()
            .collect(),
        ..full.clone()
    };
    assert_eq!(scale_only.steps.len(), 1);
    let works_before = pod_works(&hub);
    let err = Box::pin(apply(&hub, &world, &scale_only))
        .await
        .expect_err("the webhook refuses");
    let Day2ApplyError::OpsFailed {
        phase, conditions, ..
    } = &err
    else {
        panic!("not an OpsRequest failure: {err}");
    };
    println!("{err}");
    assert_eq!(*phase, OpsRequestPhase::Failed);
    assert!(
        conditions
            .iter()
            .any(|c| c.contains("PetSet") && c.contains("denied")),
        "{conditions:?}"
    );
    world.settled().await;
    // Nothing else changed: 3 replicas stored, the same pods, the same Galera cluster.
    assert_eq!(replicas(&hub, "kubedb.com/v1", "MariaDB"), Some(3));
    assert_eq!(
        replicas(&hub, "apps.k8s.appscode.com/v1", "PetSet"),
        Some(3)
    );
    assert_eq!(pod_works(&hub), works_before);
    assert_eq!(works_before.len(), 3);
    let wsrep = world.wsrep_all();
    assert_eq!(wsrep.len(), 3);
    assert!(
        wsrep.iter().all(|(_, s)| s.cluster_size == Some(3)),
        "{wsrep:?}"
    );
}

/// The MariaDBOpsRequest phase changes the hub published, in order, as `(request, phase)`;
/// collected by a task of its own so the hub's feed never lags behind.
struct PhaseLog {
    seen: std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>,
    task: tokio::task::JoinHandle<()>,
}

impl PhaseLog {
    fn start(hub: &FakeHub) -> PhaseLog {
        let mut feed = hub.subscribe();
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(String, String)>::new()));
        let log = seen.clone();
        let task = tokio::spawn(async move {
            loop {
                match feed.recv().await {
                    Ok(change) if change.object_kind == OPS.1 && change.kind != "DELETED" => {
                        let name = change.object["metadata"]["name"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned();
                        let phase = change.object["status"]["phase"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned();
                        let mut log = log.lock().expect("phase log");
                        if log.iter().rev().find(|(n, _)| *n == name).map(|(_, p)| p)
                            != Some(&phase)
                        {
                            log.push((name, phase));
                        }
                    }
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                        panic!("the phase log missed {n} hub changes")
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                }
            }
        });
        PhaseLog { seen, task }
    }

    fn get(&self) -> Vec<(String, String)> {
        self.seen.lock().expect("phase log").clone()
    }
}

impl Drop for PhaseLog {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn phase_of(hub: &FakeHub, name: &str) -> String {
    hub.get(OPS.0, OPS.1, Some("demo"), name)
        .and_then(|o| o["status"]["phase"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The walkthrough with `demo-edge` in the slice and the policy (ordinals 3 and 4 there) but
/// still at 3 members, and `demo-edge` dark: a request growing onto it stays `Progressing`
/// until the test revives the cluster.
async fn edge_ready_but_dark() -> (FakeHub, World, Day2Plan) {
    let (hub, world, env, current) = Box::pin(deployed()).await;
    let full = add_edge(&world, &env, &current);
    let without_scale = Day2Plan {
        steps: full
            .steps
            .iter()
            .filter(|s| !matches!(s, Day2Step::Scale { .. }))
            .cloned()
            .collect(),
        ..full.clone()
    };
    assert_eq!(without_scale.steps.len(), 2, "{without_scale:#?}");
    Box::pin(apply(&hub, &world, &without_scale))
        .await
        .expect("the slice join and the policy apply");
    world.settled().await;
    world.kill("demo-edge");
    world.settled().await;
    (hub, world, full)
}

/// Creates a HorizontalScaling request the way a user does (server-side apply through the
/// hub's API).
async fn request(hub: &FakeHub, name: &str, member: i32) {
    let ops = kubedb_types::ops::v1alpha1::MariaDBOpsRequest::horizontal_scaling(
        name, "demo", "mariadb", member,
    );
    let api: kube::Api<kubedb_types::ops::v1alpha1::MariaDBOpsRequest> =
        kube::Api::namespaced(hub.client(), "demo");
    api.patch(
        name,
        &kube::api::PatchParams::apply("test-user").force(),
        &kube::api::Patch::Apply(&ops),
    )
    .await
    .expect("the webhook admits the request");
}

/// Two HorizontalScaling requests for the database, the second created while the first runs:
/// the second waits `Pending` without being acted on, then runs once the first is
/// `Successful`; one request `Progressing` at a time, in creation order.
#[tokio::test]
async fn a_second_request_waits_pending_until_the_first_ends() {
    let (hub, world, _) = Box::pin(edge_ready_but_dark()).await;
    let log = PhaseLog::start(&hub);

    Box::pin(request(&hub, "scale-to-4", 4)).await;
    world.settled().await;
    assert_eq!(phase_of(&hub, "scale-to-4"), "Progressing");
    assert_eq!(
        replicas(&hub, "apps.k8s.appscode.com/v1", "PetSet"),
        Some(4)
    );

    Box::pin(request(&hub, "scale-to-5", 5)).await;
    world.settled().await;
    // Queued: Pending on the hub, and nothing of it written yet.
    assert_eq!(phase_of(&hub, "scale-to-5"), "Pending");
    assert_eq!(phase_of(&hub, "scale-to-4"), "Progressing");
    assert_eq!(replicas(&hub, "kubedb.com/v1", "MariaDB"), Some(4));
    assert_eq!(
        replicas(&hub, "apps.k8s.appscode.com/v1", "PetSet"),
        Some(4)
    );

    world.revive("demo-edge");
    world.settled().await;
    assert_eq!(phase_of(&hub, "scale-to-4"), "Successful");
    assert_eq!(phase_of(&hub, "scale-to-5"), "Successful");
    assert_eq!(replicas(&hub, "kubedb.com/v1", "MariaDB"), Some(5));
    assert_eq!(
        replicas(&hub, "apps.k8s.appscode.com/v1", "PetSet"),
        Some(5)
    );
    let wsrep = world.wsrep_all();
    assert_eq!(wsrep.len(), 5);
    assert!(
        wsrep.iter().all(|(_, s)| s.cluster_size == Some(5)),
        "{wsrep:?}"
    );

    // The phases as the hub published them: creation order, one Progressing at a time.
    let seen = log.get();
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    };
    let transitions: Vec<(String, String)> = seen
        .iter()
        .filter(|(_, p)| !p.is_empty())
        .cloned()
        .collect();
    assert_eq!(
        transitions,
        pairs(&[
            ("scale-to-4", "Progressing"),
            ("scale-to-5", "Pending"),
            ("scale-to-4", "Successful"),
            ("scale-to-5", "Progressing"),
            ("scale-to-5", "Successful"),
        ]),
        "{seen:?}"
    );
    assert_eq!(world.last_error(), None);
}

/// Two requests queued behind a running one: when it ends, the older of the two is `Skipped`
/// (KubeDB skips a request that has not started when a newer one of the same type exists)
/// and only the newer runs.
#[tokio::test]
async fn an_older_queued_request_is_skipped_for_a_newer_one() {
    let (hub, world, _) = Box::pin(edge_ready_but_dark()).await;
    let log = PhaseLog::start(&hub);
    Box::pin(request(&hub, "scale-to-4", 4)).await;
    world.settled().await;
    assert_eq!(phase_of(&hub, "scale-to-4"), "Progressing");
    Box::pin(request(&hub, "scale-to-3", 3)).await;
    // A later creationTimestamp (whole seconds) for the newer request.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    Box::pin(request(&hub, "scale-to-5", 5)).await;
    world.settled().await;
    assert_eq!(phase_of(&hub, "scale-to-3"), "Pending");
    assert_eq!(phase_of(&hub, "scale-to-5"), "Pending");

    world.revive("demo-edge");
    world.settled().await;
    assert_eq!(phase_of(&hub, "scale-to-4"), "Successful");
    assert_eq!(phase_of(&hub, "scale-to-3"), "Skipped");
    assert_eq!(phase_of(&hub, "scale-to-5"), "Successful");
    let skipped = hub
        .get(OPS.0, OPS.1, Some("demo"), "scale-to-3")
        .expect("the skipped request");
    assert!(
        skipped["status"]["conditions"]
            .as_array()
            .is_some_and(|cs| cs.iter().any(|c| c["type"] == "Skipped"
                && c["status"] == "True"
                && c["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("scale-to-5")))),
        "{skipped:#}"
    );
    // It never ran: 5 members now, and the PetSet never went down to 3.
    assert_eq!(replicas(&hub, "kubedb.com/v1", "MariaDB"), Some(5));
    assert!(
        !log.get()
            .iter()
            .any(|(n, p)| n == "scale-to-3" && p == "Progressing"),
        "{:?}",
        log.get()
    );
    assert_eq!(world.wsrep_all().len(), 5);
}

/// `deployer::apply_day2` on a request that has to wait behind another one: its progress
/// says the request is `Pending` in the queue, and the apply completes once it ran.
#[tokio::test]
async fn apply_day2_reports_a_queued_request() {
    let (hub, world, full) = Box::pin(edge_ready_but_dark()).await;
    Box::pin(request(&hub, "scale-to-4", 4)).await;
    world.settled().await;
    assert_eq!(phase_of(&hub, "scale-to-4"), "Progressing");

    let ops = kubedb_types::ops::v1alpha1::MariaDBOpsRequest::horizontal_scaling(
        "scale-to-5",
        "demo",
        "mariadb",
        5,
    );
    let plan = Day2Plan {
        steps: vec![Day2Step::Scale {
            from: 4,
            to: 5,
            ops: Box::new(ops),
        }],
        ..full
    };
    let reader =
        |rows: Vec<PodRow>| -> Pin<Box<dyn Future<Output = BTreeMap<String, WsrepStatus>> + Send>> {
            let pods: Vec<String> = rows.into_iter().map(|r| r.pod).collect();
            let status = world.wsrep_of(&pods);
            Box::pin(async move { status })
        };
    let options = ApplyOptions {
        wait: Some(WAIT),
        ..ApplyOptions::default()
    };
    let mut events = Vec::new();
    let mut feed = hub.subscribe();
    let client = hub.client();
    let apply = Box::pin(apply_day2(&client, &plan, &options, Some(&reader), |p| {
        events.push(p)
    }));
    // The first request ends only once demo-edge is back: revive it when the queued request
    // shows Pending on the hub.
    let release = async {
        loop {
            let change = feed.recv().await.expect("the hub's feed");
            if change.object_kind == OPS.1
                && change.object["metadata"]["name"] == "scale-to-5"
                && change.object["status"]["phase"] == "Pending"
            {
                world.revive("demo-edge");
                return;
            }
        }
    };
    let (applied, ()) = tokio::join!(apply, release);
    applied.expect("the queued request runs and succeeds");

    let queued = events.iter().position(|e| {
        matches!(e, deployer::Progress::Waiting { object, condition }
            if object.contains("scale-to-5") && condition.contains("Pending"))
    });
    let done = events.iter().position(|e| {
        matches!(e, deployer::Progress::Satisfied { condition, .. }
            if condition == "the OpsRequest's phase is final")
    });
    assert!(
        matches!((queued, done), (Some(q), Some(d)) if q < d),
        "{events:#?}"
    );
    assert_eq!(phase_of(&hub, "scale-to-4"), "Successful");
    assert_eq!(phase_of(&hub, "scale-to-5"), "Successful");
    assert_eq!(replicas(&hub, "kubedb.com/v1", "MariaDB"), Some(5));
}

/// Deleting the running request frees the database's queue: the waiting one starts (KubeDB's
/// parallelism controller counts a request that is gone as completed,
/// `kubedb/apimachinery@861df689:pkg/controller/opsrequest.go`, `IsCompleted`).
#[tokio::test]
async fn deleting_the_running_request_starts_the_waiting_one() {
    let (hub, world, _) = Box::pin(edge_ready_but_dark()).await;
    Box::pin(request(&hub, "scale-to-4", 4)).await;
    world.settled().await;
    Box::pin(request(&hub, "scale-to-5", 5)).await;
    world.settled().await;
    assert_eq!(phase_of(&hub, "scale-to-5"), "Pending");

    let api: kube::Api<kubedb_types::ops::v1alpha1::MariaDBOpsRequest> =
        kube::Api::namespaced(hub.client(), "demo");
    Box::pin(api.delete("scale-to-4", &kube::api::DeleteParams::default()))
        .await
        .expect("deleted");
    world.settled().await;
    assert_eq!(phase_of(&hub, "scale-to-5"), "Progressing");
    assert_eq!(
        replicas(&hub, "apps.k8s.appscode.com/v1", "PetSet"),
        Some(5)
    );
    world.revive("demo-edge");
    world.settled().await;
    assert_eq!(phase_of(&hub, "scale-to-5"), "Successful");
    assert_eq!(world.wsrep_all().len(), 5);
}

/// The hub runs KubeDB's MariaDBOpsRequest webhook: a request for 2 members is refused, and a
/// request's spec cannot change once created (a day-2 plan reusing a name would be refused,
/// not silently trusted).
#[test]
fn the_ops_request_webhook_refuses_two_members_and_a_changed_spec() {
    common::on_big_stack(ops_request_webhook);
}

async fn ops_request_webhook() {
    let (hub, _world, _env, _current) = Box::pin(deployed()).await;
    let api: kube::Api<kubedb_types::ops::v1alpha1::MariaDBOpsRequest> =
        kube::Api::namespaced(hub.client(), "demo");
    let apply = |name: &'static str, member: i32| {
        let api = api.clone();
        async move {
            let ops = kubedb_types::ops::v1alpha1::MariaDBOpsRequest::horizontal_scaling(
                name, "demo", "mariadb", member,
            );
            Box::pin(api.patch(
                name,
                &kube::api::PatchParams::apply("test-user").force(),
                &kube::api::Patch::Apply(&ops),
            ))
            .await
        }
    };
    let two = Box::pin(apply("to-two", 2))
        .await
        .expect_err("2 members is refused");
    assert!(
        two.to_string()
            .contains("mariadbopsrequestwebhook.validators.ops.kubedb.com"),
        "{two}"
    );
    assert!(
        api.get_opt("to-two").await.expect("get").is_none(),
        "nothing stored"
    );
    Box::pin(apply("to-four", 4))
        .await
        .expect("4 members is admitted");
    let changed = Box::pin(apply("to-four", 5))
        .await
        .expect_err("the spec is immutable");
    assert!(changed.to_string().contains("spec"), "{changed}");
}
