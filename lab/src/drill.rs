//! Failover drills: a deployer plan's pods as real servers of a [`Lab`] and the `galera`
//! model (`galera::sim`) driven by the same events, every pod's real `wsrep%` status compared
//! with the model's prediction after each step.
//!
//! A [`Drills`] owns the lab and the model. Each step applies one event to both, in the same
//! order, then polls the real servers until every pod the model says runs reports the
//! predicted variables ([`galera::sim::Prediction::mismatches`]: cluster status, size,
//! weight, conf id, local state, ready, connected) or the settle time passes; the result is a
//! [`DrillReport`] whose `Display` is `lab drill <name>: match` or one line per difference,
//! `lab drill <name>: MISMATCH <pod> <variable> model=<x> real=<y>`. The expected values never
//! come from the lab's bookkeeping: the model predicts, the servers answer.
//!
//! The events map to the lab as the `galera` crate's conformance suite maps them: a lost
//! cluster is [`Lab::kill`] on its pods (one outage: peers see one membership change), a
//! start is [`Lab::start`] with the plan's `galera.cnf` (KubeDB's `join-cluster.sh`), a
//! bootstrap adds `--wsrep-new-cluster` after `safe_to_bootstrap: 1`
//! (`after-crash-bootstrap.sh`), `pc.bootstrap` is the `SET GLOBAL` KubeDB's coordinator
//! would run, a write is one `INSERT`. A full outage is recovered by executing the plan
//! [`galera::recovery::plan_recovery`] makes from what the servers left on disk
//! ([`Drills::recover_outage`]).
//!
//! ```no_run
//! # fn main() -> Result<(), lab::LabError> {
//! use lab::{Drills, Lab, LabOptions, SliceSpec};
//! let plan = deployer::plan(&deployer::Environment::seed()).expect("the seed plans");
//! let slice = SliceSpec::of_plan(&plan)?.expect("the plan has a slice");
//! let mut drills = Drills::new(Lab::new(&slice, LabOptions::default())?, &plan)?;
//! println!("{}", drills.form()?);
//! println!("{}", drills.lose(&["demo-worker"])?);
//! println!("{}", drills.start(&drills.pods_of("demo-worker"), "heal demo-worker")?);
//! # Ok(()) }
//! ```

use std::collections::BTreeSet;
use std::fmt;
use std::time::{Duration, Instant};

use galera::files::RecoveredPosition;
use galera::recovery::{
    Join, NodePosition, NodeReport, RecoveryOptions, RecoveryPlan, Transfer, plan_recovery,
};
use galera::sim::{Cluster, Event, NodeSpec};
use galera::transfer::StateTransfer;

use crate::error::LabError;
use crate::lab::Lab;

/// How long a step waits for the servers to agree with the model. Failure detection with
/// [`FAST_EVS`](crate::lab::FAST_EVS) takes 2 to 3 s; a join by SST a few seconds more.
pub const SETTLE: Duration = Duration::from_secs(60);

/// The database and table the drills write to.
const TABLE: &str = "drill.t";

/// One pod of the drills: the plan's `galera.cnf` for it, as rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrillPod {
    /// The pod's name (`mariadb-<ordinal>`); its index in [`Drills::pods`] is its ordinal.
    pub name: String,
    /// Its cluster.
    pub cluster: String,
    /// Its `galera.cnf` (`deployer::GaleraConfig::render`).
    pub cnf: String,
}

/// A variable where a real server differs from the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// The pod.
    pub pod: String,
    /// The `wsrep%` variable (or `process` when the server exited or cannot be read).
    pub variable: String,
    /// The model's value.
    pub model: String,
    /// The server's value (`-` when it does not report it).
    pub real: String,
}

/// The outcome of one drill step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrillReport {
    /// The step's name (`lose demo-worker`, ...).
    pub name: String,
    /// What still differed when the settle time passed; empty when every pod matched.
    pub mismatches: Vec<Mismatch>,
    /// From the step's first event to the moment every pod matched (or the settle time).
    pub took: Duration,
}

impl DrillReport {
    /// Whether every running pod matched the model.
    pub fn matched(&self) -> bool {
        self.mismatches.is_empty()
    }
}

impl fmt::Display for DrillReport {
    /// `lab drill <name>: match`, or one `lab drill <name>: MISMATCH <pod> <variable>
    /// model=<x> real=<y>` line per difference.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mismatches.is_empty() {
            return write!(f, "lab drill {}: match", self.name);
        }
        for (i, m) in self.mismatches.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(
                f,
                "lab drill {}: MISMATCH {} {} model={} real={}",
                self.name, m.pod, m.variable, m.model, m.real
            )?;
        }
        Ok(())
    }
}

