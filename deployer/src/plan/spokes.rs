//! The preview of what KubeDB's PetSet controller sends to each spoke: the pod and PVC
//! ManifestWorks and the Galera settings of each pod, and the slice DNS name of a pod.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, Container, DownwardAPIVolumeFile, DownwardAPIVolumeSource, EmptyDirVolumeSource,
    EnvVar, ObjectFieldSelector, PersistentVolumeClaim, PersistentVolumeClaimSpec,
    PersistentVolumeClaimVolumeSource, Pod, PodAffinityTerm, PodAntiAffinity,
    TopologySpreadConstraint, Volume, VolumeMount, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use kubedb_types::apps::v1::{
    CLUSTER_NAME_ANNOTATION, PlacementPolicy, ROLE_LABEL, WhenUnsatisfiable,
};
use kubedb_types::kubedb::v1::WsrepSstMethod;
use kubedb_types::release::PolicyShape;
use ocm_types::work::v1::{
    FeedbackRule, FeedbackType, IgnoreField, IgnoreFieldsCondition, JsonPath, Manifest,
    ManifestConfigOption, ManifestWork, ManifestWorkSpec, ManifestsTemplate, ResourceIdentifier,
    ServerSideApplyConfig, UpdateStrategy, UpdateStrategyType,
};

use crate::environment::Environment;

use super::model::{GaleraConfig, Placed, SpokePreview};

/// Slice DNS name KubeDB uses for a pod (peer list, gRPC to the coordinator):
/// `<pod>.<db>-pods.<ns>.svc.slice.local`.
///
/// KubeSlice does not publish this form by itself. A ServiceExport `<export>` in `<ns>`
/// publishes `<export>.<ns>.svc.slice.local` (all its pods, see
/// [`kubeslice_types::dns::service_name`]), `<pod>.<cluster>.<export>.<ns>.svc.slice.local`
/// (one pod, [`kubeslice_types::dns::pod_name`]), and each name in its `spec.aliases`
/// (`kubeslice/worker-operator@d7e1cd6f:controllers/serviceexport/serviceexport.go`). The
/// per-pod name KubeDB uses resolves only as an alias, which the ServiceExports of KubeDB's
/// `<db>-serviceexports` ManifestWork must carry (inferred in `../shared/reference/kubedb.md`
/// §6.3: the operator is not public).
pub fn pod_slice_address(db: &str, namespace: &str, pod: &str) -> String {
    format!(
        "{pod}.{}",
        kubeslice_types::dns::service_name(&format!("{db}-pods"), namespace)
    )
}

/// KubeDB's component label, `database` on the database's pods and claims.
const COMPONENT_LABEL: &str = "app.kubernetes.io/component";

/// KubeDB's selector labels of a distributed MariaDB (`OffshootSelectors`,
/// `apimachinery@v0.57.0:apis/kubedb/v1/mariadb_helpers.go`): name, instance, managed-by, and
/// the namespace because the database is distributed.
pub(crate) fn offshoot_labels(db: &str, namespace: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/instance".to_owned(), db.to_owned()),
        (
            "app.kubernetes.io/managed-by".to_owned(),
            "kubedb.com".to_owned(),
        ),
        (
            "app.kubernetes.io/name".to_owned(),
            "mariadbs.kubedb.com".to_owned(),
        ),
        (
            "app.kubernetes.io/namespace".to_owned(),
            namespace.to_owned(),
        ),
    ])
}

fn json_paths(rules: &[(&str, &str)]) -> Vec<JsonPath> {
    rules
        .iter()
        .map(|(name, path)| JsonPath {
            name: (*name).into(),
            path: (*path).into(),
            version: None,
        })
        .collect()
}

fn ssa(ignore: &[&str]) -> UpdateStrategy {
    UpdateStrategy {
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
    }
}

