//! A client for a hub named by a kubeconfig file and context.

use std::path::{Path, PathBuf};

/// Why no client for the hub could be made.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The kubeconfig could not be read or parsed.
    #[error(
        "{path}: cannot read the kubeconfig: {source}; pass the hub's kubeconfig with --kubeconfig"
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
