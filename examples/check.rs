//! `cargo run --example check -- [--kubedb-release R] PATH...`: checks YAML manifests against
//! the workspace types, KubeDB documents as a hub running KubeDB release `R` (default: the
//! newest supported) would judge them.
//!
//! Prints one line per document (`lossless`, `lossy: <paths>`, `invalid: <reasons>` or
//! `unknown kind`), a line naming what the input was judged against, and a summary line.
//! Exits 1 when anything is lossy or invalid, 2 when some input could not be read or the
//! release is not supported.

use std::path::PathBuf;
use std::process::ExitCode;

use distributed_galera::check::{Checker, Summary, read_path};
use kubedb_types::release::Release;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut release = Release::NEWEST;
    while let Some(arg) = args.next() {
        if arg == "--kubedb-release" {
            match args.next().map(|r| r.to_string_lossy().parse::<Release>()) {
                Some(Ok(r)) => release = r,
                Some(Err(e)) => {
                    eprintln!("{e}");
                    return ExitCode::from(2);
                }
                None => {
                    eprintln!("--kubedb-release needs a value, for example v2025.7.31");
                    return ExitCode::from(2);
                }
            }
        } else {
            paths.push(PathBuf::from(arg));
        }
    }
    if paths.is_empty() {
        eprintln!("usage: check [--kubedb-release R] PATH... (YAML files or folders of them)");
        return ExitCode::from(2);
    }
    let checker = match Checker::for_release(release) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut docs = Vec::new();
    let mut unreadable = false;
    for path in &paths {
        let (mut d, errors) = read_path(path);
        docs.append(&mut d);
        for e in errors {
            eprintln!("{e}");
            unreadable = true;
        }
    }
    let reports = checker.check(&docs);
    for r in &reports {
        println!("{r}");
    }
    println!("{}", checker.judged_against());
    let summary = Summary::of(&reports);
    println!("{summary}");
    ExitCode::from(summary.exit_code(unreadable))
}
