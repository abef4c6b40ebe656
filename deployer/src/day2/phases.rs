//! `plan_day2` and its phases: the target layout, the room on the clusters that gain pods,
//! the slice joins, and the policy updates and OpsRequests along the legal path.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kubedb_types::apps::v1::{LegacyDistributionRule, PlacementPolicy};
use kubedb_types::kubedb::v1::MariaDB;
use kubedb_types::ops::v1alpha1::MariaDBOpsRequest;
use kubedb_types::validation::{self as kubedb, Lookup, Severity as AdmissionSeverity};
use kubeslice_types::controller::v1alpha1::SliceConfig;
use kubeslice_types::validation::{HubState, validate_slice_config_update};
use ocm_types::cluster::v1::ManagedCluster;
use placement::Policy;
use placement::plan::{
    Candidate, DistributeOptions, Step, Votes, distribute, migrate_through_prefix, scale, votes_of,
};

use super::model::{Current, Day2Error, Day2Options, Day2Plan, Day2Step, MIN_MEMBERS, Target};
use crate::environment::default_pod_request;
use crate::findings::{Finding, Severity, object_id};
use crate::pod_table::Readiness;
use crate::preflight::{capacity_for, kubernetes_version, not_a_dns1123_label, registration};
use crate::survival::GaleraQuorum;

/// Plans the way from `current` to `target`.
///
/// `current` may come from a hub (`read_current`, feature `client`) or from a plan
/// ([`Current::from_plan`]); the steps are server-side apply configurations either way (the
/// metadata the API server sets is dropped from the objects read).
///
/// Errors ([`Day2Error`]): a target under 3 or over the OpsRequest limit; pods not Ready, a
/// pod table that does not match the replicas, or members not Synced in Primary; a new
/// cluster that cannot join (name not a DNS-1123 label, preflight's registration or version
/// errors, KubeSlice's SliceConfig update rules such as `maxClusters`, no allocatable room for
/// the pods the target puts on it); a cluster neither in
/// the policy nor on the hub; or no sequence keeping the survival properties.
pub fn plan_day2(
    current: &Current,
    target: &Target,
    options: &Day2Options,
) -> Result<Day2Plan, Day2Error> {
    healthy(current)?;
    let policy_id = object_id(
        "PlacementPolicy",
        None,
        current.policy.metadata.name.as_deref().unwrap_or_default(),
    );
    if current.policy.spec.cluster_spread_constraint.is_none() && current.policy.spec.ocm.is_none()
    {
        return Err(Day2Error::Current {
            object: policy_id.clone(),
            reason: "has neither spec.clusterSpreadConstraint nor spec.ocm".into(),
        });
    }
    let policy = Policy::from_placement_policy(&current.policy);
    let replicas = current.replicas();
    let rule = GaleraQuorum::default();
    let start = votes_of(&policy, replicas)
        .map_err(|e| Day2Error::Current {
            object: policy_id.clone(),
            reason: e.to_string(),
        })?
        .data;
    // Target: the layout to reach (and a drain's second choice), and every cluster it may use.
    let (target_map, drain_fallback, known) =
        target_layout(current, target, options, &policy, replicas, &start, &rule)?;
    let candidates: Vec<Candidate> = known
        .iter()
        .map(|c| Candidate::new(c, options.capacity))
        .collect();
    let (target_map, path) = match legal_path(&policy, replicas, &target_map, &candidates, &rule) {
        Ok(path) => (target_map, path),
        Err(first) => match drain_fallback {
            Some(spread) => {
                let path = legal_path(&policy, replicas, &spread, &candidates, &rule)
                    .map_err(|_| first)?;
                (spread, path)
            }
            None => return Err(first),
        },
    };
    // Room: every cluster that gains pods holds them.
    check_room(current, target, &target_map, &start)?;
    // Join: the clusters the slice lacks.
    let (slice, mut steps) = join_steps(current, &target_map, &known)?;
    // Scale: policy updates and OpsRequests along the path.
    let (scale, states) = scale_steps(current, options, &slice, &path, replicas)?;
    steps.extend(scale);
    if let Some(min) = states.iter().map(|s| s.values().sum::<u32>()).min()
        && min < MIN_MEMBERS
    {
        return Err(Day2Error::Unsafe(format!(
            "the only legal path passes through {min} members (ordinals cannot move between clusters); fewer than {MIN_MEMBERS}"
        )));
    }
    Ok(Day2Plan {
        steps,
        start,
        target: target_map,
        states,
    })
}

