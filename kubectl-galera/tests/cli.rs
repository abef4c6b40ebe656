//! The subcommands as command-line tools: `--help`, `--version`, unknown flags, `-` for
//! standard input; and `check` on long streams, hostile documents, malformed YAML and its
//! JSON and JUnit outputs.
//!
//! The binary is the one cargo builds for these tests (`CARGO_BIN_EXE_kubectl-galera`).
//! The expected verdicts come from the documents the tests write, not from the checker: a
//! MariaDB with only `spec.version` is lossless, an extra `spec.bogus` is lossy,
//! `spec.replicas: 2` is invalid (KubeDB wants 3 or more for Galera), a `v1` Service is an
//! unknown kind (see `tests/check.rs`).

use std::io::Write;
use std::process::{Command, Output, Stdio};

use distributed_galera::check::{CheckOptions, Checker, Input, Item, Limits, ReadError, Verdict};

/// Runs `kubectl-galera <name>` with `args` and `stdin` as its standard input.
fn run(name: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-galera"))
        .arg(name)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example starts");
    let mut input = child.stdin.take().expect("stdin");
    let text = stdin.to_owned();
    // Written on another thread: the example may print before it has read everything.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(text.as_bytes());
    });
    let out = child.wait_with_output().expect("the example ends");
    writer.join().expect("stdin written");
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const SUBCOMMANDS: [&str; 6] = [
    "check",
    "walkthrough",
    "placement",
    "failover",
    "seed",
    "scale",
];

#[test]
fn every_subcommand_has_help_version_and_refuses_unknown_flags() {
    for name in SUBCOMMANDS {
        let help = run(name, &["--help"], "");
        assert_eq!(
            help.status.code(),
            Some(0),
            "{name} --help: {}",
            stderr(&help)
        );
        let text = stdout(&help);
        assert!(
            text.contains(&format!("Usage: kubectl-galera {name}")),
            "{name}: {text}"
        );
        assert!(text.contains("Exit status:"), "{name}: {text}");
        assert!(
            text.contains("Reads"),
            "{name} --help says what it reads: {text}"
        );

        let version = run(name, &["--version"], "");
        assert_eq!(version.status.code(), Some(0));
        assert_eq!(
            stdout(&version).trim(),
            format!("kubectl-galera-{name} {}", env!("CARGO_PKG_VERSION"))
        );

        let bogus = run(name, &["--no-such-flag"], "");
        assert_eq!(bogus.status.code(), Some(2), "{name}: {}", stderr(&bogus));
        assert!(
            stderr(&bogus).contains("unexpected argument '--no-such-flag'"),
            "{name}: {}",
            stderr(&bogus)
        );
        assert!(
            stdout(&bogus).is_empty(),
            "{name} printed {}",
            stdout(&bogus)
        );
    }
}

const POLICY: &str = "apiVersion: apps.k8s.appscode.com/v1\nkind: PlacementPolicy\nmetadata: {name: p}\nspec:\n  clusterSpreadConstraint:\n    slice: {projectNamespace: kubeslice-x, sliceName: s}\n    distributionRules:\n    - {clusterName: east, replicaIndices: [0, 2]}\n    - {clusterName: west, replicaIndices: [1]}\n";

/// The binary lists its subcommands, exits 2 on an unknown one, and works as a kubectl plugin
/// would call it (the plugin's name is the binary's).
#[test]
fn the_binary_lists_its_subcommands() {
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-galera"))
        .arg("--help")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for sub in [
        "walkthrough",
        "check",
        "placement",
        "health",
        "recover",
        "failover",
        "scale",
        "seed",
    ] {
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(sub)),
            "{sub} missing from --help: {text}"
        );
    }
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-galera"))
        .arg("no-such-command")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-galera"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "a subcommand is required");
}

#[test]
fn placement_reads_standard_input() {
    let out = run("placement", &["-"], POLICY);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "mariadb-0  east  -\nmariadb-1  west  -\nmariadb-2  east  -\n\
         lose east: loses quorum (1/3 votes)\nlose west: survives\n"
    );
    let empty = run("placement", &["-"], "");
    assert_eq!(empty.status.code(), Some(2));
    assert_eq!(stderr(&empty), "-: no PlacementPolicy document\n");
}

