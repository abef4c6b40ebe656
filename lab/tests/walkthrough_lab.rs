//! The walkthrough's Galera cluster on real MariaDB 10.11 + Galera 4 servers in the lab: the
//! deployer's plan for `Environment::seed()` (mariadb-0 and mariadb-2 on demo-controller,
//! mariadb-1 on demo-worker), its `galera.cnf` as rendered, its slice DNS names, the slice
//! `10.1.0.0/16` with `maxClusters` 16. Needs root and
//! `mariadb-server galera-4 galera-arbitrator-4 rsync iproute2` (`lab::INSTALL`).
//!
//! Every expected value comes from the servers (their `wsrep%` status, their variables, their
//! files) or from the upstream rules written out by hand (the subnets), never from the lab's
//! own bookkeeping.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use galera::status::{ClusterStatus, WsrepStatus};
use lab::{Lab, LabOptions, SliceSpec};

mod common;
use common::{netns_list, processes_naming};

const WAIT: Duration = Duration::from_secs(60);

fn require() {
    if let Err(e) = lab::preflight() {
        panic!("the lab test cannot run: {e}");
    }
}

fn primary_of(size: u64) -> impl Fn(&WsrepStatus) -> bool {
    move |s| s.cluster_status == Some(ClusterStatus::Primary) && s.cluster_size == Some(size)
}

fn assert_nothing_left(id: &str, namespaces: &[String], dir: &Path) {
    let list = netns_list();
    assert!(!list.contains(id), "namespaces of {id} left:\n{list}");
    for ns in namespaces {
        assert!(
            !Path::new("/etc/netns").join(ns).exists(),
            "/etc/netns/{ns} left"
        );
    }
    assert!(!dir.exists(), "{} left", dir.display());
    let procs = processes_naming(id);
    assert!(procs.is_empty(), "processes of {id} left: {procs:#?}");
}

