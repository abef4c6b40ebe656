//! What a list or a watch selects: a namespace, a label selector and a field selector, parsed
//! from the query as the API server parses them.
//!
//! Label selectors are read into kube-core's [`Expression`]s and matched by kube-core's
//! [`Selector`]; kube-core renders selectors but has no parser for their string form, so the
//! parser here follows `Parse` of k8s.io/apimachinery@v0.36.3:pkg/labels/selector.go (the
//! grammar, its tokens, `in (...)`, `notin (...)`, `!key`, and the empty value). The numeric
//! comparisons `>` and `<` that grammar also accepts have no kube-core expression and are
//! refused. Keys and values are not checked for label syntax.
//!
//! Field selectors follow `parseSelector` of k8s.io/apimachinery@v0.36.3:pkg/fields/selector.go:
//! terms split at unescaped commas, each at its first `!=`, `==` or `=`, values unescaped.
//! Unlike the API server, which serves only the fields each kind declares selectable, any
//! dotted path to a string is accepted.

use std::collections::{BTreeMap, BTreeSet};

use kube::core::{Expression, Selector, SelectorExt};
use serde_json::Value;

use crate::fields;

/// The objects a list or a watch selects.
#[derive(Clone, Debug, Default)]
pub(crate) struct ObjectSelector {
    /// Only objects of this namespace, when given.
    pub(crate) namespace: Option<String>,
    labels: Selector,
    fields: Vec<FieldTerm>,
}

/// One field selector term: the field at `path` equals (or, not `equal`, differs from) `value`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct FieldTerm {
    path: Vec<String>,
    value: String,
    equal: bool,
}

impl ObjectSelector {
    /// The selector of a request in `namespace` with the `labelSelector` and `fieldSelector`
    /// query parameters. `Err` carries the API server's message for a selector it cannot parse.
    pub(crate) fn parse(
        namespace: Option<String>,
        labels: Option<&str>,
        fields: Option<&str>,
    ) -> Result<Self, String> {
        Ok(ObjectSelector {
            namespace,
            labels: labels.map(parse_labels).transpose()?.unwrap_or_default(),
            fields: fields.map(parse_fields).transpose()?.unwrap_or_default(),
        })
    }

    /// Whether `object` is in the namespace and matches both selectors.
    pub(crate) fn matches(&self, object: &Value) -> bool {
        let meta = &object["metadata"];
        if let Some(ns) = &self.namespace
            && meta["namespace"].as_str() != Some(ns.as_str())
        {
            return false;
        }
        let labels: BTreeMap<String, String> = meta["labels"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
            .collect();
        self.labels.matches(&labels)
            && self.fields.iter().all(|t| {
                let have = fields::get(object, &t.path).and_then(Value::as_str);
                (have == Some(t.value.as_str())) == t.equal
            })
    }
}

/// A token of the label selector language (`Token` in pkg/labels/selector.go).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Identifier(String),
    In,
    NotIn,
    Not,
    Equals,
    DoubleEquals,
    NotEquals,
    GreaterThan,
    LessThan,
    Open,
    Close,
    Comma,
    End,
}

impl Token {
    /// How the token reads in a message.
    fn literal(&self) -> &str {
        match self {
            Token::Identifier(s) => s,
            Token::In => "in",
            Token::NotIn => "notin",
            Token::Not => "!",
            Token::Equals => "=",
            Token::DoubleEquals => "==",
            Token::NotEquals => "!=",
            Token::GreaterThan => ">",
            Token::LessThan => "<",
            Token::Open => "(",
            Token::Close => ")",
            Token::Comma => ",",
            Token::End => "",
        }
    }

    /// In a place where values are read, `in` and `notin` are values.
    fn in_values(self) -> Token {
        match self {
            Token::In => Token::Identifier("in".into()),
            Token::NotIn => Token::Identifier("notin".into()),
            t => t,
        }
    }
}

fn blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn special(c: char) -> bool {
    matches!(c, '=' | '!' | '(' | ')' | ',' | '>' | '<')
}

/// The tokens of `s`, as `Lexer.Lex` scans them: operators are the longest run of special
/// characters that is one, identifiers run to the next special character or blank.
fn tokens(s: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if blank(c) {
            chars.next();
        } else if special(c) {
            chars.next();
            let two = chars.peek().map(|n| format!("{c}{n}"));
            let token = match two.as_deref() {
                Some("==") => Some(Token::DoubleEquals),
                Some("!=") => Some(Token::NotEquals),
                _ => None,
            };
            if let Some(t) = token {
                chars.next();
                out.push(t);
                continue;
            }
            out.push(match c {
                '=' => Token::Equals,
                '!' => Token::Not,
                '(' => Token::Open,
                ')' => Token::Close,
                ',' => Token::Comma,
                '>' => Token::GreaterThan,
                _ => Token::LessThan,
            });
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if special(c) || blank(c) {
                    break;
                }
                word.push(c);
                chars.next();
            }
            out.push(match word.as_str() {
                "in" => Token::In,
                "notin" => Token::NotIn,
                _ => Token::Identifier(word),
            });
        }
    }
    out.push(Token::End);
    out
}

