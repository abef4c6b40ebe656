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

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use regex::Regex;
use serde_json::{Map, Value};

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

/// A path segment: kube-openapi writes map keys with a dot, `field.Path` in brackets.
#[derive(Clone, Debug)]
enum Seg {
    Field(String),
    Key(String),
    Index(usize),
}

/// Renders a path: `keys_bracketed` as `field.Path` (`spec.labels[a]`), else as kube-openapi
/// (`spec.labels.a`).
fn render(path: &[Seg], keys_bracketed: bool) -> String {
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
enum Bad<'a> {
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

/// Go's `%q` of a string (`strconv.Quote`): printable characters as they are.
fn go_quote(s: &str) -> String {
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
fn go_float(f: f64) -> String {
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

/// How an `x-kubernetes-validations` rule reports its failure (`reason`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RuleReason {
    Invalid,
    Forbidden,
    Required,
    Duplicate,
}

/// A compiled `x-kubernetes-validations` rule.
struct Rule {
    source: String,
    program: Result<cel::Program, String>,
    message: Option<String>,
    message_expression: Option<cel::Program>,
    reason: RuleReason,
    field_path: Option<String>,
    uses_old_self: bool,
    optional_old_self: bool,
}

impl Rule {
    /// `ruleErrorString`: the message when there is one, else the rule.
    fn error_string(&self) -> &str {
        self.message.as_deref().unwrap_or(self.source.trim())
    }
}

/// `x-kubernetes-list-type`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum ListType {
    Atomic,
    Set,
    Map(Vec<String>),
}

/// One compiled schema node.
#[derive(Default)]
struct Node {
    /// `type` (empty when absent); `["integer", "string"]` for int-or-string.
    types: Vec<String>,
    /// The type as the CEL error messages show it (`type`, or empty).
    type_name: String,
    nullable: bool,
    /// `format` after the API server strips the ones it does not check for the type.
    format: String,
    enum_values: Option<Vec<Value>>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    exclusive_minimum: bool,
    exclusive_maximum: bool,
    multiple_of: Option<f64>,
    min_length: Option<i64>,
    max_length: Option<i64>,
    pattern: Option<(String, Result<Regex, String>)>,
    min_items: Option<i64>,
    max_items: Option<i64>,
    unique_items: bool,
    min_properties: Option<i64>,
    max_properties: Option<i64>,
    required: Vec<String>,
    properties: BTreeMap<String, Node>,
    /// `additionalProperties`: a schema, `false`, or absent/`true` (`None`).
    additional: Option<Box<Node>>,
    additional_forbidden: bool,
    items: Option<Box<Node>>,
    all_of: Vec<Node>,
    any_of: Vec<Node>,
    one_of: Vec<Node>,
    not: Option<Box<Node>>,
    preserve_unknown: bool,
    embedded: bool,
    list_type: Option<ListType>,
    default: Option<Value>,
    rules: Vec<Rule>,
}

fn flag(schema: &Value, name: &str) -> bool {
    schema.get(name).and_then(Value::as_bool).unwrap_or(false)
}

fn int(schema: &Value, name: &str) -> Option<i64> {
    schema.get(name).and_then(Value::as_i64)
}

/// The formats the API server checks for strings (k8s.io/apiextensions-apiserver@v0.36.3:
/// pkg/apiserver/validation/formats.go, normalized without `-`, at compatibility version
/// 1.34 or later); any other string format is stripped and not checked.
const STRING_FORMATS: [&str; 26] = [
    "bsonobjectid",
    "uri",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "cidr",
    "mac",
    "uuid",
    "uuid3",
    "uuid4",
    "uuid5",
    "isbn",
    "isbn10",
    "isbn13",
    "creditcard",
    "ssn",
    "hexcolor",
    "rgbcolor",
    "byte",
    "password",
    "date",
    "duration",
    "datetime",
    "k8sshortname",
    "k8slongname",
];

/// `StripUnsupportedFormatsPostProcessorForVersion`: the format kept for a node's type.
fn kept_format(types: &[String], format: &str) -> String {
    if format.is_empty() {
        return String::new();
    }
    let single = if types.len() == 1 {
        types[0].as_str()
    } else {
        ""
    };
    let keep = match single {
        "" | "string" => STRING_FORMATS.contains(&format.replace('-', "").as_str()),
        "integer" => matches!(format, "int32" | "int64"),
        "number" => matches!(format, "float" | "double"),
        _ => false,
    };
    if keep {
        format.to_owned()
    } else {
        String::new()
    }
}

/// Rewrites an RE2 pattern for the `regex` crate: Go's `\d`, `\w`, `\s` and `\b` are ASCII
/// only (`regexp/syntax` Perl classes), the crate's are Unicode-aware.
fn re2_to_rust(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push(c);
                    break;
                };
                let swap = match (n, in_class) {
                    ('d', false) => Some("[0-9]"),
                    ('D', false) => Some("[^0-9]"),
                    ('w', false) => Some("[0-9A-Za-z_]"),
                    ('W', false) => Some("[^0-9A-Za-z_]"),
                    ('s', false) => Some("[\\t\\n\\f\\r ]"),
                    ('S', false) => Some("[^\\t\\n\\f\\r ]"),
                    ('b', false) => Some("(?-u:\\b)"),
                    ('B', false) => Some("(?-u:\\B)"),
                    ('d', true) => Some("0-9"),
                    ('w', true) => Some("0-9A-Za-z_"),
                    ('s', true) => Some("\\t\\n\\f\\r "),
                    ('D', true) => Some("[:^digit:]"),
                    ('W', true) => Some("[:^word:]"),
                    _ => None,
                };
                match swap {
                    Some(s) => out.push_str(s),
                    None => {
                        out.push('\\');
                        out.push(n);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // A `]` right after `[` or `[^` is a literal.
                let rest = chars.as_str();
                let skip = if rest.starts_with("^]") {
                    2
                } else if rest.starts_with(']') || rest.starts_with('^') {
                    1
                } else {
                    0
                };
                for _ in 0..skip {
                    if let Some(x) = chars.next() {
                        out.push(x);
                    }
                }
            }
            '[' if in_class && chars.as_str().starts_with(':') => {
                // A POSIX class such as `[:alpha:]` inside a class.
                out.push(c);
                for x in chars.by_ref() {
                    out.push(x);
                    if x == ']' {
                        break;
                    }
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// What compiling a schema shares between its nodes: the CEL environment, and each distinct
/// pattern compiled once (the pinned KubeDB CRDs repeat the quantity pattern hundreds of
/// times; `Regex` clones share the compiled program).
struct Compiler<'e> {
    env: &'e cel::Env,
    patterns: std::collections::HashMap<String, Result<Regex, String>>,
}

impl Compiler<'_> {
    fn pattern(&mut self, p: &str) -> Result<Regex, String> {
        self.patterns
            .entry(p.to_owned())
            .or_insert_with(|| Regex::new(&re2_to_rust(p)).map_err(|e| e.to_string()))
            .clone()
    }
}

impl Node {
    fn compile(schema: &Value, c: &mut Compiler<'_>) -> Node {
        let mut node = Node::default();
        if flag(schema, "x-kubernetes-int-or-string") {
            node.types = vec!["integer".into(), "string".into()];
        } else if let Some(t) = schema.get("type").and_then(Value::as_str) {
            node.types = vec![t.to_owned()];
            node.type_name = t.to_owned();
        }
        node.nullable = flag(schema, "nullable");
        let format = schema
            .get("format")
            .and_then(Value::as_str)
            .unwrap_or_default();
        node.format = kept_format(&node.types, format);
        node.enum_values = schema.get("enum").and_then(Value::as_array).cloned();
        node.minimum = schema.get("minimum").and_then(Value::as_f64);
        node.maximum = schema.get("maximum").and_then(Value::as_f64);
        node.exclusive_minimum = flag(schema, "exclusiveMinimum");
        node.exclusive_maximum = flag(schema, "exclusiveMaximum");
        node.multiple_of = schema.get("multipleOf").and_then(Value::as_f64);
        node.min_length = int(schema, "minLength");
        node.max_length = int(schema, "maxLength");
        node.pattern = schema
            .get("pattern")
            .and_then(Value::as_str)
            .map(|p| (p.to_owned(), c.pattern(p)));
        node.min_items = int(schema, "minItems");
        node.max_items = int(schema, "maxItems");
        node.unique_items = flag(schema, "uniqueItems");
        node.min_properties = int(schema, "minProperties");
        node.max_properties = int(schema, "maxProperties");
        node.required = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (k, v) in props {
                node.properties.insert(k.clone(), Node::compile(v, c));
            }
        }
        match schema.get("additionalProperties") {
            Some(Value::Bool(false)) => node.additional_forbidden = true,
            Some(a @ Value::Object(_)) => node.additional = Some(Box::new(Node::compile(a, c))),
            _ => {}
        }
        if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
            node.items = Some(Box::new(Node::compile(items, c)));
        }
        let mut list = |name: &str| -> Vec<Node> {
            schema
                .get(name)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|s| Node::compile(s, c))
                .collect()
        };
        node.all_of = list("allOf");
        node.any_of = list("anyOf");
        node.one_of = list("oneOf");
        node.not = schema
            .get("not")
            .filter(|n| n.is_object())
            .map(|n| Box::new(Node::compile(n, c)));
        node.preserve_unknown = flag(schema, "x-kubernetes-preserve-unknown-fields");
        node.embedded = flag(schema, "x-kubernetes-embedded-resource");
        node.list_type = match schema.get("x-kubernetes-list-type").and_then(Value::as_str) {
            Some("set") => Some(ListType::Set),
            Some("map") => Some(ListType::Map(
                schema
                    .get("x-kubernetes-list-map-keys")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
            )),
            Some(_) => Some(ListType::Atomic),
            None => None,
        };
        node.default = schema.get("default").cloned();
        for rule in schema
            .get("x-kubernetes-validations")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            node.rules.push(compile_rule(rule, c.env));
        }
        node
    }

    fn is_typed(&self, t: &str) -> bool {
        self.types.iter().any(|x| x == t)
    }
}

