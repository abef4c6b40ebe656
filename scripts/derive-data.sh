#!/usr/bin/env bash
# Derives the crates' release data (kubedb-types/data, ocm-types/data, kubeslice-types/data)
# from the pinned upstream files in shared/upstream (../shared beside the workspace, or
# $DISTRIBUTED_GALERA_SHARED): the CRDs' facts without upstream prose, and each KubeDB release's
# MariaDBVersion catalog. `--check` writes nothing and exits 1 when a file differs.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --quiet -p fidelity --bin derive-data -- "$@"
