//! Commands, processes, run-unique names and the removal of what labs made: the files the lab
//! runs and the check that they are there ([`preflight`]), and the registry of open labs that
//! Ctrl-C, SIGTERM and SIGHUP clean up. It knows a lab only as [`Registered`], so it needs
//! nothing of the modules that use it.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, Once, Weak};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

use crate::error::LabError;

/// Debian's Galera 4 provider, the path the deployer's `galera.cnf` names.
pub const PROVIDER: &str = "/usr/lib/galera/libgalera_smm.so";
/// The server.
pub const MARIADBD: &str = "/usr/sbin/mariadbd";

/// What every lab name starts with.
const PREFIX: &str = "dglab-";

/// Files the lab runs, by package: `mariadb-server` (server, client, install-db,
/// `wsrep_sst_rsync`), `galera-4` (the provider), `rsync` (the SST method the deployer
/// writes), `iproute2` (`ip`). `galera-arbitrator-4` (`garbd`) is in the install command for
/// arbitrator layouts.
const NEEDED: [&str; 7] = [
    "/usr/sbin/ip",
    MARIADBD,
    "/usr/bin/mariadb",
    "/usr/bin/mariadb-install-db",
    "/usr/bin/wsrep_sst_rsync",
    "/usr/bin/rsync",
    PROVIDER,
];

/// Checks what the lab needs before it changes anything: the programs of
/// `mariadb-server galera-4 rsync iproute2` ([`LabError::Missing`] names each missing path and
/// the install command, [`crate::error::INSTALL`]), then root ([`LabError::NotRoot`]).
///
/// ```no_run
/// if let Err(e) = lab::preflight() {
///     eprintln!("{e}");
///     std::process::exit(2);
/// }
/// ```
pub fn preflight() -> Result<(), LabError> {
    check(&NEEDED, nix::unistd::geteuid().is_root())
}

fn check(needed: &[&str], root: bool) -> Result<(), LabError> {
    let missing: Vec<String> = needed
        .iter()
        .filter(|p| !Path::new(p).exists())
        .map(|p| (*p).to_owned())
        .collect();
    if !missing.is_empty() {
        return Err(LabError::Missing { missing, root });
    }
    if !root {
        return Err(LabError::NotRoot);
    }
    Ok(())
}

pub(crate) fn run(cmd: &str, args: &[&str]) -> Result<String, LabError> {
    let out = Command::new(cmd)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| LabError::Command {
            command: cmd.to_owned(),
            detail: e.to_string(),
        })?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(LabError::Command {
            command: format!("{cmd} {}", args.join(" ")),
            detail: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        })
    }
}

pub(crate) fn ip(args: &[&str]) -> Result<String, LabError> {
    run("/usr/sbin/ip", args)
}

/// `/etc/netns/<ns>`: `ip netns exec` mounts its files over `/etc`.
pub(crate) fn netns_etc(ns: &str) -> PathBuf {
    Path::new("/etc/netns").join(ns)
}

/// Starts `args` in namespace `ns` in a process group of its own (so a terminal's Ctrl-C
/// reaches only this process, whose handler then removes everything in order). `ip netns
/// exec` replaces itself with the program: the child's pid is the server's.
pub(crate) fn spawn_in(ns: &str, args: &[String]) -> Result<Child, LabError> {
    Command::new("/usr/sbin/ip")
        .args(["netns", "exec", ns])
        .args(args)
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| LabError::Command {
            command: format!("ip netns exec {ns} {}", args.join(" ")),
            detail: e.to_string(),
        })
}

/// SIGKILL to the child's process group (the server and the SST scripts it started), then
/// reaps it.
pub(crate) fn kill_group(child: &mut Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// SIGTERM to the server.
pub(crate) fn terminate(child: &Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
    }
}