fn compile_rule(rule: &Value, env: &cel::Env) -> Rule {
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
        optional_old_self: flag(rule, "optionalOldSelf"),
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
    env: Arc<cel::Env>,
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validator").finish_non_exhaustive()
    }
}

/// Why a [`Validator`] could not be built from a CRD.
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
/// node on every object that reaches it, and so does [`Validator::validate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileProblem {
    /// Schema path (`spec.a[]`, `spec.m{}`).
    pub path: String,
    /// The pattern or rule and the compiler's message.
    pub problem: String,
}

impl Validator {
    /// Compiles `schema` (an `openAPIV3Schema`). Never fails: patterns and CEL rules that do not
    /// compile are reported per object, as the API server does, and listed by
    /// [`Validator::problems`].
    pub fn new(schema: &Value) -> Validator {
        // One environment for every validator: building the standard library is the costly
        // part of a small schema's compilation.
        static ENV: LazyLock<Arc<cel::Env>> = LazyLock::new(|| Arc::new(cel_env()));
        let env = Arc::clone(&ENV);
        let mut compiler = Compiler {
            env: &env,
            patterns: std::collections::HashMap::new(),
        };
        let root = Node::compile(schema, &mut compiler);
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
        let mut out = Vec::new();
        problems_at(&self.root, "", &mut out);
        out
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
        let mut walk = Walk {
            env: &self.env,
            path: Vec::new(),
            out: Vec::new(),
        };
        walk.node(&self.root, value, old, true);
        let mut out = walk.out;
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }
}

fn problems_at(node: &Node, path: &str, out: &mut Vec<CompileProblem>) {
    if let Some((p, Err(e))) = &node.pattern {
        out.push(CompileProblem {
            path: path.to_owned(),
            problem: format!("pattern {p:?}: {e}"),
        });
    }
    for r in &node.rules {
        if let Err(e) = &r.program {
            out.push(CompileProblem {
                path: path.to_owned(),
                problem: format!("rule {:?}: {e}", r.source),
            });
        }
    }
    for (k, n) in &node.properties {
        let p = if path.is_empty() {
            k.clone()
        } else {
            format!("{path}.{k}")
        };
        problems_at(n, &p, out);
    }
    if let Some(n) = &node.items {
        problems_at(n, &format!("{path}[]"), out);
    }
    if let Some(n) = &node.additional {
        problems_at(n, &format!("{path}{{}}"), out);
    }
}

struct Walk<'a> {
    env: &'a Arc<cel::Env>,
    path: Vec<Seg>,
    out: Vec<Violation>,
}

/// The JSON type name kube-openapi infers for a decoded value, and its format.
fn json_type(v: &Value) -> (&'static str, &'static str) {
    match v {
        Value::Null => ("null", ""),
        Value::Bool(_) => ("boolean", ""),
        Value::Number(n) if n.is_i64() || n.is_u64() => ("integer", "int64"),
        Value::Number(_) => ("number", "float64"),
        Value::String(_) => ("string", ""),
        Value::Array(_) => ("array", ""),
        Value::Object(_) => ("object", ""),
    }
}

/// A value as the API server's decoder leaves it under `node`: non-nullable `null`s without a
/// default are dropped, missing or non-nullable `null` fields with a default get it.
fn effective<'v>(node: &'v Node, value: Option<&'v Value>) -> Option<&'v Value> {
    match value {
        Some(Value::Null) if !node.nullable => node.default.as_ref(),
        Some(v) => Some(v),
        None => node.default.as_ref(),
    }
}

