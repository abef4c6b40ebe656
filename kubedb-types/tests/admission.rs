//! Each admission rule accepts a good object and rejects a bad one with the expected error,
//! per KubeDB release where the releases differ. Expected messages are written out here from
//! the upstream sources each test cites, not computed by the code under test.

use kubedb_types::admission::*;
use kubedb_types::apps::v1::{PetSet, PlacementPolicy, RuleRole};
use kubedb_types::kubedb::v1::MariaDB;
use kubedb_types::release::{CatalogEntry, PolicyShape, Release};
use serde_json::{Value, json};

const OLD: Release = Release::V2025_7_31;
const NEW: Release = Release::V2026_7_10;

fn md(spec: Value) -> MariaDB {
    let mut spec = spec;
    // Durable (the default) needs a storage request; tests that are about storage replace it.
    if spec.get("storage").is_none() {
        spec["storage"] = json!({"resources": {"requests": {"storage": "1Gi"}}});
    }
    serde_json::from_value(json!({
        "apiVersion": "kubedb.com/v1", "kind": "MariaDB",
        "metadata": {"name": "mariadb", "namespace": "demo"}, "spec": spec
    }))
    .expect("valid MariaDB JSON")
}

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

fn seed_policy(release: Release) -> PlacementPolicy {
    match release.policy_shape() {
        PolicyShape::Ocm => seed_legacy(),
        PolicyShape::ClusterSpreadConstraint => seed_current(),
    }
}

fn seed_md() -> MariaDB {
    md(json!({
        "version": "11.5.2", "replicas": 3, "distributed": true, "deletionPolicy": "WipeOut",
        "storageType": "Durable",
        "storage": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "500Mi"}}},
        "podTemplate": {"spec": {"podPlacementPolicy": {"name": "distributed-mariadb"}}}
    }))
}

fn check(m: &MariaDB, release: Release) -> Vec<Violation> {
    validate_mariadb(m, release, &MariaDBInputs::default())
}

fn rules(v: Vec<Violation>) -> Vec<Rule> {
    v.into_iter().map(|v| v.rule).collect()
}

fn only(v: Vec<Violation>) -> Violation {
    assert_eq!(v.len(), 1, "expected exactly one violation, got {v:?}");
    v.into_iter().next().expect("one violation")
}

fn both(test: impl Fn(Release)) {
    for r in Release::ALL {
        test(r);
    }
}

#[test]
fn seed_mariadb_with_its_release_policy_is_accepted() {
    both(|r| {
        let pp = seed_policy(r);
        let version = CatalogEntry {
            name: "11.5.2".into(),
            version: "11.5.2".into(),
            deprecated: false,
        };
        let hub = MariaDBInputs {
            policy: PolicyLookup::Known(Some(&pp)),
            version: VersionLookup::Known(Some(&version)),
            storage_classes: None,
        };
        assert_eq!(validate_mariadb(&seed_md(), r, &hub), vec![], "{r}");
        assert_eq!(
            validate_placement_policy(&pp, r, SliceLookup::Unknown),
            vec![]
        );
    });
}

/// `apimachinery@v0.57.0:pkg/webhooks/kubedb/v1/mariadb.go` (the `Distributed` branch) needs
/// `spec.ocm`; `apimachinery@861df6898a80` needs `spec.clusterSpreadConstraint`.
#[test]
fn distributed_needs_the_release_shape() {
    let legacy = seed_legacy();
    let current = seed_current();
    let with = |pp: &PlacementPolicy, r| {
        validate_mariadb(
            &seed_md(),
            r,
            &MariaDBInputs {
                policy: PolicyLookup::Known(Some(pp)),
                ..Default::default()
            },
        )
    };
    assert_eq!(with(&legacy, OLD), vec![]);
    assert_eq!(with(&current, NEW), vec![]);
    let v = only(with(&current, OLD));
    assert_eq!(
        v.rule,
        Rule::PolicyShapeMissing {
            policy: "distributed-mariadb".into(),
            shape: PolicyShape::Ocm,
            other_shape: true
        }
    );
    assert_eq!(
        v.upstream_message(),
        "'spec.ocm' is required in distributed-mariadb for distributed mariadb"
    );
    let v = only(with(&legacy, NEW));
    assert_eq!(
        v.upstream_message(),
        "'spec.clusterSpreadConstraint' is required in distributed-mariadb for distributed mariadb"
    );
    // Neither shape: the message is the same, with no hint about the other shape.
    let zone_only: PlacementPolicy = serde_json::from_value(json!({
        "apiVersion": "apps.k8s.appscode.com/v1", "kind": "PlacementPolicy",
        "metadata": {"name": "distributed-mariadb"},
        "spec": {"zoneSpreadConstraint": {"maxSkew": 1, "whenUnsatisfiable": "DoNotSchedule"}}
    }))
    .expect("policy");
    assert!(matches!(
        only(with(&zone_only, NEW)).rule,
        Rule::PolicyShapeMissing {
            other_shape: false,
            ..
        }
    ));
}

