//! Day-2 planning: step order, highest indices first, refusals, and survival at every step
//! judged with `galera::quorum` directly (not with the planner's rule).

use std::collections::BTreeMap;

use deployer::day2::{Current, Day2Error, Day2Options, Day2Step, Target, plan_day2};
use galera::quorum::{Weight, have_quorum};
use proptest::prelude::*;

mod common;

use common::seed;

fn kinds(steps: &[Day2Step]) -> Vec<String> {
    steps
        .iter()
        .map(|s| match s {
            Day2Step::JoinSlice { cluster, .. } => format!("join {cluster}"),
            Day2Step::Policy(_) => "policy".to_owned(),
            Day2Step::Scale { from, to, .. } => format!("scale {from}->{to}"),
        })
        .collect()
}

/// Single-cluster losses a layout survives, by Galera's rule `2·w(M) + w(L) > w(P)` with
/// nobody leaving gracefully.
fn survived(layout: &BTreeMap<String, u32>) -> Vec<String> {
    let total: u64 = layout.values().map(|&v| v as u64).sum();
    layout
        .iter()
        .filter(|(_, n)| have_quorum(Weight(total - **n as u64), Weight(0), Weight(total)))
        .map(|(c, _)| c.clone())
        .collect()
}

#[test]
fn scale_up_onto_demo_edge_joins_then_extends_then_scales() {
    let (env, current) = seed();
    let mut edge = env.hub.managed_clusters[0].clone();
    edge.metadata.name = Some("demo-edge".into());
    let target = Target::AddClusters {
        clusters: vec![edge],
        replicas: 5,
    };
    let plan = plan_day2(&current, &target, &Day2Options::default()).expect("plans");
    assert_eq!(
        kinds(&plan.steps),
        ["join demo-edge", "policy", "scale 3->5"],
        "{:#?}",
        plan.steps
    );
    // The two new ordinals 3 and 4 are appended; 0..=2 stay where they were.
    let Day2Step::Policy(pp) = &plan.steps[1] else {
        unreachable!()
    };
    let dist: BTreeMap<&str, Vec<i32>> = pp
        .distribution()
        .into_iter()
        .map(|(c, i)| (c, i.to_vec()))
        .collect();
    assert_eq!(dist["demo-controller"][..2], [0, 2]);
    assert_eq!(dist["demo-worker"][0], 1);
    assert_eq!(plan.target.values().sum::<u32>(), 5);
    assert_eq!(plan.target.len(), 3);
    // 5 over three clusters: any one can be lost.
    assert_eq!(survived(&plan.target).len(), 3);
}

#[test]
fn scale_down_removes_the_highest_indices_first() {
    let (env, mut current) = seed();
    let mut edge = env.hub.managed_clusters[0].clone();
    edge.metadata.name = Some("demo-edge".into());
    let up = plan_day2(
        &current,
        &Target::AddClusters {
            clusters: vec![edge],
            replicas: 5,
        },
        &Day2Options::default(),
    )
    .expect("plans");
    // Stand at 5 members with the policy and slice the scale-up wrote.
    for s in &up.steps {
        match s {
            Day2Step::JoinSlice { slice, .. } => current.slice = (**slice).clone(),
            Day2Step::Policy(pp) => current.policy = (**pp).clone(),
            Day2Step::Scale { to, .. } => current.mariadb.spec.replicas = Some(*to as i32),
        }
    }
    // The scale-up's request is on the hub now: the scale-down's request gets a new name.
    let ops_names = |steps: &[Day2Step]| -> Vec<String> {
        steps
            .iter()
            .filter_map(|s| match s {
                Day2Step::Scale { ops, .. } => ops.metadata.name.clone(),
                _ => None,
            })
            .collect()
    };
    assert_eq!(ops_names(&up.steps), ["mariadb-scale-1"]);
    current.ops_requests = vec!["mariadb-scale-1".into(), "mariadb-scale-3".into()];
    let down = plan_day2(&current, &Target::Replicas(3), &Day2Options::default()).expect("plans");
    assert_eq!(ops_names(&down.steps), ["mariadb-scale-4"]);
    assert_eq!(kinds(&down.steps)[0], "scale 5->3");
    // The layout after is ordinals 0, 1, 2: the policy's first three.
    let policy = placement::Policy::from_placement_policy(&current.policy);
    let first3 = placement::plan::votes_of(&policy, 3).unwrap().data;
    assert_eq!(down.target, first3);
}

