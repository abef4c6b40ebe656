//! The checker's output: the text lines, a JSON document, or a JUnit XML report.

use std::fmt;
use std::io::{self, Write};
use std::path::PathBuf;
use std::str::FromStr;

use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};
use serde_json::{Value, json};

use super::read::{Item, ReadError};
use super::report::{Report, Summary, Verdict};

/// How `check` prints its findings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// One line per document (`<file>#<n> <kind> <namespace/name>: <verdict>`), unreadable
    /// input on standard error, then the summary line.
    #[default]
    Text,
    /// One JSON document: `documents` (one object each, as they are checked), `errors`
    /// (unreadable input) and `summary` (the counts and the exit status).
    Json,
    /// A JUnit XML report: a test suite per file, a test case per document (lossy and
    /// invalid are failures, unknown kinds skipped), a test case in error per unreadable
    /// input.
    Junit,
}

impl Format {
    /// The spellings [`FromStr`] takes.
    pub const NAMES: [&'static str; 3] = ["text", "json", "junit"];
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "junit" => Ok(Format::Junit),
            _ => Err(format!(
                "unknown output {s:?}: use {}",
                Format::NAMES.join(", ")
            )),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Junit => "junit",
        })
    }
}

/// Prints [`Item`]s as they come, in one [`Format`], then the summary.
///
/// ```
/// use distributed_galera::check::{Format, Printer, Summary};
/// let (mut out, mut err) = (Vec::new(), Vec::new());
/// let printer = Printer::new(Format::Json, &mut out, &mut err);
/// printer.finish(&Summary::default()).unwrap();
/// let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
/// assert_eq!(json["summary"]["documents"], 0);
/// assert_eq!(json["summary"]["exitCode"], 0);
/// ```
pub struct Printer<O: Write, E: Write> {
    format: Format,
    out: O,
    err: E,
    /// Documents printed so far (JSON separators).
    printed: usize,
    /// Unreadable input, for the JSON `errors` list and the exit status.
    errors: Vec<Value>,
    /// JUnit suites, one per run of reports from the same file.
    suites: Vec<(PathBuf, TestSuite)>,
    /// What the input was judged against ([`crate::check::Checker::judged_against`]).
    judged_against: Option<String>,
}

impl<O: Write, E: Write> Printer<O, E> {
    /// A printer writing findings to `out` and, in text, unreadable input to `err`.
    pub fn new(format: Format, out: O, err: E) -> Self {
        Printer {
            format,
            out,
            err,
            printed: 0,
            errors: Vec::new(),
            suites: Vec::new(),
            judged_against: None,
        }
    }

    /// Names what the input was judged against: in text, a line just before the summary; in
    /// JSON, the summary's `judgedAgainst`; in JUnit, a property of every suite.
    pub fn judged_against(mut self, line: String) -> Self {
        self.judged_against = Some(line);
        self
    }

    /// Prints one item (JUnit keeps it until [`Printer::finish`]).
    ///
    /// # Errors
    /// When writing fails.
    pub fn item(&mut self, item: &Item) -> io::Result<()> {
        match (self.format, item) {
            (Format::Text, Item::Report(r)) => writeln!(self.out, "{r}"),
            (Format::Text, Item::Error(e)) => {
                self.errors.push(error_json(e));
                writeln!(self.err, "{e}")
            }
            (Format::Json, Item::Report(r)) => {
                let sep = if self.printed == 0 {
                    "{\"documents\": [\n"
                } else {
                    ",\n"
                };
                self.printed += 1;
                write!(self.out, "{sep}{}", report_json(r))
            }
            (Format::Json, Item::Error(e)) => {
                self.errors.push(error_json(e));
                Ok(())
            }
            (Format::Junit, Item::Report(r)) => {
                self.suite(&r.source).add_test_case(test_case(r));
                Ok(())
            }
            (Format::Junit, Item::Error(e)) => {
                self.errors.push(error_json(e));
                let (path, case) = error_case(e);
                self.suite(&path).add_test_case(case);
                Ok(())
            }
        }
    }

    fn suite(&mut self, source: &PathBuf) -> &mut TestSuite {
        if self.suites.last().is_none_or(|(p, _)| p != source) {
            let name = source.display().to_string();
            self.suites.push((source.clone(), TestSuite::new(name)));
        }
        let last = self.suites.len() - 1;
        &mut self.suites[last].1
    }

    /// Unreadable inputs seen so far.
    pub fn unreadable(&self) -> usize {
        self.errors.len()
    }

    /// The exit status: 2 when some input was unreadable, else 1 when anything is lossy or
    /// invalid (refused documents included), else 0.
    pub fn exit_code(&self, summary: &Summary) -> u8 {
        summary.exit_code(!self.errors.is_empty())
    }

