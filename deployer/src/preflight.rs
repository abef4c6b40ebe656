//! Preflight: everything the walkthrough's prerequisites and troubleshooting tips check,
//! computed from the input alone.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use kubedb_types::apps::v1::PlacementPolicy;
use kubedb_types::kubedb::v1::MariaDB;
use kubedb_types::release::{CatalogEntry, PolicyShape};
use kubedb_types::validation::{self as kubedb, Lookup, MariaDBInputs, PolicyLookup};
use kubeslice_types::controller::v1alpha1::{Project, SliceConfig};
use kubeslice_types::validation::{self as ks_validation, HubState};
use ocm_types::cluster::v1::ManagedCluster;
use placement::Policy;

use crate::environment::Environment;
use crate::findings::{Finding, Severity, object_id, raw_feedback_gate_off};
use crate::plan::{PlanObject, Step};
use crate::survival::SurvivalAnalysis;

/// Oldest Kubernetes the walkthrough supports.
pub const MIN_KUBERNETES: (u32, u32) = (1, 26);

/// A resource quantity in base units (cores, bytes): `3800m` → 3.8, `16Gi` → 17179869184.
pub fn quantity_value(q: &Quantity) -> Option<f64> {
    let s = q.0.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(s.len());
    let (number, suffix) = s.split_at(split);
    let base: f64 = number.parse().ok()?;
    let factor = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        e if e.starts_with(['e', 'E']) => 10f64.powi(e[1..].parse().ok()?),
        _ => return None,
    };
    Some(base * factor)
}

fn object(kind: &str, name: &str) -> String {
    object_id(kind, None, name)
}

/// The first object of each kind among the planned steps.
#[derive(Default)]
struct Planned<'a> {
    project: Option<&'a Project>,
    slice: Option<&'a SliceConfig>,
    policy: Option<&'a PlacementPolicy>,
    mariadb: Option<&'a MariaDB>,
}

impl<'a> Planned<'a> {
    fn of(steps: &'a [Step]) -> Self {
        let mut planned = Planned::default();
        for step in steps {
            match &step.object {
                PlanObject::Project(p) => planned.project = planned.project.or(Some(p)),
                PlanObject::SliceConfig(s) => planned.slice = planned.slice.or(Some(s)),
                PlanObject::PlacementPolicy(p) => planned.policy = planned.policy.or(Some(p)),
                PlanObject::MariaDB(m) => planned.mariadb = planned.mariadb.or(Some(m)),
                PlanObject::Cluster(_) => {}
            }
        }
        planned
    }
}

/// Checks the environment and the planned objects; errors mean the plan would fail. One
/// concern per function, in this order: the placement policy, what the release's policy shape
/// cannot carry, the MariaDB admission rules, each placement cluster (registration with the
/// hub, Kubernetes version, capacity, node size, its klusterlet's feedback gate), the hub's
/// feature gate, the KubeSlice project and slice (the slice's rules, the policy's clusters in
/// it, the namespaces onboarded, gateway interfaces), and survival.
pub(crate) fn preflight(
    env: &Environment,
    policy: &Policy,
    steps: &[Step],
    survival: Option<&SurvivalAnalysis>,
) -> Vec<Finding> {
    let planned = Planned::of(steps);
    let clusters = placement_clusters(policy);
    let mut out = placement_rules(env, policy);
    out.extend(release_gaps(env, policy));
    if let (Some(md), Some(pp)) = (planned.mariadb, planned.policy) {
        out.extend(mariadb_admission(env, md, pp));
        out.extend(storage_class_unknown(env, md));
    }
    for cluster in &clusters {
        out.extend(placement_cluster(env, policy, cluster));
    }
    out.extend(hub_feature_gate(env));
    if let Some(project) = planned.project {
        out.extend(kubeslice_project(env, project));
    }
    if let Some(slice) = planned.slice {
        out.extend(slice_rules(env, slice));
        if let Some(pp) = planned.policy {
            out.extend(policy_clusters_in_slice(env, pp, slice));
        }
        out.extend(namespaces_onboarded(env, slice, &clusters));
        out.extend(gateway_interfaces(slice, env));
    }
    if let Some(s) = survival {
        out.extend(single_cluster_loss(env, s));
    }
    out
}

