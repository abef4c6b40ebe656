//! The PlacementPolicy webhook of kubeops (`kubeops/petset@<release.petset()>:
//! pkg/webhooks/apps/v1/placementPolicy.go`): the index rules over a policy's distribution
//! ([`index_violations`], [`moved_indices`]), create and update ([`validate_placement_policy`],
//! [`validate_placement_policy_update`]), the slice rules of v2026.7.10 and the failover-policy
//! rules of the newer petset ([`validate_failover_policy`]).

use std::collections::BTreeMap;

use super::violation::{Lookup, Rule, SliceLookup, Violation};
use crate::apps::v1::{FailoverMode, FailoverScope, PlacementPolicy, RuleRole};
use crate::release::{PolicyShape, Release};

/// A policy's distribution rules as `(cluster, indices)` pairs in list order: the view the
/// index rules work on, whichever shape the policy uses.
pub type Distribution<'a> = [(&'a str, &'a [i32])];

/// The path of rule `i`'s index list in `shape`.
fn indices_path(shape: PolicyShape, rule: usize) -> String {
    match shape {
        PolicyShape::ClusterSpreadConstraint => {
            format!("spec.clusterSpreadConstraint.distributionRules[{rule}].replicaIndices")
        }
        PolicyShape::Ocm => format!("spec.ocm.distributionRules[{rule}].replicas"),
    }
}

/// The index rules of the kubeops create webhook over a distribution: the union of all
/// indices is exactly `0..N`, each once. Returns every violation as `(rule position, rule)`:
/// each negative index, each duplicate (with every cluster listing it, in list order) and each
/// run of missing indices below the highest one. Runs in time linear in the number of indices
/// (plus a sort of the indices that lie beyond the count, which only invalid input has).
///
/// ```
/// use kubedb_types::validation::{index_violations, Rule};
/// let d = [("a", &[0, 2][..]), ("b", &[2, 5][..])];
/// let v: Vec<Rule> = index_violations(&d).into_iter().map(|(_, r)| r).collect();
/// assert_eq!(v, vec![
///     Rule::DuplicateIndex { index: 2, clusters: vec!["a".into(), "b".into()] },
///     Rule::MissingIndices { from: 1, to: 1 },
///     Rule::MissingIndices { from: 3, to: 4 },
/// ]);
/// ```
pub fn index_violations(rules: &Distribution<'_>) -> Vec<(usize, Rule)> {
    let mut out = Vec::new();
    let total: usize = rules.iter().map(|(_, idx)| idx.len()).sum();
    // Listings per index below `total`; indices at or beyond it cannot all fit and are
    // handled sparsely so that a huge index cannot make us allocate.
    let mut count = vec![0u32; total];
    let mut beyond: Vec<(i32, usize)> = Vec::new();
    for (ri, (_, indices)) in rules.iter().enumerate() {
        for &index in *indices {
            match usize::try_from(index) {
                Err(_) => out.push((ri, Rule::NegativeIndex { index })),
                Ok(i) if i < total => count[i] += 1,
                Ok(_) => beyond.push((index, ri)),
            }
        }
    }
    beyond.sort_unstable();
    // Duplicated indices, then every listing of them in one more pass.
    let mut listings: BTreeMap<i32, Vec<usize>> = count
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 1)
        .map(|(i, _)| (i as i32, Vec::new()))
        .chain(
            beyond
                .chunk_by(|a, b| a.0 == b.0)
                .filter(|group| group.len() > 1)
                .map(|group| (group[0].0, Vec::new())),
        )
        .collect();
    if !listings.is_empty() {
        for (ri, (_, indices)) in rules.iter().enumerate() {
            for index in *indices {
                if let Some(list) = listings.get_mut(index) {
                    list.push(ri);
                }
            }
        }
    }
    for (index, list) in listings {
        let clusters = list.iter().map(|&ri| rules[ri].0.to_owned()).collect();
        out.push((list[1], Rule::DuplicateIndex { index, clusters }));
    }
    let highest = beyond
        .last()
        .map(|(i, _)| *i)
        .or_else(|| count.iter().rposition(|&n| n > 0).map(|i| i as i32));
    let Some(highest) = highest else {
        return out;
    };
    let mut present = count
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(i, _)| i as i32)
        .chain(beyond.iter().map(|(i, _)| *i))
        .peekable();
    let mut next = 0i32;
    while next <= highest {
        match present.next() {
            Some(p) if p < next => continue,
            Some(p) => {
                if p > next {
                    out.push((
                        rules.len(),
                        Rule::MissingIndices {
                            from: next,
                            to: p - 1,
                        },
                    ));
                }
                next = p.saturating_add(1);
                if p == i32::MAX {
                    break;
                }
            }
            None => break,
        }
    }
    out
}

