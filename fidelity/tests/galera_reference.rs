//! The reference notes' fixture (`shared/reference/galera.md` §2.5), read as a status dump.

use galera::status::{ClusterStatus, LocalState, WsrepStatus};

/// The reference's fixture: what a healthy 3-node MariaDB 11.5.2 cluster reports.
#[test]
fn mariadb_11_5_three_node_dump() {
    let Some(reference) = fidelity::reference("galera_reference::mariadb_11_5_three_node_dump")
    else {
        return;
    };
    let path = reference.join("galera.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let start = text.find("### 2.5 Fixture").expect("fixture section");
    let block: String = text[start..]
        .split("```")
        .nth(1)
        .expect("fixture block")
        .to_owned();
    let s = WsrepStatus::from_tsv(&block).expect("parses");
    assert_eq!(s.cluster_status, Some(ClusterStatus::Primary));
    assert_eq!(s.cluster_size, Some(3));
    assert_eq!(s.local_state, Some(LocalState::Synced));
    assert_eq!(s.ready, Some(true));
    assert_eq!(s.incoming_addresses.as_ref().map(Vec::len), Some(3));
}
