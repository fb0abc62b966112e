#!/usr/bin/env bash
# The whole test suite: installs what it needs, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Plain `cargo test` also builds examples/ (so they cannot rot) but never runs the benchmarks.
cargo test "$@"
