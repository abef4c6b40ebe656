//! `kubectl-galera check [--kubedb-release R] [--output text|json|junit] [--jobs N] PATH...`:
//! checks YAML manifests against the workspace types, KubeDB documents as a hub running KubeDB
//! release `R` (default: the newest supported) judges them (see `check --help`).

use std::io::Write;
use std::path::PathBuf;

use clap::builder::TypedValueParser as _;
use distributed_galera::check::{CheckOptions, Checker, Format, Input, Printer};
use kubedb_types::release::Release;

use crate::cli::Exit;

/// Checks Kubernetes manifests against the workspace's types (KubeDB, OCM, KubeSlice) and
/// their admission rules.
///
/// Reads every YAML document of each PATH: a file, a folder (every *.yaml and *.yml below
/// it), or `-` for standard input. Streams of any number of documents are read one document
/// at a time. Each document is lossless (survives its type and the API server's pruning
/// unchanged), lossy (lists the fields it loses), invalid (why a cluster would reject it) or
/// of an unknown kind. A document over one of the reader's limits (256 MiB of text, 64
/// levels of nesting, 250,000 nodes, 64 MiB of scalars, 1,000,000 parser events, 50,000
/// aliases, 1,000,000 events replayed by aliases) is `refused: <limit> (<value>)`, counted
/// as invalid; the rest of the stream is still checked. Malformed YAML is reported with its
/// file, line and column, and the next document is read. A document that is plain text, a
/// number or a list is not a Kubernetes object: an error naming its file and line (a mapping
/// without apiVersion and kind, such as a Helm values file, is of an unknown kind). When no
/// input holds a Kubernetes object at all (an empty folder or file, nothing on standard
/// input), that is an error naming the inputs: nothing checked is not a pass.
#[derive(clap::Args)]
#[command(
    after_help = "Output:\n  text   one line per document, `<file>#<n> <kind> <namespace/name>: <verdict>`,\n         unreadable input on standard error, a line `judged against: ...` naming the\n         KubeDB release and the pinned OCM and KubeSlice sources, then `N documents: ...`\n  json   {\"documents\": [...], \"errors\": [...], \"summary\": {...}} (see the README)\n  junit  a JUnit XML report: a suite per file, a case per document\n\nExit status:\n  0  every document is lossless or of an unknown kind\n  1  some document is lossy, invalid or refused\n  2  some input could not be read, is malformed YAML or is not a Kubernetes object (text, a\n     list), no input holds any Kubernetes object (an empty folder or file, empty standard\n     input), or the arguments are wrong"
)]
pub struct Args {
    /// YAML files, folders of them, or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// How to print the findings.
    #[arg(short, long, default_value = "text", value_parser = clap::builder::PossibleValuesParser::new(Format::NAMES).try_map(|s| s.parse::<Format>()))]
    output: Format,
    /// Threads that parse and judge documents [default: the number of CPUs].
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// The KubeDB release the hub runs (v2025.7.31, v2026.7.10): KubeDB documents are pruned
    /// against its CRDs and admitted by its webhook rules and MariaDBVersion catalog [default:
    /// the newest].
    #[arg(long, value_name = "R", value_parser = crate::cli::release)]
    kubedb_release: Option<Release>,
}

/// Runs `check`.
pub fn run(args: &Args) -> Exit {
    let inputs: Vec<Input> = args.paths.iter().map(Input::from_arg).collect();
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let options = CheckOptions {
        jobs,
        ..CheckOptions::default()
    };
    let checker = Checker::for_release(args.kubedb_release.unwrap_or(Release::NEWEST));
    let mut printer = Printer::new(args.output, std::io::stdout().lock(), std::io::stderr())
        .judged_against(checker.judged_against());
    let mut failed = None;
    let summary = checker.check_inputs(&inputs, &options, |item| {
        if failed.is_none()
            && let Err(e) = printer.item(&item)
        {
            failed = Some(e);
        }
    });
    let result = match failed {
        Some(e) => Err(e),
        None => printer.finish(&summary),
    };
    match result {
        Ok(0) => Exit::Success,
        Ok(1) => Exit::Failure,
        Ok(_) => Exit::Usage,
        Err(e) => {
            // A closed pipe (`check ... | head`) is not worth a message.
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                let _ = writeln!(std::io::stderr(), "cannot write the output: {e}");
            }
            Exit::Usage
        }
    }
}
