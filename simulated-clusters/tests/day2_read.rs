//! `deployer::read_current` against the fake hub with simulated spokes, and day-2 targets that
//! name a cluster the policy does not have yet. The oracles are the objects the test GETs from
//! the hub itself, the walkthrough's layout written out by hand (ordinals 0 and 2 on
//! demo-controller, 1 on demo-worker) and the Galera model's own `wsrep%` status.
//!
//! (These live here rather than in `deployer/tests`: the simulated world depends on the
//! deployer, and a dev-dependency back from the deployer would make a cycle.)

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use deployer::day2::{Day2Error, Day2Options, Day2Step, Target, plan_day2};
use deployer::{
    ApplyOptions, Environment, PodRow, ReadCurrentError, ReadOptions, Readiness, apply_day2,
    pods_ready, read_current, watch_pods,
};
use emulated_hub::FakeHub;
use galera::status::WsrepStatus;
use kube::Api;
use kubedb_types::apps::v1::PlacementPolicy;
use kubedb_types::kubedb::v1::MariaDB;
use kubedb_types::release::Release;
use kubeslice_types::controller::v1alpha1::SliceConfig;
use simulated_clusters::harness::Deployed;
use simulated_clusters::{Spoke, World};

mod common;
use common::on_big_stack;

const WAIT: Duration = Duration::from_secs(20);

/// The walkthrough deployed on a fresh hub, the MariaDB Ready and its 3 pods Ready.
async fn deployed() -> (FakeHub, World, Environment) {
    deployed_for(Release::WALKTHROUGH).await
}

/// [`deployed`] on a hub running `release`, the walkthrough planned for it.
async fn deployed_for(release: Release) -> (FakeHub, World, Environment) {
    let Deployed {
        hub,
        world,
        client,
        env,
        ..
    } = Deployed::walkthrough(release)
        .await
        .unwrap_or_else(|e| panic!("the walkthrough applies and is Ready: {e}"));
    let (_, ready) = watch_pods(&client, "demo", "mariadb", WAIT, pods_ready(3)).await;
    assert!(ready, "3 pods Ready");
    world.settled().await;
    (hub, world, env)
}

/// The pods' `wsrep%` status, as `deployer::WsrepReader` returns it.
type Status = Pin<Box<dyn Future<Output = BTreeMap<String, WsrepStatus>> + Send>>;

/// Reads the status from the world's Galera model.
fn reader(world: &World) -> impl Fn(Vec<PodRow>) -> Status + Sync + '_ {
    move |rows: Vec<PodRow>| {
        let pods: Vec<String> = rows.into_iter().map(|r| r.pod).collect();
        let status = world.wsrep_of(&pods);
        Box::pin(async move { status }) as Status
    }
}

fn rows(current: &deployer::day2::Current) -> Vec<(String, String, bool)> {
    current
        .pods
        .iter()
        .map(|r| {
            (
                r.pod.clone(),
                r.cluster.clone(),
                r.ready == Readiness::Ready,
            )
        })
        .collect()
}

fn row(pod: &str, cluster: &str) -> (String, String, bool) {
    (pod.to_owned(), cluster.to_owned(), true)
}

#[test]
fn read_current_returns_what_the_hub_stores() {
    on_big_stack(|| async {
        let (hub, world, _) = Box::pin(deployed()).await;
        let client = hub.client();
        let read = reader(&world);
        let options = ReadOptions {
            wsrep: Some(&read),
            ..ReadOptions::new(Release::WALKTHROUGH)
        };
        let current = Box::pin(read_current(&client, "demo", "mariadb", &options))
            .await
            .expect("reads");

        // The objects as the hub stores them, read here independently.
        let db: MariaDB = Api::namespaced(client.clone(), "demo")
            .get("mariadb")
            .await
            .expect("MariaDB");
        let pp: PlacementPolicy = Api::all(client.clone())
            .get("distributed-mariadb")
            .await
            .expect("PlacementPolicy");
        let slice: SliceConfig =
            Api::namespaced(client.clone(), "kubeslice-demo-distributed-mariadb")
                .get("demo-slice")
                .await
                .expect("SliceConfig");
        assert_eq!(current.mariadb, db);
        assert_eq!(current.policy, pp);
        assert_eq!(current.slice, slice);
        // The walkthrough's release stores the policy in its own shape.
        assert!(current.policy.spec.ocm.is_some());
        // whose spec.ocm.sliceName has no namespace: the SliceConfig was found by name.
        assert!(
            hub.requests().iter().any(|r| r.path
                == "/apis/controller.kubeslice.io/v1alpha1/sliceconfigs"
                && r.query.contains("metadata.name")),
            "{:?}",
            hub.requests().iter().map(|r| &r.path).collect::<Vec<_>>()
        );
        assert_eq!(current.release, Release::WALKTHROUGH);

        assert_eq!(
            rows(&current),
            [
                row("mariadb-0", "demo-controller"),
                row("mariadb-1", "demo-worker"),
                row("mariadb-2", "demo-controller"),
            ]
        );
        assert!(
            current.pods.iter().all(|r| r.ip.is_some()),
            "{:?}",
            current.pods
        );
        assert_eq!(current.wsrep.len(), 3);
        for (pod, s) in &current.wsrep {
            assert_eq!(s.cluster_size, Some(3), "{pod}: {s:?}");
            assert!(s.is_synced_primary_member(), "{pod}: {s:?}");
        }
        let mut clusters: Vec<String> = current
            .managed_clusters
            .iter()
            .filter_map(|mc| mc.metadata.name.clone())
            .collect();
        clusters.sort();
        assert_eq!(clusters, ["demo-controller", "demo-worker"]);

        // Given the namespace, the slice is read from it directly; the same object.
        let options = ReadOptions {
            project_namespace: Some("kubeslice-demo-distributed-mariadb"),
            ..ReadOptions::new(Release::WALKTHROUGH)
        };
        let again = Box::pin(read_current(&client, "demo", "mariadb", &options))
            .await
            .expect("reads");
        assert_eq!(again.slice, slice);
        assert!(again.wsrep.is_empty(), "no reader, no wsrep status");
    });
}

