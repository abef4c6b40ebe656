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
use kubedb_types::admission::{self, Lookup, MariaDBInputs, OpsRequestInputs, PolicyLookup};
use kubedb_types::apps::v1::{PetSet, PlacementPolicy};
use kubedb_types::autoscaling::v1alpha1::MariaDBAutoscaler;
use kubedb_types::catalog::v1alpha1::MariaDBVersion;
use kubedb_types::kubedb::v1::MariaDB;
use kubedb_types::ops::v1alpha1::MariaDBOpsRequest;
use kubedb_types::release::{Catalog, CatalogEntry, Release};
use kubeslice_types as ks;
use ocm_types as ocm;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::kinds::{KindVisitor, Owner, WorkspaceKind, for_each_kind};
use structural_schema as schema;

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
    /// What the webhooks admit but this checker warns about (deliberately stricter rules, a
    /// deprecated version), and rules it could not run for want of an object the input lacks.
    pub warnings: Vec<String>,
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
        )?;
        if !self.warnings.is_empty() {
            write!(f, " (warning: {})", self.warnings.join("; "))?;
        }
        Ok(())
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

/// A workspace kind the checker knows: its admission rules.
pub trait Checked:
    Resource<DynamicType = ()> + CustomResourceExt + DeserializeOwned + Serialize
{
    /// Admission violations, as `path: reason` lines.
    fn admit(&self, ctx: &Context<'_>) -> Vec<String>;

    /// Warnings: findings the webhooks admit, and rules skipped for want of an object.
    fn warnings(&self, _ctx: &Context<'_>) -> Vec<String> {
        Vec::new()
    }

    /// The refusals and the warnings; kinds whose rules yield both override it to run them
    /// once.
    fn admission(&self, ctx: &Context<'_>) -> (Vec<String>, Vec<String>) {
        (self.admit(ctx), self.warnings(ctx))
    }
}

/// The refusals and the warnings among `violations`, as `path: reason` lines.
fn split(violations: Vec<admission::Violation>) -> (Vec<String>, Vec<String>) {
    let (refused, warned): (Vec<_>, Vec<_>) = violations
        .into_iter()
        .partition(admission::Violation::is_refusal);
    (lines(refused), warning_lines(warned))
}

/// The warnings among `violations`, as `path: reason` lines.
fn warning_lines(violations: Vec<admission::Violation>) -> Vec<String> {
    violations
        .iter()
        .filter(|v| !v.is_refusal())
        .map(ToString::to_string)
        .collect()
}

/// The refusals as `path: reason` lines, with the release's webhook message where upstream has
/// one; warnings (where this crate is stricter than the webhook) do not make a document
/// invalid.
fn lines(violations: Vec<admission::Violation>) -> Vec<String> {
    violations
        .iter()
        .filter(|v| v.is_refusal())
        .map(|v| match v.rule.upstream_message() {
            Some(answer) => format!("{v} (the webhook answers: {answer})"),
            None => v.to_string(),
        })
        .collect()
}

/// What a MariaDB's webhook reads, from the input (the hub's storage classes are unknown).
fn mariadb_inputs<'a>(md: &MariaDB, ctx: &'a Context<'_>) -> MariaDBInputs<'a> {
    let name = md.placement_policy_name().unwrap_or("default");
    MariaDBInputs {
        policy: ctx.policy(name),
        version: ctx.version(&md.spec.version),
        storage_classes: None,
    }
}

impl Checked for MariaDB {
    fn admit(&self, ctx: &Context<'_>) -> Vec<String> {
        lines(admission::validate_mariadb(
            self,
            ctx.release,
            &mariadb_inputs(self, ctx),
        ))
    }

    fn admission(&self, ctx: &Context<'_>) -> (Vec<String>, Vec<String>) {
        let inputs = mariadb_inputs(self, ctx);
        let (refused, mut warnings) =
            split(admission::validate_mariadb(self, ctx.release, &inputs));
        if self.is_distributed() && matches!(inputs.policy, Lookup::Unknown) {
            warnings.push(format!(
                "spec.podTemplate.spec.podPlacementPolicy: PlacementPolicy {:?} is not in the input (or is there more than once): the rules that read it were not checked",
                self.placement_policy_name().unwrap_or("default")
            ));
        }
        (refused, warnings)
    }
}

/// The slice rule of v2026.7.10 reads the SliceConfig the policy names: from the input when it
/// is there, else it is skipped (the SliceConfig may exist on the hub).
impl Checked for PlacementPolicy {
    fn admit(&self, ctx: &Context<'_>) -> Vec<String> {
        let slice = match &self.spec.cluster_spread_constraint {
            Some(csc) => ctx.slice(&csc.slice.project_namespace, &csc.slice.slice_name),
            None => Lookup::Unknown,
        };
        lines(admission::validate_placement_policy(
            self,
            ctx.release,
            slice,
        ))
    }

    fn warnings(&self, ctx: &Context<'_>) -> Vec<String> {
        let mut out = Vec::new();
        if ctx.release.policy_webhook_checks_slice()
            && let Some(csc) = &self.spec.cluster_spread_constraint
            && matches!(
                ctx.slice(&csc.slice.project_namespace, &csc.slice.slice_name),
                Lookup::Unknown
            )
        {
            out.push(format!(
                "spec.clusterSpreadConstraint.slice: SliceConfig {}/{} is not in the input: whether it onboards the policy's clusters was not checked",
                csc.slice.project_namespace, csc.slice.slice_name
            ));
        }
        out
    }
}

impl Checked for PetSet {
    fn admit(&self, ctx: &Context<'_>) -> Vec<String> {
        let lookup = match &self.spec.pod_placement_policy {
            Some(r) => ctx.policy(&r.name),
            None => PolicyLookup::Unknown,
        };
        lines(admission::validate_petset(self, ctx.release, lookup))
    }

    fn admission(&self, ctx: &Context<'_>) -> (Vec<String>, Vec<String>) {
        let lookup = match &self.spec.pod_placement_policy {
            Some(r) => ctx.policy(&r.name),
            None => PolicyLookup::Unknown,
        };
        split(admission::validate_petset(self, ctx.release, lookup))
    }
}

/// The OpsRequest webhook's rules, with the release's catalog and, when the input has it, the
/// MariaDB the request names (and that MariaDB's PlacementPolicy): every rule that reads it is
/// judged. When the MariaDB is not in the input (it is on the hub), the rules that read it are
/// skipped, and a warning lists each one.
impl Checked for MariaDBOpsRequest {
    fn admit(&self, ctx: &Context<'_>) -> Vec<String> {
        self.admission(ctx).0
    }

    fn admission(&self, ctx: &Context<'_>) -> (Vec<String>, Vec<String>) {
        let database = ctx.mariadb(
            self.metadata.namespace.as_deref(),
            &self.spec.database_ref.name,
        );
        let policy = match database {
            Lookup::Known(Some(md)) => md
                .placement_policy_name()
                .map_or(PolicyLookup::Unknown, |name| ctx.policy(name)),
            _ => PolicyLookup::Unknown,
        };
        let inputs = OpsRequestInputs {
            database,
            catalog: Some(ctx.catalog),
            policy,
        };
        let (refused, warned): (Vec<_>, Vec<_>) =
            admission::validate_mariadb_ops_request(self, ctx.release, &inputs)
                .into_iter()
                .partition(admission::Violation::is_refusal);
        // The ops webhook's texts depend on the release: they are the violations' answers.
        let refused = refused
            .iter()
            .map(|v| match &v.answer {
                Some(answer) => format!("{v} (the webhook answers: {answer})"),
                None => v.to_string(),
            })
            .collect();
        let mut warnings = warning_lines(warned);
        let skipped = admission::ops_rules_reading_database(self.spec.type_, ctx.release);
        if matches!(database, Lookup::Unknown) && !skipped.is_empty() {
            warnings.push(format!(
                "spec.databaseRef: MariaDB {:?} is not in the input, so these rules were not checked: {}",
                self.spec.database_ref.name,
                skipped.join("; ")
            ));
        }
        (refused, warnings)
    }
}

/// The kinds of [`for_each_kind`] without admission rules of their own. Every listed kind
/// needs a [`Checked`] implementation, here or with its rules above: the compiler refuses a
/// listed kind that has neither.
/// `MariaDBAutoscaler` has none: its webhook only defaults `opsRequestOptions` and requires
/// `databaseRef`, which the CRD requires already
/// (`kubedb/apimachinery@<release>:pkg/webhooks/autoscaling/v1alpha1/mariadb.go`).
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
    MariaDBAutoscaler,
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
        warnings: Vec<String>,
    },
    Rejected(String),
}

