//! Reading a [`ManifestWork`]'s reported status: a manifest's condition and its status
//! feedback values, found as the PetSet controller finds them.
//!
//! Sits above both [`super::manifest_work`] (the work's types) and [`super::feedback`] (the
//! feedback values), so neither of those imports the other's behaviour.

use serde::de::DeserializeOwned;

use super::feedback::{FeedbackError, FieldValue, Value};
use super::manifest_work::{ManifestCondition, ManifestWork};

fn describe(m: &ManifestCondition) -> String {
    let meta = &m.resource_meta;
    let kind = meta
        .kind
        .as_deref()
        .or(meta.resource.as_deref())
        .unwrap_or("?");
    crate::common::object_id(
        kind,
        meta.namespace.as_deref(),
        meta.name.as_deref().unwrap_or("?"),
    )
}

impl ManifestWork {
    /// The status of the manifest at `ordinal` (its position in `spec.workload.manifests`),
    /// found by `resourceMeta.ordinal` as the PetSet controller does.
    pub fn manifest_status(&self, ordinal: i32) -> Option<&ManifestCondition> {
        self.manifest_statuses()
            .find(|m| m.resource_meta.ordinal == ordinal)
    }

    /// Every manifest status the work agent reported (none before it reported).
    pub fn manifest_statuses(&self) -> impl Iterator<Item = &ManifestCondition> {
        self.status
            .as_ref()
            .and_then(|s| s.resource_status.as_ref())
            .and_then(|r| r.manifests.as_deref())
            .unwrap_or_default()
            .iter()
    }

    /// The status of the manifest whose resource meta matches (kind or resource, namespace,
    /// name).
    pub fn manifest_status_of(
        &self,
        kind_or_resource: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<&ManifestCondition> {
        self.manifest_statuses().find(|m| {
            let meta = &m.resource_meta;
            (meta.kind.as_deref() == Some(kind_or_resource)
                || meta.resource.as_deref() == Some(kind_or_resource))
                && meta.name.as_deref() == Some(name)
                && meta.namespace.as_deref().filter(|n| !n.is_empty()) == namespace
        })
    }

    /// The raw feedback value `name` of the manifest at `ordinal`.
    pub fn feedback(&self, ordinal: i32, name: &str) -> Result<&FieldValue, FeedbackError> {
        let m = self
            .manifest_status(ordinal)
            .ok_or(FeedbackError::NoManifestStatus { ordinal })?;
        m.status_feedback
            .as_ref()
            .and_then(|f| f.values.as_ref())
            .and_then(|vs| vs.iter().find(|v| v.name == name))
            .map(|v| &v.field_value)
            .ok_or_else(|| FeedbackError::Missing {
                ordinal,
                manifest: describe(m),
                name: name.to_owned(),
            })
    }

    /// The decoded feedback value `name` of the manifest at `ordinal`.
    pub fn feedback_value(&self, ordinal: i32, name: &str) -> Result<Value, FeedbackError> {
        let fv = self.feedback(ordinal, name)?;
        fv.typed()
            .map_err(|reason| self.wrong(ordinal, name, reason))
    }

    fn wrong(&self, ordinal: i32, name: &str, reason: String) -> FeedbackError {
        FeedbackError::WrongType {
            ordinal,
            manifest: self
                .manifest_status(ordinal)
                .map(describe)
                .unwrap_or_default(),
            name: name.to_owned(),
            reason,
        }
    }

    /// A JsonRaw feedback value decoded into `T`, for example a `PodCondition` from
    /// `ReadyCondition`. A JSON list of one element decodes as that element.
    ///
    /// ```
    /// use ocm_types::work::v1::ManifestWork;
    /// use k8s_openapi::api::core::v1::PodCondition;
    /// let mw: ManifestWork = serde_json::from_value(serde_json::json!({
    ///   "apiVersion": "work.open-cluster-management.io/v1", "kind": "ManifestWork",
    ///   "metadata": {"name": "mariadb-0", "namespace": "demo-worker"}, "spec": {},
    ///   "status": {"resourceStatus": {"manifests": [{
    ///     "resourceMeta": {"ordinal": 0, "kind": "Pod", "name": "mariadb-0", "namespace": "demo"},
    ///     "conditions": [],
    ///     "statusFeedback": {"values": [
    ///       {"name": "PodPhase", "fieldValue": {"type": "String", "string": "Running"}},
    ///       {"name": "ReadyCondition", "fieldValue": {"type": "JsonRaw",
    ///        "jsonRaw": "{\"type\":\"Ready\",\"status\":\"True\"}"}}]}}]}}
    /// })).unwrap();
    /// let ready: PodCondition = mw.decode_feedback(0, "ReadyCondition").unwrap();
    /// assert_eq!(ready.status, "True");
    /// let err = mw.decode_feedback::<PodCondition>(0, "PodPhase").unwrap_err();
    /// assert!(err.to_string().contains("\"PodPhase\""));
    /// ```
    pub fn decode_feedback<T: DeserializeOwned>(
        &self,
        ordinal: i32,
        name: &str,
    ) -> Result<T, FeedbackError> {
        let json = match self.feedback_value(ordinal, name)? {
            Value::Json(json) => json,
            other => {
                return Err(self.wrong(
                    ordinal,
                    name,
                    format!("expected JsonRaw, found {other:?}"),
                ));
            }
        };
        let decode_err = |e: serde_json::Error| FeedbackError::Decode {
            ordinal,
            manifest: self
                .manifest_status(ordinal)
                .map(describe)
                .unwrap_or_default(),
            name: name.to_owned(),
            reason: e.to_string(),
        };
        match json {
            serde_json::Value::Array(mut items) if items.len() == 1 => {
                serde_json::from_value(items.remove(0)).map_err(decode_err)
            }
            json => serde_json::from_value(json).map_err(decode_err),
        }
    }
}
