//! Inside one cluster: which node each pod of a PetSet lands on.
//!
//! The PetSet controller turns a PlacementPolicy into pod scheduling terms
//! (`CalculateForPodPlacement`), and the Kubernetes scheduler places the pods, one ordinal at
//! a time. This module predicts the outcome:
//!
//! - `zoneSpreadConstraint` / `nodeSpreadConstraint` become topology spread constraints on
//!   `topology.kubernetes.io/zone` / `kubernetes.io/hostname`. With `DoNotSchedule` a node is
//!   allowed only if its domain's count + 1 − the smallest count over the eligible domains is
//!   at most `maxSkew`, **and** PetSet adds a required pod anti-affinity on the same key, so a
//!   domain takes at most one pod. With `ScheduleAnyway` the skew is only a preference.
//! - `affinity.nodeAffinity` rules pick, for each pod, the first domain whose count of pods
//!   already assigned to it is below its `replicas` (`""` is unlimited, an integer, or a CEL
//!   expression over the PetSet as `obj`); no such domain is an error, as upstream.
//!   `DoNotSchedule` rules become a required node selector term, `ScheduleAnyway` rules a
//!   preferred one with the rule's weight.
//! - Among the allowed nodes the prediction takes the highest preferred-affinity weight, then
//!   the smallest soft-spread penalty, then the node with the fewest pods of the set, then
//!   the lowest name: one of the nodes the scheduler could choose, deterministically.
//!
//! Nodes with the same zone, the same affinity labels and the same schedulability are
//! interchangeable but for their pod counts, so they are kept in groups ordered by
//! `(pods, name)`: each pod costs O(groups · log nodes), not O(nodes).
//!
//! ```
//! use placement::spread::{spread, Node, SpreadProblem};
//! use kubedb_types::apps::v1::{SpreadConstraint, WhenUnsatisfiable};
//! let nodes = vec![Node::new("n1", Some("a"), 10), Node::new("n2", Some("b"), 10)];
//! let problem = SpreadProblem {
//!     zone: Some(SpreadConstraint { max_skew: 1, when_unsatisfiable: WhenUnsatisfiable::ScheduleAnyway }),
//!     ..SpreadProblem::new(nodes, 3)
//! };
//! let result = spread(&problem).unwrap();
//! assert_eq!(result.node_names(&problem), vec!["n1", "n2", "n1"]);
//! assert_eq!(result.skews[0].reached, 1);
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};

use kubedb_types::apps::v1::{NodeAffinityRule, SpreadConstraint, WhenUnsatisfiable};

/// The zone label.
pub const ZONE_KEY: &str = "topology.kubernetes.io/zone";
/// The hostname label.
pub const HOSTNAME_KEY: &str = "kubernetes.io/hostname";

/// A node of the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// Node name.
    pub name: String,
    /// Node labels; `kubernetes.io/hostname` defaults to the name.
    pub labels: BTreeMap<String, String>,
    /// `false` for cordoned nodes.
    pub schedulable: bool,
    /// Pods the node can still take.
    pub free_slots: u32,
}

impl Node {
    /// A schedulable node with its hostname and, optionally, zone label.
    pub fn new(name: &str, zone: Option<&str>, free_slots: u32) -> Node {
        let mut labels = BTreeMap::from([(HOSTNAME_KEY.to_owned(), name.to_owned())]);
        if let Some(zone) = zone {
            labels.insert(ZONE_KEY.to_owned(), zone.to_owned());
        }
        Node {
            name: name.to_owned(),
            labels,
            schedulable: true,
            free_slots,
        }
    }

    fn label(&self, key: &str) -> Option<&str> {
        match self.labels.get(key) {
            Some(v) => Some(v),
            None if key == HOSTNAME_KEY => Some(&self.name),
            None => None,
        }
    }
}

/// What to place: the nodes, the number of pods (ordinals `0..pods`), and the policy's
/// in-cluster rules.
#[derive(Clone, Debug, PartialEq)]
pub struct SpreadProblem {
    /// The cluster's nodes.
    pub nodes: Vec<Node>,
    /// Pods to place.
    pub pods: u32,
    /// `zoneSpreadConstraint`.
    pub zone: Option<SpreadConstraint>,
    /// `nodeSpreadConstraint`.
    pub node: Option<SpreadConstraint>,
    /// `affinity.nodeAffinity`.
    pub node_affinity: Vec<NodeAffinityRule>,
    /// The PetSet as JSON, the `obj` of CEL `replicas` expressions.
    pub petset: serde_json::Value,
}

