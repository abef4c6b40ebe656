//! The KubeDB and kubeops validating webhooks of one KubeDB release, as admission functions of
//! the fake hub: what a hub running that release answers when a MariaDB, PlacementPolicy or
//! PetSet is written. The rules are `kubedb_types::validation`'s, per release; what a webhook
//! reads from the hub (the referenced policy, the MariaDBVersion, the SliceConfig) is read
//! from the hub's store, never from a plan.

use std::sync::Arc;

use kubedb_types::apps::v1::{PetSet, PlacementPolicy};
use kubedb_types::catalog::v1alpha1::MariaDBVersion;
use kubedb_types::kubedb::v1::MariaDB;
use kubedb_types::ops::v1alpha1::MariaDBOpsRequest;
use kubedb_types::release::{CatalogEntry, Release};
use kubedb_types::validation::{
    self as kubedb, Lookup, MariaDBInputs, OpsRequestInputs, PolicyLookup, SliceLookup, Violation,
};
use kubeslice_types::controller::v1alpha1::SliceConfig;
use serde::de::DeserializeOwned;
use serde_json::Value;

use emulated_hub::{AdmissionRequest, FakeHub, Operation};

/// Name of KubeDB's MariaDB validating webhook (kubedb/installer's
/// `ValidatingWebhookConfiguration` for `mariadbs`).
pub const MARIADB_WEBHOOK: &str = "mariadbwebhook.validators.kubedb.com";
/// Name of kubeops' PlacementPolicy validating webhook (`petset@v0.0.11:pkg/webhooks/apps/v1/
/// placementPolicy.go`, kubebuilder marker).
pub const PLACEMENT_POLICY_WEBHOOK: &str = "vplacementpolicy.kb.io";
/// Name of kubeops' PetSet validating webhook (`petset@v0.0.11:pkg/webhooks/apps/v1/petset.go`).
pub const PETSET_WEBHOOK: &str = "vpetset.kb.io";
/// Name of KubeDB's MariaDBOpsRequest validating webhook (kubedb/installer's
/// `ValidatingWebhookConfiguration` of the ops manager,
/// `kubedb/installer@e45ea732:charts/kubedb-webhook-server/templates/ops-manager/validating-webhook.yaml`).
pub const MARIADB_OPS_REQUEST_WEBHOOK: &str = "mariadbopsrequestwebhook.validators.ops.kubedb.com";

