//! The manifest checker's verdicts, error reporting and exit codes.

use distributed_galera::check::{Checker, ReadError, Summary, Verdict, parse_yaml, read_path};

fn verdicts(yaml: &str) -> Vec<Verdict> {
    let docs = parse_yaml("t.yaml".as_ref(), yaml).expect("well-formed YAML");
    Checker::new()
        .check(&docs)
        .into_iter()
        .map(|r| r.verdict)
        .collect()
}

const MD: &str = "apiVersion: kubedb.com/v1\nkind: MariaDB\nmetadata: {name: m, namespace: demo}\n";
/// A durable database needs a storage request (`ValidateStorage`).
const STORAGE: &str = "storage: {resources: {requests: {storage: 1Gi}}}";

#[test]
fn lossless_document() {
    assert_eq!(
        verdicts(&format!("{MD}spec: {{version: 11.5.2, {STORAGE}}}\n")),
        vec![Verdict::Lossless]
    );
}

#[test]
fn unknown_fields_are_lossy_with_their_paths() {
    let v = verdicts(&format!(
        "{MD}spec:\n  version: 11.5.2\n  bogus: 1\n  storage:\n    resources: {{requests: {{storage: 1Gi}}}}\n    sizeHint: 2\n"
    ));
    assert_eq!(
        v,
        vec![Verdict::Lossy(vec![
            "spec.bogus".into(),
            "spec.storage.sizeHint".into()
        ])]
    );
}

#[test]
fn nulls_are_not_losses() {
    assert_eq!(
        verdicts(&format!(
            "{MD}spec: {{version: 11.5.2, halted: null, {STORAGE}}}\n"
        )),
        vec![Verdict::Lossless]
    );
}

#[test]
fn type_errors_name_the_field() {
    let v = verdicts(&format!(
        "{MD}spec: {{version: 11.5.2, deletionPolicy: Sometimes}}\n"
    ));
    let Verdict::Invalid(reasons) = &v[0] else {
        panic!("{v:?}")
    };
    // The API server's schema validation answers first, in its own words.
    assert_eq!(
        reasons,
        &[
            "spec.deletionPolicy: Unsupported value: \"Sometimes\": supported values: \"Halt\", \"Delete\", \"WipeOut\", \"DoNotTerminate\""
        ]
    );
    let v = verdicts(&format!("{MD}spec: {{replicas: 3}}\n"));
    assert!(
        matches!(&v[0], Verdict::Invalid(r) if r[0] == "spec.version: Required value"),
        "{v:?}"
    );
}

#[test]
fn admission_rules_make_documents_invalid() {
    let v = verdicts(&format!(
        "{MD}spec: {{version: 11.5.2, replicas: 2, {STORAGE}}}\n"
    ));
    assert_eq!(
        v,
        vec![Verdict::Invalid(vec![
            "spec.replicas: a clustered MariaDB (Galera or replication) needs at least 3 replicas, got 2: use 3 or more, or 1 without a topology for a standalone server (the webhook answers: 'spec.replicas' \"2\" invalid. Value must be 3 for mariadb cluster)".into()
        ])]
    );
}

#[test]
fn unknown_kinds_and_versions() {
    let v = verdicts(
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\napiVersion: kubedb.com/v1alpha2\nkind: MariaDB\nmetadata: {name: m}\n---\nfoo: bar\n",
    );
    assert_eq!(
        v,
        vec![Verdict::Unknown, Verdict::Unknown, Verdict::Unknown]
    );
}

