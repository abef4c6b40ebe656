//! Request shapes, retries and all-or-nothing validation of `apply_plan`, against a mocked
//! API server (tower-test), as a real API server would receive them.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use deployer::{ApplyError, ApplyOptions, Environment, PlanObject, Progress, apply_plan, plan};
use http::{Request, Response};
use kube::client::Body;
use serde_json::{Value, json};

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    uri: String,
    content_type: String,
    body: Value,
}

/// A mocked API server answering with the scripted status codes (then 200), echoing the
/// applied object with a resourceVersion.
fn server(script: &[u16]) -> (kube::Client, Arc<Mutex<Vec<Seen>>>) {
    let (svc, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let mut script: VecDeque<u16> = script.iter().copied().collect();
    tokio::spawn(async move {
        while let Some((req, send)) = handle.next_request().await {
            let (parts, body) = req.into_parts();
            let bytes = body.collect_bytes().await.expect("request body");
            let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            log.lock().expect("log").push(Seen {
                method: parts.method.to_string(),
                uri: parts.uri.to_string(),
                content_type: parts
                    .headers
                    .get(http::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned(),
                body: body.clone(),
            });
            let code = script.pop_front().unwrap_or(200);
            let answer = if code == 200 {
                let mut o = body;
                o["metadata"]["resourceVersion"] = json!("7");
                o
            } else {
                json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                       "message": format!("scripted {code}"), "reason": "Scripted", "code": code})
            };
            let response = Response::builder()
                .status(code)
                .header("content-type", "application/json")
                .body(Body::from(serde_json::to_vec(&answer).expect("json")))
                .expect("response");
            send.send_response(response);
        }
    });
    (kube::Client::new(svc, "default"), seen)
}

fn seed() -> deployer::Plan {
    plan(&Environment::seed()).expect("seed plans")
}

fn fast() -> ApplyOptions {
    ApplyOptions {
        backoff: Duration::from_millis(1),
        // The mock answers patches only; waiting between steps is tested on the fake hub.
        wait: None,
        ..ApplyOptions::default()
    }
}

#[tokio::test]
async fn server_side_apply_requests_are_shaped_as_the_api_server_expects() {
    let plan = seed();
    let (client, seen) = server(&[]);
    let mut events = Vec::new();
    let report = apply_plan(&client, &plan, &fast(), |p| events.push(p))
        .await
        .expect("applies");
    let seen = seen.lock().expect("log").clone();
    let paths: Vec<&str> = seen
        .iter()
        .map(|s| s.uri.split('?').next().unwrap_or(""))
        .collect();
    assert_eq!(
        paths,
        [
            "/apis/controller.kubeslice.io/v1alpha1/namespaces/kubeslice-controller/projects/demo-distributed-mariadb",
            "/apis/controller.kubeslice.io/v1alpha1/namespaces/kubeslice-demo-distributed-mariadb/clusters/demo-controller",
            "/apis/controller.kubeslice.io/v1alpha1/namespaces/kubeslice-demo-distributed-mariadb/clusters/demo-worker",
            "/apis/controller.kubeslice.io/v1alpha1/namespaces/kubeslice-demo-distributed-mariadb/sliceconfigs/demo-slice",
            "/apis/apps.k8s.appscode.com/v1/placementpolicies/distributed-mariadb",
            "/apis/kubedb.com/v1/namespaces/demo/mariadbs/mariadb",
        ]
    );
    for (s, step) in seen.iter().zip(&plan.steps) {
        assert_eq!(s.method, "PATCH");
        assert_eq!(s.content_type, "application/apply-patch+yaml");
        let query = s.uri.split_once('?').map(|(_, q)| q).unwrap_or("");
        assert!(
            query.contains("fieldManager=galera-deployer") && query.contains("force=true"),
            "{query}"
        );
        assert!(!query.contains("dryRun"), "{query}");
        assert_eq!(
            s.body,
            step.object.to_json(),
            "the body is exactly the planned object"
        );
    }
    assert_eq!(report.applied.len(), 6);
    assert_eq!(
        report.applied[5].metadata.resource_version.as_deref(),
        Some("7")
    );
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, Progress::Applied { .. }))
            .count(),
        6
    );

    let (client, seen) = server(&[]);
    let dry = ApplyOptions {
        dry_run: true,
        ..fast()
    };
    apply_plan(&client, &plan, &dry, |_| {})
        .await
        .expect("dry run");
    assert!(
        seen.lock()
            .expect("log")
            .iter()
            .all(|s| s.uri.contains("dryRun=All"))
    );
}