/// SIGKILL to every process in namespace `ns` until none is left (2 s at most).
pub(crate) fn kill_namespace(ns: &str) {
    let start = Instant::now();
    loop {
        let pids: Vec<i32> = ip(&["netns", "pids", ns])
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|p| p.parse().ok())
            .collect();
        if pids.is_empty() || start.elapsed() > Duration::from_secs(2) {
            return;
        }
        for p in pids {
            let _ = kill(Pid::from_raw(p), Signal::SIGKILL);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub(crate) fn chown_mysql(path: &Path) -> Result<(), LabError> {
    run("chown", &["-R", "mysql:mysql", &path.display().to_string()]).map(drop)
}

pub(crate) fn copy_dir(from: &Path, to: &Path) -> Result<(), LabError> {
    run(
        "cp",
        &["-a", &from.display().to_string(), &to.display().to_string()],
    )
    .map(drop)
}

fn sql_string(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
}

/// `<dir>/data`: `mariadb-install-db`, then a `--bootstrap` run that leaves root only as
/// `root@localhost` and `root@'%'` with `root_password` (as the official image's entrypoint
/// does with `MARIADB_ROOT_HOST` left at `%`); `small` with an 8 MiB redo log
/// (`LabOptions::small`).
pub(crate) fn make_template(dir: &Path, root_password: &str, small: bool) -> Result<(), LabError> {
    std::fs::create_dir_all(dir).map_err(LabError::io(dir))?;
    chown_mysql(dir)?;
    let data = format!("--datadir={}", dir.join("data").display());
    // A directory of its own for temporary tables: a server starting removes every `#sql*`
    // file in its tmpdir, so labs running side by side must not share /tmp.
    let tmp = own_tmpdir(dir)?;
    let small: &[&str] = if small {
        &["--innodb-log-file-size=8M"]
    } else {
        &[]
    };
    let mut install = vec![
        "--no-defaults",
        "--user=mysql",
        data.as_str(),
        tmp.as_str(),
        "--auth-root-authentication-method=normal",
        "--skip-test-db",
    ];
    install.extend_from_slice(small);
    run("/usr/bin/mariadb-install-db", &install)?;
    let pw = sql_string(root_password);
    let sql = format!(
        "FLUSH PRIVILEGES;\n\
         DELETE FROM mysql.global_priv WHERE User='root' AND Host<>'localhost';\n\
         FLUSH PRIVILEGES;\n\
         ALTER USER 'root'@'localhost' IDENTIFIED BY {pw};\n\
         CREATE USER 'root'@'%' IDENTIFIED BY {pw};\n\
         GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;\n"
    );
    let log = format!("--log-error={}", dir.join("bootstrap.log").display());
    let mut args = vec![
        "--no-defaults",
        "--bootstrap",
        "--user=mysql",
        &data,
        &tmp,
        &log,
    ];
    args.extend_from_slice(small);
    let mut child = Command::new(MARIADBD)
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| LabError::Command {
            command: format!("{MARIADBD} --bootstrap"),
            detail: e.to_string(),
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        stdin
            .write_all(sql.as_bytes())
            .map_err(LabError::io("mariadbd --bootstrap stdin"))?;
    }
    let status = child.wait().map_err(LabError::io(MARIADBD))?;
    if !status.success() {
        let text = std::fs::read_to_string(dir.join("bootstrap.log")).unwrap_or_default();
        return Err(LabError::Command {
            command: format!("{MARIADBD} --bootstrap (root password)"),
            detail: text.lines().rev().take(3).collect::<Vec<_>>().join(" / "),
        });
    }
    Ok(())
}

/// `--tmpdir=<dir>/tmp`, made and given to mysql.
pub(crate) fn own_tmpdir(dir: &Path) -> Result<String, LabError> {
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).map_err(LabError::io(&tmp))?;
    chown_mysql(&tmp)?;
    Ok(format!("--tmpdir={}", tmp.display()))
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// `dglab-<pid>-<n>`: unique among live processes, and among the labs of one.
pub(crate) fn next_id() -> String {
    format!(
        "{PREFIX}{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// An open lab as the registry knows it: its id and the removal of what it made.
pub(crate) trait Registered: Send + Sync {
    /// The lab's run-unique id ([`next_id`]).
    fn id(&self) -> &str;
    /// Removes what the lab made; safe to call twice.
    fn cleanup(&self);
}

static REGISTRY: Mutex<Vec<Weak<dyn Registered>>> = Mutex::new(Vec::new());
static HANDLER: Once = Once::new();
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Whether the lab's Ctrl-C/SIGTERM/SIGHUP handler has run (it is removing every lab and
/// exits the process with status 130): a program whose lab calls fail from then on should
/// stop quietly instead of reporting those failures.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

pub(crate) fn register(lab: Weak<dyn Registered>) {
    HANDLER.call_once(|| {
        // Fails when the program has its own handler: it then calls cleanup_all itself.
        let _ = ctrlc::set_handler(|| {
            INTERRUPTED.store(true, Ordering::SeqCst);
            cleanup_all();
            std::process::exit(130);
        });
    });
    let mut r = REGISTRY.lock().unwrap_or_else(|p| p.into_inner());
    r.retain(|w| w.strong_count() > 0);
    r.push(lab);
}

pub(crate) fn unregister(id: &str) {
    let mut r = REGISTRY.lock().unwrap_or_else(|p| p.into_inner());
    r.retain(|w| w.upgrade().is_some_and(|i| i.id() != id));
}

/// Removes what every open lab of this process made (processes, namespaces, links,
/// `/etc/netns` entries, directories): what the lab's own Ctrl-C/SIGTERM/SIGHUP handler
/// runs, for programs that install a handler of their own. The labs stay usable only for
/// dropping.
pub fn cleanup_all() {
    let labs: Vec<std::sync::Arc<dyn Registered>> = REGISTRY
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .filter_map(Weak::upgrade)
        .collect();
    for lab in labs {
        lab.cleanup();
    }
}

/// Removes namespaces, `/etc/netns` entries and temporary directories of labs whose process
/// is gone (a run killed with SIGKILL).
pub(crate) fn sweep_stale() {
    let Ok(list) = ip(&["netns", "list"]) else {
        return;
    };
    for line in list.lines() {
        let Some(ns) = line.split_whitespace().next() else {
            continue;
        };
        let Some(rest) = ns.strip_prefix(PREFIX) else {
            continue;
        };
        let Some(pid) = rest.split('-').next() else {
            continue;
        };
        if pid.parse::<u32>().is_err() || Path::new("/proc").join(pid).exists() {
            continue;
        }
        kill_namespace(ns);
        let _ = ip(&["netns", "del", ns]);
        let _ = std::fs::remove_dir_all(netns_etc(ns));
        let id = ns
            .strip_suffix("-slice")
            .or_else(|| ns.split("-c-").next())
            .unwrap_or(ns);
        let _ = std::fs::remove_dir_all(std::env::temp_dir().join(id));
    }
}

#[cfg(test)]
mod tests {
    use super::check;
    use crate::error::LabError;

    #[test]
    fn missing_programs_are_named_with_the_install_command() {
        let e = check(&["/nonexistent/mariadbd", "/"], true).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("/nonexistent/mariadbd"), "{text}");
        assert!(!text.contains(" /,"), "{text}");
        assert!(
            text.contains(
                "apt-get install -y mariadb-server galera-4 galera-arbitrator-4 rsync iproute2"
            ),
            "{text}"
        );
        assert!(!text.contains("root"), "{text}");
        let both = check(&["/nonexistent/mariadbd"], false)
            .unwrap_err()
            .to_string();
        assert!(
            both.contains("/nonexistent/mariadbd") && both.contains("needs root"),
            "{both}"
        );
        assert!(matches!(check(&["/"], false), Err(LabError::NotRoot)));
        assert!(check(&["/"], true).is_ok());
    }
}
