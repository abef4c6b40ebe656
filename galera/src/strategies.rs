//! Proptest strategies for the model's inputs (feature `proptest`), for downstream property
//! tests as well as ours: simulated clusters and event schedules for [`crate::sim`], one
//! node's `SHOW STATUS` variables for [`crate::status`] and [`crate::health`], and node
//! reports for [`crate::recovery`].
//!
//! ```
//! use galera::sim::Cluster;
//! use galera::strategies::schedule;
//! use proptest::prelude::*;
//! proptest!(|((specs, events) in schedule(1..=5, 20))| {
//!     let n = specs.len();
//!     let mut cluster = Cluster::new(specs);
//!     for event in events {
//!         let _ = cluster.step(event); // refused events leave the cluster as it was
//!     }
//!     // Without the ignore options and operator bootstraps, never two primaries.
//!     prop_assert!(cluster.components().iter().filter(|(_, primary)| *primary).count() <= 1);
//!     prop_assert_eq!(cluster.specs().len(), n);
//! });
//! ```

use std::collections::BTreeSet;

use proptest::prelude::*;

use crate::files::{RecoveredPosition, SavedState};
use crate::quorum::Settings;
use crate::recovery::NodeReport;
use crate::sim::{Event, NodeId, NodeSpec};

/// `n` nodes with weights in `weights`, the ignore options off, no arbitrators.
pub fn specs(
    n: std::ops::RangeInclusive<usize>,
    weights: std::ops::RangeInclusive<u8>,
) -> impl Strategy<Value = Vec<NodeSpec>> {
    prop::collection::vec(weights, n).prop_map(|ws| {
        ws.into_iter()
            .map(|weight| NodeSpec {
                weight,
                arbitrator: false,
                settings: Settings::default(),
            })
            .collect()
    })
}

/// A split of nodes `0..n` into labelled groups (at most 3).
pub fn partition(n: usize) -> impl Strategy<Value = Vec<BTreeSet<NodeId>>> {
    prop::collection::vec(0..3usize, n).prop_map(|labels| {
        let mut groups = vec![BTreeSet::new(); 3];
        for (node, label) in labels.into_iter().enumerate() {
            groups[label].insert(node);
        }
        groups
    })
}

/// One event of an operator-free schedule on `n` nodes: crashes, graceful leaves,
/// (re)starts, partitions, heals, weight changes and writes; never a bootstrap.
pub fn event(n: usize) -> impl Strategy<Value = Event> {
    prop_oneof![
        (0..n).prop_map(Event::Crash),
        prop::collection::btree_set(0..n, 1..=n).prop_map(Event::Outage),
        (0..n).prop_map(Event::Leave),
        (0..n).prop_map(Event::Start),
        partition(n).prop_map(Event::Partition),
        Just(Event::Heal),
        ((0..n), 0..=4u8).prop_map(|(m, w)| Event::SetWeight(m, w)),
        (0..n).prop_map(Event::Write),
    ]
}

/// `n` nodes with weights in `weights` and `pc.ignore_sb` / `pc.ignore_quorum` drawn per
/// node: clusters that can split their brain.
pub fn risky_specs(
    n: std::ops::RangeInclusive<usize>,
    weights: std::ops::RangeInclusive<u8>,
) -> impl Strategy<Value = Vec<NodeSpec>> {
    prop::collection::vec((weights, any::<bool>(), any::<bool>()), n).prop_map(|ws| {
        ws.into_iter()
            .map(|(weight, ignore_sb, ignore_quorum)| NodeSpec {
                weight,
                arbitrator: false,
                settings: Settings {
                    ignore_sb,
                    ignore_quorum,
                },
            })
            .collect()
    })
}

/// [`event`], plus what operators do: `pc.bootstrap` on a node and a start with
/// `--wsrep-new-cluster`.
pub fn operator_event(n: usize) -> impl Strategy<Value = Event> {
    prop_oneof![
        6 => event(n),
        1 => (0..n).prop_map(Event::PcBootstrap),
        1 => (0..n).prop_map(Event::Bootstrap),
    ]
}

/// A cluster of [`risky_specs`] and a schedule of up to `len` [`operator_event`]s.
pub fn risky_schedule(
    n: std::ops::RangeInclusive<usize>,
    len: usize,
) -> impl Strategy<Value = (Vec<NodeSpec>, Vec<Event>)> {
    risky_specs(n, 0..=3).prop_flat_map(move |specs| {
        let n = specs.len();
        (
            Just(specs),
            prop::collection::vec(operator_event(n), 0..=len),
        )
    })
}

