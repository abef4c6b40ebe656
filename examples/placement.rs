//! `cargo run --example placement -- [--replicas N] [--name NAME] POLICY.yaml|-`
//!
//! Reads a PlacementPolicy (current or legacy `spec.ocm` shape), prints where each ordinal
//! runs (`<name>-<ordinal>  <cluster>  <storage class>`) and which single-cluster losses the
//! Galera cluster survives (strict majority of one vote per replica). Invalid policies print
//! every violation and exit 1; unreadable input exits 2 (see `placement --help`).

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use distributed_galera::check::{STDIN, parse_yaml};
use kubedb_types::apps::v1::PlacementPolicy;
use placement::plan::{Failure, StrictMajority, survival_report, votes_of};
use placement::{Mapping, Policy};

/// Where each ordinal of a PlacementPolicy runs, and which single-cluster losses the Galera
/// cluster survives.
///
/// Reads the first PlacementPolicy document (current or legacy `spec.ocm` shape) of
/// POLICY.yaml, or of standard input with `-`. Prints one line per ordinal, `<name>-<ordinal>
/// <cluster>  <storage class>`, then `lose <cluster>: survives` or `lose <cluster>: loses
/// quorum (<alive>/<all> votes)` for each cluster (a strict majority of one vote per
/// replica keeps a Primary component). An invalid policy prints `invalid: <reason>` lines.
#[derive(Parser)]
#[command(
    name = "placement",
    version,
    after_help = "Exit status:\n  0  the policy is valid (the survival lines say what it survives)\n  1  the policy is invalid\n  2  the input cannot be read, is not YAML or has no PlacementPolicy, or the arguments are wrong"
)]
struct Args {
    /// The PlacementPolicy YAML, or `-` for standard input.
    #[arg(value_name = "POLICY.yaml")]
    path: PathBuf,
    /// Replicas to place [default: as many as the policy's rules name].
    #[arg(long, value_name = "N")]
    replicas: Option<u32>,
    /// The database's name, for the pod names.
    #[arg(long, default_value = "mariadb")]
    name: String,
}

fn main() -> ExitCode {
    // `| head` ends the output quietly (exit 141), as other command-line tools do.
    sigpipe::reset();
    let args = Args::parse();
    let read = if args.path.as_os_str() == STDIN {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map(|_| text)
    } else {
        std::fs::read_to_string(&args.path)
    };
    let text = match read {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: cannot read: {e}", args.path.display());
            return ExitCode::from(2);
        }
    };
    let docs = match parse_yaml(&args.path, &text) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let Some(doc) = docs.iter().find(|d| d.value["kind"] == "PlacementPolicy") else {
        eprintln!("{}: no PlacementPolicy document", args.path.display());
        return ExitCode::from(2);
    };
    let pp: PlacementPolicy = match serde_path_to_error::deserialize(&doc.value) {
        Ok(pp) => pp,
        Err(e) => {
            println!("invalid: {}: {}", e.path(), e.inner());
            return ExitCode::from(1);
        }
    };
    let policy = Policy::from_placement_policy(&pp);
    let replicas = args.replicas.unwrap_or(policy.len() as u32);
    let mut violations = policy.validate();
    violations.extend(policy.validate_replicas(replicas as i32, 0));
    if !violations.is_empty() {
        for v in &violations {
            println!("invalid: {v}");
        }
        return ExitCode::from(1);
    }
    let mapping = Mapping::build(&policy);
    for ordinal in 0..replicas as i32 {
        let cluster = mapping.cluster(ordinal).unwrap_or("-");
        let class = mapping.storage_class(ordinal).unwrap_or("-");
        println!("{}-{ordinal}  {cluster}  {class}", args.name);
    }
    let votes = match votes_of(&policy, replicas) {
        Ok(v) => v,
        Err(e) => {
            println!("invalid: {e}");
            return ExitCode::from(1);
        }
    };
    let report = survival_report(&votes, &Default::default(), &[], &StrictMajority);
    for outcome in &report.outcomes {
        if let Failure::Cluster(cluster) = &outcome.failure {
            if outcome.survives {
                println!("lose {cluster}: survives");
            } else {
                println!(
                    "lose {cluster}: loses quorum ({}/{} votes)",
                    outcome.alive, outcome.total
                );
            }
        }
    }
    ExitCode::SUCCESS
}
