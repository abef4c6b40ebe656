//! The HTTP side: which resource a URL names, what the verb and the query ask for, the
//! answer as JSON or a `Status`, the watch stream, fault injection and the request log, and
//! the two transports (a [`kube::Client`] in process, plain HTTP/1.1 on a TCP listener).
//!
//! Paths are routed as the API server's `/api/v1/...` and `/apis/{group}/{version}/...`
//! handlers route them (k8s.io/apiserver@v0.36.3:pkg/endpoints/installer.go): an optional
//! `namespaces/{ns}/`, then `{plural}[/{name}[/status]]`. Refusals are kube-core
//! [`Status`] bodies with `kind: Status` and `apiVersion: v1`, as clients other than kube-rs
//! (client-go, kubectl) need them to decode the failure.

use std::collections::{BTreeMap, VecDeque};
use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures::StreamExt;
use http::{Method, Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Bytes, Frame};
use kube::core::response::{StatusCause, StatusDetails, reason};
use kube::core::{ListMeta, ObjectList, Status, TypeMeta};
use serde::Serialize;
use serde_json::Value;

use crate::selector::ObjectSelector;
use crate::store::{HubError, Store, Write};
use crate::watch::{self, Event, Scope, Start};

/// The body type of the fake hub's answers.
pub type HubBody = UnsyncBoxBody<Bytes, Infallible>;

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
    /// The refusal the fault answers with.
    fn error(self) -> HubError {
        let (code, why) = match self {
            Fault::Conflict => (409, reason::CONFLICT),
            Fault::Throttle => (429, reason::TOO_MANY_REQUESTS),
            Fault::Internal | Fault::DropWatch => (500, reason::INTERNAL_ERROR),
        };
        HubError::new(code, why, format!("injected fault {self:?}"))
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

/// Faults waiting for their request, and the requests answered.
#[derive(Default)]
struct Log {
    faults: VecDeque<(Option<Verb>, Fault)>,
    requests: Vec<RequestRecord>,
}

/// The store behind the HTTP routes, with the fault queue and the request log.
pub(crate) struct Server {
    pub(crate) store: Store,
    log: Mutex<Log>,
}

impl Server {
    pub(crate) fn new() -> Self {
        Server {
            store: Store::new(),
            log: Mutex::new(Log::default()),
        }
    }

    fn log(&self) -> MutexGuard<'_, Log> {
        self.log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Answers the next request of `verb` (any verb when `None`) with `fault`.
    pub(crate) fn inject(&self, verb: Option<Verb>, fault: Fault) {
        self.log().faults.push_back((verb, fault));
    }

    /// Every request answered so far.
    pub(crate) fn requests(&self) -> Vec<RequestRecord> {
        self.log().requests.clone()
    }

    /// Takes the first fault queued for `verb` (or for any verb).
    fn take_fault(&self, verb: Verb) -> Option<Fault> {
        let mut log = self.log();
        let at = log
            .faults
            .iter()
            .position(|(v, _)| v.is_none_or(|v| v == verb));
        at.and_then(|i| log.faults.remove(i)).map(|(_, f)| f)
    }

    /// Answers one request.
    async fn respond<E: std::fmt::Display>(
        &self,
        parts: http::request::Parts,
        body: Result<Bytes, E>,
    ) -> Response<HubBody> {
        let body = match body {
            Ok(b) => b,
            Err(e) => return refusal(&HubError::new(400, reason::BAD_REQUEST, e.to_string())),
        };
        let query = parts.uri.query().unwrap_or_default().to_owned();
        let params = Params::parse(&query);
        let content_type = parts
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let path = parts.uri.path().to_owned();
        let target = parse_path(&path);
        let has_name = target.as_ref().is_some_and(|t| t.name.is_some());
        let verb = match parts.method {
            Method::GET if params.watch => Verb::Watch,
            Method::GET if has_name => Verb::Get,
            Method::GET => Verb::List,
            Method::POST => Verb::Create,
            Method::PATCH if content_type.as_deref() == Some(APPLY_PATCH) => Verb::Apply,
            Method::PATCH => Verb::Patch,
            Method::PUT => Verb::Update,
            _ => Verb::Delete,
        };
        let fault = self.take_fault(verb);
        let mut record = RequestRecord {
            verb,
            path: path.clone(),
            query,
            content_type: content_type.clone(),
            code: 200,
            dry_run: params.dry_run,
            fault,
        };
        let answer = match (fault, target) {
            (Some(Fault::DropWatch), _) if verb == Verb::Watch => {
                tracing::debug!(%path, "fake hub: dropping the watch");
                Response::new(Full::new(Bytes::new()).boxed_unsync())
            }
            (Some(f), _) => refusal(&f.error()),
            (None, None) => refusal(&HubError::new(
                404,
                reason::NOT_FOUND,
                format!("the server could not find the requested resource ({path})"),
            )),
            (None, Some(t)) if verb == Verb::Watch => self.watch(&t, &params),
            (None, Some(t)) => {
                match self.handle(verb, &t, &params, &body, content_type.as_deref()) {
                    Ok((code, value)) => json_answer(&value, code),
                    Err(e) => refusal(&e),
                }
            }
        };
        record.code = answer.status().as_u16();
        if verb != Verb::Watch {
            tracing::debug!(?verb, %path, code = record.code, "fake hub");
        }
        self.log().requests.push(record);
        answer
    }

    /// Answers every verb but watch.
    fn handle(
        &self,
        verb: Verb,
        t: &Target,
        params: &Params,
        body: &[u8],
        content_type: Option<&str>,
    ) -> Result<(u16, Value), HubError> {
        let mut st = self.store.lock();
        let def = st
            .resources
            .find_plural(&t.group, &t.version, &t.plural)
            .cloned()
            .ok_or_else(|| {
                HubError::new(
                    404,
                    reason::NOT_FOUND,
                    format!(
                        "the server could not find the requested resource ({}/{})",
                        t.group, t.plural
                    ),
                )
            })?;
        if t.status && !def.status {
            return Err(HubError::new(
                404,
                reason::NOT_FOUND,
                format!("{} has no status subresource", def.kind),
            ));
        }
        let name = t.name.as_deref().unwrap_or_default();
        let ns = if def.namespaced {
            t.namespace.as_deref()
        } else {
            None
        };
        let write = |name| Write {
            def: &def,
            namespace: ns,
            name,
            manager: &params.field_manager,
            status: t.status,
            dry_run: params.dry_run,
            force: true,
            strict: params.strict,
        };
        match verb {
            Verb::Get => st
                .get(&def, ns, name)
                .map(|o| (200, o.clone()))
                .ok_or_else(|| HubError::not_found(&def, name)),
            Verb::List => {
                let selector = params.selector(t.namespace.clone())?;
                let list = ObjectList {
                    types: TypeMeta {
                        api_version: def.api_version(),
                        kind: format!("{}List", def.kind),
                    },
                    metadata: ListMeta {
                        resource_version: Some(st.rv.to_string()),
                        ..ListMeta::default()
                    },
                    items: st.select(&def, &selector),
                };
                Ok((200, to_value(&list)))
            }
            Verb::Delete => st
                .delete(&def, ns, name, params.dry_run)
                .map(|o| (200, o))
                .ok_or_else(|| HubError::not_found(&def, name)),
            Verb::Apply => {
                let write = Write {
                    force: params.force,
                    ..write(name)
                };
                st.apply(&write, decode(body)?)
                    .map(|(o, created)| (if created { 201 } else { 200 }, o))
            }
            Verb::Create => {
                let incoming = decode(body)?;
                let name = incoming["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                st.create(&write(&name), incoming).map(|o| (201, o))
            }
            Verb::Update => st.replace(&write(name), decode(body)?).map(|o| (200, o)),
            Verb::Patch => {
                if content_type == Some("application/json-patch+json") {
                    return Err(HubError::new(
                        415,
                        reason::UNSUPPORTED_MEDIA_TYPE,
                        "JSON patches are not supported by the fake hub; use apply or merge patches",
                    ));
                }
                st.merge_patch(&write(name), &decode(body)?)
                    .map(|o| (200, o))
            }
            Verb::Watch => Err(HubError::new(
                500,
                reason::INTERNAL_ERROR,
                "watch handled elsewhere",
            )),
        }
    }

    /// A watch: newline-delimited JSON events until the timeout (`timeoutSeconds`, or half an
    /// hour).
    fn watch(&self, t: &Target, params: &Params) -> Response<HubBody> {
        let st = self.store.lock();
        let Some(def) = st
            .resources
            .find_plural(&t.group, &t.version, &t.plural)
            .cloned()
        else {
            return refusal(&HubError::new(
                404,
                reason::NOT_FOUND,
                format!(
                    "the server could not find the requested resource ({}/{}/{})",
                    t.group, t.version, t.plural
                ),
            ));
        };
        let namespace = if def.namespaced {
            t.namespace.clone()
        } else {
            None
        };
        let selector = match params.selector(namespace) {
            Ok(s) => s,
            Err(e) => return refusal(&e),
        };
        let start = match params.resource_version.filter(|rv| *rv > 0) {
            Some(rv) => Start::Since(rv),
            None => Start::Objects(st.objects_of(&def).collect()),
        };
        let scope = Scope {
            api_version: def.api_version(),
            kind: def.kind.clone(),
            selector,
        };
        let events = watch::events(&st.feed, start, st.rv, scope, params.timeout);
        drop(st);
        let lines = events.map(|event| {
            let mut line = serde_json::to_vec(&WatchLine::from(event)).unwrap_or_default();
            line.push(b'\n');
            Ok::<_, Infallible>(Frame::data(Bytes::from(line)))
        });
        Response::new(StreamBody::new(lines).boxed_unsync())
    }
}

/// The content type of a server-side apply.
const APPLY_PATCH: &str = "application/apply-patch+yaml";

/// The query parameters the hub reads.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Params {
    /// `watch=true` (or `1`).
    watch: bool,
    /// `dryRun=All`.
    dry_run: bool,
    /// `fieldManager`, `unknown` when absent.
    field_manager: String,
    /// `force=true` (server-side apply).
    force: bool,
    /// `fieldValidation=Strict`.
    strict: bool,
    /// `resourceVersion` of a watch, when it is a number.
    resource_version: Option<u64>,
    /// `timeoutSeconds` of a watch (half an hour when absent).
    timeout: Duration,
    label_selector: Option<String>,
    field_selector: Option<String>,
}

impl Params {
    fn parse(query: &str) -> Self {
        let map: BTreeMap<String, String> = form_urlencoded::parse(query.as_bytes())
            .filter(|(k, _)| !k.is_empty())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let is = |key: &str, value: &str| map.get(key).is_some_and(|v| v == value);
        Params {
            watch: is("watch", "true") || is("watch", "1"),
            dry_run: is("dryRun", "All"),
            field_manager: map
                .get("fieldManager")
                .cloned()
                .unwrap_or_else(|| "unknown".into()),
            force: is("force", "true"),
            strict: is("fieldValidation", "Strict"),
            resource_version: map.get("resourceVersion").and_then(|rv| rv.parse().ok()),
            timeout: map
                .get("timeoutSeconds")
                .and_then(|s| s.parse().ok())
                .map_or(Duration::from_secs(1800), Duration::from_secs),
            label_selector: map.get("labelSelector").cloned(),
            field_selector: map.get("fieldSelector").cloned(),
        }
    }

    /// The objects the request selects in `namespace`; `400 BadRequest` for a selector that
    /// does not parse, as the API server answers.
    fn selector(&self, namespace: Option<String>) -> Result<ObjectSelector, HubError> {
        ObjectSelector::parse(
            namespace,
            self.label_selector.as_deref(),
            self.field_selector.as_deref(),
        )
        .map_err(|e| HubError::new(400, reason::BAD_REQUEST, e))
    }
}

/// A request body as JSON, or YAML (apply patches may be either).
fn decode(body: &[u8]) -> Result<Value, HubError> {
    let parsed: Result<Value, String> = serde_json::from_slice(body).or_else(|_| {
        std::str::from_utf8(body)
            .map_err(|e| e.to_string())
            .and_then(|s| serde_saphyr::from_str(s).map_err(|e| e.to_string()))
    });
    parsed.map_err(|e| {
        HubError::new(
            400,
            reason::BAD_REQUEST,
            format!("the body does not decode: {e}"),
        )
    })
}

fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// A kube-core `Status` as the API server sends it: with its `kind` and `apiVersion`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusBody {
    api_version: &'static str,
    kind: &'static str,
    #[serde(flatten)]
    status: Status,
}

