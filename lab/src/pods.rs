//! [`LabPods`]: the simulated clusters' pod seam ([`simulated_clusters::PodRuntime`]) over a
//! [`Lab`], so a [`simulated_clusters::World`] runs its pods as real MariaDB Galera servers.
//!
//! The adapter sees only what a pod's own start script sees: the Pod manifest (the
//! `mariadb` container's `CLUSTER_NAME` and `WSREP_SST_METHOD`, its image, its namespace),
//! the set's size (its peers are `<set>-0` ... on the slice) and the overlay address the lab
//! gave it. From those it builds the pod's `galera.cnf` with the deployer's own
//! [`deployer::GaleraConfig::render`], as KubeDB's init script writes it
//! (`kubedb/mariadb-init-docker@0.8.0:scripts/run.sh`); it never reads the deployer's plan.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use deployer::GaleraConfig;
use kubedb_types::kubedb::v1::WsrepSstMethod;
use serde_json::Value;
use simulated_clusters::{PodError, PodRuntime, PodState, ScheduledPod};

use crate::error::LabError;
use crate::lab::{Lab, SliceSpec};
use crate::server::is_ready;

impl SliceSpec {
    /// The slice of a deployer plan: its SliceConfig's `sliceSubnet`, `maxClusters` and
    /// `clusters` (in that order: the order picks each cluster's subnet). `None` when the plan
    /// has no SliceConfig, or it lacks one of the three (KubeSlice's webhook requires them).
    ///
    /// # Errors
    /// [`LabError::SliceSubnet`] when the subnet is not an IPv4 CIDR.
    pub fn of_plan(plan: &deployer::Plan) -> Result<Option<SliceSpec>, LabError> {
        let spec = plan.steps.iter().find_map(|s| match &s.object {
            deployer::PlanObject::SliceConfig(c) => Some(&c.spec),
            _ => None,
        });
        let Some(spec) = spec else { return Ok(None) };
        match (&spec.slice_subnet, spec.max_clusters, &spec.clusters) {
            (Some(subnet), Some(max), Some(clusters)) => {
                SliceSpec::new(subnet, max, clusters.iter().cloned()).map(Some)
            }
            _ => Ok(None),
        }
    }
}

/// How long a cached status answers [`PodRuntime::state`]: the world asks for every pod's
/// state several times per hub change, and each fresh read runs the `mariadb` client.
const STATE_TTL: Duration = Duration::from_millis(300);

/// The kubelet's default grace period (`terminationGracePeriodSeconds`, 30 s,
/// `kubernetes/kubernetes@v1.34.0:pkg/apis/core/types.go`).
const DEFAULT_GRACE: Duration = Duration::from_secs(30);

/// A pod as the adapter knows it.
#[derive(Clone, Debug)]
struct Known {
    name: String,
    cluster: String,
    grace: Duration,
    cnf: Option<String>,
}

/// The pods of one database as real servers of a [`Lab`]: each pod the world places gets an
/// overlay address of its cluster's subnet ([`Lab::add_pod`], answering to its slice DNS name
/// `deployer::pod_slice_address`; a cluster the lab does not have yet, one that joined the
/// slice and the hub after the lab was built, is added first with [`Lab::add_cluster`], so
/// its subnet is the next block of the slice), and each start runs `mariadbd` with the `galera.cnf` built
/// from the pod's manifest and waits (bounded by [`LabPods::ready_timeout`]) until it is
/// ready (`wsrep_ready=ON`, Synced), so the world reports it Ready on its next reaction.
///
/// The world calls it while holding its own state: every call blocks for at most the ready
/// timeout (a start) or the pod's grace period (a stop). Run the world on a multi-threaded
/// Tokio runtime.
///
/// Partitions are cut at the clusters' gateways ([`Lab::partition`]): the group with the most
/// clusters keeps its links and every other group's clusters are cut off the slice (exact
/// when every other group is one cluster; pods of one cluster cannot be split).
pub struct LabPods {
    lab: Arc<Lab>,
    pods: BTreeMap<usize, Known>,
    cache: Mutex<BTreeMap<usize, (Instant, PodState)>>,
    /// How long a start waits for the pod to be ready (default 120 s).
    pub ready_timeout: Duration,
}

