//! `x-kubernetes-validations` rules: their compilation, the CEL environment they run in and
//! the judgement of one rule on one value
//! (k8s.io/apiextensions-apiserver@v0.36.3:pkg/apiserver/schema/cel/validation.go
//! `validateExpressions`). The value a rule sees is built by the walk, which knows the
//! schema node (`to_cel` in the `walk` module).

use std::sync::{Arc, LazyLock};

use serde_json::Value;

use super::errors::ViolationKind;

/// How an `x-kubernetes-validations` rule reports its failure (`reason`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RuleReason {
    Invalid,
    Forbidden,
    Required,
    Duplicate,
}

impl RuleReason {
    /// The kind of field error a failure of the rule is.
    pub(super) fn kind(self) -> ViolationKind {
        match self {
            RuleReason::Invalid => ViolationKind::Invalid,
            RuleReason::Forbidden => ViolationKind::Forbidden,
            RuleReason::Required => ViolationKind::Required,
            RuleReason::Duplicate => ViolationKind::Duplicate,
        }
    }
}

/// A compiled `x-kubernetes-validations` rule.
pub(super) struct Rule {
    pub(super) source: String,
    pub(super) program: Result<cel::Program, String>,
    message: Option<String>,
    message_expression: Option<cel::Program>,
    pub(super) reason: RuleReason,
    /// `fieldPath` without its leading dot.
    pub(super) field_path: Option<String>,
    /// A transition rule: it reads `oldSelf`, runs on updates only and is never ratcheted.
    pub(super) uses_old_self: bool,
    optional_old_self: bool,
}

/// What one rule says of one value.
pub(super) enum Verdict {
    /// The rule holds, or does not run (a transition rule on a create).
    Holds,
    /// The rule could not run (it does not compile, or its evaluation failed): the detail
    /// of the `Invalid value` the API server reports.
    Broken(String),
    /// The rule does not hold: its message (`messageExpression`, `message`, or
    /// `failed rule: <rule>`).
    Fails(String),
}

impl Rule {
    /// `ruleErrorString`: the message when there is one, else the rule.
    fn error_string(&self) -> &str {
        self.message.as_deref().unwrap_or(self.source.trim())
    }

    /// Runs the rule on `this` (`self`), with `before` as `oldSelf` on an update.
    pub(super) fn judge(
        &self,
        env: &Arc<cel::Env>,
        this: &cel::Value,
        before: Option<&cel::Value>,
    ) -> Verdict {
        let program = match &self.program {
            Ok(p) => p,
            Err(e) => return Verdict::Broken(format!("rule compile error: {e}")),
        };
        if self.uses_old_self && before.is_none() && !self.optional_old_self {
            return Verdict::Holds;
        }
        let mut ctx = cel::Context::with_env(env.clone());
        ctx.add_variable_from_value("self", this.clone());
        if self.uses_old_self || self.optional_old_self {
            let old_value = match (before, self.optional_old_self) {
                (Some(b), false) => b.clone(),
                (b, true) => {
                    let opt = match b {
                        Some(b) => cel::objects::OptionalValue::of(b.clone()),
                        None => cel::objects::OptionalValue::none(),
                    };
                    cel::Value::Opaque(Arc::new(opt))
                }
                (None, false) => return Verdict::Holds,
            };
            ctx.add_variable_from_value("oldSelf", old_value);
        }
        match program.execute(&ctx) {
            Ok(cel::Value::Bool(true)) => Verdict::Holds,
            Ok(_) => Verdict::Fails(self.failure_message(&ctx)),
            Err(e) => Verdict::Broken(format!("{e} evaluating rule: {}", self.error_string())),
        }
    }

    /// The message of a failure: `messageExpression` when it yields a non-blank single line,
    /// else `message`, else `failed rule: <rule>`.
    fn failure_message(&self, ctx: &cel::Context<'_, '_>) -> String {
        self.message_expression
            .as_ref()
            .and_then(|m| match m.execute(ctx) {
                Ok(cel::Value::String(s)) if !s.trim().is_empty() && !s.contains('\n') => {
                    Some(s.to_string())
                }
                _ => None,
            })
            .unwrap_or_else(|| match &self.message {
                Some(m) => m.clone(),
                None => format!("failed rule: {}", self.source.trim()),
            })
    }
}

/// Compiles one entry of `x-kubernetes-validations`; a rule that does not compile is kept
/// with its error, reported on every value it judges.
pub(super) fn compile_rule(rule: &Value, env: &cel::Env) -> Rule {
    let source = rule
        .get("rule")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let program = env.compile(&source).map_err(|e| e.to_string());
    let uses_old_self = program
        .as_ref()
        .is_ok_and(|p| p.references().has_variable("oldSelf"));
    let message = rule
        .get("message")
        .and_then(Value::as_str)
        .map(|m| m.trim().to_owned())
        .filter(|m| !m.is_empty());
    let message_expression = rule
        .get("messageExpression")
        .and_then(Value::as_str)
        .and_then(|m| env.compile(m).ok());
    let reason = match rule.get("reason").and_then(Value::as_str) {
        Some("FieldValueForbidden") => RuleReason::Forbidden,
        Some("FieldValueRequired") => RuleReason::Required,
        Some("FieldValueDuplicate") => RuleReason::Duplicate,
        _ => RuleReason::Invalid,
    };
    let field_path = rule
        .get("fieldPath")
        .and_then(Value::as_str)
        .map(|p| p.trim_start_matches('.').to_owned())
        .filter(|p| !p.is_empty());
    Rule {
        source,
        program,
        message,
        message_expression,
        reason,
        field_path,
        uses_old_self,
        optional_old_self: rule
            .get("optionalOldSelf")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    }
}

/// The CEL environment of the rules: the standard library with its macros, optional values,
/// and the strings, lists and math extension libraries that Kubernetes also enables
/// (k8s.io/apiserver@v0.36.3:pkg/cel/environment/base.go). Kubernetes' own libraries
/// (`isURL`, `url()`, `quantity()`, `ip()`, `cidr()`, `format.*`, `semver()`, `sets.*`,
/// `isSorted`, `find`, `authorizer`) are not available: rules calling them fail with an
/// evaluation error naming the function.
fn cel_env() -> cel::Env {
    let mut env = cel::Env::stdlib();
    for ext in [
        cel::extensions::strings as fn(&mut cel::Env) -> Result<(), _>,
        cel::extensions::lists,
        cel::extensions::math,
    ] {
        // Each extension is added once to a fresh environment: declaring cannot clash.
        let _ = env.add_extension(ext);
    }
    env
}

/// The one environment of every validator: building the standard library is the costly
/// part of a small schema's compilation.
pub(super) fn shared_env() -> Arc<cel::Env> {
    static ENV: LazyLock<Arc<cel::Env>> = LazyLock::new(|| Arc::new(cel_env()));
    Arc::clone(&ENV)
}
