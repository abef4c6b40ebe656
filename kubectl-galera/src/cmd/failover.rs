//! `kubectl-galera failover [CLUSTER... | --lab]`
//!
//! The walkthrough's layout (mariadb-0 and mariadb-2 on demo-controller, mariadb-1 on
//! demo-worker) losing demo-worker, then (from healthy again) losing demo-controller; or the
//! clusters given, lost together. For each loss: every pod's predicted `wsrep%` status, whether
//! a Primary survives, and when none does, the recovery the `galera` crate plans (see
//! `failover --help`).
//!
//! `--lab` runs the drills on real MariaDB 10.11 + Galera 4 servers in the one-machine lab
//! (`lab::Drills`: one network namespace per cluster on a slice bridge, the plan's
//! `galera.cnf` as rendered) and after each step compares every pod's real `wsrep%` status
//! with the model's prediction: `lab drill <name>: match` or `lab drill <name>: MISMATCH <pod>
//! <variable> model=<x> real=<y>`. Drills: lose demo-worker, then heal it; cut demo-worker's
//! slice gateway, then heal the slice; lose
//! demo-controller, then the planned recovery (`pc.bootstrap` on the survivor, the lost pods
//! rejoin); rows written, demo-worker lost, more rows, demo-controller lost (a full outage),
//! then the recovery the `galera` crate plans from the servers' files, executed, and
//! `rows: <n> written, <n> on every pod`. Needs root and `lab::INSTALL`.

use deployer::{Drill, Environment, Plan, PodOutcome, drill, plan};
use lab::{DrillReport, Drills, Lab, LabError, LabOptions, SliceSpec};

use crate::cli::{self, Exit};

/// What the walkthrough's MariaDB does when clusters are lost.
///
/// Reads no input: the layout is the walkthrough's (mariadb-0 and mariadb-2 on
/// demo-controller, mariadb-1 on demo-worker). Without CLUSTERs it loses demo-worker, then
/// (from healthy again) demo-controller; with CLUSTERs it loses those together. For each
/// loss it prints every pod's predicted `wsrep%` status (`wsrep_cluster_status`, size, weight,
/// ready), whether a Primary component survives, and when none does, the recovery the
/// `galera` crate plans: which survivor to bootstrap with `pc.bootstrap=YES`, the join order,
/// and the status after it.
///
/// With --lab the drills run on real MariaDB Galera servers, one network namespace per
/// cluster, each step compared with the model (`lab drill <name>: match`), then a full outage
/// after writing rows, recovered by the `galera` crate's plan. It needs root and Debian's
/// `mariadb-server galera-4 galera-arbitrator-4 rsync iproute2`.
#[derive(clap::Args)]
#[command(
    after_help = "Exit status:\n  0  every drill ran (whether or not the database survives); with --lab, every step matched the model and every row was kept\n  1  --lab: a step did not match the model, a row was lost, or a server failed\n  2  a CLUSTER is not in the layout, the arguments are wrong, or --lab lacks root or packages\n  130  --lab: interrupted (Ctrl-C, SIGTERM, SIGHUP); the lab is removed first"
)]
pub struct Args {
    /// Clusters lost together [default: demo-worker, then demo-controller, one at a time].
    #[arg(value_name = "CLUSTER", conflicts_with = "lab")]
    clusters: Vec<String>,
    /// Run the drills on real servers in the one-machine lab and compare them with the model.
    #[arg(long)]
    pub lab: bool,
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

/// Runs `failover`.
pub fn run(args: &Args) -> Exit {
    if args.lab
        && let Err(exit) = cli::lab_preflight()
    {
        return exit;
    }
    let plan = match plan(&Environment::seed()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return Exit::Usage;
        }
    };
    if args.lab {
        return match on_the_lab(&plan) {
            Ok(ok) => Exit::success_if(ok),
            Err(_) if lab::interrupted() => Exit::Interrupted,
            Err(e) => {
                println!("FAILED: {e}");
                Exit::Failure
            }
        };
    }
    let drills: Vec<Vec<&str>> = if args.clusters.is_empty() {
        vec![vec!["demo-worker"], vec!["demo-controller"]]
    } else {
        let mut lost: Vec<&str> = Vec::new();
        for c in &args.clusters {
            if !lost.contains(&c.as_str()) {
                lost.push(c);
            }
        }
        vec![lost]
    };
    for lost in drills {
        match drill(&plan, &lost) {
            Ok(d) => report(&d),
            Err(e) => {
                eprintln!("{e}");
                return Exit::Usage;
            }
        }
    }
    Exit::Success
}

