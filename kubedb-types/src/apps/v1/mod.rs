//! `apps.k8s.appscode.com/v1`.

mod petset;
mod placement_policy;

pub use petset::*;
pub use placement_policy::*;
