//! What each node reports after the outage ([`NodeReport`]) and where that puts it
//! ([`NodePosition`], rules 1, 2 and 4 of the module docs); the reports gathered from files
//! ([`reports`], [`node_name`]).

use crate::files::{NIL_UUID, RecoveredPosition, SavedState, ViewState};

/// What one node reports after the outage.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct NodeReport {
    /// Node name (pod name).
    pub name: String,
    /// Its `grastate.dat`, if read (a data directory without one is a node that never
    /// joined: galera's defaults are the nil UUID and seqno -1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saved: Option<SavedState>,
    /// Its `--wsrep-recover` position, if run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovered: Option<RecoveredPosition>,
    /// Its `gvwstate.dat`, if read (present only when the node stopped while in a primary
    /// component); informational.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub view: Option<ViewState>,
    /// A garbd arbitrator: votes, holds no data, never donates.
    pub arbitrator: bool,
    /// `gmcast.segment`.
    pub segment: u32,
    /// `wsrep_local_cached_downto` of the node, when known (bounds IST).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cached_downto: Option<i64>,
}

/// Where a node stands, from what it reported.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum NodePosition {
    /// A position in a history.
    Known {
        /// History UUID.
        uuid: String,
        /// Last committed seqno (>= 0), as the data holds it.
        seqno: i64,
        /// Which file(s) it comes from, for the plan's reasons.
        evidence: String,
        /// `grastate.dat`'s seqno when it is valid but differs from the recovered position
        /// (a stale saved state, rule 1): the file must be corrected before the node starts.
        #[serde(skip_serializing_if = "Option::is_none")]
        stale_saved: Option<i64>,
    },
    /// A history but no position: `mariadbd --wsrep-recover` must be run on it.
    Unknown {
        /// What was read.
        evidence: String,
    },
    /// The node never joined a cluster (nil UUID): no data to keep.
    NeverJoined {
        /// What was read.
        evidence: String,
    },
    /// Its files contradict each other (`grastate.dat` and `--wsrep-recover` name different
    /// histories, the recovered one with a position): which data it holds is not known, and
    /// galera would not start from the recovered position.
    Contradicted {
        /// What was read.
        evidence: String,
    },
}

impl NodeReport {
    /// A report with a saved state only.
    pub fn saved(name: &str, saved: SavedState) -> NodeReport {
        NodeReport {
            name: name.to_owned(),
            saved: Some(saved),
            ..NodeReport::default()
        }
    }

