//! What a document's admission rules may read besides the document: the input's
//! [`References`] (policies, MariaDBs, MariaDBVersions, SliceConfigs) and the [`Context`] of
//! one document.
//!
//! An object given more than once (same kind, namespace and name) is held as `kubectl apply`
//! of the whole input would leave it: the last definition wins, and every definition of it is
//! remembered so that each copy can say where the others are ([`Context::redefinitions`]).

use std::collections::BTreeMap;
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

/// The MariaDB kind, as spelled in documents.
const MARIADB: &str = "MariaDB";
/// The SliceConfig kind, as spelled in documents.
const SLICE_CONFIG: &str = "SliceConfig";

/// Whether `v` has `K`'s `apiVersion` and `kind`.
fn is<K: Resource<DynamicType = ()>>(v: &Value) -> bool {
    v["apiVersion"].as_str() == Some(&*K::api_version(&()))
        && v["kind"].as_str() == Some(&*K::kind(&()))
}

/// `(kind, namespace, name)` of an object the rules of other documents read.
type ObjectKey = (&'static str, Option<String>, String);

/// What the input's documents say about each other: the objects the admission rules of other
/// documents read (PlacementPolicies with their file, MariaDBVersions, SliceConfigs), as a hub
/// would hold them after `kubectl apply` of the whole input: a MariaDB, SliceConfig or
/// MariaDBVersion given twice is the last one given.
#[derive(Clone, Debug, Default)]
pub struct References {
    policies: Vec<(PathBuf, PlacementPolicy)>,
    /// The MariaDBs of the input by `(namespace, name)`, the last definition of each: what the
    /// OpsRequest webhook reads.
    mariadbs: BTreeMap<(Option<String>, String), MariaDB>,
    versions: Vec<CatalogEntry>,
    /// `spec.clusters` of each SliceConfig by `(namespace, name)`, the last definition of each.
    slices: BTreeMap<(String, String), Vec<String>>,
    /// Where each MariaDB and SliceConfig was defined (file, line), in input order.
    definitions: BTreeMap<ObjectKey, Vec<(PathBuf, usize)>>,
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
            if let Ok(md) = serde_json::from_value::<MariaDB>(v.clone()) {
                let key = (
                    md.metadata.namespace.clone(),
                    md.metadata.name.clone().unwrap_or_default(),
                );
                self.defined(MARIADB, key.0.clone(), &key.1, doc);
                self.mariadbs.insert(key, md);
            }
        } else if is::<MariaDBVersion>(v) {
            if let Ok(mv) = serde_json::from_value::<MariaDBVersion>(v.clone()) {
                self.versions.push(CatalogEntry::from(&mv));
            }
        } else if is::<ks::controller::v1alpha1::SliceConfig>(v)
            && let Ok(sc) =
                serde_json::from_value::<ks::controller::v1alpha1::SliceConfig>(v.clone())
        {
            let key = (
                sc.metadata.namespace.clone().unwrap_or_default(),
                sc.metadata.name.clone().unwrap_or_default(),
            );
            self.defined(SLICE_CONFIG, Some(key.0.clone()), &key.1, doc);
            self.slices.insert(key, sc.spec.clusters().to_vec());
        }
    }

    /// Records that `doc` defines the `kind` object `namespace/name`.
    fn defined(
        &mut self,
        kind: &'static str,
        namespace: Option<String>,
        name: &str,
        doc: &Document,
    ) {
        self.definitions
            .entry((kind, namespace, name.to_owned()))
            .or_default()
            .push((doc.source.clone(), doc.line));
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
    /// The line the document starts on, which tells its definition from another of the same
    /// object ([`Context::redefinitions`]).
    pub(crate) line: usize,
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

    /// The `spec.clusters` of the SliceConfig `namespace/name` when the input has it (given more
    /// than once, the last one, as `kubectl apply` leaves it); unknown otherwise (it may exist
    /// on the hub).
    pub fn slice(&self, namespace: &str, name: &str) -> Lookup<'_, [String]> {
        match self
            .refs
            .slices
            .get(&(namespace.to_owned(), name.to_owned()))
        {
            Some(clusters) => Lookup::Known(Some(clusters.as_slice())),
            None => Lookup::Unknown,
        }
    }

    /// The MariaDB `namespace/name` when the input has it (a document without a namespace
    /// matches one without; given more than once, the last one, as `kubectl apply` leaves it);
    /// unknown otherwise (it may exist on the hub).
    pub fn mariadb(&self, namespace: Option<&str>, name: &str) -> Lookup<'_, MariaDB> {
        match self
            .refs
            .mariadbs
            .get(&(namespace.map(str::to_owned), name.to_owned()))
        {
            Some(md) => Lookup::Known(Some(md)),
            None => Lookup::Unknown,
        }
    }

    /// A warning for a document whose object (a MariaDB or SliceConfig, the kinds other
    /// documents' rules read) the input defines more than once: where the other definitions
    /// are, and which one counts (the last, as `kubectl apply` of the whole input leaves it).
    /// `None` when the object is defined once.
    pub fn redefinitions(
        &self,
        kind: &'static str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<String> {
        let seen =
            self.refs
                .definitions
                .get(&(kind, namespace.map(str::to_owned), name.to_owned()))?;
        if seen.len() < 2 {
            return None;
        }
        let here = seen
            .iter()
            .position(|(src, line)| src == self.source && *line == self.line)?;
        let id = match namespace {
            Some(ns) => format!("{kind} {ns}/{name}"),
            None => format!("{kind} {name}"),
        };
        let at = |(src, line): &(PathBuf, usize)| format!("{} line {line}", src.display());
        let readers = if kind == MARIADB {
            "the input's OpsRequests are judged against"
        } else {
            "the input's PlacementPolicies are judged against"
        };
        Some(if here + 1 == seen.len() {
            let earlier: Vec<String> = seen[..here].iter().map(at).collect();
            format!(
                "metadata.name: {id} is also given earlier in the input ({}): kubectl apply keeps this one, the last, and {readers} it; remove the other definitions",
                earlier.join(", ")
            )
        } else {
            format!(
                "metadata.name: {id} is given again later in the input ({}): kubectl apply keeps the last definition and {readers} that one, not this one; remove the duplicates",
                at(&seen[seen.len() - 1])
            )
        })
    }

    /// The MariaDBVersion called `name`, as a hub of the release with the input's
    /// MariaDBVersions applied would have it: known to exist or known not to.
    pub fn version(&self, name: &str) -> Lookup<'_, CatalogEntry> {
        Lookup::Known(self.catalog.get(name))
    }
}
