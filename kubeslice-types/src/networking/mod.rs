//! The `networking.kubeslice.io` API group: objects on the worker clusters.

pub mod v1beta1;
