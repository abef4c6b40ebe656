//! The KubeSlice controller's admission rules, as pure functions.
//!
//! The webhook stops at the first failing rule; these functions run every rule in the
//! webhook's order and return every [`Violation`], each naming the field path and the
//! [`Rule`]. Rules that need other objects take them through [`HubState`]; an input left
//! `None` skips the rules that need it (documented per rule), so the static rules can run
//! with nothing but the object.
//!
//! ```
//! use kubeslice_types::controller::v1alpha1::SliceConfig;
//! use kubeslice_types::validation::{validate_slice_config, HubState, Rule};
//! let sc: SliceConfig = serde_json::from_value(serde_json::json!({
//!     "apiVersion": "controller.kubeslice.io/v1alpha1", "kind": "SliceConfig",
//!     "metadata": {"name": "s", "namespace": "kubeslice-p"},
//!     "spec": {"sliceSubnet": "10.1.0.0/24", "clusters": ["a", "b"],
//!              "sliceGatewayProvider": {"sliceGatewayType": "Wireguard", "sliceCaType": "Local"},
//!              "standardQosProfileName": "q"}
//! })).unwrap();
//! let v = validate_slice_config(&sc, &HubState::default());
//! assert_eq!(v[0].path, "spec.sliceSubnet");
//! assert!(matches!(v[0].rule, Rule::SubnetNotSlash16));
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;
use k8s_openapi::api::core::v1::Namespace;

use crate::common::{GatewayProtocol, GatewayServiceType, OverlayNetworkMode};
use crate::controller::v1alpha1::{
    Cluster, HealthStatus, PROJECT_NAMESPACE_PREFIX, Project, RegistrationStatus, SliceConfig,
    SliceNamespaceSelection, SliceQoSConfig,
};

/// Label the controller puts on project namespaces (`Project-<namespace>`).
pub const PROJECT_NAMESPACE_LABEL: &str = "kubeslice-controller-resource-name";
/// Default controller namespace.
pub const CONTROLLER_NAMESPACE: &str = "kubeslice-controller";

/// One broken rule at one field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {rule}")]
pub struct Violation {
    /// Field path, for example `spec.clusters[1]`.
    pub path: String,
    /// The rule and its details.
    pub rule: Rule,
}

fn v(path: impl Into<String>, rule: Rule) -> Violation {
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

/// Objects on the controller cluster that some rules need. `None` skips those rules.
#[derive(Clone, Copy, Debug, Default)]
pub struct HubState<'a> {
    /// Namespaces: the project-namespace rule needs the object's namespace and its labels.
    pub namespaces: Option<&'a [Namespace]>,
    /// Registered Cluster objects: registration, health, node IP, network, CNI overlap and
    /// namespace-ownership rules need them.
    pub clusters: Option<&'a [Cluster]>,
    /// SliceQoSConfigs: the named-profile rule needs them.
    pub qos_profiles: Option<&'a [SliceQoSConfig]>,
}

/// `true` when `namespace` is a project namespace (exists and is labelled
/// `kubeslice-controller-resource-name: Project-<namespace>`).
pub fn is_project_namespace(namespaces: &[Namespace], namespace: &str) -> bool {
    namespaces.iter().any(|ns| {
        ns.metadata.name.as_deref() == Some(namespace)
            && ns
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(PROJECT_NAMESPACE_LABEL))
                .is_some_and(|v| *v == format!("Project-{namespace}"))
    })
}

fn project_namespace_rule(namespace: &str, hub: &HubState<'_>, out: &mut Vec<Violation>) {
    if let Some(namespaces) = hub.namespaces
        && !is_project_namespace(namespaces, namespace)
    {
        out.push(v(
            "metadata.namespace",
            Rule::NotProjectNamespace {
                namespace: namespace.to_owned(),
            },
        ));
    }
}

fn duplicates<'a>(items: impl Iterator<Item = &'a str>) -> Vec<(usize, &'a str)> {
    let mut seen = BTreeSet::new();
    items
        .enumerate()
        .filter(|(_, s)| !seen.insert(*s))
        .collect()
}

fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

fn sc_namespace(sc: &SliceConfig) -> &str {
    sc.metadata.namespace.as_deref().unwrap_or_default()
}

