//! The objects of the walkthrough's Steps 3 to 7 (KubeSlice Project, Cluster registrations and
//! SliceConfig, the PlacementPolicy, the MariaDB) in dependency order, and where each ordinal
//! goes.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    LocalObjectReference, PersistentVolumeClaimSpec, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kubedb_types::apps::v1::{
    ClusterSpreadConstraint, PlacementPolicy, PlacementPolicySpec, SliceRef, SpreadConstraint,
    WhenUnsatisfiable,
};
use kubedb_types::common::offshoot::{PodSpec, PodTemplateSpec};
use kubedb_types::kubedb::v1::{MariaDB, MariaDBSpec, StorageType};
use kubeslice_types::common::{Cipher, DscpClass, SliceGatewayType};
use kubeslice_types::controller::v1alpha1::{
    Cluster, ClusterProperty, ClusterSpec, NamespaceIsolationProfile, Project, ProjectSpec,
    QosProfileDetails, ServiceAccountsSpec, SliceConfig, SliceConfigSpec, SliceGatewayProvider,
    SliceNamespaceSelection, VpnConfiguration, project_namespace,
};
use placement::{Mapping, Policy};

use crate::environment::Environment;

use super::model::{Placed, PlanObject, Step};

fn meta(name: &str, namespace: Option<&str>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_owned()),
        namespace: namespace.map(str::to_owned),
        ..ObjectMeta::default()
    }
}

/// The walkthrough's slice: Wireguard gateways, local CA and IPAM, AES-128-CBC, 2.5/5 Mbit/s QoS,
/// the application and operator namespaces onboarded on every cluster, kube-system allowed;
/// `maxClusters` 16, or the number of clusters when more (KubeSlice allows at most 32).
pub fn default_slice_spec(
    clusters: &[String],
    app_namespace: &str,
    operator_namespace: &str,
) -> SliceConfigSpec {
    let everywhere = |ns: &str| SliceNamespaceSelection {
        namespace: Some(ns.to_owned()),
        clusters: Some(vec!["*".into()]),
    };
    SliceConfigSpec {
        slice_subnet: Some("10.1.0.0/16".into()),
        max_clusters: Some((clusters.len() as i64).max(16)),
        slice_type: Some("Application".into()),
        slice_gateway_provider: Some(SliceGatewayProvider {
            slice_gateway_type: Some(SliceGatewayType::Wireguard),
            slice_ca_type: Some("Local".into()),
            slice_gateway_service_type: None,
        }),
        slice_ipam_type: Some("Local".into()),
        rotation_interval: Some(60),
        vpn_config: Some(VpnConfiguration {
            cipher: Some(Cipher::Aes128Cbc),
        }),
        clusters: Some(clusters.to_vec()),
        qos_profile_details: Some(QosProfileDetails {
            queue_type: Some("HTB".into()),
            priority: 1,
            tc_type: Some("BANDWIDTH_CONTROL".into()),
            bandwidth_ceiling_kbps: 5120,
            bandwidth_guaranteed_kbps: 2560,
            dscp_class: DscpClass::AF11,
        }),
        namespace_isolation_profile: Some(NamespaceIsolationProfile {
            application_namespaces: Some(vec![
                everywhere(app_namespace),
                everywhere(operator_namespace),
            ]),
            isolation_enabled: Some(false),
            allowed_namespaces: Some(vec![everywhere("kube-system")]),
        }),
        ..SliceConfigSpec::default()
    }
}

