//! Quorum-aware planning: where replicas should go, how to scale, how to move.
//!
//! Every function takes the survival rule as a [`Survival`] value, so this crate does not
//! re-implement Galera's quorum: the deployer passes the `galera` crate's rule, tests pass
//! [`StrictMajority`]. Data replicas carry one vote each; arbiters (garbd) carry one vote and
//! no data.
//!
//! ```
//! use placement::plan::{distribute, Candidate, DistributeOptions, StrictMajority};
//! let seed = [Candidate::new("demo-controller", 3), Candidate::new("demo-worker", 3)];
//! let plan = distribute(&seed, 3, &DistributeOptions::default(), &StrictMajority).unwrap();
//! // Two clusters and three replicas: one cluster holds two, and losing it loses quorum.
//! assert_eq!(plan.report.survivable_clusters(), 1);
//! let three = [Candidate::new("a", 3), Candidate::new("b", 3), Candidate::new("c", 3)];
//! let plan = distribute(&three, 3, &DistributeOptions::default(), &StrictMajority).unwrap();
//! assert_eq!(plan.report.survivable_clusters(), 3);
//! ```

use std::collections::{BTreeMap, BTreeSet, HashSet};

use crate::mapping::Mapping;
use crate::policy::{Policy, Rule};
pub use crate::survival::{
    Failure, Outcome, StrictMajority, Survival, SurvivalReport, Votes, survival_report, votes_of,
};

/// A cluster that may take replicas.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Candidate {
    /// ManagedCluster name.
    pub name: String,
    /// Most data replicas it can run.
    pub capacity: u32,
    /// Fault-domain labels, for example `region: eu-west`.
    pub labels: BTreeMap<String, String>,
}

impl Candidate {
    /// A candidate without labels.
    pub fn new(name: &str, capacity: u32) -> Candidate {
        Candidate {
            name: name.to_owned(),
            capacity,
            labels: BTreeMap::new(),
        }
    }

    /// The same candidate with one more label.
    pub fn with_label(mut self, key: &str, value: &str) -> Candidate {
        self.labels.insert(key.to_owned(), value.to_owned());
        self
    }
}

/// Options of [`distribute`] and [`scale`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DistributeOptions {
    /// Label keys that define fault domains (for example `region`); a domain failure loses
    /// every cluster with that label value.
    pub domain_keys: Vec<String>,
    /// Vote-only arbiters (garbd) to place, one per cluster, on the clusters with the least
    /// capacity (they become `Arbiter` rules of the failover policy).
    pub arbiters: u32,
}

/// A chosen layout and how it survives failures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Distribution rules (data rules in candidate order, then Arbiter rules).
    pub policy: Policy,
    /// The votes per cluster.
    pub votes: Votes,
    /// Which single failures it survives.
    pub report: SurvivalReport,
}

/// Why no plan could be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The candidates cannot hold the replicas.
    #[error("the candidates hold at most {capacity} replicas, {replicas} were asked for")]
    InsufficientCapacity {
        /// Total capacity.
        capacity: u64,
        /// Replicas asked for.
        replicas: u32,
    },
    /// More arbiters than clusters.
    #[error("{arbiters} arbiters need as many clusters, there are {clusters}")]
    TooFewClustersForArbiters {
        /// Arbiters asked for.
        arbiters: u32,
        /// Candidates.
        clusters: usize,
    },
    /// The current policy is not valid.
    #[error("the current policy is invalid: {0}")]
    InvalidPolicy(String),
    /// No sequence of legal updates reaches the target while keeping the invariants.
    #[error("no legal sequence of policy updates reaches the target: {0}")]
    NoLegalSequence(String),
}

/// The largest number of lost votes that every smaller loss also survives.
fn threshold(total: u64, survival: &dyn Survival) -> Option<u64> {
    (0..=total)
        .take_while(|&lost| survival.survives(total - lost, lost))
        .last()
}

fn labels_of(candidates: &[Candidate]) -> BTreeMap<String, BTreeMap<String, String>> {
    candidates
        .iter()
        .map(|c| (c.name.clone(), c.labels.clone()))
        .collect()
}