/// A layout per cluster to reach for `target`, a drain's second choice (tried when the first
/// cannot be reached safely), and every cluster the plan may use (the policy's, and those the
/// target adds after [`can_join`]).
#[allow(clippy::type_complexity)]
fn target_layout(
    current: &Current,
    target: &Target,
    options: &Day2Options,
    policy: &Policy,
    replicas: u32,
    start: &BTreeMap<String, u32>,
    rule: &GaleraQuorum,
) -> Result<
    (
        BTreeMap<String, u32>,
        Option<BTreeMap<String, u32>>,
        BTreeSet<String>,
    ),
    Day2Error,
> {
    let opts = DistributeOptions::default();
    let mut known: BTreeSet<String> = policy.rules.iter().map(|r| r.cluster.clone()).collect();
    let cap = options.capacity;
    let mut drain_fallback: Option<BTreeMap<String, u32>> = None;
    let target_map: BTreeMap<String, u32> = match target {
        Target::Replicas(n) => {
            check_count(*n, options)?;
            let candidates: Vec<Candidate> = known.iter().map(|c| Candidate::new(c, cap)).collect();
            let trimmed = trim(policy, replicas);
            scaled(&trimmed, *n, &candidates, &opts, rule)?
        }
        Target::PerCluster(map) => {
            for c in map.iter().filter(|(_, n)| **n > 0).map(|(c, _)| c) {
                if known.contains(c) {
                    continue;
                }
                let mc = current
                    .managed_clusters
                    .iter()
                    .find(|mc| mc.metadata.name.as_deref() == Some(c.as_str()))
                    .ok_or_else(|| Day2Error::UnknownCluster(c.clone()))?;
                can_join(mc, c)?;
                known.insert(c.clone());
            }
            let map: BTreeMap<String, u32> = map
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(c, n)| (c.clone(), *n))
                .collect();
            // A sum past u32 is more than any limit (and must not wrap to a small count).
            let total = map
                .values()
                .try_fold(0u32, |a, n| a.checked_add(*n))
                .unwrap_or(u32::MAX);
            check_count(total, options)?;
            map
        }
        Target::AddClusters {
            clusters,
            replicas: n,
        } => {
            check_count(*n, options)?;
            for mc in clusters {
                let name = mc.metadata.name.clone().unwrap_or_default();
                can_join(mc, &name)?;
                known.insert(name);
            }
            let candidates: Vec<Candidate> = known.iter().map(|c| Candidate::new(c, cap)).collect();
            // The best layout of `n` over all clusters, reached by legal steps below.
            distribute(&candidates, *n, &opts, rule)
                .map_err(|e| Day2Error::Unsafe(e.to_string()))?
                .votes
                .data
        }
        Target::Drain(cluster) => {
            if !known.contains(cluster) {
                return Err(Day2Error::UnknownCluster(cluster.clone()));
            }
            if known.len() < 2 {
                return Err(Day2Error::Unsafe(format!(
                    "{cluster} is the only cluster of the policy: draining it leaves no cluster for the members; add one with Target::AddClusters first"
                )));
            }
            let candidates: Vec<Candidate> = known
                .iter()
                .filter(|c| *c != cluster)
                .map(|c| Candidate::new(c, cap))
                .collect();
            let spread = distribute(&candidates, replicas, &opts, rule)
                .map_err(|e| Day2Error::Unsafe(e.to_string()))?
                .votes
                .data;
            // First choice: every other cluster keeps its members and the drained cluster's
            // go, one at a time, to the cluster with the fewest (ordinals cannot move, so a
            // target that takes members from a cluster that keeps running forces the set to
            // shrink below them first). The best spread from scratch is the fallback.
            let mut fill: BTreeMap<String, u32> = start
                .iter()
                .filter(|(c, _)| *c != cluster)
                .map(|(c, n)| (c.clone(), *n))
                .collect();
            for c in known.iter().filter(|c| *c != cluster) {
                fill.entry(c.clone()).or_insert(0);
            }
            for _ in 0..start.get(cluster).copied().unwrap_or(0) {
                if let Some(n) = fill.values_mut().min() {
                    *n += 1;
                }
            }
            fill.retain(|_, n| *n > 0);
            if fill != spread {
                drain_fallback = Some(spread);
            }
            fill
        }
    };
    Ok((target_map, drain_fallback, known))
}

