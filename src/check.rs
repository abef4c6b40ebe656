//! The manifest checker: recognise each document by `apiVersion`/`kind`, parse it into the
//! workspace type, and say whether it survives unchanged, what it loses, or why a cluster
//! would reject it.
//!
//! A document is **lossless** when the fields the API server would prune (judged against
//! the generated CRD schema) and the fields the typed round trip would drop or change are
//! both empty; **lossy** lists those fields; **invalid** means it does not parse into the
//! type (a missing required field, a value outside an enum) or breaks an admission rule;
//! **unknown** means no workspace type has that `apiVersion` and `kind`.
//!
//! ```
//! use distributed_galera::check::{parse_yaml, Checker, Verdict};
//! let docs = parse_yaml("inline.yaml".as_ref(), r#"
//! apiVersion: kubedb.com/v1
//! kind: MariaDB
//! metadata: {name: mariadb, namespace: demo}
//! spec: {version: 11.5.2, replicas: 2}
//! "#).unwrap();
//! let reports = Checker::new().check(&docs);
//! assert!(matches!(&reports[0].verdict, Verdict::Invalid(r) if r[0].contains("at least 3")));
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

mod output;
mod read;

pub use output::{Format, Printer};
pub use read::{
    CheckOptions, Document, Input, Item, Limits, ReadError, Refusal, STDIN, parse_yaml, read_path,
};

use kube::{CustomResourceExt, Resource};
use kubedb_types::admission::{self, PolicyLookup};
use kubedb_types::apps::v1::{PetSet, PlacementPolicy};
use kubedb_types::catalog::v1alpha1::MariaDBVersion;
use kubedb_types::kubedb::v1::MariaDB;
use kubeslice_types as ks;
use ocm_types as ocm;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::schema;

/// What the checker says of one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Parses, and nothing is pruned, dropped or changed.
    Lossless,
    /// Parses, but these fields would be pruned by the API server or lost by the type.
    Lossy(Vec<String>),
    /// Would be rejected: why.
    Invalid(Vec<String>),
    /// No workspace type has this `apiVersion` and `kind`.
    Unknown,
    /// Not parsed: the document trips one of the reader's [`Limits`]. Counted as invalid.
    Refused(Refusal),
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Lossless => f.write_str("lossless"),
            Verdict::Lossy(paths) => write!(f, "lossy: {}", paths.join(", ")),
            Verdict::Invalid(reasons) => write!(f, "invalid: {}", reasons.join("; ")),
            Verdict::Unknown => f.write_str("unknown kind"),
            Verdict::Refused(refusal) => write!(f, "refused: {refusal}"),
        }
    }
}

/// The checker's finding for one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The file.
    pub source: PathBuf,
    /// Position in the file, from 1.
    pub index: usize,
    /// The line the document starts on, from 1.
    pub line: usize,
    /// `apiVersion`, when present.
    pub api_version: Option<String>,
    /// `kind`, when present.
    pub kind: Option<String>,
    /// `metadata.namespace/metadata.name` (or the name alone), when present.
    pub name: Option<String>,
    /// The verdict.
    pub verdict: Verdict,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}#{} {} {}: {}",
            self.source.display(),
            self.index,
            self.kind.as_deref().unwrap_or("-"),
            self.name.as_deref().unwrap_or("-"),
            self.verdict
        )
    }
}

/// Counts of verdicts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Lossless documents.
    pub lossless: usize,
    /// Lossy documents.
    pub lossy: usize,
    /// Invalid documents.
    pub invalid: usize,
    /// Documents of unknown kinds.
    pub unknown: usize,
}

impl Summary {
    /// Counts the verdicts of `reports`.
    pub fn of(reports: &[Report]) -> Summary {
        let mut s = Summary::default();
        for r in reports {
            s.add(&r.verdict);
        }
        s
    }

