//! The servers' side of [`Lab`]: the template data directory, each pod's `mariadbd` command
//! line, start (also from a recovered position), stop and kill, SQL and `wsrep%` status over
//! the pod's socket, waiting for a status, the node files and `--wsrep-recover`. The crate's
//! "Servers" section tells how a pod's server differs from one in Kubernetes.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use galera::files::{RecoveredPosition, SavedState};
use galera::status::{LocalState, WsrepStatus};

use crate::cnf::fill_placeholders;
use crate::error::LabError;
use crate::lab::{FAST_EVS, Lab, PodInfo};
use crate::sys::{self, MARIADBD};

/// The database user the servers run as.
const SERVER_USER: &str = "mysql";

impl Lab {
    /// The template data directory every pod's first start copies (`<lab>/template/data`).
    pub(crate) fn make_template(&self) -> Result<(), LabError> {
        let o = &self.inner.options;
        sys::make_template(&self.template(), &o.root_password, o.small)
    }

    fn template(&self) -> PathBuf {
        self.inner.base.join("template")
    }

    /// The `mariadbd` command line of a pod (after `ip netns exec <namespace>`), with `extra`
    /// appended.
    fn server_args(&self, info: &PodInfo, extra: &[&str]) -> Vec<String> {
        let o = &self.inner.options;
        let d = &info.dir;
        let mut provider = format!("gmcast.listen_addr=tcp://{}:4567", info.address);
        if o.fast_failure_detection {
            provider.push(';');
            provider.push_str(FAST_EVS);
        }
        let mut args = vec![
            MARIADBD.to_owned(),
            format!("--defaults-file={}", d.join("galera.cnf").display()),
            format!("--user={SERVER_USER}"),
            format!("--datadir={}", d.join("data").display()),
            format!("--socket={}", info.socket().display()),
            format!("--pid-file={}", d.join("mariadbd.pid").display()),
            format!("--log-error={}", d.join("error.log").display()),
            format!("--tmpdir={}", d.join("tmp").display()),
            format!("--bind-address={}", info.address),
            format!("--wsrep-node-name={}", info.name),
        ];
        if o.small {
            provider.push_str(";gcache.size=32M");
            args.push("--innodb-buffer-pool-size=32M".into());
            args.push("--innodb-log-file-size=8M".into());
        }
        args.push(format!("--wsrep-provider-options={provider}"));
        args.extend(o.extra_args.iter().cloned());
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        args
    }

    /// Starts the pod's server with `galera_cnf` (the deployer's `GaleraConfig::render`),
    /// placeholders filled ([`fill_placeholders`]: `POD_IP` = the overlay address,
    /// `MYSQL_ROOT_USERNAME` = `root`, `MYSQL_ROOT_PASSWORD`). `bootstrap` adds
    /// `--wsrep-new-cluster`, as KubeDB's `bootstrap-new-cluster.sh` does; otherwise the server
    /// joins its peers (`join-cluster.sh`). The first start copies the template data
    /// directory; later starts keep the data (the pod's volume). Returns at once: wait with
    /// [`Lab::wait_ready`] or [`Lab::wait_for`].
    pub fn start(&self, pod: &str, galera_cnf: &str, bootstrap: bool) -> Result<(), LabError> {
        self.start_at(pod, galera_cnf, bootstrap, None)
    }