#[test]
fn walkthrough_reads_its_environment_from_standard_input() {
    let piped = run(
        "walkthrough",
        &["--input", "-"],
        deployer::Environment::SEED_YAML,
    );
    assert_eq!(piped.status.code(), Some(0), "{}", stderr(&piped));
    let text = stdout(&piped);
    // The README's placement table for the walkthrough.
    assert!(
        text.contains("0        mariadb-0    demo-controller    -\n1        mariadb-1    demo-worker        -\n2        mariadb-2    demo-controller    -\n"),
        "{text}"
    );
    let broken = run("walkthrough", &["--input", "-"], "hub: [\n");
    assert_eq!(broken.status.code(), Some(2), "{}", stdout(&broken));
    // The flags that go with --apply still need it.
    let dry = run("walkthrough", &["--dry-run"], "");
    assert_eq!(dry.status.code(), Some(2));
    assert!(stderr(&dry).contains("--apply"), "{}", stderr(&dry));
}

/// A MariaDB the newest release admits (a version of its catalog, a storage request), plus
/// `spec` (more fields, inline).
fn mariadb(name: &str, spec: &str) -> String {
    format!(
        "apiVersion: kubedb.com/v1\nkind: MariaDB\nmetadata: {{name: {name}, namespace: demo}}\nspec: {{version: 11.5.2, storage: {{resources: {{requests: {{storage: 1Gi}}}}}}{spec}}}\n"
    )
}

/// The line `check` prints before its summary without --kubedb-release: the newest release
/// and the pinned OCM and KubeSlice sources.
const JUDGED: &str = "judged against: KubeDB v2026.7.10 (kubedb/apimachinery v0.66.1-0.20260715104545-861df6898a80, kubeops/petset 05a56e31); OCM open-cluster-management-io/api@1845fd8032e4 (v1.3.0+3); KubeSlice kubeslice/kubeslice-controller@b7f871e5916948d39d6b8607979e644cbeedd575, kubeslice/worker-operator@d7e1cd6fc8add2a24838d282f9d0fdabe8b94220";

/// `n` documents cycling lossless, lossy, invalid, unknown; the expected counts.
fn mixed(n: usize) -> (String, [usize; 4]) {
    let mut text = String::new();
    let mut counts = [0; 4];
    for i in 0..n {
        let name = format!("m{i}");
        let doc = match i % 4 {
            0 => mariadb(&name, ""),
            1 => mariadb(&name, ", bogus: 1"),
            2 => mariadb(&name, ", replicas: 2"),
            _ => format!("apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\n"),
        };
        counts[i % 4] += 1;
        text.push_str("---\n");
        text.push_str(&doc);
    }
    (text, counts)
}

fn summary_line(counts: [usize; 4]) -> String {
    format!(
        "{} documents: {} lossless, {} lossy, {} invalid, {} unknown",
        counts.iter().sum::<usize>(),
        counts[0],
        counts[1],
        counts[2],
        counts[3]
    )
}

#[test]
fn a_stream_of_20000_documents_is_checked_in_order() {
    let (text, counts) = mixed(20_000);
    let out = run("check", &["--jobs", "2", "-"], &text);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 20_002);
    assert_eq!(lines[20_000], JUDGED);
    assert_eq!(lines[20_001], summary_line(counts));
    for (i, line) in lines[..20_000].iter().enumerate() {
        let head = format!("-#{} ", i + 1);
        assert!(line.starts_with(&head), "line {i}: {line}");
        assert!(line.contains(&format!("m{i}: ")), "line {i}: {line}");
    }
    assert!(lines[1].ends_with(": lossy: spec.bogus"), "{}", lines[1]);
}

/// The classic "billion laughs": nine anchors, each a list of nine aliases of the one before.
fn billion_laughs() -> String {
    let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names: Vec<char> = ('a'..='i').collect();
    for w in names.windows(2) {
        let aliases = vec![format!("*{}", w[0]); 9].join(", ");
        text.push_str(&format!("{}: &{} [{aliases}]\n", w[1], w[1]));
    }
    text
}

