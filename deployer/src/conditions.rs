//! What the deployer waits for, as typed conditions in the shape of kube-runtime's
//! [`Condition`] (`kube-rs/kube@5.0.0:kube-runtime/src/wait.rs`): a test on the object as the
//! watch last saw it (`None` while it does not exist). Pure; the watches that await them are in
//! the `watch` module.
//!
//! ```
//! use deployer::{Condition, mariadb_phase};
//! use kubedb_types::kubedb::v1::{DatabasePhase, MariaDB};
//! let db: MariaDB = serde_json::from_value(serde_json::json!({
//!     "apiVersion": "kubedb.com/v1", "kind": "MariaDB",
//!     "metadata": {"name": "mariadb", "namespace": "demo"},
//!     "spec": {"version": "11.5.2"}, "status": {"phase": "Ready"}})).unwrap();
//! assert!(mariadb_phase(DatabasePhase::Ready).matches_object(Some(&db)));
//! assert!(!mariadb_phase(DatabasePhase::Ready).matches_object(None));
//! ```

use k8s_openapi::api::core::v1::Namespace;
pub use kube::runtime::wait::Condition;
use kube::runtime::wait::conditions::is_created;
use kubedb_types::kubedb::v1::{DatabasePhase, MariaDB};
use kubeslice_types::controller::v1alpha1::{Cluster, HealthStatus, SliceConfig};
use kubeslice_types::worker::v1alpha1::WorkerSliceConfig;

use kubedb_types::ops::v1alpha1::{MariaDBOpsRequest, OpsRequestPhase};
use kubeslice_types::controller::v1alpha1::project_namespace;
use kubeslice_types::worker::v1alpha1::worker_slice_config_name;

use crate::day2::Day2Step;
use crate::findings::object_id;
use crate::plan::PlanObject;

/// The namespace exists (kube-runtime's `is_created`).
pub fn namespace_exists() -> impl Condition<Namespace> {
    is_created()
}

/// The KubeSlice Cluster's registration is complete ([`Cluster::is_registered`]).
pub fn cluster_registered() -> impl Condition<Cluster> {
    |c: Option<&Cluster>| c.is_some_and(Cluster::is_registered)
}

/// The KubeSlice worker reports the slice healthy on its cluster
/// (`status.sliceHealth.sliceHealthStatus` is `Normal`).
pub fn slice_healthy() -> impl Condition<WorkerSliceConfig> {
    |w: Option<&WorkerSliceConfig>| {
        w.and_then(|w| w.status.as_ref())
            .and_then(|s| s.slice_health.as_ref())
            .and_then(|h| h.slice_health_status)
            == Some(HealthStatus::Normal)
    }
}

/// The MariaDB's `status.phase` is `wanted`.
pub fn mariadb_phase(wanted: DatabasePhase) -> impl Condition<MariaDB> {
    move |db: Option<&MariaDB>| phase(db) == Some(wanted)
}

/// The MariaDBOpsRequest reached a final phase (`Successful`, `Failed`, `Denied`, `Skipped`).
pub fn ops_request_final() -> impl Condition<MariaDBOpsRequest> {
    |o: Option<&MariaDBOpsRequest>| {
        o.and_then(MariaDBOpsRequest::phase)
            .is_some_and(OpsRequestPhase::is_final)
    }
}

/// The MariaDB's `status.phase`, `None` before the operator set one.
pub(crate) fn phase(db: Option<&MariaDB>) -> Option<DatabasePhase> {
    db.and_then(|d| d.status.as_ref()).and_then(|s| s.phase)
}

/// A condition on one object that later steps of a plan depend on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Gate {
    /// [`namespace_exists`]: a namespace a KubeSlice controller or worker creates.
    NamespaceExists {
        /// The namespace.
        name: String,
    },
    /// [`cluster_registered`].
    ClusterRegistered {
        /// The project namespace.
        namespace: Option<String>,
        /// The cluster.
        name: String,
    },
    /// [`slice_healthy`].
    SliceHealthy {
        /// The project namespace.
        namespace: Option<String>,
        /// The WorkerSliceConfig, `<slice>-<cluster>`.
        name: String,
    },
    /// [`ops_request_final`], and the final phase is `Successful` (any other final phase
    /// stops the apply with the request's conditions).
    OpsRequestSucceeded {
        /// The request's namespace.
        namespace: String,
        /// The request.
        name: String,
        /// The MariaDB it scales (for the queue note: KubeDB runs one request per database).
        database: String,
    },
    /// Exactly `count` pods of the MariaDB, all Ready, in the hub's pod table
    /// ([`pods_ready`](crate::pods_ready)).
    PodsReady {
        /// The MariaDB's namespace.
        namespace: String,
        /// The MariaDB.
        database: String,
        /// Members.
        count: u32,
    },
    /// Every member's `wsrep%` status, as a [`WsrepReader`](crate::WsrepReader) reads it:
    /// `wsrep_cluster_size` is `count` and each is a Synced member of the Primary component
    /// (`galera::status::WsrepStatus::is_synced_primary_member`). Skipped without a reader.
    WsrepConverged {
        /// The MariaDB's namespace.
        namespace: String,
        /// The MariaDB.
        database: String,
        /// Members.
        count: u32,
    },
}