/// The policy's clusters, in first-use order.
fn placement_clusters(policy: &Policy) -> Vec<&str> {
    let mut clusters: Vec<&str> = Vec::new();
    for r in &policy.rules {
        if !clusters.contains(&r.cluster.as_str()) {
            clusters.push(&r.cluster);
        }
    }
    clusters
}

fn policy_name(env: &Environment) -> String {
    object("PlacementPolicy", &env.database.placement_policy)
}

/// The placement's own rules (`placement::Policy::validate`) and its cover of the replicas.
fn placement_rules(env: &Environment, policy: &Policy) -> Vec<Finding> {
    let pp_name = policy_name(env);
    let own = policy.validate().into_iter().map(|v| {
        Finding::new(
            Severity::Error,
            &pp_name,
            v.to_string(),
            "list every ordinal from 0 once, in one distribution rule",
        )
    });
    let cover = policy
        .validate_replicas(env.database.replicas as i32, 0)
        .into_iter()
        .map(|v| {
            Finding::new(
                Severity::Error,
                &pp_name,
                v.to_string(),
                "give every ordinal below replicas a cluster",
            )
        });
    own.chain(cover).collect()
}

/// The MariaDB against the planned policy, as the MariaDB webhook of the hub's KubeDB release
/// judges it (`kubedb_types::validation::validate_mariadb`), with the release's catalog and the
/// request's MariaDBVersion.
fn mariadb_admission(env: &Environment, md: &MariaDB, pp: &PlacementPolicy) -> Vec<Finding> {
    let db = &env.database;
    let release = env.kubedb.release;
    let mut catalog = release.catalog();
    if let Some(v) = &db.mariadb_version {
        catalog.upsert(CatalogEntry::from(v));
    }
    let hub = MariaDBInputs {
        policy: PolicyLookup::Known(Some(pp)),
        version: Lookup::Known(catalog.get(&db.version)),
        storage_classes: env.kubedb.storage_classes.as_deref(),
    };
    kubedb::validate_mariadb(md, release, &hub)
        .into_iter()
        .map(|v| {
            let remedy = match v.rule {
                kubedb::Rule::GaleraTooSmall { .. } => {
                    "set replicas to 3 or more: Galera needs a majority to survive one failure"
                        .to_owned()
                }
                kubedb::Rule::VersionNotFound { .. } => {
                    let mut names: Vec<&str> =
                        catalog.entries.iter().map(|e| e.name.as_str()).collect();
                    names.sort_by_key(|n| version_key(n));
                    format!(
                        "set database.version to one of KubeDB {release}'s catalog: {}",
                        names.join(", ")
                    )
                }
                kubedb::Rule::DurableStorageMissing
                | kubedb::Rule::StorageRequestMissing
                | kubedb::Rule::StorageRequestNotPositive { .. } => {
                    "set database.storage to a positive size, for example 1Gi".to_owned()
                }
                kubedb::Rule::StorageClassNotFound { .. } => format!(
                    "set database.storageClass to one of the hub's classes ({}), or create the class",
                    env.kubedb
                        .storage_classes
                        .as_deref()
                        .unwrap_or_default()
                        .join(", ")
                ),
                kubedb::Rule::RequireSslUnsupported { .. } => {
                    "set database.version to 10.5.2 or later".to_owned()
                }
                _ => "fix the database request".to_owned(),
            };
            let severity = if v.is_refusal() {
                Severity::Error
            } else {
                Severity::Warning
            };
            Finding::new(severity, md_name(env), v.to_string(), remedy)
        })
        .collect()
}

