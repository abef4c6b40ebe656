//! The pod and PVC ManifestWorks the plan previews, byte for byte as JSON, against fixtures
//! recorded from the deployer's earlier construction with `json!` literals (after its fixes
//! from comparing with the simulated PetSet controller: work labels, spread placement, the
//! per-release work shapes): building the manifests with k8s-openapi's `Pod` and
//! `PersistentVolumeClaim` must not change a byte of what the hub compares with the PetSet
//! controller's works.

use deployer::{Environment, draft};

/// The walkthrough's environment with everything that changes the manifests set: the
/// MariaDBVersion's images (the catalog sample of MariaDB 12.3.2, trimmed to its required
/// fields), a database-wide storage class overridden on one cluster, and mariabackup SST.
fn rich() -> Environment {
    let mut env = serde_json::to_value(Environment::seed()).expect("serialises");
    env["kubedb"]["release"] = "v2026.7.10".into();
    let db = &mut env["database"];
    db["version"] = "12.3.2".into();
    db["storageClass"] = "standard".into();
    db["wsrepSstMethod"] = "mariabackup".into();
    db["placement"] = serde_json::json!([
        {"cluster": "demo-controller", "ordinals": [0, 2]},
        {"cluster": "demo-worker", "ordinals": [1], "storageClass": "fast"}
    ]);
    db["mariadbVersion"] = serde_json::json!({
        "apiVersion": "catalog.kubedb.com/v1alpha1", "kind": "MariaDBVersion",
        "metadata": {"name": "12.3.2"},
        "spec": {
            "version": "12.3.2",
            "db": {"image": "ghcr.io/appscode-images/mariadb:12.3.2-noble"},
            "coordinator": {"image": "ghcr.io/kubedb/mariadb-coordinator:v0.47.0-rc.0"},
            "initContainer": {"image": "ghcr.io/kubedb/mariadb-init:0.9.0"},
            "exporter": {"image": "docker.io/prom/mysqld-exporter:v0.18.0"},
            "podSecurityPolicies": {"databasePolicyName": "maria-db"}
        }
    });
    Environment::from_value("rich", env).expect("a valid environment")
}

fn works_json(env: &Environment) -> String {
    let plan = draft(env).expect("placeable");
    let works: Vec<serde_json::Value> = plan
        .spokes
        .iter()
        .flat_map(|s| s.works.iter())
        .map(|w| serde_json::to_value(w).expect("serialises"))
        .collect();
    let mut out = serde_json::to_string_pretty(&works).expect("serialises");
    out.push('\n');
    out
}

#[test]
fn the_seed_previews_are_unchanged() {
    assert_eq!(
        works_json(&Environment::seed()),
        include_str!("previews/seed.json")
    );
}

#[test]
fn previews_with_images_storage_classes_and_mariabackup_are_unchanged() {
    assert_eq!(works_json(&rich()), include_str!("previews/rich.json"));
}