/// A cluster that gains pods must hold all the target puts on it (preflight's capacity
/// check, with the MariaDB's own requests): a new cluster, or one the policy keeps.
fn check_room(
    current: &Current,
    target: &Target,
    target_map: &BTreeMap<String, u32>,
    start: &BTreeMap<String, u32>,
) -> Result<(), Day2Error> {
    let added: Vec<&ManagedCluster> = match target {
        Target::AddClusters { clusters, .. } => clusters.iter().collect(),
        _ => Vec::new(),
    };
    for (cluster, n) in target_map
        .iter()
        .filter(|(c, n)| **n > start.get(*c).copied().unwrap_or(0))
    {
        let Some(mc) = added
            .iter()
            .copied()
            .chain(current.managed_clusters.iter())
            .find(|mc| mc.metadata.name.as_deref() == Some(cluster.as_str()))
        else {
            continue;
        };
        let reasons: Vec<String> = capacity_for(mc, cluster, *n as usize, |r| {
            pod_request(&current.mariadb, r)
        })
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.to_string())
        .collect();
        if !reasons.is_empty() {
            return Err(Day2Error::NoRoom {
                cluster: cluster.clone(),
                pods: *n,
                reasons,
            });
        }
    }
    Ok(())
}

/// The SliceConfig joins for the clusters the target uses that the slice does not have yet,
/// each checked with KubeSlice's update webhook; returns the slice after them.
fn join_steps(
    current: &Current,
    target_map: &BTreeMap<String, u32>,
    known: &BTreeSet<String>,
) -> Result<(SliceConfig, Vec<Day2Step>), Day2Error> {
    let mut slice = current.slice.clone();
    apply_config(&mut slice.metadata);
    slice.status = None;
    let mut steps = Vec::new();
    for cluster in target_map.keys() {
        if target_map[cluster] > 0 && !slice.spec.clusters().contains(cluster) {
            if !known.contains(cluster) {
                return Err(Day2Error::UnknownCluster(cluster.clone()));
            }
            let before = slice.clone();
            slice
                .spec
                .clusters
                .get_or_insert_with(Vec::new)
                .push(cluster.clone());
            // KubeSlice's SliceConfig update webhook on the join (the rules that need the
            // controller's Cluster objects are skipped: preflight's checks stand for them).
            let reasons: Vec<String> =
                validate_slice_config_update(&before, &slice, &HubState::default())
                    .iter()
                    .map(ToString::to_string)
                    .collect();
            if !reasons.is_empty() {
                return Err(Day2Error::NewCluster {
                    cluster: cluster.clone(),
                    reasons,
                });
            }
            steps.push(Day2Step::JoinSlice {
                cluster: cluster.clone(),
                slice: Box::new(slice.clone()),
            });
        }
    }

    Ok((slice, steps))
}

