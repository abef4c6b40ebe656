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
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("{file}{}: {message}", at(*.line))]
pub struct FileError {
    /// File name.
    pub file: String,
    /// Line, from 1 (0 when the file as a whole is wrong).
    pub line: usize,
    /// What is wrong and what to do.
    pub message: String,
}

/// `:<line>`, or nothing for the file as a whole.
fn at(line: usize) -> String {
    if line > 0 {
        format!(":{line}")
    } else {
        String::new()
    }
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

/// `true` for a UUID in its text form (`8-4-4-4-12` hex digits, either case), as galera
/// writes a history (cluster state) UUID. The parsers here keep UUIDs in lower case, as galera
/// prints them (`codership/galera@release_26.4.23:galerautils/src/gu_uuid.h` `GU_UUID_FORMAT`).
///
/// ```
/// assert!(galera::files::is_uuid("6B1F0C2E-8d4a-11f0-9c31-0242ac110002"));
/// assert!(!galera::files::is_uuid("6b1f0c2e"));
/// ```
pub fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// `grastate.dat`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SavedState {
    /// Format version (`2.1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// History (cluster state) UUID.
    pub uuid: String,
    /// Last committed seqno; `-1` while running or after a crash.
    pub seqno: i64,
    /// `safe_to_bootstrap`; absent in older formats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safe_to_bootstrap: Option<bool>,
}

