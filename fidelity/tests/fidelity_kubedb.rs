//! Fidelity of the KubeDB types against the pinned upstream CRDs and samples.

mod support;

use distributed_galera::check::{Checker, Verdict, crd_schema, read_path};
use distributed_galera::kinds::Owner;
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

/// Every KubeDB kind and version of the list of workspace kinds is served by each supported
/// release's pinned CRDs, its storage version listed first, and every kind those CRDs define
/// is listed. (Versions the workspace does not type, such as MariaDB `v1alpha2`, are not
/// required.)
#[test]
fn the_kind_list_matches_every_release() {
    if !support::pins("fidelity_kubedb::the_kind_list_matches_every_release") {
        return;
    }
    let listed: std::collections::BTreeSet<String> = support::kind_crds(Owner::KubeDb)
        .iter()
        .map(|crd| format!("{}/{}", crd.spec.group, crd.spec.names.plural))
        .collect();
    for release in kubedb_types::release::Release::ALL {
        let dir = format!("kubedb/releases/{release}");
        support::assert_kinds_match_upstream(Owner::KubeDb, &dir, false);
        let upstream: std::collections::BTreeSet<String> = support::upstream_crd_files(&dir)
            .iter()
            .map(|(_, crd)| {
                format!(
                    "{}/{}",
                    crd["spec"]["group"].as_str().unwrap_or_default(),
                    crd["spec"]["names"]["plural"].as_str().unwrap_or_default()
                )
            })
            .collect();
        assert_eq!(
            listed, upstream,
            "{dir}: the kinds listed and the kinds pinned differ"
        );
    }
}

#[test]
fn mariadb_v1_schema_is_fully_covered() {
    if !support::pins("fidelity_kubedb::mariadb_v1_schema_is_fully_covered") {
        return;
    }
    assert_complete(
        "MariaDB",
        "kubedb/crds/kubedb.com_mariadbs.yaml",
        "v1",
        crd_schema::<MariaDB>(),
    );
}

#[test]
fn placement_policy_schema_is_fully_covered() {
    if !support::pins("fidelity_kubedb::placement_policy_schema_is_fully_covered") {
        return;
    }
    assert_complete(
        "PlacementPolicy",
        "kubedb/crds/apps.k8s.appscode.com_placementpolicies.yaml",
        "v1",
        crd_schema::<PlacementPolicy>(),
    );
}

#[test]
fn placement_policy_covers_the_newer_vendored_schema_too() {
    if !support::pins("fidelity_kubedb::placement_policy_covers_the_newer_vendored_schema_too") {
        return;
    }
    assert_complete(
        "PlacementPolicy (vendored newer)",
        "kubedb/crds/apps.k8s.appscode.com_placementpolicies.apimachinery-vendored-newer.yaml",
        "v1",
        crd_schema::<PlacementPolicy>(),
    );
}

#[test]
fn mariadb_version_schema_is_fully_covered() {
    if !support::pins("fidelity_kubedb::mariadb_version_schema_is_fully_covered") {
        return;
    }
    assert_complete(
        "MariaDBVersion",
        "kubedb/crds/catalog.kubedb.com_mariadbversions.yaml",
        "v1alpha1",
        crd_schema::<MariaDBVersion>(),
    );
}

#[test]
fn petset_schema_is_fully_covered() {
    if !support::pins("fidelity_kubedb::petset_schema_is_fully_covered") {
        return;
    }
    assert_complete(
        "PetSet",
        "kubedb/crds/apps.k8s.appscode.com_petsets.yaml",
        "v1",
        crd_schema::<PetSet>(),
    );
}

/// Every sample of the six kinds is lossless, except the one historical policy in the
/// legacy `spec.ocm` shape, which the current CRD prunes.
#[test]
fn every_kubedb_sample_round_trips() {
    if !support::pins("fidelity_kubedb::every_kubedb_sample_round_trips") {
        return;
    }
    let (docs, errors) = read_path(&support::upstream().join("kubedb/samples"));
    assert!(errors.is_empty(), "unreadable samples: {errors:?}");
    let reports = Checker::new().check(&docs);
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
    // 50 MariaDB, 12 PlacementPolicy, 1 PetSet, 1 MariaDBVersion, 2 MariaDBOpsRequest and 2
    // MariaDBAutoscaler (the distributed guides' samples in `related/`).
    assert_eq!(checked, 68, "samples of the six kinds");
}

