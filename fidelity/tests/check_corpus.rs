//! The checker's real-world cases (`shared/cases/check/`, answers in its README), judged as
//! `kubectl-galera check` judges them.

use std::path::PathBuf;

use distributed_galera::check::{Checker, Report, Verdict, parse_yaml};
use kubedb_types::release::Release;

fn case(name: &str) -> Option<PathBuf> {
    fidelity::cases(&format!("the real-world case check/{name}"))
        .map(|d| d.join("check").join(name))
}

fn judge(path: &PathBuf, release: Release) -> Vec<Report> {
    let text = std::fs::read_to_string(path).expect("the case reads");
    let docs = parse_yaml(path, &text).expect("the case parses");
    Checker::for_release(release).check(&docs)
}

fn invalid_reasons(r: &Report) -> Vec<String> {
    match &r.verdict {
        Verdict::Invalid(reasons) => reasons.clone(),
        other => panic!("{r}: expected invalid, got {other:?}"),
    }
}

/// "`invalid`: `spec.decisionStrategy.groupStrategy.clustersPerDecisionGroup` must match the
/// CRD's pattern".
#[test]
fn placement_bad_percent() {
    let Some(path) = case("placement-bad-percent.yaml") else {
        return;
    };
    let reports = judge(&path, Release::NEWEST);
    let reasons = invalid_reasons(&reports[0]);
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("clustersPerDecisionGroup")),
        "{reasons:?}"
    );
}

/// "`invalid`: requireSSL is not supported below MariaDB 10.5.2".
#[test]
fn mariadb_requiressl_old() {
    let Some(path) = case("mariadb-requiressl-old.yaml") else {
        return;
    };
    for release in Release::ALL {
        let reports = judge(&path, release);
        let reasons = invalid_reasons(&reports[0]);
        assert!(
            reasons.iter().any(|r| r.contains("10.5.2")),
            "{release}: {reasons:?}"
        );
    }
}

/// "the first file: all valid": KubeDB's own OpsRequest samples, with their MariaDB in the
/// same input, on the newest release (whose CRDs have the samples' fields).
#[test]
fn opsrequest_docs_valid() {
    let Some(path) = case("opsrequest-docs-valid.yaml") else {
        return;
    };
    let reports = judge(&path, Release::NEWEST);
    assert!(reports.len() >= 5, "{} documents", reports.len());
    for r in &reports {
        assert_eq!(r.verdict, Verdict::Lossless, "{r}");
        assert!(
            r.warnings.iter().all(|w| !w.contains("not in the input")),
            "the MariaDB is in the input: {r} {:?}",
            r.warnings
        );
    }
}

/// "the MariaDB valid, the three OpsRequests refused (two TLS operations at once; a volume
/// expansion to the current size; an update to a version the release's catalog lacks)", on
/// the newest release (the case's MariaDB 11.8.5 is in its catalog only).
#[test]
fn opsrequest_webhook_refused() {
    let Some(path) = case("opsrequest-webhook-refused.yaml") else {
        return;
    };
    for release in [Release::NEWEST] {
        let reports = judge(&path, release);
        assert_eq!(reports.len(), 4, "{release}");
        assert_eq!(reports[0].kind.as_deref(), Some("MariaDB"));
        assert_eq!(
            reports[0].verdict,
            Verdict::Lossless,
            "{release}: {}",
            reports[0]
        );
        let expect = [
            (
                "mdops-remove-and-rotate",
                "only one of remove, rotateCertificates",
            ),
            ("mdops-volume-same-size", "1Gi already"),
            ("mdops-update", "\"12.3.2\""),
        ];
        for (r, (name, why)) in reports[1..].iter().zip(expect) {
            assert!(r.name.as_deref().unwrap_or_default().ends_with(name), "{r}");
            let reasons = invalid_reasons(r);
            assert!(
                reasons.iter().any(|x| x.contains(why)),
                "{release} {name}: {reasons:?}"
            );
        }
    }
}

/// Every handed case of `cases/check` has its test here or in `schema_validation.rs`.
#[test]
fn every_check_case_is_answered() {
    let Some(cases) = fidelity::cases("check_corpus::every_check_case_is_answered") else {
        return;
    };
    let answered = [
        "mariadb-requiressl-old.yaml",
        "opsrequest-docs-valid.yaml",
        "opsrequest-webhook-refused.yaml",
        "placement-bad-percent.yaml",
    ];
    let mut found: Vec<String> = std::fs::read_dir(cases.join("check"))
        .expect("cases/check")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    assert_eq!(
        found, answered,
        "a case without a test, or a test without its case"
    );
}
