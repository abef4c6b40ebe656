//! What the hub serves: the core kinds it starts with and the versions of the
//! CustomResourceDefinitions registered with it, each with its schema compiled once.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use kube::CustomResourceExt;
use serde_json::Value;
use structural_schema::Validator;

/// Why CRDs could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CrdError {
    /// The folder or a file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The path.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// A file is not YAML.
    #[error("{path}: not YAML: {message}")]
    Yaml {
        /// The file.
        path: String,
        /// The parser's message.
        message: String,
    },
}

/// A resource the hub serves: one version of a kind.
#[derive(Clone, Debug)]
pub(crate) struct ResourceDef {
    pub(crate) group: String,
    pub(crate) version: String,
    pub(crate) kind: String,
    pub(crate) plural: String,
    pub(crate) namespaced: bool,
    /// Whether the `status` subresource is served.
    pub(crate) status: bool,
    /// The `openAPIV3Schema`, for pruning.
    pub(crate) schema: Option<Value>,
    /// The schema compiled once for validation.
    pub(crate) validator: Option<Arc<Validator>>,
}

impl ResourceDef {
    /// `group/version`, or `version` for the core group.
    pub(crate) fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

/// Each version's schema of a CRD, compiled for validation.
pub(crate) type Compiled = Vec<(String, Arc<Validator>)>;

/// The served resources, in registration order.
#[derive(Debug)]
pub(crate) struct Resources(Vec<ResourceDef>);

impl Resources {
    /// Namespaces, secrets, config maps and storage classes (`v1` and `storage.k8s.io/v1`),
    /// without schemas; only namespaces have a status subresource.
    pub(crate) fn core() -> Self {
        Resources(
            [
                ("", "namespaces", "Namespace", false),
                ("", "secrets", "Secret", true),
                ("", "configmaps", "ConfigMap", true),
                ("storage.k8s.io", "storageclasses", "StorageClass", false),
            ]
            .into_iter()
            .map(|(group, plural, kind, namespaced)| ResourceDef {
                group: group.into(),
                version: "v1".into(),
                kind: kind.into(),
                plural: plural.into(),
                namespaced,
                status: kind == "Namespace",
                schema: None,
                validator: None,
            })
            .collect(),
        )
    }

    /// The resource of `apiVersion`/`kind`.
    pub(crate) fn find_kind(&self, api_version: &str, kind: &str) -> Option<&ResourceDef> {
        self.0
            .iter()
            .find(|r| r.api_version() == api_version && r.kind == kind)
    }

    /// The resource a URL names by group, version and plural.
    pub(crate) fn find_plural(
        &self,
        group: &str,
        version: &str,
        plural: &str,
    ) -> Option<&ResourceDef> {
        self.0
            .iter()
            .find(|r| r.group == group && r.version == version && r.plural == plural)
    }

    /// The first registered version of a group and plural (the store keys objects without
    /// their version).
    pub(crate) fn find_group_plural(&self, group: &str, plural: &str) -> Option<&ResourceDef> {
        self.0
            .iter()
            .find(|r| r.group == group && r.plural == plural)
    }

    /// Serves every served version of `crd` with the schemas in `compiled`, replacing what was
    /// registered for the same group, plural and version. Returns how many versions it
    /// registered (none when the CRD lacks its group, kind or plural).
    pub(crate) fn register(&mut self, crd: &Value, compiled: &Compiled) -> usize {
        let spec = &crd["spec"];
        let (Some(group), Some(kind), Some(plural)) = (
            spec["group"].as_str(),
            spec["names"]["kind"].as_str(),
            spec["names"]["plural"].as_str(),
        ) else {
            return 0;
        };
        let namespaced = spec["scope"].as_str() != Some("Cluster");
        let mut n = 0;
        for v in spec["versions"].as_array().into_iter().flatten() {
            let (Some(version), true) = (v["name"].as_str(), v["served"] != false) else {
                continue;
            };
            self.0
                .retain(|r| !(r.group == group && r.plural == plural && r.version == version));
            let validator = compiled
                .iter()
                .find(|(name, _)| name == version)
                .map(|(_, validator)| Arc::clone(validator));
            self.0.push(ResourceDef {
                group: group.into(),
                version: version.into(),
                kind: kind.into(),
                plural: plural.into(),
                namespaced,
                status: v["subresources"].get("status").is_some(),
                schema: v["schema"].get("openAPIV3Schema").cloned(),
                validator,
            });
            n += 1;
        }
        n
    }
}

/// Compiles the schema of each version of `crd`.
pub(crate) fn compile_versions(crd: &Value) -> Compiled {
    crd["spec"]["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| {
            let name = v["name"].as_str()?;
            let schema = v["schema"].get("openAPIV3Schema")?;
            Some((name.to_owned(), Arc::new(Validator::new(schema))))
        })
        .collect()
}

/// `K`'s generated CRD as JSON with its versions' schemas compiled. Generating a CRD and
/// compiling its schemas is the costly part of a new hub, so both are done once per process
/// and type.
pub(crate) fn generated<K: CustomResourceExt>() -> Arc<(Value, Compiled)> {
    static GENERATED: Mutex<BTreeMap<String, Arc<(Value, Compiled)>>> = Mutex::new(BTreeMap::new());
    let key = format!("{}/{}", K::crd_name(), K::api_resource().version);
    let mut cache = GENERATED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    Arc::clone(cache.entry(key).or_insert_with(|| {
        let crd = serde_json::to_value(K::crd()).unwrap_or_default();
        let compiled = compile_versions(&crd);
        Arc::new((crd, compiled))
    }))
}

/// Calls `found` with every `CustomResourceDefinition` in the YAML files under `dir`, in path
/// order (so, as each registration replaces the one before, the last file of a resource
/// wins). Stops at the first file that cannot be read or parsed.
pub(crate) fn each_crd_under(dir: &Path, mut found: impl FnMut(&Value)) -> Result<(), CrdError> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        let io = |source| CrdError::Io {
            path: path.display().to_string(),
            source,
        };
        if path.is_dir() {
            let mut entries = Vec::new();
            for entry in std::fs::read_dir(&path).map_err(io)? {
                entries.push(entry.map_err(io)?.path());
            }
            // Sorted, so a later file of the same resource wins predictably.
            entries.sort_by(|a, b| b.cmp(a));
            stack.extend(entries);
            continue;
        }
        if !matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(io)?;
        if !text.contains("CustomResourceDefinition") {
            continue;
        }
        let docs: Vec<Value> = serde_saphyr::from_multiple(&text).map_err(|e| CrdError::Yaml {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        for doc in docs
            .iter()
            .filter(|d| d["kind"] == "CustomResourceDefinition")
        {
            found(doc);
        }
    }
    Ok(())
}
