#!/usr/bin/env bash
# Packages every publishable crate (`cargo package --workspace`), then builds, from those
# packages and nothing else, a small user's crate outside the workspace (scripts/downstream)
# together with the kubectl-galera binary, and runs the user's crate: proof that each
# published crate builds from its own packaged sources and gives an embedder what the README
# promises. scripts/test.sh runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target="${CARGO_TARGET_DIR:-$root/target}"

# The packages themselves; the build below compiles each from its packaged sources.
cargo package --workspace --exclude fidelity --no-verify --allow-dirty --quiet

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/packages"
for crate in "$target"/package/*.crate; do
    tar -xzf "$crate" -C "$work/packages"
done
cp -r scripts/downstream "$work/downstream"
members='"downstream"'
patches=""
for dir in "$work"/packages/*/; do
    name=$(sed -n 's/^name = "\(.*\)"$/\1/p' "$dir/Cargo.toml" | head -n 1)
    members="$members, \"packages/$(basename "$dir")\""
    patches="$patches$name = { path = \"packages/$(basename "$dir")\" }"$'\n'
done
cat >"$work/Cargo.toml" <<TOML
[workspace]
resolver = "3"
members = [$members]

[patch.crates-io]
$patches
# The workspace's profile, so the dependencies built for the tests are reused.
[profile.dev]
debug = "line-tables-only"

[profile.dev.package."*"]
debug = false
TOML
cp Cargo.lock "$work/Cargo.lock"
(
    cd "$work"
    CARGO_TARGET_DIR="$target/downstream" cargo build --quiet --workspace --bins
    echo "packaged crates: $(ls "$target"/package/*.crate | wc -l) built from their packages with a user's crate"
    "$target/downstream/debug/downstream"
    "$target/downstream/debug/kubectl-galera" --version
)
