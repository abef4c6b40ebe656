//! The plan: every object of the walkthrough's Steps 3 to 7 in dependency order, and a preview
//! of what the PetSet controller sends to each spoke.
//!
//! Layout: `model` holds the plan's types, `objects` the objects of Steps 3 to 7 and where each
//! ordinal goes, `spokes` the preview of each spoke's ManifestWorks and Galera settings. This
//! file only declares and re-exports.

mod model;
mod objects;
mod spokes;

pub use model::{GaleraConfig, Placed, Plan, PlanObject, SpokePreview, Step, yaml_stream};
pub use objects::default_slice_spec;
pub(crate) use objects::{placed, steps};
pub use spokes::pod_slice_address;
pub(crate) use spokes::{offshoot_labels, previews};

pub use kubedb_types::apps::v1::{CLUSTER_NAME_ANNOTATION, ROLE_LABEL};

/// KubeSlice's names, from the KubeSlice crate (re-exported for the simulated clusters and
/// embedding tools that already use them from here).
pub use kubeslice_types::controller::v1alpha1::project_namespace;
pub use kubeslice_types::worker::v1alpha1::worker_slice_config_name;
