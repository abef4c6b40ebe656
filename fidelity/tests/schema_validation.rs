//! The validator against the pinned upstream CRDs in `../shared/upstream`: the checker's
//! case of a bad Placement, the OCM samples as a real API server judged them
//! (`VALIDATION.tsv`), and which constraint keywords of the pinned CRDs the validator enforces.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use structural_schema::{self, Validator};

/// The `shared/` folder for the test `what`, or `None` (`fidelity::shared` says why).
fn shared(what: &str) -> Option<PathBuf> {
    fidelity::shared(what)
}

use fidelity::yaml_docs;

/// Every pinned CRD file: `upstream/{ocm,kubeslice,kubedb}/crds` and every KubeDB release.
fn pinned_crd_files(shared: &Path) -> Vec<PathBuf> {
    let up = shared.join("upstream");
    let mut dirs = vec![
        up.join("ocm/crds"),
        up.join("kubeslice/crds"),
        up.join("kubedb/crds"),
    ];
    for entry in std::fs::read_dir(up.join("kubedb/releases")).expect("releases") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            dirs.push(path);
        }
    }
    let mut files = Vec::new();
    for dir in dirs {
        for entry in std::fs::read_dir(&dir).expect("crd dir") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn crds_in(path: &Path) -> Vec<Value> {
    yaml_docs(path)
        .into_iter()
        .filter(|d| d["kind"] == "CustomResourceDefinition")
        .collect()
}

/// Validators of the OCM CRDs by (group, kind, version).
fn ocm_validators(shared: &Path) -> BTreeMap<(String, String, String), Validator> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(shared.join("upstream/ocm/crds")).expect("ocm crds") {
        for crd in crds_in(&entry.expect("entry").path()) {
            let group = crd["spec"]["group"].as_str().unwrap_or_default().to_owned();
            let kind = crd["spec"]["names"]["kind"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            for v in crd["spec"]["versions"].as_array().into_iter().flatten() {
                let version = v["name"].as_str().unwrap_or_default().to_owned();
                let validator = Validator::for_crd(&crd, &version).expect("schema");
                assert!(
                    validator.problems().is_empty(),
                    "{kind} {version}: {:?}",
                    validator.problems()
                );
                out.insert((group.clone(), kind.clone(), version), validator);
            }
        }
    }
    out
}

#[test]
fn a_placement_with_150_percent_per_group_is_refused_with_the_pattern() {
    let Some(shared) = shared(
        "schema_validation::a_placement_with_150_percent_per_group_is_refused_with_the_pattern",
    ) else {
        return;
    };
    let crd =
        crds_in(&shared.join(
            "upstream/ocm/crds/0000_02_clusters.open-cluster-management.io_placements.crd.yaml",
        ))
        .remove(0);
    let validator = Validator::for_crd(&crd, "v1beta1").expect("v1beta1");
    let doc = yaml_docs(&shared.join("cases/check/placement-bad-percent.yaml")).remove(0);
    let shown: Vec<String> = validator
        .validate(&doc, None)
        .iter()
        .map(ToString::to_string)
        .collect();
    // The pattern of the pinned CRD (1% to 100%, or a positive count), as the API server
    // quotes it.
    let pattern = r"^((100|[1-9][0-9]{0,1})%|[1-9][0-9]*)$";
    assert_eq!(
        shown,
        [format!(
            r#"spec.decisionStrategy.groupStrategy.clustersPerDecisionGroup: Invalid value: "150%": spec.decisionStrategy.groupStrategy.clustersPerDecisionGroup in body should match '{pattern}'"#
        )]
    );
    let mut fixed = doc.clone();
    fixed["spec"]["decisionStrategy"]["groupStrategy"]["clustersPerDecisionGroup"] = json!("50%");
    assert!(validator.validate(&fixed, None).is_empty());
    assert!(
        Validator::for_crd(&crd, "v9").is_err(),
        "an unknown version is an error"
    );
}

/// Rows of `VALIDATION.tsv` the validator cannot judge as the API server did, with why.
/// Empty: every OK and PRUNED_FIELDS row passes and every INVALID row is refused.
const UNMATCHED: [(&str, &str); 0] = [];

#[test]
fn ocm_samples_are_judged_as_validation_tsv_says() {
    let Some(shared) = shared("schema_validation::ocm_samples_are_judged_as_validation_tsv_says")
    else {
        return;
    };
    let dir = shared.join("upstream/ocm/samples");
    let validators = ocm_validators(&shared);
    let table = std::fs::read_to_string(dir.join("VALIDATION.tsv")).expect("VALIDATION.tsv");
    let mut rows: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for line in table.lines().skip(1) {
        let cells: Vec<String> = line.split('\t').map(str::to_owned).collect();
        rows.entry(cells[0].clone()).or_default().push(cells);
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    for (file, file_rows) in &rows {
        // Sample files keep only OCM documents, in order: the n-th document is the n-th row.
        let docs: Vec<Value> = yaml_docs(&dir.join(file))
            .into_iter()
            .filter(|d| d.is_object())
            .collect();
        assert_eq!(docs.len(), file_rows.len(), "{file}: documents and rows");
        for (doc, row) in docs.iter().zip(file_rows) {
            let (kind, api_version, result) = (&row[1], &row[2], row[4].as_str());
            if result == "NO_SCHEMA" {
                *counts.entry("NO_SCHEMA skipped").or_default() += 1;
                continue;
            }
            let (group, version) = api_version.split_once('/').expect("group/version");
            let validator = validators
                .get(&(group.to_owned(), kind.clone(), version.to_owned()))
                .unwrap_or_else(|| panic!("{file}: no pinned CRD for {kind} {api_version}"));
            let found = validator.validate(doc, None);
            let unmatched = UNMATCHED.iter().find(|(f, _)| f == file);
            let ok = match result {
                "OK" | "PRUNED_FIELDS" => found.is_empty(),
                "INVALID" => !found.is_empty(),
                other => panic!("{file}: unknown result {other}"),
            };
            if ok {
                *counts.entry(result).or_default() += 1;
            } else if unmatched.is_none() {
                let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
                wrong.push(format!(
                    "{file} {kind}: VALIDATION.tsv says {result}; validator: {shown:?}"
                ));
            }
        }
    }
    println!("{counts:?}");
    assert!(
        wrong.is_empty(),
        "{} misjudged:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(counts.get("OK"), Some(&260));
    assert_eq!(counts.get("PRUNED_FIELDS"), Some(&18));
    assert_eq!(counts.get("INVALID"), Some(&42));
}

/// The INVALID documents the checker judged lossy or lossless before this validator (the
/// README counted 5 files; they hold these 8 documents), each with one of the field errors
/// the API server gives for it.
#[test]
fn the_invalid_snippets_the_checker_missed_are_refused_with_the_api_servers_messages() {
    let Some(shared) = shared(
        "schema_validation::the_invalid_snippets_the_checker_missed_are_refused_with_the_api_servers_messages",
    ) else {
        return;
    };
    let dir = shared.join("upstream/ocm/samples");
    let validators = ocm_validators(&shared);
    let signer = r"^([a-z0-9][a-z0-9-]*[a-z0-9]\.)+[a-z]+\/[a-z0-9-\.]+$";
    let cases = [
        (
            "enhancements__enhancements_sig-architecture_158-addon-v1beta1_README.md__block3.yaml",
            0,
            "spec: Required value".to_owned(),
        ),
        (
            "enhancements__enhancements_sig-architecture_158-addon-v1beta1_README.md__block3.yaml",
            1,
            "spec: Required value".to_owned(),
        ),
        (
            "enhancements__enhancements_sig-architecture_158-addon-v1beta1_README.md__block4.yaml",
            0,
            format!(
                r#"status.registrations[0].signerName: Invalid value: "signer1": status.registrations[0].signerName in body should match '{signer}'"#
            ),
        ),
        (
            "enhancements__enhancements_sig-architecture_158-addon-v1beta1_README.md__block4.yaml",
            1,
            format!(
                r#"status.registrations[0].customSigner.signerName: Invalid value: "signer1": status.registrations[0].customSigner.signerName in body should match '{signer}'"#
            ),
        ),
        // `spec:` with no value is a null, dropped before validation: then it is missing.
        (
            "enhancements__enhancements_sig-architecture_158-addon-v1beta1_README.md__block5.yaml",
            0,
            "spec: Required value".to_owned(),
        ),
        (
            "enhancements__enhancements_sig-architecture_225-placement-score-visibility_README.md__block1.yaml",
            1,
            "status.decisions[0].reason: Required value".to_owned(),
        ),
        (
            "open-cluster-management-io.github.io__content_en_docs_concepts_content-placement_placement.md__block10.yaml",
            0,
            "status.decisions[2].reason: Required value".to_owned(),
        ),
        (
            "open-cluster-management-io.github.io__content_en_docs_developer-guides_addon.md__block9.yaml",
            0,
            "spec: Required value".to_owned(),
        ),
    ];
    for (file, index, expected) in cases {
        let doc = yaml_docs(&dir.join(file)).swap_remove(index);
        let (group, version) = doc["apiVersion"]
            .as_str()
            .and_then(|a| a.split_once('/'))
            .expect("apiVersion");
        let kind = doc["kind"].as_str().expect("kind").to_owned();
        let shown: Vec<String> = validators[&(group.to_owned(), kind, version.to_owned())]
            .validate(&doc, None)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(
            shown.contains(&expected),
            "{file}#{index}: expected {expected:?} in {shown:?}"
        );
    }
}

/// A probe: a field schema, a value it accepts, one it refuses, and (part of) the message the
/// API server gives for the refusal, written here by hand.
struct Probe {
    field: Value,
    good: Value,
    bad: Value,
    message: &'static str,
}

/// Whether the validator enforces a keyword, judged by its behaviour on a probe.
fn enforced(p: &Probe) -> Result<(), String> {
    let schema = json!({"type": "object", "properties": {"f": p.field.clone()}});
    let v = Validator::new(&schema);
    let good = v.validate(&json!({"f": p.good.clone()}), None);
    if !good.is_empty() {
        return Err(format!("refuses its good value: {good:?}"));
    }
    let bad: Vec<String> = v
        .validate(&json!({"f": p.bad.clone()}), None)
        .iter()
        .map(ToString::to_string)
        .collect();
    if bad.iter().any(|m| m.contains(p.message)) {
        Ok(())
    } else {
        Err(format!("expected {:?} in {bad:?}", p.message))
    }
}

fn probes() -> BTreeMap<&'static str, Probe> {
    let probe = |field, good, bad, message| Probe {
        field,
        good,
        bad,
        message,
    };
    BTreeMap::from([
        (
            "type",
            probe(
                json!({"type": "integer"}),
                json!(1),
                json!("1"),
                "f in body must be of type integer: \"string\"",
            ),
        ),
        (
            "nullable",
            probe(
                json!({"type": "array", "items": {"type": "string", "nullable": true}}),
                json!([null]),
                json!([1]),
                "must be of type string",
            ),
        ),
        (
            "required",
            probe(
                json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}),
                json!({"a": ""}),
                json!({}),
                "f.a: Required value",
            ),
        ),
        (
            "properties",
            probe(
                json!({"type": "object", "properties": {"a": {"type": "string"}}}),
                json!({"a": ""}),
                json!({"a": 1}),
                "f.a: Invalid value",
            ),
        ),
        (
            "items",
            probe(
                json!({"type": "array", "items": {"type": "string"}}),
                json!(["a"]),
                json!([1]),
                "f[0]: Invalid value",
            ),
        ),
        (
            "additionalProperties",
            probe(
                json!({"type": "object", "additionalProperties": {"type": "string"}}),
                json!({"k": "v"}),
                json!({"k": 1}),
                "f.k: Invalid value",
            ),
        ),
        (
            "enum",
            probe(
                json!({"type": "string", "enum": ["a"]}),
                json!("a"),
                json!("b"),
                "Unsupported value: \"b\": supported values: \"a\"",
            ),
        ),
        (
            "minimum",
            probe(
                json!({"type": "integer", "minimum": 1}),
                json!(1),
                json!(0),
                "should be greater than or equal to 1",
            ),
        ),
        (
            "maximum",
            probe(
                json!({"type": "integer", "maximum": 1}),
                json!(1),
                json!(2),
                "should be less than or equal to 1",
            ),
        ),
        (
            "minLength",
            probe(
                json!({"type": "string", "minLength": 1}),
                json!("a"),
                json!(""),
                "should be at least 1 chars long",
            ),
        ),
        (
            "maxLength",
            probe(
                json!({"type": "string", "maxLength": 1}),
                json!("a"),
                json!("ab"),
                "Too long: may not be more than 1 byte",
            ),
        ),
        (
            "minItems",
            probe(
                json!({"type": "array", "minItems": 1, "items": {"type": "string"}}),
                json!(["a"]),
                json!([]),
                "should have at least 1 items",
            ),
        ),
        (
            "maxItems",
            probe(
                json!({"type": "array", "maxItems": 1, "items": {"type": "string"}}),
                json!(["a"]),
                json!(["a", "b"]),
                "Too many: 2: must have at most 1 item",
            ),
        ),
        (
            "pattern",
            probe(
                json!({"type": "string", "pattern": "^a$"}),
                json!("a"),
                json!("b"),
                "should match '^a$'",
            ),
        ),
        (
            "anyOf",
            probe(
                json!({"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]}),
                json!(1),
                json!(true),
                "must validate at least one schema (anyOf)",
            ),
        ),
        (
            "x-kubernetes-int-or-string",
            probe(
                json!({"x-kubernetes-int-or-string": true}),
                json!("1"),
                json!(1.5),
                "must be of type integer,string",
            ),
        ),
        (
            "x-kubernetes-list-type",
            probe(
                json!({"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}}),
                json!(["a", "b"]),
                json!(["a", "a"]),
                "f[1]: Duplicate value: \"a\"",
            ),
        ),
        (
            "x-kubernetes-list-map-keys",
            probe(
                json!({"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["k"], "items": {"type": "object", "properties": {"k": {"type": "string"}}}}),
                json!([{"k": "a"}, {"k": "b"}]),
                json!([{"k": "a"}, {"k": "a"}]),
                "f[1]: Duplicate value: {\"k\":\"a\"}",
            ),
        ),
        (
            "x-kubernetes-embedded-resource",
            probe(
                json!({"type": "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true}),
                json!({"apiVersion": "v1", "kind": "Pod"}),
                json!({"apiVersion": "v1"}),
                "f.kind: Required value",
            ),
        ),
        (
            "x-kubernetes-validations",
            probe(
                json!({"type": "object", "properties": {"t": {"type": "string"}}, "x-kubernetes-validations": [{"rule": "self.t != 'x'", "message": "not x"}]}),
                json!({"t": "y"}),
                json!({"t": "x"}),
                "f: Invalid value: not x",
            ),
        ),
        (
            "default",
            probe(
                json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "string", "default": "d", "enum": ["d"]}}}),
                json!({}),
                json!({"a": "e"}),
                "Unsupported value: \"e\"",
            ),
        ),
        (
            "format: int32",
            probe(
                json!({"type": "integer", "format": "int32"}),
                json!(2147483647),
                json!(2147483648_i64),
                "Checked value must be of type integer with format int32 in f",
            ),
        ),
        (
            "format: int64",
            probe(
                json!({"type": "integer", "format": "int64"}),
                json!(9223372036854775807_i64),
                json!(9223372036854775808_u64),
                "Checked value must be of type integer with format int64 in f",
            ),
        ),
        (
            "format: date-time",
            probe(
                json!({"type": "string", "format": "date-time"}),
                json!("2025-07-31T10:00:00Z"),
                json!("yesterday"),
                "f in body must be of type date-time: \"yesterday\"",
            ),
        ),
        (
            "format: byte",
            probe(
                json!({"type": "string", "format": "byte"}),
                json!("YWJj"),
                json!("abc"),
                "f in body must be of type byte: \"abc\"",
            ),
        ),
    ])
}

/// Keywords of the pinned CRDs that constrain nothing the validator could check, with why.
const NOT_CHECKED: [(&str, &str); 5] = [
    ("description", "documentation only"),
    (
        "x-kubernetes-map-type",
        "merge granularity for server-side apply; the API server validates nothing with it",
    ),
    (
        "x-kubernetes-preserve-unknown-fields",
        "governs pruning (schema::prune keeps unknown fields under it), not validation",
    ),
    (
        "format: double",
        "kube-openapi checks no range for double (validate/values.go IsValueValidAgainstRange); the type check is `type: number`",
    ),
    (
        "x-kubernetes-list-type: atomic",
        "an atomic list has no uniqueness rule",
    ),
];

/// Kubernetes CEL library functions the validator's CEL environment lacks; a pinned rule
/// calling one of them would be reported, not judged.
const CEL_UNSUPPORTED: [&str; 12] = [
    "isURL",
    "url",
    "quantity",
    "isQuantity",
    "ip",
    "isIP",
    "cidr",
    "isCIDR",
    "format.dns1123Label",
    "semver",
    "sets.contains",
    "isSorted",
];

fn keywords_at(schema: &Value, found: &mut BTreeMap<String, usize>, rules: &mut Vec<String>) {
    let Some(map) = schema.as_object() else {
        return;
    };
    for (k, v) in map {
        let key = match (k.as_str(), v) {
            ("format", Value::String(f)) => format!("format: {f}"),
            ("x-kubernetes-list-type", Value::String(t)) if t == "atomic" => {
                "x-kubernetes-list-type: atomic".to_owned()
            }
            _ => k.clone(),
        };
        *found.entry(key).or_default() += 1;
        match k.as_str() {
            "properties" => {
                for sub in v.as_object().into_iter().flatten().map(|(_, s)| s) {
                    keywords_at(sub, found, rules);
                }
            }
            "items" | "additionalProperties" | "not" => keywords_at(v, found, rules),
            "anyOf" | "allOf" | "oneOf" => {
                for sub in v.as_array().into_iter().flatten() {
                    keywords_at(sub, found, rules);
                }
            }
            "x-kubernetes-validations" => {
                for r in v.as_array().into_iter().flatten() {
                    rules.push(r["rule"].as_str().unwrap_or_default().to_owned());
                }
            }
            _ => {}
        }
    }
}

#[test]
fn every_constraint_keyword_of_the_pinned_crds_is_enforced_or_named() {
    let Some(shared) = shared(
        "schema_validation::every_constraint_keyword_of_the_pinned_crds_is_enforced_or_named",
    ) else {
        return;
    };
    let mut found = BTreeMap::new();
    let mut rules = Vec::new();
    for file in pinned_crd_files(&shared) {
        for crd in crds_in(&file) {
            for v in crd["spec"]["versions"].as_array().into_iter().flatten() {
                keywords_at(&v["schema"]["openAPIV3Schema"], &mut found, &mut rules);
                let validator = Validator::new(&v["schema"]["openAPIV3Schema"]);
                assert!(
                    validator.problems().is_empty(),
                    "{}: {:?}",
                    file.display(),
                    validator.problems()
                );
            }
        }
    }
    let probes = probes();
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for (keyword, count) in &found {
        let status = if let Some(p) = probes.get(keyword.as_str()) {
            match enforced(p) {
                Ok(()) => "enforced".to_owned(),
                Err(e) => {
                    failures.push(format!("{keyword}: probe fails: {e}"));
                    format!("NOT ENFORCED ({e})")
                }
            }
        } else if let Some((_, why)) = NOT_CHECKED.iter().find(|(k, _)| k == keyword) {
            format!("not checked: {why}")
        } else {
            failures.push(format!(
                "{keyword}: neither enforced nor named with a reason"
            ));
            "UNKNOWN".to_owned()
        };
        report.push(format!("{keyword} ({count}): {status}"));
    }
    // CEL: every function the pinned rules call must evaluate.
    let mut functions = BTreeSet::new();
    for rule in &rules {
        let program = cel::Program::compile(rule).unwrap_or_else(|e| panic!("{rule}: {e}"));
        for f in program.references().functions() {
            functions.insert(f.to_owned());
        }
    }
    for f in &functions {
        let status = if CEL_UNSUPPORTED.contains(&f.as_str()) {
            failures.push(format!(
                "CEL function {f}: used by a pinned rule but unsupported"
            ));
            "UNSUPPORTED"
        } else {
            "standard CEL, evaluated"
        };
        report.push(format!("CEL function {f}: {status}"));
    }
    println!("{}", report.join("\n"));
    println!("pinned CEL rules: {rules:?}");
    assert!(!rules.is_empty(), "the pinned CRDs have CEL rules");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The pinned rules themselves are judged: the OCM one refuses a CEL condition rule
    // without a condition.
    let schema = json!({"type": "object", "properties": {"f": {"type": "object",
        "properties": {"type": {"type": "string"}, "condition": {"type": "string"}},
        "x-kubernetes-validations": [{"rule": rules[0], "message": "Condition is required for CEL rules"}]}}});
    let v = structural_schema::validate(&json!({"f": {"type": "CEL", "condition": ""}}), &schema);
    assert_eq!(
        v.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["f: Invalid value: Condition is required for CEL rules"]
    );
}

/// Validators of every pinned CRD of one folder by (group, kind, version).
fn validators_in(dir: &Path) -> BTreeMap<(String, String, String), Validator> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("crd dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        for crd in crds_in(&path) {
            let group = crd["spec"]["group"].as_str().unwrap_or_default().to_owned();
            let kind = crd["spec"]["names"]["kind"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            for v in crd["spec"]["versions"].as_array().into_iter().flatten() {
                let version = v["name"].as_str().unwrap_or_default().to_owned();
                if let Ok(validator) = Validator::for_crd(&crd, &version) {
                    out.insert((group.clone(), kind.clone(), version), validator);
                }
            }
        }
    }
    out
}

/// Every sample document of a folder whose kind the CRDs serve: (file#n, violations).
fn judge_samples(
    samples: &Path,
    validators: &BTreeMap<(String, String, String), Validator>,
) -> (usize, Vec<(String, Vec<String>)>) {
    let mut judged = 0;
    let mut refused = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(samples)
        .expect("samples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    for file in files {
        for (n, doc) in yaml_docs(&file).iter().enumerate() {
            let Some((group, version)) = doc["apiVersion"].as_str().and_then(|a| a.split_once('/'))
            else {
                continue;
            };
            let kind = doc["kind"].as_str().unwrap_or_default().to_owned();
            let Some(v) = validators.get(&(group.to_owned(), kind, version.to_owned())) else {
                continue;
            };
            judged += 1;
            let found = v.validate(doc, None);
            if !found.is_empty() {
                let name = file.file_name().unwrap_or_default().to_string_lossy();
                refused.push((
                    format!("{name}#{}", n + 1),
                    found.iter().map(ToString::to_string).collect(),
                ));
            }
        }
    }
    (judged, refused)
}

#[test]
fn kubedb_and_kubeslice_samples_and_the_walkthrough_pass_their_pinned_crds() {
    let Some(shared) = shared(
        "schema_validation::kubedb_and_kubeslice_samples_and_the_walkthrough_pass_their_pinned_crds",
    ) else {
        return;
    };
    let up = shared.join("upstream");
    let seed = fidelity::workspace_root().join("seed");
    let kubeslice = validators_in(&up.join("kubeslice/crds"));
    let (n, refused) = judge_samples(&up.join("kubeslice/samples"), &kubeslice);
    println!("kubeslice samples: {n} judged, refused: {refused:#?}");
    assert!(n > 100 && refused.is_empty(), "{refused:#?}");
    for release in ["v2025.7.31", "v2026.7.10"] {
        let kubedb = validators_in(&up.join("kubedb/releases").join(release));
        let (n, refused) = judge_samples(&up.join("kubedb/samples"), &kubedb);
        println!("kubedb samples under {release}: {n} judged, refused: {refused:#?}");
        assert!(n > 50 && refused.is_empty(), "{release}: {refused:#?}");
        let mut all = kubedb;
        all.extend(validators_in(&up.join("kubeslice/crds")));
        all.extend(validators_in(&up.join("ocm/crds")));
        let (n, refused) = judge_samples(&seed, &all);
        assert!(
            n >= 5 && refused.is_empty(),
            "walkthrough under {release}: {refused:#?}"
        );
    }
}
