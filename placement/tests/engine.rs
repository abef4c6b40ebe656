//! Examples of the placement engine on the seed scenario and small hand-made cases.

use std::collections::BTreeMap;

use kubedb_types::apps::v1::{
    NodeAffinityRule, PlacementPolicy, RuleRole, SpreadConstraint, TopologyDomain,
    WhenUnsatisfiable,
};
use kubedb_types::validation::Rule as AdmissionRule;
use placement::plan::*;
use placement::spread::{Node, SpreadError, SpreadProblem, spread};
use placement::{Mapping, PlacementError, Policy};

fn seed() -> Policy {
    Policy::from_pairs([("demo-controller", vec![0, 2]), ("demo-worker", vec![1])])
}

#[test]
fn seed_policy_places_like_the_walkthrough() {
    // The walkthrough's Step 5 policy, in its release's `spec.ocm` shape.
    let legacy: PlacementPolicy = serde_saphyr::from_str(
        "apiVersion: apps.k8s.appscode.com/v1
kind: PlacementPolicy
metadata: {name: distributed-mariadb}
spec:
  ocm:
    sliceName: demo-slice
    distributionRules:
      - {clusterName: demo-controller, replicas: [0, 2]}
      - {clusterName: demo-worker, replicas: [1]}
",
    )
    .expect("seed policy parses");
    let policy = Policy::from_placement_policy(&legacy);
    assert_eq!(policy, seed());
    let m = Mapping::build(&policy);
    assert_eq!(
        m.assign(3).unwrap(),
        vec!["demo-controller", "demo-worker", "demo-controller"]
    );
    assert_eq!(m.cluster(3), Err(PlacementError::Unmapped { ordinal: 3 }));
    assert!(policy.validate().is_empty());
}

#[test]
fn first_rule_in_list_order_wins_and_storage_class_follows_it() {
    let mut policy = Policy::from_pairs([("a", vec![1, 0]), ("b", vec![0, 2])]);
    policy.rules[0].storage_class = Some("fast".into());
    policy.rules[1].storage_class = Some(String::new());
    let m = Mapping::build(&policy);
    assert_eq!(m.cluster(0), Ok("a"));
    assert_eq!(m.storage_class(0), Some("fast"));
    assert_eq!(m.cluster(2), Ok("b"));
    assert_eq!(m.storage_class(2), None, "an empty class does not override");
    // The duplicate 0 makes the policy invalid all the same.
    let v = policy.validate();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].position, Some(1));
    assert!(matches!(
        v[0].rule,
        AdmissionRule::DuplicateIndex { index: 0, .. }
    ));
}

#[test]
fn replicas_and_start_rules() {
    let policy = seed();
    assert!(policy.validate_replicas(3, 0).is_empty());
    assert!(
        policy.validate_replicas(2, 0).is_empty(),
        "the policy is an upper bound"
    );
    let v = policy.validate_replicas(5, 1);
    let rules: Vec<_> = v.into_iter().map(|v| v.rule).collect();
    assert_eq!(
        rules,
        vec![
            AdmissionRule::OrdinalsStartNotZero { start: 1 },
            AdmissionRule::ReplicaIndexNotCovered {
                indices: vec![3, 4]
            }
        ]
    );
}

#[test]
fn slice_membership() {
    let slice = vec!["demo-controller".to_owned()];
    let v = seed().validate_slice("demo-slice", &slice);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].position, Some(1));
    assert!(v[0].to_string().contains("demo-worker"), "{}", v[0]);
}

#[test]
fn seed_survival_report() {
    let votes = votes_of(&seed(), 3).unwrap();
    let r = survival_report(&votes, &BTreeMap::new(), &[], &StrictMajority);
    let lose = |c: &str| r.outcome(&Failure::Cluster(c.into())).unwrap().clone();
    assert!(!lose("demo-controller").survives);
    assert_eq!(
        (lose("demo-controller").alive, lose("demo-controller").total),
        (1, 3)
    );
    assert!(lose("demo-worker").survives);
}

#[test]
fn two_clusters_survive_only_one_loss_whatever_the_layout() {
    let seed = [
        Candidate::new("demo-controller", 3),
        Candidate::new("demo-worker", 3),
    ];
    let plan = distribute(&seed, 3, &DistributeOptions::default(), &StrictMajority).unwrap();
    assert_eq!(plan.report.survivable_clusters(), 1);
    // The chosen layout is the seed's own: 0 and 2 on the first cluster, 1 on the second.
    assert_eq!(plan.policy, seed_policy_in_candidate_order());
    for layout in [[3u32, 0], [2, 1], [1, 2], [0, 3]] {
        let votes = Votes {
            data: [("demo-controller", layout[0]), ("demo-worker", layout[1])]
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .map(|(c, n)| (c.to_owned(), n))
                .collect(),
            ..Votes::default()
        };
        let labels = seed
            .iter()
            .map(|c| (c.name.clone(), c.labels.clone()))
            .collect();
        assert_eq!(
            survival_report(&votes, &labels, &[], &StrictMajority).survivable_clusters(),
            1,
            "{layout:?}"
        );
    }
}