/// A storage class the MariaDB asks for that cannot be checked: the hub's classes are not in
/// the input.
fn storage_class_unknown(env: &Environment, md: &MariaDB) -> Option<Finding> {
    if env.kubedb.storage_classes.is_some() {
        return None;
    }
    let class = md
        .spec
        .storage
        .as_ref()
        .and_then(|s| s.storage_class_name.as_ref())?;
    Some(Finding::new(
        Severity::Info,
        object("StorageClass", class),
        "the hub's storage classes are not known from the input: the MariaDB webhook refuses a class the hub does not have",
        format!(
            "check with `kubectl get storageclass {class}` on the hub, or list the classes in kubedb.storageClasses"
        ),
    ))
}

/// One placement cluster: a ManagedCluster of the hub (nothing else is checked when it is
/// not), its registration, Kubernetes version, capacity, node size and feedback gate.
fn placement_cluster(env: &Environment, policy: &Policy, cluster: &str) -> Vec<Finding> {
    let Some(mc) = env
        .hub
        .managed_clusters
        .iter()
        .find(|m| m.metadata.name.as_deref() == Some(cluster))
    else {
        return vec![Finding::new(
            Severity::Error,
            object("ManagedCluster", cluster),
            "is not a ManagedCluster of the hub",
            format!(
                "join it: clusteradm join --cluster-name {cluster} ..., then clusteradm accept --clusters {cluster} on the hub"
            ),
        )];
    };
    let mut out = registration(mc, cluster);
    out.extend(kubernetes_version(mc, cluster));
    out.extend(capacity(env, policy, mc, cluster));
    out.extend(node_size(mc, cluster));
    out.extend(spoke_feature_gate(env, cluster));
    out
}

/// Why `name` is not a DNS-1123 label (at most 63 characters, lowercase letters, digits and
/// `-`, starting and ending with a letter or digit: `kubernetes/apimachinery@v0.34.0:
/// pkg/util/validation/validation.go` `IsDNS1123Label`), or `None`: a
/// cluster's, a namespace's or a PetSet's name, which pod names extend with `-<ordinal>`.
///
/// ```
/// assert_eq!(deployer::not_a_dns1123_label("mariadb"), None);
/// assert!(deployer::not_a_dns1123_label("").is_some());
/// assert!(deployer::not_a_dns1123_label("Maria_DB").is_some());
/// ```
pub fn not_a_dns1123_label(name: &str) -> Option<&'static str> {
    let b = name.as_bytes();
    let edge = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if b.is_empty() || b.len() > 63 {
        Some("a DNS-1123 label has 1 to 63 characters")
    } else if !b.iter().all(|c| edge(c) || *c == b'-') {
        Some("a DNS-1123 label has only lowercase letters, digits and '-'")
    } else if !b.first().is_some_and(edge) || !b.last().is_some_and(edge) {
        Some("a DNS-1123 label starts and ends with a lowercase letter or a digit")
    } else {
        None
    }
}

/// Accepted by the hub, joined and available (`ocm_types` ManagedCluster conditions).
pub(crate) fn registration(mc: &ManagedCluster, cluster: &str) -> Vec<Finding> {
    let name = object("ManagedCluster", cluster);
    let mut out = Vec::new();
    if !mc.is_hub_accepted() {
        out.push(Finding::new(
            Severity::Error,
            &name,
            "the hub has not accepted it",
            format!("clusteradm accept --clusters {cluster}"),
        ));
    }
    if !mc.is_joined() {
        out.push(Finding::new(Severity::Error, &name, "has not joined (ManagedClusterJoined is not True)", "check the klusterlet on the cluster; retry clusteradm accept every 10 seconds until it joins"));
    }
    if !mc.is_available() {
        out.push(Finding::new(
            Severity::Error,
            &name,
            "is not available (ManagedClusterConditionAvailable is not True)",
            "check the klusterlet and the cluster's API server",
        ));
    }
    out
}

