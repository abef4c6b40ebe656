//! The admission tables as data: every case of `testdata/validation/*.txt` runs one admission
//! function of `kubedb_types::validation` and compares what it finds with what the case
//! expects. The expected lines are written from the upstream sources each case cites, not
//! computed by the code under test. Adding a case is adding lines to a data file.
//!
//! The format is the `datadriven` crate's (as in tikv/raft-rs `src/quorum/testdata`):
//!
//! ```text
//! # what this case shows and its upstream source
//! validate_mariadb release=(v2025.7.31,v2026.7.10) absent=PlacementPolicy
//! kind: MariaDB
//! metadata: {name: mariadb, namespace: demo}
//! spec: {...}
//! ---
//! kind: MariaDBVersion
//! ...
//! ----
//! refused spec.podTemplate.spec.podPlacementPolicy: PlacementPolicy "default" does not exist: ...
//!   webhook: placementpolicies.apps.k8s.appscode.com "default" not found
//! ```
//!
//! The command is the function under test: `validate_mariadb`, `validate_mariadb_update`,
//! `validate_placement_policy`, `validate_placement_policy_update`, `validate_failover_policy`,
//! `validate_petset`, `validate_mariadb_ops_request` and `validate_mariadb_ops_request_update`.
//! The input is YAML documents separated by `---` lines: the object under test first (for an
//! update, the old object then the new one), then what the webhook reads from the hub. A
//! document without `apiVersion` gets its kind's. Hub objects:
//!
//! - `PlacementPolicy`: found by the name the MariaDB or PetSet references (a MariaDB without a
//!   reference names `default`, the CRD's default);
//! - `MariaDBVersion` (`metadata.name`, `spec.version`, `spec.deprecated`): the catalog, where
//!   a MariaDB's `spec.version` and an UpdateVersion's target are looked up;
//! - `StorageClass` (`metadata.name`): the hub's storage classes;
//! - `SliceConfig` (`metadata.name`, `metadata.namespace`, `spec.clusters`): found by the
//!   slice name (and project namespace, when given) the PlacementPolicy names;
//! - `MariaDB`: the database an OpsRequest names, found by name in the request's namespace.
//!
//! A kind with no document is unknown (the rules that read it are skipped), unless the case
//! lists it in `absent=(...)`: then it was looked up and there is none.
//!
//! `release=` names the releases to run (one tag or a list). When they all find the same, the
//! output is written once; else each release's output follows a `release <tag>` line.
//!
//! Output: `ok` when nothing is found, else one line per violation, `<refused|warning>
//! <path>: <rule text>`, followed by `  webhook: <text>` where upstream has an answer of its
//! own (`Violation::upstream_message`).

