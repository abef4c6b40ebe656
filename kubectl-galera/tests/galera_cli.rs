//! `kubectl-galera health` and `kubectl-galera recover` as command-line tools: `--help`,
//! `--version`, unknown flags, standard input, exit statuses and JSON output, through the
//! binary (`CARGO_BIN_EXE_kubectl-galera`); the shared real-world cases are `fidelity_cases.rs`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn run(name: &str, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-galera"))
        .arg(name)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn example");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        // A tool may exit before reading all of it (a usage error): not this test's concern.
        let _ = input.write_all(text.as_bytes());
    }
    drop(input);
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().expect("example runs");
    (
        status.code().expect("exit code"),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("galera-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

const BOXED: &str = "+----------------------+--------------------------------------+\r
| Variable_name        | Value                                |\r
+----------------------+--------------------------------------+\r
| wsrep_cluster_size   | 1                                    |\r
| wsrep_cluster_state_uuid | 3c1f6a2e-5b7d-11f0-9a1b-0242ac120002 |\r
| wsrep_cluster_status | Primary                              |\r
| wsrep_connected      | ON                                   |\r
| wsrep_local_state    | 4                                    |\r
| wsrep_ready          | ON                                   |\r
+----------------------+--------------------------------------+\r
6 rows in set (0.001 sec)\r
";

#[test]
fn help_says_what_is_read_printed_and_the_exit_statuses() {
    for (name, words) in [
        (
            "health",
            &[
                "boxed table",
                "\\G",
                "tab-separated",
                "CRLF",
                "cannot judge",
                "--output",
            ][..],
        ),
        (
            "recover",
            &[
                "grastate.dat",
                "gvwstate.dat",
                "Recovered position",
                "--tie-break",
                "--output",
            ][..],
        ),
    ] {
        let (code, out, _) = run(name, &["--help"], None);
        assert_eq!(code, 0, "{name} --help");
        for w in words
            .iter()
            .chain(&["EXIT STATUS", "  0 ", "  1 ", "  2 ", "standard input"])
        {
            assert!(out.contains(w), "{name} --help lacks {w:?}:\n{out}");
        }
        let (code, out, _) = run(name, &["--version"], None);
        assert_eq!(code, 0);
        assert!(out.contains(env!("CARGO_PKG_VERSION")), "{out}");
        let (code, _, err) = run(name, &["--no-such-flag", "x"], None);
        assert_eq!(code, 2, "{name}: an unknown flag is a usage error");
        assert!(err.contains("--no-such-flag"), "{err}");
        let (code, _, _) = run(name, &[], None);
        assert_eq!(code, 2, "{name}: no input is a usage error");
    }
}

#[test]
fn health_reads_standard_input_and_judges() {
    let (code, out, err) = run("health", &["--expect", "1", "-"], Some(BOXED));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("stdin: status=Primary size=1"), "{out}");
    assert!(out.contains("verdict: healthy"), "{out}");
    let (code, out, _) = run("health", &["--expect", "3", "node-7=-"], Some(BOXED));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("node-7: status=Primary") && out.contains("verdict: degraded"));
}

#[test]
fn health_cannot_judge_what_was_not_read() {
    let dir = scratch("cannot");
    let no_status = dir.join("n0.tsv");
    std::fs::write(&no_status, "wsrep_ready\tON\nwsrep_cluster_size\t3\n").expect("write");
    let nothing = dir.join("n1.txt");
    std::fs::write(
        &nothing,
        "ERROR 2002 (HY000): Can't connect to local server\n",
    )
    .expect("write");
    for file in [&no_status, &nothing] {
        let (code, out, _) = run("health", &[file.to_str().expect("utf-8")], None);
        assert_eq!(code, 2, "{out}");
        assert!(out.contains("cannot judge: "), "{out}");
        assert!(!out.contains("verdict") && !out.contains("remedy"), "{out}");
    }
    let (_, out, _) = run("health", &[no_status.to_str().expect("utf-8")], None);
    assert!(out.contains("wsrep_cluster_status is missing"), "{out}");
    let (_, out, _) = run("health", &[nothing.to_str().expect("utf-8")], None);
    assert!(out.contains("no wsrep variable"), "{out}");
    let (code, _, err) = run("health", &["/no/such/file"], None);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn recover_reads_standard_input_and_refuses_what_it_cannot_read() {
    let u = "3c1f6a2e-5b7d-11f0-9a1b-0242ac120002";
    let log = format!("200306 11:20:27 mysqld_safe WSREP: Recovered position {u}:42\r\n");
    let (code, out, err) = run("recover", &["mariadb-0=-"], Some(&log));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("bootstrap: mariadb-0"), "{out}");
    let (code, _, err) = run("recover", &["-"], Some("wsrep_cluster_status\tPrimary\n"));
    assert_eq!(code, 2);
    assert!(
        err.contains("SHOW STATUS") && err.contains("expected a grastate.dat"),
        "{err}"
    );
    // A listed member without a position refuses the plan, naming what to run.
    let (code, out, _) = run(
        "recover",
        &["--members", "mariadb-0,mariadb-1", "mariadb-0=-"],
        Some(&log),
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("run `mariadbd --wsrep-recover` on mariadb-1"),
        "{out}"
    );
}

