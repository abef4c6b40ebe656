//! An in-process Kubernetes API server for tests, demos and the tools that embed this
//! workspace: a store of JSON objects with resource versions, field ownership and a change
//! feed, served with the API server's HTTP semantics to a [`kube::Client`] in process
//! ([`FakeHub::client`]) or over plain HTTP/1.1 ([`FakeHub::serve_http`]), so tools that only
//! take a kubeconfig can use it too.
//!
//! It is generic: it serves the core kinds it starts with (Namespace, Secret, ConfigMap,
//! StorageClass) and whatever CustomResourceDefinitions are registered with it, from a type
//! ([`FakeHub::register`]), a JSON CRD ([`FakeHub::register_crd`]) or a directory of pinned
//! upstream YAML ([`FakeHub::load_crds`]), and runs the validating admission functions
//! registered with [`FakeHub::register_admission`]. Nothing in it knows OCM, KubeSlice or
//! KubeDB: the simulated components that do are in the `simulated-clusters` crate.
//!
//! # What it emulates
//!
//! - **Reads**: get; list with label selectors (equality and set-based, parsed as
//!   apimachinery parses them and matched by kube-core's `Selector`) and field selectors
//!   (`=`, `==`, `!=`); a selector that does not parse answers `400`.
//! - **Watch**: newline-delimited events; without a resource version every selected object
//!   first as `ADDED`; from a resource version, the changes after it out of the last 4096,
//!   or one `ERROR` event with a `410 Expired` status when it is older; `timeoutSeconds`.
//! - **Writes**: create (`409 AlreadyExists`); update (a stale `resourceVersion` answers
//!   `409 Conflict`, fields left out are dropped); JSON merge patch; server-side apply with
//!   `managedFields`, conflicts between managers, `force`, and removal of the fields a manager
//!   stops applying; the `status` subresource (only `status` is written there, and the main
//!   resource ignores `status`); delete; `dryRun=All` (everything but storing). One
//!   resource-version counter for all objects, `uid` and `creationTimestamp` on create,
//!   `generation` bumped by changes outside `metadata` and `status`; a write that changes
//!   nothing stores nothing; creating in a missing namespace answers `404`.
//! - **Schemas**: undeclared fields pruned (listed by [`FakeHub::pruned`]) or, with
//!   `fieldValidation=Strict`, refused; OpenAPI validation with CEL rules and ratcheting, worded
//!   as the API server words it ([`structural_schema`]); then the validating admission
//!   functions; refusals are `Status` bodies with per-field causes.
//! - **Faults**: `409`, `429` and `500` answers and dropped watches, injected per verb
//!   ([`FakeHub::inject`]), and a log of every request ([`FakeHub::requests`]).
//!
//! # What it leaves out
//!
//! - Authentication, authorization (RBAC), API priority and fairness, audit; TLS and HTTP/2.
//! - Discovery: `/api`, `/apis`, `/version` and the OpenAPI documents answer `404`, so clients
//!   must name resources by group, version and plural (kube's typed `Api` and
//!   `ApiResource` do; `kubectl` and `kube::discovery` do not work).
//! - Versions: the served versions of a resource share one store without conversion; an
//!   object is returned in the version it was written in, and a watch sees only the changes
//!   written through its own version (deletions, through the first registered one).
//! - Pagination (`limit` and `continue` are ignored: one page), `resourceVersion` on get and
//!   list (always the latest), watch bookmarks and `sendInitialEvents`; a watch judges its
//!   selector on the new object only (no `DELETED` when an object stops matching, no `ADDED`
//!   when it starts).
//! - `generateName`, finalizers, graceful and cascading deletion, garbage collection of owned
//!   objects, the objects of a deleted namespace, `deletecollection`.
//! - Strategic merge patch (applied as a JSON merge patch: lists are replaced whole) and JSON
//!   patch (`415`); server-side apply treats every list as atomic (no merging by
//!   `x-kubernetes-list-type: map|set` keys) and writes no `time` in `managedFields`.
//! - Defaulting: schema `default`s count for validation but are not written into stored
//!   objects; mutating admission; admission of status writes; `Warning` headers for pruned
//!   fields.
//! - Subresources other than `status`, Table and protobuf encodings, resource quotas and
//!   limit ranges, and the per-kind restriction of field selectors to selectable fields (any
//!   dotted path to a string is accepted).
//!
//! # Layout
//!
//! `router` parses requests and writes answers, `store` holds the objects and implements the
//! write semantics, `watch` is the change feed, `fields` the field sets of server-side apply,
//! `selector` label and field selectors, `resources` the served kinds and their compiled
//! schemas. This file is the facade: [`FakeHub`] and the types of its API.

use std::path::Path;
use std::sync::Arc;

use kube::core::response::reason;
use kube::{CustomResourceExt, Resource};
use serde_json::Value;
use tokio::sync::broadcast;

mod fields;
mod resources;
mod router;
mod selector;
mod store;
mod watch;

pub use resources::CrdError;
pub use router::{Fault, HubBody, RequestRecord, Verb};
pub use store::{AdmissionFn, AdmissionRequest, HubError, Operation, Pruned};
pub use watch::Change;

