//! `kubectl-galera placement [--replicas N] [--name NAME] POLICY.yaml|-`
//!
//! Reads a PlacementPolicy (current or legacy `spec.ocm` shape), prints where each ordinal
//! runs (`<name>-<ordinal>  <cluster>  <storage class>`) and which single-cluster losses the
//! Galera cluster survives (strict majority of one vote per replica). Invalid policies print
//! every violation and exit 1; unreadable input exits 2 (see `placement --help`).

use std::path::PathBuf;

use distributed_galera::check::parse_yaml;
use kubedb_types::apps::v1::PlacementPolicy;
use placement::plan::{Failure, StrictMajority, survival_report, votes_of};
use placement::{Mapping, Policy};

use crate::cli::{Exit, read_text};

/// Where each ordinal of a PlacementPolicy runs, and which single-cluster losses the Galera
/// cluster survives.
///
/// Reads the first PlacementPolicy document (current or legacy `spec.ocm` shape) of
/// POLICY.yaml, or of standard input with `-`. Prints one line per ordinal, `<name>-<ordinal>
/// <cluster>  <storage class>`, then `lose <cluster>: survives` or `lose <cluster>: loses
/// quorum (<alive>/<all> votes)` for each cluster (a strict majority of one vote per
/// replica keeps a Primary component). An invalid policy prints `invalid: <reason>` lines.
#[derive(clap::Args)]
#[command(
    after_help = "Exit status:\n  0  the policy is valid (the survival lines say what it survives)\n  1  the policy is invalid\n  2  the input cannot be read, is not YAML or has no PlacementPolicy, or the arguments are wrong"
)]
pub struct Args {
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

/// Runs `placement`.
pub fn run(args: &Args) -> Exit {
    let text = match read_text(&args.path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            return Exit::Usage;
        }
    };
    let docs = match parse_yaml(&args.path, &text) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return Exit::Usage;
        }
    };
    let Some(doc) = docs.iter().find(|d| d.value["kind"] == "PlacementPolicy") else {
        eprintln!("{}: no PlacementPolicy document", args.path.display());
        return Exit::Usage;
    };
    let pp: PlacementPolicy = match serde_path_to_error::deserialize(&doc.value) {
        Ok(pp) => pp,
        Err(e) => {
            println!("invalid: {}: {}", e.path(), e.inner());
            return Exit::Failure;
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
        return Exit::Failure;
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
            return Exit::Failure;
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
    Exit::Success
}