#[test]
fn two_members_are_refused_before_anything() {
    let (_, current) = seed();
    let err = plan_day2(&current, &Target::Replicas(2), &Day2Options::default()).unwrap_err();
    assert_eq!(err, Day2Error::TooFewMembers { target: 2 });
    let err = plan_day2(&current, &Target::Replicas(11), &Day2Options::default()).unwrap_err();
    assert!(matches!(
        err,
        Day2Error::TooManyMembers { target: 11, max: 9 }
    ));
}

#[test]
fn a_drain_shrinks_to_the_kept_prefix_then_grows_elsewhere() {
    // a=[0,3], b=[1,4], c=[2,5]: drain c keeps ordinals 0, 1 (3 members needs 0..2, and 2 is
    // on c), so it is refused; with c holding only 5, the drain removes 5 then adds it on a/b.
    let layout = vec![
        ("a".to_owned(), vec![0, 3]),
        ("b".to_owned(), vec![1, 4]),
        ("c".to_owned(), vec![2, 5]),
    ];
    let current = random_current(layout, 6);
    let err = plan_day2(
        &current,
        &Target::Drain("c".into()),
        &Day2Options::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Day2Error::Unsafe(_)), "{err}");
    let layout = vec![
        ("a".to_owned(), vec![0, 2, 4]),
        ("b".to_owned(), vec![1, 3]),
        ("c".to_owned(), vec![5]),
    ];
    let current = random_current(layout, 6);
    let plan = plan_day2(
        &current,
        &Target::Drain("c".into()),
        &Day2Options::default(),
    )
    .unwrap();
    assert_eq!(
        kinds(&plan.steps),
        ["scale 6->5", "policy", "policy", "scale 5->6"]
    );
    assert!(!plan.target.contains_key("c"));
    assert_eq!(plan.target.values().sum::<u32>(), 6);
}

#[test]
fn an_unknown_cluster_is_refused() {
    let (_, current) = seed();
    let err = plan_day2(
        &current,
        &Target::Drain("nowhere".into()),
        &Day2Options::default(),
    )
    .unwrap_err();
    assert_eq!(err, Day2Error::UnknownCluster("nowhere".into()));
}

/// The walkthrough's state with one more ManagedCluster, registered as the others are.
fn with_registered(name: &str) -> Current {
    let (env, mut current) = seed();
    let mut mc = env.hub.managed_clusters[0].clone();
    mc.metadata.name = Some(name.to_owned());
    current.managed_clusters.push(mc);
    current
}

fn per_cluster(pairs: &[(&str, u32)]) -> Target {
    Target::PerCluster(pairs.iter().map(|(c, n)| ((*c).to_owned(), *n)).collect())
}

/// A new cluster too small for the pods the target puts on it is refused, as preflight
/// refuses one on first deploy: 2 pods of 500m CPU (the default request) on 0.8 CPU.
#[test]
fn a_new_cluster_without_room_for_its_pods_is_refused() {
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
    let mut current = with_registered("demo-far");
    if let Some(mc) = current.managed_clusters.last_mut() {
        let status = mc.status.get_or_insert_with(Default::default);
        status
            .allocatable
            .get_or_insert_with(Default::default)
            .insert("cpu".into(), Quantity("800m".into()));
    }
    let target = per_cluster(&[("demo-controller", 2), ("demo-worker", 1), ("demo-far", 2)]);
    let err = plan_day2(&current, &target, &Day2Options::default()).expect_err("no room");
    let text = err.to_string();
    assert!(matches!(err, Day2Error::NoRoom { pods: 2, .. }), "{text}");
    assert!(
        text.contains("2 pods need") && text.contains("cpu"),
        "{text}"
    );
    // The same cluster added with Target::AddClusters is checked too.
    let (_, seed_current) = seed();
    let mut small = current.managed_clusters.last().cloned().expect("demo-far");
    small.metadata.name = Some("demo-edge".into());
    let add = Target::AddClusters {
        clusters: vec![small],
        replicas: 5,
    };
    let err = plan_day2(&seed_current, &add, &Day2Options::default()).expect_err("no room");
    assert!(matches!(err, Day2Error::NoRoom { .. }), "{err}");
    // One pod fits.
    let one = per_cluster(&[("demo-controller", 2), ("demo-worker", 1), ("demo-far", 1)]);
    plan_day2(&current, &one, &Day2Options::default()).expect("one pod of 500m fits in 800m");
}

