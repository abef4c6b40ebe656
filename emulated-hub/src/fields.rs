//! Field sets for server-side apply: which leaf fields an applied configuration sets, who
//! owns them, merging and removing them. Lists are atomic (owned and replaced whole), as for
//! `x-kubernetes-list-type: atomic`; maps merge key by key.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// A field path, one segment per map key.
pub(crate) type FieldPath = Vec<String>;

/// The leaf fields `config` sets: every scalar, list and empty map. At the root only
/// `metadata.labels`, `metadata.annotations`, `metadata.finalizers` and
/// `metadata.ownerReferences` count from the metadata; `apiVersion` and `kind` never do.
pub(crate) fn leaves(config: &Value) -> BTreeSet<FieldPath> {
    let mut out = BTreeSet::new();
    let Some(map) = config.as_object() else {
        return out;
    };
    for (key, value) in map {
        match key.as_str() {
            "apiVersion" | "kind" => {}
            "metadata" => {
                for (mk, mv) in value.as_object().into_iter().flatten() {
                    match mk.as_str() {
                        "labels" | "annotations" => {
                            for (k, v) in mv.as_object().into_iter().flatten() {
                                if !v.is_null() {
                                    out.insert(vec!["metadata".into(), mk.clone(), k.clone()]);
                                }
                            }
                        }
                        "finalizers" | "ownerReferences" => {
                            out.insert(vec!["metadata".into(), mk.clone()]);
                        }
                        _ => {}
                    }
                }
            }
            _ => collect(value, &mut vec![key.clone()], &mut out),
        }
    }
    out
}

fn collect(value: &Value, prefix: &mut FieldPath, out: &mut BTreeSet<FieldPath>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                prefix.push(k.clone());
                collect(v, prefix, out);
                prefix.pop();
            }
        }
        Value::Null => {}
        _ => {
            out.insert(prefix.clone());
        }
    }
}

/// The value at `path`, if any.
pub(crate) fn get<'a>(value: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, k| v.get(k))
}

/// Whether `inner` is `outer` or lies under it.
pub(crate) fn within(inner: &[String], outer: &[String]) -> bool {
    inner.starts_with(outer)
}

/// Whether applying `config` (which sets `mine`) changes a field another manager owns at
/// `theirs` in `object`: the same field with another value, their field replaced by a leaf
/// above it, or their leaf turned into a map by a field below it. A map both sides only
/// add keys to is no clash.
pub(crate) fn clashes(mine: &[String], theirs: &[String], object: &Value, config: &Value) -> bool {
    if mine == theirs {
        get(object, theirs) != get(config, theirs)
    } else if within(theirs, mine) {
        !get(config, mine).is_some_and(Value::is_object)
    } else if within(mine, theirs) {
        !get(object, theirs).is_some_and(Value::is_object)
    } else {
        false
    }
}

/// Removes the field at `path`, then every map it leaves empty on the way up (never the
/// root's top-level keys `metadata`).
pub(crate) fn remove(value: &mut Value, path: &[String]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let Some(parent) = parents
        .iter()
        .try_fold(&mut *value, |v, k| v.get_mut(k))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    parent.remove(last);
    if parent.is_empty() && !parents.is_empty() && parents != ["metadata"] {
        remove(value, parents);
    }
}

/// Merges `config` into `target`: maps key by key, everything else replaced; `null` removes.
pub(crate) fn merge(target: &mut Value, config: &Value) {
    match (target, config) {
        (Value::Object(t), Value::Object(c)) => merge_maps(t, c),
        (t, c) => *t = c.clone(),
    }
}

fn merge_maps(target: &mut Map<String, Value>, config: &Map<String, Value>) {
    for (k, v) in config {
        if v.is_null() {
            target.remove(k);
            continue;
        }
        match target.get_mut(k) {
            Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
            _ => {
                target.insert(k.clone(), v.clone());
            }
        }
    }
}

/// The `fieldsV1` rendering of a field set (`{"f:spec": {"f:replicas": {}}}`).
pub(crate) fn fields_v1(set: &BTreeSet<FieldPath>) -> Value {
    let mut root = Map::new();
    for path in set {
        let mut node = &mut root;
        for segment in path {
            let entry = node
                .entry(format!("f:{segment}"))
                .or_insert_with(|| Value::Object(Map::new()));
            let Value::Object(next) = entry else {
                break;
            };
            node = next;
        }
    }
    Value::Object(root)
}

/// `spec.a.b` for messages.
pub(crate) fn show(path: &[String]) -> String {
    format!(".{}", path.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(s: &str) -> FieldPath {
        s.split('.').map(str::to_owned).collect()
    }

    #[test]
    fn leaves_skip_identity_and_keep_lists_whole() {
        let got = leaves(&json!({"apiVersion": "v1", "kind": "X",
            "metadata": {"name": "n", "labels": {"a": "1"}},
            "spec": {"list": [1, 2], "m": {}, "s": {"x": 1, "gone": null}}}));
        let want: BTreeSet<FieldPath> = ["metadata.labels.a", "spec.list", "spec.m", "spec.s.x"]
            .into_iter()
            .map(p)
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn remove_prunes_empty_parents_and_merge_replaces_lists() {
        let mut v = json!({"spec": {"a": {"b": 1}, "c": 2}});
        remove(&mut v, &p("spec.a.b"));
        assert_eq!(v, json!({"spec": {"c": 2}}));
        merge(&mut v, &json!({"spec": {"l": [1]}, "status": {"x": 1}}));
        merge(&mut v, &json!({"spec": {"l": [2], "c": null}}));
        assert_eq!(v, json!({"spec": {"l": [2]}, "status": {"x": 1}}));
        assert_eq!(
            fields_v1(&[p("spec.l"), p("spec.x.y")].into_iter().collect()),
            json!({"f:spec": {"f:l": {}, "f:x": {"f:y": {}}}})
        );
        let object = json!({"spec": {"a": 1, "m": {"k": 1}}});
        // The same leaf: only a different value clashes.
        assert!(!clashes(
            &p("spec.a"),
            &p("spec.a"),
            &object,
            &json!({"spec": {"a": 1}})
        ));
        assert!(clashes(
            &p("spec.a"),
            &p("spec.a"),
            &object,
            &json!({"spec": {"a": 2}})
        ));
        // An empty map above their field adds nothing; a leaf there replaces it.
        assert!(!clashes(
            &p("spec"),
            &p("spec.a"),
            &object,
            &json!({"spec": {}})
        ));
        assert!(clashes(
            &p("spec.m"),
            &p("spec.m.k"),
            &object,
            &json!({"spec": {"m": [1]}})
        ));
        // A field below their leaf turns it into a map; below their map it does not.
        assert!(clashes(
            &p("spec.a.x"),
            &p("spec.a"),
            &object,
            &json!({"spec": {"a": {"x": 1}}})
        ));
        assert!(!within(&p("spec.a"), &p("spec.b")) && within(&p("spec.a.b"), &p("spec.a")));
    }
}