#[test]
fn distributed_needs_an_existing_policy() {
    both(|r| {
        let hub = MariaDBInputs {
            policy: PolicyLookup::Known(None),
            ..Default::default()
        };
        let v = only(validate_mariadb(&seed_md(), r, &hub));
        assert_eq!(v.path, "spec.podTemplate.spec.podPlacementPolicy");
        assert_eq!(
            v.upstream_message(),
            "placementpolicies.apps.k8s.appscode.com \"distributed-mariadb\" not found"
        );
        // Without a reference the CRD default `default` is looked up.
        let mut unnamed = seed_md();
        unnamed.spec.pod_template = None;
        assert_eq!(
            rules(validate_mariadb(&unnamed, r, &hub)),
            vec![Rule::PlacementPolicyNotFound {
                name: "default".into()
            }]
        );
    });
}

/// Ordinal coverage is the PetSet webhook's (`petset@v0.0.11:pkg/webhooks/apps/v1/petset.go`),
/// so a MariaDB with more replicas than its policy maps is admitted by the MariaDB webhook.
#[test]
fn ordinal_coverage_is_not_a_mariadb_rule() {
    both(|r| {
        let mut five = seed_md();
        five.spec.replicas = Some(5);
        let pp = seed_policy(r);
        let hub = MariaDBInputs {
            policy: PolicyLookup::Known(Some(&pp)),
            ..Default::default()
        };
        assert_eq!(validate_mariadb(&five, r, &hub), vec![]);
    });
}

#[test]
fn replicas_below_one() {
    both(|r| {
        assert_eq!(
            check(&md(json!({"version": "1", "replicas": 1})), r),
            vec![]
        );
        let v = only(check(&md(json!({"version": "1", "replicas": 0})), r));
        assert_eq!(v.path, "spec.replicas");
        assert_eq!(v.rule, Rule::ReplicasBelowOne { replicas: 0 });
        assert_eq!(
            v.upstream_message(),
            "spec.replicas \"0\" invalid. Value must be greater than zero"
        );
    });
}

/// The replica floor holds for every topology (`'spec.replicas' ... Value must be 3 for
/// mariadb cluster`), unless `init.archiver` is set and not yet initialised.
#[test]
fn replica_floor_for_every_topology() {
    both(|r| {
        let galera =
            md(json!({"version": "1", "replicas": 3, "topology": {"mode": "GaleraCluster"}}));
        assert_eq!(check(&galera, r), vec![]);
        let two = only(check(&md(json!({"version": "1", "replicas": 2})), r));
        assert_eq!(
            (two.path.as_str(), &two.rule),
            ("spec.replicas", &Rule::GaleraTooSmall { replicas: 2 })
        );
        assert_eq!(
            two.upstream_message(),
            "'spec.replicas' \"2\" invalid. Value must be 3 for mariadb cluster"
        );
        let one = md(json!({"version": "1", "replicas": 1, "topology": {"mode": "GaleraCluster"}}));
        assert_eq!(
            only(check(&one, r)).upstream_message(),
            "'spec.replicas' \"1\" invalid. Value must be greater than or equal to 3 for topology mode or topology should be nil for standalone mode"
        );
        // A MariaDBReplication of 2 is refused too.
        let replication = md(json!({"version": "1", "replicas": 2,
            "topology": {"mode": "MariaDBReplication", "maxscale": {"replicas": 1}}}));
        assert_eq!(
            rules(check(&replication, r)),
            vec![Rule::GaleraTooSmall { replicas: 2 }]
        );
        // A Galera cluster of 2 being restored from an archiver is admitted...
        let archiver = json!({"recoveryTimestamp": "2025-01-01T00:00:00Z",
            "fullDBRepository": {"name": "repo"}, "manifestRepository": {"name": "repo"},
            "encryptionSecret": {"name": "s"}});
        let restoring = md(json!({"version": "1", "replicas": 2, "init": {"archiver": archiver}}));
        assert_eq!(check(&restoring, r), vec![]);
        // ...until it is initialised.
        let restored = md(json!({"version": "1", "replicas": 2,
            "init": {"archiver": archiver, "initialized": true}}));
        assert_eq!(
            rules(check(&restored, r)),
            vec![Rule::GaleraTooSmall { replicas: 2 }]
        );
    });
}

