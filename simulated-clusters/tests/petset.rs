//! The deployer's preview of what PetSet sends to each spoke against what the simulated
//! PetSet controller creates on the hub from the stored PetSet and PlacementPolicy alone
//! (the world is never given the plan): equal for the walkthrough in both KubeDB releases and
//! for random valid environments. And editing the stored policy or replicas moves works as
//! PetSet does.
//!
//! The two sides are built independently: the deployer from its [`Environment`], the world
//! from kubeops/petset's rules (`simulated_clusters::petset`) applied to what the hub stores.
//! Compared: each work's name, namespace and labels, its manifests and its manifest configs.
//! Ignored, because the hub or the controller decides them at run time and the deployer cannot
//! know them: the `controller-revision-hash` label (the ControllerRevision's name) and the
//! `uid` of owner references.

use std::collections::BTreeMap;
use std::time::Duration;

use deployer::{ApplyOptions, Environment, PlacementRequest, apply_plan, plan, wait_for_phase};
use emulated_hub::FakeHub;
use kubedb_types::kubedb::v1::DatabasePhase;
use kubedb_types::release::Release;
use proptest::prelude::*;
use serde_json::{Value, json};
use simulated_clusters::{Spoke, World};

const WAIT: Duration = Duration::from_secs(20);
const REVISION_LABEL: &str = "controller-revision-hash";

/// A hub serving `release` with its webhooks, OCM and KubeSlice from the pinned CRDs.
fn hub(release: Release) -> FakeHub {
    simulated_clusters::hub_for(release)
}

fn options() -> ApplyOptions {
    ApplyOptions {
        backoff: Duration::from_millis(5),
        wait: Some(WAIT),
        ..ApplyOptions::default()
    }
}

/// What is compared of a work: name, namespace, labels, manifests, manifest configs.
fn comparable(work: &Value) -> Value {
    let mut labels = work["metadata"]["labels"].clone();
    if let Some(l) = labels.as_object_mut() {
        l.remove(REVISION_LABEL);
    }
    let mut manifests = work["spec"]["workload"]["manifests"].clone();
    for m in manifests.as_array_mut().into_iter().flatten() {
        if let Some(l) = m["metadata"]["labels"].as_object_mut() {
            l.remove(REVISION_LABEL);
        }
        for r in m["metadata"]["ownerReferences"]
            .as_array_mut()
            .into_iter()
            .flatten()
        {
            if let Some(r) = r.as_object_mut() {
                r.remove("uid");
            }
        }
    }
    json!({
        "name": work["metadata"]["name"],
        "namespace": work["metadata"]["namespace"],
        "labels": labels,
        "manifests": manifests,
        "manifestConfigs": work["spec"]["manifestConfigs"],
    })
}

fn by_key(works: impl IntoIterator<Item = Value>) -> BTreeMap<String, Value> {
    works
        .into_iter()
        .map(|w| {
            let c = comparable(&w);
            (
                format!(
                    "{}/{}",
                    c["namespace"].as_str().unwrap_or("?"),
                    c["name"].as_str().unwrap_or("?")
                ),
                c,
            )
        })
        .collect()
}

/// The preview's works, comparable.
fn previewed(env: &Environment) -> BTreeMap<String, Value> {
    let plan = plan(env).unwrap_or_else(|e| panic!("{e}: {:#?}", e.findings));
    by_key(
        plan.spokes
            .iter()
            .flat_map(|s| &s.works)
            .map(|w| serde_json::to_value(w).expect("work serialises")),
    )
}

/// The PetSet controller's works on the hub, comparable.
fn created(hub: &FakeHub) -> BTreeMap<String, Value> {
    by_key(
        hub.list("work.open-cluster-management.io/v1", "ManifestWork", None)
            .into_iter()
            .filter(|w| w["metadata"]["labels"]["open-cluster-management.io/role"].is_string()),
    )
}

/// Applies `env`'s plan to a fresh hub of its release with the world running, until Ready.
async fn deploy(env: &Environment) -> (FakeHub, World) {
    let hub = hub(env.kubedb.release);
    let world = World::start(&hub, env, Spoke::of(env));
    let plan = plan(env).unwrap_or_else(|e| panic!("{e}"));
    if !plan.placement.iter().any(|p| p.cluster == env.hub.name) {
        // Without a pod on the hub the slice does not onboard the database's namespace
        // there: the user creates it (`kubectl create namespace`).
        hub.apply(
            "kubectl",
            &json!({"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": env.database.namespace}}),
            false,
        )
        .expect("namespace");
    }
    apply_plan(&hub.client(), &plan, &options(), |_| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let db = &env.database;
    wait_for_phase(
        &hub.client(),
        &db.namespace,
        &db.name,
        DatabasePhase::Ready,
        WAIT,
        |_| {},
    )
    .await
    .unwrap_or_else(|e| panic!("{e}; last controller error: {:?}", world.last_error()));
    world.settled().await;
    (hub, world)
}

