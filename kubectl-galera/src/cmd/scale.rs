//! `kubectl-galera scale [--replicas N | --target cluster=n,...] [--lab | --kubeconfig FILE
//! [--context NAME] [--namespace NS] [--name DB] [--kubedb-release R]]`
//!
//! With `--kubeconfig` or `--context` it scales the database `NS/DB` of that hub: it reads the
//! database as the hub stores it (`deployer::read_current`, each pod's `wsrep%` over SQL at its
//! `PodIP` with the database's own credentials), plans, applies and verifies; `--replicas` or
//! `--target` is then required, and clusters the target names must already be on the hub.
//!
//! Without them it deploys the walkthrough (for `--kubedb-release`, default the walkthrough's)
//! on the in-process fake hub with simulated spokes, reads the
//! database back from the hub (`deployer::read_current`), then scales it with a day-2 plan
//! (`deployer::plan_day2`, applied with `deployer::apply_day2`): by default to 5 members over
//! three clusters, adding the cluster `demo-edge` to the hub, the slice and the
//! PlacementPolicy. A `--target` may name clusters the hub does not have yet: each joins the
//! hub (a ManagedCluster registered like the walkthrough's, and its spoke), then the slice and
//! the policy. Prints each step and wait, the walkthrough's Step 8 lines
//! (`wsrep_cluster_size=N` on every pod) and which single-cluster losses the result survives.
//!
//! A target that cannot be reached safely (under 3 members, a step that would lose a
//! survival property, a new cluster that cannot join the slice) is refused with exit status 1
//! before any day-2 step is applied.
//!
//! `--lab` runs the simulated spokes' pods as real MariaDB 10.11 + Galera 4 servers in the
//! one-machine lab (`lab::LabPods`, as `walkthrough --apply --lab` does): the walkthrough's
//! three servers, then the new members, which join the running cluster by state transfer
//! (SST or IST, as each one's error log says). The lab is built with the walkthrough's slice;
//! a cluster the day-2 plan adds (`demo-edge`) joins it when its work agent receives its first
//! pod (`lab::Lab::add_cluster`: its namespace, its gateway to the slice bridge and the next
//! block of the slice subnet, as the KubeSlice controller gives a cluster joining an existing
//! slice), not before: that is what the plan's slice join means. Before scaling it writes rows
//! on the first pod; the wsrep status the plan and its waits read, and Step 8's, come from the
//! servers over SQL; Step 8 prints a `lab: ` line, checks that every pod has the rows
//! (`rows: <n> written, <n> on every pod`) and the time from the first day-2 apply to the
//! target size healthy. Needs root and the packages `lab::INSTALL` names (exit status 2 saying
//! what is missing); everything the lab made is removed on exit, failure, panic or Ctrl-C.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use deployer::day2::{Day2Options, Day2Plan, Target, plan_day2};
use deployer::{
    ApplyOptions, Environment, PodRow, Progress, ReadOptions, SqlReader, WsrepReader, apply_plan,
    auth_credentials, plan, pods_ready, read_current, render_pod_table, wait_for_phase, watch_pods,
};
use galera::quorum::{Weight, have_quorum};
use galera::status::{WsrepStatus, on_off};
use kubedb_types::kubedb::v1::{DatabasePhase, MariaDB};
use kubedb_types::release::Release;
use lab::{Lab, LabOptions, LabPods, SliceSpec};
use ocm_types::cluster::v1::ManagedCluster;
use simulated_clusters::{Spoke, World};

use crate::cli::{self, Exit};

/// The cluster the default target adds.
const EDGE: &str = "demo-edge";

