//! Placement engine benchmarks: `cargo bench -p placement`.
//!
//! - `mapping/build_validate/N`: build the ordinal map and validate a policy of N indices over
//!   min(N, 10^4) clusters (round robin).
//! - `mapping/lookup`: one ordinal → cluster lookup in the 10^6 map.
//! - `reference/build_validate/N`: the upstream loops on the same workload (the baseline).
//! - `spread/1000_pods_10000_nodes`: zone and node spread (ScheduleAnyway) over 10 zones.
//! - `distribute/1000_clusters`: 1000 replicas over 1000 clusters in 10 regions.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use kubedb_types::apps::v1::{SpreadConstraint, WhenUnsatisfiable};
use placement::plan::{Candidate, DistributeOptions, StrictMajority, distribute};
use placement::spread::{Node, SpreadProblem, spread};
use placement::{Mapping, Policy, Rule, reference};

fn policy(indices: usize, clusters: usize) -> Policy {
    let mut rules: Vec<Rule> = (0..clusters)
        .map(|c| Rule {
            cluster: format!("cluster-{c:05}"),
            ..Rule::default()
        })
        .collect();
    for i in 0..indices {
        rules[i % clusters].indices.push(i as i32);
    }
    Policy { rules }
}

fn mapping(c: &mut Criterion) {
    let mut group = c.benchmark_group("mapping/build_validate");
    for n in [1_000usize, 10_000, 100_000, 1_000_000] {
        let p = policy(n, n.min(10_000));
        group.bench_with_input(BenchmarkId::from_parameter(n), &p, |b, p| {
            b.iter(|| {
                let v = black_box(p).validate();
                assert!(v.is_empty());
                Mapping::build(p)
            })
        });
    }
    group.finish();
    let p = policy(1_000_000, 10_000);
    let m = Mapping::build(&p);
    let mut ordinal = 0i32;
    c.bench_function("mapping/lookup", |b| {
        b.iter(|| {
            ordinal = (ordinal + 7_919) % 1_000_000;
            m.cluster(black_box(ordinal)).map(str::len)
        })
    });
}

fn baseline(c: &mut Criterion) {
    let mut group = c.benchmark_group("reference/build_validate");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3));
    for n in [1_000usize, 10_000] {
        let p = policy(n, n.min(10_000));
        group.bench_with_input(BenchmarkId::from_parameter(n), &p, |b, p| {
            b.iter(|| {
                assert!(reference::is_valid(black_box(p)));
                reference::assign(p, n as u32)
            })
        });
    }
    group.finish();
}

fn spreading(c: &mut Criterion) {
    let nodes: Vec<Node> = (0..10_000)
        .map(|i| {
            Node::new(
                &format!("node-{i:05}"),
                Some(&format!("zone-{}", i % 10)),
                4,
            )
        })
        .collect();
    let soft = Some(SpreadConstraint {
        max_skew: 1,
        when_unsatisfiable: WhenUnsatisfiable::ScheduleAnyway,
    });
    let problem = SpreadProblem {
        zone: soft.clone(),
        node: soft,
        ..SpreadProblem::new(nodes, 1_000)
    };
    let mut group = c.benchmark_group("spread");
    group.sample_size(20);
    group.bench_function("1000_pods_10000_nodes", |b| {
        b.iter(|| spread(black_box(&problem)).map(|s| s.nodes.len()))
    });
    group.finish();
}

fn planning(c: &mut Criterion) {
    let candidates: Vec<Candidate> = (0..1_000)
        .map(|i| {
            Candidate::new(&format!("cluster-{i:04}"), 3)
                .with_label("region", &format!("r{}", i % 10))
        })
        .collect();
    let options = DistributeOptions {
        domain_keys: vec!["region".into()],
        arbiters: 0,
    };
    let mut group = c.benchmark_group("distribute");
    group.sample_size(10);
    group.bench_function("1000_clusters", |b| {
        b.iter(|| {
            distribute(black_box(&candidates), 1_000, &options, &StrictMajority)
                .map(|p| p.policy.len())
        })
    });
    group.finish();
}

criterion_group!(benches, mapping, baseline, spreading, planning);
criterion_main!(benches);
