//! `cargo run --example recover_galera`: which node to bootstrap after a full outage, from
//! each node's `grastate.dat` and `--wsrep-recover` log, with `galera::recovery`.

use galera::files::NodeFile;
use galera::recovery::{RecoveryOptions, plan_recovery, reports};

const UUID: &str = "3c1f6a2e-5b7d-11f0-9a1b-0242ac120002";

fn grastate(seqno: i64) -> String {
    format!(
        "# GALERA saved state\nversion: 2.1\nuuid:    {UUID}\nseqno:   {seqno}\nsafe_to_bootstrap: 0\n"
    )
}

fn main() {
    // db-0 and db-1 crashed (seqno -1: their logs say where they were), db-2 stopped cleanly.
    let files = [
        ("db-0", "grastate.dat", grastate(-1)),
        (
            "db-0",
            "recover.log",
            format!("[Note] WSREP: Recovered position: {UUID}:1042\n"),
        ),
        ("db-1", "grastate.dat", grastate(-1)),
        (
            "db-1",
            "recover.log",
            format!("[Note] WSREP: Recovered position: {UUID}:1045\n"),
        ),
        ("db-2", "grastate.dat", grastate(1040)),
    ];
    let identified: Vec<(String, String, NodeFile)> = files
        .iter()
        .map(|(node, file, text)| {
            let f = NodeFile::identify(file, text).expect("a Galera file");
            ((*node).to_owned(), (*file).to_owned(), f)
        })
        .collect();
    let nodes = reports(&identified).expect("one file of each kind per node");
    match plan_recovery(&nodes, &RecoveryOptions::default()) {
        Ok(plan) => {
            println!("bootstrap {} ({})", plan.bootstrap, plan.reason);
            for join in &plan.joins {
                println!(
                    "then {} by {:?} ({})",
                    join.node, join.transfer, join.reason
                );
            }
        }
        Err(refusal) => println!("refused: {refusal}"),
    }
}
