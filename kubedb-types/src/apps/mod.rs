//! The `apps.k8s.appscode.com` API group (kubeops PetSet and PlacementPolicy).

pub mod v1;