fn find_cluster<'a>(
    hub: &HubState<'a>,
    namespace: &str,
    name: &str,
) -> Option<Option<&'a Cluster>> {
    hub.clusters.map(|cs| {
        cs.iter().find(|c| {
            c.metadata.name.as_deref() == Some(name)
                && c.metadata.namespace.as_deref().unwrap_or(namespace) == namespace
        })
    })
}

/// Registration, health, node IPs and (networked) network/CNI checks of the slice clusters.
fn cluster_rules(
    sc: &SliceConfig,
    hub: &HubState<'_>,
    only: Option<&BTreeSet<&str>>,
    out: &mut Vec<Violation>,
) {
    let spec = &sc.spec;
    let networked = spec.mode() != OverlayNetworkMode::NoNetwork;
    let subnet: Option<IpNet> = spec.slice_subnet.as_deref().and_then(|s| s.parse().ok());
    for (i, name) in duplicates(spec.clusters().iter().map(String::as_str)) {
        out.push(v(
            format!("spec.clusters[{i}]"),
            Rule::Duplicate {
                value: name.to_owned(),
            },
        ));
    }
    for (i, name) in spec.clusters().iter().enumerate() {
        let path = format!("spec.clusters[{i}]");
        let Some(found) = find_cluster(hub, sc_namespace(sc), name) else {
            continue;
        };
        let Some(cluster) = found else {
            out.push(v(
                path,
                Rule::ClusterNotRegistered {
                    cluster: name.clone(),
                },
            ));
            continue;
        };
        let status = cluster.status.clone().unwrap_or_default();
        let checked_for_registration = only.is_none_or(|s| s.contains(name.as_str()));
        if checked_for_registration {
            if !cluster.is_registered() {
                out.push(v(
                    &path,
                    Rule::ClusterNotReady {
                        cluster: name.clone(),
                        status: status.registration_status,
                    },
                ));
            }
            if status
                .cluster_health
                .as_ref()
                .is_some_and(|h| h.cluster_health_status != Some(HealthStatus::Normal))
            {
                out.push(v(
                    &path,
                    Rule::ClusterUnhealthy {
                        cluster: name.clone(),
                    },
                ));
            }
        }
        let has_ips = cluster
            .spec
            .node_ips
            .as_ref()
            .is_some_and(|ips| !ips.is_empty())
            || status.node_ips.as_ref().is_some_and(|ips| !ips.is_empty());
        if !has_ips {
            out.push(v(
                &path,
                Rule::ClusterWithoutNodeIps {
                    cluster: name.clone(),
                },
            ));
        }
        if networked {
            if status.network_present != Some(true) {
                out.push(v(
                    &path,
                    Rule::ClusterWithoutNetwork {
                        cluster: name.clone(),
                    },
                ));
            }
            let cni = status.cni_subnet.clone().unwrap_or_default();
            if cni.is_empty() {
                out.push(v(
                    &path,
                    Rule::ClusterWithoutCniSubnet {
                        cluster: name.clone(),
                    },
                ));
            }
            if let Some(subnet) = &subnet {
                for c in &cni {
                    if c.parse::<IpNet>().is_ok_and(|n| overlaps(subnet, &n)) {
                        out.push(v(
                            "spec.sliceSubnet",
                            Rule::SubnetOverlapsCni {
                                cluster: name.clone(),
                                cni: c.clone(),
                            },
                        ));
                    }
                }
            }
        }
    }
}

fn default_slice_of(namespace: &str) -> String {
    let project = namespace
        .strip_prefix(PROJECT_NAMESPACE_PREFIX)
        .unwrap_or(namespace);
    format!("{project}-default-slice")
}