#[test]
fn hostile_documents_are_refused_by_name_and_the_rest_is_checked() {
    let laughs = billion_laughs();
    let deep = format!("x: {}{}\n", "[".repeat(100), "]".repeat(100));
    let parts = [
        mariadb("before", ""),
        laughs.clone(),
        mariadb("between", ""),
        deep,
        mariadb("after", ", bogus: 1"),
    ];
    let text = parts.join("---\n");
    let laughs_first = parts[0].lines().count() + 2;
    let laughs_last = laughs_first + laughs.lines().count() - 1;
    let out = run("check", &["--jobs", "2", "-"], &text);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "{text}");
    assert_eq!(lines[0], "-#1 MariaDB demo/before: lossless");
    assert!(
        lines[1].starts_with("-#2 - -: refused: node count in alias expansion (250001 nodes, at most 250000) at line "),
        "{}",
        lines[1]
    );
    let line: usize = lines[1]
        .split(" at line ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .and_then(|n| n.parse().ok())
        .expect("a line number");
    assert!(
        (laughs_first..=laughs_last).contains(&line),
        "line {line} is not within the document ({laughs_first}..={laughs_last})"
    );
    assert_eq!(lines[2], "-#3 MariaDB demo/between: lossless");
    assert!(
        lines[3].starts_with("-#4 - -: refused: nesting depth (65 levels, at most 64) at line "),
        "{}",
        lines[3]
    );
    assert_eq!(lines[4], "-#5 MariaDB demo/after: lossy: spec.bogus");
    assert_eq!(lines[5], JUDGED);
    assert_eq!(
        lines[6],
        "5 documents: 2 lossless, 1 lossy, 2 invalid, 0 unknown"
    );
}

#[test]
fn malformed_yaml_names_file_line_and_column_and_the_stream_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("bad.yaml");
    let text = format!(
        "{}---\nb: [1, 2\n---\n{}",
        mariadb("one", ""),
        mariadb("two", "")
    );
    std::fs::write(&file, text).expect("written");
    let path = file.to_str().expect("UTF-8 path");
    let out = run("check", &[path], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stdout(&out),
        format!(
            "{path}#1 MariaDB demo/one: lossless\n{path}#2 MariaDB demo/two: lossless\n{JUDGED}\n2 documents: 2 lossless, 0 lossy, 0 invalid, 0 unknown\n"
        )
    );
    // The flow sequence opened on line 6 is still open when the document ends (line 7).
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!("{path}: malformed YAML: ")),
        "{err}"
    );
    assert!(
        err.contains(" at line 6, column ") || err.contains(" at line 7, column "),
        "{err}"
    );
}

#[test]
fn policies_are_found_anywhere_in_standard_input() {
    // The MariaDB comes first and names a policy, later in the stream, in the shape the newest
    // release prunes: its webhook then refuses the distributed database.
    let text = format!(
        "apiVersion: kubedb.com/v1\nkind: MariaDB\nmetadata: {{name: m, namespace: demo}}\nspec:\n  version: 11.5.2\n  replicas: 3\n  distributed: true\n  storage: {{resources: {{requests: {{storage: 1Gi}}}}}}\n  podTemplate: {{spec: {{podPlacementPolicy: {{name: p}}}}}}\n---\n{}",
        "apiVersion: apps.k8s.appscode.com/v1\nkind: PlacementPolicy\nmetadata: {name: p}\nspec:\n  ocm:\n    sliceName: s\n    distributionRules:\n    - {clusterName: a, replicas: [0, 1, 2]}\n"
    );
    let out = run("check", &["-"], &text);
    let stdout = stdout(&out);
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("-#1 MariaDB demo/m: invalid: "),
        "{stdout}"
    );
    assert!(
        first.contains("'spec.clusterSpreadConstraint' is required in p for distributed mariadb"),
        "{stdout}"
    );
    // Under the walkthrough's release the same stream is admitted.
    let out = run("check", &["--kubedb-release", "v2025.7.31", "-"], &text);
    assert_eq!(out.status.code(), Some(0), "{}", self::stdout(&out));
}

/// Counts from the text summary line: documents, lossless, lossy, invalid, unknown.
fn text_counts(summary: &str) -> [u64; 5] {
    let numbers: Vec<u64> = summary
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    numbers.try_into().expect("five counts")
}

