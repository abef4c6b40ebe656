//! Structural-schema tools: pruning as the API server does it, coverage of one schema by
//! another, and differences between two JSON documents.
//!
//! Paths are written as `spec.rules[0].name`; the root is the empty string.

use serde_json::{Map, Value};

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
/// let pruned = deployer::schema::prune(&mut doc, &schema);
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
/// let c = deployer::schema::coverage(&up, &ours);
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
/// use deployer::schema::{diff, Change};
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
/// assert_eq!(deployer::schema::structural_violations(&bad).len(), 2);
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

/// A value the schema does not allow, as the API server reports it in a 422 answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Where (`spec.replicas`; empty for the root).
    pub path: String,
    /// What is wrong (`Required value`, `Unsupported value: "x"`, ...).
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Checks `value` against a structural `schema` the way the API server's OpenAPI validation
/// does: `type` (with `nullable` and `x-kubernetes-int-or-string`), `required`, `enum`,
/// `minimum`/`maximum`, `minLength`/`maxLength`, `minItems`/`maxItems` and `pattern`. CEL
/// rules (`x-kubernetes-validations`) and `format` are not checked. At the root,
/// `apiVersion`, `kind` and `metadata` are left to the server's own handling.
///
/// ```
/// use serde_json::json;
/// let schema = json!({"type": "object", "properties": {"spec": {"type": "object",
///     "required": ["version"],
///     "properties": {"version": {"type": "string"}, "replicas": {"type": "integer", "minimum": 1}}}}});
/// let v = deployer::schema::validate(&json!({"spec": {"replicas": 0}}), &schema);
/// let shown: Vec<String> = v.iter().map(ToString::to_string).collect();
/// assert_eq!(shown, ["spec.replicas: Invalid value: 0: should be greater than or equal to 1",
///                    "spec.version: Required value"]);
/// ```
pub fn validate(value: &Value, schema: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    validate_at(value, schema, "", true, &mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn type_matches(value: &Value, schema: &Value) -> bool {
    if value.is_null() {
        return flag(schema, "nullable");
    }
    if flag(schema, "x-kubernetes-int-or-string") {
        return value.is_string() || value.is_i64() || value.is_u64();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("boolean") => value.is_boolean(),
        Some("number") => value.is_number(),
        Some("integer") => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => true,
    }
}

fn validate_at(value: &Value, schema: &Value, path: &str, root: bool, out: &mut Vec<Violation>) {
    let push = |out: &mut Vec<Violation>, message: String| {
        out.push(Violation {
            path: path.to_owned(),
            message,
        })
    };
    if !type_matches(value, schema) {
        let wanted = schema
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("int-or-string");
        push(
            out,
            format!("Invalid value: {value}: must be of type {wanted}"),
        );
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !value.is_null()
        && !allowed.contains(value)
    {
        let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
        push(
            out,
            format!(
                "Unsupported value: {value}: supported values: {}",
                list.join(", ")
            ),
        );
    }
    if let Some(n) = value.as_f64() {
        if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
            && n < min
        {
            push(
                out,
                format!("Invalid value: {value}: should be greater than or equal to {min}"),
            );
        }
        if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
            && n > max
        {
            push(
                out,
                format!("Invalid value: {value}: should be less than or equal to {max}"),
            );
        }
    }
    let bound = |name: &str| schema.get(name).and_then(Value::as_u64);
    if let Some(s) = value.as_str() {
        let len = s.chars().count() as u64;
        if bound("minLength").is_some_and(|m| len < m) {
            push(out, format!("Invalid value: {value}: too short"));
        }
        if bound("maxLength").is_some_and(|m| len > m) {
            push(
                out,
                format!(
                    "Too long: may not be more than {} bytes",
                    bound("maxLength").unwrap_or_default()
                ),
            );
        }
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
            && regex::Regex::new(pattern).is_ok_and(|re| !re.is_match(s))
        {
            push(
                out,
                format!("Invalid value: {value}: should match '{pattern}'"),
            );
        }
    }
    match value {
        Value::Array(items) => {
            let len = items.len() as u64;
            if bound("minItems").is_some_and(|m| len < m) {
                push(
                    out,
                    format!(
                        "Invalid value: {len}: should have at least {} items",
                        bound("minItems").unwrap_or_default()
                    ),
                );
            }
            if bound("maxItems").is_some_and(|m| len > m) {
                push(
                    out,
                    format!(
                        "Too many: {len}: must have at most {} items",
                        bound("maxItems").unwrap_or_default()
                    ),
                );
            }
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    validate_at(item, item_schema, &format!("{path}[{i}]"), false, out);
                }
            }
        }
        Value::Object(map) => {
            let embedded = root || flag(schema, "x-kubernetes-embedded-resource");
            for key in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let skipped = embedded && matches!(key, "apiVersion" | "kind" | "metadata");
                if !skipped && map.get(key).is_none_or(Value::is_null) {
                    out.push(Violation {
                        path: child(path, key),
                        message: "Required value".to_owned(),
                    });
                }
            }
            let properties = schema.get("properties").and_then(Value::as_object);
            let additional = schema.get("additionalProperties").filter(|a| a.is_object());
            for (key, sub) in map {
                if embedded && matches!(key.as_str(), "apiVersion" | "kind" | "metadata") {
                    continue;
                }
                if let Some(s) = properties.and_then(|p| p.get(key)).or(additional) {
                    validate_at(sub, s, &child(path, key), false, out);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod validate_tests {
    use super::*;
    use serde_json::json;

    fn shown(value: Value, schema: Value) -> Vec<String> {
        validate(&value, &schema)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn types_nullability_and_int_or_string() {
        let schema = json!({"type": "object", "properties": {
            "port": {"x-kubernetes-int-or-string": true},
            "note": {"type": "string", "nullable": true},
            "count": {"type": "integer"},
            "ratio": {"type": "number"}}});
        assert!(
            shown(
                json!({"port": "http", "note": null, "count": 2.0, "ratio": 1}),
                schema.clone()
            )
            .is_empty()
        );
        assert_eq!(
            shown(json!({"port": 1.5, "count": 2.5, "ratio": "x"}), schema),
            [
                "count: Invalid value: 2.5: must be of type integer",
                "port: Invalid value: 1.5: must be of type int-or-string",
                "ratio: Invalid value: \"x\": must be of type number"
            ]
        );
    }

    #[test]
    fn bounds_patterns_and_lists() {
        let schema = json!({"type": "object", "properties": {
            "name": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 3},
            "items": {"type": "array", "maxItems": 1, "items": {"type": "object", "required": ["k"],
                "properties": {"k": {"type": "string", "enum": ["a"]}}}}}});
        assert_eq!(
            shown(json!({"name": "Abcd", "items": [{"k": "b"}, {}]}), schema),
            [
                "items: Too many: 2: must have at most 1 items",
                "items[0].k: Unsupported value: \"b\": supported values: \"a\"",
                "items[1].k: Required value",
                "name: Too long: may not be more than 3 bytes",
                "name: Invalid value: \"Abcd\": should match '^[a-z]+$'"
            ]
        );
    }

    #[test]
    fn embedded_resources_leave_identity_to_the_server() {
        let schema = json!({"type": "object", "required": ["kind", "spec"], "properties": {
            "spec": {"type": "object", "properties": {"template": {"type": "object",
                "x-kubernetes-embedded-resource": true, "required": ["metadata"],
                "properties": {"spec": {"type": "object"}}}}}}});
        assert_eq!(
            shown(json!({"spec": {"template": {"spec": 1}}}), schema),
            ["spec.template.spec: Invalid value: 1: must be of type object"]
        );
    }
}