fn application_namespace_rules(sc: &SliceConfig, hub: &HubState<'_>, out: &mut Vec<Violation>) {
    let name = sc.metadata.name.as_deref().unwrap_or_default();
    let default_slice = default_slice_of(sc_namespace(sc));
    let Some(profile) = &sc.spec.namespace_isolation_profile else {
        return;
    };
    for (i, entry) in profile.application_namespaces.iter().flatten().enumerate() {
        let base = format!("spec.namespaceIsolationProfile.applicationNamespaces[{i}]");
        let ns = entry.namespace.as_deref().unwrap_or_default();
        let clusters = entry.clusters.as_deref().unwrap_or_default();
        if ns.is_empty() {
            out.push(v(format!("{base}.namespace"), Rule::Required));
        }
        if clusters.is_empty() {
            out.push(v(format!("{base}.clusters"), Rule::Required));
        }
        for (j, c) in duplicates(clusters.iter().map(String::as_str)) {
            out.push(v(
                format!("{base}.clusters[{j}]"),
                Rule::Duplicate {
                    value: c.to_owned(),
                },
            ));
        }
        if ns.is_empty() || clusters.is_empty() {
            continue;
        }
        let wildcard = clusters[0] == "*";
        if wildcard && name == default_slice {
            out.push(v(
                format!("{base}.clusters[0]"),
                Rule::WildcardOnDefaultSlice,
            ));
        }
        let targets: Vec<&str> = if wildcard {
            sc.spec.clusters().iter().map(String::as_str).collect()
        } else {
            clusters.iter().map(String::as_str).collect()
        };
        for cluster in targets {
            let Some(Some(c)) = find_cluster(hub, sc_namespace(sc), cluster) else {
                continue;
            };
            for owned in c.status.iter().flat_map(|s| s.namespaces.iter().flatten()) {
                let owner = owned.slice_name.as_deref().unwrap_or_default();
                if owned.name.as_deref() == Some(ns)
                    && !owner.is_empty()
                    && owner != name
                    && owner != default_slice
                {
                    out.push(v(
                        &base,
                        Rule::NamespaceInOtherSlice {
                            namespace: ns.to_owned(),
                            cluster: cluster.to_owned(),
                            slice: owner.to_owned(),
                        },
                    ));
                }
            }
        }
    }
    for (i, entry) in profile.allowed_namespaces.iter().flatten().enumerate() {
        let clusters = entry.clusters.as_deref().unwrap_or_default();
        for (j, c) in duplicates(clusters.iter().map(String::as_str)) {
            out.push(v(
                format!("spec.namespaceIsolationProfile.allowedNamespaces[{i}].clusters[{j}]"),
                Rule::Duplicate {
                    value: c.to_owned(),
                },
            ));
        }
    }
}

