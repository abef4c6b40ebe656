//! The SliceConfig webhooks: [`validate_slice_config`] (create), [`validate_slice_config_update`]
//! and the slice subnet rules they share ([`slice_subnet_violations`]), following
//! `ValidateSliceConfigCreate` and `ValidateSliceConfigUpdate` of
//! `kubeslice/kubeslice-controller@b7f871e5:service/slice_config_webhook_validation.go`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use ipnet::IpNet;

use super::hub::{HubState, project_namespace_rule};
use super::rule::{Rule, Violation, v};
use crate::common::{GatewayProtocol, GatewayServiceType, OverlayNetworkMode};
use crate::controller::v1alpha1::{
    Cluster, HealthStatus, PROJECT_NAMESPACE_PREFIX, SliceConfig, SliceNamespaceSelection,
};

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