fn seed_policy_in_candidate_order() -> Policy {
    seed()
}

#[test]
fn three_clusters_one_each_survive_any_single_loss() {
    let c = [
        Candidate::new("a", 3),
        Candidate::new("b", 3),
        Candidate::new("c", 3),
    ];
    let plan = distribute(&c, 3, &DistributeOptions::default(), &StrictMajority).unwrap();
    assert_eq!(plan.report.survivable_clusters(), 3);
    assert_eq!(
        plan.policy,
        Policy::from_pairs([("a", vec![0]), ("b", vec![1]), ("c", vec![2])])
    );
}

#[test]
fn unbalanced_beats_balanced_when_it_survives_more() {
    // 4 replicas on 2 clusters: 2/2 survives nothing, 3/1 survives losing the small side.
    let c = [Candidate::new("a", 4), Candidate::new("b", 4)];
    let plan = distribute(&c, 4, &DistributeOptions::default(), &StrictMajority).unwrap();
    assert_eq!(plan.report.survivable_clusters(), 1);
    let counts = plan.policy.count_map();
    assert_eq!(counts.values().copied().collect::<Vec<_>>(), vec![3, 1]);
}

#[test]
fn an_arbiter_makes_two_data_clusters_survive_either_loss() {
    let c = [
        Candidate::new("a", 3),
        Candidate::new("b", 3),
        Candidate::new("tie", 0),
    ];
    let opts = DistributeOptions {
        arbiters: 1,
        ..DistributeOptions::default()
    };
    let plan = distribute(&c, 2, &opts, &StrictMajority).unwrap();
    assert_eq!(plan.report.survivable_clusters(), 3);
    let arbiter = plan
        .policy
        .rules
        .iter()
        .find(|r| r.role == RuleRole::Arbiter)
        .unwrap();
    assert_eq!(arbiter.cluster, "tie");
    assert!(arbiter.indices.is_empty());
}

#[test]
fn domains_are_balanced_and_reported() {
    let c = [
        Candidate::new("a1", 3).with_label("region", "a"),
        Candidate::new("a2", 3).with_label("region", "a"),
        Candidate::new("b1", 3).with_label("region", "b"),
        Candidate::new("c1", 3).with_label("region", "c"),
    ];
    let opts = DistributeOptions {
        domain_keys: vec!["region".into()],
        arbiters: 0,
    };
    let plan = distribute(&c, 3, &opts, &StrictMajority).unwrap();
    assert_eq!(plan.report.survivable_clusters(), 4);
    assert_eq!(plan.report.survivable_domains(), 3, "{:?}", plan.report);
}

#[test]
fn capacity_errors() {
    let c = [Candidate::new("a", 1)];
    assert_eq!(
        distribute(&c, 3, &DistributeOptions::default(), &StrictMajority),
        Err(PlanError::InsufficientCapacity {
            capacity: 1,
            replicas: 3
        })
    );
}

#[test]
fn scale_appends_where_it_helps_and_truncates_the_highest() {
    let c = [
        Candidate::new("demo-controller", 5),
        Candidate::new("demo-worker", 5),
        Candidate::new("third", 5),
    ];
    let up = scale(
        &seed(),
        5,
        &c,
        &DistributeOptions::default(),
        &StrictMajority,
    )
    .unwrap();
    assert!(seed().validate_update(&up.policy).is_empty());
    assert_eq!(up.report.survivable_clusters(), 3, "{:?}", up.policy);
    let down = scale(
        &seed(),
        2,
        &c,
        &DistributeOptions::default(),
        &StrictMajority,
    )
    .unwrap();
    assert_eq!(
        down.policy,
        Policy::from_pairs([("demo-controller", vec![0]), ("demo-worker", vec![1])])
    );
}

