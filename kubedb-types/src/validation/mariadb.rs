//! The MariaDB webhook of KubeDB (`kubedb/apimachinery@<release.apimachinery()>:
//! pkg/webhooks/kubedb/v1/mariadb.go` and `pkg/validator/validate.go`): create
//! ([`validate_mariadb`]) and update ([`validate_mariadb_update`]) rules.

use super::common::{
    MAX_CLUSTER_NAME_LENGTH, MIN_GALERA_REPLICAS, REQUIRE_SSL_MIN_VERSION, other, semver,
};
use super::violation::{Lookup, PolicyLookup, Rule, VersionLookup, Violation};
use crate::kubedb::v1::{DeletionPolicy, MariaDB, MariaDBMode, StorageType};
use crate::release::Release;

/// Environment variables users may not set on MariaDB containers: the operator owns them.
pub const FORBIDDEN_ENV_VARS: [&str; 4] = [
    "MYSQL_ROOT_PASSWORD",
    "MYSQL_ALLOW_EMPTY_PASSWORD",
    "MYSQL_RANDOM_ROOT_PASSWORD",
    "MYSQL_ONETIME_PASSWORD",
];

/// What the MariaDB webhooks read from the hub besides the object itself. The default knows
/// nothing, so every rule that needs the hub is skipped.
#[derive(Clone, Copy, Debug, Default)]
pub struct MariaDBInputs<'a> {
    /// The PlacementPolicy named by `spec.podTemplate.spec.podPlacementPolicy`.
    pub policy: PolicyLookup<'a>,
    /// The MariaDBVersion named by `spec.version` (from the hub, or the release's catalog).
    pub version: VersionLookup<'a>,
    /// The StorageClass names on the hub, when known.
    pub storage_classes: Option<&'a [String]>,
}

/// `true` when a durable MariaDB's storage request is present and positive.
fn storage_request(md: &MariaDB) -> Option<Rule> {
    let Some(storage) = &md.spec.storage else {
        return Some(Rule::DurableStorageMissing);
    };
    let request = storage
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("storage"));
    match request {
        None => Some(Rule::StorageRequestMissing),
        Some(q) if !quantity_positive(&q.0) => Some(Rule::StorageRequestNotPositive {
            quantity: q.0.clone(),
        }),
        Some(_) => None,
    }
}

/// `true` when a quantity string is greater than zero (its number part, any suffix).
fn quantity_positive(q: &str) -> bool {
    let number: String = q
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '+' | '-'))
        .collect();
    number.parse::<f64>().is_ok_and(|n| n > 0.0)
}

