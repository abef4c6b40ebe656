//! The MariaDBOpsRequest webhook rules of each release. The expected paths and texts are
//! written out here from `kubedb/apimachinery@v0.57.0` (KubeDB v2025.7.31) and
//! `@861df6898a80` (v2026.7.10), `pkg/webhooks/ops/v1alpha1/mariadb.go`, not computed by the
//! code under test.

use kubedb_types::admission::{
    Lookup, OpsRequestInputs, Rule, Severity, validate_mariadb_ops_request,
    validate_mariadb_ops_request_update,
};
use kubedb_types::apps::v1::PlacementPolicy;
use kubedb_types::kubedb::v1::MariaDB;
use kubedb_types::ops::v1alpha1::{MariaDBOpsRequest, MariaDBOpsRequestType};
use kubedb_types::release::{Catalog, CatalogEntry, Release};
use serde_json::{Value, json};

const OLD: Release = Release::V2025_7_31;
const NEW: Release = Release::V2026_7_10;

fn ops(spec: Value) -> MariaDBOpsRequest {
    serde_json::from_value(json!({
        "apiVersion": "ops.kubedb.com/v1alpha1", "kind": "MariaDBOpsRequest",
        "metadata": {"name": "ops", "namespace": "demo"}, "spec": spec
    }))
    .expect("valid MariaDBOpsRequest JSON")
}

fn scale(member: Value) -> MariaDBOpsRequest {
    ops(
        json!({"type": "HorizontalScaling", "databaseRef": {"name": "mariadb"},
               "horizontalScaling": {"member": member}}),
    )
}

/// The guide's database (`horizontal_scale.md`): distributed, 3 replicas, policy
/// `distributed-mariadb`.
fn guide_db() -> MariaDB {
    serde_json::from_value(json!({
        "apiVersion": "kubedb.com/v1", "kind": "MariaDB",
        "metadata": {"name": "mariadb", "namespace": "demo"},
        "spec": {"version": "11.5.2", "distributed": true, "replicas": 3,
                 "storage": {"storageClassName": "longhorn",
                             "resources": {"requests": {"storage": "1Gi"}}},
                 "podTemplate": {"spec": {"podPlacementPolicy": {"name": "distributed-mariadb"}}},
                 "deletionPolicy": "WipeOut"}
    }))
    .expect("valid MariaDB JSON")
}

fn standalone_db() -> MariaDB {
    serde_json::from_value(json!({
        "apiVersion": "kubedb.com/v1", "kind": "MariaDB",
        "metadata": {"name": "mariadb", "namespace": "demo"},
        "spec": {"version": "11.5.2"}
    }))
    .expect("valid MariaDB JSON")
}

/// A policy mapping `indices` (demo-controller gets the even ones) in `release`'s shape.
fn policy(release: Release, indices: &[i32]) -> PlacementPolicy {
    let even: Vec<i32> = indices.iter().copied().filter(|i| i % 2 == 0).collect();
    let odd: Vec<i32> = indices.iter().copied().filter(|i| i % 2 == 1).collect();
    let spec = match release {
        Release::V2025_7_31 => json!({"ocm": {"sliceName": "demo-slice", "distributionRules": [
            {"clusterName": "demo-controller", "replicas": even},
            {"clusterName": "demo-worker", "replicas": odd}]}}),
        Release::V2026_7_10 => json!({"clusterSpreadConstraint": {
            "distributionRules": [
                {"clusterName": "demo-controller", "replicaIndices": even},
                {"clusterName": "demo-worker", "replicaIndices": odd}],
            "slice": {"projectNamespace": "kubeslice-demo-distributed-mariadb",
                      "sliceName": "demo-slice"}}}),
    };
    serde_json::from_value(json!({
        "apiVersion": "apps.k8s.appscode.com/v1", "kind": "PlacementPolicy",
        "metadata": {"name": "distributed-mariadb"}, "spec": spec
    }))
    .expect("valid PlacementPolicy JSON")
}

