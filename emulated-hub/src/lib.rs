//! An in-process Kubernetes API server for tests, demos and the tools that embed this
//! workspace: a store of JSON objects with resource versions, field ownership and a change
//! feed, served with the API server's HTTP semantics to a [`kube::Client`] (in process) or
//! over TCP ([`FakeHub::serve_http`]).
//!
//! It is generic: it serves the core kinds it starts with (Namespace, Secret, ConfigMap,
//! StorageClass) and whatever CustomResourceDefinitions are registered with it, from a type
//! ([`FakeHub::register`]), a JSON CRD ([`FakeHub::register_crd`]) or a directory of pinned
//! upstream YAML ([`FakeHub::load_crds`]), and runs the validating admission functions
//! registered with [`FakeHub::register_admission`]. Nothing in it knows OCM, KubeSlice or
//! KubeDB: the simulated components that do are in the `simulated-clusters` crate.
//!
//! What it emulates: get, list (label and field selectors), watch (resume from a resource
//! version, `410 Gone` past its history), create, update, merge patch, server-side apply
//! with managed fields, conflicts and `force`, the `status` subresource, delete, `dryRun=All`,
//! structural pruning and OpenAPI validation with CEL rules ([`structural_schema`]), and
//! injected faults. What it leaves out: authentication and RBAC, API discovery beyond the
//! registered resources, garbage collection and finalizers, defaulting from schemas,
//! conversion webhooks (each served version is stored as written), strategic merge patch
//! and JSON patch, pagination, and resource quotas.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::convert::Infallible;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use http::{Method, Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use kube::{CustomResourceExt, Resource};
use serde_json::{Value, json};
use tokio::sync::broadcast;

mod fields;

use fields::FieldPath;
use structural_schema as schema;

/// The body type of the fake hub's answers.
pub type HubBody = UnsyncBoxBody<Bytes, Infallible>;

/// How many changes the hub keeps for watches that resume from a resource version.
const HISTORY: usize = 4096;

/// The kind of request, for fault injection and the request log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verb {
    /// GET of one object.
    Get,
    /// GET of a collection.
    List,
    /// GET with `watch=true`.
    Watch,
    /// POST.
    Create,
    /// PATCH with `application/apply-patch+yaml`.
    Apply,
    /// PATCH with a merge or strategic-merge patch.
    Patch,
    /// PUT.
    Update,
    /// DELETE.
    Delete,
}

impl Verb {
    /// Whether the verb writes (unless it is a dry run).
    pub fn writes(self) -> bool {
        matches!(
            self,
            Verb::Create | Verb::Apply | Verb::Patch | Verb::Update | Verb::Delete
        )
    }
}

/// A fault to inject into the next matching requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// `409 Conflict` (an optimistic-concurrency conflict).
    Conflict,
    /// `429 Too Many Requests` (API priority and fairness throttling).
    Throttle,
    /// `500 Internal Server Error`.
    Internal,
    /// A watch whose connection closes right after it opens (matched to another verb, a
    /// `500`).
    DropWatch,
}

impl Fault {
    fn code(self) -> u16 {
        match self {
            Fault::Conflict => 409,
            Fault::Throttle => 429,
            Fault::Internal | Fault::DropWatch => 500,
        }
    }
}

/// One request the hub answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    /// What kind of request.
    pub verb: Verb,
    /// The URL path.
    pub path: String,
    /// The raw query string.
    pub query: String,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The HTTP status answered.
    pub code: u16,
    /// A dry run (`dryRun=All`).
    pub dry_run: bool,
    /// The fault that produced the answer, if one did.
    pub fault: Option<Fault>,
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
        let key = self.state.locate(api_version, kind, namespace, name)?;
        self.state.objects.get(&key).map(|s| &s.object)
    }

    /// `true` when the hub serves `apiVersion`/`kind`.
    pub fn served(&self, api_version: &str, kind: &str) -> bool {
        self.state.find_kind(api_version, kind).is_some()
    }

    /// Every stored object of `apiVersion`/`kind`, in key order.
    pub fn list(&self, api_version: &str, kind: &str) -> Vec<&Value> {
        let Some(def) = self.state.find_kind(api_version, kind) else {
            return Vec::new();
        };
        self.state
            .objects
            .iter()
            .filter(|(k, _)| k.0 == def.group && k.1 == def.plural)
            .map(|(_, s)| &s.object)
            .collect()
    }
}