/// The policy updates and `HorizontalScaling` OpsRequests along `path`, runs of the same
/// direction merged (policy and OpsRequest per run), each checked with the release's
/// webhooks; with the layout of every state passed through.
#[allow(clippy::type_complexity)]
fn scale_steps(
    current: &Current,
    options: &Day2Options,
    slice: &SliceConfig,
    path: &[Step],
    replicas: u32,
) -> Result<(Vec<Day2Step>, Vec<BTreeMap<String, u32>>), Day2Error> {
    let (ns, db) = current.name();
    let mut steps = Vec::new();
    let slice_clusters: Vec<String> = slice.spec.clusters().to_vec();
    let mut last_pp = current.policy.clone();
    apply_config(&mut last_pp.metadata);
    let mut members = replicas;
    let mut states = Vec::new();
    let prefix = options
        .ops_prefix
        .clone()
        .unwrap_or_else(|| format!("{db}-scale"));
    // Continue after the highest `<prefix>-<n>` on the hub; skip any name taken.
    let mut ops_n = current
        .ops_requests
        .iter()
        .filter_map(|n| n.strip_prefix(&format!("{prefix}-"))?.parse::<u32>().ok())
        .max()
        .map_or(0u64, u64::from);
    // Without an upper bound the plan is a model beyond what KubeDB admits: its OpsRequest
    // webhook (which refuses more than 9 members) is not consulted then.
    let upstream_limits = options.max_members.is_some();
    let mut i = 0;
    while i < path.len() {
        let down = path[i].replicas < members;
        let mut j = i;
        while j + 1 < path.len() && (path[j + 1].replicas < path[j].replicas) == down {
            j += 1;
        }
        let run_end = &path[j];
        for step in &path[i..=j] {
            states.push(
                votes_of(&step.policy, step.replicas)
                    .map(|v| v.data)
                    .unwrap_or_default(),
            );
        }
        let mut scale_step = |to: u32,
                              members: &mut u32,
                              policy_then: &PlacementPolicy|
         -> Result<Day2Step, Day2Error> {
            ops_n += 1;
            while current.ops_requests.contains(&format!("{prefix}-{ops_n}")) {
                ops_n += 1;
            }
            let ops = MariaDBOpsRequest::horizontal_scaling(
                &format!("{prefix}-{ops_n}"),
                ns,
                db,
                to as i32,
            );
            // KubeDB's OpsRequest webhook on the request, with the database and the policy
            // it will have been given by then (the preceding Policy step).
            let inputs = kubedb::OpsRequestInputs {
                database: Lookup::Known(Some(&current.mariadb)),
                catalog: None,
                policy: Lookup::Known(Some(policy_then)),
            };
            let refused: Vec<String> =
                kubedb::validate_mariadb_ops_request(&ops, current.release, &inputs)
                    .into_iter()
                    .filter(|v| v.severity == AdmissionSeverity::Refused)
                    .map(|v| v.to_string())
                    .collect();
            if !refused.is_empty() && upstream_limits {
                return Err(Day2Error::OpsRefused(refused.join("; ")));
            }
            let from = std::mem::replace(members, to);
            Ok(Day2Step::Scale {
                from,
                to,
                ops: Box::new(ops),
            })
        };
        let policy_step =
            |pol: &Policy, last: &mut PlacementPolicy| -> Result<Day2Step, Day2Error> {
                let mut pp = last.clone();
                write_rules(&mut pp, pol);
                let refused: Vec<String> = kubedb::validate_placement_policy_update(
                    last,
                    &pp,
                    current.release,
                    Lookup::Known(Some(slice_clusters.as_slice())),
                )
                .into_iter()
                .filter(|v| v.severity == AdmissionSeverity::Refused)
                .map(|v| v.to_string())
                .collect();
                if !refused.is_empty() {
                    return Err(Day2Error::PolicyRefused(refused.join("; ")));
                }
                *last = pp.clone();
                Ok(Day2Step::Policy(Box::new(pp)))
            };
        if down {
            // Scale down first (highest ordinals go), then drop their indices from the
            // policy so that other clusters can take those ordinals.
            steps.push(scale_step(run_end.replicas, &mut members, &last_pp)?);
            if Policy::from_placement_policy(&last_pp) != run_end.policy {
                steps.push(policy_step(&run_end.policy, &mut last_pp)?);
            }
        } else {
            if Policy::from_placement_policy(&last_pp) != run_end.policy {
                steps.push(policy_step(&run_end.policy, &mut last_pp)?);
            }
            if run_end.replicas != members {
                steps.push(scale_step(run_end.replicas, &mut members, &last_pp)?);
            }
        }
        i = j + 1;
    }
    Ok((steps, states))
}

/// Leaves only what a server-side apply configuration may carry: the objects read from a hub
/// come with the fields the API server sets (`resourceVersion`, which would make every step
/// after the first on the same object a `409 Conflict`; `managedFields`, which an apply
/// request must not set; `uid`, `generation`, `creationTimestamp`).
fn apply_config(meta: &mut ObjectMeta) {
    meta.resource_version = None;
    meta.managed_fields = None;
    meta.uid = None;
    meta.generation = None;
    meta.creation_timestamp = None;
    meta.self_link = None;
}

/// Writes `policy`'s rules into whichever shape `pp` has (both when both are set).
fn write_rules(pp: &mut PlacementPolicy, policy: &Policy) {
    if let Some(csc) = pp.spec.cluster_spread_constraint.as_mut() {
        csc.distribution_rules = policy.to_distribution_rules();
    }
    if let Some(ocm) = pp.spec.ocm.as_mut() {
        ocm.distribution_rules = Some(
            policy
                .rules
                .iter()
                .map(|r| LegacyDistributionRule {
                    cluster_name: r.cluster.clone(),
                    replicas: Some(r.indices.clone()),
                })
                .collect(),
        );
    }
}

/// The legal path from the first `replicas` ordinals of `policy` to `target`, kept above
/// [`MIN_MEMBERS`] ([`placement::plan::migrate_through_prefix`], judged with Galera's quorum).
fn legal_path(
    policy: &Policy,
    replicas: u32,
    target: &BTreeMap<String, u32>,
    candidates: &[Candidate],
    rule: &GaleraQuorum,
) -> Result<Vec<Step>, Day2Error> {
    migrate_through_prefix(
        policy,
        replicas,
        target,
        candidates,
        &DistributeOptions::default(),
        rule,
        MIN_MEMBERS,
    )
    .map_err(|e| Day2Error::Unsafe(e.to_string()))
}