/// `(path, webhook text)` of every refusal.
fn refused(
    ops: &MariaDBOpsRequest,
    release: Release,
    hub: &OpsRequestInputs<'_>,
) -> Vec<(String, String)> {
    validate_mariadb_ops_request(ops, release, hub)
        .into_iter()
        .filter(|v| v.is_refusal())
        .map(|v| (v.path.clone(), v.upstream_message()))
        .collect()
}

fn pair(path: &str, text: &str) -> (String, String) {
    (path.to_owned(), text.to_owned())
}

const RANGE: &str = "Group size can not be less than 3 or greater than 9, range: [3,9]";

/// The guide's scale-up to 5 and scale-down to 3, with the guide's database and its 5-index
/// policy, are admitted by both releases without a finding.
#[test]
fn the_guide_requests_are_admitted() {
    let db = guide_db();
    for release in [OLD, NEW] {
        let pp = policy(release, &[0, 1, 2, 3, 4]);
        let hub = OpsRequestInputs {
            database: Lookup::Known(Some(&db)),
            policy: Lookup::Known(Some(&pp)),
            ..Default::default()
        };
        for member in [5, 3] {
            let v = validate_mariadb_ops_request(&scale(json!(member)), release, &hub);
            assert!(v.is_empty(), "{release} member {member}: {v:?}");
        }
    }
}

/// `member <= 2 || member > 9` is refused (`validateMariaDBScalingOpsRequest`), in both
/// releases; 3 and 9 are the bounds admitted.
#[test]
fn member_must_be_between_3_and_9() {
    let db = guide_db();
    let hub = OpsRequestInputs {
        database: Lookup::Known(Some(&db)),
        ..Default::default()
    };
    for release in [OLD, NEW] {
        for member in [-1, 0, 1, 2, 10, 32] {
            assert_eq!(
                refused(&scale(json!(member)), release, &hub),
                vec![pair("spec.horizontalScaling", RANGE)],
                "{release} {member}"
            );
        }
        for member in [3, 4, 9] {
            assert_eq!(
                refused(&scale(json!(member)), release, &hub),
                vec![],
                "{release}"
            );
        }
        // The rule needs no database: it is checked when the hub is unknown too.
        assert_eq!(
            refused(&scale(json!(2)), release, &OpsRequestInputs::default()),
            vec![pair("spec.horizontalScaling", RANGE)]
        );
    }
}

/// `horizontalScaling` is required (the webhook's own text), and `member` too (the webhook
/// dereferences it without a check; there is no text of its own).
#[test]
fn horizontal_scaling_fields_are_required() {
    for release in [OLD, NEW] {
        let none = ops(json!({"type": "HorizontalScaling", "databaseRef": {"name": "mariadb"}}));
        assert_eq!(
            refused(&none, release, &OpsRequestInputs::default()),
            vec![pair(
                "spec.horizontalScaling",
                "`spec.Scale.HorizontalScaling` field is nil"
            )]
        );
        let no_member = ops(
            json!({"type": "HorizontalScaling", "databaseRef": {"name": "mariadb"},
                                   "horizontalScaling": {}}),
        );
        let v = validate_mariadb_ops_request(&no_member, release, &OpsRequestInputs::default());
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].path, "spec.horizontalScaling");
        assert_eq!(
            v[0].rule,
            Rule::OpsFieldMissing {
                type_: MariaDBOpsRequestType::HorizontalScaling,
                field: "spec.horizontalScaling.member"
            }
        );
        assert_eq!(v[0].answer, None);
    }
}

