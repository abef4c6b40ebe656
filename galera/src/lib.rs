//! A pure model of a Galera cluster, and what tools need to operate one.
//!
//! No I/O, no clocks: values in, values out.
//!
//! - [`quorum`]: the primary-component rule of `gcomm/src/pc_proto.cpp`, and survival tables.
//! - [`sim`]: an event-driven membership model predicting each node's `wsrep%` status.
//! - [`status`]: `SHOW STATUS LIKE 'wsrep%'`, typed (from pairs, `mysql_common` rows with the `mysql` feature, or the
//!   client's text: boxed table, vertical `\G` form, tab-separated).
//! - [`files`]: `grastate.dat`, `gvwstate.dat` and every spelling of the `--wsrep-recover`
//!   position; [`files::NodeFile::identify`] tells them apart.
//! - [`recovery`]: which node to bootstrap after a full outage, and the join order.
//! - [`transfer`]: how a joiner received its state (SST, IST, from which donor), from its
//!   error log.
//! - [`health`]: a verdict (healthy, degraded, split-brain, no-primary) with remedies and the
//!   evidence they rest on, or none when what a verdict needs was not read.
//! - `live` (feature `live`): read a running server's status with mysql_async.
//! - `strategies` (feature `proptest`): proptest strategies for the model's inputs (clusters
//!   and event schedules, status variables, node reports), for downstream property tests.
//!
//! Every public type that a tool prints derives `serde::Serialize`.
//!
//! ```
//! use galera::quorum::{decide, Decision, Settings, Weight};
//! // Three nodes of weight 1; two of them crash: 2·1 + 0 > 3 is false.
//! let d = decide(Weight::sum([1]), Weight::sum([]), Weight::sum([1, 1, 1]), Settings::default());
//! assert_eq!(d, Decision::NonPrimary);
//! ```

pub mod files;
pub mod health;
#[cfg(feature = "live")]
pub mod live;
pub mod quorum;
pub mod recovery;
pub mod sim;
pub mod status;
#[cfg(feature = "proptest")]
pub mod strategies;
pub mod transfer;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