/// Reads tokens with `Parser.lookahead` and `Parser.consume`.
struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Token {
        self.tokens
            .get(self.at)
            .cloned()
            .unwrap_or(Token::End)
            .in_values()
    }

    fn next_raw(&mut self) -> Token {
        let t = self.tokens.get(self.at).cloned().unwrap_or(Token::End);
        self.at += 1;
        t
    }

    fn next(&mut self) -> Token {
        self.next_raw().in_values()
    }

    fn requirement(&mut self) -> Result<Expression, String> {
        let mut token = self.next();
        let absent = token == Token::Not;
        if absent {
            token = self.next();
        }
        let Token::Identifier(key) = token else {
            return Err(format!("found '{}', expected: identifier", token.literal()));
        };
        if absent {
            return Ok(Expression::DoesNotExist(key));
        }
        if matches!(self.peek(), Token::End | Token::Comma) {
            return Ok(Expression::Exists(key));
        }
        match self.next_raw() {
            Token::In => Ok(Expression::In(key, self.values()?)),
            Token::NotIn => Ok(Expression::NotIn(key, self.values()?)),
            Token::Equals | Token::DoubleEquals => Ok(Expression::Equal(key, self.exact()?)),
            Token::NotEquals => Ok(Expression::NotEqual(key, self.exact()?)),
            t @ (Token::GreaterThan | Token::LessThan) => Err(format!(
                "operator '{}' is not supported by the emulated hub (kube-core has no numeric comparison)",
                t.literal()
            )),
            t => Err(format!(
                "found '{}', expected: in, notin, =, ==, !=, gt, lt",
                t.literal()
            )),
        }
    }

    /// `( VALUE, ... )`; `()` and empty entries are the empty value.
    fn values(&mut self) -> Result<BTreeSet<String>, String> {
        let open = self.next();
        if open != Token::Open {
            return Err(format!("found '{}' expected: '('", open.literal()));
        }
        let mut set = BTreeSet::new();
        match self.peek() {
            Token::Close => {
                self.next();
                set.insert(String::new());
                return Ok(set);
            }
            Token::Identifier(_) | Token::Comma => {}
            t => {
                return Err(format!(
                    "found '{}', expected: ',', ')' or identifier",
                    t.literal()
                ));
            }
        }
        loop {
            match self.next() {
                Token::Identifier(v) => {
                    set.insert(v);
                    match self.peek() {
                        Token::Comma => continue,
                        Token::Close => break,
                        t => return Err(format!("found '{}', expected: ',' or ')'", t.literal())),
                    }
                }
                Token::Comma => {
                    if set.is_empty() || matches!(self.peek(), Token::Close | Token::Comma) {
                        set.insert(String::new());
                    }
                    if self.peek() == Token::Close {
                        break;
                    }
                }
                t => {
                    return Err(format!(
                        "found '{}', expected: ',', or identifier",
                        t.literal()
                    ));
                }
            }
        }
        let close = self.next();
        if close != Token::Close {
            return Err(format!("found '{}', expected: ')'", close.literal()));
        }
        Ok(set)
    }

    /// The value after `=`, `==` or `!=`; nothing before `,` or the end is the empty value.
    fn exact(&mut self) -> Result<String, String> {
        if matches!(self.peek(), Token::End | Token::Comma) {
            return Ok(String::new());
        }
        match self.next() {
            Token::Identifier(v) => Ok(v),
            t => Err(format!("found '{}', expected: identifier", t.literal())),
        }
    }
}

/// A label selector's string form, as kube-core expressions.
fn parse_labels(s: &str) -> Result<Selector, String> {
    let mut p = Parser {
        tokens: tokens(s),
        at: 0,
    };
    let mut out = Vec::new();
    loop {
        match p.peek() {
            Token::Identifier(_) | Token::Not => {
                out.push(
                    p.requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?,
                );
                match p.next() {
                    Token::End => break,
                    Token::Comma => {
                        let t = p.peek();
                        if !matches!(t, Token::Identifier(_) | Token::Not) {
                            return Err(format!(
                                "found '{}', expected: identifier after ','",
                                t.literal()
                            ));
                        }
                    }
                    t => {
                        return Err(format!(
                            "found '{}', expected: ',' or 'end of string'",
                            t.literal()
                        ));
                    }
                }
            }
            Token::End => break,
            t => {
                return Err(format!(
                    "found '{}', expected: !, identifier, or 'end of string'",
                    t.literal()
                ));
            }
        }
    }
    Ok(out.into_iter().collect())
}

