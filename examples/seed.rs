//! `cargo run --example seed`: checks the seed walkthrough's manifests (bundled in
//! `examples/seed/`) as a hub running the walkthrough's KubeDB release (v2025.7.31) judges
//! them, then converts the PlacementPolicy to the newest release's shape and checks the bundle
//! as a hub running that release would.
//!
//! Exits 0 when both checks find nothing lossy or invalid, 1 otherwise, 2 when the bundle
//! cannot be read or the release files were not embedded (see `seed --help`).

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use distributed_galera::check::{Checker, Document, Summary, parse_yaml};
use kubedb_types::apps::v1::PlacementPolicy;
use kubedb_types::release::Release;

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

/// Checks the walkthrough's own manifests as its KubeDB release (v2025.7.31) judges them, then
/// converts its PlacementPolicy to the newest release's shape and checks again as that release.
///
/// Reads no input: the manifests are bundled (examples/seed/). Prints the checker's line for
/// each document (`<file>#<n> <kind> <namespace/name>: <verdict>`), what they were judged
/// against and the summary, the PlacementPolicy converted from `spec.ocm` to
/// `spec.clusterSpreadConstraint` (with any gap the conversion cannot fill), and the second
/// check.
#[derive(Parser)]
#[command(
    name = "seed",
    version,
    after_help = "Exit status:\n  0  both checks find nothing lossy or invalid\n  1  one does\n  2  a bundled manifest is not YAML, the release files were not embedded, or the arguments are wrong"
)]
struct Args {}

fn check(title: &str, release: Release, docs: &[Document]) -> Option<Summary> {
    println!("== {title}");
    let checker = match Checker::for_release(release) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return None;
        }
    };
    let reports = checker.check(docs);
    for r in &reports {
        println!("{r}");
    }
    let summary = Summary::of(&reports);
    println!("{}", checker.judged_against());
    println!("{summary}\n");
    Some(summary)
}

fn main() -> ExitCode {
    // `| head` ends the output quietly (exit 141), as other command-line tools do.
    sigpipe::reset();
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
    let Some(before) = check(
        "the seed's manifests as written, on the walkthrough's KubeDB",
        Release::WALKTHROUGH,
        &docs,
    ) else {
        return ExitCode::from(2);
    };

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
        let conversion = policy.for_release(Release::NEWEST, project_namespace.as_deref());
        println!(
            "== converting PlacementPolicy {} to KubeDB {}'s shape",
            doc.source.display(),
            Release::NEWEST
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
    let Some(after) = check(
        "the seed's manifests with the policy converted, on the newest KubeDB",
        Release::NEWEST,
        &docs,
    ) else {
        return ExitCode::from(2);
    };
    if before.lossy + before.invalid + after.lossy + after.invalid == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
