//! Plan, check and reason about a MariaDB Galera cluster spread over several Kubernetes
//! clusters with Open Cluster Management and KubeSlice, the way KubeDB does it.
//!
//! This facade re-exports the workspace crates and adds the manifest [`check`]er, which
//! recognises every kind the workspace types and tells whether a document survives a round
//! trip through its type and the API server's pruning unchanged, and the one list of those
//! [`kinds`].

pub use deployer;
pub use galera;
pub use kubedb_types;
pub use kubeslice_types;
pub use ocm_types;
pub use placement;

pub mod check;
pub mod kinds;
pub mod seed;
pub use structural_schema as schema;