struct KindEntry {
    api_version: String,
    kind: String,
    schema: Value,
    /// The API server's validation of `schema`, compiled once.
    validator: schema::Validator,
    default_spec: Value,
    run: fn(&Value, &Context<'_>) -> Outcome,
}

fn run<K: Checked>(value: &Value, ctx: &Context<'_>) -> Outcome {
    match serde_path_to_error::deserialize::<_, K>(value) {
        Err(e) => Outcome::Rejected(format!("{}: {}", e.path(), e.inner())),
        Ok(obj) => match serde_json::to_value(&obj) {
            Ok(roundtrip) => {
                let (violations, warnings) = obj.admission(ctx);
                Outcome::Parsed {
                    violations,
                    warnings,
                    roundtrip,
                }
            }
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
    let schema = crd_schema::<K>();
    KindEntry {
        api_version: K::api_version(&()).into_owned(),
        kind: K::kind(&()).into_owned(),
        validator: schema::Validator::new(&schema),
        schema,
        default_spec: serde_json::to_value(K::Spec::default()).unwrap_or_default(),
        run: run::<K>,
    }
}

/// `K` judged against `crds` (a pinned upstream set) when they serve it, else against its
/// generated schema.
fn pinned<K>(crds: &[Value]) -> KindEntry
where
    K: Checked + kube::core::object::HasSpec,
    K::Spec: Default + Serialize,
{
    let generated = entry::<K>();
    match schema::served_schema(crds, &K::group(&()), &K::plural(&()), &K::version(&())) {
        Some(schema) => KindEntry {
            validator: schema::Validator::new(schema),
            schema: schema.clone(),
            ..generated
        },
        None => generated,
    }
}

/// Checks documents against every kind the workspace types: KubeDB kinds against the CRDs and
/// webhook rules of one KubeDB [`Release`], the OCM and KubeSlice kinds against the pinned
/// versions named by [`Checker::judged_against`].
pub struct Checker {
    kinds: &'static [KindEntry],
    release: Release,
}

/// The kinds of each release, with their schemas, built once per process.
static KINDS: [std::sync::OnceLock<Vec<KindEntry>>; 2] =
    [std::sync::OnceLock::new(), std::sync::OnceLock::new()];

/// The checker's table for `release`, one entry per kind of [`for_each_kind`]: KubeDB kinds
/// with the release's CRDs, the others with the pinned OCM and KubeSlice CRDs.
fn kinds(release: Release) -> Vec<KindEntry> {
    struct Table {
        release: Release,
        entries: Vec<KindEntry>,
    }
    impl KindVisitor for Table {
        fn visit<K: WorkspaceKind>(&mut self, owner: Owner) {
            let crds = match owner {
                Owner::KubeDb => self.release.crds(),
                Owner::KubeSlice => ks::crds::all(),
                Owner::Ocm => ocm::crds::all(),
            };
            self.entries.push(pinned::<K>(crds));
        }
    }
    let mut table = Table {
        release,
        entries: Vec::new(),
    };
    for_each_kind(&mut table);
    table.entries
}

impl Default for Checker {
    /// [`Checker::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl Checker {
    /// A checker for the newest supported KubeDB release ([`Release::NEWEST`]).
    pub fn new() -> Self {
        Self::for_release(Release::NEWEST)
    }

    /// A checker that judges KubeDB documents as a hub running `release` does: pruned against
    /// the release's CRDs and admitted by its webhook rules, with its MariaDBVersion catalog.
    pub fn for_release(release: Release) -> Self {
        let slot = &KINDS[Release::ALL.iter().position(|r| *r == release).unwrap_or(0)];
        let kinds = slot.get_or_init(|| kinds(release));
        Checker { kinds, release }
    }

    /// The KubeDB release this checker judges against.
    pub fn release(&self) -> Release {
        self.release
    }

    /// One line naming what documents are judged against: the KubeDB release (with the
    /// apimachinery and petset versions of its webhooks) and the pinned OCM and KubeSlice
    /// sources.
    pub fn judged_against(&self) -> String {
        format!(
            "judged against: KubeDB {} (kubedb/apimachinery {}, kubeops/petset {}); OCM {}; KubeSlice {}",
            self.release,
            self.release.apimachinery(),
            self.release.petset(),
            ocm::crds::PIN,
            ks::crds::PIN,
        )
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
        let mut refs = References::default();
        for doc in docs {
            refs.add(doc);
        }
        let catalog = refs.catalog(self.release);
        docs.iter()
            .map(|doc| {
                let ctx = Context {
                    source: &doc.source,
                    refs: &refs,
                    release: self.release,
                    catalog: &catalog,
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
        let (verdict, warnings) = match entry {
            None => (Verdict::Unknown, Vec::new()),
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
            warnings,
        }
    }
}

/// The verdict on one document, and the warnings of its admission rules.
fn judge(entry: &KindEntry, value: &Value, ctx: &Context<'_>) -> (Verdict, Vec<String>) {
    // What the API server stores: unknown fields and nulls pruned.
    let mut doc = value.clone();
    let mut lost: Vec<String> = schema::prune(&mut doc, &entry.schema);
    // Then what the API server refuses with 422: the schema's types, bounds, patterns, list
    // keys and CEL rules, before any webhook sees the object.
    let refused = entry.validator.validate(&doc, None);
    if !refused.is_empty() {
        return (
            Verdict::Invalid(refused.iter().map(ToString::to_string).collect()),
            Vec::new(),
        );
    }
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
    let (mut roundtrip, violations, warnings) = match (entry.run)(&doc, ctx) {
        Outcome::Rejected(reason) => return (Verdict::Invalid(vec![reason]), Vec::new()),
        Outcome::Parsed {
            roundtrip,
            violations,
            warnings,
        } => (roundtrip, violations, warnings),
    };
    if !violations.is_empty() {
        return (Verdict::Invalid(violations), warnings);
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
    let verdict = if lost.is_empty() {
        Verdict::Lossless
    } else {
        Verdict::Lossy(lost)
    };
    (verdict, warnings)
}
