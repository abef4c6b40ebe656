//! A schema compiled once for many documents: the [`Node`] tree with its patterns translated
//! from RE2 and compiled (each distinct one once), its formats stripped as the API server
//! strips them and its CEL rules compiled (the `cel` module); and the list of what does not
//! compile.

use std::collections::{BTreeMap, HashMap};

use regex::Regex;
use serde_json::Value;

use super::cel::{Rule, compile_rule};
use super::errors::CompileProblem;
use super::formats::kept_format;

/// `x-kubernetes-list-type`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum ListType {
    Atomic,
    Set,
    Map(Vec<String>),
}

/// One compiled schema node.
#[derive(Default)]
pub(super) struct Node {
    /// `type` (empty when absent); `["integer", "string"]` for int-or-string.
    pub(super) types: Vec<String>,
    /// The type as the CEL error messages show it (`type`, or empty).
    pub(super) type_name: String,
    pub(super) nullable: bool,
    /// `format` after the API server strips the ones it does not check for the type.
    pub(super) format: String,
    pub(super) enum_values: Option<Vec<Value>>,
    pub(super) minimum: Option<f64>,
    pub(super) maximum: Option<f64>,
    pub(super) exclusive_minimum: bool,
    pub(super) exclusive_maximum: bool,
    pub(super) multiple_of: Option<f64>,
    pub(super) min_length: Option<i64>,
    pub(super) max_length: Option<i64>,
    pub(super) pattern: Option<(String, Result<Regex, String>)>,
    pub(super) min_items: Option<i64>,
    pub(super) max_items: Option<i64>,
    pub(super) unique_items: bool,
    pub(super) min_properties: Option<i64>,
    pub(super) max_properties: Option<i64>,
    pub(super) required: Vec<String>,
    pub(super) properties: BTreeMap<String, Node>,
    /// `additionalProperties`: a schema, `false`, or absent/`true` (`None`).
    pub(super) additional: Option<Box<Node>>,
    pub(super) additional_forbidden: bool,
    pub(super) items: Option<Box<Node>>,
    pub(super) all_of: Vec<Node>,
    pub(super) any_of: Vec<Node>,
    pub(super) one_of: Vec<Node>,
    pub(super) not: Option<Box<Node>>,
    pub(super) preserve_unknown: bool,
    pub(super) embedded: bool,
    pub(super) list_type: Option<ListType>,
    pub(super) default: Option<Value>,
    pub(super) rules: Vec<Rule>,
}

fn flag(schema: &Value, name: &str) -> bool {
    schema.get(name).and_then(Value::as_bool).unwrap_or(false)
}

fn int(schema: &Value, name: &str) -> Option<i64> {
    schema.get(name).and_then(Value::as_i64)
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
    patterns: HashMap<String, Result<Regex, String>>,
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
    /// Compiles `schema` (an `openAPIV3Schema` or one of its nodes), its rules in `env`.
    pub(super) fn new(schema: &Value, env: &cel::Env) -> Node {
        let mut compiler = Compiler {
            env,
            patterns: HashMap::new(),
        };
        Node::compile(schema, &mut compiler)
    }

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

    /// Whether `t` is one of the node's types.
    pub(super) fn is_typed(&self, t: &str) -> bool {
        self.types.iter().any(|x| x == t)
    }

    /// A value as the API server's decoder leaves it under this node: non-nullable `null`s
    /// without a default are dropped, missing or non-nullable `null` fields with a default get
    /// it.
    pub(super) fn effective<'v>(&'v self, value: Option<&'v Value>) -> Option<&'v Value> {
        match value {
            Some(Value::Null) if !self.nullable => self.default.as_ref(),
            Some(v) => Some(v),
            None => self.default.as_ref(),
        }
    }

    /// Patterns and rules that do not compile, with their schema paths.
    pub(super) fn problems(&self) -> Vec<CompileProblem> {
        let mut out = Vec::new();
        problems_at(self, "", &mut out);
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
