//! The MariaDBOpsRequest webhook of KubeDB's ops manager (`kubedb/apimachinery@
//! <release.apimachinery()>:pkg/webhooks/ops/v1alpha1/mariadb.go`): create
//! ([`validate_mariadb_ops_request`], a dispatcher over one function per `spec.type`), update
//! ([`validate_mariadb_ops_request_update`]) and the rules that need the MariaDB
//! ([`ops_rules_reading_database`]).

use super::common::{MAX_GALERA_MEMBERS, MIN_GALERA_REPLICAS, REQUIRE_SSL_MIN_VERSION, semver};
use super::petset::uncovered_indices;
use super::violation::{Lookup, PolicyLookup, Rule, Violation};
use crate::kubedb::v1::{MariaDB, MariaDBMode};
use crate::ops::v1alpha1::{
    MariaDBOpsRequest, MariaDBOpsRequestSpec, MariaDBOpsRequestType, OpsRequestPhase,
    VolumeExpansionSpec,
};
use crate::release::{Catalog, Release};

/// What the MariaDBOpsRequest webhook reads from the hub besides the request. The default knows
/// nothing, so every rule that needs the hub is skipped.
#[derive(Clone, Copy, Debug, Default)]
pub struct OpsRequestInputs<'a> {
    /// The MariaDB `spec.databaseRef` names, in the request's namespace, as stored on the hub.
    /// It is judged after [`MariaDB::with_defaults`] (the hub stores the mutating webhook's
    /// defaults), so a manifest as written may be passed too.
    pub database: Lookup<'a, MariaDB>,
    /// The MariaDBVersion objects on the hub (the release's catalog, or what the hub has),
    /// when known.
    pub catalog: Option<&'a Catalog>,
    /// The PlacementPolicy the MariaDB names, for the distributed scale-up warning.
    pub policy: PolicyLookup<'a>,
}

/// The rules of the ops webhook of `release` for `type_` that read the MariaDB the request
/// names, as lines for a caller that does not have it (a manifest checked without its
/// database): what was not checked. Empty for types the release does not serve and, in
/// v2025.7.31, for VerticalScaling and Reconfigure, which never read it
/// (`apimachinery@v0.57.0` and `@861df6898a80:pkg/webhooks/ops/v1alpha1/mariadb.go`).
///
/// ```
/// use kubedb_types::validation::ops_rules_reading_database;
/// use kubedb_types::ops::v1alpha1::MariaDBOpsRequestType;
/// use kubedb_types::release::Release;
/// let rules = ops_rules_reading_database(MariaDBOpsRequestType::VolumeExpansion, Release::NEWEST);
/// assert!(rules.iter().any(|r| r.contains("greater than")));
/// assert!(ops_rules_reading_database(MariaDBOpsRequestType::Reconfigure, Release::WALKTHROUGH).is_empty());
/// ```
pub fn ops_rules_reading_database(
    type_: MariaDBOpsRequestType,
    release: Release,
) -> Vec<&'static str> {
    use MariaDBOpsRequestType as T;
    if !type_.served_by(release) {
        return Vec::new();
    }
    let older = release == Release::V2025_7_31;
    let exists = "the MariaDB exists";
    let own: &[&'static str] = match type_ {
        T::HorizontalScaling if older => &["it is a cluster (spec.replicas > 1)"],
        T::HorizontalScaling => &["it is a cluster (spec.topology set)"],
        T::UpdateVersion if !older => {
            &["the target MariaDBVersion exists (read once the MariaDB is)"]
        }
        T::ReconfigureTls => &["requireSSL needs its version to be 10.5.2 or later"],
        T::VolumeExpansion => &[
            "the new size is greater than its current storage request",
            "MaxScale volumes need its MariaDBReplication topology",
        ],
        T::RotateAuth => &["a new auth secret keeps its username"],
        T::StorageMigration => &["it names a storage class to migrate from"],
        _ => &[],
    };
    let reads = !older || !matches!(type_, T::VerticalScaling | T::Reconfigure);
    let mut rules = Vec::new();
    if reads {
        rules.push(exists);
    }
    rules.extend_from_slice(own);
    if type_ == T::HorizontalScaling {
        rules.push("its PlacementPolicy maps the new members (a warning of this crate)");
    }
    rules
}

