//! A cluster joins a running lab's slice (`Lab::add_cluster`, what `scale --lab` does when
//! demo-edge's work agent gets its first pod): its subnet, its gateway on the slice bridge,
//! name resolution both ways, the refusals, and its removal with the rest. No server runs
//! here (`scale --lab` shows servers joining from the added cluster). Needs root and
//! `lab::INSTALL`.
//!
//! Expected values are written out by hand from the KubeSlice controller's rules (the next
//! free block of the slice subnet) or read from the kernel (`ip`), never from the lab's own
//! bookkeeping.

use std::path::Path;
use std::process::Command;

use lab::{Lab, LabError, LabOptions, SliceSpec};

fn ip(args: &[&str]) -> String {
    let out = Command::new("ip").args(args).output().expect("ip");
    assert!(
        out.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn hosts_of(ns: &str) -> String {
    std::fs::read_to_string(Path::new("/etc/netns").join(ns).join("hosts")).unwrap_or_default()
}

#[test]
fn a_cluster_joins_the_slice_with_the_next_block_and_leaves_with_the_lab() {
    if let Err(e) = lab::preflight() {
        panic!("the lab test cannot run: {e}");
    }
    let slice =
        SliceSpec::new("10.1.0.0/16", 16, ["demo-controller", "demo-worker"]).expect("slice");
    let lab = Lab::new(&slice, LabOptions::default()).expect("lab");
    let (id, dir) = (lab.id().to_owned(), lab.dir().to_path_buf());
    let mariadb_0 = "mariadb-0.mariadb-pods.demo.svc.slice.local".to_owned();
    let mariadb_3 = "mariadb-3.mariadb-pods.demo.svc.slice.local".to_owned();
    lab.add_pod(
        "demo-controller",
        "mariadb-0",
        std::slice::from_ref(&mariadb_0),
    )
    .expect("pod on demo-controller");

    let edge = lab.add_cluster("demo-edge").expect("demo-edge joins");
    // The third block of 10.1.0.0/16 cut into /20s (maxClusters 16): the lowest index no
    // cluster holds.
    assert_eq!(edge.subnet.to_string(), "10.1.32.0/20");
    assert_eq!(
        lab.clusters()
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["demo-controller", "demo-worker", "demo-edge"]
    );
    assert!(ip(&["netns", "list"]).contains(&edge.namespace));
    // Its gateway: `gw` up in its namespace, its peer a port of the slice bridge.
    let gw = ip(&["-n", &edge.namespace, "-o", "link", "show", "gw"]);
    assert!(gw.contains("state UP") || gw.contains(",UP"), "{gw}");
    let port = ip(&[
        "-n",
        lab.slice_namespace(),
        "-o",
        "link",
        "show",
        &edge.port,
    ]);
    assert!(port.contains("master slice"), "{port}");

    // The slice router's first address for the cluster's first pod; names resolve both ways.
    let address = lab
        .add_pod("demo-edge", "mariadb-3", std::slice::from_ref(&mariadb_3))
        .expect("pod on demo-edge");
    assert_eq!(address.to_string(), "10.1.32.1");
    let on_gw = ip(&["-n", &edge.namespace, "-o", "addr", "show", "dev", "gw"]);
    assert!(on_gw.contains("10.1.32.1/16"), "{on_gw}");
    let namespaces = lab.namespaces();
    assert!(namespaces.contains(&edge.namespace));
    for ns in &namespaces {
        let hosts = hosts_of(ns);
        assert!(
            hosts.contains(&format!("10.1.0.1\t{mariadb_0}")),
            "{ns}: {hosts}"
        );
        assert!(
            hosts.contains(&format!("10.1.32.1\t{mariadb_3}")),
            "{ns}: {hosts}"
        );
    }

    // Refusals: a cluster it has, and one past maxClusters.
    assert!(matches!(
        lab.add_cluster("demo-edge"),
        Err(LabError::Duplicate(c)) if c == "demo-edge"
    ));
    let two = Lab::new(
        &SliceSpec::new("10.2.0.0/16", 2, ["a", "b"]).expect("slice"),
        LabOptions::default(),
    )
    .expect("lab of two");
    let refused = two
        .add_cluster("c")
        .expect_err("a third cluster in a slice of 2");
    assert!(matches!(refused, LabError::Ipam(_)), "{refused}");
    assert!(two.cluster("c").is_err());
    drop(two);

    // Everything goes with the lab, the added cluster's namespace included.
    lab.close();
    let list = ip(&["netns", "list"]);
    assert!(!list.contains(&id), "namespaces of {id} left:\n{list}");
    for ns in &namespaces {
        assert!(
            !Path::new("/etc/netns").join(ns).exists(),
            "/etc/netns/{ns} left"
        );
    }
    assert!(!dir.exists(), "{} left", dir.display());
}
