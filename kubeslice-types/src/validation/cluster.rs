//! The Cluster webhook: [`validate_cluster`], following `ValidateClusterCreate` and
//! `ValidateClusterUpdate` of
//! `kubeslice/kubeslice-controller@b7f871e5:service/cluster_webhook_validation.go`.

use std::net::IpAddr;

use super::hub::{HubState, project_namespace_rule};
use super::rule::{Rule, Violation, v};
use crate::controller::v1alpha1::Cluster;

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
