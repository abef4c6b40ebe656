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

if [ ! -d ../shared/upstream ]; then
    echo "../shared/upstream is missing: the fidelity tests read the pinned upstream CRDs and" >&2
    echo "samples from it. Check this project out with shared/ beside it." >&2
    exit 1
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
# The CLI tests run the example binaries (target/debug/examples/<name>), which `cargo test`
# alone compiles but does not put there.
cargo build --workspace --examples --all-features
set +e
cargo test --workspace --all-targets --all-features -- --nocapture >target/test.log 2>&1
rc=$?
set -e
grep -E '^(scenario |recovery plan|live adapter|test result|     Running)' target/test.log || true
printf 'target/ after the tests: %s; disk free: %s\n' "$(du -sh target | cut -f1)" "$(df -h . | awk 'NR==2 {print $4}')"
if [ "$rc" -ne 0 ]; then
    echo "tests failed (full output in target/test.log); its end:" >&2
    tail -n 200 target/test.log >&2
    exit 1
fi

step "doc tests"
cargo test --workspace --doc --all-features

step "examples run"
cargo run --quiet --example walkthrough >/dev/null
# The seed end to end on the fake hub with simulated spokes; exits non-zero unless Step 8 holds.
cargo run --quiet --example walkthrough -- --apply | tail -n 9
# The same on a hub running the newest KubeDB release (the policy in its other shape).
cargo run --quiet --example walkthrough -- --apply --kubedb-release v2026.7.10 | tail -n 1
# The same on real MariaDB Galera servers in network namespaces (root and the packages above).
cargo run --quiet --example walkthrough -- --apply --lab | grep -E '^(lab: |mariadb-[0-9] at |galera health|FAILED)'
# Day 2 on real servers: demo-edge joins the lab's slice and mariadb-3, mariadb-4 join the
# running cluster by state transfer; exits non-zero unless every pod reports size 5 and has
# the rows written before scaling (checked here again, on the printed lines).
if ! scale_lab=$(cargo run --quiet --example scale -- --lab | grep -E '^(lab: |mariadb-[0-9] at |galera health|rows: |FAILED|refused)'); then
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
cargo run --quiet --example seed >/dev/null
cargo run --quiet --example failover >/dev/null
# Failover drills on real servers, each step compared with the model; exits 1 on a
# MISMATCH line or a lost row.
cargo run --quiet --example failover -- --lab | grep -E '^(lab drill |rows: |lab: |FAILED)'
# Day 2: scale the seed to 5 members over three clusters (demo-edge added); exits non-zero
# unless the OpsRequest succeeds and every pod reports wsrep_cluster_size=5.
cargo run --quiet --example scale | tail -n 3
# An unsafe target is refused before anything is applied.
if cargo run --quiet --example scale -- --replicas 2 >/dev/null; then
    echo "scale --replicas 2 was not refused" >&2
    exit 1
fi
