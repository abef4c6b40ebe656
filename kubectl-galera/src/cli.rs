//! What every subcommand shares: the exit statuses, the async runtime, broken pipes and the
//! lab's preflight. One mapping from outcomes to exit statuses lives here and nowhere else.

use std::process::ExitCode;

/// How a subcommand ended, as an exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: done (planned, applied, healthy, a plan printed, lossless).
    Success,
    /// 1: done, and the answer is no (findings, refused, degraded, a failed apply).
    Failure,
    /// 2: the input cannot be read, the arguments are wrong, or what a command needs is
    /// missing (root, packages).
    Usage,
    /// 130: interrupted (Ctrl-C, SIGTERM, SIGHUP) while a lab ran; the lab was removed.
    Interrupted,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        match exit {
            Exit::Success => ExitCode::SUCCESS,
            Exit::Failure => ExitCode::from(1),
            Exit::Usage => ExitCode::from(2),
            Exit::Interrupted => ExitCode::from(130),
        }
    }
}

impl Exit {
    /// [`Exit::Success`] when `ok`, else [`Exit::Failure`].
    pub fn success_if(ok: bool) -> Exit {
        if ok { Exit::Success } else { Exit::Failure }
    }

    /// A failure of a run that may have had a lab: [`Exit::Interrupted`] when Ctrl-C stopped
    /// it (the lab's handler is removing everything and exits with 130 itself), else
    /// [`Exit::Failure`].
    pub fn failed() -> Exit {
        if lab::interrupted() {
            Exit::Interrupted
        } else {
            Exit::Failure
        }
    }
}

/// Sets up the process for a subcommand: `| head` ends the output quietly (exit 141), as
/// other command-line tools do; not with a lab, where a closed standard output panics and the
/// unwinding removes the lab.
pub fn setup(uses_lab: bool) {
    if !uses_lab {
        sigpipe::reset();
    }
}

/// Checks that a lab can run here (root, the packages); prints why not.
///
/// # Errors
/// [`Exit::Usage`] after printing `--lab cannot run: <what is missing>`.
pub fn lab_preflight() -> Result<(), Exit> {
    lab::preflight().map_err(|e| {
        eprintln!("--lab cannot run: {e}");
        Exit::Usage
    })
}

/// The async runtime for subcommands that talk to a hub: two workers.
///
/// # Errors
/// [`Exit::Usage`] after printing why the runtime cannot start.
pub fn runtime() -> Result<tokio::runtime::Runtime, Exit> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("cannot start the async runtime: {e}");
            Exit::Usage
        })
}

/// Parses a KubeDB release name for clap (`--kubedb-release`).
pub fn release(s: &str) -> Result<kubedb_types::release::Release, String> {
    s.parse()
        .map_err(|e: kubedb_types::release::UnknownRelease| e.to_string())
}

/// Reads a file, or standard input for `-`.
///
/// # Errors
/// `<path>: cannot read: <why>`.
pub fn read_text(path: &std::path::Path) -> Result<String, String> {
    let read = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(path)
    };
    read.map_err(|e| format!("{}: cannot read: {e}", path.display()))
}
