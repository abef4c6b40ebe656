//! Access to the database for tools that embed the deployer: the credentials of KubeDB's auth
//! secret (keys `username` and `password`, as the walkthrough reads them) and, as endpoints,
//! the members that are Synced in the Primary component (their `PodIP` from the pod table,
//! port 3306). [`database_access`] reads both from the hub; with the `live` feature
//! [`DatabaseAccess::pool`] opens a `mysql_async` pool on the first endpoint.
//!
//! [`auth_credentials`] is the one place that decides which secret holds the credentials and
//! reads it: `database_access` and the SQL status reader (`pods_health`, feature `live`) both
//! take its answer.
//!
//! ```no_run
//! # async fn demo(client: kube::Client, read: &dyn deployer::WsrepReader) -> Result<(), Box<dyn std::error::Error>> {
//! let access = deployer::database_access(&client, "demo", "mariadb", read).await?;
//! println!("{} endpoints as {}", access.endpoints.len(), access.credentials.username);
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;

use galera::status::WsrepStatus;
use k8s_openapi::api::core::v1::Secret;
use kube::Client;
use kube::api::Api;
use kubedb_types::kubedb::v1::MariaDB;

use crate::connect::kube_error_text;
use crate::pod_table::PodRow;
use crate::watch::list_pods;
use crate::wsrep::WsrepReader;

/// The port MariaDB listens on in KubeDB's pods.
pub const MYSQL_PORT: u16 = 3306;

/// User and password of the database's auth secret.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseCredentials {
    /// `username`.
    pub username: String,
    /// `password` (not shown by `Debug`).
    pub password: String,
}

impl std::fmt::Debug for DatabaseCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseCredentials")
            .field("username", &self.username)
            .field("password", &"***")
            .finish()
    }
}

/// One member to connect to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Pod name.
    pub pod: String,
    /// The cluster it runs on.
    pub cluster: String,
    /// Its `PodIP`.
    pub ip: String,
    /// [`MYSQL_PORT`].
    pub port: u16,
}

/// DatabaseCredentials and endpoints of a database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseAccess {
    /// From the auth secret ([`auth_credentials`]).
    pub credentials: DatabaseCredentials,
    /// Members Synced in the Primary component, in pod table order.
    pub endpoints: Vec<Endpoint>,
}

/// Why no access could be given.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// The MariaDB could not be read.
    #[error(
        "MariaDB/{namespace}/{name}: {}; check the namespace and name of the database (`kubectl get mariadb -n {namespace}`)",
        kube_error_text(source)
    )]
    Database {
        /// Namespace.
        namespace: String,
        /// The MariaDB's name.
        name: String,
        /// Why.
        source: kube::Error,
    },
    /// The secret could not be read.
    #[error(
        "Secret/{namespace}/{name}: {}; KubeDB creates it with the database unless spec.authSecret names one the user made: wait for the MariaDB to be Ready, or create the secret spec.authSecret.name names",
        kube_error_text(source)
    )]
    Secret {
        /// Namespace.
        namespace: String,
        /// `spec.authSecret.name`, else `<db>-auth`.
        name: String,
        /// Why.
        source: kube::Error,
    },
    /// The secret lacks a key.
    #[error("Secret/{namespace}/{name}: no data key {key:?} (or not UTF-8)")]
    MissingKey {
        /// Namespace.
        namespace: String,
        /// Name.
        name: String,
        /// `username` or `password`.
        key: &'static str,
    },
    /// The pod ManifestWorks could not be listed.
    #[error("pod ManifestWorks of {namespace}/{db}: {}", kube_error_text(source))]
    Pods {
        /// Namespace.
        namespace: String,
        /// Database.
        db: String,
        /// Why.
        source: kube::Error,
    },
    /// No member is Synced in the Primary component.
    #[error(
        "{namespace}/{db}: no member is Synced in a Primary component; check `wsrep_cluster_status` on the pods"
    )]
    NoEndpoint {
        /// Namespace.
        namespace: String,
        /// Database.
        db: String,
    },
    /// The pool could not be opened.
    #[cfg(feature = "live")]
    #[error("cannot open a pool on {endpoint}: {reason}")]
    Pool {
        /// `ip:port`.
        endpoint: String,
        /// Why.
        reason: String,
    },
}

/// The credentials in a KubeDB auth secret: `data.username` and `data.password` (UTF-8),
/// else the same keys of `stringData` (which a real API server folds into `data` on write;
/// a store that keeps it as written still answers).
///
/// Errors: [`AccessError::MissingKey`] naming the secret and the key.
pub fn credentials(secret: &Secret) -> Result<DatabaseCredentials, AccessError> {
    let namespace = secret.metadata.namespace.clone().unwrap_or_default();
    let name = secret.metadata.name.clone().unwrap_or_default();
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
            .ok_or_else(|| AccessError::MissingKey {
                namespace: namespace.clone(),
                name: name.clone(),
                key,
            })
    };
    Ok(DatabaseCredentials {
        username: key("username")?,
        password: key("password")?,
    })
}

