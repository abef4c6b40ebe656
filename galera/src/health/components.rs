//! What identifies a Primary node's component (the rule "one component means they agree" of
//! the module docs), and what it reports about it as evidence.

use crate::status::WsrepStatus;

use super::findings::{Evidence, ev};

/// What identifies a node's component, as far as it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Key {
    uuid: Option<String>,
    size: Option<u64>,
    conf: Option<i64>,
    addresses: Option<Vec<Option<String>>>,
}

impl Key {
    pub(super) fn of(s: &WsrepStatus) -> Key {
        Key {
            uuid: s.cluster_state_uuid.clone(),
            size: s.cluster_size,
            conf: s.cluster_conf_id.filter(|c| *c >= 0),
            addresses: s.incoming_addresses.clone().map(|mut a| {
                a.sort();
                a
            }),
        }
    }

    pub(super) fn agrees(&self, other: &Key) -> bool {
        fn same<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
            match (a, b) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
        }
        same(&self.uuid, &other.uuid)
            && same(&self.size, &other.size)
            && same(&self.conf, &other.conf)
            && same(&self.addresses, &other.addresses)
    }
}

/// What a node reports about its component, as evidence.
pub(super) fn component_evidence(name: &str, s: &WsrepStatus) -> Vec<Evidence> {
    let mut e = vec![ev(name, "wsrep_cluster_status", "Primary")];
    if let Some(n) = s.cluster_size {
        e.push(ev(name, "wsrep_cluster_size", n));
    }
    if let Some(u) = &s.cluster_state_uuid {
        e.push(ev(name, "wsrep_cluster_state_uuid", u));
    }
    if let Some(a) = &s.incoming_addresses {
        let a: Vec<&str> = a.iter().map(|x| x.as_deref().unwrap_or("")).collect();
        e.push(ev(name, "wsrep_incoming_addresses", a.join(",")));
    }
    if let Some(c) = s.cluster_conf_id {
        e.push(ev(name, "wsrep_cluster_conf_id", c));
    }
    e
}
