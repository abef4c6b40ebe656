//! The `operator.open-cluster-management.io` API group.

pub mod v1;
