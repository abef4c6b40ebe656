//! The deployer's plan for the walkthrough: the same objects as the walkthrough's YAMLs, all
//! lossless and valid for the checker, deterministic, and refused with the right finding for
//! each broken prerequisite.

use deployer::{Environment, PlacementRequest, Severity, plan};
use distributed_galera::check::{Checker, Verdict, parse_yaml};
use kubedb_types::apps::v1::PlacementPolicy;
use kubedb_types::release::Release;
use serde_json::{Value, json};

fn seed_docs(text: &str) -> Vec<Value> {
    serde_saphyr::from_multiple(text).expect("seed YAML")
}

fn step_json(kind: &str, name: &str) -> Value {
    let plan = plan(&Environment::seed()).expect("seed plan");
    plan.steps
        .iter()
        .map(|s| s.object.to_json())
        .find(|v| v["kind"] == kind && v["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind}/{name} in the plan"))
}

#[test]
fn seed_plan_matches_the_walkthrough_yamls() {
    let kubeslice = seed_docs(include_str!("../seed/02-kubeslice.yaml"));
    // Project and Cluster registrations: identical to the walkthrough's.
    assert_eq!(
        step_json("Project", "demo-distributed-mariadb"),
        kubeslice[0]
    );
    assert_eq!(step_json("Cluster", "demo-controller"), kubeslice[1]);
    assert_eq!(step_json("Cluster", "demo-worker"), kubeslice[2]);
    // SliceConfig: identical (clusters, subnet, gateway, QoS, onboarded namespaces).
    let slice = seed_docs(include_str!("../seed/04-sliceconfig.yaml")).remove(0);
    assert_eq!(step_json("SliceConfig", "demo-slice"), slice);
    // MariaDB: identical.
    let md = seed_docs(include_str!("../seed/05-mariadb.yaml")).remove(0);
    assert_eq!(step_json("MariaDB", "mariadb"), md);
    // PlacementPolicy: the walkthrough's own spec.ocm shape (its KubeDB v2025.7.31 serves no
    // other), field by field.
    let legacy: PlacementPolicy = serde_json::from_value(
        seed_docs(include_str!("../seed/03-placement-policy.yaml")).remove(0),
    )
    .expect("policy");
    let ours: PlacementPolicy =
        serde_json::from_value(step_json("PlacementPolicy", "distributed-mariadb"))
            .expect("policy");
    assert_eq!(ours.metadata.name, legacy.metadata.name);
    assert_eq!(ours.spec, legacy.spec);
    // For the newest release, the same policy in its clusterSpreadConstraint shape.
    let mut env = Environment::seed();
    env.kubedb.release = Release::V2026_7_10;
    let newest = plan(&env).expect("plans for the newest release");
    let ours = step_policy(&newest);
    let expected = legacy
        .converted(Some("kubeslice-demo-distributed-mariadb"))
        .policy;
    assert_eq!(ours.spec, expected.spec);
}

