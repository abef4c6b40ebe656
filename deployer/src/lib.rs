//! Plans, checks, applies and observes a distributed MariaDB on an OCM hub.
//!
//! Composes the type crates, `placement` and `galera`. The planner arrives with the deployer
//! issues; until then the crate is intentionally empty.