/// The drill lines printed so far: whether all matched, and each step's time.
struct Tally {
    ok: bool,
    times: Vec<String>,
}

impl Tally {
    fn shown(&mut self, r: &DrillReport) {
        println!("{r}");
        self.ok &= r.matched();
        self.times
            .push(format!("{} {:.1} s", r.name, r.took.as_secs_f64()));
    }
}

/// The drills on real servers; `Ok(false)` when a step did not match or a row was lost.
fn on_the_lab(plan: &Plan) -> Result<bool, LabError> {
    let slice = SliceSpec::of_plan(plan)?
        .ok_or_else(|| LabError::Drill("the plan has no SliceConfig with a subnet".into()))?;
    let mut drills = Drills::new(Lab::new(&slice, LabOptions::default())?, plan)?;
    let mut t = Tally {
        ok: true,
        times: Vec::new(),
    };
    t.shown(&drills.form()?);
    println!("lab: {}", drills.lab().summary()?);
    let model = |lost: &[&str]| {
        drill(plan, lost).map_err(|e| LabError::Drill(format!("the model's drill: {e}")))
    };

    // Lose demo-worker, then heal it: its pod restarts and rejoins.
    println!();
    let d = model(&["demo-worker"])?;
    report(&d);
    t.shown(&drills.lose(&["demo-worker"])?);
    let back = drills.pods_of("demo-worker");
    t.shown(&drills.start(&back, "heal demo-worker")?);

    // The slice cut at demo-worker's gateway, then healed: the same membership outcome as
    // losing it, with every server still running.
    t.shown(&drills.partition("demo-worker")?);
    t.shown(&drills.heal()?);

    // Lose demo-controller, then the planned recovery on the survivor.
    println!();
    let d = model(&["demo-controller"])?;
    report(&d);
    t.shown(&drills.lose(&["demo-controller"])?);
    let recovery = d
        .recovery
        .ok_or_else(|| LabError::Drill("the model plans no recovery for demo-controller".into()))?;
    let bootstrap = recovery.plan.bootstrap.clone();
    t.shown(&drills.pc_bootstrap(&bootstrap, "recover demo-controller: pc.bootstrap")?);
    // The survivors the plan joins, then the lost pods as they come back, in ordinal order.
    let mut joins: Vec<String> = recovery.plan.joins.iter().map(|j| j.node.clone()).collect();
    for pod in drills.pods_of("demo-controller") {
        if !joins.contains(&pod) && pod != bootstrap {
            joins.push(pod);
        }
    }
    t.shown(&drills.start(&joins, "recover demo-controller: rejoin")?);

    // A full outage after writes: demo-worker goes first and misses the last rows.
    println!();
    println!("full outage: rows written, demo-worker lost, more rows, demo-controller lost");
    drills.write_rows(20)?;
    t.shown(&drills.lose(&["demo-worker"])?);
    drills.write_rows(10)?;
    t.shown(&drills.lose(&["demo-controller"])?);
    let recovery = std::time::Instant::now();
    let recovered = drills.recover_outage()?;
    println!(
        "  recovery planned from the servers' grastate.dat and --wsrep-recover: bootstrap {} ({}), then {}",
        recovered.plan.bootstrap,
        recovered.plan.reason,
        recovered
            .plan
            .joins
            .iter()
            .map(|j| format!("{} ({:?})", j.node, j.transfer))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (pod, how) in &recovered.transfers {
        println!("  {pod} caught up: {how}");
    }
    t.shown(&recovered.report);
    let rows = drills.rows()?;
    let took = recovery.elapsed();
    println!("{rows}");
    t.ok &= rows.kept();
    println!(
        "lab: full outage recovered to a Primary component of {} with every row in {:.1} s",
        drills.pods().len(),
        took.as_secs_f64()
    );
    println!("lab: step times: {}", t.times.join(", "));
    Ok(t.ok)
}
