//! The KubeDB releases this workspace supports, and what differs between them.
//!
//! A user runs a KubeDB *release* (a Helm chart version such as `v2025.7.31`), and the API
//! server of their hub serves that release's CRDs and runs that release's webhooks. The two
//! releases supported now differ in the shape of the PlacementPolicy (see [`PolicyShape`]), in
//! the MariaDB CRD (newer core pod-spec fields) and in a few webhook rules (see
//! [`crate::admission`]). Adding a release is data (its folder of pinned files) plus the rules
//! that changed.
//!
//! The pinned files of each release (CRDs as its charts ship them, and its MariaDBVersion
//! catalog) are embedded at build time by `build.rs` from `../shared/upstream/kubedb/releases`
//! (or `$KUBEDB_RELEASES_DIR`), so a tool built from this crate judges and plans for a release
//! without any file beside it. Embedding rather than reading at run time: the checker and the
//! walkthrough are tools people run from anywhere, and the release they judge against must not
//! depend on the working directory.
//!
//! ```
//! use kubedb_types::release::{PolicyShape, Release};
//! let r: Release = "v2025.7.31".parse().unwrap();
//! assert_eq!(r, Release::WALKTHROUGH);
//! assert_eq!(r.policy_shape(), PolicyShape::Ocm);
//! assert_eq!(Release::NEWEST.policy_shape(), PolicyShape::ClusterSpreadConstraint);
//! let err = "v2024.1.1".parse::<Release>().unwrap_err();
//! assert!(err.to_string().contains("v2025.7.31, v2026.7.10"));
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/releases.rs"));
}

/// A supported KubeDB release (the `kubedb` Helm chart version), spelled as its tag.
/// Deserializing an unsupported name fails with [`UnknownRelease`]'s message, which lists the
/// supported ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub enum Release {
    /// `v2025.7.31` (tagged 2025-08-22): the release the walkthrough installs. Ships
    /// kubeops/petset v0.0.11 and kubedb.dev/apimachinery v0.57.0.
    #[serde(rename = "v2025.7.31")]
    V2025_7_31,
    /// `v2026.7.10` (tagged 2026-08-14): the newest release. Ships the petset chart
    /// v2026.5.22 (app v0.1.0) and kubedb.dev/apimachinery
    /// v0.66.1-0.20260715104545-861df6898a80.
    #[serde(rename = "v2026.7.10")]
    V2026_7_10,
}

/// Which multi-cluster shape a release's PlacementPolicy CRD has. In kubeops/installer's petset
/// chart the CRD switches at chart v2025.9.15 (app v0.0.14): v2025.8.31 (app v0.0.13) still
/// ships `spec.ocm` (`kubeops/installer@<tag>:charts/petset/crds/
/// apps.k8s.appscode.com_placementpolicies.yaml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyShape {
    /// `spec.ocm {distributionRules[{clusterName, replicas}], sliceName}`: kubeops/petset up to
    /// v0.0.11 (`petset@v0.0.11:apis/apps/v1/placementpolicy_types.go`).
    Ocm,
    /// `spec.clusterSpreadConstraint {distributionRules[{clusterName, replicaIndices,
    /// storageClassName, monitoring}], slice{projectNamespace, sliceName}}`: petset from
    /// commit de81da92 (v0.0.12) on (`petset@05a56e31:apis/apps/v1/placementpolicy_types.go`).
    ClusterSpreadConstraint,
}

impl PolicyShape {
    /// The field of `spec` that holds the shape: `ocm` or `clusterSpreadConstraint`.
    pub fn field(self) -> &'static str {
        match self {
            PolicyShape::Ocm => "ocm",
            PolicyShape::ClusterSpreadConstraint => "clusterSpreadConstraint",
        }
    }
}

/// A release name that is not supported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "KubeDB release {given:?} is not supported: use one of {} (the chart version given to `helm upgrade -i kubedb ... --version`)",
    Release::supported_list()
)]
pub struct UnknownRelease {
    /// What was given.
    pub given: String,
}

