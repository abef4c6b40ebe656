//! The house rules, checked over the workspace's sources (ARCHITECTURE.md):
//!
//! - no module imports one that imports it back, directly or around a longer cycle (a facade
//!   re-exporting a child counts as importing it, so a child must not import its facade);
//! - no module below a crate's root imports the crate's facade (`use crate::Item` where `Item`
//!   lives in `lib.rs`): modules import their siblings;
//! - no source or test file is over 800 lines, unless its first lines say why (a line
//!   containing `longer than 800 lines`).
//!
//! Imports are read from `use crate::...`/`use super::...` statements and from `crate::` and
//! `super::` paths in code (comments and doc links are not imports).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The crates' source folders (`src` of each member and of the root).
fn source_roots() -> Vec<PathBuf> {
    let root = fidelity::workspace_root();
    let mut roots = vec![root.join("src")];
    for entry in std::fs::read_dir(&root).expect("workspace root").flatten() {
        let p = entry.path();
        if p.join("Cargo.toml").is_file() && p.join("src").is_dir() {
            roots.push(p.join("src"));
        }
    }
    roots.sort();
    roots
}

/// The module path of `file` under `src` (`""` for `lib.rs`/`main.rs`, `a::b` for
/// `a/b.rs` or `a/b/mod.rs`); `None` for a second binary under `src/bin`.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if parts.first().is_some_and(|p| p == "bin") {
        return None;
    }
    let parts: Vec<String> = match parts.last().map(String::as_str) {
        Some("lib" | "main") if parts.len() == 1 => Vec::new(),
        Some("mod") => parts[..parts.len() - 1].to_vec(),
        _ => parts,
    };
    Some(parts.join("::"))
}

