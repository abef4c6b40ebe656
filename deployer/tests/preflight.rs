//! Preflight rules that live in the type crates, as the deployer applies them.

use deployer::{Environment, Severity, default_slice_spec, draft};

/// KubeSlice onboards a `*` application namespace on every cluster *of the slice*
/// (`kubeslice_types`' `SliceConfigSpec::application_namespaces_on`): a placement cluster left
/// out of the slice gets neither the database's namespace nor the operator's.
#[test]
fn a_wildcard_namespace_is_not_onboarded_on_a_cluster_outside_the_slice() {
    let mut env = serde_json::to_value(Environment::seed()).expect("serialises");
    let slice = default_slice_spec(&["demo-controller".to_owned()], "demo", "kubedb");
    env["kubeslice"]["sliceConfig"] = serde_json::to_value(slice).expect("serialises");
    let env = Environment::from_value("test", env).expect("valid");
    let plan = draft(&env).expect("placeable");
    let errors: Vec<String> = plan
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("{}: {}", f.object, f.message))
        .collect();
    for ns in ["demo", "kubedb"] {
        assert!(
            errors.contains(&format!(
                "SliceConfig/demo-slice: namespace {ns} is not onboarded on demo-worker"
            )),
            "{errors:#?}"
        );
        assert!(
            !errors.iter().any(|e| e.ends_with(&format!(
                "namespace {ns} is not onboarded on demo-controller"
            ))),
            "{errors:#?}"
        );
    }
}
