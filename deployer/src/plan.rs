//! The plan: every object of the walkthrough's Steps 3 to 7 in dependency order, and a preview
//! of what the PetSet controller sends to each spoke.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, Container, DownwardAPIVolumeFile, DownwardAPIVolumeSource, EmptyDirVolumeSource,
    EnvVar, LocalObjectReference, ObjectFieldSelector, PersistentVolumeClaim,
    PersistentVolumeClaimSpec, PersistentVolumeClaimVolumeSource, Pod, PodAffinityTerm,
    PodAntiAffinity, TopologySpreadConstraint, Volume, VolumeMount, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use kubedb_types::apps::v1::{
    ClusterSpreadConstraint, PlacementPolicy, PlacementPolicySpec, SliceRef, SpreadConstraint,
    WhenUnsatisfiable,
};
use kubedb_types::common::offshoot::{PodSpec, PodTemplateSpec};
use kubedb_types::kubedb::v1::{MariaDB, MariaDBSpec, StorageType, WsrepSstMethod};
use kubedb_types::release::PolicyShape;
use kubeslice_types::common::{Cipher, DscpClass, SliceGatewayType};
use kubeslice_types::controller::v1alpha1::PROJECT_NAMESPACE_PREFIX;
use kubeslice_types::controller::v1alpha1::{
    Cluster, ClusterProperty, ClusterSpec, NamespaceIsolationProfile, Project, ProjectSpec,
    QosProfileDetails, ServiceAccountsSpec, SliceConfig, SliceConfigSpec, SliceGatewayProvider,
    SliceNamespaceSelection, VpnConfiguration,
};
use ocm_types::work::v1::{
    FeedbackRule, FeedbackType, IgnoreField, IgnoreFieldsCondition, JsonPath, Manifest,
    ManifestConfigOption, ManifestWork, ManifestWorkSpec, ManifestsTemplate, ResourceIdentifier,
    ServerSideApplyConfig, UpdateStrategy, UpdateStrategyType,
};
use placement::{Mapping, Policy};
use serde_json::Value;

use crate::environment::Environment;
use crate::findings::{Finding, object_id};
use crate::survival::SurvivalAnalysis;

pub use kubedb_types::apps::v1::{CLUSTER_NAME_ANNOTATION, ROLE_LABEL};

/// An object of the plan.
#[derive(Clone, Debug, PartialEq)]
pub enum PlanObject {
    /// KubeSlice Project.
    Project(Project),
    /// KubeSlice Cluster registration.
    Cluster(Cluster),
    /// KubeSlice SliceConfig.
    SliceConfig(SliceConfig),
    /// KubeDB PlacementPolicy.
    PlacementPolicy(PlacementPolicy),
    /// KubeDB MariaDB (boxed: by far the largest type).
    MariaDB(Box<MariaDB>),
}

impl PlanObject {
    /// The object as JSON (with `apiVersion` and `kind`).
    pub fn to_json(&self) -> Value {
        let r = match self {
            PlanObject::Project(o) => serde_json::to_value(o),
            PlanObject::Cluster(o) => serde_json::to_value(o),
            PlanObject::SliceConfig(o) => serde_json::to_value(o),
            PlanObject::PlacementPolicy(o) => serde_json::to_value(o),
            PlanObject::MariaDB(o) => serde_json::to_value(o),
        };
        r.unwrap_or_default()
    }

    /// `Kind/name` or `Kind/namespace/name` ([`object_id`]).
    pub fn describe(&self) -> String {
        let v = self.to_json();
        object_id(
            v["kind"].as_str().unwrap_or_default(),
            v["metadata"]["namespace"].as_str(),
            v["metadata"]["name"].as_str().unwrap_or_default(),
        )
    }
}

/// One step: an object, the kube context it is applied in, and why it comes here.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Kube context (cluster) to apply in.
    pub context: String,
    /// The object.
    pub object: PlanObject,
    /// Why this step comes where it does.
    pub reason: String,
}

/// Where one pod goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    /// Ordinal.
    pub ordinal: i32,
    /// Pod name.
    pub pod: String,
    /// Cluster.
    pub cluster: String,
    /// Storage class override, if any.
    pub storage_class: Option<String>,
}