#[test]
fn halt_needs_durable_storage() {
    both(|r| {
        let ok = md(json!({"version": "1", "storageType": "Durable", "deletionPolicy": "Halt"}));
        assert_eq!(check(&ok, r), vec![]);
        let bad = md(json!({"version": "1", "storageType": "Ephemeral", "deletionPolicy": "Halt"}));
        let v = only(check(&bad, r));
        assert_eq!(
            (v.path.as_str(), v.rule),
            ("spec.deletionPolicy", Rule::HaltWithEphemeralStorage)
        );
        let halted = md(json!({"version": "1", "storageType": "Ephemeral", "halted": true}));
        assert_eq!(
            rules(check(&halted, r)),
            vec![Rule::HaltWithEphemeralStorage]
        );
    });
}

#[test]
fn halted_with_do_not_terminate() {
    both(|r| {
        let bad = md(json!({"version": "1", "halted": true, "deletionPolicy": "DoNotTerminate"}));
        let v = only(check(&bad, r));
        assert_eq!(v.rule, Rule::HaltWithDoNotTerminate);
        assert_eq!(
            v.upstream_message(),
            "Can't halt, since termination policy is 'DoNotTerminate'"
        );
    });
}

/// `pkg/validator/validate.go` (`ValidateStorage`) at both releases' apimachinery.
#[test]
fn durable_storage_needs_a_positive_request_and_an_existing_class() {
    both(|r| {
        let none = md(json!({"version": "1", "storage": null}));
        let v = only(check(&none, r));
        assert_eq!(v.path, "spec.storage");
        assert_eq!(
            v.upstream_message(),
            "spec.storage is missing for durable storage type"
        );
        let no_request = md(json!({"version": "1", "storage": {"accessModes": ["ReadWriteOnce"]}}));
        assert_eq!(
            only(check(&no_request, r)).upstream_message(),
            "missing ResourceStorage request"
        );
        let zero =
            md(json!({"version": "1", "storage": {"resources": {"requests": {"storage": "0"}}}}));
        assert_eq!(
            only(check(&zero, r)).upstream_message(),
            "invalid ResourceStorage request"
        );
        let ephemeral = md(json!({"version": "1", "storageType": "Ephemeral", "storage": null}));
        assert_eq!(check(&ephemeral, r), vec![]);
        let classed = md(
            json!({"version": "1", "storage": {"storageClassName": "fast",
            "resources": {"requests": {"storage": "1Gi"}}}}),
        );
        let classes = ["standard".to_owned()];
        let hub = MariaDBInputs {
            storage_classes: Some(&classes),
            ..Default::default()
        };
        let v = only(validate_mariadb(&classed, r, &hub));
        assert_eq!(
            v.upstream_message(),
            "spec.storage.storageClassName \"fast\" not found"
        );
        let classes = ["fast".to_owned()];
        let hub = MariaDBInputs {
            storage_classes: Some(&classes),
            ..Default::default()
        };
        assert_eq!(validate_mariadb(&classed, r, &hub), vec![]);
        // Unknown classes: the rule is skipped.
        assert_eq!(check(&classed, r), vec![]);
    });
}

