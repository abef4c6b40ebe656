//! Each KubeSlice webhook rule accepts a good object and rejects a bad one; the walkthrough's
//! SliceConfig passes.

use k8s_openapi::api::core::v1::Namespace;
use kubeslice_types::controller::v1alpha1::{
    Cluster, NamespaceSlice, Project, RegistrationStatus, SliceConfig, SliceQoSConfig,
};
use kubeslice_types::validation::*;
use serde_json::{Value, json};

/// The walkthrough's SliceConfig (its Step 6).
const SEED_SLICE: &str = "apiVersion: controller.kubeslice.io/v1alpha1
kind: SliceConfig
metadata: {name: demo-slice, namespace: kubeslice-demo-distributed-mariadb}
spec:
  sliceSubnet: 10.1.0.0/16
  maxClusters: 16
  sliceType: Application
  sliceGatewayProvider: {sliceGatewayType: Wireguard, sliceCaType: Local}
  sliceIpamType: Local
  rotationInterval: 60
  vpnConfig: {cipher: AES-128-CBC}
  clusters: [demo-controller, demo-worker]
  qosProfileDetails: {queueType: HTB, priority: 1, tcType: BANDWIDTH_CONTROL,
    bandwidthCeilingKbps: 5120, bandwidthGuaranteedKbps: 2560, dscpClass: AF11}
  namespaceIsolationProfile:
    applicationNamespaces:
      - {namespace: demo, clusters: ['*']}
      - {namespace: kubedb, clusters: ['*']}
    isolationEnabled: false
    allowedNamespaces: [{namespace: kube-system, clusters: ['*']}]
";
const NS: &str = "kubeslice-demo-distributed-mariadb";

fn yaml_docs(text: &str) -> Vec<Value> {
    serde_saphyr::from_multiple(text).expect("seed YAML")
}

fn seed_slice() -> SliceConfig {
    serde_json::from_value(yaml_docs(SEED_SLICE).remove(0)).expect("seed SliceConfig")
}

fn project_namespace() -> Namespace {
    serde_json::from_value(json!({"metadata": {"name": NS, "labels": {PROJECT_NAMESPACE_LABEL: format!("Project-{NS}")}}}))
        .expect("namespace")
}

/// A Cluster as the controller holds it once the worker registered.
fn registered(name: &str, cni: &str) -> Cluster {
    serde_json::from_value(json!({
        "apiVersion": "controller.kubeslice.io/v1alpha1", "kind": "Cluster",
        "metadata": {"name": name, "namespace": NS},
        "spec": {"networkInterface": "enp1s0", "clusterProperty": {}},
        "status": {"registrationStatus": "Registered", "nodeIPs": ["10.2.0.56"], "networkPresent": true,
                   "cniSubnet": [cni], "clusterHealth": {"clusterHealthStatus": "Normal"}}
    }))
    .expect("cluster")
}

fn hub<'a>(ns: &'a [Namespace], clusters: &'a [Cluster]) -> HubState<'a> {
    HubState {
        namespaces: Some(ns),
        clusters: Some(clusters),
        qos_profiles: Some(&[]),
    }
}

fn rules(v: Vec<Violation>) -> Vec<Rule> {
    v.into_iter().map(|v| v.rule).collect()
}

/// The seed's SliceConfig with one change to its spec.
fn seed_with(f: impl FnOnce(&mut Value)) -> SliceConfig {
    let mut doc = yaml_docs(SEED_SLICE).remove(0);
    f(&mut doc["spec"]);
    serde_json::from_value(doc).expect("slice config")
}

fn remove(spec: &mut Value, key: &str) {
    spec.as_object_mut().expect("spec object").remove(key);
}

#[test]
fn the_walkthrough_slice_passes() {
    let ns = [project_namespace()];
    let clusters = [
        registered("demo-controller", "10.244.0.0/16"),
        registered("demo-worker", "10.245.0.0/16"),
    ];
    assert_eq!(
        validate_slice_config(&seed_slice(), &hub(&ns, &clusters)),
        vec![]
    );
    assert_eq!(
        validate_slice_config(&seed_slice(), &HubState::default()),
        vec![],
        "statically too"
    );
}

