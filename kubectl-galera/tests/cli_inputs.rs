//! Input the subcommands must refuse or read carefully, through the built binary
//! (`CARGO_BIN_EXE_kubectl-galera`), as `tests/cli.rs` runs them: `check` with nothing to
//! check or an object given twice, `placement`'s bounds, `walkthrough`'s kubeconfig resolved
//! before anything is printed and its `--dry-run` without a real hub, and `scale`'s options on
//! the fake hub.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `kubectl-galera <name>` with `args`, `stdin` as its standard input and `env` added to
/// its environment.
fn run_with(name: &str, args: &[&str], stdin: &str, env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kubectl-galera"));
    command
        .arg(name)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("the binary starts");
    let mut input = child.stdin.take().expect("stdin");
    let text = stdin.to_owned();
    // Written on another thread: the binary may print before it has read everything.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(text.as_bytes());
    });
    let out = child.wait_with_output().expect("the binary ends");
    writer.join().expect("stdin written");
    out
}

fn run(name: &str, args: &[&str], stdin: &str) -> Output {
    run_with(name, args, stdin, &[])
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// F-14: an empty folder, an empty file, `/dev/null`, empty standard input and a folder of
/// Helm values files hold no Kubernetes object: exit 2 with an error naming the input, not a
/// vacuous pass; plain text is not a Kubernetes object (an error naming the file and line).
#[test]
fn check_with_no_kubernetes_object_exits_2_naming_the_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty_dir = dir.path().join("manifests");
    std::fs::create_dir(&empty_dir).expect("folder");
    let empty_file = dir.path().join("empty.yaml");
    std::fs::write(&empty_file, "").expect("file");
    let values = dir.path().join("values");
    std::fs::create_dir(&values).expect("folder");
    std::fs::write(values.join("values.yaml"), "replicaCount: 1\n").expect("values");
    for path in [&empty_dir, &empty_file, Path::new("/dev/null"), &values] {
        let name = path.display().to_string();
        let out = run("check", &[&name], "");
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stdout(&out));
        assert!(
            stderr(&out).contains(&format!(
                "{name}: no Kubernetes object (a YAML document with apiVersion and kind) was read"
            )),
            "{name}: {}",
            stderr(&out)
        );
    }
    let out = run("check", &["-"], "\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("-: no Kubernetes object"),
        "{}",
        stderr(&out)
    );
    // JSON says so too, with the exit status.
    let out = run("check", &["--output", "json", "-"], "");
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["errors"][0]["error"], "no objects");
    assert_eq!(json["summary"]["exitCode"], 2);

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a manifest\nat all\n").expect("text");
    let name = text.display().to_string();
    let out = run("check", &[&name], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(&format!(
            "{name}: line 1: not a Kubernetes object: the document is a YAML string (plain text)"
        )),
        "{}",
        stderr(&out)
    );
    // Beside real objects, the text is still an error; the objects are judged.
    let out = run(
        "check",
        &["-"],
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\njust text\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).starts_with("-#1 Service s: unknown kind\n"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).starts_with("-: line 4: not a Kubernetes object"),
        "{}",
        stderr(&out)
    );
}

/// F-13: `check md-small.yaml md.yaml ops.yaml` judges the OpsRequest against the MariaDB
/// `kubectl apply` leaves, the last one given; swapping the files swaps the verdict, and both
/// copies are warned about.
#[test]
fn check_judges_against_the_last_definition_of_a_mariadb() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    };
    let md = |size: &str| {
        format!(
            "apiVersion: kubedb.com/v1\nkind: MariaDB\nmetadata: {{name: md, namespace: demo}}\nspec: {{version: 11.5.2, replicas: 3, storage: {{resources: {{requests: {{storage: {size}}}}}}}}}\n"
        )
    };
    let small = write("md-small.yaml", &md("100Mi"));
    let big = write("md.yaml", &md("1Gi"));
    let ops = write(
        "ops.yaml",
        "apiVersion: ops.kubedb.com/v1alpha1\nkind: MariaDBOpsRequest\nmetadata: {name: grow, namespace: demo}\nspec: {type: VolumeExpansion, databaseRef: {name: md}, volumeExpansion: {mode: Online, mariadb: 500Mi}}\n",
    );
    let out = run("check", &[&small, &big, &ops], "");
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "{ops}#1 MariaDBOpsRequest demo/grow: invalid: spec.volumeExpansion: the MariaDB volumes are 1Gi already"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "MariaDB demo/md is given again later in the input ({big} line 1)"
        )),
        "{text}"
    );
    let out = run("check", &[&big, &small, &ops], "");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(&format!("{ops}#1 MariaDBOpsRequest demo/grow: lossless\n")),
        "{}",
        stdout(&out)
    );
}

