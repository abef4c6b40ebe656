//! Shared by the fidelity tests: where the pinned upstream files are, and how to read them.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use distributed_galera::kinds::{KindVisitor, Owner, WorkspaceKind, for_each_kind};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use serde_json::Value;

/// `true` when the pinned upstream files are there for the test `what`; otherwise
/// [`fidelity::shared`]'s policy (a `SKIPPED` line, or a failure under `CI=true`). Every test
/// of this suite asks first.
pub fn pins(what: &str) -> bool {
    fidelity::upstream(what).is_some()
}

/// `shared/upstream` (ask [`pins`] first).
pub fn upstream() -> PathBuf {
    fidelity::shared_location().join("upstream")
}

/// Reads every YAML document of a file as JSON.
pub fn yaml_docs(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()));
    serde_saphyr::from_multiple(&text)
        .unwrap_or_else(|e| panic!("{}: malformed YAML: {e}", path.display()))
}

/// The `openAPIV3Schema` of `version` in the upstream CRD file `file` (relative to
/// `upstream()`).
pub fn upstream_schema(file: &str, version: &str) -> Value {
    let path = upstream().join(file);
    let crd = yaml_docs(&path)
        .into_iter()
        .find(|d| d["kind"] == "CustomResourceDefinition")
        .unwrap_or_else(|| panic!("{file}: no CustomResourceDefinition"));
    crd["spec"]["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|v| v["name"] == version)
        .map(|v| v["schema"]["openAPIV3Schema"].clone())
        .unwrap_or_else(|| panic!("{file}: no version {version}"))
}

/// Our generated schema with `apiVersion`, `kind` and `metadata` filled in: kube-derive
/// leaves them to the API server, but the Rust type holds both strings and a full
/// `ObjectMeta`.
pub fn with_object_meta(mut ours: Value) -> Value {
    ours["properties"]["apiVersion"] = serde_json::json!({"type": "string"});
    ours["properties"]["kind"] = serde_json::json!({"type": "string"});
    let settings = schemars::generate::SchemaSettings::openapi3().with(|s| {
        s.inline_subschemas = true;
        s.meta_schema = None;
    });
    let meta = settings
        .into_generator()
        .into_root_schema_for::<k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta>();
    let meta = serde_json::to_value(meta).expect("ObjectMeta schema serializes");
    ours["properties"]["metadata"] = meta;
    ours
}

/// Measures coverage of an upstream CRD version by our schema; prints
/// `kind: covered/total` and what is missing, and returns the coverage.
pub fn report_coverage(
    kind: &str,
    file: &str,
    version: &str,
    ours: Value,
) -> distributed_galera::schema::Coverage {
    let up = upstream_schema(file, version);
    let c = distributed_galera::schema::coverage(&up, &with_object_meta(ours));
    println!("{kind} {version}: {}/{}", c.covered, c.total);
    for (path, why) in &c.missing {
        println!("  missing {path}: {why}");
    }
    c
}

/// [`report_coverage`] for a derived kind against the upstream CRD at `crd` (relative to
/// `../shared/upstream`), with the kind and version taken from the type.
pub fn coverage_of<K>(crd: &str) -> distributed_galera::schema::Coverage
where
    K: kube::Resource<DynamicType = ()> + kube::CustomResourceExt,
{
    report_coverage(
        &K::kind(&()),
        crd,
        &K::version(&()),
        distributed_galera::check::crd_schema::<K>(),
    )
}

/// Fails naming every incomplete coverage.
pub fn assert_all_covered(results: &[distributed_galera::schema::Coverage]) {
    for c in results {
        assert!(
            c.is_complete(),
            "{}/{} covered; missing {:?}",
            c.covered,
            c.total,
            c.missing
        );
    }
}

/// Asserts that our CRD has upstream's scope, names, short names, categories, status/scale
/// subresources and printer columns for `version`.
pub fn assert_crd_names(
    ours: &k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition,
    upstream_file: &str,
) {
    let name = ours.metadata.name.clone().unwrap_or_default();
    let up = yaml_docs(&upstream().join(upstream_file))
        .into_iter()
        .find(|d| d["kind"] == "CustomResourceDefinition")
        .unwrap_or_else(|| panic!("{upstream_file}: no CRD"));
    let ours = serde_json::to_value(ours).expect("CRD JSON");
    assert_eq!(ours["spec"]["group"], up["spec"]["group"], "{name} group");
    assert_eq!(ours["spec"]["scope"], up["spec"]["scope"], "{name} scope");
    for key in ["kind", "plural", "singular", "shortNames", "categories"] {
        assert_eq!(
            ours["spec"]["names"][key], up["spec"]["names"][key],
            "{name} names.{key}"
        );
    }
    let v = &ours["spec"]["versions"][0];
    let uv = up["spec"]["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|x| x["name"] == v["name"])
        .unwrap_or_else(|| panic!("{name}: upstream has no version {}", v["name"]));
    // `subresources: {}` upstream is the same as none.
    let subresources = |x: &Value| match &x["subresources"] {
        Value::Object(m) if m.is_empty() => Value::Null,
        other => other.clone(),
    };
    assert_eq!(subresources(v), subresources(uv), "{name} subresources");
    let cols = |x: &Value| -> Vec<(String, String, String)> {
        x["additionalPrinterColumns"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                let s = |k: &str| c[k].as_str().unwrap_or("").to_owned();
                (s("name"), s("jsonPath"), s("type"))
            })
            .collect()
    };
    assert_eq!(cols(v), cols(uv), "{name} printer columns");
}

/// The generated CRD of every kind [`for_each_kind`] lists under `owner`, one per listed
/// version, in the list's order.
pub fn kind_crds(owner: Owner) -> Vec<CustomResourceDefinition> {
    struct Collect(Owner, Vec<CustomResourceDefinition>);
    impl KindVisitor for Collect {
        fn visit<K: WorkspaceKind>(&mut self, owner: Owner) {
            if owner == self.0 {
                self.1.push(K::crd());
            }
        }
    }
    let mut all = Collect(owner, Vec::new());
    for_each_kind(&mut all);
    assert!(!all.1.is_empty(), "no kind listed under {owner:?}");
    all.1
}

/// [`kind_crds`] with the versions of a kind merged into one CRD, as the API server serves
/// it (the storage version is the one listed first).
pub fn crds(owner: Owner) -> Vec<CustomResourceDefinition> {
    let mut kinds: Vec<Vec<CustomResourceDefinition>> = Vec::new();
    for crd in kind_crds(owner) {
        match kinds
            .iter_mut()
            .find(|v| v[0].metadata.name == crd.metadata.name)
        {
            Some(versions) => versions.push(crd),
            None => kinds.push(vec![crd]),
        }
    }
    kinds
        .into_iter()
        .map(|mut versions| {
            if versions.len() == 1 {
                return versions.remove(0);
            }
            let storage = versions[0].spec.versions[0].name.clone();
            kube::core::crd::merge_crds(versions, &storage).expect("the versions of a kind merge")
        })
        .collect()
}

/// The file under `../shared/upstream/<dir>` holding the CustomResourceDefinition of
/// `group`/`plural`. Panics when there is none, or more than one.
pub fn upstream_crd_file(dir: &str, group: &str, plural: &str) -> String {
    let found: Vec<String> = upstream_crd_files(dir)
        .into_iter()
        .filter(|(_, crd)| {
            crd["spec"]["group"] == group && crd["spec"]["names"]["plural"] == plural
        })
        .map(|(file, _)| file)
        .collect();
    match found.as_slice() {
        [file] => file.clone(),
        _ => panic!("{dir}: {} CRDs of {plural}.{group}: {found:?}", found.len()),
    }
}

/// Every CustomResourceDefinition in `../shared/upstream/<dir>`, with its file (relative to
/// `../shared/upstream`), in file name order.
pub fn upstream_crd_files(dir: &str) -> Vec<(String, Value)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(upstream().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .flat_map(|path| {
            let file = format!(
                "{dir}/{}",
                path.file_name().expect("a file").to_string_lossy()
            );
            yaml_docs(&path)
                .into_iter()
                .filter(|d| d["kind"] == "CustomResourceDefinition")
                .map(move |d| (file.clone(), d))
        })
        .collect()
}

/// [`coverage_of`] every kind [`for_each_kind`] lists under `owner`, each against its
/// upstream CRD in `../shared/upstream/<dir>`.
pub fn coverage_of_kinds(owner: Owner, dir: &str) -> Vec<distributed_galera::schema::Coverage> {
    struct Measure<'a>(Owner, &'a str, Vec<distributed_galera::schema::Coverage>);
    impl KindVisitor for Measure<'_> {
        fn visit<K: WorkspaceKind>(&mut self, owner: Owner) {
            if owner == self.0 {
                let file = upstream_crd_file(self.1, &K::group(&()), &K::plural(&()));
                self.2.push(coverage_of::<K>(&file));
            }
        }
    }
    let mut measure = Measure(owner, dir, Vec::new());
    for_each_kind(&mut measure);
    assert!(!measure.2.is_empty(), "no kind listed under {owner:?}");
    measure.2
}

