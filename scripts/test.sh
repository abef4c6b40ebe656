#!/usr/bin/env bash
# The project's one test command (README "Run the tests"); .ci/run calls it.
# Installs what the tests need when it is missing, then runs every gate.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain components"
for component in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
        rustup component add "$component"
    fi
done

step "the fidelity suite's pins"
# Tests that compare with the pinned upstream files (the fidelity crate, and
# kubectl-galera/tests/fidelity_*.rs) read shared/ beside the project or
# $DISTRIBUTED_GALERA_SHARED; without it they say SKIPPED, and under CI=true they fail.
shared="${DISTRIBUTED_GALERA_SHARED:-../shared}"
if [ -d "$shared/upstream" ]; then
    echo "fidelity suite: against $shared"
    bash scripts/derive-data.sh --check
elif [ "${CI:-}" = "true" ]; then
    echo "CI=true but $shared/upstream is missing: CI runs the fidelity suite against the pins" >&2
    exit 1
else
    echo "SKIPPED: the fidelity suite (tests comparing with the pinned upstream CRDs, samples and real-world cases): $shared/upstream is absent; put the project's shared/ folder beside it or set DISTRIBUTED_GALERA_SHARED"
fi

step "MariaDB 10.11 + Galera 4 for the conformance suite"
need=()
for f in /usr/sbin/mariadbd /usr/bin/mariadb-install-db /usr/bin/garbd /usr/bin/rsync /usr/lib/galera/libgalera_smm.so; do
    [ -e "$f" ] || need+=("$f")
done
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing ${need[*]}: run as root, or: apt-get install -y mariadb-server galera-4 galera-arbitrator-4 rsync" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq mariadb-server galera-4 galera-arbitrator-4 rsync iproute2 >/dev/null
fi
command -v ip >/dev/null || { echo "the conformance suite needs iproute2 (ip netns)" >&2; exit 1; }

# A clean build for one run gains nothing from incremental caches, which take disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
printf 'disk before the build: %s\n' "$(df -h . | awk 'NR==2 {print $4 " free of " $2}')"

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy"
cargo clippy --workspace --all-targets --all-features -- -D warnings

step "cargo test (all targets, examples and benches built)"
# The Galera conformance suite prints one `scenario <name>: ...` line per scenario.
mkdir -p target
set +e
cargo test --workspace --all-targets --all-features -- --nocapture >target/test.log 2>&1
rc=$?
set -e
grep -E '^(scenario |recovery plan|live adapter|test result|     Running|SKIPPED)' target/test.log || true
printf 'target/ after the tests: %s; disk free: %s\n' "$(du -sh target | cut -f1)" "$(df -h . | awk 'NR==2 {print $4}')"
if [ "$rc" -ne 0 ]; then
    echo "tests failed (full output in target/test.log); its end:" >&2
    tail -n 200 target/test.log >&2
    exit 1
fi

step "doc tests, and the docs build without a broken link or an undocumented item"
cargo test --workspace --doc --all-features
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --all-features --quiet

step "cargo package, and a user's crate built from the packages"
bash scripts/package.sh

step "the examples (API demos)"
for example in examples/*.rs; do
    name=$(basename "$example" .rs)
    cargo run --quiet --example "$name" >/dev/null
done

step "kubectl-galera"
galera=target/debug/kubectl-galera
cargo build --quiet -p kubectl-galera
"$galera" walkthrough >/dev/null
# The seed end to end on the fake hub with simulated spokes; exits non-zero unless Step 8 holds
# (the README's main command).
"$galera" walkthrough --apply | tail -n 9
# The same on a hub running the newest KubeDB release (the policy in its other shape).
"$galera" walkthrough --apply --kubedb-release v2026.7.10 | tail -n 1
# The same on real MariaDB Galera servers in network namespaces (root and the packages above).
"$galera" walkthrough --apply --lab | grep -E '^(lab: |mariadb-[0-9] at |galera health|FAILED)'
# Day 2 on real servers: demo-edge joins the lab's slice and mariadb-3, mariadb-4 join the
# running cluster by state transfer; exits non-zero unless every pod reports size 5 and has
# the rows written before scaling (checked here again, on the printed lines).
if ! scale_lab=$("$galera" scale --lab | grep -E '^(lab: |mariadb-[0-9] at |galera health|rows: |FAILED|refused)'); then
    echo "$scale_lab" >&2
    echo "scale --lab failed" >&2
    exit 1
fi
echo "$scale_lab"
for want in 'wsrep_cluster_size=5' '^galera health: healthy' '^rows: ([0-9]+) written, \1 on every pod'; do
    if ! grep -qE "$want" <<<"$scale_lab"; then
        echo "scale --lab: no line matching $want" >&2
        exit 1
    fi
done
if [ "$(grep -c 'wsrep_cluster_size=5' <<<"$scale_lab")" -ne 5 ]; then
    echo "scale --lab: not every one of the 5 pods reports wsrep_cluster_size=5" >&2
    exit 1
fi
"$galera" seed >/dev/null
"$galera" failover >/dev/null
# Failover drills on real servers, each step compared with the model; exits 1 on a
# MISMATCH line or a lost row.
"$galera" failover --lab | grep -E '^(lab drill |rows: |lab: |FAILED)'
# Day 2: scale the seed to 5 members over three clusters (demo-edge added); exits non-zero
# unless the OpsRequest succeeds and every pod reports wsrep_cluster_size=5.
"$galera" scale | tail -n 3
# An unsafe target is refused before anything is applied.
if "$galera" scale --replicas 2 >/dev/null; then
    echo "scale --replicas 2 was not refused" >&2
    exit 1
fi
