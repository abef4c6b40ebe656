//! The store: objects keyed by resource and name, one resource-version counter, field
//! ownership, and the write semantics of create, update, merge patch, server-side apply,
//! the status subresource, delete and dry runs, with pruning, schema validation and
//! validating admission on the way in.
//!
//! Every write goes through [`State::store`]: namespace existence, schema validation with
//! ratcheting against the stored object, admission webhooks, then (when the result differs
//! from what is stored) a new resource version, `generation` when the spec changed,
//! `managedFields`, and a [`Change`](crate::watch::Change) on the feed.
//!
//! Layout: `error` holds the refusals and what was pruned, `state` the stored objects, their
//! reads, deletion and validating admission, `write` the write semantics and
//! [`State::store`].

mod error;
mod state;
mod write;

pub use error::{HubError, Pruned};
pub use state::{AdmissionFn, AdmissionRequest, Operation};
pub(crate) use state::{State, Store, Webhook};
pub(crate) use write::Write;