/// A validating admission webhook: `Err(message)` refuses the write, and the hub answers
/// `403 Forbidden` with `admission webhook "<name>" denied the request: <message>`, as a real
/// API server relays a denial.
pub type AdmissionFn = Arc<dyn Fn(&AdmissionRequest<'_>) -> Result<(), String> + Send + Sync>;

struct Webhook {
    api_version: String,
    kind: String,
    name: String,
    check: AdmissionFn,
}

/// Fields the hub pruned from an object because its schema does not declare them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pruned {
    /// `Kind/namespace/name`.
    pub object: String,
    /// The pruned paths (`spec.ocm`).
    pub paths: Vec<String>,
}

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
    pub causes: Vec<schema::Violation>,
}

impl HubError {
    fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        HubError {
            code,
            reason,
            message: message.into(),
            causes: Vec::new(),
        }
    }

    fn to_status(&self) -> Value {
        let causes: Vec<Value> = self
            .causes
            .iter()
            .map(|c| json!({"reason": c.kind.reason(), "message": c.message, "field": c.path}))
            .collect();
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": self.message, "reason": self.reason, "code": self.code,
               "details": {"causes": causes}})
    }
}

/// Why CRDs could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CrdError {
    /// The folder or a file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The path.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// A file is not YAML.
    #[error("{path}: not YAML: {message}")]
    Yaml {
        /// The file.
        path: String,
        /// The parser's message.
        message: String,
    },
}

/// A resource the hub serves.
#[derive(Clone, Debug)]
struct ResourceDef {
    group: String,
    version: String,
    kind: String,
    plural: String,
    namespaced: bool,
    status: bool,
    schema: Option<Value>,
    /// The schema compiled once for validation.
    validator: Option<Arc<schema::Validator>>,
}

impl ResourceDef {
    fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

/// A stored object's owners: `(manager, subresource)` to the fields applied or updated.
#[derive(Clone, Debug, Default, PartialEq)]
struct Owners(BTreeMap<(String, String, bool), BTreeSet<FieldPath>>);

#[derive(Clone, Debug, PartialEq)]
struct Stored {
    object: Value,
    owners: Owners,
}

type Key = (String, String, Option<String>, String);

#[derive(Default)]
struct State {
    rv: u64,
    uid: u64,
    resources: Vec<ResourceDef>,
    objects: BTreeMap<Key, Stored>,
    history: VecDeque<Arc<Change>>,
    faults: VecDeque<(Option<Verb>, Fault)>,
    requests: Vec<RequestRecord>,
    pruned: Vec<Pruned>,
    webhooks: Vec<Arc<Webhook>>,
}

struct Inner {
    state: Mutex<State>,
    events: broadcast::Sender<Arc<Change>>,
}

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
    inner: Arc<Inner>,
}

impl std::fmt::Debug for FakeHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let st = self.lock();
        f.debug_struct("FakeHub")
            .field("resource_version", &st.rv)
            .field("objects", &st.objects.len())
            .finish()
    }
}

impl Default for FakeHub {
    fn default() -> Self {
        Self::new()
    }
}

