//! What a node leaves on disk: `grastate.dat`, `gvwstate.dat`, and the position
//! `mariadbd --wsrep-recover` logs.
//!
//! ```
//! use galera::files::SavedState;
//! let s = SavedState::parse("grastate.dat", "# GALERA saved state\nversion: 2.1\nuuid:    f4714c73-e875-11f1-9d52-da7fbb3aae7b\nseqno:   -1\nsafe_to_bootstrap: 0\n").unwrap();
//! assert_eq!(s.seqno, -1);
//! assert_eq!(s.safe_to_bootstrap, Some(false));
//! ```

/// A malformed file: which file, which line, what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct FileError {
    /// File name.
    pub file: String,
    /// Line, from 1 (0 when the file as a whole is wrong).
    pub line: usize,
    /// What is wrong and what to do.
    pub message: String,
}

fn err(file: &str, line: usize, message: impl Into<String>) -> FileError {
    FileError {
        file: file.to_owned(),
        line,
        message: message.into(),
    }
}

/// The all-zero UUID Galera writes before a node has a history.
pub const NIL_UUID: &str = "00000000-0000-0000-0000-000000000000";

fn valid_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// `grastate.dat`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedState {
    /// Format version (`2.1`).
    pub version: Option<String>,
    /// History (cluster state) UUID.
    pub uuid: String,
    /// Last committed seqno; `-1` while running or after a crash.
    pub seqno: i64,
    /// `safe_to_bootstrap`; absent in older formats.
    pub safe_to_bootstrap: Option<bool>,
}

impl SavedState {
    /// Parses the file's text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<SavedState, FileError> {
        let (mut version, mut uuid, mut seqno, mut safe) = (None, None, None, None);
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                return Err(err(
                    file,
                    n,
                    format!("expected `key: value`, found {line:?}"),
                ));
            };
            let value = value.trim();
            match key.trim() {
                "version" => version = Some(value.to_owned()),
                "uuid" => {
                    if !valid_uuid(value) {
                        return Err(err(file, n, format!("uuid {value:?} is not a UUID")));
                    }
                    uuid = Some(value.to_owned());
                }
                "seqno" => {
                    seqno =
                        Some(value.parse::<i64>().map_err(|_| {
                            err(file, n, format!("seqno {value:?} is not an integer"))
                        })?)
                }
                "safe_to_bootstrap" => {
                    safe = Some(match value {
                        "1" => true,
                        "0" => false,
                        _ => {
                            return Err(err(
                                file,
                                n,
                                format!("safe_to_bootstrap {value:?} is not 0 or 1"),
                            ));
                        }
                    })
                }
                _ => {}
            }
        }
        Ok(SavedState {
            version,
            uuid: uuid.ok_or_else(|| {
                err(
                    file,
                    0,
                    "no uuid line: the file is truncated or not a grastate.dat",
                )
            })?,
            seqno: seqno.ok_or_else(|| {
                err(
                    file,
                    0,
                    "no seqno line: the file is truncated or not a grastate.dat",
                )
            })?,
            safe_to_bootstrap: safe,
        })
    }
}

/// A view identifier: type, the UUID of the node that installed it, and its sequence.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ViewId {
    /// View sequence.
    pub seq: u64,
    /// Installing node.
    pub uuid: String,
    /// View type code.
    pub type_: u32,
}

/// `gvwstate.dat`: the last primary view this node saw (written while primary, removed on a
/// clean shutdown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewState {
    /// This node's gcomm UUID.
    pub my_uuid: String,
    /// The view.
    pub view_id: ViewId,
    /// Whether the view was a bootstrap.
    pub bootstrap: bool,
    /// Members and their segment.
    pub members: Vec<(String, u32)>,
}

impl ViewState {
    /// Parses the file's text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<ViewState, FileError> {
        let (mut my_uuid, mut view_id, mut bootstrap, mut members) =
            (None, None, false, Vec::new());
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            let line = raw.trim();
            if line.is_empty() || line == "#vwbeg" || line == "#vwend" {
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                return Err(err(
                    file,
                    n,
                    format!("expected `key: value`, found {line:?}"),
                ));
            };
            let fields: Vec<&str> = value.split_whitespace().collect();
            match key.trim() {
                "my_uuid" => my_uuid = fields.first().map(|s| (*s).to_owned()),
                "view_id" => {
                    let [t, uuid, seq] = fields[..] else {
                        return Err(err(file, n, "view_id needs `type uuid seq`"));
                    };
                    view_id = Some(ViewId {
                        type_: t.parse().map_err(|_| {
                            err(file, n, format!("view type {t:?} is not a number"))
                        })?,
                        uuid: uuid.to_owned(),
                        seq: seq.parse().map_err(|_| {
                            err(file, n, format!("view seq {seq:?} is not a number"))
                        })?,
                    });
                }
                "bootstrap" => bootstrap = fields.first() == Some(&"1"),
                "member" => {
                    let [uuid, segment] = fields[..] else {
                        return Err(err(file, n, "member needs `uuid segment`"));
                    };
                    members.push((
                        uuid.to_owned(),
                        segment.parse().map_err(|_| {
                            err(file, n, format!("segment {segment:?} is not a number"))
                        })?,
                    ));
                }
                _ => {}
            }
        }
        Ok(ViewState {
            my_uuid: my_uuid.ok_or_else(|| err(file, 0, "no my_uuid line"))?,
            view_id: view_id.ok_or_else(|| err(file, 0, "no view_id line"))?,
            bootstrap,
            members,
        })
    }
}

/// The position `mariadbd --wsrep-recover` logs: `Recovered position: <uuid>:<seqno>`,
/// optionally followed by `,<gtid>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoveredPosition {
    /// History UUID.
    pub uuid: String,
    /// Last committed seqno.
    pub seqno: i64,
    /// MariaDB GTID (`domain-server-seqno`), when logged.
    pub gtid: Option<String>,
}

impl RecoveredPosition {
    /// Finds the last `Recovered position:` line of a log; `file` names it in errors.
    pub fn from_log(file: &str, log: &str) -> Result<RecoveredPosition, FileError> {
        let (n, line) = log
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains("Recovered position:"))
            .last()
            .ok_or_else(|| err(file, 0, "no `Recovered position:` line: run mariadbd --wsrep-recover and keep its error log"))?;
        let position = line
            .split("Recovered position:")
            .nth(1)
            .unwrap_or_default()
            .trim();
        let (uuid_seqno, gtid) = match position.split_once(',') {
            Some((a, g)) => (a, Some(g.trim().to_owned()).filter(|g| !g.is_empty())),
            None => (position, None),
        };
        let (uuid, seqno) = uuid_seqno
            .rsplit_once(':')
            .ok_or_else(|| err(file, n + 1, format!("{position:?} is not `uuid:seqno`")))?;
        if !valid_uuid(uuid) {
            return Err(err(file, n + 1, format!("{uuid:?} is not a UUID")));
        }
        let seqno = seqno
            .trim()
            .parse()
            .map_err(|_| err(file, n + 1, format!("seqno {seqno:?} is not an integer")))?;
        Ok(RecoveredPosition {
            uuid: uuid.to_owned(),
            seqno,
            gtid,
        })
    }
}