/// A full outage recovered by the `galera` crate's plan.
#[derive(Clone, Debug)]
pub struct Recovered {
    /// What `plan_recovery` chose from the servers' `grastate.dat` and `--wsrep-recover`.
    pub plan: RecoveryPlan,
    /// The comparison after the last join (with the history and each join's state transfer).
    pub report: DrillReport,
    /// How each joiner caught up, from its error log (`galera::transfer`), in join order.
    pub transfers: Vec<(String, String)>,
    /// From the first file read to every pod matching the model (a Primary component of
    /// all members).
    pub took: Duration,
}

/// Rows written by [`Drills::write_rows`] and what each pod holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowCheck {
    /// Rows written through the drills so far.
    pub written: u64,
    /// `SELECT COUNT(*)` on each running pod.
    pub on: Vec<(String, u64)>,
}

impl RowCheck {
    /// Whether every pod holds every row written.
    pub fn kept(&self) -> bool {
        !self.on.is_empty() && self.on.iter().all(|(_, n)| *n == self.written)
    }
}

impl fmt::Display for RowCheck {
    /// `rows: <n> written, <n> on every pod`, or the pods that differ.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kept() {
            return write!(
                f,
                "rows: {} written, {} on every pod",
                self.written, self.written
            );
        }
        if self.on.is_empty() {
            return write!(
                f,
                "rows: {} written, no pod runs to count them",
                self.written
            );
        }
        let short: Vec<String> = self
            .on
            .iter()
            .filter(|(_, n)| *n != self.written)
            .map(|(p, n)| format!("{p} has {n}"))
            .collect();
        write!(
            f,
            "rows: {} written, LOST: {}",
            self.written,
            short.join(", ")
        )
    }
}

/// A plan's pods in a [`Lab`] with the `galera` model beside them (see the module docs).
pub struct Drills {
    lab: Lab,
    pods: Vec<DrillPod>,
    model: Cluster,
    written: u64,
    settle: Duration,
    /// The servers' `wsrep_cluster_state_uuid` the last time every running pod matched.
    history: Option<String>,
}

impl fmt::Debug for Drills {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Drills")
            .field("lab", &self.lab)
            .field("pods", &self.pods)
            .field("written", &self.written)
            .finish_non_exhaustive()
    }
}

impl Drills {
    /// Adds every pod of the plan (its `spokes[].galera`, ordered by ordinal) to `lab` at an
    /// overlay address of its cluster, answering to its slice DNS name
    /// (`deployer::pod_slice_address`); starts nothing. The model has one default node
    /// (weight 1) per pod, as the plan's `galera.cnf` sets no `pc.weight`.
    ///
    /// # Errors
    /// [`LabError::UnknownCluster`] when a pod's cluster is not in the lab (build the lab from
    /// the same plan: `SliceSpec::of_plan`); [`LabError::State`] when the plan has no pods or
    /// its ordinals have gaps; [`LabError::Drill`] when it has no MariaDB; what
    /// [`Lab::add_pod`] returns.
    pub fn new(lab: Lab, plan: &deployer::Plan) -> Result<Drills, LabError> {
        let mut pods: Vec<(usize, DrillPod)> = Vec::new();
        for g in plan.spokes.iter().flat_map(|s| &s.galera) {
            let ordinal = plan
                .placement
                .iter()
                .find(|p| p.pod == g.pod)
                .map(|p| p.ordinal as usize)
                .ok_or_else(|| LabError::State {
                    pod: g.pod.clone(),
                    message: "the plan configures this pod but does not place it",
                })?;
            pods.push((
                ordinal,
                DrillPod {
                    name: g.pod.clone(),
                    cluster: g.cluster.clone(),
                    cnf: g.render(),
                },
            ));
        }
        pods.sort_by_key(|(o, _)| *o);
        if pods.is_empty() || pods.iter().enumerate().any(|(i, (o, _))| i != *o) {
            return Err(LabError::State {
                pod: pods
                    .first()
                    .map(|(_, p)| p.name.clone())
                    .unwrap_or_default(),
                message: "the drills need the plan's pods numbered 0, 1, 2, ... without gaps",
            });
        }
        let (db, ns) = plan
            .steps
            .iter()
            .find_map(|s| match &s.object {
                deployer::PlanObject::MariaDB(m) => Some((
                    m.metadata.name.clone().unwrap_or_default(),
                    m.metadata.namespace.clone().unwrap_or_default(),
                )),
                _ => None,
            })
            .ok_or_else(|| LabError::Drill("the plan has no MariaDB".into()))?;
        for (_, p) in &pods {
            let name = deployer::pod_slice_address(&db, &ns, &p.name);
            lab.add_pod(&p.cluster, &p.name, &[name])?;
        }
        let pods: Vec<DrillPod> = pods.into_iter().map(|(_, p)| p).collect();
        let model = Cluster::new(vec![NodeSpec::default(); pods.len()]);
        Ok(Drills {
            lab,
            pods,
            model,
            written: 0,
            settle: SETTLE,
            history: None,
        })
    }