/// A missing database: v2025.7.31 reports it under the type's field and goes on; v2026.7.10
/// reports it under `spec.databaseRef` and stops (so the bad member is not reported).
#[test]
fn the_database_must_exist() {
    let hub = OpsRequestInputs {
        database: Lookup::Known(None),
        ..Default::default()
    };
    assert_eq!(
        refused(&scale(json!(2)), OLD, &hub),
        vec![
            pair(
                "spec.horizontalScaling",
                "failed to get mariadb: demo/mariadb: mariadbs.kubedb.com \"mariadb\" not found"
            ),
            pair("spec.horizontalScaling", RANGE),
        ]
    );
    assert_eq!(
        refused(&scale(json!(2)), NEW, &hub),
        vec![pair(
            "spec.databaseRef",
            "spec.databaseRef demo/mariadb, is invalid or not found"
        )]
    );
    // v0.57.0's Restart says it in the v2026.7.10 words, under spec.restart; its
    // VerticalScaling and Reconfigure never read the database.
    let restart = ops(json!({"type": "Restart", "databaseRef": {"name": "mariadb"}}));
    assert_eq!(
        refused(&restart, OLD, &hub),
        vec![pair(
            "spec.restart",
            "spec.databaseRef demo/mariadb, is invalid or not found"
        )]
    );
    let vertical = ops(
        json!({"type": "VerticalScaling", "databaseRef": {"name": "mariadb"},
                              "verticalScaling": {"mariadb": {"resources": {}}}}),
    );
    assert_eq!(refused(&vertical, OLD, &hub), vec![]);
    assert_eq!(
        refused(&vertical, NEW, &hub),
        vec![pair(
            "spec.databaseRef",
            "spec.databaseRef demo/mariadb, is invalid or not found"
        )]
    );
}

/// Horizontal scaling needs a cluster. `IsCluster` differs: v0.57.0 `replicas > 1`,
/// 861df6898a80 `spec.topology != nil`; a one-replica database with a topology is a cluster
/// only to the newer release.
#[test]
fn horizontal_scaling_needs_a_cluster() {
    const NOT_CLUSTER: &str = "OpsRequest haven't pointed to a MariaDB Cluster, Horizontal scaling applicable only for MariaDB Cluster";
    let standalone = standalone_db();
    let hub = OpsRequestInputs {
        database: Lookup::Known(Some(&standalone)),
        ..Default::default()
    };
    for release in [OLD, NEW] {
        assert_eq!(
            refused(&scale(json!(3)), release, &hub),
            vec![pair("spec.horizontalScaling", NOT_CLUSTER)]
        );
    }
    let mut one_with_topology = standalone_db();
    one_with_topology.spec.topology = Some(Default::default());
    let hub = OpsRequestInputs {
        database: Lookup::Known(Some(&one_with_topology)),
        ..Default::default()
    };
    assert_eq!(
        refused(&scale(json!(3)), OLD, &hub),
        vec![pair("spec.horizontalScaling", NOT_CLUSTER)]
    );
    assert_eq!(refused(&scale(json!(3)), NEW, &hub), vec![]);
}

/// Where the guide is silent: a scale-up past what the policy maps is admitted by the ops
/// webhook, and warned about here (the PetSet webhook refuses the new replica count later).
#[test]
fn scale_up_past_the_policy_is_a_warning() {
    let db = guide_db();
    for release in [OLD, NEW] {
        let pp = policy(release, &[0, 1, 2]);
        let hub = OpsRequestInputs {
            database: Lookup::Known(Some(&db)),
            policy: Lookup::Known(Some(&pp)),
            ..Default::default()
        };
        let v = validate_mariadb_ops_request(&scale(json!(5)), release, &hub);
        assert_eq!(v.len(), 1, "{release}: {v:?}");
        assert_eq!(v[0].severity, Severity::Warning);
        assert_eq!(v[0].path, "spec.horizontalScaling.member");
        assert_eq!(
            v[0].rule,
            Rule::OpsMemberNotPlaced {
                policy: "distributed-mariadb".into(),
                indices: vec![3, 4]
            }
        );
        assert!(validate_mariadb_ops_request(&scale(json!(3)), release, &hub).is_empty());
        // A policy in the other release's shape is not read by this release's PetSet webhook
        // (the MariaDB rules report that); no placement warning is guessed from it.
        let other = policy(if release == OLD { NEW } else { OLD }, &[0, 1, 2]);
        let hub = OpsRequestInputs {
            policy: Lookup::Known(Some(&other)),
            ..hub
        };
        assert!(validate_mariadb_ops_request(&scale(json!(5)), release, &hub).is_empty());
    }
}

