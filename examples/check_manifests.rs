//! `cargo run --example check_manifests`: judge manifests as a hub of a given KubeDB release
//! (with the pinned OCM and KubeSlice CRDs) would, with `distributed_galera::check::Checker`.

use std::path::Path;

use distributed_galera::check::{Checker, Summary, parse_yaml};
use kubedb_types::release::Release;

const FIXED: &str = "apiVersion: kubedb.com/v1
kind: MariaDB
metadata: {name: md, namespace: demo}
spec:
  version: 11.5.2
  replicas: 2
  storageType: Durable
  storage: {resources: {requests: {storage: 1Gi}}}
  bogus: true
";

fn main() {
    let checker = Checker::for_release(Release::WALKTHROUGH);
    let mut docs = Vec::new();
    for (name, text) in distributed_galera::seed::MANIFESTS {
        docs.extend(parse_yaml(Path::new(name), text).expect("the walkthrough's manifests parse"));
    }
    docs.extend(parse_yaml(Path::new("mine.yaml"), FIXED).expect("parses"));
    let reports = checker.check(&docs);
    for report in &reports {
        println!("{report}");
    }
    println!("{}", checker.judged_against());
    println!("{}", Summary::of(&reports));
}
