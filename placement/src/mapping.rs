//! Ordinal → cluster lookup, built once.

use crate::policy::Policy;

/// Why an ordinal could not be placed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlacementError {
    /// No rule lists the ordinal. The PetSet controller would annotate the pod with an empty
    /// cluster name and fail to create its ManifestWorks; there is no fallback cluster.
    #[error(
        "ordinal {ordinal} is not mapped to any cluster: add it to a distribution rule's replicaIndices"
    )]
    Unmapped {
        /// The ordinal.
        ordinal: i32,
    },
}

const NONE: u32 = u32::MAX;

/// The ordinal → cluster map of a policy, with PetSet's first-match semantics: the first
/// rule in list order whose indices contain the ordinal wins. Built in one pass over the
/// indices; lookups are O(1) for ordinals below the number of listed indices (every ordinal
/// of a valid policy) and O(log n) otherwise.
///
/// Building never fails: invalid policies map what they can, and [`Policy::validate`]
/// reports what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapping {
    clusters: Vec<String>,
    storage: Vec<Option<String>>,
    dense: Vec<u32>,
    sparse: Vec<(i32, u32)>,
}

impl Mapping {
    /// Builds the map.
    pub fn build(policy: &Policy) -> Mapping {
        let total = policy.len();
        let mut dense = vec![NONE; total];
        let mut sparse: Vec<(i32, u32)> = Vec::new();
        let mut clusters = Vec::with_capacity(policy.rules.len());
        let mut storage = Vec::with_capacity(policy.rules.len());
        for (ri, rule) in policy.rules.iter().enumerate() {
            clusters.push(rule.cluster.clone());
            storage.push(rule.storage_class.clone().filter(|s| !s.is_empty()));
            let ri = ri as u32;
            for &index in &rule.indices {
                match usize::try_from(index).ok().filter(|&i| i < total) {
                    Some(i) => {
                        if dense[i] == NONE {
                            dense[i] = ri;
                        }
                    }
                    None => sparse.push((index, ri)),
                }
            }
        }
        // Stable order by index, then rule: the first entry of each index is the winner.
        sparse.sort_unstable();
        sparse.dedup_by_key(|(index, _)| *index);
        Mapping {
            clusters,
            storage,
            dense,
            sparse,
        }
    }

    fn rule_of(&self, ordinal: i32) -> Option<usize> {
        let r = match usize::try_from(ordinal)
            .ok()
            .and_then(|i| self.dense.get(i))
        {
            Some(&r) if r != NONE => r,
            Some(_) => return None,
            None => {
                let at = self
                    .sparse
                    .binary_search_by_key(&ordinal, |(i, _)| *i)
                    .ok()?;
                self.sparse[at].1
            }
        };
        Some(r as usize)
    }

    /// The cluster that runs `ordinal`.
    pub fn cluster(&self, ordinal: i32) -> Result<&str, PlacementError> {
        self.rule_of(ordinal)
            .map(|r| self.clusters[r].as_str())
            .ok_or(PlacementError::Unmapped { ordinal })
    }

    /// The storage class override for `ordinal`'s PVCs: the first-match rule's
    /// `storageClassName` when non-empty.
    pub fn storage_class(&self, ordinal: i32) -> Option<&str> {
        self.rule_of(ordinal)
            .and_then(|r| self.storage[r].as_deref())
    }

    /// Position of the rule that places `ordinal`.
    pub fn rule(&self, ordinal: i32) -> Option<usize> {
        self.rule_of(ordinal)
    }

    /// The clusters of ordinals `0..replicas`, in order; the first unmapped ordinal is an
    /// error.
    pub fn assign(&self, replicas: u32) -> Result<Vec<&str>, PlacementError> {
        (0..replicas as i32).map(|o| self.cluster(o)).collect()
    }
}