#[test]
fn steps_are_in_dependency_order_and_target_the_right_context() {
    let plan = plan(&Environment::seed()).expect("seed plan");
    let kinds: Vec<String> = plan
        .steps
        .iter()
        .map(|s| {
            s.object.to_json()["kind"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "Project",
            "Cluster",
            "Cluster",
            "SliceConfig",
            "PlacementPolicy",
            "MariaDB"
        ]
    );
    assert!(
        plan.steps
            .iter()
            .all(|s| s.context == "demo-controller" && !s.reason.is_empty())
    );
}

#[test]
fn every_emitted_object_is_lossless_and_valid() {
    let plan = plan(&Environment::seed()).expect("seed plan");
    let mut docs = parse_yaml("plan.yaml".as_ref(), &plan.objects_yaml()).expect("plan YAML");
    for spoke in &plan.spokes {
        docs.extend(
            parse_yaml(
                format!("{}.yaml", spoke.cluster).as_ref(),
                &plan.spoke_yaml(&spoke.cluster),
            )
            .expect("spoke YAML"),
        );
    }
    assert_eq!(docs.len(), 6 + 6, "six objects and two works per pod");
    for r in Checker::for_release(Release::WALKTHROUGH).check(&docs) {
        assert_eq!(r.verdict, Verdict::Lossless, "{r}");
    }
    // The newest release's plan is lossless and valid for the newest release.
    let mut env = Environment::seed();
    env.kubedb.release = Release::NEWEST;
    let newest = deployer::plan(&env).expect("plans");
    let docs = parse_yaml("plan.yaml".as_ref(), &newest.objects_yaml()).expect("plan YAML");
    for r in Checker::new().check(&docs) {
        assert_eq!(r.verdict, Verdict::Lossless, "{r}");
    }
}

#[test]
fn spoke_preview_is_what_petset_creates() {
    // The works below are those of petset@05a56e31 (KubeDB v2026.7.10); the walkthrough's
    // v2025.7.31 runs petset v0.0.11, whose works are checked at the end.
    let mut env = Environment::seed();
    env.kubedb.release = Release::V2026_7_10;
    let plan = plan(&env).expect("seed plan");
    let worker = plan
        .spokes
        .iter()
        .find(|s| s.cluster == "demo-worker")
        .expect("worker preview");
    let names: Vec<_> = worker
        .works
        .iter()
        .map(|w| w.metadata.name.clone().unwrap_or_default())
        .collect();
    assert_eq!(names, ["mariadb-1", "data-mariadb-1"]);
    let pod_work = serde_json::to_value(&worker.works[0]).expect("json");
    assert_eq!(pod_work["metadata"]["namespace"], "demo-worker");
    assert_eq!(
        pod_work["metadata"]["labels"]["open-cluster-management.io/role"],
        "pod"
    );
    let config = &pod_work["spec"]["manifestConfigs"][0];
    assert_eq!(
        config["resourceIdentifier"],
        json!({"group": "", "resource": "pods", "name": "mariadb-1", "namespace": "demo"})
    );
    let feedback: Vec<&str> = config["feedbackRules"][0]["jsonPaths"]
        .as_array()
        .expect("paths")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(
        feedback,
        [
            "PodPhase",
            "PodIP",
            "ReadyCondition",
            "PodRoleLabel",
            "NodeName"
        ]
    );
    assert_eq!(
        config["updateStrategy"]["serverSideApply"],
        json!({"force": true, "ignoreFields": [{"condition": "OnSpokePresent", "jsonPaths": ["$.metadata.labels"]}]})
    );
    let manifest = &pod_work["spec"]["workload"]["manifests"][0];
    assert_eq!(
        manifest["metadata"]["annotations"]["open-cluster-management.io/cluster-name"],
        "demo-worker"
    );
    let pvc_work = serde_json::to_value(&worker.works[1]).expect("json");
    assert_eq!(
        pvc_work["metadata"]["labels"]["open-cluster-management.io/role"],
        "pvc"
    );
    assert_eq!(
        pvc_work["spec"]["manifestConfigs"][0]["updateStrategy"]["serverSideApply"]["ignoreFields"]
            [0]["jsonPaths"],
        json!(["$.spec.volumeName", "$.spec.storageClassName"])
    );
    let galera = &worker.galera[0];
    assert_eq!(
        galera.peers[1],
        "mariadb-1.mariadb-pods.demo.svc.slice.local"
    );
    assert!(
        galera.render().contains("[mariadbd]")
            && galera.render().contains("wsrep_sst_method=rsync")
    );
    // petset@v0.0.11 (`pkg/controller/petset/pet_manifest_work_control.go`): four feedback
    // rules and no update strategy on the pod work, no manifest config on the claim work, and
    // the pod keeps its controller reference to the PetSet.
    let walkthrough = deployer::plan(&Environment::seed()).expect("seed plan");
    let worker = walkthrough
        .spokes
        .iter()
        .find(|s| s.cluster == "demo-worker")
        .expect("worker preview");
    let pod_work = serde_json::to_value(&worker.works[0]).expect("json");
    let config = &pod_work["spec"]["manifestConfigs"][0];
    assert_eq!(
        config["feedbackRules"][0]["jsonPaths"]
            .as_array()
            .map(Vec::len),
        Some(4)
    );
    assert!(config["updateStrategy"].is_null());
    assert_eq!(
        pod_work["spec"]["workload"]["manifests"][0]["metadata"]["ownerReferences"][0]["kind"],
        "PetSet"
    );
    let pvc_work = serde_json::to_value(&worker.works[1]).expect("json");
    assert!(pvc_work["spec"]["manifestConfigs"].is_null());
}

#[test]
fn rendering_is_deterministic() {
    let a = plan(&Environment::seed()).expect("plan").files();
    let b = plan(&Environment::seed()).expect("plan").files();
    assert_eq!(a, b);
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        [
            "demo-controller.manifestworks.yaml",
            "demo-worker.manifestworks.yaml",
            "plan.yaml"
        ]
    );
}