/// The webhook's path for the parameters of `type_`: where `validateCreateOrUpdate` reports
/// every error of that type.
fn ops_field(type_: MariaDBOpsRequestType) -> &'static str {
    use MariaDBOpsRequestType::*;
    match type_ {
        Restart => "spec.restart",
        VerticalScaling => "spec.verticalScaling",
        HorizontalScaling => "spec.horizontalScaling",
        Reconfigure => "spec.configuration",
        UpdateVersion | Upgrade => "spec.updateVersion",
        ReconfigureTls => "spec.tls",
        VolumeExpansion => "spec.volumeExpansion",
        RotateAuth => "spec.authentication",
        StorageMigration => "spec.migration",
    }
}

/// Validates a MariaDBOpsRequest as the ops webhook of `release` does on create
/// (`kubedb/apimachinery@<release.apimachinery()>:pkg/webhooks/ops/v1alpha1/mariadb.go`,
/// `validateCreateOrUpdate`; the webhook is registered for `mariadbopsrequests` by
/// `kubedb/installer@<release>:charts/kubedb-webhook-server/templates/ops-manager/
/// validating-webhook.yaml`). Paths are the webhook's (`spec.<field of the type>`), and each
/// violation carries the webhook's own text ([`Violation::upstream_message`]).
///
/// Both releases:
/// - `spec.type` must be one of the release's types ([`MariaDBOpsRequestType::supported`];
///   `Upgrade`, still in the v2025.7.31 CRD, is refused by both);
/// - HorizontalScaling: `horizontalScaling` present; the MariaDB a cluster (v0.57.0
///   `IsCluster`: `replicas > 1`; 861df6898a80: `spec.topology` set); `member` present (the
///   webhook dereferences it without a check) and in `3..=9` (`member <= 2 || member > 9` is
///   refused);
/// - VerticalScaling: `verticalScaling` present;
/// - VolumeExpansion: `volumeExpansion` with `mariadb` or `maxscale`, not both;
/// - Reconfigure: `configuration` with `configSecret`, `applyConfig` or `removeCustomConfig`;
/// - ReconfigureTLS: `tls` present; exactly one of `remove`, `rotateCertificates`, and a new
///   `issuerRef`/`certificates`/`requireSSL`; `requireSSL` needs the database's version to be
///   10.5.2 or later.
///
/// v2025.7.31 (`apimachinery@v0.57.0`) only:
/// - the MariaDB must exist for Restart (`spec.restart`), HorizontalScaling, UpdateVersion,
///   ReconfigureTLS, VolumeExpansion and RotateAuth; VerticalScaling and Reconfigure do not
///   read it;
/// - Reconfigure: at most one of the three changes;
/// - UpdateVersion: `updateVersion` present; the target MariaDBVersion must exist and not be
///   deprecated;
/// - RotateAuth: a `secretRef` needs a non-empty name.
///
/// v2026.7.10 (`apimachinery@861df6898a80`) only:
/// - the MariaDB must exist for every type (`spec.databaseRef`), checked before anything else
///   but the type, and nothing else is checked when it does not;
/// - UpdateVersion: `updateVersion` present; the target must be among the MariaDBVersions
///   (`IsUpgradable`, `pkg/webhooks/ops/v1alpha1/shared.go`) and admitted by the current
///   version's `updateConstraints`; the constraints are not in the catalog data, so every
///   target not refused otherwise gets a [`Severity::Warning`]
///   ([`Rule::OpsUpdateConstraintsNotChecked`]) naming that rule and the `kubectl` command that
///   shows the constraints, whether the MariaDB is known or not;
/// - StorageMigration: `migration` and `timeout` present, and the MariaDB must name a storage
///   class.
///
/// VolumeExpansion sizes against the MariaDB, in each release's way (`volume_sizes`).
///
/// Not modelled (they need objects this function is not given): the Secrets of RotateAuth,
/// the StorageClasses of StorageMigration, and v2026.7.10's `updateConstraints` of the current
/// MariaDBVersion (the catalog data carries no constraints: the warning above says so).
/// [`ops_rules_reading_database`] lists, per type and
/// release, the rules that need the MariaDB, for callers that do not have it.
///
/// Where the guide is silent (`kubedb/docs@dd66a58b:docs/guides/mariadb/distributed/
/// opsrequest/horizontal_scale.md`): neither release's OpsRequest webhook reads the
/// PlacementPolicy or the slice. A scale-up past the ordinals the policy maps is admitted;
/// the PetSet webhook (which checks coverage on update too, [`validate_petset`]) then refuses
/// the ops manager's new replica count and the request fails. That is reported here as a
/// [`Severity::Warning`] ([`Rule::OpsMemberNotPlaced`]) when the database is distributed and
/// its policy is known. A policy edit while a request runs is judged by the PlacementPolicy
/// webhook alone ([`validate_placement_policy_update`]): no OpsRequest rule sees it.
///
/// The webhook stops at its first error; this returns every violation, in the webhook's
/// order (except where upstream returns before reading further, as for an unknown type).
///
/// ```
/// use kubedb_types::validation::{validate_mariadb_ops_request, OpsRequestInputs, Rule};
/// use kubedb_types::ops::v1alpha1::MariaDBOpsRequest;
/// use kubedb_types::release::Release;
/// let ops = MariaDBOpsRequest::horizontal_scaling("scale", "demo", "mariadb", 2);
/// let v = validate_mariadb_ops_request(&ops, Release::WALKTHROUGH, &OpsRequestInputs::default());
/// assert_eq!(v[0].rule, Rule::OpsMemberOutOfRange { member: 2 });
/// assert_eq!(v[0].upstream_message(), "Group size can not be less than 3 or greater than 9, range: [3,9]");
/// ```
///
/// [`validate_petset`]: crate::validation::validate_petset
/// [`Severity::Warning`]: crate::validation::Severity::Warning
/// [`validate_placement_policy_update`]: crate::validation::validate_placement_policy_update
pub fn validate_mariadb_ops_request(
    ops: &MariaDBOpsRequest,
    release: Release,
    hub: &OpsRequestInputs<'_>,
) -> Vec<Violation> {
    use MariaDBOpsRequestType as T;
    let type_ = ops.spec.type_;
    if !type_.served_by(release) {
        return vec![unsupported_type(type_, release)];
    }
    // The MariaDB as the hub stores it (defaults applied), when it is known to exist.
    let stored = match hub.database {
        Lookup::Known(Some(md)) => Some(md.with_defaults()),
        _ => None,
    };
    let request = Request::new(ops, release, hub, stored.as_ref());
    let mut out = Vec::new();
    if let Lookup::Known(None) = hub.database {
        out.extend(request.database_not_found());
        // 861df6898a80 checks nothing else when the database does not exist.
        if !request.older {
            return out;
        }
    }
    out.extend(match type_ {
        T::HorizontalScaling => horizontal_scaling(&request),
        T::VerticalScaling => vertical_scaling(&request),
        T::VolumeExpansion => volume_expansion(&request),
        T::Reconfigure => reconfigure(&request),
        T::UpdateVersion => update_version(&request),
        T::ReconfigureTls => reconfigure_tls(&request),
        T::RotateAuth => rotate_auth(&request),
        T::StorageMigration => storage_migration(&request),
        T::Restart | T::Upgrade => Vec::new(),
    });
    out
}

