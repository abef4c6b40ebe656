//! Fidelity of the OCM types against the pinned upstream CRDs, samples and VALIDATION.tsv.

mod support;

use std::collections::BTreeMap;

use distributed_galera::check::{Checker, Verdict, read_path};
use distributed_galera::kinds::Owner;
use ocm_types::work;

/// The list of workspace kinds holds every OCM CRD pinned upstream, at every version it
/// serves (the storage version first), and nothing else.
#[test]
fn the_kind_list_matches_the_pinned_crds() {
    if !support::pins("fidelity_ocm::the_kind_list_matches_the_pinned_crds") {
        return;
    }
    support::assert_kinds_match_upstream(Owner::Ocm, "ocm/crds", true);
}

#[test]
fn every_kind_is_fully_covered() {
    if !support::pins("fidelity_ocm::every_kind_is_fully_covered") {
        return;
    }
    support::assert_all_covered(&support::coverage_of_kinds(Owner::Ocm, "ocm/crds"));
}

/// Scope, names, short names, status subresource and printer columns match upstream, for
/// every version of every kind.
#[test]
fn crd_names_match_upstream() {
    if !support::pins("fidelity_ocm::crd_names_match_upstream") {
        return;
    }
    for crd in support::kind_crds(Owner::Ocm) {
        let file = support::upstream_crd_file("ocm/crds", &crd.spec.group, &crd.spec.names.plural);
        support::assert_crd_names(&crd, &file);
    }
}

/// `spec.placementRefs.0.rolloutStrategy:'rolloutType'` → `spec.placementRefs[0].rolloutStrategy.rolloutType`;
/// `status:'a', 'b'` gives two paths.
fn pruned_paths(cell: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in cell.split(" | ").filter(|p| !p.is_empty()) {
        let (prefix, keys) = part.split_once(':').expect("path:'key'");
        let prefix: Vec<String> = prefix
            .split('.')
            .map(|seg| {
                if seg.chars().all(|c| c.is_ascii_digit()) {
                    format!("[{seg}]")
                } else {
                    format!(".{seg}")
                }
            })
            .collect();
        let prefix = prefix.concat().trim_start_matches('.').to_owned();
        for key in keys.split(", ") {
            out.push(format!("{prefix}.{}", key.trim_matches('\'')));
        }
    }
    out
}

/// Samples VALIDATION.tsv marks OK that the checker refuses on purpose: the schema check behind
/// VALIDATION.tsv does not validate metadata or run OCM's webhooks, the API server and the work
/// webhook do.
const JUSTIFIED: [(&str, &str); 4] = [
    // A truncated doc snippet with no spec: the work webhook refuses a replica set without manifests.
    (
        "addon-contrib__dynamic-scoring-framework_docs_development.md__block1.yaml",
        "needs at least one manifest",
    ),
    // `metadata.annotations` values must be strings.
    (
        "enhancements__enhancements_sig-architecture_81-addon-lifecycle_README.md__block1.yaml",
        "metadata.annotations",
    ),
    // A manifest without metadata.name: the work webhook refuses it.
    (
        "open-cluster-management-io.github.io__content_en_docs_concepts_work-distribution_manifestwork.md__block7.yaml",
        "metadata.name",
    ),
    // An ownerReference without uid (required by the API server); the type fills it with "".
    (
        "open-cluster-management-io.github.io__content_en_docs_developer-guides_addon.md__block4.yaml",
        "ownerReferences[0].uid",
    ),
];

