//! The lab's network side of [`Lab`]: the slice namespace and its bridge, each cluster's
//! namespace and gateway (a veth pair to a bridge port), clusters joining later, pods'
//! addresses, the hosts files every namespace resolves names with, and cutting and healing
//! gateways. The crate's "Layout" section tells the whole picture.

use std::net::Ipv4Addr;

use crate::error::LabError;
use crate::lab::{ClusterInfo, Lab, PodInfo, PodState};
use crate::sys;

impl Lab {
    /// The slice namespace and its bridge, each cluster's namespace and gateway, and the
    /// hosts files.
    pub(crate) fn build_network(&self) -> Result<(), LabError> {
        let ns = self.inner.slice_ns.clone();
        self.add_namespace(&ns)?;
        sys::ip(&["-n", &ns, "link", "add", "slice", "type", "bridge"])?;
        sys::ip(&["-n", &ns, "link", "set", "slice", "up"])?;
        for c in self.clusters() {
            self.connect_cluster(c)?;
        }
        self.write_hosts()
    }

    /// The cluster's namespace and its gateway: veth `gw` in it, port `p<i>` on the slice
    /// bridge.
    fn connect_cluster(&self, c: &ClusterInfo) -> Result<(), LabError> {
        let ns = self.inner.slice_ns.as_str();
        self.add_namespace(&c.namespace)?;
        let cns = c.namespace.as_str();
        sys::ip(&[
            "-n", cns, "link", "add", "gw", "type", "veth", "peer", "name", &c.port, "netns", ns,
        ])?;
        sys::ip(&["-n", ns, "link", "set", &c.port, "master", "slice"])?;
        sys::ip(&["-n", ns, "link", "set", &c.port, "up"])?;
        sys::ip(&["-n", cns, "link", "set", "gw", "up"])?;
        sys::ip(&["-n", cns, "link", "set", "lo", "up"])?;
        Ok(())
    }

    /// A cluster joins the slice while the lab runs (a day-2 `SliceConfig` update adding it to
    /// `spec.clusters`): its namespace, its gateway to the slice bridge, and the subnet the
    /// KubeSlice controller gives a cluster that joins an existing slice: the block of the
    /// lowest index no cluster holds yet (`ComputeClusterMap` keeps every existing cluster's
    /// `spec.octet` and numbers the newcomers with the unused indexes in `spec.clusters` order,
    /// `kubeslice/kubeslice-controller@v1.9.0:service/worker_slice_config_service.go`; the
    /// block itself is [`kubeslice_types::ipam::cluster_subnet`]'s). The lab never removes a
    /// cluster, so that is the next index: for the walkthrough's slice a third cluster gets
    /// `10.1.32.0/20`. Clusters that join together must be added in their `spec.clusters`
    /// order. Every namespace's hosts file is rewritten (the new one lists every pod), and the
    /// cluster is removed with the rest of the lab.
    ///
    /// Returns the new cluster; adding a cluster the lab has is [`LabError::Duplicate`], and
    /// one beyond `maxClusters` is [`LabError::Ipam`]. A cluster whose links could not be made
    /// is not added (what was made is removed with the lab).
    ///
    /// ```no_run
    /// # fn main() -> Result<(), lab::LabError> {
    /// use lab::{Lab, LabOptions, SliceSpec};
    /// let slice = SliceSpec::new("10.1.0.0/16", 16, ["demo-controller", "demo-worker"])?;
    /// let lab = Lab::new(&slice, LabOptions::default())?;
    /// let edge = lab.add_cluster("demo-edge")?;
    /// assert_eq!(edge.subnet.to_string(), "10.1.32.0/20");
    /// # Ok(()) }
    /// ```
    pub fn add_cluster(&self, name: &str) -> Result<ClusterInfo, LabError> {
        let _one_at_a_time = self.inner.adding.lock().unwrap_or_else(|p| p.into_inner());
        if self.cluster(name).is_ok() {
            return Err(LabError::Duplicate(name.to_owned()));
        }
        let index = self.clusters().len();
        let subnet = kubeslice_types::ipam::cluster_subnet(
            self.inner.slice.subnet,
            self.inner.slice.max_clusters,
            index,
        )?;
        // cluster_subnet refused an index beyond maxClusters, the number of slots.
        let Some(slot) = self.inner.clusters.get(index) else {
            return Err(LabError::UnknownCluster(name.to_owned()));
        };
        let info = ClusterInfo {
            name: name.to_owned(),
            namespace: format!("{}-c-{name}", self.inner.id),
            subnet,
            port: format!("p{index}"),
        };
        self.connect_cluster(&info)?;
        self.write_hosts()?;
        let _ = slot.set(info.clone());
        Ok(info)
    }

