//! The fidelity suite's helpers: where the pinned upstream files are, the one policy for when
//! they are not, and the derivation of the crates' release data from them.
//!
//! The pinned files live in the project's `shared/` folder (`upstream/` CRDs, samples and
//! KubeDB releases; `cases/` real-world inputs; `reference/` notes), beside the workspace or
//! wherever [`SHARED_ENV`] names. A user's clone has no such folder: what the crates need at
//! run time is their own data, derived from the pins by [`derive`](mod@derive) (the `derive-data` binary
//! writes it, `tests/data.rs` re-derives it and fails on any difference). Every test that
//! compares with the pins asks [`shared`] for the folder:
//!
//! - found: the test runs;
//! - absent: one `SKIPPED: <what>: ...` line on standard error saying how to get the pins,
//!   and the test passes without checking anything;
//! - absent with `CI=true`: the test fails (CI always has the pins).
//!
//! This crate is not published: it reads outside its own package by design.

#![forbid(unsafe_code)]

pub mod derive;

use std::path::{Path, PathBuf};

/// The environment variable naming the `shared/` folder (the one holding `upstream/`,
/// `cases/` and `reference/`), when it is not `../shared` beside the workspace.
pub const SHARED_ENV: &str = "DISTRIBUTED_GALERA_SHARED";

/// The workspace's root folder (this crate's parent).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// Where the `shared/` folder would be: [`SHARED_ENV`] when set, else `../shared` beside
/// the workspace. Whether it exists is [`shared`]'s question.
pub fn shared_location() -> PathBuf {
    match std::env::var_os(SHARED_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => workspace_root().join("../shared"),
    }
}

/// `true` when the run is CI's (`CI=true`, as CI services set it): missing pins then fail.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// The `shared/` folder, for a test that checks `what` against it; `None` (after one
/// `SKIPPED` line on standard error) when it is absent.
///
/// # Panics
/// When the folder is absent and [`under_ci`]: CI always has the pins, so their absence
/// there is a broken checkout, not a reason to skip.
pub fn shared(what: &str) -> Option<PathBuf> {
    let dir = shared_location();
    if dir.join("upstream").is_dir() {
        return Some(dir);
    }
    let how = format!(
        "{} has no upstream/ folder; put the project's shared/ folder (the pinned upstream files) beside the workspace or set {SHARED_ENV}=<folder>",
        dir.display()
    );
    assert!(
        !under_ci(),
        "{what}: the pinned upstream files are missing under CI=true: {how}"
    );
    eprintln!("SKIPPED: {what}: {how}");
    None
}

/// `shared/upstream`: the pinned CRDs, samples and KubeDB releases (see [`shared`]).
pub fn upstream(what: &str) -> Option<PathBuf> {
    shared(what).map(|d| d.join("upstream"))
}

/// `shared/cases`: inputs rebuilt from public problem reports, with their answers in its
/// README (see [`shared`]).
pub fn cases(what: &str) -> Option<PathBuf> {
    shared(what).map(|d| d.join("cases"))
}

/// `shared/reference`: the code-cited reference notes (see [`shared`]).
pub fn reference(what: &str) -> Option<PathBuf> {
    shared(what).map(|d| d.join("reference"))
}

/// Every YAML document of a file as JSON, duplicate keys resolved as the last one (what the
/// Kubernetes YAML decoder does).
///
/// # Panics
/// When the file cannot be read or is not YAML: the pinned files are fixed inputs.
pub fn yaml_docs(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()));
    let options = serde_saphyr::options! {
        duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::LastWins,
    };
    serde_saphyr::from_multiple_with_options(&text, options)
        .unwrap_or_else(|e| panic!("{}: malformed YAML: {e}", path.display()))
}
