//! The primary-component (quorum) rule.
//!
//! After a membership change each node compares what it still sees with the last primary
//! view `P`: `M` are the members of `P` still connected, `L` those of `P` that left
//! gracefully (sent a LEAVE). The component stays primary when `2·w(M) + w(L) > w(P)`; with
//! `2·w(M) + w(L) == w(P)` it is an exact-half split ("split brain"). Members not in `P` count
//! for nothing, partitioned members of `P` count only in `w(P)`.
//!
//! `pc.ignore_sb` keeps an exact-half component primary; `pc.ignore_quorum` keeps any component
//! primary. Neither applies to a node that is itself leaving.

/// A sum of `pc.weight` values (each 0 to 255).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Weight(pub u64);

impl Weight {
    /// The sum of some members' weights.
    pub fn sum(weights: impl IntoIterator<Item = u8>) -> Weight {
        Weight(weights.into_iter().map(u64::from).sum())
    }
}

/// Quorum settings of a node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// `pc.ignore_sb`: stay primary on an exact-half split.
    pub ignore_sb: bool,
    /// `pc.ignore_quorum`: stay primary whatever is lost.
    pub ignore_quorum: bool,
}

/// What a component becomes after a membership change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    /// It keeps (or is) the primary component.
    Primary,
    /// It holds exactly half the weight and becomes non-primary.
    SplitBrain,
    /// It holds less than half and becomes non-primary.
    NonPrimary,
}

/// `2·w(M) + w(L) > w(P)`.
pub fn have_quorum(members: Weight, left: Weight, last_primary: Weight) -> bool {
    2 * members.0 + left.0 > last_primary.0
}

/// `2·w(M) + w(L) == w(P)`.
pub fn have_split_brain(members: Weight, left: Weight, last_primary: Weight) -> bool {
    2 * members.0 + left.0 == last_primary.0
}

/// The outcome for a component that still sees `members` and saw `left` leave, out of the
/// last primary view's total weight `last_primary`, under `settings`.
pub fn decide(members: Weight, left: Weight, last_primary: Weight, settings: Settings) -> Decision {
    if have_quorum(members, left, last_primary) {
        return Decision::Primary;
    }
    let split = have_split_brain(members, left, last_primary);
    if (split && settings.ignore_sb) || settings.ignore_quorum {
        return Decision::Primary;
    }
    if split {
        Decision::SplitBrain
    } else {
        Decision::NonPrimary
    }
}

/// More nodes than [`SurvivalTable::new`] enumerates (2^n subsets).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0} nodes is too many to enumerate every failure (at most {max})", max = SurvivalTable::MAX_NODES)]
pub struct TooManyNodes(pub usize);

/// The verdict for every set of crashed nodes of a cluster whose last primary view holds
/// every node: bit `i` of a failure mask means node `i` crashed (nobody left gracefully).
///
/// ```
/// use galera::quorum::{Decision, Settings, SurvivalTable};
/// let t = SurvivalTable::new(&[3, 1, 1], Settings::default()).unwrap();
/// assert_eq!(t.decision(0b110), Decision::Primary); // both light nodes crash
/// assert_eq!(t.decision(0b001), Decision::NonPrimary); // the heavy node crashes
/// assert_eq!(t.tolerated_failures(), 0);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurvivalTable {
    weights: Vec<u8>,
    decisions: Vec<Decision>,
}

impl SurvivalTable {
    /// The largest cluster [`SurvivalTable::new`] accepts.
    pub const MAX_NODES: usize = 24;

    /// Judge all `2^n` failure sets of the nodes with these `pc.weight`s.
    pub fn new(weights: &[u8], settings: Settings) -> Result<SurvivalTable, TooManyNodes> {
        let n = weights.len();
        if n > Self::MAX_NODES {
            return Err(TooManyNodes(n));
        }
        let total = Weight::sum(weights.iter().copied());
        // failed[mask] = weight of the crashed nodes in `mask`, built from mask without its
        // lowest bit.
        let mut failed = vec![0u64; 1 << n];
        let mut decisions = Vec::with_capacity(1 << n);
        for mask in 0..(1usize << n) {
            if mask > 0 {
                let low = mask.trailing_zeros() as usize;
                failed[mask] = failed[mask & (mask - 1)] + u64::from(weights[low]);
            }
            let alive = Weight(total.0 - failed[mask]);
            decisions.push(decide(alive, Weight(0), total, settings));
        }
        Ok(SurvivalTable {
            weights: weights.to_vec(),
            decisions,
        })
    }