/// The members of `rows` with a `PodIP` whose status in `wsrep` (by pod name) is Synced in a
/// Primary component; a pod without status is left out.
pub fn synced_endpoints(rows: &[PodRow], wsrep: &BTreeMap<String, WsrepStatus>) -> Vec<Endpoint> {
    rows.iter()
        .filter(|r| {
            wsrep
                .get(&r.pod)
                .is_some_and(WsrepStatus::is_synced_primary_member)
        })
        .filter_map(|r| {
            Some(Endpoint {
                pod: r.pod.clone(),
                cluster: r.cluster.clone(),
                ip: r.ip.clone()?,
                port: MYSQL_PORT,
            })
        })
        .collect()
}

/// The name of the secret holding `db`'s credentials, as KubeDB decides it:
/// `spec.authSecret.name` when set and not empty, else `<db>-auth`
/// (`kubedb/apimachinery@v0.57.0:apis/kubedb/v1/mariadb_helpers.go` `GetAuthSecretName`, the
/// walkthrough's release; unchanged at `v0.66.0`, the tag nearest the newest release's
/// pseudo-version).
fn auth_secret_name(db: &MariaDB) -> String {
    db.spec
        .auth_secret
        .as_ref()
        .map(|s| s.name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| db.default_auth_secret_name())
}

/// Reads the credentials of `db` from its auth secret in its namespace (`default` when the
/// object has none): the secret `spec.authSecret.name` names, else `<db>-auth`, as KubeDB
/// names it (`GetAuthSecretName`, see [`credentials`] for the keys). This is the only place
/// that decides which secret holds the credentials; [`database_access`] and the SQL status
/// reader (`pods_health`, feature `live`) use it.
///
/// Errors: [`AccessError::Secret`] (the secret cannot be read, named as `Secret/ns/name`),
/// [`AccessError::MissingKey`].
///
/// ```no_run
/// # async fn demo(client: kube::Client, db: kubedb_types::kubedb::v1::MariaDB) -> Result<(), deployer::AccessError> {
/// let c = deployer::auth_credentials(&client, &db).await?;
/// println!("user {}", c.username);
/// # Ok(()) }
/// ```
pub async fn auth_credentials(
    client: &Client,
    db: &MariaDB,
) -> Result<DatabaseCredentials, AccessError> {
    let namespace = db.metadata.namespace.as_deref().unwrap_or("default");
    let name = auth_secret_name(db);
    let secret = Api::<Secret>::namespaced(client.clone(), namespace)
        .get(&name)
        .await
        .map_err(|source| AccessError::Secret {
            namespace: namespace.to_owned(),
            name: name.clone(),
            source,
        })?;
    credentials(&secret)
}

/// Reads the MariaDB `namespace/db`, its credentials ([`auth_credentials`]: the secret
/// `spec.authSecret.name` names, else `<db>-auth`) and its pod table from the hub, asks
/// `wsrep` for the members' status, and returns the credentials and the Synced Primary
/// members.
///
/// Errors: [`AccessError::Database`] (no such MariaDB), the secret's errors, the pod works'
/// list failing ([`AccessError::Pods`]), no Synced Primary member
/// ([`AccessError::NoEndpoint`]).
pub async fn database_access(
    client: &Client,
    namespace: &str,
    db: &str,
    wsrep: &dyn WsrepReader,
) -> Result<DatabaseAccess, AccessError> {
    access_with(client, namespace, db, |_, rows| async move {
        wsrep.read(&rows).await
    })
    .await
}

/// [`database_access`] with the status read by `read`, which is handed the credentials.
pub(crate) async fn access_with<F, Fut>(
    client: &Client,
    namespace: &str,
    db: &str,
    read: F,
) -> Result<DatabaseAccess, AccessError>
where
    F: FnOnce(&DatabaseCredentials, Vec<PodRow>) -> Fut,
    Fut: std::future::Future<Output = BTreeMap<String, WsrepStatus>>,
{
    let mariadb = Api::<MariaDB>::namespaced(client.clone(), namespace)
        .get(db)
        .await
        .map_err(|source| AccessError::Database {
            namespace: namespace.to_owned(),
            name: db.to_owned(),
            source,
        })?;
    let credentials = auth_credentials(client, &mariadb).await?;
    let (rows, _) = list_pods(client, namespace, db)
        .await
        .map_err(|source| AccessError::Pods {
            namespace: namespace.to_owned(),
            db: db.to_owned(),
            source,
        })?;
    let status = read(&credentials, rows.clone()).await;
    let endpoints = synced_endpoints(&rows, &status);
    if endpoints.is_empty() {
        return Err(AccessError::NoEndpoint {
            namespace: namespace.to_owned(),
            db: db.to_owned(),
        });
    }
    Ok(DatabaseAccess {
        credentials,
        endpoints,
    })
}

#[cfg(feature = "live")]
impl DatabaseAccess {
    /// A `mysql_async` pool on the first endpoint (the others are the fallbacks a caller may
    /// use: `mysql_async` pools one server). Nothing connects until the pool is used.
    pub fn pool(&self) -> Result<mysql_async::Pool, AccessError> {
        let first = self.endpoints.first().ok_or_else(|| AccessError::Pool {
            endpoint: String::new(),
            reason: "no endpoint".into(),
        })?;
        let opts = mysql_async::OptsBuilder::default()
            .ip_or_hostname(first.ip.clone())
            .tcp_port(first.port)
            .user(Some(self.credentials.username.clone()))
            .pass(Some(self.credentials.password.clone()));
        Ok(mysql_async::Pool::new(opts))
    }
}
