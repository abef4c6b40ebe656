//! The write semantics: create, update, merge patch, server-side apply and the status
//! subresource, with pruning, and [`State::store`], the one path every write takes (namespace
//! existence, schema validation with ratcheting, admission, then a new resource version,
//! `generation`, `managedFields` and a change on the feed).

use std::collections::BTreeSet;

use kube::core::response::reason;
use serde_json::{Value, json};
use structural_schema as schema;

use crate::fields::{self, FieldPath};
use crate::resources::ResourceDef;

use super::error::{HubError, Pruned};
use super::state::{Key, Owners, State, Stored, key_of};

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
            self.run_webhooks(
                w.def,
                w.dry_run,
                &object,
                existing.as_ref().map(|e| &e.object),
            )?;
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
}
