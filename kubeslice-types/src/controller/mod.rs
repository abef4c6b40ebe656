//! The `controller.kubeslice.io` API group: objects users create on the controller cluster.

pub mod v1alpha1;