impl From<&HubError> for StatusBody {
    fn from(e: &HubError) -> Self {
        let causes: Vec<StatusCause> = e
            .causes
            .iter()
            .map(|c| StatusCause {
                reason: c.kind.reason().to_owned(),
                message: c.message.clone(),
                field: c.path.clone(),
            })
            .collect();
        let mut status = Status::failure(&e.message, e.reason).with_code(e.code);
        status.metadata = Some(ListMeta::default());
        if !causes.is_empty() {
            status = status.with_details(StatusDetails {
                name: String::new(),
                group: String::new(),
                kind: String::new(),
                uid: String::new(),
                causes,
                retry_after_seconds: 0,
            });
        }
        StatusBody {
            api_version: "v1",
            kind: "Status",
            status,
        }
    }
}

/// One line of a watch: `{"type": ..., "object": ...}`.
#[derive(Serialize)]
struct WatchLine {
    #[serde(rename = "type")]
    kind: &'static str,
    object: Value,
}

impl From<Event> for WatchLine {
    fn from(event: Event) -> Self {
        match event {
            Event::Object { kind, object } => WatchLine { kind, object },
            // The API server's wording: "too old resource version: %d (%d)" with the version
            // before the oldest it can deliver (k8s.io/apiserver@v0.36.3:pkg/storage/cacher/
            // watch_cache.go `getAllEventsSinceLocked`).
            Event::Expired(e) => WatchLine {
                kind: "ERROR",
                object: to_value(&StatusBody::from(&HubError::new(
                    410,
                    reason::EXPIRED,
                    format!(
                        "too old resource version: {} ({})",
                        e.requested,
                        e.oldest - 1
                    ),
                ))),
            },
        }
    }
}

