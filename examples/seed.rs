//! `cargo run --example seed`: checks the seed walkthrough's manifests (bundled in
//! `examples/seed/`) against the workspace types and admission rules, converts the legacy
//! PlacementPolicy to the current API shape, and checks the result again.
//!
//! Exits 0 when the converted bundle has nothing lossy or invalid (see `seed --help`).

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use distributed_galera::check::{Checker, Document, Summary, parse_yaml};
use kubedb_types::apps::v1::PlacementPolicy;

const SEED: [(&str, &str); 5] = [
    (
        "01-klusterlet.yaml",
        include_str!("seed/01-klusterlet.yaml"),
    ),
    ("02-kubeslice.yaml", include_str!("seed/02-kubeslice.yaml")),
    (
        "03-placement-policy.yaml",
        include_str!("seed/03-placement-policy.yaml"),
    ),
    (
        "04-sliceconfig.yaml",
        include_str!("seed/04-sliceconfig.yaml"),
    ),
    ("05-mariadb.yaml", include_str!("seed/05-mariadb.yaml")),
];

/// Checks the walkthrough's own manifests, converts its legacy PlacementPolicy, checks again.
///
/// Reads no input: the manifests are bundled (examples/seed/). Prints the checker's line for
/// each document (`<file>#<n> <kind> <namespace/name>: <verdict>`) and its summary, the
/// PlacementPolicy converted from the legacy `spec.ocm` shape to `spec.clusterSpreadConstraint`
/// (with any gap the conversion cannot fill), and the check of the converted bundle.
#[derive(Parser)]
#[command(
    name = "seed",
    version,
    after_help = "Exit status:\n  0  the converted bundle has nothing lossy or invalid\n  1  it has\n  2  a bundled manifest is not YAML, or the arguments are wrong"
)]
struct Args {}

fn check(title: &str, docs: &[Document]) -> Summary {
    println!("== {title}");
    let reports = Checker::new().check(docs);
    for r in &reports {
        println!("{r}");
    }
    let summary = Summary::of(&reports);
    println!("{summary}\n");
    summary
}

fn main() -> ExitCode {
    Args::parse();
    let mut docs = Vec::new();
    for (name, text) in SEED {
        match parse_yaml(Path::new(name), text) {
            Ok(mut d) => docs.append(&mut d),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        }
    }
    check("the seed's manifests as written", &docs);

    // The legacy shape has no project namespace: KubeSlice names it after the Project.
    let project_namespace = docs
        .iter()
        .find(|d| d.value["kind"] == "Project")
        .and_then(|d| d.value["metadata"]["name"].as_str())
        .map(|p| format!("kubeslice-{p}"));
    for doc in docs
        .iter_mut()
        .filter(|d| d.value["kind"] == "PlacementPolicy")
    {
        let Ok(policy) = serde_json::from_value::<PlacementPolicy>(doc.value.clone()) else {
            continue;
        };
        let conversion = policy.converted(project_namespace.as_deref());
        println!(
            "== converting PlacementPolicy {} to the current shape",
            doc.source.display()
        );
        for gap in &conversion.gaps {
            println!("gap: {gap}");
        }
        match serde_saphyr::to_string(&conversion.policy) {
            Ok(yaml) => println!("{yaml}"),
            Err(e) => eprintln!("cannot render the converted policy: {e}"),
        }
        match serde_json::to_value(&conversion.policy) {
            Ok(value) => doc.value = value,
            Err(e) => eprintln!("cannot convert the policy: {e}"),
        }
    }
    let after = check("the seed's manifests with the policy converted", &docs);
    if after.lossy + after.invalid == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
