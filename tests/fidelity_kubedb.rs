//! Fidelity of the KubeDB types against the pinned upstream CRDs and samples.

mod support;

use distributed_galera::check::{Checker, Verdict, crd_schema, read_path};
use kubedb_types::apps::v1::{PetSet, PlacementPolicy};
use kubedb_types::catalog::v1alpha1::MariaDBVersion;
use kubedb_types::kubedb::v1::MariaDB;

fn assert_complete(kind: &str, file: &str, version: &str, ours: serde_json::Value) {
    let c = support::report_coverage(kind, file, version, ours);
    assert!(
        c.is_complete(),
        "{kind}: {}/{} upstream schema nodes covered; missing: {:?}",
        c.covered,
        c.total,
        c.missing
    );
}

#[test]
fn mariadb_v1_schema_is_fully_covered() {
    assert_complete(
        "MariaDB",
        "kubedb/crds/kubedb.com_mariadbs.yaml",
        "v1",
        crd_schema::<MariaDB>(),
    );
}

#[test]
fn placement_policy_schema_is_fully_covered() {
    assert_complete(
        "PlacementPolicy",
        "kubedb/crds/apps.k8s.appscode.com_placementpolicies.yaml",
        "v1",
        crd_schema::<PlacementPolicy>(),
    );
}

#[test]
fn placement_policy_covers_the_newer_vendored_schema_too() {
    assert_complete(
        "PlacementPolicy (vendored newer)",
        "kubedb/crds/apps.k8s.appscode.com_placementpolicies.apimachinery-vendored-newer.yaml",
        "v1",
        crd_schema::<PlacementPolicy>(),
    );
}

#[test]
fn mariadb_version_schema_is_fully_covered() {
    assert_complete(
        "MariaDBVersion",
        "kubedb/crds/catalog.kubedb.com_mariadbversions.yaml",
        "v1alpha1",
        crd_schema::<MariaDBVersion>(),
    );
}

#[test]
fn petset_schema_is_fully_covered() {
    assert_complete(
        "PetSet",
        "kubedb/crds/apps.k8s.appscode.com_petsets.yaml",
        "v1",
        crd_schema::<PetSet>(),
    );
}

/// Every sample of the four kinds is lossless, except the one historical policy in the
/// legacy `spec.ocm` shape, which the current CRD prunes.
#[test]
fn every_kubedb_sample_round_trips() {
    let (docs, errors) = read_path(&support::upstream().join("kubedb/samples"));
    assert!(errors.is_empty(), "unreadable samples: {errors:?}");
    let reports = Checker::new()
        .expect("the release files are embedded")
        .check(&docs);
    let mut checked = 0;
    for r in &reports {
        let api = r.api_version.as_deref().unwrap_or_default();
        if r.verdict == Verdict::Unknown
            || !(api.contains("kubedb.com") || api.contains("appscode.com"))
        {
            continue;
        }
        checked += 1;
        let file = r.source.file_name().unwrap_or_default().to_string_lossy();
        if file.contains("@d72985dcb") {
            assert_eq!(r.verdict, Verdict::Lossy(vec!["spec.ocm".into()]), "{r}");
        } else {
            assert_eq!(r.verdict, Verdict::Lossless, "{r}");
        }
    }
    // 50 MariaDB, 12 PlacementPolicy, 1 PetSet, 1 MariaDBVersion.
    assert_eq!(checked, 64, "samples of the four kinds");
}

/// Scope, names, short names, categories, subresources and printer columns match upstream.
#[test]
fn crd_names_match_upstream() {
    use kube::CustomResourceExt;
    support::assert_crd_names(&MariaDB::crd(), "kubedb/crds/kubedb.com_mariadbs.yaml");
    support::assert_crd_names(
        &PlacementPolicy::crd(),
        "kubedb/crds/apps.k8s.appscode.com_placementpolicies.yaml",
    );
    support::assert_crd_names(
        &PetSet::crd(),
        "kubedb/crds/apps.k8s.appscode.com_petsets.yaml",
    );
    support::assert_crd_names(
        &MariaDBVersion::crd(),
        "kubedb/crds/catalog.kubedb.com_mariadbversions.yaml",
    );
}

