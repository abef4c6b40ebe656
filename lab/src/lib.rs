//! The one-machine lab: the clusters of an environment as Linux network namespaces joined by
//! a slice overlay bridge, and the pods as real MariaDB 10.11 + Galera 4 servers (Debian's
//! `mariadb-server galera-4`), so the deployer's `galera.cnf`, its slice DNS names and the
//! `galera` crate's recovery plans run against the real thing.
//!
//! # Layout
//!
//! ```text
//!  namespace <id>-slice:  bridge "slice" ── port p0 ── p1 ── ...      (no addresses)
//!                                         │        │
//!  namespace <id>-c-demo-controller:  link "gw" 10.1.0.1/16, 10.1.0.2/16   (one per pod)
//!  namespace <id>-c-demo-worker:                    link "gw" 10.1.16.1/16
//! ```
//!
//! - One namespace per cluster, named `dglab-<pid>-<n>-c-<cluster>`; `<pid>` and the
//!   per-process counter `<n>` keep two runs (or two labs of one run) apart.
//! - The slice overlay is a bridge in a namespace of its own (`dglab-<pid>-<n>-slice`), not
//!   in the root namespace: the host's links, routes and firewall never see the lab (a
//!   Docker-style `FORWARD DROP` or `br_netfilter` rule on the host cannot drop the lab's
//!   traffic), no `10.x` route ever appears on the host, interface names cannot collide with
//!   the host's or another run's, and deleting that one namespace removes the bridge and every
//!   port. Each cluster namespace reaches the bridge through its own veth pair, its
//!   **gateway**: link `gw` in the cluster's namespace, port `p<i>` on the bridge. Cutting the
//!   gateway ([`Lab::partition`]) is losing the cluster's slice gateway; pods of one cluster
//!   still reach each other, as they do through the slice router.
//! - Each cluster gets its subnet as the KubeSlice controller gives it
//!   ([`kubeslice_types::ipam::cluster_subnet`]: for `10.1.0.0/16` and `maxClusters` 16,
//!   `10.1.0.0/20`, `10.1.16.0/20`, ... in the order the clusters are listed), and each pod an
//!   address from it as the slice router hands them out ([`kubeslice_types::ipam::pod_address`])
//!   or one the caller chooses. Every pod address sits on its cluster's `gw` with the slice
//!   subnet's prefix, so every other pod is on-link across the bridge.
//! - A cluster can join later ([`Lab::add_cluster`], a day-2 slice join): it gets the next
//!   block of the slice subnet, as the controller gives a newcomer the lowest free index.
//! - Names resolve in every namespace through `/etc/netns/<namespace>/hosts`, which
//!   `ip netns exec` mounts over `/etc/hosts`: [`Lab::add_pod`] takes the names the pod answers
//!   to (such as `deployer::pod_slice_address`, `mariadb-0.mariadb-pods.demo.svc.slice.local`).
//!
//! # Servers
//!
//! [`Lab::start`] runs `/usr/sbin/mariadbd` in the pod's cluster namespace with the pod's
//! `galera.cnf` as its only option file (`--defaults-file`; placeholders filled by
//! [`fill_placeholders`]) and, on the command line, what the container image and the pod
//! itself would otherwise give: the data directory (a copy of one template made per lab with
//! `mariadb-install-db`, root password set), socket, pid and error log files; and what sharing
//! one namespace between the pods of a cluster needs: `bind-address` and Galera's
//! `gmcast.listen_addr` on the pod's own address instead of `0.0.0.0` (in Kubernetes each pod
//! has its own namespace, so `0.0.0.0` is the pod's address alone), and `wsrep_node_name` set
//! to the pod name (Galera's default is the host name, which in a pod is the pod name; here
//! every pod shares the host's). Read [`LabOptions`] for the rest (faster failure detection,
//! smaller buffers).
//!
//! # Leaving nothing behind
//!
//! Dropping the [`Lab`] (also while unwinding from a panic) kills every process in its
//! namespaces, deletes the namespaces (and with them the links and the bridge), the
//! `/etc/netns/<namespace>` directories and the lab's directory. Ctrl-C, SIGTERM and SIGHUP do
//! the same for every open lab before the process exits with status 130 (a handler installed
//! by the first [`Lab::new`]; a program with a handler of its own calls [`cleanup_all`] from
//! it). A run killed with SIGKILL leaves its namespaces; the next [`Lab::new`] removes those
//! whose process is gone.
//!
//! # Behind the pod seam
//!
//! With the `pods` feature, `LabPods` is that runtime: `simulated_clusters::World::start_with`
//! over `LabPods::new(Arc<Lab>)` runs the world's pods as the lab's servers (the lab built from
//! the plan's slice with `SliceSpec::of_plan`), as `walkthrough --apply --lab` and the
//! `world_lab` test do. The mapping it implements:
//!
//! A [`Lab`] is `Send + Sync`: a simulated cluster's pod runtime keeps an `Arc<Lab>` and maps
//! its calls one to one: a pod given its ordinal, cluster, overlay address and manifest is
//! [`Lab::add_pod_at`] (first time; names from `deployer::pod_slice_address`) then
//! [`Lab::start`] with the pod's `galera.cnf` (the plan's `GaleraConfig::render`) and
//! `bootstrap` for the first pod or the recovery's chosen one ([`Lab::mark_safe_to_bootstrap`]
//! first after a crash); stop is [`Lab::stop`] with the manifest's grace period, a lost cluster
//! is [`Lab::kill`] on its pods; status is [`Lab::status`] (or the async [`Lab::status_live`])
//! and readiness [`is_ready`]. The methods block (they start processes and poll): from async
//! code call them through `spawn_blocking`.
//!
//! ```no_run
//! # fn main() -> Result<(), lab::LabError> {
//! use lab::{Lab, LabOptions, SliceSpec};
//! let lab = Lab::new(&SliceSpec::new("10.1.0.0/16", 16, ["demo-controller", "demo-worker"])?, LabOptions::default())?;
//! let ip = lab.add_pod("demo-controller", "mariadb-0", &["mariadb-0.mariadb-pods.demo.svc.slice.local".into()])?;
//! lab.start("mariadb-0", "[mysqld]\nwsrep_on=ON\nwsrep_node_address=${POD_IP}\n", true)?;
//! let status = lab.wait_ready("mariadb-0", std::time::Duration::from_secs(30))?;
//! println!("{ip}: {:?}", status.cluster_status);
//! # Ok(()) }
//! ```