    /// The lab the servers run in.
    pub fn lab(&self) -> &Lab {
        &self.lab
    }

    /// The pods, in ordinal order.
    pub fn pods(&self) -> &[DrillPod] {
        &self.pods
    }

    /// The pods of `cluster`, in ordinal order.
    pub fn pods_of(&self, cluster: &str) -> Vec<String> {
        self.pods
            .iter()
            .filter(|p| p.cluster == cluster)
            .map(|p| p.name.clone())
            .collect()
    }

    /// How long each step waits for agreement (default [`SETTLE`]).
    pub fn set_settle(&mut self, settle: Duration) {
        self.settle = settle;
    }

    fn index(&self, pod: &str) -> Result<usize, LabError> {
        self.pods
            .iter()
            .position(|p| p.name == pod)
            .ok_or_else(|| LabError::UnknownPod(pod.to_owned()))
    }

    /// Applies `event` to the model; an event the model refuses is a wrong drill script.
    fn model(&mut self, event: Event, pod: &str) -> Result<(), LabError> {
        self.model
            .step(event)
            .map_err(|e| LabError::Drill(format!("{pod}: the model refuses the step: {e}")))
    }

    /// Forms the cluster as KubeDB's PetSet does on first deploy: the first pod bootstraps,
    /// the others join one at a time in ordinal order. Drill name `form`.
    pub fn form(&mut self) -> Result<DrillReport, LabError> {
        let start = Instant::now();
        let mut mismatches = Vec::new();
        for i in 0..self.pods.len() {
            let p = self.pods[i].clone();
            if i == 0 {
                self.model(Event::Bootstrap(0), &p.name)?;
                self.lab.start(&p.name, &p.cnf, true)?;
            } else {
                self.model(Event::Start(i), &p.name)?;
                self.lab.start(&p.name, &p.cnf, false)?;
            }
            mismatches.extend(self.compare());
        }
        Ok(self.report("form", mismatches, start))
    }

    /// Loses `clusters` at once: every server on them is killed in one outage. Drill name
    /// `lose <cluster> + <cluster>`.
    ///
    /// # Errors
    /// [`LabError::UnknownCluster`] when a cluster runs no pod of the drills.
    pub fn lose(&mut self, clusters: &[&str]) -> Result<DrillReport, LabError> {
        let mut down = BTreeSet::new();
        for c in clusters {
            let on: Vec<usize> = (0..self.pods.len())
                .filter(|&i| self.pods[i].cluster == *c)
                .collect();
            if on.is_empty() {
                return Err(LabError::UnknownCluster((*c).to_owned()));
            }
            down.extend(on);
        }
        let start = Instant::now();
        let down: BTreeSet<usize> = down
            .into_iter()
            .filter(|&i| self.model.is_running(i))
            .collect();
        self.model(Event::Outage(down.clone()), &clusters.join(" + "))?;
        for &i in &down {
            self.lab.kill(&self.pods[i].name)?;
        }
        let mismatches = self.compare();
        Ok(self.report(&format!("lose {}", clusters.join(" + ")), mismatches, start))
    }

    /// Cuts `cluster`'s gateway from the slice ([`Lab::partition`]): its pods still reach
    /// each other, not the other clusters'. Drill name `partition <cluster>`.
    ///
    /// # Errors
    /// [`LabError::UnknownCluster`] when the cluster runs no pod of the drills.
    pub fn partition(&mut self, cluster: &str) -> Result<DrillReport, LabError> {
        let cut: BTreeSet<usize> = (0..self.pods.len())
            .filter(|&i| self.pods[i].cluster == cluster)
            .collect();
        if cut.is_empty() {
            return Err(LabError::UnknownCluster(cluster.to_owned()));
        }
        let start = Instant::now();
        self.model(Event::Partition(vec![cut]), cluster)?;
        self.lab.partition(cluster)?;
        let mismatches = self.compare();
        Ok(self.report(&format!("partition {cluster}"), mismatches, start))
    }