/// Kubernetes [`MIN_KUBERNETES`] or newer.
pub(crate) fn kubernetes_version(mc: &ManagedCluster, cluster: &str) -> Option<Finding> {
    let name = object("ManagedCluster", cluster);
    match mc.kubernetes_version() {
        Some(v) if v < MIN_KUBERNETES => Some(Finding::new(
            Severity::Error,
            &name,
            format!(
                "runs Kubernetes {}.{}, older than {}.{}",
                v.0, v.1, MIN_KUBERNETES.0, MIN_KUBERNETES.1
            ),
            "upgrade the cluster to 1.26 or newer",
        )),
        Some(_) => None,
        None => Some(Finding::new(
            Severity::Warning,
            &name,
            "reports no Kubernetes version",
            "make sure it runs 1.26 or newer",
        )),
    }
}

/// Allocatable CPU and memory for the pods the policy puts on the cluster.
fn capacity(
    env: &Environment,
    policy: &Policy,
    mc: &ManagedCluster,
    cluster: &str,
) -> Vec<Finding> {
    let pods = policy
        .rules
        .iter()
        .filter(|r| r.cluster == cluster)
        .flat_map(|r| r.indices.iter())
        .filter(|&&i| (i as u32) < env.database.replicas)
        .count();
    capacity_for(mc, cluster, pods, |r| env.pod_request(r))
}

/// Allocatable CPU and memory of `mc` for `pods` pods requesting `request(resource)` each:
/// an error when they do not fit, an info when the cluster reports no allocatable amount.
pub(crate) fn capacity_for(
    mc: &ManagedCluster,
    cluster: &str,
    pods: usize,
    request: impl Fn(&str) -> Option<Quantity>,
) -> Vec<Finding> {
    let name = object("ManagedCluster", cluster);
    let mut out = Vec::new();
    for resource in ["cpu", "memory"] {
        let (Some(need), Some(have)) = (
            request(resource).as_ref().and_then(quantity_value),
            mc.allocatable(resource).and_then(quantity_value),
        ) else {
            out.push(Finding::new(
                Severity::Info,
                &name,
                format!("reports no allocatable {resource}: capacity not checked"),
                "",
            ));
            continue;
        };
        if need * pods as f64 > have {
            out.push(Finding::new(
                Severity::Error,
                &name,
                format!(
                    "{pods} pods need {} {resource}, the cluster has {} allocatable",
                    fmt_amount(need * pods as f64, resource),
                    fmt_amount(have, resource)
                ),
                "add nodes, lower the pod requests, or move ordinals to another cluster",
            ));
        }
    }
    out
}

/// The walkthrough's 4 vCPU / 16 GB guidance (15 GiB allowed for what the system keeps).
fn node_size(mc: &ManagedCluster, cluster: &str) -> Option<Finding> {
    let small_cpu = mc
        .capacity("cpu")
        .and_then(quantity_value)
        .is_some_and(|c| c < 4.0);
    let small_mem = mc
        .capacity("memory")
        .and_then(quantity_value)
        .is_some_and(|m| m < 15.0 * 1024f64.powi(3));
    (small_cpu || small_mem).then(|| {
        Finding::new(
            Severity::Warning,
            object("ManagedCluster", cluster),
            "has less than the 4 vCPU / 16 GB the walkthrough asks of each node",
            "use larger nodes",
        )
    })
}

/// The spoke's `RawFeedbackJsonString` gate, from its Klusterlet when given.
fn spoke_feature_gate(env: &Environment, cluster: &str) -> Option<Finding> {
    match env.hub.klusterlets.get(cluster) {
        Some(k) if !k.raw_feedback_json_string() => Some(raw_feedback_gate_off(
            cluster,
            "RawFeedbackJsonString is not enabled: the pod Ready condition never reaches the hub and the database stays NotReady",
        )),
        Some(_) => None,
        None => Some(Finding::new(
            Severity::Info,
            object("Klusterlet", cluster),
            "RawFeedbackJsonString not known from the input",
            "the deployer detects it when applying: pod feedback with a phase but no ReadyCondition means the gate is off",
        )),
    }
}

