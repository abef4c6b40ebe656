//! Reading the members' `wsrep%` status, wherever it comes from: over SQL at the pods'
//! `PodIP`s ([`SqlReader`](crate::SqlReader), feature `live`), from a simulated world
//! (`simulated_clusters::World`), from the lab's real servers (`lab::Lab`), or from any
//! closure. The day-2 planner reads it through [`read_current`](crate::read_current), the
//! runner waits on it after a scale, and [`database_access`](crate::database_access) picks
//! its endpoints with it.

use std::collections::BTreeMap;

use futures::future::BoxFuture;
use galera::status::WsrepStatus;

use crate::pod_table::PodRow;

/// Reads the `wsrep%` status of the given pods, by pod name; pods it cannot read are left out
/// (no error: an unreachable pod is a pod without status, which the callers judge).
///
/// Implemented by closures `Fn(Vec<PodRow>) -> BoxFuture<'static, BTreeMap<..>>`:
///
/// ```
/// use std::collections::BTreeMap;
/// use deployer::{PodRow, WsrepReader};
/// use futures::future::FutureExt;
/// let nobody = |_: Vec<PodRow>| async { BTreeMap::new() }.boxed();
/// let reader: &dyn WsrepReader = &nobody;
/// let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// let status = rt.block_on(reader.read(&[]));
/// assert!(status.is_empty());
/// ```
pub trait WsrepReader: Sync {
    /// The status of each of `pods` that answered.
    fn read<'a>(&'a self, pods: &'a [PodRow]) -> BoxFuture<'a, BTreeMap<String, WsrepStatus>>;
}

impl<F> WsrepReader for F
where
    F: Fn(Vec<PodRow>) -> BoxFuture<'static, BTreeMap<String, WsrepStatus>> + Sync,
{
    fn read<'a>(&'a self, pods: &'a [PodRow]) -> BoxFuture<'a, BTreeMap<String, WsrepStatus>> {
        self(pods.to_vec())
    }
}
