//! The walkthrough end to end on real servers: the deployer applies its plan for
//! `Environment::seed()` to the fake hub, the simulated controllers place the pods, and the
//! work agents run them through [`lab::LabPods`] as MariaDB 10.11 + Galera 4 servers in the
//! clusters' namespaces. Needs root and `lab::INSTALL`.
//!
//! The expected values come from the deployer's plan (placement, peers, SST method), the
//! servers' own status and variables, and the upstream subnet split written out by hand;
//! never from the adapter's bookkeeping.

use std::sync::Arc;
use std::time::{Duration, Instant};

use deployer::{ApplyOptions, Environment, apply_plan, wait_for_phase};
use galera::status::ClusterStatus;
use kubedb_types::kubedb::v1::DatabasePhase;
use lab::{Lab, LabOptions, LabPods, SliceSpec};
use simulated_clusters::{Spoke, World, serve_kubedb_release};

mod common;
use common::{netns_list, processes_naming};

#[test]
fn the_deployer_applies_the_walkthrough_to_a_world_of_real_servers() {
    if let Err(e) = lab::preflight() {
        panic!("the lab test cannot run: {e}");
    }
    let env = Environment::seed();
    let plan = deployer::plan(&env).expect("the seed environment plans");
    let slice = SliceSpec::of_plan(&plan)
        .expect("slice subnet")
        .expect("the plan has a SliceConfig");
    // The walkthrough's slice, written out (kubeslice-controller v1.9.0's split).
    assert_eq!(slice.subnet.to_string(), "10.1.0.0/16");
    let lab = Arc::new(Lab::new(&slice, LabOptions::default()).expect("lab"));
    let (id, dir) = (lab.id().to_owned(), lab.dir().to_path_buf());
    let subnets: Vec<(String, String)> = lab
        .clusters()
        .iter()
        .map(|c| (c.name.clone(), c.subnet.to_string()))
        .collect();
    assert_eq!(
        subnets,
        [
            ("demo-controller".to_owned(), "10.1.0.0/20".to_owned()),
            ("demo-worker".to_owned(), "10.1.16.0/20".to_owned())
        ]
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let hub = simulated_clusters::hub();
    serve_kubedb_release(&hub, env.kubedb.release);
    let world = rt.block_on(async {
        World::start_with(&hub, &env, Spoke::of(&env), LabPods::new(lab.clone()))
    });
    let started = Instant::now();
    rt.block_on(async {
        apply_plan(&hub.client(), &plan, &ApplyOptions::default(), |_| {})
            .await
            .expect("apply");
        wait_for_phase(
            &hub.client(),
            &env.database.namespace,
            &env.database.name,
            DatabasePhase::Ready,
            Duration::from_secs(300),
            |_| {},
        )
        .await
        .unwrap_or_else(|e| panic!("not Ready: {e}; last error {:?}", world.last_error()));
    });
    println!(
        "lab: first apply to MariaDB Ready: {:.2?}",
        started.elapsed()
    );

    // Each pod of the plan runs as a real server in its cluster's namespace, at an address of
    // that cluster's subnet, the one the world reports; Primary of 3 through galera's live
    // adapter; the cnf the adapter built carries the plan's peers, name and SST method.
    let reported = world.pods();
    assert_eq!(reported.len(), 3, "{reported:?}");
    for placed in &plan.placement {
        let info = lab.pod(&placed.pod).expect("the pod runs in the lab");
        assert_eq!(info.cluster, placed.cluster, "{}", placed.pod);
        let subnet = lab.cluster(&placed.cluster).expect("cluster").subnet;
        assert!(
            subnet.contains(&info.address),
            "{}: {}",
            placed.pod,
            info.address
        );
        let (_, cluster, ip) = reported
            .iter()
            .find(|(p, _, _)| *p == placed.pod)
            .expect("the world reports the pod");
        assert_eq!((cluster, ip), (&placed.cluster, &info.address.to_string()));
        let s = rt
            .block_on(lab.status_live(&placed.pod))
            .expect("live status");
        assert_eq!(
            s.cluster_status,
            Some(ClusterStatus::Primary),
            "{}",
            placed.pod
        );
        assert_eq!(s.cluster_size, Some(3), "{}", placed.pod);
        assert!(lab::is_ready(&s), "{}: {s:?}", placed.pod);
        let g = plan
            .spokes
            .iter()
            .flat_map(|s| &s.galera)
            .find(|g| g.pod == placed.pod)
            .expect("the plan's galera settings");
        let vars = lab
            .sql(
                &placed.pod,
                "SELECT @@wsrep_node_address, @@wsrep_cluster_address, @@wsrep_sst_method, @@wsrep_cluster_name",
            )
            .expect("variables");
        let row = vars.lines().nth(1).unwrap_or_default().to_owned();
        assert_eq!(
            row,
            format!(
                "{}\tgcomm://{}\t{}\t{}",
                info.address,
                g.peers.join(","),
                g.sst_method.as_str(),
                g.cluster_name
            ),
            "{}",
            placed.pod
        );
    }
    // The world's view of the servers is theirs.
    let wsrep = world.wsrep_all();
    assert_eq!(wsrep.len(), 3);
    assert!(
        wsrep.iter().all(|(_, s)| s.cluster_size == Some(3)),
        "{wsrep:?}"
    );

    // Nothing left behind once the world and the lab are gone.
    let namespaces = lab.namespaces();
    assert!(netns_list().contains(&id));
    drop(world);
    drop(rt);
    let lab = Arc::try_unwrap(lab).expect("the world released the lab");
    lab.close();
    let list = netns_list();
    assert!(!list.contains(&id), "namespaces of {id} left:\n{list}");
    for ns in &namespaces {
        assert!(
            !std::path::Path::new("/etc/netns").join(ns).exists(),
            "/etc/netns/{ns} left"
        );
    }
    assert!(!dir.exists(), "{} left", dir.display());
    let procs = processes_naming(&id);
    assert!(procs.is_empty(), "processes of {id} left: {procs:#?}");
}
