//! The state machine: [`Cluster::step`] applies one [`Event`] and lets the membership settle
//! (transitional views, state exchange, primary installs), as the module docs describe.

use std::collections::{BTreeMap, BTreeSet};

use crate::quorum::{Decision, Weight, decide};
use crate::status::{ClusterStatus, LocalState};

use super::event::{Event, NodeId, NodeSpec, SimError};
use super::prediction::Prediction;

/// A primary view as a node remembers it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PrimView {
    seq: u64,
    members: BTreeMap<NodeId, u8>,
    uuids: BTreeMap<NodeId, u64>,
}

/// A node's last primary view, as its `gvwstate.dat` records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastPrimary {
    /// The view's sequence number (larger is newer).
    pub seq: u64,
    /// The members and the identity ([`Cluster::uuid`]) each had in that view.
    pub members: BTreeMap<NodeId, u64>,
}

/// One node's modelled state.
#[derive(Clone, Debug, Default)]
struct Node {
    running: bool,
    /// The gcomm identity: kept across a restart from `gvwstate.dat`, new otherwise.
    uuid: u64,
    group: usize,
    /// The members this node was last together with (its current EVS view).
    view: BTreeSet<NodeId>,
    prim: bool,
    last_prim: Option<PrimView>,
    /// Cluster history (state UUID) and position, `None` before any data.
    history: Option<(u64, u64)>,
    conf_id: i64,
}

/// A simulated cluster.
#[derive(Clone, Debug)]
pub struct Cluster {
    specs: Vec<NodeSpec>,
    nodes: Vec<Node>,
    next_view: u64,
    next_history: u64,
    next_uuid: u64,
    aborted: Vec<NodeId>,
}

impl Cluster {
    /// A cluster of stopped nodes, all on one network.
    pub fn new(specs: Vec<NodeSpec>) -> Cluster {
        let nodes = vec![Node::default(); specs.len()];
        Cluster {
            specs,
            nodes,
            next_view: 1,
            next_history: 1,
            next_uuid: 0,
            aborted: Vec::new(),
        }
    }

    /// The nodes' configuration.
    pub fn specs(&self) -> &[NodeSpec] {
        &self.specs
    }

    /// Whether the node's process is running.
    pub fn is_running(&self, n: NodeId) -> bool {
        self.nodes.get(n).is_some_and(|x| x.running)
    }

    /// Whether the node is running in a primary component.
    pub fn is_primary(&self, n: NodeId) -> bool {
        self.nodes.get(n).is_some_and(|x| x.running && x.prim)
    }

    /// Nodes that aborted so far (conflicting primaries, or ahead of the primary's history).
    pub fn aborted(&self) -> &[NodeId] {
        &self.aborted
    }

    /// The components (sets of running nodes that see each other), each with whether it is
    /// primary.
    pub fn components(&self) -> Vec<(BTreeSet<NodeId>, bool)> {
        self.partition()
            .into_iter()
            .map(|c| {
                let prim = c.iter().all(|&n| self.nodes[n].prim);
                (c, prim)
            })
            .collect()
    }

    /// The node's committed position (`seqno`), `None` before any history.
    pub fn seqno(&self, n: NodeId) -> Option<u64> {
        self.nodes.get(n).and_then(|x| x.history).map(|(_, s)| s)
    }

    /// The node's history (its cluster state UUID, as a number), `None` before any data.
    pub fn history(&self, n: NodeId) -> Option<u64> {
        self.nodes.get(n).and_then(|x| x.history).map(|(h, _)| h)
    }

    /// The node's last primary view, as its `gvwstate.dat` would record it.
    pub fn last_primary(&self, n: NodeId) -> Option<LastPrimary> {
        let view = self.nodes.get(n)?.last_prim.as_ref()?;
        Some(LastPrimary {
            seq: view.seq,
            members: view.uuids.clone(),
        })
    }

    /// The node's current gcomm identity (0 before its first start). A restart keeps it only
    /// when the node remembers a last primary view; a fresh start (first start, or after a
    /// graceful leave removed `gvwstate.dat`) gets a new one.
    pub fn uuid(&self, n: NodeId) -> Option<u64> {
        self.nodes.get(n).map(|x| x.uuid)
    }