#[test]
fn defaults_are_applied_but_not_written_back() {
    let sc = seed_with(|s| {
        remove(s, "maxClusters");
        remove(s, "vpnConfig");
    });
    assert_eq!(sc.spec.max_clusters, None);
    assert_eq!(sc.spec.max_clusters(), 16);
    let d = sc.with_defaults();
    assert_eq!(d.spec.max_clusters, Some(16));
    assert_eq!(
        d.spec.vpn_config.and_then(|v| v.cipher),
        Some(kubeslice_types::common::Cipher::Aes256Cbc)
    );
    assert_eq!(
        d.spec.rotation_interval,
        Some(60),
        "values that are set are kept"
    );
    assert_eq!(
        serde_json::to_value(&sc).unwrap()["spec"].get("maxClusters"),
        None
    );
}

#[test]
fn project_namespace_rule() {
    let clusters = [
        registered("demo-controller", "10.244.0.0/16"),
        registered("demo-worker", "10.245.0.0/16"),
    ];
    let unlabeled: Vec<Namespace> =
        vec![serde_json::from_value(json!({"metadata": {"name": NS}})).unwrap()];
    assert_eq!(
        rules(validate_slice_config(
            &seed_slice(),
            &hub(&unlabeled, &clusters)
        )),
        vec![Rule::NotProjectNamespace {
            namespace: NS.into()
        }]
    );
}

#[test]
fn cluster_rules() {
    let ns = [project_namespace()];
    let mut pending = registered("demo-worker", "10.245.0.0/16");
    let st = pending.status.as_mut().unwrap();
    st.registration_status = Some(RegistrationStatus::Pending);
    st.node_ips = None;
    st.network_present = Some(false);
    let clusters = [registered("demo-controller", "10.1.0.0/24"), pending];
    let sc = seed_with(|s| {
        s["clusters"] = json!(["demo-controller", "demo-worker", "demo-worker", "gone"])
    });
    let v = validate_slice_config(&sc, &hub(&ns, &clusters));
    assert_eq!(v[0].path, "spec.clusters[2]");
    let worker = || {
        [
            Rule::ClusterNotReady {
                cluster: "demo-worker".into(),
                status: Some(RegistrationStatus::Pending),
            },
            Rule::ClusterWithoutNodeIps {
                cluster: "demo-worker".into(),
            },
            Rule::ClusterWithoutNetwork {
                cluster: "demo-worker".into(),
            },
        ]
    };
    let mut expected = vec![
        Rule::Duplicate {
            value: "demo-worker".into(),
        },
        Rule::SubnetOverlapsCni {
            cluster: "demo-controller".into(),
            cni: "10.1.0.0/24".into(),
        },
    ];
    expected.extend(worker());
    expected.extend(worker());
    expected.push(Rule::ClusterNotRegistered {
        cluster: "gone".into(),
    });
    assert_eq!(rules(v), expected);
}

#[test]
fn namespace_rules() {
    let bad = seed_with(|s| {
        s["namespaceIsolationProfile"] = json!({
            "applicationNamespaces": [
                {"namespace": "demo", "clusters": ["*", "demo-worker"]},
                {"namespace": "bad_name", "clusters": ["elsewhere"]},
                {"namespace": "demo", "clusters": ["demo-worker", "demo-worker"]},
                {"clusters": ["demo-worker"]}],
            "allowedNamespaces": [{"clusters": ["*"]}, {"namespace": "kube-system"}]
        })
    });
    let got: Vec<(String, Rule)> = validate_slice_config(&bad, &HubState::default())
        .into_iter()
        .map(|v| (v.path, v.rule))
        .collect();
    let base = "spec.namespaceIsolationProfile";
    let expected = vec![
        (
            format!("{base}.applicationNamespaces[2].clusters[1]"),
            Rule::Duplicate {
                value: "demo-worker".into(),
            },
        ),
        (
            format!("{base}.applicationNamespaces[3].namespace"),
            Rule::Required,
        ),
        (
            format!("{base}.applicationNamespaces[0].clusters"),
            Rule::WildcardNotAlone,
        ),
        (
            format!("{base}.applicationNamespaces[1].namespace"),
            Rule::InvalidNamespaceName {
                namespace: "bad_name".into(),
            },
        ),
        (
            format!("{base}.applicationNamespaces[1].clusters[0]"),
            Rule::ClusterNotInSlice {
                cluster: "elsewhere".into(),
            },
        ),
        (
            format!("{base}.applicationNamespaces[2].namespace"),
            Rule::Duplicate {
                value: "demo".into(),
            },
        ),
        (
            format!("{base}.allowedNamespaces[0].namespace"),
            Rule::Required,
        ),
        (
            format!("{base}.allowedNamespaces[1].clusters"),
            Rule::Required,
        ),
    ];
    assert_eq!(got, expected);
}

