//! The manifest checker's throughput: `cargo bench --bench check`.
//!
//! One file of 10,000 documents made from the walkthrough's own objects (its plan: Project,
//! Cluster, SliceConfig, PlacementPolicy, MariaDB; the pod and PVC ManifestWorks of each
//! spoke; the bundled seed manifests: Klusterlet, legacy PlacementPolicy, ...), each renamed,
//! every fifth one given an unknown top-level field (lossy) and every fifth another a `spec`
//! that is not an object (invalid). Checked from the file as `check` does (read, cut into
//! documents, parsed, judged), output discarded:
//!
//! - `check/10k_docs/1_job`: on the calling thread;
//! - `check/10k_docs/2_jobs`: with `--jobs 2`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use deployer::{Environment, plan};
use distributed_galera::check::{CheckOptions, Checker, Input, parse_yaml};
use serde_json::{Value, json};

const DOCUMENTS: usize = 10_000;

const SEED: [&str; 5] = [
    include_str!("../seed/01-klusterlet.yaml"),
    include_str!("../seed/02-kubeslice.yaml"),
    include_str!("../seed/03-placement-policy.yaml"),
    include_str!("../seed/04-sliceconfig.yaml"),
    include_str!("../seed/05-mariadb.yaml"),
];

/// The documents the stream is made of.
fn base() -> Vec<Value> {
    let plan = plan(&Environment::seed()).expect("the seed plans");
    let mut texts: Vec<String> = plan.files().into_values().collect();
    texts.extend(SEED.iter().map(|s| s.to_string()));
    texts
        .iter()
        .flat_map(|t| parse_yaml(Path::new("base.yaml"), t).expect("well-formed"))
        .map(|d| d.value)
        .collect()
}

/// `DOCUMENTS` documents, lossless, lossy and invalid mixed.
fn stream() -> String {
    let base = base();
    let mut out = String::new();
    for i in 0..DOCUMENTS {
        let mut doc = base[i % base.len()].clone();
        if let Some(name) = doc["metadata"]["name"].as_str() {
            doc["metadata"]["name"] = json!(format!("{name}-{i}"));
        }
        match i % 5 {
            3 => doc["benchExtraField"] = json!(i),
            4 => doc["spec"] = json!("not an object"),
            _ => {}
        }
        out.push_str("---\n");
        out.push_str(&serde_saphyr::to_string(&doc).expect("YAML"));
    }
    out
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("stream.yaml");
    std::fs::write(&file, stream()).expect("written");
    let inputs = [Input::Path(file)];
    let checker = Checker::new();
    let summary = checker.check_inputs(&inputs, &CheckOptions::default(), |_| {});
    eprintln!("the stream: {summary}");
    let mut group = c.benchmark_group("check");
    group.throughput(Throughput::Elements(DOCUMENTS as u64));
    group.sample_size(10);
    for jobs in [1, 2] {
        let options = CheckOptions {
            jobs,
            ..CheckOptions::default()
        };
        let name = if jobs == 1 { "1_job" } else { "2_jobs" };
        group.bench_function(format!("10k_docs/{name}"), |b| {
            b.iter(|| {
                black_box(checker.check_inputs(&inputs, &options, |item| drop(black_box(item))))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
