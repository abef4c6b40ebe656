//! An event-driven model of a Galera cluster's membership, in the style of a pure state
//! machine: [`Cluster::step`] takes one [`Event`] and updates every node as gcomm's PC layer
//! and the GCS state exchange would once the membership has settled.
//!
//! What is modelled (see `shared/reference/galera.md` §1 and §6):
//! - the transitional-view check of [`crate::quorum::decide`] per node, over that node's last
//!   primary view, with its own `pc.ignore_sb` / `pc.ignore_quorum` (never for a leaving node);
//! - a merge: the new component is primary when any member still is; otherwise it re-forms a
//!   primary only when every member of the newest last-primary view is reunited (restarted
//!   nodes keep their last primary view, as `gvwstate.dat` does; a graceful leave forgets it);
//! - conflicting primaries meeting (only possible with the ignore options): the nodes with
//!   the older last primary view abort;
//! - `pc.bootstrap` on a non-primary component, weight changes while primary (rejected
//!   otherwise), and the GCS rule that a node *ahead* of the primary's history aborts rather
//!   than rejoin ("reversing history").
//!
//! Not modelled: timeouts (a node starting without a reachable primary stays non-primary
//! here; the real one gives up after `pc.wait_prim_timeout`), state-transfer progress (a node
//! that joins a primary is predicted as settled: `Synced`), the `un` (unknown) flag, and
//! installs delivered inside transitional views.
//!
//! ```
//! use galera::sim::{Cluster, Event, NodeSpec};
//! use galera::status::ClusterStatus;
//! let mut c = Cluster::new(vec![NodeSpec::default(); 3]);
//! c.step(Event::Bootstrap(0)).unwrap();
//! c.step(Event::Start(1)).unwrap();
//! c.step(Event::Start(2)).unwrap();
//! c.step(Event::Crash(1)).unwrap();
//! c.step(Event::Crash(2)).unwrap();
//! let p = c.predict(0).unwrap();
//! assert_eq!(p.cluster_status, ClusterStatus::NonPrimary);
//! assert_eq!((p.size, p.weight, p.conf_id), (1, 0, -1));
//! ```
//!
//! Layout: `event` holds the inputs (node configuration, events, errors), `cluster` the state
//! machine ([`Cluster`]), `prediction` the output ([`Prediction`]).

mod cluster;
mod event;
mod prediction;

pub use cluster::{Cluster, LastPrimary};
pub use event::{Event, NodeId, NodeSpec, SimError};
pub use prediction::Prediction;
