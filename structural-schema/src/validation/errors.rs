//! What a validation reports and how it is worded: the kinds of field error, a
//! [`Violation`] and its rendering as k8s.io/apimachinery@v0.36.3:
//! pkg/util/validation/field/errors.go renders a field error, the errors of building a
//! [`Validator`](super::Validator), and Go's `%q` and `%v` of the values shown.

use serde_json::Value;

/// The kind of a [`Violation`], with the API server's `reason` for it in a `Status` cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViolationKind {
    /// `Required value` (`FieldValueRequired`).
    Required,
    /// `Invalid value` (`FieldValueInvalid`).
    Invalid,
    /// `Invalid value` for a wrong type (`FieldValueTypeInvalid`).
    TypeInvalid,
    /// `Unsupported value` outside an `enum` (`FieldValueNotSupported`).
    NotSupported,
    /// `Duplicate value` in a set or map list (`FieldValueDuplicate`).
    Duplicate,
    /// `Too long` (`FieldValueTooLong`).
    TooLong,
    /// `Too many` items or properties (`FieldValueTooMany`).
    TooMany,
    /// `Forbidden` from a CEL rule with that reason (`FieldValueForbidden`).
    Forbidden,
}

impl ViolationKind {
    /// The `reason` of a `Status` cause (k8s.io/apimachinery@v0.36.3:
    /// pkg/util/validation/field/errors.go `ErrorType`).
    pub fn reason(self) -> &'static str {
        match self {
            ViolationKind::Required => "FieldValueRequired",
            ViolationKind::Invalid => "FieldValueInvalid",
            ViolationKind::TypeInvalid => "FieldValueTypeInvalid",
            ViolationKind::NotSupported => "FieldValueNotSupported",
            ViolationKind::Duplicate => "FieldValueDuplicate",
            ViolationKind::TooLong => "FieldValueTooLong",
            ViolationKind::TooMany => "FieldValueTooMany",
            ViolationKind::Forbidden => "FieldValueForbidden",
        }
    }

    /// The head of the error body (`field.ErrorType.String`).
    fn head(self) -> &'static str {
        match self {
            ViolationKind::Required => "Required value",
            ViolationKind::Invalid | ViolationKind::TypeInvalid => "Invalid value",
            ViolationKind::NotSupported => "Unsupported value",
            ViolationKind::Duplicate => "Duplicate value",
            ViolationKind::TooLong => "Too long",
            ViolationKind::TooMany => "Too many",
            ViolationKind::Forbidden => "Forbidden",
        }
    }
}

/// A value the schema does not allow, as the API server reports it in a 422 answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Where (`spec.replicas`, `spec.rules[0].name`); empty for errors the API server reports
    /// without a field (shown as `<nil>`, as it does).
    pub path: String,
    /// What is wrong, as the API server words it (`Required value`, `Invalid value: "x":
    /// spec.x in body should match '^a$'`, ...).
    pub message: String,
    /// Which kind of field error this is.
    pub kind: ViolationKind,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = if self.path.is_empty() {
            "<nil>"
        } else {
            &self.path
        };
        write!(f, "{path}: {}", self.message)
    }
}

/// Why a [`Validator`](super::Validator) could not be built from a CRD.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// The CRD has no served version of that name with an `openAPIV3Schema`.
    #[error(
        "CustomResourceDefinition {crd:?} has no version {version:?} with spec.versions[].schema.openAPIV3Schema; give a version it defines"
    )]
    NoSchema {
        /// `metadata.name` of the CRD.
        crd: String,
        /// The version asked for.
        version: String,
    },
}

/// A pattern or CEL rule of a schema that does not compile; the API server reports such a
/// node on every object that reaches it, and so does
/// [`Validator::validate`](super::Validator::validate).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileProblem {
    /// Schema path (`spec.a[]`, `spec.m{}`).
    pub path: String,
    /// The pattern or rule and the compiler's message.
    pub problem: String,
}

/// A path segment: kube-openapi writes map keys with a dot, `field.Path` in brackets.
#[derive(Clone, Debug)]
pub(super) enum Seg {
    Field(String),
    Key(String),
    Index(usize),
}

