//! `derive-data [--shared DIR] [--check]`: writes the crates' release data (see
//! `fidelity::derive`) from the pinned upstream files, or with `--check` only says which
//! files differ (exit 1). `scripts/derive-data.sh` runs it.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut shared = None;
    let mut check = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--shared" => match args.next() {
                Some(dir) => shared = Some(PathBuf::from(dir)),
                None => return usage("--shared needs a folder"),
            },
            "-h" | "--help" => {
                println!(
                    "derive-data [--shared DIR] [--check]\n\nDerives kubedb-types/data, ocm-types/data and kubeslice-types/data from the pinned\nupstream files in DIR/upstream (default: ${} or ../shared beside the workspace).\n--check writes nothing and exits 1 when a file differs.",
                    fidelity::SHARED_ENV
                );
                return ExitCode::SUCCESS;
            }
            other => return usage(&format!("unknown argument {other:?}")),
        }
    }
    let shared = shared.unwrap_or_else(fidelity::shared_location);
    let files = match fidelity::derive::derive_all(&shared) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("derive-data: {e}");
            return ExitCode::from(2);
        }
    };
    let root = fidelity::workspace_root();
    let mut differ = 0;
    for file in &files {
        let path = root.join(&file.path);
        let same = std::fs::read_to_string(&path).is_ok_and(|t| t == file.text);
        if same {
            continue;
        }
        differ += 1;
        if check {
            println!("differs: {}", file.path.display());
            continue;
        }
        if let Some(dir) = path.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            eprintln!("derive-data: {}: cannot create: {e}", dir.display());
            return ExitCode::from(2);
        }
        if let Err(e) = std::fs::write(&path, &file.text) {
            eprintln!("derive-data: {}: cannot write: {e}", path.display());
            return ExitCode::from(2);
        }
        println!("wrote {}", file.path.display());
    }
    println!(
        "{} files derived from {}, {differ} changed",
        files.len(),
        shared.display()
    );
    if check && differ > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn usage(message: &str) -> ExitCode {
    eprintln!("derive-data: {message} (see --help)");
    ExitCode::from(2)
}