impl FakeHub {
    /// A hub serving namespaces, secrets, config maps and storage classes (`v1` and
    /// `storage.k8s.io/v1`), without schemas. Custom resources are served once registered.
    pub fn new() -> Self {
        let (events, _) = broadcast::channel(1024);
        let hub = FakeHub {
            inner: Arc::new(Inner {
                state: Mutex::new(State::default()),
                events,
            }),
        };
        {
            let mut st = hub.lock();
            for (group, plural, kind, namespaced) in [
                ("", "namespaces", "Namespace", false),
                ("", "secrets", "Secret", true),
                ("", "configmaps", "ConfigMap", true),
                ("storage.k8s.io", "storageclasses", "StorageClass", false),
            ] {
                st.resources.push(ResourceDef {
                    group: group.into(),
                    version: "v1".into(),
                    kind: kind.into(),
                    plural: plural.into(),
                    namespaced,
                    status: kind == "Namespace",
                    schema: None,
                    validator: None,
                });
            }
        }
        hub
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Serves `K` with the CRD (and schemas) generated from its type. Generating a CRD and
    /// compiling its schemas is the costly part of a new hub, so both are done once per
    /// process and type.
    pub fn register<K: CustomResourceExt>(&self) {
        static GENERATED: Mutex<BTreeMap<String, Arc<(Value, Compiled)>>> =
            Mutex::new(BTreeMap::new());
        let key = format!("{}/{}", K::crd_name(), K::api_resource().version);
        let generated = {
            let mut cache = GENERATED
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            Arc::clone(cache.entry(key).or_insert_with(|| {
                let crd = crd::<K>();
                let compiled = compile_versions(&crd);
                Arc::new((crd, compiled))
            }))
        };
        self.register_compiled(&generated.0, &generated.1);
    }

    /// Serves every served version of a `CustomResourceDefinition` (as JSON), replacing what
    /// was registered for the same group and plural. Returns how many versions it registered.
    pub fn register_crd(&self, crd: &Value) -> usize {
        self.register_compiled(crd, &compile_versions(crd))
    }

    /// [`FakeHub::register_crd`] with the versions' schemas already compiled.
    fn register_compiled(&self, crd: &Value, compiled: &Compiled) -> usize {
        let spec = &crd["spec"];
        let (Some(group), Some(kind), Some(plural)) = (
            spec["group"].as_str(),
            spec["names"]["kind"].as_str(),
            spec["names"]["plural"].as_str(),
        ) else {
            return 0;
        };
        let namespaced = spec["scope"].as_str() != Some("Cluster");
        let mut st = self.lock();
        let mut n = 0;
        for v in spec["versions"].as_array().into_iter().flatten() {
            let (Some(version), true) = (v["name"].as_str(), v["served"] != false) else {
                continue;
            };
            st.resources
                .retain(|r| !(r.group == group && r.plural == plural && r.version == version));
            let schema = v["schema"].get("openAPIV3Schema").cloned();
            let validator = compiled
                .iter()
                .find(|(name, _)| name == version)
                .map(|(_, validator)| Arc::clone(validator));
            st.resources.push(ResourceDef {
                group: group.into(),
                version: version.into(),
                kind: kind.into(),
                plural: plural.into(),
                namespaced,
                status: v["subresources"].get("status").is_some(),
                schema,
                validator,
            });
            n += 1;
        }
        n
    }

    /// `true` when the hub serves `apiVersion`/`kind` (a core kind or a registered version).
    pub fn serves(&self, api_version: &str, kind: &str) -> bool {
        self.lock().find_kind(api_version, kind).is_some()
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
        let mut stack = vec![dir.to_path_buf()];
        while let Some(path) = stack.pop() {
            let io = |source| CrdError::Io {
                path: path.display().to_string(),
                source,
            };
            if path.is_dir() {
                let mut entries = Vec::new();
                for entry in std::fs::read_dir(&path).map_err(io)? {
                    entries.push(entry.map_err(io)?.path());
                }
                // Sorted, so a later file of the same resource wins predictably.
                entries.sort_by(|a, b| b.cmp(a));
                stack.extend(entries);
                continue;
            }
            if !matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            ) {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(io)?;
            if !text.contains("CustomResourceDefinition") {
                continue;
            }
            let docs: Vec<Value> =
                serde_saphyr::from_multiple(&text).map_err(|e| CrdError::Yaml {
                    path: path.display().to_string(),
                    message: e.to_string(),
                })?;
            for doc in docs {
                if doc["kind"] == "CustomResourceDefinition" {
                    n += self.register_crd(&doc);
                }
            }
        }
        Ok(n)
    }

    /// A client talking to this hub (default namespace `default`). Call it inside a Tokio
    /// runtime: the client spawns its request buffer there.
    pub fn client(&self) -> kube::Client {
        let hub = self.clone();
        let service = tower::service_fn(move |req: Request<kube::client::Body>| {
            let hub = hub.clone();
            async move { Ok::<_, Infallible>(hub.serve(req).await) }
        });
        kube::Client::new(service, "default")
    }

    /// Answers the next request of `verb` (any verb when `None`) with `fault`.
    pub fn inject(&self, verb: Option<Verb>, fault: Fault) {
        self.lock().faults.push_back((verb, fault));
    }

    /// Every request answered so far.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.lock().requests.clone()
    }

    /// Requests that changed something (writes that were not dry runs and succeeded).
    pub fn writes(&self) -> Vec<RequestRecord> {
        self.lock()
            .requests
            .iter()
            .filter(|r| r.verb.writes() && !r.dry_run && r.code < 300)
            .cloned()
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
        self.inner.events.subscribe()
    }

