//! The model against real MariaDB 10.11 + Galera 4 nodes started here, one network namespace
//! per node on a bridge (a partition takes a node's bridge port down). Needs root and Debian's
//! `mariadb-server galera-4 galera-arbitrator-4 rsync`; `scripts/test.sh` installs them.
//!
//! Each scenario drives the model (`galera::sim`) and the real nodes with the same events,
//! waits until the real nodes agree with the prediction (or a deadline passes), and prints
//! `scenario <name>: match` or `scenario <name>: MISMATCH <node> <variable> model=<x> real=<y>`.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use galera::sim::{Cluster, Event, NodeSpec};
use galera::status::WsrepStatus;

const PROVIDER: &str = "/usr/lib/galera/libgalera_smm.so";
const EVS: &str = "evs.suspect_timeout=PT2S;evs.inactive_timeout=PT3S;evs.install_timeout=PT2S;\
evs.keepalive_period=PT0.5S;evs.inactive_check_period=PT0.5S;evs.join_retrans_period=PT0.5S;\
pc.wait_prim_timeout=PT5S";
const SETTLE: Duration = Duration::from_secs(40);

fn sh(cmd: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .map_err(|e| format!("{cmd}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{cmd} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn require_tools() {
    let missing: Vec<&str> = [
        "/usr/sbin/mariadbd",
        "/usr/bin/mariadb-install-db",
        "/usr/bin/mariadb",
        "/usr/bin/garbd",
        "/usr/bin/rsync",
        PROVIDER,
    ]
    .into_iter()
    .filter(|p| !Path::new(p).exists())
    .collect();
    assert!(
        missing.is_empty(),
        "the Galera conformance suite needs {missing:?}: install them with \
         `apt-get install -y mariadb-server galera-4 galera-arbitrator-4 rsync` \
         (scripts/test.sh does this)"
    );
}

/// Real nodes of one scenario.
struct Lab {
    tag: String,
    base: PathBuf,
    specs: Vec<NodeSpec>,
    procs: Vec<Option<Child>>,
}

impl Lab {
    fn new(tag: &str, specs: Vec<NodeSpec>, template: &Path) -> Lab {
        let base = std::env::temp_dir().join(format!("galera-conformance-{tag}"));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).expect("temp dir");
        let bridge = format!("gb{tag}");
        let _ = sh("ip", &["link", "del", &bridge]);
        sh("ip", &["link", "add", &bridge, "type", "bridge"]).expect("bridge");
        sh("ip", &["link", "set", &bridge, "up"]).expect("bridge up");
        for (i, spec) in specs.iter().enumerate() {
            let (ns, v, b) = (
                format!("g{tag}n{i}"),
                format!("gv{tag}{i}"),
                format!("gp{tag}{i}"),
            );
            let _ = sh("ip", &["netns", "del", &ns]);
            for args in [
                vec!["netns", "add", &ns],
                vec!["link", "add", &v, "type", "veth", "peer", "name", &b],
                vec!["link", "set", &v, "netns", &ns],
                vec!["link", "set", &b, "master", &bridge],
                vec!["link", "set", &b, "up"],
            ] {
                sh("ip", &args).expect("netns setup");
            }
            let ip = format!("{}/24", Self::ip(i));
            for args in [
                vec!["-n", &ns, "addr", "add", &ip, "dev", &v],
                vec!["-n", &ns, "link", "set", &v, "up"],
                vec!["-n", &ns, "link", "set", "lo", "up"],
            ] {
                sh("ip", &args).expect("netns address");
            }
            let dir = base.join(format!("n{i}"));
            if !spec.arbitrator {
                sh(
                    "cp",
                    &[
                        "-a",
                        &template.display().to_string(),
                        &dir.display().to_string(),
                    ],
                )
                .expect("copy data dir");
            } else {
                std::fs::create_dir_all(&dir).expect("garbd dir");
            }
        }
        sh("chown", &["-R", "mysql:mysql", &base.display().to_string()]).expect("chown");
        Lab {
            tag: tag.to_owned(),
            base,
            procs: specs.iter().map(|_| None).collect(),
            specs,
        }
    }

    fn ip(i: usize) -> String {
        format!("10.99.0.{}", i + 1)
    }

    fn dir(&self, i: usize) -> PathBuf {
        self.base.join(format!("n{i}"))
    }

    fn peers(&self) -> String {
        let ips: Vec<String> = (0..self.specs.len()).map(Self::ip).collect();
        format!("gcomm://{}", ips.join(","))
    }

    fn options(&self, i: usize) -> String {
        // garbd refuses gcache options: it keeps no cache.
        let cache = if self.specs[i].arbitrator {
            ""
        } else {
            ";gcache.size=32M"
        };
        format!(
            "gmcast.listen_addr=tcp://{}:4567;{EVS};pc.weight={}{cache}",
            Self::ip(i),
            self.specs[i].weight
        )
    }

    fn mariadbd_args(&self, i: usize, extra: &[String]) -> Vec<String> {
        let d = self.dir(i);
        let d = d.display();
        let mut args: Vec<String> = vec![
            "netns".into(),
            "exec".into(),
            format!("g{}n{i}", self.tag),
            "/usr/sbin/mariadbd".into(),
            "--no-defaults".into(),
            "--user=mysql".into(),
            format!("--datadir={d}/data"),
            format!("--socket={d}/sock"),
            format!("--pid-file={d}/pid"),
            format!("--log-error={d}/err.log"),
            format!("--bind-address={}", Self::ip(i)),
            "--skip-name-resolve".into(),
            "--binlog-format=ROW".into(),
            "--innodb-autoinc-lock-mode=2".into(),
            "--innodb-buffer-pool-size=32M".into(),
            "--wsrep-on=ON".into(),
            format!("--wsrep-provider={PROVIDER}"),
            "--wsrep-cluster-name=conformance".into(),
            format!("--wsrep-cluster-address={}", self.peers()),
            format!("--wsrep-node-address={}", Self::ip(i)),
            format!("--wsrep-node-name=n{i}"),
            "--wsrep-sst-method=rsync".into(),
            format!("--wsrep-provider-options={}", self.options(i)),
        ];
        args.extend(extra.iter().cloned());
        args
    }

    fn start(&mut self, i: usize, bootstrap: bool) {
        let child = if self.specs[i].arbitrator {
            let log = self.dir(i).join("garbd.log");
            Command::new("ip")
                .args([
                    "netns",
                    "exec",
                    &format!("g{}n{i}", self.tag),
                    "/usr/bin/garbd",
                ])
                .args(["--address", &self.peers(), "--group", "conformance"])
                .args(["--options", &self.options(i)])
                .args(["--log", &log.display().to_string()])
                // garbd keeps its gvwstate.dat in its working directory: the node's own.
                .current_dir(self.dir(i))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
        } else {
            let extra: Vec<String> = if bootstrap {
                vec!["--wsrep-new-cluster".into()]
            } else {
                vec![]
            };
            Command::new("ip")
                .args(self.mariadbd_args(i, &extra))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
        };
        self.procs[i] = Some(child.expect("start node"));
    }

    fn crash(&mut self, i: usize) {
        if let Some(mut c) = self.procs[i].take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn stop(&mut self, i: usize) {
        if let Some(mut c) = self.procs[i].take() {
            let _ = sh("kill", &["-TERM", &c.id().to_string()]);
            let _ = c.wait();
        }
    }

    fn link(&self, i: usize, up: bool) {
        let port = format!("gp{}{i}", self.tag);
        sh(
            "ip",
            &["link", "set", &port, if up { "up" } else { "down" }],
        )
        .expect("link");
    }

    fn sql(&self, i: usize, query: &str) -> Result<String, String> {
        let sock = self.dir(i).join("sock");
        sh(
            "mariadb",
            &[
                "--no-defaults",
                "-uroot",
                "-S",
                &sock.display().to_string(),
                "-e",
                query,
            ],
        )
    }

    fn status(&self, i: usize) -> Option<WsrepStatus> {
        let out = self.sql(i, "SHOW STATUS LIKE 'wsrep%'").ok()?;
        WsrepStatus::from_tsv(&out).ok()
    }

    /// Wait until every running data node matches the model; the differences otherwise.
    fn compare(&self, model: &Cluster, deadline: Duration) -> Vec<String> {
        let start = Instant::now();
        loop {
            let mut diff = Vec::new();
            for i in 0..self.specs.len() {
                if self.specs[i].arbitrator || !model.is_running(i) {
                    continue;
                }
                let Some(p) = model.predict(i) else { continue };
                match self.status(i) {
                    Some(real) => {
                        for (var, m, r) in p.mismatches(&real) {
                            diff.push(format!("n{i} {var} model={m} real={r}"));
                        }
                    }
                    None => diff.push(format!("n{i} status model=running real=unreachable")),
                }
            }
            if diff.is_empty() || start.elapsed() > deadline {
                return diff;
            }
            sleep(Duration::from_millis(500));
        }
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        for i in 0..self.procs.len() {
            self.crash(i);
        }
        for i in 0..self.specs.len() {
            let _ = sh("ip", &["netns", "del", &format!("g{}n{i}", self.tag)]);
        }
        let _ = sh("ip", &["link", "del", &format!("gb{}", self.tag)]);
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

/// Model and real nodes driven together.
struct Run {
    name: &'static str,
    lab: Lab,
    model: Cluster,
    diffs: Vec<String>,
    skipped: bool,
}

impl Run {
    fn new(name: &'static str, tag: &str, specs: Vec<NodeSpec>, template: &Path) -> Run {
        // CONFORMANCE_ONLY=<text> runs only the scenarios whose name contains it.
        let skipped = std::env::var("CONFORMANCE_ONLY").is_ok_and(|only| !name.contains(&only));
        Run {
            skipped,
            name,
            lab: Lab::new(tag, specs.clone(), template),
            model: Cluster::new(specs),
            diffs: Vec::new(),
        }
    }

    fn event(&mut self, e: Event) {
        if self.skipped {
            return;
        }
        match &e {
            Event::Bootstrap(i) => self.lab.start(*i, true),
            Event::Start(i) => self.lab.start(*i, false),
            Event::Crash(i) => self.lab.crash(*i),
            Event::Outage(nodes) => nodes.iter().for_each(|i| self.lab.crash(*i)),
            Event::Leave(i) => self.lab.stop(*i),
            Event::Partition(groups) => {
                // Only single-node isolation: the node's bridge port goes down.
                for g in groups {
                    if g.len() == 1 {
                        self.lab.link(*g.iter().next().expect("one"), false);
                    }
                }
            }
            Event::Heal => (0..self.lab.specs.len()).for_each(|i| self.lab.link(i, true)),
            Event::PcBootstrap(i) => {
                self.lab
                    .sql(*i, "SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'")
                    .expect("pc.bootstrap");
            }
            Event::SetWeight(i, w) => {
                self.lab
                    .sql(
                        *i,
                        &format!("SET GLOBAL wsrep_provider_options='pc.weight={w}'"),
                    )
                    .expect("pc.weight");
            }
            Event::Write(i) => {
                self.lab
                    .sql(*i, "INSERT INTO test.t VALUES ()")
                    .expect("write");
            }
        }
        self.model.step(e.clone()).expect("model event");
    }

    /// Drive an event and check every running node against the model.
    fn check(&mut self, e: Event) {
        if self.skipped {
            return;
        }
        let label = format!("{e:?}");
        self.event(e);
        for d in self.lab.compare(&self.model, SETTLE) {
            self.diffs.push(format!("after {label}: {d}"));
        }
    }

    fn finish(self, out: &mut String) -> bool {
        if self.skipped {
            return true;
        }
        match self.diffs.first() {
            None => {
                let _ = writeln!(out, "scenario {}: match", self.name);
                true
            }
            Some(_) => {
                for d in &self.diffs {
                    let (_, rest) = d.split_once(": ").unwrap_or(("", d));
                    let _ = writeln!(out, "scenario {}: MISMATCH {rest}    ({d})", self.name);
                }
                false
            }
        }
    }
}

fn template() -> PathBuf {
    let dir = std::env::temp_dir().join("galera-conformance-template");
    if !dir.join("data/mysql").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("template dir");
        sh("chown", &["mysql:mysql", &dir.display().to_string()]).expect("chown");
        sh(
            "mariadb-install-db",
            &[
                "--no-defaults",
                "--user=mysql",
                &format!("--datadir={}/data", dir.display()),
                "--auth-root-authentication-method=normal",
            ],
        )
        .expect("mariadb-install-db");
    }
    dir
}

fn nodes(weights: &[u8]) -> Vec<NodeSpec> {
    weights
        .iter()
        .map(|&weight| NodeSpec {
            weight,
            ..NodeSpec::default()
        })
        .collect()
}

fn formed(name: &'static str, specs: Vec<NodeSpec>, template: &Path) -> Run {
    let mut run = Run::new(name, "c", specs, template);
    run.check(Event::Bootstrap(0));
    for i in 1..run.lab.specs.len() {
        run.check(Event::Start(i));
    }
    run
}

#[test]
fn conformance_against_real_mariadb() {
    require_tools();
    let t = template();
    let mut out = String::new();
    let mut ok = true;
    let three = || nodes(&[1, 1, 1]);
    let isolate = |i: usize| Event::Partition(vec![BTreeSet::from([i])]);

    let r = formed("form 3 nodes", three(), &t);
    #[cfg(feature = "live")]
    if !r.skipped {
        live_matches_cli(&r.lab, &mut out);
    }
    ok &= r.finish(&mut out);

    let mut r = formed("crash 1 of 3", three(), &t);
    r.check(Event::Crash(2));
    ok &= r.finish(&mut out);

    let mut r = formed("crash 2 of 3", three(), &t);
    r.check(Event::Outage(BTreeSet::from([1, 2])));
    ok &= r.finish(&mut out);

    let mut r = formed("graceful stop of 2 of 3", three(), &t);
    r.check(Event::Leave(1));
    r.check(Event::Leave(2));
    ok &= r.finish(&mut out);

    let mut specs = nodes(&[1, 1, 1]);
    specs[2].arbitrator = true;
    let mut r = formed("2 nodes + garbd, crash one data node", specs, &t);
    r.check(Event::Crash(1));
    ok &= r.finish(&mut out);

    let mut r = formed(
        "weights 3/1/1, crash both light nodes",
        nodes(&[3, 1, 1]),
        &t,
    );
    r.check(Event::Outage(BTreeSet::from([1, 2])));
    ok &= r.finish(&mut out);
    let mut r = formed("weights 3/1/1, crash the heavy node", nodes(&[3, 1, 1]), &t);
    r.check(Event::Crash(0));
    ok &= r.finish(&mut out);

    let mut r = formed("partition 2|1 then heal", three(), &t);
    r.check(isolate(2));
    r.check(Event::Heal);
    ok &= r.finish(&mut out);

    let mut r = formed("pc.bootstrap on a non-primary survivor", three(), &t);
    r.check(Event::Outage(BTreeSet::from([1, 2])));
    r.check(Event::PcBootstrap(0));
    ok &= r.finish(&mut out);

    ok &= full_outage_recovery(&t, &mut out);

    println!("{out}");
    assert!(ok, "the model and real Galera disagree:\n{out}");
}

/// Writes, a full outage (every node killed), recovery planned by the model from the real
/// `grastate.dat` and `--wsrep-recover` output, then every row present on every node.
fn full_outage_recovery(t: &Path, out: &mut String) -> bool {
    use galera::files::{RecoveredPosition, SavedState};
    use galera::recovery::{NodeReport, RecoveryOptions, plan_recovery};

    let mut r = formed(
        "full outage after writes, planned recovery",
        nodes(&[1, 1, 1]),
        t,
    );
    if r.skipped {
        return true;
    }
    r.lab
        .sql(0, "CREATE DATABASE IF NOT EXISTS test; CREATE TABLE test.t (id INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB")
        .expect("create table");
    let rows = 30;
    for k in 0..rows {
        r.event(Event::Write(k % 3));
    }
    r.check(Event::Outage(BTreeSet::from([0, 1, 2])));
    let mut reports = Vec::new();
    for i in 0..3 {
        let dir = r.lab.dir(i);
        let grastate = dir.join("data/grastate.dat");
        let text = std::fs::read_to_string(&grastate).expect("grastate.dat");
        let saved =
            SavedState::parse(&grastate.display().to_string(), &text).expect("parse grastate.dat");
        let log = dir.join("recover.log");
        let mut args = r.lab.mariadbd_args(i, &["--wsrep-recover".to_owned()]);
        for a in args.iter_mut() {
            if a.starts_with("--log-error=") {
                *a = format!("--log-error={}", log.display());
            }
        }
        let status = Command::new("ip")
            .args(&args)
            .status()
            .expect("wsrep-recover");
        assert!(status.success(), "mariadbd --wsrep-recover on n{i} failed");
        let text = std::fs::read_to_string(&log).expect("recover.log");
        let recovered = RecoveredPosition::from_log(&log.display().to_string(), &text).ok();
        reports.push(NodeReport {
            recovered,
            ..NodeReport::saved(&i.to_string(), saved)
        });
    }
    let plan = match plan_recovery(&reports, &RecoveryOptions::default()) {
        Ok(plan) => plan,
        Err(refusal) => {
            let _ = writeln!(
                out,
                "scenario {}: MISMATCH recovery refused: {refusal}",
                r.name
            );
            return false;
        }
    };
    let b: usize = plan.bootstrap.parse().expect("ordinal name");
    let grastate = r.lab.dir(b).join("data/grastate.dat");
    let text = std::fs::read_to_string(&grastate).expect("grastate.dat");
    std::fs::write(
        &grastate,
        text.replace("safe_to_bootstrap: 0", "safe_to_bootstrap: 1"),
    )
    .expect("write grastate.dat");
    r.check(Event::Bootstrap(b));
    for j in &plan.joins {
        r.check(Event::Start(j.node.parse().expect("ordinal name")));
    }
    for i in 0..3 {
        let count = r
            .lab
            .sql(i, "SELECT COUNT(*) FROM test.t")
            .unwrap_or_default();
        let count = count.lines().nth(1).unwrap_or("-").trim().to_owned();
        if count != rows.to_string() {
            r.diffs
                .push(format!("rows: n{i} rows model={rows} real={count}"));
        }
    }
    let _ = writeln!(out, "recovery plan: bootstrap n{b} ({})", plan.reason);
    r.finish(out)
}

/// The live adapter (mysql_async rows) reads what the client's tab-separated output shows.
#[cfg(feature = "live")]
fn live_matches_cli(lab: &Lab, out: &mut String) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for i in 0..lab.specs.len() {
        let sock = lab.dir(i).join("sock").display().to_string();
        let opts = mysql_async::OptsBuilder::default()
            .socket(Some(sock))
            .user(Some("root"));
        let live = rt
            .block_on(galera::live::read_status_at(opts.into()))
            .expect("live status");
        let cli = lab.status(i).expect("client status");
        let key = |s: &WsrepStatus| {
            (
                s.cluster_status.clone(),
                s.cluster_size,
                s.cluster_state_uuid.clone(),
                s.local_state,
                s.gcomm_uuid.clone(),
            )
        };
        assert_eq!(
            key(&live),
            key(&cli),
            "n{i}: live adapter and client disagree"
        );
        assert!(live.cluster_size == Some(3) && live.provider_version.is_some());
    }
    let _ = writeln!(
        out,
        "live adapter: 3 nodes read over mysql_async agree with the client"
    );
}