/// Chooses how many replicas each candidate runs so that the database survives the most
/// single-cluster failures, then the most single-domain failures, then is as balanced as
/// possible, in a deterministic order.
///
/// The cluster count is optimal: with unit votes a cluster failure is survivable exactly
/// when the cluster holds at most `t` votes (`t` the largest survivable loss), so the plan
/// keeps as many clusters as possible at or under `t` and gives the surplus to the fewest
/// clusters with the most room. Within that, replicas are water-filled one at a time onto
/// the least-loaded cluster of the least-loaded domain, which balances domains greedily.
pub fn distribute(
    candidates: &[Candidate],
    replicas: u32,
    options: &DistributeOptions,
    survival: &dyn Survival,
) -> Result<Plan, PlanError> {
    let capacity: u64 = candidates.iter().map(|c| c.capacity as u64).sum();
    if capacity < replicas as u64 {
        return Err(PlanError::InsufficientCapacity { capacity, replicas });
    }
    if options.arbiters as usize > candidates.len() {
        return Err(PlanError::TooFewClustersForArbiters {
            arbiters: options.arbiters,
            clusters: candidates.len(),
        });
    }
    // Arbiters go to the clusters with the least capacity, one each.
    let mut by_capacity: Vec<usize> = (0..candidates.len()).collect();
    by_capacity.sort_by(|&a, &b| {
        (candidates[a].capacity, &candidates[a].name)
            .cmp(&(candidates[b].capacity, &candidates[b].name))
    });
    let mut arbiter = vec![0u32; candidates.len()];
    for &i in by_capacity.iter().take(options.arbiters as usize) {
        arbiter[i] = 1;
    }
    let total = replicas as u64 + options.arbiters as u64;
    let t = threshold(total, survival).unwrap_or(0);
    // Data replicas a cluster may hold and still be survivable.
    let safe: Vec<u32> = candidates
        .iter()
        .zip(&arbiter)
        .map(|(c, &a)| {
            let budget = t.saturating_sub(a as u64).min(c.capacity as u64) as u32;
            if (a as u64) > t { 0 } else { budget }
        })
        .collect();
    let safe_total: u64 = safe.iter().map(|&s| s as u64).sum();
    let mut limit = safe.clone();
    if safe_total < replicas as u64 {
        // Sacrifice the fewest clusters: those that gain the most room.
        let mut gain: Vec<usize> = (0..candidates.len()).collect();
        gain.sort_by(|&a, &b| {
            let ga = candidates[a].capacity - safe[a];
            let gb = candidates[b].capacity - safe[b];
            gb.cmp(&ga)
                .then(candidates[a].name.cmp(&candidates[b].name))
        });
        let mut room = safe_total;
        for i in gain {
            if room >= replicas as u64 {
                break;
            }
            room += (candidates[i].capacity - safe[i]) as u64;
            limit[i] = candidates[i].capacity;
        }
    }
    let counts = water_fill(candidates, &limit, replicas, &options.domain_keys);
    let policy = policy_from_counts(candidates, &counts, &arbiter);
    let votes = votes_from(candidates, &counts, &arbiter);
    Ok(judged(policy, votes, candidates, options, survival))
}

/// One replica at a time onto the cluster with room whose domains hold the fewest replicas,
/// then with the fewest replicas itself, then first in candidate order.
fn water_fill(candidates: &[Candidate], limit: &[u32], replicas: u32, keys: &[String]) -> Vec<u32> {
    let mut counts = vec![0u32; candidates.len()];
    let mut domain_load: BTreeMap<(&str, &str), u32> = BTreeMap::new();
    for _ in 0..replicas {
        let pick = (0..candidates.len())
            .filter(|&i| counts[i] < limit[i])
            .min_by_key(|&i| {
                let domains: u32 = keys
                    .iter()
                    .filter_map(|k| {
                        candidates[i]
                            .labels
                            .get(k)
                            .map(|v| (k.as_str(), v.as_str()))
                    })
                    .map(|d| domain_load.get(&d).copied().unwrap_or(0))
                    .sum();
                (domains, counts[i], i)
            });
        let Some(i) = pick else { break };
        counts[i] += 1;
        for k in keys {
            if let Some(v) = candidates[i].labels.get(k) {
                *domain_load.entry((k.as_str(), v.as_str())).or_default() += 1;
            }
        }
    }
    counts
}

fn votes_from(candidates: &[Candidate], counts: &[u32], arbiter: &[u32]) -> Votes {
    let mut votes = Votes::default();
    for (i, c) in candidates.iter().enumerate() {
        if counts[i] > 0 {
            votes.data.insert(c.name.clone(), counts[i]);
        }
        if arbiter[i] > 0 {
            votes.arbiters.insert(c.name.clone(), arbiter[i]);
        }
    }
    votes
}