/// Scope, names, short names, categories, subresources and printer columns match upstream.
#[test]
fn crd_names_match_upstream() {
    if !support::pins("fidelity_kubedb::crd_names_match_upstream") {
        return;
    }
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
    if !support::pins("fidelity_kubedb::samples_on_a_default_hub_of_each_release") {
        return;
    }
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
        let checker = Checker::for_release(release);
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
    if !support::pins("fidelity_kubedb::day2_kinds_cover_every_release_schema") {
        return;
    }
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
    assert_ne!(
        results[0].total, results[2].total,
        "OpsRequest schemas differ"
    );
}

/// Scope, names, short names, categories, status subresource and printer columns of the
/// day-2 kinds match both releases' CRDs.
#[test]
fn day2_crd_names_match_every_release() {
    if !support::pins("fidelity_kubedb::day2_crd_names_match_every_release") {
        return;
    }
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

/// The pinned samples of KubeDB's distributed guides (`kubedb/docs`, in
/// `../shared/upstream/kubedb/samples/related/`), as JSON.
fn guide_sample(name: &str) -> serde_json::Value {
    let file =
        format!("kubedb/samples/related/kubedb+docs__docs_guides_mariadb_distributed_{name}.yaml");
    let mut docs = support::yaml_docs(&support::upstream().join(&file));
    assert_eq!(docs.len(), 1, "{file}");
    docs.remove(0)
}

/// A HorizontalScaling request as the ops manager stores it on a v2026.7.10 hub: the CRD's
/// defaults applied, a status with a condition, every scaling field set.
const STORED_SCALE: &str = r#"{
  "apiVersion": "ops.kubedb.com/v1alpha1", "kind": "MariaDBOpsRequest",
  "metadata": {"name": "scale-to-7", "namespace": "demo", "generation": 1,
               "creationTimestamp": "2026-08-20T10:00:00Z"},
  "spec": {"type": "HorizontalScaling", "databaseRef": {"name": "mariadb"},
           "horizontalScaling": {"member": 7, "maxscale": false, "memberWeight": 1},
           "apply": "IfReady", "maxRetries": 1, "timeout": "10m"},
  "status": {"phase": "Successful", "observedGeneration": 1,
             "conditions": [{"type": "HorizontalScaleUp", "status": "True", "severity": "Info",
                             "observedGeneration": 1, "reason": "HorizontalScaleUp",
                             "message": "Successfully Horizontally Scaled Up",
                             "lastTransitionTime": "2026-08-20T10:04:00Z"}]}
}"#;

/// The CRD of `file` in `release`'s folder, as shipped.
fn release_crd(release: kubedb_types::release::Release, file: &str) -> serde_json::Value {
    support::yaml_docs(&support::upstream().join(format!("kubedb/releases/{release}/{file}")))
        .into_iter()
        .find(|d| d["kind"] == "CustomResourceDefinition")
        .unwrap_or_else(|| panic!("{release}/{file}: no CRD"))
}

