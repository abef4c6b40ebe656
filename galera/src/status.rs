//! `SHOW STATUS LIKE 'wsrep%'`, typed.
//!
//! Accepts what MariaDB 10.3 to 11.x print: `-1` or `18446744073709551615` for an unset
//! conf id or index, `0` or `0.000000` for doubles; a variable that is absent (MariaDB drops
//! some on non-Primary nodes) is `None`, and variables this type does not know are kept in
//! [`WsrepStatus::other`].
//!
//! ```
//! use galera::status::{ClusterStatus, LocalState, WsrepStatus};
//! let s = WsrepStatus::from_pairs([
//!     ("wsrep_cluster_status", "non-Primary"),
//!     ("wsrep_cluster_conf_id", "18446744073709551615"),
//!     ("wsrep_local_state", "0"),
//!     ("wsrep_ready", "OFF"),
//!     ("wsrep_incoming_addresses", "10.1.0.3:0,,10.1.16.4:0"),
//! ]).unwrap();
//! assert_eq!(s.cluster_status, Some(ClusterStatus::NonPrimary));
//! assert_eq!(s.cluster_conf_id, Some(-1));
//! assert_eq!(s.local_state, Some(LocalState::Initialized));
//! assert_eq!(s.incoming_addresses.unwrap()[1], None, "garbd has no incoming address");
//! ```

use std::collections::BTreeMap;
use std::fmt;

/// `wsrep_cluster_status`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(into = "String")]
pub enum ClusterStatus {
    /// `Primary`.
    Primary,
    /// `non-Primary`.
    NonPrimary,
    /// `Disconnected`.
    Disconnected,
    /// Anything else, kept verbatim.
    Other(String),
}

impl ClusterStatus {
    /// Parses the value.
    pub fn parse(s: &str) -> ClusterStatus {
        match s {
            "Primary" => ClusterStatus::Primary,
            "non-Primary" => ClusterStatus::NonPrimary,
            "Disconnected" => ClusterStatus::Disconnected,
            other => ClusterStatus::Other(other.to_owned()),
        }
    }
}

impl From<ClusterStatus> for String {
    fn from(s: ClusterStatus) -> String {
        s.to_string()
    }
}

impl fmt::Display for ClusterStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ClusterStatus::Primary => "Primary",
            ClusterStatus::NonPrimary => "non-Primary",
            ClusterStatus::Disconnected => "Disconnected",
            ClusterStatus::Other(s) => s,
        })
    }
}

/// `wsrep_local_state` (`wsrep_api.h`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum LocalState {
    /// 0: not in a primary component (`Initialized`).
    Initialized,
    /// 1: receiving a state transfer (`Joining`).
    Joiner,
    /// 2: donating a state transfer or desynced (`Donor/Desynced`).
    Donor,
    /// 3: caught up, not yet synced (`Joined`).
    Joined,
    /// 4: in sync (`Synced`).
    Synced,
    /// 5: saved state corrupt (`Inconsistent`).
    Error,
}

impl LocalState {
    /// From the number.
    pub fn from_code(code: i64) -> Option<LocalState> {
        Some(match code {
            0 => LocalState::Initialized,
            1 => LocalState::Joiner,
            2 => LocalState::Donor,
            3 => LocalState::Joined,
            4 => LocalState::Synced,
            5 => LocalState::Error,
            _ => return None,
        })
    }

    /// The number.
    pub fn code(self) -> i64 {
        match self {
            LocalState::Initialized => 0,
            LocalState::Joiner => 1,
            LocalState::Donor => 2,
            LocalState::Joined => 3,
            LocalState::Synced => 4,
            LocalState::Error => 5,
        }
    }

    /// The usual `wsrep_local_state_comment`.
    pub fn comment(self) -> &'static str {
        match self {
            LocalState::Initialized => "Initialized",
            LocalState::Joiner => "Joining",
            LocalState::Donor => "Donor/Desynced",
            LocalState::Joined => "Joined",
            LocalState::Synced => "Synced",
            LocalState::Error => "Inconsistent",
        }
    }
}

