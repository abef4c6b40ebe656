//! Helpers the day-2 tests share.

use deployer::day2::Current;
use deployer::{Environment, plan};

/// The walkthrough's environment and the day-2 state its plan leaves on the hub.
pub fn seed() -> (Environment, Current) {
    let env = Environment::seed();
    let p = plan(&env).expect("seed plans");
    let current = Current::from_plan(&p, &env).expect("seed has the objects");
    (env, current)
}