/// The catalog rules: the MariaDBVersion must exist (the mutating webhook reads it first),
/// requireSSL needs 10.5.2, deprecation is only a warning (StrictValidation is never set).
#[test]
fn catalog_rules() {
    both(|r| {
        let entry = |name: &str, version: &str, deprecated| CatalogEntry {
            name: name.into(),
            version: version.into(),
            deprecated,
        };
        let with = |m: &MariaDB, v: VersionLookup<'_>| {
            validate_mariadb(
                m,
                r,
                &MariaDBInputs {
                    version: v,
                    ..Default::default()
                },
            )
        };
        let gone = only(with(
            &md(json!({"version": "12.3.2"})),
            VersionLookup::Known(None),
        ));
        assert_eq!(
            gone.upstream_message(),
            "failed to get MariaDBVersion: 12.3.2: mariadbversions.catalog.kubedb.com \"12.3.2\" not found"
        );
        let old = entry("10.4.32", "10.4.32", false);
        let ssl = md(json!({"version": "10.4.32", "requireSSL": true}));
        let v = only(with(&ssl, VersionLookup::Known(Some(&old))));
        assert_eq!(v.path, "spec.requireSSL");
        assert_eq!(
            v.upstream_message(),
            "requireSSL is not supported for the MariaDDB Versions lower than 10.5.2"
        );
        let new = entry("10.5.23", "10.5.23", false);
        let ssl_new = md(json!({"version": "10.5.23", "requireSSL": true}));
        assert_eq!(with(&ssl_new, VersionLookup::Known(Some(&new))), vec![]);
        let edge = entry("x", "10.5.2", false);
        assert_eq!(with(&ssl_new, VersionLookup::Known(Some(&edge))), vec![]);
        let plain = md(json!({"version": "10.4.32"}));
        assert_eq!(with(&plain, VersionLookup::Known(Some(&old))), vec![]);
        let deprecated = entry("10.4.17", "10.4.17", true);
        let v = only(with(&plain, VersionLookup::Known(Some(&deprecated))));
        assert_eq!(v.severity, Severity::Warning);
        assert!(!v.is_refusal());
    });
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

#[test]
fn clustered_name_length() {
    both(|r| {
        let mut ok = seed_md();
        ok.metadata.name = Some("a".repeat(32));
        assert_eq!(check(&ok, r), vec![]);
        let mut bad = seed_md();
        bad.metadata.name = Some("a".repeat(33));
        let v = only(check(&bad, r));
        assert_eq!(
            (v.path.as_str(), v.rule),
            ("metadata.name", Rule::ClusterNameTooLong { length: 33 })
        );
        let mut standalone = md(json!({"version": "1"}));
        standalone.metadata.name = Some("a".repeat(40));
        assert_eq!(check(&standalone, r), vec![]);
    });
}

/// `validateCluster` refuses `init.script` on a cluster at apimachinery v0.57.0; the check is
/// gone at 861df6898a80 (v2026.7.10).
#[test]
fn init_script_on_a_cluster_differs_by_release() {
    let script = json!({"scriptPath": "init", "configMap": {"name": "scripts"}});
    let standalone = md(json!({"version": "1", "init": {"script": script}}));
    let cluster = md(json!({"version": "1", "replicas": 3, "init": {"script": script}}));
    both(|r| assert_eq!(check(&standalone, r), vec![]));
    let v = only(check(&cluster, OLD));
    assert_eq!(
        (v.path.as_str(), v.rule.clone()),
        ("spec.init.script", Rule::InitScriptOnCluster)
    );
    assert!(
        v.upstream_message()
            .contains("is not supported for cluster")
    );
    assert_eq!(check(&cluster, NEW), vec![]);
}

#[test]
fn forbidden_env_vars() {
    both(|r| {
        let env = |name: &str| {
            json!({"version": "1", "podTemplate": {"spec": {"containers": [
            {"name": "mariadb", "env": [{"name": "TZ", "value": "UTC"}, {"name": name, "value": "x"}]}]}}})
        };
        assert_eq!(check(&md(env("LANG")), r), vec![]);
        for name in FORBIDDEN_ENV_VARS {
            let v = only(check(&md(env(name)), r));
            assert_eq!(v.path, "spec.podTemplate.spec.containers[0].env[1].name");
            assert_eq!(v.rule, Rule::ForbiddenEnvVar { name: name.into() });
        }
    });
}

