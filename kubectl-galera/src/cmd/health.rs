//! `kubectl-galera health [--expect N] NODE...`: a verdict on a Galera
//! cluster from each node's `SHOW STATUS LIKE 'wsrep%'` output (`galera::health`). See
//! `--help`.

use std::io::Read as _;

use clap::ValueEnum;
use galera::health::{Verdict, assess};
use galera::recovery::node_name;
use galera::status::{WsrepStatus, on_off};

use crate::cli::Exit;

const AFTER_HELP: &str = "\
INPUT
  Each NODE is a file holding one node's `SHOW STATUS LIKE 'wsrep%'` output in any layout
  the mysql/mariadb client prints: the interactive boxed table (+---+ borders, | name | value |
  rows), the vertical \\G form (Variable_name: / Value: lines), or batch-mode tab-separated
  rows (`mariadb -e ...`) with or without the Variable_name/Value header; CRLF line ends,
  prompts and `N rows in set` lines are fine. The node is the file name without its
  extension; NAME=PATH names it; `-` reads standard input.

OUTPUT
  One line per node with its key variables, then `verdict: healthy|degraded|split-brain|
  no-primary` and the findings, each with its remedy and the variables it rests on; or
  `cannot judge: <what is missing>` (no verdict, no remedy) when a node's
  wsrep_cluster_status, or any wsrep variable, was not read. Nodes are one Primary
  component only when their history UUID, size, incoming addresses and conf id agree (a
  conf id of -1 / 18446744073709551615 identifies nothing). A remedy that changes the
  cluster (restart, SST, pc.bootstrap) is printed only with the evidence that calls for it;
  pc.bootstrap only when no node is Primary and --expect members were all read.
  With --output json: one object with `nodes` (what was read), `verdict` (null when it
  cannot judge), `findings` (message, remedy, evidence) and `components`; on unreadable
  input, `{\"error\": <message>, \"exit\": 2}`.
  Each node counts once: the same name twice, or two nodes with one wsrep_gcomm_uuid, is
  cannot judge; so is a wsrep_cluster_status other than Primary, non-Primary or
  Disconnected (NULL, empty, lowercase), and Primary outputs that list a common member in
  different components (captured at different moments).

EXIT STATUS
  0  healthy
  1  degraded, split-brain or no-primary
  2  unreadable input, or cannot judge (what a verdict needs was not read), or bad usage";

/// Judge a Galera cluster from each node's wsrep status.
#[derive(clap::Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// One node's `SHOW STATUS LIKE 'wsrep%'` output ([NAME=]PATH; `-` is standard input).
    #[arg(required = true, value_name = "NODE")]
    nodes: Vec<String>,
    /// The number of members the cluster should have (at least 1).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    expect: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    output: Output,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Output {
    Text,
    Json,
}

fn read(arg: &str) -> Result<(String, WsrepStatus), String> {
    let (name, path) = match arg.split_once('=') {
        Some((n, p)) if !n.is_empty() && !n.contains(['/', '\\']) => (n.to_owned(), p),
        _ => (node_name(arg), arg),
    };
    let bytes = if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("standard input: cannot read: {e}"))?;
        buf
    } else {
        std::fs::read(path).map_err(|e| format!("{path}: cannot read: {e}"))?
    };
    let text = String::from_utf8(bytes).map_err(|_| {
        format!("{path}: this is binary data; expected SHOW STATUS LIKE 'wsrep%' output")
    })?;
    let status = WsrepStatus::from_text(&text).map_err(|e| format!("{path}: {e}"))?;
    Ok((name, status))
}

/// Runs `health`.
pub fn run(args: &Args) -> Exit {
    let mut nodes = Vec::new();
    for a in &args.nodes {
        match read(a) {
            Ok(n) => nodes.push(n),
            Err(e) => {
                eprintln!("kubectl-galera health: {e}");
                if args.output == Output::Json {
                    println!("{}", serde_json::json!({"error": e, "exit": 2}));
                }
                return Exit::Usage;
            }
        }
    }
    let health = assess(&nodes, args.expect);
    let judged = health.verdict != Verdict::CannotJudge;
    if args.output == Output::Json {
        let read: Vec<serde_json::Value> = nodes
            .iter()
            .map(|(n, s)| serde_json::json!({"node": n, "status": s}))
            .collect();
        let out = serde_json::json!({
            "nodes": read,
            "verdict": judged.then_some(health.verdict),
            "cannot_judge": (!judged).then(|| health.findings.iter().map(ToString::to_string).collect::<Vec<_>>()),
            "findings": if judged { health.findings.clone() } else { Vec::new() },
            "components": health.components,
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        let show = |v: Option<String>| v.unwrap_or_else(|| "-".into());
        for (name, s) in &nodes {
            println!(
                "{name}: status={} size={} conf_id={} state={} ready={} connected={} uuid={}",
                show(s.cluster_status.as_ref().map(ToString::to_string)),
                show(s.cluster_size.map(|n| n.to_string())),
                show(s.cluster_conf_id.map(|n| n.to_string())),
                show(s.local_state_comment.clone()),
                show(s.ready.map(|b| on_off(b).to_owned())),
                show(s.connected.map(|b| on_off(b).to_owned())),
                show(s.cluster_state_uuid.clone()),
            );
        }
        if judged {
            println!("verdict: {}", health.verdict);
            for f in &health.findings {
                println!("- {f}");
            }
        } else {
            for f in &health.findings {
                println!("cannot judge: {f}");
            }
        }
    }
    match health.verdict {
        Verdict::Healthy => Exit::Success,
        Verdict::CannotJudge => Exit::Usage,
        _ => Exit::Failure,
    }
}
