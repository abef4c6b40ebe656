//! kube-openapi's validators of one value against its own node
//! (k8s.io/kube-openapi@43fb72c5454a:pkg/validation/validate: `type.go`, then the string,
//! format, number, slice, enum and object validators of `schema.go`, in that order). Nothing
//! here descends into properties, items or alternatives: the `walk` module does, and calls
//! these for each value it reaches. `name` is the value's path as kube-openapi writes it
//! (`spec.labels.a`).

use serde_json::{Map, Value};

use super::compile::Node;
use super::errors::{
    Bad, Violation, ViolationKind, composite, field_error, go_float, go_quote, required,
};
use super::formats::check_format;

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

/// A `null` value (typeValidator, kube-openapi validate/type.go): a type error unless the
/// node is nullable or untyped, then the enum; no other validator sees a `null`.
pub(super) fn null(out: &mut Vec<Violation>, node: &Node, name: &str, value: &Value) {
    if !node.types.is_empty() && !node.nullable {
        let detail = format!(
            "{name} in body must be of type {}: \"null\"",
            node.types.join(",")
        );
        field_error(
            out,
            name.to_owned(),
            ViolationKind::TypeInvalid,
            Bad::Str("null"),
            &detail,
        );
    }
    if let Some(values) = &node.enum_values {
        enum_check(out, name, value, values);
    }
}

/// The type (and, for non-text values, format) of a non-null value (typeValidator).
pub(super) fn value_type(out: &mut Vec<Violation>, node: &Node, name: &str, value: &Value) {
    if node.types.is_empty() && node.format.is_empty() {
        return;
    }
    let (sch, vfmt) = json_type(value);
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
        let detail = format!(
            "{name} in body must be of type {}: {}",
            node.format,
            go_quote(vfmt)
        );
        field_error(
            out,
            name.to_owned(),
            ViolationKind::TypeInvalid,
            Bad::Str(vfmt),
            &detail,
        );
    } else if (numeric || node.format.is_empty() || !textual) && !type_ok {
        let detail = format!(
            "{name} in body must be of type {}: {}",
            node.types.join(","),
            go_quote(sch)
        );
        field_error(
            out,
            name.to_owned(),
            ViolationKind::TypeInvalid,
            Bad::Str(sch),
            &detail,
        );
    }
}

/// The validators that follow the alternatives (allOf/anyOf/oneOf/not): string, format,
/// number, slice, enum and object, each for the values it applies to.
pub(super) fn value_validators(out: &mut Vec<Violation>, node: &Node, name: &str, value: &Value) {
    if let Some(s) = value.as_str() {
        string(out, node, name, value, s);
        format(out, node, name, value, s);
    }
    if value.is_number() {
        number(out, node, name, value);
    }
    if let Some(items) = value.as_array() {
        slice(out, node, name, items);
    }
    if let Some(values) = &node.enum_values {
        enum_check(out, name, value, values);
    }
    if let Some(map) = value.as_object() {
        object(out, node, name, map);
    }
}

fn string(out: &mut Vec<Violation>, node: &Node, name: &str, value: &Value, s: &str) {
    let len = s.chars().count() as i64;
    if let Some(max) = node.max_length
        && len > max
    {
        let unit = if max == 1 { "byte" } else { "bytes" };
        let detail = format!("may not be more than {max} {unit}");
        field_error(
            out,
            name.to_owned(),
            ViolationKind::TooLong,
            Bad::Omit,
            &detail,
        );
        return;
    }
    if let Some(min) = node.min_length
        && len < min
    {
        let detail = format!("{name} in body should be at least {min} chars long");
        field_error(
            out,
            name.to_owned(),
            ViolationKind::Invalid,
            Bad::Value(value),
            &detail,
        );
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
        field_error(
            out,
            name.to_owned(),
            ViolationKind::Invalid,
            Bad::Value(value),
            &detail,
        );
    }
}