/// Deterministic index order: each next ordinal goes to the cluster furthest below its share
/// (largest remaining fraction), ties to the earlier candidate. For the seed (2 + 1) this is
/// `0 → first, 1 → second, 2 → first`.
fn policy_from_counts(candidates: &[Candidate], counts: &[u32], arbiter: &[u32]) -> Policy {
    let total: u32 = counts.iter().sum();
    let mut given = vec![0u32; candidates.len()];
    let mut indices: Vec<Vec<i32>> = vec![Vec::new(); candidates.len()];
    for ordinal in 0..total {
        let pick = (0..candidates.len())
            .filter(|&i| given[i] < counts[i])
            .max_by(|&a, &b| {
                // remaining_a / counts_a vs remaining_b / counts_b, earlier index on ties.
                let ra = (counts[a] - given[a]) as u64 * counts[b] as u64;
                let rb = (counts[b] - given[b]) as u64 * counts[a] as u64;
                ra.cmp(&rb).then(b.cmp(&a))
            });
        if let Some(i) = pick {
            given[i] += 1;
            indices[i].push(ordinal as i32);
        }
    }
    let mut rules: Vec<Rule> = candidates
        .iter()
        .zip(indices)
        .filter(|(_, idx)| !idx.is_empty())
        .map(|(c, idx)| Rule {
            cluster: c.name.clone(),
            indices: idx,
            ..Rule::default()
        })
        .collect();
    for (i, c) in candidates.iter().enumerate() {
        for _ in 0..arbiter[i] {
            rules.push(Rule {
                cluster: c.name.clone(),
                role: kubedb_types::apps::v1::RuleRole::Arbiter,
                ..Rule::default()
            });
        }
    }
    Policy { rules }
}

/// The objective of one layout, larger is better: survivable clusters, survivable domains,
/// then balance (the negated largest cluster).
fn score(report: &SurvivalReport, votes: &Votes) -> (usize, usize, i64) {
    let largest = votes.data.values().copied().max().unwrap_or(0) as i64;
    (
        report.survivable_clusters(),
        report.survivable_domains(),
        -largest,
    )
}

/// A new policy for `to` replicas using only legal updates of `current` (valid, listing at
/// least its running replicas): truncation drops the highest indices; growth appends
/// indices, each on the candidate that maximises the same objective as [`distribute`].
/// Clusters of `current` not among `candidates` keep their replicas but take no new ones.
pub fn scale(
    current: &Policy,
    to: u32,
    candidates: &[Candidate],
    options: &DistributeOptions,
    survival: &dyn Survival,
) -> Result<Plan, PlanError> {
    if let Some(v) = current.validate().first() {
        return Err(PlanError::InvalidPolicy(v.to_string()));
    }
    let n = current.len() as u32;
    let mut policy = current.clone();
    if to <= n {
        for rule in &mut policy.rules {
            rule.indices.retain(|&i| (i as u32) < to);
        }
        policy.rules.retain(|r| {
            !r.indices.is_empty() || r.role == kubedb_types::apps::v1::RuleRole::Arbiter
        });
    } else {
        let mut votes =
            votes_of(&policy, n).map_err(|e| PlanError::InvalidPolicy(e.to_string()))?;
        let labels = labels_of(candidates);
        for ordinal in n..to {
            let mut best: Option<((usize, usize, i64), usize)> = None;
            for (ci, c) in candidates.iter().enumerate() {
                if votes.data.get(&c.name).copied().unwrap_or(0) >= c.capacity {
                    continue;
                }
                let mut trial = votes.clone();
                *trial.data.entry(c.name.clone()).or_default() += 1;
                let report = survival_report(&trial, &labels, &options.domain_keys, survival);
                let key = score(&report, &trial);
                if best.as_ref().is_none_or(|(k, _)| key > *k) {
                    best = Some((key, ci));
                }
            }
            let Some((_, ci)) = best else {
                let capacity = candidates.iter().map(|c| c.capacity as u64).sum();
                return Err(PlanError::InsufficientCapacity {
                    capacity,
                    replicas: to,
                });
            };
            let name = &candidates[ci].name;
            *votes.data.entry(name.clone()).or_default() += 1;
            append_ordinal(&mut policy.rules, name, ordinal as i32);
        }
    }
    let votes = votes_of(&policy, to).map_err(|e| PlanError::InvalidPolicy(e.to_string()))?;
    Ok(judged(policy, votes, candidates, options, survival))
}

