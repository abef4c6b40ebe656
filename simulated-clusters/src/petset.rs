//! The PetSet controller's construction of a distributed set's pods, claims and their
//! ManifestWorks, from the PetSet and the PlacementPolicy as the hub stores them, per the
//! kubeops/petset version a KubeDB release runs ([`Release::petset`]): `petset@v0.0.11` for
//! v2025.7.31 and `petset@05a56e31` (v0.0.16, read for the untagged app v0.1.0) for v2026.7.10.
//!
//! Pure functions on JSON documents (the controller works on unstructured objects too); the
//! controller's sync that calls them, writing through the hub, is a module of its own.

use std::collections::BTreeMap;

use kubedb_types::apps::v1::{
    CLUSTER_NAME_ANNOTATION, PlacementPolicy, ROLE_LABEL, ROLE_POD, ROLE_PVC,
};
use kubedb_types::release::{PolicyShape, Release};
use ocm_types::work::v1::{
    FeedbackRule, FeedbackType, IgnoreField, IgnoreFieldsCondition, JsonPath, Manifest,
    ManifestConfigOption, ManifestWork, ManifestWorkSpec, ManifestsTemplate, ResourceIdentifier,
    ServerSideApplyConfig, UpdateStrategy, UpdateStrategyType,
};
use placement::{Mapping, Policy};
use serde_json::{Map, Value, json};

/// The pod's name label (`apps.StatefulSetPodNameLabel`, set by `updateIdentity`,
/// `petset@v0.0.11:pkg/controller/petset/pet_set_utils.go`).
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
/// The pod's ordinal label (`apps.PodIndexLabel`, set by `updateIdentity` behind the
/// `PodIndexLabel` feature gate, on by default since Kubernetes 1.28).
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
/// The pod's revision label (`apps.StatefulSetRevisionLabel`, `setPodRevision`).
pub const REVISION_LABEL: &str = "controller-revision-hash";

/// The PetSet controller generation a release runs: what its ManifestWorks carry differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Generation {
    /// `petset@v0.0.11`: policy in `spec.ocm`; pod works with four feedback rules and no
    /// update strategy; claim works with no manifest configs; the pod keeps its owner
    /// reference to the PetSet; no per-ordinal storage class.
    V0_0_11,
    /// `petset@05a56e31`: policy in `spec.clusterSpreadConstraint`; `NodeName` feedback and
    /// server-side apply ignoring spoke-side labels on pod works; `Capacity` feedback and
    /// server-side apply ignoring `volumeName`/`storageClassName` on claim works; owner
    /// references cleared; the first-match rule's `storageClassName` on claims.
    Current,
}

fn generation(release: Release) -> Generation {
    match release.policy_shape() {
        PolicyShape::Ocm => Generation::V0_0_11,
        PolicyShape::ClusterSpreadConstraint => Generation::Current,
    }
}

/// The ordinal → cluster map the release's PetSet controller reads from `policy`: the
/// distribution rules of the release's shape only (`getOcmClusterName` walks
/// `spec.ocm.distributionRules[].replicas` at `petset@v0.0.11` and
/// `spec.clusterSpreadConstraint.distributionRules[].replicaIndices` at `petset@05a56e31:
/// pkg/controller/petset/pet_manifest_work_control.go`; first rule in list order wins), with
/// the rules' storage classes where the release reads them (`getStorageClassName`,
/// `petset@05a56e31` only).
pub fn mapping(policy: &PlacementPolicy, release: Release) -> Mapping {
    let rules = match generation(release) {
        Generation::Current => Policy::from_placement_policy(policy)
            .rules
            .into_iter()
            .filter(|_| policy.spec.cluster_spread_constraint.is_some())
            .collect(),
        Generation::V0_0_11 => {
            Policy::from_pairs(
                policy
                    .distribution_of(PolicyShape::Ocm)
                    .into_iter()
                    .map(|(c, idx)| (c.to_owned(), idx.to_vec())),
            )
            .rules
        }
    };
    Mapping::build(&Policy { rules })
}

fn labels_of(v: &Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

/// The revision name `controller-revision-hash` carries: `<set>-<hash of the template>`.
/// PetSet hashes the ControllerRevision's data (`history.HashControllerRevision`, FNV-32a);
/// this hashes the template's JSON the same way, so the value changes exactly when the
/// template does, but it is not byte-equal to the real one.
pub fn revision(set: &Value) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for b in set["spec"]["template"].to_string().bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!(
        "{}-{hash:08x}",
        set["metadata"]["name"].as_str().unwrap_or_default()
    )
}

