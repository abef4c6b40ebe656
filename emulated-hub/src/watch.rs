//! The change feed: every stored change in resource-version order, a bounded history for
//! watches that resume from a resource version, and the event streams of watches.
//!
//! A watch from version `v` replays the kept changes after `v`, then follows the live feed; a
//! `v` older than the history answers one `Expired` event, as the API server's watch cache
//! answers `410 Gone` with reason `Expired` once a version is compacted away
//! (k8s.io/apiserver@v0.36.3:pkg/storage/cacher/watch_cache.go `getAllEventsSinceLocked`).
//! A watch without a version (or version `0`) starts with every selected object as `ADDED`.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use futures::{Stream, StreamExt};
use serde_json::Value;
use tokio::sync::broadcast;

use crate::selector::ObjectSelector;

/// How many changes the hub keeps for watches that resume from a resource version.
pub(crate) const HISTORY: usize = 4096;

/// A change to a stored object, as watches see it.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// `ADDED`, `MODIFIED` or `DELETED`.
    pub kind: &'static str,
    /// The resource version after the change.
    pub resource_version: u64,
    /// `apiVersion` of the object.
    pub api_version: String,
    /// `Kind` of the object.
    pub object_kind: String,
    /// The object after the change (before it, for `DELETED`).
    pub object: Value,
}

/// The live feed of changes and the history kept for resuming watches.
pub(crate) struct Feed {
    history: VecDeque<Arc<Change>>,
    sender: broadcast::Sender<Arc<Change>>,
}

impl Feed {
    pub(crate) fn new() -> Self {
        Feed {
            history: VecDeque::with_capacity(HISTORY),
            sender: broadcast::channel(1024).0,
        }
    }

    /// Every change from now on.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Arc<Change>> {
        self.sender.subscribe()
    }

    /// Records `change` (dropping the oldest kept one when the history is full) and sends it
    /// to the subscribers.
    pub(crate) fn publish(&mut self, change: Change) {
        let change = Arc::new(change);
        if self.history.len() == HISTORY {
            self.history.pop_front();
        }
        self.history.push_back(Arc::clone(&change));
        // No receivers is fine: nobody watches yet.
        let _ = self.sender.send(change);
    }

    /// The kept changes after resource version `since`, oldest first, or [`Expired`] when
    /// changes after `since` have already been dropped from the history.
    pub(crate) fn since(&self, since: u64) -> Result<Vec<Arc<Change>>, Expired> {
        if let Some(oldest) = self.history.front()
            && oldest.resource_version > since + 1
        {
            return Err(Expired {
                requested: since,
                oldest: oldest.resource_version,
            });
        }
        Ok(self
            .history
            .iter()
            .filter(|c| c.resource_version > since)
            .cloned()
            .collect())
    }
}

/// A watch asked to resume from a version older than the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Expired {
    /// The version the watch asked for.
    pub(crate) requested: u64,
    /// The oldest version the history still holds.
    pub(crate) oldest: u64,
}

/// One event of a watch.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Event {
    /// `ADDED`, `MODIFIED` or `DELETED` with the object.
    Object {
        /// The event type.
        kind: &'static str,
        /// The object.
        object: Value,
    },
    /// The watch cannot start where it was asked to (`ERROR` with a `410 Expired` status).
    Expired(Expired),
}

/// Which changes a watch follows: those of one resource, selected by an [`ObjectSelector`].
#[derive(Clone, Debug)]
pub(crate) struct Scope {
    /// The resource's `apiVersion`.
    pub(crate) api_version: String,
    /// The resource's `kind`.
    pub(crate) kind: String,
    /// The namespace and the label and field selectors.
    pub(crate) selector: ObjectSelector,
}

impl Scope {
    fn wants(&self, c: &Change) -> bool {
        c.api_version == self.api_version
            && c.object_kind == self.kind
            && self.selector.matches(&c.object)
    }
}

/// Where a watch starts: the objects it begins with, or a resource version to resume from.
pub(crate) enum Start<'a> {
    /// A watch without a version starts with every selected object, as `ADDED`.
    Objects(Vec<&'a Value>),
    /// A watch from a version replays the feed's history after it.
    Since(u64),
}

/// The events of a watch: the backlog from `start`, then every live change of `feed` after
/// resource version `last` (the version the backlog reaches), for `timeout`. Call it while
/// holding the store's lock, so no change falls between the backlog and the live feed. A
/// receiver that lags behind the feed ends the watch; the client resumes from its last
/// version.
pub(crate) fn events(
    feed: &Feed,
    start: Start<'_>,
    last: u64,
    scope: Scope,
    timeout: Duration,
) -> impl Stream<Item = Event> + Send + 'static {
    let backlog: Vec<Event> = match start {
        Start::Objects(objects) => objects
            .into_iter()
            .filter(|o| scope.selector.matches(o))
            .map(|o| Event::Object {
                kind: "ADDED",
                object: o.clone(),
            })
            .collect(),
        Start::Since(rv) => match feed.since(rv) {
            Ok(changes) => changes
                .iter()
                .filter(|c| scope.wants(c))
                .map(|c| Event::Object {
                    kind: c.kind,
                    object: c.object.clone(),
                })
                .collect(),
            Err(expired) => vec![Event::Expired(expired)],
        },
    };
    let rx = feed.subscribe();
    let live =
        futures::stream::unfold(
            rx,
            |mut rx| async move { rx.recv().await.ok().map(|c| (c, rx)) },
        )
        .filter(move |c| futures::future::ready(c.resource_version > last && scope.wants(c)))
        .map(|c| Event::Object {
            kind: c.kind,
            object: c.object.clone(),
        });
    futures::stream::iter(backlog)
        .chain(live)
        .take_until(tokio::time::sleep(timeout))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(rv: u64) -> Change {
        Change {
            kind: "MODIFIED",
            resource_version: rv,
            api_version: "v1".into(),
            object_kind: "ConfigMap".into(),
            object: json!({"metadata": {"name": "c"}}),
        }
    }

    #[test]
    fn the_history_keeps_the_last_changes_and_expires_older_versions() {
        let mut feed = Feed::new();
        for rv in 1..=(HISTORY as u64 + 10) {
            feed.publish(change(rv));
        }
        let oldest = 11;
        // Resuming right before the oldest kept change loses nothing.
        let kept = feed.since(oldest - 1).expect("in the history");
        assert_eq!(kept.len(), HISTORY);
        assert_eq!(kept[0].resource_version, oldest);
        assert_eq!(
            feed.since(oldest - 2),
            Err(Expired {
                requested: oldest - 2,
                oldest
            })
        );
        assert!(feed.since(HISTORY as u64 + 10).expect("current").is_empty());
    }
}
