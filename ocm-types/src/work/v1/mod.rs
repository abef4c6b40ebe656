//! `work.open-cluster-management.io/v1`: ManifestWork and AppliedManifestWork.
//!
//! Modules depend one way: `feedback` (status feedback values) ← `manifest_work` (the
//! work's types) ← `reading` (the work's status read back); everything is re-exported here.

mod applied;
mod feedback;
mod manifest_work;
mod reading;

pub use applied::*;
pub use feedback::*;
pub use manifest_work::*;
