//! The hub's API semantics through a `kube::Client`, as the API server answers them: watch
//! resume and `410 Expired`, create/update/merge patch, server-side apply with owners,
//! conflicts, `force` and field removal, the status subresource, dry runs, selectors, and
//! serving over HTTP from a kubeconfig.
//!
//! The expected answers are the API server's documented behaviour (the references are in the
//! crate's modules); nothing here is computed by the hub's own code.

use emulated_hub::{FakeHub, Fault, Verb};
use kube::api::{Api, DynamicObject, ListParams, Patch, PatchParams};
use kubedb_types::kubedb::v1::MariaDB;
use serde_json::json;

/// Creates a namespace, as `kubectl create namespace` would.
fn namespace(hub: &FakeHub, name: &str) {
    hub.apply(
        "kubectl",
        &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}),
        false,
    )
    .expect("namespace");
}

#[tokio::test]
async fn server_side_apply_tracks_owners_and_conflicts() {
    let hub = FakeHub::new();
    hub.register::<MariaDB>();
    namespace(&hub, "demo");
    let api: Api<DynamicObject> = Api::namespaced_with(
        hub.client(),
        "demo",
        &kube::core::ApiResource::erase::<MariaDB>(&()),
    );
    let obj = |replicas: u32, labels: serde_json::Value| {
        json!({"apiVersion": "kubedb.com/v1", "kind": "MariaDB",
            "metadata": {"name": "m", "namespace": "demo", "labels": labels},
            "spec": {"version": "11.5.2", "replicas": replicas},
            "status": {"phase": "Ready"}})
    };
    let a = PatchParams::apply("alice");
    let first = api
        .patch("m", &a, &Patch::Apply(&obj(3, json!({"team": "db"}))))
        .await
        .expect("create");
    assert_eq!(first.metadata.generation, Some(1));
    assert!(
        first.data.get("status").is_none(),
        "status is ignored on the main resource"
    );
    let bob = PatchParams::apply("bob");
    let e = api
        .patch("m", &bob, &Patch::Apply(&obj(5, json!({}))))
        .await
        .expect_err("bob conflicts with alice on spec.replicas");
    assert!(
        e.to_string()
            .contains("conflict with \"alice\": .spec.replicas"),
        "{e}"
    );
    let taken = api
        .patch("m", &bob.clone().force(), &Patch::Apply(&obj(5, json!({}))))
        .await
        .expect("force takes ownership");
    assert_eq!(taken.data["spec"]["replicas"], 5);
    assert_eq!(taken.metadata.generation, Some(2));
    // Alice stops setting her label: it is removed; replicas now belong to bob and stay.
    let mut alice_again = obj(5, json!({}));
    alice_again["spec"]
        .as_object_mut()
        .map(|s| s.remove("replicas"));
    let after = api
        .patch("m", &a, &Patch::Apply(&alice_again))
        .await
        .expect("alice re-applies");
    assert_eq!(after.metadata.labels, None);
    assert_eq!(after.data["spec"]["replicas"], 5);
    // The status subresource takes only the status.
    let status = api
        .patch_status(
            "m",
            &PatchParams::apply("operator"),
            &Patch::Apply(&obj(9, json!({}))),
        )
        .await
        .expect("status apply");
    assert_eq!(status.data["status"]["phase"], "Ready");
    assert_eq!(status.data["spec"]["replicas"], 5);
    assert_eq!(
        status.metadata.generation,
        Some(2),
        "status does not bump the generation"
    );
    // Dry run answers and stores nothing; delete removes.
    let rv = hub.resource_version();
    let mut dry = PatchParams::apply("bob").force();
    dry.dry_run = true;
    let would = api
        .patch("m", &dry, &Patch::Apply(&obj(7, json!({}))))
        .await
        .expect("dry run");
    assert_eq!(would.data["spec"]["replicas"], 7);
    assert_eq!(hub.resource_version(), rv);
    api.delete("m", &Default::default()).await.expect("delete");
    assert!(api.get_opt("m").await.expect("get").is_none());
}

