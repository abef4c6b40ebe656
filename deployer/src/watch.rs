//! The kube edge's watches: the MariaDB's phase, the pod table fed by the pod ManifestWorks,
//! and the conditions between apply steps. List then watch, resumed after dropped watches;
//! no polling. What they wait for is in the `conditions` module, the decoding in `pod_table`.

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use futures::StreamExt;
use k8s_openapi::api::core::v1::Namespace;
use kube::core::NamespaceResourceScope;
use kube::runtime::wait::{self, Condition, await_condition};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client, Resource};
use kubedb_types::kubedb::v1::{DatabasePhase, MariaDB};
use kubedb_types::ops::v1alpha1::{MariaDBOpsRequest, OpsRequestPhase};
use kubeslice_types::controller::v1alpha1::Cluster;
use kubeslice_types::worker::v1alpha1::WorkerSliceConfig;
use ocm_types::work::v1::ManifestWork;
use serde::de::DeserializeOwned;

use crate::conditions::{
    Gate, cluster_registered, mariadb_phase, namespace_exists, ops_request_final, phase,
    slice_healthy,
};
use crate::findings::Finding;
use crate::pod_table::{PodRow, pod_table, pod_work_selector, pods_ready};
use crate::wsrep::WsrepReader;

/// How awaiting a gate ended.
pub(crate) enum GateOutcome {
    /// It holds.
    Held,
    /// It did not hold in time (or the watch failed).
    NotInTime,
    /// The OpsRequest ended in another final phase than `Successful`.
    OpsFailed {
        /// The final phase.
        phase: OpsRequestPhase,
        /// `type=status: reason: message` of each of its conditions.
        conditions: Vec<String>,
    },
}

impl From<bool> for GateOutcome {
    fn from(held: bool) -> Self {
        if held {
            GateOutcome::Held
        } else {
            GateOutcome::NotInTime
        }
    }
}

/// Awaits `gate` for at most `timeout`: the object gates with kube-runtime's
/// [`await_condition`], the OpsRequest and the pod table with watches, Galera's convergence by
/// asking `wsrep` with `retry`'s delays. `note` hears what is worth telling while waiting (an
/// OpsRequest queued `Pending` behind another of the database).
pub(crate) async fn await_gate(
    client: &Client,
    gate: &Gate,
    timeout: Duration,
    wsrep: Option<&dyn WsrepReader>,
    retry: ExponentialBuilder,
    note: &mut impl FnMut(String),
) -> GateOutcome {
    match gate {
        Gate::NamespaceExists { name } => {
            let api = Api::<Namespace>::all(client.clone());
            within(timeout, api, name, namespace_exists()).await.into()
        }
        Gate::ClusterRegistered { namespace, name } => {
            let api = api::<Cluster>(client, namespace.as_deref());
            within(timeout, api, name, cluster_registered())
                .await
                .into()
        }
        Gate::SliceHealthy { namespace, name } => {
            let api = api::<WorkerSliceConfig>(client, namespace.as_deref());
            within(timeout, api, name, slice_healthy()).await.into()
        }
        Gate::OpsRequestSucceeded {
            namespace,
            name,
            database,
        } => {
            let api: Api<MariaDBOpsRequest> = Api::namespaced(client.clone(), namespace);
            // KubeDB runs one OpsRequest per database; the others wait `Pending`
            // (simulated_clusters::ops has the upstream sources).
            let queued = |phase| {
                if phase == Some(OpsRequestPhase::Pending) {
                    note(format!(
                        "Pending, queued behind another MariaDBOpsRequest for {namespace}/{database} (KubeDB runs one per database)"
                    ));
                }
            };
            let seen = tokio::time::timeout(timeout, await_ops_final(api, name, queued))
                .await
                .ok()
                .flatten();
            let Some(seen) = seen else {
                return GateOutcome::NotInTime;
            };
            match seen.phase().unwrap_or(OpsRequestPhase::Failed) {
                OpsRequestPhase::Successful => GateOutcome::Held,
                phase => GateOutcome::OpsFailed {
                    phase,
                    conditions: seen
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
                        .unwrap_or_default(),
                },
            }
        }
        Gate::PodsReady {
            namespace,
            database,
            count,
        } => {
            let (_, ok) = watch_pods(
                client,
                namespace,
                database,
                timeout,
                pods_ready(*count as usize),
            )
            .await;
            ok.into()
        }
        Gate::WsrepConverged {
            namespace,
            database,
            count,
        } => {
            let Some(read) = wsrep else {
                return GateOutcome::Held;
            };
            let want = u64::from(*count);
            let check = || async {
                let (rows, _) = list_pods(client, namespace, database)
                    .await
                    .map_err(|_| ())?;
                let status = read.read(&rows).await;
                let converged = status.len() as u64 == want
                    && status
                        .values()
                        .all(|s| s.is_synced_primary_member() && s.cluster_size == Some(want));
                if converged { Ok(()) } else { Err(()) }
            };
            let converged =
                tokio::time::timeout(timeout, check.retry(retry).sleep(tokio::time::sleep)).await;
            matches!(converged, Ok(Ok(()))).into()
        }
    }
}