impl SpreadProblem {
    /// A problem without constraints; `obj.spec.replicas` is `pods`.
    pub fn new(nodes: Vec<Node>, pods: u32) -> SpreadProblem {
        SpreadProblem {
            nodes,
            pods,
            zone: None,
            node: None,
            node_affinity: Vec::new(),
            petset: serde_json::json!({"spec": {"replicas": pods}}),
        }
    }
}

/// The skew a spread constraint reaches: the largest minus the smallest pod count over the
/// domains of the nodes that carry its label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skew {
    /// Topology key.
    pub topology_key: String,
    /// The constraint's `maxSkew`.
    pub max_skew: i32,
    /// Hard or soft.
    pub when_unsatisfiable: WhenUnsatisfiable,
    /// Skew after the last pod.
    pub reached: u32,
}

/// A predicted placement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spread {
    /// Index into `problem.nodes` of each pod's node, by ordinal.
    pub nodes: Vec<usize>,
    /// Skew reached by each spread constraint (zone first, then node).
    pub skews: Vec<Skew>,
}

impl Spread {
    /// Node names by ordinal.
    pub fn node_names<'a>(&self, problem: &'a SpreadProblem) -> Vec<&'a str> {
        self.nodes
            .iter()
            .map(|&n| problem.nodes[n].name.as_str())
            .collect()
    }
}

/// Why pods cannot be placed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SpreadError {
    /// A `DoNotSchedule` rule (or the lack of room) leaves no node for a pod.
    #[error("pod {pod} cannot be scheduled: {constraint}: {reason}")]
    Unschedulable {
        /// The ordinal.
        pod: u32,
        /// Which constraint removed the last candidate nodes.
        constraint: String,
        /// Why.
        reason: String,
    },
    /// Every domain of a node-affinity rule is full for this pod (upstream: `invalid domains
    /// ..., mismatched with podIndex`).
    #[error(
        "pod {pod}: every domain of the node affinity rule on {topology_key} is full; give a domain more replicas or \"\" for the rest"
    )]
    DomainsExhausted {
        /// The ordinal.
        pod: u32,
        /// The rule's topology key.
        topology_key: String,
    },
    /// A domain's `replicas` is not an integer, `""`, or a CEL expression yielding an integer.
    #[error("node affinity on {topology_key}, domain {domain}: replicas {expression:?}: {reason}")]
    BadReplicas {
        /// The rule's topology key.
        topology_key: String,
        /// The domain's position.
        domain: usize,
        /// The expression.
        expression: String,
        /// Why it failed.
        reason: String,
    },
}

/// Evaluates a domain's `replicas`: `""` → unlimited (`None`), an integer literal, or a CEL
/// expression over `obj` that yields an integer.
pub fn domain_replicas(
    expression: &str,
    petset: &serde_json::Value,
) -> Result<Option<i64>, String> {
    if expression.is_empty() {
        return Ok(None);
    }
    if let Ok(n) = expression.parse::<i64>() {
        return Ok(Some(n));
    }
    let program = cel::Program::compile(expression).map_err(|e| e.to_string())?;
    let mut ctx = cel::Context::default();
    ctx.add_variable_from_value("obj", to_cel(petset));
    match program.execute(&ctx).map_err(|e| e.to_string())? {
        cel::Value::Int(n) => Ok(Some(n)),
        cel::Value::UInt(n) => i64::try_from(n).map(Some).map_err(|e| e.to_string()),
        other => Err(format!("yields {:?}, not an integer", other.type_of())),
    }
}

