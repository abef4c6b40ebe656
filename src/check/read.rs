//! Reading YAML streams document by document, with limits that name themselves (checking
//! them on several threads is `pipeline`'s).
//!
//! A stream is cut into documents at its document markers before any YAML is parsed: a line
//! that starts with `---` followed by a space, a tab or the end of the line starts a document,
//! and one that starts with `...` the same way ends one. YAML 1.2.2 forbids both markers at the
//! start of a line inside any node (`c-forbidden`, section 9.1.4 of
//! <https://yaml.org/spec/1.2.2/>), so no document is cut inside. Each piece is then parsed on
//! its own by serde-saphyr (`serde-saphyr@2.2.0:src/de/api.rs`, `from_multiple_with_options`)
//! with its budget applying to that one document, which is what lets a stream have any number
//! of documents while the protections against hostile input stay on for each.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::report::{Refusal, Report};

/// How standard input is named on the command line and in reports.
pub const STDIN: &str = "-";

/// One YAML document and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The file it was read from (`-` for standard input).
    pub source: PathBuf,
    /// Its position in the file, from 1, counting documents that are not empty.
    pub index: usize,
    /// The line it starts on (its `---` marker or its first line of content), from 1.
    pub line: usize,
    /// The document as JSON.
    pub value: Value,
}

/// Why input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file or folder could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The text is not well-formed YAML (or not UTF-8, or a mapping with keys that are not
    /// strings, which JSON cannot hold).
    #[error("{path}: malformed YAML: {message} at line {line}, column {column}")]
    Yaml {
        /// The file.
        path: PathBuf,
        /// The line of the fault, from 1.
        line: usize,
        /// The column of the fault, from 1.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A document is text, a number or a list, not a mapping: not a Kubernetes object of any
    /// kind (a mapping without `apiVersion` and `kind`, such as a Helm values file, is a
    /// document of an unknown kind instead).
    #[error(
        "{path}: line {line}: not a Kubernetes object: the document is {found}, not a mapping with apiVersion and kind; check that this is the manifest you meant"
    )]
    NotAnObject {
        /// The file.
        path: PathBuf,
        /// The line the document starts on, from 1.
        line: usize,
        /// What it is instead (`a YAML string`, `a YAML list`, ...).
        found: &'static str,
    },
    /// No input held a document with `apiVersion` and `kind`: nothing was checked (an empty
    /// folder or file, standard input with nothing on it, a misspelled folder of other files).
    /// Only from [`Checker::check_inputs`](super::Checker::check_inputs), and only when no
    /// other input error was reported.
    #[error(
        "{}: no Kubernetes object (a YAML document with apiVersion and kind) was read, so nothing was checked; check the paths (folders are searched for *.yaml and *.yml files)",
        names(inputs)
    )]
    NoObjects {
        /// The inputs, as named on the command line (`-` for standard input).
        inputs: Vec<PathBuf>,
    },
    /// A document trips one of the [`Limits`] (only from [`parse_yaml`] and [`read_path`],
    /// which return documents; [`Checker::check_inputs`](super::Checker::check_inputs) reports it as a
    /// [`Verdict::Refused`](super::Verdict::Refused) document instead).
    #[error("{path}: refused: {refusal}")]
    Refused {
        /// The file.
        path: PathBuf,
        /// Which limit, and where.
        refusal: Refusal,
    },
}

