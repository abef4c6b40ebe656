//! Which single-cluster losses a layout survives, judged by Galera's quorum rule.

use galera::quorum::{Decision, Settings, Weight, decide};
use kubedb_types::release::Release;
use placement::plan::{
    Candidate, DistributeOptions, Failure, Survival, SurvivalReport, Votes, distribute,
    survival_report,
};

/// Galera's primary-component rule as a [`Survival`] judgement: after a crash (nobody left
/// gracefully) the connected members keep the primary component when `2·w(alive) > w(total)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GaleraQuorum {
    /// `pc.ignore_sb` / `pc.ignore_quorum` of the members.
    pub settings: Settings,
}

impl Survival for GaleraQuorum {
    fn survives(&self, alive: u64, lost: u64) -> bool {
        decide(
            Weight(alive),
            Weight(0),
            Weight(alive + lost),
            self.settings,
        ) == Decision::Primary
    }
}

/// A layout that would survive every single-cluster loss.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What to change.
    pub summary: String,
    /// Replicas per cluster (and arbiters) of the proposed layout.
    pub votes: Votes,
}

/// The survival of a layout and, when some single-cluster loss is fatal, verified fixes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurvivalAnalysis {
    /// One outcome per cluster of the layout.
    pub report: SurvivalReport,
    /// Proposals, each checked with the same rule to survive every single-cluster loss.
    pub fixes: Vec<Fix>,
}

impl SurvivalAnalysis {
    /// Report lines: `lose <cluster>: survives` or `lose <cluster>: loses quorum (a/t votes)`.
    pub fn lines(&self) -> Vec<String> {
        self.report
            .outcomes
            .iter()
            .filter_map(|o| match &o.failure {
                Failure::Cluster(c) if o.survives => Some(format!("lose {c}: survives")),
                Failure::Cluster(c) => Some(format!(
                    "lose {c}: loses quorum ({}/{} votes)",
                    o.alive, o.total
                )),
                Failure::Domain { .. } => None,
            })
            .collect()
    }

    /// `true` when every single-cluster loss keeps a primary component.
    pub fn survives_any_single_loss(&self) -> bool {
        self.report.outcomes.iter().all(|o| o.survives)
    }
}

/// Judges `votes` (replicas and arbiters per cluster) and, when a cluster loss is fatal,
/// proposes a third cluster or, where `release` serves `failoverPolicy`
/// ([`Release::serves_failover_policy`]), a TwoDC arbiter layout, each verified with the same
/// rule.
pub fn analyse(
    votes: &Votes,
    replicas: u32,
    rule: &GaleraQuorum,
    release: Release,
) -> SurvivalAnalysis {
    let report = survival_report(votes, &Default::default(), &[], rule);
    let mut fixes = Vec::new();
    if report.outcomes.iter().any(|o| !o.survives) {
        let mut clusters: Vec<&String> = votes.data.keys().collect();
        clusters.sort();
        let third = "third-cluster";
        let mut candidates: Vec<Candidate> = clusters
            .iter()
            .map(|c| Candidate::new(c, replicas))
            .collect();
        candidates.push(Candidate::new(third, replicas));
        let spread_replicas = replicas.max(3);
        if let Ok(plan) = distribute(
            &candidates,
            spread_replicas,
            &DistributeOptions::default(),
            rule,
        ) && plan.report.outcomes.iter().all(|o| o.survives)
        {
            fixes.push(Fix {
                summary: format!(
                    "add a third cluster to the slice and the policy and spread {spread_replicas} replicas as {}: any one cluster can then be lost",
                    describe(&plan.votes)
                ),
                votes: plan.votes,
            });
        }
        // TwoDC: the data clusters plus a vote-only arbiter (garbd) at a third site.
        let mut two_dc: Vec<Candidate> = clusters
            .iter()
            .take(2)
            .map(|c| Candidate::new(c, replicas + 1))
            .collect();
        if two_dc.len() == 2 && release.serves_failover_policy() {
            two_dc.push(Candidate::new("arbiter-site", 0));
            let opts = DistributeOptions {
                domain_keys: Vec::new(),
                arbiters: 1,
            };
            let even = replicas + replicas % 2;
            if let Ok(plan) = distribute(&two_dc, even, &opts, rule)
                && plan.report.outcomes.iter().all(|o| o.survives)
            {
                let data = Votes {
                    data: plan.votes.data.clone(),
                    arbiters: Default::default(),
                };
                fixes.push(Fix {
                    summary: format!(
                        "use a TwoDC failoverPolicy: {even} replicas as {}, and an Arbiter rule (garbd, one vote, no data) at a third site: either data cluster can then be lost",
                        describe(&data)
                    ),
                    votes: plan.votes,
                });
            }
        }
    }
    SurvivalAnalysis { report, fixes }
}

fn describe(votes: &Votes) -> String {
    let mut parts: Vec<String> = votes
        .data
        .iter()
        .map(|(c, n)| format!("{n} on {c}"))
        .collect();
    parts.extend(
        votes
            .arbiters
            .iter()
            .map(|(c, n)| format!("{n} arbiter on {c}")),
    );
    parts.join(", ")
}