/// A pod's Galera settings, as the init script writes them to `galera.cnf`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GaleraConfig {
    /// Pod.
    pub pod: String,
    /// Cluster.
    pub cluster: String,
    /// `[mariadbd]` for MariaDB 11 and newer, else `[mysqld]`.
    pub section: &'static str,
    /// `wsrep_cluster_name`.
    pub cluster_name: String,
    /// Peer addresses on the slice, in ordinal order (shared by every pod of the plan).
    pub peers: std::sync::Arc<[String]>,
    /// SST method.
    pub sst_method: WsrepSstMethod,
}

impl GaleraConfig {
    /// The `galera.cnf` the pod's init script writes (the node address is the pod's KubeSlice
    /// overlay IP, read at start from `/etc/podip/podip`).
    pub fn render(&self) -> String {
        let mut out = format!(
            "{}\nbinlog_format=ROW\ndefault-storage-engine=innodb\ninnodb_autoinc_lock_mode=2\nbind-address=0.0.0.0\nwsrep_on=ON\nwsrep_provider=/usr/lib/galera/libgalera_smm.so\nwsrep_cluster_name={}\nwsrep_cluster_address=\"gcomm://{}\"\nwsrep_node_address=${{POD_IP}}  # from /etc/podip/podip: the pod's slice overlay IP\nwsrep_sst_method={}\n",
            self.section,
            self.cluster_name,
            self.peers.join(","),
            self.sst_method.as_str()
        );
        if self.sst_method == WsrepSstMethod::Mariabackup {
            out.push_str(
                "wsrep_sst_auth=$MYSQL_ROOT_USERNAME:$MYSQL_ROOT_PASSWORD\nwsrep_sst_donor=all,\n",
            );
        }
        out
    }
}

/// What the PetSet controller will create for one spoke.
#[derive(Clone, Debug, PartialEq)]
pub struct SpokePreview {
    /// The cluster (and hub namespace of its works).
    pub cluster: String,
    /// Per ordinal: the pod ManifestWork and the PVC ManifestWork.
    pub works: Vec<ManifestWork>,
    /// Galera settings of the pods on this cluster.
    pub galera: Vec<GaleraConfig>,
}

/// The full plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Objects to apply, in order.
    pub steps: Vec<Step>,
    /// Where each pod goes.
    pub placement: Vec<Placed>,
    /// What each spoke will receive.
    pub spokes: Vec<SpokePreview>,
    /// Single-cluster loss survival.
    pub survival: SurvivalAnalysis,
    /// Preflight findings (warnings and infos; errors prevent a plan).
    pub findings: Vec<Finding>,
}

/// Renders documents as one YAML stream, `---`-separated, deterministically.
pub fn yaml_stream(docs: &[Value]) -> String {
    docs.iter()
        .map(|d| serde_saphyr::to_string(d).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("---\n")
}

impl Plan {
    /// The step objects as one YAML stream, in order.
    pub fn objects_yaml(&self) -> String {
        yaml_stream(
            &self
                .steps
                .iter()
                .map(|s| s.object.to_json())
                .collect::<Vec<_>>(),
        )
    }

    /// The works previewed for one cluster, as a YAML stream.
    pub fn spoke_yaml(&self, cluster: &str) -> String {
        let works: Vec<Value> = self
            .spokes
            .iter()
            .filter(|s| s.cluster == cluster)
            .flat_map(|s| s.works.iter())
            .map(|w| serde_json::to_value(w).unwrap_or_default())
            .collect();
        yaml_stream(&works)
    }

    /// Files for `--out`: `plan.yaml` and `<cluster>.manifestworks.yaml` per spoke.
    pub fn files(&self) -> BTreeMap<String, String> {
        let mut files = BTreeMap::from([("plan.yaml".to_owned(), self.objects_yaml())]);
        for s in &self.spokes {
            files.insert(
                format!("{}.manifestworks.yaml", s.cluster),
                self.spoke_yaml(&s.cluster),
            );
        }
        files
    }
}

fn meta(name: &str, namespace: Option<&str>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_owned()),
        namespace: namespace.map(str::to_owned),
        ..ObjectMeta::default()
    }
}