#[test]
fn migrate_adds_a_third_cluster_without_dropping_below_three() {
    let c = [
        Candidate::new("demo-controller", 5),
        Candidate::new("demo-worker", 5),
        Candidate::new("third", 5),
    ];
    // From 0,2 on the controller and 1 on the worker to one replica more on a third cluster.
    let target = BTreeMap::from([
        ("demo-controller".to_owned(), 2),
        ("demo-worker".to_owned(), 1),
        ("third".to_owned(), 2),
    ]);
    let steps = migrate(
        &seed(),
        3,
        &target,
        &c,
        &DistributeOptions::default(),
        &StrictMajority,
    )
    .unwrap();
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[1].replicas, 5);
    let mut prev = seed();
    for s in &steps {
        assert!(prev.validate_update(&s.policy).is_empty());
        assert!(s.replicas >= 3);
        prev = s.policy.clone();
    }
    assert_eq!(votes_of(&prev, 5).unwrap().data, target);
}

#[test]
fn migrate_refuses_what_would_need_a_moved_ordinal() {
    // Target 1 + 2 from the seed's 2 + 1: ordinal 2 would have to move to demo-worker.
    let c = [
        Candidate::new("demo-controller", 5),
        Candidate::new("demo-worker", 5),
    ];
    let target = BTreeMap::from([
        ("demo-controller".to_owned(), 1),
        ("demo-worker".to_owned(), 2),
    ]);
    let err = migrate(
        &seed(),
        3,
        &target,
        &c,
        &DistributeOptions::default(),
        &StrictMajority,
    )
    .unwrap_err();
    let PlanError::NoLegalSequence(why) = err else {
        panic!("{err:?}")
    };
    assert!(why.contains("ordinal 2"), "{why}");
}

fn zone(max_skew: i32, when: WhenUnsatisfiable) -> Option<SpreadConstraint> {
    Some(SpreadConstraint {
        max_skew,
        when_unsatisfiable: when,
    })
}

#[test]
fn soft_spread_balances_zones_then_nodes() {
    let nodes = vec![
        Node::new("a1", Some("a"), 5),
        Node::new("a2", Some("a"), 5),
        Node::new("b1", Some("b"), 5),
    ];
    let problem = SpreadProblem {
        zone: zone(1, WhenUnsatisfiable::ScheduleAnyway),
        node: zone(1, WhenUnsatisfiable::ScheduleAnyway),
        ..SpreadProblem::new(nodes, 4)
    };
    let r = spread(&problem).unwrap();
    assert_eq!(r.node_names(&problem), vec!["a1", "b1", "a2", "b1"]);
    assert_eq!(r.skews[0].reached, 0);
}

#[test]
fn hard_zone_spread_allows_one_pod_per_zone() {
    let nodes = vec![Node::new("a1", Some("a"), 5), Node::new("b1", Some("b"), 5)];
    let problem = SpreadProblem {
        zone: zone(2, WhenUnsatisfiable::DoNotSchedule),
        ..SpreadProblem::new(nodes, 3)
    };
    let err = spread(&problem).unwrap_err();
    let SpreadError::Unschedulable {
        pod,
        constraint,
        reason,
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(pod, 2);
    assert!(constraint.contains("zone spread"), "{constraint}");
    assert!(reason.contains("anti-affinity"), "{reason}");
}

#[test]
fn node_affinity_domains_with_cel_replicas() {
    let mut nodes = vec![Node::new("spot1", None, 5), Node::new("ondemand1", None, 5)];
    nodes[0].labels.insert("lifecycle".into(), "spot".into());
    nodes[1]
        .labels
        .insert("lifecycle".into(), "ondemand".into());
    let rule = NodeAffinityRule {
        topology_key: "lifecycle".into(),
        domains: vec![
            TopologyDomain {
                values: vec!["ondemand".into()],
                replicas: "obj.spec.replicas/2".into(),
            },
            TopologyDomain {
                values: vec!["spot".into()],
                replicas: String::new(),
            },
        ],
        when_unsatisfiable: WhenUnsatisfiable::DoNotSchedule,
        weight: 50,
    };
    let problem = SpreadProblem {
        node_affinity: vec![rule.clone()],
        ..SpreadProblem::new(nodes.clone(), 5)
    };
    let r = spread(&problem).unwrap();
    assert_eq!(
        r.node_names(&problem),
        vec!["ondemand1", "ondemand1", "spot1", "spot1", "spot1"]
    );

    let mut capped = rule.clone();
    capped.domains[1].replicas = "1".into();
    let problem = SpreadProblem {
        node_affinity: vec![capped],
        ..SpreadProblem::new(nodes.clone(), 5)
    };
    assert!(matches!(
        spread(&problem),
        Err(SpreadError::DomainsExhausted { pod: 3, .. })
    ));

    let mut bad = rule;
    bad.domains[0].replicas = "obj.spec.name".into();
    let problem = SpreadProblem {
        node_affinity: vec![bad],
        ..SpreadProblem::new(nodes, 5)
    };
    assert!(matches!(
        spread(&problem),
        Err(SpreadError::BadReplicas { domain: 0, .. })
    ));
}