#[test]
fn namespace_owned_by_another_slice() {
    let ns = [project_namespace()];
    let mut worker = registered("demo-worker", "10.245.0.0/16");
    worker.status.as_mut().unwrap().namespaces = Some(vec![NamespaceSlice {
        name: Some("demo".into()),
        slice_name: Some("other-slice".into()),
    }]);
    let clusters = [registered("demo-controller", "10.244.0.0/16"), worker];
    assert_eq!(
        rules(validate_slice_config(&seed_slice(), &hub(&ns, &clusters))),
        vec![Rule::NamespaceInOtherSlice {
            namespace: "demo".into(),
            cluster: "demo-worker".into(),
            slice: "other-slice".into()
        }]
    );
}

#[test]
fn max_clusters_range_and_count() {
    let over = seed_with(|s| s["maxClusters"] = json!(33));
    assert_eq!(
        rules(validate_slice_config(&over, &HubState::default())),
        vec![Rule::MaxClustersOutOfRange { max: 33 }]
    );
    let crowded = seed_with(|s| {
        s["maxClusters"] = json!(2);
        s["clusters"] = json!(["demo-controller", "demo-worker", "x"]);
    });
    assert_eq!(
        rules(validate_slice_config(&crowded, &HubState::default())),
        vec![Rule::TooManyClusters {
            clusters: 3,
            max: 2
        }]
    );
}

#[test]
fn subnet_rules() {
    let check = |subnet: &str| rules(slice_subnet_violations(Some(subnet)));
    assert_eq!(check("10.1.0.0/16"), vec![]);
    assert_eq!(check("192.168.0.0/16"), vec![]);
    assert_eq!(check("8.8.0.0/16"), vec![Rule::SubnetNotPrivate]);
    assert_eq!(check("10.1.0.0/20"), vec![Rule::SubnetNotSlash16]);
    assert_eq!(check("10.1.3.0/16"), vec![Rule::SubnetNotZeroed]);
    assert!(matches!(check("10.1.0/16")[0], Rule::SubnetInvalid { .. }));
    assert_eq!(rules(slice_subnet_violations(None)), vec![Rule::Required]);
    let no_network = seed_with(|s| {
        s["overlayNetworkDeploymentMode"] = json!("no-network");
        s["sliceSubnet"] = json!("8.8.8.8/8");
    });
    assert_eq!(
        validate_slice_config(&no_network, &HubState::default()),
        vec![],
        "no-network skips network rules"
    );
}

#[test]
fn gateway_provider_rules() {
    let none = seed_with(|s| remove(s, "sliceGatewayProvider"));
    assert_eq!(
        rules(validate_slice_config(&none, &HubState::default())),
        vec![Rule::Required]
    );
    let bad = seed_with(|s| {
        s["sliceGatewayProvider"]["sliceGatewayServiceType"] = json!([
            {"cluster": "demo-worker", "type": "LoadBalancer", "protocol": "TCP"},
            {"cluster": "demo-worker", "type": "NodePort", "protocol": "UDP"},
            {"cluster": "elsewhere", "type": "NodePort", "protocol": "UDP"},
            {"cluster": "*", "type": "NodePort", "protocol": "UDP"}])
    });
    assert_eq!(
        rules(validate_slice_config(&bad, &HubState::default())),
        vec![
            Rule::Duplicate {
                value: "demo-worker".into()
            },
            Rule::ClusterNotInSlice {
                cluster: "elsewhere".into()
            }
        ]
    );
}

