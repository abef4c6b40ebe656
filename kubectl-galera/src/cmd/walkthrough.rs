//! `kubectl-galera walkthrough [--input ENV.yaml] [--kubedb-release R] [--out DIR]
//! [--apply [--dry-run] [--kubeconfig FILE] [--context NAME] [--lab]]`
//!
//! The KubeDB release planned for is the environment's `kubedb.release` (the embedded
//! walkthrough scenario says v2025.7.31, what the walkthrough installs); `--kubedb-release`
//! overrides it.
//!
//! Plans the walkthrough's distributed MariaDB (or the environment in `--input`): prints the
//! preflight findings, where each pod goes, which single-cluster losses the Galera cluster
//! survives, and the ordered plan; `--out DIR` writes `plan.yaml` and one
//! `<cluster>.manifestworks.yaml` per spoke.
//!
//! `--apply` then applies the plan with server-side apply, waiting between steps, waits for
//! the MariaDB to be Ready and verifies it as the walkthrough's Step 8 does. Without
//! `--kubeconfig` or `--context` it runs against the in-process fake hub with simulated spokes
//! (serving the pinned OCM and KubeSlice CRDs and the release's KubeDB CRDs and webhooks); with
//! them, against that hub, whose kubeconfig and context are resolved before anything is
//! printed (a kubeconfig or context that cannot be used exits 2). `--dry-run` needs a real hub:
//! on the fake hub nothing would be stored, so every step after the first would miss what the
//! steps before it create.
//!
//! `--apply --lab` runs the simulated spokes' pods as real MariaDB Galera servers in the
//! one-machine lab (`lab::LabPods`: one network namespace per cluster on a slice bridge, each
//! pod at its overlay address): before Step 8 it prints a `lab: ` line (servers, version,
//! namespaces, each cluster's overlay subnet), and Step 8 reads `wsrep%` from each server
//! over SQL (galera's `live` adapter). It needs root and the packages `lab::INSTALL` names;
//! without them it exits 2 saying what is missing.
//!
//! Exits 1 when preflight finds errors or the apply or verification fails, 2 on bad input
//! (see `walkthrough --help`).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use deployer::{
    ApplyOptions, Environment, Plan, Progress, Readiness, apply_plan, plan, pods_ready,
    render_pod_table, wait_for_phase, watch_pods,
};
use galera::status::{WsrepStatus, on_off};
use kubedb_types::kubedb::v1::{DatabasePhase, MariaDB};
use kubedb_types::release::Release;
use lab::{Lab, LabOptions, LabPods, SliceSpec};
use simulated_clusters::{Spoke, World};

use crate::cli::{self, Exit};

