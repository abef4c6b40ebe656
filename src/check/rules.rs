//! The admission rules of each workspace kind as the checker runs them ([`Checked`]): the
//! webhooks' rules of `kubedb_types::validation`, `kubeslice_types::validation` and
//! `ocm_types::validation`, fed with what the input holds ([`Context`]).

use kube::{CustomResourceExt, Resource};
use kubedb_types::apps::v1::{PetSet, PlacementPolicy};
use kubedb_types::autoscaling::v1alpha1::MariaDBAutoscaler;
use kubedb_types::catalog::v1alpha1::MariaDBVersion;
use kubedb_types::kubedb::v1::MariaDB;
use kubedb_types::ops::v1alpha1::MariaDBOpsRequest;
use kubedb_types::validation::{
    self as kubedb, Lookup, MariaDBInputs, OpsRequestInputs, PolicyLookup,
};
use kubeslice_types as ks;
use ocm_types as ocm;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::context::Context;

/// A workspace kind the checker knows: its admission rules.
pub trait Checked:
    Resource<DynamicType = ()> + CustomResourceExt + DeserializeOwned + Serialize
{
    /// Admission violations, as `path: reason` lines.
    fn admit(&self, ctx: &Context<'_>) -> Vec<String>;

    /// Warnings: findings the webhooks admit, and rules skipped for want of an object.
    fn warnings(&self, _ctx: &Context<'_>) -> Vec<String> {
        Vec::new()
    }

    /// The refusals and the warnings; kinds whose rules yield both override it to run them
    /// once.
    fn admission(&self, ctx: &Context<'_>) -> (Vec<String>, Vec<String>) {
        (self.admit(ctx), self.warnings(ctx))
    }
}

/// The refusals and the warnings among `violations`, as `path: reason` lines.
fn split(violations: Vec<kubedb::Violation>) -> (Vec<String>, Vec<String>) {
    let (refused, warned): (Vec<_>, Vec<_>) = violations
        .into_iter()
        .partition(kubedb::Violation::is_refusal);
    (lines(refused), warning_lines(warned))
}

/// The warnings among `violations`, as `path: reason` lines.
fn warning_lines(violations: Vec<kubedb::Violation>) -> Vec<String> {
    violations
        .iter()
        .filter(|v| !v.is_refusal())
        .map(ToString::to_string)
        .collect()
}

/// The refusals as `path: reason` lines, with the release's webhook message where upstream has
/// one; warnings (where this crate is stricter than the webhook) do not make a document
/// invalid.
fn lines(violations: Vec<kubedb::Violation>) -> Vec<String> {
    violations
        .iter()
        .filter(|v| v.is_refusal())
        .map(|v| match v.rule.upstream_message() {
            Some(answer) => format!("{v} (the webhook answers: {answer})"),
            None => v.to_string(),
        })
        .collect()
}

/// What a MariaDB's webhook reads, from the input (the hub's storage classes are unknown).
fn mariadb_inputs<'a>(md: &MariaDB, ctx: &'a Context<'_>) -> MariaDBInputs<'a> {
    let name = md.placement_policy_name().unwrap_or("default");
    MariaDBInputs {
        policy: ctx.policy(name),
        version: ctx.version(&md.spec.version),
        storage_classes: None,
    }
}

impl Checked for MariaDB {
    fn admit(&self, ctx: &Context<'_>) -> Vec<String> {
        lines(kubedb::validate_mariadb(
            self,
            ctx.release,
            &mariadb_inputs(self, ctx),
        ))
    }

    fn admission(&self, ctx: &Context<'_>) -> (Vec<String>, Vec<String>) {
        let inputs = mariadb_inputs(self, ctx);
        let (refused, mut warnings) = split(kubedb::validate_mariadb(self, ctx.release, &inputs));
        if self.is_distributed() && matches!(inputs.policy, Lookup::Unknown) {
            warnings.push(format!(
                "spec.podTemplate.spec.podPlacementPolicy: PlacementPolicy {:?} is not in the input (or is there more than once): the rules that read it were not checked",
                self.placement_policy_name().unwrap_or("default")
            ));
        }
        warnings.extend(ctx.redefinitions(
            "MariaDB",
            self.metadata.namespace.as_deref(),
            self.metadata.name.as_deref().unwrap_or_default(),
        ));
        (refused, warnings)
    }
}

/// The slice rule of v2026.7.10 reads the SliceConfig the policy names: from the input when it
/// is there, else it is skipped (the SliceConfig may exist on the hub).
impl Checked for PlacementPolicy {
    fn admit(&self, ctx: &Context<'_>) -> Vec<String> {
        let slice = match &self.spec.cluster_spread_constraint {
            Some(csc) => ctx.slice(&csc.slice.project_namespace, &csc.slice.slice_name),
            None => Lookup::Unknown,
        };
        lines(kubedb::validate_placement_policy(self, ctx.release, slice))
    }

    fn warnings(&self, ctx: &Context<'_>) -> Vec<String> {
        let mut out = Vec::new();
        if ctx.release.policy_webhook_checks_slice()
            && let Some(csc) = &self.spec.cluster_spread_constraint
            && matches!(
                ctx.slice(&csc.slice.project_namespace, &csc.slice.slice_name),
                Lookup::Unknown
            )
        {
            out.push(format!(
                "spec.clusterSpreadConstraint.slice: SliceConfig {}/{} is not in the input: whether it onboards the policy's clusters was not checked",
                csc.slice.project_namespace, csc.slice.slice_name
            ));
        }
        out
    }
}

impl Checked for PetSet {
    fn admit(&self, ctx: &Context<'_>) -> Vec<String> {
        let lookup = match &self.spec.pod_placement_policy {
            Some(r) => ctx.policy(&r.name),
            None => PolicyLookup::Unknown,
        };
        lines(kubedb::validate_petset(self, ctx.release, lookup))
    }

    fn admission(&self, ctx: &Context<'_>) -> (Vec<String>, Vec<String>) {
        let lookup = match &self.spec.pod_placement_policy {
            Some(r) => ctx.policy(&r.name),
            None => PolicyLookup::Unknown,
        };
        split(kubedb::validate_petset(self, ctx.release, lookup))
    }
}

/// The OpsRequest webhook's rules, with the release's catalog and, when the input has it, the
/// MariaDB the request names (and that MariaDB's PlacementPolicy): every rule that reads it is
/// judged. When the MariaDB is not in the input (it is on the hub), the rules that read it are
/// skipped, and a warning lists each one.
impl Checked for MariaDBOpsRequest {
    fn admit(&self, ctx: &Context<'_>) -> Vec<String> {
        self.admission(ctx).0
    }

    fn admission(&self, ctx: &Context<'_>) -> (Vec<String>, Vec<String>) {
        let database = ctx.mariadb(
            self.metadata.namespace.as_deref(),
            &self.spec.database_ref.name,
        );
        let policy = match database {
            Lookup::Known(Some(md)) => md
                .placement_policy_name()
                .map_or(PolicyLookup::Unknown, |name| ctx.policy(name)),
            _ => PolicyLookup::Unknown,
        };
        let inputs = OpsRequestInputs {
            database,
            catalog: Some(ctx.catalog),
            policy,
        };
        let (refused, warned): (Vec<_>, Vec<_>) =
            kubedb::validate_mariadb_ops_request(self, ctx.release, &inputs)
                .into_iter()
                .partition(kubedb::Violation::is_refusal);
        // The ops webhook's texts depend on the release: they are the violations' answers.
        let refused = refused
            .iter()
            .map(|v| match &v.answer {
                Some(answer) => format!("{v} (the webhook answers: {answer})"),
                None => v.to_string(),
            })
            .collect();
        let mut warnings = warning_lines(warned);
        let skipped = kubedb::ops_rules_reading_database(self.spec.type_, ctx.release);
        if matches!(database, Lookup::Unknown) && !skipped.is_empty() {
            warnings.push(format!(
                "spec.databaseRef: MariaDB {:?} is not in the input, so these rules were not checked: {}",
                self.spec.database_ref.name,
                skipped.join("; ")
            ));
        }
        (refused, warnings)
    }
}

/// The kinds of [`for_each_kind`] without admission rules of their own. Every listed kind
/// needs a [`Checked`] implementation, here or with its rules above: the compiler refuses a
/// listed kind that has neither.
/// `MariaDBAutoscaler` has none: its webhook only defaults `opsRequestOptions` and requires
/// `databaseRef`, which the CRD requires already
/// (`kubedb/apimachinery@<release>:pkg/webhooks/autoscaling/v1alpha1/mariadb.go`).
macro_rules! no_admission_rules {
    ($($kind:ty),* $(,)?) => {$(
        impl Checked for $kind {
            fn admit(&self, _: &Context<'_>) -> Vec<String> {
                Vec::new()
            }
        }
    )*};
}

no_admission_rules!(
    MariaDBVersion,
    MariaDBAutoscaler,
    ks::controller::v1alpha1::ServiceExportConfig,
    ks::controller::v1alpha1::VpnKeyRotation,
    ks::worker::v1alpha1::WorkerSliceConfig,
    ks::worker::v1alpha1::WorkerSliceGateway,
    ks::worker::v1alpha1::WorkerServiceImport,
    ks::worker::v1alpha1::WorkerSliceGwRecycler,
    ks::networking::v1beta1::ServiceExport,
    ks::networking::v1beta1::ServiceImport,
    ks::networking::v1beta1::SliceGateway,
    ks::networking::v1beta1::Slice,
    ocm::cluster::v1::ManagedCluster,
    ocm::cluster::v1beta2::ManagedClusterSet,
    ocm::cluster::v1beta1::Placement,
    ocm::cluster::v1beta1::PlacementDecision,
    ocm::cluster::v1alpha1::AddOnPlacementScore,
    ocm::work::v1::AppliedManifestWork,
    ocm::operator::v1::Klusterlet,
    ocm::operator::v1::ClusterManager,
    ocm::addon::v1alpha1::ClusterManagementAddOn,
    ocm::addon::v1alpha1::ManagedClusterAddOn,
    ocm::addon::v1beta1::ClusterManagementAddOn,
    ocm::addon::v1beta1::ManagedClusterAddOn,
);

fn ocm_lines(violations: Vec<ocm::validation::Violation>) -> Vec<String> {
    violations.iter().map(ToString::to_string).collect()
}

impl Checked for ocm::work::v1::ManifestWork {
    fn admit(&self, _: &Context<'_>) -> Vec<String> {
        ocm_lines(ocm::validation::validate_manifest_work(&self.spec))
    }
}

impl Checked for ocm::work::v1alpha1::ManifestWorkReplicaSet {
    fn admit(&self, _: &Context<'_>) -> Vec<String> {
        let template = self.spec.manifest_work_template.clone().unwrap_or_default();
        ocm::validation::validate_manifest_work(&template)
            .into_iter()
            .map(|v| {
                format!(
                    "{}: {}",
                    v.path.replacen("spec.", "spec.manifestWorkTemplate.", 1),
                    v.rule
                )
            })
            .collect()
    }
}

impl Checked for ocm::cluster::v1beta2::ManagedClusterSetBinding {
    fn admit(&self, _: &Context<'_>) -> Vec<String> {
        ocm_lines(ocm::validation::validate_cluster_set_binding(self))
    }
}

fn ks_lines(violations: Vec<ks::validation::Violation>) -> Vec<String> {
    violations.iter().map(ToString::to_string).collect()
}

/// KubeSlice rules that need only the object: the hub's namespaces, registered clusters and
/// QoS profiles are not known to a manifest check, so the rules that need them are skipped.
impl Checked for ks::controller::v1alpha1::SliceConfig {
    fn admit(&self, _: &Context<'_>) -> Vec<String> {
        ks_lines(ks::validation::validate_slice_config(
            self,
            &Default::default(),
        ))
    }

    fn warnings(&self, ctx: &Context<'_>) -> Vec<String> {
        ctx.redefinitions(
            "SliceConfig",
            Some(self.metadata.namespace.as_deref().unwrap_or_default()),
            self.metadata.name.as_deref().unwrap_or_default(),
        )
        .into_iter()
        .collect()
    }
}

impl Checked for ks::controller::v1alpha1::Project {
    fn admit(&self, _: &Context<'_>) -> Vec<String> {
        ks_lines(ks::validation::validate_project(
            self,
            ks::validation::CONTROLLER_NAMESPACE,
        ))
    }
}

impl Checked for ks::controller::v1alpha1::Cluster {
    fn admit(&self, _: &Context<'_>) -> Vec<String> {
        ks_lines(ks::validation::validate_cluster(self, &Default::default()))
    }
}

impl Checked for ks::controller::v1alpha1::SliceQoSConfig {
    fn admit(&self, _: &Context<'_>) -> Vec<String> {
        ks_lines(ks::validation::validate_slice_qos_config(
            self,
            &Default::default(),
        ))
    }
}
