//! What the checker says: a [`Verdict`] per document, its [`Report`], and the [`Summary`]
//! of a run.

use std::fmt;
use std::path::PathBuf;

/// What the checker says of one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Parses, and nothing is pruned, dropped or changed.
    Lossless,
    /// Parses, but these fields would be pruned by the API server or lost by the type.
    Lossy(Vec<String>),
    /// Would be rejected: why.
    Invalid(Vec<String>),
    /// No workspace type has this `apiVersion` and `kind`.
    Unknown,
    /// Not parsed: the document trips one of the reader's [`Limits`](super::Limits). Counted as invalid.
    Refused(Refusal),
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Lossless => f.write_str("lossless"),
            Verdict::Lossy(paths) => write!(f, "lossy: {}", paths.join(", ")),
            Verdict::Invalid(reasons) => write!(f, "invalid: {}", reasons.join("; ")),
            Verdict::Unknown => f.write_str("unknown kind"),
            Verdict::Refused(refusal) => write!(f, "refused: {refusal}"),
        }
    }
}

/// The checker's finding for one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The file.
    pub source: PathBuf,
    /// Position in the file, from 1.
    pub index: usize,
    /// The line the document starts on, from 1.
    pub line: usize,
    /// `apiVersion`, when present.
    pub api_version: Option<String>,
    /// `kind`, when present.
    pub kind: Option<String>,
    /// `metadata.namespace/metadata.name` (or the name alone), when present.
    pub name: Option<String>,
    /// The verdict.
    pub verdict: Verdict,
    /// What the webhooks admit but this checker warns about (deliberately stricter rules, a
    /// deprecated version), and rules it could not run for want of an object the input lacks.
    pub warnings: Vec<String>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}#{} {} {}: {}",
            self.source.display(),
            self.index,
            self.kind.as_deref().unwrap_or("-"),
            self.name.as_deref().unwrap_or("-"),
            self.verdict
        )?;
        if !self.warnings.is_empty() {
            write!(f, " (warning: {})", self.warnings.join("; "))?;
        }
        Ok(())
    }
}

/// Counts of verdicts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Lossless documents.
    pub lossless: usize,
    /// Lossy documents.
    pub lossy: usize,
    /// Invalid documents.
    pub invalid: usize,
    /// Documents of unknown kinds.
    pub unknown: usize,
}

impl Summary {
    /// Counts the verdicts of `reports`.
    pub fn of(reports: &[Report]) -> Summary {
        let mut s = Summary::default();
        for r in reports {
            s.add(&r.verdict);
        }
        s
    }

    /// Counts one more verdict (a refused document as invalid).
    pub fn add(&mut self, verdict: &Verdict) {
        match verdict {
            Verdict::Lossless => self.lossless += 1,
            Verdict::Lossy(_) => self.lossy += 1,
            Verdict::Invalid(_) | Verdict::Refused(_) => self.invalid += 1,
            Verdict::Unknown => self.unknown += 1,
        }
    }

    /// The checker's exit status: 2 when some input was unreadable, else 1 when anything is
    /// lossy or invalid, else 0.
    pub fn exit_code(&self, unreadable: bool) -> u8 {
        if unreadable {
            2
        } else if self.lossy + self.invalid > 0 {
            1
        } else {
            0
        }
    }

    /// All documents.
    pub fn total(&self) -> usize {
        self.lossless + self.lossy + self.invalid + self.unknown
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} documents: {} lossless, {} lossy, {} invalid, {} unknown",
            self.total(),
            self.lossless,
            self.lossy,
            self.invalid,
            self.unknown
        )
    }
}

/// A document the reader refused to parse: which limit it trips, by how much, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The limit, by name: `document size`, `nesting depth`, `node count`, `scalar size`,
    /// `alias count`, `alias expansion`, ...; `... in alias expansion` when an alias
    /// replayed the content that tripped it (a "billion laughs").
    pub limit: String,
    /// What the document reached, and the limit.
    pub value: String,
    /// The line where the limit tripped, from 1.
    pub line: usize,
    /// The column where the limit tripped, from 1.
    pub column: usize,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}) at line {}, column {}",
            self.limit, self.value, self.line, self.column
        )
    }
}