#[test]
fn policies_are_resolved_within_the_input() {
    let bundle = |shape: &str| {
        format!(
            "{MD}spec:\n  version: 11.5.2\n  replicas: 4\n  distributed: true\n  {STORAGE}\n  podTemplate: {{spec: {{podPlacementPolicy: {{name: p}}}}}}\n---\n\
             apiVersion: apps.k8s.appscode.com/v1\nkind: PlacementPolicy\nmetadata: {{name: p}}\nspec:\n{shape}"
        )
    };
    let current = "  clusterSpreadConstraint:\n    slice: {projectNamespace: kubeslice-x, sliceName: s}\n    distributionRules:\n    - {clusterName: a, replicaIndices: [0, 1, 2]}\n";
    let legacy = "  ocm:\n    sliceName: s\n    distributionRules:\n    - {clusterName: a, replicas: [0, 1, 2]}\n";
    // The policy in the input has the newest release's shape: the MariaDB is admitted (ordinal
    // coverage is the PetSet webhook's, not the MariaDB's).
    assert_eq!(
        verdicts(&bundle(current)),
        vec![Verdict::Lossless, Verdict::Lossless]
    );
    // In the legacy shape the newest release prunes it and refuses the database.
    let v = verdicts(&bundle(legacy));
    assert!(
        matches!(&v[0], Verdict::Invalid(r) if r[0].contains("spec.clusterSpreadConstraint")),
        "{v:?}"
    );
    assert_eq!(v[1], Verdict::Lossy(vec!["spec.ocm".into()]));
}

#[test]
fn malformed_yaml_names_file_and_line() {
    let err = parse_yaml("bad.yaml".as_ref(), "a: 1\n---\nb: [\n").expect_err("malformed");
    let text = err.to_string();
    assert!(matches!(err, ReadError::Yaml { .. }));
    assert!(text.starts_with("bad.yaml: malformed YAML:"), "{text}");
    assert!(text.contains("line 3"), "{text}");
}

#[test]
fn unreadable_paths_are_errors_not_panics() {
    let (docs, errors) = read_path("/nonexistent/definitely-not-here.yaml".as_ref());
    assert!(docs.is_empty());
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].to_string().contains("cannot read"),
        "{}",
        errors[0]
    );
}

#[test]
fn summary_line_and_exit_codes() {
    let docs = parse_yaml(
        "t.yaml".as_ref(),
        &format!("{MD}spec: {{version: 11.5.2, {STORAGE}}}\n---\n{MD}spec: {{version: 11.5.2, x: 1, {STORAGE}}}\n---\n{MD}spec: {{replicas: 1}}\n---\nkind: Foo\n"),
    )
    .expect("well-formed");
    let s = Summary::of(&Checker::new().check(&docs));
    assert_eq!(
        s.to_string(),
        "4 documents: 1 lossless, 1 lossy, 1 invalid, 1 unknown"
    );
    assert_eq!(s.exit_code(false), 1);
    assert_eq!(s.exit_code(true), 2);
    assert_eq!(
        Summary {
            lossless: 3,
            unknown: 1,
            ..Summary::default()
        }
        .exit_code(false),
        0
    );
}

