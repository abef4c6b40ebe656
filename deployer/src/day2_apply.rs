//! Applying a [`Day2Plan`](crate::day2::Day2Plan): each step with server-side apply (the
//! retry policy of [`ApplyOptions::retry_policy`]), then waited for with watches: after a
//! slice join the slice's health on every cluster (as `apply_plan` waits), after an
//! OpsRequest its phase `Successful` (`Failed`, `Denied` or `Skipped` stop the apply with its
//! conditions; a `Pending` request, queued behind another for the database, is reported), every pod Ready in the pod table, and, where the caller can read `wsrep%`
//! status, `wsrep_cluster_size` equal to the new member count with every member Synced in a
//! Primary component. Each step writes one object, so a refused step leaves nothing half
//! applied; the error says which steps were applied and how to resume.

use std::collections::BTreeMap;
use std::time::Duration;

use backon::Retryable;
use futures::StreamExt;
use futures::future::BoxFuture;
use galera::status::WsrepStatus;
use kube::api::{Api, DynamicObject, PatchParams};
use kube::core::ApiResource;
use kube::runtime::wait::Condition;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, Resource};
use kubedb_types::apps::v1::PlacementPolicy;
use kubedb_types::ops::v1alpha1::{MariaDBOpsRequest, OpsRequestPhase};
use kubeslice_types::controller::v1alpha1::SliceConfig;

use crate::apply::{ApplyOptions, Progress, Target, apply_one};
use crate::conditions::gates;
use crate::day2::{Day2Plan, Day2Step, member_synced};
use crate::plan::PlanObject;
use crate::pod_table::{PodRow, pods_ready};
use crate::watch::{await_gate, watch_pods};

/// Reads the `wsrep%` status of the given pods (for example over SQL with the `live`
/// feature); pods it cannot read are left out.
pub type WsrepReader<'a> =
    &'a (dyn Fn(Vec<PodRow>) -> BoxFuture<'static, BTreeMap<String, WsrepStatus>> + Sync);

