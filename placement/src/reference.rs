//! A direct, slow transcription of the upstream loops, kept as the oracle for the property
//! tests and the baseline for the benchmarks. Do not optimise.
//!
//! - PetSet `getOcmClusterName` / `getStorageClassName`: walk the rules in list order and
//!   each rule's indices in order; the first match wins.
//! - kubeops `validateCreatePlacementPolicy`: flatten every index, sort, and require
//!   `sorted[i] == i`.
//! - kubeops `validateUpdatePlacementPolicy`: build index → cluster maps (last listing wins)
//!   and compare the indices below the smaller length.

use std::collections::BTreeMap;

use crate::policy::Policy;

/// The cluster of `ordinal`, or `None` (the controller's empty cluster name).
pub fn cluster_name(policy: &Policy, ordinal: i32) -> Option<&str> {
    for rule in &policy.rules {
        for &index in &rule.indices {
            if index == ordinal {
                return Some(&rule.cluster);
            }
        }
    }
    None
}

/// The storage class override of `ordinal`, when the first matching rule sets a non-empty
/// one.
pub fn storage_class_name(policy: &Policy, ordinal: i32) -> Option<&str> {
    for rule in &policy.rules {
        for &index in &rule.indices {
            if index == ordinal {
                return rule.storage_class.as_deref().filter(|s| !s.is_empty());
            }
        }
    }
    None
}

/// `true` when the webhook accepts the policy on create.
pub fn is_valid(policy: &Policy) -> bool {
    let mut all: Vec<i32> = Vec::new();
    for rule in &policy.rules {
        all.extend_from_slice(&rule.indices);
    }
    all.sort();
    for (i, &index) in all.iter().enumerate() {
        if index != i as i32 {
            return false;
        }
    }
    true
}

fn replica_cluster_map(policy: &Policy) -> BTreeMap<i32, &str> {
    let mut map = BTreeMap::new();
    for rule in &policy.rules {
        for &index in &rule.indices {
            map.insert(index, rule.cluster.as_str());
        }
    }
    map
}

/// `true` when the webhook accepts `old` → `new`.
pub fn is_valid_update(old: &Policy, new: &Policy) -> bool {
    if !is_valid(new) {
        return false;
    }
    let (old_map, new_map) = (replica_cluster_map(old), replica_cluster_map(new));
    let common = old_map.len().min(new_map.len()) as i32;
    for i in 0..common {
        if old_map.get(&i) != new_map.get(&i) {
            return false;
        }
    }
    true
}

/// The cluster of every ordinal `0..n`, looked up one by one.
pub fn assign(policy: &Policy, n: u32) -> Vec<Option<&str>> {
    (0..n as i32).map(|o| cluster_name(policy, o)).collect()
}