/// `wsrep_evs_repl_latency`: `min/avg/max/stddev/samples` seconds.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct ReplLatency {
    /// Minimum.
    pub min: f64,
    /// Average.
    pub avg: f64,
    /// Maximum.
    pub max: f64,
    /// Standard deviation.
    pub stddev: f64,
    /// Samples.
    pub samples: u64,
}

impl ReplLatency {
    /// Parses `5.097e-06/5.097e-06/5.097e-06/0/1`.
    pub fn parse(s: &str) -> Option<ReplLatency> {
        let p: Vec<&str> = s.trim().split('/').collect();
        if p.len() != 5 {
            return None;
        }
        Some(ReplLatency {
            min: p[0].parse().ok()?,
            avg: p[1].parse().ok()?,
            max: p[2].parse().ok()?,
            stddev: p[3].parse().ok()?,
            samples: p[4].parse().ok()?,
        })
    }
}

/// A bad value of a known variable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("{variable} = {value:?}: {reason}")]
pub struct StatusError {
    /// The variable.
    pub variable: String,
    /// Its value.
    pub value: String,
    /// What was expected.
    pub reason: &'static str,
}

/// The wsrep status of one node.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct WsrepStatus {
    /// `wsrep_cluster_status`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_status: Option<ClusterStatus>,
    /// `wsrep_cluster_size`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_size: Option<u64>,
    /// `wsrep_cluster_weight` (0 when not primary).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_weight: Option<u64>,
    /// `wsrep_cluster_conf_id` (-1 when not primary).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_conf_id: Option<i64>,
    /// `wsrep_cluster_state_uuid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_state_uuid: Option<String>,
    /// `wsrep_local_state_uuid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_state_uuid: Option<String>,
    /// `wsrep_local_state`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_state: Option<LocalState>,
    /// `wsrep_local_state_comment`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_state_comment: Option<String>,
    /// `wsrep_local_index` (-1 before the first view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_index: Option<i64>,
    /// `wsrep_ready`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready: Option<bool>,
    /// `wsrep_connected`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connected: Option<bool>,
    /// `wsrep_last_committed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_committed: Option<i64>,
    /// `wsrep_incoming_addresses`: one entry per member, `None` where empty (garbd).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incoming_addresses: Option<Vec<Option<String>>>,
    /// `wsrep_gcomm_uuid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gcomm_uuid: Option<String>,
    /// `wsrep_evs_state`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evs_state: Option<String>,
    /// `wsrep_evs_repl_latency`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evs_repl_latency: Option<ReplLatency>,
    /// `wsrep_flow_control_paused` (fraction 0..1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow_control_paused: Option<f64>,
    /// `wsrep_local_recv_queue_avg`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_recv_queue_avg: Option<f64>,
    /// `wsrep_local_cached_downto` (-1 when the cache is empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_cached_downto: Option<i64>,
    /// `wsrep_desync_count`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desync_count: Option<u64>,
    /// `wsrep_provider_version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_version: Option<String>,
    /// Every other variable, verbatim.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub other: BTreeMap<String, String>,
}

/// An int64 printed signed (`-1`) or as its unsigned two's complement (`18446744073709551615`).
pub fn parse_i64(s: &str) -> Option<i64> {
    let s = s.trim();
    s.parse::<i64>()
        .ok()
        .or_else(|| s.parse::<u64>().ok().map(|u| u as i64))
}

/// A boolean status variable as the server prints it: `ON` or `OFF`. `wsrep_ready` and
/// `wsrep_connected` are boolean status variables, and `SHOW STATUS` renders every boolean
/// this way (`MariaDB/server@10.11:sql/sql_show.cc` `get_one_variable`, cases `SHOW_BOOL`
/// and `SHOW_MY_BOOL`). The one spelling every tool and model in this workspace prints;
/// the parser reads it back (and the other spellings drivers use).
///
/// ```
/// use galera::status::{on_off, WsrepStatus};
/// assert_eq!((on_off(true), on_off(false)), ("ON", "OFF"));
/// let s = WsrepStatus::from_pairs([("wsrep_ready", on_off(false))]).unwrap();
/// assert_eq!(s.ready, Some(false));
/// ```
pub fn on_off(value: bool) -> &'static str {
    if value { "ON" } else { "OFF" }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim() {
        "ON" | "on" | "1" | "true" | "TRUE" | "YES" | "yes" => Some(true),
        "OFF" | "off" | "0" | "false" | "FALSE" | "NO" | "no" => Some(false),
        _ => None,
    }
}

