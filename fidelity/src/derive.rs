//! The crates' release data, derived from the pinned upstream files.
//!
//! What the product must know about a KubeDB release and about the OCM and KubeSlice versions
//! it judges against is data of the crate that needs it (`kubedb-types/data/`,
//! `ocm-types/data/`, `kubeslice-types/data/`), derived here from `shared/upstream`:
//!
//! - each CustomResourceDefinition keeps its facts: `apiVersion`, `kind`, `metadata.name`, and
//!   all of `spec` (group, names with short names and categories, scope, every version with
//!   `served`, `storage`, subresources, printer columns, and its `openAPIV3Schema`: types,
//!   formats, enums, bounds, patterns, required fields, list and map semantics, defaults,
//!   `x-kubernetes-*` markers, CEL rules with their messages). It drops upstream's prose
//!   (every schema's and printer column's `description`), `metadata`'s annotations, labels and
//!   timestamps, and `status`. A property *named* `description` is a field, and stays.
//! - each release's `mariadb-catalog.tsv` becomes `catalog.json`: per MariaDBVersion its
//!   name, `spec.version`, whether it is deprecated, whether the catalog chart's default
//!   install creates it, its database image, and the chart file it comes from.
//!
//! The output is canonical (keys sorted, one-space indentation, a final newline), so the
//! fidelity test can compare bytes.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value};

/// One derived file: where it goes (relative to the workspace root) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DerivedFile {
    /// Path relative to the workspace root, for example `kubedb-types/data/v2025.7.31/crds.json`.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
}

/// Why the data could not be derived: the file and what is wrong with it.
#[derive(Debug)]
pub struct DeriveError {
    /// The pinned file (or folder) concerned.
    pub path: PathBuf,
    /// What went wrong.
    pub problem: String,
}

impl fmt::Display for DeriveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.problem)
    }
}

impl std::error::Error for DeriveError {}

fn error(path: &Path, problem: impl fmt::Display) -> DeriveError {
    DeriveError {
        path: path.to_path_buf(),
        problem: problem.to_string(),
    }
}

/// The folders each crate's data is derived from, relative to `shared/upstream`.
pub const SOURCES: [(&str, &str); 2] = [
    ("ocm/crds", "ocm-types"),
    ("kubeslice/crds", "kubeslice-types"),
];

/// Derives every data file from `shared` (the folder holding `upstream/`), sorted by path.
///
/// # Errors
/// When a pinned file cannot be read or parsed, or a catalog line is malformed.
pub fn derive_all(shared: &Path) -> Result<Vec<DerivedFile>, DeriveError> {
    let upstream = shared.join("upstream");
    let mut out = Vec::new();
    for (dir, krate) in SOURCES {
        let crds = crds_in_dir(&upstream.join(dir))?;
        out.push(DerivedFile {
            path: PathBuf::from(krate).join("data/crds.json"),
            text: canonical_json(&Value::Array(crds)),
        });
    }
    let releases = upstream.join("kubedb/releases");
    for release in sorted_entries(&releases)?
        .into_iter()
        .filter(|p| p.is_dir())
    {
        let tag = release
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| error(&release, "not a UTF-8 folder name"))?;
        let data = PathBuf::from("kubedb-types/data").join(tag);
        out.push(DerivedFile {
            path: data.join("crds.json"),
            text: canonical_json(&Value::Array(crds_in_dir(&release)?)),
        });
        let tsv = release.join("mariadb-catalog.tsv");
        out.push(DerivedFile {
            path: data.join("catalog.json"),
            text: canonical_json(&catalog(&tsv)?),
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, DeriveError> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| error(dir, format!("cannot read the folder: {e}")))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Every CRD of the `*.yaml` files of `dir`, stripped of prose, sorted by group and plural.
fn crds_in_dir(dir: &Path) -> Result<Vec<Value>, DeriveError> {
    let mut crds = Vec::new();
    for path in sorted_entries(dir)? {
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| error(&path, e))?;
        let docs: Vec<Value> = serde_saphyr::from_multiple(&text)
            .map_err(|e| error(&path, format!("malformed YAML: {e}")))?;
        for doc in docs
            .into_iter()
            .filter(|d| d["kind"] == "CustomResourceDefinition")
        {
            crds.push(strip_crd(&doc).map_err(|p| error(&path, p))?);
        }
    }
    crds.sort_by_key(|c| {
        (
            c["spec"]["group"].as_str().unwrap_or_default().to_owned(),
            c["spec"]["names"]["plural"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    });
    Ok(crds)
}

/// A CRD with its facts and without upstream's prose (see the module docs).
pub fn strip_crd(crd: &Value) -> Result<Value, String> {
    let name = crd["metadata"]["name"]
        .as_str()
        .ok_or("a CustomResourceDefinition without metadata.name")?;
    let spec = crd["spec"]
        .as_object()
        .ok_or_else(|| format!("{name}: no spec"))?;
    let mut out_spec = Map::new();
    for (key, value) in spec {
        if key == "versions" {
            let versions = value
                .as_array()
                .ok_or_else(|| format!("{name}: spec.versions is not a list"))?;
            out_spec.insert(
                key.clone(),
                Value::Array(versions.iter().map(strip_version).collect()),
            );
        } else {
            out_spec.insert(key.clone(), value.clone());
        }
    }
    let mut out = Map::new();
    out.insert("apiVersion".into(), crd["apiVersion"].clone());
    out.insert("kind".into(), crd["kind"].clone());
    out.insert("metadata".into(), serde_json::json!({ "name": name }));
    out.insert("spec".into(), Value::Object(out_spec));
    Ok(Value::Object(out))
}

fn strip_version(version: &Value) -> Value {
    let Some(map) = version.as_object() else {
        return version.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        let kept = match key.as_str() {
            "schema" => match value.get("openAPIV3Schema") {
                Some(schema) => serde_json::json!({ "openAPIV3Schema": strip_schema(schema) }),
                None => value.clone(),
            },
            "additionalPrinterColumns" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| without_description(c.clone()))
                    .collect(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), kept);
    }
    Value::Object(out)
}

fn without_description(mut v: Value) -> Value {
    if let Some(map) = v.as_object_mut() {
        map.remove("description");
    }
    v
}

/// A JSON schema without `description`s, at any depth of subschemas; values (`default`,
/// `example`, `enum`) and the names of properties are kept as they are.
pub fn strip_schema(schema: &Value) -> Value {
    let Some(map) = schema.as_object() else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        let kept = match key.as_str() {
            "description" => continue,
            "properties" | "patternProperties" | "definitions" | "dependencies" => {
                match value.as_object() {
                    Some(props) => Value::Object(
                        props
                            .iter()
                            .map(|(k, v)| (k.clone(), strip_schema(v)))
                            .collect(),
                    ),
                    None => value.clone(),
                }
            }
            "items" | "additionalProperties" | "additionalItems" | "not" => match value {
                Value::Array(items) => Value::Array(items.iter().map(strip_schema).collect()),
                other => strip_schema(other),
            },
            "allOf" | "anyOf" | "oneOf" => match value.as_array() {
                Some(items) => Value::Array(items.iter().map(strip_schema).collect()),
                None => value.clone(),
            },
            _ => value.clone(),
        };
        out.insert(key.clone(), kept);
    }
    Value::Object(out)
}

/// One MariaDBVersion of a release's catalog chart.
#[derive(Serialize)]
struct CatalogRecord<'a> {
    name: &'a str,
    version: &'a str,
    deprecated: bool,
    installed: bool,
    image: &'a str,
    source: &'a str,
}