    fn add_namespace(&self, ns: &str) -> Result<(), LabError> {
        // Recorded first: a half-made namespace is removed too.
        self.state().namespaces.push(ns.to_owned());
        sys::ip(&["netns", "add", ns])?;
        Ok(())
    }

    /// Adds a pod to `cluster` at the next address the slice router would hand out
    /// ([`kubeslice_types::ipam::pod_address`]), resolvable as each of `names` in every
    /// namespace. Returns the address.
    pub fn add_pod(
        &self,
        cluster: &str,
        pod: &str,
        names: &[String],
    ) -> Result<Ipv4Addr, LabError> {
        let c = self.cluster(cluster)?;
        let n = self.state().counts.get(cluster).copied().unwrap_or(0);
        let mut index = n;
        // Skip addresses a caller took with add_pod_at.
        let address = loop {
            let a = kubeslice_types::ipam::pod_address(c.subnet, index)?;
            if !self.state().pods.values().any(|p| p.info.address == a) {
                break a;
            }
            index += 1;
        };
        self.add_pod_at(cluster, pod, address, names)?;
        Ok(address)
    }

    /// Adds a pod at a given overlay address (such as the one a simulated cluster chose); it
    /// must be a free address of the cluster's subnet other than the router's.
    pub fn add_pod_at(
        &self,
        cluster: &str,
        pod: &str,
        address: Ipv4Addr,
        names: &[String],
    ) -> Result<(), LabError> {
        let c = self.cluster(cluster)?.clone();
        let dir = self.inner.base.join(pod);
        {
            let mut st = self.state();
            if st.pods.contains_key(pod) {
                return Err(LabError::Duplicate(pod.to_owned()));
            }
            let taken = st.pods.values().any(|p| p.info.address == address);
            if taken
                || !c.subnet.contains(&address)
                || address == c.subnet.network()
                || address == c.subnet.broadcast()
            {
                return Err(LabError::Address {
                    pod: pod.to_owned(),
                    address,
                    cluster: c.name.clone(),
                    subnet: c.subnet,
                });
            }
            *st.counts.entry(c.name.clone()).or_default() += 1;
            st.pods.insert(
                pod.to_owned(),
                PodState {
                    info: PodInfo {
                        name: pod.to_owned(),
                        cluster: c.name.clone(),
                        address,
                        names: names.to_vec(),
                        dir: dir.clone(),
                    },
                    child: None,
                },
            );
        }
        std::fs::create_dir_all(dir.join("tmp")).map_err(LabError::io(&dir))?;
        sys::chown_mysql(&dir)?;
        let cidr = format!("{address}/{}", self.inner.slice.subnet.prefix_len());
        sys::ip(&["-n", &c.namespace, "addr", "add", &cidr, "dev", "gw"])?;
        self.write_hosts()
    }

    fn write_hosts(&self) -> Result<(), LabError> {
        let st = self.state();
        let mut hosts =
            String::from("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        for p in st.pods.values() {
            if !p.info.names.is_empty() {
                hosts.push_str(&format!("{}\t{}\n", p.info.address, p.info.names.join(" ")));
            }
        }
        for ns in &st.namespaces {
            let dir = sys::netns_etc(ns);
            std::fs::create_dir_all(&dir).map_err(LabError::io(&dir))?;
            let file = dir.join("hosts");
            std::fs::write(&file, &hosts).map_err(LabError::io(&file))?;
        }
        Ok(())
    }

    /// Cuts the cluster's gateway from the slice (its bridge port goes down): the cluster's
    /// pods still reach each other, not the other clusters'.
    pub fn partition(&self, cluster: &str) -> Result<(), LabError> {
        self.gateway(cluster, "down")
    }

    /// Reconnects the cluster's gateway.
    pub fn heal(&self, cluster: &str) -> Result<(), LabError> {
        self.gateway(cluster, "up")
    }

    /// Reconnects every gateway.
    pub fn heal_all(&self) -> Result<(), LabError> {
        for c in self.clusters() {
            self.gateway(&c.name, "up")?;
        }
        Ok(())
    }

    fn gateway(&self, cluster: &str, state: &str) -> Result<(), LabError> {
        let c = self.cluster(cluster)?;
        sys::ip(&["-n", &self.inner.slice_ns, "link", "set", &c.port, state])?;
        Ok(())
    }
}