impl Walk<'_> {
    fn here(&self) -> String {
        render(&self.path, false)
    }

    fn push(&mut self, path: String, kind: ViolationKind, body: String) {
        self.out.push(Violation {
            path,
            message: body,
            kind,
        });
    }

    /// `field.Invalid`/`TypeInvalid`/... with a shown value and a detail.
    fn field_error(&mut self, path: String, kind: ViolationKind, bad: Bad<'_>, detail: &str) {
        let head = match kind {
            ViolationKind::Required => "Required value",
            ViolationKind::Invalid | ViolationKind::TypeInvalid => "Invalid value",
            ViolationKind::NotSupported => "Unsupported value",
            ViolationKind::Duplicate => "Duplicate value",
            ViolationKind::TooLong => "Too long",
            ViolationKind::TooMany => "Too many",
            ViolationKind::Forbidden => "Forbidden",
        };
        let mut body = head.to_owned();
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
        self.push(path, kind, body);
    }

    /// Validates one value against one node and its descendants; `old` is the correlated old
    /// value on an update.
    fn node(&mut self, node: &Node, value: &Value, old: Option<&Value>, root: bool) {
        let start = self.out.len();
        self.openapi(node, value, old);
        // Ratcheting: errors of a value equal to its old value are dropped
        // (pkg/apiserver/validation/ratcheting.go); transition rules are never ratcheted.
        if let Some(o) = old
            && o == value
        {
            self.out.truncate(start);
        }
        if !root && node.embedded && value.is_object() {
            self.embedded(value);
        }
        self.list_type(node, value);
        self.cel(node, value, old);
        self.children(node, value, old);
    }

    /// kube-openapi's validators of one node, without recursing into properties or items.
    fn openapi(&mut self, node: &Node, value: &Value, old: Option<&Value>) {
        let (sch, vfmt) = json_type(value);
        // typeValidator (kube-openapi validate/type.go).
        if value.is_null() {
            if !node.types.is_empty() && !node.nullable {
                let name = self.here();
                let detail = format!(
                    "{name} in body must be of type {}: \"null\"",
                    node.types.join(",")
                );
                self.field_error(name, ViolationKind::TypeInvalid, Bad::Str("null"), &detail);
            }
            if let Some(values) = &node.enum_values {
                self.enum_check(value, values);
            }
            return;
        }
        if !node.types.is_empty() || !node.format.is_empty() {
            let f = value.as_f64().unwrap_or_default();
            let float_int = sch == "number" && f.fract() == 0.0 && node.is_typed("integer");
            let int_float = sch == "integer" && node.is_typed("number");
            let textual = value.is_string() || value.is_array();
            let numeric = node.is_typed("number") || node.is_typed("integer");
            let type_ok = node.is_typed(sch) || float_int || int_float;
            // A format judges non-text values first; a textual value under a formatted
            // non-numeric type is left to the format validator.
            let format_applies = !textual && !node.format.is_empty();
            if format_applies && !(type_ok || vfmt == node.format) {
                let name = self.here();
                let detail = format!(
                    "{name} in body must be of type {}: {}",
                    node.format,
                    go_quote(vfmt)
                );
                self.field_error(name, ViolationKind::TypeInvalid, Bad::Str(vfmt), &detail);
            } else if (numeric || node.format.is_empty() || !textual) && !type_ok {
                let name = self.here();
                let detail = format!(
                    "{name} in body must be of type {}: {}",
                    node.types.join(","),
                    go_quote(sch)
                );
                self.field_error(name, ViolationKind::TypeInvalid, Bad::Str(sch), &detail);
            }
        }
        self.schema_props(node, value, old);
        if let Some(s) = value.as_str() {
            self.string(node, value, s);
            self.format(node, value, s);
        }
        if value.is_number() {
            self.number(node, value);
        }
        if let Some(items) = value.as_array() {
            self.slice(node, items);
        }
        if let Some(values) = &node.enum_values {
            self.enum_check(value, values);
        }
        if let Some(map) = value.as_object() {
            self.object(node, map);
        }
    }

    fn schema_props(&mut self, node: &Node, value: &Value, old: Option<&Value>) {
        let here = self.here();
        // Each alternative is judged alone, on this value only.
        let judge = |walk: &mut Self, alt: &Node| -> Vec<Violation> {
            let mark = walk.out.len();
            walk.openapi(alt, value, old);
            walk.children_openapi(alt, value);
            walk.out.split_off(mark)
        };
        if !node.any_of.is_empty() {
            let mut first_failure = None;
            let mut ok = false;
            for alt in &node.any_of {
                let errs = judge(self, alt);
                if errs.is_empty() {
                    ok = true;
                    break;
                }
                first_failure.get_or_insert(errs);
            }
            if !ok {
                self.composite(format!(
                    "{here:?} must validate at least one schema (anyOf)"
                ));
                self.out.extend(first_failure.unwrap_or_default());
            }
        }
        if !node.one_of.is_empty() {
            let mut valid = 0;
            let mut first_failure = None;
            for alt in &node.one_of {
                let errs = judge(self, alt);
                if errs.is_empty() {
                    valid += 1;
                } else if valid == 0 {
                    first_failure.get_or_insert(errs);
                }
            }
            if valid != 1 {
                let more = if valid == 0 {
                    "Found none valid".to_owned()
                } else {
                    format!("Found {valid} valid alternatives")
                };
                self.composite(format!(
                    "{here:?} must validate one and only one schema (oneOf). {more}"
                ));
                if valid == 0 {
                    self.out.extend(first_failure.unwrap_or_default());
                }
            }
        }
        if !node.all_of.is_empty() {
            let mut valid = 0;
            for alt in &node.all_of {
                let errs = judge(self, alt);
                if errs.is_empty() {
                    valid += 1;
                }
                self.out.extend(errs);
            }
            if valid != node.all_of.len() {
                let more = if valid == 0 { ". None validated" } else { "" };
                self.composite(format!(
                    "{here:?} must validate all the schemas (allOf){more}"
                ));
            }
        }
        if let Some(not) = &node.not
            && judge(self, not).is_empty()
        {
            self.composite(format!("{here:?} must not validate the schema (not)"));
        }
    }

    /// kube-openapi's composite errors carry no field: the API server shows them at `<nil>`
    /// with an empty value.
    fn composite(&mut self, detail: String) {
        self.field_error(String::new(), ViolationKind::Invalid, Bad::Str(""), &detail);
    }

    /// Properties and items of an alternative (allOf/anyOf/...), schema checks only.
    fn children_openapi(&mut self, node: &Node, value: &Value) {
        match value {
            Value::Object(map) => {
                for (k, child) in &node.properties {
                    if let Some(v) = effective(child, map.get(k)) {
                        self.path.push(Seg::Field(k.clone()));
                        self.openapi(child, v, None);
                        self.children_openapi(child, v);
                        self.path.pop();
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item) = &node.items {
                    for (i, v) in items.iter().enumerate() {
                        self.path.push(Seg::Index(i));
                        self.openapi(item, v, None);
                        self.children_openapi(item, v);
                        self.path.pop();
                    }
                }
            }
            _ => {}
        }
    }

    fn string(&mut self, node: &Node, value: &Value, s: &str) {
        let len = s.chars().count() as i64;
        let name = self.here();
        if let Some(max) = node.max_length
            && len > max
        {
            let unit = if max == 1 { "byte" } else { "bytes" };
            let detail = format!("may not be more than {max} {unit}");
            self.field_error(name, ViolationKind::TooLong, Bad::Omit, &detail);
            return;
        }
        if let Some(min) = node.min_length
            && len < min
        {
            let detail = format!("{name} in body should be at least {min} chars long");
            self.field_error(name, ViolationKind::Invalid, Bad::Value(value), &detail);
            return;
        }
        if let Some((pattern, re)) = &node.pattern {
            let detail = match re {
                Ok(re) if re.is_match(s) => return,
                Ok(_) => format!("{name} in body should match '{pattern}'"),
                Err(e) => {
                    format!("{name} in body should match '{pattern}, but pattern is invalid: {e}'")
                }
            };
            self.field_error(name, ViolationKind::Invalid, Bad::Value(value), &detail);
        }
    }

    fn format(&mut self, node: &Node, value: &Value, s: &str) {
        if node.format.is_empty() {
            return;
        }
        let Some(ok) = check_format(&node.format, s) else {
            return;
        };
        if !ok {
            let name = self.here();
            let detail = format!(
                "{name} in body must be of type {}: {}",
                node.format,
                go_quote(s)
            );
            self.field_error(name, ViolationKind::TypeInvalid, Bad::Value(value), &detail);
        }
    }

    fn number(&mut self, node: &Node, value: &Value) {
        let name = self.here();
        let single = if node.types.len() == 1 {
            node.types[0].as_str()
        } else {
            ""
        };
        let (type_name, format) = match single {
            "integer" => (
                "integer",
                if matches!(node.format.as_str(), "int32" | "int64") {
                    node.format.as_str()
                } else {
                    ""
                },
            ),
            "number" => (
                "number",
                if matches!(node.format.as_str(), "float" | "double") {
                    node.format.as_str()
                } else {
                    ""
                },
            ),
            _ => ("", ""),
        };
        // IsValueValidAgainstRange (kube-openapi validate/values.go): an error without a
        // field, reported by the API server at `<nil>`.
        let fits = |v: &Value| fits_range(v, type_name, format);
        if !fits(value) {
            let detail = if format.is_empty() {
                format!("Checked value must be of type {type_name} (default format) in {name}")
            } else {
                format!("Checked value must be of type {type_name} with format {format} in {name}")
            };
            self.composite(detail);
        }
        let as_int = value.as_i64();
        let f = value.as_f64().unwrap_or_default();
        if let Some(m) = node.multiple_of {
            let bad = match as_int {
                Some(i) if fits(&Value::from(m)) && m.fract() == 0.0 && m >= 1.0 => {
                    i % (m as i64) != 0
                }
                _ => {
                    let mult = if m < 1.0 { 1.0 / m * f } else { f / m };
                    m > 0.0 && mult.fract() != 0.0
                }
            };
            if bad {
                let shown = bound(as_int.is_some() && m.fract() == 0.0, m);
                let detail = format!("{name} in body should be a multiple of {shown}");
                self.field_error(
                    name.clone(),
                    ViolationKind::Invalid,
                    Bad::Value(value),
                    &detail,
                );
            }
        }
        for (limit, exclusive, is_min) in [
            (node.minimum, node.exclusive_minimum, true),
            (node.maximum, node.exclusive_maximum, false),
        ] {
            let Some(limit) = limit else { continue };
            let int_bound = as_int.is_some() && fits(&Value::from(limit)) && limit.fract() == 0.0;
            let fails = match (as_int, int_bound) {
                (Some(i), true) => {
                    let l = limit as i64;
                    if is_min {
                        if exclusive { i <= l } else { i < l }
                    } else if exclusive {
                        i >= l
                    } else {
                        i > l
                    }
                }
                _ => {
                    if is_min {
                        if exclusive { f <= limit } else { f < limit }
                    } else if exclusive {
                        f >= limit
                    } else {
                        f > limit
                    }
                }
            };
            if fails {
                let relation = match (is_min, exclusive) {
                    (true, false) => "greater than or equal to",
                    (true, true) => "greater than",
                    (false, false) => "less than or equal to",
                    (false, true) => "less than",
                };
                let detail = format!(
                    "{name} in body should be {relation} {}",
                    bound(int_bound, limit)
                );
                self.field_error(
                    name.clone(),
                    ViolationKind::Invalid,
                    Bad::Value(value),
                    &detail,
                );
            }
        }
    }

    /// `minItems`/`maxItems` and `minProperties`/`maxProperties`: the same two checks over a
    /// count, the minimum worded with `what` (`items`, `properties`), the maximum always in
    /// items as kube-openapi words both.
    fn count_bounds(
        &mut self,
        name: &str,
        size: i64,
        (min, max): (Option<i64>, Option<i64>),
        what: &str,
    ) {
        if let Some(min) = min
            && size < min
        {
            let detail = format!("{name} in body should have at least {min} {what}");
            self.field_error(
                name.to_owned(),
                ViolationKind::Invalid,
                Bad::Int(size),
                &detail,
            );
        }
        if let Some(max) = max
            && size > max
        {
            let unit = if max == 1 { "item" } else { "items" };
            let detail = format!("must have at most {max} {unit}");
            self.field_error(
                name.to_owned(),
                ViolationKind::TooMany,
                Bad::Int(size),
                &detail,
            );
        }
    }

    fn slice(&mut self, node: &Node, items: &[Value]) {
        let name = self.here();
        let size = items.len() as i64;
        self.count_bounds(&name, size, (node.min_items, node.max_items), "items");
        if node.unique_items
            && items
                .iter()
                .enumerate()
                .any(|(i, a)| items[..i].iter().any(|b| json_equal(a, b)))
        {
            let detail = format!("{name} in body shouldn't contain duplicates");
            self.field_error(name, ViolationKind::Invalid, Bad::Str(""), &detail);
        }
    }

    fn enum_check(&mut self, value: &Value, values: &[Value]) {
        if !values.iter().any(|e| json_equal(e, value)) {
            self.enum_fail(value, values);
        }
    }

    fn enum_fail(&mut self, value: &Value, values: &[Value]) {
        let shown: Vec<String> = values
            .iter()
            .map(|v| match v {
                Value::String(s) => go_quote(s),
                other => go_quote(&other.to_string()),
            })
            .collect();
        let detail = format!("supported values: {}", shown.join(", "));
        let name = self.here();
        self.field_error(
            name,
            ViolationKind::NotSupported,
            Bad::Value(value),
            &detail,
        );
    }

    fn object(&mut self, node: &Node, map: &Map<String, Value>) {
        let name = self.here();
        let size = map.len() as i64;
        self.count_bounds(
            &name,
            size,
            (node.min_properties, node.max_properties),
            "properties",
        );
        if node.additional_forbidden {
            for k in map.keys().filter(|k| !node.properties.contains_key(*k)) {
                let detail = format!("{name}.{k} in body is a forbidden property");
                self.field_error(name.clone(), ViolationKind::Invalid, Bad::Str(k), &detail);
            }
        }
        for k in &node.required {
            let child = node.properties.get(k);
            let present = match child {
                Some(c) => effective(c, map.get(k)).is_some(),
                None => map.get(k).is_some(),
            };
            if !present {
                let path = if name.is_empty() {
                    k.clone()
                } else {
                    format!("{name}.{k}")
                };
                self.push(path, ViolationKind::Required, "Required value".to_owned());
            }
        }
    }

    /// The identity of an embedded resource (objectmeta/validation.go
    /// `validateEmbeddedResource`): `apiVersion` and `kind` present, strings, not empty.
    fn embedded(&mut self, value: &Value) {
        for key in ["apiVersion", "kind"] {
            self.path.push(Seg::Field(key.to_owned()));
            let path = render(&self.path, true);
            match value.get(key) {
                None => self.push(path, ViolationKind::Required, "Required value".to_owned()),
                Some(Value::String(s)) if s.is_empty() => self.field_error(
                    path,
                    ViolationKind::Invalid,
                    Bad::Str(""),
                    "must not be empty",
                ),
                Some(Value::String(s)) if key == "apiVersion" && s.matches('/').count() > 1 => {
                    let detail = format!("unexpected GroupVersion string: {s}");
                    self.field_error(path, ViolationKind::Invalid, Bad::Str(s), &detail)
                }
                Some(Value::String(_)) => {}
                Some(other) => self.field_error(
                    path,
                    ViolationKind::Invalid,
                    Bad::Value(other),
                    "must be a string",
                ),
            }
            self.path.pop();
        }
    }

    /// `x-kubernetes-list-type` (listtype/validation.go): duplicates in sets, duplicate keys
    /// in map lists, non-object items in map lists.
    fn list_type(&mut self, node: &Node, value: &Value) {
        let Some(items) = value.as_array() else {
            return;
        };
        match &node.list_type {
            Some(ListType::Set) => {
                for i in first_repeats(items) {
                    self.path.push(Seg::Index(i));
                    let path = render(&self.path, true);
                    self.path.pop();
                    self.field_error(path, ViolationKind::Duplicate, Bad::Value(&items[i]), "");
                }
            }
            Some(ListType::Map(keys)) => {
                if let Some(i) = items.iter().position(|x| !x.is_null() && !x.is_object()) {
                    self.path.push(Seg::Index(i));
                    let path = render(&self.path, true);
                    self.path.pop();
                    let detail = "must be an object for an array of list-type map";
                    self.field_error(path, ViolationKind::Invalid, Bad::Value(&items[i]), detail);
                    return;
                }
                let item_node = node.items.as_deref();
                let key_of = |x: &Value| -> Value {
                    let mut key = Map::new();
                    for k in keys {
                        let child = item_node.and_then(|n| n.properties.get(k));
                        let v = match child {
                            Some(c) => effective(c, x.get(k)),
                            None => x.get(k),
                        };
                        if let Some(v) = v {
                            key.insert(k.clone(), v.clone());
                        }
                    }
                    Value::Object(key)
                };
                let key_values: Vec<Value> = items.iter().map(key_of).collect();
                for i in first_repeats(&key_values) {
                    self.path.push(Seg::Index(i));
                    let path = render(&self.path, true);
                    self.path.pop();
                    let shown = key_values[i].clone();
                    self.field_error(path, ViolationKind::Duplicate, Bad::Value(&shown), "");
                }
            }
            _ => {}
        }
    }

    /// Properties, map values and items, each with its correlated old value.
    fn children(&mut self, node: &Node, value: &Value, old: Option<&Value>) {
        match value {
            Value::Object(map) => {
                for (k, child) in &node.properties {
                    if let Some(v) = effective(child, map.get(k)) {
                        let o = old.and_then(|o| effective(child, o.get(k)));
                        self.path.push(Seg::Field(k.clone()));
                        self.node(child, v, o, false);
                        self.path.pop();
                    }
                }
                if let Some(extra) = &node.additional {
                    for (k, v) in map
                        .iter()
                        .filter(|(k, _)| !node.properties.contains_key(*k))
                    {
                        let Some(v) = effective(extra, Some(v)) else {
                            continue;
                        };
                        let o = old.and_then(|o| effective(extra, o.get(k)));
                        self.path.push(Seg::Key(k.clone()));
                        self.node(extra, v, o, false);
                        self.path.pop();
                    }
                }
            }
            Value::Array(items) => {
                let Some(item) = &node.items else { return };
                let old_items = old.and_then(Value::as_array);
                for (i, v) in items.iter().enumerate() {
                    let v = match v {
                        Value::Null if !item.nullable => item.default.as_ref().unwrap_or(v),
                        v => v,
                    };
                    // Only items of map lists correlate with old items (by their keys).
                    let o = match (&node.list_type, old_items) {
                        (Some(ListType::Map(keys)), Some(olds)) => olds.iter().find(|o| {
                            keys.iter().all(|k| {
                                let c = item.properties.get(k);
                                let a = c.map_or(v.get(k), |c| effective(c, v.get(k)));
                                let b = c.map_or(o.get(k), |c| effective(c, o.get(k)));
                                a == b
                            })
                        }),
                        _ => None,
                    };
                    self.path.push(Seg::Index(i));
                    self.node(item, v, o, false);
                    self.path.pop();
                }
            }
            _ => {}
        }
    }

    /// `x-kubernetes-validations` (cel/validation.go `validateExpressions`).
    fn cel(&mut self, node: &Node, value: &Value, old: Option<&Value>) {
        if node.rules.is_empty() || value.is_null() {
            return;
        }
        let here = render(&self.path, true);
        let type_name = node.type_name.as_str();
        let this = to_cel(node, value);
        let before = old.map(|o| to_cel(node, o));
        let unchanged = old.is_some_and(|o| o == value);
        for rule in &node.rules {
            let program = match &rule.program {
                Ok(p) => p,
                Err(e) => {
                    let detail = format!("rule compile error: {e}");
                    self.field_error(
                        here.clone(),
                        ViolationKind::Invalid,
                        Bad::Str(type_name),
                        &detail,
                    );
                    continue;
                }
            };
            if rule.uses_old_self && before.is_none() && !rule.optional_old_self {
                continue;
            }
            let mut ctx = cel::Context::with_env(self.env.clone());
            ctx.add_variable_from_value("self", this.clone());
            if rule.uses_old_self || rule.optional_old_self {
                let old_value = match (&before, rule.optional_old_self) {
                    (Some(b), false) => b.clone(),
                    (b, true) => {
                        let opt = match b {
                            Some(b) => cel::objects::OptionalValue::of(b.clone()),
                            None => cel::objects::OptionalValue::none(),
                        };
                        cel::Value::Opaque(Arc::new(opt))
                    }
                    (None, false) => continue,
                };
                ctx.add_variable_from_value("oldSelf", old_value);
            }
            let result = program.execute(&ctx);
            let passed = match result {
                Ok(cel::Value::Bool(true)) => true,
                Ok(_) => false,
                Err(e) => {
                    let detail = format!("{e} evaluating rule: {}", rule.error_string());
                    self.field_error(
                        here.clone(),
                        ViolationKind::Invalid,
                        Bad::Str(type_name),
                        &detail,
                    );
                    continue;
                }
            };
            if passed {
                continue;
            }
            // Rules without oldSelf are ratcheted on an unchanged value.
            if unchanged && !rule.uses_old_self {
                continue;
            }
            let path = match &rule.field_path {
                Some(p) if here.is_empty() => p.clone(),
                Some(p) => format!("{here}.{p}"),
                None => here.clone(),
            };
            let detail = rule
                .message_expression
                .as_ref()
                .and_then(|m| match m.execute(&ctx) {
                    Ok(cel::Value::String(s)) if !s.trim().is_empty() && !s.contains('\n') => {
                        Some(s.to_string())
                    }
                    _ => None,
                })
                .unwrap_or_else(|| match &rule.message {
                    Some(m) => m.clone(),
                    None => format!("failed rule: {}", rule.source.trim()),
                });
            let bad = if matches!(type_name, "object" | "array") {
                Bad::Omit
            } else {
                Bad::Value(value)
            };
            let kind = match rule.reason {
                RuleReason::Invalid => ViolationKind::Invalid,
                RuleReason::Forbidden => ViolationKind::Forbidden,
                RuleReason::Required => ViolationKind::Required,
                RuleReason::Duplicate => ViolationKind::Duplicate,
            };
            let detail = if kind == ViolationKind::Duplicate {
                ""
            } else {
                detail.as_str()
            };
            self.field_error(path, kind, bad, detail);
        }
    }
}