#[test]
fn json_outputs_parse_and_carry_the_evidence() {
    let (code, out, _) = run("health", &["--output", "json", "-"], Some(BOXED));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["verdict"], "healthy");
    assert_eq!(v["nodes"][0]["status"]["cluster_status"], "Primary");
    let u = "3c1f6a2e-5b7d-11f0-9a1b-0242ac120002";
    let log = format!("WSREP: Recovered position: {u}:42\n");
    let (code, out, _) = run("recover", &["--output", "json", "db-3=-"], Some(&log));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["plan"]["bootstrap"], "db-3");
    assert_eq!(v["nodes"][0]["position"]["seqno"], 42);
    assert!(v["refusal"].is_null());
}

// ---- Review of issue 13 (a new user's inputs) ----

const U13: &str = "3c1f6a2e-5b7d-11f0-9a1b-0242ac120002";

fn grastate(dir: &Path, node: &str, uuid: &str, seqno: i64, safe: u8) -> String {
    let d = dir.join(node);
    std::fs::create_dir_all(&d).expect("node dir");
    std::fs::write(
        d.join("grastate.dat"),
        format!("# GALERA saved state\nversion: 2.1\nuuid:    {uuid}\nseqno:   {seqno}\nsafe_to_bootstrap: {safe}\n"),
    )
    .expect("grastate.dat");
    d.display().to_string()
}

fn status_file(dir: &Path, name: &str, status: &str, size: u64, extra: &str) -> String {
    let p = dir.join(name);
    std::fs::write(
        &p,
        format!("wsrep_cluster_state_uuid\t{U13}\nwsrep_cluster_status\t{status}\nwsrep_cluster_size\t{size}\nwsrep_cluster_conf_id\t7\nwsrep_incoming_addresses\t10.0.0.10:3306,10.0.0.11:3306,10.0.0.12:3306\nwsrep_connected\tON\nwsrep_ready\tON\nwsrep_local_state\t4\nwsrep_last_committed\t9051\n{extra}"),
    )
    .expect("status file");
    p.display().to_string()
}

/// Review 1, 2, 6, 9, 12 through the binary: a NULL status, one file three times, a Primary
/// of size 0 (it panicked) and `--expect 0` exit 2 without a cluster-changing remedy; JSON
/// users get an object on unreadable input.
#[test]
fn health_refuses_what_it_cannot_judge_without_advice() {
    let dir = scratch("review-health");
    let null = status_file(&dir, "boxnull.tsv", "NULL", 3, "");
    let (code, out, err) = run("health", &["--expect", "1", &null], None);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        out.contains("cannot judge") && out.contains("wsrep_cluster_status is NULL"),
        "{out}"
    );
    assert!(!out.contains("pc.bootstrap=YES"), "{out}");

    let gc = status_file(
        &dir,
        "gc.tsv",
        "non-Primary",
        1,
        "wsrep_gcomm_uuid\ta1a1a1a1-0000-11f0-8000-000000000000\n",
    );
    for nodes in [
        vec![gc.clone(), gc.clone(), gc.clone()],
        vec![format!("a={gc}"), format!("b={gc}"), format!("c={gc}")],
    ] {
        let mut a = vec!["--expect".to_owned(), "3".to_owned()];
        a.extend(nodes);
        let (code, out, err) = run("health", &args(&a), None);
        assert_eq!(code, 2, "{out}{err}");
        assert!(!out.contains("pc.bootstrap=YES"), "{out}");
    }

    let sz0 = status_file(&dir, "sz0.tsv", "Primary", 0, "");
    let (code, out, err) = run("health", &[&sz0], None);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.contains("wsrep_cluster_size is 0"), "{out}{err}");

    let (code, _, err) = run("health", &["--expect", "0", &sz0], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--expect"), "{err}");

    let missing = dir.join("absent.tsv").display().to_string();
    for tool in ["health", "recover"] {
        let (code, out, err) = run(tool, &["--output", "json", &missing], None);
        assert_eq!(code, 2, "{tool}: {err}");
        let v: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{tool}: {e}: {out:?}"));
        assert_eq!(v["exit"], 2, "{tool}: {v}");
        assert!(
            v["error"]
                .as_str()
                .is_some_and(|e| e.contains("absent.tsv")),
            "{tool}: {v}"
        );
    }
}

