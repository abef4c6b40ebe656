//! Survival judgments: which failures a layout of votes survives under a quorum rule.
//!
//! A layout is [`Votes`] per cluster (data replicas and vote-only arbiters); a [`Failure`]
//! loses a cluster or every cluster of a fault domain; [`survival_report`] judges each with
//! the caller's [`Survival`] rule (Galera's weighted quorum in the deployer, a strict
//! majority in tests). `plan` builds on these and re-exports them.

use std::collections::BTreeMap;

use crate::mapping::Mapping;
use crate::policy::Policy;

/// Decides whether the members still connected keep a primary component after the others
/// failed. `alive` and `lost` are vote weights summed over the members of the last primary
/// view.
pub trait Survival {
    /// `true` when the `alive` side keeps (or can re-form) the primary component.
    fn survives(&self, alive: u64, lost: u64) -> bool;
}

/// A strict weighted majority: `2·alive > alive + lost`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StrictMajority;

impl Survival for StrictMajority {
    fn survives(&self, alive: u64, lost: u64) -> bool {
        2 * alive > alive + lost
    }
}

impl<F: Fn(u64, u64) -> bool> Survival for F {
    fn survives(&self, alive: u64, lost: u64) -> bool {
        self(alive, lost)
    }
}

/// A failure the report judges.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Failure {
    /// One cluster is lost.
    Cluster(String),
    /// Every cluster whose label `key` is `value` is lost.
    Domain {
        /// Label key.
        key: String,
        /// Label value.
        value: String,
    },
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Cluster(c) => f.write_str(c),
            Failure::Domain { key, value } => write!(f, "{key}={value}"),
        }
    }
}

/// How one failure ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The failure.
    pub failure: Failure,
    /// Votes left.
    pub alive: u64,
    /// Votes before the failure.
    pub total: u64,
    /// Whether a primary component remains.
    pub survives: bool,
}

/// Which single failures a layout survives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SurvivalReport {
    /// One outcome per cluster, then per domain, in name order.
    pub outcomes: Vec<Outcome>,
}

impl SurvivalReport {
    /// Survivable single-cluster failures.
    pub fn survivable_clusters(&self) -> usize {
        self.count(|f| matches!(f, Failure::Cluster(_)))
    }

    /// Survivable single-domain failures.
    pub fn survivable_domains(&self) -> usize {
        self.count(|f| matches!(f, Failure::Domain { .. }))
    }

    fn count(&self, kind: impl Fn(&Failure) -> bool) -> usize {
        self.outcomes
            .iter()
            .filter(|o| kind(&o.failure) && o.survives)
            .count()
    }

    /// The failures this layout survives.
    pub fn survived(&self) -> impl Iterator<Item = &Failure> {
        self.outcomes
            .iter()
            .filter(|o| o.survives)
            .map(|o| &o.failure)
    }

    /// The outcome of one failure.
    pub fn outcome(&self, failure: &Failure) -> Option<&Outcome> {
        self.outcomes.iter().find(|o| &o.failure == failure)
    }
}

/// Votes per cluster: data replicas and arbiters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Votes {
    /// Data replicas per cluster.
    pub data: BTreeMap<String, u32>,
    /// Arbiters per cluster.
    pub arbiters: BTreeMap<String, u32>,
}

impl Votes {
    fn of(&self, cluster: &str) -> u64 {
        self.data.get(cluster).copied().unwrap_or(0) as u64
            + self.arbiters.get(cluster).copied().unwrap_or(0) as u64
    }

    fn total(&self) -> u64 {
        self.data
            .values()
            .chain(self.arbiters.values())
            .map(|&v| v as u64)
            .sum()
    }
}

/// Judges every single-cluster failure (for the clusters in `votes` and `labels`) and every
/// single-domain failure (for `domain_keys`).
pub fn survival_report(
    votes: &Votes,
    labels: &BTreeMap<String, BTreeMap<String, String>>,
    domain_keys: &[String],
    survival: &dyn Survival,
) -> SurvivalReport {
    let total = votes.total();
    let mut clusters: Vec<&String> = votes
        .data
        .keys()
        .chain(votes.arbiters.keys())
        .chain(labels.keys())
        .collect();
    clusters.sort();
    clusters.dedup();
    let judge = |failure: Failure, lost: u64| Outcome {
        survives: survival.survives(total - lost, lost),
        alive: total - lost,
        total,
        failure,
    };
    let mut outcomes: Vec<Outcome> = clusters
        .iter()
        .map(|c| judge(Failure::Cluster((*c).clone()), votes.of(c)))
        .collect();
    for key in domain_keys {
        let mut domains: BTreeMap<&str, u64> = BTreeMap::new();
        for c in &clusters {
            if let Some(value) = labels.get(*c).and_then(|l| l.get(key)) {
                *domains.entry(value).or_default() += votes.of(c);
            }
        }
        outcomes.extend(domains.into_iter().map(|(value, lost)| {
            judge(
                Failure::Domain {
                    key: key.clone(),
                    value: value.to_owned(),
                },
                lost,
            )
        }));
    }
    SurvivalReport { outcomes }
}

/// Votes of the first `replicas` ordinals of a policy (plus its Arbiter rules, one vote each).
pub fn votes_of(policy: &Policy, replicas: u32) -> Result<Votes, crate::mapping::PlacementError> {
    let mapping = Mapping::build(policy);
    let mut votes = Votes::default();
    for cluster in mapping.assign(replicas)? {
        *votes.data.entry(cluster.to_owned()).or_default() += 1;
    }
    for rule in &policy.rules {
        if rule.role == kubedb_types::apps::v1::RuleRole::Arbiter {
            *votes.arbiters.entry(rule.cluster.clone()).or_default() += 1;
        }
    }
    Ok(votes)
}