#[test]
fn walkthrough_on_real_galera_across_two_cluster_namespaces() {
    require();
    let env = deployer::Environment::seed();
    let plan = deployer::plan(&env).expect("the seed environment plans");
    let db = &env.database;
    let slice =
        SliceSpec::new("10.1.0.0/16", 16, ["demo-controller", "demo-worker"]).expect("slice");
    let built = Instant::now();
    let lab = Lab::new(&slice, LabOptions::default()).expect("lab");
    println!(
        "lab: namespaces, bridge and template data directory in {:.2?}",
        built.elapsed()
    );
    let (id, dir) = (lab.id().to_owned(), lab.dir().to_path_buf());

    // The controller's split, written out for the walkthrough (kubeslice-controller v1.9.0).
    let subnets: Vec<String> = lab
        .clusters()
        .iter()
        .map(|c| c.subnet.to_string())
        .collect();
    assert_eq!(subnets, ["10.1.0.0/20", "10.1.16.0/20"]);

    let mut cnf = std::collections::BTreeMap::new();
    for spoke in &plan.spokes {
        for g in &spoke.galera {
            let name = deployer::pod_slice_address(&db.name, &db.namespace, &g.pod);
            lab.add_pod(&g.cluster, &g.pod, &[name]).expect("add pod");
            cnf.insert(g.pod.clone(), (g.render(), g.peers.clone()));
        }
    }
    assert_eq!(cnf.len(), 3, "the seed plan has 3 pods");
    let namespaces = lab.namespaces();

    // The slice names resolve in every cluster namespace (libc's resolver, /etc/netns hosts).
    let worker_ns = &lab.cluster("demo-worker").expect("worker").namespace;
    let peer = deployer::pod_slice_address(&db.name, &db.namespace, "mariadb-2");
    let out = Command::new("ip")
        .args(["netns", "exec", worker_ns, "getent", "hosts", &peer])
        .output()
        .expect("getent");
    let resolved = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        resolved.starts_with(&lab.pod("mariadb-2").expect("pod").address.to_string()),
        "{peer} in {worker_ns}: {resolved:?}"
    );

    // Bootstrap mariadb-0, then join the others in ordinal order.
    let started = Instant::now();
    lab.start("mariadb-0", &cnf["mariadb-0"].0, true)
        .expect("bootstrap");
    lab.wait_ready("mariadb-0", WAIT).expect("mariadb-0 ready");
    println!(
        "lab: mariadb-0 bootstrapped, ready after {:.2?}",
        started.elapsed()
    );
    for pod in ["mariadb-1", "mariadb-2"] {
        lab.start(pod, &cnf[pod].0, false).expect("join");
        lab.wait_ready(pod, WAIT).expect("joined");
        println!(
            "lab: {pod} joined (SST), ready after {:.2?}",
            started.elapsed()
        );
    }
    for pod in ["mariadb-0", "mariadb-1", "mariadb-2"] {
        lab.wait_for(pod, "Primary of 3", WAIT, primary_of(3))
            .expect("size 3");
    }
    let formed = started.elapsed();
    println!("lab: first start to Primary of 3 on every pod: {formed:.2?}");

    // Every pod through galera's live adapter: Primary, 3 members, ready, the overlay
    // addresses as the members' incoming addresses; the cnf used as written.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // MariaDB 10.11 prints the port of `wsrep_incoming_addresses` as 0 when
    // `wsrep_node_incoming_address` is left at AUTO: only the addresses are compared.
    let mut addresses: Vec<String> = lab.pods().iter().map(|p| p.address.to_string()).collect();
    addresses.sort();
    for pod in ["mariadb-0", "mariadb-1", "mariadb-2"] {
        let s = rt.block_on(lab.status_live(pod)).expect("live status");
        assert_eq!(s.cluster_status, Some(ClusterStatus::Primary), "{pod}");
        assert_eq!(s.cluster_size, Some(3), "{pod}");
        assert!(lab::is_ready(&s), "{pod}: {s:?}");
        let mut incoming: Vec<String> = s
            .incoming_addresses
            .unwrap_or_default()
            .into_iter()
            .flatten()
            .map(|a| a.rsplit_once(':').map_or(a.clone(), |(h, _)| h.to_owned()))
            .collect();
        incoming.sort();
        assert_eq!(incoming, addresses, "{pod}: wsrep_incoming_addresses");
        let vars = lab
            .sql(
                pod,
                "SELECT @@wsrep_node_address, @@wsrep_cluster_address, @@wsrep_sst_method",
            )
            .expect("variables");
        let row = vars.lines().nth(1).unwrap_or_default().to_owned();
        let want = format!(
            "{}\tgcomm://{}\trsync",
            lab.pod(pod).expect("pod").address,
            cnf[pod].1.join(",")
        );
        assert_eq!(
            row, want,
            "{pod}: node address from the overlay, peers from the plan"
        );
    }

    // Lose demo-worker: its server is killed, demo-controller's two keep a Primary of 2.
    lab.kill("mariadb-1").expect("kill");
    for pod in ["mariadb-0", "mariadb-2"] {
        lab.wait_for(pod, "Primary of 2", WAIT, primary_of(2))
            .expect("size 2");
    }
    // What the crash left: grastate.dat without a seqno, the position recoverable.
    let uuid = lab
        .status("mariadb-0")
        .expect("status")
        .cluster_state_uuid
        .expect("uuid");
    let saved = lab.grastate("mariadb-1").expect("grastate.dat");
    assert_eq!(
        (saved.uuid.as_str(), saved.seqno),
        (uuid.as_str(), -1),
        "crashed grastate.dat"
    );
    let recovered = lab.wsrep_recover("mariadb-1").expect("--wsrep-recover");
    assert_eq!(recovered.uuid, uuid);
    assert!(recovered.seqno >= 0, "{recovered:?}");

    // Back, then the slice partitioned at demo-worker's gateway and healed.
    lab.start("mariadb-1", &cnf["mariadb-1"].0, false)
        .expect("rejoin");
    lab.wait_for("mariadb-1", "Primary of 3", WAIT, primary_of(3))
        .expect("rejoined");
    let cut = Instant::now();
    lab.partition("demo-worker").expect("partition");
    for pod in ["mariadb-0", "mariadb-2"] {
        lab.wait_for(pod, "Primary of 2", WAIT, primary_of(2))
            .expect("majority side");
    }
    lab.wait_for("mariadb-1", "non-Primary", WAIT, |s| {
        s.cluster_status == Some(ClusterStatus::NonPrimary)
    })
    .expect("minority side");
    println!(
        "lab: partition noticed on both sides after {:.2?}",
        cut.elapsed()
    );
    let healed = Instant::now();
    lab.heal("demo-worker").expect("heal");
    for pod in ["mariadb-0", "mariadb-1", "mariadb-2"] {
        lab.wait_for(pod, "Primary of 3", WAIT, primary_of(3))
            .expect("healed");
    }
    println!("lab: healed to Primary of 3 after {:.2?}", healed.elapsed());

    // Rows, a graceful stop of mariadb-2 (a clean grastate.dat: a seqno, not -1), more rows
    // it misses, then a full outage: the others are killed.
    lab.sql(
        "mariadb-0",
        "CREATE DATABASE lab; CREATE TABLE lab.t (id INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB",
    )
    .expect("create table");
    let pods = ["mariadb-0", "mariadb-1", "mariadb-2"];
    for k in 0..30 {
        lab.sql(pods[k % 3], "INSERT INTO lab.t VALUES ()")
            .expect("insert");
    }
    assert!(
        lab.stop("mariadb-2", WAIT).expect("stop"),
        "stopped within the grace period"
    );
    let saved = lab.grastate("mariadb-2").expect("grastate.dat");
    assert!(saved.seqno >= 0, "graceful stop saves the seqno: {saved:?}");
    for k in 0..5 {
        lab.sql(pods[k % 2], "INSERT INTO lab.t VALUES ()")
            .expect("insert");
    }
    lab.kill("mariadb-0").expect("kill");
    lab.kill("mariadb-1").expect("kill");

    // The recovery the galera crate plans from what the real nodes left, executed: read each
    // grastate.dat, --wsrep-recover where it has no seqno, bootstrap the chosen node, join the
    // others in order.
    let recovery = Instant::now();
    let mut reports = Vec::new();
    for pod in pods {
        let saved = lab.grastate(pod).expect("grastate.dat");
        let recovered = (saved.seqno < 0).then(|| lab.wsrep_recover(pod).expect("--wsrep-recover"));
        reports.push(galera::recovery::NodeReport {
            recovered,
            ..galera::recovery::NodeReport::saved(pod, saved)
        });
    }
    let plan =
        galera::recovery::plan_recovery(&reports, &Default::default()).expect("a recovery plan");
    assert_ne!(
        plan.bootstrap, "mariadb-2",
        "mariadb-2 missed the last 5 rows: {plan:?}"
    );
    lab.mark_safe_to_bootstrap(&plan.bootstrap)
        .expect("safe_to_bootstrap");
    lab.start(&plan.bootstrap, &cnf[&plan.bootstrap].0, true)
        .expect("bootstrap");
    lab.wait_ready(&plan.bootstrap, WAIT).expect("bootstrapped");
    println!(
        "lab: recovery: positions read, {} bootstrapped after {:.2?}",
        plan.bootstrap,
        recovery.elapsed()
    );
    for join in &plan.joins {
        lab.start(&join.node, &cnf[&join.node].0, false)
            .expect("join");
        lab.wait_ready(&join.node, WAIT).expect("joined");
        println!(
            "lab: recovery: {} joined ({:?}) after {:.2?}",
            join.node,
            join.transfer,
            recovery.elapsed()
        );
    }
    for pod in pods {
        lab.wait_for(pod, "Primary of 3", WAIT, primary_of(3))
            .expect("recovered");
    }
    println!(
        "lab: full outage recovered (bootstrap {}, {} joins) in {:.2?}",
        plan.bootstrap,
        plan.joins.len(),
        recovery.elapsed()
    );
    for pod in pods {
        let count = lab.sql(pod, "SELECT COUNT(*) FROM lab.t").expect("count");
        assert_eq!(count.lines().nth(1), Some("35"), "{pod}: every row kept");
    }

    assert!(
        !processes_naming(&id).is_empty(),
        "the servers' command lines name the lab"
    );
    let removed = Instant::now();
    drop(lab);
    println!("lab: removed in {:.2?}", removed.elapsed());
    assert_nothing_left(&id, &namespaces, &dir);
}

