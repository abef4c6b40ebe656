//! Watch-based waiting for the MariaDB phase, against a mocked API server: the initial list,
//! then watch events; a dropped watch is resumed; a deadline gives a typed timeout.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use deployer::{PhaseSeen, WaitError, wait_for_phase};
use http::{Request, Response};
use kube::client::Body;
use kubedb_types::kubedb::v1::DatabasePhase;
use serde_json::{Value, json};

fn db(phase: &str, rv: &str) -> Value {
    json!({"apiVersion": "kubedb.com/v1", "kind": "MariaDB",
           "metadata": {"name": "mariadb", "namespace": "demo", "resourceVersion": rv},
           "spec": {"version": "11.5.2"}, "status": {"phase": phase}})
}

/// Answers the list with `Provisioning`, then each watch with the next batch of phases (a
/// batch ends the stream: a dropped watch); after the batches, watches hang.
fn server(batches: Vec<Vec<&'static str>>) -> (kube::Client, Arc<Mutex<Vec<String>>>) {
    let (svc, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let uris = Arc::new(Mutex::new(Vec::new()));
    let log = uris.clone();
    tokio::spawn(async move {
        let mut batches = batches.into_iter();
        let mut held = Vec::new();
        let mut rv = 1;
        while let Some((req, send)) = handle.next_request().await {
            let uri = req.uri().to_string();
            log.lock().expect("log").push(uri.clone());
            let body = if uri.contains("watch=true") {
                match batches.next() {
                    Some(batch) => batch
                        .into_iter()
                        .map(|p| {
                            rv += 1;
                            format!(
                                "{}\n",
                                json!({"type": "MODIFIED", "object": db(p, &rv.to_string())})
                            )
                        })
                        .collect::<String>(),
                    None => {
                        held.push(send);
                        continue;
                    }
                }
            } else {
                json!({"apiVersion": "kubedb.com/v1", "kind": "MariaDBList",
                       "metadata": {"resourceVersion": "1"}, "items": [db("Provisioning", "1")]})
                .to_string()
            };
            send.send_response(Response::new(Body::from(body.into_bytes())));
        }
    });
    (kube::Client::new(svc, "default"), uris)
}

#[tokio::test]
async fn waits_through_phases_and_a_dropped_watch_until_ready() {
    let (client, uris) = server(vec![
        vec!["Provisioning", "NotReady"],
        vec!["Critical", "Ready"],
    ]);
    let mut seen = Vec::new();
    let db = wait_for_phase(
        &client,
        "demo",
        "mariadb",
        DatabasePhase::Ready,
        Duration::from_secs(20),
        |p: PhaseSeen| seen.push(p.phase),
    )
    .await
    .expect("reaches Ready");
    assert_eq!(db.status.and_then(|s| s.phase), Some(DatabasePhase::Ready));
    use DatabasePhase::*;
    assert_eq!(
        seen,
        [
            Some(Provisioning),
            Some(NotReady),
            Some(Critical),
            Some(Ready)
        ]
    );
    let uris = uris.lock().expect("log").clone();
    assert!(
        uris[0].contains("fieldSelector=metadata.name%3Dmariadb")
            && !uris[0].contains("watch=true"),
        "{uris:?}"
    );
    assert_eq!(
        uris.iter().filter(|u| u.contains("watch=true")).count(),
        2,
        "the dropped watch resumed: {uris:?}"
    );
}

#[tokio::test]
async fn a_deadline_is_a_typed_timeout_with_the_last_phase() {
    let (client, _) = server(vec![vec!["Critical"]]);
    let err = wait_for_phase(
        &client,
        "demo",
        "mariadb",
        DatabasePhase::Ready,
        Duration::from_millis(300),
        |_| {},
    )
    .await
    .expect_err("never Ready");
    match &err {
        WaitError::Timeout { last, object, .. } => {
            assert_eq!(
                (*last, object.as_str()),
                (Some(DatabasePhase::Critical), "demo/mariadb")
            );
        }
    }
    assert!(err.to_string().contains("pod_table"), "{err}");
}
