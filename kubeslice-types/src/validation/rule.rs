//! What a rule reports: the [`Violation`] at a field path and the [`Rule`] it breaks, with
//! the message the webhooks' errors carry.

use std::fmt;

use crate::common::OverlayNetworkMode;
use crate::controller::v1alpha1::RegistrationStatus;

/// One broken rule at one field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {rule}")]
pub struct Violation {
    /// Field path, for example `spec.clusters[1]`.
    pub path: String,
    /// The rule and its details.
    pub rule: Rule,
}

/// A [`Violation`] of `rule` at `path`.
pub(super) fn v(path: impl Into<String>, rule: Rule) -> Violation {
    Violation {
        path: path.into(),
        rule,
    }
}
/// The KubeSlice admission rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// The object must live in a project namespace (`kubeslice-<project>`, labelled by the
    /// controller).
    NotProjectNamespace {
        /// The namespace used.
        namespace: String,
    },
    /// A value is listed twice.
    Duplicate {
        /// The value.
        value: String,
    },
    /// A field is required here.
    Required,
    /// A cluster is not a registered Cluster of the project namespace.
    ClusterNotRegistered {
        /// The cluster.
        cluster: String,
    },
    /// A cluster's registration is not complete.
    ClusterNotReady {
        /// The cluster.
        cluster: String,
        /// Its registration status, if any.
        status: Option<RegistrationStatus>,
    },
    /// A cluster reports unhealthy.
    ClusterUnhealthy {
        /// The cluster.
        cluster: String,
    },
    /// A cluster has no gateway node IPs.
    ClusterWithoutNodeIps {
        /// The cluster.
        cluster: String,
    },
    /// A cluster has no network (networked slices need one).
    ClusterWithoutNetwork {
        /// The cluster.
        cluster: String,
    },
    /// A cluster reports no CNI subnet.
    ClusterWithoutCniSubnet {
        /// The cluster.
        cluster: String,
    },
    /// The slice subnet overlaps a cluster's pod network.
    SubnetOverlapsCni {
        /// The cluster.
        cluster: String,
        /// Its CNI subnet.
        cni: String,
    },
    /// `*` on the project's default slice.
    WildcardOnDefaultSlice,
    /// The namespace already belongs to another slice on a cluster.
    NamespaceInOtherSlice {
        /// The namespace.
        namespace: String,
        /// The cluster.
        cluster: String,
        /// The slice that owns it.
        slice: String,
    },
    /// A namespace name is not `[a-zA-Z0-9-]+`.
    InvalidNamespaceName {
        /// The name.
        namespace: String,
    },
    /// `*` must be the only cluster of its list.
    WildcardNotAlone,
    /// A cluster is not in `spec.clusters`.
    ClusterNotInSlice {
        /// The cluster.
        cluster: String,
    },
    /// `maxClusters` outside 2..=32.
    MaxClustersOutOfRange {
        /// The value.
        max: i64,
    },
    /// More clusters than `maxClusters`.
    TooManyClusters {
        /// Clusters listed.
        clusters: usize,
        /// The limit.
        max: i64,
    },
    /// The slice subnet is not a valid CIDR.
    SubnetInvalid {
        /// The parser's complaint.
        reason: String,
    },
    /// The slice subnet is not private.
    SubnetNotPrivate,
    /// The slice subnet is not a `/16`.
    SubnetNotSlash16,
    /// The slice subnet's 3rd and 4th octets are not 0.
    SubnetNotZeroed,
    /// Both or neither of `standardQosProfileName` and `qosProfileDetails`.
    QosExclusive {
        /// Both were set (else neither).
        both: bool,
    },
    /// The named SliceQoSConfig does not exist.
    QosProfileNotFound {
        /// Its name.
        name: String,
    },
    /// Guaranteed bandwidth above the ceiling.
    BandwidthGuaranteeAboveCeiling {
        /// Guaranteed, kbit/s.
        guaranteed: i64,
        /// Ceiling, kbit/s.
        ceiling: i64,
    },
    /// `*` in more than one external gateway entry.
    WildcardRepeated,
    /// The mode may only change from `no-network`.
    ModeChangeForbidden {
        /// Old mode.
        from: OverlayNetworkMode,
        /// New mode.
        to: OverlayNetworkMode,
    },
    /// The field cannot change after creation.
    Immutable,
    /// A gateway service may only go from NodePort to LoadBalancer.
    GatewayServiceTypeDowngrade,
    /// A new gateway entry for a cluster already in the slice must use UDP.
    NewGatewayEntryNotUdp,
    /// A Project must be created in the controller namespace.
    ProjectNotInControllerNamespace {
        /// The controller namespace.
        expected: String,
    },
    /// A Project name may not contain `.` and has at most 30 characters.
    InvalidProjectName,
    /// A ServiceAccount name is not a valid DNS-style name.
    InvalidServiceAccountName {
        /// The name.
        name: String,
    },
    /// Latitude or longitude not a number in range, or only one of them set.
    InvalidGeoLocation,
    /// A node IP is not an IP address.
    InvalidNodeIp {
        /// The value.
        ip: String,
    },
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::NotProjectNamespace { namespace } => write!(
                f,
                "namespace {namespace:?} is not a project namespace: apply the object in kubeslice-<project>"
            ),
            Rule::Duplicate { value } => write!(f, "{value:?} is listed more than once"),
            Rule::Required => f.write_str("required"),
            Rule::ClusterNotRegistered { cluster } => write!(
                f,
                "cluster {cluster:?} is not registered in this project: create its Cluster object first"
            ),
            Rule::ClusterNotReady { cluster, status } => write!(
                f,
                "cluster {cluster:?} is not Registered (status {status:?}): wait for the worker to register"
            ),
            Rule::ClusterUnhealthy { cluster } => write!(
                f,
                "cluster {cluster:?} is not healthy (clusterHealthStatus is not Normal)"
            ),
            Rule::ClusterWithoutNodeIps { cluster } => write!(
                f,
                "cluster {cluster:?} has no node IPs: set spec.nodeIPs or label a gateway node"
            ),
            Rule::ClusterWithoutNetwork { cluster } => write!(
                f,
                "cluster {cluster:?} has no network (status.networkPresent is false): install the worker's networking or use no-network"
            ),
            Rule::ClusterWithoutCniSubnet { cluster } => {
                write!(f, "cluster {cluster:?} reports no CNI subnet")
            }
            Rule::SubnetOverlapsCni { cluster, cni } => write!(
                f,
                "the slice subnet overlaps cluster {cluster:?}'s pod network {cni}: pick another sliceSubnet"
            ),
            Rule::WildcardOnDefaultSlice => {
                f.write_str("\"*\" is not allowed on the project's default slice")
            }
            Rule::NamespaceInOtherSlice {
                namespace,
                cluster,
                slice,
            } => write!(
                f,
                "namespace {namespace:?} on cluster {cluster:?} already belongs to slice {slice:?}"
            ),
            Rule::InvalidNamespaceName { namespace } => write!(
                f,
                "{namespace:?} is not a valid namespace name ([a-zA-Z0-9-]+)"
            ),
            Rule::WildcardNotAlone => f.write_str("\"*\" must be the only cluster in the list"),
            Rule::ClusterNotInSlice { cluster } => {
                write!(f, "cluster {cluster:?} is not one of spec.clusters")
            }
            Rule::MaxClustersOutOfRange { max } => {
                write!(f, "maxClusters {max} must be between 2 and 32")
            }
            Rule::TooManyClusters { clusters, max } => {
                write!(f, "{clusters} clusters exceed maxClusters {max}")
            }
            Rule::SubnetInvalid { reason } => write!(f, "not a CIDR: {reason}"),
            Rule::SubnetNotPrivate => {
                f.write_str("the slice subnet must be private (10/8, 172.16/12, 192.168/16)")
            }
            Rule::SubnetNotSlash16 => f.write_str("the slice subnet must be a /16"),
            Rule::SubnetNotZeroed => {
                f.write_str("the slice subnet's third and fourth octets must be 0 (x.y.0.0/16)")
            }
            Rule::QosExclusive { both: true } => {
                f.write_str("set only one of standardQosProfileName and qosProfileDetails")
            }
            Rule::QosExclusive { both: false } => {
                f.write_str("set one of standardQosProfileName and qosProfileDetails")
            }
            Rule::QosProfileNotFound { name } => write!(
                f,
                "SliceQoSConfig {name:?} does not exist in this namespace"
            ),
            Rule::BandwidthGuaranteeAboveCeiling {
                guaranteed,
                ceiling,
            } => write!(
                f,
                "bandwidthGuaranteedKbps {guaranteed} exceeds bandwidthCeilingKbps {ceiling}"
            ),
            Rule::WildcardRepeated => f.write_str("\"*\" may appear in one entry only"),
            Rule::ModeChangeForbidden { from, to } => write!(
                f,
                "overlayNetworkDeploymentMode cannot change from {from:?} to {to:?}: only no-network may change"
            ),
            Rule::Immutable => f.write_str("cannot change after creation"),
            Rule::GatewayServiceTypeDowngrade => {
                f.write_str("a gateway service may only change from NodePort to LoadBalancer")
            }
            Rule::NewGatewayEntryNotUdp => {
                f.write_str("a new gateway entry for a cluster already in the slice must use UDP")
            }
            Rule::ProjectNotInControllerNamespace { expected } => write!(
                f,
                "projects are created in the controller namespace {expected:?}"
            ),
            Rule::InvalidProjectName => {
                f.write_str("a project name may not contain '.' and has at most 30 characters")
            }
            Rule::InvalidServiceAccountName { name } => {
                write!(f, "{name:?} is not a valid ServiceAccount name")
            }
            Rule::InvalidGeoLocation => f.write_str(
                "latitude (-90..90) and longitude (-180..180) must both be set as numbers",
            ),
            Rule::InvalidNodeIp { ip } => write!(f, "{ip:?} is not an IP address"),
        }
    }
}
