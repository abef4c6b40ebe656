//! How a joining node received the cluster's state, read from its error log: a full copy of
//! a donor's data (SST), the write-sets it missed from a donor's cache (IST), or both in turn.
//!
//! The lines read, Galera's own (`codership/galera@release_26.4.18`; Debian 12's galera-4
//! 26.4.23 logs the same) and one of the SST script's:
//!
//! - `Member <i>.<seg> (<joiner>) requested state transfer from '<wanted>'. Selected
//!   <j>.<seg> (<donor>)(<state>) as donor.` (`gcs/src/gcs_group.cpp`, every member logs it
//!   for every joiner, so the joiner's name picks its own);
//! - `Installed new state from SST: <uuid>:<seqno>` (`galera/src/replicator_str.cpp`): the
//!   SST arrived and gave that position; unless the SST script said before it that it ran
//!   in its IST mode, `WSREP_SST: [INFO] rsync IST completed on joiner` (rsync) or `...
//!   Running IST` (mariabackup) (`MariaDB/server@mariadb-10.11.19:scripts/wsrep_sst_rsync.sh`,
//!   `wsrep_sst_mariabackup.sh`, installed by Debian 12's mariadb-server 10.11.19): the donor was started with `--bypass` because the joiner's
//!   position is in its cache, and no data was copied;
//! - `Receiving IST: <n> writesets, seqnos <from>-<to>` (`galera/src/replicator_str.cpp`):
//!   write-sets that are applied. After an SST the joiner also replays the donor's cached
//!   write-sets up to the SST position into its certification index (`Cert. index preload up
//!   to`, then `IST received: <uuid>:<seqno>`, which Galera prints in both cases): no data, so
//!   not an IST here.
//!
//! ```
//! use galera::transfer::StateTransfer;
//! let log = "\
//! 2026-11-30  5:37:25 0 [Note] WSREP: Member 3.0 (mariadb-3) requested state transfer from '*any*'. Selected 0.0 (mariadb-0)(SYNCED) as donor.
//! 2026-11-30  5:37:28 2 [Note] WSREP: Installed new state from SST: 16b9525c-ec80-11f1-a5fb-e3e1a359aeac:7
//! ";
//! let t = StateTransfer::from_log("mariadb-3", log).unwrap();
//! assert_eq!(t.donor.as_deref(), Some("mariadb-0"));
//! assert_eq!(t.to_string(), "SST from mariadb-0 to seqno 7");
//! ```

use crate::files::RecoveredPosition;

/// What a node's log says it received when it last joined.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StateTransfer {
    /// The donor the group chose for it, when the log names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub donor: Option<String>,
    /// The position an SST installed (`None`: no SST).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sst: Option<RecoveredPosition>,
    /// The seqnos of the write-sets an IST applied, first and last (`None`: no IST).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ist: Option<(i64, i64)>,
}

impl StateTransfer {
    /// The last state transfer `node` (its `wsrep_node_name`) asked for in `log`, its error
    /// log; `None` when the log shows it asking for none (a bootstrap, a restart that found
    /// its state current). CRLF line ends are fine.
    pub fn from_log(node: &str, log: &str) -> Option<StateTransfer> {
        let member = format!("({node}) requested state transfer from ");
        let mut found: Option<StateTransfer> = None;
        // The SST script ran in its IST mode (the donor passed `--bypass`): Galera still logs
        // the script's position as `Installed new state from SST`, but no data was copied.
        let mut bypass = false;
        for line in log.lines().map(|l| l.trim_end_matches('\r')) {
            if line.contains("WSREP_SST: [INFO]")
                && (line.contains("IST completed on joiner") || line.contains("Running IST"))
            {
                bypass = true;
            }
            if let Some(at) = line.find(&member) {
                bypass = false;
                let rest = &line[at + member.len()..];
                let donor = rest
                    .split_once(". Selected ")
                    .and_then(|(_, sel)| sel.split_once('(')?.1.split_once(')'))
                    .map(|(name, _)| name.to_owned());
                found = Some(StateTransfer {
                    donor,
                    sst: None,
                    ist: None,
                });
            } else if let Some(t) = found.as_mut() {
                if let Some((_, pos)) = line.split_once("Installed new state from SST: ") {
                    t.sst = if bypass {
                        None
                    } else {
                        RecoveredPosition::parse(pos)
                    };
                } else if let Some((_, rest)) = line.split_once("Receiving IST: ") {
                    t.ist = rest
                        .split_once("seqnos ")
                        .and_then(|(_, r)| r.split_whitespace().next()?.split_once('-'))
                        .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)));
                }
            }
        }
        found
    }
}

impl std::fmt::Display for StateTransfer {
    /// `SST from <donor> to seqno <n>`, `IST of <n> write-sets (seqnos a-b) from <donor>`,
    /// both joined with `, then `, or `no state received` when the log shows neither.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let from = self
            .donor
            .as_ref()
            .map_or(String::new(), |d| format!(" from {d}"));
        let mut parts = Vec::new();
        if let Some(p) = &self.sst {
            parts.push(format!("SST{from} to seqno {}", p.seqno));
        }
        if let Some((a, b)) = self.ist {
            parts.push(format!(
                "IST of {} write-sets (seqnos {a}-{b}){from}",
                b - a + 1
            ));
        }
        if parts.is_empty() {
            return write!(f, "no state received");
        }
        write!(f, "{}", parts.join(", then "))
    }
}

#[cfg(test)]
mod tests {
    use super::StateTransfer;

