//! The `worker.kubeslice.io` API group: per-cluster objects the controller derives from
//! SliceConfigs and ServiceExportConfigs. Users read them; they do not write them.

pub mod v1alpha1;
