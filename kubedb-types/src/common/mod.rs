//! Types shared by several KubeDB kinds.
//!
//! Upstream keeps these in the kmodules libraries (`offshoot-api`, `client-go/api/v1`,
//! `monitoring-agent-api`); they are grouped here by the same split.

pub mod kmapi;
pub mod monitoring;
pub mod offshoot;
pub mod quantity;
