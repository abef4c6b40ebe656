//! The hub before the walkthrough's Step 3, as the charts and `clusteradm` leave it.

use deployer::Environment;
use emulated_hub::FakeHub;
use serde_json::json;

use crate::registration;

/// The hub before Step 3: the KubeSlice controller's and KubeDB's namespaces (their charts
/// create them), the hub's StorageClasses (`kubedb.storageClasses`, else one `standard`
/// class), managed clusters joined and accepted ([`registration::join`]), their namespaces,
/// and the environment's MariaDBVersion when it gives one.
pub(crate) fn seed(hub: &FakeHub, env: &Environment) {
    let ks = &env.kubeslice;
    for name in [&ks.controller_namespace, &ks.operator_namespace] {
        let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
        if let Err(e) = hub.apply("helm", &ns, false) {
            tracing::warn!(error = %e, "seeding the fake hub");
        }
    }
    // The hub's storage classes: those the environment lists, else one default class.
    let classes = env
        .kubedb
        .storage_classes
        .clone()
        .unwrap_or_else(|| vec!["standard".to_owned()]);
    for class in classes {
        let sc = json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": class}, "provisioner": "kubernetes.io/no-provisioner"});
        if let Err(e) = hub.apply("helm", &sc, false) {
            tracing::warn!(error = %e, "seeding the fake hub");
        }
    }
    for mc in &env.hub.managed_clusters {
        registration::join(hub, mc);
    }
    seed_version(hub, env);
}

/// The MariaDBVersion the environment names, as KubeDB's catalog chart installs it (the
/// release catalog's TSV has no coordinator image, so no others are seeded).
fn seed_version(hub: &FakeHub, env: &Environment) {
    if let Some(version) = &env.database.mariadb_version {
        let mut v = serde_json::to_value(version).unwrap_or_default();
        if let Some(m) = v["metadata"].as_object_mut() {
            m.retain(|k, _| matches!(k.as_str(), "name" | "labels" | "annotations"));
        }
        if hub.serves("catalog.kubedb.com/v1alpha1", "MariaDBVersion")
            && let Err(e) = hub.apply("helm", &v, false)
        {
            tracing::warn!(error = %e, "seeding the fake hub");
        }
    }
}
