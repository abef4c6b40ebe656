//! The generated CRDs are structural and match the golden snapshots kept in each type crate
//! (`<crate>/crds/<plural>.<group>.yaml`). Run with `BLESS=1` to rewrite the snapshots after
//! an intended change, and review the diff.

mod support;

use distributed_galera::kinds::Owner;
use distributed_galera::schema::structural_violations;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;

fn golden(krate: &str, crd: CustomResourceDefinition) {
    let name = crd.metadata.name.clone().unwrap_or_default();
    let json = serde_json::to_value(&crd).expect("CRD serializes");
    for version in json["spec"]["versions"].as_array().into_iter().flatten() {
        let schema = &version["schema"]["openAPIV3Schema"];
        let bad = structural_violations(schema);
        assert!(
            bad.is_empty(),
            "{name} {}: not structural: {bad:?}",
            version["name"]
        );
    }
    let yaml = serde_saphyr::to_string(&crd).expect("CRD renders as YAML");
    let path = fidelity::workspace_root()
        .join(krate)
        .join("crds")
        .join(format!("{name}.yaml"));
    if std::env::var_os("BLESS").is_some() {
        std::fs::create_dir_all(path.parent().expect("crds folder")).expect("create crds/");
        std::fs::write(&path, &yaml).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run `BLESS=1 cargo test --test crds` to create it",
            path.display()
        )
    });
    if let Some((line, (want, got))) = expected
        .lines()
        .zip(yaml.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
    {
        panic!(
            "{name}: the generated CRD differs from {} at line {}:\n  snapshot: {want}\n  now:      {got}\n\
             if the change is intended, run `BLESS=1 cargo test --test crds` and review the diff",
            path.display(),
            line + 1
        );
    }
    assert_eq!(
        expected.lines().count(),
        yaml.lines().count(),
        "{name}: the generated CRD and {} differ in length; run `BLESS=1 cargo test --test crds` if intended",
        path.display()
    );
}

#[test]
fn kubedb_crds() {
    for crd in support::crds(Owner::KubeDb) {
        golden("kubedb-types", crd);
    }
}

#[test]
fn kubeslice_crds() {
    for crd in support::crds(Owner::KubeSlice) {
        golden("kubeslice-types", crd);
    }
}

/// The addon kinds serve v1alpha1 (storage) and v1beta1, as upstream: one CRD each.
#[test]
fn ocm_crds() {
    for crd in support::crds(Owner::Ocm) {
        golden("ocm-types", crd);
    }
}
