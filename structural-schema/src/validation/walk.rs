//! The walk of a document along a compiled schema, as the API server validates a custom
//! resource: each value is judged by kube-openapi's validators (the `checks` module), the
//! alternatives (allOf/anyOf/oneOf/not) on that value alone, then the identity of embedded
//! resources (pkg/apiserver/schema/objectmeta/validation.go), list types
//! (pkg/apiserver/schema/listtype/validation.go) and CEL rules
//! (pkg/apiserver/schema/cel/validation.go), before the walk descends into properties, map
//! values and items with their correlated old values. Errors of a value equal to its old
//! value are ratcheted (pkg/apiserver/validation/ratcheting.go).

use std::sync::Arc;

use serde_json::{Map, Value};

use super::cel::Verdict;
use super::checks::{json_equal, null, value_type, value_validators};
use super::compile::{ListType, Node};
use super::errors::{Bad, Seg, Violation, ViolationKind, composite, field_error, render, required};

/// Validates `value` (with `old` on an update) against `root` and returns the violations in
/// the order the walk finds them.
pub(super) fn walk(
    root: &Node,
    env: &Arc<cel::Env>,
    value: &Value,
    old: Option<&Value>,
) -> Vec<Violation> {
    let mut walk = Walk {
        env,
        path: Vec::new(),
        out: Vec::new(),
    };
    walk.node(root, value, old, true);
    walk.out
}

struct Walk<'a> {
    env: &'a Arc<cel::Env>,
    path: Vec<Seg>,
    out: Vec<Violation>,
}

