//! The crates' release data (`kubedb-types/data`, `ocm-types/data`, `kubeslice-types/data`)
//! is what `scripts/derive-data.sh` derives from the pinned upstream files today: any
//! difference fails, naming the file and the command that rewrites it. And the derived data
//! judges as the pins do: every pinned CRD and its derived copy give the same verdicts on the
//! pinned samples (the derivation dropped only prose).

use std::collections::BTreeSet;

use fidelity::derive::{derive_all, strip_crd};

#[test]
fn the_committed_data_is_what_the_pins_derive() {
    let Some(shared) = fidelity::shared("data::the_committed_data_is_what_the_pins_derive") else {
        return;
    };
    let derived = derive_all(&shared).expect("the pins derive");
    let root = fidelity::workspace_root();
    let mut differ = Vec::new();
    for file in &derived {
        let committed = std::fs::read_to_string(root.join(&file.path)).unwrap_or_default();
        if committed != file.text {
            differ.push(file.path.display().to_string());
        }
    }
    assert!(
        differ.is_empty(),
        "{differ:?} differ from what the pins derive: run scripts/derive-data.sh and commit the result"
    );
    // No stale file beside them: every data file is derived.
    let derived_paths: BTreeSet<String> = derived
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    for dir in [
        "kubedb-types/data",
        "ocm-types/data",
        "kubeslice-types/data",
    ] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).expect("data folder") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let rel = path
                    .strip_prefix(&root)
                    .expect("under the root")
                    .display()
                    .to_string();
                assert!(
                    rel.ends_with("README.md") || derived_paths.contains(&rel),
                    "{rel} is not derived from the pins: remove it or derive it"
                );
            }
        }
    }
}

/// Stripping prose keeps every fact the validator uses: each pinned CRD version and its
/// derived copy accept and refuse the same pinned samples with the same messages.
#[test]
fn the_derived_schemas_judge_the_samples_as_the_pinned_ones() {
    let Some(up) =
        fidelity::upstream("data::the_derived_schemas_judge_the_samples_as_the_pinned_ones")
    else {
        return;
    };
    let mut crds = Vec::new();
    for dir in [
        "ocm/crds",
        "kubeslice/crds",
        "kubedb/releases/v2025.7.31",
        "kubedb/releases/v2026.7.10",
    ] {
        for entry in std::fs::read_dir(up.join(dir)).expect("crd folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "yaml") {
                crds.extend(
                    fidelity::yaml_docs(&path)
                        .into_iter()
                        .filter(|d| d["kind"] == "CustomResourceDefinition"),
                );
            }
        }
    }
    let mut samples = Vec::new();
    for dir in ["ocm/samples", "kubeslice/samples", "kubedb/samples"] {
        let mut stack = vec![up.join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).expect("samples") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml") {
                    let text = std::fs::read_to_string(&path).expect("sample");
                    let options = serde_saphyr::options! {
                        duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::LastWins,
                    };
                    if let Ok(docs) = serde_saphyr::from_multiple_with_options::<serde_json::Value>(
                        &text, options,
                    ) {
                        samples.extend(docs.into_iter().filter(|d| d.is_object()));
                    }
                }
            }
        }
    }
    let mut compared = 0;
    for crd in &crds {
        let stripped = strip_crd(crd).expect("strips");
        for version in crd["spec"]["versions"].as_array().into_iter().flatten() {
            let v = version["name"].as_str().unwrap_or_default();
            let (Ok(full), Ok(derived)) = (
                structural_schema::Validator::for_crd(crd, v),
                structural_schema::Validator::for_crd(&stripped, v),
            ) else {
                continue;
            };
            let api_version = format!("{}/{v}", crd["spec"]["group"].as_str().unwrap_or_default());
            for doc in samples.iter().filter(|d| {
                d["apiVersion"] == api_version.as_str() && d["kind"] == crd["spec"]["names"]["kind"]
            }) {
                let a: Vec<String> = full
                    .validate(doc, None)
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                let b: Vec<String> = derived
                    .validate(doc, None)
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                assert_eq!(a, b, "{api_version} {}", doc["metadata"]["name"]);
                compared += 1;
            }
        }
    }
    assert!(compared > 100, "only {compared} samples compared");
    println!("{compared} samples judged alike by the pinned and the derived schemas");
}
