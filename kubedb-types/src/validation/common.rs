//! Limits and helpers that the rules of several kinds and the rule texts share: the MariaDB
//! webhook's cluster limits (which the rule texts name too), the `requireSSL` server floor of
//! the MariaDB and ReconfigureTLS rules, and the version and shape helpers they read with.
//! Imports no sibling module.

use crate::release::PolicyShape;

/// Longest MariaDB name allowed when clustered (`MariaDBMaxClusterNameLength`).
pub const MAX_CLUSTER_NAME_LENGTH: usize = 32;
/// Smallest Galera cluster the webhook accepts (`MariaDBDefaultClusterSize`).
pub const MIN_GALERA_REPLICAS: i32 = 3;
/// Largest Galera cluster the MariaDBOpsRequest webhook scales to: a HorizontalScaling
/// `member` outside `3..=9` is refused with `Group size can not be less than 3 or greater
/// than 9, range: [3,9]` (`apimachinery@v0.57.0` and `@861df6898a80:
/// pkg/webhooks/ops/v1alpha1/mariadb.go`). The MariaDB webhook sets no upper bound on
/// `spec.replicas`.
pub const MAX_GALERA_MEMBERS: i32 = 9;

/// Oldest server version that supports `requireSSL` (`apimachinery@v0.57.0:
/// pkg/webhooks/kubedb/v1/mariadb.go`, unchanged at 861df6898a80).
pub const REQUIRE_SSL_MIN_VERSION: (u64, u64, u64) = (10, 5, 2);

/// `major.minor.patch` of a version string such as `10.5.23` or `11.5.2-jammy`; missing parts
/// are 0. `None` when it does not start with a number.
pub(super) fn semver(v: &str) -> Option<(u64, u64, u64)> {
    let core = v.trim_start_matches('v');
    let core = core.split(['-', '+']).next().unwrap_or_default();
    let mut parts = core.split('.').map(|p| p.parse::<u64>());
    let major = parts.next()?.ok()?;
    let minor = parts.next().map(|p| p.ok()).unwrap_or(Some(0))?;
    let patch = parts.next().map(|p| p.ok()).unwrap_or(Some(0))?;
    Some((major, minor, patch))
}

/// The other PlacementPolicy shape: the one `shape`'s release prunes.
pub(super) fn other(shape: PolicyShape) -> PolicyShape {
    match shape {
        PolicyShape::Ocm => PolicyShape::ClusterSpreadConstraint,
        PolicyShape::ClusterSpreadConstraint => PolicyShape::Ocm,
    }
}
