//! `kubectl-galera recover [OPTIONS] NODE...`: which node to bootstrap after a
//! full outage, and the join order (`galera::recovery`). See `--help`.

use std::io::Read as _;
use std::path::Path;

use clap::ValueEnum;
use galera::files::NodeFile;
use galera::recovery::{
    NodeReport, RecoveryOptions, TieBreak, Transfer, node_name, plan_recovery, reports,
};

use crate::cli::Exit;

const AFTER_HELP: &str = "\
INPUT
  Each NODE is one of a node's files, recognised by name and content:
    - a data directory: its grastate.dat (required) and gvwstate.dat (if present);
    - a grastate.dat or a gvwstate.dat (the node is the directory it is in);
    - the error log of `mariadbd --wsrep-recover` (or `mysqld --wsrep-recover`), or the
      output of mysqld_safe, galera_recovery.sh or a container entrypoint: any line
      `Recovered position[:] <uuid>:<seqno>[,<gtid>]`, `--wsrep_start_position=<uuid>:<seqno>`
      or `Position <uuid>:<seqno> given at startup`, whatever prefix, timestamp or CRLF
      (the node is the file name without its extension).
  NAME=PATH names the node; `-` reads standard input (name it with NAME=-). Files of one
  node (its data directory and its recovery log) are merged.

POSITIONS
  A node's position is its data's: where grastate.dat and the --wsrep-recover log agree,
  that; where grastate.dat says -1 (a crash), the recovered one; where both have a seqno in
  one history but differ, InnoDB's recovered one, and the plan says to correct the stale
  grastate.dat before the node starts (galera would start from the stale seqno); where they
  name two histories, the plan is refused unless forced.

OUTPUT
  Each node's position and what it rests on, `bootstrap: <node> (<why>)`, the nodes
  skipped as candidates, then `join N: <node> by IST|SST from <donor> (<why>)`, and with
  several histories (--force or --history) `discards: <node>: <n> writes of history <uuid>`;
  or `refused: <why and what to run>`. With --output json: one object with `nodes` (what was
  read and each node's position), `plan` and `refusal`; on unreadable input or bad usage,
  `{\"error\": <message>, \"exit\": 2}`.

EXIT STATUS
  0  a plan was printed
  1  the plan is refused: nodes of different histories, unknown positions, a node whose
     files contradict each other or a contradicted safe_to_bootstrap (--force plans past
     these, listing what it discards); no position at all, a --history no node reports or
     none of whose nodes has a position, or histories that tie under --force (name one with
     --history)
  2  unreadable input (a file that cannot be read or is none of the above), or bad usage
     (a node not in --members, an empty member name)";

/// Plan the recovery of a Galera cluster after a full outage.
#[derive(clap::Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// A node's data directory, grastate.dat, gvwstate.dat or --wsrep-recover log
    /// ([NAME=]PATH; `-` is standard input).
    #[arg(required = true, value_name = "NODE")]
    nodes: Vec<String>,
    /// Plan despite nodes of different histories, unknown positions, files that contradict
    /// each other or a contradicted safe_to_bootstrap: it keeps the history most nodes share
    /// (then the one with the most writes), never a node behind another of its history, and
    /// lists the writes it discards.
    #[arg(long)]
    force: bool,
    /// The history (cluster state UUID) to keep when the nodes report several: the others'
    /// data is replaced, and the plan lists what it discards.
    #[arg(long, value_name = "UUID", value_parser = history_uuid)]
    history: Option<String>,
    /// Which of equally advanced nodes to bootstrap: the lowest ordinal (as the Percona
    /// operator) or the highest (as mariadb-operator).
    #[arg(long, value_enum, default_value_t = Tie::Lowest)]
    tie_break: Tie,
    /// Every member of the cluster (comma-separated): one that is not given refuses the plan
    /// unless --force; a node given that is not listed is a usage error.
    #[arg(long, value_delimiter = ',', value_name = "NAME")]
    members: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    output: Output,
}

