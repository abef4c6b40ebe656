//! `cargo run --example check -- PATH...`: checks YAML manifests against the workspace types.
//!
//! Prints one line per document (`lossless`, `lossy: <paths>`, `invalid: <reasons>` or
//! `unknown kind`) and a summary line. Exits 1 when anything is lossy or invalid, 2 when some
//! input could not be read.

use std::path::PathBuf;
use std::process::ExitCode;

use distributed_galera::check::{Checker, Summary, read_path};

fn main() -> ExitCode {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        eprintln!("usage: check PATH... (YAML files or folders of them)");
        return ExitCode::from(2);
    }
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
    let reports = Checker::new().check(&docs);
    for r in &reports {
        println!("{r}");
    }
    let summary = Summary::of(&reports);
    println!("{summary}");
    ExitCode::from(summary.exit_code(unreadable))
}