impl std::fmt::Debug for LabPods {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LabPods")
            .field("lab", &self.lab)
            .field("pods", &self.pods)
            .finish()
    }
}

impl LabPods {
    /// An adapter over `lab` (shared: the caller keeps reading the servers through it).
    pub fn new(lab: Arc<Lab>) -> LabPods {
        LabPods {
            lab,
            pods: BTreeMap::new(),
            cache: Mutex::new(BTreeMap::new()),
            ready_timeout: Duration::from_secs(120),
        }
    }

    /// The lab.
    pub fn lab(&self) -> &Arc<Lab> {
        &self.lab
    }

    /// The `galera.cnf` the pod's last start used (placeholders not yet filled), if it started.
    pub fn galera_cnf(&self, ordinal: usize) -> Option<&str> {
        self.pods.get(&ordinal).and_then(|p| p.cnf.as_deref())
    }

    fn cache(&self) -> MutexGuard<'_, BTreeMap<usize, (Instant, PodState)>> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn forget(&self) {
        self.cache().clear();
    }

    fn name(&self, ordinal: usize) -> Option<&str> {
        self.pods.get(&ordinal).map(|p| p.name.as_str())
    }
}

fn err(pod: usize, reason: impl std::fmt::Display) -> PodError {
    PodError {
        pod,
        reason: reason.to_string(),
    }
}

/// The database container of a Pod manifest: the one named `mariadb` (KubeDB's
/// `kubedb.MariaDBContainerName`, `apimachinery@v0.57.0:apis/kubedb/constants.go`).
fn database_container(manifest: &Value) -> Option<&Value> {
    manifest["spec"]["containers"]
        .as_array()?
        .iter()
        .find(|c| c["name"] == "mariadb")
}

fn env_value<'a>(container: &'a Value, name: &str) -> Option<&'a str> {
    container["env"]
        .as_array()?
        .iter()
        .find(|e| e["name"] == name)?["value"]
        .as_str()
}

/// The option-file section for the image's MariaDB major version: `[mariadbd]` from 11 on,
/// `[mysqld]` before and when the image names no version (the deployer's rule for the same
/// choice, `deployer::GaleraConfig::section`).
fn section_of(image: Option<&str>) -> &'static str {
    let major = image
        .and_then(|i| i.rsplit_once(':'))
        .and_then(|(_, tag)| tag.split('.').next())
        .and_then(|m| m.parse::<u32>().ok())
        .unwrap_or(0);
    if major >= 11 {
        "[mariadbd]"
    } else {
        "[mysqld]"
    }
}

/// The pod's Galera settings from its manifest and its set's size, as its init script
/// derives them.
fn galera_config(pod: &ScheduledPod<'_>) -> Result<GaleraConfig, PodError> {
    let o = pod.ordinal;
    let m = pod.manifest;
    let container = database_container(m)
        .ok_or_else(|| err(o, "the Pod manifest has no container named `mariadb`"))?;
    let cluster_name = env_value(container, "CLUSTER_NAME")
        .ok_or_else(|| err(o, "the `mariadb` container has no CLUSTER_NAME env"))?;
    let sst = env_value(container, "WSREP_SST_METHOD").unwrap_or("rsync");
    let sst_method: WsrepSstMethod = serde_json::from_value(Value::from(sst)).map_err(|_| {
        err(
            o,
            format!("WSREP_SST_METHOD {sst:?} is neither `rsync` nor `mariabackup`"),
        )
    })?;
    let namespace = m["metadata"]["namespace"]
        .as_str()
        .ok_or_else(|| err(o, "the Pod manifest has no metadata.namespace"))?;
    let (set, _) = pod
        .name
        .rsplit_once('-')
        .ok_or_else(|| err(o, format!("pod name {:?} is not <set>-<ordinal>", pod.name)))?;
    if pod.replicas == 0 {
        return Err(err(
            o,
            format!("PetSet {namespace}/{set} not found on the hub"),
        ));
    }
    let peers: Arc<[String]> = (0..pod.replicas)
        .map(|i| deployer::pod_slice_address(set, namespace, &format!("{set}-{i}")))
        .collect();
    Ok(GaleraConfig {
        pod: pod.name.to_owned(),
        cluster: pod.cluster.to_owned(),
        section: section_of(container["image"].as_str()),
        cluster_name: cluster_name.to_owned(),
        peers,
        sst_method,
    })
}