fn format(out: &mut Vec<Violation>, node: &Node, name: &str, value: &Value, s: &str) {
    if node.format.is_empty() {
        return;
    }
    let Some(ok) = check_format(&node.format, s) else {
        return;
    };
    if !ok {
        let detail = format!(
            "{name} in body must be of type {}: {}",
            node.format,
            go_quote(s)
        );
        field_error(
            out,
            name.to_owned(),
            ViolationKind::TypeInvalid,
            Bad::Value(value),
            &detail,
        );
    }
}

fn number(out: &mut Vec<Violation>, node: &Node, name: &str, value: &Value) {
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
        composite(out, detail);
    }
    let as_int = value.as_i64();
    let f = value.as_f64().unwrap_or_default();
    if let Some(m) = node.multiple_of {
        let bad = match as_int {
            Some(i) if fits(&Value::from(m)) && m.fract() == 0.0 && m >= 1.0 => i % (m as i64) != 0,
            _ => {
                let mult = if m < 1.0 { 1.0 / m * f } else { f / m };
                m > 0.0 && mult.fract() != 0.0
            }
        };
        if bad {
            let shown = bound(as_int.is_some() && m.fract() == 0.0, m);
            let detail = format!("{name} in body should be a multiple of {shown}");
            field_error(
                out,
                name.to_owned(),
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
            field_error(
                out,
                name.to_owned(),
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
    out: &mut Vec<Violation>,
    name: &str,
    size: i64,
    (min, max): (Option<i64>, Option<i64>),
    what: &str,
) {
    if let Some(min) = min
        && size < min
    {
        let detail = format!("{name} in body should have at least {min} {what}");
        field_error(
            out,
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
        field_error(
            out,
            name.to_owned(),
            ViolationKind::TooMany,
            Bad::Int(size),
            &detail,
        );
    }
}

fn slice(out: &mut Vec<Violation>, node: &Node, name: &str, items: &[Value]) {
    let size = items.len() as i64;
    count_bounds(out, name, size, (node.min_items, node.max_items), "items");
    if node.unique_items
        && items
            .iter()
            .enumerate()
            .any(|(i, a)| items[..i].iter().any(|b| json_equal(a, b)))
    {
        let detail = format!("{name} in body shouldn't contain duplicates");
        field_error(
            out,
            name.to_owned(),
            ViolationKind::Invalid,
            Bad::Str(""),
            &detail,
        );
    }
}

fn enum_check(out: &mut Vec<Violation>, name: &str, value: &Value, values: &[Value]) {
    if values.iter().any(|e| json_equal(e, value)) {
        return;
    }
    let shown: Vec<String> = values
        .iter()
        .map(|v| match v {
            Value::String(s) => go_quote(s),
            other => go_quote(&other.to_string()),
        })
        .collect();
    let detail = format!("supported values: {}", shown.join(", "));
    field_error(
        out,
        name.to_owned(),
        ViolationKind::NotSupported,
        Bad::Value(value),
        &detail,
    );
}

fn object(out: &mut Vec<Violation>, node: &Node, name: &str, map: &Map<String, Value>) {
    let size = map.len() as i64;
    count_bounds(
        out,
        name,
        size,
        (node.min_properties, node.max_properties),
        "properties",
    );
    if node.additional_forbidden {
        for k in map.keys().filter(|k| !node.properties.contains_key(*k)) {
            let detail = format!("{name}.{k} in body is a forbidden property");
            field_error(
                out,
                name.to_owned(),
                ViolationKind::Invalid,
                Bad::Str(k),
                &detail,
            );
        }
    }
    for k in &node.required {
        let child = node.properties.get(k);
        let present = match child {
            Some(c) => c.effective(map.get(k)).is_some(),
            None => map.get(k).is_some(),
        };
        if !present {
            let path = if name.is_empty() {
                k.clone()
            } else {
                format!("{name}.{k}")
            };
            required(out, path);
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
pub(super) fn json_equal(a: &Value, b: &Value) -> bool {
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