/// A `spec.type` the release's webhook does not serve, refused with the webhook's list of the
/// types it does (`MariaDBOpsRequestTypeNames`).
fn unsupported_type(type_: MariaDBOpsRequestType, release: Release) -> Violation {
    let supported = MariaDBOpsRequestType::supported(release);
    Violation::new(
        "spec.type",
        Rule::OpsTypeNotSupported {
            given: type_,
            supported: supported.to_vec(),
        },
    )
    .answering(Some(format!(
        "defined OpsRequestType {type_} is not supported, supported types for MariaDB are {}",
        supported
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

/// One MariaDBOpsRequest of a served type, with what the rules of every type read.
struct Request<'a> {
    /// The request's spec.
    spec: &'a MariaDBOpsRequestSpec,
    /// `spec.type`.
    type_: MariaDBOpsRequestType,
    /// `status.phase`, when set.
    phase: Option<OpsRequestPhase>,
    /// The webhook's path for the type's parameters ([`ops_field`]).
    field: &'static str,
    /// The request's namespace.
    namespace: &'a str,
    /// `namespace/name` of the MariaDB the request names.
    database: String,
    /// v2025.7.31 (`apimachinery@v0.57.0`), whose rules and texts differ from v2026.7.10's.
    older: bool,
    /// The MariaDB as the hub stores it (defaults applied), when it is known to exist.
    md: Option<&'a MariaDB>,
    /// The MariaDBVersion objects on the hub, when known.
    catalog: Option<&'a Catalog>,
    /// The PlacementPolicy the MariaDB names.
    policy: PolicyLookup<'a>,
    /// The release whose webhook is reproduced.
    release: Release,
}

impl<'a> Request<'a> {
    fn new(
        ops: &'a MariaDBOpsRequest,
        release: Release,
        hub: &OpsRequestInputs<'a>,
        md: Option<&'a MariaDB>,
    ) -> Self {
        let namespace = ops.metadata.namespace.as_deref().unwrap_or_default();
        Request {
            spec: &ops.spec,
            type_: ops.spec.type_,
            phase: ops.phase(),
            field: ops_field(ops.spec.type_),
            namespace,
            database: format!("{namespace}/{}", ops.spec.database_ref.name),
            older: release == Release::V2025_7_31,
            md,
            catalog: hub.catalog,
            policy: hub.policy,
            release,
        }
    }

    /// The type's parameter `field` is absent; `answer` is the webhook's text, where it has one.
    fn missing(&self, field: &'static str, answer: Option<&str>) -> Violation {
        Violation::new(
            field_path(field),
            Rule::OpsFieldMissing {
                type_: self.type_,
                field,
            },
        )
        .answering(answer.map(str::to_owned))
    }

    /// The MariaDB the request names does not exist: v2026.7.10 says so under
    /// `spec.databaseRef` for every type; v2025.7.31 under the type's field, except for
    /// VerticalScaling and Reconfigure, which never read it (`None`).
    fn database_not_found(&self) -> Option<Violation> {
        use MariaDBOpsRequestType as T;
        let not_found = Violation::new(
            self.field,
            Rule::OpsDatabaseNotFound {
                database: self.database.clone(),
            },
        );
        let invalid_ref = format!(
            "spec.databaseRef {}, is invalid or not found",
            self.database
        );
        if !self.older {
            return Some(
                Violation {
                    path: "spec.databaseRef".into(),
                    ..not_found
                }
                .answering(Some(invalid_ref)),
            );
        }
        if matches!(self.type_, T::VerticalScaling | T::Reconfigure) {
            return None;
        }
        let answer = if self.type_ == T::Restart {
            invalid_ref
        } else {
            format!(
                "failed to get mariadb: {}: mariadbs.kubedb.com \"{}\" not found",
                self.database, self.spec.database_ref.name
            )
        };
        Some(not_found.answering(Some(answer)))
    }
}

/// HorizontalScaling: `horizontalScaling` present; the MariaDB a cluster (v0.57.0
/// `IsCluster`: `replicas > 1`; 861df6898a80: `spec.topology` set); `member` present and in
/// `3..=9`; and this crate's warning when a distributed MariaDB's policy does not map the new
/// members ([`Rule::OpsMemberNotPlaced`]).
fn horizontal_scaling(r: &Request<'_>) -> Vec<Violation> {
    let mut out = Vec::new();
    let Some(hs) = &r.spec.horizontal_scaling else {
        out.push(r.missing(
            "spec.horizontalScaling",
            Some("`spec.Scale.HorizontalScaling` field is nil"),
        ));
        return out;
    };
    if let Some(md) = r.md {
        let cluster = if r.older {
            md.spec.replicas.unwrap_or(0) > 1
        } else {
            md.spec.topology.is_some()
        };
        if !cluster {
            out.push(Violation::new(r.field, Rule::OpsNotACluster { database: r.database.clone() }).answering(
                Some("OpsRequest haven't pointed to a MariaDB Cluster, Horizontal scaling applicable only for MariaDB Cluster".into()),
            ));
        }
    }
    match hs.member {
        None => out.push(r.missing("spec.horizontalScaling.member", None)),
        Some(member) if !(MIN_GALERA_REPLICAS..=MAX_GALERA_MEMBERS).contains(&member) => out.push(
            Violation::new(r.field, Rule::OpsMemberOutOfRange { member }).answering(Some(
                "Group size can not be less than 3 or greater than 9, range: [3,9]".into(),
            )),
        ),
        Some(member) => {
            if let (Some(md), Lookup::Known(Some(pp))) = (r.md, r.policy)
                && md.is_distributed()
                && pp.has_distribution(r.release.policy_shape())
            {
                let indices =
                    uncovered_indices(&pp.distribution_of(r.release.policy_shape()), member);
                if !indices.is_empty() {
                    out.push(Violation::new(
                        "spec.horizontalScaling.member",
                        Rule::OpsMemberNotPlaced {
                            policy: pp.metadata.name.clone().unwrap_or_default(),
                            indices,
                        },
                    ));
                }
            }
        }
    }
    out
}

/// VerticalScaling: `verticalScaling` present.
fn vertical_scaling(r: &Request<'_>) -> Vec<Violation> {
    if r.spec.vertical_scaling.is_some() {
        return Vec::new();
    }
    vec![r.missing(
        "spec.verticalScaling",
        Some("`spec.Scale.Vertical` field is empty"),
    )]
}

/// VolumeExpansion: `volumeExpansion` with `mariadb` or `maxscale`, not both; the sizes
/// against the MariaDB ([`volume_sizes`]).
fn volume_expansion(r: &Request<'_>) -> Vec<Violation> {
    match &r.spec.volume_expansion {
        Some(ve) if ve.mariadb.is_some() && ve.maxscale.is_some() => vec![
            Violation::new(r.field, Rule::OpsVolumeExpansionBoth).answering(Some(
                "Volume expansion for both server at a time is not allowed".into(),
            )),
        ],
        Some(ve) if ve.mariadb.is_some() || ve.maxscale.is_some() => match r.md {
            Some(md) => volume_sizes(r.field, md, ve, r.phase, r.older),
            None => Vec::new(),
        },
        _ => vec![r.missing(
            "spec.volumeExpansion.mariadb",
            Some("`.Spec.VolumeExpansion` field is nil"),
        )],
    }
}

/// Reconfigure: `configuration` with `configSecret`, `applyConfig` or `removeCustomConfig`;
/// v2025.7.31 also refuses more than one of them.
fn reconfigure(r: &Request<'_>) -> Vec<Violation> {
    let nil = if r.older {
        "`.Spec.Configuration` field is nil/not assigned properly"
    } else {
        "`.Spec.Configuration` field is nil"
    };
    let Some(c) = &r.spec.configuration else {
        return vec![r.missing("spec.configuration", Some(nil))];
    };
    let remove = c.remove_custom_config == Some(true);
    let applies = c.apply_config.as_ref().is_some_and(|m| !m.is_empty());
    if !remove && !applies && c.config_secret.is_none() {
        let answer = if r.older {
            nil
        } else {
            "at least one of `RemoveCustomConfig`, `ConfigSecret`, or `ApplyConfig` must be specified"
        };
        return vec![
            Violation::new(r.field, Rule::OpsReconfigureNothing).answering(Some(answer.into())),
        ];
    }
    if r.older
        && usize::from(remove)
            + usize::from(c.apply_config.is_some())
            + usize::from(c.config_secret.is_some())
            > 1
    {
        return vec![Violation::new(r.field, Rule::OpsReconfigureMoreThanOne).answering(Some(
            "more than 1 field have assigned to reconfigure your database but at a time you you are allowed to run one operation(`RemoveCustomConfig`, `ApplyConfig` or `ConfigSecret`) to reconfigure".into(),
        ))];
    }
    Vec::new()
}

/// UpdateVersion: `updateVersion` present; the target MariaDBVersion must exist (v2025.7.31:
/// and not be deprecated; v2026.7.10: among the versions, read once the database is known,
/// and admitted by the current version's `updateConstraints`, which is reported as not
/// checked).
fn update_version(r: &Request<'_>) -> Vec<Violation> {
    let Some(uv) = &r.spec.update_version else {
        return vec![r.missing(
            "spec.updateVersion",
            Some(if r.older {
                "spec.Upgrade is nil"
            } else {
                "spec.updateVersion nil not supported in UpdateVersion type"
            }),
        )];
    };
    let target = uv.target_version.clone().unwrap_or_default();
    let mut out = target_version(r, &target);
    if out.is_empty() && r.release.ops_webhook_checks_update_constraints() {
        out.push(Violation::new(
            "spec.updateVersion.targetVersion",
            Rule::OpsUpdateConstraintsNotChecked {
                database: r.database.clone(),
                from: r.md.map(|md| md.spec.version.clone()),
                target,
            },
        ));
    }
    out
}

/// The target MariaDBVersion against the catalog, when it is read: it exists (v2025.7.31: and
/// is not deprecated).
fn target_version(r: &Request<'_>, target: &str) -> Vec<Violation> {
    let target = target.to_owned();
    // v0.57.0 reads the target after the database; 861df6898a80 lists the versions
    // only once the database is known.
    let read = r.older || r.md.is_some();
    let (true, Some(catalog)) = (read, r.catalog) else {
        return Vec::new();
    };
    match catalog.get(&target) {
        None => {
            let answer = match (r.older, r.md) {
                (true, _) => format!(
                    "failed to get mariadbVersion: {target}: mariadbversions.catalog.kubedb.com \"{target}\" not found"
                ),
                (false, Some(md)) => format!(
                    "upgrade from version {} to {target} is not supported",
                    md.spec.version
                ),
                (false, None) => String::new(),
            };
            vec![
                Violation::new(r.field, Rule::OpsTargetVersionNotFound { name: target })
                    .answering(Some(answer)),
            ]
        }
        Some(v) if r.older && v.deprecated => vec![
            Violation::new(
                r.field,
                Rule::OpsTargetVersionDeprecated {
                    name: target.clone(),
                },
            )
            .answering(Some(format!(
                "mariadb target version {}/{target} is deprecated. Skipped processing",
                r.namespace
            ))),
        ],
        Some(_) => Vec::new(),
    }
}

/// ReconfigureTLS: `tls` present; `requireSSL` needs the database's version to be 10.5.2 or
/// later; exactly one of `remove`, `rotateCertificates`, and a new
/// `issuerRef`/`certificates`/`requireSSL`.
fn reconfigure_tls(r: &Request<'_>) -> Vec<Violation> {
    let Some(tls) = &r.spec.tls else {
        return vec![r.missing("spec.tls", Some("TLS Spec is empty"))];
    };
    let mut out = Vec::new();
    if tls.require_ssl == Some(true)
        && let (Some(md), Some(catalog)) = (r.md, r.catalog)
        && let Some(entry) = catalog.get(&md.spec.version)
        && semver(&entry.version).is_some_and(|v| v < REQUIRE_SSL_MIN_VERSION)
    {
        out.push(Violation::new(
            r.field,
            Rule::RequireSslUnsupported {
                version: entry.version.clone(),
            },
        ));
    }
    let changes = usize::from(tls.remove == Some(true))
        + usize::from(tls.rotate_certificates == Some(true))
        + usize::from(
            tls.config.issuer_ref.is_some()
                || tls.config.certificates.is_some()
                || tls.require_ssl.is_some(),
        );
    if changes == 0 {
        out.push(
            Violation::new(r.field, Rule::OpsTlsNothing).answering(Some(
                if r.older {
                    "No of incomplete reconfiguration is provided in TLS Spec."
                } else {
                    "no of incomplete reconfiguration is provided in TLS spec"
                }
                .into(),
            )),
        );
    } else if changes > 1 {
        out.push(Violation::new(r.field, Rule::OpsTlsMoreThanOne).answering(Some(
            "more than 1 field have assigned to reconfigureTLS to your database but at a time you you are allowed to run one operation".into(),
        )));
    }
    out
}

/// RotateAuth (v2025.7.31): a `secretRef` needs a non-empty name.
fn rotate_auth(r: &Request<'_>) -> Vec<Violation> {
    if r.older
        && let Some(secret) = r
            .spec
            .authentication
            .as_ref()
            .and_then(|a| a.secret_ref.as_ref())
        && secret.name.is_empty()
    {
        return vec![r.missing(
            "spec.authentication.secretRef.name",
            Some("spec.authentication.secretRef.name can not be empty"),
        )];
    }
    Vec::new()
}

/// StorageMigration (v2026.7.10): `migration` and `timeout` present, and the MariaDB must name
/// a storage class.
fn storage_migration(r: &Request<'_>) -> Vec<Violation> {
    if r.spec.migration.is_none() {
        return vec![r.missing(
            "spec.migration",
            Some("spec.migration is required for StorageMigration type"),
        )];
    }
    let mut out = Vec::new();
    if r.spec.timeout.is_none() {
        out.push(Violation::new(r.field, Rule::OpsMigrationNeedsTimeout).answering(Some(
            "spec.timeout is required for Storage Migration ops request, adjust timeout according to the size of your database".into(),
        )));
    }
    if let Some(md) = r.md
        && md
            .spec
            .storage
            .as_ref()
            .and_then(|s| s.storage_class_name.as_ref())
            .is_none()
    {
        out.push(
            Violation::new(r.field, Rule::OpsMigrationNoStorageClass).answering(Some(
                "db.Spec.Storage.StorageClassName can't be nil in the database yaml".into(),
            )),
        );
    }
    out
}

/// The size rules of a VolumeExpansion against the MariaDB it names (`md`, defaults applied).
///
/// - `apimachinery@v0.57.0:pkg/webhooks/ops/v1alpha1/mariadb.go`
///   (`validateMariaDBVolumeExpansionOpsRequest`): the current size is
///   `spec.storage.resources.requests.storage` (MaxScale: the topology's); the request must
///   ask for more, on every create and update. Without `spec.storage` the webhook
///   dereferences nil and answers HTTP 500 (refused); without the `storage` request it wraps a
///   nil error and admits the request without comparing (upstream's bug: admitted here too).
/// - `apimachinery@861df6898a80:pkg/webhooks/ops/util.go` (`ValidateStorageExpansion`):
///   `storage not configured for <node>`, `failed to parse current <node> storage size`, and
///   the comparison only while the request's phase is empty or `Pending`.
/// - MaxScale volumes need the MariaDBReplication topology (`Topology is not mariadb
///   replication`).
fn volume_sizes(
    field: &str,
    md: &MariaDB,
    ve: &VolumeExpansionSpec,
    phase: Option<OpsRequestPhase>,
    older: bool,
) -> Vec<Violation> {
    let mut out = Vec::new();
    let (node_type, desired, storage) = match (&ve.mariadb, &ve.maxscale) {
        (Some(q), _) => ("MariaDB", q.to_quantity(), md.spec.storage.as_ref()),
        (None, Some(q)) => {
            if md.mode() != Some(MariaDBMode::MariaDBReplication) {
                out.push(
                    Violation::new(field, Rule::OpsNotReplication)
                        .answering(Some("Topology is not mariadb replication".into())),
                );
                return out;
            }
            let storage = md
                .spec
                .topology
                .as_ref()
                .and_then(|t| t.maxscale.as_ref())
                .and_then(|m| m.storage.as_ref());
            ("MaxScale", q.to_quantity(), storage)
        }
        (None, None) => return out,
    };
    let not_configured = Violation::new(field, Rule::OpsStorageNotConfigured { node_type });
    let Some(storage) = storage else {
        out.push(not_configured.answering(Some(if older {
            "the webhook dereferences the missing storage and answers HTTP 500 (panic)".to_owned()
        } else {
            format!("storage not configured for {node_type}")
        })));
        return out;
    };
    let current = storage
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("storage"));
    let Some(current) = current else {
        if !older {
            out.push(not_configured.answering(Some(format!(
                "failed to parse current {node_type} storage size"
            ))));
        }
        return out;
    };
    let compares = older || matches!(phase, None | Some(OpsRequestPhase::Pending));
    if compares
        && crate::common::quantity::compare(current, &desired)
            .is_some_and(|o| o != std::cmp::Ordering::Less)
    {
        let answer = if older {
            format!(
                "Desired storage size must be greater than current storage. Current storage: {}",
                current.0
            )
        } else {
            format!(
                "desired {node_type} storage size must be greater than current storage. Current storage: {}",
                current.0
            )
        };
        out.push(
            Violation::new(
                field,
                Rule::OpsVolumeNotLarger {
                    node_type,
                    current: current.0.clone(),
                    desired: desired.0.clone(),
                },
            )
            .answering(Some(answer)),
        );
    }
    out
}

/// The webhook reports a missing parameter at the type's field (`spec.horizontalScaling` for
/// `spec.horizontalScaling.member`): the first two segments of `field`.
fn field_path(field: &str) -> String {
    field.splitn(3, '.').take(2).collect::<Vec<_>>().join(".")
}

/// Validates an update of a MariaDBOpsRequest as the ops webhook of `release` does
/// (`ValidateUpdate`, `apimachinery@v0.57.0` and `@861df6898a80:pkg/webhooks/ops/v1alpha1/
/// mariadb.go`): the spec may not change at all (`validateMariaDBOpsRequest`: a strategic
/// merge patch from the old object with `spec` as a precondition, kmodules
/// `client-go/meta/preconditions.go`), and when it did not, the create rules run again on the
/// new object ([`validate_mariadb_ops_request`]). The ops manager's status updates leave the
/// spec as it is, so they pass (v2026.7.10 registers the webhook for
/// `mariadbopsrequests/status` as well).
pub fn validate_mariadb_ops_request_update(
    old: &MariaDBOpsRequest,
    new: &MariaDBOpsRequest,
    release: Release,
    hub: &OpsRequestInputs<'_>,
) -> Vec<Violation> {
    if old.spec != new.spec {
        return vec![Violation::new("spec", Rule::Immutable)];
    }
    validate_mariadb_ops_request(new, release, hub)
}
