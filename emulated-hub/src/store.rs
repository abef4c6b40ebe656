//! The store: objects keyed by resource and name, one resource-version counter, field
//! ownership, and the write semantics of create, update, merge patch, server-side apply,
//! the status subresource, delete and dry runs, with pruning, schema validation and
//! validating admission on the way in.
//!
//! Every write goes through [`State::store`]: namespace existence, schema validation with
//! ratcheting against the stored object, admission webhooks, then (when the result differs
//! from what is stored) a new resource version, `generation` when the spec changed,
//! `managedFields`, and a [`Change`] on the feed.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};

use kube::core::response::reason;
use serde_json::{Value, json};
use structural_schema::{self as schema, Violation};

use crate::fields::{self, FieldPath};
use crate::resources::{ResourceDef, Resources};
use crate::selector::ObjectSelector;
use crate::watch::{Change, Feed};

/// Why the hub refused a request; rendered as a Kubernetes `Status`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code} {reason}: {message}")]
pub struct HubError {
    /// HTTP status code.
    pub code: u16,
    /// `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `BadRequest`, ...
    pub reason: &'static str,
    /// What went wrong.
    pub message: String,
    /// Per-field causes (`Invalid` answers).
    pub causes: Vec<Violation>,
}

impl HubError {
    pub(crate) fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        HubError {
            code,
            reason,
            message: message.into(),
            causes: Vec::new(),
        }
    }

    /// `404 NotFound` for the object `name` of `def`, worded as the API server words it
    /// (`plural.group "name" not found`).
    pub(crate) fn not_found(def: &ResourceDef, name: &str) -> Self {
        let what = if def.group.is_empty() {
            def.plural.clone()
        } else {
            format!("{}.{}", def.plural, def.group)
        };
        HubError::new(
            404,
            reason::NOT_FOUND,
            format!("{what} \"{name}\" not found"),
        )
    }
}

/// Fields the hub pruned from an object because its schema does not declare them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pruned {
    /// `Kind/namespace/name`.
    pub object: String,
    /// The pruned paths (`spec.ocm`).
    pub paths: Vec<String>,
}

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
struct Owners(BTreeMap<(String, String, bool), BTreeSet<FieldPath>>);

#[derive(Clone, Debug, PartialEq)]
struct Stored {
    object: Value,
    owners: Owners,
}

/// `(group, plural, namespace, name)`: the versions of a resource share their objects.
type Key = (String, String, Option<String>, String);

fn key_of(def: &ResourceDef, namespace: Option<&str>, name: &str) -> Key {
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
    uid: u64,
    pub(crate) resources: Resources,
    objects: BTreeMap<Key, Stored>,
    pub(crate) feed: Feed,
    pub(crate) pruned: Vec<Pruned>,
    pub(crate) webhooks: Vec<Arc<Webhook>>,
}

/// One write to perform.
pub(crate) struct Write<'a> {
    pub(crate) def: &'a ResourceDef,
    pub(crate) namespace: Option<&'a str>,
    pub(crate) name: &'a str,
    /// The field manager.
    pub(crate) manager: &'a str,
    /// To the status subresource.
    pub(crate) status: bool,
    pub(crate) dry_run: bool,
    /// Server-side apply takes over conflicting fields.
    pub(crate) force: bool,
    /// `fieldValidation=Strict`: unknown fields are refused instead of pruned.
    pub(crate) strict: bool,
}