/// `mariadb-catalog.tsv` (columns name, spec.version, default install, db.image, source; a
/// header line) as a list of records.
fn catalog(path: &Path) -> Result<Value, DeriveError> {
    let text = std::fs::read_to_string(path).map_err(|e| error(path, e))?;
    let mut records = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        let [name, version, install, image, source] = cols[..] else {
            return Err(error(
                path,
                format!("line {}: {} columns, expected 5", i + 1, cols.len()),
            ));
        };
        let installed = match install {
            "installed" => true,
            s if s.starts_with("not installed") => false,
            other => {
                return Err(error(
                    path,
                    format!(
                        "line {}: default install is {other:?}, expected \"installed\" or \"not installed (...)\"",
                        i + 1
                    ),
                ));
            }
        };
        records.push(CatalogRecord {
            name,
            version,
            deprecated: install.contains("deprecated") || source.contains("/deprecated-"),
            installed,
            image,
            source,
        });
    }
    serde_json::to_value(records).map_err(|e| error(path, e))
}

/// `value` as canonical JSON text: keys sorted, one-space indentation, a final newline.
pub fn canonical_json(value: &Value) -> String {
    fn sorted(v: &Value) -> Value {
        match v {
            Value::Object(map) => {
                let ordered: BTreeMap<&String, Value> =
                    map.iter().map(|(k, v)| (k, sorted(v))).collect();
                Value::Object(ordered.into_iter().map(|(k, v)| (k.clone(), v)).collect())
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    // Serializing a `Value` into a `Vec` cannot fail.
    let _ = sorted(value).serialize(&mut ser);
    let mut text = String::from_utf8_lossy(&buf).into_owned();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prose_goes_and_a_field_named_description_stays() {
        let schema = json!({
            "type": "object",
            "description": "prose",
            "properties": {
                "description": {"type": "string", "description": "prose", "maxLength": 3},
                "list": {"type": "array", "items": {"type": "integer", "description": "x", "minimum": 1}},
                "map": {"type": "object", "additionalProperties": {"description": "y", "pattern": "^a$"}},
            },
            "x-kubernetes-validations": [{"rule": "self.a > 0", "message": "a must be positive"}],
            "default": {"description": "a default value keeps its keys"},
        });
        let stripped = strip_schema(&schema);
        assert_eq!(
            stripped,
            json!({
                "type": "object",
                "properties": {
                    "description": {"type": "string", "maxLength": 3},
                    "list": {"type": "array", "items": {"type": "integer", "minimum": 1}},
                    "map": {"type": "object", "additionalProperties": {"pattern": "^a$"}},
                },
                "x-kubernetes-validations": [{"rule": "self.a > 0", "message": "a must be positive"}],
                "default": {"description": "a default value keeps its keys"},
            })
        );
    }

    #[test]
    fn canonical_json_sorts_keys() {
        assert_eq!(
            canonical_json(&json!({"b": 1, "a": [true]})),
            "{\n \"a\": [\n  true\n ],\n \"b\": 1\n}\n"
        );
    }
}