/// After the mutating defaults, a MariaDBReplication's MaxScale gets `replicas: 1`
/// (`SetDefaultsMaxscale`), so only a missing `maxscale` block is refused.
#[test]
fn replication_needs_a_maxscale_block() {
    both(|r| {
        let ok = md(json!({"version": "1", "replicas": 3,
            "topology": {"mode": "MariaDBReplication", "maxscale": {"replicas": 3}}}));
        assert_eq!(check(&ok, r), vec![]);
        let defaulted = md(json!({"version": "1", "replicas": 3,
            "topology": {"mode": "MariaDBReplication", "maxscale": {}}}));
        assert_eq!(check(&defaulted, r), vec![]);
        let bad =
            md(json!({"version": "1", "replicas": 3, "topology": {"mode": "MariaDBReplication"}}));
        let v = only(check(&bad, r));
        assert_eq!(
            (v.path.as_str(), v.rule),
            ("spec.topology.maxscale", Rule::MaxScaleReplicasMissing)
        );
    });
}

/// `validateUpdate`: only `spec.storageType`, and `spec.init` once initialised, are immutable;
/// changing the node selector is allowed.
#[test]
fn mariadb_update_rules() {
    let old = seed_md();
    let mut same = seed_md();
    same.spec.replicas = Some(5);
    assert_eq!(validate_mariadb_update(&old, &same), vec![]);
    let mut selector = seed_md();
    selector.spec.pod_template = serde_json::from_value(json!({"spec": {
        "podPlacementPolicy": {"name": "distributed-mariadb"},
        "nodeSelector": {"disk": "ssd"}}}))
    .expect("template");
    assert_eq!(validate_mariadb_update(&old, &selector), vec![]);
    let mut storage = seed_md();
    storage.spec.storage_type = Some(kubedb_types::kubedb::v1::StorageType::Ephemeral);
    let v = only(validate_mariadb_update(&old, &storage));
    assert_eq!(
        (v.path.as_str(), v.rule),
        ("spec.storageType", Rule::Immutable)
    );
    let initialized = md(json!({"version": "1", "init": {"initialized": true}}));
    let changed =
        md(json!({"version": "1", "init": {"initialized": true, "waitForInitialRestore": true}}));
    assert_eq!(
        rules(validate_mariadb_update(&initialized, &changed)),
        vec![Rule::Immutable]
    );
    let fresh = md(json!({"version": "1", "init": {"initialized": false}}));
    assert_eq!(validate_mariadb_update(&fresh, &changed), vec![]);
}

#[test]
fn policy_indices_contiguous_from_zero() {
    let bad = current(json!({
        "distributionRules": [
            {"clusterName": "a", "replicaIndices": [0, 3]},
            {"clusterName": "b", "replicaIndices": [0, 5, -1]}],
        "slice": {"projectNamespace": "kubeslice-p", "sliceName": "s"}
    }));
    let v = validate_placement_policy(&bad, NEW, SliceLookup::Unknown);
    assert_eq!(
        rules(v.clone()),
        vec![
            Rule::NegativeIndex { index: -1 },
            Rule::DuplicateIndex {
                index: 0,
                clusters: vec!["a".into(), "b".into()]
            },
            Rule::MissingIndices { from: 1, to: 2 },
            Rule::MissingIndices { from: 4, to: 4 },
        ]
    );
    assert_eq!(
        v[1].to_string(),
        "spec.clusterSpreadConstraint.distributionRules[1].replicaIndices: replica index 0 is listed 2 times (a, b): indices must be a contiguous block starting from 0, each once"
    );
    // v2025.7.31's webhook reads only spec.ocm (its CRD prunes clusterSpreadConstraint).
    assert_eq!(
        validate_placement_policy(&bad, OLD, SliceLookup::Unknown),
        vec![]
    );
}

#[test]
fn legacy_policies_are_checked_by_the_old_release_only() {
    let gap = legacy(json!({"sliceName": "s", "distributionRules": [
        {"clusterName": "a", "replicas": [0, 2]}]}));
    let v = only(validate_placement_policy(&gap, OLD, SliceLookup::Unknown));
    assert_eq!(
        (v.path.as_str(), v.rule),
        (
            "spec.ocm.distributionRules",
            Rule::MissingIndices { from: 1, to: 1 }
        )
    );
    assert_eq!(
        validate_placement_policy(&gap, NEW, SliceLookup::Unknown),
        vec![]
    );
}

