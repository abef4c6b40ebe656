//! Properties of the membership model over random schedules.

use std::collections::BTreeSet;

use galera::quorum::Settings;
use galera::sim::{Cluster, Event, NodeSpec};
use galera::strategies::{partition, schedule};
use proptest::prelude::*;

fn formed(specs: Vec<NodeSpec>) -> Cluster {
    let n = specs.len();
    let mut c = Cluster::new(specs);
    c.step(Event::Bootstrap(0)).expect("node 0 is stopped");
    for i in 1..n {
        c.step(Event::Start(i)).expect("node is stopped");
    }
    c
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// With the ignore options off and no operator bootstraps, two disjoint components are
    /// never both primary, after any step.
    #[test]
    fn never_two_primaries((specs, events) in schedule(1..=6, 40)) {
        let mut c = formed(specs);
        for e in events {
            let _ = c.step(e.clone());
            let primaries = c.components().into_iter().filter(|(_, p)| *p).count();
            prop_assert!(primaries <= 1, "after {e:?}: {:?}", c.components());
        }
    }

    /// After a schedule, restarting every node and healing the network re-forms a primary
    /// exactly when something was still primary or every member of the newest remembered
    /// last primary view is back with the identity it had there (a node that left gracefully
    /// and restarted is a new member); the primary then holds every node.
    #[test]
    fn heal_re_forms_a_primary_exactly_when_the_rule_says((specs, events) in schedule(1..=6, 40)) {
        let n = specs.len();
        let mut c = formed(specs);
        for e in events {
            let _ = c.step(e);
        }
        for i in 0..n {
            if !c.is_running(i) {
                c.step(Event::Start(i)).expect("stopped node starts");
            }
        }
        let newest = (0..n).filter_map(|i| c.last_primary(i)).max_by_key(|v| v.seq);
        let reunited = newest.is_some_and(|v| v.members.iter().all(|(m, id)| c.uuid(*m) == Some(*id)));
        let expected = (0..n).any(|i| c.is_primary(i)) || reunited;
        c.step(Event::Heal).expect("heal");
        prop_assert!(c.aborted().is_empty(), "no node is ahead without a bootstrap");
        let comps = c.components();
        prop_assert_eq!(comps.len(), 1);
        prop_assert_eq!(comps[0].1, expected, "{:?}", comps);
    }

    /// With `pc.ignore_sb` an exact-half split gives two primaries (the model is faithful,
    /// not merely safe); without it, neither half is primary.
    #[test]
    fn ignore_sb_exact_half_split_gives_two_primaries(k in 1usize..=4, order in Just(()).prop_perturb(|_, mut rng| {
        let mut v: Vec<usize> = (0..8).collect();
        for i in (1..v.len()).rev() { v.swap(i, (rng.next_u32() as usize) % (i + 1)); }
        v
    })) {
        let half: BTreeSet<usize> = order.iter().copied().filter(|&i| i < 2 * k).take(k).collect();
        for ignore_sb in [true, false] {
            let spec = NodeSpec { settings: Settings { ignore_sb, ignore_quorum: false }, ..NodeSpec::default() };
            let mut c = formed(vec![spec; 2 * k]);
            c.step(Event::Partition(vec![half.clone()])).expect("partition");
            let primaries = c.components().into_iter().filter(|(_, p)| *p).count();
            prop_assert_eq!(primaries, if ignore_sb { 2 } else { 0 });
        }
    }

    /// A partition never changes which nodes run, and a node's size is its component's.
    #[test]
    fn sizes_are_component_sizes((specs, _) in schedule(2..=6, 0), groups in partition(6)) {
        let n = specs.len();
        let mut c = formed(specs);
        let groups: Vec<BTreeSet<usize>> = groups.into_iter().map(|g| g.into_iter().filter(|&i| i < n).collect()).collect();
        c.step(Event::Partition(groups)).expect("partition");
        for (comp, _) in c.components() {
            for &i in &comp {
                prop_assert_eq!(c.predict(i).expect("running").size, comp.len());
            }
        }
        prop_assert!((0..n).all(|i| c.is_running(i)));
    }
}
