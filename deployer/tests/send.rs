//! The apply futures are `Send`, so tools can spawn them on a multi-threaded runtime.

use deployer::day2::{Current, Day2Options, Target, plan_day2};
use deployer::{ApplyOptions, Environment, apply_day2, apply_plan, plan};

fn assert_send<T: Send>(_: &T) {}

#[tokio::test]
async fn apply_plan_and_apply_day2_are_send() {
    let hub = emulated_hub::FakeHub::new();
    let client = hub.client();
    let env = Environment::seed();
    let p = plan(&env).expect("the walkthrough plans");
    let options = ApplyOptions::default();
    let day1 = apply_plan(&client, &p, &options, |_| {});
    assert_send(&day1);
    let current = Current::from_plan(&p, &env).expect("current");
    let day2 = plan_day2(&current, &Target::Replicas(5), &Day2Options::default()).expect("plans");
    let fut = apply_day2(&client, &day2, &options, None, |_| {});
    assert_send(&fut);
}