/// The objects of Steps 3 to 7, in order, for a resolved placement policy.
pub(crate) fn steps(env: &Environment, policy: &Policy) -> Vec<Step> {
    let ks = &env.kubeslice;
    let db = &env.database;
    let project_ns = project_namespace(&ks.project);
    let mut slice_clusters: Vec<String> = Vec::new();
    for r in &policy.rules {
        if !slice_clusters.contains(&r.cluster) {
            slice_clusters.push(r.cluster.clone());
        }
    }
    let slice_spec = ks.slice_config.clone().unwrap_or_else(|| {
        default_slice_spec(&slice_clusters, &db.namespace, &ks.operator_namespace)
    });
    let registered: Vec<String> = slice_spec.clusters().to_vec();
    let ctx = ks.controller_cluster.clone();
    let mut out = vec![Step {
        context: ctx.clone(),
        object: PlanObject::Project(Project {
            metadata: meta(&ks.project, Some(&ks.controller_namespace)),
            spec: ProjectSpec {
                service_account: (!ks.read_write_users.is_empty()).then(|| ServiceAccountsSpec {
                    read_write: Some(ks.read_write_users.clone()),
                    read_only: None,
                }),
                default_slice_creation: None,
            },
            status: None,
        }),
        reason: format!(
            "the KubeSlice controller creates the project namespace {project_ns} that the cluster registrations and the slice live in"
        ),
    }];
    for cluster in &registered {
        out.push(Step {
            context: ctx.clone(),
            object: PlanObject::Cluster(Cluster {
                metadata: meta(cluster, Some(&project_ns)),
                spec: ClusterSpec {
                    network_interface: ks.network_interfaces.get(cluster).cloned(),
                    cluster_property: Some(ClusterProperty::default()),
                    ..ClusterSpec::default()
                },
                status: None,
            }),
            reason: "a slice can onboard only clusters registered in its project".into(),
        });
    }
    out.push(Step {
        context: ctx.clone(),
        object: PlanObject::SliceConfig(SliceConfig {
            metadata: meta(&ks.slice, Some(&project_ns)),
            spec: slice_spec,
            status: None,
        }),
        reason: format!(
            "connects the clusters and onboards {} and {} on all of them{}",
            db.namespace,
            ks.operator_namespace,
            if env.kubedb.release.policy_webhook_checks_slice() {
                "; the PlacementPolicy webhook checks its clusters against it"
            } else {
                ""
            }
        ),
    });
    let soft = || SpreadConstraint {
        max_skew: 1,
        when_unsatisfiable: WhenUnsatisfiable::ScheduleAnyway,
    };
    let release = env.kubedb.release;
    let current = PlacementPolicy {
        metadata: meta(&db.placement_policy, None),
        spec: PlacementPolicySpec {
            zone_spread_constraint: Some(soft()),
            node_spread_constraint: Some(soft()),
            affinity: None,
            cluster_spread_constraint: Some(ClusterSpreadConstraint {
                distribution_rules: policy.to_distribution_rules(),
                slice: SliceRef {
                    project_namespace: project_ns.clone(),
                    slice_name: ks.slice.clone(),
                },
                failover_policy: None,
            }),
            ocm: None,
        },
    };
    // What the release's shape cannot carry is reported by preflight (`release_gaps`).
    let in_release_shape = current.for_release(release, Some(&project_ns)).policy;
    out.push(Step {
        context: env.hub.name.clone(),
        object: PlanObject::PlacementPolicy(in_release_shape),
        reason: format!(
            "the MariaDB webhook of KubeDB {release} needs the policy to exist, with spec.{} (its PetSet webhook then checks that it maps every replica)",
            release.policy_shape().field()
        ),
    });
    out.push(Step {
        context: env.hub.name.clone(),
        object: PlanObject::MariaDB(Box::new(MariaDB {
            metadata: meta(&db.name, Some(&db.namespace)),
            spec: MariaDBSpec {
                version: db.version.clone(),
                distributed: Some(true),
                deletion_policy: Some(db.deletion_policy),
                replicas: Some(db.replicas as i32),
                storage: Some(PersistentVolumeClaimSpec {
                    access_modes: Some(vec!["ReadWriteOnce".into()]),
                    resources: Some(VolumeResourceRequirements {
                        requests: Some(BTreeMap::from([("storage".to_owned(), db.storage.clone())])),
                        limits: None,
                    }),
                    storage_class_name: db.storage_class.clone(),
                    ..PersistentVolumeClaimSpec::default()
                }),
                storage_type: Some(StorageType::Durable),
                wsrep_sst_method: db.wsrep_sst_method,
                pod_template: Some(PodTemplateSpec {
                    spec: Some(PodSpec {
                        pod_placement_policy: Some(LocalObjectReference { name: db.placement_policy.clone() }),
                        ..PodSpec::default()
                    }),
                    ..PodTemplateSpec::default()
                }),
                ..MariaDBSpec::default()
            },
            status: None,
        })),
        reason: "last: KubeDB's PetSet then creates one pod and one PVC ManifestWork per ordinal in the chosen cluster's hub namespace".into(),
    });
    out
}

/// Where each ordinal goes.
pub(crate) fn placed(env: &Environment, policy: &Policy) -> Vec<Placed> {
    let mapping = Mapping::build(policy);
    (0..env.database.replicas as i32)
        .filter_map(|o| {
            let cluster = mapping.cluster(o).ok()?;
            Some(Placed {
                ordinal: o,
                pod: format!("{}-{o}", env.database.name),
                cluster: cluster.to_owned(),
                storage_class: mapping
                    .storage_class(o)
                    .map(str::to_owned)
                    .or_else(|| env.database.storage_class.clone()),
            })
        })
        .collect()
}