/// Validates a new PlacementPolicy as the PlacementPolicy webhook of `release` does on create
/// (`kubeops/petset@<release.petset()>:pkg/webhooks/apps/v1/placementPolicy.go`,
/// `validateCreatePlacementPolicy`): when the policy has the release's shape with distribution
/// rules, the union of the indices must be exactly `0..N` ([`index_violations`]); a policy
/// without that shape is admitted unchecked (the webhook returns early). From petset
/// de81da92 on (v2026.7.10) the webhook also reads the SliceConfig the policy names and
/// refuses clusters it does not onboard (`validateSliceClusters`); `slice` is that
/// SliceConfig's `spec.clusters` as found on the hub.
///
/// `failoverPolicy` and rule roles are served by neither release's CRD (they are pruned), so
/// [`validate_failover_policy`] is not run here.
pub fn validate_placement_policy(
    pp: &PlacementPolicy,
    release: Release,
    slice: SliceLookup<'_>,
) -> Vec<Violation> {
    let shape = release.policy_shape();
    let mut out = index_rules(pp, shape);
    if release.policy_webhook_checks_slice() {
        out.extend(slice_rules(pp, slice));
    }
    out
}

/// The index rules on the policy's `shape`, or nothing when it lacks that shape.
fn index_rules(pp: &PlacementPolicy, shape: PolicyShape) -> Vec<Violation> {
    if !pp.has_distribution(shape) {
        return Vec::new();
    }
    let distribution = pp.distribution_of(shape);
    let rules_path = format!("spec.{}.distributionRules", shape.field());
    let answer = contiguity_answer(&distribution);
    index_violations(&distribution)
        .into_iter()
        .map(|(ri, rule)| {
            let path = if ri < distribution.len() {
                indices_path(shape, ri)
            } else {
                rules_path.clone()
            };
            Violation::new(path, rule).answering(answer.clone())
        })
        .collect()
}

/// The PlacementPolicy webhook's one error for a distribution that is not exactly `0..N`: it
/// sorts every index and reports the first position whose index differs
/// (`validateCreatePlacementPolicy`, `petset@v0.0.11` and `@05a56e31:pkg/webhooks/apps/v1/
/// placementPolicy.go`).
fn contiguity_answer(rules: &Distribution<'_>) -> Option<String> {
    let mut all: Vec<i32> = rules.iter().flat_map(|(_, i)| i.iter().copied()).collect();
    all.sort_unstable();
    all.iter().zip(0..).find(|(found, expected)| **found != *expected).map(|(found, expected)| {
        format!(
            "invalid replica set: indices must be a contiguous block starting from 0. Found {found}, expected {expected}"
        )
    })
}