impl SavedState {
    /// Parses the file's text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<SavedState, FileError> {
        let (mut version, mut uuid, mut seqno, mut safe) = (None, None, None, None);
        let mut seen: Vec<(&str, usize)> = Vec::new();
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
            let key = key.trim();
            if matches!(key, "version" | "uuid" | "seqno" | "safe_to_bootstrap") {
                if let Some(first) = seen.iter().find(|(k, _)| *k == key).map(|(_, l)| *l) {
                    return Err(err(
                        file,
                        n,
                        format!(
                            "{key} is given twice (first on line {first}): galera writes each once; two files were pasted together, keep one"
                        ),
                    ));
                }
                seen.push((key, n));
            }
            match key {
                "version" => version = Some(value.to_owned()),
                "uuid" => {
                    if !is_uuid(value) {
                        return Err(err(file, n, format!("uuid {value:?} is not a UUID")));
                    }
                    uuid = Some(value.to_ascii_lowercase());
                }
                "seqno" => {
                    let q = value
                        .parse::<i64>()
                        .map_err(|_| err(file, n, format!("seqno {value:?} is not an integer")))?;
                    // Galera writes -1 (WSREP_SEQNO_UNDEFINED) or a position, nothing below.
                    if q < -1 {
                        return Err(err(
                            file,
                            n,
                            format!(
                                "seqno {q}: galera writes -1 (unknown) or a position of 0 or more; the file is damaged, run `mariadbd --wsrep-recover` on the node"
                            ),
                        ));
                    }
                    seqno = Some(q);
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
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
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

/// A node's position in a history: `<uuid>:<seqno>`, optionally followed by MariaDB's GTID
/// (`,<domain>-<server>-<seqno>`), as `mariadbd --wsrep-recover` logs it and
/// `--wsrep_start_position` takes it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RecoveredPosition {
    /// History UUID (the all-zero UUID when the node never joined a cluster).
    pub uuid: String,
    /// Last committed seqno (`-1` when unknown).
    pub seqno: i64,
    /// MariaDB GTID (`domain-server-seqno`), when logged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gtid: Option<String>,
}

/// The words that introduce a position on a line, in every spelling the servers, their
/// wrapper scripts and container entrypoints print:
///
/// - `WSREP: Recovered position: <pos>`: the server itself (MariaDB 10.x `[Note]`, 11.x
///   `[Note]`/`[System]`; MySQL-8-style servers tag it `[MY-000000] [WSREP]`),
///   whatever timestamp precedes it (`MariaDB/server@02da00a9:sql/wsrep_mysqld.cc`
///   `wsrep_recover()`);
/// - `WSREP: Recovered position <pos>` without the colon: what `mysqld_safe` and
///   `galera_recovery.sh` log after running the recovery
///   (`MariaDB/server@02da00a9:scripts/mysqld_safe.sh` `wsrep_recover_position`,
///   `MariaDB/server@021b16bb:scripts/galera_recovery.sh`);
/// - `--wsrep_start_position=<pos>` (or `--wsrep-start-position=`, or systemd's
///   `_WSREP_START_POSITION=--wsrep_start_position=<pos>`): what `galera_recovery.sh` prints
///   for systemd and what entrypoints pass on (`percona/percona-xtradb-cluster-operator@
///   0ad91b8e:build/pxc-entrypoint.sh`);
/// - `Position <pos> given at startup, skipping position recovery`: the server was given
///   that position.
const POSITION_MARKERS: [&str; 4] = [
    "recovered position",
    "wsrep_start_position=",
    "wsrep-start-position=",
    "position ",
];

impl RecoveredPosition {
    /// Parses one position, `<uuid>:<seqno>[,<gtid>]` (surrounding spaces and quotes are
    /// ignored; the seqno may be `-1`).
    ///
    /// ```
    /// use galera::files::RecoveredPosition;
    /// let p = RecoveredPosition::parse("808ffebd-0dde-11ef-a0e6-0242ac120002:48451,201-2001-48431").unwrap();
    /// assert_eq!((p.seqno, p.gtid.as_deref()), (48451, Some("201-2001-48431")));
    /// assert!(RecoveredPosition::parse("48451").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<RecoveredPosition> {
        let token = text
            .trim()
            .trim_matches(|c| c == '\'' || c == '"')
            .split_whitespace()
            .next()?
            .trim_matches(|c| c == '\'' || c == '"');
        // What follows the position when the line is quoted: a JSON log line's `\n",`.
        let token = token
            .split(|c: char| !(c.is_ascii_hexdigit() || matches!(c, ':' | ',' | '-')))
            .next()?;
        let (uuid, rest) = token.split_once(':')?;
        if !is_uuid(uuid) {
            return None;
        }
        // `<seqno>[,<gtid>]`, or `<gtid>,<seqno>` as mariadb-operator's tests also read
        // (`mariadb-operator/mariadb-operator@v26.6.0:pkg/galera/recovery/recovery_test.go`):
        // the part that is an integer is the seqno.
        let parts: Vec<&str> = rest.split(',').map(str::trim).collect();
        let at = parts.iter().position(|p| p.parse::<i64>().is_ok())?;
        let gtid = parts
            .iter()
            .enumerate()
            .filter(|(i, p)| *i != at && !p.is_empty())
            .map(|(_, p)| *p)
            .collect::<Vec<_>>()
            .join(",");
        Some(RecoveredPosition {
            uuid: uuid.to_ascii_lowercase(),
            seqno: parts[at].parse().ok()?,
            gtid: Some(gtid).filter(|g| !g.is_empty()),
        })
    }

    /// The position on one log line, in any spelling of [`POSITION_MARKERS`]'s list (see
    /// the module source); `None` when the line holds none.
    fn on_line(line: &str) -> Option<RecoveredPosition> {
        let lower = line.to_ascii_lowercase();
        POSITION_MARKERS.iter().find_map(|marker| {
            lower.match_indices(marker).find_map(|(at, _)| {
                let rest = line[at + marker.len()..].trim_start();
                let rest = rest.strip_prefix(':').unwrap_or(rest);
                RecoveredPosition::parse(rest)
            })
        })
    }

    /// The last position a log reports (see `POSITION_MARKERS` in the source for the
    /// spellings); CRLF line ends are fine. `file` names the log in errors.
    ///
    /// ```
    /// use galera::files::RecoveredPosition;
    /// let log = "200306 11:20:27 mysqld_safe WSREP: Recovered position 3c1f6a2e-5b7d-11f0-9a1b-0242ac120002:10171\r\n";
    /// assert_eq!(RecoveredPosition::from_log("db-1.log", log).unwrap().seqno, 10171);
    /// ```
    pub fn from_log(file: &str, log: &str) -> Result<RecoveredPosition, FileError> {
        if let Some(p) = log.lines().rev().find_map(RecoveredPosition::on_line) {
            return Ok(p);
        }
        // A log that says the recovery failed (`WSREP: Failed to recover position`) holds no
        // position: say so rather than "no Recovered position line". (Wording as reported by
        // users; its source line in the server was not located.)
        if let Some((n, line)) = log
            .lines()
            .enumerate()
            .filter(|(_, l)| {
                l.to_ascii_lowercase()
                    .contains("failed to recover position")
            })
            .last()
        {
            return Err(err(
                file,
                n + 1,
                format!(
                    "the recovery failed ({:?}): no position; read the log above it, fix the cause and run `mariadbd --wsrep-recover` again",
                    line.trim_end_matches('\r').trim()
                ),
            ));
        }
        // A line that names a position but does not hold a readable one.
        if let Some((n, line)) = log
            .lines()
            .enumerate()
            .filter(|(_, l)| l.to_ascii_lowercase().contains("recovered position"))
            .last()
        {
            return Err(err(
                file,
                n + 1,
                format!(
                    "{:?} holds no `<uuid>:<seqno>` position",
                    line.trim_end_matches('\r')
                ),
            ));
        }
        Err(err(
            file,
            0,
            "no `Recovered position` line: run mariadbd --wsrep-recover and keep its error log",
        ))
    }
}

/// What a node's file turned out to be.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeFile {
    /// A `grastate.dat`.
    SavedState(SavedState),
    /// A `gvwstate.dat`.
    ViewState(ViewState),
    /// A log holding a recovered position.
    Recovered(RecoveredPosition),
}