/// A release's pinned files are not available.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReleaseDataError {
    /// The crate was built without the release folder (see the module docs).
    #[error(
        "the pinned files of KubeDB release {release} were not embedded when this crate was built: rebuild with ../shared/upstream/kubedb/releases/{release}/ beside the workspace or KUBEDB_RELEASES_DIR pointing at the releases folder"
    )]
    NotEmbedded {
        /// The release.
        release: Release,
    },
    /// The release folder has no file for this kind.
    #[error("KubeDB release {release} has no pinned file {file}")]
    MissingFile {
        /// The release.
        release: Release,
        /// The file looked for.
        file: String,
    },
    /// A pinned CRD file is not well-formed YAML.
    #[error("{release}/{file}: malformed YAML: {message}")]
    Yaml {
        /// The release.
        release: Release,
        /// The file.
        file: String,
        /// The parser's message.
        message: String,
    },
    /// The release's CRD for a kind does not serve the version asked for.
    #[error("KubeDB release {release}: {file} has no served version {version} with a schema")]
    NoSchema {
        /// The release.
        release: Release,
        /// The CRD file.
        file: String,
        /// The version.
        version: String,
    },
    /// The catalog file is malformed.
    #[error(
        "{release}/mariadb-catalog.tsv line {line}: {problem}; the file must have the columns name, spec.version, default install, db.image, source"
    )]
    Catalog {
        /// The release.
        release: Release,
        /// Line number, from 1.
        line: usize,
        /// What is wrong.
        problem: String,
    },
}

impl Release {
    /// Every supported release, oldest first.
    pub const ALL: [Release; 2] = [Release::V2025_7_31, Release::V2026_7_10];
    /// The newest supported release: the default when nothing says otherwise.
    pub const NEWEST: Release = Release::V2026_7_10;
    /// The release the user's walkthrough installs (`helm upgrade -i kubedb ... --version
    /// v2025.7.31`).
    pub const WALKTHROUGH: Release = Release::V2025_7_31;

