//! The KubeSlice controller and workers, as far as the walkthrough needs them: a Project's
//! namespace, `Registered` Clusters, a healthy WorkerSliceConfig per slice cluster, and the
//! application namespaces the hub's own worker onboards. The names are KubeSlice's own
//! ([`project_namespace`], [`worker_slice_config_name`] from `kubeslice-types`), not the
//! deployer's, so a deployer that named them wrongly would not be agreed with.

use std::collections::BTreeSet;

use kubeslice_types::controller::v1alpha1::{SliceConfigSpec, project_namespace};
use kubeslice_types::worker::v1alpha1::worker_slice_config_name;
use serde_json::{Value, json};

use crate::writer::Writer;

/// Field manager of the simulated KubeSlice controller and workers.
pub const KUBESLICE_MANAGER: &str = "kubeslice-controller";
/// Field manager of the simulated KubeSlice workers' own writes (onboarded namespaces, slice
/// health).
const WORKER_MANAGER: &str = "kubeslice-worker";

/// A Project was written: the controller creates its namespace, labelled with the project.
pub(crate) fn project(out: &mut Writer, name: &str) {
    out.apply(
        KUBESLICE_MANAGER,
        &json!({"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": project_namespace(name),
                         "labels": {"kubeslice-project": name}}}),
        false,
    );
}

/// A Cluster was written: it is `Registered` with its network present, its health `Normal`
/// unless the cluster is `down`.
pub(crate) fn cluster(
    out: &mut Writer,
    api_version: &str,
    (ns, name): (&str, &str),
    down: &BTreeSet<String>,
) {
    let healthy = !down.contains(name);
    out.apply(
        KUBESLICE_MANAGER,
        &json!({"apiVersion": api_version, "kind": "Cluster",
            "metadata": {"name": name, "namespace": ns},
            "status": {"registrationStatus": "Registered", "networkPresent": true,
                       "clusterHealth": {"clusterHealthStatus": if healthy { "Normal" } else { "Warning" }}}}),
        true,
    );
}

/// A SliceConfig `slice` was written: the worker on the hub cluster `hub_cluster` onboards
/// (creates) the application namespaces there, and the controller writes one
/// WorkerSliceConfig per listed cluster, which that cluster's worker reports healthy.
pub(crate) fn slice_config(out: &mut Writer, slice: &Value, hub_cluster: &str) {
    let name = slice["metadata"]["name"].as_str().unwrap_or_default();
    let ns = slice["metadata"]["namespace"].as_str().unwrap_or_default();
    let clusters: Vec<String> = slice["spec"]["clusters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c.as_str().map(str::to_owned))
        .collect();
    // The hub's own KubeSlice worker onboards (creates) the application namespaces there.
    let spec: Option<SliceConfigSpec> = serde_json::from_value(slice["spec"].clone()).ok();
    let onboarded: Vec<String> = spec
        .as_ref()
        .map(|s| s.application_namespaces_on(hub_cluster))
        .unwrap_or_default()
        .into_iter()
        .map(str::to_owned)
        .collect();
    for namespace in onboarded {
        out.apply(
            WORKER_MANAGER,
            &json!({"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": namespace, "labels": {"kubeslice.io/slice": name}}}),
            false,
        );
    }
    for cluster in clusters {
        let worker_name = worker_slice_config_name(name, &cluster);
        let worker = json!({"apiVersion": "worker.kubeslice.io/v1alpha1", "kind": "WorkerSliceConfig",
            "metadata": {"name": worker_name, "namespace": ns,
                "labels": {"worker-cluster": cluster, "original-slice-name": name}},
            "spec": {"sliceName": name, "sliceSubnet": slice["spec"]["sliceSubnet"]}});
        out.apply(KUBESLICE_MANAGER, &worker, false);
        let mut status = worker.clone();
        if let Some(m) = status.as_object_mut() {
            m.remove("spec");
        }
        status["metadata"] = json!({"name": worker_name, "namespace": ns});
        status["status"] = json!({"sliceHealth": {"sliceHealthStatus": "Normal"}});
        out.apply(WORKER_MANAGER, &status, true);
    }
}