/// Deploys the walkthrough's distributed MariaDB on the in-process fake hub, then scales it
/// one safe step at a time; with --kubeconfig or --context, scales the database of that real
/// hub instead.
///
/// Reads no file: the environment is the walkthrough's, deployed for --kubedb-release (default
/// the walkthrough's v2025.7.31). The day-2 plan starts from the
/// database as the hub stores it after the deployment (MariaDB, PlacementPolicy, SliceConfig,
/// pod table, wsrep status). Without options the target is 5 members over demo-controller,
/// demo-worker and a new cluster demo-edge (joined to the hub, the slice and the
/// PlacementPolicy); --replicas N spreads N members over the three; --target gives exact
/// per-cluster counts, and a cluster it names that the hub lacks joins the hub, the slice and
/// the policy. Each step (SliceConfig join, PlacementPolicy update, MariaDBOpsRequest
/// HorizontalScaling) is applied with server-side apply and waited for; then Step 8 shows
/// every pod's wsrep status and the survival report which single-cluster losses the result
/// survives.
///
/// With --kubeconfig or --context it scales the database --namespace/--name of that hub
/// instead (no deployment first): --replicas or --target is required, and the pods' status is
/// read over SQL at their PodIPs with the database's credentials, so they must be reachable
/// from here. --namespace and --name name a database of a real hub only: without
/// --kubeconfig or --context they are refused (exit status 2).
#[derive(clap::Args)]
#[command(
    group(clap::ArgGroup::new("hub").args(["kubeconfig", "context"]).multiple(true)),
    after_help = "Exit status:\n  0  scaled and verified\n  1  the target cannot be reached safely (nothing applied), or the apply or the verification failed\n  2  the arguments are wrong (--namespace or --name without --kubeconfig or --context), the kubeconfig cannot be used, or --lab cannot run (not root, packages missing)\n  130  --lab: interrupted (Ctrl-C, SIGTERM, SIGHUP); the lab is removed first"
)]
pub struct Args {
    /// Members afterwards, spread over demo-controller, demo-worker and demo-edge [default: 5].
    #[arg(long, value_name = "N", conflicts_with = "target")]
    replicas: Option<u32>,
    /// Exact members per cluster, e.g. `demo-controller=2,demo-worker=1,demo-far=2`; a
    /// cluster the hub does not have joins the hub, the slice and the PlacementPolicy
    /// (clusters not named get none).
    #[arg(long, value_name = "cluster=n,...", value_parser = parse_target)]
    target: Option<BTreeMap<String, u32>>,
    /// The pods are real MariaDB Galera servers in network namespaces, and new members join
    /// by state transfer (needs root, iproute2 and Debian's mariadb-server galera-4 galera-arbitrator-4 rsync).
    #[arg(long, conflicts_with_all = ["kubeconfig", "context"])]
    pub lab: bool,
    /// Scale the database of this hub instead of the fake hub's walkthrough.
    #[arg(long, value_name = "FILE")]
    kubeconfig: Option<PathBuf>,
    /// The kubeconfig context [default: its current one]; alone, it selects a real hub from
    /// $KUBECONFIG or ~/.kube/config.
    #[arg(long, value_name = "NAME")]
    context: Option<String>,
    /// With --kubeconfig or --context: the database's namespace [default: demo].
    #[arg(long, value_name = "NS", requires = "hub")]
    namespace: Option<String>,
    /// With --kubeconfig or --context: the MariaDB's name [default: mariadb].
    #[arg(long, value_name = "DB", requires = "hub")]
    name: Option<String>,
    /// The KubeDB release the hub runs (v2025.7.31, v2026.7.10): on the fake hub, the release
    /// the walkthrough is deployed for and scaled on; on a real hub, the release installed
    /// there [default: the walkthrough's, v2025.7.31].
    #[arg(long = "kubedb-release", value_name = "R", value_parser = cli::release)]
    release: Option<Release>,
}

fn parse_target(s: &str) -> Result<BTreeMap<String, u32>, String> {
    let mut target = BTreeMap::new();
    for pair in s.split(',') {
        let (c, n) = pair
            .split_once('=')
            .ok_or_else(|| format!("{pair:?}: expected cluster=n"))?;
        let c = c.trim();
        if c.is_empty() {
            return Err(format!("{pair:?}: the cluster name is empty"));
        }
        let n = n
            .trim()
            .parse::<u32>()
            .map_err(|e| format!("{pair:?}: {e}"))?;
        if target.insert(c.to_owned(), n).is_some() {
            return Err(format!("{c} is given twice: give each cluster once"));
        }
    }
    Ok(target)
}

