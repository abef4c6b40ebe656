//! What the webhook rules read of a SliceConfig: the defaults the API server would store,
//! applied without being written back. The rules' cases themselves are data:
//! `testdata/validation/*.txt`, run by `tests/datadriven.rs`.

use kubeslice_types::controller::v1alpha1::SliceConfig;
use serde_json::Value;

/// The walkthrough's SliceConfig (its Step 6; `testdata/validation/slice_config.txt`'s `seed`).
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

/// The seed's SliceConfig with one change to its spec.
fn seed_with(f: impl FnOnce(&mut Value)) -> SliceConfig {
    let mut doc: Value = serde_saphyr::from_str(SEED_SLICE).expect("seed YAML");
    f(&mut doc["spec"]);
    serde_json::from_value(doc).expect("slice config")
}

fn remove(spec: &mut Value, key: &str) {
    spec.as_object_mut().expect("spec object").remove(key);
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