/// Plans the walkthrough's distributed MariaDB over OCM and KubeSlice; with --apply, applies
/// and verifies it.
///
/// Reads the environment (hub, spokes, slice, database) from --input (`-` for standard
/// input), or the walkthrough's own. Prints the preflight findings (`error|warning|info
/// <object>: <finding>` with a remedy), where each pod goes, which single-cluster losses the
/// Galera cluster survives, the ordered plan, the ManifestWorks PetSet will create on each
/// spoke and one pod's galera.cnf; --out DIR also writes plan.yaml and one
/// CLUSTER.manifestworks.yaml per spoke. --apply then applies the plan with server-side
/// apply, waiting between steps, waits for the MariaDB to be Ready and verifies it as the
/// walkthrough's Step 8 does: against the in-process fake hub with simulated spokes, or the
/// hub of --kubeconfig (a file) and --context.
#[derive(clap::Args)]
#[command(
    after_help = "Exit status:\n  0  planned (and, with --apply, applied and verified)\n  1  preflight found errors, or the apply or the verification failed\n  2  the input cannot be read or is invalid, --out cannot be written, the kubeconfig or context cannot be used (said before anything is printed), --dry-run without a real hub, the arguments are wrong, or --lab cannot run (not root, packages missing: it names them and the install command)\n  130  --lab: interrupted (Ctrl-C, SIGTERM, SIGHUP); the lab is removed first"
)]
pub struct Args {
    /// The environment YAML, or `-` for standard input [default: the walkthrough's].
    #[arg(long, value_name = "ENV.yaml")]
    input: Option<PathBuf>,
    /// Also write plan.yaml and CLUSTER.manifestworks.yaml files to this folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Apply the plan, wait for the MariaDB to be Ready and verify it.
    #[arg(long)]
    apply: bool,
    /// With --apply and a real hub (--kubeconfig or --context): the server validates every
    /// object and stores none. A step that needs what an earlier one creates (the namespace,
    /// a registration) fails unless the hub has it already.
    #[arg(long, requires = "apply")]
    dry_run: bool,
    /// With --apply: the hub's kubeconfig [default: the in-process fake hub; with only
    /// --context, $KUBECONFIG or ~/.kube/config].
    #[arg(long, value_name = "FILE", requires = "apply")]
    kubeconfig: Option<PathBuf>,
    /// With --apply: the kubeconfig context [default: its current one]; alone, it selects a
    /// real hub from the default kubeconfig.
    #[arg(long, value_name = "NAME", requires = "apply")]
    context: Option<String>,
    /// The KubeDB release the hub runs (v2025.7.31, v2026.7.10), overriding the environment's
    /// `kubedb.release`: it decides the PlacementPolicy shape and the webhook rules.
    #[arg(long = "kubedb-release", value_name = "R", value_parser = cli::release)]
    release: Option<Release>,
    /// With --apply: the pods are real MariaDB Galera servers in network namespaces (needs
    /// root, iproute2 and Debian's mariadb-server galera-4 galera-arbitrator-4 rsync).
    #[arg(long, requires = "apply", conflicts_with_all = ["kubeconfig", "context", "dry_run"])]
    pub lab: bool,
}

/// `true` when the apply goes to a real hub (`--kubeconfig` or `--context`).
fn real_hub(args: &Args) -> bool {
    args.kubeconfig.is_some() || args.context.is_some()
}

/// Runs `walkthrough`.
pub fn run(args: &Args) -> Exit {
    if args.dry_run && !real_hub(args) {
        eprintln!(
            "walkthrough: --dry-run needs a real hub (--kubeconfig FILE or --context NAME): the in-process fake hub would store nothing, so every step after the first would miss what the steps before it create (the namespace, the registrations). To see the plan without applying it, leave out --apply."
        );
        return Exit::Usage;
    }
    if args.lab
        && let Err(exit) = cli::lab_preflight()
    {
        return exit;
    }
    let mut env = match &args.input {
        None => Environment::seed(),
        Some(path) => {
            let loaded = cli::read_text(path).and_then(|text| {
                Environment::from_yaml(&path.display().to_string(), &text)
                    .map_err(|e| e.to_string())
            });
            match loaded {
                Ok(env) => env,
                Err(e) => {
                    eprintln!("{e}");
                    return Exit::Usage;
                }
            }
        }
    };
    if let Some(release) = args.release {
        env.kubedb.release = release;
    }
    // The hub to apply to, resolved before anything is printed: a kubeconfig or context that
    // cannot be used is a usage error, not a failed apply.
    let hub = if args.apply {
        let runtime = match cli::runtime() {
            Ok(rt) => rt,
            Err(exit) => return exit,
        };
        let client = if real_hub(args) {
            let connected = runtime.block_on(deployer::hub_client(
                args.kubeconfig.as_deref(),
                args.context.as_deref(),
            ));
            match connected {
                Ok(client) => Some(client),
                Err(e) => {
                    eprintln!("walkthrough: {e}");
                    return Exit::Usage;
                }
            }
        } else {
            None
        };
        Some((runtime, client))
    } else {
        None
    };
    let plan = match plan(&env) {
        Ok(plan) => plan,
        Err(rejected) => {
            println!("== preflight: {rejected}");
            for f in &rejected.findings {
                println!("{f}");
            }
            return Exit::Failure;
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
    println!(
        "\n== plan for KubeDB {} (PlacementPolicy spec.{})",
        env.kubedb.release,
        env.kubedb.release.policy_shape().field()
    );
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
            return Exit::Usage;
        }
        for (name, text) in plan.files() {
            let path = dir.join(&name);
            if let Err(e) = std::fs::write(&path, text) {
                eprintln!("{}: cannot write: {e}", path.display());
                return Exit::Usage;
            }
            println!("wrote {}", path.display());
        }
    }
    let Some((runtime, client)) = hub else {
        return Exit::Success;
    };
    match runtime.block_on(apply(args, client, &env, &plan)) {
        Ok(()) => Exit::Success,
        Err(_) if lab::interrupted() => Exit::Interrupted,
        Err(e) => {
            println!("\nFAILED: {e}");
            Exit::Failure
        }
    }
}

