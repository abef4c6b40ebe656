//! The [`Checker`]: one entry per workspace kind ([`for_each_kind`]), each judged against the
//! pinned CRDs of its project (KubeDB kinds: those of one release) and its admission rules.

use kube::{CustomResourceExt, Resource};
use kubedb_types::release::Release;
use kubeslice_types as ks;
use ocm_types as ocm;
use serde::Serialize;
use serde_json::Value;
use structural_schema as schema;

use super::context::{Context, References};
use super::read::Document;
use super::report::{Report, Verdict};
use super::rules::Checked;
use crate::kinds::{KindVisitor, Owner, WorkspaceKind, for_each_kind};

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
                    line: doc.line,
                    refs: &refs,
                    release: self.release,
                    catalog: &catalog,
                };
                self.check_one(doc, &ctx)
            })
            .collect()
    }

    pub(super) fn check_one(&self, doc: &Document, ctx: &Context<'_>) -> Report {
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