/// Serves KubeDB `release` on `hub`: its CRDs (PlacementPolicy, PetSet, MariaDB,
/// MariaDBVersion, MariaDBOpsRequest, MariaDBAutoscaler, as its charts ship them) replace what
/// was registered for those resources, and its MariaDB, PlacementPolicy, PetSet and
/// MariaDBOpsRequest validating webhooks run on every create and update (the OpsRequest's:
/// `kubedb_types::validation::validate_mariadb_ops_request`, and on update the spec is
/// immutable, `validate_mariadb_ops_request_update`). Returns the number of CRD versions registered.
///
/// The MariaDB webhook finds the MariaDBVersion among the hub's MariaDBVersion objects, else in
/// the release's default catalog (the objects its catalog chart installs), and the hub's
/// StorageClasses when the hub serves `storage.k8s.io/v1` StorageClass.
///
pub fn serve_kubedb_release(hub: &FakeHub, release: Release) -> usize {
    let versions = hub.register_crds(release.crds());
    let catalog = Arc::new(release.catalog());
    let ops_catalog = catalog.clone();
    hub.register_admission(
        "kubedb.com/v1",
        "MariaDB",
        MARIADB_WEBHOOK,
        Arc::new(move |req| {
            let Some(md) = typed::<MariaDB>(req.object) else {
                return Ok(());
            };
            let mut refusals = Vec::new();
            if req.operation == Operation::Update
                && let Some(old) = req.old_object.and_then(typed::<MariaDB>)
            {
                refusals.extend(kubedb::validate_mariadb_update(&old, &md));
            }
            let policy = policy_of(req, Some(&md));
            let stored_version = req
                .get(
                    "catalog.kubedb.com/v1alpha1",
                    "MariaDBVersion",
                    None,
                    &md.spec.version,
                )
                .and_then(typed::<MariaDBVersion>)
                .map(|v| CatalogEntry::from(&v));
            let version = stored_version
                .as_ref()
                .or_else(|| catalog.get(&md.spec.version));
            let classes: Option<Vec<String>> =
                req.served("storage.k8s.io/v1", "StorageClass").then(|| {
                    req.list("storage.k8s.io/v1", "StorageClass")
                        .into_iter()
                        .filter_map(|c| c["metadata"]["name"].as_str().map(str::to_owned))
                        .collect()
                });
            let inputs = MariaDBInputs {
                policy: policy.as_lookup(),
                version: Lookup::Known(version),
                storage_classes: classes.as_deref(),
            };
            refusals.extend(kubedb::validate_mariadb(&md, release, &inputs));
            first_refusal(refusals)
        }),
    );
    hub.register_admission(
        "apps.k8s.appscode.com/v1",
        "PlacementPolicy",
        PLACEMENT_POLICY_WEBHOOK,
        Arc::new(move |req| {
            let Some(pp) = typed::<PlacementPolicy>(req.object) else {
                return Ok(());
            };
            let slice = pp.spec.cluster_spread_constraint.as_ref().and_then(|csc| {
                req.get(
                    "controller.kubeslice.io/v1alpha1",
                    "SliceConfig",
                    Some(&csc.slice.project_namespace),
                    &csc.slice.slice_name,
                )
            });
            let slice = slice.and_then(typed::<SliceConfig>);
            let clusters = slice.as_ref().map(|s| s.spec.clusters());
            let lookup: SliceLookup<'_> = Lookup::Known(clusters);
            let found = match req.old_object.and_then(typed::<PlacementPolicy>) {
                Some(old) => kubedb::validate_placement_policy_update(&old, &pp, release, lookup),
                None => kubedb::validate_placement_policy(&pp, release, lookup),
            };
            first_refusal(found)
        }),
    );
    hub.register_admission(
        "apps.k8s.appscode.com/v1",
        "PetSet",
        PETSET_WEBHOOK,
        Arc::new(move |req| {
            let Some(ps) = typed::<PetSet>(req.object) else {
                return Ok(());
            };
            let name = ps
                .spec
                .pod_placement_policy
                .as_ref()
                .map(|r| r.name.clone())
                .unwrap_or_default();
            let policy = policy_named(req, &name);
            first_refusal(kubedb::validate_petset(&ps, release, policy.as_lookup()))
        }),
    );
    hub.register_admission(
        "ops.kubedb.com/v1alpha1",
        "MariaDBOpsRequest",
        MARIADB_OPS_REQUEST_WEBHOOK,
        Arc::new(move |req| {
            let Some(ops) = typed::<MariaDBOpsRequest>(req.object) else {
                return Ok(());
            };
            let namespace = ops.metadata.namespace.clone().unwrap_or_default();
            let database = typed_lookup::<MariaDB>(req.get(
                "kubedb.com/v1",
                "MariaDB",
                Some(&namespace),
                &ops.spec.database_ref.name,
            ));
            let policy = policy_of(req, database.0.as_ref());
            let inputs = OpsRequestInputs {
                database: Lookup::Known(database.0.as_ref()),
                catalog: Some(&ops_catalog),
                policy: policy.as_lookup(),
            };
            let found = match req.old_object.and_then(typed::<MariaDBOpsRequest>) {
                Some(old) if req.operation == Operation::Update => {
                    kubedb::validate_mariadb_ops_request_update(&old, &ops, release, &inputs)
                }
                _ => kubedb::validate_mariadb_ops_request(&ops, release, &inputs),
            };
            first_refusal(found)
        }),
    );
    versions
}

/// The object as `K`, when it parses (a document the schema admitted but the type cannot
/// read is left to the schema: the webhook then has nothing to add).
fn typed<K: DeserializeOwned>(value: &Value) -> Option<K> {
    serde_json::from_value(value.clone()).ok()
}

/// A looked-up object, owned, that lends itself as a [`Lookup`].
struct Found<K>(Option<K>);

impl Found<PlacementPolicy> {
    fn as_lookup(&self) -> PolicyLookup<'_> {
        Lookup::Known(self.0.as_ref())
    }
}

fn typed_lookup<K: DeserializeOwned>(value: Option<&Value>) -> Found<K> {
    Found(value.and_then(typed::<K>))
}

/// The PlacementPolicy `name` as the hub stores it (cluster-scoped).
fn policy_named(req: &AdmissionRequest<'_>, name: &str) -> Found<PlacementPolicy> {
    typed_lookup(req.get("apps.k8s.appscode.com/v1", "PlacementPolicy", None, name))
}

/// The PlacementPolicy `db` names (`default` when it names none, or when there is no `db`).
fn policy_of(req: &AdmissionRequest<'_>, db: Option<&MariaDB>) -> Found<PlacementPolicy> {
    let name = db
        .and_then(|m| m.placement_policy_name())
        .unwrap_or("default");
    policy_named(req, name)
}

/// The webhook's answer: the first refusal's upstream message (the webhooks stop at their
/// first error); warnings never refuse.
fn first_refusal(found: Vec<Violation>) -> Result<(), String> {
    match found.into_iter().find(Violation::is_refusal) {
        Some(v) => Err(v.upstream_message()),
        None => Ok(()),
    }
}
