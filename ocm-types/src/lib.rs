//! Typed Open Cluster Management (OCM) APIs.
//!
//! This crate will hold the OCM kinds (ManagedCluster, ManifestWork, Placement, Klusterlet,
//! ...) faithful to the pinned upstream CRDs. The kinds arrive with the OCM issue; until then
//! the crate is intentionally empty.
