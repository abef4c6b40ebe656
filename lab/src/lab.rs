//! The [`Lab`] handle: what a lab is built from ([`SliceSpec`], [`LabOptions`]), what it
//! records of its clusters and pods ([`ClusterInfo`], [`PodInfo`]), the state its threads
//! share, its construction, its lookups and its removal. What it does is split by side, each an
//! `impl Lab` of its own: the network (namespaces, the slice bridge, gateways, addresses, hosts
//! files) in `net`, the servers (start, stop, status, recovery) in `server`.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use ipnet::Ipv4Net;

use crate::error::LabError;
use crate::sys::{self, Registered, preflight};

/// Galera failure detection shortened so a lost node is noticed in about 2 to 3 s instead of
/// the defaults' 5 to 15 s (`evs.suspect_timeout` PT5S, `evs.inactive_timeout` PT15S,
/// `evs.join_retrans_period` PT1S, `pc.wait_prim_timeout` PT30S in
/// `codership/galera@release_26.4.18:gcomm/src/defaults.cpp`; `evs.install_timeout` half the
/// inactive timeout and `evs.keepalive_period` the retransmission period, PT1S, in
/// `gcomm/src/evs_proto.cpp`; Debian 12 ships 26.4.23). The same values the `galera` crate's
/// conformance suite runs with; the membership outcomes are the same, only sooner.
pub const FAST_EVS: &str = "evs.suspect_timeout=PT2S;evs.inactive_timeout=PT3S;evs.install_timeout=PT2S;\
evs.keepalive_period=PT0.5S;evs.inactive_check_period=PT0.5S;evs.join_retrans_period=PT0.5S;\
pc.wait_prim_timeout=PT5S";

/// The slice and its clusters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SliceSpec {
    /// The slice's overlay subnet (`spec.sliceSubnet`), a `/16`.
    pub subnet: Ipv4Net,
    /// `spec.maxClusters` (2 to 32): the size of each cluster's share.
    pub max_clusters: i64,
    /// The clusters in `spec.clusters` order: the order decides which subnet each gets.
    pub clusters: Vec<String>,
}

impl SliceSpec {
    /// A slice from its subnet's text; errors when it is not an IPv4 CIDR.
    pub fn new<I, S>(subnet: &str, max_clusters: i64, clusters: I) -> Result<SliceSpec, LabError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Ok(SliceSpec {
            subnet: subnet
                .parse()
                .map_err(|_| LabError::SliceSubnet(subnet.to_owned()))?,
            max_clusters,
            clusters: clusters.into_iter().map(Into::into).collect(),
        })
    }
}

/// How the servers run.
#[derive(Clone, Debug)]
pub struct LabOptions {
    /// The root password (KubeDB's auth secret): set on `root@localhost` and `root@'%'` of the
    /// template data directory and filled in for `$MYSQL_ROOT_PASSWORD`.
    pub root_password: String,
    /// Use [`FAST_EVS`] (default `true`).
    pub fast_failure_detection: bool,
    /// Where the lab's directory goes (default: the system's temporary directory).
    pub base_dir: PathBuf,
    /// Smaller InnoDB buffer pool (32 MiB), redo log (8 MiB) and Galera cache (32 MiB), so a
    /// handful of servers fit the machine (default `true`).
    pub small: bool,
    /// More `mariadbd` options, appended last.
    pub extra_args: Vec<String>,
}

impl Default for LabOptions {
    fn default() -> Self {
        LabOptions {
            root_password: "lab-root-password".into(),
            fast_failure_detection: true,
            base_dir: std::env::temp_dir(),
            small: true,
            extra_args: Vec::new(),
        }
    }
}

/// One cluster of the lab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterInfo {
    /// The cluster's name.
    pub name: String,
    /// Its network namespace.
    pub namespace: String,
    /// Its share of the slice subnet.
    pub subnet: Ipv4Net,
    /// Its gateway's port on the slice bridge (in the slice namespace).
    pub port: String,
}

/// A pod of the lab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodInfo {
    /// The pod's name.
    pub name: String,
    /// Its cluster.
    pub cluster: String,
    /// Its overlay address.
    pub address: Ipv4Addr,
    /// The names that resolve to it in every namespace.
    pub names: Vec<String>,
    /// Its directory: `data/` (the data directory), `tmp/` (its own tmpdir: a starting server
    /// removes every `#sql*` file in its tmpdir, so servers must not share one), `galera.cnf`,
    /// `mysqld.sock`, `error.log`, `recover.log`.
    pub dir: PathBuf,
}

impl PodInfo {
    /// The server's Unix socket (reachable from the host whatever the partitions).
    pub fn socket(&self) -> PathBuf {
        self.dir.join("mysqld.sock")
    }
    /// The data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }
}

pub(crate) struct PodState {
    pub(crate) info: PodInfo,
    pub(crate) child: Option<Child>,
}

#[derive(Default)]
pub(crate) struct State {
    pub(crate) pods: BTreeMap<String, PodState>,
    /// Namespaces created so far (the slice's first).
    pub(crate) namespaces: Vec<String>,
    /// Pods per cluster so far (the next pod's number for `pod_address`).
    pub(crate) counts: BTreeMap<String, u32>,
    cleaned: bool,
}

pub(crate) struct Inner {
    pub(crate) id: String,
    pub(crate) base: PathBuf,
    pub(crate) slice_ns: String,
    pub(crate) slice: SliceSpec,
    /// One slot per subnet the slice has (`maxClusters`), filled in index order: by
    /// [`Lab::new`] for the slice's clusters, then by [`Lab::add_cluster`]. A filled slot never
    /// changes, so [`Lab::cluster`] lends it without a lock.
    pub(crate) clusters: Vec<OnceLock<ClusterInfo>>,
    /// Held while a cluster is added: one index per cluster.
    pub(crate) adding: Mutex<()>,
    pub(crate) options: LabOptions,
    state: Mutex<State>,
}