/// The pod of `ordinal` as `newPetSetPod` builds it (`petset@v0.0.11:pkg/controller/petset/
/// pet_set_utils.go`), with `apiVersion`/`kind` as `CreatePodManifestWork` sets them:
///
/// - `GetPodFromTemplate` (`pkg/controller/controller_utils.go`): the template's labels and
///   annotations, the controller reference to the PetSet (cleared again before the work is
///   built from `petset@v0.0.15` on), the template's spec with the policy's placement
///   (`CalculateForPodPlacement`, `pkg/controller/placement.go`: a topology spread
///   constraint per zone/node spread constraint selecting the template labels, an `affinity`
///   with a required pod anti-affinity term per `DoNotSchedule` spread);
/// - `initIdentity`: name `<set>-<ordinal>`, the set's namespace, the pod-name and pod-index
///   labels, `hostname` = the name, `subdomain` = `spec.serviceName`;
/// - `updateStorage`: one `persistentVolumeClaim` volume per claim template first, then the
///   template's other volumes;
/// - `setOCMPlacement`: the cluster-name annotation;
/// - `setPodRevision` (`pet_set_control.go`, `newVersionedPetSetPod`): the revision label.
///
/// Go's encoder would also write empty structs (`status: {}`, `creationTimestamp: null`,
/// `resources: {}`); they carry nothing and are left out.
pub fn pod(
    set: &Value,
    policy: &PlacementPolicy,
    ordinal: i32,
    cluster: &str,
    release: Release,
) -> Value {
    let set_name = set["metadata"]["name"].as_str().unwrap_or_default();
    let namespace = &set["metadata"]["namespace"];
    let template = &set["spec"]["template"];
    let template_labels = labels_of(&template["metadata"]["labels"]);
    let name = format!("{set_name}-{ordinal}");

    let mut labels = template_labels.clone();
    labels.insert(POD_NAME_LABEL.into(), json!(name));
    labels.insert(POD_INDEX_LABEL.into(), json!(ordinal.to_string()));
    labels.insert(REVISION_LABEL.into(), json!(revision(set)));
    let mut annotations = labels_of(&template["metadata"]["annotations"]);
    annotations.insert(CLUSTER_NAME_ANNOTATION.into(), json!(cluster));

    let mut spec = labels_of(&template["spec"]);
    place(&mut spec, policy, &template_labels);
    spec.insert("hostname".into(), json!(name));
    spec.insert("subdomain".into(), set["spec"]["serviceName"].clone());
    let claims: Vec<&str> = set["spec"]["volumeClaimTemplates"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["metadata"]["name"].as_str())
        .collect();
    let mut volumes: Vec<Value> = claims
        .iter()
        .map(|c| {
            json!({"name": c, "persistentVolumeClaim": {"claimName": format!("{c}-{set_name}-{ordinal}")}})
        })
        .collect();
    volumes.extend(
        spec.get("volumes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|v| !claims.iter().any(|c| v["name"] == *c))
            .cloned(),
    );
    if !volumes.is_empty() {
        spec.insert("volumes".into(), Value::Array(volumes));
    }

    let mut metadata = json!({"name": name, "namespace": namespace,
        "labels": labels, "annotations": annotations});
    if generation(release) == Generation::V0_0_11 {
        // `metav1.NewControllerRef(set, controllerKind)`; `CreatePodManifestWork` keeps it
        // until petset v0.0.15 (`pod.OwnerReferences = nil`).
        metadata["ownerReferences"] = json!([{
            "apiVersion": "apps.k8s.appscode.com/v1", "kind": "PetSet", "name": set_name,
            "uid": set["metadata"]["uid"], "controller": true, "blockOwnerDeletion": true}]);
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec})
}

