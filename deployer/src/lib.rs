//! Plans, checks, applies and observes a distributed MariaDB Galera cluster on an OCM hub.
//!
//! This half is pure: from an [`Environment`] (the hub and what it reports, the KubeSlice
//! setup, the database request) [`plan`] produces every object of the walkthrough's Steps 3 to
//! 7 in dependency order, a preview of the ManifestWorks the PetSet controller sends to each
//! spoke, the Galera settings of each pod, a survival report judged by Galera's quorum rule,
//! and preflight findings. Errors in the findings mean no plan.
//!
//! ```
//! use deployer::{plan, Environment};
//! let plan = plan(&Environment::seed()).expect("the walkthrough's environment is valid");
//! let pods: Vec<_> = plan.placement.iter().map(|p| (p.pod.as_str(), p.cluster.as_str())).collect();
//! assert_eq!(pods, [("mariadb-0", "demo-controller"), ("mariadb-1", "demo-worker"), ("mariadb-2", "demo-controller")]);
//! assert!(plan.survival.lines().contains(&"lose demo-controller: loses quorum (1/3 votes)".to_owned()));
//! ```

mod apply;
mod connect;
mod environment;
mod failover;
mod findings;
mod observe;
mod plan;
mod preflight;
#[cfg(feature = "live")]
mod sql;
mod survival;

pub use apply::*;
pub use connect::*;
pub use environment::*;
pub use failover::*;
pub use findings::*;
pub use observe::{PodRow, Readiness, pod_table, render_pod_table, watch_pods};
pub use plan::*;
pub use preflight::{MIN_KUBERNETES, quantity_value};
#[cfg(feature = "live")]
pub use sql::*;
pub use survival::*;

use placement::plan::{DistributeOptions, distribute, votes_of};
use placement::{Policy, Rule};

/// The plan was refused: the findings say why (at least one error).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("preflight failed with {} error(s)", findings.iter().filter(|f| f.severity == Severity::Error).count())]
pub struct Rejected {
    /// Every finding, errors first.
    pub findings: Vec<Finding>,
}

/// The placement policy the request asks for (explicit rules, or `auto` spread by
/// [`placement::plan::distribute`] with Galera's quorum rule).
pub fn resolve_placement(env: &Environment) -> Result<Policy, Rejected> {
    match &env.database.placement {
        PlacementRequest::Explicit(rules) => Ok(Policy {
            rules: rules
                .iter()
                .map(|r| Rule {
                    cluster: r.cluster.clone(),
                    indices: r.ordinals.clone(),
                    storage_class: r.storage_class.clone(),
                    ..Rule::default()
                })
                .collect(),
        }),
        PlacementRequest::Auto(_) => {
            let candidates = preflight::auto_candidates(env);
            distribute(
                &candidates,
                env.database.replicas,
                &DistributeOptions::default(),
                &GaleraQuorum::default(),
            )
            .map(|p| p.policy)
            .map_err(|e| Rejected {
                findings: vec![Finding::new(
                    Severity::Error,
                    format!("PlacementPolicy/{}", env.database.placement_policy),
                    format!("automatic placement failed: {e}"),
                    "join more clusters or lower the replicas",
                )],
            })
        }
    }
}

/// Plans the deployment. Returns the plan with its warnings and infos, or every finding when
/// any is an error (nothing is planned then).
pub fn plan(env: &Environment) -> Result<Plan, Rejected> {
    let draft = draft(env)?;
    if draft.findings.iter().any(|f| f.severity == Severity::Error) {
        return Err(Rejected {
            findings: draft.findings,
        });
    }
    Ok(draft)
}

/// The plan whatever preflight says, errors included in its findings: for tools that want to
/// show or diff what would be applied. Only an unplaceable request (no placement at all) is
/// refused.
pub fn draft(env: &Environment) -> Result<Plan, Rejected> {
    let policy = resolve_placement(env)?;
    let steps = plan::steps(env, &policy);
    let votes = votes_of(&policy, env.database.replicas).unwrap_or_default();
    let survival = analyse(
        &votes,
        env.database.replicas,
        &GaleraQuorum::default(),
        env.kubedb.release,
    );
    let mut findings = preflight::preflight(env, &policy, &steps, Some(&survival));
    findings.sort_by_key(|f| f.severity);
    let placement = plan::placed(env, &policy);
    let stored_policy = steps.iter().find_map(|s| match &s.object {
        PlanObject::PlacementPolicy(p) => Some(p),
        _ => None,
    });
    let spokes = plan::previews(env, &placement, stored_policy);
    Ok(Plan {
        steps,
        placement,
        spokes,
        survival,
        findings,
    })
}