/// A JSON answer with `code`.
fn json_answer(value: &Value, code: u16) -> Response<HubBody> {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut resp = Response::new(Full::new(Bytes::from(body)).boxed_unsync());
    *resp.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    resp
}

/// The `Status` answer of a refusal.
fn refusal(e: &HubError) -> Response<HubBody> {
    json_answer(&to_value(&StatusBody::from(e)), e.code)
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

/// A client answered by `server` in process (default namespace `default`). Call it inside a
/// Tokio runtime: the client spawns its request buffer there.
pub(crate) fn client(server: Arc<Server>) -> kube::Client {
    let service = tower::service_fn(move |req: Request<kube::client::Body>| {
        let server = Arc::clone(&server);
        async move {
            let (parts, body) = req.into_parts();
            let body = body.collect_bytes().await;
            Ok::<_, Infallible>(server.respond(parts, body).await)
        }
    });
    kube::Client::new(service, "default")
}

/// Serves `server` over plain HTTP/1.1 on `listener` until the returned task is aborted.
pub(crate) fn serve_http(
    server: Arc<Server>,
    listener: tokio::net::TcpListener,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(e) => {
                    tracing::warn!(error = %e, "fake hub: accept failed");
                    continue;
                }
            };
            let server = Arc::clone(&server);
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                        let server = Arc::clone(&server);
                        async move {
                            let (parts, body) = req.into_parts();
                            let body = body.collect().await.map(|c| c.to_bytes());
                            Ok::<_, Infallible>(server.respond(parts, body).await)
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

    /// The body of a refusal decodes as the API server's `Status` (the shape of
    /// k8s.io/apimachinery@v0.36.3:pkg/apis/meta/v1/types.go `Status`, written out here).
    #[test]
    fn refusals_are_status_objects_with_kind_and_causes() {
        let mut e = HubError::new(422, reason::INVALID, "x is invalid");
        e.causes.push(structural_schema::Violation {
            path: "spec.replicas".into(),
            kind: structural_schema::ViolationKind::TypeInvalid,
            message: "bad".into(),
        });
        let body = to_value(&StatusBody::from(&e));
        assert_eq!(
            body,
            serde_json::json!({"kind": "Status", "apiVersion": "v1", "metadata": {},
                "status": "Failure", "message": "x is invalid", "reason": "Invalid", "code": 422,
                "details": {"causes": [{"reason": "FieldValueTypeInvalid", "message": "bad",
                    "field": "spec.replicas"}]}})
        );
        let line = to_value(&WatchLine::from(Event::Expired(watch::Expired {
            requested: 3,
            oldest: 10,
        })));
        assert_eq!(line["type"], "ERROR");
        assert_eq!(line["object"]["code"], 410);
        assert_eq!(line["object"]["reason"], "Expired");
        assert_eq!(line["object"]["message"], "too old resource version: 3 (9)");
    }
}