/// A field selector's string form.
fn parse_fields(s: &str) -> Result<Vec<FieldTerm>, String> {
    let mut terms = Vec::new();
    let (mut start, mut escaped) = (0, false);
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            ',' => {
                terms.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    terms.push(&s[start..]);
    let mut out = Vec::new();
    for term in terms.into_iter().filter(|t| !t.is_empty()) {
        let split = term.char_indices().find_map(|(i, _)| {
            let rest = &term[i..];
            ["!=", "==", "="]
                .into_iter()
                .find(|op| rest.starts_with(op))
                .map(|op| (&term[..i], op, &rest[op.len()..]))
        });
        let Some((field, op, value)) = split else {
            return Err(format!(
                "invalid selector: '{s}'; can't understand '{term}'"
            ));
        };
        out.push(FieldTerm {
            path: field.split('.').map(str::to_owned).collect(),
            value: unescape(value)?,
            equal: op != "!=",
        });
    }
    Ok(out)
}

/// `UnescapeValue`: `\\`, `\,` and `\=` stand for the character; any other escape is refused.
fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(e @ ('\\' | ',' | '=')) => out.push(e),
            Some(e) => return Err(format!("invalid escape sequence: \\{e}")),
            None => return Err("unterminated escape sequence".into()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(s: &str) -> Vec<Expression> {
        parse_labels(s)
            .unwrap_or_else(|e| panic!("{s}: {e}"))
            .into_iter()
            .collect()
    }

    fn set(v: &[&str]) -> BTreeSet<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    /// The examples of pkg/labels/selector_test.go `TestSelectorParse` and the grammar's own
    /// example in `Parse`'s doc comment (k8s.io/apimachinery@v0.36.3).
    #[test]
    fn label_selectors_parse_as_apimachinery_parses_them() {
        use Expression::*;
        assert_eq!(
            labels("x in (foo,,baz),y,z notin ()"),
            [
                In("x".into(), set(&["", "baz", "foo"])),
                Exists("y".into()),
                NotIn("z".into(), set(&[""]))
            ]
        );
        assert_eq!(
            labels("x=a,y!=b,z==c,!w"),
            [
                Equal("x".into(), "a".into()),
                NotEqual("y".into(), "b".into()),
                Equal("z".into(), "c".into()),
                DoesNotExist("w".into())
            ]
        );
        assert_eq!(labels("x="), [Equal("x".into(), String::new())]);
        for empty in ["x=,z= ", "x= ,z= "] {
            assert_eq!(
                labels(empty),
                [
                    Equal("x".into(), String::new()),
                    Equal("z".into(), String::new())
                ]
            );
        }
        assert_eq!(labels(" x in ( in ) "), [In("x".into(), set(&["in"]))]);
        assert_eq!(labels("x in (,a)"), [In("x".into(), set(&["", "a"]))]);
        assert_eq!(labels(""), []);
        for bad in [
            "x=a||y=b",
            "x==a==b",
            "!x=a",
            "x in (a",
            "x notin a",
            "x,",
            ",x",
            "x>1",
        ] {
            assert!(parse_labels(bad).is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn selectors_match_namespace_labels_and_fields() {
        let object = json!({"metadata": {"name": "a,b", "namespace": "demo",
            "labels": {"app": "db", "tier": "x"}}, "spec": {"mode": "on"}});
        let select = |ns: Option<&str>, l: Option<&str>, f: Option<&str>| {
            ObjectSelector::parse(ns.map(str::to_owned), l, f)
                .unwrap_or_else(|e| panic!("{e}"))
                .matches(&object)
        };
        assert!(select(Some("demo"), Some("app in (db,web),!gone"), None));
        assert!(!select(Some("other"), None, None));
        assert!(!select(None, Some("app notin (db)"), None));
        assert!(select(None, Some("missing!=x"), Some("spec.mode=on")));
        assert!(select(
            None,
            None,
            Some(r"metadata.name==a\,b,spec.mode!=off")
        ));
        assert!(!select(None, None, Some("spec.mode!=on")));
        assert!(ObjectSelector::parse(None, None, Some("metadata.name")).is_err());
        assert!(ObjectSelector::parse(None, None, Some(r"a=\x")).is_err());
    }
}
