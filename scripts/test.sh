#!/usr/bin/env bash
# The whole test suite: installs what it needs, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Plain `cargo test` also builds examples/ (so they cannot rot) but never runs the benchmarks.
status=0
cargo test "$@" || status=$?

# Every process a test starts must be gone when the tests are: a server left
# behind (faketime's child, say) is a bug in the test that started it.
bin="$PWD/target/debug/invitectl"
left=()
for proc in /proc/[0-9]*; do
  exe=$(readlink "$proc/exe" 2> /dev/null) || continue
  case "$exe" in
    "$bin" | "$bin (deleted)") left+=("${proc#/proc/}") ;;
  esac
done
if [ ${#left[@]} -gt 0 ]; then
  echo "test.sh: ${#left[@]} invitectl process(es) outlived the tests:" >&2
  ps -o pid,ppid,lstart,args -p "$(IFS=,; echo "${left[*]}")" >&2
  exit 1
fi
exit $status