/// JSON to CEL with integers as `int`, as Kubernetes' unstructured objects hold them.
fn to_cel(v: &serde_json::Value) -> cel::Value {
    use serde_json::Value as J;
    match v {
        J::Null => cel::Value::Null,
        J::Bool(b) => cel::Value::Bool(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => cel::Value::Int(i),
            None => cel::Value::Float(n.as_f64().unwrap_or_default()),
        },
        J::String(s) => cel::Value::from(s.as_str()),
        J::Array(items) => cel::Value::from(items.iter().map(to_cel).collect::<Vec<_>>()),
        J::Object(map) => cel::Value::from(
            map.iter()
                .map(|(k, v)| (k.clone(), to_cel(v)))
                .collect::<HashMap<String, cel::Value>>(),
        ),
    }
}

const NONE: u32 = u32::MAX;

/// Interchangeable nodes: same zone, same affinity label values, same schedulability.
struct Group {
    zone: u32,
    affinity_values: Vec<u32>,
    schedulable: bool,
    /// Nodes with free slots, by (pods of the set, name rank, node).
    open: BTreeSet<(u32, u32, usize)>,
    /// How many nodes of the group hold `c` pods, for the smallest count.
    histogram: Vec<u32>,
}

impl Group {
    fn min_count(&self) -> u32 {
        self.histogram.iter().position(|&n| n > 0).unwrap_or(0) as u32
    }
}

/// One affinity rule, compiled: per domain, the label value ids it matches and its limit.
struct CompiledRule {
    key: String,
    hard: bool,
    weight: i32,
    domains: Vec<(BTreeSet<u32>, Option<i64>)>,
    /// First domain with the same values, for counting as upstream does.
    alias: Vec<usize>,
}