    /// The nodes' weights.
    pub fn weights(&self) -> &[u8] {
        &self.weights
    }

    /// The outcome for the survivors when the nodes in `failed` crash (bits beyond the
    /// cluster's size are ignored).
    pub fn decision(&self, failed: u64) -> Decision {
        let mask = (failed as usize) & (self.decisions.len() - 1);
        self.decisions[mask]
    }

    /// How many failure sets leave the survivors primary.
    pub fn surviving(&self) -> usize {
        self.decisions
            .iter()
            .filter(|d| **d == Decision::Primary)
            .count()
    }

    /// The largest `k` such that every set of `k` crashed nodes leaves a primary component
    /// (0 also when not even the full cluster is primary, as with all weights 0).
    pub fn tolerated_failures(&self) -> usize {
        let mut worst = vec![true; self.weights.len() + 1];
        for (mask, d) in self.decisions.iter().enumerate() {
            if *d != Decision::Primary {
                worst[mask.count_ones() as usize] = false;
            }
        }
        worst.iter().take_while(|ok| **ok).count().saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ones(n: usize) -> Weight {
        Weight::sum(std::iter::repeat_n(1, n))
    }

    #[test]
    fn three_equal_nodes() {
        let p = ones(3);
        let d = |m, l| decide(ones(m), ones(l), p, Settings::default());
        assert_eq!(d(2, 0), Decision::Primary, "one crash");
        assert_eq!(d(1, 0), Decision::NonPrimary, "two crashes");
        assert_eq!(d(1, 2), Decision::Primary, "two graceful leaves: 2 + 2 > 3");
    }

    #[test]
    fn exact_half_is_split_brain_unless_ignored() {
        let p = ones(4);
        assert_eq!(
            decide(ones(2), ones(0), p, Settings::default()),
            Decision::SplitBrain
        );
        let ignore_sb = Settings {
            ignore_sb: true,
            ..Settings::default()
        };
        assert_eq!(decide(ones(2), ones(0), p, ignore_sb), Decision::Primary);
        assert_eq!(
            decide(ones(1), ones(0), p, ignore_sb),
            Decision::NonPrimary,
            "ignore_sb rescues only the exact half"
        );
        let ignore_quorum = Settings {
            ignore_quorum: true,
            ..Settings::default()
        };
        assert_eq!(
            decide(ones(1), ones(0), p, ignore_quorum),
            Decision::Primary
        );
    }

    #[test]
    fn weights_three_one_one() {
        let p = Weight::sum([3, 1, 1]);
        // Both light nodes crash: 2·3 > 5.
        assert_eq!(
            decide(Weight::sum([3]), Weight(0), p, Settings::default()),
            Decision::Primary
        );
        // The heavy node crashes: 2·2 > 5 is false.
        assert_eq!(
            decide(Weight::sum([1, 1]), Weight(0), p, Settings::default()),
            Decision::NonPrimary
        );
    }

    #[test]
    fn survival_table_matches_decide_and_counts_tolerance() {
        let t = SurvivalTable::new(&[1, 1, 1, 1, 1], Settings::default()).unwrap();
        assert_eq!(t.tolerated_failures(), 2);
        // Subsets of at most 2 failures survive: 1 + 5 + 10.
        assert_eq!(t.surviving(), 16);
        let even = SurvivalTable::new(&[1, 1], Settings::default()).unwrap();
        assert_eq!(even.decision(0b01), Decision::SplitBrain);
        assert_eq!(even.tolerated_failures(), 0);
        assert_eq!(
            SurvivalTable::new(&[1; 25], Settings::default()),
            Err(TooManyNodes(25))
        );
    }
}