/// Warnings (the webhook admits, the checker is stricter or could not look) are shown on the
/// report without changing its verdict; a SliceConfig in the input is read by the newest
/// release's slice rule.
#[test]
fn warnings_and_slices_from_the_input() {
    use kubedb_types::release::Release;
    let checker = Checker::for_release(Release::V2026_7_10);
    // A distributed MariaDB whose policy is not in the input: admitted, with a warning.
    let docs = parse_yaml(
        "t.yaml".as_ref(),
        &format!(
            "{MD}spec: {{version: 11.5.2, replicas: 3, distributed: true, {STORAGE}, podTemplate: {{spec: {{podPlacementPolicy: {{name: elsewhere}}}}}}}}\n"
        ),
    )
    .expect("YAML");
    let r = &checker.check(&docs)[0];
    assert_eq!(r.verdict, Verdict::Lossless);
    assert!(
        r.warnings[0].contains("PlacementPolicy \"elsewhere\" is not in the input"),
        "{r}"
    );
    assert!(r.to_string().contains("(warning: "), "{r}");
    // A deprecated MariaDBVersion in the input: admitted with a warning.
    let docs = parse_yaml(
        "t.yaml".as_ref(),
        &format!(
            "apiVersion: catalog.kubedb.com/v1alpha1\nkind: MariaDBVersion\nmetadata: {{name: 10.4.17}}\nspec: {{version: 10.4.17, deprecated: true, db: {{image: x}}, exporter: {{image: x}}, initContainer: {{image: x}}, coordinator: {{image: x}}, podSecurityPolicies: {{databasePolicyName: x}}}}\n---\n{MD}spec: {{version: 10.4.17, {STORAGE}}}\n"
        ),
    )
    .expect("YAML");
    let r = &checker.check(&docs)[1];
    assert_eq!(r.verdict, Verdict::Lossless, "{r}");
    assert!(r.warnings.iter().any(|w| w.contains("deprecated")), "{r}");
    // The slice rule reads a SliceConfig of the input.
    let policy = "apiVersion: apps.k8s.appscode.com/v1\nkind: PlacementPolicy\nmetadata: {name: p}\nspec:\n  clusterSpreadConstraint:\n    slice: {projectNamespace: kubeslice-x, sliceName: s}\n    distributionRules:\n    - {clusterName: a, replicaIndices: [0]}\n    - {clusterName: b, replicaIndices: [1]}\n";
    let slice = "apiVersion: controller.kubeslice.io/v1alpha1\nkind: SliceConfig\nmetadata: {name: s, namespace: kubeslice-x}\nspec: {clusters: [a], sliceSubnet: 10.1.0.0/16, maxClusters: 16, sliceGatewayProvider: {sliceGatewayType: OpenVPN, sliceCaType: Local}, sliceIpamType: Local}\n";
    let docs = parse_yaml("t.yaml".as_ref(), &format!("{policy}---\n{slice}")).expect("YAML");
    let r = &checker.check(&docs)[0];
    assert!(
        matches!(&r.verdict, Verdict::Invalid(why) if why[0].contains("\"b\" is not onboarded to slice \"s\"")),
        "{r}"
    );
    // Without it, the policy is admitted and the unchecked rule named.
    let docs = parse_yaml("t.yaml".as_ref(), policy).expect("YAML");
    let r = &checker.check(&docs)[0];
    assert_eq!(r.verdict, Verdict::Lossless, "{r}");
    assert!(
        r.warnings[0].contains("SliceConfig kubeslice-x/s is not in the input"),
        "{r}"
    );
}

