//! Applying a plan to the hub: server-side apply of every step's object, in order, with a
//! field manager and force, optional server-side dry-run, and retries with backoff on
//! conflicts, throttling and server errors. Every object is checked before the first write,
//! so bad input writes nothing.

use std::time::Duration;

use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::core::ApiResource;
use kube::{Client, Resource};

use kubedb_types::kubedb::v1::{DatabasePhase, MariaDB};

use crate::{Plan, PlanObject};

/// The field manager used unless told otherwise.
pub const FIELD_MANAGER: &str = "galera-deployer";

/// How to apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplyOptions {
    /// `fieldManager` of every apply.
    pub field_manager: String,
    /// Server-side dry-run (`dryRun=All`): the server validates and answers, stores nothing.
    pub dry_run: bool,
    /// Attempts per object (at least 1).
    pub attempts: u32,
    /// Delay before the first retry; doubled for each further one.
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

fn retryable(e: &kube::Error) -> Option<u16> {
    match e {
        kube::Error::Api(s) if s.code == 409 || s.code == 429 || s.code >= 500 => Some(s.code),
        _ => None,
    }
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
        let api: Api<DynamicObject> = match &namespace {
            Some(ns) => Api::namespaced_with(client.clone(), ns, &resource),
            None => Api::all_with(client.clone(), &resource),
        };
        let mut attempt = 0;
        let applied = loop {
            attempt += 1;
            match api.patch(&name, &params, &Patch::Apply(&body)).await {
                Ok(o) => break o,
                Err(e) => match retryable(&e) {
                    Some(code) if attempt < options.attempts.max(1) => {
                        let delay = options.backoff * 2u32.saturating_pow(attempt - 1);
                        tracing::warn!(%object, code, ?delay, "retrying");
                        progress(Progress::Retrying {
                            object: object.clone(),
                            attempt,
                            code,
                            delay,
                        });
                        report.retries += 1;
                        tokio::time::sleep(delay).await;
                    }
                    _ => {
                        return Err(ApplyError::Server {
                            index: i + 1,
                            object,
                            attempts: attempt,
                            applied: i,
                            dry_run: options.dry_run,
                            source: e,
                        });
                    }
                },
            }
        };
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
                if !gate.wait(client, timeout).await {
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

/// A condition on one object that later steps depend on.
struct Gate {
    resource: ApiResource,
    namespace: Option<String>,
    name: String,
    /// JSON path segments and the value they must have (`None`: the object exists).
    field: Option<(&'static [&'static str], &'static str)>,
}

impl Gate {
    fn describe(&self) -> String {
        let object = match &self.namespace {
            Some(ns) => format!("{}/{ns}/{}", self.resource.kind, self.name),
            None => format!("{}/{}", self.resource.kind, self.name),
        };
        match self.field {
            None => format!("{object} exists"),
            Some((path, value)) => format!("{object} {}={value}", path.join(".")),
        }
    }

    /// Watches the object until the condition holds; false on timeout.
    async fn wait(&self, client: &Client, timeout: Duration) -> bool {
        let api: Api<DynamicObject> = match &self.namespace {
            Some(ns) => Api::namespaced_with(client.clone(), ns, &self.resource),
            None => Api::all_with(client.clone(), &self.resource),
        };
        let field = self.field;
        let holds = move |o: Option<&DynamicObject>| match (o, field) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(o), Some((path, value))) => {
                path.iter()
                    .try_fold(&o.data, |v, k| v.get(k))
                    .and_then(serde_json::Value::as_str)
                    == Some(value)
            }
        };
        let watch = kube::runtime::wait::await_condition(api, &self.name, holds);
        matches!(tokio::time::timeout(timeout, watch).await, Ok(Ok(_)))
    }
}

