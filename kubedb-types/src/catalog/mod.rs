//! The `catalog.kubedb.com` API group.

pub mod v1alpha1;