/// The kinds [`for_each_kind`] lists under `owner` against the CRDs pinned in
/// `../shared/upstream/<dir>`: every listed kind and version is served by a CRD there, and a
/// kind's first listed version is its storage version. With `complete`, every CRD there is
/// listed, at every version it serves.
pub fn assert_kinds_match_upstream(owner: Owner, dir: &str, complete: bool) {
    let listed: Vec<(String, String, String)> = kind_crds(owner)
        .iter()
        .map(|crd| {
            (
                crd.spec.group.clone(),
                crd.spec.names.plural.clone(),
                crd.spec.versions[0].name.clone(),
            )
        })
        .collect();
    let upstream = upstream_crd_files(dir);
    let served = |group: &str, plural: &str| -> Vec<(String, bool)> {
        upstream
            .iter()
            .filter(|(_, crd)| {
                crd["spec"]["group"] == group && crd["spec"]["names"]["plural"] == plural
            })
            .flat_map(|(_, crd)| {
                crd["spec"]["versions"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .filter(|v| v["served"] == true)
            .map(|v| {
                (
                    v["name"].as_str().unwrap_or_default().to_owned(),
                    v["storage"] == true,
                )
            })
            .collect()
    };
    for (group, plural, version) in &listed {
        let versions = served(group, plural);
        assert!(
            versions.iter().any(|(v, _)| v == version),
            "{plural}.{group} {version} is listed under {owner:?} but no CRD in {dir} serves it"
        );
        let first = listed.iter().find(|(g, p, _)| g == group && p == plural);
        let storage = versions
            .iter()
            .find(|(_, storage)| *storage)
            .map(|(v, _)| v);
        assert_eq!(
            first.map(|(_, _, v)| v),
            storage,
            "{plural}.{group}: the first version listed is not the storage version in {dir}"
        );
    }
    if complete {
        for (file, crd) in &upstream {
            for v in crd["spec"]["versions"].as_array().into_iter().flatten() {
                let key = (
                    crd["spec"]["group"].as_str().unwrap_or_default().to_owned(),
                    crd["spec"]["names"]["plural"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    v["name"].as_str().unwrap_or_default().to_owned(),
                );
                assert!(
                    v["served"] != true || listed.contains(&key),
                    "{file}: {key:?} is served upstream but not listed under {owner:?}"
                );
            }
        }
    }
}
