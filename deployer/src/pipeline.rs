//! The planning pipeline: the placement the request asks for, the steps, the placement of each
//! pod, the previews, the survival report and preflight, assembled into a [`Plan`].

use placement::plan::{DistributeOptions, distribute, votes_of};
use placement::{Policy, Rule};

use crate::environment::{Environment, PlacementRequest};
use crate::findings::{Finding, Severity, object_id};
use crate::plan::{Plan, PlanObject, placed, previews, steps};
use crate::preflight;
use crate::survival::{GaleraQuorum, analyse};

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
                    object_id("PlacementPolicy", None, &env.database.placement_policy),
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
    let steps = steps(env, &policy);
    let votes = votes_of(&policy, env.database.replicas).unwrap_or_default();
    let survival = analyse(
        &votes,
        env.database.replicas,
        &GaleraQuorum::default(),
        env.kubedb.release,
    );
    let mut findings = preflight::preflight(env, &policy, &steps, Some(&survival));
    findings.sort_by_key(|f| f.severity);
    let placement = placed(env, &policy);
    let stored_policy = steps.iter().find_map(|s| match &s.object {
        PlanObject::PlacementPolicy(p) => Some(p),
        _ => None,
    });
    let spokes = previews(env, &placement, stored_policy);
    Ok(Plan {
        steps,
        placement,
        spokes,
        survival,
        findings,
    })
}