/// The types each release's webhook accepts (`MariaDBOpsRequestTypeNames`).
#[test]
fn unsupported_types_are_refused() {
    let upgrade = ops(json!({"type": "Upgrade", "databaseRef": {"name": "mariadb"}}));
    assert_eq!(
        refused(&upgrade, OLD, &OpsRequestInputs::default()),
        vec![pair(
            "spec.type",
            "defined OpsRequestType Upgrade is not supported, supported types for MariaDB are UpdateVersion, HorizontalScaling, VerticalScaling, VolumeExpansion, Restart, Reconfigure, ReconfigureTLS, RotateAuth"
        )]
    );
    assert_eq!(
        refused(&upgrade, NEW, &OpsRequestInputs::default()),
        vec![pair(
            "spec.type",
            "defined OpsRequestType Upgrade is not supported, supported types for MariaDB are UpdateVersion, HorizontalScaling, VerticalScaling, VolumeExpansion, Restart, Reconfigure, ReconfigureTLS, RotateAuth, StorageMigration"
        )]
    );
    let migrate = ops(
        json!({"type": "StorageMigration", "databaseRef": {"name": "mariadb"},
                             "migration": {"storageClassName": "fast"}, "timeout": "1h"}),
    );
    assert_eq!(
        refused(&migrate, OLD, &OpsRequestInputs::default())[0].0,
        "spec.type"
    );
    let db = guide_db();
    let hub = OpsRequestInputs {
        database: Lookup::Known(Some(&db)),
        ..Default::default()
    };
    assert_eq!(refused(&migrate, NEW, &hub), vec![]);
}

/// StorageMigration (v2026.7.10): `migration` and `timeout` required, and the database must
/// name a storage class.
#[test]
fn storage_migration_rules() {
    let no_class = standalone_db();
    let hub = OpsRequestInputs {
        database: Lookup::Known(Some(&no_class)),
        ..Default::default()
    };
    let bare = ops(json!({"type": "StorageMigration", "databaseRef": {"name": "mariadb"}}));
    assert_eq!(
        refused(&bare, NEW, &hub),
        vec![pair(
            "spec.migration",
            "spec.migration is required for StorageMigration type"
        )]
    );
    let no_timeout = ops(
        json!({"type": "StorageMigration", "databaseRef": {"name": "mariadb"},
                                "migration": {"storageClassName": "fast"}}),
    );
    assert_eq!(
        refused(&no_timeout, NEW, &hub),
        vec![
            pair(
                "spec.migration",
                "spec.timeout is required for Storage Migration ops request, adjust timeout according to the size of your database"
            ),
            pair(
                "spec.migration",
                "db.Spec.Storage.StorageClassName can't be nil in the database yaml"
            ),
        ]
    );
}

/// Reconfigure: one change is needed in both; v2025.7.31 also refuses more than one.
#[test]
fn reconfigure_rules() {
    let none = ops(json!({"type": "Reconfigure", "databaseRef": {"name": "mariadb"}}));
    let empty = ops(
        json!({"type": "Reconfigure", "databaseRef": {"name": "mariadb"},
                           "configuration": {"applyConfig": {}}}),
    );
    let two = ops(
        json!({"type": "Reconfigure", "databaseRef": {"name": "mariadb"},
                         "configuration": {"removeCustomConfig": true,
                                           "configSecret": {"name": "md-config"}}}),
    );
    let hub = OpsRequestInputs::default();
    assert_eq!(
        refused(&none, OLD, &hub),
        vec![pair(
            "spec.configuration",
            "`.Spec.Configuration` field is nil/not assigned properly"
        )]
    );
    assert_eq!(
        refused(&none, NEW, &hub),
        vec![pair(
            "spec.configuration",
            "`.Spec.Configuration` field is nil"
        )]
    );
    assert_eq!(
        refused(&empty, OLD, &hub),
        vec![pair(
            "spec.configuration",
            "`.Spec.Configuration` field is nil/not assigned properly"
        )]
    );
    assert_eq!(
        refused(&empty, NEW, &hub),
        vec![pair(
            "spec.configuration",
            "at least one of `RemoveCustomConfig`, `ConfigSecret`, or `ApplyConfig` must be specified"
        )]
    );
    assert_eq!(
        refused(&two, OLD, &hub),
        vec![pair(
            "spec.configuration",
            "more than 1 field have assigned to reconfigure your database but at a time you you are allowed to run one operation(`RemoveCustomConfig`, `ApplyConfig` or `ConfigSecret`) to reconfigure"
        )]
    );
    assert_eq!(refused(&two, NEW, &hub), vec![]);
}

