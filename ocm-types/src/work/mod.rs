//! The `work.open-cluster-management.io` API group.

pub mod v1;
pub mod v1alpha1;