/// One row of `SHOW STATUS`: `Variable_name` and `Value` as text (numbers, as some drivers
/// return them, are printed back in decimal). With the `mysql` feature it implements
/// `mysql_common`'s `FromRow`, so a driver can fetch `Vec<StatusVariable>` directly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusVariable {
    /// `Variable_name`.
    pub name: String,
    /// `Value`.
    pub value: String,
}

#[cfg(feature = "mysql")]
impl mysql_common::prelude::FromRow for StatusVariable {
    fn from_row_opt(row: mysql_common::Row) -> Result<Self, mysql_common::FromRowError> {
        use mysql_common::Value;
        let text = |i: usize| match row.as_ref(i) {
            Some(Value::Bytes(b)) => std::str::from_utf8(b).ok().map(str::to_owned),
            Some(Value::Int(n)) => Some(n.to_string()),
            Some(Value::UInt(n)) => Some(n.to_string()),
            Some(Value::Double(d)) => Some(d.to_string()),
            Some(Value::Float(f)) => Some(f.to_string()),
            Some(Value::NULL) => Some(String::new()),
            _ => None,
        };
        match (row.len(), text(0), text(1)) {
            (2, Some(name), Some(value)) => Ok(StatusVariable { name, value }),
            _ => Err(mysql_common::FromRowError(row)),
        }
    }
}

impl WsrepStatus {
    /// From `(Variable_name, Value)` pairs.
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<WsrepStatus, StatusError> {
        let mut s = WsrepStatus::default();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in pairs {
            let (k, v) = (k.as_ref(), v.as_ref());
            s.set(k, v)?;
            if let Some(first) = seen.insert(k.to_owned(), v.to_owned())
                && first != v
            {
                return Err(StatusError {
                    variable: k.to_owned(),
                    value: format!("{first} and {v}"),
                    reason: "given twice with different values: the outputs of two nodes (or two moments) are in one file; give one output per node",
                });
            }
        }
        Ok(s)
    }

    /// From rows of `SHOW STATUS LIKE 'wsrep%'` (columns `Variable_name`, `Value`), each
    /// decoded as a [`StatusVariable`] (feature `mysql`).
    #[cfg(feature = "mysql")]
    pub fn from_rows(
        rows: impl IntoIterator<Item = mysql_common::Row>,
    ) -> Result<WsrepStatus, StatusError> {
        use mysql_common::prelude::FromRow;
        let vars = rows.into_iter().map(|row| {
            StatusVariable::from_row_opt(row)
                .map(|v| (v.name, v.value))
                .map_err(|e| StatusError {
                    variable: "(row)".to_owned(),
                    value: format!("{:?}", e.0.unwrap()),
                    reason: "two text columns: Variable_name and Value",
                })
        });
        let pairs = vars.collect::<Result<Vec<_>, _>>()?;
        WsrepStatus::from_pairs(pairs)
    }

    /// From what `mariadb -e "SHOW STATUS LIKE 'wsrep%'"` prints in batch mode: a
    /// `Variable_name<TAB>Value` header (optional), then one tab-separated row per variable,
    /// with `\t`, `\n` and `\\` escaped; CRLF line ends are fine.
    pub fn from_tsv(text: &str) -> Result<WsrepStatus, StatusError> {
        WsrepStatus::from_pairs(tsv_pairs(text))
    }