/// ReconfigureTLS: exactly one change; `requireSSL` needs 10.5.2.
#[test]
fn reconfigure_tls_rules() {
    const TWO: &str = "more than 1 field have assigned to reconfigureTLS to your database but at a time you you are allowed to run one operation";
    let hub = OpsRequestInputs::default();
    let none = ops(
        json!({"type": "ReconfigureTLS", "databaseRef": {"name": "mariadb"},
                          "tls": {}}),
    );
    assert_eq!(
        refused(&none, OLD, &hub),
        vec![pair(
            "spec.tls",
            "No of incomplete reconfiguration is provided in TLS Spec."
        )]
    );
    assert_eq!(
        refused(&none, NEW, &hub),
        vec![pair(
            "spec.tls",
            "no of incomplete reconfiguration is provided in TLS spec"
        )]
    );
    let two = ops(
        json!({"type": "ReconfigureTLS", "databaseRef": {"name": "mariadb"},
                         "tls": {"remove": true, "rotateCertificates": true}}),
    );
    for release in [OLD, NEW] {
        assert_eq!(refused(&two, release, &hub), vec![pair("spec.tls", TWO)]);
    }
    let mut old_db = guide_db();
    old_db.spec.version = "10.4.32".into();
    let catalog = Catalog {
        entries: vec![CatalogEntry {
            name: "10.4.32".into(),
            version: "10.4.32".into(),
            deprecated: false,
        }],
    };
    let hub = OpsRequestInputs {
        database: Lookup::Known(Some(&old_db)),
        catalog: Some(&catalog),
        ..Default::default()
    };
    let ssl = ops(
        json!({"type": "ReconfigureTLS", "databaseRef": {"name": "mariadb"},
                         "tls": {"requireSSL": true,
                                 "issuerRef": {"kind": "Issuer", "name": "md-issuer"}}}),
    );
    for release in [OLD, NEW] {
        assert_eq!(
            refused(&ssl, release, &hub),
            vec![pair(
                "spec.tls",
                "requireSSL is not supported for the MariaDDB Versions lower than 10.5.2"
            )]
        );
    }
}