    /// The stored object `apiVersion`/`kind` `namespace/name`.
    pub fn get(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Value> {
        let st = self.lock();
        let key = st.locate(api_version, kind, namespace, name)?;
        st.objects.get(&key).map(|s| s.object.clone())
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
        let Some(def) = st.find_kind(api_version, kind) else {
            return Vec::new();
        };
        st.objects
            .iter()
            .filter(|((g, p, ns, _), _)| {
                *g == def.group
                    && *p == def.plural
                    && namespace.is_none_or(|n| ns.as_deref() == Some(n))
            })
            .map(|(_, s)| s.object.clone())
            .collect()
    }

    /// Server-side apply (with `force`) of `config` by `manager`, to the object or (with
    /// `status`) its status subresource, as a controller inside the hub would do it.
    pub fn apply(&self, manager: &str, config: &Value, status: bool) -> Result<Value, HubError> {
        let api_version = config["apiVersion"].as_str().unwrap_or_default();
        let kind = config["kind"].as_str().unwrap_or_default();
        let mut st = self.lock();
        let def = st.find_kind(api_version, kind).cloned().ok_or_else(|| {
            HubError::new(404, "NotFound", format!("no resource {api_version}/{kind}"))
        })?;
        let meta = &config["metadata"];
        let name = meta["name"].as_str().unwrap_or_default().to_owned();
        let ns = meta["namespace"].as_str().map(str::to_owned);
        let write = Write {
            def: &def,
            namespace: ns.as_deref(),
            name: &name,
            manager,
            status,
            dry_run: false,
            force: true,
            strict: false,
        };
        let (object, _) = st.apply(&write, config.clone(), &self.inner.events)?;
        Ok(object)
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
        let key = st.locate(api_version, kind, namespace, name)?;
        st.delete(&key, false, &self.inner.events).ok()
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
    /// assert!(namespaces.list(&Default::default()).await.unwrap().items.is_empty());
    /// server.abort();
    /// # });
    /// ```
    pub fn serve_http(&self, listener: tokio::net::TcpListener) -> tokio::task::JoinHandle<()> {
        let hub = self.clone();
        tokio::spawn(async move {
            loop {
                let stream = match listener.accept().await {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        tracing::warn!(error = %e, "fake hub: accept failed");
                        continue;
                    }
                };
                let hub = hub.clone();
                tokio::spawn(async move {
                    let service =
                        hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                            let hub = hub.clone();
                            async move {
                                let (parts, body) = req.into_parts();
                                let body = body.collect().await.map(|c| c.to_bytes());
                                Ok::<_, Infallible>(hub.respond(parts, body).await)
                            }
                        });
                    let io = hyper_util::rt::TokioIo::new(stream);
                    if let Err(e) = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .await
                    {
                        tracing::debug!(error = %e, "fake hub: connection ended");
                    }
                });
            }
        })
    }

    async fn serve(&self, req: Request<kube::client::Body>) -> Response<HubBody> {
        let (parts, body) = req.into_parts();
        let body = body.collect_bytes().await;
        self.respond(parts, body).await
    }

    async fn respond<E: std::fmt::Display>(
        &self,
        parts: http::request::Parts,
        body: Result<Bytes, E>,
    ) -> Response<HubBody> {
        let body = match body {
            Ok(b) => b,
            Err(e) => {
                return answer(
                    &HubError::new(400, "BadRequest", e.to_string()).to_status(),
                    400,
                );
            }
        };
        let query = parts.uri.query().unwrap_or_default().to_owned();
        let params: BTreeMap<String, String> = form_urlencoded::parse(query.as_bytes())
            .filter(|(k, _)| !k.is_empty())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let content_type = parts
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let path = parts.uri.path().to_owned();
        let target = parse_path(&path);
        let has_name = target.as_ref().is_some_and(|t| t.name.is_some());
        let verb = match parts.method {
            Method::GET if params.get("watch").is_some_and(|w| w == "true" || w == "1") => {
                Verb::Watch
            }
            Method::GET if has_name => Verb::Get,
            Method::GET => Verb::List,
            Method::POST => Verb::Create,
            Method::PATCH if content_type.as_deref() == Some("application/apply-patch+yaml") => {
                Verb::Apply
            }
            Method::PATCH => Verb::Patch,
            Method::PUT => Verb::Update,
            _ => Verb::Delete,
        };
        let dry_run = params.get("dryRun").is_some_and(|d| d == "All");
        let mut record = RequestRecord {
            verb,
            path: path.clone(),
            query,
            content_type: content_type.clone(),
            code: 200,
            dry_run,
            fault: None,
        };
        let fault = {
            let mut st = self.lock();
            let at = st
                .faults
                .iter()
                .position(|(v, _)| v.is_none_or(|v| v == verb));
            at.and_then(|i| st.faults.remove(i)).map(|(_, f)| f)
        };
        record.fault = fault;
        let result = match (fault, target) {
            (Some(Fault::DropWatch), _) if verb == Verb::Watch => {
                record.code = 200;
                self.lock().requests.push(record);
                tracing::debug!(%path, "fake hub: dropping the watch");
                return Response::new(Full::new(Bytes::new()).boxed_unsync());
            }
            (Some(f), _) => Err(HubError::new(
                f.code(),
                match f {
                    Fault::Conflict => "Conflict",
                    Fault::Throttle => "TooManyRequests",
                    _ => "InternalError",
                },
                format!("injected fault {f:?}"),
            )),
            (None, None) => Err(HubError::new(
                404,
                "NotFound",
                format!("the server could not find the requested resource ({path})"),
            )),
            (None, Some(t)) => {
                if verb == Verb::Watch {
                    let resp = self.watch(&t, &params);
                    record.code = resp.status().as_u16();
                    self.lock().requests.push(record);
                    return resp;
                }
                self.handle(verb, &t, &params, &body, content_type.as_deref())
            }
        };
        let (code, value) = match result {
            Ok((code, v)) => (code, v),
            Err(e) => (e.code, e.to_status()),
        };
        record.code = code;
        tracing::debug!(?verb, %path, code, "fake hub");
        self.lock().requests.push(record);
        answer(&value, code)
    }

    fn handle(
        &self,
        verb: Verb,
        t: &Target,
        params: &BTreeMap<String, String>,
        body: &[u8],
        content_type: Option<&str>,
    ) -> Result<(u16, Value), HubError> {
        let mut st = self.lock();
        let def = st
            .find_plural(&t.group, &t.version, &t.plural)
            .cloned()
            .ok_or_else(|| {
                HubError::new(
                    404,
                    "NotFound",
                    format!(
                        "the server could not find the requested resource ({}/{})",
                        t.group, t.plural
                    ),
                )
            })?;
        if t.status && !def.status {
            return Err(HubError::new(
                404,
                "NotFound",
                format!("{} has no status subresource", def.kind),
            ));
        }
        let name = t.name.as_deref().unwrap_or_default();
        let ns = if def.namespaced {
            t.namespace.as_deref()
        } else {
            None
        };
        let key = key_of(&def, ns, name);
        let dry_run = params.get("dryRun").is_some_and(|d| d == "All");
        let manager = params.get("fieldManager").map_or("unknown", String::as_str);
        let strict = params.get("fieldValidation").is_some_and(|v| v == "Strict");
        let decode = || -> Result<Value, HubError> {
            let parsed: Result<Value, String> = serde_json::from_slice(body).or_else(|_| {
                std::str::from_utf8(body)
                    .map_err(|e| e.to_string())
                    .and_then(|s| serde_saphyr::from_str(s).map_err(|e| e.to_string()))
            });
            parsed.map_err(|e| {
                HubError::new(400, "BadRequest", format!("the body does not decode: {e}"))
            })
        };
        let events = &self.inner.events;
        match verb {
            Verb::Get => st
                .objects
                .get(&key)
                .map(|s| (200, s.object.clone()))
                .ok_or_else(|| not_found(&def, name)),
            Verb::List => {
                let selector = Selector::parse(params);
                let items: Vec<Value> = st
                    .objects
                    .iter()
                    .filter(|((g, p, _, _), _)| *g == def.group && *p == def.plural)
                    .map(|(_, s)| &s.object)
                    .filter(|o| selector.matches(o, t.namespace.as_deref()))
                    .cloned()
                    .collect();
                Ok((
                    200,
                    json!({"apiVersion": def.api_version(), "kind": format!("{}List", def.kind),
                    "metadata": {"resourceVersion": st.rv.to_string()}, "items": items}),
                ))
            }
            Verb::Delete => st
                .delete(&key, dry_run, events)
                .map(|o| (200, o))
                .map_err(|_| not_found(&def, name)),
            Verb::Apply => {
                let write = Write {
                    def: &def,
                    namespace: ns,
                    name,
                    manager,
                    status: t.status,
                    dry_run,
                    force: params.get("force").is_some_and(|f| f == "true"),
                    strict,
                };
                let config = decode()?;
                st.apply(&write, config, events)
                    .map(|(o, created)| (if created { 201 } else { 200 }, o))
            }
            Verb::Create | Verb::Update | Verb::Patch => {
                let incoming = decode()?;
                let name = if verb == Verb::Create {
                    incoming["metadata"]["name"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned()
                } else {
                    name.to_owned()
                };
                let key = key_of(&def, ns, &name);
                let existing = st.objects.get(&key).map(|s| s.object.clone());
                let desired = match (verb, existing) {
                    (Verb::Create, Some(_)) => {
                        return Err(HubError::new(
                            409,
                            "AlreadyExists",
                            format!("{}.{} \"{name}\" already exists", def.plural, def.group),
                        ));
                    }
                    (Verb::Create, None) => incoming,
                    (_, None) => return Err(not_found(&def, &name)),
                    (Verb::Update, Some(old)) => {
                        let rv = incoming["metadata"]["resourceVersion"].as_str();
                        if rv.is_some_and(|rv| {
                            Some(rv) != old["metadata"]["resourceVersion"].as_str()
                        }) {
                            return Err(HubError::new(
                                409,
                                "Conflict",
                                format!(
                                    "Operation cannot be fulfilled on {}.{} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                                    def.plural, def.group
                                ),
                            ));
                        }
                        incoming
                    }
                    (_, Some(mut old)) => {
                        if content_type == Some("application/json-patch+json") {
                            return Err(HubError::new(
                                415,
                                "UnsupportedMediaType",
                                "JSON patches are not supported by the fake hub; use apply or merge patches",
                            ));
                        }
                        fields::merge(&mut old, &incoming);
                        old
                    }
                };
                let write = Write {
                    def: &def,
                    namespace: ns,
                    name: &name,
                    manager,
                    status: t.status,
                    dry_run,
                    force: true,
                    strict,
                };
                st.update(&write, desired, verb == Verb::Create, events)
                    .map(|o| (if verb == Verb::Create { 201 } else { 200 }, o))
            }
            Verb::Watch => Err(HubError::new(
                500,
                "InternalError",
                "watch handled elsewhere",
            )),
        }
    }

    fn watch(&self, t: &Target, params: &BTreeMap<String, String>) -> Response<HubBody> {
        let selector = Selector::parse(params);
        let since: Option<u64> = params.get("resourceVersion").and_then(|rv| rv.parse().ok());
        let timeout = params
            .get("timeoutSeconds")
            .and_then(|s| s.parse().ok())
            .map_or(Duration::from_secs(1800), Duration::from_secs);
        let st = self.lock();
        let Some(def) = st.find_plural(&t.group, &t.version, &t.plural).cloned() else {
            return answer(&not_found_resource(t).to_status(), 404);
        };
        let rx = self.inner.events.subscribe();
        let namespace = if def.namespaced {
            t.namespace.clone()
        } else {
            None
        };
        let wanted = {
            let def = def.clone();
            move |c: &Change| {
                c.api_version == def.api_version()
                    && c.object_kind == def.kind
                    && selector.matches(&c.object, namespace.as_deref())
            }
        };
        let backlog: Vec<Value> = match since.filter(|rv| *rv > 0) {
            None => st
                .objects
                .iter()
                .filter(|((g, p, _, _), _)| *g == def.group && *p == def.plural)
                .map(|(_, s)| Change {
                    kind: "ADDED",
                    resource_version: st.rv,
                    api_version: def.api_version(),
                    object_kind: def.kind.clone(),
                    object: s.object.clone(),
                })
                .filter(&wanted)
                .map(|c| json!({"type": c.kind, "object": c.object}))
                .collect(),
            Some(rv)
                if st
                    .history
                    .front()
                    .is_some_and(|h| h.resource_version > rv + 1) =>
            {
                vec![
                    json!({"type": "ERROR", "object": HubError::new(410, "Expired",
                    format!("too old resource version: {rv} ({})", st.history.front().map_or(0, |h| h.resource_version))).to_status()}),
                ]
            }
            Some(rv) => st
                .history
                .iter()
                .filter(|c| c.resource_version > rv && wanted(c))
                .map(|c| json!({"type": c.kind, "object": c.object}))
                .collect(),
        };
        let last = st.rv;
        drop(st);
        // A lagging receiver ends the watch; the client resumes from its last version.
        let live = futures::stream::unfold(rx, move |mut rx| async move {
            rx.recv().await.ok().map(|c| (c, rx))
        })
        .filter(move |c| futures::future::ready(c.resource_version > last && wanted(c)))
        .map(|c| json!({"type": c.kind, "object": c.object}));
        let lines = futures::stream::iter(backlog)
            .chain(live)
            .map(|v| {
                let mut line = serde_json::to_vec(&v).unwrap_or_default();
                line.push(b'\n');
                Ok::<_, Infallible>(http_body::Frame::data(Bytes::from(line)))
            })
            .take_until(tokio::time::sleep(timeout));
        Response::new(StreamBody::new(lines).boxed_unsync())
    }
}