/// F-6 through the binary: both UpdateVersion targets are admitted with the warning that the
/// webhook's updateConstraints rule was not checked (the exit status stays 0).
#[test]
fn check_warns_that_update_constraints_were_not_checked() {
    let input = "apiVersion: kubedb.com/v1\nkind: MariaDB\nmetadata: {name: md, namespace: demo}\nspec: {version: 11.5.2, replicas: 3, storage: {resources: {requests: {storage: 1Gi}}}}\n---\napiVersion: ops.kubedb.com/v1alpha1\nkind: MariaDBOpsRequest\nmetadata: {name: down, namespace: demo}\nspec: {type: UpdateVersion, databaseRef: {name: md}, updateVersion: {targetVersion: 10.4.32}}\n";
    let out = run("check", &["--kubedb-release", "v2026.7.10", "-"], input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("-#2 MariaDBOpsRequest demo/down: lossless (warning: spec.updateVersion.targetVersion: not checked: the ops webhook's updateConstraints rule"),
        "{}",
        stdout(&out)
    );
}

/// F-15: `--replicas` is 1 to 9 (KubeDB's largest Galera cluster), `--name` a DNS-1123 label
/// (at most 32 characters for a cluster): anything else exits 2 before any line is printed.
#[test]
fn placement_bounds_replicas_and_checks_the_name() {
    let policy = "../seed/03-placement-policy.yaml";
    for replicas in ["0", "10", "2147483647", "2147483648", "100000000"] {
        let out = run("placement", &["--replicas", replicas, policy], "");
        assert_eq!(out.status.code(), Some(2), "--replicas {replicas}");
        assert!(stdout(&out).is_empty(), "{}", stdout(&out));
        assert!(
            stderr(&out).contains(&format!("{replicas} is not in 1..=9")),
            "{}",
            stderr(&out)
        );
    }
    for name in ["", "Maria_DB", "-md", &"m".repeat(64)] {
        let out = run("placement", &[&format!("--name={name}"), policy], "");
        assert_eq!(out.status.code(), Some(2), "--name {name:?}");
        assert!(stdout(&out).is_empty(), "{}", stdout(&out));
        assert!(
            stderr(&out).contains("is not a DNS-1123 label"),
            "{}",
            stderr(&out)
        );
    }
    let long = "m".repeat(33);
    let out = run("placement", &["--name", &long, policy], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("KubeDB refuses a clustered MariaDB name longer than 32"),
        "{}",
        stderr(&out)
    );
    let out = run(
        "placement",
        &["--replicas", "3", "--name", "md2", policy],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("md2-0  demo-controller"),
        "{}",
        stdout(&out)
    );
    // A policy that maps nothing, without --replicas: invalid, not an empty success.
    let out = run(
        "placement",
        &["-"],
        "apiVersion: apps.k8s.appscode.com/v1\nkind: PlacementPolicy\nmetadata: {name: p}\nspec: {}\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).starts_with("invalid: the policy maps no replica"),
        "{}",
        stdout(&out)
    );
}

