//! ManagedCluster, Klusterlet, ClusterManager and ManifestWork helpers, and the webhook rules.

use k8s_openapi::api::core::v1::{ConfigMap, Pod};
use ocm_types::cluster::v1::ManagedCluster;
use ocm_types::cluster::v1beta2::ManagedClusterSetBinding;
use ocm_types::operator::v1::{ClusterManager, Klusterlet};
use ocm_types::validation::{
    MANIFEST_LIMIT_BYTES, Rule, validate_cluster_set_binding, validate_manifest_work,
};
use ocm_types::work::v1::{Manifest, ManifestWork, ManifestWorkSpec, ManifestsTemplate, Value};
use serde_json::json;

fn condition(type_: &str, status: &str) -> serde_json::Value {
    json!({"type": type_, "status": status, "reason": "R", "message": "", "lastTransitionTime": "2025-01-01T00:00:00Z"})
}

fn cluster(accepts: bool, conditions: Vec<serde_json::Value>, version: &str) -> ManagedCluster {
    serde_json::from_value(json!({
        "apiVersion": "cluster.open-cluster-management.io/v1", "kind": "ManagedCluster",
        "metadata": {"name": "demo-worker"},
        "spec": {"hubAcceptsClient": accepts, "leaseDurationSeconds": 60},
        "status": {"conditions": conditions, "version": {"kubernetes": version},
                   "capacity": {"cpu": "4", "memory": "16Gi"}, "allocatable": {"cpu": "3500m", "memory": "14Gi"},
                   "clusterClaims": [{"name": "platform.open-cluster-management.io", "value": "KIND"}]}
    }))
    .expect("managed cluster")
}

#[test]
fn managed_cluster_conditions_and_inventory() {
    let ready = cluster(
        true,
        vec![
            condition("HubAcceptedManagedCluster", "True"),
            condition("ManagedClusterJoined", "True"),
            condition("ManagedClusterConditionAvailable", "True"),
        ],
        "v1.30.2+k3s1",
    );
    assert!(ready.is_hub_accepted() && ready.is_joined() && ready.is_available());
    assert_eq!(ready.kubernetes_version(), Some((1, 30)));
    assert_eq!(ready.capacity("cpu").map(|q| q.0.as_str()), Some("4"));
    assert_eq!(
        ready.allocatable("memory").map(|q| q.0.as_str()),
        Some("14Gi")
    );
    assert_eq!(
        ready.cluster_claim("platform.open-cluster-management.io"),
        Some("KIND")
    );

    let pending = cluster(
        false,
        vec![condition("ManagedClusterConditionAvailable", "Unknown")],
        "1.25",
    );
    assert!(!pending.is_hub_accepted() && !pending.is_joined() && !pending.is_available());
    assert_eq!(pending.kubernetes_version(), Some((1, 25)));
    // Accepted in spec but not yet by the hub.
    let accepting = cluster(true, vec![], "garbage");
    assert!(!accepting.is_hub_accepted());
    assert_eq!(accepting.kubernetes_version(), None);
}

#[test]
fn go_nulls_deserialize_and_unset_fields_are_not_sent() {
    let mc: ManagedCluster = serde_json::from_value(json!({
        "apiVersion": "cluster.open-cluster-management.io/v1", "kind": "ManagedCluster",
        "metadata": {"name": "c"},
        "spec": {"hubAcceptsClient": true, "taints": [{"key": "k", "effect": "NoSelect", "timeAdded": null}],
                 "managedClusterClientConfigs": null},
        "status": {"conditions": null}
    }))
    .expect("nulls are None");
    let out = serde_json::to_value(&mc).expect("serializes");
    assert_eq!(
        out["spec"],
        json!({"hubAcceptsClient": true, "taints": [{"key": "k", "effect": "NoSelect"}]})
    );
    assert_eq!(out["status"], json!({}));
}

#[test]
fn klusterlet_and_cluster_manager_gates() {
    let klusterlet = |gates: serde_json::Value| -> Klusterlet {
        serde_json::from_value(json!({"apiVersion": "operator.open-cluster-management.io/v1", "kind": "Klusterlet",
            "metadata": {"name": "klusterlet"}, "spec": {"workConfiguration": {"featureGates": gates}}}))
        .expect("klusterlet")
    };
    assert!(
        klusterlet(json!([{"feature": "RawFeedbackJsonString", "mode": "Enable"}]))
            .raw_feedback_json_string()
    );
    assert!(
        !klusterlet(json!([{"feature": "RawFeedbackJsonString", "mode": "Disable"}]))
            .raw_feedback_json_string()
    );
    assert!(
        !klusterlet(json!([{"feature": "RawFeedbackJsonString"}])).raw_feedback_json_string(),
        "mode defaults to Disable"
    );
    assert!(
        !klusterlet(json!([])).raw_feedback_json_string(),
        "off unless enabled"
    );
    // The walkthrough's Step 2 Klusterlet.
    let seed: Klusterlet = serde_saphyr::from_str(
        "apiVersion: operator.open-cluster-management.io/v1
kind: Klusterlet
metadata: {name: klusterlet}
spec:
  workConfiguration:
    featureGates: [{feature: RawFeedbackJsonString, mode: Enable}]
    hubKubeAPIQPS: 50
",
    )
    .expect("seed klusterlet");
    assert!(seed.raw_feedback_json_string());
    assert_eq!(
        seed.spec
            .work_configuration
            .as_ref()
            .and_then(|w| w.hub_kube_api_qps),
        Some(50)
    );

    let cm: ClusterManager = serde_json::from_value(json!({"apiVersion": "operator.open-cluster-management.io/v1",
        "kind": "ClusterManager", "metadata": {"name": "cluster-manager"},
        "spec": {"workConfiguration": {"featureGates": [{"feature": "ManifestWorkReplicaSet", "mode": "Enable"}]}}}))
    .expect("cluster manager");
    assert!(cm.manifest_work_replica_set());
}

