//! The database as it stands on a live hub, read for day-2 planning: [`read_current`] gives
//! the [`Current`] that [`plan_day2`](crate::day2::plan_day2) starts from.
//!
//! What is read, in order (each a GET or a LIST, nothing written):
//!
//! 1. the MariaDB `namespace/name` (`kubedb.com/v1`);
//! 2. the PlacementPolicy it names at `spec.podTemplate.spec.podPlacementPolicy.name`
//!    (`apps.k8s.appscode.com/v1`, cluster-scoped; the field is in both releases'
//!    `kubedb.com_mariadbs.yaml`, `kubedb/installer@e45ea732:charts/kubedb-crds/crds/` for
//!    v2025.7.31);
//! 3. the SliceConfig the policy names (`controller.kubeslice.io/v1alpha1`): in the newer
//!    shape `spec.clusterSpreadConstraint.slice {projectNamespace, sliceName}`; in the older
//!    `spec.ocm.sliceName`, which has no namespace
//!    (`kubeops/petset@v0.0.11:apis/apps/v1/placementpolicy_types.go`), so the namespace is
//!    [`ReadOptions::project_namespace`] or, when not given, the one SliceConfig of that name
//!    on the hub;
//! 4. the pod table, from the PetSet controller's pod ManifestWorks and their status
//!    feedback (the same list and decoding the walkthrough's Step 8 watches,
//!    [`watch_pods`](crate::watch_pods));
//! 5. each pod's `wsrep%` status from [`ReadOptions::wsrep`] when given: the hub's feedback
//!    carries the pods' phase, IP and Ready condition but no Galera status, so it is read
//!    from the servers (over SQL with the `live` feature, or a simulated world's model);
//! 6. the hub's ManagedClusters (`cluster.open-cluster-management.io/v1`), for targets that
//!    name a cluster the policy does not have yet;
//! 7. the names of the MariaDBOpsRequests in the namespace (`ops.kubedb.com/v1alpha1`), so the
//!    plan's requests get names not taken: a request's spec cannot change once created
//!    (`validate_mariadb_ops_request_update`), and a reused name would find the old request
//!    already final.
//!
//! The KubeDB release is not detected: the deployer has no reader of a hub's release (the
//! API server's discovery and served CRD versions are not consulted, and the fake hub does
//! not serve discovery), so it is [`ReadOptions::release`], checked against the stored
//! policy's shape (a `spec.ocm` policy on a release whose PlacementPolicy has
//! `spec.clusterSpreadConstraint`, or the reverse, is refused).

use std::collections::BTreeMap;
use std::fmt::Debug;

use kube::api::{Api, ListParams};
use kube::{Client, Resource};
use kubedb_types::apps::v1::PlacementPolicy;
use kubedb_types::kubedb::v1::MariaDB;
use kubedb_types::ops::v1alpha1::MariaDBOpsRequest;
use kubedb_types::release::Release;
use kubeslice_types::controller::v1alpha1::SliceConfig;
use ocm_types::cluster::v1::ManagedCluster;
use serde::de::DeserializeOwned;

use crate::connect::kube_error_text;
use crate::day2::Current;
use crate::findings::object_id;
use crate::watch::list_pods;
use crate::wsrep::WsrepReader;

/// Options of [`read_current`].
#[derive(Clone, Copy)]
pub struct ReadOptions<'a> {
    /// The KubeDB release the hub runs (its PlacementPolicy shape and webhook rules): not
    /// detected from the hub, see the module docs.
    pub release: Release,
    /// Reads the pods' `wsrep%` status (by pod name); `None` leaves [`Current::wsrep`] empty
    /// (nothing to refuse on Galera health then).
    pub wsrep: Option<&'a dyn WsrepReader>,
    /// The SliceConfig's namespace (`kubeslice-<project>`) for a policy in the older shape,
    /// which names the slice without it; `None` finds the one SliceConfig of that name.
    pub project_namespace: Option<&'a str>,
}

impl<'a> ReadOptions<'a> {
    /// `release`, no wsrep reader, the slice's namespace found on the hub.
    pub fn new(release: Release) -> ReadOptions<'a> {
        ReadOptions {
            release,
            wsrep: None,
            project_namespace: None,
        }
    }
}

