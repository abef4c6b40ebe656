//! Filling the shell variables a pod's `galera.cnf` still holds.

use crate::error::LabError;

/// Fills `${NAME}` and `$NAME` in `text` from `vars`, the way the shell fills KubeDB's
/// `galera.cnf` heredoc when the pod starts: `${POD_IP}` (the pod's overlay address, read from
/// `/etc/podip/podip` in distributed mode) and, for `mariabackup`,
/// `$MYSQL_ROOT_USERNAME:$MYSQL_ROOT_PASSWORD` (`kubedb/mariadb-init-docker@0.8.0:
/// scripts/on-start.sh`; the heredoc's other variables, `$CLUSTER_NAME` and `${hosts}`, the
/// deployer has already written in). A `$` not followed by a name stays as it is; a name not
/// in `vars` is an error naming it, so no placeholder reaches the server unfilled. Values are
/// not scanned again.
///
/// ```
/// let cnf = "wsrep_node_address=${POD_IP}  # overlay\nwsrep_sst_auth=$MYSQL_ROOT_USERNAME:$MYSQL_ROOT_PASSWORD\n";
/// let out = lab::fill_placeholders("mariadb-0", cnf, &[
///     ("POD_IP", "10.1.0.1"), ("MYSQL_ROOT_USERNAME", "root"), ("MYSQL_ROOT_PASSWORD", "pa$$"),
/// ]).unwrap();
/// assert_eq!(out, "wsrep_node_address=10.1.0.1  # overlay\nwsrep_sst_auth=root:pa$$\n");
/// assert!(lab::fill_placeholders("mariadb-0", "x=$HOSTNAME", &[]).is_err());
/// ```
pub fn fill_placeholders(pod: &str, text: &str, vars: &[(&str, &str)]) -> Result<String, LabError> {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) if end > 0 && braced[..end].chars().all(is_name) => {
                    (&braced[..end], end + 2)
                }
                _ => ("", 0),
            }
        } else {
            let end = after.find(|c: char| !is_name(c)).unwrap_or(after.len());
            (&after[..end], end)
        };
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            out.push('$');
            rest = after;
            continue;
        }
        let value = vars
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .ok_or_else(|| LabError::Placeholder {
                pod: pod.to_owned(),
                name: name.to_owned(),
            })?;
        out.push_str(value);
        rest = &after[len..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::fill_placeholders;

    #[test]
    fn lone_dollars_stay_and_unknown_names_are_refused() {
        assert_eq!(fill_placeholders("p", "a$ b$", &[]).unwrap(), "a$ b$");
        assert_eq!(fill_placeholders("p", "${}", &[]).unwrap(), "${}");
        assert_eq!(fill_placeholders("p", "$1", &[]).unwrap(), "$1");
        let e = fill_placeholders("p", "x=${CLUSTER_NAME}", &[("POD_IP", "1")]).unwrap_err();
        assert!(e.to_string().contains("$CLUSTER_NAME"), "{e}");
        assert_eq!(
            fill_placeholders("p", "${POD_IP}${POD_IP}", &[("POD_IP", "$POD_IP")]).unwrap(),
            "$POD_IP$POD_IP"
        );
    }
}
