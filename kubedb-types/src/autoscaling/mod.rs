//! The `autoscaling.kubedb.com` API group: automatic compute and storage scaling.

pub mod v1alpha1;
