//! Where each pod of a distributed PetSet goes, whether that is valid, and whether it is a
//! good idea.
//!
//! A pure crate: no I/O, no clocks, no async. It takes values and returns values.
//!
//! - [`Policy`] and [`Mapping`]: ordinal → cluster exactly as the PetSet controller looks it
//!   up (the first rule in list order that lists the ordinal wins; an unmapped ordinal is an
//!   error), the storage-class override, and the kubeops webhook rules (contiguous indices,
//!   append-or-truncate updates, replicas covered, clusters in the slice).
//! - [`reference`](mod@reference): a direct, slow transcription of the upstream loops, the oracle of the
//!   property tests and the baseline of the benchmarks.
//! - [`spread`]: which node each pod lands on inside one cluster under the policy's zone and
//!   node spread constraints and node-affinity domains.
//! - [`plan`]: [`plan::distribute`], [`plan::scale`] and [`plan::migrate`], which choose
//!   layouts that survive the most single-cluster and single-domain failures, judged by a
//!   [`plan::Survival`] rule supplied by the caller (the `galera` crate's quorum rule in the
//!   deployer, [`plan::StrictMajority`] in tests).
//!
//! ```
//! use placement::{Mapping, Policy};
//! let policy = Policy::from_pairs([("demo-controller", vec![0, 2]), ("demo-worker", vec![1])]);
//! let mapping = Mapping::build(&policy);
//! assert_eq!(mapping.cluster(1).unwrap(), "demo-worker");
//! assert!(mapping.cluster(3).is_err());
//! assert!(policy.validate().is_empty());
//! ```

mod mapping;
pub mod plan;
mod policy;
pub mod reference;
pub mod spread;
#[cfg(feature = "proptest")]
pub mod strategies;
mod survival;

pub use mapping::{Mapping, PlacementError};
pub use policy::{Ordinal, Policy, PolicyViolation, Rule};

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