/// Runs `scale`.
pub fn run(args: &Args) -> Exit {
    if args.lab
        && let Err(exit) = cli::lab_preflight()
    {
        return exit;
    }
    let real_hub = args.kubeconfig.is_some() || args.context.is_some();
    if real_hub && args.replicas.is_none() && args.target.is_none() {
        eprintln!(
            "scale: with --kubeconfig or --context, give the target: --replicas N or --target cluster=n,..."
        );
        return Exit::Usage;
    }
    let runtime = match cli::runtime() {
        Ok(rt) => rt,
        Err(exit) => return exit,
    };
    let result = if real_hub {
        runtime.block_on(on_hub(args))
    } else {
        let mut env = Environment::seed();
        if let Some(release) = args.release {
            env.kubedb.release = release;
        }
        match plan(&env) {
            Ok(deployment) => runtime.block_on(on_the_fake_hub(&env, &deployment, args)),
            Err(e) => Err(Stop::Failed(format!("the walkthrough does not plan: {e}"))),
        }
    };
    match result {
        Ok(()) => Exit::Success,
        Err(_) if lab::interrupted() => Exit::Interrupted,
        Err(Stop::Refused(e)) => {
            println!("\nrefused: {e}");
            Exit::Failure
        }
        Err(Stop::Failed(e)) => {
            println!("\nFAILED: {e}");
            Exit::Failure
        }
        Err(Stop::Usage(e)) => {
            eprintln!("scale: {e}");
            Exit::Usage
        }
    }
}

/// Why `run` stopped.
enum Stop {
    /// The day-2 plan was refused: nothing of it applied.
    Refused(String),
    /// The deployment, the apply or the verification failed.
    Failed(String),
    /// The hub cannot be used (kubeconfig, context).
    Usage(String),
}

impl From<String> for Stop {
    fn from(e: String) -> Stop {
        Stop::Failed(e)
    }
}

/// A cluster that joins the hub, registered and accepted like the walkthrough's (the fake
/// hub's stand-in for `clusteradm join` and `clusteradm accept`).
fn registered(env: &Environment, name: &str) -> ManagedCluster {
    let mut mc = env.hub.managed_clusters[0].clone();
    mc.metadata.name = Some(name.to_owned());
    mc
}

/// Members per cluster of the hub's pod table, as [`layout`] writes them.
fn pod_layout(rows: &[PodRow]) -> String {
    let mut per_cluster: BTreeMap<String, u32> = BTreeMap::new();
    for r in rows {
        *per_cluster.entry(r.cluster.clone()).or_default() += 1;
    }
    layout(&per_cluster)
}

