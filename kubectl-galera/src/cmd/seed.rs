//! `kubectl-galera seed`: checks the seed walkthrough's manifests (bundled in the
//! `distributed-galera` crate, [`distributed_galera::seed`]) as a hub running the walkthrough's KubeDB release (v2025.7.31) judges
//! them, then converts the PlacementPolicy to the newest release's shape and checks the bundle
//! as a hub running that release would.
//!
//! Exits 0 when both checks find nothing lossy or invalid, 1 otherwise, 2 when the bundle
//! cannot be read (see `seed --help`).

use std::path::Path;

use distributed_galera::check::{Checker, Document, Summary, parse_yaml};
use kubedb_types::apps::v1::PlacementPolicy;
use kubedb_types::release::Release;

use crate::cli::Exit;

/// Checks the walkthrough's own manifests as its KubeDB release (v2025.7.31) judges them, then
/// converts its PlacementPolicy to the newest release's shape and checks again as that release.
///
/// Reads no input: the manifests are bundled (distributed-galera's seed/). Prints the checker's line for
/// each document (`<file>#<n> <kind> <namespace/name>: <verdict>`), what they were judged
/// against and the summary, the PlacementPolicy converted from `spec.ocm` to
/// `spec.clusterSpreadConstraint` (with any gap the conversion cannot fill), and the second
/// check.
#[derive(clap::Args)]
#[command(
    after_help = "Exit status:\n  0  both checks find nothing lossy or invalid\n  1  one does\n  2  a bundled manifest is not YAML, or the arguments are wrong"
)]
pub struct Args {}

fn check(title: &str, release: Release, docs: &[Document]) -> Summary {
    println!("== {title}");
    let checker = Checker::for_release(release);
    let reports = checker.check(docs);
    for r in &reports {
        println!("{r}");
    }
    let summary = Summary::of(&reports);
    println!("{}", checker.judged_against());
    println!("{summary}\n");
    summary
}

/// Runs `seed`.
pub fn run(_: &Args) -> Exit {
    let mut docs = Vec::new();
    for (name, text) in distributed_galera::seed::MANIFESTS {
        match parse_yaml(Path::new(name), text) {
            Ok(mut d) => docs.append(&mut d),
            Err(e) => {
                eprintln!("{e}");
                return Exit::Usage;
            }
        }
    }
    let before = check(
        "the seed's manifests as written, on the walkthrough's KubeDB",
        Release::WALKTHROUGH,
        &docs,
    );

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
    let after = check(
        "the seed's manifests with the policy converted, on the newest KubeDB",
        Release::NEWEST,
        &docs,
    );
    Exit::success_if(before.lossy + before.invalid + after.lossy + after.invalid == 0)
}
