//! Credentials from the auth secret (mocked API server) and per-pod SQL reads.

use std::time::Duration;

use deployer::{AccessError, PodRow, Readiness, auth_credentials, pods_health};
use galera::health::Verdict;
use http::{Request, Response};
use kube::client::Body;
use kubedb_types::kubedb::v1::MariaDB;
use serde_json::json;

fn db() -> MariaDB {
    serde_json::from_value(json!({"apiVersion": "kubedb.com/v1", "kind": "MariaDB",
        "metadata": {"name": "mariadb", "namespace": "demo"}, "spec": {"version": "11.5.2"}}))
    .expect("MariaDB")
}

/// Serves one secret (`data` as given) at any path, recording the path.
fn hub(data: serde_json::Value) -> (kube::Client, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let (svc, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let paths = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = paths.clone();
    tokio::spawn(async move {
        while let Some((req, send)) = handle.next_request().await {
            log.lock().expect("log").push(req.uri().path().to_owned());
            let secret = json!({"apiVersion": "v1", "kind": "Secret",
                "metadata": {"name": "mariadb-auth", "namespace": "demo"}, "data": data});
            send.send_response(Response::new(Body::from(secret.to_string().into_bytes())));
        }
    });
    (kube::Client::new(svc, "default"), paths)
}

#[tokio::test]
async fn credentials_come_from_the_default_auth_secret() {
    // "root" and "s3cret" in base64.
    let (client, paths) = hub(json!({"username": "cm9vdA==", "password": "czNjcmV0"}));
    let c = auth_credentials(&client, &db()).await.expect("credentials");
    assert_eq!(
        (c.username.as_str(), c.password.as_str()),
        ("root", "s3cret")
    );
    assert!(
        !format!("{c:?}").contains("s3cret"),
        "the password is redacted"
    );
    assert_eq!(
        paths.lock().expect("log").as_slice(),
        ["/api/v1/namespaces/demo/secrets/mariadb-auth"]
    );

    let (client, _) = hub(json!({"username": "cm9vdA=="}));
    let err = auth_credentials(&client, &db())
        .await
        .expect_err("no password");
    assert!(
        matches!(
            err,
            AccessError::MissingKey {
                key: "password",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("Secret/demo/mariadb-auth"),
        "{err}"
    );
}

#[tokio::test]
async fn pods_without_ip_or_answer_are_named() {
    let row = |pod: &str, ip: Option<&str>| PodRow {
        cluster: "demo-controller".into(),
        namespace: "demo".into(),
        pod: pod.into(),
        phase: Some("Running".into()),
        ip: ip.map(str::to_owned),
        ready: Readiness::Ready,
    };
    let creds = deployer::DatabaseCredentials {
        username: "root".into(),
        password: String::new(),
    };
    let h = pods_health(
        &[row("mariadb-0", Some("127.0.0.1")), row("mariadb-1", None)],
        &creds,
        1,
        Duration::from_secs(5),
        3,
    )
    .await;
    assert_eq!(h.unreachable.len(), 2);
    assert!(
        h.unreachable[0].1.contains("127.0.0.1:1"),
        "{:?}",
        h.unreachable
    );
    assert_eq!(
        h.unreachable[1],
        ("mariadb-1".to_owned(), "no PodIP feedback yet".to_owned())
    );
    assert_ne!(h.health.verdict, Verdict::Healthy);
}