/// Every difference, one line each (or "" when equal).
fn diff(preview: &BTreeMap<String, Value>, hub: &BTreeMap<String, Value>) -> String {
    let mut out = String::new();
    for key in preview.keys().chain(hub.keys()) {
        match (preview.get(key), hub.get(key)) {
            (Some(p), Some(h)) if p != h => {
                out.push_str(&format!("{key} differs:\n  preview: {p}\n  hub:     {h}\n"))
            }
            (Some(_), None) => out.push_str(&format!("{key}: previewed, not created\n")),
            (None, Some(_)) => out.push_str(&format!("{key}: created, not previewed\n")),
            _ => {}
        }
    }
    out
}

#[tokio::test]
async fn the_walkthrough_preview_is_what_petset_creates_in_both_releases() {
    for release in Release::ALL {
        let mut env = Environment::seed();
        env.kubedb.release = release;
        let (hub, world) = deploy(&env).await;
        let (preview, created) = (previewed(&env), created(&hub));
        assert_eq!(
            created.keys().collect::<Vec<_>>(),
            [
                "demo-controller/data-mariadb-0",
                "demo-controller/data-mariadb-2",
                "demo-controller/mariadb-0",
                "demo-controller/mariadb-2",
                "demo-worker/data-mariadb-1",
                "demo-worker/mariadb-1",
            ],
            "{release}"
        );
        let d = diff(&preview, &created);
        assert!(d.is_empty(), "{release}:\n{d}");
        assert_eq!(world.last_error(), None, "{release}");
    }
}

