//! The hub the simulated clusters sit behind: an [`emulated_hub::FakeHub`] serving the kinds
//! of OCM, KubeSlice and a KubeDB release.

use emulated_hub::FakeHub;
use kubedb_types::release::Release;

use crate::admission::serve_kubedb_release;

/// A hub serving the core kinds, every pinned OCM and KubeSlice CRD
/// ([`ocm_types::crds`], [`kubeslice_types::crds`]) and the newest KubeDB release's CRDs
/// ([`Release::NEWEST`], without its webhooks): objects are pruned and validated as those
/// versions' API servers do. [`serve_kubedb_release`] then replaces KubeDB's with another
/// release's CRDs and adds its webhooks.
///
/// ```
/// let hub = simulated_clusters::hub();
/// assert!(hub.serves("kubedb.com/v1", "MariaDB"));
/// assert!(hub.serves("work.open-cluster-management.io/v1", "ManifestWork"));
/// assert!(hub.serves("controller.kubeslice.io/v1alpha1", "SliceConfig"));
/// ```
///
/// An environment for another release (the walkthrough's v2025.7.31, whose PlacementPolicy
/// has `spec.ocm`) needs that release's CRDs, or its policy is pruned and nothing converges:
/// [`hub_for`] serves both in one call.
pub fn hub() -> FakeHub {
    let hub = FakeHub::new();
    hub.register_crds(ocm_types::crds::all());
    hub.register_crds(kubeslice_types::crds::all());
    hub.register_crds(Release::NEWEST.crds());
    hub
}

/// [`hub()`] serving `release`'s KubeDB CRDs and webhooks ([`serve_kubedb_release`]): the hub a
/// [`World`](crate::World) for an environment of that release needs.
///
/// ```
/// use kubedb_types::release::Release;
/// let hub = simulated_clusters::hub_for(Release::WALKTHROUGH);
/// assert!(hub.serves("apps.k8s.appscode.com/v1", "PlacementPolicy"));
/// ```
pub fn hub_for(release: Release) -> FakeHub {
    let hub = hub();
    serve_kubedb_release(&hub, release);
    hub
}