    /// From status text in whichever layout the `mysql`/`mariadb` client printed it:
    ///
    /// - the interactive boxed table (`+---+` borders, `| name | value |` rows, the
    ///   `N rows in set` footer), as most public reports paste it;
    /// - the vertical form of `\G` (`*** 1. row ***`, `Variable_name: …`, `Value: …`);
    /// - batch-mode tab-separated rows, with or without the `Variable_name  Value` header
    ///   ([`WsrepStatus::from_tsv`]); rows separated by spaces are read too.
    ///
    /// CRLF line ends are fine; lines of none of these shapes (prompts, the query itself,
    /// blank lines) are ignored. Use [`WsrepStatus::read_any`] to tell whether any wsrep
    /// variable was found.
    ///
    /// ```
    /// use galera::status::{ClusterStatus, WsrepStatus};
    /// let boxed = "+----------------------+---------+\r\n| Variable_name        | Value   |\r\n+----------------------+---------+\r\n| wsrep_cluster_status | Primary |\r\n+----------------------+---------+\r\n1 row in set (0.001 sec)\r\n";
    /// assert_eq!(WsrepStatus::from_text(boxed).unwrap().cluster_status, Some(ClusterStatus::Primary));
    /// let vertical = "*************************** 1. row ***************************\nVariable_name: wsrep_cluster_size\n        Value: 3\n";
    /// assert_eq!(WsrepStatus::from_text(vertical).unwrap().cluster_size, Some(3));
    /// ```
    pub fn from_text(text: &str) -> Result<WsrepStatus, StatusError> {
        let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
        if lines.iter().any(|l| l.trim_start().starts_with('|')) {
            let pairs = lines.iter().filter_map(|l| {
                let inner = l.trim().strip_prefix('|')?;
                let inner = inner.strip_suffix('|').unwrap_or(inner);
                let (name, value) = inner.split_once('|')?;
                let name = name.trim();
                (!name.is_empty() && name != "Variable_name")
                    .then(|| (name.to_owned(), value.trim().to_owned()))
            });
            return WsrepStatus::from_pairs(pairs);
        }
        if lines
            .iter()
            .any(|l| l.trim_start().starts_with("Variable_name:"))
        {
            let mut pairs = Vec::new();
            let mut name: Option<String> = None;
            for l in &lines {
                let l = l.trim();
                if let Some(n) = l.strip_prefix("Variable_name:") {
                    name = Some(n.trim().to_owned());
                } else if let Some(v) = l.strip_prefix("Value:")
                    && let Some(n) = name.take()
                {
                    pairs.push((n, v.trim().to_owned()));
                }
            }
            return WsrepStatus::from_pairs(pairs);
        }
        WsrepStatus::from_pairs(tsv_pairs(text))
    }

    /// Whether any `wsrep_` variable was read.
    pub fn read_any(&self) -> bool {
        let known = WsrepStatus {
            other: BTreeMap::new(),
            ..self.clone()
        };
        known != WsrepStatus::default() || self.other.keys().any(|k| k.starts_with("wsrep_"))
    }