impl Gate {
    /// The object and what must hold of it, for progress and errors:
    /// `Cluster/<ns>/<name> status.registrationStatus=Registered`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Gate::NamespaceExists { name } => {
                format!("{} exists", object_id("Namespace", None, name))
            }
            Gate::ClusterRegistered { namespace, name } => format!(
                "{} status.registrationStatus=Registered",
                object_id("Cluster", namespace.as_deref(), name)
            ),
            Gate::SliceHealthy { namespace, name } => format!(
                "{} status.sliceHealth.sliceHealthStatus=Normal",
                object_id("WorkerSliceConfig", namespace.as_deref(), name)
            ),
            Gate::OpsRequestSucceeded { .. } => "the OpsRequest's phase is final".to_owned(),
            Gate::PodsReady { count, .. } => format!("{count} pods Ready"),
            Gate::WsrepConverged { count, .. } => {
                format!("wsrep_cluster_size={count} and every member Synced")
            }
        }
    }
}

/// What must hold after a day-2 step before the next: after a slice join, the slice's health
/// on every cluster (as after the day-1 SliceConfig); after a scale, the OpsRequest
/// `Successful`, the new member count Ready in the pod table, and Galera converged on it. A
/// policy update needs nothing (the PetSet controller reads it at the next scale).
pub(crate) fn day2_gates(step: &Day2Step) -> Vec<Gate> {
    match step {
        Day2Step::JoinSlice { slice, .. } => slice_gates(slice, None),
        Day2Step::Policy(_) => Vec::new(),
        Day2Step::Scale { to, ops, .. } => {
            let namespace = ops.metadata.namespace.clone().unwrap_or_default();
            let database = ops.spec.database_ref.name.clone();
            vec![
                Gate::OpsRequestSucceeded {
                    namespace: namespace.clone(),
                    name: ops.metadata.name.clone().unwrap_or_default(),
                    database: database.clone(),
                },
                Gate::PodsReady {
                    namespace: namespace.clone(),
                    database: database.clone(),
                    count: *to,
                },
                Gate::WsrepConverged {
                    namespace,
                    database,
                    count: *to,
                },
            ]
        }
    }
}

/// What must hold after applying `object` before the next step, `hub` being the cluster the
/// database is created on: the project namespace after the Project, the registration after
/// each Cluster, and after the SliceConfig the slice's health on every cluster and, when the
/// hub is in the slice, the application namespaces its KubeSlice worker creates there.
pub(crate) fn gates(object: &PlanObject, hub: Option<&str>) -> Vec<Gate> {
    match object {
        PlanObject::Project(p) => vec![Gate::NamespaceExists {
            name: project_namespace(p.metadata.name.as_deref().unwrap_or_default()),
        }],
        PlanObject::Cluster(c) => vec![Gate::ClusterRegistered {
            namespace: c.metadata.namespace.clone(),
            name: c.metadata.name.clone().unwrap_or_default(),
        }],
        PlanObject::SliceConfig(s) => slice_gates(s, hub),
        PlanObject::PlacementPolicy(_) | PlanObject::MariaDB(_) => Vec::new(),
    }
}

/// After a SliceConfig is applied: the slice healthy on every cluster it lists and, when the
/// hub is in the slice, the application namespaces its KubeSlice worker creates there.
fn slice_gates(s: &SliceConfig, hub: Option<&str>) -> Vec<Gate> {
    let slice = s.metadata.name.clone().unwrap_or_default();
    let workers = s.spec.clusters().iter().map(|cluster| Gate::SliceHealthy {
        namespace: s.metadata.namespace.clone(),
        name: worker_slice_config_name(&slice, cluster),
    });
    let namespaces = hub
        .map(|h| s.spec.application_namespaces_on(h))
        .unwrap_or_default()
        .into_iter()
        .map(|ns| Gate::NamespaceExists {
            name: ns.to_owned(),
        });
    workers.chain(namespaces).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_cluster_is_registered_only_when_its_status_says_so() {
        let cluster = |status: serde_json::Value| -> Cluster {
            serde_json::from_value(json!({
                "apiVersion": "controller.kubeslice.io/v1alpha1", "kind": "Cluster",
                "metadata": {"name": "a", "namespace": "kubeslice-p"}, "spec": {},
                "status": status}))
            .expect("a Cluster")
        };
        let registered = cluster_registered();
        assert!(
            registered.matches_object(Some(&cluster(json!({"registrationStatus": "Registered"}))))
        );
        assert!(
            !registered.matches_object(Some(&cluster(json!({"registrationStatus": "Pending"}))))
        );
        assert!(!registered.matches_object(Some(&cluster(json!({})))));
        assert!(!registered.matches_object(None));
    }

    #[test]
    fn a_slice_is_healthy_only_when_normal() {
        let worker = |health: &str| -> WorkerSliceConfig {
            serde_json::from_value(json!({
                "apiVersion": "worker.kubeslice.io/v1alpha1", "kind": "WorkerSliceConfig",
                "metadata": {"name": "s-a", "namespace": "kubeslice-p"}, "spec": {},
                "status": {"sliceHealth": {"sliceHealthStatus": health}}}))
            .expect("a WorkerSliceConfig")
        };
        assert!(slice_healthy().matches_object(Some(&worker("Normal"))));
        assert!(!slice_healthy().matches_object(Some(&worker("Warning"))));
        assert!(!slice_healthy().matches_object(None));
    }
}