/// The day-2 kinds are known to the checker of each release: the guide's scale-up request is
/// lossless on both; a field only v2026.7.10 serves is pruned by v2025.7.31; the webhook's
/// member range refuses 2 members on both, in the webhook's words; `Upgrade` passes the
/// v2025.7.31 CRD but not its webhook, and fails the v2026.7.10 CRD's enum; an autoscaler is
/// lossless on both.
#[test]
fn day2_kinds_per_release() {
    use kubedb_types::release::Release;
    const OPS: &str = "apiVersion: ops.kubedb.com/v1alpha1\nkind: MariaDBOpsRequest\nmetadata: {name: mdops-scale-horizontal-up, namespace: demo}\n";
    let check = |release: Release, yaml: &str| {
        let docs = parse_yaml("t.yaml".as_ref(), yaml).expect("well-formed YAML");
        Checker::for_release(release).check(&docs).remove(0)
    };
    let scale = |extra: &str, member: i32| {
        format!(
            "{OPS}spec:\n  type: HorizontalScaling\n  databaseRef: {{name: mariadb}}\n  horizontalScaling: {{member: {member}}}\n{extra}"
        )
    };
    for release in Release::ALL {
        let r = check(release, &scale("", 5));
        assert_eq!(r.verdict, Verdict::Lossless, "{release}: {r}");
        // Every rule of the type that reads the MariaDB is named as not checked.
        assert_eq!(r.warnings.len(), 1, "{release}: {:?}", r.warnings);
        let w = &r.warnings[0];
        assert!(
            w.starts_with("spec.databaseRef: MariaDB \"mariadb\" is not in the input, so these rules were not checked: the MariaDB exists; it is a cluster"),
            "{release}: {w}"
        );
        assert!(w.contains("PlacementPolicy maps the new members"), "{w}");
        // With the MariaDB in the input, nothing is skipped and its rules are judged: a
        // standalone MariaDB is not a cluster.
        let standalone = format!(
            "{}---\napiVersion: kubedb.com/v1\nkind: MariaDB\nmetadata: {{name: mariadb, namespace: demo}}\nspec: {{version: 11.5.2, replicas: 1, storageType: Ephemeral}}\n",
            scale("", 5)
        );
        let r = check(release, &standalone);
        assert!(r.warnings.is_empty(), "{release}: {:?}", r.warnings);
        assert!(
            matches!(&r.verdict, Verdict::Invalid(v) if v.iter().any(|l| l.contains("not a cluster") || l.contains("Horizontal scaling applicable only"))),
            "{release}: {r}"
        );
        let r = check(release, &scale("", 2));
        assert_eq!(
            r.verdict,
            Verdict::Invalid(vec!["spec.horizontalScaling: member 2 is outside 3..=9, the Galera sizes the webhook accepts (the webhook answers: Group size can not be less than 3 or greater than 9, range: [3,9])".into()]),
            "{release}"
        );
        let r = check(
            release,
            "apiVersion: autoscaling.kubedb.com/v1alpha1\nkind: MariaDBAutoscaler\nmetadata: {name: md-as-st, namespace: demo}\nspec:\n  databaseRef: {name: sample-mariadb}\n  storage:\n    mariadb: {trigger: \"On\", usageThreshold: 20, scalingThreshold: 20, expansionMode: Online}\n",
        );
        assert_eq!(r.verdict, Verdict::Lossless, "{release}: {r}");
    }
    let retries = scale("  maxRetries: 2\n", 5);
    assert_eq!(
        check(Release::V2025_7_31, &retries).verdict,
        Verdict::Lossy(vec!["spec.maxRetries".into()])
    );
    assert_eq!(
        check(Release::V2026_7_10, &retries).verdict,
        Verdict::Lossless
    );
    let upgrade = format!("{OPS}spec: {{type: Upgrade, databaseRef: {{name: mariadb}}}}\n");
    let Verdict::Invalid(why) = check(Release::V2025_7_31, &upgrade).verdict else {
        panic!("Upgrade admitted by v2025.7.31")
    };
    assert_eq!(
        why,
        vec![
            "spec.type: OpsRequest type Upgrade is not supported by this release's webhook: use one of UpdateVersion, HorizontalScaling, VerticalScaling, VolumeExpansion, Restart, Reconfigure, ReconfigureTLS, RotateAuth (the webhook answers: defined OpsRequestType Upgrade is not supported, supported types for MariaDB are UpdateVersion, HorizontalScaling, VerticalScaling, VolumeExpansion, Restart, Reconfigure, ReconfigureTLS, RotateAuth)"
        ]
    );
    let Verdict::Invalid(why) = check(Release::V2026_7_10, &upgrade).verdict else {
        panic!("Upgrade admitted by v2026.7.10")
    };
    assert!(
        why[0].starts_with("spec.type: Unsupported value: \"Upgrade\""),
        "{why:?}"
    );
}