fn valid_namespace_name(ns: &str) -> bool {
    !ns.is_empty() && ns.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn selection_rules(
    list: &[SliceNamespaceSelection],
    base: &str,
    slice_clusters: &[String],
    allowed: bool,
    out: &mut Vec<Violation>,
) {
    let mut seen = BTreeSet::new();
    for (i, entry) in list.iter().enumerate() {
        let path = format!("{base}[{i}]");
        let ns = entry.namespace.as_deref().unwrap_or_default();
        let clusters = entry.clusters.as_deref().unwrap_or_default();
        if allowed && ns.is_empty() && !clusters.is_empty() {
            out.push(v(format!("{path}.namespace"), Rule::Required));
            continue;
        }
        if !ns.is_empty() && !valid_namespace_name(ns) {
            out.push(v(
                format!("{path}.namespace"),
                Rule::InvalidNamespaceName {
                    namespace: ns.to_owned(),
                },
            ));
        }
        if allowed && !ns.is_empty() && clusters.is_empty() {
            out.push(v(format!("{path}.clusters"), Rule::Required));
        }
        if !ns.is_empty() && !seen.insert(ns) {
            out.push(v(
                format!("{path}.namespace"),
                Rule::Duplicate {
                    value: ns.to_owned(),
                },
            ));
        }
        if clusters.iter().any(|c| c == "*") && clusters.len() > 1 {
            out.push(v(format!("{path}.clusters"), Rule::WildcardNotAlone));
        }
        for (j, c) in clusters.iter().enumerate() {
            if c != "*" && !slice_clusters.contains(c) {
                out.push(v(
                    format!("{path}.clusters[{j}]"),
                    Rule::ClusterNotInSlice { cluster: c.clone() },
                ));
            }
        }
    }
}

fn isolation_profile_rules(sc: &SliceConfig, out: &mut Vec<Violation>) {
    let Some(profile) = &sc.spec.namespace_isolation_profile else {
        return;
    };
    let apps = profile
        .application_namespaces
        .as_deref()
        .unwrap_or_default();
    let allowed = profile.allowed_namespaces.as_deref().unwrap_or_default();
    if apps.is_empty() && allowed.is_empty() {
        return;
    }
    let base = "spec.namespaceIsolationProfile";
    selection_rules(
        apps,
        &format!("{base}.applicationNamespaces"),
        sc.spec.clusters(),
        false,
        out,
    );
    selection_rules(
        allowed,
        &format!("{base}.allowedNamespaces"),
        sc.spec.clusters(),
        true,
        out,
    );
}

fn max_cluster_rules(sc: &SliceConfig, out: &mut Vec<Violation>) {
    let max = sc.spec.max_clusters();
    if !(2..=32).contains(&max) {
        out.push(v("spec.maxClusters", Rule::MaxClustersOutOfRange { max }));
    }
    let n = sc.spec.clusters().len();
    if n as i64 > max {
        out.push(v(
            "spec.clusters",
            Rule::TooManyClusters { clusters: n, max },
        ));
    }
}

/// The slice subnet rules: a parseable CIDR whose address is private, written as `/16`, with
/// zero third and fourth octets.
pub fn slice_subnet_violations(subnet: Option<&str>) -> Vec<Violation> {
    let path = "spec.sliceSubnet";
    let Some(s) = subnet.filter(|s| !s.is_empty()) else {
        return vec![v(path, Rule::Required)];
    };
    let Some((addr, _)) = s.split_once('/') else {
        return vec![v(
            path,
            Rule::SubnetInvalid {
                reason: format!("{s:?} has no prefix length"),
            },
        )];
    };
    let (ip, net) = match (addr.parse::<IpAddr>(), s.parse::<IpNet>()) {
        (Ok(ip), Ok(net)) => (ip, net),
        (Err(e), _) => {
            return vec![v(
                path,
                Rule::SubnetInvalid {
                    reason: e.to_string(),
                },
            )];
        }
        (_, Err(e)) => {
            return vec![v(
                path,
                Rule::SubnetInvalid {
                    reason: e.to_string(),
                },
            )];
        }
    };
    let mut out = Vec::new();
    let private = match ip {
        IpAddr::V4(v4) => v4.is_private(),
        IpAddr::V6(v6) => (v6.segments()[0] & 0xfe00) == 0xfc00,
    };
    if !private {
        out.push(v(path, Rule::SubnetNotPrivate));
    }
    if !s.ends_with("16") || net.prefix_len() != 16 {
        out.push(v(path, Rule::SubnetNotSlash16));
    }
    let zeroed = match ip {
        IpAddr::V4(v4) => v4.octets()[2] == 0 && v4.octets()[3] == 0,
        IpAddr::V6(_) => true,
    };
    if !zeroed {
        out.push(v(path, Rule::SubnetNotZeroed));
    }
    out
}

fn gateway_rules(sc: &SliceConfig, out: &mut Vec<Violation>) {
    let Some(provider) = &sc.spec.slice_gateway_provider else {
        out.push(v("spec.sliceGatewayProvider", Rule::Required));
        return;
    };
    let mut seen = BTreeSet::new();
    for (i, entry) in provider
        .slice_gateway_service_type
        .iter()
        .flatten()
        .enumerate()
    {
        let path = format!("spec.sliceGatewayProvider.sliceGatewayServiceType[{i}].cluster");
        if entry.cluster.is_empty() {
            out.push(v(&path, Rule::Required));
        } else if entry.cluster != "*" && !sc.spec.clusters().contains(&entry.cluster) {
            out.push(v(
                &path,
                Rule::ClusterNotInSlice {
                    cluster: entry.cluster.clone(),
                },
            ));
        }
        if !entry.cluster.is_empty() && !seen.insert(entry.cluster.as_str()) {
            out.push(v(
                &path,
                Rule::Duplicate {
                    value: entry.cluster.clone(),
                },
            ));
        }
    }
}

fn qos_rules(sc: &SliceConfig, hub: &HubState<'_>, out: &mut Vec<Violation>) {
    let spec = &sc.spec;
    let named = spec
        .standard_qos_profile_name
        .as_deref()
        .filter(|s| !s.is_empty());
    match (named, &spec.qos_profile_details) {
        (Some(_), Some(_)) => out.push(v(
            "spec.standardQosProfileName",
            Rule::QosExclusive { both: true },
        )),
        (None, None) => out.push(v(
            "spec.qosProfileDetails",
            Rule::QosExclusive { both: false },
        )),
        (Some(name), None) => {
            if let Some(profiles) = hub.qos_profiles
                && !profiles.iter().any(|p| {
                    p.metadata.name.as_deref() == Some(name)
                        && p.metadata.namespace.as_deref().unwrap_or(sc_namespace(sc))
                            == sc_namespace(sc)
                })
            {
                out.push(v(
                    "spec.standardQosProfileName",
                    Rule::QosProfileNotFound {
                        name: name.to_owned(),
                    },
                ));
            }
        }
        (None, Some(_)) => {}
    }
    if let Some(q) = &spec.qos_profile_details
        && q.bandwidth_ceiling_kbps < q.bandwidth_guaranteed_kbps
    {
        out.push(v(
            "spec.qosProfileDetails.bandwidthGuaranteedKbps",
            Rule::BandwidthGuaranteeAboveCeiling {
                guaranteed: q.bandwidth_guaranteed_kbps,
                ceiling: q.bandwidth_ceiling_kbps,
            },
        ));
    }
}

fn external_gateway_rules(sc: &SliceConfig, out: &mut Vec<Violation>) {
    let mut wildcard_seen = false;
    let mut seen = BTreeSet::new();
    for (i, entry) in sc.spec.external_gateway_config.iter().flatten().enumerate() {
        let base = format!("spec.externalGatewayConfig[{i}].clusters");
        let clusters = entry.clusters.as_deref().unwrap_or_default();
        if clusters.iter().any(|c| c == "*") {
            if clusters.len() > 1 {
                out.push(v(&base, Rule::WildcardNotAlone));
            }
            if wildcard_seen {
                out.push(v(&base, Rule::WildcardRepeated));
            }
            wildcard_seen = true;
        }
        for (j, c) in clusters.iter().enumerate().filter(|(_, c)| *c != "*") {
            if !sc.spec.clusters().contains(c) {
                out.push(v(
                    format!("{base}[{j}]"),
                    Rule::ClusterNotInSlice { cluster: c.clone() },
                ));
            }
            if !seen.insert(c.as_str()) {
                out.push(v(
                    format!("{base}[{j}]"),
                    Rule::Duplicate { value: c.clone() },
                ));
            }
        }
    }
}

/// The SliceConfig create webhook, every rule in its order: project namespace; clusters
/// (duplicates; registered, healthy, with node IPs, and for networked slices with a network,
/// a CNI subnet and no overlap with the slice subnet); application namespaces (required pairs,
/// duplicates, `*` on the default slice, ownership by another slice); allowed namespaces;
/// isolation profile (names, duplicates, `*` alone, clusters in the slice); `maxClusters`
/// 2..=32 and at least the cluster count; then, unless `no-network`: the slice subnet, the
/// gateway provider and its service types, the QoS choice and bandwidths, and the external
/// gateways.
pub fn validate_slice_config(sc: &SliceConfig, hub: &HubState<'_>) -> Vec<Violation> {
    let mut out = Vec::new();
    project_namespace_rule(sc_namespace(sc), hub, &mut out);
    cluster_rules(sc, hub, None, &mut out);
    application_namespace_rules(sc, hub, &mut out);
    isolation_profile_rules(sc, &mut out);
    max_cluster_rules(sc, &mut out);
    if sc.spec.mode() != OverlayNetworkMode::NoNetwork {
        out.extend(slice_subnet_violations(sc.spec.slice_subnet.as_deref()));
        gateway_rules(sc, &mut out);
        qos_rules(sc, hub, &mut out);
        external_gateway_rules(sc, &mut out);
    }
    out
}

/// The SliceConfig update webhook: the mode may change only from `no-network`; with the mode
/// unchanged, `sliceSubnet`, `sliceType`, the gateway and CA types, `sliceIpamType`, the VPN
/// cipher and `maxClusters` are immutable, a gateway service may only go NodePort →
/// LoadBalancer, an entry's protocol may not change and a new entry for an existing cluster
/// must use UDP; then the cluster rules (registration and health only for added clusters) and
/// the namespace, subnet, gateway, QoS and external-gateway rules as on create. (The
/// `renewBefore` rule, which needs the VpnKeyRotation and a clock, is not modelled.)
pub fn validate_slice_config_update(
    old: &SliceConfig,
    new: &SliceConfig,
    hub: &HubState<'_>,
) -> Vec<Violation> {
    let mut out = Vec::new();
    let (o, n) = (old.with_defaults(), new.with_defaults());
    let (os, ns) = (&o.spec, &n.spec);
    let (om, nm) = (os.mode(), ns.mode());
    if om != nm && om != OverlayNetworkMode::NoNetwork {
        out.push(v(
            "spec.overlayNetworkDeploymentMode",
            Rule::ModeChangeForbidden { from: om, to: nm },
        ));
    }
    if om == nm {
        let mut immutable = |path: &str, changed: bool| {
            if changed {
                out.push(v(path, Rule::Immutable));
            }
        };
        immutable("spec.sliceSubnet", os.slice_subnet != ns.slice_subnet);
        immutable("spec.sliceType", os.slice_type != ns.slice_type);
        if let (Some(op), Some(np)) = (&os.slice_gateway_provider, &ns.slice_gateway_provider) {
            immutable(
                "spec.sliceGatewayProvider.sliceGatewayType",
                op.slice_gateway_type != np.slice_gateway_type,
            );
            immutable(
                "spec.sliceGatewayProvider.sliceCaType",
                op.slice_ca_type != np.slice_ca_type,
            );
        }
        immutable(
            "spec.sliceIpamType",
            os.slice_ipam_type != ns.slice_ipam_type,
        );
        if let Some(nv) = &ns.vpn_config {
            immutable(
                "spec.vpnConfig.cipher",
                os.vpn_config.as_ref().and_then(|c| c.cipher) != nv.cipher,
            );
        }
        if nm != OverlayNetworkMode::NoNetwork {
            immutable("spec.maxClusters", os.max_clusters != ns.max_clusters);
        }
        let old_types: BTreeMap<&str, (GatewayServiceType, GatewayProtocol)> = os
            .slice_gateway_provider
            .iter()
            .flat_map(|p| p.slice_gateway_service_type.iter().flatten())
            .map(|t| {
                (
                    t.cluster.as_str(),
                    (t.type_.unwrap_or_default(), t.protocol.unwrap_or_default()),
                )
            })
            .collect();
        for (i, t) in ns
            .slice_gateway_provider
            .iter()
            .flat_map(|p| p.slice_gateway_service_type.iter().flatten())
            .enumerate()
        {
            let path = format!("spec.sliceGatewayProvider.sliceGatewayServiceType[{i}]");
            let (ty, proto) = (t.type_.unwrap_or_default(), t.protocol.unwrap_or_default());
            match old_types.get(t.cluster.as_str()) {
                Some((old_ty, old_proto)) => {
                    if *old_ty == GatewayServiceType::LoadBalancer
                        && ty == GatewayServiceType::NodePort
                    {
                        out.push(v(format!("{path}.type"), Rule::GatewayServiceTypeDowngrade));
                    }
                    if *old_proto != proto {
                        out.push(v(format!("{path}.protocol"), Rule::Immutable));
                    }
                }
                None if os.clusters().contains(&t.cluster) && proto != GatewayProtocol::Udp => {
                    out.push(v(format!("{path}.protocol"), Rule::NewGatewayEntryNotUdp));
                }
                None => {}
            }
        }
    }
    let added: BTreeSet<&str> = ns
        .clusters()
        .iter()
        .map(String::as_str)
        .filter(|c| !os.clusters().iter().any(|o| o == c))
        .collect();
    cluster_rules(new, hub, Some(&added), &mut out);
    application_namespace_rules(new, hub, &mut out);
    isolation_profile_rules(new, &mut out);
    if nm != OverlayNetworkMode::NoNetwork {
        out.extend(slice_subnet_violations(ns.slice_subnet.as_deref()));
        let n_clusters = ns.clusters().len();
        if n_clusters as i64 > ns.max_clusters() {
            out.push(v(
                "spec.clusters",
                Rule::TooManyClusters {
                    clusters: n_clusters,
                    max: ns.max_clusters(),
                },
            ));
        }
        gateway_rules(new, &mut out);
        qos_rules(new, hub, &mut out);
        external_gateway_rules(new, &mut out);
    }
    out
}

fn valid_service_account_name(name: &str) -> bool {
    let b = name.as_bytes();
    let edge = |c: u8| c.is_ascii_alphanumeric();
    (2..=64).contains(&b.len())
        && edge(b[0])
        && edge(b[b.len() - 1])
        && b[1..b.len() - 1]
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
}

/// The Project create webhook: created in `controller_namespace` (not checked when the object
/// names no namespace: that is decided when it is applied); the name has no `.` and at most 30
/// characters; every ServiceAccount name matches
/// `^[a-zA-Z0-9][a-zA-Z0-9\-\.]{0,62}[a-zA-Z0-9]$`.
pub fn validate_project(p: &Project, controller_namespace: &str) -> Vec<Violation> {
    let mut out = Vec::new();
    if p.metadata
        .namespace
        .as_deref()
        .is_some_and(|ns| ns != controller_namespace)
    {
        out.push(v(
            "metadata.namespace",
            Rule::ProjectNotInControllerNamespace {
                expected: controller_namespace.to_owned(),
            },
        ));
    }
    let name = p.metadata.name.as_deref().unwrap_or_default();
    if name.contains('.') || name.chars().count() > 30 {
        out.push(v("metadata.name", Rule::InvalidProjectName));
    }
    if let Some(sa) = &p.spec.service_account {
        for (field, list) in [("readOnly", &sa.read_only), ("readWrite", &sa.read_write)] {
            for (i, n) in list.iter().flatten().enumerate() {
                if !valid_service_account_name(n) {
                    out.push(v(
                        format!("spec.serviceAccount.{field}[{i}]"),
                        Rule::InvalidServiceAccountName { name: n.clone() },
                    ));
                }
            }
        }
    }
    out
}

/// The Cluster create/update webhook: in a project namespace; latitude and longitude both set
/// and in range when either is; every `spec.nodeIPs` entry an IP address.
pub fn validate_cluster(c: &Cluster, hub: &HubState<'_>) -> Vec<Violation> {
    let mut out = Vec::new();
    project_namespace_rule(
        c.metadata.namespace.as_deref().unwrap_or_default(),
        hub,
        &mut out,
    );
    if let Some(geo) = c
        .spec
        .cluster_property
        .as_ref()
        .and_then(|p| p.geo_location.as_ref())
        && (geo.latitude.is_some() || geo.longitude.is_some())
    {
        let parse = |s: &Option<String>| s.as_deref().and_then(|s| s.trim().parse::<f64>().ok());
        let ok = matches!((parse(&geo.latitude), parse(&geo.longitude)),
            (Some(lat), Some(lon)) if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon));
        if !ok {
            out.push(v(
                "spec.clusterProperty.geoLocation",
                Rule::InvalidGeoLocation,
            ));
        }
    }
    for (i, ip) in c.spec.node_ips.iter().flatten().enumerate() {
        if ip.parse::<IpAddr>().is_err() {
            out.push(v(
                format!("spec.nodeIPs[{i}]"),
                Rule::InvalidNodeIp { ip: ip.clone() },
            ));
        }
    }
    out
}

/// The SliceQoSConfig webhook: in a project namespace; guaranteed bandwidth at most the
/// ceiling.
pub fn validate_slice_qos_config(q: &SliceQoSConfig, hub: &HubState<'_>) -> Vec<Violation> {
    let mut out = Vec::new();
    project_namespace_rule(
        q.metadata.namespace.as_deref().unwrap_or_default(),
        hub,
        &mut out,
    );
    if q.spec.bandwidth_ceiling_kbps < q.spec.bandwidth_guaranteed_kbps {
        out.push(v(
            "spec.bandwidthGuaranteedKbps",
            Rule::BandwidthGuaranteeAboveCeiling {
                guaranteed: q.spec.bandwidth_guaranteed_kbps,
                ceiling: q.spec.bandwidth_ceiling_kbps,
            },
        ));
    }
    out
}