    /// Reconnects every gateway ([`Lab::heal_all`]). Drill name `heal the slice`.
    pub fn heal(&mut self) -> Result<DrillReport, LabError> {
        let start = Instant::now();
        self.model(Event::Heal, "the slice")?;
        self.lab.heal_all()?;
        let mismatches = self.compare();
        Ok(self.report("heal the slice", mismatches, start))
    }

    /// Starts `pods` one at a time (each joins whatever it reaches, as a restarted pod
    /// does), waiting for agreement after each. Started as KubeDB's `join-cluster.sh` starts
    /// them ([`Lab::start`], no start position): a pod that crashed rejoins by SST.
    pub fn start(&mut self, pods: &[String], name: &str) -> Result<DrillReport, LabError> {
        let start = Instant::now();
        let mut mismatches = Vec::new();
        for pod in pods {
            let i = self.index(pod)?;
            self.model(Event::Start(i), pod)?;
            let p = &self.pods[i];
            self.lab.start(&p.name, &p.cnf, false)?;
            mismatches.extend(self.compare());
        }
        Ok(self.report(name, mismatches, start))
    }

    /// `SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'` on `pod`: the planned recovery
    /// of a survivor left without a Primary component.
    pub fn pc_bootstrap(&mut self, pod: &str, name: &str) -> Result<DrillReport, LabError> {
        let i = self.index(pod)?;
        let start = Instant::now();
        self.model(Event::PcBootstrap(i), pod)?;
        self.lab
            .sql(pod, "SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'")?;
        let mismatches = self.compare();
        Ok(self.report(name, mismatches, start))
    }

    /// Writes `n` rows, one `INSERT` each, through the running pods in turn (the table is
    /// created on first use). Returns the rows written so far.
    ///
    /// # Errors
    /// [`LabError::Drill`] when no pod runs in a Primary component (the model refuses the
    /// write); what the server answers otherwise.
    pub fn write_rows(&mut self, n: u32) -> Result<u64, LabError> {
        let running: Vec<usize> = (0..self.pods.len())
            .filter(|&i| self.model.is_running(i))
            .collect();
        let Some(&first) = running.first() else {
            return Err(LabError::Drill("no pod runs: nothing to write to".into()));
        };
        if self.written == 0 {
            let name = self.pods[first].name.clone();
            self.model(Event::Write(first), &name)?;
            self.lab.sql(
                &name,
                &format!(
                    "CREATE DATABASE IF NOT EXISTS drill; CREATE TABLE IF NOT EXISTS {TABLE} (id INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB"
                ),
            )?;
        }
        for k in 0..n as usize {
            let i = running[k % running.len()];
            let name = self.pods[i].name.clone();
            self.model(Event::Write(i), &name)?;
            self.lab
                .sql(&name, &format!("INSERT INTO {TABLE} VALUES ()"))?;
            self.written += 1;
        }
        Ok(self.written)
    }

    /// Counts the rows on every running pod.
    pub fn rows(&self) -> Result<RowCheck, LabError> {
        let mut on = Vec::new();
        for (i, p) in self.pods.iter().enumerate() {
            if !self.model.is_running(i) {
                continue;
            }
            let out = self
                .lab
                .sql(&p.name, &format!("SELECT COUNT(*) FROM {TABLE}"))?;
            let n = out
                .lines()
                .nth(1)
                .and_then(|l| l.trim().parse().ok())
                .ok_or_else(|| LabError::Drill(format!("{}: COUNT(*) answered {out:?}", p.name)))?;
            on.push((p.name.clone(), n));
        }
        Ok(RowCheck {
            written: self.written,
            on,
        })
    }