/// The hub to apply to: the real one of `client` (from the kubeconfig), or the fake hub with
/// simulated spokes.
async fn connect(
    args: &Args,
    client: Option<kube::Client>,
    env: &Environment,
    plan: &Plan,
) -> Result<(kube::Client, Option<World>, Option<Arc<Lab>>), String> {
    if let Some(client) = client {
        println!(
            "\n== apply to the hub of {} (context {}), planned for KubeDB {}",
            args.kubeconfig
                .as_ref()
                .map_or("the default kubeconfig".to_owned(), |p| p
                    .display()
                    .to_string()),
            args.context.as_deref().unwrap_or("current"),
            env.kubedb.release
        );
        return Ok((client, None, None));
    }
    let release = env.kubedb.release;
    let hub = simulated_clusters::hub_for(release);
    let schemas = format!(
        "KubeDB {release} (its CRDs and webhooks), OCM {}, KubeSlice {}",
        ocm_types::crds::PIN,
        kubeslice_types::crds::PIN
    );
    let spokes = Spoke::of(env);
    let names: Vec<String> = spokes
        .iter()
        .map(|s| {
            let gate = if s.raw_feedback {
                ""
            } else {
                " (RawFeedbackJsonString off)"
            };
            format!("{}{gate}", s.cluster)
        })
        .collect();
    println!(
        "\n== apply to the in-process fake hub; simulated spokes {}; schemas: {schemas}",
        names.join(", ")
    );
    if !args.lab {
        let world = World::start(&hub, env, spokes);
        return Ok((hub.client(), Some(world), None));
    }
    let slice = SliceSpec::of_plan(plan)
        .map_err(|e| e.to_string())?
        .ok_or("--lab: the plan has no SliceConfig with sliceSubnet, maxClusters and clusters")?;
    let lab = Arc::new(Lab::new(&slice, LabOptions::default()).map_err(|e| e.to_string())?);
    let world = World::start_with(&hub, env, spokes, LabPods::new(lab.clone()));
    Ok((hub.client(), Some(world), Some(lab)))
}