    fn set(&mut self, name: &str, value: &str) -> Result<(), StatusError> {
        let bad = |reason| StatusError {
            variable: name.to_owned(),
            value: value.to_owned(),
            reason,
        };
        let int = || parse_i64(value).ok_or_else(|| bad("an integer"));
        let uint = || {
            value
                .trim()
                .parse::<u64>()
                .map_err(|_| bad("a non-negative integer"))
        };
        let float = || value.trim().parse::<f64>().map_err(|_| bad("a number"));
        // Galera prints these as fractions and averages: a fraction of time in 0..1, a queue
        // length of at least 0 (`codership/documentation@49dffcc:galeracluster/source/
        // documentation/galera-status-variables.rst`); anything else is not a reading.
        let fraction = || {
            float().and_then(|v| {
                (0.0..=1.0)
                    .contains(&v)
                    .then_some(v)
                    .ok_or_else(|| bad("a fraction from 0 to 1"))
            })
        };
        let average = || {
            float().and_then(|v| {
                (v.is_finite() && v >= 0.0)
                    .then_some(v)
                    .ok_or_else(|| bad("a number of at least 0"))
            })
        };
        let boolean = || parse_bool(value).ok_or_else(|| bad("ON or OFF"));
        let text = || Some(value.to_owned());
        match name {
            "wsrep_cluster_status" => {
                self.cluster_status = Some(ClusterStatus::parse(value.trim()))
            }
            "wsrep_cluster_size" => self.cluster_size = Some(uint()?),
            "wsrep_cluster_weight" => self.cluster_weight = Some(uint()?),
            "wsrep_cluster_conf_id" => self.cluster_conf_id = Some(int()?),
            "wsrep_cluster_state_uuid" => self.cluster_state_uuid = text(),
            "wsrep_local_state_uuid" => self.local_state_uuid = text(),
            "wsrep_local_state" => {
                self.local_state =
                    Some(LocalState::from_code(int()?).ok_or_else(|| bad("a state 0 to 5"))?)
            }
            "wsrep_local_state_comment" => self.local_state_comment = text(),
            "wsrep_local_index" => self.local_index = Some(int()?),
            "wsrep_ready" => self.ready = Some(boolean()?),
            "wsrep_connected" => self.connected = Some(boolean()?),
            "wsrep_last_committed" => self.last_committed = Some(int()?),
            "wsrep_incoming_addresses" => {
                self.incoming_addresses = Some(if value.is_empty() {
                    Vec::new()
                } else {
                    value
                        .split(',')
                        .map(|a| Some(a.trim().to_owned()).filter(|a| !a.is_empty()))
                        .collect()
                })
            }
            "wsrep_gcomm_uuid" => self.gcomm_uuid = text(),
            "wsrep_evs_state" => self.evs_state = text(),
            "wsrep_evs_repl_latency" => {
                self.evs_repl_latency = Some(
                    ReplLatency::parse(value).ok_or_else(|| bad("min/avg/max/stddev/samples"))?,
                )
            }
            "wsrep_flow_control_paused" => self.flow_control_paused = Some(fraction()?),
            "wsrep_local_recv_queue_avg" => self.local_recv_queue_avg = Some(average()?),
            "wsrep_local_cached_downto" => self.local_cached_downto = Some(int()?),
            "wsrep_desync_count" => self.desync_count = Some(uint()?),
            "wsrep_provider_version" => self.provider_version = text(),
            _ => {
                self.other.insert(name.to_owned(), value.to_owned());
            }
        }
        Ok(())
    }

    /// `true` when the node is `Primary`.
    pub fn is_primary(&self) -> bool {
        self.cluster_status == Some(ClusterStatus::Primary)
    }

    /// `true` when the node is a Synced member of a Primary component
    /// (`wsrep_cluster_status=Primary`, `wsrep_local_state=4`): it serves queries and holds
    /// the component's latest state. A donor, a joiner or a node outside the Primary
    /// component is not one.
    ///
    /// ```
    /// use galera::status::WsrepStatus;
    /// let s = WsrepStatus::from_pairs([("wsrep_cluster_status", "Primary"), ("wsrep_local_state", "4")]).unwrap();
    /// assert!(s.is_synced_primary_member());
    /// let donor = WsrepStatus::from_pairs([("wsrep_cluster_status", "Primary"), ("wsrep_local_state", "2")]).unwrap();
    /// assert!(!donor.is_synced_primary_member());
    /// ```
    pub fn is_synced_primary_member(&self) -> bool {
        self.is_primary() && self.local_state == Some(LocalState::Synced)
    }
}

/// Tab-separated rows (or `name value` rows separated by spaces), without a header.
fn tsv_pairs(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let (k, v) = match l.split_once('\t') {
                Some(kv) => kv,
                None => {
                    let t = l.trim();
                    if !t.starts_with("wsrep_") {
                        return None;
                    }
                    t.split_once(char::is_whitespace).unwrap_or((t, ""))
                }
            };
            let k = k.trim();
            (k != "Variable_name").then(|| (unescape(k), unescape(v.trim())))
        })
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('0') => out.push('\0'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// `wsrep_provider_options` (`key = value; key = value`), as a map.
///
/// ```
/// let o = galera::status::provider_options("pc.weight = 3; pc.ignore_sb = false; evs.suspect_timeout = PT5S");
/// assert_eq!(o["pc.weight"], "3");
/// assert_eq!(o.len(), 3);
/// ```
pub fn provider_options(s: &str) -> BTreeMap<String, String> {
    s.split(';')
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            let k = k.trim();
            (!k.is_empty()).then(|| (k.to_owned(), v.trim().to_owned()))
        })
        .collect()
}
