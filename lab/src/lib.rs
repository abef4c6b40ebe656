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
mod lab;
mod net;
#[cfg(feature = "pods")]
mod pods;
mod server;
mod sys;

pub use cnf::fill_placeholders;
#[cfg(feature = "pods")]
pub use drill::{DrillPod, DrillReport, Drills, Mismatch, Recovered, RowCheck, SETTLE};
pub use error::{INSTALL, LabError};
pub use lab::{ClusterInfo, FAST_EVS, Lab, LabOptions, PodInfo, SliceSpec};
#[cfg(feature = "pods")]
pub use pods::LabPods;
pub use server::is_ready;
pub use sys::{MARIADBD, PROVIDER, cleanup_all, interrupted, preflight};

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
