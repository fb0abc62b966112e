#!/usr/bin/env bash
# `invitectl invite --from-file` of 10,000 addresses to a local SMTP server
# (postfix's smtp-sink), beside postfix's bare client smtp-source sending
# 10,000 messages of the same size over one connection to the same server.
# Each run invites into a new, empty database; the contenders take turns run
# by run (new, [baseline], [PostgreSQL], smtp-source, new, …) and medians are
# compared:
#   BASELINE_BIN=/path/to/an/older/invitectl  that binary too, on SQLite:
#                                             ratio new / old (goal: at most 1.0)
#   WITH_POSTGRES=1                           the new binary on PostgreSQL too (a
#                                             throwaway cluster, fsync=off,
#                                             synchronous_commit=off, TCP on
#                                             127.0.0.1): ratio PostgreSQL /
#                                             SQLite (goal: at most 1.5)
#   SKIP_NAGLE=1                              skip the lettre_nagle bench at the end
# Usage: [BASELINE_BIN=…] [WITH_POSTGRES=1] bench/smtp.sh [COUNT] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
count=${1:-10000}
runs=${2:-3}

if ! command -v smtp-sink > /dev/null && [ ! -x /usr/sbin/smtp-sink ]; then
  echo "bench: installing postfix for smtp-sink and smtp-source" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postfix > /dev/null
fi
export PATH="$PATH:/usr/sbin"

build
baseline
with_postgres=${WITH_POSTGRES:-}
[ -z "$with_postgres" ] || pg_cluster
work=$(mktemp -d)
at_exit "rm -rf '$work'"
port=$(free_port)
smtp-sink -u nobody "127.0.0.1:$port" 1000 &
at_exit "kill $! 2> /dev/null"
sleep 0.5
cd "$work"

# The size of a real invitation, for the bare client.
mkdir sample && (cd sample && "$bin" -q invite sample@acme.example --role viewer > /dev/null)
size=$(wc -c < "$(ls sample/outbox/*.eml | head -1)")

python3 -c "
print('email,role,department,teams')
for i in range($count):
    print(f'user{i}@acme.example,viewer,,')
" > hires.csv
cat > invitectl.toml <<TOML
[organization]
name = "Acme Corp"
[mail]
from = "Acme IT <it@acme.example>"
[smtp]
host = "127.0.0.1"
port = $port
security = "none"
TOML

# invite BINARY sqlite|postgres RUN: one invite run in a new directory (so a
# new SQLite file) or a new PostgreSQL database; prints its wall time in ms
# after checking that every message went out.
invite() {
  local binary=$1 engine=$2 run=$3 dir start ms sent db=()
  dir=$(mktemp -d -p "$work")
  cp invitectl.toml "$dir/"
  if [ "$engine" = postgres ]; then
    db=(--db "$(pg_database "bench_smtp_$run")")
    # Created empty: invitectl makes its schema in the timed run, as it
    # makes the SQLite file.
  fi
  start=$(date +%s%N)
  (cd "$dir" && "$binary" -q "${db[@]}" invite --from-file ../hires.csv --format json > invited.json)
  ms=$((($(date +%s%N) - start) / 1000000))
  sent=$(python3 -c "import json; print(sum(1 for r in json.load(open('$dir/invited.json')) if r['delivery'] == 'sent'))" || echo 0)
  [ "$sent" = "$count" ] || { echo "bench: $binary on $engine delivered $sent of $count" >&2; exit 1; }
  rm -rf "$dir"
  echo "$ms"
}
bare() {
  elapsed_ms smtp-source -d -s 1 -m "$count" -l "$size" -f it@acme.example -t user@acme.example "127.0.0.1:$port"
}

ours=() olds=() pgs=() bares=()
for run in $(seq "$runs"); do
  quiet "smtp run $run"
  ours+=("$(invite "$bin" sqlite "$run")")
  [ -z "$base" ] || olds+=("$(invite "$base" sqlite "$run")")
  [ -z "$with_postgres" ] || pgs+=("$(invite "$bin" postgres "$run")")
  bares+=("$(bare)")
done
ours_ms=$(printf '%s\n' "${ours[@]}" | median)
bare_ms=$(printf '%s\n' "${bares[@]}" | median)
per() { awk -v ms="$1" -v n="$count" 'BEGIN { printf "%.3f", ms / n }'; }

echo "messages:                          $count of $size bytes, every one delivered; $runs runs each, taking turns"
echo "invitectl invite --from-file:      ${ours_ms} ms median, $(per "$ours_ms") ms/message (SQLite; ${ours[*]})"
echo "smtp-source, one connection:       ${bare_ms} ms median, $(per "$bare_ms") ms/message (${bares[*]})"
r=$(ratio "$ours_ms" "$bare_ms")
echo "ratio invitectl / bare client:     ${r}x (goal: at most 0.6x: $(verdict "$r" LE 0.6)); run by run $(paired "${ours[*]}" "${bares[*]}")x"
figure "P1 invite $count over SMTP" "${ours_ms} ms" "${bare_ms} ms smtp-source" "$r" LE 0.6
if [ -n "$base" ]; then
  base_ms=$(printf '%s\n' "${olds[@]}" | median)
  echo "baseline $base, SQLite: ${base_ms} ms median (${olds[*]})"
  r=$(ratio "$ours_ms" "$base_ms")
  echo "ratio new / baseline, SQLite:      ${r}x (goal: at most 1.0x: $(verdict "$r" LE 1.0)); run by run $(paired "${ours[*]}" "${olds[*]}")x"
fi
if [ -n "$with_postgres" ]; then
  pg_ms=$(printf '%s\n' "${pgs[@]}" | median)
  echo "invitectl on PostgreSQL:           ${pg_ms} ms median, $(per "$pg_ms") ms/message (fsync=off, synchronous_commit=off; ${pgs[*]})"
  r=$(ratio "$pg_ms" "$ours_ms")
  echo "ratio PostgreSQL / SQLite:         ${r}x (goal: at most 1.5x: $(verdict "$r" LE 1.5)); run by run $(paired "${pgs[*]}" "${ours[*]}")x"
fi
loads_summary
cd - > /dev/null
[ -n "${SKIP_NAGLE:-}" ] || cargo bench --quiet --bench lettre_nagle -- "$port" 200
