//! `ops.kubedb.com/v1alpha1`.

mod mariadb_ops_request;

pub use mariadb_ops_request::*;