/// A running lab; everything it made is removed when it is dropped.
pub struct Lab {
    pub(crate) inner: Arc<Inner>,
}

impl Lab {
    /// Builds the slice and the clusters' namespaces and prepares a template data directory.
    /// Checks [`preflight`] first; removes what dead earlier runs left.
    ///
    /// Errors: [`LabError::NotRoot`], [`LabError::Missing`] (naming the install command),
    /// [`LabError::Ipam`] when the clusters do not fit the slice, [`LabError::Command`] when
    /// `ip` or `mariadb-install-db` fails. What was made before an error is removed.
    pub fn new(slice: &SliceSpec, options: LabOptions) -> Result<Lab, LabError> {
        preflight()?;
        sys::sweep_stale();
        let names: Vec<&str> = slice.clusters.iter().map(String::as_str).collect();
        for (i, c) in names.iter().enumerate() {
            if names[..i].contains(c) {
                return Err(LabError::Duplicate((*c).to_owned()));
            }
        }
        let subnets =
            kubeslice_types::ipam::cluster_subnets(slice.subnet, slice.max_clusters, &names)?;
        let id = sys::next_id();
        // maxClusters is 2..=32 here (cluster_subnets checked it).
        let slots = usize::try_from(slice.max_clusters).unwrap_or(0);
        let clusters: Vec<OnceLock<ClusterInfo>> = (0..slots).map(|_| OnceLock::new()).collect();
        for (i, (name, subnet)) in subnets.iter().enumerate() {
            let _ = clusters[i].set(ClusterInfo {
                name: (*name).to_owned(),
                namespace: format!("{id}-c-{name}"),
                subnet: *subnet,
                port: format!("p{i}"),
            });
        }
        let inner = Arc::new(Inner {
            base: options.base_dir.join(&id),
            slice_ns: format!("{id}-slice"),
            id,
            slice: slice.clone(),
            clusters,
            adding: Mutex::new(()),
            options,
            state: Mutex::new(State::default()),
        });
        sys::register(Arc::<Inner>::downgrade(&inner));
        let lab = Lab { inner };
        std::fs::create_dir_all(&lab.inner.base).map_err(LabError::io(&lab.inner.base))?;
        lab.build_network()?;
        lab.make_template()?;
        Ok(lab)
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.inner.state()
    }

    /// The run-unique id every name of this lab starts with (`dglab-<pid>-<n>`).
    pub fn id(&self) -> &str {
        &self.inner.id
    }

    /// The lab's directory (pods' directories, the template).
    pub fn dir(&self) -> &Path {
        &self.inner.base
    }

    /// The slice namespace (the bridge's).
    pub fn slice_namespace(&self) -> &str {
        &self.inner.slice_ns
    }

    /// The slice as the lab was built (its `clusters` are those [`Lab::new`] was given;
    /// [`Lab::clusters`] also has those added since).
    pub fn slice(&self) -> &SliceSpec {
        &self.inner.slice
    }

    /// The clusters in the order of their subnets: the slice's, then those
    /// [`Lab::add_cluster`] added.
    pub fn clusters(&self) -> Vec<&ClusterInfo> {
        self.inner
            .clusters
            .iter()
            .map_while(OnceLock::get)
            .collect()
    }

    /// One cluster.
    pub fn cluster(&self, name: &str) -> Result<&ClusterInfo, LabError> {
        self.inner
            .clusters
            .iter()
            .map_while(OnceLock::get)
            .find(|c| c.name == name)
            .ok_or_else(|| LabError::UnknownCluster(name.to_owned()))
    }

    /// Every namespace of the lab (the slice's first).
    pub fn namespaces(&self) -> Vec<String> {
        self.state().namespaces.clone()
    }

    /// The pod.
    pub fn pod(&self, pod: &str) -> Result<PodInfo, LabError> {
        self.state()
            .pods
            .get(pod)
            .map(|p| p.info.clone())
            .ok_or_else(|| LabError::UnknownPod(pod.to_owned()))
    }

    /// Every pod, by name.
    pub fn pods(&self) -> Vec<PodInfo> {
        self.state().pods.values().map(|p| p.info.clone()).collect()
    }

    /// Removes everything now (what dropping does), reporting nothing: safe to call twice.
    pub fn close(self) {}
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.inner.cleanup();
        sys::unregister(self.inner.id());
    }
}

impl Inner {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while the lock was held leaves the state usable: cleanup still runs.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Registered for Inner {
    fn id(&self) -> &str {
        &self.id
    }

    /// Kills every process, deletes namespaces and `/etc/netns` entries and the directory.
    fn cleanup(&self) {
        let mut st = self.state();
        if st.cleaned {
            return;
        }
        for p in st.pods.values_mut() {
            if let Some(mut c) = p.child.take() {
                sys::kill_group(&mut c);
            }
        }
        for ns in st.namespaces.iter().rev() {
            sys::kill_namespace(ns);
        }
        for ns in st.namespaces.iter().rev() {
            let _ = sys::ip(&["netns", "del", ns]);
            let _ = std::fs::remove_dir_all(sys::netns_etc(ns));
        }
        let _ = std::fs::remove_dir_all(&self.base);
        st.cleaned = true;
    }
}

impl std::fmt::Debug for Lab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lab")
            .field("id", &self.inner.id)
            .field("clusters", &self.clusters())
            .field("pods", &self.pods())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_lab_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<super::Lab>();
    }
}