/// `%v` of a bound: as an integer when compared with an integer, else as a `float64`.
fn bound(as_int: bool, b: f64) -> String {
    if as_int {
        format!("{}", b as i64)
    } else {
        go_float(b)
    }
}

/// Whether a number fits the type and format (kube-openapi `IsValueValidAgainstRange`:
/// integers must parse as int64 or int32 from their decimal form, `float` as float32).
fn fits_range(v: &Value, type_name: &str, format: &str) -> bool {
    let Some(n) = v.as_number() else {
        return true;
    };
    match type_name {
        "integer" => {
            // A float's decimal form (`swag.FormatFloat64`) parses as an integer only when it
            // has no fraction and no exponent.
            let i = if let Some(i) = n.as_i64() {
                Some(i)
            } else if n.is_u64() {
                None
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                let text = go_float(f);
                text.parse::<i64>().ok()
            };
            match (i, format) {
                (None, _) => false,
                (Some(i), "int32") => i32::try_from(i).is_ok(),
                _ => true,
            }
        }
        _ => match format {
            "float" => n
                .as_f64()
                .is_some_and(|f| f.is_finite() && f.abs() <= f64::from(f32::MAX)),
            _ => true,
        },
    }
}

/// Equality of decoded JSON values, numbers by value.
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || (x.as_f64().is_some() && x.as_f64() == y.as_f64())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// Indices of the second occurrence of each repeated value (`validateListSet`).
fn first_repeats(items: &[Value]) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, x) in items.iter().enumerate() {
        let earlier = items[..i].iter().filter(|y| json_equal(x, y)).count();
        if earlier == 1 {
            out.push(i);
        }
    }
    out
}