mod cnf;
#[cfg(feature = "pods")]
mod drill;
mod error;
#[cfg(feature = "pods")]
mod pods;
mod sys;

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use galera::files::{RecoveredPosition, SavedState};
use galera::status::{LocalState, WsrepStatus};
use ipnet::Ipv4Net;

pub use cnf::fill_placeholders;
#[cfg(feature = "pods")]
pub use drill::{DrillPod, DrillReport, Drills, Mismatch, Recovered, RowCheck, SETTLE};
pub use error::{INSTALL, LabError};
#[cfg(feature = "pods")]
pub use pods::LabPods;
pub use sys::{cleanup_all, interrupted, preflight};

/// Debian's Galera 4 provider, the path the deployer's `galera.cnf` names.
pub const PROVIDER: &str = "/usr/lib/galera/libgalera_smm.so";
/// The server.
pub const MARIADBD: &str = "/usr/sbin/mariadbd";
/// The database user the servers run as.
const SERVER_USER: &str = "mysql";

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

struct PodState {
    info: PodInfo,
    child: Option<Child>,
}

#[derive(Default)]
struct State {
    pods: BTreeMap<String, PodState>,
    /// Namespaces created so far (the slice's first).
    namespaces: Vec<String>,
    /// Pods per cluster so far (the next pod's number for `pod_address`).
    counts: BTreeMap<String, u32>,
    cleaned: bool,
}

