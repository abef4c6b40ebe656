//! Structural-schema tools: pruning and validation as the API server does them, coverage of
//! one schema by another, and differences between two JSON documents.
//!
//! Paths are written as `spec.rules[0].name`; the root is the empty string.

use serde_json::{Map, Value};

mod validation;

pub use validation::{
    CHECKED_STRING_FORMATS, CompileProblem, SchemaError, Validator, Violation, ViolationKind,
};

/// The `openAPIV3Schema` that `crds` (CustomResourceDefinition objects as JSON) serve for
/// `group`/`plural` at `version`; `None` when no CRD serves that version with a schema.
///
/// ```
/// use serde_json::json;
/// let crds = [json!({"kind": "CustomResourceDefinition", "spec": {"group": "x.io",
///     "names": {"plural": "things"}, "versions": [{"name": "v1", "served": true,
///     "schema": {"openAPIV3Schema": {"type": "object"}}}]}})];
/// assert_eq!(structural_schema::served_schema(&crds, "x.io", "things", "v1"), Some(&json!({"type": "object"})));
/// assert_eq!(structural_schema::served_schema(&crds, "x.io", "things", "v2"), None);
/// ```
pub fn served_schema<'a>(
    crds: &'a [Value],
    group: &str,
    plural: &str,
    version: &str,
) -> Option<&'a Value> {
    crds.iter()
        .filter(|crd| crd["spec"]["group"] == group && crd["spec"]["names"]["plural"] == plural)
        .flat_map(|crd| crd["spec"]["versions"].as_array().into_iter().flatten())
        .find(|v| v["name"] == version && v["served"] != false)
        .and_then(|v| v["schema"].get("openAPIV3Schema"))
}

/// Appends a property name to a path.
fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn flag(schema: &Value, name: &str) -> bool {
    schema.get(name).and_then(Value::as_bool).unwrap_or(false)
}

/// Removes from `value` every field the structural `schema` does not declare, as the
/// Kubernetes API server does before storing a custom resource, and returns the removed
/// paths. `null` values of undeclared-nullable fields are dropped without being reported,
/// as the server drops them too. At the root, `apiVersion`, `kind` and `metadata` are left
/// to the server's own handling and never touched.
///
/// ```
/// use serde_json::json;
/// let schema = json!({"type": "object", "properties": {
///     "spec": {"type": "object", "properties": {"a": {"type": "string"}}}}});
/// let mut doc = json!({"apiVersion": "x/v1", "kind": "X", "spec": {"a": "1", "b": 2}});
/// let pruned = structural_schema::prune(&mut doc, &schema);
/// assert_eq!(pruned, vec!["spec.b".to_owned()]);
/// assert_eq!(doc, json!({"apiVersion": "x/v1", "kind": "X", "spec": {"a": "1"}}));
/// ```
pub fn prune(value: &mut Value, schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    prune_at(value, schema, "", true, &mut out);
    out
}

fn prune_at(value: &mut Value, schema: &Value, path: &str, root: bool, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => prune_object(map, schema, path, root, out),
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter_mut().enumerate() {
                    prune_at(item, item_schema, &format!("{path}[{i}]"), false, out);
                }
            }
        }
        _ => {}
    }
}

fn prune_object(
    map: &mut Map<String, Value>,
    schema: &Value,
    path: &str,
    root: bool,
    out: &mut Vec<String>,
) {
    let properties = schema.get("properties").and_then(Value::as_object);
    let additional = schema.get("additionalProperties").filter(|a| a.is_object());
    let preserve = flag(schema, "x-kubernetes-preserve-unknown-fields");
    let embedded = root || flag(schema, "x-kubernetes-embedded-resource");
    let keys: Vec<String> = map.keys().cloned().collect();
    for key in keys {
        if embedded && matches!(key.as_str(), "apiVersion" | "kind" | "metadata") {
            continue;
        }
        let declared = properties.and_then(|p| p.get(&key)).or(additional);
        let Some(field_schema) = declared else {
            if !preserve
                && let Some(removed) = map.remove(&key)
                && !removed.is_null()
            {
                out.push(child(path, &key));
            }
            continue;
        };
        if map.get(&key).is_some_and(Value::is_null) && !flag(field_schema, "nullable") {
            map.remove(&key);
            continue;
        }
        if let Some(v) = map.get_mut(&key) {
            prune_at(v, field_schema, &child(path, &key), false, out);
        }
    }
}

