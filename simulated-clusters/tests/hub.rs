//! The deployer against the in-process fake hub with simulated spokes: the seed converges,
//! re-applying changes nothing, bad input writes nothing, faults are survived, and what the
//! Galera model says after a failure reaches the hub as pod feedback and the MariaDB phase.

use std::time::Duration;

use deployer::{
    ApplyError, ApplyOptions, Environment, Plan, Progress, Readiness, apply_plan, plan, pod_table,
    wait_for_phase, watch_pods,
};
use emulated_hub::{FakeHub, Fault, RequestRecord, Verb};
use galera::status::ClusterStatus;
use kube::api::{Api, DynamicObject, ListParams, Patch, PatchParams};
use kubedb_types::kubedb::v1::{DatabasePhase, MariaDB};
use kubedb_types::release::Release;
use ocm_types::work::v1::ManifestWork;
use serde_json::json;
use simulated_clusters::harness::Deployed;
use simulated_clusters::{Spoke, World};

const WAIT: Duration = Duration::from_secs(20);

/// A hub checking objects against the pinned upstream CRDs (the type crates' data): OCM and
/// KubeSlice, KubeDB as the walkthrough's release serves them, with its webhooks.
fn upstream_hub() -> FakeHub {
    release_hub(Release::WALKTHROUGH)
}

fn release_hub(release: Release) -> FakeHub {
    simulated_clusters::hub_for(release)
}

/// Creates a namespace, as `kubectl create namespace` would.
fn namespace(hub: &FakeHub, name: &str) {
    hub.apply(
        "kubectl",
        &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}),
        false,
    )
    .expect("namespace");
}

fn seed() -> (Environment, Plan) {
    let env = Environment::seed();
    let plan = plan(&env).expect("the seed plans");
    (env, plan)
}

fn options() -> ApplyOptions {
    ApplyOptions {
        backoff: Duration::from_millis(5),
        wait: Some(WAIT),
        ..ApplyOptions::default()
    }
}

async fn works(hub: &FakeHub) -> Vec<ManifestWork> {
    let api: Api<ManifestWork> = Api::all(hub.client());
    api.list(&ListParams::default().labels("open-cluster-management.io/role=pod"))
        .await
        .expect("list works")
        .items
}

async fn phase(hub: &FakeHub) -> Option<DatabasePhase> {
    let api: Api<MariaDB> = Api::namespaced(hub.client(), "demo");
    api.get("mariadb").await.ok()?.status?.phase
}