#[test]
fn json_and_junit_carry_the_text_counts() {
    let (mut text, _) = mixed(2_000);
    text.push_str("---\n");
    text.push_str(&billion_laughs());
    text.push_str("---\nbroken: [\n");
    text.push_str(&mixed(3).0);

    let plain = run("check", &["-"], &text);
    assert_eq!(plain.status.code(), Some(2));
    let plain_out = stdout(&plain);
    let summary = plain_out.lines().last().expect("a summary line");
    let [documents, lossless, lossy, invalid, unknown] = text_counts(summary);
    assert_eq!(documents, 2_004, "{summary}");
    assert_eq!(stderr(&plain).lines().count(), 1, "{}", stderr(&plain));

    let json = run("check", &["--output", "json", "--jobs", "2", "-"], &text);
    assert_eq!(json.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let s = &v["summary"];
    assert_eq!(s["documents"], documents);
    assert_eq!(s["lossless"], lossless);
    assert_eq!(s["lossy"], lossy);
    assert_eq!(s["invalid"], invalid);
    assert_eq!(s["unknown"], unknown);
    assert_eq!(s["unreadable"], 1);
    assert_eq!(s["exitCode"], 2);
    let docs = v["documents"].as_array().expect("documents");
    assert_eq!(docs.len() as u64, documents);
    let count = |verdict: &str| docs.iter().filter(|d| d["verdict"] == verdict).count() as u64;
    assert_eq!(
        [
            count("lossless"),
            count("lossy"),
            count("invalid"),
            count("unknown")
        ],
        [lossless, lossy, invalid, unknown]
    );
    assert_eq!(docs[1]["fields"], serde_json::json!(["spec.bogus"]));
    assert_eq!(docs[1]["line"], 6);
    assert_eq!(docs[1]["index"], 2);
    assert_eq!(docs[1]["kind"], "MariaDB");
    assert_eq!(docs[1]["name"], "demo/m1");
    let refused = &docs[2_000];
    assert_eq!(refused["verdict"], "invalid");
    assert_eq!(refused["refused"]["limit"], "node count in alias expansion");
    let errors = v["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["error"], "malformed");
    assert_eq!(errors[0]["source"], "-");
    assert!(errors[0]["line"].as_u64().is_some_and(|l| l > 8_000));

    let junit = run("check", &["-o", "junit", "-"], &text);
    assert_eq!(junit.status.code(), Some(2));
    let report = junit_parser::from_reader(&junit.stdout[..]).expect("JUnit XML");
    // One test case per document, and one in error for the malformed one.
    assert_eq!(report.tests, documents + 1);
    assert_eq!(report.failures, lossy + invalid);
    assert_eq!(report.skipped, unknown);
    assert_eq!(report.errors, 1);
    let cases: Vec<&junit_parser::TestCase> = report.suites.iter().flat_map(|s| &s.cases).collect();
    let passed = cases
        .iter()
        .filter(|c| matches!(c.status, junit_parser::TestStatus::Success))
        .count() as u64;
    assert_eq!(passed, lossless);
    let lossy_cases = cases
        .iter()
        .filter(|c| matches!(&c.status, junit_parser::TestStatus::Failure(f) if f.failure_type == "lossy"))
        .count() as u64;
    assert_eq!(lossy_cases, lossy);
}

#[test]
fn check_needs_a_path_and_reports_unreadable_ones() {
    let none = run("check", &[], "");
    assert_eq!(none.status.code(), Some(2));
    let missing = run("check", &["/nonexistent/definitely-not-here.yaml"], "");
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).starts_with("/nonexistent/definitely-not-here.yaml: cannot read: "),
        "{}",
        stderr(&missing)
    );
    assert_eq!(
        stdout(&missing),
        format!("{JUDGED}\n0 documents: 0 lossless, 0 lossy, 0 invalid, 0 unknown\n")
    );
    let bad_jobs = run("check", &["--jobs", "0", "-"], "");
    assert_eq!(bad_jobs.status.code(), Some(2));
    let bad_output = run("check", &["--output", "tap", "-"], "");
    assert_eq!(bad_output.status.code(), Some(2));
}

/// Checks `text` from a file with `limits`, one job.
fn check_with(text: &str, limits: Limits) -> Vec<Item> {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("t.yaml");
    std::fs::write(&file, text).expect("written");
    let mut items = Vec::new();
    let options = CheckOptions { jobs: 1, limits };
    Checker::new().check_inputs(&[Input::Path(file)], &options, |i| items.push(i));
    items
}

fn refused_limit(item: &Item) -> Option<&str> {
    match item {
        Item::Report(r) => match &r.verdict {
            Verdict::Refused(refusal) => Some(refusal.limit.as_str()),
            _ => None,
        },
        Item::Error(_) => None,
    }
}