/// The project namespace of a KubeSlice project.
pub fn project_namespace(project: &str) -> String {
    format!("{PROJECT_NAMESPACE_PREFIX}{project}")
}

/// The WorkerSliceConfig the KubeSlice controller derives from a slice for one cluster.
pub fn worker_slice_config_name(slice: &str, cluster: &str) -> String {
    format!("{slice}-{cluster}")
}

/// The walkthrough's slice: Wireguard gateways, local CA and IPAM, AES-128-CBC, 2.5/5 Mbit/s QoS,
/// the application and operator namespaces onboarded on every cluster, kube-system allowed;
/// `maxClusters` 16, or the number of clusters when more (KubeSlice allows at most 32).
pub fn default_slice_spec(
    clusters: &[String],
    app_namespace: &str,
    operator_namespace: &str,
) -> SliceConfigSpec {
    let everywhere = |ns: &str| SliceNamespaceSelection {
        namespace: Some(ns.to_owned()),
        clusters: Some(vec!["*".into()]),
    };
    SliceConfigSpec {
        slice_subnet: Some("10.1.0.0/16".into()),
        max_clusters: Some((clusters.len() as i64).max(16)),
        slice_type: Some("Application".into()),
        slice_gateway_provider: Some(SliceGatewayProvider {
            slice_gateway_type: Some(SliceGatewayType::Wireguard),
            slice_ca_type: Some("Local".into()),
            slice_gateway_service_type: None,
        }),
        slice_ipam_type: Some("Local".into()),
        rotation_interval: Some(60),
        vpn_config: Some(VpnConfiguration {
            cipher: Some(Cipher::Aes128Cbc),
        }),
        clusters: Some(clusters.to_vec()),
        qos_profile_details: Some(QosProfileDetails {
            queue_type: Some("HTB".into()),
            priority: 1,
            tc_type: Some("BANDWIDTH_CONTROL".into()),
            bandwidth_ceiling_kbps: 5120,
            bandwidth_guaranteed_kbps: 2560,
            dscp_class: DscpClass::AF11,
        }),
        namespace_isolation_profile: Some(NamespaceIsolationProfile {
            application_namespaces: Some(vec![
                everywhere(app_namespace),
                everywhere(operator_namespace),
            ]),
            isolation_enabled: Some(false),
            allowed_namespaces: Some(vec![everywhere("kube-system")]),
        }),
        ..SliceConfigSpec::default()
    }
}