/// `--history`: a cluster state UUID in either case, kept in lower case as galera prints it.
fn history_uuid(s: &str) -> Result<String, String> {
    if galera::files::is_uuid(s) {
        Ok(s.to_ascii_lowercase())
    } else {
        Err(format!(
            "{s:?} is not a cluster state UUID (8-4-4-4-12 hex digits, as in grastate.dat's uuid: line)"
        ))
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Tie {
    Lowest,
    Highest,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Output {
    Text,
    Json,
}

fn read(path: &Path) -> Result<String, String> {
    let bytes = if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("standard input: cannot read: {e}"))?;
        buf
    } else {
        std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?
    };
    String::from_utf8(bytes).map_err(|_| {
        format!(
            "{}: this is binary data; expected {}",
            path.display(),
            galera::files::EXPECTED_NODE_FILE
        )
    })
}

/// The files one argument stands for: `(node, file, contents)`.
fn files_of(arg: &str) -> Result<Vec<(String, String, NodeFile)>, String> {
    let (name, path) = match arg.split_once('=') {
        Some((n, p)) if !n.is_empty() && !n.contains(['/', '\\']) => (Some(n.to_owned()), p),
        _ => (None, arg),
    };
    let node = name.unwrap_or_else(|| node_name(path));
    let p = Path::new(path);
    let mut out = Vec::new();
    let mut one = |file: &Path| -> Result<(), String> {
        let shown = file.display().to_string();
        let text = read(file)?;
        let f = NodeFile::identify(&shown, &text).map_err(|e| e.to_string())?;
        out.push((node.clone(), shown, f));
        Ok(())
    };
    if path != "-" && p.is_dir() {
        let grastate = p.join("grastate.dat");
        if !grastate.exists() {
            return Err(format!(
                "{}: no grastate.dat: not a Galera data directory; pass the node's grastate.dat or its `mariadbd --wsrep-recover` log",
                p.display()
            ));
        }
        one(&grastate)?;
        let view = p.join("gvwstate.dat");
        if view.exists() {
            one(&view)?;
        }
    } else {
        one(p)?;
    }
    Ok(out)
}

/// Runs `recover`.
pub fn run(args: &Args) -> Exit {
    let json = args.output == Output::Json;
    let fail = |e: String| {
        eprintln!("kubectl-galera recover: {e}");
        if json {
            println!("{}", serde_json::json!({"error": e, "exit": 2}));
        }
        Exit::Usage
    };
    if args.members.iter().any(|m| m.trim().is_empty()) {
        return fail(
            "--members: an empty name; list every member, comma-separated (--members mariadb-0,mariadb-1,mariadb-2)".to_owned(),
        );
    }
    let mut files = Vec::new();
    for a in &args.nodes {
        match files_of(a) {
            Ok(f) => files.extend(f),
            Err(e) => return fail(e),
        }
    }
    let nodes: Vec<NodeReport> = match reports(&files) {
        Ok(n) => n,
        Err(e) => return fail(e.to_string()),
    };
    if !args.members.is_empty() {
        let outside: Vec<&str> = nodes
            .iter()
            .map(|n| n.name.as_str())
            .filter(|n| !args.members.iter().any(|m| m == n))
            .collect();
        if !outside.is_empty() {
            return fail(format!(
                "{} not in --members ({}): add them to --members, or leave their files out (NAME=PATH names a file's node)",
                outside.join(", "),
                args.members.join(", ")
            ));
        }
    }
    let options = RecoveryOptions {
        tie_break: match args.tie_break {
            Tie::Lowest => TieBreak::LowestOrdinal,
            Tie::Highest => TieBreak::HighestOrdinal,
        },
        members: args.members.clone(),
        force: args.force,
        history: args.history.clone(),
        ..RecoveryOptions::default()
    };
    let result = plan_recovery(&nodes, &options);
    if args.output == Output::Json {
        let nodes: Vec<serde_json::Value> = nodes
            .iter()
            .map(|n| serde_json::json!({"report": n, "position": n.position()}))
            .collect();
        let (plan, refusal) = match &result {
            Ok(p) => (serde_json::to_value(p).ok(), None),
            Err(r) => (
                None,
                Some(serde_json::json!({"kind": r, "message": r.to_string()})),
            ),
        };
        let out = serde_json::json!({"nodes": nodes, "plan": plan, "refusal": refusal});
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        for n in &nodes {
            println!("{}: {}", n.name, describe(&n.position()));
        }
        match &result {
            Ok(plan) => {
                println!("bootstrap: {} ({})", plan.bootstrap, plan.reason);
                for s in &plan.skipped {
                    println!("skipped: {} ({})", s.node, s.reason);
                }
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
                for d in &plan.discarded {
                    println!("discards: {d}");
                }
            }
            Err(refusal) => println!("refused: {refusal}"),
        }
    }
    match result {
        Ok(_) => Exit::Success,
        Err(_) => Exit::Failure,
    }
}

fn describe(p: &galera::recovery::NodePosition) -> String {
    use galera::recovery::NodePosition;
    match p {
        NodePosition::Known {
            uuid,
            seqno,
            evidence,
            ..
        } => format!("{uuid}:{seqno} ({evidence})"),
        NodePosition::Unknown { evidence } => format!("position unknown ({evidence})"),
        NodePosition::NeverJoined { evidence } => format!("never joined ({evidence})"),
        NodePosition::Contradicted { evidence } => format!("files contradict ({evidence})"),
    }
}