/// A value as CEL sees it under `node`: declared fields only (unknown fields are pruned
/// before validation) with defaults applied, non-nullable `null`s dropped.
fn to_cel(node: &Node, value: &Value) -> cel::Value {
    match value {
        Value::Null => cel::Value::Null,
        Value::Bool(b) => cel::Value::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => cel::Value::Int(i),
            (None, Some(u)) => cel::Value::UInt(u),
            _ => cel::Value::Float(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => cel::Value::String(Arc::new(s.clone())),
        Value::Array(items) => {
            let list = items
                .iter()
                .map(|v| match &node.items {
                    Some(item) => to_cel(item, v),
                    None => to_cel(&Node::default(), v),
                })
                .collect();
            cel::Value::List(Arc::new(list))
        }
        Value::Object(map) => {
            let mut out: std::collections::HashMap<cel::objects::Key, cel::Value> =
                std::collections::HashMap::new();
            for (k, child) in &node.properties {
                if let Some(v) = effective(child, map.get(k)) {
                    out.insert(k.clone().into(), to_cel(child, v));
                }
            }
            let any = Node::default();
            for (k, v) in map
                .iter()
                .filter(|(k, _)| !node.properties.contains_key(*k))
            {
                let child = match &node.additional {
                    Some(a) => a.as_ref(),
                    None if node.preserve_unknown || node.properties.is_empty() => &any,
                    None => continue,
                };
                if let Some(v) = effective(child, Some(v)) {
                    out.insert(k.clone().into(), to_cel(child, v));
                }
            }
            cel::Value::Map(out.into())
        }
    }
}

static DATE_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$")
        .expect("constant pattern")
});
static BASE64: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$")
        .expect("constant pattern")
});
static UUID: LazyLock<[Regex; 4]> = LazyLock::new(|| {
    [
        r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$",
        r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$",
        r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$",
        r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$",
    ]
    .map(|p| Regex::new(p).expect("constant pattern"))
});
static HEX_COLOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$").expect("constant pattern"));
static DNS_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$").expect("constant pattern"));
static DNS_SUBDOMAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
        .expect("constant pattern")
});