/// The type a schema node declares, as coverage compares it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeType {
    /// `type: X` with X one of object, array, string, integer, number, boolean.
    Typed(String),
    /// `x-kubernetes-int-or-string: true`.
    IntOrString,
    /// No type, unknown fields preserved: any value.
    Any,
}

impl NodeType {
    fn of(schema: &Value) -> NodeType {
        if flag(schema, "x-kubernetes-int-or-string") {
            return NodeType::IntOrString;
        }
        match schema.get("type").and_then(Value::as_str) {
            Some(t) => NodeType::Typed(t.to_owned()),
            None => NodeType::Any,
        }
    }
}

impl std::fmt::Display for NodeType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NodeType::Typed(t) => f.write_str(t),
            NodeType::IntOrString => f.write_str("int-or-string"),
            NodeType::Any => f.write_str("any"),
        }
    }
}

/// How much of an upstream schema another schema covers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Schema nodes (fields, list items, map values) in the upstream schema.
    pub total: usize,
    /// Nodes present in ours with a compatible type.
    pub covered: usize,
    /// Uncovered nodes: path and why.
    pub missing: Vec<(String, String)>,
}

impl Coverage {
    /// `true` when every upstream node is covered.
    pub fn is_complete(&self) -> bool {
        self.covered == self.total
    }
}

/// Measures how much of `upstream` (an `openAPIV3Schema`) `ours` covers: every field path of
/// upstream must exist in ours with a compatible type. A missing node counts once; its
/// descendants count as missing too but are not listed.
///
/// ```
/// use serde_json::json;
/// let up = json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}});
/// let ours = json!({"type": "object", "properties": {"a": {"type": "string"}}});
/// let c = structural_schema::coverage(&up, &ours);
/// assert_eq!((c.covered, c.total), (2, 3));
/// assert_eq!(c.missing[0].0, "b");
/// ```
pub fn coverage(upstream: &Value, ours: &Value) -> Coverage {
    let mut c = Coverage::default();
    cover(upstream, Some(ours), "", &mut c);
    c
}

fn count(schema: &Value) -> usize {
    let mut n = 1;
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        n += props.values().map(count).sum::<usize>();
    }
    if let Some(items) = schema.get("items") {
        n += count(items);
    }
    if let Some(add) = schema.get("additionalProperties").filter(|a| a.is_object()) {
        n += count(add);
    }
    n
}

fn cover(up: &Value, ours: Option<&Value>, path: &str, c: &mut Coverage) {
    let Some(ours) = ours else {
        c.total += count(up);
        c.missing.push((path.to_owned(), "absent".to_owned()));
        return;
    };
    c.total += 1;
    let (ut, ot) = (NodeType::of(up), NodeType::of(ours));
    let ours_preserves = flag(ours, "x-kubernetes-preserve-unknown-fields");
    if ut == ot || (ut == NodeType::Any && ours_preserves) {
        c.covered += 1;
    } else {
        c.missing
            .push((path.to_owned(), format!("type {ut} upstream, {ot} here")));
    }
    if let Some(props) = up.get("properties").and_then(Value::as_object) {
        for (key, sub) in props {
            let theirs = ours.get("properties").and_then(|p| p.get(key));
            cover(sub, theirs, &child(path, key), c);
        }
    }
    if let Some(items) = up.get("items") {
        cover(items, ours.get("items"), &format!("{path}[]"), c);
    }
    if let Some(add) = up.get("additionalProperties").filter(|a| a.is_object()) {
        let theirs = ours.get("additionalProperties").filter(|a| a.is_object());
        cover(add, theirs, &format!("{path}{{}}"), c);
    }
}

/// How a field differs between two documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Present before, absent after.
    Dropped,
    /// Absent before, present after.
    Added,
    /// Present in both with different values.
    Changed,
}

/// One difference between two documents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// Field path.
    pub path: String,
    /// What happened to it.
    pub change: Change,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.change {
            Change::Dropped => f.write_str(&self.path),
            Change::Added => write!(f, "{} (added)", self.path),
            Change::Changed => write!(f, "{} (changed)", self.path),
        }
    }
}

/// Lists where `after` differs from `before`: fields dropped, added or changed. `null` in
/// `before` counts as absent, and `1` equals `1.0`.
///
/// ```
/// use serde_json::json;
/// use structural_schema::{diff, Change};
/// let d = diff(&json!({"a": 1, "b": null, "c": [1, 2]}), &json!({"c": [1]}));
/// let paths: Vec<_> = d.iter().map(|d| (d.path.as_str(), d.change)).collect();
/// assert_eq!(paths, vec![("a", Change::Dropped), ("c[1]", Change::Dropped)]);
/// ```
pub fn diff(before: &Value, after: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    diff_at(before, after, "", &mut out);
    out
}