impl Write<'_> {
    fn describe(&self) -> String {
        match self.namespace {
            Some(ns) => format!("{}/{ns}/{}", self.def.kind, self.name),
            None => format!("{}/{}", self.def.kind, self.name),
        }
    }

    fn key(&self) -> Key {
        key_of(self.def, self.namespace, self.name)
    }
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

    /// `POST`: stores `incoming` as a new object; `409 AlreadyExists` when it exists.
    pub(crate) fn create(&mut self, w: &Write<'_>, incoming: Value) -> Result<Value, HubError> {
        if self.objects.contains_key(&w.key()) {
            return Err(HubError::new(
                409,
                reason::ALREADY_EXISTS,
                format!(
                    "{}.{} \"{}\" already exists",
                    w.def.plural, w.def.group, w.name
                ),
            ));
        }
        self.update(w, incoming, true)
    }

    /// `PUT`: replaces the object with `incoming`; `409 Conflict` when `incoming` carries a
    /// resource version other than the stored one.
    pub(crate) fn replace(&mut self, w: &Write<'_>, incoming: Value) -> Result<Value, HubError> {
        let Some(old) = self.objects.get(&w.key()) else {
            return Err(HubError::not_found(w.def, w.name));
        };
        if let Some(rv) = incoming["metadata"]["resourceVersion"].as_str()
            && Some(rv) != old.object["metadata"]["resourceVersion"].as_str()
        {
            return Err(HubError::new(
                409,
                reason::CONFLICT,
                format!(
                    "Operation cannot be fulfilled on {}.{} \"{}\": the object has been modified; please apply your changes to the latest version and try again",
                    w.def.plural, w.def.group, w.name
                ),
            ));
        }
        self.update(w, incoming, false)
    }

    /// `PATCH` with a merge patch: `patch` merged into the stored object (maps key by key,
    /// `null` removes, lists replaced whole), then stored as an update.
    pub(crate) fn merge_patch(&mut self, w: &Write<'_>, patch: &Value) -> Result<Value, HubError> {
        let Some(old) = self.objects.get(&w.key()) else {
            return Err(HubError::not_found(w.def, w.name));
        };
        let mut merged = old.object.clone();
        fields::merge(&mut merged, patch);
        self.update(w, merged, false)
    }

    /// The part of `config` a write may touch: without `status` on the main resource when the
    /// status subresource exists, only `status` on the subresource.
    fn scope(def: &ResourceDef, status: bool, mut config: Value) -> Value {
        if let Some(map) = config.as_object_mut() {
            if status {
                map.retain(|k, _| {
                    matches!(k.as_str(), "apiVersion" | "kind" | "metadata" | "status")
                });
                if let Some(meta) = map.get_mut("metadata").and_then(Value::as_object_mut) {
                    meta.retain(|k, _| {
                        matches!(k.as_str(), "name" | "namespace" | "resourceVersion")
                    });
                }
            } else if def.status {
                map.remove("status");
            }
        }
        config
    }

    /// Checks identity, prunes unknown fields (or refuses them when strict).
    fn admit(&mut self, w: &Write<'_>, config: &mut Value) -> Result<(), HubError> {
        let def = w.def;
        let av = config["apiVersion"].as_str().unwrap_or_default();
        let kind = config["kind"].as_str().unwrap_or_default();
        if av != def.api_version() || kind != def.kind {
            return Err(HubError::new(
                400,
                reason::BAD_REQUEST,
                format!(
                    "the object is {av}/{kind} but the URL is for {}/{}; apiVersion and kind must match the resource",
                    def.api_version(),
                    def.kind
                ),
            ));
        }
        let name = config["metadata"]["name"].as_str().unwrap_or_default();
        if name != w.name {
            return Err(HubError::new(
                400,
                reason::BAD_REQUEST,
                format!(
                    "metadata.name {name:?} does not match the name in the URL {:?}",
                    w.name
                ),
            ));
        }
        if let Some(schema) = &def.schema {
            let pruned = schema::prune(config, schema);
            if !pruned.is_empty() {
                if w.strict {
                    return Err(HubError::new(
                        400,
                        reason::BAD_REQUEST,
                        format!(
                            "{}: strict decoding error: unknown field(s) {}",
                            w.describe(),
                            pruned.join(", ")
                        ),
                    ));
                }
                tracing::info!(object = %w.describe(), ?pruned, "fake hub pruned unknown fields");
                if !w.dry_run {
                    self.pruned.push(Pruned {
                        object: w.describe(),
                        paths: pruned,
                    });
                }
            }
        }
        Ok(())
    }

    /// Server-side apply of `config`; returns the object and whether it was created.
    pub(crate) fn apply(
        &mut self,
        w: &Write<'_>,
        config: Value,
    ) -> Result<(Value, bool), HubError> {
        let mut config = Self::scope(w.def, w.status, config);
        self.admit(w, &mut config)?;
        let key = w.key();
        let existing = self.objects.get(&key).cloned();
        if existing.is_none() && w.status {
            return Err(HubError::not_found(w.def, w.name));
        }
        let (mut object, mut owners) = match &existing {
            Some(s) => (s.object.clone(), s.owners.clone()),
            None => (
                json!({"apiVersion": w.def.api_version(), "kind": w.def.kind,
                "metadata": {"name": w.name}}),
                Owners::default(),
            ),
        };
        if let Some(rv) = config["metadata"]["resourceVersion"].as_str()
            && Some(rv) != object["metadata"]["resourceVersion"].as_str()
        {
            return Err(HubError::new(
                409,
                reason::CONFLICT,
                format!(
                    "Operation cannot be fulfilled on {} \"{}\": the object has been modified",
                    w.def.plural, w.name
                ),
            ));
        }
        let mine = fields::leaves(&config);
        let me = (w.manager.to_owned(), String::new(), w.status);
        // Conflicts with other owners that set a different value.
        let mut conflicts = Vec::new();
        for (owner, set) in owners
            .0
            .iter_mut()
            .filter(|(o, _)| **o != me && o.2 == w.status)
        {
            let clashing: Vec<FieldPath> = set
                .iter()
                .filter(|theirs| {
                    mine.iter()
                        .any(|p| fields::clashes(p, theirs, &object, &config))
                })
                .cloned()
                .collect();
            if clashing.is_empty() {
                continue;
            }
            if w.force {
                for p in &clashing {
                    set.remove(p);
                }
            } else {
                conflicts.extend(
                    clashing
                        .iter()
                        .map(|p| format!("conflict with \"{}\": {}", owner.0, fields::show(p))),
                );
            }
        }
        if !conflicts.is_empty() {
            return Err(HubError::new(
                409,
                reason::CONFLICT,
                format!(
                    "Apply failed with {} conflict(s): {}; apply with force to take them over, or stop setting them",
                    conflicts.len(),
                    conflicts.join("; ")
                ),
            ));
        }
        owners.0.retain(|_, set| !set.is_empty());
        // Fields this manager applied before and no longer does are removed, unless a field
        // at or under them is still set (by another owner, or by this one further down).
        let before = owners.0.get(&me).cloned().unwrap_or_default();
        for gone in before.difference(&mine) {
            let others = owners.0.iter().filter(|(o, _)| **o != me);
            let kept = others
                .flat_map(|(_, set)| set.iter())
                .chain(mine.iter())
                .any(|p| fields::within(p, gone));
            if !kept {
                fields::remove(&mut object, gone);
            }
        }
        let mut merged_config = config.clone();
        if let Some(meta) = merged_config
            .get_mut("metadata")
            .and_then(Value::as_object_mut)
        {
            meta.retain(|k, _| {
                matches!(
                    k.as_str(),
                    "labels" | "annotations" | "finalizers" | "ownerReferences"
                )
            });
        }
        fields::merge(&mut object, &merged_config);
        if mine.is_empty() {
            owners.0.remove(&me);
        } else {
            owners.0.insert(me, mine);
        }
        let created = existing.is_none();
        let stored = self.store(w, key, existing, object, owners)?;
        Ok((stored, created))
    }

    /// Stores a whole new object from create, update or merge patch (operation `Update`).
    fn update(&mut self, w: &Write<'_>, desired: Value, create: bool) -> Result<Value, HubError> {
        let key = w.key();
        let existing = self.objects.get(&key).cloned();
        let mut desired = desired;
        if let Some(ns) = w.namespace {
            desired["metadata"]["namespace"] = json!(ns);
        }
        let mut config = desired.clone();
        self.admit(w, &mut config)?;
        let (mut object, mut owners) = match &existing {
            Some(s) => (s.object.clone(), s.owners.clone()),
            None => (
                json!({"apiVersion": w.def.api_version(), "kind": w.def.kind,
                "metadata": {"name": w.name}}),
                Owners::default(),
            ),
        };
        // The scoped part of the object is replaced by the incoming one.
        let scoped = Self::scope(w.def, w.status, config);
        let replaced: Vec<String> = scoped
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k.clone())
            .filter(|k| !matches!(k.as_str(), "apiVersion" | "kind" | "metadata"))
            .collect();
        let old_leaves = fields::leaves(&object);
        if let Some(map) = object.as_object_mut() {
            // A whole-object write drops what it leaves out, except what another endpoint
            // owns (the status behind its subresource, everything but the status there).
            map.retain(|k, _| {
                let elsewhere = if w.status {
                    k != "status"
                } else {
                    k == "status" && w.def.status
                };
                matches!(k.as_str(), "apiVersion" | "kind" | "metadata") || elsewhere
            });
            for k in &replaced {
                map.insert(k.clone(), scoped[k].clone());
            }
            if !w.status
                && let Some(meta) = map.get_mut("metadata").and_then(Value::as_object_mut)
            {
                for k in ["labels", "annotations", "finalizers", "ownerReferences"] {
                    match scoped["metadata"].get(k) {
                        Some(v) => {
                            meta.insert(k.to_owned(), v.clone());
                        }
                        None if !create => {
                            meta.remove(k);
                        }
                        None => {}
                    }
                }
            }
        }
        let changed: BTreeSet<FieldPath> = fields::leaves(&object)
            .into_iter()
            .filter(|p| {
                !old_leaves.contains(p)
                    || fields::get(&object, p)
                        != existing.as_ref().and_then(|s| fields::get(&s.object, p))
            })
            .collect();
        let me = (w.manager.to_owned(), "Update".to_owned(), w.status);
        // An update takes over, without conflicts, every field it changes.
        let before = existing.as_ref().map_or(&Value::Null, |s| &s.object);
        for (o, set) in owners.0.iter_mut() {
            if *o != me {
                set.retain(|p| {
                    !changed
                        .iter()
                        .any(|c| fields::clashes(c, p, before, &object))
                });
            }
        }
        owners.0.entry(me).or_default().extend(changed);
        owners.0.retain(|_, set| !set.is_empty());
        self.store(w, key, existing, object, owners)
    }

    /// Validates and stores the result of a write; a result equal to what is stored changes
    /// nothing (no new resource version, no event).
    fn store(
        &mut self,
        w: &Write<'_>,
        key: Key,
        existing: Option<Stored>,
        mut object: Value,
        owners: Owners,
    ) -> Result<Value, HubError> {
        if let Some(ns) = w.namespace {
            object["metadata"]["namespace"] = json!(ns);
        }
        // Empty metadata maps and lists are omitted, as the server's encoding omits them.
        if let Some(meta) = object["metadata"].as_object_mut() {
            meta.retain(|_, v| {
                !(v.as_object().is_some_and(|m| m.is_empty())
                    || v.as_array().is_some_and(|a| a.is_empty()))
            });
        }
        if existing.is_none()
            && let Some(ns) = w.namespace
            && !self.objects.contains_key(&(
                String::new(),
                "namespaces".to_owned(),
                None,
                ns.to_owned(),
            ))
        {
            return Err(HubError::new(
                404,
                reason::NOT_FOUND,
                format!("namespaces \"{ns}\" not found"),
            ));
        }
        if let Some(validator) = &w.def.validator {
            let violations = validator.validate(&object, existing.as_ref().map(|s| &s.object));
            if !violations.is_empty() {
                // Distinct messages, bracketed when more than one, as `NewInvalid` aggregates
                // them (k8s.io/apimachinery@v0.36.3:pkg/util/errors/errors.go).
                let mut shown: Vec<String> = Vec::new();
                for v in violations.iter().map(ToString::to_string) {
                    if !shown.contains(&v) {
                        shown.push(v);
                    }
                }
                let shown = if shown.len() == 1 {
                    shown.remove(0)
                } else {
                    format!("[{}]", shown.join(", "))
                };
                return Err(HubError {
                    code: 422,
                    reason: reason::INVALID,
                    message: format!(
                        "{}.{} \"{}\" is invalid: {}",
                        w.def.kind, w.def.group, w.name, shown
                    ),
                    causes: violations,
                });
            }
        }
        if !w.status {
            self.run_webhooks(w, &object, existing.as_ref().map(|e| &e.object))?;
        }
        if let Some(old) = &existing {
            let mut same = old.object.clone();
            let mut new = object.clone();
            for v in [&mut same, &mut new] {
                if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
                    m.remove("managedFields");
                }
            }
            if same == new && old.owners == owners {
                return Ok(old.object.clone());
            }
        }
        let spec_changed = existing.as_ref().is_none_or(|old| {
            let strip = |v: &Value| {
                let mut v = v.clone();
                if let Some(m) = v.as_object_mut() {
                    m.remove("metadata");
                    m.remove("status");
                }
                v
            };
            strip(&old.object) != strip(&object)
        });
        let rv = self.rv + 1;
        let meta = &mut object["metadata"];
        if existing.is_none() {
            self.uid += 1;
            meta["uid"] = json!(format!("00000000-0000-4000-8000-{:012x}", self.uid));
            let now = k8s_openapi::jiff::Timestamp::now();
            let now = k8s_openapi::jiff::Timestamp::from_second(now.as_second()).unwrap_or(now);
            meta["creationTimestamp"] = json!(now.to_string());
        }
        let generation = meta["generation"].as_i64().unwrap_or(0);
        if spec_changed {
            meta["generation"] = json!(generation + 1);
        }
        meta["resourceVersion"] = json!(rv.to_string());
        meta["managedFields"] = Value::Array(
            owners
                .0
                .iter()
                .map(|((manager, op, status), set)| {
                    let mut e = json!({"manager": manager,
                        "operation": if op.is_empty() { "Apply" } else { op.as_str() },
                        "apiVersion": w.def.api_version(), "fieldsType": "FieldsV1",
                        "fieldsV1": fields::fields_v1(set)});
                    if *status {
                        e["subresource"] = json!("status");
                    }
                    e
                })
                .collect(),
        );
        if w.dry_run {
            return Ok(object);
        }
        self.rv = rv;
        let kind = if existing.is_some() {
            "MODIFIED"
        } else {
            "ADDED"
        };
        self.objects.insert(
            key,
            Stored {
                object: object.clone(),
                owners,
            },
        );
        self.publish(w.def, kind, object.clone());
        Ok(object)
    }

    /// The webhooks registered for the written kind, in registration order; the first
    /// refusal is the answer.
    fn run_webhooks(
        &self,
        w: &Write<'_>,
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
            dry_run: w.dry_run,
            state: self,
        };
        let api_version = w.def.api_version();
        for hook in self
            .webhooks
            .iter()
            .filter(|h| h.api_version == api_version && h.kind == w.def.kind)
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

    fn publish(&mut self, def: &ResourceDef, kind: &'static str, object: Value) {
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