    /// What the node's `wsrep%` status shows; `None` when it is not running.
    pub fn predict(&self, n: NodeId) -> Option<Prediction> {
        let node = self.nodes.get(n).filter(|x| x.running)?;
        let size = self
            .nodes
            .iter()
            .filter(|x| x.running && x.group == node.group)
            .count();
        Some(if node.prim {
            let weight = node
                .last_prim
                .as_ref()
                .map_or(0, |v| v.members.values().map(|&w| u64::from(w)).sum());
            Prediction {
                cluster_status: ClusterStatus::Primary,
                size,
                weight,
                local_state: LocalState::Synced,
                ready: true,
                connected: true,
                conf_id: node.conf_id,
            }
        } else {
            Prediction {
                cluster_status: ClusterStatus::NonPrimary,
                size,
                weight: 0,
                local_state: LocalState::Initialized,
                ready: false,
                connected: true,
                conf_id: -1,
            }
        })
    }

    /// Apply one event and let the membership settle.
    pub fn step(&mut self, event: Event) -> Result<(), SimError> {
        let mut left = BTreeSet::new();
        match event {
            Event::Bootstrap(n) | Event::Start(n) => {
                let node = self.node(n)?;
                if node.running {
                    return Err(SimError::Running(n));
                }
                node.running = true;
                node.prim = false;
                if node.last_prim.is_none() {
                    self.next_uuid += 1;
                    self.nodes[n].uuid = self.next_uuid;
                }
                let node = &mut self.nodes[n];
                // A fresh process: its first view is always a change.
                node.view = BTreeSet::new();
                if matches!(event, Event::Bootstrap(_)) {
                    node.prim = true;
                    // A new cluster starts its configurations over: the first is 1.
                    node.conf_id = 0;
                    let members = BTreeMap::from([(n, self.specs[n].weight)]);
                    self.install(&BTreeSet::from([n]), members, false);
                }
            }
            Event::Crash(n) => {
                self.running(n)?;
                self.nodes[n].running = false;
                self.nodes[n].prim = false;
            }
            Event::Outage(nodes) => {
                for &n in &nodes {
                    self.running(n)?;
                }
                for n in nodes {
                    self.nodes[n].running = false;
                    self.nodes[n].prim = false;
                }
            }
            Event::Leave(n) => {
                self.running(n)?;
                let node = &mut self.nodes[n];
                node.running = false;
                node.prim = false;
                node.last_prim = None;
                left.insert(n);
            }
            Event::Partition(groups) => {
                for g in &groups {
                    for &n in g {
                        self.node(n)?;
                    }
                }
                let rest = groups.len() + 1;
                for (i, node) in self.nodes.iter_mut().enumerate() {
                    node.group = groups
                        .iter()
                        .position(|g| g.contains(&i))
                        .map_or(rest, |p| p + 1);
                }
            }
            Event::Heal => self.nodes.iter_mut().for_each(|x| x.group = 0),
            Event::PcBootstrap(n) => {
                self.running(n)?;
                if !self.nodes[n].prim {
                    let comp = self.component_of(n);
                    let members = comp.iter().map(|&m| (m, self.specs[m].weight)).collect();
                    self.install(&comp, members, false);
                }
            }
            Event::SetWeight(n, w) => {
                self.running(n)?;
                if !self.nodes[n].prim {
                    return Err(SimError::NotPrimary(n));
                }
                self.specs[n].weight = w;
                for m in self.component_of(n) {
                    if let Some(v) = self.nodes[m].last_prim.as_mut() {
                        v.members.insert(n, w);
                    }
                }
            }
            Event::Write(n) => {
                self.running(n)?;
                if !self.nodes[n].prim {
                    return Err(SimError::NotPrimary(n));
                }
                for m in self.component_of(n) {
                    if let Some((_, seqno)) = self.nodes[m].history.as_mut() {
                        *seqno += 1;
                    }
                }
            }
        }
        self.settle(&left);
        Ok(())
    }

    fn node(&mut self, n: NodeId) -> Result<&mut Node, SimError> {
        self.nodes.get_mut(n).ok_or(SimError::NoSuchNode(n))
    }

    fn running(&mut self, n: NodeId) -> Result<(), SimError> {
        if self.node(n)?.running {
            Ok(())
        } else {
            Err(SimError::NotRunning(n))
        }
    }

    fn component_of(&self, n: NodeId) -> BTreeSet<NodeId> {
        let g = self.nodes[n].group;
        (0..self.nodes.len())
            .filter(|&m| self.nodes[m].running && self.nodes[m].group == g)
            .collect()
    }

    fn partition(&self) -> Vec<BTreeSet<NodeId>> {
        let mut by_group: BTreeMap<usize, BTreeSet<NodeId>> = BTreeMap::new();
        for (i, n) in self.nodes.iter().enumerate().filter(|(_, n)| n.running) {
            by_group.entry(n.group).or_default().insert(i);
        }
        by_group.into_values().collect()
    }

