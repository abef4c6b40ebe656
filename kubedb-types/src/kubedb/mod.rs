//! The `kubedb.com` API group.

pub mod v1;