#[test]
fn seed_survival_names_the_fatal_loss_and_verified_fixes() {
    let plan = plan(&Environment::seed()).expect("plan");
    assert_eq!(
        plan.survival.lines(),
        [
            "lose demo-controller: loses quorum (1/3 votes)",
            "lose demo-worker: survives"
        ]
    );
    // No supported release serves failoverPolicy, so no TwoDC arbiter layout is proposed.
    assert_eq!(plan.survival.fixes.len(), 1);
    assert!(plan.survival.fixes[0].summary.contains("third cluster"));
    assert!(!Release::ALL.iter().any(|r| r.serves_failover_policy()));
    let warning = plan
        .findings
        .iter()
        .find(|f| f.severity == Severity::Warning)
        .expect("a survival warning");
    assert!(
        warning.message.contains("demo-controller") && warning.remedy.contains("third cluster")
    );
}

#[test]
fn auto_placement_spreads_like_the_walkthrough() {
    let mut env = Environment::seed();
    env.database.placement = serde_json::from_value(json!("auto")).expect("auto");
    assert!(matches!(env.database.placement, PlacementRequest::Auto(_)));
    let plan = plan(&env).expect("plan");
    let clusters: Vec<&str> = plan.placement.iter().map(|p| p.cluster.as_str()).collect();
    assert_eq!(
        clusters,
        ["demo-controller", "demo-worker", "demo-controller"]
    );
}

/// Plans `env` and returns the error findings' text.
fn errors(env: &Environment) -> Vec<String> {
    match plan(env) {
        Ok(p) => panic!("expected a refusal, got a plan with {:?}", p.findings),
        Err(rejected) => rejected
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| format!("{} {} | {}", f.object, f.message, f.remedy))
            .collect(),
    }
}

fn edit(f: impl FnOnce(&mut Value)) -> Environment {
    let mut v = serde_json::to_value(Environment::seed()).expect("env json");
    f(&mut v);
    Environment::from_value("test", v).expect("env")
}

#[test]
fn preflight_catches_a_cluster_not_in_the_slice() {
    let env = edit(|v| {
        let mut slice = serde_json::to_value(deployer::default_slice_spec(
            &["demo-controller".into()],
            "demo",
            "kubedb",
        ))
        .expect("slice");
        slice["clusters"] = json!(["demo-controller"]);
        v["kubeslice"]["sliceConfig"] = slice;
    });
    let e = errors(&env);
    assert!(
        e.iter()
            .any(|e| e.contains("\"demo-worker\" is not onboarded to slice \"demo-slice\"")),
        "{e:#?}"
    );
}

#[test]
fn preflight_catches_a_gap_in_ordinals() {
    let env = edit(
        |v| v["database"]["placement"] = json!([{"cluster": "demo-controller", "ordinals": [0, 3]}, {"cluster": "demo-worker", "ordinals": [1]}]),
    );
    let e = errors(&env);
    assert!(
        e.iter().any(|e| e.contains("replica index 2 is missing")),
        "{e:#?}"
    );
}

#[test]
fn preflight_catches_an_unjoined_cluster() {
    let env = edit(|v| {
        v["hub"]["managedClusters"][1]["status"]["conditions"][1]["status"] = json!("False")
    });
    let e = errors(&env);
    assert!(
        e.iter()
            .any(|e| e.starts_with("ManagedCluster/demo-worker has not joined")),
        "{e:#?}"
    );
}