use router::Server;
use store::{State, Webhook, Write};

/// An in-process Kubernetes API server for tests and demos: objects of the registered
/// resources are stored with resource versions and field ownership, checked and pruned against
/// their CRD schemas, and served to a [`kube::Client`] from [`FakeHub::client`] with get,
/// list, watch, create, server-side apply (conflicts and `force`), merge patch, update, the
/// `status` subresource, delete and `dryRun=All`.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use emulated_hub::FakeHub;
/// use kube::api::{Api, Patch, PatchParams};
/// use kubedb_types::apps::v1::PlacementPolicy;
/// let hub = FakeHub::new();
/// hub.register::<PlacementPolicy>();
/// let api: Api<PlacementPolicy> = Api::all(hub.client());
/// let policy: PlacementPolicy = serde_json::from_value(serde_json::json!({
///     "apiVersion": "apps.k8s.appscode.com/v1", "kind": "PlacementPolicy",
///     "metadata": {"name": "p"}, "spec": {"nodeSpreadConstraint": {"maxSkew": 1, "whenUnsatisfiable": "ScheduleAnyway"}}})).unwrap();
/// let pp = PatchParams::apply("me").force();
/// let first = api.patch("p", &pp, &Patch::Apply(&policy)).await.unwrap();
/// let again = api.patch("p", &pp, &Patch::Apply(&policy)).await.unwrap();
/// assert_eq!(first.metadata.resource_version, again.metadata.resource_version);
/// # });
/// ```
#[derive(Clone)]
pub struct FakeHub {
    server: Arc<Server>,
}

impl std::fmt::Debug for FakeHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let st = self.lock();
        f.debug_struct("FakeHub")
            .field("resource_version", &st.rv)
            .field("objects", &st.object_count())
            .finish()
    }
}

/// The namespaces kube-apiserver creates at start-up.
pub const SYSTEM_NAMESPACES: [&str; 4] =
    ["default", "kube-system", "kube-public", "kube-node-lease"];

impl Default for FakeHub {
    fn default() -> Self {
        Self::new()
    }
}

impl FakeHub {
    /// A hub serving namespaces, secrets, config maps and storage classes (`v1` and
    /// `storage.k8s.io/v1`), without schemas. Custom resources are served once registered.
    /// Like kube-apiserver at start-up it has the namespaces `default`, `kube-system`,
    /// `kube-public` and `kube-node-lease` (`pkg/controlplane/controller/systemnamespaces`).
    pub fn new() -> Self {
        let hub = FakeHub {
            server: Arc::new(Server::new()),
        };
        for name in SYSTEM_NAMESPACES {
            let namespace = serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
            // A namespace on an empty store cannot be refused.
            let _ = hub.apply("kube-apiserver", &namespace, false);
        }
        hub
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.server.store.lock()
    }

    /// Serves `K` with the CRD (and schemas) generated from its type. Generating a CRD and
    /// compiling its schemas is the costly part of a new hub, so both are done once per
    /// process and type.
    pub fn register<K: CustomResourceExt>(&self) {
        let generated = resources::generated::<K>();
        self.lock().resources.register(&generated.0, &generated.1);
    }

    /// Serves every served version of a `CustomResourceDefinition` (as JSON), replacing what
    /// was registered for the same group and plural. Returns how many versions it registered.
    pub fn register_crd(&self, crd: &Value) -> usize {
        let compiled = resources::compile_versions(crd);
        self.lock().resources.register(crd, &compiled)
    }

    /// `true` when the hub serves `apiVersion`/`kind` (a core kind or a registered version).
    pub fn serves(&self, api_version: &str, kind: &str) -> bool {
        self.lock().resources.find_kind(api_version, kind).is_some()
    }

    /// Registers a validating admission webhook called `name` for writes of
    /// `api_version`/`kind` to the main resource (not the status subresource), on create and
    /// update, dry runs included. Webhooks run in registration order after schema validation;
    /// the first refusal answers the request.
    pub fn register_admission(
        &self,
        api_version: &str,
        kind: &str,
        name: &str,
        check: AdmissionFn,
    ) {
        self.lock().webhooks.push(Arc::new(Webhook {
            api_version: api_version.into(),
            kind: kind.into(),
            name: name.into(),
            check,
        }));
    }

