#!/usr/bin/env bash
# The workspace's tests: cargo-nextest when installed (its summary line counts the tests),
# otherwise cargo test with a summary line added.
set -euo pipefail
if cargo nextest --version >/dev/null 2>&1; then
  exec cargo nextest run --workspace --no-fail-fast "$@"
fi
set -o pipefail
cargo test --workspace --no-fail-fast "$@" 2>&1 | tee /dev/stderr | awk '
  /^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
  END { printf "%d passed, %d failed\n", p, f }' >&2