/// Waits (watch-based) until the phase is `wanted`.
async fn converge(hub: &FakeHub, wanted: DatabasePhase) {
    wait_for_phase(&hub.client(), "demo", "mariadb", wanted, WAIT, |_| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// The seed applied to an upstream-checked hub with simulated spokes, Ready.
async fn deployed() -> (FakeHub, World) {
    let Deployed { hub, world, .. } = deploy(Environment::seed()).await;
    (hub, world)
}

/// `env` applied with [`options`] to a hub of its release with simulated spokes, Ready.
async fn deploy(env: Environment) -> Deployed {
    Deployed::environment(env, &options(), WAIT)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn the_seed_converges_with_step_8_verified() {
    let (env, plan) = seed();
    let hub = upstream_hub();
    let world = World::start(&hub, &env, Spoke::of(&env));
    let mut events = Vec::new();
    let report = apply_plan(&hub.client(), &plan, &options(), |p| events.push(p))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.applied.len(), 6);
    let waited: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            Progress::Satisfied { condition, .. } => Some(condition.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        waited,
        [
            "Namespace/kubeslice-demo-distributed-mariadb exists",
            "Cluster/kubeslice-demo-distributed-mariadb/demo-controller status.registrationStatus=Registered",
            "Cluster/kubeslice-demo-distributed-mariadb/demo-worker status.registrationStatus=Registered",
            "WorkerSliceConfig/kubeslice-demo-distributed-mariadb/demo-slice-demo-controller status.sliceHealth.sliceHealthStatus=Normal",
            "WorkerSliceConfig/kubeslice-demo-distributed-mariadb/demo-slice-demo-worker status.sliceHealth.sliceHealthStatus=Normal",
            "Namespace/demo exists",
            "Namespace/kubedb exists",
        ]
    );
    converge(&hub, DatabasePhase::Ready).await;

    // Step 8: pods on each cluster, all Ready; Primary of 3 everywhere.
    let ((rows, findings), all_ready) =
        watch_pods(&hub.client(), "demo", "mariadb", WAIT, |rows, _| {
            rows.iter().filter(|r| r.ready == Readiness::Ready).count() == 3
        })
        .await;
    assert!(all_ready);
    assert!(findings.is_empty(), "{findings:?}");
    let pods: Vec<(&str, &str, &Readiness)> = rows
        .iter()
        .map(|r| (r.pod.as_str(), r.cluster.as_str(), &r.ready))
        .collect();
    assert_eq!(
        pods,
        [
            ("mariadb-0", "demo-controller", &Readiness::Ready),
            ("mariadb-1", "demo-worker", &Readiness::Ready),
            ("mariadb-2", "demo-controller", &Readiness::Ready)
        ]
    );
    let wsrep = world.wsrep_all();
    assert_eq!(wsrep.len(), 3);
    for (pod, s) in &wsrep {
        assert_eq!(s.cluster_status, Some(ClusterStatus::Primary), "{pod}");
        assert_eq!(s.cluster_size, Some(3), "{pod}");
    }
    assert!(galera::health::assess(&wsrep, Some(3)).findings.is_empty());
    let secret = hub.get("v1", "Secret", Some("demo"), "mariadb-auth");
    assert!(secret.is_some(), "the auth secret of Step 8 exists");
    // The plan is exactly what the upstream schemas accept: nothing pruned, and no simulated
    // controller write was refused.
    assert_eq!(hub.pruned(), []);
    assert_eq!(world.last_error(), None);
}

#[tokio::test]
async fn a_second_apply_changes_nothing() {
    let Deployed {
        hub,
        world,
        plan,
        report: first,
        ..
    } = deploy(Environment::seed()).await;
    world.settled().await;
    let rv = hub.resource_version();
    let mut feed = hub.subscribe();
    let writes = hub.writes().len();
    let second = apply_plan(&hub.client(), &plan, &options(), |_| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    world.settled().await;
    if let Ok(c) = feed.try_recv() {
        panic!(
            "the second apply stored {} {}",
            c.kind,
            serde_json::to_string_pretty(&c.object).unwrap_or_default()
        );
    }
    assert_eq!(
        hub.resource_version(),
        rv,
        "the second apply stored something"
    );
    assert!(
        feed.try_recv().is_err(),
        "the second apply emitted a change"
    );
    assert_eq!(hub.writes().len(), writes + 6, "six accepted applies");
    let rvs = |r: &deployer::ApplyReport| -> Vec<Option<String>> {
        r.applied
            .iter()
            .map(|o| o.metadata.resource_version.clone())
            .collect()
    };
    // The objects the operator or controllers never touched keep the first apply's version.
    assert_eq!(rvs(&first)[4], rvs(&second)[4], "PlacementPolicy");
    assert_eq!(
        second.applied[5]
            .metadata
            .managed_fields
            .as_ref()
            .map(Vec::len),
        Some(2),
        "MariaDB owned by the deployer (spec) and the operator (status)"
    );
}

#[tokio::test]
async fn invalid_input_writes_nothing() {
    let (_, mut plan) = seed();
    let hub = upstream_hub();
    if let deployer::PlanObject::MariaDB(db) = &mut plan.steps[5].object {
        db.metadata.name = None;
    }
    let err = apply_plan(&hub.client(), &plan, &options(), |_| {})
        .await
        .expect_err("a nameless object is refused");
    assert!(matches!(err, ApplyError::Invalid { index: 6, .. }), "{err}");
    assert_eq!(hub.requests(), [], "not a single request");

    // What the schema refuses is refused by the server with the field named, and stores nothing.
    namespace(&hub, "demo");
    let writes = hub.writes().len();
    let api: Api<DynamicObject> = Api::namespaced_with(
        hub.client(),
        "demo",
        &kube::core::ApiResource::erase::<MariaDB>(&()),
    );
    let bad = json!({"apiVersion": "kubedb.com/v1", "kind": "MariaDB",
        "metadata": {"name": "bad", "namespace": "demo"},
        "spec": {"version": "11.5.2", "replicas": "three", "deletionPolicy": "Sometimes"}});
    let e = api
        .patch("bad", &PatchParams::apply("t"), &Patch::Apply(&bad))
        .await
        .expect_err("422");
    let kube::Error::Api(status) = e else {
        panic!("{e}")
    };
    assert_eq!(status.code, 422);
    assert!(
        status
            .message
            // The API server shows the JSON type as the bad value (kube-openapi
            // validate/type.go, errors/schema.go `typeFailWithData`).
            .contains(
                "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\""
            ),
        "{}",
        status.message
    );
    assert!(
        status
            .message
            .contains("spec.deletionPolicy: Unsupported value"),
        "{}",
        status.message
    );
    assert_eq!(
        hub.writes().len(),
        writes,
        "the refused object stored nothing"
    );
    assert!(
        hub.get("kubedb.com/v1", "MariaDB", Some("demo"), "bad")
            .is_none()
    );

    // Unknown fields are pruned and reported; with fieldValidation=Strict they are refused.
    // The walkthrough's release (v2025.7.31) does not know the newer policy shape.
    let newer = json!({"apiVersion": "apps.k8s.appscode.com/v1", "kind": "PlacementPolicy",
        "metadata": {"name": "newer"}, "spec": {"clusterSpreadConstraint": {"distributionRules": [],
            "slice": {"projectNamespace": "kubeslice-p", "sliceName": "s"}}}});
    let pp: Api<DynamicObject> = Api::all_with(
        hub.client(),
        &kube::core::ApiResource::erase::<kubedb_types::apps::v1::PlacementPolicy>(&()),
    );
    let mut strict = PatchParams::apply("t");
    strict.field_validation = Some(kube::api::ValidationDirective::Strict);
    let e = pp
        .patch("newer", &strict, &Patch::Apply(&newer))
        .await
        .expect_err("strict refuses unknown fields");
    assert!(
        e.to_string().contains("spec.clusterSpreadConstraint"),
        "{e}"
    );
    let stored = pp
        .patch("newer", &PatchParams::apply("t"), &Patch::Apply(&newer))
        .await
        .expect("pruned, then stored");
    assert!(stored.data["spec"].get("clusterSpreadConstraint").is_none());
    let typed = hub.get_as::<kubedb_types::apps::v1::PlacementPolicy>(None, "newer");
    assert_eq!(typed.map(|p| p.spec.cluster_spread_constraint), Some(None));
    let pruned = hub.pruned();
    assert_eq!(pruned.len(), 1);
    assert_eq!(pruned[0].object, "PlacementPolicy/newer");
    assert_eq!(pruned[0].paths, ["spec.clusterSpreadConstraint"]);
}

/// A plan in the other release's shape: the hub of each release prunes the policy's shape it
/// does not serve, and its MariaDB webhook refuses the distributed database with its own
/// message; nothing after the refused step is applied.
#[tokio::test]
async fn a_plan_in_the_wrong_release_shape_is_pruned_and_refused() {
    for (planned_for, hub_runs, message) in [
        (
            Release::V2026_7_10,
            Release::V2025_7_31,
            "'spec.ocm' is required in distributed-mariadb for distributed mariadb",
        ),
        (
            Release::V2025_7_31,
            Release::V2026_7_10,
            "'spec.clusterSpreadConstraint' is required in distributed-mariadb for distributed mariadb",
        ),
    ] {
        let mut env = Environment::seed();
        env.kubedb.release = planned_for;
        let plan = plan(&env).expect("plans");
        let hub = release_hub(hub_runs);
        let _world = World::start(&hub, &env, Spoke::of(&env));
        let e = apply_plan(&hub.client(), &plan, &options(), |_| {})
            .await
            .expect_err("the MariaDB is refused");
        let text = e.to_string();
        assert!(text.contains(message), "{hub_runs}: {text}");
        assert!(
            text.contains(
                "admission webhook \"mariadbwebhook.validators.kubedb.com\" denied the request"
            ),
            "{text}"
        );
        let shape = planned_for.policy_shape().field();
        assert!(
            hub.pruned()
                .iter()
                .any(|p| p.object == "PlacementPolicy/distributed-mariadb"
                    && p.paths == [format!("spec.{shape}")]),
            "{hub_runs}: {:?}",
            hub.pruned()
        );
        assert!(
            hub.get("kubedb.com/v1", "MariaDB", Some("demo"), "mariadb")
                .is_none()
        );
    }
}

/// Each release's plan converges on a hub serving that release's CRDs and webhooks.
#[tokio::test]
async fn both_releases_converge_on_their_own_hub() {
    for release in Release::ALL {
        let mut env = Environment::seed();
        env.kubedb.release = release;
        let Deployed { hub, world, .. } = Deployed::environment(env, &options(), WAIT)
            .await
            .unwrap_or_else(|e| panic!("{release}: {e}"));
        assert_eq!(hub.pruned(), [], "{release}");
        assert_eq!(world.last_error(), None, "{release}");
        let pp = hub
            .get_as::<kubedb_types::apps::v1::PlacementPolicy>(None, "distributed-mariadb")
            .expect("policy stored");
        assert!(pp.has_shape(release.policy_shape()), "{release}");
    }
}

/// Ordinal coverage is the PetSet webhook's: a MariaDB with more replicas than its policy maps
/// is admitted, and the PetSet KubeDB then creates is refused with PetSet's message.
#[tokio::test]
async fn ordinal_coverage_is_refused_at_the_petset() {
    let (hub, world) = deployed().await;
    // Scale the database past the policy: the MariaDB webhook admits it.
    let api: Api<MariaDB> = Api::namespaced(hub.client(), "demo");
    let patch = json!({"spec": {"replicas": 4}});
    api.patch("mariadb", &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .expect("the MariaDB webhook does not check coverage");
    world.settled().await;
    let error = world.last_error().expect("the PetSet was refused");
    assert!(
        error.contains("expected at least 4 replicas in the placementPolicy distributed-mariadb, but got totalReplicas = 3"),
        "{error}"
    );
    assert!(error.contains("vpetset.kb.io"), "{error}");
}

#[tokio::test]
async fn injected_faults_are_survived() {
    let (env, plan) = seed();
    let hub = upstream_hub();
    let _world = World::start(&hub, &env, Spoke::of(&env));
    hub.inject(Some(Verb::Apply), Fault::Throttle);
    hub.inject(Some(Verb::Apply), Fault::Internal);
    hub.inject(Some(Verb::Apply), Fault::Conflict);
    hub.inject(Some(Verb::Watch), Fault::DropWatch);
    hub.inject(Some(Verb::Watch), Fault::DropWatch);
    let report = apply_plan(&hub.client(), &plan, &options(), |_| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.retries, 3);
    converge(&hub, DatabasePhase::Ready).await;
    let fired: Vec<(Verb, Fault, u16)> = hub
        .requests()
        .into_iter()
        .filter_map(|r| Some((r.verb, r.fault?, r.code)))
        .collect();
    assert_eq!(
        fired,
        [
            (Verb::Apply, Fault::Throttle, 429),
            (Verb::Apply, Fault::Internal, 500),
            (Verb::Apply, Fault::Conflict, 409),
            (Verb::Watch, Fault::DropWatch, 200),
            (Verb::Watch, Fault::DropWatch, 200),
        ]
    );
}

#[tokio::test]
async fn a_cluster_without_raw_feedback_is_reported() {
    let (env, plan) = seed();
    let hub = upstream_hub();
    let spokes: Vec<Spoke> = Spoke::of(&env)
        .into_iter()
        .map(|s| Spoke {
            raw_feedback: s.cluster != "demo-worker",
            ..s
        })
        .collect();
    let world = World::start(&hub, &env, spokes);
    apply_plan(&hub.client(), &plan, &options(), |_| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    world.settled().await;
    // Galera itself is fine; the hub just never sees mariadb-1 Ready.
    assert!(
        world
            .wsrep_all()
            .iter()
            .all(|(_, s)| s.cluster_size == Some(3))
    );
    assert_eq!(phase(&hub).await, Some(DatabasePhase::Provisioning));
    let err = wait_for_phase(
        &hub.client(),
        "demo",
        "mariadb",
        DatabasePhase::Ready,
        Duration::from_millis(300),
        |_| {},
    )
    .await
    .expect_err("never Ready on the hub");
    assert!(err.to_string().contains("Provisioning"), "{err}");
    let (rows, findings) = pod_table(&works(&hub).await);
    let worker: Vec<_> = rows.iter().filter(|r| r.cluster == "demo-worker").collect();
    assert_eq!(worker.len(), 1);
    assert_eq!(worker[0].ready, Readiness::Unknown);
    assert_eq!(worker[0].phase.as_deref(), Some("Running"));
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].object, "Klusterlet/demo-worker");
    assert!(findings[0].message.contains("RawFeedbackJsonString"));
}

#[tokio::test]
async fn losing_clusters_reaches_the_hub_as_the_galera_model_says() {
    let (hub, world) = deployed().await;

    world.kill("demo-worker");
    converge(&hub, DatabasePhase::Critical).await;
    let s = world.wsrep("mariadb-0").expect("running");
    assert_eq!(
        (s.cluster_status, s.cluster_size),
        (Some(ClusterStatus::Primary), Some(2))
    );
    assert!(world.wsrep("mariadb-1").is_none());
    let mc = hub
        .get(
            "cluster.open-cluster-management.io/v1",
            "ManagedCluster",
            None,
            "demo-worker",
        )
        .expect("managed cluster");
    let available = mc["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == "ManagedClusterConditionAvailable")
        .map(|c| c["status"].clone());
    assert_eq!(available, Some(json!("Unknown")));
    world.revive("demo-worker");
    converge(&hub, DatabasePhase::Ready).await;

    world.kill("demo-controller");
    converge(&hub, DatabasePhase::NotReady).await;
    let (rows, _) = pod_table(&works(&hub).await);
    let survivor = rows.iter().find(|r| r.pod == "mariadb-1").expect("row");
    assert!(
        matches!(survivor.ready, Readiness::NotReady(_)),
        "{survivor:?}"
    );
    let s = world.wsrep("mariadb-1").expect("running");
    assert_eq!(
        (s.cluster_status, s.cluster_size),
        (Some(ClusterStatus::NonPrimary), Some(1))
    );
    // The recovery the galera crate plans for this loss: pc.bootstrap on the survivor.
    world.pc_bootstrap("mariadb-1");
    converge(&hub, DatabasePhase::Critical).await;
    let s = world.wsrep("mariadb-1").expect("running");
    assert_eq!(
        (s.cluster_status, s.cluster_size),
        (Some(ClusterStatus::Primary), Some(1))
    );
    assert_eq!(phase(&hub).await, Some(DatabasePhase::Critical));
}

#[tokio::test]
async fn a_missing_controller_ends_in_a_typed_timeout_after_the_first_step() {
    let (_, plan) = seed();
    let hub = upstream_hub();
    let quick = ApplyOptions {
        wait: Some(Duration::from_millis(200)),
        ..options()
    };
    // Without the KubeSlice controller's namespace the server refuses the project.
    let err = apply_plan(&hub.client(), &plan, &quick, |_| {})
        .await
        .expect_err("no kubeslice-controller namespace");
    let ApplyError::Server {
        index: 1,
        source: kube::Error::Api(s),
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(
        (s.code, s.message.as_str()),
        (404, "namespaces \"kubeslice-controller\" not found")
    );
    assert_eq!(hub.writes(), []);
    namespace(&hub, "kubeslice-controller");
    let err = apply_plan(&hub.client(), &plan, &quick, |_| {})
        .await
        .expect_err("nobody creates the project namespace");
    let ApplyError::Wait(t) = &err else {
        panic!("{err}")
    };
    assert_eq!(t.index, 1);
    assert_eq!(
        t.condition,
        "Namespace/kubeslice-demo-distributed-mariadb exists"
    );
    assert_eq!(hub.writes().len(), 1, "only the project was applied");
    assert!(
        hub.get(
            "controller.kubeslice.io/v1alpha1",
            "Project",
            Some("kubeslice-controller"),
            "demo-distributed-mariadb"
        )
        .is_some()
    );
}

#[tokio::test]
async fn a_slice_partition_and_heal_reach_the_hub() {
    let (hub, world) = deployed().await;

    world.partition(&[&["demo-controller"], &["demo-worker"]]);
    converge(&hub, DatabasePhase::Critical).await;
    let s = world.wsrep("mariadb-1").expect("running");
    assert_eq!(
        (s.cluster_status, s.cluster_size),
        (Some(ClusterStatus::NonPrimary), Some(1))
    );
    let s = world.wsrep("mariadb-2").expect("running");
    assert_eq!(
        (s.cluster_status, s.cluster_size),
        (Some(ClusterStatus::Primary), Some(2))
    );
    world.settled().await;
    let (rows, _) = pod_table(&works(&hub).await);
    let ready: Vec<(&str, bool)> = rows
        .iter()
        .map(|r| (r.pod.as_str(), r.ready == Readiness::Ready))
        .collect();
    assert_eq!(
        ready,
        [
            ("mariadb-0", true),
            ("mariadb-1", false),
            ("mariadb-2", true)
        ]
    );

    world.heal();
    converge(&hub, DatabasePhase::Ready).await;
    assert_eq!(
        world.wsrep("mariadb-1").and_then(|s| s.cluster_size),
        Some(3)
    );
}

#[tokio::test]
async fn the_seed_converges_over_http_from_a_kubeconfig() {
    let (env, plan) = seed();
    let hub = upstream_hub();
    let _world = World::start(&hub, &env, Spoke::of(&env));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let server = hub.serve_http(listener);
    let kubeconfig =
        std::env::temp_dir().join(format!("fake-hub-{}.kubeconfig", std::process::id()));
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster: {{server: \"http://{addr}\"}}\n\
             users:\n- name: admin\n  user: {{token: t}}\ncontexts:\n- name: other\n  context: {{cluster: fake, user: admin, namespace: x}}\n\
             - name: hub\n  context: {{cluster: fake, user: admin}}\ncurrent-context: other\n"
        ),
    )
    .expect("kubeconfig");
    let client = deployer::hub_client(Some(&kubeconfig), Some("hub"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let missing = deployer::hub_client(Some(&kubeconfig), Some("nope"))
        .await
        .err();
    assert!(
        matches!(&missing, Some(deployer::ConnectError::Context { context, .. }) if context == "nope"),
        "{missing:?}"
    );
    let _ = std::fs::remove_file(&kubeconfig);
    hub.inject(Some(Verb::Watch), Fault::DropWatch);
    apply_plan(&client, &plan, &options(), |_| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    wait_for_phase(
        &client,
        "demo",
        "mariadb",
        DatabasePhase::Ready,
        WAIT,
        |_| {},
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let ((rows, _), all_ready) = watch_pods(&client, "demo", "mariadb", WAIT, |rows, _| {
        rows.iter().filter(|r| r.ready == Readiness::Ready).count() == 3
    })
    .await;
    assert!(all_ready, "{rows:?}");
    let applies: Vec<RequestRecord> = hub
        .requests()
        .into_iter()
        .filter(|r| r.verb == Verb::Apply)
        .collect();
    assert_eq!(applies.len(), 6);
    assert!(applies.iter().all(|r| r.content_type.as_deref()
        == Some("application/apply-patch+yaml")
        && r.query.contains("fieldManager=galera-deployer")
        && r.query.contains("force=true")));
    server.abort();
}

/// The MariaDB webhook reads the hub's StorageClasses: a class the hub lacks is refused with
/// the webhook's message, one it has is admitted.
#[tokio::test]
async fn the_storage_class_must_exist_on_the_hub() {
    for (classes, refused) in [(None, true), (Some(vec!["fast".to_owned()]), false)] {
        let mut env = Environment::seed();
        env.database.storage_class = Some("fast".into());
        env.kubedb.storage_classes = classes;
        let plan = plan(&env).expect("plans");
        let hub = upstream_hub();
        let _world = World::start(&hub, &env, Spoke::of(&env));
        let result = apply_plan(&hub.client(), &plan, &options(), |_| {}).await;
        match (result, refused) {
            (Err(e), true) => assert!(
                e.to_string()
                    .contains("spec.storage.storageClassName \"fast\" not found"),
                "{e}"
            ),
            (Ok(_), false) => {}
            (r, _) => panic!("classes {:?}: {:?}", env.kubedb.storage_classes, r.err()),
        }
    }
}

/// A dry run on a fresh hub stops where a step needs what an earlier one would create, and
/// says that nothing was stored rather than that steps were applied.
#[tokio::test]
async fn a_dry_run_on_a_fresh_hub_says_nothing_was_stored() {
    let (env, plan) = seed();
    let hub = upstream_hub();
    let _world = World::start(&hub, &env, Spoke::of(&env));
    let dry = ApplyOptions {
        dry_run: true,
        ..options()
    };
    let e = apply_plan(&hub.client(), &plan, &dry, |_| {})
        .await
        .expect_err("the project namespace does not exist yet");
    let text = e.to_string();
    assert!(text.contains("this was a dry run"), "{text}");
    assert!(!text.contains("was applied"), "{text}");
}
