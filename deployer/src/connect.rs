//! A client for a hub named by a kubeconfig file and context.

use std::path::{Path, PathBuf};

/// Why no client for the hub could be made.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The kubeconfig could not be read or parsed.
    #[error(
        "{path}: cannot read the kubeconfig: {}; pass the hub's kubeconfig with --kubeconfig",
        kubeconfig_reason(source)
    )]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: kube::config::KubeconfigError,
    },
    /// The context (or its cluster or user) is not usable.
    #[error(
        "{path}: context {context}: {source}; list the contexts with `kubectl config get-contexts --kubeconfig {path}`"
    )]
    Context {
        /// The file.
        path: PathBuf,
        /// The context asked for (`current` when none).
        context: String,
        /// Why.
        source: kube::config::KubeconfigError,
    },
    /// The client could not be built (TLS settings, for example).
    #[error("{path}: cannot build a client: {source}")]
    Client {
        /// The file.
        path: PathBuf,
        /// Why.
        source: kube::Error,
    },
}

/// Why a kubeconfig could not be read, without the path kube's message repeats in Debug
/// quotes (`failed to read kubeconfig from '"/x"': ...`): the error names the file already.
fn kubeconfig_reason(e: &kube::config::KubeconfigError) -> String {
    match e {
        kube::config::KubeconfigError::ReadConfig(io, _) => io.to_string(),
        other => other.to_string(),
    }
}

/// A client error in words: for an answer of the API server, its message, reason and HTTP
/// code (`namespaces "demo" not found (NotFound, HTTP 404)`) instead of the `Status` debug dump
/// kube's own `Display` appends; any other error as kube says it.
///
/// ```
/// let status = kube::core::Status::failure("namespaces \"demo\" not found", "NotFound").with_code(404);
/// let e = kube::Error::Api(Box::new(status));
/// assert_eq!(deployer::kube_error_text(&e), "namespaces \"demo\" not found (NotFound, HTTP 404)");
/// ```
pub fn kube_error_text(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(status) => {
            let message = if status.message.is_empty() {
                "the API server refused it without a message"
            } else {
                status.message.as_str()
            };
            match (status.reason.is_empty(), status.code) {
                (true, 0) => message.to_owned(),
                (true, code) => format!("{message} (HTTP {code})"),
                (false, 0) => format!("{message} ({})", status.reason),
                (false, code) => format!("{message} ({}, HTTP {code})", status.reason),
            }
        }
        other => other.to_string(),
    }
}

/// Where kubectl finds its kubeconfig when none is named: the first file of `$KUBECONFIG`,
/// else `~/.kube/config`.
pub fn default_kubeconfig() -> PathBuf {
    if let Some(list) = std::env::var_os("KUBECONFIG")
        && let Some(first) = std::env::split_paths(&list).find(|p| !p.as_os_str().is_empty())
    {
        return first;
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".kube").join("config")
}

/// A client for the hub in `kubeconfig` ([`default_kubeconfig`] when `None`), using `context`
/// (the file's current context when `None`). Nothing is sent until the client is used.
///
/// # Errors
/// [`ConnectError`] naming the file: it cannot be read, the context is not usable, or the
/// client cannot be built.
pub async fn hub_client(
    kubeconfig: Option<&Path>,
    context: Option<&str>,
) -> Result<kube::Client, ConnectError> {
    let path = kubeconfig.map_or_else(default_kubeconfig, Path::to_path_buf);
    let kc = kube::config::Kubeconfig::read_from(&path).map_err(|source| ConnectError::Read {
        path: path.clone(),
        source,
    })?;
    let options = kube::config::KubeConfigOptions {
        context: context.map(str::to_owned),
        ..Default::default()
    };
    let config = kube::Config::from_custom_kubeconfig(kc, &options)
        .await
        .map_err(|source| ConnectError::Context {
            path: path.clone(),
            context: context.unwrap_or("current").to_owned(),
            source,
        })?;
    kube::Client::try_from(config).map_err(|source| ConnectError::Client { path, source })
}
