//! Applying a plan to the hub: every step's object, in order, through the one step runner
//! (`runner`: server-side apply with a field manager and force, optional server-side dry-run,
//! retries with backoff on conflicts, throttling and server errors, then what the next steps
//! depend on, `conditions::gates`). Every object is checked before the first write, so bad
//! input writes nothing.

use std::time::Duration;

use kube::api::DynamicObject;
use kube::core::ApiResource;
use kube::{Client, Resource};

use crate::conditions::gates;
use crate::connect::kube_error_text;
use crate::plan::{Plan, PlanObject};
use crate::runner::{ApplyOptions, Progress, Step, StepError, run};

/// Why the apply stopped.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// An object of the plan cannot be applied; nothing was written.
    #[error("step {index} ({object}): {reason}; nothing was applied")]
    Invalid {
        /// 1-based step number.
        index: usize,
        /// The object.
        object: String,
        /// What is wrong.
        reason: String,
    },
    /// The server refused an object (after retries when retryable); the steps before it were
    /// applied, the ones after it were not.
    #[error(
        "step {index} ({object}) failed after {attempts} attempt(s): {}; {}",
        kube_error_text(source),
        applied_note(*applied, *dry_run)
    )]
    Server {
        /// 1-based step number.
        index: usize,
        /// The object.
        object: String,
        /// Attempts made.
        attempts: u32,
        /// Steps applied before it.
        applied: usize,
        /// The apply was a dry run: nothing was stored by any step.
        dry_run: bool,
        /// The client's error.
        #[source]
        source: kube::Error,
    },
    /// A condition between steps did not hold in time.
    #[error(transparent)]
    Wait(#[from] StepTimeout),
}

fn applied_note(applied: usize, dry_run: bool) -> String {
    if dry_run && applied > 0 {
        return format!(
            "this was a dry run: the server accepted the {applied} step(s) before it and stored nothing, so a step that needs what an earlier one creates (a namespace, a registration) fails on a hub that does not have it yet; dry-run against a hub that has the earlier steps, or apply for real"
        );
    }
    match applied {
        0 => "nothing was applied; check that the hub is reachable and the kubeconfig context is right".to_owned(),
        1 => "step 1 was applied, the rest were not".to_owned(),
        n => format!("steps 1 to {n} were applied, the rest were not"),
    }
}

/// Why the apply stopped while waiting between steps.
#[derive(Debug, thiserror::Error)]
#[error(
    "step {index} ({object}) was applied but {condition} did not hold within {timeout:?}: steps 1 to {index} were applied, the rest were not; check the controller that makes it true (KubeSlice controller or worker)"
)]
pub struct StepTimeout {
    /// 1-based step number.
    pub index: usize,
    /// The step's object.
    pub object: String,
    /// What was awaited.
    pub condition: String,
    /// How long it waited.
    pub timeout: Duration,
}

/// What was applied.
#[derive(Clone, Debug, Default)]
pub struct ApplyReport {
    /// Every object as the server returned it, in plan order.
    pub applied: Vec<DynamicObject>,
    /// Retries made in total.
    pub retries: u32,
}

impl PlanObject {
    /// The API resource (group, version, kind, plural) of the object.
    pub fn api_resource(&self) -> ApiResource {
        fn of<K: Resource<DynamicType = ()>>() -> ApiResource {
            ApiResource::erase::<K>(&())
        }
        match self {
            PlanObject::Project(_) => of::<kubeslice_types::controller::v1alpha1::Project>(),
            PlanObject::Cluster(_) => of::<kubeslice_types::controller::v1alpha1::Cluster>(),
            PlanObject::SliceConfig(_) => {
                of::<kubeslice_types::controller::v1alpha1::SliceConfig>()
            }
            PlanObject::PlacementPolicy(_) => of::<kubedb_types::apps::v1::PlacementPolicy>(),
            PlanObject::MariaDB(_) => of::<kubedb_types::kubedb::v1::MariaDB>(),
        }
    }
}

/// Applies `plan`'s steps in order with server-side apply (`force`), reporting progress.
pub async fn apply_plan(
    client: &Client,
    plan: &Plan,
    options: &ApplyOptions,
    mut progress: impl FnMut(Progress),
) -> Result<ApplyReport, ApplyError> {
    // The hub: where the MariaDB goes.
    let hub = plan
        .steps
        .iter()
        .find(|s| matches!(s.object, PlanObject::MariaDB(_)))
        .map(|s| s.context.clone());
    // Check everything before the first write.
    let mut steps = Vec::with_capacity(plan.steps.len());
    for (i, step) in plan.steps.iter().enumerate() {
        let object = step.object.describe();
        let invalid = |reason: &str| ApplyError::Invalid {
            index: i + 1,
            object: object.clone(),
            reason: reason.to_owned(),
        };
        let body = step.object.to_json();
        let name = body["metadata"]["name"]
            .as_str()
            .filter(|n| !n.is_empty())
            .ok_or_else(|| invalid("metadata.name is missing"))?
            .to_owned();
        if body["metadata"].get("generateName").is_some() {
            return Err(invalid(
                "server-side apply needs metadata.name, not generateName",
            ));
        }
        steps.push(Step {
            namespace: body["metadata"]["namespace"].as_str().map(str::to_owned),
            resource: step.object.api_resource(),
            gates: gates(&step.object, hub.as_deref()),
            object,
            name,
            body,
        });
    }
    match run(client, &steps, options, None, &mut progress).await {
        Ok(ran) => Ok(ApplyReport {
            applied: ran.applied,
            retries: ran.retries,
        }),
        Err((
            StepError::Server {
                index,
                attempts,
                source,
            },
            _,
        )) => Err(ApplyError::Server {
            index,
            object: steps[index - 1].object.clone(),
            attempts,
            applied: index - 1,
            dry_run: options.dry_run,
            source,
        }),
        Err((
            StepError::Timeout {
                index,
                condition,
                timeout,
            },
            _,
        )) => Err(StepTimeout {
            index,
            object: steps[index - 1].object.clone(),
            condition,
            timeout,
        }
        .into()),
        // Day-1 steps await no OpsRequest.
        Err((StepError::OpsFailed { index, phase, .. }, _)) => Err(StepTimeout {
            index,
            object: steps[index - 1].object.clone(),
            condition: format!("an OpsRequest ended {phase:?}"),
            timeout: options.wait.unwrap_or_default(),
        }
        .into()),
    }
}