fn layout(m: &BTreeMap<String, u32>) -> String {
    m.iter()
        .map(|(c, n)| format!("{c}={n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

async fn on_the_fake_hub(
    env: &Environment,
    deployment: &deployer::Plan,
    args: &Args,
) -> Result<(), Stop> {
    let hub = simulated_clusters::hub_for(env.kubedb.release);
    let (world, lab) = start_world(&hub, env, deployment, args.lab)?;
    // Real servers start one after another (a join by state transfer takes seconds).
    let patience = Duration::from_secs(if lab.is_some() { 300 } else { 60 });
    let client = hub.client();
    let start = Instant::now();
    let ms = || format!("{:>5} ms", start.elapsed().as_millis());
    let db = &env.database;
    let (db_ns, db_name) = (db.namespace.as_str(), db.name.as_str());
    println!(
        "== deploy the walkthrough on the in-process fake hub (KubeDB {})",
        env.kubedb.release
    );
    apply_plan(&client, deployment, &ApplyOptions::default(), |_| {})
        .await
        .map_err(|e| e.to_string())?;
    wait_for_phase(
        &client,
        &db.namespace,
        &db.name,
        DatabasePhase::Ready,
        patience,
        |_| {},
    )
    .await
    .map_err(|e| e.to_string())?;
    let (_, ready) = watch_pods(
        &client,
        &db.namespace,
        &db.name,
        patience,
        pods_ready(db.replicas as usize),
    )
    .await;
    if !ready {
        return Err(format!("not all {} pods Ready on the hub", db.replicas).into());
    }
    // The servers themselves over SQL with --lab (galera's `live` adapter), else the model.
    let reader: &dyn WsrepReader = match &lab {
        Some(lab) => &**lab,
        None => &world,
    };

    // The plan starts from what the hub stores, not from the deployment's own plan.
    let options = ReadOptions {
        wsrep: Some(reader),
        ..ReadOptions::new(env.kubedb.release)
    };
    let mut current = read_current(&client, &db.namespace, &db.name, &options)
        .await
        .map_err(|e| e.to_string())?;
    // Clusters the target names that the hub lacks: registered like the walkthrough's, they
    // join the hub once the plan is accepted (the planner checks them first).
    let named: Vec<&str> = match &args.target {
        Some(per_cluster) => per_cluster
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(c, _)| c.as_str())
            .collect(),
        None => vec![EDGE],
    };
    let new: Vec<ManagedCluster> = named
        .into_iter()
        .filter(|c| {
            !current
                .managed_clusters
                .iter()
                .any(|mc| mc.metadata.name.as_deref() == Some(*c))
        })
        .map(|c| registered(env, c))
        .collect();
    let target = match &args.target {
        Some(per_cluster) => {
            current.managed_clusters.extend(new.iter().cloned());
            Target::PerCluster(per_cluster.clone())
        }
        None => Target::AddClusters {
            clusters: new.clone(),
            replicas: args.replicas.unwrap_or(5),
        },
    };
    println!(
        "{} MariaDB {}/{} Ready with {} members, read from the hub: {}",
        ms(),
        db.namespace,
        db.name,
        current.pods.len(),
        pod_layout(&current.pods)
    );
    let first_pod = format!("{}-0", db.name);
    if let Some(lab) = &lab {
        let n = write_rows(lab, &first_pod)?;
        println!("{} wrote {n} rows on {first_pod}", ms());
    }
    let day2 = plan_day2(&current, &target, &Day2Options::default())
        .map_err(|e| Stop::Refused(e.to_string()))?;

    show_plan(&day2);
    let mut first = true;
    for mc in &new {
        let Some(name) = mc.metadata.name.clone() else {
            continue;
        };
        if !day2.target.contains_key(&name) {
            continue;
        }
        world.add_spoke(
            Spoke {
                cluster: name.clone(),
                raw_feedback: true,
            },
            mc,
        );
        println!(
            "{}{} {name} joined the hub (ManagedCluster accepted, namespace {name})",
            if first { "\n" } else { "" },
            ms()
        );
        first = false;
    }
    if !day2.steps.is_empty() {
        println!("\n== apply");
    }
    let apply_options = ApplyOptions::default();
    let day2_start = Instant::now();
    let applying = deployer::apply_day2(
        &client,
        &day2,
        &apply_options,
        Some(reader),
        progress(start),
    );
    let applied = if lab.is_some() {
        refreshing(&world, applying).await
    } else {
        applying.await
    };
    applied.map_err(|e| e.to_string())?;

    println!("\n== Step 8: verify");
    let members: u32 = day2.target.values().sum();
    let rows = pods_ready_on(&client, db_ns, db_name, members, patience).await?;
    let wsrep: Vec<(String, Option<String>, WsrepStatus)> = match &lab {
        Some(lab) => lab_status(lab).await?,
        None => world
            .wsrep_all()
            .into_iter()
            .map(|(pod, s)| (pod, None, s))
            .collect(),
    };
    let wsrep = show_health(wsrep, members)?;
    if let Some(lab) = &lab {
        println!(
            "lab: first day-2 apply to {members} members healthy in {:.1} s",
            day2_start.elapsed().as_secs_f64()
        );
        let before: u32 = day2.start.values().sum();
        for (pod, how) in state_transfers(lab, &db.name, before) {
            println!("lab: {pod} joined by {how}");
        }
        check_rows(lab, &wsrep)?;
    }

    show_survival(&rows);
    Ok(())
}

/// Scales the database of a real hub (`--kubeconfig`, `--context`): plans from what the hub
/// stores, each pod's `wsrep%` read over SQL at its `PodIP` with the database's credentials.
async fn on_hub(args: &Args) -> Result<(), Stop> {
    let client = deployer::hub_client(args.kubeconfig.as_deref(), args.context.as_deref())
        .await
        .map_err(|e| Stop::Usage(e.to_string()))?;
    let release = args.release.unwrap_or(Release::WALKTHROUGH);
    let ns = args.namespace.as_deref().unwrap_or("demo");
    let name = args.name.as_deref().unwrap_or("mariadb");
    let md = kube::Api::<MariaDB>::namespaced(client.clone(), ns)
        .get(name)
        .await
        .map_err(|e| {
            format!(
                "MariaDB/{ns}/{name}: cannot read it from the hub: {}",
                deployer::kube_error_text(&e)
            )
        })?;
    let credentials = auth_credentials(&client, &md)
        .await
        .map_err(|e| e.to_string())?;
    let reader = SqlReader::new(credentials);
    let options = ReadOptions {
        wsrep: Some(&reader),
        ..ReadOptions::new(release)
    };
    let current = read_current(&client, ns, name, &options)
        .await
        .map_err(|e| e.to_string())?;
    let start = Instant::now();
    println!(
        "{:>5} ms MariaDB {ns}/{name} with {} members, read from the hub (KubeDB {release}): {}",
        start.elapsed().as_millis(),
        current.pods.len(),
        pod_layout(&current.pods)
    );
    let target = match &args.target {
        Some(per_cluster) => Target::PerCluster(per_cluster.clone()),
        None => Target::Replicas(args.replicas.unwrap_or(5)),
    };
    let day2 = plan_day2(&current, &target, &Day2Options::default())
        .map_err(|e| Stop::Refused(e.to_string()))?;
    show_plan(&day2);
    if !day2.steps.is_empty() {
        println!("\n== apply");
    }
    deployer::apply_day2(
        &client,
        &day2,
        &ApplyOptions::default(),
        Some(&reader),
        progress(start),
    )
    .await
    .map_err(|e| e.to_string())?;
    println!("\n== Step 8: verify");
    let members: u32 = day2.target.values().sum();
    let rows = pods_ready_on(&client, ns, name, members, Duration::from_secs(300)).await?;
    let wsrep = reader.read(&rows).await;
    let wsrep = wsrep.into_iter().map(|(pod, s)| (pod, None, s)).collect();
    show_health(wsrep, members)?;
    show_survival(&rows);
    Ok(())
}

/// The day-2 plan's steps, and a note for each loss the start survives and the target does
/// not.
fn show_plan(day2: &Day2Plan) {
    println!(
        "\n== day-2 plan: {} -> {}",
        layout(&day2.start),
        layout(&day2.target)
    );
    for (i, step) in day2.steps.iter().enumerate() {
        println!("{:>2}. {}", i + 1, step.describe());
    }
    if day2.steps.is_empty() {
        println!("nothing to do: the database already runs this layout");
    }
    // The plan keeps every loss both ends survive; say so when the target gives one up.
    let counts = |l: &BTreeMap<String, u32>| -> BTreeMap<String, u64> {
        l.iter().map(|(c, n)| (c.clone(), u64::from(*n))).collect()
    };
    let (start, end) = (counts(&day2.start), counts(&day2.target));
    for cluster in start.keys().filter(|c| end.contains_key(*c)) {
        if survives(&start, cluster) && !survives(&end, cluster) {
            println!(
                "note: losing {cluster} is survived now and will not be after this plan (the target asks for it)"
            );
        }
    }
}

/// Prints each apply step and wait, in milliseconds since `start`.
fn progress(start: Instant) -> impl FnMut(Progress) {
    let ms = move || format!("{:>5} ms", start.elapsed().as_millis());
    move |p| match p {
        Progress::Applying {
            index,
            total,
            object,
        } => println!("{} [{index}/{total}] apply {object}", ms()),
        Progress::Applied {
            resource_version, ..
        } => println!(
            "{}       applied (resourceVersion {})",
            ms(),
            resource_version.as_deref().unwrap_or("-")
        ),
        Progress::Retrying { code, attempt, .. } => {
            println!(
                "{}       answer {code} on attempt {attempt}; retrying",
                ms()
            )
        }
        Progress::Waiting { condition, .. } => println!("{}       waiting for {condition}", ms()),
        Progress::Satisfied { .. } => println!("{}       ok", ms()),
    }
}

/// Waits until exactly `members` pods are Ready on the hub and prints the pod table.
async fn pods_ready_on(
    client: &kube::Client,
    ns: &str,
    db: &str,
    members: u32,
    patience: Duration,
) -> Result<Vec<PodRow>, Stop> {
    let ((rows, _), ok) = watch_pods(client, ns, db, patience, pods_ready(members as usize)).await;
    print!("{}", render_pod_table(&rows));
    if !ok {
        return Err(format!("not all {members} pods Ready on the hub").into());
    }
    Ok(rows)
}

/// Prints each pod's `wsrep%` line and the `galera health` verdict; an unhealthy cluster is a
/// failure.
fn show_health(
    wsrep: Vec<(String, Option<String>, WsrepStatus)>,
    members: u32,
) -> Result<Vec<(String, WsrepStatus)>, Stop> {
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
    let health = galera::health::assess(&wsrep, Some(u64::from(members)));
    println!("galera health: {}", health.verdict);
    if health.verdict != galera::health::Verdict::Healthy {
        for f in &health.findings {
            println!("  {f}");
        }
        return Err(format!("galera health is {}", health.verdict).into());
    }
    Ok(wsrep)
}

/// Which single-cluster losses the running layout survives, by Galera's quorum rule
/// (`2·w(alive) > w(last primary)`, nobody leaving gracefully), from the hub's pod table.
fn show_survival(rows: &[PodRow]) {
    println!("\n== survival (Galera quorum: 2 x alive votes > all votes)");
    let mut per_cluster: BTreeMap<String, u64> = BTreeMap::new();
    for r in rows {
        *per_cluster.entry(r.cluster.clone()).or_default() += 1;
    }
    let total: u64 = per_cluster.values().sum();
    for (cluster, n) in &per_cluster {
        if survives(&per_cluster, cluster) {
            println!("lose {cluster}: survives");
        } else {
            println!("lose {cluster}: loses quorum ({}/{total} votes)", total - n);
        }
    }
}

/// Whether losing `cluster` keeps a Primary component, by Galera's quorum rule over the
/// members per cluster (nobody leaving gracefully).
fn survives(members: &BTreeMap<String, u64>, cluster: &str) -> bool {
    let total: u64 = members.values().sum();
    let lost = members.get(cluster).copied().unwrap_or(0);
    have_quorum(Weight(total - lost), Weight(0), Weight(total))
}

/// The world behind the fake hub: its pods as the Galera model, or with `--lab` as real
/// servers of a lab built from the deployment's slice (clusters the day-2 plan adds join the
/// lab when their first pod arrives, see the module doc).
fn start_world(
    hub: &emulated_hub::FakeHub,
    env: &Environment,
    deployment: &deployer::Plan,
    lab: bool,
) -> Result<(World, Option<Arc<Lab>>), String> {
    if !lab {
        return Ok((World::start(hub, env, Spoke::of(env)), None));
    }
    let slice = SliceSpec::of_plan(deployment)
        .map_err(|e| e.to_string())?
        .ok_or("--lab: the plan has no SliceConfig with sliceSubnet, maxClusters and clusters")?;
    let lab = Arc::new(Lab::new(&slice, LabOptions::default()).map_err(|e| e.to_string())?);
    let world = World::start_with(hub, env, Spoke::of(env), LabPods::new(lab.clone()));
    Ok((world, Some(lab)))
}

/// Runs `work` while asking the world, every second, to report its pods again: real servers
/// finish joining on their own, after the hub change that started them.
async fn refreshing<T>(world: &World, work: impl Future<Output = T>) -> T {
    let ticker = async {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            // The world's lock may be held by a pod start (seconds): off the async workers.
            tokio::task::block_in_place(|| world.refresh());
        }
    };
    tokio::select! {
        out = work => out,
        never = ticker => never,
    }
}

/// The `lab: ` line and every running pod's `wsrep%` from its server, with its overlay
/// address (a pod scaled away keeps its data directory, not its server).
async fn lab_status(lab: &Lab) -> Result<Vec<(String, Option<String>, WsrepStatus)>, String> {
    println!("lab: {}", lab.summary().map_err(|e| e.to_string())?);
    let mut out = Vec::new();
    for p in lab.pods() {
        if !lab.is_running(&p.name).unwrap_or(false) {
            continue;
        }
        let s = lab.status_live(&p.name).await.map_err(|e| e.to_string())?;
        out.push((p.name, Some(p.address.to_string()), s));
    }
    Ok(out)
}

/// Rows written on the first pod before scaling.
const ROWS: u32 = 30;

/// Writes [`ROWS`] rows on `pod` (a table of its own, replicated by Galera) and returns how
/// many it wrote.
fn write_rows(lab: &Lab, pod: &str) -> Result<u32, String> {
    let values: Vec<String> = (1..=ROWS).map(|i| format!("({i}, 'row {i}')")).collect();
    let sql = format!(
        "CREATE DATABASE IF NOT EXISTS scale_lab; \
         CREATE TABLE scale_lab.t (id INT PRIMARY KEY, note VARCHAR(32)); \
         INSERT INTO scale_lab.t VALUES {};",
        values.join(", ")
    );
    tokio::task::block_in_place(|| lab.sql(pod, &sql)).map_err(|e| e.to_string())?;
    Ok(ROWS)
}

/// Every pod has the rows written before scaling: `rows: <n> written, <n> on every pod`.
fn check_rows(lab: &Lab, wsrep: &[(String, WsrepStatus)]) -> Result<(), String> {
    let mut short = Vec::new();
    for (pod, _) in wsrep {
        let out = tokio::task::block_in_place(|| lab.sql(pod, "SELECT COUNT(*) FROM scale_lab.t"))
            .map_err(|e| e.to_string())?;
        let n = out
            .lines()
            .nth(1)
            .and_then(|l| l.trim().parse::<u32>().ok());
        if n != Some(ROWS) {
            short.push(format!(
                "{pod} has {}",
                n.map_or("?".to_owned(), |n| n.to_string())
            ));
        }
    }
    if short.is_empty() {
        println!("rows: {ROWS} written, {ROWS} on every pod");
        Ok(())
    } else {
        println!("rows: {ROWS} written; {}", short.join(", "));
        Err(format!("rows missing: {}", short.join(", ")))
    }
}

/// How each member added by the day-2 plan (ordinal `before` and up) received its state, read
/// from its error log (`galera::transfer`).
fn state_transfers(lab: &Lab, set: &str, before: u32) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in lab.pods() {
        let ordinal = p
            .name
            .strip_prefix(set)
            .and_then(|r| r.strip_prefix('-'))
            .and_then(|o| o.parse::<u32>().ok());
        if ordinal.is_none_or(|o| o < before) {
            continue;
        }
        let log = std::fs::read_to_string(p.dir.join("error.log")).unwrap_or_default();
        let how = galera::transfer::StateTransfer::from_log(&p.name, &log)
            .map_or("no state transfer in its error log".to_owned(), |t| {
                t.to_string()
            });
        out.push((p.name.clone(), how));
    }
    out
}
