//! Validation of custom resources against a CRD's structural schema with the API server's
//! semantics and wording.
//!
//! What the API server does to a custom resource before it answers 422, and where:
//!
//! 1. it drops `null` values of non-nullable fields without a default and applies `default`s
//!    (k8s.io/apiextensions-apiserver@v0.36.3:pkg/apiserver/schema/defaulting/prunenulls.go,
//!    algorithm.go); this validator does both on the fly, without copying the document;
//! 2. it runs kube-openapi's schema validator
//!    (k8s.io/kube-openapi@43fb72c5454a:pkg/validation/validate/schema.go: type, allOf/anyOf/
//!    oneOf/not, string, format, number, slice, enum and object validators, in that order) and
//!    turns each result into a field error
//!    (k8s.io/apiextensions-apiserver@v0.36.3:pkg/apiserver/validation/validation.go,
//!    `kubeOpenAPIResultToFieldErrors`);
//! 3. it checks `x-kubernetes-list-type: set|map` for duplicates
//!    (pkg/apiserver/schema/listtype/validation.go), the identity of embedded resources
//!    (pkg/apiserver/schema/objectmeta/validation.go) and the `x-kubernetes-validations` CEL
//!    rules (pkg/apiserver/schema/cel/validation.go).
//!
//! A field error reads `<path>: <body>` as k8s.io/apimachinery@v0.36.3:
//! pkg/util/validation/field/errors.go renders it (`Required value`, `Invalid value: "x":
//! <detail>`, `Unsupported value: "x": supported values: "a", "b"`, `Duplicate value: ...`,
//! `Too long: may not be more than N bytes`, `Too many: N: must have at most M items`).
//! Schema errors name the field twice, the second time as kube-openapi does (`spec.x in body
//! should match '...'`, k8s.io/kube-openapi@43fb72c5454a:pkg/validation/errors/schema.go).
//!
//! On updates ([`Validator::validate`] with an old object) CEL transition rules (those using
//! `oldSelf`) run, and errors of values equal to the old ones are ratcheted (dropped) as the
//! API server does since `CRDValidationRatcheting` went GA (pkg/apiserver/validation/
//! ratcheting.go).
//!
//! The parts, each importing only parts listed before it: `errors` (what is reported and how
//! it is worded), `formats` (string formats), `cel` (the rules, their environment and their
//! judgement of a value), `compile` (the compiled schema), `checks` (kube-openapi's
//! validators of one value against its node) and `walk` (the walk of a document along the
//! compiled schema). This file holds [`Validator`], their public face.

use std::sync::Arc;

use serde_json::Value;

mod cel;
mod checks;
mod compile;
mod errors;
mod formats;
mod walk;

pub use errors::{CompileProblem, SchemaError, Violation, ViolationKind};
pub use formats::CHECKED_STRING_FORMATS;

use compile::Node;

/// A CRD version's `openAPIV3Schema`, compiled once (patterns, CEL rules) for validating
/// many documents the way the API server does.
///
/// ```
/// use serde_json::json;
/// use structural_schema::Validator;
/// let schema = json!({"type": "object", "properties": {"spec": {"type": "object",
///     "required": ["version"],
///     "properties": {"version": {"type": "string"}, "replicas": {"type": "integer", "minimum": 1}}}}});
/// let validator = Validator::new(&schema);
/// let shown: Vec<String> = validator
///     .validate(&json!({"spec": {"replicas": 0}}), None)
///     .iter()
///     .map(ToString::to_string)
///     .collect();
/// assert_eq!(shown, ["spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
///                    "spec.version: Required value"]);
/// ```
pub struct Validator {
    root: Node,
    env: Arc<::cel::Env>,
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validator").finish_non_exhaustive()
    }
}

impl Validator {
    /// Compiles `schema` (an `openAPIV3Schema`). Never fails: patterns and CEL rules that do not
    /// compile are reported per object, as the API server does, and listed by
    /// [`Validator::problems`].
    pub fn new(schema: &Value) -> Validator {
        let env = cel::shared_env();
        let root = Node::new(schema, &env);
        Validator { root, env }
    }

    /// The validator of `version` of a `CustomResourceDefinition` (as JSON), such as a pinned
    /// upstream CRD file's document.
    ///
    /// # Errors
    /// [`SchemaError::NoSchema`] when the CRD has no such version with a schema.
    pub fn for_crd(crd: &Value, version: &str) -> Result<Validator, SchemaError> {
        crd["spec"]["versions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|v| v["name"] == version)
            .and_then(|v| v["schema"].get("openAPIV3Schema"))
            .map(Validator::new)
            .ok_or_else(|| SchemaError::NoSchema {
                crd: crd["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                version: version.to_owned(),
            })
    }

    /// Patterns and rules that do not compile.
    pub fn problems(&self) -> Vec<CompileProblem> {
        self.root.problems()
    }

    /// Validates `value` as the API server validates a create (`old` = `None`) or an update
    /// from `old`, and lists every violation sorted by path (stably: per path in the API
    /// server's order). Empty means the API server accepts the object's schema.
    ///
    /// It judges the whole document it is given, `status` included: the API server drops
    /// `status` from a create (and keeps the old one on an update) when the CRD has the status
    /// subresource (k8s.io/apiextensions-apiserver@v0.36.3:pkg/registry/customresource/
    /// strategy.go `PrepareForCreate`), so a caller judging such a write removes it first.
    pub fn validate(&self, value: &Value, old: Option<&Value>) -> Vec<Violation> {
        let mut out = walk::walk(&self.root, &self.env, value, old);
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Validator;

    #[test]
    fn validators_are_shared_across_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Validator>();
    }
}
