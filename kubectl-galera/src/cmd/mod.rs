//! One module per subcommand: its arguments (`Args`, with its help and exit statuses) and
//! `run`, which prints what the command prints and returns how it ended.

pub mod check;
pub mod failover;
pub mod health;
pub mod placement;
pub mod recover;
pub mod scale;
pub mod seed;
pub mod walkthrough;
