//! The stored objects behind their lock: keys, field owners, the resource-version counter, the
//! reads, deletion and the change feed; and validating admission, whose webhooks read the
//! same state ([`AdmissionRequest`]).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};

use kube::core::response::reason;
use serde_json::{Value, json};

use crate::fields::FieldPath;
use crate::resources::{ResourceDef, Resources};
use crate::selector::ObjectSelector;
use crate::watch::{Change, Feed};

use super::error::{HubError, Pruned};

/// Whether an admitted write creates or updates its object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// The object does not exist yet.
    Create,
    /// The object exists; [`AdmissionRequest::old_object`] holds what is stored.
    Update,
}

/// What a validating admission webhook of the fake hub sees: the object after defaulting,
/// pruning and schema validation, the stored object on update, and read access to the hub's
/// other objects (webhooks read PlacementPolicies, MariaDBVersions, SliceConfigs).
pub struct AdmissionRequest<'a> {
    /// Create or update.
    pub operation: Operation,
    /// The object as it would be stored.
    pub object: &'a Value,
    /// The stored object, on update.
    pub old_object: Option<&'a Value>,
    /// Whether the request is a dry run (webhooks with `sideEffects: None` run on dry runs).
    pub dry_run: bool,
    state: &'a State,
}

impl AdmissionRequest<'_> {
    /// The stored object `apiVersion`/`kind` `namespace/name`, if the kind is served and the
    /// object exists.
    pub fn get(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<&Value> {
        self.state.find(api_version, kind, namespace, name)
    }

    /// `true` when the hub serves `apiVersion`/`kind`.
    pub fn served(&self, api_version: &str, kind: &str) -> bool {
        self.state.resources.find_kind(api_version, kind).is_some()
    }

    /// Every stored object of `apiVersion`/`kind`, in key order.
    pub fn list(&self, api_version: &str, kind: &str) -> Vec<&Value> {
        match self.state.resources.find_kind(api_version, kind) {
            Some(def) => self.state.objects_of(def).collect(),
            None => Vec::new(),
        }
    }
}

