//! `cargo run --example galera-recover -- [--force] NODE...`
//!
//! Each argument is a node's data directory (with `grastate.dat`) or a file holding its
//! `mariadbd --wsrep-recover` log. Prints `bootstrap: <node>` with the reason and the join
//! order, or the refusal and why. Exits 1 on refusal, 2 on unreadable input.

use std::path::Path;
use std::process::ExitCode;

use galera::files::{RecoveredPosition, SavedState};
use galera::recovery::{NodeReport, RecoveryOptions, Transfer, plan_recovery};

fn report(arg: &str) -> Result<NodeReport, String> {
    let path = Path::new(arg);
    let mut node = NodeReport {
        name: arg.to_owned(),
        ..NodeReport::default()
    };
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|e| format!("{}: cannot read: {e}", p.display()))
    };
    if path.is_dir() {
        let grastate = path.join("grastate.dat");
        node.saved = Some(
            SavedState::parse(&grastate.display().to_string(), &read(&grastate)?)
                .map_err(|e| e.to_string())?,
        );
    } else {
        node.recovered =
            Some(RecoveredPosition::from_log(arg, &read(path)?).map_err(|e| e.to_string())?);
    }
    Ok(node)
}

fn main() -> ExitCode {
    let mut options = RecoveryOptions::default();
    let mut nodes = Vec::new();
    for arg in std::env::args().skip(1) {
        if arg == "--force" {
            options.force = true;
            continue;
        }
        match report(&arg) {
            Ok(n) => nodes.push(n),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        }
    }
    if nodes.is_empty() {
        eprintln!("usage: galera-recover [--force] DATADIR|RECOVER.log...");
        return ExitCode::from(2);
    }
    match plan_recovery(&nodes, &options) {
        Ok(plan) => {
            println!("bootstrap: {} ({})", plan.bootstrap, plan.reason);
            for (i, j) in plan.joins.iter().enumerate() {
                let how = match j.transfer {
                    Transfer::Ist => "IST",
                    Transfer::Sst => "SST",
                };
                println!(
                    "join {}: {} by {how} from {} ({})",
                    i + 1,
                    j.node,
                    j.donor.as_deref().unwrap_or("-"),
                    j.reason
                );
            }
            ExitCode::SUCCESS
        }
        Err(refusal) => {
            println!("refused: {refusal}");
            ExitCode::from(1)
        }
    }
}