    /// The tag, for example `v2025.7.31`.
    pub fn as_str(self) -> &'static str {
        match self {
            Release::V2025_7_31 => "v2025.7.31",
            Release::V2026_7_10 => "v2026.7.10",
        }
    }

    fn supported_list() -> String {
        Release::ALL.map(Release::as_str).join(", ")
    }

    /// The PlacementPolicy shape the release's CRD serves (the other shape is pruned).
    pub fn policy_shape(self) -> PolicyShape {
        match self {
            Release::V2025_7_31 => PolicyShape::Ocm,
            Release::V2026_7_10 => PolicyShape::ClusterSpreadConstraint,
        }
    }

    /// The kubedb.dev/apimachinery version whose webhooks the release runs.
    pub fn apimachinery(self) -> &'static str {
        match self {
            Release::V2025_7_31 => "v0.57.0",
            Release::V2026_7_10 => "v0.66.1-0.20260715104545-861df6898a80",
        }
    }

    /// The kubeops/petset source the release's PetSet and PlacementPolicy webhooks are read
    /// from. For v2026.7.10 (petset app v0.1.0, not tagged in the repository) the rules are read
    /// at petset@05a56e31, the commit the newer CRDs were pinned from, whose CRD matches the
    /// release's byte for byte in the fields the rules use.
    pub fn petset(self) -> &'static str {
        match self {
            Release::V2025_7_31 => "v0.0.11",
            Release::V2026_7_10 => "05a56e31",
        }
    }

    /// `true` when the MariaDB webhook refuses `spec.init.script` on a cluster (`replicas > 1`):
    /// `apimachinery@v0.57.0:pkg/webhooks/kubedb/v1/mariadb.go` (`validateCluster`); the check
    /// is gone in `apimachinery@861df6898a80`.
    pub fn refuses_init_script_on_cluster(self) -> bool {
        self == Release::V2025_7_31
    }

    /// `true` when the PlacementPolicy webhook reads the referenced SliceConfig and refuses a
    /// cluster that is not onboarded to it (`validateSliceClusters`,
    /// `petset@05a56e31:pkg/webhooks/apps/v1/placementPolicy.go`); petset v0.0.11 has no such
    /// check.
    pub fn policy_webhook_checks_slice(self) -> bool {
        self == Release::V2026_7_10
    }

    /// `true` when the release's PlacementPolicy CRD serves `clusterSpreadConstraint.
    /// failoverPolicy` and rule roles (Arbiter, Witness). Neither supported release does:
    /// both exist only in unreleased petset, so no plan may rely on them.
    pub fn serves_failover_policy(self) -> bool {
        false
    }

    /// The release's pinned files as `(file name, text)`, sorted by file name: its CRDs
    /// (`<group>_<plural>.yaml`) and `mariadb-catalog.tsv`.
    pub fn files(self) -> Result<&'static [(&'static str, &'static str)], ReleaseDataError> {
        embedded::embedded(self.as_str()).ok_or(ReleaseDataError::NotEmbedded { release: self })
    }

    /// The release's CRDs, as `(file name, YAML text)`.
    pub fn crd_files(
        self,
    ) -> Result<impl Iterator<Item = (&'static str, &'static str)>, ReleaseDataError> {
        Ok(self
            .files()?
            .iter()
            .copied()
            .filter(|(name, _)| name.ends_with(".yaml")))
    }

    /// The YAML text of the CRD for `group` and `plural`, for example
    /// `("apps.k8s.appscode.com", "placementpolicies")`.
    pub fn crd(self, group: &str, plural: &str) -> Result<&'static str, ReleaseDataError> {
        let file = format!("{group}_{plural}.yaml");
        self.files()?
            .iter()
            .find(|(name, _)| *name == file)
            .map(|(_, text)| *text)
            .ok_or(ReleaseDataError::MissingFile {
                release: self,
                file,
            })
    }

    /// The release's CRDs as JSON values (`CustomResourceDefinition` objects), parsed once per
    /// process.
    pub fn crds(self) -> Result<&'static [serde_json::Value], ReleaseDataError> {
        static PARSED: [std::sync::OnceLock<Result<Vec<serde_json::Value>, ReleaseDataError>>; 2] =
            [std::sync::OnceLock::new(), std::sync::OnceLock::new()];
        let slot = &PARSED[Release::ALL.iter().position(|r| *r == self).unwrap_or(0)];
        slot.get_or_init(|| {
            let mut out = Vec::new();
            for (file, text) in self.crd_files()? {
                let docs: Vec<serde_json::Value> =
                    serde_saphyr::from_multiple(text).map_err(|e| ReleaseDataError::Yaml {
                        release: self,
                        file: file.to_owned(),
                        message: e.to_string(),
                    })?;
                out.extend(
                    docs.into_iter()
                        .filter(|d| d["kind"] == "CustomResourceDefinition"),
                );
            }
            Ok(out)
        })
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
    }

    /// The `openAPIV3Schema` of `group`/`plural` at `version` in the release's CRDs.
    pub fn schema(
        self,
        group: &str,
        plural: &str,
        version: &str,
    ) -> Result<&'static serde_json::Value, ReleaseDataError> {
        let file = format!("{group}_{plural}.yaml");
        self.crds()?
            .iter()
            .filter(|crd| crd["spec"]["group"] == group && crd["spec"]["names"]["plural"] == plural)
            .flat_map(|crd| crd["spec"]["versions"].as_array().into_iter().flatten())
            .find(|v| v["name"] == version && v["served"] != false)
            .and_then(|v| v["schema"].get("openAPIV3Schema"))
            .ok_or(ReleaseDataError::NoSchema {
                release: self,
                file,
                version: version.to_owned(),
            })
    }

    /// The MariaDBVersion catalog of the release's default install.
    pub fn catalog(self) -> Result<Catalog, ReleaseDataError> {
        let text = self
            .files()?
            .iter()
            .find(|(name, _)| *name == "mariadb-catalog.tsv")
            .map(|(_, text)| *text)
            .ok_or(ReleaseDataError::MissingFile {
                release: self,
                file: "mariadb-catalog.tsv".into(),
            })?;
        Catalog::parse_tsv(self, text)
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Release {
    type Error = UnknownRelease;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl FromStr for Release {
    type Err = UnknownRelease;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        Release::ALL
            .into_iter()
            .find(|r| r.as_str() == trimmed || r.as_str().trim_start_matches('v') == trimmed)
            .ok_or_else(|| UnknownRelease {
                given: s.to_owned(),
            })
    }
}

/// One MariaDBVersion as the MariaDB webhook sees it: the object's name, `spec.version` and
/// `spec.deprecated`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogEntry {
    /// The MariaDBVersion object name (what `MariaDB.spec.version` names).
    pub name: String,
    /// `spec.version`, the server version compared by the webhook (for example `10.5.23`).
    pub version: String,
    /// `spec.deprecated`.
    pub deprecated: bool,
}