/// The works differ between the releases exactly as petset v0.0.11 and 05a56e31 differ.
#[tokio::test]
async fn the_release_decides_the_shape_of_the_works() {
    let mut old = Environment::seed();
    old.kubedb.release = Release::V2025_7_31;
    let mut new = old.clone();
    new.kubedb.release = Release::V2026_7_10;
    let (old_hub, _w1) = deploy(&old).await;
    let (new_hub, _w2) = deploy(&new).await;
    let old = created(&old_hub);
    let new = created(&new_hub);
    let pod = "demo-worker/mariadb-1";
    let paths = |w: &Value| -> Vec<String> {
        w["manifestConfigs"][0]["feedbackRules"][0]["jsonPaths"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(
        paths(&old[pod]),
        ["PodPhase", "PodIP", "ReadyCondition", "PodRoleLabel"]
    );
    assert_eq!(
        paths(&new[pod]),
        [
            "PodPhase",
            "PodIP",
            "ReadyCondition",
            "PodRoleLabel",
            "NodeName"
        ]
    );
    assert!(old[pod]["manifestConfigs"][0]["updateStrategy"].is_null());
    assert_eq!(
        new[pod]["manifestConfigs"][0]["updateStrategy"]["type"],
        "ServerSideApply"
    );
    let claim = "demo-worker/data-mariadb-1";
    assert!(old[claim]["manifestConfigs"].is_null());
    assert_eq!(paths(&new[claim]), ["Capacity"]);
    let owners = |w: &Value| w["manifests"][0]["metadata"]["ownerReferences"].clone();
    assert_eq!(owners(&old[pod])[0]["kind"], "PetSet");
    assert!(owners(&new[pod]).is_null());
}

/// Random valid placements of 1 to 6 replicas over up to 3 clusters, in either release.
fn environment() -> impl Strategy<Value = Environment> {
    (
        placement::strategies::valid_policy(3, 6)
            .prop_filter("at least one replica", |p| !p.is_empty()),
        prop::sample::select(Release::ALL.to_vec()),
        prop::option::of(prop::sample::select(vec!["fast", "standard"])),
    )
        .prop_map(|(policy, release, db_class)| {
            let names = ["demo-controller", "demo-worker", "third-cluster"];
            let mut env = Environment::seed();
            env.kubedb.release = release;
            // A third joined cluster, like demo-worker.
            let mut third = env.hub.managed_clusters[1].clone();
            third.metadata.name = Some(names[2].to_owned());
            env.hub.managed_clusters.push(third);
            let klusterlet = env.hub.klusterlets["demo-worker"].clone();
            env.hub.klusterlets.insert(names[2].to_owned(), klusterlet);
            env.kubeslice
                .network_interfaces
                .insert(names[2].to_owned(), "enp1s0".to_owned());
            env.kubedb.storage_classes = Some(
                ["standard", "fast", "a", "b", "c"]
                    .map(str::to_owned)
                    .to_vec(),
            );
            env.database.storage_class = db_class.map(str::to_owned);
            env.database.replicas = policy.len() as u32;
            let rules = policy
                .rules
                .iter()
                .filter(|r| !r.indices.is_empty())
                .map(|r| {
                    let i: usize = r.cluster.trim_start_matches('c').parse().unwrap_or(0);
                    // v2025.7.31's policy carries no storage class (preflight refuses one).
                    let class = (release == Release::V2026_7_10)
                        .then(|| r.storage_class.as_ref().map(|c| c[..1].to_owned()))
                        .flatten()
                        .filter(|c| ["a", "b", "c"].contains(&c.as_str()));
                    deployer::ClusterOrdinals {
                        cluster: names[i.min(2)].to_owned(),
                        ordinals: r.indices.clone(),
                        storage_class: class,
                    }
                })
                .collect();
            env.database.placement = PlacementRequest::Explicit(rules);
            env
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn the_preview_is_what_petset_creates_for_random_environments(env in environment()) {
        prop_assume!(plan(&env).is_ok());
        // On a thread of its own with 8 MiB of stack: in a debug build, decoding a watched
        // MariaDB (k8s-openapi's pod template) under proptest's runner and the whole
        // deployment's future is deeper than a test thread's 2 MiB.
        let run = env.clone();
        let d = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(async {
                    let (hub, _world) = deploy(&run).await;
                    diff(&previewed(&run), &created(&hub))
                })
            })
            .expect("thread")
            .join()
            .expect("the deployment does not panic");
        prop_assert!(d.is_empty(), "{}:\n{}", env.kubedb.release, d);
    }
}

mod editing {
    use super::*;
    use kube::api::{Api, DeleteParams, Patch, PatchParams};
    use kubedb_types::apps::v1::PlacementPolicy;
    use kubedb_types::kubedb::v1::MariaDB;
    use ocm_types::work::v1::ManifestWork;

    /// `(cluster/work)` names of the PetSet's works of `role`.
    fn works(hub: &FakeHub, role: &str) -> Vec<String> {
        let mut out: Vec<String> = hub
            .list("work.open-cluster-management.io/v1", "ManifestWork", None)
            .into_iter()
            .filter(|w| w["metadata"]["labels"]["open-cluster-management.io/role"] == role)
            .map(|w| {
                format!(
                    "{}/{}",
                    w["metadata"]["namespace"].as_str().unwrap_or("?"),
                    w["metadata"]["name"].as_str().unwrap_or("?")
                )
            })
            .collect();
        out.sort();
        out
    }

    async fn ready(hub: &FakeHub, world: &World) {
        wait_for_phase(
            &hub.client(),
            "demo",
            "mariadb",
            DatabasePhase::Ready,
            WAIT,
            |_| {},
        )
        .await
        .unwrap_or_else(|e| panic!("{e}; last controller error: {:?}", world.last_error()));
        world.settled().await;
    }

    async fn policy(hub: &FakeHub, rules: Value) -> Result<(), kube::Error> {
        let api: Api<PlacementPolicy> = Api::all(hub.client());
        let mut stored =
            serde_json::to_value(api.get("distributed-mariadb").await?).expect("policy serialises");
        stored["spec"]["clusterSpreadConstraint"]["distributionRules"] = rules;
        let config = json!({"apiVersion": "apps.k8s.appscode.com/v1", "kind": "PlacementPolicy",
            "metadata": {"name": "distributed-mariadb"}, "spec": stored["spec"]});
        api.patch(
            "distributed-mariadb",
            &PatchParams::apply("galera-deployer").force(),
            &Patch::Apply(config),
        )
        .await
        .map(|_| ())
    }

    async fn replicas(hub: &FakeHub, n: i32) {
        let api: Api<MariaDB> = Api::namespaced(hub.client(), "demo");
        api.patch(
            "mariadb",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": n}})),
        )
        .await
        .expect("replicas patched");
    }

    /// Scaling up adds the new ordinal's claim and pod works where the policy (appended to)
    /// puts it; scaling down deletes the highest ordinals' pod works and keeps every claim.
    #[tokio::test]
    async fn scaling_creates_and_deletes_works_as_petset_does() {
        let mut env = Environment::seed();
        env.kubedb.release = Release::V2026_7_10;
        let (hub, world) = deploy(&env).await;
        policy(
            &hub,
            json!([{"clusterName": "demo-controller", "replicaIndices": [0, 2, 4]},
                   {"clusterName": "demo-worker", "replicaIndices": [1, 3]}]),
        )
        .await
        .expect("appending indices is allowed");
        world.settled().await;
        assert_eq!(
            works(&hub, "pod").len(),
            3,
            "a policy change alone creates nothing"
        );
        replicas(&hub, 5).await;
        world.settled().await;
        ready(&hub, &world).await;
        assert_eq!(
            works(&hub, "pod"),
            [
                "demo-controller/mariadb-0",
                "demo-controller/mariadb-2",
                "demo-controller/mariadb-4",
                "demo-worker/mariadb-1",
                "demo-worker/mariadb-3"
            ]
        );
        assert_eq!(
            world.wsrep("mariadb-3").and_then(|s| s.cluster_size),
            Some(5)
        );
        // KubeDB's webhook keeps a Galera cluster at 3 or more.
        replicas(&hub, 3).await;
        world.settled().await;
        ready(&hub, &world).await;
        assert_eq!(
            works(&hub, "pod"),
            [
                "demo-controller/mariadb-0",
                "demo-controller/mariadb-2",
                "demo-worker/mariadb-1"
            ]
        );
        assert_eq!(
            works(&hub, "pvc"),
            [
                "demo-controller/data-mariadb-0",
                "demo-controller/data-mariadb-2",
                "demo-controller/data-mariadb-4",
                "demo-worker/data-mariadb-1",
                "demo-worker/data-mariadb-3"
            ],
            "PetSet never deletes claim works"
        );
        assert_eq!(
            world.wsrep("mariadb-0").and_then(|s| s.cluster_size),
            Some(3)
        );
        assert_eq!(world.wsrep("mariadb-4"), None);
        assert_eq!(world.last_error(), None);
    }

    /// The release's webhook refuses moving an existing ordinal; without it, PetSet leaves the
    /// running pod where it is and places the ordinal by the new policy only when it recreates
    /// the pod (its work deleted), with a new claim work there (the old one stays).
    #[tokio::test]
    async fn a_moved_ordinal_moves_only_when_its_pod_is_recreated() {
        let mut env = Environment::seed();
        env.kubedb.release = Release::V2026_7_10;
        let (hub, _world) = deploy(&env).await;
        let moved = json!([{"clusterName": "demo-controller", "replicaIndices": [0, 1, 2]},
                           {"clusterName": "demo-worker", "replicaIndices": []}]);
        let refused = policy(&hub, moved.clone())
            .await
            .expect_err("the webhook refuses");
        assert!(
            refused
                .to_string()
                .contains("cannot modify existing replica assignments"),
            "{refused}"
        );

        // The same hub kinds without KubeDB's webhooks.
        let hub = simulated_clusters::hub();
        let world = World::start(&hub, &env, Spoke::of(&env));
        let plan = plan(&env).expect("plans");
        apply_plan(&hub.client(), &plan, &options(), |_| {})
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        ready(&hub, &world).await;
        policy(&hub, moved).await.expect("no webhook");
        world.settled().await;
        assert_eq!(
            works(&hub, "pod"),
            [
                "demo-controller/mariadb-0",
                "demo-controller/mariadb-2",
                "demo-worker/mariadb-1"
            ],
            "a running pod is not moved"
        );
        let api: Api<ManifestWork> = Api::namespaced(hub.client(), "demo-worker");
        api.delete("mariadb-1", &DeleteParams::default())
            .await
            .expect("work deleted");
        world.settled().await;
        ready(&hub, &world).await;
        assert_eq!(
            works(&hub, "pod"),
            [
                "demo-controller/mariadb-0",
                "demo-controller/mariadb-1",
                "demo-controller/mariadb-2"
            ]
        );
        assert_eq!(
            works(&hub, "pvc"),
            [
                "demo-controller/data-mariadb-0",
                "demo-controller/data-mariadb-1",
                "demo-controller/data-mariadb-2",
                "demo-worker/data-mariadb-1"
            ]
        );
        assert_eq!(
            world
                .pods()
                .iter()
                .map(|(p, c, _)| format!("{p}@{c}"))
                .collect::<Vec<_>>(),
            [
                "mariadb-0@demo-controller",
                "mariadb-1@demo-controller",
                "mariadb-2@demo-controller"
            ]
        );
        assert_eq!(
            world.wsrep("mariadb-1").and_then(|s| s.cluster_size),
            Some(3)
        );
    }
}