/// Review 3, 7, 8 through the binary: an unknown position is not sent to SST unforced and
/// "forced" is not printed; a forced plan names the member that did not report; a node
/// outside --members and an empty --members are usage errors.
#[test]
fn recover_never_sends_an_unknown_position_to_sst_unforced() {
    let dir = scratch("review-recover");
    let e0 = grastate(&dir, "e-0", U13, 300, 1);
    let e1 = grastate(&dir, "e-1", U13, -1, 0);
    let (code, out, err) = run("recover", &[&e0, &e1], None);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("run `mariadbd --wsrep-recover` on e-1"),
        "{out}"
    );
    assert!(!out.contains("forced"), "{out}");
    let (code, out, err) = run("recover", &["--force", &e0, &e1], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("bootstrap: e-0"), "{out}");

    let m2 = grastate(&dir, "mariadb-2", U13, 9, 0);
    let m10 = grastate(&dir, "mariadb-10", U13, 8, 0);
    let (code, out, err) = run(
        "recover",
        &[
            "--force",
            "--members",
            "mariadb-2,mariadb-10,mariadb-3",
            &m10,
            &m2,
        ],
        None,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.lines()
            .any(|l| l.contains("mariadb-3") && l.contains("SST")),
        "{out}"
    );

    let alpha = grastate(&dir, "alpha", U13, 99, 0);
    let (code, out, err) = run(
        "recover",
        &["--members", "mariadb-2,mariadb-10", &m10, &m2, &alpha],
        None,
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("alpha not in --members"), "{err}");
    assert!(!out.contains("bootstrap: alpha"), "{out}");
    let (code, out, err) = run("recover", &["--members", "", &m2], None);
    assert_eq!(code, 2, "{out}{err}");
}

/// Review of issue 23 (F-5, F-10): `--history` must be a UUID (a usage error otherwise) and
/// matches in either case; histories that tie under `--force` are refused asking for it.
#[test]
fn recover_history_is_a_uuid_and_a_tie_asks_for_it() {
    const V: &str = "9e7d3a10-8d52-11f0-8a07-0242ac110003";
    let dir = scratch("review-history");
    let nodes = [
        grastate(&dir, "n-0", U13, 100, 0),
        grastate(&dir, "n-1", U13, 100, 0),
        grastate(&dir, "n-2", V, 100, 0),
        grastate(&dir, "n-3", V, 100, 0),
    ];
    let mut forced = vec!["--force"];
    forced.extend(nodes.iter().map(String::as_str));
    let (code, out, err) = run("recover", &forced, None);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("refused: histories tie") && out.contains("--history"),
        "{out}"
    );

    let (code, out, err) = run("recover", &["--history", "notauuid", &nodes[0]], None);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("\"notauuid\" is not a cluster state UUID"),
        "{err}"
    );

    let upper = V.to_uppercase();
    let mut named = vec!["--history", upper.as_str()];
    named.extend(nodes.iter().map(String::as_str));
    let (code, out, err) = run("recover", &named, None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("bootstrap: n-2"), "{out}");
    assert_eq!(out.matches("discards: ").count(), 2, "{out}");
}