/// Watches the OpsRequest `name` (list then watch on its name, resumed with kube-runtime's
/// backoff) until [`ops_request_final`] holds, handing every phase change to `seen`; `None`
/// when the watch ends first.
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
        if ops_request_final().matches_object(Some(&ops)) {
            return Some(ops);
        }
    }
    None
}

/// The namespaced kind `K` in `namespace`, or in every namespace when `None`.
fn api<K>(client: &Client, namespace: Option<&str>) -> Api<K>
where
    K: Resource<DynamicType = (), Scope = NamespaceResourceScope>,
{
    match namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    }
}

async fn within<K>(timeout: Duration, api: Api<K>, name: &str, condition: impl Condition<K>) -> bool
where
    K: Clone + std::fmt::Debug + Send + DeserializeOwned + Resource + 'static,
{
    let watch = await_condition(api, name, condition);
    matches!(
        tokio::time::timeout(timeout, watch).await,
        Ok(Ok::<_, wait::Error>(_))
    )
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
/// retrying errors with kube-runtime's default backoff) until [`mariadb_phase`]`(wanted)`
/// holds, reporting every phase change; no polling.
pub async fn wait_for_phase(
    client: &Client,
    namespace: &str,
    name: &str,
    wanted: DatabasePhase,
    timeout: Duration,
    mut progress: impl FnMut(PhaseSeen),
) -> Result<MariaDB, WaitError> {
    let object = format!("{namespace}/{name}");
    let reached = mariadb_phase(wanted);
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
            let phase = phase(Some(&db));
            if last != Some(phase) {
                last = Some(phase);
                progress(PhaseSeen {
                    object: object.clone(),
                    phase,
                });
            }
            if reached.matches_object(Some(&db)) {
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

/// Lists the hub's pod ManifestWorks of the MariaDB `namespace/name` once (KubeDB's selector
/// labels and the `pod` role) and decodes them into the pod table ([`pod_table`]), as
/// [`watch_pods`] does on every change. Errors: the list's.
pub(crate) async fn list_pods(
    client: &Client,
    namespace: &str,
    name: &str,
) -> Result<(Vec<PodRow>, Vec<Finding>), kube::Error> {
    let params = kube::api::ListParams::default().labels_from(&pod_work_selector(namespace, name));
    let works = Api::<ManifestWork>::all(client.clone())
        .list(&params)
        .await?;
    Ok(pod_table(&works.items))
}

/// Watches the hub's pod ManifestWorks of the MariaDB `namespace/name` (list then watch,
/// resumed after dropped watches) and hands the decoded pod table to `seen` after every
/// change, until `seen` returns true or `timeout` passes. A list (the first, or a relist
/// after a dropped watch) is handed over only once complete. Returns the last table, and whether
/// `seen` was satisfied.
pub async fn watch_pods(
    client: &Client,
    namespace: &str,
    name: &str,
    timeout: Duration,
    mut seen: impl FnMut(&[PodRow], &[Finding]) -> bool,
) -> ((Vec<PodRow>, Vec<Finding>), bool) {
    let api: Api<ManifestWork> = Api::all(client.clone());
    let config = watcher::Config::default().labels_from(&pod_work_selector(namespace, name));
    type Works = std::collections::BTreeMap<(String, String), ManifestWork>;
    let mut works = Works::new();
    // A (re)list in progress: its objects, swapped in whole when it is done, so `seen` never
    // judges a partial list (a first list, or a relist after a dropped watch).
    let mut listing: Option<Works> = None;
    let mut last = (Vec::new(), Vec::new());
    let watch = async {
        let stream = watcher(api, config).default_backoff();
        let mut stream = std::pin::pin!(stream);
        while let Some(event) = stream.next().await {
            let key = |w: &ManifestWork| {
                (
                    w.metadata.namespace.clone().unwrap_or_default(),
                    w.metadata.name.clone().unwrap_or_default(),
                )
            };
            match event {
                Ok(watcher::Event::Init) => {
                    listing = Some(Works::new());
                    continue;
                }
                Ok(watcher::Event::InitApply(w)) => {
                    listing.get_or_insert_with(Works::new).insert(key(&w), w);
                    continue;
                }
                Ok(watcher::Event::InitDone) => {
                    works = listing.take().unwrap_or_default();
                }
                Ok(watcher::Event::Apply(w)) => {
                    works.insert(key(&w), w);
                }
                Ok(watcher::Event::Delete(w)) => {
                    works.remove(&key(&w));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "pod ManifestWork watch error; retrying");
                    continue;
                }
            }
            let all: Vec<ManifestWork> = works.values().cloned().collect();
            last = pod_table(&all);
            if seen(&last.0, &last.1) {
                return true;
            }
        }
        false
    };
    let done = tokio::time::timeout(timeout, watch).await.unwrap_or(false);
    (last, done)
}