/// What PetSet's `CalculateForPodPlacement` adds to every pod's spec from the policy's spread
/// constraints (`petset@v0.0.11:pkg/controller/placement.go`, unchanged at `05a56e31`): one
/// topology spread constraint per zone/node spread selecting the template labels, and an
/// affinity (always), with a pod anti-affinity when a spread is set and a required term per
/// `DoNotSchedule` spread.
fn spread_placement(
    policy: Option<&PlacementPolicy>,
    template_labels: &BTreeMap<String, String>,
) -> (Option<Affinity>, Option<Vec<TopologySpreadConstraint>>) {
    let Some(pl) = policy.map(|p| &p.spec) else {
        return (None, None);
    };
    let selector = || {
        Some(LabelSelector {
            match_labels: Some(template_labels.clone()),
            match_expressions: None,
        })
    };
    let mut constraints = Vec::new();
    let mut required = Vec::new();
    for (key, spread) in [
        ("topology.kubernetes.io/zone", &pl.zone_spread_constraint),
        ("kubernetes.io/hostname", &pl.node_spread_constraint),
    ] {
        let Some(spread) = spread else { continue };
        constraints.push(TopologySpreadConstraint {
            label_selector: selector(),
            max_skew: spread.max_skew,
            topology_key: key.to_owned(),
            when_unsatisfiable: spread.when_unsatisfiable.as_str().to_owned(),
            ..TopologySpreadConstraint::default()
        });
        if spread.when_unsatisfiable == WhenUnsatisfiable::DoNotSchedule {
            required.push(PodAffinityTerm {
                label_selector: selector(),
                topology_key: key.to_owned(),
                ..PodAffinityTerm::default()
            });
        }
    }
    let spread = pl.zone_spread_constraint.is_some() || pl.node_spread_constraint.is_some();
    let affinity = Affinity {
        pod_anti_affinity: spread.then(|| PodAntiAffinity {
            required_during_scheduling_ignored_during_execution: (!required.is_empty())
                .then_some(required),
            ..PodAntiAffinity::default()
        }),
        ..Affinity::default()
    };
    (
        Some(affinity),
        (!constraints.is_empty()).then_some(constraints),
    )
}