impl Walk<'_> {
    fn here(&self) -> String {
        render(&self.path, false)
    }

    /// Validates one value against one node and its descendants; `old` is the correlated old
    /// value on an update.
    fn node(&mut self, node: &Node, value: &Value, old: Option<&Value>, root: bool) {
        let start = self.out.len();
        self.openapi(node, value, old);
        // Ratcheting: errors of a value equal to its old value are dropped
        // (pkg/apiserver/validation/ratcheting.go); transition rules are never ratcheted.
        if let Some(o) = old
            && o == value
        {
            self.out.truncate(start);
        }
        if !root && node.embedded && value.is_object() {
            self.embedded(value);
        }
        self.list_type(node, value);
        self.cel(node, value, old);
        self.children(node, value, old);
    }

    /// kube-openapi's validators of one node, without recursing into properties or items.
    fn openapi(&mut self, node: &Node, value: &Value, old: Option<&Value>) {
        let name = self.here();
        if value.is_null() {
            null(&mut self.out, node, &name, value);
            return;
        }
        value_type(&mut self.out, node, &name, value);
        self.schema_props(node, value, old);
        value_validators(&mut self.out, node, &name, value);
    }

    fn schema_props(&mut self, node: &Node, value: &Value, old: Option<&Value>) {
        let here = self.here();
        // Each alternative is judged alone, on this value only.
        let judge = |walk: &mut Self, alt: &Node| -> Vec<Violation> {
            let mark = walk.out.len();
            walk.openapi(alt, value, old);
            walk.children_openapi(alt, value);
            walk.out.split_off(mark)
        };
        if !node.any_of.is_empty() {
            let mut first_failure = None;
            let mut ok = false;
            for alt in &node.any_of {
                let errs = judge(self, alt);
                if errs.is_empty() {
                    ok = true;
                    break;
                }
                first_failure.get_or_insert(errs);
            }
            if !ok {
                composite(
                    &mut self.out,
                    format!("{here:?} must validate at least one schema (anyOf)"),
                );
                self.out.extend(first_failure.unwrap_or_default());
            }
        }
        if !node.one_of.is_empty() {
            let mut valid = 0;
            let mut first_failure = None;
            for alt in &node.one_of {
                let errs = judge(self, alt);
                if errs.is_empty() {
                    valid += 1;
                } else if valid == 0 {
                    first_failure.get_or_insert(errs);
                }
            }
            if valid != 1 {
                let more = if valid == 0 {
                    "Found none valid".to_owned()
                } else {
                    format!("Found {valid} valid alternatives")
                };
                composite(
                    &mut self.out,
                    format!("{here:?} must validate one and only one schema (oneOf). {more}"),
                );
                if valid == 0 {
                    self.out.extend(first_failure.unwrap_or_default());
                }
            }
        }
        if !node.all_of.is_empty() {
            let mut valid = 0;
            for alt in &node.all_of {
                let errs = judge(self, alt);
                if errs.is_empty() {
                    valid += 1;
                }
                self.out.extend(errs);
            }
            if valid != node.all_of.len() {
                let more = if valid == 0 { ". None validated" } else { "" };
                composite(
                    &mut self.out,
                    format!("{here:?} must validate all the schemas (allOf){more}"),
                );
            }
        }
        if let Some(not) = &node.not
            && judge(self, not).is_empty()
        {
            composite(
                &mut self.out,
                format!("{here:?} must not validate the schema (not)"),
            );
        }
    }

    /// Properties and items of an alternative (allOf/anyOf/...), schema checks only.
    fn children_openapi(&mut self, node: &Node, value: &Value) {
        match value {
            Value::Object(map) => {
                for (k, child) in &node.properties {
                    if let Some(v) = child.effective(map.get(k)) {
                        self.path.push(Seg::Field(k.clone()));
                        self.openapi(child, v, None);
                        self.children_openapi(child, v);
                        self.path.pop();
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item) = &node.items {
                    for (i, v) in items.iter().enumerate() {
                        self.path.push(Seg::Index(i));
                        self.openapi(item, v, None);
                        self.children_openapi(item, v);
                        self.path.pop();
                    }
                }
            }
            _ => {}
        }
    }

    /// The identity of an embedded resource (objectmeta/validation.go
    /// `validateEmbeddedResource`): `apiVersion` and `kind` present, strings, not empty.
    fn embedded(&mut self, value: &Value) {
        for key in ["apiVersion", "kind"] {
            self.path.push(Seg::Field(key.to_owned()));
            let path = render(&self.path, true);
            let out = &mut self.out;
            match value.get(key) {
                None => required(out, path),
                Some(Value::String(s)) if s.is_empty() => field_error(
                    out,
                    path,
                    ViolationKind::Invalid,
                    Bad::Str(""),
                    "must not be empty",
                ),
                Some(Value::String(s)) if key == "apiVersion" && s.matches('/').count() > 1 => {
                    let detail = format!("unexpected GroupVersion string: {s}");
                    field_error(out, path, ViolationKind::Invalid, Bad::Str(s), &detail)
                }
                Some(Value::String(_)) => {}
                Some(other) => field_error(
                    out,
                    path,
                    ViolationKind::Invalid,
                    Bad::Value(other),
                    "must be a string",
                ),
            }
            self.path.pop();
        }
    }

    /// The `field.Path` of item `i` of the list at the current path.
    fn item_path(&mut self, i: usize) -> String {
        self.path.push(Seg::Index(i));
        let path = render(&self.path, true);
        self.path.pop();
        path
    }

    /// `x-kubernetes-list-type` (listtype/validation.go): duplicates in sets, duplicate keys
    /// in map lists, non-object items in map lists.
    fn list_type(&mut self, node: &Node, value: &Value) {
        let Some(items) = value.as_array() else {
            return;
        };
        match &node.list_type {
            Some(ListType::Set) => {
                for i in first_repeats(items) {
                    let path = self.item_path(i);
                    let bad = Bad::Value(&items[i]);
                    field_error(&mut self.out, path, ViolationKind::Duplicate, bad, "");
                }
            }
            Some(ListType::Map(keys)) => {
                if let Some(i) = items.iter().position(|x| !x.is_null() && !x.is_object()) {
                    let path = self.item_path(i);
                    let detail = "must be an object for an array of list-type map";
                    let bad = Bad::Value(&items[i]);
                    field_error(&mut self.out, path, ViolationKind::Invalid, bad, detail);
                    return;
                }
                let item_node = node.items.as_deref();
                let key_of = |x: &Value| -> Value {
                    let mut key = Map::new();
                    for k in keys {
                        let child = item_node.and_then(|n| n.properties.get(k));
                        let v = match child {
                            Some(c) => c.effective(x.get(k)),
                            None => x.get(k),
                        };
                        if let Some(v) = v {
                            key.insert(k.clone(), v.clone());
                        }
                    }
                    Value::Object(key)
                };
                let key_values: Vec<Value> = items.iter().map(key_of).collect();
                for i in first_repeats(&key_values) {
                    let path = self.item_path(i);
                    let bad = Bad::Value(&key_values[i]);
                    field_error(&mut self.out, path, ViolationKind::Duplicate, bad, "");
                }
            }
            _ => {}
        }
    }

    /// Properties, map values and items, each with its correlated old value.
    fn children(&mut self, node: &Node, value: &Value, old: Option<&Value>) {
        match value {
            Value::Object(map) => {
                for (k, child) in &node.properties {
                    if let Some(v) = child.effective(map.get(k)) {
                        let o = old.and_then(|o| child.effective(o.get(k)));
                        self.path.push(Seg::Field(k.clone()));
                        self.node(child, v, o, false);
                        self.path.pop();
                    }
                }
                if let Some(extra) = &node.additional {
                    for (k, v) in map
                        .iter()
                        .filter(|(k, _)| !node.properties.contains_key(*k))
                    {
                        let Some(v) = extra.effective(Some(v)) else {
                            continue;
                        };
                        let o = old.and_then(|o| extra.effective(o.get(k)));
                        self.path.push(Seg::Key(k.clone()));
                        self.node(extra, v, o, false);
                        self.path.pop();
                    }
                }
            }
            Value::Array(items) => {
                let Some(item) = &node.items else { return };
                let old_items = old.and_then(Value::as_array);
                for (i, v) in items.iter().enumerate() {
                    let v = match v {
                        Value::Null if !item.nullable => item.default.as_ref().unwrap_or(v),
                        v => v,
                    };
                    // Only items of map lists correlate with old items (by their keys).
                    let o = match (&node.list_type, old_items) {
                        (Some(ListType::Map(keys)), Some(olds)) => olds.iter().find(|o| {
                            keys.iter().all(|k| {
                                let c = item.properties.get(k);
                                let a = c.map_or(v.get(k), |c| c.effective(v.get(k)));
                                let b = c.map_or(o.get(k), |c| c.effective(o.get(k)));
                                a == b
                            })
                        }),
                        _ => None,
                    };
                    self.path.push(Seg::Index(i));
                    self.node(item, v, o, false);
                    self.path.pop();
                }
            }
            _ => {}
        }
    }

    /// `x-kubernetes-validations` (cel/validation.go `validateExpressions`).
    fn cel(&mut self, node: &Node, value: &Value, old: Option<&Value>) {
        if node.rules.is_empty() || value.is_null() {
            return;
        }
        let here = render(&self.path, true);
        let type_name = node.type_name.as_str();
        let this = to_cel(node, value);
        let before = old.map(|o| to_cel(node, o));
        let unchanged = old.is_some_and(|o| o == value);
        for rule in &node.rules {
            let message = match rule.judge(self.env, &this, before.as_ref()) {
                Verdict::Holds => continue,
                Verdict::Broken(detail) => {
                    let bad = Bad::Str(type_name);
                    let kind = ViolationKind::Invalid;
                    field_error(&mut self.out, here.clone(), kind, bad, &detail);
                    continue;
                }
                Verdict::Fails(message) => message,
            };
            // Rules without oldSelf are ratcheted on an unchanged value.
            if unchanged && !rule.uses_old_self {
                continue;
            }
            let path = match &rule.field_path {
                Some(p) if here.is_empty() => p.clone(),
                Some(p) => format!("{here}.{p}"),
                None => here.clone(),
            };
            let bad = if matches!(type_name, "object" | "array") {
                Bad::Omit
            } else {
                Bad::Value(value)
            };
            let kind = rule.reason.kind();
            let detail = if kind == ViolationKind::Duplicate {
                ""
            } else {
                message.as_str()
            };
            field_error(&mut self.out, path, kind, bad, detail);
        }
    }
}