/// Why the database could not be read; nothing was written. `object` is
/// `Kind/namespace/name` ([`object_id`]).
#[derive(Debug, thiserror::Error)]
pub enum ReadCurrentError {
    /// The object does not exist on the hub (the API server answered 404).
    #[error("{object} not found on the hub; {remedy}")]
    Missing {
        /// What is missing.
        object: String,
        /// What to do.
        remedy: String,
    },
    /// The object could not be read or decoded.
    #[error(
        "{object}: cannot read it: {}; check the hub connection, the permission to get or list it, and that the CRD the hub serves matches the KubeDB release given",
        kube_error_text(source)
    )]
    Unreadable {
        /// What could not be read (`Kind/name` for a list of that kind).
        object: String,
        /// The client's error.
        #[source]
        source: kube::Error,
    },
    /// An object lacks the reference to the next one.
    #[error("{object}: no {field}; {remedy}")]
    NoReference {
        /// The object.
        object: String,
        /// The field path that is empty.
        field: &'static str,
        /// What to do.
        remedy: &'static str,
    },
    /// The stored policy's shape is not the given release's.
    #[error(
        "{object} has spec.{found} but KubeDB {release} serves spec.{expected}: the hub runs another release; pass the release installed on the hub (`helm list -A | grep kubedb`)"
    )]
    ReleaseMismatch {
        /// The PlacementPolicy.
        object: String,
        /// The release given.
        release: Release,
        /// The shape field the release serves.
        expected: &'static str,
        /// The shape field the stored policy has.
        found: &'static str,
    },
    /// A policy in the older shape names a slice that several project namespaces have.
    #[error(
        "SliceConfig {name} exists in several namespaces ({}); the PlacementPolicy's spec.ocm.sliceName has no namespace: give ReadOptions::project_namespace",
        namespaces.join(", ")
    )]
    AmbiguousSlice {
        /// The slice name.
        name: String,
        /// The namespaces that have one.
        namespaces: Vec<String>,
    },
}

/// Reads the MariaDB `namespace/name`, its PlacementPolicy, the policy's SliceConfig, the
/// pod table, each pod's `wsrep%` status (with `options.wsrep`), the hub's ManagedClusters
/// and the namespace's MariaDBOpsRequest names, as [`Current`] for `options.release` (see the module docs for what is
/// read and why the release is given).
///
/// Errors ([`ReadCurrentError`], each naming the object): `Missing` (404) with what to do,
/// `Unreadable` (any other failure), `NoReference` (a MariaDB that names no PlacementPolicy,
/// a policy that names no slice), `ReleaseMismatch`, `AmbiguousSlice`.
///
/// ```no_run
/// # async fn demo(client: kube::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use deployer::day2::{plan_day2, Day2Options, Target};
/// use deployer::{read_current, ReadOptions};
/// use kubedb_types::release::Release;
/// let current = read_current(&client, "demo", "mariadb", &ReadOptions::new(Release::WALKTHROUGH)).await?;
/// let plan = plan_day2(&current, &Target::Replicas(5), &Day2Options::default())?;
/// for step in &plan.steps {
///     println!("{}", step.describe());
/// }
/// # Ok(()) }
/// ```
pub async fn read_current(
    client: &Client,
    namespace: &str,
    name: &str,
    options: &ReadOptions<'_>,
) -> Result<Current, ReadCurrentError> {
    let db_id = object_id("MariaDB", Some(namespace), name);
    let mariadb: MariaDB = get(
        Api::namespaced(client.clone(), namespace),
        name,
        &db_id,
        format!("check the namespace and name (`kubectl get mariadb -n {namespace}`)"),
    )
    .await?;
    let policy_name = mariadb
        .placement_policy_name()
        .filter(|n| !n.is_empty())
        .ok_or(ReadCurrentError::NoReference {
            object: db_id.clone(),
            field: "spec.podTemplate.spec.podPlacementPolicy.name",
            remedy: "day-2 planning is for a distributed MariaDB whose pods a PlacementPolicy places (spec.distributed: true)",
        })?;
    let policy_id = object_id("PlacementPolicy", None, policy_name);
    let policy: PlacementPolicy = get(
        Api::all(client.clone()),
        policy_name,
        &policy_id,
        format!(
            "{db_id} names it at spec.podTemplate.spec.podPlacementPolicy: create the policy (the walkthrough's Step 6) or fix the name"
        ),
    )
    .await?;
    check_shape(&policy, &policy_id, options.release)?;
    let slice = read_slice(client, &policy, &policy_id, options.project_namespace).await?;
    let (pods, _) = list_pods(client, namespace, name).await.map_err(|source| {
        ReadCurrentError::Unreadable {
            object: format!("ManifestWork (the pods of {db_id})"),
            source,
        }
    })?;
    let wsrep = match options.wsrep {
        Some(read) => read.read(&pods).await,
        None => BTreeMap::new(),
    };
    let managed_clusters = Api::<ManagedCluster>::all(client.clone())
        .list(&ListParams::default())
        .await
        .map_err(|source| ReadCurrentError::Unreadable {
            object: "ManagedCluster".into(),
            source,
        })?
        .items;
    let ops_requests = Api::<MariaDBOpsRequest>::namespaced(client.clone(), namespace)
        .list(&ListParams::default())
        .await
        .map_err(|source| ReadCurrentError::Unreadable {
            object: object_id("MariaDBOpsRequest", Some(namespace), "*"),
            source,
        })?
        .items
        .into_iter()
        .filter_map(|r| r.metadata.name)
        .collect();
    Ok(Current {
        mariadb,
        policy,
        slice,
        pods,
        wsrep,
        release: options.release,
        managed_clusters,
        ops_requests,
    })
}

