//! The PetSet controller's sync of distributed sets, writing through the hub: which ordinals
//! are missing or condemned, from the stored PetSet, PlacementPolicy and ManifestWorks; the
//! pods, claims and works themselves are built by [`crate::petset`].

use std::collections::BTreeMap;

use kubedb_types::apps::v1::{CLUSTER_NAME_ANNOTATION, PlacementPolicy};
use kubedb_types::release::Release;
use serde_json::Value;

use crate::petset;
use crate::provisioner::KUBEDB_MANAGER;
use crate::writer::{PETSET, POLICY, WORK, Writer};

/// Field manager of the simulated PetSet controller (kubeops' PetSet runs inside the KubeDB
/// operator's deployment and writes with its client).
pub const PETSET_MANAGER: &str = KUBEDB_MANAGER;

/// Syncs every PetSet on the hub ([`reconcile`]), as after a PlacementPolicy change or a pod
/// work's deletion.
pub(crate) fn reconcile_all(out: &mut Writer, release: Release) {
    for set in out.hub.list(PETSET.0, PETSET.1, None) {
        reconcile(out, &set, release);
    }
}

/// The PetSet controller's sync of a distributed set (`petset@v0.0.11:pkg/controller/
/// petset/pet_set_control.go`, `updatePetSet`), as `release`'s PetSet runs it: the pods are
/// the Pod manifests of the ManifestWorks its selector matches, in any cluster namespace
/// (`ListPodsManifestWork`); every missing ordinal below `spec.replicas` gets its claims'
/// works (unless a work of that name exists in the cluster the policy names now,
/// `GetClaimFromManifestWork`) and then its pod's work, in the cluster the stored
/// PlacementPolicy maps it to (an unmapped ordinal is an error and gets nothing); ordinals at
/// or above `spec.replicas` are condemned and their pod works deleted, highest first; claim
/// works are never deleted. A pod whose ordinal the policy now maps elsewhere stays where it
/// runs: PetSet moves it only when it recreates it (after its work is deleted). Pods are
/// created and deleted in one pass (as with `podManagementPolicy: Parallel`; under
/// `OrderedReady` PetSet waits for each to be Ready before the next); template changes do not
/// roll pods.
pub(crate) fn reconcile(out: &mut Writer, set: &Value, release: Release) {
    if set["spec"]["distributed"].as_bool() != Some(true) {
        return;
    }
    let set_ns = set["metadata"]["namespace"].as_str().unwrap_or_default();
    let set_name = set["metadata"]["name"].as_str().unwrap_or_default();
    let what = format!("PetSet {set_ns}/{set_name}");
    let selector = set["spec"]["selector"]["matchLabels"].clone();
    let selected = |w: &Value| {
        selector
            .as_object()
            .is_some_and(|m| m.iter().all(|(k, v)| w["metadata"]["labels"][k] == *v))
    };
    let works: Vec<Value> = out
        .hub
        .list(WORK.0, WORK.1, None)
        .into_iter()
        .filter(|w| selected(w))
        .collect();
    let mut existing: BTreeMap<i32, (String, String)> = BTreeMap::new();
    for w in &works {
        for m in w["spec"]["workload"]["manifests"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let pod = m["metadata"]["name"].as_str().unwrap_or_default();
            if m["kind"] == "Pod"
                && let Some(o) = pod
                    .strip_prefix(set_name)
                    .and_then(|rest| rest.strip_prefix('-'))
                    .and_then(|o| o.parse::<i32>().ok())
            {
                let ns = w["metadata"]["namespace"].as_str().unwrap_or_default();
                let work = w["metadata"]["name"].as_str().unwrap_or_default();
                existing.insert(o, (ns.to_owned(), work.to_owned()));
            }
        }
    }
    let replicas = set["spec"]["replicas"]
        .as_i64()
        .unwrap_or(1)
        .clamp(0, i64::from(i32::MAX)) as i32;
    let policy_name = set["spec"]["podPlacementPolicy"]["name"]
        .as_str()
        .unwrap_or_default();
    let policy: Option<PlacementPolicy> = out
        .hub
        .get(POLICY.0, POLICY.1, None, policy_name)
        .and_then(|p| serde_json::from_value(p).ok());
    let missing: Vec<i32> = (0..replicas)
        .filter(|o| !existing.contains_key(o))
        .collect();
    if !missing.is_empty() {
        let Some(policy) = policy else {
            out.fail(format!("{what}: placementpolicy {policy_name:?} not found"));
            return;
        };
        let mapping = petset::mapping(&policy, release);
        for o in missing {
            let cluster = match mapping.cluster(o) {
                Ok(c) => c.to_owned(),
                Err(_) => {
                    out.fail(format!(
                        "{what}: {CLUSTER_NAME_ANNOTATION} annotation is empty for pod {set_name}-{o}"
                    ));
                    continue;
                }
            };
            let templates: Vec<Value> = set["spec"]["volumeClaimTemplates"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for t in &templates {
                let claim = petset::claim(set, t, o, &cluster, mapping.storage_class(o), release);
                let claim_name = claim["metadata"]["name"].as_str().unwrap_or_default();
                if out
                    .hub
                    .get(WORK.0, WORK.1, Some(&cluster), claim_name)
                    .is_none()
                {
                    let work = petset::claim_work(&claim, &cluster, release);
                    apply_work(out, &work);
                }
            }
            let pod = petset::pod(set, &policy, o, &cluster, release);
            let work = petset::pod_work(&pod, &cluster, release);
            apply_work(out, &work);
        }
    }
    let condemned: Vec<(String, String)> = existing
        .range(replicas..)
        .rev()
        .map(|(_, w)| w.clone())
        .collect();
    for (ns, work) in condemned {
        out.hub.delete(WORK.0, WORK.1, Some(&ns), &work);
    }
}

/// Applies a ManifestWork as the PetSet controller.
fn apply_work(out: &mut Writer, work: &ocm_types::work::v1::ManifestWork) {
    match serde_json::to_value(work) {
        Ok(w) => out.apply(PETSET_MANAGER, &w, false),
        Err(e) => out.fail(format!("ManifestWork: {e}")),
    }
}