/// F-8: a kubeconfig that cannot be used (missing, a folder, binary, empty, or without the
/// context asked for) is reported on standard error with exit 2 before any of the plan is
/// printed, naming the file once, without Debug quotes.
#[test]
fn walkthrough_resolves_the_kubeconfig_before_printing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("empty");
    std::fs::write(&empty, "").expect("empty");
    let binary = dir.path().join("binary");
    std::fs::write(&binary, [0u8, 159, 146, 150, 255, 0, 1]).expect("binary");
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: hub\n  cluster: {server: 'https://127.0.0.1:1'}\nusers:\n- name: hub\n  user: {token: t}\ncontexts:\n- name: hub\n  context: {cluster: hub, user: hub}\ncurrent-context: hub\n",
    )
    .expect("kubeconfig");
    let folder = dir.path().display().to_string();
    let cases: [(Vec<String>, &Path, &str); 6] = [
        (
            vec!["--kubeconfig".into(), "/nonexistent".into()],
            Path::new("/nonexistent"),
            "cannot read the kubeconfig",
        ),
        (
            vec!["--kubeconfig".into(), folder.clone()],
            dir.path(),
            "cannot read the kubeconfig",
        ),
        (
            vec!["--kubeconfig".into(), binary.display().to_string()],
            &binary,
            "cannot read the kubeconfig",
        ),
        (
            vec!["--kubeconfig".into(), empty.display().to_string()],
            &empty,
            "",
        ),
        (
            vec![
                "--kubeconfig".into(),
                kubeconfig.display().to_string(),
                "--context".into(),
                "nope".into(),
            ],
            &kubeconfig,
            "context nope",
        ),
        // `--context` alone reads $KUBECONFIG.
        (
            vec!["--context".into(), "nope".into()],
            &kubeconfig,
            "context nope",
        ),
    ];
    for (args, file, says) in &cases {
        let mut argv: Vec<&str> = args.iter().map(String::as_str).collect();
        argv.push("--apply");
        let out = run_with("walkthrough", &argv, "", &[("KUBECONFIG", &kubeconfig)]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{argv:?}: {err}");
        assert!(stdout(&out).is_empty(), "{argv:?}: {}", stdout(&out));
        assert!(
            err.starts_with(&format!("walkthrough: {}: ", file.display())),
            "{argv:?}: {err}"
        );
        assert!(err.contains(says), "{argv:?}: {err}");
        assert!(!err.contains("'\""), "doubled quotes: {err}");
    }
}

/// F-19: `--dry-run` on the fake hub cannot show anything (nothing is stored, so step 2 misses
/// step 1's namespace): refused with exit 2 and why, before the plan is printed.
#[test]
fn walkthrough_dry_run_needs_a_real_hub() {
    let out = run("walkthrough", &["--apply", "--dry-run"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert!(
        stderr(&out).starts_with(
            "walkthrough: --dry-run needs a real hub (--kubeconfig FILE or --context NAME)"
        ),
        "{}",
        stderr(&out)
    );
}

/// F-18: on the fake hub `--kubedb-release` picks the release the walkthrough is deployed
/// for and scaled on; `--namespace` and `--name`, which name a database of a real hub, are
/// refused without `--kubeconfig` or `--context`.
#[test]
fn scale_honours_the_release_and_refuses_real_hub_options_on_the_fake_hub() {
    for option in ["--namespace", "--name"] {
        let out = run("scale", &[option, "other"], "");
        assert_eq!(out.status.code(), Some(2), "{option}");
        assert!(stdout(&out).is_empty(), "{}", stdout(&out));
        assert!(
            stderr(&out).contains("--kubeconfig <FILE>|--context <NAME>"),
            "{}",
            stderr(&out)
        );
    }
    let out = run("scale", &["--kubedb-release", "v2026.7.10"], "");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "== deploy the walkthrough on the in-process fake hub (KubeDB v2026.7.10)\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("mariadb-4: wsrep_cluster_status=Primary wsrep_cluster_size=5"),
        "{text}"
    );
    let help = stdout(&run("scale", &["--help"], ""));
    assert!(
        help.lines().next().is_some_and(|about| about
            .contains("with --kubeconfig or --context, scales the database of that real hub")),
        "{help}"
    );
}
