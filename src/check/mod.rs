//! The manifest checker: recognise each document by `apiVersion`/`kind`, parse it into the
//! workspace type, and say whether it survives unchanged, what it loses, or why a cluster
//! would reject it.
//!
//! A document is **lossless** when the fields the API server would prune (judged against
//! the generated CRD schema) and the fields the typed round trip would drop or change are
//! both empty; **lossy** lists those fields; **invalid** means it does not parse into the
//! type (a missing required field, a value outside an enum) or breaks an admission rule;
//! **unknown** means no workspace type has that `apiVersion` and `kind`.
//!
//! ```
//! use distributed_galera::check::{parse_yaml, Checker, Verdict};
//! let docs = parse_yaml("inline.yaml".as_ref(), r#"
//! apiVersion: kubedb.com/v1
//! kind: MariaDB
//! metadata: {name: mariadb, namespace: demo}
//! spec: {version: 11.5.2, replicas: 2}
//! "#).unwrap();
//! let reports = Checker::new().check(&docs);
//! assert!(matches!(&reports[0].verdict, Verdict::Invalid(r) if r[0].contains("at least 3")));
//! ```
//!
//! Modules: `read` cuts and parses the input, `pipeline` checks it on several threads,
//! `context` holds what documents say about each other, `rules` runs each kind's admission
//! rules, `checker` judges a document against its kind's schema and rules, `report` and
//! `output` say what was found. This file only declares and re-exports.

mod checker;
mod context;
mod output;
mod pipeline;
mod read;
mod report;
pub(crate) mod rules;

pub use checker::{Checker, crd_schema};
pub use context::{Context, References};
pub use output::{Format, Printer};
pub use read::{
    CheckOptions, Document, Input, Item, Limits, ReadError, STDIN, parse_yaml, read_path,
};
pub use report::{Refusal, Report, Summary, Verdict};
pub use rules::Checked;
