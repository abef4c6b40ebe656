//! Server-side apply on the fake hub, as properties over random configurations of several
//! managers: what a manager applies is what the object holds, re-applying stores nothing,
//! every field has an owner, and a field nobody applies any more is gone.

use std::collections::BTreeSet;

use emulated_hub::FakeHub;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// A permissive kind, so any configuration is accepted.
fn hub() -> FakeHub {
    let hub = FakeHub::new();
    let crd = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "spec": {"group": "example.com", "scope": "Cluster",
            "names": {"kind": "Thing", "plural": "things"},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object",
                    "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}}]}});
    assert_eq!(hub.register_crd(&crd), 1);
    hub
}

fn thing(spec: &Value) -> Value {
    json!({"apiVersion": "example.com/v1", "kind": "Thing", "metadata": {"name": "t"}, "spec": spec})
}

/// Specs over a few keys, two levels deep, with scalars and lists as leaves.
fn spec() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        (0..3i64).prop_map(Value::from),
        prop::collection::vec(0..3i64, 0..3).prop_map(|v| json!(v)),
    ];
    let inner =
        prop::collection::btree_map(prop::sample::select(vec!["x", "y"]), leaf.clone(), 1..3)
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()));
    let value = prop_oneof![leaf, inner];
    prop::collection::btree_map(prop::sample::select(vec!["a", "b", "c"]), value, 0..4).prop_map(
        |m| {
            Value::Object(
                m.into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect::<Map<_, _>>(),
            )
        },
    )
}

/// Leaf paths of a JSON value (lists are leaves).
fn leaves(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                leaves(v, &format!("{prefix}.{k}"), out);
            }
        }
        _ => {
            out.insert(prefix.to_owned());
        }
    }
}

/// Leaf paths in a `fieldsV1` set.
fn owned(f: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    let Some(m) = f.as_object() else { return };
    if m.is_empty() {
        out.insert(prefix.to_owned());
    }
    for (k, v) in m {
        owned(v, &format!("{prefix}.{}", k.trim_start_matches("f:")), out);
    }
}

fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.trim_start_matches('.')
        .split('.')
        .try_fold(v, |v, k| v.get(k))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn applies_by_several_managers_keep_the_ownership_invariants(
        steps in prop::collection::vec((0..3usize, spec()), 1..8)
    ) {
        let hub = hub();
        let managers = ["alice", "bob", "carol"];
        let mut last: [Option<Value>; 3] = [None, None, None];
        for (m, spec) in &steps {
            let stored = hub.apply(managers[*m], &thing(spec), false).expect("apply");
            // What the manager applied is what the object holds.
            let mut mine = BTreeSet::new();
            leaves(spec, ".spec", &mut mine);
            let config = thing(spec);
            for p in mine.iter().filter(|p| *p != ".spec") {
                prop_assert_eq!(at(&stored, p), at(&config, p), "{}", p);
            }
            // Applying the same again stores nothing.
            let rv = hub.resource_version();
            hub.apply(managers[*m], &thing(spec), false).expect("re-apply");
            prop_assert_eq!(hub.resource_version(), rv);
            last[*m] = Some(spec.clone());

            // Every field of the spec has an owner; every owned field exists.
            let mut present = BTreeSet::new();
            if let Some(s) = stored.get("spec") {
                leaves(s, ".spec", &mut present);
            }
            let mut owners = BTreeSet::new();
            for e in stored["metadata"]["managedFields"].as_array().into_iter().flatten() {
                owned(&e["fieldsV1"], "", &mut owners);
            }
            let owned_spec: BTreeSet<String> =
                owners.into_iter().filter(|p| p.starts_with(".spec.")).collect();
            let present: BTreeSet<String> =
                present.into_iter().filter(|p| p != ".spec").collect();
            prop_assert_eq!(&present, &owned_spec, "{}", serde_json::to_string(&stored["metadata"]).unwrap_or_default());

            // A field no manager's last configuration sets is gone.
            let mut wanted = BTreeSet::new();
            for s in last.iter().flatten() {
                leaves(s, ".spec", &mut wanted);
            }
            for p in &present {
                prop_assert!(wanted.iter().any(|w| w == p || w.starts_with(&format!("{p}."))),
                    "{} is left over", p);
            }
        }
    }
}