#[test]
fn two_labs_side_by_side_and_a_panic_inside_one_leave_nothing() {
    require();
    let slice =
        SliceSpec::new("10.1.0.0/16", 16, ["demo-controller", "demo-worker"]).expect("slice");
    let a = Lab::new(&slice, LabOptions::default()).expect("lab a");
    let (id, ns, dir) = (a.id().to_owned(), a.namespaces(), a.dir().to_path_buf());
    let seen = std::sync::Mutex::new(None);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let b = Lab::new(&slice, LabOptions::default()).expect("lab b");
        assert_ne!(b.id(), a.id());
        b.add_pod("demo-worker", "mariadb-1", &["w.slice.local".into()])
            .expect("pod");
        b.start(
            "mariadb-1",
            "[mysqld]\nwsrep_on=OFF\nbind-address=${POD_IP}\n",
            false,
        )
        .expect("start");
        b.wait_for("mariadb-1", "answering", WAIT, |_| true)
            .expect("answers");
        *seen.lock().expect("lock") =
            Some((b.id().to_owned(), b.namespaces(), b.dir().to_path_buf()));
        panic!("inside lab b");
    }));
    assert!(outcome.is_err(), "the closure panics");
    let (b_id, b_ns, b_dir) = seen.into_inner().expect("lock").expect("lab b ran");
    // Lab b was dropped while unwinding, its server with it; lab a is untouched.
    assert_nothing_left(&b_id, &b_ns, &b_dir);
    let list = netns_list();
    for n in &ns {
        assert!(list.contains(n.as_str()), "lab a's {n} is still there");
    }
    drop(a);
    assert_nothing_left(&id, &ns, &dir);
}