impl PodRuntime for LabPods {
    fn pod_ip(
        &mut self,
        ordinal: usize,
        name: &str,
        cluster: &str,
        _cluster_index: usize,
        manifest: &Value,
    ) -> Result<String, PodError> {
        if let Ok(info) = self.lab.pod(name) {
            return Ok(info.address.to_string());
        }
        if self.lab.cluster(cluster).is_err() {
            // A cluster that joined the slice after the lab was built (a day-2 join): the
            // lab learns of it from its work agent's first pod.
            self.lab.add_cluster(cluster).map_err(|e| err(ordinal, e))?;
        }
        let namespace = manifest["metadata"]["namespace"].as_str().unwrap_or("");
        let set = name.rsplit_once('-').map_or(name, |(s, _)| s);
        let names = [deployer::pod_slice_address(set, namespace, name)];
        let address = self
            .lab
            .add_pod(cluster, name, &names)
            .map_err(|e| err(ordinal, e))?;
        let grace = manifest["spec"]["terminationGracePeriodSeconds"]
            .as_u64()
            .map_or(DEFAULT_GRACE, Duration::from_secs);
        self.pods.insert(
            ordinal,
            Known {
                name: name.to_owned(),
                cluster: cluster.to_owned(),
                grace,
                cnf: None,
            },
        );
        Ok(address.to_string())
    }

    fn start(&mut self, pod: ScheduledPod<'_>, bootstrap: bool) -> Result<(), PodError> {
        let o = pod.ordinal;
        if !self.pods.contains_key(&o) {
            self.pod_ip(o, pod.name, pod.cluster, 0, pod.manifest)?;
        }
        let cnf = galera_config(&pod)?.render();
        self.forget();
        let lab = &self.lab;
        if bootstrap
            && lab
                .pod(pod.name)
                .is_ok_and(|p| p.data_dir().join("grastate.dat").exists())
        {
            // The world bootstraps only when no other pod of the database runs: the chosen
            // node, as KubeDB's `after-crash-bootstrap.sh` marks it.
            lab.mark_safe_to_bootstrap(pod.name)
                .map_err(|e| err(o, e))?;
        }
        lab.start(pod.name, &cnf, bootstrap)
            .map_err(|e| err(o, e))?;
        if let Some(k) = self.pods.get_mut(&o) {
            k.cnf = Some(cnf);
        }
        let waited = lab.wait_ready(pod.name, self.ready_timeout);
        self.forget();
        waited.map(|_| ()).map_err(|e| err(o, e))
    }

    fn stop(&mut self, ordinal: usize) {
        if let Some(k) = self.pods.get(&ordinal)
            && let Err(e) = self.lab.stop(&k.name, k.grace)
        {
            tracing::warn!(pod = %k.name, error = %e, "lab: stopping a pod");
        }
        self.forget();
    }

    fn crash(&mut self, ordinals: &BTreeSet<usize>) {
        for o in ordinals {
            if let Some(name) = self.name(*o)
                && let Err(e) = self.lab.kill(name)
            {
                tracing::warn!(pod = %name, error = %e, "lab: killing a pod");
            }
        }
        self.forget();
    }

