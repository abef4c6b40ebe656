//! What can go wrong in the lab, each naming what to do.

use std::path::PathBuf;
use std::time::Duration;

/// The command that installs everything the lab runs (Debian 12 names).
pub const INSTALL: &str =
    "apt-get install -y mariadb-server galera-4 galera-arbitrator-4 rsync iproute2";

/// Why the lab could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    /// Not running as root: network namespaces and `--user=mysql` need it.
    #[error(
        "the lab needs root (network namespaces, links and servers run as mysql): run it as root, e.g. with sudo"
    )]
    NotRoot,
    /// Programs or files the lab runs are not installed (and, when `root` is false, the
    /// program does not run as root either: both are said at once).
    #[error("the lab needs {} which are missing: install them with `{INSTALL}`{}", missing.join(", "), if *root { "" } else { "; it also needs root: run it as root, e.g. with sudo" })]
    Missing {
        /// The paths not found.
        missing: Vec<String>,
        /// Whether the program runs as root.
        root: bool,
    },
    /// A command failed.
    #[error("`{command}` failed: {detail}")]
    Command {
        /// The command line.
        command: String,
        /// Its standard error, or why it could not start.
        detail: String,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The slice subnet could not be split for the clusters.
    #[error(transparent)]
    Ipam(#[from] kubeslice_types::ipam::IpamError),
    /// The slice subnet is not an IPv4 CIDR.
    #[error("slice subnet {0:?} is not an IPv4 CIDR such as 10.1.0.0/16")]
    SliceSubnet(String),
    /// A cluster name the lab does not have.
    #[error(
        "no cluster {0:?} in this lab: name one of its clusters, or add it with Lab::add_cluster"
    )]
    UnknownCluster(String),
    /// A pod name the lab does not have.
    #[error("no pod {0:?} in this lab: add it with Lab::add_pod first")]
    UnknownPod(String),
    /// A pod name already taken, or a cluster listed twice.
    #[error("{0:?} is already in this lab: names must be unique")]
    Duplicate(String),
    /// The address asked for is not in the cluster's subnet or already taken.
    #[error(
        "address {address} for pod {pod:?} is not a free address of cluster {cluster}'s subnet {subnet}"
    )]
    Address {
        /// The pod.
        pod: String,
        /// The address asked for.
        address: std::net::Ipv4Addr,
        /// The cluster.
        cluster: String,
        /// Its subnet.
        subnet: ipnet::Ipv4Net,
    },
    /// The pod's `galera.cnf` has a placeholder the lab cannot fill.
    #[error(
        "galera.cnf of pod {pod:?} has the placeholder ${name} which the lab cannot fill (it fills POD_IP, MYSQL_ROOT_USERNAME and MYSQL_ROOT_PASSWORD, as KubeDB's start script does)"
    )]
    Placeholder {
        /// The pod.
        pod: String,
        /// The variable's name.
        name: String,
    },
    /// The pod's server is (or is not) running when the operation needs the other.
    #[error("pod {pod:?}: {message}")]
    State {
        /// The pod.
        pod: String,
        /// What is wrong.
        message: &'static str,
    },
    /// `SHOW STATUS LIKE 'wsrep%'` output could not be read.
    #[error("pod {pod:?}: wsrep status: {source}")]
    Status {
        /// The pod.
        pod: String,
        /// The parser's or the driver's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A node file (`grastate.dat`, the recovery log) could not be parsed.
    #[error("pod {pod:?}: {source}")]
    NodeFile {
        /// The pod.
        pod: String,
        /// The parser's error.
        #[source]
        source: galera::files::FileError,
    },
    /// The pod's server exited while it was waited for.
    #[error("pod {pod:?}: the server exited; the end of its error.log:\n{log}")]
    Exited {
        /// The pod.
        pod: String,
        /// The last lines of its `error.log`.
        log: String,
    },
    /// A wait ran out of time.
    #[error("pod {pod:?}: not {what} within {waited:?}; last seen: {last}")]
    Timeout {
        /// The pod.
        pod: String,
        /// What was waited for.
        what: String,
        /// How long.
        waited: Duration,
        /// The last status or error seen.
        last: String,
    },
    /// A drill step that cannot be run as asked (the model refuses the event, the recovery
    /// planner refuses, a server answers nonsense): the message says which and why.
    #[error("drill: {0}")]
    Drill(String),
    /// Ctrl-C, SIGTERM or SIGHUP arrived: the lab is being removed and the process exits
    /// with status 130 ([`crate::interrupted`]).
    #[error("interrupted: the lab is being removed")]
    Interrupted,
}

impl LabError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> LabError {
        let path = path.into();
        move |source| LabError::Io { path, source }
    }
}
