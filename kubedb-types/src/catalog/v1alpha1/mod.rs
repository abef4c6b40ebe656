//! `catalog.kubedb.com/v1alpha1`.

mod mariadb_version;

pub use mariadb_version::*;
