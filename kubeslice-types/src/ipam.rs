//! How a slice's overlay subnet is shared out: one subnet per cluster, one address per pod.
//!
//! The KubeSlice controller gives each cluster of a new slice the block of index `i` (its
//! place in `spec.clusters`, counted from 0) of the slice subnet cut into blocks of the size
//! [`crate::dns::cluster_subnet_prefix`] gives for `maxClusters`. Inside a cluster's block the
//! slice router (NSM's vL3 endpoint) keeps the block's first address for itself and hands the
//! next free ones to the pods that join the slice.
//!
//! ```
//! use kubeslice_types::ipam;
//! let slice = "10.1.0.0/16".parse().unwrap();
//! let worker = ipam::cluster_subnet(slice, 16, 1).unwrap();
//! assert_eq!(worker.to_string(), "10.1.16.0/20");
//! assert_eq!(ipam::pod_address(worker, 0).unwrap().to_string(), "10.1.16.1");
//! ```

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

/// Why no subnet or address could be given.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IpamError {
    /// `maxClusters` outside what the controller's webhook admits.
    #[error(
        "maxClusters {0} is outside 2..=32 (the controller's webhook refuses it): choose 2 to 32"
    )]
    MaxClusters(i64),
    /// The cluster's index does not fit the slice.
    #[error(
        "cluster index {index} does not fit: the slice {slice} holds {max_clusters} clusters (maxClusters); give the slice fewer clusters or a larger maxClusters"
    )]
    ClusterIndex {
        /// The index asked for.
        index: usize,
        /// The slice subnet.
        slice: Ipv4Net,
        /// `maxClusters`.
        max_clusters: i64,
    },
    /// The slice subnet is narrower than the per-cluster blocks.
    #[error(
        "slice subnet {slice} is narrower than the /{prefix} cluster blocks maxClusters asks for: use a /16 slice subnet (the controller's webhook asks for one)"
    )]
    SliceTooSmall {
        /// The slice subnet.
        slice: Ipv4Net,
        /// The cluster block prefix.
        prefix: u8,
    },
    /// The cluster's block has no address left for another pod.
    #[error("the cluster subnet {subnet} has no address for pod number {index}")]
    PodIndex {
        /// The cluster's subnet.
        subnet: Ipv4Net,
        /// The pod's number within the cluster, from 0.
        index: u32,
    },
}

/// The subnet the controller gives the cluster at `index` (0-based place in the SliceConfig's
/// `spec.clusters`) of a new slice with subnet `slice` and `max_clusters`.
///
/// Block size: `util.FindCIDRByMaxClusters` (`/17` for 2 clusters up to `/21` for 17 to 32,
/// [`crate::dns::cluster_subnet_prefix`]). Which block: `ComputeClusterMap` numbers the
/// clusters that have no WorkerSliceConfig yet with the lowest unused indexes in `spec.clusters`
/// order (so a new slice gives the first cluster index 0, the next 1, ...), and
/// `util.GetClusterPrefixPool` writes `index × block size` into the slice subnet's controlling
/// octet, zeroing those after it; for a `/16` slice that is the `index`-th block
/// (`kubeslice/kubeslice-controller@v1.9.0:util/common.go`,
/// `service/worker_slice_config_service.go` `CreateMinimalWorkerSliceConfig`,
/// `ComputeClusterMap`; `service/slice_config_service.go` step 4). A cluster keeps its index
/// (`spec.octet` of its WorkerSliceConfig) when others join or leave later: this function
/// answers for a slice created with all its clusters at once.
pub fn cluster_subnet(
    slice: Ipv4Net,
    max_clusters: i64,
    index: usize,
) -> Result<Ipv4Net, IpamError> {
    if !(2..=32).contains(&max_clusters) {
        return Err(IpamError::MaxClusters(max_clusters));
    }
    let prefix = crate::dns::cluster_subnet_prefix(max_clusters);
    let too_many = || IpamError::ClusterIndex {
        index,
        slice,
        max_clusters,
    };
    if index as i64 >= max_clusters {
        return Err(too_many());
    }
    slice
        .trunc()
        .subnets(prefix)
        .map_err(|_| IpamError::SliceTooSmall { slice, prefix })?
        .nth(index)
        .ok_or_else(too_many)
}