pub(crate) struct Inner {
    id: String,
    base: PathBuf,
    slice_ns: String,
    slice: SliceSpec,
    /// One slot per subnet the slice has (`maxClusters`), filled in index order: by
    /// [`Lab::new`] for the slice's clusters, then by [`Lab::add_cluster`]. A filled slot never
    /// changes, so [`Lab::cluster`] lends it without a lock.
    clusters: Vec<OnceLock<ClusterInfo>>,
    /// Held while a cluster is added: one index per cluster.
    adding: Mutex<()>,
    options: LabOptions,
    state: Mutex<State>,
}

/// A running lab; everything it made is removed when it is dropped.
pub struct Lab {
    inner: Arc<Inner>,
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
        sys::register(&inner);
        let lab = Lab { inner };
        lab.build()?;
        Ok(lab)
    }

    fn build(&self) -> Result<(), LabError> {
        let i = &self.inner;
        std::fs::create_dir_all(&i.base).map_err(LabError::io(&i.base))?;
        let ns = i.slice_ns.clone();
        self.add_namespace(&ns)?;
        sys::ip(&["-n", &ns, "link", "add", "slice", "type", "bridge"])?;
        sys::ip(&["-n", &ns, "link", "set", "slice", "up"])?;
        for c in self.clusters() {
            self.connect_cluster(c)?;
        }
        self.write_hosts()?;
        sys::make_template(&self.template(), &i.options)?;
        Ok(())
    }

    /// The cluster's namespace and its gateway: veth `gw` in it, port `p<i>` on the slice
    /// bridge.
    fn connect_cluster(&self, c: &ClusterInfo) -> Result<(), LabError> {
        let ns = self.inner.slice_ns.as_str();
        self.add_namespace(&c.namespace)?;
        let cns = c.namespace.as_str();
        sys::ip(&[
            "-n", cns, "link", "add", "gw", "type", "veth", "peer", "name", &c.port, "netns", ns,
        ])?;
        sys::ip(&["-n", ns, "link", "set", &c.port, "master", "slice"])?;
        sys::ip(&["-n", ns, "link", "set", &c.port, "up"])?;
        sys::ip(&["-n", cns, "link", "set", "gw", "up"])?;
        sys::ip(&["-n", cns, "link", "set", "lo", "up"])?;
        Ok(())
    }

    /// A cluster joins the slice while the lab runs (a day-2 `SliceConfig` update adding it to
    /// `spec.clusters`): its namespace, its gateway to the slice bridge, and the subnet the
    /// KubeSlice controller gives a cluster that joins an existing slice: the block of the
    /// lowest index no cluster holds yet (`ComputeClusterMap` keeps every existing cluster's
    /// `spec.octet` and numbers the newcomers with the unused indexes in `spec.clusters` order,
    /// `kubeslice/kubeslice-controller@v1.9.0:service/worker_slice_config_service.go`; the
    /// block itself is [`kubeslice_types::ipam::cluster_subnet`]'s). The lab never removes a
    /// cluster, so that is the next index: for the walkthrough's slice a third cluster gets
    /// `10.1.32.0/20`. Clusters that join together must be added in their `spec.clusters`
    /// order. Every namespace's hosts file is rewritten (the new one lists every pod), and the
    /// cluster is removed with the rest of the lab.
    ///
    /// Returns the new cluster; adding a cluster the lab has is [`LabError::Duplicate`], and
    /// one beyond `maxClusters` is [`LabError::Ipam`]. A cluster whose links could not be made
    /// is not added (what was made is removed with the lab).
    ///
    /// ```no_run
    /// # fn main() -> Result<(), lab::LabError> {
    /// use lab::{Lab, LabOptions, SliceSpec};
    /// let slice = SliceSpec::new("10.1.0.0/16", 16, ["demo-controller", "demo-worker"])?;
    /// let lab = Lab::new(&slice, LabOptions::default())?;
    /// let edge = lab.add_cluster("demo-edge")?;
    /// assert_eq!(edge.subnet.to_string(), "10.1.32.0/20");
    /// # Ok(()) }
    /// ```
    pub fn add_cluster(&self, name: &str) -> Result<ClusterInfo, LabError> {
        let _one_at_a_time = self.inner.adding.lock().unwrap_or_else(|p| p.into_inner());
        if self.cluster(name).is_ok() {
            return Err(LabError::Duplicate(name.to_owned()));
        }
        let index = self.clusters().len();
        let subnet = kubeslice_types::ipam::cluster_subnet(
            self.inner.slice.subnet,
            self.inner.slice.max_clusters,
            index,
        )?;
        // cluster_subnet refused an index beyond maxClusters, the number of slots.
        let Some(slot) = self.inner.clusters.get(index) else {
            return Err(LabError::UnknownCluster(name.to_owned()));
        };
        let info = ClusterInfo {
            name: name.to_owned(),
            namespace: format!("{}-c-{name}", self.inner.id),
            subnet,
            port: format!("p{index}"),
        };
        self.connect_cluster(&info)?;
        self.write_hosts()?;
        let _ = slot.set(info.clone());
        Ok(info)
    }

    fn add_namespace(&self, ns: &str) -> Result<(), LabError> {
        // Recorded first: a half-made namespace is removed too.
        self.state().namespaces.push(ns.to_owned());
        sys::ip(&["netns", "add", ns])?;
        Ok(())
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.inner.state()
    }

    fn template(&self) -> PathBuf {
        self.inner.base.join("template")
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

    /// Adds a pod to `cluster` at the next address the slice router would hand out
    /// ([`kubeslice_types::ipam::pod_address`]), resolvable as each of `names` in every
    /// namespace. Returns the address.
    pub fn add_pod(
        &self,
        cluster: &str,
        pod: &str,
        names: &[String],
    ) -> Result<Ipv4Addr, LabError> {
        let c = self.cluster(cluster)?;
        let n = self.state().counts.get(cluster).copied().unwrap_or(0);
        let mut index = n;
        // Skip addresses a caller took with add_pod_at.
        let address = loop {
            let a = kubeslice_types::ipam::pod_address(c.subnet, index)?;
            if !self.state().pods.values().any(|p| p.info.address == a) {
                break a;
            }
            index += 1;
        };
        self.add_pod_at(cluster, pod, address, names)?;
        Ok(address)
    }

    /// Adds a pod at a given overlay address (such as the one a simulated cluster chose); it
    /// must be a free address of the cluster's subnet other than the router's.
    pub fn add_pod_at(
        &self,
        cluster: &str,
        pod: &str,
        address: Ipv4Addr,
        names: &[String],
    ) -> Result<(), LabError> {
        let c = self.cluster(cluster)?.clone();
        let dir = self.inner.base.join(pod);
        {
            let mut st = self.state();
            if st.pods.contains_key(pod) {
                return Err(LabError::Duplicate(pod.to_owned()));
            }
            let taken = st.pods.values().any(|p| p.info.address == address);
            if taken
                || !c.subnet.contains(&address)
                || address == c.subnet.network()
                || address == c.subnet.broadcast()
            {
                return Err(LabError::Address {
                    pod: pod.to_owned(),
                    address,
                    cluster: c.name.clone(),
                    subnet: c.subnet,
                });
            }
            *st.counts.entry(c.name.clone()).or_default() += 1;
            st.pods.insert(
                pod.to_owned(),
                PodState {
                    info: PodInfo {
                        name: pod.to_owned(),
                        cluster: c.name.clone(),
                        address,
                        names: names.to_vec(),
                        dir: dir.clone(),
                    },
                    child: None,
                },
            );
        }
        std::fs::create_dir_all(dir.join("tmp")).map_err(LabError::io(&dir))?;
        sys::chown_mysql(&dir)?;
        let cidr = format!("{address}/{}", self.inner.slice.subnet.prefix_len());
        sys::ip(&["-n", &c.namespace, "addr", "add", &cidr, "dev", "gw"])?;
        self.write_hosts()
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

    fn write_hosts(&self) -> Result<(), LabError> {
        let st = self.state();
        let mut hosts =
            String::from("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        for p in st.pods.values() {
            if !p.info.names.is_empty() {
                hosts.push_str(&format!("{}\t{}\n", p.info.address, p.info.names.join(" ")));
            }
        }
        for ns in &st.namespaces {
            let dir = sys::netns_etc(ns);
            std::fs::create_dir_all(&dir).map_err(LabError::io(&dir))?;
            let file = dir.join("hosts");
            std::fs::write(&file, &hosts).map_err(LabError::io(&file))?;
        }
        Ok(())
    }

    /// The `mariadbd` command line of a pod (after `ip netns exec <namespace>`), with `extra`
    /// appended.
    fn server_args(&self, info: &PodInfo, extra: &[&str]) -> Vec<String> {
        let o = &self.inner.options;
        let d = &info.dir;
        let mut provider = format!("gmcast.listen_addr=tcp://{}:4567", info.address);
        if o.fast_failure_detection {
            provider.push(';');
            provider.push_str(FAST_EVS);
        }
        let mut args = vec![
            MARIADBD.to_owned(),
            format!("--defaults-file={}", d.join("galera.cnf").display()),
            format!("--user={SERVER_USER}"),
            format!("--datadir={}", d.join("data").display()),
            format!("--socket={}", info.socket().display()),
            format!("--pid-file={}", d.join("mariadbd.pid").display()),
            format!("--log-error={}", d.join("error.log").display()),
            format!("--tmpdir={}", d.join("tmp").display()),
            format!("--bind-address={}", info.address),
            format!("--wsrep-node-name={}", info.name),
        ];
        if o.small {
            provider.push_str(";gcache.size=32M");
            args.push("--innodb-buffer-pool-size=32M".into());
            args.push("--innodb-log-file-size=8M".into());
        }
        args.push(format!("--wsrep-provider-options={provider}"));
        args.extend(o.extra_args.iter().cloned());
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        args
    }

    /// Starts the pod's server with `galera_cnf` (the deployer's `GaleraConfig::render`),
    /// placeholders filled ([`fill_placeholders`]: `POD_IP` = the overlay address,
    /// `MYSQL_ROOT_USERNAME` = `root`, `MYSQL_ROOT_PASSWORD`). `bootstrap` adds
    /// `--wsrep-new-cluster`, as KubeDB's `bootstrap-new-cluster.sh` does; otherwise the server
    /// joins its peers (`join-cluster.sh`). The first start copies the template data
    /// directory; later starts keep the data (the pod's volume). Returns at once: wait with
    /// [`Lab::wait_ready`] or [`Lab::wait_for`].
    pub fn start(&self, pod: &str, galera_cnf: &str, bootstrap: bool) -> Result<(), LabError> {
        self.start_at(pod, galera_cnf, bootstrap, None)
    }

    /// [`Lab::start`] from a known position: `--wsrep-start-position=<uuid>:<seqno>`, the
    /// position `mariadbd --wsrep-recover` found ([`Lab::wsrep_recover`]). A server that
    /// crashed leaves `seqno: -1` in its `grastate.dat` and, started without it, begins from
    /// an undefined position: bootstrapped, it starts a new history (`Starting new group from
    /// scratch`) and its Galera cache is reset; joining, it needs a full SST. With the position
    /// it keeps the history, recovers its cache (`gcache.recover`, default `yes` in
    /// `codership/galera@release_26.4.18:gcache/src/gcache_params.cpp`) and joins by IST. This
    /// is what MariaDB's own start wrappers do after a crash (`mysqld_safe` and the systemd
    /// unit's `galera_recovery` run `--wsrep-recover` and pass the position); KubeDB's
    /// `after-crash-bootstrap.sh` and `join-cluster.sh`
    /// (`kubedb/mariadb-init-docker@0.8.0:scripts/`) start the official image's entrypoint
    /// without one, which is [`Lab::start`].
    pub fn start_at(
        &self,
        pod: &str,
        galera_cnf: &str,
        bootstrap: bool,
        position: Option<&RecoveredPosition>,
    ) -> Result<(), LabError> {
        let info = self.pod(pod)?;
        if self.is_running(pod)? {
            return Err(LabError::State {
                pod: pod.to_owned(),
                message: "the server is already running: kill or stop it first",
            });
        }
        let ip = info.address.to_string();
        let cnf = fill_placeholders(
            pod,
            galera_cnf,
            &[
                ("POD_IP", &ip),
                ("MYSQL_ROOT_USERNAME", "root"),
                ("MYSQL_ROOT_PASSWORD", &self.inner.options.root_password),
            ],
        )?;
        let file = info.dir.join("galera.cnf");
        std::fs::write(&file, cnf).map_err(LabError::io(&file))?;
        if !info.data_dir().exists() {
            sys::copy_dir(&self.template().join("data"), &info.data_dir())?;
        }
        let _ = std::fs::remove_file(info.socket());
        let ns = self.cluster(&info.cluster)?.namespace.clone();
        let mut extra: Vec<String> = Vec::new();
        if bootstrap {
            extra.push("--wsrep-new-cluster".into());
        }
        if let Some(p) = position {
            extra.push(format!("--wsrep-start-position={}:{}", p.uuid, p.seqno));
        }
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        if sys::interrupted() {
            return Err(LabError::Interrupted);
        }
        let mut child = sys::spawn_in(&ns, &self.server_args(&info, &extra))?;
        if sys::interrupted() {
            // The handler may have swept the processes before this one started.
            sys::kill_group(&mut child);
            return Err(LabError::Interrupted);
        }
        if let Some(p) = self.state().pods.get_mut(pod) {
            p.child = Some(child);
        }
        Ok(())
    }

    /// Whether the pod's server process is running (a process that exited is reaped).
    pub fn is_running(&self, pod: &str) -> Result<bool, LabError> {
        let mut st = self.state();
        let p = st
            .pods
            .get_mut(pod)
            .ok_or_else(|| LabError::UnknownPod(pod.to_owned()))?;
        Ok(match p.child.as_mut() {
            Some(c) => match c.try_wait() {
                Ok(None) => true,
                _ => {
                    p.child = None;
                    false
                }
            },
            None => false,
        })
    }

    /// Kills the pod's server and everything it started (SIGKILL to its process group): a
    /// crash. Nothing happens when it is not running.
    pub fn kill(&self, pod: &str) -> Result<(), LabError> {
        let child = self.take_child(pod)?;
        if let Some(mut c) = child {
            sys::kill_group(&mut c);
        }
        Ok(())
    }

    /// Stops the pod's server gracefully (SIGTERM, as the kubelet does), waiting up to
    /// `grace`, then kills it. Returns `true` when it stopped within the grace period.
    pub fn stop(&self, pod: &str, grace: Duration) -> Result<bool, LabError> {
        let Some(mut c) = self.take_child(pod)? else {
            return Ok(true);
        };
        sys::terminate(&c);
        let start = Instant::now();
        while start.elapsed() < grace {
            if let Ok(Some(_)) = c.try_wait() {
                return Ok(true);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        sys::kill_group(&mut c);
        Ok(false)
    }

    fn take_child(&self, pod: &str) -> Result<Option<Child>, LabError> {
        let mut st = self.state();
        let p = st
            .pods
            .get_mut(pod)
            .ok_or_else(|| LabError::UnknownPod(pod.to_owned()))?;
        Ok(p.child.take())
    }

    /// Runs SQL as root over the pod's socket with the `mariadb` client (tab-separated output
    /// with a header line).
    pub fn sql(&self, pod: &str, query: &str) -> Result<String, LabError> {
        let info = self.pod(pod)?;
        let sock = info.socket().display().to_string();
        let out = Command::new("/usr/bin/mariadb")
            .args(["--no-defaults", "-uroot", "-S", &sock, "-e", query])
            .env("MYSQL_PWD", &self.inner.options.root_password)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| LabError::Command {
                command: "mariadb".into(),
                detail: e.to_string(),
            })?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(LabError::Command {
                command: format!("mariadb -S {sock} -e {query:?}"),
                detail: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            })
        }
    }

    /// `SHOW STATUS LIKE 'wsrep%'` of the pod, read with the `mariadb` client over its socket.
    pub fn status(&self, pod: &str) -> Result<WsrepStatus, LabError> {
        let out = self.sql(pod, "SHOW STATUS LIKE 'wsrep%'")?;
        WsrepStatus::from_tsv(&out).map_err(|e| LabError::Status {
            pod: pod.to_owned(),
            source: Box::new(e),
        })
    }

    /// `SHOW STATUS LIKE 'wsrep%'` of the pod read with `galera::live` (mysql_async) over its
    /// socket: the code that reads a real pod. Needs a Tokio runtime.
    pub async fn status_live(&self, pod: &str) -> Result<WsrepStatus, LabError> {
        let info = self.pod(pod)?;
        let opts = mysql_async::OptsBuilder::default()
            .socket(Some(info.socket().display().to_string()))
            .user(Some("root"))
            .pass(Some(self.inner.options.root_password.clone()));
        galera::live::read_status_at(opts.into())
            .await
            .map_err(|e| LabError::Status {
                pod: pod.to_owned(),
                source: Box::new(e),
            })
    }

    /// Polls the pod's status every 200 ms until `done` holds or `timeout` passes; stops
    /// early with [`LabError::Exited`] (the end of its `error.log`) when the server exits.
    pub fn wait_for(
        &self,
        pod: &str,
        what: &str,
        timeout: Duration,
        done: impl Fn(&WsrepStatus) -> bool,
    ) -> Result<WsrepStatus, LabError> {
        let start = Instant::now();
        loop {
            let last = match self.status(pod) {
                Ok(s) if done(&s) => return Ok(s),
                Ok(s) => format!(
                    "{} size {} {}",
                    s.cluster_status.map(|c| c.to_string()).unwrap_or_default(),
                    s.cluster_size.unwrap_or(0),
                    s.local_state_comment.unwrap_or_default()
                ),
                Err(e) => e.to_string(),
            };
            if !self.is_running(pod)? {
                let file = self.pod(pod)?.dir.join("error.log");
                let text = std::fs::read_to_string(&file).unwrap_or_default();
                let lines: Vec<&str> = text.lines().collect();
                return Err(LabError::Exited {
                    pod: pod.to_owned(),
                    log: lines[lines.len().saturating_sub(8)..].join("\n"),
                });
            }
            if start.elapsed() >= timeout {
                return Err(LabError::Timeout {
                    pod: pod.to_owned(),
                    what: what.to_owned(),
                    waited: timeout,
                    last,
                });
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Waits until the pod is ready ([`is_ready`]).
    pub fn wait_ready(&self, pod: &str, timeout: Duration) -> Result<WsrepStatus, LabError> {
        self.wait_for(pod, "ready (wsrep_ready=ON, Synced)", timeout, is_ready)
    }

    /// The pod's `grastate.dat`.
    pub fn grastate(&self, pod: &str) -> Result<SavedState, LabError> {
        let file = self.pod(pod)?.data_dir().join("grastate.dat");
        let text = std::fs::read_to_string(&file).map_err(LabError::io(&file))?;
        SavedState::parse(&file.display().to_string(), &text).map_err(|source| LabError::NodeFile {
            pod: pod.to_owned(),
            source,
        })
    }

    /// Sets `safe_to_bootstrap: 1` in the pod's `grastate.dat`, as KubeDB's
    /// `after-crash-bootstrap.sh` does before bootstrapping the chosen node
    /// (`kubedb/mariadb-init-docker@0.8.0:scripts/after-crash-bootstrap.sh`).
    pub fn mark_safe_to_bootstrap(&self, pod: &str) -> Result<(), LabError> {
        let file = self.pod(pod)?.data_dir().join("grastate.dat");
        let text = std::fs::read_to_string(&file).map_err(LabError::io(&file))?;
        let text = text.replace("safe_to_bootstrap: 0", "safe_to_bootstrap: 1");
        std::fs::write(&file, text).map_err(LabError::io(&file))
    }

    /// Runs `mariadbd --wsrep-recover` on the stopped pod's data (in its namespace, with its
    /// `galera.cnf` of the last start) and parses the position it logs
    /// (`galera::files::RecoveredPosition::from_log`).
    pub fn wsrep_recover(&self, pod: &str) -> Result<RecoveredPosition, LabError> {
        let info = self.pod(pod)?;
        if self.is_running(pod)? {
            return Err(LabError::State {
                pod: pod.to_owned(),
                message: "--wsrep-recover needs the server stopped: kill or stop it first",
            });
        }
        let log = info.dir.join("recover.log");
        let _ = std::fs::remove_file(&log);
        let log_arg = format!("--log-error={}", log.display());
        let mut args = self.server_args(&info, &["--wsrep-recover"]);
        for a in args.iter_mut().filter(|a| a.starts_with("--log-error=")) {
            a.clone_from(&log_arg);
        }
        let ns = self.cluster(&info.cluster)?.namespace.clone();
        let mut child = sys::spawn_in(&ns, &args)?;
        let status = child.wait().map_err(|e| LabError::Command {
            command: "mariadbd --wsrep-recover".into(),
            detail: e.to_string(),
        })?;
        let text = std::fs::read_to_string(&log).map_err(LabError::io(&log))?;
        if !status.success() {
            return Err(LabError::Command {
                command: format!("mariadbd --wsrep-recover ({pod})"),
                detail: format!("exit {status}; {}", text.lines().last().unwrap_or("")),
            });
        }
        RecoveredPosition::from_log(&log.display().to_string(), &text).map_err(|source| {
            LabError::NodeFile {
                pod: pod.to_owned(),
                source,
            }
        })
    }

    /// Cuts the cluster's gateway from the slice (its bridge port goes down): the cluster's
    /// pods still reach each other, not the other clusters'.
    pub fn partition(&self, cluster: &str) -> Result<(), LabError> {
        self.gateway(cluster, "down")
    }

    /// Reconnects the cluster's gateway.
    pub fn heal(&self, cluster: &str) -> Result<(), LabError> {
        self.gateway(cluster, "up")
    }

    /// Reconnects every gateway.
    pub fn heal_all(&self) -> Result<(), LabError> {
        for c in self.clusters() {
            self.gateway(&c.name, "up")?;
        }
        Ok(())
    }

    fn gateway(&self, cluster: &str, state: &str) -> Result<(), LabError> {
        let c = self.cluster(cluster)?;
        sys::ip(&["-n", &self.inner.slice_ns, "link", "set", &c.port, state])?;
        Ok(())
    }

    /// One line saying what runs: how many `mariadbd` run, their version
    /// ([`Lab::server_version`]), the namespaces (the clusters' and the slice's) and each
    /// cluster's overlay subnet; what the lab examples print after `lab: `.
    pub fn summary(&self) -> Result<String, LabError> {
        let running = self
            .pods()
            .iter()
            .filter(|p| self.is_running(&p.name).unwrap_or(false))
            .count();
        let version = Lab::server_version()?;
        let clusters = self.clusters();
        let subnets: Vec<String> = clusters
            .iter()
            .map(|c| format!("{} {}", c.name, c.subnet))
            .collect();
        Ok(format!(
            "{running} mariadbd running ({version}) in {} network namespaces ({} clusters and the slice's); overlay subnets: {}",
            self.namespaces().len(),
            clusters.len(),
            subnets.join(", ")
        ))
    }

    /// The server's version line (`mariadbd --version`).
    pub fn server_version() -> Result<String, LabError> {
        sys::run(MARIADBD, &["--version"]).map(|s| s.trim().to_owned())
    }

    /// Removes everything now (what dropping does), reporting nothing: safe to call twice.
    pub fn close(self) {}
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.inner.cleanup();
        sys::unregister(&self.inner);
    }
}

impl Inner {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while the lock was held leaves the state usable: cleanup still runs.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Kills every process, deletes namespaces and `/etc/netns` entries and the directory.
    pub(crate) fn cleanup(&self) {
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

    pub(crate) fn id(&self) -> &str {
        &self.id
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

/// Ready as the lab reports it to the pod table: `wsrep_ready=ON` and `Synced`.
pub fn is_ready(s: &WsrepStatus) -> bool {
    s.ready == Some(true) && s.local_state == Some(LocalState::Synced)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_lab_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<super::Lab>();
    }
}

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
