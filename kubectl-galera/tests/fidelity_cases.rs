//! The shared real-world cases (`shared/cases`, with their answers in its README) through the
//! binary. Part of the fidelity suite: skipped, saying so, where the cases are not there, and
//! left out of the published package (it reads outside it).

use std::process::{Command, Output};

fn run(name: &str, args: &[&str]) -> (i32, String) {
    let Output { status, stdout, .. } = Command::new(env!("CARGO_BIN_EXE_kubectl-galera"))
        .arg(name)
        .args(args)
        .output()
        .expect("kubectl-galera runs");
    (
        status.code().expect("exit code"),
        String::from_utf8_lossy(&stdout).into_owned(),
    )
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn the_shared_cases_through_the_binaries() {
    let Some(dir) = fidelity::cases("kubectl-galera's real-world cases").map(|d| d.join("galera"))
    else {
        return;
    };
    let files = |case: &str| -> Vec<String> {
        let mut f: Vec<String> = std::fs::read_dir(dir.join(case))
            .expect("case dir")
            .map(|e| e.expect("entry").path().display().to_string())
            .collect();
        f.sort();
        f
    };

    let (code, out) = run("recover", &args(&files("recover-safe-nil-uuid")));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("bootstrap: mariadb-2 "), "{out}");
    assert!(out.contains("skipped: mariadb-1 ("), "{out}");

    let (code, out) = run("recover", &args(&files("recover-mysqld-safe-log")));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("bootstrap: database-1 "), "{out}");
    assert!(
        out.contains("join 1: database-2 by IST") && out.contains("join 2: database-0 by IST"),
        "{out}"
    );

    for expect in [&[][..], &["--expect", "3"][..]] {
        let mut a: Vec<&str> = expect.to_vec();
        let f = files("health-split-confid-quirk");
        a.extend(args(&f));
        let (code, out) = run("health", &a);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("verdict: split-brain"), "{out}");
        assert!(
            out.contains("{mariadb-0, mariadb-2}") && out.contains("{mariadb-1}"),
            "{out}"
        );
    }

    let (code, out) = run(
        "health",
        &["--expect", "3", &files("health-boxed-table")[0]],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("node-0: status=Primary size=3") && out.contains("verdict: healthy"),
        "{out}"
    );
}