/// The subnets of a new slice's clusters, in `spec.clusters` order ([`cluster_subnet`]).
pub fn cluster_subnets<'a>(
    slice: Ipv4Net,
    max_clusters: i64,
    clusters: &[&'a str],
) -> Result<Vec<(&'a str, Ipv4Net)>, IpamError> {
    clusters
        .iter()
        .enumerate()
        .map(|(i, c)| Ok((*c, cluster_subnet(slice, max_clusters, i)?)))
        .collect()
}

/// The overlay address of the `index`-th pod (from 0) to join the slice in a cluster with
/// subnet `cluster`: the slice router keeps the subnet's first address
/// (`networkservicemesh/sdk@492c5433:pkg/networkservice/connectioncontext/ipcontext/vl3/ipam.go`
/// `reset` excludes `self`, the prefix's own address, from the pool), and each client is
/// handed a free `/32` from the rest of the pool (`allocate`, `ipPool.Pull`): with no
/// address ever freed, the `index`-th pod gets the first address plus `index + 1`. Real pods
/// join in whatever order they start; this numbering is the one an in-order start gives.
pub fn pod_address(cluster: Ipv4Net, index: u32) -> Result<Ipv4Addr, IpamError> {
    let err = IpamError::PodIndex {
        subnet: cluster,
        index,
    };
    let offset = index.checked_add(1).ok_or(err.clone())?;
    let base = u32::from(cluster.network());
    let addr = base.checked_add(offset).ok_or(err.clone())?;
    let addr = Ipv4Addr::from(addr);
    if cluster.contains(&addr) && addr != cluster.broadcast() {
        Ok(addr)
    } else {
        Err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Ipv4Net {
        s.parse().expect("test CIDR")
    }

    #[test]
    fn sixteen_clusters_of_a_slash_16_get_slash_20_blocks_in_order() {
        // The issue's example, written out by hand.
        let got: Vec<String> = (0..16)
            .map(|i| {
                cluster_subnet(net("10.1.0.0/16"), 16, i)
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(got[0], "10.1.0.0/20");
        assert_eq!(got[1], "10.1.16.0/20");
        assert_eq!(got[2], "10.1.32.0/20");
        assert_eq!(got[15], "10.1.240.0/20");
        assert!(cluster_subnet(net("10.1.0.0/16"), 16, 16).is_err());
    }

    #[test]
    fn block_sizes_follow_max_clusters() {
        // GetClusterPrefixPool("10.1.0.0", 1, "/17") = 10.1.128.0/17; with /21 the third
        // octet steps by 8.
        assert_eq!(
            cluster_subnet(net("10.1.0.0/16"), 2, 1).unwrap(),
            net("10.1.128.0/17")
        );
        assert_eq!(
            cluster_subnet(net("10.1.0.0/16"), 17, 3).unwrap(),
            net("10.1.24.0/21")
        );
        assert_eq!(
            cluster_subnet(net("10.1.0.0/16"), 32, 31).unwrap(),
            net("10.1.248.0/21")
        );
        assert_eq!(
            cluster_subnet(net("10.1.0.0/16"), 1, 0),
            Err(IpamError::MaxClusters(1))
        );
        assert!(matches!(
            cluster_subnet(net("10.1.0.0/24"), 16, 0),
            Err(IpamError::SliceTooSmall { .. })
        ));
    }

    #[test]
    fn pods_take_addresses_after_the_routers() {
        let c = net("10.1.16.0/20");
        assert_eq!(pod_address(c, 0).unwrap(), Ipv4Addr::new(10, 1, 16, 1));
        assert_eq!(pod_address(c, 1).unwrap(), Ipv4Addr::new(10, 1, 16, 2));
        assert_eq!(pod_address(c, 4093).unwrap(), Ipv4Addr::new(10, 1, 31, 254));
        assert!(
            pod_address(c, 4094).is_err(),
            "the broadcast address is no pod's"
        );
        let names =
            cluster_subnets(net("10.1.0.0/16"), 16, &["demo-controller", "demo-worker"]).unwrap();
        assert_eq!(
            names,
            vec![
                ("demo-controller", net("10.1.0.0/20")),
                ("demo-worker", net("10.1.16.0/20"))
            ]
        );
    }
}
