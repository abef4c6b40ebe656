//! What the simulated controllers share: the hub they read and write through, the last error
//! any of them met (each retries on the next change), and the kinds they watch.

use emulated_hub::FakeHub;
use serde_json::Value;

/// The OCM kind the PetSet controller writes and the work agents act on.
pub(crate) const WORK: (&str, &str) = ("work.open-cluster-management.io/v1", "ManifestWork");
/// The kubeops kind the provisioner writes and the PetSet controller reads.
pub(crate) const PETSET: (&str, &str) = ("apps.k8s.appscode.com/v1", "PetSet");
/// The kubeops kind the PetSet controller places ordinals by.
pub(crate) const POLICY: (&str, &str) = ("apps.k8s.appscode.com/v1", "PlacementPolicy");

/// The hub as a simulated controller sees it: reads go straight to [`Writer::hub`], writes
/// through [`Writer::apply`], which records a refusal as the last error instead of stopping.
pub(crate) struct Writer {
    /// The hub the controllers watch.
    pub(crate) hub: FakeHub,
    /// The last error a simulated controller met (it retries on the next change).
    pub(crate) last_error: Option<String>,
}

impl Writer {
    /// A writer to `hub`, no error met yet.
    pub(crate) fn new(hub: FakeHub) -> Writer {
        Writer {
            hub,
            last_error: None,
        }
    }

    /// Server-side applies `config` (its status when `status`) as `manager`; a refusal is
    /// logged and kept as the last error.
    pub(crate) fn apply(&mut self, manager: &str, config: &Value, status: bool) {
        if let Err(e) = self.hub.apply(manager, config, status) {
            let what = format!(
                "{} {}: {e}",
                config["kind"].as_str().unwrap_or("?"),
                config["metadata"]["name"].as_str().unwrap_or("?")
            );
            tracing::warn!(%what, "simulated controller write refused");
            self.last_error = Some(what);
        }
    }

    /// A controller could not do what the hub asks: logged and kept as the last error.
    pub(crate) fn fail(&mut self, what: String) {
        tracing::warn!(%what, "simulated controller error");
        self.last_error = Some(what);
    }
}
