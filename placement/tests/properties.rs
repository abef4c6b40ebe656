//! Property tests of the placement engine, using the crate's own public strategies.

use std::collections::BTreeMap;

use kubedb_types::apps::v1::{SpreadConstraint, WhenUnsatisfiable};
use placement::plan::{
    Candidate, DistributeOptions, StrictMajority, distribute, migrate, migrate_through_prefix,
    scale, survival_report, votes_of,
};
use placement::spread::spread;
use placement::strategies::*;
use placement::{Mapping, Policy, reference};
use proptest::prelude::*;

fn labels(candidates: &[Candidate]) -> BTreeMap<String, BTreeMap<String, String>> {
    candidates
        .iter()
        .map(|c| (c.name.clone(), c.labels.clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// The fast mapping answers exactly as the upstream loop, on valid and invalid policies.
    #[test]
    fn mapping_equals_reference(policy in any_policy(5, 12)) {
        let mapping = Mapping::build(&policy);
        for ordinal in -3..(policy.len() as i32 + 4) {
            prop_assert_eq!(mapping.cluster(ordinal).ok(), reference::cluster_name(&policy, ordinal), "ordinal {}", ordinal);
            prop_assert_eq!(mapping.storage_class(ordinal), reference::storage_class_name(&policy, ordinal));
        }
    }

    /// Validation accepts exactly the policies whose indices are `0..N`, each once.
    #[test]
    fn validation_accepts_exactly_contiguous(policy in any_policy(5, 12)) {
        prop_assert_eq!(policy.validate().is_empty(), reference::is_valid(&policy), "{:?}", policy.validate());
    }

    /// Update validation agrees with the upstream webhook.
    #[test]
    fn update_validation_equals_reference(old in valid_policy(4, 10), new in any_policy(4, 10)) {
        prop_assert_eq!(old.validate_update(&new).is_empty(), reference::is_valid_update(&old, &new));
    }

    /// Appending and truncating are always legal updates.
    #[test]
    fn appends_and_truncations_are_legal(
        (old, new) in valid_policy(4, 10).prop_flat_map(|p| (Just(p.clone()), policy_update(p, 5)))
    ) {
        prop_assert!(old.validate_update(&new).is_empty(), "{:?}", old.validate_update(&new));
    }

    /// DoNotSchedule results keep every skew within maxSkew; whenever the hard version
    /// succeeds, the soft version does too and also stays within maxSkew.
    #[test]
    fn spread_respects_max_skew(problem in spread_problem(12, 4, 8)) {
        let hard = |c: &Option<SpreadConstraint>| c.clone().map(|c| SpreadConstraint { when_unsatisfiable: WhenUnsatisfiable::DoNotSchedule, ..c });
        let soft = |c: &Option<SpreadConstraint>| c.clone().map(|c| SpreadConstraint { when_unsatisfiable: WhenUnsatisfiable::ScheduleAnyway, ..c });
        let mut hard_problem = problem.clone();
        hard_problem.zone = hard(&problem.zone);
        hard_problem.node = hard(&problem.node);
        let mut soft_problem = problem.clone();
        soft_problem.zone = soft(&problem.zone);
        soft_problem.node = soft(&problem.node);
        if let Ok(result) = spread(&hard_problem) {
            for s in &result.skews {
                prop_assert!(s.reached as i32 <= s.max_skew, "{:?}", s);
            }
            let soft_result = spread(&soft_problem);
            prop_assert!(soft_result.is_ok(), "{:?}", soft_result);
            for s in &soft_result.unwrap().skews {
                prop_assert!(s.reached as i32 <= s.max_skew, "{:?}", s);
            }
        }
        // Never more pods on a node than it had room for, and only on schedulable nodes.
        if let Ok(result) = spread(&problem) {
            let mut used = vec![0u32; problem.nodes.len()];
            for &n in &result.nodes { used[n] += 1; }
            for (n, node) in problem.nodes.iter().enumerate() {
                prop_assert!(used[n] <= node.free_slots);
                prop_assert!(used[n] == 0 || node.schedulable);
            }
            prop_assert_eq!(result.nodes.len(), problem.pods as usize);
        }
    }

    /// The same input gives the same output.
    #[test]
    fn deterministic(problem in spread_problem(10, 3, 6), cands in candidates(5), replicas in 0u32..8) {
        prop_assert_eq!(spread(&problem), spread(&problem));
        let opts = DistributeOptions { domain_keys: vec!["region".into()], arbiters: 0 };
        prop_assert_eq!(distribute(&cands, replicas, &opts, &StrictMajority), distribute(&cands, replicas, &opts, &StrictMajority));
    }

    /// `distribute` places every replica within capacity, yields a valid policy, and no
    /// layout with the same total survives more single-cluster failures (checked
    /// exhaustively on small inputs).
    #[test]
    fn distribute_is_optimal_for_cluster_failures(cands in candidates(4), replicas in 1u32..7) {
        let opts = DistributeOptions::default();
        let Ok(plan) = distribute(&cands, replicas, &opts, &StrictMajority) else {
            let capacity: u32 = cands.iter().map(|c| c.capacity).sum();
            prop_assert!(capacity < replicas);
            return Ok(());
        };
        prop_assert!(plan.policy.validate().is_empty());
        prop_assert_eq!(plan.policy.len() as u32, replicas);
        for c in &cands {
            prop_assert!(plan.votes.data.get(&c.name).copied().unwrap_or(0) <= c.capacity);
        }
        // Exhaustive: every count vector within capacity summing to `replicas`.
        let mut best = 0;
        let caps: Vec<u32> = cands.iter().map(|c| c.capacity).collect();
        let mut counts = vec![0u32; cands.len()];
        fn rec(i: usize, left: u32, caps: &[u32], counts: &mut Vec<u32>, cands: &[Candidate], best: &mut usize) {
            if i == caps.len() {
                if left == 0 {
                    let mut votes = placement::plan::Votes::default();
                    for (c, &n) in cands.iter().zip(counts.iter()) { if n > 0 { votes.data.insert(c.name.clone(), n); } }
                    let r = survival_report(&votes, &cands.iter().map(|c| (c.name.clone(), c.labels.clone())).collect(), &[], &StrictMajority);
                    *best = (*best).max(r.survivable_clusters());
                }
                return;
            }
            for n in 0..=caps[i].min(left) { counts[i] = n; rec(i + 1, left - n, caps, counts, cands, best); }
            counts[i] = 0;
        }
        rec(0, replicas, &caps, &mut counts, &cands, &mut best);
        prop_assert_eq!(plan.report.survivable_clusters(), best);
    }

    /// `scale` only appends or truncates, and reaches the requested size.
    #[test]
    fn scale_is_a_legal_update(current in valid_policy(3, 8), cands in candidates(4), to in 0u32..12) {
        let opts = DistributeOptions::default();
        // Current clusters are candidates too, with room for what they already run.
        let mut cands = cands;
        for (c, n) in current.counts() {
            if !cands.iter().any(|x| x.name == c) { cands.push(Candidate::new(c, n as u32)); }
        }
        match scale(&current, to, &cands, &opts, &StrictMajority) {
            Ok(plan) => {
                prop_assert!(current.validate_update(&plan.policy).is_empty(), "{:?}", current.validate_update(&plan.policy));
                prop_assert_eq!(plan.policy.len() as u32, to);
            }
            Err(e) => prop_assert!(matches!(e, placement::plan::PlanError::InsufficientCapacity { .. }), "{}", e),
        }
    }

    /// Every migration step is a legal update of the previous one, keeps at least
    /// min(start, target) replicas and every single-cluster failure both ends survive, and the
    /// last step is the target.
    #[test]
    fn migrate_keeps_invariants(current in valid_policy(3, 7), target_counts in proptest::collection::vec(0u32..4, 1..4)) {
        prop_assume!(!current.is_empty());
        let replicas = current.len() as u32;
        let target: BTreeMap<String, u32> = target_counts.iter().enumerate().map(|(i, &n)| (format!("c{i}"), n)).filter(|(_, n)| *n > 0).collect();
        prop_assume!(!target.is_empty());
        let opts = DistributeOptions::default();
        let cands: Vec<Candidate> = (0..4).map(|i| Candidate::new(&format!("c{i}"), 10)).collect();
        let steps = match migrate(&current, replicas, &target, &cands, &opts, &StrictMajority) {
            Ok(steps) => steps,
            Err(e) => {
                // Only a forced move below the floor or a lost failure may refuse.
                prop_assert!(matches!(e, placement::plan::PlanError::NoLegalSequence(_)), "{}", e);
                return Ok(());
            }
        };

        let goal: u32 = target.values().sum();
        let floor = replicas.min(goal);
        let report = |p: &Policy, n: u32| survival_report(&votes_of(p, n).unwrap(), &labels(&cands), &[], &StrictMajority);
        let start = report(&current, replicas);
        let end_counts: BTreeMap<String, u32> = target.clone();
        let mut prev = current.clone();
        for step in &steps {
            prop_assert!(prev.validate_update(&step.policy).is_empty(), "{:?} -> {:?}", prev, step.policy);
            prop_assert!(step.replicas >= floor);
            prop_assert_eq!(step.policy.len() as u32, step.replicas);
            let r = report(&step.policy, step.replicas);
            for o in &start.outcomes {
                let target_votes = end_counts.values().sum::<u32>() as u64;
                let lost = end_counts.get(&o.failure.to_string()).copied().unwrap_or(0) as u64;
                let target_survives = StrictMajority.survives_pair(target_votes - lost, lost);
                if o.survives && target_survives {
                    prop_assert!(r.outcome(&o.failure).is_some_and(|x| x.survives), "{} lost at {:?}", o.failure, step);
                }
            }
            prev = step.policy.clone();
        }
        let last = steps.last().map(|s| (s.policy.clone(), s.replicas)).unwrap_or((current.clone(), replicas));
        let counts: BTreeMap<String, u32> = votes_of(&last.0, last.1).unwrap().data;
        prop_assert_eq!(counts, target);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The way through the prefix: judged by the upstream loop itself (`reference::assign`,
    /// not `Mapping` or `votes_of`), every step is a legal update of the previous one, keeps at
    /// least 3 members (or min(start, target) when that is fewer, as a direct `migrate` does),
    /// survives every single-cluster loss that both the start and the target
    /// survive (a strict majority of the members counted here), and the last one is the target.
    #[test]
    fn migrate_through_prefix_keeps_invariants(current in valid_policy(3, 8), target_counts in (0u32..4, 2u32..4, 1u32..4, 0u32..3)) {
        prop_assume!(!current.is_empty());
        let replicas = current.len() as u32;
        let (a, b, c, d) = target_counts;
        let target: BTreeMap<String, u32> = [a, b, c, d].iter().enumerate().map(|(i, &n)| (format!("c{i}"), n)).filter(|(_, n)| *n > 0).collect();
        let cands: Vec<Candidate> = (0..4).map(|i| Candidate::new(&format!("c{i}"), 10)).collect();
        let Ok(steps) = migrate_through_prefix(&current, replicas, &target, &cands, &DistributeOptions::default(), &StrictMajority, 3) else {
            return Ok(());
        };
        let counts = |p: &Policy, n: u32| -> BTreeMap<String, u32> {
            let mut out = BTreeMap::new();
            for cluster in reference::assign(p, n) {
                *out.entry(cluster.expect("every running ordinal has a cluster").to_owned()).or_insert(0) += 1;
            }
            out
        };
        let survives = |layout: &BTreeMap<String, u32>, lost: &str| {
            let all: u32 = layout.values().sum();
            let gone = layout.get(lost).copied().unwrap_or(0);
            2 * (all - gone) > all
        };
        let start = counts(&current, replicas);
        let owed: Vec<String> = (0..4).map(|i| format!("c{i}")).filter(|c| survives(&start, c) && survives(&target, c)).collect();
        let mut prev = current.clone();
        for step in &steps {
            prop_assert!(prev.validate_update(&step.policy).is_empty(), "{:?} -> {:?}", prev, step.policy);
            prop_assert!(step.replicas >= 3.min(replicas).min(target.values().sum()), "{} members", step.replicas);
            let now = counts(&step.policy, step.replicas);
            for c in &owed {
                prop_assert!(survives(&now, c), "losing {c} not survived at {now:?}");
            }
            prev = step.policy.clone();
        }
        let last = steps.last().map(|s| counts(&s.policy, s.replicas)).unwrap_or_else(|| start.clone());
        prop_assert_eq!(last, target);
    }
}

trait Pair {
    fn survives_pair(&self, alive: u64, lost: u64) -> bool;
}

impl Pair for StrictMajority {
    fn survives_pair(&self, alive: u64, lost: u64) -> bool {
        use placement::plan::Survival;
        self.survives(alive, lost)
    }
}

/// Found by `migrate_through_prefix_keeps_invariants`: c0 = 0,1,2,6 and c1 = 3,4,5 to c0 = 3
/// (c1 drained). Ordinal 6 must go first, leaving 3 + 3 members: losing c1 would then lose
/// quorum, which both the start and the drained target survive. No legal sequence exists;
/// the planner used to return one (it judged only the clusters the target uses).
#[test]
fn a_drain_never_passes_through_a_layout_that_loses_quorum_to_the_drained_cluster() {
    let current = Policy::from_pairs([("c0", vec![2, 1, 0, 6]), ("c1", vec![4, 3, 5])]);
    let target = BTreeMap::from([("c0".to_owned(), 3)]);
    let cands: Vec<Candidate> = (0..2)
        .map(|i| Candidate::new(&format!("c{i}"), 10))
        .collect();
    let found = migrate_through_prefix(
        &current,
        7,
        &target,
        &cands,
        &DistributeOptions::default(),
        &StrictMajority,
        3,
    );
    assert!(found.is_err(), "{found:?}");
}
