//! Each admission rule accepts a good object and rejects a bad one with the expected error.

use kubedb_types::admission::*;
use kubedb_types::apps::v1::{PetSet, PlacementPolicy, RuleRole};
use kubedb_types::kubedb::v1::MariaDB;
use serde_json::{Value, json};

fn md(spec: Value) -> MariaDB {
    serde_json::from_value(json!({
        "apiVersion": "kubedb.com/v1", "kind": "MariaDB",
        "metadata": {"name": "mariadb", "namespace": "demo"}, "spec": spec
    }))
    .expect("valid MariaDB JSON")
}

fn policy(csc: Value) -> PlacementPolicy {
    serde_json::from_value(json!({
        "apiVersion": "apps.k8s.appscode.com/v1", "kind": "PlacementPolicy",
        "metadata": {"name": "distributed-mariadb"},
        "spec": {"clusterSpreadConstraint": csc}
    }))
    .expect("valid PlacementPolicy JSON")
}

fn seed_policy() -> PlacementPolicy {
    policy(json!({
        "distributionRules": [
            {"clusterName": "demo-controller", "replicaIndices": [0, 2]},
            {"clusterName": "demo-worker", "replicaIndices": [1]}],
        "slice": {"projectNamespace": "kubeslice-demo-distributed-mariadb", "sliceName": "demo-slice"}
    }))
}

fn seed_md() -> MariaDB {
    md(json!({
        "version": "11.5.2", "replicas": 3, "distributed": true, "deletionPolicy": "WipeOut",
        "storageType": "Durable",
        "podTemplate": {"spec": {"podPlacementPolicy": {"name": "distributed-mariadb"}}}
    }))
}

fn rules(v: Vec<Violation>) -> Vec<Rule> {
    v.into_iter().map(|v| v.rule).collect()
}

fn only(v: Vec<Violation>) -> Violation {
    assert_eq!(v.len(), 1, "expected exactly one violation, got {v:?}");
    v.into_iter().next().expect("one violation")
}

#[test]
fn seed_mariadb_with_its_policy_is_accepted() {
    let pp = seed_policy();
    assert_eq!(
        validate_mariadb(&seed_md(), PolicyLookup::Known(Some(&pp))),
        vec![]
    );
    assert_eq!(validate_placement_policy(&pp), vec![]);
}

#[test]
fn replicas_below_one() {
    assert_eq!(
        validate_mariadb(
            &md(json!({"version": "1", "replicas": 1})),
            PolicyLookup::Unknown
        ),
        vec![]
    );
    let v = only(validate_mariadb(
        &md(json!({"version": "1", "replicas": 0})),
        PolicyLookup::Unknown,
    ));
    assert_eq!(v.path, "spec.replicas");
    assert_eq!(v.rule, Rule::ReplicasBelowOne { replicas: 0 });
}

#[test]
fn halt_needs_durable_storage() {
    let ok = md(json!({"version": "1", "storageType": "Durable", "deletionPolicy": "Halt"}));
    assert_eq!(validate_mariadb(&ok, PolicyLookup::Unknown), vec![]);
    let bad = md(json!({"version": "1", "storageType": "Ephemeral", "deletionPolicy": "Halt"}));
    let v = only(validate_mariadb(&bad, PolicyLookup::Unknown));
    assert_eq!(
        (v.path.as_str(), v.rule),
        ("spec.deletionPolicy", Rule::HaltWithEphemeralStorage)
    );
    // `halted` turns the policy into Halt during defaulting, which Ephemeral refuses too.
    let halted = md(json!({"version": "1", "storageType": "Ephemeral", "halted": true}));
    assert_eq!(
        rules(validate_mariadb(&halted, PolicyLookup::Unknown)),
        vec![Rule::HaltWithEphemeralStorage]
    );
}

