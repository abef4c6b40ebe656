//! A pure model of a Galera cluster.
//!
//! No I/O, no clocks: values in, values out. This first part is the primary-component rule
//! of `gcomm/src/pc_proto.cpp` ([`quorum`]); node states, recovery and `wsrep%` parsing come
//! with the Galera issue.
//!
//! ```
//! use galera::quorum::{decide, Decision, Settings, Weight};
//! // Three nodes of weight 1; two of them crash: 2·1 + 0 > 3 is false.
//! let d = decide(Weight::sum([1]), Weight::sum([]), Weight::sum([1, 1, 1]), Settings::default());
//! assert_eq!(d, Decision::NonPrimary);
//! ```

pub mod quorum;