    /// [`Lab::start`] from a known position: `--wsrep-start-position=<uuid>:<seqno>`, the
    /// position `mariadbd --wsrep-recover` found ([`Lab::wsrep_recover`]). A server that
    /// crashed leaves `seqno: -1` in its `grastate.dat` and, started without it, begins from
    /// an undefined position: bootstrapped, it starts a new history (`Starting new group from
    /// scratch`) and its Galera cache is reset; joining, it needs a full SST. With the position
    /// it keeps the history, recovers its cache (`gcache.recover`, default `yes` in
    /// `codership/galera@release_26.4.18:gcache/src/gcache_params.cpp`) and joins by IST. This
    /// is what MariaDB's own start wrappers do after a crash (`mysqld_safe` and the systemd
    /// unit's `galera_recovery` run `--wsrep-recover` and pass the position); KubeDB's
    /// `after-crash-bootstrap.sh` and `join-cluster.sh`
    /// (`kubedb/mariadb-init-docker@0.8.0:scripts/`) start the official image's entrypoint
    /// without one, which is [`Lab::start`].
    pub fn start_at(
        &self,
        pod: &str,
        galera_cnf: &str,
        bootstrap: bool,
        position: Option<&RecoveredPosition>,
    ) -> Result<(), LabError> {
        let info = self.pod(pod)?;
        if self.is_running(pod)? {
            return Err(LabError::State {
                pod: pod.to_owned(),
                message: "the server is already running: kill or stop it first",
            });
        }
        let ip = info.address.to_string();
        let cnf = fill_placeholders(
            pod,
            galera_cnf,
            &[
                ("POD_IP", &ip),
                ("MYSQL_ROOT_USERNAME", "root"),
                ("MYSQL_ROOT_PASSWORD", &self.inner.options.root_password),
            ],
        )?;
        let file = info.dir.join("galera.cnf");
        std::fs::write(&file, cnf).map_err(LabError::io(&file))?;
        if !info.data_dir().exists() {
            sys::copy_dir(&self.template().join("data"), &info.data_dir())?;
        }
        let _ = std::fs::remove_file(info.socket());
        let ns = self.cluster(&info.cluster)?.namespace.clone();
        let mut extra: Vec<String> = Vec::new();
        if bootstrap {
            extra.push("--wsrep-new-cluster".into());
        }
        if let Some(p) = position {
            extra.push(format!("--wsrep-start-position={}:{}", p.uuid, p.seqno));
        }
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        if sys::interrupted() {
            return Err(LabError::Interrupted);
        }
        let mut child = sys::spawn_in(&ns, &self.server_args(&info, &extra))?;
        if sys::interrupted() {
            // The handler may have swept the processes before this one started.
            sys::kill_group(&mut child);
            return Err(LabError::Interrupted);
        }
        if let Some(p) = self.state().pods.get_mut(pod) {
            p.child = Some(child);
        }
        Ok(())
    }

    /// Whether the pod's server process is running (a process that exited is reaped).
    pub fn is_running(&self, pod: &str) -> Result<bool, LabError> {
        let mut st = self.state();
        let p = st
            .pods
            .get_mut(pod)
            .ok_or_else(|| LabError::UnknownPod(pod.to_owned()))?;
        Ok(match p.child.as_mut() {
            Some(c) => match c.try_wait() {
                Ok(None) => true,
                _ => {
                    p.child = None;
                    false
                }
            },
            None => false,
        })
    }

    /// Kills the pod's server and everything it started (SIGKILL to its process group): a
    /// crash. Nothing happens when it is not running.
    pub fn kill(&self, pod: &str) -> Result<(), LabError> {
        let child = self.take_child(pod)?;
        if let Some(mut c) = child {
            sys::kill_group(&mut c);
        }
        Ok(())
    }