/// The code of a file without comments (line comments and doc comments) and without its
/// inline test module (`#[cfg(test)] mod ...`, where `super` is the file's own module).
fn code(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let end = lines
        .windows(2)
        .position(|w| w[0].trim() == "#[cfg(test)]" && w[1].trim_start().starts_with("mod "))
        .unwrap_or(lines.len());
    lines[..end]
        .iter()
        .map(|l| match l.find("//") {
            Some(at) if !l[..at].contains('"') => &l[..at],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The modules `module` refers to through `crate::` and `super::` paths in `code`: each
/// path's longest prefix that is a module, else the module holding the item.
fn imports(module: &str, code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let segs = |path: &str| -> Vec<String> {
        path.split("::")
            .map(|s| s.trim().to_owned())
            .take_while(|s| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_'))
            .collect()
    };
    let resolve = |mut base: Vec<String>, rest: Vec<String>| -> String {
        let mut best = base.join("::");
        for s in rest {
            base.push(s);
            let candidate = base.join("::");
            if modules.contains(&candidate) {
                best = candidate;
            } else {
                break;
            }
        }
        best
    };
    // Expand `{a::X, b::{Y, Z}}` groups after a prefix into one path per item (one level).
    let mut paths: Vec<String> = Vec::new();
    for keyword in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(keyword) {
            let start = from + at;
            from = start + keyword.len();
            let before = code[..start].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let tail = &code[start..];
            let end = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':' || c == '{'))
                .unwrap_or(tail.len());
            let path = &tail[..end];
            if let Some(brace) = path.find('{') {
                let prefix = &path[..brace];
                let close = tail.find('}').unwrap_or(tail.len());
                for item in tail[brace + 1..close].split(',') {
                    paths.push(format!("{prefix}{}", item.trim().trim_start_matches('{')));
                }
            } else {
                paths.push(path.to_owned());
            }
        }
    }
    for path in paths {
        let mut parts = segs(&path);
        let mut base: Vec<String> = Vec::new();
        match parts.first().map(String::as_str) {
            Some("crate") => {
                parts.remove(0);
            }
            Some("super") => {
                base = module
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect();
                while parts.first().is_some_and(|p| p == "super") {
                    parts.remove(0);
                    base.pop();
                }
            }
            _ => continue,
        }
        let target = resolve(base, parts);
        if target != module {
            out.insert(target);
        }
    }
    out
}

/// Every import cycle of `graph` (module to the modules it imports), each once, as
/// `a -> b -> a`.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut out = Vec::new();
    let mut reported = BTreeSet::new();
    for start in graph.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        while let Some((at, path)) = stack.pop() {
            for next in graph.get(&at).into_iter().flatten() {
                if next == start {
                    let mut members = path.clone();
                    members.sort();
                    if reported.insert(members) {
                        out.push(format!("{} -> {start}", path.join(" -> ")));
                    }
                } else if !path.contains(next) && path.len() < 8 {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    out
}

/// The reader of imports and the cycle finder on a made-up crate, so the house check can fail.
#[test]
fn the_checks_see_what_they_look_for() {
    let modules: BTreeSet<String> = ["", "a", "b", "b::c"].map(str::to_owned).into();
    assert_eq!(
        imports(
            "a",
            "use crate::b::X;\nfn f() { crate::b::c::g() }",
            &modules
        ),
        ["b", "b::c"].map(str::to_owned).into()
    );
    assert_eq!(
        imports("b::c", "use super::{Y, d::Z};", &modules),
        ["b"].map(str::to_owned).into()
    );
    assert_eq!(
        imports("a", "use crate::Item;", &modules),
        [""].map(str::to_owned).into(),
        "the facade"
    );
    assert!(
        imports(
            "a",
            &code("// use crate::b::X;\n/// [link](crate::b)\n"),
            &modules
        )
        .is_empty(),
        "comments are no imports"
    );
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_owned(), ["b".to_owned()].into()),
        ("b".to_owned(), ["c".to_owned()].into()),
        ("c".to_owned(), ["a".to_owned()].into()),
        ("d".to_owned(), ["a".to_owned()].into()),
    ]
    .into();
    assert_eq!(cycles(&graph), ["a -> b -> c -> a"]);
}

#[test]
fn no_module_cycle_no_facade_import_no_overlong_file() {
    let mut problems = Vec::new();
    let root = fidelity::workspace_root();
    for src in source_roots() {
        let crate_dir = src.parent().expect("crate folder").to_path_buf();
        let name = crate_dir
            .strip_prefix(&root)
            .map_or("root".into(), |p| p.display().to_string());
        let files: Vec<(String, PathBuf)> = rust_files(&src)
            .into_iter()
            .filter_map(|f| Some((module_of(&src, &f)?, f)))
            .collect();
        let modules: BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (module, file) in &files {
            let text = std::fs::read_to_string(file).expect("source");
            let edges = imports(module, &code(&text), &modules);
            if !module.is_empty() && edges.contains("") {
                problems.push(format!(
                    "{name}: {module} imports the crate's facade (use the sibling module instead)"
                ));
            }
            graph.insert(module.clone(), edges);
        }
        for cycle in cycles(&graph) {
            problems.push(format!("{name}: import cycle {cycle}"));
        }
    }
    let mut all_files = Vec::new();
    for src in source_roots() {
        all_files.extend(rust_files(&src));
        let tests = src.parent().expect("crate").join("tests");
        all_files.extend(rust_files(&tests));
    }
    all_files.extend(rust_files(&root.join("tests")));
    for file in all_files {
        let text = std::fs::read_to_string(&file).expect("source");
        let lines = text.lines().count();
        let says_why = text
            .lines()
            .take(40)
            .any(|l| l.contains("longer than 800 lines"));
        if lines > 800 && !says_why {
            problems.push(format!(
                "{}: {lines} lines (cut it along a seam, or say in its first lines why it is longer than 800 lines)",
                file.strip_prefix(&root).unwrap_or(&file).display()
            ));
        }
    }
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "house rules broken:\n{}",
        problems.join("\n")
    );
}