/// One write to perform.
struct Write<'a> {
    def: &'a ResourceDef,
    namespace: Option<&'a str>,
    name: &'a str,
    manager: &'a str,
    status: bool,
    dry_run: bool,
    force: bool,
    strict: bool,
}

impl Write<'_> {
    fn describe(&self) -> String {
        match self.namespace {
            Some(ns) => format!("{}/{ns}/{}", self.def.kind, self.name),
            None => format!("{}/{}", self.def.kind, self.name),
        }
    }
}

impl State {
    fn find_kind(&self, api_version: &str, kind: &str) -> Option<&ResourceDef> {
        self.resources
            .iter()
            .find(|r| r.api_version() == api_version && r.kind == kind)
    }

    /// The store key of `apiVersion`/`kind` `namespace/name`, if that kind is served.
    fn locate(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Key> {
        Some(key_of(self.find_kind(api_version, kind)?, namespace, name))
    }

    fn find_plural(&self, group: &str, version: &str, plural: &str) -> Option<&ResourceDef> {
        self.resources
            .iter()
            .find(|r| r.group == group && r.version == version && r.plural == plural)
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
                "BadRequest",
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
                "BadRequest",
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
                        "BadRequest",
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

    fn apply(
        &mut self,
        w: &Write<'_>,
        config: Value,
        events: &broadcast::Sender<Arc<Change>>,
    ) -> Result<(Value, bool), HubError> {
        let mut config = Self::scope(w.def, w.status, config);
        self.admit(w, &mut config)?;
        let key = key_of(w.def, w.namespace, w.name);
        let existing = self.objects.get(&key).cloned();
        if existing.is_none() && w.status {
            return Err(not_found(w.def, w.name));
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
                "Conflict",
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
                "Conflict",
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
        let stored = self.store(w, key, existing, object, owners, events)?;
        Ok((stored, created))
    }

    /// Stores a whole new object from create, update or merge patch (operation `Update`).
    fn update(
        &mut self,
        w: &Write<'_>,
        desired: Value,
        create: bool,
        events: &broadcast::Sender<Arc<Change>>,
    ) -> Result<Value, HubError> {
        let key = key_of(w.def, w.namespace, w.name);
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
        self.store(w, key, existing, object, owners, events)
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
        events: &broadcast::Sender<Arc<Change>>,
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
                "NotFound",
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
                    reason: "Invalid",
                    message: format!(
                        "{}.{} \"{}\" is invalid: {}",
                        w.def.kind, w.def.group, w.name, shown
                    ),
                    causes: violations,
                });
            }
        }
        if !w.status {
            let operation = if existing.is_some() {
                Operation::Update
            } else {
                Operation::Create
            };
            let request = AdmissionRequest {
                operation,
                object: &object,
                old_object: existing.as_ref().map(|e| &e.object),
                dry_run: w.dry_run,
                state: self,
            };
            let api_version = w.def.api_version();
            for hook in self
                .webhooks
                .iter()
                .filter(|h| h.api_version == api_version && h.kind == w.def.kind)
            {
                if let Err(message) = (hook.check)(&request) {
                    return Err(HubError::new(
                        403,
                        "Forbidden",
                        format!(
                            "admission webhook \"{}\" denied the request: {message}",
                            hook.name
                        ),
                    ));
                }
            }
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
        self.publish(w.def, kind, object.clone(), events);
        Ok(object)
    }

