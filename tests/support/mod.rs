//! Shared by the fidelity tests: where the pinned upstream files are, and how to read them.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;

/// `../shared/upstream` beside the project root. Panics with an explanation when absent:
/// these tests measure the types against the pinned upstream CRDs and samples and cannot
/// run without them.
pub fn upstream() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/upstream");
    assert!(
        dir.is_dir(),
        "{} is absent: the fidelity tests read the pinned upstream CRDs and samples from \
         ../shared/upstream beside the project root; check the project out next to shared/",
        dir.display()
    );
    dir
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

/// The generated CRDs of every KubeSlice kind.
pub fn kubeslice_crds()
-> Vec<k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition>
{
    use kube::CustomResourceExt;
    use kubeslice_types::controller::v1alpha1 as ctl;
    use kubeslice_types::networking::v1beta1 as net;
    use kubeslice_types::worker::v1alpha1 as wrk;
    vec![
        ctl::Project::crd(),
        ctl::Cluster::crd(),
        ctl::SliceConfig::crd(),
        ctl::SliceQoSConfig::crd(),
        ctl::ServiceExportConfig::crd(),
        ctl::VpnKeyRotation::crd(),
        wrk::WorkerSliceConfig::crd(),
        wrk::WorkerSliceGateway::crd(),
        wrk::WorkerServiceImport::crd(),
        wrk::WorkerSliceGwRecycler::crd(),
        net::ServiceExport::crd(),
        net::ServiceImport::crd(),
        net::SliceGateway::crd(),
        net::Slice::crd(),
    ]
}