    /// Recompute components until no node aborts.
    fn settle(&mut self, left: &BTreeSet<NodeId>) {
        let mut left = left.clone();
        loop {
            let mut aborted = BTreeSet::new();
            for comp in self.partition() {
                if comp.iter().all(|&n| self.nodes[n].view == comp) {
                    continue;
                }
                aborted.extend(self.change(&comp, &left));
            }
            if aborted.is_empty() {
                return;
            }
            for &n in &aborted {
                self.nodes[n].running = false;
                self.nodes[n].prim = false;
                self.aborted.push(n);
            }
            left.clear();
        }
    }

    /// A membership change delivered to the nodes of `comp`; returns nodes that abort.
    fn change(&mut self, comp: &BTreeSet<NodeId>, left: &BTreeSet<NodeId>) -> BTreeSet<NodeId> {
        // Transitional view: each node judges its own last primary view.
        for &n in comp {
            let node = &self.nodes[n];
            if !node.prim {
                continue;
            }
            let Some(p) = &node.last_prim else { continue };
            let weight = |pick: &dyn Fn(NodeId) -> bool| {
                Weight(
                    p.members
                        .iter()
                        .filter(|(m, _)| pick(**m))
                        .map(|(_, &w)| u64::from(w))
                        .sum(),
                )
            };
            let members = weight(&|m| comp.contains(&m) && node.view.contains(&m));
            let gone = weight(&|m| left.contains(&m) && node.view.contains(&m));
            let total = weight(&|_| true);
            if decide(members, gone, total, self.specs[n].settings) != Decision::Primary {
                self.nodes[n].prim = false;
            }
        }
        // State exchange.
        let prims: BTreeMap<u64, Vec<NodeId>> = comp
            .iter()
            .filter(|&&n| self.nodes[n].prim)
            .filter_map(|&n| Some((self.nodes[n].last_prim.as_ref()?.seq, n)))
            .fold(BTreeMap::new(), |mut acc, (seq, n)| {
                acc.entry(seq).or_insert_with(Vec::new).push(n);
                acc
            });
        if let Some((&newest, _)) = prims.last_key_value() {
            let losers: BTreeSet<NodeId> = prims
                .iter()
                .filter(|&(&s, _)| s != newest)
                .flat_map(|(_, v)| v.clone())
                .collect();
            if !losers.is_empty() {
                return losers;
            }
        }
        let regain = prims.is_empty() && {
            let newest = comp
                .iter()
                .filter_map(|&n| self.nodes[n].last_prim.as_ref())
                .max_by_key(|v| v.seq);
            newest.is_some_and(|v| {
                v.uuids
                    .iter()
                    .all(|(m, uuid)| comp.contains(m) && self.nodes[*m].uuid == *uuid)
            })
        };
        for &n in comp {
            self.nodes[n].view = comp.clone();
        }
        if prims.is_empty() && !regain {
            for &n in comp {
                self.nodes[n].prim = false;
            }
            return BTreeSet::new();
        }
        let members = comp.iter().map(|&m| (m, self.specs[m].weight)).collect();
        self.install(comp, members, !prims.is_empty())
    }