    fn delete(
        &mut self,
        key: &Key,
        dry_run: bool,
        events: &broadcast::Sender<Arc<Change>>,
    ) -> Result<Value, ()> {
        let def = self
            .resources
            .iter()
            .find(|r| r.group == key.0 && r.plural == key.1)
            .cloned()
            .ok_or(())?;
        if dry_run {
            return self.objects.get(key).map(|s| s.object.clone()).ok_or(());
        }
        let mut stored = self.objects.remove(key).ok_or(())?;
        self.rv += 1;
        stored.object["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        self.publish(&def, "DELETED", stored.object.clone(), events);
        Ok(stored.object)
    }

    fn publish(
        &mut self,
        def: &ResourceDef,
        kind: &'static str,
        object: Value,
        events: &broadcast::Sender<Arc<Change>>,
    ) {
        let change = Arc::new(Change {
            kind,
            resource_version: self.rv,
            api_version: def.api_version(),
            object_kind: def.kind.clone(),
            object,
        });
        if self.history.len() == HISTORY {
            self.history.pop_front();
        }
        self.history.push_back(change.clone());
        // No receivers is fine: nobody watches yet.
        let _ = events.send(change);
    }
}

/// `K`'s generated CRD as JSON.
/// Each version's schema of a CRD, compiled for validation.
type Compiled = Vec<(String, Arc<schema::Validator>)>;

fn compile_versions(crd: &Value) -> Compiled {
    crd["spec"]["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| {
            let name = v["name"].as_str()?;
            let schema = v["schema"].get("openAPIV3Schema")?;
            Some((name.to_owned(), Arc::new(schema::Validator::new(schema))))
        })
        .collect()
}

