//! The KubeSlice webhook rules' cases, as data: every file under `testdata/validation/` is a
//! list of cases in the `datadriven` format (a command line, input lines, `----`, the expected
//! output), each written from the upstream rule its comment names. Adding a case is adding
//! lines to a file; `RUN=<file>` runs one file.
//!
//! The commands:
//!
//! - `object name=N [base=B]`: stores the input (YAML) as object `N` of this file; with `base`,
//!   object `B` with the input applied as a JSON merge patch (RFC 7386: `null` removes a key, a
//!   list is replaced whole). Prints nothing.
//! - `slice-config`, `slice-config-update old=O`, `cluster`, `slice-qos-config`: that webhook
//!   ([`validate_slice_config`], [`validate_slice_config_update`] from stored object `O`,
//!   [`validate_cluster`], [`validate_slice_qos_config`]) on the input object, or with `base=B`
//!   on stored object `B` patched by the input (an empty input is `B` itself). The hub state is
//!   what the arguments list: `namespaces=(..)`, `clusters=(..)` and `qos=(..)` name stored
//!   objects; one left out is `None` (the rules that need it are skipped), and `qos=()` is known
//!   and empty.
//! - `project [controller-namespace=NS]`: [`validate_project`] on the input object, in the
//!   controller namespace `NS` ([`CONTROLLER_NAMESPACE`] when left out).
//! - `slice-subnet`: [`slice_subnet_violations`] of the input line (an empty input is `None`).
//!
//! The output is `ok` when no rule is broken, else one line per violation in the order the
//! rules report them: `show=rules` (the default) the rule as `Debug` prints it, `show=paths`
//! the field path, `show=violations` both (`path: rule`), `show=variants` the rule's variant
//! name alone; `first` keeps the first violation only.

use std::collections::BTreeMap;

use datadriven::{TestCase, walk};
use k8s_openapi::api::core::v1::Namespace;
use kubeslice_types::controller::v1alpha1::{Cluster, Project, SliceConfig, SliceQoSConfig};
use kubeslice_types::validation::{
    CONTROLLER_NAMESPACE, HubState, Violation, slice_subnet_violations, validate_cluster,
    validate_project, validate_slice_config, validate_slice_config_update,
    validate_slice_qos_config,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The objects a file stored, by name.
type Objects = BTreeMap<String, Value>;

#[test]
fn validation() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/validation");
    let mut cases = 0;
    walk(dir, |file| {
        let mut objects = Objects::new();
        file.run(|case| {
            cases += 1;
            run(case, &mut objects)
        });
    });
    assert!(cases > 0, "no case ran under {dir}");
}

fn run(case: &mut TestCase, objects: &mut Objects) -> Result<String, String> {
    let violations = match case.directive.as_str() {
        "object" => {
            let name: String = case.take_arg("name").map_err(text)?;
            let value = input_object(case, objects)?;
            case.expect_empty().map_err(text)?;
            objects.insert(name, value);
            return Ok(String::new());
        }
        "slice-config" => {
            let sc: SliceConfig = typed(input_object(case, objects)?)?;
            let hub = Hub::of(case, objects)?;
            validate_slice_config(&sc, &hub.state())
        }
        "slice-config-update" => {
            let old: String = case.take_arg("old").map_err(text)?;
            let old: SliceConfig = typed(stored(objects, &old)?)?;
            let new: SliceConfig = typed(input_object(case, objects)?)?;
            let hub = Hub::of(case, objects)?;
            validate_slice_config_update(&old, &new, &hub.state())
        }
        "cluster" => {
            let c: Cluster = typed(input_object(case, objects)?)?;
            let hub = Hub::of(case, objects)?;
            validate_cluster(&c, &hub.state())
        }
        "slice-qos-config" => {
            let q: SliceQoSConfig = typed(input_object(case, objects)?)?;
            let hub = Hub::of(case, objects)?;
            validate_slice_qos_config(&q, &hub.state())
        }
        "project" => {
            let controller_namespace: Option<String> =
                case.try_take_arg("controller-namespace").map_err(text)?;
            let p: Project = typed(input_object(case, objects)?)?;
            validate_project(
                &p,
                controller_namespace
                    .as_deref()
                    .unwrap_or(CONTROLLER_NAMESPACE),
            )
        }
        "slice-subnet" => {
            let subnet = case.input.trim();
            slice_subnet_violations(Some(subnet).filter(|s| !s.is_empty()))
        }
        other => return Err(format!("unknown command {other:?}")),
    };
    render(case, &violations)
}

