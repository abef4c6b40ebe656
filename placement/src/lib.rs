//! Pure placement engine for distributed PetSets.
//!
//! Maps PlacementPolicy ordinals to clusters exactly as PetSet does, predicts spread inside a
//! cluster and plans survivable layouts. No I/O. The engine arrives with the placement issue;
//! until then the crate is intentionally empty.