/// UpdateVersion: the parameters are required; the target must exist (v2025.7.31 also refuses
/// a deprecated one; v2026.7.10 says the upgrade is not supported).
#[test]
fn update_version_rules() {
    let bare = ops(json!({"type": "UpdateVersion", "databaseRef": {"name": "mariadb"}}));
    let hub = OpsRequestInputs::default();
    assert_eq!(
        refused(&bare, OLD, &hub),
        vec![pair("spec.updateVersion", "spec.Upgrade is nil")]
    );
    assert_eq!(
        refused(&bare, NEW, &hub),
        vec![pair(
            "spec.updateVersion",
            "spec.updateVersion nil not supported in UpdateVersion type"
        )]
    );
    let catalog = Catalog {
        entries: vec![
            CatalogEntry {
                name: "11.5.2".into(),
                version: "11.5.2".into(),
                deprecated: false,
            },
            CatalogEntry {
                name: "10.4.17".into(),
                version: "10.4.17".into(),
                deprecated: true,
            },
        ],
    };
    let db = guide_db();
    let hub = OpsRequestInputs {
        database: Lookup::Known(Some(&db)),
        catalog: Some(&catalog),
        ..Default::default()
    };
    let to = |v: &str| {
        ops(
            json!({"type": "UpdateVersion", "databaseRef": {"name": "mariadb"},
                   "updateVersion": {"targetVersion": v}}),
        )
    };
    assert_eq!(
        refused(&to("12.3.2"), OLD, &hub),
        vec![pair(
            "spec.updateVersion",
            "failed to get mariadbVersion: 12.3.2: mariadbversions.catalog.kubedb.com \"12.3.2\" not found"
        )]
    );
    assert_eq!(
        refused(&to("12.3.2"), NEW, &hub),
        vec![pair(
            "spec.updateVersion",
            "upgrade from version 11.5.2 to 12.3.2 is not supported"
        )]
    );
    assert_eq!(
        refused(&to("10.4.17"), OLD, &hub),
        vec![pair(
            "spec.updateVersion",
            "mariadb target version demo/10.4.17 is deprecated. Skipped processing"
        )]
    );
    assert_eq!(refused(&to("11.5.2"), OLD, &hub), vec![]);
}

/// VolumeExpansion: one component, not both; VerticalScaling: its parameters.
#[test]
fn volume_expansion_and_vertical_scaling_rules() {
    let hub = OpsRequestInputs::default();
    let both = ops(
        json!({"type": "VolumeExpansion", "databaseRef": {"name": "mariadb"},
                          "volumeExpansion": {"mode": "Online", "mariadb": "2Gi", "maxscale": "1Gi"}}),
    );
    let neither = ops(
        json!({"type": "VolumeExpansion", "databaseRef": {"name": "mariadb"},
                             "volumeExpansion": {"mode": "Online"}}),
    );
    let vertical = ops(json!({"type": "VerticalScaling", "databaseRef": {"name": "mariadb"}}));
    for release in [OLD, NEW] {
        assert_eq!(
            refused(&both, release, &hub),
            vec![pair(
                "spec.volumeExpansion",
                "Volume expansion for both server at a time is not allowed"
            )]
        );
        assert_eq!(
            refused(&neither, release, &hub),
            vec![pair(
                "spec.volumeExpansion",
                "`.Spec.VolumeExpansion` field is nil"
            )]
        );
        assert_eq!(
            refused(&vertical, release, &hub),
            vec![pair(
                "spec.verticalScaling",
                "`spec.Scale.Vertical` field is empty"
            )]
        );
    }
}

/// RotateAuth (v2025.7.31): a named secret reference needs a name.
#[test]
fn rotate_auth_secret_name() {
    let empty = ops(
        json!({"type": "RotateAuth", "databaseRef": {"name": "mariadb"},
                           "authentication": {"secretRef": {"name": ""}}}),
    );
    assert_eq!(
        refused(&empty, OLD, &OpsRequestInputs::default()),
        vec![pair(
            "spec.authentication",
            "spec.authentication.secretRef.name can not be empty"
        )]
    );
}

/// On update the spec may not change (`validateMariaDBOpsRequest`); a status-only change
/// passes, and the create rules run again on the new object.
#[test]
fn the_spec_is_immutable() {
    let old = scale(json!(5));
    let hub = OpsRequestInputs::default();
    for release in [OLD, NEW] {
        let v = validate_mariadb_ops_request_update(&old, &scale(json!(4)), release, &hub);
        assert_eq!(v.len(), 1);
        assert_eq!((v[0].path.as_str(), &v[0].rule), ("spec", &Rule::Immutable));
        let mut done = old.clone();
        done.status = serde_json::from_value(json!({"phase": "Successful"})).expect("status");
        assert!(validate_mariadb_ops_request_update(&old, &done, release, &hub).is_empty());
        let bad = scale(json!(2));
        assert_eq!(
            validate_mariadb_ops_request_update(&bad, &bad, release, &hub)[0].rule,
            Rule::OpsMemberOutOfRange { member: 2 }
        );
    }
}