/// The violations as the case's `show` and `first` arguments ask.
fn render(case: &mut TestCase, violations: &[Violation]) -> Result<String, String> {
    let show: Option<String> = case.try_take_arg("show").map_err(text)?;
    let first = case.take_flag("first").map_err(text)?;
    case.expect_empty().map_err(text)?;
    let shown = if first {
        &violations[..violations.len().min(1)]
    } else {
        violations
    };
    if shown.is_empty() {
        return Ok("ok\n".into());
    }
    let mut out = String::new();
    for v in shown {
        let line = match show.as_deref().unwrap_or("rules") {
            "rules" => format!("{:?}", v.rule),
            "paths" => v.path.clone(),
            "violations" => format!("{}: {:?}", v.path, v.rule),
            "variants" => format!("{:?}", v.rule)
                .split([' ', '{', '('])
                .next()
                .unwrap_or_default()
                .to_owned(),
            other => {
                return Err(format!(
                    "show={other}: one of rules, paths, violations, variants"
                ));
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

/// The hub state a case's `namespaces`, `clusters` and `qos` arguments list.
struct Hub {
    namespaces: Option<Vec<Namespace>>,
    clusters: Option<Vec<Cluster>>,
    qos_profiles: Option<Vec<SliceQoSConfig>>,
}

impl Hub {
    fn of(case: &mut TestCase, objects: &Objects) -> Result<Hub, String> {
        Ok(Hub {
            namespaces: listed(case, objects, "namespaces")?,
            clusters: listed(case, objects, "clusters")?,
            qos_profiles: listed(case, objects, "qos")?,
        })
    }

    fn state(&self) -> HubState<'_> {
        HubState {
            namespaces: self.namespaces.as_deref(),
            clusters: self.clusters.as_deref(),
            qos_profiles: self.qos_profiles.as_deref(),
        }
    }
}

/// The stored objects argument `arg` names; `None` when the argument is left out.
fn listed<T: DeserializeOwned>(
    case: &mut TestCase,
    objects: &Objects,
    arg: &str,
) -> Result<Option<Vec<T>>, String> {
    let Some(names) = case.try_take_args::<String>(arg).map_err(text)? else {
        return Ok(None);
    };
    names
        .iter()
        .map(|n| stored(objects, n).and_then(typed))
        .collect::<Result<Vec<T>, String>>()
        .map(Some)
}

/// The case's object: its input, or the stored object `base` patched by its input.
fn input_object(case: &mut TestCase, objects: &Objects) -> Result<Value, String> {
    let base: Option<String> = case.try_take_arg("base").map_err(text)?;
    let patch: Option<Value> = if case.input.trim().is_empty() {
        None
    } else {
        Some(
            serde_saphyr::from_str(&case.input)
                .map_err(|e| format!("the input is not YAML: {e}"))?,
        )
    };
    match (base, patch) {
        (Some(base), patch) => {
            let mut object = stored(objects, &base)?;
            if let Some(patch) = patch {
                merge_patch(&mut object, patch);
            }
            Ok(object)
        }
        (None, Some(object)) => Ok(object),
        (None, None) => Err("no object: give one as input, or name a base".into()),
    }
}

fn stored(objects: &Objects, name: &str) -> Result<Value, String> {
    objects
        .get(name)
        .cloned()
        .ok_or_else(|| format!("no object {name:?} stored in this file"))
}

fn typed<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| format!("not the kind this command takes: {e}"))
}

/// RFC 7386 JSON merge patch.
fn merge_patch(target: &mut Value, patch: Value) {
    let Value::Object(patch) = patch else {
        *target = patch;
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Default::default());
    }
    if let Value::Object(target) = target {
        for (key, value) in patch {
            if value.is_null() {
                target.remove(&key);
            } else {
                merge_patch(target.entry(key).or_insert(Value::Null), value);
            }
        }
    }
}

fn text(e: datadriven::DataDrivenError) -> String {
    e.to_string()
}
