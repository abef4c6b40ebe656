//! `controller.kubeslice.io/v1alpha1`.

mod cluster;
mod project;
mod service_export_config;
mod slice_config;
mod slice_qos_config;
mod vpn_key_rotation;

pub use cluster::*;
pub use project::*;
pub use service_export_config::*;
pub use slice_config::*;
pub use slice_qos_config::*;
pub use vpn_key_rotation::*;
