//! The clusters behind an [`emulated_hub::FakeHub`]: the components of the walkthrough that
//! act on what the hub stores, simulated in process.
//!
//! - the KubeSlice controller and the workers (Projects, Cluster registration, SliceConfigs
//!   to WorkerSliceConfigs, the onboarded namespaces);
//! - the KubeDB release's CRDs and validating webhooks ([`serve_kubedb_release`]), the KubeDB
//!   provisioner (auth secret, PetSet, phase) and the PetSet controller, which builds each
//!   ordinal's pod and PVC ManifestWorks from the PetSet and PlacementPolicy stored on the hub;
//! - one OCM work agent per managed cluster, reporting status feedback of the pods it runs;
//! - the registration controller's view of each cluster's availability.
//!
//! What runs behind each pod is a [`galera::sim`] node. Failure injection (losing a cluster,
//! a slice partition, `pc.bootstrap`) acts on that model and is reported through the hub as
//! the real components would.
//!
//! This is a crate of its own rather than a module of `emulated-hub` because it is the other
//! side of the hub's API: the hub knows no kind, these components know OCM, KubeSlice and
//! KubeDB and talk to the hub only through what it stores, as controllers do. Neither needs a
//! Kubernetes cluster: a test builds the hub, starts the world and uses the hub's client like
//! a real one.

mod admission;
pub mod kubedb;
pub mod petset;
pub mod pods;
mod world;

pub use admission::serve_kubedb_release;
pub use pods::{GaleraModel, PodError, PodRuntime, PodSpec, PodState};
pub use world::*;

use emulated_hub::FakeHub;

/// A hub serving the core kinds and every OCM, KubeSlice and KubeDB kind the deployer reads
/// or writes, with the schemas generated from the workspace types (the newest release's
/// shapes). [`serve_kubedb_release`] then replaces KubeDB's with a release's own CRDs and adds
/// its webhooks; [`FakeHub::load_crds`] replaces any with pinned upstream CRDs.
///
/// ```
/// let hub = simulated_clusters::hub();
/// assert!(hub.serves("kubedb.com/v1", "MariaDB"));
/// assert!(hub.serves("work.open-cluster-management.io/v1", "ManifestWork"));
/// ```
pub fn hub() -> FakeHub {
    use kubedb_types::{apps::v1 as apps, catalog::v1alpha1 as catalog, kubedb::v1 as db};
    use kubeslice_types::{controller::v1alpha1 as ks, worker::v1alpha1 as worker};
    use ocm_types::{cluster::v1 as cluster, work::v1 as work};
    let hub = FakeHub::new();
    hub.register::<ks::Project>();
    hub.register::<ks::Cluster>();
    hub.register::<ks::SliceConfig>();
    hub.register::<worker::WorkerSliceConfig>();
    hub.register::<apps::PlacementPolicy>();
    hub.register::<apps::PetSet>();
    hub.register::<catalog::MariaDBVersion>();
    hub.register::<db::MariaDB>();
    hub.register::<cluster::ManagedCluster>();
    hub.register::<work::ManifestWork>();
    hub
}
