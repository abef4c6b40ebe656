//! Preflight: everything the walkthrough's prerequisites and troubleshooting tips check,
//! computed from the input alone.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use kubedb_types::admission::{self, Lookup, MariaDBInputs, PolicyLookup};
use kubedb_types::release::{CatalogEntry, PolicyShape};
use kubeslice_types::controller::v1alpha1::SliceConfig;
use kubeslice_types::validation::{self as ks_validation, HubState};
use placement::Policy;

use crate::environment::Environment;
use crate::findings::{Finding, Severity};
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
    format!("{kind}/{name}")
}

/// Checks the environment and the planned objects; errors mean the plan would fail.
pub(crate) fn preflight(
    env: &Environment,
    policy: &Policy,
    steps: &[Step],
    survival: Option<&SurvivalAnalysis>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let db = &env.database;
    let mut clusters: Vec<&str> = Vec::new();
    for r in &policy.rules {
        if !clusters.contains(&r.cluster.as_str()) {
            clusters.push(&r.cluster);
        }
    }
    let find = |kind: &str| {
        steps.iter().find_map(|s| match (&s.object, kind) {
            (PlanObject::PlacementPolicy(p), "pp") => Some(PlanObject::PlacementPolicy(p.clone())),
            (PlanObject::SliceConfig(p), "sc") => Some(PlanObject::SliceConfig(p.clone())),
            (PlanObject::MariaDB(p), "md") => Some(PlanObject::MariaDB(p.clone())),
            (PlanObject::Project(p), "project") => Some(PlanObject::Project(p.clone())),
            _ => None,
        })
    };
    let pp_name = object("PlacementPolicy", &db.placement_policy);

    // Placement.
    for v in policy.validate() {
        out.push(Finding::new(
            Severity::Error,
            &pp_name,
            v.to_string(),
            "list every ordinal from 0 once, in one distribution rule",
        ));
    }
    for v in policy.validate_replicas(db.replicas as i32, 0) {
        out.push(Finding::new(
            Severity::Error,
            &pp_name,
            v.to_string(),
            "give every ordinal below replicas a cluster",
        ));
    }

    // The release's shape, and MariaDB admission against the planned policy, as the hub's
    // KubeDB release judges them.
    let release = env.kubedb.release;
    out.extend(release_gaps(env, policy));
    if let (Some(PlanObject::MariaDB(md)), Some(PlanObject::PlacementPolicy(pp))) =
        (find("md"), find("pp"))
    {
        let mut catalog = release.catalog().unwrap_or_default();
        if let Some(v) = &db.mariadb_version {
            catalog.upsert(CatalogEntry::from(v));
        }
        let hub = MariaDBInputs {
            policy: PolicyLookup::Known(Some(&pp)),
            version: Lookup::Known(catalog.get(&db.version)),
            storage_classes: env.kubedb.storage_classes.as_deref(),
        };
        for v in admission::validate_mariadb(&md, release, &hub) {
            let remedy = match v.rule {
                admission::Rule::GaleraTooSmall { .. } => {
                    "set replicas to 3 or more: Galera needs a majority to survive one failure"
                        .to_owned()
                }
                admission::Rule::VersionNotFound { .. } => {
                    let mut names: Vec<&str> =
                        catalog.entries.iter().map(|e| e.name.as_str()).collect();
                    names.sort_by_key(|n| version_key(n));
                    format!(
                        "set database.version to one of KubeDB {release}'s catalog: {}",
                        names.join(", ")
                    )
                }
                admission::Rule::DurableStorageMissing
                | admission::Rule::StorageRequestMissing
                | admission::Rule::StorageRequestNotPositive { .. } => {
                    "set database.storage to a positive size, for example 1Gi".to_owned()
                }
                admission::Rule::StorageClassNotFound { .. } => format!(
                    "set database.storageClass to one of the hub's classes ({}), or create the class",
                    env.kubedb
                        .storage_classes
                        .as_deref()
                        .unwrap_or_default()
                        .join(", ")
                ),
                admission::Rule::RequireSslUnsupported { .. } => {
                    "set database.version to 10.5.2 or later".to_owned()
                }
                _ => "fix the database request".to_owned(),
            };
            let severity = if v.is_refusal() {
                Severity::Error
            } else {
                Severity::Warning
            };
            out.push(Finding::new(severity, md_name(env), v.to_string(), remedy));
        }
        if env.kubedb.storage_classes.is_none()
            && let Some(class) = md
                .spec
                .storage
                .as_ref()
                .and_then(|s| s.storage_class_name.as_ref())
        {
            out.push(Finding::new(
                Severity::Info,
                object("StorageClass", class),
                "the hub's storage classes are not known from the input: the MariaDB webhook refuses a class the hub does not have",
                format!("check with `kubectl get storageclass {class}` on the hub, or list the classes in kubedb.storageClasses"),
            ));
        }
    }

    // Managed clusters.
    for cluster in &clusters {
        let name = object("ManagedCluster", cluster);
        let Some(mc) = env
            .hub
            .managed_clusters
            .iter()
            .find(|m| m.metadata.name.as_deref() == Some(*cluster))
        else {
            out.push(Finding::new(Severity::Error, &name, "is not a ManagedCluster of the hub", format!("join it: clusteradm join --cluster-name {cluster} ..., then clusteradm accept --clusters {cluster} on the hub")));
            continue;
        };
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
        match mc.kubernetes_version() {
            Some(v) if v < MIN_KUBERNETES => out.push(Finding::new(
                Severity::Error,
                &name,
                format!(
                    "runs Kubernetes {}.{}, older than {}.{}",
                    v.0, v.1, MIN_KUBERNETES.0, MIN_KUBERNETES.1
                ),
                "upgrade the cluster to 1.26 or newer",
            )),
            Some(_) => {}
            None => out.push(Finding::new(
                Severity::Warning,
                &name,
                "reports no Kubernetes version",
                "make sure it runs 1.26 or newer",
            )),
        }
        let pods = policy
            .rules
            .iter()
            .filter(|r| r.cluster == *cluster)
            .flat_map(|r| r.indices.iter())
            .filter(|&&i| (i as u32) < db.replicas)
            .count();
        for resource in ["cpu", "memory"] {
            let (Some(need), Some(have)) = (
                env.pod_request(resource).as_ref().and_then(quantity_value),
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
        let small_cpu = mc
            .capacity("cpu")
            .and_then(quantity_value)
            .is_some_and(|c| c < 4.0);
        let small_mem = mc
            .capacity("memory")
            .and_then(quantity_value)
            .is_some_and(|m| m < 15.0 * 1024f64.powi(3));
        if small_cpu || small_mem {
            out.push(Finding::new(
                Severity::Warning,
                &name,
                "has less than the 4 vCPU / 16 GB the walkthrough asks of each node",
                "use larger nodes",
            ));
        }
        // Spoke feature gate.
        match env.hub.klusterlets.get(*cluster) {
            Some(k) if !k.raw_feedback_json_string() => out.push(Finding::new(Severity::Error, object("Klusterlet", cluster), "RawFeedbackJsonString is not enabled: the pod Ready condition never reaches the hub and the database stays NotReady", crate::observe::RAW_FEEDBACK_REMEDY)),
            Some(_) => {}
            None => out.push(Finding::new(Severity::Info, object("Klusterlet", cluster), "RawFeedbackJsonString not known from the input", "the deployer detects it when applying: pod feedback with a phase but no ReadyCondition means the gate is off")),
        }
    }

    // Hub gate.
    match &env.hub.cluster_manager {
        Some(cm) if !cm.manifest_work_replica_set() => out.push(Finding::new(
            Severity::Warning,
            "ClusterManager/cluster-manager",
            "ManifestWorkReplicaSet is not enabled on the hub",
            "clusteradm init --feature-gates=ManifestWorkReplicaSet=true, as the walkthrough does",
        )),
        Some(_) => {}
        None => out.push(Finding::new(
            Severity::Info,
            "ClusterManager/cluster-manager",
            "hub feature gates not known from the input",
            "the deployer reads the ClusterManager when applying",
        )),
    }

    // KubeSlice.
    if let Some(PlanObject::Project(project)) = find("project") {
        for v in ks_validation::validate_project(&project, &env.kubeslice.controller_namespace) {
            out.push(Finding::new(
                Severity::Error,
                object("Project", &env.kubeslice.project),
                v.to_string(),
                "fix the KubeSlice project",
            ));
        }
    }
    if let Some(PlanObject::SliceConfig(slice)) = find("sc") {
        let registered = (!env.kubeslice.registered_clusters.is_empty())
            .then_some(env.kubeslice.registered_clusters.as_slice());
        let hub = HubState {
            clusters: registered,
            ..HubState::default()
        };
        let sc_name = object(
            "SliceConfig",
            &slice.metadata.name.clone().unwrap_or_default(),
        );
        for v in ks_validation::validate_slice_config(&slice, &hub) {
            out.push(Finding::new(
                Severity::Error,
                &sc_name,
                v.to_string(),
                "fix the slice",
            ));
        }
        if let Some(PlanObject::PlacementPolicy(pp)) = find("pp") {
            for v in admission::validate_placement_policy_slice(&pp, slice.spec.clusters()) {
                out.push(Finding::new(Severity::Error, &pp_name, v.to_string(), "add the cluster to the SliceConfig's spec.clusters (and register it in the project)"));
            }
        }
        for ns in [
            db.namespace.as_str(),
            env.kubeslice.operator_namespace.as_str(),
        ] {
            for cluster in &clusters {
                if !onboarded(&slice, ns, cluster) {
                    out.push(Finding::new(Severity::Error, &sc_name, format!("namespace {ns} is not onboarded on {cluster}"), format!("add {{namespace: {ns}, clusters: ['*']}} to namespaceIsolationProfile.applicationNamespaces")));
                }
            }
        }
        for cluster in slice.spec.clusters() {
            if !env.kubeslice.network_interfaces.contains_key(cluster) {
                out.push(Finding::new(Severity::Warning, object("Cluster", cluster), "no network interface given for the KubeSlice gateway", "run `ip route get 8.8.8.8 | awk '{ print $5 }'` on the gateway node and set kubeslice.networkInterfaces"));
            }
        }
    }

    // Survival.
    if let Some(s) = survival
        && !s.survives_any_single_loss()
    {
        let fatal: Vec<String> = s
            .lines()
            .into_iter()
            .filter(|l| l.contains("loses quorum"))
            .collect();
        let fixes: Vec<String> = s.fixes.iter().map(|f| f.summary.clone()).collect();
        out.push(Finding::new(
            Severity::Warning,
            &pp_name,
            fatal.join("; "),
            if fixes.is_empty() {
                "spread the replicas over more clusters".to_owned()
            } else {
                fixes.join("; or ")
            },
        ));
    }
    out
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
    format!("MariaDB/{}/{}", env.database.namespace, env.database.name)
}

fn fmt_amount(v: f64, resource: &str) -> String {
    if resource == "memory" {
        format!("{:.1}Gi", v / 1024f64.powi(3))
    } else {
        format!("{v:.2}")
    }
}

fn onboarded(slice: &SliceConfig, namespace: &str, cluster: &str) -> bool {
    slice
        .spec
        .namespace_isolation_profile
        .iter()
        .flat_map(|p| p.application_namespaces.iter().flatten())
        .any(|e| {
            e.namespace.as_deref() == Some(namespace)
                && e.clusters
                    .iter()
                    .flatten()
                    .any(|c| c == "*" || c == cluster)
        })
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