    /// Install a new primary view on `comp` and run the GCS exchange; returns nodes that
    /// abort because their history is ahead of the primary's.
    fn install(
        &mut self,
        comp: &BTreeSet<NodeId>,
        members: BTreeMap<NodeId, u8>,
        from_primary: bool,
    ) -> BTreeSet<NodeId> {
        let seq = self.next_view;
        self.next_view += 1;
        // Representative: the most advanced node that was in the primary, else any.
        let data = |n: &NodeId| !self.specs[*n].arbitrator;
        let was_prim: Vec<NodeId> = comp
            .iter()
            .copied()
            .filter(|n| data(n) && self.nodes[*n].prim)
            .collect();
        let pool: Vec<NodeId> = if from_primary && !was_prim.is_empty() {
            was_prim
        } else {
            comp.iter().copied().filter(data).collect()
        };
        let rep = pool
            .iter()
            .filter_map(|&n| self.nodes[n].history.map(|h| (h.1, n, h)))
            .max()
            .map(|(_, _, h)| h);
        let history = rep.unwrap_or_else(|| {
            self.next_history += 1;
            (self.next_history, 0)
        });
        // The GCS quorum's configuration count comes from the same representatives: a
        // joiner's older count does not matter.
        let conf_id = pool
            .iter()
            .map(|&n| self.nodes[n].conf_id)
            .max()
            .unwrap_or(0)
            .max(0)
            + 1;
        let uuids: BTreeMap<NodeId, u64> =
            members.keys().map(|&m| (m, self.nodes[m].uuid)).collect();
        let mut aborted = BTreeSet::new();
        for &n in comp {
            if let Some((uuid, seqno)) = self.nodes[n].history
                && uuid == history.0
                && seqno > history.1
                && data(&n)
            {
                aborted.insert(n);
                continue;
            }
            let node = &mut self.nodes[n];
            node.prim = true;
            node.view = comp.clone();
            node.last_prim = Some(PrimView {
                seq,
                members: members.clone(),
                uuids: uuids.clone(),
            });
            node.conf_id = conf_id;
            if data(&n) {
                node.history = Some(history);
            }
        }
        aborted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quorum::Settings;

    fn formed(specs: Vec<NodeSpec>) -> Cluster {
        let n = specs.len();
        let mut c = Cluster::new(specs);
        c.step(Event::Bootstrap(0)).unwrap();
        for i in 1..n {
            c.step(Event::Start(i)).unwrap();
        }
        c
    }

    fn weights(ws: &[u8]) -> Vec<NodeSpec> {
        ws.iter()
            .map(|&weight| NodeSpec {
                weight,
                ..NodeSpec::default()
            })
            .collect()
    }

    fn status(c: &Cluster, n: NodeId) -> (ClusterStatus, usize, u64) {
        let p = c.predict(n).unwrap();
        (p.cluster_status, p.size, p.weight)
    }

    #[test]
    fn forming_three_nodes_counts_conf_ids() {
        let c = formed(weights(&[1, 1, 1]));
        for n in 0..3 {
            let p = c.predict(n).unwrap();
            assert_eq!(
                (p.cluster_status, p.size, p.weight, p.conf_id),
                (ClusterStatus::Primary, 3, 3, 3)
            );
            assert_eq!(p.local_state, LocalState::Synced);
        }
    }

    #[test]
    fn check_pc_weighted_quorum() {
        // gcomm/test/check_pc.cpp test_weighted_quorum: weights {0,1,2}, split {2} | {0,1}.
        let mut c = formed(weights(&[0, 1, 2]));
        c.step(Event::Partition(vec![BTreeSet::from([2])])).unwrap();
        let w: Vec<u64> = (0..3).map(|n| c.predict(n).unwrap().weight).collect();
        assert_eq!(w, [0, 0, 2]);
        assert!(c.is_primary(2) && !c.is_primary(0) && !c.is_primary(1));
    }

    #[test]
    fn check_pc_quorum_2_to_2_in_3_node_cluster() {
        // P = {n0, n1}; n2 isolated but running; then n1 is cut off while n2 meets n0.
        let mut c = Cluster::new(weights(&[1, 1, 1]));
        c.step(Event::Partition(vec![
            BTreeSet::from([0, 1]),
            BTreeSet::from([2]),
        ]))
        .unwrap();
        c.step(Event::Bootstrap(0)).unwrap();
        c.step(Event::Start(1)).unwrap();
        c.step(Event::Start(2)).unwrap();
        assert!(c.is_primary(0) && c.is_primary(1) && !c.is_primary(2));
        c.step(Event::Partition(vec![
            BTreeSet::from([0, 2]),
            BTreeSet::from([1]),
        ]))
        .unwrap();
        assert!((0..3).all(|n| !c.is_primary(n)), "{:?}", c.components());
    }

    #[test]
    fn mtr_pc_weight_isolate_heavy_node() {
        // galera_3nodes/t/galera_pc_weight.test: weights 3/1/1, isolate the heavy node.
        let mut c = formed(weights(&[3, 1, 1]));
        c.step(Event::Partition(vec![BTreeSet::from([0])])).unwrap();
        assert_eq!(status(&c, 0), (ClusterStatus::Primary, 1, 3));
        let p = c.predict(1).unwrap();
        assert_eq!(
            (p.cluster_status, p.size, p.ready, p.connected),
            (ClusterStatus::NonPrimary, 2, false, true)
        );
        assert_eq!((p.local_state, p.conf_id), (LocalState::Initialized, -1));
    }

    #[test]
    fn graceful_stops_keep_the_last_node_primary() {
        let mut c = formed(weights(&[1, 1, 1]));
        c.step(Event::Leave(1)).unwrap();
        c.step(Event::Leave(2)).unwrap();
        assert_eq!(status(&c, 0), (ClusterStatus::Primary, 1, 1));
    }

    #[test]
    fn two_nodes_one_crash_is_split_brain_unless_ignored() {
        let mut c = formed(weights(&[1, 1]));
        c.step(Event::Crash(1)).unwrap();
        assert!(!c.is_primary(0));
        let sb = NodeSpec {
            settings: Settings {
                ignore_sb: true,
                ignore_quorum: false,
            },
            ..NodeSpec::default()
        };
        let mut c = formed(vec![sb.clone(), sb]);
        c.step(Event::Crash(1)).unwrap();
        assert!(c.is_primary(0));
    }

    #[test]
    fn partition_heals_and_primary_absorbs_the_minority() {
        let mut c = formed(weights(&[1, 1, 1]));
        c.step(Event::Partition(vec![BTreeSet::from([2])])).unwrap();
        assert!(c.is_primary(0) && !c.is_primary(2));
        c.step(Event::Heal).unwrap();
        assert!((0..3).all(|n| c.predict(n).unwrap().size == 3 && c.is_primary(n)));
        assert_eq!(c.predict(2).unwrap().conf_id, 5);
    }

    #[test]
    fn full_split_re_forms_only_when_the_last_primary_is_reunited() {
        let mut c = formed(weights(&[1, 1, 1, 1]));
        c.step(Event::Partition(vec![BTreeSet::from([0, 1])]))
            .unwrap();
        assert!((0..4).all(|n| !c.is_primary(n)));
        c.step(Event::Heal).unwrap();
        assert!((0..4).all(|n| c.is_primary(n)));
    }

    #[test]
    fn pc_bootstrap_and_reversing_history() {
        let mut c = formed(weights(&[1, 1, 1]));
        c.step(Event::Partition(vec![
            BTreeSet::from([0]),
            BTreeSet::from([1]),
            BTreeSet::from([2]),
        ]))
        .unwrap();
        assert!((0..3).all(|n| !c.is_primary(n)));
        c.step(Event::PcBootstrap(1)).unwrap();
        assert_eq!(status(&c, 1), (ClusterStatus::Primary, 1, 1));
        c.step(Event::Heal).unwrap();
        assert!((0..3).all(|n| c.is_primary(n)));

        // Writes land on n0 and n1 only; n2 bootstraps alone; n0 rejoining would reverse history.
        let mut c = formed(weights(&[1, 1, 1]));
        c.step(Event::Partition(vec![BTreeSet::from([2])])).unwrap();
        c.step(Event::Write(0)).unwrap();
        c.step(Event::Crash(0)).unwrap();
        c.step(Event::Crash(1)).unwrap();
        c.step(Event::PcBootstrap(2)).unwrap();
        c.step(Event::Heal).unwrap();
        c.step(Event::Start(0)).unwrap();
        assert_eq!(c.aborted(), [0]);
        assert!(!c.is_running(0));
    }

    #[test]
    fn a_gracefully_left_node_restarts_as_a_new_member() {
        // Found by the heal property: n1 remembers P = {n0, n1}, but n0 left gracefully
        // (no gvwstate.dat) and restarts with a new identity, so P is not reunited while
        // n2 is still primary elsewhere.
        let mut c = formed(weights(&[2, 1, 3]));
        c.step(Event::Leave(2)).unwrap();
        c.step(Event::Crash(1)).unwrap();
        c.step(Event::Start(2)).unwrap();
        c.step(Event::Leave(0)).unwrap();
        assert!(c.is_primary(2));
        c.step(Event::Partition(vec![BTreeSet::from([2])])).unwrap();
        c.step(Event::Start(0)).unwrap();
        c.step(Event::Start(1)).unwrap();
        assert!(!c.is_primary(0) && !c.is_primary(1));
        c.step(Event::Heal).unwrap();
        assert!((0..3).all(|n| c.is_primary(n)), "the primary absorbs them");
    }

    #[test]
    fn weight_change_needs_a_primary() {
        let mut c = formed(weights(&[1, 1, 1]));
        c.step(Event::SetWeight(0, 3)).unwrap();
        assert_eq!(c.predict(1).unwrap().weight, 5);
        c.step(Event::Partition(vec![BTreeSet::from([0])])).unwrap();
        assert!(c.is_primary(0) && !c.is_primary(1));
        assert_eq!(c.step(Event::SetWeight(1, 9)), Err(SimError::NotPrimary(1)));
        assert_eq!(c.step(Event::Start(7)), Err(SimError::NoSuchNode(7)));
    }
}