fn diff_at(before: &Value, after: &Value, path: &str, out: &mut Vec<Difference>) {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            for (key, bv) in b {
                match a.get(key) {
                    Some(av) => diff_at(bv, av, &child(path, key), out),
                    None if bv.is_null() => {}
                    None => out.push(Difference {
                        path: child(path, key),
                        change: Change::Dropped,
                    }),
                }
            }
            for key in a.keys().filter(|k| !b.contains_key(*k)) {
                out.push(Difference {
                    path: child(path, key),
                    change: Change::Added,
                });
            }
        }
        (Value::Array(b), Value::Array(a)) => {
            for (i, bv) in b.iter().enumerate() {
                match a.get(i) {
                    Some(av) => diff_at(bv, av, &format!("{path}[{i}]"), out),
                    None => out.push(Difference {
                        path: format!("{path}[{i}]"),
                        change: Change::Dropped,
                    }),
                }
            }
            for i in b.len()..a.len() {
                out.push(Difference {
                    path: format!("{path}[{i}]"),
                    change: Change::Added,
                });
            }
        }
        (b, a) if b == a || numbers_equal(b, a) || same_instant(b, a) => {}
        _ => out.push(Difference {
            path: path.to_owned(),
            change: Change::Changed,
        }),
    }
}

/// Two RFC 3339 timestamps of the same instant (`2021-07-06T15:00:00+08:00` and
/// `2021-07-06T07:00:00Z`) are the same value to a Kubernetes client.
fn same_instant(a: &Value, b: &Value) -> bool {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
    let (Value::String(_), Value::String(_)) = (a, b) else {
        return false;
    };
    let parse = |v: &Value| serde_json::from_value::<Time>(v.clone()).ok();
    matches!((parse(a), parse(b)), (Some(x), Some(y)) if x == y)
}

/// `1` and `1.0` are the same number to the API server.
fn numbers_equal(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => a.is_number() && b.is_number() && x == y,
        _ => false,
    }
}

/// Lists the places where a CRD schema is not structural in the Kubernetes sense: a node
/// with neither a `type` nor `x-kubernetes-int-or-string` / `x-kubernetes-preserve-unknown-fields`,
/// a `$ref`, or both `properties` and `additionalProperties`. Empty means structural.
///
/// ```
/// use serde_json::json;
/// let bad = json!({"type": "object", "properties": {"a": {"$ref": "#/x"}}});
/// assert_eq!(structural_schema::structural_violations(&bad).len(), 2);
/// ```
pub fn structural_violations(schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    structural_at(schema, "", &mut out);
    out
}

fn structural_at(schema: &Value, path: &str, out: &mut Vec<String>) {
    if schema.get("$ref").is_some() {
        out.push(format!("{path}: $ref is not allowed"));
    }
    let typed = schema.get("type").is_some()
        || flag(schema, "x-kubernetes-int-or-string")
        || flag(schema, "x-kubernetes-preserve-unknown-fields");
    if !typed {
        out.push(format!("{path}: no type"));
    }
    let props = schema.get("properties").and_then(Value::as_object);
    let additional = schema.get("additionalProperties").filter(|a| a.is_object());
    if props.is_some() && additional.is_some() {
        out.push(format!("{path}: both properties and additionalProperties"));
    }
    for (key, sub) in props.into_iter().flatten() {
        structural_at(sub, &child(path, key), out);
    }
    if let Some(items) = schema.get("items") {
        structural_at(items, &format!("{path}[]"), out);
    }
    if let Some(add) = additional {
        structural_at(add, &format!("{path}{{}}"), out);
    }
}

/// Validates `value` (a create) against the structural `schema` as the API server does; see
/// [`Validator`] for what is checked and how it is worded. Compiles the schema on every call:
/// to validate many documents, build a [`Validator`] once.
///
/// ```
/// use serde_json::json;
/// let schema = json!({"type": "object", "properties": {"spec": {"type": "object",
///     "properties": {"size": {"type": "string", "enum": ["a", "b"]}}}}});
/// let v = structural_schema::validate(&json!({"spec": {"size": "z"}}), &schema);
/// assert_eq!(v[0].to_string(), r#"spec.size: Unsupported value: "z": supported values: "a", "b""#);
/// ```
pub fn validate(value: &Value, schema: &Value) -> Vec<Violation> {
    Validator::new(schema).validate(value, None)
}

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
