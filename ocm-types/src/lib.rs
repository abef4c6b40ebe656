//! Typed Open Cluster Management (OCM) APIs, faithful to the upstream CRDs.
//!
//! | group | versions and kinds |
//! |---|---|
//! | [`cluster`] | v1 ManagedCluster; v1beta2 ManagedClusterSet, ManagedClusterSetBinding; v1beta1 Placement, PlacementDecision; v1alpha1 AddOnPlacementScore |
//! | [`work`] | v1 ManifestWork, AppliedManifestWork; v1alpha1 ManifestWorkReplicaSet |
//! | [`operator`] | v1 Klusterlet, ClusterManager |
//! | [`addon`] | v1alpha1 and v1beta1 ClusterManagementAddOn, ManagedClusterAddOn |
//!
//! Every optional field is an `Option` skipped when `None` (Go's empty strings for unset enums
//! are rejected by the API server, so they are never sent), nulls deserialize as `None`, and
//! ManifestWork manifests are embedded objects kept as JSON. Beyond the types: status feedback
//! decoding ([`work::v1::ManifestWork::decode_feedback`]), ManagedCluster and Klusterlet
//! helpers, and the webhook rules in [`validation`].
//!
//! ```
//! use ocm_types::work::v1::ManifestWork;
//! use kube::CustomResourceExt;
//! assert_eq!(ManifestWork::crd_name(), "manifestworks.work.open-cluster-management.io");
//! ```

// `#[kube(printcolumn(..., type_ = "string", ...))]` repeated per column reads to clippy as a
// duplicated attribute.
#![allow(clippy::duplicated_attributes)]

pub mod addon;
pub mod cluster;
pub mod common;
pub mod crds;
pub mod operator;
pub mod validation;
pub mod work;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
