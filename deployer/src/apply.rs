//! Applying a plan to the hub: server-side apply of every step's object, in order, with a
//! field manager and force, optional server-side dry-run, and retries with backoff on
//! conflicts, throttling and server errors ([`ApplyOptions::retry_policy`]). Every object is
//! checked before the first write, so bad input writes nothing. Between steps it waits for
//! what the next steps depend on (`conditions::gates`).

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::core::ApiResource;
use kube::{Client, Resource};

use crate::conditions::gates;
use crate::plan::{Plan, PlanObject};
use crate::watch::await_gate;

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
    /// namespace, a registered cluster, a healthy slice on every cluster); `None` applies
    /// without waiting. Dry runs never wait.
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
        "step {index} ({object}) failed after {attempts} attempt(s): {source}; {}",
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

/// The HTTP status of an answer worth retrying: a conflict (409: another writer got in
/// between), throttling (429) or a server error (5xx); `None` for anything else, which is final.
pub(crate) fn retryable(e: &kube::Error) -> Option<u16> {
    match e {
        kube::Error::Api(s) if s.code == 409 || s.code == 429 || s.code >= 500 => Some(s.code),
        _ => None,
    }
}

/// One object to server-side apply: how it is named in progress, its API resource, where,
/// and the body.
pub(crate) struct Target<'a> {
    pub(crate) object: &'a str,
    pub(crate) resource: &'a ApiResource,
    pub(crate) namespace: Option<&'a str>,
    pub(crate) name: &'a str,
    pub(crate) body: &'a serde_json::Value,
}

/// Server-side applies one object with [`ApplyOptions::retry_policy`], retrying what
/// [`retryable`] allows and reporting each retry as [`Progress::Retrying`] (counted in
/// `retries`). The error comes with the number of attempts made. The one apply loop of
/// [`apply_plan`] and `apply_day2`.
pub(crate) async fn apply_one(
    client: &Client,
    target: &Target<'_>,
    params: &PatchParams,
    options: &ApplyOptions,
    retries: &mut u32,
    progress: &mut impl FnMut(Progress),
) -> Result<DynamicObject, (kube::Error, u32)> {
    let api: Api<DynamicObject> = match target.namespace {
        Some(ns) => Api::namespaced_with(client.clone(), ns, target.resource),
        None => Api::all_with(client.clone(), target.resource),
    };
    let patch = Patch::Apply(target.body);
    let mut attempt = 1;
    let object = target.object;
    (|| api.patch(target.name, params, &patch))
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

/// Applies `plan`'s steps in order with server-side apply (`force`), reporting progress.
pub async fn apply_plan(
    client: &Client,
    plan: &Plan,
    options: &ApplyOptions,
    mut progress: impl FnMut(Progress),
) -> Result<ApplyReport, ApplyError> {
    // Check everything before the first write.
    let mut work = Vec::with_capacity(plan.steps.len());
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
        let namespace = body["metadata"]["namespace"].as_str().map(str::to_owned);
        work.push((object, step.object.api_resource(), namespace, name, body));
    }
    // The hub: where the MariaDB goes.
    let hub = plan
        .steps
        .iter()
        .find(|s| matches!(s.object, PlanObject::MariaDB(_)))
        .map(|s| s.context.clone());
    let mut params = PatchParams::apply(&options.field_manager).force();
    params.dry_run = options.dry_run;
    let total = work.len();
    let mut report = ApplyReport::default();
    for (i, (object, resource, namespace, name, body)) in work.into_iter().enumerate() {
        progress(Progress::Applying {
            index: i + 1,
            total,
            object: object.clone(),
        });
        tracing::info!(%object, dry_run = options.dry_run, "server-side apply");
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
        .map_err(|(source, attempts)| ApplyError::Server {
            index: i + 1,
            object: object.clone(),
            attempts,
            applied: i,
            dry_run: options.dry_run,
            source,
        })?;
        progress(Progress::Applied {
            object: object.clone(),
            resource_version: applied.metadata.resource_version.clone(),
        });
        if let Some(timeout) = options.wait.filter(|_| !options.dry_run) {
            for gate in gates(&plan.steps[i].object, hub.as_deref()) {
                let condition = gate.describe();
                progress(Progress::Waiting {
                    object: object.clone(),
                    condition: condition.clone(),
                });
                tracing::info!(%object, %condition, "waiting");
                if !await_gate(client, &gate, timeout).await {
                    return Err(StepTimeout {
                        index: i + 1,
                        object,
                        condition,
                        timeout,
                    }
                    .into());
                }
                progress(Progress::Satisfied {
                    object: object.clone(),
                    condition,
                });
            }
        }
        report.applied.push(applied);
    }
    Ok(report)
}
