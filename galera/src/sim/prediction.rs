//! The model's output: what a running node's `wsrep%` status is predicted to show, as the
//! status a reader decodes and as the variables where a real server differs.

use crate::status::{ClusterStatus, LocalState};

/// What `SHOW STATUS LIKE 'wsrep%'` is predicted to show on a running node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prediction {
    /// `wsrep_cluster_status`.
    pub cluster_status: ClusterStatus,
    /// `wsrep_cluster_size`: members of the node's component, arbitrators included.
    pub size: usize,
    /// `wsrep_cluster_weight`: the primary view's weight, 0 when not primary.
    pub weight: u64,
    /// `wsrep_local_state` (and its comment).
    pub local_state: LocalState,
    /// `wsrep_ready`.
    pub ready: bool,
    /// `wsrep_connected`.
    pub connected: bool,
    /// `wsrep_cluster_conf_id` (-1 when not primary).
    pub conf_id: i64,
}

impl Prediction {
    /// The prediction as the [`WsrepStatus`](crate::status::WsrepStatus) a reader of
    /// `SHOW STATUS LIKE 'wsrep%'` would decode: the variables this model predicts
    /// (`wsrep_cluster_status`, `_size`, `_weight`, `_conf_id`, `wsrep_local_state` with its
    /// comment, `wsrep_ready`, `wsrep_connected`), every other variable absent. Pure: what a
    /// simulated pod reports in place of a server.
    ///
    /// ```
    /// use galera::sim::{Cluster, Event, NodeSpec};
    /// use galera::status::ClusterStatus;
    /// let mut c = Cluster::new(vec![NodeSpec::default()]);
    /// c.step(Event::Bootstrap(0)).unwrap();
    /// let s = c.predict(0).unwrap().to_status();
    /// assert_eq!(s.cluster_status, Some(ClusterStatus::Primary));
    /// assert_eq!((s.cluster_size, s.ready), (Some(1), Some(true)));
    /// assert_eq!(s.local_state_comment.as_deref(), Some("Synced"));
    /// ```
    pub fn to_status(&self) -> crate::status::WsrepStatus {
        crate::status::WsrepStatus {
            cluster_status: Some(self.cluster_status.clone()),
            cluster_size: Some(self.size as u64),
            cluster_weight: Some(self.weight),
            cluster_conf_id: Some(self.conf_id),
            local_state: Some(self.local_state),
            local_state_comment: Some(self.local_state.comment().to_owned()),
            ready: Some(self.ready),
            connected: Some(self.connected),
            ..crate::status::WsrepStatus::default()
        }
    }

    /// Every variable where `real` differs from this prediction, as
    /// `(variable, model, real)`; a variable missing from `real` counts as different.
    ///
    /// ```
    /// use galera::sim::{Cluster, Event, NodeSpec};
    /// use galera::status::WsrepStatus;
    /// let mut c = Cluster::new(vec![NodeSpec::default()]);
    /// c.step(Event::Bootstrap(0)).unwrap();
    /// let real = WsrepStatus::from_pairs([("wsrep_cluster_status", "Primary")]).unwrap();
    /// let diff = c.predict(0).unwrap().mismatches(&real);
    /// assert_eq!(diff[0], ("wsrep_cluster_size", "1".to_string(), "-".to_string()));
    /// ```
    pub fn mismatches(
        &self,
        real: &crate::status::WsrepStatus,
    ) -> Vec<(&'static str, String, String)> {
        fn show<T: ToString>(v: Option<T>) -> String {
            v.map_or_else(|| "-".to_owned(), |v| v.to_string())
        }
        use crate::status::on_off as on;

        let rows = [
            (
                "wsrep_cluster_status",
                self.cluster_status.to_string(),
                show(real.cluster_status.as_ref()),
            ),
            (
                "wsrep_cluster_size",
                self.size.to_string(),
                show(real.cluster_size),
            ),
            (
                "wsrep_cluster_weight",
                self.weight.to_string(),
                show(real.cluster_weight),
            ),
            (
                "wsrep_local_state",
                self.local_state.code().to_string(),
                show(real.local_state.map(LocalState::code)),
            ),
            (
                "wsrep_ready",
                on(self.ready).to_owned(),
                show(real.ready.map(on)),
            ),
            (
                "wsrep_connected",
                on(self.connected).to_owned(),
                show(real.connected.map(on)),
            ),
            (
                "wsrep_cluster_conf_id",
                self.conf_id.to_string(),
                show(real.cluster_conf_id),
            ),
        ];
        rows.into_iter().filter(|(_, m, r)| m != r).collect()
    }
}