/// Renders a path: `keys_bracketed` as `field.Path` (`spec.labels[a]`), else as kube-openapi
/// (`spec.labels.a`).
pub(super) fn render(path: &[Seg], keys_bracketed: bool) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Field(f) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(f);
            }
            Seg::Key(k) if keys_bracketed => {
                s.push('[');
                s.push_str(k);
                s.push(']');
            }
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => {
                s.push('[');
                s.push_str(&i.to_string());
                s.push(']');
            }
        }
    }
    s
}

/// A bad value shown in a field error, rendered as `field.Error.ErrorBody` does.
pub(super) enum Bad<'a> {
    /// The value itself (strings quoted, numbers and booleans plain, the rest as JSON).
    Value(&'a Value),
    /// A string (quoted).
    Str(&'a str),
    /// A count.
    Int(i64),
    /// Nothing shown (`field.OmitValueType`).
    Omit,
}

impl Bad<'_> {
    fn show(&self) -> Option<String> {
        match self {
            Bad::Value(Value::String(s)) => Some(go_quote(s)),
            Bad::Str(s) => Some(go_quote(s)),
            Bad::Value(Value::Number(n)) => Some(go_number(n)),
            Bad::Value(v) => Some(v.to_string()),
            Bad::Int(n) => Some(n.to_string()),
            Bad::Omit => None,
        }
    }
}

/// Reports a field error at `path` (`field.Invalid`/`TypeInvalid`/...) with a shown value
/// and a detail, worded as `field.Error.ErrorBody` words it.
pub(super) fn field_error(
    out: &mut Vec<Violation>,
    path: String,
    kind: ViolationKind,
    bad: Bad<'_>,
    detail: &str,
) {
    let mut body = kind.head().to_owned();
    let shows_value = !matches!(
        kind,
        ViolationKind::Required | ViolationKind::Forbidden | ViolationKind::TooLong
    );
    if shows_value && let Some(v) = bad.show() {
        body.push_str(": ");
        body.push_str(&v);
    }
    if !detail.is_empty() {
        body.push_str(": ");
        body.push_str(detail);
    }
    out.push(Violation {
        path,
        message: body,
        kind,
    });
}

/// Reports `Required value` at `path`.
pub(super) fn required(out: &mut Vec<Violation>, path: String) {
    out.push(Violation {
        path,
        message: "Required value".to_owned(),
        kind: ViolationKind::Required,
    });
}

/// kube-openapi's composite errors carry no field: the API server shows them at `<nil>`
/// with an empty value.
pub(super) fn composite(out: &mut Vec<Violation>, detail: String) {
    field_error(
        out,
        String::new(),
        ViolationKind::Invalid,
        Bad::Str(""),
        &detail,
    );
}

/// Go's `%q` of a string (`strconv.Quote`): printable characters as they are.
pub(super) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `%v` of a number decoded from JSON: integers as they are, other numbers as a
/// `float64` (`strconv.FormatFloat(f, 'g', -1, 64)`: exponent form from 1e+21 or below 1e-4).
fn go_number(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    go_float(n.as_f64().unwrap_or_default())
}

/// `%v` of a `float64`: shortest representation, `%e` style when the decimal exponent is
/// below -4 or at least 21 (fmt's `%v` uses 21 as the shortest precision's limit).
pub(super) fn go_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e21 {
        return format!("{f:.0}");
    }
    let exp = if f == 0.0 {
        0
    } else {
        f.abs().log10().floor() as i32
    };
    if !(-4..21).contains(&exp) {
        let s = format!("{f:e}");
        // Rust writes 1e21 and 1.5e-7; Go writes 1e+21 and 1.5e-07.
        if let Some((mantissa, e)) = s.split_once('e') {
            let (sign, digits) = match e.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', e),
            };
            return format!("{mantissa}e{sign}{digits:0>2}");
        }
        return s;
    }
    format!("{f}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_number_rendering() {
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(100.0), "100");
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(1.5e-7), "1.5e-07");
        assert_eq!(go_quote("a\"b\n"), r#""a\"b\n""#);
    }
}
