//! `cargo run --example galera-health -- [--expect N] NODE.tsv...`
//!
//! Each file is what `mariadb -e "SHOW STATUS LIKE 'wsrep%'"` prints on one node. Prints one
//! line per node with its key indicators, then `verdict: healthy|degraded|split-brain|no-primary`
//! and the findings with remedies. Exits 1 unless healthy, 2 on unreadable input.

use std::process::ExitCode;

use galera::health::{Verdict, assess};
use galera::status::WsrepStatus;

fn main() -> ExitCode {
    let mut expect = None;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--expect" {
            match args.next().and_then(|n| n.parse().ok()) {
                Some(n) => expect = Some(n),
                None => {
                    eprintln!("--expect needs a number");
                    return ExitCode::from(2);
                }
            }
        } else {
            files.push(a);
        }
    }
    if files.is_empty() {
        eprintln!("usage: galera-health [--expect N] NODE.tsv...");
        return ExitCode::from(2);
    }
    let mut nodes = Vec::new();
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{file}: cannot read: {e}");
                return ExitCode::from(2);
            }
        };
        match WsrepStatus::from_tsv(&text) {
            Ok(s) => nodes.push((file.clone(), s)),
            Err(e) => {
                eprintln!("{file}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let show = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    for (name, s) in &nodes {
        println!(
            "{name}: status={} size={} conf_id={} state={} ready={} connected={} uuid={}",
            show(s.cluster_status.as_ref().map(ToString::to_string)),
            show(s.cluster_size.map(|n| n.to_string())),
            show(s.cluster_conf_id.map(|n| n.to_string())),
            show(s.local_state_comment.clone()),
            show(s.ready.map(|b| if b { "ON" } else { "OFF" }.to_owned())),
            show(s.connected.map(|b| if b { "ON" } else { "OFF" }.to_owned())),
            show(s.cluster_state_uuid.clone()),
        );
    }
    let health = assess(&nodes, expect);
    println!("verdict: {}", health.verdict);
    for f in &health.findings {
        println!("- {f}");
    }
    if health.verdict == Verdict::Healthy {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