/// Each MariaDB sample on its own (without the newer catalog's MariaDBVersion object that the
/// samples folder also holds), as a hub of each supported release judges it: a version the
/// release's default catalog lacks is refused with the mutating webhook's not-found message,
/// every other sample is lossless. The catalogs, from `releases/*/mariadb-catalog.tsv`: 12.3.2
/// is in neither, 11.8.5 only in v2026.7.10, 10.5.23 and 11.2.2 in both.
#[test]
fn samples_on_a_default_hub_of_each_release() {
    use kubedb_types::release::Release;
    let in_catalog = |release: Release, version: &str| match version {
        "12.3.2" => false,
        "11.8.5" => release == Release::V2026_7_10,
        "10.5.23" | "11.2.2" => true,
        other => panic!("a sample uses {other}: add it to this table from the catalogs"),
    };
    let dir = support::upstream().join("kubedb/samples");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("samples")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    for release in Release::ALL {
        let checker = Checker::for_release(release).expect("embedded");
        let mut refused = Vec::new();
        let mut lossless = 0;
        for file in &files {
            let (docs, errors) = read_path(file);
            assert!(errors.is_empty(), "{errors:?}");
            let docs: Vec<_> = docs
                .into_iter()
                .filter(|d| d.value["kind"] != "MariaDBVersion")
                .collect();
            for r in checker.check(&docs) {
                if r.kind.as_deref() != Some("MariaDB") {
                    continue;
                }
                let doc = &docs[r.index - 1].value;
                let version = doc["spec"]["version"].as_str().unwrap_or_default();
                if in_catalog(release, version) {
                    assert_eq!(r.verdict, Verdict::Lossless, "{release}: {r}");
                    lossless += 1;
                } else {
                    let Verdict::Invalid(why) = &r.verdict else {
                        panic!("{release}: {r}")
                    };
                    let expected = format!(
                        "failed to get MariaDBVersion: {version}: mariadbversions.catalog.kubedb.com \"{version}\" not found"
                    );
                    assert!(why.iter().any(|w| w.contains(&expected)), "{release}: {r}");
                    refused.push(
                        r.source
                            .file_name()
                            .unwrap_or_default()
                            .to_string_lossy()
                            .into_owned(),
                    );
                }
            }
        }
        println!(
            "{release}: {lossless} lossless, {} refused for their version",
            refused.len()
        );
        assert!(!refused.is_empty() && lossless > 0, "{release}");
    }
}

/// The day-2 kinds against the CRDs of every supported release (`releases/<tag>/`): the types
/// are the union of both releases' schemas, so each release's schema is covered in full.
#[test]
fn day2_kinds_cover_every_release_schema() {
    use kubedb_types::autoscaling::v1alpha1::MariaDBAutoscaler;
    use kubedb_types::ops::v1alpha1::MariaDBOpsRequest;
    use kubedb_types::release::Release;
    let mut results = Vec::new();
    for release in Release::ALL {
        results.push(support::coverage_of::<MariaDBOpsRequest>(&format!(
            "kubedb/releases/{release}/ops.kubedb.com_mariadbopsrequests.yaml"
        )));
        results.push(support::coverage_of::<MariaDBAutoscaler>(&format!(
            "kubedb/releases/{release}/autoscaling.kubedb.com_mariadbautoscalers.yaml"
        )));
    }
    support::assert_all_covered(&results);
    // The releases differ (v2026.7.10 adds migration, maxRetries, ...), so each count is the
    // whole of a different schema.
    assert_ne!(results[0].total, results[2].total, "OpsRequest schemas differ");
}

/// Scope, names, short names, categories, status subresource and printer columns of the
/// day-2 kinds match both releases' CRDs.
#[test]
fn day2_crd_names_match_every_release() {
    use kube::CustomResourceExt;
    use kubedb_types::autoscaling::v1alpha1::MariaDBAutoscaler;
    use kubedb_types::ops::v1alpha1::MariaDBOpsRequest;
    use kubedb_types::release::Release;
    for release in Release::ALL {
        support::assert_crd_names(
            &MariaDBOpsRequest::crd(),
            &format!("kubedb/releases/{release}/ops.kubedb.com_mariadbopsrequests.yaml"),
        );
        support::assert_crd_names(
            &MariaDBAutoscaler::crd(),
            &format!("kubedb/releases/{release}/autoscaling.kubedb.com_mariadbautoscalers.yaml"),
        );
    }
}