/// `CalculateForPodPlacement` without node-affinity domains (`setNodeAffinityFromPlacement`,
/// which needs CEL over the pods already placed, is not simulated: the deployer never writes
/// `spec.affinity`): spread constraints and the anti-affinity they imply.
fn place(spec: &mut Map<String, Value>, policy: &PlacementPolicy, labels: &Map<String, Value>) {
    let pl = &policy.spec;
    let mut constraints: Vec<Value> = spec
        .get("topologySpreadConstraints")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut anti: Vec<Value> = spec
        .get("affinity")
        .and_then(|a| {
            a["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"].as_array()
        })
        .cloned()
        .unwrap_or_default();
    let spreads = [
        ("topology.kubernetes.io/zone", &pl.zone_spread_constraint),
        ("kubernetes.io/hostname", &pl.node_spread_constraint),
    ];
    for (key, spread) in spreads {
        let Some(spread) = spread else { continue };
        let when = serde_json::to_value(spread.when_unsatisfiable).unwrap_or_default();
        let tsc = json!({"labelSelector": {"matchLabels": labels}, "maxSkew": spread.max_skew,
            "topologyKey": key, "whenUnsatisfiable": when});
        // `UpsertTopologySpreadConstraint`: same key and whenUnsatisfiable is replaced.
        match constraints
            .iter_mut()
            .find(|c| c["topologyKey"] == key && c["whenUnsatisfiable"] == when)
        {
            Some(c) => *c = tsc,
            None => constraints.push(tsc),
        }
        if when == "DoNotSchedule" {
            let term = json!({"labelSelector": {"matchLabels": labels}, "topologyKey": key});
            match anti.iter_mut().find(|t| t["topologyKey"] == key) {
                Some(t) => *t = term,
                None => anti.push(term),
            }
        }
    }
    if !constraints.is_empty() {
        spec.insert(
            "topologySpreadConstraints".into(),
            Value::Array(constraints),
        );
    }
    // `setSpreadConstraintsFromPlacement` always sets an affinity; `setAntiAffinityRules`
    // adds `podAntiAffinity` when either spread is set (its empty term list is not encoded).
    let affinity = spec.entry("affinity").or_insert_with(|| json!({}));
    if pl.zone_spread_constraint.is_some() || pl.node_spread_constraint.is_some() {
        let pod_anti = affinity
            .as_object_mut()
            .map(|a| a.entry("podAntiAffinity").or_insert_with(|| json!({})));
        if let (Some(pod_anti), false) = (pod_anti, anti.is_empty()) {
            pod_anti["requiredDuringSchedulingIgnoredDuringExecution"] = Value::Array(anti);
        }
    }
}

/// The claim of `ordinal` for the set's claim template `template`, as
/// `getPersistentVolumeClaims` (`petset@v0.0.11:pkg/controller/petset/pet_set_utils.go`)
/// builds it: name `<template>-<set>-<ordinal>`, the set's namespace, the template's labels
/// with the set's selector labels over them; then `setOCMPlacementForPVC` (the cluster-name
/// annotation) and, from `petset@v0.0.12` on, `setStorageClassNameForPVC` (the first-match
/// rule's storage class when set), with `apiVersion`/`kind` as `CreateClaimManifestWork`
/// sets them.
pub fn claim(
    set: &Value,
    template: &Value,
    ordinal: i32,
    cluster: &str,
    storage_class: Option<&str>,
    release: Release,
) -> Value {
    let set_name = set["metadata"]["name"].as_str().unwrap_or_default();
    let template_name = template["metadata"]["name"].as_str().unwrap_or_default();
    let mut labels = labels_of(&template["metadata"]["labels"]);
    for (k, v) in labels_of(&set["spec"]["selector"]["matchLabels"]) {
        labels.insert(k, v);
    }
    let mut annotations = labels_of(&template["metadata"]["annotations"]);
    annotations.insert(CLUSTER_NAME_ANNOTATION.into(), json!(cluster));
    let mut spec = template["spec"].clone();
    if let (Generation::Current, Some(class)) = (generation(release), storage_class) {
        spec["storageClassName"] = json!(class);
    }
    json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": format!("{template_name}-{set_name}-{ordinal}"),
            "namespace": set["metadata"]["namespace"], "labels": labels, "annotations": annotations},
        "spec": spec})
}

fn string_map(labels: &Value) -> BTreeMap<String, String> {
    labels
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
        .collect()
}

fn feedback(rules: &[(&str, &str)]) -> Option<Vec<FeedbackRule>> {
    Some(vec![FeedbackRule {
        type_: FeedbackType::JsonPaths,
        json_paths: Some(
            rules
                .iter()
                .map(|(name, path)| JsonPath {
                    name: (*name).to_owned(),
                    path: (*path).to_owned(),
                    version: None,
                })
                .collect(),
        ),
    }])
}

