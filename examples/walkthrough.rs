//! `cargo run --example walkthrough [-- --input ENV.yaml] [--out DIR]`
//!
//! Plans the walkthrough's distributed MariaDB (or the environment in `--input`): prints the
//! preflight findings, where each pod goes, which single-cluster losses the Galera cluster
//! survives, and the ordered plan; `--out DIR` writes `plan.yaml` and one
//! `<cluster>.manifestworks.yaml` per spoke. Exits 1 when preflight finds errors, 2 on bad
//! input.

use std::path::PathBuf;
use std::process::ExitCode;

use deployer::{Environment, plan};

struct Args {
    input: Option<PathBuf>,
    out: Option<PathBuf>,
}

fn args() -> Result<Args, String> {
    let mut it = std::env::args_os().skip(1);
    let mut args = Args {
        input: None,
        out: None,
    };
    while let Some(a) = it.next() {
        match a.to_str() {
            Some("--input") => args.input = Some(it.next().ok_or("--input needs a file")?.into()),
            Some("--out") => args.out = Some(it.next().ok_or("--out needs a folder")?.into()),
            _ => {
                return Err(format!(
                    "unexpected argument {a:?}; usage: walkthrough [--input ENV.yaml] [--out DIR]"
                ));
            }
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let env = match &args.input {
        None => Environment::seed(),
        Some(path) => {
            let loaded = std::fs::read_to_string(path)
                .map_err(|e| format!("{}: cannot read: {e}", path.display()))
                .and_then(|text| {
                    Environment::from_yaml(&path.display().to_string(), &text)
                        .map_err(|e| e.to_string())
                });
            match loaded {
                Ok(env) => env,
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::from(2);
                }
            }
        }
    };
    let plan = match plan(&env) {
        Ok(plan) => plan,
        Err(rejected) => {
            println!("== preflight: {rejected}");
            for f in &rejected.findings {
                println!("{f}");
            }
            return ExitCode::from(1);
        }
    };
    println!("== preflight findings");
    for f in &plan.findings {
        println!("{f}");
    }
    println!("\n== placement");
    println!(
        "{:<8} {:<12} {:<18} storage class",
        "ordinal", "pod", "cluster"
    );
    for p in &plan.placement {
        println!(
            "{:<8} {:<12} {:<18} {}",
            p.ordinal,
            p.pod,
            p.cluster,
            p.storage_class.as_deref().unwrap_or("-")
        );
    }
    println!("\n== survival (Galera quorum: 2 x alive votes > all votes)");
    for line in plan.survival.lines() {
        println!("{line}");
    }
    for fix in &plan.survival.fixes {
        println!("fix: {}", fix.summary);
    }
    println!("\n== plan");
    for (i, step) in plan.steps.iter().enumerate() {
        println!(
            "{:>2}. [{}] {}: {}",
            i + 1,
            step.context,
            step.object.describe(),
            step.reason
        );
    }
    println!("\n== what PetSet will create on each spoke");
    for spoke in &plan.spokes {
        let works: Vec<String> = spoke
            .works
            .iter()
            .filter_map(|w| w.metadata.name.clone())
            .collect();
        println!("{}: ManifestWorks {}", spoke.cluster, works.join(", "));
    }
    if let Some(g) = plan.spokes.first().and_then(|s| s.galera.first()) {
        println!(
            "\n== galera.cnf of {} (every pod lists the same peers)\n{}",
            g.pod,
            g.render()
        );
    }
    if let Some(dir) = &args.out {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("{}: cannot create: {e}", dir.display());
            return ExitCode::from(2);
        }
        for (name, text) in plan.files() {
            let path = dir.join(&name);
            if let Err(e) = std::fs::write(&path, text) {
                eprintln!("{}: cannot write: {e}", path.display());
                return ExitCode::from(2);
            }
            println!("wrote {}", path.display());
        }
    }
    ExitCode::SUCCESS
}
