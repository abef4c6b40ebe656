//! `worker.kubeslice.io/v1alpha1`.

mod objects;

pub use objects::*;
