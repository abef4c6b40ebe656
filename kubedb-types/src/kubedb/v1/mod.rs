//! `kubedb.com/v1`.

mod mariadb;

pub use mariadb::*;