/// GET `name`; 404 is [`ReadCurrentError::Missing`] with `remedy`.
async fn get<K>(
    api: Api<K>,
    name: &str,
    object: &str,
    remedy: String,
) -> Result<K, ReadCurrentError>
where
    K: Resource + Clone + DeserializeOwned + Debug,
{
    api.get(name).await.map_err(|source| match source {
        kube::Error::Api(s) if s.code == 404 => ReadCurrentError::Missing {
            object: object.to_owned(),
            remedy,
        },
        source => ReadCurrentError::Unreadable {
            object: object.to_owned(),
            source,
        },
    })
}

/// The stored policy has the shape `release` serves (when it has only the other one, the hub
/// runs another release: its API server would have pruned the other shape,
/// `kubedb_types::release::PolicyShape`).
fn check_shape(
    policy: &PlacementPolicy,
    policy_id: &str,
    release: Release,
) -> Result<(), ReadCurrentError> {
    let expected = release.policy_shape();
    let other = [
        kubedb_types::release::PolicyShape::Ocm,
        kubedb_types::release::PolicyShape::ClusterSpreadConstraint,
    ]
    .into_iter()
    .find(|s| *s != expected && policy.has_shape(*s));
    match other {
        Some(found) if !policy.has_shape(expected) => Err(ReadCurrentError::ReleaseMismatch {
            object: policy_id.to_owned(),
            release,
            expected: expected.field(),
            found: found.field(),
        }),
        _ => Ok(()),
    }
}

/// The SliceConfig the policy names (see the module docs for the older shape).
async fn read_slice(
    client: &Client,
    policy: &PlacementPolicy,
    policy_id: &str,
    project_namespace: Option<&str>,
) -> Result<SliceConfig, ReadCurrentError> {
    let (namespace, slice_name) = policy
        .slice_ref()
        .ok_or_else(|| ReadCurrentError::NoReference {
            object: policy_id.to_owned(),
            field: "spec.clusterSpreadConstraint.slice.sliceName (or spec.ocm.sliceName)",
            remedy: "a distributed MariaDB's policy names the KubeSlice slice its clusters share: set it",
        })?;
    let remedy = format!(
        "{policy_id} names it: create the SliceConfig (the walkthrough's Step 4) or fix the policy's slice name"
    );
    if let Some(ns) = namespace.or(project_namespace) {
        let id = object_id("SliceConfig", Some(ns), slice_name);
        return get(Api::namespaced(client.clone(), ns), slice_name, &id, remedy).await;
    }
    let found = Api::<SliceConfig>::all(client.clone())
        .list(&ListParams::default().fields(&format!("metadata.name={slice_name}")))
        .await
        .map_err(|source| ReadCurrentError::Unreadable {
            object: object_id("SliceConfig", None, slice_name),
            source,
        })?
        .items;
    match <[SliceConfig; 1]>::try_from(found) {
        Ok([slice]) => Ok(slice),
        Err(found) if found.is_empty() => Err(ReadCurrentError::Missing {
            object: object_id("SliceConfig", None, slice_name),
            remedy,
        }),
        Err(found) => Err(ReadCurrentError::AmbiguousSlice {
            name: slice_name.to_owned(),
            namespaces: found
                .iter()
                .filter_map(|s| s.metadata.namespace.clone())
                .collect(),
        }),
    }
}