fn crd<K: CustomResourceExt>() -> Value {
    serde_json::to_value(K::crd()).unwrap_or_default()
}

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

fn not_found(def: &ResourceDef, name: &str) -> HubError {
    let what = if def.group.is_empty() {
        def.plural.clone()
    } else {
        format!("{}.{}", def.plural, def.group)
    };
    HubError::new(404, "NotFound", format!("{what} \"{name}\" not found"))
}

fn not_found_resource(t: &Target) -> HubError {
    HubError::new(
        404,
        "NotFound",
        format!(
            "the server could not find the requested resource ({}/{}/{})",
            t.group, t.version, t.plural
        ),
    )
}

fn answer(value: &Value, code: u16) -> Response<HubBody> {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut resp = Response::new(Full::new(Bytes::from(body)).boxed_unsync());
    *resp.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    resp
}

/// What a URL addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Target {
    group: String,
    version: String,
    namespace: Option<String>,
    plural: String,
    name: Option<String>,
    status: bool,
}

/// `/api/v1/...` or `/apis/{group}/{version}/...`, then `[namespaces/{ns}/]{plural}[/{name}[/status]]`.
fn parse_path(path: &str) -> Option<Target> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segs.as_slice() {
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return None,
    };
    let (namespace, rest) = match rest {
        ["namespaces", ns, more @ ..] if !more.is_empty() => (Some((*ns).to_owned()), more),
        _ => (None, rest),
    };
    let (plural, name, status) = match rest {
        [plural] => (*plural, None, false),
        [plural, name] => (*plural, Some((*name).to_owned()), false),
        [plural, name, "status"] => (*plural, Some((*name).to_owned()), true),
        _ => return None,
    };
    Some(Target {
        group: group.to_owned(),
        version: version.to_owned(),
        namespace,
        plural: plural.to_owned(),
        name,
        status,
    })
}

