//! Plans, checks, applies and observes a distributed MariaDB Galera cluster on an OCM hub.
//!
//! Planning is pure: from an [`Environment`] (the hub and what it reports, the KubeSlice
//! setup, the database request) [`plan`] produces every object of the walkthrough's Steps 3 to
//! 7 in dependency order, a preview of the ManifestWorks the PetSet controller sends to each
//! spoke, the Galera settings of each pod, a survival report judged by Galera's quorum rule,
//! and preflight findings. Errors in the findings mean no plan.
//!
//! ```
//! use deployer::{plan, Environment};
//! let plan = plan(&Environment::seed()).expect("the walkthrough's environment is valid");
//! let pods: Vec<_> = plan.placement.iter().map(|p| (p.pod.as_str(), p.cluster.as_str())).collect();
//! assert_eq!(pods, [("mariadb-0", "demo-controller"), ("mariadb-1", "demo-worker"), ("mariadb-2", "demo-controller")]);
//! assert!(plan.survival.lines().contains(&"lose demo-controller: loses quorum (1/3 votes)".to_owned()));
//! ```
//!
//! The kube edge is thin: [`apply_plan`] (server-side apply with one retry policy, waiting
//! between steps for typed [`Condition`]s), the watches [`wait_for_phase`] and [`watch_pods`],
//! and [`hub_client`].
//!
//! Day 2: [`read_current`] reads the database as it stands on a hub; [`day2::plan_day2`]
//! (pure) plans a scale, a new cluster or a drain as SliceConfig, PlacementPolicy and
//! `MariaDBOpsRequest` steps that keep survival at every ordinal; [`apply_day2`] applies and
//! awaits them; [`database_access`] gives embedding tools the credentials and the Synced
//! Primary members, and with `live` `connect` reads the members' status over SQL itself and
//! returns a `mysql_async` pool as well (the hub client is `hub_client`).
//!
//! Modules: `pipeline` assembles the plan from `plan` (the objects and previews),
//! `preflight`, `survival` and `environment`; `findings` names objects; `pod_table` decodes
//! pod ManifestWorks (pure); `conditions` says what is waited for, day 1 and day 2 (typed
//! gates over kube's `Condition`); `day2` plans day-2 steps (pure, public module); `runner` is
//! the one loop that applies a step and awaits its gates, for `apply` (day 1) and
//! `day2_apply`; `watch` awaits the gates; `wsrep` is the [`WsrepReader`] trait; `day2_read`,
//! `access`, `connect` and `sql` talk to the hub and the pods. This file only declares and
//! re-exports.
//!
//! Features: `client` (default) is the kube edge (`apply`, `conditions`, `watch`, `connect`;
//! kube's client and runtime, Tokio timers); without it the crate plans and judges only and
//! pulls no HTTP stack. `live` adds the `wsrep%` reader over SQL (`sql`).

#[cfg(feature = "client")]
mod access;
#[cfg(feature = "client")]
mod apply;
#[cfg(feature = "client")]
mod conditions;
#[cfg(feature = "client")]
mod connect;
pub mod day2;
#[cfg(feature = "client")]
mod day2_apply;
#[cfg(feature = "client")]
mod day2_read;
mod environment;
mod failover;
mod findings;
mod pipeline;
mod plan;
mod pod_table;
mod preflight;
#[cfg(feature = "client")]
mod runner;
#[cfg(feature = "live")]
mod sql;
mod survival;
#[cfg(feature = "client")]
mod watch;
#[cfg(feature = "client")]
mod wsrep;

#[cfg(feature = "client")]
pub use access::*;
#[cfg(feature = "client")]
pub use apply::*;
#[cfg(feature = "client")]
pub use conditions::{
    Condition, cluster_registered, mariadb_phase, namespace_exists, ops_request_final,
    slice_healthy,
};
#[cfg(feature = "client")]
pub use connect::*;
#[cfg(feature = "client")]
pub use day2_apply::*;
#[cfg(feature = "client")]
pub use day2_read::*;
pub use environment::*;
pub use failover::*;
pub use findings::*;
pub use pipeline::*;
pub use plan::*;
pub use pod_table::{PodRow, Readiness, pod_table, pods_ready, render_pod_table};
pub use preflight::{MIN_KUBERNETES, not_a_dns1123_label, quantity_value};
#[cfg(feature = "client")]
pub use runner::{ApplyOptions, FIELD_MANAGER, Progress};
#[cfg(feature = "live")]
pub use sql::*;
pub use survival::*;
#[cfg(feature = "client")]
pub use watch::{PhaseSeen, WaitError, wait_for_phase, watch_pods};
#[cfg(feature = "client")]
pub use wsrep::WsrepReader;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
