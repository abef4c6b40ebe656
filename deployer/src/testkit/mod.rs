//! Test doubles for tools built on this crate (feature `testkit`): an in-process hub that a
//! [`kube::Client`] talks to ([`FakeHub`]) and simulated controllers and spokes behind it
//! ([`World`]) whose pods are Galera nodes of the `galera` model.
//!
//! Neither needs a Kubernetes cluster: a test builds the hub, starts the world and uses the
//! hub's client like a real one.

mod fields;
mod hub;
mod world;

mod admission;

pub use admission::serve_kubedb_release;
pub use hub::{
    AdmissionFn, AdmissionRequest, Change, CrdError, FakeHub, Fault, HubBody, HubError, Operation,
    Pruned, RequestRecord, Verb,
};
pub use world::*;