/// A cluster and a schedule of up to `len` events for it.
pub fn schedule(
    n: std::ops::RangeInclusive<usize>,
    len: usize,
) -> impl Strategy<Value = (Vec<NodeSpec>, Vec<Event>)> {
    specs(n, 0..=3).prop_flat_map(move |specs| {
        let n = specs.len();
        (Just(specs), prop::collection::vec(event(n), 0..=len))
    })
}

/// One node's `SHOW STATUS LIKE 'wsrep%'` as `(variable, value)` pairs, each variable left
/// out now and then: the server's spellings mostly (`Primary`, `non-Primary`,
/// `Disconnected`, `ON`/`OFF`, local states 0 to 4), plus what a broken or foreign source
/// gives (`NULL`, an empty status, a lower-case `primary`, a size of 0, a conf id printed
/// unsigned or as -1, an unrelated variable), two cluster histories and two gcomm UUIDs, so
/// that nodes drawn independently sometimes share a component or claim one identity.
/// Every pair is accepted by [`crate::status::WsrepStatus::from_pairs`].
pub fn status_variables() -> impl Strategy<Value = Vec<(String, String)>> {
    let var = |name: &'static str, values: Vec<&'static str>| {
        proptest::option::weighted(0.85, proptest::sample::select(values))
            .prop_map(move |v| v.map(|v| (name.to_owned(), v.to_owned())))
    };
    (
        var(
            "wsrep_cluster_status",
            vec![
                "Primary",
                "Primary",
                "Primary",
                "non-Primary",
                "non-Primary",
                "Disconnected",
                "NULL",
                "primary",
                "",
            ],
        ),
        var("wsrep_cluster_size", vec!["1", "2", "3", "3", "0"]),
        var(
            "wsrep_cluster_conf_id",
            vec!["3", "4", "18446744073709551615", "-1"],
        ),
        var(
            "wsrep_cluster_state_uuid",
            vec![
                "3c1f6a2e-5b7d-11f0-9a1b-0242ac120002",
                "4d2a7b3f-5b7d-11f0-9a1b-0242ac120002",
            ],
        ),
        var(
            "wsrep_incoming_addresses",
            vec![
                "10.0.0.1:3306",
                "10.0.0.1:3306,10.0.0.2:3306",
                "10.0.0.2:3306,10.0.0.3:3306",
                "10.0.0.1:3306,10.0.0.2:3306,10.0.0.3:3306",
                "",
            ],
        ),
        var("wsrep_ready", vec!["ON", "OFF"]),
        var("wsrep_connected", vec!["ON", "OFF"]),
        var("wsrep_local_state", vec!["0", "1", "2", "4"]),
        var("wsrep_last_committed", vec!["5", "9", "12"]),
        proptest::option::weighted(0.1, Just(("foo".to_owned(), "bar".to_owned()))),
        proptest::option::weighted(
            0.15,
            proptest::sample::select(vec![
                "a1a1a1a1-0000-11f0-8000-000000000000",
                "b2b2b2b2-0000-11f0-8000-000000000000",
            ])
            .prop_map(|u| ("wsrep_gcomm_uuid".to_owned(), u.to_owned())),
        ),
    )
        .prop_map(|t| {
            [t.0, t.1, t.2, t.3, t.4, t.5, t.6, t.7, t.8, t.9, t.10]
                .into_iter()
                .flatten()
                .collect()
        })
}

/// The nil UUID: the history of a node that never joined a cluster.
const NIL: &str = "00000000-0000-0000-0000-000000000000";

/// What one node left after a full outage, unnamed (set [`NodeReport::name`] before
/// planning): maybe a `grastate.dat` (one of two histories or the nil UUID, seqno -1..12,
/// `safe_to_bootstrap` 0, 1 or absent), maybe a `--wsrep-recover` position, and one node in
/// ten an arbitrator.
pub fn node_report() -> impl Strategy<Value = NodeReport> {
    const U1: &str = "3c1f6a2e-5b7d-11f0-9a1b-0242ac120002";
    const U2: &str = "4d2a7b3f-5b7d-11f0-9a1b-0242ac120002";
    let uuid = proptest::sample::select(vec![U1, U1, U2, NIL]);
    let saved =
        proptest::option::of((uuid.clone(), -1i64..12, proptest::option::of(any::<bool>())));
    let recovered = proptest::option::of((uuid, -1i64..12));
    (saved, recovered, proptest::bool::weighted(0.1)).prop_map(|(saved, recovered, arbitrator)| {
        NodeReport {
            saved: saved.map(|(u, s, safe)| SavedState {
                version: None,
                uuid: u.to_owned(),
                seqno: s,
                safe_to_bootstrap: safe,
            }),
            recovered: recovered.map(|(u, s)| RecoveredPosition {
                uuid: u.to_owned(),
                seqno: s,
                gtid: None,
            }),
            arbitrator,
            ..NodeReport::default()
        }
    })
}
