//! The one step runner of day 1 and day 2, in the manner of kube-runtime's `await_condition`
//! (`kube-rs/kube@5.0.0:kube-runtime/src/wait.rs`): apply a step's object with server-side
//! apply (retrying what [`ApplyOptions::retry_policy`] allows), then await each of its gates
//! ([`Gate`]: typed conditions, `conditions` says what they are, `watch` how they are awaited),
//! reporting [`Progress`] all along. `apply_plan` and `apply_day2` only build their steps and
//! word their errors.

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use kube::Client;
use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::core::ApiResource;
use kubedb_types::ops::v1alpha1::OpsRequestPhase;

use crate::conditions::Gate;
use crate::watch::{GateOutcome, await_gate};
use crate::wsrep::WsrepReader;

/// The field manager used unless told otherwise.
pub const FIELD_MANAGER: &str = "galera-deployer";

/// How to apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplyOptions {
    /// `fieldManager` of every apply.
    pub field_manager: String,
    /// Server-side dry-run (`dryRun=All`): the server validates and answers, stores nothing.
    pub dry_run: bool,
    /// Attempts per object (at least 1), see [`ApplyOptions::retry_policy`].
    pub attempts: u32,
    /// Delay before the first retry; doubled for each further one, see
    /// [`ApplyOptions::retry_policy`].
    pub backoff: Duration,
    /// How long to wait, after a step, for what the next steps depend on (the project
    /// namespace, a registered cluster, a healthy slice on every cluster; after a scale, the
    /// OpsRequest, the pods and Galera); `None` applies without waiting. Dry runs never wait.
    pub wait: Option<Duration>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            field_manager: FIELD_MANAGER.to_owned(),
            dry_run: false,
            attempts: 5,
            backoff: Duration::from_millis(200),
            wait: Some(Duration::from_secs(300)),
        }
    }
}

impl ApplyOptions {
    /// The retry policy of every write: [`backon`]'s exponential backoff (the crate kube-runtime's
    /// own watcher backoff is built on, `kube-rs/kube@5.0.0:kube-runtime/src/watcher.rs`), first
    /// delay [`backoff`](Self::backoff), doubled each time, no cap and no jitter (the delays
    /// reported in [`Progress::Retrying`] are the ones slept), at most
    /// [`attempts`](Self::attempts)` - 1` retries. Conflicts (409), throttling (429) and
    /// server errors (5xx) are retried; any other answer is final. Watches are not retried by
    /// it: they use kube-runtime's default watcher backoff.
    ///
    /// ```
    /// use std::time::Duration;
    /// use backon::BackoffBuilder;
    /// let options = deployer::ApplyOptions { attempts: 4, backoff: Duration::from_millis(200), ..Default::default() };
    /// let delays: Vec<Duration> = options.retry_policy().build().collect();
    /// assert_eq!(delays[0], Duration::from_millis(200));
    /// assert_eq!(delays.len(), 3);
    /// ```
    pub fn retry_policy(&self) -> ExponentialBuilder {
        ExponentialBuilder::new()
            .with_min_delay(self.backoff)
            .with_factor(2.0)
            .without_max_delay()
            .with_max_times(self.attempts.max(1) as usize - 1)
    }
}

/// What the apply is doing, for progress displays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// About to apply step `index` (1-based) of `total`.
    Applying {
        /// 1-based step number.
        index: usize,
        /// Number of steps.
        total: usize,
        /// `Kind/namespace/name`.
        object: String,
    },
    /// The server accepted the object.
    Applied {
        /// `Kind/namespace/name`.
        object: String,
        /// The `resourceVersion` the server answered with.
        resource_version: Option<String>,
    },
    /// A retryable answer; the apply waits `delay` and tries again.
    Retrying {
        /// `Kind/namespace/name`.
        object: String,
        /// The attempt that failed (1-based).
        attempt: u32,
        /// The HTTP status code.
        code: u16,
        /// How long it waits.
        delay: Duration,
    },
    /// Waiting (watch-based) for a condition the next steps depend on.
    Waiting {
        /// The step's object, `Kind/namespace/name`.
        object: String,
        /// What it waits for.
        condition: String,
    },
    /// The condition holds.
    Satisfied {
        /// The step's object.
        object: String,
        /// What held.
        condition: String,
    },
}

/// The HTTP status of an answer worth retrying: a conflict (409: another writer got in
/// between), throttling (429) or a server error (5xx); `None` for anything else, which is final.
pub(crate) fn retryable(e: &kube::Error) -> Option<u16> {
    match e {
        kube::Error::Api(s) if s.code == 409 || s.code == 429 || s.code >= 500 => Some(s.code),
        _ => None,
    }
}

/// One step: the object to server-side apply (how progress names it, its API resource,
/// where, the body) and the gates to await after it.
pub(crate) struct Step {
    pub(crate) object: String,
    pub(crate) resource: ApiResource,
    pub(crate) namespace: Option<String>,
    pub(crate) name: String,
    pub(crate) body: serde_json::Value,
    pub(crate) gates: Vec<Gate>,
}