/// `a, b and c`.
fn names(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    match names.split_last() {
        None => "the input".to_owned(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// What a parsed value is, when it is not a mapping.
fn not_a_mapping(value: &Value) -> Option<&'static str> {
    match value {
        Value::Object(_) | Value::Null => None,
        Value::String(_) => Some("a YAML string (plain text)"),
        Value::Array(_) => Some("a YAML list"),
        Value::Number(_) => Some("a number"),
        Value::Bool(_) => Some("a boolean"),
    }
}

/// Limits on each document of a stream (the number of documents is not limited). A document
/// over a limit is refused by name and the rest of the stream is still read.
///
/// The defaults are serde-saphyr's (`serde-saphyr@2.2.0:src/de/budget.rs`, `Budget::default`,
/// and `src/de/options.rs`, `AliasLimits::default`), except the document size, which is its
/// cap on a whole reader input (256 MiB) applied to one document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one document's text (`document size`). Default 256 MiB.
    pub max_document_bytes: usize,
    /// Nesting of sequences and mappings (`nesting depth`). Default 64.
    pub max_depth: usize,
    /// Nodes (scalars, sequences, mappings), counting those an alias replays (`node count`).
    /// Default 250,000.
    pub max_nodes: usize,
    /// Bytes of all scalars together (`scalar size`). Default 64 MiB.
    pub max_scalar_bytes: usize,
    /// Parser events (`parser events`). Default 1,000,000.
    pub max_events: usize,
    /// Alias uses (`alias count`). Default 50,000.
    pub max_aliases: usize,
    /// Events replayed by aliases (`alias expansion`). Default 1,000,000.
    pub max_alias_replayed_events: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_document_bytes: 256 * 1024 * 1024,
            max_depth: 64,
            max_nodes: 250_000,
            max_scalar_bytes: 64 * 1024 * 1024,
            max_events: 1_000_000,
            max_aliases: 50_000,
            max_alias_replayed_events: 1_000_000,
        }
    }
}

impl Limits {
    /// The parser options: these limits, and duplicate keys where the last one wins, as in
    /// the YAML libraries the upstream validation used.
    pub(super) fn options(&self) -> serde_saphyr::Options {
        let mut budget = serde_saphyr::Budget::default();
        budget.max_depth = self.max_depth;
        budget.max_nodes = self.max_nodes;
        budget.max_total_scalar_bytes = self.max_scalar_bytes;
        budget.max_events = self.max_events;
        budget.max_aliases = self.max_aliases;
        let mut options = serde_saphyr::options! {
            budget: Some(budget),
            duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::LastWins,
            with_snippet: false,
        };
        options.alias_limits.max_total_replayed_events = self.max_alias_replayed_events;
        options
    }
}

/// Where the checker reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A YAML file, or every `*.yaml`/`*.yml` file below a folder (in path order).
    Path(PathBuf),
    /// Standard input, named `-` in reports.
    Stdin,
}

impl Input {
    /// `-` is standard input, anything else a path.
    pub fn from_arg(arg: impl Into<PathBuf>) -> Input {
        let path = arg.into();
        if path.as_os_str() == STDIN {
            Input::Stdin
        } else {
            Input::Path(path)
        }
    }

    /// The input as named on the command line (`-` for standard input).
    pub fn name(&self) -> PathBuf {
        match self {
            Input::Stdin => PathBuf::from(STDIN),
            Input::Path(path) => path.clone(),
        }
    }
}

/// How the checker reads and how many threads judge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckOptions {
    /// Threads that parse and judge documents (at least 1; 1 checks on the calling thread).
    pub jobs: usize,
    /// Limits on each document.
    pub limits: Limits,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            jobs: 1,
            limits: Limits::default(),
        }
    }
}

/// What [`Checker::check_inputs`](super::Checker::check_inputs) reports, in input order.
#[derive(Debug)]
pub enum Item {
    /// A document's report (refused documents included, as [`Verdict::Refused`](super::Verdict::Refused)).
    Report(Report),
    /// Input that could not be read: a file or folder, or malformed YAML (the stream goes on
    /// with the next document).
    Error(ReadError),
}

/// Parses a multi-document YAML text with the default [`Limits`]. Empty documents are
/// skipped; the first malformed, refused or non-mapping document ([`ReadError::NotAnObject`])
/// is the error.
pub fn parse_yaml(source: &Path, text: &str) -> Result<Vec<Document>, ReadError> {
    let sources = [Source {
        name: source.to_owned(),
        origin: Origin::Text(text.as_bytes()),
    }];
    let mut docs = Vec::new();
    let mut error = None;
    collect(&sources, &Limits::default(), &mut docs, &mut |e| {
        error.get_or_insert(e);
    });
    match error {
        Some(e) => Err(e),
        None => Ok(docs),
    }
}