/// A plan of `policy` with its votes judged.
fn judged(
    policy: Policy,
    votes: Votes,
    candidates: &[Candidate],
    options: &DistributeOptions,
    survival: &dyn Survival,
) -> Plan {
    let report = survival_report(
        &votes,
        &labels_of(candidates),
        &options.domain_keys,
        survival,
    );
    Plan {
        policy,
        votes,
        report,
    }
}

/// Appends `ordinal` to the last data rule of `cluster`, or to a new rule at the end.
fn append_ordinal(rules: &mut Vec<Rule>, cluster: &str, ordinal: i32) {
    let data_rule = rules
        .iter_mut()
        .rev()
        .find(|r| r.cluster == cluster && r.role != kubedb_types::apps::v1::RuleRole::Arbiter);
    match data_rule {
        Some(rule) => rule.indices.push(ordinal),
        None => rules.push(Rule {
            cluster: cluster.to_owned(),
            indices: vec![ordinal],
            ..Rule::default()
        }),
    }
}

/// One step of a migration: apply `policy`, then run `replicas` pods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The policy after this step.
    pub policy: Policy,
    /// Running replicas after this step.
    pub replicas: u32,
}

/// Moves from the current layout (the first `replicas` ordinals of `current`) to `target`
/// replicas per cluster, as a list of steps each of which is a legal policy update of the
/// previous one (only the highest indices removed, or indices appended). Every intermediate
/// state keeps at least `min(start, target)` replicas and survives every single failure that
/// both the start and the target survive. When no such sequence exists the error says why.
///
/// Ordinals cannot move between clusters, so the first ordinal whose cluster differs from
/// what the target can keep forces a scale-down to below it; that is the only way a
/// migration can fail the replica floor.
pub fn migrate(
    current: &Policy,
    replicas: u32,
    target: &BTreeMap<String, u32>,
    candidates: &[Candidate],
    options: &DistributeOptions,
    survival: &dyn Survival,
) -> Result<Vec<Step>, PlanError> {
    if let Some(v) = current.validate().first() {
        return Err(PlanError::InvalidPolicy(v.to_string()));
    }
    let mapping = Mapping::build(current);
    let assigned: Vec<String> = mapping
        .assign(replicas)
        .map_err(|e| PlanError::InvalidPolicy(e.to_string()))?
        .into_iter()
        .map(str::to_owned)
        .collect();
    let arbiters: BTreeMap<String, u32> = current
        .rules
        .iter()
        .filter(|r| r.role == kubedb_types::apps::v1::RuleRole::Arbiter)
        .fold(BTreeMap::new(), |mut m, r| {
            *m.entry(r.cluster.clone()).or_default() += 1;
            m
        });
    let mut labels = labels_of(candidates);
    for c in target.keys().chain(assigned.iter()) {
        labels.entry(c.clone()).or_default();
    }
    let votes_for = |data: &BTreeMap<String, u32>| Votes {
        data: data
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(c, n)| (c.clone(), *n))
            .collect(),
        arbiters: arbiters.clone(),
    };
    let report = |data: &BTreeMap<String, u32>| {
        survival_report(&votes_for(data), &labels, &options.domain_keys, survival)
    };
    let mut start = BTreeMap::new();
    for c in &assigned {
        *start.entry(c.clone()).or_insert(0u32) += 1;
    }
    let start_ok: HashSet<Failure> = report(&start).survived().cloned().collect();
    let required: HashSet<Failure> = report(target)
        .survived()
        .filter(|f| start_ok.contains(*f))
        .cloned()
        .collect();
    let keeps = |data: &BTreeMap<String, u32>| {
        let r = report(data);
        required
            .iter()
            .all(|f| r.outcome(f).is_some_and(|o| o.survives))
    };
    let goal: u32 = target.values().sum();
    let floor = replicas.min(goal);

    // The longest prefix of the current assignment the target can keep.
    let mut kept: BTreeMap<String, u32> = BTreeMap::new();
    let mut k = 0usize;
    for c in &assigned {
        let have = kept.get(c).copied().unwrap_or(0);
        if have >= target.get(c).copied().unwrap_or(0) {
            break;
        }
        kept.insert(c.clone(), have + 1);
        k += 1;
    }
    if (k as u32) < floor {
        return Err(PlanError::NoLegalSequence(format!(
            "ordinal {k} runs on {:?}, which the target gives no further replica; ordinals cannot move between clusters, so the PetSet must shrink to {k} replicas (below min(start, target) = {floor}) before it can grow again",
            assigned[k]
        )));
    }

    let mut steps = Vec::new();
    let mut rules: Vec<Rule> = current.rules.clone();
    // Shrink to the kept prefix, one ordinal at a time.
    let mut state = start.clone();
    for n in (k..assigned.len()).rev() {
        let c = &assigned[n];
        if let Some(v) = state.get_mut(c) {
            *v -= 1;
        }
        if !keeps(&state) {
            return Err(PlanError::NoLegalSequence(format!(
                "removing ordinal {n} from {c:?} loses a failure the start and the target both survive"
            )));
        }
        for rule in &mut rules {
            rule.indices.retain(|&i| (i as usize) < n);
        }
        steps.push(Step {
            policy: Policy {
                rules: rules.clone(),
            },
            replicas: n as u32,
        });
    }
    // The policy may list more indices than run; drop them before appending.
    for rule in &mut rules {
        rule.indices.retain(|&i| (i as usize) < k);
    }
    // Grow to the target, choosing an order that keeps the invariants (depth-first, with
    // failed states remembered).
    let mut order = Vec::new();
    let mut dead: HashSet<Vec<u32>> = HashSet::new();
    let names: Vec<&String> = target.keys().collect();
    if !grow(&mut state, target, &names, &keeps, &mut order, &mut dead) {
        return Err(PlanError::NoLegalSequence(
            "every order of adding the missing replicas passes through a state that loses a failure the start and the target both survive".into(),
        ));
    }
    let mut next = k as i32;
    for cluster in order {
        append_ordinal(&mut rules, &cluster, next);
        next += 1;
        rules.retain(|r| {
            !r.indices.is_empty() || r.role == kubedb_types::apps::v1::RuleRole::Arbiter
        });
        steps.push(Step {
            policy: Policy {
                rules: rules.clone(),
            },
            replicas: next as u32,
        });
    }
    Ok(steps)
}

