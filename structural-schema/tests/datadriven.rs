//! Runs the data files under `testdata/validation/` (the format of tikv/raft-rs
//! `src/quorum/testdata` and `datadriven_test.rs`): each case is a command, its input and the
//! expected output, so adding a case is adding lines to a data file.
//!
//! The input is one YAML (or JSON) mapping:
//!
//! - `schema`: the `openAPIV3Schema` to compile;
//! - `object`: the document to validate (`validate`, `validate-update`);
//! - `old`: the old document of an update (`validate-update` only);
//! - `grep` (optional): a list of texts; only the output lines containing one of them are
//!   shown, for cases that assert some lines of an answer and not all of it.
//!
//! Commands:
//!
//! - `validate`: [`Validator::validate`] of `object` as a create; one violation a line as the
//!   API server prints it (`<path>: <message>`), in the validator's order, or `ok`;
//! - `validate-update`: the same for an update from `old` (CEL transition rules, ratcheting);
//! - `problems`: [`Validator::problems`], one `<schema path>: <problem>` a line, or `ok`.
//!
//! The flag `elide` cuts the compiler's own message (from the `regex` and `cel` crates, not
//! from upstream, and often several lines long) after its lead-in and writes `...` instead.
//! Expected outputs are copied from upstream's wording, never from a run of the code.

use datadriven::{TestCase, walk};
use serde_json::Value;
use structural_schema::Validator;

#[test]
fn validation() {
    walk("testdata/validation", |f| f.run(run));
}

/// The input of a case, read from its YAML.
struct Input {
    schema: Value,
    object: Option<Value>,
    old: Option<Value>,
    grep: Vec<String>,
}

fn input(text: &str) -> Result<Input, String> {
    let doc: Value = serde_saphyr::from_str(text).map_err(|e| format!("input YAML: {e}"))?;
    let Value::Object(mut map) = doc else {
        return Err("the input is a mapping with schema, object, old, grep".to_owned());
    };
    let schema = map.remove("schema").ok_or("the input has no schema")?;
    let object = map.remove("object");
    let old = map.remove("old");
    let grep = match map.remove("grep") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned).ok_or("grep lists texts"))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("grep is a list of texts".to_owned()),
    };
    if let Some(key) = map.keys().next() {
        return Err(format!("unknown input key {key:?}"));
    }
    Ok(Input {
        schema,
        object,
        old,
        grep,
    })
}

fn run(case: &mut TestCase) -> Result<String, String> {
    let elide = case.take_flag("elide").map_err(|e| e.to_string())?;
    case.expect_empty().map_err(|e| e.to_string())?;
    let input = input(&case.input)?;
    let validator = Validator::new(&input.schema);
    let lines: Vec<String> = match case.directive.as_str() {
        "validate" | "validate-update" => {
            let update = case.directive == "validate-update";
            let object = input.object.as_ref().ok_or("the input has no object")?;
            let old = match (update, &input.old) {
                (true, Some(old)) => Some(old),
                (true, None) => return Err("validate-update needs an old object".to_owned()),
                (false, Some(_)) => return Err("validate takes no old object".to_owned()),
                (false, None) => None,
            };
            validator
                .validate(object, old)
                .iter()
                .map(|v| {
                    let line = v.to_string();
                    if elide { elide_violation(&line) } else { line }
                })
                .collect()
        }
        "problems" => validator
            .problems()
            .iter()
            .map(|p| {
                let problem = if elide {
                    elide_problem(&p.problem)
                } else {
                    p.problem.clone()
                };
                format!("{}: {problem}", p.path)
            })
            .collect(),
        other => return Err(format!("unknown command {other:?}")),
    };
    if lines.is_empty() {
        return Ok("ok\n".to_owned());
    }
    let mut out = String::new();
    for line in lines
        .iter()
        .filter(|l| input.grep.is_empty() || input.grep.iter().any(|g| l.contains(g.as_str())))
    {
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

/// A violation with the compiler's message of a bad pattern or rule cut after its lead-in.
fn elide_violation(line: &str) -> String {
    for lead in ["but pattern is invalid: ", "rule compile error: "] {
        if let Some(at) = line.find(lead) {
            return format!("{}...", &line[..at + lead.len()]);
        }
    }
    line.to_owned()
}

/// A compile problem (`pattern "<p>": <message>`, `rule "<r>": <message>`) with the
/// compiler's message cut: what follows the quoted pattern or rule.
fn elide_problem(problem: &str) -> String {
    let Some(open) = problem.find('"') else {
        return problem.to_owned();
    };
    let mut escaped = false;
    for (i, c) in problem[open + 1..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return format!("{}: ...", &problem[..open + 1 + i + 1]),
            _ => {}
        }
    }
    problem.to_owned()
}