    /// Where the node stands (module docs, rules 1, 2 and 4).
    pub fn position(&self) -> NodePosition {
        let valid = |uuid: &str, seqno: i64| uuid != NIL_UUID && seqno >= 0;
        let saved = self
            .saved
            .as_ref()
            .filter(|s| valid(&s.uuid, s.seqno))
            .map(|s| (s.uuid.as_str(), s.seqno));
        let recovered = self
            .recovered
            .as_ref()
            .filter(|r| valid(&r.uuid, r.seqno))
            .map(|r| (r.uuid.as_str(), r.seqno));
        let known = |uuid: &str, seqno: i64, evidence: String| NodePosition::Known {
            uuid: uuid.to_owned(),
            seqno,
            evidence,
            stale_saved: None,
        };
        match (saved, recovered) {
            (Some((su, ss)), Some((ru, rs))) if su != ru => NodePosition::Contradicted {
                evidence: format!(
                    "grastate.dat says {su}:{ss} but --wsrep-recover says {ru}:{rs}: two histories"
                ),
            },
            (Some((su, ss)), Some((_, rs))) if ss != rs => NodePosition::Known {
                uuid: su.to_owned(),
                seqno: rs,
                evidence: format!(
                    "recovered position {rs} from InnoDB; grastate.dat's seqno {ss} is stale"
                ),
                stale_saved: Some(ss),
            },
            (Some((su, ss)), _) => known(
                su,
                ss,
                match &self.recovered {
                    Some(r) if (r.uuid.as_str(), r.seqno) != (su, ss) => format!(
                        "grastate.dat seqno {ss}; --wsrep-recover says {}:{}, but galera starts from grastate.dat's seqno when it is not -1",
                        r.uuid, r.seqno
                    ),
                    _ => format!("grastate.dat seqno {ss}"),
                },
            ),
            // Galera takes the recovered position only for grastate.dat's own history
            // (`codership/galera@release_26.4.23:galera/src/replicator_smm.cpp`
            // `ReplicatorSMM::ReplicatorSMM`: `args->state_id->uuid == uuid`): a grastate.dat
            // of another history, even without a seqno, contradicts the log.
            (None, Some((ru, rs)))
                if self
                    .saved
                    .as_ref()
                    .is_some_and(|s| s.uuid != NIL_UUID && s.uuid != ru) =>
            {
                let s = self.saved.as_ref().map_or_else(String::new, |s| {
                    format!("{}:{}", s.uuid, s.seqno)
                });
                NodePosition::Contradicted {
                    evidence: format!(
                        "grastate.dat names history {s} but --wsrep-recover says {ru}:{rs}: two histories, and galera takes a start position only in grastate.dat's own history"
                    ),
                }
            }
            (None, Some((ru, rs))) => known(ru, rs, format!("recovered position {rs}")),
            (None, None) => match (&self.recovered, &self.saved) {
                (Some(r), _) if r.uuid == NIL_UUID => NodePosition::NeverJoined {
                    evidence: format!("recovered position {}:{}", r.uuid, r.seqno),
                },
                (Some(r), _) => NodePosition::Unknown {
                    evidence: format!("recovered position {}:{}", r.uuid, r.seqno),
                },
                (None, Some(s)) if s.uuid == NIL_UUID => NodePosition::NeverJoined {
                    evidence: format!("grastate.dat uuid {} seqno {}", s.uuid, s.seqno),
                },
                (None, Some(s)) => NodePosition::Unknown {
                    evidence: format!("grastate.dat seqno {} and no recovered position", s.seqno),
                },
                (None, None) if self.view.is_some() => NodePosition::Unknown {
                    evidence: "only a gvwstate.dat: it was in a primary component, its position was not read".to_owned(),
                },
                (None, None) => NodePosition::NeverJoined {
                    evidence: "no grastate.dat and no recovered position".to_owned(),
                },
            },
        }
    }

    /// The history UUID: of a known position, else a non-nil one the node reported
    /// (recovered first, as galera's start position); `None` when its files name two
    /// histories with a position each ([`NodePosition::Contradicted`]) or none.
    pub fn uuid(&self) -> Option<&str> {
        if matches!(self.position(), NodePosition::NeverJoined { .. }) {
            return None;
        }
        let valid = |u: &str, s: i64| u != NIL_UUID && s >= 0;
        let saved = self.saved.as_ref().filter(|s| valid(&s.uuid, s.seqno));
        let recovered = self.recovered.as_ref().filter(|r| valid(&r.uuid, r.seqno));
        match (saved, recovered) {
            (Some(s), Some(r)) if s.uuid != r.uuid => None,
            (None, Some(r))
                if self
                    .saved
                    .as_ref()
                    .is_some_and(|s| s.uuid != NIL_UUID && s.uuid != r.uuid) =>
            {
                None
            }
            (Some(s), _) => Some(&s.uuid),
            (None, Some(r)) => Some(&r.uuid),
            (None, None) => [
                self.recovered.as_ref().map(|r| r.uuid.as_str()),
                self.saved.as_ref().map(|s| s.uuid.as_str()),
            ]
            .into_iter()
            .flatten()
            .find(|u| *u != NIL_UUID),
        }
    }

    /// The last committed seqno of a known position ([`NodeReport::position`]).
    pub fn seqno(&self) -> Option<i64> {
        match self.position() {
            NodePosition::Known { seqno, .. } => Some(seqno),
            _ => None,
        }
    }