/// [`migrate`], or, when no direct sequence exists because a cluster losing members holds an
/// ordinal below the target count (ordinals cannot move between clusters, so the PetSet must
/// first shrink below it), two runs: down to the longest prefix of the current layout that the
/// target keeps, one ordinal at a time, then [`migrate`] up to the target. A direct path keeps
/// min(start, target) replicas, as [`migrate`] does; the prefix must hold at least
/// `min_members`, and every state on the way down must survive every single
/// failure that both the start and the target survive (not what the prefix happens to survive
/// too: the growth after it is judged by [`migrate`] against the target). Each step is a legal
/// policy update of the previous one (only the highest indices removed, or indices appended).
///
/// # Errors
/// [`migrate`]'s, and [`PlanError::NoLegalSequence`] naming the prefix that is too small or
/// the loss a state on the way down would no longer survive.
///
/// ```
/// use std::collections::BTreeMap;
/// use placement::Policy;
/// use placement::plan::{migrate, migrate_through_prefix, Candidate, DistributeOptions, StrictMajority};
/// // c0 = 0,2,3,6,7 and c1 = 1,4,5 (8 members) to 2 + 2: ordinal 2 on c0 is below the target
/// // count, so the set must shrink to the prefix 0,1,2 (3 members) before c1 can take ordinal 3.
/// let policy = Policy::from_pairs([("c0", vec![0, 2, 3, 6, 7]), ("c1", vec![1, 4, 5])]);
/// let target = BTreeMap::from([("c0".to_owned(), 2), ("c1".to_owned(), 2)]);
/// let candidates = [Candidate::new("c0", 8), Candidate::new("c1", 8)];
/// let options = DistributeOptions::default();
/// assert!(migrate(&policy, 8, &target, &candidates, &options, &StrictMajority).is_err());
/// let path = migrate_through_prefix(&policy, 8, &target, &candidates, &options, &StrictMajority, 3).unwrap();
/// assert!(path.iter().all(|step| step.replicas >= 3));
/// assert_eq!(path.last().unwrap().replicas, 4);
/// ```
pub fn migrate_through_prefix(
    current: &Policy,
    replicas: u32,
    target: &BTreeMap<String, u32>,
    candidates: &[Candidate],
    options: &DistributeOptions,
    survival: &dyn Survival,
    min_members: u32,
) -> Result<Vec<Step>, PlanError> {
    let direct = match migrate(current, replicas, target, candidates, options, survival) {
        Ok(path) => return Ok(path),
        Err(e @ PlanError::NoLegalSequence(_)) => e,
        Err(e) => return Err(e),
    };
    let inner = direct.to_string();
    let inner = inner
        .strip_prefix("no legal sequence of policy updates reaches the target: ")
        .unwrap_or(&inner);
    let assigned = Mapping::build(current)
        .assign(replicas)
        .map_err(|e| PlanError::InvalidPolicy(e.to_string()))?
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    let mut prefix: BTreeMap<String, u32> = BTreeMap::new();
    for c in &assigned {
        let have = prefix.get(c).copied().unwrap_or(0);
        if have >= target.get(c).copied().unwrap_or(0) {
            break;
        }
        prefix.insert(c.clone(), have + 1);
    }
    let k: u32 = prefix.values().sum();
    if k < min_members {
        return Err(PlanError::NoLegalSequence(format!(
            "{inner}; the way through keeps only ordinals 0..{k} ({k} members), fewer than {min_members}"
        )));
    }
    let mut start = BTreeMap::new();
    for c in &assigned {
        *start.entry(c.clone()).or_insert(0u32) += 1;
    }
    // Every cluster of the start and the target is judged, as `migrate` judges them: losing
    // one that a layout does not use is survived (found by the property over the upstream
    // loop: a drain passed through states where losing the drained cluster lost quorum).
    let mut labels = labels_of(candidates);
    for c in target.keys().chain(assigned.iter()) {
        labels.entry(c.clone()).or_default();
    }
    let survived = |data: &BTreeMap<String, u32>| -> BTreeSet<String> {
        let votes = Votes {
            data: data
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(c, n)| (c.clone(), *n))
                .collect(),
            arbiters: BTreeMap::new(),
        };
        survival_report(&votes, &labels, &options.domain_keys, survival)
            .survived()
            .map(|f| f.to_string())
            .collect()
    };
    // Shrink to the prefix one ordinal at a time, keeping what the start and the final
    // target both survive (not what the prefix happens to survive too: the growth after it
    // is judged by `migrate` against the target).
    let (s, t) = (survived(&start), survived(target));
    let mut path = Vec::new();
    let mut rules = current.rules.clone();
    let mut state = start.clone();
    for n in (k as usize..assigned.len()).rev() {
        let c = &assigned[n];
        if let Some(v) = state.get_mut(c) {
            *v -= 1;
        }
        let now = survived(&state);
        if let Some(lost) = s.intersection(&t).find(|f| !now.contains(*f)) {
            return Err(PlanError::NoLegalSequence(format!(
                "{inner}; shrinking to the {k} members the target keeps would no longer survive losing {lost} once ordinal {n} on {c} is removed"
            )));
        }
        for rule in &mut rules {
            rule.indices.retain(|&i| (i as usize) < n);
        }
        path.push(Step {
            policy: Policy {
                rules: rules.clone(),
            },
            replicas: n as u32,
        });
    }
    let mid = path
        .last()
        .map_or_else(|| current.clone(), |s| s.policy.clone());
    path.extend(migrate(&mid, k, target, candidates, options, survival)?);
    Ok(path)
}