#[test]
fn halted_with_do_not_terminate() {
    let bad = md(json!({"version": "1", "halted": true, "deletionPolicy": "DoNotTerminate"}));
    assert_eq!(
        rules(validate_mariadb(&bad, PolicyLookup::Unknown)),
        vec![Rule::HaltWithDoNotTerminate]
    );
}

#[test]
fn clustered_name_length() {
    let mut ok = seed_md();
    ok.metadata.name = Some("a".repeat(32));
    assert_eq!(validate_mariadb(&ok, PolicyLookup::Unknown), vec![]);
    let mut bad = seed_md();
    bad.metadata.name = Some("a".repeat(33));
    let v = only(validate_mariadb(&bad, PolicyLookup::Unknown));
    assert_eq!(
        (v.path.as_str(), v.rule),
        ("metadata.name", Rule::ClusterNameTooLong { length: 33 })
    );
    // A standalone server may have a longer name.
    let mut standalone = md(json!({"version": "1"}));
    standalone.metadata.name = Some("a".repeat(40));
    assert_eq!(validate_mariadb(&standalone, PolicyLookup::Unknown), vec![]);
}

#[test]
fn init_script_only_for_standalone() {
    let script = json!({"scriptPath": "init", "configMap": {"name": "scripts"}});
    let ok = md(json!({"version": "1", "init": {"script": script}}));
    assert_eq!(validate_mariadb(&ok, PolicyLookup::Unknown), vec![]);
    let bad = md(json!({"version": "1", "replicas": 3, "init": {"script": script}}));
    let v = only(validate_mariadb(&bad, PolicyLookup::Unknown));
    assert_eq!(
        (v.path.as_str(), v.rule),
        ("spec.init.script", Rule::InitScriptOnCluster)
    );
}

#[test]
fn forbidden_env_vars() {
    let env = |name: &str| {
        json!({"version": "1", "podTemplate": {"spec": {"containers": [
        {"name": "mariadb", "env": [{"name": "TZ", "value": "UTC"}, {"name": name, "value": "x"}]}]}}})
    };
    assert_eq!(
        validate_mariadb(&md(env("LANG")), PolicyLookup::Unknown),
        vec![]
    );
    for name in FORBIDDEN_ENV_VARS {
        let v = only(validate_mariadb(&md(env(name)), PolicyLookup::Unknown));
        assert_eq!(v.path, "spec.podTemplate.spec.containers[0].env[1].name");
        assert_eq!(v.rule, Rule::ForbiddenEnvVar { name: name.into() });
    }
}

#[test]
fn galera_needs_three() {
    let ok = md(json!({"version": "1", "replicas": 3, "topology": {"mode": "GaleraCluster"}}));
    assert_eq!(validate_mariadb(&ok, PolicyLookup::Unknown), vec![]);
    // Two replicas without a topology default to GaleraCluster and are refused.
    let v = only(validate_mariadb(
        &md(json!({"version": "1", "replicas": 2})),
        PolicyLookup::Unknown,
    ));
    assert_eq!(
        (v.path.as_str(), v.rule),
        ("spec.replicas", Rule::GaleraTooSmall { replicas: 2 })
    );
    let explicit =
        md(json!({"version": "1", "replicas": 1, "topology": {"mode": "GaleraCluster"}}));
    assert_eq!(
        rules(validate_mariadb(&explicit, PolicyLookup::Unknown)),
        vec![Rule::GaleraTooSmall { replicas: 1 }]
    );
}

#[test]
fn replication_needs_maxscale_replicas() {
    let ok = md(json!({"version": "1", "replicas": 3,
        "topology": {"mode": "MariaDBReplication", "maxscale": {"replicas": 3}}}));
    assert_eq!(validate_mariadb(&ok, PolicyLookup::Unknown), vec![]);
    let bad =
        md(json!({"version": "1", "replicas": 3, "topology": {"mode": "MariaDBReplication"}}));
    let v = only(validate_mariadb(&bad, PolicyLookup::Unknown));
    assert_eq!(
        (v.path.as_str(), v.rule),
        (
            "spec.topology.maxscale.replicas",
            Rule::MaxScaleReplicasMissing
        )
    );
}