/// The newest release's policy names the slice with its namespace
/// (`spec.clusterSpreadConstraint.slice`): the SliceConfig is read from there.
#[test]
fn the_newest_releases_policy_names_its_slice_with_the_namespace() {
    on_big_stack(|| async {
        let (hub, _world, _) = Box::pin(deployed_for(Release::NEWEST)).await;
        let client = hub.client();
        let current = Box::pin(read_current(
            &client,
            "demo",
            "mariadb",
            &ReadOptions::new(Release::NEWEST),
        ))
        .await
        .expect("reads");
        let pp: PlacementPolicy = Api::all(client.clone())
            .get("distributed-mariadb")
            .await
            .expect("PlacementPolicy");
        let slice: SliceConfig =
            Api::namespaced(client.clone(), "kubeslice-demo-distributed-mariadb")
                .get("demo-slice")
                .await
                .expect("SliceConfig");
        assert_eq!(current.policy, pp);
        assert!(current.policy.spec.cluster_spread_constraint.is_some());
        assert_eq!(current.slice, slice);
        assert_eq!(current.release, Release::NEWEST);
        assert_eq!(current.pods.len(), 3);
        // Only the namespaced GET: no list of SliceConfigs by name.
        let lists: Vec<String> = hub
            .requests()
            .iter()
            .map(|r| r.path.clone())
            .filter(|p| p.ends_with("/sliceconfigs"))
            .collect();
        assert!(lists.is_empty(), "{lists:?}");
    });
}

#[test]
fn a_missing_placement_policy_is_named() {
    on_big_stack(|| async {
        let (hub, _world, _) = Box::pin(deployed()).await;
        hub.delete(
            "apps.k8s.appscode.com/v1",
            "PlacementPolicy",
            None,
            "distributed-mariadb",
        )
        .expect("deleted");
        let err = Box::pin(read_current(
            &hub.client(),
            "demo",
            "mariadb",
            &ReadOptions::new(Release::WALKTHROUGH),
        ))
        .await
        .expect_err("no policy");
        let ReadCurrentError::Missing { object, remedy } = &err else {
            panic!("{err}");
        };
        assert_eq!(object, "PlacementPolicy/distributed-mariadb");
        assert!(remedy.contains("MariaDB/demo/mariadb"), "{err}");

        // A database that is not there is named too.
        let err = Box::pin(read_current(
            &hub.client(),
            "demo",
            "nope",
            &ReadOptions::new(Release::WALKTHROUGH),
        ))
        .await
        .expect_err("no MariaDB");
        assert!(
            matches!(&err, ReadCurrentError::Missing { object, .. } if object == "MariaDB/demo/nope"),
            "{err}"
        );
    });
}

#[test]
fn another_release_than_the_hubs_is_refused() {
    on_big_stack(|| async {
        let (hub, _world, _) = Box::pin(deployed()).await;
        let err = Box::pin(read_current(
            &hub.client(),
            "demo",
            "mariadb",
            &ReadOptions::new(Release::NEWEST),
        ))
        .await
        .expect_err("the hub runs the walkthrough's release");
        assert!(
            matches!(
                &err,
                ReadCurrentError::ReleaseMismatch {
                    found: "ocm",
                    expected: "clusterSpreadConstraint",
                    ..
                }
            ),
            "{err}"
        );
    });
}