/// The hub's `ManifestWorkReplicaSet` gate, from the ClusterManager when given.
fn hub_feature_gate(env: &Environment) -> Option<Finding> {
    match &env.hub.cluster_manager {
        Some(cm) if !cm.manifest_work_replica_set() => Some(Finding::new(
            Severity::Warning,
            "ClusterManager/cluster-manager",
            "ManifestWorkReplicaSet is not enabled on the hub",
            "clusteradm init --feature-gates=ManifestWorkReplicaSet=true, as the walkthrough does",
        )),
        Some(_) => None,
        None => Some(Finding::new(
            Severity::Info,
            "ClusterManager/cluster-manager",
            "hub feature gates not known from the input",
            "the deployer reads the ClusterManager when applying",
        )),
    }
}

/// The KubeSlice controller's Project rules (`kubeslice_types::validation`).
fn kubeslice_project(env: &Environment, project: &Project) -> Vec<Finding> {
    ks_validation::validate_project(project, &env.kubeslice.controller_namespace)
        .into_iter()
        .map(|v| {
            Finding::new(
                Severity::Error,
                object("Project", &env.kubeslice.project),
                v.to_string(),
                "fix the KubeSlice project",
            )
        })
        .collect()
}

fn slice_name(slice: &SliceConfig) -> String {
    object(
        "SliceConfig",
        slice.metadata.name.as_deref().unwrap_or_default(),
    )
}

/// The KubeSlice controller's SliceConfig rules, with the registrations the input gives.
fn slice_rules(env: &Environment, slice: &SliceConfig) -> Vec<Finding> {
    let registered = (!env.kubeslice.registered_clusters.is_empty())
        .then_some(env.kubeslice.registered_clusters.as_slice());
    let hub = HubState {
        clusters: registered,
        ..HubState::default()
    };
    let sc_name = slice_name(slice);
    ks_validation::validate_slice_config(slice, &hub)
        .into_iter()
        .map(|v| Finding::new(Severity::Error, &sc_name, v.to_string(), "fix the slice"))
        .collect()
}

/// Every cluster of the policy is in the slice (KubeDB's PlacementPolicy webhook rule).
fn policy_clusters_in_slice(
    env: &Environment,
    pp: &PlacementPolicy,
    slice: &SliceConfig,
) -> Vec<Finding> {
    kubedb::validate_placement_policy_slice(pp, slice.spec.clusters())
        .into_iter()
        .map(|v| Finding::new(Severity::Error, policy_name(env), v.to_string(), "add the cluster to the SliceConfig's spec.clusters (and register it in the project)"))
        .collect()
}

/// The application and operator namespaces are onboarded on every placement cluster, as
/// KubeSlice reads `namespaceIsolationProfile.applicationNamespaces`
/// ([`SliceConfigSpec::application_namespaces_on`](kubeslice_types::controller::v1alpha1::SliceConfigSpec::application_namespaces_on):
/// `*` means every cluster of the slice, and a cluster outside the slice has none).
fn namespaces_onboarded(env: &Environment, slice: &SliceConfig, clusters: &[&str]) -> Vec<Finding> {
    let sc_name = slice_name(slice);
    let mut out = Vec::new();
    for ns in [
        env.database.namespace.as_str(),
        env.kubeslice.operator_namespace.as_str(),
    ] {
        for cluster in clusters {
            if !slice.spec.application_namespaces_on(cluster).contains(&ns) {
                out.push(Finding::new(Severity::Error, &sc_name, format!("namespace {ns} is not onboarded on {cluster}"), format!("add {{namespace: {ns}, clusters: ['*']}} to namespaceIsolationProfile.applicationNamespaces")));
            }
        }
    }
    out
}