#[test]
fn distributed_needs_an_existing_policy() {
    let v = only(validate_mariadb(&seed_md(), PolicyLookup::Known(None)));
    assert_eq!(v.path, "spec.podTemplate.spec.podPlacementPolicy");
    assert_eq!(
        v.rule,
        Rule::PlacementPolicyNotFound {
            name: "distributed-mariadb".into()
        }
    );
    // Without a reference the CRD default `default` is looked up.
    let mut unnamed = seed_md();
    unnamed.spec.pod_template = None;
    assert_eq!(
        rules(validate_mariadb(&unnamed, PolicyLookup::Known(None))),
        vec![Rule::PlacementPolicyNotFound {
            name: "default".into()
        }]
    );
}

#[test]
fn distributed_needs_a_cluster_spread_constraint() {
    let zone_only: PlacementPolicy = serde_json::from_value(json!({
        "apiVersion": "apps.k8s.appscode.com/v1", "kind": "PlacementPolicy",
        "metadata": {"name": "distributed-mariadb"},
        "spec": {"zoneSpreadConstraint": {"maxSkew": 1, "whenUnsatisfiable": "DoNotSchedule"}}
    }))
    .expect("policy");
    let v = only(validate_mariadb(
        &seed_md(),
        PolicyLookup::Known(Some(&zone_only)),
    ));
    assert_eq!(
        v.rule,
        Rule::NoClusterSpreadConstraint {
            policy: "distributed-mariadb".into(),
            legacy_shape: false
        }
    );
}

#[test]
fn distributed_replicas_must_be_mapped() {
    let mut five = seed_md();
    five.spec.replicas = Some(5);
    let pp = seed_policy();
    let v = only(validate_mariadb(&five, PolicyLookup::Known(Some(&pp))));
    assert_eq!(
        (v.path.as_str(), v.rule),
        (
            "spec.replicas",
            Rule::ReplicaIndexNotCovered {
                indices: vec![3, 4]
            }
        )
    );
}

#[test]
fn mariadb_update_rules() {
    let old = seed_md();
    let mut same = seed_md();
    same.spec.replicas = Some(5);
    assert_eq!(validate_mariadb_update(&old, &same), vec![]);
    let mut storage = seed_md();
    storage.spec.storage_type = Some(kubedb_types::kubedb::v1::StorageType::Ephemeral);
    let v = only(validate_mariadb_update(&old, &storage));
    assert_eq!(
        (v.path.as_str(), v.rule),
        ("spec.storageType", Rule::Immutable)
    );
}

#[test]
fn policy_indices_contiguous_from_zero() {
    let bad = policy(json!({
        "distributionRules": [
            {"clusterName": "a", "replicaIndices": [0, 3]},
            {"clusterName": "b", "replicaIndices": [0, 5, -1]}],
        "slice": {"projectNamespace": "kubeslice-p", "sliceName": "s"}
    }));
    let v = validate_placement_policy(&bad);
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
        v[1].path,
        "spec.clusterSpreadConstraint.distributionRules[1].replicaIndices"
    );
    assert_eq!(
        v[1].to_string(),
        "spec.clusterSpreadConstraint.distributionRules[1].replicaIndices: replica index 0 is listed 2 times (a, b): indices must be a contiguous block starting from 0, each once"
    );
}

#[test]
fn legacy_policies_are_checked_on_their_own_shape() {
    let legacy: PlacementPolicy = serde_json::from_value(json!({
        "apiVersion": "apps.k8s.appscode.com/v1", "kind": "PlacementPolicy",
        "metadata": {"name": "p"},
        "spec": {"ocm": {"sliceName": "s", "distributionRules": [
            {"clusterName": "a", "replicas": [0, 2]}]}}
    }))
    .expect("legacy policy");
    let v = only(validate_placement_policy(&legacy));
    assert_eq!(
        (v.path.as_str(), v.rule),
        (
            "spec.ocm.distributionRules",
            Rule::MissingIndices { from: 1, to: 1 }
        )
    );
}