/// VolumeExpansion sizes against the MariaDB (`validateMariaDBVolumeExpansionOpsRequest` in
/// v0.57.0; `ValidateStorageExpansion`, `pkg/webhooks/ops/util.go`, in 861df6898a80): the new
/// size must be greater than `spec.storage.resources.requests.storage` by value.
#[test]
fn volume_expansion_must_grow_the_volumes() {
    let expand = |size: &str, phase: Option<&str>| {
        let mut o = ops(
            json!({"type": "VolumeExpansion", "databaseRef": {"name": "mariadb"},
                               "volumeExpansion": {"mode": "Online", "mariadb": size}}),
        );
        if let Some(p) = phase {
            o = serde_json::from_value(json!({
                "apiVersion": "ops.kubedb.com/v1alpha1", "kind": "MariaDBOpsRequest",
                "metadata": {"name": "ops", "namespace": "demo"},
                "spec": serde_json::to_value(&o.spec).expect("spec"),
                "status": {"phase": p}}))
            .expect("with status");
        }
        o
    };
    let db = guide_db();
    let inputs = OpsRequestInputs {
        database: Lookup::Known(Some(&db)),
        ..OpsRequestInputs::default()
    };
    for (release, text) in [
        (
            OLD,
            "Desired storage size must be greater than current storage. Current storage: 1Gi",
        ),
        (
            NEW,
            "desired MariaDB storage size must be greater than current storage. Current storage: 1Gi",
        ),
    ] {
        for size in ["1Gi", "1024Mi", "500Mi"] {
            let v = validate_mariadb_ops_request(&expand(size, None), release, &inputs);
            assert_eq!(v.len(), 1, "{release} {size}: {v:?}");
            assert_eq!(v[0].path, "spec.volumeExpansion");
            assert_eq!(v[0].upstream_message(), text, "{release} {size}");
        }
        let v = validate_mariadb_ops_request(&expand("2Gi", None), release, &inputs);
        assert!(v.is_empty(), "{release}: {v:?}");
    }
    // Once the request runs, 861df6898a80 no longer compares (v0.57.0 compares on every update).
    let running = expand("1Gi", Some("Progressing"));
    assert!(validate_mariadb_ops_request(&running, NEW, &inputs).is_empty());
    assert_eq!(
        validate_mariadb_ops_request(&running, OLD, &inputs).len(),
        1
    );
    // A MariaDB without a storage request: v0.57.0 admits without comparing (its nil wrap),
    // 861df6898a80 cannot parse the current size.
    let mut bare = guide_db();
    bare.spec.storage.as_mut().expect("storage").resources = None;
    let inputs = OpsRequestInputs {
        database: Lookup::Known(Some(&bare)),
        ..OpsRequestInputs::default()
    };
    assert!(validate_mariadb_ops_request(&expand("2Gi", None), OLD, &inputs).is_empty());
    let v = validate_mariadb_ops_request(&expand("2Gi", None), NEW, &inputs);
    assert_eq!(
        v[0].upstream_message(),
        "failed to parse current MariaDB storage size"
    );
    // MaxScale volumes on a Galera MariaDB.
    let maxscale = ops(
        json!({"type": "VolumeExpansion", "databaseRef": {"name": "mariadb"},
                              "volumeExpansion": {"mode": "Offline", "maxscale": "2Gi"}}),
    );
    let db = guide_db();
    let inputs = OpsRequestInputs {
        database: Lookup::Known(Some(&db)),
        ..OpsRequestInputs::default()
    };
    for release in [OLD, NEW] {
        let v = validate_mariadb_ops_request(&maxscale, release, &inputs);
        assert_eq!(v[0].rule, Rule::OpsNotReplication, "{release}");
        assert_eq!(
            v[0].upstream_message(),
            "Topology is not mariadb replication"
        );
    }
}