    /// Counts one more verdict (a refused document as invalid).
    pub fn add(&mut self, verdict: &Verdict) {
        match verdict {
            Verdict::Lossless => self.lossless += 1,
            Verdict::Lossy(_) => self.lossy += 1,
            Verdict::Invalid(_) | Verdict::Refused(_) => self.invalid += 1,
            Verdict::Unknown => self.unknown += 1,
        }
    }

    /// The checker's exit status: 2 when some input was unreadable, else 1 when anything is
    /// lossy or invalid, else 0.
    pub fn exit_code(&self, unreadable: bool) -> u8 {
        if unreadable {
            2
        } else if self.lossy + self.invalid > 0 {
            1
        } else {
            0
        }
    }

    /// All documents.
    pub fn total(&self) -> usize {
        self.lossless + self.lossy + self.invalid + self.unknown
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} documents: {} lossless, {} lossy, {} invalid, {} unknown",
            self.total(),
            self.lossless,
            self.lossy,
            self.invalid,
            self.unknown
        )
    }
}

/// Objects the admission rules of one document may need from the rest of the input.
pub struct Context<'a> {
    source: &'a Path,
    policies: &'a [(PathBuf, PlacementPolicy)],
}

impl Context<'_> {
    /// The PlacementPolicy called `name`: from the same file if it defines one, else from the
    /// whole input if exactly one distinct policy of that name is there; otherwise unknown
    /// (it may exist on the hub).
    pub fn policy(&self, name: &str) -> PolicyLookup<'_> {
        let named = |pp: &&(PathBuf, PlacementPolicy)| pp.1.metadata.name.as_deref() == Some(name);
        if let Some((_, pp)) = self
            .policies
            .iter()
            .filter(named)
            .find(|(src, _)| src == self.source)
        {
            return PolicyLookup::Known(Some(pp));
        }
        let mut candidates = self.policies.iter().filter(named).map(|(_, pp)| pp);
        match (candidates.next(), candidates.next()) {
            (Some(first), None) => PolicyLookup::Known(Some(first)),
            (Some(first), Some(second)) if first == second => PolicyLookup::Known(Some(first)),
            _ => PolicyLookup::Unknown,
        }
    }
}