#[test]
fn qos_rules() {
    let both = seed_with(|s| s["standardQosProfileName"] = json!("gold"));
    assert_eq!(
        rules(validate_slice_config(&both, &HubState::default())),
        vec![Rule::QosExclusive { both: true }]
    );
    let neither = seed_with(|s| remove(s, "qosProfileDetails"));
    assert_eq!(
        rules(validate_slice_config(&neither, &HubState::default())),
        vec![Rule::QosExclusive { both: false }]
    );
    let named = seed_with(|s| {
        remove(s, "qosProfileDetails");
        s["standardQosProfileName"] = json!("gold");
    });
    let gold: SliceQoSConfig = serde_json::from_value(json!({
        "apiVersion": "controller.kubeslice.io/v1alpha1", "kind": "SliceQoSConfig",
        "metadata": {"name": "gold", "namespace": NS},
        "spec": {"queueType": "HTB", "priority": 1, "tcType": "BANDWIDTH_CONTROL",
                 "bandwidthCeilingKbps": 10, "bandwidthGuaranteedKbps": 5, "dscpClass": "EF"}
    }))
    .unwrap();
    let known = [gold.clone()];
    assert_eq!(
        validate_slice_config(
            &named,
            &HubState {
                qos_profiles: Some(&known),
                ..HubState::default()
            }
        ),
        vec![]
    );
    assert_eq!(
        rules(validate_slice_config(
            &named,
            &HubState {
                qos_profiles: Some(&[]),
                ..HubState::default()
            }
        )),
        vec![Rule::QosProfileNotFound {
            name: "gold".into()
        }]
    );
    let inverted = seed_with(|s| s["qosProfileDetails"]["bandwidthGuaranteedKbps"] = json!(9000));
    assert_eq!(
        rules(validate_slice_config(&inverted, &HubState::default())),
        vec![Rule::BandwidthGuaranteeAboveCeiling {
            guaranteed: 9000,
            ceiling: 5120
        }]
    );
    assert_eq!(
        validate_slice_qos_config(&gold, &HubState::default()),
        vec![]
    );
    let mut bad = gold;
    bad.spec.bandwidth_guaranteed_kbps = 11;
    assert_eq!(
        rules(validate_slice_qos_config(&bad, &HubState::default())),
        vec![Rule::BandwidthGuaranteeAboveCeiling {
            guaranteed: 11,
            ceiling: 10
        }]
    );
}

#[test]
fn external_gateway_rules() {
    let good = seed_with(|s| {
        s["externalGatewayConfig"] = json!([{"gatewayType": "istio", "clusters": ["*"]}])
    });
    assert_eq!(validate_slice_config(&good, &HubState::default()), vec![]);
    let bad = seed_with(|s| {
        s["externalGatewayConfig"] = json!([
            {"gatewayType": "istio", "clusters": ["*", "demo-worker"]},
            {"gatewayType": "envoy", "clusters": ["*"]},
            {"gatewayType": "none", "clusters": ["demo-worker", "elsewhere"]},
            {"gatewayType": "none", "clusters": ["demo-worker"]}])
    });
    assert_eq!(
        rules(validate_slice_config(&bad, &HubState::default())),
        vec![
            Rule::WildcardNotAlone,
            Rule::WildcardRepeated,
            // demo-worker is in entries 0, 2 and 3.
            Rule::Duplicate {
                value: "demo-worker".into()
            },
            Rule::ClusterNotInSlice {
                cluster: "elsewhere".into()
            },
            Rule::Duplicate {
                value: "demo-worker".into()
            },
        ]
    );
}