/// `--target demo-controller=2,demo-worker=1,demo-far=2` after demo-far registered with the
/// hub: the slice join, the policy extension and the scale, planned from the hub's state.
#[test]
fn a_target_naming_a_new_cluster_converges() {
    on_big_stack(|| async {
        let (hub, world, env) = Box::pin(deployed()).await;
        let client = hub.client();
        let mut far = env.hub.managed_clusters[0].clone();
        far.metadata.name = Some("demo-far".into());
        world.add_spoke(
            Spoke {
                cluster: "demo-far".into(),
                raw_feedback: true,
            },
            &far,
        );
        world.settled().await;
        let read = reader(&world);
        let options = ReadOptions {
            wsrep: Some(&read),
            ..ReadOptions::new(Release::WALKTHROUGH)
        };
        let current = Box::pin(read_current(&client, "demo", "mariadb", &options))
            .await
            .expect("reads");
        let target: BTreeMap<String, u32> = [
            ("demo-controller".to_owned(), 2),
            ("demo-worker".to_owned(), 1),
            ("demo-far".to_owned(), 2),
        ]
        .into();
        let day2 = plan_day2(
            &current,
            &Target::PerCluster(target.clone()),
            &Day2Options::default(),
        )
        .expect("plans");
        assert!(
            matches!(&day2.steps[0], Day2Step::JoinSlice { cluster, .. } if cluster == "demo-far"),
            "{:#?}",
            day2.steps
        );
        assert_eq!(day2.target, target);
        let apply_options = ApplyOptions {
            wait: Some(WAIT),
            ..ApplyOptions::default()
        };
        Box::pin(apply_day2(
            &client,
            &day2,
            &apply_options,
            Some(&read),
            |_| {},
        ))
        .await
        .expect("the scale applies");
        world.settled().await;

        // Read back from the hub: the policy and slice have demo-far, 5 pods Ready where the
        // policy appended the new ordinals, and the Galera model has five members.
        let after = Box::pin(read_current(&client, "demo", "mariadb", &options))
            .await
            .expect("reads");
        assert_eq!(after.mariadb.spec.replicas, Some(5));
        assert!(
            after.slice.spec.clusters().contains(&"demo-far".to_owned()),
            "{:?}",
            after.slice.spec.clusters
        );
        let far_indices: Vec<i32> = after
            .policy
            .distribution()
            .into_iter()
            .filter(|(c, _)| *c == "demo-far")
            .flat_map(|(_, i)| i.to_vec())
            .collect();
        assert_eq!(far_indices, [3, 4]);
        assert_eq!(
            rows(&after),
            [
                row("mariadb-0", "demo-controller"),
                row("mariadb-1", "demo-worker"),
                row("mariadb-2", "demo-controller"),
                row("mariadb-3", "demo-far"),
                row("mariadb-4", "demo-far"),
            ]
        );
        assert_eq!(after.wsrep.len(), 5);
        for (pod, s) in &after.wsrep {
            assert_eq!(s.cluster_size, Some(5), "{pod}: {s:?}");
        }
        assert_eq!(world.last_error(), None);
    });
}

/// A new cluster that cannot join is refused by the planner, before anything is written.
#[test]
fn a_new_cluster_that_cannot_join_is_refused_before_anything_is_written() {
    on_big_stack(|| async {
        let (hub, _world, env) = Box::pin(deployed()).await;
        let writes = hub.writes().len();
        let mut current = Box::pin(read_current(
            &hub.client(),
            "demo",
            "mariadb",
            &ReadOptions::new(Release::WALKTHROUGH),
        ))
        .await
        .expect("reads");
        let target = |far: &str| {
            Target::PerCluster(
                [
                    ("demo-controller".to_owned(), 2),
                    ("demo-worker".to_owned(), 1),
                    (far.to_owned(), 2),
                ]
                .into(),
            )
        };
        // Not registered with the hub.
        let err = plan_day2(&current, &target("demo-far"), &Day2Options::default()).unwrap_err();
        assert_eq!(err, Day2Error::UnknownCluster("demo-far".into()));
        assert!(err.to_string().contains("clusteradm"), "{err}");
        // Registered, but at maxClusters.
        let mut far = env.hub.managed_clusters[0].clone();
        far.metadata.name = Some("demo-far".into());
        current.managed_clusters.push(far);
        current.slice.spec.max_clusters = Some(2);
        let err = plan_day2(&current, &target("demo-far"), &Day2Options::default()).unwrap_err();
        assert!(
            matches!(&err, Day2Error::NewCluster { cluster, reasons }
            if cluster == "demo-far" && reasons.iter().any(|r| r.contains("exceed maxClusters 2"))),
            "{err}"
        );
        assert_eq!(hub.writes().len(), writes, "the reads wrote nothing");
    });
}