async fn apply(
    args: &Args,
    client: Option<kube::Client>,
    env: &Environment,
    plan: &Plan,
) -> Result<(), String> {
    let (client, world, lab) = connect(args, client, env, plan).await?;
    let options = ApplyOptions {
        dry_run: args.dry_run,
        ..ApplyOptions::default()
    };
    let start = Instant::now();
    let ms = |t: Instant| format!("{:>5} ms", t.elapsed().as_millis());
    let report = apply_plan(&client, plan, &options, |p| match p {
        Progress::Applying {
            index,
            total,
            object,
        } => println!("{} [{index}/{total}] apply {object}", ms(start)),
        Progress::Applied {
            resource_version, ..
        } => println!(
            "{}       applied (resourceVersion {})",
            ms(start),
            resource_version.as_deref().unwrap_or("-")
        ),
        Progress::Retrying {
            code,
            attempt,
            delay,
            ..
        } => println!(
            "{}       answer {code} on attempt {attempt}; retrying in {delay:?}",
            ms(start)
        ),
        Progress::Waiting { condition, .. } => {
            println!("{}       waiting for {condition}", ms(start))
        }
        Progress::Satisfied { .. } => println!("{}       ok", ms(start)),
    })
    .await
    .map_err(|e| e.to_string())?;
    if args.dry_run {
        println!(
            "dry run: the server accepted all {} objects and stored none",
            report.applied.len()
        );
        return Ok(());
    }
    let db = &env.database;
    println!(
        "\n== waiting for MariaDB {}/{} to be Ready",
        db.namespace, db.name
    );
    let ready = wait_for_phase(
        &client,
        &db.namespace,
        &db.name,
        DatabasePhase::Ready,
        Duration::from_secs(600),
        |seen| {
            let phase = seen.phase.map_or("<none>".to_owned(), |p| format!("{p:?}"));
            println!("{} phase {phase}", ms(start));
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    let wsrep = match (&lab, &world) {
        (Some(lab), _) => Some(lab_status(lab).await?),
        (None, Some(world)) => Some(
            world
                .wsrep_all()
                .into_iter()
                .map(|(pod, s)| (pod, None, s))
                .collect(),
        ),
        (None, None) => None,
    };
    verify(&client, env, &ready, wsrep).await?;
    if lab.is_some() {
        println!(
            "lab: first apply to Step 8 healthy in {:.1} s",
            start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// The `lab: ` line (servers, version, namespaces, the clusters' overlay subnets) and each
/// pod's `wsrep%` status read from its server with galera's `live` adapter, with its overlay
/// address.
async fn lab_status(lab: &Lab) -> Result<Vec<(String, Option<String>, WsrepStatus)>, String> {
    println!("\nlab: {}", lab.summary().map_err(|e| e.to_string())?);
    let pods = lab.pods();
    let mut out = Vec::new();
    for p in pods {
        let s = lab.status_live(&p.name).await.map_err(|e| e.to_string())?;
        out.push((p.name, Some(p.address.to_string()), s));
    }
    Ok(out)
}

/// The walkthrough's Step 8: the MariaDB is Ready, its pods run on each cluster, and Galera
/// reports a Primary component of all replicas.
async fn verify(
    client: &kube::Client,
    env: &Environment,
    db: &MariaDB,
    wsrep: Option<Vec<(String, Option<String>, WsrepStatus)>>,
) -> Result<(), String> {
    let d = &env.database;
    println!("\n== Step 8: verify");
    let phase = db.status.as_ref().and_then(|s| s.phase);
    println!(
        "mariadb.kubedb.com/{}  version {}  status {}",
        d.name,
        db.spec.version,
        phase.map_or("<none>".to_owned(), |p| format!("{p:?}"))
    );
    let replicas = d.replicas as usize;
    let ((rows, findings), _) = watch_pods(
        client,
        &d.namespace,
        &d.name,
        Duration::from_secs(60),
        pods_ready(replicas),
    )
    .await;
    print!("{}", render_pod_table(&rows));
    for f in &findings {
        println!("{f}");
    }
    let ready = rows.iter().filter(|r| r.ready == Readiness::Ready).count();
    if ready != replicas {
        return Err(format!("{ready} of {} pods Ready on the hub", d.replicas));
    }
    let Some(wsrep) = wsrep else {
        println!("wsrep status: read it over SQL with the deployer's `live` feature (pods_health)");
        return Ok(());
    };
    for (pod, address, s) in &wsrep {
        let at = address
            .as_ref()
            .map_or(String::new(), |a| format!(" at {a}"));
        println!(
            "{pod}{at}: wsrep_cluster_status={} wsrep_cluster_size={} wsrep_connected={} wsrep_ready={}",
            s.cluster_status
                .as_ref()
                .map_or("-".to_owned(), ToString::to_string),
            s.cluster_size.map_or("-".to_owned(), |n| n.to_string()),
            on_off(s.connected == Some(true)),
            on_off(s.ready == Some(true)),
        );
    }
    let wsrep: Vec<(String, WsrepStatus)> = wsrep.into_iter().map(|(p, _, s)| (p, s)).collect();
    let health = galera::health::assess(&wsrep, Some(u64::from(d.replicas)));
    println!("galera health: {}", health.verdict);
    for f in &health.findings {
        println!("  {f}");
    }
    if health.verdict != galera::health::Verdict::Healthy {
        return Err(format!("galera health is {}", health.verdict));
    }
    Ok(())
}