#[test]
fn update_rules() {
    let lb = json!([{"cluster": "demo-worker", "type": "LoadBalancer", "protocol": "UDP"}]);
    let old = seed_with(|s| s["sliceGatewayProvider"]["sliceGatewayServiceType"] = lb.clone());
    assert_eq!(
        validate_slice_config_update(&old, &old, &HubState::default()),
        vec![]
    );
    let added = seed_with(|s| {
        s["sliceGatewayProvider"]["sliceGatewayServiceType"] = lb.clone();
        s["clusters"] = json!(["demo-controller", "demo-worker", "third"]);
    });
    assert_eq!(
        validate_slice_config_update(&old, &added, &HubState::default()),
        vec![]
    );
    let changed = seed_with(|s| {
        s["sliceSubnet"] = json!("10.2.0.0/16");
        s["sliceGatewayProvider"]["sliceGatewayType"] = json!("OpenVPN");
        s["maxClusters"] = json!(8);
        s["vpnConfig"]["cipher"] = json!("AES-256-CBC");
        s["sliceGatewayProvider"]["sliceGatewayServiceType"] = json!([
            {"cluster": "demo-worker", "type": "NodePort", "protocol": "TCP"},
            {"cluster": "demo-controller", "type": "NodePort", "protocol": "TCP"}]);
    });
    let got: Vec<(String, Rule)> =
        validate_slice_config_update(&old, &changed, &HubState::default())
            .into_iter()
            .map(|v| (v.path, v.rule))
            .collect();
    let gst = "spec.sliceGatewayProvider.sliceGatewayServiceType";
    assert_eq!(
        got,
        vec![
            ("spec.sliceSubnet".into(), Rule::Immutable),
            (
                "spec.sliceGatewayProvider.sliceGatewayType".into(),
                Rule::Immutable
            ),
            ("spec.vpnConfig.cipher".into(), Rule::Immutable),
            ("spec.maxClusters".into(), Rule::Immutable),
            (format!("{gst}[0].type"), Rule::GatewayServiceTypeDowngrade),
            (format!("{gst}[0].protocol"), Rule::Immutable),
            (format!("{gst}[1].protocol"), Rule::NewGatewayEntryNotUdp),
        ]
    );
    let to_no_network = seed_with(|s| s["overlayNetworkDeploymentMode"] = json!("no-network"));
    assert!(matches!(
        rules(validate_slice_config_update(
            &old,
            &to_no_network,
            &HubState::default()
        ))[0],
        Rule::ModeChangeForbidden { .. }
    ));
    assert_eq!(
        validate_slice_config_update(&to_no_network, &seed_slice(), &HubState::default()),
        vec![],
        "no-network may become networked"
    );
}

#[test]
fn project_rules() {
    let p = |name: &str, ns: Option<&str>, sa: &str| -> Project {
        let mut meta = json!({"name": name});
        if let Some(ns) = ns {
            meta["namespace"] = json!(ns);
        }
        serde_json::from_value(
            json!({"apiVersion": "controller.kubeslice.io/v1alpha1", "kind": "Project",
            "metadata": meta, "spec": {"serviceAccount": {"readOnly": [sa]}}}),
        )
        .unwrap()
    };
    assert_eq!(
        validate_project(
            &p("demo", Some(CONTROLLER_NAMESPACE), "alice"),
            CONTROLLER_NAMESPACE
        ),
        vec![]
    );
    assert_eq!(
        validate_project(&p("demo", None, "alice"), CONTROLLER_NAMESPACE),
        vec![],
        "namespace decided at apply time"
    );
    assert_eq!(
        rules(validate_project(
            &p("de.mo", Some("default"), "-alice"),
            CONTROLLER_NAMESPACE
        )),
        vec![
            Rule::ProjectNotInControllerNamespace {
                expected: CONTROLLER_NAMESPACE.into()
            },
            Rule::InvalidProjectName,
            Rule::InvalidServiceAccountName {
                name: "-alice".into()
            },
        ]
    );
    assert_eq!(
        rules(validate_project(
            &p(&"x".repeat(31), None, "a1"),
            CONTROLLER_NAMESPACE
        )),
        vec![Rule::InvalidProjectName]
    );
}

#[test]
fn cluster_geo_and_ip_rules() {
    let c = |geo: Value, ips: Value| -> Cluster {
        serde_json::from_value(
            json!({"apiVersion": "controller.kubeslice.io/v1alpha1", "kind": "Cluster",
            "metadata": {"name": "c", "namespace": NS},
            "spec": {"nodeIPs": ips, "clusterProperty": {"geoLocation": geo}}}),
        )
        .unwrap()
    };
    let good = c(
        json!({"latitude": "37.4", "longitude": "-122.1"}),
        json!(["10.0.0.1", "fd00::1"]),
    );
    assert_eq!(validate_cluster(&good, &HubState::default()), vec![]);
    let bad = c(json!({"latitude": "97"}), json!(["10.0.0.300"]));
    assert_eq!(
        rules(validate_cluster(&bad, &HubState::default())),
        vec![
            Rule::InvalidGeoLocation,
            Rule::InvalidNodeIp {
                ip: "10.0.0.300".into()
            }
        ]
    );
}
