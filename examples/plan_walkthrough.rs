//! `cargo run --example plan_walkthrough`: plan the walkthrough's distributed MariaDB with
//! `deployer::plan`: its objects in order, where each pod goes, and which cluster losses the
//! Galera cluster survives.

use deployer::{Environment, plan};

fn main() {
    let env = Environment::seed();
    let plan = plan(&env).expect("the walkthrough's environment plans");
    for (i, step) in plan.steps.iter().enumerate() {
        println!(
            "{:>2}. [{}] {}",
            i + 1,
            step.context,
            step.object.describe()
        );
    }
    for p in &plan.placement {
        println!("{} -> {}", p.pod, p.cluster);
    }
    for line in plan.survival.lines() {
        println!("{line}");
    }
}
