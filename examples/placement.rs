//! `cargo run --example placement -- POLICY.yaml [--replicas N] [--name NAME]`
//!
//! Reads a PlacementPolicy (current or legacy `spec.ocm` shape), prints where each ordinal
//! runs (`<name>-<ordinal>  <cluster>  <storage class>`) and which single-cluster losses the
//! Galera cluster survives (strict majority of one vote per replica). Invalid policies print
//! every violation and exit 1; unreadable input exits 2.

use std::process::ExitCode;

use distributed_galera::check::parse_yaml;
use kubedb_types::apps::v1::PlacementPolicy;
use placement::plan::{Failure, StrictMajority, survival_report, votes_of};
use placement::{Mapping, Policy};

struct Args {
    path: String,
    replicas: Option<u32>,
    name: String,
}

fn args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut path = None;
    let mut replicas = None;
    let mut name = "mariadb".to_owned();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--replicas" => {
                let v = it.next().ok_or("--replicas needs a number")?;
                replicas = Some(
                    v.parse()
                        .map_err(|_| format!("--replicas {v:?} is not a number"))?,
                );
            }
            "--name" => name = it.next().ok_or("--name needs a value")?,
            _ if path.is_none() => path = Some(arg),
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    Ok(Args {
        path: path.ok_or("usage: placement POLICY.yaml [--replicas N] [--name NAME]")?,
        replicas,
        name,
    })
}

fn main() -> ExitCode {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read_to_string(&args.path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: cannot read: {e}", args.path);
            return ExitCode::from(2);
        }
    };
    let docs = match parse_yaml(args.path.as_ref(), &text) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let Some(doc) = docs.iter().find(|d| d.value["kind"] == "PlacementPolicy") else {
        eprintln!("{}: no PlacementPolicy document", args.path);
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
