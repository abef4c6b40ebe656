//! Reading a running server (feature `live`): `SHOW STATUS LIKE 'wsrep%'` over mysql_async,
//! decoded from its `mysql_common` rows by [`WsrepStatus::from_rows`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), galera::live::LiveError> {
//! let status = galera::live::read_status_url("mysql://root@10.0.0.5:3306").await?;
//! println!("{:?} of size {:?}", status.cluster_status, status.cluster_size);
//! # Ok(()) }
//! ```

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Opts, Row};

use crate::status::{StatusError, WsrepStatus};

/// Why a live server's status could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The connection options (URL) are malformed.
    #[error("bad connection URL: {0}")]
    Url(#[source] mysql_async::UrlError),
    /// The server could not be reached or refused the login.
    #[error(
        "cannot connect to {target}: {source} (is the node running and reachable, and are the credentials right?)"
    )]
    Connect {
        /// The address or socket tried.
        target: String,
        /// The driver's error.
        #[source]
        source: mysql_async::Error,
    },
    /// The query failed.
    #[error("SHOW STATUS LIKE 'wsrep%' failed: {0}")]
    Query(#[source] mysql_async::Error),
    /// The rows were not `Variable_name`/`Value` pairs.
    #[error(transparent)]
    Status(#[from] StatusError),
}

/// The node's `wsrep%` status on an open connection.
pub async fn read_status<Q: Queryable>(conn: &mut Q) -> Result<WsrepStatus, LiveError> {
    let rows: Vec<Row> = conn
        .query("SHOW STATUS LIKE 'wsrep%'")
        .await
        .map_err(LiveError::Query)?;
    Ok(WsrepStatus::from_rows(rows)?)
}

/// Connect with `opts` (a TCP address or, with `OptsBuilder::socket`, a Unix socket), read
/// the status, disconnect.
pub async fn read_status_at(opts: Opts) -> Result<WsrepStatus, LiveError> {
    let target = opts
        .socket()
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{}:{}", opts.ip_or_hostname(), opts.tcp_port()));
    let mut conn = Conn::new(opts)
        .await
        .map_err(|source| LiveError::Connect { target, source })?;
    let status = read_status(&mut conn).await;
    let _ = conn.disconnect().await;
    status
}

/// [`read_status_at`] for a URL such as `mysql://user:pass@host:3306`.
pub async fn read_status_url(url: &str) -> Result<WsrepStatus, LiveError> {
    read_status_at(Opts::from_url(url).map_err(LiveError::Url)?).await
}