/// The pod and PVC ManifestWorks and Galera settings PetSet would create, per spoke, for the
/// PlacementPolicy the plan stores (`policy`).
///
/// What the release's PetSet controller puts in them differs (`CreatePodManifestWork`,
/// `CreateClaimManifestWork`, `pkg/controller/petset/pet_manifest_work_control.go`): at
/// `petset@v0.0.11` (KubeDB v2025.7.31, `spec.ocm` policies) pod works have four feedback
/// rules and no update strategy, claim works no manifest config, and the pod keeps its
/// controller reference to the PetSet (whose `uid` the hub assigns, so it is left out here);
/// at `petset@05a56e31` (v2026.7.10) pod works add `NodeName` and a server-side apply ignoring
/// spoke-side labels, claim works a `Capacity` feedback and a server-side apply ignoring
/// `volumeName`/`storageClassName`, and owner references are cleared. Works carry their
/// object's labels plus the role label. The `controller-revision-hash` label PetSet adds is
/// left out: it names a ControllerRevision that exists only once the PetSet does.
pub(crate) fn previews(
    env: &Environment,
    placement: &[Placed],
    policy: Option<&PlacementPolicy>,
) -> Vec<SpokePreview> {
    let db = &env.database;
    let old_petset = env.kubedb.release.policy_shape() == PolicyShape::Ocm;
    let mut template_labels = offshoot_labels(&db.name, &db.namespace);
    template_labels.insert(COMPONENT_LABEL.into(), "database".into());
    let (affinity, spread_constraints) = spread_placement(policy, &template_labels);
    let sst = db.wsrep_sst_method.unwrap_or(WsrepSstMethod::Rsync);
    let major: u32 = db
        .version
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    let section = if major >= 11 {
        "[mariadbd]"
    } else {
        "[mysqld]"
    };
    let peers: std::sync::Arc<[String]> = placement
        .iter()
        .map(|p| pod_slice_address(&db.name, &db.namespace, &p.pod))
        .collect();
    let image = |f: fn(&kubedb_types::catalog::v1alpha1::MariaDBVersionSpec) -> &str| {
        db.mariadb_version.as_ref().map(|v| f(&v.spec).to_owned())
    };
    let db_image = image(|s| &s.db.image);
    let coordinator_image = image(|s| &s.coordinator.image);
    let mut by_cluster: BTreeMap<&str, SpokePreview> = BTreeMap::new();
    for p in placement {
        let preview = by_cluster
            .entry(&p.cluster)
            .or_insert_with(|| SpokePreview {
                cluster: p.cluster.clone(),
                works: Vec::new(),
                galera: Vec::new(),
            });
        // KubeDB's pod labels: the selectors plus the component
        // (`apimachinery@v0.57.0:apis/kubedb/v1/mariadb_helpers.go`, `offshootLabels`), and
        // PetSet's identity labels. The work carries the pod's labels too.
        let mut pod_manifest_labels = template_labels.clone();
        pod_manifest_labels.insert("apps.kubernetes.io/pod-index".into(), p.ordinal.to_string());
        pod_manifest_labels.insert("statefulset.kubernetes.io/pod-name".into(), p.pod.clone());
        let mount = |name: &str, path: &str| VolumeMount {
            name: name.to_owned(),
            mount_path: path.to_owned(),
            ..VolumeMount::default()
        };
        let env = |name: &str, value: &str| EnvVar {
            name: name.to_owned(),
            value: Some(value.to_owned()),
            ..EnvVar::default()
        };
        // What a distributed pod needs to start (kubedb/mariadb-init-docker `on-start.sh`): the
        // `/scripts` volume where the coordinator writes `peer-list`, and the `podip` volume at
        // `/etc/podip` whose `podip` file holds the slice overlay IP that KubeSlice labels the
        // pod with (`kubeslice.io/nsmIP`; names from `apimachinery@v0.57.0:apis/kubedb/
        // constants.go`). The PetSet controller's `controller-revision-hash` label is left out:
        // it names a ControllerRevision that exists only once the PetSet does.
        let db_container = Container {
            name: "mariadb".to_owned(),
            image: db_image.clone(),
            env: Some(vec![
                env("DISTRIBUTED", "true"),
                env("CLUSTER_NAME", &db.name),
                env("WSREP_SST_METHOD", sst.as_str()),
            ]),
            volume_mounts: Some(vec![
                mount("data", "/var/lib/mysql"),
                mount("init-scripts", "/scripts"),
                mount("podip", "/etc/podip"),
            ]),
            ..Container::default()
        };
        let coordinator = Container {
            name: "md-coordinator".to_owned(),
            image: coordinator_image.clone(),
            volume_mounts: Some(vec![mount("init-scripts", "/scripts")]),
            ..Container::default()
        };
        let claim = format!("data-{}", p.pod);
        let annotations = Some(BTreeMap::from([(
            CLUSTER_NAME_ANNOTATION.to_owned(),
            p.cluster.clone(),
        )]));
        let pod = Pod {
            metadata: ObjectMeta {
                name: Some(p.pod.clone()),
                namespace: Some(db.namespace.clone()),
                labels: Some(pod_manifest_labels.clone()),
                annotations: annotations.clone(),
                ..ObjectMeta::default()
            },
            spec: Some(k8s_openapi::api::core::v1::PodSpec {
                hostname: Some(p.pod.clone()),
                subdomain: Some(format!("{}-pods", db.name)),
                affinity: affinity.clone(),
                topology_spread_constraints: spread_constraints.clone(),
                containers: vec![db_container, coordinator],
                volumes: Some(vec![
                    Volume {
                        name: "data".to_owned(),
                        persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                            claim_name: claim.clone(),
                            read_only: None,
                        }),
                        ..Volume::default()
                    },
                    Volume {
                        name: "init-scripts".to_owned(),
                        empty_dir: Some(EmptyDirVolumeSource::default()),
                        ..Volume::default()
                    },
                    Volume {
                        name: "podip".to_owned(),
                        downward_api: Some(DownwardAPIVolumeSource {
                            items: Some(vec![DownwardAPIVolumeFile {
                                path: "podip".to_owned(),
                                field_ref: Some(ObjectFieldSelector {
                                    field_path: "metadata.labels['kubeslice.io/nsmIP']".to_owned(),
                                    api_version: None,
                                }),
                                ..DownwardAPIVolumeFile::default()
                            }]),
                            default_mode: None,
                        }),
                        ..Volume::default()
                    },
                ]),
                ..k8s_openapi::api::core::v1::PodSpec::default()
            }),
            status: None,
        };
        let mut pod_manifest = manifest(&pod);
        if old_petset {
            // The controller reference without the `uid` the hub gives the PetSet (k8s-openapi's
            // `OwnerReference` requires one, so it is written as JSON).
            pod_manifest.0["metadata"]["ownerReferences"] = serde_json::json!([{
                "apiVersion": "apps.k8s.appscode.com/v1", "kind": "PetSet", "name": db.name,
                "controller": true, "blockOwnerDeletion": true}]);
        }
        let mut pod_labels = pod_manifest_labels;
        pod_labels.insert(ROLE_LABEL.into(), "pod".into());
        preview.works.push(work(
            &p.pod,
            &p.cluster,
            pod_labels,
            pod_manifest,
            Some(ManifestConfigOption {
                resource_identifier: ResourceIdentifier {
                    group: Some(String::new()),
                    resource: "pods".into(),
                    name: p.pod.clone(),
                    namespace: Some(db.namespace.clone()),
                },
                feedback_rules: Some(vec![FeedbackRule {
                    type_: FeedbackType::JsonPaths,
                    json_paths: Some(json_paths(
                        &[
                            ("PodPhase", ".status.phase"),
                            ("PodIP", ".status.podIP"),
                            ("ReadyCondition", ".status.conditions[?(@.type=='Ready')]"),
                            ("PodRoleLabel", ".metadata.labels.kubedb-role"),
                            ("NodeName", ".spec.nodeName"),
                        ][..if old_petset { 4 } else { 5 }],
                    )),
                }]),
                feedback_scrape_type: None,
                update_strategy: (!old_petset).then(|| ssa(&["$.metadata.labels"])),
                condition_rules: None,
            }),
        ));
        let mut claim_labels = offshoot_labels(&db.name, &db.namespace);
        claim_labels.insert(COMPONENT_LABEL.into(), "database".into());
        let pvc = PersistentVolumeClaim {
            metadata: ObjectMeta {
                name: Some(claim.clone()),
                namespace: Some(db.namespace.clone()),
                labels: Some(claim_labels.clone()),
                annotations,
                ..ObjectMeta::default()
            },
            spec: Some(PersistentVolumeClaimSpec {
                access_modes: Some(vec!["ReadWriteOnce".to_owned()]),
                resources: Some(VolumeResourceRequirements {
                    requests: Some(BTreeMap::from([("storage".to_owned(), db.storage.clone())])),
                    limits: None,
                }),
                storage_class_name: p.storage_class.clone(),
                ..PersistentVolumeClaimSpec::default()
            }),
            status: None,
        };
        let mut pvc_labels = claim_labels;
        pvc_labels.insert(ROLE_LABEL.into(), "pvc".into());
        preview.works.push(work(
            &claim,
            &p.cluster,
            pvc_labels,
            manifest(&pvc),
            (!old_petset).then(|| ManifestConfigOption {
                resource_identifier: ResourceIdentifier {
                    group: Some(String::new()),
                    resource: "persistentvolumeclaims".into(),
                    name: claim.clone(),
                    namespace: Some(db.namespace.clone()),
                },
                feedback_rules: Some(vec![FeedbackRule {
                    type_: FeedbackType::JsonPaths,
                    json_paths: Some(json_paths(&[("Capacity", ".status.capacity.storage")])),
                }]),
                feedback_scrape_type: None,
                update_strategy: Some(ssa(&["$.spec.volumeName", "$.spec.storageClassName"])),
                condition_rules: None,
            }),
        ));
        preview.galera.push(GaleraConfig {
            pod: p.pod.clone(),
            cluster: p.cluster.clone(),
            section,
            cluster_name: db.name.clone(),
            peers: peers.clone(),
            sst_method: sst,
        });
    }
    by_cluster.into_values().collect()
}

/// A typed object as a ManifestWork manifest, `apiVersion` and `kind` filled in.
fn manifest<K>(object: &K) -> Manifest
where
    K: kube::Resource<DynamicType = ()> + serde::Serialize,
{
    // Serialising a k8s-openapi object to a JSON value cannot fail (string keys, no
    // non-finite numbers).
    Manifest::from_resource(object).unwrap_or_default()
}

fn work(
    name: &str,
    cluster: &str,
    labels: BTreeMap<String, String>,
    manifest: Manifest,
    config: Option<ManifestConfigOption>,
) -> ManifestWork {
    ManifestWork {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some(cluster.into()),
            labels: Some(labels),
            ..ObjectMeta::default()
        },
        spec: ManifestWorkSpec {
            workload: Some(ManifestsTemplate {
                manifests: Some(vec![manifest]),
            }),
            manifest_configs: config.map(|c| vec![c]),
            ..ManifestWorkSpec::default()
        },
        status: None,
    }
}
