//! What day 2 reads from the pods: the Synced Primary members that are endpoints, the
//! credentials, the refusals of an unready or short pod table, and `database_access` against a
//! fake hub.

mod common;

use std::collections::BTreeMap;

use deployer::day2::{Day2Error, Day2Options, Target, plan_day2};
use deployer::{PodRow, Readiness, credentials, synced_endpoints};
use galera::status::WsrepStatus;
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;

fn row(pod: &str, ip: Option<&str>, ready: Readiness) -> PodRow {
    PodRow {
        cluster: "demo-worker".into(),
        namespace: "demo".into(),
        pod: pod.into(),
        phase: Some("Running".into()),
        ip: ip.map(str::to_owned),
        ready,
    }
}

fn status(cluster: &str, state: &str) -> WsrepStatus {
    WsrepStatus::from_pairs([
        ("wsrep_cluster_status", cluster),
        ("wsrep_local_state", state),
        ("wsrep_cluster_size", "3"),
    ])
    .expect("valid status")
}

#[test]
fn only_synced_primary_members_with_an_ip_are_endpoints() {
    let rows = [
        row("mariadb-0", Some("10.1.0.5"), Readiness::Ready),
        row("mariadb-1", Some("10.1.0.6"), Readiness::Ready),
        row("mariadb-2", None, Readiness::Ready),
        row("mariadb-3", Some("10.1.0.8"), Readiness::Ready),
    ];
    let wsrep: BTreeMap<String, WsrepStatus> = [
        ("mariadb-0".to_owned(), status("Primary", "4")),
        ("mariadb-1".to_owned(), status("Primary", "2")), // Donor
        ("mariadb-2".to_owned(), status("Primary", "4")), // no IP
        ("mariadb-3".to_owned(), status("non-Primary", "4")),
    ]
    .into();
    let endpoints = synced_endpoints(&rows, &wsrep);
    let ips: Vec<&str> = endpoints.iter().map(|e| e.ip.as_str()).collect();
    assert_eq!(ips, ["10.1.0.5"]);
    assert_eq!(endpoints[0].port, 3306);
}

#[test]
fn credentials_come_from_username_and_password() {
    let mut secret = Secret::default();
    secret.metadata.name = Some("mariadb-auth".into());
    secret.data = Some(
        [
            ("username".to_owned(), ByteString(b"root".to_vec())),
            ("password".to_owned(), ByteString(b"s3cret".to_vec())),
        ]
        .into(),
    );
    let c = credentials(&secret).expect("both keys");
    assert_eq!(
        (c.username.as_str(), c.password.as_str()),
        ("root", "s3cret")
    );
    assert!(!format!("{c:?}").contains("s3cret"));
    secret.data.as_mut().unwrap().remove("password");
    assert!(
        credentials(&secret)
            .unwrap_err()
            .to_string()
            .contains("password")
    );
}

#[test]
fn an_unready_pod_or_unsynced_member_refuses_the_plan() {
    let (_, mut current) = common::seed();
    current.pods = vec![row(
        "mariadb-1",
        Some("10.1.0.6"),
        Readiness::NotReady("x".into()),
    )];
    let err = plan_day2(&current, &Target::Replicas(5), &Day2Options::default()).unwrap_err();
    assert!(matches!(err, Day2Error::Current { .. }), "{err}");
    current.pods.clear();
    current.wsrep = [("mariadb-0".to_owned(), status("Primary", "1"))].into();
    let err = plan_day2(&current, &Target::Replicas(5), &Day2Options::default()).unwrap_err();
    assert!(err.to_string().contains("Synced"), "{err}");
}

#[test]
fn a_pod_table_short_of_the_replicas_refuses_the_plan() {
    let (_, mut current) = common::seed();
    current.pods = vec![
        row("mariadb-0", Some("10.1.0.5"), Readiness::Ready),
        row("mariadb-1", Some("10.1.0.6"), Readiness::Ready),
    ];
    let err = plan_day2(&current, &Target::Replicas(5), &Day2Options::default()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("MariaDB/demo/mariadb: the hub has 2 pod ManifestWorks for 3 replicas"),
        "{err}"
    );
    current
        .pods
        .push(row("mariadb-2", Some("10.1.0.7"), Readiness::Ready));
    plan_day2(&current, &Target::Replicas(5), &Day2Options::default()).expect("plans");
}

/// `database_access` against a fake hub: the credentials come from the secret the MariaDB's
/// `spec.authSecret.name` names (KubeDB's `GetAuthSecretName`), not from `<db>-auth`.
mod auth_secret {
    use std::collections::BTreeMap;
    use std::future::Future;
    use std::pin::Pin;