    /// `safe_to_bootstrap: 1` in a `grastate.dat` that has a history. Galera writes the flag
    /// set in a new, empty state (`codership/galera@release_26.4.18:galera/src/saved_state.cpp`
    /// `SavedState::SavedState`: `uuid_(WSREP_UUID_UNDEFINED)`, `safe_to_bootstrap_(true)`),
    /// so next to the all-zero UUID it says nothing about who left last.
    pub(super) fn safe_to_bootstrap(&self) -> bool {
        self.saved
            .as_ref()
            .is_some_and(|s| s.uuid != NIL_UUID && s.safe_to_bootstrap == Some(true))
    }

    /// The flag as written, whatever the UUID.
    pub(super) fn flagged(&self) -> bool {
        self.saved.as_ref().and_then(|s| s.safe_to_bootstrap) == Some(true)
    }
}

/// The ordinal of a pod name (`mariadb-2` → 2): its trailing digits.
pub fn ordinal(name: &str) -> Option<u64> {
    let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    name[name.len() - digits..].parse().ok()
}

/// The node a file or data directory belongs to, from its path: a `grastate.dat` or
/// `gvwstate.dat` names its directory (`mariadb-0/grastate.dat` → `mariadb-0`), a directory
/// names itself (`mariadb-2/` → `mariadb-2`), another file its name without the extension
/// (`database-1.log` → `database-1`); `-` (standard input) is `stdin`.
///
/// ```
/// use galera::recovery::node_name;
/// assert_eq!(node_name("cases/mariadb-0/grastate.dat"), "mariadb-0");
/// assert_eq!(node_name("logs/database-1.log"), "database-1");
/// assert_eq!(node_name("mariadb-2/"), "mariadb-2");
/// ```
pub fn node_name(path: &str) -> String {
    if path == "-" {
        return "stdin".to_owned();
    }
    let parts: Vec<&str> = path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    match parts.as_slice() {
        [.., dir, file] if *file == "grastate.dat" || *file == "gvwstate.dat" => (*dir).to_owned(),
        [.., last] => match last.rsplit_once('.') {
            Some((stem, _)) if !stem.is_empty() && !path.ends_with('/') => stem.to_owned(),
            _ => (*last).to_owned(),
        },
        [] => path.to_owned(),
    }
}

/// Two files of one kind for one node.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("{first} and {second} are both a {kind} of node {node}: name each node with NAME=PATH")]
pub struct DuplicateFile {
    /// The node.
    pub node: String,
    /// `grastate.dat`, `gvwstate.dat` or `recovered position`.
    pub kind: &'static str,
    /// The first file.
    pub first: String,
    /// The second file.
    pub second: String,
}

/// One report per node from `(node, file, contents)` triples, in the order nodes first
/// appear: a node's `grastate.dat`, `gvwstate.dat` and recovery log go into one report.
pub fn reports(
    files: &[(String, String, crate::files::NodeFile)],
) -> Result<Vec<NodeReport>, DuplicateFile> {
    use crate::files::NodeFile;
    let mut out: Vec<(NodeReport, [Option<&str>; 3])> = Vec::new();
    for (node, file, contents) in files {
        let at = match out.iter().position(|(r, _)| &r.name == node) {
            Some(at) => at,
            None => {
                out.push((
                    NodeReport {
                        name: node.clone(),
                        ..NodeReport::default()
                    },
                    [None; 3],
                ));
                out.len() - 1
            }
        };
        let (report, seen) = &mut out[at];
        let (slot, kind) = match contents {
            NodeFile::SavedState(s) => {
                report.saved = Some(s.clone());
                (0, "grastate.dat")
            }
            NodeFile::ViewState(v) => {
                report.view = Some(v.clone());
                (1, "gvwstate.dat")
            }
            NodeFile::Recovered(p) => {
                report.recovered = Some(p.clone());
                (2, "recovered position")
            }
        };
        if let Some(first) = seen[slot] {
            return Err(DuplicateFile {
                node: node.clone(),
                kind,
                first: first.to_owned(),
                second: file.clone(),
            });
        }
        seen[slot] = Some(file);
    }
    Ok(out.into_iter().map(|(r, _)| r).collect())
}
