//! Quorum evaluation per view change and exhaustive survival analysis.

use std::collections::BTreeSet;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use galera::quorum::{Settings, SurvivalTable, Weight, decide};
use galera::sim::{Cluster, Event, NodeSpec};

fn bench(c: &mut Criterion) {
    c.bench_function("decide", |b| {
        b.iter(|| {
            decide(
                black_box(Weight(4)),
                Weight(1),
                black_box(Weight(9)),
                Settings::default(),
            )
        })
    });
    let weights: Vec<u8> = (0..20u8).map(|i| 1 + i % 4).collect();
    c.bench_function("survival 2^20 subsets", |b| {
        b.iter(|| {
            SurvivalTable::new(black_box(&weights), Settings::default()).map(|t| t.surviving())
        })
    });
    let mut nine = Cluster::new(vec![NodeSpec::default(); 9]);
    let _ = nine.step(Event::Bootstrap(0));
    for i in 1..9 {
        let _ = nine.step(Event::Start(i));
    }
    let split = Event::Partition(vec![
        BTreeSet::from([0, 1, 2, 3]),
        BTreeSet::from([4, 5, 6]),
    ]);
    c.bench_function("view change: 9 nodes split 4|3|2 and heal", |b| {
        b.iter(|| {
            let mut c = nine.clone();
            let _ = c.step(split.clone());
            let _ = c.step(Event::Heal);
            c
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
