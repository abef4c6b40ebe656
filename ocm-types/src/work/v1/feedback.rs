//! Status feedback values as the work agent reports them, and their decoded form.
//!
//! Depends on nothing else in `work::v1`: [`super::manifest_work`] embeds these types in a
//! work's status, and [`super::reading`] reads them from a [`super::ManifestWork`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Collected feedback of one manifest.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct StatusFeedbackResult {
    /// Named values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<FeedbackValue>>,
}

/// A named feedback value.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackValue {
    /// The feedback rule's name.
    pub name: String,
    /// The value (Go field `Value`).
    pub field_value: FieldValue,
}

/// A feedback value as the agent reports it: a type tag and one of four fields. Kept
/// wire-exact; [`FieldValue::typed`] turns it into a [`Value`].
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FieldValue {
    /// Which field is set.
    #[serde(rename = "type")]
    pub type_: ValueType,
    /// With `Integer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integer: Option<i64>,
    /// With `String`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string: Option<String>,
    /// With `Boolean`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boolean: Option<bool>,
    /// With `JsonRaw`: a JSON document encoded as a string (at most 1024 bytes; needs the
    /// `RawFeedbackJsonString` gate on the spoke).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_raw: Option<String>,
}

/// Feedback value types.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum ValueType {
    /// An int64.
    #[default]
    Integer,
    /// A string.
    String,
    /// A boolean.
    Boolean,
    /// A JSON document as a string.
    JsonRaw,
}

/// A decoded feedback value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An integer.
    Integer(i64),
    /// A string.
    String(String),
    /// A boolean.
    Boolean(bool),
    /// A JSON document (objects, lists, floats, several matches).
    Json(serde_json::Value),
}

/// Why a feedback value could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FeedbackError {
    /// The work has no status for the manifest.
    #[error("manifest {ordinal}: no status reported yet")]
    NoManifestStatus {
        /// Manifest ordinal.
        ordinal: i32,
    },
    /// The manifest has no value of that name.
    #[error("manifest {ordinal} ({manifest}): no feedback value {name:?}")]
    Missing {
        /// Manifest ordinal.
        ordinal: i32,
        /// `kind/namespace/name` of the manifest.
        manifest: String,
        /// Feedback name.
        name: String,
    },
    /// The value's type tag and fields disagree, or the type is not the one asked for.
    #[error("manifest {ordinal} ({manifest}): feedback {name:?}: {reason}")]
    WrongType {
        /// Manifest ordinal.
        ordinal: i32,
        /// `kind/namespace/name` of the manifest.
        manifest: String,
        /// Feedback name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// The JsonRaw value does not decode into the requested type.
    #[error("manifest {ordinal} ({manifest}): feedback {name:?}: cannot decode JsonRaw: {reason}")]
    Decode {
        /// Manifest ordinal.
        ordinal: i32,
        /// `kind/namespace/name` of the manifest.
        manifest: String,
        /// Feedback name.
        name: String,
        /// The decoder's message.
        reason: String,
    },
}

impl FieldValue {
    /// The value its type tag names; `Err` with a reason when that field is missing or the
    /// JsonRaw string is not JSON.
    pub fn typed(&self) -> Result<Value, String> {
        let missing = |f: &str| format!("type {:?} but no {f} field", self.type_);
        match self.type_ {
            ValueType::Integer => self
                .integer
                .map(Value::Integer)
                .ok_or_else(|| missing("integer")),
            ValueType::String => self
                .string
                .clone()
                .map(Value::String)
                .ok_or_else(|| missing("string")),
            ValueType::Boolean => self
                .boolean
                .map(Value::Boolean)
                .ok_or_else(|| missing("boolean")),
            ValueType::JsonRaw => {
                let raw = self.json_raw.as_deref().ok_or_else(|| missing("jsonRaw"))?;
                serde_json::from_str(raw)
                    .map(Value::Json)
                    .map_err(|e| format!("jsonRaw is not JSON: {e}"))
            }
        }
    }
}