#[tokio::test]
async fn watches_resume_from_a_resource_version_and_expire_when_too_old() {
    use futures::{StreamExt, TryStreamExt};
    use kube::api::{WatchEvent, WatchParams};
    let hub = FakeHub::new();
    namespace(&hub, "demo");
    let cm = |n: u32| {
        json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": format!("cm-{}", n % 3), "namespace": "demo"}, "data": {"n": n.to_string()}})
    };
    hub.apply("t", &cm(0), false).expect("apply");
    let api: Api<k8s_openapi::api::core::v1::ConfigMap> = Api::namespaced(hub.client(), "demo");
    let listed = api.list(&ListParams::default()).await.expect("list");
    let from = listed.metadata.resource_version.expect("list version");
    for n in 1..=3 {
        hub.apply("t", &cm(n), false).expect("apply");
    }
    // Resuming from the list's version replays exactly the later changes, in order.
    let wp = WatchParams::default().fields("metadata.name=cm-1");
    let stream = api.watch(&wp, &from).await.expect("watch");
    let first = std::pin::pin!(stream).try_next().await.expect("event");
    let Some(WatchEvent::Added(o)) = first else {
        panic!("{first:?}")
    };
    assert_eq!(
        o.data.and_then(|d| d.get("n").cloned()),
        Some("1".to_owned())
    );

    // After more changes than the history keeps, the old version is gone: 410 Expired.
    for n in 0..4100 {
        hub.apply("t", &cm(n), false).expect("apply");
    }
    let stream = api
        .watch(&WatchParams::default(), &from)
        .await
        .expect("watch");
    let events: Vec<_> = stream.take(1).collect().await;
    match &events[..] {
        [Ok(WatchEvent::Error(e))] => assert_eq!(e.code, 410, "{e:?}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn create_update_and_merge_patch_follow_the_api_server() {
    use k8s_openapi::api::core::v1::ConfigMap;
    use kube::api::PostParams;
    let hub = FakeHub::new();
    namespace(&hub, "demo");
    let api: Api<ConfigMap> = Api::namespaced(hub.client(), "demo");
    let cm: ConfigMap = serde_json::from_value(json!({"metadata": {"name": "c"},
        "data": {"a": "1", "b": "2"}}))
    .expect("config map");
    let created = api
        .create(&PostParams::default(), &cm)
        .await
        .expect("create");
    let e = api
        .create(&PostParams::default(), &cm)
        .await
        .expect_err("exists");
    assert!(
        matches!(&e, kube::Error::Api(s) if s.code == 409 && s.reason == "AlreadyExists"),
        "{e}"
    );
    // An update with a stale resource version conflicts; a current one replaces the object.
    let mut stale = created.clone();
    stale.metadata.resource_version = Some("1".into());
    stale.data = None;
    let e = api
        .replace("c", &PostParams::default(), &stale)
        .await
        .expect_err("stale");
    assert!(matches!(&e, kube::Error::Api(s) if s.code == 409), "{e}");
    let mut current = created.clone();
    current.data = Some([("c".to_owned(), "3".to_owned())].into());
    let replaced = api
        .replace("c", &PostParams::default(), &current)
        .await
        .expect("replace");
    assert_eq!(
        replaced.data, current.data,
        "fields left out of an update are dropped"
    );
    let patched = api
        .patch(
            "c",
            &PatchParams::default(),
            &Patch::Merge(json!({"data": {"c": null, "d": "4"}})),
        )
        .await
        .expect("merge patch");
    assert_eq!(
        patched.data,
        Some([("d".to_owned(), "4".to_owned())].into())
    );
    let e = api.get("missing").await.expect_err("404");
    assert!(matches!(&e, kube::Error::Api(s) if s.code == 404), "{e}");
    let wrong = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "c"}});
    let e = api
        .patch("c", &PatchParams::apply("t"), &Patch::Apply(&wrong))
        .await
        .expect_err("kind mismatch");
    assert!(matches!(&e, kube::Error::Api(s) if s.code == 400), "{e}");
    // A controller inside the hub deletes it; clients see it gone.
    assert!(hub.delete("v1", "ConfigMap", Some("demo"), "c").is_some());
    assert!(api.get_opt("c").await.expect("get").is_none());
    assert!(hub.get_as::<ConfigMap>(Some("demo"), "c").is_none());
}

