//! Failure drills: what the planned Galera cluster does when whole Kubernetes clusters are
//! lost, predicted with [`galera::sim`], and how it recovers when no primary is left.

use galera::files::SavedState;
use galera::recovery::{NodeReport, RecoveryOptions, RecoveryPlan, Refusal, plan_recovery};
use galera::sim::{Cluster, Event, NodeSpec, Prediction};
use galera::status::ClusterStatus;

use crate::plan::Plan;

/// The history UUID the drill's nodes share (any valid UUID: only equality matters).
const DRILL_UUID: &str = "00000000-0000-0000-0000-0000000d7111";

/// One pod after the loss.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodOutcome {
    /// Pod name.
    pub pod: String,
    /// Its cluster.
    pub cluster: String,
    /// Its predicted `wsrep%` status; `None` when its cluster was lost.
    pub status: Option<Prediction>,
}

/// What recovery does when the loss leaves no primary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recovery {
    /// Why the planner refuses without `force` (the lost pods may hold newer data).
    pub refusal: Option<Refusal>,
    /// The plan (forced when refused): the survivor to run `pc.bootstrap` on, and the order
    /// in which the others rejoin.
    pub plan: RecoveryPlan,
    /// The pods after `pc.bootstrap` on the chosen survivor.
    pub after: Vec<PodOutcome>,
}

/// The outcome of losing some clusters at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drill {
    /// The clusters lost.
    pub lost: Vec<String>,
    /// Every pod after the loss.
    pub pods: Vec<PodOutcome>,
    /// Whether a primary component survives.
    pub primary: bool,
    /// Present when no primary survives and some pod does.
    pub recovery: Option<Recovery>,
}

/// A drill named a cluster the plan does not use.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cluster {name:?} runs no pod of this plan (its clusters: {known})")]
pub struct UnknownCluster {
    /// The name given.
    pub name: String,
    /// The plan's clusters, comma-separated.
    pub known: String,
}

/// Loses every cluster in `lost` at the same moment (their pods crash together) from a
/// healthy, formed cluster, and predicts the rest.
///
/// ```
/// use deployer::{drill, plan, Environment};
/// let plan = plan(&Environment::seed()).unwrap();
/// assert!(drill(&plan, &["demo-worker"]).unwrap().primary);
/// let d = drill(&plan, &["demo-controller"]).unwrap();
/// assert!(!d.primary);
/// assert_eq!(d.recovery.unwrap().plan.bootstrap, "mariadb-1");
/// ```
pub fn drill(plan: &Plan, lost: &[&str]) -> Result<Drill, UnknownCluster> {
    let mut pods = plan.placement.clone();
    pods.sort_by_key(|p| p.ordinal);
    for name in lost {
        if !pods.iter().any(|p| p.cluster == *name) {
            let mut known: Vec<&str> = pods.iter().map(|p| p.cluster.as_str()).collect();
            known.sort_unstable();
            known.dedup();
            return Err(UnknownCluster {
                name: (*name).to_owned(),
                known: known.join(", "),
            });
        }
    }
    let mut model = Cluster::new(vec![NodeSpec::default(); pods.len()]);
    let mut steps = vec![Event::Bootstrap(0)];
    steps.extend((1..pods.len()).map(Event::Start));
    steps.push(Event::Write(0));
    let down: std::collections::BTreeSet<usize> = pods
        .iter()
        .enumerate()
        .filter(|(_, p)| lost.contains(&p.cluster.as_str()))
        .map(|(i, _)| i)
        .collect();
    steps.push(Event::Outage(down));
    for e in steps {
        // Every event is valid by construction (fresh nodes, running when crashed).
        let _ = model.step(e);
    }
    let outcomes = |model: &Cluster| -> Vec<PodOutcome> {
        pods.iter()
            .enumerate()
            .map(|(i, p)| PodOutcome {
                pod: p.pod.clone(),
                cluster: p.cluster.clone(),
                status: model.predict(i),
            })
            .collect()
    };
    let after_loss = outcomes(&model);
    let primary = after_loss.iter().any(|o| {
        o.status
            .as_ref()
            .is_some_and(|s| s.cluster_status == ClusterStatus::Primary)
    });
    let survivors: Vec<usize> = (0..pods.len()).filter(|&i| model.is_running(i)).collect();
    let recovery = if primary || survivors.is_empty() {
        None
    } else {
        let reports: Vec<NodeReport> = survivors
            .iter()
            .map(|&i| {
                let seqno = model.seqno(i).map_or(-1, |s| s as i64);
                NodeReport::saved(
                    &pods[i].pod,
                    SavedState {
                        version: Some("2.1".to_owned()),
                        uuid: DRILL_UUID.to_owned(),
                        seqno,
                        safe_to_bootstrap: Some(false),
                    },
                )
            })
            .collect();
        let mut options = RecoveryOptions {
            members: pods.iter().map(|p| p.pod.clone()).collect(),
            ..RecoveryOptions::default()
        };
        let (refusal, plan) = match plan_recovery(&reports, &options) {
            Ok(plan) => (None, Some(plan)),
            Err(refusal) => {
                options.force = true;
                (Some(refusal), plan_recovery(&reports, &options).ok())
            }
        };
        plan.map(|plan| {
            if let Some(i) = pods.iter().position(|p| p.pod == plan.bootstrap) {
                let _ = model.step(Event::PcBootstrap(i));
            }
            Recovery {
                refusal,
                plan,
                after: outcomes(&model),
            }
        })
    };
    Ok(Drill {
        lost: lost.iter().map(|s| (*s).to_owned()).collect(),
        pods: after_loss,
        primary,
        recovery,
    })
}
