//! What each release carries besides its webhooks: its embedded MariaDBVersion catalog, and
//! the conversion of a PlacementPolicy between the releases' shapes. (The admission rules are
//! data: `testdata/validation/`, run by `tests/datadriven.rs`.)

use kubedb_types::apps::v1::PlacementPolicy;
use kubedb_types::release::Release;
use serde_json::{Value, json};

const OLD: Release = Release::V2025_7_31;
const NEW: Release = Release::V2026_7_10;

fn current(csc: Value) -> PlacementPolicy {
    serde_json::from_value(json!({
        "apiVersion": "apps.k8s.appscode.com/v1", "kind": "PlacementPolicy",
        "metadata": {"name": "distributed-mariadb"},
        "spec": {"clusterSpreadConstraint": csc}
    }))
    .expect("valid PlacementPolicy JSON")
}

fn legacy(ocm: Value) -> PlacementPolicy {
    serde_json::from_value(json!({
        "apiVersion": "apps.k8s.appscode.com/v1", "kind": "PlacementPolicy",
        "metadata": {"name": "distributed-mariadb"},
        "spec": {"ocm": ocm}
    }))
    .expect("valid legacy PlacementPolicy JSON")
}

fn seed_current() -> PlacementPolicy {
    current(json!({
        "distributionRules": [
            {"clusterName": "demo-controller", "replicaIndices": [0, 2]},
            {"clusterName": "demo-worker", "replicaIndices": [1]}],
        "slice": {"projectNamespace": "kubeslice-demo-distributed-mariadb", "sliceName": "demo-slice"}
    }))
}

fn seed_legacy() -> PlacementPolicy {
    legacy(json!({"sliceName": "demo-slice", "distributionRules": [
        {"clusterName": "demo-controller", "replicas": [0, 2]},
        {"clusterName": "demo-worker", "replicas": [1]}]}))
}

#[test]
fn release_catalogs_are_embedded() {
    for r in Release::ALL {
        let catalog = r.catalog();
        assert!(catalog.get("11.5.2").is_some(), "{r} has 11.5.2");
        assert!(catalog.get("12.3.2").is_none(), "{r} lacks 12.3.2");
        // Deprecated versions are skipped by the default install.
        assert!(
            catalog.get("10.4.17").is_none(),
            "{r}: 10.4.17 is deprecated"
        );
        assert_eq!(
            catalog.get("10.4.32").map(|e| e.version.as_str()),
            Some("10.4.32")
        );
    }
    assert!(Release::V2025_7_31.catalog().get("12.1.2").is_none());
    assert!(Release::V2026_7_10.catalog().get("12.1.2").is_some());
}

/// Conversions carry what they can and report the rest, both ways.
#[test]
fn conversions_report_what_they_cannot_carry() {
    use kubedb_types::apps::v1::ConversionGap;
    let forward = seed_legacy().for_release(NEW, Some("kubeslice-demo-distributed-mariadb"));
    assert_eq!(forward.gaps, vec![]);
    assert_eq!(forward.policy, seed_current());
    let back = seed_current().for_release(OLD, None);
    assert_eq!(
        back.gaps,
        vec![ConversionGap::ProjectNamespaceDropped {
            namespace: "kubeslice-demo-distributed-mariadb".into()
        }]
    );
    assert_eq!(back.policy, seed_legacy());
    let rich = current(json!({
        "distributionRules": [{"clusterName": "a", "replicaIndices": [0], "storageClassName": "fast",
            "monitoring": {"prometheus": {"url": "http://p"}}}],
        "slice": {"projectNamespace": "", "sliceName": "s"}
    }));
    assert_eq!(
        rich.to_legacy().gaps,
        vec![
            ConversionGap::StorageClassDropped {
                cluster: "a".into(),
                class: "fast".into()
            },
            ConversionGap::MonitoringDropped {
                cluster: "a".into()
            },
        ]
    );
    assert_eq!(
        seed_legacy().converted(None).gaps,
        vec![ConversionGap::ProjectNamespace]
    );
    // Already in the target shape: nothing changes, nothing is lost.
    assert_eq!(seed_legacy().for_release(OLD, None).gaps, vec![]);
    assert_eq!(seed_legacy().for_release(OLD, None).policy, seed_legacy());
}
