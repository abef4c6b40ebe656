//! The KubeDB provisioner's reactions: for the world's one database, the auth secret, the
//! phase and the PetSet ([`crate::kubedb::petset_of`]) from the MariaDB as stored and the
//! MariaDBVersion it names, and the phase again whenever the pods' Ready feedback changes.
//! Another MariaDB on the hub is left alone and said so.

use serde_json::{Value, json};

use crate::kubedb;
use crate::writer::{PETSET, Writer};

/// Field manager of the simulated KubeDB provisioner.
pub const KUBEDB_MANAGER: &str = "kubedb-provisioner";

/// The provisioner of one database and what it remembers of it.
pub(crate) struct Provisioner {
    /// The database it runs, `(namespace, name)`: the environment's.
    database: (String, String),
    /// Every pod was Ready once: from then on the operator reports Critical or NotReady
    /// instead of Provisioning.
    provisioned: bool,
    /// The MariaDB generation the operator last provisioned.
    provisioned_generation: Option<i64>,
}

impl Provisioner {
    /// The provisioner of the MariaDB `namespace/name`, nothing provisioned yet.
    pub(crate) fn new(namespace: &str, name: &str) -> Provisioner {
        Provisioner {
            database: (namespace.to_owned(), name.to_owned()),
            provisioned: false,
            provisioned_generation: None,
        }
    }

    /// A MariaDB `ns/name` was written (`db` as stored). Only a new generation (a spec change)
    /// needs provisioning; status writes do not. The world runs the environment's one
    /// database; another MariaDB on the hub is left alone, and said so, rather than mixed
    /// into the same pods.
    pub(crate) fn mariadb(&mut self, out: &mut Writer, (ns, name): (&str, &str), db: &Value) {
        let (own_ns, own_name) = (&self.database.0, &self.database.1);
        if (ns, name) != (own_ns.as_str(), own_name.as_str()) {
            let what = format!(
                "MariaDB {ns}/{name}: not provisioned: the simulated world runs one database, the environment's ({own_ns}/{own_name}); use a hub per database"
            );
            tracing::warn!(%what, "simulated KubeDB operator");
            out.last_error = Some(what);
        } else if db["metadata"]["generation"].as_i64() != self.provisioned_generation {
            self.provisioned_generation = db["metadata"]["generation"].as_i64();
            provision(out, ns, name, db);
        }
    }

    /// The operator judges the database after the agents reported: Ready when every ordinal
    /// below the PetSet's replicas runs Ready (`ready`: as seen through its JsonRaw feedback),
    /// else Provisioning until that happened once, then Critical while some pod is Ready and
    /// NotReady when none is. Nothing while the MariaDB is not stored.
    pub(crate) fn judge(&mut self, out: &mut Writer, ready: impl Fn(usize) -> bool) {
        let (ns, name) = (self.database.0.as_str(), self.database.1.as_str());
        if out
            .hub
            .get("kubedb.com/v1", "MariaDB", Some(ns), name)
            .is_none()
        {
            return;
        }
        let replicas = out
            .hub
            .get(PETSET.0, PETSET.1, Some(ns), name)
            .and_then(|s| s["spec"]["replicas"].as_u64())
            .unwrap_or(0) as usize;
        let all = replicas > 0 && (0..replicas).all(&ready);
        let some = (0..replicas).any(&ready);
        self.provisioned |= all;
        let phase = if all {
            "Ready"
        } else if !self.provisioned {
            "Provisioning"
        } else if some {
            "Critical"
        } else {
            "NotReady"
        };
        publish_phase(out, ns, name, phase);
    }
}

/// The KubeDB provisioner: the auth secret, the phase and the PetSet, built from the
/// MariaDB as stored and the MariaDBVersion it names (when the hub has it).
fn provision(out: &mut Writer, ns: &str, name: &str, db: &Value) {
    if db["status"]["phase"].is_null() {
        publish_phase(out, ns, name, "Provisioning");
    }
    out.apply(
        KUBEDB_MANAGER,
        &json!({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/basic-auth",
            "metadata": {"name": format!("{name}-auth"), "namespace": ns},
            "stringData": {"username": "root", "password": "simulated"}}),
        false,
    );
    let version = db["spec"]["version"].as_str().and_then(|v| {
        out.hub
            .get("catalog.kubedb.com/v1alpha1", "MariaDBVersion", None, v)
    });
    // The PetSet webhook then checks the policy's coverage of its ordinals, and a
    // refusal stops provisioning.
    let petset = kubedb::petset_of(db, version.as_ref());
    if let Err(e) = out.hub.apply(KUBEDB_MANAGER, &petset, false) {
        out.fail(format!("PetSet {ns}/{name}: {e}"));
    }
}

/// The MariaDB's `status.phase`, written as the operator.
fn publish_phase(out: &mut Writer, ns: &str, name: &str, phase: &str) {
    out.apply(
        KUBEDB_MANAGER,
        &json!({"apiVersion": "kubedb.com/v1", "kind": "MariaDB",
            "metadata": {"name": name, "namespace": ns},
            "status": {"phase": phase}}),
        true,
    );
}