    /// Recovers a full outage (no server runs) by executing the `galera` crate's plan: each
    /// pod's `grastate.dat` read, `mariadbd --wsrep-recover` run where it holds no seqno (a
    /// crash; the pods in parallel), [`plan_recovery`] with its defaults, `safe_to_bootstrap:
    /// 1` and `--wsrep-new-cluster` on the chosen pod, then the joins in the plan's order,
    /// every pod started from its position ([`Lab::start_at`]). Besides the model's
    /// variables, every pod must be back in the history the servers had before the outage
    /// (`wsrep_cluster_state_uuid`; a bootstrap from an undefined position would start a new
    /// one). Drill name `full outage`.
    ///
    /// # Errors
    /// [`LabError::State`] when a server still runs; [`LabError::Drill`] when the planner
    /// refuses (its reason); what reading the files returns.
    pub fn recover_outage(&mut self) -> Result<Recovered, LabError> {
        if let Some(p) = (0..self.pods.len()).find(|&i| self.model.is_running(i)) {
            return Err(LabError::State {
                pod: self.pods[p].name.clone(),
                message: "a full-outage recovery needs every server stopped",
            });
        }
        let start = Instant::now();
        let lab = &self.lab;
        let reports: Vec<Result<NodeReport, LabError>> = std::thread::scope(|s| {
            let handles: Vec<_> = self
                .pods
                .iter()
                .map(|p| {
                    s.spawn(move || -> Result<NodeReport, LabError> {
                        let saved = lab.grastate(&p.name)?;
                        let recovered = if saved.seqno < 0 {
                            Some(lab.wsrep_recover(&p.name)?)
                        } else {
                            None
                        };
                        Ok(NodeReport {
                            recovered,
                            ..NodeReport::saved(&p.name, saved)
                        })
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(LabError::Drill("reading a node's position panicked".into()))
                    })
                })
                .collect()
        });
        let reports = reports.into_iter().collect::<Result<Vec<_>, _>>()?;
        // Each pod starts from the position galera's rule reads from its files
        // (`NodeReport::position`), as MariaDB's own wrappers start a crashed server.
        let position = |pod: &str| match reports.iter().find(|r| r.name == pod)?.position() {
            NodePosition::Known { uuid, seqno, .. } => Some(RecoveredPosition {
                uuid,
                seqno,
                gtid: None,
            }),
            _ => None,
        };
        let plan = plan_recovery(&reports, &RecoveryOptions::default())
            .map_err(|r| LabError::Drill(format!("the recovery planner refuses: {r}")))?;
        let b = self.index(&plan.bootstrap)?;
        self.model(Event::Bootstrap(b), &plan.bootstrap)?;
        self.lab.mark_safe_to_bootstrap(&plan.bootstrap)?;
        self.lab.start_at(
            &plan.bootstrap,
            &self.pods[b].cnf,
            true,
            position(&plan.bootstrap).as_ref(),
        )?;
        let before = self.history.clone();
        let mut mismatches = self.compare();
        let mut logs = Vec::new();
        for join in &plan.joins {
            let i = self.index(&join.node)?;
            self.model(Event::Start(i), &join.node)?;
            let log = self.lab.pod(&join.node)?.dir.join("error.log");
            let seen = std::fs::metadata(&log).map_or(0, |m| m.len());
            logs.push((join, log, seen));
            self.lab.start_at(
                &join.node,
                &self.pods[i].cnf,
                false,
                position(&join.node).as_ref(),
            )?;
            mismatches.extend(self.compare());
        }
        mismatches.extend(self.same_history(before.as_deref()));
        let mut transfers = Vec::new();
        for (join, log, seen) in logs {
            let (shown, mismatch) = transfer_mismatch(join, &log, seen);
            transfers.push((join.node.clone(), shown));
            mismatches.extend(mismatch);
        }
        let report = self.report("full outage", mismatches, start);
        Ok(Recovered {
            transfers,
            plan,
            took: start.elapsed(),
            report,
        })
    }

    fn report(&self, name: &str, mismatches: Vec<Mismatch>, start: Instant) -> DrillReport {
        DrillReport {
            name: name.to_owned(),
            mismatches,
            took: start.elapsed(),
        }
    }

