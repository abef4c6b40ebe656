//! The clusters behind an [`emulated_hub::FakeHub`]: the components of the walkthrough that
//! act on what the hub stores, simulated in process. They read only the hub's objects (never
//! the deployer's plan), so a wrong plan, or an object the hub pruned or refused, shows.
//!
//! # What it emulates
//!
//! - **Before Step 3** ([`World::start`] seeds it): the KubeSlice controller's and KubeDB's
//!   namespaces, the hub's StorageClasses (`kubedb.storageClasses`, else `standard`), the
//!   accepted ManagedClusters with their namespaces, and the environment's MariaDBVersion
//!   when it names one (as KubeDB's catalog chart installs it).
//! - **The KubeSlice controller and workers**: a Project's namespace, `Registered` Clusters,
//!   a healthy WorkerSliceConfig per slice cluster, the application namespaces the hub's own
//!   worker onboards.
//! - **KubeDB's validating webhooks** of a release ([`serve_kubedb_release`]: MariaDB,
//!   PlacementPolicy, PetSet, the rules of `kubedb_types::validation`).
//! - **The KubeDB provisioner** ([`kubedb`]): the auth secret, the phase (Provisioning, then
//!   Ready, Critical or NotReady as the pods' JsonRaw Ready feedback says) and the PetSet,
//!   built from the stored MariaDB and MariaDBVersion as far as public sources tell.
//! - **The KubeDB ops-manager** ([`ops`]): a HorizontalScaling `MariaDBOpsRequest` for the
//!   world's database goes `Progressing`, sets the PetSet's and the MariaDB's replicas to
//!   `member` (checked with `dryRun=All` first: a refusal ends it `Failed`, nothing changed)
//!   and ends `Successful` when every member is Ready in a Galera cluster of that size. One
//!   request runs at a time per database: the others wait `Pending`, and when it ends an
//!   older waiting request is `Skipped` for a newer one of the same type.
//! - **Clusters joining later** ([`World::add_spoke`]), seeded as the first ones are.
//! - **The PetSet controller** ([`petset`]), as the release's kubeops/petset runs it
//!   (`petset@v0.0.11` for v2025.7.31, `petset@05a56e31` for v2026.7.10): from the stored
//!   PetSet and PlacementPolicy (the release's shape only: `spec.ocm.distributionRules` or
//!   `spec.clusterSpreadConstraint.distributionRules`, mapped with `placement`'s first-match
//!   [`placement::Mapping`]) it builds each ordinal's pod and claim and their ManifestWorks in
//!   the chosen cluster's namespace; scaling creates missing ordinals and deletes the highest
//!   pod works first, keeps claim works, and leaves a running pod where it is when the policy
//!   moves its ordinal until the pod is recreated.
//! - **One OCM work agent per managed cluster** ([`Spoke`]): it runs the pods its works carry
//!   on a [`PodRuntime`], each with an overlay IP (`10.<244 + spoke position>.0.<10 +
//!   ordinal>`), and reports `Applied`/`Available` and the pod's `PodPhase`, `PodIP` and
//!   (with `RawFeedbackJsonString`) `ReadyCondition` feedback; a claim work is reported
//!   applied.
//! - **The registration controller's view** of each cluster's availability.
//! - **What runs in a pod**: [`GaleraModel`] by default (a node of a [`galera::sim::Cluster`]
//!   per pod; the first pod bootstraps, the others join), or any [`PodRuntime`]
//!   ([`World::start_with`]). Failure injection ([`World::kill`], [`World::revive`],
//!   [`World::partition`], [`World::heal`], [`World::pc_bootstrap`]) acts on the runtime and
//!   reaches the hub as the real components would report it.
//!
//! # What it leaves out
//!
//! Real spokes (no Kubernetes objects exist on the clusters, only the hub's ManifestWorks and
//! their status), scheduling, probes and container images; the provisioner's other
//! ManifestWorks (config, RBAC, ServiceExports, secrets on the spokes) and its Services; the
//! MariaDB coordinator; KubeSlice gateways and DNS; PetSet's `OrderedReady` sequencing (every
//! missing ordinal is created in one pass, as `Parallel` would), rolling updates on template
//! changes, node-affinity domains from the policy (CEL), `spec.ordinals.start`, deletion
//! finalizers and the `Orphan` deletion policy; mutating webhooks (KubeDB's defaults are not
//! applied to stored objects); leases, clocks and timeouts (a cluster is up or down when the
//! test says so).
//!
//! This is a crate of its own rather than a module of `emulated-hub` because it is the other
//! side of the hub's API: the hub knows no kind, these components know OCM, KubeSlice and
//! KubeDB and talk to the hub only through what it stores, as controllers do. Neither needs a
//! Kubernetes cluster: a test builds the hub, starts the world and uses the hub's client like
//! a real one, or takes the walkthrough deployed and Ready from [`harness::Deployed`].

mod admission;
mod agents;
mod fake_hub;
pub mod harness;
pub mod kubedb;
mod kubeslice;
pub mod ops;
pub mod petset;
mod petset_controller;
pub mod pods;
mod provisioner;
mod registration;
mod seed;
mod world;
mod writer;

pub use admission::serve_kubedb_release;
pub use agents::WORK_AGENT_MANAGER;
pub use fake_hub::{hub, hub_for};
pub use kubeslice::KUBESLICE_MANAGER;
pub use petset_controller::PETSET_MANAGER;
pub use pods::{GaleraModel, PodError, PodRuntime, PodState, ScheduledPod, model_pod_ip};
pub use provisioner::KUBEDB_MANAGER;
pub use world::{Spoke, World};

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
