//! `kubectl-galera`: plan, deploy, check and operate a MariaDB Galera cluster spread over
//! Kubernetes clusters with OCM and KubeSlice, the way KubeDB does it. Installed on `PATH` it
//! is also a kubectl plugin (`kubectl galera check ...`).
//!
//! Each subcommand is a module of [`cmd`]; what they share (exit statuses, the runtime,
//! broken pipes, the lab's preflight) is [`cli`].

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cli;
mod cmd;

use cli::Exit;

/// Plan, deploy, check and operate a MariaDB Galera cluster spread over Kubernetes clusters
/// with Open Cluster Management and KubeSlice, as KubeDB does it.
///
/// Commands that can act on a real hub (walkthrough --apply, scale) do so only when
/// --kubeconfig (or --context) is given; otherwise they run against an in-process fake hub
/// with simulated spokes. Installed on PATH, this is also the kubectl plugin `kubectl galera`.
#[derive(Parser)]
#[command(
    name = "kubectl-galera",
    version,
    propagate_version = true,
    after_help = "Exit status (each command's --help says what 0 and 1 mean for it):\n  0  success\n  1  findings, refused, or failed\n  2  unreadable input, wrong arguments, or --lab cannot run\n  130  --lab: interrupted; the lab is removed first"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Walkthrough(cmd::walkthrough::Args),
    Check(cmd::check::Args),
    Placement(cmd::placement::Args),
    Health(cmd::health::Args),
    Recover(cmd::recover::Args),
    Failover(cmd::failover::Args),
    Scale(cmd::scale::Args),
    Seed(cmd::seed::Args),
}

impl Command {
    /// `true` when the command runs a lab (real servers in network namespaces).
    fn uses_lab(&self) -> bool {
        match self {
            Command::Walkthrough(a) => a.lab,
            Command::Failover(a) => a.lab,
            Command::Scale(a) => a.lab,
            _ => false,
        }
    }
}

fn main() -> ExitCode {
    // Usage errors exit 2 and --help/--version 0, from clap.
    let cli = Cli::parse();
    try_main(cli.command).into()
}

fn try_main(command: Command) -> Exit {
    cli::setup(command.uses_lab());
    match command {
        Command::Walkthrough(args) => cmd::walkthrough::run(&args),
        Command::Check(args) => cmd::check::run(&args),
        Command::Placement(args) => cmd::placement::run(&args),
        Command::Health(args) => cmd::health::run(&args),
        Command::Recover(args) => cmd::recover::run(&args),
        Command::Failover(args) => cmd::failover::run(&args),
        Command::Scale(args) => cmd::scale::run(&args),
        Command::Seed(args) => cmd::seed::run(&args),
    }
}
