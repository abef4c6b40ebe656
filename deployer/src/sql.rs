//! Reading `wsrep%` status from every pod over SQL (feature `live`), with the credentials of
//! the database's auth secret, and judging it with `galera::health`.

use std::time::Duration;

use galera::health::{Health, assess};
use galera::live::read_status_at;
use k8s_openapi::api::core::v1::Secret;
use kube::{Api, Client};
use kubedb_types::kubedb::v1::MariaDB;

use crate::pod_table::PodRow;

/// The database's root credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// `username`.
    pub user: String,
    /// `password`.
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Why the credentials could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    /// The secret could not be read.
    #[error(
        "cannot read secret {secret}: {source} (KubeDB creates it when the MariaDB is provisioned; check spec.authSecret)"
    )]
    Read {
        /// `namespace/name`.
        secret: String,
        /// The client's error.
        #[source]
        source: kube::Error,
    },
    /// A key is missing or not UTF-8.
    #[error("secret {secret} has no UTF-8 value under {key:?}")]
    Key {
        /// `namespace/name`.
        secret: String,
        /// `username` or `password`.
        key: &'static str,
    },
}

/// Reads `username` and `password` from the database's auth secret (`spec.authSecret.name`,
/// else `<db>-auth`) in its namespace.
pub async fn auth_credentials(
    client: &Client,
    db: &MariaDB,
) -> Result<Credentials, CredentialsError> {
    let namespace = db
        .metadata
        .namespace
        .clone()
        .unwrap_or_else(|| "default".to_owned());
    let name = db
        .spec
        .auth_secret
        .as_ref()
        .map(|s| s.name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| db.default_auth_secret_name());
    let secret_id = format!("{namespace}/{name}");
    let api: Api<Secret> = Api::namespaced(client.clone(), &namespace);
    let secret = api
        .get(&name)
        .await
        .map_err(|source| CredentialsError::Read {
            secret: secret_id.clone(),
            source,
        })?;
    let key = |key: &'static str| {
        secret
            .data
            .as_ref()
            .and_then(|d| d.get(key))
            .and_then(|v| String::from_utf8(v.0.clone()).ok())
            .or_else(|| {
                secret
                    .string_data
                    .as_ref()
                    .and_then(|d| d.get(key).cloned())
            })
            .ok_or(CredentialsError::Key {
                secret: secret_id.clone(),
                key,
            })
    };
    Ok(Credentials {
        user: key("username")?,
        password: key("password")?,
    })
}

/// What the pods answered over SQL.
#[derive(Debug)]
pub struct SqlHealth {
    /// The `galera::health` verdict over the pods that answered.
    pub health: Health,
    /// Pods without an IP yet or that did not answer, with why.
    pub unreachable: Vec<(String, String)>,
}

/// Reads every pod's `wsrep%` status at its `PodIP` (from the pod table) on `port`, each
/// within `timeout`, and judges them against `expected` members.
pub async fn pods_health(
    rows: &[PodRow],
    credentials: &Credentials,
    port: u16,
    timeout: Duration,
    expected: u64,
) -> SqlHealth {
    let mut answered = Vec::new();
    let mut unreachable = Vec::new();
    for row in rows {
        let Some(ip) = row.ip.as_deref() else {
            unreachable.push((row.pod.clone(), "no PodIP feedback yet".to_owned()));
            continue;
        };
        let opts = mysql_async::OptsBuilder::default()
            .ip_or_hostname(ip)
            .tcp_port(port)
            .user(Some(credentials.user.clone()))
            .pass(Some(credentials.password.clone()));
        match tokio::time::timeout(timeout, read_status_at(opts.into())).await {
            Ok(Ok(status)) => answered.push((row.pod.clone(), status)),
            Ok(Err(e)) => unreachable.push((row.pod.clone(), e.to_string())),
            Err(_) => unreachable.push((
                row.pod.clone(),
                format!("no answer from {ip}:{port} within {timeout:?}"),
            )),
        }
    }
    SqlHealth {
        health: assess(&answered, Some(expected)),
        unreachable,
    }
}