/// Label selectors with the set-based forms of k8s.io/apimachinery@v0.36.3:pkg/labels/
/// selector.go, field selectors, and `400 BadRequest` for one that does not parse, on list
/// and on watch.
#[tokio::test]
async fn lists_and_watches_select_by_labels_and_fields() {
    use futures::{StreamExt, TryStreamExt};
    use kube::api::{WatchEvent, WatchParams};
    let hub = FakeHub::new();
    namespace(&hub, "demo");
    for (name, labels) in [
        ("a", json!({"app": "db", "tier": "1"})),
        ("b", json!({"app": "web"})),
        ("c", json!({"app": "cache", "tier": "2"})),
        ("d", json!({})),
    ] {
        hub.apply(
            "t",
            &json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": name, "namespace": "demo", "labels": labels}}),
            false,
        )
        .expect("apply");
    }
    let api: Api<k8s_openapi::api::core::v1::ConfigMap> = Api::namespaced(hub.client(), "demo");
    let names = |lp: ListParams| {
        let api = api.clone();
        async move {
            api.list(&lp)
                .await
                .expect("list")
                .items
                .into_iter()
                .filter_map(|c| c.metadata.name)
                .collect::<Vec<_>>()
        }
    };
    let labels = |s: &str| ListParams::default().labels(s);
    assert_eq!(names(labels("app in (db,web)")).await, ["a", "b"]);
    assert_eq!(names(labels("app notin (db,web)")).await, ["c", "d"]);
    assert_eq!(names(labels("!tier")).await, ["b", "d"]);
    assert_eq!(names(labels("tier,app!=db")).await, ["c"]);
    assert_eq!(names(labels("app==web")).await, ["b"]);
    assert_eq!(
        names(ListParams::default().fields("metadata.name!=a")).await,
        ["b", "c", "d"]
    );
    for bad in [
        labels("app in (db"),
        ListParams::default().fields("metadata.name"),
    ] {
        let e = api.list(&bad).await.expect_err("400");
        assert!(
            matches!(&e, kube::Error::Api(s) if s.code == 400 && s.reason == "BadRequest"),
            "{e}"
        );
    }
    // A watch follows only the objects its selector selects.
    let from = api
        .list(&ListParams::default())
        .await
        .expect("list")
        .metadata
        .resource_version
        .expect("version");
    // Another manager, so the labels "t" applied stay.
    for name in ["a", "b"] {
        hub.apply(
            "data",
            &json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": name, "namespace": "demo"}, "data": {"k": "v"}}),
            false,
        )
        .expect("apply");
    }
    let stream = api
        .watch(
            &WatchParams::default().labels("app in (web)").timeout(5),
            &from,
        )
        .await
        .expect("watch");
    let first = std::pin::pin!(stream).try_next().await.expect("event");
    let Some(WatchEvent::Modified(o)) = first else {
        panic!("{first:?}")
    };
    assert_eq!(o.metadata.name.as_deref(), Some("b"));
    let bad = api
        .watch(&WatchParams::default().labels("app in"), &from)
        .await;
    match bad {
        Err(kube::Error::Api(s)) => assert_eq!(s.code, 400),
        Ok(s) => panic!("{:?}", s.take(1).collect::<Vec<_>>().await),
        Err(e) => panic!("{e}"),
    }
}

/// Over HTTP from a kubeconfig, as a tool that only takes a kubeconfig would reach it:
/// objects round-trip, a dropped watch closes at once and the next one works, and a refusal
/// is a `Status` object on the wire (read with a raw HTTP/1.1 request, not kube's decoder).
#[tokio::test]
async fn serve_http_answers_a_client_built_from_a_kubeconfig() {
    use kube::config::{KubeConfigOptions, Kubeconfig};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let hub = FakeHub::new();
    namespace(&hub, "demo");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let server = hub.serve_http(listener);
    let kubeconfig = Kubeconfig::from_yaml(&format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster: {{server: \"http://{addr}\"}}\n\
         users:\n- name: admin\n  user: {{token: t}}\ncontexts:\n- name: hub\n  context: {{cluster: fake, user: admin, namespace: demo}}\n\
         current-context: hub\n"
    ))
    .expect("kubeconfig");
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .expect("config");
    let client = kube::Client::try_from(config).expect("client");
    let api: Api<k8s_openapi::api::core::v1::ConfigMap> = Api::default_namespaced(client);
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "c", "namespace": "demo"}, "data": {"a": "1"}});
    let stored = api
        .patch("c", &PatchParams::apply("http"), &Patch::Apply(&cm))
        .await
        .expect("apply over HTTP");
    assert_eq!(stored.data, Some([("a".to_owned(), "1".to_owned())].into()));
    assert!(hub.get("v1", "ConfigMap", Some("demo"), "c").is_some());

    hub.inject(Some(Verb::Watch), Fault::DropWatch);
    let wp = kube::api::WatchParams::default();
    let dropped = api.watch(&wp, "0").await.expect("watch");
    {
        use futures::StreamExt;
        assert_eq!(dropped.count().await, 0, "the dropped watch ends at once");
        let mut next = std::pin::pin!(api.watch(&wp, "0").await.expect("watch"));
        assert!(
            matches!(next.next().await, Some(Ok(kube::api::WatchEvent::Added(_)))),
            "the next watch lists the config map"
        );
    }
    let fired: Vec<(Verb, Option<Fault>, u16)> = hub
        .requests()
        .into_iter()
        .filter(|r| r.verb == Verb::Watch)
        .map(|r| (r.verb, r.fault, r.code))
        .collect();
    assert_eq!(
        fired,
        [
            (Verb::Watch, Some(Fault::DropWatch), 200),
            (Verb::Watch, None, 200)
        ]
    );

    let mut raw = tokio::net::TcpStream::connect(addr).await.expect("connect");
    raw.write_all(
        b"GET /api/v1/namespaces/demo/configmaps/missing HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n",
    )
    .await
    .expect("request");
    let mut answer = String::new();
    raw.read_to_string(&mut answer).await.expect("answer");
    let (head, body) = answer.split_once("\r\n\r\n").expect("head and body");
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");
    let status: serde_json::Value = serde_json::from_str(body).expect("JSON body");
    assert_eq!(
        (
            &status["kind"],
            &status["apiVersion"],
            &status["status"],
            &status["reason"],
            &status["code"],
            &status["message"]
        ),
        (
            &json!("Status"),
            &json!("v1"),
            &json!("Failure"),
            &json!("NotFound"),
            &json!(404),
            &json!("configmaps \"missing\" not found")
        )
    );
    server.abort();
}