#[test]
fn policy_update_may_only_append_or_truncate() {
    let appended_current = current(json!({
        "distributionRules": [
            {"clusterName": "demo-controller", "replicaIndices": [0, 2]},
            {"clusterName": "demo-worker", "replicaIndices": [1, 3]}],
        "slice": {"projectNamespace": "kubeslice-demo-distributed-mariadb", "sliceName": "demo-slice"}
    }));
    let moved_current = current(json!({
        "distributionRules": [
            {"clusterName": "demo-controller", "replicaIndices": [0, 1]},
            {"clusterName": "demo-worker", "replicaIndices": [2]}],
        "slice": {"projectNamespace": "kubeslice-demo-distributed-mariadb", "sliceName": "demo-slice"}
    }));
    let moved_legacy = legacy(json!({"sliceName": "demo-slice", "distributionRules": [
        {"clusterName": "demo-controller", "replicas": [0, 1]},
        {"clusterName": "demo-worker", "replicas": [2]}]}));
    fn update(old: &PlacementPolicy, new: &PlacementPolicy, r: Release) -> Vec<Violation> {
        validate_placement_policy_update(old, new, r, SliceLookup::Unknown)
    }
    assert_eq!(update(&seed_current(), &appended_current, NEW), vec![]);
    let expected = vec![
        Rule::IndexMoved {
            index: 1,
            from: "demo-worker".into(),
            to: "demo-controller".into(),
        },
        Rule::IndexMoved {
            index: 2,
            from: "demo-controller".into(),
            to: "demo-worker".into(),
        },
    ];
    assert_eq!(
        rules(update(&seed_current(), &moved_current, NEW)),
        expected
    );
    assert_eq!(rules(update(&seed_legacy(), &moved_legacy, OLD)), expected);
    let v = update(&seed_legacy(), &moved_legacy, OLD);
    assert_eq!(
        v[0].upstream_message(),
        "cannot modify existing replica assignments. Replica 1 was moved from cluster \"demo-worker\" to \"demo-controller\""
    );
}

/// An update from or to a policy without the release's shape is admitted unchecked by the
/// webhook (`validateUpdatePlacementPolicy` returns early); here it is a warning.
#[test]
fn policy_update_without_the_shape_is_only_a_warning() {
    let empty: PlacementPolicy = serde_json::from_value(json!({
        "apiVersion": "apps.k8s.appscode.com/v1", "kind": "PlacementPolicy",
        "metadata": {"name": "distributed-mariadb"}, "spec": {}
    }))
    .expect("policy");
    let gap = current(json!({
        "distributionRules": [{"clusterName": "a", "replicaIndices": [0, 2]}],
        "slice": {"projectNamespace": "kubeslice-p", "sliceName": "s"}
    }));
    let v = validate_placement_policy_update(&empty, &gap, NEW, SliceLookup::Unknown);
    assert!(!v.is_empty());
    assert!(v.iter().all(|v| !v.is_refusal()), "{v:?}");
    assert_eq!(
        v[0].rule,
        Rule::UpdateNotChecked {
            shape: PolicyShape::ClusterSpreadConstraint
        }
    );
}

/// `validateSliceClusters` exists from petset de81da92 on (v2026.7.10), not in v0.0.11.
#[test]
fn policy_clusters_must_be_in_the_slice_from_the_new_release_on() {
    let pp = seed_current();
    let both_clusters = ["demo-controller".to_owned(), "demo-worker".to_owned()];
    assert_eq!(
        validate_placement_policy(&pp, NEW, SliceLookup::Known(Some(&both_clusters))),
        vec![]
    );
    let v = only(validate_placement_policy(
        &pp,
        NEW,
        SliceLookup::Known(Some(&both_clusters[..1])),
    ));
    assert_eq!(
        v.path,
        "spec.clusterSpreadConstraint.distributionRules[1].clusterName"
    );
    assert_eq!(
        v.rule,
        Rule::ClusterNotInSlice {
            cluster: "demo-worker".into(),
            slice: "demo-slice".into()
        }
    );
    let v = only(validate_placement_policy(
        &pp,
        NEW,
        SliceLookup::Known(None),
    ));
    assert_eq!(
        v.upstream_message(),
        "failed to get SliceConfig 'demo-slice' in project namespace 'kubeslice-demo-distributed-mariadb': sliceconfigs.controller.kubeslice.io \"demo-slice\" not found"
    );
    // v2025.7.31 does not look at the slice.
    assert_eq!(
        validate_placement_policy(&seed_legacy(), OLD, SliceLookup::Known(None)),
        vec![]
    );
}

