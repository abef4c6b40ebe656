//! The facts of the pinned KubeSlice CRDs this crate's types are faithful to, as the crate's own
//! data (`data/crds.json`, derived by the workspace's `scripts/derive-data.sh`; `data/README.md`
//! names the source): every CRD's names, scope, versions, printer columns and
//! `openAPIV3Schema` (types, formats, enums, bounds, patterns, required fields, list and map
//! semantics, defaults, CEL rules with their messages), without upstream's prose.
//!
//! What a checker or a test API server (with `structural_schema`) judges KubeSlice objects against:
//!
//! ```
//! let crds = kubeslice_types::crds::all();
//! assert_eq!(crds.len(), 14);
//! assert!(kubeslice_types::crds::PIN.contains("kubeslice/kubeslice-controller@"));
//! ```

/// The upstream source of the data: the KubeSlice controller (controller.kubeslice.io and worker.kubeslice.io CRDs) and worker operator (networking.kubeslice.io CRDs) at the pinned commits.
pub const PIN: &str = "kubeslice/kubeslice-controller@b7f871e5916948d39d6b8607979e644cbeedd575, kubeslice/worker-operator@d7e1cd6fc8add2a24838d282f9d0fdabe8b94220";

const DATA: &str = include_str!("../data/crds.json");

/// Every pinned CustomResourceDefinition, sorted by group and plural, parsed once per process.
pub fn all() -> &'static [serde_json::Value] {
    static PARSED: std::sync::OnceLock<Vec<serde_json::Value>> = std::sync::OnceLock::new();
    // The data is the crate's own, checked by its tests: it always parses.
    PARSED.get_or_init(|| serde_json::from_str(DATA).unwrap_or_default())
}
