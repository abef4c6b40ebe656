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
}
