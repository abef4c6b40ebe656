//! Fidelity of the KubeSlice types against the pinned upstream CRDs and samples.

mod support;

use distributed_galera::check::{Checker, Verdict, parse_yaml};
use distributed_galera::kinds::Owner;

/// The list of workspace kinds holds every KubeSlice CRD pinned upstream, at every version
/// it serves, and nothing else.
#[test]
fn the_kind_list_matches_the_pinned_crds() {
    if !support::pins("fidelity_kubeslice::the_kind_list_matches_the_pinned_crds") {
        return;
    }
    support::assert_kinds_match_upstream(Owner::KubeSlice, "kubeslice/crds", true);
}

#[test]
fn every_kind_is_fully_covered() {
    if !support::pins("fidelity_kubeslice::every_kind_is_fully_covered") {
        return;
    }
    support::assert_all_covered(&support::coverage_of_kinds(
        Owner::KubeSlice,
        "kubeslice/crds",
    ));
}

/// Scope, names, short names, status subresource and printer columns match upstream.
#[test]
fn crd_names_match_upstream() {
    if !support::pins("fidelity_kubeslice::crd_names_match_upstream") {
        return;
    }
    for crd in support::kind_crds(Owner::KubeSlice) {
        let file =
            support::upstream_crd_file("kubeslice/crds", &crd.spec.group, &crd.spec.names.plural);
        support::assert_crd_names(&crd, &file);
    }
}

/// Every KubeSlice document of every concrete sample is judged as `INDEX.tsv` says the API
/// server judges it: OK without unknown fields → lossless; OK with unknown fields → lossy with
/// exactly those paths; kinds without an OSS CRD (NO-CRD, and the enterprise SliceNSGateway)
/// → unknown.
#[test]
fn every_sample_is_judged_as_the_api_server_judges_it() {
    if !support::pins("fidelity_kubeslice::every_sample_is_judged_as_the_api_server_judges_it") {
        return;
    }
    let dir = support::upstream().join("kubeslice/samples");
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).expect("INDEX.tsv");
    let mut checked = 0;
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, class, judged, unknown) = (
            cols[0],
            cols[3],
            cols[5],
            cols.get(6).copied().unwrap_or(""),
        );
        assert_eq!(class, "concrete", "{file}");
        let text = std::fs::read_to_string(dir.join(file)).expect("sample");
        let docs = parse_yaml(file.as_ref(), &text).expect("well-formed sample");
        for r in Checker::new().check(&docs) {
            let group = r
                .api_version
                .as_deref()
                .unwrap_or("")
                .split('/')
                .next()
                .unwrap_or("")
                .to_owned();
            if !group.ends_with("kubeslice.io") {
                continue;
            }
            checked += 1;
            let expected = match judged {
                "OK" if unknown.is_empty() => Verdict::Lossless,
                "OK" => Verdict::Lossy(
                    unknown
                        .split(',')
                        .map(|p| p.trim_start_matches('.').to_owned())
                        .collect(),
                ),
                _ => Verdict::Unknown,
            };
            let enterprise = r.api_version.as_deref() == Some("networking.kubeslice.io/v1alpha1");
            let expected = if enterprise {
                Verdict::Unknown
            } else {
                expected
            };
            assert_eq!(r.verdict, expected, "{r}");
        }
    }
    assert_eq!(checked, 119, "KubeSlice documents in the concrete samples");
}