/// What [`NodeFile::identify`] expects.
pub const EXPECTED_NODE_FILE: &str = "a grastate.dat, a gvwstate.dat, or the error log of `mariadbd --wsrep-recover` (a `Recovered position` line)";

/// A node file that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize)]
pub enum NodeFileError {
    /// The file is of a known kind but malformed.
    #[error(transparent)]
    Malformed(#[from] FileError),
    /// The file is none of the kinds a node leaves.
    #[error("{file}: this is {found}; expected {expected}")]
    Unrecognised {
        /// The file.
        file: String,
        /// What it looks like.
        found: String,
        /// What was expected ([`EXPECTED_NODE_FILE`]).
        expected: &'static str,
    },
}

impl NodeFile {
    /// Reads `text` as whichever node file it is: by its name (`grastate.dat`,
    /// `gvwstate.dat`), else by its content (`# GALERA saved state` or `uuid:` + `seqno:`
    /// lines; `my_uuid:` + `#vwbeg`; a position line). Anything else is
    /// [`NodeFileError::Unrecognised`], naming what it looks like.
    ///
    /// ```
    /// use galera::files::{NodeFile, NodeFileError};
    /// let e = NodeFile::identify("n0.tsv", "wsrep_cluster_status\tPrimary\n").unwrap_err();
    /// assert!(matches!(e, NodeFileError::Unrecognised { .. }));
    /// assert!(e.to_string().contains("SHOW STATUS"), "{e}");
    /// ```
    pub fn identify(file: &str, text: &str) -> Result<NodeFile, NodeFileError> {
        let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
        let keys: Vec<&str> = text
            .lines()
            .filter_map(|l| l.trim().split_once(':').map(|(k, _)| k.trim()))
            .collect();
        let has = |k: &str| keys.contains(&k);
        if base == "grastate.dat"
            || text.contains("# GALERA saved state")
            || (has("uuid") && has("seqno") && !has("my_uuid"))
        {
            return Ok(NodeFile::SavedState(SavedState::parse(file, text)?));
        }
        if base == "gvwstate.dat" || has("my_uuid") || text.contains("#vwbeg") {
            return Ok(NodeFile::ViewState(ViewState::parse(file, text)?));
        }
        match RecoveredPosition::from_log(file, text) {
            Ok(p) => Ok(NodeFile::Recovered(p)),
            Err(e) if e.line > 0 => Err(e.into()),
            Err(e) => {
                let found = describe(text);
                match found {
                    Some(found) => Err(NodeFileError::Unrecognised {
                        file: file.to_owned(),
                        found,
                        expected: EXPECTED_NODE_FILE,
                    }),
                    None => Err(e.into()),
                }
            }
        }
    }
}

/// What an unrecognised text looks like; `None` for a server log (it only lacks the
/// position line).
fn describe(text: &str) -> Option<String> {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty());
    let Some(first) = first else {
        return Some("an empty file".to_owned());
    };
    if text.contains("wsrep_")
        && (text.contains("wsrep_cluster_status") || text.contains('\t') || text.contains('|'))
    {
        return Some("`SHOW STATUS LIKE 'wsrep%'` output".to_owned());
    }
    if text.contains("WSREP")
        || text.contains("[Note]")
        || text.contains("mysqld")
        || text.contains("mariadbd")
    {
        return None;
    }
    let mut shown: String = first.chars().take(60).collect();
    if first.chars().count() > 60 {
        shown.push('…');
    }
    Some(format!("text of another kind (first line {shown:?})"))
}
