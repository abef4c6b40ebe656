//! The PetSet webhook of kubeops (`kubeops/petset@<release.petset()>:
//! pkg/webhooks/apps/v1/petset.go`): a distributed PetSet against its PlacementPolicy
//! ([`validate_petset`]), where ordinal coverage ([`uncovered_indices`]) is checked.

use super::placement_policy::Distribution;
use super::violation::{Lookup, PolicyLookup, Rule, Violation};
use crate::apps::v1::PetSet;
use crate::release::Release;

/// Ordinals in `0..replicas` that no rule maps (the PetSet webhook's `missing replica index`).
///
/// ```
/// let d = [("a", &[0, 2][..])];
/// assert_eq!(kubedb_types::validation::uncovered_indices(&d, 4), vec![1, 3]);
/// ```
pub fn uncovered_indices(rules: &Distribution<'_>, replicas: i32) -> Vec<i32> {
    let n = usize::try_from(replicas).unwrap_or(0);
    let mut covered = vec![false; n];
    for (_, indices) in rules {
        for &i in *indices {
            if let Some(slot) = usize::try_from(i).ok().and_then(|i| covered.get_mut(i)) {
                *slot = true;
            }
        }
    }
    covered
        .iter()
        .enumerate()
        .filter(|(_, c)| !**c)
        .map(|(i, _)| i as i32)
        .collect()
}

/// Validates a distributed PetSet against its policy, as the PetSet webhook of `release` does
/// on create and update (`kubeops/petset@<release.petset()>:pkg/webhooks/apps/v1/petset.go`,
/// `validatePlacementPolicy`): when `distributed` and `replicas` are set, the PetSet must name
/// a policy, the policy must exist and have distribution rules in the release's shape, list at
/// least `replicas` indices and map every ordinal below `replicas`. This is where ordinal
/// coverage is checked: KubeDB creates the PetSet after admitting the MariaDB.
///
/// `spec.ordinals.start` other than 0 is a warning: the webhook does not check it, but the
/// PetSet controller places pods by index relative to the start and claims by absolute ordinal.
pub fn validate_petset(ps: &PetSet, release: Release, policy: PolicyLookup<'_>) -> Vec<Violation> {
    let spec = &ps.spec;
    let (Some(true), Some(replicas)) = (spec.distributed, spec.replicas) else {
        return Vec::new();
    };
    let path = "spec.podPlacementPolicy";
    let mut out = Vec::new();
    let start = spec.ordinals.as_ref().and_then(|o| o.start).unwrap_or(0);
    if start != 0 {
        out.push(Violation::new(
            "spec.ordinals.start",
            Rule::OrdinalsStartNotZero { start },
        ));
    }
    let Some(name) = spec.pod_placement_policy.as_ref().map(|r| r.name.as_str()) else {
        let petset = format!(
            "{}/{}",
            ps.metadata.namespace.as_deref().unwrap_or_default(),
            ps.metadata.name.as_deref().unwrap_or_default()
        );
        out.push(Violation::new(path, Rule::PetSetPolicyMissing { petset }));
        return out;
    };
    let shape = release.policy_shape();
    match policy {
        Lookup::Unknown => {}
        Lookup::Known(None) => out.push(Violation::new(
            path,
            Rule::PlacementPolicyNotFound {
                name: name.to_owned(),
            },
        )),
        Lookup::Known(Some(pp)) if !pp.has_distribution(shape) => out.push(Violation::new(
            path,
            Rule::PetSetNoClusterSpec {
                policy: name.to_owned(),
            },
        )),
        Lookup::Known(Some(pp)) => {
            let distribution = pp.distribution_of(shape);
            let total: usize = distribution.iter().map(|(_, i)| i.len()).sum();
            if total < usize::try_from(replicas).unwrap_or(0) {
                out.push(Violation::new(
                    "spec.replicas",
                    Rule::PetSetPolicyTooSmall {
                        policy: name.to_owned(),
                        replicas,
                        total,
                    },
                ));
            } else {
                let indices = uncovered_indices(&distribution, replicas);
                if !indices.is_empty() {
                    out.push(Violation::new(
                        "spec.replicas",
                        Rule::PetSetIndexNotCovered {
                            policy: name.to_owned(),
                            indices,
                        },
                    ));
                }
            }
        }
    }
    out
}
