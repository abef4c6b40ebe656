//! Access to the database for tools that embed the deployer: the credentials of KubeDB's auth
//! secret (`<db>-auth`, keys `username` and `password`, as the walkthrough reads them) and,
//! as endpoints, the members that are Synced in the Primary component (their `PodIP` from the
//! pod table, port 3306). (`auth_credentials` with `live` reads the same secret for the
//! status reader.) [`database_access`] reads both from the hub; with the `live`
//! feature [`DatabaseAccess::pool`] opens a `mysql_async` pool on the first endpoint.
//!
//! ```no_run
//! # async fn demo(client: kube::Client, read: deployer::WsrepReader<'_>) -> Result<(), Box<dyn std::error::Error>> {
//! let access = deployer::database_access(&client, "demo", "mariadb", read).await?;
//! println!("{} endpoints as {}", access.endpoints.len(), access.credentials.username);
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;

use galera::status::WsrepStatus;
use k8s_openapi::api::core::v1::Secret;
use kube::Client;
use kube::api::{Api, ListParams};
use ocm_types::work::v1::ManifestWork;

use crate::day2::member_synced;
use crate::day2_apply::WsrepReader;
use crate::pod_table::{PodRow, pod_table, pod_work_selector};

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
    /// From `<db>-auth`.
    pub credentials: DatabaseCredentials,
    /// Members Synced in the Primary component, in pod table order.
    pub endpoints: Vec<Endpoint>,
}

/// Why no access could be given.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// The secret could not be read.
    #[error(
        "Secret/{namespace}/{name}: {source}; KubeDB creates it with the database: wait for the MariaDB to be Ready"
    )]
    Secret {
        /// Namespace.
        namespace: String,
        /// `<db>-auth`.
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
    #[error("pod ManifestWorks of {namespace}/{db}: {source}")]
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

/// The credentials in a KubeDB auth secret (`data.username`, `data.password`).
pub fn credentials(secret: &Secret) -> Result<DatabaseCredentials, AccessError> {
    let namespace = secret.metadata.namespace.clone().unwrap_or_default();
    let name = secret.metadata.name.clone().unwrap_or_default();
    let key = |key: &'static str| {
        secret
            .data
            .as_ref()
            .and_then(|d| d.get(key))
            .and_then(|v| String::from_utf8(v.0.clone()).ok())
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
        .filter(|r| wsrep.get(&r.pod).is_some_and(member_synced))
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

/// Reads `<db>-auth` and the pod table of `namespace/db` from the hub, asks `wsrep` for the
/// members' status, and returns the credentials and the Synced Primary members.
pub async fn database_access(
    client: &Client,
    namespace: &str,
    db: &str,
    wsrep: WsrepReader<'_>,
) -> Result<DatabaseAccess, AccessError> {
    let name = format!("{db}-auth");
    let secret = Api::<Secret>::namespaced(client.clone(), namespace)
        .get(&name)
        .await
        .map_err(|source| AccessError::Secret {
            namespace: namespace.to_owned(),
            name: name.clone(),
            source,
        })?;
    let credentials = credentials(&secret)?;
    let params = ListParams::default().labels_from(&pod_work_selector(namespace, db));
    let works = Api::<ManifestWork>::all(client.clone())
        .list(&params)
        .await
        .map_err(|source| AccessError::Pods {
            namespace: namespace.to_owned(),
            db: db.to_owned(),
            source,
        })?;
    let (rows, _) = pod_table(&works.items);
    let status = wsrep(rows.clone()).await;
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