/// A validating admission webhook: `Err(message)` refuses the write, and the hub answers
/// `403 Forbidden` with `admission webhook "<name>" denied the request: <message>`, as a real
/// API server relays a denial.
pub type AdmissionFn = Arc<dyn Fn(&AdmissionRequest<'_>) -> Result<(), String> + Send + Sync>;

/// A registered webhook and the kind it admits.
pub(crate) struct Webhook {
    pub(crate) api_version: String,
    pub(crate) kind: String,
    pub(crate) name: String,
    pub(crate) check: AdmissionFn,
}

/// A stored object's owners: `(manager, operation, status subresource)` to the fields
/// applied or updated. The operation is empty for `Apply` and `"Update"` otherwise.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Owners(pub(super) BTreeMap<(String, String, bool), BTreeSet<FieldPath>>);

#[derive(Clone, Debug, PartialEq)]
pub(super) struct Stored {
    pub(super) object: Value,
    pub(super) owners: Owners,
}

/// `(group, plural, namespace, name)`: the versions of a resource share their objects.
pub(super) type Key = (String, String, Option<String>, String);

pub(super) fn key_of(def: &ResourceDef, namespace: Option<&str>, name: &str) -> Key {
    (
        def.group.clone(),
        def.plural.clone(),
        if def.namespaced {
            namespace.map(str::to_owned)
        } else {
            None
        },
        name.to_owned(),
    )
}

/// The store behind its lock.
pub(crate) struct Store(Mutex<State>);

impl Store {
    /// An empty store serving the core kinds.
    pub(crate) fn new() -> Self {
        Store(Mutex::new(State {
            rv: 0,
            uid: 0,
            resources: Resources::core(),
            objects: BTreeMap::new(),
            feed: Feed::new(),
            pruned: Vec::new(),
            webhooks: Vec::new(),
        }))
    }

    /// The state; a poisoned lock is taken over (every write leaves the state consistent
    /// before it can panic).
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Everything the hub stores.
pub(crate) struct State {
    /// The resource version of the last change.
    pub(crate) rv: u64,
    pub(super) uid: u64,
    pub(crate) resources: Resources,
    pub(super) objects: BTreeMap<Key, Stored>,
    pub(crate) feed: Feed,
    pub(crate) pruned: Vec<Pruned>,
    pub(crate) webhooks: Vec<Arc<Webhook>>,
}

impl State {
    /// The stored object `apiVersion`/`kind` `namespace/name`.
    pub(crate) fn find(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<&Value> {
        let def = self.resources.find_kind(api_version, kind)?;
        self.get(def, namespace, name)
    }

    /// The stored object `namespace/name` of `def`.
    pub(crate) fn get(
        &self,
        def: &ResourceDef,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<&Value> {
        self.objects
            .get(&key_of(def, namespace, name))
            .map(|s| &s.object)
    }

    /// Every stored object of `def`'s resource (any version), in key order.
    pub(crate) fn objects_of<'a>(
        &'a self,
        def: &'a ResourceDef,
    ) -> impl Iterator<Item = &'a Value> + 'a {
        self.objects_in(def, None)
    }

    /// The stored objects of `def`'s resource in `namespace` (all when `None`; a
    /// cluster-scoped object is in none), in key order.
    pub(crate) fn objects_in<'a>(
        &'a self,
        def: &'a ResourceDef,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Value> + 'a {
        self.objects
            .iter()
            .filter(move |((g, p, ns, _), _)| {
                *g == def.group
                    && *p == def.plural
                    && namespace.is_none_or(|n| ns.as_deref() == Some(n))
            })
            .map(|(_, s)| &s.object)
    }

    /// How many objects are stored.
    pub(crate) fn object_count(&self) -> usize {
        self.objects.len()
    }

    /// The stored objects of `def` that `selector` selects.
    pub(crate) fn select(&self, def: &ResourceDef, selector: &ObjectSelector) -> Vec<Value> {
        self.objects_of(def)
            .filter(|o| selector.matches(o))
            .cloned()
            .collect()
    }

    /// The webhooks registered for `def`'s kind, in registration order; the first
    /// refusal is the answer.
    pub(super) fn run_webhooks(
        &self,
        def: &ResourceDef,
        dry_run: bool,
        object: &Value,
        old_object: Option<&Value>,
    ) -> Result<(), HubError> {
        let request = AdmissionRequest {
            operation: if old_object.is_some() {
                Operation::Update
            } else {
                Operation::Create
            },
            object,
            old_object,
            dry_run,
            state: self,
        };
        let api_version = def.api_version();
        for hook in self
            .webhooks
            .iter()
            .filter(|h| h.api_version == api_version && h.kind == def.kind)
        {
            if let Err(message) = call_webhook(hook, &request) {
                return Err(HubError::new(
                    403,
                    reason::FORBIDDEN,
                    format!(
                        "admission webhook \"{}\" denied the request: {message}",
                        hook.name
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Deletes the object `namespace/name` of `def`'s resource and returns it as it was last
    /// (with the deletion's resource version); a dry run only returns it. `None` when there is
    /// no such object. The change is published under the resource's first registered version.
    pub(crate) fn delete(
        &mut self,
        def: &ResourceDef,
        namespace: Option<&str>,
        name: &str,
        dry_run: bool,
    ) -> Option<Value> {
        let key = key_of(def, namespace, name);
        let first = self.resources.find_group_plural(&key.0, &key.1)?.clone();
        if dry_run {
            return self.objects.get(&key).map(|s| s.object.clone());
        }
        let mut stored = self.objects.remove(&key)?;
        self.rv += 1;
        stored.object["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        self.publish(&first, "DELETED", stored.object.clone());
        Some(stored.object)
    }

    pub(super) fn publish(&mut self, def: &ResourceDef, kind: &'static str, object: Value) {
        self.feed.publish(Change {
            kind,
            resource_version: self.rv,
            api_version: def.api_version(),
            object_kind: def.kind.clone(),
            object,
        });
    }
}

/// Stack of the thread a webhook runs on.
const WEBHOOK_STACK: usize = 16 << 20;

/// Calls a webhook on a thread of its own with a [`WEBHOOK_STACK`] stack, as a real API
/// server calls a webhook in another process: what the webhook needs (decoding a MariaDB's
/// pod template or an OpsRequest in a debug build takes several MiB) never depends on the
/// stack of the thread that wrote through the hub (a test thread has 2 MiB). A webhook that
/// panics refuses the write, as a webhook that fails does with `failurePolicy: Fail`.
fn call_webhook(hook: &Webhook, request: &AdmissionRequest<'_>) -> Result<(), String> {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name(format!("webhook {}", hook.name))
            .stack_size(WEBHOOK_STACK)
            .spawn_scoped(s, || (hook.check)(request))
            .map_err(|e| format!("the fake hub cannot start the webhook's thread: {e}"))?
            .join()
            .unwrap_or_else(|_| Err("the webhook failed (it panicked)".into()))
    })
}