    use deployer::{PodRow, database_access};
    use emulated_hub::FakeHub;
    use galera::status::WsrepStatus;
    use kubedb_types::kubedb::v1::MariaDB;
    use ocm_types::work::v1::ManifestWork;
    use serde_json::json;

    fn secret(name: &str, user_b64: &str) -> serde_json::Value {
        json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": name, "namespace": "demo"},
            "data": {"username": user_b64, "password": "czNjcmV0"}})
    }

    /// One Synced pod `mariadb-0` on demo-worker, as the PetSet controller's work reports it.
    fn hub_with(auth_secret: Option<&str>) -> FakeHub {
        let hub = FakeHub::new();
        hub.register::<MariaDB>();
        hub.register::<ManifestWork>();
        for ns in ["demo", "demo-worker"] {
            hub.apply(
                "kubectl",
                &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
                false,
            )
            .expect("namespace");
        }
        let mut spec = json!({"version": "11.5.2", "replicas": 1});
        if let Some(name) = auth_secret {
            spec["authSecret"] = json!({"name": name});
        }
        hub.apply(
            "kubectl",
            &json!({"apiVersion": "kubedb.com/v1", "kind": "MariaDB",
                "metadata": {"name": "mariadb", "namespace": "demo"}, "spec": spec}),
            false,
        )
        .expect("MariaDB");
        // "default-user" and "custom-user" in base64.
        hub.apply("kubedb", &secret("mariadb-auth", "ZGVmYXVsdC11c2Vy"), false)
            .expect("secret");
        hub.apply("kubectl", &secret("custom-auth", "Y3VzdG9tLXVzZXI="), false)
            .expect("secret");
        let labels = json!({
            "app.kubernetes.io/instance": "mariadb",
            "app.kubernetes.io/managed-by": "kubedb.com",
            "app.kubernetes.io/name": "mariadbs.kubedb.com",
            "app.kubernetes.io/namespace": "demo",
            "open-cluster-management.io/role": "pod"});
        let meta = json!({"name": "mariadb-0", "namespace": "demo-worker", "labels": labels});
        hub.apply(
            "petset",
            &json!({"apiVersion": "work.open-cluster-management.io/v1", "kind": "ManifestWork",
                "metadata": meta,
                "spec": {"workload": {"manifests": [{"apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": "mariadb-0", "namespace": "demo"}}]}}}),
            false,
        )
        .expect("work");
        hub.apply(
            "work-agent",
            &json!({"apiVersion": "work.open-cluster-management.io/v1", "kind": "ManifestWork",
                "metadata": {"name": "mariadb-0", "namespace": "demo-worker"},
                "status": {"resourceStatus": {"manifests": [{
                    "resourceMeta": {"ordinal": 0, "kind": "Pod", "name": "mariadb-0", "namespace": "demo"},
                    "conditions": [],
                    "statusFeedback": {"values": [
                        {"name": "PodIP", "fieldValue": {"type": "String", "string": "10.245.0.10"}}]}}]}}}),
            true,
        )
        .expect("work status");
        hub
    }

    async fn username(hub: &FakeHub) -> String {
        let reader = |rows: Vec<PodRow>| -> Pin<
            Box<dyn Future<Output = BTreeMap<String, WsrepStatus>> + Send>,
        > {
            let synced = WsrepStatus::from_pairs([
                ("wsrep_cluster_status", "Primary"),
                ("wsrep_local_state", "4"),
            ])
            .expect("valid status");
            let status = rows.into_iter().map(|r| (r.pod, synced.clone())).collect();
            Box::pin(async move { status })
        };
        let access = database_access(&hub.client(), "demo", "mariadb", &reader)
            .await
            .expect("access");
        assert_eq!(access.endpoints.len(), 1, "{access:?}");
        assert_eq!(access.endpoints[0].ip, "10.245.0.10");
        access.credentials.username
    }

    fn secrets_read(hub: &FakeHub) -> Vec<String> {
        hub.requests()
            .iter()
            .map(|r| r.path.clone())
            .filter(|p| p.contains("/secrets/"))
            .collect()
    }

    #[tokio::test]
    async fn spec_auth_secret_name_is_the_secret_read() {
        let hub = hub_with(Some("custom-auth"));
        assert_eq!(username(&hub).await, "custom-user");
        let read = secrets_read(&hub);
        assert!(read.iter().any(|r| r.contains("custom-auth")), "{read:?}");
        assert!(!read.iter().any(|r| r.contains("mariadb-auth")), "{read:?}");
    }

    #[tokio::test]
    async fn without_spec_auth_secret_it_is_db_auth() {
        let hub = hub_with(None);
        assert_eq!(username(&hub).await, "default-user");
    }
}
