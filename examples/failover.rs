//! `cargo run --example failover [-- CLUSTER...]`
//!
//! The walkthrough's layout (mariadb-0 and mariadb-2 on demo-controller, mariadb-1 on
//! demo-worker) losing demo-worker, then (from healthy again) losing demo-controller; or the
//! clusters given, lost together. For each loss: every pod's predicted `wsrep%` status, whether
//! a Primary survives, and when none does, the recovery the `galera` crate plans (see
//! `failover --help`).

use std::process::ExitCode;

use clap::Parser;
use deployer::{Drill, Environment, PodOutcome, drill, plan};

/// What the walkthrough's MariaDB does when clusters are lost.
///
/// Reads no input: the layout is the walkthrough's (mariadb-0 and mariadb-2 on
/// demo-controller, mariadb-1 on demo-worker). Without CLUSTERs it loses demo-worker, then
/// (from healthy again) demo-controller; with CLUSTERs it loses those together. For each
/// loss it prints every pod's predicted `wsrep%` status (`wsrep_cluster_status`, size, weight,
/// ready), whether a Primary component survives, and when none does, the recovery the
/// `galera` crate plans: which survivor to bootstrap with `pc.bootstrap=YES`, the join order,
/// and the status after it.
#[derive(Parser)]
#[command(
    name = "failover",
    version,
    after_help = "Exit status:\n  0  every drill ran (whether or not the database survives)\n  2  a CLUSTER is not in the layout, or the arguments are wrong"
)]
struct Args {
    /// Clusters lost together [default: demo-worker, then demo-controller, one at a time].
    #[arg(value_name = "CLUSTER")]
    clusters: Vec<String>,
}

fn show(pods: &[PodOutcome]) {
    for p in pods {
        match &p.status {
            None => println!("  {} ({}): lost", p.pod, p.cluster),
            Some(s) => println!(
                "  {} ({}): wsrep_cluster_status={} size={} weight={} ready={}",
                p.pod,
                p.cluster,
                s.cluster_status,
                s.size,
                s.weight,
                galera::status::on_off(s.ready)
            ),
        }
    }
}

fn report(d: &Drill) {
    println!("lose {}:", d.lost.join(" + "));
    show(&d.pods);
    if d.primary {
        println!("  => a Primary component survives: the database keeps serving");
        return;
    }
    println!("  => no Primary component: the surviving pods refuse queries");
    if let Some(r) = &d.recovery {
        if let Some(refusal) = &r.refusal {
            println!("  recovery refused without force: {refusal}");
        }
        println!(
            "  recovery{}: SET GLOBAL wsrep_provider_options='pc.bootstrap=YES' on {}, the most advanced survivor",
            if r.refusal.is_some() { " (forced)" } else { "" },
            r.plan.bootstrap,
        );
        for j in &r.plan.joins {
            println!("  then {} rejoins ({})", j.node, j.reason);
        }
        println!("  after pc.bootstrap:");
        show(&r.after);
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let plan = match plan(&Environment::seed()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let drills: Vec<Vec<&str>> = if args.clusters.is_empty() {
        vec![vec!["demo-worker"], vec!["demo-controller"]]
    } else {
        vec![args.clusters.iter().map(String::as_str).collect()]
    };
    for lost in drills {
        match drill(&plan, &lost) {
            Ok(d) => report(&d),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}