/// Validates a PlacementPolicy update as the webhook of `release` does
/// (`validateUpdatePlacementPolicy`): only when both the old and the new policy have the
/// release's shape, the new policy must pass the create rules and no index below
/// `min(old, new)` may move to another cluster. An update from or to a policy without the
/// shape is admitted unchecked: here the create rules then run on the new policy as warnings,
/// with [`Rule::UpdateNotChecked`]. The slice check of v2026.7.10 runs on every update.
pub fn validate_placement_policy_update(
    old: &PlacementPolicy,
    new: &PlacementPolicy,
    release: Release,
    slice: SliceLookup<'_>,
) -> Vec<Violation> {
    let shape = release.policy_shape();
    let mut out = Vec::new();
    if old.has_shape(shape) && new.has_shape(shape) {
        out.extend(index_rules(new, shape));
        out.extend(
            moved_indices(&old.distribution_of(shape), &new.distribution_of(shape))
                .into_iter()
                .map(|(ri, rule)| Violation::new(indices_path(shape, ri), rule)),
        );
    } else {
        let unchecked = index_rules(new, shape);
        if !unchecked.is_empty() || old.has_shape(shape) != new.has_shape(shape) {
            out.push(Violation::new(
                format!("spec.{}", shape.field()),
                Rule::UpdateNotChecked { shape },
            ));
        }
        out.extend(unchecked.into_iter().map(Violation::warning));
    }
    if release.policy_webhook_checks_slice() {
        out.extend(slice_rules(new, slice));
    }
    out
}

/// The kubeops update rule over two distributions: for every index below the smaller of the
/// two contiguous prefixes, the cluster must not change. Returns `(rule position in new,
/// IndexMoved)` for each moved index, in index order.
pub fn moved_indices(old: &Distribution<'_>, new: &Distribution<'_>) -> Vec<(usize, Rule)> {
    let (old_map, new_map) = (index_map(old), index_map(new));
    old_map
        .iter()
        .zip(&new_map)
        .enumerate()
        .filter(|(_, (from, to))| from.1 != to.1)
        .map(|(index, (from, to))| {
            (
                to.0,
                Rule::IndexMoved {
                    index: index as i32,
                    from: from.1.to_owned(),
                    to: to.1.to_owned(),
                },
            )
        })
        .collect()
}

/// Index to `(rule position, cluster)`, the last listing winning as in the webhook's
/// `buildReplicaClusterMap`, for the contiguous prefix `0..N` of a distribution.
fn index_map<'a>(rules: &Distribution<'a>) -> Vec<(usize, &'a str)> {
    let total: usize = rules.iter().map(|(_, idx)| idx.len()).sum();
    let mut map: Vec<Option<(usize, &str)>> = vec![None; total];
    for (ri, (cluster, indices)) in rules.iter().enumerate() {
        for &i in *indices {
            if let Some(slot) = usize::try_from(i).ok().and_then(|i| map.get_mut(i)) {
                *slot = Some((ri, *cluster));
            }
        }
    }
    map.into_iter().map_while(|x| x).collect()
}

/// The slice rule of `validateSliceClusters` (`petset@05a56e31:pkg/webhooks/apps/v1/
/// placementPolicy.go`): with `spec.clusterSpreadConstraint`, the SliceConfig it names must
/// exist and onboard every cluster of its rules. `slice` is that SliceConfig's
/// `spec.clusters`; unknown skips the rule.
fn slice_rules(pp: &PlacementPolicy, slice: SliceLookup<'_>) -> Vec<Violation> {
    let Some(csc) = &pp.spec.cluster_spread_constraint else {
        return Vec::new();
    };
    let clusters = match slice {
        Lookup::Unknown => return Vec::new(),
        Lookup::Known(None) => {
            return vec![Violation::new(
                "spec.clusterSpreadConstraint.slice",
                Rule::SliceConfigNotFound {
                    slice: csc.slice.slice_name.clone(),
                    project_namespace: csc.slice.project_namespace.clone(),
                },
            )];
        }
        Lookup::Known(Some(clusters)) => clusters,
    };
    validate_placement_policy_slice(pp, clusters)
        .into_iter()
        .map(|v| {
            let answer = match &v.rule {
                Rule::ClusterNotInSlice { cluster, slice } => Some(format!(
                    "cluster '{cluster}' specified in PlacementPolicy is not onboarded to slice '{slice}' in project '{}'",
                    csc.slice.project_namespace
                )),
                _ => None,
            };
            v.answering(answer)
        })
        .collect()
}

