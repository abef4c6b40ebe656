//! A pure model of a Galera cluster.
//!
//! Node states, the weighted primary-component rule, recovery after an outage and parsing of
//! what nodes report (`wsrep%` status, `grastate.dat`). No I/O in the core. The model arrives
//! with the Galera issue; until then the crate is intentionally empty.
