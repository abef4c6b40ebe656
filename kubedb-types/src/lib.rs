//! Typed KubeDB APIs for a distributed MariaDB Galera cluster.
//!
//! Hand-written from the released CRDs, one module per API group and version, in the style
//! of `k8s-openapi` and kube-rs:
//!
//! | kind | module | scope |
//! |---|---|---|
//! | `MariaDB` | [`kubedb::v1`] | namespaced, short name `md` |
//! | `PlacementPolicy` | [`apps::v1`] | cluster |
//! | `PetSet` | [`apps::v1`] | namespaced |
//! | `MariaDBVersion` | [`catalog::v1alpha1`] | cluster |
//! | `MariaDBOpsRequest` | [`ops::v1alpha1`] | namespaced, short name `mariaops` |
//! | `MariaDBAutoscaler` | [`autoscaling::v1alpha1`] | namespaced, short name `mdscaler` |
//!
//! Every optional field is an `Option` that is skipped when `None`, so an object read and
//! written back is unchanged and server-side apply claims only what was set. The
//! [`validation`] module reproduces the checks KubeDB's and kubeops' webhooks make, so a bad
//! object is caught before it reaches a cluster, for the KubeDB [`release`] the hub runs
//! (its pinned CRDs and MariaDBVersion catalog are embedded at build time).
//!
//! ```
//! use kubedb_types::kubedb::v1::MariaDB;
//! use kube::CustomResourceExt;
//! assert_eq!(MariaDB::crd_name(), "mariadbs.kubedb.com");
//! assert_eq!(MariaDB::shortnames(), &["md"]);
//! ```

// `#[kube(printcolumn(..., type_ = "string", ...))]` repeated per column reads to clippy as a
// duplicated attribute.
#![allow(clippy::duplicated_attributes)]

pub mod apps;
pub mod autoscaling;
pub mod catalog;
pub mod common;
pub mod kubedb;
pub mod ops;
pub mod release;
pub mod validation;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
