//! Reading `wsrep%` status from every pod over SQL (feature `live`), with the credentials of
//! the database's auth secret (read by [`auth_credentials`](crate::auth_credentials), the one
//! place that decides which secret holds them), and judging it with `galera::health`.

use std::time::Duration;

use crate::access::DatabaseCredentials;
use crate::pod_table::PodRow;
use galera::health::{Health, assess};
use galera::live::read_status_at;
use galera::status::WsrepStatus;

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
