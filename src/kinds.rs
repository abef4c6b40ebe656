//! Every kind the workspace types, listed once: [`for_each_kind`] hands each to a
//! [`KindVisitor`]. The manifest [`check`](crate::check)er builds its table from it, and the
//! tests take from it the CRDs they compare with the golden snapshots and the pinned upstream
//! files.
//!
//! To add a kind: derive it in its types crate, give it its admission rules (or none) as a
//! [`Checked`] implementation in [`check`](crate::check), and add one line to
//! [`for_each_kind`] under its [`Owner`].
//!
//! ```
//! use distributed_galera::kinds::{for_each_kind, KindVisitor, Owner, WorkspaceKind};
//! struct Names(Vec<String>);
//! impl KindVisitor for Names {
//!     fn visit<K: WorkspaceKind>(&mut self, owner: Owner) {
//!         if owner == Owner::KubeDb {
//!             self.0.push(K::kind(&()).into_owned());
//!         }
//!     }
//! }
//! let mut names = Names(Vec::new());
//! for_each_kind(&mut names);
//! assert!(names.0.contains(&"MariaDB".to_owned()));
//! ```

use kube::core::object::HasSpec;
use serde::Serialize;

use crate::check::rules::Checked;

/// Which project's API a kind belongs to: it decides what the checker judges the kind
/// against (KubeDB kinds: the CRDs and webhooks of one KubeDB release; OCM and KubeSlice
/// kinds: their pinned upstream CRDs) and which types crate holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    /// KubeDB and its PetSet (`kubedb-types`).
    KubeDb,
    /// KubeSlice (`kubeslice-types`).
    KubeSlice,
    /// Open Cluster Management (`ocm-types`).
    Ocm,
}

/// What a kind must offer to be listed: a derived CRD type with a default spec (the checker
/// compares a document with it) and its [`Checked`] admission rules.
pub trait WorkspaceKind: Checked + HasSpec<Spec: Default + Serialize> {}

impl<K> WorkspaceKind for K where K: Checked + HasSpec<Spec: Default + Serialize> {}

/// Something done for each kind of [`for_each_kind`].
pub trait KindVisitor {
    /// Called once per listed kind (a kind served at several versions once per version).
    fn visit<K: WorkspaceKind>(&mut self, owner: Owner);
}

/// Calls `visitor` once for every kind the workspace types, KubeDB's first, then
/// KubeSlice's, then OCM's. A kind served at several versions is listed once per version,
/// its storage version first.
pub fn for_each_kind(visitor: &mut impl KindVisitor) {
    use Owner::{KubeDb, KubeSlice, Ocm};
    use kubedb_types::{apps::v1 as apps, catalog::v1alpha1 as catalog, kubedb::v1 as db};
    use kubedb_types::{autoscaling::v1alpha1 as autoscaling, ops::v1alpha1 as ops};
    use kubeslice_types::worker::v1alpha1 as worker;
    use kubeslice_types::{controller::v1alpha1 as ctl, networking::v1beta1 as net};
    use ocm_types::{addon, cluster, operator, work};

    visitor.visit::<db::MariaDB>(KubeDb);
    visitor.visit::<apps::PlacementPolicy>(KubeDb);
    visitor.visit::<apps::PetSet>(KubeDb);
    visitor.visit::<catalog::MariaDBVersion>(KubeDb);
    visitor.visit::<ops::MariaDBOpsRequest>(KubeDb);
    visitor.visit::<autoscaling::MariaDBAutoscaler>(KubeDb);

    visitor.visit::<ctl::Project>(KubeSlice);
    visitor.visit::<ctl::Cluster>(KubeSlice);
    visitor.visit::<ctl::SliceConfig>(KubeSlice);
    visitor.visit::<ctl::SliceQoSConfig>(KubeSlice);
    visitor.visit::<ctl::ServiceExportConfig>(KubeSlice);
    visitor.visit::<ctl::VpnKeyRotation>(KubeSlice);
    visitor.visit::<worker::WorkerSliceConfig>(KubeSlice);
    visitor.visit::<worker::WorkerSliceGateway>(KubeSlice);
    visitor.visit::<worker::WorkerServiceImport>(KubeSlice);
    visitor.visit::<worker::WorkerSliceGwRecycler>(KubeSlice);
    visitor.visit::<net::ServiceExport>(KubeSlice);
    visitor.visit::<net::ServiceImport>(KubeSlice);
    visitor.visit::<net::SliceGateway>(KubeSlice);
    visitor.visit::<net::Slice>(KubeSlice);

    visitor.visit::<cluster::v1::ManagedCluster>(Ocm);
    visitor.visit::<cluster::v1beta2::ManagedClusterSet>(Ocm);
    visitor.visit::<cluster::v1beta2::ManagedClusterSetBinding>(Ocm);
    visitor.visit::<cluster::v1beta1::Placement>(Ocm);
    visitor.visit::<cluster::v1beta1::PlacementDecision>(Ocm);
    visitor.visit::<cluster::v1alpha1::AddOnPlacementScore>(Ocm);
    visitor.visit::<work::v1::ManifestWork>(Ocm);
    visitor.visit::<work::v1::AppliedManifestWork>(Ocm);
    visitor.visit::<work::v1alpha1::ManifestWorkReplicaSet>(Ocm);
    visitor.visit::<operator::v1::Klusterlet>(Ocm);
    visitor.visit::<operator::v1::ClusterManager>(Ocm);
    visitor.visit::<addon::v1alpha1::ClusterManagementAddOn>(Ocm);
    visitor.visit::<addon::v1alpha1::ManagedClusterAddOn>(Ocm);
    visitor.visit::<addon::v1beta1::ClusterManagementAddOn>(Ocm);
    visitor.visit::<addon::v1beta1::ManagedClusterAddOn>(Ocm);
}