fn check_count(n: u32, options: &Day2Options) -> Result<(), Day2Error> {
    if n < MIN_MEMBERS {
        return Err(Day2Error::TooFewMembers { target: n });
    }
    match options.max_members {
        Some(max) if n > max => Err(Day2Error::TooManyMembers { target: n, max }),
        _ => Ok(()),
    }
}

/// The policy cut to the ordinals that run (the policy may list more).
fn trim(policy: &Policy, replicas: u32) -> Policy {
    let mut p = policy.clone();
    for r in &mut p.rules {
        r.indices.retain(|&i| (i as u32) < replicas);
    }
    p.rules.retain(|r| !r.indices.is_empty());
    p
}

fn scaled(
    trimmed: &Policy,
    n: u32,
    candidates: &[Candidate],
    opts: &DistributeOptions,
    rule: &GaleraQuorum,
) -> Result<BTreeMap<String, u32>, Day2Error> {
    let plan =
        scale(trimmed, n, candidates, opts, rule).map_err(|e| Day2Error::Unsafe(e.to_string()))?;
    let Votes { data, .. } = plan.votes;
    Ok(data)
}

/// What each pod of `db` requests: the `mariadb` container's `resources.requests` in
/// `spec.podTemplate`, else the defaults preflight assumes.
fn pod_request(db: &MariaDB, resource: &str) -> Option<Quantity> {
    db.spec
        .pod_template
        .as_ref()
        .and_then(|t| t.spec.as_ref())
        .and_then(|s| s.containers.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.name == "mariadb"))
        .and_then(|c| {
            c.resources
                .as_ref()?
                .requests
                .as_ref()?
                .get(resource)
                .cloned()
        })
        .or_else(|| default_pod_request(resource))
}

/// The checks a cluster passes before it joins: its name is a DNS-1123 label (OCM names the
/// cluster's namespace on the hub after it, where its ManifestWorks live:
/// `open-cluster-management-io/open-cluster-management-io.github.io:content/concepts/managedcluster.md`;
/// a namespace name is a DNS-1123 label, `kubernetes/apimachinery@v0.34.0:pkg/api/validation/generic.go`
/// `ValidateNamespaceName`), and preflight's registration and Kubernetes-version errors.
fn can_join(mc: &ManagedCluster, name: &str) -> Result<(), Day2Error> {
    let mut reasons = Vec::new();
    if let Some(why) = not_a_dns1123_label(name) {
        reasons.push(format!(
            "{name:?} is not a valid cluster name: {why} (OCM names the cluster's hub namespace after it)"
        ));
    }
    let mut findings: Vec<Finding> = registration(mc, name);
    findings.extend(kubernetes_version(mc, name));
    reasons.extend(
        findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.to_string()),
    );
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(Day2Error::NewCluster {
            cluster: name.to_owned(),
            reasons,
        })
    }
}

/// Every pod Ready, as many pods as members (when the pod table is known), and every
/// readable member Synced in a Primary component.
fn healthy(current: &Current) -> Result<(), Day2Error> {
    let replicas = current.replicas() as usize;
    if !current.pods.is_empty() && current.pods.len() != replicas {
        let (ns, db) = current.name();
        return Err(Day2Error::Current {
            object: object_id("MariaDB", Some(ns), db),
            reason: format!(
                "the hub has {} pod ManifestWorks for {replicas} replicas (the PetSet controller has not caught up, or a scale is under way); wait until the pod table matches",
                current.pods.len()
            ),
        });
    }
    for row in &current.pods {
        if row.ready != Readiness::Ready {
            return Err(Day2Error::Current {
                object: object_id("Pod", Some(&row.namespace), &row.pod),
                reason: format!("is not Ready (on {})", row.cluster),
            });
        }
    }
    let (ns, _) = current.name();
    for (pod, s) in &current.wsrep {
        if !s.is_synced_primary_member() {
            return Err(Day2Error::Current {
                object: object_id("Pod", Some(ns), pod),
                reason: format!(
                    "is not Synced in a Primary component (wsrep_cluster_status={:?}, wsrep_local_state={:?})",
                    s.cluster_status, s.local_state
                ),
            });
        }
    }
    Ok(())
}