    /// The joiner's log of a real run (`scale --lab`, MariaDB 10.11.19, Galera 26.4.23),
    /// lines about other members and the SST script's kept: an SST, then the cache preload.
    const SST_LOG: &str = "\
2026-11-30  5:37:25 2 [Note] WSREP: State transfer required: \n\
WSREP_SST: [INFO] rsync SST started on joiner (20261130 05:37:25.445)\n\
2026-11-30  5:37:25 2 [Note] WSREP: ####### IST uuid:00000000-0000-0000-0000-000000000000 f: 0, l: 7, STRv: 3\n\
2026-11-30  5:37:25 0 [Note] WSREP: Member 3.0 (mariadb-3) requested state transfer from '*any*'. Selected 0.0 (mariadb-0)(SYNCED) as donor.\n\
2026-11-30  5:37:28 3 [Note] WSREP: SST received: 16b9525c-ec80-11f1-a5fb-e3e1a359aeac:7\n\
2026-11-30  5:37:28 2 [Note] WSREP: Installed new state from SST: 16b9525c-ec80-11f1-a5fb-e3e1a359aeac:7\n\
2026-11-30  5:37:28 2 [Note] WSREP: Cert. index preload up to 7\n\
2026-11-30  5:37:28 0 [Note] WSREP: Receiving IST... 100.0% (4/4 events) complete.\n\
2026-11-30  5:37:28 2 [Note] WSREP: IST received: 16b9525c-ec80-11f1-a5fb-e3e1a359aeac:7\n\
2026-11-30  5:37:32 0 [Note] WSREP: Member 4.0 (mariadb-4) requested state transfer from '*any*'. Selected 1.0 (mariadb-1)(SYNCED) as donor.\n";

    #[test]
    fn an_sst_join_is_an_sst_from_the_chosen_donor_and_the_preload_is_no_ist() {
        let t = StateTransfer::from_log("mariadb-3", SST_LOG).expect("mariadb-3 asked");
        assert_eq!(t.donor.as_deref(), Some("mariadb-0"));
        let sst = t.sst.as_ref().expect("sst");
        assert_eq!(
            (sst.uuid.as_str(), sst.seqno),
            ("16b9525c-ec80-11f1-a5fb-e3e1a359aeac", 7)
        );
        assert_eq!(t.ist, None);
        assert_eq!(t.to_string(), "SST from mariadb-0 to seqno 7");
    }

    #[test]
    fn another_members_request_is_not_the_nodes_own() {
        // mariadb-4's request is in mariadb-3's log, without what followed on mariadb-4.
        let t = StateTransfer::from_log("mariadb-4", SST_LOG).expect("mariadb-4 asked");
        assert_eq!(t.donor.as_deref(), Some("mariadb-1"));
        assert_eq!(t.to_string(), "no state received");
        assert_eq!(StateTransfer::from_log("mariadb-9", SST_LOG), None);
        assert_eq!(StateTransfer::from_log("mariadb-3", ""), None);
    }

    #[test]
    fn a_rejoin_within_the_cache_is_an_ist() {
        let log = "\
2026-11-30  6:01:02 0 [Note] WSREP: Member 1.0 (mariadb-1) requested state transfer from '*any*'. Selected 2.0 (mariadb-2)(SYNCED) as donor.\r\n\
2026-11-30  6:01:02 2 [Note] WSREP: Receiving IST: 12 writesets, seqnos 31-42\r\n\
2026-11-30  6:01:03 2 [Note] WSREP: IST received: 16b9525c-ec80-11f1-a5fb-e3e1a359aeac:42\r\n";
        let t = StateTransfer::from_log("mariadb-1", log).expect("asked");
        assert_eq!((t.sst.as_ref(), t.ist), (None, Some((31, 42))));
        assert_eq!(
            t.to_string(),
            "IST of 12 write-sets (seqnos 31-42) from mariadb-2"
        );
    }

    /// A restart after a full outage, the joiner's log of a real run (`failover --lab`): the
    /// rsync script runs in its IST mode, Galera still logs the script's position as
    /// "Installed new state from SST", then the write-sets the joiner missed.
    #[test]
    fn an_sst_script_in_ist_mode_is_not_an_sst() {
        let log = "\
2026-11-30  6:10:38 0 [Note] WSREP: Member 1.0 (mariadb-2) requested state transfer from '*any*'. Selected 0.0 (mariadb-0)(SYNCED) as donor.
WSREP_SST: [INFO] Galera co-ords from recovery: ab450a7c-ec84-11f1-941f-72c325e4b1fb:43 0 (20261130 06:10:39.129)
WSREP_SST: [INFO] rsync IST completed on joiner (20261130 06:10:39.131)
2026-11-30  6:10:39 3 [Note] WSREP: SST received: ab450a7c-ec84-11f1-941f-72c325e4b1fb:43
2026-11-30  6:10:39 2 [Note] WSREP: Installed new state from SST: ab450a7c-ec84-11f1-941f-72c325e4b1fb:43
2026-11-30  6:10:39 2 [Note] WSREP: Receiving IST: 2 writesets, seqnos 44-45
";
        let t = StateTransfer::from_log("mariadb-2", log).expect("asked");
        assert_eq!((t.sst.as_ref(), t.ist), (None, Some((44, 45))));
        assert_eq!(
            t.to_string(),
            "IST of 2 write-sets (seqnos 44-45) from mariadb-0"
        );
        // The same lines without the script's IST line: a full SST, then the write-sets.
        let sst = log.replace("rsync IST completed", "rsync SST completed");
        let t = StateTransfer::from_log("mariadb-2", &sst).expect("asked");
        assert_eq!(t.sst.map(|p| p.seqno), Some(43));
    }
}