use datadriven::TestCase;
use kubedb_types::apps::v1::{PetSet, PlacementPolicy};
use kubedb_types::kubedb::v1::MariaDB;
use kubedb_types::ops::v1alpha1::MariaDBOpsRequest;
use kubedb_types::release::{Catalog, CatalogEntry, Release};
use kubedb_types::validation::{
    Lookup, MariaDBInputs, OpsRequestInputs, Severity, Violation, validate_failover_policy,
    validate_mariadb, validate_mariadb_ops_request, validate_mariadb_ops_request_update,
    validate_mariadb_update, validate_petset, validate_placement_policy,
    validate_placement_policy_update,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The `apiVersion` of each kind a case may write without one.
const API_VERSIONS: [(&str, &str); 7] = [
    ("MariaDB", "kubedb.com/v1"),
    ("PlacementPolicy", "apps.k8s.appscode.com/v1"),
    ("PetSet", "apps.k8s.appscode.com/v1"),
    ("MariaDBOpsRequest", "ops.kubedb.com/v1alpha1"),
    ("MariaDBVersion", "catalog.kubedb.com/v1alpha1"),
    ("StorageClass", "storage.k8s.io/v1"),
    ("SliceConfig", "controller.kubeslice.io/v1alpha1"),
];

#[test]
fn admission_tables() {
    datadriven::walk(
        concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/validation"),
        |file| file.run(run),
    );
}

/// Runs one case: the command's function over the input, for each release asked for.
fn run(case: &mut TestCase) -> Result<String, String> {
    let releases: Vec<Release> = match case.try_take_args::<String>("release") {
        Ok(Some(tags)) => tags
            .iter()
            .map(|t| t.parse().map_err(|e| format!("{e}")))
            .collect::<Result<_, _>>()?,
        Ok(None) => Vec::new(),
        Err(e) => return Err(e.to_string()),
    };
    let absent: Vec<String> = case
        .try_take_args("absent")
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    case.expect_empty().map_err(|e| e.to_string())?;
    let docs = documents(&case.input)?;
    let command = case.directive.as_str();
    let (under_test, hub) = match command {
        "validate_mariadb_update"
        | "validate_placement_policy_update"
        | "validate_mariadb_ops_request_update" => split(docs, 2, &absent)?,
        _ => split(docs, 1, &absent)?,
    };
    let needs_release = !matches!(
        command,
        "validate_mariadb_update" | "validate_failover_policy"
    );
    if needs_release == releases.is_empty() {
        return Err(format!(
            "{command}: release= is {}",
            if needs_release {
                "required"
            } else {
                "not read"
            }
        ));
    }
    let check = |release: Option<Release>| -> Result<Vec<Violation>, String> {
        let release = release.unwrap_or(Release::NEWEST);
        Ok(match command {
            "validate_mariadb" => {
                let md: MariaDB = typed(&under_test[0])?;
                let policy = hub.policy(md.placement_policy_name().unwrap_or("default"));
                let catalog = hub.catalog();
                let inputs = MariaDBInputs {
                    policy: lookup(&policy),
                    version: match &catalog {
                        None => Lookup::Unknown,
                        Some(c) => Lookup::Known(c.get(&md.spec.version)),
                    },
                    storage_classes: hub.storage_classes.as_deref(),
                };
                validate_mariadb(&md, release, &inputs)
            }
            "validate_mariadb_update" => {
                validate_mariadb_update(&typed(&under_test[0])?, &typed(&under_test[1])?)
            }
            "validate_placement_policy" => {
                let pp: PlacementPolicy = typed(&under_test[0])?;
                validate_placement_policy(&pp, release, slice_lookup(&hub.slice(&pp)))
            }
            "validate_placement_policy_update" => {
                let old: PlacementPolicy = typed(&under_test[0])?;
                let new: PlacementPolicy = typed(&under_test[1])?;
                let slice = hub.slice(&new);
                validate_placement_policy_update(&old, &new, release, slice_lookup(&slice))
            }
            "validate_failover_policy" => validate_failover_policy(&typed(&under_test[0])?),
            "validate_petset" => {
                let ps: PetSet = typed(&under_test[0])?;
                let name = ps
                    .spec
                    .pod_placement_policy
                    .as_ref()
                    .map(|r| r.name.as_str());
                let policy = hub.policy(name.unwrap_or_default());
                validate_petset(&ps, release, lookup(&policy))
            }
            "validate_mariadb_ops_request" => {
                let ops: MariaDBOpsRequest = typed(&under_test[0])?;
                hub.ops_request(&ops, |inputs| {
                    validate_mariadb_ops_request(&ops, release, inputs)
                })
            }
            "validate_mariadb_ops_request_update" => {
                let old: MariaDBOpsRequest = typed(&under_test[0])?;
                let new: MariaDBOpsRequest = typed(&under_test[1])?;
                hub.ops_request(&new, |inputs| {
                    validate_mariadb_ops_request_update(&old, &new, release, inputs)
                })
            }
            other => return Err(format!("unknown command {other}")),
        })
    };
    if releases.is_empty() {
        return Ok(render(&check(None)?));
    }
    let outputs = releases
        .iter()
        .map(|r| Ok((r, render(&check(Some(*r))?))))
        .collect::<Result<Vec<_>, String>>()?;
    if outputs.iter().all(|(_, out)| *out == outputs[0].1) {
        return Ok(outputs[0].1.clone());
    }
    Ok(outputs
        .iter()
        .map(|(r, out)| format!("release {r}\n{out}"))
        .collect())
}

/// The violations as the cases write them.
fn render(violations: &[Violation]) -> String {
    if violations.is_empty() {
        return "ok\n".into();
    }
    let mut out = String::new();
    for v in violations {
        let severity = match v.severity {
            Severity::Refused => "refused",
            Severity::Warning => "warning",
        };
        out.push_str(&format!("{severity} {v}\n"));
        if v.answer.is_some() || v.rule.upstream_message().is_some() {
            out.push_str(&format!("  webhook: {}\n", v.upstream_message()));
        }
    }
    out
}

/// The YAML documents of a case's input, each with its kind's `apiVersion` when it has none.
fn documents(input: &str) -> Result<Vec<Value>, String> {
    let mut docs = vec![String::new()];
    for line in input.lines() {
        if line == "---" {
            docs.push(String::new());
        } else if let Some(doc) = docs.last_mut() {
            doc.push_str(line);
            doc.push('\n');
        }
    }
    docs.iter()
        .filter(|d| !d.trim().is_empty())
        .map(|d| {
            let mut value: Value =
                serde_saphyr::from_str(d).map_err(|e| format!("YAML: {e}\n{d}"))?;
            let kind = value["kind"].as_str().unwrap_or_default().to_owned();
            if value.get("apiVersion").is_none() {
                let (_, api_version) = API_VERSIONS
                    .iter()
                    .find(|(k, _)| *k == kind)
                    .ok_or_else(|| format!("a document of unknown kind {kind:?}"))?;
                value["apiVersion"] = Value::from(*api_version);
            }
            Ok(value)
        })
        .collect()
}

/// The first `n` documents (the objects under test) and the hub the others make.
fn split(mut docs: Vec<Value>, n: usize, absent: &[String]) -> Result<(Vec<Value>, Hub), String> {
    if docs.len() < n {
        return Err(format!(
            "expected {n} objects under test, got {}",
            docs.len()
        ));
    }
    let rest = docs.split_off(n);
    let mut hub = Hub::default();
    for kind in absent {
        hub.known(kind)?;
    }
    for doc in rest {
        let kind = doc["kind"].as_str().unwrap_or_default().to_owned();
        let name = doc["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        match kind.as_str() {
            "PlacementPolicy" => hub.policies.get_or_insert_default().push(typed(&doc)?),
            "MariaDB" => hub.databases.get_or_insert_default().push(typed(&doc)?),
            "MariaDBVersion" => hub.versions.get_or_insert_default().push(CatalogEntry {
                name,
                version: doc["spec"]["version"].as_str().unwrap_or_default().into(),
                deprecated: doc["spec"]["deprecated"].as_bool().unwrap_or(false),
            }),
            "StorageClass" => hub.storage_classes.get_or_insert_default().push(name),
            "SliceConfig" => hub.slices.get_or_insert_default().push(Slice {
                name,
                namespace: doc["metadata"]["namespace"]
                    .as_str()
                    .unwrap_or_default()
                    .into(),
                clusters: typed(&doc["spec"]["clusters"])?,
            }),
            other => return Err(format!("a hub object of unknown kind {other:?}")),
        }
    }
    Ok((docs, hub))
}

/// One SliceConfig on the hub, as the PlacementPolicy webhook reads it.
struct Slice {
    name: String,
    namespace: String,
    clusters: Vec<String>,
}

/// What the hub holds, per kind: `None` when unknown.
#[derive(Default)]
struct Hub {
    policies: Option<Vec<PlacementPolicy>>,
    databases: Option<Vec<MariaDB>>,
    versions: Option<Vec<CatalogEntry>>,
    storage_classes: Option<Vec<String>>,
    slices: Option<Vec<Slice>>,
}

impl Hub {
    /// Marks `kind` as looked up.
    fn known(&mut self, kind: &str) -> Result<(), String> {
        match kind {
            "PlacementPolicy" => _ = self.policies.get_or_insert_default(),
            "MariaDB" => _ = self.databases.get_or_insert_default(),
            "MariaDBVersion" => _ = self.versions.get_or_insert_default(),
            "StorageClass" => _ = self.storage_classes.get_or_insert_default(),
            "SliceConfig" => _ = self.slices.get_or_insert_default(),
            other => return Err(format!("absent= names an unknown kind {other:?}")),
        }
        Ok(())
    }

    /// The PlacementPolicy called `name`: `None` when policies are unknown.
    fn policy(&self, name: &str) -> Option<Option<&PlacementPolicy>> {
        self.policies.as_ref().map(|all| {
            all.iter()
                .find(|p| p.metadata.name.as_deref() == Some(name))
        })
    }

    /// The MariaDBVersions as a catalog, when known.
    fn catalog(&self) -> Option<Catalog> {
        self.versions.as_ref().map(|entries| Catalog {
            entries: entries.clone(),
        })
    }

    /// The clusters of the SliceConfig `pp` names: `None` when slices are unknown.
    fn slice(&self, pp: &PlacementPolicy) -> Option<Option<&[String]>> {
        let (name, namespace) = match (&pp.spec.cluster_spread_constraint, &pp.spec.ocm) {
            (Some(csc), _) => (
                csc.slice.slice_name.as_str(),
                csc.slice.project_namespace.as_str(),
            ),
            (None, Some(ocm)) => (ocm.slice_name.as_deref().unwrap_or_default(), ""),
            (None, None) => ("", ""),
        };
        self.slices.as_ref().map(|all| {
            all.iter()
                .find(|s| s.name == name && (namespace.is_empty() || s.namespace == namespace))
                .map(|s| s.clusters.as_slice())
        })
    }

    /// Runs `check` with what the ops webhook reads for `ops`: the MariaDB it names, the
    /// catalog and that MariaDB's PlacementPolicy.
    fn ops_request(
        &self,
        ops: &MariaDBOpsRequest,
        check: impl FnOnce(&OpsRequestInputs<'_>) -> Vec<Violation>,
    ) -> Vec<Violation> {
        let namespace = ops.metadata.namespace.as_deref();
        let database = self.databases.as_ref().map(|all| {
            all.iter().find(|md| {
                md.metadata.name.as_deref() == Some(ops.spec.database_ref.name.as_str())
                    && (md.metadata.namespace.is_none()
                        || md.metadata.namespace.as_deref() == namespace)
            })
        });
        let policy_name = database
            .flatten()
            .map(|md| md.placement_policy_name().unwrap_or("default"))
            .unwrap_or("default");
        let policy = self.policy(policy_name);
        let catalog = self.catalog();
        check(&OpsRequestInputs {
            database: lookup(&database),
            catalog: catalog.as_ref(),
            policy: lookup(&policy),
        })
    }
}

/// A hub answer as a [`Lookup`]: `None` unknown, `Some(found)` looked up.
fn lookup<'a, T>(found: &Option<Option<&'a T>>) -> Lookup<'a, T> {
    match found {
        None => Lookup::Unknown,
        Some(found) => Lookup::Known(*found),
    }
}

/// [`lookup`] for a SliceConfig's clusters.
fn slice_lookup<'a>(found: &Option<Option<&'a [String]>>) -> Lookup<'a, [String]> {
    match found {
        None => Lookup::Unknown,
        Some(found) => Lookup::Known(*found),
    }
}

/// A document as its type.
fn typed<T: DeserializeOwned>(doc: &Value) -> Result<T, String> {
    serde_json::from_value(doc.clone()).map_err(|e| format!("{e}: {doc}"))
}
