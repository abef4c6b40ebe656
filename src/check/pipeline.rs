//! Checking a stream on several threads: the input's references first (a pass over the
//! pieces that mention their kinds), then every document, judged in parallel and handed out
//! in input order.

use std::io;
use std::sync::{Mutex, mpsc};

use kubedb_types::release::Catalog;

use super::checker::Checker;
use super::context::{Context, References};
use super::read::*;
use super::report::{Report, Summary, Verdict};

/// Parses and judges one piece of work on a thread of its own: the items, each tagged with its
/// source's number.
type WorkFn<'a> = dyn Fn(Work, &serde_saphyr::Options) -> Vec<(usize, Item)> + Sync + 'a;

impl Checker {
    /// Checks every document of `inputs` (files, folders, standard input) as a stream and
    /// hands each [`Item`] to `emit` in input order; returns the counts.
    ///
    /// Documents are read one at a time, parsed and judged on `options.jobs` threads,
    /// holding at most one parsed document per thread (and a few batches of unparsed ones in
    /// flight).
    /// A MariaDB's or PetSet's PlacementPolicy is looked up in the whole input, as by
    /// [`Checker::check`]: a first pass keeps only the PlacementPolicies (standard input is
    /// spooled to a temporary file for it). A document over one of `options.limits` is a
    /// [`Verdict::Refused`] report, counted as invalid; malformed YAML is an
    /// [`Item::Error`]; both leave the rest of the stream checked. When no input held a
    /// Kubernetes object (a document with `apiVersion` and `kind`, or one refused before it
    /// could be read) and no other error was reported, the last item is
    /// [`ReadError::NoObjects`] naming the inputs: an empty folder or file is not a pass.
    ///
    /// ```
    /// use distributed_galera::check::{CheckOptions, Checker, Input, Item};
    /// let dir = std::env::temp_dir().join(format!("check-inputs-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// std::fs::write(dir.join("a.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n").unwrap();
    /// let mut lines = Vec::new();
    /// let summary = Checker::new().check_inputs(&[Input::Path(dir.clone())], &CheckOptions::default(), |item| {
    ///     if let Item::Report(r) = item { lines.push(r.to_string()) }
    /// });
    /// assert_eq!(summary.unknown, 1);
    /// assert!(lines[0].ends_with("a.yaml#1 Service s: unknown kind"), "{lines:?}");
    /// std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn check_inputs(
        &self,
        inputs: &[Input],
        options: &CheckOptions,
        mut emit: impl FnMut(Item),
    ) -> Summary {
        let stdin = inputs.contains(&Input::Stdin).then(spool_stdin);
        let sources = expand(inputs, stdin.as_ref());
        let limits = options.limits;
        let refs = references(&sources, &limits);
        let catalog = refs.catalog(self.release());
        let mut summary = Summary::default();
        let mut numbering = Numbering::default();
        // Kubernetes objects and errors seen: with neither, nothing was checked.
        let (mut objects, mut errors) = (0usize, 0usize);
        let mut deliver = |items: Vec<(usize, Item)>| {
            for (no, mut item) in items {
                match &mut item {
                    Item::Report(r) => {
                        r.index = numbering.next(no);
                        summary.add(&r.verdict);
                        let object = r.api_version.is_some() && r.kind.is_some();
                        if object || matches!(r.verdict, Verdict::Refused(_)) {
                            objects += 1;
                        }
                    }
                    Item::Error(_) => errors += 1,
                }
                emit(item);
            }
        };
        let work = |work: Work, options: &serde_saphyr::Options| {
            self.work(&sources, (&refs, &catalog), &limits, options, work)
        };
        if options.jobs <= 1 {
            let parser = limits.options();
            read_sources(&sources, &limits, &mut |w| {
                deliver(work(w, &parser));
                true
            });
        } else {
            Self::in_parallel(&sources, options.jobs, &limits, &work, &mut deliver);
        }
        if objects == 0 && errors == 0 {
            emit(Item::Error(ReadError::NoObjects {
                inputs: inputs.iter().map(Input::name).collect(),
            }));
        }
        summary
    }

    /// Cuts `sources` on this thread and hands the pieces, in batches, to `jobs` threads that
    /// parse and judge them with `work`; `deliver` gets their items in input order.
    fn in_parallel(
        sources: &[Source<'_>],
        jobs: usize,
        limits: &Limits,
        work: &WorkFn<'_>,
        deliver: &mut dyn FnMut(Vec<(usize, Item)>),
    ) {
        let limits = *limits;
        // Pieces travel in small batches: one hand-over per piece costs more in locking than
        // a small document takes to check.
        const BATCH: usize = 16;
        let (work_tx, work_rx) = mpsc::sync_channel::<(u64, Vec<Work>)>(jobs);
        let work_rx = Mutex::new(work_rx);
        let (done_tx, done_rx) = mpsc::channel::<(u64, Vec<(usize, Item)>)>();
        // At most this many batches between the reader and the output.
        let (permit_tx, permit_rx) = mpsc::sync_channel::<()>(4 * jobs);
        let work_rx = &work_rx;
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let mut seq = 0;
                let mut batch = Vec::with_capacity(BATCH);
                let mut send = |batch: Vec<Work>| {
                    let sent = permit_tx.send(()).is_ok() && work_tx.send((seq, batch)).is_ok();
                    seq += 1;
                    sent
                };
                let mut open = true;
                read_sources(sources, &limits, &mut |w| {
                    batch.push(w);
                    if batch.len() == BATCH {
                        open = send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
                    }
                    open
                });
                if open && !batch.is_empty() {
                    send(batch);
                }
            });
            for _ in 0..jobs {
                let done_tx = done_tx.clone();
                scope.spawn(move || {
                    let parser = limits.options();
                    loop {
                        let next = match work_rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        let Ok((seq, batch)) = next else { return };
                        let mut items = Vec::with_capacity(batch.len());
                        for w in batch {
                            let no = match &w {
                                Work::Piece(no, _) | Work::Failed(no, _) => *no,
                            };
                            // A panic would leave a hole the output waits for forever: report
                            // it as an error in its place (the panic hook has printed it).
                            let done =
                                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                    work(w, &parser)
                                }))
                                .unwrap_or_else(|_| {
                                    let e =
                                        io::Error::other("the checker failed on a document here");
                                    vec![(no, Item::Error(sources[no].io_error(e)))]
                                });
                            items.extend(done);
                        }
                        if done_tx.send((seq, items)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(done_tx);
            let mut waiting = std::collections::BTreeMap::new();
            let mut next = 0;
            for (seq, items) in done_rx {
                waiting.insert(seq, items);
                while let Some(items) = waiting.remove(&next) {
                    deliver(items);
                    let _ = permit_rx.recv();
                    next += 1;
                }
            }
        });
    }

    /// Parses and judges one piece of work, tagging each item with its source's number.
    fn work(
        &self,
        sources: &[Source<'_>],
        (refs, catalog): (&References, &Catalog),
        limits: &Limits,
        parser: &serde_saphyr::Options,
        work: Work,
    ) -> Vec<(usize, Item)> {
        let (no, piece) = match work {
            Work::Failed(no, e) => return vec![(no, Item::Error(sources[no].io_error(e)))],
            Work::Piece(no, piece) => (no, piece),
        };
        let source = &sources[no].name;
        parse_piece(source, piece, limits, parser)
            .into_iter()
            .map(|parsed| {
                let item = match parsed {
                    Parsed::Document(doc) => {
                        let ctx = Context {
                            source: &doc.source,
                            line: doc.line,
                            refs,
                            release: self.release(),
                            catalog,
                        };
                        Item::Report(self.check_one(&doc, &ctx))
                    }
                    Parsed::Refused(line, refusal) => Item::Report(Report {
                        source: source.clone(),
                        index: 0,
                        line,
                        api_version: None,
                        kind: None,
                        name: None,
                        verdict: Verdict::Refused(refusal),
                        warnings: Vec::new(),
                    }),
                    Parsed::Malformed(e) => Item::Error(e),
                };
                (no, item)
            })
            .collect()
    }
}

/// The [`References`] of `sources`: only pieces that mention one of their kinds (as a word:
/// not a MariaDB's `podPlacementPolicy`) are parsed; unreadable or malformed ones are left for
/// the second pass to report.
fn references(sources: &[Source<'_>], limits: &Limits) -> References {
    let options = limits.options();
    let mut found = References::default();
    read_sources(sources, limits, &mut |work| {
        if let Work::Piece(no, piece) = work
            && References::KINDS.iter().any(|kind| {
                memchr::memmem::find_iter(&piece.text, kind.as_bytes())
                    .any(|at| at == 0 || !piece.text[at - 1].is_ascii_alphanumeric())
            })
        {
            for parsed in parse_piece(&sources[no].name, piece, limits, &options) {
                if let Parsed::Document(doc) = parsed {
                    found.add(&doc);
                }
            }
        }
        true
    });
    found
}
