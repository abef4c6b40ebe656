//! Applying a [`Day2Plan`](crate::day2::Day2Plan) through the one step runner (`runner`): each
//! step with server-side apply (the retry policy of [`ApplyOptions::retry_policy`]), then its
//! gates (`conditions::day2_gates`): after a slice join the slice's health on every cluster
//! (as `apply_plan` waits), after an OpsRequest its phase `Successful` (`Failed`, `Denied` or
//! `Skipped` stop the apply with its conditions; a `Pending` request, queued behind another for
//! the database, is reported), every pod Ready in the pod table, and, where a
//! [`WsrepReader`] is given, `wsrep_cluster_size` equal to the new member count with every
//! member Synced in a Primary component. Each step writes one object, so a refused step leaves
//! nothing half applied; the error says which steps were applied and how to resume.

use std::time::Duration;

use kube::api::DynamicObject;
use kube::core::ApiResource;
use kube::{Client, Resource};
use kubedb_types::apps::v1::PlacementPolicy;
use kubedb_types::ops::v1alpha1::{MariaDBOpsRequest, OpsRequestPhase};
use kubeslice_types::controller::v1alpha1::SliceConfig;

use crate::conditions::day2_gates;
use crate::connect::kube_error_text;
use crate::day2::{Day2Plan, Day2Step};
use crate::runner::{ApplyOptions, Progress, Step, StepError, run};
use crate::wsrep::WsrepReader;

/// Why a day-2 apply stopped. `applied` lists the steps applied before (and, for waits, the
/// step itself); re-plan from the hub's state with `plan_day2` and apply again to resume:
/// every step is an idempotent server-side apply.
#[derive(Debug, thiserror::Error)]
pub enum Day2ApplyError {
    /// The server refused the step (after retries when retryable); it was not applied.
    #[error(
        "step {index} ({step}) refused: {}; applied before it: {applied:?}; fix the cause, then re-plan from the hub and apply again",
        kube_error_text(source)
    )]
    Server {
        /// 1-based step number.
        index: usize,
        /// The step.
        step: String,
        /// Steps applied before it.
        applied: Vec<String>,
        /// The client's error.
        #[source]
        source: kube::Error,
    },
    /// The OpsRequest ended in a phase other than `Successful`.
    #[error("step {index} ({step}) ended {phase:?}: {}; applied: {applied:?}; fix what its conditions say, then re-plan from the hub (`read_current`) and apply again: the new plan's request gets a new name", conditions.join("; "))]
    OpsFailed {
        /// 1-based step number.
        index: usize,
        /// The step.
        step: String,
        /// The final phase.
        phase: OpsRequestPhase,
        /// `type=status: reason: message` of each condition.
        conditions: Vec<String>,
        /// Steps applied, this one included.
        applied: Vec<String>,
    },
    /// Something awaited did not hold in time.
    #[error(
        "step {index} ({step}) applied but {what} did not hold within {timeout:?}; applied: {applied:?}; check the controllers, then re-plan from the hub and apply again"
    )]
    Timeout {
        /// 1-based step number.
        index: usize,
        /// The step.
        step: String,
        /// What was awaited.
        what: String,
        /// How long.
        timeout: Duration,
        /// Steps applied, this one included.
        applied: Vec<String>,
    },
}

/// What was applied.
#[derive(Clone, Debug, Default)]
pub struct Day2Report {
    /// Each step's object as the server returned it.
    pub applied: Vec<DynamicObject>,
    /// Retries made.
    pub retries: u32,
}

fn resource_and_body(step: &Day2Step) -> (ApiResource, serde_json::Value) {
    fn of<K: Resource<DynamicType = ()>>() -> ApiResource {
        ApiResource::erase::<K>(&())
    }
    let body = match step {
        Day2Step::JoinSlice { slice, .. } => serde_json::to_value(slice),
        Day2Step::Policy(pp) => serde_json::to_value(pp),
        Day2Step::Scale { ops, .. } => serde_json::to_value(ops),
    }
    .unwrap_or_default();
    let resource = match step {
        Day2Step::JoinSlice { .. } => of::<SliceConfig>(),
        Day2Step::Policy(_) => of::<PlacementPolicy>(),
        Day2Step::Scale { .. } => of::<MariaDBOpsRequest>(),
    };
    (resource, body)
}

/// Applies `plan`'s steps in order and waits after each (see the module docs). With
/// `options.dry_run` every step is sent with `dryRun=All` (stored nowhere) and nothing is
/// awaited; `options.wait` bounds each wait (`None`: no waits). `wsrep`, when given, is asked
/// for the members' status once the pods are Ready and until the cluster size matches, with
/// the retry policy's delays.
pub async fn apply_day2(
    client: &Client,
    plan: &Day2Plan,
    options: &ApplyOptions,
    wsrep: Option<&dyn WsrepReader>,
    mut progress: impl FnMut(Progress),
) -> Result<Day2Report, Day2ApplyError> {
    let steps: Vec<Step> = plan
        .steps
        .iter()
        .map(|step| {
            let (resource, body) = resource_and_body(step);
            Step {
                object: step.describe(),
                resource,
                namespace: body["metadata"]["namespace"].as_str().map(str::to_owned),
                name: body["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                gates: day2_gates(step),
                body,
            }
        })
        .collect();
    let done =
        |upto: usize| -> Vec<String> { steps[..upto].iter().map(|s| s.object.clone()).collect() };
    match run(client, &steps, options, wsrep, &mut progress).await {
        Ok(ran) => Ok(Day2Report {
            applied: ran.applied,
            retries: ran.retries,
        }),
        Err((StepError::Server { index, source, .. }, _)) => Err(Day2ApplyError::Server {
            index,
            step: steps[index - 1].object.clone(),
            applied: done(index - 1),
            source,
        }),
        Err((
            StepError::Timeout {
                index,
                condition,
                timeout,
            },
            _,
        )) => Err(Day2ApplyError::Timeout {
            index,
            step: steps[index - 1].object.clone(),
            what: condition,
            timeout,
            applied: done(index),
        }),
        Err((
            StepError::OpsFailed {
                index,
                phase,
                conditions,
            },
            _,
        )) => Err(Day2ApplyError::OpsFailed {
            index,
            step: steps[index - 1].object.clone(),
            phase,
            conditions,
            applied: done(index),
        }),
    }
}
