//! Day-2 planning (pure): from the database as it stands to a new size or layout, as an
//! ordered list of steps that each keep the database safe.
//!
//! The steps are the three writes KubeDB's distributed guide uses
//! (`kubedb/docs@v2026.7.10:docs/guides/mariadb/distributed/opsrequest/horizontal_scale.md`):
//! a SliceConfig update that joins a new cluster to the slice, a PlacementPolicy update
//! (the policy is the upper bound: it may list more indices than `spec.replicas`), and a
//! `MariaDBOpsRequest` of type `HorizontalScaling` (scaling down removes the highest indices,
//! as a PetSet does).
//!
//! The layout path comes from [`placement::plan::migrate`] (and [`placement::plan::scale`] /
//! [`placement::plan::distribute`] for the target), judged with Galera's quorum
//! ([`GaleraQuorum`](crate::GaleraQuorum)): every intermediate state survives every single-cluster loss that both
//! the start and the target survive, and none drops below [`MIN_MEMBERS`]. Consecutive
//! ordinal removals (or additions) are merged into one OpsRequest: the PetSet removes and adds
//! pods one ordinal at a time, through exactly the states `migrate` checked.
//!
//! ```
//! use deployer::{day2::{plan_day2, Current, Target, Day2Options}, plan, Environment};
//! let env = Environment::seed();
//! let p = plan(&env).unwrap();
//! let current = Current::from_plan(&p, &env).unwrap();
//! let err = plan_day2(&current, &Target::Replicas(2), &Day2Options::default()).unwrap_err();
//! assert!(err.to_string().contains("at least 3"));
//! ```

mod model;
mod phases;

pub use model::*;
pub use phases::plan_day2;
