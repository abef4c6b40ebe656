//! What a world does not do, said rather than done wrong: a second database on its hub.

use kubedb_types::release::Release;
use simulated_clusters::harness::Deployed;

#[tokio::test]
async fn a_second_mariadb_is_not_provisioned_and_the_world_says_so() {
    let Deployed { hub, world, .. } = Deployed::walkthrough(Release::WALKTHROUGH)
        .await
        .expect("the seed applies and is Ready");

    // The same database under another name, through the same webhooks.
    let mut other = hub
        .get("kubedb.com/v1", "MariaDB", Some("demo"), "mariadb")
        .expect("stored");
    other["metadata"] = serde_json::json!({"name": "other", "namespace": "demo"});
    other.as_object_mut().expect("an object").remove("status");
    hub.apply("kubectl", &other, false)
        .expect("the second MariaDB is admitted");
    world.settled().await;

    let error = world.last_error().unwrap_or_default();
    assert!(
        error.contains("MariaDB demo/other: not provisioned"),
        "last error: {error:?}"
    );
    assert!(
        hub.get("apps.k8s.appscode.com/v1", "PetSet", Some("demo"), "other")
            .is_none(),
        "no PetSet for the database the world does not run"
    );
    assert_eq!(
        world.wsrep("mariadb-0").and_then(|s| s.cluster_size),
        Some(3)
    );
}