/// Equality-based label and field selectors.
#[derive(Clone, Debug, Default)]
struct Selector {
    labels: Vec<(String, Option<String>, bool)>,
    fields: Vec<(String, String, bool)>,
}

impl Selector {
    fn parse(params: &BTreeMap<String, String>) -> Selector {
        fn terms(s: &str) -> impl Iterator<Item = (String, Option<String>, bool)> + '_ {
            s.split(',').filter(|t| !t.is_empty()).map(|t| {
                if let Some((k, v)) = t.split_once("!=") {
                    (k.trim().to_owned(), Some(v.trim().to_owned()), false)
                } else if let Some((k, v)) = t.split_once("==").or_else(|| t.split_once('=')) {
                    (k.trim().to_owned(), Some(v.trim().to_owned()), true)
                } else {
                    (t.trim().to_owned(), None, true)
                }
            })
        }
        Selector {
            labels: params
                .get("labelSelector")
                .map(|s| terms(s).collect())
                .unwrap_or_default(),
            fields: params
                .get("fieldSelector")
                .map(|s| {
                    terms(s)
                        .filter_map(|(k, v, eq)| v.map(|v| (k, v, eq)))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    fn matches(&self, object: &Value, namespace: Option<&str>) -> bool {
        let meta = &object["metadata"];
        if let Some(ns) = namespace
            && meta["namespace"].as_str() != Some(ns)
        {
            return false;
        }
        let labels_ok = self.labels.iter().all(|(k, v, eq)| {
            let have = meta["labels"][k.as_str()].as_str();
            match v {
                None => have.is_some(),
                Some(v) => (have == Some(v.as_str())) == *eq,
            }
        });
        let fields_ok = self.fields.iter().all(|(k, v, eq)| {
            let path: Vec<String> = k.split('.').map(str::to_owned).collect();
            let have = fields::get(object, &path).and_then(Value::as_str);
            (have == Some(v.as_str())) == *eq
        });
        labels_ok && fields_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_like_the_api_server_routes_them() {
        let t = parse_path("/apis/kubedb.com/v1/namespaces/demo/mariadbs/m/status").unwrap();
        assert_eq!(
            (
                t.group.as_str(),
                t.namespace.as_deref(),
                t.plural.as_str(),
                t.name.as_deref(),
                t.status
            ),
            ("kubedb.com", Some("demo"), "mariadbs", Some("m"), true)
        );
        let ns = parse_path("/api/v1/namespaces/demo").unwrap();
        assert_eq!(
            (ns.plural.as_str(), ns.name.as_deref(), ns.namespace),
            ("namespaces", Some("demo"), None)
        );
        assert!(parse_path("/version").is_none());
    }
}
