//! `networking.kubeslice.io/v1beta1`.

mod objects;

pub use objects::*;