/// Checks that every cluster of the policy is onboarded to its slice; `slice_clusters` is the
/// referenced SliceConfig's `spec.clusters`. Works on either shape (preflight uses it for the
/// legacy shape too, where no webhook checks it).
pub fn validate_placement_policy_slice(
    pp: &PlacementPolicy,
    slice_clusters: &[String],
) -> Vec<Violation> {
    let slice = pp
        .spec
        .cluster_spread_constraint
        .as_ref()
        .map(|c| c.slice.slice_name.clone())
        .or_else(|| pp.spec.ocm.as_ref().and_then(|o| o.slice_name.clone()))
        .unwrap_or_default();
    let shape = if pp.spec.cluster_spread_constraint.is_some() {
        PolicyShape::ClusterSpreadConstraint
    } else {
        PolicyShape::Ocm
    };
    pp.distribution_of(shape)
        .into_iter()
        .enumerate()
        .filter(|(_, (cluster, _))| !slice_clusters.iter().any(|c| c == cluster))
        .map(|(ri, (cluster, _))| {
            Violation::new(
                format!("spec.{}.distributionRules[{ri}].clusterName", shape.field()),
                Rule::ClusterNotInSlice {
                    cluster: cluster.to_owned(),
                    slice: slice.clone(),
                },
            )
        })
        .collect()
}

/// The failover-policy rules of the newer petset (`ClusterSpreadConstraint.Validate`), checked
/// only when `failoverPolicy` is set.
pub fn validate_failover_policy(pp: &PlacementPolicy) -> Vec<Violation> {
    let Some(csc) = &pp.spec.cluster_spread_constraint else {
        return Vec::new();
    };
    let Some(failover) = &csc.failover_policy else {
        return Vec::new();
    };
    let base = "spec.clusterSpreadConstraint";
    let mut out = Vec::new();
    let mut members = 0;
    let mut tie_breakers = 0;
    for (ri, rule) in csc.distribution_rules.iter().enumerate() {
        let role = rule.role.unwrap_or_default();
        let path = format!("{base}.distributionRules[{ri}].replicaIndices");
        match role {
            RuleRole::Arbiter => {
                tie_breakers += 1;
                if !rule.replica_indices.is_empty() {
                    out.push(Violation::new(path, Rule::ArbiterWithIndices));
                }
            }
            RuleRole::Member | RuleRole::Witness => {
                if role == RuleRole::Member {
                    members += 1;
                } else {
                    tie_breakers += 1;
                }
                if rule.replica_indices.is_empty() {
                    out.push(Violation::new(path, Rule::RoleNeedsIndices { role }));
                }
            }
        }
    }
    let rules_path = format!("{base}.distributionRules");
    if members < 2 {
        out.push(Violation::new(
            &rules_path,
            Rule::TooFewMembers { members, needed: 2 },
        ));
    }
    if failover.trigger.scope == FailoverScope::Group
        && failover.trigger.group.as_deref().unwrap_or("").is_empty()
    {
        out.push(Violation::new(
            format!("{base}.failoverPolicy.trigger.group"),
            Rule::GroupScopeNeedsGroup,
        ));
    }
    match failover.mode {
        Some(FailoverMode::TwoDc) => {
            if members != 2 {
                out.push(Violation::new(
                    &rules_path,
                    Rule::TwoDcMemberCount { members },
                ));
            }
            if tie_breakers == 0 {
                out.push(Violation::new(&rules_path, Rule::TwoDcNeedsTieBreaker));
            }
        }
        Some(FailoverMode::ThreeDc) if members < 3 => {
            out.push(Violation::new(
                &rules_path,
                Rule::TooFewMembers { members, needed: 3 },
            ));
        }
        _ => {}
    }
    out
}