    fn state(&self, ordinal: usize) -> PodState {
        let Some(name) = self.name(ordinal) else {
            return PodState::default();
        };
        if let Some((at, s)) = self.cache().get(&ordinal)
            && at.elapsed() < STATE_TTL
        {
            return s.clone();
        }
        let running = self.lab.is_running(name).unwrap_or(false);
        let wsrep = running.then(|| self.lab.status(name).ok()).flatten();
        let state = PodState {
            running,
            ready: wsrep.as_ref().is_some_and(is_ready),
            wsrep,
        };
        self.cache()
            .insert(ordinal, (Instant::now(), state.clone()));
        state
    }

    fn partition(&mut self, groups: &[BTreeSet<usize>]) {
        let cluster_of = |o: &usize| self.pods.get(o).map(|k| k.cluster.clone());
        let mut sides: Vec<BTreeSet<String>> = groups
            .iter()
            .map(|g| g.iter().filter_map(cluster_of).collect())
            .collect();
        let grouped: BTreeSet<String> = sides.iter().flatten().cloned().collect();
        let rest: BTreeSet<String> = self
            .lab
            .clusters()
            .iter()
            .map(|c| c.name.clone())
            .filter(|c| !grouped.contains(c))
            .collect();
        sides.push(rest);
        let keep = sides
            .iter()
            .enumerate()
            .max_by_key(|(i, s)| (s.len(), std::cmp::Reverse(*i)))
            .map(|(i, _)| i);
        for (i, side) in sides.iter().enumerate() {
            if Some(i) == keep {
                continue;
            }
            for cluster in side {
                if let Err(e) = self.lab.partition(cluster) {
                    tracing::warn!(%cluster, error = %e, "lab: cutting a gateway");
                }
            }
        }
        self.forget();
    }

    fn heal(&mut self) {
        if let Err(e) = self.lab.heal_all() {
            tracing::warn!(error = %e, "lab: reconnecting the gateways");
        }
        self.forget();
    }

    fn pc_bootstrap(&mut self, ordinal: usize) {
        if let Some(name) = self.name(ordinal)
            && let Err(e) = self
                .lab
                .sql(name, "SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'")
        {
            tracing::warn!(pod = %name, error = %e, "lab: pc.bootstrap");
        }
        self.forget();
    }
}

/// The lab's servers' `wsrep%` status, read over each pod's Unix socket
/// ([`Lab::status_live`]), as the day-2 planner and the runner read a real cluster's
/// (`deployer::WsrepReader`): pods without a running server are left out.
impl deployer::WsrepReader for Lab {
    fn read<'a>(
        &'a self,
        pods: &'a [deployer::PodRow],
    ) -> std::pin::Pin<
        Box<
            dyn std::future::Future<Output = BTreeMap<String, galera::status::WsrepStatus>>
                + Send
                + 'a,
        >,
    > {
        Box::pin(async move {
            let mut out = BTreeMap::new();
            for row in pods {
                if let Ok(status) = self.status_live(&row.pod).await {
                    out.insert(row.pod.clone(), status);
                }
            }
            out
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_follows_the_image_major_version() {
        assert_eq!(
            section_of(Some("ghcr.io/appscode-images/mariadb:11.4.3-jammy")),
            "[mariadbd]"
        );
        assert_eq!(section_of(Some("mariadb:10.11.9")), "[mysqld]");
        assert_eq!(section_of(None), "[mysqld]");
    }

    #[test]
    fn a_manifest_without_cluster_name_is_an_error_naming_it() {
        let m = serde_json::json!({"metadata": {"namespace": "demo"},
            "spec": {"containers": [{"name": "mariadb", "env": []}]}});
        let pod = ScheduledPod {
            ordinal: 0,
            name: "mariadb-0",
            cluster: "c",
            ip: "10.1.0.2",
            manifest: &m,
            replicas: 3,
        };
        let e = galera_config(&pod).expect_err("no CLUSTER_NAME");
        assert!(e.reason.contains("CLUSTER_NAME"), "{e}");
    }
}
