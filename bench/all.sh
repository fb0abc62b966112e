#!/usr/bin/env bash
# Every figure, one entry point: runs each bench script in turn (each
# measures ours and its floor in the same run, taking turns) and ends with
# one line per figure, the same shape every round:
#   name | ours | floor | ratio | goal and verdict | 1-minute loads
# Each script's own report goes to bench-all.log (or $BENCH_LOG) in full.
#   BENCH_ONLY="cold web"   only these scripts (names without .sh)
#   BENCH_QUICK=1           shorter runs (fewer repetitions): a smoke test,
#                           not figures to quote
#   WITH_POSTGRES=1         the PostgreSQL figures too (a throwaway cluster)
# Usage: bench/all.sh
set -uo pipefail
cd "$(dirname "$0")/.."
log=${BENCH_LOG:-$PWD/bench-all.log}
figures=$(mktemp)
trap 'rm -f "$figures"' EXIT
export BENCH_FIGURES=$figures
cargo build --release --quiet || exit 1

quick=${BENCH_QUICK:-}
# name and arguments: the defaults, or a short run with BENCH_QUICK.
scripts=(
  "cold      ${quick:+10 60}"
  "list      ${quick:+10000 3}"
  "smtp      ${quick:+2000 1}"
  "web       ${quick:+3 2 100}"
  "auth      ${quick:+3 32 2}"
  "import    ${quick:+10000 100000}"
  "forgot    ${quick:+60}"
  "limiter   ${quick:+20000 500 5}"
  "memory    ${quick:+20000 2000}"
  "people    ${quick:+2000}"
)
if [ -n "${WITH_POSTGRES:-}" ]; then
  scripts+=("list_postgres ${quick:+10000 3}" "web_postgres ${quick:+2 50}")
fi

: > "$log"
failed=()
for entry in "${scripts[@]}"; do
  read -r name args <<< "$entry"
  if [ -n "${BENCH_ONLY:-}" ] && ! grep -qw "$name" <<< "$BENCH_ONLY"; then
    continue
  fi
  echo "bench/all: $name.sh $args (load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$log" >&2
  # shellcheck disable=SC2086 # the arguments are words
  if ! SKIP_NAGLE=1 "bench/$name.sh" $args >> "$log" 2>&1; then
    failed+=("$name")
    echo "bench/all: $name.sh FAILED; see $log" >&2
  fi
done

echo
echo "== Figures ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, commit $(git rev-parse --short HEAD)${quick:+; BENCH_QUICK: not figures to quote})"
printf '%-34s | %-26s | %-34s | %7s | %-16s | %s\n' name ours floor ratio goal load
cat "$figures"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "failed: ${failed[*]} (see $log)"
  exit 1
fi
