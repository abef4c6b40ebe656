//! The placement engine's view of a PlacementPolicy.

use std::collections::BTreeMap;

use kubedb_types::apps::v1::{DistributionRule, PlacementPolicy, RuleRole};
use kubedb_types::validation::{self as kubedb, Distribution};

/// A PetSet ordinal (the `N` of `<petset>-N`), absolute: distributed placement requires
/// `spec.ordinals.start == 0`, so the pod index and the ordinal are the same number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ordinal(pub u32);

impl std::fmt::Display for Ordinal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// One distribution rule: a cluster and the ordinals it runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rule {
    /// OCM ManagedCluster name.
    pub cluster: String,
    /// Ordinals listed for the cluster, as written (may hold duplicates or negatives when the
    /// policy is invalid).
    pub indices: Vec<i32>,
    /// Storage class for these ordinals' PVCs; overrides the template when non-empty.
    pub storage_class: Option<String>,
    /// Role in a failover policy; `Member` when absent.
    pub role: RuleRole,
}

/// The distribution rules of a PlacementPolicy, in list order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// The rules.
    pub rules: Vec<Rule>,
}

/// A broken placement rule, with the position of the distribution rule it concerns.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{rule}", .position.map(|p| format!("distributionRules[{p}]: ")).unwrap_or_default())]
pub struct PolicyViolation {
    /// The rule's position in the list, when the violation belongs to one rule.
    pub position: Option<usize>,
    /// What is wrong.
    pub rule: kubedb::Rule,
}

impl Policy {
    /// A policy from `(cluster, indices)` pairs.
    pub fn from_pairs<S: Into<String>>(pairs: impl IntoIterator<Item = (S, Vec<i32>)>) -> Self {
        Policy {
            rules: pairs
                .into_iter()
                .map(|(cluster, indices)| Rule {
                    cluster: cluster.into(),
                    indices,
                    ..Rule::default()
                })
                .collect(),
        }
    }

    /// The distribution rules of a PlacementPolicy in either the current or the legacy
    /// `spec.ocm` shape.
    pub fn from_placement_policy(pp: &PlacementPolicy) -> Self {
        if let Some(csc) = &pp.spec.cluster_spread_constraint {
            return Policy {
                rules: csc
                    .distribution_rules
                    .iter()
                    .map(|r| Rule {
                        cluster: r.cluster_name.clone(),
                        indices: r.replica_indices.clone(),
                        storage_class: r.storage_class_name.clone(),
                        role: r.role.unwrap_or_default(),
                    })
                    .collect(),
            };
        }
        Policy::from_pairs(
            pp.distribution()
                .into_iter()
                .map(|(c, idx)| (c.to_owned(), idx.to_vec())),
        )
    }

    /// The rules as PlacementPolicy distribution rules (current shape).
    pub fn to_distribution_rules(&self) -> Vec<DistributionRule> {
        self.rules
            .iter()
            .map(|r| DistributionRule {
                cluster_name: r.cluster.clone(),
                replica_indices: r.indices.clone(),
                storage_class_name: r.storage_class.clone(),
                monitoring: None,
                role: (r.role != RuleRole::Member).then_some(r.role),
            })
            .collect()
    }

    /// The `(cluster, indices)` view the admission rules work on.
    pub fn distribution(&self) -> Vec<(&str, &[i32])> {
        self.rules
            .iter()
            .map(|r| (r.cluster.as_str(), r.indices.as_slice()))
            .collect()
    }

    /// Number of indices listed (the policy's upper bound on replicas when valid).
    pub fn len(&self) -> usize {
        self.rules.iter().map(|r| r.indices.len()).sum()
    }

    /// `true` when no index is listed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Replicas per cluster, in first-appearance order of the clusters.
    pub fn counts(&self) -> Vec<(&str, usize)> {
        let mut out: Vec<(&str, usize)> = Vec::new();
        for r in &self.rules {
            match out.iter_mut().find(|(c, _)| *c == r.cluster) {
                Some((_, n)) => *n += r.indices.len(),
                None => out.push((&r.cluster, r.indices.len())),
            }
        }
        out
    }

    /// Replicas per cluster, by name.
    pub fn count_map(&self) -> BTreeMap<&str, usize> {
        self.counts().into_iter().collect()
    }

    /// The kubeops create rules: the union of all indices is exactly `0..N`, each once.
    /// Every negative index, duplicate and run of missing indices is reported.
    pub fn validate(&self) -> Vec<PolicyViolation> {
        let d = self.distribution();
        with_positions(&d, kubedb::index_violations(&d))
    }

    /// The kubeops update rules: `self` → `new` must leave `new` valid and move no existing
    /// index to another cluster (only append higher indices or drop the highest).
    pub fn validate_update(&self, new: &Policy) -> Vec<PolicyViolation> {
        let mut out = new.validate();
        let (old_d, new_d) = (self.distribution(), new.distribution());
        out.extend(with_positions(
            &new_d,
            kubedb::moved_indices(&old_d, &new_d),
        ));
        out
    }

    /// The PetSet rules for `replicas` pods starting at ordinal `start`: `start` must be 0
    /// (distributed placement maps absolute ordinals) and every ordinal below `replicas` must
    /// be mapped.
    pub fn validate_replicas(&self, replicas: i32, start: i32) -> Vec<PolicyViolation> {
        let mut out = Vec::new();
        if start != 0 {
            out.push(PolicyViolation {
                position: None,
                rule: kubedb::Rule::OrdinalsStartNotZero { start },
            });
        }
        let indices = kubedb::uncovered_indices(&self.distribution(), replicas);
        if !indices.is_empty() {
            out.push(PolicyViolation {
                position: None,
                rule: kubedb::Rule::ReplicaIndexNotCovered { indices },
            });
        }
        out
    }

    /// Every cluster must be onboarded to the slice (`slice_clusters`, the SliceConfig's
    /// `spec.clusters`).
    pub fn validate_slice(&self, slice: &str, slice_clusters: &[String]) -> Vec<PolicyViolation> {
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, r)| !slice_clusters.contains(&r.cluster))
            .map(|(i, r)| PolicyViolation {
                position: Some(i),
                rule: kubedb::Rule::ClusterNotInSlice {
                    cluster: r.cluster.clone(),
                    slice: slice.to_owned(),
                },
            })
            .collect()
    }
}

fn with_positions(d: &Distribution<'_>, v: Vec<(usize, kubedb::Rule)>) -> Vec<PolicyViolation> {
    v.into_iter()
        .map(|(p, rule)| PolicyViolation {
            position: (p < d.len()).then_some(p),
            rule,
        })
        .collect()
}