/// Reads a YAML file, or every `*.yaml`/`*.yml` file below a folder (in path order), with
/// the default [`Limits`]. Returns the documents that could be read and an error for each
/// file that could not, each malformed document and each refused one.
pub fn read_path(path: &Path) -> (Vec<Document>, Vec<ReadError>) {
    let mut errors = Vec::new();
    let sources = expand(&[Input::Path(path.to_owned())], None);
    let mut docs = Vec::new();
    collect(&sources, &Limits::default(), &mut docs, &mut |e| {
        errors.push(e)
    });
    (docs, errors)
}

/// Parses every piece of `sources` into documents, numbered per source.
pub(super) fn collect(
    sources: &[Source<'_>],
    limits: &Limits,
    docs: &mut Vec<Document>,
    error: &mut dyn FnMut(ReadError),
) {
    let options = limits.options();
    let mut numbering = Numbering::default();
    read_sources(sources, limits, &mut |work| {
        match work {
            Work::Failed(no, e) => error(sources[no].io_error(e)),
            Work::Piece(no, piece) => {
                for parsed in parse_piece(&sources[no].name, piece, limits, &options) {
                    match parsed {
                        Parsed::Document(mut doc) => {
                            doc.index = numbering.next(no);
                            docs.push(doc);
                        }
                        Parsed::Refused(_, refusal) => error(ReadError::Refused {
                            path: sources[no].name.clone(),
                            refusal,
                        }),
                        Parsed::Malformed(e) => error(e),
                    }
                }
            }
        }
        true
    });
}

/// Document numbers, from 1 in each source.
#[derive(Default)]
pub(super) struct Numbering {
    source: Option<usize>,
    index: usize,
}

impl Numbering {
    pub(super) fn next(&mut self, source: usize) -> usize {
        if self.source != Some(source) {
            self.source = Some(source);
            self.index = 0;
        }
        self.index += 1;
        self.index
    }
}

/// One input file, standard input (spooled), or a text, by the name reports give it.
pub(super) struct Source<'a> {
    pub(super) name: PathBuf,
    origin: Origin<'a>,
}

pub(super) enum Origin<'a> {
    File,
    Spooled(&'a File),
    Text(&'a [u8]),
    /// A folder that could not be listed, or standard input that could not be spooled.
    Unreadable(io::ErrorKind, String),
}

impl<'a> Source<'a> {
    fn open(&self) -> io::Result<Box<dyn BufRead + Send + 'a>> {
        match &self.origin {
            Origin::File => Ok(Box::new(BufReader::with_capacity(
                1 << 16,
                File::open(&self.name)?,
            ))),
            Origin::Spooled(file) => {
                let mut file: &File = file;
                file.rewind()?;
                Ok(Box::new(BufReader::with_capacity(1 << 16, file)))
            }
            Origin::Text(text) => Ok(Box::new(*text)),
            Origin::Unreadable(kind, message) => Err(io::Error::new(*kind, message.clone())),
        }
    }

    pub(super) fn io_error(&self, source: io::Error) -> ReadError {
        ReadError::Io {
            path: self.name.clone(),
            source,
        }
    }
}

/// The files behind `inputs` (folders listed recursively, in path order); `stdin` is the
/// spooled standard input.
pub(super) fn expand<'a>(inputs: &[Input], stdin: Option<&'a io::Result<File>>) -> Vec<Source<'a>> {
    let mut sources = Vec::new();
    for input in inputs {
        match input {
            Input::Stdin => sources.push(Source {
                name: PathBuf::from(STDIN),
                origin: match stdin {
                    Some(Ok(file)) => Origin::Spooled(file),
                    Some(Err(e)) => Origin::Unreadable(e.kind(), e.to_string()),
                    None => Origin::Unreadable(io::ErrorKind::Unsupported, "not read".into()),
                },
            }),
            Input::Path(path) => {
                let mut files = Vec::new();
                collect_files(path, &mut files);
                files.sort_by(|a, b| a.name.cmp(&b.name));
                sources.append(&mut files);
            }
        }
    }
    sources
}