/// Validates a MariaDB as the KubeDB webhooks of `release` do on create, after the mutating
/// webhook's defaults ([`MariaDB::with_defaults`]). Rules follow
/// `kubedb/apimachinery@<release.apimachinery()>:pkg/webhooks/kubedb/v1/mariadb.go`
/// (`Default`, `ValidateMariaDB`) and `pkg/validator/validate.go` (`ValidateStorage`):
///
/// - the MariaDBVersion must exist (the mutating webhook reads it first); a deprecated one is a
///   [`Severity::Warning`]: the webhook checks deprecation only with `StrictValidation`, which
///   the operator never sets;
/// - `replicas >= 1`; with a topology (every `replicas > 1` gets one by default) `replicas`
///   must be at least 3, unless `init.archiver` is set and not yet initialised;
/// - clustered: name at most 32 characters; `init.script` refused by v2025.7.31 only;
/// - forbidden environment variables; Halt with DoNotTerminate or with Ephemeral storage;
/// - Durable storage needs `spec.storage` with a positive `storage` request, and its storage
///   class must exist on the hub;
/// - `requireSSL` needs server version 10.5.2 or later (read from the catalog);
/// - MariaDBReplication needs `spec.topology.maxscale` (the webhook reads it without a nil
///   check; the defaults set its replicas to 1);
/// - distributed: the PlacementPolicy must exist and have the release's multi-cluster shape
///   (`spec.ocm` for v2025.7.31, `spec.clusterSpreadConstraint` after).
///
/// Ordinal coverage is not a MariaDB rule: the PetSet webhook checks it when the operator
/// creates the PetSet ([`validate_petset`]). The webhook stops at the first error; this returns
/// every violation, in the webhook's order.
///
/// [`Severity::Warning`]: crate::validation::Severity::Warning
/// [`validate_petset`]: crate::validation::validate_petset
pub fn validate_mariadb(md: &MariaDB, release: Release, hub: &MariaDBInputs<'_>) -> Vec<Violation> {
    let original = md;
    let md = md.with_defaults();
    let spec = &md.spec;
    let mut out = Vec::new();
    if spec.halted == Some(true) && spec.deletion_policy == Some(DeletionPolicy::DoNotTerminate) {
        out.push(Violation::new("spec.halted", Rule::HaltWithDoNotTerminate));
    }
    match hub.version {
        Lookup::Known(None) => out.push(Violation::new(
            "spec.version",
            Rule::VersionNotFound {
                name: spec.version.clone(),
            },
        )),
        Lookup::Known(Some(v)) if v.deprecated => out.push(Violation::new(
            "spec.version",
            Rule::VersionDeprecated {
                name: spec.version.clone(),
            },
        )),
        _ => {}
    }
    let replicas = md.replicas();
    if replicas < 1 {
        out.push(Violation::new(
            "spec.replicas",
            Rule::ReplicasBelowOne { replicas },
        ));
    }
    let restoring = spec
        .init
        .as_ref()
        .is_some_and(|i| i.archiver.is_some() && i.initialized != Some(true));
    if spec.topology.is_some() && (1..MIN_GALERA_REPLICAS).contains(&replicas) && !restoring {
        out.push(Violation::new(
            "spec.replicas",
            Rule::GaleraTooSmall { replicas },
        ));
    }
    if replicas > 1 {
        let length = md.offshoot_name().chars().count();
        if length > MAX_CLUSTER_NAME_LENGTH {
            out.push(Violation::new(
                "metadata.name",
                Rule::ClusterNameTooLong { length },
            ));
        }
        if release.refuses_init_script_on_cluster()
            && spec.init.as_ref().is_some_and(|i| i.script.is_some())
        {
            out.push(Violation::new(
                "spec.init.script",
                Rule::InitScriptOnCluster,
            ));
        }
    }
    if let Some(containers) = original
        .spec
        .pod_template
        .as_ref()
        .and_then(|t| t.spec.as_ref())
        .and_then(|s| s.containers.as_ref())
    {
        for (ci, container) in containers.iter().enumerate() {
            for (ei, env) in container.env.iter().flatten().enumerate() {
                if FORBIDDEN_ENV_VARS.contains(&env.name.as_str()) {
                    out.push(Violation::new(
                        format!("spec.podTemplate.spec.containers[{ci}].env[{ei}].name"),
                        Rule::ForbiddenEnvVar {
                            name: env.name.clone(),
                        },
                    ));
                }
            }
        }
    }
    if spec.storage_type == Some(StorageType::Durable) {
        if let Some(class) = spec
            .storage
            .as_ref()
            .and_then(|s| s.storage_class_name.as_ref())
            && let Some(classes) = hub.storage_classes
            && !classes.contains(class)
        {
            out.push(Violation::new(
                "spec.storage.storageClassName",
                Rule::StorageClassNotFound {
                    name: class.clone(),
                },
            ));
        }
        if let Some(rule) = storage_request(&md) {
            let path = if spec.storage.is_none() {
                "spec.storage"
            } else {
                "spec.storage.resources.requests.storage"
            };
            out.push(Violation::new(path, rule));
        }
    }
    if spec.storage_type == Some(StorageType::Ephemeral)
        && spec.deletion_policy == Some(DeletionPolicy::Halt)
    {
        out.push(Violation::new(
            "spec.deletionPolicy",
            Rule::HaltWithEphemeralStorage,
        ));
    }
    if spec.require_ssl == Some(true)
        && let Lookup::Known(Some(v)) = hub.version
        && let Some(found) = semver(&v.version)
        && found < REQUIRE_SSL_MIN_VERSION
    {
        out.push(Violation::new(
            "spec.requireSSL",
            Rule::RequireSslUnsupported {
                version: v.version.clone(),
            },
        ));
    }
    if replicas > 1
        && md.mode() == Some(MariaDBMode::MariaDBReplication)
        && spec
            .topology
            .as_ref()
            .and_then(|t| t.maxscale.as_ref())
            .is_none()
    {
        out.push(Violation::new(
            "spec.topology.maxscale",
            Rule::MaxScaleReplicasMissing,
        ));
    }
    if md.is_distributed() {
        let path = "spec.podTemplate.spec.podPlacementPolicy";
        // The webhook refuses a distributed MariaDB without a policy reference, but a real API
        // server never shows it one: the CRD defaults `podPlacementPolicy` to `{name:
        // default}` (both releases' `kubedb.com_mariadbs.yaml`), and the API server applies CRD
        // defaults again after the mutating webhook, whose `SetDefaults` always fills
        // `podTemplate.spec`. So an absent reference is the policy `default`.
        let name = md.placement_policy_name().unwrap_or("default");
        if let Lookup::Known(found) = hub.policy {
            match found {
                None => out.push(Violation::new(
                    path,
                    Rule::PlacementPolicyNotFound {
                        name: name.to_owned(),
                    },
                )),
                Some(pp) if !pp.has_shape(release.policy_shape()) => out.push(Violation::new(
                    path,
                    Rule::PolicyShapeMissing {
                        policy: name.to_owned(),
                        shape: release.policy_shape(),
                        other_shape: pp.has_shape(other(release.policy_shape())),
                    },
                )),
                Some(_) => {}
            }
        }
    }
    out
}

/// Validates an update of a MariaDB as `validateUpdate` does (the same in both releases,
/// `apimachinery@v0.57.0:pkg/webhooks/kubedb/v1/mariadb.go`): `spec.storageType` never
/// changes, and `spec.init` is frozen once the database is initialised. Everything else,
/// `spec.podTemplate.spec.nodeSelector` included, may change.
pub fn validate_mariadb_update(old: &MariaDB, new: &MariaDB) -> Vec<Violation> {
    let (old, new) = (old.with_defaults(), new.with_defaults());
    let mut out = Vec::new();
    if old.spec.storage_type != new.spec.storage_type {
        out.push(Violation::new("spec.storageType", Rule::Immutable));
    }
    let initialized = old
        .spec
        .init
        .as_ref()
        .is_some_and(|i| i.initialized == Some(true));
    if initialized && old.spec.init != new.spec.init {
        out.push(Violation::new("spec.init", Rule::Immutable));
    }
    out
}