impl From<&crate::catalog::v1alpha1::MariaDBVersion> for CatalogEntry {
    fn from(v: &crate::catalog::v1alpha1::MariaDBVersion) -> Self {
        CatalogEntry {
            name: v.metadata.name.clone().unwrap_or_default(),
            version: v.spec.version.clone(),
            deprecated: v.spec.deprecated.unwrap_or(false),
        }
    }
}

/// The MariaDBVersion objects that exist on a hub.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    /// The entries, in file order.
    pub entries: Vec<CatalogEntry>,
}

impl Catalog {
    /// Parses a release's `mariadb-catalog.tsv` (columns `name`, `spec.version`, `default
    /// install`, `db.image`, `source`; a header line). Only the versions the default install
    /// creates are kept: the chart skips deprecated versions (`skipDeprecated: true`), so on a
    /// default hub they do not exist.
    pub fn parse_tsv(release: Release, text: &str) -> Result<Catalog, ReleaseDataError> {
        let mut entries = Vec::new();
        for (i, line) in text.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let bad = |problem: String| ReleaseDataError::Catalog {
                release,
                line: i + 1,
                problem,
            };
            if cols.len() < 3 {
                return Err(bad(format!("{} columns, expected 5", cols.len())));
            }
            let installed = cols[2].trim();
            if installed == "installed" {
                entries.push(CatalogEntry {
                    name: cols[0].trim().to_owned(),
                    version: cols[1].trim().to_owned(),
                    deprecated: false,
                });
            } else if !installed.starts_with("not installed") {
                return Err(bad(format!(
                    "default install is {installed:?}, expected \"installed\" or \"not installed (...)\""
                )));
            }
        }
        Ok(Catalog { entries })
    }

    /// The entry called `name`.
    pub fn get(&self, name: &str) -> Option<&CatalogEntry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// Adds or replaces an entry (a MariaDBVersion object read from the hub or the input
    /// takes precedence over the release's catalog).
    pub fn upsert(&mut self, entry: CatalogEntry) {
        match self.entries.iter_mut().find(|e| e.name == entry.name) {
            Some(e) => *e = entry,
            None => self.entries.push(entry),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display_round_trip() {
        for r in Release::ALL {
            assert_eq!(r.as_str().parse::<Release>(), Ok(r));
            assert_eq!(r.to_string(), r.as_str());
            let json = serde_json::to_value(r).unwrap();
            assert_eq!(json, serde_json::json!(r.as_str()));
        }
        assert_eq!("2025.7.31".parse::<Release>(), Ok(Release::V2025_7_31));
    }

    #[test]
    fn catalog_rejects_a_malformed_line() {
        let err = Catalog::parse_tsv(Release::NEWEST, "h\nx\tbroken\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
        let err = Catalog::parse_tsv(Release::NEWEST, "h\nx\t1\tmaybe\n").unwrap_err();
        assert!(err.to_string().contains("maybe"), "{err}");
    }
}