/// Why a day-2 apply stopped. `applied` lists the steps applied before (and, for waits, the
/// step itself); re-plan from the hub's state with `plan_day2` and apply again to resume:
/// every step is an idempotent server-side apply.
#[derive(Debug, thiserror::Error)]
pub enum Day2ApplyError {
    /// The server refused the step (after retries when retryable); it was not applied.
    #[error(
        "step {index} ({step}) refused: {source}; applied before it: {applied:?}; fix the cause, then re-plan from the hub and apply again"
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

/// The OpsRequest reached a final phase.
fn ops_final() -> impl Condition<MariaDBOpsRequest> {
    |o: Option<&MariaDBOpsRequest>| {
        o.and_then(MariaDBOpsRequest::phase)
            .is_some_and(OpsRequestPhase::is_final)
    }
}

/// Watches the OpsRequest `name` (list then watch on its name, resumed with kube-runtime's
/// backoff) until [`ops_final`] holds, handing every phase change to `seen`; `None` when the
/// watch ends first.
async fn await_ops_final(
    api: Api<MariaDBOpsRequest>,
    name: &str,
    mut seen: impl FnMut(Option<OpsRequestPhase>),
) -> Option<MariaDBOpsRequest> {
    let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
    let stream = watcher(api, config).default_backoff().applied_objects();
    let mut stream = std::pin::pin!(stream);
    let mut last = None;
    while let Some(item) = stream.next().await {
        let Ok(ops) = item else { continue };
        let phase = ops.phase();
        if last != Some(phase) {
            last = Some(phase);
            seen(phase);
        }
        if ops_final().matches_object(Some(&ops)) {
            return Some(ops);
        }
    }
    None
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
    wsrep: Option<WsrepReader<'_>>,
    mut progress: impl FnMut(Progress),
) -> Result<Day2Report, Day2ApplyError> {
    let mut params = PatchParams::apply(&options.field_manager).force();
    params.dry_run = options.dry_run;
    let total = plan.steps.len();
    let mut report = Day2Report::default();
    let mut done: Vec<String> = Vec::new();
    for (i, step) in plan.steps.iter().enumerate() {
        let object = step.describe();
        let (resource, body) = resource_and_body(step);
        let name = body["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let namespace = body["metadata"]["namespace"].as_str().map(str::to_owned);
        progress(Progress::Applying {
            index: i + 1,
            total,
            object: object.clone(),
        });
        let target = Target {
            object: &object,
            resource: &resource,
            namespace: namespace.as_deref(),
            name: &name,
            body: &body,
        };
        let applied = apply_one(
            client,
            &target,
            &params,
            options,
            &mut report.retries,
            &mut progress,
        )
        .await
        .map_err(|(source, _attempts)| Day2ApplyError::Server {
            index: i + 1,
            step: object.clone(),
            applied: done.clone(),
            source,
        })?;
        progress(Progress::Applied {
            object: object.clone(),
            resource_version: applied.metadata.resource_version.clone(),
        });
        report.applied.push(applied);
        done.push(object.clone());
        let Some(timeout) = options.wait.filter(|_| !options.dry_run) else {
            continue;
        };
        let timed_out = |what: String| Day2ApplyError::Timeout {
            index: i + 1,
            step: object.clone(),
            what,
            timeout,
            applied: done.clone(),
        };
        match step {
            Day2Step::JoinSlice { slice, .. } => {
                for gate in gates(&PlanObject::SliceConfig((**slice).clone()), None) {
                    let condition = gate.describe();
                    progress(Progress::Waiting {
                        object: object.clone(),
                        condition: condition.clone(),
                    });
                    if !await_gate(client, &gate, timeout).await {
                        return Err(timed_out(condition));
                    }
                    progress(Progress::Satisfied {
                        object: object.clone(),
                        condition,
                    });
                }
            }
            Day2Step::Policy(_) => {}
            Day2Step::Scale { to, ops, .. } => {
                let ns = ops.metadata.namespace.clone().unwrap_or_default();
                let condition = "the OpsRequest's phase is final".to_owned();
                progress(Progress::Waiting {
                    object: object.clone(),
                    condition: condition.clone(),
                });
                let api: Api<MariaDBOpsRequest> = Api::namespaced(client.clone(), &ns);
                // KubeDB runs one OpsRequest per database; the others wait `Pending`
                // (simulated_clusters::ops has the upstream sources).
                let queued = |phase| {
                    if phase == Some(OpsRequestPhase::Pending) {
                        progress(Progress::Waiting {
                            object: object.clone(),
                            condition: format!(
                                "{condition}: Pending, queued behind another MariaDBOpsRequest for {ns}/{} (KubeDB runs one per database)",
                                ops.spec.database_ref.name
                            ),
                        });
                    }
                };
                let seen = tokio::time::timeout(timeout, await_ops_final(api, &name, queued))
                    .await
                    .ok()
                    .flatten();
                let Some(seen) = seen else {
                    return Err(timed_out(condition));
                };
                let phase = seen.phase().unwrap_or(OpsRequestPhase::Failed);
                if phase != OpsRequestPhase::Successful {
                    let conditions = seen
                        .status
                        .as_ref()
                        .and_then(|s| s.conditions.as_ref())
                        .map(|cs| {
                            cs.iter()
                                .map(|c| {
                                    format!(
                                        "{}={}: {}: {}",
                                        c.type_,
                                        c.status,
                                        c.reason.as_deref().unwrap_or_default(),
                                        c.message.as_deref().unwrap_or_default()
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    return Err(Day2ApplyError::OpsFailed {
                        index: i + 1,
                        step: object,
                        phase,
                        conditions,
                        applied: done,
                    });
                }
                progress(Progress::Satisfied {
                    object: object.clone(),
                    condition,
                });
                let db = &ops.spec.database_ref.name;
                let condition = format!("{to} pods Ready");
                progress(Progress::Waiting {
                    object: object.clone(),
                    condition: condition.clone(),
                });
                let ((rows, _), ok) =
                    watch_pods(client, &ns, db, timeout, pods_ready(*to as usize)).await;
                if !ok {
                    return Err(timed_out(condition));
                }
                progress(Progress::Satisfied {
                    object: object.clone(),
                    condition,
                });
                if let Some(read) = wsrep {
                    let condition = format!("wsrep_cluster_size={to} and every member Synced");
                    progress(Progress::Waiting {
                        object: object.clone(),
                        condition: condition.clone(),
                    });
                    let want = *to as u64;
                    let check = || {
                        let rows = rows.clone();
                        async move {
                            let status = read(rows).await;
                            let ok = status.len() as u64 == want
                                && status
                                    .values()
                                    .all(|s| member_synced(s) && s.cluster_size == Some(want));
                            if ok { Ok(()) } else { Err(()) }
                        }
                    };
                    let converged = tokio::time::timeout(
                        timeout,
                        check
                            .retry(options.retry_policy().with_max_times(usize::MAX))
                            .sleep(tokio::time::sleep),
                    )
                    .await;
                    if !matches!(converged, Ok(Ok(()))) {
                        return Err(timed_out(condition));
                    }
                    progress(Progress::Satisfied {
                        object: object.clone(),
                        condition,
                    });
                }
            }
        }
    }
    Ok(report)
}