    /// Polls every pod until each the model says runs reports the predicted variables and
    /// each it says is down has no server, or the settle time passes; what still differs
    /// then. A server that exited is reported at once. When all agree, the servers' history
    /// (`wsrep_cluster_state_uuid`) is remembered for [`Drills::recover_outage`].
    fn compare(&mut self) -> Vec<Mismatch> {
        let start = Instant::now();
        loop {
            let mut diff = Vec::new();
            let mut history = None;
            for (i, p) in self.pods.iter().enumerate() {
                let running = self.lab.is_running(&p.name).unwrap_or(false);
                let Some(predicted) = self.model.predict(i) else {
                    if running {
                        diff.push(Mismatch {
                            pod: p.name.clone(),
                            variable: "process".into(),
                            model: "down".into(),
                            real: "running".into(),
                        });
                    }
                    continue;
                };
                if !running {
                    return vec![Mismatch {
                        pod: p.name.clone(),
                        variable: "process".into(),
                        model: "running".into(),
                        real: "exited".into(),
                    }];
                }
                match self.lab.status(&p.name) {
                    Ok(real) => {
                        history = history.or(real.cluster_state_uuid.clone());
                        diff.extend(predicted.mismatches(&real).into_iter().map(
                            |(variable, model, real)| Mismatch {
                                pod: p.name.clone(),
                                variable: variable.to_owned(),
                                model,
                                real,
                            },
                        ));
                    }
                    Err(_) => diff.push(Mismatch {
                        pod: p.name.clone(),
                        variable: "process".into(),
                        model: "answering".into(),
                        real: "unreachable".into(),
                    }),
                }
            }
            if diff.is_empty() {
                if history.is_some() {
                    self.history = history;
                }
                return diff;
            }
            if start.elapsed() >= self.settle {
                return diff;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Every running pod's history against the one the servers had before the outage.
    fn same_history(&self, before: Option<&str>) -> Vec<Mismatch> {
        let Some(before) = before else {
            return vec![Mismatch {
                pod: "-".into(),
                variable: "wsrep_cluster_state_uuid".into(),
                model: "the history before the outage".into(),
                real: "never read: no step matched before the outage".into(),
            }];
        };
        let mut diff = Vec::new();
        for (i, p) in self.pods.iter().enumerate() {
            if !self.model.is_running(i) {
                continue;
            }
            let real = self
                .lab
                .status(&p.name)
                .ok()
                .and_then(|s| s.cluster_state_uuid)
                .unwrap_or_else(|| "-".into());
            if real != before {
                diff.push(Mismatch {
                    pod: p.name.clone(),
                    variable: "wsrep_cluster_state_uuid".into(),
                    model: before.to_owned(),
                    real,
                });
            }
        }
        diff
    }
}

/// How the joiner caught up, read from what its error log gained since it was started
/// (`galera::transfer::StateTransfer`), against the plan's transfer: a planned IST may also
/// be no transfer at all (nothing was missed); a planned SST must be one.
fn transfer_mismatch(join: &Join, log: &std::path::Path, seen: u64) -> (String, Option<Mismatch>) {
    let text = std::fs::read(log).unwrap_or_default();
    let start = usize::try_from(seen).unwrap_or(0).min(text.len());
    let text = String::from_utf8_lossy(&text[start..]);
    let real = StateTransfer::from_log(&join.node, &text);
    let (kind, shown) = match &real {
        Some(t) if t.sst.is_some() => ("SST", t.to_string()),
        Some(t) if t.ist.is_some() => ("IST", t.to_string()),
        _ => ("none", "no state received".to_owned()),
    };
    let planned = match join.transfer {
        Transfer::Ist => "IST",
        Transfer::Sst => "SST",
    };
    let agrees = kind == planned || (planned == "IST" && kind == "none");
    let mismatch = (!agrees).then(|| Mismatch {
        pod: join.node.clone(),
        variable: "state transfer".into(),
        model: planned.into(),
        real: shown.replace(' ', "_"),
    });
    (shown, mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_prints_match_or_one_line_per_difference() {
        let mut r = DrillReport {
            name: "lose demo-worker".into(),
            mismatches: Vec::new(),
            took: Duration::from_secs(3),
        };
        assert_eq!(r.to_string(), "lab drill lose demo-worker: match");
        r.mismatches = vec![
            Mismatch {
                pod: "mariadb-0".into(),
                variable: "wsrep_cluster_size".into(),
                model: "2".into(),
                real: "3".into(),
            },
            Mismatch {
                pod: "mariadb-2".into(),
                variable: "wsrep_ready".into(),
                model: "ON".into(),
                real: "-".into(),
            },
        ];
        assert!(!r.matched());
        assert_eq!(
            r.to_string(),
            "lab drill lose demo-worker: MISMATCH mariadb-0 wsrep_cluster_size model=2 real=3\n\
             lab drill lose demo-worker: MISMATCH mariadb-2 wsrep_ready model=ON real=-"
        );
    }

    #[test]
    fn rows_are_kept_only_when_every_pod_has_every_row() {
        let mut c = RowCheck {
            written: 30,
            on: vec![("mariadb-0".into(), 30), ("mariadb-1".into(), 30)],
        };
        assert!(c.kept());
        assert_eq!(c.to_string(), "rows: 30 written, 30 on every pod");
        c.on[1].1 = 20;
        assert!(!c.kept());
        assert_eq!(c.to_string(), "rows: 30 written, LOST: mariadb-1 has 20");
    }
}