#[test]
fn preflight_catches_kubernetes_1_25() {
    let env = edit(|v| {
        v["hub"]["managedClusters"][0]["status"]["version"]["kubernetes"] = json!("v1.25.16")
    });
    let e = errors(&env);
    assert!(
        e.iter()
            .any(|e| e
                .contains("ManagedCluster/demo-controller runs Kubernetes 1.25, older than 1.26")),
        "{e:#?}"
    );
}

#[test]
fn preflight_catches_a_namespace_not_onboarded() {
    let env = edit(|v| {
        let mut slice = serde_json::to_value(deployer::default_slice_spec(
            &["demo-controller".into(), "demo-worker".into()],
            "demo",
            "kubedb",
        ))
        .expect("slice");
        slice["namespaceIsolationProfile"]["applicationNamespaces"] =
            json!([{"namespace": "kubedb", "clusters": ["*"]}]);
        v["kubeslice"]["sliceConfig"] = slice;
    });
    let e = errors(&env);
    assert!(
        e.iter()
            .any(|e| e.contains("namespace demo is not onboarded on demo-controller")),
        "{e:#?}"
    );
    assert!(
        e.iter()
            .any(|e| e.contains("namespace demo is not onboarded on demo-worker")),
        "{e:#?}"
    );
}

#[test]
fn preflight_catches_fewer_than_three_replicas() {
    let env = edit(|v| v["database"]["replicas"] = json!(2));
    let e = errors(&env);
    assert!(
        e.iter()
            .any(|e| e.contains("needs at least 3 replicas, got 2")),
        "{e:#?}"
    );
}

#[test]
fn preflight_catches_raw_feedback_off_and_small_capacity() {
    let env = edit(|v| {
        v["hub"]["klusterlets"]["demo-worker"]["spec"]["workConfiguration"]["featureGates"] =
            json!([]);
        v["hub"]["managedClusters"][0]["status"]["allocatable"]["memory"] = json!("1Gi");
    });
    let e = errors(&env);
    assert!(
        e.iter()
            .any(|e| e.starts_with("Klusterlet/demo-worker RawFeedbackJsonString is not enabled")),
        "{e:#?}"
    );
    assert!(
        e.iter().any(|e| e.contains("2 pods need 2.0Gi memory")),
        "{e:#?}"
    );
}

#[test]
fn bad_environment_input_names_the_field() {
    let err = Environment::from_yaml("env.yaml", "hub: {name: x}\nkubeslice: {}\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("env.yaml: kubeslice: missing field"),
        "{err}"
    );
    let err = Environment::from_yaml("env.yaml", "hub: [\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("malformed YAML") && err.contains("line"),
        "{err}"
    );
    let mut v = serde_json::to_value(Environment::seed()).expect("json");
    v["database"]["replicas"] = json!("three");
    let err = Environment::from_value("env", v).unwrap_err().to_string();
    assert!(err.contains("database.replicas"), "{err}");
}

#[test]
fn an_unknown_release_is_a_typed_error_listing_the_supported_ones() {
    let mut v = serde_json::to_value(Environment::seed()).expect("json");
    v["kubedb"]["release"] = json!("v2024.1.1");
    let err = Environment::from_value("env", v).unwrap_err().to_string();
    assert!(err.contains("kubedb.release"), "{err}");
    assert!(err.contains("v2025.7.31, v2026.7.10"), "{err}");
    // Without kubedb.release the newest release is planned for.
    let mut v = serde_json::to_value(Environment::seed()).expect("json");
    v.as_object_mut().expect("object").remove("kubedb");
    let env = Environment::from_value("env", v).expect("env");
    assert_eq!(env.kubedb.release, Release::NEWEST);
    assert_eq!(Environment::seed().kubedb.release, Release::WALKTHROUGH);
}

