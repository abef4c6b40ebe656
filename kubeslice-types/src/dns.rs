//! Names KubeSlice serves in the `slice.local` zone, and the per-cluster subnet size.
//!
//! ```
//! use kubeslice_types::dns;
//! assert_eq!(dns::service_name("mariadb", "demo"), "mariadb.demo.svc.slice.local");
//! assert_eq!(
//!     dns::pod_name("mariadb-0", "demo-controller", "mariadb-pods", "demo"),
//!     "mariadb-0.demo-controller.mariadb-pods.demo.svc.slice.local"
//! );
//! assert_eq!(dns::cluster_subnet_prefix(16), 20);
//! ```

/// The DNS zone of slice names, served by `kubeslice-dns` on every worker.
pub const ZONE: &str = "slice.local";

/// A ServiceExport's name on the slice: `<export>.<namespace>.svc.slice.local`. Resolves to
/// the slice overlay IPs of every exported pod on every cluster. Besides this name and
/// [`pod_name`], a ServiceExport publishes only the names in its `spec.aliases`
/// (`kubeslice/worker-operator@d7e1cd6f:controllers/serviceexport/serviceexport.go`): any other
/// name, such as KubeDB's `<pod>.<db>-pods.<ns>.svc.slice.local`, needs an alias.
pub fn service_name(export: &str, namespace: &str) -> String {
    format!("{export}.{namespace}.svc.{ZONE}")
}

/// One exported pod's name: `<pod>.<cluster>.<export>.<namespace>.svc.slice.local`, served
/// once the pod runs and has a slice overlay IP.
pub fn pod_name(pod: &str, cluster: &str, export: &str, namespace: &str) -> String {
    format!("{pod}.{cluster}.{export}.{namespace}.svc.{ZONE}")
}

/// The ingress-gateway name of an export in multi-network slices:
/// `<export>-ingress.<cluster>.<namespace>.svc.slice.local`.
pub fn ingress_name(export: &str, cluster: &str, namespace: &str) -> String {
    format!("{export}-ingress.{cluster}.{namespace}.svc.{ZONE}")
}

/// Prefix length of each cluster's share of a `/16` slice subnet: the smallest `n` with
/// `2^(n-16) >= max_clusters` (2 → /17, 16 → /20, 17 to 32 → /21).
pub fn cluster_subnet_prefix(max_clusters: i64) -> u8 {
    let mut n = 16u8;
    while (1i64 << (n - 16)) < max_clusters && n < 32 {
        n += 1;
    }
    n
}