/// F-6: an UpdateVersion target is judged without the current MariaDBVersion's
/// `updateConstraints` (the catalog data carries none), so under v2026.7.10, whose ops webhook
/// checks them, every target the checker admits carries a warning naming that rule and the
/// command that shows the constraints, with the MariaDB in the input or not; v2025.7.31's
/// webhook has no such rule.
#[test]
fn update_version_targets_warn_that_update_constraints_were_not_checked() {
    use kubedb_types::release::Release;
    let md = "apiVersion: kubedb.com/v1\nkind: MariaDB\nmetadata: {name: md, namespace: demo}\nspec: {version: 11.5.2, replicas: 3, storage: {resources: {requests: {storage: 1Gi}}}}\n";
    let update = |name: &str, target: &str| {
        format!(
            "apiVersion: ops.kubedb.com/v1alpha1\nkind: MariaDBOpsRequest\nmetadata: {{name: {name}, namespace: demo}}\nspec: {{type: UpdateVersion, databaseRef: {{name: md}}, updateVersion: {{targetVersion: {target}}}}}\n"
        )
    };
    let requests = format!(
        "{}---\n{}",
        update("down", "10.4.32"),
        update("up", "12.1.2")
    );
    let judge = |release: Release, yaml: &str| {
        let docs = parse_yaml("t.yaml".as_ref(), yaml).expect("well-formed YAML");
        Checker::for_release(release).check(&docs)
    };
    // With the MariaDB: the constraints of its version, 11.5.2, are named.
    let reports = judge(Release::V2026_7_10, &format!("{md}---\n{requests}"));
    for (r, target) in reports[1..].iter().zip(["10.4.32", "12.1.2"]) {
        assert_eq!(r.verdict, Verdict::Lossless, "{r}");
        let w = r
            .warnings
            .iter()
            .find(|w| w.contains("updateConstraints"))
            .unwrap_or_else(|| panic!("no updateConstraints warning: {r}"));
        assert!(
            w.starts_with("spec.updateVersion.targetVersion: not checked: the ops webhook's updateConstraints rule"),
            "{w}"
        );
        assert!(
            w.contains(&format!(
                "upgrade from version 11.5.2 to {target} is not supported"
            )),
            "{w}"
        );
        assert!(
            w.contains("kubectl get mariadbversion 11.5.2 -o jsonpath='{.spec.updateConstraints}'"),
            "{w}"
        );
    }
    // Without it: the command reads its version first.
    for r in judge(Release::V2026_7_10, &requests) {
        assert_eq!(r.verdict, Verdict::Lossless, "{r}");
        assert!(
            r.warnings.iter().any(|w| w.contains(
                "kubectl get mariadbversion \"$(kubectl get mariadb -n demo md -o jsonpath='{.spec.version}')\""
            )),
            "{r}"
        );
    }
    // A target that does not exist is refused, not warned about.
    let r = &judge(
        Release::V2026_7_10,
        &format!("{md}---\n{}", update("gone", "12.3.2")),
    )[1];
    assert!(matches!(&r.verdict, Verdict::Invalid(_)), "{r}");
    assert!(r.warnings.is_empty(), "{r}");
    // v2025.7.31's webhook has no updateConstraints rule.
    for r in judge(Release::V2025_7_31, &format!("{md}---\n{requests}")) {
        assert!(
            !r.warnings.iter().any(|w| w.contains("updateConstraints")),
            "{r}"
        );
    }
}

/// F-13: a MariaDB (or SliceConfig) given twice is the last one given, as `kubectl apply` of
/// the input leaves it: the OpsRequests (and the slice rule) are judged against it, and every
/// copy says where the others are.
#[test]
fn an_object_given_twice_is_the_last_one_given() {
    let md = |size: &str| {
        format!(
            "apiVersion: kubedb.com/v1\nkind: MariaDB\nmetadata: {{name: md, namespace: demo}}\nspec: {{version: 11.5.2, replicas: 3, storage: {{resources: {{requests: {{storage: {size}}}}}}}}}\n"
        )
    };
    let grow = "apiVersion: ops.kubedb.com/v1alpha1\nkind: MariaDBOpsRequest\nmetadata: {name: grow, namespace: demo}\nspec: {type: VolumeExpansion, databaseRef: {name: md}, volumeExpansion: {mode: Online, mariadb: 500Mi}}\n";
    let judge = |yaml: String| {
        let docs = parse_yaml("t.yaml".as_ref(), &yaml).expect("well-formed YAML");
        Checker::new().check(&docs)
    };
    // 100Mi then 1Gi: the hub keeps 1Gi, and 500Mi is not an expansion of it.
    let r = judge(format!("{}---\n{}---\n{grow}", md("100Mi"), md("1Gi")));
    assert!(
        matches!(&r[2].verdict, Verdict::Invalid(why) if why[0].contains("volumes are 1Gi already")),
        "{}",
        r[2]
    );
    assert!(
        r[0].warnings.iter().any(
            |w| w.contains("MariaDB demo/md is given again later in the input (t.yaml line 5)")
        ),
        "{}",
        r[0]
    );
    assert!(
        r[1].warnings.iter().any(|w| w
            .contains("MariaDB demo/md is also given earlier in the input (t.yaml line 1): kubectl apply keeps this one, the last")),
        "{}",
        r[1]
    );
    // 1Gi then 100Mi: the hub keeps 100Mi, and 500Mi grows it.
    let r = judge(format!("{}---\n{}---\n{grow}", md("1Gi"), md("100Mi")));
    assert_eq!(r[2].verdict, Verdict::Lossless, "{}", r[2]);
    // Given once, no warning.
    let r = judge(format!("{}---\n{grow}", md("100Mi")));
    assert!(r[0].warnings.is_empty(), "{}", r[0]);

    // A SliceConfig given twice: the later one, which onboards b too, is the one read.
    use kubedb_types::release::Release;
    let policy = "apiVersion: apps.k8s.appscode.com/v1\nkind: PlacementPolicy\nmetadata: {name: p}\nspec:\n  clusterSpreadConstraint:\n    slice: {projectNamespace: kubeslice-x, sliceName: s}\n    distributionRules:\n    - {clusterName: a, replicaIndices: [0]}\n    - {clusterName: b, replicaIndices: [1]}\n";
    let slice = |clusters: &str| {
        format!(
            "apiVersion: controller.kubeslice.io/v1alpha1\nkind: SliceConfig\nmetadata: {{name: s, namespace: kubeslice-x}}\nspec: {{clusters: [{clusters}], sliceSubnet: 10.1.0.0/16, maxClusters: 16, sliceGatewayProvider: {{sliceGatewayType: OpenVPN, sliceCaType: Local}}, sliceIpamType: Local}}\n"
        )
    };
    let docs = parse_yaml(
        "t.yaml".as_ref(),
        &format!("{policy}---\n{}---\n{}", slice("a"), slice("a, b")),
    )
    .expect("YAML");
    let r = Checker::for_release(Release::V2026_7_10).check(&docs);
    assert_eq!(r[0].verdict, Verdict::Lossless, "{}", r[0]);
    assert!(
        r[1].warnings
            .iter()
            .any(|w| w.contains("SliceConfig kubeslice-x/s is given again later")),
        "{}",
        r[1]
    );
}