/// A gateway network interface for every slice cluster.
fn gateway_interfaces(slice: &SliceConfig, env: &Environment) -> Vec<Finding> {
    slice
        .spec
        .clusters()
        .iter()
        .filter(|c| !env.kubeslice.network_interfaces.contains_key(*c))
        .map(|cluster| Finding::new(Severity::Warning, object("Cluster", cluster), "no network interface given for the KubeSlice gateway", "run `ip route get 8.8.8.8 | awk '{ print $5 }'` on the gateway node and set kubeslice.networkInterfaces"))
        .collect()
}

/// The single-cluster losses Galera's quorum rule says are fatal, with the verified fixes.
fn single_cluster_loss(env: &Environment, s: &SurvivalAnalysis) -> Option<Finding> {
    if s.survives_any_single_loss() {
        return None;
    }
    let fatal: Vec<String> = s
        .lines()
        .into_iter()
        .filter(|l| l.contains("loses quorum"))
        .collect();
    let fixes: Vec<String> = s.fixes.iter().map(|f| f.summary.clone()).collect();
    Some(Finding::new(
        Severity::Warning,
        policy_name(env),
        fatal.join("; "),
        if fixes.is_empty() {
            "spread the replicas over more clusters".to_owned()
        } else {
            fixes.join("; or ")
        },
    ))
}

/// What the release's PlacementPolicy shape cannot carry from the request: per-cluster storage
/// classes exist only in `spec.clusterSpreadConstraint` (petset de81da92 and later), so a
/// release serving `spec.ocm` would silently use the database's class everywhere.
fn release_gaps(env: &Environment, policy: &Policy) -> Vec<Finding> {
    let release = env.kubedb.release;
    if release.policy_shape() != PolicyShape::Ocm {
        return Vec::new();
    }
    policy
        .rules
        .iter()
        .filter_map(|r| r.storage_class.as_ref().map(|c| (r, c)))
        .map(|(r, class)| {
            Finding::new(
                Severity::Error,
                object("PlacementPolicy", &env.database.placement_policy),
                format!(
                    "storage class {class:?} for {}: KubeDB {release}'s PlacementPolicy (spec.ocm) has no per-cluster storage class",
                    r.cluster
                ),
                "set database.storageClass for every pod, or run KubeDB v2026.7.10 or later (spec.clusterSpreadConstraint carries storageClassName)",
            )
        })
        .collect()
}

/// `10.4.32` sorts before `10.10.7`: numeric parts compared as numbers.
fn version_key(name: &str) -> Vec<u64> {
    name.split(['.', '-'])
        .map(|p| p.parse().unwrap_or(u64::MAX))
        .collect()
}

fn md_name(env: &Environment) -> String {
    object_id("MariaDB", Some(&env.database.namespace), &env.database.name)
}

fn fmt_amount(v: f64, resource: &str) -> String {
    if resource == "memory" {
        format!("{:.1}Gi", v / 1024f64.powi(3))
    } else {
        format!("{v:.2}")
    }
}

/// Clusters the planner may use for `auto` placement, with the pods each can hold.
pub(crate) fn auto_candidates(env: &Environment) -> Vec<placement::plan::Candidate> {
    let per_pod: BTreeMap<&str, f64> = ["cpu", "memory"]
        .into_iter()
        .filter_map(|r| {
            env.pod_request(r)
                .as_ref()
                .and_then(quantity_value)
                .map(|v| (r, v))
        })
        .collect();
    env.hub
        .managed_clusters
        .iter()
        .filter(|m| m.is_joined() && m.is_available())
        .map(|m| {
            let fits = per_pod
                .iter()
                .filter_map(|(r, need)| {
                    m.allocatable(r)
                        .and_then(quantity_value)
                        .map(|have| (have / need).floor() as u32)
                })
                .min()
                .unwrap_or(env.database.replicas);
            placement::plan::Candidate::new(m.metadata.name.as_deref().unwrap_or_default(), fits)
        })
        .collect()
}
