//! Plan rendering: `cargo bench --bench plan`.
//!
//! - `plan/seed`: the walkthrough's environment, planned and rendered to YAML.
//! - `plan/32_clusters_1000_replicas`: 1000 ordinals round-robin over 32 clusters, the most
//!   one KubeSlice slice takes: planned, checked and rendered.
//! - `draft/100_clusters_1000_replicas`: the same over 100 clusters, which preflight refuses
//!   (more than 32 clusters in a slice): planned and rendered all the same.
//! - `fake_hub/seed_to_ready`: the seed applied to a fresh fake hub with simulated spokes (the
//!   generated schemas), waited for until the MariaDB is Ready.
//! - `fake_hub/reapply_unchanged`: the seed applied again to a hub that already has it.
//! - `schema/validate_mariadb`: the walkthrough's MariaDB validated against the pinned
//!   v2025.7.31 MariaDB CRD (`structural_schema::Validator`, compiled once), as the checker
//!   does per document; `schema/compile_mariadb_crd`: compiling that schema.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use deployer::{ApplyOptions, Environment, apply_plan, draft, plan};
use serde_json::json;
use simulated_clusters::harness::Deployed;

fn large(n: u32) -> Environment {
    let mut v = serde_json::to_value(Environment::seed()).expect("seed");
    let template = v["hub"]["managedClusters"][0].clone();
    let mut clusters = Vec::new();
    let mut interfaces = serde_json::Map::new();
    let mut rules = Vec::new();
    for c in 0..n {
        let name = format!("cluster-{c:03}");
        let mut mc = template.clone();
        mc["metadata"]["name"] = json!(name);
        mc["status"]["allocatable"] = json!({"cpu": "64", "memory": "256Gi"});
        clusters.push(mc);
        interfaces.insert(name.clone(), json!("eth0"));
        let ordinals: Vec<u32> = (0..1000).filter(|o| o % n == c).collect();
        rules.push(json!({"cluster": name, "ordinals": ordinals}));
    }
    v["hub"]["managedClusters"] = json!(clusters);
    v["hub"]["klusterlets"] = json!({});
    v["kubeslice"]["networkInterfaces"] = json!(interfaces);
    v["database"]["replicas"] = json!(1000);
    v["database"]["placement"] = json!(rules);
    Environment::from_value("large", v).expect("large environment")
}

fn bench(c: &mut Criterion) {
    let seed = Environment::seed();
    c.bench_function("plan/seed", |b| {
        b.iter(|| plan(black_box(&seed)).map(|p| p.files().len()))
    });
    let valid = large(32);
    if let Err(e) = plan(&valid) {
        panic!(
            "32 clusters do not plan: {:?}",
            e.findings
                .iter()
                .take(3)
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        );
    }
    let over = large(100);
    assert!(plan(&over).is_err(), "100 clusters exceed one slice");
    let mut group = c.benchmark_group("plan");
    group.sample_size(10);
    group.bench_function("32_clusters_1000_replicas", |b| {
        b.iter(|| plan(black_box(&valid)).map(|p| p.files().len()))
    });
    group.finish();
    let mut group = c.benchmark_group("draft");
    group.sample_size(10);
    group.bench_function("100_clusters_1000_replicas", |b| {
        b.iter(|| draft(black_box(&over)).map(|p| p.files().len()))
    });
    group.finish();
    fake_hub(c);
    schema_validation(c);
}

fn schema_validation(c: &mut Criterion) {
    let crd = kubedb_types::release::Release::WALKTHROUGH
        .crds()
        .iter()
        .find(|c| c["spec"]["names"]["plural"] == "mariadbs")
        .expect("the release serves MariaDB")
        .clone();
    let doc: serde_json::Value =
        serde_saphyr::from_str(include_str!("../seed/05-mariadb.yaml")).expect("MariaDB YAML");
    let validator = structural_schema::Validator::for_crd(&crd, "v1").expect("v1 schema");
    assert!(
        validator.validate(&doc, None).is_empty(),
        "the seed MariaDB is valid"
    );
    let mut group = c.benchmark_group("schema");
    group.bench_function("validate_mariadb", |b| {
        b.iter(|| validator.validate(black_box(&doc), None).len())
    });
    group.sample_size(10);
    group.bench_function("compile_mariadb_crd", |b| {
        b.iter(|| {
            structural_schema::Validator::for_crd(black_box(&crd), "v1").map(|v| v.problems().len())
        })
    });
    group.finish();
}

/// The walkthrough deployed to Ready on the simulated clusters (the harness: hub, world,
/// plan applied, MariaDB Ready), then re-applied unchanged.
fn fake_hub(c: &mut Criterion) {
    let env = Environment::seed();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let options = ApplyOptions::default();
    let ready = std::time::Duration::from_secs(30);
    let mut group = c.benchmark_group("fake_hub");
    group.sample_size(20);
    group.bench_function("seed_to_ready", |b| {
        b.iter(|| {
            rt.block_on(Deployed::environment(env.clone(), &options, ready))
                .expect("Ready")
        })
    });
    let deployed = rt
        .block_on(async {
            let d = Deployed::environment(env.clone(), &options, ready).await?;
            d.world.settled().await;
            Ok::<_, simulated_clusters::harness::DeployError>(d)
        })
        .expect("Ready");
    let rv = deployed.hub.resource_version();
    group.bench_function("reapply_unchanged", |b| {
        b.iter(|| {
            rt.block_on(async {
                apply_plan(&deployed.client, &deployed.plan, &options, |_| {}).await
            })
            .expect("re-apply")
        })
    });
    assert_eq!(
        deployed.hub.resource_version(),
        rv,
        "re-applying stored something"
    );
    drop(deployed);
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