/// What must hold after applying `object` before the next step, `hub` being the cluster the
/// database is created on.
fn gates(object: &PlanObject, hub: Option<&str>) -> Vec<Gate> {
    use kubeslice_types::worker::v1alpha1::WorkerSliceConfig;
    match object {
        PlanObject::Project(p) => vec![Gate {
            resource: ApiResource::erase::<k8s_openapi::api::core::v1::Namespace>(&()),
            namespace: None,
            name: crate::project_namespace(p.metadata.name.as_deref().unwrap_or_default()),
            field: None,
        }],
        PlanObject::Cluster(c) => vec![Gate {
            resource: object.api_resource(),
            namespace: c.metadata.namespace.clone(),
            name: c.metadata.name.clone().unwrap_or_default(),
            field: Some((&["status", "registrationStatus"], "Registered")),
        }],
        PlanObject::SliceConfig(s) => {
            let slice = s.metadata.name.clone().unwrap_or_default();
            let workers = s.spec.clusters().iter().map(|cluster| Gate {
                resource: ApiResource::erase::<WorkerSliceConfig>(&()),
                namespace: s.metadata.namespace.clone(),
                name: crate::worker_slice_config_name(&slice, cluster),
                field: Some((&["status", "sliceHealth", "sliceHealthStatus"], "Normal")),
            });
            // When the hub is in the slice, its KubeSlice worker creates the application
            // namespaces the database goes into.
            let namespaces = hub
                .map(|h| s.spec.application_namespaces_on(h))
                .unwrap_or_default()
                .into_iter()
                .map(|ns| Gate {
                    resource: ApiResource::erase::<k8s_openapi::api::core::v1::Namespace>(&()),
                    namespace: None,
                    name: ns.to_owned(),
                    field: None,
                });
            workers.chain(namespaces).collect()
        }
        PlanObject::PlacementPolicy(_) | PlanObject::MariaDB(_) => Vec::new(),
    }
}

/// Why waiting for the database stopped.
#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    /// The phase did not arrive in time.
    #[error(
        "MariaDB {object} did not reach phase {wanted:?} within {timeout:?} (last phase: {last:?}, last watch error: {last_error:?}); check the MariaDB conditions and the pod table (pod_table) for the cluster that lags"
    )]
    Timeout {
        /// `namespace/name`.
        object: String,
        /// The phase waited for.
        wanted: DatabasePhase,
        /// The time allowed.
        timeout: Duration,
        /// The last phase seen, if any.
        last: Option<DatabasePhase>,
        /// The last watch error (the watch is retried with backoff until the deadline).
        last_error: Option<String>,
    },
}

/// Progress while waiting: each phase change of the watched MariaDB.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhaseSeen {
    /// `namespace/name`.
    pub object: String,
    /// The phase now (`None` before the operator set one).
    pub phase: Option<DatabasePhase>,
}

/// Watches the MariaDB `namespace/name` (list then watch, resuming after dropped watches and
/// retrying errors with backoff) until its `status.phase` is `wanted`, reporting every phase change; no polling.
pub async fn wait_for_phase(
    client: &Client,
    namespace: &str,
    name: &str,
    wanted: DatabasePhase,
    timeout: Duration,
    mut progress: impl FnMut(PhaseSeen),
) -> Result<MariaDB, WaitError> {
    use futures::StreamExt;
    use kube::runtime::{WatchStreamExt, watcher};

    let object = format!("{namespace}/{name}");
    let api: Api<MariaDB> = Api::namespaced(client.clone(), namespace);
    let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
    let mut last: Option<Option<DatabasePhase>> = None;
    let mut last_error = None;
    let watch = async {
        let stream = watcher(api, config).default_backoff().applied_objects();
        let mut stream = std::pin::pin!(stream);
        while let Some(item) = stream.next().await {
            let db = match item {
                Ok(db) => db,
                Err(e) => {
                    tracing::warn!(%object, error = %e, "watch error; retrying");
                    last_error = Some(e.to_string());
                    continue;
                }
            };
            let phase = db.status.as_ref().and_then(|s| s.phase);
            if last != Some(phase) {
                last = Some(phase);
                progress(PhaseSeen {
                    object: object.clone(),
                    phase,
                });
            }
            if phase == Some(wanted) {
                return Some(db);
            }
        }
        None
    };
    match tokio::time::timeout(timeout, watch).await {
        Ok(Some(db)) => Ok(db),
        _ => Err(WaitError::Timeout {
            object,
            wanted,
            timeout,
            last: last.flatten(),
            last_error,
        }),
    }
}