#[test]
fn each_limit_is_named_and_only_its_document_is_refused() {
    let big_scalar = format!("a: {}\n", "x".repeat(2_000));
    let text = [mariadb("a", ""), big_scalar, mariadb("b", "")].join("---\n");
    let limits = Limits {
        max_scalar_bytes: 1_000,
        ..Limits::default()
    };
    let items = check_with(&text, limits);
    assert_eq!(items.len(), 3);
    assert_eq!(refused_limit(&items[1]), Some("scalar size"));
    assert!(
        matches!(&items[1], Item::Report(r) if r.index == 2 && r.line == 5 && matches!(&r.verdict, Verdict::Refused(f) if f.line == 6) && r.verdict.to_string().starts_with("refused: scalar size (")),
        "{:?}",
        items[1]
    );
    assert!(matches!(&items[2], Item::Report(r) if r.verdict == Verdict::Lossless && r.index == 3));

    let limits = Limits {
        max_document_bytes: 1_000,
        ..Limits::default()
    };
    let items = check_with(&text, limits);
    assert_eq!(refused_limit(&items[1]), Some("document size"));
    assert!(
        matches!(&items[1], Item::Report(r) if r.verdict.to_string().starts_with("refused: document size (2008 bytes, at most 1000)")),
        "{:?}",
        items[1]
    );
    assert!(matches!(&items[2], Item::Report(r) if r.verdict == Verdict::Lossless));

    let many = vec!["*a"; 30].join(", ");
    let aliases = format!("a: &a x\nb: [{many}]\n");
    let limits = Limits {
        max_aliases: 10,
        ..Limits::default()
    };
    let items = check_with(&[aliases, mariadb("c", "")].join("---\n"), limits);
    assert_eq!(refused_limit(&items[0]), Some("alias count"));
    assert!(matches!(&items[1], Item::Report(r) if r.verdict == Verdict::Lossless));
}

#[test]
fn document_markers_inside_text_do_not_cut_documents() {
    // `---` and `...` only mark documents at the start of a line; comments, directives and
    // empty documents between them belong to no document.
    let text = "# leading comment\n%YAML 1.2\n---\na: 'x --- y'\nb: |\n  ---\n  ...\n...\n# between\n---\n---\n~\n--- {c: 1}\n";
    let items = check_with(text, Limits::default());
    let lines: Vec<(usize, usize)> = items
        .iter()
        .filter_map(|i| match i {
            Item::Report(r) => Some((r.index, r.line)),
            // None of these documents has apiVersion and kind: that is said last.
            Item::Error(ReadError::NoObjects { .. }) => None,
            Item::Error(e) => panic!("{e}"),
        })
        .collect();
    assert_eq!(lines, vec![(1, 3), (2, 13)]);
    assert!(matches!(
        items.last(),
        Some(Item::Error(ReadError::NoObjects { .. }))
    ));
}

#[test]
fn scale_refuses_an_unsafe_target_before_applying_anything() {
    let out = run("scale", &["--replicas", "2"], "");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    // Refused at planning, from the state read back from the hub: no day-2 step applied.
    assert!(text.contains("\nrefused: target of 2 members"), "{text}");
    assert!(!text.contains("== apply"), "{text}");
    // A new cluster whose name cannot be a cluster's (OCM's hub namespace) is refused too.
    let out = run(
        "scale",
        &["--target", "demo-controller=2,demo-worker=1,Demo_Far=2"],
        "",
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "\nrefused: cluster Demo_Far cannot join: \"Demo_Far\" is not a valid cluster name"
        ),
        "{text}"
    );
    assert!(!text.contains("joined the hub"), "{text}");
    assert!(!text.contains("== apply"), "{text}");
    let bad = run("scale", &["--target", "demo-controller"], "");
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("expected cluster=n"),
        "{}",
        stderr(&bad)
    );
    let both = run(
        "scale",
        &["--replicas", "5", "--target", "demo-controller=3"],
        "",
    );
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn scale_reaches_five_members_over_three_clusters() {
    let out = run("scale", &[], "");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    for o in 0..5 {
        assert!(
            text.contains(&format!(
                "mariadb-{o}: wsrep_cluster_status=Primary wsrep_cluster_size=5 wsrep_connected=ON wsrep_ready=ON\n"
            )),
            "{text}"
        );
    }
    assert!(
        text.ends_with(
            "lose demo-controller: survives\nlose demo-edge: survives\nlose demo-worker: survives\n"
        ),
        "{text}"
    );
}

#[test]
fn scale_adds_a_cluster_the_target_names() {
    let out = run(
        "scale",
        &["--target", "demo-controller=2,demo-worker=1,demo-far=2"],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("demo-far joined the hub"), "{text}");
    assert!(
        text.contains("SliceConfig/kubeslice-demo-distributed-mariadb/demo-slice: join demo-far"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "lose demo-controller: survives\nlose demo-far: survives\nlose demo-worker: survives\n"
        ),
        "{text}"
    );
}
