//! Typed KubeSlice APIs.
//!
//! This crate will hold the KubeSlice kinds (Project, Cluster, SliceConfig, ...) and the
//! SliceConfig webhook rules as pure functions. The kinds arrive with the KubeSlice issue;
//! until then the crate is intentionally empty.
