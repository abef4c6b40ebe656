//! The `ops.kubedb.com` API group: day-2 operations on a database.

pub mod v1alpha1;