/// Per-cluster storage classes exist only in the newer policy shape: under v2025.7.31 they are
/// an error (the plan would silently lose them), under v2026.7.10 they are planned.
#[test]
fn per_cluster_storage_classes_need_the_newer_release() {
    let with_class = |release: &str| {
        edit(|v| {
            v["kubedb"]["release"] = json!(release);
            v["database"]["placement"] = json!([
                {"cluster": "demo-controller", "ordinals": [0, 2], "storageClass": "fast"},
                {"cluster": "demo-worker", "ordinals": [1]}]);
        })
    };
    let e = errors(&with_class("v2025.7.31"));
    assert!(
        e.iter()
            .any(|e| e.contains("storage class \"fast\" for demo-controller")),
        "{e:#?}"
    );
    let plan = plan(&with_class("v2026.7.10")).expect("plans");
    let pp = step_policy(&plan);
    let csc = pp.spec.cluster_spread_constraint.expect("newer shape");
    assert_eq!(
        csc.distribution_rules[0].storage_class_name.as_deref(),
        Some("fast")
    );
}

fn step_policy(plan: &deployer::Plan) -> PlacementPolicy {
    plan.steps
        .iter()
        .map(|s| s.object.to_json())
        .find(|v| v["kind"] == "PlacementPolicy")
        .and_then(|v| serde_json::from_value(v).ok())
        .expect("a PlacementPolicy step")
}

/// The MariaDB webhook's catalog and storage rules reach preflight: a version the release's
/// catalog lacks and a storage class the hub lacks are errors with the catalog named.
#[test]
fn preflight_uses_the_release_catalog_and_the_hub_storage_classes() {
    let env = edit(|v| v["database"]["version"] = json!("12.3.2"));
    let e = errors(&env);
    assert!(
        e.iter().any(|e| e.contains("MariaDBVersion \"12.3.2\" does not exist")
            && e.contains("11.5.2")),
        "{e:#?}"
    );
    // 12.1.2 is in the newest release's catalog only.
    let newer = edit(|v| {
        v["database"]["version"] = json!("12.1.2");
        v["kubedb"]["release"] = json!("v2026.7.10");
    });
    assert!(plan(&newer).is_ok());
    let env = edit(|v| {
        v["database"]["storageClass"] = json!("fast");
        v["kubedb"]["storageClasses"] = json!(["standard"]);
    });
    let e = errors(&env);
    assert!(
        e.iter()
            .any(|e| e.contains("StorageClass \"fast\" does not exist")),
        "{e:#?}"
    );
    let env = edit(|v| {
        v["database"]["storageClass"] = json!("fast");
    });
    let plan = plan(&env).expect("plans: the classes are unknown");
    assert!(
        plan.findings.iter().any(|f| f.object == "StorageClass/fast"
            && f.remedy.contains("kubectl get storageclass fast")),
        "{:?}",
        plan.findings
    );
}

/// What a distributed pod needs to start, as KubeDB's pods have it.
#[test]
fn pod_preview_has_what_a_distributed_pod_needs() {
    let plan = plan(&Environment::seed()).expect("seed plan");
    let pod_work = serde_json::to_value(&plan.spokes[0].works[0]).expect("json");
    let pod = &pod_work["spec"]["workload"]["manifests"][0];
    assert_eq!(
        pod["metadata"]["labels"]["app.kubernetes.io/component"],
        "database"
    );
    let volumes = pod["spec"]["volumes"].as_array().expect("volumes");
    let podip = volumes
        .iter()
        .find(|v| v["name"] == "podip")
        .expect("podip volume");
    assert_eq!(
        podip["downwardAPI"]["items"][0]["fieldRef"]["fieldPath"],
        "metadata.labels['kubeslice.io/nsmIP']"
    );
    let mounts = &pod["spec"]["containers"][0]["volumeMounts"];
    let mounted = |path: &str| {
        mounts
            .as_array()
            .into_iter()
            .flatten()
            .any(|m| m["mountPath"] == path)
    };
    assert!(mounted("/etc/podip") && mounted("/scripts"), "{mounts}");
    assert_eq!(
        pod["spec"]["containers"][1]["volumeMounts"][0]["mountPath"],
        "/scripts"
    );
}
