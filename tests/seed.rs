//! The seed walkthrough's manifests (bundled in `examples/seed/`) parse, round-trip as
//! written, and the legacy PlacementPolicy converts to the current shape.

use distributed_galera::check::{Checker, Verdict, parse_yaml};
use kubedb_types::admission::{PolicyLookup, validate_mariadb, validate_placement_policy};
use kubedb_types::apps::v1::{ConversionGap, PlacementPolicy, WhenUnsatisfiable};
use kubedb_types::kubedb::v1::{DeletionPolicy, MariaDB, StorageType};
use serde_json::Value;

const POLICY: &str = include_str!("../examples/seed/03-placement-policy.yaml");
const MARIADB: &str = include_str!("../examples/seed/05-mariadb.yaml");

fn yaml(text: &str) -> Value {
    serde_saphyr::from_str(text).expect("seed YAML parses")
}

#[test]
fn seed_policy_parses_and_round_trips_as_written() {
    let original = yaml(POLICY);
    let pp: PlacementPolicy = serde_json::from_value(original.clone()).expect("seed policy");
    assert!(pp.is_legacy());
    assert_eq!(
        pp.distribution(),
        vec![("demo-controller", &[0, 2][..]), ("demo-worker", &[1][..])]
    );
    assert_eq!(serde_json::to_value(&pp).expect("serializes"), original);
}

#[test]
fn seed_policy_converts_and_names_what_it_could_not_fill() {
    let pp: PlacementPolicy = serde_json::from_value(yaml(POLICY)).expect("seed policy");
    let conv = pp.converted(None);
    assert_eq!(conv.gaps, vec![ConversionGap::ProjectNamespace]);
    assert!(conv.gaps[0].to_string().contains("projectNamespace"));

    let conv = pp.converted(Some("kubeslice-demo-distributed-mariadb"));
    assert_eq!(conv.gaps, vec![]);
    let current = conv.policy;
    assert!(!current.is_legacy());
    let csc = current
        .spec
        .cluster_spread_constraint
        .as_ref()
        .expect("converted");
    assert_eq!(csc.slice.slice_name, "demo-slice");
    assert_eq!(
        csc.slice.project_namespace,
        "kubeslice-demo-distributed-mariadb"
    );
    assert_eq!(csc.distribution_rules[0].cluster_name, "demo-controller");
    assert_eq!(csc.distribution_rules[0].replica_indices, vec![0, 2]);
    assert_eq!(csc.distribution_rules[1].cluster_name, "demo-worker");
    assert_eq!(csc.distribution_rules[1].replica_indices, vec![1]);
    // The in-cluster spread and the metadata survive the conversion.
    let zone = current
        .spec
        .zone_spread_constraint
        .as_ref()
        .expect("zone spread");
    assert_eq!(zone.when_unsatisfiable, WhenUnsatisfiable::ScheduleAnyway);
    assert_eq!(current.metadata.labels, pp.metadata.labels);
    assert_eq!(validate_placement_policy(&current), vec![]);
}

#[test]
fn seed_mariadb_parses_and_is_valid_against_the_converted_policy() {
    let original = yaml(MARIADB);
    let md: MariaDB = serde_json::from_value(original.clone()).expect("seed MariaDB");
    assert_eq!(serde_json::to_value(&md).expect("serializes"), original);
    assert_eq!(md.spec.version, "11.5.2");
    assert_eq!(md.replicas(), 3);
    assert!(md.is_distributed());
    assert_eq!(md.spec.deletion_policy, Some(DeletionPolicy::WipeOut));
    assert_eq!(md.spec.storage_type, Some(StorageType::Durable));
    assert_eq!(md.placement_policy_name(), Some("distributed-mariadb"));
    assert_eq!(md.primary_service_dns(), "mariadb.demo.svc.slice.local");

    let legacy: PlacementPolicy = serde_json::from_value(yaml(POLICY)).expect("seed policy");
    let current = legacy
        .converted(Some("kubeslice-demo-distributed-mariadb"))
        .policy;
    assert_eq!(
        validate_mariadb(&md, PolicyLookup::Known(Some(&current))),
        vec![]
    );
    // Against the policy as the seed writes it, the current API has no cluster constraint.
    let v = validate_mariadb(&md, PolicyLookup::Known(Some(&legacy)));
    assert_eq!(v.len(), 1);
    assert!(
        v[0].to_string().contains("legacy spec.ocm shape"),
        "{}",
        v[0]
    );
}

#[test]
fn checker_on_the_seed_bundle() {
    let mut docs = parse_yaml("03-placement-policy.yaml".as_ref(), POLICY).expect("policy");
    docs.extend(parse_yaml("05-mariadb.yaml".as_ref(), MARIADB).expect("mariadb"));
    let reports = Checker::new().check(&docs);
    assert_eq!(reports[0].verdict, Verdict::Lossy(vec!["spec.ocm".into()]));
    assert!(
        matches!(&reports[1].verdict, Verdict::Invalid(r) if r[0].contains("clusterSpreadConstraint"))
    );
}