/// Predicts the node of every pod. `DoNotSchedule` constraints that cannot be met are an
/// error naming the constraint and why; `ScheduleAnyway` ones give the best placement found
/// and the skew it reaches.
pub fn spread(problem: &SpreadProblem) -> Result<Spread, SpreadError> {
    let nodes = &problem.nodes;
    // Intern label values per key.
    let mut interner: HashMap<(usize, String), u32> = HashMap::new();
    let mut intern = |slot: usize, value: &str| -> u32 {
        let next = interner.len() as u32;
        *interner.entry((slot, value.to_owned())).or_insert(next)
    };
    let rules: Vec<&NodeAffinityRule> = problem.node_affinity.iter().collect();
    let zone_of: Vec<u32> = nodes
        .iter()
        .map(|n| n.label(ZONE_KEY).map_or(NONE, |z| intern(0, z)))
        .collect();
    let values_of: Vec<Vec<u32>> = nodes
        .iter()
        .map(|n| {
            rules
                .iter()
                .enumerate()
                .map(|(ri, r)| n.label(&r.topology_key).map_or(NONE, |v| intern(ri + 1, v)))
                .collect()
        })
        .collect();
    let mut compiled = Vec::with_capacity(rules.len());
    for (ri, rule) in rules.iter().enumerate() {
        let mut domains = Vec::with_capacity(rule.domains.len());
        let mut alias = Vec::with_capacity(rule.domains.len());
        for (di, domain) in rule.domains.iter().enumerate() {
            let limit = domain_replicas(&domain.replicas, &problem.petset).map_err(|reason| {
                SpreadError::BadReplicas {
                    topology_key: rule.topology_key.clone(),
                    domain: di,
                    expression: domain.replicas.clone(),
                    reason,
                }
            })?;
            let ids = domain.values.iter().map(|v| intern(ri + 1, v)).collect();
            alias.push(
                rule.domains
                    .iter()
                    .position(|d| d.values == domain.values)
                    .unwrap_or(di),
            );
            domains.push((ids, limit));
        }
        compiled.push(CompiledRule {
            key: rule.topology_key.clone(),
            hard: rule.when_unsatisfiable == WhenUnsatisfiable::DoNotSchedule,
            weight: rule.weight,
            domains,
            alias,
        });
    }
    let zones = interner.len().max(1);

    // Name ranks for the deterministic tie-break.
    let mut by_name: Vec<usize> = (0..nodes.len()).collect();
    by_name.sort_by(|&a, &b| nodes[a].name.cmp(&nodes[b].name));
    let mut rank = vec![0u32; nodes.len()];
    for (r, &n) in by_name.iter().enumerate() {
        rank[n] = r as u32;
    }

    // Groups.
    let mut group_of = vec![0usize; nodes.len()];
    let mut groups: Vec<Group> = Vec::new();
    let mut group_ids: HashMap<(u32, &[u32], bool), usize> = HashMap::new();
    for (i, node) in nodes.iter().enumerate() {
        let key = (zone_of[i], values_of[i].as_slice(), node.schedulable);
        let g = *group_ids.entry(key).or_insert_with(|| {
            groups.push(Group {
                zone: zone_of[i],
                affinity_values: values_of[i].clone(),
                schedulable: node.schedulable,
                open: BTreeSet::new(),
                histogram: vec![0],
            });
            groups.len() - 1
        });
        group_of[i] = g;
        groups[g].histogram[0] += 1;
        if node.schedulable && node.free_slots > 0 {
            groups[g].open.insert((0, rank[i], i));
        }
    }

    let mut node_count = vec![0u32; nodes.len()];
    let mut free = nodes.iter().map(|n| n.free_slots).collect::<Vec<_>>();
    let mut zone_count = vec![0u32; zones];
    let mut domain_assigned: Vec<Vec<i64>> =
        compiled.iter().map(|r| vec![0; r.domains.len()]).collect();
    let mut placed = Vec::with_capacity(problem.pods as usize);

    for pod in 0..problem.pods {
        // Node affinity: the domain of each rule for this pod.
        let mut chosen = Vec::with_capacity(compiled.len());
        for (ri, rule) in compiled.iter().enumerate() {
            let d = rule
                .domains
                .iter()
                .enumerate()
                .position(|(di, (_, limit))| match limit {
                    None => true,
                    Some(n) => domain_assigned[ri][di] < *n,
                })
                .ok_or_else(|| SpreadError::DomainsExhausted {
                    pod,
                    topology_key: rule.key.clone(),
                })?;
            chosen.push(d);
        }
        let matches = |g: &Group, ri: usize| {
            let v = g.affinity_values[ri];
            v != NONE && compiled[ri].domains[chosen[ri]].0.contains(&v)
        };
        let eligible: Vec<usize> = (0..groups.len())
            .filter(|&g| {
                (0..compiled.len()).all(|ri| !compiled[ri].hard || matches(&groups[g], ri))
            })
            .collect();
        let min_zone = eligible
            .iter()
            .map(|&g| groups[g].zone)
            .filter(|&z| z != NONE)
            .map(|z| zone_count[z as usize])
            .min()
            .unwrap_or(0);
        let min_host = eligible
            .iter()
            .map(|&g| groups[g].min_count())
            .min()
            .unwrap_or(0);

        let zone_ok = |z: u32| match &problem.zone {
            Some(c) if c.when_unsatisfiable == WhenUnsatisfiable::DoNotSchedule => {
                z != NONE
                    && zone_count[z as usize] == 0
                    && (zone_count[z as usize] + 1 - min_zone) as i64 <= c.max_skew as i64
            }
            _ => true,
        };
        let host_ok = |count: u32| match &problem.node {
            Some(c) if c.when_unsatisfiable == WhenUnsatisfiable::DoNotSchedule => {
                count == 0 && (count + 1 - min_host) as i64 <= c.max_skew as i64
            }
            _ => true,
        };

        let mut best: Option<((i64, u32, u32, u32), usize)> = None;
        for &g in &eligible {
            let group = &groups[g];
            let Some(&(count, name_rank, node)) = group.open.first() else {
                continue;
            };
            if !zone_ok(group.zone) || !host_ok(count) {
                continue;
            }
            let weight: i64 = (0..compiled.len())
                .filter(|&ri| !compiled[ri].hard && matches(group, ri))
                .map(|ri| compiled[ri].weight as i64)
                .sum();
            let mut penalty = 0;
            if problem
                .zone
                .as_ref()
                .is_some_and(|c| c.when_unsatisfiable == WhenUnsatisfiable::ScheduleAnyway)
                && group.zone != NONE
            {
                penalty += zone_count[group.zone as usize] - min_zone;
            }
            if problem
                .node
                .as_ref()
                .is_some_and(|c| c.when_unsatisfiable == WhenUnsatisfiable::ScheduleAnyway)
            {
                penalty += count - min_host;
            }
            let key = (-weight, penalty, count, name_rank);
            if best.as_ref().is_none_or(|(k, _)| key < *k) {
                best = Some((key, node));
            }
        }
        let Some((_, node)) = best else {
            return Err(explain(
                problem, pod, &groups, &eligible, &zone_ok, &host_ok,
            ));
        };

        // Commit.
        let g = group_of[node];
        let count = node_count[node];
        groups[g].open.remove(&(count, rank[node], node));
        groups[g].histogram[count as usize] -= 1;
        if groups[g].histogram.len() <= count as usize + 1 {
            groups[g].histogram.push(0);
        }
        groups[g].histogram[count as usize + 1] += 1;
        node_count[node] += 1;
        free[node] -= 1;
        if free[node] > 0 {
            groups[g].open.insert((count + 1, rank[node], node));
        }
        if zone_of[node] != NONE {
            zone_count[zone_of[node] as usize] += 1;
        }
        for (ri, &d) in chosen.iter().enumerate() {
            domain_assigned[ri][compiled[ri].alias[d]] += 1;
        }
        placed.push(node);
    }

    let mut skews = Vec::new();
    let labelled_zones: BTreeSet<u32> = zone_of.iter().copied().filter(|&z| z != NONE).collect();
    if let Some(c) = &problem.zone {
        let counts = labelled_zones.iter().map(|&z| zone_count[z as usize]);
        skews.push(skew(ZONE_KEY, c, counts));
    }
    if let Some(c) = &problem.node {
        skews.push(skew(HOSTNAME_KEY, c, node_count.iter().copied()));
    }
    Ok(Spread {
        nodes: placed,
        skews,
    })
}

