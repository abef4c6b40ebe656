//! The KubeDB provisioner's PetSet for a distributed MariaDB, from the MariaDB and the
//! MariaDBVersion as the hub stores them.
//!
//! The provisioner (`kubedb/provisioner`) is not public, so only what public sources tell is
//! built (`../shared/reference/kubedb.md` §4 to §6): the labels and selectors of
//! `apimachinery@v0.57.0:apis/kubedb/v1/mariadb_helpers.go`, the governing service
//! `<db>-pods`, the placement policy passed through, and what a distributed pod needs to start
//! per kubedb/mariadb-init-docker `on-start.sh` (the `/scripts` volume the coordinator writes
//! `peer-list` to, the `podip` downward-API volume at `/etc/podip` holding the KubeSlice
//! overlay IP the pod is labelled with, `kubeslice.io/nsmIP`; names from
//! `apimachinery@v0.57.0:apis/kubedb/constants.go`). Probes, resources, security contexts,
//! init containers and the operator's other sidecars are left out.

use serde_json::{Map, Value, json};

/// KubeDB's selector labels of a MariaDB (`OffshootSelectors`): name, instance, managed-by,
/// and the namespace when the database is distributed.
pub fn selectors(db: &Value) -> Map<String, Value> {
    let mut labels = Map::new();
    labels.insert(
        "app.kubernetes.io/name".into(),
        json!("mariadbs.kubedb.com"),
    );
    labels.insert(
        "app.kubernetes.io/instance".into(),
        db["metadata"]["name"].clone(),
    );
    labels.insert("app.kubernetes.io/managed-by".into(), json!("kubedb.com"));
    if db["spec"]["distributed"].as_bool() == Some(true) {
        labels.insert(
            "app.kubernetes.io/namespace".into(),
            db["metadata"]["namespace"].clone(),
        );
    }
    labels
}

/// KubeDB's labels of what it creates for a MariaDB (`OffshootLabels`, `offshootLabels`): the
/// selectors plus `app.kubernetes.io/component: database`.
pub fn offshoot_labels(db: &Value) -> Map<String, Value> {
    let mut labels = selectors(db);
    labels.insert("app.kubernetes.io/component".into(), json!("database"));
    labels
}

/// KubeDB's pod labels (`PodLabels`): [`offshoot_labels`] with the pod template's own labels
/// (those not under `kubedb.com`) under them.
pub fn pod_labels(db: &Value) -> Map<String, Value> {
    let mut labels: Map<String, Value> = db["spec"]["podTemplate"]["metadata"]["labels"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| !k.contains("kubedb.com"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    labels.extend(offshoot_labels(db));
    labels
}

/// The PetSet the provisioner creates for `db`; `version` is the MariaDBVersion object the
/// database names, when the hub has it (its `db` and `coordinator` images go to the
/// containers).
pub fn petset_of(db: &Value, version: Option<&Value>) -> Value {
    let name = db["metadata"]["name"].as_str().unwrap_or_default();
    let ns = &db["metadata"]["namespace"];
    let policy = db["spec"]["podTemplate"]["spec"]["podPlacementPolicy"]["name"]
        .as_str()
        .unwrap_or("default");
    let sst = db["spec"]["wsrepSSTMethod"].as_str().unwrap_or("rsync");
    let image = |part: &str| version.and_then(|v| v["spec"][part]["image"].as_str());
    let container = |container: &str, part: &str| {
        let mut c = json!({"name": container});
        if let Some(image) = image(part) {
            c["image"] = json!(image);
        }
        c
    };
    let scripts = json!({"name": "init-scripts", "mountPath": "/scripts"});
    let mut mariadb = container("mariadb", "db");
    mariadb["env"] = json!([
        {"name": "DISTRIBUTED", "value": "true"},
        {"name": "CLUSTER_NAME", "value": name},
        {"name": "WSREP_SST_METHOD", "value": sst}
    ]);
    mariadb["volumeMounts"] = json!([
        {"name": "data", "mountPath": "/var/lib/mysql"},
        scripts,
        {"name": "podip", "mountPath": "/etc/podip"}
    ]);
    let mut coordinator = container("md-coordinator", "coordinator");
    coordinator["volumeMounts"] = json!([scripts]);
    let labels = offshoot_labels(db);
    let mut petset = json!({"apiVersion": "apps.k8s.appscode.com/v1", "kind": "PetSet",
    "metadata": {"name": name, "namespace": ns, "labels": labels},
    "spec": {
        "replicas": db["spec"]["replicas"].as_i64().unwrap_or(1),
        "distributed": db["spec"]["distributed"].as_bool().unwrap_or(false),
        "serviceName": format!("{name}-pods"),
        "podPlacementPolicy": {"name": policy},
        "selector": {"matchLabels": selectors(db)},
        "template": {
            "metadata": {"labels": pod_labels(db)},
            "spec": {
                "containers": [mariadb, coordinator],
                "volumes": [
                    {"name": "init-scripts", "emptyDir": {}},
                    {"name": "podip", "downwardAPI": {"items": [{"path": "podip",
                        "fieldRef": {"fieldPath": "metadata.labels['kubeslice.io/nsmIP']"}}]}}
                ]
            }
        }
    }});
    // The data volume's claim template, from `spec.storage` (none for `storageType: Ephemeral`).
    if db["spec"]["storage"].is_object() && db["spec"]["storageType"] != "Ephemeral" {
        petset["spec"]["volumeClaimTemplates"] = json!([{
            "metadata": {"name": "data", "labels": labels},
            "spec": db["spec"]["storage"]
        }]);
    }
    petset
}