/// Run only as the child of `ctrl_c_removes_everything`: builds a lab with a running server,
/// prints its id and namespaces, and waits to be interrupted.
#[test]
#[ignore = "the child half of ctrl_c_removes_everything"]
fn child_waiting_for_ctrl_c() {
    let slice =
        SliceSpec::new("10.1.0.0/16", 2, ["demo-controller", "demo-worker"]).expect("slice");
    let lab = Lab::new(&slice, LabOptions::default()).expect("lab");
    lab.add_pod("demo-controller", "mariadb-0", &[])
        .expect("pod");
    lab.start(
        "mariadb-0",
        "[mysqld]\nwsrep_on=OFF\nbind-address=${POD_IP}\n",
        false,
    )
    .expect("start");
    lab.wait_for("mariadb-0", "answering", WAIT, |_| true)
        .expect("answers");
    println!(
        "LAB {} {} {}",
        lab.id(),
        lab.dir().display(),
        lab.namespaces().join(",")
    );
    std::thread::sleep(Duration::from_secs(120));
    panic!("no Ctrl-C came");
}

#[test]
fn ctrl_c_removes_everything() {
    use std::io::{BufRead, BufReader};
    require();
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "child_waiting_for_ctrl_c",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("child");
    let stdout = child.stdout.take().expect("stdout");
    let line = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.split_once("LAB ").map(|(_, rest)| rest.to_owned()))
        .expect("the child reports its lab");
    let mut parts = line.split_whitespace();
    let (id, dir, ns) = (
        parts.next().expect("id").to_owned(),
        std::path::PathBuf::from(parts.next().expect("dir")),
        parts
            .next()
            .expect("namespaces")
            .split(',')
            .map(str::to_owned)
            .collect::<Vec<_>>(),
    );
    assert!(netns_list().contains(&id), "the child's namespaces exist");
    assert!(!processes_naming(&id).is_empty(), "the child's server runs");
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("pid"));
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).expect("SIGINT");
    let status = child.wait().expect("child exits");
    assert_eq!(status.code(), Some(130), "the lab's handler exits with 130");
    assert_nothing_left(&id, &ns, &dir);
}

#[test]
fn a_server_that_cannot_start_is_reported_with_its_log_and_bad_placeholders_are_refused() {
    require();
    let slice =
        SliceSpec::new("10.1.0.0/16", 16, ["demo-controller", "demo-worker"]).expect("slice");
    let lab = Lab::new(&slice, LabOptions::default()).expect("lab");
    let ip = lab.add_pod("demo-worker", "mariadb-1", &[]).expect("pod");
    // The controller's second block, the router's address skipped (written out by hand).
    assert_eq!(ip.to_string(), "10.1.16.1");
    let e = lab
        .start(
            "mariadb-1",
            "[mysqld]\nwsrep_cluster_name=${CLUSTER_NAME}\n",
            false,
        )
        .unwrap_err();
    assert!(e.to_string().contains("$CLUSTER_NAME"), "{e}");
    // An option mariadbd does not know: the server exits and says why.
    lab.start("mariadb-1", "[mysqld]\nno-such-option=1\n", false)
        .expect("spawned");
    let e = lab
        .wait_for("mariadb-1", "answering", WAIT, |_| true)
        .unwrap_err();
    assert!(
        matches!(&e, lab::LabError::Exited { log, .. } if log.contains("no-such-option")),
        "{e}"
    );
    // An address outside the cluster's subnet is refused.
    let outside = "10.1.0.9".parse().expect("address");
    assert!(
        lab.add_pod_at("demo-worker", "mariadb-3", outside, &[])
            .is_err()
    );
}