    /// Registers every `CustomResourceDefinition` in `crds` (JSON values), as
    /// [`FakeHub::register_crd`] does for one. Returns the number of versions registered.
    pub fn register_crds<'a>(&self, crds: impl IntoIterator<Item = &'a Value>) -> usize {
        crds.into_iter().map(|crd| self.register_crd(crd)).sum()
    }

    /// Registers every `CustomResourceDefinition` found in the YAML files under `dir` (for
    /// example the pinned upstream CRDs in `../shared/upstream`), so objects are checked and
    /// pruned as the real API server would. Returns the number of versions registered.
    pub fn load_crds(&self, dir: &Path) -> Result<usize, CrdError> {
        let mut n = 0;
        resources::each_crd_under(dir, |crd| n += self.register_crd(crd))?;
        Ok(n)
    }

    /// A client talking to this hub (default namespace `default`). Call it inside a Tokio
    /// runtime: the client spawns its request buffer there.
    pub fn client(&self) -> kube::Client {
        router::client(Arc::clone(&self.server))
    }

    /// Answers the next request of `verb` (any verb when `None`) with `fault`.
    pub fn inject(&self, verb: Option<Verb>, fault: Fault) {
        self.server.inject(verb, fault);
    }

    /// Every request answered so far.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.server.requests()
    }

    /// Requests that changed something (writes that were not dry runs and succeeded).
    pub fn writes(&self) -> Vec<RequestRecord> {
        self.requests()
            .into_iter()
            .filter(|r| r.verb.writes() && !r.dry_run && r.code < 300)
            .collect()
    }

    /// What the schemas pruned so far.
    pub fn pruned(&self) -> Vec<Pruned> {
        self.lock().pruned.clone()
    }

    /// The hub's current resource version (bumped by every stored change).
    pub fn resource_version(&self) -> u64 {
        self.lock().rv
    }

    /// A feed of every change from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Change>> {
        self.lock().feed.subscribe()
    }

    /// The stored object `apiVersion`/`kind` `namespace/name`.
    pub fn get(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Value> {
        self.lock()
            .find(api_version, kind, namespace, name)
            .cloned()
    }

    /// The stored `K` `namespace/name`, decoded.
    pub fn get_as<K>(&self, namespace: Option<&str>, name: &str) -> Option<K>
    where
        K: Resource<DynamicType = ()> + serde::de::DeserializeOwned,
    {
        let v = self.get(&K::api_version(&()), &K::kind(&()), namespace, name)?;
        serde_json::from_value(v).ok()
    }

    /// Every stored object of `apiVersion`/`kind`, in `namespace` when given.
    pub fn list(&self, api_version: &str, kind: &str, namespace: Option<&str>) -> Vec<Value> {
        let st = self.lock();
        match st.resources.find_kind(api_version, kind) {
            Some(def) => st.objects_in(def, namespace).cloned().collect(),
            None => Vec::new(),
        }
    }

    /// Server-side apply (with `force`) of `config` by `manager`, to the object or (with
    /// `status`) its status subresource, as a controller inside the hub would do it.
    pub fn apply(&self, manager: &str, config: &Value, status: bool) -> Result<Value, HubError> {
        self.apply_as(manager, config, status, false)
    }

    /// [`FakeHub::apply`] with `dryRun=All`: the object is validated (schema and admission
    /// webhooks) and returned as it would be stored, but nothing is stored and no watcher
    /// hears of it. Controllers use it to find out whether a write would be refused before
    /// making the first of several.
    pub fn dry_run_apply(&self, manager: &str, config: &Value) -> Result<Value, HubError> {
        self.apply_as(manager, config, false, true)
    }

    fn apply_as(
        &self,
        manager: &str,
        config: &Value,
        status: bool,
        dry_run: bool,
    ) -> Result<Value, HubError> {
        let api_version = config["apiVersion"].as_str().unwrap_or_default();
        let kind = config["kind"].as_str().unwrap_or_default();
        let mut st = self.lock();
        let def = st
            .resources
            .find_kind(api_version, kind)
            .cloned()
            .ok_or_else(|| {
                HubError::new(
                    404,
                    reason::NOT_FOUND,
                    format!("no resource {api_version}/{kind}"),
                )
            })?;
        let meta = &config["metadata"];
        let write = Write {
            def: &def,
            namespace: meta["namespace"].as_str(),
            name: meta["name"].as_str().unwrap_or_default(),
            manager,
            status,
            dry_run,
            force: true,
            strict: false,
        };
        st.apply(&write, config.clone()).map(|(object, _)| object)
    }

    /// Deletes the stored object, as a controller inside the hub would.
    pub fn delete(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Value> {
        let mut st = self.lock();
        let def = st.resources.find_kind(api_version, kind)?.clone();
        st.delete(&def, namespace, name, false)
    }

    /// Serves the hub over plain HTTP/1.1 on `listener` until the returned task is aborted,
    /// so tools that only take a kubeconfig (`server: http://127.0.0.1:PORT`) can use it.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use emulated_hub::FakeHub;
    /// let hub = FakeHub::new();
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    /// let url = format!("http://{}", listener.local_addr().unwrap());
    /// let server = hub.serve_http(listener);
    /// let config = kube::Config::new(url.parse().unwrap());
    /// let client = kube::Client::try_from(config).unwrap();
    /// let namespaces: kube::Api<k8s_openapi::api::core::v1::Namespace> = kube::Api::all(client);
    /// let names: Vec<_> = namespaces.list(&Default::default()).await.unwrap().items.into_iter().filter_map(|n| n.metadata.name).collect();
    /// assert_eq!(names, ["default", "kube-node-lease", "kube-public", "kube-system"]);
    /// server.abort();
    /// # });
    /// ```
    pub fn serve_http(&self, listener: tokio::net::TcpListener) -> tokio::task::JoinHandle<()> {
        router::serve_http(Arc::clone(&self.server), listener)
    }
}

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
