//! OCM registration: a managed cluster joined and accepted as `clusteradm` leaves it, and
//! its availability as the registration controller sees it (its lease renewed or stopped).

use emulated_hub::FakeHub;
use serde_json::{Value, json};

use crate::writer::Writer;

/// Field manager of the simulated registration controller.
const REGISTRATION_MANAGER: &str = "registration-controller";

/// A managed cluster joined and accepted, as `clusteradm` leaves it: its namespace, the
/// ManagedCluster (labels and annotations) and its status as the environment gives it.
pub(crate) fn join(hub: &FakeHub, mc: &ocm_types::cluster::v1::ManagedCluster) {
    let Some(name) = mc.metadata.name.as_deref() else {
        return;
    };
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
    let mut cluster = serde_json::to_value(mc).unwrap_or_default();
    if let Some(m) = cluster["metadata"].as_object_mut() {
        m.retain(|k, _| matches!(k.as_str(), "name" | "labels" | "annotations"));
    }
    let status = cluster.as_object_mut().and_then(|m| m.remove("status"));
    for (config, status) in [(ns, false), (cluster.clone(), false)] {
        if let Err(e) = hub.apply("clusteradm", &config, status) {
            tracing::warn!(error = %e, "seeding the fake hub");
        }
    }
    if let Some(status) = status {
        let config = json!({"apiVersion": cluster["apiVersion"], "kind": "ManagedCluster",
            "metadata": {"name": name}, "status": status});
        if let Err(e) = hub.apply(REGISTRATION_MANAGER, &config, true) {
            tracing::warn!(error = %e, "seeding the fake hub");
        }
    }
}

/// The ManagedCluster's availability as the registration controller sees it: `True` while
/// the cluster is `up`, `Unknown` once its lease stopped.
pub(crate) fn report(out: &mut Writer, cluster: &str, up: bool) {
    let available = if up { "True" } else { "Unknown" };
    let Some(mut mc) = out.hub.get(
        "cluster.open-cluster-management.io/v1",
        "ManagedCluster",
        None,
        cluster,
    ) else {
        return;
    };
    let mut conditions: Vec<Value> = mc["status"]["conditions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    conditions.retain(|c| c["type"] != "ManagedClusterConditionAvailable");
    conditions.push(json!({"type": "ManagedClusterConditionAvailable", "status": available,
        "reason": if available == "True" { "ManagedClusterAvailable" } else { "ManagedClusterLeaseUpdateStopped" },
        "message": "reported by the simulated registration controller",
        "lastTransitionTime": mc["metadata"]["creationTimestamp"]}));
    mc["status"]["conditions"] = Value::Array(conditions);
    let config = json!({"apiVersion": mc["apiVersion"], "kind": "ManagedCluster",
        "metadata": {"name": cluster}, "status": mc["status"].take()});
    out.apply(REGISTRATION_MANAGER, &config, true);
}