/// Why the runner stopped at step `index` (1-based); the steps before it were applied.
pub(crate) enum StepError {
    /// The server refused the object after `attempts` attempts; it was not applied.
    Server {
        index: usize,
        attempts: u32,
        source: kube::Error,
    },
    /// The step was applied but `condition` did not hold within `timeout`.
    Timeout {
        index: usize,
        condition: String,
        timeout: Duration,
    },
    /// The step was applied and its OpsRequest ended in `phase`, with `conditions`.
    OpsFailed {
        index: usize,
        phase: OpsRequestPhase,
        conditions: Vec<String>,
    },
}

/// What the runner applied: each object as the server returned it, and the retries made.
#[derive(Default)]
pub(crate) struct Ran {
    pub(crate) applied: Vec<DynamicObject>,
    pub(crate) retries: u32,
}

/// Applies `steps` in order and awaits each one's gates (not in a dry run, nor without
/// `options.wait`); `wsrep` reads the members' status for [`Gate::WsrepConverged`] (skipped
/// without it). Stops at the first step that fails, with what was applied before.
pub(crate) async fn run(
    client: &Client,
    steps: &[Step],
    options: &ApplyOptions,
    wsrep: Option<&dyn WsrepReader>,
    progress: &mut impl FnMut(Progress),
) -> Result<Ran, (StepError, Ran)> {
    let mut params = PatchParams::apply(&options.field_manager).force();
    params.dry_run = options.dry_run;
    let total = steps.len();
    let mut ran = Ran::default();
    for (i, step) in steps.iter().enumerate() {
        let index = i + 1;
        let object = step.object.clone();
        progress(Progress::Applying {
            index,
            total,
            object: object.clone(),
        });
        tracing::info!(%object, dry_run = options.dry_run, "server-side apply");
        let applied =
            match apply_one(client, step, &params, options, &mut ran.retries, progress).await {
                Ok(applied) => applied,
                Err((source, attempts)) => {
                    return Err((
                        StepError::Server {
                            index,
                            attempts,
                            source,
                        },
                        ran,
                    ));
                }
            };
        progress(Progress::Applied {
            object: object.clone(),
            resource_version: applied.metadata.resource_version.clone(),
        });
        ran.applied.push(applied);
        let Some(timeout) = options.wait.filter(|_| !options.dry_run) else {
            continue;
        };
        for gate in &step.gates {
            if matches!(gate, Gate::WsrepConverged { .. }) && wsrep.is_none() {
                continue;
            }
            let condition = gate.describe();
            progress(Progress::Waiting {
                object: object.clone(),
                condition: condition.clone(),
            });
            tracing::info!(%object, %condition, "waiting");
            let mut note = |text: String| {
                progress(Progress::Waiting {
                    object: object.clone(),
                    condition: format!("{condition}: {text}"),
                })
            };
            let retry = options.retry_policy().with_max_times(usize::MAX);
            match await_gate(client, gate, timeout, wsrep, retry, &mut note).await {
                GateOutcome::Held => progress(Progress::Satisfied {
                    object: object.clone(),
                    condition,
                }),
                GateOutcome::NotInTime => {
                    return Err((
                        StepError::Timeout {
                            index,
                            condition,
                            timeout,
                        },
                        ran,
                    ));
                }
                GateOutcome::OpsFailed { phase, conditions } => {
                    return Err((
                        StepError::OpsFailed {
                            index,
                            phase,
                            conditions,
                        },
                        ran,
                    ));
                }
            }
        }
    }
    Ok(ran)
}

/// Server-side applies one object with [`ApplyOptions::retry_policy`], retrying what
/// [`retryable`] allows and reporting each retry as [`Progress::Retrying`] (counted in
/// `retries`). The error comes with the number of attempts made.
async fn apply_one(
    client: &Client,
    step: &Step,
    params: &PatchParams,
    options: &ApplyOptions,
    retries: &mut u32,
    progress: &mut impl FnMut(Progress),
) -> Result<DynamicObject, (kube::Error, u32)> {
    let api: Api<DynamicObject> = match step.namespace.as_deref() {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &step.resource),
        None => Api::all_with(client.clone(), &step.resource),
    };
    let patch = Patch::Apply(&step.body);
    let mut attempt = 1;
    let object = step.object.as_str();
    (|| api.patch(&step.name, params, &patch))
        .retry(options.retry_policy())
        .sleep(tokio::time::sleep)
        .when(|e| retryable(e).is_some())
        .notify(|e, delay| {
            let code = retryable(e).unwrap_or_default();
            tracing::warn!(%object, code, ?delay, "retrying");
            progress(Progress::Retrying {
                object: object.to_owned(),
                attempt,
                code,
                delay,
            });
            *retries += 1;
            attempt += 1;
        })
        .await
        .map_err(|e| (e, attempt))
}
