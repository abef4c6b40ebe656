//! `work.open-cluster-management.io/v1`: ManifestWork and AppliedManifestWork.

mod applied;
mod feedback;
mod manifest_work;

pub use applied::*;
pub use feedback::*;
pub use manifest_work::*;