#[tokio::test]
async fn throttling_and_server_errors_are_retried_with_backoff() {
    let (client, seen) = server(&[429, 503, 409]);
    let mut retries = Vec::new();
    let report = apply_plan(&client, &seed(), &fast(), |p| {
        if let Progress::Retrying {
            code,
            attempt,
            delay,
            ..
        } = p
        {
            retries.push((code, attempt, delay));
        }
    })
    .await
    .expect("survives the faults");
    assert_eq!(report.retries, 3);
    assert_eq!(
        retries,
        [
            (429, 1, Duration::from_millis(1)),
            (503, 2, Duration::from_millis(2)),
            (409, 3, Duration::from_millis(4))
        ]
    );
    assert_eq!(seen.lock().expect("log").len(), 9, "6 objects + 3 retries");
}

#[tokio::test]
async fn a_refused_object_stops_the_apply_and_says_what_was_applied() {
    let (client, seen) = server(&[200, 422]);
    let err = apply_plan(&client, &seed(), &fast(), |_| {})
        .await
        .expect_err("422 is final");
    match &err {
        ApplyError::Server {
            index,
            applied,
            attempts,
            ..
        } => assert_eq!((*index, *applied, *attempts), (2, 1, 1)),
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string()
            .contains("step 1 was applied, the rest were not"),
        "{err}"
    );
    // The API server's answer in words, not kube's `Status { .. }` debug dump.
    assert!(
        err.to_string()
            .contains("failed after 1 attempt(s): scripted 422 (Scripted, HTTP 422); "),
        "{err}"
    );
    assert!(!err.to_string().contains("Status {"), "{err}");
    assert_eq!(
        seen.lock().expect("log").len(),
        2,
        "nothing after the refusal"
    );

    let always = [503u16; 5];
    let (client2, seen2) = server(&always);
    let err = apply_plan(&client2, &seed(), &fast(), |_| {})
        .await
        .expect_err("gives up");
    assert!(
        matches!(err, ApplyError::Server { attempts: 5, .. }),
        "{err:?}"
    );
    assert_eq!(seen2.lock().expect("log").len(), 5);
}

/// A dry run refused at step 2 (on a hub without what step 1 would create) says what the
/// server answered and why a dry run meets it, in words.
#[tokio::test]
async fn a_refused_dry_run_says_why_in_words() {
    let (client, _) = server(&[200, 404]);
    let dry = ApplyOptions {
        dry_run: true,
        ..fast()
    };
    let err = apply_plan(&client, &seed(), &dry, |_| {})
        .await
        .expect_err("404 is final");
    let text = err.to_string();
    assert!(
        text.contains(": scripted 404 (Scripted, HTTP 404); this was a dry run"),
        "{text}"
    );
    assert!(!text.contains("Status {"), "{text}");
}

#[tokio::test]
async fn invalid_input_writes_nothing() {
    let mut plan = seed();
    if let PlanObject::MariaDB(db) = &mut plan.steps[5].object {
        db.metadata.name = None;
    }
    let (client, seen) = server(&[]);
    let err = apply_plan(&client, &plan, &fast(), |_| {})
        .await
        .expect_err("no name");
    assert!(
        matches!(err, ApplyError::Invalid { index: 6, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("metadata.name"), "{err}");
    assert!(seen.lock().expect("log").is_empty(), "zero writes");
}