fn failover(rules_json: Value, failover: Value) -> PlacementPolicy {
    current(json!({
        "distributionRules": rules_json,
        "slice": {"projectNamespace": "kubeslice-p", "sliceName": "s"},
        "failoverPolicy": failover
    }))
}

#[test]
fn failover_two_dc() {
    let good = failover(
        json!([{"clusterName": "a", "replicaIndices": [0], "role": "Member"},
               {"clusterName": "b", "replicaIndices": [1]},
               {"clusterName": "c", "replicaIndices": [], "role": "Arbiter"}]),
        json!({"mode": "TwoDC", "trigger": {"scope": "Global"}}),
    );
    assert_eq!(validate_failover_policy(&good), vec![]);
    let no_tie = failover(
        json!([{"clusterName": "a", "replicaIndices": [0]}, {"clusterName": "b", "replicaIndices": [1]}]),
        json!({"mode": "TwoDC", "trigger": {"scope": "Global"}}),
    );
    assert_eq!(
        rules(validate_failover_policy(&no_tie)),
        vec![Rule::TwoDcNeedsTieBreaker]
    );
    let three = failover(
        json!([{"clusterName": "a", "replicaIndices": [0]}, {"clusterName": "b", "replicaIndices": [1]},
               {"clusterName": "c", "replicaIndices": [2]}, {"clusterName": "d", "replicaIndices": [3], "role": "Witness"}]),
        json!({"mode": "TwoDC", "trigger": {"scope": "Global"}}),
    );
    assert_eq!(
        rules(validate_failover_policy(&three)),
        vec![Rule::TwoDcMemberCount { members: 3 }]
    );
}

#[test]
fn failover_three_dc_and_member_count() {
    let good = failover(
        json!([{"clusterName": "a", "replicaIndices": [0]}, {"clusterName": "b", "replicaIndices": [1]},
               {"clusterName": "c", "replicaIndices": [2]}]),
        json!({"mode": "ThreeDC", "trigger": {"scope": "Global"}}),
    );
    assert_eq!(validate_failover_policy(&good), vec![]);
    let two = failover(
        json!([{"clusterName": "a", "replicaIndices": [0]}, {"clusterName": "b", "replicaIndices": [1]}]),
        json!({"mode": "ThreeDC", "trigger": {"scope": "Global"}}),
    );
    assert_eq!(
        rules(validate_failover_policy(&two)),
        vec![Rule::TooFewMembers {
            members: 2,
            needed: 3
        }]
    );
}

#[test]
fn failover_role_indices_and_group_scope() {
    let bad = failover(
        json!([{"clusterName": "a", "replicaIndices": [0]}, {"clusterName": "b", "replicaIndices": [1]},
               {"clusterName": "c", "replicaIndices": [2], "role": "Arbiter"},
               {"clusterName": "d", "replicaIndices": [], "role": "Witness"}]),
        json!({"trigger": {"scope": "Group"}}),
    );
    assert_eq!(
        rules(validate_failover_policy(&bad)),
        vec![
            Rule::ArbiterWithIndices,
            Rule::RoleNeedsIndices {
                role: RuleRole::Witness
            },
            Rule::GroupScopeNeedsGroup,
        ]
    );
}

fn petset(replicas: i32, policy_name: Option<&str>) -> PetSet {
    let mut spec = json!({
        "replicas": replicas, "distributed": true, "serviceName": "mariadb-pods",
        "selector": {"matchLabels": {"app": "mariadb"}},
        "template": {"metadata": {"labels": {"app": "mariadb"}},
                     "spec": {"containers": [{"name": "mariadb", "image": "mariadb"}]}}
    });
    if let Some(name) = policy_name {
        spec["podPlacementPolicy"] = json!({"name": name});
    }
    serde_json::from_value(json!({
        "apiVersion": "apps.k8s.appscode.com/v1", "kind": "PetSet",
        "metadata": {"name": "mariadb", "namespace": "demo"}, "spec": spec
    }))
    .expect("PetSet")
}

