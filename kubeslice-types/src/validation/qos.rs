//! The SliceQoSConfig webhook: [`validate_slice_qos_config`], following
//! `ValidateSliceQosConfigCreate` of
//! `kubeslice/kubeslice-controller@b7f871e5:service/slice_qos_config_webhook_validation.go`.

use super::hub::{HubState, project_namespace_rule};
use super::rule::{Rule, Violation, v};
use crate::controller::v1alpha1::SliceQoSConfig;

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
