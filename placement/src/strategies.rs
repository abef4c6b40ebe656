//! Proptest strategies for placement inputs (feature `proptest`), for use in downstream
//! property tests as well as ours.
//!
//! ```
//! use proptest::prelude::*;
//! use placement::strategies::valid_policy;
//! proptest!(|(policy in valid_policy(4, 20))| {
//!     prop_assert!(policy.validate().is_empty());
//! });
//! ```

use kubedb_types::apps::v1::{SpreadConstraint, WhenUnsatisfiable};
use proptest::prelude::*;

use crate::plan::Candidate;
use crate::policy::{Policy, Rule};
use crate::spread::{Node, SpreadProblem};

/// Cluster names `c0`, `c1`, ...
fn cluster(i: usize) -> String {
    format!("c{i}")
}

/// A valid policy: `0..n` (n ≤ `max_indices`) shuffled and split over 1..=`max_clusters`
/// rules, some possibly empty, some with a storage class.
pub fn valid_policy(max_clusters: usize, max_indices: usize) -> impl Strategy<Value = Policy> {
    (1..=max_clusters.max(1), 0..=max_indices)
        .prop_flat_map(|(clusters, n)| {
            (
                Just((0..n as i32).collect::<Vec<_>>()).prop_shuffle(),
                proptest::collection::vec(0..clusters, n),
                proptest::collection::vec(proptest::option::of("[a-z]{1,4}"), clusters),
            )
        })
        .prop_map(|(indices, owners, classes)| {
            let mut rules: Vec<Rule> = classes
                .into_iter()
                .enumerate()
                .map(|(i, storage_class)| Rule {
                    cluster: cluster(i),
                    storage_class,
                    ..Rule::default()
                })
                .collect();
            for (index, owner) in indices.into_iter().zip(owners) {
                rules[owner].indices.push(index);
            }
            Policy { rules }
        })
}

/// Any policy, valid or not: indices in `-2..max_indices+3` with duplicates, gaps and
/// negatives, over 1..=`max_clusters` rules (cluster names may repeat).
pub fn any_policy(max_clusters: usize, max_indices: usize) -> impl Strategy<Value = Policy> {
    let rule = (
        0..max_clusters.max(1),
        proptest::collection::vec(-2..(max_indices as i32 + 3), 0..=max_indices),
        proptest::option::of("[a-z]{0,3}"),
    )
        .prop_map(|(c, indices, storage_class)| Rule {
            cluster: cluster(c),
            indices,
            storage_class,
            ..Rule::default()
        });
    prop_oneof![
        valid_policy(max_clusters, max_indices),
        proptest::collection::vec(rule, 1..=max_clusters.max(1)).prop_map(|rules| Policy { rules }),
    ]
}

/// A legal single update of `policy`: either the highest indices dropped, or new ones
/// appended (doing both at once can move an index, which the webhook refuses).
pub fn policy_update(policy: Policy, max_append: usize) -> impl Strategy<Value = Policy> {
    let n = policy.len();
    let clusters = policy.rules.len().max(1);
    prop_oneof![
        (0..=n).prop_map(|keep| (keep, Vec::new())),
        proptest::collection::vec(0..clusters + 1, 0..=max_append).prop_map(move |a| (n, a)),
    ]
    .prop_map(move |(keep, appended)| {
        let mut new = policy.clone();
        for rule in &mut new.rules {
            rule.indices.retain(|&i| (i as usize) < keep);
        }
        for (k, owner) in appended.into_iter().enumerate() {
            let index = (keep + k) as i32;
            match new.rules.get_mut(owner) {
                Some(rule) => rule.indices.push(index),
                None => new.rules.push(Rule {
                    cluster: cluster(owner),
                    indices: vec![index],
                    ..Rule::default()
                }),
            }
        }
        new
    })
}

/// 1..=`max_nodes` nodes over up to `max_zones` zones (some nodes unlabelled, some
/// cordoned), each with 0..=3 free slots.
pub fn nodes(max_nodes: usize, max_zones: usize) -> impl Strategy<Value = Vec<Node>> {
    proptest::collection::vec(
        (
            proptest::option::weighted(0.9, 0..max_zones.max(1)),
            proptest::bool::weighted(0.9),
            0u32..=3,
        ),
        1..=max_nodes.max(1),
    )
    .prop_map(|specs| {
        specs
            .into_iter()
            .enumerate()
            .map(|(i, (zone, schedulable, free))| {
                let zone = zone.map(|z| format!("z{z}"));
                let mut node = Node::new(&format!("n{i:03}"), zone.as_deref(), free);
                node.schedulable = schedulable;
                node
            })
            .collect()
    })
}

/// A spread constraint with `maxSkew` 1..=3.
pub fn spread_constraint() -> impl Strategy<Value = SpreadConstraint> {
    (
        1..=3i32,
        prop_oneof![
            Just(WhenUnsatisfiable::DoNotSchedule),
            Just(WhenUnsatisfiable::ScheduleAnyway)
        ],
    )
        .prop_map(|(max_skew, when_unsatisfiable)| SpreadConstraint {
            max_skew,
            when_unsatisfiable,
        })
}

/// A spread problem: nodes, 0..=`max_pods` pods, optional zone and node constraints.
pub fn spread_problem(
    max_nodes: usize,
    max_zones: usize,
    max_pods: u32,
) -> impl Strategy<Value = SpreadProblem> {
    (
        nodes(max_nodes, max_zones),
        0..=max_pods,
        proptest::option::of(spread_constraint()),
        proptest::option::of(spread_constraint()),
    )
        .prop_map(|(nodes, pods, zone, node)| SpreadProblem {
            zone,
            node,
            ..SpreadProblem::new(nodes, pods)
        })
}

/// 1..=`max` candidate clusters with capacity 0..=5 and a `region` label from three values.
pub fn candidates(max: usize) -> impl Strategy<Value = Vec<Candidate>> {
    proptest::collection::vec((0u32..=5, 0..3u8), 1..=max.max(1)).prop_map(|specs| {
        specs
            .into_iter()
            .enumerate()
            .map(|(i, (capacity, region))| {
                Candidate::new(&cluster(i), capacity).with_label("region", &format!("r{region}"))
            })
            .collect()
    })
}