/// F-14: a document that is text, a number or a list is not a Kubernetes object: an error
/// naming its file and line, not an unknown kind (a mapping without apiVersion and kind, a
/// Helm values file, is of an unknown kind); and input with no Kubernetes object at all ends
/// with an error naming it, so an empty folder does not pass.
#[test]
fn text_is_not_a_kubernetes_object_and_an_empty_input_is_an_error() {
    use distributed_galera::check::{CheckOptions, Input, Item};
    for (text, found) in [
        ("hello world\n", "a YAML string"),
        ("- a\n- b\n", "a YAML list"),
        ("42\n", "a number"),
    ] {
        let err = parse_yaml("notes.txt".as_ref(), text).expect_err(text);
        assert!(
            matches!(&err, ReadError::NotAnObject { line: 1, .. }),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(
            message.starts_with("notes.txt: line 1: not a Kubernetes object: the document is ")
                && message.contains(found),
            "{message}"
        );
    }
    assert_eq!(
        verdicts("replicaCount: 1\nimage: {tag: x}\n"),
        vec![Verdict::Unknown]
    );

    let dir = std::env::temp_dir().join(format!("check-no-objects-{}", std::process::id()));
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).expect("temp dir");
    std::fs::write(dir.join("values.yaml"), "replicaCount: 1\n").expect("values");
    std::fs::write(dir.join("blank.yaml"), "\n---\n# nothing\n").expect("blank");
    std::fs::write(
        dir.join("service.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n",
    )
    .expect("service");
    let items = |inputs: &[Input]| {
        let mut items = Vec::new();
        Checker::new().check_inputs(inputs, &CheckOptions::default(), |i| items.push(i));
        items
    };
    for inputs in [
        vec![Input::Path(empty.clone())],
        vec![Input::Path(dir.join("blank.yaml"))],
        vec![
            Input::Path(dir.join("values.yaml")),
            Input::Path(empty.clone()),
        ],
    ] {
        let items = items(&inputs);
        let Some(Item::Error(e)) = items.last() else {
            panic!("{inputs:?}: {items:?}")
        };
        assert!(matches!(e, ReadError::NoObjects { .. }), "{e:?}");
        let message = e.to_string();
        assert!(
            message.contains("no Kubernetes object")
                && inputs
                    .iter()
                    .all(|i| message.contains(&i.name().display().to_string())),
            "{message}"
        );
    }
    // One object anywhere in the input is enough.
    let items = items(&[
        Input::Path(dir.join("values.yaml")),
        Input::Path(dir.join("service.yaml")),
    ]);
    assert!(
        items.iter().all(|i| matches!(i, Item::Report(_))),
        "{items:?}"
    );
    std::fs::remove_dir_all(&dir).expect("clean up");
}
