#!/usr/bin/env bash
# The whole test suite: installs what it needs, then runs every test twice,
# on SQLite and then on PostgreSQL (the browser's accessibility checks once).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

# One throwaway PostgreSQL cluster for the whole run, started before both
# passes: the PostgreSQL pass gives each test a database of its own on it,
# and tests that need PostgreSQL whatever the engine find it in both.
# No PostgreSQL is a failure, never a skip.
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/invitectl-pg.XXXXXX")
trap 'scripts/postgres-cluster.sh stop "$pg_dir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
INVITECTL_TEST_POSTGRES=$(scripts/postgres-cluster.sh start "$pg_dir")
export INVITECTL_TEST_POSTGRES

# Plain `cargo test` also builds examples/ (so they cannot rot) but never runs the benchmarks.
status=0
echo "test.sh: the SQLite pass" >&2
cargo test "$@" || status=$?
echo "test.sh: the PostgreSQL pass (INVITECTL_TEST_ENGINE=postgres)" >&2
# A page is the same whatever engine stored what it shows, so the browser's
# accessibility checks of every page in every language (three minutes) run
# in the SQLite pass only.
postgres_args=("$@")
[[ " $* " == *" -- "* ]] || postgres_args+=(--)
INVITECTL_TEST_ENGINE=postgres cargo test "${postgres_args[@]}" --skip accessibility:: || status=$?

# Every process a test starts must be gone when the tests are: a server left
# behind (a serve-accept, say) is a bug in the test that started it, and
# so is a private PostgreSQL cluster (Cluster::start) still running.
bin="$PWD/target/debug/invitectl"
postgres="$(cat "$pg_dir/bindir")/postgres"
left=()
for proc in /proc/[0-9]*; do
  exe=$(readlink "$proc/exe" 2> /dev/null) || continue
  case "$exe" in
    "$bin" | "$bin (deleted)") left+=("${proc#/proc/}") ;;
    "$postgres")
      # A test cluster's postmaster (`postgres -D …/invitectl-pg.*/data`)
      # other than the shared one; its children and any other PostgreSQL
      # on the machine are not counted.
      mapfile -d '' -t args < "$proc/cmdline" 2> /dev/null || continue
      case "${args[1]:-} ${args[2]:-}" in
        "-D $pg_dir/data") ;;
        "-D "*/invitectl-pg.*/data) left+=("${proc#/proc/}") ;;
      esac
      ;;
  esac
done
if [ ${#left[@]} -gt 0 ]; then
  echo "test.sh: ${#left[@]} invitectl or PostgreSQL process(es) outlived the tests:" >&2
  ps -o pid,ppid,lstart,args -p "$(IFS=,; echo "${left[*]}")" >&2
  exit 1
fi
exit $status
