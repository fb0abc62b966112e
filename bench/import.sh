#!/usr/bin/env bash
# A bulk import beside a live serve-accept, and the memory of a huge dry run.
#  1. `invite --from-file` of IMPORT rows (default 100,000, file transport)
#     while invitees accept on serve-accept against the same database: the
#     accept latency they see, beside the same accepts with nothing else running.
#  2. Peak memory of `invite --from-file --dry-run` over DRY rows (default 1,000,000).
# Usage: bench/import.sh [IMPORT] [DRY]
set -euo pipefail
cd "$(dirname "$0")/.."
import_rows=${1:-100000}
dry_rows=${2:-1000000}
source bench/lib.sh
cargo build --release --quiet
bin=$PWD/target/release/invitectl
bench=$PWD/bench
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"

csv() { python3 -c "
import sys
print('email,role,department,teams')
for i in range($1):
    print(f'$2{i}@acme.example,viewer,,')"; }

# Invitations for the accept runs, their tokens taken from --print-link.
links() {
  seq -f "$1%g@acme.example" 1 "$2" | "$bin" -q invite - --role viewer --print-link --format json \
    | python3 -c 'import json,sys; [print(r["link"].split("token=")[1]) for r in json.load(sys.stdin)]'
}
links quiet 100 > quiet.tokens
links busy 100 > busy.tokens
csv "$import_rows" user > import.csv

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" -q serve-accept --bind "127.0.0.1:$port" 2> server.log &
server=$!
until curl -sf "http://127.0.0.1:$port/healthz" > /dev/null; do sleep 0.1; done

bench_loads+=("$(load1)")
quiet=$(python3 "$bench/accept_latency.py" "$port" quiet.tokens)
start=$(date +%s%N)
"$bin" -q invite --from-file import.csv --role viewer > /dev/null &
importer=$!
busy=$(python3 "$bench/accept_latency.py" "$port" busy.tokens)
wait "$importer"
import_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "import of $import_rows rows:           ${import_ms} ms (file transport)"
echo "POST /accept, nothing else running:   $quiet"
echo "POST /accept, during the import:      $busy"
python3 - "$quiet" "$busy" <<'PY'
import sys
def p99(line): return float(dict(kv.split("=") for kv in line.split())["p99_ms"])
quiet, busy = p99(sys.argv[1]), p99(sys.argv[2])
print(f"p99 ratio busy / quiet:               {busy / max(quiet, 1):.2f}x (goal: p99 under 1000 ms: {'yes' if busy < 1000 else 'NO'})")
PY
busy_p99=$(sed -n 's/.*p99_ms=\([0-9]*\).*/\1/p' <<< "$busy")
figure "POST /accept p99 during an import" "${busy_p99} ms" "1000 ms (the limit)" "$(ratio "$busy_p99" 1000)" LE 1.0

csv "$dry_rows" dry > dry.csv
dry_start=$(date +%s%N)
peak_kb=$( { /usr/bin/time -f '%M' "$bin" -q invite --from-file dry.csv --role viewer --dry-run --format json > /dev/null; } 2>&1 | tail -1)
dry_ms=$(( ($(date +%s%N) - dry_start) / 1000000 ))
echo "dry run of $dry_rows rows:       ${dry_ms} ms, peak memory $(( peak_kb / 1024 )) MiB (goal: under 150 MiB)"