/// `YYYY-MM-DD` with a real day of that month (Go `time.Parse("2006-01-02", s)`).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// strfmt `IsDateTime`: a date, `t`, then `hh:mm:ss[.frac](z|±hh:mm)`, case-insensitive.
fn is_date_time(s: &str) -> bool {
    if s.len() < 4 {
        return false;
    }
    let lower = s.to_lowercase();
    let mut parts = lower.split('t');
    let (Some(date), Some(time)) = (parts.next(), parts.next()) else {
        return false;
    };
    if !is_date(date) {
        return false;
    }
    let Some(c) = DATE_TIME.captures(time) else {
        return false;
    };
    &c[1] <= "23" && &c[2] <= "59" && &c[3] <= "59"
}

/// IPv4 in dotted form, leading zeros tolerated (k8s.io/utils/net `ParseIPSloppy`).
fn is_ipv4_sloppy(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|c| c.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// Checks a string against a format the API server enforces: `Some(valid)`, or `None` when
/// this validator does not check that format (listed in the README).
fn check_format(format: &str, s: &str) -> Option<bool> {
    let ok = match format.replace('-', "").as_str() {
        "datetime" => is_date_time(s),
        "date" => is_date(s),
        "byte" => BASE64.is_match(s),
        "password" => true,
        "uuid" => UUID[0].is_match(s),
        "uuid3" => UUID[1].is_match(s),
        "uuid4" => UUID[2].is_match(s),
        "uuid5" => UUID[3].is_match(s),
        "hexcolor" => HEX_COLOR.is_match(s),
        "ipv4" => is_ipv4_sloppy(s) || (s.contains('.') && s.parse::<std::net::Ipv6Addr>().is_ok()),
        "ipv6" => s.contains(':') && s.parse::<std::net::IpAddr>().is_ok(),
        "cidr" => s.split_once('/').is_some_and(|(ip, bits)| {
            let v4 = is_ipv4_sloppy(ip);
            let v6 = ip.parse::<std::net::Ipv6Addr>().is_ok();
            let max = if v4 { 32 } else { 128 };
            (v4 || v6)
                && !bits.is_empty()
                && bits.bytes().all(|c| c.is_ascii_digit())
                && bits.parse::<u32>().is_ok_and(|b| b <= max)
        }),
        "k8sshortname" => s.len() <= 63 && DNS_LABEL.is_match(s),
        "k8slongname" => s.len() <= 253 && DNS_SUBDOMAIN.is_match(s),
        _ => return None,
    };
    Some(ok)
}

/// The string formats [`Validator`] checks, as the API server spells them; the API server
/// checks more (`uri`, `email`, `hostname`, `mac`, `duration`, `isbn*`, `creditcard`, `ssn`,
/// `rgbcolor`, `bsonobjectid`), which this validator accepts unchecked.
pub const CHECKED_STRING_FORMATS: [&str; 14] = [
    "date-time",
    "date",
    "byte",
    "password",
    "uuid",
    "uuid3",
    "uuid4",
    "uuid5",
    "hexcolor",
    "ipv4",
    "ipv6",
    "cidr",
    "k8s-short-name",
    "k8s-long-name",
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Each violation as the API server prints it.
    fn shown(schema: Value, value: Value) -> Vec<String> {
        Validator::new(&schema)
            .validate(&value, None)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn spec(props: Value) -> Value {
        json!({"type": "object", "properties": {"spec": {"type": "object", "properties": props}}})
    }

    #[test]
    fn types_integer_number_and_null() {
        let schema = spec(json!({
            "n": {"type": "integer"}, "x": {"type": "number"}, "s": {"type": "string"},
            "b": {"type": "boolean"}, "o": {"type": "object"}, "a": {"type": "array"},
            "z": {"type": "string", "nullable": true}}));
        let good =
            json!({"spec": {"n": 2.0, "x": 1, "s": "", "b": false, "o": {}, "a": [], "z": null}});
        assert!(shown(schema.clone(), good).is_empty());
        assert_eq!(
            shown(
                schema,
                json!({"spec": {"n": 2.5, "x": "1", "b": "yes", "o": [], "a": {}}})
            ),
            [
                r#"spec.a: Invalid value: "object": spec.a in body must be of type array: "object""#,
                r#"spec.b: Invalid value: "string": spec.b in body must be of type boolean: "string""#,
                r#"spec.n: Invalid value: "number": spec.n in body must be of type integer: "number""#,
                r#"spec.o: Invalid value: "array": spec.o in body must be of type object: "array""#,
                r#"spec.x: Invalid value: "string": spec.x in body must be of type number: "string""#,
                // IsValueValidAgainstRange's error carries no field.
                r#"<nil>: Invalid value: "": Checked value must be of type integer (default format) in spec.n"#,
            ]
            .map(str::to_owned)
            .into_iter()
            .collect::<Vec<_>>()
            .tap_sort()
        );
    }

    trait TapSort {
        fn tap_sort(self) -> Self;
    }
    impl TapSort for Vec<String> {
        /// Sorted by path as [`Validator::validate`] sorts (`<nil>` is the empty path).
        fn tap_sort(mut self) -> Self {
            self.sort_by_key(|s| {
                let p = s.split(": ").next().unwrap_or_default().to_owned();
                if p == "<nil>" { String::new() } else { p }
            });
            self
        }
    }

    #[test]
    fn null_array_items_are_type_errors_and_null_fields_are_dropped() {
        let schema = spec(json!({
            "list": {"type": "array", "items": {"type": "object"}},
            "opt": {"type": "object"}}));
        assert_eq!(
            shown(schema, json!({"spec": {"list": [null], "opt": null}})),
            [
                r#"spec.list[0]: Invalid value: "null": spec.list[0] in body must be of type object: "null""#
            ]
        );
    }

    #[test]
    fn int_or_string_with_its_any_of_and_quantity_pattern() {
        let quantity = r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";
        let schema = spec(json!({"cpu": {"x-kubernetes-int-or-string": true,
            "anyOf": [{"type": "integer"}, {"type": "string"}], "pattern": quantity}}));
        for ok in [json!(2), json!("500m"), json!("1Gi")] {
            assert!(shown(schema.clone(), json!({"spec": {"cpu": ok}})).is_empty());
        }
        assert_eq!(
            shown(schema.clone(), json!({"spec": {"cpu": "lots"}})),
            [format!(
                r#"spec.cpu: Invalid value: "lots": spec.cpu in body should match '{quantity}'"#
            )]
        );
        let v = shown(schema, json!({"spec": {"cpu": 1.5}}));
        assert!(
            v.contains(
                &r#"spec.cpu: Invalid value: "number": spec.cpu in body must be of type integer,string: "number""#
                    .to_owned()
            ),
            "{v:?}"
        );
        assert!(
            v.contains(
                &r#"<nil>: Invalid value: "": "spec.cpu" must validate at least one schema (anyOf)"#
                    .to_owned()
            ),
            "{v:?}"
        );
    }

    #[test]
    fn required_counts_defaults_and_nullable_nulls() {
        let schema = json!({"type": "object", "required": ["spec"], "properties": {"spec": {
            "type": "object", "required": ["a", "b", "c", "d"], "properties": {
                "a": {"type": "string"}, "b": {"type": "string", "default": "x"},
                "c": {"type": "string", "nullable": true}, "d": {"type": "string"}}}}});
        assert_eq!(
            shown(
                schema.clone(),
                json!({"spec": {"a": "1", "c": null, "d": null}})
            ),
            ["spec.d: Required value"]
        );
        assert_eq!(shown(schema, json!({})), ["spec: Required value"]);
    }

    #[test]
    fn defaults_are_validated_in_place_of_missing_fields() {
        let schema = spec(
            json!({"mode": {"type": "string", "default": "Fast", "enum": ["Fast", "Slow"]},
            "inner": {"type": "object", "default": {}, "required": ["k"],
                "properties": {"k": {"type": "string", "default": "v"}}}}),
        );
        assert!(shown(schema, json!({"spec": {}})).is_empty());
    }

    #[test]
    fn enum_lists_every_supported_value() {
        let schema = spec(
            json!({"t": {"type": "string", "enum": ["All", "Progressive"]},
            "n": {"type": "integer", "enum": [1, 2]}}),
        );
        assert!(shown(schema.clone(), json!({"spec": {"t": "All", "n": 2.0}})).is_empty());
        assert_eq!(
            shown(schema, json!({"spec": {"t": "RollingUpdate", "n": 3}})),
            [
                r#"spec.n: Unsupported value: 3: supported values: "1", "2""#,
                r#"spec.t: Unsupported value: "RollingUpdate": supported values: "All", "Progressive""#
            ]
        );
    }

    #[test]
    fn minimum_maximum_and_exclusive_bounds() {
        let schema = spec(json!({
            "n": {"type": "integer", "minimum": 1, "maximum": 10},
            "e": {"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 5, "exclusiveMaximum": true},
            "f": {"type": "number", "maximum": 1.5}}));
        assert!(shown(schema.clone(), json!({"spec": {"n": 1, "e": 4, "f": 1.5}})).is_empty());
        assert_eq!(
            shown(schema, json!({"spec": {"n": 0, "e": 5, "f": 2.25}})),
            [
                "spec.e: Invalid value: 5: spec.e in body should be less than 5",
                "spec.f: Invalid value: 2.25: spec.f in body should be less than or equal to 1.5",
                "spec.n: Invalid value: 0: spec.n in body should be greater than or equal to 1",
            ]
        );
    }

    #[test]
    fn int32_and_int64_formats_bound_integers() {
        let schema = spec(json!({"r": {"type": "integer", "format": "int32"},
            "g": {"type": "integer", "format": "int64"}}));
        assert!(
            shown(
                schema.clone(),
                json!({"spec": {"r": 2147483647, "g": 4294967296_i64}})
            )
            .is_empty()
        );
        assert_eq!(
            shown(schema, json!({"spec": {"r": 2147483648_i64}})),
            [
                r#"<nil>: Invalid value: "": Checked value must be of type integer with format int32 in spec.r"#
            ]
        );
    }

    #[test]
    fn string_lengths_report_the_first_failure_only() {
        let schema = spec(
            json!({"s": {"type": "string", "minLength": 2, "maxLength": 3, "pattern": "^[a-z]+$"},
            "one": {"type": "string", "maxLength": 1}}),
        );
        assert!(shown(schema.clone(), json!({"spec": {"s": "ab", "one": "é"}})).is_empty());
        assert_eq!(
            shown(schema, json!({"spec": {"s": "ABCD", "one": "ab"}})),
            [
                "spec.one: Too long: may not be more than 1 byte",
                "spec.s: Too long: may not be more than 3 bytes",
            ]
        );
        let schema = spec(json!({"s": {"type": "string", "minLength": 2}}));
        assert_eq!(
            shown(schema, json!({"spec": {"s": "a"}})),
            [r#"spec.s: Invalid value: "a": spec.s in body should be at least 2 chars long"#]
        );
    }

    #[test]
    fn patterns_have_go_re2_semantics() {
        // Go's \d is ASCII only: an Arabic-Indic digit does not match.
        let schema = spec(json!({"arn": {"type": "string", "pattern": r"^(\d{2})$"}}));
        assert!(shown(schema.clone(), json!({"spec": {"arn": "12"}})).is_empty());
        assert_eq!(
            shown(schema, json!({"spec": {"arn": "١٢"}})),
            [r#"spec.arn: Invalid value: "١٢": spec.arn in body should match '^(\d{2})$'"#]
        );
        // An unanchored pattern matches anywhere.
        let schema = spec(json!({"p": {"type": "string", "pattern": "^work-agent"}}));
        assert!(shown(schema, json!({"spec": {"p": "work-agent-x"}})).is_empty());
    }

    #[test]
    fn item_and_property_counts() {
        let schema = spec(
            json!({"l": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "string"}},
            "m": {"type": "object", "minProperties": 1, "maxProperties": 1,
                "additionalProperties": {"type": "string"}}}),
        );
        assert!(
            shown(
                schema.clone(),
                json!({"spec": {"l": ["a"], "m": {"a": "b"}}})
            )
            .is_empty()
        );
        assert_eq!(
            shown(schema.clone(), json!({"spec": {"l": [], "m": {}}})),
            [
                "spec.l: Invalid value: 0: spec.l in body should have at least 1 items",
                "spec.m: Invalid value: 0: spec.m in body should have at least 1 properties",
            ]
        );
        assert_eq!(
            shown(
                schema,
                json!({"spec": {"l": ["a", "b", "c"], "m": {"a": "1", "b": 2}}})
            ),
            [
                "spec.l: Too many: 3: must have at most 2 items",
                "spec.m: Too many: 2: must have at most 1 item",
                r#"spec.m.b: Invalid value: "integer": spec.m.b in body must be of type string: "integer""#,
            ]
        );
    }

    #[test]
    fn formats_the_api_server_checks() {
        let schema = spec(json!({"t": {"type": "string", "format": "date-time"},
            "b": {"type": "string", "format": "byte"},
            "u": {"type": "string", "format": "uuid"},
            "free": {"type": "string", "format": "something-else"}}));
        let good = json!({"spec": {"t": "2024-02-29T23:59:59.5+02:00", "b": "aGVsbG8=",
            "u": "0F8FAD5B-D9CB-469F-A165-70867728950E", "free": "anything"}});
        assert!(shown(schema.clone(), good).is_empty());
        assert_eq!(
            shown(
                schema,
                json!({"spec": {"t": "2023-02-29T10:00:00Z", "b": "", "u": "x"}})
            ),
            [
                r#"spec.b: Invalid value: "": spec.b in body must be of type byte: """#,
                r#"spec.t: Invalid value: "2023-02-29T10:00:00Z": spec.t in body must be of type date-time: "2023-02-29T10:00:00Z""#,
                r#"spec.u: Invalid value: "x": spec.u in body must be of type uuid: "x""#,
            ]
        );
    }

    #[test]
    fn list_type_set_and_map_refuse_duplicates() {
        let schema = spec(json!({
            "set": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
            "map": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                "items": {"type": "object", "properties": {"name": {"type": "string"}, "v": {"type": "integer"}}}},
            "atomic": {"type": "array", "x-kubernetes-list-type": "atomic", "items": {"type": "string"}}}));
        let good = json!({"spec": {"set": ["a", "b"], "map": [{"name": "a", "v": 1}, {"name": "b", "v": 1}],
            "atomic": ["a", "a"]}});
        assert!(shown(schema.clone(), good).is_empty());
        assert_eq!(
            shown(
                schema,
                json!({"spec": {"set": ["a", "b", "a", "a"], "map": [{"name": "a", "v": 1}, {"name": "a", "v": 2}]}})
            ),
            [
                r#"spec.map[1]: Duplicate value: {"name":"a"}"#,
                r#"spec.set[2]: Duplicate value: "a""#,
            ]
        );
    }

    #[test]
    fn additional_properties_validate_map_values() {
        let schema = spec(
            json!({"labels": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 3}}}),
        );
        assert!(shown(schema.clone(), json!({"spec": {"labels": {"a": "b"}}})).is_empty());
        assert_eq!(
            shown(schema, json!({"spec": {"labels": {"a": "long"}}})),
            ["spec.labels.a: Too long: may not be more than 3 bytes"]
        );
    }

    #[test]
    fn embedded_resources_need_their_identity() {
        let schema = spec(
            json!({"manifests": {"type": "array", "items": {"type": "object",
            "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true}}}),
        );
        assert!(
            shown(
                schema.clone(),
                json!({"spec": {"manifests": [{"apiVersion": "v1", "kind": "ConfigMap"}]}})
            )
            .is_empty()
        );
        assert_eq!(
            shown(
                schema,
                json!({"spec": {"manifests": [{"apiVersion": "", "metadata": {}}]}})
            ),
            [
                r#"spec.manifests[0].apiVersion: Invalid value: "": must not be empty"#,
                "spec.manifests[0].kind: Required value",
            ]
        );
    }

    #[test]
    fn cel_rules_with_message_and_default_message() {
        let schema = spec(
            json!({"rules": {"type": "array", "items": {"type": "object",
            "x-kubernetes-validations": [
                {"rule": "self.type != 'CEL' || self.condition != \"\"", "message": "Condition is required for CEL rules"},
                {"rule": "size(self.condition) <= 5"}],
            "properties": {"type": {"type": "string"}, "condition": {"type": "string", "default": ""}}}},
            "n": {"type": "integer", "x-kubernetes-validations": [
                {"rule": "self % 2 == 0", "messageExpression": "'must be even, not ' + string(self)"}]}}),
        );
        assert!(
            shown(
                schema.clone(),
                json!({"spec": {"rules": [{"type": "CEL", "condition": "ok"}], "n": 2}})
            )
            .is_empty()
        );
        assert_eq!(
            shown(
                schema,
                json!({"spec": {"rules": [{"type": "CEL"}, {"type": "x", "condition": "toolong"}], "n": 3}})
            ),
            [
                "spec.n: Invalid value: 3: must be even, not 3",
                "spec.rules[0]: Invalid value: Condition is required for CEL rules",
                "spec.rules[1]: Invalid value: failed rule: size(self.condition) <= 5",
            ]
        );
    }

    #[test]
    fn cel_reason_and_field_path() {
        let schema = spec(
            json!({"s": {"type": "object", "properties": {"a": {"type": "string"}},
            "x-kubernetes-validations": [{"rule": "has(self.a)", "message": "a is needed",
                "reason": "FieldValueRequired", "fieldPath": ".a"}]}}),
        );
        assert_eq!(
            shown(schema, json!({"spec": {"s": {}}})),
            ["spec.s.a: Required value: a is needed"]
        );
    }

    #[test]
    fn cel_transition_rules_run_on_updates_only() {
        let schema = spec(json!({"id": {"type": "string",
            "x-kubernetes-validations": [{"rule": "self == oldSelf", "message": "id is immutable"}]}}));
        let v = Validator::new(&schema);
        let old = json!({"spec": {"id": "a"}});
        let new = json!({"spec": {"id": "b"}});
        assert!(v.validate(&new, None).is_empty(), "skipped on create");
        assert!(v.validate(&old, Some(&old)).is_empty());
        let shown: Vec<String> = v
            .validate(&new, Some(&old))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(shown, [r#"spec.id: Invalid value: "b": id is immutable"#]);
    }

    #[test]
    fn cel_optional_old_self_runs_on_create() {
        let schema = spec(
            json!({"id": {"type": "string", "x-kubernetes-validations": [{
            "rule": "!oldSelf.hasValue() || self == oldSelf.value()", "optionalOldSelf": true,
            "message": "id is immutable"}]}}),
        );
        let v = Validator::new(&schema);
        assert!(v.validate(&json!({"spec": {"id": "a"}}), None).is_empty());
        assert_eq!(
            v.validate(
                &json!({"spec": {"id": "b"}}),
                Some(&json!({"spec": {"id": "a"}}))
            )[0]
            .to_string(),
            r#"spec.id: Invalid value: "b": id is immutable"#
        );
    }

    #[test]
    fn updates_ratchet_errors_of_unchanged_values() {
        let schema = spec(
            json!({"a": {"type": "string", "pattern": "^x$"}, "b": {"type": "string", "pattern": "^x$"}}),
        );
        let v = Validator::new(&schema);
        let old = json!({"spec": {"a": "bad", "b": "x"}});
        let new = json!({"spec": {"a": "bad", "b": "worse"}});
        let shown: Vec<String> = v
            .validate(&new, Some(&old))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            shown,
            [r#"spec.b: Invalid value: "worse": spec.b in body should match '^x$'"#]
        );
        assert_eq!(v.validate(&new, None).len(), 2);
    }

    #[test]
    fn bad_patterns_and_rules_are_reported_per_object() {
        let schema = spec(json!({"p": {"type": "string", "pattern": "(a"},
            "r": {"type": "string", "x-kubernetes-validations": [{"rule": "self ==="}]}}));
        let v = Validator::new(&schema);
        assert_eq!(v.problems().len(), 2);
        let shown: Vec<String> = v
            .validate(&json!({"spec": {"p": "a", "r": "b"}}), None)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(shown[0].starts_with(r#"spec.p: Invalid value: "a": spec.p in body should match '(a, but pattern is invalid: "#), "{shown:?}");
        assert!(
            shown[1].starts_with(r#"spec.r: Invalid value: "string": rule compile error: "#),
            "{shown:?}"
        );
    }

    #[test]
    fn validators_are_shared_across_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Validator>();
    }

    #[test]
    fn one_of_not_and_multiple_of() {
        let schema = spec(json!({
            "one": {"type": "integer", "oneOf": [{"minimum": 5}, {"maximum": 10}]},
            "not": {"type": "string", "not": {"enum": ["x"]}},
            "m": {"type": "integer", "multipleOf": 3}}));
        assert!(
            shown(
                schema.clone(),
                json!({"spec": {"one": 11, "not": "y", "m": 9}})
            )
            .is_empty()
        );
        assert_eq!(
            shown(schema, json!({"spec": {"one": 7, "not": "x", "m": 10}})),
            [
                // Errors without a field come first, in the order of the fields (m, not, one).
                r#"<nil>: Invalid value: "": "spec.not" must not validate the schema (not)"#,
                r#"<nil>: Invalid value: "": "spec.one" must validate one and only one schema (oneOf). Found 2 valid alternatives"#,
                "spec.m: Invalid value: 10: spec.m in body should be a multiple of 3",
            ]
        );
    }

    #[test]
    fn preserved_unknown_fields_keep_declared_ones_checked() {
        let schema = spec(
            json!({"cfg": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
            "properties": {"n": {"type": "integer"}}}}),
        );
        assert!(
            shown(
                schema.clone(),
                json!({"spec": {"cfg": {"n": 1, "other": {"any": "thing"}}}})
            )
            .is_empty()
        );
        assert_eq!(
            shown(schema, json!({"spec": {"cfg": {"n": "1"}}})),
            [
                r#"spec.cfg.n: Invalid value: "string": spec.cfg.n in body must be of type integer: "string""#
            ]
        );
    }

    #[test]
    fn go_number_rendering() {
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(100.0), "100");
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(1.5e-7), "1.5e-07");
        assert_eq!(go_quote("a\"b\n"), r#""a\"b\n""#);
    }
}