    /// Stops the pod's server gracefully (SIGTERM, as the kubelet does), waiting up to
    /// `grace`, then kills it. Returns `true` when it stopped within the grace period.
    pub fn stop(&self, pod: &str, grace: Duration) -> Result<bool, LabError> {
        let Some(mut c) = self.take_child(pod)? else {
            return Ok(true);
        };
        sys::terminate(&c);
        let start = Instant::now();
        while start.elapsed() < grace {
            if let Ok(Some(_)) = c.try_wait() {
                return Ok(true);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        sys::kill_group(&mut c);
        Ok(false)
    }

    fn take_child(&self, pod: &str) -> Result<Option<Child>, LabError> {
        let mut st = self.state();
        let p = st
            .pods
            .get_mut(pod)
            .ok_or_else(|| LabError::UnknownPod(pod.to_owned()))?;
        Ok(p.child.take())
    }

    /// Runs SQL as root over the pod's socket with the `mariadb` client (tab-separated output
    /// with a header line).
    pub fn sql(&self, pod: &str, query: &str) -> Result<String, LabError> {
        let info = self.pod(pod)?;
        let sock = info.socket().display().to_string();
        let out = Command::new("/usr/bin/mariadb")
            .args(["--no-defaults", "-uroot", "-S", &sock, "-e", query])
            .env("MYSQL_PWD", &self.inner.options.root_password)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| LabError::Command {
                command: "mariadb".into(),
                detail: e.to_string(),
            })?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(LabError::Command {
                command: format!("mariadb -S {sock} -e {query:?}"),
                detail: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            })
        }
    }

    /// `SHOW STATUS LIKE 'wsrep%'` of the pod, read with the `mariadb` client over its socket.
    pub fn status(&self, pod: &str) -> Result<WsrepStatus, LabError> {
        let out = self.sql(pod, "SHOW STATUS LIKE 'wsrep%'")?;
        WsrepStatus::from_tsv(&out).map_err(|e| LabError::Status {
            pod: pod.to_owned(),
            source: Box::new(e),
        })
    }

    /// `SHOW STATUS LIKE 'wsrep%'` of the pod read with `galera::live` (mysql_async) over its
    /// socket: the code that reads a real pod. Needs a Tokio runtime.
    pub async fn status_live(&self, pod: &str) -> Result<WsrepStatus, LabError> {
        let info = self.pod(pod)?;
        let opts = mysql_async::OptsBuilder::default()
            .socket(Some(info.socket().display().to_string()))
            .user(Some("root"))
            .pass(Some(self.inner.options.root_password.clone()));
        galera::live::read_status_at(opts.into())
            .await
            .map_err(|e| LabError::Status {
                pod: pod.to_owned(),
                source: Box::new(e),
            })
    }

