//! The facts of the pinned OCM CRDs this crate's types are faithful to, as the crate's own
//! data (`data/crds.json`, derived by the workspace's `scripts/derive-data.sh`; `data/README.md`
//! names the source): every CRD's names, scope, versions, printer columns and
//! `openAPIV3Schema` (types, formats, enums, bounds, patterns, required fields, list and map
//! semantics, defaults, CEL rules with their messages), without upstream's prose.
//!
//! What a checker or a test API server (with `structural_schema`) judges OCM objects against:
//!
//! ```
//! let crds = ocm_types::crds::all();
//! assert_eq!(crds.len(), 13);
//! assert!(ocm_types::crds::PIN.starts_with("open-cluster-management-io/api@"));
//! ```

/// The upstream source of the data: the OCM API repository at the pinned commit.
pub const PIN: &str = "open-cluster-management-io/api@1845fd8032e4 (v1.3.0+3)";

const DATA: &str = include_str!("../data/crds.json");

/// Every pinned CustomResourceDefinition, sorted by group and plural, parsed once per process.
pub fn all() -> &'static [serde_json::Value] {
    static PARSED: std::sync::OnceLock<Vec<serde_json::Value>> = std::sync::OnceLock::new();
    // The data is the crate's own, checked by its tests: it always parses.
    PARSED.get_or_init(|| serde_json::from_str(DATA).unwrap_or_default())
}
