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

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy"
cargo clippy --workspace --all-targets --all-features -- -D warnings

step "cargo test (all targets, examples and benches built)"
cargo test --workspace --all-targets --all-features

step "doc tests"
cargo test --workspace --doc --all-features

step "examples run"
cargo run --quiet --example walkthrough >/dev/null
cargo run --quiet --example seed >/dev/null