fn server_side_apply(ignore: &[&str]) -> Option<UpdateStrategy> {
    Some(UpdateStrategy {
        type_: Some(UpdateStrategyType::ServerSideApply),
        server_side_apply: Some(ServerSideApplyConfig {
            force: Some(true),
            field_manager: None,
            ignore_fields: Some(vec![IgnoreField {
                condition: Some(IgnoreFieldsCondition::OnSpokePresent),
                json_paths: Some(ignore.iter().map(|s| (*s).to_owned()).collect()),
                json_pointers: None,
                jq_path_expressions: None,
            }]),
        }),
    })
}

fn work(
    object: &Value,
    cluster: &str,
    role: &str,
    configs: Option<ManifestConfigOption>,
) -> ManifestWork {
    let mut labels = string_map(&object["metadata"]["labels"]);
    labels.insert(ROLE_LABEL.to_owned(), role.to_owned());
    ManifestWork {
        metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
            name: object["metadata"]["name"].as_str().map(str::to_owned),
            namespace: Some(cluster.to_owned()),
            labels: Some(labels),
            ..Default::default()
        },
        spec: ManifestWorkSpec {
            workload: Some(ManifestsTemplate {
                manifests: Some(vec![Manifest(object.clone())]),
            }),
            manifest_configs: configs.map(|c| vec![c]),
            ..ManifestWorkSpec::default()
        },
        status: None,
    }
}

fn identifier(object: &Value, resource: &str) -> ResourceIdentifier {
    ResourceIdentifier {
        group: Some(String::new()),
        resource: resource.to_owned(),
        name: object["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        namespace: object["metadata"]["namespace"].as_str().map(str::to_owned),
    }
}

/// The pod's ManifestWork as `CreatePodManifestWork` builds it
/// (`pkg/controller/petset/pet_manifest_work_control.go`): named after the pod, in the
/// cluster's namespace, labelled with the pod's labels plus `role: pod`, carrying the pod, with
/// one manifest config: feedback `PodPhase`, `PodIP`, `ReadyCondition`, `PodRoleLabel`
/// (`petset@v0.0.11`), plus `NodeName` and a forced server-side apply that ignores
/// `$.metadata.labels` once the pod exists on the spoke (`petset@05a56e31`).
pub fn pod_work(pod: &Value, cluster: &str, release: Release) -> ManifestWork {
    let mut rules = vec![
        ("PodPhase", ".status.phase"),
        ("PodIP", ".status.podIP"),
        ("ReadyCondition", ".status.conditions[?(@.type=='Ready')]"),
        ("PodRoleLabel", ".metadata.labels.kubedb-role"),
    ];
    let current = generation(release) == Generation::Current;
    if current {
        rules.push(("NodeName", ".spec.nodeName"));
    }
    let config = ManifestConfigOption {
        resource_identifier: identifier(pod, "pods"),
        feedback_rules: feedback(&rules),
        feedback_scrape_type: None,
        update_strategy: current
            .then(|| server_side_apply(&["$.metadata.labels"]))
            .flatten(),
        condition_rules: None,
    };
    work(pod, cluster, ROLE_POD, Some(config))
}

/// The claim's ManifestWork as `CreateClaimManifestWork` builds it: named after the claim, in
/// the cluster's namespace, labelled with the claim's labels plus `role: pvc`, carrying the
/// claim; no manifest config at `petset@v0.0.11`, a `Capacity` feedback and a forced
/// server-side apply ignoring `$.spec.volumeName` and `$.spec.storageClassName` at
/// `petset@05a56e31`.
pub fn claim_work(claim: &Value, cluster: &str, release: Release) -> ManifestWork {
    let config = (generation(release) == Generation::Current).then(|| ManifestConfigOption {
        resource_identifier: identifier(claim, "persistentvolumeclaims"),
        feedback_rules: feedback(&[("Capacity", ".status.capacity.storage")]),
        feedback_scrape_type: None,
        update_strategy: server_side_apply(&["$.spec.volumeName", "$.spec.storageClassName"]),
        condition_rules: None,
    });
    work(claim, cluster, ROLE_PVC, config)
}

/// The ordinal of a pod or claim name: its last `-` part (`getOrdinalFromResource`).
pub fn ordinal_of(name: &str) -> Option<i32> {
    name.rsplit('-').next()?.parse().ok()
}