/// Indices of the second occurrence of each repeated value (`validateListSet`).
fn first_repeats(items: &[Value]) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, x) in items.iter().enumerate() {
        let earlier = items[..i].iter().filter(|y| json_equal(x, y)).count();
        if earlier == 1 {
            out.push(i);
        }
    }
    out
}

/// A value as CEL sees it under `node`: declared fields only (unknown fields are pruned
/// before validation) with defaults applied, non-nullable `null`s dropped.
fn to_cel(node: &Node, value: &Value) -> cel::Value {
    match value {
        Value::Null => cel::Value::Null,
        Value::Bool(b) => cel::Value::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => cel::Value::Int(i),
            (None, Some(u)) => cel::Value::UInt(u),
            _ => cel::Value::Float(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => cel::Value::String(Arc::new(s.clone())),
        Value::Array(items) => {
            let list = items
                .iter()
                .map(|v| match &node.items {
                    Some(item) => to_cel(item, v),
                    None => to_cel(&Node::default(), v),
                })
                .collect();
            cel::Value::List(Arc::new(list))
        }
        Value::Object(map) => {
            let mut out: std::collections::HashMap<cel::objects::Key, cel::Value> =
                std::collections::HashMap::new();
            for (k, child) in &node.properties {
                if let Some(v) = child.effective(map.get(k)) {
                    out.insert(k.clone().into(), to_cel(child, v));
                }
            }
            let any = Node::default();
            for (k, v) in map
                .iter()
                .filter(|(k, _)| !node.properties.contains_key(*k))
            {
                let child = match &node.additional {
                    Some(a) => a.as_ref(),
                    None if node.preserve_unknown || node.properties.is_empty() => &any,
                    None => continue,
                };
                if let Some(v) = child.effective(Some(v)) {
                    out.insert(k.clone().into(), to_cel(child, v));
                }
            }
            cel::Value::Map(out.into())
        }
    }
}