fn grow(
    state: &mut BTreeMap<String, u32>,
    target: &BTreeMap<String, u32>,
    names: &[&String],
    keeps: &dyn Fn(&BTreeMap<String, u32>) -> bool,
    order: &mut Vec<String>,
    dead: &mut HashSet<Vec<u32>>,
) -> bool {
    let key: Vec<u32> = names
        .iter()
        .map(|n| state.get(*n).copied().unwrap_or(0))
        .collect();
    if names
        .iter()
        .all(|n| state.get(*n).copied().unwrap_or(0) >= target[*n])
    {
        return true;
    }
    if dead.contains(&key) {
        return false;
    }
    // Most missing first, then name order.
    let mut choices: Vec<&String> = names
        .iter()
        .copied()
        .filter(|n| state.get(*n).copied().unwrap_or(0) < target[*n])
        .collect();
    choices.sort_by_key(|n| std::cmp::Reverse(target[*n] - state.get(*n).copied().unwrap_or(0)));
    for c in choices {
        *state.entry(c.clone()).or_default() += 1;
        if keeps(state) {
            order.push(c.clone());
            if grow(state, target, names, keeps, order, dead) {
                return true;
            }
            order.pop();
        }
        if let Some(v) = state.get_mut(c) {
            *v -= 1;
        }
    }
    dead.insert(key);
    false
}