/// A workspace kind the checker knows: its admission rules.
pub trait Checked:
    Resource<DynamicType = ()> + CustomResourceExt + DeserializeOwned + Serialize
{
    /// Admission violations, as `path: reason` lines.
    fn admit(&self, ctx: &Context<'_>) -> Vec<String>;
}

fn lines(violations: Vec<admission::Violation>) -> Vec<String> {
    violations.iter().map(ToString::to_string).collect()
}

impl Checked for MariaDB {
    fn admit(&self, ctx: &Context<'_>) -> Vec<String> {
        let name = self.placement_policy_name().unwrap_or("default");
        lines(admission::validate_mariadb(self, ctx.policy(name)))
    }
}

impl Checked for PlacementPolicy {
    fn admit(&self, _: &Context<'_>) -> Vec<String> {
        lines(admission::validate_placement_policy(self))
    }
}

impl Checked for PetSet {
    fn admit(&self, ctx: &Context<'_>) -> Vec<String> {
        let lookup = match &self.spec.pod_placement_policy {
            Some(r) => ctx.policy(&r.name),
            None => PolicyLookup::Unknown,
        };
        lines(admission::validate_petset(self, lookup))
    }
}

/// Kinds without admission rules of their own.
macro_rules! no_admission_rules {
    ($($kind:ty),* $(,)?) => {$(
        impl Checked for $kind {
            fn admit(&self, _: &Context<'_>) -> Vec<String> {
                Vec::new()
            }
        }
    )*};
}

no_admission_rules!(
    MariaDBVersion,
    ks::controller::v1alpha1::ServiceExportConfig,
    ks::controller::v1alpha1::VpnKeyRotation,
    ks::worker::v1alpha1::WorkerSliceConfig,
    ks::worker::v1alpha1::WorkerSliceGateway,
    ks::worker::v1alpha1::WorkerServiceImport,
    ks::worker::v1alpha1::WorkerSliceGwRecycler,
    ks::networking::v1beta1::ServiceExport,
    ks::networking::v1beta1::ServiceImport,
    ks::networking::v1beta1::SliceGateway,
    ks::networking::v1beta1::Slice,
    ocm::cluster::v1::ManagedCluster,
    ocm::cluster::v1beta2::ManagedClusterSet,
    ocm::cluster::v1beta1::Placement,
    ocm::cluster::v1beta1::PlacementDecision,
    ocm::cluster::v1alpha1::AddOnPlacementScore,
    ocm::work::v1::AppliedManifestWork,
    ocm::operator::v1::Klusterlet,
    ocm::operator::v1::ClusterManager,
    ocm::addon::v1alpha1::ClusterManagementAddOn,
    ocm::addon::v1alpha1::ManagedClusterAddOn,
    ocm::addon::v1beta1::ClusterManagementAddOn,
    ocm::addon::v1beta1::ManagedClusterAddOn,
);

fn ocm_lines(violations: Vec<ocm::validation::Violation>) -> Vec<String> {
    violations.iter().map(ToString::to_string).collect()
}

impl Checked for ocm::work::v1::ManifestWork {
    fn admit(&self, _: &Context<'_>) -> Vec<String> {
        ocm_lines(ocm::validation::validate_manifest_work(&self.spec))
    }
}

impl Checked for ocm::work::v1alpha1::ManifestWorkReplicaSet {
    fn admit(&self, _: &Context<'_>) -> Vec<String> {
        let template = self.spec.manifest_work_template.clone().unwrap_or_default();
        ocm::validation::validate_manifest_work(&template)
            .into_iter()
            .map(|v| {
                format!(
                    "{}: {}",
                    v.path.replacen("spec.", "spec.manifestWorkTemplate.", 1),
                    v.rule
                )
            })
            .collect()
    }
}

impl Checked for ocm::cluster::v1beta2::ManagedClusterSetBinding {
    fn admit(&self, _: &Context<'_>) -> Vec<String> {
        ocm_lines(ocm::validation::validate_cluster_set_binding(self))
    }
}

fn ks_lines(violations: Vec<ks::validation::Violation>) -> Vec<String> {
    violations.iter().map(ToString::to_string).collect()
}

/// KubeSlice rules that need only the object: the hub's namespaces, registered clusters and
/// QoS profiles are not known to a manifest check, so the rules that need them are skipped.
impl Checked for ks::controller::v1alpha1::SliceConfig {
    fn admit(&self, _: &Context<'_>) -> Vec<String> {
        ks_lines(ks::validation::validate_slice_config(
            self,
            &Default::default(),
        ))
    }
}

impl Checked for ks::controller::v1alpha1::Project {
    fn admit(&self, _: &Context<'_>) -> Vec<String> {
        ks_lines(ks::validation::validate_project(
            self,
            ks::validation::CONTROLLER_NAMESPACE,
        ))
    }
}

impl Checked for ks::controller::v1alpha1::Cluster {
    fn admit(&self, _: &Context<'_>) -> Vec<String> {
        ks_lines(ks::validation::validate_cluster(self, &Default::default()))
    }
}

impl Checked for ks::controller::v1alpha1::SliceQoSConfig {
    fn admit(&self, _: &Context<'_>) -> Vec<String> {
        ks_lines(ks::validation::validate_slice_qos_config(
            self,
            &Default::default(),
        ))
    }
}

enum Outcome {
    Parsed {
        roundtrip: Value,
        violations: Vec<String>,
    },
    Rejected(String),
}

struct KindEntry {
    api_version: String,
    kind: String,
    schema: Value,
    default_spec: Value,
    run: fn(&Value, &Context<'_>) -> Outcome,
}

fn run<K: Checked>(value: &Value, ctx: &Context<'_>) -> Outcome {
    match serde_path_to_error::deserialize::<_, K>(value) {
        Err(e) => Outcome::Rejected(format!("{}: {}", e.path(), e.inner())),
        Ok(obj) => match serde_json::to_value(&obj) {
            Ok(roundtrip) => Outcome::Parsed {
                violations: obj.admit(ctx),
                roundtrip,
            },
            Err(e) => Outcome::Rejected(e.to_string()),
        },
    }
}

/// The `openAPIV3Schema` of `K`'s generated CRD, for `K`'s version.
pub fn crd_schema<K: Resource<DynamicType = ()> + CustomResourceExt>() -> Value {
    let crd = serde_json::to_value(K::crd()).unwrap_or_default();
    let version = K::version(&());
    crd["spec"]["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|v| v["name"] == *version)
        .map(|v| v["schema"]["openAPIV3Schema"].clone())
        .unwrap_or_default()
}

fn entry<K>() -> KindEntry
where
    K: Checked + kube::core::object::HasSpec,
    K::Spec: Default + Serialize,
{
    KindEntry {
        api_version: K::api_version(&()).into_owned(),
        kind: K::kind(&()).into_owned(),
        schema: crd_schema::<K>(),
        default_spec: serde_json::to_value(K::Spec::default()).unwrap_or_default(),
        run: run::<K>,
    }
}

/// Checks documents against every kind the workspace types.
pub struct Checker {
    kinds: &'static [KindEntry],
}

/// The kinds, with their generated schemas, built once per process.
static KINDS: std::sync::OnceLock<Vec<KindEntry>> = std::sync::OnceLock::new();

impl Default for Checker {
    fn default() -> Self {
        Self::new()
    }
}

impl Checker {
    /// A checker for every kind the workspace types.
    pub fn new() -> Self {
        Checker {
            kinds: KINDS.get_or_init(|| {
                vec![
                    entry::<MariaDB>(),
                    entry::<PlacementPolicy>(),
                    entry::<PetSet>(),
                    entry::<MariaDBVersion>(),
                    entry::<ks::controller::v1alpha1::Project>(),
                    entry::<ks::controller::v1alpha1::Cluster>(),
                    entry::<ks::controller::v1alpha1::SliceConfig>(),
                    entry::<ks::controller::v1alpha1::SliceQoSConfig>(),
                    entry::<ks::controller::v1alpha1::ServiceExportConfig>(),
                    entry::<ks::controller::v1alpha1::VpnKeyRotation>(),
                    entry::<ks::worker::v1alpha1::WorkerSliceConfig>(),
                    entry::<ks::worker::v1alpha1::WorkerSliceGateway>(),
                    entry::<ks::worker::v1alpha1::WorkerServiceImport>(),
                    entry::<ks::worker::v1alpha1::WorkerSliceGwRecycler>(),
                    entry::<ks::networking::v1beta1::ServiceExport>(),
                    entry::<ks::networking::v1beta1::ServiceImport>(),
                    entry::<ks::networking::v1beta1::SliceGateway>(),
                    entry::<ks::networking::v1beta1::Slice>(),
                    entry::<ocm::cluster::v1::ManagedCluster>(),
                    entry::<ocm::cluster::v1beta2::ManagedClusterSet>(),
                    entry::<ocm::cluster::v1beta2::ManagedClusterSetBinding>(),
                    entry::<ocm::cluster::v1beta1::Placement>(),
                    entry::<ocm::cluster::v1beta1::PlacementDecision>(),
                    entry::<ocm::cluster::v1alpha1::AddOnPlacementScore>(),
                    entry::<ocm::work::v1::ManifestWork>(),
                    entry::<ocm::work::v1::AppliedManifestWork>(),
                    entry::<ocm::work::v1alpha1::ManifestWorkReplicaSet>(),
                    entry::<ocm::operator::v1::Klusterlet>(),
                    entry::<ocm::operator::v1::ClusterManager>(),
                    entry::<ocm::addon::v1alpha1::ClusterManagementAddOn>(),
                    entry::<ocm::addon::v1alpha1::ManagedClusterAddOn>(),
                    entry::<ocm::addon::v1beta1::ClusterManagementAddOn>(),
                    entry::<ocm::addon::v1beta1::ManagedClusterAddOn>(),
                ]
            }),
        }
    }

    /// `(apiVersion, kind)` of every kind this checker knows.
    pub fn kinds(&self) -> impl Iterator<Item = (&str, &str)> {
        self.kinds
            .iter()
            .map(|k| (k.api_version.as_str(), k.kind.as_str()))
    }

    /// Checks every document; references between documents (a MariaDB's PlacementPolicy)
    /// are resolved within the input.
    pub fn check(&self, docs: &[Document]) -> Vec<Report> {
        let policies: Vec<(PathBuf, PlacementPolicy)> = docs
            .iter()
            .filter(|d| {
                d.value["apiVersion"] == "apps.k8s.appscode.com/v1"
                    && d.value["kind"] == "PlacementPolicy"
            })
            .filter_map(|d| {
                serde_json::from_value(d.value.clone())
                    .ok()
                    .map(|pp| (d.source.clone(), pp))
            })
            .collect();
        docs.iter()
            .map(|doc| {
                let ctx = Context {
                    source: &doc.source,
                    policies: &policies,
                };
                self.check_one(doc, &ctx)
            })
            .collect()
    }

    fn check_one(&self, doc: &Document, ctx: &Context<'_>) -> Report {
        let text = |v: &Value| v.as_str().map(str::to_owned);
        let meta = &doc.value["metadata"];
        let name = text(&meta["name"]).map(|n| match text(&meta["namespace"]) {
            Some(ns) => format!("{ns}/{n}"),
            None => n,
        });
        let api_version = text(&doc.value["apiVersion"]);
        let kind = text(&doc.value["kind"]);
        let entry = self.kinds.iter().find(|k| {
            api_version.as_deref() == Some(k.api_version.as_str())
                && kind.as_deref() == Some(k.kind.as_str())
        });
        let verdict = match entry {
            None => Verdict::Unknown,
            Some(entry) => judge(entry, &doc.value, ctx),
        };
        Report {
            source: doc.source.clone(),
            index: doc.index,
            line: doc.line,
            api_version,
            kind,
            name,
            verdict,
        }
    }
}

fn judge(entry: &KindEntry, value: &Value, ctx: &Context<'_>) -> Verdict {
    // What the API server stores: unknown fields and nulls pruned.
    let mut doc = value.clone();
    let mut lost: Vec<String> = schema::prune(&mut doc, &entry.schema);
    // The types always carry `metadata` and (for kinds with one) `spec`; the server accepts
    // objects without them. Parse such objects with the type's empty value and compare
    // without it.
    let mut absent = Vec::new();
    if let Some(obj) = doc.as_object_mut() {
        let mut fill = |key: &'static str, default: &Value| {
            if !obj.contains_key(key) {
                obj.insert(key.to_owned(), default.clone());
                absent.push(key);
            }
        };
        fill("metadata", &Value::Object(Default::default()));
        if entry.schema["properties"].get("spec").is_some() {
            fill("spec", &entry.default_spec);
        }
    }
    let (mut roundtrip, violations) = match (entry.run)(&doc, ctx) {
        Outcome::Rejected(reason) => return Verdict::Invalid(vec![reason]),
        Outcome::Parsed {
            roundtrip,
            violations,
        } => (roundtrip, violations),
    };
    if !violations.is_empty() {
        return Verdict::Invalid(violations);
    }
    for key in absent {
        if roundtrip.get(key) == doc.get(key)
            && let (Some(r), Some(d)) = (roundtrip.as_object_mut(), doc.as_object_mut())
        {
            r.remove(key);
            d.remove(key);
        }
    }
    lost.extend(
        schema::diff(&doc, &roundtrip)
            .iter()
            .map(ToString::to_string),
    );
    if lost.is_empty() {
        Verdict::Lossless
    } else {
        Verdict::Lossy(lost)
    }
}