pub(super) fn collect_files<'a>(path: &Path, files: &mut Vec<Source<'a>>) {
    if !path.is_dir() {
        files.push(Source {
            name: path.to_owned(),
            origin: Origin::File,
        });
        return;
    }
    let entries = match std::fs::read_dir(path) {
        Ok(e) => e,
        Err(e) => {
            files.push(Source {
                name: path.to_owned(),
                origin: Origin::Unreadable(e.kind(), e.to_string()),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let p = entry.path();
        let is_yaml = p.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if p.is_dir() || is_yaml {
            collect_files(&p, files);
        }
    }
}

/// Copies standard input to an unnamed temporary file, so that it can be read twice.
pub(super) fn spool_stdin() -> io::Result<File> {
    let mut file = tempfile::tempfile()?;
    io::copy(&mut io::stdin().lock(), &mut file)?;
    Ok(file)
}

/// The text of one document (or of comments between documents), cut at document markers.
pub(super) struct Piece {
    /// The line the text starts on, from 1.
    first_line: usize,
    /// The line the document starts on (its marker or first content), 0 when none.
    start: usize,
    /// Its size in bytes.
    bytes: usize,
    /// The text, empty when it is over [`Limits::max_document_bytes`].
    pub(super) text: Vec<u8>,
    /// Whether it is over [`Limits::max_document_bytes`].
    oversized: bool,
}

pub(super) enum Work {
    Piece(usize, Piece),
    /// The source could not be opened or read on (the rest of it is skipped).
    Failed(usize, io::Error),
}

/// Cuts each source into pieces and hands them to `send` in order; stops when `send` says
/// so.
pub(super) fn read_sources(
    sources: &[Source<'_>],
    limits: &Limits,
    send: &mut dyn FnMut(Work) -> bool,
) {
    for (no, source) in sources.iter().enumerate() {
        let reader = match source.open() {
            Ok(r) => r,
            Err(e) => {
                if !send(Work::Failed(no, e)) {
                    return;
                }
                continue;
            }
        };
        let mut cutter = Cutter::new(reader, limits.max_document_bytes);
        loop {
            let work = match cutter.next_piece() {
                Ok(Some(piece)) => Work::Piece(no, piece),
                Ok(None) => break,
                Err(e) => Work::Failed(no, e),
            };
            let failed = matches!(work, Work::Failed(..));
            if !send(work) {
                return;
            }
            if failed {
                break;
            }
        }
    }
}

/// What a line is, for cutting.
#[derive(PartialEq, Eq)]
pub(super) enum LineKind {
    /// `---`: starts a document.
    Start,
    /// `...`: ends a document.
    End,
    /// Blank, a comment, or a directive (`%YAML`, `%TAG`): belongs to the next document.
    Prefix,
    Content,
}

pub(super) fn line_kind(line: &[u8]) -> LineKind {
    let line = line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line);
    let marker = |m: &[u8]| {
        line.starts_with(m) && matches!(line.get(3), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
    };
    if marker(b"---") {
        return LineKind::Start;
    }
    if marker(b"...") {
        return LineKind::End;
    }
    let trimmed = line.trim_ascii_start();
    if trimmed.is_empty() || trimmed[0] == b'#' || line[0] == b'%' {
        LineKind::Prefix
    } else {
        LineKind::Content
    }
}

/// Reads lines and cuts them into [`Piece`]s, holding at most one piece's text (capped).
pub(super) struct Cutter<R> {
    reader: R,
    max: usize,
    /// Lines handed out so far.
    line: usize,
    /// The `---` line that ended the last piece and starts the next, and its full size.
    pending: Option<(Vec<u8>, usize)>,
}

impl<R: BufRead> Cutter<R> {
    fn new(reader: R, max: usize) -> Self {
        Cutter {
            reader,
            max,
            line: 0,
            pending: None,
        }
    }

    /// Appends the next line to `text`, keeping at most `max + 1` bytes of it; returns its
    /// full size (0 at the end).
    fn read_line(&mut self, text: &mut Vec<u8>) -> io::Result<usize> {
        let cap = self.max.saturating_add(1) as u64;
        let n = (&mut self.reader).take(cap).read_until(b'\n', text)?;
        let mut bytes = n;
        if n as u64 == cap && text.last() != Some(&b'\n') {
            // Longer than any document may be: count the rest without keeping it.
            loop {
                let buf = self.reader.fill_buf()?;
                if buf.is_empty() {
                    break;
                }
                let (used, done) = match memchr::memchr(b'\n', buf) {
                    Some(i) => (i + 1, true),
                    None => (buf.len(), false),
                };
                self.reader.consume(used);
                bytes = bytes.saturating_add(used);
                if done {
                    break;
                }
            }
        }
        Ok(bytes)
    }

    fn next_piece(&mut self) -> io::Result<Option<Piece>> {
        let mut piece = Piece {
            first_line: self.line + 1,
            start: 0,
            bytes: 0,
            text: Vec::new(),
            oversized: false,
        };
        if let Some((text, bytes)) = self.pending.take() {
            self.line += 1;
            piece.start = self.line;
            piece.bytes = bytes;
            piece.oversized = bytes > self.max;
            if !piece.oversized {
                piece.text = text;
            }
        }
        loop {
            let at = piece.text.len();
            let bytes = self.read_line(&mut piece.text)?;
            if bytes == 0 {
                break;
            }
            let kind = line_kind(&piece.text[at..]);
            if kind == LineKind::Start && piece.start != 0 {
                self.pending = Some((piece.text.split_off(at), bytes));
                break;
            }
            self.line += 1;
            piece.bytes = piece.bytes.saturating_add(bytes);
            if piece.bytes > self.max {
                piece.oversized = true;
            }
            if piece.oversized {
                piece.text = Vec::new();
            }
            if piece.start == 0 && matches!(kind, LineKind::Start | LineKind::Content) {
                piece.start = self.line;
            }
            if kind == LineKind::End {
                break;
            }
        }
        Ok((piece.bytes > 0).then_some(piece))
    }
}

/// What one piece holds.
pub(super) enum Parsed {
    Document(Document),
    /// The line the document starts on, and why it was refused.
    Refused(usize, Refusal),
    Malformed(ReadError),
}

/// Parses one piece: usually one document or none (comments only, or an empty document).
pub(super) fn parse_piece(
    source: &Path,
    piece: Piece,
    limits: &Limits,
    options: &serde_saphyr::Options,
) -> Vec<Parsed> {
    let start = piece.start.max(piece.first_line);
    if piece.oversized {
        return vec![Parsed::Refused(
            start,
            Refusal {
                limit: "document size".into(),
                value: format!(
                    "{} bytes, at most {}",
                    piece.bytes, limits.max_document_bytes
                ),
                line: start,
                column: 1,
            },
        )];
    }
    let text = match std::str::from_utf8(&piece.text) {
        Ok(t) => t,
        Err(e) => {
            let before = &piece.text[..e.valid_up_to()];
            let newlines = before.iter().filter(|&&b| b == b'\n').count();
            let column = before.len()
                - before
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1);
            return vec![Parsed::Malformed(ReadError::Yaml {
                path: source.to_owned(),
                line: piece.first_line + newlines,
                column: column + 1,
                message: "not valid UTF-8".into(),
            })];
        }
    };
    match serde_saphyr::from_multiple_with_options::<Value>(text, options.clone()) {
        Ok(values) => values
            .into_iter()
            .filter(|v| !v.is_null())
            .map(|value| match not_a_mapping(&value) {
                Some(found) => Parsed::Malformed(ReadError::NotAnObject {
                    path: source.to_owned(),
                    line: start,
                    found,
                }),
                None => Parsed::Document(Document {
                    source: source.to_owned(),
                    index: 0,
                    line: start,
                    value,
                }),
            })
            .collect(),
        Err(e) => {
            let (line, column) = e.location().map_or((1, 1), |l| {
                (l.line().max(1) as usize, l.column().max(1) as usize)
            });
            let line = piece.first_line + line - 1;
            match refusal(&e, limits) {
                Some((limit, value)) => vec![Parsed::Refused(
                    start,
                    Refusal {
                        limit,
                        value,
                        line,
                        column,
                    },
                )],
                None => {
                    let text = e.without_snippet().to_string();
                    let message = match text.rfind(" at line ") {
                        Some(i) => text[..i].to_owned(),
                        None => text,
                    };
                    vec![Parsed::Malformed(ReadError::Yaml {
                        path: source.to_owned(),
                        line,
                        column,
                        message: message.lines().next().unwrap_or_default().to_owned(),
                    })]
                }
            }
        }
    }
}

/// The limit a parser error stands for, by name, with what the document reached; `None` for
/// errors that are not limits (malformed YAML). The budget and alias-replay errors are
/// `serde-saphyr@2.2.0:src/de/error.rs` (`Error::Budget`, `Error::AliasReplay*`,
/// `Error::AliasExpansionLimitExceeded`, wrapped in `Error::AliasError` when an alias
/// replayed what tripped them).
pub(super) fn refusal(error: &serde_saphyr::Error, limits: &Limits) -> Option<(String, String)> {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    let mut error = error;
    let mut via_alias = false;
    loop {
        match error {
            E::WithSnippet { error: inner, .. } => error = inner,
            E::AliasError { error: inner, .. } => {
                via_alias = true;
                error = inner;
            }
            _ => break,
        }
    }
    let (limit, value): (&str, String) = match error {
        E::Budget { breach, .. } => match breach {
            B::Depth { depth } => (
                "nesting depth",
                format!("{depth} levels, at most {}", limits.max_depth),
            ),
            B::Nodes { nodes } => (
                "node count",
                format!("{nodes} nodes, at most {}", limits.max_nodes),
            ),
            B::ScalarBytes { total_scalar_bytes } => (
                "scalar size",
                format!(
                    "{total_scalar_bytes} bytes, at most {}",
                    limits.max_scalar_bytes
                ),
            ),
            B::Events { events } => (
                "parser events",
                format!("{events} events, at most {}", limits.max_events),
            ),
            B::Aliases { aliases } => (
                "alias count",
                format!("{aliases} aliases, at most {}", limits.max_aliases),
            ),
            B::AliasAnchorRatio { aliases, anchors } => (
                "aliases per anchor",
                format!("{aliases} aliases for {anchors} anchors"),
            ),
            B::Anchors { anchors } => ("anchor count", format!("{anchors} anchors")),
            B::RecordedAnchorEvents {
                recorded_anchor_events,
            } => (
                "anchored content",
                format!("{recorded_anchor_events} events kept for aliases"),
            ),
            B::RecordedAnchorBytes {
                recorded_anchor_bytes,
            } => (
                "anchored content",
                format!("{recorded_anchor_bytes} bytes kept for aliases"),
            ),
            B::MergeKeys { merge_keys } => ("merge keys", format!("{merge_keys} merge keys")),
            other => ("parser budget", format!("{other:?}")),
        },
        E::AliasReplayLimitExceeded {
            total_replayed_events,
            max_total_replayed_events,
            ..
        } => (
            "alias expansion",
            format!("{total_replayed_events} replayed events, at most {max_total_replayed_events}"),
        ),
        E::AliasExpansionLimitExceeded {
            expansions,
            max_expansions_per_anchor,
            ..
        } => (
            "alias expansion",
            format!("{expansions} expansions of one anchor, at most {max_expansions_per_anchor}"),
        ),
        E::AliasReplayStackDepthExceeded {
            depth, max_depth, ..
        } => (
            "alias nesting",
            format!("{depth} aliases within aliases, at most {max_depth}"),
        ),
        E::AliasReplayCounterOverflow { .. } => {
            ("alias expansion", "the replay counter overflowed".into())
        }
        _ => return None,
    };
    let limit = if via_alias && !limit.starts_with("alias") {
        format!("{limit} in alias expansion")
    } else {
        limit.to_owned()
    };
    Some((limit, value))
}