fn config_map(name: &str) -> Manifest {
    let cm = ConfigMap {
        metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
            name: Some(name.into()),
            namespace: Some("demo".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    Manifest::from_resource(&cm).expect("manifest")
}

fn work(manifests: Vec<Manifest>) -> ManifestWorkSpec {
    ManifestWorkSpec {
        workload: Some(ManifestsTemplate {
            manifests: Some(manifests),
        }),
        ..Default::default()
    }
}

#[test]
fn manifest_work_webhook_rules() {
    assert_eq!(
        validate_manifest_work(&work(vec![config_map("a"), config_map("b")])),
        vec![]
    );
    let rules = |spec: &ManifestWorkSpec| {
        validate_manifest_work(spec)
            .into_iter()
            .map(|v| v.rule)
            .collect::<Vec<_>>()
    };
    assert_eq!(rules(&work(vec![])), vec![Rule::NoManifests]);
    assert_eq!(
        rules(&work(vec![config_map("a"), config_map("a")])),
        vec![Rule::Duplicate {
            key: "v1/ConfigMap demo/a".into()
        }]
    );
    let generated =
        Manifest(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "x-"}}));
    assert_eq!(
        rules(&work(vec![generated])),
        vec![Rule::GenerateName, Rule::NoName]
    );
    let bare = Manifest(json!({"metadata": {"name": "x"}}));
    assert_eq!(
        rules(&work(vec![bare])),
        vec![
            Rule::NotAnObject {
                missing: "apiVersion"
            },
            Rule::NotAnObject { missing: "kind" }
        ]
    );
    let mut big = config_map("big");
    big.0["data"] = json!({"blob": "x".repeat(MANIFEST_LIMIT_BYTES)});
    assert!(matches!(rules(&work(vec![big]))[0], Rule::TooLarge { .. }));
    let mut executor = work(vec![config_map("a")]);
    executor.executor = serde_json::from_value(json!({"subject": {"type": "ServiceAccount"}})).ok();
    assert_eq!(rules(&executor), vec![Rule::ExecutorWithoutServiceAccount]);
}

#[test]
fn binding_name_must_equal_cluster_set() {
    let binding = |name: &str, set: &str| -> ManagedClusterSetBinding {
        serde_json::from_value(
            json!({"apiVersion": "cluster.open-cluster-management.io/v1beta2",
            "kind": "ManagedClusterSetBinding", "metadata": {"name": name, "namespace": "demo"},
            "spec": {"clusterSet": set}}),
        )
        .expect("binding")
    };
    assert_eq!(
        validate_cluster_set_binding(&binding("global", "global")),
        vec![]
    );
    assert_eq!(
        validate_cluster_set_binding(&binding("mine", "global"))[0].rule,
        Rule::BindingNameMismatch {
            name: "mine".into(),
            cluster_set: "global".into()
        }
    );
}

#[test]
fn manifest_round_trips_typed_resources() {
    let pod = Pod {
        metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
            name: Some("mariadb-0".into()),
            namespace: Some("demo".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let m = Manifest::from_resource(&pod).expect("manifest");
    assert_eq!(
        (m.api_version(), m.kind(), m.name(), m.namespace()),
        (Some("v1"), Some("Pod"), Some("mariadb-0"), Some("demo"))
    );
    let back: Pod = m.to_resource().expect("typed again");
    assert_eq!(back.metadata.name.as_deref(), Some("mariadb-0"));
}

#[test]
fn feedback_errors_name_the_value_and_the_manifest() {
    let mw: ManifestWork = serde_json::from_value(json!({
        "apiVersion": "work.open-cluster-management.io/v1", "kind": "ManifestWork",
        "metadata": {"name": "mariadb-0", "namespace": "demo-worker"}, "spec": {},
        "status": {"resourceStatus": {"manifests": [{
            "resourceMeta": {"ordinal": 0, "kind": "Pod", "name": "mariadb-0", "namespace": "demo"},
            "conditions": [],
            "statusFeedback": {"values": [
                {"name": "PodPhase", "fieldValue": {"type": "String", "string": "Running"}},
                {"name": "Broken", "fieldValue": {"type": "Integer"}},
                {"name": "BadJson", "fieldValue": {"type": "JsonRaw", "jsonRaw": "{nope"}},
                {"name": "ReadyCondition", "fieldValue": {"type": "JsonRaw", "jsonRaw": "{\"type\":\"Ready\",\"status\":7}"}}]}}]}}
    }))
    .expect("work");
    assert_eq!(
        mw.feedback_value(0, "PodPhase"),
        Ok(Value::String("Running".into()))
    );
    let broken = mw.feedback_value(0, "Broken").unwrap_err().to_string();
    assert!(
        broken.contains("\"Broken\"") && broken.contains("no integer field"),
        "{broken}"
    );
    assert!(
        mw.feedback_value(0, "BadJson")
            .unwrap_err()
            .to_string()
            .contains("not JSON")
    );
    let decode = mw
        .decode_feedback::<k8s_openapi::api::core::v1::PodCondition>(0, "ReadyCondition")
        .unwrap_err()
        .to_string();
    assert!(
        decode.contains("Pod/demo/mariadb-0") && decode.contains("cannot decode JsonRaw"),
        "{decode}"
    );
    assert!(
        mw.manifest_status_of("Pod", Some("demo"), "mariadb-0")
            .is_some()
    );
}
