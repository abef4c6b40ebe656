//! `autoscaling.kubedb.com/v1alpha1`.

mod mariadb_autoscaler;

pub use mariadb_autoscaler::*;