/// The objects of Steps 3 to 7, in order, for a resolved placement policy.
pub(crate) fn steps(env: &Environment, policy: &Policy) -> Vec<Step> {
    let ks = &env.kubeslice;
    let db = &env.database;
    let project_ns = project_namespace(&ks.project);
    let mut slice_clusters: Vec<String> = Vec::new();
    for r in &policy.rules {
        if !slice_clusters.contains(&r.cluster) {
            slice_clusters.push(r.cluster.clone());
        }
    }
    let slice_spec = ks.slice_config.clone().unwrap_or_else(|| {
        default_slice_spec(&slice_clusters, &db.namespace, &ks.operator_namespace)
    });
    let registered: Vec<String> = slice_spec.clusters().to_vec();
    let ctx = ks.controller_cluster.clone();
    let mut out = vec![Step {
        context: ctx.clone(),
        object: PlanObject::Project(Project {
            metadata: meta(&ks.project, Some(&ks.controller_namespace)),
            spec: ProjectSpec {
                service_account: (!ks.read_write_users.is_empty()).then(|| ServiceAccountsSpec {
                    read_write: Some(ks.read_write_users.clone()),
                    read_only: None,
                }),
                default_slice_creation: None,
            },
            status: None,
        }),
        reason: format!(
            "the KubeSlice controller creates the project namespace {project_ns} that the cluster registrations and the slice live in"
        ),
    }];
    for cluster in &registered {
        out.push(Step {
            context: ctx.clone(),
            object: PlanObject::Cluster(Cluster {
                metadata: meta(cluster, Some(&project_ns)),
                spec: ClusterSpec {
                    network_interface: ks.network_interfaces.get(cluster).cloned(),
                    cluster_property: Some(ClusterProperty::default()),
                    ..ClusterSpec::default()
                },
                status: None,
            }),
            reason: "a slice can onboard only clusters registered in its project".into(),
        });
    }
    out.push(Step {
        context: ctx.clone(),
        object: PlanObject::SliceConfig(SliceConfig {
            metadata: meta(&ks.slice, Some(&project_ns)),
            spec: slice_spec,
            status: None,
        }),
        reason: format!(
            "connects the clusters and onboards {} and {} on all of them{}",
            db.namespace,
            ks.operator_namespace,
            if env.kubedb.release.policy_webhook_checks_slice() {
                "; the PlacementPolicy webhook checks its clusters against it"
            } else {
                ""
            }
        ),
    });
    let soft = || SpreadConstraint {
        max_skew: 1,
        when_unsatisfiable: WhenUnsatisfiable::ScheduleAnyway,
    };
    let release = env.kubedb.release;
    let current = PlacementPolicy {
        metadata: meta(&db.placement_policy, None),
        spec: PlacementPolicySpec {
            zone_spread_constraint: Some(soft()),
            node_spread_constraint: Some(soft()),
            affinity: None,
            cluster_spread_constraint: Some(ClusterSpreadConstraint {
                distribution_rules: policy.to_distribution_rules(),
                slice: SliceRef {
                    project_namespace: project_ns.clone(),
                    slice_name: ks.slice.clone(),
                },
                failover_policy: None,
            }),
            ocm: None,
        },
    };
    // What the release's shape cannot carry is reported by preflight (`release_gaps`).
    let in_release_shape = current.for_release(release, Some(&project_ns)).policy;
    out.push(Step {
        context: env.hub.name.clone(),
        object: PlanObject::PlacementPolicy(in_release_shape),
        reason: format!(
            "the MariaDB webhook of KubeDB {release} needs the policy to exist, with spec.{} (its PetSet webhook then checks that it maps every replica)",
            release.policy_shape().field()
        ),
    });
    out.push(Step {
        context: env.hub.name.clone(),
        object: PlanObject::MariaDB(Box::new(MariaDB {
            metadata: meta(&db.name, Some(&db.namespace)),
            spec: MariaDBSpec {
                version: db.version.clone(),
                distributed: Some(true),
                deletion_policy: Some(db.deletion_policy),
                replicas: Some(db.replicas as i32),
                storage: Some(PersistentVolumeClaimSpec {
                    access_modes: Some(vec!["ReadWriteOnce".into()]),
                    resources: Some(VolumeResourceRequirements {
                        requests: Some(BTreeMap::from([("storage".to_owned(), db.storage.clone())])),
                        limits: None,
                    }),
                    storage_class_name: db.storage_class.clone(),
                    ..PersistentVolumeClaimSpec::default()
                }),
                storage_type: Some(StorageType::Durable),
                wsrep_sst_method: db.wsrep_sst_method,
                pod_template: Some(PodTemplateSpec {
                    spec: Some(PodSpec {
                        pod_placement_policy: Some(LocalObjectReference { name: db.placement_policy.clone() }),
                        ..PodSpec::default()
                    }),
                    ..PodTemplateSpec::default()
                }),
                ..MariaDBSpec::default()
            },
            status: None,
        })),
        reason: "last: KubeDB's PetSet then creates one pod and one PVC ManifestWork per ordinal in the chosen cluster's hub namespace".into(),
    });
    out
}

/// Where each ordinal goes.
pub(crate) fn placed(env: &Environment, policy: &Policy) -> Vec<Placed> {
    let mapping = Mapping::build(policy);
    (0..env.database.replicas as i32)
        .filter_map(|o| {
            let cluster = mapping.cluster(o).ok()?;
            Some(Placed {
                ordinal: o,
                pod: format!("{}-{o}", env.database.name),
                cluster: cluster.to_owned(),
                storage_class: mapping
                    .storage_class(o)
                    .map(str::to_owned)
                    .or_else(|| env.database.storage_class.clone()),
            })
        })
        .collect()
}

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