/// The OpsRequest round-trips losslessly against both releases' CRDs: the guide's two requests
/// and a stored HorizontalScaling request read into the type and written back are equal to the
/// input, pass each release's schema validation, and lose nothing to its pruning. The
/// request built with `MariaDBOpsRequest::horizontal_scaling` is the guide's up-scale request.
#[test]
fn ops_request_round_trips_against_both_releases() {
    if !support::pins("fidelity_kubedb::ops_request_round_trips_against_both_releases") {
        return;
    }
    use distributed_galera::schema::{Validator, prune};
    use kubedb_types::ops::v1alpha1::{MariaDBOpsRequest, OpsRequestPhase};
    use kubedb_types::release::Release;
    // `horizontal_scale.md`'s requests: `examples/mdops-upscale.yaml` (member 5) and
    // `mdops-downscale.yaml` (member 3).
    let inputs: Vec<serde_json::Value> = vec![
        guide_sample("opsrequest_examples_mdops-upscale"),
        guide_sample("opsrequest_examples_mdops-downscale"),
        serde_json::from_str(STORED_SCALE).expect("stored JSON"),
    ];
    assert_eq!(inputs[0]["spec"]["horizontalScaling"]["member"], 5);
    assert_eq!(inputs[1]["spec"]["horizontalScaling"]["member"], 3);
    for input in &inputs {
        let typed: MariaDBOpsRequest =
            serde_json::from_value(input.clone()).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(&serde_json::to_value(&typed).expect("serializes"), input);
    }
    let stored: MariaDBOpsRequest = serde_json::from_value(inputs[2].clone()).expect("parses");
    assert_eq!(stored.target_members(), Some(7));
    assert_eq!(stored.phase(), Some(OpsRequestPhase::Successful));
    let built =
        MariaDBOpsRequest::horizontal_scaling("mdops-scale-horizontal-up", "demo", "mariadb", 5);
    assert_eq!(serde_json::to_value(&built).expect("serializes"), inputs[0]);
    for release in Release::ALL {
        let crd = release_crd(release, "ops.kubedb.com_mariadbopsrequests.yaml");
        let validator = Validator::for_crd(&crd, "v1alpha1").expect("v1alpha1 schema");
        let schema = &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
        for (i, input) in inputs.iter().enumerate() {
            let mut pruned = input.clone();
            let lost = prune(&mut pruned, schema);
            // v2025.7.31 does not serve spec.maxRetries: the stored v2026.7.10 object loses it.
            let expected: Vec<String> = if release == Release::V2025_7_31 && i == 2 {
                vec!["spec.maxRetries".into()]
            } else {
                Vec::new()
            };
            assert_eq!(lost, expected, "{release} #{i}");
            let refused = validator.validate(input, None);
            assert!(refused.is_empty(), "{release} #{i}: {refused:?}");
        }
        // The schema does refuse what it should: a type outside the enum, a missing ref.
        let mut bad = inputs[0].clone();
        bad["spec"]["type"] = "Scale".into();
        bad["spec"]
            .as_object_mut()
            .expect("spec")
            .remove("databaseRef");
        let refused: Vec<String> = validator
            .validate(&bad, None)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(refused.len(), 2, "{release}: {refused:?}");
        assert!(
            refused
                .iter()
                .any(|r| r.starts_with("spec.type: Unsupported value: \"Scale\"")),
            "{refused:?}"
        );
        assert!(
            refused
                .iter()
                .any(|r| r == "spec.databaseRef: Required value"),
            "{refused:?}"
        );
    }
}

/// The autoscaler samples of KubeDB's distributed autoscaling guides round-trip and validate
/// against both releases' CRDs (`docs/guides/mariadb/distributed/autoscaler/storage/cluster/
/// examples/mdas-storage.yaml` and `.../compute/cluster/examples/mdas-compute.yaml`, whose
/// `cpu: 1` is an integer and stays one).
#[test]
fn autoscaler_round_trips_against_both_releases() {
    if !support::pins("fidelity_kubedb::autoscaler_round_trips_against_both_releases") {
        return;
    }
    use distributed_galera::schema::{Validator, prune};
    use kubedb_types::autoscaling::v1alpha1::MariaDBAutoscaler;
    use kubedb_types::release::Release;
    for name in [
        "autoscaler_storage_cluster_examples_mdas-storage",
        "autoscaler_compute_cluster_examples_mdas-compute",
    ] {
        let input = guide_sample(name);
        if name.ends_with("compute") {
            assert_eq!(input["spec"]["compute"]["mariadb"]["maxAllowed"]["cpu"], 1);
        }
        let typed: MariaDBAutoscaler = serde_json::from_value(input.clone()).expect("parses");
        assert_eq!(serde_json::to_value(&typed).expect("serializes"), input);
        for release in Release::ALL {
            let crd = release_crd(release, "autoscaling.kubedb.com_mariadbautoscalers.yaml");
            let validator = Validator::for_crd(&crd, "v1alpha1").expect("schema");
            assert!(validator.validate(&input, None).is_empty(), "{release}");
            let mut pruned = input.clone();
            let schema = &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
            assert!(prune(&mut pruned, schema).is_empty(), "{release}");
        }
    }
}
