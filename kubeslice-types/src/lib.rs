//! Typed KubeSlice APIs and the checks KubeSlice's webhooks make, so a bad slice is caught
//! before it is applied.
//!
//! | group/version | kinds |
//! |---|---|
//! | [`controller::v1alpha1`] | Project, Cluster, SliceConfig, SliceQoSConfig, ServiceExportConfig, VpnKeyRotation |
//! | [`worker::v1alpha1`] | WorkerSliceConfig, WorkerSliceGateway, WorkerServiceImport, WorkerSliceGwRecycler |
//! | [`networking::v1beta1`] | ServiceExport, ServiceImport, SliceGateway, Slice |
//!
//! Enums carry the exact upstream spellings (`Wireguard`, `OpenVPN`, `AES-128-CBC`, DSCP
//! classes, ...). Fields the CRDs default stay `None` when absent, so objects round-trip as
//! written; accessors and `with_defaults` give the values the API server would store.
//! [`validation`] reproduces the webhook rules and [`dns`] the `slice.local` names.
//!
//! ```
//! use kubeslice_types::controller::v1alpha1::SliceConfig;
//! use kubeslice_types::common::SliceGatewayType;
//! let sc: SliceConfig = serde_json::from_value(serde_json::json!({
//!     "apiVersion": "controller.kubeslice.io/v1alpha1", "kind": "SliceConfig",
//!     "metadata": {"name": "demo-slice", "namespace": "kubeslice-demo-distributed-mariadb"},
//!     "spec": {"sliceSubnet": "10.1.0.0/16",
//!              "sliceGatewayProvider": {"sliceGatewayType": "Wireguard", "sliceCaType": "Local"},
//!              "clusters": ["demo-controller", "demo-worker"]}
//! })).unwrap();
//! assert_eq!(sc.spec.max_clusters(), 16);
//! assert_eq!(sc.spec.max_clusters, None, "the default is not written back");
//! let gw = sc.spec.slice_gateway_provider.unwrap();
//! assert_eq!(gw.slice_gateway_type, Some(SliceGatewayType::Wireguard));
//! ```

// `#[kube(printcolumn(..., type_ = "string", ...))]` repeated per column reads to clippy as a
// duplicated attribute.
#![allow(clippy::duplicated_attributes)]

pub mod common;
pub mod controller;
pub mod crds;
pub mod dns;
pub mod ipam;
pub mod networking;
pub mod validation;
pub mod worker;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
