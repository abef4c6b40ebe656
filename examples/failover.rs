//! `cargo run --example failover [-- CLUSTER...]`
//!
//! The walkthrough's layout (mariadb-0 and mariadb-2 on demo-controller, mariadb-1 on
//! demo-worker) losing demo-worker, then (from healthy again) losing demo-controller; or the
//! clusters given, lost together. For each loss: every pod's predicted `wsrep%` status, whether
//! a Primary survives, and when none does, the recovery the `galera` crate plans.

use std::process::ExitCode;

use deployer::{Drill, Environment, PodOutcome, drill, plan};

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
                if s.ready { "ON" } else { "OFF" }
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
    let plan = match plan(&Environment::seed()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let drills: Vec<Vec<&str>> = if args.is_empty() {
        vec![vec!["demo-worker"], vec!["demo-controller"]]
    } else {
        vec![args.iter().map(String::as_str).collect()]
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
