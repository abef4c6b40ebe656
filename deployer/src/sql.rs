//! Reading `wsrep%` status from every pod over SQL (feature `live`), with the credentials of
//! the database's auth secret (read by [`auth_credentials`](crate::auth_credentials), the one
//! place that decides which secret holds them), and judging it with `galera::health`; the
//! [`SqlReader`] that hands it to the day-2 planner and runner; and [`connect`], which gives a
//! tool the database's endpoints and a pool.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::future::BoxFuture;
use galera::health::{Health, assess};
use galera::live::read_status_at;
use galera::status::WsrepStatus;
use kube::Client;

use crate::access::{AccessError, DatabaseAccess, DatabaseCredentials, MYSQL_PORT, access_with};
use crate::pod_table::PodRow;
use crate::wsrep::WsrepReader;

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
    credentials: &DatabaseCredentials,
    port: u16,
    timeout: Duration,
    expected: u64,
) -> SqlHealth {
    let (answered, unreachable) = read_pods(rows, credentials, port, timeout).await;
    SqlHealth {
        health: assess(&answered, Some(expected)),
        unreachable,
    }
}

/// Reads `SHOW STATUS LIKE 'wsrep%'` from every pod at its `PodIP` on `port` with
/// `credentials`, each within `timeout` (`galera::live`): the pods that answered with their
/// status, and the others with why (no `PodIP` yet, the driver's error, no answer in time).
pub async fn read_pods(
    rows: &[PodRow],
    credentials: &DatabaseCredentials,
    port: u16,
    timeout: Duration,
) -> (Vec<(String, WsrepStatus)>, Vec<(String, String)>) {
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
            .user(Some(credentials.username.clone()))
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
    (answered, unreachable)
}

/// A [`WsrepReader`] over SQL: each pod's status at its `PodIP` on [`MYSQL_PORT`] with the
/// database's credentials, each within `timeout` ([`read_pods`]); pods that do not answer are
/// left out.
#[derive(Clone, Debug)]
pub struct SqlReader {
    /// The database's credentials ([`auth_credentials`](crate::auth_credentials)).
    pub credentials: DatabaseCredentials,
    /// The port (`MYSQL_PORT`).
    pub port: u16,
    /// How long each pod may take to answer.
    pub timeout: Duration,
}

impl SqlReader {
    /// A reader on [`MYSQL_PORT`] with [`CONNECT_TIMEOUT`] per pod.
    pub fn new(credentials: DatabaseCredentials) -> SqlReader {
        SqlReader {
            credentials,
            port: MYSQL_PORT,
            timeout: CONNECT_TIMEOUT,
        }
    }
}

impl WsrepReader for SqlReader {
    fn read<'a>(&'a self, pods: &'a [PodRow]) -> BoxFuture<'a, BTreeMap<String, WsrepStatus>> {
        Box::pin(async move {
            let (answered, _) = read_pods(pods, &self.credentials, self.port, self.timeout).await;
            answered.into_iter().collect()
        })
    }
}

/// How long [`connect`] waits for each pod's status.
pub const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Connects a tool to the MariaDB `namespace/db` as it runs:
/// [`database_access`](crate::database_access) with each
/// pod's `wsrep%` status read over SQL at its `PodIP` on [`MYSQL_PORT`] with the database's
/// own credentials ([`SqlReader`], [`CONNECT_TIMEOUT`] per pod), and a `mysql_async` pool
/// on the first Synced Primary member ([`DatabaseAccess::pool`]). The hub must carry the
/// pods' `PodIP` feedback and the pod IPs must be reachable from where the tool runs (inside
/// the slice, or through a tunnel). Feature `live`.
///
/// Errors: those of [`database_access`](crate::database_access); [`AccessError::NoEndpoint`]
/// also when no pod
/// answered (none reachable, wrong credentials).
///
/// ```no_run
/// # async fn demo(client: kube::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use mysql_async::prelude::Queryable;
/// let (access, pool) = deployer::connect(&client, "demo", "mariadb").await?;
/// println!("{} Synced members, first {}", access.endpoints.len(), access.endpoints[0].pod);
/// let mut conn = pool.get_conn().await?;
/// let one: Option<u8> = conn.query_first("SELECT 1").await?;
/// assert_eq!(one, Some(1));
/// # Ok(()) }
/// ```
pub async fn connect(
    client: &Client,
    namespace: &str,
    db: &str,
) -> Result<(DatabaseAccess, mysql_async::Pool), AccessError> {
    let access = access_with(client, namespace, db, |credentials, rows| {
        let reader = SqlReader::new(credentials.clone());
        async move { reader.read(&rows).await }
    })
    .await?;
    let pool = access.pool()?;
    Ok((access, pool))
}
