//! The KubeDB releases this workspace supports, and what differs between them.
//!
//! A user runs a KubeDB *release* (a Helm chart version such as `v2025.7.31`), and the API
//! server of their hub serves that release's CRDs and runs that release's webhooks. The two
//! releases supported now differ in the shape of the PlacementPolicy (see [`PolicyShape`]), in
//! the MariaDB CRD (newer core pod-spec fields) and in a few webhook rules (see
//! [`crate::validation`]). Adding a release is data (its folder of pinned files) plus the rules
//! that changed.
//!
//! What the product knows of each release is the crate's own data (`data/<release>/`): the
//! facts of its CRDs (names, types, formats, enums, bounds, patterns, required fields, list and
//! map semantics, defaults, CEL rules with their messages; no upstream prose) and its
//! MariaDBVersion catalog, derived from the release's charts by the workspace's
//! `scripts/derive-data.sh` (`data/README.md` names each source). A tool built from this crate
//! judges and plans for a release with nothing beside it.
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

/// The embedded data of each release: `(CRDs JSON, catalog JSON)`, in [`Release::ALL`] order.
const DATA: [(&str, &str); 2] = [
    (
        include_str!("../data/v2025.7.31/crds.json"),
        include_str!("../data/v2025.7.31/catalog.json"),
    ),
    (
        include_str!("../data/v2026.7.10/crds.json"),
        include_str!("../data/v2026.7.10/catalog.json"),
    ),
];

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

    /// `true` when the MariaDBOpsRequest webhook refuses an UpdateVersion whose target the
    /// current MariaDBVersion's `spec.updateConstraints` (allowlist, denylist) does not admit
    /// (`IsUpgradable`, `apimachinery@861df6898a80:pkg/webhooks/ops/v1alpha1/shared.go`:
    /// `upgrade from version X to Y is not supported`); `apimachinery@v0.57.0` only checks
    /// that the target exists and is not deprecated. The constraints are not in the crate's
    /// catalog data, so that rule is reported as not checked
    /// ([`Rule::OpsUpdateConstraintsNotChecked`](crate::validation::Rule::OpsUpdateConstraintsNotChecked)).
    pub fn ops_webhook_checks_update_constraints(self) -> bool {
        self == Release::V2026_7_10
    }

    /// `true` when the release's PlacementPolicy CRD serves `clusterSpreadConstraint.
    /// failoverPolicy` and rule roles (Arbiter, Witness). Neither supported release does:
    /// both exist only in unreleased petset, so no plan may rely on them.
    pub fn serves_failover_policy(self) -> bool {
        false
    }

    fn index(self) -> usize {
        match self {
            Release::V2025_7_31 => 0,
            Release::V2026_7_10 => 1,
        }
    }

    /// The release's CustomResourceDefinitions as JSON values (PetSet, PlacementPolicy,
    /// MariaDBAutoscaler, MariaDBVersion, MariaDB, MariaDBOpsRequest, sorted by group and
    /// plural), parsed once per process from the crate's data.
    pub fn crds(self) -> &'static [serde_json::Value] {
        static PARSED: [std::sync::OnceLock<Vec<serde_json::Value>>; 2] =
            [std::sync::OnceLock::new(), std::sync::OnceLock::new()];
        PARSED[self.index()].get_or_init(|| {
            // The data is the crate's own, checked by its tests: it always parses.
            serde_json::from_str(DATA[self.index()].0).unwrap_or_default()
        })
    }

    /// Every MariaDBVersion of the release's catalog chart, installed by default or not.
    pub fn catalog_records(self) -> &'static [CatalogRecord] {
        static PARSED: [std::sync::OnceLock<Vec<CatalogRecord>>; 2] =
            [std::sync::OnceLock::new(), std::sync::OnceLock::new()];
        PARSED[self.index()].get_or_init(|| {
            // The data is the crate's own, checked by its tests: it always parses.
            serde_json::from_str(DATA[self.index()].1).unwrap_or_default()
        })
    }

    /// The MariaDBVersion objects that exist on a hub after the release's default install:
    /// the chart skips deprecated versions (`skipDeprecated: true`), so only the records it
    /// installs are entries.
    pub fn catalog(self) -> Catalog {
        Catalog {
            entries: self
                .catalog_records()
                .iter()
                .filter(|r| r.installed)
                .map(|r| CatalogEntry {
                    name: r.name.clone(),
                    version: r.version.clone(),
                    deprecated: r.deprecated,
                })
                .collect(),
        }
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

/// One MariaDBVersion of a release's catalog chart, as the crate's data records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogRecord {
    /// The MariaDBVersion object name.
    pub name: String,
    /// `spec.version`.
    pub version: String,
    /// `spec.deprecated`.
    pub deprecated: bool,
    /// Whether the catalog chart's default install creates it.
    pub installed: bool,
    /// `spec.db.image`.
    pub image: String,
    /// The chart file it comes from (`kubedb/installer@<release>:<path>`).
    pub source: String,
}

/// The MariaDBVersion objects that exist on a hub.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    /// The entries, in file order.
    pub entries: Vec<CatalogEntry>,
}

impl Catalog {
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
    fn every_release_has_its_data() {
        for r in Release::ALL {
            assert_eq!(r.crds().len(), 6, "{r}");
            assert!(r.catalog().get("11.5.2").is_some(), "{r}");
            assert!(r.catalog_records().len() > r.catalog().entries.len(), "{r}");
        }
    }
}