#[test]
fn every_sample_is_judged_as_validation_tsv_says() {
    if !support::pins("fidelity_ocm::every_sample_is_judged_as_validation_tsv_says") {
        return;
    }
    let dir = support::upstream().join("ocm/samples");
    let table = std::fs::read_to_string(dir.join("VALIDATION.tsv")).expect("VALIDATION.tsv");
    // file → kind → (result, pruned)
    let mut expected: BTreeMap<String, Vec<(String, String, String, String)>> = BTreeMap::new();
    for line in table.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        expected.entry(c[0].to_owned()).or_default().push((
            c[1].into(),
            c[2].into(),
            c[4].into(),
            c[5].into(),
        ));
    }
    let (docs, errors) = read_path(&dir);
    assert!(errors.is_empty(), "unreadable samples: {errors:?}");
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in Checker::new().check(&docs) {
        let file = r
            .source
            .strip_prefix(&dir)
            .unwrap_or(&r.source)
            .to_string_lossy()
            .into_owned();
        let name = file.rsplit('/').next().unwrap_or_default();
        let rows = expected
            .get(file.as_str())
            .unwrap_or_else(|| panic!("{file} not in VALIDATION.tsv"));
        // Sample files keep only OCM documents, in order: the n-th document is the n-th row.
        let row = rows
            .get(r.index - 1)
            .unwrap_or_else(|| panic!("{r}: no VALIDATION.tsv row"));
        assert_eq!(Some(row.0.as_str()), r.kind.as_deref(), "{r}: row kind");
        let (result, pruned) = (row.2.as_str(), row.3.as_str());
        let justified = JUSTIFIED.iter().find(|(f, _)| *f == name);
        match (result, &r.verdict) {
            ("OK", Verdict::Lossless) => {}
            ("OK", Verdict::Invalid(why) | Verdict::Lossy(why))
                if justified.is_some_and(|(_, w)| why.iter().any(|x| x.contains(w))) => {}
            ("PRUNED_FIELDS", Verdict::Lossy(paths)) => {
                assert_eq!(paths, &pruned_paths(pruned), "{r}")
            }
            ("NO_SCHEMA", Verdict::Unknown) => {}
            // The API server refuses these (422): the checker validates against the pinned
            // CRDs as it does.
            ("INVALID", Verdict::Invalid(_)) => {}
            _ => panic!("{r}: VALIDATION.tsv says {result} {pruned}"),
        }
        *counts
            .entry(match result {
                "OK" => "OK",
                "PRUNED_FIELDS" => "PRUNED",
                "NO_SCHEMA" => "NO_SCHEMA",
                _ => "INVALID",
            })
            .or_default() += 1;
    }
    println!("{counts:?}");
    assert_eq!(counts.get("OK"), Some(&260));
    assert_eq!(counts.get("PRUNED"), Some(&18));
    assert_eq!(counts.get("NO_SCHEMA"), Some(&25));
    assert_eq!(counts.get("INVALID"), Some(&42));
}

/// The derived fixture with all four feedback value types decodes, and its JsonRaw values
/// decode into typed values.
#[test]
fn derived_feedback_fixture_decodes() {
    if !support::pins("fidelity_ocm::derived_feedback_fixture_decodes") {
        return;
    }
    use k8s_openapi::api::apps::v1::DeploymentCondition;
    use work::v1::{ManifestWork, Value};
    let path = support::upstream()
        .join("ocm/samples/derived/manifestwork-status-feedback-all-value-types.yaml");
    let doc = support::yaml_docs(&path).remove(0);
    let mw: ManifestWork = serde_json::from_value(doc).expect("fixture parses");
    assert_eq!(mw.feedback_value(0, "ReadyReplicas"), Ok(Value::Integer(1)));
    assert_eq!(mw.feedback_value(0, "Replicas"), Ok(Value::Integer(2)));
    assert_eq!(
        mw.feedback_value(0, "available"),
        Ok(Value::String("true".into()))
    );
    assert_eq!(mw.feedback_value(0, "paused"), Ok(Value::Boolean(false)));
    let Ok(Value::Json(json)) = mw.feedback_value(0, "conditions") else {
        panic!("JsonRaw")
    };
    assert!(json.is_array());
    let typed: Vec<DeploymentCondition> = mw
        .decode_feedback(0, "conditions")
        .map(|c: DeploymentCondition| vec![c])
        .expect("decodes");
    assert_eq!(typed[0].type_, "Available");
    assert_eq!(typed[0].status, "True");
    let missing = mw.feedback_value(0, "nope").unwrap_err().to_string();
    assert!(
        missing.contains("\"nope\"") && missing.contains("Deployment/default/hello"),
        "{missing}"
    );
    assert!(
        mw.feedback_value(3, "x")
            .unwrap_err()
            .to_string()
            .contains("manifest 3")
    );
}

/// The real JsonRaw fragment (a whole Deployment status) decodes into a typed status.
#[test]
fn upstream_jsonraw_fragment_decodes() {
    if !support::pins("fidelity_ocm::upstream_jsonraw_fragment_decodes") {
        return;
    }
    use k8s_openapi::api::apps::v1::DeploymentStatus;
    let dir = support::upstream().join("ocm/samples/fragments");
    let file = std::fs::read_dir(&dir)
        .expect("fragments")
        .flatten()
        .next()
        .expect("a fragment")
        .path();
    let status: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).expect("read")).expect("JSON");
    let raw = status
        .pointer("/resourceStatus/0/statusFeedback/values")
        .and_then(|v| v.as_array())
        .and_then(|vs| vs.iter().find(|v| v["fieldValue"]["type"] == "JsonRaw"))
        .map(|v| v["fieldValue"].clone())
        .expect("a JsonRaw value");
    let fv: work::v1::FieldValue = serde_json::from_value(raw).expect("field value");
    let work::v1::Value::Json(json) = fv.typed().expect("typed") else {
        panic!("json")
    };
    let _typed: DeploymentStatus = serde_json::from_value(json).expect("a DeploymentStatus");
}
