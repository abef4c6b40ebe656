//! The KubeSlice controller's admission rules, as pure functions.
//!
//! The webhook stops at the first failing rule; these functions run every rule in the
//! webhook's order and return every [`Violation`], each naming the field path and the
//! [`Rule`]. Rules that need other objects take them through [`HubState`]; an input left
//! `None` skips the rules that need it (documented per rule), so the static rules can run
//! with nothing but the object.
//!
//! ```
//! use kubeslice_types::controller::v1alpha1::SliceConfig;
//! use kubeslice_types::validation::{validate_slice_config, HubState, Rule};
//! let sc: SliceConfig = serde_json::from_value(serde_json::json!({
//!     "apiVersion": "controller.kubeslice.io/v1alpha1", "kind": "SliceConfig",
//!     "metadata": {"name": "s", "namespace": "kubeslice-p"},
//!     "spec": {"sliceSubnet": "10.1.0.0/24", "clusters": ["a", "b"],
//!              "sliceGatewayProvider": {"sliceGatewayType": "Wireguard", "sliceCaType": "Local"},
//!              "standardQosProfileName": "q"}
//! })).unwrap();
//! let v = validate_slice_config(&sc, &HubState::default());
//! assert_eq!(v[0].path, "spec.sliceSubnet");
//! assert!(matches!(v[0].rule, Rule::SubnetNotSlash16));
//! ```
//!
//! One module per kind, each with its webhook's rules: [`validate_slice_config`] and
//! [`validate_slice_config_update`] (with [`slice_subnet_violations`]) for SliceConfig,
//! [`validate_project`], [`validate_cluster`] and [`validate_slice_qos_config`]; the
//! [`Violation`] and [`Rule`] they report, and the [`HubState`] they read, in modules of their
//! own that every kind's module shares.

mod cluster;
mod hub;
mod project;
mod qos;
mod rule;
mod slice_config;

pub use cluster::validate_cluster;
pub use hub::{HubState, PROJECT_NAMESPACE_LABEL, is_project_namespace};
pub use project::{CONTROLLER_NAMESPACE, validate_project};
pub use qos::validate_slice_qos_config;
pub use rule::{Rule, Violation};
pub use slice_config::{
    slice_subnet_violations, validate_slice_config, validate_slice_config_update,
};