fn skew(key: &str, c: &SpreadConstraint, counts: impl Iterator<Item = u32>) -> Skew {
    let (lo, hi) = counts.fold((u32::MAX, 0), |(lo, hi), n| (lo.min(n), hi.max(n)));
    Skew {
        topology_key: key.to_owned(),
        max_skew: c.max_skew,
        when_unsatisfiable: c.when_unsatisfiable,
        reached: hi.saturating_sub(lo.min(hi)),
    }
}

/// Names the filter that removed the last candidate for `pod`.
fn explain(
    problem: &SpreadProblem,
    pod: u32,
    groups: &[Group],
    eligible: &[usize],
    zone_ok: &dyn Fn(u32) -> bool,
    host_ok: &dyn Fn(u32) -> bool,
) -> SpreadError {
    let err = |constraint: &str, reason: String| SpreadError::Unschedulable {
        pod,
        constraint: constraint.to_owned(),
        reason,
    };
    let open: Vec<&Group> = eligible
        .iter()
        .map(|&g| &groups[g])
        .filter(|g| g.schedulable && !g.open.is_empty())
        .collect();
    if groups.iter().all(|g| g.open.is_empty()) {
        return err(
            "node capacity",
            format!(
                "no schedulable node has a free pod slot ({} nodes)",
                problem.nodes.len()
            ),
        );
    }
    if open.is_empty() {
        return err(
            "required node affinity (DoNotSchedule rules)",
            "no schedulable node with free slots carries the label values of the domains chosen for this pod".into(),
        );
    }
    if let Some(c) = &problem.zone
        && open.iter().all(|g| !zone_ok(g.zone))
    {
        return err(
            &format!("zone spread ({ZONE_KEY}, maxSkew {}, DoNotSchedule)", c.max_skew),
            "every zone with room already holds a pod of the set, and DoNotSchedule also adds a required pod anti-affinity on the zone (at most one pod per zone), or placing there would exceed maxSkew; add zones or use ScheduleAnyway".into(),
        );
    }
    let c = problem.node.as_ref();
    err(
        &format!(
            "node spread ({HOSTNAME_KEY}, maxSkew {}, DoNotSchedule)",
            c.map_or(0, |c| c.max_skew)
        ),
        format!(
            "every node with room already holds a pod of the set (DoNotSchedule adds a required pod anti-affinity per node){}; add nodes or use ScheduleAnyway",
            if open
                .iter()
                .any(|g| g.open.iter().any(|(n, _, _)| host_ok(*n)))
            {
                " in an allowed zone"
            } else {
                ""
            }
        ),
    )
}