/// Counts and names from input never overflow: per-cluster counts past u32 are too many
/// members, and a request name with a huge number on the hub is passed over.
#[test]
fn huge_counts_and_names_are_refused_or_passed_over_without_panicking() {
    let (_, mut current) = seed();
    let huge = per_cluster(&[
        ("demo-controller", 4_000_000_000),
        ("demo-worker", 4_000_000_000),
    ]);
    let err = plan_day2(&current, &huge, &Day2Options::default()).expect_err("too many");
    assert!(matches!(err, Day2Error::TooManyMembers { .. }), "{err}");
    current.ops_requests = vec!["mariadb-scale-18446744073709551615".into()];
    let plan = plan_day2(&current, &Target::Replicas(4), &Day2Options::default()).expect("plans");
    let names: Vec<String> = plan
        .steps
        .iter()
        .filter_map(|s| match s {
            Day2Step::Scale { ops, .. } => ops.metadata.name.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(names, ["mariadb-scale-1"]);
}

#[test]
fn a_per_cluster_target_naming_a_registered_cluster_joins_it() {
    let current = with_registered("demo-far");
    let target = per_cluster(&[("demo-controller", 2), ("demo-worker", 1), ("demo-far", 2)]);
    let plan = plan_day2(&current, &target, &Day2Options::default()).expect("plans");
    assert_eq!(
        kinds(&plan.steps),
        ["join demo-far", "policy", "scale 3->5"],
        "{:#?}",
        plan.steps
    );
    let Day2Step::Policy(pp) = &plan.steps[1] else {
        unreachable!()
    };
    let dist: BTreeMap<&str, Vec<i32>> = pp
        .distribution()
        .into_iter()
        .map(|(c, i)| (c, i.to_vec()))
        .collect();
    assert_eq!(dist["demo-far"], [3, 4]);
    assert_eq!(dist["demo-controller"], [0, 2]);
    assert_eq!(dist["demo-worker"], [1]);
}

#[test]
fn a_new_cluster_that_cannot_join_is_refused_with_the_reason() {
    // Not a DNS-1123 label: OCM names the cluster's hub namespace after it.
    for bad in ["Demo_Far", "-far", &"x".repeat(64)] {
        let current = with_registered(bad);
        let target = per_cluster(&[("demo-controller", 2), ("demo-worker", 1), (bad, 2)]);
        let err = plan_day2(&current, &target, &Day2Options::default()).unwrap_err();
        let Day2Error::NewCluster { cluster, reasons } = &err else {
            panic!("{err}")
        };
        assert_eq!(cluster, bad);
        assert!(reasons[0].contains("DNS-1123"), "{err}");
    }
    // The slice is full: maxClusters 2 (immutable) and two clusters in it.
    let mut current = with_registered("demo-far");
    current.slice.spec.max_clusters = Some(2);
    let target = per_cluster(&[("demo-controller", 2), ("demo-worker", 1), ("demo-far", 2)]);
    let err = plan_day2(&current, &target, &Day2Options::default()).unwrap_err();
    assert_eq!(
        err,
        Day2Error::NewCluster {
            cluster: "demo-far".into(),
            reasons: vec!["spec.clusters: 3 clusters exceed maxClusters 2".into()],
        }
    );
    // Not registered with the hub at all.
    let (_, current) = seed();
    let err = plan_day2(&current, &target, &Day2Options::default()).unwrap_err();
    assert_eq!(err, Day2Error::UnknownCluster("demo-far".into()));
    // Registered but not accepted: preflight's registration check.
    let mut current = with_registered("demo-far");
    if let Some(mc) = current.managed_clusters.last_mut() {
        mc.spec.hub_accepts_client = Some(false);
    }
    let err = plan_day2(&current, &target, &Day2Options::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("clusteradm accept --clusters demo-far"),
        "{err}"
    );
}

/// Objects read from a hub carry what the API server set; the steps are apply
/// configurations without it (a stale `resourceVersion` would make the second write to the
/// same SliceConfig a 409, and an apply may not set `managedFields`).
#[test]
fn steps_carry_no_server_set_metadata() {
    let mut current = with_registered("demo-far");
    let mut mc = current.managed_clusters[0].clone();
    mc.metadata.name = Some("demo-near".into());
    current.managed_clusters.push(mc);
    for meta in [&mut current.slice.metadata, &mut current.policy.metadata] {
        meta.resource_version = Some("41".into());
        meta.uid = Some("5d1c".into());
        meta.generation = Some(3);
        meta.managed_fields = Some(vec![Default::default()]);
    }
    let target = per_cluster(&[
        ("demo-controller", 2),
        ("demo-worker", 1),
        ("demo-far", 1),
        ("demo-near", 1),
    ]);
    let plan = plan_day2(&current, &target, &Day2Options::default()).expect("plans");
    assert_eq!(
        kinds(&plan.steps),
        ["join demo-far", "join demo-near", "policy", "scale 3->5"]
    );
    for step in &plan.steps {
        let meta = match step {
            Day2Step::JoinSlice { slice, .. } => &slice.metadata,
            Day2Step::Policy(pp) => &pp.metadata,
            Day2Step::Scale { ops, .. } => &ops.metadata,
        };
        assert_eq!(meta.resource_version, None, "{}", step.describe());
        assert_eq!(meta.managed_fields, None, "{}", step.describe());
        assert_eq!(meta.uid, None, "{}", step.describe());
        assert_eq!(meta.generation, None, "{}", step.describe());
    }
}

fn random_current(layout: Vec<(String, Vec<i32>)>, replicas: u32) -> Current {
    let (_, mut current) = seed();
    let policy = placement::Policy::from_pairs(layout.clone());
    if let Some(csc) = current.policy.spec.cluster_spread_constraint.as_mut() {
        csc.distribution_rules = policy.to_distribution_rules();
    }
    if let Some(ocm) = current.policy.spec.ocm.as_mut() {
        ocm.distribution_rules = Some(
            layout
                .iter()
                .map(|(c, i)| kubedb_types::apps::v1::LegacyDistributionRule {
                    cluster_name: c.clone(),
                    replicas: Some(i.clone()),
                })
                .collect(),
        );
    }
    current.slice.spec.clusters = Some(layout.iter().map(|(c, _)| c.clone()).collect());
    current.mariadb.spec.replicas = Some(replicas as i32);
    current
}

/// A shrink that passes through layouts the target does not survive either: 8 members
/// (c0 = 0,2,3,6,7; c1 = 1,4,5) to 2 + 2. The start survives losing c1, the target survives
/// no single loss, so nothing is owed on the way; the planner used to demand what the
/// intermediate 3-member prefix survives and refused (found by a reviewer's replay).
#[test]
fn a_shrink_owes_only_what_start_and_target_both_survive() {
    let layout = vec![
        ("c0".to_owned(), vec![0, 2, 3, 6, 7]),
        ("c1".to_owned(), vec![1, 4, 5]),
    ];
    let current = random_current(layout, 8);
    let target = per_cluster(&[("c0", 2), ("c1", 2)]);
    let plan = plan_day2(&current, &target, &Day2Options::default()).expect("plans");
    let mut members = 8;
    let mut policy = current.policy.clone();
    for step in &plan.steps {
        match step {
            Day2Step::Policy(pp) => policy = (**pp).clone(),
            Day2Step::Scale { to, .. } => members = *to,
            Day2Step::JoinSlice { .. } => {}
        }
        assert!(members >= 3, "{members} members");
        layout_of(&policy, members).expect("every running ordinal has a cluster");
    }
    assert_eq!(
        layout_of(&policy, members).expect("layout"),
        BTreeMap::from([("c0".to_owned(), 2), ("c1".to_owned(), 2)])
    );
}

prop_compose! {
    /// 2 to 5 clusters, 3 to 9 ordinals dealt to them at random, all running.
    fn environment()(clusters in 2usize..=5, owners in prop::collection::vec(0usize..5, 3..=9)) -> (Vec<(String, Vec<i32>)>, u32) {
        let mut rules: Vec<(String, Vec<i32>)> = (0..clusters).map(|c| (format!("c{c}"), Vec::new())).collect();
        for (i, o) in owners.iter().enumerate() {
            rules[o % clusters].1.push(i as i32);
        }
        rules.retain(|(_, v)| !v.is_empty());
        (rules, owners.len() as u32)
    }
}

/// Where ordinals `0..replicas` run under `policy`, read from its distribution rules (either
/// shape) directly: cluster -> pods. An ordinal no rule lists is an error.
fn layout_of(
    policy: &kubedb_types::apps::v1::PlacementPolicy,
    replicas: u32,
) -> Result<BTreeMap<String, u32>, String> {
    let mut rules: Vec<(String, Vec<i32>)> = Vec::new();
    if let Some(csc) = &policy.spec.cluster_spread_constraint {
        for r in &csc.distribution_rules {
            rules.push((r.cluster_name.clone(), r.replica_indices.clone()));
        }
    }
    if let Some(rs) = policy
        .spec
        .ocm
        .as_ref()
        .and_then(|o| o.distribution_rules.as_ref())
    {
        for r in rs {
            rules.push((
                r.cluster_name.clone(),
                r.replicas.clone().unwrap_or_default(),
            ));
        }
    }
    let mut layout = BTreeMap::new();
    for ordinal in 0..replicas as i32 {
        let (cluster, _) = rules
            .iter()
            .find(|(_, i)| i.contains(&ordinal))
            .ok_or_else(|| format!("ordinal {ordinal} is in no rule: {rules:?}"))?;
        *layout.entry(cluster.clone()).or_insert(0) += 1;
    }
    Ok(layout)
}

proptest! {
    // About one random drain in nine can be planned at all: 256 cases check some 30 plans.
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// A drain (or a plan refused with a reason) never passes through a state that loses a
    /// single-cluster failure both start and target survive, nor under 3 members, and ends
    /// with nothing on the drained cluster.
    #[test]
    fn drains_keep_survival_at_every_step((layout, replicas) in environment(), pick in 0usize..5) {
        let current = random_current(layout.clone(), replicas);
        let drained = layout[pick % layout.len()].0.clone();
        match plan_day2(&current, &Target::Drain(drained.clone()), &Day2Options::default()) {
            Ok(plan) => {
                // Every state the steps pass through, replayed from the steps themselves (not
                // from the plan's own `states`): the policy each Policy step stores, and one
                // pod at a time for each OpsRequest, as the PetSet adds or removes them.
                let mut replay = vec![layout_of(&current.policy, replicas)
                    .map_err(TestCaseError::fail)?];
                let (mut policy, mut members) = (current.policy.clone(), replicas);
                for step in &plan.steps {
                    match step {
                        Day2Step::JoinSlice { .. } => {}
                        Day2Step::Policy(pp) => {
                            policy = (**pp).clone();
                            // The running pods stay where they are: the update moves none.
                            let now = layout_of(&policy, members).map_err(TestCaseError::fail)?;
                            prop_assert_eq!(replay.last(), Some(&now), "a policy update moved a running pod");
                        }
                        Day2Step::Scale { from, to, .. } => {
                            prop_assert_eq!(*from, members);
                            let mut n = members;
                            while n != *to {
                                n = if *to > n { n + 1 } else { n - 1 };
                                replay.push(layout_of(&policy, n).map_err(TestCaseError::fail)?);
                            }
                            members = *to;
                        }
                    }
                }
                let end = replay.last().cloned().unwrap_or_default();
                prop_assert!(!end.contains_key(&drained), "{drained} still runs {end:?}");
                // Every cluster of the start is judged in every state: losing one a state does
                // not use is survived (its members are elsewhere).
                let all: Vec<String> = replay[0].keys().cloned().collect();
                let judged = |state: &BTreeMap<String, u32>| -> Vec<String> {
                    let mut with_all = state.clone();
                    for c in &all {
                        with_all.entry(c.clone()).or_insert(0);
                    }
                    survived(&with_all)
                };
                let start_ok = judged(&replay[0]);
                let end_ok = judged(&end);
                let both: Vec<&String> = start_ok.iter().filter(|c| end_ok.contains(c)).collect();
                for state in &replay {
                    prop_assert!(state.values().sum::<u32>() >= 3, "{state:?}");
                    let ok = judged(state);
                    for c in &both {
                        prop_assert!(ok.contains(c), "losing {c} is survived at start and end, not in {state:?}");
                    }
                }
                prop_assert_eq!(&end, &plan.target);
            }
            Err(e) => {
                prop_assert!(matches!(e, Day2Error::Unsafe(_)), "{e}");
                // A refusal names its reason: a single cluster, an ordinal below 3 on the
                // drained cluster (checked here independently), or a survival property lost
                // on the way (the message says which loss).
                let low = layout.iter().any(|(c, i)| *c == drained && i.iter().any(|&o| o < 3));
                let text = e.to_string();
                prop_assert!(
                    layout.len() == 1 && text.contains("only cluster")
                        || low && text.contains("fewer than 3")
                        || text.contains("survive"),
                    "{text}"
                );
            }
        }
    }
}
