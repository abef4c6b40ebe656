//! Day-2 planning at scale: 32 clusters x 1000 replicas, scale up by 32 and drain one cluster.

use std::collections::BTreeMap;

use criterion::{Criterion, criterion_group, criterion_main};
use deployer::day2::{Current, Day2Options, Target, plan_day2};
use deployer::{Environment, plan};

fn current(clusters: usize, replicas: u32) -> Current {
    let env = Environment::seed();
    let p = plan(&env).expect("seed plans");
    let mut current = Current::from_plan(&p, &env).expect("seed objects");
    // Round-robin ordinals; the drained cluster (the last) holds the highest ordinals only.
    let names: Vec<String> = (0..clusters).map(|c| format!("c{c:02}")).collect();
    let mut rules: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for o in 0..replicas {
        let c = if o + 16 >= replicas {
            clusters - 1
        } else {
            o as usize % (clusters - 1)
        };
        rules.entry(&names[c]).or_default().push(o as i32);
    }
    let policy = placement::Policy::from_pairs(rules.into_iter().map(|(c, i)| (c.to_owned(), i)));
    if let Some(csc) = current.policy.spec.cluster_spread_constraint.as_mut() {
        csc.distribution_rules = policy.to_distribution_rules();
    }
    if let Some(ocm) = current.policy.spec.ocm.as_mut() {
        ocm.distribution_rules = Some(
            policy
                .rules
                .iter()
                .map(|r| kubedb_types::apps::v1::LegacyDistributionRule {
                    cluster_name: r.cluster.clone(),
                    replicas: Some(r.indices.clone()),
                })
                .collect(),
        );
    }
    current.slice.spec.clusters = Some(names);
    current.mariadb.spec.replicas = Some(replicas as i32);
    current
}

fn bench(c: &mut Criterion) {
    let now = current(32, 1000);
    let options = Day2Options {
        max_members: None,
        ..Day2Options::default()
    };
    c.bench_function("day2 scale 32x1000 -> 1032", |b| {
        b.iter(|| plan_day2(&now, &Target::Replicas(1032), &options).expect("plans"))
    });
    c.bench_function("day2 drain 1 of 32 clusters x 1000", |b| {
        b.iter(|| plan_day2(&now, &Target::Drain("c31".into()), &options).expect("plans"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
