//! The plan's types: the objects and steps to apply, where each pod goes, and what each spoke
//! receives.

use std::collections::BTreeMap;

use kubedb_types::apps::v1::PlacementPolicy;
use kubedb_types::kubedb::v1::{MariaDB, WsrepSstMethod};
use kubeslice_types::controller::v1alpha1::{Cluster, Project, SliceConfig};
use ocm_types::work::v1::ManifestWork;
use serde_json::Value;

use crate::findings::{Finding, object_id};
use crate::survival::SurvivalAnalysis;

/// An object of the plan.
#[derive(Clone, Debug, PartialEq)]
pub enum PlanObject {
    /// KubeSlice Project.
    Project(Project),
    /// KubeSlice Cluster registration.
    Cluster(Cluster),
    /// KubeSlice SliceConfig.
    SliceConfig(SliceConfig),
    /// KubeDB PlacementPolicy.
    PlacementPolicy(PlacementPolicy),
    /// KubeDB MariaDB (boxed: by far the largest type).
    MariaDB(Box<MariaDB>),
}

impl PlanObject {
    /// The object as JSON (with `apiVersion` and `kind`).
    pub fn to_json(&self) -> Value {
        let r = match self {
            PlanObject::Project(o) => serde_json::to_value(o),
            PlanObject::Cluster(o) => serde_json::to_value(o),
            PlanObject::SliceConfig(o) => serde_json::to_value(o),
            PlanObject::PlacementPolicy(o) => serde_json::to_value(o),
            PlanObject::MariaDB(o) => serde_json::to_value(o),
        };
        r.unwrap_or_default()
    }

    /// `Kind/name` or `Kind/namespace/name` ([`object_id`]).
    pub fn describe(&self) -> String {
        let v = self.to_json();
        object_id(
            v["kind"].as_str().unwrap_or_default(),
            v["metadata"]["namespace"].as_str(),
            v["metadata"]["name"].as_str().unwrap_or_default(),
        )
    }
}

/// One step: an object, the kube context it is applied in, and why it comes here.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Kube context (cluster) to apply in.
    pub context: String,
    /// The object.
    pub object: PlanObject,
    /// Why this step comes where it does.
    pub reason: String,
}

/// Where one pod goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    /// Ordinal.
    pub ordinal: i32,
    /// Pod name.
    pub pod: String,
    /// Cluster.
    pub cluster: String,
    /// Storage class override, if any.
    pub storage_class: Option<String>,
}

/// A pod's Galera settings, as the init script writes them to `galera.cnf`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GaleraConfig {
    /// Pod.
    pub pod: String,
    /// Cluster.
    pub cluster: String,
    /// `[mariadbd]` for MariaDB 11 and newer, else `[mysqld]`.
    pub section: &'static str,
    /// `wsrep_cluster_name`.
    pub cluster_name: String,
    /// Peer addresses on the slice, in ordinal order (shared by every pod of the plan).
    pub peers: std::sync::Arc<[String]>,
    /// SST method.
    pub sst_method: WsrepSstMethod,
}

impl GaleraConfig {
    /// The `galera.cnf` the pod's init script writes (the node address is the pod's KubeSlice
    /// overlay IP, read at start from `/etc/podip/podip`).
    pub fn render(&self) -> String {
        let mut out = format!(
            "{}\nbinlog_format=ROW\ndefault-storage-engine=innodb\ninnodb_autoinc_lock_mode=2\nbind-address=0.0.0.0\nwsrep_on=ON\nwsrep_provider=/usr/lib/galera/libgalera_smm.so\nwsrep_cluster_name={}\nwsrep_cluster_address=\"gcomm://{}\"\nwsrep_node_address=${{POD_IP}}  # from /etc/podip/podip: the pod's slice overlay IP\nwsrep_sst_method={}\n",
            self.section,
            self.cluster_name,
            self.peers.join(","),
            self.sst_method.as_str()
        );
        if self.sst_method == WsrepSstMethod::Mariabackup {
            out.push_str(
                "wsrep_sst_auth=$MYSQL_ROOT_USERNAME:$MYSQL_ROOT_PASSWORD\nwsrep_sst_donor=all,\n",
            );
        }
        out
    }
}

/// What the PetSet controller will create for one spoke.
#[derive(Clone, Debug, PartialEq)]
pub struct SpokePreview {
    /// The cluster (and hub namespace of its works).
    pub cluster: String,
    /// Per ordinal: the pod ManifestWork and the PVC ManifestWork.
    pub works: Vec<ManifestWork>,
    /// Galera settings of the pods on this cluster.
    pub galera: Vec<GaleraConfig>,
}

/// The full plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Objects to apply, in order.
    pub steps: Vec<Step>,
    /// Where each pod goes.
    pub placement: Vec<Placed>,
    /// What each spoke will receive.
    pub spokes: Vec<SpokePreview>,
    /// Single-cluster loss survival.
    pub survival: SurvivalAnalysis,
    /// Preflight findings (warnings and infos; errors prevent a plan).
    pub findings: Vec<Finding>,
}

/// Renders documents as one YAML stream, `---`-separated, deterministically.
pub fn yaml_stream(docs: &[Value]) -> String {
    docs.iter()
        .map(|d| serde_saphyr::to_string(d).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("---\n")
}

impl Plan {
    /// The step objects as one YAML stream, in order.
    pub fn objects_yaml(&self) -> String {
        yaml_stream(
            &self
                .steps
                .iter()
                .map(|s| s.object.to_json())
                .collect::<Vec<_>>(),
        )
    }

    /// The works previewed for one cluster, as a YAML stream.
    pub fn spoke_yaml(&self, cluster: &str) -> String {
        let works: Vec<Value> = self
            .spokes
            .iter()
            .filter(|s| s.cluster == cluster)
            .flat_map(|s| s.works.iter())
            .map(|w| serde_json::to_value(w).unwrap_or_default())
            .collect();
        yaml_stream(&works)
    }

    /// Files for `--out`: `plan.yaml` and `<cluster>.manifestworks.yaml` per spoke.
    pub fn files(&self) -> BTreeMap<String, String> {
        let mut files = BTreeMap::from([("plan.yaml".to_owned(), self.objects_yaml())]);
        for s in &self.spokes {
            files.insert(
                format!("{}.manifestworks.yaml", s.cluster),
                self.spoke_yaml(&s.cluster),
            );
        }
        files
    }
}
