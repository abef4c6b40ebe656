//! What a document's admission rules may read besides the document: the input's
//! [`References`] (policies, MariaDBs, MariaDBVersions, SliceConfigs) and the [`Context`] of
//! one document.

use std::path::{Path, PathBuf};

use kube::Resource;
use kubedb_types::apps::v1::PlacementPolicy;
use kubedb_types::catalog::v1alpha1::MariaDBVersion;
use kubedb_types::kubedb::v1::MariaDB;
use kubedb_types::release::{Catalog, CatalogEntry, Release};
use kubedb_types::validation::{Lookup, PolicyLookup};
use kubeslice_types as ks;
use serde_json::Value;

use super::read::Document;

/// Whether `v` has `K`'s `apiVersion` and `kind`.
fn is<K: Resource<DynamicType = ()>>(v: &Value) -> bool {
    v["apiVersion"].as_str() == Some(&*K::api_version(&()))
        && v["kind"].as_str() == Some(&*K::kind(&()))
}

/// What the input's documents say about each other: the objects the admission rules of other
/// documents read (PlacementPolicies with their file, MariaDBVersions, SliceConfigs), as a hub
/// would hold them.
#[derive(Clone, Debug, Default)]
pub struct References {
    policies: Vec<(PathBuf, PlacementPolicy)>,
    /// The MariaDBs of the input: what the OpsRequest webhook reads.
    mariadbs: Vec<MariaDB>,
    versions: Vec<CatalogEntry>,
    /// `(namespace, name, spec.clusters)` of each SliceConfig.
    slices: Vec<(String, String, Vec<String>)>,
}

impl References {
    /// The kinds worth a first pass over the input, as they are spelled in a document.
    pub const KINDS: [&'static str; 4] = [
        "PlacementPolicy",
        "MariaDBVersion",
        "SliceConfig",
        "MariaDB",
    ];

    /// Keeps `doc` when it is one of [`References::KINDS`] and parses.
    pub fn add(&mut self, doc: &Document) {
        let v = &doc.value;
        if is::<PlacementPolicy>(v) {
            if let Ok(pp) = serde_json::from_value(v.clone()) {
                self.policies.push((doc.source.clone(), pp));
            }
        } else if is::<MariaDB>(v) {
            if let Ok(md) = serde_json::from_value(v.clone()) {
                self.mariadbs.push(md);
            }
        } else if is::<MariaDBVersion>(v) {
            if let Ok(mv) = serde_json::from_value::<MariaDBVersion>(v.clone()) {
                self.versions.push(CatalogEntry::from(&mv));
            }
        } else if is::<ks::controller::v1alpha1::SliceConfig>(v)
            && let Ok(sc) =
                serde_json::from_value::<ks::controller::v1alpha1::SliceConfig>(v.clone())
        {
            self.slices.push((
                sc.metadata.namespace.clone().unwrap_or_default(),
                sc.metadata.name.clone().unwrap_or_default(),
                sc.spec.clusters().to_vec(),
            ));
        }
    }

    /// The MariaDBVersion catalog a hub of `release` with these objects applied has: the
    /// release's default catalog, overridden by the input's MariaDBVersions.
    pub fn catalog(&self, release: Release) -> Catalog {
        let mut catalog = release.catalog();
        for v in &self.versions {
            catalog.upsert(v.clone());
        }
        catalog
    }
}

/// What the admission rules of one document may read besides the document: the KubeDB
/// release judged against, the input's [`References`] and the MariaDBVersion catalog (the
/// release's default install, overridden by MariaDBVersion documents of the input, as objects
/// on the hub would be).
pub struct Context<'a> {
    pub(crate) source: &'a Path,
    pub(crate) refs: &'a References,
    pub(crate) release: Release,
    pub(crate) catalog: &'a Catalog,
}

impl Context<'_> {
    /// The PlacementPolicy called `name`: from the same file if it defines one, else from the
    /// whole input if exactly one distinct policy of that name is there; otherwise unknown
    /// (it may exist on the hub).
    pub fn policy(&self, name: &str) -> PolicyLookup<'_> {
        let named = |pp: &&(PathBuf, PlacementPolicy)| pp.1.metadata.name.as_deref() == Some(name);
        if let Some((_, pp)) = self
            .refs
            .policies
            .iter()
            .filter(named)
            .find(|(src, _)| src == self.source)
        {
            return PolicyLookup::Known(Some(pp));
        }
        let mut candidates = self.refs.policies.iter().filter(named).map(|(_, pp)| pp);
        match (candidates.next(), candidates.next()) {
            (Some(first), None) => PolicyLookup::Known(Some(first)),
            (Some(first), Some(second)) if first == second => PolicyLookup::Known(Some(first)),
            _ => PolicyLookup::Unknown,
        }
    }

    /// The KubeDB release the input is judged against.
    pub fn release(&self) -> Release {
        self.release
    }

    /// The `spec.clusters` of the SliceConfig `namespace/name` when the input has it; unknown
    /// otherwise (it may exist on the hub).
    pub fn slice(&self, namespace: &str, name: &str) -> Lookup<'_, [String]> {
        match self
            .refs
            .slices
            .iter()
            .find(|(ns, n, _)| ns == namespace && n == name)
        {
            Some((_, _, clusters)) => Lookup::Known(Some(clusters.as_slice())),
            None => Lookup::Unknown,
        }
    }

    /// The MariaDB `namespace/name` when the input has it (a document without a namespace
    /// matches one without); unknown otherwise (it may exist on the hub).
    pub fn mariadb(&self, namespace: Option<&str>, name: &str) -> Lookup<'_, MariaDB> {
        match self.refs.mariadbs.iter().find(|md| {
            md.metadata.name.as_deref() == Some(name)
                && md.metadata.namespace.as_deref() == namespace
        }) {
            Some(md) => Lookup::Known(Some(md)),
            None => Lookup::Unknown,
        }
    }

    /// The MariaDBVersion called `name`, as a hub of the release with the input's
    /// MariaDBVersions applied would have it: known to exist or known not to.
    pub fn version(&self, name: &str) -> Lookup<'_, CatalogEntry> {
        Lookup::Known(self.catalog.get(name))
    }
}
