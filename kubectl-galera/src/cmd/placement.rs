//! `kubectl-galera placement [--replicas N] [--name NAME] POLICY.yaml|-`
//!
//! Reads a PlacementPolicy (current or legacy `spec.ocm` shape), prints where each ordinal
//! runs (`<name>-<ordinal>  <cluster>  <storage class>`) and which single-cluster losses the
//! Galera cluster survives (strict majority of one vote per replica). Invalid policies print
//! every violation and exit 1; unreadable input exits 2 (see `placement --help`).

use std::path::PathBuf;

use distributed_galera::check::parse_yaml;
use kubedb_types::apps::v1::PlacementPolicy;
use kubedb_types::validation::{MAX_CLUSTER_NAME_LENGTH, MAX_GALERA_MEMBERS};
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
    after_help = "Exit status:\n  0  the policy is valid (the survival lines say what it survives)\n  1  the policy is invalid\n  2  the input cannot be read, is not YAML or has no PlacementPolicy, or the arguments are wrong\n     (--replicas outside 1..=9, --name not a DNS-1123 label)"
)]
pub struct Args {
    /// The PlacementPolicy YAML, or `-` for standard input.
    #[arg(value_name = "POLICY.yaml")]
    path: PathBuf,
    /// Replicas to place, 1 to 9 [default: as many as the policy's rules name]. KubeDB's
    /// ops webhook refuses a Galera cluster of more than 9 members
    /// (`kubedb_types::validation::MAX_GALERA_MEMBERS`).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_GALERA_MEMBERS)))]
    replicas: Option<u32>,
    /// The database's name, for the pod names: a DNS-1123 label (lowercase letters, digits and
    /// '-'), at most 32 characters for a cluster (KubeDB's limit for a clustered MariaDB).
    #[arg(long, default_value = "mariadb", value_parser = dns_label)]
    name: String,
}

/// Parses `--name`: a DNS-1123 label, as the MariaDB's (and its pods') name must be.
fn dns_label(s: &str) -> Result<String, String> {
    match deployer::not_a_dns1123_label(s) {
        None => Ok(s.to_owned()),
        Some(why) => Err(format!(
            "{s:?} is not a DNS-1123 label: {why}; the pods are named <name>-<ordinal>"
        )),
    }
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
    let (replicas, ordinals) = match args.replicas {
        Some(n) => (n, i32::try_from(n).unwrap_or(i32::MAX)),
        None => {
            let n = policy.len();
            match (u32::try_from(n), i32::try_from(n)) {
                (Ok(replicas), Ok(ordinals)) => (replicas, ordinals),
                _ => {
                    eprintln!(
                        "{}: the policy names {n} replicas: too many to place",
                        args.path.display()
                    );
                    return Exit::Usage;
                }
            }
        }
    };
    if replicas > 1 && args.name.len() > MAX_CLUSTER_NAME_LENGTH {
        eprintln!(
            "placement: --name {:?} has {} characters: KubeDB refuses a clustered MariaDB name longer than {MAX_CLUSTER_NAME_LENGTH}",
            args.name,
            args.name.len()
        );
        return Exit::Usage;
    }
    let mut violations: Vec<String> = policy.validate().iter().map(ToString::to_string).collect();
    if replicas == 0 {
        violations.push(
            "the policy maps no replica: give its clusters replica indices, or pass --replicas"
                .to_owned(),
        );
    }
    violations.extend(
        policy
            .validate_replicas(ordinals, 0)
            .iter()
            .map(ToString::to_string),
    );
    if !violations.is_empty() {
        for v in &violations {
            println!("invalid: {v}");
        }
        return Exit::Failure;
    }
    let mapping = Mapping::build(&policy);
    for ordinal in 0..ordinals {
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
