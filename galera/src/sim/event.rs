//! The model's inputs: how each node is configured ([`NodeSpec`]), what happens to the cluster
//! ([`Event`]), and why an event could not happen ([`SimError`]).

use std::collections::BTreeSet;

use thiserror::Error;

use crate::quorum::Settings;

/// A node's index in the cluster (its ordinal).
pub type NodeId = usize;

/// How a node is configured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeSpec {
    /// `pc.weight` (0 to 255; default 1).
    pub weight: u8,
    /// A Galera arbitrator (`garbd`): votes and counts in the size, holds no data.
    pub arbitrator: bool,
    /// `pc.ignore_sb` and `pc.ignore_quorum`.
    pub settings: Settings,
}

impl Default for NodeSpec {
    fn default() -> Self {
        NodeSpec {
            weight: 1,
            arbitrator: false,
            settings: Settings::default(),
        }
    }
}

/// Something that happens to the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Start a stopped node with `--wsrep-new-cluster`: a new single-node primary.
    Bootstrap(NodeId),
    /// Start a stopped node that joins whatever it can reach.
    Start(NodeId),
    /// The node's process dies (it keeps its last primary view on disk).
    Crash(NodeId),
    /// Several processes die at the same moment: peers see one membership change.
    Outage(BTreeSet<NodeId>),
    /// Graceful shutdown: peers see it leave; it forgets its last primary view.
    Leave(NodeId),
    /// Cut the network into groups; nodes in no group form one more group together.
    Partition(Vec<BTreeSet<NodeId>>),
    /// Reconnect everyone.
    Heal,
    /// `SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'` on a node.
    PcBootstrap(NodeId),
    /// `pc.weight=N` on a node (only accepted while it is primary).
    SetWeight(NodeId, u8),
    /// A transaction commits in the node's primary component.
    Write(NodeId),
}

/// Why an event could not happen.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum SimError {
    /// The node index is out of range.
    #[error("node {0} does not exist")]
    NoSuchNode(NodeId),
    /// Start or bootstrap of a node that is running.
    #[error("node {0} is already running")]
    Running(NodeId),
    /// An event that needs a running node.
    #[error("node {0} is not running")]
    NotRunning(NodeId),
    /// A weight change or write outside a primary component (galera answers EAGAIN).
    #[error("node {0} is not in a primary component")]
    NotPrimary(NodeId),
}