#[test]
fn policy_update_may_only_append_or_truncate() {
    let old = seed_policy();
    let appended = policy(json!({
        "distributionRules": [
            {"clusterName": "demo-controller", "replicaIndices": [0, 2]},
            {"clusterName": "demo-worker", "replicaIndices": [1, 3]}],
        "slice": {"projectNamespace": "kubeslice-demo-distributed-mariadb", "sliceName": "demo-slice"}
    }));
    assert_eq!(validate_placement_policy_update(&old, &appended), vec![]);
    let truncated = policy(json!({
        "distributionRules": [
            {"clusterName": "demo-controller", "replicaIndices": [0]},
            {"clusterName": "demo-worker", "replicaIndices": [1]}],
        "slice": {"projectNamespace": "kubeslice-demo-distributed-mariadb", "sliceName": "demo-slice"}
    }));
    assert_eq!(validate_placement_policy_update(&old, &truncated), vec![]);
    let moved = policy(json!({
        "distributionRules": [
            {"clusterName": "demo-controller", "replicaIndices": [0, 1]},
            {"clusterName": "demo-worker", "replicaIndices": [2]}],
        "slice": {"projectNamespace": "kubeslice-demo-distributed-mariadb", "sliceName": "demo-slice"}
    }));
    assert_eq!(
        rules(validate_placement_policy_update(&old, &moved)),
        vec![
            Rule::IndexMoved {
                index: 1,
                from: "demo-worker".into(),
                to: "demo-controller".into()
            },
            Rule::IndexMoved {
                index: 2,
                from: "demo-controller".into(),
                to: "demo-worker".into()
            },
        ]
    );
}

#[test]
fn policy_clusters_must_be_in_the_slice() {
    let pp = seed_policy();
    let both = ["demo-controller".to_owned(), "demo-worker".to_owned()];
    assert_eq!(validate_placement_policy_slice(&pp, &both), vec![]);
    let v = only(validate_placement_policy_slice(&pp, &both[..1]));
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
}

fn failover(rules_json: Value, failover: Value) -> PlacementPolicy {
    policy(json!({
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
    assert_eq!(validate_placement_policy(&good), vec![]);
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
    let one = failover(
        json!([{"clusterName": "a", "replicaIndices": [0]}]),
        json!({"trigger": {"scope": "Global"}}),
    );
    assert_eq!(
        rules(validate_failover_policy(&one)),
        vec![Rule::TooFewMembers {
            members: 1,
            needed: 2
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
    let grouped = failover(
        json!([{"clusterName": "a", "replicaIndices": [0]}, {"clusterName": "b", "replicaIndices": [1]}]),
        json!({"trigger": {"scope": "Group", "group": "east"}}),
    );
    assert_eq!(validate_failover_policy(&grouped), vec![]);
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

#[test]
fn petset_against_its_policy() {
    let pp = seed_policy();
    assert_eq!(
        validate_petset(
            &petset(3, Some("distributed-mariadb")),
            PolicyLookup::Known(Some(&pp))
        ),
        vec![]
    );
    assert_eq!(
        rules(validate_petset(
            &petset(4, Some("distributed-mariadb")),
            PolicyLookup::Known(Some(&pp))
        )),
        vec![Rule::ReplicaIndexNotCovered { indices: vec![3] }]
    );
    assert_eq!(
        rules(validate_petset(
            &petset(3, Some("gone")),
            PolicyLookup::Known(None)
        )),
        vec![Rule::PlacementPolicyNotFound {
            name: "gone".into()
        }]
    );
    assert_eq!(
        rules(validate_petset(&petset(3, None), PolicyLookup::Unknown)),
        vec![Rule::PlacementPolicyNotFound {
            name: String::new()
        }]
    );
}
