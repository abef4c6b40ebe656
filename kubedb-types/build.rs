//! Embeds the pinned files of each supported KubeDB release (its CRDs and its MariaDBVersion
//! catalog) so that `kubedb_types::release` works without `../shared` at run time.
//!
//! The files are read from `$KUBEDB_RELEASES_DIR` when set, else from
//! `../shared/upstream/kubedb/releases` beside the workspace (one folder per release, named
//! after the release tag). Nothing is generated from them: they are included verbatim. When the
//! folder is absent the crate still builds; `Release::crd_files` then answers
//! `ReleaseDataError::NotEmbedded`.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=KUBEDB_RELEASES_DIR");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dir = std::env::var_os("KUBEDB_RELEASES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../shared/upstream/kubedb/releases"));
    let mut code = String::from(
        "/// The embedded files of `release` (file name, text), sorted by file name.\n\
         pub(crate) fn embedded(release: &str) -> Option<&'static [(&'static str, &'static str)]> {\n    match release {\n",
    );
    match std::fs::read_dir(&dir) {
        Err(e) => {
            println!(
                "cargo:warning=KubeDB release files not embedded: cannot read {}: {e}; set KUBEDB_RELEASES_DIR or check the project out with shared/ beside it",
                dir.display()
            );
        }
        Ok(entries) => {
            println!("cargo:rerun-if-changed={}", dir.display());
            let mut releases: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect();
            releases.sort();
            for release in releases {
                let Some(name) = release.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                let mut files: Vec<PathBuf> = std::fs::read_dir(&release)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "tsv"))
                    .collect();
                files.sort();
                let _ = writeln!(code, "        {name:?} => Some(&[");
                for file in files {
                    println!("cargo:rerun-if-changed={}", file.display());
                    let file_name = file
                        .file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or_default();
                    let abs = file.canonicalize().unwrap_or(file.clone());
                    let _ = writeln!(
                        code,
                        "            ({file_name:?}, include_str!({:?})),",
                        abs.display().to_string()
                    );
                }
                code.push_str("        ]),\n");
            }
        }
    }
    code.push_str("        _ => None,\n    }\n}\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("releases.rs");
    if let Err(e) = std::fs::write(&out, code) {
        panic!("cannot write {}: {e}", out.display());
    }
}