/// `validatePlacementPolicy` of `petset@v0.0.11` (spec.ocm) and `petset@05a56e31`
/// (clusterSpreadConstraint): coverage of every ordinal below replicas, with PetSet's message.
#[test]
fn petset_against_its_policy() {
    both(|r| {
        let pp = seed_policy(r);
        let known = PolicyLookup::Known(Some(&pp));
        assert_eq!(
            validate_petset(&petset(3, Some("distributed-mariadb")), r, known),
            vec![]
        );
        let v = only(validate_petset(
            &petset(4, Some("distributed-mariadb")),
            r,
            known,
        ));
        assert_eq!(
            v.upstream_message(),
            "expected at least 4 replicas in the placementPolicy distributed-mariadb, but got totalReplicas = 3"
        );
        assert_eq!(
            rules(validate_petset(
                &petset(3, Some("gone")),
                r,
                PolicyLookup::Known(None)
            )),
            vec![Rule::PlacementPolicyNotFound {
                name: "gone".into()
            }]
        );
        let v = only(validate_petset(&petset(3, None), r, PolicyLookup::Unknown));
        assert_eq!(
            v.upstream_message(),
            "no PodPlacementPolicy defined for Distributed PetSet \"demo\"/\"mariadb\""
        );
        // The other release's shape is no cluster spec at all.
        let other = match r {
            OLD => seed_current(),
            _ => seed_legacy(),
        };
        assert_eq!(
            only(validate_petset(
                &petset(3, Some("distributed-mariadb")),
                r,
                PolicyLookup::Known(Some(&other))
            ))
            .upstream_message(),
            "expected an OCM cluster spec for distributed petset in the apps.k8s.appscode.com/PlacementPolicy: distributed-mariadb, but got none"
        );
    });
    // A hole in the mapping with enough indices overall.
    let holes = current(json!({
        "distributionRules": [{"clusterName": "a", "replicaIndices": [0, 3, 4]}],
        "slice": {"projectNamespace": "kubeslice-p", "sliceName": "s"}
    }));
    let v = only(validate_petset(
        &petset(3, Some("distributed-mariadb")),
        NEW,
        PolicyLookup::Known(Some(&holes)),
    ));
    assert_eq!(
        v.upstream_message(),
        "missing replica index [1 2] at placementpolicy: distributed-mariadb"
    );
}

/// The PetSet webhook does not look at `ordinals.start`; this crate warns.
#[test]
fn ordinals_start_is_a_warning() {
    let mut ps = petset(3, Some("distributed-mariadb"));
    ps.spec.ordinals = serde_json::from_value(json!({"start": 1})).expect("ordinals");
    let pp = seed_current();
    let v = only(validate_petset(&ps, NEW, PolicyLookup::Known(Some(&pp))));
    assert_eq!(v.rule, Rule::OrdinalsStartNotZero { start: 1 });
    assert!(!v.is_refusal());
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

/// The PlacementPolicy webhook answers with its first out-of-place index
/// (`validateCreatePlacementPolicy`) and names the project of a slice that lacks a cluster
/// (`validateSliceClusters`).
#[test]
fn policy_refusals_carry_the_webhooks_own_answer() {
    let gap = legacy(json!({"sliceName": "s", "distributionRules": [
        {"clusterName": "a", "replicas": [0, 2]}, {"clusterName": "b", "replicas": [2]}]}));
    let v = validate_placement_policy(&gap, OLD, SliceLookup::Unknown);
    assert!(!v.is_empty());
    for v in &v {
        assert_eq!(
            v.upstream_message(),
            "invalid replica set: indices must be a contiguous block starting from 0. Found 2, expected 1"
        );
    }
    let pp = seed_current();
    let only_controller = ["demo-controller".to_owned()];
    let v = only(validate_placement_policy(
        &pp,
        NEW,
        SliceLookup::Known(Some(&only_controller)),
    ));
    assert_eq!(
        v.upstream_message(),
        "cluster 'demo-worker' specified in PlacementPolicy is not onboarded to slice 'demo-slice' in project 'kubeslice-demo-distributed-mariadb'"
    );
}