    /// Polls the pod's status every 200 ms until `done` holds or `timeout` passes; stops
    /// early with [`LabError::Exited`] (the end of its `error.log`) when the server exits.
    pub fn wait_for(
        &self,
        pod: &str,
        what: &str,
        timeout: Duration,
        done: impl Fn(&WsrepStatus) -> bool,
    ) -> Result<WsrepStatus, LabError> {
        let start = Instant::now();
        loop {
            let last = match self.status(pod) {
                Ok(s) if done(&s) => return Ok(s),
                Ok(s) => format!(
                    "{} size {} {}",
                    s.cluster_status.map(|c| c.to_string()).unwrap_or_default(),
                    s.cluster_size.unwrap_or(0),
                    s.local_state_comment.unwrap_or_default()
                ),
                Err(e) => e.to_string(),
            };
            if !self.is_running(pod)? {
                let file = self.pod(pod)?.dir.join("error.log");
                let text = std::fs::read_to_string(&file).unwrap_or_default();
                let lines: Vec<&str> = text.lines().collect();
                return Err(LabError::Exited {
                    pod: pod.to_owned(),
                    log: lines[lines.len().saturating_sub(8)..].join("\n"),
                });
            }
            if start.elapsed() >= timeout {
                return Err(LabError::Timeout {
                    pod: pod.to_owned(),
                    what: what.to_owned(),
                    waited: timeout,
                    last,
                });
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Waits until the pod is ready ([`is_ready`]).
    pub fn wait_ready(&self, pod: &str, timeout: Duration) -> Result<WsrepStatus, LabError> {
        self.wait_for(pod, "ready (wsrep_ready=ON, Synced)", timeout, is_ready)
    }

    /// The pod's `grastate.dat`.
    pub fn grastate(&self, pod: &str) -> Result<SavedState, LabError> {
        let file = self.pod(pod)?.data_dir().join("grastate.dat");
        let text = std::fs::read_to_string(&file).map_err(LabError::io(&file))?;
        SavedState::parse(&file.display().to_string(), &text).map_err(|source| LabError::NodeFile {
            pod: pod.to_owned(),
            source,
        })
    }

    /// Sets `safe_to_bootstrap: 1` in the pod's `grastate.dat`, as KubeDB's
    /// `after-crash-bootstrap.sh` does before bootstrapping the chosen node
    /// (`kubedb/mariadb-init-docker@0.8.0:scripts/after-crash-bootstrap.sh`).
    pub fn mark_safe_to_bootstrap(&self, pod: &str) -> Result<(), LabError> {
        let file = self.pod(pod)?.data_dir().join("grastate.dat");
        let text = std::fs::read_to_string(&file).map_err(LabError::io(&file))?;
        let text = text.replace("safe_to_bootstrap: 0", "safe_to_bootstrap: 1");
        std::fs::write(&file, text).map_err(LabError::io(&file))
    }

    /// Runs `mariadbd --wsrep-recover` on the stopped pod's data (in its namespace, with its
    /// `galera.cnf` of the last start) and parses the position it logs
    /// (`galera::files::RecoveredPosition::from_log`).
    pub fn wsrep_recover(&self, pod: &str) -> Result<RecoveredPosition, LabError> {
        let info = self.pod(pod)?;
        if self.is_running(pod)? {
            return Err(LabError::State {
                pod: pod.to_owned(),
                message: "--wsrep-recover needs the server stopped: kill or stop it first",
            });
        }
        let log = info.dir.join("recover.log");
        let _ = std::fs::remove_file(&log);
        let log_arg = format!("--log-error={}", log.display());
        let mut args = self.server_args(&info, &["--wsrep-recover"]);
        for a in args.iter_mut().filter(|a| a.starts_with("--log-error=")) {
            a.clone_from(&log_arg);
        }
        let ns = self.cluster(&info.cluster)?.namespace.clone();
        let mut child = sys::spawn_in(&ns, &args)?;
        let status = child.wait().map_err(|e| LabError::Command {
            command: "mariadbd --wsrep-recover".into(),
            detail: e.to_string(),
        })?;
        let text = std::fs::read_to_string(&log).map_err(LabError::io(&log))?;
        if !status.success() {
            return Err(LabError::Command {
                command: format!("mariadbd --wsrep-recover ({pod})"),
                detail: format!("exit {status}; {}", text.lines().last().unwrap_or("")),
            });
        }
        RecoveredPosition::from_log(&log.display().to_string(), &text).map_err(|source| {
            LabError::NodeFile {
                pod: pod.to_owned(),
                source,
            }
        })
    }

    /// One line saying what runs: how many `mariadbd` run, their version
    /// ([`Lab::server_version`]), the namespaces (the clusters' and the slice's) and each
    /// cluster's overlay subnet; what the lab examples print after `lab: `.
    pub fn summary(&self) -> Result<String, LabError> {
        let running = self
            .pods()
            .iter()
            .filter(|p| self.is_running(&p.name).unwrap_or(false))
            .count();
        let version = Lab::server_version()?;
        let clusters = self.clusters();
        let subnets: Vec<String> = clusters
            .iter()
            .map(|c| format!("{} {}", c.name, c.subnet))
            .collect();
        Ok(format!(
            "{running} mariadbd running ({version}) in {} network namespaces ({} clusters and the slice's); overlay subnets: {}",
            self.namespaces().len(),
            clusters.len(),
            subnets.join(", ")
        ))
    }

    /// The server's version line (`mariadbd --version`).
    pub fn server_version() -> Result<String, LabError> {
        sys::run(MARIADBD, &["--version"]).map(|s| s.trim().to_owned())
    }
}

/// Ready as the lab reports it to the pod table: `wsrep_ready=ON` and `Synced`.
pub fn is_ready(s: &WsrepStatus) -> bool {
    s.ready == Some(true) && s.local_state == Some(LocalState::Synced)
}
