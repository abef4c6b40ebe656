//! The walkthrough's own manifests, as its author wrote them (`seed/` in this crate): the
//! Klusterlet with `RawFeedbackJsonString`, the KubeSlice Project and Cluster registrations,
//! the PlacementPolicy in the walkthrough release's `spec.ocm` shape, the SliceConfig and the
//! distributed MariaDB. What a tool checks, or applies to a sandbox, to rehearse the
//! walkthrough.
//!
//! ```
//! use distributed_galera::check::{Checker, Summary, parse_yaml};
//! use kubedb_types::release::Release;
//! let mut docs = Vec::new();
//! for (name, text) in distributed_galera::seed::MANIFESTS {
//!     docs.extend(parse_yaml(std::path::Path::new(name), text).unwrap());
//! }
//! let summary = Summary::of(&Checker::for_release(Release::WALKTHROUGH).check(&docs));
//! assert_eq!(summary.invalid + summary.lossy, 0, "{summary}");
//! ```

/// `(file name, YAML text)` of each manifest, in the walkthrough's order.
pub const MANIFESTS: [(&str, &str); 5] = [
    (
        "01-klusterlet.yaml",
        include_str!("../seed/01-klusterlet.yaml"),
    ),
    (
        "02-kubeslice.yaml",
        include_str!("../seed/02-kubeslice.yaml"),
    ),
    (
        "03-placement-policy.yaml",
        include_str!("../seed/03-placement-policy.yaml"),
    ),
    (
        "04-sliceconfig.yaml",
        include_str!("../seed/04-sliceconfig.yaml"),
    ),
    ("05-mariadb.yaml", include_str!("../seed/05-mariadb.yaml")),
];

/// The text of the manifest called `name` (for example `"05-mariadb.yaml"`).
pub fn manifest(name: &str) -> Option<&'static str> {
    MANIFESTS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}