    /// Prints the summary (and, in JUnit, the whole report) and returns the exit status.
    ///
    /// # Errors
    /// When writing fails.
    pub fn finish(mut self, summary: &Summary) -> io::Result<u8> {
        let code = self.exit_code(summary);
        match self.format {
            Format::Text => {
                if let Some(line) = &self.judged_against {
                    writeln!(self.out, "{line}")?;
                }
                writeln!(self.out, "{summary}")?
            }
            Format::Json => {
                let head = if self.printed == 0 {
                    "{\"documents\": ["
                } else {
                    "\n"
                };
                let summary = json!({
                    "judgedAgainst": self.judged_against,
                    "documents": summary.total(),
                    "lossless": summary.lossless,
                    "lossy": summary.lossy,
                    "invalid": summary.invalid,
                    "unknown": summary.unknown,
                    "unreadable": self.errors.len(),
                    "exitCode": code,
                });
                writeln!(
                    self.out,
                    "{head}],\n\"errors\": {},\n\"summary\": {summary}}}",
                    Value::Array(std::mem::take(&mut self.errors))
                )?;
            }
            Format::Junit => {
                let mut report = quick_junit::Report::new("check");
                let judged = self.judged_against.clone();
                report.add_test_suites(self.suites.drain(..).map(|(_, mut s)| {
                    if let Some(line) = &judged {
                        s.add_property(quick_junit::Property::new("judged-against", line.as_str()));
                    }
                    s
                }));
                report.serialize(&mut self.out).map_err(io::Error::other)?;
                writeln!(self.out)?;
            }
        }
        self.out.flush()?;
        Ok(code)
    }
}

/// A document as a JSON object (the README's schema).
fn report_json(r: &Report) -> Value {
    let mut v = json!({
        "source": r.source.display().to_string(),
        "index": r.index,
        "line": r.line,
        "apiVersion": r.api_version,
        "kind": r.kind,
        "name": r.name,
    });
    let (verdict, key, list) = match &r.verdict {
        Verdict::Lossless => ("lossless", None, Vec::new()),
        Verdict::Lossy(paths) => ("lossy", Some("fields"), paths.clone()),
        Verdict::Invalid(reasons) => ("invalid", Some("reasons"), reasons.clone()),
        Verdict::Unknown => ("unknown", None, Vec::new()),
        Verdict::Refused(refusal) => {
            v["refused"] = json!({
                "limit": refusal.limit,
                "value": refusal.value,
                "line": refusal.line,
                "column": refusal.column,
            });
            ("invalid", Some("reasons"), vec![r.verdict.to_string()])
        }
    };
    v["verdict"] = json!(verdict);
    if let Some(key) = key {
        v[key] = json!(list);
    }
    if !r.warnings.is_empty() {
        v["warnings"] = json!(r.warnings);
    }
    v
}

fn error_json(e: &ReadError) -> Value {
    match e {
        ReadError::Io { path, source } => json!({
            "source": path.display().to_string(),
            "error": "unreadable",
            "message": source.to_string(),
        }),
        ReadError::Yaml {
            path,
            line,
            column,
            message,
        } => json!({
            "source": path.display().to_string(),
            "line": line,
            "column": column,
            "error": "malformed",
            "message": message,
        }),
        ReadError::Refused { path, refusal } => json!({
            "source": path.display().to_string(),
            "line": refusal.line,
            "column": refusal.column,
            "error": "refused",
            "message": refusal.to_string(),
        }),
        ReadError::NotAnObject { path, line, .. } => json!({
            "source": path.display().to_string(),
            "line": line,
            "error": "not an object",
            "message": e.to_string(),
        }),
        ReadError::NoObjects { inputs } => json!({
            "source": inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" "),
            "error": "no objects",
            "message": e.to_string(),
        }),
    }
}

fn test_case(r: &Report) -> TestCase {
    let name = format!(
        "#{} {} {}",
        r.index,
        r.kind.as_deref().unwrap_or("-"),
        r.name.as_deref().unwrap_or("-")
    );
    let failure = |ty: &str, message: String| {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status.set_type(ty).set_message(message);
        status
    };
    let status = match &r.verdict {
        Verdict::Lossless => TestCaseStatus::success(),
        Verdict::Lossy(paths) => failure("lossy", paths.join(", ")),
        Verdict::Invalid(reasons) => failure("invalid", reasons.join("; ")),
        Verdict::Refused(refusal) => failure("invalid", format!("refused: {refusal}")),
        Verdict::Unknown => {
            let mut status = TestCaseStatus::skipped();
            status.set_message("unknown kind");
            status
        }
    };
    let mut case = TestCase::new(name, status);
    case.set_classname(format!("{}:{}", r.source.display(), r.line));
    case
}

fn error_case(e: &ReadError) -> (PathBuf, TestCase) {
    let joined;
    let (path, ty, line) = match e {
        ReadError::Io { path, .. } => (path, "unreadable", None),
        ReadError::Yaml { path, line, .. } => (path, "malformed", Some(*line)),
        ReadError::Refused { path, refusal } => (path, "refused", Some(refusal.line)),
        ReadError::NotAnObject { path, line, .. } => (path, "not an object", Some(*line)),
        ReadError::NoObjects { inputs } => {
            joined = PathBuf::from(
                inputs
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            (&joined, "no objects", None)
        }
    };
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    status.set_type(ty).set_message(e.to_string());
    let location = match line {
        Some(l) => format!("{}:{l}", path.display()),
        None => path.display().to_string(),
    };
    let mut case = TestCase::new(format!("{ty} {location}"), status);
    case.set_classname(location);
    (path.clone(), case)
}
